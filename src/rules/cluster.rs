//! Cluster and node pool rules (AKS).
//!
//! From the AKS overview: the control plane upgrades one minor version at a
//! time and never down, node pools run at most the control plane's version,
//! Windows node pools have short names and need Azure CNI, and only the
//! versions AKS offers can be chosen: those the service lists for the
//! cluster's location at plan time, or else aksplan's table
//! (schemas/tables/kubernetes_versions.json, which includes the minors AKS
//! offers only with long-term support).

use super::{finding, Context, Subject};
use crate::config::tables::{self, version, KubernetesMinor};
use crate::diag::{Diagnostics, Severity::*};

pub fn check(cx: &Context, out: &mut Diagnostics) {
    for c in cx.of_type("azurerm_kubernetes_cluster") {
        aks001(c, out);
        aks002(c, &["default_node_pool", "orchestrator_version"], c, out);
        let location = c.str(&["location"]);
        aks004(cx, c, &["kubernetes_version"], location, out);
        aks004(cx, c, &["default_node_pool", "orchestrator_version"], location, out);
    }
    for pool in cx.of_type("azurerm_kubernetes_cluster_node_pool") {
        let cluster = pool.str(&["kubernetes_cluster_id"]).and_then(|id| cx.by_id(id));
        if let Some(c) = cluster {
            aks002(pool, &["orchestrator_version"], c, out);
        }
        aks003(pool, cluster, out);
        let location = cluster.and_then(|c| c.str(&["location"]));
        aks004(cx, pool, &["orchestrator_version"], location, out);
    }
}

/// AKS004: a version AKS does not offer in the cluster's location. A
/// resource that stays on its version is left alone: Azure runs it, out of
/// support, until it is upgraded.
fn aks004(cx: &Context, s: &Subject, path: &[&str], location: Option<&str>, out: &mut Diagnostics) {
    let Some(v_s) = s.str(path) else { return };
    let Some(v) = version(v_s) else { return };
    if s.prior_get(path).and_then(|v| v.as_str()) == Some(v_s) {
        return;
    }
    let (offered, from_service) = cx.kubernetes_versions(location);
    if tables::find_minor(offered, v).is_some() {
        return;
    }
    let list: Vec<String> = offered.iter().map(KubernetesMinor::label).collect();
    let (detail, help) = match location.filter(|_| from_service) {
        Some(l) => (
            format!("{} asks for {v_s}; in {l} AKS offers {}", s.addr, list.join(", ")),
            format!("choose one of the versions the service lists for {l}"),
        ),
        None => (
            format!("{} asks for {v_s}; AKS offers {}", s.addr, list.join(", ")),
            "choose a supported version (`az aks get-versions --location LOCATION` lists those of a region)"
                .to_string(),
        ),
    };
    out.push(
        finding(
            "AKS004",
            Error,
            "Kubernetes version not offered by AKS",
            detail,
            s.span(path),
        )
        .with_help(help),
    );
}

/// AKS001: a version change that skips a minor version or goes down.
fn aks001(c: &Subject, out: &mut Diagnostics) {
    let (Some(old_s), Some(new_s)) = (
        c.prior_get(&["kubernetes_version"]).and_then(|v| v.as_str()),
        c.str(&["kubernetes_version"]),
    ) else {
        return;
    };
    let (Some(old), Some(new)) = (version(old_s), version(new_s)) else {
        return;
    };
    let problem = if (new.0, new.1) < (old.0, old.1) {
        format!("{old_s} -> {new_s} goes down; AKS clusters cannot be downgraded")
    } else if new.0 == old.0 && new.1 > old.1 + 1 {
        format!("{old_s} -> {new_s} skips a minor version; AKS upgrades one minor version at a time")
    } else {
        return;
    };
    out.push(
        finding(
            "AKS001",
            Error,
            "Unsupported Kubernetes version change",
            problem,
            c.span(&["kubernetes_version"]),
        )
        .with_help(format!("upgrade to {}.{} first", old.0, old.1 + 1)),
    );
}

/// AKS002: a node pool (the attribute at `path` of `pool`) newer than the
/// control plane of cluster `c`.
fn aks002(pool: &Subject, path: &[&str], c: &Subject, out: &mut Diagnostics) {
    let (Some(cp_s), Some(pool_s)) = (c.str(&["kubernetes_version"]), pool.str(path)) else {
        return;
    };
    let (Some(cp), Some(v)) = (version(cp_s), version(pool_s)) else {
        return;
    };
    let cp_has_patch = cp_s.matches('.').count() >= 2;
    let newer = if cp_has_patch {
        v > cp
    } else {
        (v.0, v.1) > (cp.0, cp.1)
    };
    if newer {
        out.push(
            finding(
                "AKS002",
                Error,
                "A node pool cannot run a newer Kubernetes version than the control plane",
                format!("{} asks for {pool_s}, the control plane runs {cp_s}", pool.addr),
                pool.span(path),
            )
            .with_opt_label(c.span(&["kubernetes_version"]), "control plane version")
            .with_help("upgrade the control plane first, or pin the pool to its version"),
        );
    }
}

/// AKS003: a Windows pool's name is at most 6 characters, and it needs Azure CNI.
fn aks003(pool: &Subject, cluster: Option<&Subject>, out: &mut Diagnostics) {
    if !pool
        .str(&["os_type"])
        .is_some_and(|t| t.eq_ignore_ascii_case("Windows"))
    {
        return;
    }
    if let Some(name) = pool.str(&["name"]).filter(|n| n.len() > 6) {
        out.push(
            finding(
                "AKS003",
                Error,
                "A Windows node pool name is at most 6 characters",
                format!("{name:?} has {} characters", name.len()),
                pool.span(&["name"]),
            )
            .with_help("shorten the name, e.g. \"win1\""),
        );
    }
    let Some(c) = cluster else { return };
    let plugin = c.str(&["network_profile", "network_plugin"]).unwrap_or("kubenet");
    if !plugin.eq_ignore_ascii_case("azure") {
        out.push(
            finding(
                "AKS003",
                Error,
                "Windows node pools need Azure CNI",
                format!(
                    "{} uses the {plugin:?} network plugin; Windows nodes need \"azure\"",
                    c.addr
                ),
                pool.span(&["os_type"]),
            )
            .with_opt_label(
                c.span(&["network_profile", "network_plugin"]),
                "network plugin set here",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{diagnostics_with, findings, findings_with};

    fn cluster(version: &str, pool: &str) -> String {
        format!(
            r#"
resource "azurerm_kubernetes_cluster" "k" {{
  name                = "k"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "k"
  kubernetes_version  = "{version}"
  default_node_pool {{
    name                 = "system"
    vm_size              = "Standard_D4s_v5"
    orchestrator_version = "{pool}"
  }}
}}
"#
        )
    }

    fn windows_pool(name: &str, plugin: &str) -> String {
        format!(
            r#"
resource "azurerm_kubernetes_cluster" "k" {{
  name                = "k"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "k"
  default_node_pool {{
    name    = "system"
    vm_size = "Standard_D4s_v5"
  }}
  network_profile {{
    network_plugin = "{plugin}"
  }}
}}
resource "azurerm_kubernetes_cluster_node_pool" "win" {{
  name                  = "{name}"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.k.id
  vm_size               = "Standard_D4s_v5"
  os_type               = "Windows"
}}
"#
        )
    }

    #[test]
    fn aks003_windows_pools() {
        assert_eq!(
            findings(&windows_pool("windows1", "azure")),
            vec![("AKS003".into(), "\"windows1\"".into())]
        );
        assert_eq!(
            findings(&windows_pool("win1", "kubenet")),
            vec![("AKS003".into(), "\"Windows\"".into())]
        );
        assert!(findings(&windows_pool("win1", "azure")).is_empty());
    }

    fn offered_in(location: &str, minors: &[&str]) -> crate::rules::CloudFacts {
        let all = crate::config::tables::kubernetes_versions();
        let mut facts = crate::rules::CloudFacts::default();
        facts.kubernetes_versions.insert(
            location.into(),
            all.iter()
                .filter(|m| minors.contains(&m.minor.as_str()))
                .cloned()
                .collect(),
        );
        facts
    }

    #[test]
    fn aks004_the_table_offers_1_31_to_1_36_and_lts_1_28_to_1_30() {
        for v in ["1.28", "1.29.101", "1.30", "1.31.2", "1.33", "1.36.3"] {
            assert!(findings(&cluster(v, v)).is_empty(), "{v}");
        }
        for v in ["1.27", "1.27.9", "1.37", "2.0"] {
            assert_eq!(findings(&cluster(v, v)).len(), 2, "{v}");
        }
    }

    #[test]
    fn aks004_what_the_service_offers_in_the_location_wins_over_the_table() {
        let facts = offered_in("westeurope", &["1.33", "1.34", "1.35"]);
        assert_eq!(
            findings_with(&cluster("1.34", "1.31"), facts.clone()),
            vec![("AKS004".into(), "\"1.31\"".into())]
        );
        assert!(findings_with(&cluster("1.34", "1.34"), facts.clone()).is_empty());
        let (_, d) = diagnostics_with(&cluster("1.34", "1.31"), facts);
        let d = d.iter().next().unwrap();
        assert_eq!(
            d.detail,
            "azurerm_kubernetes_cluster.k asks for 1.31; in westeurope AKS offers 1.33, 1.34, 1.35"
        );
        // Another location: the table.
        let elsewhere = offered_in("eastus", &["1.35"]);
        assert!(findings_with(&cluster("1.31", "1.31"), elsewhere).is_empty());
        let (_, d) = diagnostics_with(&cluster("1.27", "1.27"), Default::default());
        assert!(
            d.iter().next().unwrap().detail.ends_with(
                "asks for 1.27; AKS offers 1.28 (LTS), 1.29 (LTS), 1.30 (LTS), 1.31, 1.32, 1.33, 1.34, 1.35, 1.36"
            ),
            "{d:?}"
        );
    }

    #[test]
    fn aks004_unsupported_versions() {
        assert_eq!(
            findings(&cluster("1.20", "1.20")),
            vec![
                ("AKS004".into(), "\"1.20\"".into()),
                ("AKS004".into(), "\"1.20\"".into())
            ]
        );
        assert!(findings(&cluster("1.31.2", "1.30")).is_empty());
    }

    #[test]
    fn aks002_node_pool_newer_than_control_plane() {
        assert_eq!(
            findings(&cluster("1.29", "1.30")),
            vec![("AKS002".into(), "\"1.30\"".into())]
        );
        assert!(findings(&cluster("1.30", "1.29")).is_empty());
        assert!(findings(&cluster("1.30", "1.30.4")).is_empty());
        assert_eq!(findings(&cluster("1.30.2", "1.30.4")).len(), 1);
    }
}
