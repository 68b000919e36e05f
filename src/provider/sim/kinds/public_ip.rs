//! `Microsoft.Network/publicIPAddresses`: what Azure fills in (Basic and
//! Dynamic unless told otherwise, IPv4, a 4-minute idle timeout, a GUID),
//! the address a Static one gets when it is made and keeps, its DNS name;
//! a Standard address must be Static; Azure shows the NAT gateway that
//! uses it and refuses to delete it while one does.

use super::network::{self, default_property, keep_or_new_guid, set_property};
use super::{Immutable, Kind};
use crate::provider::arm::{self, ArmError};
use crate::provider::sim::SimClient;
use serde_json::{json, Value as Json};
use sha2::Digest;

pub struct PublicIp;

const NAT_GATEWAYS: &str = "Microsoft.Network/natGateways";
const REFERENCE: &str = "properties.publicIpAddresses";

fn text<'j>(doc: &'j Json, pointer: &str) -> Option<&'j str> {
    doc.pointer(pointer).and_then(Json::as_str)
}

/// The address a Static public IP gets: the same for the same id, from
/// Azure's ranges in form (20.x.y.z, or 2603:1030:... for IPv6).
fn address(id: &str, v6: bool) -> String {
    let h = sha2::Sha256::digest(id.to_lowercase().as_bytes());
    if v6 {
        format!(
            "2603:1030:{:x}{:02x}:{:x}{:02x}::{:x}",
            h[0],
            h[1],
            h[2],
            h[3],
            h[4].max(1)
        )
    } else {
        format!("20.{}.{}.{}", h[0], h[1], h[2].clamp(1, 254))
    }
}

impl Kind for PublicIp {
    fn on_put(&self, _sim: &SimClient, id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
        network::strip(doc, &["natGateway", "ipConfiguration", "ipAddress"]);
        if !doc.get("sku").is_some_and(Json::is_object) {
            doc["sku"] = json!({"name": "Basic"});
        }
        let standard = text(doc, "/sku/name").is_some_and(|s| s.eq_ignore_ascii_case("Standard"));
        default_property(doc, "publicIPAllocationMethod", json!("Dynamic"));
        default_property(doc, "publicIPAddressVersion", json!("IPv4"));
        default_property(doc, "idleTimeoutInMinutes", json!(4));
        let method = text(doc, "/properties/publicIPAllocationMethod").unwrap_or_default();
        let is_static = method.eq_ignore_ascii_case("Static");
        if standard && !is_static {
            return Err(ArmError::new(
                400,
                "StandardSkuPublicIPAddressesMustBeStatic",
                format!("Standard sku publicIp {id} must have AllocationMethod set to Static."),
            ));
        }
        if standard {
            if doc.pointer("/properties/ddosSettings/protectionMode").is_none() {
                set_property(
                    doc,
                    "ddosSettings",
                    json!({"protectionMode": "VirtualNetworkInherited"}),
                );
            }
            if doc.get("sku").and_then(|s| s.get("tier")).is_none() {
                doc["sku"]["tier"] = json!("Regional");
            }
        }
        // A Static address is allocated when it is made and kept.
        if is_static {
            let v6 = text(doc, "/properties/publicIPAddressVersion").is_some_and(|v| v.eq_ignore_ascii_case("IPv6"));
            let ip = existing
                .and_then(|e| e.pointer("/properties/ipAddress"))
                .cloned()
                .unwrap_or_else(|| json!(address(id, v6)));
            set_property(doc, "ipAddress", ip);
        }
        let location = doc
            .get("location")
            .and_then(Json::as_str)
            .unwrap_or("eastus")
            .to_string();
        if let Some(dns) = doc.pointer_mut("/properties/dnsSettings").and_then(Json::as_object_mut) {
            if let Some(label) = dns.get("domainNameLabel").and_then(Json::as_str).map(str::to_string) {
                // A scoped label gets a hash of its scope, as Azure adds one.
                let scoped = dns.get("domainNameLabelScope").and_then(Json::as_str).is_some();
                let hash: String = sha2::Sha256::digest(arm::parent_id(id).unwrap_or_default().to_lowercase())
                    .iter()
                    .take(6)
                    .map(|b| format!("{b:02x}"))
                    .collect();
                let name = if scoped { format!("{label}.{hash}") } else { label };
                dns.insert("fqdn".into(), json!(format!("{name}.{location}.cloudapp.azure.com")));
            }
        }
        set_property(
            doc,
            "resourceGuid",
            keep_or_new_guid(existing, "properties.resourceGuid"),
        );
        Ok(())
    }

    fn on_get(&self, sim: &SimClient, id: &str, mut doc: Json) -> Result<Json, ArmError> {
        network::show_holders(sim, id, &mut doc, "natGateway", true, NAT_GATEWAYS, REFERENCE)?;
        Ok(doc)
    }

    fn immutable(&self) -> &'static [Immutable] {
        &[("location", "InvalidResourceLocation")]
    }

    fn on_delete(&self, sim: &SimClient, id: &str, _doc: &Json) -> Result<(), ArmError> {
        let Some(gateway) = network::holders(sim, id, NAT_GATEWAYS, REFERENCE)?.into_iter().next() else {
            return Ok(());
        };
        Err(ArmError::new(
            400,
            "PublicIPAddressCannotBeDeleted",
            format!(
                "Public IP address {id} can not be deleted since it is still allocated to resource {gateway}. In order to delete the public IP, disassociate/detach the Public IP address from the resource.  To learn how to do this, see aka.ms/deletepublicip."
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::network::testing::{net, Sim};
    use serde_json::json;

    #[test]
    fn azure_fills_in_basic_and_dynamic_and_a_standard_address_must_be_static() {
        let s = Sim::new();
        let basic = s
            .put(&net("publicIPAddresses/b"), json!({"location": "westeurope"}))
            .unwrap();
        assert_eq!(basic["sku"]["name"], "Basic");
        assert_eq!(basic["properties"]["publicIPAllocationMethod"], "Dynamic");
        assert_eq!(basic["properties"]["publicIPAddressVersion"], "IPv4");
        assert!(
            basic["properties"].get("ipAddress").is_none(),
            "a Dynamic address has none yet"
        );
        let e = s
            .put(
                &net("publicIPAddresses/d"),
                json!({"location": "westeurope", "sku": {"name": "Standard"}}),
            )
            .unwrap_err();
        assert_eq!(
            (e.status, e.code.as_str()),
            (400, "StandardSkuPublicIPAddressesMustBeStatic")
        );
    }

    #[test]
    fn a_static_address_is_allocated_once_and_kept() {
        let s = Sim::new();
        let pip = net("publicIPAddresses/p");
        let body = json!({"location": "westeurope", "sku": {"name": "Standard"},
            "properties": {"publicIPAllocationMethod": "Static", "dnsSettings": {"domainNameLabel": "app"}}});
        let made = s.put(&pip, body.clone()).unwrap();
        let ip = made["properties"]["ipAddress"].as_str().unwrap().to_string();
        assert!(ip.parse::<std::net::Ipv4Addr>().is_ok(), "{ip}");
        assert_eq!(
            made["properties"]["dnsSettings"]["fqdn"],
            "app.westeurope.cloudapp.azure.com"
        );
        assert_eq!(
            made["properties"]["ddosSettings"]["protectionMode"],
            "VirtualNetworkInherited"
        );
        let mut changed = body;
        changed["properties"]["idleTimeoutInMinutes"] = json!(10);
        assert_eq!(s.put(&pip, changed).unwrap()["properties"]["ipAddress"], ip.as_str());
    }

    #[test]
    fn an_address_a_gateway_uses_is_shown_and_not_deleted() {
        let s = Sim::new();
        let pip = net("publicIPAddresses/p");
        s.put(
            &pip,
            json!({"location": "westeurope", "sku": {"name": "Standard"}, "properties": {"publicIPAllocationMethod": "Static"}}),
        )
        .unwrap();
        let ng = net("natGateways/g");
        s.put(
            &ng,
            json!({"location": "westeurope", "properties": {"publicIpAddresses": [{"id": pip}]}}),
        )
        .unwrap();
        assert_eq!(s.get(&pip).unwrap()["properties"]["natGateway"]["id"], ng);
        let e = s.delete(&pip).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "PublicIPAddressCannotBeDeleted"));
        assert!(e.message.contains(&ng), "{}", e.message);
        s.delete(&ng).unwrap();
        s.delete(&pip).unwrap();
    }
}
