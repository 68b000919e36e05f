//! Unicode normalization form C for every string of the language.
//!
//! go-cty normalizes each string it makes a value of (`cty.StringVal`), and
//! the names of object attributes and map keys: `"e\u0301" == "\u00e9"`,
//! and hashes and encodings see the composed text. aksplan normalizes where
//! strings enter the language: literals and template results in the
//! evaluator, function results in the function dispatcher, values read
//! from JSON, and [`crate::lang::Value::string`]. Text that is ASCII (nearly
//! all of a configuration) is recognised by one fast scan and never copied.
//!
//! Owns only the normalization; it decides nothing about where it is applied.

use super::value::{Map, Value};
use std::borrow::Cow;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Whether `s` is already in NFC (ASCII always is).
pub fn is_nfc(s: &str) -> bool {
    if s.is_ascii() {
        return true;
    }
    match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => true,
        IsNormalized::No => false,
        IsNormalized::Maybe => unicode_normalization::is_nfc(s),
    }
}

/// `s` in NFC, without copying text that already is.
pub fn nfc(s: String) -> String {
    if is_nfc(&s) {
        s
    } else {
        s.nfc().collect()
    }
}

/// `s` in NFC, borrowed when it already is.
pub fn nfc_str(s: &str) -> Cow<'_, str> {
    if is_nfc(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

/// Normalizes every string inside `v`: strings, map keys and object
/// attribute names, set elements (a set whose elements change is rebuilt,
/// since two of them may now be one). Walks without copying what is
/// already normalized.
pub fn normalize(v: &mut Value) {
    match v {
        Value::String(s) => {
            if !is_nfc(s) {
                *s = s.nfc().collect();
            }
        }
        Value::Sensitive(inner) => normalize(inner),
        Value::List(_, items) | Value::Tuple(items) => items.iter_mut().for_each(normalize),
        Value::Set(ty, items) => {
            if items.iter().any(|i| !is_normalized(i)) {
                let mut items = std::mem::take(items);
                items.iter_mut().for_each(normalize);
                *v = Value::set_of(ty.clone(), items);
            }
        }
        Value::Map(_, m) | Value::Object(m) => normalize_map(m),
        Value::Null(_) | Value::Unknown(_) | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Whether every string inside `v` is in NFC.
pub fn is_normalized(v: &Value) -> bool {
    match v {
        Value::String(s) => is_nfc(s),
        Value::Sensitive(inner) => is_normalized(inner),
        Value::List(_, items) | Value::Tuple(items) | Value::Set(_, items) => items.iter().all(is_normalized),
        Value::Map(_, m) | Value::Object(m) => m.iter().all(|(k, v)| is_nfc(k) && is_normalized(v)),
        Value::Null(_) | Value::Unknown(_) | Value::Bool(_) | Value::Number(_) => true,
    }
}

/// Normalizes keys and values; of two keys that normalize to the same
/// text, the one that sorts later in the original map wins (go-cty keeps
/// one of them too).
fn normalize_map(m: &mut Map) {
    if m.keys().all(|k| is_nfc(k)) {
        m.values_mut().for_each(normalize);
        return;
    }
    let old = std::mem::take(m);
    for (k, mut v) in old {
        normalize(&mut v);
        m.insert(nfc(k), v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composes_and_leaves_ascii_alone() {
        assert_eq!(nfc("e\u{301}".into()), "\u{e9}");
        assert_eq!(nfc("\u{212b}".into()), "\u{c5}");
        assert_eq!(nfc("\u{1100}\u{1161}".into()), "\u{ac00}");
        assert_eq!(nfc("\u{344}".into()), "\u{308}\u{301}");
        assert!(matches!(nfc_str("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn normalizes_inside_collections_and_keys() {
        let mut v = Value::Object(Map::from([
            ("e\u{301}".to_string(), Value::string("x")),
            ("k".to_string(), Value::Tuple(vec![Value::String("A\u{30a}".into())])),
        ]));
        normalize(&mut v);
        assert_eq!(v.get("\u{e9}"), Some(&Value::string("x")));
        assert_eq!(v.get("k").unwrap().as_seq().unwrap()[0], Value::String("\u{c5}".into()));
        let mut s = Value::Set(
            super::super::types::Type::String,
            vec![Value::String("e\u{301}".into()), Value::String("\u{e9}".into())],
        );
        normalize(&mut s);
        assert_eq!(s.as_seq().unwrap().len(), 1);
    }
}
