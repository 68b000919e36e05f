//! `azurerm_kubernetes_cluster`: the default pool among all pools Azure
//! lists, its rotation (see [`rotation`]), the critical-addons taint, API
//! server VNet integration, the node resource group's id, and the
//! kubeconfig from a credentials call.

use super::extras::{Child, Read};
use super::{aks_cluster_arm, aks_maintenance, force_new_if, rotation, TypeHooks};
use crate::lang::value::Map;
use crate::lang::Value;
use crate::schema::{BlockSchema, Schema};
use serde_json::{json, Value as Json};
use std::borrow::Cow;

pub struct Hooks;

fn first<'v>(value: &'v Value, block: &str) -> Option<&'v Value> {
    value.get(block).and_then(Value::as_seq).and_then(<[Value]>::first)
}

/// The default pool's schema, and its value before and after.
fn pools<'v>(
    schema: &'v Schema,
    prior: &'v Value,
    planned: &'v Value,
) -> Option<(&'v BlockSchema, &'v Value, &'v Value)> {
    let block = &schema.block.block_types.get("default_node_pool")?.block;
    Some((
        block,
        first(prior, "default_node_pool")?,
        first(planned, "default_node_pool")?,
    ))
}

impl TypeHooks for Hooks {
    /// A default node pool change AKS cannot make in place is refused
    /// without `temporary_name_for_rotation`, as azurerm refuses it, and
    /// said to rotate the pool with it, rather than planned as a
    /// replacement of the whole cluster.
    fn check_plan(&self, schema: &Schema, prior: &Value, planned: &Value) -> crate::diag::Diagnostics {
        match pools(schema, prior, planned) {
            Some((block, before, after)) => rotation::check(&rotation::DEFAULT_POOL, block, before, after),
            None => Default::default(),
        }
    }

    fn rotation(&self, schema: &Schema, prior: &Value, planned: &Value) -> Option<rotation::Rotation> {
        let (block, before, after) = pools(schema, prior, planned)?;
        rotation::needed(&rotation::DEFAULT_POOL, block, before, after)
    }

    /// `private_cluster_enabled` forces a replacement, except on a cluster
    /// with API server VNet integration (rule VNET010); the rest is
    /// azurerm's case by case (see [`force_new_if`]).
    fn replacements(&self, prior: Option<&Value>, planned: &Value, replace: &mut Vec<String>) {
        let profile = first(planned, "api_server_access_profile");
        let integrated = profile
            .and_then(|p| p.get("virtual_network_integration_enabled"))
            .and_then(Value::as_bool)
            == Some(true);
        if integrated {
            replace.retain(|p| p != "private_cluster_enabled");
        }
        if let Some(prior) = prior {
            force_new_if::cluster(prior, planned, replace);
        }
    }

    fn to_arm(&self, value: &Value, body: &mut Json) {
        aks_cluster_arm::to_arm(value, body);
        let critical = first(value, "default_node_pool")
            .and_then(|p| p.get("only_critical_addons_enabled"))
            .and_then(Value::as_bool);
        if critical == Some(true) {
            body["properties"]["agentPoolProfiles"][0]["nodeTaints"] = json!(["CriticalAddonsOnly=true:NoSchedule"]);
        }
    }

    /// Azure lists every agent pool in `agentPoolProfiles`, separately
    /// managed ones included, in no promised order: the default pool (the
    /// one `prior` names; else its temporary pool, which a rotation that
    /// failed part way leaves the cluster on; else the first System pool)
    /// is moved first.
    fn normalize_arm<'a>(&self, doc: &'a Json, prior: Option<&Value>) -> Cow<'a, Json> {
        let Some(pools) = doc.pointer("/properties/agentPoolProfiles").and_then(Json::as_array) else {
            return Cow::Borrowed(doc);
        };
        let pool = prior.and_then(|p| first(p, "default_node_pool"));
        let named = |k: &str| pool.and_then(|p| p.get(k)).and_then(Value::as_str);
        let field = |p: &Json, k: &str| p.get(k).and_then(Json::as_str).map(str::to_string);
        let system = |p: &Json| field(p, "mode").as_deref() == Some("System");
        let position = |n: &str| pools.iter().position(|p| field(p, "name").as_deref() == Some(n));
        let default = named("name")
            .and_then(position)
            .or_else(|| {
                named("temporary_name_for_rotation")
                    .and_then(position)
                    .filter(|&i| system(&pools[i]))
            })
            .or_else(|| pools.iter().position(system));
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
            // The node resource group is in the cluster's subscription,
            // whichever provider configuration reads it.
            let own = doc
                .get("id")
                .and_then(Json::as_str)
                .and_then(|id| id.split('/').nth(2))
                .filter(|s| !s.is_empty())
                .unwrap_or(subscription);
            m.insert(
                "node_resource_group_id".into(),
                Value::String(format!("/subscriptions/{own}/resourceGroups/{rg}")),
            );
        }
        aks_cluster_arm::read(doc, value);
    }

    /// The user's kubeconfig; the admin's where azurerm reads it (AAD
    /// integration with local accounts left on); the maintenance windows.
    fn extra_reads(&self, doc: &Json) -> Vec<Read> {
        let mut out = vec![Read::post(USER_CREDENTIALS)];
        let aad = doc.pointer("/properties/aadProfile").is_some_and(Json::is_object);
        let local_off = doc.pointer("/properties/disableLocalAccounts").and_then(Json::as_bool) == Some(true);
        if aad && !local_off {
            out.push(Read::post(ADMIN_CREDENTIALS));
        }
        out.extend(aks_maintenance::reads());
        out
    }

    fn read_extra(&self, answers: &[(Read, Option<Json>)], value: &mut Value) {
        aks_maintenance::read(answers, value);
        let Some(m) = value.as_map_mut() else { return };
        for (action, raw_key, key) in [
            (USER_CREDENTIALS, "kube_config_raw", "kube_config"),
            (ADMIN_CREDENTIALS, "kube_admin_config_raw", "kube_admin_config"),
        ] {
            let answer = answers
                .iter()
                .find(|(r, _)| r.path == action)
                .and_then(|(_, a)| a.as_ref());
            match answer.and_then(kube_config) {
                Some((raw, parsed)) => {
                    m.insert(raw_key.into(), Value::String(raw));
                    m.insert(key.into(), parsed);
                }
                // No admin credentials: an empty list, as azurerm sets.
                None if action == ADMIN_CREDENTIALS && m.contains_key(key) => {
                    let ty = m.get(key).map(Value::ty).unwrap_or(crate::lang::types::Type::Dynamic);
                    m.insert(raw_key.into(), Value::Null(crate::lang::types::Type::String));
                    m.insert(
                        key.into(),
                        match ty {
                            crate::lang::types::Type::List(t) => Value::List(t.as_ref().clone(), Vec::new()),
                            _ => Value::list(Vec::new()),
                        },
                    );
                }
                None => {}
            }
        }
    }

    fn written_children(&self, value: &Value) -> Vec<Child> {
        aks_maintenance::children(value)
    }
}

const USER_CREDENTIALS: &str = "listClusterUserCredential";
const ADMIN_CREDENTIALS: &str = "listClusterAdminCredential";

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
