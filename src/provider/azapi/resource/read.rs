//! Reading an `azapi_resource`: a GET, the body in state refreshed only
//! where the configuration sets it; and importing one by id.

use super::{same_identities, FLAGS};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::value::Map;
use crate::lang::Value;
use crate::provider::arm::{normalize_location, ArmClient, Method};
use crate::provider::azapi::body::{self, RefreshOptions};
use crate::provider::azapi::common::*;
use crate::provider::azapi::ids::{self, TypeRef};
use crate::provider::azapi::output;
use crate::provider::protocol::ReadResponse;
use crate::schema::Schema;
use serde_json::Value as Json;
use std::time::Duration;

/// Reads the resource a state entry points at.
pub async fn read<C: ArmClient>(client: &C, schema: &Schema, prior: &Value) -> ReadResponse {
    let (id, t) = match read_target(prior) {
        Ok(target) => target,
        Err(answer) => return answer,
    };
    let retry = Retry::from_config(prior).ok().flatten();
    let timeout = timeout(prior, "read", Duration::from_secs(5 * 60));
    let response = match send(client, request(Method::Get, id, &t, None), retry.as_ref(), timeout).await {
        Ok(r) => r.body,
        Err(e) if e.is_not_found() => return ReadResponse::default(),
        Err(e) => {
            return answer(
                Some(prior.clone()),
                arm_error("Failed to retrieve resource", &format!("reading {id}"), &e).into(),
            )
        }
    };
    match refreshed(schema, prior, &response) {
        Ok(v) => answer(Some(v), Diagnostics::new()),
        Err(e) => answer(
            Some(prior.clone()),
            Diagnostic::error("Failed to build output").with_detail(e).into(),
        ),
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
    let fail =
        |summary: &str, detail: String| answer(None, Diagnostic::error(summary.to_string()).with_detail(detail).into());
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
            return answer(
                None,
                arm_error("Failed to retrieve resource", &format!("reading {path}"), &e).into(),
            )
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
    answer(Some(finish(schema, m)), Diagnostics::new())
}
