//! What go-cty does around the collection functions that the shared
//! dispatcher does not: the language's equality as `cty.Value.Equals`
//! decides it (unknown, null and types included), go-cty's type names for
//! messages, argument conversions with go-cty's mismatch messages, whole
//! numbers as `gocty` reads them, and the top-level sensitivity mark of an
//! argument that a function takes marked.
//!
//! Nothing here evaluates or converts by itself: conversions go through
//! [`crate::lang::types::convert`]; this module only decides beforehand
//! whether one exists, to word the error as Terraform does.

use crate::lang::number::Number;
use crate::lang::types::{convert, unify, Type};
use crate::lang::value::Value;

/// The value without its top-level sensitivity mark, and whether it had one.
/// Marks inside collections stay on their elements, as with go-cty's `Unmark`.
pub fn unmark(v: &Value) -> (&Value, bool) {
    match v {
        Value::Sensitive(inner) => (unmark(inner).0, true),
        v => (v, false),
    }
}

/// go-cty's `FriendlyName`: "string", "list of number", "tuple", "object".
pub fn friendly(t: &Type) -> String {
    match t {
        Type::Dynamic => "dynamic".into(),
        Type::String => "string".into(),
        Type::Number => "number".into(),
        Type::Bool => "bool".into(),
        Type::List(e) => format!("list of {}", friendly(e)),
        Type::Set(e) => format!("set of {}", friendly(e)),
        Type::Map(e) => format!("map of {}", friendly(e)),
        Type::Tuple(_) => "tuple".into(),
        Type::Object(_) => "object".into(),
    }
}

/// go-cty's `FriendlyNameForConstraint`: `list(any)` is "list of any single type".
pub fn constraint_name(t: &Type) -> String {
    let elem = |e: &Type| match e {
        Type::Dynamic => "any single type".to_string(),
        e => constraint_name(e),
    };
    match t {
        Type::Dynamic => "any type".into(),
        Type::List(e) => format!("list of {}", elem(e)),
        Type::Set(e) => format!("set of {}", elem(e)),
        Type::Map(e) => format!("map of {}", elem(e)),
        t => friendly(t),
    }
}

/// Whether go-cty has an (unsafe) conversion from `got` to `want`: one that
/// may still fail for some values, as a string to a number.
pub fn convertible(got: &Type, want: &Type) -> bool {
    if got == want || *got == Type::Dynamic || *want == Type::Dynamic {
        return true;
    }
    match (got, want) {
        (Type::Number | Type::Bool, Type::String) | (Type::String, Type::Number | Type::Bool) => true,
        (Type::List(g) | Type::Set(g), Type::List(w) | Type::Set(w)) => convertible(g, w),
        (Type::Map(g), Type::Map(w)) => convertible(g, w),
        (Type::Tuple(ts), Type::List(w) | Type::Set(w)) => elements_convertible(ts, w),
        (Type::Object(attrs), Type::Map(w)) => {
            let ts: Vec<Type> = attrs.values().map(|a| a.ty.clone()).collect();
            elements_convertible(&ts, w)
        }
        (Type::Tuple(g), Type::Tuple(w)) => {
            g.len() == w.len() && g.iter().zip(w.iter()).all(|(g, w)| convertible(g, w))
        }
        (Type::List(g) | Type::Set(g), Type::Tuple(w)) => w.iter().all(|w| convertible(g, w)),
        (Type::Object(g), Type::Object(w)) => w.iter().all(|(name, a)| match g.get(name) {
            Some(ga) => convertible(&ga.ty, &a.ty),
            None => a.optional,
        }),
        (Type::Map(g), Type::Object(w)) => w.values().all(|a| convertible(g, &a.ty)),
        _ => false,
    }
}

/// Elements of a tuple (or attributes of an object) into one element type:
/// when that type is still open (`any`), they must have a common type.
fn elements_convertible(ts: &[Type], want: &Type) -> bool {
    if want.has_dynamic() {
        match unify(ts) {
            Some(common) => convertible(&common, want),
            None => false,
        }
    } else {
        ts.iter().all(|t| convertible(t, want))
    }
}

/// go-cty's `MismatchMessage`: why no value of type `got` converts to `want`.
pub fn mismatch(got: &Type, want: &Type) -> String {
    let required = || format!("{} required", constraint_name(want));
    let elem_dynamic = want.element() == Some(&Type::Dynamic);
    match (got, want) {
        (Type::Object(_), Type::Object(_)) => "incorrect object attributes".into(),
        (Type::Tuple(_), Type::List(_)) if elem_dynamic => "all list elements must have the same type".into(),
        (Type::Tuple(_), Type::Set(_)) if elem_dynamic => "all set elements must have the same type".into(),
        (Type::Object(_), Type::Map(_)) if elem_dynamic => "all map elements must have the same type".into(),
        (Type::Tuple(ts), Type::List(w) | Type::Set(w)) => {
            for (i, t) in ts.iter().enumerate() {
                if t != &**w && !convertible(t, w) {
                    return format!("element {i}: {}", mismatch(t, w));
                }
            }
            format!("all elements must be {}", constraint_name(w))
        }
        (Type::Object(attrs), Type::Map(w)) => {
            for (name, a) in attrs.iter() {
                if a.ty != **w && !convertible(&a.ty, w) {
                    return format!("element {name:?}: {}", mismatch(&a.ty, w));
                }
            }
            format!("all elements must be {}", constraint_name(w))
        }
        (Type::List(g) | Type::Set(g), Type::List(w)) => format!("incorrect list element type: {}", mismatch(g, w)),
        (Type::List(g) | Type::Set(g), Type::Set(w)) => format!("incorrect set element type: {}", mismatch(g, w)),
        (Type::Map(g), Type::Map(w)) => format!("incorrect map element type: {}", mismatch(g, w)),
        _ => required(),
    }
}

/// Converts an argument to a parameter's type as HCL does before calling a
/// function, with go-cty's messages.
pub fn convert_arg(v: Value, want: &Type) -> Result<Value, String> {
    let got = v.ty();
    if !convertible(&got, want) {
        return Err(mismatch(&got, want));
    }
    // A set whose unknown elements may merge becomes a list of unknown length.
    let unknown_length = matches!(want, Type::List(_)) && super::sets::has_unknown_length(&v);
    if !v.is_known() || unknown_length {
        let (_, marked) = unmark(&v);
        return Ok(Value::Unknown(converted_type(&got, want)).mark_if(marked));
    }
    convert(v, want).map_err(|e| {
        // The conversion exists, so a value failed it: a string that is no
        // number or bool, which go-cty words without the value.
        if e.message.starts_with("a number is required") {
            "a number is required".to_string()
        } else if e.message.starts_with("a bool is required") {
            "a bool is required".to_string()
        } else {
            e.to_string()
        }
    })
}

/// The type a value of type `got` has once converted to `want`: what `any`
/// in `want` stands for is taken from `got` (a tuple's elements meet in
/// their common type).
pub fn converted_type(got: &Type, want: &Type) -> Type {
    let elem = |w: &Type| -> Type {
        let from = match got {
            Type::List(g) | Type::Set(g) | Type::Map(g) => Some((**g).clone()),
            Type::Tuple(ts) => unify(ts),
            Type::Object(attrs) => unify(&attrs.values().map(|a| a.ty.clone()).collect::<Vec<_>>()),
            _ => None,
        };
        from.map_or_else(|| w.clone(), |g| converted_type(&g, w))
    };
    match want {
        Type::Dynamic => got.clone(),
        Type::List(w) => Type::list(elem(w)),
        Type::Set(w) => Type::set(elem(w)),
        Type::Map(w) => Type::map(elem(w)),
        t => t.clone(),
    }
}

/// A whole number that fits an `int`, as `gocty.FromCtyValue` reads one.
pub fn whole(n: &Number) -> Result<i64, String> {
    n.to_i64()
        .ok_or_else(|| "value must be a whole number, between -9223372036854775808 and 9223372036854775807".into())
}

pub use crate::lang::value::equality::equals;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::functions::test_support::{n, s};

    #[test]
    fn names_as_go_cty_writes_them() {
        assert_eq!(friendly(&Type::list(Type::String)), "list of string");
        assert_eq!(friendly(&Type::tuple(vec![])), "tuple");
        assert_eq!(constraint_name(&Type::list(Type::Dynamic)), "list of any single type");
        assert_eq!(
            constraint_name(&Type::map(Type::list(Type::String))),
            "map of list of string"
        );
    }

    #[test]
    fn mismatch_messages_point_at_the_element() {
        let tuple = Type::tuple(vec![Type::String, Type::tuple(vec![])]);
        assert_eq!(
            mismatch(&tuple, &Type::list(Type::String)),
            "element 1: string required"
        );
        assert_eq!(
            mismatch(&tuple, &Type::list(Type::Dynamic)),
            "all list elements must have the same type"
        );
        assert_eq!(
            mismatch(&Type::String, &Type::set(Type::Dynamic)),
            "set of any single type required"
        );
        assert_eq!(
            mismatch(&Type::map(Type::String), &Type::map(Type::list(Type::String))),
            "incorrect map element type: list of string required"
        );
    }

    #[test]
    fn equality_with_unknowns_and_nulls() {
        assert_eq!(equals(&s("a"), &Value::Unknown(Type::String)), None);
        assert_eq!(equals(&s("a"), &Value::Unknown(Type::Number)), Some(false));
        assert_eq!(equals(&Value::null(), &Value::Unknown(Type::Number)), None);
        assert_eq!(equals(&Value::Null(Type::String), &Value::null()), Some(true));
        assert_eq!(equals(&n(1.0), &s("1")), Some(false));
        let l = |items| Value::Tuple(items);
        assert_eq!(
            equals(&l(vec![s("a"), Value::Unknown(Type::String)]), &l(vec![s("b"), s("c")])),
            Some(false)
        );
        assert_eq!(
            equals(&l(vec![Value::Unknown(Type::String), s("a")]), &l(vec![s("b"), s("c")])),
            None
        );
    }

    #[test]
    fn whole_numbers_as_gocty_reads_them() {
        assert_eq!(whole(&Number::from_i64(-3)), Ok(-3));
        assert!(whole(&Number::from_f64(1.5).unwrap())
            .unwrap_err()
            .contains("whole number"));
        assert!(whole(&Number::infinity(false)).is_err());
    }
}
