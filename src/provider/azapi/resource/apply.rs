//! Applying an `azapi_resource`: a PUT of the body with `location`,
//! `tags` and `identity` merged in, then a GET for `output`; a DELETE to
//! destroy.

use super::DEFAULT_TIMEOUT;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::types::Type;
use crate::lang::Value;
use crate::provider::arm::{ArmClient, Method};
use crate::provider::azapi::body;
use crate::provider::azapi::common::*;
use crate::provider::azapi::ids::TypeRef;
use crate::provider::azapi::output;
use crate::provider::protocol::ApplyResponse;
use crate::schema::Schema;
use serde_json::Value as Json;

/// The body sent to Azure: the planned body with `location`, `tags` and
/// `identity` merged in where the body does not set them.
fn request_body(planned: &Value, prior: Option<&Value>) -> Result<Json, String> {
    let Some(mut b) = json_of(planned, "body") else {
        return Err("the body is not known".into());
    };
    let Some(m) = b.as_object_mut() else {
        return Err("the body must be an object".into());
    };
    if let Some(l) = string(planned, "location").filter(|l| !l.is_empty()) {
        m.entry("location").or_insert_with(|| Json::String(l.to_string()));
    }
    if let Some(t) = json_of(planned, "tags").filter(|t| t.as_object().is_some_and(|o| !o.is_empty())) {
        m.entry("tags").or_insert(t);
    }
    let identity = planned
        .get("identity")
        .and_then(Value::as_seq)
        .and_then(<[Value]>::first);
    if let Some(i) = identity.and_then(expand_identity) {
        m.entry("identity").or_insert(i);
    } else if prior.is_some() && !m.contains_key("identity") {
        // An identity once set and now removed: Azure removes it on `None`.
        let before = prior
            .and_then(|p| p.get("identity"))
            .and_then(Value::as_seq)
            .and_then(<[Value]>::first);
        if before
            .and_then(|i| i.get("type"))
            .and_then(Value::as_str)
            .is_some_and(|t| !t.eq_ignore_ascii_case("None"))
        {
            m.insert("identity".into(), serde_json::json!({"type": "None"}));
        }
    }
    if flag(planned, "ignore_null_property", false) {
        body::remove_nulls(&mut b);
    }
    Ok(b)
}

fn failed(summary: &str, detail: impl Into<String>, value: Option<Value>) -> ApplyResponse {
    ApplyResponse {
        value,
        diags: Diagnostic::error(summary.to_string()).with_detail(detail).into(),
    }
}

/// The planned value completed from Azure's answer: id, output, and what
/// Azure assigns an identity.
fn settle_applied(schema: &Schema, planned: &Value, id: &str, response: &Json) -> Result<Value, String> {
    let mut m = planned.as_map().cloned().unwrap_or_default();
    m.insert("id".into(), Value::string(id));
    m.insert("sensitive_body".into(), Value::null());
    let written = json_of(planned, "body");
    let out = output::build(response, &attr(planned, "response_export_values"), || {
        output::default_output(response, written.as_ref())
    })?;
    m.insert("output".into(), out);
    if let Some(items) = planned
        .get("identity")
        .and_then(Value::as_seq)
        .filter(|s| !s.is_empty())
    {
        let from = response.get("identity").and_then(flatten_identity);
        let filled: Vec<Value> = items
            .iter()
            .map(|i| {
                let mut im = i.as_map().cloned().unwrap_or_default();
                for k in ["principal_id", "tenant_id"] {
                    let v = from.as_ref().and_then(|f| f.get(k)).cloned();
                    im.insert(k.into(), v.unwrap_or(Value::Null(Type::String)));
                }
                Value::Object(im)
            })
            .collect();
        m.insert("identity".into(), Value::list(filled));
    }
    Ok(finish(schema, m))
}

/// Creates or updates the resource to its planned value.
pub async fn apply<C: ArmClient>(client: &C, schema: &Schema, prior: Option<&Value>, planned: &Value) -> ApplyResponse {
    let t = match string(planned, "type").map(TypeRef::parse) {
        Some(Ok(t)) => t,
        Some(Err(e)) => return failed("Invalid configuration", e, prior.cloned()),
        None => return failed("Cannot apply", "the type is not known", prior.cloned()),
    };
    let id = match (
        string(planned, "id"),
        string(planned, "parent_id"),
        string(planned, "name"),
    ) {
        (Some(id), _, _) => id.to_string(),
        (None, Some(p), Some(n)) => match t.build_id(p, n) {
            Ok(id) => id,
            Err(e) => return failed("Invalid configuration", e, prior.cloned()),
        },
        _ => return failed("Cannot apply", "the resource id is not known", prior.cloned()),
    };
    let body = match request_body(planned, prior) {
        Ok(b) => b,
        Err(e) => return failed("Invalid body", e, prior.cloned()),
    };
    let retry = match Retry::from_config(planned) {
        Ok(r) => r,
        Err(e) => return failed("Invalid configuration", e, prior.cloned()),
    };
    let create = prior.is_none();
    let timeout = timeout(planned, if create { "create" } else { "update" }, DEFAULT_TIMEOUT);
    if create {
        match client.send(request(Method::Get, &id, &t, None)).await {
            Ok(_) => {
                return failed(
                    "Resource already exists",
                    format!("A resource with the ID {id:?} already exists - to be managed via Terraform this resource needs to be imported into the State."),
                    None,
                )
            }
            Err(e) if e.is_not_found() => {}
            Err(e) => {
                return ApplyResponse {
                    value: None,
                    diags: arm_error("Failed to retrieve resource", &format!("checking for presence of existing {id}"), &e).into(),
                }
            }
        }
    }
    let put = send(
        client,
        request(Method::Put, &id, &t, Some(body)),
        retry.as_ref(),
        timeout,
    )
    .await;
    if let Err(e) = put {
        let mut diags: Diagnostics = arm_error(
            "Failed to create/update resource",
            &format!("creating/updating {id}"),
            &e,
        )
        .into();
        // A create that failed may still have left the resource: keep track of it.
        let value = match prior {
            Some(p) => Some(p.clone()),
            None => match client.send(request(Method::Get, &id, &t, None)).await {
                Ok(r) => match settle_applied(schema, planned, &id, &r.body) {
                    Ok(v) => Some(v),
                    Err(e) => {
                        diags.push(Diagnostic::error("Failed to build output").with_detail(e));
                        None
                    }
                },
                Err(_) => None,
            },
        };
        return ApplyResponse { value, diags };
    }
    let response = match send(client, request(Method::Get, &id, &t, None), retry.as_ref(), timeout).await {
        Ok(r) => r.body,
        Err(e) if e.is_not_found() => return ApplyResponse::default(),
        Err(e) => {
            return ApplyResponse {
                value: Some(planned.clone()),
                diags: arm_error("Failed to retrieve resource", &format!("reading {id}"), &e).into(),
            }
        }
    };
    match settle_applied(schema, planned, &id, &response) {
        Ok(v) => ApplyResponse {
            value: Some(v),
            diags: Diagnostics::new(),
        },
        Err(e) => failed("Failed to build output", e, Some(planned.clone())),
    }
}

/// Deletes the resource.
pub async fn delete<C: ArmClient>(client: &C, prior: &Value) -> ApplyResponse {
    let (Some(id), Some(t)) = (
        string(prior, "id"),
        string(prior, "type").and_then(|t| TypeRef::parse(t).ok()),
    ) else {
        return ApplyResponse::default();
    };
    let retry = Retry::from_config(prior).ok().flatten();
    let timeout = timeout(prior, "delete", DEFAULT_TIMEOUT);
    match send(client, request(Method::Delete, id, &t, None), retry.as_ref(), timeout).await {
        Ok(_) => ApplyResponse::default(),
        Err(e) if e.is_not_found() => ApplyResponse::default(),
        Err(e) => ApplyResponse {
            value: Some(prior.clone()),
            diags: arm_error("Failed to delete resource", &format!("deleting {id}"), &e).into(),
        },
    }
}
