//! Map and object functions: `keys`, `values`, `lookup`, `merge`, `zipmap`,
//! `transpose`.
//!
//! A map gives a list (`keys`, `values`) or a map (`merge` of maps of one
//! type, `zipmap` with a list of values); an object gives a tuple or an
//! object. Keys come in lexical order. Each result type is computed from the
//! argument types first, as go-cty's `Type` callbacks do, so an unknown
//! argument gives an unknown of the right type. Functions that take marked
//! arguments keep the marks of elements on those elements and put the
//! arguments' own marks on the result. A sensitive key is never quoted in
//! an error.

use super::cty::{convert_arg, friendly, unmark};
use super::{func, param, FnError, FnResult, FuncContext, Function};
use crate::lang::types::{convert, Type};
use crate::lang::value::{Map, Value};
use std::collections::BTreeMap;

pub fn register(r: &mut Vec<Function>) {
    let any = |name| param(name, Type::Dynamic).unknown().marked();
    r.extend([
        func("keys", vec![any("inputMap")], Type::Dynamic, keys),
        func("values", vec![any("mapping")], Type::Dynamic, values),
        func(
            "lookup",
            vec![any("inputMap"), param("key", Type::String).unknown().marked()],
            Type::Dynamic,
            lookup,
        )
        .variadic(any("default").null()),
        func("merge", vec![], Type::Dynamic, merge).variadic(any("maps").null()),
        func("zipmap", vec![any("keys"), any("values")], Type::Dynamic, zipmap),
        func(
            "transpose",
            vec![param("values", Type::Dynamic).unknown()],
            Type::map(Type::list(Type::String)),
            transpose,
        ),
    ]);
}

pub fn keys(a: &[Value], _: &FuncContext) -> FnResult {
    let (m, marked) = unmark(&a[0]);
    let out = match m.ty() {
        Type::Object(attrs) => Value::Tuple(attrs.keys().map(|k| Value::string(k.as_str())).collect()),
        Type::Map(_) if !m.is_known() => Value::Unknown(Type::list(Type::String)),
        Type::Map(_) => Value::List(
            Type::String,
            m.as_map()
                .into_iter()
                .flatten()
                .map(|(k, _)| Value::string(k.as_str()))
                .collect(),
        ),
        Type::Dynamic => return Ok(Value::unknown()),
        _ => return Err(FnError::arg(0, "must have map or object type")),
    };
    Ok(out.mark_if(marked))
}

pub fn values(a: &[Value], _: &FuncContext) -> FnResult {
    let (m, marked) = unmark(&a[0]);
    let ty = match m.ty() {
        Type::Map(e) => Type::list((*e).clone()),
        Type::Object(attrs) => Type::tuple(attrs.values().map(|a| a.ty.clone()).collect()),
        Type::Dynamic => return Ok(Value::unknown()),
        _ => return Err(FnError::new("values() requires a map as the first argument")),
    };
    if !m.is_known() {
        return Ok(Value::Unknown(ty));
    }
    let items: Vec<Value> = m.as_map().into_iter().flatten().map(|(_, v)| v.clone()).collect();
    let out = match ty {
        Type::List(e) => Value::List((*e).clone(), items),
        _ => Value::Tuple(items),
    };
    Ok(out.mark_if(marked))
}

/// A key for a message: a sensitive key is not shown.
fn shown_key(key: &str, sensitive: bool) -> String {
    if sensitive {
        "(sensitive value)".into()
    } else {
        format!("{key:?}")
    }
}

pub fn lookup(a: &[Value], _: &FuncContext) -> FnResult {
    if a.len() > 3 {
        return Err(FnError::new(format!(
            "lookup() takes two or three arguments, got {}",
            a.len()
        )));
    }
    let (map, map_marked) = unmark(&a[0]);
    let (key, key_marked) = unmark(&a[1]);
    let default = a.get(2);
    let ret = match map.ty() {
        Type::Object(attrs) => match key.as_str() {
            None => Type::Dynamic,
            Some(k) => match (attrs.get(k), default) {
                (Some(attr), _) => attr.ty.clone(),
                (None, Some(d)) => d.ty(),
                (None, None) => {
                    return Err(FnError::arg(
                        0,
                        format!("the given object has no attribute {}", shown_key(k, key_marked)),
                    ))
                }
            },
        },
        Type::Map(e) => {
            if let Some(d) = default {
                if convert(d.clone(), &e).is_err() {
                    return Err(FnError::arg(
                        2,
                        "the default value must have the same type as the map elements",
                    ));
                }
            }
            (*e).clone()
        }
        Type::Dynamic => return Ok(Value::unknown()),
        _ => return Err(FnError::arg(0, "lookup() requires a map as the first argument")),
    };
    let marked = map_marked || key_marked;
    let (Some(k), true) = (key.as_str(), map.is_known()) else {
        return Ok(Value::Unknown(ret).mark_if(marked));
    };
    if let Some(v) = map.get(k) {
        return Ok(v.clone().mark_if(marked));
    }
    match default {
        Some(d) => convert(d.clone(), &ret)
            .map(|v| v.mark_if(marked))
            .map_err(|e| FnError::arg(2, e.to_string())),
        None => Err(FnError::new(format!(
            "lookup failed to find key {}",
            shown_key(k, key_marked)
        ))),
    }
}

/// The type of `merge`'s result: the arguments' type when they all have
/// one, otherwise an object of every attribute (unknown when an unknown map
/// hides its keys).
fn merge_type(args: &[&Value]) -> Result<Type, FnError> {
    let mut attrs: BTreeMap<String, Type> = BTreeMap::new();
    let mut first = None;
    let mut matching = true;
    let mut attrs_known = true;
    for v in args {
        let ty = v.ty();
        match &ty {
            Type::Dynamic => return Ok(Type::Dynamic),
            Type::Object(a) if !v.is_null() => {
                attrs.extend(a.iter().map(|(k, a)| (k.clone(), a.ty.clone())));
            }
            Type::Object(_) => {}
            Type::Map(e) => {
                if !v.is_known() {
                    attrs_known = false;
                } else if let Some(m) = v.as_map() {
                    attrs.extend(m.keys().map(|k| (k.clone(), (**e).clone())));
                }
            }
            _ => {
                return Err(FnError::new(format!(
                    "arguments must be maps or objects, got {:?}",
                    friendly(&ty)
                )))
            }
        }
        match &first {
            None => first = Some(ty),
            Some(f) => matching &= *f == ty,
        }
    }
    Ok(match first {
        Some(f) if matching => f,
        _ if !attrs_known => Type::Dynamic,
        _ => Type::object(attrs),
    })
}

pub fn merge(a: &[Value], _: &FuncContext) -> FnResult {
    let mut marked = false;
    let args: Vec<&Value> = a
        .iter()
        .map(|v| {
            let (v, m) = unmark(v);
            marked |= m;
            v
        })
        .collect();
    let ret = merge_type(&args)?;
    if args.iter().any(|v| !v.is_known()) {
        return Ok(Value::Unknown(ret));
    }
    let mut out = Map::new();
    for v in args {
        if let Some(m) = v.as_map() {
            out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
    let out = match ret {
        Type::Map(e) => Value::Map((*e).clone(), out),
        _ => Value::Object(out),
    };
    Ok(out.mark_if(marked))
}

pub fn zipmap(a: &[Value], _: &FuncContext) -> FnResult {
    let keys = convert_arg(a[0].clone(), &Type::list(Type::String)).map_err(|e| FnError::arg(0, e))?;
    let (keys, keys_marked) = unmark(&keys);
    let (values, values_marked) = unmark(&a[1]);
    let keys_items = keys.as_seq().unwrap_or_default();
    let mismatch = |n: usize| {
        FnError::new(format!(
            "number of keys ({}) does not match number of values ({n})",
            keys_items.len()
        ))
    };
    let null_key = |i: usize| FnError::new(format!("keys list has null value at index {i}"));
    let ret = match values.ty() {
        Type::List(e) => Type::map((*e).clone()),
        Type::Tuple(ts) if keys.is_wholly_known() => {
            if keys_items.len() != ts.len() {
                return Err(mismatch(ts.len()));
            }
            let mut attrs = BTreeMap::new();
            for (i, (k, t)) in keys_items.iter().zip(ts.iter()).enumerate() {
                let k = k.as_str().ok_or_else(|| null_key(i))?;
                attrs.insert(k.to_string(), t.clone());
            }
            Type::object(attrs)
        }
        Type::Tuple(_) | Type::Dynamic => Type::Dynamic,
        _ => return Err(FnError::new("values argument must be a list or tuple value")),
    };
    if !keys.is_known() || !values.is_known() {
        return Ok(Value::Unknown(ret));
    }
    let mut marked = keys_marked || values_marked;
    if !keys.is_wholly_known() {
        return Ok(Value::Unknown(ret).mark_if(marked));
    }
    let values_items = values.as_seq().unwrap_or_default();
    if keys_items.len() != values_items.len() {
        return Err(mismatch(values_items.len()));
    }
    let mut out = Map::new();
    for (i, (k, v)) in keys_items.iter().zip(values_items).enumerate() {
        let (k, m) = unmark(k);
        marked |= m;
        let k = k.as_str().ok_or_else(|| null_key(i))?;
        out.insert(k.to_string(), v.clone());
    }
    let out = match ret {
        Type::Map(e) => Value::Map((*e).clone(), out),
        _ => Value::Object(out),
    };
    Ok(out.mark_if(marked))
}

/// Swaps keys and values of a map of lists of strings; each new list holds
/// the old keys in lexical order.
pub fn transpose(a: &[Value], _: &FuncContext) -> FnResult {
    let ret = Type::map(Type::list(Type::String));
    let m = convert_arg(a[0].clone(), &ret).map_err(|e| FnError::arg(0, e))?;
    if !m.is_wholly_known() {
        return Ok(Value::Unknown(ret));
    }
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, list) in m.as_map().into_iter().flatten() {
        if list.is_null() {
            return Err(FnError::new("input must not contain null list"));
        }
        for v in list.as_seq().unwrap_or_default() {
            let v = v
                .as_str()
                .ok_or_else(|| FnError::new("input list must not contain null string"))?;
            let keys = out.entry(v.to_string()).or_default();
            keys.push(key.clone());
            keys.sort();
        }
    }
    Ok(Value::Map(
        Type::list(Type::String),
        out.into_iter()
            .map(|(k, keys)| {
                (
                    k,
                    Value::List(Type::String, keys.into_iter().map(Value::String).collect()),
                )
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::casefile;

    #[test]
    fn terraform_cases() {
        casefile::run(include_str!("testdata/maps.cases"));
    }
}
