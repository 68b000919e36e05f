//! Static checks of resource bodies against their schemas: unknown arguments
//! and blocks, missing required arguments, too many or too few blocks,
//! conflicting arguments, computed attributes set by hand.
//!
//! Types are checked later, when `core` has the values.

use super::{parts_in, Resource};
use crate::addrs::implied_provider;
use crate::diag::{Diagnostic, Diagnostics, FileId, Span};
use crate::lang::eval::suggest;
use crate::schema::{BlockSchema, SchemaSource};
use hcl_edit::structure::{Block, Structure};
use hcl_edit::Span as _;
use indexmap::IndexMap;

/// Every static check of a configuration: resource bodies against their
/// schemas, module calls against their modules.
pub fn check_config(config: &super::Config) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let mut unimplemented: IndexMap<&str, Vec<(String, Span)>> = IndexMap::new();
    for (addr, r) in config.resources() {
        let provider = implied_provider(&r.addr.type_name);
        if config.schema(r.addr.mode, &r.addr.type_name).is_none() && config.schemas.unimplemented(provider).is_some() {
            unimplemented
                .entry(provider)
                .or_default()
                .push((addr.to_string(), r.type_span));
            continue;
        }
        check_resource(r, &*config.schemas, &mut diags);
    }
    for m in config.modules.values() {
        for p in &m.providers {
            check_provider(p, &*config.schemas, &mut diags);
        }
    }
    for (provider, resources) in unimplemented {
        let source = config.schemas.unimplemented(provider).unwrap_or(provider);
        diags.push(unimplemented_provider(provider, source, &resources));
    }
    super::calls::check(config, &mut diags);
    diags.extend(super::moved::check(config));
    diags
}

/// One error for the resources of a provider aksplan does not implement
/// (kubernetes, helm, azuread), at the first of them.
fn unimplemented_provider(provider: &str, source: &str, resources: &[(String, Span)]) -> Diagnostic {
    let names: Vec<&str> = resources.iter().map(|(a, _)| a.as_str()).collect();
    let mut d = Diagnostic::warning("Provider not supported by aksplan")
        .with_detail(format!(
            "aksplan does not implement the {provider} provider ({source}), used by {}; a plan that has instances of them fails",
            names.join(", ")
        ))
        .with_span(resources[0].1)
        .with_help(format!(
            "keep the {provider} resources in a configuration that terraform applies, after aksplan has created the cluster"
        ));
    for (addr, at) in &resources[1..] {
        d = d.with_label(*at, addr.clone());
    }
    d
}

/// Checks a `provider` block against its provider's configuration schema,
/// when aksplan has one: `features {}` is required in azurerm's, as in
/// Terraform. The meta-arguments `alias` and `version` are not settings.
fn check_provider(p: &super::Provider, schemas: &dyn SchemaSource, diags: &mut Diagnostics) {
    let Some(schema) = schemas.provider_config(&p.name) else {
        return;
    };
    let settings = parts_in(&p.body, p.file)
        .filter(|(_, s)| !matches!(s, Structure::Attribute(a) if matches!(a.key.as_str(), "alias" | "version")));
    check_body(settings, schema, p.span, "", diags);
}

/// Checks one resource or data block; returns nothing, reports into `diags`.
pub fn check_resource(res: &Resource, schemas: &dyn SchemaSource, diags: &mut Diagnostics) {
    let Some(schema) = schemas.schema(res.addr.mode, &res.addr.type_name) else {
        let provider = implied_provider(&res.addr.type_name);
        let names = schemas.type_names(res.addr.mode, provider);
        let kind = match res.addr.mode {
            crate::addrs::Mode::Managed => "resource type",
            crate::addrs::Mode::Data => "data source",
        };
        let mut d = Diagnostic::error(format!("Unsupported {kind}")).with_span(res.type_span);
        d = if names.is_empty() {
            d.with_detail(format!(
                "aksplan does not know the provider {provider:?} that {} belongs to",
                res.addr.type_name
            ))
            .with_help(format!(
                "providers aksplan implements: {}",
                schemas.providers().join(", ")
            ))
        } else {
            let d = d.with_detail(format!(
                "the {provider} provider has no {kind} {:?}",
                res.addr.type_name
            ));
            match suggest(&res.addr.type_name, names.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean {s}?")),
                None => d,
            }
        };
        diags.push(d);
        return;
    };
    check_body(res.parts(), &schema.block, res.span, "", diags);
}

fn check_body<'b>(
    parts: impl Iterator<Item = (FileId, &'b Structure)>,
    schema: &BlockSchema,
    header: Span,
    path: &str,
    diags: &mut Diagnostics,
) {
    let mut block_counts: indexmap::IndexMap<String, (usize, bool)> = indexmap::IndexMap::new();
    let mut present: Vec<(&str, Span)> = Vec::new();

    for (file, s) in parts {
        // A header in another file (an override's part) is no place for this file's spans.
        let fallback = if file == header.file {
            header.start..header.end
        } else {
            0..0
        };
        let span = |r: Option<std::ops::Range<usize>>| Span::new(file, r.unwrap_or(fallback.clone()));
        match s {
            Structure::Attribute(a) => {
                let name = a.key.as_str();
                let key_span = span(a.key.span());
                match schema.attributes.get(name) {
                    Some(attr) if attr.is_read_only() => diags.push(
                        Diagnostic::error("Value for unconfigurable attribute")
                            .with_detail(format!("{path}{name} is computed by Azure and cannot be set"))
                            .with_span(key_span),
                    ),
                    Some(attr) => {
                        if let Some(msg) = &attr.deprecated {
                            let detail = if msg.is_empty() {
                                format!("{path}{name} is deprecated in the provider's schema, and will be removed")
                            } else {
                                format!("{path}{name} is deprecated: {msg}")
                            };
                            diags.push(
                                Diagnostic::warning("Deprecated argument")
                                    .with_detail(detail)
                                    .with_span(key_span),
                            );
                        }
                        present.push((name, key_span));
                    }
                    None if schema.block_types.contains_key(name) => diags.push(
                        Diagnostic::error("Unsupported argument")
                            .with_detail(format!("{path}{name} is a block, not an argument"))
                            .with_span(key_span)
                            .with_help(format!("write it as a block: {name} {{ ... }}")),
                    ),
                    None => diags.push(unknown("argument", name, path, key_span, schema)),
                }
            }
            Structure::Block(b) if b.ident.as_str() == "dynamic" => {
                check_dynamic(b, schema, file, path, &mut block_counts, diags)
            }
            Structure::Block(b) => {
                let name = b.ident.as_str();
                let ident_span = span(b.ident.span());
                match schema.block_types.get(name) {
                    Some(nested) => {
                        if !b.labels.is_empty() && nested.nesting != crate::schema::NestingMode::Map {
                            diags.push(
                                Diagnostic::error("Unexpected block label")
                                    .with_detail(format!("{path}{name} blocks take no labels"))
                                    .with_span(ident_span),
                            );
                        }
                        let entry = block_counts.entry(name.to_string()).or_insert((0, false));
                        entry.0 += 1;
                        if nested.max_items.is_some_and(|max| entry.0 > max) && !entry.1 {
                            diags.push(
                                Diagnostic::error("Too many blocks")
                                    .with_detail(format!(
                                        "at most {} {path}{name} block(s) may be given",
                                        nested.max_items.unwrap_or(0)
                                    ))
                                    .with_span(ident_span),
                            );
                        }
                        let inner_header = block_header(b, file, header);
                        check_body(
                            parts_in(&b.body, file),
                            &nested.block,
                            inner_header,
                            &format!("{path}{name}."),
                            diags,
                        );
                    }
                    None if schema.attribute_as_blocks(name).is_some() => {
                        if let Some((_, fields)) = schema.attribute_as_blocks(name) {
                            let inner_header = block_header(b, file, header);
                            check_body(
                                parts_in(&b.body, file),
                                &fields,
                                inner_header,
                                &format!("{path}{name}."),
                                diags,
                            );
                        }
                    }
                    None if schema.attributes.contains_key(name) => diags.push(
                        Diagnostic::error("Unsupported block type")
                            .with_detail(format!("{path}{name} is an argument, not a block"))
                            .with_span(ident_span)
                            .with_help(format!("write it as an argument: {name} = {{ ... }}")),
                    ),
                    None => diags.push(unknown("block", name, path, ident_span, schema)),
                }
            }
        }
    }

    for (name, attr) in &schema.attributes {
        if attr.required && !present.iter().any(|(n, _)| n == name) {
            diags.push(
                Diagnostic::error("Missing required argument")
                    .with_detail(format!(
                        "the argument {path}{name} is required, but no definition was found"
                    ))
                    .with_span(header),
            );
        }
    }
    for (name, nested) in &schema.block_types {
        let (count, dynamic) = block_counts.get(name).copied().unwrap_or((0, false));
        if count < nested.min_items && !dynamic {
            diags.push(
                Diagnostic::error("Missing required block")
                    .with_detail(format!(
                        "at least {} {path}{name} block(s) are required, and {count} {} given",
                        nested.min_items,
                        if count == 1 { "is" } else { "are" }
                    ))
                    .with_span(header),
            );
        }
    }
}

fn check_dynamic(
    b: &Block,
    schema: &BlockSchema,
    file: FileId,
    path: &str,
    counts: &mut indexmap::IndexMap<String, (usize, bool)>,
    diags: &mut Diagnostics,
) {
    let header = block_header(b, file, Span::new(file, 0..0));
    let Some(label) = b.labels.first() else {
        diags.push(
            Diagnostic::error("Missing block label")
                .with_detail("a dynamic block names the block it generates: dynamic \"NAME\" { ... }")
                .with_span(header),
        );
        return;
    };
    let name = label.as_str();
    let Some(nested) = schema.block_types.get(name) else {
        diags.push(unknown("block", name, path, header, schema));
        return;
    };
    counts.entry(name.to_string()).or_insert((0, false)).1 = true;
    if !b.body.has_attribute("for_each") {
        diags.push(
            Diagnostic::error("Missing required argument")
                .with_detail(format!("dynamic {name:?} needs for_each"))
                .with_span(header),
        );
    }
    for a in b.body.attributes() {
        if !matches!(a.key.as_str(), "for_each" | "iterator" | "labels") {
            diags.push(
                Diagnostic::error("Unsupported argument")
                    .with_detail(format!(
                        "a dynamic block takes for_each, iterator and a content block, not {:?}",
                        a.key.as_str()
                    ))
                    .with_span(Span::new(file, a.key.span().unwrap_or(0..0))),
            );
        }
    }
    let contents: Vec<&Block> = b.body.get_blocks("content").collect();
    match contents.as_slice() {
        [content] => check_body(
            parts_in(&content.body, file),
            &nested.block,
            block_header(content, file, header),
            &format!("{path}{name}."),
            diags,
        ),
        _ => diags.push(
            Diagnostic::error("Invalid dynamic block")
                .with_detail(format!("dynamic {name:?} needs exactly one content block"))
                .with_span(header),
        ),
    }
}

fn block_header(b: &Block, file: FileId, fallback: Span) -> Span {
    let start = b.ident.span().map(|s| s.start);
    let end = b
        .labels
        .last()
        .and_then(|l| match l {
            hcl_edit::structure::BlockLabel::Ident(i) => i.span(),
            hcl_edit::structure::BlockLabel::String(s) => s.span(),
        })
        .or_else(|| b.ident.span())
        .map(|s| s.end);
    match (start, end) {
        (Some(s), Some(e)) => Span::new(file, s..e),
        _ => fallback,
    }
}

fn unknown(what: &str, name: &str, path: &str, at: Span, schema: &BlockSchema) -> Diagnostic {
    let candidates = schema
        .attributes
        .iter()
        .filter(|(_, a)| !a.is_read_only())
        .map(|(n, _)| n.as_str())
        .chain(schema.block_types.keys().map(String::as_str));
    let d = Diagnostic::error(format!("Unsupported {what}"))
        .with_detail(format!("there is no {what} named {path}{name} here"))
        .with_span(at);
    match suggest(name, candidates) {
        Some(s) => d.with_help(format!("did you mean {s}?")),
        None => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::load::from_files;

    fn check(src: &str) -> Vec<(String, String, Option<String>)> {
        let (c, d) = from_files(
            std::path::Path::new("."),
            vec![("main.tf".into(), Ok(src.as_bytes().to_vec()))],
            &crate::provider::catalog::testing::schemas(),
        );
        assert!(d.is_empty(), "{d:?}");
        let mut diags = Diagnostics::new();
        for (_, r) in c.resources() {
            check_resource(r, &*c.schemas, &mut diags);
        }
        diags
            .iter()
            .map(|d| {
                (
                    d.summary.clone(),
                    c.sources.text(d.span.unwrap()).to_string(),
                    d.help.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn a_complete_resource_passes() {
        assert!(check("resource \"azurerm_resource_group\" \"rg\" {\n  name = \"rg\"\n  location = \"westeurope\"\n  tags = {}\n}\n").is_empty());
    }

    #[test]
    fn unknown_argument_with_suggestion() {
        let d = check("resource \"azurerm_resource_group\" \"rg\" {\n  name = \"rg\"\n  locaton = \"x\"\n}\n");
        assert_eq!(
            d[0],
            (
                "Unsupported argument".into(),
                "locaton".into(),
                Some("did you mean location?".into())
            )
        );
        assert_eq!(d[1].0, "Missing required argument");
        assert_eq!(d[1].1, "resource \"azurerm_resource_group\" \"rg\"");
    }

    #[test]
    fn unknown_type_is_reported_at_the_type_label() {
        let d = check("resource \"azurerm_kubernetes_clustr\" \"k\" {}\n");
        assert_eq!(d[0].0, "Unsupported resource type");
        assert_eq!(d[0].1, "\"azurerm_kubernetes_clustr\"");
        assert_eq!(d[0].2.as_deref(), Some("did you mean azurerm_kubernetes_cluster?"));
    }

    #[test]
    fn block_counts_and_kinds() {
        let src = r#"
resource "azurerm_kubernetes_cluster" "k" {
  name                = "k"
  location            = "westeurope"
  resource_group_name = "rg"
  identity = { type = "SystemAssigned" }
  network_profile {
    network_plugin = "azure"
  }
  network_profile {
    network_plugin = "azure"
  }
  fqdn = "x"
  tags {}
}
"#;
        let d: Vec<(String, String)> = check(src).into_iter().map(|(a, b, _)| (a, b)).collect();
        assert_eq!(
            d,
            vec![
                ("Unsupported argument".into(), "identity".into()),
                ("Too many blocks".into(), "network_profile".into()),
                ("Value for unconfigurable attribute".into(), "fqdn".into()),
                ("Unsupported block type".into(), "tags".into()),
                (
                    "Missing required block".into(),
                    "resource \"azurerm_kubernetes_cluster\" \"k\"".into()
                ),
            ]
        );
    }

    #[test]
    fn nested_blocks_are_checked_with_their_path() {
        let src = r#"
resource "azurerm_subnet" "s" {
  name                 = "s"
  resource_group_name  = "rg"
  virtual_network_name = "vnet"
  address_prefixes     = ["10.0.0.0/28"]
  delegation {
    name = "aks"
    service_delegation {
      nmae = "Microsoft.ContainerService/managedClusters"
    }
  }
}
"#;
        let d = check(src);
        assert_eq!(d[0].0, "Unsupported argument");
        assert_eq!(d[1].0, "Missing required argument");
        assert_eq!(d[1].1, "service_delegation");
    }

    #[test]
    fn dynamic_blocks_are_checked_against_the_generated_block() {
        let src = r#"
resource "azurerm_subnet" "s" {
  name                 = "s"
  resource_group_name  = "rg"
  virtual_network_name = "vnet"
  address_prefixes     = ["10.0.0.0/28"]
  dynamic "delegation" {
    for_each = ["aks"]
    content {
      name = delegation.value
      service_delegation {
        name = "Microsoft.ContainerService/managedClusters"
      }
    }
  }
  dynamic "nope" {
    for_each = []
    content {}
  }
}
"#;
        let d = check(src);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].0, "Unsupported block");
    }

    #[test]
    fn deprecated_names_warn() {
        let src = r#"
resource "azurerm_log_analytics_workspace" "k" {
  name                          = "k"
  location                      = "westeurope"
  resource_group_name           = "rg"
  local_authentication_disabled = true
}
"#;
        let d = check(src);
        assert_eq!(d[0].0, "Deprecated argument");
    }
}
