//! `data azurerm_kubernetes_service_versions`: the Kubernetes versions AKS
//! offers in a location.
//!
//! azurerm 4.65 asks the older orchestrators API
//! (`.../locations/{location}/orchestrators?resource-type=managedClusters`,
//! api-version 2019-08-01); aksplan asks ManagedClusters_ListKubernetesVersions
//! (`.../locations/{location}/kubernetesVersions`), which the simulation
//! answers and which holds the same facts: every patch of every minor, and
//! which minors are previews or the default. As azurerm reads its answer:
//! `versions` lists the patches that start with `version_prefix` (previews
//! only with `include_preview`), `latest_version` is the highest of them
//! and `default_version` the highest of the default minor's, each `0.0.0`
//! when there is none; the id is the location's.

use super::super::arm_diagnostic;
use crate::config::tables;
use crate::diag::Diagnostic;
use crate::lang::types::Type;
use crate::lang::value::Map;
use crate::lang::Value;
use crate::provider::arm::{normalize_location, ArmClient, ArmRequest, Method};
use crate::provider::protocol::ReadResponse;
use serde_json::Value as Json;

/// The api-version of the versions list (its example's).
pub const API_VERSION: &str = "2025-10-01";

/// What azurerm reports when nothing matches.
const NONE: &str = "0.0.0";

/// A version, as [`tables::version`] reads it.
type Version = (u64, u64, u64);

/// The versions, the latest and the default, from a versions answer.
pub fn pick(answer: &Json, prefix: &str, include_preview: bool) -> (Vec<String>, String, String) {
    let mut versions = Vec::new();
    let (mut latest, mut default): (Option<Version>, Option<Version>) = (None, None);
    let (mut latest_s, mut default_s) = (NONE.to_string(), NONE.to_string());
    for minor in answer.get("values").and_then(Json::as_array).into_iter().flatten() {
        let flag = |k: &str| minor.get(k).and_then(Json::as_bool) == Some(true);
        if flag("isPreview") && !include_preview {
            continue;
        }
        let mut patches: Vec<&String> = minor
            .get("patchVersions")
            .and_then(Json::as_object)
            .map(|p| p.keys().collect())
            .unwrap_or_default();
        patches.sort_by_key(|p| tables::version(p));
        for patch in patches.into_iter().filter(|p| p.starts_with(prefix)) {
            versions.push(patch.clone());
            let Some(v) = tables::version(patch) else { continue };
            if latest.is_none_or(|l| v > l) {
                (latest, latest_s) = (Some(v), patch.clone());
            }
            if flag("isDefault") && default.is_none_or(|d| v > d) {
                (default, default_s) = (Some(v), patch.clone());
            }
        }
    }
    (versions, latest_s, default_s)
}

/// Reads the data source for its configuration.
pub async fn read<C: ArmClient>(client: &C, config: &Value, subscription: &str) -> ReadResponse {
    let text = |k: &str| config.get(k).and_then(|v| v.inner().as_str()).map(str::to_string);
    let Some(location) = text("location").map(|l| normalize_location(&l)) else {
        return ReadResponse::error(Diagnostic::error("location is required"));
    };
    let prefix = text("version_prefix").unwrap_or_default();
    let include_preview = config
        .get("include_preview")
        .and_then(|v| v.inner().as_bool())
        .unwrap_or(true);
    let id = format!("/subscriptions/{subscription}/providers/Microsoft.ContainerService/locations/{location}");
    let req = ArmRequest {
        method: Method::Get,
        path: format!("{id}/kubernetesVersions"),
        api_version: API_VERSION.to_string(),
        body: None,
    };
    let answer = match client.send(req).await {
        Ok(r) => r.body,
        Err(e) if e.is_not_found() => {
            return ReadResponse::error(Diagnostic::error(format!(
                "no Kubernetes Service versions found for location {location:?}"
            )))
        }
        Err(e) => return ReadResponse::error(arm_diagnostic(&e)),
    };
    let (versions, latest, default) = pick(&answer, &prefix, include_preview);
    let out = Map::from([
        ("id".to_string(), Value::String(id)),
        ("location".to_string(), Value::String(location)),
        (
            "version_prefix".to_string(),
            config
                .get("version_prefix")
                .cloned()
                .unwrap_or(Value::Null(Type::String)),
        ),
        ("include_preview".to_string(), Value::Bool(include_preview)),
        (
            "versions".to_string(),
            Value::List(Type::String, versions.into_iter().map(Value::String).collect()),
        ),
        ("latest_version".to_string(), Value::String(latest)),
        ("default_version".to_string(), Value::String(default)),
        (
            "timeouts".to_string(),
            config.get("timeouts").cloned().unwrap_or_default(),
        ),
    ]);
    ReadResponse::found(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer() -> Json {
        json!({"values": [
            {"version": "1.33", "patchVersions": {"1.33.10": {}, "1.33.9": {}}},
            {"version": "1.34", "isDefault": true, "patchVersions": {"1.34.7": {}, "1.34.10": {}}},
            {"version": "1.35", "isPreview": true, "patchVersions": {"1.35.1": {}}},
        ]})
    }

    #[test]
    fn versions_latest_and_default_as_azurerm_reads_them() {
        let (v, latest, default) = pick(&answer(), "", true);
        assert_eq!(v, ["1.33.9", "1.33.10", "1.34.7", "1.34.10", "1.35.1"]);
        assert_eq!((latest.as_str(), default.as_str()), ("1.35.1", "1.34.10"));
        let (v, latest, _) = pick(&answer(), "", false);
        assert_eq!((v.len(), latest.as_str()), (4, "1.34.10"), "previews left out");
        let (v, latest, default) = pick(&answer(), "1.33", true);
        assert_eq!(v, ["1.33.9", "1.33.10"]);
        assert_eq!(
            (latest.as_str(), default.as_str()),
            ("1.33.10", "0.0.0"),
            "no default minor matches"
        );
        let (v, latest, default) = pick(&json!({"values": []}), "", true);
        assert!(v.is_empty());
        assert_eq!((latest.as_str(), default.as_str()), ("0.0.0", "0.0.0"));
    }
}
