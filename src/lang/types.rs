//! Type constraints (`list(string)`, `object({ a = optional(number, 1) })`) and
//! the conversions Terraform applies when a value meets one.

use super::value::{cmp, format_number, Map, Value};
use hcl_edit::expr::Expression;
use hcl_edit::Span as _;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    Any,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Tuple(Vec<Type>),
    Object(BTreeMap<String, ObjectAttr>),
}

/// One attribute of an object type; `optional(T, default)` sets the last two.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectAttr {
    pub ty: Type,
    pub optional: bool,
    pub default: Option<Value>,
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Any => f.write_str("any"),
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
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
            Type::Object(attrs) => {
                f.write_str("object({")?;
                for (i, (k, a)) in attrs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if a.optional {
                        write!(f, "{k} = optional({})", a.ty)?;
                    } else {
                        write!(f, "{k} = {}", a.ty)?;
                    }
                }
                f.write_str("})")
            }
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
            "any" => Ok(Type::Any),
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
                "list" => Ok(Type::List(Box::new(parse(&one(&args)?, eval_default, false)?))),
                "set" => Ok(Type::Set(Box::new(parse(&one(&args)?, eval_default, false)?))),
                "map" => Ok(Type::Map(Box::new(parse(&one(&args)?, eval_default, false)?))),
                "tuple" => match one(&args)? {
                    Expression::Array(items) => Ok(Type::Tuple(
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
                        Ok(Type::Object(attrs))
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
    Ok(ObjectAttr {
        ty: parse(expr, eval_default, true)?,
        optional: false,
        default: None,
    })
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

/// Converts a value to a type as Terraform does: numbers and bools to strings and
/// back, lists and sets into each other, objects to maps, defaults for optional
/// attributes. Null and unknown convert to anything; marks are kept.
pub fn convert(value: Value, ty: &Type) -> Result<Value, ConvertError> {
    match (value, ty) {
        (Value::Null, _) => Ok(Value::Null),
        (Value::Unknown, _) => Ok(Value::Unknown),
        (Value::Sensitive(v), ty) => Ok(convert(*v, ty)?.mark()),
        (v, Type::Any) => Ok(v),
        (Value::String(s), Type::String) => Ok(Value::String(s)),
        (Value::Number(n), Type::String) => Ok(Value::String(format_number(n))),
        (Value::Bool(b), Type::String) => Ok(Value::String(b.to_string())),
        (Value::Number(n), Type::Number) => Ok(Value::Number(n)),
        (Value::String(s), Type::Number) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Value::Number)
            .ok_or_else(|| {
                conv_err(format!(
                    "a number is required, and {} is not one",
                    super::value::quote(&s)
                ))
            }),
        (Value::Bool(b), Type::Bool) => Ok(Value::Bool(b)),
        (Value::String(s), Type::Bool) => match s.as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(conv_err(format!(
                "a bool is required, and {} is not one",
                super::value::quote(&s)
            ))),
        },
        (Value::List(items) | Value::Set(items), Type::List(t)) => Ok(Value::List(convert_items(items, t)?)),
        (Value::List(items) | Value::Set(items), Type::Set(t)) => Ok(Value::set(convert_items(items, t)?)),
        (Value::List(items), Type::Tuple(ts)) => {
            if items.len() != ts.len() {
                return Err(conv_err(format!(
                    "a tuple of {} elements is required, got {}",
                    ts.len(),
                    items.len()
                )));
            }
            Ok(Value::List(
                items
                    .into_iter()
                    .zip(ts)
                    .enumerate()
                    .map(|(i, (v, t))| convert(v, t).map_err(|e| at(e, format!("[{i}]"))))
                    .collect::<Result<_, _>>()?,
            ))
        }
        (Value::Map(m), Type::Map(t)) => Ok(Value::Map(
            m.into_iter()
                .map(|(k, v)| {
                    let v = convert(v, t).map_err(|e| at(e, format!("[{}]", super::value::quote(&k))))?;
                    Ok((k, v))
                })
                .collect::<Result<_, ConvertError>>()?,
        )),
        (Value::Map(mut m), Type::Object(attrs)) => {
            let mut out = Map::new();
            for (name, attr) in attrs {
                let v = match m.remove(name) {
                    Some(Value::Null) | None if attr.optional => attr.default.clone().unwrap_or(Value::Null),
                    Some(v) => convert(v, &attr.ty).map_err(|e| at(e, format!(".{name}")))?,
                    None => return Err(conv_err(format!("attribute {name:?} is required"))),
                };
                out.insert(name.clone(), v);
            }
            Ok(Value::Map(out))
        }
        (v, ty) => Err(conv_err(format!("{} required, got {}", describe(ty), v.type_name()))),
    }
}

fn convert_items(items: Vec<Value>, t: &Type) -> Result<Vec<Value>, ConvertError> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| convert(v, t).map_err(|e| at(e, format!("[{i}]"))))
        .collect()
}

fn describe(ty: &Type) -> String {
    match ty {
        Type::String => "a string is".into(),
        Type::Number => "a number is".into(),
        Type::Bool => "a bool is".into(),
        Type::Object(_) => "an object is".into(),
        t => format!("a {t} is"),
    }
}

/// Whether every element of a list has the same type, as `tolist` and `tomap` require.
pub fn unify_primitive(items: &mut [Value]) -> Result<(), ConvertError> {
    let kinds: Vec<&'static str> = items
        .iter()
        .filter(|v| v.is_known() && !v.is_null())
        .map(Value::type_name)
        .collect();
    let all_same = kinds.windows(2).all(|w| w[0] == w[1]);
    if all_same {
        return Ok(());
    }
    // Mixed primitives unify to string, like cty does.
    if kinds.iter().all(|k| matches!(*k, "string" | "number" | "bool")) {
        for v in items.iter_mut() {
            *v = convert(std::mem::take(v), &Type::String)?;
        }
        return Ok(());
    }
    Err(conv_err("all elements must have the same type"))
}

/// Sorted order of values (used by `sort`).
pub fn sort_values(items: &mut [Value]) {
    items.sort_by(cmp);
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcl_edit::parser::parse_expr;

    fn ty(src: &str) -> Type {
        parse_type(&parse_expr(src).unwrap(), &mut |e| match e {
            Expression::Number(n) => Ok(Value::Number(n.as_f64().unwrap())),
            Expression::String(s) => Ok(Value::string(s.as_str())),
            _ => Ok(Value::Null),
        })
        .unwrap()
    }

    #[test]
    fn parses_nested_types_with_optional_defaults() {
        let t = ty("object({ name = string, count = optional(number, 3), tags = optional(map(string)) })");
        let v = convert(Value::Map(Map::from([("name".into(), Value::string("a"))])), &t).unwrap();
        assert_eq!(v.get("count"), Some(&Value::Number(3.0)));
        assert_eq!(v.get("tags"), Some(&Value::Null));
        assert_eq!(
            t.to_string(),
            "object({count = optional(number), name = string, tags = optional(map(string))})"
        );
    }

    #[test]
    fn converts_primitives_like_terraform() {
        assert_eq!(convert(Value::string("5"), &Type::Number).unwrap(), Value::Number(5.0));
        assert_eq!(
            convert(Value::Bool(true), &Type::String).unwrap(),
            Value::string("true")
        );
        assert!(convert(Value::string("x"), &Type::Number).is_err());
    }

    #[test]
    fn missing_required_attribute_names_it() {
        let t = ty("object({ name = string })");
        let e = convert(Value::Map(Map::new()), &t).unwrap_err();
        assert_eq!(e.message, "attribute \"name\" is required");
    }

    #[test]
    fn errors_carry_the_path() {
        let t = ty("list(object({ n = number }))");
        let v = Value::List(vec![Value::Map(Map::from([("n".into(), Value::string("x"))]))]);
        let e = convert(v, &t).unwrap_err();
        assert_eq!(e.to_string(), "[0].n: a number is required, and \"x\" is not one");
    }

    #[test]
    fn quoted_types_are_refused_with_advice() {
        let e = parse_type(&parse_expr("\"string\"").unwrap(), &mut |_| Ok(Value::Null)).unwrap_err();
        assert!(e.message.contains("without quotes"));
    }
}
