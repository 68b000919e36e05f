//! Test only: a resource planned from a configuration written in HCL, with
//! what evaluating its body fills in (the overlay's defaults, empty blocks),
//! and an ARM answer read back as `decode` reads it, for the hooks' tests.

use super::hooks;
use crate::addrs::Mode;
use crate::lang::eval::eval_standalone;
use crate::lang::Value;
use crate::provider::azurerm::{mapper, plan_resource};
use crate::provider::catalog::testing::schema as lookup;
use crate::schema::{BlockSchema, NestingMode, Schema};
use serde_json::Value as Json;

/// Fills what a body leaves out: defaults, nulls and empty blocks, nested
/// objects included, so that the value converts to the block's type.
fn fill(block: &BlockSchema, v: &mut Value) {
    let Some(m) = v.as_map_mut() else { return };
    for (name, attr) in &block.attributes {
        m.entry(name.clone())
            .or_insert_with(|| attr.default.clone().unwrap_or(Value::Null(attr.ty.clone())));
    }
    for (name, nested) in &block.block_types {
        let ty = nested.block.object_type().clone();
        let entry = m.entry(name.clone()).or_insert_with(|| match nested.nesting {
            NestingMode::Single | NestingMode::Group | NestingMode::Map => Value::Null(ty.clone()),
            _ => Value::Tuple(Vec::new()),
        });
        if let Some(items) = entry.as_seq_mut() {
            items.iter_mut().for_each(|i| fill(&nested.block, i));
        }
    }
}

/// A type's configuration, as its body evaluates, and a create's plan of it.
pub fn planned(type_name: &str, hcl: &str) -> (&'static Schema, Value, Value) {
    let schema = lookup(Mode::Managed, type_name);
    let mut config = eval_standalone(hcl).unwrap();
    fill(&schema.block, &mut config);
    let config = crate::lang::types::convert(config, schema.block.object_type()).unwrap();
    let planned = plan_resource(schema, None, &config, "sub").value;
    (schema, config, planned)
}

/// The body sent for a planned value.
pub fn body(schema: &Schema, planned: &Value) -> Json {
    let mut body = mapper::to_arm(&schema.block, planned);
    hooks(&schema.name).to_arm(planned, &mut body);
    body
}

/// An answer read back, as a read after apply reads it.
pub fn read(schema: &Schema, answer: &Json, prior: &Value) -> Value {
    let h = hooks(&schema.name);
    let doc = h.normalize_arm(answer, Some(prior));
    let mut value = mapper::from_arm(&schema.block, &doc, Some(prior));
    h.read_arm(&doc, &mut value, "sub");
    value
}

/// Whether planning `config` again over `state` changes nothing.
pub fn plans_clean(schema: &Schema, state: &Value, config: &Value) -> Result<(), String> {
    let again = plan_resource(schema, Some(state), config, "sub");
    if !again.replace_paths.is_empty() {
        return Err(format!("replaces {:?}", again.replace_paths));
    }
    for (name, attr) in &schema.block.attributes {
        if attr.is_read_only() {
            continue;
        }
        let (a, b) = (again.value.get(name).unwrap(), state.get(name).unwrap());
        if !a.same_as(b) {
            return Err(format!("{name}: planned {a:?}, state {b:?}"));
        }
    }
    for name in schema.block.block_types.keys() {
        let (a, b) = (again.value.get(name).unwrap(), state.get(name).unwrap());
        if !a.same_as(b) {
            return Err(format!("{name}: planned {a:?}, state {b:?}"));
        }
    }
    Ok(())
}
