//! What part of a configuration file a place is in, as terraform names it
//! after "in" in a diagnostic (`on main.tf line 3, in resource "x" "y":`).
//!
//! That is HCL's `ContextString`: in native syntax, the top-level block
//! around the place, as its type and quoted labels (`locals`, `resource
//! "x" "y"`); in JSON (a file named `*.json`), the keys of the objects and
//! arrays around it, joined by dots (`resource.x.y`, `a[0]`). Terraform asks
//! about the byte just before the place, so a place at the very start of a
//! block (a duplicate block's header) is in no block. Like terraform, the
//! file is parsed again when a diagnostic is rendered, once per file; a
//! file that does not parse has no context (terraform's partial parse of a
//! broken file may still find one). Decides nothing about layout.

use crate::config::json::parse::{self as json, Node};
use crate::diag::{FileId, Sources};
use hcl_edit::Span as _;
use std::collections::HashMap;
use std::ops::Range;

/// The parsed outline of each file asked about.
#[derive(Default)]
pub struct Contexts {
    files: HashMap<FileId, Option<Outline>>,
}

enum Outline {
    /// Each top-level block's range and its name.
    Native(Vec<(Range<usize>, String)>),
    Json(Node),
}

impl Contexts {
    /// The context of a place starting at byte `at` of the written text of `file`.
    pub fn at(&mut self, sources: &Sources, file: FileId, at: usize) -> Option<String> {
        let outline = self
            .files
            .entry(file)
            .or_insert_with(|| outline(&sources.get(file).name, &sources.get(file).text));
        let before = at.checked_sub(1)?;
        match outline.as_ref()? {
            Outline::Native(blocks) => blocks
                .iter()
                .find(|(range, _)| range.contains(&before))
                .map(|(_, name)| name.clone()),
            Outline::Json(root) => {
                let steps = json_steps(root, before);
                let joined = steps.concat();
                let joined = joined.strip_prefix('.').unwrap_or(&joined);
                (!joined.is_empty()).then(|| joined.to_string())
            }
        }
    }
}

fn outline(name: &str, text: &str) -> Option<Outline> {
    if name.ends_with(".json") {
        return json::parse(text).ok().map(Outline::Json);
    }
    let body = crate::config::load::parse_body(0, text).ok()?;
    let blocks = body
        .iter()
        .filter_map(|s| s.as_block())
        .filter_map(|b| {
            let mut name = b.ident.as_str().to_string();
            for label in &b.labels {
                // Go's %q, which Rust's Debug of a string matches for labels.
                name.push_str(&format!(" {:?}", label.as_str()));
            }
            Some((b.span()?, name))
        })
        .collect();
    Some(Outline::Native(blocks))
}

/// The keys from the root down to the innermost object or array holding
/// byte `at`, each `.key` or `[i]`.
fn json_steps(node: &Node, at: usize) -> Vec<String> {
    let nested = |n: &Node| matches!(n.value, json::Value::Object(_) | json::Value::Array(_)) && n.range.contains(&at);
    match &node.value {
        json::Value::Object(members) => match members.iter().find(|m| nested(&m.value)) {
            Some(m) => {
                let mut steps = vec![format!(".{}", m.key.value)];
                steps.extend(json_steps(&m.value, at));
                steps
            }
            None => Vec::new(),
        },
        json::Value::Array(items) => match items.iter().enumerate().find(|(_, n)| nested(n)) {
            Some((i, n)) => {
                let mut steps = vec![format!("[{i}]")];
                steps.extend(json_steps(n, at));
                steps
            }
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(name: &str, text: &str, needle: &str) -> Option<String> {
        let mut sources = Sources::default();
        let f = sources.add(name, text);
        let at = text.find(needle).unwrap();
        Contexts::default().at(&sources, f, at)
    }

    #[test]
    fn native_syntax_names_the_top_level_block() {
        let text = "locals {\n  a = var.nope\n}\n\nresource \"terraform_data\" \"x\" {\n  lifecycle {\n    bar = 2\n  }\n}\noutput \"o\" {\n  value = 1\n}\n";
        assert_eq!(context("main.tf", text, "var.nope").as_deref(), Some("locals"));
        assert_eq!(
            context("main.tf", text, "bar").as_deref(),
            Some("resource \"terraform_data\" \"x\"")
        );
        assert_eq!(context("main.tf", text, "value").as_deref(), Some("output \"o\""));
        // The byte before a block's first is outside it, as in terraform.
        assert_eq!(context("main.tf", text, "resource"), None);
        assert_eq!(context("main.tf", text, "locals"), None);
    }

    #[test]
    fn json_names_the_keys_down_to_the_innermost_object() {
        let text = "{\n  \"locals\": {\n    \"a\": \"${var.nope}\"\n  },\n  \"resource\": {\n    \"terraform_data\": {\n      \"x\": {\n        \"input\": \"${local.b}\"\n      }\n    }\n  },\n  \"variable\": [{\"v\": {\"default\": 1}}]\n}\n";
        assert_eq!(context("main.tf.json", text, "var.nope").as_deref(), Some("locals"));
        assert_eq!(
            context("main.tf.json", text, "local.b").as_deref(),
            Some("resource.terraform_data.x")
        );
        assert_eq!(context("main.tf.json", text, "1}").as_deref(), Some("variable[0].v"));
    }

    #[test]
    fn a_file_that_does_not_parse_has_no_context() {
        assert_eq!(context("main.tf", "locals {\n  a = 1 +\n}\n", "1 +"), None);
        assert_eq!(context("x.json", "{\"a\": {\"b\": ", "\"b\""), None);
    }
}
