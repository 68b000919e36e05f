//! `Microsoft.Network/virtualNetworks/subnets`, beyond what `rules.rs` does
//! for it: the security group, route table and NAT gateway it refers to
//! must exist, in its network's region.

use super::Kind;
use crate::provider::arm::{self, ArmError};
use crate::provider::sim::{io_error, SimClient};
use serde_json::Value as Json;

pub struct Subnet;

const REFERENCES: [&str; 3] = [
    "properties.networkSecurityGroup",
    "properties.routeTable",
    "properties.natGateway",
];

impl Kind for Subnet {
    fn on_put(&self, sim: &SimClient, id: &str, doc: &mut Json, _existing: Option<&Json>) -> Result<(), ArmError> {
        let network = arm::parent_id(id).unwrap_or_default();
        let region = sim
            .store
            .get(&network)
            .map_err(io_error)?
            .and_then(|n| n.get("location").and_then(Json::as_str).map(str::to_string));
        for path in REFERENCES {
            super::network::check_references(sim, id, doc, path, region.as_deref())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::network::testing::{net, Sim};
    use serde_json::json;

    #[test]
    fn a_subnet_refers_only_to_what_exists_in_its_region() {
        let s = Sim::new();
        let nsg = net("networkSecurityGroups/n");
        let e = s.subnet(json!({"networkSecurityGroup": {"id": nsg}})).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "InvalidResourceReference"));
        assert!(e.message.contains(&nsg), "{}", e.message);
        s.put(&nsg, json!({"location": "eastus"})).unwrap();
        let e = s.subnet(json!({"networkSecurityGroup": {"id": nsg}})).unwrap_err();
        assert_eq!(e.code, "InvalidResourceReference", "another region");
        s.put(&net("networkSecurityGroups/here"), json!({"location": "West Europe"}))
            .unwrap();
        s.subnet(json!({"networkSecurityGroup": {"id": net("networkSecurityGroups/here")}}))
            .unwrap();
    }
}
