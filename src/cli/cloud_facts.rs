//! What the rules need from the cloud at plan time, read before they run
//! ([`crate::rules::CloudFacts`]): whether the namespaces they watch are
//! registered and which ones azurerm registers by itself (EXT006), and the
//! Kubernetes versions the service offers in each location the plan's
//! clusters use (AKS004). It only reads. A read that fails leaves the fact
//! out, and the rules fall back to what they know (for versions, aksplan's
//! table); the in-process simulation is not asked for versions, since it
//! would answer from that same table.

use crate::config::tables::{self, KubernetesMinor};
use crate::lang::Value;
use crate::plan::Plan;
use crate::provider::arm::{self, ArmClient, ArmRequest, Method};
use crate::provider::azurerm::auto_registration::RegistrationSettings;
use crate::rules::CloudFacts;
use serde_json::Value as Json;
use std::collections::{BTreeSet, HashMap};

/// The API version of ManagedClusters_ListKubernetesVersions, as in the
/// REST example `../shared/data/aks-kubernetes-versions.arm-example.json`.
const VERSIONS_API: &str = "2025-10-01";
const PROVIDERS_API: &str = "2025-04-01";

/// Reads what the rules need. `ask_versions`: whether the cloud's answer
/// for Kubernetes versions says more than aksplan's table.
pub async fn gather<C: ArmClient>(
    client: &C,
    plan: &Plan,
    settings: &RegistrationSettings,
    ask_versions: bool,
) -> CloudFacts {
    let locations = if ask_versions {
        cluster_locations(plan)
    } else {
        BTreeSet::new()
    };
    let (registered, kubernetes_versions) =
        futures::join!(registrations(client), kubernetes_versions(client, &locations));
    CloudFacts {
        registered,
        auto_registered: settings
            .known
            .then(|| settings.namespaces().iter().map(|n| n.to_lowercase()).collect()),
        kubernetes_versions,
    }
}

/// Whether the namespaces the rules watch are registered; a namespace that
/// cannot be read is left out.
async fn registrations<C: ArmClient>(client: &C) -> HashMap<String, bool> {
    let mut out = HashMap::new();
    for ns in crate::rules::WATCHED_NAMESPACES {
        let req = ArmRequest {
            method: Method::Get,
            path: format!("/subscriptions/{}/providers/{ns}", client.subscription()),
            api_version: PROVIDERS_API.into(),
            body: None,
        };
        if let Ok(r) = client.send(req).await {
            let state = r.body.get("registrationState").and_then(|s| s.as_str()).unwrap_or("");
            out.insert(ns.to_lowercase(), state.eq_ignore_ascii_case("Registered"));
        }
    }
    out
}

/// The locations of the plan's clusters, as ARM normalises them.
pub fn cluster_locations(plan: &Plan) -> BTreeSet<String> {
    plan.changes
        .iter()
        .filter(|c| c.addr.resource.type_name == "azurerm_kubernetes_cluster")
        .filter_map(|c| {
            let value = c.after.as_ref().or(c.before.as_ref())?;
            value
                .get("location")
                .and_then(Value::as_str)
                .map(arm::normalize_location)
        })
        .collect()
}

/// The versions the service offers in each location; a location whose
/// answer cannot be read or makes no sense is left out.
async fn kubernetes_versions<C: ArmClient>(
    client: &C,
    locations: &BTreeSet<String>,
) -> HashMap<String, Vec<KubernetesMinor>> {
    let asks = locations.iter().map(|location| async move {
        let req = ArmRequest {
            method: Method::Get,
            path: format!(
                "/subscriptions/{}/providers/Microsoft.ContainerService/locations/{location}/kubernetesVersions",
                client.subscription()
            ),
            api_version: VERSIONS_API.into(),
            body: None,
        };
        let offered = client.send(req).await.ok().and_then(|r| from_arm(&r.body));
        offered.map(|o| (location.clone(), o))
    });
    futures::future::join_all(asks).await.into_iter().flatten().collect()
}

/// Reads ARM's list (`values[]`: `version`, `isPreview`,
/// `capabilities.supportPlan`, `patchVersions{}`), oldest minor first.
/// `None` when it lists no version it can read.
pub fn from_arm(body: &Json) -> Option<Vec<KubernetesMinor>> {
    let mut minors: Vec<KubernetesMinor> = body
        .get("values")?
        .as_array()?
        .iter()
        .filter_map(|v| {
            let minor = v.get("version")?.as_str()?.to_string();
            tables::version(&minor)?;
            let mut patches: Vec<String> = v
                .get("patchVersions")
                .and_then(Json::as_object)
                .map(|p| p.keys().filter(|k| tables::version(k).is_some()).cloned().collect())
                .unwrap_or_default();
            patches.sort_by_key(|p| tables::version(p));
            let plans: Vec<&str> = v
                .pointer("/capabilities/supportPlan")
                .and_then(Json::as_array)
                .map(|a| a.iter().filter_map(Json::as_str).collect())
                .unwrap_or_default();
            let lts_only = plans.iter().any(|p| p.eq_ignore_ascii_case("AKSLongTermSupport"))
                && !plans.iter().any(|p| p.eq_ignore_ascii_case("KubernetesOfficial"));
            Some(KubernetesMinor {
                latest_patch: patches.last().cloned().unwrap_or_else(|| minor.clone()),
                minor,
                patches,
                lts_only,
                preview: v.get("isPreview").and_then(Json::as_bool).unwrap_or(false),
            })
        })
        .collect();
    minors.sort_by_key(KubernetesMinor::number);
    (!minors.is_empty()).then_some(minors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Json {
        // The shape of Azure's own REST example
        // (../shared/data/aks-kubernetes-versions.arm-example.json), trimmed.
        serde_json::json!({"values": [
            {"capabilities": {"supportPlan": ["KubernetesOfficial"]},
             "patchVersions": {"1.23.12": {"upgrades": ["1.23.15"]}, "1.23.15": {"upgrades": []}},
             "version": "1.23"},
            {"capabilities": {"supportPlan": ["KubernetesOfficial", "AKSLongTermSupport"]}, "isDefault": true,
             "patchVersions": {"1.24.9": {"upgrades": []}, "1.24.10": {"upgrades": []}}, "version": "1.24"},
            {"capabilities": {"supportPlan": ["AKSLongTermSupport"]},
             "patchVersions": {"1.22.100": {"upgrades": []}}, "version": "1.22"},
            {"capabilities": {"supportPlan": ["KubernetesOfficial"]}, "isPreview": true,
             "patchVersions": {"1.26.0": {"upgrades": []}}, "version": "1.26"}
        ]})
    }

    #[test]
    fn arms_list_is_read_oldest_first() {
        let m = from_arm(&example()).unwrap();
        let labels: Vec<String> = m.iter().map(KubernetesMinor::label).collect();
        assert_eq!(labels, ["1.22 (LTS)", "1.23", "1.24", "1.26 (preview)"]);
        assert_eq!(m[2].latest_patch, "1.24.10");
        assert_eq!(m[2].patches, ["1.24.9", "1.24.10"]);
        assert!(!m[2].lts_only, "offered with and without long-term support");
    }

    #[test]
    fn the_simulations_answer_reads_back_as_the_table() {
        let body = crate::provider::sim::kubernetes_versions_answer(tables::kubernetes_versions());
        assert_eq!(from_arm(&body).as_deref(), Some(tables::kubernetes_versions()));
    }

    #[test]
    fn nonsense_is_no_answer() {
        assert_eq!(from_arm(&serde_json::json!({"values": []})), None);
        assert_eq!(from_arm(&serde_json::json!({"value": [{"version": "1.30"}]})), None);
        assert_eq!(from_arm(&serde_json::json!({"values": [{"version": "latest"}]})), None);
    }
}
