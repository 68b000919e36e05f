//! `random_integer`: a number in `min..=max`, each equally likely; with a
//! `seed`, always the same number for the same seed and range (see
//! [`super::rng`] for the algorithm, which is ours: Terraform's number for
//! a seed differs). `id` is the number as a string. Import takes
//! `RESULT,MIN,MAX` or `RESULT,MIN,MAX,SEED`.

use super::rng::Rng;
use crate::diag::Diagnostics;
use crate::lang::Value;
use crate::provider::standalone::{self as sa, int, invalid, string};

pub fn validate(config: &Value, diags: &mut Diagnostics) {
    for name in ["min", "max"] {
        if let Some(v) = config.get(name).filter(|v| v.is_known() && !v.is_null()) {
            if v.as_i64().is_none() {
                diags.push(invalid(
                    "random_integer",
                    name,
                    format!("{name} must be a whole number, got {v}"),
                ));
            }
        }
    }
    if let (Some(min), Some(max)) = (int(config, "min"), int(config, "max")) {
        if min > max {
            diags.push(invalid(
                "random_integer",
                "max",
                format!("the minimum ({min}) is greater than the maximum ({max})"),
            ));
        }
    }
}

/// The number for a range and a seed (`None` or empty: from the operating system).
pub fn draw(min: i64, max: i64, seed: Option<&str>) -> Result<i64, String> {
    Rng::new(seed).between(min, max)
}

pub fn create(planned: &Value) -> Result<Value, String> {
    let min = int(planned, "min").ok_or("min is not a known whole number")?;
    let max = int(planned, "max").ok_or("max is not a known whole number")?;
    let n = draw(min, max, string(planned, "seed"))?;
    let mut v = planned.clone();
    sa::set(&mut v, "result", Value::int(n));
    sa::set(&mut v, "id", Value::string(n.to_string()));
    Ok(v)
}

pub fn import(id: &str) -> Result<Value, String> {
    let parts: Vec<&str> = id.split(',').collect();
    if parts.len() != 3 && parts.len() != 4 {
        return Err(format!("{id:?} is not RESULT,MIN,MAX or RESULT,MIN,MAX,SEED"));
    }
    let number = |what: &str, s: &str| {
        s.parse::<i64>()
            .map_err(|_| format!("the {what} ({s:?}) is not a whole number"))
    };
    let result = number("result", parts[0])?;
    let mut v = Value::Object(Default::default());
    sa::set(&mut v, "id", Value::string(parts[0]));
    sa::set(&mut v, "result", Value::int(result));
    sa::set(&mut v, "min", Value::int(number("min", parts[1])?));
    sa::set(&mut v, "max", Value::int(number("max", parts[2])?));
    if let Some(seed) = parts.get(3) {
        sa::set(&mut v, "seed", Value::string(*seed));
    }
    Ok(v)
}
