//! The private networking, registry and identity types (issue 13) through
//! the real binary against the simulation: a registry reached over a
//! private endpoint from a cluster's network (its private DNS zone linked
//! to the network), workload identity federated with the cluster's issuer,
//! and a trusted access binding. Each test is named after the behaviour.

mod common;

use common::{run, write, Run};
use serde_json::Value as Json;
use std::path::Path;

const RG: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-private";

const NETWORK: &str = r#"
resource "azurerm_resource_group" "rg" {
  name     = "rg-private"
  location = "westeurope"
}

resource "azurerm_virtual_network" "v" {
  name                = "vnet"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.10.0.0/16"]
}

resource "azurerm_subnet" "nodes" {
  name                 = "nodes"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.v.name
  address_prefixes     = ["10.10.0.0/22"]
}

resource "azurerm_subnet" "endpoints" {
  name                 = "endpoints"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.v.name
  address_prefixes     = ["10.10.8.0/24"]
}

resource "azurerm_kubernetes_cluster" "k" {
  name                      = "aks-private"
  location                  = azurerm_resource_group.rg.location
  resource_group_name       = azurerm_resource_group.rg.name
  dns_prefix                = "aksprivate"
  oidc_issuer_enabled       = true
  workload_identity_enabled = true
  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D4s_v5"
    node_count     = 1
    vnet_subnet_id = azurerm_subnet.nodes.id
  }
  identity {
    type = "SystemAssigned"
  }
  network_profile {
    network_plugin = "azure"
  }
}
"#;

const PRIVATE: &str = r#"
resource "azurerm_container_registry" "acr" {
  name                = "acrprivate01"
  resource_group_name = azurerm_resource_group.rg.name
  location            = azurerm_resource_group.rg.location
  sku                 = "Premium"
  admin_enabled       = true
  georeplications {
    location = "northeurope"
    tags     = { role = "replica" }
  }
}

resource "azurerm_private_dns_zone" "acr" {
  name                = "privatelink.azurecr.io"
  resource_group_name = azurerm_resource_group.rg.name
}

resource "azurerm_private_dns_zone_virtual_network_link" "acr" {
  name                  = "acr-to-aks"
  resource_group_name   = azurerm_resource_group.rg.name
  private_dns_zone_name = azurerm_private_dns_zone.acr.name
  virtual_network_id    = azurerm_virtual_network.v.id
}

resource "azurerm_private_endpoint" "acr" {
  name                = "pe-acr"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  subnet_id           = azurerm_subnet.endpoints.id

  private_service_connection {
    name                           = "acr"
    private_connection_resource_id = azurerm_container_registry.acr.id
    subresource_names              = ["registry"]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "default"
    private_dns_zone_ids = [azurerm_private_dns_zone.acr.id]
  }
}

resource "azurerm_user_assigned_identity" "app" {
  name                = "id-app"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
}

resource "azurerm_federated_identity_credential" "app" {
  name                      = "app"
  user_assigned_identity_id = azurerm_user_assigned_identity.app.id
  issuer                    = azurerm_kubernetes_cluster.k.oidc_issuer_url
  subject                   = "system:serviceaccount:default:app"
  audience                  = ["api://AzureADTokenExchange"]
}

resource "azurerm_kubernetes_cluster_trusted_access_role_binding" "ml" {
  name                  = "ml"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.k.id
  roles                 = ["Microsoft.MachineLearningServices/workspaces/mlworkload"]
  source_resource_id    = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-private/providers/Microsoft.MachineLearningServices/workspaces/ml"
}

data "azurerm_container_registry" "acr" {
  name                = azurerm_container_registry.acr.name
  resource_group_name = azurerm_resource_group.rg.name
}

output "login_server" { value = azurerm_container_registry.acr.login_server }
output "admin_user" { value = data.azurerm_container_registry.acr.admin_username }
output "endpoint_ip" { value = azurerm_private_endpoint.acr.private_service_connection[0].private_ip_address }
output "endpoint_names" { value = [for c in azurerm_private_endpoint.acr.custom_dns_configs : c.fqdn] }
output "records" { value = azurerm_private_endpoint.acr.private_dns_zone_configs[0].record_sets[*].name }
# The SOA record Azure made (`one`: a plan that makes the zone has no element
# to index yet; see the report of issue 13).
output "soa_host" { value = one(azurerm_private_dns_zone.acr.soa_record[*].host_name) }
"#;

/// The kubelet identity may pull from the registry.
const ACR_PULL: &str = r#"
resource "azurerm_role_assignment" "acr_pull" {
  scope                = azurerm_container_registry.acr.id
  role_definition_name = "AcrPull"
  principal_id         = azurerm_kubernetes_cluster.k.kubelet_identity[0].object_id
}
"#;

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

/// The ids the simulation in `dir` holds under the resource group, lower case.
fn stored(dir: &Path) -> Vec<String> {
    let r = run(dir, &["sim", "list"]);
    ok(&r);
    r.stdout
        .lines()
        .map(str::to_lowercase)
        .filter(|id| id.starts_with(&RG.to_lowercase()))
        .collect()
}

fn drift(dir: &Path) -> (i32, Json) {
    let r = run(dir, &["drift", "--format", "json"]);
    let report = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr));
    (r.code, report)
}

/// `address: path` for every change a drift report names.
fn drifted(report: &Json) -> Vec<String> {
    let mut out = Vec::new();
    for r in report["resources"].as_array().into_iter().flatten() {
        for c in r["changes"].as_array().into_iter().flatten() {
            out.push(format!(
                "{}: {}",
                r["address"].as_str().unwrap(),
                c["path"].as_str().unwrap()
            ));
        }
    }
    out.sort();
    out
}

/// The admin password the state holds for the registry.
fn admin_password(dir: &Path) -> String {
    let state: Json = serde_json::from_str(&std::fs::read_to_string(dir.join("aksplan.tfstate")).unwrap()).unwrap();
    state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "azurerm_container_registry.acr")
        .and_then(|r| r["attributes"]["admin_password"].as_str())
        .expect("the state holds the admin password")
        .to_string()
}

#[test]
fn a_registry_behind_a_private_endpoint_applies_plans_clean_shows_drift_and_destroys() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", &format!("{NETWORK}{PRIVATE}"))]);
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    ok(&r);
    for line in [
        r#"login_server = "acrprivate01.azurecr.io""#,
        r#"admin_user = "acrprivate01""#,
        r#"endpoint_ip = "10.10.8.4""#,
        r#"endpoint_names = ["acrprivate01.azurecr.io", "acrprivate01.westeurope.data.azurecr.io", "acrprivate01.northeurope.data.azurecr.io"]"#,
        r#"records = ["acrprivate01", "acrprivate01.westeurope.data", "acrprivate01.northeurope.data"]"#,
        r#"soa_host = "azureprivatedns.net""#,
    ] {
        assert!(r.stdout.contains(line), "{line} in:\n{}", r.stdout);
    }
    let password = admin_password(dir.path());
    assert!(!password.is_empty());
    assert!(
        !r.stdout.contains(&password) && !r.stderr.contains(&password),
        "a secret in the output"
    );

    // What Azure made beside what was asked for.
    let ids = stored(dir.path());
    let zone = format!("{RG}/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io").to_lowercase();
    let registry = format!("{RG}/providers/Microsoft.ContainerRegistry/registries/acrprivate01").to_lowercase();
    for id in [
        format!("{zone}/soa/@"),
        format!("{zone}/a/acrprivate01"),
        format!("{zone}/a/acrprivate01.northeurope.data"),
        format!("{registry}/replications/westeurope"),
        format!("{registry}/replications/northeurope"),
        format!("{RG}/providers/Microsoft.Network/privateEndpoints/pe-acr/privateDnsZoneGroups/default").to_lowercase(),
    ] {
        assert!(ids.contains(&id), "{id} in {ids:#?}");
    }
    assert!(
        ids.iter().any(|i| i.contains("/networkinterfaces/pe-acr.nic.")),
        "the endpoint's network interface: {ids:#?}"
    );

    let r = run(dir.path(), &["plan", "--detailed-exitcode"]);
    ok(&r);
    assert!(r.stdout.contains("No changes."), "{}", r.stdout);
    // The zone group wrote its records after the zone was made, and the
    // subnet was made after its network: the apply read both again, so
    // nothing has drifted.
    let (code, report) = drift(dir.path());
    assert_eq!(code, 0, "{report:#}");

    // Changes made in the portal are drift, each named.
    let patches = [
        (
            format!("{RG}/providers/Microsoft.ContainerRegistry/registries/acrprivate01"),
            r#"{"properties": {"publicNetworkAccess": "Disabled", "policies": {"retentionPolicy": {"days": 30, "status": "enabled"}}}}"#,
        ),
        (
            format!("{RG}/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io/virtualNetworkLinks/acr-to-aks"),
            r#"{"properties": {"registrationEnabled": true}}"#,
        ),
        (
            format!("{RG}/providers/Microsoft.Network/privateEndpoints/pe-acr"),
            r#"{"tags": {"owner": "portal"}}"#,
        ),
        (
            format!("{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app/federatedIdentityCredentials/app"),
            r#"{"properties": {"subject": "system:serviceaccount:other:app"}}"#,
        ),
        (
            format!("{RG}/providers/Microsoft.ContainerService/managedClusters/aks-private/trustedAccessRoleBindings/ml"),
            r#"{"properties": {"roles": ["Microsoft.MachineLearningServices/workspaces/reader"]}}"#,
        ),
    ];
    for (id, patch) in &patches {
        ok(&run(dir.path(), &["sim", "patch", id, patch]));
    }
    let (code, report) = drift(dir.path());
    assert_eq!(code, 2, "{report:#}");
    assert_eq!(
        drifted(&report),
        [
            "azurerm_container_registry.acr: public_network_access_enabled",
            "azurerm_container_registry.acr: retention_policy_in_days",
            "azurerm_federated_identity_credential.app: subject",
            "azurerm_kubernetes_cluster_trusted_access_role_binding.ml: roles[0]",
            "azurerm_private_dns_zone_virtual_network_link.acr: registration_enabled",
            "azurerm_private_endpoint.acr: tags",
        ]
    );
    // An apply takes each back.
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    ok(&r);
    assert!(r.stdout.contains("0 added, 5 changed, 0 destroyed"), "{}", r.stdout);
    let r = run(dir.path(), &["plan", "--detailed-exitcode"]);
    ok(&r);

    let r = run(dir.path(), &["destroy", "--auto-approve"]);
    ok(&r);
    assert!(r.stdout.contains("12 destroyed"), "{}", r.stdout);
    assert_eq!(stored(dir.path()), Vec::<String>::new(), "nothing is left behind");
}

/// Azure's own resources of the endpoint, the zone group's records and the
/// registry's replication follow what the configuration says.
#[test]
fn a_zone_group_and_replications_change_in_place() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", &format!("{NETWORK}{PRIVATE}"))]);
    ok(&run(dir.path(), &["apply", "--auto-approve"]));
    let changed = PRIVATE
        .replace(
            "location = \"northeurope\"",
            "location = \"eastus\"\n    zone_redundancy_enabled = true",
        )
        .replace(
            "private_dns_zone_ids = [azurerm_private_dns_zone.acr.id]",
            "private_dns_zone_ids = [azurerm_private_dns_zone.acr.id, azurerm_private_dns_zone.internal.id]",
        );
    let internal = r#"
resource "azurerm_private_dns_zone" "internal" {
  name                = "contoso.internal"
  resource_group_name = azurerm_resource_group.rg.name
  soa_record {
    email = "hostmaster.contoso.internal"
  }
}
"#;
    write(dir.path(), &[("main.tf", &format!("{NETWORK}{changed}{internal}"))]);
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    ok(&r);
    assert!(r.stdout.contains("1 added, 2 changed, 0 destroyed"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains(r#"records = ["acrprivate01", "acrprivate01.westeurope.data", "acrprivate01.eastus.data"]"#),
        "{}",
        r.stdout
    );
    let ids = stored(dir.path());
    let registry = format!("{RG}/providers/Microsoft.ContainerRegistry/registries/acrprivate01").to_lowercase();
    assert!(ids.contains(&format!("{registry}/replications/eastus")), "{ids:#?}");
    assert!(
        !ids.contains(&format!("{registry}/replications/northeurope")),
        "{ids:#?}"
    );
    let zone = format!("{RG}/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io/a").to_lowercase();
    assert!(
        !ids.contains(&format!("{zone}/acrprivate01.northeurope.data")),
        "{ids:#?}"
    );
    let r = run(
        dir.path(),
        &[
            "sim",
            "show",
            &format!("{RG}/providers/Microsoft.Network/privateDnsZones/contoso.internal/SOA/@"),
        ],
    );
    ok(&r);
    assert!(r.stdout.contains("hostmaster.contoso.internal"), "{}", r.stdout);
    let r = run(dir.path(), &["plan", "--detailed-exitcode"]);
    ok(&r);

    // A zone a network is still linked to is not deleted (Azure refuses it).
    let link = format!("{RG}/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io");
    let r = run(dir.path(), &["sim", "delete", &link]);
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(r.stderr.contains("CannotDeleteResource"), "{}", r.stderr);
}

/// The AKS uses: the kubelet identity gets AcrPull on the registry, and the
/// registry's private zone is linked to the cluster's network (above).
/// The role assignment is added once the cluster exists: a plan that makes
/// the cluster cannot index its `kubelet_identity` yet (see the report of
/// issue 13), so this is two applies.
#[test]
fn the_kubelet_identity_pulls_from_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", &format!("{NETWORK}{PRIVATE}"))]);
    ok(&run(dir.path(), &["apply", "--auto-approve"]));
    write(dir.path(), &[("main.tf", &format!("{NETWORK}{PRIVATE}{ACR_PULL}"))]);
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    ok(&r);
    assert!(r.stdout.contains("1 added, 0 changed, 0 destroyed"), "{}", r.stdout);
    let cluster = run(
        dir.path(),
        &[
            "sim",
            "show",
            &format!("{RG}/providers/Microsoft.ContainerService/managedClusters/aks-private"),
        ],
    );
    ok(&cluster);
    let cluster: Json = serde_json::from_str(&cluster.stdout).unwrap();
    let kubelet = cluster["properties"]["identityProfile"]["kubeletidentity"]["objectId"]
        .as_str()
        .unwrap()
        .to_string();
    let registry = format!("{RG}/providers/Microsoft.ContainerRegistry/registries/acrprivate01").to_lowercase();
    let assignment = stored(dir.path())
        .into_iter()
        .find(|i| {
            i.starts_with(&format!(
                "{registry}/providers/microsoft.authorization/roleassignments/"
            ))
        })
        .expect("a role assignment on the registry");
    let shown = run(dir.path(), &["sim", "show", &assignment]);
    ok(&shown);
    let shown: Json = serde_json::from_str(&shown.stdout).unwrap();
    assert_eq!(shown["properties"]["principalId"], kubelet.as_str());
    assert!(shown["properties"]["roleDefinitionId"]
        .as_str()
        .unwrap()
        .ends_with("7f951dda-4ed3-4680-a7ca-43fe172d538d"));
    ok(&run(dir.path(), &["plan", "--detailed-exitcode"]));
}

#[test]
fn values_azurerm_refuses_are_refused_at_validate_naming_the_valid_ones() {
    let dir = tempfile::tempdir().unwrap();
    let config = r#"
resource "azurerm_container_registry" "bad_sku" {
  name                = "acrbadsku01"
  resource_group_name = "rg"
  location            = "westeurope"
  sku                 = "Free"
}

resource "azurerm_container_registry" "standard" {
  name                = "acr-standard"
  resource_group_name = "rg"
  location            = "westeurope"
  sku                 = "Standard"
  georeplications {
    location = "eastus"
  }
}

resource "azurerm_private_dns_zone_virtual_network_link" "l" {
  name                  = "l"
  resource_group_name   = "rg"
  private_dns_zone_name = "privatelink.azurecr.io"
  virtual_network_id    = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"
  resolution_policy     = "Redirect"
}

resource "azurerm_private_endpoint" "pe" {
  name                = "pe"
  location            = "westeurope"
  resource_group_name = "rg"
  subnet_id           = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
  private_service_connection {
    name                           = "c"
    private_connection_resource_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r"
    is_manual_connection           = true
  }
}

resource "azurerm_federated_identity_credential" "f" {
  name     = "f"
  issuer   = "https://issuer.example"
  subject  = "system:serviceaccount:default:app"
  audience = ["api://AzureADTokenExchange"]
}
"#;
    write(dir.path(), &[("main.tf", config)]);
    let r = run(dir.path(), &["validate"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let text: String = r.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        r#"sku must be "Basic", "Standard" or "Premium", not "Free""#,
        r#"resolution_policy must be "Default" or "NxDomainRedirect", not "Redirect""#,
        "an ACR geo-replication can only be applied when using the Premium Sku",
        r#"alpha numeric characters only are allowed in "name": "acr-standard""#,
        r#"the "request_message" attribute must not be empty"#,
        "exactly one of user_assigned_identity_id and parent_id must be set",
    ] {
        assert!(text.contains(expected), "{expected} in:\n{}", r.stderr);
    }
}
