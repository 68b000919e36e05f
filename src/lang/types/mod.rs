//! Types of the configuration language, as Terraform (go-cty) has them.
//!
//! A [`Type`] is both the type of a value (`list(string)`, `object({...})`,
//! `tuple([...])`) and a type constraint (`any` is [`Type::Dynamic`]; object
//! attributes may be `optional(T, default)`). This module owns reading type
//! constraints ([`parse_type`]), converting values to a type ([`convert`],
//! with Terraform's safe and unsafe conversions) and finding the common type
//! of several values ([`unify`]). Types are cheap to clone: nested types are
//! shared.

mod unify;

pub use unify::{can_convert, unify, unify_safe};

use super::number::Number;
use super::value::{Map, Value};
use hcl_edit::expr::Expression;
use hcl_edit::Span as _;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// `any` as a constraint; a value's type not known yet (`dynamic`).
    Dynamic,
    String,
    Number,
    Bool,
    List(Arc<Type>),
    Set(Arc<Type>),
    Map(Arc<Type>),
    Tuple(Arc<[Type]>),
    Object(Arc<BTreeMap<String, ObjectAttr>>),
}

/// One attribute of an object type; `optional(T, default)` sets the last two
/// (only in type constraints).
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectAttr {
    pub ty: Type,
    pub optional: bool,
    pub default: Option<Value>,
}

impl ObjectAttr {
    pub fn required(ty: Type) -> ObjectAttr {
        ObjectAttr {
            ty,
            optional: false,
            default: None,
        }
    }
}

impl Type {
    pub fn list(t: Type) -> Type {
        Type::List(Arc::new(t))
    }
    pub fn set(t: Type) -> Type {
        Type::Set(Arc::new(t))
    }
    pub fn map(t: Type) -> Type {
        Type::Map(Arc::new(t))
    }
    pub fn tuple(ts: Vec<Type>) -> Type {
        Type::Tuple(ts.into())
    }
    /// An object type of required attributes.
    pub fn object(attrs: impl IntoIterator<Item = (String, Type)>) -> Type {
        Type::Object(Arc::new(
            attrs.into_iter().map(|(k, t)| (k, ObjectAttr::required(t))).collect(),
        ))
    }

    pub fn is_primitive(&self) -> bool {
        matches!(self, Type::String | Type::Number | Type::Bool)
    }

    /// The element type of a list, set or map.
    pub fn element(&self) -> Option<&Type> {
        match self {
            Type::List(t) | Type::Set(t) | Type::Map(t) => Some(t),
            _ => None,
        }
    }

    /// Whether a value of this type could still be anything (`any` somewhere inside).
    pub fn has_dynamic(&self) -> bool {
        match self {
            Type::Dynamic => true,
            Type::List(t) | Type::Set(t) | Type::Map(t) => t.has_dynamic(),
            Type::Tuple(ts) => ts.iter().any(Type::has_dynamic),
            Type::Object(attrs) => attrs.values().any(|a| a.ty.has_dynamic()),
            _ => false,
        }
    }

    /// "a string", "an object", "a list of string": for messages.
    pub fn friendly(&self) -> String {
        match self {
            Type::Dynamic => "a value of any type".into(),
            Type::String => "a string".into(),
            Type::Number => "a number".into(),
            Type::Bool => "a bool".into(),
            Type::List(t) => format!("a list of {}", plain(t)),
            Type::Set(t) => format!("a set of {}", plain(t)),
            Type::Map(t) => format!("a map of {}", plain(t)),
            Type::Tuple(_) => "a tuple".into(),
            Type::Object(_) => "an object".into(),
        }
    }
}

fn plain(t: &Type) -> String {
    match t {
        Type::Dynamic => "any".into(),
        t => t.to_string(),
    }
}

/// Terraform's type constraint syntax: `list(string)`, `object({a=number})`.
impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Dynamic => f.write_str("any"),
            Type::String => f.write_str("string"),
            Type::Number => f.write_str("number"),
            Type::Bool => f.write_str("bool"),
            Type::List(t) => write!(f, "list({t})"),
            Type::Set(t) => write!(f, "set({t})"),
            Type::Map(t) => write!(f, "map({t})"),
            Type::Tuple(ts) => {
                f.write_str("tuple([")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
            Type::Object(attrs) => {
                f.write_str("object({")?;
                for (i, (k, a)) in attrs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    if a.optional {
                        write!(f, "{k}=optional({})", a.ty)?;
                    } else {
                        write!(f, "{k}={}", a.ty)?;
                    }
                }
                f.write_str("})")
            }
        }
    }
}

impl Type {
    /// Terraform's JSON type notation: `"string"`, `["list", "string"]`,
    /// `["object", {"a": "number"}]`, `["tuple", ["string"]]`, `"dynamic"`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Type::Dynamic => json!("dynamic"),
            Type::String => json!("string"),
            Type::Number => json!("number"),
            Type::Bool => json!("bool"),
            Type::List(t) => json!(["list", t.to_json()]),
            Type::Set(t) => json!(["set", t.to_json()]),
            Type::Map(t) => json!(["map", t.to_json()]),
            Type::Tuple(ts) => json!(["tuple", ts.iter().map(Type::to_json).collect::<Vec<_>>()]),
            Type::Object(attrs) => json!([
                "object",
                attrs
                    .iter()
                    .map(|(k, a)| (k.clone(), a.ty.to_json()))
                    .collect::<serde_json::Map<_, _>>()
            ]),
        }
    }

    /// Reads Terraform's JSON type notation (see [`Type::to_json`]).
    pub fn from_json(j: &serde_json::Value) -> Result<Type, String> {
        use serde_json::Value as J;
        match j {
            J::String(s) => match s.as_str() {
                "string" => Ok(Type::String),
                "number" => Ok(Type::Number),
                "bool" => Ok(Type::Bool),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(format!("unknown type {other:?}")),
            },
            J::Array(parts) => match parts.as_slice() {
                [J::String(k), inner] if k == "list" => Ok(Type::list(Type::from_json(inner)?)),
                [J::String(k), inner] if k == "set" => Ok(Type::set(Type::from_json(inner)?)),
                [J::String(k), inner] if k == "map" => Ok(Type::map(Type::from_json(inner)?)),
                [J::String(k), J::Object(attrs)] if k == "object" => Ok(Type::object(
                    attrs
                        .iter()
                        .map(|(name, t)| Ok((name.clone(), Type::from_json(t)?)))
                        .collect::<Result<Vec<_>, String>>()?,
                )),
                [J::String(k), J::Array(elems)] if k == "tuple" => Ok(Type::tuple(
                    elems.iter().map(Type::from_json).collect::<Result<Vec<_>, String>>()?,
                )),
                _ => Err(format!("invalid type {j}")),
            },
            _ => Err(format!("invalid type {j}")),
        }
    }
}

/// A type expression that is not a valid type constraint.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeExprError {
    pub message: String,
    pub span: Option<Range<usize>>,
}

fn type_err(expr: &Expression, message: impl Into<String>) -> TypeExprError {
    TypeExprError {
        message: message.into(),
        span: expr.span(),
    }
}

/// Reads a type constraint. `eval_default` evaluates the default of `optional(T, default)`.
pub fn parse_type(
    expr: &Expression,
    eval_default: &mut dyn FnMut(&Expression) -> Result<Value, TypeExprError>,
) -> Result<Type, TypeExprError> {
    parse(expr, eval_default, false)
}

fn parse(
    expr: &Expression,
    eval_default: &mut dyn FnMut(&Expression) -> Result<Value, TypeExprError>,
    in_object: bool,
) -> Result<Type, TypeExprError> {
    match expr {
        Expression::Variable(v) => match v.as_str() {
            "any" => Ok(Type::Dynamic),
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            other => Err(type_err(
                expr,
                format!("the keyword {other:?} is not a type; use string, number, bool, any, or list(...), set(...), map(...), object({{...}}), tuple([...])"),
            )),
        },
        Expression::String(s) => Err(type_err(
            expr,
            format!(
                "type constraints are written without quotes since Terraform 0.12: write {} instead of {:?}",
                s.as_str(),
                s.as_str()
            ),
        )),
        Expression::Parenthesis(p) => parse(p.inner(), eval_default, in_object),
        Expression::FuncCall(call) => {
            let name = call.name.name.as_str();
            let args: Vec<&Expression> = call.args.iter().collect();
            let one = |args: &[&Expression]| -> Result<Expression, TypeExprError> {
                match args {
                    [a] => Ok((*a).clone()),
                    _ => Err(type_err(expr, format!("{name}(...) takes exactly one type"))),
                }
            };
            match name {
                "list" => Ok(Type::list(parse(&one(&args)?, eval_default, false)?)),
                "set" => Ok(Type::set(parse(&one(&args)?, eval_default, false)?)),
                "map" => Ok(Type::map(parse(&one(&args)?, eval_default, false)?)),
                "tuple" => match one(&args)? {
                    Expression::Array(items) => Ok(Type::tuple(
                        items
                            .iter()
                            .map(|t| parse(t, eval_default, false))
                            .collect::<Result<_, _>>()?,
                    )),
                    other => Err(type_err(&other, "tuple(...) takes a list of types: tuple([string, number])")),
                },
                "object" => match one(&args)? {
                    Expression::Object(obj) => {
                        let mut attrs = BTreeMap::new();
                        for (key, value) in obj.iter() {
                            let key_name = match key {
                                hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                                hcl_edit::expr::ObjectKey::Expression(Expression::String(s)) => {
                                    s.as_str().to_string()
                                }
                                hcl_edit::expr::ObjectKey::Expression(e) => {
                                    return Err(type_err(e, "an object type's attribute names are identifiers"))
                                }
                            };
                            attrs.insert(key_name, parse_attr(value.expr(), eval_default)?);
                        }
                        Ok(Type::Object(Arc::new(attrs)))
                    }
                    other => Err(type_err(&other, "object(...) takes an object of types: object({ name = string })")),
                },
                "optional" if !in_object => Err(type_err(
                    expr,
                    "optional(...) is allowed only for an attribute of an object type",
                )),
                _ => Err(type_err(expr, format!("{name}(...) is not a type constructor"))),
            }
        }
        _ => Err(type_err(expr, "this is not a type constraint")),
    }
}

fn parse_attr(
    expr: &Expression,
    eval_default: &mut dyn FnMut(&Expression) -> Result<Value, TypeExprError>,
) -> Result<ObjectAttr, TypeExprError> {
    if let Expression::FuncCall(call) = expr {
        if call.name.name.as_str() == "optional" {
            let args: Vec<&Expression> = call.args.iter().collect();
            let (ty, default) = match args.as_slice() {
                [t] => (parse(t, eval_default, false)?, None),
                [t, d] => {
                    let ty = parse(t, eval_default, false)?;
                    let raw = eval_default(d)?;
                    let default = convert(raw, &ty).map_err(|e| type_err(d, format!("invalid default: {e}")))?;
                    (ty, Some(default))
                }
                _ => return Err(type_err(expr, "optional(...) takes a type and an optional default")),
            };
            return Ok(ObjectAttr {
                ty,
                optional: true,
                default,
            });
        }
    }
    Ok(ObjectAttr::required(parse(expr, eval_default, true)?))
}

/// Whether a value of type `ty` can be used where `constraint` is expected
/// (`any` in the constraint takes everything): go-cty's `TestConformance`.
pub fn conforms(ty: &Type, constraint: &Type) -> bool {
    match (ty, constraint) {
        (_, Type::Dynamic) => true,
        (Type::List(a), Type::List(b)) | (Type::Set(a), Type::Set(b)) | (Type::Map(a), Type::Map(b)) => conforms(a, b),
        (Type::Tuple(a), Type::Tuple(b)) => a.len() == b.len() && a.iter().zip(b.iter()).all(|(a, b)| conforms(a, b)),
        (Type::Object(a), Type::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b.iter())
                    .all(|((ka, a), (kb, b))| ka == kb && conforms(&a.ty, &b.ty))
        }
        (a, b) => a == b,
    }
}

/// Why a value does not fit a type, with the path inside the value.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvertError {
    pub path: Vec<String>,
    pub message: String,
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path.join(""), self.message)
        }
    }
}

fn conv_err(message: impl Into<String>) -> ConvertError {
    ConvertError {
        path: Vec::new(),
        message: message.into(),
    }
}

fn at(mut e: ConvertError, step: String) -> ConvertError {
    e.path.insert(0, step);
    e
}

/// Converts a value to a type as Terraform does: numbers and bools to
/// strings and back, tuples and lists and sets into each other, objects to
/// maps and maps to objects, defaults for optional attributes, extra object
/// attributes dropped. Null and unknown values convert to any type; marks are kept.
pub fn convert(value: Value, ty: &Type) -> Result<Value, ConvertError> {
    if let Type::Dynamic = ty {
        return Ok(value);
    }
    match value {
        Value::Sensitive(v) => Ok(convert(*v, ty)?.mark()),
        Value::Null(_) => Ok(Value::Null(ty.clone())),
        Value::Unknown(_) => Ok(Value::Unknown(ty.clone())),
        value => convert_known(value, ty),
    }
}

fn convert_known(value: Value, ty: &Type) -> Result<Value, ConvertError> {
    match (value, ty) {
        (Value::String(s), Type::String) => Ok(Value::String(s)),
        (Value::Number(n), Type::String) => Ok(Value::String(n.to_string())),
        (Value::Bool(b), Type::String) => Ok(Value::String(b.to_string())),
        (Value::Number(n), Type::Number) => Ok(Value::Number(n)),
        (Value::String(s), Type::Number) => Number::parse(&s).map(Value::Number).ok_or_else(|| {
            conv_err(format!(
                "a number is required, and {} is not one",
                super::value::quote(&s)
            ))
        }),
        (Value::Bool(b), Type::Bool) => Ok(Value::Bool(b)),
        // go-cty's string to bool: "1" and "0" too.
        (Value::String(s), Type::Bool) => match s.as_str() {
            "true" | "1" => Ok(Value::Bool(true)),
            "false" | "0" => Ok(Value::Bool(false)),
            other => Err(conv_err(match other.to_lowercase().as_str() {
                "true" => "a bool is required; to convert from string, use lowercase \"true\"",
                "false" => "a bool is required; to convert from string, use lowercase \"false\"",
                _ => {
                    return Err(conv_err(format!(
                        "a bool is required, and {} is not one",
                        super::value::quote(other)
                    )))
                }
            })),
        },
        (Value::Tuple(items), Type::List(t)) => {
            let (t, items) = convert_elements(items, t, true)?;
            Ok(Value::List(t, items))
        }
        (Value::Tuple(items), Type::Set(t)) => {
            let (t, items) = convert_elements(items, t, true)?;
            Ok(Value::set_of(t, items))
        }
        // An empty collection keeps its element type when the target's is open.
        (Value::List(e, items) | Value::Set(e, items), Type::List(t)) if items.is_empty() && **t == Type::Dynamic => {
            Ok(Value::List(e, items))
        }
        (Value::List(e, items) | Value::Set(e, items), Type::Set(t)) if items.is_empty() && **t == Type::Dynamic => {
            Ok(Value::Set(e, items))
        }
        (Value::List(_, items) | Value::Set(_, items), Type::List(t)) => {
            let (t, items) = convert_elements(items, t, false)?;
            Ok(Value::List(t, items))
        }
        (Value::List(_, items) | Value::Set(_, items), Type::Set(t)) => {
            let (t, items) = convert_elements(items, t, false)?;
            Ok(Value::set_of(t, items))
        }
        (Value::List(_, items) | Value::Tuple(items), Type::Tuple(ts)) => {
            if items.len() != ts.len() {
                return Err(conv_err(format!(
                    "a tuple of {} element(s) is required, got {}",
                    ts.len(),
                    items.len()
                )));
            }
            Ok(Value::Tuple(
                items
                    .into_iter()
                    .zip(ts.iter())
                    .enumerate()
                    .map(|(i, (v, t))| convert(v, t).map_err(|e| at(e, format!("[{i}]"))))
                    .collect::<Result<_, _>>()?,
            ))
        }
        (Value::Map(_, m) | Value::Object(m), Type::Map(t)) => {
            let (t, m) = convert_entries(m, t)?;
            Ok(Value::Map(t, m))
        }
        (Value::Map(_, mut m) | Value::Object(mut m), Type::Object(attrs)) => {
            let mut out = Map::new();
            for (name, attr) in attrs.iter() {
                let v = match m.remove(name) {
                    Some(v) if v.is_null() && attr.optional => {
                        attr.default.clone().unwrap_or_else(|| Value::Null(attr.ty.clone()))
                    }
                    None if attr.optional => attr.default.clone().unwrap_or_else(|| Value::Null(attr.ty.clone())),
                    Some(v) => convert(v, &attr.ty).map_err(|e| at(e, format!(".{name}")))?,
                    None => return Err(conv_err(format!("attribute {name:?} is required"))),
                };
                out.insert(name.clone(), v);
            }
            Ok(Value::Object(out))
        }
        (v, ty) => Err(conv_err(format!(
            "{} is required, got {}",
            ty.friendly(),
            v.friendly_type()
        ))),
    }
}

/// Converts elements to `t`; when `t` is `any`, to their common type first
/// (go-cty's tuple-to-list conversion: elements whose common type is only
/// `dynamic`, as `[null, [1]]`'s, have none unless all are dynamic).
fn convert_elements(items: Vec<Value>, t: &Type, from_tuple: bool) -> Result<(Type, Vec<Value>), ConvertError> {
    let target = if t.has_dynamic() && !items.is_empty() {
        let types: Vec<Type> = items.iter().map(Value::ty).collect();
        let common = unify(&types).ok_or_else(|| conv_err("all elements must have the same type"))?;
        if from_tuple && common == Type::Dynamic && types.iter().any(|t| *t != Type::Dynamic) {
            return Err(conv_err("all elements must have the same type"));
        }
        common
    } else {
        t.clone()
    };
    let items = items
        .into_iter()
        .enumerate()
        .map(|(i, v)| convert(v, &target).map_err(|e| at(e, format!("[{i}]"))))
        .collect::<Result<_, _>>()?;
    Ok((target, items))
}

fn convert_entries(m: Map, t: &Type) -> Result<(Type, Map), ConvertError> {
    let target = if t.has_dynamic() {
        let types: Vec<Type> = m.values().map(Value::ty).collect();
        unify(&types).ok_or_else(|| conv_err("all map elements must have the same type"))?
    } else {
        t.clone()
    };
    let m = m
        .into_iter()
        .map(|(k, v)| {
            let v = convert(v, &target).map_err(|e| at(e, format!("[{}]", super::value::quote(&k))))?;
            Ok((k, v))
        })
        .collect::<Result<_, ConvertError>>()?;
    Ok((target, m))
}

/// Gives a value read from JSON (state, a saved plan, ARM) the types of
/// `ty` as far as it fits: tuples become lists or sets, objects maps, missing
/// object attributes typed nulls. Unlike [`convert`] it never fails: what does
/// not fit is kept as it is, so no data is lost.
pub fn conform(value: Value, ty: &Type) -> Value {
    match (value, ty) {
        (v, Type::Dynamic) => v,
        (Value::Sensitive(v), ty) => conform(*v, ty).mark(),
        (Value::Null(_), ty) => Value::Null(ty.clone()),
        (Value::Unknown(_), ty) => Value::Unknown(ty.clone()),
        (Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items), Type::List(t)) => {
            Value::List((**t).clone(), items.into_iter().map(|v| conform(v, t)).collect())
        }
        (Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items), Type::Set(t)) => {
            Value::set_of((**t).clone(), items.into_iter().map(|v| conform(v, t)).collect())
        }
        (Value::Map(_, m) | Value::Object(m), Type::Map(t)) => {
            Value::Map((**t).clone(), m.into_iter().map(|(k, v)| (k, conform(v, t))).collect())
        }
        (Value::Map(_, mut m) | Value::Object(mut m), Type::Object(attrs)) => {
            // In place: the attributes the type does not name stay as they are.
            for (name, attr) in attrs.iter() {
                match m.get_mut(name) {
                    Some(v) => *v = conform(std::mem::take(v), &attr.ty),
                    None => {
                        m.insert(name.clone(), Value::Null(attr.ty.clone()));
                    }
                }
            }
            Value::Object(m)
        }
        (v @ Value::String(_), Type::String)
        | (v @ Value::Number(_), Type::Number)
        | (v @ Value::Bool(_), Type::Bool) => v,
        (v, ty) if ty.is_primitive() => match convert(v.clone(), ty) {
            Ok(c) => c,
            Err(_) => v,
        },
        (v, _) => v,
    }
}

/// Converts every value to their common type (see [`unify`]).
pub fn unify_values(values: Vec<Value>) -> Result<(Type, Vec<Value>), ConvertError> {
    let types: Vec<Type> = values.iter().map(Value::ty).collect();
    let ty = unify(&types).ok_or_else(|| conv_err("the values have no common type"))?;
    let values = values.into_iter().map(|v| convert(v, &ty)).collect::<Result<_, _>>()?;
    Ok((ty, values))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcl_edit::parser::parse_expr;

    fn ty(src: &str) -> Type {
        parse_type(&parse_expr(src).unwrap(), &mut |e| match e {
            Expression::Number(n) => Ok(Value::Number(Number::from_f64(n.as_f64().unwrap()).unwrap())),
            Expression::String(s) => Ok(Value::string(s.as_str())),
            _ => Ok(Value::null()),
        })
        .unwrap()
    }

    fn n(i: i64) -> Value {
        Value::Number(Number::from_i64(i))
    }

    /// A value read from JSON takes the type's shapes; what the type does
    /// not name, or what does not fit, is kept as read.
    #[test]
    fn conform_types_what_fits_and_keeps_the_rest() {
        let t = ty("object({name = string, size = number, tags = map(string), ids = list(string), on = bool})");
        let read = Value::Object(Map::from([
            ("name".to_string(), Value::string("a")),
            ("size".to_string(), Value::string("3")),
            ("tags".to_string(), Value::Object(Map::from([("k".to_string(), n(1))]))),
            ("ids".to_string(), Value::Tuple(vec![Value::string("x")])),
            ("extra".to_string(), n(7)),
        ]));
        let want = Value::Object(Map::from([
            ("name".to_string(), Value::string("a")),
            ("size".to_string(), n(3)),
            (
                "tags".to_string(),
                Value::Map(Type::String, Map::from([("k".to_string(), Value::string("1"))])),
            ),
            ("ids".to_string(), Value::List(Type::String, vec![Value::string("x")])),
            ("on".to_string(), Value::Null(Type::Bool)),
            ("extra".to_string(), n(7)),
        ]));
        assert_eq!(conform(read, &t), want);
        assert_eq!(conform(Value::string("x"), &Type::Number), Value::string("x"));
        assert_eq!(conform(Value::Bool(true), &Type::String), Value::string("true"));
    }

    #[test]
    fn parses_nested_types_with_optional_defaults() {
        let t = ty("object({ name = string, count = optional(number, 3), tags = optional(map(string)) })");
        let v = convert(Value::Object(Map::from([("name".into(), Value::string("a"))])), &t).unwrap();
        assert_eq!(v.get("count"), Some(&n(3)));
        assert_eq!(v.get("tags"), Some(&Value::Null(Type::map(Type::String))));
        assert_eq!(
            t.to_string(),
            "object({count=optional(number),name=string,tags=optional(map(string))})"
        );
    }

    #[test]
    fn converts_primitives_like_terraform() {
        assert_eq!(convert(Value::string("5"), &Type::Number).unwrap(), n(5));
        assert_eq!(
            convert(Value::Bool(true), &Type::String).unwrap(),
            Value::string("true")
        );
        assert!(convert(Value::string("x"), &Type::Number).is_err());
    }

    #[test]
    fn missing_required_attribute_names_it() {
        let t = ty("object({ name = string })");
        let e = convert(Value::Object(Map::new()), &t).unwrap_err();
        assert_eq!(e.message, "attribute \"name\" is required");
    }

    #[test]
    fn errors_carry_the_path() {
        let t = ty("list(object({ n = number }))");
        let v = Value::Tuple(vec![Value::Object(Map::from([("n".into(), Value::string("x"))]))]);
        let e = convert(v, &t).unwrap_err();
        assert_eq!(e.to_string(), "[0].n: a number is required, and \"x\" is not one");
    }

    #[test]
    fn quoted_types_are_refused_with_advice() {
        let e = parse_type(&parse_expr("\"string\"").unwrap(), &mut |_| Ok(Value::null())).unwrap_err();
        assert!(e.message.contains("without quotes"));
    }

    #[test]
    fn unification_follows_terraform() {
        assert_eq!(unify(&[Type::Number, Type::String]), Some(Type::String));
        assert_eq!(unify(&[Type::Number, Type::Bool]), None);
        assert_eq!(unify(&[Type::Dynamic, Type::Bool]), Some(Type::Bool));
        let o1 = Type::object([("a".to_string(), Type::Number)]);
        let o2 = Type::object([("b".to_string(), Type::String)]);
        assert_eq!(unify(&[o1, o2]), Some(Type::map(Type::String)));
        let t1 = Type::tuple(vec![Type::Number]);
        let t2 = Type::tuple(vec![Type::Number, Type::Number]);
        assert_eq!(unify(&[t1, t2]), Some(Type::list(Type::Number)));
    }

    #[test]
    fn any_element_types_unify_the_elements() {
        let v = Value::Tuple(vec![n(1), Value::string("a")]);
        let l = convert(v, &Type::list(Type::Dynamic)).unwrap();
        assert_eq!(
            l,
            Value::List(Type::String, vec![Value::string("1"), Value::string("a")])
        );
    }

    #[test]
    fn extra_object_attributes_are_dropped() {
        let t = ty("object({ a = number })");
        let v = Value::Object(Map::from([("a".into(), n(1)), ("b".into(), n(2))]));
        assert_eq!(convert(v, &t).unwrap(), Value::Object(Map::from([("a".into(), n(1))])));
    }
}
