//! Bulk reads for a refresh: resources that share an ARM collection (the
//! virtual networks of one resource group, the subnets of one network, a
//! subscription's resource groups) are read by listing the collection once,
//! following its pages, instead of one GET each.
//!
//! Each listed body is decoded exactly as a GET's answer is
//! ([`Azurerm::found`]: the same mapping, the same extra reads such as POST
//! actions). A resource absent from a complete listing is gone, as a 404
//! would say. A list that fails leaves its collection to one GET each, and
//! so do collections of one, the `Custom` kinds, and types whose lists do
//! not answer full bodies ([`super::types::TypeHooks::listed_in_full`]).
//!
//! It keeps nothing between calls: what it lists serves this call's reads
//! only, so a later read (apply's) never sees a listed body gone stale.

use super::{paging, types, Azurerm};
use crate::lang::Value;
use crate::provider::arm::ArmClient;
use crate::provider::protocol::{ReadRequest, ReadResponse, ReadSeen, ReadStep};
use crate::schema::Schema;
use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt};
use serde_json::Value as Json;
use std::collections::HashMap;

/// Fewer resources than this in one collection are read by GET: a list
/// costs a request too, and its answer holds the siblings as well.
const MIN_GROUP: usize = 2;

/// Where a resource can be found by listing.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Listable {
    /// The collection's path, as the first of its resources spells it.
    path: String,
    api_version: String,
    /// The resource's ARM id, lower-cased for matching.
    id: String,
}

impl Listable {
    /// What resources that share a list share: ARM compares paths without
    /// regard to case.
    fn key(&self) -> (String, &str) {
        (self.path.to_lowercase(), &self.api_version)
    }
}

/// The collection that lists `id`: the id less its name.
/// `/subscriptions/s/resourceGroups/rg` is in `/subscriptions/s/resourceGroups`,
/// `.../virtualNetworks/v/subnets/a` in `.../virtualNetworks/v/subnets`. `None`
/// for what is no resource under a subscription (a subscription, an id
/// with a query or an azurerm-only separator).
fn collection_of(id: &str) -> Option<&str> {
    let id = id.trim_end_matches('/');
    if !id.starts_with('/') || id.contains(['?', '|', '#']) {
        return None;
    }
    let segments: Vec<&str> = id[1..].split('/').collect();
    let well_formed = segments.len() >= 4 && segments.len() % 2 == 0 && segments.iter().all(|s| !s.is_empty());
    if !well_formed || !segments[0].eq_ignore_ascii_case("subscriptions") {
        return None;
    }
    id.rfind('/').map(|at| &id[..at])
}

/// Whether a state entry may be read through a list, and where.
fn listable(schema: &Schema, prior: &Value) -> Option<Listable> {
    if schema.mode != crate::addrs::Mode::Managed || types::custom(schema.mode, &schema.name).is_some() {
        return None;
    }
    let hooks = types::hooks(&schema.name);
    let api_version = schema
        .arm
        .as_ref()
        .map(|a| a.api_version.clone())
        .filter(|v| !v.is_empty())?;
    if !hooks.listed_in_full() {
        return None;
    }
    let id = hooks.arm_id(prior.get("id").and_then(Value::as_str)?).into_owned();
    Some(Listable {
        path: collection_of(&id)?.to_string(),
        api_version,
        id: id.to_lowercase(),
    })
}

/// The collections worth listing: the indices of the entries of each that
/// holds at least [`MIN_GROUP`], in the order first met.
fn groups(entries: &[Option<Listable>]) -> Vec<Vec<usize>> {
    let mut at: HashMap<(String, &str), usize> = HashMap::new();
    let mut all: Vec<Vec<usize>> = Vec::new();
    for (i, l) in entries.iter().enumerate() {
        let Some(l) = l else { continue };
        let n = *at.entry(l.key()).or_insert_with(|| {
            all.push(Vec::new());
            all.len() - 1
        });
        all[n].push(i);
    }
    all.retain(|g| g.len() >= MIN_GROUP);
    all
}

/// Reads every entry, in the order asked, at most `parallelism` requests
/// at a time: first the lists, then the GETs and the decoding (with its
/// own extra requests). `seen` is told of an entry when its list or its
/// GET is sent, and when its answer is decoded.
pub(super) async fn read_many<C: ArmClient + 'static>(
    az: &Azurerm<C>,
    reqs: Vec<ReadRequest<'_>>,
    parallelism: usize,
    seen: ReadSeen<'_>,
) -> Vec<ReadResponse> {
    let parallelism = parallelism.max(1);
    let entries: Vec<Option<Listable>> = reqs.iter().map(|r| listable(r.schema, r.prior)).collect();
    let groups = groups(&entries);
    // Each stream is of futures made before it, boxed: a stream holding
    // closures would not be Send for every lifetime, as the trait needs.
    let lists: Vec<BoxFuture<'_, Option<HashMap<String, Json>>>> = groups
        .iter()
        .map(|g| {
            let l = entries[g[0]].clone();
            async move {
                for &i in g {
                    seen(i, ReadStep::Sent);
                }
                let l = l?;
                let items = paging::list_all(&az.client, &l.path, &l.api_version).await.ok()?;
                let by_id: HashMap<String, Json> = items
                    .into_iter()
                    .filter_map(|d| Some((d.get("id")?.as_str()?.to_lowercase(), d)))
                    .collect();
                Some(by_id)
            }
            .boxed()
        })
        .collect();
    let lists: Vec<Option<HashMap<String, Json>>> = futures::stream::iter(lists).buffered(parallelism).collect().await;
    let mut listed: Vec<Option<&HashMap<String, Json>>> = vec![None; reqs.len()];
    // Entries whose list was sent were told so; one whose list failed is
    // read by GET without being sent twice.
    let mut sent = vec![false; reqs.len()];
    for (g, list) in groups.iter().zip(&lists) {
        for &i in g {
            listed[i] = list.as_ref();
            sent[i] = true;
        }
    }
    let reads: Vec<BoxFuture<'_, ReadResponse>> = reqs
        .into_iter()
        .zip(listed)
        .zip(entries)
        .zip(sent)
        .enumerate()
        .map(|(i, (((req, list), entry), sent))| {
            async move {
                let sub = az.subscription(req.provider);
                if !sent {
                    seen(i, ReadStep::Sent);
                }
                let r = match (list, entry) {
                    (Some(list), Some(l)) => match list.get(&l.id) {
                        Some(body) => az.found(req.schema, body, req.prior, sub).await,
                        None => ReadResponse::default(),
                    },
                    _ => az.get(req.schema, req.prior, sub).await,
                };
                seen(i, ReadStep::Answered(&r));
                r
            }
            .boxed()
        })
        .collect();
    futures::stream::iter(reads).buffered(parallelism).collect().await
}

#[cfg(test)]
mod tests {
    use super::*;

    const RG: &str = "/subscriptions/s/resourceGroups/rg";

    #[test]
    fn a_collection_is_the_id_less_its_name() {
        let vnet = format!("{RG}/providers/Microsoft.Network/virtualNetworks/v");
        assert_eq!(
            collection_of(&vnet),
            Some(&*format!("{RG}/providers/Microsoft.Network/virtualNetworks"))
        );
        assert_eq!(
            collection_of(&format!("{vnet}/subnets/a")),
            Some(&*format!("{vnet}/subnets"))
        );
        assert_eq!(collection_of(RG), Some("/subscriptions/s/resourceGroups"));
        let k = format!("{RG}/providers/Microsoft.ContainerService/managedClusters/k");
        assert_eq!(
            collection_of(&format!(
                "{k}/providers/Microsoft.KubernetesConfiguration/extensions/flux"
            )),
            Some(&*format!("{k}/providers/Microsoft.KubernetesConfiguration/extensions"))
        );
        for not in [
            "/subscriptions/s",
            "/subscriptions/s/resourceGroups",
            "subscriptions/s/resourceGroups/rg",
            "/tenants/t/x/y",
            "/subscriptions/s/resourceGroups//x/y",
            "/subscriptions/s/resourceGroups/rg/x|y",
            "",
        ] {
            assert_eq!(collection_of(not), None, "{not}");
        }
    }

    fn at(path: &str, api_version: &str, name: &str) -> Option<Listable> {
        Some(Listable {
            path: path.into(),
            api_version: api_version.into(),
            id: format!("{path}/{name}").to_lowercase(),
        })
    }

    #[test]
    fn resources_of_one_collection_and_version_are_grouped_and_singles_left_to_get() {
        let vnets = format!("{RG}/providers/Microsoft.Network/virtualNetworks");
        let other = "/subscriptions/s/resourceGroups/other/providers/Microsoft.Network/virtualNetworks";
        let entries = vec![
            at(&vnets, "2024-05-01", "a"),
            None,
            at(other, "2024-05-01", "b"),
            // ARM paths compare without regard to case.
            at(&vnets.to_uppercase(), "2024-05-01", "c"),
            at(&vnets, "2023-01-01", "d"),
            at(&vnets, "2024-05-01", "e"),
            at("/subscriptions/s/resourceGroups", "2021-04-01", "x"),
            at("/subscriptions/s/resourcegroups", "2021-04-01", "y"),
        ];
        assert_eq!(groups(&entries), vec![vec![0, 3, 5], vec![6, 7]]);
        assert!(groups(&[at(&vnets, "v", "a"), None]).is_empty());
    }
}
