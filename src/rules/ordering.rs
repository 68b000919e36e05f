//! Order that domain knowledge implies though no expression says so.
//!
//! A cluster that uses a subnet needs its identity to hold a role on that
//! subnet when it is created; a role assignment granting it must therefore
//! come first, even when the configuration forgot `depends_on`. Found from
//! the references in the configuration, so it works before anything is known.

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
    let resource = |r: &Resource| Object::new(config.path.clone(), Item::Resource(r.clone()));
    let mut out = Vec::new();
    // A namespace is registered before its resources are created.
    for (reg, r) in config
        .resources
        .iter()
        .filter(|(a, _)| a.type_name == "azurerm_resource_provider_registration")
    {
        for ns in registered_namespaces(r) {
            for addr in config.resources.keys().filter(|a| a.mode == Mode::Managed && a != &reg) {
                if namespace_of(schemas, &addr.type_name).is_some_and(|n| n.eq_ignore_ascii_case(&ns)) {
                    out.push((
                        resource(addr),
                        resource(reg),
                        format!("{ns} must be registered before its resources are created"),
                    ));
                }
            }
        }
    }
    let clusters = config
        .resources
        .iter()
        .filter(|(a, _)| a.mode == Mode::Managed && a.type_name == "azurerm_kubernetes_cluster");
    for (cluster, c) in clusters {
        let identities = refs(&c.body, &[&["identity", "identity_ids"]]);
        let subnets = refs(
            &c.body,
            &[
                &["api_server_access_profile", "subnet_id"],
                &["default_node_pool", "vnet_subnet_id"],
            ],
        );
        if identities.is_empty() || subnets.is_empty() {
            continue;
        }
        let assignments = config
            .resources
            .iter()
            .filter(|(a, _)| a.mode == Mode::Managed && a.type_name == "azurerm_role_assignment");
        for (ra, r) in assignments {
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
            let grants_identity = principals.iter().any(|p| identities.contains(p));
            let on_subnet = scopes.iter().any(|s| subnets.contains(s));
            let depends_on_cluster = principals.contains(cluster) || scopes.contains(cluster);
            if grants_identity && on_subnet && !depends_on_cluster {
                out.push((
                    resource(cluster),
                    resource(ra),
                    format!("{ra} grants the cluster's identity access to a subnet it uses"),
                ));
            }
        }
    }
    out
}
