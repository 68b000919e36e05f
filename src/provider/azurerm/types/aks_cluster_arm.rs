//! What `azurerm_kubernetes_cluster`'s overlay cannot say about its ARM
//! body, as azurerm 4.65 expands and flattens it
//! (kubernetes_cluster_resource.go, kubernetes_addons.go): values ARM
//! keeps as strings, inverted flags, references as `{id}` objects, Istio's
//! ingress gateways as a list, the computed identities of the add-ons,
//! and the same attributes as a data source's lists.
//!
//! Pure: values in, JSON out, and back.

use super::aks_pool::{self, first, first_mut};
use crate::lang::types::Type;
use crate::lang::value::Map;
use crate::lang::Value;
use serde_json::{json, Value as Json};

/// Add-ons whose profile carries an identity: the block, its profile key,
/// and the attribute azurerm reads the identity into.
const ADDON_IDENTITIES: [(&str, &str, &str); 4] = [
    ("oms_agent", "omsagent", "oms_agent_identity"),
    (
        "key_vault_secrets_provider",
        "azureKeyvaultSecretsProvider",
        "secret_identity",
    ),
    (
        "ingress_application_gateway",
        "ingressApplicationGateway",
        "ingress_application_gateway_identity",
    ),
    ("aci_connector_linux", "aciConnectorLinux", "connector_identity"),
];

/// autoScalerProfile fields ARM types as strings though azurerm's are
/// booleans or numbers.
const AUTOSCALER_STRINGS: [&str; 5] = [
    "balance-similar-node-groups",
    "skip-nodes-with-local-storage",
    "skip-nodes-with-system-pods",
    "ok-total-unready-count",
    "max-total-unready-percentage",
];

fn known<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    value.get(key).filter(|v| !v.is_null() && v.is_wholly_known())
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_seq)
        .map(|s| s.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// A JSON scalar as ARM's string form ("true", "3").
fn stringify(j: &mut Json) {
    match j {
        Json::Bool(b) => *j = json!(b.to_string()),
        Json::Number(n) => *j = json!(n.to_string()),
        _ => {}
    }
}

pub fn to_arm(value: &Value, body: &mut Json) {
    // Sent inverted, always (azurerm's default is true).
    let run_command = known(value, "run_command_enabled")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    body["properties"]["apiServerAccessProfile"]["disableRunCommand"] = json!(!run_command);
    if known(value, "edge_zone").is_some() {
        body["extendedLocation"]["type"] = json!("EdgeZone");
    }
    // Left out, azurerm asks for no automatic upgrades.
    if known(value, "automatic_upgrade_channel").is_none() {
        body["properties"]["autoUpgradeProfile"]["upgradeChannel"] = json!("none");
    }
    // Left out, azurerm turns managed Prometheus off.
    if value
        .get("monitor_metrics")
        .and_then(Value::as_seq)
        .is_some_and(<[Value]>::is_empty)
    {
        body["properties"]["azureMonitorProfile"]["metrics"] = json!({"enabled": false});
    }
    // Add-on settings are strings in ARM ("true").
    if let Some(addons) = body
        .pointer_mut("/properties/addonProfiles")
        .and_then(Json::as_object_mut)
    {
        for addon in addons.values_mut() {
            if let Some(config) = addon.get_mut("config").and_then(Json::as_object_mut) {
                config.values_mut().for_each(stringify);
            }
        }
    }
    if let Some(profile) = body
        .pointer_mut("/properties/autoScalerProfile")
        .and_then(Json::as_object_mut)
    {
        for key in AUTOSCALER_STRINGS {
            if let Some(v) = profile.get_mut(key) {
                stringify(v);
            }
        }
    }
    if let Some(lb) = first(value, "network_profile").and_then(|n| first(n, "load_balancer_profile")) {
        let refs = |key: &str| -> Vec<Json> {
            strings(known(lb, key))
                .into_iter()
                .map(|id| json!({"id": id}))
                .collect()
        };
        let lb_body = &mut body["properties"]["networkProfile"]["loadBalancerProfile"];
        let ips = refs("outbound_ip_address_ids");
        if !ips.is_empty() {
            lb_body["outboundIPs"] = json!({"publicIPs": ips});
        }
        let prefixes = refs("outbound_ip_prefix_ids");
        if !prefixes.is_empty() {
            lb_body["outboundIPPrefixes"] = json!({"publicIPPrefixes": prefixes});
        }
    }
    if let Some(mesh) = first(value, "service_mesh_profile") {
        let gateways: Vec<Json> = [
            ("internal_ingress_gateway_enabled", "Internal"),
            ("external_ingress_gateway_enabled", "External"),
        ]
        .iter()
        .filter_map(|(key, mode)| {
            let on = known(mesh, key)?.as_bool()?;
            Some(json!({"enabled": on, "mode": mode}))
        })
        .collect();
        body["properties"]["serviceMeshProfile"]["istio"]["components"]["ingressGateways"] = Json::Array(gateways);
    }
    if let Some(pool) = first(value, "default_node_pool") {
        if let Some(profile) = body.pointer_mut("/properties/agentPoolProfiles/0") {
            aks_pool::to_arm(pool, profile);
        }
    }
}

/// An add-on identity as azurerm flattens it: a list of one object.
fn identity_list(j: Option<&Json>) -> Value {
    let field = |k: &str| Value::string(j.and_then(|j| j.get(k)).and_then(Json::as_str).unwrap_or(""));
    match j.filter(|j| j.is_object()) {
        Some(_) => Value::list(vec![Value::Object(Map::from([
            ("client_id".to_string(), field("clientId")),
            ("object_id".to_string(), field("objectId")),
            ("user_assigned_identity_id".to_string(), field("resourceId")),
        ]))]),
        None => Value::List(identity_type(), Vec::new()),
    }
}

fn identity_type() -> Type {
    Type::object([
        ("client_id".to_string(), Type::String),
        ("object_id".to_string(), Type::String),
        ("user_assigned_identity_id".to_string(), Type::String),
    ])
}

/// The add-on profile of `key`, matched without case as azurerm does.
fn addon<'j>(doc: &'j Json, key: &str) -> Option<&'j Json> {
    doc.pointer("/properties/addonProfiles")
        .and_then(Json::as_object)?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
        .filter(|v| v.get("enabled").and_then(Json::as_bool) == Some(true))
}

fn ids(list: Option<&Json>) -> Value {
    let ids: Vec<Value> = list
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|r| r.get("id")?.as_str().map(Value::string))
                .collect()
        })
        .unwrap_or_default();
    if ids.is_empty() {
        Value::Null(Type::set(Type::String))
    } else {
        Value::set(ids)
    }
}

/// Reads what [`to_arm`] wrote, and what Azure computes that the overlay
/// cannot place.
pub fn read(doc: &Json, value: &mut Value) {
    let Some(m) = value.as_map_mut() else { return };
    if m.contains_key("run_command_enabled") {
        let disabled = doc
            .pointer("/properties/apiServerAccessProfile/disableRunCommand")
            .and_then(Json::as_bool);
        m.insert("run_command_enabled".into(), Value::Bool(!disabled.unwrap_or(false)));
    }
    // Left out by Azure: off, as azurerm reads it.
    if m.get("ai_toolchain_operator_enabled").is_some_and(Value::is_null) {
        m.insert("ai_toolchain_operator_enabled".into(), Value::Bool(false));
    }
    if m.get("automatic_upgrade_channel").and_then(Value::as_str) == Some("none") {
        m.insert("automatic_upgrade_channel".into(), Value::Null(Type::String));
    }
    for (block, key, attr) in ADDON_IDENTITIES {
        let Some(profile) = addon(doc, key) else { continue };
        if let Some(item) = first_mut(value, block) {
            item.insert(attr.into(), identity_list(profile.get("identity")));
            if block == "ingress_application_gateway" {
                let effective = profile
                    .pointer("/config/effectiveApplicationGatewayId")
                    .and_then(Json::as_str);
                item.insert("effective_gateway_id".into(), Value::string(effective.unwrap_or("")));
            }
        }
    }
    if let Some(item) = first_mut(value, "web_app_routing") {
        let identity = doc.pointer("/properties/ingressProfile/webAppRouting/identity");
        item.insert("web_app_routing_identity".into(), identity_list(identity));
    }
    let net = doc.pointer("/properties/networkProfile");
    if let Some(profile) = first_mut(value, "network_profile") {
        let lb = net.and_then(|n| n.get("loadBalancerProfile"));
        if let Some(item) = profile
            .get_mut("load_balancer_profile")
            .and_then(Value::as_seq_mut)
            .and_then(|s| s.first_mut())
            .and_then(Value::as_map_mut)
        {
            item.insert(
                "outbound_ip_address_ids".into(),
                ids(lb.and_then(|l| l.pointer("/outboundIPs/publicIPs"))),
            );
            item.insert(
                "outbound_ip_prefix_ids".into(),
                ids(lb.and_then(|l| l.pointer("/outboundIPPrefixes/publicIPPrefixes"))),
            );
            item.insert(
                "effective_outbound_ips".into(),
                ids(lb.and_then(|l| l.get("effectiveOutboundIPs"))),
            );
        }
        let nat = net.and_then(|n| n.get("natGatewayProfile"));
        if let Some(item) = profile
            .get_mut("nat_gateway_profile")
            .and_then(Value::as_seq_mut)
            .and_then(|s| s.first_mut())
            .and_then(Value::as_map_mut)
        {
            item.insert(
                "effective_outbound_ips".into(),
                ids(nat.and_then(|l| l.get("effectiveOutboundIPs"))),
            );
        }
    }
    if let Some(mesh) = first_mut(value, "service_mesh_profile") {
        let gateways = doc
            .pointer("/properties/serviceMeshProfile/istio/components/ingressGateways")
            .and_then(Json::as_array);
        for (key, mode) in [
            ("internal_ingress_gateway_enabled", "Internal"),
            ("external_ingress_gateway_enabled", "External"),
        ] {
            let on = gateways
                .and_then(|g| g.iter().find(|x| x.get("mode").and_then(Json::as_str) == Some(mode)))
                .and_then(|g| g.get("enabled"))
                .and_then(Json::as_bool);
            mesh.insert(key.into(), on.map_or(Value::Null(Type::Bool), Value::Bool));
        }
    }
    if let Some(profile) = doc.pointer("/properties/agentPoolProfiles/0") {
        if let Some(pool) = value
            .as_map_mut()
            .and_then(|m| m.get_mut("default_node_pool"))
            .and_then(Value::as_seq_mut)
            .and_then(|s| s.first_mut())
        {
            aks_pool::read(profile, pool);
        }
    }
    read_data_lists(doc, value);
}

/// A data source has as attributes (lists of objects) what the resource
/// has as blocks: filled where the value holds them unread (null).
fn read_data_lists(doc: &Json, value: &mut Value) {
    let Some(m) = value.as_map_mut() else { return };
    let unread = |m: &Map, k: &str| m.get(k).is_some_and(Value::is_null);
    if unread(m, "kubelet_identity") {
        let identity = doc.pointer("/properties/identityProfile/kubeletidentity");
        m.insert("kubelet_identity".into(), identity_list(identity));
    }
    if unread(m, "identity") {
        let identity = doc.get("identity").filter(|i| i.is_object());
        let field = |k: &str| Value::string(identity.and_then(|i| i.get(k)).and_then(Json::as_str).unwrap_or(""));
        let ids: Vec<Value> = identity
            .and_then(|i| i.get("userAssignedIdentities"))
            .and_then(Json::as_object)
            .map(|o| o.keys().map(|k| Value::string(k.as_str())).collect())
            .unwrap_or_default();
        let items = match identity {
            Some(_) => vec![Value::Object(Map::from([
                ("type".to_string(), field("type")),
                ("principal_id".to_string(), field("principalId")),
                ("tenant_id".to_string(), field("tenantId")),
                ("identity_ids".to_string(), Value::List(Type::String, ids)),
            ]))],
            None => Vec::new(),
        };
        m.insert("identity".into(), Value::list(items));
    }
    for (block, key, attr) in ADDON_IDENTITIES {
        if !unread(m, block) {
            continue;
        }
        let items = match addon(doc, key) {
            Some(profile) => {
                let config = |k: &str| {
                    Value::string(
                        profile
                            .pointer(&format!("/config/{k}"))
                            .and_then(Json::as_str)
                            .unwrap_or(""),
                    )
                };
                let mut item = Map::from([(attr.to_string(), identity_list(profile.get("identity")))]);
                match block {
                    "oms_agent" => {
                        item.insert(
                            "log_analytics_workspace_id".into(),
                            config("logAnalyticsWorkspaceResourceID"),
                        );
                        let aad = profile.pointer("/config/useAADAuth").and_then(Json::as_str);
                        item.insert(
                            "msi_auth_for_monitoring_enabled".into(),
                            Value::Bool(aad == Some("true")),
                        );
                    }
                    "key_vault_secrets_provider" => {
                        let rotation = profile.pointer("/config/enableSecretRotation").and_then(Json::as_str);
                        item.insert("secret_rotation_enabled".into(), Value::Bool(rotation == Some("true")));
                        item.insert("secret_rotation_interval".into(), config("rotationPollInterval"));
                    }
                    "ingress_application_gateway" => {
                        for (k, c) in [
                            ("gateway_id", "applicationGatewayId"),
                            ("gateway_name", "applicationGatewayName"),
                            ("effective_gateway_id", "effectiveApplicationGatewayId"),
                            ("subnet_cidr", "subnetCIDR"),
                            ("subnet_id", "subnetId"),
                        ] {
                            item.insert(k.into(), config(c));
                        }
                    }
                    _ => {
                        item.insert("subnet_name".into(), config("SubnetName"));
                    }
                }
                vec![Value::Object(item)]
            }
            None => Vec::new(),
        };
        m.insert(block.into(), Value::list(items));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::eval::eval_standalone;

    #[test]
    fn flags_and_references_are_sent_as_arm_types_them() {
        let v = eval_standalone(
            r#"{
              run_command_enabled = false, automatic_upgrade_channel = null, monitor_metrics = [],
              network_profile = [{ load_balancer_profile = [{ outbound_ip_address_ids = ["/ip/a"], outbound_ip_prefix_ids = null }] }],
              service_mesh_profile = [{ internal_ingress_gateway_enabled = true, external_ingress_gateway_enabled = null }],
            }"#,
        )
        .unwrap();
        let mut body = json!({"properties": {
            "addonProfiles": {"omsagent": {"enabled": true, "config": {"useAADAuth": true}}},
            "autoScalerProfile": {"ok-total-unready-count": 3, "skip-nodes-with-system-pods": true, "daemonset-eviction-for-empty-nodes": false},
        }});
        to_arm(&v, &mut body);
        let p = &body["properties"];
        assert_eq!(p["apiServerAccessProfile"]["disableRunCommand"], true);
        assert_eq!(p["autoUpgradeProfile"]["upgradeChannel"], "none");
        assert_eq!(p["azureMonitorProfile"]["metrics"]["enabled"], false);
        assert_eq!(p["addonProfiles"]["omsagent"]["config"]["useAADAuth"], "true");
        assert_eq!(p["autoScalerProfile"]["ok-total-unready-count"], "3");
        assert_eq!(p["autoScalerProfile"]["skip-nodes-with-system-pods"], "true");
        // A real boolean in ARM stays one.
        assert_eq!(p["autoScalerProfile"]["daemonset-eviction-for-empty-nodes"], false);
        assert_eq!(
            p["networkProfile"]["loadBalancerProfile"]["outboundIPs"],
            json!({"publicIPs": [{"id": "/ip/a"}]})
        );
        assert_eq!(
            p["serviceMeshProfile"]["istio"]["components"]["ingressGateways"],
            json!([{"enabled": true, "mode": "Internal"}])
        );
    }

    #[test]
    fn addon_identities_are_read_into_their_blocks_and_a_data_sources_lists() {
        let doc = json!({"properties": {
            "addonProfiles": {"omsagent": {"enabled": true, "config": {"logAnalyticsWorkspaceResourceID": "/w", "useAADAuth": "true"},
                "identity": {"clientId": "c", "objectId": "o", "resourceId": "/r"}}},
            "identityProfile": {"kubeletidentity": {"clientId": "kc", "objectId": "ko", "resourceId": "/k"}},
            "apiServerAccessProfile": {"disableRunCommand": true},
            "autoUpgradeProfile": {"upgradeChannel": "none"},
        }});
        let mut resource = eval_standalone(
            r#"{ run_command_enabled = null, automatic_upgrade_channel = "none", oms_agent = [{ log_analytics_workspace_id = "/w" }] }"#,
        )
        .unwrap();
        read(&doc, &mut resource);
        assert_eq!(resource.get("run_command_enabled"), Some(&Value::Bool(false)));
        assert!(resource.get("automatic_upgrade_channel").unwrap().is_null());
        let oms = first(&resource, "oms_agent").unwrap();
        let id = first(oms, "oms_agent_identity").unwrap();
        assert_eq!(id.get("object_id"), Some(&Value::string("o")));

        let mut data = eval_standalone(r#"{ kubelet_identity = null, oms_agent = null }"#).unwrap();
        read(&doc, &mut data);
        let kubelet = first(&data, "kubelet_identity").unwrap();
        assert_eq!(kubelet.get("object_id"), Some(&Value::string("ko")));
        let oms = first(&data, "oms_agent").unwrap();
        assert_eq!(oms.get("msi_auth_for_monitoring_enabled"), Some(&Value::Bool(true)));
    }
}
