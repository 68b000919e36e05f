//! What Azure does per resource type on PUT, DELETE and POST: validation,
//! properties that cannot change in place, and computed values. Error codes
//! and messages are ARM's.

use super::{agent_pools, refusals, SimClient, SUBSCRIPTION, TENANT};
use crate::config::tables;
use crate::provider::arm::{self, ArmError, ArmResponse};
use base64::Engine as _;
use serde_json::{json, Map, Value as Json};
use sha2::Digest;

/// A property that cannot change in place, with the error Azure gives.
struct Immutable {
    path: &'static str,
    code: &'static str,
}

fn immutables(rtype: &str) -> &'static [Immutable] {
    match rtype.to_lowercase().as_str() {
        "microsoft.resources/resourcegroups" => &[Immutable {
            path: "location",
            code: "InvalidResourceGroupLocation",
        }],
        "microsoft.network/virtualnetworks" | "microsoft.managedidentity/userassignedidentities" => &[Immutable {
            path: "location",
            code: "InvalidResourceLocation",
        }],
        "microsoft.authorization/roleassignments" => &[
            Immutable {
                path: "properties.roleDefinitionId",
                code: "RoleAssignmentUpdateNotPermitted",
            },
            Immutable {
                path: "properties.principalId",
                code: "RoleAssignmentUpdateNotPermitted",
            },
        ],
        "microsoft.containerservice/managedclusters" => &[
            Immutable {
                path: "location",
                code: "InvalidResourceLocation",
            },
            Immutable {
                path: "properties.dnsPrefix",
                code: "PropertyChangeNotAllowed",
            },
            Immutable {
                path: "properties.fqdnSubdomain",
                code: "PropertyChangeNotAllowed",
            },
            Immutable {
                path: "properties.nodeResourceGroup",
                code: "PropertyChangeNotAllowed",
            },
            Immutable {
                path: "properties.networkProfile.networkPlugin",
                code: "PropertyChangeNotAllowed",
            },
            Immutable {
                path: "properties.networkProfile.serviceCidr",
                code: "PropertyChangeNotAllowed",
            },
            Immutable {
                path: "properties.networkProfile.dnsServiceIP",
                code: "PropertyChangeNotAllowed",
            },
            Immutable {
                path: "properties.networkProfile.outboundType",
                code: "PropertyChangeNotAllowed",
            },
            Immutable {
                path: "properties.networkProfile.loadBalancerSku",
                code: "PropertyChangeNotAllowed",
            },
        ],
        // What a pool is built with: changed by a new pool (azurerm rotates one).
        "microsoft.containerservice/managedclusters/agentpools" => &[
            Immutable {
                path: "properties.vmSize",
                code: "PropertyChangeNotAllowed",
            },
            Immutable {
                path: "properties.osType",
                code: "PropertyChangeNotAllowed",
            },
            Immutable {
                path: "properties.vnetSubnetID",
                code: "PropertyChangeNotAllowed",
            },
            Immutable {
                path: "properties.podSubnetID",
                code: "PropertyChangeNotAllowed",
            },
            Immutable {
                path: "properties.scaleSetPriority",
                code: "PropertyChangeNotAllowed",
            },
            Immutable {
                path: "properties.maxPods",
                code: "PropertyChangeNotAllowed",
            },
            Immutable {
                path: "properties.osDiskSizeGB",
                code: "PropertyChangeNotAllowed",
            },
            Immutable {
                path: "properties.osDiskType",
                code: "PropertyChangeNotAllowed",
            },
            Immutable {
                path: "properties.availabilityZones",
                code: "PropertyChangeNotAllowed",
            },
        ],
        "microsoft.machinelearningservices/workspaces" => &[
            Immutable {
                path: "location",
                code: "InvalidResourceLocation",
            },
            Immutable {
                path: "properties.storageAccount",
                code: "CannotChangeStorageAccount",
            },
        ],
        "microsoft.machinelearningservices/workspaces/computes" => &[
            Immutable {
                path: "properties.resourceId",
                code: "BadRequest",
            },
            Immutable {
                path: "properties.properties.clusterPurpose",
                code: "BadRequest",
            },
        ],
        "microsoft.kubernetes/connectedclusters" => &[
            Immutable {
                path: "location",
                code: "InvalidResourceLocation",
            },
            Immutable {
                path: "properties.agentPublicKeyCertificate",
                code: "PropertyChangeNotAllowed",
            },
        ],
        "microsoft.kubernetesconfiguration/extensions" => &[
            Immutable {
                path: "properties.extensionType",
                code: "PropertyChangeNotAllowed",
            },
            Immutable {
                path: "properties.scope",
                code: "PropertyChangeNotAllowed",
            },
        ],
        _ => &[],
    }
}

fn at<'j>(doc: &'j Json, path: &str) -> Option<&'j Json> {
    path.split('.').try_fold(doc, |d, k| d.get(k)).filter(|v| !v.is_null())
}

fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::String(x), Json::String(y)) => {
            x.eq_ignore_ascii_case(y) || arm::normalize_location(x) == arm::normalize_location(y)
        }
        _ => a == b,
    }
}

fn props(doc: &mut Json) -> &mut Map<String, Json> {
    if !doc.get("properties").is_some_and(Json::is_object) {
        doc["properties"] = json!({});
    }
    doc["properties"].as_object_mut().expect("just made an object")
}

/// A value that stays what it was, or becomes a fresh GUID on create.
fn keep_or_new(existing: Option<&Json>, path: &str) -> Json {
    existing
        .and_then(|e| at(e, path))
        .cloned()
        .unwrap_or_else(|| Json::String(uuid::Uuid::new_v4().to_string()))
}

fn short_hash(id: &str) -> String {
    let h = sha2::Sha256::digest(id.to_lowercase().as_bytes());
    h.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

fn bad_request(code: &str, message: impl Into<String>) -> ArmError {
    ArmError::new(400, code, message)
}

/// A change to a property the type cannot change in place, refused with
/// Azure's error.
pub fn refuse_immutable_change(id: &str, existing: &Json, doc: &Json) -> Result<(), ArmError> {
    let rtype = arm::resource_type(id);
    let theirs = super::kinds::kind(&rtype).map_or(&[][..], |k| k.immutable());
    let rules = immutables(&rtype)
        .iter()
        .map(|r| (r.path, r.code))
        .chain(theirs.iter().copied());
    for (path, code) in rules {
        if let (Some(old), Some(new)) = (at(existing, path), at(doc, path)) {
            if !same(old, new) {
                let prop = path.rsplit('.').next().unwrap_or(path);
                return Err(bad_request(
                    code,
                    format!("Changing property '{prop}' from {old} to {new} is not allowed on '{id}'."),
                ));
            }
        }
    }
    Ok(())
}

/// The document Azure keeps after a PUT of `body` on `id`.
pub fn on_put(sim: &SimClient, id: &str, body: Json, existing: Option<&Json>) -> Result<Json, ArmError> {
    refusals::write_locked(sim, id)?;
    // What the resource provider refuses first: a name it does not take
    // (checked when the resource is made), nested properties that do not
    // deserialize.
    match existing {
        None => super::names::check(id, &body)?,
        Some(_) => super::names::check_nested(id, &body)?,
    }
    super::bodies::check_shape(id, &body)?;
    let rtype = arm::resource_type(id);
    let mut doc = body;
    let stored_id = existing
        .and_then(|e| e.get("id"))
        .and_then(Json::as_str)
        .unwrap_or(id)
        .to_string();
    doc["id"] = json!(stored_id);
    doc["name"] = json!(arm::name_of(id));
    doc["type"] = json!(rtype);
    if let Some(loc) = doc.get("location").and_then(Json::as_str) {
        doc["location"] = json!(arm::normalize_location(loc));
    }
    let kind = super::kinds::kind(&rtype);
    if let Some(existing) = existing {
        refuse_immutable_change(id, existing, &doc)?;
    }
    match rtype.to_lowercase().as_str() {
        "microsoft.network/virtualnetworks" => {
            let guid = keep_or_new(existing, "properties.resourceGuid");
            props(&mut doc).insert("resourceGuid".into(), guid);
        }
        "microsoft.network/virtualnetworks/subnets" => subnet(sim, id, &mut doc)?,
        "microsoft.managedidentity/userassignedidentities" => {
            let created = existing
                .and_then(|e| at(e, "systemData.createdAt"))
                .cloned()
                .unwrap_or_else(|| json!(humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string()));
            doc["systemData"] = json!({"createdAt": created});
            let principal = keep_or_new(existing, "properties.principalId");
            let client = keep_or_new(existing, "properties.clientId");
            let p = props(&mut doc);
            p.insert("principalId".into(), principal);
            p.insert("clientId".into(), client);
            p.insert("tenantId".into(), json!(TENANT));
        }
        "microsoft.authorization/roleassignments" => {
            if let Some(p) = at(&doc, "properties.principalId").and_then(Json::as_str) {
                refusals::principal_replicated(sim, p)?;
            }
            role_assignment(sim, id, &mut doc)?
        }
        "microsoft.containerservice/managedclusters" => {
            cluster(sim, id, &mut doc, existing)?;
            refusals::cluster(sim, id, &doc, existing)?;
            agent_pools::check_profiles(sim, id, &doc)?;
        }
        "microsoft.containerservice/managedclusters/agentpools" => {
            refusals::agent_pool(sim, id, &doc, existing)?;
            agent_pool(sim, id, &mut doc)?
        }
        "microsoft.machinelearningservices/workspaces" => {
            let workspace = keep_or_new(existing, "properties.workspaceId");
            let location = doc
                .get("location")
                .and_then(Json::as_str)
                .unwrap_or("eastus")
                .to_string();
            if at(&doc, "identity.type")
                .and_then(Json::as_str)
                .is_some_and(|t| t.contains("SystemAssigned"))
            {
                doc["identity"]["principalId"] = keep_or_new(existing, "identity.principalId");
                doc["identity"]["tenantId"] = json!(TENANT);
            }
            let p = props(&mut doc);
            p.insert("workspaceId".into(), workspace);
            p.insert(
                "discoveryUrl".into(),
                json!(format!("https://{location}.api.azureml.ms/discovery")),
            );
        }
        "microsoft.machinelearningservices/workspaces/computes" => {
            refusals::aks_compute(sim, id, &doc)?;
            let p = props(&mut doc);
            let inner = p.entry("properties").or_insert(json!({}));
            if inner.get("clusterPurpose").is_none_or(Json::is_null) {
                inner["clusterPurpose"] = json!("FastProd");
            }
            // Azure keeps the TLS key and never returns it.
            if let Some(ssl) = inner.get_mut("sslConfiguration").and_then(Json::as_object_mut) {
                ssl.remove("key");
            }
        }
        "microsoft.kubernetes/connectedclusters" => connected_cluster(&mut doc, existing),
        "microsoft.kubernetesconfiguration/extensions" => {
            refusals::extension(&doc)?;
            extension(id, &mut doc, existing)?
        }
        _ => {}
    }
    // A type's kind adds to what the rules above do for the types they know.
    if let Some(k) = kind {
        k.on_put(sim, id, &mut doc, existing)?;
    }
    props(&mut doc).insert("provisioningState".into(), json!("Succeeded"));
    Ok(doc)
}

/// What a GET shows beyond the stored document: a cluster lists every agent
/// pool in `agentPoolProfiles`, as AKS does; other types as their kind says.
pub fn on_get(sim: &SimClient, id: &str, doc: Json) -> Result<Json, ArmError> {
    if agent_pools::is_cluster(id) {
        return agent_pools::with_profiles(sim, id, doc);
    }
    match super::kinds::kind(&arm::resource_type(id)) {
        Some(k) => k.on_get(sim, id, doc),
        None => Ok(doc),
    }
}

pub fn on_delete(sim: &SimClient, id: &str, doc: &Json) -> Result<(), ArmError> {
    refusals::delete_locked(sim, id)?;
    if arm::resource_type(id).eq_ignore_ascii_case("Microsoft.Network/virtualNetworks/subnets") {
        refusals::subnet_delete(sim, id)?;
    }
    if agent_pools::is_pool(id) {
        agent_pools::check_delete(sim, id, doc)?;
    }
    match super::kinds::kind(&arm::resource_type(id)) {
        Some(k) => k.on_delete(sim, id, doc),
        None => Ok(()),
    }
}

pub fn on_post(sim: &SimClient, id: &str, action: &str, doc: &Json) -> Result<ArmResponse, ArmError> {
    let rtype = arm::resource_type(id).to_lowercase();
    match (rtype.as_str(), action) {
        ("microsoft.containerservice/managedclusters", "listClusterUserCredential" | "listClusterAdminCredential") => {
            super::kinds::managed_cluster::check_action(action, doc)?;
            let user = if action == "listClusterAdminCredential" {
                "clusterAdmin"
            } else {
                "clusterUser"
            };
            let config = kubeconfig(id, doc, user);
            Ok(ArmResponse {
                status: 200,
                body: json!({"kubeconfigs": [{
                    "name": user,
                    "value": base64::engine::general_purpose::STANDARD.encode(config),
                }]}),
            })
        }
        _ => super::kinds::kind(&rtype)
            .and_then(|k| k.on_action(sim, id, action, doc))
            .unwrap_or_else(|| {
                Err(ArmError::new(
                    404,
                    "InvalidResourceType",
                    format!("The action '{action}' is not supported on '{id}'."),
                ))
            }),
    }
}

fn parse_prefix(p: &Json, subnet: &str) -> Result<ipnet::IpNet, ArmError> {
    p.as_str().and_then(|s| s.parse::<ipnet::IpNet>().ok()).ok_or_else(|| {
        bad_request(
            "InvalidAddressPrefixFormat",
            format!("Address prefix {p} of subnet '{subnet}' is not in a valid CIDR format."),
        )
    })
}

fn subnet(sim: &SimClient, id: &str, doc: &mut Json) -> Result<(), ArmError> {
    let name = arm::name_of(id).to_string();
    let prefixes: Vec<ipnet::IpNet> = match at(doc, "properties.addressPrefixes").and_then(Json::as_array) {
        Some(list) if !list.is_empty() => list.iter().map(|p| parse_prefix(p, &name)).collect::<Result<_, _>>()?,
        _ => match at(doc, "properties.addressPrefix") {
            Some(p) => vec![parse_prefix(p, &name)?],
            None => {
                return Err(bad_request(
                    "InvalidRequestFormat",
                    format!("Subnet '{name}' must have an address prefix."),
                ))
            }
        },
    };
    let vnet_id = arm::parent_id(id).unwrap_or_default();
    let vnet = sim.store.get(&vnet_id).map_err(super::io_error)?.unwrap_or(Json::Null);
    let spaces: Vec<ipnet::IpNet> = at(&vnet, "properties.addressSpace.addressPrefixes")
        .and_then(Json::as_array)
        .map(|l| l.iter().filter_map(|p| p.as_str()?.parse().ok()).collect())
        .unwrap_or_default();
    for p in &prefixes {
        if !spaces.iter().any(|s| s.contains(p)) {
            return Err(bad_request(
                "NetcfgSubnetRangeOutsideVnet",
                format!(
                    "Subnet '{name}' is not valid because its IP address range {p} is outside the IP address range of virtual network '{}'.",
                    arm::name_of(&vnet_id)
                ),
            ));
        }
    }
    for sibling in sim.store.descendants(&vnet_id).map_err(super::io_error)? {
        let sid = sibling.get("id").and_then(Json::as_str).unwrap_or("");
        if arm::ids_equal(sid, id) || !arm::parent_id(sid).is_some_and(|p| arm::ids_equal(&p, &vnet_id)) {
            continue;
        }
        let theirs: Vec<ipnet::IpNet> = at(&sibling, "properties.addressPrefixes")
            .and_then(Json::as_array)
            .map(|l| l.iter().filter_map(|p| p.as_str()?.parse().ok()).collect())
            .unwrap_or_default();
        for a in &prefixes {
            if let Some(b) = theirs.iter().find(|b| b.contains(a) || a.contains(*b)) {
                return Err(bad_request(
                    "NetcfgSubnetRangesOverlap",
                    format!("Subnet '{name}' ({a}) overlaps subnet '{}' ({b}).", arm::name_of(sid)),
                ));
            }
        }
    }
    if let Some(list) = doc.pointer_mut("/properties/delegations").and_then(Json::as_array_mut) {
        for d in list.iter_mut() {
            let dname = d.get("name").and_then(Json::as_str).unwrap_or("delegation").to_string();
            let service = d
                .pointer("/properties/serviceName")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string();
            d["id"] = json!(format!("{id}/delegations/{dname}"));
            d["type"] = json!("Microsoft.Network/virtualNetworks/subnets/delegations");
            let p = props(d);
            if p.get("actions")
                .is_none_or(|a| a.as_array().is_none_or(|a| a.is_empty()))
            {
                p.insert("actions".into(), json!(default_delegation_actions(&service)));
            }
            p.insert("provisioningState".into(), json!("Succeeded"));
        }
    }
    Ok(())
}

fn default_delegation_actions(service: &str) -> Vec<&'static str> {
    match service.to_lowercase().as_str() {
        "microsoft.containerservice/managedclusters" => vec!["Microsoft.Network/virtualNetworks/subnets/join/action"],
        _ => vec!["Microsoft.Network/virtualNetworks/subnets/action"],
    }
}

fn role_assignment(sim: &SimClient, id: &str, doc: &mut Json) -> Result<(), ArmError> {
    let scope = arm::parent_id(id).unwrap_or_default();
    let role = at(doc, "properties.roleDefinitionId")
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_string();
    let principal = at(doc, "properties.principalId")
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_string();
    if principal.is_empty() {
        return Err(bad_request(
            "InvalidRoleAssignmentRequest",
            "The principalId is required.",
        ));
    }
    let guid = role.rsplit('/').next().unwrap_or("");
    if !role
        .to_lowercase()
        .contains("/providers/microsoft.authorization/roledefinitions/")
        || uuid::Uuid::parse_str(guid).is_err()
    {
        return Err(bad_request(
            "InvalidRoleDefinitionId",
            format!("The role definition ID '{role}' is not valid."),
        ));
    }
    // That the assignment's name is a GUID is checked with the other names (names.rs).
    // One assignment per (scope, role, principal): another name for the same grant is a conflict.
    for other in sim.store.descendants(&scope).map_err(super::io_error)? {
        let oid = other.get("id").and_then(Json::as_str).unwrap_or("");
        let direct = arm::parent_id(oid).is_some_and(|p| arm::ids_equal(&p, &scope));
        let is_assignment = arm::resource_type(oid).eq_ignore_ascii_case("Microsoft.Authorization/roleAssignments");
        if !direct || !is_assignment || arm::ids_equal(oid, id) {
            continue;
        }
        let same_role = at(&other, "properties.roleDefinitionId")
            .and_then(Json::as_str)
            .is_some_and(|r| arm::ids_equal(r, &role));
        let same_principal = at(&other, "properties.principalId").and_then(Json::as_str) == Some(principal.as_str());
        if same_role && same_principal {
            return Err(ArmError::new(
                409,
                "RoleAssignmentExists",
                "The role assignment already exists.",
            ));
        }
    }
    let p = props(doc);
    p.insert("scope".into(), json!(scope));
    p.entry("principalType").or_insert(json!("ServicePrincipal"));
    Ok(())
}

fn cluster(sim: &SimClient, id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
    let name = arm::name_of(id).to_string();
    let location = doc
        .get("location")
        .and_then(Json::as_str)
        .unwrap_or("eastus")
        .to_string();
    let rg = id.split('/').nth(4).unwrap_or("rg").to_string();
    let pools = at(doc, "properties.agentPoolProfiles")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    if !pools.iter().any(|p| {
        p.get("mode")
            .and_then(Json::as_str)
            .is_some_and(|m| m.eq_ignore_ascii_case("System"))
    }) {
        return Err(bad_request(
            "MustDefineAtLeastOneSystemPool",
            "Must define at least one system pool.",
        ));
    }
    // The identities a cluster names must exist.
    if let Some(ids) = at(doc, "identity.userAssignedIdentities").and_then(Json::as_object) {
        let mut filled = Map::new();
        for uid in ids.keys() {
            let Some(identity) = sim.store.get(uid).map_err(super::io_error)? else {
                return Err(bad_request(
                    "InvalidUserAssignedIdentity",
                    format!("The user assigned identity '{uid}' could not be found."),
                ));
            };
            filled.insert(
                uid.clone(),
                json!({
                    "principalId": at(&identity, "properties.principalId").cloned().unwrap_or(Json::Null),
                    "clientId": at(&identity, "properties.clientId").cloned().unwrap_or(Json::Null),
                }),
            );
        }
        doc["identity"]["userAssignedIdentities"] = Json::Object(filled);
    }
    if at(doc, "identity.type")
        .and_then(Json::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case("SystemAssigned"))
    {
        doc["identity"]["principalId"] = keep_or_new(existing, "identity.principalId");
        doc["identity"]["tenantId"] = json!(TENANT);
    }
    let version = at(doc, "properties.kubernetesVersion")
        .and_then(Json::as_str)
        .unwrap_or("1.31")
        .to_string();
    // A minor alone runs its newest patch, as AKS picks it.
    let current = match tables::version(&version) {
        Some(v) if version.matches('.').count() == 1 => {
            tables::kubernetes_latest_patch(v).map_or_else(|| format!("{version}.0"), str::to_string)
        }
        _ => version.clone(),
    };
    let prefix = at(doc, "properties.dnsPrefix")
        .or_else(|| at(doc, "properties.fqdnSubdomain"))
        .and_then(Json::as_str)
        .unwrap_or(&name)
        .to_string();
    let hash = short_hash(id);
    let private =
        at(doc, "properties.apiServerAccessProfile.enablePrivateCluster").and_then(Json::as_bool) == Some(true);
    let public_fqdn = at(doc, "properties.apiServerAccessProfile.enablePrivateClusterPublicFQDN")
        .and_then(Json::as_bool)
        == Some(true);
    let node_rg = at(doc, "properties.nodeResourceGroup")
        .and_then(Json::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("MC_{rg}_{name}_{location}"));
    // The node resource group is in the cluster's subscription.
    let sub = super::subscriptions::segment(id).unwrap_or(SUBSCRIPTION).to_string();
    let kept = existing
        .and_then(|e| at(e, "properties.identityProfile.kubeletidentity"))
        .cloned();
    let named = super::kinds::managed_cluster::named_kubelet_identity(sim, doc, kept.as_ref())?;
    let kubelet = named.or(kept).unwrap_or_else(|| {
        json!({
            "resourceId": format!("/subscriptions/{sub}/resourcegroups/{node_rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}-agentpool"),
            "clientId": uuid::Uuid::new_v4().to_string(),
            "objectId": uuid::Uuid::new_v4().to_string(),
        })
    });
    let plugin = at(doc, "properties.networkProfile.networkPlugin")
        .and_then(Json::as_str)
        .unwrap_or("kubenet")
        .to_string();
    let overlay = at(doc, "properties.networkProfile.networkPluginMode")
        .and_then(Json::as_str)
        .is_some_and(|m| m.eq_ignore_ascii_case("overlay"));
    let max_pods = match (plugin.as_str(), overlay) {
        (_, true) => 250,
        ("azure", false) => 30,
        _ => 110,
    };
    if !doc.get("sku").is_some_and(Json::is_object) {
        doc["sku"] = json!({});
    }
    doc["sku"]["name"] = json!("Base");
    if doc["sku"].get("tier").is_none() {
        doc["sku"]["tier"] = json!("Free");
    }
    let p = props(doc);
    p.insert("kubernetesVersion".into(), json!(version));
    p.insert("currentKubernetesVersion".into(), json!(current));
    p.entry("enableRBAC").or_insert(json!(true));
    p.insert("nodeResourceGroup".into(), json!(node_rg));
    p.insert(
        "azurePortalFQDN".into(),
        json!(format!("{prefix}-{hash}.portal.hcp.{location}.azmk8s.io")),
    );
    if private {
        p.insert(
            "privateFQDN".into(),
            json!(format!("{prefix}-{hash}.{hash}.privatelink.{location}.azmk8s.io")),
        );
        if !public_fqdn {
            p.remove("fqdn");
        }
    }
    if !private || public_fqdn {
        p.insert(
            "fqdn".into(),
            json!(format!("{prefix}-{hash}.hcp.{location}.azmk8s.io")),
        );
    }
    p.insert("identityProfile".into(), json!({"kubeletidentity": kubelet}));
    if let Some(sp) = p.get_mut("servicePrincipalProfile").and_then(Json::as_object_mut) {
        sp.remove("secret");
    }
    if let Some(wp) = p.get_mut("windowsProfile").and_then(Json::as_object_mut) {
        wp.remove("adminPassword");
    }
    let net = p.entry("networkProfile").or_insert(json!({}));
    let defaults = [
        ("networkPlugin", json!(plugin)),
        ("serviceCidr", json!("10.0.0.0/16")),
        ("dnsServiceIP", json!("10.0.0.10")),
        ("outboundType", json!("loadBalancer")),
        ("loadBalancerSku", json!("standard")),
        ("networkDataplane", json!("azure")),
        ("ipFamilies", json!(["IPv4"])),
    ];
    for (k, v) in defaults {
        if net.get(k).is_none_or(Json::is_null) {
            net[k] = v;
        }
    }
    if (plugin == "kubenet" || overlay) && net.get("podCidr").is_none_or(Json::is_null) {
        net["podCidr"] = json!("10.244.0.0/16");
    }
    let service_cidr = net["serviceCidr"].clone();
    net["serviceCidrs"] = json!([service_cidr]);
    if let Some(pod) = net.get("podCidr").filter(|v| !v.is_null()).cloned() {
        net["podCidrs"] = json!([pod]);
    }
    if let Some(pools) = p.get_mut("agentPoolProfiles").and_then(Json::as_array_mut) {
        for pool in pools {
            let defaults = [
                ("count", json!(1)),
                ("orchestratorVersion", json!(version)),
                ("maxPods", json!(max_pods)),
                ("osDiskSizeGB", json!(128)),
                ("osDiskType", json!("Managed")),
                ("osSKU", json!("Ubuntu")),
                ("osType", json!("Linux")),
                ("type", json!("VirtualMachineScaleSets")),
                ("kubeletDiskType", json!("OS")),
            ];
            for (k, v) in defaults {
                if pool.get(k).is_none_or(Json::is_null) {
                    pool[k] = v;
                }
            }
            pool["currentOrchestratorVersion"] = json!(current);
            pool["nodeImageVersion"] = json!("AKSUbuntu-2204gen2containerd-202411.12.0");
            pool["provisioningState"] = json!("Succeeded");
        }
    }
    super::kinds::managed_cluster::fill(id, doc, existing);
    Ok(())
}

/// An agent pool of a cluster: defaults from the pool's OS and its cluster.
fn agent_pool(sim: &SimClient, id: &str, doc: &mut Json) -> Result<(), ArmError> {
    let cluster = arm::parent_id(id)
        .and_then(|c| sim.store.get(&c).ok().flatten())
        .unwrap_or(Json::Null);
    let version = at(&cluster, "properties.kubernetesVersion")
        .cloned()
        .unwrap_or(json!("1.31"));
    let windows = at(doc, "properties.osType")
        .and_then(Json::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case("Windows"));
    let p = props(doc);
    let defaults = [
        ("count", json!(1)),
        ("mode", json!("User")),
        ("osType", json!(if windows { "Windows" } else { "Linux" })),
        ("osSKU", json!(if windows { "Windows2022" } else { "Ubuntu" })),
        ("orchestratorVersion", version),
        ("maxPods", json!(30)),
        ("osDiskSizeGB", json!(128)),
        ("osDiskType", json!("Managed")),
        ("scaleSetPriority", json!("Regular")),
        ("type", json!("VirtualMachineScaleSets")),
    ];
    for (k, v) in defaults {
        if p.get(k).is_none_or(Json::is_null) {
            p.insert(k.into(), v);
        }
    }
    let current = p["orchestratorVersion"].clone();
    p.insert("currentOrchestratorVersion".into(), current);
    Ok(())
}

/// A cluster connected to Azure Arc: what the agents report once connected.
fn connected_cluster(doc: &mut Json, existing: Option<&Json>) {
    doc["identity"]["principalId"] = keep_or_new(existing, "identity.principalId");
    doc["identity"]["tenantId"] = json!(TENANT);
    let p = props(doc);
    let defaults = [
        ("distribution", json!("generic")),
        ("infrastructure", json!("generic")),
        ("agentVersion", json!("1.21.10")),
        ("kubernetesVersion", json!("1.30.4")),
        ("totalNodeCount", json!(3)),
        ("totalCoreCount", json!(12)),
        ("connectivityStatus", json!("Connected")),
    ];
    for (k, v) in defaults {
        if p.get(k).is_none_or(Json::is_null) {
            p.insert(k.into(), v);
        }
    }
}

fn extension(id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
    if at(doc, "identity.type")
        .and_then(Json::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case("SystemAssigned"))
    {
        doc["identity"]["principalId"] = keep_or_new(existing, "identity.principalId");
        doc["identity"]["tenantId"] = json!(TENANT);
    }
    let principal = keep_or_new(existing, "properties.aksAssignedIdentity.principalId");
    let p = props(doc);
    // Azure keeps protected settings and never returns them.
    p.remove("configurationProtectedSettings");
    let pinned = p.get("version").and_then(Json::as_str).map(str::to_string);
    let auto = p
        .get("autoUpgradeMinorVersion")
        .and_then(Json::as_bool)
        .unwrap_or(pinned.is_none());
    p.insert("autoUpgradeMinorVersion".into(), json!(auto));
    if auto && p.get("releaseTrain").is_none_or(Json::is_null) {
        p.insert("releaseTrain".into(), json!("Stable"));
    }
    p.insert("currentVersion".into(), json!(pinned.unwrap_or_else(|| "1.0.0".into())));
    if id
        .to_lowercase()
        .contains("/microsoft.containerservice/managedclusters/")
    {
        p.insert(
            "aksAssignedIdentity".into(),
            json!({"principalId": principal, "tenantId": TENANT, "type": "SystemAssigned"}),
        );
    }
    Ok(())
}

fn kubeconfig(id: &str, doc: &Json, user: &str) -> String {
    let name = arm::name_of(id);
    let server = at(doc, "properties.fqdn")
        .or_else(|| at(doc, "properties.privateFQDN"))
        .and_then(Json::as_str)
        .unwrap_or("localhost");
    let token: String = sha2::Sha256::digest(format!("{}/{user}", id.to_lowercase()).as_bytes())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    let ca = base64::engine::general_purpose::STANDARD.encode(format!("simulated CA of {name}"));
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: {name}\n  cluster:\n    certificate-authority-data: {ca}\n    server: https://{server}:443\ncontexts:\n- name: {name}\n  context:\n    cluster: {name}\n    user: {user}_{name}\ncurrent-context: {name}\nusers:\n- name: {user}_{name}\n  user:\n    token: {token}\n"
    )
}
