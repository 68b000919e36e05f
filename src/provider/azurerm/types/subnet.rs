//! `azurerm_subnet`: Azure may answer a one-prefix subnet with
//! `addressPrefix` alone; service endpoints and their policies are lists of
//! objects, the private link policy a word; and an update keeps what the
//! associations set on the subnet (its network security group, route table
//! and NAT gateway), as azurerm's read-modify-write update does.

use super::fields::{self, field, Field, Shape};
use super::{association, TypeHooks};
use crate::lang::Value;
use serde_json::{json, Value as Json};
use std::borrow::Cow;

pub struct Hooks;

/// What the overlay leaves to this file (`by_code`).
const FIELDS: &[Field] = &[
    field(
        "private_link_service_network_policies_enabled",
        "properties.privateLinkServiceNetworkPolicies",
        Shape::EnabledDisabled,
    ),
    field(
        "service_endpoints",
        "properties.serviceEndpoints",
        Shape::Keyed("service"),
    ),
    field(
        "service_endpoint_policy_ids",
        "properties.serviceEndpointPolicies",
        Shape::Keyed("id"),
    ),
];

const ARM_TYPE: &str = "Microsoft.Network/virtualNetworks/subnets";

/// A subnet's body with `addressPrefixes` and `addressPrefix` both filled
/// when Azure gave one of them (a network's inline subnets too).
pub fn with_both_prefix_forms(doc: &Json) -> Option<Json> {
    let props = doc.get("properties")?;
    let many = props
        .get("addressPrefixes")
        .filter(|p| p.as_array().is_some_and(|a| !a.is_empty()));
    let one = props.get("addressPrefix").filter(|p| p.is_string());
    let mut doc = doc.clone();
    match (many.cloned(), one.cloned()) {
        (Some(_), Some(_)) | (None, None) => return None,
        (None, Some(one)) => doc["properties"]["addressPrefixes"] = json!([one]),
        (Some(many), None) => doc["properties"]["addressPrefix"] = many[0].clone(),
    }
    Some(doc)
}

impl TypeHooks for Hooks {
    fn normalize_arm<'a>(&self, doc: &'a Json, _prior: Option<&Value>) -> Cow<'a, Json> {
        with_both_prefix_forms(doc).map_or(Cow::Borrowed(doc), Cow::Owned)
    }

    fn to_arm(&self, value: &Value, body: &mut Json) {
        fields::write(FIELDS, value, body);
    }

    fn read_arm(&self, doc: &Json, value: &mut Value, _subscription: &str) {
        fields::read(FIELDS, doc, value);
    }

    fn kept_on_update(&self, _prior: &Value, _planned: &Value) -> Vec<&'static str> {
        association::kept_by(ARM_TYPE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::eval::eval_standalone;

    #[test]
    fn a_subnet_with_one_prefix_reads_as_a_list() {
        let doc = json!({"properties": {"addressPrefix": "10.0.0.0/24"}});
        let n = Hooks.normalize_arm(&doc, None);
        assert_eq!(n["properties"]["addressPrefixes"], json!(["10.0.0.0/24"]));
        let both = json!({"properties": {"addressPrefix": "x", "addressPrefixes": ["a", "b"]}});
        assert_eq!(Hooks.normalize_arm(&both, None).into_owned(), both);
        let many = json!({"properties": {"addressPrefixes": ["a", "b"]}});
        assert_eq!(Hooks.normalize_arm(&many, None)["properties"]["addressPrefix"], "a");
    }

    #[test]
    fn endpoints_and_the_private_link_policy_take_azures_shapes() {
        let v = eval_standalone(
            r#"{ private_link_service_network_policies_enabled = false,
                 service_endpoints = toset(["Microsoft.Storage"]), service_endpoint_policy_ids = null }"#,
        )
        .unwrap();
        let mut body = json!({});
        Hooks.to_arm(&v, &mut body);
        assert_eq!(
            body,
            json!({"properties": {"privateLinkServiceNetworkPolicies": "Disabled",
                "serviceEndpoints": [{"service": "Microsoft.Storage"}]}})
        );
        // Azure adds the locations an endpoint serves; only the service is read.
        body["properties"]["serviceEndpoints"][0]["locations"] = json!(["*"]);
        let mut back = v.clone();
        Hooks.read_arm(&body, &mut back, "s");
        assert!(back.same_as(&v), "{back:?}");
    }

    #[test]
    fn an_update_keeps_the_associations() {
        let kept = Hooks.kept_on_update(&Value::null(), &Value::null());
        assert!(kept.contains(&"properties.networkSecurityGroup"));
        assert!(kept.contains(&"properties.routeTable"));
        assert!(kept.contains(&"properties.natGateway"));
    }
}
