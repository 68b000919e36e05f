//! Object constructors: `{ a = 1, (local.k) = 2, "b c" = 3 }`, as HCL's
//! `ObjectConsExpr` evaluates them.
//!
//! A bare name or keyword is the key itself (`{null = 1}` has the key
//! "null"); a key written as a reference of several steps is ambiguous and
//! refused (`{local.k = 1}`: parentheses make it a reference, quotes a
//! name); anything else is evaluated and converted to a string. Of two
//! items with the same key the last wins. A sensitive key marks the whole
//! object; an unknown key makes it wholly unknown. (hcl-edit's parser
//! itself refuses two identical bare or quoted keys, `{a = 1, a = 2}`,
//! before evaluation.)

use super::{too_large, EvalError, EvalErrorKind, Evaluator, Result};
use crate::lang::limits::Budget;
use crate::lang::nfc;
use crate::lang::types::{convert, Type};
use crate::lang::value::{Map, Value};
use hcl_edit::expr::{Expression, Object, ObjectKey, TraversalOperator};
use hcl_edit::Span as _;

impl Evaluator<'_> {
    pub(super) fn object(&mut self, obj: &Object) -> Result<Value> {
        let mut out = Map::new();
        let mut unknown = false;
        let mut marked = false;
        let mut budget = Budget::new();
        for (k, v) in obj.iter() {
            let key = self.object_key(k);
            let value = self.eval(v.expr());
            let key = key?;
            let value = value?;
            match key {
                Key::Known(key, m) => {
                    marked |= m;
                    budget.entry(&key, &value).map_err(|l| too_large(l, v.expr().span()))?;
                    out.insert(key, value);
                }
                Key::Unknown => unknown = true,
            }
        }
        if unknown {
            return Ok(Value::unknown());
        }
        Ok(Value::Object(out).mark_if(marked))
    }

    fn object_key(&mut self, k: &ObjectKey) -> Result<Key> {
        let e = match k {
            ObjectKey::Ident(i) => return Ok(Key::Known(nfc::nfc(i.as_str().to_string()), false)),
            ObjectKey::Expression(e) => e,
        };
        match e {
            Expression::Null(_) => return Ok(Key::Known("null".into(), false)),
            Expression::Bool(b) => return Ok(Key::Known(b.value().to_string(), false)),
            Expression::Variable(v) => return Ok(Key::Known(nfc::nfc(v.as_str().to_string()), false)),
            Expression::Traversal(t) if is_scope_traversal(t) => {
                return Err(EvalError::new(
                    EvalErrorKind::AmbiguousKey,
                    "If this expression is intended to be a reference, wrap it in parentheses. If it's \
                     instead intended as a literal name containing periods, wrap it in quotes to create \
                     a string literal.",
                    e.span(),
                ))
            }
            _ => {}
        }
        let (v, marked) = self.eval(e)?.unmark_shallow();
        if v.is_null() {
            return Err(EvalError::new(
                EvalErrorKind::ObjectKey,
                "Can't use a null value as a key.",
                e.span(),
            ));
        }
        match convert(v, &Type::String) {
            Ok(Value::String(s)) => Ok(Key::Known(s, marked)),
            Ok(_) => Ok(Key::Unknown),
            Err(err) => Err(EvalError::new(
                EvalErrorKind::ObjectKey,
                format!("Can't use this value as a key: {err}."),
                e.span(),
            )),
        }
    }
}

enum Key {
    /// The key, and whether it was sensitive.
    Known(String, bool),
    Unknown,
}

/// Whether a key is what HCL reads as a traversal of several steps from a
/// root name (`local.k`, `a.b[0]`): attribute and literal index steps only.
fn is_scope_traversal(t: &hcl_edit::expr::Traversal) -> bool {
    matches!(t.expr, Expression::Variable(_))
        && !t.operators.is_empty()
        && t.operators.iter().all(|op| match op.value() {
            TraversalOperator::GetAttr(_) | TraversalOperator::LegacyIndex(_) => true,
            TraversalOperator::Index(e) => matches!(e, Expression::Number(_) | Expression::String(_)),
            TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => false,
        })
}
