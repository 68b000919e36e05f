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
