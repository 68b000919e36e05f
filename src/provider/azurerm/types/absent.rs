//! Empty and absent, as azurerm's SDKv2 types see them: a list Azure
//! answers empty (`"ipRules": []`) or a string it answers blank
//! (`"path": ""`) is the same to azurerm as an argument left out, so that a
//! configuration that leaves it out plans no change. Here an answer's empty
//! field reads as null where the state had null (or there is no state),
//! and as empty where the state had it empty. It owns that one rule; it
//! knows no resource type.

use crate::lang::Value;
use serde_json::{Map, Value as Json};

/// Whether azurerm reads this answer as nothing: null, `""`, `[]` or `{}`.
pub fn is_empty(j: &Json) -> bool {
    match j {
        Json::Null => true,
        Json::String(s) => s.is_empty(),
        Json::Array(a) => a.is_empty(),
        Json::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// Removes from an answer's object each empty field (ARM name, attribute
/// name) whose attribute is null in `prior`, or has no prior at all.
pub fn drop_empty(obj: &mut Map<String, Json>, prior: Option<&Value>, fields: &[(&str, &str)]) {
    for (key, attr) in fields {
        let empty = obj.get(*key).is_some_and(is_empty);
        let prior_set = prior.and_then(|p| p.get(attr)).is_some_and(|v| !v.is_null());
        if empty && !prior_set {
            obj.remove(*key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::eval::eval_standalone;
    use serde_json::json;

    #[test]
    fn an_empty_answer_reads_as_the_state_had_it() {
        let answer = json!({"ipRules": [], "path": "", "kept": ["a"], "n": 0});
        let fields = [("ipRules", "ip_rules"), ("path", "path"), ("kept", "kept"), ("n", "n")];
        let mut none = answer.as_object().unwrap().clone();
        drop_empty(&mut none, None, &fields);
        assert_eq!(Json::Object(none), json!({"kept": ["a"], "n": 0}));
        let prior = eval_standalone(r#"{ ip_rules = [], path = null }"#).unwrap();
        let mut some = answer.as_object().unwrap().clone();
        drop_empty(&mut some, Some(&prior), &fields);
        assert_eq!(Json::Object(some), json!({"ipRules": [], "kept": ["a"], "n": 0}));
    }
}
