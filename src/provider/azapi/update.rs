//! `azapi_update_resource`: a few properties of a resource managed
//! elsewhere. Applying reads the resource, merges the body into it and
//! PUTs the result, as azapi does; destroying forgets it and leaves the
//! resource as it is. The target is `resource_id`, or `parent_id` and
//! `name`; changing it replaces the instance (a new target).

use super::body::{self, RefreshOptions};
use super::common::*;
use super::ids::{self, TypeRef};
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

/// Checks a configuration as azapi's ValidateConfig does.
pub fn validate(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    diags.extend(body_not_string(config, "body"));
    diags.extend(export_values_ok(config, "response_export_values"));
    if let Err(d) = type_ref(config) {
        diags.push(d);
    }
    let (name, parent, rid) = (
        is_set(config, "name"),
        is_set(config, "parent_id"),
        is_set(config, "resource_id"),
    );
    let invalid = |detail: &str| Diagnostic::error("Invalid configuration").with_detail(detail.to_string());
    if !name && parent {
        diags.push(invalid(
            "The argument \"name\" is required when the argument \"parent_id\" is set",
        ));
    }
    if name && !parent {
        diags.push(invalid(
            "The argument \"parent_id\" is required when the argument \"name\" is set",
        ));
    }
    if !name && !rid {
        diags.push(invalid("One of the arguments \"name\" or \"resource_id\" must be set"));
    }
    if name && rid {
        diags.push(invalid(
            "Only one of the arguments \"name\" or \"resource_id\" can be set",
        ));
    }
    if let Err(e) = Retry::from_config(config) {
        diags.push(Diagnostic::error("Invalid configuration").with_detail(e));
    }
    diags
}

/// The target's id, from `resource_id` or `parent_id` and `name`:
/// `Ok(None)` while it is not known.
fn target(config: &Value, t: Option<&TypeRef>) -> Result<Option<String>, String> {
    let Some(t) = t else { return Ok(None) };
    if let Some(rid) = config.get("resource_id").filter(|v| !v.is_null()) {
        let Some(rid) = rid.as_str().filter(|_| rid.is_known()) else {
            return Ok(None);
        };
        t.check_id(rid)?;
        return Ok(Some(rid.to_string()));
    }
    match (string(config, "parent_id"), string(config, "name")) {
        (Some(p), Some(n)) => t.build_id(p, n).map(Some),
        _ if is_set(config, "name") || is_set(config, "parent_id") => Ok(None),
        _ => Err("One of the arguments \"name\" or \"resource_id\" must be set".into()),
    }
}

/// Plans an `azapi_update_resource`.
pub fn plan(schema: &Schema, prior: Option<&Value>, config: &Value) -> PlanResponse {
    let fail = |d: Diagnostic| PlanResponse {
        planned: Value::Unknown(schema.block.object_type().clone()),
        replace_paths: Vec::new(),
        diags: d.into(),
    };
    if let Some(d) = body_not_string(config, "body") {
        return fail(d);
    }
    if is_set(config, "sensitive_body") {
        return fail(sensitive_body_unsupported());
    }
    let t = match type_ref(config) {
        Ok(t) => t,
        Err(d) => return fail(d),
    };
    let id = match target(config, t.as_ref()) {
        Ok(id) => id,
        Err(e) => return fail(Diagnostic::error("Invalid configuration").with_detail(e)),
    };
    let (parent, name) = match (&id, config.get("resource_id").is_some_and(|v| !v.is_null())) {
        (Some(id), true) => {
            let (p, n) = ids::split_id(id);
            (Value::string(p), Value::string(n))
        }
        (None, true) => (Value::Unknown(Type::String), Value::Unknown(Type::String)),
        (_, false) => (attr(config, "parent_id"), attr(config, "name")),
    };
    let id = id.map_or(Value::Unknown(Type::String), Value::string);

    let mut replace = Vec::new();
    if let Some(p) = prior {
        for (k, now) in [("resource_id", &id), ("parent_id", &parent), ("name", &name)] {
            let before = string(p, k);
            let same = now.is_known() && now.as_str().zip(before).is_some_and(|(a, b)| a.eq_ignore_ascii_case(b));
            if !same {
                replace.push(k.to_string());
            }
        }
    }
    let prior_kept = prior.filter(|_| replace.is_empty());
    let keep = |k: &str, now: Value| match prior_kept.and_then(|p| p.get(k)) {
        Some(p)
            if now.is_known()
                && p.as_str()
                    .zip(now.as_str())
                    .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b)) =>
        {
            p.clone()
        }
        _ => now,
    };

    let mut m = copy_config(schema, config);
    for (k, default) in [("ignore_casing", false), ("ignore_missing_property", true)] {
        m.insert(k.into(), Value::Bool(flag(config, k, default)));
    }
    m.insert("sensitive_body".into(), Value::null());
    m.insert("id".into(), keep("id", id.clone()));
    m.insert("resource_id".into(), keep("resource_id", id));
    m.insert("parent_id".into(), keep("parent_id", parent));
    m.insert("name".into(), keep("name", name));
    let cfg_body = config
        .get("body")
        .filter(|b| !b.is_null())
        .cloned()
        .unwrap_or_else(|| Value::Object(Default::default()));
    let planned_body = match prior_kept.and_then(|p| p.get("body")) {
        Some(pb) if body::same_value(pb, &cfg_body) => pb.clone(),
        _ => cfg_body,
    };
    m.insert("body".into(), planned_body.clone());
    if let (Some(p), Some(rev)) = (
        prior_kept.and_then(|p| p.get("response_export_values")),
        config.get("response_export_values"),
    ) {
        if body::same_value(p, rev) {
            m.insert("response_export_values".into(), p.clone());
        }
    }
    let unchanged = prior_kept.is_some_and(|p| {
        ["body", "type", "response_export_values"].iter().all(|k| {
            let now = m.get(*k).cloned().unwrap_or_else(Value::null);
            now.is_wholly_known() && attr(p, k).same_as(&now)
        })
    });
    let output = match prior_kept {
        Some(p) if unchanged => attr(p, "output"),
        _ => Value::Unknown(Type::Dynamic),
    };
    m.insert("output".into(), output);
    PlanResponse {
        planned: finish(schema, m),
        replace_paths: replace,
        diags: Diagnostics::new(),
    }
}

fn failed(summary: &str, detail: impl Into<String>, value: Option<Value>) -> ApplyResponse {
    ApplyResponse {
        value,
        diags: Diagnostic::error(summary.to_string()).with_detail(detail).into(),
    }
}

/// Reads the target, merges the body into it and PUTs the result.
pub async fn apply<C: ArmClient>(client: &C, schema: &Schema, prior: Option<&Value>, planned: &Value) -> ApplyResponse {
    let t = match string(planned, "type").map(TypeRef::parse) {
        Some(Ok(t)) => t,
        Some(Err(e)) => return failed("Invalid configuration", e, prior.cloned()),
        None => return failed("Cannot apply", "the type is not known", prior.cloned()),
    };
    let id = match target(planned, Some(&t)) {
        Ok(Some(id)) => id,
        Ok(None) => return failed("Cannot apply", "the resource id is not known", prior.cloned()),
        Err(e) => return failed("Invalid configuration", e, prior.cloned()),
    };
    let Some(patch) = json_of(planned, "body") else {
        return failed("Invalid body", "the body is not known", prior.cloned());
    };
    let retry = match Retry::from_config(planned) {
        Ok(r) => r,
        Err(e) => return failed("Invalid configuration", e, prior.cloned()),
    };
    let timeout = timeout(
        planned,
        if prior.is_none() { "create" } else { "update" },
        DEFAULT_TIMEOUT,
    );
    let existing = match send(client, request(Method::Get, &id, &t, None), retry.as_ref(), timeout).await {
        Ok(r) => r.body,
        Err(e) if e.is_not_found() => {
            return failed(
                "Failed to retrieve resource",
                format!("update target does not exist {id}"),
                prior.cloned(),
            )
        }
        Err(e) => {
            return ApplyResponse {
                value: prior.cloned(),
                diags: arm_error(
                    "Failed to retrieve resource",
                    &format!("checking for presence of existing {id}"),
                    &e,
                )
                .into(),
            }
        }
    };
    let mut merged = body::merge(&existing, &patch);
    body::strip_read_only(&mut merged);
    let put = send(
        client,
        request(Method::Put, &id, &t, Some(merged)),
        retry.as_ref(),
        timeout,
    )
    .await;
    if let Err(e) = put {
        return ApplyResponse {
            value: prior.cloned(),
            diags: arm_error("Failed to update resource", &format!("updating {id}"), &e).into(),
        };
    }
    let response = match client.send(request(Method::Get, &id, &t, None)).await {
        Ok(r) => r.body,
        Err(e) if e.is_not_found() => return ApplyResponse::default(),
        Err(e) => {
            return ApplyResponse {
                value: Some(planned.clone()),
                diags: arm_error("Failed to retrieve resource", &format!("reading {id}"), &e).into(),
            }
        }
    };
    let out = match output::build(&response, &attr(planned, "response_export_values"), || {
        output::default_output(&response, Some(&patch))
    }) {
        Ok(o) => o,
        Err(e) => return failed("Failed to build output", e, Some(planned.clone())),
    };
    let (parent, name) = ids::split_id(&id);
    let mut m = planned.as_map().cloned().unwrap_or_default();
    let known_or = |k: &str, v: String| match planned.get(k).filter(|x| x.is_known() && !x.is_null()) {
        Some(x) => x.clone(),
        None => Value::string(v),
    };
    m.insert("id".into(), known_or("id", id.clone()));
    m.insert("resource_id".into(), known_or("resource_id", id.clone()));
    m.insert("parent_id".into(), known_or("parent_id", parent));
    m.insert("name".into(), known_or("name", name));
    m.insert("output".into(), out);
    ApplyResponse {
        value: Some(finish(schema, m)),
        diags: Diagnostics::new(),
    }
}

/// Reads the target: the body keeps only what it sets.
pub async fn read<C: ArmClient>(client: &C, schema: &Schema, prior: &Value) -> ReadResponse {
    let (id, t) = match read_target(prior) {
        Ok(target) => target,
        Err(answer) => return answer,
    };
    let response = match client.send(request(Method::Get, id, &t, None)).await {
        Ok(r) => r.body,
        Err(e) if e.is_not_found() => return ReadResponse::default(),
        Err(e) => {
            return answer(
                Some(prior.clone()),
                arm_error("Failed to retrieve resource", &format!("reading {id}"), &e).into(),
            )
        }
    };
    let mut m = prior.as_map().cloned().unwrap_or_default();
    let written = json_of(prior, "body").unwrap_or_else(|| Json::Object(Default::default()));
    let opts = RefreshOptions {
        ignore_casing: flag(prior, "ignore_casing", false),
        ignore_missing_property: flag(prior, "ignore_missing_property", true),
    };
    if prior.get("body").is_some_and(|b| !b.is_null()) {
        let b = body::refresh(&written, &response, opts);
        m.insert("body".into(), body::with_prior_form(prior.get("body"), &b));
    }
    match output::build(&response, &attr(prior, "response_export_values"), || {
        output::default_output(&response, Some(&written))
    }) {
        Ok(o) => {
            m.insert(
                "output".into(),
                body::with_prior_form(prior.get("output"), &o.to_json()),
            );
        }
        Err(e) => {
            return answer(
                Some(prior.clone()),
                Diagnostic::error("Failed to build output").with_detail(e).into(),
            )
        }
    }
    answer(Some(finish(schema, m)), Diagnostics::new())
}
