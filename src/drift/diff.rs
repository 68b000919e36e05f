//! Attribute-level differences between two values of one resource, as
//! paths: `tags.owner`, `default_node_pool[0].node_count`,
//! `configuration_settings["omsagent.region"]`.

use crate::lang::Value;

/// One attribute that differs. Either side is `None` where it is absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub path: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Appends `key` to `path` the way Terraform writes attribute paths.
pub fn join(path: &str, key: &str) -> String {
    let plain = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (path.is_empty(), plain) {
        (true, true) => key.to_string(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!("{path}[{}]", serde_json::Value::String(key.to_string())),
    }
}

/// Every leaf where `before` and `after` differ. Lists of the same length
/// are compared item by item; sets, and lists whose length changed, as a
/// whole. Nulls and absent attributes are the same.
pub fn differences(before: &Value, after: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk("", Some(before), Some(after), &mut out);
    out
}

fn present(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !v.is_null())
}

fn walk(path: &str, before: Option<&Value>, after: Option<&Value>, out: &mut Vec<Difference>) {
    let (b, a) = (present(before), present(after));
    if b.is_none() && a.is_none() {
        return;
    }
    // Descend into what both sides hold openly: objects and maps by key,
    // lists and tuples of one length by index (a set's elements have no place).
    if let (Some(bv), Some(av)) = (b, a) {
        if !is_sensitive(b) && !is_sensitive(a) {
            if let (Some(bm), Some(am)) = (bv.as_map(), av.as_map()) {
                let mut keys: Vec<&String> = bm.keys().chain(am.keys()).collect();
                keys.sort();
                keys.dedup();
                for k in keys {
                    walk(&join(path, k), bm.get(k), am.get(k), out);
                }
                return;
            }
            let is_set = |v: &Value| matches!(v.inner(), Value::Set(..));
            if let (Some(bl), Some(al)) = (bv.as_seq(), av.as_seq()) {
                if bl.len() == al.len() && !is_set(bv) && !is_set(av) {
                    for (i, (x, y)) in bl.iter().zip(al).enumerate() {
                        walk(&format!("{path}[{i}]"), Some(x), Some(y), out);
                    }
                    return;
                }
            }
        }
    }
    let same = matches!((b, a), (Some(x), Some(y)) if x.same_as(y));
    if !same {
        out.push(Difference {
            path: path.to_string(),
            before: b.cloned(),
            after: a.cloned(),
        });
    }
}

fn is_sensitive(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Sensitive(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn v(j: serde_json::Value) -> Value {
        Value::from_json(&j)
    }

    #[test]
    fn paths_name_the_leaves_that_differ() {
        let before = v(
            json!({"name": "k", "tags": {"env": "dev"}, "pool": [{"count": 3, "size": "D2"}],
            "settings": {"omsagent.region": "westus"}}),
        );
        let after = v(
            json!({"name": "k", "tags": {"env": "dev", "owner": "x"}, "pool": [{"count": 5, "size": "D2"}],
            "settings": {"omsagent.region": "eastus"}}),
        );
        let d = differences(&before, &after);
        let paths: Vec<&str> = d.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["pool[0].count", "settings[\"omsagent.region\"]", "tags.owner"]);
        assert_eq!(d[2].before, None);
        assert_eq!(d[2].after, Some(Value::string("x")));
    }

    #[test]
    fn lists_that_change_length_differ_as_a_whole_and_null_is_absent() {
        let d = differences(&v(json!({"a": [1], "n": null})), &v(json!({"a": [1, 2]})));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, "a");
    }

    #[test]
    fn sensitive_values_are_compared_without_descending() {
        let before = Value::from_json(&json!({"k": "a"})).mark();
        let after = Value::from_json(&json!({"k": "b"})).mark();
        let d = differences(&v(json!({})), &v(json!({})));
        assert!(d.is_empty());
        let wrap = |x: Value| Value::Object([("s".to_string(), x)].into());
        let d = differences(&wrap(before), &wrap(after));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, "s");
        assert!(matches!(d[0].after, Some(Value::Sensitive(_))));
    }
}
