//! Setting and taking values at JSON pointers of an ARM body, and setting
//! an attribute a value already has, for the hooks of types whose bodies
//! the overlay's paths cannot say. It knows no type.

use crate::lang::Value;
use serde_json::{json, Value as Json};

/// Sets an attribute the value already has (a resource's, not a data
/// source's that lacks it).
pub fn set_known(value: &mut Value, key: &str, v: Value) {
    if let Some(slot) = value.as_map_mut().and_then(|m| m.get_mut(key)) {
        *slot = v;
    }
}

/// Sets `v` at a JSON pointer, making the objects on the way.
pub fn set_pointer(doc: &mut Json, pointer: &str, v: Json) {
    let mut at = doc;
    let mut keys = pointer.trim_start_matches('/').split('/').peekable();
    while let Some(k) = keys.next() {
        if !at.is_object() {
            *at = json!({});
        }
        let slot = at
            .as_object_mut()
            .expect("just made an object")
            .entry(k.to_string())
            .or_insert(Json::Null);
        if keys.peek().is_none() {
            *slot = v;
            return;
        }
        at = slot;
    }
}

/// Removes the value at a JSON pointer, if any.
pub fn remove_pointer(doc: &mut Json, pointer: &str) -> Option<Json> {
    let (parent, key) = pointer.rsplit_once('/')?;
    doc.pointer_mut(parent)?.as_object_mut()?.remove(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_make_their_way_and_remove() {
        let mut doc = json!({"properties": 3});
        set_pointer(&mut doc, "/properties/a/b", json!(1));
        assert_eq!(doc, json!({"properties": {"a": {"b": 1}}}));
        assert_eq!(remove_pointer(&mut doc, "/properties/a/b"), Some(json!(1)));
        assert_eq!(remove_pointer(&mut doc, "/nothing/here"), None);
    }
}
