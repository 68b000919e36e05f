//! Integration tests: the real binary on real files.
//!
//! Each case writes a configuration into a temporary directory, runs
//! `aksplan` there with a cleared environment, and checks the exit code and
//! output. Rendered diagnostics are pinned with insta snapshots.

mod common;

use common::{run, run_env, write, Run};
use std::path::Path;

/// Validates a configuration of one `main.tf` and returns the run.
fn validate(main_tf: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", main_tf)]);
    run(dir.path(), &["validate"])
}

/// Plans a configuration of one `main.tf` on the simulation and returns the run.
fn plan(main_tf: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", main_tf)]);
    run(dir.path(), &["plan"])
}

fn validate_json(dir: &Path) -> serde_json::Value {
    let r = run(dir, &["validate", "--format", "json"]);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

const RG: &str = r#"
resource "azurerm_resource_group" "rg" {
  name     = "rg"
  location = "westeurope"
}
"#;

#[test]
fn every_example_validates() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(&examples).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.join("main.tf").exists() {
            continue;
        }
        let r = run(&dir, &["validate"]);
        assert_eq!(r.code, 0, "{}: {}", dir.display(), r.stderr);
        assert!(r.stdout.contains("Success!"), "{}", r.stdout);
        seen += 1;
    }
    assert!(seen >= 3, "expected at least three examples, found {seen}");
}

#[test]
fn valid_configuration_prints_success_and_exits_zero() {
    let r = validate(RG);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "Success! The configuration is valid.\n", "")
    );
}

#[test]
fn warnings_do_not_fail_validation() {
    let r = validate(&format!(
        "{RG}\nresource \"kubernetes_namespace\" \"n\" {{\n  metadata {{\n    name = \"x\"\n  }}\n}}\n"
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "Success! The configuration is valid, with 1 warning.\n");
    assert!(r.stderr.contains("Provider not supported by aksplan"));
}

#[test]
fn syntax_error_is_rendered_at_its_line() {
    let r = validate("locals {\n  a = [1, 2\n}\n");
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("syntax_error", r.stderr);
}

#[test]
fn undeclared_reference_is_rendered_with_suggestion() {
    let r = validate("variable \"location\" {\n  default = \"westeurope\"\n}\n\nlocals {\n  region = var.locaton\n}\n");
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("undeclared_reference", r.stderr);
}

#[test]
fn wrong_type_given_to_a_function_points_at_the_argument() {
    let r = validate("locals {\n  subnet = cidrsubnet(\"10.0.0.0/16\", \"eight\", 1)\n}\n");
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("function_argument_type", r.stderr);
}

#[test]
fn unknown_function_is_an_error_at_its_call() {
    let r = validate("locals {\n  a = lenght([1])\n}\n");
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("unknown_function", r.stderr);
}

#[test]
fn cycle_error_lists_the_cycle_and_points_at_references() {
    let r = validate("locals {\n  a = local.b\n  b = \"${local.a}-x\"\n}\n");
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("cycle", r.stderr);
}

#[test]
fn for_each_over_keys_unknown_at_plan_time_is_refused() {
    let main_tf = format!(
        r#"{RG}
resource "azurerm_user_assigned_identity" "id" {{
  name                = "id"
  location            = "westeurope"
  resource_group_name = azurerm_resource_group.rg.name
}}
resource "azurerm_role_assignment" "r" {{
  for_each             = toset([azurerm_user_assigned_identity.id.principal_id])
  scope                = azurerm_resource_group.rg.id
  role_definition_name = "Reader"
  principal_id         = each.key
}}
"#
    );
    // As terraform validate, validate accepts it: the keys are unknown, not invalid.
    assert_eq!(validate(&main_tf).code, 0);
    let r = plan(&main_tf);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("for_each_unknown_keys", r.stderr);
}

#[test]
fn schema_violations_are_reported_at_the_attribute() {
    let r = validate(
        r#"
resource "azurerm_kubernetes_cluster" "k" {
  name                = "k"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "k"
  kubernetes_verison  = "1.30"
  private_cluster_enabled = "yes please"

  default_node_pool {
    name    = "system"
    vm_size = "Standard_D4s_v5"
  }
}
"#,
    );
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("schema_violations", r.stderr);
}

#[test]
fn invalid_utf8_is_reported_at_the_byte() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), b"locals {\n  a = \"caf\xe9\"\n}\n").unwrap();
    let j = validate_json(dir.path());
    assert_eq!(j["valid"], false);
    let d = &j["diagnostics"][0];
    assert_eq!(d["summary"], "Invalid UTF-8");
    assert_eq!(d["range"]["start"]["line"], 2);
    assert_eq!(d["range"]["start"]["byte"], 19);
}

#[test]
fn unreadable_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", RG)]);
    std::os::unix::fs::symlink(dir.path().join("missing-target"), dir.path().join("broken.tf")).unwrap();
    let r = run(dir.path(), &["validate"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Cannot read configuration file"), "{}", r.stderr);
    assert!(r.stderr.contains("broken.tf"), "{}", r.stderr);
}

#[test]
fn missing_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &["--chdir", "nope", "validate"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("Cannot read the configuration directory"),
        "{}",
        r.stderr
    );
}

#[test]
fn deeply_nested_expression_gets_a_diagnostic_not_a_crash() {
    let depth = 5000;
    let src = format!("locals {{\n  a = {}1{}\n}}\n", "[".repeat(depth), "]".repeat(depth));
    let r = validate(&src);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Syntax error"), "{}", r.stderr);
    assert!(
        r.stderr.contains("  on main.tf line 2:\n   2:   a = [[["),
        "{}",
        r.stderr
    );
}

#[test]
fn deeply_nested_blocks_get_a_diagnostic_not_a_crash() {
    let depth = 3000;
    let src = format!("{}{}", "a {\n".repeat(depth), "}\n".repeat(depth));
    let r = validate(&src);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Syntax error"), "{}", r.stderr);
}

#[test]
fn oversized_file_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let f = std::fs::File::create(dir.path().join("huge.tf")).unwrap();
    f.set_len(65 * 1024 * 1024).unwrap();
    let r = run(dir.path(), &["validate"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("huge.tf: the file is 65 MiB"), "{}", r.stderr);
}

#[test]
fn large_valid_file_is_handled() {
    let mut src = String::new();
    for i in 0..3000 {
        src.push_str(&format!(
            "resource \"azurerm_resource_group\" \"rg{i}\" {{\n  name     = \"rg-{i}\"\n  location = \"westeurope\"\n}}\n"
        ));
    }
    let r = validate(&src);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn validate_json_has_terraform_shape() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", "locals {\n  a = var.nope\n}\n")]);
    let j = validate_json(dir.path());
    assert_eq!(j["valid"], false);
    assert_eq!(j["error_count"], 1);
    assert_eq!(j["warning_count"], 0);
    let d = &j["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], serde_json::Value::Null);
    assert_eq!(d["summary"], "Reference to undeclared or invalid name");
    assert_eq!(d["range"]["filename"], "main.tf");
    assert_eq!(
        d["range"]["start"],
        serde_json::json!({"line": 2, "column": 7, "byte": 15})
    );
    assert_eq!(
        d["range"]["end"],
        serde_json::json!({"line": 2, "column": 15, "byte": 23})
    );
}

/// A configuration whose validation always fails and says the value it saw,
/// so that a run shows which source won.
const ECHO_VAR: &str = r#"
variable "v" {
  default = "default"
  validation {
    condition     = var.v == "never"
    error_message = "got ${var.v}"
  }
}
"#;

#[test]
fn variable_precedence_across_sources() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("main.tf", ECHO_VAR),
            ("terraform.tfvars", "v = \"tfvars\"\n"),
            ("a.auto.tfvars", "v = \"auto-a\"\n"),
            ("b.auto.tfvars", "v = \"auto-b\"\n"),
            ("file.tfvars", "v = \"var-file\"\n"),
        ],
    );
    let seen = |args: &[&str], env: &[(&str, &str)]| -> String {
        let mut full = vec!["validate", "--format", "json"];
        full.extend_from_slice(args);
        let r = run_env(dir.path(), &full, env);
        let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        j["diagnostics"][0]["detail"].as_str().unwrap().to_string()
    };
    let env = [("TF_VAR_v", "env")];
    // *.auto.tfvars in name order, after terraform.tfvars, after the environment.
    assert_eq!(seen(&[], &env), "var.v: got auto-b");
    assert_eq!(seen(&["--var-file", "file.tfvars"], &env), "var.v: got var-file");
    assert_eq!(
        seen(&["--var-file", "file.tfvars", "--var", "v=cli"], &env),
        "var.v: got cli"
    );
    std::fs::remove_file(dir.path().join("a.auto.tfvars")).unwrap();
    std::fs::remove_file(dir.path().join("b.auto.tfvars")).unwrap();
    assert_eq!(seen(&[], &env), "var.v: got tfvars");
    std::fs::remove_file(dir.path().join("terraform.tfvars")).unwrap();
    assert_eq!(seen(&[], &env), "var.v: got env");
    // With no value given, validate checks for every value, as terraform
    // validate does: the default is not used. plan uses it.
    let r = run(dir.path(), &["validate"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(dir.path(), &["plan"]);
    assert!(r.stderr.contains("got default"), "{}", r.stderr);
}

#[test]
fn required_variable_without_value_is_named() {
    let main_tf = "variable \"cluster_name\" {\n  type = string\n}\n";
    // As terraform validate, validate needs no values.
    assert_eq!(validate(main_tf).code, 0);
    let r = plan(main_tf);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("missing_variable", r.stderr);
}

#[test]
fn graph_dot_and_json_list_instances_and_edges() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            r#"
variable "subnets" {
  default = { a = "10.0.1.0/24", b = "10.0.2.0/24" }
}
resource "azurerm_resource_group" "rg" {
  name     = "rg"
  location = "westeurope"
}
resource "azurerm_subnet" "s" {
  for_each             = var.subnets
  name                 = each.key
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = "vnet"
  address_prefixes     = [each.value]
}
resource "azurerm_user_assigned_identity" "id" {
  count               = 2
  name                = "id-${count.index}"
  location            = "westeurope"
  resource_group_name = azurerm_resource_group.rg.name
  depends_on          = [azurerm_subnet.s]
}
output "ids" {
  value = azurerm_user_assigned_identity.id[*].id
}
"#,
        )],
    );
    let r = run(dir.path(), &["graph"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("graph_dot", r.stdout);
    let r = run(dir.path(), &["graph", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("graph_json", r.stdout);
}

#[test]
fn graph_dot_is_accepted_by_graphviz() {
    let Ok(status) = std::process::Command::new("dot").arg("-V").output() else {
        // CI installs graphviz; a developer machine without it skips this check.
        assert!(
            std::env::var_os("CI").is_none(),
            "graphviz's dot must be installed in CI"
        );
        return;
    };
    assert!(status.status.success());
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/apiserver-vnet-integration");
    let r = run(&example, &["graph"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut child = std::process::Command::new("dot")
        .args(["-Tsvg", "-o", "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(r.stdout.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "dot refused the graph: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn graph_of_an_invalid_configuration_fails() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", "locals {\n  a = local.a\n}\n")]);
    let r = run(dir.path(), &["graph"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("Dependency cycle"));
}

#[test]
fn sensitive_values_never_appear_in_diagnostics() {
    let r = validate(
        r#"
variable "password" {
  type      = string
  sensitive = true
  default   = "hunter2-secret"
  validation {
    condition     = length(var.password) > 20
    error_message = "Password ${var.password} is too short."
  }
}
output "p" {
  value = "pw: ${var.password}"
}
"#,
    );
    assert_eq!(r.code, 1);
    assert!(!r.stderr.contains("hunter2"), "{}", r.stderr);
    assert!(r.stderr.contains("Output refers to sensitive values"), "{}", r.stderr);
}

#[test]
fn usage_errors_exit_one_and_help_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run(dir.path(), &["frobnicate"]).code, 1);
    assert_eq!(run(dir.path(), &["validate", "--format", "xml"]).code, 1);
    let help = run(dir.path(), &["--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("validate"));
}

#[test]
fn validate_as_sarif_points_code_scanning_at_the_rule_line() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/broken/VNET001");
    let r = common::run(&dir, &["validate", "--format", "sarif"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let sarif: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["ruleId"] == "VNET001")
        .expect("a VNET001 result");
    let location = &result["locations"][0]["physicalLocation"];
    let file = location["artifactLocation"]["uri"].as_str().unwrap();
    let line = location["region"]["startLine"].as_u64().unwrap() as usize;
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    assert!(
        text.lines().nth(line - 1).unwrap().contains("# <- VNET001"),
        "line {line} of {file} is not the marked one"
    );
    assert!(sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "VNET001"));
}

/// `aksplan apply | head -1`: the reader goes away, the apply does not.
#[test]
fn a_closed_stdout_stops_the_printing_not_the_apply() {
    let dir = tempfile::tempdir().unwrap();
    let groups: String = (0..20)
        .map(|i| format!("resource \"azurerm_resource_group\" \"r{i}\" {{\n  name     = \"rg-{i}\"\n  location = \"westeurope\"\n}}\n"))
        .collect();
    write(dir.path(), &[("main.tf", &groups)]);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("aksplan"))
        .current_dir(dir.path())
        .env_clear()
        .args(["apply", "-auto-approve"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let r = run(dir.path(), &["state", "list"]);
    assert_eq!(r.stdout.lines().count(), 20, "{}", r.stdout);
}

/// HCL refuses a quoted string over two lines; hcl-edit reads it.
#[test]
fn a_quoted_string_over_two_lines_is_refused_at_the_string() {
    let r = validate("locals {\n  a = \"x\ny\"\n}\n");
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Invalid multi-line string"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("  on main.tf line 2, in locals:\n   2:   a = \"x\n   3: y\"\n"),
        "{}",
        r.stderr
    );
}

/// Arguments that cannot be set together conflict when both hold a value,
/// as the provider checks them: an argument set to a null variable is not set.
#[test]
fn conflicting_arguments_are_values_not_words() {
    let config = |id: &str, name: &str| {
        format!(
            "variable \"id\" {{\n  default = {id}\n}}\nvariable \"name\" {{\n  default = {name}\n}}\n\
             resource \"azurerm_role_assignment\" \"r\" {{\n  scope                = \"/subscriptions/00000000-0000-0000-0000-000000000000\"\n  principal_id         = \"00000000-0000-0000-0000-000000000001\"\n  role_definition_id   = var.id\n  role_definition_name = var.name\n}}\n"
        )
    };
    let r = plan(&config("null", "\"Reader\""));
    assert!(!r.stderr.contains("Conflicting arguments"), "{}", r.stderr);
    let r = plan(&config("\"/x\"", "\"Reader\""));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Conflicting arguments"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("role_definition_name cannot be set together with role_definition_id"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "  on main.tf line 11, in resource \"azurerm_role_assignment\" \"r\":\n  11:   role_definition_name = var.name\n"
        ),
        "{}",
        r.stderr
    );
    // validate knows no variable's value: nothing conflicts yet.
    assert_eq!(validate(&config("\"/x\"", "\"Reader\"")).code, 0);
}
