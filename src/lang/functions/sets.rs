//! Sets as go-cty keeps them, and the set functions: `setunion`,
//! `setintersection`, `setsubtract`, `setproduct`.
//!
//! Sets themselves (go-cty's order of elements, membership by hash and
//! equality) are the value layer's: `crate::lang::value::set`.

use super::cty::{convert_arg, friendly, unmark};
use super::{func, param, FnError, FnResult, FuncContext, Function};
use crate::lang::limits::{Budget, Size};
use crate::lang::types::{unify, Type};
use crate::lang::value::set::{contains, hash_text, make_set, Members};
use crate::lang::value::Value;

pub fn register(r: &mut Vec<Function>) {
    let set_param = |name| param(name, Type::Dynamic).unknown();
    r.extend([
        func(
            "setunion",
            vec![set_param("first_set")],
            Type::set(Type::Dynamic),
            setunion,
        )
        .variadic(set_param("other_sets")),
        func(
            "setintersection",
            vec![set_param("first_set")],
            Type::set(Type::Dynamic),
            setintersection,
        )
        .variadic(set_param("other_sets")),
        func(
            "setsubtract",
            vec![set_param("a"), set_param("b")],
            Type::set(Type::Dynamic),
            setsubtract,
        ),
        func("setproduct", vec![], Type::Dynamic, setproduct).variadic(param("sets", Type::Dynamic).unknown().marked()),
    ]);
}

/// A set whose unknown elements may still merge with others.
pub fn has_unknown_length(v: &Value) -> bool {
    matches!(v.inner(), Value::Set(..)) && set_items(v).len() > 1 && !v.is_wholly_known()
}

fn set_items(v: &Value) -> &[Value] {
    v.as_seq().unwrap_or_default()
}

/// The type a set operation returns: a set of the arguments' common element
/// type (empty sets of unknown element type take any).
fn set_operation_type(sets: &[Value]) -> Result<Type, FnError> {
    let mut elems = Vec::new();
    for s in sets {
        let ety = s.ty().element().cloned().unwrap_or(Type::Dynamic);
        if s.is_known() && set_items(s).is_empty() && ety == Type::Dynamic {
            continue;
        }
        elems.push(ety);
    }
    if elems.is_empty() {
        return Ok(Type::set(Type::Dynamic));
    }
    unify(&elems)
        .map(Type::set)
        .ok_or_else(|| FnError::new("given sets must all have compatible element types"))
}

/// Converts the arguments to sets (as HCL converts them to `set(any)`),
/// computes the result type, then applies `op` left to right. Unknown
/// elements make the result unknown unless `keep_unknowns`.
fn set_operation(a: &[Value], keep_unknowns: bool, op: fn(Vec<Value>, &[Value]) -> Vec<Value>) -> FnResult {
    let mut sets = Vec::with_capacity(a.len());
    for (i, v) in a.iter().enumerate() {
        if *v == Value::Unknown(Type::Dynamic) {
            return Ok(Value::unknown());
        }
        sets.push(convert_arg(v.clone(), &Type::set(Type::Dynamic)).map_err(|e| FnError::arg(i, e))?);
    }
    let ret = set_operation_type(&sets)?;
    if sets.iter().any(|s| !s.is_known()) {
        return Ok(Value::Unknown(ret));
    }
    let ety = ret.element().cloned().unwrap_or(Type::Dynamic);
    let mut acc: Option<Vec<Value>> = None;
    for (i, s) in sets.into_iter().enumerate() {
        let s = convert_arg(s, &ret).map_err(|e| FnError::arg(i, e))?;
        if !keep_unknowns && !s.is_wholly_known() {
            return Ok(Value::Unknown(ret));
        }
        let items = set_items(&s).to_vec();
        acc = Some(match acc {
            None => items,
            Some(prev) => op(prev, &items),
        });
    }
    Ok(make_set(ety, acc.unwrap_or_default()))
}

fn hashed(items: &[Value]) -> Members {
    items.iter().map(|v| (hash_text(v), v.clone())).collect()
}

pub fn setunion(a: &[Value], _: &FuncContext) -> FnResult {
    set_operation(a, true, |mut x, y| {
        x.extend_from_slice(y);
        x
    })
}

pub fn setintersection(a: &[Value], _: &FuncContext) -> FnResult {
    set_operation(a, false, |x, y| {
        let y = hashed(y);
        x.into_iter().filter(|v| contains(&y, &hash_text(v), v)).collect()
    })
}

pub fn setsubtract(a: &[Value], _: &FuncContext) -> FnResult {
    set_operation(a, false, |x, y| {
        let y = hashed(y);
        x.into_iter().filter(|v| !contains(&y, &hash_text(v), v)).collect()
    })
}

/// The cartesian product: a list of tuples when every argument is a list or
/// tuple (in their order), otherwise a set of tuples.
pub fn setproduct(a: &[Value], _: &FuncContext) -> FnResult {
    if a.len() < 2 {
        return Err(FnError::new("at least two arguments are required"));
    }
    let mut marked = false;
    let mut args = Vec::with_capacity(a.len());
    let mut elem_types = Vec::with_capacity(a.len());
    let mut lists = 0;
    for (i, v) in a.iter().enumerate() {
        let (v, m) = unmark(v);
        marked |= m;
        let ety = match v.ty() {
            Type::Set(e) => (*e).clone(),
            Type::List(e) => {
                lists += 1;
                (*e).clone()
            }
            Type::Tuple(ts) => {
                lists += 1;
                if ts.is_empty() {
                    Type::Dynamic
                } else {
                    unify(&ts).ok_or_else(|| FnError::arg(i, "all elements must be of the same type"))?
                }
            }
            _ => return Err(FnError::arg(i, "a set or a list is required")),
        };
        elem_types.push(ety);
        args.push(v);
    }
    let tuple = Type::tuple(elem_types.clone());
    let as_list = lists == a.len();
    let ret = if as_list {
        Type::list(tuple.clone())
    } else {
        Type::set(tuple.clone())
    };
    if args.iter().any(|v| !v.is_known()) {
        return Ok(Value::Unknown(ret).mark_if(marked));
    }
    // Unknown elements of a set may turn out equal and merge: its length,
    // and so the product's, is unknown (one element cannot merge).
    if args.iter().any(|v| has_unknown_length(v)) {
        return Ok(Value::Unknown(ret).mark_if(marked));
    }
    product_size(&args)?;
    let mut product: Vec<Vec<Value>> = vec![Vec::new()];
    for (j, v) in args.iter().enumerate() {
        let mut next = Vec::with_capacity(product.len() * set_items(v).len());
        for prefix in &product {
            for item in set_items(v) {
                let item = convert_arg(item.clone(), &elem_types[j])
                    .map_err(|e| FnError::new(format!("cannot use this {} element: {e}", friendly(&item.ty()))))?;
                let mut p = prefix.clone();
                p.push(item);
                next.push(p);
            }
        }
        product = next;
    }
    let tuples: Vec<Value> = product.into_iter().map(Value::Tuple).collect();
    let out = if as_list {
        Value::List(tuple, tuples)
    } else {
        make_set(tuple, tuples)
    };
    Ok(out.mark_if(marked))
}

/// Refuses, before building it, a product past the size limits: its
/// tuples with their elements, and what each element of argument `j`
/// holds, once for every tuple it is in (the product of the other
/// arguments' lengths).
fn product_size(args: &[&Value]) -> Result<(), FnError> {
    let lens: Vec<usize> = args.iter().map(|v| set_items(v).len()).collect();
    let tuples = lens
        .iter()
        .try_fold(1usize, |n, l| n.checked_mul(*l))
        .unwrap_or(usize::MAX);
    if tuples == 0 {
        return Ok(());
    }
    let over = |l: crate::lang::limits::LimitError| FnError::new(l.to_string());
    let mut budget = Budget::new();
    let tuple = Size {
        elements: 1 + args.len(),
        text: 0,
    };
    budget.repeat(tuples, tuple).map_err(over)?;
    for (v, len) in args.iter().zip(&lens) {
        for item in set_items(v) {
            budget.repeat(tuples / len, Size::of(item)).map_err(over)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::casefile;
    use crate::lang::functions::test_support::eval;

    #[test]
    fn products_beyond_reason_are_refused_before_they_are_built() {
        let too_many = "setproduct(): the result would hold more than 1000000 elements (nested ones counted), \
                        aksplan's limit for one value";
        // 10^8 tuples of 3.
        assert_eq!(
            eval("setproduct(range(1000), range(1000), range(100))").unwrap_err(),
            too_many
        );
        // 250,000 tuples of 2: 750,000 elements in all, within the limit.
        assert_eq!(
            eval("length(setproduct(range(500), range(500)))").unwrap(),
            eval("250000").unwrap()
        );
        // 334,000 tuples of 2 would be 1,002,000.
        assert_eq!(
            eval("setproduct(range(2), flatten([for i in range(167) : range(1000)]))").map(|_| ()),
            Err(too_many.to_string())
        );
        // Elements that are collections count with what they hold.
        assert_eq!(
            eval("setproduct([for i in range(1000) : [0, 1, 2]], range(300))").unwrap_err(),
            too_many
        );
    }

    #[test]
    fn terraform_cases() {
        casefile::run(include_str!("testdata/sets.cases"));
    }
}
