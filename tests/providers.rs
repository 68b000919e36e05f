//! The providers beside azurerm, provider configurations, and types known
//! only from their schema, through the real binary on the simulation.

mod common;

use common::{run, run_env, write};

fn applied_then_clean(dir: &std::path::Path) {
    let apply = run(dir, &["apply", "-auto-approve"]);
    assert_eq!(apply.code, 0, "{}{}", apply.stdout, apply.stderr);
    let plan = run(dir, &["plan", "-detailed-exitcode"]);
    assert_eq!(
        plan.code, 0,
        "a plan after apply must show no changes:\n{}{}",
        plan.stdout, plan.stderr
    );
    assert!(plan.stdout.contains("No changes"), "{}", plan.stdout);
}

#[test]
fn random_time_tls_null_and_local_values_are_stable_across_plans() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            r#"
resource "random_string" "suffix" {
  length  = 6
  special = false
  upper   = false
}
resource "random_password" "admin" {
  length = 20
}
resource "random_pet" "name" {
  keepers = { env = "dev" }
}
resource "random_id" "id" {
  byte_length = 8
}
resource "random_integer" "port" {
  min = 8000
  max = 8999
}
resource "random_uuid" "u" {}
resource "time_static" "created" {}
resource "time_rotating" "key" {
  rotation_days = 30
}
resource "time_offset" "later" {
  offset_hours = 2
}
resource "tls_private_key" "ssh" {
  algorithm = "RSA"
  rsa_bits  = 2048
}
resource "tls_self_signed_cert" "ca" {
  private_key_pem       = tls_private_key.ssh.private_key_pem
  validity_period_hours = 24
  allowed_uses          = ["cert_signing"]
  subject {
    common_name = "example"
  }
}
resource "null_resource" "marker" {
  triggers = { name = random_pet.name.id }
}
resource "local_file" "out" {
  filename = "${path.module}/out.txt"
  content  = "rg-${random_string.suffix.result}"
}
output "name" { value = "rg-${random_string.suffix.result}" }
output "password" {
  value     = random_password.admin.result
  sensitive = true
}
"#,
        )],
    );
    applied_then_clean(dir.path());
    let out = run(dir.path(), &["output", "-raw", "name"]);
    let name = out.stdout.trim().to_string();
    assert!(name.starts_with("rg-") && name.len() == 9, "{name}");
    assert_eq!(std::fs::read_to_string(dir.path().join("out.txt")).unwrap(), name);
    let shown = run(dir.path(), &["plan"]);
    assert!(!shown.stdout.contains("PRIVATE KEY"), "a private key was shown");

    // A keeper's change replaces the pet, and what depends on it.
    let main = std::fs::read_to_string(dir.path().join("main.tf")).unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        main.replace("env = \"dev\"", "env = \"prod\""),
    )
    .unwrap();
    let plan = run(dir.path(), &["plan"]);
    assert!(
        plan.stdout.contains("random_pet.name must be replaced"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("null_resource.marker must be replaced"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("Plan: 2 to add, 0 to change, 2 to destroy."),
        "{}",
        plan.stdout
    );
}

#[test]
fn an_azapi_body_round_trips_on_the_simulation() {
    let dir = tempfile::tempdir().unwrap();
    let main = r#"
provider "azapi" {}
resource "azapi_resource" "rg" {
  type     = "Microsoft.Resources/resourceGroups@2024-03-01"
  name     = "rg-azapi"
  location = "westeurope"
}
resource "azapi_resource" "vnet" {
  type      = "Microsoft.Network/virtualNetworks@2024-05-01"
  name      = "vnet-azapi"
  parent_id = azapi_resource.rg.id
  location  = "westeurope"
  body = {
    properties = {
      addressSpace = { addressPrefixes = ["10.10.0.0/16"] }
    }
  }
  response_export_values = ["properties.addressSpace"]
}
resource "azapi_update_resource" "protection" {
  type        = "Microsoft.Network/virtualNetworks@2024-05-01"
  resource_id = azapi_resource.vnet.id
  body        = { properties = { enableVmProtection = true } }
}
data "azapi_client_config" "me" {}
output "space" { value = azapi_resource.vnet.output.properties.addressSpace.addressPrefixes[0] }
"#;
    write(dir.path(), &[("main.tf", main)]);
    applied_then_clean(dir.path());
    let out = run(dir.path(), &["output", "-raw", "space"]);
    assert_eq!(out.stdout.trim(), "10.10.0.0/16");
    // A body change is an update in place, not a replacement.
    write(
        dir.path(),
        &[("main.tf", &main.replace("10.10.0.0/16", "10.20.0.0/16"))],
    );
    let plan = run(dir.path(), &["plan"]);
    assert!(
        plan.stdout.contains("azapi_resource.vnet will be updated in-place"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
}

#[test]
fn resources_of_an_alias_go_to_its_subscription() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            r#"
provider "azurerm" {
  features {}
}
provider "azurerm" {
  alias           = "hub"
  subscription_id = "aaaaaaaa-0000-0000-0000-000000000001"
  features {}
}
resource "azurerm_resource_group" "spoke" {
  name     = "rg-spoke"
  location = "westeurope"
}
resource "azurerm_resource_group" "hub" {
  provider = azurerm.hub
  name     = "rg-hub"
  location = "westeurope"
}
resource "azurerm_virtual_network" "hub" {
  provider            = azurerm.hub
  name                = "vnet-hub"
  location            = "westeurope"
  resource_group_name = azurerm_resource_group.hub.name
  address_space       = ["10.0.0.0/16"]
}
output "hub" { value = azurerm_virtual_network.hub.id }
output "spoke" { value = azurerm_resource_group.spoke.id }
"#,
        )],
    );
    applied_then_clean(dir.path());
    let hub = run(dir.path(), &["output", "-raw", "hub"]).stdout;
    assert!(
        hub.starts_with("/subscriptions/aaaaaaaa-0000-0000-0000-000000000001/resourceGroups/rg-hub/"),
        "{hub}"
    );
    let spoke = run(dir.path(), &["output", "-raw", "spoke"]).stdout;
    assert!(
        spoke.starts_with("/subscriptions/00000000-0000-0000-0000-000000000000/"),
        "{spoke}"
    );
    let listed = run(dir.path(), &["sim", "list"]).stdout;
    assert!(
        listed
            .to_lowercase()
            .contains("/subscriptions/aaaaaaaa-0000-0000-0000-000000000001/resourcegroups/rg-hub"),
        "{listed}"
    );
}

#[test]
fn an_alias_no_block_declares_is_an_error_at_the_provider_argument() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "resource \"azurerm_resource_group\" \"rg\" {\n  provider = azurerm.spoke\n  name     = \"rg\"\n  location = \"westeurope\"\n}\n",
        )],
    );
    let v = run(dir.path(), &["validate"]);
    assert_eq!(v.code, 1);
    assert!(v.stderr.contains("Provider configuration not present"), "{}", v.stderr);
    assert!(
        v.stderr.contains(
            "  on main.tf line 2, in resource \"azurerm_resource_group\" \"rg\":\n   2:   provider = azurerm.spoke\n"
        ),
        "{}",
        v.stderr
    );
}

/// The corpus's commonest patterns beside a cluster: they validate, and a
/// plan names the types aksplan cannot plan yet in one error.
#[test]
fn common_patterns_plan_by_convention_and_name_what_is_validate_only() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            r#"
provider "azurerm" {
  features {}
}
resource "random_string" "suffix" {
  length  = 5
  special = false
  upper   = false
}
resource "azurerm_resource_group" "rg" {
  name     = "rg-${random_string.suffix.result}"
  location = "westeurope"
}
resource "azurerm_user_assigned_identity" "id" {
  name                = "id-aks"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
}
resource "azurerm_role_assignment" "net" {
  scope                = azurerm_resource_group.rg.id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.id.principal_id
}
resource "time_sleep" "rbac" {
  create_duration = "30s"
  depends_on      = [azurerm_role_assignment.net]
}
resource "azurerm_log_analytics_workspace" "law" {
  name                = "law-aks"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  sku                 = "PerGB2018"
  retention_in_days   = 30
}
resource "azurerm_network_security_group" "nsg" {
  name                = "nsg-aks"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  security_rule {
    name                       = "https"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
resource "azurerm_route_table" "rt" {
  name                = "rt-aks"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  route {
    name           = "default"
    address_prefix = "0.0.0.0/0"
    next_hop_type  = "Internet"
  }
}
resource "azurerm_private_dns_zone" "aks" {
  name                = "privatelink.westeurope.azmk8s.io"
  resource_group_name = azurerm_resource_group.rg.name
}
resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks-${random_string.suffix.result}"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  dns_prefix          = "aks"
  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 1
  }
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.id.id]
  }
  oms_agent {
    log_analytics_workspace_id = azurerm_log_analytics_workspace.law.id
  }
  depends_on = [time_sleep.rbac]
}
resource "azurerm_monitor_diagnostic_setting" "aks" {
  name                       = "diag"
  target_resource_id         = azurerm_kubernetes_cluster.aks.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.law.id
  enabled_log {
    category = "kube-audit"
  }
}
resource "azurerm_subnet_network_security_group_association" "nodes" {
  subnet_id                 = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
  network_security_group_id = azurerm_network_security_group.nsg.id
}
resource "azurerm_nat_gateway_public_ip_prefix_association" "egress" {
  nat_gateway_id      = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/natGateways/ng"
  public_ip_prefix_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/publicIPPrefixes/pp"
}
resource "azapi_update_resource" "aks" {
  type        = "Microsoft.ContainerService/managedClusters@2024-09-01"
  resource_id = azurerm_kubernetes_cluster.aks.id
  body = {
    properties = { nodeProvisioningProfile = { mode = "Auto" } }
  }
}
"#,
        )],
    );
    let v = run(dir.path(), &["validate"]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    assert!(
        v.stderr
            .contains("Resource types aksplan can validate but not yet plan"),
        "validate says it once, as a warning: {}",
        v.stderr
    );
    let p = run(dir.path(), &["plan"]);
    assert_eq!(p.code, 1, "{}{}", p.stdout, p.stderr);
    insta::assert_snapshot!("validate_only_types_at_plan", p.stderr);
    let errors: Vec<&str> = p.stderr.lines().filter(|l| l.starts_with("Error: ")).collect();
    assert_eq!(errors.len(), 1, "one error, naming every type:\n{}", p.stderr);
    let said = p.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        said.contains(
            "azurerm_nat_gateway_public_ip_prefix_association (azurerm_nat_gateway_public_ip_prefix_association.egress)"
        ),
        "{}",
        p.stderr
    );
    // The others are curated or mapped by convention, and plan on the simulation.
    for t in [
        "azurerm_subnet_network_security_group_association",
        "azurerm_log_analytics_workspace",
        "azurerm_network_security_group.",
        "azurerm_route_table",
        "azurerm_private_dns_zone",
        "azurerm_monitor_diagnostic_setting",
    ] {
        assert!(!said.contains(t), "{t}:\n{}", p.stderr);
    }
}

#[test]
fn resources_of_providers_aksplan_does_not_implement_get_one_error_naming_the_provider() {
    let dir = tempfile::tempdir().unwrap();
    let main = r#"
variable "telemetry" {
  default = false
}
resource "kubernetes_namespace" "apps" {
  metadata {
    name = "apps"
  }
}
resource "kubernetes_secret" "s" {
  metadata {
    name = "s"
  }
}
resource "helm_release" "ingress" {
  name  = "ingress"
  chart = "ingress-nginx"
}
resource "modtm_telemetry" "t" {
  count = var.telemetry ? 1 : 0
}
"#;
    write(dir.path(), &[("main.tf", main)]);
    let v = run(dir.path(), &["validate"]);
    assert_eq!(v.code, 0, "validate warns: {}", v.stderr);
    assert_eq!(
        v.stderr.matches("Provider not supported by aksplan").count(),
        3,
        "{}",
        v.stderr
    );
    let p = run(dir.path(), &["plan"]);
    assert_eq!(p.code, 1);
    let said = p.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(
        said.matches("Error: Provider not supported by aksplan").count(),
        2,
        "{}",
        p.stderr
    );
    assert!(
        said.contains("kubernetes provider (hashicorp/kubernetes), and cannot plan kubernetes_namespace.apps, kubernetes_secret.s"),
        "{}",
        p.stderr
    );
    assert!(said.contains("helm provider (hashicorp/helm)"), "{}", p.stderr);
    assert!(
        !said.contains("cannot plan modtm"),
        "a resource with no instances is not planned: {}",
        p.stderr
    );
}

#[test]
fn a_provider_schema_file_can_replace_the_embedded_one() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("main.tf", "resource \"random_thing\" \"t\" {\n  size = 3\n}\n"),
            (
                "schemas.json",
                r#"{"format_version":"1.0","provider_schemas":{"registry.terraform.io/hashicorp/random":{"resource_schemas":{"random_thing":{"version":0,"block":{"attributes":{"id":{"type":"string","computed":true},"size":{"type":"number","required":true}}}}}}}}"#,
            ),
            ("broken.json", "{\"provider_schemas\": "),
        ],
    );
    let without = run(dir.path(), &["validate"]);
    assert_eq!(without.code, 1, "random_thing is not in random 3.7");
    let with = run_env(
        dir.path(),
        &["validate"],
        &[("AKSPLAN_PROVIDER_SCHEMAS", "schemas.json")],
    );
    assert_eq!(with.code, 0, "{}", with.stderr);
    let broken = run_env(
        dir.path(),
        &["validate"],
        &[("AKSPLAN_PROVIDER_SCHEMAS", "broken.json")],
    );
    assert_eq!(broken.code, 1);
    assert!(
        broken.stderr.contains("AKSPLAN_PROVIDER_SCHEMAS=broken.json"),
        "{}",
        broken.stderr
    );
}

#[test]
fn validate_asks_each_provider_about_its_values_without_a_cloud() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "resource \"random_string\" \"s\" {\n  length = 0\n}\nresource \"tls_private_key\" \"k\" {\n  algorithm = \"DSA\"\n}\n",
        )],
    );
    let v = run(dir.path(), &["validate"]);
    assert_eq!(v.code, 1);
    assert!(
        v.stderr.contains("random_string.s: Invalid value for length"),
        "{}",
        v.stderr
    );
    assert!(v.stderr.contains("tls_private_key.k"), "{}", v.stderr);
    assert!(!dir.path().join(".aksplan").exists(), "validate touched the simulation");
}

#[test]
fn providers_types_lists_how_each_type_maps_to_the_cloud() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &["providers", "types", "azurerm"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = |t: &str| {
        r.stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(t) && l.contains("resource"))
            .unwrap_or_else(|| panic!("{t} not listed"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        line("azurerm_kubernetes_cluster")[..3],
        ["azurerm_kubernetes_cluster", "resource", "curated"]
    );
    assert_eq!(
        line("azurerm_log_analytics_query_pack")[2..],
        ["convention", "Microsoft.OperationalInsights/queryPacks@2019-09-01"]
    );
    assert_eq!(
        line("azurerm_nat_gateway_public_ip_prefix_association")[2..],
        ["validate-only"]
    );
    // An association is curated, and no ARM resource of its own.
    assert_eq!(
        line("azurerm_subnet_network_security_group_association")[2..],
        ["curated"]
    );
    assert!(
        r.stdout.lines().last().unwrap().starts_with("azurerm: "),
        "{}",
        r.stdout
    );
    let only = run(dir.path(), &["providers", "types", "--mapping", "curated"]);
    assert!(only
        .stdout
        .lines()
        .filter(|l| l.contains("resource"))
        .all(|l| l.contains("curated")));
    assert_eq!(run(dir.path(), &["providers", "types", "nope"]).code, 1);
}
