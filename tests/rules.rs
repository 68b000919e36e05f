//! Every rule, through the real binary: each `examples/broken/CODE` fails
//! with CODE at the line marked `# <- CODE`. Rules that compare with state
//! first apply the configuration in `before/`.

mod common;

use common::run;
use std::path::{Path, PathBuf};

/// Rules that need facts only the cloud has (a namespace's registration).
const NEEDS_CLOUD_FACTS: [&str; 1] = ["EXT006"];

/// Rules that decide an action, given as its reason in the plan.
const PLAN_REASONS: [&str; 1] = ["EXT005"];

/// Findings about resources removed from the configuration: no line to mark.
const NO_PLACE: [&str; 2] = ["AML007", "ARC001"];

/// Findings that are warnings: the run still succeeds.
const WARNINGS: [&str; 9] = [
    "EXT004", "VNET007", "VNET010", "AML005", "AML006", "AML007", "ARC001", "PRIV003", "FLUX001",
];

fn marked_line(main_tf: &Path, code: &str) -> usize {
    let text = std::fs::read_to_string(main_tf).unwrap();
    text.lines()
        .position(|l| l.contains(&format!("<- {code}")))
        .unwrap_or_else(|| panic!("{} marks no line with <- {code}", main_tf.display()))
        + 1
}

/// The line of the first rendered finding with this code (`Error: [CODE]
/// summary`, then `  on main.tf line N, in ...:`).
fn line_of(stderr: &str, code: &str) -> Option<usize> {
    let after = &stderr[stderr.find(&format!(": [{code}] "))?..];
    let at = after.find("\n  on main.tf line ")? + "\n  on main.tf line ".len();
    after[at..].split([',', ':']).next()?.parse().ok()
}

fn broken() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/broken");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_broken_example_fails_with_its_code_at_the_marked_line() {
    let dirs = broken();
    assert_eq!(dirs.len(), 33, "one broken example per rule");
    for dir in dirs {
        let code = dir.file_name().unwrap().to_string_lossy().into_owned();
        let placeless = NO_PLACE.contains(&code.as_str()) || PLAN_REASONS.contains(&code.as_str());
        let expected = (!placeless).then(|| marked_line(&dir.join("main.tf"), &code));
        let work = tempfile::tempdir().unwrap();
        let (r, command) = if dir.join("before").exists() {
            std::fs::copy(dir.join("before/main.tf"), work.path().join("main.tf")).unwrap();
            let setup = run(work.path(), &["apply", "--auto-approve"]);
            assert_eq!(setup.code, 0, "{code}: before/ must apply:\n{}", setup.stderr);
            for id in std::fs::read_to_string(dir.join("fail.txt"))
                .unwrap_or_default()
                .lines()
            {
                assert_eq!(
                    run(work.path(), &["sim", "fail", id]).code,
                    0,
                    "{code}: cannot fail {id}"
                );
            }
            std::fs::copy(dir.join("main.tf"), work.path().join("main.tf")).unwrap();
            let r = run(work.path(), &["plan"]);
            if PLAN_REASONS.contains(&code.as_str()) {
                assert_eq!(r.code, 0, "{code}: {}", r.stderr);
                assert!(
                    r.stdout.contains(&format!("({code}: ")),
                    "{code}: the plan must give {code} as the reason:\n{}",
                    r.stdout
                );
                continue;
            }
            (r, "plan")
        } else if NEEDS_CLOUD_FACTS.contains(&code.as_str()) {
            std::fs::copy(dir.join("main.tf"), work.path().join("main.tf")).unwrap();
            let v = run(work.path(), &["validate"]);
            assert_eq!(
                v.code, 0,
                "{code} needs cloud facts: validate cannot know it:\n{}",
                v.stderr
            );
            (run(work.path(), &["plan"]), "plan")
        } else {
            // validate's JSON gives the primary range exactly.
            std::fs::copy(dir.join("main.tf"), work.path().join("main.tf")).unwrap();
            let r = run(work.path(), &["validate", "--format", "json"]);
            let want_exit = if WARNINGS.contains(&code.as_str()) { 0 } else { 1 };
            assert_eq!(r.code, want_exit, "{code}: validate exit:\n{}", r.stdout);
            let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
            let found = j["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["code"] == code.as_str())
                .cloned();
            let line = found
                .as_ref()
                .and_then(|d| d["range"]["start"]["line"].as_u64())
                .map(|l| l as usize);
            assert_eq!(
                line, expected,
                "{code}: validate must report {code} at line {expected:?}:\n{}",
                r.stdout
            );
            continue;
        };
        let want_exit = if WARNINGS.contains(&code.as_str()) { 0 } else { 1 };
        assert_eq!(r.code, want_exit, "{code}: {command} exit:\n{}", r.stderr);
        match expected {
            Some(line) => assert_eq!(
                line_of(&r.stderr, &code),
                Some(line),
                "{code}: {command} must report {code} at line {line}:\n{}",
                r.stderr
            ),
            None => assert!(
                r.stderr.contains(&format!(": [{code}] ")),
                "{code}: {command} must report {code}:\n{}",
                r.stderr
            ),
        }
    }
}

#[test]
fn the_examples_pass_every_rule() {
    for name in [
        "aks-basic",
        "apiserver-vnet-integration",
        "cluster-extensions",
        "arc-connected-cluster",
        "ml-inference-attach",
    ] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name);
        let r = run(&dir, &["validate", "--format", "json"]);
        let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(j["diagnostics"], serde_json::json!([]), "{name}");
    }
}

#[test]
fn skip_rules_leaves_the_findings_out() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/broken/RBAC001");
    let r = run(&dir, &["validate", "--skip-rules"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn findings_carry_their_code_in_json() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/broken/VNET002");
    let r = run(&dir, &["validate", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let d = &j["diagnostics"][0];
    assert_eq!(d["code"], "VNET002");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["range"]["start"]["line"], 18);
}

fn copy_example(rel: &str) -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(rel);
    std::fs::copy(src.join("main.tf"), work.path().join("main.tf")).unwrap();
    work
}

#[test]
fn without_the_rules_azure_refuses_the_same_mistakes_at_apply() {
    for (code, azure) in [
        ("VNET001", "SubnetIsNotDelegated"),
        ("VNET004", "LinkedAuthorizationFailed"),
        ("VNET002", "InvalidParameter"),
        ("VNET003", "InvalidParameter"),
        ("VNET005", "SubnetIsDelegated"),
        ("VNET008", "InvalidParameter"),
        ("VNET009", "InsufficientSubnetSize"),
        ("EXT001", "BadRequest"),
        ("EXT006", "MissingSubscriptionRegistration"),
        ("AKS004", "K8sVersionNotSupported"),
        ("AML002", "BadRequest"),
    ] {
        let work = copy_example(&format!("broken/{code}"));
        let with_rules = run(work.path(), &["apply", "--auto-approve"]);
        assert_eq!(with_rules.code, 1, "{code}");
        assert!(with_rules.stderr.contains(code), "{code}: {}", with_rules.stderr);
        assert!(
            !work.path().join("aksplan.tfstate").exists(),
            "{code}: the rules stop it before anything is created"
        );
        let without = run(work.path(), &["apply", "--auto-approve", "--skip-rules"]);
        assert_eq!(without.code, 1, "{code}: {}", without.stdout);
        assert!(
            without.stderr.contains(azure),
            "{code}: expected Azure's {azure}:\n{}",
            without.stderr
        );
        assert!(
            without.stdout.contains("Apply incomplete"),
            "{code}: {}",
            without.stdout
        );
    }
}

#[test]
fn a_forgotten_depends_on_is_inferred_and_shown_in_the_graph() {
    let work = copy_example("apiserver-vnet-integration");
    let main = work.path().join("main.tf");
    let text = std::fs::read_to_string(&main)
        .unwrap()
        .replace("  depends_on = [azurerm_role_assignment.network]\n", "");
    std::fs::write(&main, text).unwrap();
    let g = run(work.path(), &["graph", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&g.stdout).unwrap();
    let inferred: Vec<&serde_json::Value> = j["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "inferred")
        .collect();
    assert_eq!(inferred.len(), 2, "{inferred:?}");
    assert_eq!(inferred[0]["from"], "azurerm_kubernetes_cluster.this");
    assert!(inferred[0]["reason"]
        .as_str()
        .unwrap()
        .contains("grants the cluster's identity access to a subnet it uses"));
    // The simulation refuses the cluster before its role assignments: the order holds.
    let r = run(work.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    // And in reverse on destroy: the cluster goes before the subnets it uses.
    let r = run(work.path(), &["destroy", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

#[test]
fn role_assignments_wait_for_a_new_identity_to_replicate() {
    let work = copy_example("apiserver-vnet-integration");
    let r = common::run_env(
        work.path(),
        &["apply", "--auto-approve"],
        &[("AKSPLAN_SIM_REPLICATION_MS", "300")],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("Apply complete! Resources: 8 added"), "{}", r.stdout);
}

#[test]
fn a_subnet_in_use_cannot_be_deleted_behind_the_cluster() {
    let work = copy_example("apiserver-vnet-integration");
    assert_eq!(run(work.path(), &["apply", "--auto-approve"]).code, 0);
    let subnet = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-apivnet/providers/Microsoft.Network/virtualNetworks/vnet-apivnet/subnets/snet-nodes";
    let r = run(work.path(), &["sim", "delete", subnet]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("InUseSubnetCannotBeDeleted"), "{}", r.stderr);
}

#[test]
fn vnet010_private_access_changes_in_place_only_with_vnet_integration() {
    // With VNet integration: in place.
    let work = copy_example("apiserver-vnet-integration");
    assert_eq!(run(work.path(), &["apply", "--auto-approve"]).code, 0);
    let r = run(work.path(), &["plan", "--var", "private_cluster=false"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("# azurerm_kubernetes_cluster.this will be updated in-place"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("VNET010") && r.stderr.contains("updates it in place"),
        "{}",
        r.stderr
    );
    let r = run(
        work.path(),
        &["apply", "--auto-approve", "--var", "private_cluster=false"],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);

    // Without: a replacement, and the simulation refuses the in-place change.
    let work = tempfile::tempdir().unwrap();
    let cluster = |private: bool| {
        format!(
            "resource \"azurerm_resource_group\" \"rg\" {{\n  name = \"rg-p\"\n  location = \"westeurope\"\n}}\nresource \"azurerm_kubernetes_cluster\" \"k\" {{\n  name = \"aks-p\"\n  location = \"westeurope\"\n  resource_group_name = azurerm_resource_group.rg.name\n  dns_prefix = \"aksp\"\n  private_cluster_enabled = {private}\n  default_node_pool {{\n    name = \"system\"\n    vm_size = \"Standard_D4s_v5\"\n  }}\n  identity {{\n    type = \"SystemAssigned\"\n  }}\n}}\n"
        )
    };
    std::fs::write(work.path().join("main.tf"), cluster(false)).unwrap();
    assert_eq!(run(work.path(), &["apply", "--auto-approve"]).code, 0);
    std::fs::write(work.path().join("main.tf"), cluster(true)).unwrap();
    let r = run(work.path(), &["plan"]);
    assert!(
        r.stdout.contains("# azurerm_kubernetes_cluster.k must be replaced"),
        "{}",
        r.stdout
    );
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains("~ private_cluster_enabled"))
        .unwrap_or("");
    assert!(line.ends_with("= false -> true # forces replacement"), "{}", r.stdout);
    assert!(
        r.stderr.contains("VNET010") && r.stderr.contains("only by replacing the cluster"),
        "{}",
        r.stderr
    );
}

#[test]
fn ext005_a_failed_extension_is_replaced_with_that_reason() {
    let work = copy_example("cluster-extensions");
    assert_eq!(run(work.path(), &["apply", "--auto-approve"]).code, 0);
    let flux = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aksext/providers/Microsoft.ContainerService/managedClusters/aks-aksext/providers/Microsoft.KubernetesConfiguration/extensions/flux";
    assert_eq!(run(work.path(), &["sim", "fail", flux]).code, 0);
    let r = run(work.path(), &["plan"]);
    assert!(
        r.stdout
            .contains(r#"# azurerm_kubernetes_cluster_extension.this["flux"] must be replaced"#),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("(EXT005: its provisioning state in Azure is Failed, so it is reinstalled)"),
        "{}",
        r.stdout
    );
    assert_eq!(run(work.path(), &["apply", "--auto-approve"]).code, 0);
    let r = run(work.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn aks004_a_cluster_left_on_an_old_version_is_not_flagged_until_it_changes() {
    let work = copy_example("broken/AKS004");
    let main_tf = work.path().join("main.tf");
    let broken = std::fs::read_to_string(&main_tf).unwrap();
    std::fs::write(&main_tf, broken.replace("\"1.26\"", "\"1.30\"")).unwrap();
    assert_eq!(run(work.path(), &["apply", "--auto-approve"]).code, 0);

    // The cluster has stayed on 1.26 while AKS stopped offering it.
    let state_path = work.path().join("aksplan.tfstate");
    let state = std::fs::read_to_string(&state_path).unwrap();
    assert!(state.contains("\"kubernetes_version\": \"1.30\""), "{state}");
    std::fs::write(&state_path, state.replace("\"1.30", "\"1.26")).unwrap();
    std::fs::write(&main_tf, &broken).unwrap();
    let stays = run(work.path(), &["plan", "--refresh=false"]);
    assert_eq!(stays.code, 0, "{}", stays.stderr);
    assert!(!stays.stderr.contains("AKS004"), "{}", stays.stderr);
    assert!(stays.stdout.contains("No changes."), "{}", stays.stdout);

    std::fs::write(&main_tf, broken.replace("\"1.26\"", "\"1.25\"")).unwrap();
    let moves = run(work.path(), &["plan", "--refresh=false"]);
    assert_eq!(moves.code, 1);
    assert!(moves.stderr.contains("AKS004"), "{}", moves.stderr);
}

#[test]
fn aml002_counts_every_node_pool_of_the_cluster() {
    // 2 × 4 vCPUs in the default pool and 1 × 4 in a separate pool: 12.
    let work = copy_example("broken/AML002");
    let main_tf = work.path().join("main.tf");
    let src = std::fs::read_to_string(&main_tf).unwrap();
    let header = "resource \"azurerm_machine_learning_inference_cluster\" \"attach\" {\n";
    assert!(src.contains(header), "{src}");
    let grown = src.replace(
        header,
        &format!("{header}  depends_on = [azurerm_kubernetes_cluster_node_pool.user]\n"),
    ) + r#"
resource "azurerm_kubernetes_cluster_node_pool" "user" {
  name                  = "user"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.ml.id
  vm_size               = "Standard_D4s_v5"
  node_count            = 1
}
"#;
    std::fs::write(&main_tf, grown).unwrap();
    assert_eq!(run(work.path(), &["validate"]).code, 0);
    let applied = run(work.path(), &["apply", "--auto-approve", "--skip-rules"]);
    assert_eq!(applied.code, 0, "{}", applied.stderr);
}
