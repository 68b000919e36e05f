//! Equality of values as go-cty's `Value.Equals` decides it: typed,
//! unknown where unknown values (or types not known yet) leave it open.
//! Set membership and the collection functions use it.

use super::Value;
use crate::lang::types::conforms;

/// The language's `==` as go-cty's `Value.Equals` decides it: `None` when
/// unknown values (or types not known yet) leave it open. Unknown values of
/// another type than the known side are unequal; nulls are equal whatever
/// their type; a known value is never equal to null. Marks are ignored.
pub fn equals(a: &Value, b: &Value) -> Option<bool> {
    let (a, b) = (a.inner(), b.inner());
    match (a.is_known(), b.is_known()) {
        (false, false) => return None,
        (true, false) | (false, true) => {
            let (known, unknown) = if a.is_known() { (a, b) } else { (b, a) };
            let uty = unknown.ty();
            if known.is_null() || uty.has_dynamic() || known.ty() == uty {
                return None;
            }
            return Some(false);
        }
        (true, true) => {}
    }
    match (a.is_null(), b.is_null()) {
        (true, true) => return Some(true),
        (true, false) | (false, true) => return Some(false),
        _ => {}
    }
    let (ta, tb) = (a.ty(), b.ty());
    if ta.has_dynamic() || tb.has_dynamic() {
        if !conforms(&ta, &tb) && !conforms(&tb, &ta) {
            return Some(false);
        }
        return None;
    }
    if ta != tb {
        return Some(false);
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Some(x == y),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::String(x), Value::String(y)) => Some(x == y),
        (Value::List(_, x), Value::List(_, y)) | (Value::Tuple(x), Value::Tuple(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            all_equal(x.iter().zip(y))
        }
        (Value::Map(_, x), Value::Map(_, y)) | (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() || x.keys().ne(y.keys()) {
                return Some(false);
            }
            all_equal(x.values().zip(y.values()))
        }
        (Value::Set(_, x), Value::Set(_, y)) => {
            if x.iter().chain(y).any(|v| !v.is_known()) {
                return None;
            }
            let within = |v: &Value, s: &[Value]| s.iter().any(|w| equals(v, w) == Some(true));
            Some(x.iter().all(|v| within(v, y)) && y.iter().all(|v| within(v, x)))
        }
        _ => Some(false),
    }
}

/// Element by element, as go-cty does: the first comparison that is
/// unknown makes the whole unknown, the first that is false makes it false.
fn all_equal<'a>(pairs: impl Iterator<Item = (&'a Value, &'a Value)>) -> Option<bool> {
    for (p, q) in pairs {
        match equals(p, q) {
            None => return None,
            Some(false) => return Some(false),
            Some(true) => {}
        }
    }
    Some(true)
}
