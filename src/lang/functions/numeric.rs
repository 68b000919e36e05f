//! Numeric functions.

use super::{func, number_arg, param, seq_arg, string_arg, FnError, FnResult, FuncContext, Function};
use crate::lang::number::Number;
use crate::lang::types::Type;
use crate::lang::value::Value;

pub fn register(r: &mut Vec<Function>) {
    let num = || param("num", Type::Number);
    r.extend([
        func("abs", vec![num()], Type::Number, |a, _| {
            Ok(Value::Number(number_arg(a, 0)?.abs()))
        }),
        func("ceil", vec![num()], Type::Number, |a, _| {
            Ok(Value::Number(number_arg(a, 0)?.ceil()))
        }),
        func("floor", vec![num()], Type::Number, |a, _| {
            Ok(Value::Number(number_arg(a, 0)?.floor()))
        }),
        func("signum", vec![num()], Type::Number, |a, _| {
            number_arg(a, 0)?.signum().map(Value::Number).map_err(number_err)
        }),
        func(
            "pow",
            vec![param("num", Type::Number), param("power", Type::Number)],
            Type::Number,
            pow,
        ),
        func("min", vec![], Type::Number, min).variadic(num()),
        func("max", vec![], Type::Number, max).variadic(num()),
        func("sum", vec![param("list", Type::Dynamic)], Type::Number, sum).deep(),
        func("range", vec![], Type::list(Type::Number), range).variadic(param("params", Type::Number)),
        func(
            "tonumber",
            vec![param("v", Type::Number).null()],
            Type::Number,
            |a, _| Ok(a[0].clone()),
        ),
        func(
            "parseint",
            vec![param("number", Type::String), param("base", Type::Number)],
            Type::Number,
            parseint,
        ),
    ]);
}

fn number_err(e: crate::lang::number::NumberError) -> FnError {
    FnError {
        arg: e.arg,
        message: e.message,
    }
}

pub fn pow(a: &[Value], _: &FuncContext) -> FnResult {
    number_arg(a, 0)?
        .pow(&number_arg(a, 1)?)
        .map(Value::Number)
        .map_err(number_err)
}

fn fold(a: &[Value], pick_second: fn(&Number, &Number) -> bool) -> FnResult {
    if a.is_empty() {
        return Err(FnError::new("must pass at least one number"));
    }
    let mut acc = number_arg(a, 0)?;
    for i in 1..a.len() {
        let n = number_arg(a, i)?;
        if pick_second(&acc, &n) {
            acc = n;
        }
    }
    Ok(Value::Number(acc))
}

pub fn min(a: &[Value], _: &FuncContext) -> FnResult {
    fold(a, |acc, n| n < acc)
}

pub fn max(a: &[Value], _: &FuncContext) -> FnResult {
    fold(a, |acc, n| n > acc)
}

pub fn sum(a: &[Value], _: &FuncContext) -> FnResult {
    let items = seq_arg(a, 0)?;
    if items.is_empty() {
        return Err(FnError::arg(0, "cannot sum an empty list"));
    }
    let mut total = Number::zero();
    for (i, v) in items.iter().enumerate() {
        let n = crate::lang::types::convert(v.clone(), &Type::Number)
            .ok()
            .and_then(|v| v.as_number().cloned())
            .ok_or_else(|| FnError::arg(0, format!("element {i} is {}, not a number", v.friendly_type())))?;
        total = total.add(&n).map_err(number_err)?;
    }
    Ok(Value::Number(total))
}

/// `range(limit)`, `range(start, limit)`, `range(start, limit, step)`.
pub fn range(a: &[Value], _: &FuncContext) -> FnResult {
    let one = Number::from_i64(1);
    let (start, limit, step) = match a.len() {
        1 => (Number::zero(), number_arg(a, 0)?, one),
        2 => {
            let (s, l) = (number_arg(a, 0)?, number_arg(a, 1)?);
            let step = if l < s { one.neg() } else { one };
            (s, l, step)
        }
        3 => (number_arg(a, 0)?, number_arg(a, 1)?, number_arg(a, 2)?),
        _ => return Err(FnError::new("range() takes 1 to 3 arguments")),
    };
    if step.is_zero() {
        return Err(FnError::arg(2, "step must not be zero"));
    }
    let up = !step.is_negative();
    if (up && limit < start) || (!up && limit > start) {
        return Err(FnError::new("step must move from start towards limit"));
    }
    const MAX: usize = 1024;
    let mut out = Vec::new();
    let mut v = start;
    while (up && v < limit) || (!up && v > limit) {
        if out.len() == MAX {
            return Err(FnError::new(format!(
                "more than {MAX} values; range() is limited to {MAX}"
            )));
        }
        out.push(Value::Number(v.clone()));
        v = v.add(&step).map_err(number_err)?;
    }
    Ok(Value::List(Type::Number, out))
}

pub fn parseint(a: &[Value], _: &FuncContext) -> FnResult {
    Number::parse_int(&string_arg(a, 0)?, &number_arg(a, 1)?)
        .map(Value::Number)
        .map_err(number_err)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::lang::types::Type;
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
        assert_eq!(ok("range(3)"), Value::List(Type::Number, vec![n(0.0), n(1.0), n(2.0)]));
        assert_eq!(
            ok("range(1, 10, 3)"),
            Value::List(Type::Number, vec![n(1.0), n(4.0), n(7.0)])
        );
        assert_eq!(
            ok("range(5, 2)"),
            Value::List(Type::Number, vec![n(5.0), n(4.0), n(3.0)])
        );
        assert!(eval("range(1, 5, 0)").is_err());
        assert!(eval("range(0, 5, -1)").is_err());
        assert!(eval("range(100000)").is_err());
    }

    #[test]
    fn tonumber_accepts_decimal_strings_only() {
        assert_eq!(ok("tonumber(\"1.5\")"), n(1.5));
        assert!(ok("tonumber(null)").is_null());
        assert!(eval("tonumber(\"0x10\")").is_err());
        assert_eq!(ok("parseint(\"ff\", 16)"), n(255.0));
    }
}
