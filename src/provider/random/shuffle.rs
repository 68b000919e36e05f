//! `random_shuffle`: `input` in a random order, `result_count` elements
//! long (the whole input by default; a longer result repeats further
//! permutations), the same for the same `seed` (see [`super::rng`]). The
//! `id` is `-`, as hashicorp/random keeps it.

use super::rng::Rng;
use crate::diag::Diagnostics;
use crate::lang::types::Type;
use crate::lang::Value;
use crate::provider::standalone::{self as sa, int, string};

pub fn validate(config: &Value, diags: &mut Diagnostics) {
    sa::at_least(diags, "random_shuffle", config, "result_count", 0);
}

/// The shuffled elements of `input`.
pub fn shuffle(input: &[Value], count: usize, seed: Option<&str>) -> Result<Vec<Value>, String> {
    let mut out = Vec::with_capacity(count);
    if input.is_empty() {
        return Ok(out);
    }
    let mut rng = Rng::new(seed);
    while out.len() < count {
        let mut perm: Vec<usize> = (0..input.len()).collect();
        rng.shuffle(&mut perm)?;
        out.extend(perm.into_iter().take(count - out.len()).map(|i| input[i].clone()));
    }
    Ok(out)
}

pub fn create(planned: &Value) -> Result<Value, String> {
    let input = planned
        .get("input")
        .and_then(Value::as_seq)
        .ok_or("input is not a known list")?;
    let count = match int(planned, "result_count") {
        Some(n) => usize::try_from(n).map_err(|_| format!("result_count must be at least 0, got {n}"))?,
        None => input.len(),
    };
    let result = shuffle(input, count, string(planned, "seed"))?;
    let mut v = planned.clone();
    sa::set(&mut v, "result", Value::List(Type::String, result));
    sa::set(&mut v, "id", Value::string("-"));
    Ok(v)
}
