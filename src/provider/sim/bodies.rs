//! What Azure Resource Manager checks of a PUT or PATCH body before a
//! resource provider sees it: a JSON object, whose envelope properties
//! (`location`, `tags`, `identity`, `sku`, `properties`, ...) have the
//! types ARM's resource definition gives them, and a `location` for a
//! tracked resource. Then what a resource provider would refuse to
//! deserialize: the nested properties the simulation's rules build on,
//! each of the JSON type the REST API spec gives it ([`SHAPES`]).
//!
//! Refusals are ARM's: 400 `InvalidRequestContent` for a body that does not
//! deserialize, 400 `LocationRequired` for a tracked resource without a
//! location. It judges bodies only; it must not read the store.

use crate::provider::arm::{self, ArmError};
use serde_json::Value as Json;

/// A JSON type, as a body's property must have it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Object,
    String,
    /// An array whose items are objects.
    Objects,
    /// An array whose items are strings.
    Strings,
}

impl Kind {
    fn holds(self, v: &Json) -> bool {
        match self {
            Kind::Object => v.is_object(),
            Kind::String => v.is_string(),
            Kind::Objects => v.as_array().is_some_and(|a| a.iter().all(Json::is_object)),
            Kind::Strings => v.as_array().is_some_and(|a| a.iter().all(Json::is_string)),
        }
    }

    fn says(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::String => "a string",
            Kind::Objects => "an array of objects",
            Kind::Strings => "an array of strings",
        }
    }
}

/// ARM's resource definition: the envelope every resource type shares.
const ENVELOPE: &[(&str, Kind)] = &[
    ("location", Kind::String),
    ("tags", Kind::Object),
    ("identity", Kind::Object),
    ("sku", Kind::Object),
    ("plan", Kind::Object),
    ("extendedLocation", Kind::Object),
    ("properties", Kind::Object),
    ("kind", Kind::String),
    ("managedBy", Kind::String),
    ("zones", Kind::Strings),
];

/// Nested properties per resource type (lower case), dot-separated, with
/// the type each type's REST API spec gives them; `[]` steps into each item
/// of an array. Only properties the simulation reads or fills in are named:
/// a body that has another type there would not deserialize in Azure
/// either, and the simulation must not build on it.
const SHAPES: &[(&str, &[(&str, Kind)])] = &[
    (
        "microsoft.containerservice/managedclusters",
        &[
            ("identity.userAssignedIdentities", Kind::Object),
            ("properties.agentPoolProfiles", Kind::Objects),
            ("properties.networkProfile", Kind::Object),
            ("properties.apiServerAccessProfile", Kind::Object),
            ("properties.servicePrincipalProfile", Kind::Object),
            ("properties.windowsProfile", Kind::Object),
            ("properties.identityProfile", Kind::Object),
            ("properties.addonProfiles", Kind::Object),
            ("properties.oidcIssuerProfile", Kind::Object),
            ("properties.securityProfile", Kind::Object),
            ("properties.aadProfile", Kind::Object),
            ("properties.autoUpgradeProfile", Kind::Object),
            ("properties.workloadAutoScalerProfile", Kind::Object),
            ("properties.azureMonitorProfile", Kind::Object),
            ("properties.storageProfile", Kind::Object),
        ],
    ),
    (
        "microsoft.machinelearningservices/workspaces/computes",
        &[("properties.properties", Kind::Object)],
    ),
];

fn kind_of(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

fn not_deserialized(what: impl std::fmt::Display) -> ArmError {
    ArmError::new(
        400,
        "InvalidRequestContent",
        format!("The request content was invalid and could not be deserialized: {what}"),
    )
}

/// Refuses a body that is not a JSON object, or whose envelope properties
/// are not of ARM's types. `null` stands for a property left out.
pub fn check_envelope(body: Option<&Json>) -> Result<(), ArmError> {
    let Some(body) = body else {
        return Err(not_deserialized(
            "the request content is empty; a JSON object is required.",
        ));
    };
    let Some(obj) = body.as_object() else {
        return Err(not_deserialized(format!(
            "a JSON object is required, not {}.",
            kind_of(body)
        )));
    };
    for (key, kind) in ENVELOPE {
        // ARM reads property names without regard to case.
        for (k, v) in obj.iter().filter(|(k, _)| k.eq_ignore_ascii_case(key)) {
            if !v.is_null() && !kind.holds(v) {
                return Err(not_deserialized(format!(
                    "'{k}' must be {}, not {}.",
                    kind.says(),
                    kind_of(v)
                )));
            }
        }
    }
    if let Some(tags) = obj.get("tags").and_then(Json::as_object) {
        if let Some((k, v)) = tags.iter().find(|(_, v)| !(v.is_string() || v.is_null())) {
            return Err(not_deserialized(format!(
                "the value of tag '{k}' must be a string, not {}.",
                kind_of(v)
            )));
        }
    }
    Ok(())
}

/// Refuses a body whose nested properties are not of the type `id`'s
/// resource type gives them.
pub fn check_shape(id: &str, body: &Json) -> Result<(), ArmError> {
    let rtype = arm::resource_type(id).to_ascii_lowercase();
    let Some((_, paths)) = SHAPES.iter().find(|(t, _)| *t == rtype) else {
        return Ok(());
    };
    for (path, kind) in *paths {
        if let Some(v) = at(body, path).filter(|v| !v.is_null()) {
            if !kind.holds(v) {
                return Err(not_deserialized(format!(
                    "'{path}' must be {}, not {}.",
                    kind.says(),
                    kind_of(v)
                )));
            }
        }
    }
    Ok(())
}

fn at<'j>(doc: &'j Json, path: &str) -> Option<&'j Json> {
    path.split('.').try_fold(doc, |d, k| d.get(k))
}

/// The resource types ARM tracks by location: each one's REST API spec
/// makes it a TrackedResource (or, in Microsoft.Network's older specs, a
/// resource its manifest places in a region, `global` for private DNS), so
/// a PUT must name a location.
const TRACKED: &[&str] = &[
    "microsoft.resources/resourcegroups",
    "microsoft.network/virtualnetworks",
    "microsoft.network/networksecuritygroups",
    "microsoft.network/routetables",
    "microsoft.network/publicipaddresses",
    "microsoft.network/natgateways",
    "microsoft.network/privateendpoints",
    "microsoft.network/privatednszones",
    "microsoft.network/privatednszones/virtualnetworklinks",
    "microsoft.containerservice/managedclusters",
    "microsoft.managedidentity/userassignedidentities",
    "microsoft.storage/storageaccounts",
    "microsoft.keyvault/vaults",
    "microsoft.containerregistry/registries",
    "microsoft.containerregistry/registries/replications",
    "microsoft.operationalinsights/workspaces",
    "microsoft.dashboard/grafana",
    "microsoft.monitor/accounts",
    "microsoft.insights/datacollectionrules",
    "microsoft.machinelearningservices/workspaces",
    "microsoft.kubernetes/connectedclusters",
];

/// Refuses a tracked resource without a location, as ARM does.
pub fn require_location(id: &str, body: &Json) -> Result<(), ArmError> {
    let rtype = arm::resource_type(id).to_ascii_lowercase();
    if !TRACKED.contains(&rtype.as_str()) {
        return Ok(());
    }
    match body.get("location").and_then(Json::as_str) {
        Some(l) if !l.trim().is_empty() => Ok(()),
        _ => Err(ArmError::new(
            400,
            "LocationRequired",
            "The location property is required for this definition.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const RG: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg";

    fn code(r: Result<(), ArmError>) -> Option<String> {
        r.err().map(|e| {
            assert_eq!(e.status, 400);
            e.code
        })
    }

    #[test]
    fn a_body_is_a_json_object() {
        for body in [
            json!([]),
            json!([{"location": "x"}]),
            json!(1),
            json!(1e300),
            json!("s"),
            json!(true),
            Json::Null,
        ] {
            let e = check_envelope(Some(&body)).unwrap_err();
            assert_eq!(e.code, "InvalidRequestContent", "{body}");
            assert!(e.message.contains("JSON object is required"), "{}", e.message);
        }
        assert_eq!(code(check_envelope(None)).as_deref(), Some("InvalidRequestContent"));
        assert_eq!(code(check_envelope(Some(&json!({})))), None);
    }

    #[test]
    fn envelope_properties_have_arms_types() {
        let ok = json!({"location": "westeurope", "tags": {"a": "b", "n": null}, "identity": {"type": "SystemAssigned"},
            "sku": {"name": "Standard"}, "properties": {}, "kind": "StorageV2", "zones": ["1", "2"], "other": [1]});
        assert_eq!(code(check_envelope(Some(&ok))), None);
        for bad in [
            json!({"location": 1}),
            json!({"location": {}}),
            json!({"tags": []}),
            json!({"tags": {"a": 1}}),
            json!({"tags": {"a": {"b": "c"}}}),
            json!({"identity": "SystemAssigned"}),
            json!({"Identity": []}),
            json!({"sku": "Standard"}),
            json!({"properties": [1, 2]}),
            json!({"properties": "x"}),
            json!({"zones": "1"}),
            json!({"zones": [1]}),
            json!({"kind": {}}),
        ] {
            let e = check_envelope(Some(&bad)).unwrap_err();
            assert_eq!(e.code, "InvalidRequestContent", "{bad}");
        }
        // null stands for a property left out.
        assert_eq!(
            code(check_envelope(Some(&json!({"properties": null, "tags": null})))),
            None
        );
    }

    #[test]
    fn nested_properties_have_the_specs_types() {
        let aks = format!("{RG}/providers/Microsoft.ContainerService/managedClusters/k");
        assert_eq!(
            code(check_shape(
                &aks,
                &json!({"properties": {"agentPoolProfiles": [{"name": "s"}], "networkProfile": {}}})
            )),
            None
        );
        for bad in [
            json!({"properties": {"agentPoolProfiles": {"name": "s"}}}),
            json!({"properties": {"agentPoolProfiles": [1]}}),
            json!({"properties": {"networkProfile": "azure"}}),
            json!({"identity": {"userAssignedIdentities": ["/id"]}}),
        ] {
            assert_eq!(
                code(check_shape(&aks, &bad)).as_deref(),
                Some("InvalidRequestContent"),
                "{bad}"
            );
        }
        // Types without a table take what ARM's envelope allows.
        let vnet = format!("{RG}/providers/Microsoft.Network/virtualNetworks/v");
        assert_eq!(code(check_shape(&vnet, &json!({"properties": {"x": [1]}}))), None);
    }

    #[test]
    fn tracked_resources_need_a_location() {
        for t in [
            "Microsoft.Network/virtualNetworks/v",
            "Microsoft.ContainerService/managedClusters/k",
            "Microsoft.KeyVault/vaults/kv",
        ] {
            let id = format!("{RG}/providers/{t}");
            assert_eq!(
                code(require_location(&id, &json!({"properties": {}}))).as_deref(),
                Some("LocationRequired"),
                "{t}"
            );
            assert_eq!(
                code(require_location(&id, &json!({"location": " "}))).as_deref(),
                Some("LocationRequired"),
                "{t}"
            );
            assert_eq!(
                code(require_location(&id, &json!({"location": "westeurope"}))),
                None,
                "{t}"
            );
        }
        let e = require_location(RG, &json!({})).unwrap_err();
        assert_eq!(e.message, "The location property is required for this definition.");
        // A child, a proxy resource, has no location of its own.
        let subnet = format!("{RG}/providers/Microsoft.Network/virtualNetworks/v/subnets/s");
        assert_eq!(code(require_location(&subnet, &json!({}))), None);
        let ra = format!("{RG}/providers/Microsoft.Authorization/roleAssignments/9a2a8b7e-5c1d-4b3a-8f6e-0d1c2b3a4f5e");
        assert_eq!(code(require_location(&ra, &json!({}))), None);
    }
}
