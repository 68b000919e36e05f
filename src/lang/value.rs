//! Values of the configuration language, with unknowns and sensitivity marks.
//!
//! `Unknown` stands for a value known only after apply; it flows through every
//! operation and renders as `(known after apply)`. `Sensitive` marks a value
//! that must never be printed; operations on it produce marked results.
//! Lists and tuples share `List`, maps and objects share `Map` (keys sorted, as
//! Terraform orders them); sets are kept sorted and without duplicates.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::{self, Write};

pub type Map = BTreeMap<String, Value>;

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Unknown,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Value>),
    Set(Vec<Value>),
    Map(Map),
    Sensitive(Box<Value>),
}

impl Value {
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// A set from any values: sorted, duplicates removed.
    pub fn set(mut items: Vec<Value>) -> Value {
        items.sort_by(cmp);
        items.dedup();
        Value::Set(items)
    }

    /// The name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Unknown => "unknown",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Map(_) => "map",
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
        matches!(self.inner(), Value::Null)
    }

    /// False only for a value that is wholly unknown.
    pub fn is_known(&self) -> bool {
        !matches!(self.inner(), Value::Unknown)
    }

    /// True when neither the value nor anything inside it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::Sensitive(v) => v.is_wholly_known(),
            Value::List(items) | Value::Set(items) => items.iter().all(Value::is_wholly_known),
            Value::Map(m) => m.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    /// True when the value or anything inside it is marked sensitive.
    pub fn has_sensitive(&self) -> bool {
        match self {
            Value::Sensitive(_) => true,
            Value::List(items) | Value::Set(items) => items.iter().any(Value::has_sensitive),
            Value::Map(m) => m.values().any(Value::has_sensitive),
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

    /// Equality that ignores sensitivity marks, without copying either value.
    pub fn same_as(&self, other: &Value) -> bool {
        match (self.inner(), other.inner()) {
            (Value::List(a), Value::List(b)) | (Value::Set(a), Value::Set(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_as(y))
            }
            (Value::Map(a), Value::Map(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|((ka, va), (kb, vb))| ka == kb && va.same_as(vb))
            }
            (a, b) => a == b,
        }
    }

    /// What `for` iterates: (index, element) of a list, (element, element)
    /// of a set, (key, value) of a map. `Err` gives back anything else.
    pub fn into_pairs(self) -> Result<Vec<(Value, Value)>, Value> {
        match self {
            Value::List(items) => Ok(items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(i as f64), v))
                .collect()),
            Value::Set(items) => Ok(items.into_iter().map(|v| (v.clone(), v)).collect()),
            Value::Map(m) => Ok(m.into_iter().map(|(k, v)| (Value::String(k), v)).collect()),
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
            Value::List(items) => {
                let (items, marked) = unmark_all(items);
                (Value::List(items), marked)
            }
            Value::Set(items) => {
                let (items, marked) = unmark_all(items);
                (Value::Set(items), marked)
            }
            Value::Map(m) => {
                let mut marked = false;
                let m = m
                    .into_iter()
                    .map(|(k, v)| {
                        let (v, mk) = v.unmark_deep();
                        marked |= mk;
                        (k, v)
                    })
                    .collect();
                (Value::Map(m), marked)
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

    pub fn as_number(&self) -> Option<f64> {
        match self.inner() {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match self.inner() {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The elements of a list or set.
    pub fn as_seq(&self) -> Option<&[Value]> {
        match self.inner() {
            Value::List(items) | Value::Set(items) => Some(items),
            _ => None,
        }
    }

    /// An attribute of an object, looking through marks.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map().and_then(|m| m.get(key))
    }

    /// A primitive value as a string, the way templates and `tostring` convert it.
    pub fn to_template_string(&self) -> Option<String> {
        match self.inner() {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(format_number(*n)),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Converts to JSON. Unknown values have no JSON form; the caller checks first.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null | Value::Unknown => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => J::String(s.clone()),
            Value::List(items) | Value::Set(items) => J::Array(items.iter().map(Value::to_json).collect()),
            Value::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
            Value::Sensitive(v) => v.to_json(),
        }
    }

    pub fn from_json(j: &serde_json::Value) -> Value {
        use serde_json::Value as J;
        match j {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
            J::String(s) => Value::String(s.clone()),
            J::Array(a) => Value::List(a.iter().map(Value::from_json).collect()),
            J::Object(o) => Value::Map(o.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect()),
        }
    }
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

fn number_to_json(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

/// Formats a number as Terraform prints it: integers without a fraction.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A total order over values, used to sort sets and `sort()`.
pub fn cmp(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            Value::List(_) => 4,
            Value::Set(_) => 5,
            Value::Map(_) => 6,
            Value::Unknown => 7,
            Value::Sensitive(_) => 8,
        }
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x.total_cmp(y),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::List(x), Value::List(y)) | (Value::Set(x), Value::Set(y)) => {
            for (p, q) in x.iter().zip(y) {
                match cmp(p, q) {
                    Ordering::Equal => continue,
                    o => return o,
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Map(x), Value::Map(y)) => {
            for ((kp, p), (kq, q)) in x.iter().zip(y) {
                match kp.cmp(kq).then_with(|| cmp(p, q)) {
                    Ordering::Equal => continue,
                    o => return o,
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Sensitive(x), Value::Sensitive(y)) => cmp(x, y),
        _ => rank(a).cmp(&rank(b)),
    }
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
            '$' | '%' => {
                // `${` and `%{` would start a template sequence.
                out.push(c);
            }
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
            Value::Null => f.write_str("null"),
            Value::Unknown => f.write_str("(known after apply)"),
            Value::Sensitive(_) => f.write_str("(sensitive value)"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => f.write_str(&format_number(*n)),
            Value::String(s) => f.write_str(&quote(s)),
            Value::List(items) | Value::Set(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Map(m) => {
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
            Value::Null | Value::Unknown => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => s.serialize_i64(*n as i64),
            Value::Number(n) => s.serialize_f64(*n),
            Value::String(v) => s.serialize_str(v),
            Value::List(items) | Value::Set(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Value::Map(m) => {
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

impl<'de> serde::Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
                Ok(Value::Number(n as f64))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
                Ok(Value::Number(n as f64))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
                Ok(Value::Number(n))
            }
            fn visit_str<E>(self, s: &str) -> Result<Value, E> {
                Ok(Value::String(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Value, E> {
                Ok(Value::String(s))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
                let mut items = Vec::with_capacity(a.size_hint().unwrap_or(0));
                while let Some(v) = a.next_element()? {
                    items.push(v);
                }
                Ok(Value::List(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
                let mut m = Map::new();
                while let Some((k, v)) = a.next_entry::<String, Value>()? {
                    m.insert(k, v);
                }
                Ok(Value::Map(m))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_hides_unknown_and_sensitive_content() {
        let v = Value::Map(Map::from([
            ("a".into(), Value::Unknown),
            ("b".into(), Value::string("secret").mark()),
            ("c d".into(), Value::List(vec![Value::Number(1.0), Value::Number(1.5)])),
        ]));
        assert_eq!(
            v.to_string(),
            r#"{ a = (known after apply), b = (sensitive value), "c d" = [1, 1.5] }"#
        );
    }

    #[test]
    fn same_as_ignores_marks_at_any_depth() {
        let a = Value::List(vec![
            Value::string("x").mark(),
            Value::Map(Map::from([("k".into(), Value::Number(1.0))])),
        ]);
        let b = Value::List(vec![
            Value::string("x"),
            Value::Map(Map::from([("k".into(), Value::Number(1.0).mark())])),
        ])
        .mark();
        assert!(a.same_as(&b));
        assert!(!a.same_as(&Value::List(vec![Value::string("y")])));
    }

    #[test]
    fn sets_are_sorted_and_unique() {
        let s = Value::set(vec![Value::string("b"), Value::string("a"), Value::string("b")]);
        assert_eq!(s, Value::Set(vec![Value::string("a"), Value::string("b")]));
    }

    #[test]
    fn unmark_reports_nested_marks() {
        let v = Value::List(vec![Value::Number(1.0).mark()]);
        assert!(v.has_sensitive());
        let (u, marked) = v.unmark_deep();
        assert!(marked);
        assert_eq!(u, Value::List(vec![Value::Number(1.0)]));
    }

    #[test]
    fn numbers_format_like_terraform() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(-0.5), "-0.5");
        assert_eq!(Value::Number(10.0).to_json(), serde_json::json!(10));
    }
}
