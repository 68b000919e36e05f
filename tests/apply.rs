//! Plan and apply against the simulated Azure, through the real binary.

mod common;

use common::{example, run, write};
use std::path::Path;

/// A small network: a resource group, a virtual network, and subnets from a map.
const NETWORK: &str = r#"
variable "location" {
  default = "westeurope"
}

variable "tags" {
  type    = map(string)
  default = { env = "dev" }
}

variable "subnets" {
  type = map(string)
  default = {
    a = "10.1.1.0/24"
    b = "10.1.2.0/24"
  }
}

resource "azurerm_resource_group" "rg" {
  name     = "rg-net"
  location = var.location
  tags     = var.tags
}

resource "azurerm_virtual_network" "vnet" {
  name                = "vnet"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.1.0.0/16"]
}

resource "azurerm_subnet" "s" {
  for_each             = var.subnets
  name                 = each.key
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.vnet.name
  address_prefixes     = [each.value]
}

output "vnet_id" {
  value = azurerm_virtual_network.vnet.id
}
"#;

fn network() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", NETWORK)]);
    dir
}

fn apply(dir: &Path, extra: &[&str]) -> common::Run {
    let mut args = vec!["apply", "--auto-approve"];
    args.extend_from_slice(extra);
    let r = run(dir, &args);
    assert_eq!(r.code, 0, "apply failed:\n{}\n{}", r.stdout, r.stderr);
    r
}

fn plan_exit(dir: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["plan", "--detailed-exitcode"];
    args.extend_from_slice(extra);
    let r = run(dir, &args);
    (r.code, format!("{}{}", r.stdout, r.stderr))
}

const SUB: &str = "/subscriptions/00000000-0000-0000-0000-000000000000";

#[test]
fn the_ml_attach_example_applies_on_what_exists_then_plans_clean() {
    let dir = example("ml-inference-attach");
    let existing = dir.path().join("existing");
    std::fs::create_dir_all(&existing).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ml-inference-attach/existing/main.tf");
    std::fs::copy(src, existing.join("main.tf")).unwrap();
    let sim = dir.path().join(".aksplan/sim").display().to_string();
    let env = [("AKSPLAN_SIM_DIR", sim.as_str())];
    let r = common::run_env(&existing, &["apply", "--auto-approve"], &env);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = common::run_env(dir.path(), &["apply", "--auto-approve"], &env);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("azurerm_machine_learning_inference_cluster.attach: Creation complete"),
        "{}",
        r.stdout
    );
    let r = common::run_env(dir.path(), &["plan", "--detailed-exitcode"], &env);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    // Detaching leaves the cluster: the plan says so.
    let r = common::run_env(dir.path(), &["plan", "--destroy"], &env);
    assert!(r.stderr.contains("AML007"), "{}", r.stderr);
    assert!(
        r.stderr.contains("the AKS cluster aks-ml and its workloads remain"),
        "{}",
        r.stderr
    );
}

#[test]
fn every_example_applies_then_plans_clean() {
    for name in [
        "aks-basic",
        "apiserver-vnet-integration",
        "cluster-extensions",
        "arc-connected-cluster",
        "modules",
    ] {
        let dir = example(name);
        let r = apply(dir.path(), &[]);
        assert!(
            r.stdout.starts_with("Cloud: sim"),
            "{name}: the first line names the cloud:\n{}",
            r.stdout
        );
        assert!(r.stdout.contains("Apply complete!"), "{name}: {}", r.stdout);
        let (code, out) = plan_exit(dir.path(), &[]);
        assert_eq!(code, 0, "{name}: a plan after apply must show no changes:\n{out}");
        assert!(out.contains("No changes."), "{name}: {out}");
    }
}

#[test]
fn the_first_plan_is_pinned() {
    let dir = network();
    let r = run(dir.path(), &["plan"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("network_create_plan", r.stdout);
}

#[test]
fn a_changed_tag_is_one_change_in_place() {
    let dir = network();
    apply(dir.path(), &[]);
    let (code, out) = plan_exit(dir.path(), &["--var", "tags={ env = \"prod\" }"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("Plan: 0 to add, 1 to change, 0 to destroy."), "{out}");
    assert!(
        out.contains("# azurerm_resource_group.rg will be updated in-place"),
        "{out}"
    );
    assert!(out.contains(r#"~ "env" = "dev" -> "prod""#), "{out}");
}

#[test]
fn a_normalised_location_is_no_change() {
    let dir = network();
    apply(dir.path(), &[]);
    let (code, out) = plan_exit(dir.path(), &["--var", "location=West Europe"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_changed_immutable_attribute_replaces_and_names_it() {
    let dir = network();
    apply(dir.path(), &[]);
    let (code, out) = plan_exit(dir.path(), &["--var", "location=eastus"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("# azurerm_resource_group.rg must be replaced"), "{out}");
    assert!(
        out.contains(r#"~ location = "westeurope" -> "eastus" # forces replacement"#),
        "{out}"
    );
}

/// The network applied, then its subnet `b` deleted in the simulation.
fn applied_then_subnet_b_deleted_outside() -> tempfile::TempDir {
    let dir = network();
    apply(dir.path(), &[]);
    let subnet = format!("{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/b");
    assert_eq!(run(dir.path(), &["sim", "delete", &subnet]).code, 0);
    dir
}

#[test]
fn a_resource_deleted_outside_is_planned_again() {
    let dir = applied_then_subnet_b_deleted_outside();
    let (code, out) = plan_exit(dir.path(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("Objects have changed outside of aksplan"), "{out}");
    assert!(out.contains(r#"# azurerm_subnet.s["b"] has been deleted"#), "{out}");
    assert!(out.contains(r#"# azurerm_subnet.s["b"] will be created"#), "{out}");
    assert!(out.contains("(because it was deleted outside aksplan)"), "{out}");
    assert!(out.contains("Plan: 1 to add, 0 to change, 0 to destroy."), "{out}");
}

/// As Terraform refreshes only the targeted part of its graph: what the
/// target depends on is read, what it does not is left as recorded (a
/// subnet deleted outside is neither read nor reported).
#[test]
fn a_targeted_plan_reads_only_the_target_and_what_it_depends_on() {
    let dir = applied_then_subnet_b_deleted_outside();
    let (code, out) = plan_exit(dir.path(), &["--target", "azurerm_virtual_network.vnet"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("azurerm_virtual_network.vnet: Refreshing state... [id="),
        "{out}"
    );
    assert!(
        out.contains("azurerm_resource_group.rg: Refreshing state... [id="),
        "{out}"
    );
    assert!(!out.contains("azurerm_subnet"), "{out}");
    assert!(!out.contains("changed outside"), "{out}");
    let (code, out) = plan_exit(dir.path(), &["--target", r#"azurerm_subnet.s["b"]"#]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains(r#"# azurerm_subnet.s["b"] has been deleted"#), "{out}");
    assert!(out.contains(r#"# azurerm_subnet.s["b"] will be created"#), "{out}");
    assert!(out.contains("Plan: 1 to add, 0 to change, 0 to destroy."), "{out}");
}

#[test]
fn a_tag_changed_outside_shows_as_drift_and_is_set_back() {
    let dir = network();
    apply(dir.path(), &[]);
    let rg = format!("{SUB}/resourceGroups/rg-net");
    let r = run(dir.path(), &["sim", "patch", &rg, r#"{"tags": {"env": "hacked"}}"#]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (code, out) = plan_exit(dir.path(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("# azurerm_resource_group.rg has changed"), "{out}");
    assert!(out.contains(r#"~ "env" = "dev" -> "hacked""#), "{out}");
    assert!(out.contains(r#"~ "env" = "hacked" -> "dev""#), "{out}");
}

#[test]
fn destroy_removes_everything_in_reverse_order() {
    let dir = network();
    apply(dir.path(), &[]);
    let r = run(dir.path(), &["destroy", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let pos = |s: &str| {
        r.stdout
            .find(&format!("{s}: Destruction complete"))
            .unwrap_or_else(|| panic!("{s} not destroyed:\n{}", r.stdout))
    };
    assert!(pos(r#"azurerm_subnet.s["a"]"#) < pos("azurerm_virtual_network.vnet"));
    assert!(pos(r#"azurerm_subnet.s["b"]"#) < pos("azurerm_virtual_network.vnet"));
    assert!(pos("azurerm_virtual_network.vnet") < pos("azurerm_resource_group.rg"));
    assert!(
        r.stdout
            .contains("Destroy complete! Resources: 0 added, 0 changed, 4 destroyed."),
        "{}",
        r.stdout
    );
    assert_eq!(run(dir.path(), &["state", "list"]).stdout, "");
    assert_eq!(
        run(dir.path(), &["sim", "list"]).stdout,
        "",
        "the simulation still holds resources"
    );
}

#[test]
fn a_failing_resource_leaves_the_others_applied_and_recorded() {
    let dir = network();
    // Subnet c lies outside the network's range: Azure refuses it.
    let r = run(
        dir.path(),
        &[
            "apply",
            "--auto-approve",
            "--var",
            r#"subnets={ a = "10.1.1.0/24", b = "10.1.2.0/24", c = "10.9.0.0/24" }"#,
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("NetcfgSubnetRangeOutsideVnet"), "{}", r.stderr);
    assert!(r.stderr.contains(r#"azurerm_subnet.s["c"]"#), "{}", r.stderr);
    assert!(r.stdout.contains("Apply incomplete"), "{}", r.stdout);
    let list = run(dir.path(), &["state", "list"]).stdout;
    assert_eq!(
        list,
        "azurerm_resource_group.rg\nazurerm_subnet.s[\"a\"]\nazurerm_subnet.s[\"b\"]\nazurerm_virtual_network.vnet\n"
    );
    // A new plan shows only what is left.
    let fixed = r#"subnets={ a = "10.1.1.0/24", b = "10.1.2.0/24", c = "10.1.3.0/24" }"#;
    let (code, out) = plan_exit(dir.path(), &["--var", fixed]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("Plan: 1 to add, 0 to change, 0 to destroy."), "{out}");
}

#[test]
fn dependents_of_a_failed_resource_are_not_attempted() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            r#"
resource "azurerm_resource_group" "rg" {
  name     = "rg-f"
  location = "westeurope"
}
resource "azurerm_virtual_network" "vnet" {
  name                = "vnet"
  location            = "westeurope"
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.1.0.0/16"]
}
resource "azurerm_subnet" "bad" {
  name                 = "bad"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.vnet.name
  address_prefixes     = ["192.168.0.0/24"]
}
resource "azurerm_role_assignment" "on_bad" {
  scope                = azurerm_subnet.bad.id
  role_definition_name = "Reader"
  principal_id         = "00000000-0000-0000-0000-0000000000aa"
}
resource "azurerm_user_assigned_identity" "independent" {
  name                = "id-independent"
  location            = "westeurope"
  resource_group_name = azurerm_resource_group.rg.name
}
"#,
        )],
    );
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("azurerm_role_assignment.on_bad: not attempted: azurerm_subnet.bad did not succeed"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout
            .contains("azurerm_user_assigned_identity.independent: Creation complete"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_held_lock_refuses_a_second_apply() {
    let dir = network();
    // A live process on this host holds the lock: this test's own.
    let holder = serde_json::json!({
        "pid": std::process::id(),
        "host": std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default().trim(),
        "since": "2026-11-22T10:00:00Z",
        "operation": "apply"
    });
    std::fs::write(dir.path().join(".aksplan.tfstate.lock.json"), holder.to_string()).unwrap();
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Error acquiring the state lock"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("apply by pid {}", std::process::id())),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("since 2026-11-22T10:00:00Z"), "{}", r.stderr);
    assert!(!dir.path().join("aksplan.tfstate").exists());
    // Its holder is alive on this host: only --force removes it.
    let r = run(dir.path(), &["force-unlock"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let r = run(dir.path(), &["force-unlock", "--force"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Removed the state lock"), "{}", r.stdout);
    apply(dir.path(), &[]);
}

#[test]
fn a_saved_plan_applies_exactly_and_a_stale_one_is_refused() {
    let dir = network();
    let r = run(dir.path(), &["plan", "--out", "first.plan"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let show = run(dir.path(), &["show", "first.plan"]);
    assert!(show.stdout.contains("Plan: 4 to add"), "{}", show.stdout);
    let r = run(dir.path(), &["apply", "first.plan"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("Apply complete! Resources: 4 added"), "{}", r.stdout);
    // A plan made, then the state changes, then the old plan is refused.
    let r = run(
        dir.path(),
        &["plan", "--var", "tags={ env = \"prod\" }", "--out", "second.plan"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    apply(dir.path(), &["--var", "tags={ env = \"test\" }"]);
    let r = run(dir.path(), &["apply", "second.plan"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("Saved plan is stale"), "{}", r.stderr);
}

#[test]
fn prevent_destroy_stops_a_destroy() {
    let dir = tempfile::tempdir().unwrap();
    let guarded = r#"
resource "azurerm_resource_group" "rg" {
  name     = "rg-keep"
  location = "westeurope"
  lifecycle {
    prevent_destroy = true
  }
}
"#;
    write(dir.path(), &[("main.tf", guarded)]);
    apply(dir.path(), &[]);
    let r = run(dir.path(), &["destroy", "--auto-approve"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Instance cannot be destroyed"), "{}", r.stderr);
    assert!(r.stderr.contains("prevent_destroy"), "{}", r.stderr);
    assert_eq!(
        run(dir.path(), &["state", "list"]).stdout,
        "azurerm_resource_group.rg\n"
    );
}

#[test]
fn removed_from_configuration_is_destroyed_with_the_reason() {
    let dir = network();
    apply(dir.path(), &[]);
    let (code, out) = plan_exit(dir.path(), &["--var", r#"subnets={ a = "10.1.1.0/24" }"#]);
    assert_eq!(code, 2);
    assert!(out.contains(r#"# azurerm_subnet.s["b"] will be destroyed"#), "{out}");
    assert!(out.contains(r#"(because key ["b"] is not in for_each map)"#), "{out}");
}

#[test]
fn apply_without_a_terminal_needs_auto_approve() {
    let dir = network();
    let r = run(dir.path(), &["apply"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("No terminal to confirm on"), "{}", r.stderr);
    assert!(!dir.path().join("aksplan.tfstate").exists());
}

#[test]
fn target_and_replace() {
    let dir = network();
    let r = run(
        dir.path(),
        &["apply", "--auto-approve", "--target", "azurerm_virtual_network.vnet"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        run(dir.path(), &["state", "list"]).stdout,
        "azurerm_resource_group.rg\nazurerm_virtual_network.vnet\n"
    );
    apply(dir.path(), &[]);
    let (code, out) = plan_exit(dir.path(), &["--replace", "azurerm_virtual_network.vnet"]);
    assert_eq!(code, 2);
    assert!(out.contains("# azurerm_virtual_network.vnet must be replaced"), "{out}");
    assert!(out.contains("(replacement requested with --replace)"), "{out}");
}

#[test]
fn state_files_are_private_and_backed_up() {
    let dir = network();
    apply(dir.path(), &[]);
    apply(dir.path(), &["--var", "tags={ env = \"prod\" }"]);
    use std::os::unix::fs::PermissionsExt;
    for f in ["aksplan.tfstate", "aksplan.tfstate.backup"] {
        let mode = std::fs::metadata(dir.path().join(f)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{f}");
    }
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("aksplan.tfstate")).unwrap()).unwrap();
    let backup: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("aksplan.tfstate.backup")).unwrap()).unwrap();
    assert_eq!(state["version"], 1);
    assert!(state["serial"].as_u64() > backup["serial"].as_u64());
    assert!(!dir.path().join("aksplan.tfstate.journal").exists());
}

#[test]
fn outputs_and_state_commands() {
    let dir = network();
    apply(dir.path(), &[]);
    let r = run(dir.path(), &["output"]);
    assert_eq!(
        r.stdout,
        format!("vnet_id = \"{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet\"\n")
    );
    let r = run(dir.path(), &["output", "vnet_id", "--raw"]);
    assert_eq!(
        r.stdout,
        format!("{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet")
    );
    let r = run(dir.path(), &["state", "show", "azurerm_resource_group.rg"]);
    assert!(
        r.stdout
            .starts_with("# azurerm_resource_group.rg:\nresource \"azurerm_resource_group\" \"rg\" {"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("location = \"westeurope\""), "{}", r.stdout);
    let r = run(
        dir.path(),
        &["state", "mv", r#"azurerm_subnet.s["b"]"#, r#"azurerm_subnet.s["c"]"#],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(dir.path(), &["state", "rm", r#"azurerm_subnet.s["c"]"#]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Forgotten, but still in the cloud: the plan creates it again (and the sim refuses the duplicate range later).
    let (_, out) = plan_exit(dir.path(), &[]);
    assert!(out.contains(r#"# azurerm_subnet.s["b"] will be created"#), "{out}");
    assert_eq!(run(dir.path(), &["state", "rm", "azurerm_subnet.nope"]).code, 1);
    let show = run(dir.path(), &["show", "--json"]);
    let j: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
    assert_eq!(j["resources"].as_array().unwrap().len(), 3);
}

#[test]
fn sensitive_values_stay_hidden_in_plans_and_outputs() {
    let dir = example("cluster-extensions");
    let secret = "-----BEGIN PRIVATE KEY-----\nplaceholder";
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stdout.contains("placeholder") && !r.stderr.contains("placeholder"),
        "{}",
        r.stdout
    );
    let r = run(dir.path(), &["show"]);
    assert!(!r.stdout.contains("placeholder"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("configuration_protected_settings = (sensitive value)"),
        "{}",
        r.stdout
    );
    // Azure never returns protected settings: the simulation does not keep them either.
    let store = std::fs::read_to_string(dir.path().join(".aksplan/sim/resources.jsonl")).unwrap();
    assert!(store.contains("Microsoft.KubernetesConfiguration/extensions"));
    assert!(
        !store.contains(&secret[..20]),
        "the simulation's store holds the secret"
    );
}

#[test]
fn protected_settings_are_sealed_in_state_and_compared_through_the_seal() {
    let dir = example("cluster-extensions");
    apply(dir.path(), &[]);
    let state = std::fs::read_to_string(dir.path().join("aksplan.tfstate")).unwrap();
    assert!(!state.contains("placeholder"), "the state holds the secret");
    assert!(state.contains("$aksplan-sealed$"), "the state holds no seal");
    let (code, out) = plan_exit(dir.path(), &[]);
    assert_eq!(code, 0, "the same secret is no change:\n{out}");
    let (code, out) = plan_exit(dir.path(), &["--var", "aml_ssl_key=another-key"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(r#"# azurerm_kubernetes_cluster_extension.this["azureml"] will be updated in-place"#),
        "{out}"
    );
    assert!(
        out.contains("~ configuration_protected_settings = (sensitive value) -> (sensitive value)"),
        "{out}"
    );
    assert!(!out.contains("another-key"), "{out}");
    apply(dir.path(), &["--var", "aml_ssl_key=another-key"]);
    let (code, _) = plan_exit(dir.path(), &["--var", "aml_ssl_key=another-key"]);
    assert_eq!(code, 0);
}

#[test]
fn replacing_a_cluster_replaces_what_azure_deletes_with_it() {
    let dir = example("aks-basic");
    apply(dir.path(), &[]);
    let main = dir.path().join("main.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(
        &main,
        text.replace(
            "dns_prefix          = local.dns_prefix",
            "dns_prefix          = \"changed\"",
        ),
    )
    .unwrap();
    let r = run(dir.path(), &["plan"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for pool in ["apps", "gpu"] {
        assert!(
            r.stdout.contains(&format!(
                "# azurerm_kubernetes_cluster_node_pool.user[\"{pool}\"] must be replaced\n  # (because azurerm_kubernetes_cluster.this is replaced, and Azure deletes what is under it with it)"
            )),
            "{}",
            r.stdout
        );
    }
    apply(dir.path(), &[]);
    let (code, out) = plan_exit(dir.path(), &[]);
    assert_eq!(code, 0, "nothing is left to recreate:\n{out}");
}

/// `timestamp()` is unknown in the plan and the time of the apply in state;
/// `plantimestamp()` is the plan's time, also when a saved plan is applied
/// later.
#[test]
fn timestamps_resolve_when_terraform_resolves_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        &[(
            "main.tf",
            r#"
resource "azurerm_resource_group" "rg" {
  name     = "rg-ts"
  location = "westeurope"
  tags     = { created = timestamp(), planned = plantimestamp() }
}
output "applied_at" {
  value = timestamp()
}
output "planned_at" {
  value = plantimestamp()
}
"#,
        )],
    );
    let r = run(d, &["plan", "-out=tfplan"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("+ \"created\" = (known after apply)"), "{}", r.stdout);
    let plan: serde_json::Value = serde_json::from_str(&run(d, &["show", "-json", "tfplan"]).stdout).unwrap();
    let planned_at = plan["timestamp"].as_str().unwrap().to_string();
    assert_eq!(
        plan["planned_values"]["outputs"]["planned_at"]["value"],
        planned_at.as_str()
    );

    let r = run(d, &["apply", "tfplan"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let outputs: serde_json::Value = serde_json::from_str(&run(d, &["output", "-json"]).stdout).unwrap();
    assert_eq!(
        outputs["planned_at"]["value"],
        planned_at.as_str(),
        "the saved plan's time"
    );
    let applied_at = outputs["applied_at"]["value"].as_str().expect("known after apply");
    assert!(applied_at >= planned_at.as_str(), "{applied_at} {planned_at}");
    let r = run(d, &["state", "show", "azurerm_resource_group.rg"]);
    assert!(
        r.stdout.contains(&format!("created = \"{applied_at}\"")),
        "{}",
        r.stdout
    );
}

/// An id not known until apply is still a string: a list of them has a
/// known length, as in terraform (flatten gives up only on values of
/// unknown type).
#[test]
fn unknown_ids_keep_their_type() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            r#"
resource "terraform_data" "a" {
  count = 2
}
resource "azurerm_resource_group" "rg" {
  name     = "rg-${terraform_data.a[0].id}"
  location = "westeurope"
}
output "ids" {
  value = length(flatten([[terraform_data.a[0].id], [for a in terraform_data.a : a.id], [azurerm_resource_group.rg.id]]))
}
"#,
        )],
    );
    let r = run(dir.path(), &["plan"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("+ ids = 4"), "{}", r.stdout);
}
