//! Plans for machines and pull requests: Terraform's JSON plan (read by
//! checkov), the Markdown comment, and `show --json` of a saved plan.

mod common;

use common::{example, run};
use serde_json::Value as Json;
use std::path::Path;

/// The entry of a JSON array with this `address`.
fn by_address<'a>(list: &'a Json, address: &str) -> &'a Json {
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == address)
        .unwrap_or_else(|| panic!("no {address}"))
}

fn json_plan(dir: &Path) -> Json {
    let r = run(dir, &["plan", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

#[test]
fn the_json_plan_has_terraforms_shape() {
    let dir = example("apiserver-vnet-integration");
    let plan = json_plan(dir.path());
    assert_eq!(plan["format_version"], "1.2");
    let cluster = by_address(&plan["resource_changes"], "azurerm_kubernetes_cluster.this");
    assert_eq!(cluster["mode"], "managed");
    assert_eq!(cluster["provider_name"], "registry.terraform.io/hashicorp/azurerm");
    let change = &cluster["change"];
    assert_eq!(change["actions"], serde_json::json!(["create"]));
    assert_eq!(change["before"], Json::Null);
    assert_eq!(change["after"]["dns_prefix"], "apivnet");
    assert_eq!(change["after"]["fqdn"], Json::Null);
    assert_eq!(change["after_unknown"]["fqdn"], true);
    assert_eq!(change["after_sensitive"]["kube_config_raw"], true);
    let planned = &plan["planned_values"]["root_module"]["resources"];
    assert!(planned
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["address"] == "azurerm_kubernetes_cluster.this"));
    let config = &plan["configuration"]["root_module"]["resources"];
    let expressions = &by_address(config, "azurerm_kubernetes_cluster.this")["expressions"];
    assert_eq!(
        expressions["resource_group_name"]["references"][0], "azurerm_resource_group.this",
        "{expressions:#}"
    );
    assert!(plan["diagnostics"].is_array());
}

#[test]
fn a_replacement_in_json_names_its_reason_and_paths_and_hides_secrets() {
    let dir = example("aks-basic");
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    let main = dir.path().join("main.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(
        &main,
        text.replace(
            "dns_prefix          = local.dns_prefix",
            "dns_prefix          = \"changed\"",
        ),
    )
    .unwrap();
    let plan = json_plan(dir.path());
    let cluster = by_address(&plan["resource_changes"], "azurerm_kubernetes_cluster.this");
    assert_eq!(cluster["change"]["actions"], serde_json::json!(["delete", "create"]));
    assert_eq!(cluster["action_reason"], "replace_because_cannot_update");
    assert_eq!(cluster["change"]["replace_paths"], serde_json::json!([["dns_prefix"]]));
    assert_eq!(cluster["change"]["before_sensitive"]["kube_config_raw"], true);
    assert_eq!(cluster["change"]["before"]["kube_config_raw"], Json::Null);
    let rg = by_address(&plan["resource_changes"], "azurerm_resource_group.this");
    assert_eq!(rg["change"]["actions"], serde_json::json!(["no-op"]));
    assert!(!plan.to_string().contains("client-key-data"), "a kubeconfig leaked");
    assert!(!plan.to_string().contains("BEGIN"), "a secret leaked");

    // The Markdown comment: counts, then the replacement and why, before anything else.
    let r = run(dir.path(), &["plan", "--format", "markdown"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines[0], "## aksplan plan");
    // Where it ran, as Atlantis says it.
    assert_eq!(lines[1], "Ran Plan for dir: `.` workspace: `default`");
    // The node pools go with their cluster.
    assert_eq!(lines[2], "**Plan: 3 to add, 0 to change, 3 to destroy** (3 replaced).");
    assert_eq!(lines[3], "### ⚠️ Destroys");
    assert_eq!(
        lines[4],
        "- ♻️ replace (destroy, then create) `azurerm_kubernetes_cluster.this`: `dns_prefix` cannot change in place"
    );
    assert_eq!(
        lines[5],
        "- ♻️ replace (destroy, then create) `azurerm_kubernetes_cluster_node_pool.user[\"apps\"]`: because azurerm_kubernetes_cluster.this is replaced, and Azure deletes what is under it with it"
    );
    assert!(r.stdout.contains("<details><summary>"), "{}", r.stdout);
    assert!(r.stdout.contains("(sensitive value)"), "{}", r.stdout);

    // show --json of the saved plan prints the same representation.
    let out = dir.path().join("plan.out");
    assert_eq!(run(dir.path(), &["plan", "--out", out.to_str().unwrap()]).code, 0);
    let r = run(dir.path(), &["show", "--json", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let shown: Json = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(shown["format_version"], "1.2");
    assert_eq!(shown["resource_changes"], plan["resource_changes"]);
}

#[test]
fn the_markdown_comment_stays_under_githubs_limit() {
    // 400 subnets: their details do not all fit in one comment.
    let dir = tempfile::tempdir().unwrap();
    let mut tf = String::from(
        "resource \"azurerm_resource_group\" \"rg\" {\n  name     = \"rg\"\n  location = \"westeurope\"\n}\n\nresource \"azurerm_virtual_network\" \"v\" {\n  name                = \"v\"\n  location            = \"westeurope\"\n  resource_group_name = azurerm_resource_group.rg.name\n  address_space       = [\"10.0.0.0/8\"]\n}\n",
    );
    tf.push_str("\nresource \"azurerm_subnet\" \"s\" {\n  count                = 400\n  name                 = \"s${count.index}\"\n  resource_group_name  = azurerm_resource_group.rg.name\n  virtual_network_name = azurerm_virtual_network.v.name\n  address_prefixes     = [cidrsubnet(\"10.0.0.0/8\", 16, count.index)]\n}\n");
    common::write(dir.path(), &[("main.tf", &tf)]);
    let r = run(dir.path(), &["plan", "--format", "markdown"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.chars().count() <= 65_535,
        "{} characters",
        r.stdout.chars().count()
    );
    assert!(
        r.stdout
            .contains("left out to stay under GitHub's 65535-character limit"),
        "{}",
        &r.stdout[r.stdout.len() - 500..]
    );
    assert!(
        r.stdout
            .starts_with("## aksplan plan\n\nRan Plan for dir: `.` workspace: `default`\n\n**Plan: 402 to add"),
        "{}",
        &r.stdout[..200]
    );
}

#[test]
fn the_comment_names_its_directory_and_keeps_each_findings_message_and_help() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/broken/FLUX001"),
        &dir.path().join("flux"),
    );
    let r = run(dir.path(), &["--chdir", "flux", "plan", "--format", "markdown"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("## aksplan plan\n\nRan Plan for dir: `flux` workspace: `default`\n\n**Plan: "),
        "{}",
        r.stdout
    );
    let text = std::fs::read_to_string(dir.path().join("flux/main.tf")).unwrap();
    let line = text.lines().position(|l| l.contains("<- FLUX001")).unwrap() + 1;
    let finding = r
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("- ⚠️ **FLUX001**"))
        .take(3)
        .collect::<Vec<_>>();
    assert_eq!(finding.len(), 3, "{}", r.stdout);
    assert!(finding[0].ends_with(&format!("(`main.tf:{line}`)")), "{finding:?}");
    // The detail, then the help, inside the item.
    assert!(
        finding[1].starts_with("  azurerm_kubernetes_flux_configuration."),
        "{finding:?}"
    );
    assert!(finding[2].starts_with("  **Help:** add resource"), "{finding:?}");
}

#[test]
fn checkov_evaluates_its_aks_checks_on_the_json_plan() {
    let Ok(version) = std::process::Command::new("checkov").arg("--version").output() else {
        assert!(std::env::var_os("CI").is_none(), "CI installs checkov (.ci/run)");
        eprintln!("checkov is not installed: pip install checkov");
        return;
    };
    assert!(version.status.success());
    let dir = example("apiserver-vnet-integration");
    let r = run(dir.path(), &["plan", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let file = dir.path().join("plan.json");
    std::fs::write(&file, &r.stdout).unwrap();
    let out = std::process::Command::new("checkov")
        .args([
            "--framework",
            "terraform_plan",
            "--output",
            "json",
            "--skip-download",
            "-f",
        ])
        .arg(&file)
        .env("BC_SKIP_MAPPING", "TRUE")
        .output()
        .unwrap();
    let report: Json =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let results = &report["results"];
    let on_cluster = |kind: &str| -> Vec<String> {
        results[kind]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["resource"] == "azurerm_kubernetes_cluster.this")
            .map(|c| c["check_id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let (passed, failed) = (on_cluster("passed_checks"), on_cluster("failed_checks"));
    assert!(
        passed.len() + failed.len() >= 10,
        "passed {passed:?}, failed {failed:?}"
    );
    // API server VNet integration means no public API server without IP ranges: a known check.
    assert!(
        passed.iter().chain(&failed).any(|id| id.starts_with("CKV_AZURE_")),
        "{passed:?} {failed:?}"
    );
    assert_eq!(report["summary"]["parsing_errors"], 0);
}
