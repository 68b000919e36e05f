//! `init -backend-config=...`: backend settings given on the command line,
//! as Terraform reads them. `KEY=VALUE` sets one argument (converted to its
//! type); anything else names a file of `KEY = VALUE` assignments in HCL. A
//! later one wins over an earlier one, and all win over the block; a single
//! empty `-backend-config=` removes every earlier override.

use super::{convert, schema};
use crate::diag::{Diagnostic, Diagnostics, Sources, Span};
use crate::lang::eval::{EmptyScope, Evaluator};
use crate::lang::functions::FuncContext;
use hcl_edit::structure::Structure;
use hcl_edit::Span as _;
use serde_json::{Map, Value as Json};
use std::path::Path;

/// What `-backend-config` gave.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    /// Whether any `-backend-config` was given (even an empty one).
    pub given: bool,
    /// The arguments it sets.
    pub values: Map<String, Json>,
}

/// Reads the `-backend-config` items for a backend of type `kind`. Files are
/// read relative to the current directory and added to `sources`, so that
/// errors can point into them.
pub fn parse(items: &[String], kind: &str, sources: &mut Sources) -> (Overrides, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut out = Overrides {
        given: !items.is_empty(),
        values: Map::new(),
    };
    let Some(schema) = schema(kind) else {
        return (out, diags);
    };
    if items.len() == 1 && items[0].is_empty() {
        return (out, diags);
    }
    for item in items {
        match item.split_once('=') {
            Some((name, raw)) => {
                let Some((_, ty)) = schema.iter().find(|(n, _)| *n == name) else {
                    diags.push(Diagnostic::error("Invalid backend configuration argument").with_detail(format!(
                        "The backend configuration argument {name:?} given on the command line is not expected for the selected backend type."
                    )));
                    continue;
                };
                match convert(&Json::String(raw.to_string()), *ty) {
                    Ok(v) => {
                        out.values.insert(name.to_string(), v);
                    }
                    Err(why) => diags.push(Diagnostic::error("Invalid backend configuration argument").with_detail(
                        format!("The value for {name:?} given with -backend-config is invalid: {why}."),
                    )),
                }
            }
            None => file(item, schema, sources, &mut out.values, &mut diags),
        }
    }
    (out, diags)
}

/// A file of assignments.
fn file(
    path: &str,
    schema: &[(&str, super::ArgType)],
    sources: &mut Sources,
    values: &mut Map<String, Json>,
    diags: &mut Diagnostics,
) {
    let bytes = match crate::config::load::read_file(Path::new(path)) {
        Ok(b) => b,
        Err(e) => {
            diags.push(
                Diagnostic::error("Failed to read file")
                    .with_detail(format!("The file {path:?} could not be read: {e}.")),
            );
            return;
        }
    };
    let id = match crate::config::load::decode(path, bytes, sources) {
        Ok(id) => id,
        Err(d) => {
            diags.push(d);
            return;
        }
    };
    let text = sources.get(id).text.clone();
    let body = match crate::config::load::parse_body(id, &text) {
        Ok(b) => b,
        Err(d) => {
            diags.push(d);
            return;
        }
    };
    let ctx = FuncContext::default();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                let name = a.key.as_str();
                let span = Span::new(id, a.key.span().unwrap_or(0..0));
                let Some((_, ty)) = schema.iter().find(|(n, _)| *n == name) else {
                    diags.push(
                        Diagnostic::error("Unsupported argument")
                            .with_detail(format!("An argument named {name:?} is not expected here."))
                            .with_span(span),
                    );
                    continue;
                };
                let value = match Evaluator::new(&EmptyScope, &ctx).eval(&a.value) {
                    Ok(v) => v.to_json(),
                    Err(e) => {
                        diags.push(
                            Diagnostic::error(e.kind.summary())
                                .with_detail(e.message)
                                .with_span(Span::new(id, e.span.or(a.value.span()).unwrap_or(0..0))),
                        );
                        continue;
                    }
                };
                match convert(&value, *ty) {
                    Ok(v) => {
                        values.insert(name.to_string(), v);
                    }
                    Err(why) => diags.push(
                        Diagnostic::error("Incorrect attribute value type")
                            .with_detail(format!("Inappropriate value for attribute {name:?}: {why}."))
                            .with_span(span),
                    ),
                }
            }
            Structure::Block(b) => diags.push(
                Diagnostic::error("Unsupported block type")
                    .with_detail(format!("Blocks of type {:?} are not expected here.", b.ident.as_str()))
                    .with_span(Span::new(id, b.ident.span().unwrap_or(0..0))),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_and_files_later_ones_winning() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("prod.azurerm.tfbackend");
        std::fs::write(
            &f,
            "key = \"from-file\"\nsnapshot = true\ncontainer_name = \"tfstate\"\n",
        )
        .unwrap();
        let items = vec![
            "key=first".to_string(),
            f.display().to_string(),
            "container_name=other".to_string(),
            "use_msi=false".to_string(),
        ];
        let (o, d) = parse(&items, "azurerm", &mut Sources::default());
        assert!(d.is_empty(), "{d:?}");
        assert!(o.given);
        assert_eq!(o.values["key"], "from-file");
        assert_eq!(o.values["snapshot"], true);
        assert_eq!(o.values["container_name"], "other");
        assert_eq!(o.values["use_msi"], false);
    }

    #[test]
    fn unknown_arguments_missing_files_and_bad_values_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("bad.tfbackend");
        std::fs::write(&f, "bucket = \"x\"\n").unwrap();
        let items = vec![
            "bucket=x".to_string(),
            "snapshot=maybe".to_string(),
            f.display().to_string(),
            dir.path().join("missing").display().to_string(),
        ];
        let mut sources = Sources::default();
        let (_, d) = parse(&items, "azurerm", &mut sources);
        let summaries: Vec<&str> = d.iter().map(|d| d.summary.as_str()).collect();
        assert_eq!(
            summaries,
            vec![
                "Invalid backend configuration argument",
                "Invalid backend configuration argument",
                "Unsupported argument",
                "Failed to read file"
            ]
        );
        // The file's error points into it.
        let span = d.iter().nth(2).unwrap().span.unwrap();
        assert_eq!(sources.text(span), "bucket");
    }

    #[test]
    fn an_empty_one_alone_clears_the_overrides() {
        let (o, d) = parse(&[String::new()], "local", &mut Sources::default());
        assert!(d.is_empty() && o.given && o.values.is_empty());
    }
}
