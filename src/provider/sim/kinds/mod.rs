//! What the simulation does for a resource type beyond storing what it is
//! sent: one file per type (or family of types), each a [`Kind`], and the
//! one table that names them. ARM's own behaviour only: computed
//! properties, properties that cannot change in place, refusals with ARM's
//! codes, POST actions. It knows nothing of azurerm. The types the
//! simulation had first are still in `rules.rs`.

mod children;
mod nat_gateway;
mod network;
mod network_security_group;
mod public_ip;
mod route_table;
mod subnet;
mod virtual_network;

use super::SimClient;
use crate::provider::arm::{ArmError, ArmResponse};
use serde_json::Value as Json;

/// A property that cannot change in place: its path in the body (dots
/// between keys) and the error code Azure refuses a change of it with.
pub type Immutable = (&'static str, &'static str);

/// One resource type's behaviour; each part defaults to nothing.
pub trait Kind: Sync {
    /// Fills in what Azure computes on a PUT, or refuses the body.
    fn on_put(&self, sim: &SimClient, id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
        let _ = (sim, id, doc, existing);
        Ok(())
    }

    /// What a GET shows beyond the stored document: children a parent
    /// lists, references other resources keep to it.
    fn on_get(&self, sim: &SimClient, id: &str, doc: Json) -> Result<Json, ArmError> {
        let _ = (sim, id);
        Ok(doc)
    }

    /// Properties that cannot change once created.
    fn immutable(&self) -> &'static [Immutable] {
        &[]
    }

    /// Refuses a DELETE Azure would refuse.
    fn on_delete(&self, sim: &SimClient, id: &str, doc: &Json) -> Result<(), ArmError> {
        let _ = (sim, id, doc);
        Ok(())
    }

    /// Answers a POST action on the resource (`listKeys`), if it has it.
    fn on_post(&self, id: &str, action: &str, doc: &Json) -> Option<Result<ArmResponse, ArmError>> {
        let _ = (id, action, doc);
        None
    }
}

/// The behaviour of an ARM resource type (compared without case).
pub fn kind(resource_type: &str) -> Option<&'static dyn Kind> {
    match resource_type.to_ascii_lowercase().as_str() {
        "microsoft.network/publicipaddresses" => Some(&public_ip::PublicIp),
        "microsoft.network/networksecuritygroups" => Some(&network_security_group::SecurityGroup),
        "microsoft.network/routetables" => Some(&route_table::RouteTable),
        "microsoft.network/natgateways" => Some(&nat_gateway::NatGateway),
        "microsoft.network/virtualnetworks" => Some(&virtual_network::VirtualNetwork),
        "microsoft.network/virtualnetworks/subnets" => Some(&subnet::Subnet),
        _ => None,
    }
}
