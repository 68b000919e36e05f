//! Attribute accesses, indexes and splats applied to a value: what
//! follows a reference or any other expression (`local.x.a[0]`, `[*].id`).
//! It borrows along the way and clones only the result.

use super::{describe, suggest, EvalError, EvalErrorKind, Evaluator, Result};
use crate::lang::number::Number;
use crate::lang::types::{convert, Type};
use crate::lang::value::Value;
use hcl_edit::expr::TraversalOperator;
use hcl_edit::{Decorated, Span as _};
use std::ops::Range;

impl Evaluator<'_> {
    /// Applies attribute accesses, indexes and splats, borrowing along the way
    /// and cloning only the result (a reference into a large collection stays cheap).
    pub(super) fn traverse(&mut self, value: &Value, ops: &[Decorated<TraversalOperator>]) -> Result<Value> {
        let mut current = value;
        let mut marked = false;
        let mut i = 0;
        while i < ops.len() {
            if let Value::Sensitive(inner) = current {
                marked = true;
                current = inner;
                continue;
            }
            let op = &ops[i];
            current = match op.value() {
                TraversalOperator::GetAttr(name) => get_attr(current, name.as_str(), op.span())?,
                TraversalOperator::Index(key_expr) => {
                    let (key, key_marked) = self.eval(key_expr)?.unmark_deep();
                    marked |= key_marked;
                    index(current, &key, key_expr.span()).map_err(|mut e| {
                        if key_marked {
                            e.message =
                                "the key is not in this collection (the key is hidden because it is sensitive)".into();
                        }
                        e
                    })?
                }
                TraversalOperator::LegacyIndex(n) => {
                    index(current, &Value::Number(Number::from_u64(*n.value())), op.span())?
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let full = matches!(op.value(), TraversalOperator::FullSplat(_));
                    // An attribute splat applies only the attribute accesses that follow it.
                    let rest_len = if full {
                        ops.len() - i - 1
                    } else {
                        ops[i + 1..]
                            .iter()
                            .take_while(|o| matches!(o.value(), TraversalOperator::GetAttr(_)))
                            .count()
                    };
                    let rest = &ops[i + 1..i + 1 + rest_len];
                    let (items, list): (&[Value], bool) = match current {
                        Value::Unknown(_) => return Ok(Value::unknown().mark_if(marked)),
                        Value::Null(_) => (&[], false),
                        Value::List(_, items) | Value::Set(_, items) => (items, true),
                        Value::Tuple(items) => (items, false),
                        single => (std::slice::from_ref(single), false),
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        out.push(self.traverse(item, rest)?);
                    }
                    let splat = if list { Value::list(out) } else { Value::Tuple(out) }.mark_if(marked);
                    return self.traverse(&splat, &ops[i + 1 + rest_len..]);
                }
            };
            i += 1;
        }
        Ok(current.clone().mark_if(marked))
    }
}

static UNKNOWN: Value = Value::Unknown(Type::Dynamic);

fn get_attr<'v>(v: &'v Value, name: &str, span: Option<Range<usize>>) -> Result<&'v Value> {
    match v {
        Value::Unknown(_) => Ok(&UNKNOWN),
        Value::Map(_, m) | Value::Object(m) => m.get(name).ok_or_else(|| {
            let what = if matches!(v, Value::Map(..)) {
                format!("the map has no element for the key {name:?}")
            } else {
                format!("this object has no attribute named {name:?}")
            };
            let mut e = EvalError::new(EvalErrorKind::Index, what, span.clone());
            if let Some(s) = suggest(name, m.keys().map(String::as_str)) {
                e = e.with_help(format!("did you mean {s}?"));
            }
            e
        }),
        Value::Null(_) => Err(EvalError::new(
            EvalErrorKind::Index,
            format!("cannot read attribute {name:?} of a null value"),
            span,
        )),
        Value::List(..) | Value::Set(..) | Value::Tuple(_) => Err(EvalError::new(
            EvalErrorKind::Index,
            format!("{} has no attribute {name:?}", describe(v)),
            span,
        )
        .with_help(format!("use [*].{name} for every element, or [0].{name} for the first"))),
        other => Err(EvalError::new(
            EvalErrorKind::Index,
            format!("{} has no attributes (reading {name:?})", describe(other)),
            span,
        )),
    }
}

fn index<'v>(v: &'v Value, key: &Value, span: Option<Range<usize>>) -> Result<&'v Value> {
    match (v, key) {
        (Value::Unknown(_), _) | (_, Value::Unknown(_)) => Ok(&UNKNOWN),
        (Value::List(_, items) | Value::Tuple(items), k) => {
            let i = convert(k.clone(), &Type::Number)
                .ok()
                .and_then(|n| n.as_number().cloned())
                .filter(Number::is_integer)
                .ok_or_else(|| {
                    EvalError::new(
                        EvalErrorKind::Index,
                        format!("{} is indexed by a whole number, not {}", describe(v), describe(k)),
                        span.clone(),
                    )
                })?;
            match i.to_u64().and_then(|i| items.get(i as usize)) {
                Some(item) => Ok(item),
                None => Err(EvalError::new(
                    EvalErrorKind::Index,
                    format!("index {i} is out of range for a list of {} element(s)", items.len()),
                    span,
                )),
            }
        }
        (Value::Map(_, m) | Value::Object(m), k) => {
            let key = k.to_template_string().ok_or_else(|| {
                EvalError::new(
                    EvalErrorKind::Index,
                    format!("{} is indexed by a string, not {}", describe(v), describe(k)),
                    span.clone(),
                )
            })?;
            m.get(&key).ok_or_else(|| {
                let what = if matches!(v, Value::Map(..)) {
                    format!("the key {key:?} is not in this map")
                } else {
                    format!("this object has no attribute named {key:?}")
                };
                EvalError::new(EvalErrorKind::Index, what, span)
            })
        }
        (Value::Set(..), _) => Err(EvalError::new(
            EvalErrorKind::Index,
            "a set has no indexes: its elements are identified only by their value",
            span,
        )
        .with_help("convert it with tolist() first, or iterate it with for")),
        (Value::Null(_), _) => Err(EvalError::new(EvalErrorKind::Index, "cannot index a null value", span)),
        (other, _) => Err(EvalError::new(
            EvalErrorKind::Index,
            format!("{} cannot be indexed", describe(other)),
            span,
        )),
    }
}
