//! `azurerm_kubernetes_cluster_extension` and its Arc twin: auto-upgrade
//! on unless a version is pinned, updated with a PATCH of what the service
//! lets change, and reinstalled when Azure says its provisioning failed
//! (rule EXT005).

use super::TypeHooks;
use crate::lang::Value;
use serde_json::{json, Value as Json};

pub struct Hooks;

/// What an extension's PATCH may carry (`patchExtension` in the
/// KubernetesConfiguration spec): the rest cannot change in place.
const PATCHABLE: [&str; 6] = [
    "autoUpgradeMode",
    "autoUpgradeMinorVersion",
    "releaseTrain",
    "version",
    "configurationSettings",
    "configurationProtectedSettings",
];

impl TypeHooks for Hooks {
    /// azurerm lets an extension upgrade itself unless a version is pinned.
    fn to_arm(&self, value: &Value, body: &mut Json) {
        let pinned = value.get("version").is_some_and(|v| !v.is_null());
        body["properties"]["autoUpgradeMinorVersion"] = json!(!pinned);
    }

    fn patch(&self, body: &Json) -> Option<Json> {
        let props = body
            .get("properties")
            .and_then(Json::as_object)
            .cloned()
            .unwrap_or_default();
        let kept: serde_json::Map<String, Json> = props
            .into_iter()
            .filter(|(k, _)| PATCHABLE.contains(&k.as_str()))
            .collect();
        Some(json!({ "properties": kept }))
    }

    fn failed(&self, doc: &Json) -> Option<String> {
        let state = doc.pointer("/properties/provisioningState").and_then(Json::as_str)?;
        state
            .eq_ignore_ascii_case("Failed")
            .then(|| "EXT005: its provisioning state in Azure is Failed, so it is reinstalled".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_keeps_what_can_change_and_a_failed_extension_is_said_so() {
        let body = json!({"properties": {"extensionType": "x", "version": "1", "releaseTrain": "Stable"}});
        assert_eq!(
            Hooks.patch(&body),
            Some(json!({"properties": {"version": "1", "releaseTrain": "Stable"}}))
        );
        assert!(Hooks
            .failed(&json!({"properties": {"provisioningState": "Failed"}}))
            .is_some());
        assert!(Hooks
            .failed(&json!({"properties": {"provisioningState": "Succeeded"}}))
            .is_none());
    }
}
