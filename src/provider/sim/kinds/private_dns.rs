//! Private DNS (`Microsoft.Network/privateDnsZones`): a zone is global, is
//! made with its SOA record set (`SOA/@`), counts its record sets and
//! virtual network links, and cannot be deleted while a link is left
//! (CannotDeleteResource); a link resolves; a record set has its fully
//! qualified name. Record sets made by others (a private endpoint's DNS
//! zone group) are counted the same way ([`recount`]). ARM's behaviour
//! only; nothing of azurerm.

use super::Kind;
use crate::provider::arm::{self, ArmError};
use crate::provider::sim::{io_error, SimClient};
use serde_json::{json, Value as Json};

const ZONES: &str = "Microsoft.Network/privateDnsZones";
const LINKS: &str = "Microsoft.Network/privateDnsZones/virtualNetworkLinks";

/// The record types a private zone holds (`privateDnsZones/A`, ...).
const RECORD_TYPES: [&str; 8] = ["A", "AAAA", "CNAME", "MX", "PTR", "SOA", "SRV", "TXT"];

/// A zone's limits, as Azure reports them.
const MAX_RECORD_SETS: u64 = 25000;
const MAX_LINKS: u64 = 1000;
const MAX_REGISTRATION_LINKS: u64 = 100;

pub struct Zone;
pub struct Link;
pub struct RecordSet;

fn is_type(id: &str, rtype: &str) -> bool {
    arm::resource_type(id).eq_ignore_ascii_case(rtype)
}

/// Whether an ARM type is a private zone's record set (`.../privateDnsZones/A`).
pub fn is_record_type(rtype: &str) -> bool {
    RECORD_TYPES
        .iter()
        .any(|r| rtype.eq_ignore_ascii_case(&format!("{ZONES}/{r}")))
}

fn is_record_set(id: &str) -> bool {
    is_record_type(&arm::resource_type(id))
}

/// The SOA record set Azure makes with a zone.
fn soa(zone_id: &str) -> Json {
    let zone = arm::name_of(zone_id);
    json!({
        "id": format!("{zone_id}/SOA/@"),
        "name": "@",
        "type": format!("{ZONES}/SOA"),
        "properties": {
            "ttl": 3600,
            "fqdn": format!("{zone}."),
            "isAutoRegistered": false,
            "soaRecord": {
                "email": "azureprivatedns-host.microsoft.com",
                "expireTime": 2419200,
                "host": "azureprivatedns.net",
                "minimumTtl": 10,
                "refreshTime": 3600,
                "retryTime": 300,
                "serialNumber": 1,
            },
            "provisioningState": "Succeeded",
        },
    })
}

/// A change about to be stored, which the store does not hold yet.
pub enum Pending<'a> {
    Nothing,
    Put(&'a str, &'a Json),
    Delete(&'a str),
}

/// The counts Azure keeps on a zone, from what is under it (and what is
/// about to be written or deleted).
fn counts(sim: &SimClient, zone_id: &str, pending: &Pending<'_>) -> Result<(u64, u64, u64), ArmError> {
    let mut under: Vec<(String, Json)> = sim
        .store
        .descendants(zone_id)
        .map_err(io_error)?
        .into_iter()
        .map(|d| (d.get("id").and_then(Json::as_str).unwrap_or("").to_string(), d))
        .collect();
    match pending {
        Pending::Nothing => {}
        Pending::Put(id, doc) => {
            under.retain(|(i, _)| !arm::ids_equal(i, id));
            under.push((id.to_string(), (*doc).clone()));
        }
        Pending::Delete(id) => under.retain(|(i, _)| !arm::ids_equal(i, id)),
    }
    let sets = under.iter().filter(|(i, _)| is_record_set(i)).count() as u64;
    let links: Vec<&Json> = under
        .iter()
        .filter(|(i, _)| is_type(i, LINKS))
        .map(|(_, d)| d)
        .collect();
    let registering = links
        .iter()
        .filter(|d| d.pointer("/properties/registrationEnabled").and_then(Json::as_bool) == Some(true))
        .count() as u64;
    Ok((sets, links.len() as u64, registering))
}

fn set_counts(doc: &mut Json, (sets, links, registering): (u64, u64, u64)) {
    let p = &mut doc["properties"];
    p["numberOfRecordSets"] = json!(sets);
    p["numberOfVirtualNetworkLinks"] = json!(links);
    p["numberOfVirtualNetworkLinksWithRegistration"] = json!(registering);
}

/// Brings the counts of the zone a child of which changes up to date.
pub fn recount(sim: &SimClient, zone_id: &str, pending: Pending<'_>) -> Result<(), ArmError> {
    let Some(mut zone) = sim.store.get(zone_id).map_err(io_error)? else {
        return Ok(());
    };
    set_counts(&mut zone, counts(sim, zone_id, &pending)?);
    sim.store.put(zone_id, &zone).map_err(io_error)
}

/// The zone a record set or link is under.
fn zone_of(id: &str) -> Option<String> {
    let lower = id.to_ascii_lowercase();
    let at = lower.find("/providers/microsoft.network/privatednszones/")?;
    let rest = &id[at..];
    let segments: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
    // providers / Microsoft.Network / privateDnsZones / NAME
    let zone = segments.get(..4)?.join("/");
    Some(format!("{}/{zone}", &id[..at]))
}

impl Kind for Zone {
    fn on_put(&self, sim: &SimClient, id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
        doc["location"] = json!("global");
        if existing.is_none() && sim.store.get(&format!("{id}/SOA/@")).map_err(io_error)?.is_none() {
            sim.store.put(&format!("{id}/SOA/@"), &soa(id)).map_err(io_error)?;
        }
        let p = &mut doc["properties"];
        p["maxNumberOfRecordSets"] = json!(MAX_RECORD_SETS);
        p["maxNumberOfVirtualNetworkLinks"] = json!(MAX_LINKS);
        p["maxNumberOfVirtualNetworkLinksWithRegistration"] = json!(MAX_REGISTRATION_LINKS);
        set_counts(doc, counts(sim, id, &Pending::Nothing)?);
        Ok(())
    }

    /// Links must go first; record sets go with the zone.
    fn on_delete(&self, sim: &SimClient, id: &str, _doc: &Json) -> Result<(), ArmError> {
        let linked = sim
            .store
            .descendants(id)
            .map_err(io_error)?
            .iter()
            .any(|d| d.get("id").and_then(Json::as_str).is_some_and(|i| is_type(i, LINKS)));
        if linked {
            return Err(ArmError::new(
                409,
                "CannotDeleteResource",
                "Cannot delete resource while nested resources exist. Please delete all nested resources before deleting this resource.",
            ));
        }
        Ok(())
    }
}

impl Kind for Link {
    fn on_put(&self, sim: &SimClient, id: &str, doc: &mut Json, _existing: Option<&Json>) -> Result<(), ArmError> {
        doc["location"] = json!("global");
        let zone = zone_of(id).unwrap_or_default();
        let private_link = arm::name_of(&zone).to_ascii_lowercase().starts_with("privatelink.");
        let p = &mut doc["properties"];
        if p.get("registrationEnabled").is_none_or(Json::is_null) {
            p["registrationEnabled"] = json!(false);
        }
        // Azure chooses the policy of a private link zone's links.
        if private_link && p.get("resolutionPolicy").is_none_or(Json::is_null) {
            p["resolutionPolicy"] = json!("Default");
        }
        p["virtualNetworkLinkState"] = json!("Completed");
        p["provisioningState"] = json!("Succeeded");
        recount(sim, &zone, Pending::Put(id, doc))
    }

    fn immutable(&self) -> &'static [super::Immutable] {
        &[("properties.virtualNetwork.id", "BadRequest")]
    }

    fn on_delete(&self, sim: &SimClient, id: &str, _doc: &Json) -> Result<(), ArmError> {
        recount(sim, &zone_of(id).unwrap_or_default(), Pending::Delete(id))
    }
}

impl Kind for RecordSet {
    fn on_put(&self, sim: &SimClient, id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
        let zone = zone_of(id).unwrap_or_default();
        let name = arm::name_of(id);
        let zone_name = arm::name_of(&zone);
        let fqdn = if name == "@" {
            format!("{zone_name}.")
        } else {
            format!("{name}.{zone_name}.")
        };
        let soa = arm::resource_type(id).eq_ignore_ascii_case(&format!("{ZONES}/SOA"));
        let p = &mut doc["properties"];
        p["fqdn"] = json!(fqdn);
        if p.get("isAutoRegistered").is_none() {
            p["isAutoRegistered"] = json!(false);
        }
        if soa {
            // What the SOA record keeps whatever is sent: its host, and a
            // serial number that grows with each change.
            let serial = existing
                .and_then(|e| e.pointer("/properties/soaRecord/serialNumber"))
                .and_then(Json::as_u64)
                .map_or(1, |s| s + 1);
            let record = &mut p["soaRecord"];
            record["host"] = json!("azureprivatedns.net");
            record["serialNumber"] = json!(serial);
        }
        recount(sim, &zone, Pending::Put(id, doc))
    }

    fn on_delete(&self, sim: &SimClient, id: &str, _doc: &Json) -> Result<(), ArmError> {
        recount(sim, &zone_of(id).unwrap_or_default(), Pending::Delete(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::arm::{ArmRequest, Method};
    use crate::provider::sim::SUBSCRIPTION;

    fn req(method: Method, path: &str, body: Option<Json>) -> ArmRequest {
        ArmRequest {
            method,
            path: path.into(),
            api_version: "2024-06-01".into(),
            body,
        }
    }

    #[test]
    fn a_zone_is_made_with_its_soa_record_and_counts_what_is_under_it() {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path());
        let rg = format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg");
        s.handle(&req(Method::Put, &rg, Some(json!({"location": "westeurope"}))))
            .unwrap();
        let zone = format!("{rg}/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io");
        let z = s
            .handle(&req(Method::Put, &zone, Some(json!({"location": "Global"}))))
            .unwrap();
        assert_eq!(z.body["location"], "global");
        assert_eq!(z.body["properties"]["numberOfRecordSets"], 1);
        assert_eq!(z.body["properties"]["maxNumberOfRecordSets"], 25000);
        let soa = s.handle(&req(Method::Get, &format!("{zone}/SOA/@"), None)).unwrap();
        assert_eq!(soa.body["properties"]["fqdn"], "privatelink.azurecr.io.");
        assert_eq!(soa.body["properties"]["soaRecord"]["host"], "azureprivatedns.net");

        let vnet = format!("{rg}/providers/Microsoft.Network/virtualNetworks/vnet");
        let link = format!("{zone}/virtualNetworkLinks/l");
        let body =
            json!({"location": "global", "properties": {"virtualNetwork": {"id": vnet}, "registrationEnabled": true}});
        let l = s.handle(&req(Method::Put, &link, Some(body))).unwrap();
        assert_eq!(l.body["properties"]["virtualNetworkLinkState"], "Completed");
        assert_eq!(l.body["properties"]["resolutionPolicy"], "Default");
        let a = format!("{zone}/A/myreg");
        s.handle(&req(
            Method::Put,
            &a,
            Some(json!({"properties": {"ttl": 10, "aRecords": [{"ipv4Address": "10.0.0.4"}]}})),
        ))
        .unwrap();
        let z = s.handle(&req(Method::Get, &zone, None)).unwrap();
        assert_eq!(z.body["properties"]["numberOfRecordSets"], 2);
        assert_eq!(z.body["properties"]["numberOfVirtualNetworkLinks"], 1);
        assert_eq!(z.body["properties"]["numberOfVirtualNetworkLinksWithRegistration"], 1);

        // A zone with a link is not deleted; without, it goes with its records.
        let e = s.handle(&req(Method::Delete, &zone, None)).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (409, "CannotDeleteResource"));
        s.handle(&req(Method::Delete, &a, None)).unwrap();
        s.handle(&req(Method::Delete, &link, None)).unwrap();
        let z = s.handle(&req(Method::Get, &zone, None)).unwrap();
        assert_eq!(z.body["properties"]["numberOfRecordSets"], 1);
        assert_eq!(z.body["properties"]["numberOfVirtualNetworkLinks"], 0);
        s.handle(&req(Method::Delete, &zone, None)).unwrap();
        assert!(s.handle(&req(Method::Get, &format!("{zone}/SOA/@"), None)).is_err());
    }

    #[test]
    fn a_link_keeps_its_network_and_needs_its_zone() {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path());
        let rg = format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg");
        s.handle(&req(Method::Put, &rg, Some(json!({"location": "westeurope"}))))
            .unwrap();
        let zone = format!("{rg}/providers/Microsoft.Network/privateDnsZones/contoso.internal");
        let link = format!("{zone}/virtualNetworkLinks/l");
        let body = |v: &str| json!({"location": "global", "properties": {"virtualNetwork": {"id": v}}});
        let e = s.handle(&req(Method::Put, &link, Some(body("/v1")))).unwrap_err();
        assert_eq!(e.code, "ParentResourceNotFound");
        s.handle(&req(Method::Put, &zone, Some(json!({"location": "global"}))))
            .unwrap();
        let l = s.handle(&req(Method::Put, &link, Some(body("/v1")))).unwrap();
        assert!(
            l.body["properties"].get("resolutionPolicy").is_none(),
            "only private link zones get one"
        );
        assert_eq!(l.body["properties"]["registrationEnabled"], false);
        let e = s.handle(&req(Method::Put, &link, Some(body("/v2")))).unwrap_err();
        assert_eq!(e.status, 400);
    }
}
