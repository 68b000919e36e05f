//! Schema-driven planning, shared by every provider: what an instance
//! will look like after apply, given its configuration and its prior
//! value, and which attribute changes force a replacement. Pure: no I/O,
//! no clock.
//!
//! - An optional-and-computed attribute left out of the configuration keeps
//!   its prior value (no diff), or is unknown on create.
//! - A value the cloud normalises (a location written `West Europe`, an id
//!   in another case) equal to the prior value keeps the prior form.
//! - A change to a `force_new` attribute replaces the instance; a replaced
//!   instance is planned as new, its computed attributes unknown.

use super::sealed;
use crate::lang::value::Map;
use crate::lang::Value;
use crate::provider::arm::normalize_location;
use crate::schema::{AttrSchema, BlockSchema, Compare, NestedBlock, NestingMode};

/// Plans a block; `adjust` may take back replacements a type allows in
/// place, before a replaced instance is planned as new.
pub fn plan(
    block: &BlockSchema,
    prior: Option<&Value>,
    config: &Value,
    adjust: impl FnOnce(&Value, &mut Vec<String>),
) -> (Value, Vec<String>) {
    let mut replace = Vec::new();
    let mut value = plan_block(block, prior, config, "", &mut replace);
    adjust(&value, &mut replace);
    if !replace.is_empty() {
        // A new object, planned from its configuration: what the cloud
        // computes, and what the configuration leaves to it, is not known yet.
        value = plan_block(block, None, config, "", &mut Vec::new());
    }
    (value, replace)
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
        if attr.write_only && sealed::is_sealed(p) && config.is_wholly_known() {
            return if sealed::matches(&config, p) {
                p.clone().mark_if(config.has_sensitive())
            } else {
                config
            };
        }
        if config.is_wholly_known() && !p.is_null() && equivalent(&config, p, attr.compare) {
            // Keep the prior form, and the configuration's sensitivity, at
            // its paths (a secret inside an object marks that secret, as
            // Terraform marks it, not the whole object).
            let paths = crate::state::file::sensitive_paths(&config);
            return crate::state::file::mark_paths(p.clone(), &paths);
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
        let cfg = config.get(name);
        if cfg.is_some_and(|v| !v.is_known()) {
            out.insert(name.clone(), Value::Unknown(nested.collection_type()));
            continue;
        }
        let p = prior.and_then(|p| p.get(name));
        let planned = match nested.nesting {
            NestingMode::List | NestingMode::Set => {
                plan_sequence(nested, p, cfg, prior.is_some(), &format!("{path}{name}"), replace)
            }
            NestingMode::Single | NestingMode::Group => plan_single(nested, p, cfg, &format!("{path}{name}"), replace),
            NestingMode::Map => plan_map(nested, p, cfg, &format!("{path}{name}"), replace),
        };
        out.insert(name.clone(), planned);
    }
    Value::Object(out)
}

/// A list or set of blocks.
fn plan_sequence(
    nested: &NestedBlock,
    prior: Option<&Value>,
    config: Option<&Value>,
    has_prior: bool,
    path: &str,
    replace: &mut Vec<String>,
) -> Value {
    let mut cfg_items: Vec<Value> = config
        .and_then(Value::as_seq)
        .map(<[Value]>::to_vec)
        .unwrap_or_default();
    let prior_items: Vec<Value> = prior.and_then(Value::as_seq).map(<[Value]>::to_vec).unwrap_or_default();
    if cfg_items.is_empty() && nested.computed {
        if prior.is_none_or(Value::is_null) {
            // Left out on create: what the cloud will fill in is not known yet.
            return Value::Unknown(nested.collection_type());
        }
        // An optional-and-computed block left out: the cloud's stands.
        cfg_items = prior_items.clone();
    }
    let mut nested_replace = Vec::new();
    let object = nested.block.object_type().clone();
    let planned = if nested.nesting == NestingMode::List {
        let items = cfg_items
            .iter()
            .enumerate()
            .map(|(i, c)| {
                plan_block(
                    &nested.block,
                    prior_items.get(i),
                    c,
                    &format!("{path}.{i}."),
                    &mut nested_replace,
                )
            })
            .collect();
        Value::List(object, items)
    } else {
        let items = cfg_items
            .iter()
            .map(|c| {
                let matching = prior_items.iter().find(|p| {
                    let planned = plan_block(&nested.block, Some(p), c, "", &mut Vec::new());
                    !changed(p, &planned)
                });
                plan_block(&nested.block, matching, c, &format!("{path}."), &mut Vec::new())
            })
            .collect();
        Value::set_of(object, items)
    };
    if has_prior {
        let count_changed = cfg_items.len() != prior_items.len();
        let whole_block = nested.force_new && (count_changed || changed(&Value::Tuple(prior_items), &planned));
        if whole_block || (count_changed && !nested_replace.is_empty()) {
            replace.push(path.to_string());
        } else {
            replace.extend(nested_replace);
        }
    }
    planned
}

/// A single block (`timeouts`): an object, or null when left out.
fn plan_single(
    nested: &NestedBlock,
    prior: Option<&Value>,
    config: Option<&Value>,
    path: &str,
    replace: &mut Vec<String>,
) -> Value {
    let prior = prior.filter(|p| !p.is_null());
    let config = match config.filter(|c| !c.is_null()) {
        Some(c) => c.clone(),
        None if nested.nesting == NestingMode::Group => Value::Object(Map::new()),
        None if nested.computed => return prior.cloned().unwrap_or_else(|| Value::Null(nested.collection_type())),
        None => {
            if nested.force_new && prior.is_some() {
                replace.push(path.to_string());
            }
            return Value::Null(nested.collection_type());
        }
    };
    let mut inner = Vec::new();
    let planned = plan_block(&nested.block, prior, &config, &format!("{path}."), &mut inner);
    if nested.force_new && prior.is_some_and(|p| changed(p, &planned)) {
        replace.push(path.to_string());
    } else {
        replace.extend(inner);
    }
    planned
}

/// Labelled blocks: a map of objects, each planned against the prior of its label.
fn plan_map(
    nested: &NestedBlock,
    prior: Option<&Value>,
    config: Option<&Value>,
    path: &str,
    replace: &mut Vec<String>,
) -> Value {
    let object = nested.block.object_type().clone();
    let Some(entries) = config.and_then(Value::as_map) else {
        return Value::Null(nested.collection_type());
    };
    let mut out = Map::new();
    for (k, c) in entries {
        let p = prior.and_then(|p| p.get(k)).filter(|p| !p.is_null());
        out.insert(
            k.clone(),
            plan_block(&nested.block, p, c, &format!("{path}.{k}."), replace),
        );
    }
    Value::Map(object, out)
}
