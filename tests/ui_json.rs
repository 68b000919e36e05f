//! Terraform's machine-readable UI (`plan -json`, `apply -json`, `destroy
//! -json`) through the real binary, against the in-process simulation:
//! each resource's refresh, what changed outside aksplan, and diagnostics
//! that point where Terraform's do. The expected lines are Terraform
//! 1.11.4's, captured in tests/fixtures/ui_json (see its README).

mod common;

use common::{run, write};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const RG: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ui";

fn vnet(name: &str) -> String {
    format!("{RG}/providers/Microsoft.Network/virtualNetworks/{name}")
}

/// Two networks of one group (read by one list), the group, and a
/// `terraform_data` of the built-in provider.
const CONFIG: &str = r#"
provider "azurerm" {
  features {}
}
resource "azurerm_resource_group" "rg" {
  name     = "rg-ui"
  location = "westeurope"
}
resource "azurerm_virtual_network" "a" {
  name                = "vnet-a"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.1.0.0/16"]
}
resource "azurerm_virtual_network" "b" {
  name                = "vnet-b"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.2.0.0/16"]
}
resource "terraform_data" "t" {
  input = "x"
}
"#;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ui_json")
}

fn parse_lines(text: &str) -> Vec<Json> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

fn terraform(name: &str) -> Vec<Json> {
    parse_lines(&std::fs::read_to_string(fixtures().join(name)).unwrap())
}

fn kind(l: &Json) -> &str {
    l["type"].as_str().unwrap()
}

/// The stages of a run: message types in order, a refresh's and an
/// apply's hooks (which interleave) each as one stage, repeats merged.
fn stages(lines: &[Json]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in lines {
        let k = kind(l);
        let stage = k
            .strip_suffix("_start")
            .or(k.strip_suffix("_complete"))
            .unwrap_or(k)
            .to_string();
        if out.last() != Some(&stage) {
            out.push(stage);
        }
    }
    out
}

/// A value's shape: object keys with their shapes, and the kind of each leaf.
fn shape(v: &Json) -> Json {
    match v {
        Json::Object(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
        Json::Array(a) => Json::Array(a.iter().take(1).map(shape).collect()),
        Json::String(_) => "string".into(),
        Json::Number(_) => "number".into(),
        Json::Bool(_) => "bool".into(),
        Json::Null => "null".into(),
    }
}

/// The shape of each type of line, and of its variants: a hook with and
/// without an id, each action of a change.
fn shapes(lines: &[Json]) -> BTreeMap<String, Json> {
    let mut out = BTreeMap::new();
    for l in lines.iter().filter(|l| kind(l) != "version") {
        let action = l["change"]["action"].as_str().unwrap_or("");
        let id = if l["hook"]["id_key"].is_string() { "with id" } else { "" };
        let key = format!("{} {action}{id}", kind(l));
        out.entry(key).or_insert_with(|| shape(l));
    }
    out
}

/// A message with its address, id, durations and counts replaced: what
/// both must word alike.
fn wording(l: &Json) -> String {
    let mut m = l["@message"].as_str().unwrap().to_string();
    for a in [&l["hook"]["resource"]["addr"], &l["change"]["resource"]["addr"]] {
        if let Some(a) = a.as_str() {
            m = m.replace(a, "<addr>");
        }
    }
    if let Some(id) = l["hook"]["id_value"].as_str() {
        m = m.replace(id, "<id>");
    }
    // Durations and counts.
    regex::Regex::new(r"\b\d+s?\b")
        .unwrap()
        .replace_all(&m, "<n>")
        .into_owned()
}

fn wordings(lines: &[Json]) -> std::collections::BTreeSet<String> {
    lines.iter().filter(|l| kind(l) != "version").map(wording).collect()
}

/// Each type of line of Terraform's is there, shaped and worded alike.
fn like_terraform(ours: &[Json], theirs: &[Json]) {
    assert_eq!(stages(ours), stages(theirs));
    let (ours_shapes, theirs_shapes) = (shapes(ours), shapes(theirs));
    for (k, s) in &theirs_shapes {
        assert_eq!(ours_shapes.get(k), Some(s), "the shape of {k}");
    }
    assert_eq!(
        ours_shapes.keys().collect::<Vec<_>>(),
        theirs_shapes.keys().collect::<Vec<_>>()
    );
    assert_eq!(wordings(ours), wordings(theirs));
}

/// The refresh lines of each resource, by address: (type, id_value).
fn refreshes(lines: &[Json]) -> BTreeMap<String, Vec<(String, Option<String>)>> {
    let mut out: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for l in lines.iter().filter(|l| kind(l).starts_with("refresh_")) {
        let addr = l["hook"]["resource"]["addr"].as_str().unwrap().to_string();
        let id = l["hook"]["id_value"].as_str().map(str::to_string);
        out.entry(addr).or_default().push((kind(l).to_string(), id));
    }
    out
}

/// The id aksplan's state records for `addr`.
fn state_id(dir: &Path, addr: &str) -> String {
    let state: Json = serde_json::from_str(&std::fs::read_to_string(dir.join("aksplan.tfstate")).unwrap()).unwrap();
    let r = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == addr)
        .unwrap_or_else(|| panic!("no {addr} in {state:#}"));
    r["attributes"]["id"].as_str().unwrap().to_string()
}

#[test]
fn each_resource_is_refreshed_and_what_changed_outside_is_drift() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", CONFIG)]);
    let r = run(dir.path(), &["apply", "-json", "-auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Nothing in state yet: nothing refreshed.
    assert!(!r.stdout.contains("refresh_"), "{}", r.stdout);
    let t_id = state_id(dir.path(), "terraform_data.t");

    // Outside aksplan: a tag on one network, the other deleted.
    let r = run(
        dir.path(),
        &["sim", "patch", &vnet("vnet-a"), r#"{"tags": {"by": "hand"}}"#],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(dir.path(), &["sim", "delete", &vnet("vnet-b")]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let r = run(dir.path(), &["plan", "-json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ours = parse_lines(&r.stdout);
    like_terraform(&ours, &terraform("terraform_drift_plan.jsonl"));
    let start = |id: &str| ("refresh_start".to_string(), Some(id.to_string()));
    let complete = |id: Option<&str>| ("refresh_complete".to_string(), id.map(str::to_string));
    let expected = BTreeMap::from([
        (
            "azurerm_resource_group.rg".to_string(),
            vec![start(RG), complete(Some(RG))],
        ),
        (
            "azurerm_virtual_network.a".to_string(),
            vec![start(&vnet("vnet-a")), complete(Some(&vnet("vnet-a")))],
        ),
        // Gone: its read answers no object, so no id, as Terraform's.
        (
            "azurerm_virtual_network.b".to_string(),
            vec![start(&vnet("vnet-b")), complete(None)],
        ),
        (
            "terraform_data.t".to_string(),
            vec![start(&t_id), complete(Some(&t_id))],
        ),
    ]);
    assert_eq!(refreshes(&ours), expected);
    let drift: Vec<(&str, &str)> = ours
        .iter()
        .filter(|l| kind(l) == "resource_drift")
        .map(|l| {
            (
                l["change"]["resource"]["addr"].as_str().unwrap(),
                l["change"]["action"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        drift,
        [
            ("azurerm_virtual_network.a", "update"),
            ("azurerm_virtual_network.b", "delete")
        ]
    );

    // Apply says the same before applying.
    let r = run(dir.path(), &["apply", "-json", "-auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ours = parse_lines(&r.stdout);
    like_terraform(&ours, &terraform("terraform_drift_apply.jsonl"));
    assert_eq!(refreshes(&ours).len(), 4, "{}", r.stdout);

    // Destroy refreshes too, but shows no drift, as Terraform's.
    let r = run(
        dir.path(),
        &["sim", "patch", &vnet("vnet-a"), r#"{"tags": {"by": "again"}}"#],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(dir.path(), &["destroy", "-json", "-auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ours = parse_lines(&r.stdout);
    like_terraform(&ours, &terraform("terraform_drift_destroy.jsonl"));
    assert_eq!(refreshes(&ours).len(), 4, "{}", r.stdout);
}

#[test]
fn without_refresh_nothing_is_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", CONFIG)]);
    assert_eq!(run(dir.path(), &["apply", "-auto-approve"]).code, 0);
    let r = run(dir.path(), &["plan", "-json", "-refresh=false"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("refresh_"), "{}", r.stdout);
    // The text plan lists no reads either; with refresh, it lists each as
    // Terraform's does.
    let r = run(dir.path(), &["plan", "-refresh=false"]);
    assert!(!r.stdout.contains("Refresh"), "{}", r.stdout);
    let r = run(dir.path(), &["plan"]);
    assert!(r.stdout.contains(": Refreshing state... [id="), "{}", r.stdout);
}

#[test]
fn a_diagnostic_points_where_terraform_s_does() {
    for case in ["unsupported_argument", "undeclared_resource", "syntax_error"] {
        let from = fixtures().join("errors").join(case);
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(from.join("main.tf"), dir.path().join("main.tf")).unwrap();
        let r = run(dir.path(), &["plan", "-json"]);
        assert_eq!(r.code, 1, "{case}: {}", r.stdout);
        let ours = parse_lines(&r.stdout);
        let theirs = parse_lines(&std::fs::read_to_string(from.join("terraform_plan.jsonl")).unwrap());
        assert_eq!(stages(&ours), stages(&theirs), "{case}");
        let (d, t) = (&ours[1], &theirs[1]);
        assert_eq!(d["@level"], t["@level"], "{case}");
        for key in ["severity", "range", "snippet"] {
            assert_eq!(d["diagnostic"][key], t["diagnostic"][key], "{case}: {key}");
        }
        assert_eq!(shape(d), shape(t), "{case}");
    }
}

#[test]
fn an_interrupt_is_a_log_line_on_standard_output() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    // Each operation takes 20 s: only the second interrupt ends the run soon.
    let data = tempfile::tempdir().unwrap();
    let mut server = common::sim_serve::SimServe::start(
        data.path(),
        &data.path().join("store"),
        &["--quiet", "--op-ms", "20000"],
        Stdio::null(),
    );
    server.drain();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", CONFIG)]);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("aksplan"))
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ARM_ACCESS_TOKEN", "test-token-ui-json")
        .env("ARM_SUBSCRIPTION_ID", "00000000-0000-0000-0000-000000000000")
        .args(["apply", "-json", "-auto-approve", "--cloud", &server.url])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        assert!(out.read_line(&mut line).unwrap() > 0, "ended early: {lines:?}");
        let creating = line.contains("azurerm_virtual_network.a: Creating...");
        lines.push(line);
        if creating {
            break;
        }
    }
    let pid = child.id() as libc::pid_t;
    // SAFETY: signalling a child this test spawned and has not reaped.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    std::thread::sleep(std::time::Duration::from_millis(300));
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let rest: Vec<String> = out.lines().map_while(Result::ok).map(|l| l + "\n").collect();
    let done = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(1), "{stderr}");
    lines.extend(rest);
    let ours = parse_lines(&lines.concat());
    let logs: Vec<&Json> = ours.iter().filter(|l| kind(l) == "log").collect();
    assert_eq!(logs.len(), 2, "{lines:?}");
    assert!(logs[0]["@message"].as_str().unwrap().starts_with("Interrupt received"));
    assert!(logs[1]["@message"].as_str().unwrap().starts_with("Second interrupt"));
    let theirs = terraform("terraform_interrupt.jsonl");
    let their_log = theirs.iter().find(|l| kind(l) == "log").unwrap();
    assert_eq!(shape(logs[0]), shape(their_log));
    assert!(!stderr.contains("Interrupt received"), "{stderr}");
}

#[test]
fn a_data_source_read_while_planning_is_shown_as_terraform_shows_it() {
    let from = fixtures().join("data_source");
    let dir = tempfile::tempdir().unwrap();
    for f in ["main.tf", "other_state.json"] {
        std::fs::copy(from.join(f), dir.path().join(f)).unwrap();
    }
    let theirs = |name: &str| parse_lines(&std::fs::read_to_string(from.join(name)).unwrap());
    let r = run(dir.path(), &["plan", "-json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    like_terraform(&parse_lines(&r.stdout), &theirs("terraform_plan.jsonl"));
    let r = run(dir.path(), &["apply", "-json", "-auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    like_terraform(&parse_lines(&r.stdout), &theirs("terraform_apply.jsonl"));
    // Then the resource is refreshed too. aksplan reads every resource in
    // state before it evaluates anything; Terraform reads the data source
    // first here, as the resource depends on it: the order differs.
    let r = run(dir.path(), &["plan", "-json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (ours, theirs) = (parse_lines(&r.stdout), theirs("terraform_plan_again.jsonl"));
    assert_eq!(shapes(&ours), shapes(&theirs));
    assert_eq!(wordings(&ours), wordings(&theirs));
    let sorted = |lines: &[Json]| {
        let mut s = stages(lines);
        s.sort();
        s
    };
    assert_eq!(sorted(&ours), sorted(&theirs));
}
