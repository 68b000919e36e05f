//! Requests and responses true to Azure for the monitoring types (Log
//! Analytics, Azure Monitor, data collection, diagnostic settings, Managed
//! Grafana): each type's request checked against the official ARM examples
//! (or, for what no example shows, the type's spec) and an example response
//! read back (see `arm_support`); then what the examples alone cannot show:
//! the calls azurerm makes beyond one PUT, and the ids it keeps.

mod arm_support;

use aksplan::addrs::Mode;
use aksplan::lang::Value;
use aksplan::provider::arm::{ArmClient, ArmError, ArmRequest, ArmResponse, Method};
use aksplan::provider::azurerm::{plan_resource, Azurerm};
use aksplan::provider::catalog::Catalog;
use aksplan::provider::protocol::{ApplyRequest, Provider, ProviderConfig, ReadDataRequest};
use aksplan::schema::SchemaSource;
use arm_support::*;
use serde_json::{json, Value as Json};
use std::sync::Mutex;

const RG_ID: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1";
const WORKSPACES: &str = "Microsoft.OperationalInsights/2026-03-01";
const SETTINGS: &str = "Microsoft.Insights/2021-05-01-preview";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn log_analytics_workspace() {
    check(&Case {
        type_name: "azurerm_log_analytics_workspace",
        config: json!({"name": "oiautorest6685", "resource_group_name": "oiautorest6685",
            "location": "australiasoutheast", "sku": "PerGB2018", "retention_in_days": 30,
            "daily_quota_gb": 5, "internet_ingestion_enabled": true, "internet_query_enabled": false,
            "allow_resource_only_permissions": true, "local_authentication_enabled": false,
            "cmk_for_query_forced": false, "immediate_data_purge_on_30_days_enabled": false,
            "identity": [{"type": "SystemAssigned"}], "tags": {"tag1": "val1"}}),
        examples: &[
            "Microsoft.OperationalInsights/2026-03-01/WorkspacesCreate.json",
            "Microsoft.OperationalInsights/2026-03-01/WorkspacesGet.json",
        ],
        reads: &[
            ("workspace_id", "bc089d7b-485c-4aff-a71e-c00f362d8d2f"),
            ("sku", "PerGB2018"),
            ("retention_in_days", "30"),
            ("internet_query_enabled", "true"),
            ("daily_quota_gb", "-1"),
        ],
        spec: &[
            (
                "properties.workspaceCapping.dailyQuotaGb",
                "Workspaces.json 2022-10-01, WorkspaceCapping",
            ),
            (
                "properties.forceCmkForQuery",
                "Workspaces.json 2022-10-01, WorkspaceProperties",
            ),
            (
                "properties.features.enableLogAccessUsingOnlyResourcePermissions",
                "Workspaces.json 2022-10-01, WorkspaceFeatures",
            ),
            (
                "properties.features.disableLocalAuth",
                "Workspaces.json 2022-10-01, WorkspaceFeatures",
            ),
            (
                "properties.features.immediatePurgeDataOn30Days",
                "Workspaces.json 2022-10-01, WorkspaceFeatures",
            ),
            (
                "identity.type",
                "Workspaces.json 2022-10-01, Workspace.identity (managedidentity v3)",
            ),
        ],
    });
}

#[test]
fn log_analytics_solution() {
    check(&Case {
        type_name: "azurerm_log_analytics_solution",
        config: json!({"solution_name": "solution1", "workspace_name": "ws1", "resource_group_name": "rg1",
            "location": "East US",
            "workspace_resource_id": "/subscriptions/sub2/resourceGroups/rg2/providers/Microsoft.OperationalInsights/workspaces/ws1",
            "plan": [{"publisher": "publisher1", "product": "product1", "promotion_code": "promocode1"}]}),
        examples: &[
            "Microsoft.OperationsManagement/2015-11-01-preview/SolutionCreate.json",
            "Microsoft.OperationsManagement/2015-11-01-preview/SolutionGet.json",
        ],
        reads: &[
            ("plan.0.name", "name1"),
            ("plan.0.product", "product1"),
            (
                "workspace_resource_id",
                "/subscriptions/sub2/resourceGroups/rg2/providers/Microsoft.OperationalInsights/workspaces/ws1",
            ),
        ],
        spec: &[],
    });
}

#[test]
fn monitor_workspace() {
    check(&Case {
        type_name: "azurerm_monitor_workspace",
        config: json!({"name": "myAzureMonitorWorkspace", "resource_group_name": "myResourceGroup",
            "location": "eastus", "public_network_access_enabled": true, "tags": {"tag1": "A"}}),
        examples: &[
            "Microsoft.Monitor/2023-04-03/AzureMonitorWorkspacesCreate.json",
            "Microsoft.Monitor/2023-04-03/AzureMonitorWorkspacesGet.json",
        ],
        reads: &[
            (
                "query_endpoint",
                "https://myAzureMonitorWorkspace-v8hx.eastus.prometheus.monitor.azure.com",
            ),
            (
                "default_data_collection_rule_id",
                "/subscriptions/703362b3-f278-4e4b-9179-c76eaf41ffc2/resourceGroups/MA_myAzureMonitorWorkspace_eastus_managed/providers/Microsoft.Insights/dataCollectionRules/myAzureMonitorWorkspace",
            ),
            ("public_network_access_enabled", "true"),
        ],
        spec: &[],
    });
}

#[test]
fn data_collection_rule() {
    let law = "/subscriptions/703362b3-f278-4e4b-9179-c76eaf41ffc2/resourceGroups/myResourceGroup/providers/Microsoft.OperationalInsights/workspaces/centralTeamWorkspace";
    check(&Case {
        type_name: "azurerm_monitor_data_collection_rule",
        config: json!({"name": "myCollectionRule", "resource_group_name": "myResourceGroup", "location": "eastus",
            "kind": "Linux", "description": "collects",
            "destinations": [{"log_analytics": [{"name": "centralWorkspace", "workspace_resource_id": law}],
                "azure_monitor_metrics": [{"name": "metrics"}]}],
            "data_flow": [{"streams": ["Microsoft-Perf", "Microsoft-Syslog"], "destinations": ["centralWorkspace"],
                "transform_kql": "source", "output_stream": "Custom-MyTable_CL"}],
            "data_sources": [{
                "performance_counter": [{"name": "cloudTeamCoreCounters", "streams": ["Microsoft-Perf"],
                    "sampling_frequency_in_seconds": 15, "counter_specifiers": ["\\Memory\\Committed Bytes"]}],
                "syslog": [{"name": "cronSyslog", "streams": ["Microsoft-Syslog"], "facility_names": ["cron"],
                    "log_levels": ["Debug", "Critical"]}],
                "windows_event_log": [{"name": "cloudSecurityTeamEvents", "streams": ["Microsoft-WindowsEvent"],
                    "x_path_queries": ["Security!"]}],
                "prometheus_forwarder": [{"name": "prom", "streams": ["Microsoft-PrometheusMetrics"],
                    "label_include_filter": [{"label": "microsoft_metrics_include_label", "value": "yes"}]}],
                "extension": [{"name": "ext", "extension_name": "AzureSecurityLinuxAgent",
                    "streams": ["Microsoft-Syslog"], "extension_json": "{\"scanners\":[]}"}],
                "data_import": [{"event_hub_data_source": [{"name": "hub", "stream": "Custom-MyTable_CL",
                    "consumer_group": "cg"}]}]}],
            "stream_declaration": [{"stream_name": "Custom-MyTable_CL",
                "column": [{"name": "TimeGenerated", "type": "datetime"}]}],
            "tags": {"tag1": "A"}}),
        examples: &[
            "Microsoft.Insights/2024-03-11/DataCollectionRulesCreate.json",
            "Microsoft.Insights/2024-03-11/DataCollectionRulesGet.json",
        ],
        reads: &[
            ("immutable_id", "dcr-b74e0d383fc9415abaa584ec41adece3"),
            ("data_sources.0.syslog.1.name", "syslogBase"),
            ("destinations.0.log_analytics.0.name", "centralWorkspace"),
            ("data_flow.0.streams", r#"["Microsoft-Perf","Microsoft-Syslog","Microsoft-WindowsEvent"]"#),
        ],
        spec: &[
            ("kind", "dataCollectionRules_API.json 2023-03-11, DataCollectionRuleResource.kind"),
            ("properties.description", "dataCollectionRules_API.json 2023-03-11, DataCollectionRule.description"),
            ("properties.destinations.azureMonitorMetrics.name", "dataCollectionRules_API.json 2023-03-11, DestinationsSpec.azureMonitorMetrics"),
            ("properties.dataFlows[].transformKql", "dataCollectionRules_API.json 2023-03-11, DataFlow.transformKql"),
            ("properties.dataFlows[].outputStream", "dataCollectionRules_API.json 2023-03-11, DataFlow.outputStream"),
            (
                "properties.dataSources.prometheusForwarder[].name",
                "dataCollectionRules_API.json 2023-03-11, DataSourcesSpec.prometheusForwarder",
            ),
            (
                "properties.dataSources.prometheusForwarder[].streams[]",
                "dataCollectionRules_API.json 2023-03-11, PrometheusForwarderDataSource.streams",
            ),
            (
                "properties.dataSources.prometheusForwarder[].labelIncludeFilter.microsoft_metrics_include_label",
                "dataCollectionRules_API.json 2023-03-11, PrometheusForwarderDataSource.labelIncludeFilter (a map)",
            ),
            ("properties.dataSources.extensions[].name", "dataCollectionRules_API.json 2023-03-11, ExtensionDataSource"),
            ("properties.dataSources.extensions[].extensionName", "dataCollectionRules_API.json 2023-03-11, ExtensionDataSource"),
            ("properties.dataSources.extensions[].streams[]", "dataCollectionRules_API.json 2023-03-11, ExtensionDataSource"),
            ("properties.dataSources.extensions[].extensionSettings.scanners", "dataCollectionRules_API.json 2023-03-11, ExtensionDataSource.extensionSettings (an object)"),
            ("properties.dataSources.dataImports.eventHub.name", "dataCollectionRules_API.json 2023-03-11, DataImportSources.eventHub (one object)"),
            ("properties.dataSources.dataImports.eventHub.stream", "dataCollectionRules_API.json 2023-03-11, EventHubDataSource"),
            ("properties.dataSources.dataImports.eventHub.consumerGroup", "dataCollectionRules_API.json 2023-03-11, EventHubDataSource"),
            (
                "properties.streamDeclarations.Custom-MyTable_CL.columns[].name",
                "dataCollectionRules_API.json 2023-03-11, DataCollectionRule.streamDeclarations (a map of StreamDeclaration)",
            ),
            ("properties.streamDeclarations.Custom-MyTable_CL.columns[].type", "dataCollectionRules_API.json 2023-03-11, ColumnDefinition"),
        ],
    });
}

#[test]
fn data_collection_rule_association() {
    check(&Case {
        type_name: "azurerm_monitor_data_collection_rule_association",
        config: json!({"name": "myAssociation", "description": "the VM's",
            "target_resource_id": "/subscriptions/703362b3-f278-4e4b-9179-c76eaf41ffc2/resourceGroups/myResourceGroup/providers/Microsoft.Compute/virtualMachines/myVm",
            "data_collection_rule_id": "/subscriptions/703362b3-f278-4e4b-9179-c76eaf41ffc2/resourceGroups/myResourceGroup/providers/Microsoft.Insights/dataCollectionRules/myCollectionRule"}),
        examples: &[
            "Microsoft.Insights/2024-03-11/DataCollectionRuleAssociationsCreate.json",
            "Microsoft.Insights/2024-03-11/DataCollectionRuleAssociationsGet.json",
        ],
        reads: &[
            ("name", "myAssociation"),
            (
                "target_resource_id",
                "/subscriptions/703362b3-f278-4e4b-9179-c76eaf41ffc2/resourceGroups/myResourceGroup/providers/Microsoft.Compute/virtualMachines/myVm",
            ),
        ],
        spec: &[(
            "properties.description",
            "dataCollectionRuleAssociations_API.json 2023-03-11, DataCollectionRuleAssociation.description",
        )],
    });
}

#[test]
fn diagnostic_setting() {
    const TARGET: &str = "/subscriptions/1a66ce04-b633-4a0b-b2bc-a912ec8986a6/resourcegroups/viruela1/providers/microsoft.logic/workflows/viruela6";
    let target = TARGET;
    check(&Case {
        type_name: "azurerm_monitor_diagnostic_setting",
        config: json!({"name": "mysetting", "target_resource_id": target,
            "storage_account_id": "/subscriptions/df602c9c-7aa0-407d-a6fb-eb20c8bd1192/resourceGroups/apptest/providers/Microsoft.Storage/storageAccounts/appteststorage1",
            "eventhub_authorization_rule_id": "/subscriptions/1a66ce04-b633-4a0b-b2bc-a912ec8986a6/resourceGroups/montest/providers/microsoft.eventhub/namespaces/mynamespace/authorizationrules/myrule",
            "eventhub_name": "myeventhub",
            "partner_solution_id": "/subscriptions/abcdeabc-1234-1234-ab12-123a1234567a/resourceGroups/test-rg/providers/Microsoft.Datadog/monitors/dd1",
            "log_analytics_destination_type": "Dedicated",
            "enabled_log": [{"category_group": "allLogs", "retention_policy": [{"enabled": false, "days": 0}]},
                {"category": "WorkflowRuntime"}],
            "enabled_metric": [{"category": "WorkflowMetrics"}]}),
        examples: &[
            "Microsoft.Insights/2021-05-01-preview/createOrUpdateDiagnosticSetting.json",
            "Microsoft.Insights/2021-05-01-preview/getDiagnosticSetting.json",
        ],
        reads: &[
            ("id", concat!(
                "/subscriptions/1a66ce04-b633-4a0b-b2bc-a912ec8986a6/resourcegroups/viruela1/providers/microsoft.logic/workflows/viruela6",
                "|mysetting"
            )),
            ("target_resource_id", TARGET),
            ("enabled_log.0.category_group", "allLogs"),
            ("enabled_metric.0.category", "WorkflowMetrics"),
            ("metric.0.enabled", "true"),
            ("log_analytics_destination_type", "Dedicated"),
        ],
        spec: &[(
            "properties.logs[].category",
            "diagnosticsSettings_API.json 2021-05-01-preview, LogSettings.category",
        )],
    });
}

#[test]
fn dashboard_grafana() {
    const AMW: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/myResourceGroup/providers/microsoft.monitor/accounts/myAzureMonitorWorkspace";
    check(&Case {
        type_name: "azurerm_dashboard_grafana",
        config: json!({"name": "myWorkspace", "resource_group_name": "myResourceGroup", "location": "West US",
            "grafana_major_version": "11", "sku": "Standard", "api_key_enabled": true,
            "deterministic_outbound_ip_enabled": true, "public_network_access_enabled": true,
            "zone_redundancy_enabled": true, "auto_generated_domain_name_label_scope": "TenantReuse",
            "identity": [{"type": "SystemAssigned"}],
            "azure_monitor_workspace_integrations": [{"resource_id": AMW}],
            "smtp": [{"enabled": true, "host": "smtp.sendemail.com:587", "user": "username", "password": "p4ss",
                "from_address": "test@sendemail.com", "from_name": "emailsender",
                "start_tls_policy": "OpportunisticStartTLS", "verification_skip_enabled": true}],
            "tags": {"Environment": "Dev"}}),
        examples: &[
            "Microsoft.Dashboard/2024-10-01/Grafana_Create.json",
            "Microsoft.Dashboard/2025-08-01/Grafana_Get.json",
        ],
        reads: &[
            ("endpoint", "https://myworkspace-abcdefghijklmnop.wus.grafana.azure.com"),
            ("grafana_version", "9.4.5"),
            ("api_key_enabled", "true"),
            ("zone_redundancy_enabled", "true"),
            ("smtp.0.password", "p4ss"),
            ("azure_monitor_workspace_integrations.0.resource_id", AMW),
        ],
        spec: &[],
    });
}

/// Answers GETs with `doc`, POSTs with `keys`; keeps what was sent.
struct Workspace {
    doc: Json,
    keys: Json,
    sent: Mutex<Vec<ArmRequest>>,
}

impl ArmClient for Workspace {
    async fn send(&self, req: ArmRequest) -> Result<ArmResponse, ArmError> {
        let mut sent = self.sent.lock().unwrap();
        let put_yet = sent.iter().any(|r| r.method == Method::Put);
        sent.push(req.clone());
        let body = match req.method {
            Method::Get if !put_yet && req.path.contains("/workspaces/new") => {
                return Err(ArmError::not_found(&req.path))
            }
            Method::Post => self.keys.clone(),
            Method::Delete => Json::Null,
            _ => self.doc.clone(),
        };
        Ok(ArmResponse { status: 200, body })
    }

    fn describe(&self) -> String {
        "workspace".into()
    }

    fn subscription(&self) -> &str {
        SUB
    }

    fn tenant(&self) -> &str {
        "11111111-1111-1111-1111-111111111111"
    }
}

fn workspace_client() -> Workspace {
    Workspace {
        doc: fixture(&format!("{WORKSPACES}/WorkspacesGet.json"))["responses"]["200"]["body"].clone(),
        keys: fixture(&format!("{WORKSPACES}/WorkspacesGetSharedKeys.json"))["responses"]["200"]["body"].clone(),
        sent: Mutex::new(Vec::new()),
    }
}

#[test]
fn the_workspace_data_source_reads_the_keys_with_the_shared_keys_action_of_2020_08_01() {
    let catalog = Catalog::embedded();
    let schema = catalog.schema(Mode::Data, "azurerm_log_analytics_workspace").unwrap();
    let provider = Azurerm::new(workspace_client(), catalog.schemas("azurerm"));
    let config = Value::from_json(&json!({"name": "oiautorest6685", "resource_group_name": "oiautorest6685"}));
    let answer = runtime().block_on(provider.read_data(ReadDataRequest {
        schema,
        provider: &ProviderConfig::default(),
        config: &config,
        now: std::time::SystemTime::now(),
    }));
    assert!(!answer.diags.has_errors(), "{:?}", answer.diags);
    let v = answer.value.unwrap();
    let get = |k: &str| v.get(k).map(Value::to_json);
    assert_eq!(get("workspace_id"), Some(json!("5b02755b-5bf4-430c-9487-45502a2a7e62")));
    assert_eq!(get("primary_shared_key"), Some(json!("<primarySharedKey>")));
    assert_eq!(get("secondary_shared_key"), Some(json!("<secondarySharedKey>")));
    assert_eq!(get("daily_quota_gb"), Some(json!(-1)), "no cap in the answer");
    let sent = provider.client.sent.lock().unwrap();
    let post = sent.iter().find(|r| r.method == Method::Post).unwrap();
    // On the id Azure answers with (the example's has a short subscription).
    assert_eq!(
        post.path,
        "/subscriptions/00000000-0000-0000-0000-00000000000/resourcegroups/oiautorest6685/providers/microsoft.operationalinsights/workspaces/oiautorest6685/sharedKeys"
    );
    assert_eq!(post.api_version, "2020-08-01");
    let read = sent.iter().find(|r| r.method == Method::Get).unwrap();
    assert_eq!(read.api_version, "2022-10-01");
}

#[test]
fn a_workspace_is_created_before_its_default_rule_is_set() {
    let catalog = Catalog::embedded();
    let schema = catalog
        .schema(Mode::Managed, "azurerm_log_analytics_workspace")
        .unwrap();
    let provider = Azurerm::new(workspace_client(), catalog.schemas("azurerm"));
    let rule = format!("{RG_ID}/providers/Microsoft.Insights/dataCollectionRules/default");
    let config = json!({"name": "new", "resource_group_name": "rg1", "location": "eastus",
        "data_collection_rule_id": rule});
    let planned = plan_resource(schema, None, &Value::from_json(&config), SUB).value;
    let answer = runtime().block_on(provider.apply(ApplyRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: None,
        planned: Some(&planned),
        now: std::time::SystemTime::now(),
    }));
    assert!(!answer.diags.has_errors(), "{:?}", answer.diags);
    let sent = provider.client.sent.lock().unwrap();
    let puts: Vec<&Json> = sent
        .iter()
        .filter(|r| r.method == Method::Put)
        .map(|r| r.body.as_ref().unwrap())
        .collect();
    assert_eq!(puts.len(), 2, "a create, then the update that sets the rule");
    assert!(puts[0]
        .pointer("/properties/defaultDataCollectionRuleResourceId")
        .is_none());
    assert_eq!(
        puts[1]["properties"]["defaultDataCollectionRuleResourceId"],
        json!(rule)
    );
}

#[test]
fn a_diagnostic_setting_is_called_by_its_arm_id_and_kept_by_azurerms() {
    let catalog = Catalog::embedded();
    let schema = catalog
        .schema(Mode::Managed, "azurerm_monitor_diagnostic_setting")
        .unwrap();
    let created = fixture(&format!("{SETTINGS}/getDiagnosticSetting.json"))["responses"]["200"]["body"].clone();
    let provider = Azurerm::new(
        Replay {
            created,
            sent: Mutex::new(Vec::new()),
        },
        catalog.schemas("azurerm"),
    );
    let aks = format!("{RG_ID}/providers/Microsoft.ContainerService/managedClusters/aks");
    let config = json!({"name": "mysetting", "target_resource_id": aks,
        "log_analytics_workspace_id": format!("{RG_ID}/providers/Microsoft.OperationalInsights/workspaces/law"),
        "enabled_log": [{"category": "kube-audit"}]});
    let planned = plan_resource(schema, None, &Value::from_json(&config), SUB).value;
    assert_eq!(
        planned.get("id").and_then(Value::as_str),
        Some(format!("{aks}|mysetting").as_str())
    );
    let rt = runtime();
    let answer = rt.block_on(provider.apply(ApplyRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: None,
        planned: Some(&planned),
        now: std::time::SystemTime::now(),
    }));
    assert!(!answer.diags.has_errors(), "{:?}", answer.diags);
    let arm_id = format!("{aks}/providers/Microsoft.Insights/diagnosticSettings/mysetting");
    {
        let sent = provider.client.sent.lock().unwrap();
        assert!(
            sent.iter().all(|r| r.path == arm_id),
            "{:?}",
            sent.iter().map(|r| &r.path).collect::<Vec<_>>()
        );
        assert!(sent.iter().any(|r| r.method == Method::Put));
    }
    // The example's answer is another target's setting: its id is kept as azurerm keeps it.
    let state = answer.value.unwrap();
    assert_eq!(
        state.get("id").and_then(Value::as_str),
        Some("/subscriptions/1a66ce04-b633-4a0b-b2bc-a912ec8986a6/resourcegroups/viruela1/providers/microsoft.logic/workflows/viruela6|mysetting")
    );
    // A destroy of a state azurerm wrote calls the ARM id.
    let prior = Value::from_json(&json!({"id": format!("{aks}|mysetting")}));
    let gone = rt.block_on(provider.apply(ApplyRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: Some(&prior),
        planned: None,
        now: std::time::SystemTime::now(),
    }));
    assert!(!gone.diags.has_errors(), "{:?}", gone.diags);
    let sent = provider.client.sent.lock().unwrap();
    let delete = sent.iter().find(|r| r.method == Method::Delete).unwrap();
    assert_eq!(delete.path, arm_id);
    assert_eq!(delete.api_version, "2021-05-01-preview");
}
