//! Order that domain knowledge implies though no expression says so, where
//! azurerm users add `depends_on` or a `time_sleep` by hand:
//! - a resource provider is registered before its resources are created;
//! - a cluster is created after the role assignments giving its identity
//!   access to its subnets and its private DNS zone;
//! - a private cluster is created after its DNS zone is linked to a network;
//! - Flux configurations and extensions are created after the kubelet
//!   identity may pull from the container registry (AcrPull).
//!
//! Found from the references in the configuration, so it works before
//! anything is known. The graph adds an inferred order only where nothing
//! orders the two already, and never one that would close a cycle.

use crate::addrs::{Item, Mode, Object, Resource};
use crate::config::{Config, Module};
use crate::lang::refs::{references_with, Reference};
use crate::schema::SchemaSource;
use hcl_edit::structure::{Body, Structure};

/// The resources an attribute or block at `path` refers to.
fn refers(body: &Body, path: &[&str], out: &mut Vec<Resource>) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    for s in body.iter() {
        match s {
            Structure::Attribute(a) if rest.is_empty() && a.key.as_str() == *first => {
                for r in references_with(&a.value, &[]) {
                    if let Reference::Resource(res) = r.reference {
                        out.push(res);
                    }
                }
            }
            Structure::Block(b) if b.ident.as_str() == *first => refers(&b.body, rest, out),
            _ => {}
        }
    }
}

fn refs(body: &Body, paths: &[&[&str]]) -> Vec<Resource> {
    let mut out = Vec::new();
    for p in paths {
        refers(body, p, &mut out);
    }
    out
}

/// The namespaces a registration resource registers, when written as
/// literals: `name = "Microsoft.X"`, or `for_each` over a literal list.
pub fn registered_namespaces(r: &crate::config::Resource) -> Vec<String> {
    use hcl_edit::expr::Expression;
    let literal = |e: &Expression| match e {
        Expression::String(s) => Some(s.value().clone()),
        _ => None,
    };
    if let Some(ns) = r.body.get_attribute("name").and_then(|a| literal(&a.value)) {
        return vec![ns];
    }
    let Some(fe) = &r.for_each else { return Vec::new() };
    let list = match &fe.expr {
        Expression::FuncCall(f) if f.name.name.as_str() == "toset" => f.args.iter().next().cloned(),
        e => Some(e.clone()),
    };
    match list {
        Some(Expression::Array(items)) => items.iter().filter_map(literal).collect(),
        _ => Vec::new(),
    }
}

/// The ARM namespace of a resource type: `Microsoft.KubernetesConfiguration`.
pub fn namespace_of(schemas: &dyn SchemaSource, type_name: &str) -> Option<String> {
    let schema = schemas.schema(Mode::Managed, type_name)?;
    Some(schema.arm.as_ref()?.resource_type.split('/').next()?.to_string())
}

/// Edges `(from, to, reason)`: `from` must come after `to`. Found inside
/// each module, from the references its blocks make.
pub fn edges(config: &Config) -> Vec<crate::graph::Inferred> {
    config
        .modules
        .values()
        .flat_map(|m| module_edges(m, &*config.schemas))
        .collect()
}

fn module_edges(config: &Module, schemas: &dyn SchemaSource) -> Vec<crate::graph::Inferred> {
    let mut out = registrations(config, schemas);
    for (cluster, c) in of_type(config, "azurerm_kubernetes_cluster") {
        out.extend(identity_grants(config, cluster, c));
        out.extend(dns_zone_links(config, cluster, c));
        out.extend(acr_pull(config, cluster, c));
    }
    out
}

/// The managed resources of a type in a module.
fn of_type<'m>(
    config: &'m Module,
    type_name: &'static str,
) -> impl Iterator<Item = (&'m Resource, &'m crate::config::Resource)> {
    config
        .resources
        .iter()
        .filter(move |(a, _)| a.mode == Mode::Managed && a.type_name == type_name)
}

fn object(config: &Module, r: &Resource) -> Object {
    Object::new(config.path.clone(), Item::Resource(r.clone()))
}

/// A namespace is registered before its resources are created.
fn registrations(config: &Module, schemas: &dyn SchemaSource) -> Vec<crate::graph::Inferred> {
    let mut out = Vec::new();
    for (reg, r) in of_type(config, "azurerm_resource_provider_registration") {
        for ns in registered_namespaces(r) {
            for addr in config.resources.keys().filter(|a| a.mode == Mode::Managed && a != &reg) {
                if namespace_of(schemas, &addr.type_name).is_some_and(|n| n.eq_ignore_ascii_case(&ns)) {
                    out.push((
                        object(config, addr),
                        object(config, reg),
                        format!("{ns} must be registered before its resources are created"),
                    ));
                }
            }
        }
    }
    out
}

/// What a role assignment grants: the principals and the scopes it refers
/// to (a `for_each` over scopes counts).
fn grant(r: &crate::config::Resource) -> (Vec<Resource>, Vec<Resource>) {
    let principals = refs(&r.body, &[&["principal_id"]]);
    let mut scopes = refs(&r.body, &[&["scope"]]);
    if let Some(fe) = &r.for_each {
        scopes.extend(
            references_with(&fe.expr, &[])
                .into_iter()
                .filter_map(|x| match x.reference {
                    Reference::Resource(res) => Some(res),
                    _ => None,
                }),
        );
    }
    (principals, scopes)
}

/// A cluster is created after the role assignments that give its identity
/// access to what it uses at creation: its subnets (Network Contributor)
/// and its private DNS zone (Private DNS Zone Contributor).
fn identity_grants(config: &Module, cluster: &Resource, c: &crate::config::Resource) -> Vec<crate::graph::Inferred> {
    let identities = refs(&c.body, &[&["identity", "identity_ids"]]);
    let subnets = refs(
        &c.body,
        &[
            &["api_server_access_profile", "subnet_id"],
            &["default_node_pool", "vnet_subnet_id"],
            &["default_node_pool", "pod_subnet_id"],
        ],
    );
    let zones = refs(&c.body, &[&["private_dns_zone_id"]]);
    if identities.is_empty() || (subnets.is_empty() && zones.is_empty()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (ra, r) in of_type(config, "azurerm_role_assignment") {
        let (principals, scopes) = grant(r);
        let grants_identity = principals.iter().any(|p| identities.contains(p));
        let depends_on_cluster = principals.contains(cluster) || scopes.contains(cluster);
        if !grants_identity || depends_on_cluster {
            continue;
        }
        let what = if scopes.iter().any(|s| subnets.contains(s)) {
            "a subnet"
        } else if scopes.iter().any(|s| zones.contains(s)) {
            "the private DNS zone"
        } else {
            continue;
        };
        out.push((
            object(config, cluster),
            object(config, ra),
            format!("{ra} grants the cluster's identity access to {what} it uses"),
        ));
    }
    out
}

/// A private cluster that uses a private DNS zone is created after the
/// zone is linked to a network: AKS resolves its API server through it.
fn dns_zone_links(config: &Module, cluster: &Resource, c: &crate::config::Resource) -> Vec<crate::graph::Inferred> {
    let zones = refs(&c.body, &[&["private_dns_zone_id"]]);
    if zones.is_empty() {
        return Vec::new();
    }
    of_type(config, "azurerm_private_dns_zone_virtual_network_link")
        .filter(|(_, l)| {
            refs(&l.body, &[&["private_dns_zone_name"]])
                .iter()
                .any(|z| zones.contains(z))
        })
        .filter(|(_, l)| !refs(&l.body, &[&["virtual_network_id"]]).contains(cluster))
        .map(|(link, _)| {
            (
                object(config, cluster),
                object(config, link),
                format!("{link} links the private DNS zone the cluster uses to a network"),
            )
        })
        .collect()
}

/// What runs workloads on a cluster (Flux configurations, extensions) is
/// created after the role assignments that let its kubelet identity pull
/// from a container registry (AcrPull), or its first pods fail to pull.
fn acr_pull(config: &Module, cluster: &Resource, c: &crate::config::Resource) -> Vec<crate::graph::Inferred> {
    // The kubelet identity: the cluster's own (`kubelet_identity[0].object_id`)
    // or the identity it is given.
    let mut kubelet = refs(&c.body, &[&["kubelet_identity", "user_assigned_identity_id"]]);
    kubelet.push(cluster.clone());
    let registries: Vec<&Resource> = of_type(config, "azurerm_container_registry").map(|(a, _)| a).collect();
    let pulls: Vec<&Resource> = of_type(config, "azurerm_role_assignment")
        .filter(|(_, r)| {
            let (principals, scopes) = grant(r);
            principals.iter().any(|p| kubelet.contains(p)) && scopes.iter().any(|s| registries.contains(&s))
        })
        .map(|(a, _)| a)
        .collect();
    let mut out = Vec::new();
    for kind in [
        "azurerm_kubernetes_flux_configuration",
        "azurerm_kubernetes_cluster_extension",
    ] {
        for (w, r) in of_type(config, kind) {
            if !refs(&r.body, &[&["cluster_id"]]).contains(cluster) {
                continue;
            }
            for ra in &pulls {
                out.push((
                    object(config, w),
                    object(config, ra),
                    format!("{ra} lets the cluster's kubelet identity pull from the registry its workloads use"),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(src: &str) -> Vec<String> {
        let (c, d) = crate::config::load::from_files(
            std::path::Path::new("."),
            vec![("main.tf".into(), Ok(src.as_bytes().to_vec()))],
            &crate::provider::catalog::testing::schemas(),
        );
        assert!(!d.has_errors(), "{d:?}");
        let mut v: Vec<String> = edges(&c)
            .into_iter()
            .map(|(from, to, why)| format!("{from} after {to}: {why}"))
            .collect();
        v.sort();
        v
    }

    const CLUSTER: &str = r#"
resource "azurerm_user_assigned_identity" "id" {
  name                = "id"
  location            = "westeurope"
  resource_group_name = "rg"
}
resource "azurerm_private_dns_zone" "z" {
  name                = "privatelink.westeurope.azmk8s.io"
  resource_group_name = "rg"
}
resource "azurerm_private_dns_zone_virtual_network_link" "l" {
  name                  = "l"
  resource_group_name   = "rg"
  private_dns_zone_name = azurerm_private_dns_zone.z.name
  virtual_network_id    = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"
}
resource "azurerm_role_assignment" "dns" {
  scope                = azurerm_private_dns_zone.z.id
  role_definition_name = "Private DNS Zone Contributor"
  principal_id         = azurerm_user_assigned_identity.id.principal_id
}
resource "azurerm_container_registry" "acr" {
  name                = "acr"
  location            = "westeurope"
  resource_group_name = "rg"
  sku                 = "Basic"
}
resource "azurerm_kubernetes_cluster" "k" {
  name                    = "k"
  location                = "westeurope"
  resource_group_name     = "rg"
  dns_prefix              = "k"
  private_cluster_enabled = true
  private_dns_zone_id     = azurerm_private_dns_zone.z.id
  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 1
  }
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.id.id]
  }
}
resource "azurerm_role_assignment" "pull" {
  scope                = azurerm_container_registry.acr.id
  role_definition_name = "AcrPull"
  principal_id         = azurerm_kubernetes_cluster.k.kubelet_identity[0].object_id
}
resource "azurerm_kubernetes_flux_configuration" "apps" {
  name       = "apps"
  cluster_id = azurerm_kubernetes_cluster.k.id
  namespace  = "flux-system"
  git_repository {
    url             = "https://example.com/apps"
    reference_type  = "branch"
    reference_value = "main"
  }
  kustomizations {
    name = "apps"
  }
}
"#;

    #[test]
    fn a_private_cluster_waits_for_its_zone_grant_and_link_and_workloads_for_acr_pull() {
        assert_eq!(
            reasons(CLUSTER),
            [
                "azurerm_kubernetes_cluster.k after azurerm_private_dns_zone_virtual_network_link.l: \
                 azurerm_private_dns_zone_virtual_network_link.l links the private DNS zone the cluster uses to a network",
                "azurerm_kubernetes_cluster.k after azurerm_role_assignment.dns: azurerm_role_assignment.dns grants \
                 the cluster's identity access to the private DNS zone it uses",
                "azurerm_kubernetes_flux_configuration.apps after azurerm_role_assignment.pull: \
                 azurerm_role_assignment.pull lets the cluster's kubelet identity pull from the registry its workloads use",
            ]
        );
    }

    #[test]
    fn without_the_references_nothing_is_inferred() {
        let unrelated = CLUSTER
            .replace("private_dns_zone_id     = azurerm_private_dns_zone.z.id", "")
            .replace(
                "scope                = azurerm_container_registry.acr.id",
                "scope = \"/x\"",
            );
        assert!(reasons(&unrelated).is_empty(), "{:?}", reasons(&unrelated));
    }
}
