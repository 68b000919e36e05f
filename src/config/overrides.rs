//! Override files: `override.tf`, `NAME_override.tf` and their `.tf.json`
//! forms. Each is read on its own, after every primary file, in name order,
//! and merged into the blocks the primary files declare, as Terraform 1.11
//! merges them:
//!
//! - what an override block writes replaces what the primary block has,
//!   and what it leaves out stays (a resource's arguments one by one; its
//!   nested blocks by type: one `ingress` block replaces them all);
//! - locals replace locals of the same name; `required_providers` entries
//!   replace entries of the same name;
//! - every block overridden must exist in a primary file (an unaliased
//!   provider excepted); `depends_on`, `import` and `moved` cannot be
//!   overridden.
//!
//! Where Terraform keeps both `count` and `for_each` (a primary's `count`,
//! an override's `for_each`) and silently uses `count`, aksplan refuses the
//! combination, as it refuses it within one block.

use super::blocks::header_span;
use super::{Expr, Module, Resource};
use crate::diag::{Diagnostic, Diagnostics, FileId, Span};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::Span as _;
use std::collections::HashSet;
use std::path::Path;

/// Whether a configuration file is an override file, by its name.
pub fn is_override(name: &str) -> bool {
    let base = Path::new(name).file_name().and_then(|n| n.to_str()).unwrap_or(name);
    let stem = base
        .strip_suffix(".tf.json")
        .or_else(|| base.strip_suffix(".tf"))
        .unwrap_or(base);
    stem == "override" || stem.ends_with("_override")
}

/// Merges one override file into `module`. `overlay` is the file read on
/// its own; `body` is the file as written, which says what each block sets.
pub fn merge(module: &mut Module, mut overlay: Module, body: &Body, file: FileId, diags: &mut Diagnostics) {
    let mut m = Merge { module, file, diags };
    for block in body.blocks() {
        let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
        let header = header_span(file, block);
        match (block.ident.as_str(), labels.as_slice()) {
            ("terraform", _) => m.terraform(block, &overlay),
            ("provider", [name]) => m.provider(name, block, &mut overlay, header),
            ("variable", [name]) => m.variable(name, block, &mut overlay, header),
            ("locals", _) => m.locals(block, &mut overlay),
            ("output", [name]) => m.output(name, block, &mut overlay, header),
            ("module", [name]) => m.module_call(name, block, &mut overlay, header),
            ("resource" | "data", [type_name, name]) => {
                let mode = if block.ident.as_str() == "data" {
                    crate::addrs::Mode::Data
                } else {
                    crate::addrs::Mode::Managed
                };
                let addr = crate::addrs::Resource {
                    mode,
                    type_name: type_name.to_string(),
                    name: name.to_string(),
                };
                m.resource(addr, block, &mut overlay, header);
            }
            ("import", _) => m.error(
                "Cannot override 'import' blocks",
                "Import blocks can appear only in normal files, not in override files.",
                header,
            ),
            ("moved", _) => m.error(
                "Cannot override 'moved' blocks",
                "Records of moved objects can appear only in normal files, not in override files.",
                header,
            ),
            // Wrong labels or unknown blocks: the reader reported them.
            _ => {}
        }
    }
}

/// Takes each field from `over` into `base` when the override block writes
/// the argument of that name.
macro_rules! take_written {
    ($block:expr, $base:expr, $over:expr, $($field:ident = $arg:literal),+ $(,)?) => {
        $(
            if $block.body.has_attribute($arg) {
                $base.$field = $over.$field;
            }
        )+
    };
}

struct Merge<'a> {
    module: &'a mut Module,
    file: FileId,
    diags: &'a mut Diagnostics,
}

impl Merge<'_> {
    fn error(&mut self, summary: &str, detail: impl Into<String>, span: Span) {
        self.diags
            .push(Diagnostic::error(summary).with_detail(detail).with_span(span));
    }

    /// `depends_on` in an override block is an error; an empty list is not.
    fn no_depends_on(&mut self, block: &Block) {
        if let Some(a) = block.body.get_attribute("depends_on") {
            let written = matches!(&a.value, hcl_edit::expr::Expression::Array(items) if !items.is_empty());
            if written {
                let span = Span::new(self.file, a.value.span().unwrap_or(0..0));
                self.error(
                    "Unsupported override",
                    "The depends_on argument may not be overridden.",
                    span,
                );
            }
        }
    }

    fn terraform(&mut self, block: &Block, overlay: &Module) {
        let settings = &mut self.module.terraform;
        if block.body.has_attribute("required_version") {
            settings.required_version = overlay.terraform.required_version.clone();
        }
        for b in block.body.get_blocks("required_providers") {
            for a in b.body.attributes() {
                let name = a.key.as_str();
                if let Some(p) = overlay.terraform.required_providers.get(name) {
                    settings.required_providers.insert(name.to_string(), p.clone());
                }
            }
        }
        if block
            .body
            .blocks()
            .any(|b| matches!(b.ident.as_str(), "backend" | "cloud"))
        {
            settings.backend = overlay.terraform.backend.clone();
        }
    }

    fn provider(&mut self, name: &str, block: &Block, overlay: &mut Module, header: Span) {
        let alias = block
            .body
            .get_attribute("alias")
            .and_then(|a| a.value.as_str().map(str::to_string));
        let find = |m: &Module| m.providers.iter().position(|p| p.name == name && p.alias == alias);
        let Some(over) = find(overlay).map(|i| overlay.providers.remove(i)) else {
            return;
        };
        match find(self.module) {
            Some(i) => {
                let base = &mut self.module.providers[i];
                base.body = merged_body(std::mem::take(&mut base.body), over.body);
            }
            // An absent default configuration is an empty one, which the
            // override file then configures.
            None if alias.is_none() => self.module.providers.push(over),
            None => self.error(
                "Missing base provider configuration for override",
                format!(
                    "There is no {name} provider configuration with the alias {:?}. An override file can only override an aliased provider configuration that was already defined in a primary configuration file.",
                    alias.unwrap_or_default()
                ),
                header,
            ),
        }
    }

    fn variable(&mut self, name: &str, block: &Block, overlay: &mut Module, header: Span) {
        let Some(over) = overlay.variables.shift_remove(name) else {
            return;
        };
        let Some(base) = self.module.variables.get_mut(name) else {
            return self.error(
                "Missing base variable declaration to override",
                format!("There is no variable named {name:?}. An override file can only override a variable that was already declared in a primary configuration file."),
                header,
            );
        };
        take_written!(
            block,
            base,
            over,
            description = "description",
            sensitive = "sensitive",
            nullable = "nullable",
            default = "default",
            ty = "type",
        );
    }

    fn locals(&mut self, block: &Block, overlay: &mut Module) {
        for a in block.body.attributes() {
            let name = a.key.as_str();
            let Some(over) = overlay.locals.shift_remove(name) else {
                continue;
            };
            match self.module.locals.get_mut(name) {
                Some(base) => *base = over,
                None => self.error(
                    "Missing base local value definition to override",
                    format!("There is no local value named {name:?}. An override file can only override a local value that was already defined in a primary configuration file."),
                    over.span,
                ),
            }
        }
    }

    fn output(&mut self, name: &str, block: &Block, overlay: &mut Module, header: Span) {
        let Some(over) = overlay.outputs.shift_remove(name) else {
            return;
        };
        let Some(base) = self.module.outputs.get_mut(name) else {
            return self.error(
                "Missing base output definition to override",
                format!("There is no output named {name:?}. An override file can only override an output that was already defined in a primary configuration file."),
                header,
            );
        };
        take_written!(
            block,
            base,
            over,
            value = "value",
            description = "description",
            sensitive = "sensitive",
        );
        self.no_depends_on(block);
    }

    fn module_call(&mut self, name: &str, block: &Block, overlay: &mut Module, header: Span) {
        let Some(over) = overlay.calls.shift_remove(name) else {
            return;
        };
        let Some(base) = self.module.calls.get_mut(name) else {
            return self.error(
                "Missing module call to override",
                format!("There is no module call named {name:?}. An override file can only override a module call that was defined in a primary configuration file."),
                header,
            );
        };
        take_written!(
            block,
            base,
            over,
            source = "source",
            source_span = "source",
            version = "version",
            version_span = "version",
            count = "count",
            for_each = "for_each",
        );
        if !over.providers.is_empty() {
            base.providers = over.providers;
        }
        base.args.extend(over.args);
        let repetitions = (
            base.count.as_ref().map(Expr::span),
            base.for_each.as_ref().map(Expr::span),
        );
        self.no_depends_on(block);
        self.both_repetitions(repetitions);
    }

    fn resource(&mut self, addr: crate::addrs::Resource, block: &Block, overlay: &mut Module, header: Span) {
        let Some(mut over) = overlay.resources.shift_remove(&addr) else {
            return;
        };
        let over_files: Vec<FileId> = over.parts().map(|(f, _)| f).collect();
        let over_body = std::mem::take(&mut over.body);
        let Some(base) = self.module.resources.get_mut(&addr) else {
            let (summary, detail) = match addr.mode {
                crate::addrs::Mode::Managed => (
                    "Missing resource to override",
                    format!("There is no {} resource named {:?}. An override file can only override a resource block defined in a primary configuration file.", addr.type_name, addr.name),
                ),
                crate::addrs::Mode::Data => (
                    "Missing data resource to override",
                    format!("There is no {} data resource named {:?}. An override file can only override a data block defined in a primary configuration file.", addr.type_name, addr.name),
                ),
            };
            return self.error(summary, detail, header);
        };
        take_written!(
            block,
            base,
            over,
            count = "count",
            for_each = "for_each",
            provider = "provider",
        );
        for lifecycle in block.body.get_blocks("lifecycle") {
            take_written!(
                lifecycle,
                base.lifecycle,
                over.lifecycle,
                prevent_destroy = "prevent_destroy",
                create_before_destroy = "create_before_destroy",
            );
            let ignores = match &over.lifecycle.ignore_changes {
                super::IgnoreChanges::None => false,
                super::IgnoreChanges::All => true,
                super::IgnoreChanges::Paths(p) => !p.is_empty(),
            };
            if ignores {
                base.lifecycle.ignore_changes = over.lifecycle.ignore_changes.clone();
            }
        }
        merge_resource_body(base, over_body, over_files);
        let repetitions = (
            base.count.as_ref().map(Expr::span),
            base.for_each.as_ref().map(Expr::span),
        );
        self.no_depends_on(block);
        self.both_repetitions(repetitions);
    }

    /// A block that, merged, has both `count` and `for_each`: an error at
    /// the one the override file sets.
    fn both_repetitions(&mut self, (count, for_each): (Option<Span>, Option<Span>)) {
        let (Some(count), Some(for_each)) = (count, for_each) else {
            return;
        };
        let (at, other) = if count.file == self.file {
            (count, for_each)
        } else {
            (for_each, count)
        };
        self.diags.push(
            Diagnostic::error("Invalid combination of count and for_each")
                .with_detail("with the override file, this block has both count and for_each; Terraform would silently use count, aksplan asks you to keep one")
                .with_span(at)
                .with_label(other, "the other is set here"),
        );
    }
}

/// The key a top-level structure is overridden by: an argument's name, or
/// the type of block it is or (for `dynamic`) generates.
enum Key<'s> {
    Attr(&'s str),
    Block(&'s str),
}

fn key(s: &Structure) -> Key<'_> {
    match s {
        Structure::Attribute(a) => Key::Attr(a.key.as_str()),
        Structure::Block(b) if b.ident.as_str() == "dynamic" => Key::Block(b.labels.first().map_or("", |l| l.as_str())),
        Structure::Block(b) => Key::Block(b.ident.as_str()),
    }
}

/// What `base` keeps of its structures: those `over` does not replace.
fn kept(base: Body, over: &Body) -> impl Iterator<Item = (bool, Structure)> {
    let mut attrs = HashSet::new();
    let mut blocks = HashSet::new();
    for s in over.iter() {
        match key(s) {
            Key::Attr(a) => attrs.insert(a.to_string()),
            Key::Block(b) => blocks.insert(b.to_string()),
        };
    }
    base.into_iter().map(move |s| {
        let keep = match key(&s) {
            Key::Attr(a) => !attrs.contains(a),
            Key::Block(b) => !blocks.contains(b),
        };
        (keep, s)
    })
}

fn merged_body(base: Body, over: Body) -> Body {
    let mut out = Body::new();
    for (keep, s) in kept(base, &over) {
        if keep {
            out.push(s);
        }
    }
    for s in over {
        out.push(s);
    }
    out
}

/// Merges a resource's body with an override's (whose parts are in
/// `over_files`), recording which file each part comes from.
fn merge_resource_body(base: &mut Resource, over: Body, over_files: Vec<FileId>) {
    let files: Vec<FileId> = base.parts().map(|(f, _)| f).collect();
    let body = std::mem::take(&mut base.body);
    let mut origins = Vec::new();
    for ((keep, s), f) in kept(body, &over).zip(files) {
        if keep {
            base.body.push(s);
            origins.push(f);
        }
    }
    origins.extend(over_files);
    for s in over {
        base.body.push(s);
    }
    base.origins = origins;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::load::from_files;
    use crate::config::Config;
    use crate::diag::Severity;

    fn load(files: &[(&str, &str)]) -> (Config, Diagnostics) {
        from_files(
            Path::new("."),
            files
                .iter()
                .map(|(n, t)| (n.to_string(), Ok(t.as_bytes().to_vec())))
                .collect(),
            &crate::provider::catalog::testing::schemas(),
        )
    }

    /// Each error's summary, file and the text it points at.
    fn errors(files: &[(&str, &str)]) -> Vec<(String, String, String)> {
        let (c, d) = load(files);
        d.iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                let s = d.span.expect("every override error has a place");
                (
                    d.summary.clone(),
                    c.sources.get(s.file).name.clone(),
                    c.sources.text(s).to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn override_files_by_name() {
        for name in [
            "override.tf",
            "override.tf.json",
            "a_override.tf",
            "modules/x/b_override.tf.json",
        ] {
            assert!(is_override(name), "{name}");
        }
        for name in [
            "main.tf",
            "overrides.tf",
            "my-override.tf",
            "override_a.tf",
            "x_override.tfvars",
        ] {
            assert!(!is_override(name), "{name}");
        }
    }

    /// The errors terraform validate 1.11 gives for the same two files, at
    /// the same blocks (lines 1, 2, 3, 4, 5, 6, 10, 12 and 16).
    #[test]
    fn what_cannot_be_overridden_is_an_error_at_the_override() {
        let over = r#"resource "terraform_data" "b" {}
data "azurerm_client_config" "c" {}
variable "v" {}
output "o" {}
module "m" {}
provider "azurerm" {
  alias = "x"
}
resource "terraform_data" "a" {
  depends_on = [terraform_data.a]
}
import {
  to = terraform_data.a
  id = "x"
}
moved {
  from = terraform_data.a
  to   = terraform_data.b
}
locals { z = 1 }
"#;
        let e = errors(&[
            ("main.tf", "resource \"terraform_data\" \"a\" {}\n"),
            ("x_override.tf", over),
        ]);
        let at = |summary: &str, text: &str| (summary.to_string(), "x_override.tf".to_string(), text.to_string());
        assert_eq!(
            e,
            [
                at("Missing resource to override", r#"resource "terraform_data" "b""#),
                at(
                    "Missing data resource to override",
                    r#"data "azurerm_client_config" "c""#
                ),
                at("Missing base variable declaration to override", r#"variable "v""#),
                at("Missing base output definition to override", r#"output "o""#),
                at("Missing module call to override", r#"module "m""#),
                at(
                    "Missing base provider configuration for override",
                    r#"provider "azurerm""#
                ),
                at("Unsupported override", "[terraform_data.a]"),
                at("Cannot override 'import' blocks", "import"),
                at("Cannot override 'moved' blocks", "moved"),
                at("Missing base local value definition to override", "z = 1"),
            ]
        );
    }

    #[test]
    fn arguments_replace_one_by_one_and_blocks_by_type() {
        let base = r#"resource "azurerm_resource_group" "a" {
  name     = "base"
  location = "westeurope"
  tags     = { a = "1" }
  dynamic "timeouts" {
    for_each = [1]
    content {}
  }
}
"#;
        let over = r#"resource "azurerm_resource_group" "a" {
  location = "northeurope"
  timeouts {
    create = "5m"
  }
}
"#;
        let (c, d) = load(&[("main.tf", base), ("o_override.tf", over)]);
        assert!(d.is_empty(), "{d:?}");
        let r = &c.root().resources[0];
        let parts: Vec<(String, String)> = r
            .parts()
            .map(|(f, s)| {
                let key = match s {
                    Structure::Attribute(a) => a.key.to_string(),
                    Structure::Block(b) => b.ident.to_string(),
                };
                (key, c.sources.get(f).name.clone())
            })
            .collect();
        let part = |k: &str, f: &str| (k.to_string(), f.to_string());
        assert_eq!(
            parts,
            [
                part("name", "main.tf"),
                part("tags", "main.tf"),
                part("location", "o_override.tf"),
                part("timeouts", "o_override.tf"),
            ],
            "the dynamic timeouts block goes with the type the override writes"
        );
    }

    #[test]
    fn later_override_files_apply_on_top_of_earlier_ones() {
        let (c, d) = load(&[
            (
                "main.tf",
                "locals {\n  a = 1\n  b = 2\n}\nvariable \"v\" {\n  default = 1\n  sensitive = true\n}\n",
            ),
            (
                "override.tf",
                "locals {\n  a = 10\n}\nvariable \"v\" {\n  default = 2\n}\n",
            ),
            (
                "z_override.tf",
                "locals {\n  a = 100\n}\nvariable \"v\" {\n  sensitive = false\n}\n",
            ),
        ]);
        assert!(d.is_empty(), "{d:?}");
        let m = c.root();
        assert_eq!(c.sources.text(m.locals["a"].expr.span()), "100");
        assert_eq!(c.sources.text(m.locals["b"].expr.span()), "2");
        let v = &m.variables["v"];
        assert_eq!(c.sources.text(v.default.as_ref().unwrap().span()), "2");
        assert!(!v.sensitive);
    }

    #[test]
    fn count_from_one_file_and_for_each_from_another_are_refused() {
        let e = errors(&[
            ("main.tf", "resource \"terraform_data\" \"a\" {\n  count = 2\n}\n"),
            (
                "override.tf",
                "resource \"terraform_data\" \"a\" {\n  for_each = toset([\"x\"])\n}\n",
            ),
        ]);
        assert_eq!(
            e,
            [(
                "Invalid combination of count and for_each".to_string(),
                "override.tf".to_string(),
                "toset([\"x\"])".to_string()
            )]
        );
    }
}
