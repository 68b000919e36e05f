//! Operators and the conditional expression, as HCL evaluates them.
//!
//! An operator evaluates both operands, converts each to the operator's
//! parameter type ("Invalid operand" when it does not convert), refuses
//! nulls ("Operation failed"), is unknown when an operand is, and marks its
//! result with the operands' marks.
//!
//! `&&` and `||` short-circuit as HCL 2.24 (terraform 1.12 and later) has
//! them: when one operand decides the result (a known `false` for `&&`, a
//! known `true` for `||`, on either side), the other operand's evaluation
//! errors do not count, so `var.x == null || contains(list, var.x)` works
//! with a null `var.x`. This is a deliberate difference from terraform 1.11
//! (HCL 2.23), where both operands must evaluate: configurations written for
//! 1.12 and later rely on it (Azure's AKS module does), and it fails no
//! configuration that 1.11 accepts. Static errors (an undeclared name, an
//! operand of the wrong type) are reported either way. A conditional evaluates both arms,
//! unifies their types, and marks its result with the marks of the
//! condition and of both arms (`false ? var.secret : "x"` is sensitive).

use super::{EvalError, EvalErrorKind, Evaluator, Result};
use crate::lang::number::NumberError;
use crate::lang::types::{convert, unify, ConvertError, Type};
use crate::lang::value::Value;
use hcl_edit::expr::{BinaryOperator, Expression, UnaryOperator};
use hcl_edit::Span as _;
use std::ops::Range;

impl Evaluator<'_> {
    pub(super) fn unary(&mut self, u: &hcl_edit::expr::UnaryOp) -> Result<Value> {
        let (v, marked) = self.eval(&u.expr)?.unmark_deep();
        let span = u.expr.span();
        let out = match u.operator.value() {
            UnaryOperator::Neg => {
                let x = operand(v, &Type::Number, "", span.clone(), marked)?;
                not_null(&x, span)?;
                match x {
                    Value::Number(n) => Value::Number(n.neg()),
                    _ => Value::Unknown(Type::Number),
                }
            }
            UnaryOperator::Not => {
                let x = operand(v, &Type::Bool, "", span.clone(), marked)?;
                not_null(&x, span)?;
                match x {
                    Value::Bool(b) => Value::Bool(!b),
                    _ => Value::Unknown(Type::Bool),
                }
            }
        };
        Ok(out.mark_if(marked))
    }

    pub(super) fn binary(&mut self, b: &hcl_edit::expr::BinaryOp) -> Result<Value> {
        use BinaryOperator as Op;
        let op = *b.operator.value();
        let lhs = self.eval(&b.lhs_expr);
        let rhs = self.eval(&b.rhs_expr);
        if matches!(op, Op::And | Op::Or) {
            return logical(op == Op::And, b, lhs, rhs);
        }
        let (l, lm) = lhs?.unmark_deep();
        let (r, rm) = rhs?.unmark_deep();
        let marked = lm || rm;
        let whole = span_between(&b.lhs_expr, &b.rhs_expr);
        let out = match op {
            Op::Eq | Op::NotEq => match l.equals(&r) {
                Some(eq) => Value::Bool(eq == (op == Op::Eq)),
                None => Value::Unknown(Type::Bool),
            },
            Op::And | Op::Or => unreachable!("logical operators are evaluated by logical()"),
            Op::Less | Op::LessEq | Op::Greater | Op::GreaterEq => {
                let (x, y) = operands(l, r, &Type::Number, b, marked)?;
                not_null(&x, whole.clone())?;
                not_null(&y, whole)?;
                match (x, y) {
                    (Value::Number(x), Value::Number(y)) => Value::Bool(match op {
                        Op::Less => x < y,
                        Op::LessEq => x <= y,
                        Op::Greater => x > y,
                        _ => x >= y,
                    }),
                    _ => Value::Unknown(Type::Bool),
                }
            }
            Op::Plus | Op::Minus | Op::Mul | Op::Div | Op::Mod => {
                let (x, y) = operands(l, r, &Type::Number, b, marked)?;
                arithmetic(op, x, y, whole)?
            }
        };
        Ok(out.mark_if(marked))
    }

    /// `cond ? a : b`, as HCL's `ConditionalExpr`: both arms are evaluated
    /// (errors of the arm not taken do not count, so that
    /// `var.x == null ? "d" : var.x.name` works), their types unified
    /// (`true ? 1 : "a"` is `"1"`; a literal `null` arm takes the other's
    /// type), and the result carries the marks of all three.
    pub(super) fn conditional(&mut self, c: &hcl_edit::expr::Conditional) -> Result<Value> {
        let t = self.eval(&c.true_expr);
        let f = self.eval(&c.false_expr);
        // An arm that failed counts as an unknown value of any type.
        let tv = t.as_ref().cloned().unwrap_or_else(|_| Value::unknown());
        let fv = f.as_ref().cloned().unwrap_or_else(|_| Value::unknown());
        let null_dynamic = |v: &Value| matches!(v, Value::Null(Type::Dynamic));
        let ty = if null_dynamic(&tv) {
            Some(fv.ty())
        } else if null_dynamic(&fv) {
            Some(tv.ty())
        } else if tv.ty() == Type::Dynamic || fv.ty() == Type::Dynamic {
            Some(Type::Dynamic)
        } else {
            unify(&[tv.ty(), fv.ty()])
        };
        let Some(ty) = ty else {
            return Err(EvalError::new(
                EvalErrorKind::ConditionalTypes,
                format!(
                    "The true and false result expressions must have consistent types. The 'true' value is {}, \
                     but the 'false' value is {}.",
                    tv.ty().friendly(),
                    fv.ty().friendly()
                ),
                span_between(&c.true_expr, &c.false_expr),
            ));
        };
        let cond = self.eval(&c.cond_expr)?;
        if cond.is_null() {
            return Err(EvalError::new(
                EvalErrorKind::NullCondition,
                "The condition value is null. Conditions must either be true or false.",
                c.cond_expr.span(),
            ));
        }
        let (cond, cm) = cond.unmark_shallow();
        let (tv, tm) = tv.unmark_shallow();
        let (fv, fm) = fv.unmark_shallow();
        let marked = cm || tm || fm;
        if !cond.is_known() {
            let out = if tv.is_null() && fv.is_null() {
                Value::Null(ty)
            } else {
                Value::Unknown(ty)
            };
            return Ok(out.mark_if(marked));
        }
        let chosen = match convert(cond, &Type::Bool) {
            Ok(Value::Bool(b)) => b,
            Ok(_) => unreachable!("a known condition converts to a known bool"),
            Err(_) => {
                return Err(EvalError::new(
                    EvalErrorKind::Condition,
                    "The condition expression must be of type bool.",
                    c.cond_expr.span(),
                ))
            }
        };
        let (result, value, arm, which) = if chosen {
            (t, tv, &c.true_expr, "true")
        } else {
            (f, fv, &c.false_expr, "false")
        };
        result?;
        let out = convert(value, &ty).map_err(|e| {
            EvalError::new(
                EvalErrorKind::ConditionalTypes,
                format!("The {which} result value has the wrong type: {e}."),
                arm.span(),
            )
        })?;
        Ok(out.mark_if(marked))
    }
}

/// Both operands converted to `ty`, as the operator's parameters take them.
/// `&&` (`and`) or `||`, short-circuiting as HCL 2.24's `ShortCircuit` does.
fn logical(and: bool, b: &hcl_edit::expr::BinaryOp, lhs: Result<Value>, rhs: Result<Value>) -> Result<Value> {
    // Each operand as a bool, an unknown one when its evaluation failed
    // (the failure kept, to report unless the other operand decides).
    let side = |r: Result<Value>, name: &str, span: Option<Range<usize>>| -> Result<(Value, bool, Option<EvalError>)> {
        match r {
            Err(e) if e.kind.is_static() => Err(e),
            Err(e) => Ok((Value::Unknown(Type::Bool), false, Some(e))),
            Ok(v) => {
                let (v, marked) = v.unmark_deep();
                Ok((operand(v, &Type::Bool, name, span, marked)?, marked, None))
            }
        }
    };
    let l = side(lhs, "left ", b.lhs_expr.span());
    let r = side(rhs, "right ", b.rhs_expr.span());
    let ((x, xm, xe), (y, ym, ye)) = (l?, r?);
    let marked = xm || ym;
    // The value that decides: false for &&, true for ||.
    let decides = |v: &Value| matches!(v, Value::Bool(b) if *b != and);
    let settled = |v: Value, err: Option<EvalError>| match err {
        Some(e) => Err(e),
        None => Ok(v.mark_if(marked)),
    };
    let unknown = Value::Unknown(Type::Bool);
    match (&x, &y) {
        (Value::Unknown(_), Value::Unknown(_)) if xe.is_none() => return Ok(unknown.mark_if(marked)),
        _ if decides(&x) => return settled(Value::Bool(!and), xe),
        _ if decides(&y) => return settled(Value::Bool(!and), ye),
        (Value::Unknown(_), Value::Bool(_)) => return settled(unknown, xe),
        (Value::Bool(_), Value::Unknown(_)) => return settled(unknown, ye),
        _ => {}
    }
    if let Some(e) = xe.or(ye) {
        return Err(e);
    }
    let whole = span_between(&b.lhs_expr, &b.rhs_expr);
    not_null(&x, whole.clone())?;
    not_null(&y, whole)?;
    let out = match (x, y) {
        (Value::Bool(x), Value::Bool(y)) => Value::Bool(if and { x && y } else { x || y }),
        _ => Value::Unknown(Type::Bool),
    };
    Ok(out.mark_if(marked))
}

fn operands(l: Value, r: Value, ty: &Type, b: &hcl_edit::expr::BinaryOp, marked: bool) -> Result<(Value, Value)> {
    let x = operand(l, ty, "left ", b.lhs_expr.span(), marked);
    let y = operand(r, ty, "right ", b.rhs_expr.span(), marked);
    Ok((x?, y?))
}

/// One operand converted to `ty` ("Invalid operand" when it does not
/// convert); the reason is not given for a sensitive operand, since it may
/// quote the value.
fn operand(v: Value, ty: &Type, side: &str, span: Option<Range<usize>>, marked: bool) -> Result<Value> {
    convert(v, ty).map_err(|e: ConvertError| {
        let message = if marked {
            format!("Unsuitable value for {side}operand (the value is sensitive, so the reason is not shown).")
        } else {
            format!("Unsuitable value for {side}operand: {e}.")
        };
        EvalError::new(EvalErrorKind::Operand, message, span)
    })
}

/// go-cty's operator functions take no null ("Operation failed").
fn not_null(v: &Value, span: Option<Range<usize>>) -> Result<()> {
    if v.is_null() {
        return Err(EvalError::new(
            EvalErrorKind::Operation,
            "Error during operation: argument must not be null.",
            span,
        ));
    }
    Ok(())
}

fn arithmetic(op: BinaryOperator, x: Value, y: Value, span: Option<Range<usize>>) -> Result<Value> {
    use BinaryOperator as Op;
    not_null(&x, span.clone())?;
    not_null(&y, span.clone())?;
    let (Value::Number(x), Value::Number(y)) = (x, y) else {
        return Ok(Value::Unknown(Type::Number));
    };
    let result = match op {
        Op::Plus => x.add(&y),
        Op::Minus => x.sub(&y),
        Op::Mul => x.mul(&y),
        Op::Div => x.div(&y),
        _ => x.rem(&y),
    };
    result.map(Value::Number).map_err(|e: NumberError| {
        EvalError::new(
            EvalErrorKind::Operation,
            format!("Error during operation: {}.", e.message),
            span,
        )
    })
}

fn span_between(a: &Expression, b: &Expression) -> Option<Range<usize>> {
    match (a.span(), b.span()) {
        (Some(x), Some(y)) => Some(x.start..y.end),
        (x, y) => x.or(y),
    }
}

#[cfg(test)]
mod tests {
    use crate::lang::display::console;
    use crate::lang::eval::eval_standalone;
    use crate::lang::functions::test_support::{ok, show};
    use crate::lang::value::Value;

    /// As HCL 2.24's ShortCircuit (terraform 1.12): the operand that decides
    /// makes the other's failure not count, on either side.
    #[test]
    fn logical_operators_short_circuit_on_the_deciding_operand() {
        let err = |src: &str| eval_standalone(src).unwrap_err().kind.summary();
        assert_eq!(ok("false && null"), Value::Bool(false));
        assert_eq!(ok("true || null"), Value::Bool(true));
        assert_eq!(ok("null == null || contains([\"a\"], null)"), Value::Bool(true));
        assert_eq!(ok("contains([\"a\"], null) || true"), Value::Bool(true));
        assert_eq!(ok("false && 1 / null > 0"), Value::Bool(false));
        // Nothing decides: the failure counts.
        assert_eq!(err("true && contains([\"a\"], null)"), "Invalid function argument");
        assert_eq!(err("false || null"), "Operation failed");
        // An unknown on the left with nothing wrong decides that the result is unknown.
        assert_eq!(
            show("timestamp() == \"\" && contains([\"a\"], null)"),
            "(known after apply)"
        );
        assert_eq!(
            err("contains([\"a\"], null) && timestamp() == \"\""),
            "Invalid function argument"
        );
        // Static errors and operands of the wrong type are reported anyway.
        assert_eq!(err(r#"false && "yes""#), "Invalid operand");
        assert_eq!(err("false && nope.x"), "Variables not allowed");
        assert_eq!(ok(r#"true && "true""#), Value::Bool(true));
        assert_eq!(show(r#"false && sensitive(true)"#), "(sensitive value)");
    }

    #[test]
    fn conditionals_unify_and_carry_marks_of_both_arms() {
        assert_eq!(show(r#"false ? sensitive("s") : "x""#), "(sensitive value)");
        assert_eq!(show(r#"true ? tolist(["a"]) : toset(["b"])"#), "tolist([\n  \"a\",\n])");
        assert_eq!(show(r#"true ? 1 : "a""#), "\"1\"");
        assert!(eval_standalone("true ? 1 : true").is_err());
        assert!(eval_standalone("null ? 1 : 2").is_err());
        // Unification of a null with a structure gives up (tolist fails).
        assert!(eval_standalone("tolist([null, [1]])").is_err());
        assert_eq!(
            console(&ok(r#"toset([null, "a"])"#)),
            "toset([\n  \"a\",\n  tostring(null),\n])"
        );
    }
}
