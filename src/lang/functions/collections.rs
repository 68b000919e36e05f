//! Collection functions: lists, sets and maps.

use super::{int_arg, map_arg, seq_arg, string_arg, FnError, FnResult, FuncContext};
use crate::lang::types::{sort_values, unify_primitive};
use crate::lang::value::{Map, Value};

pub fn length(a: &[Value], _: &FuncContext) -> FnResult {
    let n = match &a[0] {
        Value::String(s) => s.chars().count(),
        Value::List(items) | Value::Set(items) => items.len(),
        Value::Map(m) => m.len(),
        v => {
            return Err(FnError::arg(
                0,
                format!("length() needs a string, list, set or map, got {}", v.type_name()),
            ))
        }
    };
    Ok(Value::Number(n as f64))
}

pub fn lookup(a: &[Value], _: &FuncContext) -> FnResult {
    let map = map_arg(a, 0)?;
    let key = string_arg(a, 1)?;
    match (map.get(&key), a.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(FnError::arg(
            1,
            format!("the key {key:?} is not in the map, and no default was given"),
        )),
    }
}

pub fn merge(a: &[Value], _: &FuncContext) -> FnResult {
    let mut out = Map::new();
    for (i, v) in a.iter().enumerate() {
        match v {
            Value::Null => {}
            Value::Map(m) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
            v => {
                return Err(FnError::arg(
                    i,
                    format!("merge() takes maps or objects, got {}", v.type_name()),
                ))
            }
        }
    }
    Ok(Value::Map(out))
}

pub fn concat(a: &[Value], _: &FuncContext) -> FnResult {
    let mut out = Vec::new();
    for i in 0..a.len() {
        out.extend_from_slice(seq_arg(a, i)?);
    }
    Ok(Value::List(out))
}

pub fn contains(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::Bool(seq_arg(a, 0)?.contains(&a[1])))
}

pub fn keys(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::List(
        map_arg(a, 0)?.keys().map(|k| Value::string(k.as_str())).collect(),
    ))
}

pub fn values(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::List(map_arg(a, 0)?.values().cloned().collect()))
}

pub fn element(a: &[Value], _: &FuncContext) -> FnResult {
    let items = seq_arg(a, 0)?;
    let i = int_arg(a, 1)?;
    if items.is_empty() {
        return Err(FnError::arg(0, "cannot take an element of an empty list"));
    }
    if i < 0 {
        return Err(FnError::arg(1, "the index must not be negative"));
    }
    Ok(items[i as usize % items.len()].clone())
}

pub fn index(a: &[Value], _: &FuncContext) -> FnResult {
    seq_arg(a, 0)?
        .iter()
        .position(|v| v == &a[1])
        .map(|i| Value::Number(i as f64))
        .ok_or_else(|| FnError::arg(1, format!("{} is not in the list", a[1])))
}

pub fn flatten(a: &[Value], _: &FuncContext) -> FnResult {
    fn walk(items: &[Value], out: &mut Vec<Value>) -> bool {
        for v in items {
            match v {
                Value::List(inner) | Value::Set(inner) => {
                    if !walk(inner, out) {
                        return false;
                    }
                }
                Value::Unknown => return false,
                v => out.push(v.clone()),
            }
        }
        true
    }
    let mut out = Vec::new();
    // An unknown nested list has an unknown length: the flat list is unknown.
    if !walk(seq_arg(a, 0)?, &mut out) {
        return Ok(Value::Unknown);
    }
    Ok(Value::List(out))
}

pub fn distinct(a: &[Value], _: &FuncContext) -> FnResult {
    let mut out: Vec<Value> = Vec::new();
    for v in seq_arg(a, 0)? {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    Ok(Value::List(out))
}

pub fn coalesce(a: &[Value], _: &FuncContext) -> FnResult {
    a.iter()
        .find(|v| !v.is_null() && v.as_str() != Some(""))
        .cloned()
        .ok_or_else(|| FnError::new("no non-null, non-empty-string arguments"))
}

pub fn coalescelist(a: &[Value], _: &FuncContext) -> FnResult {
    for i in 0..a.len() {
        if !seq_arg(a, i)?.is_empty() {
            return Ok(a[i].clone());
        }
    }
    Ok(Value::List(Vec::new()))
}

pub fn compact(a: &[Value], _: &FuncContext) -> FnResult {
    let mut out = Vec::new();
    for v in seq_arg(a, 0)? {
        match v {
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            Value::String(_) => out.push(v.clone()),
            v => {
                return Err(FnError::arg(
                    0,
                    format!("compact() takes a list of strings, found {}", v.type_name()),
                ))
            }
        }
    }
    Ok(Value::List(out))
}

pub fn one(a: &[Value], _: &FuncContext) -> FnResult {
    match seq_arg(a, 0)? {
        [] => Ok(Value::Null),
        [v] => Ok(v.clone()),
        items => Err(FnError::arg(
            0,
            format!("must have zero or one elements, has {}", items.len()),
        )),
    }
}

pub fn zipmap(a: &[Value], _: &FuncContext) -> FnResult {
    let keys = seq_arg(a, 0)?;
    let values = seq_arg(a, 1)?;
    if keys.len() != values.len() {
        return Err(FnError::new(format!(
            "{} keys and {} values: the lists must have the same length",
            keys.len(),
            values.len()
        )));
    }
    let mut out = Map::new();
    for (k, v) in keys.iter().zip(values) {
        let k = k
            .to_template_string()
            .ok_or_else(|| FnError::arg(0, format!("keys must be strings, found {}", k.type_name())))?;
        out.insert(k, v.clone());
    }
    Ok(Value::Map(out))
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
    Ok(Value::List(product.into_iter().map(Value::List).collect()))
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
    Ok(Value::List(items[start as usize..end as usize].to_vec()))
}

pub fn reverse(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::List(seq_arg(a, 0)?.iter().rev().cloned().collect()))
}

pub fn sort(a: &[Value], _: &FuncContext) -> FnResult {
    let mut items = seq_arg(a, 0)?
        .iter()
        .map(|v| {
            v.to_template_string()
                .map(Value::String)
                .ok_or_else(|| FnError::arg(0, format!("sort() takes a list of strings, found {}", v.type_name())))
        })
        .collect::<Result<Vec<_>, _>>()?;
    sort_values(&mut items);
    Ok(Value::List(items))
}

fn bools(a: &[Value]) -> Result<Vec<bool>, FnError> {
    seq_arg(a, 0)?
        .iter()
        .map(|v| {
            v.as_bool()
                .ok_or_else(|| FnError::arg(0, format!("a list of bools is required, found {}", v.type_name())))
        })
        .collect()
}

pub fn alltrue(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::Bool(bools(a)?.into_iter().all(|b| b)))
}

pub fn anytrue(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::Bool(bools(a)?.into_iter().any(|b| b)))
}

pub fn tolist(a: &[Value], _: &FuncContext) -> FnResult {
    if a[0].is_null() {
        return Ok(Value::Null);
    }
    let mut items = seq_arg(a, 0)?.to_vec();
    unify_primitive(&mut items).map_err(|e| FnError::arg(0, e.to_string()))?;
    Ok(Value::List(items))
}

pub fn toset(a: &[Value], _: &FuncContext) -> FnResult {
    if a[0].is_null() {
        return Ok(Value::Null);
    }
    let mut items = seq_arg(a, 0)?.to_vec();
    unify_primitive(&mut items).map_err(|e| FnError::arg(0, e.to_string()))?;
    Ok(Value::set(items))
}

pub fn tomap(a: &[Value], _: &FuncContext) -> FnResult {
    if a[0].is_null() {
        return Ok(Value::Null);
    }
    let map = map_arg(a, 0)?;
    let mut values: Vec<Value> = map.values().cloned().collect();
    unify_primitive(&mut values).map_err(|e| FnError::arg(0, e.to_string()))?;
    Ok(Value::Map(map.keys().cloned().zip(values).collect()))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::lang::value::{Map, Value};

    #[test]
    fn length_of_everything() {
        assert_eq!(ok("length(\"héllo\")"), n(5.0));
        assert_eq!(ok("length([1, 2])"), n(2.0));
        assert_eq!(ok("length({a = 1})"), n(1.0));
        assert_eq!(ok("length(toset([\"a\", \"a\"]))"), n(1.0));
        assert!(eval("length(5)").unwrap_err().contains("got number"));
    }

    #[test]
    fn lookup_merge_keys_values() {
        assert_eq!(ok("lookup({a = 1}, \"a\")"), n(1.0));
        assert_eq!(ok("lookup({a = 1}, \"b\", \"x\")"), s("x"));
        assert!(eval("lookup({a = 1}, \"b\")").unwrap_err().contains("not in the map"));
        assert_eq!(ok("merge({a = 1, b = 2}, null, {b = 3})"), ok("{a = 1, b = 3}"));
        assert!(eval("merge({}, [1])").is_err());
        assert_eq!(ok("keys({b = 1, a = 2})"), list(&["a", "b"]));
        assert_eq!(ok("values({b = 1, a = 2})"), Value::List(vec![n(2.0), n(1.0)]));
    }

    #[test]
    fn concat_contains_element_index() {
        assert_eq!(ok("concat([\"a\"], [], [\"b\", \"c\"])"), list(&["a", "b", "c"]));
        assert_eq!(ok("contains([\"a\", \"b\"], \"b\")"), Value::Bool(true));
        assert_eq!(ok("contains([\"a\"], \"z\")"), Value::Bool(false));
        assert_eq!(ok("element([\"a\", \"b\", \"c\"], 4)"), s("b"));
        assert!(eval("element([], 0)").is_err());
        assert_eq!(ok("index([\"a\", \"b\"], \"b\")"), n(1.0));
        assert!(eval("index([\"a\"], \"z\")").unwrap_err().contains("not in the list"));
    }

    #[test]
    fn flatten_distinct_compact_one() {
        assert_eq!(ok("flatten([[\"a\", [\"b\"]], [], [\"c\"]])"), list(&["a", "b", "c"]));
        assert_eq!(ok("flatten([[\"a\"], timestamp()])"), Value::Unknown);
        assert_eq!(ok("distinct([\"a\", \"b\", \"a\"])"), list(&["a", "b"]));
        assert_eq!(ok("compact([\"a\", \"\", null, \"b\"])"), list(&["a", "b"]));
        assert_eq!(ok("one([])"), Value::Null);
        assert_eq!(ok("one([\"x\"])"), s("x"));
        assert!(eval("one([1, 2])").unwrap_err().contains("zero or one"));
    }

    #[test]
    fn coalesce_and_coalescelist() {
        assert_eq!(ok("coalesce(\"\", null, \"b\")"), s("b"));
        assert!(eval("coalesce(null, \"\")").is_err());
        assert_eq!(ok("coalescelist([], [\"a\"])"), list(&["a"]));
        assert_eq!(ok("coalesce(timestamp(), \"b\")"), Value::Unknown);
    }

    #[test]
    fn zipmap_setproduct_slice_reverse_sort() {
        assert_eq!(
            ok("zipmap([\"a\", \"b\"], [1, 2])"),
            Value::Map(Map::from([("a".into(), n(1.0)), ("b".into(), n(2.0))]))
        );
        assert!(eval("zipmap([\"a\"], [])").is_err());
        assert_eq!(ok("length(setproduct([\"a\", \"b\"], [1, 2, 3]))"), n(6.0));
        assert_eq!(
            ok("setproduct([\"a\"], [1])"),
            Value::List(vec![Value::List(vec![s("a"), n(1.0)])])
        );
        assert_eq!(ok("slice([\"a\", \"b\", \"c\", \"d\"], 1, 3)"), list(&["b", "c"]));
        assert!(eval("slice([\"a\"], 0, 2)").is_err());
        assert_eq!(ok("reverse([\"a\", \"b\"])"), list(&["b", "a"]));
        assert_eq!(ok("sort([\"b\", \"a\", \"10\", \"9\"])"), list(&["10", "9", "a", "b"]));
    }

    #[test]
    fn conversions_between_collections() {
        assert_eq!(ok("toset([\"b\", \"a\", \"b\"])"), Value::Set(vec![s("a"), s("b")]));
        assert_eq!(ok("tolist(toset([\"b\", \"a\"]))"), list(&["a", "b"]));
        assert_eq!(ok("tolist([1, \"a\"])"), list(&["1", "a"]));
        assert_eq!(ok("tomap({a = 1, b = \"x\"})"), ok("{a = \"1\", b = \"x\"}"));
        assert!(eval("tolist([1, [2]])").is_err());
        assert!(eval("tomap([1])").is_err());
        assert_eq!(ok("alltrue([true, true])"), Value::Bool(true));
        assert_eq!(ok("anytrue([false])"), Value::Bool(false));
    }
}
