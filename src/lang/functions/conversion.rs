//! The explicit conversion functions of collections and numbers: `tolist`,
//! `toset`, `tomap`, `tonumber` (Terraform's `MakeToFunc`).
//!
//! They take any value, null and unknown included, and keep its marks. The
//! result of a conversion to `list(any)` is a list of the elements' common
//! type; an unknown argument gives an unknown `list(any)`. Errors are worded
//! for an explicit conversion ("cannot convert tuple to list of any single
//! type") and never quote a sensitive value. The conversion rules themselves
//! are `types::convert`'s; sets are put in go-cty's order by `sets`.

use super::cty::{constraint_name, converted_type, convertible, friendly, unmark};
use super::sets::has_unknown_length;
use super::{func, param, FnError, FnResult, Function};
use crate::lang::display::go_quote;
use crate::lang::types::{convert, Type};
use crate::lang::value::set::{make_set, normalize};
use crate::lang::value::Value;

pub fn register(r: &mut Vec<Function>) {
    let v = || param("v", Type::Dynamic).null().unknown().marked();
    r.extend([
        func("tolist", vec![v()], Type::list(Type::Dynamic), |a, _| {
            to(a, &Type::list(Type::Dynamic))
        }),
        func("toset", vec![v()], Type::set(Type::Dynamic), |a, _| {
            to(a, &Type::set(Type::Dynamic))
        }),
        func("tomap", vec![v()], Type::map(Type::Dynamic), |a, _| {
            to(a, &Type::map(Type::Dynamic))
        }),
        func("tonumber", vec![v()], Type::Number, |a, _| to(a, &Type::Number)),
    ]);
}

/// Converts the argument to `want` as an explicit conversion function does.
pub fn to(a: &[Value], want: &Type) -> FnResult {
    let (inner, marked) = unmark(&a[0]);
    let got = inner.ty();
    if got != *want && !convertible(&got, want) {
        return Err(FnError::arg(
            0,
            format!("cannot convert {} to {}", friendly(&got), constraint_name(want)),
        ));
    }
    if !inner.is_known() {
        return Ok(Value::Unknown(want.clone()).mark_if(marked));
    }
    // A set whose unknown elements may merge becomes a list of unknown length.
    if matches!(want, Type::List(_)) && has_unknown_length(inner) {
        return Ok(Value::Unknown(converted_type(&got, want)).mark_if(marked));
    }
    if inner.is_null() {
        return Ok(Value::Null(converted_type(&got, want)).mark_if(marked));
    }
    // A set is built from a list, so that unknown elements stay apart.
    let (target, elem) = match want {
        Type::Set(e) => (Type::list((**e).clone()), Some(e)),
        t => (t.clone(), None),
    };
    match convert(a[0].clone(), &target) {
        Ok(v) => Ok(match (elem, v.unmark_shallow()) {
            (Some(_), (Value::List(ety, items), marked)) => make_set(ety, items).mark_if(marked),
            (_, (v, marked)) => normalize(v).mark_if(marked),
        }),
        Err(_) => {
            let message = match (inner, want) {
                _ if a[0].has_sensitive() => format!(
                    "cannot convert this sensitive {} to {}",
                    friendly(&got),
                    constraint_name(want)
                ),
                (Value::String(s), Type::Bool) => format!(
                    "cannot convert {} to bool; only the strings \"true\" or \"false\" are allowed",
                    go_quote(s)
                ),
                (Value::String(s), Type::Number) => format!(
                    "cannot convert {} to number; given string must be a decimal representation of a number",
                    go_quote(s)
                ),
                _ => format!("cannot convert {} to {}", friendly(&got), constraint_name(want)),
            };
            Err(FnError::arg(0, message))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::casefile;

    #[test]
    fn terraform_cases() {
        casefile::run(include_str!("testdata/conversion.cases"));
    }
}
