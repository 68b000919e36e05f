//! One diagnostic in the plan's pull-request comment: its message (summary
//! and detail), its place as `file:line` (the file named as the text
//! diagnostics name it, relative to the configuration's directory), the
//! source lines under its span in a fence, and its help. As a section of
//! its own (an error of a failed plan) or as a list item (a warning).
//!
//! It shows only what the diagnostic says, as the terminal does: a
//! diagnostic about a sensitive value carries no value and points at no line
//! that holds one, so none appears here either. Text is escaped so that it
//! cannot turn into markup (a `<tag>` GitHub would hide, a `*` starting
//! emphasis); `code spans` the message writes stay code. Decides nothing.

use crate::diag::{Diagnostic, Diagnostics, Severity, Sources, Span};
use std::fmt::Write;

/// The most characters of one text (a detail, a help) a comment shows:
/// a provider's error can carry a whole response body.
pub const MAX_TEXT: usize = 4_000;
/// The most lines of a span shown.
const MAX_LINES: usize = 3;
/// Lines longer than this many characters are cut around the span.
const LONG_LINE: usize = 240;
/// Characters kept each side of the span's start on a cut line.
const CONTEXT: usize = 60;

/// A diagnostic, with the sources its spans point into.
#[derive(Clone, Copy)]
pub struct Found<'a> {
    pub diagnostic: &'a Diagnostic,
    pub sources: &'a Sources,
}

/// Every diagnostic of `reports`, in the order they were reported.
pub fn all(reports: &[(Diagnostics, Sources)]) -> Vec<Found<'_>> {
    reports
        .iter()
        .flat_map(|(diags, sources)| diags.iter().map(move |diagnostic| Found { diagnostic, sources }))
        .collect()
}

/// `file:line` of a span.
fn place(sources: &Sources, span: Span) -> String {
    let f = sources.get(span.file);
    format!("{}:{}", f.name, f.position(span.start).line)
}

/// `s` as a code span, however many backticks it holds.
pub fn code(s: &str) -> String {
    let ticks = "`".repeat(longest_run(s, '`') + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{s}{pad}{ticks}")
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut now) = (0, 0);
    for ch in s.chars() {
        now = if ch == c { now + 1 } else { 0 };
        best = best.max(now);
    }
    best
}

/// Plain text made safe for Markdown: characters that would start markup
/// are escaped, line by line, except inside the code spans it writes.
pub fn text(s: &str) -> String {
    let s = cut(s);
    s.lines().map(line).collect::<Vec<_>>().join("\n")
}

/// `s` cut to [`MAX_TEXT`] characters.
fn cut(s: &str) -> String {
    match s.char_indices().nth(MAX_TEXT) {
        Some((i, _)) => format!("{}… (cut short; the run's standard error has all of it)", &s[..i]),
        None => s.to_string(),
    }
}

fn line(l: &str) -> String {
    let mut out = String::with_capacity(l.len());
    let trimmed = l.trim_start();
    // A line of only `-` or `=` would make the line before it a heading.
    let rule = !trimmed.is_empty() && trimmed.chars().all(|c| c == '-' || c == '=');
    if rule || trimmed.starts_with(['#', '>', '=']) {
        out.push_str(&l[..l.len() - trimmed.len()]);
        out.push('\\');
        out.push_str(&escape(trimmed, true));
        return out;
    }
    escape(l, false)
}

/// Escapes markup outside code spans; `first` when the first character
/// was escaped already.
fn escape(s: &str, first: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c == '`' {
            let run = chars[i..].iter().take_while(|(_, c)| *c == '`').count();
            let body = at + run;
            if let Some(close) = closing(&s[body..], run) {
                let end = body + close + run;
                out.push_str(&s[at..end]);
                i += s[at..end].chars().count();
                continue;
            }
            out.push_str(&"\\`".repeat(run));
            i += run;
            continue;
        }
        // `_` inside a word (`node_count`) is no emphasis.
        let in_word = |j: usize| chars.get(j).is_some_and(|(_, c)| c.is_alphanumeric());
        let markup = match c {
            '_' => !(i > 0 && in_word(i - 1) && in_word(i + 1)),
            _ => matches!(c, '\\' | '*' | '<' | '>' | '[' | ']' | '~' | '&' | '|'),
        };
        if i == 0 && first {
            out.push(c);
        } else if markup {
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// Where a run of exactly `n` backticks starts in `s`.
fn closing(s: &str, n: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'`' {
            let run = b[i..].iter().take_while(|&&c| c == b'`').count();
            if run == n {
                return Some(i);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

/// The lines under `span` in a fence, numbered, the span underlined when
/// it is on one line.
fn excerpt(sources: &Sources, span: Span) -> String {
    let f = sources.get(span.file);
    let start = f.position(span.start);
    let mut end = f.end_position(span.end);
    if end.line > start.line && end.column == 1 {
        // A span that takes in the line's end ends on that line.
        end.line -= 1;
        end.column = usize::MAX;
    }
    let last = end.line.max(start.line).min(start.line + MAX_LINES - 1);
    let lines: Vec<&str> = f.text.lines().collect();
    let width = last.to_string().len();
    let mut body = String::new();
    for n in start.line..=last {
        let Some(text) = lines.get(n - 1) else { break };
        if n == start.line && end.line == start.line {
            let (shown, from, to) = window(text, start.column - 1, end.column.saturating_sub(1).max(start.column));
            let _ = writeln!(body, "{n:>width$} | {shown}");
            let pad: String = shown
                .chars()
                .take(from)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(body, "{:>width$} | {pad}{}", "", "^".repeat(to - from));
        } else {
            let (shown, _, _) = window(text, if n == start.line { start.column - 1 } else { 0 }, 0);
            let _ = writeln!(body, "{n:>width$} | {shown}");
        }
    }
    if end.line > last {
        let _ = writeln!(body, "{:>width$} | …", "");
    }
    let fence = "`".repeat(longest_run(&body, '`').max(2) + 1);
    format!("{fence}text\n{body}{fence}\n")
}

/// A line as shown, cut around column `from` (in characters) when long,
/// with where `from..to` is in what is shown (`to` at least `from + 1`).
fn window(line: &str, from: usize, to: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    let to = to.max(from + 1);
    if chars.len() <= LONG_LINE {
        let to = to.min(chars.len().max(from + 1));
        return (line.to_string(), from, to);
    }
    let a = from.saturating_sub(CONTEXT);
    let b = (from + CONTEXT).min(chars.len()).max(a);
    let mut shown = String::new();
    if a > 0 {
        shown.push('…');
    }
    shown.extend(&chars[a..b]);
    if b < chars.len() {
        shown.push('…');
    }
    let lead = usize::from(a > 0);
    let from = from - a + lead;
    let to = (to - a).saturating_add(lead).min(b - a + lead).max(from + 1);
    (shown, from, to)
}

fn icon(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
    }
}

/// A diagnostic as a section of its own: the summary as a heading, its
/// code and place, the source, the detail, further places, the help.
pub fn section(f: Found) -> String {
    let d = f.diagnostic;
    let kind = match d.severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
    };
    let mut parts = vec![format!(
        "### {} {kind}: {}",
        icon(d),
        text(&d.summary.replace('\n', " "))
    )];
    let at = d.span.map(|s| code(&place(f.sources, s)));
    match (d.code, at) {
        (Some(c), Some(at)) => parts.push(format!("**{c}** at {at}")),
        (Some(c), None) => parts.push(format!("**{c}**")),
        (None, Some(at)) => parts.push(format!("At {at}")),
        (None, None) => {}
    }
    if let Some(span) = d.span {
        parts.push(excerpt(f.sources, span).trim_end().to_string());
    }
    if !d.detail.is_empty() {
        parts.push(text(&d.detail));
    }
    if !d.labels.is_empty() {
        let places: Vec<String> = d
            .labels
            .iter()
            .map(|l| format!("- {}: {}", code(&place(f.sources, l.span)), text(&l.message)))
            .collect();
        parts.push(places.join("\n"));
    }
    if let Some(h) = &d.help {
        parts.push(format!("**Help:** {}", text(h)));
    }
    format!("\n{}\n", parts.join("\n\n"))
}

/// A diagnostic as a list item: code, summary and place on the first line,
/// then the detail and the help, inside the item.
pub fn item(f: Found) -> String {
    let d = f.diagnostic;
    let code = d.code.map(|c| format!("**{c}** ")).unwrap_or_default();
    let at = d
        .span
        .map(|s| format!(" ({})", self::code(&place(f.sources, s))))
        .unwrap_or_default();
    let mut out = format!("- {} {code}{}{at}\n", icon(d), text(&d.summary.replace('\n', " ")));
    let mut more = Vec::new();
    if !d.detail.is_empty() {
        more.push(text(&d.detail));
    }
    if let Some(h) = &d.help {
        more.push(format!("**Help:** {}", text(h)));
    }
    for l in more.iter().flat_map(|m| m.lines()) {
        if l.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "  {l}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_code_spans_stay() {
        assert_eq!(
            text("a <b> *c* d_e _f_ [x](y) run `aksplan <init>` & ~~s~~"),
            r"a \<b\> \*c\* d_e \_f\_ \[x\](y) run `aksplan <init>` \& \~\~s\~\~"
        );
        assert_eq!(
            text("# not a heading\n> nor a quote\n---"),
            "\\# not a heading\n\\> nor a quote\n\\---"
        );
        assert_eq!(text("an odd ` tick"), r"an odd \` tick");
        assert_eq!(text("``a ` b``"), "``a ` b``");
    }

    #[test]
    fn code_spans_hold_any_backticks() {
        assert_eq!(code("main.tf:3"), "`main.tf:3`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
    }

    #[test]
    fn long_texts_are_cut() {
        let t = text(&"x".repeat(MAX_TEXT + 10));
        assert!(t.starts_with(&"x".repeat(MAX_TEXT)), "{t}");
        assert!(
            t.ends_with("(cut short; the run's standard error has all of it)"),
            "{t}"
        );
    }

    #[test]
    fn an_item_keeps_the_message_and_the_help_inside_it() {
        let mut sources = Sources::default();
        let f = sources.add("main.tf", "resource \"x\" \"y\" {}\n");
        let d = Diagnostic::warning("Something <odd>")
            .with_code("PRIV003")
            .with_detail("first line\nsecond line")
            .with_span(Span::new(f, 0..8))
            .with_help("grant it on <the zone>.id");
        let sources = &sources;
        assert_eq!(
            item(Found { diagnostic: &d, sources }),
            "- ⚠️ **PRIV003** Something \\<odd\\> (`main.tf:1`)\n  first line\n  second line\n  **Help:** grant it on \\<the zone\\>.id\n"
        );
        let bare = Diagnostic::warning("Removed").with_code("ARC001");
        assert_eq!(
            item(Found {
                diagnostic: &bare,
                sources
            }),
            "- ⚠️ **ARC001** Removed\n"
        );
    }

    fn at(src: &str, range: std::ops::Range<usize>) -> String {
        let mut sources = Sources::default();
        let f = sources.add("main.tf", src);
        excerpt(&sources, Span::new(f, range))
    }

    #[test]
    fn an_excerpt_underlines_a_span_on_one_line() {
        let src = "locals {\n  a = var.nope\n}\n";
        assert_eq!(
            at(src, 15..23),
            "```text\n2 |   a = var.nope\n  |       ^^^^^^^^\n```\n"
        );
        // An empty span (the end of a line) still shows where.
        assert_eq!(at("x = \n", 4..4), "```text\n1 | x = \n  |     ^\n```\n");
        // So does one that takes in the line's end.
        assert_eq!(at("x = \n}\n", 4..5), "```text\n1 | x = \n  |     ^\n```\n");
        assert_eq!(at("ab\n", 0..3), "```text\n1 | ab\n  | ^^\n```\n");
        // Tabs stay tabs, so the underline lines up.
        assert_eq!(at("\tb = 1\n", 1..2), "```text\n1 | \tb = 1\n  | \t^\n```\n");
    }

    #[test]
    fn an_excerpt_of_many_lines_shows_the_first_three() {
        let src = "a\nb\nc\nd\ne\n";
        assert_eq!(at(src, 2..9), "```text\n2 | b\n3 | c\n4 | d\n  | …\n```\n");
    }

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        let src = format!("x = \"{}\" + bad\n", "a".repeat(1000));
        let start = src.find("bad").unwrap();
        let e = at(&src, start..start + 3);
        let lines: Vec<&str> = e.lines().collect();
        assert!(lines[1].starts_with("1 | …"), "{e}");
        assert!(lines[1].chars().count() < 2 * CONTEXT + 10, "{e}");
        // In characters: the `…` is one, of three bytes.
        let underline = lines[2].chars().position(|c| c == '^').unwrap();
        let under: String = lines[1].chars().skip(underline).take(3).collect();
        assert_eq!(under, "bad", "{e}");
    }

    #[test]
    fn fences_outlast_backticks_in_the_source() {
        let e = at("x = \"```\"\n", 0..1);
        assert!(e.starts_with("````text\n") && e.ends_with("````\n"), "{e}");
    }
}
