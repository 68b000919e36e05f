//! `aksplan drift` as a team runs it, through the real binary against the
//! simulation: `lifecycle.ignore_changes` respected, a lock held by another
//! run reported (never taken), and several formats from one refresh.

mod common;

use common::{run, write};
use serde_json::Value as Json;
use std::path::Path;

const SUB: &str = "/subscriptions/00000000-0000-0000-0000-000000000000";

fn config(lifecycle: &str) -> String {
    format!(
        r#"
resource "azurerm_resource_group" "this" {{
  name     = "rg-drift-teams"
  location = "westeurope"
}}

resource "azurerm_kubernetes_cluster" "this" {{
  name                = "aks-drift-teams"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  dns_prefix          = "aksdriftteams"

  default_node_pool {{
    name       = "system"
    vm_size    = "Standard_D2s_v5"
    node_count = 1
  }}

  identity {{
    type = "SystemAssigned"
  }}
}}

resource "azurerm_kubernetes_cluster_node_pool" "user" {{
  name                  = "user"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
  vm_size               = "Standard_D2s_v5"
  node_count            = 2

  lifecycle {{
    {lifecycle}
  }}
}}
"#
    )
}

fn applied(lifecycle: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", &config(lifecycle))]);
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    dir
}

fn drift_json(dir: &Path) -> (i32, Json) {
    let r = run(dir, &["drift", "--format", "json"]);
    let report = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr));
    (r.code, report)
}

/// The autoscaler sets the user pool to 5 nodes.
fn autoscale(dir: &Path) {
    let pool = format!(
        "{SUB}/resourceGroups/rg-drift-teams/providers/Microsoft.ContainerService/managedClusters/aks-drift-teams/agentPools/user"
    );
    let r = run(dir, &["sim", "patch", &pool, r#"{"properties": {"count": 5}}"#]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

fn paths(report: &Json) -> Vec<String> {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["changes"].as_array().unwrap().iter())
        .map(|c| c["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_autoscalers_node_count_is_not_drift_where_ignore_changes_covers_it() {
    let dir = applied("ignore_changes = [node_count]");
    autoscale(dir.path());
    let (code, report) = drift_json(dir.path());
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["drift"], false);
    assert_eq!(report["summary"]["lifecycle_ignored"], 1);
    assert_eq!(report["format_version"], "1.1");
    let text = run(dir.path(), &["drift"]);
    assert!(
        text.stdout.contains("Ignored by lifecycle.ignore_changes: 1 change."),
        "{}",
        text.stdout
    );

    // The same change, not ignored, is drift: node_count, and apply would set it back.
    write(dir.path(), &[("main.tf", &config(""))]);
    let (code, report) = drift_json(dir.path());
    assert_eq!(code, 2, "{report:#}");
    assert_eq!(paths(&report), ["node_count"]);
    assert_eq!(report["differences"][0]["paths"][0], "node_count");

    // ignore_changes = all covers it too.
    write(dir.path(), &[("main.tf", &config("ignore_changes = all"))]);
    let (code, report) = drift_json(dir.path());
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["lifecycle_ignored"], 1);
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap_or_default()
        .trim()
        .to_string()
}

#[test]
fn drift_reports_a_lock_held_by_an_apply_and_leaves_it_alone() {
    let dir = applied("");
    let lock = dir.path().join(".aksplan.tfstate.lock.json");
    assert!(!lock.exists());
    let (_, report) = drift_json(dir.path());
    assert_eq!(report["lock"], Json::Null, "{report:#}");

    // An apply on this host (this test's process stands for it) holds the lock.
    let held = serde_json::json!({
        "ID": "apply-1", "Operation": "OperationTypeApply", "Info": "", "Who": "ci@build",
        "Version": "aksplan", "Created": "2026-12-01T06:17:00.1Z", "Path": "aksplan.tfstate",
        "operation": "apply", "pid": std::process::id(), "host": hostname(), "since": "2026-12-01T06:17:00Z"
    })
    .to_string();
    std::fs::write(&lock, &held).unwrap();
    let (code, report) = drift_json(dir.path());
    assert_eq!(code, 0, "{report:#}");
    let l = &report["lock"];
    assert_eq!(
        (l["id"].as_str(), l["operation"].as_str(), l["stale"].as_bool()),
        (Some("apply-1"), Some("apply"), Some(false))
    );
    assert_eq!(l["pid"], std::process::id());
    let text = run(dir.path(), &["drift"]);
    assert!(
        text.stdout.contains(&format!(
            "Warning: While this report was made, the state was locked: apply by pid {} on",
            std::process::id()
        )),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("this report may show a change half done"),
        "{}",
        text.stdout
    );
    let md = run(dir.path(), &["drift", "--format", "markdown"]);
    assert!(
        md.stdout
            .contains("> [!WARNING]\n> While this report was made, the state was locked"),
        "{}",
        md.stdout
    );
    assert_eq!(
        std::fs::read_to_string(&lock).unwrap(),
        held,
        "drift neither takes nor removes the lock"
    );

    // A lock left by a run that is gone is named as such.
    let stale = held.replace(
        &format!("\"pid\":{}", std::process::id()),
        &format!("\"pid\":{}", u32::MAX - 1),
    );
    std::fs::write(&lock, &stale).unwrap();
    let (_, report) = drift_json(dir.path());
    assert_eq!(report["lock"]["stale"], true, "{report:#}");
    let text = run(dir.path(), &["drift"]);
    assert!(
        text.stdout
            .contains("The state lock was left by a run that did not end"),
        "{}",
        text.stdout
    );
    assert_eq!(std::fs::read_to_string(&lock).unwrap(), stale);
}

#[test]
fn several_formats_are_written_from_one_refresh() {
    let dir = applied("");
    let rg = format!("{SUB}/resourceGroups/rg-drift-teams");
    let r = run(dir.path(), &["sim", "patch", &rg, r#"{"tags": {"owner": "someone"}}"#]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let r = run(
        dir.path(),
        &[
            "drift",
            "--out-json",
            "out/drift.json",
            "--out-markdown",
            "out/drift.md",
            "--out-sarif",
            "out/drift.sarif",
            "--out-text",
            "out/drift.txt",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let read = |name: &str| std::fs::read_to_string(dir.path().join("out").join(name)).unwrap();
    // The same run: stdout is the text file, timings and all.
    assert_eq!(r.stdout, read("drift.txt"));
    let json: Json = serde_json::from_str(&read("drift.json")).unwrap();
    assert_eq!(json["resources"][0]["changes"][0]["path"], "tags");
    let took = |phase: &str| format!("{phase} {} ms", json["timings_ms"][phase]);
    for phase in ["load", "refresh", "plan", "total"] {
        assert!(r.stdout.contains(&took(phase)), "{phase}: {}", r.stdout);
    }
    assert!(read("drift.md").starts_with("## ⚠️ aksplan drift"));
    assert!(read("drift.md").contains("| `azurerm_resource_group.this` | `tags` |"));
    let sarif: Json = serde_json::from_str(&read("drift.sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let changed = results.iter().find(|r| r["ruleId"] == "DRIFT001").unwrap();
    let at = &changed["locations"][0]["physicalLocation"];
    assert_eq!(at["artifactLocation"]["uri"], "main.tf");
    assert_eq!(at["region"]["startLine"], 2, "the resource group's block");
    assert!(results.iter().any(|r| r["ruleId"] == "DRIFT003"), "{results:#?}");

    // A file that cannot be written is an error.
    let r = run(dir.path(), &["drift", "--out-json", "missing/drift.json"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Cannot write the drift report"), "{}", r.stderr);
}

/// `ignore_changes = [tags["owner"]]`: an owner tag set in the portal is
/// neither drift nor a change apply would undo (terraform keeps an ignored
/// key the configuration leaves out, too).
#[test]
fn a_tag_set_outside_under_an_ignored_key_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let config = r#"
resource "azurerm_resource_group" "this" {
  name     = "rg-drift-tags"
  location = "westeurope"
  tags     = { env = "dev" }

  lifecycle {
    ignore_changes = [tags["owner"]]
  }
}
"#;
    write(dir.path(), &[("main.tf", config)]);
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    let rg = format!("{SUB}/resourceGroups/rg-drift-tags");
    let r = run(
        dir.path(),
        &["sim", "patch", &rg, r#"{"tags": {"env": "dev", "owner": "finance"}}"#],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (code, report) = drift_json(dir.path());
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["differences"], serde_json::json!([]));
    assert_eq!(report["summary"]["lifecycle_ignored"], 1);
    let plan = run(dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.stdout);
    // Another tag changed outside is still drift.
    let r = run(
        dir.path(),
        &["sim", "patch", &rg, r#"{"tags": {"env": "prod", "owner": "finance"}}"#],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (code, report) = drift_json(dir.path());
    assert_eq!(code, 2, "{report:#}");
    assert_eq!(paths(&report), ["tags.env"]);
}
