//! The monitoring types through the real binary, against the simulation:
//! a configuration with every one of them, and the AKS use (a cluster's
//! `oms_agent` sending to a Log Analytics workspace, a diagnostic setting on
//! the cluster, a data collection rule associated with it), applies, plans
//! clean right after, shows drift made outside, and destroys; what azurerm
//! refuses is refused at validate.

mod common;

use common::{run, write, Run};
use serde_json::Value as Json;
use std::path::Path;

const RG: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-monitor";

const CONFIG: &str = r#"provider "azurerm" {
  features {}
}

resource "azurerm_resource_group" "rg" {
  name     = "rg-monitor"
  location = "westeurope"
}

resource "azurerm_resource_provider_registration" "monitor" {
  name = "Microsoft.Monitor"
}

resource "azurerm_resource_provider_registration" "dashboard" {
  name = "Microsoft.Dashboard"
}

resource "azurerm_log_analytics_workspace" "law" {
  name                = "law-monitor"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  retention_in_days   = 30
  tags                = { team = "platform" }
}

data "azurerm_log_analytics_workspace" "law" {
  name                = azurerm_log_analytics_workspace.law.name
  resource_group_name = azurerm_resource_group.rg.name
}

resource "azurerm_log_analytics_solution" "ci" {
  solution_name         = "ContainerInsights"
  workspace_name        = azurerm_log_analytics_workspace.law.name
  workspace_resource_id = azurerm_log_analytics_workspace.law.id
  location              = azurerm_resource_group.rg.location
  resource_group_name   = azurerm_resource_group.rg.name

  plan {
    publisher = "Microsoft"
    product   = "OMSGallery/ContainerInsights"
  }
}

resource "azurerm_monitor_workspace" "amw" {
  name                = "amw-monitor"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  depends_on          = [azurerm_resource_provider_registration.monitor]
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks-monitor"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  dns_prefix          = "aksmonitor"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 2
  }

  identity {
    type = "SystemAssigned"
  }

  oms_agent {
    log_analytics_workspace_id      = azurerm_log_analytics_workspace.law.id
    msi_auth_for_monitoring_enabled = true
  }

}

resource "azurerm_monitor_data_collection_rule" "prometheus" {
  name                = "dcr-prometheus"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  kind                = "Linux"

  destinations {
    monitor_account {
      monitor_account_id = azurerm_monitor_workspace.amw.id
      name               = "amw"
    }
    log_analytics {
      workspace_resource_id = azurerm_log_analytics_workspace.law.id
      name                  = "law"
    }
  }

  data_flow {
    streams      = ["Microsoft-PrometheusMetrics"]
    destinations = ["amw"]
  }

  data_flow {
    streams      = ["Microsoft-ContainerInsights-Group-Default"]
    destinations = ["law"]
  }

  data_sources {
    prometheus_forwarder {
      name    = "PrometheusDataSource"
      streams = ["Microsoft-PrometheusMetrics"]
    }
    extension {
      name           = "ContainerInsightsExtension"
      extension_name = "ContainerInsights"
      streams        = ["Microsoft-ContainerInsights-Group-Default"]
      extension_json = jsonencode({
        dataCollectionSettings = {
          interval               = "1m"
          namespaceFilteringMode = "Off"
        }
      })
    }
  }
}

resource "azurerm_monitor_data_collection_rule_association" "aks" {
  name                    = "dcra-aks"
  target_resource_id      = azurerm_kubernetes_cluster.aks.id
  data_collection_rule_id = azurerm_monitor_data_collection_rule.prometheus.id
  description             = "Prometheus and Container Insights of the cluster"
}

resource "azurerm_monitor_diagnostic_setting" "aks" {
  name                       = "aks-diagnostics"
  target_resource_id         = azurerm_kubernetes_cluster.aks.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.law.id

  enabled_log {
    category = "kube-audit-admin"
  }

  enabled_log {
    category_group = "allLogs"
  }

  enabled_metric {
    category = "AllMetrics"
  }
}

resource "azurerm_dashboard_grafana" "grafana" {
  name                  = "graf-monitor"
  location              = azurerm_resource_group.rg.location
  resource_group_name   = azurerm_resource_group.rg.name
  grafana_major_version = "11"

  identity {
    type = "SystemAssigned"
  }

  azure_monitor_workspace_integrations {
    resource_id = azurerm_monitor_workspace.amw.id
  }

  depends_on = [azurerm_resource_provider_registration.dashboard]
}

output "workspace_id" {
  value = data.azurerm_log_analytics_workspace.law.workspace_id
}

output "primary_shared_key" {
  value     = data.azurerm_log_analytics_workspace.law.primary_shared_key
  sensitive = true
}

output "grafana_endpoint" {
  value = azurerm_dashboard_grafana.grafana.endpoint
}

output "query_endpoint" {
  value = azurerm_monitor_workspace.amw.query_endpoint
}
"#;

fn applied() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", CONFIG)]);
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("Apply complete! Resources: 11 added"), "{}", r.stdout);
    dir
}

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

fn state(dir: &Path) -> Json {
    serde_json::from_str(&std::fs::read_to_string(dir.join("aksplan.tfstate")).unwrap()).unwrap()
}

/// The attributes of a resource in state, by address.
fn attributes(dir: &Path, address: &str) -> Json {
    state(dir)["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} is not in state"))["attributes"]
        .clone()
}

fn clean_plan(dir: &Path) {
    let r = run(dir, &["plan", "--detailed-exitcode"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("No changes."), "{}", r.stdout);
    assert!(!r.stderr.contains("not sent to Azure"), "{}", r.stderr);
}

#[test]
fn every_monitoring_type_applies_plans_clean_drifts_and_destroys() {
    let dir = applied();
    let d = dir.path();
    clean_plan(d);

    // What Azure computes reads back, and the keys stay out of the output.
    let law = attributes(d, "azurerm_log_analytics_workspace.law");
    let key = law["primary_shared_key"].as_str().unwrap();
    assert!(key.len() > 40, "{law}");
    let r = run(d, &["output", "-json"]);
    ok(&r);
    let outputs: Json = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(outputs["workspace_id"]["value"], law["workspace_id"]);
    assert_eq!(outputs["primary_shared_key"]["sensitive"], true);
    assert!(outputs["grafana_endpoint"]["value"]
        .as_str()
        .unwrap()
        .ends_with(".weu.grafana.azure.com"));
    assert!(outputs["query_endpoint"]["value"]
        .as_str()
        .unwrap()
        .ends_with(".westeurope.prometheus.monitor.azure.com"));
    let r = run(d, &["output"]);
    assert!(!r.stdout.contains(key), "{}", r.stdout);
    let aks = attributes(d, "azurerm_kubernetes_cluster.aks");
    assert_eq!(aks["oms_agent"][0]["log_analytics_workspace_id"], law["id"]);
    let rule = attributes(d, "azurerm_monitor_data_collection_rule.prometheus");
    assert!(rule["immutable_id"].as_str().unwrap().starts_with("dcr-"));
    let setting = attributes(d, "azurerm_monitor_diagnostic_setting.aks");
    let cluster = format!("{RG}/providers/Microsoft.ContainerService/managedClusters/aks-monitor");
    assert_eq!(setting["id"], format!("{cluster}|aks-diagnostics"), "azurerm's id");
    let association = attributes(d, "azurerm_monitor_data_collection_rule_association.aks");
    assert_eq!(
        association["id"],
        format!("{cluster}/providers/Microsoft.Insights/dataCollectionRuleAssociations/dcra-aks")
    );

    // Changes made outside, in Azure's own terms, are named as drift.
    let grafana = format!("{RG}/providers/Microsoft.Dashboard/grafana/graf-monitor");
    ok(&run(
        d,
        &["sim", "patch", &grafana, r#"{"properties": {"apiKey": "Enabled"}}"#],
    ));
    let arm_setting = format!("{cluster}/providers/Microsoft.Insights/diagnosticSettings/aks-diagnostics");
    ok(&run(
        d,
        &["sim", "patch", &arm_setting, r#"{"properties": {"workspaceId": null}}"#],
    ));
    let r = run(d, &["drift"]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("api_key_enabled: false -> true"), "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!(
            "azurerm_monitor_diagnostic_setting.aks ({cluster}|aks-diagnostics)"
        )),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("log_analytics_workspace_id: \"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-monitor\" -> (absent)"),
        "{}",
        r.stdout
    );

    let r = run(d, &["destroy", "--auto-approve"]);
    ok(&r);
    assert!(r.stdout.contains("11 destroyed"), "{}", r.stdout);
    let r = run(d, &["sim", "list"]);
    ok(&r);
    assert_eq!(r.stdout.trim(), "", "nothing is left in the simulation");
}

#[test]
fn a_diagnostic_setting_imports_by_azurerms_id_and_is_replaced_with_its_cluster() {
    let dir = applied();
    let d = dir.path();
    let setting = "azurerm_monitor_diagnostic_setting.aks";
    let id = format!("{RG}/providers/Microsoft.ContainerService/managedClusters/aks-monitor|aks-diagnostics");
    ok(&run(d, &["state", "rm", setting]));
    let r = run(d, &["import", setting, &id]);
    ok(&r);
    assert!(r.stdout.contains("Import successful!"), "{}", r.stdout);
    assert_eq!(attributes(d, setting)["id"], id);
    clean_plan(d);

    // Azure deletes the setting with the cluster it is on.
    let replaced = CONFIG.replace(
        r#"dns_prefix          = "aksmonitor""#,
        r#"dns_prefix          = "aksmonitor2""#,
    );
    write(d, &[("main.tf", &replaced)]);
    let r = run(d, &["plan"]);
    ok(&r);
    assert!(
        r.stdout
            .contains("# azurerm_monitor_diagnostic_setting.aks must be replaced"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Plan: 3 to add, 0 to change, 3 to destroy."),
        "{}",
        r.stdout
    );
}

#[test]
fn a_workspace_keeps_its_id_and_keys_when_changed_in_place() {
    let dir = applied();
    let d = dir.path();
    let before = attributes(d, "azurerm_log_analytics_workspace.law");
    let changed = CONFIG
        .replace("retention_in_days   = 30", "retention_in_days   = 90")
        .replace(
            r#"tags                = { team = "platform" }"#,
            r#"local_authentication_enabled = false"#,
        );
    write(d, &[("main.tf", &changed)]);
    let r = run(d, &["apply", "--auto-approve"]);
    ok(&r);
    assert!(
        r.stdout
            .contains("azurerm_log_analytics_workspace.law: Modifications complete")
            && r.stdout.contains("Resources: 0 added, 1 changed, 0 destroyed."),
        "{}",
        r.stdout
    );
    let after = attributes(d, "azurerm_log_analytics_workspace.law");
    assert_eq!(after["retention_in_days"], 90);
    assert_eq!(after["local_authentication_enabled"], false);
    assert_eq!(after["local_authentication_disabled"], true);
    assert_eq!(after["workspace_id"], before["workspace_id"]);
    assert_eq!(after["primary_shared_key"], before["primary_shared_key"]);
    clean_plan(d);
}

#[test]
fn values_azurerm_refuses_are_refused_at_validate_with_the_valid_ones() {
    let dir = tempfile::tempdir().unwrap();
    let bad = CONFIG
        .replace(r#"grafana_major_version = "11""#, r#"grafana_major_version = "10""#)
        .replace(r#"kind                = "Linux""#, r#"kind                = "linux""#)
        .replace(
            r#"retention_in_days   = 30"#,
            r#"retention_in_days   = 30
  sku                 = "PerGB""#,
        );
    write(dir.path(), &[("main.tf", &bad)]);
    let r = run(dir.path(), &["validate"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    for said in [
        r#"grafana_major_version must be "11" or "12", not "10""#,
        r#"kind must be "Linux", "Windows", "AgentDirectToStore" or "WorkspaceTransforms", not "linux""#,
        r#"sku must be "PerGB2018", "PerNode", "Premium", "Standalone", "Standard", "CapacityReservation", "LACluster" or "Unlimited", not "PerGB""#,
    ] {
        assert!(common::flat(&r.stderr).contains(said), "{said}\n{}", r.stderr);
    }
}
