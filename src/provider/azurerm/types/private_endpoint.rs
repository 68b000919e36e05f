//! `azurerm_private_endpoint`: the one `private_service_connection` is sent
//! as an automatic or a manual connection, to a resource id or a private
//! link service alias alike (`privateLinkServiceId`); a static IP
//! configuration's member is its sub-resource unless named; the DNS zone
//! group is the child `privateDnsZoneGroups/NAME`, and the private IP
//! address is read, as azurerm reads it, from the endpoint's network
//! interface (see [`children`]). What only Azure says (the network
//! interface, custom DNS configurations, the zone group's record sets) is
//! read back here.

use super::super::children::{self, Child, Where};
use super::TypeHooks;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use serde_json::{json, Value as Json};
use std::borrow::Cow;

pub struct Hooks;

const ZONE_GROUPS: Child = Child {
    key: "$zoneGroups",
    api_version: "2025-01-01",
    at: Where::Each("privateDnsZoneGroups"),
    replace_on: &[],
    skip: children::keep_all,
};

/// azurerm reads network interfaces with this api-version.
const NIC: Child = Child {
    key: "$nic",
    api_version: "2023-09-01",
    at: Where::Linked("/properties/networkInterfaces/0/id"),
    replace_on: &[],
    skip: children::keep_all,
};

const AUTOMATIC: &str = "privateLinkServiceConnections";
const MANUAL: &str = "manualPrivateLinkServiceConnections";
/// A private link service alias ends so; anything else is a resource id.
const ALIAS_SUFFIX: &str = ".azure.privatelinkservice";

fn first<'v>(value: &'v Value, block: &str) -> Option<&'v Value> {
    value.get(block).and_then(Value::as_seq).and_then(<[Value]>::first)
}

fn str_of<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    value.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// A value of the type `value[key]` has, from JSON.
fn typed(value: &Value, key: &str, j: &Json) -> Value {
    let v = Value::from_json(j);
    match value.get(key) {
        Some(old) => crate::lang::types::convert(v.clone(), &old.ty()).unwrap_or(v),
        None => v,
    }
}

fn last_segment(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id)
}

impl TypeHooks for Hooks {
    fn to_arm(&self, value: &Value, body: &mut Json) {
        let props = &mut body["properties"];
        if let Some(conn) = first(value, "private_service_connection") {
            let target = str_of(conn, "private_connection_resource_id")
                .or_else(|| str_of(conn, "private_connection_resource_alias"));
            let mut sent = props
                .get_mut(AUTOMATIC)
                .and_then(|a| a.get_mut(0))
                .map(Json::take)
                .unwrap_or_else(|| json!({}));
            if let Some(target) = target {
                sent["properties"]["privateLinkServiceId"] = json!(target);
            }
            let manual = conn.get("is_manual_connection").and_then(Value::as_bool) == Some(true);
            let (used, unused) = if manual {
                (MANUAL, AUTOMATIC)
            } else {
                (AUTOMATIC, MANUAL)
            };
            props[used] = json!([sent]);
            props[unused] = json!([]);
        }
        if let Some(configs) = props.get_mut("ipConfigurations").and_then(Json::as_array_mut) {
            for c in configs {
                let group = c.pointer("/properties/groupId").cloned();
                if c.pointer("/properties/memberName").is_none() {
                    if let Some(group) = group {
                        c["properties"]["memberName"] = group;
                    }
                }
            }
        }
        if let Some(group) = body.get_mut("$zoneGroups").and_then(|g| g.get_mut(0)) {
            if let Some(g) = group.as_object_mut() {
                g.remove("id");
            }
            let ids: Vec<&str> = first(value, "private_dns_zone_group")
                .and_then(|g| g.get("private_dns_zone_ids"))
                .and_then(Value::as_seq)
                .map(|ids| ids.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let configs: Vec<Json> = ids
                .iter()
                .map(|id| json!({"name": last_segment(id), "properties": {"privateDnsZoneId": id}}))
                .collect();
            group["properties"] = json!({ "privateDnsZoneConfigs": configs });
        }
    }

    /// A manual connection is read where the automatic one would be.
    fn normalize_arm<'a>(&self, doc: &'a Json, _prior: Option<&Value>) -> Cow<'a, Json> {
        let automatic = doc.pointer("/properties/privateLinkServiceConnections/0");
        let manual = doc.pointer("/properties/manualPrivateLinkServiceConnections/0");
        match (automatic, manual) {
            (None, Some(m)) => {
                let mut doc = doc.clone();
                doc["properties"][AUTOMATIC] = json!([m.clone()]);
                Cow::Owned(doc)
            }
            _ => Cow::Borrowed(doc),
        }
    }

    fn read_arm(&self, doc: &Json, value: &mut Value, _subscription: &str) {
        let p = |path: &str| doc.pointer(path);
        let manual = p("/properties/manualPrivateLinkServiceConnections/0").is_some();
        let target = p("/properties/privateLinkServiceConnections/0/properties/privateLinkServiceId")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        let ip = p("/$nic/properties/ipConfigurations/0/properties/privateIPAddress")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        let nic_id = p("/properties/networkInterfaces/0/id").and_then(Json::as_str);
        let nics = match nic_id {
            Some(id) => json!([{"id": id, "name": last_segment(id)}]),
            None => json!([]),
        };
        let dns: Vec<Json> = p("/properties/customDnsConfigs")
            .and_then(Json::as_array)
            .map(|c| {
                c.iter()
                    .map(|c| json!({"fqdn": c.get("fqdn"), "ip_addresses": c.get("ipAddresses").cloned().unwrap_or(json!([]))}))
                    .collect()
            })
            .unwrap_or_default();
        let (zone_ids, zone_configs) = zone_group(doc);
        let nics = typed(value, "network_interface", &nics);
        let dns = typed(value, "custom_dns_configs", &Json::Array(dns));
        let configs = typed(value, "private_dns_zone_configs", &Json::Array(zone_configs));
        let Some(m) = value.as_map_mut() else { return };
        m.insert("network_interface".into(), nics);
        m.insert("custom_dns_configs".into(), dns);
        m.insert("private_dns_zone_configs".into(), configs);
        if let Some(conn) = m
            .get_mut("private_service_connection")
            .and_then(Value::as_seq_mut)
            .and_then(|s| s.first_mut())
            .and_then(Value::as_map_mut)
        {
            conn.insert("is_manual_connection".into(), Value::Bool(manual));
            conn.insert("private_ip_address".into(), Value::string(ip));
            let alias = target.ends_with(ALIAS_SUFFIX);
            let (set, clear) = if alias {
                ("private_connection_resource_alias", "private_connection_resource_id")
            } else {
                ("private_connection_resource_id", "private_connection_resource_alias")
            };
            conn.insert(set.into(), Value::string(target));
            conn.insert(clear.into(), Value::Null(crate::lang::types::Type::String));
        }
        if let Some(group) = m
            .get_mut("private_dns_zone_group")
            .and_then(Value::as_seq_mut)
            .and_then(|s| s.first_mut())
            .and_then(Value::as_map_mut)
        {
            let ids = zone_ids.into_iter().map(Value::string).collect();
            group.insert(
                "private_dns_zone_ids".into(),
                Value::List(crate::lang::types::Type::String, ids),
            );
        }
    }

    fn children(&self) -> &'static [Child] {
        &[ZONE_GROUPS, NIC]
    }

    /// azurerm's checks of the connection: a resource id or an alias, and a
    /// request message for a manual connection only.
    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let Some(conn) = first(config, "private_service_connection") else {
            return diags;
        };
        let name = str_of(conn, "name").unwrap_or("");
        let known = |k: &str| conn.get(k).is_none_or(Value::is_known);
        if known("private_connection_resource_id")
            && known("private_connection_resource_alias")
            && conn.get("private_connection_resource_id").is_none_or(Value::is_null)
            && conn.get("private_connection_resource_alias").is_none_or(Value::is_null)
        {
            diags.push(
                Diagnostic::error("Missing argument in azurerm_private_endpoint").with_detail(
                    "private_service_connection: exactly one of private_connection_resource_id and private_connection_resource_alias must be set",
                ),
            );
        }
        let manual = conn.get("is_manual_connection").and_then(Value::as_bool);
        let message = conn.get("request_message");
        let message_text = message.and_then(Value::as_str).map(str::trim);
        match manual {
            Some(false) if message_text.is_some_and(|m| !m.is_empty()) => diags.push(
                Diagnostic::error("Invalid private_service_connection").with_detail(format!(
                    "\"private_service_connection\":{name:?} is invalid, the \"request_message\" attribute cannot be set if the \"is_manual_connection\" attribute is \"false\""
                )),
            ),
            Some(true) if message.is_none_or(|m| m.is_known()) && message_text.is_none_or(str::is_empty) => diags.push(
                Diagnostic::error("Invalid private_service_connection").with_detail(format!(
                    "\"private_service_connection\":{name:?} is invalid, the \"request_message\" attribute must not be empty"
                )),
            ),
            _ => {}
        }
        diags
    }
}

/// The zone ids of the endpoint's zone group, and its zone configurations
/// as azurerm flattens them, from the group read under `$zoneGroups`.
fn zone_group(doc: &Json) -> (Vec<String>, Vec<Json>) {
    let Some(group) = doc.pointer("/$zoneGroups/0") else {
        return (Vec::new(), Vec::new());
    };
    let group_id = group.get("id").and_then(Json::as_str).unwrap_or("");
    let mut ids = Vec::new();
    let mut configs = Vec::new();
    for c in group
        .pointer("/properties/privateDnsZoneConfigs")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(name), Some(zone)) = (
            c.get("name").and_then(Json::as_str),
            c.pointer("/properties/privateDnsZoneId").and_then(Json::as_str),
        ) else {
            continue;
        };
        ids.push(zone.to_string());
        let records: Vec<Json> = c
            .pointer("/properties/recordSets")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .map(|r| {
                json!({
                    "fqdn": r.get("fqdn").cloned().unwrap_or(json!("")),
                    "ip_addresses": r.get("ipAddresses").cloned().unwrap_or(json!([])),
                    "name": r.get("recordSetName").cloned().unwrap_or(json!("")),
                    "ttl": r.get("ttl").cloned().unwrap_or(json!(0)),
                    "type": r.get("recordType").cloned().unwrap_or(json!("")),
                })
            })
            .collect();
        configs.push(json!({
            "id": format!("{group_id}/privateDnsZoneConfigs/{name}"),
            "name": name,
            "private_dns_zone_id": zone,
            "record_sets": records,
        }));
    }
    (ids, configs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::Mode;
    use crate::provider::azurerm::mapper;
    use crate::provider::catalog::testing::schema as lookup;

    fn endpoint(connection: Json) -> Value {
        Value::from_json(
            &json!({"name": "pe", "resource_group_name": "rg", "location": "westeurope", "subnet_id": "/s",
            "private_service_connection": [connection],
            "ip_configuration": [{"name": "ip", "private_ip_address": "10.0.0.9", "subresource_name": "registry"}],
            "private_dns_zone_group": [{"name": "zg", "private_dns_zone_ids": ["/z/privatelink.azurecr.io"]}]}),
        )
    }

    fn body(v: &Value) -> Json {
        let schema = lookup(Mode::Managed, "azurerm_private_endpoint");
        let mut body = mapper::to_arm(&schema.block, v);
        Hooks.to_arm(v, &mut body);
        body
    }

    #[test]
    fn a_connection_is_automatic_or_manual_and_its_target_an_id_or_an_alias() {
        let auto = body(&endpoint(
            json!({"name": "c", "is_manual_connection": false, "private_connection_resource_id": "/r", "subresource_names": ["registry"]}),
        ));
        let p = &auto["properties"];
        assert_eq!(p[AUTOMATIC][0]["properties"]["privateLinkServiceId"], "/r");
        assert_eq!(p[MANUAL], json!([]));
        assert_eq!(p["ipConfigurations"][0]["properties"]["memberName"], "registry");
        assert_eq!(
            auto["$zoneGroups"],
            json!([{"name": "zg", "properties": {"privateDnsZoneConfigs": [
                {"name": "privatelink.azurecr.io", "properties": {"privateDnsZoneId": "/z/privatelink.azurecr.io"}}]}}])
        );
        let alias = "pls.00000000-0000-0000-0000-000000000000.westeurope.azure.privatelinkservice";
        let manual = body(&endpoint(
            json!({"name": "c", "is_manual_connection": true, "private_connection_resource_alias": alias, "request_message": "hi"}),
        ));
        let p = &manual["properties"];
        assert_eq!(p[AUTOMATIC], json!([]));
        assert_eq!(p[MANUAL][0]["properties"]["privateLinkServiceId"], alias);
        assert_eq!(p[MANUAL][0]["properties"]["requestMessage"], "hi");

        // Read back: manual, by alias, with the interface's address.
        let schema = lookup(Mode::Managed, "azurerm_private_endpoint");
        let answer = json!({"properties": {AUTOMATIC: [], MANUAL: [{"name": "c", "properties": {"privateLinkServiceId": alias}}],
            "networkInterfaces": [{"id": "/nics/pe.nic.1"}],
            "customDnsConfigs": [{"fqdn": "a.example", "ipAddresses": ["10.0.0.9"]}]},
            "$nic": {"properties": {"ipConfigurations": [{"properties": {"privateIPAddress": "10.0.0.9"}}]}},
            "$zoneGroups": [{"id": "/pe/privateDnsZoneGroups/zg", "name": "zg", "properties": {"privateDnsZoneConfigs": [
                {"name": "privatelink.azurecr.io", "properties": {"privateDnsZoneId": "/z/privatelink.azurecr.io",
                    "recordSets": [{"recordType": "A", "recordSetName": "r", "fqdn": "r.privatelink.azurecr.io", "ttl": 10, "ipAddresses": ["10.0.0.9"]}]}}]}}]});
        let doc = Hooks.normalize_arm(&answer, None);
        let mut value = mapper::from_arm(&schema.block, &doc, None);
        Hooks.read_arm(&doc, &mut value, "s");
        let conn = &value.get("private_service_connection").unwrap().as_seq().unwrap()[0];
        assert_eq!(conn.get("is_manual_connection").and_then(Value::as_bool), Some(true));
        assert_eq!(
            conn.get("private_connection_resource_alias").and_then(Value::as_str),
            Some(alias)
        );
        assert!(conn.get("private_connection_resource_id").unwrap().is_null());
        assert_eq!(conn.get("private_ip_address").and_then(Value::as_str), Some("10.0.0.9"));
        let nic = &value.get("network_interface").unwrap().as_seq().unwrap()[0];
        assert_eq!(nic.get("name").and_then(Value::as_str), Some("pe.nic.1"));
        let config = &value.get("private_dns_zone_configs").unwrap().as_seq().unwrap()[0];
        assert_eq!(
            config.get("id").and_then(Value::as_str),
            Some("/pe/privateDnsZoneGroups/zg/privateDnsZoneConfigs/privatelink.azurecr.io")
        );
        let group = &value.get("private_dns_zone_group").unwrap().as_seq().unwrap()[0];
        assert_eq!(
            group.get("private_dns_zone_ids").unwrap().as_seq().unwrap()[0].as_str(),
            Some("/z/privatelink.azurecr.io")
        );
    }

    #[test]
    fn a_connection_needs_a_target_and_a_message_only_when_manual() {
        let v = |c: Json| Hooks.validate(&Value::from_json(&json!({"private_service_connection": [c]})));
        assert_eq!(v(json!({"name": "c", "is_manual_connection": false})).error_count(), 1);
        assert_eq!(
            v(json!({"name": "c", "is_manual_connection": false, "private_connection_resource_id": "/r", "request_message": "hi"}))
                .error_count(),
            1
        );
        assert_eq!(
            v(json!({"name": "c", "is_manual_connection": true, "private_connection_resource_id": "/r"})).error_count(),
            1
        );
        assert!(!v(json!({"name": "c", "is_manual_connection": true, "private_connection_resource_id": "/r", "request_message": "hi"}))
            .has_errors());
    }
}
