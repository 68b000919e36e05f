//! `for` expressions: `[for x in xs : f(x) if c]` and `{for k, v in m : k => v...}`.

use super::{describe, too_large, EvalError, EvalErrorKind, Evaluator, Result};
use crate::lang::limits::Budget;
use crate::lang::types::{convert, Type};
use crate::lang::value::{Map, Value};
use hcl_edit::Span as _;
use std::ops::Range;

impl Evaluator<'_> {
    pub(super) fn for_expr(&mut self, f: &hcl_edit::expr::ForExpr, span: Option<Range<usize>>) -> Result<Value> {
        let collection = self.eval(&f.intro.collection_expr)?;
        let (collection, marked) = collection.unmark_shallow();
        let pairs: Vec<(Value, Value)> = match collection.into_pairs() {
            Ok(pairs) => pairs,
            Err(Value::Unknown(_)) => return Ok(Value::unknown()),
            Err(Value::Null(_)) => {
                return Err(EvalError::new(
                    EvalErrorKind::Iteration,
                    "cannot iterate over a null value",
                    f.intro.collection_expr.span(),
                ))
            }
            Err(other) => {
                return Err(EvalError::new(
                    EvalErrorKind::Iteration,
                    format!(
                        "a for expression needs a list, set or map, but this is {}",
                        describe(&other)
                    ),
                    f.intro.collection_expr.span(),
                ))
            }
        };
        let mut list = Vec::new();
        let mut map = Map::new();
        let mut groups: indexmap::IndexMap<String, Vec<Value>> = indexmap::IndexMap::new();
        let mut unknown = false;
        // Elements are counted as they are made: a nested `for` stops at
        // the limit, not after building all it asks for.
        let mut budget = Budget::new();
        for (k, v) in pairs {
            let before = self.bound.len();
            if let Some(kv) = &f.intro.key_var {
                self.bound.push((kv.as_str().to_string(), k));
            }
            self.bound.push((f.intro.value_var.as_str().to_string(), v));
            let step = self.for_step(
                f,
                Built {
                    list: &mut list,
                    map: &mut map,
                    groups: &mut groups,
                    unknown: &mut unknown,
                    budget: &mut budget,
                },
                span.clone(),
            );
            self.bound.truncate(before);
            step?;
        }
        if unknown {
            return Ok(Value::unknown().mark_if(marked));
        }
        let out = if f.key_expr.is_none() {
            Value::Tuple(list)
        } else if f.grouping {
            Value::Object(groups.into_iter().map(|(k, v)| (k, Value::Tuple(v))).collect())
        } else {
            Value::Object(map)
        };
        Ok(out.mark_if(marked))
    }

    fn for_step(&mut self, f: &hcl_edit::expr::ForExpr, built: Built<'_>, span: Option<Range<usize>>) -> Result<()> {
        let Built {
            list,
            map,
            groups,
            unknown,
            budget,
        } = built;
        if let Some(cond) = &f.cond {
            let c = self.eval(&cond.expr)?;
            let c = convert(c.clone(), &Type::Bool).unwrap_or(c);
            match c.inner() {
                Value::Bool(false) => return Ok(()),
                Value::Bool(true) => {}
                Value::Unknown(_) => {
                    *unknown = true;
                    return Ok(());
                }
                other => {
                    return Err(EvalError::new(
                        EvalErrorKind::Condition,
                        format!("the if clause must be a bool, but it is {}", describe(other)),
                        cond.expr.span(),
                    ))
                }
            }
        }
        let value = self.eval(&f.value_expr)?;
        let Some(key_expr) = &f.key_expr else {
            budget.element(&value).map_err(|l| too_large(l, span))?;
            list.push(value);
            return Ok(());
        };
        let key = self.eval(key_expr)?;
        let key = match key.inner() {
            Value::Unknown(_) => {
                *unknown = true;
                return Ok(());
            }
            k => k.to_template_string().ok_or_else(|| {
                EvalError::new(
                    EvalErrorKind::Iteration,
                    format!("a for expression's key must be a string, but this is {}", describe(k)),
                    key_expr.span(),
                )
            })?,
        };
        budget.entry(&key, &value).map_err(|l| too_large(l, span.clone()))?;
        if f.grouping {
            groups.entry(key).or_default().push(value);
        } else if map.insert(key.clone(), value).is_some() {
            return Err(EvalError::new(
                EvalErrorKind::Iteration,
                format!("two elements produce the key {key:?}"),
                span,
            )
            .with_help("add `...` after the value expression to group elements by key"));
        }
        Ok(())
    }
}

/// What a `for` expression has built so far.
struct Built<'b> {
    list: &'b mut Vec<Value>,
    map: &'b mut Map,
    groups: &'b mut indexmap::IndexMap<String, Vec<Value>>,
    unknown: &'b mut bool,
    budget: &'b mut Budget,
}
