//! `azurerm_network_security_rule`, and the fields of a rule wherever it is
//! written (a security group's inline `security_rule` too): application
//! security groups are lists of `{"id": ...}`, and what Azure answers empty
//! (`sourcePortRanges: []` beside a `sourcePortRange`) reads as unset.

use super::fields::{self, field, Field, Shape};
use super::TypeHooks;
use crate::lang::Value;
use serde_json::Value as Json;
use std::borrow::Cow;

pub struct Hooks;

const SOURCE_ASG: Field = field(
    "source_application_security_group_ids",
    "properties.sourceApplicationSecurityGroups",
    Shape::Keyed("id"),
);
const DESTINATION_ASG: Field = field(
    "destination_application_security_group_ids",
    "properties.destinationApplicationSecurityGroups",
    Shape::Keyed("id"),
);

/// What the overlay of the rule resource leaves to this file (`by_code`).
const FIELDS: &[Field] = &[SOURCE_ASG, DESTINATION_ASG];

/// A rule as an element of a security group's `securityRules`.
pub const RULE: &[Field] = &[
    field("name", "name", Shape::Plain),
    field("description", "properties.description", Shape::Plain),
    field("protocol", "properties.protocol", Shape::Plain),
    field("source_port_range", "properties.sourcePortRange", Shape::Plain),
    field("source_port_ranges", "properties.sourcePortRanges", Shape::Plain),
    field(
        "destination_port_range",
        "properties.destinationPortRange",
        Shape::Plain,
    ),
    field(
        "destination_port_ranges",
        "properties.destinationPortRanges",
        Shape::Plain,
    ),
    field("source_address_prefix", "properties.sourceAddressPrefix", Shape::Plain),
    field(
        "source_address_prefixes",
        "properties.sourceAddressPrefixes",
        Shape::Plain,
    ),
    field(
        "destination_address_prefix",
        "properties.destinationAddressPrefix",
        Shape::Plain,
    ),
    field(
        "destination_address_prefixes",
        "properties.destinationAddressPrefixes",
        Shape::Plain,
    ),
    SOURCE_ASG,
    DESTINATION_ASG,
    field("access", "properties.access", Shape::Plain),
    field("priority", "properties.priority", Shape::Plain),
    field("direction", "properties.direction", Shape::Plain),
];

/// A rule's body without the empty strings and lists Azure answers for
/// what is unset.
pub fn without_empties(rule: &Json) -> Option<Json> {
    let props = rule.get("properties")?.as_object()?;
    let empty = |v: &Json| v.as_str() == Some("") || v.as_array().is_some_and(Vec::is_empty);
    if !props.values().any(empty) {
        return None;
    }
    let mut rule = rule.clone();
    if let Some(p) = rule.get_mut("properties").and_then(Json::as_object_mut) {
        p.retain(|_, v| !empty(v));
    }
    Some(rule)
}

impl TypeHooks for Hooks {
    fn normalize_arm<'a>(&self, doc: &'a Json, _prior: Option<&Value>) -> Cow<'a, Json> {
        without_empties(doc).map_or(Cow::Borrowed(doc), Cow::Owned)
    }

    fn to_arm(&self, value: &Value, body: &mut Json) {
        fields::write(FIELDS, value, body);
    }

    fn read_arm(&self, doc: &Json, value: &mut Value, _subscription: &str) {
        fields::read(FIELDS, doc, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_answers_are_unset_and_security_groups_are_ids() {
        let answer = json!({"properties": {"sourcePortRange": "*", "sourcePortRanges": [], "description": "",
            "sourceApplicationSecurityGroups": [{"id": "/asg"}]}});
        let n = Hooks.normalize_arm(&answer, None);
        assert_eq!(
            *n,
            json!({"properties": {"sourcePortRange": "*", "sourceApplicationSecurityGroups": [{"id": "/asg"}]}})
        );
        let mut v = crate::lang::eval::eval_standalone(
            "{ source_application_security_group_ids = null, destination_application_security_group_ids = null }",
        )
        .unwrap();
        Hooks.read_arm(&n, &mut v, "s");
        assert_eq!(
            v.get("source_application_security_group_ids")
                .unwrap()
                .as_seq()
                .unwrap()[0]
                .as_str(),
            Some("/asg")
        );
        assert!(v.get("destination_application_security_group_ids").unwrap().is_null());
    }
}
