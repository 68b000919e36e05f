//! The azurerm backend against Azurite (see tests/common/azurite.rs; each
//! test returns early, saying so, when Azurite is not installed): state on
//! a blob, applies and plans round trip; two runs at once, one refused
//! naming the holder; a lease lost mid-run; a run killed mid-apply and
//! recovered from the journal on the blob; earlier versions kept as
//! snapshots; workspaces as `KEYenv:NAME` blobs.

#[path = "common/azurite.rs"]
mod azurite;
mod common;

use aksplan::state::backend::azurerm::auth::{Auth, Secret};
use aksplan::state::backend::azurerm::blob::BlobClient;
use aksplan::state::backend::azurerm::lease::{LockInfo, LOCK_META};
use aksplan::state::backend::azurerm::sign;
use azurite::{Azurite, ACCOUNT, KEY};
use common::{run_env, write, Run};
use std::path::Path;

const STATE: &str = "prod.terraform.tfstate";

/// A container of its own for one test, in the Azurite all tests share.
struct Store {
    endpoint: String,
    container: String,
}

/// The test's container, created; `None` (the reason said) without Azurite.
fn store(container: &str) -> Option<Store> {
    let az = Azurite::shared()?;
    let s = Store {
        endpoint: az.endpoint.clone(),
        container: container.to_string(),
    };
    client(&s).create_container().unwrap();
    Some(s)
}

fn client(az: &Store) -> BlobClient {
    let key = Secret::new(sign::decode_key(KEY).unwrap());
    BlobClient::new(&az.endpoint, ACCOUNT, &az.container, Auth::SharedKey { key }).unwrap()
}

fn backend(az: &Store, extra: &str) -> String {
    format!(
        r#"terraform {{
  backend "azurerm" {{
    storage_account_name = "{ACCOUNT}"
    container_name       = "{}"
    key                  = "{STATE}"
    endpoint             = "{}"
{extra}  }}
}}
"#,
        az.container, az.endpoint
    )
}

const RESOURCES: &str = r#"
resource "azurerm_resource_group" "rg" {
  name     = "rg-${terraform.workspace}"
  location = "westeurope"
}
resource "azurerm_virtual_network" "vnet" {
  name                = "vnet-${terraform.workspace}"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.0.0.0/16"]
}
"#;

/// A configuration directory using the blob, initialized; the simulated
/// cloud's store is in it.
fn project(az: &Store, extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("main.tf", &format!("{}{RESOURCES}", backend(az, extra)))],
    );
    let r = aks(dir.path(), &["init"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    dir
}

fn aks(dir: &Path, args: &[&str]) -> Run {
    run_env(dir, args, &[("ARM_ACCESS_KEY", KEY)])
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let r = aks(dir, args);
    assert_eq!(r.code, 0, "{args:?}\n{}\n{}", r.stdout, r.stderr);
    r.stdout
}

/// aksplan's state blob beside Terraform's blob `name`.
fn ours(name: &str) -> String {
    format!("{name}.aksplan/state")
}

/// aksplan's state for Terraform's blob `name`.
fn state_on_blob(az: &Store, name: &str) -> serde_json::Value {
    let (bytes, _) = client(az).get(&ours(name)).unwrap().expect("no state blob");
    serde_json::from_slice(&bytes).unwrap()
}

#[test]
fn apply_and_plan_round_trip_on_the_blob() {
    let Some(az) = store("roundtrip") else { return };
    let dir = project(&az, "");
    let out = ok(dir.path(), &["apply", "--auto-approve"]);
    assert!(out.contains("Apply complete! Resources: 2 added"), "{out}");
    assert!(!dir.path().join("aksplan.tfstate").exists());
    let state = state_on_blob(&az, STATE);
    assert_eq!(state["resources"].as_array().unwrap().len(), 2);
    assert!(ok(dir.path(), &["plan"]).contains("No changes."));
    assert_eq!(
        ok(dir.path(), &["state", "list"]),
        "azurerm_resource_group.rg\nazurerm_virtual_network.vnet\n"
    );
    // The run released its lease and its lock info, and folded its journal.
    let c = client(&az);
    let p = c.properties(STATE).unwrap().unwrap();
    assert_ne!(p.lease_state, "leased");
    assert!(!p.metadata.contains_key(LOCK_META), "{:?}", p.metadata);
    let names: Vec<String> = c.list("", false).unwrap().into_iter().map(|b| b.name).collect();
    assert_eq!(names, vec![STATE.to_string(), ours(STATE)]);
    // Terraform's blob is only leased: aksplan never writes Terraform's state.
    assert!(c.get(STATE).unwrap().unwrap().0.is_empty());
}

#[test]
fn init_takes_over_a_terraform_state_on_the_blob_and_leaves_it_as_it_was() {
    let Some(az) = store("takeover") else { return };
    let dir = project(&az, "");
    ok(dir.path(), &["apply", "--auto-approve"]);
    // The estate as Terraform would keep it: its format in KEY, no aksplan blob.
    let terraforms = ok(dir.path(), &["state", "pull", "-format=terraform"]);
    let c = client(&az);
    c.delete(&ours(STATE)).unwrap();
    c.put(STATE, terraforms.clone().into_bytes(), &Default::default(), None, false)
        .unwrap();
    let out = ok(dir.path(), &["init"]);
    assert!(out.contains("Took over Terraform's state: 2 resources from "), "{out}");
    assert!(out.contains("is left as it was"), "{out}");
    assert_eq!(String::from_utf8(c.get(STATE).unwrap().unwrap().0).unwrap(), terraforms);
    assert_eq!(state_on_blob(&az, STATE)["resources"].as_array().unwrap().len(), 2);
    assert!(ok(dir.path(), &["plan"]).contains("No changes."));
    // A second init has nothing left to take over.
    assert!(!ok(dir.path(), &["init"]).contains("Took over"));
}

/// A running `aksplan sim serve` whose operations take `op_ms`, stopped when dropped.
struct Served {
    _server: common::sim_serve::SimServe,
    url: String,
    dir: tempfile::TempDir,
}

const TOKEN: &str = "test-token-backend";

impl Served {
    fn start(op_ms: u64) -> Served {
        let dir = tempfile::tempdir().unwrap();
        let op_ms = op_ms.to_string();
        let args = ["--quiet", "--op-ms", op_ms.as_str()];
        let mut server = common::sim_serve::SimServe::start(
            dir.path(),
            &dir.path().join("store"),
            &args,
            std::process::Stdio::null(),
        );
        server.drain();
        Served {
            url: server.url.clone(),
            _server: server,
            dir,
        }
    }

    /// Whether the simulated cloud holds a resource whose id ends with `suffix`.
    fn holds(&self, suffix: &str) -> bool {
        let r = run_env(
            Path::new("."),
            &["sim", "list"],
            &[("AKSPLAN_SIM_DIR", self.dir.path().join("store").to_str().unwrap())],
        );
        r.stdout
            .lines()
            .any(|id| id.to_lowercase().ends_with(&suffix.to_lowercase()))
    }

    /// aksplan against this cloud and the blob, as a child process.
    fn spawn(&self, dir: &Path, args: &[&str]) -> std::process::Child {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("aksplan"))
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("ARM_ACCESS_KEY", KEY)
            .env("ARM_ACCESS_TOKEN", TOKEN)
            .args(args)
            .args(["--cloud", &self.url])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }

    fn run(&self, dir: &Path, args: &[&str]) -> Run {
        let out = self.spawn(dir, args).wait_with_output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// The diagnostics' text with the renderer's line wrapping undone.
fn unwrapped(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().map(str::trim) {
        if !out.is_empty() && !out.ends_with('-') {
            out.push(' ');
        }
        out.push_str(line.trim_start_matches("help:").trim_start());
    }
    out
}

/// Waits (polling, never longer than `secs`) until `f` holds.
fn wait_until(secs: u64, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while !f() {
        assert!(std::time::Instant::now() < deadline, "waited {secs} s for {what}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn leased(az: &Store) -> bool {
    client(az)
        .properties(STATE)
        .unwrap()
        .is_some_and(|p| p.lease_state == "leased" && p.metadata.contains_key(LOCK_META))
}

/// The journal lines on the blob, all journals together.
fn journal_lines(az: &Store) -> Vec<String> {
    let c = client(az);
    let mut lines = Vec::new();
    for b in c.list(&format!("{STATE}.aksplan/journal."), false).unwrap() {
        let (bytes, _) = c.get(&b.name).unwrap().unwrap();
        lines.extend(String::from_utf8_lossy(&bytes).lines().map(str::to_string));
    }
    lines
}

/// Three virtual networks, each created after the one before; each create
/// is a long-running operation, which `sim serve --op-ms` makes slow.
const CHAIN: &str = r#"
resource "azurerm_resource_group" "rg" {
  name     = "rg-chain"
  location = "westeurope"
}
resource "azurerm_virtual_network" "net1" {
  name                = "vnet-1"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.1.0.0/16"]
}
resource "azurerm_virtual_network" "net2" {
  name                = "vnet-2"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.2.0.0/16"]
  depends_on          = [azurerm_virtual_network.net1]
}
resource "azurerm_virtual_network" "net3" {
  name                = "vnet-3"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.3.0.0/16"]
  depends_on          = [azurerm_virtual_network.net2]
}
"#;

fn chain_project(az: &Store, served: &Served) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", &format!("{}{CHAIN}", backend(az, "")))]);
    let r = served.run(dir.path(), &["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    dir
}

#[test]
fn two_applies_at_once_one_is_refused_naming_the_holder() {
    let Some(az) = store("twoapplies") else { return };
    let served = Served::start(1500);
    let dir = chain_project(&az, &served);
    let first = served.spawn(dir.path(), &["apply", "--auto-approve"]);
    let pid = first.id();
    wait_until(30, "the first apply's lease", || leased(&az));
    // What the blob says, as terraform writes it.
    let p = client(&az).properties(STATE).unwrap().unwrap();
    let info = LockInfo::decode(&p.metadata[LOCK_META]).unwrap();
    assert_eq!(info.operation, "OperationTypeApply");
    assert_eq!(info.path, format!("{}/{STATE}", az.container));
    let second = served.run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(second.code, 1, "{}", second.stdout);
    let said = unwrapped(&second.stderr);
    assert!(said.contains("Error acquiring the state lock"), "{said}");
    assert!(said.contains(&format!("apply by pid {pid} on ")), "{said}");
    assert!(said.contains(&format!("(lock ID {})", info.id)), "{said}");
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    // Waiting for the lock works once the holder is done.
    let r = served.run(dir.path(), &["plan", "--lock-timeout", "30s"]);
    assert!(r.stdout.contains("No changes."), "{}\n{}", r.stdout, r.stderr);
}

#[test]
fn a_lease_lost_mid_run_stops_the_run_and_loses_nothing() {
    let Some(az) = store("leaselost") else { return };
    let served = Served::start(3000);
    let dir = chain_project(&az, &served);
    let run = served.spawn(dir.path(), &["apply", "--auto-approve", "--parallelism", "1"]);
    wait_until(30, "the apply's lease", || leased(&az));
    wait_until(30, "net1's create", || served.holds("/virtualNetworks/vnet-1"));
    // Broken behind the run's back, while net1 is being created.
    client(&az)
        .lease(STATE, aksplan::state::backend::azurerm::blob::LeaseAction::Break, None)
        .unwrap();
    assert!(
        !journal_lines(&az).iter().any(|l| l.contains("vnet-1")),
        "net1 finished before the lease was broken: the test is too slow for its 3 s window"
    );
    let out = run.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("The state lock was lost"), "{stderr}");
    assert!(stderr.contains("the blob's lease was broken"), "{stderr}");
    assert!(stderr.contains("errored.tfstate"), "{stderr}");
    // It started nothing after the loss: net2 and net3 were not created.
    assert!(
        stdout.contains("azurerm_virtual_network.net1: Creation complete"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("net2: Creation complete") && !stdout.contains("net3: Creation complete"),
        "{stdout}"
    );
    assert!(stderr.contains("not started: the apply was interrupted"), "{stderr}");
    // It did not write the state (another run may hold the lock now)...
    assert!(client(&az).get(&ours(STATE)).unwrap().is_none());
    // ...and lost nothing: net1 is in errored.tfstate, and in the journal
    // on the blob, which the next run replays.
    let errored = std::fs::read_to_string(dir.path().join("errored.tfstate")).unwrap();
    assert!(errored.contains("vnet-1") && errored.contains("rg-chain"), "{errored}");
    let r = served.run(dir.path(), &["plan"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("net1 will be created"), "{}", r.stdout);
    assert!(r.stdout.contains("Plan: 2 to add"), "{}", r.stdout);
    let r = served.run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Resources: 2 added"), "{}", r.stdout);
}

#[test]
fn killed_mid_apply_the_next_run_recovers_from_the_journal_on_the_blob() {
    let Some(az) = store("killed") else { return };
    let served = Served::start(1500);
    let dir = chain_project(&az, &served);
    let mut run = served.spawn(dir.path(), &["apply", "--auto-approve", "--parallelism", "1"]);
    wait_until(30, "net1 in the journal", || {
        journal_lines(&az)
            .iter()
            .any(|l| l.contains("vnet-1") && l.starts_with("{\"set\""))
    });
    wait_until(30, "net2's create", || served.holds("/virtualNetworks/vnet-2"));
    // kill -9, while net2 is being created.
    run.kill().unwrap();
    run.wait().unwrap();
    let recorded = journal_lines(&az);
    assert!(leased(&az), "the dead run's lease is still there");
    // The next run takes the dead run's lock over (its pid is gone from
    // this host) and replays the journal: the group and net1 are known.
    let r = served.run(dir.path(), &["plan"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("net1 will be created"), "{}", r.stdout);
    assert!(
        r.stdout.contains("azurerm_virtual_network.net3 will be created"),
        "{}",
        r.stdout
    );
    assert_eq!(
        served.run(dir.path(), &["state", "list"]).stdout,
        "azurerm_resource_group.rg\nazurerm_virtual_network.net1\n"
    );
    // The plan wrote nothing: the journal is still all there.
    assert_eq!(journal_lines(&az), recorded);
    // net2's create, cut off, finished in the cloud: it is imported, as
    // after any interrupted create; then the apply completes the rest.
    std::thread::sleep(std::time::Duration::from_millis(1600));
    let net2 = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-chain/providers/Microsoft.Network/virtualNetworks/vnet-2";
    let r = served.run(dir.path(), &["import", "azurerm_virtual_network.net2", net2]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = served.run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(served.run(dir.path(), &["plan"]).stdout.contains("No changes."));
    // The state blob holds everything; the journals were folded into it.
    let state = state_on_blob(&az, STATE);
    assert_eq!(state["resources"].as_array().unwrap().len(), 4);
    assert!(journal_lines(&az).is_empty());
}

#[test]
fn snapshots_keep_earlier_versions() {
    let Some(az) = store("snapshots") else { return };
    let dir = project(&az, "    snapshot             = true\n");
    ok(dir.path(), &["apply", "--auto-approve"]);
    write(
        dir.path(),
        &[(
            "main.tf",
            &format!(
                "{}{}",
                backend(&az, "    snapshot             = true\n"),
                RESOURCES.replace("10.0.0.0/16", "10.1.0.0/16")
            ),
        )],
    );
    // The block changed (nothing else): init takes it as it is.
    ok(dir.path(), &["apply", "--auto-approve"]);
    let c = client(&az);
    let versions: Vec<String> = c
        .list(&ours(STATE), true)
        .unwrap()
        .into_iter()
        .filter(|b| b.name == ours(STATE))
        .filter_map(|b| b.snapshot)
        .collect();
    // Before each write but the first (there was no blob then).
    assert_eq!(versions.len(), 1, "{versions:?}");
    let earlier: serde_json::Value =
        serde_json::from_slice(&c.get_snapshot(&ours(STATE), &versions[0]).unwrap().unwrap()).unwrap();
    let now = state_on_blob(&az, STATE);
    assert!(earlier["serial"].as_u64() < now["serial"].as_u64());
    assert!(earlier.to_string().contains("10.0.0.0/16"));
    assert!(now.to_string().contains("10.1.0.0/16"));
}

#[test]
fn workspaces_on_the_blob() {
    let Some(az) = store("workspaces") else { return };
    let dir = project(&az, "");
    ok(dir.path(), &["apply", "--auto-approve"]);
    ok(dir.path(), &["workspace", "new", "dev"]);
    let c = client(&az);
    assert!(c.properties(&format!("{STATE}env:dev")).unwrap().is_some());
    let out = ok(dir.path(), &["apply", "--auto-approve"]);
    assert!(out.contains("rg-dev"), "{out}");
    let dev = state_on_blob(&az, &format!("{STATE}env:dev"));
    assert!(dev.to_string().contains("rg-dev"));
    assert!(!state_on_blob(&az, STATE).to_string().contains("rg-dev"));
    assert_eq!(ok(dir.path(), &["workspace", "list"]), "  default\n* dev\n\n");
    ok(dir.path(), &["workspace", "select", "default"]);
    let r = aks(dir.path(), &["workspace", "delete", "dev"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Workspace is not empty"), "{}", r.stderr);
    ok(dir.path(), &["workspace", "delete", "-force", "dev"]);
    assert!(c.properties(&format!("{STATE}env:dev")).unwrap().is_none());
    assert_eq!(ok(dir.path(), &["workspace", "list"]), "* default\n\n");
}

/// The blob backend this test's store holds, as a run in `dir` configures it.
fn backend_in(az: &Store, dir: &Path) -> aksplan::state::backend::azurerm::AzureBackend {
    let settings: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "storage_account_name": ACCOUNT, "container_name": az.container, "key": STATE,
        "endpoint": az.endpoint, "access_key": KEY,
    }))
    .unwrap();
    let at = aksplan::state::backend::Surroundings {
        dir,
        env: &[],
        tokens: None,
    };
    aksplan::state::backend::azurerm::AzureBackend::from_settings(&settings, at).unwrap()
}

#[test]
fn force_unlock_breaks_the_lease_and_the_holder_learns_it() {
    use aksplan::state::backend::Backend;
    let Some(az) = store("forceunlock") else { return };
    let dir = project(&az, "");
    // Another run, here: this test's process holds the lock.
    let b = backend_in(&az, dir.path());
    let state = b.state("default");
    let held = state.lock("apply", std::time::Duration::ZERO).unwrap();
    let r = aks(dir.path(), &["plan"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(&format!("apply by pid {} on ", std::process::id())),
        "{}",
        r.stderr
    );
    // A run alive on this host keeps its lease without --force, and a lock
    // ID that is not the lease's removes nothing.
    let r = aks(dir.path(), &["force-unlock"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("Refusing to remove the lock of a running aksplan"),
        "{}",
        r.stderr
    );
    let r = aks(dir.path(), &["force-unlock", "--force", "not-the-lease"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("The state lock has another ID"), "{}", r.stderr);
    assert!(held.lost().is_none());
    let out = ok(dir.path(), &["force-unlock", "--force"]);
    assert!(out.contains("Removed the state lock (apply by pid"), "{out}");
    assert!(!client(&az)
        .properties(STATE)
        .unwrap()
        .unwrap()
        .metadata
        .contains_key(LOCK_META));
    // The holder finds out at its next write, which is refused.
    let mut s = aksplan::state::State::new();
    let e = state.write(&mut s).unwrap_err();
    assert!(e.contains("the state lock was lost"), "{e}");
    assert!(held.lost().is_some());
    drop(held);
    assert!(ok(dir.path(), &["plan"]).contains("Plan: 2 to add"));
}

/// An account SAS for Azurite's account, as Azure defines it (blob service,
/// every resource type, read/add/create/write/delete/list).
fn account_sas() -> String {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let (sv, ss, srt, sp, se) = ("2021-08-06", "b", "sco", "racwdl", "2099-01-01T00:00:00Z");
    let to_sign = format!("{ACCOUNT}\n{sp}\n{ss}\n{srt}\n\n{se}\n\n\n{sv}\n\n");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&sign::decode_key(KEY).unwrap()).unwrap();
    mac.update(to_sign.as_bytes());
    let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let sig: String = sig
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!(
        "sv={sv}&ss={ss}&srt={srt}&sp={sp}&se={}&sig={sig}",
        se.replace(':', "%3A")
    )
}

#[test]
fn a_sas_token_given_to_init_works_alone() {
    let Some(az) = store("sas") else { return };
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", &format!("{}{RESOURCES}", backend(&az, "")))]);
    let sas = account_sas();
    // No ARM_ACCESS_KEY here: the token is all there is.
    let run = |args: &[&str]| run_env(dir.path(), args, &[]);
    let r = run(&["init", &format!("-backend-config=sas_token={sas}")]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let r = run(&["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(run(&["plan"]).stdout.contains("No changes."));
    assert_eq!(state_on_blob(&az, STATE)["resources"].as_array().unwrap().len(), 2);
    // The token never shows.
    assert!(!r.stdout.contains("sig=") && !r.stderr.contains("sig="));
}

#[test]
fn local_state_and_its_workspaces_migrate_to_the_blob() {
    let Some(az) = store("migrate") else { return };
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", RESOURCES)]);
    ok(dir.path(), &["apply", "--auto-approve"]);
    ok(dir.path(), &["workspace", "new", "dev"]);
    ok(dir.path(), &["apply", "--auto-approve"]);
    write(dir.path(), &[("main.tf", &format!("{}{RESOURCES}", backend(&az, "")))]);
    let r = aks(dir.path(), &["init"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Existing state found"), "{}", r.stderr);
    let out = ok(dir.path(), &["init", "-migrate-state"]);
    assert!(
        out.contains("Copied the state of workspace \"default\" (2 resources)"),
        "{out}"
    );
    assert!(
        out.contains("Copied the state of workspace \"dev\" (2 resources)"),
        "{out}"
    );
    assert!(state_on_blob(&az, STATE).to_string().contains("rg-default"));
    assert!(state_on_blob(&az, &format!("{STATE}env:dev"))
        .to_string()
        .contains("rg-dev"));
    // dev is still selected, and plans clean from the blob.
    assert!(ok(dir.path(), &["plan"]).contains("No changes."));
    assert_eq!(ok(dir.path(), &["workspace", "list"]), "  default\n* dev\n\n");
}

/// Lock and unlock latency on Azurite, and the time to write and read a
/// state of 10,000 resources on the blob: run with
/// `cargo test --test backend_azurerm -- --ignored --nocapture`.
#[test]
#[ignore]
fn timings() {
    use aksplan::addrs::{InstanceKey, Resource};
    use aksplan::lang::Value;
    use aksplan::state::backend::Backend;
    use std::time::{Duration, Instant};
    let Some(az) = store("timings") else { return };
    let b = backend_in(&az, Path::new("."));
    let store = b.state("default");
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (mut locks, mut unlocks) = (Vec::new(), Vec::new());
    for _ in 0..20 {
        let t = Instant::now();
        let l = store.lock("apply", Duration::ZERO).unwrap();
        locks.push(t.elapsed());
        let t = Instant::now();
        drop(l);
        unlocks.push(t.elapsed());
    }
    let mut state = aksplan::state::State::new();
    for i in 0..10_000 {
        let id = format!("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-{i}");
        let value = Value::Object(
            [
                ("id".to_string(), Value::string(&id)),
                ("name".to_string(), Value::string(format!("rg-{i}"))),
                ("location".to_string(), Value::string("westeurope")),
                (
                    "tags".to_string(),
                    Value::Object([("env".to_string(), Value::string("prod"))].into()),
                ),
            ]
            .into(),
        );
        state.resources.insert(
            Resource::managed("azurerm_resource_group", "rg").instance(InstanceKey::Int(i)),
            aksplan::state::ResourceState {
                type_name: "azurerm_resource_group".into(),
                value,
                dependencies: vec![],
                tainted: false,
            },
        );
    }
    let held = store.lock("apply", Duration::ZERO).unwrap();
    let (mut writes, mut reads) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let t = Instant::now();
        store.write(&mut state).unwrap();
        writes.push(t.elapsed());
        let t = Instant::now();
        let back = store.load().unwrap();
        reads.push(t.elapsed());
        assert_eq!(back.resources.len(), 10_000);
    }
    drop(held);
    let size = client(&az).properties(STATE).unwrap().unwrap().length;
    // The same state in the local backend, for comparison: encoding and
    // decoding are the same; the difference is the blob service.
    let dir = tempfile::tempdir().unwrap();
    let local = aksplan::state::backend::local::LocalBackend::default_in(dir.path()).state("default");
    let (mut local_writes, mut local_reads) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let t = Instant::now();
        local.write(&mut state).unwrap();
        local_writes.push(t.elapsed());
        let t = Instant::now();
        local.load().unwrap();
        local_reads.push(t.elapsed());
    }
    eprintln!(
        "lock {:?}, unlock {:?} (median of 20); 10,000 resources ({} KiB): write {:?}, read {:?}; local file: write {:?}, read {:?} (medians of 5)",
        median(locks),
        median(unlocks),
        size / 1024,
        median(writes),
        median(reads),
        median(local_writes),
        median(local_reads)
    );
}
