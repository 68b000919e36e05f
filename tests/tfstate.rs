//! State interchange with Terraform through the real binary: `init` in a
//! directory Terraform manages takes its state over, the first plan says
//! "No changes", and `state pull` / `state push` move state both ways.
//!
//! Fixtures (tests/fixtures/tfstate, each with the script that made it):
//! - `aks`: an AKS estate (resource group, network, subnets, identity,
//!   role assignment, cluster, node pool, azapi, random, time, tls, modules
//!   with count and for_each); its Terraform state is modelled on azurerm
//!   4.65 (no azurerm provider here for terraform to run), and `azure.jsonl`
//!   is what the simulated Azure holds for it.
//! - `roundtrip`: terraform_data only; its state is what terraform 1.11.4
//!   wrote, and `pulled.tfstate.json` what aksplan gave back, which
//!   terraform read (`terraform-plan.txt`).

mod common;

use common::{run, run_stdin, Run};
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tfstate")
        .join(name)
}

/// A directory Terraform manages: the fixture's configuration, its state
/// as `state_at`, and, for `aks`, the simulated Azure holding its objects.
fn terraform_dir(name: &str, state_at: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = fixture(name);
    common::copy_tree(&from.join("modules"), &dir.path().join("modules"));
    std::fs::copy(from.join("main.tf"), dir.path().join("main.tf")).unwrap();
    let state = dir.path().join(state_at);
    std::fs::create_dir_all(state.parent().unwrap()).unwrap();
    std::fs::copy(from.join("terraform.tfstate.json"), &state).unwrap();
    if from.join("azure.jsonl").exists() {
        // The store's own format: one PUT per line. `sim put` would give the
        // identities fresh principal ids; Terraform's state holds Azure's.
        let sim = dir.path().join(".aksplan/sim");
        std::fs::create_dir_all(&sim).unwrap();
        std::fs::copy(from.join("azure.jsonl"), sim.join("resources.jsonl")).unwrap();
    }
    dir
}

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Text with every run of white space as one space, as messages wrap.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn json(bytes: &[u8]) -> Json {
    serde_json::from_slice(bytes).unwrap()
}

#[test]
fn an_aks_estate_terraform_manages_is_taken_over_and_plans_no_changes() {
    let dir = terraform_dir("aks", "terraform.tfstate");
    let before = read(dir.path(), "terraform.tfstate");
    let r = run(dir.path(), &["init"]);
    ok(&r);
    assert!(
        r.stdout.contains(
            "Took over Terraform's state: 28 resources (and 5 outputs) from terraform.tfstate, \
             written by Terraform 1.11.4, serial 31."
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("terraform.tfstate is left as it was"), "{}", r.stdout);
    assert_eq!(read(dir.path(), "terraform.tfstate"), before);
    let ours = json(&read(dir.path(), "aksplan.tfstate"));
    assert_eq!(ours["lineage"], "3f0c6f0e-2b7a-4a8e-9d55-8f1c2a7d9e42");
    assert_eq!(ours["serial"], 32);

    // The measure: nothing to do, and nothing seen as changed outside.
    let r = run(dir.path(), &["plan", "--detailed-exitcode"]);
    ok(&r);
    assert!(
        r.stdout
            .contains("No changes. The infrastructure matches the configuration."),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("changed outside"), "{}", r.stdout);
    let password = ours["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["address"] == "random_password.admin")
        .unwrap()["attributes"]["result"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!r.stdout.contains(&password) && !r.stderr.contains(&password));

    // A second init takes nothing over again, and writes nothing.
    let state = read(dir.path(), "aksplan.tfstate");
    let r = run(dir.path(), &["init"]);
    ok(&r);
    assert!(
        r.stdout
            .contains("terraform.tfstate was taken over earlier: aksplan's state is aksplan.tfstate."),
        "{}",
        r.stdout
    );
    assert_eq!(read(dir.path(), "aksplan.tfstate"), state);

    // Outputs come over with their sensitivity.
    let r = run(dir.path(), &["output", "--json"]);
    ok(&r);
    let outputs = json(r.stdout.as_bytes());
    assert_eq!(outputs["password"]["sensitive"], true);
    assert_eq!(outputs["password"]["value"], Json::Null);
    assert_eq!(outputs["pets"]["value"].as_array().map(Vec::len), Some(2));
}

#[test]
fn a_takeover_refuses_an_aksplan_state_that_differs() {
    let dir = terraform_dir("aks", "terraform.tfstate");
    ok(&run(dir.path(), &["init"]));
    let ours = read(dir.path(), "aksplan.tfstate");

    // Terraform wrote its file again after the takeover.
    let mut theirs = json(&read(dir.path(), "terraform.tfstate"));
    theirs["serial"] = 40.into();
    theirs["resources"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["type"] != "random_pet");
    std::fs::write(dir.path().join("terraform.tfstate"), theirs.to_string()).unwrap();
    let r = run(dir.path(), &["init"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        flat(&r.stderr).contains("Cannot take over Terraform's state"),
        "{}",
        r.stderr
    );
    assert!(
        flat(&r.stderr).contains("terraform.tfstate (serial 40) has changed since aksplan took it over"),
        "{}",
        r.stderr
    );
    assert_eq!(read(dir.path(), "aksplan.tfstate"), ours);

    // Another state altogether.
    theirs["lineage"] = "another".into();
    std::fs::write(dir.path().join("terraform.tfstate"), theirs.to_string()).unwrap();
    let r = run(dir.path(), &["init"]);
    assert_eq!(r.code, 1);
    assert!(
        flat(&r.stderr).contains("aksplan's state already holds another state"),
        "{}",
        r.stderr
    );
    assert!(
        flat(&r.stderr).contains("aksplan state push -force terraform.tfstate"),
        "{}",
        r.stderr
    );
    assert_eq!(read(dir.path(), "aksplan.tfstate"), ours);
}

#[test]
fn the_state_of_a_local_backend_is_taken_over_from_its_path() {
    let dir = terraform_dir("roundtrip", "state/main.tfstate");
    std::fs::write(
        dir.path().join("backend.tf"),
        "terraform {\n  backend \"local\" {\n    path = \"state/main.tfstate\"\n  }\n}\n",
    )
    .unwrap();
    let r = run(dir.path(), &["init"]);
    ok(&r);
    assert!(
        r.stdout
            .contains("Took over Terraform's state: 5 resources (and 3 outputs) from state/main.tfstate"),
        "{}",
        r.stdout
    );
    let r = run(dir.path(), &["plan", "--detailed-exitcode"]);
    ok(&r);
    assert!(r.stdout.contains("No changes."), "{}", r.stdout);
    // A change plans as it would have in Terraform.
    let r = run(dir.path(), &["plan", "--detailed-exitcode", "--var", "release=v2"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stdout.contains("Plan: 2 to add, 1 to change, 2 to destroy."),
        "{}",
        r.stdout
    );
}

#[test]
fn an_unreadable_terraform_state_is_refused_at_its_place() {
    let cases: &[(&str, &str)] = &[
        (
            "{\n  \"version\": 4,\n  \"serial\": 3\n  \"lineage\": \"x\"\n}\n",
            "terraform.tfstate: line 4, column 3: expected `,` or `}`",
        ),
        (
            "{\"version\": 3, \"serial\": 1, \"modules\": []}",
            "terraform.tfstate: Terraform state format version 3 is not supported: aksplan reads version 4",
        ),
        (
            r#"{"version": 4, "serial": 1, "lineage": "l", "resources": [{"mode": "managed",
                "type": "helm_release", "name": "ingress", "provider": "provider[\"registry.terraform.io/hashicorp/helm\"]",
                "instances": [{"attributes": {}}]}]}"#,
            "terraform.tfstate: registry.terraform.io/hashicorp/helm is not a provider aksplan implements, \
             and the state has resources of it: helm_release.ingress",
        ),
    ];
    for (text, says) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), "").unwrap();
        std::fs::write(dir.path().join("terraform.tfstate"), text).unwrap();
        let r = run(dir.path(), &["init"]);
        assert_eq!(r.code, 1, "{text}");
        assert!(flat(&r.stderr).contains(says), "{text}\n{}", r.stderr);
        assert!(!dir.path().join("aksplan.tfstate").exists());
    }
}

#[test]
fn state_pull_prints_the_state_and_push_takes_it_back_as_terraform_allows() {
    let dir = terraform_dir("roundtrip", "terraform.tfstate");
    ok(&run(dir.path(), &["init"]));
    let original = json(&read(dir.path(), "terraform.tfstate"));

    // aksplan's format, whole.
    let r = run(dir.path(), &["state", "pull"]);
    ok(&r);
    let pulled = json(r.stdout.as_bytes());
    assert_eq!(
        (pulled["version"].as_u64(), pulled["serial"].as_u64()),
        (Some(1), Some(7))
    );
    assert!(
        r.stdout.contains("hunter2"),
        "the state is pulled whole, secrets included"
    );

    // Terraform's, as Terraform wrote it.
    let r = run(dir.path(), &["state", "pull", "-format=terraform"]);
    ok(&r);
    let tf = json(r.stdout.as_bytes());
    assert_eq!(tf["version"], 4);
    assert_eq!(tf["lineage"], original["lineage"]);
    assert_eq!(tf["resources"], original["resources"]);
    assert_eq!(tf["outputs"], original["outputs"]);
    std::fs::write(dir.path().join("pulled.json"), &r.stdout).unwrap();

    // Pushed back: same lineage, same serial.
    let r = run(dir.path(), &["state", "push", "pulled.json"]);
    ok(&r);
    assert!(
        r.stdout
            .contains("Pushed 5 resources from pulled.json (Terraform's state format version 4) to aksplan.tfstate."),
        "{}",
        r.stdout
    );
    // An older serial, as Terraform refuses it; then forced.
    let r = run(dir.path(), &["state", "push", "terraform.tfstate"]);
    assert_eq!(r.code, 1);
    assert!(
        flat(&r.stderr).contains("cannot import state with serial 6 over newer state with serial 8"),
        "{}",
        r.stderr
    );
    ok(&run(dir.path(), &["state", "push", "-force", "terraform.tfstate"]));
    // Another lineage.
    let mut other = original.clone();
    other["lineage"] = "other".into();
    other["serial"] = 99.into();
    let r = run_stdin(dir.path(), &["state", "push", "-"], &other.to_string());
    assert_eq!(r.code, 1);
    assert!(
        flat(&r.stderr).contains("cannot import state with lineage \"other\" over unrelated state with lineage"),
        "{}",
        r.stderr
    );
    // Its own format too, and nothing lost on the way.
    let state = read(dir.path(), "aksplan.tfstate");
    std::fs::write(dir.path().join("ours.json"), &state).unwrap();
    ok(&run(dir.path(), &["state", "push", "ours.json"]));
    let after = json(&read(dir.path(), "aksplan.tfstate"));
    assert_eq!(after["resources"], json(&state)["resources"]);
    let r = run(dir.path(), &["plan", "--detailed-exitcode"]);
    ok(&r);
    // Not a state at all.
    std::fs::write(dir.path().join("bad.json"), "{\"version\": 4, \"resources\": 7}").unwrap();
    let r = run(dir.path(), &["state", "push", "bad.json"]);
    assert_eq!(r.code, 1);
    assert!(
        flat(&r.stderr).contains("bad.json: line 1, column 29: invalid type: integer `7`"),
        "{}",
        r.stderr
    );
}

#[test]
fn state_push_waits_for_no_one_holding_the_lock() {
    let dir = terraform_dir("roundtrip", "terraform.tfstate");
    let holder = serde_json::json!({
        "pid": std::process::id(),
        "host": std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default().trim(),
        "since": "2026-11-22T10:00:00Z",
        "operation": "apply"
    });
    std::fs::write(dir.path().join(".aksplan.tfstate.lock.json"), holder.to_string()).unwrap();
    let r = run(dir.path(), &["state", "push", "terraform.tfstate"]);
    assert_eq!(r.code, 1);
    assert!(
        flat(&r.stderr).contains("Error acquiring the state lock"),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("aksplan.tfstate").exists());
    // The takeover takes the lock too.
    let r = run(dir.path(), &["init"]);
    assert_eq!(r.code, 1);
    assert!(
        flat(&r.stderr).contains("Error acquiring the state lock"),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("aksplan.tfstate").exists());
}

#[test]
fn going_back_to_terraform_after_an_aksplan_apply() {
    let dir = terraform_dir("roundtrip", "terraform.tfstate");
    ok(&run(dir.path(), &["init"]));
    ok(&run(dir.path(), &["apply", "--auto-approve", "--var", "release=v2"]));
    let r = run(dir.path(), &["state", "pull", "-format=terraform"]);
    ok(&r);
    let ours = json(r.stdout.as_bytes());
    // What terraform read (terraform-plan.txt), but for the ids of the
    // objects this apply created.
    let theirs = json(&read(&fixture("roundtrip"), "pulled.tfstate.json"));
    let shape = |f: &Json| -> Vec<(String, Json, Json)> {
        f["resources"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| {
                r["instances"].as_array().unwrap().iter().map(move |i| {
                    let mut attrs = i["attributes"].clone();
                    attrs.as_object_mut().unwrap().remove("id");
                    if let Some(after) = attrs.pointer_mut("/input/value/after") {
                        *after = Json::Null;
                    }
                    if let Some(after) = attrs.pointer_mut("/output/value/after") {
                        *after = Json::Null;
                    }
                    (
                        format!("{} {} {} {}", r["module"], r["type"], r["name"], i["index_key"]),
                        attrs,
                        i["sensitive_attributes"].clone(),
                    )
                })
            })
            .collect()
    };
    assert_eq!(shape(&ours), shape(&theirs));
    // The secret inside `input` is marked where it is, as Terraform marks it.
    let app = ours["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "app")
        .unwrap();
    assert_eq!(
        app["instances"][0]["sensitive_attributes"][0],
        serde_json::json!([{"type": "get_attr", "value": "input"}, {"type": "get_attr", "value": "token"}])
    );
    let recorded = std::fs::read_to_string(fixture("roundtrip").join("terraform-plan.txt")).unwrap();
    assert!(
        recorded.contains("Refreshing state..."),
        "terraform read the state aksplan wrote"
    );
}
