//! `Microsoft.Network/routeTables`: its routes are resources of their own
//! (`routes`), made inline by its PUT too; Azure adds a GUID, propagates
//! BGP routes unless told not to, lists the subnets that use it, and
//! refuses to delete it while one does.

use super::children::{self, Inline};
use super::network::{self, default_property, keep_or_new_guid, set_property};
use super::{Immutable, Kind};
use crate::provider::arm::ArmError;
use crate::provider::sim::SimClient;
use serde_json::{json, Value as Json};

pub struct RouteTable;

const ROUTES: Inline = Inline {
    property: "routes",
    segment: "routes",
};
const SUBNETS: &str = "Microsoft.Network/virtualNetworks/subnets";
const REFERENCE: &str = "properties.routeTable";

impl Kind for RouteTable {
    fn on_put(&self, sim: &SimClient, id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
        network::strip(doc, &["subnets"]);
        set_property(
            doc,
            "resourceGuid",
            keep_or_new_guid(existing, "properties.resourceGuid"),
        );
        default_property(doc, "disableBgpRoutePropagation", json!(false));
        if let Some(listed) = children::take(doc, ROUTES)? {
            children::put(sim, id, listed, ROUTES)?;
        }
        Ok(())
    }

    fn on_get(&self, sim: &SimClient, id: &str, mut doc: Json) -> Result<Json, ArmError> {
        children::show(sim, id, &mut doc, ROUTES)?;
        network::show_holders(sim, id, &mut doc, "subnets", false, SUBNETS, REFERENCE)?;
        Ok(doc)
    }

    fn immutable(&self) -> &'static [Immutable] {
        &[("location", "InvalidResourceLocation")]
    }

    fn on_delete(&self, sim: &SimClient, id: &str, _doc: &Json) -> Result<(), ArmError> {
        network::refuse_in_use(
            sim,
            id,
            (SUBNETS, REFERENCE),
            "InUseRouteTableCannotBeDeleted",
            ("Route table", "route table"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::network::testing::{net, Sim};
    use serde_json::json;

    #[test]
    fn routes_are_children_bgp_propagates_and_a_table_in_use_stays() {
        let s = Sim::new();
        let rt = net("routeTables/t");
        let made = s
            .put(
                &rt,
                json!({"location": "westeurope", "properties": {"routes": [
                    {"name": "fw", "properties": {"addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance",
                        "nextHopIpAddress": "10.0.0.4"}}]}}),
            )
            .unwrap();
        assert_eq!(made["properties"]["disableBgpRoutePropagation"], false);
        assert_eq!(made["properties"]["routes"][0]["id"], format!("{rt}/routes/fw"));
        s.put(
            &format!("{rt}/routes/onprem"),
            json!({"properties": {"addressPrefix": "192.168.0.0/16", "nextHopType": "VirtualNetworkGateway"}}),
        )
        .unwrap();
        assert_eq!(s.get(&rt).unwrap()["properties"]["routes"].as_array().unwrap().len(), 2);
        let subnet = s.subnet(json!({"routeTable": {"id": rt}})).unwrap();
        assert_eq!(s.get(&rt).unwrap()["properties"]["subnets"][0]["id"], subnet["id"]);
        let e = s.delete(&rt).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "InUseRouteTableCannotBeDeleted"));
    }
}
