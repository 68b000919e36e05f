//! The pull-request comment of a plan that failed, through the real binary:
//! `plan --format markdown` prints a comment that leads with the failure
//! on standard output (where a pipeline takes the comment from), names the
//! directory and the workspace, and never shows counts; standard error
//! keeps the diagnostics and the exit code stays 1.

mod common;

use common::{run, run_env, write};

/// Asserts what every failed plan's comment holds.
fn failed(r: &common::Run, dir: &str, workspace: &str) {
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("## ❌ aksplan plan failed\n"), "{}", r.stdout);
    let ran = format!("Ran Plan for dir: `{dir}` workspace: `{workspace}`");
    assert!(r.stdout.contains(&ran), "{}", r.stdout);
    for counts in ["Plan:", "to add", "No changes", "<details>"] {
        assert!(!r.stdout.contains(counts), "{counts}: {}", r.stdout);
    }
    assert!(!r.stderr.is_empty(), "standard error keeps the diagnostics");
}

#[test]
fn a_syntax_error_is_a_comment_naming_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "infra/main.tf",
            "resource \"azurerm_resource_group\" \"rg\" {\n  name     = \"rg\"\n  location =\n}\n",
        )],
    );
    let r = run(dir.path(), &["--chdir", "./infra", "plan", "--format", "markdown"]);
    failed(&r, "infra", "default");
    assert!(r.stderr.contains("Syntax error"), "{}", r.stderr);
    insta::assert_snapshot!("syntax_error", r.stdout);
}

#[test]
fn several_errors_and_a_warning_under_terraforms_chdir_in_a_workspace() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "envs/prod/main.tf",
                "resource \"azurerm_resource_group\" \"rg\" {\n  name     = \"rg-${var.suffix}\"\n  location = upper(\"westeurope\", 2)\n}\n\nresource \"azurerm_resource_group\" \"other\" {\n  name     = azurerm_resource_group.missing.name\n  location = \"westeurope\"\n}\n\nvariable \"suffix\" {\n  type = string\n}\n",
            ),
            ("envs/prod/terraform.tfvars", "suffix = \"a\"\nextra  = \"b\"\n"),
        ],
    );
    let r = run(dir.path(), &["-chdir=envs/prod", "workspace", "new", "staging"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(dir.path(), &["-chdir=envs/prod", "plan", "--format", "markdown"]);
    failed(&r, "envs/prod", "staging");
    assert!(
        r.stdout.contains("**Plan Error:** 2 errors and 1 warning."),
        "{}",
        r.stdout
    );
    insta::assert_snapshot!("several_errors_and_a_warning", r.stdout);
}

#[test]
fn a_missing_variable_shows_its_place_and_help() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "variable \"suffix\" {\n  type = string\n}\n\nresource \"azurerm_resource_group\" \"rg\" {\n  name     = \"rg-${var.suffix}\"\n  location = \"westeurope\"\n}\n",
        )],
    );
    let r = run(dir.path(), &["plan", "--format", "markdown"]);
    failed(&r, ".", "default");
    insta::assert_snapshot!("missing_variable", r.stdout);
}

#[test]
fn an_aks_rule_error_leads_with_its_code_place_and_help() {
    let dir = common::example("broken/VNET001");
    let r = run(dir.path(), &["plan", "--format", "markdown"]);
    failed(&r, ".", "default");
    let text = std::fs::read_to_string(dir.path().join("main.tf")).unwrap();
    let line = text.lines().position(|l| l.contains("<- VNET001")).unwrap() + 1;
    assert!(
        r.stdout
            .contains("### ❌ Error: The API server subnet is not delegated to AKS\n\n**VNET001** at `main.tf:"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(&format!("`main.tf:{line}`")), "{}", r.stdout);
    assert!(
        r.stdout.contains("\n**Help:** add to the subnet: delegation"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("VNET001"), "{}", r.stderr);
}

#[test]
fn a_held_lock_is_a_comment_with_the_way_out() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("main.tf", "output \"n\" {\n  value = 1\n}\n"),
            (
                ".aksplan.tfstate.lock.json",
                r#"{"ID":"1b2c3d4e-0000-0000-0000-000000000001","Operation":"OperationTypeApply","Info":"","Who":"alice@buildbox","Version":"1.11.0","Created":"2026-01-01T00:00:00Z","Path":"aksplan.tfstate","pid":999999,"host":"buildbox"}"#,
            ),
        ],
    );
    let r = run(dir.path(), &["plan", "--format", "markdown"]);
    failed(&r, ".", "default");
    assert!(
        r.stdout.contains("### ❌ Error: Error acquiring the state lock"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("run aksplan force-unlock 1b2c3d4e-0000-0000-0000-000000000001"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_sensitive_value_stays_hidden_in_the_comment() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "variable \"password\" {\n  type      = string\n  sensitive = true\n  validation {\n    condition     = length(var.password) > 12\n    error_message = \"too short: ${var.password}\"\n  }\n}\n\nvariable \"pin\" {\n  type      = number\n  sensitive = true\n}\n",
        )],
    );
    // A value that does not fit its type, then one that fails its validation.
    for (pin, what) in [
        (
            "s3cr3t-pin",
            "the value of var.pin from --var pin does not fit its type number",
        ),
        ("1234", "var.password: the condition failed"),
    ] {
        let r = run_env(
            dir.path(),
            &["plan", "--format", "markdown", "--var", &format!("pin={pin}")],
            &[("TF_VAR_password", "hunter2")],
        );
        failed(&r, ".", "default");
        assert!(r.stdout.contains(what), "{}", r.stdout);
        for secret in ["hunter2", pin] {
            assert!(!r.stdout.contains(secret), "{secret} leaked: {}", r.stdout);
            assert!(!r.stderr.contains(secret), "{secret} leaked: {}", r.stderr);
        }
    }
}

#[test]
fn the_json_ui_is_not_a_comment() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", "locals {\n  a =\n}\n")]);
    let r = run(dir.path(), &["plan", "--format", "markdown", "--json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stdout.contains("aksplan plan failed"), "{}", r.stdout);
    assert!(r.stdout.contains("\"@level\":\"error\""), "{}", r.stdout);
}
