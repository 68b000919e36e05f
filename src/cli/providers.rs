//! `aksplan providers`: the providers each module of the configuration
//! requires, as a tree, and those the state's resources were made with, as
//! `terraform providers` prints them.

use super::args::ProvidersArgs;
use super::{exit, fail, Context};
use crate::config::{Config, Module};
use crate::diag::Diagnostic;
use std::collections::BTreeMap;

pub fn run(ctx: &Context, _args: &ProvidersArgs) -> i32 {
    let (config, diags) = ctx.load_dir();
    if super::report(ctx, &diags, &config.sources) {
        return exit::ERROR;
    }
    let store = match super::workdir::open_state(ctx, Some(&config)) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let state = match store.load() {
        Ok(s) => s,
        Err(e) => return fail(ctx, Diagnostic::error("Cannot load the state").with_detail(e)),
    };
    out!("{}", configuration_tree(&config));
    let mut in_state: Vec<String> = state
        .resources
        .values()
        .map(|r| provider_address(implied_provider(&r.type_name), None))
        .collect();
    in_state.sort();
    in_state.dedup();
    if !in_state.is_empty() {
        outln!("Providers required by state:\n");
        for p in in_state {
            outln!("    provider[{p}]\n");
        }
    }
    exit::OK
}

/// The provider local name a resource type implies: the part of the type
/// before its first `_` (`terraform_data` is terraform's built-in one).
fn implied_provider(type_name: &str) -> &str {
    type_name.split('_').next().unwrap_or(type_name)
}

/// A provider's full address: from `required_providers`' source, or the
/// default namespace for its local name.
fn provider_address(name: &str, source: Option<&str>) -> String {
    if name == "terraform" {
        return "terraform.io/builtin/terraform".into();
    }
    // Hostnames and namespaces are case-insensitive; Terraform writes them
    // in lower case.
    let source = source.map_or_else(|| format!("hashicorp/{name}"), str::to_lowercase);
    if source.matches('/').count() >= 2 {
        source
    } else {
        format!("registry.terraform.io/{source}")
    }
}

/// Each module's providers, by address: those it requires (with their
/// constraints), configures, or its resources and data sources imply.
/// Terraform prints them in Go's random map order; aksplan sorts them.
fn module_providers(m: &Module) -> BTreeMap<String, Option<String>> {
    let mut out = BTreeMap::new();
    for (name, req) in &m.terraform.required_providers {
        let constraint = req
            .version
            .as_deref()
            .and_then(|v| crate::config::constraint::Constraints::parse(v).ok())
            .map(|c| c.provider_string());
        out.insert(provider_address(name, req.source.as_deref()), constraint);
    }
    let configured = m.providers.iter().map(|p| p.name.as_str());
    for name in configured.chain(m.resources.keys().map(|a| implied_provider(&a.type_name))) {
        let source = m
            .terraform
            .required_providers
            .get(name)
            .and_then(|r| r.source.as_deref());
        out.entry(provider_address(name, source)).or_insert(None);
    }
    out
}

fn configuration_tree(config: &Config) -> String {
    let mut out = String::from("\nProviders required by configuration:\n.\n");
    tree(config, config.root(), "", &mut out);
    out.push('\n');
    out
}

/// Writes a module's providers, then its module calls by name, with the
/// tree characters `terraform providers` uses (`│` followed by two
/// no-break spaces).
fn tree(config: &Config, m: &Module, indent: &str, out: &mut String) {
    let providers = module_providers(m);
    let mut calls: Vec<&String> = m.calls.keys().collect();
    calls.sort();
    let total = providers.len() + calls.len();
    let mut i = 0;
    let mut branch = |out: &mut String, text: &str| -> String {
        i += 1;
        let last = i == total;
        out.push_str(indent);
        out.push_str(if last { "└── " } else { "├── " });
        out.push_str(text);
        out.push('\n');
        format!("{indent}{}", if last { "    " } else { "│\u{a0}\u{a0} " })
    };
    for (addr, constraint) in &providers {
        let text = match constraint {
            Some(c) => format!("provider[{addr}] {c}"),
            None => format!("provider[{addr}]"),
        };
        branch(out, &text);
    }
    for name in calls {
        let child_indent = branch(out, &format!("module.{name}"));
        if let Some(child) = config.module(&m.path.child(name)) {
            tree(config, child, &child_indent, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_as_terraform_writes_them() {
        assert_eq!(
            provider_address("azurerm", None),
            "registry.terraform.io/hashicorp/azurerm"
        );
        assert_eq!(
            provider_address("azapi", Some("Azure/azapi")),
            "registry.terraform.io/azure/azapi"
        );
        assert_eq!(provider_address("x", Some("example.com/a/x")), "example.com/a/x");
        assert_eq!(provider_address("terraform", None), "terraform.io/builtin/terraform");
        assert_eq!(implied_provider("azurerm_resource_group"), "azurerm");
    }
}
