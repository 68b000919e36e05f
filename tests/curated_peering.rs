//! The "peering" group through the real binary against the simulation: a
//! hub and a spoke network in two subscriptions, peered both ways
//! (`azurerm_virtual_network_peering`), read back by the data source,
//! applies, plans clean, shows drift made outside, and destroys; what Azure
//! refuses (overlapping address spaces, a remote network that does not
//! exist) is refused with its code, and what azurerm refuses at validate is
//! refused there. Each test is named after the behaviour.

mod common;

use common::{run, write, Run};
use serde_json::Value as Json;
use std::path::Path;

const HUB: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-peer-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub";
const SPOKE: &str = "/subscriptions/22222222-0000-0000-0000-000000000002/resourceGroups/rg-peer-spoke/providers/Microsoft.Network/virtualNetworks/vnet-spoke";

const MAIN: &str = r#"
provider "azurerm" {
  features {}
}

provider "azurerm" {
  alias           = "spoke"
  features {}
  subscription_id = "22222222-0000-0000-0000-000000000002"
}

resource "azurerm_resource_group" "hub" {
  name     = "rg-peer-hub"
  location = "westeurope"
}

resource "azurerm_resource_group" "spoke" {
  provider = azurerm.spoke
  name     = "rg-peer-spoke"
  location = "westeurope"
}

resource "azurerm_virtual_network" "hub" {
  name                = "vnet-hub"
  location            = azurerm_resource_group.hub.location
  resource_group_name = azurerm_resource_group.hub.name
  address_space       = ["10.0.0.0/16"]
}

resource "azurerm_virtual_network" "spoke" {
  provider            = azurerm.spoke
  name                = "vnet-spoke"
  location            = azurerm_resource_group.spoke.location
  resource_group_name = azurerm_resource_group.spoke.name
  address_space       = ["10.1.0.0/16"]
}

resource "azurerm_virtual_network_peering" "hub_to_spoke" {
  name                      = "hub-to-spoke"
  resource_group_name       = azurerm_resource_group.hub.name
  virtual_network_name      = azurerm_virtual_network.hub.name
  remote_virtual_network_id = azurerm_virtual_network.spoke.id
  allow_forwarded_traffic   = true
  allow_gateway_transit     = true

  triggers = {
    remote_address_space = join(",", azurerm_virtual_network.spoke.address_space)
  }
}

resource "azurerm_virtual_network_peering" "spoke_to_hub" {
  provider                     = azurerm.spoke
  name                         = "spoke-to-hub"
  resource_group_name          = azurerm_resource_group.spoke.name
  virtual_network_name         = azurerm_virtual_network.spoke.name
  remote_virtual_network_id    = azurerm_virtual_network.hub.id
  allow_virtual_network_access = true
  allow_forwarded_traffic      = true
}

data "azurerm_virtual_network_peering" "hub_to_spoke" {
  name               = azurerm_virtual_network_peering.hub_to_spoke.name
  virtual_network_id = azurerm_virtual_network.hub.id
}

output "peering_id" {
  value = azurerm_virtual_network_peering.hub_to_spoke.id
}

output "read_remote" {
  value = data.azurerm_virtual_network_peering.hub_to_spoke.remote_virtual_network_id
}

output "read_gateway_transit" {
  value = data.azurerm_virtual_network_peering.hub_to_spoke.allow_gateway_transit
}
"#;

fn ok(r: &Run, what: &str) {
    assert_eq!(r.code, 0, "{what}\nstdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
}

fn applied(main: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", main)]);
    ok(&run(dir.path(), &["apply", "--auto-approve"]), "apply");
    dir
}

/// A resource as the simulation keeps it (`aksplan sim show`).
fn shown(dir: &Path, id: &str) -> Json {
    let r = run(dir, &["sim", "show", id]);
    ok(&r, id);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

fn state_of(dir: &Path, id: &str) -> String {
    shown(dir, id)["properties"]["peeringState"]
        .as_str()
        .unwrap_or("")
        .to_string()
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
fn the_peerings_apply_connect_plan_clean_show_drift_and_destroy() {
    let dir = applied(MAIN);
    let d = dir.path();
    let (there, back) = (
        format!("{HUB}/virtualNetworkPeerings/hub-to-spoke"),
        format!("{SPOKE}/virtualNetworkPeerings/spoke-to-hub"),
    );
    // Each side is Connected once the other peers back.
    assert_eq!(state_of(d, &there), "Connected");
    assert_eq!(state_of(d, &back), "Connected");
    let out: Json = serde_json::from_str(&run(d, &["output", "--json"]).stdout).unwrap();
    assert_eq!(out["peering_id"]["value"], there);
    assert_eq!(out["read_remote"]["value"], SPOKE);
    assert_eq!(out["read_gateway_transit"]["value"], true);

    let plan = run(d, &["plan", "--detailed-exitcode"]);
    assert_eq!(
        plan.code, 0,
        "a plan right after apply is clean:\n{}{}",
        plan.stdout, plan.stderr
    );
    assert!(plan.stdout.contains("No changes"), "{}", plan.stdout);
    assert!(
        !plan.stderr.contains("Arguments not sent to Azure"),
        "defaults and the id need no warning: {}",
        plan.stderr
    );
    assert_eq!(drift(d).0, 0);

    // Someone stops forwarding in the portal: drift names it, apply puts it back.
    ok(
        &run(
            d,
            &[
                "sim",
                "patch",
                &there,
                r#"{"properties": {"allowForwardedTraffic": false}}"#,
            ],
        ),
        "patch",
    );
    let (code, report) = drift(d);
    assert_eq!(code, 2, "{report:#}");
    assert_eq!(
        drifted(&report, "azurerm_virtual_network_peering.hub_to_spoke"),
        ["allow_forwarded_traffic"]
    );
    ok(&run(d, &["apply", "--auto-approve"]), "apply after drift");
    assert_eq!(drift(d).0, 0);
    assert_eq!(shown(d, &there)["properties"]["allowForwardedTraffic"], true);

    // A new address range on the spoke changes the trigger: the peering is
    // updated in place, which syncs it with the new range.
    write(
        d,
        &[(
            "main.tf",
            &MAIN.replacen("[\"10.1.0.0/16\"]", "[\"10.1.0.0/16\", \"10.2.0.0/16\"]", 1),
        )],
    );
    let plan = run(d, &["plan"]);
    assert!(
        plan.stdout
            .contains("azurerm_virtual_network_peering.hub_to_spoke will be updated in-place"),
        "{}",
        plan.stdout
    );
    ok(&run(d, &["apply", "--auto-approve"]), "apply the new range");
    let synced = shown(d, &there);
    assert_eq!(synced["properties"]["peeringSyncLevel"], "FullyInSync");
    assert_eq!(
        synced["properties"]["remoteAddressSpace"]["addressPrefixes"],
        serde_json::json!(["10.1.0.0/16", "10.2.0.0/16"])
    );
    assert_eq!(run(d, &["plan", "--detailed-exitcode"]).code, 0);

    ok(&run(d, &["destroy", "--auto-approve"]), "destroy");
    assert_eq!(run(d, &["state", "list"]).stdout.trim(), "", "state is empty");
    let left = run(d, &["sim", "list"]).stdout.to_lowercase();
    assert!(!left.contains("virtualnetworkpeerings"), "{left}");
    assert!(!left.contains("rg-peer-"), "{left}");
}

#[test]
fn a_peering_whose_other_side_is_removed_is_disconnected_and_replaced_by_nothing() {
    let dir = applied(MAIN);
    let d = dir.path();
    let there = format!("{HUB}/virtualNetworkPeerings/hub-to-spoke");
    let back = format!("{SPOKE}/virtualNetworkPeerings/spoke-to-hub");
    ok(&run(d, &["sim", "delete", &back]), "delete the spoke's side");
    assert_eq!(state_of(d, &there), "Disconnected");
    // azurerm does not read the state: the hub's side plans no change, the
    // spoke's is made again; Azure leaves the hub's Disconnected until it
    // is made again too.
    let plan = run(d, &["plan"]);
    assert!(
        plan.stdout
            .contains("azurerm_virtual_network_peering.spoke_to_hub will be created"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("hub_to_spoke will be"), "{}", plan.stdout);
    ok(&run(d, &["apply", "--auto-approve"]), "apply");
    assert_eq!(state_of(d, &back), "Initiated");
    assert_eq!(state_of(d, &there), "Disconnected");
}

#[test]
fn what_azure_refuses_is_refused_with_its_code() {
    let overlapping = MAIN.replacen("[\"10.1.0.0/16\"]", "[\"10.0.128.0/17\"]", 1);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", &overlapping)]);
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("VnetAddressSpacesOverlap"), "{}", r.stderr);
    assert!(
        common::flat(&r.stderr).contains("Overlapping address prefixes: 10.0.128.0/17"),
        "{}",
        r.stderr
    );

    let nowhere = MAIN.replacen(
        "remote_virtual_network_id    = azurerm_virtual_network.hub.id",
        &format!(
            "remote_virtual_network_id    = \"{}\"",
            HUB.replace("vnet-hub", "vnet-gone")
        ),
        1,
    );
    assert_ne!(nowhere, MAIN);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", &nowhere)]);
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("InvalidGlobalResourceReference"), "{}", r.stderr);
    assert!(r.stderr.contains("vnet-gone"), "{}", r.stderr);
}

#[test]
fn what_azurerm_refuses_is_refused_at_validate() {
    for (good, bad, said) in [
        (
            "remote_virtual_network_id    = azurerm_virtual_network.hub.id",
            "remote_virtual_network_id    = \"/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-peer-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub\"",
            "Invalid remote_virtual_network_id",
        ),
        (
            "allow_forwarded_traffic      = true",
            "allow_forwarded_traffic      = true\n  local_subnet_names           = [\"\"]",
            "expected \"local_subnet_names.0\" to not be an empty string",
        ),
    ] {
        assert!(MAIN.contains(good), "{good}");
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &[("main.tf", &MAIN.replacen(good, bad, 1))]);
        let r = run(dir.path(), &["validate"]);
        assert_eq!(r.code, 1, "{bad}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(said), "{bad}:\n{}", r.stderr);
    }
}

// Key Vault purge on destroy, as azurerm 4.65 does it (issue 13): a
// destroyed vault is soft-deleted by Azure, then purged, unless
// `features { key_vault { purge_soft_delete_on_destroy = false } }` keeps
// it (and the next create recovers it), or purge protection does (said).

const VAULT: &str = r#"
provider "azurerm" {
  features {}
}

data "azurerm_client_config" "current" {}

resource "azurerm_resource_group" "rg" {
  name     = "rg-purge"
  location = "westeurope"
}

resource "azurerm_key_vault" "kv" {
  name                = "kv-purge-test"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  tenant_id           = data.azurerm_client_config.current.tenant_id
  sku_name            = "standard"
}
"#;

const DELETED: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv-purge-test";

fn with_features(key_vault: &str) -> String {
    VAULT.replacen(
        "features {}",
        &format!("features {{\n    key_vault {{\n      {key_vault}\n    }}\n  }}"),
        1,
    )
}

/// Applies `main`, then destroys it: the destroy's run.
fn applied_then_destroyed(dir: &Path, main: &str) -> Run {
    write(dir, &[("main.tf", main)]);
    ok(&run(dir, &["apply", "--auto-approve"]), "apply");
    let destroy = run(dir, &["destroy", "--auto-approve"]);
    ok(&destroy, "destroy");
    destroy
}

#[test]
fn a_destroyed_vault_is_purged_by_default_and_its_name_is_free_again() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let destroy = applied_then_destroyed(d, VAULT);
    assert!(!destroy.stderr.contains("purge protection"), "{}", destroy.stderr);
    assert_eq!(run(d, &["sim", "show", DELETED]).code, 1, "purged, not kept");
    // The same vault again: a plain create, nothing to recover.
    ok(&run(d, &["apply", "--auto-approve"]), "apply again");
    assert_eq!(run(d, &["plan", "--detailed-exitcode"]).code, 0);
    ok(&run(d, &["destroy", "--auto-approve"]), "destroy again");
    assert_eq!(run(d, &["sim", "show", DELETED]).code, 1);
}

#[test]
fn with_purging_off_the_vault_is_kept_and_the_next_create_recovers_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let keep = with_features("purge_soft_delete_on_destroy = false");
    applied_then_destroyed(d, &keep);
    let kept = run(d, &["sim", "show", DELETED]);
    ok(&kept, "kept as deleted");
    assert!(kept.stdout.contains("scheduledPurgeDate"), "{}", kept.stdout);
    // A create of the same name recovers it (recover_soft_deleted_key_vaults
    // is on by default).
    ok(&run(d, &["apply", "--auto-approve"]), "apply again");
    assert_eq!(run(d, &["sim", "show", DELETED]).code, 1, "recovered");
    let plan = run(d, &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}{}", plan.stdout, plan.stderr);
    // With recovery off too, the kept vault's name is refused, as azurerm refuses it.
    ok(&run(d, &["destroy", "--auto-approve"]), "destroy");
    write(
        d,
        &[(
            "main.tf",
            &with_features("purge_soft_delete_on_destroy    = false\n      recover_soft_deleted_key_vaults = false"),
        )],
    );
    let refused = run(d, &["apply", "--auto-approve"]);
    assert_eq!(refused.code, 1, "{}{}", refused.stdout, refused.stderr);
    assert!(
        refused.stderr.contains("A soft-deleted resource has this name"),
        "{}",
        refused.stderr
    );
}

#[test]
fn under_purge_protection_the_purge_is_skipped_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let protected = VAULT.replacen(
        "sku_name            = \"standard\"",
        "sku_name            = \"standard\"\n  purge_protection_enabled = true",
        1,
    );
    let destroy = applied_then_destroyed(d, &protected);
    assert!(
        destroy
            .stderr
            .contains("azurerm_key_vault.kv: Deleted but not purged: purge protection is on"),
        "{}",
        destroy.stderr
    );
    let kept = run(d, &["sim", "show", DELETED]);
    ok(&kept, "kept as deleted");
    let doc: Json = serde_json::from_str(&kept.stdout).unwrap();
    let when = doc["properties"]["scheduledPurgeDate"].as_str().unwrap();
    assert!(
        destroy.stderr.contains(when),
        "the date Azure purges it is said:\n{}",
        destroy.stderr
    );
    assert_eq!(doc["properties"]["purgeProtectionEnabled"], true);
    // The next create recovers it.
    ok(&run(d, &["apply", "--auto-approve"]), "apply again");
    assert_eq!(run(d, &["sim", "show", DELETED]).code, 1, "recovered");
}
