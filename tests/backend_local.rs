//! The `local` backend through the binary: a `backend` block is configured
//! by `init` and remembered as terraform remembers it; a block added,
//! changed or removed since is refused until `init` runs again; `-migrate-
//! state` copies state to the new place and `-reconfigure` leaves it;
//! `-backend-config` completes a block; errors point at the block.

mod common;

use common::{run, write};
use std::path::Path;

fn config(backend: &str) -> String {
    format!(
        r#"{backend}
resource "azurerm_resource_group" "rg" {{
  name     = "rg-backend"
  location = "westeurope"
}}
output "workspace" {{
  value = terraform.workspace
}}
"#
    )
}

const FOO: &str = r#"terraform {
  backend "local" {
    path          = "a/foo.tfstate"
    workspace_dir = "wsdir"
  }
}
"#;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/backend/terraform")
            .join(name),
    )
    .unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let r = run(dir, args);
    assert_eq!(r.code, 0, "{args:?}\n{}\n{}", r.stdout, r.stderr);
    r.stdout
}

/// The diagnostics' text with the renderer's line wrapping undone.
fn unwrapped(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().map(str::trim) {
        if !out.is_empty() && !out.ends_with('-') {
            out.push(' ');
        }
        out.push_str(line.trim_start_matches("help:").trim_start());
    }
    out
}

fn refused(dir: &Path, args: &[&str], says: &[&str]) {
    let r = run(dir, args);
    assert_eq!(r.code, 1, "{args:?}\n{}", r.stdout);
    let text = unwrapped(&r.stderr);
    for s in says {
        assert!(text.contains(s), "{args:?}: {s:?} not in\n{}", r.stderr);
    }
}

fn initialized(backend: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", &config(backend))]);
    let out = ok(dir.path(), &["init"]);
    assert!(
        out.starts_with("Initializing the backend...\n\nSuccessfully configured the backend \"local\"! aksplan will automatically\nuse this backend unless the backend configuration changes.\n"),
        "{out}"
    );
    dir
}

#[test]
fn a_backend_block_needs_init_which_remembers_it_as_terraform_does() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", &config(FOO))]);
    refused(
        dir.path(),
        &["plan"],
        &[
            "Backend initialization required, please run \"aksplan init\"",
            "Reason: Initial configuration of the requested backend \"local\"",
        ],
    );
    let out = ok(dir.path(), &["init"]);
    assert!(out.contains("Successfully configured the backend \"local\"!"), "{out}");
    // The file terraform 1.11 writes for this block (hash and all), but for the version named.
    let written = std::fs::read_to_string(dir.path().join(".terraform/terraform.tfstate")).unwrap();
    let terraforms = fixture("local_both.terraform.tfstate");
    assert_eq!(
        written.replace("\"terraform_version\": \"1.11.0\"", "\"terraform_version\": \"1.11.4\""),
        terraforms
    );
    ok(dir.path(), &["apply", "--auto-approve"]);
    // aksplan's file is beside the one `path` names for Terraform.
    assert!(dir.path().join("a/foo.aksplan.tfstate").exists());
    assert!(!dir.path().join("a/foo.tfstate").exists());
    assert!(!dir.path().join("aksplan.tfstate").exists());
    assert!(ok(dir.path(), &["plan"]).contains("No changes."));
    assert_eq!(ok(dir.path(), &["state", "list"]), "azurerm_resource_group.rg\n");
    assert_eq!(ok(dir.path(), &["output", "-raw", "workspace"]), "default");
    // init again: nothing to configure.
    let out = ok(dir.path(), &["init"]);
    assert_eq!(
        out,
        "Initializing the backend...\n\naksplan has been successfully initialized!\n"
    );
}

#[test]
fn a_changed_block_is_refused_until_init_migrates_or_reconfigures() {
    let dir = initialized(FOO);
    ok(dir.path(), &["apply", "--auto-approve"]);
    write(dir.path(), &[("main.tf", &config(&FOO.replace("a/foo", "b/foo")))]);
    refused(
        dir.path(),
        &["plan"],
        &[
            "Backend initialization required: please run \"aksplan init\"",
            "Reason: Backend configuration block has changed",
        ],
    );
    refused(
        dir.path(),
        &["init"],
        &["Backend configuration changed", "aksplan init -migrate-state"],
    );
    // Terraform's spelling.
    let out = ok(dir.path(), &["init", "-migrate-state"]);
    assert!(
        out.contains("Copied the state of workspace \"default\" (1 resource) from ./a/foo.aksplan.tfstate to ./b/foo.aksplan.tfstate."),
        "{out}"
    );
    assert!(ok(dir.path(), &["plan"]).contains("No changes."));
    // The old state is left where it was.
    assert!(dir.path().join("a/foo.aksplan.tfstate").exists());

    // -reconfigure forgets the old backend, and its state with it.
    write(dir.path(), &[("main.tf", &config(&FOO.replace("a/foo", "c/foo")))]);
    let out = ok(dir.path(), &["init", "--reconfigure"]);
    assert!(!out.contains("Copied"), "{out}");
    assert!(ok(dir.path(), &["plan"]).contains("Plan: 1 to add"));
}

#[test]
fn backend_config_completes_a_partial_block() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("main.tf", &config("terraform {\n  backend \"local\" {}\n}\n")),
            ("prod.tfbackend", "workspace_dir = \"envs\"\n"),
        ],
    );
    refused(
        dir.path(),
        &["init", "-backend-config=bucket=x"],
        &[
            "Invalid backend configuration argument",
            "The backend configuration argument \"bucket\" given on the command line is not expected for the selected backend type.",
        ],
    );
    ok(
        dir.path(),
        &[
            "init",
            "-backend-config=path=state/prod.tfstate",
            "-backend-config=prod.tfbackend",
        ],
    );
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(".terraform/terraform.tfstate")).unwrap())
            .unwrap();
    assert_eq!(
        saved["backend"]["config"],
        serde_json::json!({"path": "state/prod.tfstate", "workspace_dir": "envs"})
    );
    // The hash is the block's as written: later commands need no -backend-config.
    assert_eq!(
        saved["backend"]["hash"],
        fixture("local_empty.hash").trim().parse::<u64>().unwrap()
    );
    ok(dir.path(), &["apply", "--auto-approve"]);
    assert!(dir.path().join("state/prod.aksplan.tfstate").exists());
    assert!(ok(dir.path(), &["plan"]).contains("No changes."));
    // The same values again change nothing; others need -migrate-state.
    let out = ok(
        dir.path(),
        &[
            "init",
            "--backend-config",
            "path=state/prod.tfstate",
            "--backend-config",
            "prod.tfbackend",
        ],
    );
    assert!(!out.contains("Successfully configured"), "{out}");
    refused(
        dir.path(),
        &["init", "-backend-config=path=state/other.tfstate"],
        &["Backend configuration changed"],
    );
}

#[test]
fn state_already_here_moves_to_a_new_backend_only_when_told() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", &config(""))]);
    ok(dir.path(), &["apply", "--auto-approve"]);
    write(dir.path(), &[("main.tf", &config(FOO))]);
    refused(
        dir.path(),
        &["init"],
        &[
            "Existing state found",
            "aksplan init -migrate-state",
            "aksplan init -reconfigure",
        ],
    );
    assert!(!dir.path().join(".terraform/terraform.tfstate").exists());
    let out = ok(dir.path(), &["init", "--migrate-state"]);
    assert!(
        out.contains(
            "Copied the state of workspace \"default\" (1 resource) from ./aksplan.tfstate to ./a/foo.aksplan.tfstate."
        ),
        "{out}"
    );
    assert!(ok(dir.path(), &["plan"]).contains("No changes."));

    // Removing the block is a change too: back to aksplan.tfstate.
    write(dir.path(), &[("main.tf", &config(""))]);
    refused(
        dir.path(),
        &["plan"],
        &["Reason: Unsetting the previously set backend \"local\""],
    );
    std::fs::remove_file(dir.path().join("aksplan.tfstate")).unwrap();
    let out = ok(dir.path(), &["init", "-migrate-state"]);
    assert!(
        out.contains("Successfully unset the backend \"local\". aksplan will now operate locally."),
        "{out}"
    );
    assert!(!dir.path().join(".terraform/terraform.tfstate").exists());
    assert!(dir.path().join("aksplan.tfstate").exists());
    assert!(ok(dir.path(), &["plan"]).contains("No changes."));
}

#[test]
fn the_lock_and_force_unlock_are_the_backends() {
    let dir = initialized(FOO);
    ok(dir.path(), &["apply", "--auto-approve"]);
    // A live holder on this host: this test's own process.
    let holder = serde_json::json!({
        "pid": std::process::id(),
        "host": std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default().trim(),
        "since": "2026-11-22T10:00:00Z",
        "operation": "apply"
    });
    std::fs::write(dir.path().join("a/.aksplan.tfstate.lock.json"), holder.to_string()).unwrap();
    refused(
        dir.path(),
        &["plan"],
        &[
            "Error acquiring the state lock",
            &format!("apply by pid {}", std::process::id()),
        ],
    );
    // This test's process is alive on this host: --force is needed.
    refused(
        dir.path(),
        &["force-unlock"],
        &["Refusing to remove the lock of a running aksplan"],
    );
    assert!(ok(dir.path(), &["force-unlock", "--force"]).contains("Removed the state lock"));
    assert!(ok(dir.path(), &["plan"]).contains("No changes."));
}

#[test]
fn backend_errors_point_at_the_block() {
    let dir = tempfile::tempdir().unwrap();
    for (block, says) in [
        (
            "terraform {\n  backend \"s3\" {}\n}\n",
            vec![
                "Invalid backend type",
                "aksplan has no \"s3\" backend",
                "on main.tf line 2, in terraform: 2:   backend \"s3\" {}",
            ],
        ),
        (
            "terraform {\n  backend \"nope\" {}\n}\n",
            vec![
                "There is no backend type named \"nope\".",
                "on main.tf line 2, in terraform: 2:   backend \"nope\" {}",
            ],
        ),
        (
            "terraform {\n  backend \"local\" {\n    pth = \"x\"\n  }\n}\n",
            vec![
                "Unsupported argument",
                "did you mean path?",
                "on main.tf line 3, in terraform: 3:     pth = \"x\"",
            ],
        ),
        (
            "terraform {\n  backend \"local\" {\n    path = local.p\n  }\n}\nlocals {\n  p = \"x\"\n}\n",
            vec!["Invalid backend configuration", "they must be constants"],
        ),
        (
            "terraform {\n  backend \"local\" {}\n}\nterraform {\n  backend \"local\" {}\n}\n",
            vec![
                "Duplicate backend configuration",
                "A module may have only one backend configuration.",
            ],
        ),
    ] {
        write(dir.path(), &[("main.tf", &config(block))]);
        refused(dir.path(), &["init"], &says);
        refused(dir.path(), &["plan"], &says);
        assert!(!dir.path().join(".terraform").exists());
    }
}
