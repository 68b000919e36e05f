//! Workspaces through the binary: `workspace list|new|select|show|delete`
//! print what terraform 1.11 prints and exit as it exits (its transcript is
//! in tests/fixtures/backend/workspace, made by generate.py there), each
//! workspace has its own state, `terraform.workspace` is its name, and
//! `TF_WORKSPACE` overrides the selection.

mod common;

use common::{run, run_env, write};
use serde_json::Value as Json;
use std::path::Path;

const CONFIG: &str = r#"resource "azurerm_resource_group" "rg" {
  name     = "rg-${terraform.workspace}"
  location = "westeurope"
}
output "workspace" {
  value = terraform.workspace
}
"#;

/// terraform's words, as aksplan says them.
fn as_aksplan(text: &str) -> String {
    text.replace("terraform", "aksplan").replace("Terraform", "aksplan")
}

#[test]
fn the_commands_say_what_terraform_says() {
    let steps: Vec<Json> = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/backend/workspace/terraform.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", CONFIG)]);
    for step in &steps {
        let mut args: Vec<&str> = step["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        args.push("-no-color");
        let env: Vec<(&str, &str)> = step
            .get("env")
            .and_then(Json::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.as_str(), v.as_str().unwrap())).collect())
            .unwrap_or_default();
        let r = run_env(dir.path(), &args, &env);
        let code = step["code"].as_i64().unwrap() as i32;
        assert_eq!(r.code, code, "{args:?}\n{}\n{}", r.stdout, r.stderr);
        if step.get("exact") == Some(&Json::Bool(false)) {
            continue;
        }
        assert_eq!(
            r.stdout,
            as_aksplan(step["stdout"].as_str().unwrap()),
            "stdout of {args:?}"
        );
        assert_eq!(
            r.stderr,
            as_aksplan(step["stderr"].as_str().unwrap()),
            "stderr of {args:?}"
        );
    }
}

#[test]
fn a_workspace_that_tracks_resources_is_deleted_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", CONFIG)]);
    assert_eq!(run(dir.path(), &["workspace", "new", "dev"]).code, 0);
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    assert_eq!(run(dir.path(), &["workspace", "select", "default"]).code, 0);
    let r = run(dir.path(), &["workspace", "delete", "dev"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Workspace is not empty"), "{}", r.stderr);
    assert!(r.stderr.contains("  - azurerm_resource_group.rg"), "{}", r.stderr);
    assert!(dir.path().join("terraform.tfstate.d/dev/aksplan.tfstate").exists());
    let r = run(dir.path(), &["workspace", "delete", "--force", "dev"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("WARNING: \"dev\" was non-empty."), "{}", r.stdout);
    assert!(!dir.path().join("terraform.tfstate.d/dev").exists());
}

#[test]
fn each_workspace_has_its_own_state_and_name() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", CONFIG)]);
    let apply = |env: &[(&str, &str)]| {
        let r = run_env(dir.path(), &["apply", "--auto-approve"], env);
        assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
        r.stdout
    };
    assert!(apply(&[]).contains("workspace = \"default\""));
    assert_eq!(run(dir.path(), &["workspace", "new", "dev"]).code, 0);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".terraform/environment")).unwrap(),
        "dev"
    );
    // A new workspace starts empty: its own resource group.
    let out = apply(&[]);
    assert!(out.contains("rg-dev") && out.contains("workspace = \"dev\""), "{out}");
    assert!(dir.path().join("terraform.tfstate.d/dev/aksplan.tfstate").exists());
    assert_eq!(run(dir.path(), &["output", "--raw", "workspace"]).stdout, "dev");
    // TF_WORKSPACE wins over the selection, for every command.
    let r = run_env(
        dir.path(),
        &["output", "--raw", "workspace"],
        &[("TF_WORKSPACE", "default")],
    );
    assert_eq!(r.stdout, "default");
    let r = run_env(dir.path(), &["plan"], &[("TF_WORKSPACE", "default")]);
    assert!(r.stdout.contains("No changes."), "{}", r.stdout);
    let r = run_env(dir.path(), &["console"], &[("TF_WORKSPACE", "prod")]);
    assert_eq!(r.code, 0);
    let r = common::run_stdin(dir.path(), &["console"], "terraform.workspace\n");
    assert_eq!(r.stdout, "\"dev\"\n");
    let r = run_env(dir.path(), &["plan"], &[("TF_WORKSPACE", "a/b")]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("Invalid workspace name set using TF_WORKSPACE"),
        "{}",
        r.stderr
    );
    // The default workspace's state is where it always was.
    assert!(dir.path().join("aksplan.tfstate").exists());
}

#[test]
fn a_new_workspace_can_start_from_a_state_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", CONFIG)]);
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    std::fs::copy(dir.path().join("aksplan.tfstate"), dir.path().join("copy.tfstate")).unwrap();
    let r = run(dir.path(), &["workspace", "new", "-state=copy.tfstate", "copy"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        run(dir.path(), &["state", "list"]).stdout,
        "azurerm_resource_group.rg\n"
    );
    let r = run(dir.path(), &["workspace", "new", "-state=missing.tfstate", "other"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("missing.tfstate"), "{}", r.stderr);
}

#[test]
fn workspaces_live_under_the_local_backends_workspace_dir() {
    let dir = tempfile::tempdir().unwrap();
    let backend = "terraform {\n  backend \"local\" {\n    workspace_dir = \"envs\"\n  }\n}\n";
    write(dir.path(), &[("main.tf", &format!("{backend}{CONFIG}"))]);
    assert_eq!(run(dir.path(), &["init"]).code, 0);
    assert_eq!(run(dir.path(), &["workspace", "new", "prod"]).code, 0);
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    assert!(dir.path().join("envs/prod/aksplan.tfstate").exists());
    assert_eq!(run(dir.path(), &["workspace", "list"]).stdout, "  default\n* prod\n\n");
}
