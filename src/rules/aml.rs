//! Azure Machine Learning attach rules (AML).
//!
//! From the document on attaching AKS to Azure Machine Learning: a standard
//! load balancer, enough vCPUs for the cluster purpose (12 for production,
//! 2 for dev/test), valid and unique compute names, one attachment per
//! cluster and workspace, TLS and purpose fixed at attach time, the control
//! plane allowed through authorized IP ranges; detaching leaves the cluster.

use super::{finding, Context, Subject};
use crate::diag::{Diagnostics, Severity::*};
use crate::provider::arm;

const ATTACH: &str = "azurerm_machine_learning_inference_cluster";

pub fn check(cx: &Context, out: &mut Diagnostics) {
    for a in cx.destroyed(ATTACH) {
        aml007(a, out);
    }
    let attachments: Vec<&Subject> = cx.of_type(ATTACH).collect();
    for (i, a) in attachments.iter().enumerate() {
        aml003(a, &attachments[..i], out);
        aml004(a, &attachments[..i], out);
        aml005(a, out);
        let Some(cluster) = a.str(&["kubernetes_cluster_id"]).and_then(|id| cx.by_id(id)) else {
            continue;
        };
        let basic = cluster
            .str(&["network_profile", "load_balancer_sku"])
            .is_some_and(|s| s.eq_ignore_ascii_case("basic"));
        if basic {
            out.push(
                finding(
                    "AML001",
                    Error,
                    "A cluster with a basic load balancer cannot be attached",
                    format!(
                        "{} uses a basic load balancer; Azure Machine Learning needs a standard one",
                        cluster.addr
                    ),
                    a.span(&["kubernetes_cluster_id"]),
                )
                .with_opt_label(
                    cluster.span(&["network_profile", "load_balancer_sku"]),
                    "basic load balancer",
                )
                .with_help("create the cluster with network_profile { load_balancer_sku = \"standard\" }"),
            );
        }
        aml002(cx, a, cluster, out);
        aml006(a, cluster, basic, out);
    }
}

/// AML002: enough vCPUs for the cluster purpose.
fn aml002(cx: &Context, a: &Subject, cluster: &Subject, out: &mut Diagnostics) {
    let purpose = a.str(&["cluster_purpose"]).unwrap_or("FastProd");
    let needed = if purpose.eq_ignore_ascii_case("DevTest") { 2 } else { 12 };
    let mut pools = vec![(
        cluster.str(&["default_node_pool", "vm_size"]),
        cluster
            .get(&["default_node_pool", "node_count"])
            .and_then(|v| v.as_i64())
            .unwrap_or(1),
    )];
    if let Some(cid) = cluster.str(&["id"]) {
        for p in cx.of_type("azurerm_kubernetes_cluster_node_pool") {
            if p.str(&["kubernetes_cluster_id"])
                .is_some_and(|c| arm::ids_equal(c, cid))
            {
                pools.push((
                    p.str(&["vm_size"]),
                    p.get(&["node_count"]).and_then(|v| v.as_i64()).unwrap_or(1),
                ));
            }
        }
    }
    let mut total = 0u64;
    for (size, count) in &pools {
        let Some(size) = size else { return };
        match crate::config::tables::vcpus(size) {
            Some(v) => total += v * (*count).max(0) as u64,
            None => {
                out.push(
                    finding(
                        "AML002",
                        Warning,
                        "Unknown VM size: the cluster's vCPUs cannot be checked",
                        format!("{size:?} is not in aksplan's table of VM sizes; a {purpose} cluster needs at least {needed} vCPUs"),
                        a.span(&["kubernetes_cluster_id"]),
                    )
                    .with_help("check the cluster's size by hand, or add the size to schemas/tables/vm_sizes.json"),
                );
                return;
            }
        }
    }
    if total < needed {
        let at = if a.writes(&["cluster_purpose"]) {
            a.span(&["cluster_purpose"])
        } else {
            a.span(&["kubernetes_cluster_id"])
        };
        out.push(
            finding(
                "AML002",
                Error,
                "The cluster is too small for its purpose",
                format!(
                    "a {purpose} inference cluster needs at least {needed} vCPUs, and {} has {total}",
                    cluster.addr
                ),
                at,
            )
            .with_help(if needed == 12 {
                "add nodes or use a larger VM size, or use cluster_purpose = \"DevTest\" for testing"
            } else {
                "add nodes or use a larger VM size"
            }),
        );
    }
}

/// AML003: a valid compute name, unique within its workspace.
fn aml003(a: &Subject, before: &[&Subject], out: &mut Diagnostics) {
    let Some(name) = a.str(&["name"]) else { return };
    let valid = name.len() >= 3
        && name.len() <= 24
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !valid {
        out.push(
            finding(
                "AML003",
                Error,
                "Invalid inference cluster name",
                format!("{name:?}: a compute name is 3 to 24 letters, digits or hyphens, starting with a letter"),
                a.span(&["name"]),
            )
            .with_help("rename it, e.g. \"aks-inference\""),
        );
        return;
    }
    let ws = a.str(&["machine_learning_workspace_id"]);
    if let Some(prev) = before.iter().find(|b| {
        b.str(&["name"]).is_some_and(|n| n.eq_ignore_ascii_case(name))
            && ws
                .zip(b.str(&["machine_learning_workspace_id"]))
                .is_some_and(|(x, y)| arm::ids_equal(x, y))
    }) {
        out.push(
            finding(
                "AML003",
                Error,
                "Duplicate inference cluster name",
                format!("{name:?} is already the name of {} in this workspace", prev.addr),
                a.span(&["name"]),
            )
            .with_opt_label(prev.span(&["name"]), "first used here"),
        );
    }
}

/// AML004: one attachment of a cluster per workspace.
fn aml004(a: &Subject, before: &[&Subject], out: &mut Diagnostics) {
    let (Some(ws), Some(aks)) = (
        a.str(&["machine_learning_workspace_id"]),
        a.str(&["kubernetes_cluster_id"]),
    ) else {
        return;
    };
    if let Some(prev) = before.iter().find(|b| {
        b.str(&["machine_learning_workspace_id"])
            .is_some_and(|w| arm::ids_equal(w, ws))
            && b.str(&["kubernetes_cluster_id"])
                .is_some_and(|k| arm::ids_equal(k, aks))
    }) {
        out.push(
            finding(
                "AML004",
                Error,
                "The same cluster is attached twice to one workspace",
                format!(
                    "{} already attaches this cluster; a second attachment breaks the first",
                    prev.addr
                ),
                a.span(&["kubernetes_cluster_id"]),
            )
            .with_opt_label(prev.span(&["kubernetes_cluster_id"]), "first attachment"),
        );
    }
}

/// AML005: TLS settings and purpose are set at attach time: changing them detaches and re-attaches.
fn aml005(a: &Subject, out: &mut Diagnostics) {
    let Some(prior) = a.prior else { return };
    for path in [&["cluster_purpose"][..], &["ssl"][..]] {
        let before = super::get(prior, path);
        let after = a.get(path);
        let changed = match (before, after) {
            (Some(b), Some(x)) => !b.same_as(x),
            (None, None) => false,
            _ => true,
        };
        if changed {
            out.push(
                finding(
                    "AML005",
                    Warning,
                    "Changing an attached cluster's TLS settings or purpose detaches and re-attaches it",
                    format!(
                        "the plan replaces {}: the cluster is detached from the workspace and attached again, and its scoring endpoints are unavailable meanwhile",
                        a.addr
                    ),
                    a.span(path),
                )
                .with_help("schedule the change; deployed models must be redeployed after the re-attach"),
            );
        }
    }
}

/// AML006: authorized IP ranges must let the AML control plane in.
fn aml006(a: &Subject, cluster: &Subject, basic: bool, out: &mut Diagnostics) {
    let ranges = cluster
        .get(&["api_server_access_profile", "authorized_ip_ranges"])
        .and_then(|v| v.as_seq());
    if ranges.is_none_or(|r| r.is_empty()) {
        return;
    }
    let (severity, detail) = if basic {
        (Error, format!("{} restricts its API server to authorized IP ranges, which needs a standard load balancer to be attached", cluster.addr))
    } else {
        (Warning, format!("{} restricts its API server to authorized IP ranges: they must include the Azure Machine Learning control plane's ranges", cluster.addr))
    };
    out.push(
        finding(
            "AML006",
            severity,
            "Authorized IP ranges and Azure Machine Learning",
            detail,
            a.span(&["kubernetes_cluster_id"]),
        )
        .with_opt_label(
            cluster.span(&["api_server_access_profile", "authorized_ip_ranges"]),
            "authorized ranges",
        )
        .with_help("add the AzureMachineLearning service tag's ranges for the region to authorized_ip_ranges"),
    );
}

/// AML007: destroying an attachment detaches the cluster; the cluster stays.
fn aml007(a: &Subject, out: &mut Diagnostics) {
    let cluster = a
        .prior_get(&["kubernetes_cluster_id"])
        .and_then(|v| v.as_str())
        .map(arm::name_of)
        .unwrap_or("the cluster");
    out.push(
        finding(
            "AML007",
            Warning,
            "Destroying an inference cluster detaches it",
            format!(
                "{} is detached from the workspace; the AKS cluster {cluster} and its workloads remain",
                a.addr
            ),
            a.header(),
        )
        .with_help("destroy the azurerm_kubernetes_cluster too if the cluster itself should go"),
    );
}
