//! `azapi_resource_action` (resource and data source): one call on a
//! resource, `{resource_id}/{action}` with `method` (POST by default), such
//! as `listKeys` or `listClusterUserCredential`.
//!
//! The resource calls on create and update when `when = "apply"` (the
//! default), or on destroy when `when = "destroy"`; reading calls nothing.
//! The data source calls whenever it is read. `output` holds what
//! `response_export_values` asks of the answer and `sensitive_output` what
//! `sensitive_response_export_values` asks, marked sensitive.

use super::body;
use super::common::*;
use super::ids::TypeRef;
use super::output;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::types::Type;
use crate::lang::Value;
use crate::provider::arm::{ArmClient, Method};
use crate::provider::protocol::{ApplyResponse, PlanResponse, ReadResponse};
use crate::schema::Schema;
use serde_json::Value as Json;
use std::time::Duration;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);
const METHODS: [&str; 6] = ["POST", "PATCH", "PUT", "DELETE", "GET", "HEAD"];

/// Checks a configuration as azapi's validators do.
pub fn validate(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    diags.extend(body_not_string(config, "body"));
    diags.extend(export_values_ok(config, "response_export_values"));
    diags.extend(export_values_ok(config, "sensitive_response_export_values"));
    if let Err(d) = type_ref(config) {
        diags.push(d);
    }
    if let Some(m) = string(config, "method").filter(|m| !METHODS.contains(m)) {
        diags.push(Diagnostic::error("Invalid Attribute Value Match").with_detail(format!(
            "Attribute method value must be one of: {}, got: {m:?}",
            METHODS.join(", ")
        )));
    }
    if let Some(w) = string(config, "when").filter(|w| !["apply", "destroy"].contains(w)) {
        diags.push(Diagnostic::error("Invalid Attribute Value Match").with_detail(format!(
            "Attribute when value must be one of: \"apply\", \"destroy\", got: {w:?}"
        )));
    }
    if let Err(e) = Retry::from_config(config) {
        diags.push(Diagnostic::error("Invalid configuration").with_detail(e));
    }
    diags
}

/// The action's id: the resource id, with `/{action}` when there is one.
fn action_id(config: &Value) -> Value {
    let (Some(rid), action) = (string(config, "resource_id"), config.get("action")) else {
        return Value::Unknown(Type::String);
    };
    match action {
        Some(a) if !a.is_known() => Value::Unknown(Type::String),
        Some(a) => match a.as_str().filter(|s| !s.is_empty()) {
            Some(a) => Value::string(format!("{rid}/{a}")),
            None => Value::string(rid),
        },
        None => Value::string(rid),
    }
}

/// Plans an `azapi_resource_action`.
pub fn plan(schema: &Schema, prior: Option<&Value>, config: &Value) -> PlanResponse {
    let fail = |d: Diagnostic| PlanResponse {
        planned: Value::Unknown(schema.block.object_type().clone()),
        replace_paths: Vec::new(),
        diags: d.into(),
    };
    if let Some(d) = body_not_string(config, "body") {
        return fail(d);
    }
    match (type_ref(config), string(config, "resource_id")) {
        (Err(d), _) => return fail(d),
        (Ok(Some(t)), Some(rid)) => {
            if let Err(e) = t.check_id(rid) {
                return fail(Diagnostic::error("Invalid configuration").with_detail(e));
            }
        }
        _ => {}
    }
    let mut replace = Vec::new();
    if let Some(p) = prior {
        for k in ["type", "resource_id", "action"] {
            let (before, now) = (attr(p, k), attr(config, k));
            if !now.is_known() || !before.same_as(&now) {
                replace.push(k.to_string());
            }
        }
    }
    let prior_kept = prior.filter(|_| replace.is_empty());
    let mut m = copy_config(schema, config);
    for (k, default) in [("method", "POST"), ("when", "apply")] {
        if !is_set(config, k) {
            m.insert(k.into(), Value::string(default));
        }
    }
    m.insert("id".into(), action_id(config));
    let cfg_body = attr(config, "body");
    let same_body = prior_kept
        .and_then(|p| p.get("body"))
        .is_some_and(|pb| (pb.is_null() && cfg_body.is_null()) || body::same_value(pb, &cfg_body));
    if same_body {
        m.insert(
            "body".into(),
            attr(prior_kept.expect("same_body needs a prior"), "body"),
        );
    }
    let kept = |out: &str, rev: &str| match prior_kept {
        Some(p) if same_body && attr(p, rev).same_as(&attr(config, rev)) => attr(p, out),
        _ => Value::Unknown(Type::Dynamic),
    };
    m.insert("output".into(), kept("output", "response_export_values"));
    m.insert(
        "sensitive_output".into(),
        kept("sensitive_output", "sensitive_response_export_values"),
    );
    PlanResponse {
        planned: finish(schema, m),
        replace_paths: replace,
        diags: Diagnostics::new(),
    }
}

/// Calls the action; the answer's outputs, or an error.
async fn call<C: ArmClient>(client: &C, v: &Value, timeout: Duration) -> Result<(Value, Value), Diagnostic> {
    let invalid = |e: String| Diagnostic::error("Invalid configuration").with_detail(e);
    let t = match string(v, "type").map(TypeRef::parse) {
        Some(Ok(t)) => t,
        Some(Err(e)) => return Err(invalid(e)),
        None => return Err(invalid("the type is not known".into())),
    };
    let Some(rid) = string(v, "resource_id") else {
        return Err(invalid("the resource_id is not known".into()));
    };
    t.check_id(rid).map_err(invalid)?;
    let method = match string(v, "method").unwrap_or("POST") {
        "POST" => Method::Post,
        "PATCH" => Method::Patch,
        "PUT" => Method::Put,
        "DELETE" => Method::Delete,
        "GET" => Method::Get,
        other => return Err(invalid(format!("aksplan cannot send a {other} request"))),
    };
    let action = string(v, "action").unwrap_or("");
    let path = if action.is_empty() {
        rid.to_string()
    } else {
        format!("{rid}/{action}")
    };
    let body = match v.get("body").filter(|b| !b.is_null()) {
        Some(b) => Some(body::to_json(b).ok_or_else(|| invalid("the body is not known".into()))?),
        None => None,
    };
    let retry = Retry::from_config(v).map_err(invalid)?;
    let response = send(client, request(method, path, &t, body), retry.as_ref(), timeout)
        .await
        .map_err(|e| {
            arm_error(
                "Failed to perform action",
                &format!("performing action {action} of {rid:?}"),
                &e,
            )
        })?;
    let answer = if response.body.is_null() {
        Json::Object(Default::default())
    } else {
        response.body
    };
    let empty = || Json::Object(Default::default());
    let build = |rev: &str| {
        output::build(&answer, &attr(v, rev), empty)
            .map_err(|e| Diagnostic::error("Failed to build output").with_detail(e))
    };
    let out = build("response_export_values")?;
    let sensitive = build("sensitive_response_export_values")?;
    Ok((out, sensitive.mark()))
}

/// Creates or updates: calls the action when `when = "apply"`.
pub async fn apply<C: ArmClient>(client: &C, schema: &Schema, prior: Option<&Value>, planned: &Value) -> ApplyResponse {
    let mut m = planned.as_map().cloned().unwrap_or_default();
    if m.get("id").is_none_or(|id| !id.is_known() || id.is_null()) {
        m.insert("id".into(), action_id(planned));
    }
    if string(planned, "when").unwrap_or("apply") == "apply" {
        let op = if prior.is_none() { "create" } else { "update" };
        match call(client, planned, timeout(planned, op, DEFAULT_TIMEOUT)).await {
            Ok((out, sensitive)) => {
                m.insert("output".into(), out);
                m.insert("sensitive_output".into(), sensitive);
            }
            Err(d) => {
                return ApplyResponse {
                    value: prior.cloned(),
                    diags: d.into(),
                }
            }
        }
    } else {
        // Nothing is called until destroy: no outputs yet.
        for k in ["output", "sensitive_output"] {
            if m.get(k).is_none_or(|v| !v.is_wholly_known()) {
                m.insert(k.into(), Value::Null(Type::Dynamic));
            }
        }
    }
    ApplyResponse {
        value: Some(finish(schema, m)),
        diags: Diagnostics::new(),
    }
}

/// Destroys: calls the action when `when = "destroy"`.
pub async fn delete<C: ArmClient>(client: &C, prior: &Value) -> ApplyResponse {
    if string(prior, "when") != Some("destroy") {
        return ApplyResponse::default();
    }
    match call(client, prior, timeout(prior, "delete", DEFAULT_TIMEOUT)).await {
        Ok(_) => ApplyResponse::default(),
        Err(d) => ApplyResponse {
            value: Some(prior.clone()),
            diags: d.into(),
        },
    }
}

/// Reading calls nothing: the state stands.
pub fn read(prior: &Value) -> ReadResponse {
    let mut v = prior.clone();
    if let Some(m) = v.as_map_mut() {
        if m.get("when").is_none_or(Value::is_null) {
            m.insert("when".into(), Value::string("apply"));
        }
    }
    answer(Some(v), Diagnostics::new())
}

/// `data "azapi_resource_action"`: calls the action now.
pub async fn read_data<C: ArmClient>(client: &C, schema: &Schema, config: &Value) -> ReadResponse {
    let needed = ["type", "resource_id", "action", "method", "body"];
    if needed
        .iter()
        .any(|k| config.get(k).is_some_and(|v| !v.is_wholly_known()))
    {
        return answer(
            Some(Value::Unknown(schema.block.object_type().clone())),
            Diagnostics::new(),
        );
    }
    if let Some(d) = body_not_string(config, "body") {
        return answer(None, d.into());
    }
    let mut m = copy_config(schema, config);
    m.insert(
        "method".into(),
        Value::string(string(config, "method").unwrap_or("POST")),
    );
    m.insert("id".into(), action_id(config));
    match call(client, config, timeout(config, "read", Duration::from_secs(5 * 60))).await {
        Ok((out, sensitive)) => {
            m.insert("output".into(), out);
            m.insert("sensitive_output".into(), sensitive);
            answer(Some(finish(schema, m)), Diagnostics::new())
        }
        Err(d) => answer(None, d.into()),
    }
}
