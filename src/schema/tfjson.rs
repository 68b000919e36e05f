//! Reads Terraform's schema format, the output of
//! `terraform providers schema -json`: the facts of each type.
//!
//! Descriptions are not read. Fields a newer Terraform adds are ignored, so
//! that a user can point aksplan at the output of a newer provider.

use super::block::{AttrSchema, BlockSchema, NestedBlock, NestingMode};
use crate::lang::types::Type;
use indexmap::IndexMap;
use serde::Deserialize;

/// One type's entry: `{"version": 2, "block": {...}}`.
#[derive(Deserialize)]
pub struct TypeJson {
    #[serde(default)]
    pub version: u64,
    pub block: BlockJson,
}

#[derive(Deserialize, Default)]
pub struct BlockJson {
    #[serde(default)]
    attributes: IndexMap<String, AttrJson>,
    #[serde(default)]
    block_types: IndexMap<String, NestedJson>,
}

#[derive(Deserialize)]
struct AttrJson {
    #[serde(rename = "type", default)]
    ty: Option<serde_json::Value>,
    #[serde(default)]
    nested_type: Option<NestedTypeJson>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    computed: bool,
    #[serde(default)]
    sensitive: bool,
    #[serde(default)]
    deprecated: bool,
    #[serde(default)]
    write_only: bool,
}

/// A nested attribute type (protocol 6): attributes in an object, nested.
#[derive(Deserialize)]
struct NestedTypeJson {
    #[serde(default)]
    attributes: IndexMap<String, AttrJson>,
    nesting_mode: NestingMode,
}

#[derive(Deserialize)]
struct NestedJson {
    nesting_mode: NestingMode,
    #[serde(default)]
    block: BlockJson,
    #[serde(default)]
    min_items: usize,
    #[serde(default)]
    max_items: Option<usize>,
}

/// Converts a block, naming the path of anything malformed.
pub fn block(raw: BlockJson, at: &str) -> Result<BlockSchema, String> {
    let mut attributes = IndexMap::new();
    for (name, a) in raw.attributes {
        let path = format!("{at}.{name}");
        let ty = attr_type(&a, &path)?;
        attributes.insert(
            name,
            AttrSchema {
                required: a.required,
                optional: a.optional,
                computed: a.computed,
                sensitive: a.sensitive,
                ephemeral: a.write_only,
                deprecated: a.deprecated.then(String::new),
                ..AttrSchema::optional(ty)
            },
        );
    }
    let mut block_types = IndexMap::new();
    for (name, b) in raw.block_types {
        let path = format!("{at}.{name}");
        block_types.insert(
            name,
            NestedBlock {
                nesting: b.nesting_mode,
                computed: false,
                min_items: b.min_items,
                max_items: b.max_items,
                force_new: false,
                description: String::new(),
                arm: None,
                arm_const: Default::default(),
                unmapped: None,
                by_code: false,
                block: block(b.block, &path)?,
            },
        );
    }
    Ok(BlockSchema::new(attributes, block_types))
}

fn attr_type(a: &AttrJson, path: &str) -> Result<Type, String> {
    match (&a.ty, &a.nested_type) {
        (Some(t), _) => Type::from_json(t).map_err(|e| format!("{path}: {e}")),
        (None, Some(n)) => {
            // A nested attribute's own optional attributes may be left out.
            let mut fields = std::collections::BTreeMap::new();
            for (k, inner) in &n.attributes {
                let ty = attr_type(inner, &format!("{path}.{k}"))?;
                let field = crate::lang::types::ObjectAttr {
                    ty,
                    optional: !inner.required,
                    default: None,
                };
                fields.insert(k.clone(), field);
            }
            let object = Type::Object(std::sync::Arc::new(fields));
            Ok(match n.nesting_mode {
                NestingMode::List => Type::list(object),
                NestingMode::Set => Type::set(object),
                NestingMode::Map => Type::map(object),
                NestingMode::Single | NestingMode::Group => object,
            })
        }
        (None, None) => Err(format!("{path}: an attribute with neither type nor nested_type")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<BlockSchema, String> {
        let t: TypeJson = serde_json::from_str(text).map_err(|e| e.to_string())?;
        block(t.block, "t")
    }

    #[test]
    fn facts_are_read_and_descriptions_ignored() {
        let b = parse(
            r#"{"version": 1, "block": {
                "attributes": {
                    "name": {"type": "string", "required": true, "description": "x", "description_kind": "plain"},
                    "tags": {"type": ["map", "string"], "optional": true},
                    "secret": {"type": "string", "computed": true, "sensitive": true},
                    "old": {"type": "bool", "optional": true, "deprecated": true},
                    "conn": {"nested_type": {"nesting_mode": "list", "attributes": {"host": {"type": "string", "optional": true}}}, "optional": true}
                },
                "block_types": {
                    "timeouts": {"nesting_mode": "single", "block": {"attributes": {"create": {"type": "string", "optional": true}}}},
                    "pool": {"nesting_mode": "list", "min_items": 1, "max_items": 1, "block": {}}
                }
            }}"#,
        )
        .unwrap();
        assert!(b.attributes["name"].required);
        assert!(b.attributes["secret"].sensitive && b.attributes["secret"].is_read_only());
        assert_eq!(b.attributes["old"].deprecated.as_deref(), Some(""));
        let Type::List(conn) = &b.attributes["conn"].ty else {
            panic!()
        };
        let Type::Object(fields) = &**conn else { panic!() };
        assert!(fields["host"].optional, "an optional nested attribute may be left out");
        assert_eq!(b.block_types["timeouts"].nesting, NestingMode::Single);
        assert_eq!(b.block_types["pool"].min_items, 1);
        assert_eq!(b.block_types["pool"].max_items, Some(1));
    }

    #[test]
    fn malformed_types_name_their_path() {
        let e = parse(r#"{"block": {"attributes": {"a": {"type": "str", "optional": true}}}}"#).unwrap_err();
        assert!(e.starts_with("t.a:"), "{e}");
        let e = parse(r#"{"block": {"attributes": {"a": {"optional": true}}}}"#).unwrap_err();
        assert!(e.contains("neither type nor nested_type"), "{e}");
    }
}
