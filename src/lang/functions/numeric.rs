//! Numeric functions.

use super::{int_arg, number_arg, seq_arg, string_arg, FnError, FnResult, FuncContext};
use crate::lang::value::Value;

pub fn abs(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::Number(number_arg(a, 0)?.abs()))
}

pub fn ceil(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::Number(number_arg(a, 0)?.ceil()))
}

pub fn floor(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::Number(number_arg(a, 0)?.floor()))
}

pub fn signum(a: &[Value], _: &FuncContext) -> FnResult {
    let n = number_arg(a, 0)?;
    Ok(Value::Number(if n == 0.0 { 0.0 } else { n.signum() }))
}

pub fn pow(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::Number(number_arg(a, 0)?.powf(number_arg(a, 1)?)))
}

fn fold(a: &[Value], pick: fn(f64, f64) -> f64) -> FnResult {
    let mut acc = number_arg(a, 0)?;
    for i in 1..a.len() {
        acc = pick(acc, number_arg(a, i)?);
    }
    Ok(Value::Number(acc))
}

pub fn min(a: &[Value], _: &FuncContext) -> FnResult {
    fold(a, f64::min)
}

pub fn max(a: &[Value], _: &FuncContext) -> FnResult {
    fold(a, f64::max)
}

pub fn sum(a: &[Value], _: &FuncContext) -> FnResult {
    let items = seq_arg(a, 0)?;
    if items.is_empty() {
        return Err(FnError::arg(0, "cannot sum an empty list"));
    }
    let mut total = 0.0;
    for (i, v) in items.iter().enumerate() {
        total += v
            .as_number()
            .ok_or_else(|| FnError::arg(0, format!("element {i} is a {}, not a number", v.type_name())))?;
    }
    Ok(Value::Number(total))
}

/// `range(limit)`, `range(start, limit)`, `range(start, limit, step)`.
pub fn range(a: &[Value], _: &FuncContext) -> FnResult {
    let (start, limit, step) = match a.len() {
        1 => (0.0, number_arg(a, 0)?, 1.0),
        2 => {
            let (s, l) = (number_arg(a, 0)?, number_arg(a, 1)?);
            (s, l, if l < s { -1.0 } else { 1.0 })
        }
        _ => (number_arg(a, 0)?, number_arg(a, 1)?, number_arg(a, 2)?),
    };
    if step == 0.0 {
        return Err(FnError::arg(2, "step must not be zero"));
    }
    if (step > 0.0 && limit < start) || (step < 0.0 && limit > start) {
        return Err(FnError::new("step must move from start towards limit"));
    }
    const MAX: usize = 1024;
    let mut out = Vec::new();
    let mut v = start;
    while (step > 0.0 && v < limit) || (step < 0.0 && v > limit) {
        if out.len() == MAX {
            return Err(FnError::new(format!(
                "more than {MAX} values; range() is limited to {MAX}"
            )));
        }
        out.push(Value::Number(v));
        v += step;
    }
    Ok(Value::List(out))
}

pub fn tonumber(a: &[Value], _: &FuncContext) -> FnResult {
    match &a[0] {
        Value::Null => Ok(Value::Null),
        Value::Number(n) => Ok(Value::Number(*n)),
        Value::String(s) => s
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Value::Number)
            .ok_or_else(|| {
                FnError::arg(
                    0,
                    format!("cannot convert {s:?} to number; it must be a decimal representation of a number"),
                )
            }),
        v => Err(FnError::arg(0, format!("cannot convert {} to number", v.type_name()))),
    }
}

pub fn parseint(a: &[Value], _: &FuncContext) -> FnResult {
    let s = string_arg(a, 0)?;
    let base = int_arg(a, 1)?;
    if !(2..=62).contains(&base) {
        return Err(FnError::arg(1, "base must be between 2 and 62"));
    }
    if base > 36 {
        return Err(FnError::arg(1, "bases above 36 are not supported"));
    }
    i64::from_str_radix(&s, base as u32)
        .map(|n| Value::Number(n as f64))
        .map_err(|_| FnError::arg(0, format!("cannot parse {s:?} as a base {base} integer")))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::lang::value::Value;

    #[test]
    fn abs_ceil_floor_signum_pow() {
        assert_eq!(ok("abs(-3.5)"), n(3.5));
        assert_eq!(ok("ceil(1.2)"), n(2.0));
        assert_eq!(ok("floor(-1.2)"), n(-2.0));
        assert_eq!(ok("signum(-7)"), n(-1.0));
        assert_eq!(ok("pow(2, 10)"), n(1024.0));
        assert_eq!(
            eval("abs(\"x\")").unwrap_err(),
            "abs(): a number is required, and \"x\" is not one"
        );
    }

    #[test]
    fn min_max_sum() {
        assert_eq!(ok("max(1, 5.5, 3)"), n(5.5));
        assert_eq!(ok("min(4, -1, 3)"), n(-1.0));
        assert_eq!(ok("max([3, 9]...)"), n(9.0));
        assert_eq!(ok("sum([1, 2.5])"), n(3.5));
        assert!(eval("sum([])").is_err());
        assert!(eval("sum([\"a\"])").is_err());
    }

    #[test]
    fn range_counts_both_ways() {
        assert_eq!(ok("range(3)"), Value::List(vec![n(0.0), n(1.0), n(2.0)]));
        assert_eq!(ok("range(1, 10, 3)"), Value::List(vec![n(1.0), n(4.0), n(7.0)]));
        assert_eq!(ok("range(5, 2)"), Value::List(vec![n(5.0), n(4.0), n(3.0)]));
        assert!(eval("range(1, 5, 0)").is_err());
        assert!(eval("range(0, 5, -1)").is_err());
        assert!(eval("range(100000)").is_err());
    }

    #[test]
    fn tonumber_accepts_decimal_strings_only() {
        assert_eq!(ok("tonumber(\"1.5\")"), n(1.5));
        assert_eq!(ok("tonumber(null)"), Value::Null);
        assert!(eval("tonumber(\"0x10\")").unwrap_err().contains("decimal"));
        assert_eq!(ok("parseint(\"ff\", 16)"), n(255.0));
    }
}
