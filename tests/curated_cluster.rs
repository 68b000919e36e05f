//! The AKS types curated complete (azurerm_kubernetes_cluster with most of
//! its groups, a node pool with its tuning, the cluster as a data source),
//! through the real binary against the simulation: a configuration
//! applies, plans clean, shows drift for a change made outside, and
//! destroys; the blocks Azure computes are referenced by outputs and by a
//! role assignment; values azurerm refuses are refused at `validate`.

mod common;

use common::{run, write};
use serde_json::Value as Json;
use std::path::Path;

const CONFIG: &str = r#"
terraform {
  required_providers {
    azurerm = {
      source = "hashicorp/azurerm"
    }
  }
}

provider "azurerm" {
  features {}
}

locals {
  law = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mon/providers/Microsoft.OperationalInsights/workspaces/law"
}

resource "azurerm_resource_group" "rg" {
  name     = "rg-aks-full"
  location = "westeurope"
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                      = "aks-full"
  location                  = azurerm_resource_group.rg.location
  resource_group_name       = azurerm_resource_group.rg.name
  dns_prefix                = "aksfull"
  sku_tier                  = "Standard"
  support_plan              = "KubernetesOfficial"
  oidc_issuer_enabled       = true
  workload_identity_enabled = true
  run_command_enabled       = false
  automatic_upgrade_channel = "stable"
  node_os_upgrade_channel   = "SecurityPatch"
  image_cleaner_enabled        = true
  image_cleaner_interval_hours = 48

  default_node_pool {
    name            = "system"
    vm_size         = "Standard_D4s_v5"
    node_count      = 2
    scale_down_mode = "Deallocate"
    os_sku          = "AzureLinux"

    upgrade_settings {
      max_surge                     = "10%"
      drain_timeout_in_minutes      = 30
      node_soak_duration_in_minutes = 0
      undrainable_node_behavior     = "Cordon"
    }

    kubelet_config {
      cpu_manager_policy        = "static"
      container_log_max_size_mb = 50
      pod_max_pid               = 4096
    }

    linux_os_config {
      transparent_huge_page = "madvise"
      sysctl_config {
        net_core_somaxconn               = 16384
        net_ipv4_ip_local_port_range_min = 32000
        net_ipv4_ip_local_port_range_max = 60000
      }
    }
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_policy      = "cilium"
    network_data_plane  = "cilium"
  }

  azure_active_directory_role_based_access_control {
    azure_rbac_enabled = true
  }

  oms_agent {
    log_analytics_workspace_id      = local.law
    msi_auth_for_monitoring_enabled = true
  }

  key_vault_secrets_provider {
    secret_rotation_enabled = true
  }

  ingress_application_gateway {
    gateway_name = "agw"
    subnet_cidr  = "10.225.0.0/16"
  }

  web_app_routing {
    dns_zone_ids = []
  }

  microsoft_defender {
    log_analytics_workspace_id = local.law
  }

  monitor_metrics {
    labels_allowed = "pods=[app]"
  }

  storage_profile {
    blob_driver_enabled = true
  }

  workload_autoscaler_profile {
    keda_enabled = true
  }

  auto_scaler_profile {
    balance_similar_node_groups = true
    max_unready_nodes           = 4
    scan_interval               = "20s"
  }

  service_mesh_profile {
    mode                             = "Istio"
    revisions                        = ["asm-1-24"]
    internal_ingress_gateway_enabled = true
  }

  maintenance_window {
    allowed {
      day   = "Sunday"
      hours = [1, 2]
    }
  }

  maintenance_window_auto_upgrade {
    frequency   = "Weekly"
    interval    = 1
    day_of_week = "Sunday"
    duration    = 4
    start_time  = "02:00"
    utc_offset  = "+00:00"
  }

  tags = {
    env = "test"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "apps" {
  name                  = "apps"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.aks.id
  vm_size               = "Standard_D8s_v5"
  node_count            = 1
  scale_down_mode       = "Delete"
  workload_runtime      = "OCIContainer"

  upgrade_settings {
    max_surge                = "1"
    drain_timeout_in_minutes = 20
  }

  kubelet_config {
    image_gc_high_threshold = 85
    image_gc_low_threshold  = 60
  }

  linux_os_config {
    swap_file_size_mb = 1024
    sysctl_config {
      vm_max_map_count = 262144
    }
  }

  node_network_profile {
    allowed_host_ports {
      port_start = 8080
      port_end   = 8081
      protocol   = "TCP"
    }
  }
}

resource "azurerm_role_assignment" "kubelet" {
  scope                = azurerm_resource_group.rg.id
  role_definition_name = "Reader"
  principal_id         = azurerm_kubernetes_cluster.aks.kubelet_identity[0].object_id
}

resource "azurerm_role_assignment" "monitoring" {
  scope                = azurerm_resource_group.rg.id
  role_definition_name = "Monitoring Metrics Publisher"
  principal_id         = azurerm_kubernetes_cluster.aks.oms_agent[0].oms_agent_identity[0].object_id
}

output "kubelet_object_id" {
  value = azurerm_kubernetes_cluster.aks.kubelet_identity[0].object_id
}

output "oms_object_id" {
  value = azurerm_kubernetes_cluster.aks.oms_agent[0].oms_agent_identity[0].object_id
}

output "secrets_object_id" {
  value = azurerm_kubernetes_cluster.aks.key_vault_secrets_provider[0].secret_identity[0].object_id
}

output "agic_object_id" {
  value = azurerm_kubernetes_cluster.aks.ingress_application_gateway[0].ingress_application_gateway_identity[0].object_id
}

output "agic_effective_gateway_id" {
  value = azurerm_kubernetes_cluster.aks.ingress_application_gateway[0].effective_gateway_id
}

output "routing_identity" {
  value = azurerm_kubernetes_cluster.aks.web_app_routing[0].web_app_routing_identity
}

output "node_resource_group_id" {
  value = azurerm_kubernetes_cluster.aks.node_resource_group_id
}

output "oidc_issuer_url" {
  value = azurerm_kubernetes_cluster.aks.oidc_issuer_url
}

output "portal_fqdn" {
  value = azurerm_kubernetes_cluster.aks.portal_fqdn
}

output "private_fqdn" {
  value = azurerm_kubernetes_cluster.aks.private_fqdn
}

output "current_kubernetes_version" {
  value = azurerm_kubernetes_cluster.aks.current_kubernetes_version
}

output "admin_host" {
  value     = azurerm_kubernetes_cluster.aks.kube_admin_config[0].host
  sensitive = true
}

output "kubelet_assignment_principal" {
  value = azurerm_role_assignment.kubelet.principal_id
}
"#;

fn outputs(dir: &Path) -> Json {
    let r = run(dir, &["output", "-json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

fn is_guid(v: &Json) -> bool {
    v.as_str().is_some_and(|s| uuid::Uuid::parse_str(s).is_ok())
}

fn cluster_id() -> String {
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aks-full/providers/Microsoft.ContainerService/managedClusters/aks-full".into()
}

#[test]
fn a_cluster_with_most_groups_applies_plans_clean_shows_drift_and_destroys() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", CONFIG)]);
    let r = run(dir.path(), &["validate"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    // Before apply, what Azure computes is unknown, not missing.
    let r = run(dir.path(), &["plan", "-no-color"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("Arguments not sent to Azure"), "{}", r.stderr);
    assert!(!r.stderr.contains("out of range"), "{}", r.stderr);
    assert!(
        r.stdout.contains("kubelet_object_id") && r.stdout.contains("(known after apply)"),
        "{}",
        r.stdout
    );

    let r = run(dir.path(), &["apply", "--auto-approve", "-no-color"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);

    let out = outputs(dir.path());
    let value = |k: &str| out[k]["value"].clone();
    for k in [
        "kubelet_object_id",
        "oms_object_id",
        "secrets_object_id",
        "agic_object_id",
    ] {
        assert!(is_guid(&value(k)), "{k}: {}", value(k));
    }
    // The role assignment got the kubelet identity's object id.
    assert_eq!(value("kubelet_assignment_principal"), value("kubelet_object_id"));
    assert!(value("agic_effective_gateway_id")
        .as_str()
        .unwrap()
        .ends_with("/applicationGateways/agw"));
    assert!(
        is_guid(&value("routing_identity")[0]["object_id"]),
        "{}",
        value("routing_identity")
    );
    assert_eq!(
        value("node_resource_group_id"),
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/MC_rg-aks-full_aks-full_westeurope"
    );
    assert!(value("oidc_issuer_url")
        .as_str()
        .unwrap()
        .starts_with("https://westeurope.oic.prod-aks.azure.com/"));
    assert!(value("portal_fqdn")
        .as_str()
        .unwrap()
        .contains(".portal.hcp.westeurope.azmk8s.io"));
    assert_eq!(value("private_fqdn"), Json::Null);
    assert!(value("current_kubernetes_version")
        .as_str()
        .is_some_and(|v| v.starts_with("1.")));
    // AAD with local accounts on: the admin kubeconfig is read, and stays secret.
    assert_eq!(out["admin_host"]["sensitive"], true);
    let r = run(dir.path(), &["output", "-raw", "admin_host"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("https://aksfull-"), "{}", r.stdout);

    // A second plan changes nothing, and knows every computed value.
    let r = run(dir.path(), &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("No changes"), "{}", r.stdout);
    assert!(!r.stdout.contains("known after apply"), "{}", r.stdout);

    // The same identities after an update in place.
    let tagged = CONFIG.replace("env = \"test\"", "env = \"prod\"");
    write(dir.path(), &[("main.tf", &tagged)]);
    // An update in place knows what Azure computed: nothing is unknown again.
    let r = run(dir.path(), &["plan", "-no-color"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("1 to change"), "{}", r.stdout);
    assert!(!r.stdout.contains("known after apply"), "{}", r.stdout);
    let r = run(dir.path(), &["apply", "--auto-approve", "-no-color"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("1 changed"), "{}", r.stdout);
    let again = outputs(dir.path());
    for k in ["kubelet_object_id", "oms_object_id", "oidc_issuer_url"] {
        assert_eq!(again[k]["value"], value(k), "{k}");
    }

    // Changes made outside: a storage driver, and a maintenance window.
    let r = run(
        dir.path(),
        &[
            "sim",
            "patch",
            &cluster_id(),
            r#"{"properties": {"storageProfile": {"blobCSIDriver": {"enabled": false}}}}"#,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(
        dir.path(),
        &[
            "sim",
            "delete",
            &format!("{}/maintenanceConfigurations/default", cluster_id()),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(dir.path(), &["drift", "--format", "json"]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let report: Json = serde_json::from_str(&r.stdout).unwrap();
    let changed = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "azurerm_kubernetes_cluster.aks")
        .unwrap_or_else(|| panic!("{report:#}"));
    let text = changed.to_string();
    assert!(text.contains("storage_profile"), "{text}");
    assert!(text.contains("maintenance_window"), "{text}");

    // The next apply sets both back.
    let r = run(dir.path(), &["apply", "--auto-approve", "-no-color"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let r = run(dir.path(), &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);

    let r = run(dir.path(), &["destroy", "--auto-approve", "-no-color"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("5 destroyed"), "{}", r.stdout);
}

#[test]
fn values_azurerm_refuses_fail_validate_at_their_line_with_the_valid_ones() {
    let cases = [
        (
            "sku_tier                  = \"Standard\"",
            "sku_tier                  = \"Premuim\"",
            "\"Free\", \"Standard\" or \"Premium\"",
        ),
        (
            "network_plugin      = \"azure\"",
            "network_plugin      = \"azurecni\"",
            "\"azure\", \"kubenet\" or \"none\"",
        ),
        (
            "vm_size         = \"Standard_D4s_v5\"",
            "vm_size         = \"Standard_D4s_v55\"",
            "a VM size Azure offers",
        ),
    ];
    for (good, bad, valid) in cases {
        let dir = tempfile::tempdir().unwrap();
        assert!(CONFIG.contains(good), "{good}");
        let config = CONFIG.replacen(good, bad, 1);
        let line = config.lines().position(|l| l.contains(bad.trim())).unwrap() + 1;
        write(dir.path(), &[("main.tf", &config)]);
        let r = run(dir.path(), &["validate", "-no-color"]);
        assert_eq!(r.code, 1, "{bad}: {}{}", r.stdout, r.stderr);
        let said = format!("{}{}", r.stdout, r.stderr);
        assert!(said.contains(valid), "{bad}: {said}");
        assert!(
            said.contains(&format!("main.tf line {line}")) || said.contains(&format!("main.tf:{line}")),
            "{bad} (line {line}): {said}"
        );
    }
}

#[test]
fn the_cluster_reads_back_as_a_data_source_with_its_identities() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", CONFIG)]);
    let r = run(dir.path(), &["apply", "--auto-approve", "-no-color"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let data = r#"
data "azurerm_kubernetes_cluster" "read" {
  name                = "aks-full"
  resource_group_name = "rg-aks-full"
}

data "azurerm_kubernetes_cluster_node_pool" "apps" {
  name                    = "apps"
  kubernetes_cluster_name = "aks-full"
  resource_group_name     = "rg-aks-full"
}

output "read_kubelet_object_id" {
  value = data.azurerm_kubernetes_cluster.read.kubelet_identity[0].object_id
}

output "read_oms_object_id" {
  value = data.azurerm_kubernetes_cluster.read.oms_agent[0].oms_agent_identity[0].object_id
}

output "read_pool_vm_size" {
  value = data.azurerm_kubernetes_cluster_node_pool.apps.vm_size
}

output "read_pool_drain_timeout" {
  value = data.azurerm_kubernetes_cluster_node_pool.apps.upgrade_settings[0].drain_timeout_in_minutes
}
"#;
    write(dir.path(), &[("data.tf", data)]);
    let r = run(dir.path(), &["apply", "--auto-approve", "-no-color"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let out = outputs(dir.path());
    assert_eq!(
        out["read_kubelet_object_id"]["value"],
        out["kubelet_object_id"]["value"]
    );
    assert_eq!(out["read_oms_object_id"]["value"], out["oms_object_id"]["value"]);
    assert_eq!(out["read_pool_vm_size"]["value"], "Standard_D8s_v5");
    assert_eq!(out["read_pool_drain_timeout"]["value"], 20);
}
