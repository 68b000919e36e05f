//! What an update keeps of a resource as Azure has it.
//!
//! azurerm updates network resources by reading them, changing what the
//! configuration changed and writing the whole back, so properties other
//! resources own survive: a subnet's network security group, set by an
//! association; a NAT gateway's public addresses; a network's subnets
//! created as resources of their own. A type names those ARM paths
//! ([`super::TypeHooks::kept_on_update`]); before such an update aksplan
//! reads the resource and copies them into the body it sends. It must not
//! keep what the type's own mapping sends: that is the configuration's.
//!
//! Reading and writing back is not atomic: two writers of one resource (an
//! association and the subnet it sets a property on) would lose one
//! another's change. Every such read-modify-write in this process holds
//! the lock of what it writes ([`lock`]) from its read to its write, as
//! azurerm holds its locks: a subnet's is its network's, since a network's
//! update writes its subnets too.

use crate::provider::arm::{self, ArmClient, ArmError, ArmRequest, Method};
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use tokio::sync::OwnedMutexGuard;

/// One lock per network resource written by a read-modify-write.
static LOCKS: LazyLock<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>> = LazyLock::new(Default::default);

/// Waits for, and holds, the lock of the resource at `id`: its network's
/// for a subnet, its own otherwise.
pub async fn lock(id: &str) -> OwnedMutexGuard<()> {
    let scope = match arm::parent_id(id) {
        Some(network) if arm::resource_type(id).eq_ignore_ascii_case("Microsoft.Network/virtualNetworks/subnets") => {
            network
        }
        _ => id.to_string(),
    };
    let lock = {
        let mut locks = LOCKS.lock().unwrap_or_else(|e| e.into_inner());
        locks.entry(scope.to_lowercase()).or_default().clone()
    };
    lock.lock_owned().await
}

/// Reads the resource at `id` and keeps `paths` of it in `body`; the guard
/// returned is held until the body is written. Nothing is read when there
/// is nothing to keep; a resource that is gone has nothing to keep.
pub async fn existing<C: ArmClient>(
    client: &C,
    id: &str,
    api_version: &str,
    paths: &[&str],
    body: &mut Json,
) -> Result<Option<OwnedMutexGuard<()>>, ArmError> {
    if paths.is_empty() {
        return Ok(None);
    }
    let held = lock(id).await;
    let req = ArmRequest {
        method: Method::Get,
        path: id.to_string(),
        api_version: api_version.to_string(),
        body: None,
    };
    match client.send(req).await {
        Ok(r) => keep(&r.body, paths, body),
        Err(e) if e.is_not_found() => {}
        Err(e) => return Err(e),
    }
    Ok(Some(held))
}

/// Copies each path of `existing` into `body`: what exists there wins, and
/// what does not is removed. `a.b[].c` keeps `c` of each element of the
/// array `a.b`, matched by name with the existing elements (an element new
/// in the body keeps its own).
pub fn keep(existing: &Json, paths: &[&str], body: &mut Json) {
    for path in paths {
        keep_path(existing, body, path);
    }
}

fn keep_path(existing: &Json, body: &mut Json, path: &str) {
    if let Some((list, rest)) = path.split_once("[].") {
        let theirs: &[Json] = get(existing, list).and_then(Json::as_array).map_or(&[], Vec::as_slice);
        let Some(items) = get_mut(body, list).and_then(Json::as_array_mut) else {
            return;
        };
        for item in items {
            let name = item.get("name").and_then(Json::as_str).unwrap_or_default().to_string();
            let old = theirs.iter().find(|o| {
                o.get("name")
                    .and_then(Json::as_str)
                    .is_some_and(|n| !name.is_empty() && n.eq_ignore_ascii_case(&name))
            });
            if let Some(old) = old {
                keep_path(old, item, rest);
            }
        }
        return;
    }
    match get(existing, path) {
        Some(v) => set(body, path, v.clone()),
        None => remove(body, path),
    }
}

fn get<'j>(doc: &'j Json, path: &str) -> Option<&'j Json> {
    path.split('.').try_fold(doc, |d, k| d.get(k)).filter(|v| !v.is_null())
}

fn get_mut<'j>(doc: &'j mut Json, path: &str) -> Option<&'j mut Json> {
    path.split('.').try_fold(doc, |d, k| d.get_mut(k))
}

fn set(doc: &mut Json, path: &str, value: Json) {
    let mut at = doc;
    for key in path.split('.') {
        if !at.is_object() {
            *at = json!({});
        }
        let Some(map) = at.as_object_mut() else { return };
        at = map.entry(key.to_string()).or_insert(Json::Null);
    }
    *at = value;
}

fn remove(doc: &mut Json, path: &str) {
    let (parent, last) = path.rsplit_once('.').map_or(("", path), |(p, l)| (p, l));
    let holder = if parent.is_empty() {
        Some(doc)
    } else {
        get_mut(doc, parent)
    };
    if let Some(o) = holder.and_then(Json::as_object_mut) {
        o.remove(last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_subnet_is_written_under_its_networks_lock() {
        let net = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v";
        let held = lock(&format!("{net}/subnets/a")).await;
        let other = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/natGateways/g";
        // Another resource's lock is free; the network's is held.
        drop(lock(other).await);
        let waiting = tokio::time::timeout(std::time::Duration::from_millis(20), lock(net)).await;
        assert!(waiting.is_err(), "the network waits for its subnet's writer");
        drop(held);
        drop(lock(&net.to_uppercase()).await);
    }

    #[test]
    fn what_exists_wins_and_what_does_not_is_removed() {
        let existing = json!({"properties": {"networkSecurityGroup": {"id": "/nsg"}, "addressPrefixes": ["old"]}});
        let mut body = json!({"properties": {"addressPrefixes": ["new"], "routeTable": {"id": "/stale"}}});
        keep(
            &existing,
            &["properties.networkSecurityGroup", "properties.routeTable"],
            &mut body,
        );
        assert_eq!(
            body,
            json!({"properties": {"addressPrefixes": ["new"], "networkSecurityGroup": {"id": "/nsg"}}})
        );
    }

    #[test]
    fn elements_keep_theirs_by_name() {
        let existing = json!({"properties": {"subnets": [
            {"name": "a", "properties": {"natGateway": {"id": "/nat"}}},
            {"name": "gone", "properties": {"natGateway": {"id": "/other"}}}]}});
        let mut body = json!({"properties": {"subnets": [
            {"name": "A", "properties": {"addressPrefix": "10.0.0.0/24"}},
            {"name": "new", "properties": {"addressPrefix": "10.0.1.0/24"}}]}});
        keep(&existing, &["properties.subnets[].properties.natGateway"], &mut body);
        assert_eq!(
            body["properties"]["subnets"][0]["properties"]["natGateway"]["id"],
            "/nat"
        );
        assert!(body["properties"]["subnets"][1]["properties"]
            .get("natGateway")
            .is_none());
    }
}
