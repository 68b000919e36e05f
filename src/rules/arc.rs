//! Azure Arc rules (ARC).
//!
//! From the document on connecting a cluster to Azure Arc: deleting the
//! connected cluster resource in Azure does not remove the Arc agents
//! running in the cluster.

use super::{finding, Context};
use crate::diag::{Diagnostics, Severity::*};

pub fn check(cx: &Context, out: &mut Diagnostics) {
    for c in cx.destroyed("azurerm_arc_kubernetes_cluster") {
        let name = c
            .prior_get(&["name"])
            .and_then(|v| v.as_str())
            .unwrap_or("CLUSTER")
            .to_string();
        let rg = c
            .prior_get(&["resource_group_name"])
            .and_then(|v| v.as_str())
            .unwrap_or("RESOURCE_GROUP")
            .to_string();
        out.push(
            finding(
                "ARC001",
                Warning,
                "Destroying an Arc connected cluster leaves its agents in the cluster",
                format!("{} is removed from Azure, with its extensions, but the Arc agents keep running in the Kubernetes cluster", c.addr),
                c.header(),
            )
            .with_help(format!(
                "with a kubeconfig for the cluster, remove the agents: az connectedk8s delete --name {name} --resource-group {rg} (or helm uninstall azure-arc)"
            )),
        );
    }
}
