//! Secrets never printed (issue 16): a sensitive value appears in no
//! output of plan, apply, destroy, drift or show, whatever the format,
//! including prior values of destroy, replace and removed-resource plans;
//! an ephemeral variable never reaches state; an output that would show a
//! sensitive value is refused at plan time; a saved plan that was edited is
//! refused. Each test greps stdout and stderr of the real binary for the
//! secret, and checks that the run did what it is about, so that a silent
//! failure cannot pass for a hidden secret.

mod common;

use common::{run, write, Run};
use std::path::Path;

const SECRET: &str = "hunter2-XYZZY-secret";

const TAGGED: &str = r#"
variable "secret" {
  type      = string
  sensitive = true
  default   = "hunter2-XYZZY-secret"
}
resource "azurerm_resource_group" "rg" {
  name     = "rg-app"
  location = "westeurope"
  tags = {
    token = var.secret
  }
}
"#;

/// Runs aksplan and asserts the secret is nowhere in what it printed.
fn quiet(dir: &Path, args: &[&str]) -> Run {
    let r = run(dir, args);
    for (name, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
        assert!(
            !text.contains(SECRET),
            "aksplan {args:?} printed the secret on {name}:\n{text}"
        );
    }
    r
}

/// Every format of `plan` with `extra` arguments, each exiting `code`.
fn every_plan_format(dir: &Path, extra: &[&str], code: i32) -> Vec<Run> {
    ["text", "json", "markdown"]
        .iter()
        .map(|format| {
            let mut args = vec!["plan", "--format", format];
            args.extend_from_slice(extra);
            let r = quiet(dir, &args);
            assert_eq!(r.code, code, "plan {args:?}: {}{}", r.stdout, r.stderr);
            r
        })
        .collect()
}

/// `before_sensitive.tags` of the JSON plan's first resource change.
fn before_sensitive_tags(json: &str) -> serde_json::Value {
    let json: serde_json::Value = serde_json::from_str(json).unwrap();
    json["resource_changes"][0]["change"]["before_sensitive"]["tags"].clone()
}

/// The mark sits on the map's element, as Terraform marks a map built
/// with one sensitive value.
fn token_marked() -> serde_json::Value {
    serde_json::json!({"token": true})
}

fn applied(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", config)]);
    let r = quiet(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let state = std::fs::read_to_string(dir.path().join("aksplan.tfstate")).unwrap();
    assert!(state.contains(SECRET), "the test's premise: state holds the value");
    dir
}

#[test]
fn a_destroy_plan_hides_a_sensitive_prior_value() {
    let dir = applied(TAGGED);
    let runs = every_plan_format(dir.path(), &["--destroy"], 0);
    assert!(runs[0].stdout.contains("(sensitive value)"), "{}", runs[0].stdout);
    assert_eq!(before_sensitive_tags(&runs[1].stdout), token_marked());
    assert!(runs[2].stdout.contains("(sensitive value)"), "{}", runs[2].stdout);
    let r = quiet(dir.path(), &["destroy", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("(sensitive value)"), "{}", r.stdout);
    assert!(r.stdout.contains("1 destroyed"), "{}", r.stdout);
}

#[test]
fn a_plan_after_the_resource_left_the_configuration_hides_it() {
    let dir = applied(TAGGED);
    let kept = TAGGED.split("resource").next().unwrap();
    write(dir.path(), &[("main.tf", kept)]);
    let runs = every_plan_format(dir.path(), &[], 0);
    assert!(runs[0].stdout.contains("will be destroyed"), "{}", runs[0].stdout);
    assert!(runs[0].stdout.contains("(sensitive value)"), "{}", runs[0].stdout);
    let r = quiet(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_replacement_hides_the_sensitive_before_value() {
    let dir = applied(TAGGED);
    write(dir.path(), &[("main.tf", &TAGGED.replace("rg-app", "rg-app2"))]);
    let runs = every_plan_format(dir.path(), &[], 0);
    assert!(runs[0].stdout.contains("must be replaced"), "{}", runs[0].stdout);
    assert_eq!(before_sensitive_tags(&runs[1].stdout), token_marked());
    let r = quiet(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn after_apply_the_json_plan_marks_the_sensitive_value() {
    let dir = applied(TAGGED);
    let runs = every_plan_format(dir.path(), &[], 0);
    let json: serde_json::Value = serde_json::from_str(&runs[1].stdout).unwrap();
    let change = &json["resource_changes"][0]["change"];
    assert_eq!(change["before_sensitive"]["tags"], token_marked(), "{change}");
    assert_eq!(change["after_sensitive"]["tags"], token_marked(), "{change}");
    let prior = &json["prior_state"]["values"]["root_module"]["resources"][0];
    assert_eq!(prior["sensitive_values"]["tags"], token_marked(), "{prior}");
    for args in [
        &["show"][..],
        &["show", "--json"],
        &["state", "show", "azurerm_resource_group.rg"],
    ] {
        let r = quiet(dir.path(), args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    }
}

#[test]
fn drift_of_a_sensitive_tag_is_shown_without_its_value() {
    let dir = applied(TAGGED);
    let id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app";
    let patch = format!(r#"{{"tags": {{"token": "{SECRET}-changed"}}}}"#);
    let r = quiet(dir.path(), &["sim", "patch", id, &patch]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let runs = every_plan_format(dir.path(), &[], 0);
    assert!(runs[0].stdout.contains("has changed"), "{}", runs[0].stdout);
    for format in ["text", "json", "markdown"] {
        let r = quiet(dir.path(), &["drift", "--format", format]);
        assert_eq!(r.code, 2, "drift --format {format}: {}{}", r.stdout, r.stderr);
    }
}

const EPHEMERAL: &str = r#"
variable "token" {
  type      = string
  ephemeral = true
  default   = "hunter2-XYZZY-secret"
}
locals {
  header = "Bearer ${var.token}"
}
resource "terraform_data" "ok" {
  input = ephemeralasnull(local.header)
}
resource "azurerm_resource_group" "rg" {
  name     = "rg-app"
  location = "westeurope"
  tags = {
    auth = local.header
  }
}
"#;

#[test]
fn an_ephemeral_variable_in_a_resource_argument_is_refused_and_never_stored() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", EPHEMERAL)]);
    for args in [&["validate"][..], &["plan"], &["apply", "--auto-approve"]] {
        let r = quiet(dir.path(), args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stdout);
        // Terraform 1.11's words (terraform validate on this configuration,
        // with terraform_data in place of the resource group).
        assert!(
            common::flat(&r.stderr).contains("Invalid use of ephemeral value"),
            "{}",
            r.stderr
        );
        assert!(
            common::flat(&r.stderr).contains(
                "Ephemeral values are not valid for \"tags\", because it is not a write-only attribute and must be persisted to state."
            ),
            "{}",
            r.stderr
        );
        // At its place: the tags argument, line 16; not the one through
        // ephemeralasnull.
        assert!(
            r.stderr
                .contains("  on main.tf line 16, in resource \"azurerm_resource_group\" \"rg\":\n"),
            "{}",
            r.stderr
        );
        assert_eq!(
            r.stderr.matches("Invalid use of ephemeral value").count(),
            1,
            "{}",
            r.stderr
        );
    }
    let state = std::fs::read_to_string(dir.path().join("aksplan.tfstate")).unwrap_or_default();
    assert!(!state.contains(SECRET), "{state}");
    assert!(!state.contains("rg-app"), "nothing was applied: {state}");
}

#[test]
fn ephemeral_values_reach_no_output_module_input_or_count() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "main.tf",
                r#"
variable "token" {
  type      = string
  ephemeral = true
  default   = "hunter2-XYZZY-secret"
}
module "m" {
  source = "./m"
  plain  = var.token
  eph    = var.token
}
resource "terraform_data" "d" {
  count = length(var.token) > 3 ? 1 : 0
}
output "o" {
  value = upper(var.token)
}
"#,
            ),
            (
                "m/main.tf",
                "variable \"plain\" {\n  type = string\n}\nvariable \"eph\" {\n  type = string\n  ephemeral = true\n}\n",
            ),
        ],
    );
    let r = quiet(dir.path(), &["plan"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("This input variable is not declared as accepting a ephemeral values"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("  on main.tf line 9, in module \"m\":\n"),
        "the plain input: {}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("  on main.tf line 10"),
        "the ephemeral input is fine: {}",
        r.stderr
    );
    assert!(r.stderr.contains("Invalid count argument"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("This output value is not declared as returning an ephemeral value"),
        "{}",
        r.stderr
    );
}

/// The module's only ephemeral value is the output of a module it calls.
/// terraform 1.11.4 refuses this plan with the same words (its validate
/// does not look).
#[test]
fn a_child_modules_ephemeral_output_is_refused_in_a_resource_argument() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "main.tf",
                "module \"m\" {\n  source = \"./m\"\n}\nresource \"terraform_data\" \"x\" {\n  input = module.m.tok\n}\n",
            ),
            (
                "m/main.tf",
                "variable \"t\" {\n  type      = string\n  ephemeral = true\n  default   = \"s3cret-XYZZY\"\n}\n\
                 output \"tok\" {\n  value     = var.t\n  ephemeral = true\n}\n",
            ),
        ],
    );
    let r = quiet(dir.path(), &["plan"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("Invalid use of ephemeral value"), "{}", r.stderr);
    assert!(r.stderr.contains("  on main.tf line 5, in resource"), "{}", r.stderr);
    assert!(!format!("{}{}", r.stdout, r.stderr).contains("XYZZY"));
}

const KUBECONFIG: &str = r#"
resource "azurerm_resource_group" "rg" {
  name     = "rg-k"
  location = "westeurope"
}
resource "azurerm_kubernetes_cluster" "k" {
  name                = "aks1"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  dns_prefix          = "aks1"
  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 1
  }
  identity {
    type = "SystemAssigned"
  }
}
output "kubeconfig" {
  value = azurerm_kubernetes_cluster.k.kube_config_raw
}
"#;

#[test]
fn an_output_of_a_sensitive_attribute_is_refused_at_plan_time() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", KUBECONFIG)]);
    for args in [&["plan"][..], &["apply", "--auto-approve"]] {
        let r = run(dir.path(), args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stdout);
        assert!(r.stderr.contains("Output refers to sensitive values"), "{}", r.stderr);
        assert!(
            r.stderr.contains("  on main.tf line 21, in output \"kubeconfig\":\n"),
            "{}",
            r.stderr
        );
    }
    assert!(
        !dir.path().join("aksplan.tfstate").exists()
            || !std::fs::read_to_string(dir.path().join("aksplan.tfstate"))
                .unwrap()
                .contains("aks1"),
        "nothing was applied"
    );
    let marked = KUBECONFIG.replace("kube_config_raw\n", "kube_config_raw\n  sensitive = true\n");
    write(dir.path(), &[("main.tf", &marked)]);
    let r = run(dir.path(), &["plan"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("+ kube_config_raw"), "{}", r.stdout);
    assert!(r.stdout.contains("+ kubeconfig = (sensitive value)"), "{}", r.stdout);
}

#[test]
fn a_saved_plan_that_was_edited_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "resource \"terraform_data\" \"d\" {\n  input = \"planned\"\n}\n",
        )],
    );
    let r = run(dir.path(), &["plan", "--out", "tfplan"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let saved = std::fs::read_to_string(dir.path().join("tfplan")).unwrap();
    assert!(saved.contains("\"checksum\""), "{saved}");
    // Its embedded configuration, and its changes, each edited.
    let edited_config = saved.replacen("\\\"planned\\\"", "\\\"edited\\\"", 1);
    assert_ne!(edited_config, saved);
    let edited_change = saved.replacen("\"action\": \"create\"", "\"action\": \"no_op\"", 1);
    assert_ne!(edited_change, saved);
    for (name, text) in [("config.tfplan", &edited_config), ("change.tfplan", &edited_change)] {
        std::fs::write(dir.path().join(name), text).unwrap();
        for args in [&["apply", name][..], &["show", name]] {
            let r = run(dir.path(), args);
            assert_eq!(r.code, 1, "{args:?}: {}", r.stdout);
            assert!(r.stderr.contains(name), "the error names the file: {}", r.stderr);
            assert!(r.stderr.contains("checksum"), "{}", r.stderr);
        }
    }
    assert!(
        !dir.path().join("aksplan.tfstate").exists() || {
            let state = std::fs::read_to_string(dir.path().join("aksplan.tfstate")).unwrap();
            !state.contains("edited") && !state.contains("terraform_data")
        }
    );
    let r = run(dir.path(), &["apply", "tfplan"]);
    assert_eq!(r.code, 0, "the untouched plan applies: {}", r.stderr);
    let state = std::fs::read_to_string(dir.path().join("aksplan.tfstate")).unwrap();
    assert!(state.contains("planned"), "{state}");
}
