//! Values of the configuration language, typed as Terraform (go-cty) types
//! them, with unknowns and sensitivity marks.
//!
//! Lists, sets and maps hold elements of one type (their element type is
//! kept, so that an empty `tolist([])` is still a `list(dynamic)`); tuples and
//! objects hold elements of any types. Null and unknown values have a type
//! too ([`Type::Dynamic`] when nothing is known of it). `Unknown` stands for a
//! value known only after apply and renders as `(known after apply)`.
//! `Sensitive` marks a value that must never be printed; operations on it
//! produce marked results. Sets are kept sorted and without duplicates.

pub mod equality;
pub mod set;

use super::number::Number;
use super::types::Type;
use std::collections::BTreeMap;
use std::fmt::{self, Write};

pub type Map = BTreeMap<String, Value>;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null(Type),
    Unknown(Type),
    Bool(bool),
    Number(Number),
    String(String),
    /// A list and its element type.
    List(Type, Vec<Value>),
    /// A set (sorted, unique) and its element type.
    Set(Type, Vec<Value>),
    /// A map and its element type.
    Map(Type, Map),
    Tuple(Vec<Value>),
    Object(Map),
    Sensitive(Box<Value>),
}

impl From<f64> for Value {
    /// A number (NaN becomes null: the language has no NaN).
    fn from(f: f64) -> Value {
        Number::from_f64(f).map_or_else(Value::null, Value::Number)
    }
}

impl Default for Value {
    fn default() -> Value {
        Value::null()
    }
}

impl Value {
    /// `null`, of no particular type.
    pub fn null() -> Value {
        Value::Null(Type::Dynamic)
    }

    /// A value known only after apply, of no particular type.
    pub fn unknown() -> Value {
        Value::Unknown(Type::Dynamic)
    }

    /// A string, in Unicode normalization form C as every string of the
    /// language is (see [`super::nfc`]).
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(super::nfc::nfc(s.into()))
    }

    pub fn int(i: i64) -> Value {
        Value::Number(Number::from_i64(i))
    }

    /// A list of values of one type (taken from the first element).
    pub fn list(items: Vec<Value>) -> Value {
        let ty = items.first().map_or(Type::Dynamic, Value::ty);
        Value::List(ty, items)
    }

    /// A set of values of one type (taken from the first element): sorted,
    /// duplicates removed.
    pub fn set(items: Vec<Value>) -> Value {
        let ty = items.first().map_or(Type::Dynamic, Value::ty);
        Value::set_of(ty, items)
    }

    /// A set of `ty` elements as go-cty keeps one (see [`set`]): in
    /// go-cty's order, duplicates removed, and marked sensitive when an
    /// element was (marks move from the elements to the set).
    pub fn set_of(ty: Type, items: Vec<Value>) -> Value {
        set::make_set(ty, items)
    }

    /// A map of values of one type (taken from the first element).
    pub fn map(m: Map) -> Value {
        let ty = m.values().next().map_or(Type::Dynamic, Value::ty);
        Value::Map(ty, m)
    }

    /// The value's type.
    pub fn ty(&self) -> Type {
        match self {
            Value::Null(t) | Value::Unknown(t) => t.clone(),
            Value::Bool(_) => Type::Bool,
            Value::Number(_) => Type::Number,
            Value::String(_) => Type::String,
            Value::List(t, _) => Type::list(t.clone()),
            Value::Set(t, _) => Type::set(t.clone()),
            Value::Map(t, _) => Type::map(t.clone()),
            Value::Tuple(items) => Type::tuple(items.iter().map(Value::ty).collect()),
            Value::Object(m) => Type::object(m.iter().map(|(k, v)| (k.clone(), v.ty()))),
            Value::Sensitive(v) => v.ty(),
        }
    }

    /// "a string", "null", "a list of string": the value's type for messages.
    pub fn friendly_type(&self) -> String {
        match self.inner() {
            Value::Null(_) => "null".into(),
            Value::Unknown(_) => "an unknown value".into(),
            v => v.ty().friendly(),
        }
    }

    /// The name of the value's kind, for short messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null(_) => "null",
            Value::Unknown(_) => "unknown",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(..) => "list",
            Value::Set(..) => "set",
            Value::Map(..) => "map",
            Value::Tuple(_) => "tuple",
            Value::Object(_) => "object",
            Value::Sensitive(v) => v.type_name(),
        }
    }

    /// The value without a top-level sensitivity mark.
    pub fn inner(&self) -> &Value {
        match self {
            Value::Sensitive(v) => v.inner(),
            v => v,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.inner(), Value::Null(_))
    }

    /// False only for a value that is wholly unknown.
    pub fn is_known(&self) -> bool {
        !matches!(self.inner(), Value::Unknown(_))
    }

    /// True when neither the value nor anything inside it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::Sensitive(v) => v.is_wholly_known(),
            Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
                items.iter().all(Value::is_wholly_known)
            }
            Value::Map(_, m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    /// True when the value or anything inside it is marked sensitive.
    pub fn has_sensitive(&self) -> bool {
        match self {
            Value::Sensitive(_) => true,
            Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
                items.iter().any(Value::has_sensitive)
            }
            Value::Map(_, m) | Value::Object(m) => m.values().any(Value::has_sensitive),
            _ => false,
        }
    }

    /// Marks the value sensitive (once).
    pub fn mark(self) -> Value {
        match self {
            v @ Value::Sensitive(_) => v,
            v => Value::Sensitive(Box::new(v)),
        }
    }

    /// Marks the value sensitive when `yes`.
    pub fn mark_if(self, yes: bool) -> Value {
        if yes {
            self.mark()
        } else {
            self
        }
    }

    /// Equality of content that ignores sensitivity marks and the kind of
    /// collection (a list and a tuple of equal elements are the same, and so
    /// are a map and an object), without copying either value. Nulls are the
    /// same whatever their type; unknown values are never the same as
    /// anything. This is what a diff means by "unchanged"; the language's
    /// `==` is [`Value::equals`].
    pub fn same_as(&self, other: &Value) -> bool {
        match (self.inner(), other.inner()) {
            (Value::Null(_), Value::Null(_)) => true,
            (Value::Unknown(_), _) | (_, Value::Unknown(_)) => false,
            (a, b) => match (a.as_seq(), b.as_seq()) {
                (Some(x), Some(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p.same_as(q)),
                _ => match (a.as_map(), b.as_map()) {
                    (Some(x), Some(y)) => {
                        x.len() == y.len() && x.iter().zip(y).all(|((ka, va), (kb, vb))| ka == kb && va.same_as(vb))
                    }
                    _ => a == b,
                },
            },
        }
    }

    /// The language's `==`: equal types and equal content (marks ignored;
    /// nulls are equal whatever their type). `None` when unknown values
    /// decide it.
    pub fn equals(&self, other: &Value) -> Option<bool> {
        let (a, b) = (self.inner(), other.inner());
        match (a, b) {
            (Value::Null(_), Value::Null(_)) => Some(true),
            (Value::Unknown(_), _) | (_, Value::Unknown(_)) => None,
            (Value::Null(_), _) | (_, Value::Null(_)) => Some(false),
            (Value::Bool(x), Value::Bool(y)) => Some(x == y),
            (Value::Number(x), Value::Number(y)) => Some(x == y),
            (Value::String(x), Value::String(y)) => Some(x == y),
            (Value::List(tx, x), Value::List(ty, y)) | (Value::Set(tx, x), Value::Set(ty, y)) => {
                if x.is_empty() && y.is_empty() {
                    return Some(tx == ty || *tx == Type::Dynamic || *ty == Type::Dynamic);
                }
                seq_equals(x, y)
            }
            (Value::Tuple(x), Value::Tuple(y)) => seq_equals(x, y),
            (Value::Map(tx, x), Value::Map(ty, y)) => {
                if x.is_empty() && y.is_empty() {
                    return Some(tx == ty || *tx == Type::Dynamic || *ty == Type::Dynamic);
                }
                map_equals(x, y)
            }
            (Value::Object(x), Value::Object(y)) => map_equals(x, y),
            _ => Some(false),
        }
    }

    /// What `for` iterates: (index, element) of a list or tuple, (element,
    /// element) of a set, (key, value) of a map or object. `Err` gives back
    /// anything else.
    pub fn into_pairs(self) -> Result<Vec<(Value, Value)>, Value> {
        match self {
            Value::List(_, items) | Value::Tuple(items) => Ok(items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::int(i as i64), v))
                .collect()),
            Value::Set(_, items) => Ok(items.into_iter().map(|v| (v.clone(), v)).collect()),
            Value::Map(_, m) | Value::Object(m) => Ok(m.into_iter().map(|(k, v)| (Value::String(k), v)).collect()),
            other => Err(other),
        }
    }

    /// Removes a top-level sensitivity mark, saying whether there was one;
    /// marks inside collections stay on their elements.
    pub fn unmark_shallow(self) -> (Value, bool) {
        match self {
            Value::Sensitive(v) => (v.unmark_shallow().0, true),
            v => (v, false),
        }
    }

    /// Removes every sensitivity mark, saying whether there was one.
    pub fn unmark_deep(self) -> (Value, bool) {
        match self {
            Value::Sensitive(v) => (v.unmark_deep().0, true),
            Value::List(t, items) => {
                let (items, marked) = unmark_all(items);
                (Value::List(t, items), marked)
            }
            Value::Set(t, items) => {
                let (items, marked) = unmark_all(items);
                (Value::Set(t, items), marked)
            }
            Value::Tuple(items) => {
                let (items, marked) = unmark_all(items);
                (Value::Tuple(items), marked)
            }
            Value::Map(t, m) => {
                let (m, marked) = unmark_map(m);
                (Value::Map(t, m), marked)
            }
            Value::Object(m) => {
                let (m, marked) = unmark_map(m);
                (Value::Object(m), marked)
            }
            v => (v, false),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self.inner() {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.inner() {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self.inner() {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// A number that is a whole number within i64.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::to_i64)
    }

    /// The entries of a map or an object.
    pub fn as_map(&self) -> Option<&Map> {
        match self.inner() {
            Value::Map(_, m) | Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The elements of a list, set or tuple.
    pub fn as_seq(&self) -> Option<&[Value]> {
        match self.inner() {
            Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// The entries of a map or object, mutably.
    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Sensitive(v) => v.as_map_mut(),
            Value::Map(_, m) | Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The elements of a list, set or tuple, mutably (a set must be
    /// normalised again by its user if elements change).
    pub fn as_seq_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Sensitive(v) => v.as_seq_mut(),
            Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// An attribute of an object (or an element of a map), looking through marks.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map().and_then(|m| m.get(key))
    }

    /// A primitive value as a string, the way templates and `tostring` convert it.
    pub fn to_template_string(&self) -> Option<String> {
        match self.inner() {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Converts to JSON. Unknown values have no JSON form; the caller checks first.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null(_) | Value::Unknown(_) => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => number_to_json(n),
            Value::String(s) => J::String(s.clone()),
            Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
                J::Array(items.iter().map(Value::to_json).collect())
            }
            Value::Map(_, m) | Value::Object(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
            Value::Sensitive(v) => v.to_json(),
        }
    }

    /// A value from JSON, typed as `jsondecode` types it: arrays are tuples,
    /// objects are objects.
    pub fn from_json(j: &serde_json::Value) -> Value {
        use serde_json::Value as J;
        match j {
            J::Null => Value::null(),
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => Value::Number(json_number(n)),
            J::String(s) => Value::string(s.as_str()),
            J::Array(a) => Value::Tuple(a.iter().map(Value::from_json).collect()),
            J::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, v)| (super::nfc::nfc(k.clone()), Value::from_json(v)))
                    .collect(),
            ),
        }
    }
}

fn seq_equals(x: &[Value], y: &[Value]) -> Option<bool> {
    if x.len() != y.len() {
        return Some(false);
    }
    let mut unknown = false;
    for (p, q) in x.iter().zip(y) {
        match p.equals(q) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    (!unknown).then_some(true)
}

fn map_equals(x: &Map, y: &Map) -> Option<bool> {
    if x.len() != y.len() || x.keys().zip(y.keys()).any(|(a, b)| a != b) {
        return Some(false);
    }
    let mut unknown = false;
    for (p, q) in x.values().zip(y.values()) {
        match p.equals(q) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    (!unknown).then_some(true)
}

fn unmark_all(items: Vec<Value>) -> (Vec<Value>, bool) {
    let mut marked = false;
    let items = items
        .into_iter()
        .map(|v| {
            let (v, m) = v.unmark_deep();
            marked |= m;
            v
        })
        .collect();
    (items, marked)
}

fn unmark_map(m: Map) -> (Map, bool) {
    let mut marked = false;
    let m = m
        .into_iter()
        .map(|(k, v)| {
            let (v, mk) = v.unmark_deep();
            marked |= mk;
            (k, v)
        })
        .collect();
    (m, marked)
}

fn json_number(n: &serde_json::Number) -> Number {
    if let Some(i) = n.as_i64() {
        return Number::from_i64(i);
    }
    if let Some(u) = n.as_u64() {
        return Number::from_u64(u);
    }
    Number::parse(&n.to_string())
        .or_else(|| n.as_f64().and_then(Number::from_f64))
        .unwrap_or_else(Number::zero)
}

fn number_to_json(n: &Number) -> serde_json::Value {
    if let Some(i) = n.to_i64() {
        return serde_json::Value::from(i);
    }
    if let Some(u) = n.to_u64() {
        return serde_json::Value::from(u);
    }
    serde_json::Number::from_f64(n.to_f64()).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// Writes a string literal the way HCL quotes it.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Renders in HCL syntax on one line; unknown and sensitive parts are shown as
/// `(known after apply)` and `(sensitive value)`, never their content.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null(_) => f.write_str("null"),
            Value::Unknown(_) => f.write_str("(known after apply)"),
            Value::Sensitive(_) => f.write_str("(sensitive value)"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::String(s) => f.write_str(&quote(s)),
            Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Map(_, m) | Value::Object(m) => {
                if m.is_empty() {
                    return f.write_str("{}");
                }
                f.write_str("{ ")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if crate::addrs::is_identifier(k) {
                        write!(f, "{k} = {v}")?;
                    } else {
                        write!(f, "{} = {v}", quote(k))?;
                    }
                }
                f.write_str(" }")
            }
        }
    }
}

/// JSON without an intermediate document: unknown and null become null,
/// sensitive values their content (state and plan files hold secrets).
impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Value::Null(_) | Value::Unknown(_) => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => match (n.to_i64(), n.to_u64()) {
                (Some(i), _) => s.serialize_i64(i),
                (None, Some(u)) => s.serialize_u64(u),
                _ => s.serialize_f64(n.to_f64()),
            },
            Value::String(v) => s.serialize_str(v),
            Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Value::Map(_, m) | Value::Object(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Value::Sensitive(v) => v.serialize(s),
        }
    }
}

/// Reads JSON as [`Value::from_json`] does: arrays are tuples, objects objects.
impl<'de> serde::Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::null())
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::null())
            }
            fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
                Ok(Value::Number(Number::from_i64(n)))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
                Ok(Value::Number(Number::from_u64(n)))
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Value, E> {
                Number::from_f64(n)
                    .map(Value::Number)
                    .ok_or_else(|| E::custom("NaN is not a number"))
            }
            fn visit_str<E>(self, s: &str) -> Result<Value, E> {
                Ok(Value::string(s))
            }
            fn visit_string<E>(self, s: String) -> Result<Value, E> {
                Ok(Value::string(s))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
                let mut items = Vec::with_capacity(a.size_hint().unwrap_or(0).min(4096));
                while let Some(v) = a.next_element()? {
                    items.push(v);
                }
                Ok(Value::Tuple(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
                let mut m = Map::new();
                while let Some((k, v)) = a.next_entry::<String, Value>()? {
                    m.insert(super::nfc::nfc(k), v);
                }
                Ok(Value::Object(m))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(f: f64) -> Value {
        Value::Number(Number::from_f64(f).unwrap())
    }

    #[test]
    fn display_hides_unknown_and_sensitive_content() {
        let v = Value::Object(Map::from([
            ("a".into(), Value::unknown()),
            ("b".into(), Value::string("secret").mark()),
            ("c d".into(), Value::Tuple(vec![n(1.0), n(1.5)])),
        ]));
        assert_eq!(
            v.to_string(),
            r#"{ a = (known after apply), b = (sensitive value), "c d" = [1, 1.5] }"#
        );
    }

    #[test]
    fn same_as_ignores_marks_and_collection_kinds() {
        let a = Value::Tuple(vec![
            Value::string("x").mark(),
            Value::Object(Map::from([("k".into(), n(1.0))])),
        ]);
        let b = Value::list(vec![
            Value::string("x"),
            Value::map(Map::from([("k".into(), n(1.0).mark())])),
        ])
        .mark();
        assert!(a.same_as(&b));
        assert!(!a.same_as(&Value::list(vec![Value::string("y")])));
        assert!(Value::null().same_as(&Value::Null(Type::String)));
    }

    #[test]
    fn equality_is_typed_like_terraform() {
        let list = Value::list(vec![n(1.0)]);
        let tuple = Value::Tuple(vec![n(1.0)]);
        assert_eq!(list.equals(&tuple), Some(false));
        assert_eq!(tuple.equals(&Value::Tuple(vec![n(1.0)])), Some(true));
        assert_eq!(Value::null().equals(&Value::Null(Type::String)), Some(true));
        assert_eq!(Value::unknown().equals(&n(1.0)), None);
        assert_eq!(n(1.0).equals(&Value::string("1")), Some(false));
    }

    #[test]
    fn sets_are_sorted_and_unique() {
        let s = Value::set(vec![Value::string("b"), Value::string("a"), Value::string("b")]);
        assert_eq!(
            s,
            Value::Set(Type::String, vec![Value::string("a"), Value::string("b")])
        );
    }

    #[test]
    fn unmark_reports_nested_marks() {
        let v = Value::list(vec![n(1.0).mark()]);
        assert!(v.has_sensitive());
        let (u, marked) = v.unmark_deep();
        assert!(marked);
        assert_eq!(u, Value::List(Type::Number, vec![n(1.0)]));
    }

    #[test]
    fn json_numbers_keep_integers() {
        assert_eq!(n(10.0).to_json(), serde_json::json!(10));
        assert_eq!(
            Value::from_json(&serde_json::json!([1, {"a": true}])).type_name(),
            "tuple"
        );
    }
}
