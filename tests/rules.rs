//! Every rule, through the real binary: each `examples/broken/CODE` fails
//! with CODE at the line marked `# <- CODE`. Rules that compare with state
//! first apply the configuration in `before/`.

mod common;

use common::run;
use std::path::{Path, PathBuf};

/// Findings that are warnings: the run still succeeds.
const WARNINGS: [&str; 2] = ["EXT004", "VNET007"];

fn marked_line(main_tf: &Path, code: &str) -> usize {
    let text = std::fs::read_to_string(main_tf).unwrap();
    text.lines()
        .position(|l| l.contains(&format!("<- {code}")))
        .unwrap_or_else(|| panic!("{} marks no line with <- {code}", main_tf.display()))
        + 1
}

/// The line of the first rendered finding with this code.
fn line_of(stderr: &str, code: &str) -> Option<usize> {
    let after = &stderr[stderr.find(&format!("{code}\n"))?..];
    let at = after.find("╭─[main.tf:")? + "╭─[main.tf:".len();
    after[at..].split(':').next()?.parse().ok()
}

fn broken() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/broken");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_broken_example_fails_with_its_code_at_the_marked_line() {
    let dirs = broken();
    assert!(dirs.len() >= 16, "{} broken examples", dirs.len());
    for dir in dirs {
        let code = dir.file_name().unwrap().to_string_lossy().into_owned();
        let expected = marked_line(&dir.join("main.tf"), &code);
        let work = tempfile::tempdir().unwrap();
        let (r, command) = if dir.join("before").exists() {
            std::fs::copy(dir.join("before/main.tf"), work.path().join("main.tf")).unwrap();
            let setup = run(work.path(), &["apply", "--auto-approve"]);
            assert_eq!(setup.code, 0, "{code}: before/ must apply:\n{}", setup.stderr);
            std::fs::copy(dir.join("main.tf"), work.path().join("main.tf")).unwrap();
            (run(work.path(), &["plan"]), "plan")
        } else {
            std::fs::copy(dir.join("main.tf"), work.path().join("main.tf")).unwrap();
            (run(work.path(), &["validate"]), "validate")
        };
        let want_exit = if WARNINGS.contains(&code.as_str()) { 0 } else { 1 };
        assert_eq!(r.code, want_exit, "{code}: {command} exit:\n{}", r.stderr);
        assert_eq!(
            line_of(&r.stderr, &code),
            Some(expected),
            "{code}: {command} must report {code} at line {expected}:\n{}",
            r.stderr
        );
    }
}

#[test]
fn the_examples_pass_every_rule() {
    for name in ["aks-basic", "apiserver-vnet-integration", "cluster-extensions"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name);
        let r = run(&dir, &["validate", "--format", "json"]);
        let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(j["diagnostics"], serde_json::json!([]), "{name}");
    }
}

#[test]
fn skip_rules_leaves_the_findings_out() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/broken/RBAC001");
    let r = run(&dir, &["validate", "--skip-rules"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn findings_carry_their_code_in_json() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/broken/VNET002");
    let r = run(&dir, &["validate", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let d = &j["diagnostics"][0];
    assert_eq!(d["code"], "VNET002");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["range"]["start"]["line"], 18);
}
