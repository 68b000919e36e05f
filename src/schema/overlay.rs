//! Overlays: what aksplan knows of a type beyond Terraform's facts.
//!
//! An overlay file names the type's ARM resource and, attribute by
//! attribute, where each lives in the ARM body and how it is planned
//! (`force_new`, `default`, `compare`, `conflicts_with`). It holds no
//! facts: types and flags come from the provider schema, and an overlay
//! entry for an attribute that schema lacks is an error.

use super::block::{Allowed, ArmPath, ArmShape, ArmType, BlockSchema, Compare};
use crate::lang::Value;
use indexmap::IndexMap;
use serde::Deserialize;

/// A type's overlay file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub arm: Option<ArmType>,
    #[serde(default)]
    pub block: OverlayBlock,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct OverlayBlock {
    #[serde(default)]
    attributes: IndexMap<String, OverlayAttr>,
    #[serde(default)]
    block_types: IndexMap<String, OverlayNested>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OverlayAttr {
    #[serde(default)]
    force_new: bool,
    /// Marks a secret the provider's schema leaves unmarked (protected
    /// settings): an overlay may add the mark, never take it away.
    #[serde(default)]
    sensitive: bool,
    #[serde(default)]
    default: Option<serde_json::Value>,
    #[serde(default)]
    conflicts_with: Vec<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    deprecated: Option<String>,
    #[serde(default)]
    arm: Option<String>,
    #[serde(default)]
    arm_shape: ArmShape,
    /// What the attribute reads as when ARM's answer leaves its property
    /// out (a switch Azure only returns once it was set).
    #[serde(default)]
    arm_absent: Option<serde_json::Value>,
    #[serde(default)]
    compare: Compare,
    #[serde(default)]
    write_only: bool,
    #[serde(default)]
    by_code: bool,
    /// The values the provider accepts (azurerm's `StringInSlice`).
    #[serde(default)]
    one_of: Vec<String>,
    /// Whether `one_of` ignores case, as azurerm does for some.
    #[serde(default)]
    ignore_case: bool,
    /// A table of facts the value must be in: `vm_sizes`.
    #[serde(default)]
    one_of_table: Option<String>,
    /// Why the attribute is deliberately not sent to the cloud.
    #[serde(default)]
    unmapped: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OverlayNested {
    #[serde(default)]
    force_new: bool,
    #[serde(default)]
    computed: bool,
    #[serde(default)]
    description: String,
    #[serde(default)]
    arm: Option<String>,
    #[serde(default)]
    arm_const: serde_json::Map<String, serde_json::Value>,
    /// Why the block is deliberately not sent to the cloud.
    #[serde(default)]
    unmapped: Option<String>,
    /// The type's code sends and reads the block.
    #[serde(default)]
    by_code: bool,
    #[serde(default)]
    block: OverlayBlock,
}

/// How strictly an overlay must match the schema it is laid over.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Every name in the overlay is in the schema (a type's own overlay).
    Exact,
    /// Names the schema lacks are skipped (a resource's overlay laid over
    /// the data source of the same name, which has fewer attributes).
    Lenient,
}

/// Lays an overlay block over a schema block.
pub fn apply(block: &mut BlockSchema, overlay: &OverlayBlock, fit: Fit, at: &str) -> Result<(), String> {
    for (name, o) in &overlay.attributes {
        let path = format!("{at}.{name}");
        let Some(a) = block.attributes.get_mut(name) else {
            if fit == Fit::Exact {
                return Err(format!(
                    "{path}: the overlay names an attribute the schema does not have"
                ));
            }
            continue;
        };
        let arm = o
            .arm
            .as_deref()
            .map(ArmPath::parse)
            .transpose()
            .map_err(|e| format!("{path}: {e}"))?;
        if let Some(d) = &o.default {
            let v =
                crate::lang::types::convert(Value::from_json(d), &a.ty).map_err(|e| format!("{path}: default: {e}"))?;
            a.default = Some(v);
        }
        if let Some(d) = &o.arm_absent {
            let v = crate::lang::types::convert(Value::from_json(d), &a.ty)
                .map_err(|e| format!("{path}: arm_absent: {e}"))?;
            a.arm_absent = Some(v);
        }
        a.force_new |= o.force_new;
        a.sensitive |= o.sensitive;
        a.conflicts_with.clone_from(&o.conflicts_with);
        a.description.clone_from(&o.description);
        if o.deprecated.is_some() {
            a.deprecated.clone_from(&o.deprecated);
        }
        a.arm = arm;
        a.arm_shape = o.arm_shape;
        a.compare = o.compare;
        a.write_only = o.write_only;
        a.by_code = o.by_code;
        a.unmapped.clone_from(&o.unmapped);
        a.allowed = match (o.one_of_table.as_deref(), o.one_of.is_empty()) {
            (Some("vm_sizes"), true) => Some(Allowed::VmSize),
            (Some(t), true) => return Err(format!("{path}: one_of_table: no table named {t:?} (vm_sizes)")),
            (Some(_), false) => return Err(format!("{path}: one_of and one_of_table cannot both be set")),
            (None, false) => Some(Allowed::Values {
                values: o.one_of.clone(),
                ignore_case: o.ignore_case,
            }),
            (None, true) => None,
        };
    }
    for (name, o) in &overlay.block_types {
        let path = format!("{at}.{name}");
        let Some(b) = block.block_types.get_mut(name) else {
            if fit == Fit::Exact {
                return Err(format!(
                    "{path}: the overlay names a block type the schema does not have"
                ));
            }
            continue;
        };
        b.force_new |= o.force_new;
        b.computed |= o.computed;
        b.description.clone_from(&o.description);
        b.arm = o
            .arm
            .as_deref()
            .map(ArmPath::parse)
            .transpose()
            .map_err(|e| format!("{path}: {e}"))?;
        b.arm_const.clone_from(&o.arm_const);
        b.unmapped.clone_from(&o.unmapped);
        b.by_code = o.by_code;
        apply(&mut b.block, &o.block, fit, &path)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::tfjson;

    fn schema() -> BlockSchema {
        let t: tfjson::TypeJson = serde_json::from_str(
            r#"{"block": {"attributes": {"name": {"type": "string", "required": true},
                "size": {"type": "number", "optional": true}},
              "block_types": {"pool": {"nesting_mode": "list", "block": {"attributes": {"n": {"type": "string", "optional": true}}}}}}}"#,
        )
        .unwrap();
        tfjson::block(t.block, "t").unwrap()
    }

    fn overlay(text: &str) -> Overlay {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn an_overlay_adds_what_the_facts_lack() {
        let mut b = schema();
        let o = overlay(
            r#"{"name": "t", "block": {"attributes": {"name": {"force_new": true},
                "size": {"default": "3", "arm": "properties.size"}},
              "block_types": {"pool": {"arm": "properties.pools", "block": {"attributes": {"n": {"arm": "name"}}}}}}}"#,
        );
        apply(&mut b, &o.block, Fit::Exact, "t").unwrap();
        assert!(b.attributes["name"].force_new);
        assert_eq!(b.attributes["size"].default, Some(Value::from(3.0)));
        assert!(b.attributes["size"].arm.is_some());
        assert!(b.block_types["pool"].block.attributes["n"].arm.is_some());
    }

    #[test]
    fn an_overlay_naming_what_the_schema_lacks_is_refused_unless_lenient() {
        let o = overlay(r#"{"name": "t", "block": {"attributes": {"nope": {"force_new": true}}}}"#);
        let e = apply(&mut schema(), &o.block, Fit::Exact, "t").unwrap_err();
        assert!(e.contains("t.nope"), "{e}");
        apply(&mut schema(), &o.block, Fit::Lenient, "t").unwrap();
        let bad_default = overlay(r#"{"name": "t", "block": {"attributes": {"size": {"default": "x"}}}}"#);
        assert!(apply(&mut schema(), &bad_default.block, Fit::Exact, "t").is_err());
    }
}
