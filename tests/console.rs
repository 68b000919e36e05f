//! `aksplan console` and `aksplan providers` through the real binary:
//! expressions read from standard input against the configuration, the
//! state, or a fresh plan; the provider tree as `terraform providers`
//! prints it.

mod common;

use common::{example, run, run_stdin, write};

const SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000000";

#[test]
fn console_answers_from_configuration_and_module_outputs_and_reports_bad_lines() {
    let dir = example("modules");
    let input = "var.environments.prod.node_count\n\
                 type(var.environments)\n\
                 keys(module.network)\n\
                 module.network[\"dev\"].node_subnet_id\n\
                 local.nope\n\
                 [\n  1,\n  2]\n";
    let r = run_stdin(dir.path(), &["console"], input);
    assert_eq!(r.code, 1, "a line that fails makes the exit code 1:\n{}", r.stderr);
    assert_eq!(
        r.stdout,
        "3\n\
         map(\n    object({\n        address_space: string,\n        node_count: number,\n    }),\n)\n\
         [\n  \"dev\",\n  \"prod\",\n]\n\
         (known after apply)\n\
         [\n  1,\n  2,\n]\n",
        "each line answers in order, and the failing line does not stop the next"
    );
    assert!(r.stderr.contains("local.nope"), "{}", r.stderr);
    assert!(
        r.stderr.contains("  on <console-input> line 1:\n   1: local.nope\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn console_reads_applied_values_from_state() {
    let dir = example("modules");
    let d = dir.path();
    let r = run(d, &["apply", "-auto-approve"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let r = run_stdin(d, &["console"], "module.network[\"dev\"].node_subnet_id\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout.trim(),
        format!(
            "\"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-dev/providers/Microsoft.Network/virtualNetworks/vnet-dev/subnets/snet-nodes\""
        )
    );
}

#[test]
fn console_plan_evaluates_against_a_new_plan() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        &[(
            "main.tf",
            r#"
variable "name" { type = string }
data "azurerm_client_config" "c" {}
resource "azurerm_resource_group" "rg" {
  name     = "rg-${var.name}"
  location = "westeurope"
}
"#,
        )],
    );
    let input = "data.azurerm_client_config.c.subscription_id\nazurerm_resource_group.rg.name\n";
    // Against state, a variable without a value is unknown and so is what
    // nothing has read yet.
    let r = run_stdin(d, &["console"], input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "(known after apply)\n(known after apply)\n");
    // A plan reads the data source and takes the variable.
    let r = run_stdin(d, &["console", "-plan", "-var", "name=a"], input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, format!("\"{SUBSCRIPTION}\"\n\"rg-a\"\n"));
    // Planning needs every variable.
    let r = run_stdin(d, &["console", "-plan"], input);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("No value for required variable"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(!d.join("aksplan.tfstate").exists(), "console changes nothing");
}

/// `terraform providers` on tests/fixtures/providers, after `terraform get`
/// (Terraform 1.11.4). It prints each module's providers in Go's random map
/// order; aksplan sorts them, so the lines are compared as sets and the
/// tree as aksplan draws it.
const TERRAFORM_PROVIDERS: &str = include_str!("fixtures/providers/terraform-providers.txt");

#[test]
fn providers_prints_the_tree_terraform_prints_in_a_stable_order() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/providers"),
        dir.path(),
    );
    let r = run(dir.path(), &["providers"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sorted = |s: &str| {
        let mut v: Vec<String> = s.lines().map(str::to_string).collect();
        v.sort();
        v
    };
    assert_eq!(sorted(&r.stdout), sorted(TERRAFORM_PROVIDERS));
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn providers_lists_those_of_the_resources_in_state() {
    let dir = example("modules");
    let r = run(dir.path(), &["apply", "-auto-approve"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let r = run(dir.path(), &["providers"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .ends_with("\nProviders required by state:\n\n    provider[registry.terraform.io/hashicorp/azurerm]\n\n"),
        "{}",
        r.stdout
    );
}
