//! The "secrets" group through the real binary against the simulation: a
//! configuration with a Key Vault (inline access policies), a second vault
//! with an `azurerm_key_vault_access_policy`, a storage account, a cluster
//! with the Flux extension and a Flux configuration, and the data sources
//! (`azurerm_key_vault`, `azurerm_key_vault_access_policy`,
//! `azurerm_kubernetes_service_versions`) applies, plans clean, shows drift
//! made outside, keeps its secrets out of the output, and destroys; values
//! azurerm does not accept are refused at validate. Each test is named
//! after the behaviour.

mod common;

use common::{run, write, Run};
use serde_json::Value as Json;
use std::path::Path;

const SUB: &str = "00000000-0000-0000-0000-000000000000";

const MAIN: &str = r#"
provider "azurerm" {
  features {}
}

data "azurerm_client_config" "current" {}

data "azurerm_kubernetes_service_versions" "current" {
  location        = "West Europe"
  include_preview = false
}

data "azurerm_key_vault_access_policy" "secrets" {
  name = "Secret Management"
}

resource "azurerm_resource_group" "rg" {
  name     = "rg-secrets"
  location = "westeurope"
}

resource "azurerm_key_vault" "inline" {
  name                     = "kv-secrets-inline"
  location                 = azurerm_resource_group.rg.location
  resource_group_name      = azurerm_resource_group.rg.name
  tenant_id                = data.azurerm_client_config.current.tenant_id
  sku_name                 = "standard"
  purge_protection_enabled = false

  access_policy {
    tenant_id          = data.azurerm_client_config.current.tenant_id
    object_id          = data.azurerm_client_config.current.object_id
    secret_permissions = data.azurerm_key_vault_access_policy.secrets.secret_permissions
    key_permissions    = ["Get", "WrapKey"]
  }

  network_acls {
    bypass         = "AzureServices"
    default_action = "Deny"
    ip_rules       = ["203.0.113.0/24"]
  }

  tags = {
    env = "test"
  }
}

resource "azurerm_key_vault" "separate" {
  name                      = "kv-secrets-separate"
  location                  = azurerm_resource_group.rg.location
  resource_group_name       = azurerm_resource_group.rg.name
  tenant_id                 = data.azurerm_client_config.current.tenant_id
  sku_name                  = "premium"
  rbac_authorization_enabled = false
}

resource "azurerm_key_vault_access_policy" "app" {
  key_vault_id       = azurerm_key_vault.separate.id
  tenant_id          = data.azurerm_client_config.current.tenant_id
  object_id          = "11111111-2222-3333-4444-555555555555"
  secret_permissions = ["Get", "List"]
}

data "azurerm_key_vault" "inline" {
  name                = azurerm_key_vault.inline.name
  resource_group_name = azurerm_resource_group.rg.name
}

resource "azurerm_storage_account" "sa" {
  name                     = "stsecrets001"
  resource_group_name      = azurerm_resource_group.rg.name
  location                 = azurerm_resource_group.rg.location
  account_tier             = "Standard"
  account_replication_type = "RAGRS"

  network_rules {
    default_action = "Deny"
    bypass         = ["AzureServices", "Logging"]
    ip_rules       = ["203.0.113.10"]
  }

  tags = {
    env = "test"
  }
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks-secrets"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  dns_prefix          = "secrets"
  kubernetes_version  = data.azurerm_kubernetes_service_versions.current.latest_version

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 1
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_resource_provider_registration" "kubernetes_configuration" {
  name = "Microsoft.KubernetesConfiguration"
}

resource "azurerm_kubernetes_cluster_extension" "flux" {
  name              = "flux"
  cluster_id        = azurerm_kubernetes_cluster.aks.id
  extension_type    = "microsoft.flux"
  release_namespace = "flux-system"
  depends_on        = [azurerm_resource_provider_registration.kubernetes_configuration]
}

resource "azurerm_kubernetes_flux_configuration" "apps" {
  name       = "apps"
  cluster_id = azurerm_kubernetes_cluster.aks.id
  namespace  = "flux-system"
  scope      = "cluster"

  git_repository {
    url              = "https://github.com/Azure/arc-k8s-demo"
    reference_type   = "branch"
    reference_value  = "main"
    https_user       = "git"
    https_key_base64 = "c2VjcmV0LXRva2Vu"
  }

  kustomizations {
    name = "infra"
    path = "./infrastructure"
  }

  kustomizations {
    name       = "apps"
    path       = "./apps"
    depends_on = ["infra"]
  }

  depends_on = [azurerm_kubernetes_cluster_extension.flux]
}

output "vault_uri" {
  value = azurerm_key_vault.inline.vault_uri
}

output "data_vault_uri" {
  value = data.azurerm_key_vault.inline.vault_uri
}

output "blob_endpoint" {
  value = azurerm_storage_account.sa.primary_blob_endpoint
}

output "connection_string" {
  value     = azurerm_storage_account.sa.primary_connection_string
  sensitive = true
}

output "kubernetes_version" {
  value = data.azurerm_kubernetes_service_versions.current.latest_version
}

output "policy_id" {
  value = azurerm_key_vault_access_policy.app.id
}
"#;

const RG: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-secrets";

fn ok(r: &Run, what: &str) {
    assert_eq!(r.code, 0, "{what}\nstdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
}

fn applied() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", MAIN)]);
    ok(&run(dir.path(), &["apply", "--auto-approve"]), "apply");
    dir
}

fn outputs(dir: &Path) -> Json {
    let r = run(dir, &["output", "--json"]);
    ok(&r, "output");
    serde_json::from_str(&r.stdout).unwrap()
}

fn state(dir: &Path) -> Json {
    serde_json::from_str(&std::fs::read_to_string(dir.join("aksplan.tfstate")).unwrap()).unwrap()
}

/// The recorded attributes of one resource.
fn attributes(dir: &Path, type_name: &str, name: &str) -> Json {
    state(dir)["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == format!("{type_name}.{name}"))
        .map(|r| r["attributes"].clone())
        .unwrap_or_else(|| panic!("{type_name}.{name} is not in state"))
}

fn drift(dir: &Path) -> (i32, Json) {
    let r = run(dir, &["drift", "--format", "json"]);
    let report = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr));
    (r.code, report)
}

/// The attribute paths drift reports as changed on one resource.
fn drifted(report: &Json, address: &str) -> Vec<String> {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["address"] == address)
        .flat_map(|r| r["changes"].as_array().cloned().unwrap_or_default())
        .map(|c| c["path"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn the_group_applies_plans_clean_shows_drift_and_destroys() {
    let dir = applied();
    let out = outputs(dir.path());
    assert_eq!(out["vault_uri"]["value"], "https://kv-secrets-inline.vault.azure.net/");
    assert_eq!(out["data_vault_uri"]["value"], out["vault_uri"]["value"]);
    assert_eq!(
        out["blob_endpoint"]["value"],
        "https://stsecrets001.blob.core.windows.net/"
    );
    assert_eq!(
        out["kubernetes_version"]["value"], "1.36.3",
        "the newest in the simulation's table"
    );
    assert_eq!(
        out["policy_id"]["value"],
        format!("{RG}/providers/Microsoft.KeyVault/vaults/kv-secrets-separate/objectId/11111111-2222-3333-4444-555555555555")
    );

    // The policy is an entry of its vault, next to none other.
    let separate = attributes(dir.path(), "azurerm_key_vault", "separate");
    assert_eq!(separate["rbac_authorization_enabled"], false);
    let sa = attributes(dir.path(), "azurerm_storage_account", "sa");
    let key = sa["primary_access_key"].as_str().unwrap().to_string();
    assert!(key.len() > 40, "listKeys filled the key");
    assert_eq!(
        sa["secondary_blob_host"],
        "stsecrets001-secondary.blob.core.windows.net"
    );

    // Applying again converges the state (the separate vault now lists the
    // policy the other resource added to it) and changes nothing.
    let again = run(dir.path(), &["apply", "--auto-approve"]);
    ok(&again, "second apply");
    assert!(
        again.stdout.contains("0 added, 0 changed, 0 destroyed"),
        "{}",
        again.stdout
    );
    let plan = run(dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(
        plan.code, 0,
        "a plan right after apply is clean:\n{}{}",
        plan.stdout, plan.stderr
    );
    assert!(plan.stdout.contains("No changes"), "{}", plan.stdout);
    for r in [&again, &plan] {
        assert!(
            !r.stdout.contains(&key) && !r.stderr.contains(&key),
            "the key never shows"
        );
        assert!(!r.stdout.contains("c2VjcmV0LXRva2Vu"), "nor the Git token");
    }
    assert!(
        !std::fs::read_to_string(dir.path().join("aksplan.tfstate"))
            .unwrap()
            .contains("c2VjcmV0LXRva2Vu"),
        "the Git token is sealed in state"
    );
    let (code, report) = drift(dir.path());
    assert_eq!(code, 0, "no drift yet: {report:#}");

    // Changes made outside aksplan are named.
    let account = format!("{RG}/providers/Microsoft.Storage/storageAccounts/stsecrets001");
    ok(
        &run(
            dir.path(),
            &[
                "sim",
                "patch",
                &account,
                r#"{"properties": {"minimumTlsVersion": "TLS1_0"}}"#,
            ],
        ),
        "patch the account",
    );
    let flux = format!(
        "{RG}/providers/Microsoft.ContainerService/managedClusters/aks-secrets/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/apps"
    );
    ok(
        &run(
            dir.path(),
            &["sim", "patch", &flux, r#"{"properties": {"suspend": true}}"#],
        ),
        "patch the Flux configuration",
    );
    let vault = format!("{RG}/providers/Microsoft.KeyVault/vaults/kv-secrets-inline");
    ok(
        &run(
            dir.path(),
            &[
                "sim",
                "patch",
                &vault,
                r#"{"properties": {"enabledForDeployment": true}}"#,
            ],
        ),
        "patch the vault",
    );
    let (code, report) = drift(dir.path());
    assert_eq!(code, 2, "{report:#}");
    assert_eq!(drifted(&report, "azurerm_storage_account.sa"), ["min_tls_version"]);
    assert_eq!(
        drifted(&report, "azurerm_kubernetes_flux_configuration.apps"),
        ["continuous_reconciliation_enabled"]
    );
    assert_eq!(drifted(&report, "azurerm_key_vault.inline"), ["enabled_for_deployment"]);

    // The next apply puts them back.
    ok(&run(dir.path(), &["apply", "--auto-approve"]), "apply after drift");
    assert_eq!(drift(dir.path()).0, 0);

    // An access policy's permissions change in place (accessPolicies/replace).
    write(
        dir.path(),
        &[(
            "main.tf",
            &MAIN.replacen(
                "secret_permissions = [\"Get\", \"List\"]",
                "secret_permissions = [\"Get\"]",
                1,
            ),
        )],
    );
    let plan = run(dir.path(), &["plan"]);
    assert!(
        plan.stdout
            .contains("azurerm_key_vault_access_policy.app will be updated in-place"),
        "{}",
        plan.stdout
    );
    ok(
        &run(dir.path(), &["apply", "--auto-approve"]),
        "apply the new permissions",
    );
    let policy = attributes(dir.path(), "azurerm_key_vault_access_policy", "app");
    assert_eq!(policy["secret_permissions"], serde_json::json!(["Get"]));
    assert_eq!(run(dir.path(), &["plan", "--detailed-exitcode"]).code, 0);

    // Destroy removes everything.
    ok(&run(dir.path(), &["destroy", "--auto-approve"]), "destroy");
    let left = run(dir.path(), &["sim", "list"]);
    ok(&left, "sim list");
    assert!(
        !left.stdout.to_lowercase().contains("/resourcegroups/rg-secrets"),
        "{}",
        left.stdout
    );
}

#[test]
fn a_destroyed_vault_stays_soft_deleted_and_the_next_create_recovers_it() {
    // Kept, not purged, after the destroy (azurerm purges by default).
    let keep = MAIN.replacen(
        "features {}",
        "features {\n    key_vault {\n      purge_soft_delete_on_destroy = false\n    }\n  }",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", &keep)]);
    ok(&run(dir.path(), &["apply", "--auto-approve"]), "apply");
    ok(&run(dir.path(), &["destroy", "--auto-approve"]), "destroy");
    let deleted = format!(
        "/subscriptions/{SUB}/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv-secrets-inline"
    );
    let shown = run(dir.path(), &["sim", "show", &deleted]);
    ok(&shown, "the deleted vault");
    assert!(shown.stdout.contains("scheduledPurgeDate"), "{}", shown.stdout);

    // With recovery turned off, the name stays taken: azurerm refuses.
    let off = MAIN.replacen(
        "features {}",
        "features {\n    key_vault {\n      recover_soft_deleted_key_vaults = false\n    }\n  }",
        1,
    );
    write(dir.path(), &[("main.tf", &off)]);
    let refused = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(refused.code, 1, "{}{}", refused.stdout, refused.stderr);
    assert!(
        refused.stderr.contains("A soft-deleted resource has this name"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("recover_soft_deleted_key_vaults"),
        "{}",
        refused.stderr
    );

    // By default, as azurerm does, the create recovers it.
    write(dir.path(), &[("main.tf", MAIN)]);
    ok(&run(dir.path(), &["apply", "--auto-approve"]), "apply again");
    assert_eq!(run(dir.path(), &["sim", "show", &deleted]).code, 1, "no longer deleted");
    assert_eq!(
        attributes(dir.path(), "azurerm_key_vault", "inline")["vault_uri"],
        "https://kv-secrets-inline.vault.azure.net/"
    );
    let plan = run(dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}{}", plan.stdout, plan.stderr);
}

#[test]
fn values_azurerm_does_not_accept_are_refused_at_validate() {
    let cases = [
        (
            "sku_name                 = \"standard\"",
            "sku_name                 = \"gold\"",
            "\"standard\" or \"premium\"",
        ),
        (
            "account_replication_type = \"RAGRS\"",
            "account_replication_type = \"XRS\"",
            "\"LRS\", \"ZRS\", \"GRS\", \"RAGRS\", \"GZRS\" or \"RAGZRS\"",
        ),
        (
            "reference_type   = \"branch\"",
            "reference_type   = \"trunk\"",
            "\"branch\", \"commit\", \"semver\" or \"tag\"",
        ),
        (
            "secret_permissions = [\"Get\", \"List\"]",
            "secret_permissions = [\"Get\", \"Read\"]",
            "\"Purge\"",
        ),
        (
            "name = \"Secret Management\"",
            "name = \"Everything\"",
            "\"Key Management\"",
        ),
        (
            "scope      = \"cluster\"",
            "scope      = \"tenant\"",
            "\"cluster\" or \"namespace\"",
        ),
    ];
    for (good, bad, valid) in cases {
        assert!(MAIN.contains(good), "{good}");
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &[("main.tf", &MAIN.replacen(good, bad, 1))]);
        let r = run(dir.path(), &["validate"]);
        assert_eq!(r.code, 1, "{bad}: {}{}", r.stdout, r.stderr);
        assert!(
            common::flat(&r.stderr).contains(valid),
            "{bad}: the valid values are listed:\n{}",
            r.stderr
        );
    }
}
