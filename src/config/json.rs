//! Terraform's JSON configuration syntax (`*.tf.json`), read by converting
//! it into HCL native syntax that loads like any `.tf` file.
//!
//! Owns the JSON side only: parsing JSON with its byte ranges ([`parse`]),
//! what each key means where it stands ([`kinds`], after terraform's
//! schemas), the conversion ([`convert`]) and the HCL spelling ([`writer`]).
//! The converted text is recorded in [`Sources`] with a map back to the
//! JSON, so every later diagnostic points into the JSON file. It must not
//! interpret the configuration: the loader and the checks after it see only
//! HCL, as for a `.tf` file.

mod convert;
mod kinds;
pub mod parse;
mod template;
mod writer;

use crate::diag::{Diagnostic, Diagnostics, FileId, Sources, Span};
use hcl_edit::structure::Body;

/// Whether a configuration file is written in JSON syntax.
pub fn is_json(name: &str) -> bool {
    name.ends_with(".tf.json")
}

/// Converts file `file` of `sources` (JSON text) into HCL native syntax,
/// records the conversion in `sources`, and parses it. Returns the body
/// (unless the file cannot be read at all) and what was wrong with the JSON.
pub fn to_hcl(
    file: FileId,
    sources: &mut Sources,
    schemas: &dyn crate::schema::SchemaSource,
) -> (Option<Body>, Diagnostics) {
    let (json, name) = {
        let f = sources.get(file);
        (f.text.clone(), f.name.clone())
    };
    let root = match parse::parse(&json) {
        Ok(root) => root,
        // Not converted: the span indexes the JSON itself.
        Err(e) => {
            let d = match visible(&json, e.range) {
                Some(r) => Diagnostic::error(e.summary)
                    .with_detail(e.detail)
                    .with_span(Span::new(file, r)),
                // An empty file: nothing to point at but the file.
                None => Diagnostic::error(e.summary).with_detail(format!("{name}: {}", e.detail)),
            };
            return (None, d.into());
        }
    };
    let (writer, found) = convert::convert(&json, &name, file, &root, schemas);
    let mut diags: Diagnostics = found.into_iter().collect();
    let (hcl, map) = writer.finish();
    sources.convert(file, hcl.as_str(), map);
    match super::load::parse_body(file, &hcl) {
        Ok(body) => (Some(body), diags),
        Err(d) => {
            diags.push(d);
            (None, diags)
        }
    }
}

/// A range at least one character wide, so a renderer can underline it: an
/// empty one (the end of the text) takes the character before it.
fn visible(text: &str, range: std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
    if !range.is_empty() {
        return Some(range);
    }
    let at = range.start.min(text.len());
    match (text[at..].chars().next(), text[..at].chars().next_back()) {
        (Some(c), _) => Some(at..at + c.len_utf8()),
        (None, Some(c)) => Some(at - c.len_utf8()..at),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests;
