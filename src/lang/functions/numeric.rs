//! Numeric functions: `abs`, `ceil`, `floor`, `log`, `pow`, `signum`,
//! `min`, `max`, `parseint`.
//!
//! The arithmetic is `Number`'s, as Terraform's: arbitrary precision, except
//! where Terraform itself computes in float64 (`log`, `pow`, as Go's `math`
//! does); `signum` takes whole numbers only, as go-cty reads its argument as
//! an int.

use super::cty::friendly;
use super::{func, number_arg, param, FnError, FnResult, FuncContext, Function};
use crate::lang::number::Number;
use crate::lang::types::Type;
use crate::lang::value::Value;
use std::cmp::Ordering;

pub fn register(r: &mut Vec<Function>) {
    let num = || param("num", Type::Number);
    let one = |name, f| func(name, vec![num()], Type::Number, f);
    r.extend([
        one("abs", |a, _| Ok(Value::Number(positive_zero(number_arg(a, 0)?.abs())))),
        one("ceil", |a, _| {
            Ok(Value::Number(positive_zero(number_arg(a, 0)?.ceil())))
        }),
        one("floor", |a, _| {
            Ok(Value::Number(positive_zero(number_arg(a, 0)?.floor())))
        }),
        one("signum", signum),
        func("log", vec![num(), param("base", Type::Number)], Type::Number, log),
        func("pow", vec![num(), param("power", Type::Number)], Type::Number, pow),
        func("min", vec![], Type::Number, min).variadic(param("numbers", Type::Number)),
        func("max", vec![], Type::Number, max).variadic(param("numbers", Type::Number)),
        func(
            "parseint",
            vec![param("number", Type::Dynamic).unknown(), param("base", Type::Number)],
            Type::Number,
            parseint,
        ),
    ]);
}

/// Numeric order in which -0 and 0 are the same number.
pub fn ncmp(a: &Number, b: &Number) -> Ordering {
    if a == b {
        Ordering::Equal
    } else {
        a.cmp(b)
    }
}

fn number_err(e: crate::lang::number::NumberError) -> FnError {
    FnError {
        arg: e.arg,
        message: e.message,
    }
}

/// Zero without a sign, as Go's big.Float produces from a whole number.
fn positive_zero(n: Number) -> Number {
    if n.is_zero() {
        Number::zero()
    } else {
        n
    }
}

pub fn signum(a: &[Value], _: &FuncContext) -> FnResult {
    number_arg(a, 0)?.signum().map(Value::Number).map_err(number_err)
}

/// In float64, as Go's `math.Log` computes it (see `Number::log`).
pub fn log(a: &[Value], _: &FuncContext) -> FnResult {
    number_arg(a, 0)?
        .log(&number_arg(a, 1)?)
        .map(Value::Number)
        .map_err(number_err)
}

/// In float64, as Go's `math.Pow` computes it (see `Number::pow`).
pub fn pow(a: &[Value], _: &FuncContext) -> FnResult {
    number_arg(a, 0)?
        .pow(&number_arg(a, 1)?)
        .map(Value::Number)
        .map_err(number_err)
}

fn numbers(a: &[Value]) -> Result<Vec<Number>, FnError> {
    (0..a.len()).map(|i| number_arg(a, i)).collect()
}

pub fn min(a: &[Value], _: &FuncContext) -> FnResult {
    Number::min_of(&numbers(a)?).map(Value::Number).map_err(number_err)
}

pub fn max(a: &[Value], _: &FuncContext) -> FnResult {
    Number::max_of(&numbers(a)?).map(Value::Number).map_err(number_err)
}

/// A whole number written in a base from 2 to 62, with an optional sign.
pub fn parseint(a: &[Value], _: &FuncContext) -> FnResult {
    let ty = a[0].ty();
    match (&ty, a[0].is_known()) {
        (Type::Dynamic, false) => return Ok(Value::unknown()),
        (Type::String, _) => {}
        (t, _) => {
            return Err(FnError::arg(
                0,
                format!("first argument must be a string, not {}", friendly(t)),
            ))
        }
    }
    let Some(s) = a[0].as_str() else {
        return Ok(Value::Unknown(Type::Number));
    };
    Number::parse_int(s, &number_arg(a, 1)?)
        .map(Value::Number)
        .map_err(number_err)
}

#[cfg(test)]
mod tests {
    use super::super::casefile;

    #[test]
    fn terraform_cases() {
        casefile::run(include_str!("testdata/numeric.cases"));
    }
}
