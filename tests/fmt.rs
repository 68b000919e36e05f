//! `aksplan fmt` writes what `terraform fmt` writes. The `.golden` files in
//! tests/fixtures/fmt were made by terraform 1.11 from the `.in` files;
//! when terraform is installed, the examples are compared with it live.

mod common;

use common::{aksplan, run};
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<(String, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fmt");
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            let name = p.file_name()?.to_str()?.strip_suffix(".in")?.to_string();
            Some((name, p))
        })
        .collect();
    out.sort();
    assert!(out.len() >= 6);
    out
}

#[test]
fn badly_formatted_inputs_come_out_as_terraform_writes_them() {
    for (name, input) in fixtures() {
        let golden = std::fs::read_to_string(input.with_extension("golden")).unwrap();
        let out = aksplan(Path::new("."))
            .args(["fmt", "-"])
            .write_stdin(std::fs::read(&input).unwrap())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = String::from_utf8(out.stdout).unwrap();
        if got != golden {
            let diff = similar::TextDiff::from_lines(&golden, &got).unified_diff().to_string();
            panic!("{name} differs from terraform fmt:\n{diff}");
        }
    }
}

#[test]
fn files_are_rewritten_checked_and_diffed() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("modules/net");
    std::fs::create_dir_all(&sub).unwrap();
    let ugly = "locals {\nx=1\n  yy = 2\n}\n";
    let pretty = "locals {\n  x  = 1\n  yy = 2\n}\n";
    std::fs::write(dir.path().join("main.tf"), ugly).unwrap();
    std::fs::write(dir.path().join("terraform.tfvars"), "a=1\n").unwrap();
    std::fs::write(dir.path().join("notes.txt"), ugly).unwrap();
    std::fs::write(sub.join("net.tf"), ugly).unwrap();

    let r = run(dir.path(), &["fmt", "--check"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(r.stdout, "main.tf\nterraform.tfvars\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("main.tf")).unwrap(),
        ugly,
        "--check wrote"
    );

    let r = run(dir.path(), &["fmt", "--check", "--diff"]);
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("--- old/main.tf\n+++ new/main.tf\n"), "{}", r.stdout);
    assert!(r.stdout.contains("-x=1\n+  x  = 1\n"), "{}", r.stdout);

    let r = run(dir.path(), &["fmt"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(dir.path().join("main.tf")).unwrap(), pretty);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("terraform.tfvars")).unwrap(),
        "a = 1\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        ugly,
        "not a Terraform file"
    );
    assert_eq!(
        std::fs::read_to_string(sub.join("net.tf")).unwrap(),
        ugly,
        "not recursive by default"
    );

    let r = run(dir.path(), &["fmt", "--recursive"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout, "modules/net/net.tf\n");
    assert_eq!(run(dir.path(), &["fmt", "--check", "--recursive"]).code, 0);
}

#[test]
fn a_syntax_error_is_reported_at_its_place_and_the_file_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let text = "locals {\n  x = 2}\n";
    std::fs::write(dir.path().join("main.tf"), text).unwrap();
    let r = run(dir.path(), &["fmt"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("  on main.tf line 2:\n   2:   x = 2}\n"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_to_string(dir.path().join("main.tf")).unwrap(), text);
}

#[test]
fn the_examples_are_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = run(root, &["fmt", "--check", "--recursive", "examples"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

/// Where terraform is installed, every example and fixture is compared
/// with it directly (CI has no terraform; the golden files stand in).
#[test]
fn matches_terraform_fmt_where_terraform_is_installed() {
    if std::process::Command::new("terraform").arg("version").output().is_err() {
        eprintln!("terraform is not installed; the golden files are the reference");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs: Vec<PathBuf> = fixtures().into_iter().map(|(_, p)| p).collect();
    let mut stack = vec![root.join("examples")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "tf") {
                inputs.push(p);
            }
        }
    }
    for input in inputs {
        let text = std::fs::read(&input).unwrap();
        let terraform = std::process::Command::new("terraform")
            .args(["fmt", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin.take().unwrap().write_all(&text)?;
                c.wait_with_output()
            })
            .unwrap();
        let ours = aksplan(root).args(["fmt", "-"]).write_stdin(text).output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&ours.stdout),
            String::from_utf8_lossy(&terraform.stdout),
            "{}",
            input.display()
        );
    }
}
