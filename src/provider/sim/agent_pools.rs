//! A cluster's agent pools as AKS keeps them: every pool is a child
//! resource, `{cluster}/agentPools/{name}`, whether the cluster's own PUT
//! made it (an entry of `agentPoolProfiles`) or an agentPools PUT did. A
//! cluster's answer lists them all in `agentPoolProfiles`, so the two views
//! never disagree: a pool changed, deleted or created through agentPools is
//! seen in the cluster, and a profile in a cluster PUT changes its pool,
//! under the same rules (what cannot change in place). The last System pool
//! cannot be deleted.
//!
//! A store written before pools were children keeps its clusters' own pools
//! in the cluster document: they are read as pools, and moved into pool
//! resources by the first write to the cluster or one of its pools.
//!
//! It must not know azurerm: it answers ARM documents only.

use super::{io_error, SimClient};
use crate::provider::arm::{self, ArmError};
use serde_json::{json, Value as Json};

pub const CLUSTER: &str = "Microsoft.ContainerService/managedClusters";
pub const POOL: &str = "Microsoft.ContainerService/managedClusters/agentPools";

pub fn is_cluster(id: &str) -> bool {
    arm::resource_type(id).eq_ignore_ascii_case(CLUSTER)
}

pub fn is_pool(id: &str) -> bool {
    arm::resource_type(id).eq_ignore_ascii_case(POOL)
}

fn name_of(profile: &Json) -> &str {
    profile.get("name").and_then(Json::as_str).unwrap_or("")
}

fn is_system(profile: &Json) -> bool {
    profile
        .get("mode")
        .and_then(Json::as_str)
        .is_some_and(|m| m.eq_ignore_ascii_case("System"))
}

/// A pool resource as a profile of `agentPoolProfiles`: its properties and name.
fn profile_of(pool: &Json) -> Json {
    let mut p = pool
        .get("properties")
        .cloned()
        .filter(Json::is_object)
        .unwrap_or(json!({}));
    let id = pool.get("id").and_then(Json::as_str).unwrap_or("");
    p["name"] = json!(arm::name_of(id));
    p
}

/// The pool resource of a profile.
fn pool_of(cluster: &str, profile: &Json) -> (String, Json) {
    let name = name_of(profile).to_string();
    let mut properties = profile.clone();
    if let Some(p) = properties.as_object_mut() {
        p.remove("name");
    }
    let id = format!("{cluster}/agentPools/{name}");
    let doc = json!({"id": id, "name": name, "type": POOL, "properties": properties});
    (id, doc)
}

/// The pool resources of a cluster, in name order.
fn children(sim: &SimClient, cluster: &str) -> Result<Vec<Json>, ArmError> {
    let docs = sim.store.descendants(cluster).map_err(io_error)?;
    Ok(docs
        .into_iter()
        .filter(|d| {
            let id = d.get("id").and_then(Json::as_str).unwrap_or("");
            is_pool(id) && arm::parent_id(id).is_some_and(|p| arm::ids_equal(&p, cluster))
        })
        .collect())
}

/// Profiles a cluster document holds itself: from a store of before.
fn held(doc: &Json) -> Vec<Json> {
    doc.pointer("/properties/agentPoolProfiles")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Every pool of a cluster, as `agentPoolProfiles` lists them: its pool
/// resources, and what its document still holds from before.
pub fn profiles(sim: &SimClient, cluster: &str, doc: &Json) -> Result<Vec<Json>, ArmError> {
    let mut out: Vec<Json> = children(sim, cluster)?.iter().map(profile_of).collect();
    for p in held(doc) {
        if !out.iter().any(|o| name_of(o) == name_of(&p)) {
            out.push(p);
        }
    }
    Ok(out)
}

/// A pool only a cluster document of before holds, as its resource.
pub fn held_pool(sim: &SimClient, id: &str) -> Result<Option<Json>, ArmError> {
    let Some(cluster) = arm::parent_id(id) else {
        return Ok(None);
    };
    let Some(doc) = sim.store.get(&cluster).map_err(io_error)? else {
        return Ok(None);
    };
    let name = arm::name_of(id);
    Ok(held(&doc)
        .into_iter()
        .find(|p| name_of(p) == name)
        .map(|p| pool_of(&cluster, &p).1))
}

/// Before a write to a cluster or one of its pools: the pools its document
/// still holds become pool resources.
pub fn adopt(sim: &SimClient, path: &str) -> Result<(), ArmError> {
    let cluster = if is_pool(path) {
        match arm::parent_id(path) {
            Some(c) => c,
            None => return Ok(()),
        }
    } else if is_cluster(path) {
        path.to_string()
    } else {
        return Ok(());
    };
    let Some(mut doc) = sim.store.get(&cluster).map_err(io_error)? else {
        return Ok(());
    };
    if held(&doc).is_empty() {
        return Ok(());
    }
    let existing = children(sim, &cluster)?;
    for p in held(&doc) {
        let (id, pool) = pool_of(&cluster, &p);
        if !existing.iter().any(|e| {
            e.get("id")
                .and_then(Json::as_str)
                .is_some_and(|e| arm::ids_equal(e, &id))
        }) {
            sim.store.put(&id, &pool).map_err(io_error)?;
        }
    }
    if let Some(p) = doc.get_mut("properties").and_then(Json::as_object_mut) {
        p.remove("agentPoolProfiles");
    }
    sim.store.put(&cluster, &doc).map_err(io_error)
}

/// A cluster PUT's profiles, against the pools they name: what AKS cannot
/// change in place is refused as an agentPools PUT would refuse it.
pub fn check_profiles(sim: &SimClient, cluster: &str, doc: &Json) -> Result<(), ArmError> {
    let pools = children(sim, cluster)?;
    for p in held(doc) {
        let (id, new) = pool_of(cluster, &p);
        let old = pools.iter().find(|e| {
            e.get("id")
                .and_then(Json::as_str)
                .is_some_and(|e| arm::ids_equal(e, &id))
        });
        if let Some(old) = old {
            super::rules::refuse_immutable_change(&id, old, &new)?;
        }
    }
    Ok(())
}

/// After a cluster PUT: each profile is its pool's new state, and the
/// cluster document keeps none of them. Pools it does not list stay.
pub fn store_profiles(sim: &SimClient, cluster: &str, doc: &mut Json) -> Result<(), ArmError> {
    for p in held(doc) {
        let (id, pool) = pool_of(cluster, &p);
        sim.store.put(&id, &pool).map_err(io_error)?;
    }
    if let Some(p) = doc.get_mut("properties").and_then(Json::as_object_mut) {
        p.remove("agentPoolProfiles");
    }
    Ok(())
}

/// A cluster as GET answers it: every pool in `agentPoolProfiles`.
pub fn with_profiles(sim: &SimClient, cluster: &str, mut doc: Json) -> Result<Json, ArmError> {
    let all = profiles(sim, cluster, &doc)?;
    if let Some(p) = doc.get_mut("properties").and_then(Json::as_object_mut) {
        p.insert("agentPoolProfiles".into(), Json::Array(all));
    }
    Ok(doc)
}

/// A cluster must keep a System pool: deleting the last one is refused.
pub fn check_delete(sim: &SimClient, id: &str, doc: &Json) -> Result<(), ArmError> {
    if !is_system(&profile_of(doc)) {
        return Ok(());
    }
    let Some(cluster) = arm::parent_id(id) else {
        return Ok(());
    };
    let cluster_doc = sim.store.get(&cluster).map_err(io_error)?.unwrap_or(Json::Null);
    let name = arm::name_of(id);
    let others = profiles(sim, &cluster, &cluster_doc)?
        .into_iter()
        .any(|p| name_of(&p) != name && is_system(&p));
    if others {
        return Ok(());
    }
    Err(ArmError::new(
        400,
        "OperationNotAllowed",
        format!(
            "Cannot delete agent pool '{name}': there has to be at least one system agent pool in cluster '{}'.",
            arm::name_of(&cluster)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::arm::{ArmRequest, ArmResponse, Method};
    use crate::provider::sim::SUBSCRIPTION;

    fn call(s: &SimClient, method: Method, path: &str, body: Option<Json>) -> Result<ArmResponse, ArmError> {
        s.handle(&ArmRequest {
            method,
            path: path.into(),
            api_version: "2025-10-01".into(),
            body,
        })
    }

    fn cluster_id() -> String {
        format!(
            "/subscriptions/{SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/k"
        )
    }

    fn cluster_body(vm: &str, count: u64) -> Json {
        json!({"location": "westeurope", "properties": {"dnsPrefix": "k", "agentPoolProfiles": [
            {"name": "system", "mode": "System", "vmSize": vm, "count": count}
        ]}})
    }

    /// A simulation with a resource group and cluster `k` whose default pool is `system`.
    fn with_cluster() -> (tempfile::TempDir, SimClient) {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path());
        let rg = format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg");
        call(&s, Method::Put, &rg, Some(json!({"location": "westeurope"}))).unwrap();
        call(&s, Method::Put, &cluster_id(), Some(cluster_body("Standard_D4s_v5", 3))).unwrap();
        (dir, s)
    }

    fn names(s: &SimClient) -> Vec<String> {
        let c = call(s, Method::Get, &cluster_id(), None).unwrap();
        c.body["properties"]["agentPoolProfiles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn a_clusters_pools_are_agent_pool_resources_and_both_views_agree() {
        let (_d, s) = with_cluster();
        let k = cluster_id();
        let system = call(&s, Method::Get, &format!("{k}/agentPools/system"), None).unwrap();
        assert_eq!(system.body["type"], POOL);
        assert_eq!(system.body["properties"]["vmSize"], "Standard_D4s_v5");
        assert_eq!(system.body["properties"]["mode"], "System");
        // The cluster document keeps no copy of its own.
        assert!(s
            .store
            .get(&k)
            .unwrap()
            .unwrap()
            .pointer("/properties/agentPoolProfiles")
            .is_none());
        // A pool made through agentPools is listed by the cluster; one made
        // by the cluster is listed by the agentPools collection.
        let apps = json!({"properties": {"vmSize": "Standard_D2s_v5", "count": 2}});
        call(&s, Method::Put, &format!("{k}/agentPools/apps"), Some(apps)).unwrap();
        assert_eq!(names(&s), ["apps", "system"]);
        let listed = call(&s, Method::Get, &format!("{k}/agentPools"), None).unwrap();
        assert_eq!(listed.body["value"].as_array().map(Vec::len), Some(2));
        // Scaling through the cluster scales the pool; its size cannot change in place.
        let r = call(&s, Method::Put, &k, Some(cluster_body("Standard_D4s_v5", 5))).unwrap();
        assert_eq!(r.body["properties"]["agentPoolProfiles"][1]["count"], 5);
        let pool = call(&s, Method::Get, &format!("{k}/agentPools/system"), None).unwrap();
        assert_eq!(pool.body["properties"]["count"], 5);
        let e = call(&s, Method::Put, &k, Some(cluster_body("Standard_D8s_v5", 5))).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "PropertyChangeNotAllowed"));
        assert!(e.message.contains("vmSize"), "{}", e.message);
        let mut resized = pool.body.clone();
        resized["properties"]["vmSize"] = json!("Standard_D8s_v5");
        let e = call(&s, Method::Put, &format!("{k}/agentPools/system"), Some(resized)).unwrap_err();
        assert_eq!(e.code, "PropertyChangeNotAllowed");
        // A cluster PATCH keeps the pools.
        call(&s, Method::Patch, &k, Some(json!({"tags": {"a": "b"}}))).unwrap();
        assert_eq!(names(&s), ["apps", "system"]);
    }

    #[test]
    fn the_last_system_pool_cannot_be_deleted() {
        let (_d, s) = with_cluster();
        let k = cluster_id();
        let e = call(&s, Method::Delete, &format!("{k}/agentPools/system"), None).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "OperationNotAllowed"));
        assert!(e.message.contains("at least one system agent pool"), "{}", e.message);
        let tmp = json!({"properties": {"vmSize": "Standard_D8s_v5", "mode": "System", "count": 3}});
        call(&s, Method::Put, &format!("{k}/agentPools/tmp"), Some(tmp)).unwrap();
        call(&s, Method::Delete, &format!("{k}/agentPools/system"), None).unwrap();
        assert_eq!(names(&s), ["tmp"]);
        let e = call(&s, Method::Get, &format!("{k}/agentPools/system"), None).unwrap_err();
        assert_eq!(e.status, 404);
        // A user pool goes at any time; the cluster goes with all its pools.
        let apps = json!({"properties": {"vmSize": "Standard_D2s_v5"}});
        call(&s, Method::Put, &format!("{k}/agentPools/apps"), Some(apps)).unwrap();
        call(&s, Method::Delete, &format!("{k}/agentPools/apps"), None).unwrap();
        call(&s, Method::Delete, &k, None).unwrap();
        assert!(s.store.descendants(&k).unwrap().is_empty());
    }

    #[test]
    fn a_store_of_before_keeps_pools_in_the_cluster_until_a_write_moves_them() {
        let (_d, s) = with_cluster();
        let k = cluster_id();
        // As stores were written before pools were resources.
        let doc = call(&s, Method::Get, &k, None).unwrap().body;
        s.store.delete(&format!("{k}/agentPools/system")).unwrap();
        s.store.put(&k, &doc).unwrap();
        assert_eq!(names(&s), ["system"]);
        let pool = call(&s, Method::Get, &format!("{k}/agentPools/system"), None).unwrap();
        assert_eq!(pool.body["properties"]["vmSize"], "Standard_D4s_v5");
        let e = call(&s, Method::Delete, &format!("{k}/agentPools/system"), None).unwrap_err();
        assert_eq!(e.code, "OperationNotAllowed");
        // The refused write still moved the pool out of the cluster document.
        assert!(s
            .store
            .get(&k)
            .unwrap()
            .unwrap()
            .pointer("/properties/agentPoolProfiles")
            .is_none());
        assert!(s.store.get(&format!("{k}/agentPools/system")).unwrap().is_some());
        assert_eq!(names(&s), ["system"]);
    }
}
