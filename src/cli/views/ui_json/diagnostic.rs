//! The body of a `diagnostic` message of the JSON UI, as Terraform 1.11's
//! `json.NewDiagnostic` builds it: severity, summary, detail, the resource
//! `address` the diagnostic is about, the `range` it points at and a
//! `snippet` of the source (the enclosing top-level block's header as
//! `context`, the lines of the range, where the range is in them).
//!
//! It reads the written source text and nothing else; it renders no text
//! for people (`super::super::diagnostics` does). It has no values of the
//! expressions involved, so `values` is always empty, and no function
//! signatures (`function_call` is left out).

use crate::diag::{Diagnostic, Severity, SourceFile, Sources};
use serde_json::{json, Map, Value as Json};

/// The `diagnostic` object for `d`.
pub fn body(d: &Diagnostic, sources: &Sources) -> Map<String, Json> {
    // Detail and range as `validate -json` gives them.
    let full = super::super::diagnostics::diagnostic_json(d, sources);
    let (address, summary) = split_address(&d.summary);
    let mut body = Map::new();
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    body.insert("severity".into(), json!(severity));
    body.insert("summary".into(), json!(summary));
    body.insert("detail".into(), full["detail"].clone());
    if let Some(a) = address {
        body.insert("address".into(), json!(a));
    }
    if let Some(span) = d.span {
        let file = sources.get(span.file);
        let (start, mut end) = (file.position(span.start), file.end_position(span.end));
        // An empty range is widened to one byte, as Terraform does.
        if end.byte <= start.byte {
            end = start;
            end.byte += 1;
            end.column += 1;
        }
        body.insert(
            "range".into(),
            json!({ "filename": file.name, "start": start, "end": end }),
        );
        body.insert("snippet".into(), snippet(file, start.byte..end.byte, start.line));
    }
    body
}

/// The summary less the resource address aksplan puts before it
/// (`azurerm_subnet.a: Cannot read`), and that address, which Terraform
/// gives apart.
pub fn split_address(summary: &str) -> (Option<&str>, &str) {
    for (at, _) in summary.match_indices(": ") {
        let head = &summary[..at];
        // A deposed object's diagnostic is about its instance.
        let instance = head.split(" (deposed object ").next().unwrap_or(head);
        if instance.parse::<crate::addrs::Instance>().is_ok() {
            return (Some(instance), &summary[at + 2..]);
        }
    }
    (None, summary)
}

/// The snippet of `highlight` (byte offsets of the written text): every
/// line it overlaps, and where it is in them.
fn snippet(file: &SourceFile, highlight: std::ops::Range<usize>, start_line: usize) -> Json {
    let text: &str = &file.text;
    let mut code = String::new();
    let mut code_start = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let body = body.strip_suffix('\r').unwrap_or(body);
        if overlaps(&(at..at + body.len()), &highlight) {
            code_start.get_or_insert(at);
            code.push_str(body);
            code.push('\n');
        }
        at += line.len();
    }
    let code = code.strip_suffix('\n').unwrap_or(&code);
    let start = highlight.start.saturating_sub(code_start.unwrap_or(0)).min(code.len());
    let end = (start + highlight.len()).min(code.len());
    json!({
        "context": context(file, highlight.start),
        "code": code,
        "start_line": start_line,
        "highlight_start_offset": start,
        "highlight_end_offset": end,
        "values": [],
    })
}

/// Whether two byte ranges share a byte, as HCL's `Range.Overlaps` decides
/// it (an empty range overlaps nothing; a range ending where another starts
/// counts, as there).
fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    let contains = |r: &std::ops::Range<usize>, at: usize| r.start <= at && at < r.end;
    !a.is_empty()
        && !b.is_empty()
        && (contains(a, b.start) || contains(a, b.end) || contains(b, a.start) || contains(b, a.end))
}

/// The header of the top-level block holding the byte before `offset`
/// (`resource "azurerm_subnet" "a"`), as Terraform's context; `None`
/// outside any block and for JSON files.
fn context(file: &SourceFile, offset: usize) -> Option<String> {
    if file.name.ends_with(".json") {
        return None;
    }
    let text: &str = &file.text;
    let inside = offset.checked_sub(1)?;
    match crate::config::load::parse_body(0, text) {
        Ok(body) => body.blocks().find_map(|b| {
            use hcl_edit::Span as _;
            let span = b.span()?;
            (span.start <= inside && inside < span.end).then(|| header(b))
        }),
        Err(_) => open_block(text, inside),
    }
}

fn header(b: &hcl_edit::structure::Block) -> String {
    let mut out = b.ident.to_string();
    for l in &b.labels {
        let label = match l {
            hcl_edit::structure::BlockLabel::String(s) => s.value().to_string(),
            hcl_edit::structure::BlockLabel::Ident(i) => i.to_string(),
        };
        out.push(' ');
        out.push_str(&Json::from(label).to_string());
    }
    out
}

/// In a file that does not parse, the block open at `inside`: the last
/// block header starting a line before it, when what precedes that header
/// parses (so the header is at the top level) and what precedes `inside`
/// does not (so something is still open there).
fn open_block(text: &str, inside: usize) -> Option<String> {
    let parses = |t: &str| crate::config::load::parse_body(0, t).is_ok();
    let before = text.get(..inside)?;
    let start = before
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .chain(std::iter::once(0))
        .filter(|&i| header_line(&text[i..]).is_some())
        .max()?;
    if !parses(&text[..start]) || parses(before) {
        return None;
    }
    let first = text[start..].lines().next().unwrap_or("");
    let body = crate::config::load::parse_body(0, &format!("{first}\n}}\n")).ok()?;
    let block = body.blocks().next()?;
    Some(header(block))
}

/// Whether `line` starts with a block header: a name, labels, `{`.
fn header_line(line: &str) -> Option<()> {
    let first = line.lines().next()?;
    let name_end = first.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))?;
    (name_end > 0 && first.trim_end().ends_with('{') && !first[name_end..].trim_start().starts_with('=')).then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Span;

    fn one(text: &str, range: std::ops::Range<usize>) -> Map<String, Json> {
        let mut sources = Sources::default();
        let f = sources.add("main.tf", text);
        body(
            &Diagnostic::error("Unsupported argument").with_span(Span::new(f, range)),
            &sources,
        )
    }

    #[test]
    fn the_snippet_is_the_lines_of_the_range_in_their_top_level_block() {
        let text = "resource \"terraform_data\" \"a\" {\n  input = \"hello\"\n  inptu = \"typo\"\n}\n";
        let d = one(text, 52..57);
        assert_eq!(
            d["range"],
            json!({"filename": "main.tf", "start": {"line": 3, "column": 3, "byte": 52}, "end": {"line": 3, "column": 8, "byte": 57}})
        );
        assert_eq!(
            d["snippet"],
            json!({"context": "resource \"terraform_data\" \"a\"", "code": "  inptu = \"typo\"", "start_line": 3,
                   "highlight_start_offset": 2, "highlight_end_offset": 7, "values": []})
        );
    }

    #[test]
    fn an_empty_range_is_one_byte_and_outside_blocks_there_is_no_context() {
        let d = one("locals {}\nx = 1\n", 10..10);
        assert_eq!(d["range"]["end"], json!({"line": 2, "column": 2, "byte": 11}));
        assert_eq!(d["snippet"]["context"], Json::Null);
        assert_eq!(d["snippet"]["code"], "x = 1");
        // The block's first byte is not inside it: Terraform looks one byte back.
        assert_eq!(one("locals {}\n", 0..6)["snippet"]["context"], Json::Null);
    }

    #[test]
    fn a_file_that_does_not_parse_still_names_the_open_block() {
        let text = "resource \"terraform_data\" \"a\" {\n  input = \"hello\"\n  triggers_replace = [\n}\n";
        let d = one(text, 73..74);
        assert_eq!(d["snippet"]["context"], "resource \"terraform_data\" \"a\"");
        assert_eq!(d["snippet"]["code"], "}");
        assert_eq!(d["snippet"]["highlight_start_offset"], 0);
        let closed = "locals {\n}\n= 1\n";
        assert_eq!(one(closed, 11..12)["snippet"]["context"], Json::Null);
    }

    #[test]
    fn a_resource_address_before_the_summary_is_given_apart() {
        assert_eq!(
            split_address("azurerm_subnet.s[\"a: b\"]: Cannot read"),
            (Some("azurerm_subnet.s[\"a: b\"]"), "Cannot read")
        );
        assert_eq!(
            split_address("module.m.azurerm_subnet.s (deposed object 0a1b): Gone"),
            (Some("module.m.azurerm_subnet.s"), "Gone")
        );
        assert_eq!(split_address("Invalid value: no"), (None, "Invalid value: no"));
        assert_eq!(split_address("Cannot read"), (None, "Cannot read"));
    }
}
