//! Attribute values between Terraform's JSON and aksplan's values, led by
//! the type's schema.
//!
//! Terraform writes an instance's attributes as the JSON of its schema's
//! object type, with two differences from aksplan's state:
//!
//! - an attribute of type `dynamic` (`terraform_data.input`,
//!   `azapi_resource.body`) is wrapped with its type,
//!   `{"value": ..., "type": ...}`, which aksplan's state does not do (its
//!   values keep their types in memory, and JSON types them on reading);
//! - every attribute of the schema is there, null when unset; aksplan's
//!   state has them all too once conformed, so absent ones become typed nulls.
//!
//! Attributes the schema does not have (from a newer provider, or one that
//! removed them) are left out, and named so the caller can say so. This
//! module knows no provider: what a provider writes differently is in
//! [`super::legacy`] and [`super::upgrade`].

use crate::lang::types::{conform, Type};
use crate::lang::Value;
use crate::schema::{BlockSchema, NestingMode};
use serde_json::{json, Map as JsonMap, Value as Json};

/// Decodes an object of `block`'s schema from Terraform's JSON. `at` is the
/// path so far, for the names of attributes left out, which go to `dropped`.
pub fn decode_block(block: &BlockSchema, json: &Json, at: &str, dropped: &mut Vec<String>) -> Result<Value, String> {
    let obj = match json {
        Json::Object(o) => o,
        Json::Null => return Ok(Value::Null(block.object_type().clone())),
        other => return Err(format!("{} must be an object, not {}", name_of(at), kind(other))),
    };
    let mut out = crate::lang::value::Map::new();
    for (name, attr) in &block.attributes {
        let j = obj.get(name).unwrap_or(&Json::Null);
        let v = if attr.ty == Type::Dynamic {
            decode_dynamic(j).map_err(|e| format!("{}: {e}", join(at, name)))?
        } else {
            conform(Value::from_json(j), &attr.ty)
        };
        out.insert(name.clone(), v);
    }
    for (name, nested) in &block.block_types {
        let here = join(at, name);
        let j = obj.get(name).unwrap_or(&Json::Null);
        let object = nested.block.object_type().clone();
        let v = match (nested.nesting, j) {
            (NestingMode::List | NestingMode::Set, Json::Null) => empty(nested.nesting, object),
            (NestingMode::List | NestingMode::Set, Json::Array(items)) => {
                let items = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| decode_block(&nested.block, item, &format!("{here}[{i}]"), dropped))
                    .collect::<Result<Vec<_>, _>>()?;
                match nested.nesting {
                    NestingMode::Set => Value::set_of(object, items),
                    _ => Value::List(object, items),
                }
            }
            (NestingMode::Single | NestingMode::Group, j) => decode_block(&nested.block, j, &here, dropped)?,
            (NestingMode::Map, Json::Null) => Value::Null(Type::map(object)),
            (NestingMode::Map, Json::Object(items)) => {
                let mut m = crate::lang::value::Map::new();
                for (k, item) in items {
                    m.insert(
                        k.clone(),
                        decode_block(&nested.block, item, &format!("{here}[{k:?}]"), dropped)?,
                    );
                }
                Value::Map(object, m)
            }
            (_, other) => return Err(format!("{here} must hold blocks, not {}", kind(other))),
        };
        out.insert(name.clone(), v);
    }
    for key in obj.keys() {
        if !block.attributes.contains_key(key) && !block.block_types.contains_key(key) {
            dropped.push(join(at, key));
        }
    }
    Ok(Value::Object(out))
}

fn empty(nesting: NestingMode, object: Type) -> Value {
    match nesting {
        NestingMode::Set => Value::set_of(object, Vec::new()),
        _ => Value::List(object, Vec::new()),
    }
}

/// A `dynamic` attribute's value: `{"value": V, "type": T}` as Terraform
/// writes it, typed by T. Plain JSON (a hand-made file) is read as
/// `jsondecode` reads it.
pub fn decode_dynamic(j: &Json) -> Result<Value, String> {
    match j {
        Json::Object(o) if o.len() == 2 && o.contains_key("value") && o.contains_key("type") => {
            let ty = Type::from_json(&o["type"]).map_err(|e| format!("invalid type of a dynamic value: {e}"))?;
            Ok(conform(Value::from_json(&o["value"]), &ty))
        }
        j => Ok(Value::from_json(j)),
    }
}

/// Encodes a value of `block`'s schema as Terraform writes it: sensitive
/// marks dropped (they go to `sensitive_attributes`), `dynamic` attributes
/// wrapped with their type, keys in order.
pub fn encode_block(block: &BlockSchema, value: &Value) -> Json {
    let Some(m) = value.inner().as_map() else {
        return Json::Null;
    };
    let mut out = std::collections::BTreeMap::new();
    for (name, v) in m {
        let j = if let Some(attr) = block.attributes.get(name) {
            if attr.ty == Type::Dynamic {
                encode_dynamic(v)
            } else {
                v.to_json()
            }
        } else if let Some(nested) = block.block_types.get(name) {
            match v.inner().as_seq() {
                Some(items) => Json::Array(items.iter().map(|i| encode_block(&nested.block, i)).collect()),
                None if nested.nesting == NestingMode::Map => match v.inner().as_map() {
                    Some(items) => Json::Object(
                        items
                            .iter()
                            .map(|(k, i)| (k.clone(), encode_block(&nested.block, i)))
                            .collect(),
                    ),
                    None => Json::Null,
                },
                None => encode_block(&nested.block, v),
            }
        } else {
            v.to_json()
        };
        out.insert(name.clone(), j);
    }
    Json::Object(out.into_iter().collect::<JsonMap<String, Json>>())
}

/// `{"value": V, "type": T}`, or null.
pub fn encode_dynamic(v: &Value) -> Json {
    let (v, _) = v.clone().unmark_deep();
    if v.is_null() {
        return Json::Null;
    }
    json!({"value": v.to_json(), "type": v.ty().to_json()})
}

fn join(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_string()
    } else {
        format!("{at}.{name}")
    }
}

fn name_of(at: &str) -> &str {
    if at.is_empty() {
        "attributes"
    } else {
        at
    }
}

fn kind(j: &Json) -> &'static str {
    match j {
        Json::Null => "null",
        Json::Bool(_) => "a bool",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::Mode;
    use crate::provider::catalog::testing::schema;

    #[test]
    fn dynamic_attributes_are_unwrapped_with_their_types() {
        // As terraform 1.11.4 wrote terraform_data with `triggers_replace = [var.gen]`.
        let block = &schema(Mode::Managed, "terraform_data").block;
        let j = json!({
            "id": "961e28b4-615f-48ad-3a03-b4fd47234890",
            "input": {"value": "2", "type": "string"},
            "output": {"value": {"n": 3, "tags": {"a": "b"}}, "type": ["object", {"n": "number", "tags": ["map", "string"]}]},
            "triggers_replace": {"value": ["2"], "type": ["tuple", ["string"]]}
        });
        let mut dropped = Vec::new();
        let v = decode_block(block, &j, "", &mut dropped).unwrap();
        assert!(dropped.is_empty());
        assert_eq!(v.get("input"), Some(&Value::string("2")));
        let out = v.get("output").unwrap();
        assert_eq!(out.get("tags").unwrap().ty(), Type::map(Type::String));
        assert_eq!(v.get("triggers_replace").unwrap().ty(), Type::tuple(vec![Type::String]));
        // And back, as Terraform wrote it.
        assert_eq!(encode_block(block, &v), j);
    }

    #[test]
    fn blocks_are_lists_and_missing_attributes_typed_nulls() {
        let block = &schema(Mode::Managed, "azurerm_resource_group").block;
        let j = json!({"id": "/x", "name": "rg", "location": "westeurope", "timeouts": null});
        let v = decode_block(block, &j, "", &mut Vec::new()).unwrap();
        assert_eq!(v.get("tags"), Some(&Value::Null(Type::map(Type::String))));
        let block = &schema(Mode::Managed, "azurerm_subnet").block;
        let v = decode_block(block, &json!({"delegation": null}), "", &mut Vec::new()).unwrap();
        assert_eq!(v.get("delegation").and_then(Value::as_seq).map(<[Value]>::len), Some(0));
    }

    #[test]
    fn attributes_the_schema_lacks_are_named_and_left_out() {
        let block = &schema(Mode::Managed, "azurerm_resource_group").block;
        let j = json!({"id": "/x", "name": "rg", "location": "westeurope", "brand_new": true});
        let mut dropped = Vec::new();
        let v = decode_block(block, &j, "", &mut dropped).unwrap();
        assert_eq!(dropped, vec!["brand_new".to_string()]);
        assert_eq!(v.get("brand_new"), None);
    }

    #[test]
    fn wrong_shapes_are_errors_that_name_the_place() {
        let block = &schema(Mode::Managed, "azurerm_subnet").block;
        let e = decode_block(block, &json!("x"), "", &mut Vec::new()).unwrap_err();
        assert_eq!(e, "attributes must be an object, not a string");
        let e = decode_block(block, &json!({"delegation": [7]}), "", &mut Vec::new()).unwrap_err();
        assert_eq!(e, "delegation[0] must be an object, not a number");
        let e = decode_block(block, &json!({"delegation": "x"}), "", &mut Vec::new()).unwrap_err();
        assert_eq!(e, "delegation must hold blocks, not a string");
        let block = &schema(Mode::Managed, "terraform_data").block;
        let e = decode_block(
            block,
            &json!({"input": {"value": 1, "type": "int"}}),
            "",
            &mut Vec::new(),
        )
        .unwrap_err();
        assert!(e.starts_with("input: invalid type of a dynamic value"), "{e}");
    }
}
