//! Type unification as go-cty's `convert.Unify` and `convert.UnifyUnsafe`
//! find it: the one type every given type converts to, for conditionals,
//! collection conversions and functions that take several values of one
//! type.
//!
//! Types of one structural kind unify by kind (lists to a list of the
//! unified element type, objects with the same attributes to an object,
//! objects with others to a map, tuples of one length element by element,
//! of several lengths to a list); a dynamic type among collections or
//! structures makes the result dynamic. Otherwise the types are tried in
//! go-cty's order of preference (string before number and bool, a list
//! before a set or a tuple, a map before an object, any type before
//! dynamic) and the first that every other converts to wins: a list and a
//! set unify to a list, `[null, [1]]`'s element types to dynamic, number
//! and bool to nothing. [`can_convert`] says whether go-cty has a
//! conversion between two types (unsafe ones may still fail on a value,
//! as "x" to a number). Works on types only.

use super::{ObjectAttr, Type};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

/// `convert.UnifyUnsafe`: what HCL and most functions use.
pub fn unify(types: &[Type]) -> Option<Type> {
    unify_with(types, true)
}

/// `convert.Unify`: only conversions that cannot fail.
pub fn unify_safe(types: &[Type]) -> Option<Type> {
    unify_with(types, false)
}

fn unify_with(types: &[Type], unsafe_: bool) -> Option<Type> {
    // No types at all (the elements of an empty tuple) unify to any type.
    let Some(first) = types.first() else {
        return Some(Type::Dynamic);
    };
    if types.iter().all(|t| t == first) {
        return Some(first.clone());
    }
    let count = |f: fn(&Type) -> bool| types.iter().filter(|t| f(t)).count();
    let maps = count(|t| matches!(t, Type::Map(_)));
    let lists = count(|t| matches!(t, Type::List(_)));
    let sets = count(|t| matches!(t, Type::Set(_)));
    let objects = count(|t| matches!(t, Type::Object(_)));
    let tuples = count(|t| matches!(t, Type::Tuple(_)));
    let dynamic = count(|t| matches!(t, Type::Dynamic));
    let n = types.len();
    if maps > 0 && maps + dynamic == n {
        return collections(types, Type::map, unsafe_, dynamic > 0);
    }
    if maps > 0 && maps + objects + dynamic == n {
        if let Some(t @ Type::Map(_)) = objects_as_maps(types, unsafe_) {
            return Some(t);
        }
    } else if lists > 0 && lists + dynamic == n {
        return collections(types, Type::list, unsafe_, dynamic > 0);
    } else if lists > 0 && lists + tuples + dynamic == n {
        if let Some(t @ Type::List(_)) = tuples_as_lists(types, unsafe_) {
            return Some(t);
        }
    } else if sets > 0 && sets + dynamic == n {
        return collections(types, Type::set, unsafe_, dynamic > 0);
    } else if objects > 0 && objects + dynamic == n {
        return if dynamic > 0 {
            Some(Type::Dynamic)
        } else {
            object_types(types, unsafe_)
        };
    } else if tuples > 0 && tuples + dynamic == n {
        return if dynamic > 0 {
            Some(Type::Dynamic)
        } else {
            tuple_types(types, unsafe_)
        };
    } else if objects > 0 && tuples > 0 {
        return None;
    }
    // The first type, in order of preference, that every other converts to.
    'preferences: for want in preference_order(types) {
        let want = &types[want];
        for t in types {
            if t != want && !can_convert(t, want, unsafe_) {
                continue 'preferences;
            }
        }
        return Some(want.clone());
    }
    None
}

/// Lists, sets or maps: the collection of the unified element types.
fn collections(types: &[Type], make: fn(Type) -> Type, unsafe_: bool, dynamic: bool) -> Option<Type> {
    if dynamic {
        return Some(Type::Dynamic);
    }
    let elems: Vec<Type> = types.iter().filter_map(|t| t.element().cloned()).collect();
    Some(make(unify_with(&elems, unsafe_)?))
}

fn object_types(types: &[Type], unsafe_: bool) -> Option<Type> {
    let attrs: Vec<&BTreeMap<String, ObjectAttr>> = types.iter().filter_map(object_attrs).collect();
    let first = attrs[0];
    let same_names = attrs
        .iter()
        .all(|a| a.len() == first.len() && a.keys().all(|k| first.contains_key(k)));
    if !same_names {
        return objects_to_map(types, unsafe_);
    }
    let mut out = BTreeMap::new();
    for name in first.keys() {
        let across: Vec<Type> = attrs.iter().map(|a| a[name].ty.clone()).collect();
        out.insert(name.clone(), ObjectAttr::required(unify_with(&across, unsafe_)?));
    }
    let ret = Type::Object(Arc::new(out));
    if types.iter().all(|t| *t == ret || can_convert(t, &ret, unsafe_)) {
        Some(ret)
    } else {
        objects_to_map(types, unsafe_)
    }
}

fn objects_to_map(types: &[Type], unsafe_: bool) -> Option<Type> {
    let all: Vec<Type> = types
        .iter()
        .filter_map(object_attrs)
        .flat_map(|a| a.values().map(|x| x.ty.clone()))
        .collect();
    let ret = Type::map(unify_with(&all, unsafe_)?);
    types
        .iter()
        .all(|t| *t == ret || can_convert(t, &ret, unsafe_))
        .then_some(ret)
}

fn tuple_types(types: &[Type], unsafe_: bool) -> Option<Type> {
    let tuples: Vec<&[Type]> = types.iter().filter_map(tuple_elems).collect();
    if tuples.iter().any(|t| t.len() != tuples[0].len()) {
        return tuples_to_list(types, unsafe_);
    }
    let mut out = Vec::with_capacity(tuples[0].len());
    for i in 0..tuples[0].len() {
        let across: Vec<Type> = tuples.iter().map(|t| t[i].clone()).collect();
        out.push(unify_with(&across, unsafe_)?);
    }
    let ret = Type::tuple(out);
    if types.iter().all(|t| *t == ret || can_convert(t, &ret, unsafe_)) {
        Some(ret)
    } else {
        tuples_to_list(types, unsafe_)
    }
}

fn tuples_to_list(types: &[Type], unsafe_: bool) -> Option<Type> {
    let all: Vec<Type> = types.iter().filter_map(tuple_elems).flat_map(|t| t.to_vec()).collect();
    let ret = Type::list(unify_with(&all, unsafe_)?);
    types
        .iter()
        .all(|t| *t == ret || can_convert(t, &ret, unsafe_))
        .then_some(ret)
}

/// Tuples unified as a list, then unified again with the other types.
fn tuples_as_lists(types: &[Type], unsafe_: bool) -> Option<Type> {
    let tuples: Vec<Type> = types.iter().filter(|t| matches!(t, Type::Tuple(_))).cloned().collect();
    let list = tuples_to_list(&tuples, unsafe_)?;
    let replaced: Vec<Type> = types
        .iter()
        .map(|t| {
            if matches!(t, Type::Tuple(_)) {
                list.clone()
            } else {
                t.clone()
            }
        })
        .collect();
    unify_with(&replaced, unsafe_).filter(|t| matches!(t, Type::List(_)))
}

/// Objects unified as a map, then unified again with the other types.
fn objects_as_maps(types: &[Type], unsafe_: bool) -> Option<Type> {
    let objects: Vec<Type> = types.iter().filter(|t| matches!(t, Type::Object(_))).cloned().collect();
    let map = objects_to_map(&objects, unsafe_)?;
    let replaced: Vec<Type> = types
        .iter()
        .map(|t| {
            if matches!(t, Type::Object(_)) {
                map.clone()
            } else {
                t.clone()
            }
        })
        .collect();
    unify_with(&replaced, unsafe_).filter(|t| matches!(t, Type::Map(_)))
}

fn object_attrs(t: &Type) -> Option<&BTreeMap<String, ObjectAttr>> {
    match t {
        Type::Object(a) => Some(a),
        _ => None,
    }
}

fn tuple_elems(t: &Type) -> Option<&[Type]> {
    match t {
        Type::Tuple(ts) => Some(ts),
        _ => None,
    }
}

/// Whether go-cty has a conversion from `from` to `to` (`GetConversion`,
/// or `GetConversionUnsafe` when `unsafe_`). An unsafe conversion may still
/// fail on a particular value.
pub fn can_convert(from: &Type, to: &Type, unsafe_: bool) -> bool {
    if from == to || *to == Type::Dynamic {
        return true;
    }
    if *from == Type::Dynamic {
        return unsafe_;
    }
    match (from, to) {
        (Type::Number | Type::Bool, Type::String) => true,
        (Type::String, Type::Number | Type::Bool) => unsafe_,
        (Type::Object(f), Type::Object(t)) => t.iter().all(|(name, attr)| match f.get(name) {
            Some(fa) => can_convert(&fa.ty, &attr.ty, unsafe_),
            None => attr.optional,
        }),
        (Type::Tuple(f), Type::Tuple(t)) => {
            f.len() == t.len() && f.iter().zip(t.iter()).all(|(f, t)| can_convert(f, t, unsafe_))
        }
        (Type::List(f) | Type::Set(f), Type::List(t)) => can_convert(f, t, unsafe_),
        (Type::Set(f), Type::Set(t)) => can_convert(f, t, unsafe_),
        (Type::List(f), Type::Set(t)) => unsafe_ && can_convert(f, t, unsafe_),
        (Type::Map(f), Type::Map(t)) => can_convert(f, t, unsafe_),
        (Type::Tuple(f), Type::List(t) | Type::Set(t)) => elements_to(f, t, unsafe_, true),
        (Type::Object(f), Type::Map(t)) => {
            let f: Vec<Type> = f.values().map(|a| a.ty.clone()).collect();
            elements_to(&f, t, unsafe_, false)
        }
        (Type::Map(f), Type::Object(t)) => unsafe_ && t.values().all(|a| can_convert(f, &a.ty, unsafe_) || a.optional),
        _ => false,
    }
}

/// Elements of a tuple (attributes of an object) into one element type:
/// when that type is `any`, they must unify first, and for a tuple the
/// unified type may be dynamic only when every element's is.
fn elements_to(elems: &[Type], ety: &Type, unsafe_: bool, tuple: bool) -> bool {
    if elems.is_empty() {
        return true;
    }
    let target = if *ety == Type::Dynamic {
        match unify_with(elems, unsafe_) {
            None => return false,
            Some(Type::Dynamic) if tuple && elems.iter().any(|e| *e != Type::Dynamic) => return false,
            Some(t) => t,
        }
    } else {
        ety.clone()
    };
    elems.iter().all(|e| can_convert(e, &target, unsafe_))
}

/// The indexes of `types` in go-cty's order of preference (`sortTypes`: a
/// topological sort of the "is preferred to" relation, stable otherwise).
fn preference_order(types: &[Type]) -> Vec<usize> {
    let n = types.len();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        for j in i + 1..n {
            match compare(&types[i], &types[j]) {
                Ordering::Less => edges[i].push(j),
                Ordering::Greater => edges[j].push(i),
                Ordering::Equal => {}
            }
        }
    }
    let mut in_degree = vec![0usize; n];
    for outs in &edges {
        for &j in outs {
            in_degree[j] += 1;
        }
    }
    let mut order: Vec<usize> = (0..n).filter(|&i| in_degree[i] == 0).collect();
    let mut next = 0;
    while next < order.len() {
        let i = order[next];
        next += 1;
        for &j in &edges[i] {
            in_degree[j] -= 1;
            if in_degree[j] == 0 {
                order.push(j);
            }
        }
    }
    order
}

/// go-cty's `compareTypes`: `Less` when `a` is the better unification
/// target, `Greater` when `b` is, `Equal` when neither.
fn compare(a: &Type, b: &Type) -> Ordering {
    use Ordering::{Equal, Greater, Less};
    match (a, b) {
        (Type::Dynamic, Type::Dynamic) => return Equal,
        (_, Type::Dynamic) => return Less,
        (Type::Dynamic, _) => return Greater,
        _ => {}
    }
    if a.is_primitive() && b.is_primitive() && (*a == Type::String || *b == Type::String) {
        return match (*a == Type::String, *b == Type::String) {
            (true, true) => Equal,
            (true, false) => Less,
            _ => Greater,
        };
    }
    match (a, b) {
        (Type::List(x), Type::List(y)) | (Type::Set(x), Type::Set(y)) | (Type::Map(x), Type::Map(y)) => {
            return compare(x, y)
        }
        _ => {}
    }
    // A list is preferred to a tuple, both to a set, a map to an object.
    let rank = |t: &Type| match t {
        Type::List(_) => Some((0, 0)),
        Type::Tuple(_) => Some((0, 1)),
        Type::Set(_) => Some((0, 2)),
        Type::Map(_) => Some((1, 0)),
        Type::Object(_) => Some((1, 1)),
        _ => None,
    };
    if let (Some((ka, ra)), Some((kb, rb))) = (rank(a), rank(b)) {
        if ka == kb && ra != rb {
            return ra.cmp(&rb);
        }
    }
    match (a, b) {
        (Type::Object(x), Type::Object(y)) => {
            if x.len() != y.len() || !x.keys().all(|k| y.contains_key(k)) {
                return Equal;
            }
            supertype(x.keys().map(|k| compare(&x[k].ty, &y[k].ty)))
        }
        (Type::Tuple(x), Type::Tuple(y)) => {
            if x.len() != y.len() {
                return Equal;
            }
            supertype(x.iter().zip(y.iter()).map(|(p, q)| compare(p, q)))
        }
        _ => Equal,
    }
}

/// One structure is preferred to another when some of its parts are and
/// none of the other's are.
fn supertype(cmps: impl Iterator<Item = Ordering>) -> Ordering {
    let (mut a_super, mut b_super) = (false, false);
    for c in cmps {
        match c {
            Ordering::Less => a_super = true,
            Ordering::Greater => b_super = true,
            Ordering::Equal => {}
        }
    }
    match (a_super, b_super) {
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(attrs: &[(&str, Type)]) -> Type {
        Type::object(attrs.iter().map(|(k, t)| (k.to_string(), t.clone())))
    }

    #[test]
    fn primitives_meet_in_string() {
        assert_eq!(unify(&[Type::Number, Type::String]), Some(Type::String));
        assert_eq!(unify(&[Type::Bool, Type::String, Type::Number]), Some(Type::String));
        assert_eq!(unify(&[Type::Number, Type::Bool]), None);
        assert_eq!(unify(&[Type::Dynamic, Type::Bool]), Some(Type::Bool));
        assert_eq!(unify_safe(&[Type::Dynamic, Type::Bool]), Some(Type::Dynamic));
    }

    #[test]
    fn structures_unify_by_kind() {
        let o1 = obj(&[("a", Type::Number)]);
        let o2 = obj(&[("b", Type::String)]);
        assert_eq!(unify(&[o1.clone(), o2]), Some(Type::map(Type::String)));
        assert_eq!(
            unify(&[o1.clone(), obj(&[("a", Type::String)])]),
            Some(obj(&[("a", Type::String)]))
        );
        let t1 = Type::tuple(vec![Type::Number]);
        let t2 = Type::tuple(vec![Type::Number, Type::Number]);
        assert_eq!(unify(&[t1.clone(), t2]), Some(Type::list(Type::Number)));
        assert_eq!(unify(&[o1, t1]), None);
    }

    #[test]
    fn a_list_and_a_set_unify_to_a_list() {
        let l = Type::list(Type::String);
        let s = Type::set(Type::String);
        assert_eq!(unify(&[s.clone(), l.clone()]), Some(l.clone()));
        assert_eq!(unify(&[l.clone(), s]), Some(l));
    }

    #[test]
    fn dynamic_next_to_a_structure_gives_up_to_dynamic() {
        // `[null, [1]]`: tolist() of it fails in terraform.
        let t = Type::tuple(vec![Type::Number]);
        assert_eq!(unify(&[Type::Dynamic, t.clone()]), Some(Type::Dynamic));
        assert!(!can_convert(
            &Type::tuple(vec![Type::Dynamic, t]),
            &Type::list(Type::Dynamic),
            true
        ));
        assert!(can_convert(
            &Type::tuple(vec![Type::Dynamic, Type::String]),
            &Type::list(Type::Dynamic),
            true
        ));
    }
}
