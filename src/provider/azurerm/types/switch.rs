//! Booleans Azure keeps as the strings `Enabled` and `Disabled`
//! (`publicNetworkAccess`, a Grafana workspace's `apiKey`): written from a
//! type's attributes into its ARM body, and read back. It knows no type;
//! each type names its switches. Reading sets only attributes the value
//! has, so a data source laid over the same overlay is left as it is.

use crate::lang::Value;
use serde_json::{json, Value as Json};

/// A boolean attribute and where its `Enabled`/`Disabled` string lives.
pub struct Switch {
    pub attribute: &'static str,
    /// The property's JSON pointer, `/properties/publicNetworkAccess`.
    pub pointer: &'static str,
    /// What azurerm reads when Azure leaves the property out; `None` to
    /// keep what the attribute was.
    pub absent: Option<bool>,
}

/// Writes each known switch into the body.
pub fn write(switches: &[Switch], value: &Value, body: &mut Json) {
    for s in switches {
        let Some(on) = value.get(s.attribute).and_then(|v| v.inner().as_bool()) else {
            continue;
        };
        let word = if on { "Enabled" } else { "Disabled" };
        set_pointer(body, s.pointer, json!(word));
    }
}

/// Reads each switch from an answer into the value.
pub fn read(switches: &[Switch], doc: &Json, value: &mut Value) {
    for s in switches {
        let on = match doc.pointer(s.pointer).and_then(Json::as_str) {
            Some(word) => Some(word.eq_ignore_ascii_case("Enabled")),
            None => s.absent,
        };
        if let Some(on) = on {
            set_known(value, s.attribute, Value::Bool(on));
        }
    }
}

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
    use crate::lang::value::Map;

    const PUBLIC: Switch = Switch {
        attribute: "public_network_access_enabled",
        pointer: "/properties/publicNetworkAccess",
        absent: Some(true),
    };

    fn value(on: Option<bool>) -> Value {
        let v = on
            .map(Value::Bool)
            .unwrap_or(Value::Null(crate::lang::types::Type::Bool));
        Value::Object(Map::from([("public_network_access_enabled".to_string(), v)]))
    }

    #[test]
    fn a_switch_is_written_as_enabled_or_disabled_and_read_back() {
        let mut body = json!({"location": "x"});
        write(&[PUBLIC], &value(Some(false)), &mut body);
        assert_eq!(body["properties"]["publicNetworkAccess"], "Disabled");
        let mut body = json!({});
        write(&[PUBLIC], &value(None), &mut body);
        assert_eq!(body, json!({}), "a null attribute is not sent");

        let mut v = value(Some(true));
        read(
            &[PUBLIC],
            &json!({"properties": {"publicNetworkAccess": "Disabled"}}),
            &mut v,
        );
        assert_eq!(v.get("public_network_access_enabled"), Some(&Value::Bool(false)));
        read(&[PUBLIC], &json!({}), &mut v);
        assert_eq!(
            v.get("public_network_access_enabled"),
            Some(&Value::Bool(true)),
            "absent"
        );
    }

    #[test]
    fn reading_leaves_attributes_the_value_lacks_alone() {
        let mut v = Value::Object(Map::new());
        read(
            &[PUBLIC],
            &json!({"properties": {"publicNetworkAccess": "Enabled"}}),
            &mut v,
        );
        assert_eq!(v, Value::Object(Map::new()));
    }

    #[test]
    fn pointers_make_their_way_and_remove() {
        let mut doc = json!({"properties": 3});
        set_pointer(&mut doc, "/properties/a/b", json!(1));
        assert_eq!(doc, json!({"properties": {"a": {"b": 1}}}));
        assert_eq!(remove_pointer(&mut doc, "/properties/a/b"), Some(json!(1)));
        assert_eq!(remove_pointer(&mut doc, "/nothing/here"), None);
    }
}
