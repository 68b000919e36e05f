//! Planning an `azapi_resource`: pure. The id is built from the names;
//! what forces a replacement is found; the state's form is kept wherever
//! the configuration says the same thing.

use super::{same_identities, FLAGS};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::types::Type;
use crate::lang::value::Map;
use crate::lang::Value;
use crate::provider::arm::normalize_location;
use crate::provider::azapi::body;
use crate::provider::azapi::check::KnownProperties;
use crate::provider::azapi::common::*;
use crate::provider::azapi::ids::TypeRef;
use crate::provider::azapi::output;
use crate::provider::protocol::PlanResponse;
use crate::schema::Schema;
use serde_json::Value as Json;

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
/// Whether `output` must be read again: something that decides it changes.
fn output_changes(prior: &Value, planned: &Map) -> bool {
    let get = |k: &str| planned.get(k).cloned().unwrap_or_else(Value::null);
    let differs = |k: &str| {
        let now = get(k);
        !now.is_wholly_known() || !attr(prior, k).same_as(&now)
    };
    differs("body") || differs("type") || differs("response_export_values") || differs("identity") || differs("tags")
}
