//! Adoption: `aksplan import ADDR ID` and `import` blocks bring resources
//! that exist in Azure under management; the next plan shows how they
//! differ from their configuration.

mod common;

use common::{run_env, write, Run};
use std::path::Path;

const RG: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-legacy";

/// Two configurations sharing one simulated subscription: `made` creates
/// the resource group outside the other's knowledge.
struct World {
    dir: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[(
                "made/main.tf",
                "resource \"azurerm_resource_group\" \"rg\" {\n  name     = \"rg-legacy\"\n  location = \"westeurope\"\n  tags     = { env = \"dev\", owner = \"x\" }\n}\n",
            )],
        );
        let w = World { dir };
        let r = w.run("made", &["apply", "--auto-approve"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        w
    }

    fn run(&self, sub: &str, args: &[&str]) -> Run {
        let sim = self.dir.path().join("sim");
        run_env(
            &self.dir.path().join(sub),
            args,
            &[("AKSPLAN_SIM_DIR", sim.to_str().unwrap())],
        )
    }

    fn adopt(&self, sub: &str, extra: &str) -> &Path {
        let tf = format!(
            "{extra}resource \"azurerm_resource_group\" \"rg\" {{\n  name     = \"rg-legacy\"\n  location = \"westeurope\"\n  tags     = {{ env = \"prod\" }}\n}}\n"
        );
        write(self.dir.path(), &[(&format!("{sub}/main.tf"), &tf)]);
        self.dir.path()
    }
}

#[test]
fn import_records_the_resource_and_the_next_plan_shows_its_differences() {
    let w = World::new();
    w.adopt("adopt", "");
    let r = w.run("adopt", &["import", "azurerm_resource_group.rg", RG]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Import successful!"), "{}", r.stdout);
    let r = w.run("adopt", &["state", "list"]);
    assert_eq!(r.stdout, "azurerm_resource_group.rg\n");
    let r = w.run("adopt", &["plan", "--detailed-exitcode"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stdout.contains("azurerm_resource_group.rg will be updated in-place"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("~ \"env\"   = \"dev\" -> \"prod\""), "{}", r.stdout);
    assert!(r.stdout.contains("- \"owner\" = \"x\" -> null"), "{}", r.stdout);

    // A second import to the same address is refused.
    let r = w.run("adopt", &["import", "azurerm_resource_group.rg", RG]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Resource already managed"), "{}", r.stderr);
}

#[test]
fn import_refuses_what_cannot_be_adopted() {
    let w = World::new();
    w.adopt("adopt", "");
    let cases = [
        (vec!["import", "azurerm_resource_group.other", RG], "not in the configuration"),
        (vec!["import", "azurerm_resource_group.rg", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-none"], "Cannot import: no such resource"),
        (
            vec!["import", "azurerm_resource_group.rg", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-legacy/providers/Microsoft.Network/virtualNetworks/v"],
            "Cannot import: the id is of another type",
        ),
        (vec!["import", "not-an-address", RG], "Invalid resource address"),
    ];
    for (args, want) in cases {
        let r = w.run("adopt", &args);
        assert_eq!(r.code, 1, "{args:?}");
        assert!(r.stderr.contains(want), "{args:?}: {}", r.stderr);
    }
    assert_eq!(w.run("adopt", &["state", "list"]).stdout, "", "nothing was recorded");
}

#[test]
fn an_import_block_is_planned_applied_and_then_done() {
    let w = World::new();
    let block = format!("import {{\n  to = azurerm_resource_group.rg\n  id = \"{RG}\"\n}}\n\n");
    w.adopt("adopt", &block);
    let r = w.run("adopt", &["plan"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("# azurerm_resource_group.rg will be updated in-place\n  # (imported from"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("Plan: 1 to import, 0 to add, 1 to change, 0 to destroy."),
        "{}",
        r.stdout
    );
    let r = w.run("adopt", &["plan", "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(plan["resource_changes"][0]["change"]["importing"]["id"], RG);
    assert_eq!(w.run("adopt", &["state", "list"]).stdout, "", "plan recorded nothing");

    let r = w.run("adopt", &["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("Apply complete! Resources: 1 imported, 0 added, 1 changed, 0 destroyed."),
        "{}",
        r.stdout
    );
    let r = w.run("adopt", &["plan", "--detailed-exitcode"]);
    assert_eq!(r.code, 0, "the block has done its work:\n{}", r.stdout);
}

#[test]
fn an_import_block_to_an_unknown_resource_is_an_error_at_its_line() {
    let w = World::new();
    let block = format!("import {{\n  to = azurerm_resource_group.missing\n  id = \"{RG}\"\n}}\n\n");
    w.adopt("adopt", &block);
    let r = w.run("adopt", &["plan"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("Import to a resource that is not in the configuration"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("  on main.tf line 2, in import:\n   2: "),
        "{}",
        r.stderr
    );
}
