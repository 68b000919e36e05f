//! Private endpoints (`Microsoft.Network/privateEndpoints`) and their DNS
//! zone groups. An endpoint needs its subnet, in its own region
//! (InvalidResourceReference); Azure makes its network interface in the
//! endpoint's resource group, with a private IP address for each name the
//! connected resource answers on (the lowest free in the subnet, or the
//! static ones asked for), lists those names with their addresses
//! (`customDnsConfigs`), and approves an automatic connection or leaves a
//! manual one pending (its addresses are held all the same). A DNS zone group writes the endpoint's A records in
//! its private DNS zones and lists them; deleting it, or the endpoint,
//! takes them away, and the endpoint takes its network interface along.
//! ARM's behaviour only; nothing of azurerm.

use super::private_dns::{recount, Pending};
use super::Kind;
use crate::provider::arm::{self, ArmError};
use crate::provider::sim::{io_error, SimClient};
use serde_json::{json, Value as Json};
use std::net::IpAddr;

pub struct Endpoint;
pub struct ZoneGroup;

/// Azure keeps an A record of a zone group this long, in seconds.
const RECORD_TTL: u64 = 10;
const NICS: &str = "Microsoft.Network/networkInterfaces";

fn str_at<'j>(doc: &'j Json, pointer: &str) -> Option<&'j str> {
    doc.pointer(pointer).and_then(Json::as_str)
}

fn invalid_reference(what: &str, by: &str) -> ArmError {
    ArmError::new(
        400,
        "InvalidResourceReference",
        format!(
            "Resource {what} referenced by resource {by} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region."
        ),
    )
}

/// The names a resource answers on through a private endpoint to its
/// sub-resource `group`, as Azure lists them (none for a type the
/// simulation does not know).
fn names_of(sim: &SimClient, target: &str, group: &str, location: &str) -> Result<Vec<String>, ArmError> {
    let name = arm::name_of(target).to_ascii_lowercase();
    let rtype = arm::resource_type(target).to_ascii_lowercase();
    let group = group.to_ascii_lowercase();
    Ok(match (rtype.as_str(), group.as_str()) {
        ("microsoft.containerregistry/registries", "registry") => {
            let doc = sim.store.get(target).map_err(io_error)?;
            let home = doc
                .as_ref()
                .and_then(|d| str_at(d, "/location"))
                .unwrap_or(location)
                .to_string();
            let mut regions = vec![home];
            for r in sim.store.descendants(target).map_err(io_error)? {
                if let Some(loc) = str_at(&r, "/location").map(arm::normalize_location) {
                    if !regions.contains(&loc) {
                        regions.push(loc);
                    }
                }
            }
            let mut out = vec![format!("{name}.azurecr.io")];
            out.extend(regions.iter().map(|r| format!("{name}.{r}.data.azurecr.io")));
            out
        }
        ("microsoft.keyvault/vaults", "vault") => vec![format!("{name}.vault.azure.net")],
        ("microsoft.storage/storageaccounts", g) => vec![format!("{name}.{g}.core.windows.net")],
        _ => Vec::new(),
    })
}

/// Every private IP address the store's network interfaces hold in `subnet`.
fn used_addresses(sim: &SimClient, subnet: &str, except: Option<&str>) -> Result<Vec<IpAddr>, ArmError> {
    let mut used = Vec::new();
    for doc in sim.store.of_type(NICS).map_err(io_error)? {
        let id = str_at(&doc, "/id").unwrap_or("");
        if except.is_some_and(|e| arm::ids_equal(e, id)) {
            continue;
        }
        for c in doc
            .pointer("/properties/ipConfigurations")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let in_subnet = str_at(c, "/properties/subnet/id").is_some_and(|s| arm::ids_equal(s, subnet));
            if let Some(ip) = str_at(c, "/properties/privateIPAddress").and_then(|s| s.parse().ok()) {
                if in_subnet {
                    used.push(ip);
                }
            }
        }
    }
    Ok(used)
}

/// The lowest address of the subnet no one holds: Azure keeps the first
/// four and the last.
fn allocate(prefix: &ipnet::IpNet, used: &mut Vec<IpAddr>, subnet: &str) -> Result<IpAddr, ArmError> {
    let free = prefix.hosts().skip(3).find(|ip| !used.contains(ip));
    match free {
        Some(ip) => {
            used.push(ip);
            Ok(ip)
        }
        None => Err(ArmError::new(
            400,
            "SubnetIsFull",
            format!(
                "Subnet {} with address prefix {prefix} does not have enough capacity for 1 IP addresses.",
                arm::name_of(subnet)
            ),
        )),
    }
}

impl Kind for Endpoint {
    fn on_put(&self, sim: &SimClient, id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
        let location = doc.get("location").and_then(Json::as_str).unwrap_or("").to_string();
        let subnet_id = str_at(doc, "/properties/subnet/id").unwrap_or("").to_string();
        let subnet = sim.store.get(&subnet_id).map_err(io_error)?;
        let vnet = match arm::parent_id(&subnet_id) {
            Some(v) if subnet.is_some() => sim.store.get(&v).map_err(io_error)?,
            _ => None,
        };
        let same_region = vnet
            .as_ref()
            .and_then(|v| str_at(v, "/location"))
            .is_some_and(|l| arm::normalize_location(l) == location);
        let (Some(subnet), true) = (subnet, same_region) else {
            return Err(invalid_reference(&subnet_id, id));
        };
        let prefix: Option<ipnet::IpNet> = subnet
            .pointer("/properties/addressPrefixes/0")
            .or_else(|| subnet.pointer("/properties/addressPrefix"))
            .and_then(Json::as_str)
            .and_then(|p| p.parse().ok());
        let prefix = prefix.ok_or_else(|| invalid_reference(&subnet_id, id))?;

        // The connections: approved, or pending the owner's approval.
        let mut names = Vec::new();
        for key in ["privateLinkServiceConnections", "manualPrivateLinkServiceConnections"] {
            let manual = key.starts_with("manual");
            let Some(items) = doc["properties"].get_mut(key).and_then(Json::as_array_mut) else {
                continue;
            };
            for c in items {
                let cname = c.get("name").and_then(Json::as_str).unwrap_or("connection").to_string();
                c["id"] = json!(format!("{id}/{key}/{cname}"));
                c["type"] = json!(format!("Microsoft.Network/privateEndpoints/{key}"));
                let target = str_at(c, "/properties/privateLinkServiceId").unwrap_or("").to_string();
                let groups: Vec<String> = c
                    .pointer("/properties/groupIds")
                    .and_then(Json::as_array)
                    .map(|g| g.iter().filter_map(Json::as_str).map(str::to_string).collect())
                    .unwrap_or_default();
                let state = if manual {
                    json!({"status": "Pending", "description": c.pointer("/properties/requestMessage").cloned().unwrap_or(json!("")), "actionsRequired": "None"})
                } else {
                    json!({"status": "Approved", "description": "Auto-Approved", "actionsRequired": "None"})
                };
                c["properties"]["privateLinkServiceConnectionState"] = state;
                c["properties"]["provisioningState"] = json!("Succeeded");
                for g in &groups {
                    names.extend(names_of(sim, &target, g, &location)?);
                }
            }
        }

        // Its network interface: kept across updates.
        let rg = id.split('/').take(5).collect::<Vec<_>>().join("/");
        let nic_id = match existing.and_then(|e| str_at(e, "/properties/networkInterfaces/0/id")) {
            Some(nic) => nic.to_string(),
            None => {
                let nic_name = str_at(doc, "/properties/customNetworkInterfaceName")
                    .filter(|n| !n.is_empty())
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{}.nic.{}", arm::name_of(id), uuid::Uuid::new_v4()));
                format!("{rg}/providers/Microsoft.Network/networkInterfaces/{nic_name}")
            }
        };
        let old_nic = sim.store.get(&nic_id).map_err(io_error)?;
        let kept = |i: usize| {
            old_nic
                .as_ref()
                .and_then(|n| {
                    str_at(
                        n,
                        &format!("/properties/ipConfigurations/{i}/properties/privateIPAddress"),
                    )
                })
                .and_then(|s| s.parse::<IpAddr>().ok())
        };
        let statics: Vec<(String, IpAddr)> = doc
            .pointer("/properties/ipConfigurations")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| {
                let ip = str_at(c, "/properties/privateIPAddress")?.parse().ok()?;
                Some((c.get("name").and_then(Json::as_str).unwrap_or("").to_string(), ip))
            })
            .collect();
        let mut used = used_addresses(sim, &subnet_id, Some(&nic_id))?;
        let wanted = names.len().max(1);
        let mut addresses = Vec::new();
        for i in 0..wanted {
            let ip = match statics.get(i) {
                Some((_, ip)) if !prefix.contains(ip) => {
                    return Err(ArmError::new(
                        400,
                        "PrivateIPAddressNotInSubnet",
                        format!("Private static IP address {ip} does not belong to the range of subnet prefix {prefix}."),
                    ))
                }
                Some((_, ip)) if used.contains(ip) => {
                    return Err(ArmError::new(
                        400,
                        "PrivateIPAddressInUse",
                        format!("IP configuration {id} is using the private IP address {ip} which is already allocated to resource {subnet_id}."),
                    ))
                }
                Some((_, ip)) => {
                    used.push(*ip);
                    *ip
                }
                None => match kept(i).filter(|ip| prefix.contains(ip) && !used.contains(ip)) {
                    Some(ip) => {
                        used.push(ip);
                        ip
                    }
                    None => allocate(&prefix, &mut used, &subnet_id)?,
                },
            };
            addresses.push(ip);
        }
        let configs: Vec<Json> = addresses
            .iter()
            .enumerate()
            .map(|(i, ip)| {
                let name = statics
                    .get(i)
                    .map(|(n, _)| n.clone())
                    .unwrap_or_else(|| format!("privateEndpointIpConfig.{}", uuid::Uuid::new_v4()));
                json!({
                    "name": name,
                    "id": format!("{nic_id}/ipConfigurations/{name}"),
                    "properties": {
                        "privateIPAddress": ip.to_string(),
                        "privateIPAllocationMethod": if statics.get(i).is_some() { "Static" } else { "Dynamic" },
                        "privateIPAddressVersion": "IPv4",
                        "primary": i == 0,
                        "subnet": {"id": subnet_id},
                        "provisioningState": "Succeeded",
                    },
                })
            })
            .collect();
        let nic = json!({
            "id": nic_id,
            "name": arm::name_of(&nic_id),
            "type": "Microsoft.Network/networkInterfaces",
            "location": location,
            "properties": {
                "provisioningState": "Succeeded",
                "ipConfigurations": configs,
                "privateEndpoint": {"id": id},
                "nicType": "Standard",
            },
        });
        sim.store.put(&nic_id, &nic).map_err(io_error)?;

        let dns: Vec<Json> = names
            .iter()
            .zip(&addresses)
            .map(|(fqdn, ip)| json!({"fqdn": fqdn, "ipAddresses": [ip.to_string()]}))
            .collect();
        let p = &mut doc["properties"];
        p["networkInterfaces"] = json!([{ "id": nic_id }]);
        p["customDnsConfigs"] = Json::Array(dns);
        for key in ["privateLinkServiceConnections", "manualPrivateLinkServiceConnections"] {
            if p.get(key).is_none_or(Json::is_null) {
                p[key] = json!([]);
            }
        }
        Ok(())
    }

    /// Its zone groups' records and its network interface go with it.
    fn on_delete(&self, sim: &SimClient, id: &str, doc: &Json) -> Result<(), ArmError> {
        for group in sim.store.descendants(id).map_err(io_error)? {
            let gid = str_at(&group, "/id").unwrap_or("").to_string();
            if arm::resource_type(&gid).eq_ignore_ascii_case("Microsoft.Network/privateEndpoints/privateDnsZoneGroups")
            {
                remove_records(sim, &group)?;
            }
        }
        if let Some(nic) = str_at(doc, "/properties/networkInterfaces/0/id") {
            sim.store.delete(nic).map_err(io_error)?;
        }
        Ok(())
    }
}

/// Deletes the A records a zone group wrote.
fn remove_records(sim: &SimClient, group: &Json) -> Result<(), ArmError> {
    for c in group
        .pointer("/properties/privateDnsZoneConfigs")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let Some(zone) = str_at(c, "/properties/privateDnsZoneId") else {
            continue;
        };
        for r in c
            .pointer("/properties/recordSets")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(name) = str_at(r, "/recordSetName") {
                let rid = format!("{zone}/A/{name}");
                recount(sim, zone, Pending::Delete(&rid))?;
                sim.store.delete(&rid).map_err(io_error)?;
            }
        }
    }
    Ok(())
}

impl Kind for ZoneGroup {
    fn on_put(&self, sim: &SimClient, id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
        let endpoint_id = arm::parent_id(id).unwrap_or_default();
        let endpoint = sim.store.get(&endpoint_id).map_err(io_error)?.unwrap_or(Json::Null);
        if let Some(old) = existing {
            remove_records(sim, old)?;
        }
        let dns: Vec<(String, Vec<Json>)> = endpoint
            .pointer("/properties/customDnsConfigs")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| {
                let fqdn = str_at(c, "/fqdn")?.to_ascii_lowercase();
                let ips = c
                    .get("ipAddresses")
                    .and_then(Json::as_array)
                    .cloned()
                    .unwrap_or_default();
                Some((fqdn, ips))
            })
            .collect();
        let configs = doc
            .pointer_mut("/properties/privateDnsZoneConfigs")
            .and_then(Json::as_array_mut);
        for c in configs.into_iter().flatten() {
            let zone_id = str_at(c, "/properties/privateDnsZoneId").unwrap_or("").to_string();
            if sim.store.get(&zone_id).map_err(io_error)?.is_none() {
                return Err(invalid_reference(&zone_id, id));
            }
            let zone = arm::name_of(&zone_id).to_ascii_lowercase();
            // A private link zone holds the names of the public zone it shadows.
            let suffix = zone.strip_prefix("privatelink.").unwrap_or(&zone).to_string();
            let mut records = Vec::new();
            for (fqdn, ips) in &dns {
                let Some(record) = fqdn.strip_suffix(&format!(".{suffix}")) else {
                    continue;
                };
                let rid = format!("{zone_id}/A/{record}");
                let a: Vec<Json> = ips.iter().map(|ip| json!({"ipv4Address": ip})).collect();
                let set = json!({
                    "id": rid,
                    "name": record,
                    "type": "Microsoft.Network/privateDnsZones/A",
                    "properties": {
                        "ttl": RECORD_TTL,
                        "fqdn": format!("{record}.{zone}."),
                        "aRecords": a,
                        "isAutoRegistered": false,
                        "provisioningState": "Succeeded",
                    },
                });
                recount(sim, &zone_id, Pending::Put(&rid, &set))?;
                sim.store.put(&rid, &set).map_err(io_error)?;
                records.push(json!({
                    "recordType": "A",
                    "recordSetName": record,
                    "fqdn": format!("{record}.{zone}"),
                    "ttl": RECORD_TTL,
                    "ipAddresses": ips,
                    "provisioningState": "Succeeded",
                }));
            }
            c["properties"]["recordSets"] = Json::Array(records);
        }
        Ok(())
    }

    fn on_delete(&self, sim: &SimClient, _id: &str, doc: &Json) -> Result<(), ArmError> {
        remove_records(sim, doc)
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
            api_version: "2025-01-01".into(),
            body,
        }
    }

    struct World {
        _dir: tempfile::TempDir,
        s: SimClient,
        rg: String,
        subnet: String,
        registry: String,
        zone: String,
    }

    fn world() -> World {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path());
        let rg = format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg");
        let put = |id: &str, body: Json| s.handle(&req(Method::Put, id, Some(body))).unwrap();
        put(&rg, json!({"location": "westeurope"}));
        let vnet = format!("{rg}/providers/Microsoft.Network/virtualNetworks/vnet");
        put(
            &vnet,
            json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}}),
        );
        let subnet = format!("{vnet}/subnets/endpoints");
        put(&subnet, json!({"properties": {"addressPrefixes": ["10.1.2.0/24"]}}));
        let register = format!("/subscriptions/{SUBSCRIPTION}/providers/Microsoft.ContainerRegistry/register");
        s.handle(&req(Method::Post, &register, None)).unwrap();
        let registry = format!("{rg}/providers/Microsoft.ContainerRegistry/registries/myreg");
        put(&registry, json!({"location": "westeurope", "sku": {"name": "Premium"}}));
        let zone = format!("{rg}/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io");
        put(&zone, json!({"location": "global"}));
        World {
            _dir: dir,
            s,
            rg,
            subnet,
            registry,
            zone,
        }
    }

    fn endpoint_body(w: &World, key: &str) -> Json {
        json!({"location": "westeurope", "properties": {
            "subnet": {"id": w.subnet},
            key: [{"name": "c", "properties": {"privateLinkServiceId": w.registry, "groupIds": ["registry"], "requestMessage": "please"}}],
        }})
    }

    #[test]
    fn an_endpoint_gets_a_network_interface_and_an_address_for_each_name_of_its_resource() {
        let w = world();
        let pe = format!("{}/providers/Microsoft.Network/privateEndpoints/pe", w.rg);
        let r =
            w.s.handle(&req(
                Method::Put,
                &pe,
                Some(endpoint_body(&w, "privateLinkServiceConnections")),
            ))
            .unwrap();
        let p = &r.body["properties"];
        assert_eq!(
            p["privateLinkServiceConnections"][0]["properties"]["privateLinkServiceConnectionState"]["status"],
            "Approved"
        );
        assert_eq!(
            p["customDnsConfigs"],
            json!([
                {"fqdn": "myreg.azurecr.io", "ipAddresses": ["10.1.2.4"]},
                {"fqdn": "myreg.westeurope.data.azurecr.io", "ipAddresses": ["10.1.2.5"]},
            ])
        );
        let nic_id = p["networkInterfaces"][0]["id"].as_str().unwrap().to_string();
        assert!(nic_id.contains("/networkInterfaces/pe.nic."), "{nic_id}");
        let nic = w.s.handle(&req(Method::Get, &nic_id, None)).unwrap();
        assert_eq!(
            nic.body["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"],
            "10.1.2.4"
        );
        // An update keeps its interface and addresses.
        let again =
            w.s.handle(&req(
                Method::Put,
                &pe,
                Some(endpoint_body(&w, "privateLinkServiceConnections")),
            ))
            .unwrap();
        assert_eq!(again.body["properties"]["networkInterfaces"][0]["id"], json!(nic_id));
        assert_eq!(again.body["properties"]["customDnsConfigs"], p["customDnsConfigs"]);

        // A second endpoint takes the next free addresses.
        let pe2 = format!("{}/providers/Microsoft.Network/privateEndpoints/pe2", w.rg);
        let r2 =
            w.s.handle(&req(
                Method::Put,
                &pe2,
                Some(endpoint_body(&w, "manualPrivateLinkServiceConnections")),
            ))
            .unwrap();
        let c = &r2.body["properties"]["manualPrivateLinkServiceConnections"][0]["properties"];
        assert_eq!(c["privateLinkServiceConnectionState"]["status"], "Pending");
        assert_eq!(
            w.s.handle(&req(
                Method::Get,
                r2.body["properties"]["networkInterfaces"][0]["id"].as_str().unwrap(),
                None
            ))
            .unwrap()
            .body["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"],
            "10.1.2.6"
        );

        // Its zone group writes its A records, and they leave with it.
        let group = format!("{pe}/privateDnsZoneGroups/default");
        let body = json!({"properties": {"privateDnsZoneConfigs": [{"name": "acr", "properties": {"privateDnsZoneId": w.zone}}]}});
        let g = w.s.handle(&req(Method::Put, &group, Some(body))).unwrap();
        let records = &g.body["properties"]["privateDnsZoneConfigs"][0]["properties"]["recordSets"];
        assert_eq!(records[0]["recordSetName"], "myreg");
        assert_eq!(records[1]["recordSetName"], "myreg.westeurope.data");
        assert_eq!(records[1]["fqdn"], "myreg.westeurope.data.privatelink.azurecr.io");
        let a =
            w.s.handle(&req(Method::Get, &format!("{}/A/myreg", w.zone), None))
                .unwrap();
        assert_eq!(a.body["properties"]["aRecords"][0]["ipv4Address"], "10.1.2.4");
        let count = |s: &SimClient| {
            s.handle(&req(Method::Get, &w.zone, None)).unwrap().body["properties"]["numberOfRecordSets"].clone()
        };
        assert_eq!(count(&w.s), 3);
        w.s.handle(&req(Method::Delete, &pe, None)).unwrap();
        assert_eq!(count(&w.s), 1);
        assert!(w.s.handle(&req(Method::Get, &nic_id, None)).is_err());
        assert!(w
            .s
            .handle(&req(Method::Get, &format!("{}/A/myreg", w.zone), None))
            .is_err());
    }

    #[test]
    fn an_endpoint_needs_its_subnet_in_its_region_and_a_free_static_address() {
        let w = world();
        let pe = format!("{}/providers/Microsoft.Network/privateEndpoints/pe", w.rg);
        let mut body = endpoint_body(&w, "privateLinkServiceConnections");
        body["location"] = json!("eastus");
        let e = w.s.handle(&req(Method::Put, &pe, Some(body))).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "InvalidResourceReference"));
        let mut body = endpoint_body(&w, "privateLinkServiceConnections");
        body["properties"]["subnet"]["id"] = json!(format!("{}x", w.subnet));
        let e = w.s.handle(&req(Method::Put, &pe, Some(body))).unwrap_err();
        assert_eq!(e.code, "InvalidResourceReference");
        let mut body = endpoint_body(&w, "privateLinkServiceConnections");
        body["properties"]["ipConfigurations"] = json!([{"name": "ip", "properties": {"privateIPAddress": "10.9.9.9", "groupId": "registry", "memberName": "registry"}}]);
        let e = w.s.handle(&req(Method::Put, &pe, Some(body))).unwrap_err();
        assert_eq!(e.code, "PrivateIPAddressNotInSubnet");
        let mut body = endpoint_body(&w, "privateLinkServiceConnections");
        body["properties"]["ipConfigurations"] = json!([{"name": "ip", "properties": {"privateIPAddress": "10.1.2.50", "groupId": "registry", "memberName": "registry"}}]);
        let r = w.s.handle(&req(Method::Put, &pe, Some(body))).unwrap();
        assert_eq!(
            r.body["properties"]["customDnsConfigs"][0]["ipAddresses"][0],
            "10.1.2.50"
        );
    }
}
