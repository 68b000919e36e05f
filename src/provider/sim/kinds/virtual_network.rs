//! `Microsoft.Network/virtualNetworks`, beyond what `rules.rs` does for it:
//! its subnets are resources of their own, made inline by its PUT too (each
//! checked as a PUT of it would be), and its GET lists them all.

use super::children::{self, Inline};
use super::Kind;
use crate::provider::arm::ArmError;
use crate::provider::sim::{io_error, SimClient};
use serde_json::Value as Json;

pub struct VirtualNetwork;

const SUBNETS: Inline = Inline {
    property: "subnets",
    segment: "subnets",
};

impl Kind for VirtualNetwork {
    fn on_put(&self, sim: &SimClient, id: &str, doc: &mut Json, _existing: Option<&Json>) -> Result<(), ArmError> {
        let Some(listed) = children::take(doc, SUBNETS)? else {
            return Ok(());
        };
        // Its subnets are checked against the network as it will be; a
        // refused subnet leaves the network as it was.
        let before = sim.store.get(id).map_err(io_error)?;
        sim.store.put(id, doc).map_err(io_error)?;
        if let Err(e) = children::put(sim, id, listed, SUBNETS) {
            match before {
                Some(b) => sim.store.put(id, &b).map_err(io_error)?,
                None => {
                    sim.store.delete(id).map_err(io_error)?;
                }
            }
            return Err(e);
        }
        Ok(())
    }

    fn on_get(&self, sim: &SimClient, id: &str, mut doc: Json) -> Result<Json, ArmError> {
        children::show(sim, id, &mut doc, SUBNETS)?;
        Ok(doc)
    }
}
