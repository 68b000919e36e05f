//! The Kubernetes versions AKS offers in a location:
//! `GET /subscriptions/{s}/providers/Microsoft.ContainerService/locations/{location}/kubernetesVersions`
//! (ManagedClusters_ListKubernetesVersions, what `az aks get-versions`
//! calls), answered from aksplan's table (schemas/tables/kubernetes_versions.json),
//! the same in every location. The answer has ARM's shape: `values[]` with
//! `version`, `capabilities.supportPlan` and `patchVersions{}.upgrades[]`.
//! The table says nothing of previews or of a default, so neither is set.

use super::SimClient;
use crate::config::tables::{self, KubernetesMinor};
use crate::provider::arm::{self, ArmResponse};
use serde_json::{json, Map, Value as Json};

/// The location a kubernetesVersions path asks about.
pub fn target(sim: &SimClient, path: &str) -> Option<String> {
    let prefix = format!("/subscriptions/{}/providers/", sim.subscription);
    let head = path.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(&prefix) {
        return None;
    }
    match path[prefix.len()..].split('/').collect::<Vec<_>>().as_slice() {
        [ns, locations, location, versions]
            if ns.eq_ignore_ascii_case("Microsoft.ContainerService")
                && locations.eq_ignore_ascii_case("locations")
                && versions.eq_ignore_ascii_case("kubernetesVersions")
                && !location.is_empty() =>
        {
            Some(arm::normalize_location(location))
        }
        _ => None,
    }
}

/// The patches a cluster on `patch` may move to: later patches of its
/// minor, and every patch of the next minor (AKS upgrades one minor at a time).
fn upgrades(minors: &[KubernetesMinor], i: usize, patch: &str) -> Vec<String> {
    let newer = |p: &String| tables::version(p) > tables::version(patch);
    let same = minors[i].patches.iter().filter(|p| newer(p)).cloned();
    let next = minors.get(i + 1).into_iter().flat_map(|m| m.patches.iter().cloned());
    same.chain(next).collect()
}

/// The list ARM returns, for a list of offered minors.
pub fn to_arm(minors: &[KubernetesMinor]) -> Json {
    let values: Vec<Json> = minors
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let patches: Map<String, Json> = m
                .patches
                .iter()
                .map(|p| (p.clone(), json!({"upgrades": upgrades(minors, i, p)})))
                .collect();
            let plan = if m.lts_only {
                "AKSLongTermSupport"
            } else {
                "KubernetesOfficial"
            };
            json!({
                "version": m.minor,
                "capabilities": {"supportPlan": [plan]},
                "patchVersions": patches,
            })
        })
        .collect();
    json!({ "values": values })
}

/// Answers the GET, for any location.
pub fn get(_location: &str) -> ArmResponse {
    ArmResponse {
        status: 200,
        body: to_arm(tables::kubernetes_versions()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_has_arms_shape_and_the_tables_facts() {
        let body = get("westeurope").body;
        let values = body["values"].as_array().unwrap();
        assert_eq!(values.len(), 9);
        assert_eq!(values[0]["version"], "1.28");
        assert_eq!(values[0]["capabilities"]["supportPlan"], json!(["AKSLongTermSupport"]));
        assert_eq!(values[3]["capabilities"]["supportPlan"], json!(["KubernetesOfficial"]));
        assert_eq!(
            values[6]["patchVersions"]["1.34.7"]["upgrades"],
            json!(["1.34.9", "1.34.10", "1.35.6", "1.35.7"])
        );
        assert_eq!(values[8]["patchVersions"]["1.36.3"]["upgrades"], json!([]));
    }

    #[test]
    fn paths_are_recognised_without_case() {
        let dir = tempfile::tempdir().unwrap();
        let sim = SimClient::new(dir.path());
        let sub = super::super::SUBSCRIPTION;
        assert_eq!(
            target(
                &sim,
                &format!("/subscriptions/{sub}/providers/microsoft.containerservice/locations/West Europe/kubernetesversions")
            )
            .as_deref(),
            Some("westeurope")
        );
        assert_eq!(
            target(
                &sim,
                &format!("/subscriptions/{sub}/providers/Microsoft.ContainerService")
            ),
            None
        );
        assert_eq!(
            target(
                &sim,
                &format!("/subscriptions/{sub}/providers/Microsoft.ContainerService/locations/x/orchestrators")
            ),
            None
        );
    }
}
