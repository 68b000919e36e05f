//! Sets as go-cty keeps them: the order of their elements and which
//! elements are the same.
//!
//! go-cty iterates a set in a defined order: strings lexically, numbers
//! numerically, `false` before `true`, known before unknown, null last; any
//! other element type by the bytes of its set hash (`[1;2;]`, `<"a";>`), in
//! which numbers are written with ten significant digits (elements with
//! equal hashes stay in the order of go-cty's CRC-32 hash buckets). Two
//! elements are the same when their hashes match and they are equal;
//! sensitivity marks move from the elements to the set. [`make_set`] builds
//! a set that way (`Value::set_of` is it), [`normalize`] re-orders the sets
//! inside a value. Knows nothing of functions or evaluation.

use super::Value;
use crate::lang::display::go_quote;
use crate::lang::number::Number;
use crate::lang::types::Type;
use std::cmp::Ordering;

/// go-cty's set hash of a value, as text: the bytes that order elements of
/// structural types.
pub fn hash_text(v: &Value) -> String {
    let mut out = String::new();
    write_hash(v, &mut out);
    out
}

fn write_hash(v: &Value, out: &mut String) {
    match v {
        Value::Sensitive(inner) => write_hash(inner, out),
        Value::Unknown(_) => out.push('?'),
        Value::Null(_) => out.push('~'),
        Value::Number(n) => out.push_str(&go_g10(n)),
        Value::Bool(b) => out.push(if *b { 'T' } else { 'F' }),
        Value::String(s) => out.push_str(&go_quote(s)),
        Value::Map(_, m) => {
            out.push('{');
            for (k, v) in m {
                out.push_str(&go_quote(k));
                out.push(':');
                write_hash(v, out);
                out.push(';');
            }
            out.push('}');
        }
        Value::List(_, items) | Value::Set(_, items) => {
            out.push('[');
            for v in items {
                write_hash(v, out);
                out.push(';');
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('<');
            for v in m.values() {
                write_hash(v, out);
                out.push(';');
            }
            out.push('>');
        }
        Value::Tuple(items) => {
            out.push('<');
            for v in items {
                write_hash(v, out);
                out.push(';');
            }
            out.push('>');
        }
    }
}

/// A number as Go's `big.Float.String()` writes it (`%g` with ten
/// significant digits): `1.5`, `1e+20`, `1.23456789e+10`, `-0`.
pub fn go_g10(n: &Number) -> String {
    if n.is_infinite() {
        return if n.is_negative() { "-Inf" } else { "+Inf" }.into();
    }
    // `d.ddddddddde±XX`: ten significant digits, rounded as Go rounds.
    let text = n.text('e', 9);
    let negative = text.starts_with('-');
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let exp: i64 = exp.trim_start_matches('+').parse().unwrap_or(0);
    let mut mant = digits;
    while mant.last() == Some(&b'0') {
        mant.pop();
    }
    let sign = if negative { "-" } else { "" };
    if mant.is_empty() {
        return format!("{sign}0");
    }
    let len = mant.len() as i64;
    // The decimal point sits after `point` digits of the mantissa.
    let point = exp + 1;
    let prec: i64 = 10;
    let mut eprec = prec;
    if eprec > len && len >= point {
        eprec = len;
    }
    let digit = |i: i64| -> char {
        if i >= 0 && i < len {
            mant[i as usize] as char
        } else {
            '0'
        }
    };
    let mut out = String::from(sign);
    // %e when the exponent (point - 1) is below -4 or at least eprec.
    if point < -3 || point > eprec {
        let p = prec.min(len);
        out.push(digit(0));
        if p > 1 {
            out.push('.');
            (1..p).for_each(|i| out.push(digit(i)));
        }
        let e = point - 1;
        out.push_str(&format!("e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs()));
    } else {
        let p = if prec > point { len } else { prec };
        if point > 0 {
            (0..point).for_each(|i| out.push(digit(i)));
        } else {
            out.push('0');
        }
        let frac = (p - point).max(0);
        if frac > 0 {
            out.push('.');
            (0..frac).for_each(|i| out.push(digit(point + i)));
        }
    }
    out
}

/// go-cty's order of set elements (its `Less`), `Equal` where it has none;
/// the hashes are the elements' [`hash_text`].
fn order_hashed(a: &Value, hash_a: &str, b: &Value, hash_b: &str) -> Ordering {
    let (a, b) = (a.inner(), b.inner());
    match (a.is_null(), b.is_null()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    match (a.is_known(), b.is_known()) {
        (false, false) => return Ordering::Equal,
        (false, true) => return Ordering::Greater,
        (true, false) => return Ordering::Less,
        _ => {}
    }
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x.cmp_value(y),
        _ => hash_a.cmp(hash_b),
    }
}

/// Set elements indexed by their hash, so that membership takes one
/// lookup: a set of a million elements is built in seconds, not hours.
#[derive(Debug, Default)]
pub struct Members {
    by_hash: std::collections::HashMap<String, Vec<Value>>,
}

impl Members {
    pub fn new() -> Members {
        Members::default()
    }

    pub fn insert(&mut self, hash: String, v: Value) {
        self.by_hash.entry(hash).or_default().push(v);
    }
}

impl FromIterator<(String, Value)> for Members {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Members {
        let mut m = Members::new();
        for (h, v) in iter {
            m.insert(h, v);
        }
        m
    }
}

/// Whether `v` is in `items` as go-cty decides set membership: the same
/// hash and equal (unknown values are never members).
pub fn contains(items: &Members, hash: &str, v: &Value) -> bool {
    items
        .by_hash
        .get(hash)
        .is_some_and(|same| same.iter().any(|w| w.equals(v) == Some(true)))
}

/// A set of `ty` elements as go-cty builds one: duplicates dropped,
/// elements in go-cty's order, marks of the elements moved to the set.
pub fn make_set(ty: Type, items: Vec<Value>) -> Value {
    let mut marked = false;
    let mut kept: Vec<(String, Value)> = Vec::with_capacity(items.len());
    let mut members = Members::new();
    for v in items {
        let (v, m) = v.unmark_deep();
        marked |= m;
        let v = normalize(v);
        let hash = hash_text(&v);
        if !contains(&members, &hash, &v) {
            members.insert(hash.clone(), v.clone());
            kept.push((hash, v));
        }
    }
    // go-cty walks its hash buckets in order, then sorts stably by `Less`.
    let mut keyed: Vec<(u32, usize, String, Value)> = kept
        .into_iter()
        .enumerate()
        .map(|(i, (h, v))| (crc32fast::hash(h.as_bytes()), i, h, v))
        .collect();
    keyed.sort_by_key(|(bucket, i, _, _)| (*bucket, *i));
    keyed.sort_by(|x, y| order_hashed(&x.3, &x.2, &y.3, &y.2));
    Value::Set(ty, keyed.into_iter().map(|(_, _, _, v)| v).collect()).mark_if(marked)
}

/// The value with every set inside it rebuilt in go-cty's order.
pub fn normalize(v: Value) -> Value {
    match v {
        Value::Set(ty, items) => make_set(ty, items),
        Value::List(ty, items) => Value::List(ty, items.into_iter().map(normalize).collect()),
        Value::Tuple(items) => Value::Tuple(items.into_iter().map(normalize).collect()),
        Value::Map(ty, m) => Value::Map(ty, m.into_iter().map(|(k, v)| (k, normalize(v))).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, normalize(v))).collect()),
        Value::Sensitive(v) => normalize(*v).mark(),
        v => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_hash_with_ten_significant_digits() {
        let g = |f: f64| go_g10(&Number::from_f64(f).unwrap());
        assert_eq!(g(1.5), "1.5");
        assert_eq!(g(100.0), "100");
        assert_eq!(g(1e20), "1e+20");
        assert_eq!(g(12345678901.0), "1.23456789e+10");
        assert_eq!(g(1234567890.0), "1234567890");
        assert_eq!(g(0.0001), "0.0001");
        assert_eq!(g(0.00001), "1e-05");
        assert_eq!(g(0.0), "0");
        assert_eq!(g(-0.0), "-0");
        assert_eq!(g(-2.5), "-2.5");
        assert_eq!(g(f64::INFINITY), "+Inf");
    }

    #[test]
    fn hashes_of_structures() {
        let v = Value::Tuple(vec![Value::string("a\"b"), Value::int(10), Value::Null(Type::String)]);
        assert_eq!(hash_text(&v), r#"<"a\"b";10;~;>"#);
        let l = Value::List(Type::Bool, vec![Value::Bool(true), Value::Unknown(Type::Bool)]);
        assert_eq!(hash_text(&l), "[T;?;]");
    }
}
