//! `random_pet`: a name of `length` words joined by `separator` (an animal,
//! after an adjective, after adverbs), with `prefix` in front when set. The
//! name is the `id`; no argument changes in place.

use super::rng::Rng;
use super::words::{ADJECTIVES, ADVERBS, ANIMALS};
use crate::diag::Diagnostics;
use crate::lang::Value;
use crate::provider::standalone::{self as sa, int, string};

pub fn validate(config: &Value, diags: &mut Diagnostics) {
    sa::at_least(diags, "random_pet", config, "length", 1);
}

fn pick(list: &[&'static str], rng: &mut Rng) -> Result<&'static str, String> {
    Ok(list[rng.below(list.len() as u64)? as usize])
}

/// A name of `length` words.
pub fn name(length: usize, separator: &str, rng: &mut Rng) -> Result<String, String> {
    let mut words = Vec::with_capacity(length);
    for _ in 2..length {
        words.push(pick(ADVERBS, rng)?);
    }
    if length >= 2 {
        words.push(pick(ADJECTIVES, rng)?);
    }
    if length >= 1 {
        words.push(pick(ANIMALS, rng)?);
    }
    Ok(words.join(separator))
}

pub fn create(planned: &Value) -> Result<Value, String> {
    let length = int(planned, "length").unwrap_or(2);
    let length = usize::try_from(length)
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| format!("length must be at least 1, got {length}"))?;
    let separator = string(planned, "separator").unwrap_or("-");
    let mut pet = name(length, separator, &mut Rng::new(None))?;
    if let Some(prefix) = string(planned, "prefix").filter(|p| !p.is_empty()) {
        pet = format!("{prefix}{separator}{pet}");
    }
    let mut v = planned.clone();
    sa::set(&mut v, "id", Value::string(pet));
    Ok(v)
}
