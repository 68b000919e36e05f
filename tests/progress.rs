//! Apply progress as it happens, Terraform's `-json` UI, and the second
//! interrupt, through the real binary: against `aksplan sim serve` with slow
//! operations (`--op-ms`) and a short progress interval
//! (AKSPLAN_PROGRESS_INTERVAL_MS), so nothing waits 10 s.

mod common;

use common::{run, run_env, write};
use serde_json::Value as Json;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const SUB: &str = "00000000-0000-0000-0000-000000000000";
const TOKEN: &str = "test-token-progress";
const SECRET: &str = "s3cr3t-never-shown";

fn config(tags: &str) -> String {
    format!(
        r#"
provider "azurerm" {{
  features {{}}
}}
resource "azurerm_resource_group" "rg" {{
  name     = "rg-p"
  location = "westeurope"
}}
resource "azurerm_virtual_network" "net" {{
  name                = "vnet-p"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.9.0.0/16"]
  tags                = {{ env = "{tags}" }}
}}
output "plain" {{
  value = azurerm_resource_group.rg.name
}}
output "secret" {{
  value     = "{SECRET}"
  sensitive = true
}}
"#
    )
}

const VNET_ID: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-p/providers/Microsoft.Network/virtualNetworks/vnet-p";

/// A running `aksplan sim serve`, stopped when dropped.
struct Served {
    _server: common::sim_serve::SimServe,
    url: String,
    _dir: tempfile::TempDir,
}

impl Served {
    fn start(args: &[&str]) -> Served {
        let dir = tempfile::tempdir().unwrap();
        let mut all = vec!["--quiet"];
        all.extend(args);
        let mut server = common::sim_serve::SimServe::start(dir.path(), &dir.path().join("store"), &all, Stdio::null());
        server.drain();
        let url = server.url.clone();
        Served {
            _server: server,
            url,
            _dir: dir,
        }
    }

    fn spawn(&self, dir: &Path, args: &[&str]) -> Live {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("aksplan"))
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("ARM_ACCESS_TOKEN", TOKEN)
            .env("ARM_SUBSCRIPTION_ID", SUB)
            .env("AKSPLAN_PROGRESS_INTERVAL_MS", "50")
            .args(args)
            .args(["--cloud", &self.url])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        let out = BufReader::new(child.stdout.take().unwrap());
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                if tx.send((Instant::now(), line)).is_err() {
                    break;
                }
            }
        });
        Live { child, lines }
    }
}

/// A running aksplan, and its standard output's lines with when each came.
struct Live {
    child: Child,
    lines: mpsc::Receiver<(Instant, String)>,
}

impl Live {
    /// Waits for a line containing `text`; returns when it came.
    fn wait_for(&self, text: &str, seen: &mut Vec<(Instant, String)>) -> Instant {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let (at, line) = self
                .lines
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no line with {text:?} in:\n{}", joined(seen)));
            seen.push((at, line.clone()));
            if line.contains(text) {
                return at;
            }
        }
    }

    /// Every line to the end, the exit code, and stderr.
    fn finish(self, seen: &mut Vec<(Instant, String)>) -> (i32, String) {
        seen.extend(self.lines.iter());
        let out = self.child.wait_with_output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

fn joined(lines: &[(Instant, String)]) -> String {
    lines.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>().join("\n")
}

/// The progress lines, durations replaced; "Still" lines, whose number
/// depends on timing, are left out.
fn progress_lines(lines: &[(Instant, String)]) -> String {
    let re = regex::Regex::new(r"\b(\d+h)?(\d+m)?\d+s\b").unwrap();
    lines
        .iter()
        .map(|(_, l)| l)
        .filter(|l| {
            [": Creat", ": Modif", ": Destr", ": Read"]
                .iter()
                .any(|w| l.contains(w))
        })
        .map(|l| re.replace_all(l, "<t>").into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn each_operation_is_shown_as_it_starts_runs_and_ends() {
    let served = Served::start(&["--op-ms", "400"]);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", &config("a"))]);

    let mut seen = Vec::new();
    let live = served.spawn(dir.path(), &["apply", "-auto-approve"]);
    let started = live.wait_for("azurerm_virtual_network.net: Creating...", &mut seen);
    let done = live.wait_for("azurerm_virtual_network.net: Creation complete after", &mut seen);
    let (code, err) = live.finish(&mut seen);
    assert_eq!(code, 0, "{err}\n{}", joined(&seen));
    // Streamed: the start was read while the 400 ms operation ran, not at the end.
    assert!(done - started >= Duration::from_millis(300), "{:?}", done - started);
    let stdout = joined(&seen);
    let ticks = stdout
        .lines()
        .filter(|l| l.starts_with("azurerm_virtual_network.net: Still creating... ["))
        .count();
    assert!(ticks >= 3, "a tick every 50 ms over 400 ms: {ticks}\n{stdout}");
    assert!(
        stdout.contains(&format!("Creation complete after 0s [id={VNET_ID}]")),
        "{stdout}"
    );
    assert!(!stdout.contains(SECRET) && !err.contains(SECRET));
    let mut all = progress_lines(&seen);

    // An update, then a destroy: the prior object's id is shown at the start.
    write(dir.path(), &[("main.tf", &config("b"))]);
    let mut seen = Vec::new();
    let (code, err) = served.spawn(dir.path(), &["apply", "-auto-approve"]).finish(&mut seen);
    assert_eq!(code, 0, "{err}");
    all += "\n---\n";
    all += &progress_lines(&seen);
    let mut seen = Vec::new();
    let (code, err) = served
        .spawn(dir.path(), &["destroy", "-auto-approve"])
        .finish(&mut seen);
    assert_eq!(code, 0, "{err}");
    all += "\n---\n";
    all += &progress_lines(&seen);
    insta::assert_snapshot!("progress_text", all);
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

fn parse_lines(text: &str) -> Vec<Json> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

fn terraform(name: &str) -> Vec<Json> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ui_json")
        .join(name);
    parse_lines(&std::fs::read_to_string(path).unwrap())
}

/// A message with its addresses, ids and durations replaced: what Terraform
/// and aksplan must word alike.
fn wording(line: &Json) -> String {
    let mut m = line["@message"].as_str().unwrap().to_string();
    if line["type"] == "version" {
        return "<version>".into();
    }
    for r in [&line["hook"]["resource"]["addr"], &line["change"]["resource"]["addr"]] {
        if let Some(a) = r.as_str() {
            m = m.replace(a, "<addr>");
        }
    }
    if let Some(id) = line["hook"]["id_value"].as_str() {
        m = m.replace(id, "<id>");
    }
    regex::Regex::new(r"after \d+s")
        .unwrap()
        .replace(&m, "after <t>")
        .into_owned()
}

/// The shape of the first line of each type and action, by both.
fn shapes_by_type(lines: &[Json]) -> std::collections::BTreeMap<String, Json> {
    let mut out = std::collections::BTreeMap::new();
    for l in lines {
        let action = l["hook"]["action"]
            .as_str()
            .or(l["change"]["action"].as_str())
            .unwrap_or("");
        let kind = format!("{} {action}", l["type"].as_str().unwrap());
        out.entry(kind.trim().to_string()).or_insert_with(|| shape(l));
    }
    out
}

fn assert_same_shapes(ours: &[Json], theirs: &[Json], skip: &[&str]) {
    let ours = shapes_by_type(ours);
    for (kind, mut shape) in shapes_by_type(theirs) {
        if skip.iter().any(|s| kind.starts_with(s)) {
            continue;
        }
        let mut mine = ours.get(&kind).unwrap_or_else(|| panic!("no {kind} line")).clone();
        if kind == "version" {
            mine.as_object_mut().unwrap().remove("aksplan");
        }
        if kind == "diagnostic" {
            // Terraform's points into the source; aksplan's has a range when it can.
            for s in [&mut shape, &mut mine] {
                let d = s["diagnostic"].as_object_mut().unwrap();
                d.retain(|k, _| ["severity", "summary", "detail", "address"].contains(&k.as_str()));
            }
        }
        assert_eq!(mine, shape, "the shape of {kind}");
    }
}

#[test]
fn apply_json_speaks_terraform_s_machine_readable_ui() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", &config("a"))]);
    let plan = run(dir.path(), &["plan", "-json"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let planned = parse_lines(&plan.stdout);
    let theirs = terraform("terraform_plan.jsonl");
    assert_eq!(
        planned.iter().map(wording).collect::<Vec<_>>(),
        theirs.iter().map(wording).collect::<Vec<_>>()
    );
    assert_same_shapes(&planned, &theirs, &[]);
    // The JSON plan representation is still there.
    let doc = run(dir.path(), &["plan", "--format=json"]);
    assert!(doc.stdout.contains("\"resource_changes\""), "{}", doc.stdout);

    let r = run(dir.path(), &["apply", "-json", "-auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains(SECRET), "{}", r.stdout);
    let ours = parse_lines(&r.stdout);
    let theirs = terraform("terraform_apply.jsonl");
    assert_eq!(
        ours.iter().map(wording).collect::<Vec<_>>(),
        theirs.iter().map(wording).collect::<Vec<_>>(),
        "{}",
        r.stdout
    );
    assert_same_shapes(&ours, &theirs, &[]);
    for l in &ours {
        assert_eq!(l["@module"], "terraform.ui");
        assert_eq!(l["@level"], "info");
    }
    let last = ours.last().unwrap();
    assert_eq!(
        last["outputs"]["secret"],
        serde_json::json!({"sensitive": true, "type": "string"})
    );
    assert_eq!(last["outputs"]["plain"]["value"], "rg-p");

    let normalised = regex::Regex::new(r#""@timestamp":"[^"]+""#)
        .unwrap()
        .replace_all(&r.stdout, r#""@timestamp":"<t>""#)
        .replace(env!("CARGO_PKG_VERSION"), "<version>");
    let normalised = regex::Regex::new(r#"after \d+s"#)
        .unwrap()
        .replace_all(&normalised, "after <t>");
    let normalised = regex::Regex::new(r#""elapsed_seconds":\d+"#)
        .unwrap()
        .replace_all(&normalised, r#""elapsed_seconds":0"#)
        .into_owned();
    insta::assert_snapshot!("apply_json", normalised);

    // An update and a delete, then destroy: shapes as Terraform's.
    write(dir.path(), &[("main.tf", &config("b"))]);
    let r = run(dir.path(), &["apply", "-json", "-auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_same_shapes(
        &parse_lines(&r.stdout),
        &terraform("terraform_apply2.jsonl"),
        // Terraform's deleted a resource there; the destroy below covers deletes.
        &["planned_change", "apply_start delete", "apply_complete delete"],
    );
    let r = run(dir.path(), &["destroy", "-json", "-auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ours = parse_lines(&r.stdout);
    assert_same_shapes(&ours, &terraform("terraform_destroy.jsonl"), &[]);
    assert_eq!(
        ours.last().unwrap()["@message"],
        "Destroy complete! Resources: 2 destroyed."
    );
}

#[test]
fn json_progress_and_failures_are_shaped_as_terraform_s() {
    let served = Served::start(&["--op-ms", "300", "--fault", &format!("fail={VNET_ID}")]);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", &config("a"))]);
    let mut seen = Vec::new();
    let (code, err) = served
        .spawn(dir.path(), &["apply", "-json", "-auto-approve"])
        .finish(&mut seen);
    assert_eq!(code, 1, "{err}");
    let text = joined(&seen);
    let ours = parse_lines(&text);
    let kinds: Vec<&str> = ours.iter().map(|l| l["type"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"apply_progress"), "{text}");
    assert!(kinds.contains(&"apply_errored"), "{text}");
    // The error itself comes at the end, as a diagnostic line; no summary.
    assert_eq!(kinds.last(), Some(&"diagnostic"), "{text}");
    assert!(!kinds.contains(&"change_summary") || kinds.iter().filter(|k| **k == "change_summary").count() == 1);
    assert_same_shapes(
        &ours,
        &terraform("terraform_progress_and_failure.jsonl"),
        &["provision_"],
    );
    // The resource the error is about is its address, as Terraform gives it.
    let error = &ours.last().unwrap()["diagnostic"];
    assert_eq!(error["address"], "azurerm_virtual_network.net", "{text}");
    assert!(!error["summary"].as_str().unwrap().contains("azurerm_"), "{text}");
    let errored = ours.iter().find(|l| l["type"] == "apply_errored").unwrap();
    assert!(
        wording(errored) == "<addr>: Creation errored after <t>",
        "{}",
        errored["@message"]
    );
}

#[test]
fn apply_json_needs_auto_approve_or_a_saved_plan() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", &config("a"))]);
    let r = run(dir.path(), &["apply", "-json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let ours = parse_lines(&r.stdout);
    let theirs = terraform("terraform_noapprove.jsonl");
    assert_eq!(ours.len(), 2, "{}", r.stdout);
    assert_eq!(ours[1]["@message"], theirs[1]["@message"]);
    assert_eq!(ours[1]["@level"], "error");
    assert_same_shapes(&ours, &theirs, &[]);
    // A saved plan needs no approval.
    assert_eq!(run(dir.path(), &["plan", "-out=tfplan"]).code, 0);
    let r = run(dir.path(), &["apply", "-json", "tfplan"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let kinds: Vec<String> = parse_lines(&r.stdout)
        .iter()
        .map(|l| l["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds.first().map(String::as_str), Some("version"));
    assert!(kinds.iter().any(|k| k == "apply_complete"), "{kinds:?}");
    assert_eq!(kinds.last().map(String::as_str), Some("outputs"));
}

#[test]
fn a_second_sigterm_stops_waiting_and_taints_the_create_in_flight() {
    // Each long-running operation takes 20 s: only abandoning ends the run soon.
    let served = Served::start(&["--op-ms", "20000"]);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", &config("a"))]);
    let mut seen = Vec::new();
    let live = served.spawn(dir.path(), &["apply", "-auto-approve"]);
    live.wait_for("azurerm_virtual_network.net: Creating...", &mut seen);
    let pid = live.child.id() as libc::pid_t;
    let signalled = Instant::now();
    // SAFETY: signalling a child this test spawned and has not reaped.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    std::thread::sleep(Duration::from_millis(200));
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let (code, err) = live.finish(&mut seen);
    assert!(
        signalled.elapsed() < Duration::from_secs(10),
        "{:?}",
        signalled.elapsed()
    );
    assert_eq!(code, 1, "{err}");
    let stdout = joined(&seen);
    assert!(err.contains("Second interrupt"), "{err}");
    assert!(
        stdout.contains("azurerm_virtual_network.net: Creation abandoned after"),
        "{stdout}"
    );
    assert!(err.contains("Operations abandoned"), "{err}");
    assert!(
        err.contains("azurerm_virtual_network.net (recorded in state as tainted: the next plan replaces it)"),
        "{err}"
    );
    // The state holds the network, tainted, with its id.
    let state: Json =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("aksplan.tfstate")).unwrap()).unwrap();
    let net = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "azurerm_virtual_network")
        .unwrap_or_else(|| panic!("no network in {state}"));
    assert_eq!(net["status"], "tainted", "{net}");
    assert_eq!(net["id"], VNET_ID);
    // The next plan replaces it.
    let plan = run_env(
        dir.path(),
        &["plan", "--cloud", &served.url],
        &[("ARM_ACCESS_TOKEN", TOKEN), ("ARM_SUBSCRIPTION_ID", SUB)],
    );
    assert!(
        plan.stdout.contains("# azurerm_virtual_network.net must be replaced")
            && plan.stdout.contains("because it is tainted"),
        "{}\n{}",
        plan.stdout,
        plan.stderr
    );
}
