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
    // The header keeps the file's line; the line is shown cut.
    assert!(
        r.stderr.contains("  on main.tf line 2, in locals:\n   2: "),
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
    // The lines shown are terraform's.
    let lines = "   3: resource \"azurerm_resource_group\" \"a\n   4: b\" {\n";
    assert!(terraform.contains(lines), "{terraform}");
    assert!(r.stderr.contains("  on main.tf line 3, in resource"), "{}", r.stderr);
    assert!(r.stderr.contains(lines), "{}", r.stderr);
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

/// Runs with a deadline: a read that blocks fails the test instead of hanging it.
fn run_bounded(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> common::Run {
    let mut cmd = common::aksplan(dir);
    cmd.args(args).timeout(std::time::Duration::from_secs(30));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

#[test]
fn a_configuration_file_that_is_a_pipe_or_a_device_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", "locals {}\n")]);
    mkfifo(&dir.path().join("pipe.tf"));
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.tf")).unwrap();
    let r = run_bounded(dir.path(), &["validate", "--no-color"], &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("pipe.tf: a named pipe, not a regular file"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("zero.tf: a device, not a regular file"),
        "{}",
        r.stderr
    );
    let r = run_bounded(dir.path(), &["fmt", "--no-color"], &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("pipe.tf: a named pipe, not a regular file"),
        "{}",
        r.stderr
    );
    // A variables file is read later, once the configuration loads.
    std::fs::remove_file(dir.path().join("pipe.tf")).unwrap();
    std::fs::remove_file(dir.path().join("zero.tf")).unwrap();
    mkfifo(&dir.path().join("x.tfvars"));
    let r = run_bounded(dir.path(), &["validate", "--no-color", "-var-file=x.tfvars"], &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("x.tfvars: a named pipe, not a regular file"),
        "{}",
        r.stderr
    );
}

#[test]
fn file_functions_refuse_devices_and_pipes_at_the_call() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("pipe"));
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.txt")).unwrap();
    let main =
        "locals {\n  a = file(\"/dev/zero\")\n  b = filebase64(\"pipe\")\n  c = templatefile(\"zero.txt\", {})\n}\n";
    write(dir.path(), &[("main.tf", main)]);
    let r = run_bounded(dir.path(), &["validate", "--no-color"], &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("  on main.tf line 2, in locals:\n   2:   a = file(\"/dev/zero\")\n"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("file(): \"/dev/zero\" is a device node, not a regular file"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("filebase64(): \"pipe\" is a named pipe, not a regular file"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("templatefile(): \"zero.txt\" is a device node, not a regular file"),
        "{}",
        r.stderr
    );
}

/// AKSPLAN_MAX_FILE_BYTES sets the caps (64 MiB for configuration files and
/// 16 MiB for files read by functions by default; unit tests pin those).
#[test]
fn the_size_caps_are_set_by_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let padding = format!("# {}\n", "x".repeat(2000));
    write(
        dir.path(),
        &[
            (
                "main.tf",
                &format!("{padding}output \"a\" {{\n  value = length(file(\"data.txt\"))\n}}\n"),
            ),
            ("data.txt", &"y".repeat(3000)),
        ],
    );
    // Messages are wrapped to the terminal: compare their words.
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let r = run_bounded(
        dir.path(),
        &["validate", "--no-color"],
        &[("AKSPLAN_MAX_FILE_BYTES", "1KiB")],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        words(&r.stderr).contains("main.tf: the file is 2.0 KiB and aksplan reads files of at most 1 KiB (set AKSPLAN_MAX_FILE_BYTES to raise the limit)"),
        "{}",
        r.stderr
    );
    let r = run_bounded(
        dir.path(),
        &["validate", "--no-color"],
        &[("AKSPLAN_MAX_FILE_BYTES", "2100")],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("  on main.tf line 3, in output \"a\":\n   3:   value = length(file(\"data.txt\"))\n"),
        "{}",
        r.stderr
    );
    assert!(
        words(&r.stderr).contains("\"data.txt\" is larger than the 2.1 KiB that functions read (set AKSPLAN_MAX_FILE_BYTES to raise the limit)"),
        "{}",
        r.stderr
    );
    let r = run_bounded(
        dir.path(),
        &["validate", "--no-color"],
        &[("AKSPLAN_MAX_FILE_BYTES", "4KiB")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_bounded(
        dir.path(),
        &["validate", "--no-color"],
        &[("AKSPLAN_MAX_FILE_BYTES", "lots")],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        words(&r.stderr).contains("AKSPLAN_MAX_FILE_BYTES is \"lots\", which is not a size"),
        "{}",
        r.stderr
    );
}
