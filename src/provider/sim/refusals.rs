//! What Azure refuses at apply time that aksplan's rules catch at plan
//! time: with `--skip-rules`, the same mistakes fail here, with Azure's
//! error codes, minutes into an apply in real life.

use super::SimClient;
use crate::config::tables::{kubernetes_supported, kubernetes_versions, vcpus, version, KubernetesMinor};
use crate::provider::arm::{self, ArmError};
use serde_json::Value as Json;
use std::time::{SystemTime, UNIX_EPOCH};

const AKS_SERVICE: &str = "Microsoft.ContainerService/managedClusters";
/// Role definitions that include `Microsoft.Network/virtualNetworks/subnets/join/action`:
/// Owner, Contributor, Network Contributor.
const JOIN_ROLES: [&str; 3] = [
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "4d97b98b-1d4f-4787-a291-c67834d212e7",
];

fn at<'j>(doc: &'j Json, path: &str) -> Option<&'j Json> {
    path.split('.').try_fold(doc, |d, k| d.get(k)).filter(|v| !v.is_null())
}

fn str_at<'j>(doc: &'j Json, path: &str) -> Option<&'j str> {
    at(doc, path).and_then(Json::as_str)
}

fn delegated_to(subnet: &Json, service: &str) -> bool {
    at(subnet, "properties.delegations")
        .and_then(Json::as_array)
        .is_some_and(|ds| {
            ds.iter().any(|d| {
                d.pointer("/properties/serviceName")
                    .and_then(Json::as_str)
                    .is_some_and(|s| s.eq_ignore_ascii_case(service))
            })
        })
}

/// Whether `principal` holds a role with subnet join rights on `target` or above it.
fn can_join(sim: &SimClient, principal: &str, target: &str) -> Result<bool, ArmError> {
    let mut scope = Some(target.to_string());
    while let Some(s) = scope {
        for doc in sim.store.descendants(&s).map_err(super::io_error)? {
            let id = str_at(&doc, "id").unwrap_or("");
            let direct = arm::parent_id(id).is_some_and(|p| arm::ids_equal(&p, &s));
            if !direct || !arm::resource_type(id).eq_ignore_ascii_case("Microsoft.Authorization/roleAssignments") {
                continue;
            }
            let role = str_at(&doc, "properties.roleDefinitionId").unwrap_or("");
            let guid = role.rsplit('/').next().unwrap_or("");
            let holder = str_at(&doc, "properties.principalId").unwrap_or("");
            if holder.eq_ignore_ascii_case(principal) && JOIN_ROLES.iter().any(|r| r.eq_ignore_ascii_case(guid)) {
                return Ok(true);
            }
        }
        scope = arm::parent_id(&s);
    }
    Ok(false)
}

/// Kubernetes versions a cluster or agent pool document asks for.
fn versions_of(doc: &Json) -> Vec<&str> {
    let pools = at(doc, "properties.agentPoolProfiles").and_then(Json::as_array);
    ["properties.kubernetesVersion", "properties.orchestratorVersion"]
        .iter()
        .filter_map(|p| str_at(doc, p))
        .chain(
            pools
                .into_iter()
                .flatten()
                .filter_map(|p| str_at(p, "orchestratorVersion")),
        )
        .collect()
}

/// A new Kubernetes version AKS does not offer (schemas/tables/kubernetes_versions.json,
/// what the simulation's kubernetesVersions answer lists too); a resource
/// that stays on its version, supported or not, is left alone.
fn supported_versions(doc: &Json, existing: Option<&Json>) -> Result<(), ArmError> {
    let kept = existing.map(versions_of).unwrap_or_default();
    for v in versions_of(doc) {
        if kept.contains(&v) || version(v).is_none_or(kubernetes_supported) {
            continue;
        }
        return Err(ArmError::new(
            400,
            "K8sVersionNotSupported",
            format!(
                "Version {v} is not supported in this region. Supported minor versions: {}.",
                kubernetes_versions()
                    .iter()
                    .map(KubernetesMinor::label)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Ok(())
}

/// A cluster: a supported version and, with API server VNet integration,
/// the right subnets and an identity allowed to join them.
pub fn cluster(sim: &SimClient, id: &str, doc: &Json, existing: Option<&Json>) -> Result<(), ArmError> {
    supported_versions(doc, existing)?;
    let node_subnet = doc
        .pointer("/properties/agentPoolProfiles/0/vnetSubnetID")
        .and_then(Json::as_str)
        .map(str::to_string);
    if let Some(node) = &node_subnet {
        if let Some(subnet) = sim.store.get(node).map_err(super::io_error)? {
            if at(&subnet, "properties.delegations")
                .and_then(Json::as_array)
                .is_some_and(|d| !d.is_empty())
            {
                return Err(ArmError::new(
                    400,
                    "SubnetIsDelegated",
                    format!("AgentPoolProfile.VnetSubnetID {node} cannot be used as it's a delegated subnet."),
                ));
            }
        }
    }
    let integrated =
        at(doc, "properties.apiServerAccessProfile.enableVnetIntegration").and_then(Json::as_bool) == Some(true);
    if let Some(old) = sim.store.get(id).map_err(super::io_error)? {
        let private = |d: &Json| {
            at(d, "properties.apiServerAccessProfile.enablePrivateCluster")
                .and_then(Json::as_bool)
                .unwrap_or(false)
        };
        if private(&old) != private(doc) && !integrated {
            return Err(ArmError::new(
                400,
                "PropertyChangeNotAllowed",
                "Changing property 'enablePrivateCluster' is not allowed: it can change only on clusters with API server VNet integration.",
            ));
        }
    }
    if !integrated {
        return Ok(());
    }
    let plugin = str_at(doc, "properties.networkProfile.networkPlugin").unwrap_or("kubenet");
    if !plugin.eq_ignore_ascii_case("azure") {
        return Err(ArmError::new(
            400,
            "InvalidParameter",
            format!("API server VNet integration is supported only with networkPlugin azure, not {plugin}."),
        ));
    }
    let Some(api) = str_at(doc, "properties.apiServerAccessProfile.subnetId") else {
        return Ok(());
    };
    let Some(subnet) = sim.store.get(api).map_err(super::io_error)? else {
        return Err(ArmError::new(
            400,
            "InvalidParameter",
            format!("The API server subnet {api} does not exist."),
        ));
    };
    if !delegated_to(&subnet, AKS_SERVICE) {
        return Err(ArmError::new(
            400,
            "SubnetIsNotDelegated",
            format!("APIServerAccessProfile.SubnetID {api} must be delegated to {AKS_SERVICE}."),
        ));
    }
    let prefix: Option<ipnet::IpNet> = subnet
        .pointer("/properties/addressPrefixes/0")
        .and_then(Json::as_str)
        .and_then(|s| s.parse().ok());
    if let Some(net) = prefix {
        if net.addr().is_ipv4() && net.prefix_len() > 28 {
            return Err(ArmError::new(
                400,
                "InvalidParameter",
                format!(
                    "The API server subnet {api} is a /{}; it must be at least a /28.",
                    net.prefix_len()
                ),
            ));
        }
        // Each cluster reserves 9 addresses; Azure keeps 5 of every subnet.
        let mut sharing = 1;
        let clusters = sim
            .store
            .of_type(super::agent_pools::CLUSTER)
            .map_err(super::io_error)?;
        for other in clusters {
            let oid = str_at(&other, "id").unwrap_or("");
            let uses =
                str_at(&other, "properties.apiServerAccessProfile.subnetId").is_some_and(|s| arm::ids_equal(s, api));
            if uses && !arm::ids_equal(oid, id) {
                sharing += 1;
            }
        }
        let usable = (1u64 << (32 - net.prefix_len() as u64)).saturating_sub(5);
        if sharing * 9 > usable {
            return Err(ArmError::new(
                400,
                "InsufficientSubnetSize",
                format!(
                    "The API server subnet {api} has {usable} usable addresses; {sharing} clusters need {}.",
                    sharing * 9
                ),
            ));
        }
    }
    if let Some(node) = doc
        .pointer("/properties/agentPoolProfiles/0/vnetSubnetID")
        .and_then(Json::as_str)
    {
        let (a, n) = (arm::parent_id(api), arm::parent_id(node));
        if a.zip(n).is_some_and(|(a, n)| !arm::ids_equal(&a, &n)) {
            return Err(ArmError::new(
                400,
                "InvalidParameter",
                "The API server subnet and the node subnet must be in the same virtual network.",
            ));
        }
    }
    let principals: Vec<String> = match str_at(doc, "identity.type") {
        Some(t) if t.eq_ignore_ascii_case("UserAssigned") => at(doc, "identity.userAssignedIdentities")
            .and_then(Json::as_object)
            .map(|m| {
                m.values()
                    .filter_map(|v| str_at(v, "principalId").map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let subnets = std::iter::once(api.to_string()).chain(node_subnet);
    for target in subnets {
        let mut allowed = false;
        for p in &principals {
            allowed |= can_join(sim, p, &target)?;
        }
        if !allowed {
            return Err(ArmError::new(
                403,
                "LinkedAuthorizationFailed",
                format!(
                    "The cluster identity of '{}' does not have authorization to perform action 'Microsoft.Network/virtualNetworks/subnets/join/action' over scope '{target}'.",
                    arm::name_of(id)
                ),
            ));
        }
    }
    Ok(())
}

/// An agent pool: a supported version, Windows limits, and no newer than its control plane.
pub fn agent_pool(sim: &SimClient, id: &str, doc: &Json, existing: Option<&Json>) -> Result<(), ArmError> {
    supported_versions(doc, existing)?;
    let cluster = arm::parent_id(id)
        .and_then(|c| sim.store.get(&c).ok().flatten())
        .unwrap_or(Json::Null);
    let name = arm::name_of(id);
    if str_at(doc, "properties.osType").is_some_and(|t| t.eq_ignore_ascii_case("Windows")) {
        if name.len() > 6 {
            return Err(ArmError::new(
                400,
                "InvalidParameter",
                format!("Windows agent pool name '{name}' can not be longer than 6 characters."),
            ));
        }
        let plugin = str_at(&cluster, "properties.networkProfile.networkPlugin").unwrap_or("kubenet");
        if !plugin.eq_ignore_ascii_case("azure") {
            return Err(ArmError::new(
                400,
                "InvalidParameter",
                format!("Windows agent pools need the azure network plugin; the cluster uses {plugin}."),
            ));
        }
    }
    let (Some(pool), Some(cp)) = (
        str_at(doc, "properties.orchestratorVersion"),
        str_at(&cluster, "properties.currentKubernetesVersion"),
    ) else {
        return Ok(());
    };
    if let (Some(p), Some(c)) = (version(pool), version(cp)) {
        if (p.0, p.1) > (c.0, c.1) {
            return Err(ArmError::new(
                400,
                "NodePoolMcVersionIncompatible",
                format!("Node pool version {pool} and control plane version {cp} are incompatible: a node pool cannot be newer than the control plane."),
            ));
        }
    }
    Ok(())
}

/// An extension's version settings, as the service checks them.
pub fn extension(doc: &Json) -> Result<(), ArmError> {
    let version = str_at(doc, "properties.version");
    let auto = at(doc, "properties.autoUpgradeMinorVersion").and_then(Json::as_bool);
    let train = str_at(doc, "properties.releaseTrain");
    if version.is_some() && (auto == Some(true) || train.is_some()) {
        return Err(ArmError::new(
            400,
            "BadRequest",
            "Version cannot be specified when autoUpgradeMinorVersion is true or a releaseTrain is set.",
        ));
    }
    if train.is_some() && auto == Some(false) {
        return Err(ArmError::new(
            400,
            "BadRequest",
            "releaseTrain cannot be specified when autoUpgradeMinorVersion is false.",
        ));
    }
    if at(doc, "properties.scope.cluster").is_some() && at(doc, "properties.scope.namespace").is_some() {
        return Err(ArmError::new(
            400,
            "BadRequest",
            "An extension's scope is either cluster or namespace.",
        ));
    }
    Ok(())
}

/// Whether `id` is `scope` or lies under it (case-insensitively, as ARM compares ids).
fn at_or_under(id: &str, scope: &str) -> bool {
    let (id, scope) = (id.to_lowercase(), scope.trim_end_matches('/').to_lowercase());
    id == scope || id.starts_with(&format!("{scope}/"))
}

const LOCKS: &str = "Microsoft.Authorization/locks";

/// The management locks in the store: each one's scope (what it is on) and
/// whether it is ReadOnly (else CanNotDelete).
fn locks(sim: &SimClient) -> Result<Vec<(String, bool)>, ArmError> {
    let mut out = Vec::new();
    for doc in sim.store.of_type(LOCKS).map_err(super::io_error)? {
        let id = str_at(&doc, "id").unwrap_or("");
        let level = str_at(&doc, "properties.level").unwrap_or("");
        let read_only = level.eq_ignore_ascii_case("ReadOnly");
        if let (Some(scope), true) = (
            arm::parent_id(id),
            read_only || level.eq_ignore_ascii_case("CanNotDelete"),
        ) {
            out.push((scope, read_only));
        }
    }
    Ok(out)
}

fn scope_locked(id: &str, operation: &str, scope: &str) -> ArmError {
    ArmError::new(
        409,
        "ScopeLocked",
        format!(
            "The scope '{id}' cannot perform {operation} operation because following scope(s) are locked: \
             '{scope}'. Please remove the lock and try again."
        ),
    )
}

/// Management locks (`Microsoft.Authorization/locks`), as Azure applies
/// them until they are removed (409 ScopeLocked): a CanNotDelete or ReadOnly
/// lock refuses the delete of what it is on, of everything under it, and of
/// anything whose delete would take it along (a resource group with a
/// locked resource in it). Locks themselves can always be deleted.
pub fn delete_locked(sim: &SimClient, id: &str) -> Result<(), ArmError> {
    if arm::resource_type(id).eq_ignore_ascii_case(LOCKS) {
        return Ok(());
    }
    match locks(sim)?
        .into_iter()
        .find(|(scope, _)| at_or_under(id, scope) || at_or_under(scope, id))
    {
        Some((scope, _)) => Err(scope_locked(id, "delete", &scope)),
        None => Ok(()),
    }
}

/// A ReadOnly lock also refuses every create and change (PUT, PATCH) of
/// what it is on and of everything under it, locks aside. (What it refuses
/// of POST actions, such as listing credentials, is not simulated.)
pub fn write_locked(sim: &SimClient, id: &str) -> Result<(), ArmError> {
    if arm::resource_type(id).eq_ignore_ascii_case(LOCKS) {
        return Ok(());
    }
    match locks(sim)?
        .into_iter()
        .find(|(scope, read_only)| *read_only && at_or_under(id, scope))
    {
        Some((scope, _)) => Err(scope_locked(id, "write", &scope)),
        None => Ok(()),
    }
}

/// A subnet a cluster uses (for its API server, or one of its pools for
/// nodes or pods) cannot be deleted.
pub fn subnet_delete(sim: &SimClient, id: &str) -> Result<(), ArmError> {
    let clusters = sim
        .store
        .of_type(super::agent_pools::CLUSTER)
        .map_err(super::io_error)?;
    let pools = sim.store.of_type(super::agent_pools::POOL).map_err(super::io_error)?;
    for doc in clusters.into_iter().chain(pools) {
        let did = str_at(&doc, "id").unwrap_or("");
        let cid = match super::agent_pools::is_pool(did) {
            true => arm::parent_id(did).unwrap_or_default(),
            false if super::agent_pools::is_cluster(did) => did.to_string(),
            false => continue,
        };
        let uses = |p: &str| {
            doc.pointer(p)
                .and_then(Json::as_str)
                .is_some_and(|s| arm::ids_equal(s, id))
        };
        // A cluster document of before holds its own pools.
        let pools = at(&doc, "properties.agentPoolProfiles")
            .and_then(Json::as_array)
            .map_or(0, Vec::len);
        let in_pools = (0..pools).any(|i| uses(&format!("/properties/agentPoolProfiles/{i}/vnetSubnetID")));
        let pool_uses = uses("/properties/vnetSubnetID") || uses("/properties/podSubnetID");
        if in_pools || pool_uses || uses("/properties/apiServerAccessProfile/subnetId") {
            return Err(ArmError::new(
                400,
                "InUseSubnetCannotBeDeleted",
                format!(
                    "Subnet {} is in use by {} and cannot be deleted.",
                    arm::name_of(id),
                    cid
                ),
            ));
        }
    }
    Ok(())
}

pub fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

/// A role assignment for an identity the directory does not know yet.
pub fn principal_replicated(sim: &SimClient, principal: &str) -> Result<(), ArmError> {
    let delay = sim.replication;
    if delay.is_zero() {
        return Ok(());
    }
    // The directory is the tenant's: an identity of any subscription counts.
    for doc in sim.store.descendants("/subscriptions").map_err(super::io_error)? {
        if str_at(&doc, "properties.principalId").is_none_or(|p| !p.eq_ignore_ascii_case(principal)) {
            continue;
        }
        let created: u128 = str_at(&doc, "systemData.createdAt")
            .and_then(|s| humantime::parse_rfc3339(s).ok())
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_millis());
        if now_ms() < created + delay.as_millis() {
            return Err(ArmError::new(
                400,
                "PrincipalNotFound",
                format!("Principal {principal} does not exist in the directory. It may have just been created: Azure AD replication can take a while."),
            ));
        }
    }
    Ok(())
}

/// Attaching an AKS cluster to a workspace, as Azure Machine Learning checks it.
pub fn aks_compute(sim: &SimClient, id: &str, doc: &Json) -> Result<(), ArmError> {
    let name = arm::name_of(id);
    let valid_name = name.len() >= 3
        && name.len() <= 24
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !valid_name {
        return Err(ArmError::new(
            400,
            "InvalidComputeName",
            format!(
                "Compute name '{name}' is invalid: use 3 to 24 letters, digits or hyphens, starting with a letter."
            ),
        ));
    }
    if !str_at(doc, "properties.computeType").is_some_and(|t| t.eq_ignore_ascii_case("AKS")) {
        return Err(ArmError::new(
            400,
            "BadRequest",
            "Only computeType AKS is supported for an inference cluster.",
        ));
    }
    let Some(aks_id) = str_at(doc, "properties.resourceId") else {
        return Err(ArmError::new(
            400,
            "BadRequest",
            "properties.resourceId is required to attach a cluster.",
        ));
    };
    let Some(aks) = sim.store.get(aks_id).map_err(super::io_error)? else {
        return Err(ArmError::new(
            400,
            "BadRequest",
            format!("The AKS cluster {aks_id} was not found."),
        ));
    };
    if str_at(&aks, "properties.networkProfile.loadBalancerSku").is_some_and(|s| s.eq_ignore_ascii_case("basic")) {
        return Err(ArmError::new(
            400,
            "BadRequest",
            "Attaching an AKS cluster with a basic load balancer is not supported; use a standard load balancer.",
        ));
    }
    let workspace = arm::parent_id(id).unwrap_or_default();
    for other in sim.store.descendants(&workspace).map_err(super::io_error)? {
        let oid = str_at(&other, "id").unwrap_or("");
        if arm::ids_equal(oid, id)
            || !arm::resource_type(oid).eq_ignore_ascii_case("Microsoft.MachineLearningServices/workspaces/computes")
        {
            continue;
        }
        if str_at(&other, "properties.resourceId").is_some_and(|r| arm::ids_equal(r, aks_id)) {
            return Err(ArmError::new(
                409,
                "Conflict",
                format!(
                    "The AKS cluster {aks_id} is already attached to this workspace as {}.",
                    arm::name_of(oid)
                ),
            ));
        }
    }
    let purpose = str_at(doc, "properties.properties.clusterPurpose").unwrap_or("FastProd");
    let needed = if purpose.eq_ignore_ascii_case("DevTest") { 2 } else { 12 };
    // The default pool and every separate agent pool of the cluster.
    let separate = sim.store.descendants(aks_id).map_err(super::io_error)?;
    let pools = aks
        .pointer("/properties/agentPoolProfiles/0")
        .into_iter()
        .chain(separate.iter().filter_map(|p| {
            let agent_pool =
                str_at(p, "type")?.eq_ignore_ascii_case("Microsoft.ContainerService/managedClusters/agentPools");
            agent_pool.then(|| p.get("properties")).flatten()
        }));
    let total: Option<u64> = pools
        .map(|p| {
            let count = p.get("count").and_then(Json::as_u64).unwrap_or(1);
            Some(count * vcpus(p.get("vmSize")?.as_str()?)?)
        })
        .sum();
    if let Some(total) = total {
        if total < needed {
            return Err(ArmError::new(
                400,
                "BadRequest",
                format!("A {purpose} cluster needs at least {needed} vCPUs; the cluster has {total}."),
            ));
        }
    }
    Ok(())
}
