//! Requests and responses true to Azure for the "secrets" group: Key Vault
//! (and its access policies), storage accounts, Flux configurations and the
//! Kubernetes versions list. Each type's request is checked against the
//! official ARM examples (or its spec, cited), and an example response is
//! read back (see `arm_support`). The access policy, listKeys and the
//! versions list are not one PUT of one resource, so their calls are
//! scripted here from the examples.

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
use std::collections::BTreeSet;
use std::sync::Mutex;

const KV: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sample-group/providers/Microsoft.KeyVault/vaults/sample-vault";
const ZERO: &str = "00000000-0000-0000-0000-000000000000";

#[test]
fn key_vault() {
    check(&Case {
        type_name: "azurerm_key_vault",
        config: json!({"name": "sample-vault", "resource_group_name": "sample-resource-group", "location": "westus",
            "tenant_id": ZERO, "sku_name": "standard",
            "enabled_for_deployment": true, "enabled_for_disk_encryption": true, "enabled_for_template_deployment": true,
            "public_network_access_enabled": true,
            "access_policy": [{"tenant_id": ZERO, "object_id": ZERO,
                "certificate_permissions": ["Get", "List", "ManageContacts"], "key_permissions": ["Encrypt", "WrapKey"],
                "secret_permissions": ["Get", "Set"]}],
            "network_acls": [{"bypass": "AzureServices", "default_action": "Deny", "ip_rules": ["1.2.3.4"],
                "virtual_network_subnet_ids": ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"]}]}),
        examples: &[
            "Microsoft.KeyVault/2026-02-01/createVault.json",
            "Microsoft.KeyVault/2026-02-01/getVault.json",
        ],
        reads: &[
            ("name", "sample-vault"),
            ("vault_uri", "https://sample-vault.vault.azure.net"),
            ("sku_name", "standard"),
            ("tenant_id", ZERO),
            ("access_policy.0.key_permissions.2", "WrapKey"),
            ("access_policy.0.certificate_permissions.6", "ManageContacts"),
            // The example answers without network ACLs: azurerm reads them as allowing all.
            ("network_acls.0.default_action", "Allow"),
            ("public_network_access_enabled", "true"),
        ],
        spec: &[
            (
                "properties.accessPolicies[].permissions.storage",
                "keyvault.json 2026-02-01, Permissions.storage (azurerm sends all four lists)",
            ),
            (
                "properties.enableRbacAuthorization",
                "keyvault.json 2026-02-01, VaultProperties.enableRbacAuthorization",
            ),
            (
                "properties.createMode",
                "keyvault.json 2026-02-01, VaultProperties.createMode",
            ),
            (
                "properties.enableSoftDelete",
                "keyvault.json 2026-02-01, VaultProperties.enableSoftDelete (listVaultByResourceGroup.json answers it)",
            ),
        ],
    });
}

#[test]
fn storage_account() {
    check(&Case {
        type_name: "azurerm_storage_account",
        config: json!({"name": "sto4445", "resource_group_name": "res9101", "location": "eastus", "edge_zone": "losangeles001",
            "account_kind": "Storage", "account_tier": "Standard", "account_replication_type": "GRS",
            "allow_nested_items_to_be_public": false, "shared_access_key_enabled": true, "default_to_oauth_authentication": false,
            "is_hns_enabled": true, "sftp_enabled": true, "min_tls_version": "TLS1_2", "https_traffic_only_enabled": true,
            "cross_tenant_replication_enabled": false, "local_user_enabled": true, "dns_endpoint_type": "Standard",
            "public_network_access_enabled": true, "infrastructure_encryption_enabled": false,
            "routing": [{"choice": "MicrosoftRouting", "publish_internet_endpoints": true, "publish_microsoft_endpoints": true}],
            "sas_policy": [{"expiration_action": "Log", "expiration_period": "1.15:59:59"}],
            "tags": {"key1": "value1", "key2": "value2"}}),
        examples: &[
            "Microsoft.Storage/2026-06-01/StorageAccountCreate.json",
            "Microsoft.Storage/2025-06-01/StorageAccountGetProperties.json",
        ],
        reads: &[
            ("name", "sto4445"),
            ("account_kind", "Storage"),
            ("account_tier", "Standard"),
            ("account_replication_type", "GRS"),
            ("edge_zone", "losangeles001"),
            ("primary_blob_endpoint", "https://sto4445.blob.core.windows.net/"),
            ("primary_blob_host", "sto4445.blob.core.windows.net"),
            (
                "primary_blob_internet_host",
                "sto4445-internetrouting.blob.core.windows.net",
            ),
            (
                "primary_table_microsoft_endpoint",
                "https://sto4445-microsoftrouting.table.core.windows.net/",
            ),
            ("secondary_location", "centraluseuap"),
            ("is_hns_enabled", "true"),
            ("routing.0.choice", "MicrosoftRouting"),
            ("sas_policy.0.expiration_period", "1.15:59:59"),
        ],
        spec: &[
            (
                "properties.allowCrossTenantReplication",
                "storage.json 2025-06-01, StorageAccountPropertiesCreateParameters.allowCrossTenantReplication",
            ),
            (
                "properties.isLocalUserEnabled",
                "storage.json 2025-06-01, StorageAccountPropertiesCreateParameters.isLocalUserEnabled",
            ),
            (
                "properties.dnsEndpointType",
                "storage.json 2025-06-01, StorageAccountPropertiesCreateParameters.dnsEndpointType",
            ),
            (
                "properties.publicNetworkAccess",
                "storage.json 2025-06-01, StorageAccountPropertiesCreateParameters.publicNetworkAccess",
            ),
            (
                "properties.azureFilesIdentityBasedAuthentication.directoryServiceOptions",
                "storage.json 2025-06-01, AzureFilesIdentityBasedAuthentication.directoryServiceOptions (None)",
            ),
        ],
    });
}

#[test]
fn kubernetes_flux_configuration() {
    check(&Case {
        type_name: "azurerm_kubernetes_flux_configuration",
        config: json!({"name": "srs-fluxconfig", "namespace": "srs-namespace", "scope": "cluster",
            "cluster_id": "/subscriptions/subId1/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/clusterName1",
            "continuous_reconciliation_enabled": true,
            "git_repository": [{"url": "https://github.com/Azure/arc-k8s-demo", "reference_type": "branch",
                "reference_value": "master", "https_ca_cert_base64": "ZXhhbXBsZWNlcnRpZmljYXRl",
                "timeout_in_seconds": 600, "sync_interval_in_seconds": 600}],
            "kustomizations": [
                {"name": "srs-kustomization1", "path": "./test/path", "depends_on": [], "timeout_in_seconds": 600,
                 "sync_interval_in_seconds": 600, "wait": true,
                 "post_build": [{"substitute": {"cluster_env": "prod", "replica_count": "2"},
                    "substitute_from": [{"kind": "ConfigMap", "name": "cluster-test", "optional": true}]}]},
                {"name": "srs-kustomization2", "path": "./other/test/path", "depends_on": ["srs-kustomization1"],
                 "timeout_in_seconds": 600, "sync_interval_in_seconds": 600, "retry_interval_in_seconds": 600,
                 "garbage_collection_enabled": false, "wait": false,
                 "post_build": [{"substitute_from": [{"kind": "ConfigMap", "name": "cluster-values", "optional": true},
                    {"kind": "Secret", "name": "secret-name", "optional": false}]}]}]}),
        examples: &[
            "Microsoft.KubernetesConfiguration/2025-04-01/CreateFluxConfiguration.json",
            "Microsoft.KubernetesConfiguration/2025-04-01/GetFluxConfiguration.json",
        ],
        reads: &[
            ("name", "srs-fluxconfig"),
            ("namespace", "srs-namespace"),
            ("scope", "cluster"),
            ("continuous_reconciliation_enabled", "true"),
            ("git_repository.0.reference_type", "branch"),
            ("git_repository.0.reference_value", "master"),
            ("git_repository.0.url", "https://github.com/Azure/arc-k8s-demo"),
        ],
        spec: &[],
    });
}

type Answer = dyn Fn(&ArmRequest, &[ArmRequest]) -> Result<Json, ArmError> + Send + Sync;

/// Answers each call as a test scripts it from the examples, and keeps what
/// was sent.
struct Script {
    answer: Box<Answer>,
    sent: Mutex<Vec<ArmRequest>>,
}

impl Script {
    fn new(answer: impl Fn(&ArmRequest, &[ArmRequest]) -> Result<Json, ArmError> + Send + Sync + 'static) -> Script {
        Script {
            answer: Box::new(answer),
            sent: Mutex::new(Vec::new()),
        }
    }
}

impl ArmClient for Script {
    async fn send(&self, req: ArmRequest) -> Result<ArmResponse, ArmError> {
        let mut sent = self.sent.lock().unwrap();
        let answer = (self.answer)(&req, &sent);
        sent.push(req);
        answer.map(|body| ArmResponse { status: 200, body })
    }

    fn describe(&self) -> String {
        "script".into()
    }

    fn subscription(&self) -> &str {
        SUB
    }

    fn tenant(&self) -> &str {
        ZERO
    }
}

fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn sent_paths(body: &Json) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    paths(body, "", &mut out);
    out
}

fn example_paths(example: &Json) -> BTreeSet<String> {
    let mut out = sent_paths(&request_body(example));
    for body in response_bodies(example) {
        paths(&body, "", &mut out);
    }
    out
}

fn response(example: &str) -> Json {
    fixture(example)["responses"]["200"]["body"].clone()
}

#[test]
fn key_vault_access_policy_adds_and_removes_one_entry_of_the_vault() {
    let catalog = Catalog::embedded();
    let schema = catalog
        .schema(Mode::Managed, "azurerm_key_vault_access_policy")
        .unwrap();
    let vault = response("Microsoft.KeyVault/2026-02-01/getVault.json");
    let added = response("Microsoft.KeyVault/2026-02-01/updateAccessPoliciesAdd.json");
    let provider = Azurerm::new(
        Script::new(move |req, sent| {
            let put_yet = sent.iter().any(|r| r.method == Method::Put);
            match req.method {
                // The example's vault, without its policy until it is added.
                Method::Get if !put_yet => {
                    let mut v = vault.clone();
                    v["properties"]["accessPolicies"] = json!([]);
                    Ok(v)
                }
                Method::Get => Ok(vault.clone()),
                _ => Ok(added.clone()),
            }
        }),
        catalog.schemas("azurerm"),
    );
    let config = json!({"key_vault_id": KV, "tenant_id": ZERO, "object_id": ZERO,
        "certificate_permissions": ["Get"], "key_permissions": ["Encrypt"], "secret_permissions": ["Get"]});
    let planned = plan_resource(schema, None, &Value::from_json(&config), SUB).value;
    assert_eq!(
        planned.get("id").and_then(Value::as_str),
        Some(format!("{KV}/objectId/{ZERO}").as_str()),
        "azurerm's own id, known at plan"
    );
    let answer = run(provider.apply(ApplyRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: None,
        planned: Some(&planned),
        now: std::time::SystemTime::now(),
    }));
    assert!(!answer.diags.has_errors(), "{:?}", answer.diags);
    let sent = provider.client.sent.lock().unwrap().clone();
    let put = sent.iter().find(|r| r.method == Method::Put).unwrap();
    assert_eq!(put.path, format!("{KV}/accessPolicies/add"));
    assert_eq!(put.api_version, "2023-02-01");
    let mut allowed = example_paths(&fixture("Microsoft.KeyVault/2026-02-01/updateAccessPoliciesAdd.json"));
    // keyvault.json 2026-02-01, Permissions.storage: azurerm sends all four lists.
    allowed.insert("properties.accessPolicies[].permissions.storage".into());
    let extra: Vec<String> = sent_paths(put.body.as_ref().unwrap())
        .difference(&allowed)
        .cloned()
        .collect();
    assert!(extra.is_empty(), "sent what no example has: {extra:?}");
    let value = answer.value.unwrap();
    assert_eq!(value.get("key_vault_id").and_then(Value::as_str), Some(KV));
    let keys = value.get("key_permissions").unwrap().to_json();
    assert_eq!(keys[0], "Encrypt", "the vault's entry, in azurerm's case: {keys}");
    assert_eq!(keys.as_array().unwrap().len(), 16, "as getVault.json has it");

    // Removing it sends the entry as the vault holds it.
    let removed = run(provider.apply(ApplyRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: Some(&value),
        planned: None,
        now: std::time::SystemTime::now(),
    }));
    assert!(!removed.diags.has_errors(), "{:?}", removed.diags);
    let sent = provider.client.sent.lock().unwrap();
    let remove = sent.iter().rev().find(|r| r.method == Method::Put).unwrap();
    assert_eq!(remove.path, format!("{KV}/accessPolicies/remove"));
    let entry = &remove.body.as_ref().unwrap()["properties"]["accessPolicies"][0];
    assert_eq!(entry["permissions"]["keys"][0], "encrypt");
}

#[test]
fn storage_account_keys_and_connection_strings_come_from_list_keys() {
    let catalog = Catalog::embedded();
    let schema = catalog.schema(Mode::Managed, "azurerm_storage_account").unwrap();
    let created = response("Microsoft.Storage/2026-06-01/StorageAccountCreate.json");
    let keys = response("Microsoft.Storage/2025-06-01/StorageAccountListKeys.json");
    let provider = Azurerm::new(
        Script::new(move |req, sent| match req.method {
            Method::Get if !sent.iter().any(|r| r.method == Method::Put) => Err(ArmError::not_found(&req.path)),
            Method::Post => Ok(keys.clone()),
            _ => Ok(created.clone()),
        }),
        catalog.schemas("azurerm"),
    );
    let config = json!({"name": "sto4445", "resource_group_name": "res9101", "location": "eastus",
        "account_kind": "Storage", "account_tier": "Standard", "account_replication_type": "GRS"});
    let planned = plan_resource(schema, None, &Value::from_json(&config), SUB).value;
    let answer = run(provider.apply(ApplyRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: None,
        planned: Some(&planned),
        now: std::time::SystemTime::now(),
    }));
    assert!(!answer.diags.has_errors(), "{:?}", answer.diags);
    let sent = provider.client.sent.lock().unwrap();
    let post = sent.iter().find(|r| r.method == Method::Post).unwrap();
    assert!(
        post.path.ends_with("/storageAccounts/sto4445/listKeys"),
        "{}",
        post.path
    );
    assert_eq!(post.api_version, "2023-05-01");
    let value = answer.value.unwrap();
    let text = |k: &str| value.get(k).and_then(Value::as_str).unwrap_or("?").to_string();
    assert_eq!(text("primary_access_key"), "<value>");
    assert_eq!(text("secondary_access_key"), "<value>");
    assert_eq!(
        text("primary_connection_string"),
        "DefaultEndpointsProtocol=https;AccountName=sto4445;AccountKey=<value>;EndpointSuffix=core.windows.net"
    );
    assert_eq!(
        text("primary_blob_connection_string"),
        "DefaultEndpointsProtocol=https;BlobEndpoint=https://sto4445.blob.core.windows.net/;AccountName=sto4445;AccountKey=<value>"
    );
    assert_eq!(
        text("secondary_blob_connection_string"),
        "",
        "the example has no secondary endpoints"
    );
}

#[test]
fn kubernetes_service_versions_read_the_versions_list() {
    let catalog = Catalog::embedded();
    let schema = catalog
        .schema(Mode::Data, "azurerm_kubernetes_service_versions")
        .unwrap();
    let list = response("Microsoft.ContainerService/2026-08-01/KubernetesVersions_List.json");
    let provider = Azurerm::new(Script::new(move |_, _| Ok(list.clone())), catalog.schemas("azurerm"));
    let read = |config: Json| {
        run(provider.read_data(ReadDataRequest {
            schema,
            provider: &ProviderConfig::default(),
            config: &Value::from_json(&config),
            now: std::time::SystemTime::now(),
        }))
    };
    let r = read(json!({"location": "Location 1", "include_preview": true}));
    assert!(!r.diags.has_errors(), "{:?}", r.diags);
    let v = r.value.unwrap();
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("?").to_string();
    assert_eq!(
        v.get("versions").unwrap().to_json(),
        json!(["1.23.12", "1.23.15", "1.24.6", "1.24.9", "1.25.4", "1.25.5", "1.26.0"])
    );
    assert_eq!(text(&v, "latest_version"), "1.26.0");
    assert_eq!(
        text(&v, "default_version"),
        "1.24.9",
        "the highest patch of the default minor"
    );
    assert_eq!(
        text(&v, "id"),
        format!("/subscriptions/{SUB}/providers/Microsoft.ContainerService/locations/location1")
    );
    let sent = provider.client.sent.lock().unwrap().clone();
    assert_eq!(
        sent[0].path,
        format!("/subscriptions/{SUB}/providers/Microsoft.ContainerService/locations/location1/kubernetesVersions")
    );
    assert_eq!(sent[0].api_version, "2025-10-01");
    let stable = read(json!({"location": "location1", "include_preview": false, "version_prefix": "1.2"}))
        .value
        .unwrap();
    assert_eq!(text(&stable, "latest_version"), "1.25.5", "1.26 is a preview");
}
