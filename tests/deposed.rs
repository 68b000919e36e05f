//! Deposed objects through the real binary: what a create_before_destroy
//! replacement leaves when the old object's delete fails, and how plan,
//! show, state and apply treat it, compared with terraform 1.11's output
//! (tests/fixtures/deposed).

mod common;

use common::{run, write};
use std::path::Path;

const SUB: &str = "00000000-0000-0000-0000-000000000000";

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/deposed")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The actions part of a plan's text, from "... will perform" to the summary.
fn actions(plan: &str) -> String {
    let start = plan
        .find("will perform the following actions")
        .expect("a plan with actions");
    let start = plan[..start].rfind('\n').map_or(0, |i| i + 1);
    let end = start + plan[start..].find("\nPlan: ").expect("a summary");
    let end = end + plan[end + 1..].find('\n').map_or(plan.len() - end, |i| i + 2);
    plan[start..end].to_string()
}

/// The deposed objects in the state file: (address, key, id).
fn deposed_in_state(dir: &Path) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(dir.join("aksplan.tfstate")).unwrap();
    let f: serde_json::Value = serde_json::from_str(&text).unwrap();
    f["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| {
            let key = r.get("deposed")?.as_str()?.to_string();
            Some((r["address"].as_str()?.to_string(), key, r["id"].as_str()?.to_string()))
        })
        .collect()
}

fn current_ids(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("aksplan.tfstate")).unwrap();
    let f: serde_json::Value = serde_json::from_str(&text).unwrap();
    f["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("deposed").is_none())
        .map(|r| r["id"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_deposed_object_is_planned_shown_listed_and_destroyed_as_terraform_does() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("main.tf", &fixture("main.tf")),
            ("aksplan.tfstate", &fixture("aksplan.tfstate")),
        ],
    );

    let plan = run(dir.path(), &["plan"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    // terraform 1.11 on the same state prints both lines (in either order).
    for line in [
        "terraform_data.x (deposed object 1a2b3c4d): Refreshing state... [id=old-id]",
        "terraform_data.x: Refreshing state... [id=new-id]",
    ] {
        assert!(plan.stdout.lines().any(|l| l == line), "{line}\n{}", plan.stdout);
    }
    assert_eq!(
        actions(&plan.stdout).replace("aksplan will perform", "Terraform will perform"),
        fixture("terraform_plan.txt")
    );

    let show = run(dir.path(), &["show"]);
    assert_eq!(show.stdout.trim_end(), fixture("terraform_show.txt").trim_end());
    let list = run(dir.path(), &["state", "list"]);
    assert_eq!(list.stdout, fixture("terraform_state_list.txt"));
    // `state show` shows the current object only, as terraform's does.
    let one = run(dir.path(), &["state", "show", "terraform_data.x"]);
    assert!(
        one.stdout.contains("new-id") && !one.stdout.contains("old-id"),
        "{}",
        one.stdout
    );

    // The JSON plan names the key where terraform's does.
    let json = run(dir.path(), &["plan", "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let ours: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let theirs: serde_json::Value = serde_json::from_str(&fixture("terraform_plan.json")).unwrap();
    let pick = |changes: &serde_json::Value| -> Vec<serde_json::Value> {
        changes
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                serde_json::json!([
                    c["address"],
                    c.get("deposed"),
                    c["change"]["actions"],
                    c["change"]["before"]["id"]
                ])
            })
            .collect()
    };
    assert_eq!(pick(&ours["resource_changes"]), pick(&theirs["resource_changes"]));
    let keys = |resources: &serde_json::Value| -> Vec<serde_json::Value> {
        resources
            .as_array()
            .unwrap()
            .iter()
            .map(|r| serde_json::json!([r["address"], r.get("deposed_key"), r["values"]["id"]]))
            .collect()
    };
    assert_eq!(
        keys(&ours["prior_state"]["values"]["root_module"]["resources"]),
        keys(&theirs["prior_state_resources"])
    );

    let apply = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{}", apply.stderr);
    assert!(
        apply
            .stdout
            .contains("terraform_data.x (deposed object 1a2b3c4d): Destruction complete"),
        "{}",
        apply.stdout
    );
    assert!(
        apply.stdout.contains("0 added, 0 changed, 1 destroyed."),
        "{}",
        apply.stdout
    );
    assert_eq!(deposed_in_state(dir.path()), vec![]);
    assert_eq!(current_ids(dir.path()), vec!["new-id"]);
    assert_eq!(run(dir.path(), &["plan", "--detailed-exitcode"]).code, 0);
}

#[test]
fn create_before_destroy_keeps_the_old_object_deposed_when_azure_refuses_its_delete() {
    let dir = tempfile::tempdir().unwrap();
    let main = "resource \"azurerm_resource_group\" \"rg\" {\n  name     = \"rg-one\"\n  location = \"westeurope\"\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n";
    write(dir.path(), &[("main.tf", main)]);
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    let old_id = format!("/subscriptions/{SUB}/resourceGroups/rg-one");
    let new_id = format!("/subscriptions/{SUB}/resourceGroups/rg-two");
    // A management lock makes Azure refuse the old group's delete.
    let lock = format!("{old_id}/providers/Microsoft.Authorization/locks/keep");
    let put = run(
        dir.path(),
        &["sim", "put", &lock, r#"{"properties": {"level": "CanNotDelete"}}"#],
    );
    assert_eq!(put.code, 0, "{}", put.stderr);

    write(dir.path(), &[("main.tf", &main.replace("rg-one", "rg-two"))]);
    let apply = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(apply.code, 1, "{}", apply.stdout);
    assert!(apply.stderr.contains("ScopeLocked"), "{}", apply.stderr);
    assert!(
        common::flat(&apply.stderr).contains("stays in state, deposed"),
        "{}",
        apply.stderr
    );
    // The new group is current; the old one is kept, deposed, not lost.
    assert_eq!(current_ids(dir.path()), vec![new_id.clone()]);
    let deposed = deposed_in_state(dir.path());
    let [(address, key, id)] = &deposed[..] else {
        panic!("one deposed object: {deposed:?}")
    };
    assert_eq!(
        (address.as_str(), id.as_str()),
        ("azurerm_resource_group.rg", old_id.as_str())
    );
    assert!(
        apply.stdout.contains("azurerm_resource_group.rg: Creation complete"),
        "{}",
        apply.stdout
    );
    assert!(
        apply.stdout.contains(&format!(
            "azurerm_resource_group.rg (deposed object {key}): Destruction errored after"
        )),
        "{}",
        apply.stdout
    );
    assert!(
        apply.stdout.contains("1 added, 0 changed, 0 destroyed; 1 failed"),
        "{}",
        apply.stdout
    );
    assert_eq!(
        run(dir.path(), &["state", "list"]).stdout,
        "azurerm_resource_group.rg\n"
    );
    let show = run(dir.path(), &["show"]).stdout;
    assert!(
        show.contains(&format!("# azurerm_resource_group.rg: (deposed object {key})")),
        "{show}"
    );

    // The next plan destroys it, and counts it.
    let plan = run(dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 2, "{}", plan.stderr);
    insta::with_settings!({filters => vec![(r"deposed object [0-9a-f]{8}", "deposed object [KEY]")]}, {
        insta::assert_snapshot!("deposed_destroy_plan", actions(&plan.stdout));
    });
    assert!(
        plan.stdout.contains(&format!(
            "# azurerm_resource_group.rg (deposed object {key}) will be destroyed"
        )),
        "{}",
        plan.stdout
    );
    // It is not drift: the cloud still matches the state and the configuration.
    let drift = run(dir.path(), &["drift"]);
    assert_eq!(drift.code, 0, "{}\n{}", drift.stdout, drift.stderr);

    // While the lock is there, the destroy fails again and the object stays.
    let again = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(again.code, 1, "{}", again.stdout);
    assert_eq!(deposed_in_state(dir.path()), deposed);

    // Once the lock is lifted, apply destroys it and state is clean.
    assert_eq!(run(dir.path(), &["sim", "delete", &lock]).code, 0);
    let apply = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{}", apply.stderr);
    assert!(
        apply.stdout.contains(&format!(
            "azurerm_resource_group.rg (deposed object {key}): Destruction complete"
        )),
        "{}",
        apply.stdout
    );
    assert!(
        apply.stdout.contains("0 added, 0 changed, 1 destroyed."),
        "{}",
        apply.stdout
    );
    assert_eq!(deposed_in_state(dir.path()), vec![]);
    assert_eq!(current_ids(dir.path()), vec![new_id.clone()]);
    let listed = run(dir.path(), &["sim", "list"]).stdout;
    assert_eq!(listed, format!("{new_id}\n"));
    assert_eq!(run(dir.path(), &["plan", "--detailed-exitcode"]).code, 0);
}

#[test]
fn a_create_before_destroy_replacement_whose_create_fails_keeps_the_old_object_current() {
    let dir = tempfile::tempdir().unwrap();
    let main = "resource \"azurerm_resource_group\" \"rg\" {\n  name     = \"rg-net\"\n  location = \"westeurope\"\n}\n\nresource \"azurerm_virtual_network\" \"v\" {\n  name                = \"vnet-one\"\n  location            = azurerm_resource_group.rg.location\n  resource_group_name = azurerm_resource_group.rg.name\n  address_space       = [\"10.0.0.0/16\"]\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n";
    write(dir.path(), &[("main.tf", main)]);
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    let group = format!("/subscriptions/{SUB}/resourceGroups/rg-net");
    let old_id = format!("{group}/providers/Microsoft.Network/virtualNetworks/vnet-one");
    // A ReadOnly lock makes Azure refuse the new network's create.
    let lock = format!("{group}/providers/Microsoft.Authorization/locks/frozen");
    let put = run(
        dir.path(),
        &["sim", "put", &lock, r#"{"properties": {"level": "ReadOnly"}}"#],
    );
    assert_eq!(put.code, 0, "{}", put.stderr);

    write(dir.path(), &[("main.tf", &main.replace("vnet-one", "vnet-two"))]);
    let apply = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(apply.code, 1, "{}", apply.stdout);
    assert!(
        apply.stderr.contains("cannot perform write operation"),
        "{}",
        apply.stderr
    );
    assert!(
        apply
            .stdout
            .contains("azurerm_virtual_network.v: Creation errored after"),
        "{}",
        apply.stdout
    );
    assert_eq!(deposed_in_state(dir.path()), vec![]);
    assert!(
        current_ids(dir.path()).contains(&old_id),
        "{:?}",
        current_ids(dir.path())
    );
    assert!(run(dir.path(), &["sim", "list"]).stdout.contains(&old_id));
    // Nothing is left over: the plan is the same replacement again.
    let plan = run(dir.path(), &["plan"]);
    assert!(
        plan.stdout.contains("# azurerm_virtual_network.v must be replaced"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("deposed"), "{}", plan.stdout);
    assert!(
        plan.stdout.contains("Plan: 1 to add, 0 to change, 1 to destroy."),
        "{}",
        plan.stdout
    );
}
