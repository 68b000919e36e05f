//! Reference data the rules, the mapping and the simulation share: built-in
//! roles, VM sizes, Kubernetes versions. The files under `schemas/tables/`
//! are generated from `../shared/data` (`cargo run --bin aksplan-gen --
//! tables`), embedded in the binary, and parsed once, the first time they
//! are asked for. This module holds facts only; what a cloud offers in a
//! region at plan time is asked of the cloud elsewhere, with this table as
//! the fallback.

use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const ROLES: &str = include_str!("../../schemas/tables/builtin_roles.json");
const VM_SIZES: &str = include_str!("../../schemas/tables/vm_sizes.json");
const KUBERNETES_VERSIONS: &str = include_str!("../../schemas/tables/kubernetes_versions.json");

/// The object under `key` of an embedded table; empty if the file is broken
/// (the generator's tests and `tables_load` below catch that).
fn entries(text: &str, key: &str) -> serde_json::Map<String, Json> {
    serde_json::from_str::<Json>(text)
        .ok()
        .and_then(|mut doc| match doc.get_mut(key).map(Json::take) {
            Some(Json::Object(m)) => Some(m),
            _ => None,
        })
        .unwrap_or_default()
}

/// Built-in role names to role definition GUIDs (lowercase), every one Azure has.
pub fn builtin_roles() -> &'static BTreeMap<String, String> {
    static ROLE_MAP: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    ROLE_MAP.get_or_init(|| {
        entries(ROLES, "roles")
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.as_str()?.to_string())))
            .collect()
    })
}

/// The built-in role of this name, compared without case, as Azure does:
/// its name as Azure spells it, and its GUID.
pub fn builtin_role(name: &str) -> Option<(&'static str, &'static str)> {
    static FOLDED: OnceLock<BTreeMap<String, (&'static str, &'static str)>> = OnceLock::new();
    FOLDED
        .get_or_init(|| {
            builtin_roles()
                .iter()
                .map(|(k, v)| (k.to_lowercase(), (k.as_str(), v.as_str())))
                .collect()
        })
        .get(&name.to_lowercase())
        .copied()
}

/// What a VM size is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmSize {
    /// As Azure spells it: `Standard_D4s_v5`.
    pub name: String,
    pub vcpus: u64,
    pub memory_mb: u64,
    pub gpus: u64,
    /// `amd64` or `arm64`.
    pub architecture: String,
    /// The quota family, e.g. `standardDSv5Family`.
    pub family: String,
}

/// A VM size (names compare without case).
pub fn vm_size(name: &str) -> Option<&'static VmSize> {
    vm_sizes().get(&name.to_ascii_lowercase())
}

/// Every VM size's name, as Azure spells it.
pub fn vm_size_names() -> impl Iterator<Item = &'static str> {
    vm_sizes().values().map(|s| s.name.as_str())
}

/// The VM size table, by lower-case name.
fn vm_sizes() -> &'static BTreeMap<String, VmSize> {
    static SIZES: OnceLock<BTreeMap<String, VmSize>> = OnceLock::new();
    SIZES.get_or_init(|| {
        entries(VM_SIZES, "sizes")
            .into_iter()
            .filter_map(|(k, v)| {
                let n = |f: &str| v.get(f).and_then(Json::as_u64);
                let s = |f: &str| v.get(f).and_then(Json::as_str).map(str::to_string);
                let size = VmSize {
                    name: k.clone(),
                    vcpus: n("vcpus")?,
                    memory_mb: n("memory_mb")?,
                    gpus: n("gpus")?,
                    architecture: s("architecture")?,
                    family: s("family")?,
                };
                Some((k.to_ascii_lowercase(), size))
            })
            .collect()
    })
}

/// vCPUs of a VM size (names compare without case).
pub fn vcpus(size: &str) -> Option<u64> {
    vm_size(size).map(|s| s.vcpus)
}

/// GPUs of a VM size (names compare without case).
pub fn gpus(size: &str) -> Option<u64> {
    vm_size(size).map(|s| s.gpus)
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

/// One Kubernetes minor version AKS offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubernetesMinor {
    /// As written: `1.31`.
    pub minor: String,
    /// Its patch versions, oldest first.
    pub patches: Vec<String>,
    /// The newest patch.
    pub latest_patch: String,
    /// Offered only with long-term support (the AKSLongTermSupport plan).
    pub lts_only: bool,
    /// Offered as a preview.
    pub preview: bool,
}

impl KubernetesMinor {
    /// (major, minor).
    pub fn number(&self) -> Option<(u64, u64)> {
        version(&self.minor).map(|v| (v.0, v.1))
    }

    /// `1.31`, or `1.28 (LTS)` for a minor offered only with long-term support.
    pub fn label(&self) -> String {
        match (self.lts_only, self.preview) {
            (true, _) => format!("{} (LTS)", self.minor),
            (false, true) => format!("{} (preview)", self.minor),
            (false, false) => self.minor.clone(),
        }
    }
}

/// The Kubernetes versions AKS offers, oldest first, from the table (not per
/// region: the service says what a region offers).
pub fn kubernetes_versions() -> &'static [KubernetesMinor] {
    static VERSIONS: OnceLock<Vec<KubernetesMinor>> = OnceLock::new();
    VERSIONS.get_or_init(|| {
        let mut all: Vec<KubernetesMinor> = entries(KUBERNETES_VERSIONS, "minors")
            .into_iter()
            .filter_map(|(minor, v)| {
                let patches = v
                    .get("patches")?
                    .as_array()?
                    .iter()
                    .map(|p| p.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()?;
                Some(KubernetesMinor {
                    minor,
                    patches,
                    latest_patch: v.get("latest_patch")?.as_str()?.to_string(),
                    lts_only: v.get("lts_only")?.as_bool()?,
                    preview: false,
                })
            })
            .collect();
        all.sort_by_key(KubernetesMinor::number);
        all
    })
}

/// The minor of a version in a list of offered minors.
pub fn find_minor(offered: &[KubernetesMinor], v: (u64, u64, u64)) -> Option<&KubernetesMinor> {
    offered.iter().find(|m| m.number() == Some((v.0, v.1)))
}

/// The Kubernetes minor versions AKS offers, oldest first, as written in
/// the table (`1.30`), LTS-only ones included.
pub fn kubernetes_minors() -> &'static [String] {
    static MINORS: OnceLock<Vec<String>> = OnceLock::new();
    MINORS.get_or_init(|| kubernetes_versions().iter().map(|m| m.minor.clone()).collect())
}

/// Whether AKS offers this version's minor (with long-term support or not).
pub fn kubernetes_supported(v: (u64, u64, u64)) -> bool {
    find_minor(kubernetes_versions(), v).is_some()
}

/// Whether AKS offers this version's minor only with long-term support;
/// `None` for a minor it does not offer.
pub fn kubernetes_lts_only(v: (u64, u64, u64)) -> Option<bool> {
    find_minor(kubernetes_versions(), v).map(|m| m.lts_only)
}

/// The newest patch AKS offers for this version's minor.
pub fn kubernetes_latest_patch(v: (u64, u64, u64)) -> Option<&'static str> {
    find_minor(kubernetes_versions(), v).map(|m| m.latest_patch.as_str())
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
        assert!(kubernetes_supported((1, 36, 0)));
        assert!(!kubernetes_supported((1, 27, 9)));
        assert!(!kubernetes_supported((1, 37, 0)));
        assert!(!kubernetes_supported((1, 20, 0)));
    }

    #[test]
    fn tables_load() {
        assert_eq!(builtin_roles().len(), 928);
        assert!(builtin_roles().contains_key("Network Contributor"));
        assert_eq!(vm_size_count(), 1370);
        assert_eq!(kubernetes_versions().len(), 9);
    }

    fn vm_size_count() -> usize {
        entries(VM_SIZES, "sizes")
            .keys()
            .filter(|k| vm_size(k).is_some())
            .count()
    }

    #[test]
    fn roles_compare_without_case() {
        assert_eq!(
            builtin_role("key vault ADMINISTRATOR"),
            Some(("Key Vault Administrator", "00482a5a-887f-4fb3-b363-3b7fe8e74483"))
        );
        assert_eq!(builtin_role("Key Vault Administrater"), None);
    }

    #[test]
    fn vm_sizes_have_cpus_and_gpus() {
        assert_eq!(vcpus("standard_d4s_v5"), Some(4));
        assert_eq!(gpus("Standard_D4s_v5"), Some(0));
        assert_eq!(gpus("Standard_NC24ads_A100_v4"), Some(1));
        let a100 = vm_size("Standard_NC24ads_A100_v4").unwrap();
        assert_eq!((a100.vcpus, a100.memory_mb), (24, 225280));
        assert_eq!(
            vm_size("Standard_D4ps_v5").map(|s| s.architecture.as_str()),
            Some("arm64")
        );
        assert_eq!(vcpus("Standard_Imaginary_v9"), None);
    }

    #[test]
    fn lts_minors_and_latest_patches() {
        assert_eq!(
            kubernetes_minors(),
            ["1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36"]
        );
        for m in 28..=30 {
            assert_eq!(kubernetes_lts_only((1, m, 0)), Some(true), "1.{m}");
        }
        for m in 31..=36 {
            assert_eq!(kubernetes_lts_only((1, m, 0)), Some(false), "1.{m}");
        }
        assert_eq!(kubernetes_lts_only((1, 27, 0)), None);
        assert_eq!(kubernetes_latest_patch((1, 34, 2)), Some("1.34.10"));
        assert_eq!(kubernetes_latest_patch((1, 29, 0)), Some("1.29.101"));
        let labels: Vec<String> = kubernetes_versions().iter().map(KubernetesMinor::label).collect();
        assert_eq!(labels[0], "1.28 (LTS)");
        assert_eq!(labels[3], "1.31");
    }
}
