//! Child resources azurerm writes and reads together with a resource, each
//! in calls of its own: a private DNS zone's SOA record set, a private
//! endpoint's DNS zone group and network interface, a container registry's
//! replications.
//!
//! A type names its children ([`super::types::TypeHooks::children`]). Each
//! child's documents travel under a key of the parent's ARM document (`$soa`),
//! so that the overlay and the hooks map them as they map the parent's own
//! properties: the key is taken out of the body before the parent is sent,
//! and put back, from the children's own GETs, before an answer is read.
//!
//! It knows no resource type, and writes a child only where the body the
//! type built holds it.

use super::paging;
use crate::provider::arm::{ArmClient, ArmError, ArmRequest, Method};
use serde_json::Value as Json;

/// One kind of child of a resource.
pub struct Child {
    /// The key of the parent's document its documents travel under.
    pub key: &'static str,
    /// The api-version of its own calls.
    pub api_version: &'static str,
    pub at: Where,
    /// Properties of an item of a collection that cannot change in place:
    /// a change of one deletes the item and creates it again, as azurerm does.
    pub replace_on: &'static [&'static str],
    /// Items the read leaves out and the write leaves alone (a registry's
    /// replication in its own region, which Azure keeps).
    pub skip: fn(parent: &Json, child: &Json) -> bool,
}

/// Where a child lives, relative to its parent.
pub enum Where {
    /// One child at a fixed path under the parent (`SOA/@`), written when the
    /// body holds it; never deleted (it goes with its parent).
    Fixed(&'static str),
    /// Every item of a collection under the parent (`privateDnsZoneGroups`),
    /// each at `{collection}/{its name}`: the body holds the array wanted,
    /// and an item it lacks is deleted.
    Each(&'static str),
    /// The resource whose id the parent's document holds at this JSON
    /// pointer (`/properties/networkInterfaces/0/id`): read only, and left
    /// out when it cannot be read.
    Linked(&'static str),
}

/// Keeps nothing out.
pub fn keep_all(_parent: &Json, _child: &Json) -> bool {
    false
}

/// Takes the children's documents out of a body built for the parent: what
/// each child should be, `None` where the body says nothing of it.
pub fn take(children: &[Child], body: &mut Json) -> Vec<Option<Json>> {
    children
        .iter()
        .map(|c| {
            let taken = body.as_object_mut().and_then(|m| m.remove(c.key));
            match c.at {
                Where::Linked(_) => None,
                _ => taken,
            }
        })
        .collect()
}

fn request(method: Method, path: String, api_version: &str, body: Option<Json>) -> ArmRequest {
    ArmRequest {
        method,
        path,
        api_version: api_version.to_string(),
        body,
    }
}

fn name_of(item: &Json) -> &str {
    item.get("name").and_then(Json::as_str).unwrap_or("")
}

/// Whether every value `wanted` sets is in `have` (what Azure adds is not a
/// difference). Strings compare without case, as ARM keeps ids and names.
fn contained(wanted: &Json, have: &Json) -> bool {
    match (wanted, have) {
        (Json::Object(w), Json::Object(h)) => w
            .iter()
            .all(|(k, v)| v.is_null() || h.get(k).is_some_and(|x| contained(v, x))),
        (Json::Array(w), Json::Array(h)) => w.len() == h.len() && w.iter().zip(h).all(|(a, b)| contained(a, b)),
        (Json::String(w), Json::String(h)) => w.eq_ignore_ascii_case(h),
        (w, h) => w == h,
    }
}

fn at<'j>(doc: &'j Json, path: &str) -> Option<&'j Json> {
    path.split('.').try_fold(doc, |d, k| d.get(k))
}

/// Writes the children of the resource `id` after the parent was written:
/// `wanted` is what [`take`] took, `parent` the parent's answer.
pub async fn write<C: ArmClient>(
    client: &C,
    id: &str,
    children: &[Child],
    wanted: Vec<Option<Json>>,
    parent: &Json,
) -> Result<(), ArmError> {
    for (child, wanted) in children.iter().zip(wanted) {
        match child.at {
            Where::Fixed(path) => {
                if let Some(doc) = wanted {
                    let req = request(Method::Put, format!("{id}/{path}"), child.api_version, Some(doc));
                    client.send(req).await?;
                }
            }
            Where::Each(collection) => {
                let wanted: Vec<Json> = wanted.and_then(|w| w.as_array().cloned()).unwrap_or_default();
                write_each(client, id, child, collection, &wanted, parent).await?;
            }
            Where::Linked(_) => {}
        }
    }
    Ok(())
}

/// Deletes the items of collections the body no longer holds, before an
/// update of the parent (`parent` is the body about to be sent): what
/// azurerm removes first, so that the parent may then change (a registry
/// leaving Premium without its replications).
pub async fn prune<C: ArmClient>(
    client: &C,
    id: &str,
    children: &[Child],
    wanted: &[Option<Json>],
    parent: &Json,
) -> Result<(), ArmError> {
    for (child, wanted) in children.iter().zip(wanted) {
        let Where::Each(collection) = child.at else { continue };
        let wanted: Vec<&str> = wanted
            .as_ref()
            .and_then(Json::as_array)
            .map(|w| w.iter().map(name_of).collect())
            .unwrap_or_default();
        let base = format!("{id}/{collection}");
        let existing = match paging::list_all(client, &base, child.api_version).await {
            Ok(items) => items,
            Err(e) if e.is_not_found() => Vec::new(),
            Err(e) => return Err(e),
        };
        for gone in existing
            .iter()
            .filter(|e| !(child.skip)(parent, e) && !wanted.iter().any(|w| w.eq_ignore_ascii_case(name_of(e))))
        {
            let req = request(
                Method::Delete,
                format!("{base}/{}", name_of(gone)),
                child.api_version,
                None,
            );
            client.send(req).await?;
        }
    }
    Ok(())
}

async fn write_each<C: ArmClient>(
    client: &C,
    id: &str,
    child: &Child,
    collection: &str,
    wanted: &[Json],
    parent: &Json,
) -> Result<(), ArmError> {
    let base = format!("{id}/{collection}");
    let existing: Vec<Json> = match paging::list_all(client, &base, child.api_version).await {
        Ok(items) => items.into_iter().filter(|i| !(child.skip)(parent, i)).collect(),
        Err(e) if e.is_not_found() => Vec::new(),
        Err(e) => return Err(e),
    };
    let find = |name: &str| existing.iter().find(|e| name_of(e).eq_ignore_ascii_case(name));
    for gone in existing
        .iter()
        .filter(|e| !wanted.iter().any(|w| name_of(w).eq_ignore_ascii_case(name_of(e))))
    {
        let req = request(
            Method::Delete,
            format!("{base}/{}", name_of(gone)),
            child.api_version,
            None,
        );
        client.send(req).await?;
    }
    for item in wanted {
        let name = name_of(item);
        if name.is_empty() {
            continue;
        }
        let path = format!("{base}/{name}");
        if let Some(have) = find(name) {
            if contained(item, have) {
                continue;
            }
            let replaced = child
                .replace_on
                .iter()
                .any(|p| matches!((at(item, p), at(have, p)), (Some(w), Some(h)) if !contained(w, h)));
            if replaced {
                client
                    .send(request(Method::Delete, path.clone(), child.api_version, None))
                    .await?;
            }
        }
        let req = request(Method::Put, path, child.api_version, Some(item.clone()));
        client.send(req).await?;
    }
    Ok(())
}

/// The parent's document with its children's documents under their keys,
/// as Azure holds them now.
pub async fn read<C: ArmClient>(client: &C, children: &[Child], doc: &Json) -> Result<Json, ArmError> {
    let mut out = doc.clone();
    let id = doc.get("id").and_then(Json::as_str).unwrap_or("").to_string();
    if id.is_empty() || !out.is_object() {
        return Ok(out);
    }
    for child in children {
        let found = match child.at {
            Where::Fixed(path) => get(client, format!("{id}/{path}"), child.api_version).await?,
            // A linked resource that cannot be read is left out, as azurerm
            // leaves it (a private endpoint's IP address stays empty).
            Where::Linked(pointer) => match doc.pointer(pointer).and_then(Json::as_str) {
                Some(linked) => get(client, linked.to_string(), child.api_version).await.unwrap_or(None),
                None => None,
            },
            Where::Each(collection) => {
                let items = match paging::list_all(client, &format!("{id}/{collection}"), child.api_version).await {
                    Ok(items) => items,
                    Err(e) if e.is_not_found() => Vec::new(),
                    Err(e) => return Err(e),
                };
                let mut items: Vec<Json> = items.into_iter().filter(|i| !(child.skip)(doc, i)).collect();
                items.sort_by_key(|i| name_of(i).to_lowercase());
                Some(Json::Array(items))
            }
        };
        if let Some(found) = found {
            out[child.key] = found;
        }
    }
    Ok(out)
}

async fn get<C: ArmClient>(client: &C, path: String, api_version: &str) -> Result<Option<Json>, ArmError> {
    match client.send(request(Method::Get, path, api_version, None)).await {
        Ok(r) => Ok(Some(r.body)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::arm::ArmResponse;
    use serde_json::json;
    use std::sync::Mutex;

    /// Answers from a fixed table and keeps what was asked.
    struct Table {
        answers: Vec<(Method, &'static str, Json)>,
        asked: Mutex<Vec<(Method, String, Option<Json>)>>,
    }

    impl ArmClient for Table {
        async fn send(&self, req: ArmRequest) -> Result<ArmResponse, ArmError> {
            self.asked
                .lock()
                .unwrap()
                .push((req.method, req.path.clone(), req.body.clone()));
            match self.answers.iter().find(|(m, p, _)| *m == req.method && *p == req.path) {
                Some((_, _, body)) => Ok(ArmResponse {
                    status: 200,
                    body: body.clone(),
                }),
                None if req.method == Method::Get => Err(ArmError::not_found(&req.path)),
                None => Ok(ArmResponse {
                    status: 200,
                    body: Json::Null,
                }),
            }
        }
        fn describe(&self) -> String {
            "table".into()
        }
        fn subscription(&self) -> &str {
            "s"
        }
        fn tenant(&self) -> &str {
            "t"
        }
    }

    fn table(answers: Vec<(Method, &'static str, Json)>) -> Table {
        Table {
            answers,
            asked: Mutex::new(Vec::new()),
        }
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn not_home(parent: &Json, child: &Json) -> bool {
        parent.get("location") == child.get("location")
    }

    const SOA: Child = Child {
        key: "$soa",
        api_version: "v1",
        at: Where::Fixed("SOA/@"),
        replace_on: &[],
        skip: keep_all,
    };
    const REPLICAS: Child = Child {
        key: "$replicas",
        api_version: "v2",
        at: Where::Each("replications"),
        replace_on: &["properties.zoneRedundancy"],
        skip: not_home,
    };
    const NIC: Child = Child {
        key: "$nic",
        api_version: "v3",
        at: Where::Linked("/properties/nic/id"),
        replace_on: &[],
        skip: keep_all,
    };

    #[test]
    fn children_leave_the_parent_body_and_come_back_from_their_own_reads() {
        let mut body = json!({"location": "x", "$soa": {"properties": {"ttl": 5}}, "$nic": {"a": 1}});
        let wanted = take(&[SOA, NIC], &mut body);
        assert_eq!(body, json!({"location": "x"}));
        assert_eq!(wanted, vec![Some(json!({"properties": {"ttl": 5}})), None]);

        let t = table(vec![
            (Method::Get, "/z/SOA/@", json!({"properties": {"ttl": 5}})),
            (Method::Get, "/n", json!({"ip": "10.0.0.4"})),
            (
                Method::Get,
                "/z/replications",
                json!({"value": [{"name": "westus", "location": "westus"}, {"name": "eastus", "location": "eastus"}, {"name": "home", "location": "h"}]}),
            ),
        ]);
        let doc = json!({"id": "/z", "location": "h", "properties": {"nic": {"id": "/n"}}});
        let full = block_on(read(&t, &[SOA, NIC, REPLICAS], &doc)).unwrap();
        assert_eq!(full["$soa"]["properties"]["ttl"], 5);
        assert_eq!(full["$nic"]["ip"], "10.0.0.4");
        let names: Vec<&str> = full["$replicas"].as_array().unwrap().iter().map(name_of).collect();
        assert_eq!(names, ["eastus", "westus"], "sorted, the home region left out");
        // A child that is not there is no error.
        let bare = block_on(read(&table(vec![]), &[SOA], &doc)).unwrap();
        assert!(bare.get("$soa").is_none());
    }

    #[test]
    fn a_collection_is_made_what_the_body_wants() {
        let t = table(vec![(
            Method::Get,
            "/r/replications",
            json!({"value": [
                {"name": "h", "location": "h"},
                {"name": "a", "location": "a", "properties": {"zoneRedundancy": "Disabled", "status": "Ready"}},
                {"name": "b", "location": "b", "properties": {"zoneRedundancy": "Disabled"}},
                {"name": "c", "location": "c", "properties": {"zoneRedundancy": "Disabled"}},
            ]}),
        )]);
        let wanted = json!([
            {"name": "a", "location": "a", "properties": {"zoneRedundancy": "Disabled"}},
            {"name": "b", "location": "b", "properties": {"zoneRedundancy": "Enabled"}},
            {"name": "d", "location": "d"},
        ]);
        let parent = json!({"location": "h"});
        block_on(write(&t, "/r", &[REPLICAS], vec![Some(wanted)], &parent)).unwrap();
        let asked: Vec<String> = t
            .asked
            .lock()
            .unwrap()
            .iter()
            .map(|(m, p, _)| format!("{m} {p}"))
            .collect();
        assert_eq!(
            asked,
            [
                "GET /r/replications",
                "DELETE /r/replications/c",
                "DELETE /r/replications/b",
                "PUT /r/replications/b",
                "PUT /r/replications/d",
            ],
            "the home region is left alone, an unchanged item is not sent again"
        );
    }

    #[test]
    fn what_is_no_longer_wanted_is_pruned_first_and_only_that() {
        let t = table(vec![(
            Method::Get,
            "/r/replications",
            json!({"value": [{"name": "h", "location": "h"}, {"name": "a", "location": "a"}, {"name": "b", "location": "b"}]}),
        )]);
        let wanted = vec![Some(json!([{"name": "A", "location": "a"}])), None];
        block_on(prune(&t, "/r", &[REPLICAS, SOA], &wanted, &json!({"location": "h"}))).unwrap();
        let asked: Vec<String> = t
            .asked
            .lock()
            .unwrap()
            .iter()
            .map(|(m, p, _)| format!("{m} {p}"))
            .collect();
        assert_eq!(asked, ["GET /r/replications", "DELETE /r/replications/b"]);
    }

    #[test]
    fn a_fixed_child_is_written_only_when_the_body_holds_it() {
        let t = table(vec![]);
        block_on(write(&t, "/z", &[SOA], vec![None], &Json::Null)).unwrap();
        assert!(t.asked.lock().unwrap().is_empty());
        block_on(write(&t, "/z", &[SOA], vec![Some(json!({"a": 1}))], &Json::Null)).unwrap();
        let asked = t.asked.lock().unwrap();
        assert_eq!(asked[0].0, Method::Put);
        assert_eq!(asked[0].1, "/z/SOA/@");
    }
}
