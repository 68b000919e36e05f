//! Diagnostics as plain text, in the layout of terraform's
//! `format.DiagnosticPlain` (what `terraform plan -no-color` prints): no
//! box drawing, no colour, nothing but text a log or a script can read.
//!
//! ```text
//!
//! Error: [AKS012] Summary
//!
//!   on main.tf line 3, in resource "x" "y":
//!    3:   foo = 1
//!
//! Detail, wrapped at 77 columns as terraform wraps it.
//!
//! Help: what to do about it
//! ```
//!
//! Each diagnostic starts with a blank line, as in terraform. aksplan's
//! extras keep to that layout: the rule code in brackets before the
//! summary; a label on the place shown said after it (the detail then
//! joins the summary, as in the graphical rendering); a secondary place as
//! another `on ... line N` snippet followed by what is there; and the help
//! as a last `Help:` paragraph. A line of
//! source longer than [`LONG_LINE`] characters is cut around the place, as
//! the graphical renderer cuts it. Only renders: the caller decides when
//! plain text is wanted.

use super::snippet::{CONTEXT, LONG_LINE};
use super::source_context::Contexts;
use crate::diag::{Diagnostic, Diagnostics, Severity, Sources, Span};
use std::fmt::Write;

/// Terraform's width when its output is not a terminal; text is wrapped
/// one column short of it.
const COLUMNS: usize = 78;

/// Every diagnostic, each after a blank line.
pub fn text(diags: &Diagnostics, sources: &Sources) -> String {
    let mut contexts = Contexts::default();
    let mut out = String::new();
    for d in diags {
        one(d, sources, &mut contexts, &mut out);
    }
    out
}

fn one(d: &Diagnostic, sources: &Sources, contexts: &mut Contexts, out: &mut String) {
    let severity = match d.severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
    };
    let code = d.code.map(|c| format!("[{c}] ")).unwrap_or_default();
    // As in the graphical rendering, a label on the primary place says
    // what is there, and the detail joins the summary.
    let mut said: Vec<&str> = d
        .labels
        .iter()
        .filter(|l| Some(l.span) == d.span)
        .map(|l| l.message.as_str())
        .collect();
    let summary = match (said.is_empty(), d.detail.is_empty()) {
        (false, false) => format!("{}: {}", d.summary, d.detail),
        (true, false) => {
            said.push(&d.detail);
            d.summary.clone()
        }
        (_, true) => d.summary.clone(),
    };
    // The summary is not wrapped, as in terraform.
    let _ = write!(out, "\n{severity}: {code}{summary}\n\n");
    if let Some(span) = d.span {
        snippet(span, sources, contexts, out);
    }
    for text in said {
        out.push_str(&wrap(text));
    }
    for l in d.labels.iter().filter(|l| Some(l.span) != d.span) {
        blank_line(out);
        snippet(l.span, sources, contexts, out);
        out.push_str(&wrap(&l.message));
    }
    if let Some(help) = &d.help {
        blank_line(out);
        out.push_str(&wrap(&format!("Help: {help}")));
    }
}

/// Ends what was written with a blank line, unless it already does.
fn blank_line(out: &mut String) {
    if !out.ends_with("\n\n") {
        out.push('\n');
    }
}

/// `  on FILE line N, in CONTEXT:`, then each line the span touches with
/// its number, then a blank line.
fn snippet(span: Span, sources: &Sources, contexts: &mut Contexts, out: &mut String) {
    let file = sources.get(span.file);
    let text: &str = &file.text;
    // Spans index the parsed text; what is shown is the written one.
    let at = file.written(span.start..span.end);
    let start = floor_char(text, at.start);
    let end = floor_char(text, at.end).max(start);
    // The last byte the span covers: an empty span still shows its line,
    // as terraform widens it by a byte.
    let last = if end > start { end - 1 } else { start };
    let first_line = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let last_line_end = text.as_bytes()[last.min(text.len())..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| last + i);
    let number = text[..first_line].matches('\n').count() + 1;
    let context = contexts
        .at(sources, span.file, start)
        .map(|c| format!(", in {c}"))
        .unwrap_or_default();
    let _ = writeln!(out, "  on {} line {number}{context}:", file.name);
    let mut line_start = first_line;
    for (i, line) in text[first_line..last_line_end.max(first_line)].split('\n').enumerate() {
        // The places on this line, as character offsets, where a long line is kept.
        let line_end = line_start + line.len();
        let places: Vec<usize> = [start, end]
            .into_iter()
            .filter(|&p| p >= line_start && p <= line_end)
            .map(|p| text[line_start..p].chars().count())
            .collect();
        let line = line.strip_suffix('\r').unwrap_or(line);
        let _ = writeln!(out, "{:4}: {}", number + i, cut(line, &places));
        line_start = line_end + 1;
    }
    out.push('\n');
}

/// The character boundary at or before `at`, within the text.
fn floor_char(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A line longer than [`LONG_LINE`] characters as windows of [`CONTEXT`]
/// characters around its start and the places on it, joined by `…`.
fn cut(line: &str, places: &[usize]) -> String {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= LONG_LINE {
        return line.to_string();
    }
    let mut windows: Vec<(usize, usize)> = std::iter::once(0)
        .chain(places.iter().copied())
        .map(|p| (p.saturating_sub(CONTEXT), (p + CONTEXT).min(chars.len())))
        .collect();
    windows.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in windows {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut shown = String::new();
    let mut end = 0;
    for (s, e) in merged {
        if s > end {
            shown.push('…');
        }
        shown.extend(&chars[s..e]);
        end = e;
    }
    if end < chars.len() {
        shown.push('…');
    }
    shown
}

/// Text as terraform writes a diagnostic's detail: each line wrapped at
/// spaces to 77 columns, a line starting with a space (preformatted) left
/// as it is; every line ends with a newline.
fn wrap(text: &str) -> String {
    let options = textwrap::Options::new(COLUMNS - 1)
        .break_words(false)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit);
    let mut out = String::new();
    for line in text.split('\n') {
        if line.starts_with(' ') || line.is_empty() {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        for piece in textwrap::wrap(line, &options) {
            out.push_str(&piece);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests;
