//! `Microsoft.Network/virtualNetworks/virtualNetworkPeerings`, as ARM
//! answers for it: one direction of a peering, a child of its local
//! network, naming a remote network that may be in another subscription.
//!
//! - The remote network must exist (InvalidGlobalResourceReference), the
//!   two address spaces (or, for a subnet peering, the named subnets'
//!   prefixes) must not overlap (VnetAddressSpacesOverlap), and using the
//!   remote network's gateways needs it to have one (RemoteVnetHasNoGateways).
//! - `peeringState` is Initiated until the remote network has a peering
//!   back, then Connected on both sides; a side whose other side is deleted
//!   (or whose remote network is) is Disconnected until deleted and made
//!   again, and a new peering to a Disconnected one stays Initiated.
//! - Each PUT syncs the peering with both address spaces (ARM does when the
//!   PUT asks, `?syncRemoteAddressSpace=true`, as azurerm's always do; the
//!   simulation is not shown the query); a GET shows the networks' current
//!   spaces beside the peered ones, and `peeringSyncLevel`.
//!
//! What ARM defaults is filled in: access allowed, the rest off, whole
//! networks peered. ARM only; it knows nothing of azurerm.

use super::network::{default_property, keep_or_new_guid, set_property};
use super::Kind;
use crate::provider::arm::{self, ArmError};
use crate::provider::sim::{io_error, SimClient};
use serde_json::{json, Value as Json};

pub struct Peering;

const PEERING: &str = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings";
const NETWORK: &str = "Microsoft.Network/virtualNetworks";
const GATEWAY: &str = "Microsoft.Network/virtualNetworkGateways";

const INITIATED: &str = "Initiated";
const CONNECTED: &str = "Connected";
const DISCONNECTED: &str = "Disconnected";

fn text<'j>(doc: &'j Json, pointer: &str) -> Option<&'j str> {
    doc.pointer(pointer).and_then(Json::as_str)
}

fn remote_of(doc: &Json) -> Option<&str> {
    text(doc, "/properties/remoteVirtualNetwork/id").filter(|s| !s.is_empty())
}

fn state_of(doc: &Json) -> Option<&str> {
    text(doc, "/properties/peeringState")
}

/// A network's address prefixes, as its body lists them.
fn address_space(network: &Json) -> Vec<String> {
    strings(network.pointer("/properties/addressSpace/addressPrefixes"))
}

fn strings(list: Option<&Json>) -> Vec<String> {
    list.and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

/// What a side peers: the whole network, or the prefixes of the subnets a
/// subnet peering names (those that exist).
fn peered(
    sim: &SimClient,
    network: &str,
    doc: &Json,
    names: Option<&Json>,
    whole: bool,
) -> Result<Vec<String>, ArmError> {
    if whole {
        return Ok(address_space(doc));
    }
    let mut out = Vec::new();
    for name in strings(names) {
        if let Some(subnet) = sim.store.get(&format!("{network}/subnets/{name}")).map_err(io_error)? {
            let many = strings(subnet.pointer("/properties/addressPrefixes"));
            match (many.is_empty(), text(&subnet, "/properties/addressPrefix")) {
                (true, Some(one)) => out.push(one.to_string()),
                _ => out.extend(many),
            }
        }
    }
    Ok(out)
}

/// The prefixes of `ours` that overlap one of `theirs` (the narrower of
/// each overlapping pair), each once.
fn overlaps(ours: &[String], theirs: &[String]) -> Vec<String> {
    let parse = |v: &[String]| -> Vec<ipnet::IpNet> { v.iter().filter_map(|p| p.parse().ok()).collect() };
    let (ours, theirs) = (parse(ours), parse(theirs));
    let mut out: Vec<String> = Vec::new();
    for a in &ours {
        for b in &theirs {
            let narrower = if a.contains(b) {
                Some(b)
            } else if b.contains(a) {
                Some(a)
            } else {
                None
            };
            if let Some(n) = narrower.map(|n| n.to_string()) {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
    }
    out
}

/// The peering of `remote` back to `local`, if there is one: its id and body.
fn back(sim: &SimClient, local: &str, remote: &str) -> Result<Option<(String, Json)>, ArmError> {
    for doc in sim.store.descendants(remote).map_err(io_error)? {
        let id = text(&doc, "/id").unwrap_or_default().to_string();
        let direct = arm::parent_id(&id).is_some_and(|p| arm::ids_equal(&p, remote));
        let is_peering = arm::resource_type(&id).eq_ignore_ascii_case(PEERING);
        if direct && is_peering && remote_of(&doc).is_some_and(|r| arm::ids_equal(r, local)) {
            return Ok(Some((id, doc)));
        }
    }
    Ok(None)
}

/// A side's state, from what it was and the other side: Connected needs a
/// peering back that is not itself Disconnected; once connected, losing
/// the other side leaves it Disconnected.
fn state(was: Option<&str>, other: Option<&Json>) -> &'static str {
    let was = |s: &str| was.is_some_and(|w| w.eq_ignore_ascii_case(s));
    match other.map(|o| state_of(o).unwrap_or(INITIATED)) {
        _ if was(DISCONNECTED) => DISCONNECTED,
        None if was(CONNECTED) => DISCONNECTED,
        None => INITIATED,
        Some(s) if s.eq_ignore_ascii_case(DISCONNECTED) => INITIATED,
        Some(_) => CONNECTED,
    }
}

/// Whether a gateway has an IP configuration in one of `network`'s subnets.
fn has_gateway(sim: &SimClient, network: &str) -> Result<bool, ArmError> {
    let prefix = format!("{}/subnets/", network.to_lowercase());
    for id in sim.store.ids().map_err(io_error)? {
        if !arm::resource_type(&id).eq_ignore_ascii_case(GATEWAY) {
            continue;
        }
        let Some(doc) = sim.store.get(&id).map_err(io_error)? else {
            continue;
        };
        let configs = doc.pointer("/properties/ipConfigurations").and_then(Json::as_array);
        let in_network = configs
            .into_iter()
            .flatten()
            .filter_map(|c| text(c, "/properties/subnet/id"))
            .any(|s| s.to_lowercase().starts_with(&prefix));
        if in_network {
            return Ok(true);
        }
    }
    Ok(false)
}

/// How far the peered spaces are from the networks' current ones.
fn sync_level(doc: &Json, local: Option<&Json>, remote: Option<&Json>) -> &'static str {
    let differs = |peered: &str, network: Option<&Json>| {
        let mut a = strings(doc.pointer(peered));
        let mut b = network.map(address_space).unwrap_or_default();
        a.sort();
        b.sort();
        network.is_some() && a != b
    };
    let whole = doc.pointer("/properties/peerCompleteVnets") != Some(&json!(false));
    if !whole {
        return "FullyInSync";
    }
    match (
        differs("/properties/localAddressSpace/addressPrefixes", local),
        differs("/properties/remoteAddressSpace/addressPrefixes", remote),
    ) {
        (false, false) => "FullyInSync",
        (true, false) => "LocalNotInSync",
        (false, true) => "RemoteNotInSync",
        (true, true) => "LocalAndRemoteNotInSync",
    }
}

fn space(prefixes: Vec<String>) -> Json {
    json!({ "addressPrefixes": prefixes })
}

impl Kind for Peering {
    fn on_put(&self, sim: &SimClient, id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
        let local = arm::parent_id(id).unwrap_or_default();
        let Some(remote) = remote_of(doc).map(str::to_string) else {
            return Err(ArmError::new(
                400,
                "InvalidRequestFormat",
                format!("Cannot parse the request: peering {id} must name its remote virtual network (properties.remoteVirtualNetwork.id)."),
            ));
        };
        let remote_doc = match sim.store.get(&remote).map_err(io_error)? {
            Some(d) if arm::resource_type(&remote).eq_ignore_ascii_case(NETWORK) => d,
            _ => {
                return Err(ArmError::new(
                    400,
                    "InvalidGlobalResourceReference",
                    format!("Resource {remote} referenced by resource {id} was not found. Please make sure that the referenced resource exists."),
                ))
            }
        };
        let local_doc = sim.store.get(&local).map_err(io_error)?.unwrap_or(Json::Null);
        default_property(doc, "allowVirtualNetworkAccess", json!(true));
        for off in [
            "allowForwardedTraffic",
            "allowGatewayTransit",
            "useRemoteGateways",
            "doNotVerifyRemoteGateways",
        ] {
            default_property(doc, off, json!(false));
        }
        default_property(doc, "peerCompleteVnets", json!(true));
        let whole = doc.pointer("/properties/peerCompleteVnets") != Some(&json!(false));
        let ours = peered(
            sim,
            &local,
            &local_doc,
            doc.pointer("/properties/localSubnetNames"),
            whole,
        )?;
        let theirs = peered(
            sim,
            &remote,
            &remote_doc,
            doc.pointer("/properties/remoteSubnetNames"),
            whole,
        )?;
        let overlapping = overlaps(&ours, &theirs);
        if !overlapping.is_empty() {
            return Err(ArmError::new(
                400,
                "VnetAddressSpacesOverlap",
                format!(
                    "Cannot create or update peering {id}. Virtual networks {local} and {remote} cannot be peered because their address spaces overlap. Overlapping address prefixes: {}",
                    overlapping.join(", ")
                ),
            ));
        }
        if doc.pointer("/properties/useRemoteGateways") == Some(&json!(true)) && !has_gateway(sim, &remote)? {
            return Err(ArmError::new(
                400,
                "RemoteVnetHasNoGateways",
                format!("Peering {id} cannot have UseRemoteGateway flag set to true because remote virtual network {remote} referenced by the peering does not have any gateways."),
            ));
        }
        let other = back(sim, &local, &remote)?;
        let now = state(existing.and_then(state_of), other.as_ref().map(|(_, d)| d));
        if now == CONNECTED {
            if let Some((other_id, mut other_doc)) = other {
                if state_of(&other_doc) != Some(CONNECTED) {
                    set_property(&mut other_doc, "peeringState", json!(CONNECTED));
                    sim.store.put(&other_id, &other_doc).map_err(io_error)?;
                }
            }
        }
        let guid = keep_or_new_guid(existing, "properties.resourceGuid");
        set_property(doc, "resourceGuid", guid);
        set_property(doc, "peeringState", json!(now));
        set_property(doc, "localAddressSpace", space(address_space(&local_doc)));
        set_property(doc, "localVirtualNetworkAddressSpace", space(address_space(&local_doc)));
        set_property(doc, "remoteAddressSpace", space(address_space(&remote_doc)));
        set_property(
            doc,
            "remoteVirtualNetworkAddressSpace",
            space(address_space(&remote_doc)),
        );
        set_property(doc, "peeringSyncLevel", json!("FullyInSync"));
        Ok(())
    }

    /// The state and the networks' spaces as they are now; a side that has
    /// become Disconnected stays so.
    fn on_get(&self, sim: &SimClient, id: &str, mut doc: Json) -> Result<Json, ArmError> {
        let local = arm::parent_id(id).unwrap_or_default();
        let Some(remote) = remote_of(&doc).map(str::to_string) else {
            return Ok(doc);
        };
        let remote_doc = sim.store.get(&remote).map_err(io_error)?;
        let local_doc = sim.store.get(&local).map_err(io_error)?;
        let other = match remote_doc {
            Some(_) => back(sim, &local, &remote)?,
            None => None,
        };
        let was = state_of(&doc).map(str::to_string);
        let now = state(was.as_deref(), other.as_ref().map(|(_, d)| d));
        if now == DISCONNECTED && was.as_deref() != Some(DISCONNECTED) {
            set_property(&mut doc, "peeringState", json!(now));
            sim.store.put(id, &doc).map_err(io_error)?;
        }
        set_property(&mut doc, "peeringState", json!(now));
        let level = sync_level(&doc, local_doc.as_ref(), remote_doc.as_ref());
        set_property(&mut doc, "peeringSyncLevel", json!(level));
        if let Some(l) = &local_doc {
            set_property(&mut doc, "localVirtualNetworkAddressSpace", space(address_space(l)));
        }
        if let Some(r) = &remote_doc {
            set_property(&mut doc, "remoteVirtualNetworkAddressSpace", space(address_space(r)));
        }
        Ok(doc)
    }

    /// The other side, if connected, is left Disconnected.
    fn on_delete(&self, sim: &SimClient, id: &str, doc: &Json) -> Result<(), ArmError> {
        let local = arm::parent_id(id).unwrap_or_default();
        let Some(remote) = remote_of(doc) else {
            return Ok(());
        };
        if let Some((other_id, mut other_doc)) = back(sim, &local, remote)? {
            if state_of(&other_doc) == Some(CONNECTED) {
                set_property(&mut other_doc, "peeringState", json!(DISCONNECTED));
                sim.store.put(&other_id, &other_doc).map_err(io_error)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::network::testing::{Sim, RG};
    use super::overlaps;
    use serde_json::{json, Value as Json};

    const OTHER_RG: &str = "/subscriptions/22222222-0000-0000-0000-000000000002/resourceGroups/rg2";

    fn network(rg: &str, name: &str) -> String {
        format!("{rg}/providers/Microsoft.Network/virtualNetworks/{name}")
    }

    fn peering(from: &str, name: &str) -> String {
        format!("{from}/virtualNetworkPeerings/{name}")
    }

    fn body(remote: &str) -> Json {
        json!({"properties": {"remoteVirtualNetwork": {"id": remote}, "allowForwardedTraffic": true}})
    }

    /// A hub in the test's group (10.0.0.0/16) and a spoke in another
    /// subscription (10.1.0.0/16).
    fn two_networks() -> (Sim, String, String) {
        let s = Sim::new();
        s.put(OTHER_RG, json!({"location": "westeurope"})).unwrap();
        let (hub, spoke) = (network(RG, "hub"), network(OTHER_RG, "spoke"));
        for (id, space) in [(&hub, "10.0.0.0/16"), (&spoke, "10.1.0.0/16")] {
            s.put(
                id,
                json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": [space]}}}),
            )
            .unwrap();
        }
        (s, hub, spoke)
    }

    fn state(s: &Sim, id: &str) -> String {
        s.get(id).unwrap()["properties"]["peeringState"]
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn a_peering_is_initiated_until_the_remote_peers_back_then_both_are_connected() {
        let (s, hub, spoke) = two_networks();
        let there = peering(&hub, "hub-to-spoke");
        let made = s.put(&there, body(&spoke)).unwrap();
        let p = &made["properties"];
        assert_eq!(p["peeringState"], "Initiated");
        assert_eq!(p["peeringSyncLevel"], "FullyInSync");
        assert_eq!(p["allowVirtualNetworkAccess"], true, "ARM's default");
        assert_eq!(p["allowForwardedTraffic"], true);
        assert_eq!(p["useRemoteGateways"], false);
        assert_eq!(p["peerCompleteVnets"], true);
        assert_eq!(p["remoteAddressSpace"]["addressPrefixes"], json!(["10.1.0.0/16"]));
        assert_eq!(p["localAddressSpace"]["addressPrefixes"], json!(["10.0.0.0/16"]));
        assert_eq!(p["provisioningState"], "Succeeded");
        assert!(p["resourceGuid"].is_string());
        let back = peering(&spoke, "spoke-to-hub");
        assert_eq!(
            s.put(&back, body(&hub)).unwrap()["properties"]["peeringState"],
            "Connected"
        );
        assert_eq!(state(&s, &there), "Connected", "both sides");
        // An update keeps it connected and its GUID.
        let guid = s.get(&there).unwrap()["properties"]["resourceGuid"].clone();
        let again = s.put(&there, body(&spoke)).unwrap();
        assert_eq!(again["properties"]["peeringState"], "Connected");
        assert_eq!(again["properties"]["resourceGuid"], guid);
    }

    #[test]
    fn losing_the_other_side_disconnects_until_made_again() {
        let (s, hub, spoke) = two_networks();
        let (there, back) = (peering(&hub, "a"), peering(&spoke, "b"));
        s.put(&there, body(&spoke)).unwrap();
        s.put(&back, body(&hub)).unwrap();
        s.delete(&back).unwrap();
        assert_eq!(state(&s, &there), "Disconnected");
        // A new peering back to a Disconnected side stays Initiated, and the
        // Disconnected side stays so until it is made again.
        s.put(&back, body(&hub)).unwrap();
        assert_eq!(state(&s, &back), "Initiated");
        assert_eq!(state(&s, &there), "Disconnected");
        s.delete(&there).unwrap();
        s.put(&there, body(&spoke)).unwrap();
        assert_eq!(state(&s, &there), "Connected");
        assert_eq!(state(&s, &back), "Connected");
        // The remote network deleted (its peerings with it): Disconnected.
        s.delete(&spoke).unwrap();
        assert_eq!(state(&s, &there), "Disconnected");
    }

    #[test]
    fn the_remote_network_must_exist() {
        let (s, hub, spoke) = two_networks();
        let missing = spoke.replace("spoke", "nowhere");
        let e = s.put(&peering(&hub, "p"), body(&missing)).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "InvalidGlobalResourceReference"));
        assert!(e.message.contains(&missing), "{}", e.message);
        let e = s.put(&peering(&hub, "p"), json!({"properties": {}})).unwrap_err();
        assert_eq!(e.status, 400);
        let e = s.put(&peering(&network(RG, "none"), "p"), body(&spoke)).unwrap_err();
        assert_eq!(e.code, "ParentResourceNotFound", "the local network too");
    }

    #[test]
    fn overlapping_address_spaces_are_refused() {
        let (s, hub, _) = two_networks();
        let inner = network(RG, "inner");
        s.put(
            &inner,
            json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.0.4.0/22", "192.168.0.0/24"]}}}),
        )
        .unwrap();
        let e = s.put(&peering(&hub, "p"), body(&inner)).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "VnetAddressSpacesOverlap"));
        assert!(
            e.message.ends_with("Overlapping address prefixes: 10.0.4.0/22"),
            "{}",
            e.message
        );
        assert_eq!(
            overlaps(&["10.0.0.0/8".into()], &["fd00::/8".into(), "11.0.0.0/8".into()]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_subnet_peering_checks_only_the_named_subnets() {
        let (s, hub, _) = two_networks();
        let inner = network(RG, "inner");
        s.put(
            &inner,
            json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}),
        )
        .unwrap();
        for (net, name, prefix) in [
            (&hub, "a", "10.0.1.0/24"),
            (&inner, "b", "10.0.2.0/24"),
            (&inner, "c", "10.0.1.0/25"),
        ] {
            s.put(
                &format!("{net}/subnets/{name}"),
                json!({"properties": {"addressPrefix": prefix}}),
            )
            .unwrap();
        }
        let subnets = |remote: &str| {
            let mut b = body(&inner);
            b["properties"]["peerCompleteVnets"] = json!(false);
            b["properties"]["localSubnetNames"] = json!(["a"]);
            b["properties"]["remoteSubnetNames"] = json!([remote]);
            b
        };
        s.put(&peering(&hub, "p"), subnets("b")).unwrap();
        let e = s.put(&peering(&hub, "p"), subnets("c")).unwrap_err();
        assert_eq!(e.code, "VnetAddressSpacesOverlap");
        assert!(e.message.ends_with("10.0.1.0/25"), "{}", e.message);
    }

    #[test]
    fn remote_gateways_need_a_gateway_there() {
        let (s, hub, spoke) = two_networks();
        let mut b = body(&spoke);
        b["properties"]["useRemoteGateways"] = json!(true);
        let e = s.put(&peering(&hub, "p"), b.clone()).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "RemoteVnetHasNoGateways"));
        s.put(
            &format!("{spoke}/subnets/GatewaySubnet"),
            json!({"properties": {"addressPrefix": "10.1.255.0/27"}}),
        )
        .unwrap();
        let gw = format!("{OTHER_RG}/providers/Microsoft.Network/virtualNetworkGateways/gw");
        s.put(
            &gw,
            json!({"location": "westeurope", "properties": {"ipConfigurations": [
                {"name": "c", "properties": {"subnet": {"id": format!("{spoke}/subnets/GatewaySubnet")}}}]}}),
        )
        .unwrap();
        assert_eq!(
            s.put(&peering(&hub, "p"), b).unwrap()["properties"]["useRemoteGateways"],
            true
        );
    }

    #[test]
    fn a_changed_address_space_shows_the_peering_out_of_sync_until_the_next_put() {
        let (s, hub, spoke) = two_networks();
        let there = peering(&hub, "p");
        s.put(&there, body(&spoke)).unwrap();
        s.put(
            &spoke,
            json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16", "10.2.0.0/16"]}}}),
        )
        .unwrap();
        let got = s.get(&there).unwrap();
        assert_eq!(got["properties"]["peeringSyncLevel"], "RemoteNotInSync");
        assert_eq!(
            got["properties"]["remoteVirtualNetworkAddressSpace"]["addressPrefixes"],
            json!(["10.1.0.0/16", "10.2.0.0/16"])
        );
        assert_eq!(
            got["properties"]["remoteAddressSpace"]["addressPrefixes"],
            json!(["10.1.0.0/16"])
        );
        let synced = s.put(&there, body(&spoke)).unwrap();
        assert_eq!(synced["properties"]["peeringSyncLevel"], "FullyInSync");
    }
}
