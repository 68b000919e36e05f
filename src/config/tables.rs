//! Reference data the rules, the mapping and the simulation share, parsed
//! once from `schemas/tables/`: built-in roles, VM sizes, Kubernetes versions.

use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn load(name: &str) -> Json {
    let text = match name {
        "builtin_roles" => include_str!("../../schemas/tables/builtin_roles.json"),
        "vm_sizes" => include_str!("../../schemas/tables/vm_sizes.json"),
        "kubernetes_versions" => include_str!("../../schemas/tables/kubernetes_versions.json"),
        _ => return Json::Null,
    };
    serde_json::from_str(text).unwrap_or(Json::Null)
}

/// Built-in role names to role definition GUIDs.
pub fn builtin_roles() -> &'static BTreeMap<String, String> {
    static ROLES: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    ROLES.get_or_init(|| {
        load("builtin_roles")
            .get("roles")
            .and_then(Json::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// vCPUs of a VM size (names compare without case).
pub fn vcpus(size: &str) -> Option<u64> {
    static SIZES: OnceLock<BTreeMap<String, u64>> = OnceLock::new();
    let sizes = SIZES.get_or_init(|| {
        load("vm_sizes")
            .get("vcpus")
            .and_then(Json::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.to_ascii_lowercase(), v.as_u64()?)))
                    .collect()
            })
            .unwrap_or_default()
    });
    sizes.get(&size.to_ascii_lowercase()).copied()
}

/// Parses `1.30` or `1.30.7` (an optional leading `v`) into (major, minor, patch);
/// `1.30` is `1.30.0`.
pub fn version(s: &str) -> Option<(u64, u64, u64)> {
    let mut parts = s.trim_start_matches('v').split('.').map(|p| p.parse::<u64>().ok());
    let major = parts.next()??;
    let minor = parts.next()??;
    let patch = parts.next().unwrap_or(Some(0))?;
    if parts.next().is_some() {
        return None;
    }
    Some((major, minor, patch))
}

/// The Kubernetes minor versions AKS supports, oldest first, as written in
/// the table (`1.30`).
pub fn kubernetes_minors() -> &'static [String] {
    static MINORS: OnceLock<Vec<String>> = OnceLock::new();
    MINORS.get_or_init(|| {
        load("kubernetes_versions")
            .get("versions")
            .and_then(Json::as_array)
            .map(|a| a.iter().filter_map(|v| Some(v.as_str()?.to_string())).collect())
            .unwrap_or_default()
    })
}

/// Whether AKS supports this version's minor.
pub fn kubernetes_supported(v: (u64, u64, u64)) -> bool {
    kubernetes_minors()
        .iter()
        .filter_map(|m| version(m))
        .any(|m| (m.0, m.1) == (v.0, v.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(version("1.30"), Some((1, 30, 0)));
        assert_eq!(version("v1.30.7"), Some((1, 30, 7)));
        assert_eq!(version("1.30.7.1"), None);
        assert_eq!(version("1.x"), None);
        assert!(kubernetes_supported((1, 30, 4)));
        assert!(!kubernetes_supported((1, 20, 0)));
    }

    #[test]
    fn tables_load() {
        assert!(builtin_roles().contains_key("Network Contributor"));
        assert_eq!(vcpus("standard_d4s_v5"), Some(4));
        assert!(!kubernetes_minors().is_empty());
    }
}
