//! Warnings in Terraform's `-compact-warnings` form: each warning's summary
//! and where it first occurs, warnings with the same summary folded into
//! one. Only for diagnostics that are all warnings (with an error, the full
//! warnings give it context, so the caller renders them in full).

use crate::diag::{Diagnostics, Sources};

pub fn text(diags: &Diagnostics, sources: &Sources, color: bool) -> String {
    // Summaries in first-seen order, each with its places (file, line).
    type Places = Vec<Option<(String, usize)>>;
    let mut groups: Vec<(&str, Places)> = Vec::new();
    for d in diags {
        let place = d.span.map(|s| {
            let f = sources.get(s.file);
            (f.name.clone(), f.position(s.start).line)
        });
        match groups.iter_mut().find(|(summary, _)| *summary == d.summary) {
            Some((_, places)) => places.push(place),
            None => groups.push((&d.summary, vec![place])),
        }
    }
    let mut out = String::from("\n");
    out.push_str(if color {
        "\x1b[1;33mWarnings:\x1b[0m\n\n"
    } else {
        "Warnings:\n\n"
    });
    for (summary, places) in &groups {
        out.push_str(&format!("- {summary}\n"));
        let more = places.len() - 1;
        match places.iter().flatten().next() {
            Some((file, line)) if more > 0 => out.push_str(&format!("  on {file} line {line} (and {more} more)\n")),
            Some((file, line)) => out.push_str(&format!("  on {file} line {line}\n")),
            None if more > 0 => out.push_str(&format!("  ({} occurrences of this warning)\n", places.len())),
            None => {}
        }
    }
    out.push_str("\nTo see the full warning notes, run aksplan without -compact-warnings.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Diagnostic, Span};

    #[test]
    fn one_summary_per_warning_with_its_first_place() {
        let mut sources = Sources::default();
        let f = sources.add("main.tf", "a = 1\nb = 2\nc = 3\n");
        let mut diags = Diagnostics::new();
        diags.push(Diagnostic::warning("Deprecated attribute").with_span(Span::new(f, 6..7)));
        diags.push(Diagnostic::warning("Deprecated attribute").with_span(Span::new(f, 12..13)));
        diags.push(Diagnostic::warning("moved blocks are ignored").with_span(Span::new(f, 0..1)));
        diags.push(Diagnostic::warning("No place"));
        diags.push(Diagnostic::warning("Twice, no place"));
        diags.push(Diagnostic::warning("Twice, no place"));
        assert_eq!(
            text(&diags, &sources, false),
            "\nWarnings:\n\n\
             - Deprecated attribute\n  on main.tf line 2 (and 1 more)\n\
             - moved blocks are ignored\n  on main.tf line 1\n\
             - No place\n\
             - Twice, no place\n  (2 occurrences of this warning)\n\
             \nTo see the full warning notes, run aksplan without -compact-warnings.\n"
        );
    }
}
