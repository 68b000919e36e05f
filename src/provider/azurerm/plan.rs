//! Planning one resource: what it will look like after apply, given its
//! configuration and its prior state, and which attribute changes force a
//! replacement. Pure: no I/O, no clock.
//!
//! - An optional-and-computed attribute left out of the configuration keeps
//!   its prior value (no diff), or is unknown on create.
//! - A value Azure normalises (a location written `West Europe`, an id in
//!   another case) equal to the prior value keeps the prior form (no diff).
//! - The id is derived from the names in it when they are known.

use super::mapper::build_id;
use crate::config::schema::{AttrSchema, BlockSchema, Compare, NestingMode, Schema};
use crate::lang::value::Map;
use crate::lang::Value;
use crate::provider::arm::normalize_location;

/// The planned value and the paths (`default_node_pool.0.name`) that force replacement.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub value: Value,
    pub replace_paths: Vec<String>,
}

pub fn plan(schema: &Schema, prior: Option<&Value>, config: &Value, subscription: &str) -> Planned {
    let mut replace = Vec::new();
    let mut value = plan_block(&schema.block, prior, config, "", &mut replace);
    super::types::in_place_exceptions(&schema.name, &value, &mut replace);
    if !replace.is_empty() {
        // A new resource: what Azure computes is not known yet.
        value = plan_block(
            &schema.block,
            None,
            &value_without_computed(&schema.block, &value),
            "",
            &mut Vec::new(),
        );
    }
    let keep_prior_id = prior.is_some() && replace.is_empty();
    let id = match (keep_prior_id, prior.and_then(|p| p.get("id"))) {
        (true, Some(id)) if !id.is_null() => id.clone(),
        _ => schema
            .arm
            .as_ref()
            .and_then(|arm| build_id(&arm.id, &value, subscription))
            .map(Value::String)
            .unwrap_or(Value::Unknown(crate::lang::types::Type::String)),
    };
    if let Some(m) = value.as_map_mut() {
        if schema.block.attributes.contains_key("id") {
            m.insert("id".into(), id);
        }
    }
    Planned {
        value,
        replace_paths: replace,
    }
}

/// The configuration part of a planned value: computed-only attributes nulled.
fn value_without_computed(block: &BlockSchema, v: &Value) -> Value {
    let Some(m) = v.as_map() else { return v.clone() };
    let mut out = m.clone();
    for (name, attr) in &block.attributes {
        if attr.is_read_only() {
            out.insert(name.clone(), Value::Null(attr.ty.clone()));
        }
    }
    Value::Object(out)
}

/// Whether two known values are the same for Azure.
pub fn equivalent(a: &Value, b: &Value, compare: Compare) -> bool {
    let (a, b) = (a.inner(), b.inner());
    match (a, b, compare) {
        (_, _, Compare::Exact) => a.same_as(b),
        (Value::String(x), Value::String(y), Compare::CaseInsensitive) => x.eq_ignore_ascii_case(y),
        (Value::String(x), Value::String(y), Compare::Location) => normalize_location(x) == normalize_location(y),
        (_, _, c) => match (a.as_seq(), b.as_seq()) {
            (Some(x), Some(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equivalent(p, q, c)),
            _ => a.same_as(b),
        },
    }
}

fn plan_attr(attr: &AttrSchema, prior: Option<&Value>, config: Option<&Value>) -> Value {
    let config = config.cloned().unwrap_or_else(|| Value::Null(attr.ty.clone()));
    if attr.is_read_only() {
        return prior.cloned().unwrap_or_else(|| Value::Unknown(attr.ty.clone()));
    }
    if config.is_null() && attr.computed {
        // Left to Azure: what it decided last time stands; on create, unknown.
        return prior.cloned().unwrap_or_else(|| Value::Unknown(attr.ty.clone()));
    }
    if let Some(p) = prior {
        // Azure never returns write-only values: state keeps their seal.
        if attr.write_only && super::sealed::is_sealed(p) && config.is_wholly_known() {
            return if super::sealed::matches(&config, p) {
                p.clone().mark_if(config.has_sensitive())
            } else {
                config
            };
        }
        if config.is_wholly_known() && !p.is_null() && equivalent(&config, p, attr.compare) {
            // Keep the prior form, and the configuration's sensitivity.
            return p.clone().mark_if(config.has_sensitive());
        }
    }
    config
}

fn changed(prior: &Value, planned: &Value) -> bool {
    !planned.is_wholly_known() || !prior.same_as(planned)
}

fn plan_block(
    block: &BlockSchema,
    prior: Option<&Value>,
    config: &Value,
    path: &str,
    replace: &mut Vec<String>,
) -> Value {
    let mut out = Map::new();
    for (name, attr) in &block.attributes {
        let p = prior.and_then(|p| p.get(name));
        let planned = plan_attr(attr, p, config.get(name));
        if attr.force_new && !attr.is_read_only() {
            if let Some(p) = p {
                let p_null = p.is_null();
                if !(p_null && planned.is_null())
                    && changed(p, &planned)
                    && !(attr.computed && !planned.is_known() && p_null)
                {
                    replace.push(format!("{path}{name}"));
                }
            }
        }
        out.insert(name.clone(), planned);
    }
    for (name, nested) in &block.block_types {
        let mut cfg_items: Vec<Value> = config
            .get(name)
            .and_then(Value::as_seq)
            .map(<[Value]>::to_vec)
            .unwrap_or_default();
        let prior_items: Vec<Value> = prior
            .and_then(|p| p.get(name))
            .and_then(Value::as_seq)
            .map(<[Value]>::to_vec)
            .unwrap_or_default();
        if config.get(name).is_some_and(|v| !v.is_known()) {
            out.insert(name.clone(), Value::Unknown(nested.collection_type()));
            continue;
        }
        if cfg_items.is_empty() && nested.computed {
            // An optional-and-computed block left out: Azure's stands.
            cfg_items = prior_items.clone();
        }
        let mut nested_replace = Vec::new();
        let items: Vec<Value> = match nested.nesting {
            NestingMode::List => cfg_items
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    plan_block(
                        &nested.block,
                        prior_items.get(i),
                        c,
                        &format!("{path}{name}.{i}."),
                        &mut nested_replace,
                    )
                })
                .collect(),
            NestingMode::Set => cfg_items
                .iter()
                .map(|c| {
                    let matching = prior_items.iter().find(|p| {
                        let planned = plan_block(&nested.block, Some(p), c, "", &mut Vec::new());
                        !changed(p, &planned)
                    });
                    plan_block(&nested.block, matching, c, &format!("{path}{name}."), &mut Vec::new())
                })
                .collect(),
        };
        let object = nested.block.object_type().clone();
        let planned = match nested.nesting {
            NestingMode::List => Value::List(object, items),
            NestingMode::Set => Value::set_of(object, items),
        };
        if prior.is_some() {
            let count_changed = cfg_items.len() != prior_items.len();
            let whole_block =
                nested.force_new && (count_changed || changed(&Value::Tuple(prior_items.clone()), &planned));
            if whole_block || (count_changed && !nested_replace.is_empty()) {
                replace.push(format!("{path}{name}"));
            } else {
                replace.extend(nested_replace);
            }
        }
        out.insert(name.clone(), planned);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::Mode;
    use crate::config::schema::lookup;
    use crate::lang::eval::eval_standalone;

    fn rg() -> &'static Schema {
        lookup(Mode::Managed, "azurerm_resource_group").unwrap()
    }

    #[test]
    fn create_derives_the_id_from_names() {
        let cfg =
            eval_standalone(r#"{ name = "rg1", location = "West Europe", tags = null, managed_by = null, id = null }"#)
                .unwrap();
        let p = plan(rg(), None, &cfg, "sub");
        assert_eq!(
            p.value.get("id"),
            Some(&Value::string("/subscriptions/sub/resourceGroups/rg1"))
        );
        assert!(p.replace_paths.is_empty());
    }

    #[test]
    fn normalised_values_make_no_diff_and_force_new_changes_replace() {
        let prior = eval_standalone(r#"{ id = "/subscriptions/sub/resourceGroups/rg1", name = "rg1", location = "westeurope", tags = null, managed_by = null }"#).unwrap();
        let same =
            eval_standalone(r#"{ name = "rg1", location = "West Europe", tags = null, managed_by = null, id = null }"#)
                .unwrap();
        let p = plan(rg(), Some(&prior), &same, "sub");
        assert_eq!(p.value, prior);
        let moved =
            eval_standalone(r#"{ name = "rg1", location = "eastus", tags = null, managed_by = null, id = null }"#)
                .unwrap();
        let p = plan(rg(), Some(&prior), &moved, "sub");
        assert_eq!(p.replace_paths, vec!["location"]);
    }

    #[test]
    fn omitted_optional_computed_attributes_keep_prior_values() {
        let schema = lookup(Mode::Managed, "azurerm_user_assigned_identity").unwrap();
        let prior = eval_standalone(r#"{ id = "/x", name = "i", resource_group_name = "rg", location = "westeurope", tags = null, principal_id = "p", client_id = "c", tenant_id = "t" }"#).unwrap();
        let cfg = eval_standalone(
            r#"{ name = "i", resource_group_name = "rg", location = "westeurope", tags = { a = "b" } }"#,
        )
        .unwrap();
        let p = plan(schema, Some(&prior), &cfg, "sub");
        assert_eq!(p.value.get("principal_id"), Some(&Value::string("p")));
        assert_eq!(p.value.get("id"), Some(&Value::string("/x")));
        assert!(p.replace_paths.is_empty());
    }
}
