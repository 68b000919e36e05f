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

#[cfg(test)]
mod tests {
    use super::super::network::testing::{net, Sim};
    use serde_json::json;

    fn body(subnets: Option<serde_json::Value>) -> serde_json::Value {
        let mut b =
            json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}});
        if let Some(s) = subnets {
            b["properties"]["subnets"] = s;
        }
        b
    }

    #[test]
    fn inline_subnets_are_subnets_and_the_network_lists_every_subnet() {
        let s = Sim::new();
        let vnet = net("virtualNetworks/vnet");
        let made = s
            .put(
                &vnet,
                body(Some(
                    json!([{"name": "a", "properties": {"addressPrefixes": ["10.0.1.0/24"]}}]),
                )),
            )
            .unwrap();
        assert_eq!(made["properties"]["subnets"][0]["id"], format!("{vnet}/subnets/a"));
        assert_eq!(s.get(&format!("{vnet}/subnets/a")).unwrap()["name"], "a");
        s.put(
            &format!("{vnet}/subnets/b"),
            json!({"properties": {"addressPrefixes": ["10.0.2.0/24"]}}),
        )
        .unwrap();
        // A PUT without subnets leaves them; one that lists them deletes the others.
        s.put(&vnet, body(None)).unwrap();
        assert_eq!(
            s.get(&vnet).unwrap()["properties"]["subnets"].as_array().unwrap().len(),
            2
        );
        s.put(
            &vnet,
            body(Some(
                json!([{"name": "b", "properties": {"addressPrefixes": ["10.0.2.0/24"]}}]),
            )),
        )
        .unwrap();
        assert!(s.get(&format!("{vnet}/subnets/a")).is_err());
    }

    #[test]
    fn a_refused_inline_subnet_leaves_no_network() {
        let s = Sim::new();
        let vnet = net("virtualNetworks/vnet");
        let e = s
            .put(
                &vnet,
                body(Some(
                    json!([{"name": "out", "properties": {"addressPrefixes": ["10.9.0.0/24"]}}]),
                )),
            )
            .unwrap_err();
        assert_eq!(e.code, "NetcfgSubnetRangeOutsideVnet");
        assert!(s.get(&vnet).is_err(), "the network was not made");
    }
}
