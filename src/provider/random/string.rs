//! `random_string`, and the characters `random_password` is made of: a
//! string of `length` characters drawn from the enabled classes (upper,
//! lower, numeric, special, `override_special` replacing the special
//! characters), with at least `min_*` of each class, in a random order.
//!
//! As in hashicorp/random, the `min_*` characters are drawn from their
//! class even when the class is disabled, and `number` (deprecated) and
//! `numeric` are one setting: either may be written, and both are planned.

use super::rng::Rng;
use crate::diag::Diagnostics;
use crate::lang::Value;
use crate::provider::standalone::{self as sa, bool, int, invalid, string};

const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const NUMERIC: &str = "0123456789";
const SPECIAL: &str = "!@#$%&*()-_=+[]{}<>:?";

const MINIMUMS: [&str; 4] = ["min_upper", "min_lower", "min_numeric", "min_special"];

/// Checks what the provider's validators check: a length of at least 1 and
/// at least the sum of the minimums, minimums not negative, and a
/// character set that is not empty.
pub fn validate(type_name: &str, config: &Value, diags: &mut Diagnostics) {
    sa::at_least(diags, type_name, config, "length", 1);
    for m in MINIMUMS {
        sa::at_least(diags, type_name, config, m, 0);
    }
    let minimums: Option<i64> = MINIMUMS
        .iter()
        .map(|m| match config.get(m) {
            Some(v) if v.is_null() => Some(0),
            Some(v) => v.as_i64(),
            None => Some(0),
        })
        .sum();
    if let (Some(length), Some(sum)) = (int(config, "length"), minimums) {
        if length >= 1 && length < sum {
            diags.push(invalid(
                type_name,
                "length",
                format!("length ({length}) must be at least the sum of min_upper, min_lower, min_numeric and min_special ({sum})"),
            ));
        }
    }
    if let (Some(a), Some(b)) = (bool(config, "number"), bool(config, "numeric")) {
        if a != b {
            diags.push(invalid(
                type_name,
                "numeric",
                "number and numeric are both set, to different values: number is deprecated, set numeric only",
            ));
        }
    }
    let off = |name: &str| config.get(name).is_some_and(|v| v.as_bool() == Some(false));
    let numeric_off = off("numeric") || off("number");
    if numeric_off && off("special") && off("upper") && off("lower") {
        diags.push(invalid(
            type_name,
            "numeric",
            "at least one of special, upper, lower and numeric must be true: the character set is empty",
        ));
    }
}

/// The configuration with `number` and `numeric` made one: whichever is
/// set gives both, and both are true when neither is set.
pub fn prepare(config: &Value) -> Value {
    let mut out = config.clone();
    let number = config.get("number").filter(|v| !v.is_null()).cloned();
    let numeric = config.get("numeric").filter(|v| !v.is_null()).cloned();
    let both = match (number, numeric) {
        (None, None) => Some(Value::Bool(true)),
        (Some(v), None) | (None, Some(v)) => Some(v),
        // Both set: the same, or an error validation reports.
        (Some(_), Some(_)) => None,
    };
    if let Some(v) = both {
        sa::set(&mut out, "number", v.clone());
        sa::set(&mut out, "numeric", v);
    }
    out
}

/// A new string for a planned instance.
pub fn generate(planned: &Value, rng: &mut Rng) -> Result<String, String> {
    let length = int(planned, "length").ok_or("length is not known")?;
    let length = usize::try_from(length).map_err(|_| format!("length must be at least 1, got {length}"))?;
    let special = string(planned, "override_special")
        .filter(|s| !s.is_empty())
        .unwrap_or(SPECIAL);
    let on = |name: &str| bool(planned, name).unwrap_or(true);
    let classes = [
        (UPPER, on("upper"), "min_upper"),
        (LOWER, on("lower"), "min_lower"),
        (NUMERIC, on("numeric") && on("number"), "min_numeric"),
        (special, on("special"), "min_special"),
    ];
    let all: Vec<char> = classes
        .iter()
        .filter(|(_, enabled, _)| *enabled)
        .flat_map(|(chars, _, _)| chars.chars())
        .collect();
    if all.is_empty() {
        return Err("the character set is empty: enable at least one of upper, lower, numeric and special".into());
    }
    let mut out: Vec<char> = Vec::with_capacity(length);
    for (chars, _, min) in classes {
        let chars: Vec<char> = chars.chars().collect();
        let n = int(planned, min).unwrap_or(0).max(0) as usize;
        draw(&chars, n, rng, &mut out)?;
    }
    let rest = length.saturating_sub(out.len());
    draw(&all, rest, rng, &mut out)?;
    rng.shuffle(&mut out)?;
    Ok(out.into_iter().collect())
}

fn draw(chars: &[char], n: usize, rng: &mut Rng, out: &mut Vec<char>) -> Result<(), String> {
    for _ in 0..n {
        let i = rng.below(chars.len() as u64)? as usize;
        out.push(chars[i]);
    }
    Ok(())
}

/// `random_string`: `result` and `id` are the string.
pub fn create(planned: &Value) -> Result<Value, String> {
    let s = generate(planned, &mut Rng::new(None))?;
    let mut v = planned.clone();
    sa::set(&mut v, "result", Value::string(s.clone()));
    sa::set(&mut v, "id", Value::string(s));
    Ok(v)
}

/// The arguments an imported string or password is taken to have: its
/// length and the provider's defaults.
pub fn imported_arguments(result: &str) -> Value {
    let mut m = crate::lang::value::Map::new();
    m.insert("length".into(), Value::int(result.chars().count() as i64));
    for name in ["special", "upper", "lower", "number", "numeric"] {
        m.insert(name.into(), Value::Bool(true));
    }
    for name in MINIMUMS {
        m.insert(name.into(), Value::int(0));
    }
    Value::Object(m)
}

/// `terraform import random_string.x VALUE`: the value is the result.
pub fn import(id: &str) -> Result<Value, String> {
    if id.is_empty() {
        return Err("the id to import is the string itself, and it is empty".into());
    }
    let mut v = imported_arguments(id);
    sa::set(&mut v, "result", Value::string(id));
    sa::set(&mut v, "id", Value::string(id));
    Ok(v)
}
