//! Resource provider and preview feature registration, per subscription.
//!
//! `GET /subscriptions/{s}/providers/{ns}`, `POST .../{ns}/register` and
//! `.../unregister`; features at
//! `/subscriptions/{s}/providers/Microsoft.Features/providers/{ns}/features/{name}`
//! with `POST .../register`. A resource of a namespace that is not registered
//! is refused with MissingSubscriptionRegistration, as Azure does. Common
//! namespaces start registered; the ones the seed documents ask people to
//! register (Microsoft.KubernetesConfiguration, Microsoft.Kubernetes) do
//! not, nor do those AKS configurations often use beside a cluster (Log
//! Analytics, Container Insights, Azure Monitor, ACR, Key Vault, Storage),
//! which azurerm's default registration ("legacy") registers by itself.
//!
//! `GET /subscriptions/{s}/providers` lists the namespaces the simulation
//! offers: those that start registered, those it models as starting
//! unregistered, and any registered or unregistered since. A GET on any
//! other namespace still answers (NotRegistered), but a client that goes by
//! the list, as azurerm's automatic registration does, leaves it alone.

use super::SimClient;
use crate::provider::arm::{self, ArmError, ArmResponse};
use serde_json::{json, Value as Json};

const REGISTERED_AT_START: [&str; 8] = [
    "Microsoft.Resources",
    "Microsoft.Authorization",
    "Microsoft.Network",
    "Microsoft.ContainerService",
    "Microsoft.ManagedIdentity",
    "Microsoft.MachineLearningServices",
    "Microsoft.Features",
    "Microsoft.Compute",
];

/// Namespaces the simulation offers that start unregistered.
const UNREGISTERED_AT_START: [&str; 8] = [
    "Microsoft.KubernetesConfiguration",
    "Microsoft.Kubernetes",
    "Microsoft.OperationalInsights",
    "Microsoft.OperationsManagement",
    "microsoft.insights",
    "Microsoft.ContainerRegistry",
    "Microsoft.KeyVault",
    "Microsoft.Storage",
];

/// `/subscriptions/{s}/providers/{ns}` and `.../features/{name}` paths, parsed.
pub enum Target {
    Provider(String),
    Feature(String, String),
}

/// Recognises a registration path (without a trailing action).
pub fn target(sim: &SimClient, path: &str) -> Option<Target> {
    let rest = path.strip_prefix(&format!("/subscriptions/{}/providers/", sim.subscription))?;
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        [ns] => Some(Target::Provider(ns.to_string())),
        ["Microsoft.Features", "providers", ns, "features", name] => {
            Some(Target::Feature(ns.to_string(), name.to_string()))
        }
        _ => None,
    }
}

fn provider_id(sim: &SimClient, ns: &str) -> String {
    format!("/subscriptions/{}/providers/{ns}", sim.subscription)
}

fn feature_id(sim: &SimClient, ns: &str, name: &str) -> String {
    format!(
        "/subscriptions/{}/providers/Microsoft.Features/providers/{ns}/features/{name}",
        sim.subscription
    )
}

pub fn provider_doc(sim: &SimClient, ns: &str) -> Result<Json, ArmError> {
    let id = provider_id(sim, ns);
    if let Some(doc) = sim.store.get(&id).map_err(super::io_error)? {
        return Ok(doc);
    }
    let state = if REGISTERED_AT_START.iter().any(|r| r.eq_ignore_ascii_case(ns)) {
        "Registered"
    } else {
        "NotRegistered"
    };
    Ok(json!({"id": id, "namespace": ns, "registrationState": state, "registrationPolicy": "RegistrationRequired"}))
}

fn feature_doc(sim: &SimClient, ns: &str, name: &str) -> Result<Json, ArmError> {
    let id = feature_id(sim, ns, name);
    if let Some(doc) = sim.store.get(&id).map_err(super::io_error)? {
        return Ok(doc);
    }
    Ok(
        json!({"id": id, "name": format!("{ns}/{name}"), "type": "Microsoft.Features/providers/features", "properties": {"state": "NotRegistered"}}),
    )
}

/// Whether a path is the list of the subscription's namespaces.
pub fn is_list(sim: &SimClient, path: &str) -> bool {
    path.eq_ignore_ascii_case(&format!("/subscriptions/{}/providers", sim.subscription))
}

/// Every namespace the simulation offers, with its registration state.
pub fn list(sim: &SimClient) -> Result<ArmResponse, ArmError> {
    let mut names: Vec<String> = REGISTERED_AT_START
        .iter()
        .chain(UNREGISTERED_AT_START.iter())
        .map(|n| n.to_string())
        .collect();
    let under = format!("/subscriptions/{}/providers", sim.subscription);
    for doc in sim.store.descendants(&under).map_err(super::io_error)? {
        let id = doc.get("id").and_then(Json::as_str).unwrap_or("");
        if let Some(Target::Provider(ns)) = target(sim, id) {
            names.push(ns);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    names.retain(|n| seen.insert(n.to_lowercase()));
    let value = names
        .iter()
        .map(|ns| provider_doc(sim, ns))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ArmResponse {
        status: 200,
        body: json!({ "value": value }),
    })
}

pub fn get(sim: &SimClient, t: &Target) -> Result<ArmResponse, ArmError> {
    let body = match t {
        Target::Provider(ns) => provider_doc(sim, ns)?,
        Target::Feature(ns, name) => feature_doc(sim, ns, name)?,
    };
    Ok(ArmResponse { status: 200, body })
}

/// `register` or `unregister` on a provider or a feature.
pub fn post(sim: &SimClient, t: &Target, action: &str) -> Result<ArmResponse, ArmError> {
    let on = match action {
        "register" => true,
        "unregister" => false,
        other => {
            return Err(ArmError::new(
                404,
                "InvalidResourceType",
                format!("The action '{other}' is not supported."),
            ))
        }
    };
    let (id, mut doc) = match t {
        Target::Provider(ns) => (provider_id(sim, ns), provider_doc(sim, ns)?),
        Target::Feature(ns, name) => (feature_id(sim, ns, name), feature_doc(sim, ns, name)?),
    };
    match t {
        Target::Provider(_) => doc["registrationState"] = json!(if on { "Registered" } else { "NotRegistered" }),
        Target::Feature(..) => doc["properties"]["state"] = json!(if on { "Registered" } else { "Unregistered" }),
    }
    sim.store.put(&id, &doc).map_err(super::io_error)?;
    Ok(ArmResponse { status: 200, body: doc })
}

/// Refuses a resource whose namespace the subscription has not registered.
pub fn check_namespace(sim: &SimClient, id: &str) -> Result<(), ArmError> {
    let rtype = arm::resource_type(id);
    let ns = rtype.split('/').next().unwrap_or("");
    let doc = provider_doc(sim, ns)?;
    if doc.get("registrationState").and_then(Json::as_str) == Some("Registered") {
        return Ok(());
    }
    Err(ArmError::new(
        409,
        "MissingSubscriptionRegistration",
        format!("The subscription is not registered to use namespace '{ns}'. See https://aka.ms/rps-not-found for how to register subscriptions."),
    ))
}
