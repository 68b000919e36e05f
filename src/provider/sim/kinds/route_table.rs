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
        set_property(doc, "resourceGuid", keep_or_new_guid(existing, "properties.resourceGuid"));
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
        let users = network::holders(sim, id, SUBNETS, REFERENCE)?;
        if users.is_empty() {
            return Ok(());
        }
        Err(ArmError::new(
            400,
            "InUseRouteTableCannotBeDeleted",
            format!(
                "Route table {id} cannot be deleted because it is in use by the following resources: {}. In order to delete the route table, remove the association with the resource(s).",
                users.join(", ")
            ),
        ))
    }
}
