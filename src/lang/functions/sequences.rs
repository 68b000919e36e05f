//! Functions that build lists and tuples: `concat`, `flatten`, `distinct`,
//! `chunklist`, `compact`, `coalesce`, `coalescelist`, `range`.
//!
//! As go-cty does, the result type comes from the argument types first:
//! lists of one element type concatenate into a list, anything else into a
//! tuple; `flatten` always gives a tuple; `coalesce` unifies its arguments.
//! Marks on elements stay on those elements where Terraform keeps them.
//! Nothing here may quote a sensitive argument in an error.

use super::cty::{convert_arg, equals, friendly, unmark, whole};
use super::numeric::ncmp;
use super::{func, param, FnError, FnResult, FuncContext, Function};
use crate::lang::number::Number;
use crate::lang::types::{convert, unify, Type};
use crate::lang::value::Value;
use std::cmp::Ordering;

pub fn register(r: &mut Vec<Function>) {
    let any = |name| param(name, Type::Dynamic);
    r.extend([
        func("concat", vec![], Type::Dynamic, concat).variadic(any("seqs").unknown().marked()),
        func("flatten", vec![any("list").marked()], Type::Dynamic, flatten),
        func("distinct", vec![any("list").unknown()], Type::Dynamic, distinct),
        func(
            "chunklist",
            vec![
                any("list").unknown().marked(),
                param("size", Type::Number).unknown().marked(),
            ],
            Type::Dynamic,
            chunklist,
        ),
        func(
            "compact",
            vec![any("list").unknown()],
            Type::list(Type::String),
            compact,
        ),
        func("coalesce", vec![], Type::Dynamic, coalesce).variadic(any("vals").null().unknown()),
        func("coalescelist", vec![], Type::Dynamic, coalescelist).variadic(any("vals").null().unknown()),
        func("range", vec![], Type::list(Type::Number), range).variadic(param("params", Type::Number)),
    ]);
}

/// The type of `concat`'s result: a list when every argument is a list and
/// their element types unify, otherwise a tuple of all the elements' types.
fn concat_type(args: &[&Value]) -> Result<Type, FnError> {
    if args.iter().all(|v| matches!(v.ty(), Type::List(_))) {
        let types: Vec<Type> = args.iter().map(|v| v.ty()).collect();
        if let Some(t) = unify(&types) {
            return Ok(t);
        }
    }
    let mut elems = Vec::new();
    for (i, v) in args.iter().enumerate() {
        match v.ty() {
            Type::Tuple(ts) => elems.extend(ts.iter().cloned()),
            Type::List(_) if !v.is_known() => return Ok(Type::Dynamic),
            Type::List(e) => elems.extend(std::iter::repeat_n((*e).clone(), v.as_seq().map_or(0, <[Value]>::len))),
            t => {
                return Err(FnError::arg(
                    i,
                    format!("all arguments must be lists or tuples; got {}", friendly(&t)),
                ))
            }
        }
    }
    Ok(Type::tuple(elems))
}

pub fn concat(a: &[Value], _: &FuncContext) -> FnResult {
    if a.is_empty() {
        return Err(FnError::new("at least one argument is required"));
    }
    let mut marked = false;
    let args: Vec<&Value> = a
        .iter()
        .map(|v| {
            let (v, m) = unmark(v);
            marked |= m;
            v
        })
        .collect();
    if args.iter().any(|v| v.ty() == Type::Dynamic) {
        return Ok(Value::unknown());
    }
    let ret = concat_type(&args)?;
    if args.iter().any(|v| !v.is_known()) {
        return Ok(Value::Unknown(ret));
    }
    let mut items = Vec::new();
    match &ret {
        Type::List(e) => {
            for (i, v) in args.iter().enumerate() {
                let v = convert((*v).clone(), &ret).map_err(|e| FnError::arg(i, e.to_string()))?;
                items.extend_from_slice(v.as_seq().unwrap_or_default());
            }
            Ok(Value::List((**e).clone(), items).mark_if(marked))
        }
        _ => {
            for v in &args {
                items.extend_from_slice(v.as_seq().unwrap_or_default());
            }
            Ok(Value::Tuple(items).mark_if(marked))
        }
    }
}

/// Flattens nested lists, sets and tuples into `out`; false when an
/// unknown nested collection (or a set whose unknown elements may merge)
/// hides how many elements there are. Marks of nested collections go to
/// `marked`; elements keep their own.
fn flatten_into(items: &[Value], is_set: bool, out: &mut Vec<Value>, marked: &mut bool) -> bool {
    if is_set && items.len() > 1 && items.iter().any(|v| !v.is_wholly_known()) {
        return false;
    }
    let mut known = true;
    for item in items {
        let (v, m) = unmark(item);
        if *v == Value::Unknown(Type::Dynamic) {
            known = false;
        }
        let nested = !v.is_null() && matches!(v.ty(), Type::List(_) | Type::Set(_) | Type::Tuple(_));
        if !nested {
            out.push(item.clone());
            continue;
        }
        *marked |= m;
        match v.as_seq() {
            Some(inner) => known &= flatten_into(inner, matches!(v, Value::Set(..)), out, marked),
            None => known = false,
        }
    }
    known
}

pub fn flatten(a: &[Value], _: &FuncContext) -> FnResult {
    let (v, mut marked) = unmark(&a[0]);
    let Some(items) = v.as_seq() else {
        return Err(FnError::new("can only flatten lists, sets and tuples"));
    };
    let mut out = Vec::new();
    if !flatten_into(items, matches!(v, Value::Set(..)), &mut out, &mut marked) {
        return Ok(Value::unknown().mark_if(marked));
    }
    Ok(Value::Tuple(out).mark_if(marked))
}

/// Converts an argument to a list of one element type, as HCL does for a
/// `list(any)` parameter.
fn any_list(a: &[Value], i: usize) -> Result<Value, FnError> {
    convert_arg(a[i].clone(), &Type::list(Type::Dynamic)).map_err(|e| FnError::arg(i, e))
}

/// The list without repeated elements, first occurrences kept in order.
pub fn distinct(a: &[Value], _: &FuncContext) -> FnResult {
    let list = any_list(a, 0)?;
    let ty = list.ty();
    if !list.is_wholly_known() {
        return Ok(Value::Unknown(ty));
    }
    let mut out: Vec<Value> = Vec::new();
    for v in list.as_seq().unwrap_or_default() {
        if !out.iter().any(|o| equals(o, v) == Some(true)) {
            out.push(v.clone());
        }
    }
    Ok(Value::List(ty.element().cloned().unwrap_or(Type::Dynamic), out))
}

/// Lists of at most `size` elements; size 0 gives the list itself.
pub fn chunklist(a: &[Value], _: &FuncContext) -> FnResult {
    let list = any_list(a, 0)?;
    let (list, list_marked) = unmark(&list);
    let (size, size_marked) = unmark(&a[1]);
    let list_ty = list.ty();
    let ret = Type::list(list_ty.clone());
    let (Some(items), Some(size)) = (list.as_seq(), size.as_number()) else {
        return Ok(Value::Unknown(ret));
    };
    let marked = list_marked || size_marked;
    let size = whole(size).map_err(|e| FnError::new(format!("invalid size: {e}")))?;
    if size < 0 {
        return Err(FnError::new("the size argument must be positive"));
    }
    let elem = list_ty.element().cloned().unwrap_or(Type::Dynamic);
    let chunks = if items.is_empty() {
        Vec::new()
    } else if size == 0 {
        vec![list.clone()]
    } else {
        items
            .chunks(usize::try_from(size).unwrap_or(usize::MAX))
            .map(|c| Value::List(elem.clone(), c.to_vec()))
            .collect()
    };
    Ok(Value::List(list_ty, chunks).mark_if(marked))
}

/// The strings without the empty ones and nulls.
pub fn compact(a: &[Value], _: &FuncContext) -> FnResult {
    let list = convert_arg(a[0].clone(), &Type::list(Type::String)).map_err(|e| FnError::arg(0, e))?;
    if !list.is_wholly_known() {
        return Ok(Value::Unknown(Type::list(Type::String)));
    }
    let out = list
        .as_seq()
        .unwrap_or_default()
        .iter()
        .filter(|v| !v.is_null() && v.as_str() != Some(""))
        .cloned()
        .collect();
    Ok(Value::List(Type::String, out))
}

/// The first argument that is neither null nor an empty string, converted
/// to the arguments' common type.
pub fn coalesce(a: &[Value], _: &FuncContext) -> FnResult {
    let types: Vec<Type> = a.iter().map(Value::ty).collect();
    let ret = if a.is_empty() { None } else { unify(&types) };
    let ret = ret.ok_or_else(|| FnError::new("all arguments must have the same type"))?;
    for v in a {
        let v = convert(v.clone(), &ret).map_err(|e| FnError::new(e.to_string()))?;
        if !v.is_known() {
            return Ok(Value::Unknown(ret));
        }
        if v.is_null() || (ret == Type::String && v.as_str() == Some("")) {
            continue;
        }
        return Ok(v);
    }
    Err(FnError::new("no non-null, non-empty-string arguments"))
}

/// The first list or tuple that is not empty.
pub fn coalescelist(a: &[Value], _: &FuncContext) -> FnResult {
    if a.is_empty() {
        return Err(FnError::new("at least one argument is required"));
    }
    let mut ret: Option<Type> = None;
    for v in a {
        if !v.is_known() {
            ret = Some(Type::Dynamic);
            break;
        }
        let ty = v.ty();
        if !matches!(ty, Type::List(_) | Type::Tuple(_)) {
            return Err(FnError::new("coalescelist arguments must be lists or tuples"));
        }
        ret = Some(match ret {
            Some(r) if r != ty => Type::Dynamic,
            Some(r) => r,
            None => ty,
        });
    }
    let ret = ret.unwrap_or(Type::Dynamic);
    for v in a {
        if !v.is_known() {
            return Ok(Value::Unknown(ret));
        }
        if !v.is_null() && !v.as_seq().unwrap_or_default().is_empty() {
            return Ok(v.clone());
        }
    }
    Err(FnError::new("no non-null arguments"))
}

/// `range(limit)`, `range(start, limit)`, `range(start, limit, step)`: at
/// most 1024 numbers. A step of zero is not refused: like Terraform, it
/// counts to the limit of 1024.
pub fn range(a: &[Value], _: &FuncContext) -> FnResult {
    let num = |i: usize| a[i].as_number().cloned().unwrap_or_else(Number::zero);
    let unit = |down: bool| Number::from_i64(if down { -1 } else { 1 });
    let (start, end, step) = match a.len() {
        1 => (Number::zero(), num(0), unit(num(0).is_negative())),
        2 => (num(0), num(1), unit(ncmp(&num(1), &num(0)) == Ordering::Less)),
        3 => (num(0), num(1), num(2)),
        _ => return Err(FnError::new("must have one, two, or three arguments")),
    };
    let down = ncmp(&step, &Number::zero()) == Ordering::Less;
    if down && ncmp(&end, &start) == Ordering::Greater {
        return Err(FnError::arg(1, "end must be less than start when step is negative"));
    }
    if !down && ncmp(&end, &start) == Ordering::Less {
        return Err(FnError::arg(1, "end must be greater than start when step is positive"));
    }
    let mut out = Vec::new();
    let mut n = start;
    loop {
        let past = match ncmp(&n, &end) {
            Ordering::Equal => true,
            Ordering::Less => down,
            Ordering::Greater => !down,
        };
        if past {
            break;
        }
        if out.len() >= 1024 {
            return Err(FnError::new(
                "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step",
            ));
        }
        out.push(Value::Number(n.clone()));
        n = n.add(&step).map_err(|e| FnError::new(e.message))?;
    }
    Ok(Value::List(Type::Number, out))
}

#[cfg(test)]
mod tests {
    use super::super::casefile;
    use super::super::test_support::*;

    #[test]
    fn terraform_cases() {
        casefile::run(include_str!("testdata/sequences.cases"));
    }

    #[test]
    fn range_with_a_zero_step_stops_at_the_limit() {
        assert!(eval("range(0, 5, 0)").unwrap_err().contains("more than 1024"));
        assert_eq!(show("range(1, 1, 0)"), "tolist([])");
    }
}
