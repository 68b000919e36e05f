//! The module calls of one module directory, as the configuration loader
//! reads them (`.tf` and `.tf.json` files, override files merged), with the
//! places the walk's errors point at.

use crate::addrs::ModulePath;
use crate::config::load::{module_dir, Disk};
use crate::diag::{Diagnostics, Severity, Sources, Span};
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
    fn new(value: String, span: Span, sources: &Sources) -> Located {
        let raw = sources.text(span);
        let plain = raw.len() == value.len() + 2 && raw.starts_with('"') && raw[1..raw.len() - 1] == value;
        Located { value, span, plain }
    }

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

/// The module calls of the module in `dir` (relative to the root module's
/// directory `root`), in name order, and the errors in its configuration:
/// init installs what it can, then fails on them, as terraform init does.
/// Warnings are left to validate and plan.
pub fn calls_in(root: &Path, dir: &Path, sources: &mut Sources) -> (Vec<ModuleCall>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let module = module_dir(
        &Disk(root),
        root,
        ModulePath::root(),
        dir,
        sources,
        &mut diags,
        &crate::schema::NoSchemas,
    );
    let diags: Diagnostics = diags.into_iter().filter(|d| d.severity == Severity::Error).collect();
    let mut calls: Vec<ModuleCall> = module
        .calls
        .into_values()
        .filter(|c| !c.source.is_empty())
        .map(|c| ModuleCall {
            source: Located::new(c.source, c.source_span, sources),
            version: c
                .version
                .zip(c.version_span)
                .map(|(v, at)| Located::new(v, at, sources)),
            name: c.name,
            span: c.span,
        })
        .collect();
    calls.sort_by(|a, b| a.name.cmp(&b.name));
    (calls, diags)
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
        let (calls, diags) = calls_in(dir.path(), Path::new("."), &mut sources);
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
            ("d.tf.json", r#"{"module": {"json": {"source": "./modules/json"}}}"#),
            ("e_override.tf", "module \"net\" {\n  source = \"./modules/other\"\n}\n"),
        ]);
        assert!(diags.is_empty(), "{diags:?}");
        let names: Vec<&str> = calls.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["aks", "json", "net"]);
        assert_eq!(calls[2].source.value, "./modules/other", "the override file's source");
        assert_eq!(sources.text(calls[2].source.span), "\"./modules/other\"");
        assert_eq!(sources.get(calls[2].source.span.file).name, "e_override.tf");
        assert_eq!(sources.text(calls[2].span), "module \"net\"");
        let v = calls[0].version.as_ref().unwrap();
        assert_eq!(v.value, "~> 9.0");
        assert_eq!(sources.text(v.span_of(3..6)), "9.0");
        assert_eq!(calls[1].source.value, "./modules/json");
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
        assert_eq!(summaries, ["Variables not allowed", "Missing required argument"]);
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
        assert_eq!(d[0].summary, "Syntax error");
        assert_eq!(d[1].summary, "Duplicate module call");
        assert_eq!(sources.text(d[1].span.unwrap()), "module \"a\"");
    }
}
