//! A provider's answers as state keeps them: typed by their schema, with
//! the sensitive marks the schema gives (cloud answers carry none).

use crate::lang::Value;
use crate::schema::BlockSchema;

/// Marks the attributes a schema calls sensitive, however the value was
/// obtained (ARM responses carry no marks).
pub fn mark_sensitive(block: &BlockSchema, mut value: Value) -> Value {
    let Some(m) = value.as_map_mut() else {
        return value;
    };
    for (name, attr) in &block.attributes {
        if attr.sensitive {
            if let Some(v) = m.remove(name) {
                let marked = if v.is_null() { v } else { v.mark() };
                m.insert(name.clone(), marked);
            }
        }
    }
    for (name, nested) in &block.block_types {
        if let Some(items) = m.get_mut(name).and_then(Value::as_seq_mut) {
            for item in items.iter_mut() {
                *item = mark_sensitive(&nested.block, std::mem::take(item));
            }
        }
    }
    value
}

/// A value a provider answered with, as state keeps it: its schema's
/// types (absent attributes typed nulls) and sensitive marks.
pub fn settle(block: &BlockSchema, value: Value) -> Value {
    mark_sensitive(block, conform(block, value))
}

/// Gives a value read from JSON (state, a saved plan) its schema's types
/// back: sets are sets, numbers are numbers, absent attributes typed nulls.
pub fn conform(block: &BlockSchema, value: Value) -> Value {
    crate::lang::types::conform(value, block.object_type())
}
