//! Refresh over `aksplan sim serve` reads a resource group's resources by
//! listing their collection, page by page, rather than one GET each; and
//! still sees what changed or went behind aksplan's back.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;

const SUB: &str = "/subscriptions/00000000-0000-0000-0000-000000000000";

/// A running `aksplan sim serve`, stopped when dropped.
struct Served {
    _server: common::sim_serve::SimServe,
    url: String,
    data: PathBuf,
    log: PathBuf,
}

impl Served {
    fn start(dir: &Path, args: &[&str]) -> Served {
        let data = dir.join("store");
        let log = dir.join("serve.log");
        let stderr = Stdio::from(std::fs::File::create(&log).unwrap());
        let server = common::sim_serve::SimServe::start(dir, &data, args, stderr);
        Served {
            url: server.url.clone(),
            _server: server,
            data,
            log,
        }
    }

    fn run(&self, dir: &Path, args: &[&str]) -> common::Run {
        let mut all = args.to_vec();
        all.extend(["--cloud", &self.url]);
        common::run_env(
            dir,
            &all,
            &[
                ("ARM_ACCESS_TOKEN", "t"),
                ("ARM_SUBSCRIPTION_ID", SUB.trim_start_matches("/subscriptions/")),
            ],
        )
    }

    /// Changes the store behind aksplan's back, as `aksplan sim` does.
    fn sim(&self, args: &[&str]) {
        let r = common::run_env(
            Path::new("."),
            args,
            &[("AKSPLAN_SIM_DIR", self.data.to_str().unwrap())],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }

    /// The requests logged since `from` lines: `GET /path?query`.
    fn requests(&self, from: usize) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap()
            .lines()
            .skip(from)
            .filter_map(|l| l.strip_prefix("aksplan sim: "))
            .map(|l| l.split(" -> ").next().unwrap_or("").to_string())
            .collect()
    }
}

/// `groups` resource groups holding `identities` identities and `networks`
/// virtual networks each.
fn config(groups: usize, identities: usize, networks: usize) -> String {
    format!(
        r#"
provider "azurerm" {{
  features {{}}
}}

locals {{
  groups = {groups}
}}

resource "azurerm_resource_group" "g" {{
  count    = local.groups
  name     = "rg-bulk-${{count.index}}"
  location = "westeurope"
}}

resource "azurerm_user_assigned_identity" "id" {{
  count               = local.groups * {identities}
  name                = "id-${{count.index}}"
  resource_group_name = azurerm_resource_group.g[count.index % local.groups].name
  location            = "westeurope"
}}

resource "azurerm_virtual_network" "net" {{
  count               = local.groups * {networks}
  name                = "net-${{count.index}}"
  resource_group_name = azurerm_resource_group.g[count.index % local.groups].name
  location            = "westeurope"
  address_space       = ["10.${{count.index % 250}}.0.0/16"]
}}
"#
    )
}

fn ok(r: &common::Run, what: &str) {
    assert_eq!(r.code, 0, "{what}:\n{}\n{}", r.stdout, r.stderr);
}

fn log_lines(served: &Served) -> usize {
    served.requests(0).len()
}

#[test]
fn a_refresh_lists_each_collection_and_still_sees_drift_and_deletions() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path(), &[]);
    let work = dir.path().join("work");
    // 2 groups of 110 identities and 2 networks: an identity collection
    // takes two pages.
    common::write(&work, &[("main.tf", &config(2, 110, 2))]);
    ok(&served.run(&work, &["apply", "--auto-approve"]), "apply");

    let from = log_lines(&served);
    let r = served.run(&work, &["plan", "--detailed-exitcode"]);
    ok(&r, "a plan after apply has no changes");
    let asked = served.requests(from);
    let gets: Vec<&String> = asked
        .iter()
        .filter(|a| a.contains("/userAssignedIdentities/") || a.contains("/virtualNetworks/"))
        .collect();
    assert!(gets.is_empty(), "read one by one: {gets:?}");
    let lists: Vec<&String> = asked
        .iter()
        .filter(|a| {
            let path = a.split('?').next().unwrap_or("").to_lowercase();
            path.ends_with("/userassignedidentities")
                || path.ends_with("/virtualnetworks")
                || path.ends_with("/resourcegroups")
        })
        .collect();
    // 2 identity collections (220 in all, over 4 pages), 2 network
    // collections, the groups: 7 list requests for 226 resources.
    assert_eq!(lists.len(), 7, "{lists:#?}");
    assert_eq!(
        lists.iter().filter(|l| l.contains("skiptoken=100")).count(),
        2,
        "{lists:#?}"
    );
    assert!(asked.len() < 20, "{} requests: {asked:#?}", asked.len());

    // Behind aksplan's back: a tag set on one identity, another deleted.
    let rg = format!("{SUB}/resourceGroups/rg-bulk-0/providers/Microsoft.ManagedIdentity/userAssignedIdentities");
    served.sim(&[
        "sim",
        "patch",
        &format!("{rg}/id-4"),
        r#"{"tags": {"owner": "someone"}}"#,
    ]);
    // The last of its collection in id order, on its second page.
    served.sim(&["sim", "delete", &format!("{rg}/id-98")]);
    let r = served.run(&work, &["drift", "--format", "json"]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(report["summary"]["changed"], 1, "{report:#}");
    assert_eq!(report["summary"]["deleted"], 1, "{report:#}");
    let by_status = |s: &str| {
        report["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["status"] == s)
            .map(|r| r["address"].clone())
    };
    assert_eq!(
        by_status("changed"),
        Some("azurerm_user_assigned_identity.id[4]".into())
    );
    assert_eq!(
        by_status("deleted"),
        Some("azurerm_user_assigned_identity.id[98]".into())
    );
}

/// Refreshes 1,000 resources in 10 groups over `sim serve --latency-ms 50`
/// with parallelism 10, and prints the requests and the time it took.
/// `AKSPLAN_BENCH_BIN` runs another build of aksplan (the one before bulk
/// reads) against the same store. Run with `--ignored --nocapture`.
#[test]
#[ignore]
fn measure_refresh_of_1000_resources_in_10_groups() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    // 10 groups, each with 50 identities and 49 networks: 1,000 with the groups.
    common::write(&work, &[("main.tf", &config(10, 50, 49))]);
    {
        let served = Served::start(dir.path(), &["--quiet"]);
        ok(
            &served.run(&work, &["apply", "--auto-approve", "--parallelism", "20"]),
            "apply",
        );
    }
    // Served again on another port: the plan allows the move.
    let served = Served::start(dir.path(), &["--latency-ms", "50"]);
    let bin =
        std::env::var("AKSPLAN_BENCH_BIN").map_or_else(|_| assert_cmd::cargo::cargo_bin("aksplan"), PathBuf::from);
    let from = log_lines(&served);
    let started = std::time::Instant::now();
    let out = std::process::Command::new(&bin)
        .current_dir(&work)
        .env_clear()
        .env("ARM_ACCESS_TOKEN", "t")
        .env("ARM_SUBSCRIPTION_ID", SUB.trim_start_matches("/subscriptions/"))
        .args([
            "plan",
            "--detailed-exitcode",
            "--parallelism",
            "10",
            "--allow-cloud-change",
            "--cloud",
            &served.url,
        ])
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let asked = served.requests(from);
    let lists = asked
        .iter()
        .filter(|a| !a.contains("/userAssignedIdentities/") && !a.contains("/virtualNetworks/"))
        .count();
    println!(
        "{}: plan with refresh of 1,000 resources: {} requests ({} of them not to one resource), {:.2} s",
        bin.display(),
        asked.len(),
        lists,
        took.as_secs_f64()
    );
}
