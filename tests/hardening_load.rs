//! Hostile input to the loader, the formatter and the diagnostics renderer
//! (issue 16): each case ends with a clear error at its place, never a
//! panic, a hang or a corrupted file.

mod common;

use common::{run, write};

/// miette refuses columns past 65,535; the renderer cuts the line.
#[test]
fn an_error_at_the_end_of_a_70000_character_line_is_shown_without_panic() {
    let dir = tempfile::tempdir().unwrap();
    let line = format!("  a = \"{}\" + nope.x\n", "x".repeat(70_000));
    write(dir.path(), &[("main.tf", &format!("locals {{\n{line}}}\n"))]);
    let r = run(dir.path(), &["validate", "--no-color"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        !r.stderr.contains("panicked"),
        "{}",
        &r.stderr[..r.stderr.len().min(2000)]
    );
    assert!(
        r.stderr.contains("Reference to undeclared or invalid name"),
        "{}",
        r.stderr.len()
    );
    // The header keeps the file's line and column; the line is shown cut.
    let column = line.find("nope").unwrap() + 1;
    assert!(
        r.stderr.contains(&format!("[main.tf:2:{column}]")),
        "{}",
        r.stderr.len()
    );
    let shown = r.stderr.lines().find(|l| l.contains("+ nope.x")).unwrap();
    assert!(shown.contains('…') && shown.chars().count() < 300, "{shown}");
}

fn fixture(name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hardening")
        .join(name);
    std::fs::read_to_string(p).unwrap()
}

/// A quoted label written over two lines: terraform refuses it (its output
/// on this file is kept in the fixtures); fmt used to rewrite it into a file
/// that no longer parsed, and exit 0.
#[test]
fn a_label_with_a_newline_inside_its_quotes_is_refused_as_terraform_does() {
    let src = fixture("label_newline.tf");
    let terraform = fixture("label_newline.terraform-fmt.txt");
    let summary = "Invalid multi-line string";
    assert!(terraform.contains(&format!("Error: {summary}")), "{terraform}");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", &src)]);
    let r = run(dir.path(), &["fmt", "--no-color"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains(summary), "{}", r.stderr);
    assert!(r.stderr.contains("[main.tf:3:35]"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(dir.path().join("main.tf")).unwrap(), src);
    let r = run(dir.path(), &["validate", "--no-color"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains(summary), "{}", r.stderr);
}

/// The fixture tests/fixtures/fmt/combining_accent.tf.in is formatted as
/// terraform does (tests/fmt.rs); here, its output parses and is stable.
#[test]
fn identifiers_with_a_combining_accent_stay_one_identifier() {
    let dir = tempfile::tempdir().unwrap();
    let src = "locals {\n  cafe\u{301} = 1\n  x = local.cafe\u{301}\n}\n";
    write(dir.path(), &[("main.tf", src)]);
    let r = run(dir.path(), &["fmt"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = std::fs::read_to_string(dir.path().join("main.tf")).unwrap();
    assert_eq!(out, "locals {\n  cafe\u{301} = 1\n  x    = local.cafe\u{301}\n}\n");
    let r = run(dir.path(), &["validate", "--no-color"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}
