//! Hostile requests against the simulation, in process: for every resource
//! type it knows, bodies mutated at random (any JSON value at the
//! properties its rules read, at random new paths, in place of the whole
//! body) sent as PUT and PATCH, and requests on random paths. Whatever
//! comes in, the simulation answers, with an error or not; it must never
//! panic. Tests only: it owns no behaviour.
//!
//! The draws are seeded, so a failure repeats; `AKSPLAN_SIM_FUZZ_ROUNDS`
//! (default 1) multiplies the number of cases for a longer run, and
//! `AKSPLAN_SIM_FUZZ_SEED` changes the seed.

use super::{SimClient, SUBSCRIPTION};
use crate::provider::arm::{ArmRequest, Method};
use serde_json::{json, Map, Value as Json};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Keys the simulation's rules read or fill in, and ARM's envelope.
const KEYS: &[&str] = &[
    "properties",
    "location",
    "tags",
    "identity",
    "sku",
    "kind",
    "zones",
    "plan",
    "extendedLocation",
    "name",
    "id",
    "type",
    "userAssignedIdentities",
    "principalId",
    "tenantId",
    "clientId",
    "type",
    "addressSpace",
    "addressPrefixes",
    "addressPrefix",
    "subnets",
    "delegations",
    "serviceName",
    "actions",
    "networkSecurityGroup",
    "routeTable",
    "natGateway",
    "serviceEndpoints",
    "privateEndpointNetworkPolicies",
    "securityRules",
    "routes",
    "nextHopType",
    "nextHopIpAddress",
    "priority",
    "direction",
    "access",
    "protocol",
    "publicIPAllocationMethod",
    "publicIPAddressVersion",
    "dnsSettings",
    "domainNameLabel",
    "ipTags",
    "publicIpAddresses",
    "publicIpPrefixes",
    "idleTimeoutInMinutes",
    "virtualNetwork",
    "registrationEnabled",
    "resolutionPolicy",
    "ttl",
    "aRecords",
    "ipv4Address",
    "cnameRecord",
    "cname",
    "subnet",
    "privateLinkServiceConnections",
    "manualPrivateLinkServiceConnections",
    "privateLinkServiceId",
    "groupIds",
    "requestMessage",
    "privateDnsZoneConfigs",
    "privateDnsZoneId",
    "ipConfigurations",
    "privateIPAddress",
    "memberName",
    "groupId",
    "customNetworkInterfaceName",
    "remoteVirtualNetwork",
    "allowVirtualNetworkAccess",
    "allowForwardedTraffic",
    "allowGatewayTransit",
    "useRemoteGateways",
    "peerCompleteVnets",
    "localSubnetNames",
    "remoteSubnetNames",
    "dnsPrefix",
    "fqdnSubdomain",
    "kubernetesVersion",
    "agentPoolProfiles",
    "count",
    "vmSize",
    "mode",
    "osType",
    "osSKU",
    "maxPods",
    "osDiskSizeGB",
    "osDiskType",
    "vnetSubnetID",
    "podSubnetID",
    "availabilityZones",
    "enableAutoScaling",
    "minCount",
    "maxCount",
    "nodeLabels",
    "nodeTaints",
    "orchestratorVersion",
    "scaleSetPriority",
    "upgradeSettings",
    "maxSurge",
    "networkProfile",
    "networkPlugin",
    "networkPluginMode",
    "networkPolicy",
    "networkDataplane",
    "serviceCidr",
    "dnsServiceIP",
    "podCidr",
    "outboundType",
    "loadBalancerSku",
    "loadBalancerProfile",
    "apiServerAccessProfile",
    "enablePrivateCluster",
    "enablePrivateClusterPublicFQDN",
    "privateDNSZone",
    "authorizedIPRanges",
    "identityProfile",
    "kubeletidentity",
    "resourceId",
    "objectId",
    "servicePrincipalProfile",
    "secret",
    "windowsProfile",
    "adminPassword",
    "adminUsername",
    "addonProfiles",
    "enabled",
    "config",
    "oidcIssuerProfile",
    "securityProfile",
    "workloadIdentity",
    "aadProfile",
    "managed",
    "enableAzureRBAC",
    "adminGroupObjectIDs",
    "autoUpgradeProfile",
    "upgradeChannel",
    "nodeOSUpgradeChannel",
    "azureMonitorProfile",
    "metrics",
    "maintenanceWindow",
    "schedule",
    "weekly",
    "daily",
    "absoluteMonthly",
    "relativeMonthly",
    "intervalWeeks",
    "intervalDays",
    "dayOfWeek",
    "durationHours",
    "startTime",
    "startDate",
    "utcOffset",
    "notAllowedDates",
    "timeInWeek",
    "notAllowedTime",
    "sourceResourceId",
    "roles",
    "extensionType",
    "autoUpgradeMinorVersion",
    "releaseTrain",
    "version",
    "scope",
    "cluster",
    "releaseNamespace",
    "configurationSettings",
    "configurationProtectedSettings",
    "aksAssignedIdentity",
    "namespace",
    "sourceKind",
    "gitRepository",
    "url",
    "repositoryRef",
    "branch",
    "tag",
    "bucket",
    "azureBlob",
    "ociRepository",
    "kustomizations",
    "path",
    "dependsOn",
    "prune",
    "force",
    "suspend",
    "issuer",
    "subject",
    "audiences",
    "accessTier",
    "allowBlobPublicAccess",
    "minimumTlsVersion",
    "networkAcls",
    "defaultAction",
    "ipRules",
    "virtualNetworkRules",
    "bypass",
    "isHnsEnabled",
    "supportsHttpsTrafficOnly",
    "encryption",
    "keySource",
    "publicNetworkAccess",
    "tenantId",
    "accessPolicies",
    "permissions",
    "keys",
    "secrets",
    "certificates",
    "storage",
    "enableSoftDelete",
    "enablePurgeProtection",
    "softDeleteRetentionInDays",
    "enableRbacAuthorization",
    "createMode",
    "family",
    "adminUserEnabled",
    "policies",
    "retentionPolicy",
    "days",
    "status",
    "exportPolicy",
    "dataEndpointEnabled",
    "networkRuleSet",
    "zoneRedundancy",
    "regionEndpointEnabled",
    "retentionInDays",
    "workspaceCapping",
    "dailyQuotaGb",
    "features",
    "enableLogAccessUsingOnlyResourcePermissions",
    "defaultDataCollectionRuleResourceId",
    "grafanaMajorVersion",
    "grafanaIntegrations",
    "azureMonitorWorkspaceIntegrations",
    "azureMonitorWorkspaceResourceId",
    "deterministicOutboundIP",
    "apiKey",
    "zoneRedundancy",
    "dataSources",
    "destinations",
    "logAnalytics",
    "monitoringAccounts",
    "accountResourceId",
    "workspaceResourceId",
    "dataFlows",
    "streams",
    "dataCollectionEndpointId",
    "storageAccount",
    "keyVault",
    "applicationInsights",
    "containerRegistry",
    "computeType",
    "clusterPurpose",
    "sslConfiguration",
    "cert",
    "key",
    "cname",
    "agentPublicKeyCertificate",
    "distribution",
    "infrastructure",
    "roleDefinitionId",
    "principalType",
    "condition",
    "level",
    "notes",
    "owners",
];

/// Values the rules compare with, and values no rule expects.
const STRINGS: &[&str] = &[
    "", " ", "x", "westeurope", "West Europe", "global", "SystemAssigned", "UserAssigned",
    "SystemAssigned, UserAssigned", "None", "System", "User", "Linux", "Windows", "azure", "kubenet", "overlay",
    "cilium", "Standard", "Basic", "Premium", "Standard_LRS", "Free", "Static", "Dynamic", "Inbound", "Outbound",
    "Allow", "Deny", "Tcp", "*", "Internet", "VirtualAppliance", "10.0.0.0/16", "10.0.1.0/24", "10.0.0.4",
    "not-a-cidr", "300.1.1.1/99", "::/0", "1.31", "1.31.2", "99.99", "Microsoft.ContainerService/managedClusters",
    "AKS", "Kubernetes", "GitRepository", "Bucket", "microsoft.flux", "ReadOnly", "CanNotDelete", "Enabled",
    "Disabled", "recover", "default", "vault", "registry", "true", "0", "-1", "é\u{301}", "\u{0}", "日本",
    "/subscriptions", "/subscriptions/00000000-0000-0000-0000-000000000000",
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1",
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet1",
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/s2",
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1",
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks1",
    "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "acdd72a7-3385-48ef-bd42-f606fba81ae7", "https://example.com/repo", "//", "../..", "%2F",
];

fn number(rng: &mut fastrand::Rng) -> Json {
    match rng.u8(0..8) {
        0 => json!(0),
        1 => json!(-1),
        2 => json!(1.5),
        3 => json!(f64::MAX),
        4 => json!(f64::MIN),
        5 => json!(u64::MAX),
        6 => json!(i64::MIN),
        _ => json!(rng.i64(-1000..100_000)),
    }
}

fn string(rng: &mut fastrand::Rng) -> String {
    match rng.u8(0..10) {
        0 => "a".repeat(rng.usize(100..5000)),
        1 => KEYS[rng.usize(..KEYS.len())].to_string(),
        _ => STRINGS[rng.usize(..STRINGS.len())].to_string(),
    }
}

/// Any JSON value, nested up to `depth`.
fn value(rng: &mut fastrand::Rng, depth: u32) -> Json {
    let pick = if depth == 0 { rng.u8(0..4) } else { rng.u8(0..8) };
    match pick {
        0 => Json::Null,
        1 => json!(rng.bool()),
        2 => number(rng),
        3 => json!(string(rng)),
        4 | 5 => {
            let mut m = Map::new();
            for _ in 0..rng.usize(0..4) {
                m.insert(string(rng), value(rng, depth - 1));
            }
            Json::Object(m)
        }
        _ => Json::Array((0..rng.usize(0..4)).map(|_| value(rng, depth - 1)).collect()),
    }
}

#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every path in `doc` that leads to a value.
fn paths(doc: &Json, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match doc {
        Json::Object(m) => {
            for (k, v) in m {
                prefix.push(Step::Key(k.clone()));
                out.push(prefix.clone());
                paths(v, prefix, out);
                prefix.pop();
            }
        }
        Json::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                prefix.push(Step::Index(i));
                out.push(prefix.clone());
                paths(v, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

/// Sets `v` at `path`, making objects (or arrays) on the way.
fn set(doc: &mut Json, path: &[Step], v: Json) {
    let Some((first, rest)) = path.split_first() else {
        *doc = v;
        return;
    };
    match first {
        Step::Key(k) => {
            if !doc.is_object() {
                *doc = json!({});
            }
            if let Some(m) = doc.as_object_mut() {
                set(m.entry(k.clone()).or_insert(Json::Null), rest, v);
            }
        }
        Step::Index(i) => {
            if !doc.is_array() {
                *doc = json!([]);
            }
            if let Some(a) = doc.as_array_mut() {
                while a.len() <= *i {
                    a.push(Json::Null);
                }
                set(&mut a[*i], rest, v);
            }
        }
    }
}

/// `base` with one to three values replaced or added.
fn mutate(rng: &mut fastrand::Rng, base: &Json) -> Json {
    if rng.u8(0..20) == 0 {
        return value(rng, 3);
    }
    let mut doc = base.clone();
    for _ in 0..rng.usize(1..4) {
        let mut known = Vec::new();
        paths(&doc, &mut Vec::new(), &mut known);
        let path = if !known.is_empty() && rng.bool() {
            known.swap_remove(rng.usize(..known.len()))
        } else {
            let mut p = Vec::new();
            if rng.bool() {
                p.push(Step::Key("properties".into()));
            }
            for _ in 0..rng.usize(1..4) {
                if rng.u8(0..5) == 0 {
                    p.push(Step::Index(rng.usize(0..2)));
                } else {
                    p.push(Step::Key(KEYS[rng.usize(..KEYS.len())].to_string()));
                }
            }
            p
        };
        set(&mut doc, &path, value(rng, 3));
    }
    doc
}

const RG: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1";

fn id(rest: &str) -> String {
    format!("{RG}/providers/{rest}")
}

/// One resource of each type the simulation knows, in an order where each
/// one's parents and references come first, with a body Azure accepts.
fn world() -> Vec<(String, Json)> {
    let vnet = id("Microsoft.Network/virtualNetworks/vnet1");
    let subnet = format!("{vnet}/subnets/s2");
    let aks = id("Microsoft.ContainerService/managedClusters/aks1");
    let zone = id("Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net");
    let vault = id("Microsoft.KeyVault/vaults/kv-hostile");
    let mlw = id("Microsoft.MachineLearningServices/workspaces/mlw1");
    let st = id("Microsoft.Storage/storageAccounts/sthostile1");
    let uai = id("Microsoft.ManagedIdentity/userAssignedIdentities/id1");
    let loc = "westeurope";
    vec![
        (RG.to_string(), json!({"location": loc, "tags": {"a": "b"}})),
        (
            vnet.clone(),
            json!({"location": loc, "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                "subnets": [{"name": "s1", "properties": {"addressPrefix": "10.0.1.0/24"}}]}}),
        ),
        (
            id("Microsoft.Network/virtualNetworks/vnet2"),
            json!({"location": loc, "properties": {"addressSpace": {"addressPrefixes": ["10.9.0.0/16"]}}}),
        ),
        (
            id("Microsoft.Network/networkSecurityGroups/nsg1"),
            json!({"location": loc, "properties": {"securityRules": [{"name": "r1", "properties": {"priority": 100,
                "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "*",
                "destinationAddressPrefix": "*", "sourcePortRange": "*", "destinationPortRange": "443"}}]}}),
        ),
        (
            id("Microsoft.Network/networkSecurityGroups/nsg1/securityRules/r2"),
            json!({"properties": {"priority": 200, "direction": "Outbound", "access": "Deny", "protocol": "*",
                "sourceAddressPrefix": "*", "destinationAddressPrefix": "*", "sourcePortRange": "*", "destinationPortRange": "*"}}),
        ),
        (
            id("Microsoft.Network/routeTables/rt1"),
            json!({"location": loc, "properties": {"routes": [{"name": "r1", "properties": {"addressPrefix": "0.0.0.0/0", "nextHopType": "Internet"}}]}}),
        ),
        (
            id("Microsoft.Network/routeTables/rt1/routes/r2"),
            json!({"properties": {"addressPrefix": "10.8.0.0/16", "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.0.1.4"}}),
        ),
        (
            id("Microsoft.Network/publicIPAddresses/pip1"),
            json!({"location": loc, "sku": {"name": "Standard"}, "properties": {"publicIPAllocationMethod": "Static"}}),
        ),
        (
            id("Microsoft.Network/natGateways/ng1"),
            json!({"location": loc, "sku": {"name": "Standard"}, "properties": {"publicIpAddresses": [{"id": id("Microsoft.Network/publicIPAddresses/pip1")}]}}),
        ),
        (
            subnet.clone(),
            json!({"properties": {"addressPrefix": "10.0.2.0/24", "networkSecurityGroup": {"id": id("Microsoft.Network/networkSecurityGroups/nsg1")},
                "routeTable": {"id": id("Microsoft.Network/routeTables/rt1")}}}),
        ),
        (
            format!("{vnet}/virtualNetworkPeerings/peer1"),
            json!({"properties": {"remoteVirtualNetwork": {"id": id("Microsoft.Network/virtualNetworks/vnet2")}, "allowVirtualNetworkAccess": true}}),
        ),
        (zone.clone(), json!({"location": "global"})),
        (
            format!("{zone}/virtualNetworkLinks/link1"),
            json!({"location": "global", "properties": {"virtualNetwork": {"id": vnet}, "registrationEnabled": false}}),
        ),
        (
            format!("{zone}/A/rec1"),
            json!({"properties": {"ttl": 300, "aRecords": [{"ipv4Address": "10.0.2.9"}]}}),
        ),
        (uai.clone(), json!({"location": loc})),
        (
            format!("{uai}/federatedIdentityCredentials/fic1"),
            json!({"properties": {"issuer": "https://issuer.example", "subject": "system:serviceaccount:a:b", "audiences": ["api://AzureADTokenExchange"]}}),
        ),
        (
            aks.clone(),
            json!({"location": loc, "identity": {"type": "UserAssigned", "userAssignedIdentities": {uai.clone(): {}}},
                "properties": {"dnsPrefix": "aks1", "kubernetesVersion": "1.31",
                "agentPoolProfiles": [{"name": "system", "mode": "System", "count": 1, "vmSize": "Standard_D4s_v5", "vnetSubnetID": subnet}],
                "networkProfile": {"networkPlugin": "azure", "networkPluginMode": "overlay"},
                "apiServerAccessProfile": {"enablePrivateCluster": false}, "addonProfiles": {"omsagent": {"enabled": false}}}}),
        ),
        (
            format!("{aks}/agentPools/user1"),
            json!({"properties": {"mode": "User", "vmSize": "Standard_D4s_v5", "count": 1, "osType": "Linux"}}),
        ),
        (
            format!("{aks}/maintenanceConfigurations/aksManagedAutoUpgradeSchedule"),
            json!({"properties": {"maintenanceWindow": {"schedule": {"weekly": {"intervalWeeks": 1, "dayOfWeek": "Sunday"}},
                "durationHours": 4, "startTime": "00:00", "utcOffset": "+00:00"}}}),
        ),
        (
            format!("{aks}/providers/Microsoft.KubernetesConfiguration/extensions/flux"),
            json!({"properties": {"extensionType": "microsoft.flux", "autoUpgradeMinorVersion": true}}),
        ),
        (
            format!("{aks}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/f1"),
            json!({"properties": {"namespace": "flux", "scope": "namespace", "sourceKind": "GitRepository",
                "gitRepository": {"url": "https://example.com/repo", "repositoryRef": {"branch": "main"}},
                "kustomizations": {"apps": {"path": "./apps"}}}}),
        ),
        (
            st.clone(),
            json!({"location": loc, "sku": {"name": "Standard_LRS"}, "kind": "StorageV2", "properties": {"minimumTlsVersion": "TLS1_2"}}),
        ),
        (
            vault.clone(),
            json!({"location": loc, "properties": {"tenantId": super::TENANT, "sku": {"family": "A", "name": "standard"}}}),
        ),
        (
            format!("{vault}/accessPolicies/add"),
            json!({"properties": {"accessPolicies": [{"tenantId": super::TENANT, "objectId": "o1", "permissions": {"secrets": ["get"]}}]}}),
        ),
        (
            id("Microsoft.ContainerRegistry/registries/acrhostile"),
            json!({"location": loc, "sku": {"name": "Premium"}, "properties": {"adminUserEnabled": false}}),
        ),
        (
            id("Microsoft.ContainerRegistry/registries/acrhostile/replications/eastus"),
            json!({"location": "eastus"}),
        ),
        (
            id("Microsoft.OperationalInsights/workspaces/law-hostile"),
            json!({"location": loc, "properties": {"sku": {"name": "PerGB2018"}, "retentionInDays": 30}}),
        ),
        (id("Microsoft.Monitor/accounts/amw1"), json!({"location": loc})),
        (
            id("Microsoft.Dashboard/grafana/graf1"),
            json!({"location": loc, "sku": {"name": "Standard"}, "identity": {"type": "SystemAssigned"}, "properties": {"grafanaMajorVersion": "11"}}),
        ),
        (
            id("Microsoft.Insights/dataCollectionRules/dcr1"),
            json!({"location": loc, "properties": {"destinations": {"logAnalytics": [{"name": "a",
                "workspaceResourceId": id("Microsoft.OperationalInsights/workspaces/law-hostile")}]},
                "dataFlows": [{"streams": ["Microsoft-ContainerInsights-Group-Default"], "destinations": ["a"]}]}}),
        ),
        (
            id("Microsoft.Network/privateEndpoints/pe1"),
            json!({"location": loc, "properties": {"subnet": {"id": subnet},
                "privateLinkServiceConnections": [{"name": "c", "properties": {"privateLinkServiceId": vault, "groupIds": ["vault"]}}]}}),
        ),
        (
            id("Microsoft.Network/privateEndpoints/pe1/privateDnsZoneGroups/default"),
            json!({"properties": {"privateDnsZoneConfigs": [{"name": "z", "properties": {"privateDnsZoneId": zone}}]}}),
        ),
        (
            mlw.clone(),
            json!({"location": loc, "identity": {"type": "SystemAssigned"}, "properties": {"storageAccount": st, "keyVault": vault}}),
        ),
        (
            format!("{mlw}/computes/akscompute"),
            json!({"properties": {"computeType": "AKS", "resourceId": aks, "properties": {"clusterPurpose": "DevTest"}}}),
        ),
        (
            format!("{aks}/trustedAccessRoleBindings/tab1"),
            json!({"properties": {"sourceResourceId": mlw, "roles": ["Microsoft.MachineLearningServices/workspaces/mlworkspace"]}}),
        ),
        (
            id("Microsoft.Kubernetes/connectedClusters/arc1"),
            json!({"location": loc, "identity": {"type": "SystemAssigned"}, "properties": {"agentPublicKeyCertificate": "eA=="}}),
        ),
        (
            id("Microsoft.Authorization/roleAssignments/0b0c8ad5-2f4e-4a4f-9c1f-6a3c1f1e2d3a"),
            json!({"properties": {"roleDefinitionId": format!("/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"),
                "principalId": "11111111-2222-3333-4444-555555555555"}}),
        ),
    ]
}

/// The same id with another name of the same kind: `vnet1` → `vnet12`.
fn sibling(id: &str) -> String {
    if id.ends_with("/accessPolicies/add") || id.ends_with("/privateDnsZoneGroups/default") {
        return id.to_string();
    }
    if id.contains("/roleAssignments/") {
        return id.replace("0b0c8ad5", "0b0c8ad6");
    }
    if id.contains("/privateDnsZones/") && !id.contains("/virtualNetworkLinks/") && !id.contains("/A/") {
        return id.replace("privatelink.", "privatelink2.");
    }
    format!("{id}2")
}

fn request(method: Method, path: &str, body: Option<Json>) -> ArmRequest {
    ArmRequest {
        method,
        path: path.to_string(),
        api_version: "2025-01-01".into(),
        body,
    }
}

/// Sends one request; a panic is returned as a description of what caused it.
fn send(sim: &SimClient, req: &ArmRequest) -> Result<(), String> {
    match catch_unwind(AssertUnwindSafe(|| sim.handle(req))) {
        Ok(_) => Ok(()),
        Err(p) => {
            let why = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            let body = req.body.as_ref().map(|b| b.to_string()).unwrap_or_default();
            let body: String = body.chars().take(600).collect();
            Err(format!("{:?} {}\n  body: {body}\n  panic: {why}", req.method, req.path))
        }
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Mutated bodies per resource type and round: a third PUT on the
/// resource, a third PATCH, a third PUT of a new one.
const CASES_PER_TYPE: usize = 150;

#[test]
fn no_body_makes_the_simulation_panic() {
    let rounds = env_number("AKSPLAN_SIM_FUZZ_ROUNDS", 1);
    let mut rng = fastrand::Rng::with_seed(env_number("AKSPLAN_SIM_FUZZ_SEED", 16));
    let dir = tempfile::tempdir().unwrap();
    let sim = SimClient::new(dir.path());
    for ns in [
        "Microsoft.Network",
        "Microsoft.ContainerService",
        "Microsoft.ManagedIdentity",
        "Microsoft.KubernetesConfiguration",
        "Microsoft.Storage",
        "Microsoft.KeyVault",
        "Microsoft.ContainerRegistry",
        "Microsoft.OperationalInsights",
        "Microsoft.Monitor",
        "Microsoft.Dashboard",
        "Microsoft.Insights",
        "Microsoft.MachineLearningServices",
        "Microsoft.Kubernetes",
        "Microsoft.Authorization",
    ] {
        sim.handle(&request(
            Method::Post,
            &format!("/subscriptions/{SUBSCRIPTION}/providers/{ns}/register"),
            None,
        ))
        .unwrap();
    }
    let world = world();
    for (id, body) in &world {
        if let Err(e) = sim.handle(&request(Method::Put, id, Some(body.clone()))) {
            panic!("the world's {id} is refused: {} {}", e.code, e.message);
        }
    }
    let mut panics = Vec::new();
    let mut cases = 0u64;
    for _ in 0..rounds {
        for (id, base) in &world {
            for i in 0..CASES_PER_TYPE {
                let body = mutate(&mut rng, base);
                let (method, target) = match i % 3 {
                    0 => (Method::Put, id.clone()),
                    1 => (Method::Patch, id.clone()),
                    _ => (Method::Put, sibling(id)),
                };
                cases += 1;
                if let Err(p) = send(&sim, &request(method, &target, Some(body))) {
                    panics.push(p);
                }
            }
            // What the world holds now is what the next mutations build on:
            // put the base back, should a mutation have been accepted.
            let _ = sim.handle(&request(Method::Put, id, Some(base.clone())));
        }
    }
    assert!(
        panics.is_empty(),
        "{} of {cases} cases panicked:\n{}",
        panics.len(),
        panics.join("\n")
    );
}

#[test]
fn no_path_makes_the_simulation_panic() {
    let rounds = env_number("AKSPLAN_SIM_FUZZ_ROUNDS", 1);
    let mut rng = fastrand::Rng::with_seed(env_number("AKSPLAN_SIM_FUZZ_SEED", 16));
    let dir = tempfile::tempdir().unwrap();
    let sim = SimClient::new(dir.path());
    sim.handle(&request(Method::Put, RG, Some(json!({"location": "westeurope"}))))
        .unwrap();
    const SEGMENTS: &[&str] = &[
        "subscriptions",
        SUBSCRIPTION,
        "resourceGroups",
        "resourcegroups",
        "rg1",
        "providers",
        "Microsoft.Network",
        "virtualNetworks",
        "vnet1",
        "subnets",
        "Microsoft.ContainerService",
        "managedClusters",
        "aks1",
        "agentPools",
        "Microsoft.KeyVault",
        "locations",
        "westeurope",
        "deletedVaults",
        "operationStatuses",
        "operationResults",
        "register",
        "unregister",
        "features",
        "Microsoft.Features",
        "featureProviders",
        "subscriptionFeatureRegistrations",
        "listKeys",
        "listClusterUserCredential",
        "purge",
        "Microsoft.Authorization",
        "locks",
        "roleAssignments",
        "kubernetesVersions",
        "",
        ".",
        "..",
        "%",
        "x y",
        "?",
        "#",
        "not-a-guid",
        "日本",
    ];
    let mut panics = Vec::new();
    let mut cases = 0u64;
    for _ in 0..rounds {
        for _ in 0..1500 {
            let n = rng.usize(0..12);
            let mut path = String::new();
            for _ in 0..n {
                path.push('/');
                path.push_str(SEGMENTS[rng.usize(..SEGMENTS.len())]);
            }
            if rng.u8(0..4) == 0 {
                path.push_str("?syncRemoteAddressSpace=true");
            }
            let method = [Method::Get, Method::Put, Method::Patch, Method::Delete, Method::Post][rng.usize(..5)];
            let body = match rng.u8(0..3) {
                0 => None,
                1 => Some(json!({"location": "westeurope", "properties": {}})),
                _ => Some(value(&mut rng, 3)),
            };
            cases += 1;
            if let Err(p) = send(&sim, &request(method, &path, body)) {
                panics.push(p);
            }
        }
    }
    assert!(
        panics.is_empty(),
        "{} of {cases} cases panicked:\n{}",
        panics.len(),
        panics.join("\n")
    );
}
