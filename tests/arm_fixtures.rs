//! Requests and responses true to Azure, for the types aksplan had first:
//! each type's request checked against the official ARM examples and an
//! example response read back (see `arm_support`).

mod arm_support;

use aksplan::addrs::Mode;
use aksplan::lang::Value;
use aksplan::provider::arm::Method;
use aksplan::provider::azurerm::{plan_resource, Azurerm};
use aksplan::provider::catalog::Catalog;
use aksplan::provider::protocol::{ApplyRequest, Provider, ProviderConfig};
use aksplan::schema::SchemaSource;
use arm_support::*;
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::Mutex;

const RG_ID: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1";

#[test]
fn resource_group() {
    check(&Case {
        type_name: "azurerm_resource_group",
        config: json!({"name": "my-resource-group", "location": "eastus", "tags": {"env": "dev"}}),
        examples: &["Microsoft.Resources/2025-04-01/CreateResourceGroup.json"],
        reads: &[("name", "my-resource-group"), ("location", "eastus")],
        spec: &[],
    });
}

#[test]
fn virtual_network() {
    check(&Case {
        type_name: "azurerm_virtual_network",
        config: json!({"name": "test-vnet", "resource_group_name": "rg1", "location": "eastus",
            "address_space": ["10.0.0.0/16"], "tags": {"a": "b"}}),
        examples: &[
            "Microsoft.Network/2026-01-01/VirtualNetworkCreate.json",
            "Microsoft.Network/2026-01-01/VirtualNetworkGet.json",
            "Microsoft.Network/2026-01-01/VirtualNetworkCreateSubnetWithDelegation.json",
        ],
        reads: &[("name", "test-vnet"), ("address_space", r#"["10.0.0.0/16"]"#)],
        spec: &[],
    });
}

#[test]
fn subnet_with_delegation() {
    check(&Case {
        type_name: "azurerm_subnet",
        config: json!({"name": "subnet1", "resource_group_name": "rg1", "virtual_network_name": "vnetname",
            "address_prefixes": ["10.0.0.0/16"],
            "delegation": [{"name": "aks", "service_delegation": [{"name": "Microsoft.ContainerService/managedClusters"}]}]}),
        examples: &[
            "Microsoft.Network/2026-01-01/SubnetCreateWithDelegation.json",
            "Microsoft.Network/2026-01-01/SubnetCreate.json",
            "Microsoft.Network/2026-01-01/SubnetGet.json",
        ],
        reads: &[("name", "subnet1"), ("address_prefixes", r#"["10.0.0.0/16"]"#)],
        spec: &[(
            "properties.addressPrefixes[]",
            "virtualNetwork.json 2026-01-01, SubnetPropertiesFormat.addressPrefixes",
        )],
    });
}

#[test]
fn user_assigned_identity() {
    check(&Case {
        type_name: "azurerm_user_assigned_identity",
        config: json!({"name": "identityName", "resource_group_name": "rgName", "location": "eastus",
            "tags": {"key1": "value1"}}),
        examples: &[
            "Microsoft.ManagedIdentity/2024-11-30/IdentityCreate.json",
            "Microsoft.ManagedIdentity/2024-11-30/IdentityGet.json",
        ],
        reads: &[
            ("name", "identityName"),
            ("principal_id", "25cc773c-7f05-40fc-a104-32d2300754ad"),
            ("client_id", "4024ab25-56a8-4370-aea6-6389221caf29"),
        ],
        spec: &[],
    });
}

#[test]
fn role_assignment() {
    check(&Case {
        type_name: "azurerm_role_assignment",
        config: json!({"scope": RG_ID, "role_definition_name": "Network Contributor",
            "principal_id": "ce2ce14e-85d7-4629-bdbc-454d0519d987", "principal_type": "User"}),
        examples: &[
            "Microsoft.Authorization/2022-04-01/RoleAssignments_CreateForResourceGroup.json",
            "Microsoft.Authorization/2022-04-01/RoleAssignments_CreateForResource.json",
            "Microsoft.Authorization/2022-04-01/RoleAssignments_Get.json",
        ],
        reads: &[("principal_id", "ce2ce14e-85d7-4629-bdbc-454d0519d987")],
        spec: &[],
    });
}

#[test]
fn kubernetes_cluster() {
    check(&Case {
        type_name: "azurerm_kubernetes_cluster",
        config: json!({"name": "clustername1", "resource_group_name": "rg1", "location": "location1",
            "dns_prefix": "dnsprefix1", "kubernetes_version": "1.31.2", "tags": {"tier": "production"},
            "default_node_pool": [{"name": "nodepool1", "vm_size": "Standard_DS1_v2", "node_count": 3}],
            "identity": [{"type": "SystemAssigned"}],
            "network_profile": [{"network_plugin": "azure", "load_balancer_sku": "standard", "outbound_type": "loadBalancer"}]}),
        examples: &[
            "Microsoft.ContainerService/2026-07-01/ManagedClustersCreate_Update.json",
            "Microsoft.ContainerService/2026-08-01/ManagedClustersGet.json",
            "Microsoft.ContainerService/2026-08-01/ManagedClustersCreate_ManagedNATGateway.json",
            "Microsoft.ContainerService/2026-08-01/ManagedClustersCreate_AzureKeyvaultSecretsProvider.json",
            "Microsoft.ContainerService/2026-07-01/ManagedClustersCreate_PrivateClusterFQDNSubdomain.json",
            "Microsoft.ContainerService/2026-07-01/ManagedClustersCreate_UserAssignedNATGateway.json",
            "Microsoft.ContainerService/2026-05-01/ManagedClustersCreate_PrivateClusterPublicFQDN.json",
        ],
        reads: &[
            ("name", "clustername1"),
            ("dns_prefix", "dnsprefix1"),
            ("default_node_pool.0.name", "nodepool1"),
            ("default_node_pool.0.vm_size", "Standard_DS1_v2"),
            ("default_node_pool.0.node_count", "3"),
        ],
        // Sent on every create, as azurerm sends them (see arm_fixtures_cluster.rs).
        spec: &[
            (
                "properties.apiServerAccessProfile.disableRunCommand",
                "containerservice 2025-10-01, ManagedClusterAPIServerAccessProfile.disableRunCommand",
            ),
            (
                "properties.autoUpgradeProfile.upgradeChannel",
                "containerservice 2025-10-01, ManagedClusterAutoUpgradeProfile.upgradeChannel (none)",
            ),
            (
                "properties.azureMonitorProfile.metrics.enabled",
                "containerservice 2025-10-01, ManagedClusterAzureMonitorProfileMetrics.enabled",
            ),
        ],
    });
}

#[test]
fn kubernetes_cluster_node_pool() {
    check(&Case {
        type_name: "azurerm_kubernetes_cluster_node_pool",
        config: json!({"name": "agentpool1",
            "kubernetes_cluster_id": format!("{RG_ID}/providers/Microsoft.ContainerService/managedClusters/clustername1"),
            "vm_size": "Standard_DS1_v2", "node_count": 3, "orchestrator_version": "1.31.2",
            "node_labels": {"key1": "val1"}, "tags": {"name1": "val1"}}),
        examples: &[
            "Microsoft.ContainerService/2026-08-01/AgentPoolsCreate_Update.json",
            "Microsoft.ContainerService/2026-08-01/AgentPoolsGet.json",
        ],
        reads: &[
            ("name", "agentpool1"),
            ("vm_size", "Standard_DS1_v2"),
            ("node_count", "3"),
        ],
        spec: &[],
    });
}

#[test]
fn kubernetes_cluster_extension() {
    check(&Case {
        type_name: "azurerm_kubernetes_cluster_extension",
        config: json!({"name": "ClusterMonitor",
            "cluster_id": format!("{RG_ID}/providers/Microsoft.ContainerService/managedClusters/clusterName1"),
            "extension_type": "azuremonitor-containers", "release_train": "Preview",
            "configuration_settings": {"omsagent.region": "westus2"},
            "configuration_protected_settings": {"omsagent.secret.key": "secretKeyValue01"}}),
        examples: &[
            "Microsoft.KubernetesConfiguration/2025-03-01/CreateExtension.json",
            "Microsoft.KubernetesConfiguration/2025-03-01/GetExtension.json",
            "Microsoft.KubernetesConfiguration/2025-03-01/PatchExtension.json",
        ],
        reads: &[
            ("name", "ClusterMonitor"),
            ("extension_type", "azuremonitor-containers"),
        ],
        spec: &[],
    });
}

#[test]
fn arc_kubernetes_cluster() {
    check(&Case {
        type_name: "azurerm_arc_kubernetes_cluster",
        config: json!({"name": "testCluster", "resource_group_name": "k8sc-rg", "location": "East US",
            "agent_public_key_certificate": "MIICYzCCAcygAwIBAgIBADANBgkqhkiG9w0BAQUFADAuMQswCQYDVQQGEwJVUzEMMAoGA1UEChMDSUJNMREwDwYDVQQLEwhMb2NhbCBDQTAeFw05OTEyMjIwNTAwMDBaFw0wMDEyMjMwNDU5NTlaMC4xCzAJBgNVBAYTAlVTMQwwCgYDVQQKEwNJQk0xETAPBgNVBAsTCExvY2FsIENBMIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQD2bZEo7xGaX2/0GHkrNFZvlxBou9v1Jmt/PDiTMPve8r9FeJAQ0QdvFST/0JPQYD20rH0bimdDLgNdNynmyRoS2S/IInfpmf69iyc2G0TPyRvmHIiOZbdCd+YBHQi1adkj17NDcWj6S14tVurFX73zx0sNoMS79q3tuXKrDsxeuwIDAQABo4GQMIGNMEsGCVUdDwGG+EIBDQQ+EzxHZW5lcmF0ZWQgYnkgdGhlIFNlY3VyZVdheSBTZWN1cml0eSBTZXJ2ZXIgZm9yIE9TLzM5MCAoUkFDRikwDgYDVR0PAQH/BAQDAgAGMA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFJ3+ocRyCTJw067dLSwr/nalx6YMMA0GCSqGSIb3DQEBBQUAA4GBAMaQzt+zaj1GU77yzlr8iiMBXgdQrwsZZWJo5exnAucJAEYQZmOfyLiMD6oYq+ZnfvM0n8G/Y79q8nhwvuxpYOnRSAXFp6xSkrIOeZtJMY1h00LKp/JX3Ng1svZ2agE126JHsQ0bhzN5TKsYfbwfTwfjdWAGy6Vf1nYi/rO+ryMO",
            "identity": [{"type": "SystemAssigned"}], "tags": {}}),
        examples: &[
            "Microsoft.Kubernetes/2026-03-01/CreateClusterExample.json",
            "Microsoft.Kubernetes/2026-03-01/GetClusterExample.json",
        ],
        // The example's answer names another cluster than its request.
        reads: &[("name", "connectedCluster1")],
        spec: &[],
    });
}

#[test]
fn arc_kubernetes_cluster_extension() {
    check(&Case {
        type_name: "azurerm_arc_kubernetes_cluster_extension",
        config: json!({"name": "ClusterMonitor",
            "cluster_id": format!("{RG_ID}/providers/Microsoft.Kubernetes/connectedClusters/clusterName1"),
            "extension_type": "azuremonitor-containers", "release_train": "Preview",
            "configuration_settings": {"omsagent.region": "westus2"}}),
        examples: &[
            "Microsoft.KubernetesConfiguration/2025-03-01/CreateExtension.json",
            "Microsoft.KubernetesConfiguration/2025-03-01/GetExtension.json",
        ],
        reads: &[("name", "ClusterMonitor"), ("release_train", "Preview")],
        spec: &[],
    });
}

#[test]
fn machine_learning_workspace() {
    let rg = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/workspace-1234";
    check(&Case {
        type_name: "azurerm_machine_learning_workspace",
        config: json!({"name": "testworkspace", "resource_group_name": "workspace-1234", "location": "eastus2euap",
            "application_insights_id": format!("{rg}/providers/microsoft.insights/components/testinsights"),
            "key_vault_id": format!("{rg}/providers/Microsoft.KeyVault/vaults/testkv"),
            "storage_account_id": format!("{rg}/providers/Microsoft.Storage/storageAccounts/testStorageAccount"),
            "identity": [{"type": "SystemAssigned"}], "description": "test description",
            "high_business_impact": false, "public_network_access_enabled": false, "kind": "Default",
            "image_build_compute_name": "builder", "v1_legacy_mode_enabled": false,
            "service_side_encryption_enabled": false,
            "primary_user_assigned_identity": format!("{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/testuai"),
            "encryption": [{"key_vault_id": format!("{rg}/providers/Microsoft.KeyVault/vaults/testkv"),
                "key_id": "https://testkv.vault.azure.net/keys/testkey/aabbccddee112233445566778899aabb",
                "user_assigned_identity_id": format!("{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/testuai")}],
            "managed_network": [{"isolation_mode": "AllowOnlyApprovedOutbound", "provision_on_creation_enabled": false}],
            "serverless_compute": [{"subnet_id": format!("{rg}/providers/Microsoft.Network/virtualNetworks/v/subnets/s"),
                "public_ip_enabled": false}]}),
        examples: &[
            "Microsoft.MachineLearningServices/2025-12-01/Workspace/create.json",
            "Microsoft.MachineLearningServices/2026-03-01/Workspace/get.json",
        ],
        reads: &[("name", "testworkspace"), ("description", "test description")],
        // machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2025-12-01/
        // workspaceRP.json, WorkspaceProperties and Workspace (kind).
        spec: &[
            ("kind", "Workspace.kind"),
            ("properties.v1LegacyMode", "WorkspaceProperties.v1LegacyMode"),
            (
                "properties.primaryUserAssignedIdentity",
                "WorkspaceProperties.primaryUserAssignedIdentity",
            ),
            (
                "properties.enableServiceSideCMKEncryption",
                "WorkspaceProperties.enableServiceSideCMKEncryption",
            ),
            (
                "properties.serverlessComputeSettings.serverlessComputeCustomSubnet",
                "ServerlessComputeSettings",
            ),
            (
                "properties.serverlessComputeSettings.serverlessComputeNoPublicIP",
                "ServerlessComputeSettings",
            ),
        ],
    });
}

#[test]
fn machine_learning_inference_cluster() {
    let ws = format!("{RG_ID}/providers/Microsoft.MachineLearningServices/workspaces/workspaces123");
    check(&Case {
        type_name: "azurerm_machine_learning_inference_cluster",
        config: json!({"name": "compute123", "machine_learning_workspace_id": ws, "location": "eastus",
            "kubernetes_cluster_id": format!("{RG_ID}/providers/Microsoft.ContainerService/managedClusters/aks1"),
            "cluster_purpose": "FastProd", "description": "some compute"}),
        examples: &[
            "Microsoft.MachineLearningServices/2026-07-01/Compute/createOrUpdate/AKSCompute.json",
            "Microsoft.MachineLearningServices/2026-07-01/Compute/createOrUpdate/BasicAKSCompute.json",
            "Microsoft.MachineLearningServices/2026-05-01/Compute/get/AKSCompute.json",
        ],
        reads: &[("name", "compute123")],
        spec: &[(
            "properties.properties.clusterPurpose",
            "machineLearningServices 2026-07-01, AKSSchemaProperties.clusterPurpose",
        )],
    });
}

#[test]
fn an_extension_update_patches_only_what_the_patch_api_takes() {
    let catalog = Catalog::embedded();
    let schema = catalog
        .schema(Mode::Managed, "azurerm_kubernetes_cluster_extension")
        .unwrap();
    let patch_example = fixture("Microsoft.KubernetesConfiguration/2025-03-01/PatchExtension.json");
    let mut allowed = BTreeSet::new();
    paths(&request_body(&patch_example), "", &mut allowed);
    // extensions.json 2025-03-01, patchExtension: the one patchable property the example leaves out.
    allowed.insert("properties.version".to_string());
    let config = json!({"name": "ClusterMonitor",
        "cluster_id": format!("{RG_ID}/providers/Microsoft.ContainerService/managedClusters/clusterName1"),
        "extension_type": "azuremonitor-containers", "release_train": "Stable",
        "configuration_settings": {"omsagent.region": "westus2"},
        "configuration_protected_settings": {"omsagent.secret.key": "secretKeyValue01"}});
    let created =
        fixture("Microsoft.KubernetesConfiguration/2025-03-01/GetExtension.json")["responses"]["200"]["body"].clone();
    let provider = Azurerm::new(
        Replay {
            created,
            sent: Mutex::new(Vec::new()),
        },
        catalog.schemas("azurerm"),
    );
    let prior = plan_resource(schema, None, &Value::from_json(&config), SUB).value;
    let mut changed = config.clone();
    changed["release_train"] = json!("Preview");
    let planned = plan_resource(schema, Some(&prior), &Value::from_json(&changed), SUB).value;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let answer = rt.block_on(provider.apply(ApplyRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: Some(&prior),
        planned: Some(&planned),
        now: std::time::SystemTime::now(),
    }));
    assert!(!answer.diags.has_errors(), "{:?}", answer.diags);
    let sent = provider.client.sent.lock().unwrap();
    let patch = sent
        .iter()
        .find(|r| r.method == Method::Patch)
        .expect("an update is a PATCH");
    let mut sent_paths = BTreeSet::new();
    paths(patch.body.as_ref().unwrap(), "", &mut sent_paths);
    let extra: Vec<&String> = sent_paths.difference(&allowed).collect();
    assert!(
        extra.is_empty(),
        "the PATCH carries properties the patch API does not take: {extra:?}"
    );
    assert_eq!(patch.body.as_ref().unwrap()["properties"]["releaseTrain"], "Preview");
}
