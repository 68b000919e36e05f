//! Node pool rotation through the real binary: a default pool or node pool
//! setting AKS cannot change in place is changed by rotating the pool
//! through `temporary_name_for_rotation`, as azurerm 4.x does; in-process
//! against the simulation, and over HTTP against `aksplan sim serve` with a
//! step made to fail part way.

mod common;

use common::{example, run, run_env, Run};
use std::path::{Path, PathBuf};
use std::process::Stdio;

const CLUSTER: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aksbasic/providers/Microsoft.ContainerService/managedClusters/aks-aksbasic";
const BIGGER: &str = "system_pool={vm_size=\"Standard_D8s_v5\", node_count=3, zones=[\"1\",\"2\",\"3\"]}";

/// Gives the example's default pool a temporary name for rotation.
fn with_temporary_name(dir: &Path) {
    let main = dir.join("main.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    let pool = "    name                         = \"system\"\n";
    assert!(text.contains(pool));
    let named = text.replace(pool, &format!("{pool}    temporary_name_for_rotation  = \"tmp\"\n"));
    std::fs::write(&main, named).unwrap();
}

fn ok(r: &Run, what: &str) {
    assert_eq!(r.code, 0, "{what}:\n{}\n{}", r.stdout, r.stderr);
}

/// Every agent pool in a store: name and VM size, in name order.
fn pools(store: Option<&Path>, dir: &Path) -> Vec<(String, String)> {
    let env: Vec<(&str, &str)> = store
        .map(|s| vec![("AKSPLAN_SIM_DIR", s.to_str().unwrap())])
        .unwrap_or_default();
    let r = run_env(dir, &["sim", "show", CLUSTER], &env);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let mut out: Vec<(String, String)> = doc["properties"]["agentPoolProfiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap_or("").to_string();
            (s("name"), s("vmSize"))
        })
        .collect();
    out.sort();
    out
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn a_default_pool_resize_updates_the_cluster_in_place_by_rotating_the_pool() {
    let dir = example("aks-basic");
    let d = dir.path();
    ok(&run(d, &["apply", "--auto-approve"]), "apply");
    with_temporary_name(d);
    let plan = run(d, &["plan", "--var", BIGGER]);
    ok(&plan, "plan");
    assert!(
        plan.stdout
            .contains("azurerm_kubernetes_cluster.this will be updated in-place"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("~ vm_size                     = \"Standard_D4s_v5\" -> \"Standard_D8s_v5\""),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stderr.contains("The default node pool will be rotated"),
        "{}",
        plan.stderr
    );
    assert!(
        flat(&plan.stderr).contains("a temporary pool \"tmp\" is created with the new settings"),
        "{}",
        plan.stderr
    );

    let apply = run(d, &["apply", "--auto-approve", "--var", BIGGER]);
    ok(&apply, "apply the rotation");
    assert!(
        apply.stdout.contains("Resources: 0 added, 1 changed, 0 destroyed."),
        "{}",
        apply.stdout
    );
    // The pool has its new size; the temporary pool is gone; the user pools are untouched.
    assert_eq!(
        pools(None, d),
        pairs(&[
            ("apps", "Standard_D4s_v5"),
            ("gpu", "Standard_NC6s_v3"),
            ("system", "Standard_D8s_v5")
        ])
    );
    ok(
        &run(d, &["plan", "--detailed-exitcode", "--var", BIGGER]),
        "nothing is left to change",
    );
}

#[test]
fn a_node_pool_setting_aks_builds_the_pool_with_is_refused_without_a_temporary_name_and_rotated_with_one() {
    let dir = example("aks-basic");
    let d = dir.path();
    ok(&run(d, &["apply", "--auto-approve"]), "apply");
    let resized = r#"user_pools={apps={vm_size="Standard_D8s_v5", node_count=2}, gpu={vm_size="Standard_NC6s_v3", priority="Spot", taints=["sku=gpu:NoSchedule"]}}"#;
    let plan = run(d, &["plan", "--var", resized]);
    assert_eq!(plan.code, 1, "{}", plan.stdout);
    assert!(
        plan.stderr.contains("temporary_name_for_rotation must be specified"),
        "{}",
        plan.stderr
    );
    assert!(!plan.stdout.contains("must be replaced"), "{}", plan.stdout);

    let main = d.join("main.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    let line = "  name                  = each.key\n";
    assert!(text.contains(line));
    let text = text.replace(
        line,
        &format!("{line}  temporary_name_for_rotation = \"tmp${{each.key}}\"\n"),
    );
    std::fs::write(&main, text).unwrap();
    let plan = run(d, &["plan", "--var", resized]);
    ok(&plan, "plan with a temporary name");
    assert!(
        plan.stdout
            .contains("azurerm_kubernetes_cluster_node_pool.user[\"apps\"] will be updated in-place"),
        "{}",
        plan.stdout
    );
    assert!(plan.stderr.contains("The node pool will be rotated"), "{}", plan.stderr);
    ok(&run(d, &["apply", "--auto-approve", "--var", resized]), "apply");
    assert_eq!(
        pools(None, d),
        pairs(&[
            ("apps", "Standard_D8s_v5"),
            ("gpu", "Standard_NC6s_v3"),
            ("system", "Standard_D4s_v5")
        ])
    );
    // A node count alone changes in place, without a rotation.
    let plan = run(d, &["plan", "--var", &resized.replace("node_count=2", "node_count=4")]);
    ok(&plan, "scale");
    assert!(plan.stdout.contains("will be updated in-place"), "{}", plan.stdout);
    assert!(!plan.stderr.contains("rotated"), "{}", plan.stderr);
}

/// A running `aksplan sim serve`, stopped when dropped.
struct Served {
    _server: common::sim_serve::SimServe,
    url: String,
    data: PathBuf,
}

impl Served {
    fn start(dir: &Path, args: &[&str]) -> Served {
        let data = dir.join("store");
        let mut all = vec!["--quiet", "--op-ms", "10"];
        all.extend(args);
        let server = common::sim_serve::SimServe::start(dir, &data, &all, Stdio::null());
        Served {
            url: server.url.clone(),
            _server: server,
            data,
        }
    }

    fn run(&self, dir: &Path, args: &[&str]) -> Run {
        let mut all = args.to_vec();
        all.extend(["--cloud", &self.url, "--allow-cloud-change"]);
        run_env(dir, &all, &[("ARM_ACCESS_TOKEN", "t"), ("AKSPLAN_LOG", "http")])
    }
}

/// Diagnostics as one line of words: the renderer wraps them.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The requests of an HTTP log on the default pool and its temporary
/// pool, in order: method and pool.
fn pool_requests(log: &str) -> Vec<String> {
    log.lines()
        .filter_map(|l| {
            let at = l.find("/agentPools/")?;
            let method = ["GET", "PUT", "DELETE"]
                .into_iter()
                .find(|m| l.contains(&format!("{m} ")))?;
            let pool: String = l[at + "/agentPools/".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            ["system", "tmp"]
                .contains(&pool.as_str())
                .then(|| format!("{method} {pool}"))
        })
        .collect()
}

#[test]
fn over_http_a_rotation_that_fails_part_way_leaves_the_temporary_pool_and_the_next_apply_finishes_it() {
    let dir = example("aks-basic");
    let d = dir.path();
    let served = Served::start(d, &["--fault", &format!("fail={CLUSTER}/agentPools/system")]);
    ok(&served.run(d, &["apply", "--auto-approve"]), "apply");
    with_temporary_name(d);
    let apply = served.run(d, &["apply", "--auto-approve", "--var", BIGGER]);
    assert_eq!(apply.code, 1, "{}\n{}", apply.stdout, apply.stderr);
    let said = flat(&apply.stderr);
    for part in [
        r#"azurerm_kubernetes_cluster.this: Rotating the node pool "system" stopped: ResourceOperationFailure"#,
        r#"Deleting the node pool "system":"#,
        r#"The temporary node pool "tmp" is left in the cluster, with the new settings."#,
        "Apply again to finish the rotation",
    ] {
        assert!(said.contains(part), "{part}\n{}", apply.stderr);
    }
    // The client reads a pool back once its creation is done.
    assert_eq!(
        pool_requests(&apply.stderr),
        ["GET tmp", "GET system", "PUT tmp", "GET tmp", "DELETE system"],
        "{}",
        apply.stderr
    );
    let store = served.data.clone();
    assert_eq!(
        pools(Some(&store), d),
        pairs(&[
            ("apps", "Standard_D4s_v5"),
            ("gpu", "Standard_NC6s_v3"),
            ("system", "Standard_D4s_v5"),
            ("tmp", "Standard_D8s_v5")
        ])
    );
    drop(served);

    // The fault gone, the same store served again: the plan is still an
    // update in place, and the apply goes on from where it stopped.
    let served = Served::start(d, &[]);
    let plan = served.run(d, &["plan", "--var", BIGGER]);
    ok(&plan, "plan after the failure");
    assert!(
        plan.stdout
            .contains("azurerm_kubernetes_cluster.this will be updated in-place"),
        "{}",
        plan.stdout
    );
    let apply = served.run(d, &["apply", "--auto-approve", "--var", BIGGER]);
    ok(&apply, "apply after the fault is gone");
    assert_eq!(
        pool_requests(&apply.stderr),
        [
            "GET tmp",
            "GET system",
            "DELETE system",
            "PUT system",
            "GET system",
            "DELETE tmp"
        ],
        "{}",
        apply.stderr
    );
    assert!(
        apply.stderr.contains("/operationStatuses/"),
        "the operations were polled"
    );
    assert_eq!(
        pools(Some(&store), d),
        pairs(&[
            ("apps", "Standard_D4s_v5"),
            ("gpu", "Standard_NC6s_v3"),
            ("system", "Standard_D8s_v5")
        ])
    );
    ok(
        &served.run(d, &["plan", "--detailed-exitcode", "--var", BIGGER]),
        "nothing is left to change",
    );
}
