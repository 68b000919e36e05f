//! What the network kinds share: references one resource keeps to another
//! (`{"id": ...}`, alone or in a list), found from either end, and ARM's
//! refusals about them: a reference to what does not exist or is in
//! another region, and the delete of what others still use. ARM only.

use super::super::{io_error, subscriptions, SimClient};
use crate::provider::arm::{self, ArmError};
use serde_json::{json, Value as Json};

fn at<'j>(doc: &'j Json, path: &str) -> Option<&'j Json> {
    path.split('.').try_fold(doc, |d, k| d.get(k)).filter(|v| !v.is_null())
}

/// The ids a body refers to at `path`: `{"id": ...}` or a list of them.
pub fn refs(doc: &Json, path: &str) -> Vec<String> {
    let id_of = |o: &Json| o.get("id").and_then(Json::as_str).map(str::to_string);
    match at(doc, path) {
        Some(Json::Array(items)) => items.iter().filter_map(id_of).collect(),
        Some(o) => id_of(o).into_iter().collect(),
        None => Vec::new(),
    }
}

/// The ids of the resources of `holder_type`, in `target`'s subscription,
/// whose body at `path` refers to `target`.
/// Refuses deleting `id` while a resource of `holder_type` refers to it at
/// `path` (a subnet's security group, route table or NAT gateway), with
/// Azure's code and wording: `what` names the kind as the message starts
/// with it, `it` as its end does.
pub fn refuse_in_use(
    sim: &SimClient,
    id: &str,
    (holder_type, path): (&str, &str),
    code: &str,
    (what, it): (&str, &str),
) -> Result<(), ArmError> {
    let users = holders(sim, id, holder_type, path)?;
    if users.is_empty() {
        return Ok(());
    }
    Err(ArmError::new(
        400,
        code,
        format!(
            "{what} {id} cannot be deleted because it is in use by the following resources: {}. In order to delete the {it}, remove the association with the resource(s).",
            users.join(", ")
        ),
    ))
}

pub fn holders(sim: &SimClient, target: &str, holder_type: &str, path: &str) -> Result<Vec<String>, ArmError> {
    let scope = subscriptions::id_of(subscriptions::segment(target).unwrap_or_default()).to_lowercase();
    let mut out = Vec::new();
    for id in sim.store.ids().map_err(io_error)? {
        if !id.starts_with(&format!("{scope}/")) || !arm::resource_type(&id).eq_ignore_ascii_case(holder_type) {
            continue;
        }
        let Some(doc) = sim.store.get(&id).map_err(io_error)? else {
            continue;
        };
        if refs(&doc, path).iter().any(|r| arm::ids_equal(r, target)) {
            out.push(doc.get("id").and_then(Json::as_str).unwrap_or(&id).to_string());
        }
    }
    Ok(out)
}

/// Shows, as the read-only property `key` of `doc`, the resources of
/// `holder_type` that refer to `id` at `their_path` (a security group's
/// `subnets`); left out when there are none. `one` shows the first alone,
/// as `{"id": ...}` (a public address's `natGateway`).
pub fn show_holders(
    sim: &SimClient,
    id: &str,
    doc: &mut Json,
    key: &str,
    one: bool,
    holder_type: &str,
    their_path: &str,
) -> Result<(), ArmError> {
    let found = holders(sim, id, holder_type, their_path)?;
    let shown = match (found.first(), one) {
        (None, _) => None,
        (Some(first), true) => Some(json!({ "id": first })),
        (Some(_), false) => Some(Json::Array(found.iter().map(|i| json!({ "id": i })).collect())),
    };
    match shown {
        Some(v) => set_property(doc, key, v),
        None => strip(doc, &[key]),
    }
    Ok(())
}

/// A resource's location, normalised; `None` when it has none.
fn location_of(doc: &Json) -> Option<String> {
    doc.get("location").and_then(Json::as_str).map(arm::normalize_location)
}

/// Refuses a reference, at `path` of `holder`'s body, to a resource that
/// does not exist or is in another region than `region`.
pub fn check_references(
    sim: &SimClient,
    holder: &str,
    doc: &Json,
    path: &str,
    region: Option<&str>,
) -> Result<(), ArmError> {
    for reference in refs(doc, path) {
        let found = sim.store.get(&reference).map_err(io_error)?;
        let elsewhere = match (&found, region) {
            (Some(d), Some(region)) => location_of(d).is_some_and(|l| l != arm::normalize_location(region)),
            _ => false,
        };
        if found.is_none() || elsewhere {
            return Err(ArmError::new(
                400,
                "InvalidResourceReference",
                format!(
                    "Resource {reference} referenced by resource {holder} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region."
                ),
            ));
        }
    }
    Ok(())
}

/// Takes read-only properties out of a body: Azure computes them.
pub fn strip(doc: &mut Json, keys: &[&str]) {
    if let Some(p) = doc.get_mut("properties").and_then(Json::as_object_mut) {
        for k in keys {
            p.remove(*k);
        }
    }
}

/// A value that stays what it was, or becomes a fresh GUID on create.
pub fn keep_or_new_guid(existing: Option<&Json>, path: &str) -> Json {
    existing
        .and_then(|e| at(e, path))
        .cloned()
        .unwrap_or_else(|| Json::String(uuid::Uuid::new_v4().to_string()))
}

/// Sets a property under `properties`, making the object if needed.
pub fn set_property(doc: &mut Json, key: &str, value: Json) {
    if !doc.is_object() {
        return;
    }
    if !doc.get("properties").is_some_and(Json::is_object) {
        doc["properties"] = json!({});
    }
    doc["properties"][key] = value;
}

/// Fills a property under `properties` that the body leaves out.
pub fn default_property(doc: &mut Json, key: &str, value: Json) {
    if doc.pointer(&format!("/properties/{key}")).is_none_or(Json::is_null) {
        set_property(doc, key, value);
    }
}

/// What the network kinds' tests share: a simulation with a resource group.
#[cfg(test)]
pub mod testing {
    use crate::provider::arm::{ArmError, ArmRequest, Method};
    use crate::provider::sim::{SimClient, SUBSCRIPTION};
    use serde_json::{json, Value as Json};

    pub struct Sim {
        pub sim: SimClient,
        _dir: tempfile::TempDir,
    }

    pub const RG: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg";

    /// An id in the test's resource group: `net("networkSecurityGroups/n")`.
    pub fn net(rest: &str) -> String {
        format!("{RG}/providers/Microsoft.Network/{rest}")
    }

    impl Sim {
        pub fn new() -> Sim {
            let dir = tempfile::tempdir().unwrap();
            let sim = SimClient::new(dir.path());
            assert_eq!(RG, format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg"));
            let s = Sim { sim, _dir: dir };
            s.put(RG, json!({"location": "westeurope"})).unwrap();
            s
        }

        fn send(&self, method: Method, id: &str, body: Option<Json>) -> Result<Json, ArmError> {
            let req = ArmRequest {
                method,
                path: id.to_string(),
                api_version: "2025-01-01".into(),
                body,
            };
            self.sim.handle(&req).map(|r| r.body)
        }

        pub fn put(&self, id: &str, body: Json) -> Result<Json, ArmError> {
            self.send(Method::Put, id, Some(body))
        }

        pub fn get(&self, id: &str) -> Result<Json, ArmError> {
            self.send(Method::Get, id, None)
        }

        pub fn delete(&self, id: &str) -> Result<Json, ArmError> {
            self.send(Method::Delete, id, None)
        }

        /// A network 10.0.0.0/16 in westeurope with one subnet 10.0.1.0/24
        /// referring to what `refs` says (`{"networkSecurityGroup": {...}}`).
        pub fn subnet(&self, refs: Json) -> Result<Json, ArmError> {
            let vnet = net("virtualNetworks/vnet");
            if self.get(&vnet).is_err() {
                self.put(
                    &vnet,
                    json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}),
                )?;
            }
            let mut props = json!({"addressPrefixes": ["10.0.1.0/24"]});
            if let (Some(p), Some(r)) = (props.as_object_mut(), refs.as_object()) {
                p.extend(r.clone());
            }
            self.put(&format!("{vnet}/subnets/s"), json!({ "properties": props }))
        }
    }
}
