//! `azurerm_network_security_group`: its inline `security_rule` (an
//! attribute written as blocks) kept as `properties.securityRules`, each
//! rule as the rule resource maps it; and an update that leaves the rules
//! unchanged keeps them as Azure has them (rules made as resources of
//! their own), as azurerm's read-modify-write update does.

use super::fields::{self, field, Field, Shape};
use super::{network_security_rule, TypeHooks};
use crate::lang::Value;
use serde_json::Value as Json;
use std::borrow::Cow;

pub struct Hooks;

const FIELDS: &[Field] = &[field(
    "security_rule",
    "properties.securityRules",
    Shape::Objects(network_security_rule::RULE),
)];

impl TypeHooks for Hooks {
    fn before_plan(&self, config: &mut Value, _prior: Option<&Value>, _subscription: &str) {
        fields::as_read(FIELDS, config);
    }

    fn normalize_arm<'a>(&self, doc: &'a Json, _prior: Option<&Value>) -> Cow<'a, Json> {
        let Some(rules) = doc.pointer("/properties/securityRules").and_then(Json::as_array) else {
            return Cow::Borrowed(doc);
        };
        let fixed: Vec<Json> = rules
            .iter()
            .map(|r| network_security_rule::without_empties(r).unwrap_or_else(|| r.clone()))
            .collect();
        let mut doc = doc.clone();
        doc["properties"]["securityRules"] = Json::Array(fixed);
        Cow::Owned(doc)
    }

    fn to_arm(&self, value: &Value, body: &mut Json) {
        fields::write(FIELDS, value, body);
    }

    fn read_arm(&self, doc: &Json, value: &mut Value, _subscription: &str) {
        fields::read(FIELDS, doc, value);
    }

    fn kept_on_update(&self, prior: &Value, planned: &Value) -> Vec<&'static str> {
        match (prior.get("security_rule"), planned.get("security_rule")) {
            (Some(p), Some(n)) if p.same_as(n) => vec!["properties.securityRules"],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::eval::eval_standalone;
    use serde_json::json;

    fn rules(extra: &str) -> Value {
        eval_standalone(&format!(
            r#"{{ security_rule = toset([{{ name = "https", description = "", protocol = "Tcp",
                source_port_range = "*", source_port_ranges = null, destination_port_range = "443",
                destination_port_ranges = null, source_address_prefix = "*", source_address_prefixes = null,
                destination_address_prefix = "*", destination_address_prefixes = null,
                source_application_security_group_ids = null, destination_application_security_group_ids = null,
                access = "Allow", priority = 100, direction = "Inbound" }}]) {extra} }}"#
        ))
        .unwrap()
    }

    #[test]
    fn inline_rules_round_trip_and_unset_fields_stay_unset() {
        let mut c = rules("");
        Hooks.before_plan(&mut c, None, "s");
        let rule = &c.get("security_rule").unwrap().as_seq().unwrap()[0];
        assert!(
            rule.get("description").unwrap().is_null(),
            "an empty description is unset"
        );
        let mut body = json!({});
        Hooks.to_arm(&c, &mut body);
        assert_eq!(
            body["properties"]["securityRules"][0],
            json!({"name": "https", "properties": {"protocol": "Tcp", "sourcePortRange": "*",
                "destinationPortRange": "443", "sourceAddressPrefix": "*", "destinationAddressPrefix": "*",
                "access": "Allow", "priority": 100, "direction": "Inbound"}})
        );
        // Azure answers the unset lists as empty ones.
        let mut answer = body.clone();
        answer["properties"]["securityRules"][0]["properties"]["sourcePortRanges"] = json!([]);
        let answer = Hooks.normalize_arm(&answer, None).into_owned();
        let mut back = c.clone();
        Hooks.read_arm(&answer, &mut back, "s");
        assert!(back.same_as(&c), "{back:?}");
    }

    #[test]
    fn unchanged_rules_are_kept_as_azure_has_them() {
        let c = rules("");
        assert_eq!(Hooks.kept_on_update(&c, &c), vec!["properties.securityRules"]);
        let none = eval_standalone("{ security_rule = null }").unwrap();
        assert!(Hooks.kept_on_update(&c, &none).is_empty());
    }
}
