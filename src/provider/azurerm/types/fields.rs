//! ARM shapes an overlay's paths cannot say, for the attributes a type's
//! hooks handle (`by_code` in its overlay): strings kept as objects of one
//! key (`[{"id": ...}]`), a bool kept as `Enabled`/`Disabled` or negated, a
//! map kept as a list of pairs, and the objects of an attribute written as
//! blocks (a security group's `security_rule`), each field at its path in
//! the element's object.
//!
//! A table of [`Field`]s is data; this file knows no resource type. What
//! Azure answers empty (`""`, `[]`) reads as null, as a configuration that
//! leaves the field out has it, so that an unset field makes no diff.

use crate::lang::types::Type;
use crate::lang::Value;
use serde_json::{json, Value as Json};

/// How a field's value is kept in the ARM body.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// As it is: a string, a number, a bool, a list of strings.
    Plain,
    /// Strings kept as objects of this one key: `[{"id": "..."}]`.
    Keyed(&'static str),
    /// A bool kept as `"Enabled"` or `"Disabled"`.
    EnabledDisabled,
    /// A bool kept negated (`bgp_route_propagation_enabled` as
    /// `disableBgpRoutePropagation`).
    Negated,
    /// A map kept as a list of pairs: `[{KEY: k, VALUE: v}]`.
    Pairs(&'static str, &'static str),
    /// A list or set of objects, each mapped by its own table.
    Objects(&'static [Field]),
    /// A list of at most one object, kept as one object at the path.
    One(&'static [Field]),
}

/// One attribute and where it lives in the ARM body (dots between keys).
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub attr: &'static str,
    pub arm: &'static str,
    pub shape: Shape,
}

pub const fn field(attr: &'static str, arm: &'static str, shape: Shape) -> Field {
    Field { attr, arm, shape }
}

fn get<'j>(doc: &'j Json, path: &str) -> Option<&'j Json> {
    path.split('.').try_fold(doc, |d, k| d.get(k)).filter(|v| !v.is_null())
}

fn set(doc: &mut Json, path: &str, value: Json) {
    let mut at = doc;
    for key in path.split('.') {
        if !at.is_object() {
            *at = json!({});
        }
        let Some(map) = at.as_object_mut() else { return };
        at = map.entry(key.to_string()).or_insert(Json::Null);
    }
    *at = value;
}

/// Writes each field of `value` into `doc`; null and unknown values are
/// left out (Azure keeps its own, or has none).
pub fn write(fields: &[Field], value: &Value, doc: &mut Json) {
    for f in fields {
        let Some(v) = value.get(f.attr) else { continue };
        let (v, _) = v.clone().unmark_deep();
        if v.is_null() || !v.is_wholly_known() {
            continue;
        }
        if let Some(j) = to_json(f.shape, &v) {
            set(doc, f.arm, j);
        }
    }
}

fn to_json(shape: Shape, v: &Value) -> Option<Json> {
    let items = || v.as_seq().unwrap_or(&[]).iter();
    Some(match shape {
        Shape::Plain => v.to_json(),
        Shape::Keyed(key) => Json::Array(items().map(|s| json!({ key: s.to_json() })).collect()),
        Shape::EnabledDisabled => json!(if v.as_bool()? { "Enabled" } else { "Disabled" }),
        Shape::Negated => json!(!v.as_bool()?),
        Shape::Pairs(k, val) => Json::Array(
            v.as_map()?
                .iter()
                .map(|(key, x)| json!({ k: key, val: x.to_json() }))
                .collect(),
        ),
        Shape::Objects(table) => Json::Array(
            items()
                .map(|item| {
                    let mut o = json!({});
                    write(table, item, &mut o);
                    o
                })
                .collect(),
        ),
        Shape::One(table) => {
            let mut o = json!({});
            write(table, items().next()?, &mut o);
            o
        }
    })
}

/// Reads each field from `doc` into `value`, typed as the attribute
/// already is in it; a field the value lacks (a data source without it)
/// is left out.
pub fn read(fields: &[Field], doc: &Json, value: &mut Value) {
    let Some(m) = value.as_map_mut() else { return };
    for f in fields {
        let Some(ty) = m.get(f.attr).map(Value::ty) else {
            continue;
        };
        let j = from_json(f.shape, get(doc, f.arm));
        m.insert(f.attr.to_string(), super::super::mapper::json_to_value(&j, &ty));
    }
}

/// The JSON of a field as the attribute holds it (before typing); `null`
/// for what is absent or empty.
fn from_json(shape: Shape, found: Option<&Json>) -> Json {
    let Some(found) = found.filter(|j| !is_empty(j)) else {
        return match shape {
            // An absent block list is an empty list, as the provider reads it.
            Shape::Objects(_) | Shape::One(_) => json!([]),
            _ => Json::Null,
        };
    };
    let items = || found.as_array().map(Vec::as_slice).unwrap_or(&[]).iter();
    match shape {
        Shape::Plain => found.clone(),
        Shape::Keyed(key) => Json::Array(items().filter_map(|o| o.get(key).cloned()).collect()),
        Shape::EnabledDisabled => json!(found.as_str().is_some_and(|s| s.eq_ignore_ascii_case("Enabled"))),
        Shape::Negated => found.as_bool().map_or(Json::Null, |b| json!(!b)),
        Shape::Pairs(k, val) => Json::Object(
            items()
                .filter_map(|o| Some((o.get(k)?.as_str()?.to_string(), o.get(val)?.clone())))
                .collect(),
        ),
        Shape::Objects(table) => Json::Array(items().map(|o| object(table, o)).collect()),
        Shape::One(table) => json!([object(table, found)]),
    }
}

fn object(table: &[Field], o: &Json) -> Json {
    Json::Object(
        table
            .iter()
            .map(|f| (f.attr.to_string(), from_json(f.shape, get(o, f.arm))))
            .collect(),
    )
}

fn is_empty(j: &Json) -> bool {
    match j {
        Json::String(s) => s.is_empty(),
        Json::Array(a) => a.is_empty(),
        Json::Null => true,
        _ => false,
    }
}

/// The fields within `value`'s objects take the form a read gives them:
/// empty strings and collections are null (a configuration that writes
/// `description = ""` plans no change against what Azure returns), and an
/// absent list of blocks is an empty one. The attributes themselves are
/// left as written (an empty `security_rule` removes every rule).
pub fn as_read(fields: &[Field], value: &mut Value) {
    let Some(m) = value.as_map_mut() else { return };
    for f in fields {
        if let (Some(v), Shape::Objects(table) | Shape::One(table)) = (m.get_mut(f.attr), f.shape) {
            each_item(v, |item| element_as_read(table, item));
        }
    }
}

/// Changes each element of a list or set; a set is sorted and made unique
/// again afterwards, as its elements may now sort otherwise or be equal.
pub fn each_item(v: &mut Value, mut change: impl FnMut(&mut Value)) {
    if let Some(items) = v.as_seq_mut() {
        items.iter_mut().for_each(&mut change);
    }
    if let Value::Set(ty, items) = v {
        let (ty, items) = (ty.clone(), std::mem::take(items));
        *v = Value::set_of(ty, items);
    }
}

fn element_as_read(table: &[Field], item: &mut Value) {
    let Some(m) = item.as_map_mut() else { return };
    for f in table {
        let Some(v) = m.get_mut(f.attr) else { continue };
        match f.shape {
            Shape::Objects(_) | Shape::One(_) if v.is_null() => match v.ty() {
                Type::List(e) => *v = Value::List((*e).clone(), Vec::new()),
                Type::Set(e) => *v = Value::set_of((*e).clone(), Vec::new()),
                _ => {}
            },
            Shape::Objects(t) | Shape::One(t) => each_item(v, |i| element_as_read(t, i)),
            _ => {
                let empty = match v.inner() {
                    Value::String(s) => s.is_empty(),
                    Value::List(_, x) | Value::Set(_, x) | Value::Tuple(x) => x.is_empty(),
                    Value::Map(_, x) => x.is_empty(),
                    _ => false,
                };
                if empty {
                    *v = Value::Null(v.ty());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::eval::eval_standalone;

    const INNER: &[Field] = &[
        field("name", "name", Shape::Plain),
        field("ids", "properties.things", Shape::Keyed("id")),
    ];
    const TABLE: &[Field] = &[
        field("ids", "properties.refs", Shape::Keyed("id")),
        field("on", "properties.policy", Shape::EnabledDisabled),
        field("bgp", "properties.disableBgp", Shape::Negated),
        field("tags", "properties.ipTags", Shape::Pairs("ipTagType", "tag")),
        field("items", "properties.items", Shape::Objects(INNER)),
    ];

    #[test]
    fn shapes_round_trip_through_arm_json() {
        let v = eval_standalone(
            r#"{ ids = toset(["/a", "/b"]), on = false, bgp = true, tags = { FirstPartyUsage = "SQL" },
                 items = [{ name = "x", ids = toset(["/c"]) }] }"#,
        )
        .unwrap();
        let mut doc = json!({});
        write(TABLE, &v, &mut doc);
        assert_eq!(doc["properties"]["refs"], json!([{"id": "/a"}, {"id": "/b"}]));
        assert_eq!(doc["properties"]["policy"], "Disabled");
        assert_eq!(doc["properties"]["disableBgp"], false);
        assert_eq!(
            doc["properties"]["ipTags"],
            json!([{"ipTagType": "FirstPartyUsage", "tag": "SQL"}])
        );
        assert_eq!(
            doc["properties"]["items"],
            json!([{"name": "x", "properties": {"things": [{"id": "/c"}]}}])
        );
        let mut back = v.clone();
        read(TABLE, &doc, &mut back);
        assert!(back.same_as(&v), "{back:?}");
    }

    #[test]
    fn what_azure_answers_empty_reads_as_null_and_nulls_are_not_sent() {
        let v = eval_standalone(
            r#"{ ids = null, on = null, bgp = null, tags = null, items = [{ name = "x", ids = null }] }"#,
        )
        .unwrap();
        let mut doc = json!({});
        write(TABLE, &v, &mut doc);
        assert_eq!(doc, json!({"properties": {"items": [{"name": "x"}]}}));
        let answer = json!({"properties": {"refs": [], "items": [{"name": "x", "properties": {"things": []}}]}});
        let mut back = v.clone();
        read(TABLE, &answer, &mut back);
        assert!(back.same_as(&v), "{back:?}");
        // A configuration's empty field inside an element is null, like the read.
        let mut written = eval_standalone(r#"{ items = [{ name = "x", ids = toset([]) }] }"#).unwrap();
        as_read(TABLE, &mut written);
        assert!(written.get("items").unwrap().as_seq().unwrap()[0]
            .get("ids")
            .unwrap()
            .is_null());
    }
}
