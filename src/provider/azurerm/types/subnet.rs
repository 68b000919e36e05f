//! `azurerm_subnet`: Azure may answer a one-prefix subnet with
//! `addressPrefix` alone.

use super::TypeHooks;
use crate::lang::Value;
use serde_json::{json, Value as Json};
use std::borrow::Cow;

pub struct Hooks;

impl TypeHooks for Hooks {
    fn normalize_arm<'a>(&self, doc: &'a Json, _prior: Option<&Value>) -> Cow<'a, Json> {
        if doc.pointer("/properties/addressPrefixes").is_some() {
            return Cow::Borrowed(doc);
        }
        let Some(one) = doc.pointer("/properties/addressPrefix").cloned() else {
            return Cow::Borrowed(doc);
        };
        let mut doc = doc.clone();
        doc["properties"]["addressPrefixes"] = json!([one]);
        Cow::Owned(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subnet_with_one_prefix_reads_as_a_list() {
        let doc = json!({"properties": {"addressPrefix": "10.0.0.0/24"}});
        let n = Hooks.normalize_arm(&doc, None);
        assert_eq!(n["properties"]["addressPrefixes"], json!(["10.0.0.0/24"]));
        let both = json!({"properties": {"addressPrefix": "x", "addressPrefixes": ["a", "b"]}});
        assert_eq!(Hooks.normalize_arm(&both, None).into_owned(), both);
    }
}
