//! `azurerm_nat_gateway`: an update keeps its public addresses and prefixes
//! as Azure has them (the associations set those, as azurerm's update
//! keeps them), and the data source reads them.

use super::fields::{self, field, Field, Shape};
use super::{association, TypeHooks};
use crate::lang::Value;
use serde_json::Value as Json;

pub struct Hooks;

const ARM_TYPE: &str = "Microsoft.Network/natGateways";

/// Read only, by the data source.
const REFERENCES: &[Field] = &[
    field(
        "public_ip_address_ids",
        "properties.publicIpAddresses",
        Shape::Keyed("id"),
    ),
    field(
        "public_ip_prefix_ids",
        "properties.publicIpPrefixes",
        Shape::Keyed("id"),
    ),
];

impl TypeHooks for Hooks {
    fn read_arm(&self, doc: &Json, value: &mut Value, _subscription: &str) {
        fields::read(REFERENCES, doc, value);
    }

    fn kept_on_update(&self, _prior: &Value, _planned: &Value) -> Vec<&'static str> {
        let mut kept = association::kept_by(ARM_TYPE);
        kept.push("properties.publicIpPrefixes");
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_keeps_the_addresses_associations_set() {
        let kept = Hooks.kept_on_update(&Value::null(), &Value::null());
        assert_eq!(
            kept,
            vec!["properties.publicIpAddresses", "properties.publicIpPrefixes"]
        );
    }
}
