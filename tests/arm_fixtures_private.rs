//! Requests and responses true to Azure for the private networking,
//! registry and identity types (issue 13): each type's request checked
//! against the official ARM examples, and an example response read back
//! (see `arm_support`). The child resources azurerm writes in calls of their
//! own (a zone's SOA record set, an endpoint's DNS zone group, a registry's
//! replications) have no example in the shared material: their bodies are
//! checked against the properties of the examples and definitions of the
//! specification cited beside each path.

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

const RG_ID: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The create answer of an example.
fn created(example: &str) -> Json {
    let ex = fixture(example);
    ex["responses"]
        .get("201")
        .and_then(|r| r.get("body"))
        .or_else(|| ex["responses"]["200"].get("body"))
        .cloned()
        .unwrap()
}

/// Creates `type_name` from `config` against a replay of `answer`: what
/// was read back, and every request sent.
fn apply(type_name: &str, config: &Json, answer: Json) -> (Value, Vec<ArmRequest>) {
    let catalog = Catalog::embedded();
    let schema = catalog.schema(Mode::Managed, type_name).unwrap();
    let planned = plan_resource(schema, None, &Value::from_json(config), SUB).value;
    let provider = Azurerm::new(
        Replay {
            created: answer,
            sent: Mutex::new(Vec::new()),
        },
        catalog.schemas("azurerm"),
    );
    let r = runtime().block_on(provider.apply(ApplyRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: None,
        planned: Some(&planned),
        now: std::time::SystemTime::now(),
    }));
    assert!(!r.diags.has_errors(), "{type_name}: {:?}", r.diags);
    let sent = provider.client.sent.lock().unwrap().clone();
    (r.value.unwrap(), sent)
}

/// The body of the PUT sent to a path ending in `suffix`.
fn put_to(sent: &[ArmRequest], suffix: &str) -> Json {
    sent.iter()
        .find(|r| r.method == Method::Put && r.path.ends_with(suffix))
        .unwrap_or_else(|| panic!("no PUT to …{suffix}: {sent:#?}"))
        .body
        .clone()
        .unwrap()
}

/// Every property path of `body` is one `allowed` names (a path, or a
/// prefix of one).
fn within(body: &Json, allowed: &[(&str, &str)], what: &str) {
    let mut sent = BTreeSet::new();
    paths(body, "", &mut sent);
    let unknown: Vec<&String> = sent
        .iter()
        .filter(|p| {
            !allowed
                .iter()
                .any(|(a, _)| *a == p.as_str() || a.starts_with(&format!("{p}.")) || a.starts_with(&format!("{p}[]")))
        })
        .collect();
    assert!(
        unknown.is_empty(),
        "{what} sends properties its spec lacks: {unknown:?}"
    );
}

fn read<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(value, |v, k| match k.parse::<usize>() {
        Ok(i) => v.as_seq().and_then(|s| s.get(i)),
        Err(_) => v.get(k),
    })
}

fn read_str<'v>(value: &'v Value, path: &str) -> Option<&'v str> {
    read(value, path).and_then(Value::as_str)
}

#[test]
fn private_dns_zone() {
    check(&Case {
        type_name: "azurerm_private_dns_zone",
        config: json!({"name": "privatezone1.com", "resource_group_name": "resourceGroup1", "tags": {"key1": "value1"}}),
        examples: &[
            "Microsoft.Network/2024-06-01/PrivateZonePut.json",
            "Microsoft.Network/2024-06-01/PrivateZoneGet.json",
        ],
        reads: &[
            ("name", "privatezone1.com"),
            ("number_of_record_sets", "1"),
            ("max_number_of_record_sets", "5000"),
            ("max_number_of_virtual_network_links", "100"),
            ("max_number_of_virtual_network_links_with_registration", "50"),
        ],
        spec: &[],
    });
}

/// The SOA record is the record set `SOA/@`, sent after the zone with what
/// azurerm sends (never the host, serial number or name Azure keeps).
#[test]
fn private_dns_zone_soa_record_set() {
    let config = json!({"name": "privatezone1.com", "resource_group_name": "resourceGroup1",
        "soa_record": [{"email": "azureprivatedns-hostmaster.microsoft.com", "expire_time": 2419200, "minimum_ttl": 300,
            "refresh_time": 3600, "retry_time": 300, "ttl": 3600, "tags": {"key1": "value1"}}]});
    let (_, sent) = apply(
        "azurerm_private_dns_zone",
        &config,
        created("Microsoft.Network/2024-06-01/PrivateZonePut.json"),
    );
    let zone = sent.iter().find(|r| r.method == Method::Put).unwrap();
    assert!(zone.body.as_ref().unwrap().get("$soa").is_none());
    let soa = sent
        .iter()
        .find(|r| r.method == Method::Put && r.path.ends_with("/privateDnsZones/privatezone1.com/SOA/@"))
        .expect("the SOA record set is written");
    assert_eq!(soa.api_version, "2024-06-01");
    // RecordSetSOAPut.json (privatedns 2024-06-01, in Azure/azure-rest-api-specs; not in the shared examples).
    let example = "privatedns 2024-06-01 RecordSetSOAPut.json";
    within(
        soa.body.as_ref().unwrap(),
        &[
            ("properties.metadata.key1", example),
            ("properties.ttl", example),
            ("properties.soaRecord.email", example),
            ("properties.soaRecord.expireTime", example),
            ("properties.soaRecord.minimumTtl", example),
            ("properties.soaRecord.refreshTime", example),
            ("properties.soaRecord.retryTime", example),
        ],
        "the SOA record set",
    );
    assert_eq!(soa.body.as_ref().unwrap()["properties"]["soaRecord"]["minimumTtl"], 300);
}

#[test]
fn private_dns_zone_virtual_network_link() {
    const VNET: &str = "/subscriptions/virtualNetworkSubscriptionId/resourceGroups/virtualNetworkResourceGroup/providers/Microsoft.Network/virtualNetworks/virtualNetworkName";
    check(&Case {
        type_name: "azurerm_private_dns_zone_virtual_network_link",
        config: json!({"name": "virtualNetworkLink1", "resource_group_name": "resourceGroup1",
            "private_dns_zone_name": "privatezone1.com", "virtual_network_id": VNET,
            "resolution_policy": "NxDomainRedirect", "tags": {"key1": "value1"}}),
        examples: &[
            "Microsoft.Network/2024-06-01/VirtualNetworkLinkPut.json",
            "Microsoft.Network/2024-06-01/VirtualNetworkLinkGet.json",
        ],
        reads: &[
            ("name", "virtualNetworkLink1"),
            ("private_dns_zone_name", "privatezone1.com"),
            ("registration_enabled", "false"),
            ("virtual_network_id", VNET),
        ],
        spec: &[(
            "properties.resolutionPolicy",
            "privatedns 2024-06-01 VirtualNetworkLink.tsp, VirtualNetworkLinkProperties.resolutionPolicy",
        )],
    });
}

const SUBNET: &str =
    "/subscriptions/subId/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/myVnet/subnets/mySubnet";
const PLS: &str = "/subscriptions/subId/resourceGroups/rg1/providers/Microsoft.Network/privateLinkServices/testPls";

#[test]
fn private_endpoint() {
    check(&Case {
        type_name: "azurerm_private_endpoint",
        config: json!({"name": "testPe", "resource_group_name": "rg1", "location": "eastus2euap",
            "subnet_id": SUBNET, "custom_network_interface_name": "testPeNic",
            "private_service_connection": [{"name": "plsconnection1", "is_manual_connection": false,
                "private_connection_resource_id": PLS, "subresource_names": ["groupIdFromResource"]}],
            "ip_configuration": [{"name": "pestaticconfig", "private_ip_address": "192.168.0.6", "subresource_name": "file"}]}),
        examples: &[
            "Microsoft.Network/2026-01-01/PrivateEndpointCreate.json",
            "Microsoft.Network/2026-01-01/PrivateEndpointGet.json",
        ],
        reads: &[
            ("name", "testPe"),
            ("subnet_id", SUBNET),
            ("custom_network_interface_name", "testPeNic"),
            ("private_service_connection.0.is_manual_connection", "false"),
            ("private_service_connection.0.private_connection_resource_id", PLS),
            (
                "private_service_connection.0.subresource_names",
                r#"["groupIdFromResource"]"#,
            ),
            ("ip_configuration.0.member_name", "file"),
            ("network_interface.0.name", "testPe.nic.abcd1234"),
            ("custom_dns_configs.1.fqdn", "abc2.cosmos.com"),
            ("custom_dns_configs.1.ip_addresses", r#"["192.168.0.5"]"#),
        ],
        spec: &[(
            "properties.privateLinkServiceConnections[].name",
            "network 2025-01-01 privateEndpoint.json, PrivateLinkServiceConnection.name",
        )],
    });
}

/// A manual connection goes in `manualPrivateLinkServiceConnections`, and
/// the DNS zone group is the child `privateDnsZoneGroups/NAME`.
#[test]
fn private_endpoint_manual_connection_and_dns_zone_group() {
    let zone = format!("{RG_ID}/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io");
    let acr = format!("{RG_ID}/providers/Microsoft.ContainerRegistry/registries/myreg");
    let config = json!({"name": "testPe", "resource_group_name": "rg1", "location": "eastus2euap", "subnet_id": SUBNET,
        "private_service_connection": [{"name": "acr", "is_manual_connection": true, "request_message": "Please approve my connection.",
            "private_connection_resource_id": acr, "subresource_names": ["registry"]}],
        "private_dns_zone_group": [{"name": "default", "private_dns_zone_ids": [zone]}]});
    let (value, sent) = apply(
        "azurerm_private_endpoint",
        &config,
        created("Microsoft.Network/2026-01-01/PrivateEndpointCreate.json"),
    );
    let pe = put_to(&sent, "/privateEndpoints/testPe");
    assert_eq!(pe["properties"]["privateLinkServiceConnections"], json!([]));
    let spec = "network 2025-01-01 privateEndpoint.json, PrivateEndpointProperties.manualPrivateLinkServiceConnections";
    within(
        &pe,
        &[
            ("location", "PrivateEndpointCreate.json"),
            ("properties.subnet.id", "PrivateEndpointCreate.json"),
            ("properties.privateLinkServiceConnections", "PrivateEndpointCreate.json"),
            ("properties.manualPrivateLinkServiceConnections[].name", spec),
            (
                "properties.manualPrivateLinkServiceConnections[].properties.privateLinkServiceId",
                spec,
            ),
            (
                "properties.manualPrivateLinkServiceConnections[].properties.groupIds[]",
                spec,
            ),
            (
                "properties.manualPrivateLinkServiceConnections[].properties.requestMessage",
                spec,
            ),
        ],
        "a manual connection",
    );
    let group = sent
        .iter()
        .find(|r| {
            r.method == Method::Put
                && r.path
                    .ends_with("/privateEndpoints/testPe/privateDnsZoneGroups/default")
        })
        .expect("the zone group is written");
    assert_eq!(group.api_version, "2025-01-01");
    // PrivateEndpointDnsZoneGroupCreate.json (network 2025-01-01, in Azure/azure-rest-api-specs).
    let example = "network 2025-01-01 PrivateEndpointDnsZoneGroupCreate.json";
    within(
        group.body.as_ref().unwrap(),
        &[
            (
                "name",
                "network 2025-01-01 privateEndpoint.json, PrivateDnsZoneGroup.name",
            ),
            (
                "properties.privateDnsZoneConfigs[].name",
                "network 2025-01-01 privateEndpoint.json, PrivateDnsZoneConfig.name",
            ),
            (
                "properties.privateDnsZoneConfigs[].properties.privateDnsZoneId",
                example,
            ),
        ],
        "the DNS zone group",
    );
    assert_eq!(
        group.body.as_ref().unwrap()["properties"]["privateDnsZoneConfigs"][0]["name"],
        "privatelink.azurecr.io"
    );
    // The example's answer is an automatic connection: it is read as one.
    assert_eq!(
        read(&value, "private_service_connection.0.is_manual_connection").and_then(Value::as_bool),
        Some(false)
    );
}

#[test]
fn container_registry() {
    check(&Case {
        type_name: "azurerm_container_registry",
        config: json!({"name": "myRegistry", "resource_group_name": "myResourceGroup", "location": "westus",
            "sku": "Standard", "admin_enabled": true, "tags": {"key": "value"}}),
        examples: &[
            "Microsoft.ContainerRegistry/2025-11-01/RegistryCreate.json",
            "Microsoft.ContainerRegistry/2025-11-01/RegistryGet.json",
        ],
        reads: &[
            ("name", "myRegistry"),
            ("login_server", "myRegistry.azurecr.io"),
            ("sku", "Standard"),
            ("admin_enabled", "true"),
            ("public_network_access_enabled", "true"),
            ("export_policy_enabled", "true"),
            ("trust_policy_enabled", "false"),
            ("retention_policy_in_days", "0"),
            ("zone_redundancy_enabled", "false"),
            ("network_rule_bypass_option", "AzureServices"),
            ("network_rule_set.0.default_action", "Allow"),
            ("encryption", "[]"),
        ],
        spec: &[(
            "identity.type",
            "containerregistry 2025-11-01, IdentityProperties.type (None: no identity, as azurerm sends it)",
        )],
    });
}

/// Premium settings, and the geo-replications as the child
/// `replications/REGION`, the registry's own region left alone.
#[test]
fn container_registry_premium_settings_and_replications() {
    let config = json!({"name": "myRegistry", "resource_group_name": "myResourceGroup", "location": "westus",
        "sku": "Premium", "zone_redundancy_enabled": true, "retention_policy_in_days": 30, "trust_policy_enabled": true,
        "public_network_access_enabled": false, "export_policy_enabled": false,
        "network_rule_set": [{"default_action": "Deny", "ip_rule": [{"action": "Allow", "ip_range": "10.1.2.0/24"}]}],
        "identity": [{"type": "UserAssigned", "identity_ids": ["/subscriptions/s/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u"]}],
        "encryption": [{"identity_client_id": "00000000-0000-0000-0000-000000000001", "key_vault_key_id": "https://kv.vault.azure.net/keys/k/v1"}],
        "georeplications": [{"location": "East US", "zone_redundancy_enabled": true, "regional_endpoint_enabled": true, "tags": {"key": "value"}}]});
    let (_, sent) = apply(
        "azurerm_container_registry",
        &config,
        created("Microsoft.ContainerRegistry/2025-11-01/RegistryCreate.json"),
    );
    let registry = put_to(&sent, "/registries/myRegistry");
    let mut allowed: Vec<(String, &str)> = Vec::new();
    for ex in [
        "Microsoft.ContainerRegistry/2025-11-01/RegistryCreate.json",
        "Microsoft.ContainerRegistry/2025-11-01/RegistryGet.json",
    ] {
        let ex = fixture(ex);
        let mut p = BTreeSet::new();
        paths(&request_body(&ex), "", &mut p);
        for b in response_bodies(&ex) {
            paths(&b, "", &mut p);
        }
        allowed.extend(p.into_iter().map(|p| (p, "RegistryCreate.json / RegistryGet.json")));
    }
    let spec = "containerregistry 2025-11-01 containerregistry.json";
    for p in [
        "identity.type",
        "identity.userAssignedIdentities.*",
        "properties.encryption.keyVaultProperties.identity",
        "properties.encryption.keyVaultProperties.keyIdentifier",
        "properties.networkRuleSet.ipRules[].action",
        "properties.networkRuleSet.ipRules[].value",
    ] {
        allowed.push((p.to_string(), spec));
    }
    let allowed: Vec<(&str, &str)> = allowed.iter().map(|(p, w)| (p.as_str(), *w)).collect();
    within(&registry, &allowed, "a Premium registry");
    let p = &registry["properties"];
    assert_eq!(p["zoneRedundancy"], "Enabled");
    assert_eq!(p["publicNetworkAccess"], "Disabled");
    assert_eq!(
        p["policies"]["retentionPolicy"],
        json!({"days": 30, "status": "enabled"})
    );
    assert_eq!(p["policies"]["exportPolicy"]["status"], "disabled");
    assert_eq!(
        p["networkRuleSet"],
        json!({"defaultAction": "Deny", "ipRules": [{"action": "Allow", "value": "10.1.2.0/24"}]})
    );
    assert_eq!(registry["sku"], json!({"name": "Premium", "tier": "Premium"}));

    let replica = sent
        .iter()
        .find(|r| r.method == Method::Put && r.path.ends_with("/registries/myRegistry/replications/eastus"))
        .expect("the replication is written, named after its region");
    assert_eq!(replica.api_version, "2025-11-01");
    // ReplicationCreateZoneRedundant.json (containerregistry 2025-11-01, in Azure/azure-rest-api-specs).
    let example = "containerregistry 2025-11-01 ReplicationCreateZoneRedundant.json";
    within(
        replica.body.as_ref().unwrap(),
        &[
            (
                "name",
                "containerregistry 2025-11-01 containerregistry.json, Resource.name",
            ),
            ("location", example),
            ("tags.*", example),
            ("properties.regionEndpointEnabled", example),
            ("properties.zoneRedundancy", example),
        ],
        "a replication",
    );
    assert_eq!(replica.body.as_ref().unwrap()["location"], "eastus");
    assert_eq!(
        replica.body.as_ref().unwrap()["properties"]["zoneRedundancy"],
        "Enabled"
    );
}

/// Answers as the registry examples do: the registry, and its credentials.
struct Registry {
    registry: Json,
    credentials: Json,
    asked: Mutex<Vec<String>>,
}

impl ArmClient for Registry {
    async fn send(&self, req: ArmRequest) -> Result<ArmResponse, ArmError> {
        self.asked.lock().unwrap().push(format!("{} {}", req.method, req.path));
        let body = match req.method {
            Method::Post if req.path.ends_with("/listCredentials") => self.credentials.clone(),
            Method::Get if req.path.ends_with("/replications") => json!({"value": []}),
            _ => self.registry.clone(),
        };
        Ok(ArmResponse { status: 200, body })
    }

    fn describe(&self) -> String {
        "registry examples".into()
    }

    fn subscription(&self) -> &str {
        SUB
    }

    fn tenant(&self) -> &str {
        "11111111-1111-1111-1111-111111111111"
    }
}

/// The data source reads the registry and, with its admin user enabled,
/// its credentials from `listCredentials`; with it disabled, none is asked.
#[test]
fn container_registry_data_source_and_admin_credentials() {
    let catalog = Catalog::embedded();
    let schema = catalog.schema(Mode::Data, "azurerm_container_registry").unwrap();
    let credentials = fixture("Microsoft.ContainerRegistry/2025-11-01/RegistryListCredentials.json")["responses"]
        ["200"]["body"]
        .clone();
    for (example, admin) in [
        ("Microsoft.ContainerRegistry/2025-11-01/RegistryCreate.json", true),
        ("Microsoft.ContainerRegistry/2025-11-01/RegistryGet.json", false),
    ] {
        let provider = Azurerm::new(
            Registry {
                registry: created(example),
                credentials: credentials.clone(),
                asked: Mutex::new(Vec::new()),
            },
            catalog.schemas("azurerm"),
        );
        let config = Value::from_json(&json!({"name": "myRegistry", "resource_group_name": "myResourceGroup"}));
        let r = runtime().block_on(provider.read_data(ReadDataRequest {
            schema,
            provider: &ProviderConfig::default(),
            config: &config,
            now: std::time::SystemTime::now(),
        }));
        assert!(!r.diags.has_errors(), "{:?}", r.diags);
        let v = r.value.unwrap();
        assert_eq!(read_str(&v, "login_server"), Some("myRegistry.azurecr.io"));
        assert_eq!(read_str(&v, "sku"), Some("Standard"));
        let asked = provider.client.asked.lock().unwrap();
        let listed = asked.iter().any(|a| a.ends_with("/listCredentials"));
        assert_eq!(listed, admin, "{example}: {asked:?}");
        if admin {
            assert_eq!(read_str(&v, "admin_username"), Some("myRegistry"));
            assert_eq!(read_str(&v, "admin_password"), Some("00000000000000000000000000000000"));
        }
    }
}

const IDENTITY: &str = "/subscriptions/c267c0e7-0a73-4789-9e17-d26aeb0904e5/resourcegroups/rgName/providers/Microsoft.ManagedIdentity/userAssignedIdentities/identityName";

#[test]
fn federated_identity_credential() {
    check(&Case {
        type_name: "azurerm_federated_identity_credential",
        config: json!({"name": "ficResourceName", "user_assigned_identity_id": IDENTITY,
            "issuer": "https://oidc.prod-aks.azure.com/TenantGUID/IssuerGUID",
            "subject": "system:serviceaccount:ns:svcaccount", "audience": ["api://AzureADTokenExchange"]}),
        examples: &[
            "Microsoft.ManagedIdentity/2024-11-30/FederatedIdentityCredentialCreate.json",
            "Microsoft.ManagedIdentity/2024-11-30/FederatedIdentityCredentialGet.json",
        ],
        reads: &[
            ("name", "ficResourceName"),
            ("user_assigned_identity_id", IDENTITY),
            ("parent_id", IDENTITY),
            ("resource_group_name", "rgName"),
            ("issuer", "https://oidc.prod-aks.azure.com/TenantGUID/IssuerGUID"),
            ("subject", "system:serviceaccount:ns:svcaccount"),
            ("audience", r#"["api://AzureADTokenExchange"]"#),
        ],
        spec: &[],
    });
}

/// The deprecated `parent_id` names the identity as well.
#[test]
fn federated_identity_credential_by_parent_id() {
    let config = json!({"name": "ficResourceName", "parent_id": IDENTITY,
        "issuer": "https://oidc.prod-aks.azure.com/TenantGUID/IssuerGUID",
        "subject": "system:serviceaccount:ns:svcaccount", "audience": ["api://AzureADTokenExchange"]});
    let (value, sent) = apply(
        "azurerm_federated_identity_credential",
        &config,
        created("Microsoft.ManagedIdentity/2024-11-30/FederatedIdentityCredentialCreate.json"),
    );
    let put = sent.iter().find(|r| r.method == Method::Put).unwrap();
    assert_eq!(
        put.path,
        format!("{IDENTITY}/federatedIdentityCredentials/ficResourceName")
    );
    assert_eq!(read_str(&value, "user_assigned_identity_id"), Some(IDENTITY));
}

#[test]
fn kubernetes_cluster_trusted_access_role_binding() {
    const SOURCE: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/b/providers/Microsoft.MachineLearningServices/workspaces/c";
    let cluster = format!("{RG_ID}/providers/Microsoft.ContainerService/managedClusters/clustername1");
    check(&Case {
        type_name: "azurerm_kubernetes_cluster_trusted_access_role_binding",
        config: json!({"name": "binding1", "kubernetes_cluster_id": cluster, "source_resource_id": SOURCE,
            "roles": ["Microsoft.MachineLearningServices/workspaces/reader", "Microsoft.MachineLearningServices/workspaces/writer"]}),
        examples: &[
            "Microsoft.ContainerService/2026-07-01/TrustedAccessRoleBindings_CreateOrUpdate.json",
            "Microsoft.ContainerService/2026-07-01/TrustedAccessRoleBindings_Get.json",
        ],
        reads: &[
            ("name", "binding1"),
            ("source_resource_id", SOURCE),
            (
                "roles",
                r#"["Microsoft.MachineLearningServices/workspaces/reader","Microsoft.MachineLearningServices/workspaces/writer"]"#,
            ),
        ],
        spec: &[],
    });
}
