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
//! Each subscription has its own registrations, kept in the store under it.

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

/// `/subscriptions/{s}/providers/{ns}` and `.../features/{name}` paths,
/// parsed: the subscription, then the namespace (and the feature).
pub enum Target {
    Provider(String, String),
    Feature(String, String, String),
}

/// Recognises a registration path (without a trailing action).
pub fn target(path: &str) -> Option<Target> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let is = |s: &str, name: &str| s.eq_ignore_ascii_case(name);
    match parts.as_slice() {
        [s, sub, p, ns] if is(s, "subscriptions") && is(p, "providers") => {
            Some(Target::Provider(canonical(sub), ns.to_string()))
        }
        [s, sub, p, features, p2, ns, f, name]
            if is(s, "subscriptions")
                && is(p, "providers")
                && is(features, "Microsoft.Features")
                && is(p2, "providers")
                && is(f, "features") =>
        {
            Some(Target::Feature(canonical(sub), ns.to_string(), name.to_string()))
        }
        _ => None,
    }
}

fn canonical(sub: &str) -> String {
    super::subscriptions::parse(sub).unwrap_or_else(|_| sub.to_string())
}

fn provider_id(sub: &str, ns: &str) -> String {
    format!("/subscriptions/{sub}/providers/{ns}")
}

fn feature_id(sub: &str, ns: &str, name: &str) -> String {
    format!("/subscriptions/{sub}/providers/Microsoft.Features/providers/{ns}/features/{name}")
}

/// A namespace's registration in subscription `sub`.
pub fn provider_doc(sim: &SimClient, sub: &str, ns: &str) -> Result<Json, ArmError> {
    let id = provider_id(sub, ns);
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

fn feature_doc(sim: &SimClient, sub: &str, ns: &str, name: &str) -> Result<Json, ArmError> {
    let id = feature_id(sub, ns, name);
    if let Some(doc) = sim.store.get(&id).map_err(super::io_error)? {
        return Ok(doc);
    }
    Ok(
        json!({"id": id, "name": format!("{ns}/{name}"), "type": "Microsoft.Features/providers/features", "properties": {"state": "NotRegistered"}}),
    )
}

/// The subscription whose namespaces a path lists (`/subscriptions/{s}/providers`).
pub fn list_of(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        [s, sub, p] if s.eq_ignore_ascii_case("subscriptions") && p.eq_ignore_ascii_case("providers") => {
            Some(canonical(sub))
        }
        _ => None,
    }
}

/// Every namespace the simulation offers in a subscription, with its
/// registration state.
pub fn list(sim: &SimClient, sub: &str) -> Result<ArmResponse, ArmError> {
    let mut names: Vec<String> = REGISTERED_AT_START
        .iter()
        .chain(UNREGISTERED_AT_START.iter())
        .map(|n| n.to_string())
        .collect();
    let under = format!("/subscriptions/{sub}/providers");
    for doc in sim.store.descendants(&under).map_err(super::io_error)? {
        let id = doc.get("id").and_then(Json::as_str).unwrap_or("");
        if let Some(Target::Provider(_, ns)) = target(id) {
            names.push(ns);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    names.retain(|n| seen.insert(n.to_lowercase()));
    let value = names
        .iter()
        .map(|ns| provider_doc(sim, sub, ns))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ArmResponse {
        status: 200,
        body: json!({ "value": value }),
    })
}

pub fn get(sim: &SimClient, t: &Target) -> Result<ArmResponse, ArmError> {
    let body = match t {
        Target::Provider(sub, ns) => provider_doc(sim, sub, ns)?,
        Target::Feature(sub, ns, name) => feature_doc(sim, sub, ns, name)?,
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
        Target::Provider(sub, ns) => (provider_id(sub, ns), provider_doc(sim, sub, ns)?),
        Target::Feature(sub, ns, name) => (feature_id(sub, ns, name), feature_doc(sim, sub, ns, name)?),
    };
    match t {
        Target::Provider(..) => doc["registrationState"] = json!(if on { "Registered" } else { "NotRegistered" }),
        Target::Feature(..) => doc["properties"]["state"] = json!(if on { "Registered" } else { "Unregistered" }),
    }
    sim.store.put(&id, &doc).map_err(super::io_error)?;
    Ok(ArmResponse { status: 200, body: doc })
}

/// Refuses a resource whose namespace its subscription has not registered.
pub fn check_namespace(sim: &SimClient, id: &str) -> Result<(), ArmError> {
    let rtype = arm::resource_type(id);
    let ns = rtype.split('/').next().unwrap_or("");
    let sub = super::subscriptions::segment(id).unwrap_or("");
    let doc = provider_doc(sim, sub, ns)?;
    if doc.get("registrationState").and_then(Json::as_str) == Some("Registered") {
        return Ok(());
    }
    Err(ArmError::new(
        409,
        "MissingSubscriptionRegistration",
        format!("The subscription is not registered to use namespace '{ns}'. See https://aka.ms/rps-not-found for how to register subscriptions."),
    ))
}
