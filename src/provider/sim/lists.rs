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

use super::SimClient;
use crate::provider::arm::{self, ArmError, ArmResponse};
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

/// Answers a list operation.
pub fn list(sim: &SimClient, c: &Collection) -> Result<ArmResponse, ArmError> {
    // Only what the list can hold is read: a type's documents, or a scope's.
    let docs = match c {
        Collection::Type { rtype, .. } => sim.store.of_type(rtype),
        Collection::ResourceGroups { subscription: scope } | Collection::Resources { scope } => {
            sim.store.descendants(scope)
        }
    }
    .map_err(super::io_error)?;
    let id = |d: &Json| d.get("id").and_then(Json::as_str).unwrap_or("").to_string();
    let under = |scope: &str, d: &Json| {
        let id = id(d).to_lowercase();
        id.starts_with(&format!("{}/", scope.to_lowercase()))
    };
    let value: Vec<Json> = docs
        .into_iter()
        // Registrations live in the store too, but are not resources.
        .filter(|d| super::registrations::target(&id(d)).is_none())
        .filter(|d| match c {
            Collection::ResourceGroups { subscription } => {
                under(subscription, d) && arm::resource_type(&id(d)) == "Microsoft.Resources/resourceGroups"
            }
            Collection::Resources { scope } => under(scope, d) && in_group(&id(d)),
            Collection::Type { parent, rtype } => {
                arm::resource_type(&id(d)).eq_ignore_ascii_case(rtype)
                    && (super::subscriptions::is_root(parent) && under(parent, d)
                        || arm::parent_id(&id(d)).is_some_and(|p| arm::ids_equal(&p, parent)))
            }
        })
        // Each as a GET answers it (a cluster with its pools).
        .map(|d| super::rules::on_get(sim, &id(&d), d))
        .collect::<Result<_, _>>()?;
    Ok(ArmResponse {
        status: 200,
        body: json!({ "value": value }),
    })
}

/// Whether ARM's list of resources holds `id`: a resource directly in a
/// group. A network's subnets or a cluster's extensions are listed under
/// their parent only, and role assignments, locks and policy assignments
/// (Microsoft.Authorization's extension resources) are never listed.
fn in_group(id: &str) -> bool {
    let group = arm::parent_id(id).is_some_and(|p| arm::resource_type(&p) == "Microsoft.Resources/resourceGroups");
    let namespace = arm::resource_type(id);
    let namespace = namespace.split('/').next().unwrap_or("");
    group && !namespace.eq_ignore_ascii_case("Microsoft.Authorization")
}

#[cfg(test)]
mod tests {
    use super::*;

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
