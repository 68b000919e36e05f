//! `azurerm_kubernetes_cluster`: the default pool among all pools Azure
//! lists, the critical-addons taint, API server VNet integration, the node
//! resource group's id, and the kubeconfig from a credentials call.

use super::TypeHooks;
use crate::lang::value::Map;
use crate::lang::Value;
use serde_json::{json, Value as Json};
use std::borrow::Cow;

pub struct Hooks;

fn first<'v>(value: &'v Value, block: &str) -> Option<&'v Value> {
    value.get(block).and_then(Value::as_seq).and_then(<[Value]>::first)
}

/// Default node pool settings AKS cannot change in place: azurerm 4.x
/// changes them by rotating the pool through `temporary_name_for_rotation`
/// (a temporary system pool, the default pool deleted and created again).
const ROTATED: [&str; 15] = [
    "vm_size",
    "zones",
    "max_pods",
    "os_disk_size_gb",
    "os_disk_type",
    "os_sku",
    "vnet_subnet_id",
    "pod_subnet_id",
    "node_public_ip_enabled",
    "host_encryption_enabled",
    "fips_enabled",
    "ultra_ssd_enabled",
    "snapshot_id",
    "kubelet_config",
    "linux_os_config",
];

impl TypeHooks for Hooks {
    /// A default node pool change that needs a rotation is refused at plan,
    /// rather than planned as a replacement of the whole cluster: without
    /// `temporary_name_for_rotation` as azurerm refuses it, and with it
    /// because aksplan does not rotate node pools yet.
    fn check_plan(&self, prior: &Value, planned: &Value) -> crate::diag::Diagnostics {
        let (Some(before), Some(after)) = (first(prior, "default_node_pool"), first(planned, "default_node_pool"))
        else {
            return Default::default();
        };
        let changed: Vec<&str> = ROTATED
            .iter()
            .copied()
            .filter(|k| match (before.get(k), after.get(k)) {
                (Some(b), Some(a)) => a.is_wholly_known() && !b.same_as(a),
                _ => false,
            })
            .collect();
        if changed.is_empty() {
            return Default::default();
        }
        let list = changed
            .iter()
            .map(|k| format!("default_node_pool.{k}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rotation = after
            .get("temporary_name_for_rotation")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty());
        let d = match rotation {
            None => crate::diag::Diagnostic::error("temporary_name_for_rotation must be specified")
                .with_detail(format!(
                    "AKS cannot change {list} of an existing default node pool in place: azurerm rotates the pool \
                     through a temporary one, named by default_node_pool.temporary_name_for_rotation"
                ))
                .with_help("set temporary_name_for_rotation = \"tmp\" (any unused pool name) in default_node_pool"),
            Some(_) => crate::diag::Diagnostic::error("aksplan does not rotate node pools yet")
                .with_detail(format!(
                    "changing {list} needs the default node pool rotated through a temporary pool, which aksplan \
                     does not do yet; it refuses rather than replace the cluster"
                ))
                .with_help(
                    "apply this change with terraform, or add a node pool with the new settings and move the workloads",
                ),
        };
        d.into()
    }

    /// `private_cluster_enabled` forces a replacement, except on a cluster
    /// with API server VNet integration (rule VNET010).
    fn in_place(&self, planned: &Value, replace: &mut Vec<String>) {
        let profile = first(planned, "api_server_access_profile");
        let integrated = profile
            .and_then(|p| p.get("virtual_network_integration_enabled"))
            .and_then(Value::as_bool)
            == Some(true);
        if integrated {
            replace.retain(|p| p != "private_cluster_enabled");
        }
    }

    fn to_arm(&self, value: &Value, body: &mut Json) {
        let critical = first(value, "default_node_pool")
            .and_then(|p| p.get("only_critical_addons_enabled"))
            .and_then(Value::as_bool);
        if critical == Some(true) {
            body["properties"]["agentPoolProfiles"][0]["nodeTaints"] = json!(["CriticalAddonsOnly=true:NoSchedule"]);
        }
    }

    /// Azure lists every agent pool in `agentPoolProfiles`, separately
    /// managed ones included, in no promised order: the default pool (the
    /// one `prior` names, else the first System pool) is moved first.
    fn normalize_arm<'a>(&self, doc: &'a Json, prior: Option<&Value>) -> Cow<'a, Json> {
        let Some(pools) = doc.pointer("/properties/agentPoolProfiles").and_then(Json::as_array) else {
            return Cow::Borrowed(doc);
        };
        let named = prior
            .and_then(|p| first(p, "default_node_pool"))
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str);
        let field = |p: &Json, k: &str| p.get(k).and_then(Json::as_str).map(str::to_string);
        let default = named
            .and_then(|n| pools.iter().position(|p| field(p, "name").as_deref() == Some(n)))
            .or_else(|| pools.iter().position(|p| field(p, "mode").as_deref() == Some("System")));
        match default {
            Some(i) if i > 0 => {
                let mut doc = doc.clone();
                if let Some(list) = doc["properties"]["agentPoolProfiles"].as_array_mut() {
                    let pool = list.remove(i);
                    list.insert(0, pool);
                }
                Cow::Owned(doc)
            }
            _ => Cow::Borrowed(doc),
        }
    }

    fn read_arm(&self, doc: &Json, value: &mut Value, subscription: &str) {
        let taints = doc
            .pointer("/properties/agentPoolProfiles/0/nodeTaints")
            .and_then(Json::as_array);
        let critical = taints.is_some_and(|t| {
            t.iter()
                .any(|x| x.as_str().is_some_and(|s| s.starts_with("CriticalAddonsOnly")))
        });
        let Some(m) = value.as_map_mut() else { return };
        if let Some(pools) = m.get_mut("default_node_pool").and_then(Value::as_seq_mut) {
            if let Some(pool) = pools.first_mut().and_then(Value::as_map_mut) {
                // Left unset and not tainted stays unset; otherwise the taint decides.
                let unset = pool.get("only_critical_addons_enabled").is_none_or(Value::is_null);
                if critical || !unset {
                    pool.insert("only_critical_addons_enabled".into(), Value::Bool(critical));
                }
            }
        }
        if let Some(rg) = doc.pointer("/properties/nodeResourceGroup").and_then(Json::as_str) {
            m.insert(
                "node_resource_group_id".into(),
                Value::String(format!("/subscriptions/{subscription}/resourceGroups/{rg}")),
            );
        }
    }

    fn credentials_action(&self) -> Option<&'static str> {
        Some("listClusterUserCredential")
    }

    /// The kubeconfig, raw and parsed, from a `listClusterUserCredential` answer.
    fn credentials(&self, answer: &Json, value: &mut Value) {
        let Some((raw, parsed)) = kube_config(answer) else {
            return;
        };
        if let Some(m) = value.as_map_mut() {
            m.insert("kube_config_raw".into(), Value::String(raw));
            m.insert("kube_config".into(), parsed);
        }
    }
}

fn kube_config(answer: &Json) -> Option<(String, Value)> {
    use base64::Engine as _;
    let b64 = answer.pointer("/kubeconfigs/0/value")?.as_str()?;
    let raw = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(b64).ok()?).ok()?;
    let y: serde_yaml::Value = serde_yaml::from_str(&raw).ok()?;
    let s = |v: &serde_yaml::Value| Value::string(v.as_str().unwrap_or(""));
    let cluster = &y["clusters"][0]["cluster"];
    let user = &y["users"][0]["user"];
    let parsed = Value::Object(Map::from([
        ("host".into(), s(&cluster["server"])),
        (
            "cluster_ca_certificate".into(),
            s(&cluster["certificate-authority-data"]),
        ),
        ("username".into(), s(&y["users"][0]["name"])),
        ("password".into(), s(&user["token"])),
        ("client_certificate".into(), s(&user["client-certificate-data"])),
        ("client_key".into(), s(&user["client-key-data"])),
    ]));
    Some((raw, Value::list(vec![parsed])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_pool_is_found_among_all_pools_azure_lists() {
        let doc = json!({"properties": {"agentPoolProfiles": [
            {"name": "apps", "mode": "User"},
            {"name": "gpu", "mode": "User"},
            {"name": "system", "mode": "System"},
        ]}});
        let first = |d: &Json| d.pointer("/properties/agentPoolProfiles/0/name").cloned();
        let n = Hooks.normalize_arm(&doc, None);
        assert_eq!(first(&n), Some(json!("system")));
        let prior = Value::from_json(&json!({"default_node_pool": [{"name": "gpu"}]}));
        let n = Hooks.normalize_arm(&doc, Some(&prior));
        assert_eq!(first(&n), Some(json!("gpu")));
        assert_eq!(n["properties"]["agentPoolProfiles"].as_array().map(Vec::len), Some(3));
    }
}
