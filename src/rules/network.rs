//! API server VNet integration rules (VNET).
//!
//! From the API server VNet integration document: the API server is
//! projected into a subnet delegated to AKS, at least a /28, in the same
//! virtual network as the nodes, used by nothing but API servers, with the
//! cluster's identity holding Network Contributor on it before the cluster is
//! created; Azure CNI only; the migration is one-way and restarts workloads.

use super::{finding, Context, Subject};
use crate::diag::{Diagnostics, Severity::*};
use crate::provider::arm;

const CLUSTER: &str = "azurerm_kubernetes_cluster";
const AKS_SERVICE: &str = "Microsoft.ContainerService/managedClusters";
/// Roles that include `Microsoft.Network/virtualNetworks/subnets/join/action`.
const NETWORK_ROLES: [&str; 3] = ["Network Contributor", "Contributor", "Owner"];

fn integrated(c: &Subject) -> bool {
    c.bool(&["api_server_access_profile", "virtual_network_integration_enabled"]) == Some(true)
        || c.bool(&["api_server_access_profile", "vnet_integration_enabled"]) == Some(true)
}

fn integration_path(c: &Subject) -> [&'static str; 2] {
    if c.writes(&["api_server_access_profile", "vnet_integration_enabled"]) {
        ["api_server_access_profile", "vnet_integration_enabled"]
    } else {
        ["api_server_access_profile", "virtual_network_integration_enabled"]
    }
}

const API_SUBNET: [&str; 2] = ["api_server_access_profile", "subnet_id"];
const NODE_SUBNET: [&str; 2] = ["default_node_pool", "vnet_subnet_id"];

pub fn check(cx: &Context, out: &mut Diagnostics) {
    for c in cx.of_type(CLUSTER) {
        vnet010(c, out);
    }
    let mut sharing: std::collections::BTreeMap<String, Vec<&Subject>> = Default::default();
    for c in cx.of_type(CLUSTER) {
        migration(c, out);
        if !integrated(c) {
            continue;
        }
        vnet008(c, out);
        let Some(api_id) = c.str(&API_SUBNET) else { continue };
        sharing.entry(api_id.to_lowercase()).or_default().push(c);
        if let Some(subnet) = cx.by_id(api_id) {
            vnet001(c, subnet, out);
            vnet002(subnet, out);
        }
        vnet003(c, api_id, out);
        vnet004(cx, c, api_id, out);
        vnet005(cx, api_id, out);
    }
    for (id, clusters) in sharing {
        if let Some(subnet) = cx.by_id(&id) {
            vnet009(subnet, &clusters, out);
        }
    }
}

fn delegated_to_aks(subnet: &Subject) -> bool {
    subnet.get(&["delegation"]).is_some()
        && subnet
            .value
            .get("delegation")
            .and_then(|d| d.as_seq())
            .unwrap_or(&[])
            .iter()
            .any(|d| {
                super::get(d, &["service_delegation", "name"])
                    .and_then(|n| n.as_str())
                    .is_some_and(|n| n.eq_ignore_ascii_case(AKS_SERVICE))
            })
}

/// VNET001: the API server subnet is not delegated to AKS.
fn vnet001(c: &Subject, subnet: &Subject, out: &mut Diagnostics) {
    if delegated_to_aks(subnet) {
        return;
    }
    out.push(
        finding(
            "VNET001",
            Error,
            "The API server subnet is not delegated to AKS",
            format!(
                "{} is the API server subnet of {}, but is not delegated to {AKS_SERVICE}",
                subnet.addr, c.addr
            ),
            subnet.span(&["delegation"]),
        )
        .with_opt_label(c.span(&API_SUBNET), "used for API server VNet integration here")
        .with_help(format!(
            "add to the subnet: delegation {{ name = \"aks\" service_delegation {{ name = \"{AKS_SERVICE}\" }} }}"
        )),
    );
}

/// VNET002: the API server subnet is smaller than /28.
fn vnet002(subnet: &Subject, out: &mut Diagnostics) {
    for p in subnet
        .get(&["address_prefixes"])
        .and_then(|v| v.as_seq())
        .unwrap_or(&[])
    {
        let Some(net) = p.as_str().and_then(|s| s.parse::<ipnet::IpNet>().ok()) else {
            continue;
        };
        let max = if net.addr().is_ipv4() { 28 } else { 124 };
        if net.prefix_len() > max {
            out.push(
                finding(
                    "VNET002",
                    Error,
                    "The API server subnet is too small",
                    format!(
                        "{} is a /{}; the API server subnet must be at least a /28",
                        net,
                        net.prefix_len()
                    ),
                    subnet.span(&["address_prefixes"]),
                )
                .with_help("use a /28 or larger prefix"),
            );
        }
    }
}

/// VNET003: API server and node subnets in different virtual networks.
fn vnet003(c: &Subject, api_id: &str, out: &mut Diagnostics) {
    let Some(node_id) = c.str(&NODE_SUBNET) else { return };
    let (Some(a), Some(n)) = (arm::parent_id(api_id), arm::parent_id(node_id)) else {
        return;
    };
    if arm::ids_equal(&a, &n) {
        return;
    }
    out.push(
        finding(
            "VNET003",
            Error,
            "API server and node subnets are in different virtual networks",
            format!(
                "the API server subnet is in {}, the nodes' in {}",
                arm::name_of(&a),
                arm::name_of(&n)
            ),
            c.span(&API_SUBNET),
        )
        .with_opt_label(c.span(&NODE_SUBNET), "node subnet set here")
        .with_help("put both subnets in the cluster's virtual network"),
    );
}

/// VNET004: the cluster's identity lacks a network role on its subnets.
fn vnet004(cx: &Context, c: &Subject, api_id: &str, out: &mut Diagnostics) {
    let kind = c.str(&["identity", "type"]).unwrap_or("");
    if kind.eq_ignore_ascii_case("SystemAssigned") {
        out.push(
            finding(
                "VNET004",
                Error,
                "A system-assigned identity cannot be granted access before the cluster exists",
                "API server VNet integration needs the cluster identity to hold Network Contributor on its subnets when the cluster is created; a system-assigned identity does not exist until then".into(),
                c.span(&["identity", "type"]),
            )
            .with_help("use a user-assigned identity, and grant it Network Contributor on the API server and node subnets"),
        );
        return;
    }
    let Some(identity) = cx.cluster_identity(c) else {
        return;
    };
    let mut subnets = vec![("API server", api_id.to_string(), API_SUBNET)];
    if let Some(node) = c.str(&NODE_SUBNET) {
        subnets.push(("node", node.to_string(), NODE_SUBNET));
    }
    for (what, subnet_id, path) in subnets {
        if cx.by_id(&subnet_id).is_none() {
            continue;
        }
        if cx
            .of_type("azurerm_role_assignment")
            .any(|ra| super::rbac::grants(ra, &subnet_id, identity, &NETWORK_ROLES))
        {
            continue;
        }
        out.push(
            finding(
                "VNET004",
                Error,
                "The cluster identity has no network role on its subnet",
                format!(
                    "{} needs Network Contributor (or broader) on the {what} subnet {}, and no role assignment grants it",
                    identity.addr,
                    arm::name_of(&subnet_id)
                ),
                c.span(&["identity", "identity_ids"]),
            )
            .with_opt_label(c.span(&path), format!("the {what} subnet"))
            .with_help(format!(
                "add: resource \"azurerm_role_assignment\" \"...\" {{ scope = <the subnet>.id, role_definition_name = \"Network Contributor\", principal_id = {}.principal_id }}",
                identity.addr
            )),
        );
    }
}

/// VNET005: the API server subnet used by something other than API servers.
fn vnet005(cx: &Context, api_id: &str, out: &mut Diagnostics) {
    const POOL_SUBNETS: [&[&str]; 2] = [&["vnet_subnet_id"], &["pod_subnet_id"]];
    const CLUSTER_SUBNETS: [&[&str]; 2] = [&NODE_SUBNET, &["default_node_pool", "pod_subnet_id"]];
    let uses = cx
        .of_type("azurerm_kubernetes_cluster_node_pool")
        .flat_map(|p| POOL_SUBNETS.map(|path| (p, path)))
        .chain(cx.of_type(CLUSTER).flat_map(|c| CLUSTER_SUBNETS.map(|path| (c, path))));
    for (s, path) in uses {
        if s.str(path).is_some_and(|id| arm::ids_equal(id, api_id)) {
            out.push(
                finding(
                    "VNET005",
                    Error,
                    "The API server subnet is used by a node pool",
                    format!(
                        "{}'s {} is the API server subnet, which only API servers may use",
                        s.addr,
                        path.join(".")
                    ),
                    s.span(path),
                )
                .with_help("give the nodes their own subnet"),
            );
        }
    }
}

/// VNET008: VNet integration needs Azure CNI.
fn vnet008(c: &Subject, out: &mut Diagnostics) {
    let plugin = c.str(&["network_profile", "network_plugin"]).unwrap_or("kubenet");
    if plugin.eq_ignore_ascii_case("azure") {
        return;
    }
    let at = if c.writes(&["network_profile", "network_plugin"]) {
        c.span(&["network_profile", "network_plugin"])
    } else {
        c.span(&integration_path(c))
    };
    out.push(
        finding(
            "VNET008",
            Error,
            "API server VNet integration needs Azure CNI",
            format!("the network plugin is {plugin:?}; API server VNet integration supports only \"azure\""),
            at,
        )
        .with_help("set network_profile { network_plugin = \"azure\" }"),
    );
}

/// VNET009: more clusters share an API server subnet than it has addresses for.
fn vnet009(subnet: &Subject, clusters: &[&Subject], out: &mut Diagnostics) {
    let Some(net) = super::get(subnet.value, &["address_prefixes"])
        .and_then(|v| v.as_seq())
        .and_then(|p| p.first())
        .and_then(|p| p.as_str())
        .and_then(|s| s.parse::<ipnet::IpNet>().ok())
    else {
        return;
    };
    let bits = if net.addr().is_ipv4() { 32 } else { 128 } - net.prefix_len() as u32;
    let usable = (1u128 << bits.min(64)).saturating_sub(5);
    let needed = clusters.len() as u128 * 9;
    if clusters.len() < 2 || needed <= usable {
        return;
    }
    let names: Vec<String> = clusters.iter().map(|c| c.addr.to_string()).collect();
    out.push(
        finding(
            "VNET009",
            Error,
            "Too many clusters share the API server subnet",
            format!(
                "{} clusters ({}) need at least {needed} addresses in {net}, which has {usable} usable (Azure keeps 5)",
                clusters.len(),
                names.join(", ")
            ),
            subnet.span(&["address_prefixes"]),
        )
        .with_help("give each cluster its own API server subnet, or use a larger one"),
    );
}

/// VNET010: what toggling private_cluster_enabled does depends on VNet integration.
fn vnet010(c: &Subject, out: &mut Diagnostics) {
    let was = c.prior_get(&["private_cluster_enabled"]).and_then(|v| v.as_bool());
    let now = c.bool(&["private_cluster_enabled"]);
    let (Some(was), Some(now)) = (was, now) else { return };
    if was == now {
        return;
    }
    let (summary, detail) = if integrated(c) {
        (
            "Private cluster access changes in place",
            format!(
                "{} uses API server VNet integration, so turning private_cluster_enabled {} updates it in place",
                c.addr,
                if now { "on" } else { "off" }
            ),
        )
    } else {
        (
            "Changing private cluster access replaces the cluster",
            format!("{} does not use API server VNet integration, so private_cluster_enabled can change only by replacing the cluster", c.addr),
        )
    };
    out.push(
        finding(
            "VNET010",
            Warning,
            summary,
            detail,
            c.span(&["private_cluster_enabled"]),
        )
        .with_help(
            "with API server VNet integration, private access can be turned on and off without replacing the cluster",
        ),
    );
}

/// VNET006 and VNET007: turning VNet integration off (one-way) or on (disruptive).
fn migration(c: &Subject, out: &mut Diagnostics) {
    let Some(prior) = c.prior else { return };
    let was = ["virtual_network_integration_enabled", "vnet_integration_enabled"]
        .iter()
        .any(|a| super::get(prior, &["api_server_access_profile", a]).and_then(|v| v.as_bool()) == Some(true));
    let now = integrated(c);
    if was && !now {
        out.push(
            finding(
                "VNET006",
                Error,
                "API server VNet integration cannot be turned off",
                format!("{} has API server VNet integration; the migration is one-way", c.addr),
                c.span(&integration_path(c)),
            )
            .with_help("keep virtual_network_integration_enabled = true, or replace the cluster"),
        );
    } else if !was && now {
        out.push(
            finding(
                "VNET007",
                Warning,
                "Turning on API server VNet integration restarts workloads",
                format!(
                    "enabling it on the existing {} upgrades every node pool's node image, restarts workloads, and changes the API server's IP address",
                    c.addr
                ),
                c.span(&integration_path(c)),
            )
            .with_help("plan a maintenance window, and update firewall and NSG rules that allow the API server's address"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::findings;

    /// A VNet-integrated cluster; `subnets` and `extra` vary per test.
    fn config(api: &str, delegated: bool, cluster_extra: &str, extra: &str) -> String {
        let delegation = if delegated {
            "  delegation {\n    name = \"aks\"\n    service_delegation {\n      name = \"Microsoft.ContainerService/managedClusters\"\n    }\n  }\n"
        } else {
            ""
        };
        format!(
            r#"
resource "azurerm_virtual_network" "v" {{
  name                = "v"
  location            = "westeurope"
  resource_group_name = "rg"
  address_space       = ["10.0.0.0/16"]
}}
resource "azurerm_subnet" "api" {{
  name                 = "api"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.v.name
  address_prefixes     = ["{api}"]
{delegation}}}
resource "azurerm_subnet" "nodes" {{
  name                 = "nodes"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.v.name
  address_prefixes     = ["10.0.1.0/24"]
}}
resource "azurerm_user_assigned_identity" "id" {{
  name                = "id"
  location            = "westeurope"
  resource_group_name = "rg"
}}
resource "azurerm_role_assignment" "net" {{
  for_each             = {{ api = azurerm_subnet.api.id, nodes = azurerm_subnet.nodes.id }}
  scope                = each.value
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.id.principal_id
}}
resource "azurerm_kubernetes_cluster" "k" {{
  name                = "k"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "k"
  default_node_pool {{
    name           = "system"
    vm_size        = "Standard_D4s_v5"
    vnet_subnet_id = azurerm_subnet.nodes.id
  }}
  api_server_access_profile {{
    virtual_network_integration_enabled = true
    subnet_id                           = azurerm_subnet.api.id
  }}
  identity {{
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.id.id]
  }}
  network_profile {{
    network_plugin = "azure"
  }}
{cluster_extra}}}
{extra}
"#
        )
    }

    fn codes(f: &[(String, String)]) -> Vec<&str> {
        f.iter().map(|(c, _)| c.as_str()).collect()
    }

    #[test]
    fn a_correct_setup_passes() {
        assert_eq!(findings(&config("10.0.0.0/28", true, "", "")), vec![]);
    }

    #[test]
    fn vnet001_undelegated_subnet() {
        let f = findings(&config("10.0.0.0/28", false, "", ""));
        assert_eq!(codes(&f), vec!["VNET001"]);
        // No delegation block: the finding is at the subnet's header.
        assert_eq!(f[0].1, "resource \"azurerm_subnet\" \"api\"");
    }

    #[test]
    fn vnet002_subnet_smaller_than_28() {
        let f = findings(&config("10.0.0.0/29", true, "", ""));
        assert_eq!(f, vec![("VNET002".into(), "[\"10.0.0.0/29\"]".into())]);
    }

    #[test]
    fn vnet003_different_networks() {
        let other = r#"
resource "azurerm_subnet" "elsewhere" {
  name                 = "elsewhere"
  resource_group_name  = "rg"
  virtual_network_name = "other-vnet"
  address_prefixes     = ["10.9.0.0/24"]
}
"#;
        let cfg = config("10.0.0.0/28", true, "", other).replace(
            "vnet_subnet_id = azurerm_subnet.nodes.id",
            "vnet_subnet_id = azurerm_subnet.elsewhere.id",
        );
        let f = findings(&cfg);
        assert!(codes(&f).contains(&"VNET003"), "{f:?}");
        assert_eq!(
            f.iter().find(|(c, _)| c == "VNET003").unwrap().1,
            "azurerm_subnet.api.id"
        );
    }

    #[test]
    fn vnet004_missing_role_assignment_or_system_identity() {
        let cfg = config("10.0.0.0/28", true, "", "").replace(
            "{ api = azurerm_subnet.api.id, nodes = azurerm_subnet.nodes.id }",
            "{ nodes = azurerm_subnet.nodes.id }",
        );
        let f = findings(&cfg);
        assert_eq!(codes(&f), vec!["VNET004"]);
        let cfg = config("10.0.0.0/28", true, "", "").replace("\"Network Contributor\"", "\"Reader\"");
        assert_eq!(codes(&findings(&cfg)), vec!["VNET004", "VNET004"]);
        let cfg = config("10.0.0.0/28", true, "", "").replace(
            "type         = \"UserAssigned\"\n    identity_ids = [azurerm_user_assigned_identity.id.id]",
            "type = \"SystemAssigned\"",
        );
        let f = findings(&cfg);
        assert_eq!(f, vec![("VNET004".into(), "\"SystemAssigned\"".into())]);
        // A grant on the whole network covers its subnets.
        let cfg = config("10.0.0.0/28", true, "", "").replace(
            "{ api = azurerm_subnet.api.id, nodes = azurerm_subnet.nodes.id }",
            "{ vnet = azurerm_virtual_network.v.id }",
        );
        assert_eq!(findings(&cfg), vec![]);
    }

    #[test]
    fn vnet005_api_subnet_used_by_nodes() {
        let cfg = config("10.0.0.0/28", true, "", "").replace(
            "vnet_subnet_id = azurerm_subnet.nodes.id",
            "vnet_subnet_id = azurerm_subnet.api.id",
        );
        let f = findings(&cfg);
        assert!(codes(&f).contains(&"VNET005"), "{f:?}");
    }

    #[test]
    fn vnet008_needs_azure_cni() {
        let cfg =
            config("10.0.0.0/28", true, "", "").replace("network_plugin = \"azure\"", "network_plugin = \"kubenet\"");
        assert_eq!(findings(&cfg), vec![("VNET008".into(), "\"kubenet\"".into())]);
    }

    #[test]
    fn vnet009_too_many_clusters_on_one_subnet() {
        let second = r#"
resource "azurerm_kubernetes_cluster" "k2" {
  name                = "k2"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "k2"
  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D4s_v5"
    vnet_subnet_id = azurerm_subnet.nodes.id
  }
  api_server_access_profile {
    virtual_network_integration_enabled = true
    subnet_id                           = azurerm_subnet.api.id
  }
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.id.id]
  }
  network_profile {
    network_plugin = "azure"
  }
}
"#;
        let f = findings(&config("10.0.0.0/28", true, "", second));
        assert_eq!(codes(&f), vec!["VNET009"]);
        assert!(findings(&config("10.0.0.0/27", true, "", second)).is_empty());
    }
}
