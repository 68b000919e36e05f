use super::*;

const MAIN: &str = "locals {\n  a = var.nope\n}\n\nresource \"azurerm_kubernetes_cluster\" \"k\" {\n  name = \"k\"\n  sku  = \"Free\"\n}\n";

fn sources() -> (Sources, crate::diag::FileId) {
    let mut sources = Sources::default();
    let f = sources.add("main.tf", MAIN);
    (sources, f)
}

fn span_of(f: crate::diag::FileId, needle: &str) -> Span {
    let at = MAIN.find(needle).unwrap();
    Span::new(f, at..at + needle.len())
}

#[test]
fn a_span_shows_its_file_line_block_and_source_line_without_underline() {
    let (s, f) = sources();
    let d = Diagnostic::error("Reference to undeclared input variable")
        .with_detail("An input variable with the name \"nope\" has not been declared.")
        .with_span(span_of(f, "var.nope"));
    assert_eq!(
        text(&d.into(), &s),
        "\nError: Reference to undeclared input variable\n\n  \
         on main.tf line 2, in locals:\n   \
         2:   a = var.nope\n\n\
         An input variable with the name \"nope\" has not been declared.\n"
    );
}

#[test]
fn the_code_precedes_the_summary_and_the_help_comes_last() {
    let (s, f) = sources();
    let d = Diagnostic::warning("Free tier cluster")
        .with_code("AKS012")
        .with_detail("The Free tier has no uptime SLA.")
        .with_span(span_of(f, "\"Free\""))
        .with_help("set sku to \"Standard\" for production");
    assert_eq!(
        text(&d.into(), &s),
        "\nWarning: [AKS012] Free tier cluster\n\n  \
         on main.tf line 7, in resource \"azurerm_kubernetes_cluster\" \"k\":\n   \
         7:   sku  = \"Free\"\n\n\
         The Free tier has no uptime SLA.\n\n\
         Help: set sku to \"Standard\" for production\n"
    );
}

#[test]
fn without_a_span_there_is_no_snippet() {
    let d = Diagnostic::error("No configuration files")
        .with_detail("Plan requires configuration to be present.")
        .with_help("check --chdir");
    assert_eq!(
        text(&d.into(), &Sources::default()),
        "\nError: No configuration files\n\nPlan requires configuration to be present.\n\nHelp: check --chdir\n"
    );
    // A summary alone ends with terraform's blank line.
    let d = Diagnostic::error("Invalid argument").with_code("AKS001");
    assert_eq!(
        text(&d.into(), &Sources::default()),
        "\nError: [AKS001] Invalid argument\n\n"
    );
}

#[test]
fn a_label_on_the_span_is_said_under_it_and_others_get_their_own_snippet() {
    let (s, f) = sources();
    let d = Diagnostic::error("Dependency cycle")
        .with_detail("Each value depends on the other.")
        .with_span(span_of(f, "var.nope"))
        .with_label(span_of(f, "var.nope"), "local.a refers to var.nope")
        .with_label(span_of(f, "\"k\"\n"), "the cluster's name")
        .with_help("break the cycle");
    assert_eq!(
        text(&d.into(), &s),
        "\nError: Dependency cycle: Each value depends on the other.\n\n  \
         on main.tf line 2, in locals:\n   \
         2:   a = var.nope\n\n\
         local.a refers to var.nope\n\n  \
         on main.tf line 6, in resource \"azurerm_kubernetes_cluster\" \"k\":\n   \
         6:   name = \"k\"\n\n\
         the cluster's name\n\n\
         Help: break the cycle\n"
    );
}

#[test]
fn a_label_on_the_span_without_detail_is_said_under_it() {
    let (s, f) = sources();
    let d = Diagnostic::error("Unsupported argument")
        .with_span(span_of(f, "sku"))
        .with_label(span_of(f, "sku"), "there is no argument named sku here");
    assert_eq!(
        text(&d.into(), &s),
        "\nError: Unsupported argument\n\n  \
         on main.tf line 7, in resource \"azurerm_kubernetes_cluster\" \"k\":\n   \
         7:   sku  = \"Free\"\n\n\
         there is no argument named sku here\n"
    );
}

#[test]
fn a_span_over_several_lines_shows_each_and_an_empty_one_its_line() {
    let (s, f) = sources();
    let at = MAIN.find("name").unwrap();
    let end = MAIN.find("\"Free\"").unwrap() + 6;
    let d = Diagnostic::error("Two lines").with_span(Span::new(f, at..end));
    assert!(
        text(&d.into(), &s).contains("  on main.tf line 6, in resource \"azurerm_kubernetes_cluster\" \"k\":\n   6:   name = \"k\"\n   7:   sku  = \"Free\"\n\n"),
    );
    // At the end of the file: its last line (empty) is shown.
    let d = Diagnostic::error("At the end").with_span(Span::new(f, MAIN.len()..MAIN.len()));
    assert_eq!(
        text(&d.into(), &s),
        "\nError: At the end\n\n  on main.tf line 9:\n   9: \n\n"
    );
}

#[test]
fn detail_is_wrapped_at_77_columns_at_spaces_only() {
    let detail = "A local value with the name \"missing\" has not been declared, and this sentence goes on \
                  past the edge: https://example.com/a-very-long-address-that-is-never-broken-even-where-it-has-hyphens-in-it\n  \
                  an indented line is preformatted and is never wrapped however long it may happen to be, as in terraform";
    let d = Diagnostic::error("Long").with_detail(detail);
    let t = text(&d.into(), &Sources::default());
    let lines: Vec<&str> = t.lines().skip(3).collect();
    assert_eq!(
        lines,
        [
            "A local value with the name \"missing\" has not been declared, and this",
            "sentence goes on past the edge:",
            "https://example.com/a-very-long-address-that-is-never-broken-even-where-it-has-hyphens-in-it",
            "  an indented line is preformatted and is never wrapped however long it may happen to be, as in terraform",
        ]
    );
}

#[test]
fn a_very_long_line_is_cut_around_the_place() {
    let mut sources = Sources::default();
    let line = format!("  a = \"{}\" + nope.x", "x".repeat(1000));
    let text_ = format!("locals {{\n{line}\n}}\n");
    let f = sources.add("main.tf", text_.as_str());
    let at = text_.find("nope").unwrap();
    let d = Diagnostic::error("Undeclared").with_span(Span::new(f, at..at + 6));
    let t = text(&d.into(), &sources);
    let shown = t.lines().find(|l| l.starts_with("   2: ")).unwrap();
    assert!(shown.contains("+ nope.x") && shown.contains('…'), "{shown}");
    assert!(shown.chars().count() < 4 * CONTEXT + 20, "{shown}");
    assert!(t.contains("on main.tf line 2, in locals:"), "{t}");
}

#[test]
fn nothing_is_drawn_and_nothing_coloured() {
    let (s, f) = sources();
    let d = Diagnostic::error("E")
        .with_detail("d")
        .with_span(span_of(f, "var.nope"))
        .with_label(span_of(f, "\"k\"\n"), "l")
        .with_help("h");
    let t = text(&d.into(), &s);
    assert!(!t.contains(['╭', '│', '╷', '╵', '×', '─', '\x1b']), "{t}");
}
