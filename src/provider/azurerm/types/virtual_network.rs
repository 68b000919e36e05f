//! `azurerm_virtual_network`: its inline `subnet` (an attribute written as
//! blocks) kept as `properties.subnets`, with the defaults and the id
//! azurerm gives each; an edge zone is an extended location of its type;
//! and an update keeps what azurerm keeps: every subnet as Azure has it
//! when the configuration did not change them (subnets made as resources
//! of their own), and otherwise each subnet's NAT gateway, which only an
//! association sets.

use super::fields::{self, field, Field, Shape};
use super::{subnet, TypeHooks};
use crate::lang::Value;
use serde_json::{json, Value as Json};
use std::borrow::Cow;

pub struct Hooks;

const SERVICE_DELEGATION: &[Field] = &[
    field("name", "serviceName", Shape::Plain),
    field("actions", "actions", Shape::Plain),
];

const DELEGATION: &[Field] = &[
    field("name", "name", Shape::Plain),
    field("service_delegation", "properties", Shape::One(SERVICE_DELEGATION)),
];

/// An inline subnet: every field of the attribute's objects.
const SUBNET: &[Field] = &[
    field("name", "name", Shape::Plain),
    field("id", "id", Shape::Plain),
    field("address_prefixes", "properties.addressPrefixes", Shape::Plain),
    field(
        "default_outbound_access_enabled",
        "properties.defaultOutboundAccess",
        Shape::Plain,
    ),
    field("delegation", "properties.delegations", Shape::Objects(DELEGATION)),
    field(
        "private_endpoint_network_policies",
        "properties.privateEndpointNetworkPolicies",
        Shape::Plain,
    ),
    field(
        "private_link_service_network_policies_enabled",
        "properties.privateLinkServiceNetworkPolicies",
        Shape::EnabledDisabled,
    ),
    field("route_table_id", "properties.routeTable.id", Shape::Plain),
    field("security_group", "properties.networkSecurityGroup.id", Shape::Plain),
    field(
        "service_endpoint_policy_ids",
        "properties.serviceEndpointPolicies",
        Shape::Keyed("id"),
    ),
    field(
        "service_endpoints",
        "properties.serviceEndpoints",
        Shape::Keyed("service"),
    ),
];

const FIELDS: &[Field] = &[field("subnet", "properties.subnets", Shape::Objects(SUBNET))];

/// What azurerm's schema defaults in an inline subnet the configuration
/// leaves out.
fn subnet_defaults() -> [(&'static str, Value); 3] {
    [
        ("default_outbound_access_enabled", Value::Bool(true)),
        ("private_endpoint_network_policies", Value::string("Disabled")),
        ("private_link_service_network_policies_enabled", Value::Bool(true)),
    ]
}

/// Properties of an inline subnet that only resources of their own set.
const KEPT_IN_EACH_SUBNET: [&str; 3] = [
    "properties.subnets[].properties.natGateway",
    "properties.subnets[].properties.ipamPoolPrefixAllocations",
    "properties.subnets[].properties.sharingScope",
];

/// Fills an inline subnet as azurerm plans it: its defaults, and its id,
/// which the network's id and the subnet's name make.
fn fill_subnet(item: &mut Value, network_id: Option<&str>) {
    let name = item.get("name").and_then(Value::as_str).map(str::to_string);
    let Some(m) = item.as_map_mut() else { return };
    for (k, default) in subnet_defaults() {
        if m.get(k).is_some_and(Value::is_null) {
            m.insert(k.to_string(), default);
        }
    }
    if let (Some(net), Some(name)) = (network_id, name) {
        if m.get("id").is_some_and(Value::is_null) {
            m.insert("id".into(), Value::string(format!("{net}/subnets/{name}")));
        }
    }
}

impl TypeHooks for Hooks {
    fn before_plan(&self, config: &mut Value, _prior: Option<&Value>, subscription: &str) {
        let rg = config.get("resource_group_name").and_then(Value::as_str);
        let name = config.get("name").and_then(Value::as_str);
        let network_id = rg.zip(name).map(|(rg, name)| {
            format!(
                "/subscriptions/{subscription}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{name}"
            )
        });
        if let Some(subnets) = config.as_map_mut().and_then(|m| m.get_mut("subnet")) {
            fields::each_item(subnets, |i| fill_subnet(i, network_id.as_deref()));
        }
        fields::as_read(FIELDS, config);
    }

    fn normalize_arm<'a>(&self, doc: &'a Json, prior: Option<&Value>) -> Cow<'a, Json> {
        let Some(subnets) = doc.pointer("/properties/subnets").and_then(Json::as_array) else {
            return Cow::Borrowed(doc);
        };
        // A network whose configuration writes no inline subnet has its
        // subnets as resources of their own: the list Azure keeps is theirs,
        // and reading it into the network would report them as drift.
        let inline = prior
            .and_then(|p| p.get("subnet"))
            .is_none_or(|s| !s.is_known() || s.as_seq().is_some_and(|items| !items.is_empty()));
        let fixed: Vec<Json> = if inline {
            subnets
                .iter()
                .map(|s| subnet::with_both_prefix_forms(s).unwrap_or_else(|| s.clone()))
                .collect()
        } else {
            Vec::new()
        };
        let mut doc = doc.clone();
        doc["properties"]["subnets"] = Json::Array(fixed);
        Cow::Owned(doc)
    }

    fn to_arm(&self, value: &Value, body: &mut Json) {
        fields::write(FIELDS, value, body);
        if body.pointer("/extendedLocation/name").is_some() {
            body["extendedLocation"]["type"] = json!("EdgeZone");
        }
    }

    fn read_arm(&self, doc: &Json, value: &mut Value, _subscription: &str) {
        fields::read(FIELDS, doc, value);
        // The data source lists its subnets by name.
        if let Some(m) = value.as_map_mut().filter(|m| m.contains_key("subnets")) {
            let names: Vec<Value> = doc
                .pointer("/properties/subnets")
                .and_then(Json::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.get("name")?.as_str().map(Value::string))
                        .collect()
                })
                .unwrap_or_default();
            m.insert("subnets".into(), Value::List(crate::lang::types::Type::String, names));
        }
    }

    fn kept_on_update(&self, prior: &Value, planned: &Value) -> Vec<&'static str> {
        let unchanged = match (prior.get("subnet"), planned.get("subnet")) {
            (Some(p), Some(n)) => p.same_as(n),
            _ => false,
        };
        if unchanged {
            vec!["properties.subnets"]
        } else {
            KEPT_IN_EACH_SUBNET.to_vec()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::eval::eval_standalone;

    /// A configuration, its inline subnets typed as the schema types them.
    fn config() -> Value {
        let mut v = eval_standalone(
            r#"{ name = "v", resource_group_name = "rg", edge_zone = null,
                 subnet = [{ name = "aks", address_prefixes = ["10.0.0.0/24"], id = null,
                   default_outbound_access_enabled = null, delegation = null,
                   private_endpoint_network_policies = null, private_link_service_network_policies_enabled = null,
                   route_table_id = null, security_group = "/nsg", service_endpoint_policy_ids = null,
                   service_endpoints = ["Microsoft.Storage"] }] }"#,
        )
        .unwrap();
        let schema = crate::provider::catalog::testing::schema(crate::addrs::Mode::Managed, "azurerm_virtual_network");
        let m = v.as_map_mut().unwrap();
        let typed = crate::lang::types::convert(m["subnet"].clone(), &schema.block.attributes["subnet"].ty).unwrap();
        m.insert("subnet".into(), typed);
        v
    }

    #[test]
    fn an_inline_subnet_is_planned_with_azurerms_defaults_and_its_id() {
        let mut c = config();
        Hooks.before_plan(&mut c, None, "sub");
        let s = &c.get("subnet").unwrap().as_seq().unwrap()[0];
        assert_eq!(
            s.get("id").and_then(Value::as_str),
            Some("/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/aks")
        );
        assert_eq!(
            s.get("private_endpoint_network_policies").and_then(Value::as_str),
            Some("Disabled")
        );
        assert_eq!(s.get("delegation").and_then(Value::as_seq).map(<[Value]>::len), Some(0));
    }

    #[test]
    fn inline_subnets_round_trip_through_azures_shape() {
        let mut c = config();
        Hooks.before_plan(&mut c, None, "sub");
        let mut body = json!({});
        Hooks.to_arm(&c, &mut body);
        let s = &body["properties"]["subnets"][0];
        assert_eq!(s["properties"]["networkSecurityGroup"]["id"], "/nsg");
        assert_eq!(s["properties"]["privateLinkServiceNetworkPolicies"], "Enabled");
        assert_eq!(
            s["properties"]["serviceEndpoints"],
            json!([{"service": "Microsoft.Storage"}])
        );
        // Azure answers a one-prefix subnet with addressPrefix alone.
        let mut answer = body.clone();
        answer["properties"]["subnets"][0]["properties"]
            .as_object_mut()
            .unwrap()
            .remove("addressPrefixes");
        answer["properties"]["subnets"][0]["properties"]["addressPrefix"] = json!("10.0.0.0/24");
        let answer = Hooks.normalize_arm(&answer, None).into_owned();
        let mut back = c.clone();
        Hooks.read_arm(&answer, &mut back, "sub");
        assert!(back.same_as(&c), "{back:?}");
    }

    #[test]
    fn an_update_keeps_the_subnets_it_does_not_change() {
        let c = config();
        assert_eq!(Hooks.kept_on_update(&c, &c), vec!["properties.subnets"]);
        let other = eval_standalone(r#"{ subnet = toset([]) }"#).unwrap();
        assert!(Hooks
            .kept_on_update(&c, &other)
            .contains(&"properties.subnets[].properties.natGateway"));
    }
}
