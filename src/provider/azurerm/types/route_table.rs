//! `azurerm_route_table`: its inline `route` (an attribute written as
//! blocks) kept as `properties.routes`; BGP route propagation kept negated,
//! as `disableBgpRoutePropagation`; the subnets that use it read back; and
//! an update that leaves the routes unchanged keeps them as Azure has them
//! (routes made as resources of their own), as azurerm's update does.

use super::fields::{self, field, Field, Shape};
use super::TypeHooks;
use crate::lang::Value;
use serde_json::Value as Json;

pub struct Hooks;

const ROUTE: &[Field] = &[
    field("name", "name", Shape::Plain),
    field("address_prefix", "properties.addressPrefix", Shape::Plain),
    field("next_hop_type", "properties.nextHopType", Shape::Plain),
    field("next_hop_in_ip_address", "properties.nextHopIpAddress", Shape::Plain),
];

const FIELDS: &[Field] = &[
    field("route", "properties.routes", Shape::Objects(ROUTE)),
    field(
        "bgp_route_propagation_enabled",
        "properties.disableBgpRoutePropagation",
        Shape::Negated,
    ),
];

/// Read only: what Azure computes.
const COMPUTED: &[Field] = &[field("subnets", "properties.subnets", Shape::Keyed("id"))];

impl TypeHooks for Hooks {
    fn before_plan(&self, config: &mut Value, _prior: Option<&Value>, _subscription: &str) {
        fields::as_read(FIELDS, config);
    }

    fn to_arm(&self, value: &Value, body: &mut Json) {
        fields::write(FIELDS, value, body);
    }

    fn read_arm(&self, doc: &Json, value: &mut Value, _subscription: &str) {
        fields::read(FIELDS, doc, value);
        fields::read(COMPUTED, doc, value);
        // No subnet uses it: an empty set, as azurerm reads it.
        if let Some(m) = value.as_map_mut() {
            if m.get("subnets").is_some_and(Value::is_null) {
                m.insert(
                    "subnets".into(),
                    Value::set_of(crate::lang::types::Type::String, Vec::new()),
                );
            }
        }
    }

    fn kept_on_update(&self, prior: &Value, planned: &Value) -> Vec<&'static str> {
        match (prior.get("route"), planned.get("route")) {
            (Some(p), Some(n)) if p.same_as(n) => vec!["properties.routes"],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::eval::eval_standalone;
    use serde_json::json;

    #[test]
    fn routes_propagation_and_subnets_take_azures_shapes() {
        let v = eval_standalone(
            r#"{ bgp_route_propagation_enabled = true, subnets = null,
                 route = toset([{ name = "default", address_prefix = "0.0.0.0/0",
                   next_hop_type = "VirtualAppliance", next_hop_in_ip_address = "10.0.1.4" }]) }"#,
        )
        .unwrap();
        let mut body = json!({});
        Hooks.to_arm(&v, &mut body);
        assert_eq!(body["properties"]["disableBgpRoutePropagation"], false);
        assert_eq!(
            body["properties"]["routes"][0]["properties"]["nextHopIpAddress"],
            "10.0.1.4"
        );
        assert!(body["properties"].get("subnets").is_none(), "read only");
        body["properties"]["subnets"] = json!([{"id": "/s1"}]);
        let mut back = v.clone();
        Hooks.read_arm(&body, &mut back, "s");
        assert_eq!(back.get("route"), v.get("route"));
        assert_eq!(back.get("subnets").unwrap().as_seq().unwrap()[0].as_str(), Some("/s1"));
    }
}
