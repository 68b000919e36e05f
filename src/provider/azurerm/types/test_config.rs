//! Test only: a configuration of a type as the core evaluates a resource
//! body, for the tests of the types' hooks: every attribute present, what
//! the body leaves out its default or null, at every level of blocks.

use crate::addrs::Mode;
use crate::lang::eval::eval_standalone;
use crate::lang::Value;
use crate::provider::catalog::testing::schema;
use crate::schema::BlockSchema;

/// The configuration `text` (an object expression) of resource `type_name`.
pub fn config(type_name: &str, text: &str) -> Value {
    let v = eval_standalone(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    complete(&schema(Mode::Managed, type_name).block, v)
}

fn complete(block: &BlockSchema, mut v: Value) -> Value {
    let Some(m) = v.as_map_mut() else { return v };
    for (name, attr) in &block.attributes {
        if m.get(name).is_none_or(Value::is_null) {
            let d = attr.default.clone().unwrap_or_else(|| Value::Null(attr.ty.clone()));
            m.insert(name.clone(), d);
        }
    }
    for (name, nested) in &block.block_types {
        if !m.contains_key(name) {
            let empty = if nested.nesting.is_sequence() {
                Value::Tuple(Vec::new())
            } else {
                Value::Null(nested.collection_type())
            };
            m.insert(name.clone(), empty);
        }
        if let Some(items) = m.get_mut(name).and_then(Value::as_seq_mut) {
            for item in items.iter_mut() {
                *item = complete(&nested.block, item.clone());
            }
        }
    }
    v
}
