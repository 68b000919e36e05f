//! The few per-type rules the generic mapping cannot express.

use crate::lang::value::Map;
use crate::lang::Value;
use serde_json::{json, Value as Json};

pub use crate::config::tables::builtin_roles;

/// The full role definition id of a built-in role name.
pub fn role_definition_id(name: &str, subscription: &str) -> Option<String> {
    builtin_roles()
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, guid)| {
            format!("/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{guid}")
        })
}

fn set(v: &mut Value, key: &str, value: Value) {
    if let Some(m) = v.as_map_mut() {
        m.insert(key.to_string(), value);
    }
}

/// A role assignment's name, derived from what it grants: the same grant
/// always gets the same GUID, so a lost state cannot create a duplicate.
pub fn role_assignment_name(scope: &str, role_id: &str, principal: &str) -> String {
    let key = format!(
        "{}|{}|{}",
        scope.to_lowercase(),
        role_id.to_lowercase(),
        principal.to_lowercase()
    );
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, key.as_bytes()).to_string()
}

/// Adjusts a configuration value before planning, where Azure's naming has
/// rules of its own.
pub fn before_plan(type_name: &str, config: &mut Value, prior: Option<&Value>, subscription: &str) {
    if type_name != "azurerm_role_assignment" {
        return;
    }
    if config.get("role_definition_id").is_none_or(Value::is_null) {
        let id = match config.get("role_definition_name") {
            Some(Value::String(n)) => role_definition_id(n, subscription).map(Value::String),
            Some(Value::Unknown(_)) => Some(Value::Unknown(crate::lang::types::Type::String)),
            _ => None,
        };
        if let Some(id) = id {
            set(config, "role_definition_id", id);
        }
    }
    if config.get("name").is_none_or(Value::is_null) {
        let name = match prior.and_then(|p| p.get("name")) {
            Some(n) if !n.is_null() => Some(n.clone()),
            _ => match (
                config.get("scope"),
                config.get("role_definition_id"),
                config.get("principal_id"),
            ) {
                (Some(Value::String(s)), Some(Value::String(r)), Some(Value::String(p))) => {
                    Some(Value::String(role_assignment_name(s, r, p)))
                }
                _ => None,
            },
        };
        if let Some(n) = name {
            set(config, "name", n);
        }
    }
}

/// Changes that force a replacement in general but not in a case Azure
/// allows in place: `private_cluster_enabled` on a cluster with API server
/// VNet integration (rule VNET010).
pub fn in_place_exceptions(type_name: &str, planned: &Value, replace: &mut Vec<String>) {
    if type_name != "azurerm_kubernetes_cluster" {
        return;
    }
    let profile = planned
        .get("api_server_access_profile")
        .and_then(Value::as_seq)
        .and_then(<[Value]>::first);
    let integrated = ["virtual_network_integration_enabled", "vnet_integration_enabled"]
        .iter()
        .any(|a| profile.and_then(|p| p.get(a)).and_then(Value::as_bool) == Some(true));
    if integrated {
        replace.retain(|p| p != "private_cluster_enabled");
    }
}

/// Adds to an ARM body what the generic mapping cannot.
pub fn to_arm(type_name: &str, value: &Value, body: &mut Json) {
    if type_name == "azurerm_machine_learning_inference_cluster" {
        body["properties"]["computeType"] = json!("AKS");
    }
    if type_name == "azurerm_kubernetes_cluster" {
        let pool = value
            .get("default_node_pool")
            .and_then(Value::as_seq)
            .and_then(<[Value]>::first);
        if pool
            .and_then(|p| p.get("only_critical_addons_enabled"))
            .and_then(Value::as_bool)
            == Some(true)
        {
            body["properties"]["agentPoolProfiles"][0]["nodeTaints"] = json!(["CriticalAddonsOnly=true:NoSchedule"]);
        }
        let profile = value
            .get("api_server_access_profile")
            .and_then(Value::as_seq)
            .and_then(<[Value]>::first);
        if let Some(on) = profile
            .and_then(|p| p.get("vnet_integration_enabled"))
            .and_then(Value::as_bool)
        {
            if profile
                .and_then(|p| p.get("virtual_network_integration_enabled"))
                .is_none_or(Value::is_null)
            {
                body["properties"]["apiServerAccessProfile"]["enableVnetIntegration"] = json!(on);
            }
        }
    }
}

/// Puts an ARM document in the shape the generic mapping reads, where Azure
/// answers in more than one shape:
/// - a subnet with one prefix may come back with `addressPrefix` alone;
/// - a cluster lists every agent pool in `agentPoolProfiles`, separately
///   managed ones included, in no promised order: the default pool (the one
///   `prior` names, else the first System pool) is moved first.
pub fn normalize_arm<'a>(type_name: &str, doc: &'a Json, prior: Option<&Value>) -> std::borrow::Cow<'a, Json> {
    use std::borrow::Cow;
    match type_name {
        "azurerm_subnet" if doc.pointer("/properties/addressPrefixes").is_none() => {
            let Some(one) = doc.pointer("/properties/addressPrefix").cloned() else {
                return Cow::Borrowed(doc);
            };
            let mut doc = doc.clone();
            doc["properties"]["addressPrefixes"] = json!([one]);
            Cow::Owned(doc)
        }
        "azurerm_kubernetes_cluster" => {
            let Some(pools) = doc.pointer("/properties/agentPoolProfiles").and_then(Json::as_array) else {
                return Cow::Borrowed(doc);
            };
            let named = prior
                .and_then(|p| p.get("default_node_pool"))
                .and_then(Value::as_seq)
                .and_then(<[Value]>::first)
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
        _ => Cow::Borrowed(doc),
    }
}

/// What an extension's PATCH may carry (`patchExtension` in the
/// KubernetesConfiguration spec): the rest cannot change in place.
const EXTENSION_PATCHABLE: [&str; 6] = [
    "autoUpgradeMode",
    "autoUpgradeMinorVersion",
    "releaseTrain",
    "version",
    "configurationSettings",
    "configurationProtectedSettings",
];

/// An extension's full body cut down to what its PATCH takes.
pub fn extension_patch(body: Json) -> Json {
    let props = body
        .get("properties")
        .and_then(Json::as_object)
        .cloned()
        .unwrap_or_default();
    let kept: serde_json::Map<String, Json> = props
        .into_iter()
        .filter(|(k, _)| EXTENSION_PATCHABLE.contains(&k.as_str()))
        .collect();
    json!({ "properties": kept })
}

/// Reads from an ARM document what the generic mapping cannot.
pub fn from_arm(type_name: &str, doc: &Json, value: &mut Value, subscription: &str) {
    match type_name {
        "azurerm_role_assignment" if value.get("role_definition_name").is_none_or(Value::is_null) => {
            let role_id = doc
                .pointer("/properties/roleDefinitionId")
                .and_then(Json::as_str)
                .unwrap_or("");
            let guid = role_id.rsplit('/').next().unwrap_or("");
            if let Some((name, _)) = builtin_roles().iter().find(|(_, g)| g.eq_ignore_ascii_case(guid)) {
                set(value, "role_definition_name", Value::string(name.as_str()));
            }
        }
        "azurerm_kubernetes_cluster" => {
            let taints = doc
                .pointer("/properties/agentPoolProfiles/0/nodeTaints")
                .and_then(Json::as_array);
            let critical = taints.is_some_and(|t| {
                t.iter()
                    .any(|x| x.as_str().is_some_and(|s| s.starts_with("CriticalAddonsOnly")))
            });
            if let Some(m) = value.as_map_mut() {
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
        }
        _ => {}
    }
}

/// Kubeconfig values from a `listClusterUserCredential` answer.
pub fn kube_config(answer: &Json) -> Option<(String, Value)> {
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
        let n = normalize_arm("azurerm_kubernetes_cluster", &doc, None);
        assert_eq!(first(&n), Some(json!("system")));
        let prior = Value::from_json(&json!({"default_node_pool": [{"name": "gpu"}]}));
        let n = normalize_arm("azurerm_kubernetes_cluster", &doc, Some(&prior));
        assert_eq!(first(&n), Some(json!("gpu")));
        assert_eq!(n["properties"]["agentPoolProfiles"].as_array().map(Vec::len), Some(3));
    }

    #[test]
    fn a_subnet_with_one_prefix_reads_as_a_list() {
        let doc = json!({"properties": {"addressPrefix": "10.0.0.0/24"}});
        let n = normalize_arm("azurerm_subnet", &doc, None);
        assert_eq!(n["properties"]["addressPrefixes"], json!(["10.0.0.0/24"]));
        let both = json!({"properties": {"addressPrefix": "x", "addressPrefixes": ["a", "b"]}});
        assert_eq!(normalize_arm("azurerm_subnet", &both, None).into_owned(), both);
    }

    #[test]
    fn role_names_resolve_and_assignment_names_are_deterministic() {
        assert_eq!(
            role_definition_id("network contributor", "s").unwrap(),
            "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7"
        );
        let a = role_assignment_name("/S/x", "/r", "p");
        assert_eq!(a, role_assignment_name("/s/X", "/R", "p"));
        assert_ne!(a, role_assignment_name("/s/x", "/r", "q"));
    }
}
