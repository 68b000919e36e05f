//! What aksplan refuses rather than do what Terraform would not: through
//! the real binary, each test named after the behaviour.

mod common;

use common::{run, write};

#[test]
fn a_saved_plan_refuses_variables_it_was_not_made_with() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "variable \"v\" {\n  default = \"a\"\n}\nresource \"terraform_data\" \"d\" {\n  input = var.v\n}\n",
        )],
    );
    let plan = run(dir.path(), &["plan", "--out", "tfplan"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    for extra in [&["--var", "v=b"][..], &["--var-file", "x.tfvars"][..]] {
        let mut args = vec!["apply"];
        args.extend_from_slice(extra);
        args.push("tfplan");
        let r = run(dir.path(), &args);
        assert_eq!(r.code, 1, "{args:?}");
        assert!(
            r.stderr.contains("Can't set variables when applying a saved plan"),
            "{}",
            r.stderr
        );
    }
    let r = run(dir.path(), &["apply", "tfplan"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_directory_without_configuration_refuses_to_plan_and_apply_but_destroys() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("main.tf", "resource \"terraform_data\" \"d\" {\n  input = 1\n}\n")],
    );
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    std::fs::remove_file(dir.path().join("main.tf")).unwrap();
    for args in [&["plan"][..], &["apply", "--auto-approve"][..]] {
        let r = run(dir.path(), args);
        assert_eq!(r.code, 1, "{args:?}");
        assert!(r.stderr.contains("No configuration files"), "{}", r.stderr);
    }
    let state = std::fs::read_to_string(dir.path().join("aksplan.tfstate")).unwrap_or_default();
    assert!(state.contains("terraform_data"), "nothing was destroyed");
    let r = run(dir.path(), &["destroy", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("1 destroyed"), "{}", r.stdout);
}

const RENAMED: &str = r#"
resource "azurerm_resource_group" "new" {
  name     = "rg-app"
  location = "westeurope"
}
resource "azurerm_virtual_network" "v" {
  name                = "vnet"
  location            = "westeurope"
  resource_group_name = azurerm_resource_group.new.name
  address_space       = ["10.0.0.0/16"]
}
moved {
  from = azurerm_resource_group.old
  to   = azurerm_resource_group.new
}
"#;

#[test]
fn a_moved_block_renames_in_state_instead_of_destroying_and_creating() {
    let dir = tempfile::tempdir().unwrap();
    let before = RENAMED
        .replace("\"new\"", "\"old\"")
        .replace("azurerm_resource_group.new.name", "azurerm_resource_group.old.name");
    let before = &before[..before.find("moved {").unwrap()];
    write(dir.path(), &[("main.tf", before)]);
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);

    write(dir.path(), &[("main.tf", RENAMED)]);
    let plan = run(dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(
        plan.code, 2,
        "a move is a change to state: {}{}",
        plan.stdout, plan.stderr
    );
    assert!(
        plan.stdout
            .contains("# azurerm_resource_group.old has moved to azurerm_resource_group.new"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("Plan: 0 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    let json = run(dir.path(), &["plan", "--format=json"]);
    assert!(
        json.stdout
            .contains("\"previous_address\": \"azurerm_resource_group.old\""),
        "{}",
        json.stdout
    );

    let apply = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{}", apply.stderr);
    assert!(apply.stdout.contains("0 destroyed"), "{}", apply.stdout);
    let listed = run(dir.path(), &["state", "list"]).stdout;
    assert_eq!(listed, "azurerm_resource_group.new\nazurerm_virtual_network.v\n");
    // The block has done its work: without it, nothing changes.
    write(dir.path(), &[("main.tf", &RENAMED[..RENAMED.find("moved {").unwrap()])]);
    let after = run(dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(after.code, 0, "{}", after.stdout);
}

#[test]
fn moved_blocks_that_cannot_be_followed_are_errors_at_the_block() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "moved {\n  from = azurerm_resource_group.a\n  to   = azurerm_resource_group.b\n}\nresource \"azurerm_resource_group\" \"a\" {\n  name = \"a\"\n  location = \"westeurope\"\n}\nresource \"azurerm_resource_group\" \"b\" {\n  name = \"b\"\n  location = \"westeurope\"\n}\n",
            "Moved object still exists",
        ),
        (
            "moved {\n  from = azurerm_resource_group.a\n  to   = azurerm_resource_group.c\n}\nmoved {\n  from = azurerm_resource_group.b\n  to   = azurerm_resource_group.c\n}\n",
            "Ambiguous move statements",
        ),
        (
            "moved {\n  from = azurerm_resource_group.a\n  to   = azurerm_resource_group.b\n}\nmoved {\n  from = azurerm_resource_group.b\n  to   = azurerm_resource_group.a\n}\n",
            "Cyclic dependency in move statements",
        ),
        (
            "moved {\n  from = azurerm_resource_group.a\n  to   = azurerm_subnet.a\n}\n",
            "Resource type mismatch",
        ),
        (
            "moved {\n  from = azurerm_resource_group.a\n  to   = module.a\n}\n",
            "Invalid moved block",
        ),
    ];
    for (main, expected) in cases {
        write(dir.path(), &[("main.tf", main)]);
        let v = run(dir.path(), &["validate"]);
        assert_eq!(v.code, 1, "{expected}: {}", v.stderr);
        assert!(v.stderr.contains(expected), "{expected}: {}", v.stderr);
    }
}

#[test]
fn a_module_moves_with_everything_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let module = "variable \"name\" {}\nresource \"azurerm_resource_group\" \"rg\" {\n  name     = var.name\n  location = \"westeurope\"\n}\n";
    write(
        dir.path(),
        &[
            ("net/main.tf", module),
            (
                "main.tf",
                "module \"net\" {\n  source = \"./net\"\n  name   = \"rg-net\"\n}\n",
            ),
        ],
    );
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    write(
        dir.path(),
        &[(
            "main.tf",
            "module \"network\" {\n  source = \"./net\"\n  name   = \"rg-net\"\n}\nmoved {\n  from = module.net\n  to   = module.network\n}\n",
        )],
    );
    let plan = run(dir.path(), &["plan"]);
    assert!(
        plan.stdout
            .contains("# module.net.azurerm_resource_group.rg has moved to module.network.azurerm_resource_group.rg"),
        "{}{}",
        plan.stdout,
        plan.stderr
    );
    assert!(plan.stdout.contains("0 to destroy"), "{}", plan.stdout);
}

#[test]
fn a_removed_block_with_destroy_false_forgets_and_leaves_the_object_in_azure() {
    let dir = tempfile::tempdir().unwrap();
    let vnet = "resource \"azurerm_resource_group\" \"rg\" {\n  name     = \"rg-app\"\n  location = \"westeurope\"\n}\nresource \"azurerm_virtual_network\" \"v\" {\n  name                = \"vnet\"\n  location            = \"westeurope\"\n  resource_group_name = azurerm_resource_group.rg.name\n  address_space       = [\"10.0.0.0/16\"]\n}\n";
    write(dir.path(), &[("main.tf", vnet)]);
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    let rg_only = &vnet[..vnet.find("resource \"azurerm_virtual_network\"").unwrap()];
    let forget = format!(
        "{rg_only}removed {{\n  from = azurerm_virtual_network.v\n  lifecycle {{\n    destroy = false\n  }}\n}}\n"
    );
    write(dir.path(), &[("main.tf", &forget)]);
    let plan = run(dir.path(), &["plan"]);
    assert!(
        plan.stdout
            .contains("# azurerm_virtual_network.v will no longer be managed by aksplan"),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("0 to destroy, 1 to forget."), "{}", plan.stdout);
    let apply = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{}", apply.stderr);
    assert_eq!(
        run(dir.path(), &["state", "list"]).stdout,
        "azurerm_resource_group.rg\n"
    );
    assert!(
        run(dir.path(), &["sim", "list"])
            .stdout
            .contains("virtualNetworks/vnet"),
        "the VNet stays in Azure"
    );
}

#[test]
fn a_removed_block_for_what_is_still_declared_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "resource \"azurerm_resource_group\" \"rg\" {\n  name     = \"rg\"\n  location = \"westeurope\"\n}\nremoved {\n  from = azurerm_resource_group.rg\n  lifecycle {\n    destroy = false\n  }\n}\n",
        )],
    );
    let v = run(dir.path(), &["validate"]);
    assert_eq!(v.code, 1);
    assert!(v.stderr.contains("Removed object still exists"), "{}", v.stderr);
}

#[test]
fn a_resource_that_already_exists_is_refused_with_import_advice_not_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let rg = "resource \"azurerm_resource_group\" \"rg\" {\n  name     = \"rg-app\"\n  location = \"westeurope\"\n  tags     = { owner = \"team-a\" }\n}\n";
    write(dir.path(), &[("main.tf", rg)]);
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    // Someone else's configuration declares the same group.
    let other = tempfile::tempdir().unwrap();
    write(other.path(), &[("main.tf", &rg.replace("team-a", "team-b"))]);
    let sim = dir.path().join(".aksplan/sim");
    let sim = sim.to_str().unwrap();
    let r = common::run_env(other.path(), &["apply", "--auto-approve"], &[("AKSPLAN_SIM_DIR", sim)]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("azurerm_resource_group.rg: A resource with this ID already exists"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("id = \"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app\""),
        "{}",
        r.stderr
    );
    let shown = run(
        dir.path(),
        &[
            "sim",
            "show",
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app",
        ],
    );
    assert!(
        shown.stdout.contains("team-a"),
        "its tags were not overwritten: {}",
        shown.stdout
    );
}

#[test]
fn a_rule_that_guards_creation_does_not_block_a_destroy() {
    let dir = common::example("apiserver-vnet-integration");
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    // A role assignment VNET004 requires for a new cluster goes away behind aksplan's back.
    let listed = run(dir.path(), &["sim", "list"]).stdout;
    let grant = listed
        .lines()
        .find(|l| l.contains("roleAssignments"))
        .unwrap()
        .to_string();
    assert_eq!(run(dir.path(), &["sim", "delete", &grant]).code, 0);
    let destroy = run(dir.path(), &["destroy", "--auto-approve"]);
    assert_eq!(destroy.code, 0, "{}{}", destroy.stdout, destroy.stderr);
    assert!(!destroy.stderr.contains("VNET004"), "{}", destroy.stderr);
    assert!(destroy.stdout.contains("Destroy complete!"), "{}", destroy.stdout);
}

#[test]
fn targeting_plans_the_target_alone_and_a_targeted_destroy_takes_its_dependents() {
    let dir = tempfile::tempdir().unwrap();
    let main = "resource \"terraform_data\" \"x\" {\n  for_each = toset([\"a\", \"b\"])\n  input    = each.key\n}\nresource \"terraform_data\" \"dep\" {\n  input = terraform_data.x[\"a\"].output\n}\n";
    write(dir.path(), &[("main.tf", main)]);
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    write(
        dir.path(),
        &[(
            "main.tf",
            &main.replace("input    = each.key", "input    = \"${each.key}2\""),
        )],
    );
    let plan = run(dir.path(), &["plan", "--target", "terraform_data.x[\"a\"]"]);
    assert!(
        plan.stderr.contains("Resource targeting is in effect"),
        "{}",
        plan.stderr
    );
    assert!(
        plan.stdout.contains("terraform_data.x[\"a\"] will be updated in-place"),
        "{}",
        plan.stdout
    );
    assert!(
        !common::without_refresh_lines(&plan.stdout).contains("terraform_data.x[\"b\"]"),
        "the sibling is left alone: {}",
        plan.stdout
    );
    let destroy = run(
        dir.path(),
        &["plan", "--destroy", "--target", "terraform_data.x[\"a\"]"],
    );
    assert!(
        destroy.stdout.contains("terraform_data.dep will be destroyed"),
        "{}",
        destroy.stdout
    );
    assert!(
        destroy.stdout.contains("Plan: 0 to add, 0 to change, 2 to destroy."),
        "{}",
        destroy.stdout
    );
}

#[test]
fn a_default_node_pool_change_that_needs_a_rotation_is_refused_at_plan_without_a_temporary_name_and_never_a_cluster_replacement(
) {
    let dir = common::example("aks-basic");
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    let larger = [
        "--var",
        "system_pool={vm_size=\"Standard_D8s_v5\", node_count=3, zones=[\"1\",\"2\",\"3\"]}",
    ];
    let mut args = vec!["plan"];
    args.extend(larger);
    let plan = run(dir.path(), &args);
    assert_eq!(plan.code, 1, "{}", plan.stdout);
    assert!(
        plan.stderr.contains("temporary_name_for_rotation must be specified"),
        "{}",
        plan.stderr
    );
    assert!(plan.stderr.contains("default_node_pool.vm_size"), "{}", plan.stderr);
    assert!(
        !plan.stdout.contains("must be replaced"),
        "the cluster is not replaced: {}",
        plan.stdout
    );

    let main = dir.path().join("main.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(
        &main,
        text.replace(
            "    name                         = \"system\"\n",
            "    name                         = \"system\"\n    temporary_name_for_rotation  = \"tmp\"\n",
        ),
    )
    .unwrap();
    // With a temporary name, the cluster is updated in place and the pool rotated.
    let plan = run(dir.path(), &args);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    assert!(
        plan.stdout
            .contains("azurerm_kubernetes_cluster.this will be updated in-place"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    assert!(
        plan.stderr.contains("The default node pool will be rotated"),
        "{}",
        plan.stderr
    );
}

#[test]
fn a_state_made_in_another_cloud_is_refused_unless_the_move_is_deliberate() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "resource \"azurerm_resource_group\" \"rg\" {\n  name     = \"rg\"\n  location = \"westeurope\"\n}\n",
        )],
    );
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    let path = dir.path().join("aksplan.tfstate");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("\"cloud\": \"sim, subscription 00000000-0000-0000-0000-000000000000\""),
        "{text}"
    );
    std::fs::write(
        &path,
        text.replace(
            "\"cloud\": \"sim,",
            "\"cloud\": \"Azure Resource Manager at https://example.test,",
        ),
    )
    .unwrap();
    let plan = run(dir.path(), &["plan"]);
    assert_eq!(plan.code, 1, "{}", plan.stdout);
    assert!(
        plan.stderr.contains("The state belongs to another cloud"),
        "{}",
        plan.stderr
    );
    assert!(plan.stderr.contains("https://example.test"), "{}", plan.stderr);
    let moved = run(dir.path(), &["plan", "--allow-cloud-change"]);
    assert_eq!(moved.code, 0, "{}", moved.stderr);
}

#[test]
fn a_data_source_that_depends_on_a_pending_change_is_read_during_apply() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "resource \"azurerm_resource_group\" \"rg\" {\n  name     = \"rg-data\"\n  location = \"westeurope\"\n}\ndata \"azurerm_resource_group\" \"read\" {\n  name = azurerm_resource_group.rg.name\n}\noutput \"id\" { value = data.azurerm_resource_group.read.id }\n",
        )],
    );
    let plan = run(dir.path(), &["plan"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    assert!(
        plan.stdout
            .contains("data.azurerm_resource_group.read will be read during apply"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains(" <= data \"azurerm_resource_group\" \"read\""),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("# (it depends on a resource with changes pending)"),
        "{}",
        plan.stdout
    );
    let json = run(dir.path(), &["plan", "--format=json"]).stdout;
    assert!(json.contains("\"read_because_dependency_pending\""), "{json}");
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    let id = run(dir.path(), &["output", "-raw", "id"]).stdout;
    assert_eq!(
        id,
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data"
    );
}

#[test]
fn a_failing_precondition_stops_the_plan_and_apply() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "variable \"env\" {\n  default = \"dev\"\n}\nresource \"terraform_data\" \"d\" {\n  input = var.env\n  lifecycle {\n    precondition {\n      condition     = contains([\"prod\", \"staging\"], var.env)\n      error_message = \"env must be prod or staging, not ${var.env}.\"\n    }\n  }\n}\n",
        )],
    );
    let plan = run(dir.path(), &["plan"]);
    assert_eq!(plan.code, 1, "{}", plan.stdout);
    assert!(plan.stderr.contains("Resource precondition failed"), "{}", plan.stderr);
    assert!(
        plan.stderr
            .contains("terraform_data.d: env must be prod or staging, not dev."),
        "{}",
        plan.stderr
    );
    let apply = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(apply.code, 1, "a failing precondition applies nothing");
    assert_eq!(run(dir.path(), &["plan", "--var", "env=prod"]).code, 0);
    assert_eq!(
        run(dir.path(), &["validate"]).code,
        0,
        "validate leaves the variable unknown"
    );
}

/// `t`'s postcondition holds for "ok" and fails for anything else; `after`
/// depends on `t`.
const POSTCONDITION: &str = r#"variable "v" {
  default = "ok"
}
resource "terraform_data" "t" {
  input = var.v
  lifecycle {
    postcondition {
      condition     = self.output == "ok"
      error_message = "output is ${self.output}, not ok."
    }
  }
}
resource "terraform_data" "after" {
  input = terraform_data.t.output
}
"#;

#[test]
fn a_failing_postcondition_stops_the_plan_when_known_and_the_apply_when_not() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", POSTCONDITION)]);
    // Unknown at plan (the output of a create is): checked after the
    // create, which stays in state; what depends on it is not applied.
    let apply = run(dir.path(), &["apply", "--auto-approve", "--var", "v=bad"]);
    assert_eq!(apply.code, 1, "{}", apply.stderr);
    assert!(
        apply.stderr.contains("Resource postcondition failed"),
        "{}",
        apply.stderr
    );
    assert!(
        apply.stderr.contains("terraform_data.t: output is bad, not ok."),
        "{}",
        apply.stderr
    );
    let list = run(dir.path(), &["state", "list"]).stdout;
    assert_eq!(
        list.trim(),
        "terraform_data.t",
        "the object stays in state; its dependent waits"
    );
    // Known now: the plan itself fails.
    let plan = run(dir.path(), &["plan", "--var", "v=bad"]);
    assert_eq!(plan.code, 1, "{}", plan.stderr);
    assert!(
        plan.stderr.contains("terraform_data.t: output is bad, not ok."),
        "{}",
        plan.stderr
    );
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    // A destroy is not blocked by a condition.
    write(
        dir.path(),
        &[(
            "main.tf",
            &POSTCONDITION.replace("default = \"ok\"", "default = \"bad\""),
        )],
    );
    assert_eq!(run(dir.path(), &["destroy", "--auto-approve"]).code, 0);
}

#[test]
fn self_outside_a_postcondition_is_an_error_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("main.tf", "resource \"terraform_data\" \"t\" {\n  input = self.id\n}\n")],
    );
    let r = run(dir.path(), &["validate"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("\"self\" can be used only in a resource's or data source's postcondition"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("  on main.tf line 2, in resource \"terraform_data\" \"t\":\n   2:   input = self.id\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_output_precondition_that_fails_stops_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "variable \"n\" {\n  default = 1\n}\noutput \"n\" {\n  value = var.n\n  precondition {\n    condition     = var.n > 2\n    error_message = \"n is ${var.n}, at most 2.\"\n  }\n}\n",
        )],
    );
    let r = run(dir.path(), &["plan"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("Module output value precondition failed"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("output.n: n is 1, at most 2."), "{}", r.stderr);
    assert_eq!(run(dir.path(), &["plan", "--var", "n=3"]).code, 0);
}

/// `by_object` is replaced when `src` changes at all; `by_attr` only when
/// `src.output` does; `by_key[k]` when `keyed[k]` does.
const TRIGGERS: &str = r#"variable "v" {
  default = "a"
}
variable "tags" {
  default = "x"
}
resource "terraform_data" "src" {
  input = var.v
  triggers_replace = var.tags
}
resource "terraform_data" "by_object" {
  lifecycle {
    replace_triggered_by = [terraform_data.src]
  }
}
resource "terraform_data" "by_attr" {
  lifecycle {
    replace_triggered_by = [terraform_data.src.output]
  }
}
resource "terraform_data" "keyed" {
  for_each = toset(["one", "two"])
  input    = each.key == "one" ? var.v : "fixed"
}
resource "terraform_data" "by_key" {
  for_each = toset(["one", "two"])
  lifecycle {
    replace_triggered_by = [terraform_data.keyed[each.key]]
  }
}
"#;

#[test]
fn replace_triggered_by_replaces_when_what_it_names_changes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", TRIGGERS)]);
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    let plan = run(dir.path(), &["plan", "--var", "v=b"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let out = &plan.stdout;
    for replaced in [
        "terraform_data.by_object",
        "terraform_data.by_attr",
        "terraform_data.by_key[\"one\"]",
    ] {
        assert!(
            out.contains(&format!(
                "# {replaced} will be replaced due to changes in replace_triggered_by"
            )),
            "{replaced}: {out}"
        );
    }
    assert!(
        out.contains("# (because terraform_data.keyed[each.key] changes)"),
        "{out}"
    );
    assert!(!common::without_refresh_lines(out).contains("by_key[\"two\"]"), "{out}");
    let json = run(dir.path(), &["plan", "--var", "v=b", "--format=json"]).stdout;
    assert!(json.contains("\"replace_by_triggers\""), "{json}");
}

#[test]
fn replace_triggered_by_names_resources_only() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "variable \"v\" {\n  default = 1\n}\nresource \"terraform_data\" \"t\" {\n  lifecycle {\n    replace_triggered_by = [var.v]\n  }\n}\n",
        )],
    );
    let r = run(dir.path(), &["validate"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("Invalid replace_triggered_by expression"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "  on main.tf line 6, in resource \"terraform_data\" \"t\":\n   6:     replace_triggered_by = [var.v]\n"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn a_check_block_reads_its_own_data_source_and_its_failures_are_warnings() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            r#"resource "azurerm_resource_group" "rg" {
  name     = "rg-checked"
  location = "westeurope"
}
check "missing" {
  data "azurerm_resource_group" "probe" {
    name = "rg-missing"
  }
  assert {
    condition     = data.azurerm_resource_group.probe.location == "westeurope"
    error_message = "never evaluated: the read fails"
  }
}
check "placed" {
  data "azurerm_resource_group" "rg" {
    name = azurerm_resource_group.rg.name
  }
  assert {
    condition     = data.azurerm_resource_group.rg.location == "eastus"
    error_message = "the group is in ${data.azurerm_resource_group.rg.location}, not eastus."
  }
}
"#,
        )],
    );
    let plan = run(dir.path(), &["plan"]);
    assert_eq!(plan.code, 0, "a check never stops a plan: {}", plan.stderr);
    assert!(
        plan.stderr
            .contains("check.missing: Resource group 'rg-missing' could not be found"),
        "{}",
        plan.stderr
    );
    assert!(
        plan.stderr
            .contains("\nWarning: data.azurerm_resource_group.probe: Azure refused the request"),
        "{}",
        plan.stderr
    );
    let apply = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{}", apply.stderr);
    assert!(
        apply
            .stderr
            .contains("check.placed: the group is in westeurope, not eastus."),
        "the check sees what apply made: {}",
        apply.stderr
    );
    assert!(!apply.stderr.contains("never evaluated"), "{}", apply.stderr);
}

#[test]
fn create_before_destroy_deletes_the_old_object_and_keeps_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let main = "resource \"azurerm_resource_group\" \"rg\" {\n  name     = \"rg-one\"\n  location = \"westeurope\"\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n";
    write(dir.path(), &[("main.tf", main)]);
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    write(dir.path(), &[("main.tf", &main.replace("rg-one", "rg-two"))]);
    let apply = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{}", apply.stderr);
    // As Terraform shows it: the new object created, then the old one,
    // deposed, destroyed.
    let created = apply.stdout.find("azurerm_resource_group.rg: Creation complete");
    let destroyed = apply
        .stdout
        .lines()
        .position(|l| {
            l.starts_with("azurerm_resource_group.rg (deposed object ") && l.contains(": Destruction complete")
        })
        .and_then(|n| apply.stdout.lines().take(n).map(|l| l.len() + 1).sum::<usize>().into());
    assert!(
        matches!((created, destroyed), (Some(c), Some(d)) if c < d),
        "{}",
        apply.stdout
    );
    let listed = run(dir.path(), &["sim", "list"]).stdout;
    assert!(
        listed.contains("resourceGroups/rg-two") && !listed.contains("resourceGroups/rg-one"),
        "{listed}"
    );
    assert_eq!(
        run(dir.path(), &["state", "list"]).stdout,
        "azurerm_resource_group.rg\n"
    );
    assert_eq!(run(dir.path(), &["plan", "--detailed-exitcode"]).code, 0);

    // The same name cannot be held twice: refused at plan, with advice.
    write(
        dir.path(),
        &[(
            "main.tf",
            &main.replace("rg-one", "rg-two").replace("westeurope", "northeurope"),
        )],
    );
    let plan = run(dir.path(), &["plan"]);
    assert_eq!(plan.code, 1, "{}", plan.stdout);
    assert!(
        plan.stderr.contains("create_before_destroy needs a new name"),
        "{}",
        plan.stderr
    );
}

#[test]
fn two_resources_planning_one_id_is_a_plan_error() {
    let dir = tempfile::tempdir().unwrap();
    let rg = |name: &str| {
        format!("resource \"azurerm_resource_group\" \"{name}\" {{\n  name     = \"rg-shared\"\n  location = \"westeurope\"\n}}\n")
    };
    write(dir.path(), &[("main.tf", &(rg("a") + &rg("b")))]);
    let plan = run(dir.path(), &["plan"]);
    assert_eq!(plan.code, 1, "{}", plan.stdout);
    assert!(plan.stderr.contains("Two resources with one id"), "{}", plan.stderr);
    assert!(
        plan.stderr
            .contains("azurerm_resource_group.a and azurerm_resource_group.b"),
        "{}",
        plan.stderr
    );
}

#[test]
fn a_failing_check_assertion_is_a_warning_that_does_not_stop_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "variable \"env\" {\n  default = \"dev\"\n}\nresource \"terraform_data\" \"d\" {\n  input = var.env\n}\ncheck \"env_is_prod\" {\n  assert {\n    condition     = var.env == \"prod\"\n    error_message = \"env is ${var.env}, not prod.\"\n  }\n}\n",
        )],
    );
    let plan = run(dir.path(), &["plan"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    assert!(plan.stderr.contains("Check block assertion failed"), "{}", plan.stderr);
    assert!(
        plan.stderr.contains("check.env_is_prod: env is dev, not prod."),
        "{}",
        plan.stderr
    );
    let quiet = run(dir.path(), &["plan", "--var", "env=prod"]);
    assert!(
        !quiet.stderr.contains("Check block assertion failed"),
        "{}",
        quiet.stderr
    );
}

#[test]
fn import_refuses_an_instance_key_the_configuration_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let main = r#"resource "azurerm_resource_group" "keyed" {
  for_each = toset(["a"])
  name     = "rg-${each.key}"
  location = "westeurope"
}
resource "azurerm_resource_group" "single" {
  name     = "rg-single"
  location = "westeurope"
}
"#;
    write(dir.path(), &[("main.tf", main)]);
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    let rg = |name: &str| format!("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/{name}");
    for (addr, id) in [
        ("azurerm_resource_group.keyed[\"b\"]", rg("rg-a")),
        ("azurerm_resource_group.keyed", rg("rg-a")),
        ("azurerm_resource_group.single[\"x\"]", rg("rg-single")),
    ] {
        let r = run(dir.path(), &["import", addr, &id]);
        assert_eq!(r.code, 1, "{addr}: {}", r.stdout);
        assert!(
            r.stderr.contains("Configuration for import target does not exist"),
            "{addr}: {}",
            r.stderr
        );
    }
    assert_eq!(
        run(dir.path(), &["state", "rm", "azurerm_resource_group.keyed[\"a\"]"]).code,
        0
    );
    write(
        dir.path(),
        &[(
            "import.tf",
            &format!(
                "import {{\n  to = azurerm_resource_group.keyed[\"zzz\"]\n  id = \"{}\"\n}}\n",
                rg("rg-a")
            ),
        )],
    );
    let plan = run(dir.path(), &["plan"]);
    assert_eq!(plan.code, 1, "an import only to destroy: {}", plan.stdout);
    assert!(
        plan.stderr.contains("Configuration for import target does not exist"),
        "{}",
        plan.stderr
    );
    assert!(
        plan.stderr
            .contains("  on import.tf line 2, in import:\n   2:   to = azurerm_resource_group.keyed[\"zzz\"]\n"),
        "{}",
        plan.stderr
    );
}

#[test]
fn a_value_the_provider_does_not_accept_is_an_error_at_validate_naming_the_valid_ones() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "resource \"azurerm_subnet\" \"s\" {\n  name                              = \"s\"\n  resource_group_name               = \"rg\"\n  virtual_network_name              = \"v\"\n  address_prefixes                  = [\"10.0.0.0/24\"]\n  private_endpoint_network_policies = \"Enable\"\n}\n",
        )],
    );
    let r = run(dir.path(), &["validate"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Invalid value"), "{}", r.stderr);
    assert!(
        common::flat(&r.stderr).contains(
            "private_endpoint_network_policies must be \"Disabled\", \"Enabled\", \"NetworkSecurityGroupEnabled\" or \"RouteTableEnabled\", not \"Enable\""
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("did you mean \"Enabled\"?"), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "  on main.tf line 6, in resource \"azurerm_subnet\" \"s\":\n   6:   private_endpoint_network_policies = \"Enable\"\n"
        ),
        "{}",
        r.stderr
    );
}
