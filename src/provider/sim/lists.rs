//! List operations: a GET on a collection instead of a resource.
//!
//! `.../resourcegroups` (a subscription's), `.../resources` (the resources
//! of a subscription or resource group, as ARM lists them: those directly in
//! a group, not their children nor extension resources), and a
//! resource type under a scope: `.../resourceGroups/rg/providers/Microsoft.Network/virtualNetworks`
//! lists a group's VNets, `/subscriptions/s/providers/Microsoft.ContainerService/managedClusters`
//! every cluster of the subscription, `.../virtualNetworks/v/subnets` a
//! VNet's subnets, `.../managedClusters/k/providers/Microsoft.KubernetesConfiguration/extensions`
//! a cluster's extensions. Answers are `{"value": [...]}`, as ARM's are.
//! Every list stays within the subscription of its path. (`/subscriptions`
//! itself is [`super::subscriptions`]'.)
//!
//! Lists page as ARM's do: [`PAGE`] items at most, in id order, and a
//! `nextLink` while more are left, an absolute URL with the api-version and
//! a `$skiptoken`. In process its host is [`BASE`]; `sim serve` gives its
//! own address instead ([`rebase`]). Each item is the body a GET of it
//! answers.

use super::SimClient;
use crate::provider::arm::{self, ArmError, ArmRequest, ArmResponse};
use serde_json::{json, Value as Json};

/// What a collection path asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Collection {
    /// The resource groups of a subscription (`/subscriptions/{s}`).
    ResourceGroups { subscription: String },
    /// The resources in the groups of a subscription, or in one group.
    Resources { scope: String },
    /// Resources of one ARM type directly under `parent` (a resource, a
    /// resource group, or the whole subscription).
    Type { parent: String, rtype: String },
}

/// Recognises a collection path under `/subscriptions/{sub}`.
pub fn collection(path: &str) -> Option<Collection> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let is = |i: usize, name: &str| segs.get(i).is_some_and(|s| s.eq_ignore_ascii_case(name));
    if !is(0, "subscriptions") || segs.len() < 3 {
        return None;
    }
    let join = |n: usize| format!("/{}", segs[..n].join("/"));
    match segs.len() {
        3 if is(2, "resourcegroups") => return Some(Collection::ResourceGroups { subscription: join(2) }),
        3 if is(2, "resources") => return Some(Collection::Resources { scope: join(2) }),
        5 if is(2, "resourcegroups") && is(4, "resources") => return Some(Collection::Resources { scope: join(4) }),
        _ => {}
    }
    let p = segs.iter().rposition(|s| s.eq_ignore_ascii_case("providers"))?;
    let after = segs.get(p + 2..)?;
    if after.len() % 2 == 0 {
        return None;
    }
    let types: Vec<&str> = after.iter().step_by(2).copied().collect();
    let rtype = format!("{}/{}", segs[p + 1], types.join("/"));
    // `.../providers/Ns/type` lists under what precedes `providers`; a
    // nested `.../type/name/child` under the resource `.../type/name`.
    let parent = if after.len() == 1 {
        join(p)
    } else {
        join(segs.len() - 1)
    };
    Some(Collection::Type { parent, rtype })
}

/// How many items a page holds at most, as many ARM lists do.
pub const PAGE: usize = 100;

/// The host of the next-page links of the in-process simulation, ARM's.
pub const BASE: &str = "https://management.azure.com";

/// Points a list answer's next-page link at `base` (`http://127.0.0.1:port`),
/// the host the request came to.
pub fn rebase(body: &mut Json, base: &str) {
    if let Some(link) = body.get_mut("nextLink") {
        if let Some(rest) = link.as_str().and_then(|l| l.strip_prefix(BASE)) {
            *link = Json::String(format!("{}{rest}", base.trim_end_matches('/')));
        }
    }
}

/// Where a page starts: the `$skiptoken` of the request's query, or 0.
fn skip(req: &ArmRequest) -> Result<usize, ArmError> {
    let Some((_, query)) = req.path.split_once('?') else {
        return Ok(0);
    };
    let token = reqwest::Url::parse(&format!("http://x/?{query}")).ok().and_then(|u| {
        u.query_pairs()
            .find(|(k, _)| k.eq_ignore_ascii_case("$skiptoken"))
            .map(|(_, v)| v.into_owned())
    });
    match token {
        None => Ok(0),
        Some(t) => t.parse().map_err(|_| {
            ArmError::new(
                400,
                "InvalidSkipToken",
                format!("The skip token '{t}' is not valid: take it from a nextLink as given."),
            )
        }),
    }
}

/// The page of `items` a request asks for, with the link to the next.
fn page<T>(req: &ArmRequest, mut items: Vec<T>) -> Result<(Vec<T>, Option<String>), ArmError> {
    let from = skip(req)?;
    let path = req.path.split('?').next().unwrap_or_default();
    let more = items.len() > from.saturating_add(PAGE);
    items.truncate(from.saturating_add(PAGE));
    let value: Vec<T> = items.into_iter().skip(from).collect();
    let next = more.then(|| {
        let version = match req.api_version.as_str() {
            "" => String::new(),
            v => format!("api-version={v}&"),
        };
        format!("{BASE}{path}?{version}%24skiptoken={}", from + PAGE)
    });
    Ok((value, next))
}

/// Answers a list operation, one page of it.
///
/// What the list holds is decided from the store's ids alone, and only the
/// page's documents are read: a collection of 10,000 read in pages of 100
/// would otherwise parse all 10,000 documents for each of its 100 pages.
pub fn list(sim: &SimClient, c: &Collection, req: &ArmRequest) -> Result<ArmResponse, ArmError> {
    // Ids are the store's keys: lowercase, so every comparison ignores
    // case. Only what the list can hold is looked at: the ids of a type
    // under the list's parent, or a scope's; the test is a prefix and a
    // name, without allocating.
    let prefix = |scope: &str| format!("{}/", scope.trim_end_matches('/').to_lowercase());
    // `id` is `prefix` and one more segment (a name), nothing under it.
    let named = |prefix: &str, id: &str| {
        id.strip_prefix(prefix)
            .is_some_and(|n| !n.is_empty() && !n.contains('/'))
    };
    let io = super::io_error;
    let mut ids: Vec<String> = match c {
        Collection::ResourceGroups { subscription } => {
            let groups = format!("{}resourcegroups/", prefix(subscription));
            let ids = sim.store.descendant_ids(subscription).map_err(io)?;
            ids.into_iter().filter(|id| named(&groups, id)).collect()
        }
        Collection::Resources { scope } => sim
            .store
            .descendant_ids(scope)
            .map_err(io)?
            .into_iter()
            // Registrations live in the store too, but are not resources.
            .filter(|id| super::registrations::target(id).is_none() && in_group(id))
            .collect(),
        Collection::Type { parent, rtype } if super::subscriptions::is_root(parent) => {
            sim.store.ids_of_type(rtype, &prefix(parent)).map_err(io)?
        }
        Collection::Type { parent, rtype } => {
            // A top-level type sits under `PARENT/providers/NAMESPACE/TYPE/`,
            // a child type under `PARENT/CHILD/`.
            let lower = rtype.to_lowercase();
            let segments: Vec<&str> = lower.split('/').collect();
            let within = match segments.as_slice() {
                [_, _] => format!("{}providers/{lower}/", prefix(parent)),
                [.., child] => format!("{}{child}/", prefix(parent)),
                [] => {
                    return Ok(ArmResponse {
                        status: 200,
                        body: json!({ "value": [] }),
                    })
                }
            };
            let ids = sim.store.ids_of_type(rtype, &within).map_err(io)?;
            ids.into_iter().filter(|id| named(&within, id)).collect()
        }
    };
    // Pages are cut from one order, so that a token finds its place again.
    ids.sort();
    let (ids, next) = page(req, ids)?;
    // Each as a GET answers it (a cluster with its pools); only the page's.
    let mut value = Vec::with_capacity(ids.len());
    for key in ids {
        let Some(doc) = sim.store.get(&key).map_err(super::io_error)? else {
            continue;
        };
        let id = doc.get("id").and_then(Json::as_str).unwrap_or(&key).to_string();
        value.push(super::rules::on_get(sim, &id, doc)?);
    }
    let body = match next {
        Some(next) => json!({ "value": value, "nextLink": next }),
        None => json!({ "value": value }),
    };
    Ok(ArmResponse { status: 200, body })
}

/// Whether ARM's list of resources holds `id`: a resource directly in a
/// group. A network's subnets or a cluster's extensions are listed under
/// their parent only, and role assignments, locks and policy assignments
/// (Microsoft.Authorization's extension resources) are never listed.
fn in_group(id: &str) -> bool {
    let group = arm::parent_id(id)
        .is_some_and(|p| arm::resource_type(&p).eq_ignore_ascii_case("Microsoft.Resources/resourceGroups"));
    let namespace = arm::resource_type(id);
    let namespace = namespace.split('/').next().unwrap_or("");
    group && !namespace.eq_ignore_ascii_case("Microsoft.Authorization")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::arm::Method;

    fn get(sim: &SimClient, path: &str) -> Result<Json, ArmError> {
        let req = ArmRequest {
            method: Method::Get,
            path: path.into(),
            api_version: "2023-01-31".into(),
            body: None,
        };
        sim.handle(&req).map(|r| r.body)
    }

    #[test]
    fn lists_page_with_absolute_next_links_and_each_item_is_its_get() {
        let dir = tempfile::tempdir().unwrap();
        let sim = SimClient::new(dir.path());
        let rg = format!("/subscriptions/{}/resourceGroups/rg", super::super::SUBSCRIPTION);
        let put = |id: &str| {
            let req = ArmRequest {
                method: Method::Put,
                path: id.into(),
                api_version: "2023-01-31".into(),
                body: Some(json!({"location": "westeurope"})),
            };
            sim.handle(&req).unwrap();
        };
        put(&rg);
        let collection = format!("{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities");
        let n = PAGE * 2 + 5;
        for i in 0..n {
            put(&format!("{collection}/id-{i:03}"));
        }
        let mut seen = Vec::new();
        let mut links = Vec::new();
        let mut next = collection.clone();
        loop {
            let page = get(&sim, &next).unwrap();
            let items = page["value"].as_array().unwrap();
            assert!(items.len() <= PAGE);
            for item in items {
                let id = item["id"].as_str().unwrap();
                assert_eq!(*item, get(&sim, id).unwrap(), "{id}");
                seen.push(id.to_string());
            }
            let Some(link) = page.get("nextLink").and_then(Json::as_str) else {
                break;
            };
            links.push(link.to_string());
            next = link.strip_prefix(BASE).unwrap().replace("api-version=2023-01-31&", "");
        }
        assert_eq!(
            links[0],
            format!("{BASE}{collection}?api-version=2023-01-31&%24skiptoken={PAGE}")
        );
        assert_eq!(links.len(), 2);
        let want: Vec<String> = (0..n).map(|i| format!("{collection}/id-{i:03}")).collect();
        assert_eq!(seen, want);
        let e = get(&sim, &format!("{collection}?$skiptoken=nope")).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "InvalidSkipToken"));
        assert_eq!(
            get(&sim, &format!("{collection}?$skiptoken=9999")).unwrap(),
            json!({"value": []})
        );
    }

    #[test]
    fn a_served_list_links_to_the_server() {
        let mut body =
            json!({"value": [], "nextLink": format!("{BASE}/subscriptions/s/resourcegroups?%24skiptoken=100")});
        rebase(&mut body, "http://127.0.0.1:8080/");
        assert_eq!(
            body["nextLink"],
            "http://127.0.0.1:8080/subscriptions/s/resourcegroups?%24skiptoken=100"
        );
        let mut last = json!({"value": []});
        rebase(&mut last, "http://h");
        assert_eq!(last, json!({"value": []}));
    }

    const RG: &str = "/subscriptions/s/resourceGroups/rg";

    fn ty(parent: &str, rtype: &str) -> Option<Collection> {
        Some(Collection::Type {
            parent: parent.into(),
            rtype: rtype.into(),
        })
    }

    #[test]
    fn collection_paths() {
        assert_eq!(
            collection("/subscriptions/s/resourcegroups"),
            Some(Collection::ResourceGroups {
                subscription: "/subscriptions/s".into()
            })
        );
        assert_eq!(
            collection(&format!("{RG}/resources")),
            Some(Collection::Resources { scope: RG.into() })
        );
        assert_eq!(
            collection(&format!("{RG}/providers/Microsoft.Network/virtualNetworks")),
            ty(RG, "Microsoft.Network/virtualNetworks")
        );
        assert_eq!(
            collection(&format!("{RG}/providers/Microsoft.Network/virtualNetworks/v/subnets")),
            ty(
                &format!("{RG}/providers/Microsoft.Network/virtualNetworks/v"),
                "Microsoft.Network/virtualNetworks/subnets"
            )
        );
        let k = format!("{RG}/providers/Microsoft.ContainerService/managedClusters/k");
        assert_eq!(
            collection(&format!("{k}/providers/Microsoft.KubernetesConfiguration/extensions")),
            ty(&k, "Microsoft.KubernetesConfiguration/extensions")
        );
        assert_eq!(
            collection("/subscriptions/s/providers/Microsoft.ContainerService/managedClusters"),
            ty("/subscriptions/s", "Microsoft.ContainerService/managedClusters")
        );
        assert!(in_group(&format!("{RG}/providers/Microsoft.Network/virtualNetworks/v")));
        for not_listed in [
            RG.to_string(),
            format!("{RG}/providers/Microsoft.Network/virtualNetworks/v/subnets/s"),
            format!("{k}/providers/Microsoft.KubernetesConfiguration/extensions/flux"),
            format!("{RG}/providers/Microsoft.Authorization/roleAssignments/g"),
        ] {
            assert!(!in_group(&not_listed), "{not_listed}");
        }
        for resource in [
            RG,
            "/subscriptions/s",
            "/subscriptions/s/providers/Microsoft.Network",
            &k,
        ] {
            assert_eq!(collection(resource), None, "{resource}");
        }
    }
}
