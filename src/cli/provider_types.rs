//! `aksplan providers types [PROVIDER] [--mapping M]`: every resource type
//! and data source aksplan knows, with how it maps to the cloud. azurerm's
//! types are curated (an overlay checked against ARM), mapped by
//! convention (unverified: applied on the simulation, on Azure only with
//! `--allow-unverified-types`) or validate only; the other providers'
//! types are implemented natively.

use super::args::TypesArgs;
use super::{exit, fail, Context};
use crate::addrs::Mode;
use crate::diag::Diagnostic;
use crate::provider::catalog::KINDS;
use crate::schema::{Mapping, Schema};
use std::collections::BTreeMap;

pub fn run(ctx: &Context, args: &TypesArgs) -> i32 {
    let providers: Vec<&str> = KINDS
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| args.provider.as_deref().is_none_or(|p| p == *n))
        .collect();
    if providers.is_empty() {
        let known: Vec<&str> = KINDS.iter().map(|(n, _)| *n).collect();
        return fail(
            ctx,
            Diagnostic::error("Unknown provider").with_detail(format!(
                "aksplan implements {}, not {:?}",
                known.join(", "),
                args.provider.as_deref().unwrap_or("")
            )),
        );
    }
    let mut rows = Vec::new();
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for provider in providers {
        let schemas = ctx.catalog.schemas(provider);
        for (mode, kind) in [(Mode::Managed, "resource"), (Mode::Data, "data")] {
            for name in schemas.names(mode) {
                let Some(schema) = schemas.get(mode, name) else {
                    continue;
                };
                let mapping = mapping(provider, schema);
                if args.mapping.as_deref().is_some_and(|m| m != mapping) {
                    continue;
                }
                *counts.entry((provider, mapping)).or_default() += 1;
                let arm = schema
                    .arm
                    .as_ref()
                    .map_or(String::new(), |a| format!("{}@{}", a.resource_type, a.api_version));
                rows.push((name.to_string(), kind, mapping, arm));
            }
        }
    }
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    for (name, kind, mapping, arm) in &rows {
        outln!("{name:width$}  {kind:8}  {mapping:13}  {arm}");
    }
    let mut by_provider: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for ((p, m), n) in counts {
        by_provider.entry(p).or_default().push(format!("{n} {m}"));
    }
    outln!();
    for (p, parts) in by_provider {
        outln!("{p}: {}", parts.join(", "));
    }
    exit::OK
}

/// How a type maps to the cloud, as the listing names it.
fn mapping(provider: &str, schema: &Schema) -> &'static str {
    match (provider, schema.mapping) {
        ("azurerm" | "azapi", Mapping::Curated) => "curated",
        ("azurerm", Mapping::Convention) => "convention",
        ("azurerm", Mapping::None) => "validate-only",
        _ => "native",
    }
}
