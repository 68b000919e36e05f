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
    assert!(!r.stderr.contains("panicked"), "{}", &r.stderr[..r.stderr.len().min(2000)]);
    assert!(r.stderr.contains("Reference to undeclared or invalid name"), "{}", r.stderr.len());
    // The header keeps the file's line and column; the line is shown cut.
    let column = line.find("nope").unwrap() + 1;
    assert!(r.stderr.contains(&format!("[main.tf:2:{column}]")), "{}", r.stderr.len());
    let shown = r.stderr.lines().find(|l| l.contains("+ nope.x")).unwrap();
    assert!(shown.contains('…') && shown.chars().count() < 300, "{shown}");
}
