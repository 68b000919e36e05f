//! ARM bodies as azapi handles them: what counts as the same body, how a
//! body in state is refreshed from what Azure returns (only the properties
//! it sets), and how `azapi_update_resource` merges a body into the
//! existing resource.
//!
//! Works on JSON and on language values; knows no resource type. Azure
//! normalises some values it is sent (a location written `West Europe`
//! comes back `westeurope`, an id in another case): those are the same
//! value here, so that they never show as changes.

use crate::lang::Value;
use crate::provider::arm::normalize_location;
use serde_json::{Map, Value as Json};

/// A body as JSON, if it is wholly known.
pub fn to_json(v: &Value) -> Option<Json> {
    v.is_wholly_known().then(|| v.to_json())
}

/// Whether a string looks like an ARM id, which Azure may return in another case.
fn is_arm_id(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.starts_with("/subscriptions/") || lower.starts_with("/providers/")
}

/// Whether two strings are the same for Azure at key `key`.
fn same_string(key: Option<&str>, a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if key.is_some_and(|k| k.eq_ignore_ascii_case("location")) {
        return normalize_location(a) == normalize_location(b);
    }
    is_arm_id(a) && is_arm_id(b) && a.eq_ignore_ascii_case(b)
}

fn same_number(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    a == b || a.as_f64().zip(b.as_f64()).is_some_and(|(x, y)| x == y)
}

/// Whether two JSON documents are the same body: equal, up to what Azure
/// normalises.
pub fn same(a: &Json, b: &Json) -> bool {
    same_at(None, a, b)
}

fn same_at(key: Option<&str>, a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::String(x), Json::String(y)) => same_string(key, x, y),
        (Json::Number(x), Json::Number(y)) => same_number(x, y),
        (Json::Array(x), Json::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_at(key, p, q)),
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_at(Some(k), v, w)))
        }
        _ => a == b,
    }
}

/// Whether two values are the same body (both wholly known).
pub fn same_value(a: &Value, b: &Value) -> bool {
    match (to_json(a), to_json(b)) {
        (Some(x), Some(y)) => same(&x, &y),
        _ => false,
    }
}

/// How a refresh treats what Azure returns (azapi's options of the same names).
#[derive(Debug, Clone, Copy)]
pub struct RefreshOptions {
    /// A string that differs only in case keeps the written form.
    pub ignore_casing: bool,
    /// A property Azure does not return (a secret) keeps the written value.
    pub ignore_missing_property: bool,
}

/// The body in state after a read: the shape of `written` (what the body
/// sets), with the values Azure returned. A property Azure leaves out is
/// kept when `ignore_missing_property`, or when it was empty anyway;
/// otherwise it disappears, which shows as a change.
pub fn refresh(written: &Json, returned: &Json, opts: RefreshOptions) -> Json {
    refresh_at(None, written, returned, opts)
}

fn refresh_at(key: Option<&str>, written: &Json, returned: &Json, opts: RefreshOptions) -> Json {
    match (written, returned) {
        (Json::Object(w), Json::Object(r)) => {
            let mut out = Map::new();
            for (k, v) in w {
                match r.get(k) {
                    Some(rv) if !rv.is_null() => {
                        out.insert(k.clone(), refresh_at(Some(k), v, rv, opts));
                    }
                    _ if opts.ignore_missing_property || is_empty(v) => {
                        out.insert(k.clone(), v.clone());
                    }
                    _ => {}
                }
            }
            Json::Object(out)
        }
        (Json::Array(w), Json::Array(r)) if w.len() == r.len() => {
            Json::Array(w.iter().zip(r).map(|(p, q)| refresh_at(key, p, q, opts)).collect())
        }
        (Json::String(w), Json::String(r)) => {
            // A secret comes back masked, if at all: that is no change.
            let masked = r.is_empty() || r == "<redacted>" || r.chars().all(|c| c == '*');
            let same = same_string(key, w, r) || (opts.ignore_casing && w.eq_ignore_ascii_case(r));
            if same || (opts.ignore_missing_property && masked) {
                written.clone()
            } else {
                returned.clone()
            }
        }
        (Json::Number(w), Json::Number(r)) if same_number(w, r) => written.clone(),
        _ => returned.clone(),
    }
}

fn is_empty(v: &Json) -> bool {
    match v {
        Json::Null => true,
        Json::Object(m) => m.is_empty(),
        Json::Array(a) => a.is_empty(),
        Json::String(s) => s.is_empty(),
        Json::Number(n) => n.as_f64() == Some(0.0),
        Json::Bool(b) => !b,
    }
}

/// Merges `new` into `old`, `new` winning, as `azapi_update_resource` builds
/// its PUT from the existing resource: objects key by key, arrays item by
/// item when their lengths agree (otherwise `new`'s array).
pub fn merge(old: &Json, new: &Json) -> Json {
    match (old, new) {
        (Json::Object(o), Json::Object(n)) => {
            let mut out = o.clone();
            for (k, v) in n {
                let merged = match o.get(k) {
                    Some(ov) if !v.is_null() => merge(ov, v),
                    _ => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Json::Object(out)
        }
        (Json::Array(o), Json::Array(n)) if o.len() == n.len() => {
            Json::Array(o.iter().zip(n).map(|(p, q)| merge(p, q)).collect())
        }
        _ => new.clone(),
    }
}

/// Removes what Azure computes and never takes in a PUT: the id, name and
/// type, the etag, system data and the provisioning state.
pub fn strip_read_only(doc: &mut Json) {
    if let Some(m) = doc.as_object_mut() {
        for k in ["id", "name", "type", "etag", "systemData"] {
            m.remove(k);
        }
        if let Some(p) = m.get_mut("properties").and_then(Json::as_object_mut) {
            p.remove("provisioningState");
        }
    }
}

/// Removes the properties whose value is null, at any depth
/// (`ignore_null_property`).
pub fn remove_nulls(doc: &mut Json) {
    match doc {
        Json::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(remove_nulls);
        }
        Json::Array(a) => a.iter_mut().for_each(remove_nulls),
        _ => {}
    }
}

/// A value read back from JSON, keeping `prior`'s form (its sensitivity
/// marks, its spelling of what Azure normalises) wherever it is the same.
pub fn with_prior_form(prior: Option<&Value>, new: &Json) -> Value {
    prior_form_at(None, prior, new)
}

fn prior_form_at(key: Option<&str>, prior: Option<&Value>, new: &Json) -> Value {
    let Some(p) = prior else {
        return Value::from_json(new);
    };
    if to_json(p).is_some_and(|pj| same_at(key, &pj, new)) {
        return p.clone();
    }
    let marked = matches!(p, Value::Sensitive(_));
    match (p.inner(), new) {
        (Value::Object(_) | Value::Map(..), Json::Object(n)) => Value::Object(
            n.iter()
                .map(|(k, v)| (k.clone(), prior_form_at(Some(k), p.get(k), v)))
                .collect(),
        )
        .mark_if(marked),
        (Value::Tuple(_) | Value::List(..), Json::Array(n)) => {
            let items = p.as_seq().unwrap_or(&[]);
            Value::Tuple(
                n.iter()
                    .enumerate()
                    .map(|(i, v)| prior_form_at(key, items.get(i), v))
                    .collect(),
            )
            .mark_if(marked)
        }
        _ => Value::from_json(new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const KEEP: RefreshOptions = RefreshOptions {
        ignore_casing: false,
        ignore_missing_property: true,
    };

    #[test]
    fn normalised_values_are_the_same() {
        assert!(same(
            &json!({"location": "West Europe"}),
            &json!({"location": "westeurope"})
        ));
        assert!(same(
            &json!({"properties": {"subnet": {"id": "/subscriptions/S/resourceGroups/RG"}}}),
            &json!({"properties": {"subnet": {"id": "/subscriptions/s/resourcegroups/rg"}}})
        ));
        assert!(!same(&json!({"sku": "Standard"}), &json!({"sku": "standard"})));
        assert!(!same(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(same(&json!({"n": 1}), &json!({"n": 1.0})));
    }

    #[test]
    fn a_refresh_keeps_the_shape_of_what_was_written() {
        let written = json!({"properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "secret": "x"}, "location": "West Europe"});
        let returned = json!({"id": "/x", "location": "westeurope", "properties": {
            "addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}, "provisioningState": "Succeeded"}});
        let r = refresh(&written, &returned, KEEP);
        assert_eq!(
            r,
            json!({"properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}, "secret": "x"}, "location": "West Europe"})
        );
        // Without ignore_missing_property a property Azure leaves out goes.
        let strict = RefreshOptions {
            ignore_missing_property: false,
            ..KEEP
        };
        assert_eq!(refresh(&written, &returned, strict)["properties"].get("secret"), None);
        // A masked secret is kept.
        let masked = json!({"properties": {"secret": "****"}});
        assert_eq!(
            refresh(&json!({"properties": {"secret": "x"}}), &masked, KEEP)["properties"]["secret"],
            "x"
        );
        // Case differences count unless ignore_casing.
        let w = json!({"sku": {"name": "Standard"}});
        let g = json!({"sku": {"name": "standard"}});
        assert_eq!(refresh(&w, &g, KEEP), g);
        assert_eq!(
            refresh(
                &w,
                &g,
                RefreshOptions {
                    ignore_casing: true,
                    ..KEEP
                }
            ),
            w
        );
    }

    #[test]
    fn merge_overrides_and_keeps_the_rest() {
        let old = json!({"location": "westeurope", "tags": {"a": "1"}, "properties": {"x": [1, 2], "y": {"z": true}}});
        let new = json!({"tags": {"b": "2"}, "properties": {"x": [3]}});
        assert_eq!(
            merge(&old, &new),
            json!({"location": "westeurope", "tags": {"a": "1", "b": "2"}, "properties": {"x": [3], "y": {"z": true}}})
        );
        let mut doc = json!({"id": "x", "name": "n", "properties": {"provisioningState": "Succeeded", "k": null}});
        strip_read_only(&mut doc);
        remove_nulls(&mut doc);
        assert_eq!(doc, json!({"properties": {}}));
    }

    #[test]
    fn values_keep_their_prior_form() {
        let prior = Value::from_json(&json!({"location": "West Europe", "n": 1}));
        let prior = match prior {
            Value::Object(mut m) => {
                m.insert("secret".into(), Value::string("s").mark());
                Value::Object(m)
            }
            v => v,
        };
        let back = with_prior_form(Some(&prior), &json!({"location": "westeurope", "n": 2, "secret": "s"}));
        assert_eq!(back.get("location").and_then(Value::as_str), Some("West Europe"));
        assert!(matches!(back.get("secret"), Some(Value::Sensitive(_))));
        assert_eq!(back.get("n").and_then(Value::as_i64), Some(2));
    }
}
