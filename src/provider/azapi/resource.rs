//! `azapi_resource`: any ARM resource, its body passed through.
//!
//! - Plan: the id is built from `parent_id`, `type` and `name`; changing the
//!   resource type, the parent, the name or the location (as Azure
//!   normalises it) replaces the resource, changing the api-version does
//!   not. A body equal to the one in state up to what Azure normalises
//!   keeps the state's form. `output` is unknown whenever what decides it
//!   changes.
//! - Apply: a PUT of the body with `location`, `tags` and `identity`
//!   merged in, then a GET for `output`. A create first checks that nothing
//!   exists at the id, as azapi does.
//! - Read: a GET; the body in state keeps only what the configuration sets,
//!   so drift is limited to those properties (and a property Azure does not
//!   return stays as written while `ignore_missing_property` is on).

use super::body::{self, RefreshOptions};
use super::check::KnownProperties;
use super::common::*;
use super::ids::{self, TypeRef};
use super::output;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::types::Type;
use crate::lang::value::Map;
use crate::lang::Value;
use crate::provider::arm::{normalize_location, ArmClient, Method};
use crate::provider::protocol::{ApplyResponse, PlanResponse, ReadResponse};
use crate::schema::Schema;
use serde_json::Value as Json;
use std::time::Duration;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// azapi's defaults for the flags left out.
const FLAGS: [(&str, bool); 4] = [
    ("ignore_casing", false),
    ("ignore_missing_property", true),
    ("ignore_null_property", false),
    ("schema_validation_enabled", true),
];

/// Checks a configuration as azapi's ValidateConfig does.
pub fn validate(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    diags.extend(body_not_string(config, "body"));
    diags.extend(export_values_ok(config, "response_export_values"));
    let t = match type_ref(config) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return diags;
        }
    };
    if !is_set(config, "parent_id") && t.as_ref().is_some_and(|t| !t.is_resource_group()) {
        diags.push(
            Diagnostic::error("Missing required argument")
                .with_detail("The argument \"parent_id\" is required, but no definition was found."),
        );
    }
    if let Some(b) = config.get("body").and_then(Value::as_map) {
        for key in ["tags", "location", "identity"] {
            let written = if key == "identity" {
                config.get(key).and_then(Value::as_seq).is_some_and(|s| !s.is_empty())
            } else {
                is_set(config, key)
            };
            if written && b.contains_key(key) {
                diags.push(Diagnostic::error("Invalid configuration").with_detail(format!(
                    "can't specify both the argument \"{key}\" and \"{key}\" in the argument \"body\""
                )));
            }
        }
    }
    if let Err(e) = Retry::from_config(config) {
        diags.push(Diagnostic::error("Invalid configuration").with_detail(e));
    }
    diags
}

fn unknown(schema: &Schema, diags: Diagnostics) -> PlanResponse {
    PlanResponse {
        planned: Value::Unknown(schema.block.object_type().clone()),
        replace_paths: Vec::new(),
        diags,
    }
}

/// Plans an `azapi_resource`; `subscription` is the provider's.
pub fn plan(
    schema: &Schema,
    prior: Option<&Value>,
    config: &Value,
    subscription: &str,
    known: &KnownProperties,
) -> PlanResponse {
    let mut diags = Diagnostics::new();
    if let Some(d) = body_not_string(config, "body") {
        diags.push(d);
        return unknown(schema, diags);
    }
    let t = match type_ref(config) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return unknown(schema, diags);
        }
    };
    if !is_set(config, "name") {
        diags.push(
            Diagnostic::error("Missing required argument")
                .with_detail("The argument \"name\" is required, but no definition was found."),
        );
        return unknown(schema, diags);
    }
    if is_set(config, "sensitive_body") {
        diags.push(sensitive_body_unsupported());
        return unknown(schema, diags);
    }
    let parent = match (config.get("parent_id").filter(|v| !v.is_null()), &t) {
        (Some(p), _) => p.clone(),
        (None, Some(t)) if t.is_resource_group() => Value::string(format!("/subscriptions/{subscription}")),
        (None, None) => Value::Unknown(Type::String),
        (None, Some(_)) => {
            diags.push(
                Diagnostic::error("Missing required argument")
                    .with_detail("The argument \"parent_id\" is required, but no definition was found."),
            );
            return unknown(schema, diags);
        }
    };
    let cfg_body = match config.get("body").filter(|b| !b.is_null()) {
        Some(b) => b.clone(),
        None => Value::Object(Map::new()),
    };

    let replace = prior.map_or_else(Vec::new, |p| replacements(p, config, &parent, &cfg_body));
    let prior_kept = prior.filter(|_| replace.is_empty());

    let mut m = copy_config(schema, config);
    for (name, default) in FLAGS {
        m.insert(name.into(), Value::Bool(flag(config, name, default)));
    }
    m.insert("sensitive_body".into(), Value::null());
    let name = attr(config, "name");
    m.insert("name".into(), name.clone());
    let parent = keep_id_form(prior_kept.and_then(|p| p.get("parent_id")), parent);
    m.insert("parent_id".into(), parent.clone());
    let planned_body = match prior_kept.and_then(|p| p.get("body")) {
        Some(pb) if body::same_value(pb, &cfg_body) => pb.clone(),
        _ => cfg_body.clone(),
    };
    m.insert("body".into(), planned_body.clone());
    m.insert("location".into(), plan_location(config, &planned_body, prior_kept));
    m.insert("tags".into(), plan_tags(config, &planned_body, prior_kept));
    m.insert("identity".into(), plan_identity(schema, config, prior_kept));
    if let (Some(p), Some(rev)) = (
        prior_kept.and_then(|p| p.get("response_export_values")),
        config.get("response_export_values"),
    ) {
        if body::same_value(p, rev) {
            m.insert("response_export_values".into(), p.clone());
        }
    }
    if let Some(p) = prior_kept {
        if let (Some(pt), Some(ct)) = (string(p, "type"), string(config, "type")) {
            if pt.eq_ignore_ascii_case(ct) {
                m.insert("type".into(), Value::string(pt));
            }
        }
    }

    let id = match (prior_kept.and_then(|p| p.get("id")).filter(|v| !v.is_null()), &t) {
        (Some(id), _) => id.clone(),
        (None, Some(t)) => match (
            parent.as_str().filter(|_| parent.is_known()),
            name.as_str().filter(|_| name.is_known()),
        ) {
            (Some(p), Some(n)) => match t.build_id(p, n) {
                Ok(id) => Value::string(id),
                Err(e) => {
                    diags.push(Diagnostic::error("Invalid configuration").with_detail(e));
                    return unknown(schema, diags);
                }
            },
            _ => Value::Unknown(Type::String),
        },
        (None, None) => Value::Unknown(Type::String),
    };
    m.insert("id".into(), id);

    let output = match prior_kept {
        Some(p) if !output_changes(p, &m) => attr(p, "output"),
        _ => Value::Unknown(Type::Dynamic),
    };
    m.insert("output".into(), output);

    if flag(config, "schema_validation_enabled", true) {
        if let Some(t) = &t {
            diags.extend(known.check(&t.resource_type, &planned_body));
        }
    }
    PlanResponse {
        planned: finish(schema, m),
        replace_paths: replace,
        diags,
    }
}

/// What forces a replacement: a new resource type, parent, name or
/// location, a changed `replace_triggers_external_values`, or a change at
/// one of the `replace_triggers_refs` paths of the body.
fn replacements(prior: &Value, config: &Value, parent: &Value, cfg_body: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let changed = |planned: Option<&Value>, before: Option<&Value>, same: &dyn Fn(&str, &str) -> bool| match (
        planned,
        before.and_then(Value::as_str),
    ) {
        (Some(p), _) if !p.is_known() => true,
        (Some(p), Some(b)) => p.as_str().is_some_and(|p| !same(p, b)),
        (Some(p), None) => !p.is_null(),
        (None, _) => false,
    };
    let ptype = string(prior, "type").and_then(|t| TypeRef::parse(t).ok());
    match (config.get("type"), &ptype) {
        (Some(c), _) if !c.is_known() => out.push("type".to_string()),
        (Some(c), Some(p)) => {
            if let Some(ct) = c.as_str().and_then(|t| TypeRef::parse(t).ok()) {
                if !ct.same_type(p) {
                    out.push("type".to_string());
                }
            }
        }
        _ => {}
    }
    if changed(Some(parent), prior.get("parent_id"), &|a, b| a.eq_ignore_ascii_case(b)) {
        out.push("parent_id".to_string());
    }
    if changed(config.get("name"), prior.get("name"), &|a, b| a == b) {
        out.push("name".to_string());
    }
    let location = plan_location(config, cfg_body, Some(prior));
    let before = string(prior, "location").map(normalize_location).unwrap_or_default();
    if location.is_known() && location.as_str().map(normalize_location).unwrap_or_default() != before {
        out.push("location".to_string());
    }
    let (before, now) = (
        attr(prior, "replace_triggers_external_values"),
        attr(config, "replace_triggers_external_values"),
    );
    if !before.is_null() && !now.is_null() && !before.same_as(&now) {
        out.push("replace_triggers_external_values".to_string());
    }
    if let (Some(refs), Some(pb), Some(cb)) = (
        config.get("replace_triggers_refs").and_then(Value::as_seq),
        json_of(prior, "body"),
        body::to_json(cfg_body),
    ) {
        let moved = refs.iter().filter_map(Value::as_str).any(|path| {
            let q = |doc: &Json| output::query(doc, path).unwrap_or(Json::Null);
            !body::same(&q(&pb), &q(&cb))
        });
        if moved {
            out.push("body".to_string());
        }
    }
    out
}

/// An id in its prior spelling when it is the same id.
fn keep_id_form(prior: Option<&Value>, planned: Value) -> Value {
    match (prior.and_then(Value::as_str), planned.as_str()) {
        (Some(p), Some(n)) if planned.is_known() && p.eq_ignore_ascii_case(n) => Value::string(p),
        _ => planned,
    }
}

/// `location`: the argument, else the body's, else what state has.
fn plan_location(config: &Value, body: &Value, prior: Option<&Value>) -> Value {
    let prior_loc = prior.and_then(|p| p.get("location")).filter(|l| !l.is_null());
    if let Some(c) = config.get("location").filter(|l| !l.is_null()) {
        return match (prior_loc.and_then(Value::as_str), c.as_str()) {
            (Some(p), Some(n)) if c.is_known() && normalize_location(p) == normalize_location(n) => Value::string(p),
            _ => c.clone(),
        };
    }
    if !body.is_wholly_known() {
        return Value::Unknown(Type::String);
    }
    if let Some(l) = body.get("location").filter(|l| l.as_str().is_some()) {
        return l.clone();
    }
    prior_loc.cloned().unwrap_or(Value::Null(Type::String))
}

/// `tags`: the argument, else the body's, else an empty map in state stays.
fn plan_tags(config: &Value, body: &Value, prior: Option<&Value>) -> Value {
    let prior_tags = prior.and_then(|p| p.get("tags")).filter(|t| !t.is_null());
    if let Some(c) = config.get("tags").filter(|t| !t.is_null()) {
        return match prior_tags {
            Some(p) if p.same_as(c) => p.clone(),
            _ => c.clone(),
        };
    }
    if !body.is_wholly_known() {
        return Value::Unknown(Type::map(Type::String));
    }
    if let Some(t) = body.get("tags").filter(|t| !t.is_null()) {
        return t.clone();
    }
    match prior_tags {
        Some(p) if p.as_map().is_some_and(|m| m.is_empty()) => p.clone(),
        _ => Value::Null(Type::map(Type::String)),
    }
}

/// The identity blocks: the state's while type and ids are the same,
/// else the configuration's with what Azure assigns unknown.
fn plan_identity(schema: &Schema, config: &Value, prior: Option<&Value>) -> Value {
    let object = schema
        .block
        .block_types
        .get("identity")
        .map(|b| b.block.object_type().clone())
        .unwrap_or(Type::Dynamic);
    let items: Vec<Value> = config
        .get("identity")
        .and_then(Value::as_seq)
        .unwrap_or(&[])
        .iter()
        .map(|i| {
            let mut m = i.as_map().cloned().unwrap_or_default();
            m.insert("principal_id".into(), Value::Unknown(Type::String));
            m.insert("tenant_id".into(), Value::Unknown(Type::String));
            Value::Object(m)
        })
        .collect();
    if let Some(p) = prior.and_then(|p| p.get("identity")).and_then(Value::as_seq) {
        if same_identities(p, &items) {
            return Value::List(object, p.to_vec());
        }
    }
    Value::List(object, items)
}

fn same_identities(prior: &[Value], planned: &[Value]) -> bool {
    prior.len() == planned.len()
        && prior.iter().zip(planned).all(|(p, n)| {
            let ty = |v: &Value| v.get("type").and_then(Value::as_str).map(str::to_string);
            let ids = |v: &Value| {
                let mut ids: Vec<String> = v
                    .get("identity_ids")
                    .and_then(Value::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|s| s.as_str().map(str::to_ascii_lowercase))
                    .collect();
                ids.sort();
                ids
            };
            let all_known =
                n.get("identity_ids").is_none_or(Value::is_wholly_known) && n.get("type").is_none_or(Value::is_known);
            all_known && ty(p).zip(ty(n)).is_some_and(|(a, b)| same_identity_type(&a, &b)) && ids(p) == ids(n)
        })
}

/// Whether `output` must be read again: something that decides it changes.
fn output_changes(prior: &Value, planned: &Map) -> bool {
    let get = |k: &str| planned.get(k).cloned().unwrap_or_else(Value::null);
    let differs = |k: &str| {
        let now = get(k);
        !now.is_wholly_known() || !attr(prior, k).same_as(&now)
    };
    differs("body") || differs("type") || differs("response_export_values") || differs("identity") || differs("tags")
}

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

/// Reads the resource a state entry points at.
pub async fn read<C: ArmClient>(client: &C, schema: &Schema, prior: &Value) -> ReadResponse {
    let (Some(id), Some(t)) = (
        string(prior, "id"),
        string(prior, "type").and_then(|t| TypeRef::parse(t).ok()),
    ) else {
        return ReadResponse {
            value: Some(prior.clone()),
            diags: Diagnostic::error("Error parsing ID")
                .with_detail("the state has no id or type to read the resource by")
                .into(),
        };
    };
    let retry = Retry::from_config(prior).ok().flatten();
    let timeout = timeout(prior, "read", Duration::from_secs(5 * 60));
    let response = match send(client, request(Method::Get, id, &t, None), retry.as_ref(), timeout).await {
        Ok(r) => r.body,
        Err(e) if e.is_not_found() => return ReadResponse::default(),
        Err(e) => {
            return ReadResponse {
                value: Some(prior.clone()),
                diags: arm_error("Failed to retrieve resource", &format!("reading {id}"), &e).into(),
            }
        }
    };
    match refreshed(schema, prior, &response) {
        Ok(v) => ReadResponse {
            value: Some(v),
            diags: Diagnostics::new(),
        },
        Err(e) => ReadResponse {
            value: Some(prior.clone()),
            diags: Diagnostic::error("Failed to build output").with_detail(e).into(),
        },
    }
}

/// The state after a read, from the prior state and Azure's document.
fn refreshed(schema: &Schema, prior: &Value, response: &Json) -> Result<Value, String> {
    let mut m = prior.as_map().cloned().unwrap_or_default();
    if let Some(l) = response.get("location").and_then(Json::as_str) {
        let before = string(prior, "location").map(normalize_location).unwrap_or_default();
        if normalize_location(l) != before {
            m.insert("location".into(), Value::string(l));
        }
    }
    let tags = response
        .get("tags")
        .filter(|t| t.as_object().is_some_and(|o| !o.is_empty()));
    let prior_tags = prior.get("tags").and_then(Value::as_map).is_some_and(|t| !t.is_empty());
    if tags.is_some() || prior_tags {
        let now = tags.map_or_else(|| Value::map(Map::new()), Value::from_json);
        let keep = prior.get("tags").is_some_and(|p| p.same_as(&now));
        if !keep {
            m.insert("tags".into(), now);
        }
    }
    let written = json_of(prior, "body").unwrap_or_else(|| Json::Object(Default::default()));
    if written.get("identity").is_none() {
        m.insert("identity".into(), refreshed_identity(prior, response.get("identity")));
    }
    let opts = RefreshOptions {
        ignore_casing: flag(prior, "ignore_casing", false),
        ignore_missing_property: flag(prior, "ignore_missing_property", true),
    };
    if prior.get("body").is_some_and(|b| !b.is_null()) {
        let b = body::refresh(&written, response, opts);
        m.insert("body".into(), body::with_prior_form(prior.get("body"), &b));
    }
    let out = output::build(response, &attr(prior, "response_export_values"), || {
        output::default_output(response, Some(&written))
    })?;
    m.insert(
        "output".into(),
        body::with_prior_form(prior.get("output"), &out.to_json()),
    );
    Ok(finish(schema, m))
}

/// The identity in state after a read, when the body does not set one.
fn refreshed_identity(prior: &Value, returned: Option<&Json>) -> Value {
    let before: Vec<Value> = prior.get("identity").and_then(Value::as_seq).unwrap_or(&[]).to_vec();
    let now = returned.and_then(flatten_identity);
    let none = |v: &Value| {
        v.get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("None"))
    };
    match (before.first(), now) {
        (None, None) => Value::list(before),
        (None, Some(n)) if none(&n) => Value::list(before),
        (None, Some(n)) => Value::list(vec![n]),
        (Some(b), None) if none(b) => Value::list(before),
        (Some(_), None) => Value::list(Vec::new()),
        (Some(b), Some(mut n)) => {
            // identity_ids = [] and null are the same.
            let empty = |v: &Value| {
                v.get("identity_ids")
                    .and_then(Value::as_seq)
                    .is_none_or(<[Value]>::is_empty)
            };
            if empty(b) && empty(&n) {
                if let Some(m) = n.as_map_mut() {
                    m.insert("identity_ids".into(), attr(b, "identity_ids"));
                }
            }
            if same_identities(&before[..1], std::slice::from_ref(&n))
                && ["principal_id", "tenant_id"]
                    .iter()
                    .all(|k| attr(b, k).same_as(&attr(&n, k)))
            {
                return Value::list(before);
            }
            Value::list(vec![n])
        }
    }
}

/// Reads an existing resource by `<id>?api-version=<version>`.
pub async fn import<C: ArmClient>(client: &C, schema: &Schema, id: &str) -> ReadResponse {
    let fail = |summary: &str, detail: String| ReadResponse {
        value: None,
        diags: Diagnostic::error(summary.to_string()).with_detail(detail).into(),
    };
    let Some((path, version)) = id
        .split_once("?api-version=")
        .filter(|(p, v)| !p.is_empty() && !v.is_empty())
    else {
        return fail(
            "Invalid Resource ID",
            format!("{id:?} has no api-version: import an azapi_resource by <resource id>?api-version=<api version>"),
        );
    };
    let rtype = ids::id_type(path);
    let t = TypeRef {
        resource_type: rtype.clone(),
        api_version: version.to_string(),
    };
    let response = match client.send(request(Method::Get, path, &t, None)).await {
        Ok(r) => r.body,
        Err(e) if e.is_not_found() => {
            return fail("Cannot import: no such resource", format!("nothing exists at {path}"))
        }
        Err(e) => {
            return ReadResponse {
                value: None,
                diags: arm_error("Failed to retrieve resource", &format!("reading {path}"), &e).into(),
            }
        }
    };
    let (parent, name) = ids::split_id(path);
    let mut m = Map::new();
    for (k, default) in FLAGS {
        m.insert(k.into(), Value::Bool(default));
    }
    m.insert("id".into(), Value::string(path));
    m.insert("name".into(), Value::string(name));
    m.insert("parent_id".into(), Value::string(parent));
    m.insert("type".into(), Value::string(format!("{rtype}@{version}")));
    if let Some(l) = response.get("location").and_then(Json::as_str) {
        m.insert("location".into(), Value::string(normalize_location(l)));
    }
    if let Some(t) = response
        .get("tags")
        .filter(|t| t.as_object().is_some_and(|o| !o.is_empty()))
    {
        m.insert("tags".into(), Value::from_json(t));
    }
    let identity = response.get("identity").and_then(flatten_identity);
    m.insert("identity".into(), Value::list(identity.into_iter().collect()));
    let mut b = response.clone();
    body::strip_read_only(&mut b);
    if let Some(o) = b.as_object_mut() {
        for k in ["location", "tags", "identity"] {
            o.remove(k);
        }
    }
    m.insert("body".into(), Value::from_json(&b));
    m.insert(
        "output".into(),
        Value::from_json(&output::default_output(&response, Some(&b))),
    );
    ReadResponse {
        value: Some(finish(schema, m)),
        diags: Diagnostics::new(),
    }
}
