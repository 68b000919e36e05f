//! `azurerm_resource_provider_registration`: registering a namespace and its
//! preview features is done with actions (`POST .../register`), not PUTs.

use super::super::arm_diagnostic;
use crate::lang::value::Map;
use crate::lang::Value;
use crate::provider::arm::{ArmClient, ArmRequest, Method};
use crate::provider::protocol::{ApplyResponse, ReadResponse};
use crate::schema::Schema;
use serde_json::Value as Json;

const FEATURES_API: &str = "2015-12-01";

fn request(method: Method, path: String, api_version: &str) -> ArmRequest {
    ArmRequest {
        method,
        path,
        api_version: api_version.to_string(),
        body: None,
    }
}

fn feature_path(sub: &str, ns: &str, feature: &str) -> String {
    format!("/subscriptions/{sub}/providers/Microsoft.Features/providers/{ns}/features/{feature}")
}

fn features_of(v: &Value) -> Vec<(String, bool)> {
    v.get("feature")
        .and_then(Value::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|f| Some((f.get("name")?.as_str()?.to_string(), f.get("registered")?.as_bool()?)))
        .collect()
}

pub async fn read<C: ArmClient>(client: &C, sub: &str, schema: &Schema, prior: &Value) -> ReadResponse {
    let api = schema.arm.as_ref().map_or("", |a| a.api_version.as_str());
    let (Some(id), Some(ns)) = (
        prior.get("id").and_then(Value::as_str),
        prior.get("name").and_then(Value::as_str),
    ) else {
        return ReadResponse::default();
    };
    let provider = match client.send(request(Method::Get, id.to_string(), api)).await {
        Ok(r) => r.body,
        Err(e) => return ReadResponse::error(arm_diagnostic(&e)),
    };
    if provider.get("registrationState").and_then(Json::as_str) != Some("Registered") {
        return ReadResponse::default();
    }
    let mut features = Vec::new();
    for (name, _) in features_of(prior) {
        let path = feature_path(sub, ns, &name);
        let state = match client.send(request(Method::Get, path, FEATURES_API)).await {
            Ok(r) => r
                .body
                .pointer("/properties/state")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string(),
            Err(e) => return ReadResponse::error(arm_diagnostic(&e)),
        };
        features.push(Value::Object(Map::from([
            ("name".into(), Value::String(name)),
            (
                "registered".into(),
                Value::Bool(state.eq_ignore_ascii_case("Registered")),
            ),
        ])));
    }
    let value = Value::Object(Map::from([
        ("id".into(), Value::string(id)),
        ("name".into(), Value::string(ns)),
        ("feature".into(), Value::set(features)),
    ]));
    ReadResponse::found(value)
}

pub async fn apply<C: ArmClient>(client: &C, sub: &str, schema: &Schema, planned: &Value) -> ApplyResponse {
    let api = schema.arm.as_ref().map_or("", |a| a.api_version.as_str());
    let (Some(id), Some(ns)) = (
        planned.get("id").and_then(Value::as_str),
        planned.get("name").and_then(Value::as_str),
    ) else {
        return ApplyResponse::default();
    };
    if let Err(e) = client.send(request(Method::Post, format!("{id}/register"), api)).await {
        return ApplyResponse {
            value: None,
            diags: arm_diagnostic(&e).into(),
        };
    }
    for (name, on) in features_of(planned) {
        let action = if on { "register" } else { "unregister" };
        let path = format!("{}/{action}", feature_path(sub, ns, &name));
        if let Err(e) = client.send(request(Method::Post, path, FEATURES_API)).await {
            return ApplyResponse {
                value: None,
                diags: arm_diagnostic(&e).into(),
            };
        }
    }
    let r = read(client, sub, schema, planned).await;
    ApplyResponse {
        value: r.value,
        diags: r.diags,
    }
}

pub async fn delete<C: ArmClient>(client: &C, _sub: &str, schema: &Schema, prior: &Value) -> ApplyResponse {
    let api = schema.arm.as_ref().map_or("", |a| a.api_version.as_str());
    let Some(id) = prior.get("id").and_then(Value::as_str) else {
        return ApplyResponse::default();
    };
    match client
        .send(request(Method::Post, format!("{id}/unregister"), api))
        .await
    {
        Ok(_) => ApplyResponse::default(),
        Err(e) => ApplyResponse {
            value: Some(prior.clone()),
            diags: arm_diagnostic(&e).into(),
        },
    }
}
