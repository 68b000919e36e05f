//! Override files through the real binary: merged as terraform merges them
//! (tests/fixtures/overrides holds terraform 1.11's answers), planned with
//! what they replace, and their errors reported in their own lines.

mod common;

use common::{copy_tree, run, run_stdin, write};
use std::path::Path;

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/overrides"),
        dir.path(),
    );
    dir
}

#[test]
fn override_files_merge_as_terraform_merges_them() {
    let dir = fixture();
    let d = dir.path();
    // main.tf requires terraform >= 99.0; a_override.tf relaxes it.
    let r = run(d, &["apply", "-auto-approve"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let expressions = std::fs::read_to_string(d.join("expressions.txt")).unwrap();
    let r = run_stdin(d, &["console"], &expressions);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, std::fs::read_to_string(d.join("expected.txt")).unwrap());
    let r = run(d, &["output", "-json"]);
    let ours: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let theirs: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("outputs.json")).unwrap()).unwrap();
    assert_eq!(ours, theirs);
}

const CLUSTER: &str = r#"resource "azurerm_resource_group" "rg" {
  name     = "rg-ov"
  location = "westeurope"
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks-ov"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  dns_prefix          = "ov"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D2s_v5"
    node_count = 1
  }

  identity {
    type = "SystemAssigned"
  }
  tags = { env = "base" }
}
"#;

#[test]
fn an_override_block_replaces_the_blocks_of_its_type_and_errors_point_into_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        &[
            ("main.tf", CLUSTER),
            (
                "dev_override.tf",
                "resource \"azurerm_kubernetes_cluster\" \"aks\" {\n  default_node_pool {\n    name       = \"dev\"\n    vm_size    = \"Standard_D4s_v5\"\n    node_count = 2\n  }\n  tags = { env = \"dev\", owner = var.owner }\n}\n",
            ),
        ],
    );
    let r = run(d, &["validate"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(
            "  on dev_override.tf line 7, in resource \"azurerm_kubernetes_cluster\" \"aks\":\n   7:   tags = { env = \"dev\", owner = var.owner }\n"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("var.owner"), "{}", r.stderr);

    let fixed = std::fs::read_to_string(d.join("dev_override.tf"))
        .unwrap()
        .replace(", owner = var.owner", "");
    write(d, &[("dev_override.tf", &fixed)]);
    let r = run(d, &["plan", "--format=json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let aks = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "azurerm_kubernetes_cluster.aks")
        .unwrap();
    let after = &aks["change"]["after"];
    let pools = after["default_node_pool"].as_array().unwrap();
    assert_eq!(pools.len(), 1, "the override's pool replaces the primary's");
    assert_eq!(pools[0]["name"], "dev");
    assert_eq!(pools[0]["node_count"], 2);
    assert_eq!(after["tags"]["env"], "dev");
    assert_eq!(after["name"], "aks-ov", "what the override leaves out stays");
}
