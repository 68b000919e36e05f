//! Collection functions: lists, tuples, sets, maps and objects.

use super::{func, int_arg, map_arg, param, seq_arg, string_arg, FnError, FnResult, FuncContext, Function};
use crate::lang::types::{unify_values, Type};
use crate::lang::value::{cmp, Map, Value};

pub fn register(r: &mut Vec<Function>) {
    let any = || Type::Dynamic;
    r.extend([
        func("length", vec![param("value", any())], Type::Number, length),
        func(
            "lookup",
            vec![param("inputMap", any()), param("key", Type::String)],
            any(),
            lookup,
        )
        .variadic(param("default", any()).null()),
        func("merge", vec![], any(), merge).variadic(param("maps", any()).null()),
        func("concat", vec![], any(), concat).variadic(param("seqs", any())),
        func(
            "contains",
            vec![param("list", any()), param("value", any()).null()],
            Type::Bool,
            contains,
        )
        .deep(),
        func("keys", vec![param("inputMap", any())], any(), keys),
        func("values", vec![param("mapping", any())], any(), values),
        func(
            "element",
            vec![param("list", any()), param("index", Type::Number)],
            any(),
            element,
        ),
        func(
            "index",
            vec![param("list", any()), param("value", any())],
            Type::Number,
            index,
        )
        .deep(),
        func("flatten", vec![param("list", any())], any(), flatten),
        func("distinct", vec![param("list", Type::list(any()))], any(), distinct).deep(),
        func("coalesce", vec![], any(), coalesce).variadic(param("vals", any()).null()),
        func("coalescelist", vec![], any(), coalescelist).variadic(param("vals", any())),
        func(
            "compact",
            vec![param("list", Type::list(Type::String))],
            Type::list(Type::String),
            compact,
        )
        .deep(),
        func("one", vec![param("list", any())], any(), one),
        func(
            "zipmap",
            vec![param("keys", Type::list(Type::String)), param("values", any())],
            any(),
            zipmap,
        ),
        func("setproduct", vec![], any(), setproduct).variadic(param("sets", any())),
        func(
            "slice",
            vec![
                param("list", any()),
                param("start_index", Type::Number),
                param("end_index", Type::Number),
            ],
            any(),
            slice,
        ),
        func("reverse", vec![param("list", any())], any(), reverse),
        func(
            "sort",
            vec![param("list", Type::list(Type::String))],
            Type::list(Type::String),
            sort,
        )
        .deep(),
        func(
            "alltrue",
            vec![param("list", Type::list(Type::Bool))],
            Type::Bool,
            alltrue,
        )
        .deep(),
        func(
            "anytrue",
            vec![param("list", Type::list(Type::Bool))],
            Type::Bool,
            anytrue,
        )
        .deep(),
        func("tolist", vec![param("v", Type::list(any())).null()], any(), |a, _| {
            Ok(a[0].clone())
        }),
        func("toset", vec![param("v", Type::set(any())).null()], any(), |a, _| {
            Ok(a[0].clone())
        }),
        func("tomap", vec![param("v", Type::map(any())).null()], any(), |a, _| {
            Ok(a[0].clone())
        }),
    ]);
}

pub fn length(a: &[Value], _: &FuncContext) -> FnResult {
    let n = match &a[0] {
        Value::String(s) => s.chars().count(),
        v => match (v.as_seq(), v.as_map()) {
            (Some(items), _) => items.len(),
            (_, Some(m)) => m.len(),
            _ => {
                return Err(FnError::arg(
                    0,
                    format!("length() needs a string, list, set or map, got {}", v.friendly_type()),
                ))
            }
        },
    };
    Ok(Value::int(n as i64))
}

pub fn lookup(a: &[Value], _: &FuncContext) -> FnResult {
    let map = map_arg(a, 0)?;
    let key = string_arg(a, 1)?;
    if a.len() > 3 {
        return Err(FnError::new("lookup() takes 2 to 3 arguments"));
    }
    match (map.get(&key), a.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(FnError::arg(
            1,
            format!("the key {key:?} is not in the map, and no default was given"),
        )),
    }
}

/// Maps of one element type merge into a map; anything else into an object.
pub fn merge(a: &[Value], _: &FuncContext) -> FnResult {
    let mut out = Map::new();
    let mut all_maps = true;
    for (i, v) in a.iter().enumerate() {
        match v {
            Value::Null(_) => {}
            Value::Map(..) | Value::Object(_) => {
                all_maps &= matches!(v, Value::Map(..));
                out.extend(v.as_map().into_iter().flatten().map(|(k, v)| (k.clone(), v.clone())))
            }
            v => {
                return Err(FnError::arg(
                    i,
                    format!("merge() takes maps or objects, got {}", v.friendly_type()),
                ))
            }
        }
    }
    if all_maps {
        let values: Vec<Value> = out.values().cloned().collect();
        if let Ok((t, values)) = unify_values(values) {
            return Ok(Value::Map(t, out.into_keys().zip(values).collect()));
        }
    }
    Ok(Value::Object(out))
}

/// Lists of one element type concatenate into a list; anything else into a tuple.
pub fn concat(a: &[Value], _: &FuncContext) -> FnResult {
    let mut out = Vec::new();
    for i in 0..a.len() {
        out.extend_from_slice(seq_arg(a, i)?);
    }
    let first = a.first().map(Value::ty);
    if first.as_ref().is_some_and(|t| matches!(t, Type::List(_))) && a.iter().all(|v| Some(v.ty()) == first) {
        let elem = first.and_then(|t| t.element().cloned()).unwrap_or(Type::Dynamic);
        return Ok(Value::List(elem, out));
    }
    Ok(Value::Tuple(out))
}

pub fn contains(a: &[Value], _: &FuncContext) -> FnResult {
    let items = seq_arg(a, 0)?;
    Ok(Value::Bool(items.iter().any(|v| v.equals(&a[1]) == Some(true))))
}

pub fn keys(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::List(
        Type::String,
        map_arg(a, 0)?.keys().map(|k| Value::string(k.as_str())).collect(),
    ))
}

pub fn values(a: &[Value], _: &FuncContext) -> FnResult {
    let items: Vec<Value> = map_arg(a, 0)?.values().cloned().collect();
    Ok(match &a[0] {
        Value::Map(t, _) => Value::List(t.clone(), items),
        _ => Value::Tuple(items),
    })
}

pub fn element(a: &[Value], _: &FuncContext) -> FnResult {
    let items = seq_arg(a, 0)?;
    let i = int_arg(a, 1)?;
    if items.is_empty() {
        return Err(FnError::arg(0, "cannot use element function with an empty list"));
    }
    if i < 0 {
        return Err(FnError::arg(1, "cannot use element function with a negative index"));
    }
    Ok(items[i as usize % items.len()].clone())
}

pub fn index(a: &[Value], _: &FuncContext) -> FnResult {
    seq_arg(a, 0)?
        .iter()
        .position(|v| v.equals(&a[1]) == Some(true))
        .map(|i| Value::int(i as i64))
        .ok_or_else(|| FnError::arg(1, "item not found"))
}

pub fn flatten(a: &[Value], _: &FuncContext) -> FnResult {
    fn walk(items: &[Value], out: &mut Vec<Value>) -> bool {
        for v in items {
            match v {
                Value::List(_, inner) | Value::Set(_, inner) | Value::Tuple(inner) => {
                    if !walk(inner, out) {
                        return false;
                    }
                }
                Value::Unknown(_) => return false,
                v => out.push(v.clone()),
            }
        }
        true
    }
    let mut out = Vec::new();
    // An unknown nested list has an unknown length: the flat list is unknown.
    if !walk(seq_arg(a, 0)?, &mut out) {
        return Ok(Value::unknown());
    }
    Ok(Value::Tuple(out))
}

pub fn distinct(a: &[Value], _: &FuncContext) -> FnResult {
    let mut out: Vec<Value> = Vec::new();
    for v in seq_arg(a, 0)? {
        if !out.iter().any(|o| o.equals(v) == Some(true)) {
            out.push(v.clone());
        }
    }
    Ok(Value::List(a[0].ty().element().cloned().unwrap_or(Type::Dynamic), out))
}

pub fn coalesce(a: &[Value], _: &FuncContext) -> FnResult {
    if a.iter().any(|v| !v.is_known()) {
        return Ok(Value::unknown());
    }
    let (_, values) = unify_values(a.to_vec()).map_err(|_| FnError::new("all arguments must have the same type"))?;
    values
        .into_iter()
        .find(|v| !v.is_null() && v.as_str() != Some(""))
        .ok_or_else(|| FnError::new("no non-null, non-empty-string arguments"))
}

pub fn coalescelist(a: &[Value], _: &FuncContext) -> FnResult {
    for i in 0..a.len() {
        if !seq_arg(a, i)?.is_empty() {
            return Ok(a[i].clone());
        }
    }
    Ok(Value::Tuple(Vec::new()))
}

pub fn compact(a: &[Value], _: &FuncContext) -> FnResult {
    let out = seq_arg(a, 0)?
        .iter()
        .filter(|v| !v.is_null() && v.as_str() != Some(""))
        .cloned()
        .collect();
    Ok(Value::List(Type::String, out))
}

pub fn one(a: &[Value], _: &FuncContext) -> FnResult {
    match seq_arg(a, 0)? {
        [] => Ok(Value::Null(a[0].ty().element().cloned().unwrap_or(Type::Dynamic))),
        [v] => Ok(v.clone()),
        _ => Err(FnError::arg(
            0,
            "must be a list, set, or tuple value with either zero or one elements",
        )),
    }
}

pub fn zipmap(a: &[Value], _: &FuncContext) -> FnResult {
    let keys = seq_arg(a, 0)?;
    let values = seq_arg(a, 1)?;
    if keys.len() != values.len() {
        return Err(FnError::new(format!(
            "number of keys ({}) does not match number of values ({})",
            keys.len(),
            values.len()
        )));
    }
    let mut out = Map::new();
    for (k, v) in keys.iter().zip(values) {
        let k = k
            .to_template_string()
            .ok_or_else(|| FnError::arg(0, format!("keys must be strings, found {}", k.friendly_type())))?;
        out.insert(k, v.clone());
    }
    Ok(match &a[1] {
        Value::List(t, _) | Value::Set(t, _) => Value::Map(t.clone(), out),
        _ => Value::Object(out),
    })
}

pub fn setproduct(a: &[Value], _: &FuncContext) -> FnResult {
    let mut product: Vec<Vec<Value>> = vec![Vec::new()];
    for i in 0..a.len() {
        let items = seq_arg(a, i)?;
        product = product
            .into_iter()
            .flat_map(|prefix| {
                items.iter().map(move |v| {
                    let mut p = prefix.clone();
                    p.push(v.clone());
                    p
                })
            })
            .collect();
    }
    Ok(Value::list(product.into_iter().map(Value::Tuple).collect()))
}

pub fn slice(a: &[Value], _: &FuncContext) -> FnResult {
    let items = seq_arg(a, 0)?;
    let (start, end) = (int_arg(a, 1)?, int_arg(a, 2)?);
    if start < 0 || start as usize > items.len() {
        return Err(FnError::arg(
            1,
            format!("start index {start} is out of range for a list of {}", items.len()),
        ));
    }
    if end < start || end as usize > items.len() {
        return Err(FnError::arg(
            2,
            format!("end index {end} must lie between {start} and {}", items.len()),
        ));
    }
    let part = items[start as usize..end as usize].to_vec();
    Ok(match &a[0] {
        Value::List(t, _) => Value::List(t.clone(), part),
        _ => Value::Tuple(part),
    })
}

pub fn reverse(a: &[Value], _: &FuncContext) -> FnResult {
    let items: Vec<Value> = seq_arg(a, 0)?.iter().rev().cloned().collect();
    Ok(match &a[0] {
        Value::List(t, _) | Value::Set(t, _) => Value::List(t.clone(), items),
        _ => Value::Tuple(items),
    })
}

pub fn sort(a: &[Value], _: &FuncContext) -> FnResult {
    let mut items = seq_arg(a, 0)?.to_vec();
    items.sort_by(cmp);
    Ok(Value::List(Type::String, items))
}

fn bools(a: &[Value]) -> Vec<bool> {
    a[0].as_seq()
        .unwrap_or_default()
        .iter()
        .map(|v| v.as_bool().unwrap_or(false))
        .collect()
}

pub fn alltrue(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::Bool(bools(a).into_iter().all(|b| b)))
}

pub fn anytrue(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::Bool(bools(a).into_iter().any(|b| b)))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::lang::types::Type;
    use crate::lang::value::{Map, Value};

    #[test]
    fn length_of_everything() {
        assert_eq!(ok("length(\"héllo\")"), n(5.0));
        assert_eq!(ok("length([1, 2])"), n(2.0));
        assert_eq!(ok("length({a = 1})"), n(1.0));
        assert_eq!(ok("length(toset([\"a\", \"a\"]))"), n(1.0));
        assert!(eval("length(5)").unwrap_err().contains("got a number"));
    }

    #[test]
    fn lookup_merge_keys_values() {
        assert_eq!(ok("lookup({a = 1}, \"a\")"), n(1.0));
        assert_eq!(ok("lookup({a = 1}, \"b\", \"x\")"), s("x"));
        assert!(eval("lookup({a = 1}, \"b\")").unwrap_err().contains("not in the map"));
        assert_eq!(ok("merge({a = 1, b = 2}, null, {b = 3})"), ok("{a = 1, b = 3}"));
        assert!(eval("merge({}, [1])").is_err());
        assert_eq!(ok("keys({b = 1, a = 2})"), list(&["a", "b"]));
        assert_eq!(ok("values({b = 1, a = 2})"), Value::Tuple(vec![n(2.0), n(1.0)]));
    }

    #[test]
    fn concat_contains_element_index() {
        assert_eq!(ok("concat([\"a\"], [], [\"b\", \"c\"])"), tuple(&["a", "b", "c"]));
        assert_eq!(ok("contains([\"a\", \"b\"], \"b\")"), Value::Bool(true));
        assert_eq!(ok("contains([\"a\"], \"z\")"), Value::Bool(false));
        assert_eq!(ok("element([\"a\", \"b\", \"c\"], 4)"), s("b"));
        assert!(eval("element([], 0)").is_err());
        assert_eq!(ok("index([\"a\", \"b\"], \"b\")"), n(1.0));
        assert!(eval("index([\"a\"], \"z\")").unwrap_err().contains("not found"));
    }

    #[test]
    fn flatten_distinct_compact_one() {
        assert_eq!(ok("flatten([[\"a\", [\"b\"]], [], [\"c\"]])"), tuple(&["a", "b", "c"]));
        assert_eq!(ok("flatten([[\"a\"], timestamp()])"), Value::unknown());
        assert_eq!(ok("distinct([\"a\", \"b\", \"a\"])"), list(&["a", "b"]));
        assert_eq!(ok("compact([\"a\", \"\", null, \"b\"])"), list(&["a", "b"]));
        assert!(ok("one([])").is_null());
        assert_eq!(ok("one([\"x\"])"), s("x"));
        assert!(eval("one([1, 2])").unwrap_err().contains("zero or one"));
    }

    #[test]
    fn coalesce_and_coalescelist() {
        assert_eq!(ok("coalesce(\"\", null, \"b\")"), s("b"));
        assert!(eval("coalesce(null, \"\")").is_err());
        assert_eq!(ok("coalescelist([], [\"a\"])"), tuple(&["a"]));
        assert!(!ok("coalesce(timestamp(), \"b\")").is_known());
    }

    #[test]
    fn zipmap_setproduct_slice_reverse_sort() {
        assert_eq!(
            ok("zipmap([\"a\", \"b\"], [1, 2])"),
            Value::Object(Map::from([("a".into(), n(1.0)), ("b".into(), n(2.0))]))
        );
        assert!(eval("zipmap([\"a\"], [])").is_err());
        assert_eq!(ok("length(setproduct([\"a\", \"b\"], [1, 2, 3]))"), n(6.0));
        assert_eq!(ok("slice([\"a\", \"b\", \"c\", \"d\"], 1, 3)"), tuple(&["b", "c"]));
        assert!(eval("slice([\"a\"], 0, 2)").is_err());
        assert_eq!(ok("reverse([\"a\", \"b\"])"), tuple(&["b", "a"]));
        assert_eq!(ok("sort([\"b\", \"a\", \"10\", \"9\"])"), list(&["10", "9", "a", "b"]));
    }

    #[test]
    fn conversions_between_collections() {
        assert_eq!(
            ok("toset([\"b\", \"a\", \"b\"])"),
            Value::Set(Type::String, vec![s("a"), s("b")])
        );
        assert_eq!(ok("tolist(toset([\"b\", \"a\"]))"), list(&["a", "b"]));
        assert_eq!(ok("tolist([1, \"a\"])"), list(&["1", "a"]));
        assert_eq!(ok("tomap({a = 1, b = \"x\"})"), ok("tomap({a = \"1\", b = \"x\"})"));
        assert!(eval("tolist([1, [2]])").is_err());
        assert!(eval("tomap([1])").is_err());
        assert_eq!(ok("alltrue([true, true])"), Value::Bool(true));
        assert_eq!(ok("anytrue([false])"), Value::Bool(false));
    }
}
