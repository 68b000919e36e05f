//! Which subscriptions the simulation hosts, and what ARM says of them.
//!
//! Two ways to host: on demand (the default), where any well-formed
//! subscription id is created the first time a request addresses it and is
//! remembered in the store as a document at `/subscriptions/{id}`, so later
//! runs and other processes sharing the store list it too; or a fixed list,
//! where only the listed subscriptions exist. A malformed id is refused as
//! ARM refuses it (400 `InvalidSubscriptionId`), a well-formed one that is
//! not hosted with 404 `SubscriptionNotFound`. It owns nothing below a
//! subscription: resources, lists and registrations are the other modules'.

use super::{io_error, SimClient, SUBSCRIPTION, TENANT};
use crate::provider::arm::{ArmError, ArmResponse};
use serde_json::{json, Value as Json};

/// How a simulation decides which subscriptions exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hosting {
    /// The default subscription, and any other once addressed.
    OnDemand,
    /// Exactly these (canonical ids, the first one the default).
    Fixed(Vec<String>),
}

/// A subscription id in ARM's form: a GUID written 8-4-4-4-12, returned in
/// lowercase. Anything else is refused as ARM refuses it.
pub fn parse(id: &str) -> Result<String, ArmError> {
    match uuid::Uuid::try_parse(id) {
        Ok(u) if id.len() == 36 => Ok(u.hyphenated().to_string()),
        _ => Err(ArmError::new(
            400,
            "InvalidSubscriptionId",
            format!("The provided subscription identifier '{id}' is malformed or invalid."),
        )),
    }
}

/// The subscription segment of a path under `/subscriptions/`, as written.
/// ARM skips empty segments, so `/subscriptions//resourceGroups` names
/// `resourceGroups`.
pub fn segment(path: &str) -> Option<&str> {
    let mut segs = path.split('/').filter(|s| !s.is_empty());
    segs.next().filter(|s| s.eq_ignore_ascii_case("subscriptions"))?;
    segs.next()
}

/// Whether `path` is a subscription itself (`/subscriptions/{id}`).
pub fn is_root(path: &str) -> bool {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    segs.len() == 2 && segs[0].eq_ignore_ascii_case("subscriptions")
}

pub fn id_of(subscription: &str) -> String {
    format!("/subscriptions/{subscription}")
}

fn not_found(subscription: &str) -> ArmError {
    ArmError::new(
        404,
        "SubscriptionNotFound",
        format!("The subscription '{subscription}' could not be found."),
    )
}

/// The subscription `path` is in, once it is known to be hosted; on demand,
/// creating it. A path outside `/subscriptions/{id}` is not found.
pub fn admit(sim: &SimClient, path: &str) -> Result<String, ArmError> {
    let Some(written) = segment(path) else {
        return Err(ArmError::new(
            404,
            "SubscriptionNotFound",
            format!("The subscription of '{path}' could not be found."),
        ));
    };
    let id = parse(written)?;
    if hosts(sim, &id)? {
        return Ok(id);
    }
    match sim.hosting {
        Hosting::Fixed(_) => Err(not_found(written)),
        Hosting::OnDemand => {
            sim.store.put(&id_of(&id), &stored(&id)).map_err(io_error)?;
            Ok(id)
        }
    }
}

/// Whether `subscription` (a canonical id) is hosted now.
pub fn hosts(sim: &SimClient, subscription: &str) -> Result<bool, ArmError> {
    Ok(match &sim.hosting {
        Hosting::Fixed(list) => list.iter().any(|s| s == subscription),
        Hosting::OnDemand => {
            subscription == SUBSCRIPTION || sim.store.get(&id_of(subscription)).map_err(io_error)?.is_some()
        }
    })
}

/// Every hosted subscription, the default first and then in id order.
pub fn hosted(sim: &SimClient) -> Result<Vec<String>, ArmError> {
    if let Hosting::Fixed(list) = &sim.hosting {
        return Ok(list.clone());
    }
    // Store ids are in lowercase and in order, as canonical ids are.
    let created = sim
        .store
        .ids()
        .map_err(io_error)?
        .into_iter()
        .filter(|id| is_root(id))
        .filter_map(|id| segment(&id).and_then(|s| parse(s).ok()))
        .filter(|s| s != SUBSCRIPTION);
    Ok(std::iter::once(SUBSCRIPTION.to_string()).chain(created).collect())
}

/// What the store keeps of a subscription created on demand.
fn stored(subscription: &str) -> Json {
    json!({
        "id": id_of(subscription),
        "subscriptionId": subscription,
        "type": "Microsoft.Resources/subscriptions",
    })
}

/// ARM's document for a subscription.
pub fn doc(sim: &SimClient, subscription: &str) -> Json {
    let name = if subscription == sim.subscription {
        "aksplan simulation".to_string()
    } else {
        format!("aksplan simulation {}", &subscription[..8.min(subscription.len())])
    };
    json!({
        "id": id_of(subscription),
        "subscriptionId": subscription,
        "displayName": name,
        "tenantId": TENANT,
        "state": "Enabled",
    })
}

/// `GET /subscriptions`: every hosted subscription.
pub fn list(sim: &SimClient) -> Result<ArmResponse, ArmError> {
    let value: Vec<Json> = hosted(sim)?.iter().map(|s| doc(sim, s)).collect();
    Ok(ArmResponse {
        status: 200,
        body: json!({ "value": value }),
    })
}

/// A subscription is not created, changed or deleted through the resource API.
pub fn refuse_change(path: &str) -> ArmError {
    ArmError::new(
        405,
        "MethodNotAllowed",
        format!("The subscription '{path}' cannot be created, changed or deleted through this API."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::arm::{ArmClient, ArmRequest, Method};

    const A: &str = "aaaaaaaa-0000-4000-8000-00000000000a";
    const B: &str = "bbbbbbbb-0000-4000-8000-00000000000b";

    fn call(s: &SimClient, method: Method, path: &str, body: Option<Json>) -> Result<ArmResponse, ArmError> {
        s.handle(&ArmRequest {
            method,
            path: path.into(),
            api_version: "2025-01-01".into(),
            body,
        })
    }

    fn put(s: &SimClient, path: &str, body: Json) -> Result<ArmResponse, ArmError> {
        call(s, Method::Put, path, Some(body))
    }

    fn get(s: &SimClient, path: &str) -> Result<ArmResponse, ArmError> {
        call(s, Method::Get, path, None)
    }

    fn rg(sub: &str, name: &str) -> String {
        format!("/subscriptions/{sub}/resourceGroups/{name}")
    }

    fn vnet(sub: &str) -> String {
        format!("{}/providers/Microsoft.Network/virtualNetworks/vnet", rg(sub, "rg"))
    }

    /// The ids a list answers with, in lowercase.
    fn listed(s: &SimClient, path: &str) -> Vec<String> {
        let r = get(s, path).unwrap();
        let mut ids: Vec<String> = r.body["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_lowercase())
            .collect();
        ids.sort();
        ids
    }

    fn subscription_ids(s: &SimClient) -> Vec<String> {
        get(s, "/subscriptions").unwrap().body["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["subscriptionId"].as_str().unwrap().to_string())
            .collect()
    }

    /// A resource group and a VNet in each of `subs`.
    fn populate(s: &SimClient, subs: &[&str]) {
        for sub in subs {
            put(s, &rg(sub, "rg"), json!({"location": "westeurope"})).unwrap();
            put(s, &vnet(sub), json!({"location": "westeurope"})).unwrap();
        }
    }

    #[test]
    fn on_demand_a_subscription_is_created_when_first_addressed() {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path());
        assert_eq!(s.subscription(), SUBSCRIPTION);
        assert_eq!(subscription_ids(&s), [SUBSCRIPTION]);
        // Upper case is the same subscription.
        let r = get(&s, &id_of(&A.to_uppercase())).unwrap();
        assert_eq!(r.body["subscriptionId"], A);
        assert_eq!(r.body["tenantId"], TENANT);
        populate(&s, &[SUBSCRIPTION, B]);
        assert_eq!(subscription_ids(&s), [SUBSCRIPTION, A, B]);
        assert_eq!(s.subscription(), SUBSCRIPTION, "the default stays");
    }

    #[test]
    fn lists_stay_within_their_subscription() {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path());
        populate(&s, &[A, B]);
        for sub in [A, B] {
            let own = |id: &str| id.to_lowercase();
            assert_eq!(
                listed(&s, &format!("/subscriptions/{sub}/resourcegroups")),
                [own(&rg(sub, "rg"))]
            );
            assert_eq!(
                listed(&s, &format!("/subscriptions/{sub}/resources")),
                [own(&vnet(sub))]
            );
            assert_eq!(listed(&s, &format!("{}/resources", rg(sub, "rg"))), [own(&vnet(sub))]);
            assert_eq!(
                listed(
                    &s,
                    &format!("/subscriptions/{sub}/providers/Microsoft.Network/virtualNetworks")
                ),
                [own(&vnet(sub))]
            );
        }
        // A subscription created only by being read holds nothing.
        assert_eq!(
            listed(&s, &format!("/subscriptions/{SUBSCRIPTION}/resources")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_parent_is_looked_for_in_its_own_subscription() {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path());
        populate(&s, &[A]);
        put(&s, &rg(B, "rg"), json!({"location": "westeurope"})).unwrap();
        let e = put(
            &s,
            &format!("{}/subnets/s", vnet(B)),
            json!({"properties": {"addressPrefixes": ["10.0.0.0/24"]}}),
        )
        .unwrap_err();
        assert_eq!(e.code, "ParentResourceNotFound", "A's VNet is not B's");
        let e = get(&s, &vnet(B)).unwrap_err();
        assert_eq!(e.code, "ResourceNotFound");
    }

    #[test]
    fn registrations_are_per_subscription() {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path());
        let ns = "Microsoft.Kubernetes";
        let provider = |sub: &str| format!("/subscriptions/{sub}/providers/{ns}");
        let state = |sub: &str| get(&s, &provider(sub)).unwrap().body["registrationState"].clone();
        call(&s, Method::Post, &format!("{}/register", provider(A)), None).unwrap();
        assert_eq!(state(A), "Registered");
        assert_eq!(state(B), "NotRegistered");
        assert_eq!(state(B.to_uppercase().as_str()), "NotRegistered");
        populate(&s, &[A, B]);
        let arc = |sub: &str| format!("{}/providers/{ns}/connectedClusters/arc", rg(sub, "rg"));
        let body = json!({"location": "westeurope", "identity": {"type": "SystemAssigned"}, "properties": {}});
        assert_eq!(put(&s, &arc(A), body.clone()).unwrap().status, 201);
        let e = put(&s, &arc(B), body).unwrap_err();
        assert_eq!(e.code, "MissingSubscriptionRegistration");
    }

    #[test]
    fn a_resource_may_refer_to_another_subscription() {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path()).with_replication_delay(std::time::Duration::from_secs(3600));
        populate(&s, &[A, B]);
        let mi = format!(
            "{}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi1",
            rg(A, "rg")
        );
        let identity = put(&s, &mi, json!({"location": "westeurope"})).unwrap();
        // A cluster in B runs as A's identity; its node resource group is B's.
        let cluster = format!("{}/providers/Microsoft.ContainerService/managedClusters/k", rg(B, "rg"));
        let body = json!({
            "location": "westeurope",
            "identity": {"type": "UserAssigned", "userAssignedIdentities": {mi.clone(): {}}},
            "properties": {"dnsPrefix": "k", "agentPoolProfiles": [{"name": "system", "mode": "System", "vmSize": "Standard_D2s_v3"}]},
        });
        let r = put(&s, &cluster, body).unwrap();
        assert_eq!(
            r.body["identity"]["userAssignedIdentities"][&mi]["principalId"],
            identity.body["properties"]["principalId"]
        );
        let kubelet = r.body["properties"]["identityProfile"]["kubeletidentity"]["resourceId"]
            .as_str()
            .unwrap();
        assert!(
            kubelet.starts_with(&format!("/subscriptions/{B}/resourcegroups/MC_")),
            "{kubelet}"
        );
        // A's identity is in the tenant's directory, which B's role assignments consult.
        let ra = format!(
            "{}/providers/Microsoft.Authorization/roleAssignments/5b1f6b5e-0d8e-4b8f-9c1b-1f1f1f1f1f1f",
            vnet(B)
        );
        let grant = json!({"properties": {
            "roleDefinitionId": format!("/subscriptions/{B}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7"),
            "principalId": identity.body["properties"]["principalId"],
        }});
        assert_eq!(put(&s, &ra, grant).unwrap_err().code, "PrincipalNotFound");
        // A peering in B names A's network.
        let peering = format!("{}/virtualNetworkPeerings/to-a", vnet(B));
        let body = json!({"properties": {"remoteVirtualNetwork": {"id": vnet(A)}}});
        assert_eq!(put(&s, &peering, body).unwrap().status, 201);
    }

    #[test]
    fn a_fixed_list_hosts_exactly_its_subscriptions() {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path())
            .with_subscriptions(vec![B.to_uppercase(), A.into(), B.into()])
            .unwrap();
        assert_eq!(s.subscription(), B, "the first is the default");
        assert_eq!(subscription_ids(&s), [B, A]);
        populate(&s, &[A, B]);
        for sub in [SUBSCRIPTION, "cccccccc-0000-4000-8000-00000000000c"] {
            for path in [
                id_of(sub),
                rg(sub, "rg"),
                format!("/subscriptions/{sub}/resourcegroups"),
            ] {
                let e = get(&s, &path).unwrap_err();
                assert_eq!((e.status, e.code.as_str()), (404, "SubscriptionNotFound"), "{path}");
            }
            let e = put(&s, &rg(sub, "rg"), json!({"location": "westeurope"})).unwrap_err();
            assert_eq!(e.code, "SubscriptionNotFound");
        }
        let e = get(&s, &rg("other", "rg")).unwrap_err();
        assert_eq!(e.code, "InvalidSubscriptionId");
        assert_eq!(subscription_ids(&s), [B, A], "nothing was created");
        let e = SimClient::new(dir.path())
            .with_subscriptions(vec!["nope".into()])
            .err()
            .unwrap();
        assert_eq!(e.code, "InvalidSubscriptionId");
    }

    #[test]
    fn created_subscriptions_are_remembered_in_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let first = SimClient::new(dir.path());
        get(&first, &id_of(A)).unwrap();
        populate(&first, &[B]);
        drop(first);
        let again = SimClient::new(dir.path());
        assert_eq!(subscription_ids(&again), [SUBSCRIPTION, A, B]);
        // A fixed list over the same store shows only its own.
        let fixed = SimClient::new(dir.path()).with_subscriptions(vec![B.into()]).unwrap();
        assert_eq!(subscription_ids(&fixed), [B]);
        assert_eq!(
            listed(&fixed, &format!("/subscriptions/{B}/resourcegroups")),
            [rg(B, "rg").to_lowercase()]
        );
    }

    #[test]
    fn a_subscription_is_not_changed_through_the_resource_api() {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path());
        populate(&s, &[A]);
        for method in [Method::Put, Method::Patch, Method::Delete, Method::Post] {
            let e = call(&s, method, &id_of(A), Some(json!({}))).unwrap_err();
            assert_eq!((e.status, e.code.as_str()), (405, "MethodNotAllowed"), "{method}");
        }
        assert_eq!(get(&s, &vnet(A)).unwrap().status, 200, "nothing was deleted");
    }

    #[test]
    fn ids_are_hyphenated_guids_in_lowercase() {
        assert_eq!(
            parse("AAAAAAAA-0000-4000-8000-00000000000A").unwrap(),
            "aaaaaaaa-0000-4000-8000-00000000000a"
        );
        for bad in [
            "other",
            "",
            "aaaaaaaa00004000800000000000000a",
            "{aaaaaaaa-0000-4000-8000-00000000000a}",
            "aaaaaaaa-0000-4000-8000-00000000000af",
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!((e.status, e.code.as_str()), (400, "InvalidSubscriptionId"), "{bad}");
        }
    }

    #[test]
    fn segments_and_roots() {
        assert_eq!(segment("/subscriptions/s/resourceGroups/rg"), Some("s"));
        assert_eq!(segment("/SUBSCRIPTIONS/s"), Some("s"));
        assert_eq!(segment("/subscriptions//resourceGroups/rg"), Some("resourceGroups"));
        assert_eq!(segment("/providers/Microsoft.Authorization"), None);
        assert_eq!(segment("/subscriptions"), None);
        assert!(is_root("/subscriptions/s"));
        assert!(is_root("/subscriptions/s/"));
        assert!(!is_root("/subscriptions/s/resourceGroups"));
        assert!(!is_root("/tenants/s"));
    }
}
