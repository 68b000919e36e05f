//! Paths of sensitive values (`sensitive_attributes`) between Terraform's
//! form and aksplan's.
//!
//! Terraform 1.11 writes each path as a list of cty path steps:
//! `[{"type": "get_attr", "value": "input"}, {"type": "index", "value":
//! {"value": 0, "type": "number"}}]`. aksplan's own files, and hand-made
//! ones, write the plain form `["input", 0]`; both are read. An index into
//! a set names an element by its value, which has no position: the whole
//! set is marked instead, which hides at least as much.

use crate::lang::Value;
use serde_json::{json, Value as Json};

/// Reads `sensitive_attributes` in either form into aksplan's paths (keys
/// as strings, list indexes as numbers). `Err` says what is wrong.
pub fn read(raw: Option<&Json>) -> Result<Vec<Vec<Json>>, String> {
    let paths = match raw {
        None | Some(Json::Null) => return Ok(Vec::new()),
        Some(Json::Array(paths)) => paths,
        Some(other) => return Err(format!("sensitive_attributes must be a list of paths, not {other}")),
    };
    let mut out = Vec::new();
    for p in paths {
        let Json::Array(steps) = p else {
            return Err(format!("a sensitive attribute path must be a list of steps, not {p}"));
        };
        let mut path = Vec::new();
        for step in steps {
            match step_of(step)? {
                Step::Key(k) => path.push(Json::String(k)),
                Step::Index(i) => path.push(Json::from(i)),
                // A set element: mark the set itself.
                Step::Element => break,
            }
        }
        if !out.contains(&path) {
            out.push(path);
        }
    }
    Ok(out)
}

enum Step {
    Key(String),
    Index(u64),
    Element,
}

fn step_of(step: &Json) -> Result<Step, String> {
    match step {
        Json::String(s) => Ok(Step::Key(s.clone())),
        Json::Number(n) => n
            .as_u64()
            .map(Step::Index)
            .ok_or_else(|| format!("invalid index {n} in a sensitive attribute path")),
        Json::Object(o) => {
            let kind = o.get("type").and_then(Json::as_str);
            let value = o.get("value");
            match (kind, value) {
                (Some("get_attr"), Some(Json::String(name))) => Ok(Step::Key(name.clone())),
                (Some("index"), Some(Json::Object(key))) => match (key.get("type"), key.get("value")) {
                    (Some(Json::String(t)), Some(Json::Number(n))) if t == "number" => n
                        .as_u64()
                        .map(Step::Index)
                        .ok_or_else(|| format!("invalid index {n} in a sensitive attribute path")),
                    (Some(Json::String(t)), Some(Json::String(k))) if t == "string" => Ok(Step::Key(k.clone())),
                    (Some(_), Some(_)) => Ok(Step::Element),
                    _ => Err(format!("invalid index step {step} in a sensitive attribute path")),
                },
                _ => Err(format!("invalid step {step} in a sensitive attribute path")),
            }
        }
        other => Err(format!("invalid step {other} in a sensitive attribute path")),
    }
}

/// aksplan's paths into `value` in Terraform 1.11's form: a key of a map
/// is an index step with a string, an attribute of an object a `get_attr`
/// step.
pub fn write(value: &Value, paths: &[Vec<Json>]) -> Json {
    Json::Array(paths.iter().map(|p| write_path(value, p)).collect())
}

fn write_path(value: &Value, path: &[Json]) -> Json {
    let mut at = Some(value);
    let mut steps = Vec::new();
    for step in path {
        let here = at.map(Value::inner);
        let (written, next) = match (step, here) {
            (Json::Number(n), _) => (
                json!({"type": "index", "value": {"value": n, "type": "number"}}),
                here.and_then(Value::as_seq)
                    .and_then(|items| n.as_u64().and_then(|i| items.get(i as usize))),
            ),
            (Json::String(k), Some(Value::Map(_, m))) => (
                json!({"type": "index", "value": {"value": k, "type": "string"}}),
                m.get(k),
            ),
            (other, _) => (
                json!({"type": "get_attr", "value": other}),
                here.and_then(|v| other.as_str().and_then(|k| v.get(k))),
            ),
        };
        steps.push(written);
        at = next;
    }
    Json::Array(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terraform_1_11_paths_are_read() {
        // As terraform 1.11.4 wrote them for `input = { s = var.secret }`.
        let raw = json!([[{"type": "get_attr", "value": "input"}, {"type": "get_attr", "value": "s"}]]);
        assert_eq!(read(Some(&raw)).unwrap(), vec![vec![json!("input"), json!("s")]]);
        let raw = json!([[
            {"type": "get_attr", "value": "kube_config"},
            {"type": "index", "value": {"value": 0, "type": "number"}},
            {"type": "get_attr", "value": "password"}
        ], [
            {"type": "get_attr", "value": "tags"},
            {"type": "index", "value": {"value": "secret", "type": "string"}}
        ]]);
        assert_eq!(
            read(Some(&raw)).unwrap(),
            vec![
                vec![json!("kube_config"), json!(0), json!("password")],
                vec![json!("tags"), json!("secret")]
            ]
        );
    }

    #[test]
    fn the_plain_form_and_nothing_are_read() {
        let raw = json!([["configuration_protected_settings"], ["a", 1]]);
        assert_eq!(
            read(Some(&raw)).unwrap(),
            vec![
                vec![json!("configuration_protected_settings")],
                vec![json!("a"), json!(1)]
            ]
        );
        assert!(read(None).unwrap().is_empty());
        assert!(read(Some(&Json::Null)).unwrap().is_empty());
        assert!(read(Some(&json!([]))).unwrap().is_empty());
    }

    #[test]
    fn a_set_element_marks_the_whole_set() {
        let raw = json!([[
            {"type": "get_attr", "value": "secrets"},
            {"type": "index", "value": {"value": {"k": "v"}, "type": ["object", {"k": "string"}]}}
        ]]);
        assert_eq!(read(Some(&raw)).unwrap(), vec![vec![json!("secrets")]]);
    }

    #[test]
    fn malformed_paths_say_what_is_wrong() {
        for (raw, says) in [
            (json!({"a": 1}), "must be a list of paths"),
            (json!(["a"]), "must be a list of steps"),
            (json!([[{"type": "call", "value": "f"}]]), "invalid step"),
            (json!([[{"type": "index", "value": 3}]]), "invalid step"),
            (
                json!([[{"type": "index", "value": {"value": true}}]]),
                "invalid index step",
            ),
            (json!([[-1]]), "invalid index -1"),
        ] {
            let e = read(Some(&raw)).unwrap_err();
            assert!(e.contains(says), "{raw}: {e}");
        }
    }

    #[test]
    fn written_as_terraform_writes_them_and_read_back() {
        let value = Value::from_json(&json!({
            "kube_config": [{"password": "p"}],
            "result": "r",
        }));
        let tags = Value::Map(
            crate::lang::types::Type::String,
            [("secret".to_string(), Value::string("s"))].into(),
        );
        let mut value = value;
        value.as_map_mut().unwrap().insert("tags".into(), tags);
        let paths = vec![
            vec![json!("kube_config"), json!(0), json!("password")],
            vec![json!("result")],
            vec![json!("tags"), json!("secret")],
        ];
        let written = write(&value, &paths);
        assert_eq!(
            written,
            json!([[
                {"type": "get_attr", "value": "kube_config"},
                {"type": "index", "value": {"value": 0, "type": "number"}},
                {"type": "get_attr", "value": "password"}
            ], [{"type": "get_attr", "value": "result"}], [
                {"type": "get_attr", "value": "tags"},
                {"type": "index", "value": {"value": "secret", "type": "string"}}
            ]])
        );
        assert_eq!(read(Some(&written)).unwrap(), paths);
    }
}
