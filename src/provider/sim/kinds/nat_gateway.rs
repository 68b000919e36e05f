//! `Microsoft.Network/natGateways`: Standard, with a 4-minute idle timeout
//! unless told otherwise, and a GUID; its public addresses must exist in
//! its region; Azure lists the subnets that use it and refuses to delete it
//! while one does.

use super::network::{self, default_property, keep_or_new_guid, set_property};
use super::{Immutable, Kind};
use crate::provider::arm::ArmError;
use crate::provider::sim::SimClient;
use serde_json::{json, Value as Json};

pub struct NatGateway;

const SUBNETS: &str = "Microsoft.Network/virtualNetworks/subnets";
const REFERENCE: &str = "properties.natGateway";

impl Kind for NatGateway {
    fn on_put(&self, sim: &SimClient, id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
        network::strip(doc, &["subnets"]);
        let region = doc.get("location").and_then(Json::as_str).map(str::to_string);
        for path in ["properties.publicIpAddresses", "properties.publicIpPrefixes"] {
            network::check_references(sim, id, doc, path, region.as_deref())?;
        }
        if !doc.get("sku").is_some_and(Json::is_object) {
            doc["sku"] = json!({"name": "Standard"});
        }
        set_property(
            doc,
            "resourceGuid",
            keep_or_new_guid(existing, "properties.resourceGuid"),
        );
        default_property(doc, "idleTimeoutInMinutes", json!(4));
        Ok(())
    }

    fn on_get(&self, sim: &SimClient, id: &str, mut doc: Json) -> Result<Json, ArmError> {
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
            "InUseNatGatewayCannotBeDeleted",
            ("Nat Gateway", "Nat Gateway"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::network::testing::{net, Sim};
    use serde_json::json;

    #[test]
    fn a_gateway_needs_its_addresses_and_stays_while_a_subnet_uses_it() {
        let s = Sim::new();
        let ng = net("natGateways/g");
        let pip = net("publicIPAddresses/p");
        let body = json!({"location": "westeurope", "properties": {"publicIpAddresses": [{"id": pip}]}});
        let e = s.put(&ng, body.clone()).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "InvalidResourceReference"));
        s.put(
            &pip,
            json!({"location": "westeurope", "sku": {"name": "Standard"}, "properties": {"publicIPAllocationMethod": "Static"}}),
        )
        .unwrap();
        let made = s.put(&ng, body).unwrap();
        assert_eq!(made["sku"]["name"], "Standard");
        assert_eq!(made["properties"]["idleTimeoutInMinutes"], 4);
        assert!(made["properties"]["resourceGuid"].is_string());
        let subnet = s.subnet(json!({"natGateway": {"id": ng}})).unwrap();
        assert_eq!(s.get(&ng).unwrap()["properties"]["subnets"][0]["id"], subnet["id"]);
        let e = s.delete(&ng).unwrap_err();
        assert_eq!(e.code, "InUseNatGatewayCannotBeDeleted");
        s.subnet(json!({})).unwrap();
        s.delete(&ng).unwrap();
    }
}
