//! aksplan against `aksplan sim serve`, over HTTP only: the REST client,
//! long-running operations, faults, and what never reaches a log.

mod common;

use common::{example, Run};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Stdio;

const SUB: &str = "/subscriptions/00000000-0000-0000-0000-000000000000";
const TOKEN: &str = "test-token-3f9c1a7e";
const PROTECTED: &str = "PROTECTED-KEY-MATERIAL-77d2";

/// A running `aksplan sim serve`, stopped when dropped.
struct Served {
    server: common::sim_serve::SimServe,
    url: String,
    data: PathBuf,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Served {
    fn start(args: &[&str]) -> Served {
        Served::start_in(tempfile::tempdir().unwrap(), args)
    }

    /// Stops this server and serves its store again, with other options.
    fn restart(mut self, args: &[&str]) -> Served {
        self.server.stop();
        let dir = std::mem::replace(&mut self._dir, tempfile::tempdir().unwrap());
        Served::start_in(dir, args)
    }

    fn start_in(dir: tempfile::TempDir, args: &[&str]) -> Served {
        let data = dir.path().join("store");
        let log = dir.path().join("serve.log");
        let stderr = Stdio::from(std::fs::File::create(&log).unwrap());
        let server = common::sim_serve::SimServe::start(dir.path(), &data, args, stderr);
        Served {
            url: server.url.clone(),
            server,
            data,
            log,
            _dir: dir,
        }
    }

    /// Runs aksplan against this server, with a token and the HTTP log on.
    fn run(&self, dir: &Path, args: &[&str]) -> Run {
        let mut all = args.to_vec();
        all.extend(["--cloud", &self.url]);
        common::run_env(
            dir,
            &all,
            &[
                ("ARM_ACCESS_TOKEN", TOKEN),
                // As azurerm 4.x requires: once the landing zone has made
                // its two subscriptions, the token sees three.
                ("ARM_SUBSCRIPTION_ID", SUB.trim_start_matches("/subscriptions/")),
                ("AKSPLAN_LOG", "http"),
                ("TF_VAR_aml_ssl_key", PROTECTED),
            ],
        )
    }

    /// Every resource id in the store (registrations left out).
    fn stored(&self) -> Vec<String> {
        let r = common::run_env(
            Path::new("."),
            &["sim", "list"],
            &[("AKSPLAN_SIM_DIR", self.data.to_str().unwrap())],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let mut ids: Vec<String> = r
            .stdout
            .lines()
            // Subscriptions and their registrations are not made by a configuration.
            .filter(|id| {
                let parts: Vec<&str> = id.split('/').collect();
                !(parts.len() <= 3 || parts.get(3) == Some(&"providers"))
            })
            .map(str::to_lowercase)
            .collect();
        ids.sort();
        ids
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap()
    }

    /// Sends one raw HTTP/1.1 request; returns the status code.
    fn raw(&self, method: &str, path: &str, body: &str) -> u16 {
        let host = self.url.trim_start_matches("http://");
        let mut s = TcpStream::connect(host).unwrap();
        write!(
            s,
            "{method} {path}?api-version=2025-04-01 HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer someone-else\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        answer
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0)
    }
}

/// The resource ids the state in `dir` holds.
/// The Azure resources a state manages: each resource's id, and a
/// cluster's default node pool, which AKS keeps as an agent pool resource.
fn state_ids(served: &Served, dir: &Path) -> Vec<String> {
    let r = served.run(dir, &["show", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let state: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let managed = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["mode"] == "managed" && r["type"] != "azurerm_resource_provider_registration");
    let mut ids: Vec<String> = Vec::new();
    for r in managed {
        let Some(id) = r["id"].as_str() else { continue };
        ids.push(id.to_lowercase());
        if let Some(pool) = r["attributes"]["default_node_pool"][0]["name"].as_str() {
            ids.push(format!("{id}/agentPools/{pool}").to_lowercase());
        }
    }
    ids.sort();
    ids
}

/// The examples, each in its own directory; ml-inference-attach's
/// `existing/` comes first, as its README says.
fn examples() -> Vec<(&'static str, tempfile::TempDir)> {
    let mut out = Vec::new();
    for name in [
        "aks-basic",
        "apiserver-vnet-integration",
        "cluster-extensions",
        "arc-connected-cluster",
        "ml-inference-attach/existing",
        "ml-inference-attach",
        "modules",
        "aks-landing-zone",
    ] {
        out.push((name, example(name)));
    }
    out
}

fn ok(r: &Run, what: &str) {
    assert_eq!(r.code, 0, "{what}:\n{}\n{}", r.stdout, r.stderr);
}

fn assert_no_secrets(what: &str, text: &str) {
    assert!(!text.contains(TOKEN), "{what} shows the token");
    assert!(!text.contains(PROTECTED), "{what} shows a protected setting");
}

#[test]
fn every_example_over_http_applies_plans_clean_sees_changes_behind_its_back_and_destroys() {
    let served = Served::start(&["--op-ms", "20"]);
    let mut outputs = String::new();
    let examples = examples();
    for (name, dir) in &examples {
        // Every example uses curated types only: over ARM, none needs
        // --allow-unverified-types (a type mapped by convention refuses).
        let r = served.run(dir.path(), &["apply", "--auto-approve"]);
        ok(&r, name);
        assert!(
            r.stdout
                .starts_with("Cloud: Azure Resource Manager at http://127.0.0.1:"),
            "{}",
            r.stdout
        );
        // The client's own log shows the long-running operations being polled.
        outputs += &(r.stdout + &r.stderr);
        let r = served.run(dir.path(), &["plan", "--detailed-exitcode"]);
        ok(&r, &format!("{name}: a plan after apply has no changes"));
        outputs += &(r.stdout + &r.stderr);
    }
    assert!(outputs.contains("/operationStatuses/"), "no operation was polled");
    // The served store is the in-process simulation's: planned in-process, nothing differs.
    let r = common::run_env(
        examples[0].1.path(),
        // The same store, reached in-process rather than over HTTP: a deliberate move.
        &["plan", "--detailed-exitcode", "--cloud", "sim", "--allow-cloud-change"],
        &[("AKSPLAN_SIM_DIR", served.data.to_str().unwrap())],
    );
    ok(&r, "an in-process plan of the served store");

    // Behind aksplan's back: a tag changed in the portal, a node pool deleted.
    let rg = format!("{SUB}/resourceGroups/rg-aksbasic");
    assert_eq!(served.raw("PATCH", &rg, r#"{"tags": {"owner": "someone"}}"#), 200);
    let pool = format!("{rg}/providers/Microsoft.ContainerService/managedClusters/aks-aksbasic/agentPools/apps");
    assert_eq!(served.raw("DELETE", &pool, ""), 202);
    let basic = &examples[0].1;
    let r = served.run(basic.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let tag = r.stdout.lines().find(|l| l.contains("\"owner\"") && l.contains("->"));
    assert!(
        tag.is_some_and(|t| t.trim_start().starts_with('-') && t.ends_with("= \"someone\" -> null")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("azurerm_kubernetes_cluster_node_pool.user[\"apps\"] will be created"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("was deleted outside aksplan"), "{}", r.stdout);
    // The scheduled drift check says the same, over HTTP.
    let r = served.run(basic.path(), &["drift", "--format", "json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(report["summary"]["changed"], 1, "{report:#}");
    assert_eq!(report["summary"]["deleted"], 1, "{report:#}");
    assert_eq!(report["resources"][1]["changes"][0]["path"], "tags.owner", "{report:#}");

    for (name, dir) in examples.iter().rev() {
        let r = served.run(dir.path(), &["destroy", "--auto-approve"]);
        ok(&r, name);
        outputs += &(r.stdout + &r.stderr);
    }
    assert_eq!(served.stored(), Vec::<String>::new(), "destroy leaves nothing behind");
    assert_no_secrets("aksplan's output and HTTP log", &outputs);
    assert_no_secrets("the server's request log", &served.log());
}

#[test]
fn with_throttling_errors_and_dropped_connections_the_store_matches_the_state() {
    let served = Served::start(&[
        "--op-ms",
        "10",
        "--fault",
        "throttle=0.2",
        "--fault",
        "error500=0.1",
        "--fault",
        "reset=0.05",
        "--seed",
        "42",
    ]);
    // The modules example adds nothing the faults would find but time.
    // The modules example adds nothing the faults would find but time; the
    // landing zone's extra objects (agent pools, records) are not in state.
    let examples: Vec<_> = examples()
        .into_iter()
        .filter(|(name, _)| !matches!(*name, "modules" | "aks-landing-zone"))
        .collect();
    let mut expected = Vec::new();
    for (name, dir) in &examples {
        let r = served.run(dir.path(), &["apply", "--auto-approve"]);
        ok(&r, name);
        expected.extend(state_ids(&served, dir.path()));
        expected.sort();
        // ml-inference-attach reads what `existing` made; nothing is made twice.
        assert_eq!(served.stored(), expected, "after applying {name}");
    }
    let log = served.log();
    for fault in ["(fault: throttle)", "(fault: error500)", "(fault: reset"] {
        assert!(log.contains(fault), "the server never injected {fault}");
    }
    for (name, dir) in examples.iter().rev() {
        let r = served.run(dir.path(), &["destroy", "--auto-approve"]);
        ok(&r, name);
        assert_eq!(state_ids(&served, dir.path()), Vec::<String>::new());
    }
    assert_eq!(served.stored(), Vec::<String>::new());
}

#[test]
fn a_failed_operation_names_its_resource_and_its_dependents_are_not_attempted() {
    let cluster =
        format!("{SUB}/resourceGroups/rg-aksbasic/providers/Microsoft.ContainerService/managedClusters/aks-aksbasic");
    let served = Served::start(&["--op-ms", "10", "--fault", &format!("fail={cluster}")]);
    let dir = example("aks-basic");
    let r = served.run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("azurerm_kubernetes_cluster.this: Azure refused the request: ResourceOperationFailure"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("terminal provisioning state 'Failed'"),
        "{}",
        r.stderr
    );
    let out = r.stdout + &r.stderr;
    for pool in ["apps", "gpu"] {
        assert!(
            out.contains(&format!(
                "azurerm_kubernetes_cluster_node_pool.user[\"{pool}\"]: not attempted: azurerm_kubernetes_cluster.this did not succeed"
            )),
            "{out}"
        );
    }
    assert!(!served.log().contains("/agentPools/"), "a node pool was attempted");

    // The failed cluster exists in Azure: state keeps it, tainted, and the
    // next plan replaces it.
    assert!(state_ids(&served, dir.path()).contains(&cluster.to_lowercase()));
    // Restarted, the served simulation listens on another port: the same
    // store at a new endpoint, which the state is told to accept.
    let served = served.restart(&[]);
    let r = served.run(dir.path(), &["plan", "--allow-cloud-change"]);
    assert!(
        r.stdout.contains("azurerm_kubernetes_cluster.this must be replaced"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("(because it is tainted"), "{}", r.stdout);
    ok(
        &served.run(dir.path(), &["apply", "--auto-approve", "--allow-cloud-change"]),
        "apply after the fault is gone",
    );
    ok(&served.run(dir.path(), &["destroy", "--auto-approve"]), "destroy");
    assert_eq!(served.stored(), Vec::<String>::new(), "nothing is left behind");
}

#[test]
fn the_server_speaks_arm() {
    let served = Served::start(&["--token", "right"]);
    let host = served.url.trim_start_matches("http://").to_string();
    let request = |head: &str| {
        let mut s = TcpStream::connect(&host).unwrap();
        write!(s, "{head}\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        answer
    };
    let a = request(&format!("GET {SUB}/resourcegroups?api-version=2025-04-01 HTTP/1.1"));
    assert!(a.starts_with("HTTP/1.1 401"), "{a}");
    assert!(a.contains(r#""code":"AuthenticationFailed""#), "{a}");
    let a = request(&format!(
        "GET {SUB}/resourcegroups?api-version=2025-04-01 HTTP/1.1\r\nAuthorization: Bearer wrong"
    ));
    assert!(a.contains(r#""code":"InvalidAuthenticationToken""#), "{a}");
    let a = request(&format!(
        "GET {SUB}/resourcegroups HTTP/1.1\r\nAuthorization: Bearer right"
    ));
    assert!(a.starts_with("HTTP/1.1 400"), "{a}");
    assert!(a.contains(r#""code":"MissingApiVersionParameter""#), "{a}");
    let a = request(&format!(
        "GET {SUB}/resourcegroups?api-version=2025-04-01 HTTP/1.1\r\nAuthorization: Bearer right"
    ));
    assert!(a.starts_with("HTTP/1.1 200"), "{a}");
    assert!(a.ends_with(r#"{"value":[]}"#), "{a}");
    let a = request(&format!(
        "GET {SUB}/resourceGroups/nope?api-version=2025-04-01 HTTP/1.1\r\nAuthorization: Bearer right"
    ));
    assert!(a.starts_with("HTTP/1.1 404"), "{a}");
    assert!(a.contains(r#""code":"ResourceGroupNotFound""#), "{a}");
    assert!(!served.log().contains("right"), "the token reached the log");
}

#[test]
fn clouds_that_cannot_be_reached_fail_at_once_and_say_why() {
    let dir = example("aks-basic");
    let r = common::run(dir.path(), &["plan", "--cloud", "nowhere"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Unknown cloud"), "{}", r.stderr);
    // Nothing listens on a port just freed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let r = common::run_env(dir.path(), &["plan", "--cloud", &url], &[("ARM_ACCESS_TOKEN", TOKEN)]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(&format!("Cannot connect to {url}: ConnectionFailed")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("Connection refused"), "{}", r.stderr);
    assert_no_secrets("a connection error", &r.stderr);
    let r = common::run_env(dir.path(), &["plan", "--cloud", "azure"], &[("ARM_CLIENT_SECRET", "s")]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("No credentials for Azure"), "{}", r.stderr);
    assert!(r.stderr.contains("ARM_TENANT_ID is not set"), "{}", r.stderr);
}

#[test]
fn kubernetes_versions_are_read_from_the_service_for_the_clusters_location() {
    let served = Served::start(&[]);
    let dir = example("broken/AKS004");
    let r = served.run(dir.path(), &["plan"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let offered = "1.28 (LTS), 1.29 (LTS), 1.30 (LTS), 1.31, 1.32, 1.33, 1.34, 1.35, 1.36";
    assert!(
        common::flat(&r.stderr).contains(&format!("asks for 1.26; in westeurope AKS offers {offered}")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "GET {SUB}/providers/Microsoft.ContainerService/locations/westeurope/kubernetesVersions?api-version=2025-10-01 -> 200"
        )),
        "{}",
        r.stderr
    );
    // In-process, the simulation would only repeat aksplan's table: no call,
    // and the finding says the table's versions, for no place in particular.
    let local = common::run(dir.path(), &["plan"]);
    assert_eq!(local.code, 1, "{}", local.stdout);
    assert!(
        common::flat(&local.stderr).contains(&format!("asks for 1.26; AKS offers {offered}")),
        "{}",
        local.stderr
    );
    // A version the service offers plans.
    let main = dir.path().join("main.tf");
    let text = std::fs::read_to_string(&main).unwrap().replace("\"1.26\"", "\"1.35\"");
    std::fs::write(&main, text).unwrap();
    ok(&served.run(dir.path(), &["plan"]), "plan on 1.35");
}

#[test]
fn types_mapped_by_convention_reach_azure_only_with_leave() {
    let served = Served::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        &[(
            "main.tf",
            "resource \"azurerm_resource_group\" \"rg\" {\n  name     = \"rg-conv\"\n  location = \"westeurope\"\n}\nresource \"azurerm_log_analytics_query_pack\" \"pack\" {\n  name                = \"pack-conv\"\n  location            = azurerm_resource_group.rg.location\n  resource_group_name = azurerm_resource_group.rg.name\n}\n",
        )],
    );
    let refused = served.run(dir.path(), &["plan"]);
    assert_eq!(refused.code, 1, "{}", refused.stdout);
    assert!(
        refused.stderr.contains("Resource types mapped by convention only"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("--allow-unverified-types"),
        "{}",
        refused.stderr
    );
    let applied = served.run(dir.path(), &["apply", "--auto-approve", "--allow-unverified-types"]);
    ok(&applied, "apply with leave");
    let pack = format!("{SUB}/resourceGroups/rg-conv/providers/Microsoft.OperationalInsights/queryPacks/pack-conv")
        .to_lowercase();
    assert!(state_ids(&served, dir.path()).contains(&pack), "{}", applied.stdout);
    // The simulation in-process needs no leave.
    let local = tempfile::tempdir().unwrap();
    common::write(
        local.path(),
        &[("main.tf", &std::fs::read_to_string(dir.path().join("main.tf")).unwrap())],
    );
    assert_eq!(common::run(local.path(), &["plan"]).code, 0);
}

#[test]
fn sigterm_stops_an_apply_as_ctrl_c_does_and_a_second_one_is_answered() {
    let served = Served::start(&["--op-ms", "1500"]);
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        &[(
            "main.tf",
            r#"
provider "azurerm" {
  features {}
}
resource "azurerm_resource_group" "rg" {
  name     = "rg-term"
  location = "westeurope"
}
resource "azurerm_virtual_network" "net" {
  name                = "vnet-term"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.9.0.0/16"]
}
resource "azurerm_subnet" "nodes" {
  name                 = "snet-term"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.net.name
  address_prefixes     = ["10.9.0.0/24"]
}
"#,
        )],
    );
    let stderr = dir.path().join("apply.err");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("aksplan"))
        .current_dir(dir.path())
        .env_clear()
        .args(["apply", "--auto-approve", "--cloud", &served.url])
        .env("ARM_ACCESS_TOKEN", TOKEN)
        .env("ARM_SUBSCRIPTION_ID", SUB.trim_start_matches("/subscriptions/"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    // Signalled once the network's create is under way (a 1.5 s operation).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !served.log().contains("virtualNetworks/vnet-term") {
        assert!(std::time::Instant::now() < deadline, "the apply never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let pid = child.id() as libc::pid_t;
    // SAFETY: signalling a child this test spawned and has not reaped.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    std::thread::sleep(std::time::Duration::from_millis(200));
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let status = child.wait().unwrap();
    let err = std::fs::read_to_string(&stderr).unwrap();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("Interrupt received: no new operation starts"), "{err}");
    assert!(err.contains("Second interrupt"), "the second signal is answered: {err}");
    // The running create is in state (finished, or abandoned and tainted);
    // its dependent never started.
    let ids = state_ids(&served, dir.path());
    assert!(ids.iter().any(|i| i.ends_with("/virtualnetworks/vnet-term")), "{ids:?}");
    assert!(
        !served.log().contains("snet-term"),
        "the subnet was started after the signal"
    );
}
