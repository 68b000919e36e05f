//! `azurerm_public_ip`: IP tags kept as a list of pairs, an edge zone as an
//! extended location of its type, and the DNS label scope, which changes in
//! place only from unset (azurerm's `ForceNewIfChange`).

use super::fields::{self, field, Field, Shape};
use super::TypeHooks;
use crate::lang::Value;
use serde_json::{json, Value as Json};

pub struct Hooks;

const FIELDS: &[Field] = &[field("ip_tags", "properties.ipTags", Shape::Pairs("ipTagType", "tag"))];

const SCOPE: &str = "domain_name_label_scope";

impl TypeHooks for Hooks {
    fn replacements(&self, prior: Option<&Value>, planned: &Value, replace: &mut Vec<String>) {
        let Some(prior) = prior else { return };
        let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_string();
        let (old, new) = (text(prior.get(SCOPE)), text(planned.get(SCOPE)));
        let known = planned.get(SCOPE).is_none_or(Value::is_known);
        if known && old != new && (!old.is_empty() || new.is_empty()) {
            replace.push(SCOPE.to_string());
        }
    }

    fn to_arm(&self, value: &Value, body: &mut Json) {
        fields::write(FIELDS, value, body);
        if body.pointer("/extendedLocation/name").is_some() {
            body["extendedLocation"]["type"] = json!("EdgeZone");
        }
    }

    fn read_arm(&self, doc: &Json, value: &mut Value, _subscription: &str) {
        fields::read(FIELDS, doc, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::eval::eval_standalone;

    #[test]
    fn the_dns_label_scope_changes_in_place_only_from_unset() {
        let with = |s: &str| eval_standalone(&format!("{{ {SCOPE} = {s} }}")).unwrap();
        let replaced = |old: &str, new: &str| {
            let mut r = Vec::new();
            Hooks.replacements(Some(&with(old)), &with(new), &mut r);
            !r.is_empty()
        };
        assert!(!replaced("null", "\"TenantReuse\""));
        assert!(replaced("\"TenantReuse\"", "\"NoReuse\""));
        assert!(replaced("\"TenantReuse\"", "null"));
        assert!(!replaced("\"NoReuse\"", "\"NoReuse\""));
    }

    #[test]
    fn ip_tags_are_pairs_and_an_edge_zone_has_its_type() {
        let v = eval_standalone(r#"{ ip_tags = { RoutingPreference = "Internet" } }"#).unwrap();
        let mut body = json!({"extendedLocation": {"name": "losangeles"}});
        Hooks.to_arm(&v, &mut body);
        assert_eq!(
            body,
            json!({"extendedLocation": {"name": "losangeles", "type": "EdgeZone"},
                "properties": {"ipTags": [{"ipTagType": "RoutingPreference", "tag": "Internet"}]}})
        );
        let mut back = eval_standalone("{ ip_tags = null }").unwrap();
        Hooks.read_arm(&body, &mut back, "s");
        assert_eq!(
            back.get("ip_tags")
                .unwrap()
                .get("RoutingPreference")
                .and_then(Value::as_str),
            Some("Internet")
        );
    }
}
