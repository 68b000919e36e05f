//! `azurerm_user_assigned_identity`: Azure answers an identity without an
//! isolation scope with `isolationScope: "None"`, which azurerm reads as
//! unset.

use super::TypeHooks;
use crate::lang::Value;
use serde_json::Value as Json;
use std::borrow::Cow;

pub struct Hooks;

impl TypeHooks for Hooks {
    fn normalize_arm<'a>(&self, doc: &'a Json, _prior: Option<&Value>) -> Cow<'a, Json> {
        let none = doc
            .pointer("/properties/isolationScope")
            .and_then(Json::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("None"));
        if !none {
            return Cow::Borrowed(doc);
        }
        let mut doc = doc.clone();
        if let Some(p) = doc.get_mut("properties").and_then(Json::as_object_mut) {
            p.remove("isolationScope");
        }
        Cow::Owned(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn no_isolation_scope_reads_as_unset() {
        let none = json!({"properties": {"isolationScope": "None", "clientId": "c"}});
        assert_eq!(
            Hooks.normalize_arm(&none, None).into_owned(),
            json!({"properties": {"clientId": "c"}})
        );
        let regional = json!({"properties": {"isolationScope": "Regional"}});
        assert_eq!(Hooks.normalize_arm(&regional, None).into_owned(), regional);
    }
}
