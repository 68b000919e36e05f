//! `output` from an ARM response, as `response_export_values` asks:
//! - a list of dotted paths (`["properties.loginServer"]`): an object holding
//!   just those paths; `["*"]`: the whole response;
//! - a map of names to JMESPath queries (`{ server = "properties.fqdn" }`):
//!   an object of the query results (evaluated by the `jmespath` crate);
//! - left out: azapi 2.x gives the read-only part of the response, which it
//!   knows from Azure's API schemas. aksplan has not got those schemas: it
//!   gives the response without what the body wrote and without volatile
//!   fields (etag, modification times), a superset of azapi's.
//!
//! Pure: JSON in, a value out.

use crate::lang::Value;
use serde_json::{Map, Value as Json};

/// Checks the form of `response_export_values` (and of
/// `sensitive_response_export_values`): a list of strings or a map of
/// JMESPath queries. `None` when it is fine or not known yet.
pub fn check(rev: &Value, attribute: &str) -> Option<String> {
    if !rev.is_wholly_known() || rev.is_null() {
        return None;
    }
    if let Some(items) = rev.as_seq() {
        if items.iter().all(|i| i.as_str().is_some()) {
            return None;
        }
        return Some(format!(
            "The argument \"{attribute}\" must be a list of strings, such as [\"properties.fqdn\"]."
        ));
    }
    if let Some(m) = rev.as_map() {
        for (k, q) in m {
            let Some(q) = q.as_str() else {
                return Some(format!(
                    "The argument \"{attribute}\" must map names to JMESPath queries; {k:?} is not a string."
                ));
            };
            if let Err(e) = jmespath::compile(q) {
                return Some(format!("The JMESPath query {q:?} of {k:?} is invalid: {e}"));
            }
        }
        return None;
    }
    Some(format!(
        "The argument \"{attribute}\" must be a list or a map; it is {}.",
        rev.friendly_type()
    ))
}

/// The output for `response` under `rev`; `default` gives the output when
/// `rev` is null.
pub fn build(response: &Json, rev: &Value, default: impl FnOnce() -> Json) -> Result<Value, String> {
    if rev.is_null() {
        return Ok(Value::from_json(&default()));
    }
    if let Some(problem) = check(rev, "response_export_values") {
        return Err(problem);
    }
    if let Some(items) = rev.as_seq() {
        let paths: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
        if paths.contains(&"*") {
            return Ok(Value::from_json(response));
        }
        let mut out = Json::Object(Map::new());
        for p in paths {
            if let Some(part) = extract(response, p) {
                deep_insert(&mut out, part);
            }
        }
        return Ok(Value::from_json(&out));
    }
    let mut out = Map::new();
    for (k, q) in rev.as_map().into_iter().flatten() {
        let q = q.as_str().unwrap_or_default();
        out.insert(k.clone(), query(response, q)?);
    }
    Ok(Value::from_json(&Json::Object(out)))
}

/// A JMESPath query on a document.
pub fn query(doc: &Json, q: &str) -> Result<Json, String> {
    let expr = jmespath::compile(q).map_err(|e| format!("the JMESPath query {q:?} is invalid: {e}"))?;
    let found = expr
        .search(doc)
        .map_err(|e| format!("the JMESPath query {q:?} failed: {e}"))?;
    serde_json::to_value(&*found).map_err(|e| format!("the result of {q:?} is not JSON: {e}"))
}

/// The part of `doc` at a dotted path, as a document holding only it.
fn extract(doc: &Json, path: &str) -> Option<Json> {
    match path.split_once('.') {
        Some((key, rest)) => {
            let inner = extract(doc.get(key)?, rest)?;
            Some(Json::Object(Map::from_iter([(key.to_string(), inner)])))
        }
        None => {
            let v = doc.get(path).filter(|v| !v.is_null())?;
            Some(Json::Object(Map::from_iter([(path.to_string(), v.clone())])))
        }
    }
}

fn deep_insert(out: &mut Json, part: Json) {
    match (out, part) {
        (Json::Object(o), Json::Object(p)) => {
            for (k, v) in p {
                match o.get_mut(&k) {
                    Some(existing) if existing.is_object() && v.is_object() => deep_insert(existing, v),
                    _ => {
                        o.insert(k, v);
                    }
                }
            }
        }
        (o, p) => *o = p,
    }
}

/// Keys whose values change without any change to the resource.
fn volatile(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k == "etag"
        || k == "systemdata"
        || k.starts_with("lastmodified")
        || k.starts_with("lastupdated")
        || k.starts_with("updated")
        || k.starts_with("modified")
}

/// The default output: the response without what `written` sets and
/// without volatile fields.
pub fn default_output(response: &Json, written: Option<&Json>) -> Json {
    let mut out = response.clone();
    if let Some(w) = written {
        remove_written(&mut out, w);
    }
    remove_volatile(&mut out);
    out
}

fn remove_written(doc: &mut Json, written: &Json) {
    let (Some(d), Some(w)) = (doc.as_object_mut(), written.as_object()) else {
        return;
    };
    for (k, wv) in w {
        let Some(dv) = d.get_mut(k) else { continue };
        if wv.is_object() && dv.is_object() {
            remove_written(dv, wv);
            if dv.as_object().is_some_and(Map::is_empty) {
                d.remove(k);
            }
        } else {
            d.remove(k);
        }
    }
}

fn remove_volatile(doc: &mut Json) {
    match doc {
        Json::Object(m) => {
            m.retain(|k, _| !volatile(k));
            m.values_mut().for_each(remove_volatile);
        }
        Json::Array(a) => a.iter_mut().for_each(remove_volatile),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::eval::eval_standalone;
    use serde_json::json;

    fn response() -> Json {
        json!({"id": "/x", "etag": "W/1", "properties": {"loginServer": "r.azurecr.io",
            "policies": {"quarantinePolicy": {"status": "disabled"}, "other": 1},
            "pools": [{"name": "a"}, {"name": "b"}]}})
    }

    fn out(rev: &str) -> Json {
        build(&response(), &eval_standalone(rev).unwrap(), || json!({"default": true}))
            .unwrap()
            .to_json()
    }

    #[test]
    fn a_list_of_paths_exports_those_paths() {
        assert_eq!(
            out(r#"["properties.loginServer", "properties.policies.quarantinePolicy.status", "properties.missing"]"#),
            json!({"properties": {"loginServer": "r.azurecr.io", "policies": {"quarantinePolicy": {"status": "disabled"}}}})
        );
        assert_eq!(out(r#"["*"]"#), response());
        assert_eq!(out("[]"), json!({}));
        assert_eq!(out("null"), json!({"default": true}));
    }

    #[test]
    fn a_map_exports_jmespath_results() {
        assert_eq!(
            out(
                r#"{ server = "properties.loginServer", names = "properties.pools[*].name", none = "properties.nope" }"#
            ),
            json!({"server": "r.azurecr.io", "names": ["a", "b"], "none": null})
        );
    }

    #[test]
    fn malformed_exports_are_refused() {
        assert!(check(
            &eval_standalone(r#"{ a = "properties.[" }"#).unwrap(),
            "response_export_values"
        )
        .is_some());
        assert!(check(&eval_standalone("[1]").unwrap(), "response_export_values").is_some());
        assert!(check(&eval_standalone(r#""x""#).unwrap(), "response_export_values").is_some());
        assert!(check(&eval_standalone(r#"["a.b"]"#).unwrap(), "response_export_values").is_none());
    }

    #[test]
    fn the_default_leaves_out_what_was_written_and_volatile_fields() {
        let written = json!({"properties": {"loginServer": "mine", "policies": {"other": 2}}});
        assert_eq!(
            default_output(&response(), Some(&written)),
            json!({"id": "/x", "properties": {"policies": {"quarantinePolicy": {"status": "disabled"}},
                "pools": [{"name": "a"}, {"name": "b"}]}})
        );
    }
}
