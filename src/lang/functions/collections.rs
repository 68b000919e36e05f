//! Functions that read lists, tuples and sets: `length`, `element`,
//! `index`, `contains`, `one`, `slice`, `reverse`, `sort`, `alltrue`,
//! `anytrue`, `sum`, `matchkeys`.
//!
//! Each computes its result type from the argument types first, as go-cty's
//! `Type` callbacks do (a tuple gives a tuple, a list a list), so unknown
//! arguments give unknowns of the right type; equality is go-cty's
//! ([`super::cty::equals`]). Functions that take marked arguments keep the
//! marks of elements on those elements and put the argument's own mark on
//! the result; the others get unmarked values from the dispatcher, which
//! marks the whole result. Nothing here may quote a sensitive argument in
//! an error, or convert by rules other than `types::convert`'s.

use super::cty::{convert_arg, equals, friendly, unmark, whole};
use super::{func, param, FnError, FnResult, FuncContext, Function};
use crate::lang::number::Number;
use crate::lang::types::{convert, unify, Type};
use crate::lang::value::Value;

pub fn register(r: &mut Vec<Function>) {
    let any = |name| param(name, Type::Dynamic);
    let num = |name| param(name, Type::Number).unknown();
    r.extend([
        func("length", vec![any("value").unknown().marked()], Type::Number, length),
        func(
            "element",
            vec![any("list").unknown().marked(), num("index")],
            Type::Dynamic,
            element,
        ),
        func("index", vec![any("list"), any("value")], Type::Number, index),
        func("contains", vec![any("list"), any("value")], Type::Bool, contains),
        func("one", vec![any("list").unknown()], Type::Dynamic, one),
        func(
            "slice",
            vec![any("list").unknown().marked(), num("start_index"), num("end_index")],
            Type::Dynamic,
            slice,
        ),
        func("reverse", vec![any("list").unknown().marked()], Type::Dynamic, reverse),
        func("sort", vec![any("list").unknown()], Type::list(Type::String), sort),
        func("alltrue", vec![any("list").unknown()], Type::Bool, alltrue),
        func("anytrue", vec![any("list").unknown()], Type::Bool, anytrue),
        func("sum", vec![any("list")], Type::Number, sum),
        func(
            "matchkeys",
            vec![
                any("values").unknown(),
                any("keys").unknown(),
                any("searchset").unknown(),
            ],
            Type::Dynamic,
            matchkeys,
        ),
    ]);
}

/// Characters of a string (grapheme clusters, as a reader counts them:
/// `"e\u0301"` is one), elements of a collection, attributes of an object.
pub fn length(a: &[Value], _: &FuncContext) -> FnResult {
    let (v, marked) = unmark(&a[0]);
    let count = |n: usize| Value::int(n as i64);
    // A tuple's or an object's length is its own, without working out the
    // type of every element (`length(azurerm_subnet.all)` holds them all).
    let ty = match v {
        Value::Tuple(items) => return Ok(count(items.len()).mark_if(marked)),
        Value::Object(attrs) => return Ok(count(attrs.len()).mark_if(marked)),
        v => v.ty(),
    };
    let out = match ty {
        Type::Tuple(ts) => count(ts.len()),
        Type::Object(attrs) => count(attrs.len()),
        _ if !v.is_known() => Value::Unknown(Type::Number),
        Type::String => count(super::strings::grapheme_count(v.as_str().unwrap_or_default())),
        Type::Set(_) => {
            // Unknown elements may turn out equal to others and merge.
            let items = v.as_seq().unwrap_or_default();
            if items.len() == 1 || v.is_wholly_known() {
                count(items.len())
            } else {
                Value::Unknown(Type::Number)
            }
        }
        Type::List(_) | Type::Map(_) => count(
            v.as_seq()
                .map_or_else(|| v.as_map().map_or(0, |m| m.len()), |s| s.len()),
        ),
        _ => {
            return Err(FnError::new(
                "argument must be a string, a collection type, or a structural type",
            ))
        }
    };
    Ok(out.mark_if(marked))
}

/// The element at an index, wrapping around the length; a negative index
/// counts from the end of a list.
pub fn element(a: &[Value], _: &FuncContext) -> FnResult {
    let (list, marked) = unmark(&a[0]);
    let index = &a[1];
    let invalid = |e: String| FnError::new(format!("invalid index: {e}"));
    let empty = || FnError::new("cannot use element function with an empty list");
    let ret = match list.ty() {
        Type::List(e) => (*e).clone(),
        Type::Tuple(_) if !index.is_known() => Type::Dynamic,
        Type::Tuple(ts) => {
            let i = whole(index.as_number().unwrap_or(&Number::zero())).map_err(invalid)?;
            if ts.is_empty() {
                return Err(empty());
            }
            // Terraform 1.11 panics on a negative index into a tuple.
            let i = usize::try_from(i % ts.len() as i64)
                .map_err(|_| FnError::arg(1, "a negative index cannot be used with a tuple"))?;
            ts[i].clone()
        }
        Type::Dynamic => return Ok(Value::unknown()),
        t => return Err(FnError::new(format!("cannot read elements from {}", friendly(&t)))),
    };
    let (Some(items), Some(i)) = (list.as_seq(), index.as_number()) else {
        return Ok(Value::Unknown(ret));
    };
    let i = whole(i).map_err(invalid)?;
    if items.is_empty() {
        return Err(empty());
    }
    let len = items.len() as i64;
    let i = ((i % len) + len) % len;
    Ok(items[i as usize].clone().mark_if(marked))
}

pub fn index(a: &[Value], _: &FuncContext) -> FnResult {
    let items = match &a[0] {
        Value::List(_, items) | Value::Tuple(items) => items,
        _ => return Err(FnError::new("argument must be a list or tuple")),
    };
    if items.is_empty() {
        return Err(FnError::new("cannot search an empty list"));
    }
    for (i, v) in items.iter().enumerate() {
        match equals(v, &a[1]) {
            None => return Ok(Value::Unknown(Type::Number)),
            Some(true) => return Ok(Value::int(i as i64)),
            Some(false) => {}
        }
    }
    Err(FnError::new("item not found"))
}

/// Unknown when no element is equal but an unknown one might be.
pub fn contains(a: &[Value], _: &FuncContext) -> FnResult {
    let items = match &a[0] {
        Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => items,
        _ => return Err(FnError::new("argument must be list, tuple, or set")),
    };
    let mut unknown = false;
    for v in items {
        match equals(&a[1], v) {
            Some(true) => return Ok(Value::Bool(true)),
            None => unknown = true,
            Some(false) => {}
        }
    }
    Ok(if unknown {
        Value::Unknown(Type::Bool)
    } else {
        Value::Bool(false)
    })
}

/// The only element, or null (of the element type) when there is none.
pub fn one(a: &[Value], _: &FuncContext) -> FnResult {
    let v = &a[0];
    let wrong = || {
        FnError::arg(
            0,
            "must be a list, set, or tuple value with either zero or one elements",
        )
    };
    let ret = match v.ty() {
        Type::List(e) | Type::Set(e) => (*e).clone(),
        Type::Tuple(ts) if ts.len() < 2 => ts.first().cloned().unwrap_or(Type::Dynamic),
        Type::Dynamic => return Ok(Value::unknown()),
        _ => return Err(wrong()),
    };
    let Some(items) = v.as_seq() else {
        return Ok(Value::Unknown(ret));
    };
    if matches!(v, Value::Set(..)) && items.len() > 1 && !v.is_wholly_known() {
        return Ok(Value::Unknown(ret));
    }
    match items {
        [] => Ok(Value::Null(ret)),
        [x] => Ok(x.clone()),
        _ => Err(wrong()),
    }
}

/// Reads one of `slice`'s indexes: `None` while it is unknown.
fn slice_index(v: &Value, i: usize, what: &str, len: Option<usize>) -> Result<Option<usize>, FnError> {
    let Some(n) = v.as_number() else { return Ok(None) };
    let n = whole(n).map_err(|e| FnError::arg(i, format!("invalid {what} index: {e}")))?;
    if n < 0 {
        return Err(FnError::arg(i, format!("{what} index must not be less than zero")));
    }
    if len.is_some_and(|len| n as u64 > len as u64) {
        return Err(FnError::arg(
            i,
            format!("{what} index must not be greater than the length of the list"),
        ));
    }
    Ok(Some(n as usize))
}

pub fn slice(a: &[Value], _: &FuncContext) -> FnResult {
    let (list, marked) = unmark(&a[0]);
    let ty = list.ty();
    match ty {
        Type::Set(_) => return Err(FnError::arg(
            0,
            "cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important",
        )),
        Type::List(_) | Type::Tuple(_) => {}
        Type::Dynamic => return Ok(Value::unknown()),
        _ => return Err(FnError::arg(0, "must be a list or tuple value")),
    }
    let len = match &ty {
        Type::Tuple(ts) => Some(ts.len()),
        _ => list.as_seq().map(<[Value]>::len),
    };
    let start = slice_index(&a[1], 1, "start", len)?;
    let end = slice_index(&a[2], 2, "end", len)?;
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            return Err(FnError::arg(1, "start index must not be greater than end index"));
        }
    }
    let ret = match (&ty, start, end) {
        (Type::Tuple(ts), Some(s), Some(e)) => Type::tuple(ts[s..e].to_vec()),
        (Type::Tuple(_), _, _) => Type::Dynamic,
        (t, _, _) => t.clone(),
    };
    let (Some(items), Some(s), Some(e)) = (list.as_seq(), start, end) else {
        return Ok(Value::Unknown(ret));
    };
    let part = items[s..e].to_vec();
    let out = match ret {
        Type::List(t) => Value::List((*t).clone(), part),
        _ => Value::Tuple(part),
    };
    Ok(out.mark_if(marked))
}

pub fn reverse(a: &[Value], _: &FuncContext) -> FnResult {
    let (list, marked) = unmark(&a[0]);
    let ret = match list.ty() {
        Type::Tuple(ts) => Type::tuple(ts.iter().rev().cloned().collect()),
        Type::List(e) | Type::Set(e) => Type::list((*e).clone()),
        Type::Dynamic => return Ok(Value::unknown()),
        t => {
            return Err(FnError::arg(
                0,
                format!("can only reverse list or tuple values, not {}", friendly(&t)),
            ))
        }
    };
    let Some(items) = list.as_seq() else {
        return Ok(Value::Unknown(ret));
    };
    let items: Vec<Value> = items.iter().rev().cloned().collect();
    let out = match ret {
        Type::List(e) => Value::List((*e).clone(), items),
        _ => Value::Tuple(items),
    };
    Ok(out.mark_if(marked))
}

/// Strings in lexical (byte) order. With unknown elements the order is
/// unknown but the length is not: a list of unknown strings.
pub fn sort(a: &[Value], _: &FuncContext) -> FnResult {
    let list = convert_arg(a[0].clone(), &Type::list(Type::String)).map_err(|e| FnError::arg(0, e))?;
    let Some(items) = list.as_seq() else {
        return Ok(Value::Unknown(Type::list(Type::String)));
    };
    if !list.is_wholly_known() {
        return Ok(Value::List(
            Type::String,
            vec![Value::Unknown(Type::String); items.len()],
        ));
    }
    let mut strings = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        let s = v.as_str().ok_or_else(|| {
            FnError::new(format!(
                "given list element {i} is null; a null string cannot be sorted"
            ))
        })?;
        strings.push(s.to_string());
    }
    strings.sort();
    Ok(Value::List(
        Type::String,
        strings.into_iter().map(Value::String).collect(),
    ))
}

fn bools(a: &[Value]) -> Result<Option<Vec<Value>>, FnError> {
    let list = convert_arg(a[0].clone(), &Type::list(Type::Bool)).map_err(|e| FnError::arg(0, e))?;
    Ok(list.as_seq().map(<[Value]>::to_vec))
}

/// True when every element is true; a null element is false.
pub fn alltrue(a: &[Value], _: &FuncContext) -> FnResult {
    let Some(items) = bools(a)? else {
        return Ok(Value::Unknown(Type::Bool));
    };
    for v in items {
        if !v.is_known() {
            return Ok(Value::Unknown(Type::Bool));
        }
        if v.as_bool() != Some(true) {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

/// True when an element is true; nulls are skipped.
pub fn anytrue(a: &[Value], _: &FuncContext) -> FnResult {
    let Some(items) = bools(a)? else {
        return Ok(Value::Unknown(Type::Bool));
    };
    let mut unknown = false;
    for v in items {
        if !v.is_known() {
            unknown = true;
        } else if v.as_bool() == Some(true) {
            return Ok(Value::Bool(true));
        }
    }
    Ok(if unknown {
        Value::Unknown(Type::Bool)
    } else {
        Value::Bool(false)
    })
}

pub fn sum(a: &[Value], _: &FuncContext) -> FnResult {
    let v = &a[0];
    let ty = v.ty();
    let count = match (v.as_seq(), v.as_map()) {
        (Some(items), _) => items.len(),
        (_, Some(m)) => m.len(),
        _ => return Err(FnError::arg(0, "cannot sum noniterable")),
    };
    if count == 0 {
        return Err(FnError::arg(0, "cannot sum an empty list"));
    }
    let Some(items) = v.as_seq() else {
        return Err(FnError::arg(
            0,
            format!("argument must be list, set, or tuple. Received {}", friendly(&ty)),
        ));
    };
    if !v.is_wholly_known() {
        return Ok(Value::Unknown(Type::Number));
    }
    let not_numbers = || FnError::arg(0, "argument must be list, set, or tuple of number values");
    let mut total: Option<Number> = None;
    for item in items {
        if item.is_null() {
            return Err(not_numbers());
        }
        let n = convert(item.clone(), &Type::Number)
            .ok()
            .and_then(|n| n.as_number().cloned())
            .ok_or_else(not_numbers)?;
        total = Some(match total {
            None => n,
            Some(t) => t
                .add(&n)
                .map_err(|_| FnError::new("can't compute sum of opposing infinities"))?,
        });
    }
    Ok(Value::Number(total.unwrap_or_else(Number::zero)))
}

/// The elements of `values` whose key (at the same index) is in `searchset`.
pub fn matchkeys(a: &[Value], _: &FuncContext) -> FnResult {
    let any_list = Type::list(Type::Dynamic);
    let mut lists = Vec::with_capacity(3);
    for (i, v) in a.iter().enumerate() {
        lists.push(convert_arg(v.clone(), &any_list).map_err(|e| FnError::arg(i, e))?);
    }
    let [values, keys, search] = <[Value; 3]>::try_from(lists).expect("three parameters");
    let common =
        unify(&[keys.ty(), search.ty()]).ok_or_else(|| FnError::new("keys and searchset must be of the same type"))?;
    let ret = values.ty();
    let elem = ret.element().cloned().unwrap_or(Type::Dynamic);
    let (Some(vs), Some(ks), Some(_)) = (values.as_seq(), keys.as_seq(), search.as_seq()) else {
        return Ok(Value::Unknown(ret));
    };
    if vs.len() != ks.len() {
        return Err(FnError::new("length of keys and values should be equal"));
    }
    let empty = || Ok(Value::List(elem.clone(), Vec::new()));
    let keys = convert(keys.clone(), &common).map_err(|e| FnError::arg(1, e.to_string()))?;
    let search = convert(search, &common).map_err(|e| FnError::arg(2, e.to_string()))?;
    let search = search.as_seq().unwrap_or_default();
    if search.is_empty() {
        return empty();
    }
    if !values.is_wholly_known() || !keys.is_wholly_known() {
        return Ok(Value::Unknown(ret));
    }
    let mut out = Vec::new();
    for (i, key) in keys.as_seq().unwrap_or_default().iter().enumerate() {
        for s in search {
            match equals(key, s) {
                None => return empty(),
                Some(true) => {
                    out.push(vs[i].clone());
                    break;
                }
                Some(false) => {}
            }
        }
    }
    Ok(Value::List(elem, out))
}

#[cfg(test)]
mod tests {
    use super::super::casefile;
    use super::super::test_support::*;
    use crate::lang::types::Type;
    use crate::lang::value::Value;

    #[test]
    fn terraform_cases() {
        casefile::run(include_str!("testdata/collections.cases"));
    }

    #[test]
    fn length_counts_what_a_reader_sees() {
        assert_eq!(ok("length(\"e\\u0301\")"), n(1.0));
        assert_eq!(ok("length(\"🇫🇷\")"), n(1.0));
        // A set whose unknown element may merge with another has no length yet.
        let set = Value::Set(Type::String, vec![s("a"), Value::Unknown(Type::String)]);
        let r = super::length(&[set], &Default::default()).unwrap();
        assert_eq!(r, Value::Unknown(Type::Number));
    }
}
