//! Limits on the size of the values the language builds, so that a
//! configuration that asks for too much (by mistake or on purpose) gets an
//! error at the expression instead of exhausting memory or time.
//!
//! Terraform has no such limits: go-cty shares values instead of copying
//! them, and a `setproduct` or nested `for` of 10^8 elements simply takes
//! minutes and gigabytes. aksplan's values are copied, so it refuses, past
//! these limits, what no infrastructure configuration needs:
//!
//! - [`MAX_ELEMENTS`] elements in one collection value, counting the
//!   elements of the collections inside it (`[[1, 2], [3]]` holds 5);
//! - [`MAX_TEXT`] bytes of text in one value: a string, or all the strings
//!   and keys of a collection together.
//!
//! Builders that can multiply their input (a `for` expression, a template
//! loop, `setproduct`, `formatlist`, `join`...) check as they go, or
//! before they start, with a [`Budget`]; every function's result is checked
//! once more by the evaluator. This module owns the limits and their
//! messages; it must not know about expressions or functions.

use super::value::Value;

/// Elements in one collection value, nested collections' included.
pub const MAX_ELEMENTS: usize = 1_000_000;

/// Bytes of text in one value (64 MiB).
pub const MAX_TEXT: usize = 64 << 20;

/// What a value holds: elements (nested ones included) and bytes of text
/// (strings and keys).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Size {
    pub elements: usize,
    pub text: usize,
}

impl Size {
    /// The size of `v`, counted no further than just past the limits (so
    /// that measuring a huge value stays cheap).
    pub fn of(v: &Value) -> Size {
        let mut size = Size::default();
        size.add_value(v);
        size
    }

    fn over(&self) -> bool {
        self.elements > MAX_ELEMENTS || self.text > MAX_TEXT
    }

    fn add_value(&mut self, v: &Value) {
        if self.over() {
            return;
        }
        match v {
            Value::String(s) => self.text = self.text.saturating_add(s.len()),
            Value::Sensitive(inner) => self.add_value(inner),
            Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
                self.elements = self.elements.saturating_add(items.len());
                for item in items {
                    self.add_value(item);
                }
            }
            Value::Map(_, m) | Value::Object(m) => {
                self.elements = self.elements.saturating_add(m.len());
                for (k, item) in m {
                    self.text = self.text.saturating_add(k.len());
                    self.add_value(item);
                }
            }
            Value::Null(_) | Value::Unknown(_) | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// An error when the size is past a limit.
    pub fn check(&self) -> Result<(), LimitError> {
        if self.elements > MAX_ELEMENTS {
            Err(LimitError::Elements)
        } else if self.text > MAX_TEXT {
            Err(LimitError::Text)
        } else {
            Ok(())
        }
    }
}

/// A limit a value would go past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitError {
    Elements,
    Text,
}

impl LimitError {
    /// What would be too much: "more than 1000000 elements (nested ones
    /// counted)".
    pub fn what(&self) -> String {
        match self {
            LimitError::Elements => format!("more than {MAX_ELEMENTS} elements (nested ones counted)"),
            LimitError::Text => format!("more than {} MiB of text", MAX_TEXT >> 20),
        }
    }
}

impl std::fmt::Display for LimitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the result would hold {}, aksplan's limit for one value",
            self.what()
        )
    }
}

/// Whether `v` is past a limit.
pub fn check(v: &Value) -> Result<(), LimitError> {
    Size::of(v).check()
}

/// A running total for a value being built piece by piece: each piece is
/// added as it is made, and the first one past a limit is an error.
#[derive(Debug, Default)]
pub struct Budget {
    size: Size,
}

impl Budget {
    pub fn new() -> Budget {
        Budget::default()
    }

    /// A value held beside the others (a function's argument): what it
    /// holds, not itself.
    pub fn value(&mut self, v: &Value) -> Result<(), LimitError> {
        self.size.add_value(v);
        self.size.check()
    }

    /// One element of the collection being built (with what it holds).
    pub fn element(&mut self, v: &Value) -> Result<(), LimitError> {
        self.size.elements = self.size.elements.saturating_add(1);
        self.size.add_value(v);
        self.size.check()
    }

    /// One element under a key.
    pub fn entry(&mut self, key: &str, v: &Value) -> Result<(), LimitError> {
        self.size.text = self.size.text.saturating_add(key.len());
        self.element(v)
    }

    /// Text about to be appended to a string being built.
    pub fn text(&mut self, bytes: usize) -> Result<(), LimitError> {
        self.size.text = self.size.text.saturating_add(bytes);
        self.size.check()
    }

    /// `n` times `each`, as a builder knows before it starts
    /// (setproduct's tuples).
    pub fn repeat(&mut self, n: usize, each: Size) -> Result<(), LimitError> {
        self.size.elements = self.size.elements.saturating_add(n.saturating_mul(each.elements));
        self.size.text = self.size.text.saturating_add(n.saturating_mul(each.text));
        self.size.check()
    }
}

/// Whether `v` holds an infinite number anywhere: Terraform cannot write
/// one to state ("cannot serialize infinity as JSON"), and a null in its
/// place would show a change on every plan.
pub fn holds_infinity(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.is_infinite(),
        Value::Sensitive(inner) => holds_infinity(inner),
        Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => items.iter().any(holds_infinity),
        Value::Map(_, m) | Value::Object(m) => m.values().any(holds_infinity),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::value::Map;

    #[test]
    fn sizes_count_nested_elements_keys_and_strings() {
        let v = Value::Tuple(vec![
            Value::Tuple(vec![Value::int(1), Value::int(2)]),
            Value::Object(Map::from([("ab".to_string(), Value::string("xyz"))])),
            Value::string("q").mark(),
        ]);
        assert_eq!(Size::of(&v), Size { elements: 6, text: 6 });
        assert_eq!(check(&v), Ok(()));
    }

    #[test]
    fn a_budget_stops_at_the_first_piece_past_a_limit() {
        let mut b = Budget::new();
        let pair = Value::Tuple(vec![Value::int(1), Value::int(2)]);
        let mut added = 0;
        while b.element(&pair).is_ok() {
            added += 1;
        }
        assert_eq!(added, MAX_ELEMENTS / 3);
        let mut b = Budget::new();
        assert_eq!(b.text(MAX_TEXT), Ok(()));
        assert_eq!(b.text(1), Err(LimitError::Text));
        let mut b = Budget::new();
        assert_eq!(b.repeat(MAX_ELEMENTS / 2, Size { elements: 2, text: 0 }), Ok(()));
        assert_eq!(b.repeat(1, Size { elements: 1, text: 0 }), Err(LimitError::Elements));
        assert_eq!(
            Budget::new().repeat(usize::MAX, Size { elements: 0, text: 2 }),
            Err(LimitError::Text)
        );
    }

    #[test]
    fn measuring_stops_past_the_limit() {
        let big = Value::Tuple(vec![Value::Tuple(vec![Value::int(0); 1000]); 2000]);
        assert_eq!(check(&big), Err(LimitError::Elements));
        assert!(Size::of(&big).elements < 2 * MAX_ELEMENTS);
    }

    #[test]
    fn infinity_is_found_anywhere() {
        let inf = Value::Number(crate::lang::number::Number::infinity(false));
        assert!(holds_infinity(&Value::Tuple(vec![Value::int(1), inf.clone().mark()])));
        assert!(!holds_infinity(&Value::Tuple(vec![Value::int(1)])));
    }
}
