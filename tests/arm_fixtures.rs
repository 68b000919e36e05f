//! Requests and responses true to Azure: for each resource type, the body
//! aksplan sends is checked against the official ARM examples (every
//! property it sends appears in an example of that type), and the example
//! responses are read back into the azurerm attributes they describe.
//! The examples are Azure's own (Azure/azure-rest-api-specs), in the shared
//! reference material beside this repository, `../shared/fixtures/arm/`
//! (PROVIDER/API-VERSION/NAME.json); they are not copied into it.

use aksplan::addrs::Mode;
use aksplan::lang::Value;
use aksplan::provider::arm::{ArmClient, ArmError, ArmRequest, ArmResponse, Method};
use aksplan::provider::azurerm::{plan_resource, Azurerm};
use aksplan::provider::catalog::Catalog;
use aksplan::provider::protocol::{ApplyRequest, Provider, ProviderConfig};
use aksplan::schema::SchemaSource;
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Mutex;

const SUB: &str = "00000000-0000-0000-0000-000000000000";

/// Maps whose keys are the user's (tags, labels, settings), not properties.
const FREE_FORM: [&str; 6] = [
    "tags",
    "nodeLabels",
    "configurationSettings",
    "configurationProtectedSettings",
    "userAssignedIdentities",
    "autoScalerProfile",
];

fn fixture(path: &str) -> Json {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/arm");
    assert!(
        dir.is_dir(),
        "these tests read Azure's REST API examples from {}, which is absent: \
         check out the shared reference material beside this repository",
        dir.display()
    );
    let p = dir.join(path);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The request body of an example: its one object-valued parameter.
fn request_body(example: &Json) -> Json {
    example["parameters"]
        .as_object()
        .unwrap()
        .values()
        .find(|v| v.is_object())
        .cloned()
        .unwrap_or(Json::Null)
}

/// Every response body of an example.
fn response_bodies(example: &Json) -> Vec<Json> {
    example["responses"]
        .as_object()
        .map(|r| r.values().filter_map(|v| v.get("body").cloned()).collect())
        .unwrap_or_default()
}

/// The property paths of a document: `properties.agentPoolProfiles[].vmSize`.
fn paths(j: &Json, prefix: &str, out: &mut BTreeSet<String>) {
    match j {
        Json::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                if FREE_FORM.contains(&k.as_str()) {
                    out.insert(format!("{p}.*"));
                } else {
                    paths(v, &p, out);
                }
            }
        }
        Json::Array(items) if !items.is_empty() => items.iter().for_each(|i| paths(i, &format!("{prefix}[]"), out)),
        Json::Null => {}
        _ => {
            out.insert(prefix.to_string());
        }
    }
}

/// Answers as the examples do, and keeps what was sent.
struct Replay {
    created: Json,
    sent: Mutex<Vec<ArmRequest>>,
}

impl ArmClient for Replay {
    async fn send(&self, req: ArmRequest) -> Result<ArmResponse, ArmError> {
        let mut sent = self.sent.lock().unwrap();
        // Nothing exists until it is put: the check before a create finds nothing.
        let put_yet = sent.iter().any(|r| matches!(r.method, Method::Put | Method::Patch));
        sent.push(req.clone());
        if req.method == Method::Get && !put_yet {
            return Err(ArmError::not_found(&req.path));
        }
        let body = match req.method {
            Method::Post => json!({"kubeconfigs": []}),
            Method::Delete => Json::Null,
            _ => self.created.clone(),
        };
        Ok(ArmResponse { status: 200, body })
    }

    fn describe(&self) -> String {
        "replay".into()
    }

    fn subscription(&self) -> &str {
        SUB
    }

    fn tenant(&self) -> &str {
        "11111111-1111-1111-1111-111111111111"
    }
}

struct Case {
    type_name: &'static str,
    /// The azurerm arguments, as a configuration would give them.
    config: Json,
    /// The examples of this type: the first is the create whose response is replayed.
    examples: &'static [&'static str],
    /// The response read back: attribute, value.
    reads: &'static [(&'static str, &'static str)],
    /// Properties no example shows but the type's spec defines: path, where.
    spec: &'static [(&'static str, &'static str)],
}

fn check(case: &Case) {
    let catalog = Catalog::embedded();
    let schema = catalog.schema(Mode::Managed, case.type_name).unwrap();
    let examples: Vec<Json> = case.examples.iter().map(|e| fixture(e)).collect();
    // Every tracked resource has tags (ARM's common types).
    let mut allowed: BTreeSet<String> = ["tags.*".to_string()].into();
    allowed.extend(case.spec.iter().map(|(p, _)| p.to_string()));
    for ex in &examples {
        paths(&request_body(ex), "", &mut allowed);
        for body in response_bodies(ex) {
            paths(&body, "", &mut allowed);
        }
    }
    let created = examples[0]["responses"]
        .get("201")
        .or_else(|| examples[0]["responses"].get("200"))
        .and_then(|r| r.get("body"))
        .cloned()
        .unwrap();
    let planned = plan_resource(schema, None, &Value::from_json(&case.config), SUB).value;
    let provider = Azurerm::new(
        Replay {
            created,
            sent: Mutex::new(Vec::new()),
        },
        catalog.schemas("azurerm"),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let answer = rt.block_on(provider.apply(ApplyRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: None,
        planned: Some(&planned),
        now: std::time::SystemTime::now(),
    }));
    assert!(!answer.diags.has_errors(), "{}: {:?}", case.type_name, answer.diags);

    let sent = provider.client.sent.lock().unwrap();
    let put = sent.iter().find(|r| r.method == Method::Put).unwrap();
    let version = &schema.arm.as_ref().unwrap().api_version;
    assert_eq!(&put.api_version, version);
    let mut sent_paths = BTreeSet::new();
    paths(put.body.as_ref().unwrap(), "", &mut sent_paths);
    let unknown: Vec<&String> = sent_paths
        .iter()
        .filter(|p| {
            !allowed
                .iter()
                .any(|a| a == *p || a.starts_with(&format!("{p}.")) || a.starts_with(&format!("{p}[]")))
        })
        .collect();
    assert!(
        unknown.is_empty(),
        "{}: aksplan sends properties no ARM example of the type has: {unknown:?}\nthe examples have: {allowed:#?}",
        case.type_name
    );

    let value = answer.value.unwrap();
    for (attr, want) in case.reads {
        let got = attr
            .split('.')
            .try_fold(&value, |v, k| match k.parse::<usize>() {
                Ok(i) => v.as_seq().and_then(|s| s.get(i)),
                Err(_) => v.get(k),
            })
            .map(|v| v.to_json());
        let want: Json = serde_json::from_str(want).unwrap_or_else(|_| Json::String(want.to_string()));
        assert_eq!(
            got,
            Some(want),
            "{}: {attr} read from the example response",
            case.type_name
        );
    }
}

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
        spec: &[],
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
            "identity": [{"type": "SystemAssigned"}], "description": "test description"}),
        examples: &[
            "Microsoft.MachineLearningServices/2025-12-01/Workspace/create.json",
            "Microsoft.MachineLearningServices/2026-03-01/Workspace/get.json",
        ],
        reads: &[("name", "testworkspace"), ("description", "test description")],
        spec: &[],
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
