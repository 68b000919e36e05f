//! Cluster version rules (AKS).
//!
//! From the AKS overview: the control plane upgrades one minor version at a
//! time and never down, and node pools run at most the control plane's version.

use super::{finding, version, Context, Subject};
use crate::diag::{Diagnostics, Severity::*};

pub fn check(cx: &Context, out: &mut Diagnostics) {
    for c in cx.of_type("azurerm_kubernetes_cluster") {
        aks001(c, out);
        aks002(c, out);
    }
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

/// AKS002: a node pool newer than the control plane.
fn aks002(c: &Subject, out: &mut Diagnostics) {
    let (Some(cp_s), Some(pool_s)) = (
        c.str(&["kubernetes_version"]),
        c.str(&["default_node_pool", "orchestrator_version"]),
    ) else {
        return;
    };
    let (Some(cp), Some(pool)) = (version(cp_s), version(pool_s)) else {
        return;
    };
    let cp_has_patch = cp_s.matches('.').count() >= 2;
    let newer = if cp_has_patch {
        pool > cp
    } else {
        (pool.0, pool.1) > (cp.0, cp.1)
    };
    if newer {
        out.push(
            finding(
                "AKS002",
                Error,
                "A node pool cannot run a newer Kubernetes version than the control plane",
                format!("the default node pool asks for {pool_s}, the control plane runs {cp_s}"),
                c.span(&["default_node_pool", "orchestrator_version"]),
            )
            .with_label(c.span(&["kubernetes_version"]), "control plane version")
            .with_help("upgrade the control plane first, or pin the pool to its version"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::findings;

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
