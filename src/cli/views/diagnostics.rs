//! Diagnostics as text or as the JSON of `terraform validate -json` plus a
//! `code`. Text is drawn by miette (the source line, the span underlined,
//! in a box) when colour is on, that is on a terminal; otherwise it is
//! plain text in terraform's `-no-color` layout ([`super::diagnostics_plain`]),
//! which a log or a script reads without box drawing.

use super::snippet::Snippet;
use crate::diag::{Diagnostic, Diagnostics, Severity, Sources};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic};
use serde_json::json;

/// Renders every diagnostic for a terminal (`color`) or for a log.
pub fn text(diags: &Diagnostics, sources: &Sources, color: bool) -> String {
    if color {
        graphical(diags, sources, GraphicalTheme::unicode())
    } else {
        super::diagnostics_plain::text(diags, sources)
    }
}

/// miette's drawing of every diagnostic.
fn graphical(diags: &Diagnostics, sources: &Sources, theme: GraphicalTheme) -> String {
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    for d in diags {
        render_one(&handler, d, sources, &mut out);
        out.push('\n');
    }
    out
}

fn render_one(handler: &GraphicalReportHandler, d: &Diagnostic, sources: &Sources, out: &mut String) {
    let severity = match d.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    };
    // When a secondary label sits on the primary span, it takes the primary
    // label's place and the detail moves into the header.
    let label_on_primary = d.span.is_some_and(|s| d.labels.iter().any(|l| l.span == s));
    let message = if label_on_primary && !d.detail.is_empty() {
        format!("{}: {}", d.summary, d.detail)
    } else {
        d.summary.clone()
    };
    let mut md = MietteDiagnostic::new(message).with_severity(severity);
    if let Some(code) = d.code {
        md = md.with_code(code);
    }
    let mut help: Vec<String> = d.help.iter().cloned().collect();
    let Some(span) = d.span else {
        // Nothing to point at: the detail goes in the help text.
        if !d.detail.is_empty() {
            help.insert(0, d.detail.clone());
        }
        if !help.is_empty() {
            md = md.with_help(help.join("\n"));
        }
        let _ = handler.render_report(out, &md);
        return;
    };
    let file = sources.get(span.file);
    let primary = if d.detail.is_empty() || label_on_primary {
        None
    } else {
        Some(d.detail.clone())
    };
    // Spans index the parsed text; the file shown is the written one, with
    // very long lines cut around the places shown (see `snippet`).
    let at = |s: crate::diag::Span| file.written(s.start..s.end);
    let here: Vec<_> = std::iter::once(span)
        .chain(d.labels.iter().map(|l| l.span))
        .filter(|s| s.file == span.file)
        .map(at)
        .collect();
    let snippet = Snippet::new(file.name.clone(), file.text.clone(), &here);
    let shown = |s: crate::diag::Span| snippet.map(at(s));
    let mut labels = vec![LabeledSpan::new_primary_with_span(primary, shown(span))];
    for l in &d.labels {
        if l.span == span {
            labels[0] = LabeledSpan::new_primary_with_span(Some(l.message.clone()), shown(span));
        } else if l.span.file == span.file {
            labels.push(LabeledSpan::new_with_span(Some(l.message.clone()), shown(l.span)));
        } else {
            let other = sources.get(l.span.file);
            let p = other.position(l.span.start);
            help.push(format!("{}:{}:{}: {}", other.name, p.line, p.column, l.message));
        }
    }
    md = md.with_labels(labels);
    if !help.is_empty() {
        md = md.with_help(help.join("\n"));
    }
    let report = miette::Report::new(md).with_source_code(snippet);
    let _ = handler.render_report(out, report.as_ref());
}

/// ", with N warning(s)" when there are warnings.
pub fn warning_suffix(diags: &Diagnostics) -> String {
    match diags.warning_count() {
        0 => String::new(),
        1 => ", with 1 warning".into(),
        n => format!(", with {n} warnings"),
    }
}

/// The JSON of `terraform validate -json`, with a `code` per diagnostic.
pub fn json(diags: &Diagnostics, sources: &Sources) -> String {
    let list: Vec<serde_json::Value> = diags.iter().map(|d| diagnostic_json(d, sources)).collect();
    let doc = json!({
        "format_version": "1.0",
        "valid": !diags.has_errors(),
        "error_count": diags.error_count(),
        "warning_count": diags.warning_count(),
        "diagnostics": list,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

pub fn diagnostic_json(d: &Diagnostic, sources: &Sources) -> serde_json::Value {
    let mut detail = d.detail.clone();
    if let Some(h) = &d.help {
        if !detail.is_empty() {
            detail.push_str("\n\n");
        }
        detail.push_str(h);
    }
    let range = d.span.map(|s| {
        let f = sources.get(s.file);
        json!({
            "filename": f.name,
            "start": f.position(s.start),
            "end": f.end_position(s.end),
        })
    });
    json!({
        "severity": d.severity.to_string(),
        "code": d.code,
        "summary": d.summary,
        "detail": detail,
        "range": range,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Span;

    fn sample() -> (Diagnostics, Sources) {
        let mut sources = Sources::default();
        let f = sources.add("main.tf", "locals {\n  a = var.nope\n}\n");
        let d = Diagnostic::error("Reference to undeclared or invalid name")
            .with_detail("var.nope is not declared")
            .with_span(Span::new(f, 15..23))
            .with_help("declare it");
        (d.into(), sources)
    }

    #[test]
    fn graphical_text_shows_the_line_and_underlines_the_span() {
        let (d, s) = sample();
        let t = graphical(&d, &s, GraphicalTheme::unicode_nocolor());
        assert!(t.contains("Reference to undeclared or invalid name"), "{t}");
        assert!(t.contains("[main.tf:2:7]"), "{t}");
        assert!(t.contains("a = var.nope"), "{t}");
        assert!(t.contains("var.nope is not declared"), "{t}");
        assert!(t.contains("help: declare it"), "{t}");
    }

    #[test]
    fn colour_draws_the_box_and_plain_text_has_none() {
        let (d, s) = sample();
        let boxed = text(&d, &s, true);
        assert!(boxed.contains('╭') && boxed.contains("\x1b["), "{boxed}");
        let plain = text(&d, &s, false);
        assert!(
            plain.starts_with("\nError: Reference to undeclared or invalid name\n"),
            "{plain}"
        );
        assert!(!plain.contains(['╭', '│', '×', '\x1b']), "{plain}");
    }

    #[test]
    fn json_has_terraform_shape_and_code() {
        let (d, s) = sample();
        let v: serde_json::Value = serde_json::from_str(&json(&d, &s)).unwrap();
        assert_eq!(v["valid"], false);
        assert_eq!(v["error_count"], 1);
        let d0 = &v["diagnostics"][0];
        assert_eq!(d0["code"], serde_json::Value::Null);
        assert_eq!(d0["range"]["filename"], "main.tf");
        assert_eq!(d0["range"]["start"], json!({"line": 2, "column": 7, "byte": 15}));
        assert_eq!(d0["range"]["end"], json!({"line": 2, "column": 15, "byte": 23}));
    }
}
