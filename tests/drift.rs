//! `aksplan drift` against the simulation, through the real binary.

mod common;

use common::{example, run};
use serde_json::Value as Json;
use std::path::Path;

const RG: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aksext";

fn applied() -> tempfile::TempDir {
    let dir = example("cluster-extensions");
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    dir
}

fn drift_json(dir: &Path, extra: &[&str]) -> (i32, Json) {
    let mut args = vec!["drift", "--format", "json"];
    args.extend_from_slice(extra);
    let r = run(dir, &args);
    let report = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr));
    (r.code, report)
}

/// Checks a report against the required fields of docs/drift-report.schema.json.
fn conforms(report: &Json) {
    let schema: Json = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/drift-report.schema.json")).unwrap(),
    )
    .unwrap();
    fn check(value: &Json, schema: &Json, at: &str) {
        for key in schema["required"].as_array().into_iter().flatten() {
            let key = key.as_str().unwrap();
            assert!(
                value.get(key).is_some(),
                "{at}.{key} is required by the schema: {value}"
            );
        }
        if let Some(props) = schema["properties"].as_object() {
            for (k, s) in props {
                match value.get(k) {
                    Some(Json::Array(items)) => {
                        items.iter().for_each(|i| check(i, &s["items"], &format!("{at}.{k}[]")))
                    }
                    Some(v @ Json::Object(_)) => check(v, s, &format!("{at}.{k}")),
                    _ => {}
                }
            }
        }
    }
    check(report, &schema, "$");
    assert_eq!(
        report["format_version"],
        schema["properties"]["format_version"]["const"]
    );
}

#[test]
fn drift_names_the_change_and_the_ignore_file_accepts_it() {
    let dir = applied();
    let (code, report) = drift_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    conforms(&report);
    assert_eq!(report["drift"], false);
    // The protected settings cannot be read back: unverifiable, not drift.
    assert_eq!(
        report["unverifiable"][0]["paths"][0], "configuration_protected_settings",
        "{report:#}"
    );

    let r = run(dir.path(), &["sim", "patch", RG, r#"{"tags": {"owner": "someone"}}"#]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (code, report) = drift_json(dir.path(), &[]);
    assert_eq!(code, 2, "{report:#}");
    conforms(&report);
    let change = &report["resources"][0];
    assert_eq!(change["address"], "azurerm_resource_group.this");
    assert_eq!(change["id"], RG);
    assert_eq!(change["status"], "changed");
    assert_eq!(change["changes"][0]["path"], "tags.owner");
    assert_eq!(change["changes"][0]["recorded"], Json::Null);
    assert_eq!(change["changes"][0]["live"], "someone");
    assert_eq!(report["differences"][0]["actions"][0], "update");
    for phase in ["load", "refresh", "plan", "total"] {
        assert!(report["timings_ms"][phase].is_u64(), "{phase}");
    }

    common::write(
        dir.path(),
        &[(
            "aksplan.driftignore",
            "# the owner tag is set by the finance team\nazurerm_resource_group.this  tags.owner\n",
        )],
    );
    let (code, report) = drift_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["ignored"], 2, "the drift and the difference it makes");
}

#[test]
fn deleted_resources_are_named_and_drift_never_writes() {
    let dir = applied();
    let state_before = std::fs::read(dir.path().join("aksplan.tfstate")).unwrap();
    let flux = format!("{RG}/providers/Microsoft.ContainerService/managedClusters/aks-aksext/providers/Microsoft.KubernetesConfiguration/extensions/flux");
    assert_eq!(run(dir.path(), &["sim", "delete", &flux]).code, 0);
    let r = run(dir.path(), &["drift"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("Deleted outside aksplan:\n  azurerm_kubernetes_cluster_extension.this[\"flux\"]"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("create (because it was deleted outside aksplan)"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains('\u{1b}'), "no colour without a terminal");
    let md = run(dir.path(), &["drift", "--format", "markdown"]);
    assert_eq!(md.code, 2);
    assert!(md.stdout.starts_with("## ⚠️ aksplan drift"), "{}", md.stdout);
    assert!(md.stdout.contains("*(deleted)*"), "{}", md.stdout);
    assert_eq!(
        std::fs::read(dir.path().join("aksplan.tfstate")).unwrap(),
        state_before,
        "drift wrote the state"
    );
    // A plan still sees the deletion: drift did not record it.
    let r = run(dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(r.code, 2);
}

#[test]
fn a_bad_ignore_file_is_an_error_at_its_line() {
    let dir = applied();
    common::write(
        dir.path(),
        &[("accepted.txt", "azurerm_resource_group.this tags\nnot-an-address x\n")],
    );
    let r = run(dir.path(), &["drift", "--ignore", "accepted.txt"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Invalid address in the ignore file"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("  on ./accepted.txt line 2:\n   2: not-an-address x\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_scheduled_job_examples_run_drift() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci");
    let workflow: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(dir.join("drift.github-workflow.yml")).unwrap()).unwrap();
    assert!(workflow["on"]["schedule"][0]["cron"].is_string());
    let steps = workflow["jobs"]["drift"]["steps"].as_sequence().unwrap();
    // One run writes both reports: the cloud is read once.
    let runs: Vec<&str> = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .flat_map(str::lines)
        .map(str::trim)
        .filter(|l| l.starts_with("aksplan "))
        .collect();
    // The state comes from the backend, configured by init: none is committed.
    assert_eq!(
        runs,
        [
            "aksplan init -input=false",
            "aksplan --cloud azure drift --out-json drift.json --out-markdown drift.md"
        ]
    );
    let text = std::fs::read_to_string(dir.join("drift.cronjob.yaml")).unwrap();
    let docs: Vec<serde_yaml::Value> = serde_yaml::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).unwrap())
        .collect();
    let job = docs.iter().find(|d| d["kind"] == "CronJob").unwrap();
    let container = &job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0];
    let command: Vec<&str> = container["command"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    assert_eq!(command[..2], ["sh", "-ec"]);
    let script: Vec<&str> = command[2].lines().map(str::trim).collect();
    assert_eq!(
        script,
        [
            "cp -R /infra/aks /work/aks && cd /work/aks",
            "aksplan init -input=false >&2",
            "exec aksplan --cloud azure drift --format json"
        ]
    );
    // The copy is writable: init keeps the backend's settings in .terraform/.
    assert_eq!(container["volumeMounts"][0]["mountPath"], "/work");
}
