//! The simulated Azure: answers ARM calls from a store on disk.
//!
//! It behaves like Azure Resource Manager for the supported types: ids built
//! and compared the way ARM does, a child refused when its parent does not
//! exist (ParentResourceNotFound), a change refused to a property Azure cannot
//! change in place, a delete (or, under a ReadOnly lock, a write) refused
//! under a management lock (ScopeLocked),
//! and what Azure computes filled in (provisioning state,
//! fresh GUIDs for principals, a cluster's FQDN and node resource group).
//! A body is validated as ARM validates it before anything is made: a JSON
//! object of ARM's envelope, a location for a tracked resource, nested
//! properties of the specs' types ([`bodies`]), and a name Azure takes
//! ([`names`]); no body, whatever its JSON, makes it panic.
//! The per-type rules live in [`rules`], which subscriptions exist in
//! [`subscriptions`]. It knows nothing of azurerm.
//!
//! One store holds every hosted subscription: a request is answered within
//! the subscription its path names, and a resource may refer to a resource of
//! another subscription (a peering's remote network, a cluster's subnet or
//! identity), found by id as in Azure.

mod agent_pools;
mod bodies;
#[cfg(test)]
mod hostile;
mod kinds;
mod lists;
mod names;
mod refusals;
mod registrations;
mod rules;
pub mod serve;
pub mod store;
pub mod subscriptions;
mod versions;

use super::arm::{self, ArmClient, ArmError, ArmRequest, ArmResponse, Method};
use serde_json::{json, Value as Json};
use std::path::PathBuf;
use std::sync::Mutex;
pub use store::Store;
pub use versions::to_arm as kubernetes_versions_answer;

/// The default subscription of the simulated cloud, and its tenant.
pub const SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000000";
pub const TENANT: &str = "11111111-1111-1111-1111-111111111111";

pub struct SimClient {
    store: Store,
    /// The default subscription ([`ArmClient::subscription`]): [`SUBSCRIPTION`],
    /// or the first of a fixed list.
    subscription: String,
    hosting: subscriptions::Hosting,
    /// How long a new identity takes to reach the directory (Azure AD replication).
    replication: std::time::Duration,
    /// One ARM operation at a time: each is a few file operations, and the
    /// parent checks must not race with deletes.
    lock: Mutex<()>,
}

impl SimClient {
    /// The simulation whose store is `root`. It hosts [`SUBSCRIPTION`] and
    /// creates any other subscription the first time a request addresses it.
    pub fn new(root: impl Into<PathBuf>) -> SimClient {
        SimClient {
            store: Store::new(root),
            subscription: SUBSCRIPTION.to_string(),
            hosting: subscriptions::Hosting::OnDemand,
            replication: std::time::Duration::ZERO,
            lock: Mutex::new(()),
        }
    }

    /// Hosts exactly these subscriptions, the first one the default; any
    /// other is SubscriptionNotFound. Ids are GUIDs, in any case, each kept
    /// once. An empty list leaves the hosting as it was.
    pub fn with_subscriptions(mut self, ids: Vec<String>) -> Result<SimClient, ArmError> {
        let mut list: Vec<String> = Vec::new();
        for id in ids {
            let id = subscriptions::parse(&id)?;
            if !list.contains(&id) {
                list.push(id);
            }
        }
        if let Some(first) = list.first() {
            self.subscription = first.clone();
            self.hosting = subscriptions::Hosting::Fixed(list);
        }
        Ok(self)
    }

    /// Makes role assignments for identities younger than `delay` fail with
    /// PrincipalNotFound, as Azure AD replication does.
    pub fn with_replication_delay(mut self, delay: std::time::Duration) -> SimClient {
        self.replication = delay;
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Whether a stored document is a namespace's or a feature's
    /// registration rather than a resource.
    pub fn is_registration(&self, id: &str) -> bool {
        registrations::target(id).is_some()
    }

    /// Whether a scope exists: a hosted subscription, or a stored resource.
    fn exists(&self, id: &str) -> Result<bool, ArmError> {
        if subscriptions::is_root(id) {
            return match subscriptions::segment(id).map(subscriptions::parse) {
                Some(Ok(s)) => subscriptions::hosts(self, &s),
                _ => Ok(false),
            };
        }
        Ok(self.store.get(id).map_err(io_error)?.is_some())
    }

    /// Leaves a resource as a failed operation does: provisioning state Failed.
    pub fn fail(&self, id: &str) -> Result<(), ArmError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let _request = self.store.request();
        let mut doc = self.store.get(id).map_err(io_error)?.ok_or_else(|| not_found(id))?;
        doc["properties"]["provisioningState"] = json!("Failed");
        self.store.put(id, &doc).map_err(io_error)
    }

    /// Handles one ARM call synchronously.
    pub fn handle(&self, req: &ArmRequest) -> Result<ArmResponse, ArmError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        // A query beside the api-version (`?syncRemoteAddressSpace=true`) names no resource.
        let path = req.path.split('?').next().unwrap_or_default().trim_end_matches('/');
        if req.method == Method::Get && path.eq_ignore_ascii_case("/subscriptions") {
            return subscriptions::list(self);
        }
        let subscription = subscriptions::admit(self, path)?;
        if subscriptions::is_root(path) {
            return match req.method {
                Method::Get => Ok(ArmResponse {
                    status: 200,
                    body: subscriptions::doc(self, &subscription),
                }),
                _ => Err(subscriptions::refuse_change(path)),
            };
        }
        // What ARM refuses before anything is looked up: a body that is not
        // a JSON object, or whose envelope is not of ARM's types.
        if matches!(req.method, Method::Put | Method::Patch) {
            bodies::check_envelope(req.body.as_ref())?;
        }
        if matches!(req.method, Method::Put | Method::Patch | Method::Delete) {
            agent_pools::adopt(self, path)?;
        }
        match req.method {
            Method::Get => self.get(path, req),
            Method::Put => self.put(path, req.body.clone().unwrap_or(Json::Null)),
            Method::Patch => self.patch(path, req.body.clone().unwrap_or(Json::Null)),
            Method::Delete => self.delete(path),
            Method::Post => self.post(path),
        }
    }

    /// A GET of `id`; `req` as asked, with its query (a list's `$skiptoken`).
    fn get(&self, id: &str, req: &ArmRequest) -> Result<ArmResponse, ArmError> {
        if let Some(t) = registrations::target(id) {
            return registrations::get(self, &t);
        }
        if let Some(sub) = registrations::list_of(id) {
            return registrations::list(self, &sub);
        }
        if let Some(location) = versions::target(self, id) {
            return Ok(versions::get(&location));
        }
        if let Some(c) = lists::collection(id) {
            return lists::list(self, &c, req);
        }
        let stored = match self.store.get(id).map_err(io_error)? {
            Some(doc) => Some(doc),
            None if agent_pools::is_pool(id) => agent_pools::held_pool(self, id)?,
            None => None,
        };
        match stored {
            Some(doc) => Ok(ArmResponse {
                status: 200,
                body: rules::on_get(self, id, doc)?,
            }),
            None => Err(not_found(id)),
        }
    }

    /// Stores what a PUT or PATCH made, and answers with it as a GET would:
    /// a cluster's pools are kept as pool resources.
    fn save(&self, id: &str, mut doc: Json) -> Result<Json, ArmError> {
        if agent_pools::is_cluster(id) {
            agent_pools::store_profiles(self, id, &mut doc)?;
        }
        self.store.put(id, &doc).map_err(io_error)?;
        rules::on_get(self, id, doc)
    }

    fn put(&self, id: &str, body: Json) -> Result<ArmResponse, ArmError> {
        bodies::check_envelope(Some(&body))?;
        if let Some(parent) = arm::parent_id(id) {
            if !self.exists(&parent)? {
                return Err(parent_missing(id, &parent));
            }
        }
        // A tracked resource's location is ARM's to require; the name and
        // the nested properties are the resource provider's to check, once
        // ARM has let the request through (rules::on_put).
        bodies::require_location(id, &body)?;
        registrations::check_namespace(self, id)?;
        let existing = match self.store.get(id).map_err(io_error)? {
            Some(doc) => Some(rules::on_get(self, id, doc)?),
            None => None,
        };
        let doc = rules::on_put(self, id, body, existing.as_ref())?;
        Ok(ArmResponse {
            status: if existing.is_some() { 200 } else { 201 },
            body: self.save(id, doc)?,
        })
    }

    fn patch(&self, id: &str, patch: Json) -> Result<ArmResponse, ArmError> {
        let Some(doc) = self.store.get(id).map_err(io_error)? else {
            return Err(not_found(id));
        };
        bodies::check_envelope(Some(&patch))?;
        let mut doc = rules::on_get(self, id, doc)?;
        let existing = doc.clone();
        merge_patch(&mut doc, &patch);
        // What the merge made must be a body ARM would take as a PUT.
        bodies::check_envelope(Some(&doc))?;
        bodies::require_location(id, &doc)?;
        let doc = rules::on_put(self, id, doc, Some(&existing))?;
        Ok(ArmResponse {
            status: 200,
            body: self.save(id, doc)?,
        })
    }

    fn delete(&self, id: &str) -> Result<ArmResponse, ArmError> {
        if let Some(doc) = self.store.get(id).map_err(io_error)? {
            rules::on_delete(self, id, &doc)?;
        }
        let existed = self.store.delete(id).map_err(io_error)?;
        Ok(ArmResponse {
            status: if existed { 200 } else { 204 },
            body: Json::Null,
        })
    }

    fn post(&self, path: &str) -> Result<ArmResponse, ArmError> {
        let (id, action) = path.rsplit_once('/').unwrap_or((path, ""));
        if let Some(t) = registrations::target(id) {
            return registrations::post(self, &t, action);
        }
        let doc = self.store.get(id).map_err(io_error)?.ok_or_else(|| not_found(id))?;
        rules::on_post(self, id, action, &doc)
    }
}

impl ArmClient for SimClient {
    async fn send(&self, req: ArmRequest) -> Result<ArmResponse, ArmError> {
        self.handle(&req)
    }

    fn describe(&self) -> String {
        format!("sim ({})", self.store.root().display())
    }

    fn subscription(&self) -> &str {
        &self.subscription
    }

    fn tenant(&self) -> &str {
        TENANT
    }
}

fn io_error(e: std::io::Error) -> ArmError {
    ArmError::new(
        500,
        "InternalServerError",
        format!("the simulation's store failed: {e}"),
    )
}

fn not_found(id: &str) -> ArmError {
    if arm::resource_type(id) == "Microsoft.Resources/resourceGroups" {
        return ArmError::new(
            404,
            "ResourceGroupNotFound",
            format!("Resource group '{}' could not be found.", arm::name_of(id)),
        );
    }
    ArmError::not_found(id)
}

fn parent_missing(id: &str, parent: &str) -> ArmError {
    if arm::resource_type(parent) == "Microsoft.Resources/resourceGroups" {
        return ArmError::new(
            404,
            "ResourceGroupNotFound",
            format!("Resource group '{}' could not be found.", arm::name_of(parent)),
        );
    }
    ArmError::new(
        404,
        "ParentResourceNotFound",
        format!("Can not perform requested operation on nested resource '{id}'. Parent resource '{parent}' not found."),
    )
}

/// RFC 7386 merge patch, as ARM applies PATCH bodies.
fn merge_patch(target: &mut Json, patch: &Json) {
    match (target, patch) {
        (Json::Object(t), Json::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Json::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim() -> (tempfile::TempDir, SimClient) {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path());
        (dir, s)
    }

    fn req(method: Method, path: &str, body: Option<Json>) -> ArmRequest {
        ArmRequest {
            method,
            path: path.into(),
            api_version: "2025-01-01".into(),
            body,
        }
    }

    fn rg(name: &str) -> String {
        format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/{name}")
    }

    /// What `aksplan plan/apply` meets in process is what `sim serve` answers:
    /// the issue's PATCH with an array, a group without a location or with a
    /// 2,000-character name.
    #[test]
    fn in_process_bodies_and_names_are_refused_as_arm_refuses_them() {
        let (_d, s) = sim();
        let id = rg("rg1");
        let code = |r: Result<ArmResponse, ArmError>| r.map(|r| r.status).map_err(|e| (e.status, e.code));
        assert_eq!(
            code(s.handle(&req(Method::Put, &id, Some(json!({}))))),
            Err((400, "LocationRequired".into()))
        );
        assert_eq!(
            code(s.handle(&req(
                Method::Put,
                &rg(&"r".repeat(2000)),
                Some(json!({"location": "westeurope"}))
            ))),
            Err((400, "InvalidResourceGroup".into()))
        );
        assert_eq!(
            code(s.handle(&req(Method::Put, &id, Some(json!({"location": "westeurope"}))))),
            Ok(201)
        );
        for body in [json!([]), json!([{"tags": {}}]), json!(1), json!("s"), Json::Null] {
            for method in [Method::Patch, Method::Put] {
                let e = s.handle(&req(method, &id, Some(body.clone()))).unwrap_err();
                assert_eq!(
                    (e.status, e.code.as_str()),
                    (400, "InvalidRequestContent"),
                    "{method:?} {body}"
                );
            }
        }
        let e = s.handle(&req(Method::Patch, &id, None)).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "InvalidRequestContent"));
        assert_eq!(
            s.handle(&req(Method::Get, &id, None)).unwrap().body["location"],
            "westeurope"
        );
    }

    #[test]
    fn create_read_update_delete_a_resource_group() {
        let (_d, s) = sim();
        let id = rg("rg1");
        let r = s
            .handle(&req(
                Method::Put,
                &id,
                Some(json!({"location": "West Europe", "tags": {"a": "1"}})),
            ))
            .unwrap();
        assert_eq!(r.status, 201);
        assert_eq!(r.body["location"], "westeurope");
        assert_eq!(r.body["properties"]["provisioningState"], "Succeeded");
        let r = s
            .handle(&req(
                Method::Get,
                &id.to_uppercase().replace("SUBSCRIPTIONS", "subscriptions"),
                None,
            ))
            .unwrap();
        assert_eq!(r.body["name"], "rg1");
        let r = s
            .handle(&req(Method::Patch, &id, Some(json!({"tags": {"a": "2"}}))))
            .unwrap();
        assert_eq!(r.body["tags"]["a"], "2");
        assert_eq!(s.handle(&req(Method::Delete, &id, None)).unwrap().status, 200);
        assert_eq!(s.handle(&req(Method::Delete, &id, None)).unwrap().status, 204);
        let e = s.handle(&req(Method::Get, &id, None)).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (404, "ResourceGroupNotFound"));
    }

    #[test]
    fn a_management_lock_refuses_deletes_until_it_is_removed() {
        let (_d, s) = sim();
        let put = |id: &str, body: Json| s.handle(&req(Method::Put, id, Some(body))).unwrap();
        let (locked, other) = (rg("rg-locked"), rg("rg-free"));
        put(&locked, json!({"location": "westeurope"}));
        put(&other, json!({"location": "westeurope"}));
        let vnet = format!("{locked}/providers/Microsoft.Network/virtualNetworks/vnet");
        put(
            &vnet,
            json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}),
        );
        let lock = format!("{vnet}/providers/Microsoft.Authorization/locks/keep");
        put(&lock, json!({"properties": {"level": "CanNotDelete"}}));
        // The locked resource, and the group its delete would take along.
        for id in [&vnet, &locked] {
            let e = s.handle(&req(Method::Delete, id, None)).unwrap_err();
            assert_eq!((e.status, e.code.as_str()), (409, "ScopeLocked"), "{id}");
            assert!(e.message.contains(&format!("locked: '{vnet}'")), "{}", e.message);
        }
        assert!(s.store.get(&vnet).unwrap().is_some());
        // CanNotDelete lets it change.
        put(
            &vnet,
            json!({"location": "westeurope", "tags": {"a": "b"}, "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}),
        );
        // What the lock does not cover is deleted; the lock itself can be.
        assert_eq!(s.handle(&req(Method::Delete, &other, None)).unwrap().status, 200);
        assert_eq!(s.handle(&req(Method::Delete, &lock, None)).unwrap().status, 200);
        assert_eq!(s.handle(&req(Method::Delete, &locked, None)).unwrap().status, 200);
    }

    #[test]
    fn a_read_only_lock_refuses_writes_under_it_too() {
        let (_d, s) = sim();
        let group = rg("rg-ro");
        let body =
            json!({"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}});
        s.handle(&req(Method::Put, &group, Some(json!({"location": "westeurope"}))))
            .unwrap();
        let lock = format!("{group}/providers/Microsoft.Authorization/locks/ro");
        s.handle(&req(
            Method::Put,
            &lock,
            Some(json!({"properties": {"level": "ReadOnly"}})),
        ))
        .unwrap();
        let vnet = format!("{group}/providers/Microsoft.Network/virtualNetworks/vnet");
        let e = s.handle(&req(Method::Put, &vnet, Some(body.clone()))).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (409, "ScopeLocked"));
        assert!(e.message.contains("cannot perform write operation"), "{}", e.message);
        let e = s.handle(&req(Method::Delete, &group, None)).unwrap_err();
        assert!(e.message.contains("cannot perform delete operation"), "{}", e.message);
        // Elsewhere, writes go on.
        s.handle(&req(
            Method::Put,
            &rg("rg-other"),
            Some(json!({"location": "westeurope"})),
        ))
        .unwrap();
        s.handle(&req(Method::Delete, &lock, None)).unwrap();
        assert_eq!(s.handle(&req(Method::Put, &vnet, Some(body))).unwrap().status, 201);
    }

    #[test]
    fn a_child_needs_its_parent() {
        let (_d, s) = sim();
        let vnet = format!("{}/providers/Microsoft.Network/virtualNetworks/vnet", rg("rg1"));
        let e = s
            .handle(&req(Method::Put, &vnet, Some(json!({"location": "westeurope"}))))
            .unwrap_err();
        assert_eq!(e.code, "ResourceGroupNotFound");
        s.handle(&req(Method::Put, &rg("rg1"), Some(json!({"location": "westeurope"}))))
            .unwrap();
        let subnet = format!("{vnet}/subnets/s");
        let e = s
            .handle(&req(
                Method::Put,
                &subnet,
                Some(json!({"properties": {"addressPrefixes": ["10.0.0.0/24"]}})),
            ))
            .unwrap_err();
        assert_eq!(e.code, "ParentResourceNotFound");
    }

    #[test]
    fn immutable_properties_are_refused() {
        let (_d, s) = sim();
        s.handle(&req(Method::Put, &rg("rg1"), Some(json!({"location": "westeurope"}))))
            .unwrap();
        let e = s
            .handle(&req(Method::Put, &rg("rg1"), Some(json!({"location": "eastus"}))))
            .unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "InvalidResourceGroupLocation"));
    }

    #[test]
    fn a_malformed_subscription_id_is_refused() {
        let (_d, s) = sim();
        let e = s
            .handle(&req(Method::Get, "/subscriptions/other/resourceGroups/x", None))
            .unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "InvalidSubscriptionId"));
        assert!(e.message.contains("'other'"), "{}", e.message);
        let e = s.handle(&req(Method::Get, "/tenants/t", None)).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (404, "SubscriptionNotFound"));
    }

    #[test]
    fn new_identities_replicate_before_role_assignments_accept_them() {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path()).with_replication_delay(std::time::Duration::from_millis(200));
        s.handle(&req(Method::Put, &rg("rg1"), Some(json!({"location": "westeurope"}))))
            .unwrap();
        let id = format!(
            "{}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi1",
            rg("rg1")
        );
        let mi = s
            .handle(&req(Method::Put, &id, Some(json!({"location": "westeurope"}))))
            .unwrap();
        let principal = mi.body["properties"]["principalId"].as_str().unwrap().to_string();
        let ra = format!(
            "{}/providers/Microsoft.Authorization/roleAssignments/5b1f6b5e-0d8e-4b8f-9c1b-1f1f1f1f1f1f",
            rg("rg1")
        );
        let body = json!({"properties": {
            "roleDefinitionId": format!("/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"),
            "principalId": principal,
        }});
        let e = s.handle(&req(Method::Put, &ra, Some(body.clone()))).unwrap_err();
        assert_eq!(e.code, "PrincipalNotFound");
        std::thread::sleep(std::time::Duration::from_millis(250));
        assert_eq!(s.handle(&req(Method::Put, &ra, Some(body))).unwrap().status, 201);
    }

    #[test]
    fn merge_patch_removes_nulls() {
        let mut t = json!({"a": 1, "b": {"c": 2, "d": 3}});
        merge_patch(&mut t, &json!({"a": null, "b": {"c": 5}}));
        assert_eq!(t, json!({"b": {"c": 5, "d": 3}}));
    }
}
