//! Finding the module calls of one module directory.
//!
//! Owns reading a directory's `*.tf` files and listing their `module` blocks
//! with the literal `source` and `version` and where they are written. It
//! does not interpret sources (that is [`crate::config::modules::source`]) nor walk the tree
//! (that is [`super::walk`]). The configuration loader will one day supply
//! the same list from its full model; [`scan_dir`] is the only entry point to
//! replace then.

use crate::config::load::{parse_body, read_dir_files};
use crate::diag::{Diagnostic, Diagnostics, FileId, Sources, Span};
use crate::lang::eval::{EmptyScope, Evaluator};
use crate::lang::functions::FuncContext;
use crate::lang::Value;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Structure};
use hcl_edit::Span as _;
use std::path::Path;

/// A string written in the configuration, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub value: String,
    /// The whole expression (quotes included).
    pub span: Span,
    /// Whether the expression is a plain quoted string, so that a byte range
    /// of `value` is the same range of the file shifted by one.
    pub plain: bool,
}

impl Located {
    /// The span of a byte range of the value, or the whole expression when
    /// the text on disk is not the value verbatim.
    pub fn span_of(&self, range: std::ops::Range<usize>) -> Span {
        if self.plain && range.end <= self.value.len() {
            let start = self.span.start + 1;
            Span::new(self.span.file, start + range.start..start + range.end)
        } else {
            self.span
        }
    }
}

/// One `module "NAME" { source = ..., version = ... }` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleCall {
    pub name: String,
    pub source: Located,
    pub version: Option<Located>,
    /// The block header, `module "NAME"`.
    pub span: Span,
}

/// The module calls of the `*.tf` files of `dir`, in file then block order.
/// Files are added to `sources` as `shown/NAME` (just `NAME` when `shown` is
/// empty or `.`), so diagnostics can show their lines.
pub fn scan_dir(dir: &Path, shown: &str, sources: &mut Sources) -> (Vec<ModuleCall>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let files = match read_dir_files(dir, &["tf"]) {
        Ok(f) => f,
        Err(d) => return (Vec::new(), d.with_detail(format!("{}", dir.display())).into()),
    };
    let mut calls: Vec<ModuleCall> = Vec::new();
    for (name, content) in files {
        let display = match shown {
            "" | "." => name.clone(),
            d => format!("{}/{name}", d.trim_end_matches('/')),
        };
        let text = match content.map(String::from_utf8) {
            Ok(Ok(t)) => t,
            Ok(Err(_)) => {
                diags.push(Diagnostic::error("Invalid UTF-8 in configuration file").with_detail(display));
                continue;
            }
            Err(e) => {
                diags.push(Diagnostic::error("Cannot read configuration file").with_detail(format!("{display}: {e}")));
                continue;
            }
        };
        let file = sources.add(display, text.as_str());
        let body = match parse_body(file, &text) {
            Ok(b) => b,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        for structure in body.iter() {
            if let Structure::Block(block) = structure {
                if block.ident.as_str() == "module" {
                    if let Some(call) = module_call(file, &text, block, &mut diags) {
                        if let Some(first) = calls.iter().find(|c| c.name == call.name) {
                            diags.push(
                                Diagnostic::error("Duplicate module call")
                                    .with_detail(format!(
                                        "A module call named {:?} was already defined. Module calls must have unique names within a module.",
                                        call.name
                                    ))
                                    .with_span(call.span)
                                    .with_label(first.span, "first defined here"),
                            );
                            continue;
                        }
                        calls.push(call);
                    }
                }
            }
        }
    }
    (calls, diags)
}

fn span(file: FileId, r: Option<std::ops::Range<usize>>) -> Span {
    Span::new(file, r.unwrap_or(0..0))
}

fn module_call(file: FileId, text: &str, block: &Block, diags: &mut Diagnostics) -> Option<ModuleCall> {
    let header = match block.labels.last() {
        Some(l) => span(file, block.ident.span()).to(span(file, l.span())),
        None => span(file, block.ident.span()),
    };
    let [label] = block.labels.as_slice() else {
        diags.push(
            Diagnostic::error("Invalid module block")
                .with_detail("A module block needs exactly one label: its name, as in module \"network\" { ... }.")
                .with_span(header),
        );
        return None;
    };
    let name = label.as_str().to_string();
    let Some(source_attr) = block.body.get_attribute("source") else {
        diags.push(
            Diagnostic::error("Missing required argument")
                .with_detail(format!("The argument \"source\" is required in module {name:?}."))
                .with_span(header),
        );
        return None;
    };
    let source = constant_string(file, text, &source_attr.value, "source", diags)?;
    let version = match block.body.get_attribute("version") {
        Some(a) => Some(constant_string(file, text, &a.value, "version", diags)?),
        None => None,
    };
    // `version = null` is the same as no version.
    let version = version.filter(|v| !(v.value.is_empty() && is_null(&block.body, "version")));
    Some(ModuleCall {
        name,
        source,
        version,
        span: header,
    })
}

fn is_null(body: &hcl_edit::structure::Body, key: &str) -> bool {
    matches!(body.get_attribute(key).map(|a| &a.value), Some(Expression::Null(_)))
}

/// A constant expression converted to a string, as Terraform decodes
/// `source` and `version` (no variables; numbers become strings).
fn constant_string(
    file: FileId,
    text: &str,
    expr: &Expression,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<Located> {
    let expr_span = span(file, expr.span());
    let ctx = FuncContext::new(std::path::PathBuf::from("."));
    let value = match Evaluator::new(&EmptyScope, &ctx).eval(expr) {
        Ok(v) => v,
        Err(e) => {
            diags.push(
                Diagnostic::error(format!("Invalid value for {what}"))
                    .with_detail(format!(
                        "{}: the {what} of a module must be known before anything is evaluated, so it can use no variables or references.",
                        e.message
                    ))
                    .with_span(expr_span),
            );
            return None;
        }
    };
    let value = match value {
        Value::String(s) => s,
        Value::Null(_) => String::new(),
        Value::Number(n) => n.to_string(),
        other => {
            diags.push(
                Diagnostic::error(format!("Invalid value for {what}"))
                    .with_detail(format!(
                        "A string is required, but this is {}.",
                        crate::lang::eval::describe(&other)
                    ))
                    .with_span(expr_span),
            );
            return None;
        }
    };
    let raw = text.get(expr_span.start..expr_span.end).unwrap_or("");
    let plain = raw.len() == value.len() + 2 && raw.starts_with('"') && raw[1..raw.len() - 1] == value;
    Some(Located {
        value,
        span: expr_span,
        plain,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(files: &[(&str, &str)]) -> (Vec<ModuleCall>, Diagnostics, Sources) {
        let dir = tempfile::tempdir().unwrap();
        for (n, t) in files {
            std::fs::write(dir.path().join(n), t).unwrap();
        }
        let mut sources = Sources::default();
        let (calls, diags) = scan_dir(dir.path(), "", &mut sources);
        (calls, diags, sources)
    }

    #[test]
    fn lists_module_blocks_with_their_literal_arguments() {
        let (calls, diags, sources) = scan(&[
            (
                "a.tf",
                "module \"net\" {\n  source = \"./modules/net\"\n}\nresource \"x\" \"y\" {}\n",
            ),
            (
                "b.tf",
                "module \"aks\" {\n  source  = \"Azure/aks/azurerm\"\n  version = \"~> 9.0\"\n}\n",
            ),
            ("c.txt", "module \"ignored\" { source = \"./x\" }"),
        ]);
        assert!(diags.is_empty(), "{diags:?}");
        let names: Vec<&str> = calls.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["net", "aks"]);
        assert_eq!(calls[0].source.value, "./modules/net");
        assert_eq!(sources.text(calls[0].source.span), "\"./modules/net\"");
        assert_eq!(sources.text(calls[0].span), "module \"net\"");
        let v = calls[1].version.as_ref().unwrap();
        assert_eq!(v.value, "~> 9.0");
        assert_eq!(sources.text(v.span_of(3..6)), "9.0");
    }

    #[test]
    fn constant_expressions_are_accepted_and_references_refused() {
        let (calls, diags, _) = scan(&[(
            "a.tf",
            "module \"a\" {\n  source = \"./${\"x\"}\"\n  version = 1\n}\nmodule \"b\" {\n  source = var.s\n}\nmodule \"c\" {}\n",
        )]);
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].source.value, "./x");
        assert!(!calls[0].source.plain);
        assert_eq!(calls[0].version.as_ref().unwrap().value, "1");
        let summaries: Vec<&str> = diags.iter().map(|d| d.summary.as_str()).collect();
        assert_eq!(summaries, ["Invalid value for source", "Missing required argument"]);
    }

    #[test]
    fn duplicate_names_and_syntax_errors_are_reported_at_their_place() {
        let (calls, diags, sources) = scan(&[
            (
                "a.tf",
                "module \"a\" { source = \"./x\" }\nmodule \"a\" { source = \"./y\" }\n",
            ),
            ("b.tf", "module \"b\" {\n"),
        ]);
        assert_eq!(calls.len(), 1);
        let d: Vec<_> = diags.iter().collect();
        assert_eq!(d[0].summary, "Duplicate module call");
        assert_eq!(sources.text(d[0].span.unwrap()), "module \"a\"");
        assert_eq!(d[1].summary, "Syntax error");
    }
}
