//! The expression evaluator, over hcl-edit's syntax tree.
//!
//! It knows unknowns and sensitivity (see [`super::value`]), asks a [`Scope`]
//! for the value of each reference, and reports errors with the byte span of
//! the offending expression. It does no I/O of its own except through the
//! functions `file`, `fileexists` and `templatefile`.

use super::functions::{self, FuncContext};
use super::number::Number;
use super::refs::{parse_traversal, Reference};
use super::types::{convert, unify, Type};
use super::value::{Map, Value};
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::{Decorated, Span as _};
use std::borrow::Cow;
use std::ops::Range;

/// What kind of error; `try()` and `can()` catch only the dynamic kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalErrorKind {
    /// A name the configuration does not declare, or a malformed reference.
    InvalidReference,
    UnknownFunction,
    /// Wrong argument count or type given to a function, or a failing function.
    FunctionCall,
    /// An operator applied to a value of the wrong type.
    Operand,
    /// A missing attribute, an index out of range, a key not in a map.
    Index,
    /// A null or collection value where a template needs a string.
    Template,
    /// A `for` expression over a non-collection, or with duplicate keys.
    Iteration,
    /// A condition that is not a bool.
    Condition,
    TooDeep,
}

impl EvalErrorKind {
    /// Static errors are mistakes in the configuration that `try()` must not hide.
    fn is_static(self) -> bool {
        matches!(self, EvalErrorKind::InvalidReference | EvalErrorKind::UnknownFunction)
    }

    pub fn summary(self) -> &'static str {
        match self {
            EvalErrorKind::InvalidReference => "Reference to undeclared or invalid name",
            EvalErrorKind::UnknownFunction => "Call to unknown function",
            EvalErrorKind::FunctionCall => "Invalid function argument",
            EvalErrorKind::Operand => "Invalid operand",
            EvalErrorKind::Index => "Invalid index or attribute",
            EvalErrorKind::Template => "Invalid template interpolation value",
            EvalErrorKind::Iteration => "Invalid for expression",
            EvalErrorKind::Condition => "Invalid condition",
            EvalErrorKind::TooDeep => "Expression too deeply nested",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EvalError {
    pub kind: EvalErrorKind,
    pub message: String,
    pub span: Option<Range<usize>>,
    pub help: Option<String>,
}

impl EvalError {
    pub fn new(kind: EvalErrorKind, message: impl Into<String>, span: Option<Range<usize>>) -> EvalError {
        EvalError {
            kind,
            message: message.into(),
            span,
            help: None,
        }
    }

    fn with_help(mut self, help: impl Into<String>) -> EvalError {
        self.help = Some(help.into());
        self
    }
}

type Result<T> = std::result::Result<T, EvalError>;

/// Answers references with values. The message of an `Err` says what is wrong
/// (undeclared, not available here); the evaluator adds the span.
pub trait Scope {
    fn lookup(&self, reference: &Reference) -> std::result::Result<Cow<'_, Value>, String>;
}

/// A scope with nothing in it: for literal-only contexts such as `.tfvars` files.
pub struct EmptyScope;

impl Scope for EmptyScope {
    fn lookup(&self, reference: &Reference) -> std::result::Result<Cow<'_, Value>, String> {
        Err(format!(
            "{reference} cannot be used here: only literal values are allowed"
        ))
    }
}

const MAX_DEPTH: usize = 256;

pub struct Evaluator<'a> {
    scope: &'a dyn Scope,
    ctx: &'a FuncContext,
    /// Names bound by `for` expressions, innermost last.
    bound: Vec<(String, Value)>,
    depth: usize,
    in_templatefile: bool,
}

impl<'a> Evaluator<'a> {
    pub fn new(scope: &'a dyn Scope, ctx: &'a FuncContext) -> Evaluator<'a> {
        Evaluator {
            scope,
            ctx,
            bound: Vec::new(),
            depth: 0,
            in_templatefile: false,
        }
    }

    pub fn eval(&mut self, expr: &Expression) -> Result<Value> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return Err(EvalError::new(
                EvalErrorKind::TooDeep,
                format!("expressions may nest at most {MAX_DEPTH} levels"),
                expr.span(),
            ));
        }
        let result = self.eval_inner(expr);
        self.depth -= 1;
        result
    }

    fn eval_inner(&mut self, expr: &Expression) -> Result<Value> {
        match expr {
            Expression::Null(_) => Ok(Value::null()),
            Expression::Bool(b) => Ok(Value::Bool(*b.value())),
            Expression::Number(n) => Ok(Value::Number(number_literal(n))),
            Expression::String(s) => Ok(Value::String(s.value().clone())),
            Expression::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for e in items.iter() {
                    out.push(self.eval(e)?);
                }
                Ok(Value::Tuple(out))
            }
            Expression::Object(obj) => {
                let mut out = Map::new();
                let mut unknown_key = false;
                for (k, v) in obj.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(e) => match self.object_key(e)? {
                            Some(k) => k,
                            None => {
                                unknown_key = true;
                                continue;
                            }
                        },
                    };
                    let value = self.eval(v.expr())?;
                    if out.insert(key.clone(), value).is_some() {
                        return Err(EvalError::new(
                            EvalErrorKind::Index,
                            format!("duplicate object key {key:?}"),
                            k_span(k),
                        ));
                    }
                }
                Ok(if unknown_key {
                    Value::unknown()
                } else {
                    Value::Object(out)
                })
            }
            Expression::StringTemplate(t) => {
                // A template that is one interpolation yields the value itself.
                if let [Element::Interpolation(i)] = t.iter().collect::<Vec<_>>().as_slice() {
                    return self.eval(&i.expr);
                }
                self.template(t, expr.span())
            }
            Expression::HeredocTemplate(h) => self.template(&h.template, expr.span()),
            Expression::Parenthesis(p) => self.eval(p.inner()),
            Expression::Variable(v) => self.variable(v, &[]),
            Expression::Traversal(t) => match &t.expr {
                Expression::Variable(v) if !self.is_bound(v.as_str()) => {
                    let (r, used) = parse_traversal(v, &t.operators)
                        .map_err(|e| EvalError::new(EvalErrorKind::InvalidReference, e.message, e.span))?;
                    let scope = self.scope;
                    let value = scope
                        .lookup(&r.reference)
                        .map_err(|m| EvalError::new(EvalErrorKind::InvalidReference, m, Some(r.span.clone())))?;
                    self.traverse(&value, &t.operators[used..])
                }
                e => {
                    let value = self.eval(e)?;
                    self.traverse(&value, &t.operators)
                }
            },
            Expression::Conditional(c) => self.conditional(c),
            Expression::FuncCall(call) => self.call(call, expr.span()),
            Expression::UnaryOp(u) => {
                let v = self.eval(&u.expr)?;
                let (v, marked) = v.unmark_deep();
                let out = match u.operator.value() {
                    UnaryOperator::Neg => match number_operand(v, &u.expr)? {
                        Some(n) => Value::Number(n.neg()),
                        None => Value::Unknown(Type::Number),
                    },
                    UnaryOperator::Not => match bool_operand(v, &u.expr, "!")? {
                        Some(b) => Value::Bool(!b),
                        None => Value::Unknown(Type::Bool),
                    },
                };
                Ok(out.mark_if(marked))
            }
            Expression::BinaryOp(b) => self.binary(b),
            Expression::ForExpr(f) => self.for_expr(f, expr.span()),
        }
    }

    /// Binds a name for the expressions evaluated until [`Evaluator::unbind`]
    /// (a dynamic block's iterator, say).
    pub fn bind(&mut self, name: impl Into<String>, value: Value) {
        self.bound.push((name.into(), value));
    }

    pub fn unbind(&mut self) {
        self.bound.pop();
    }

    fn is_bound(&self, name: &str) -> bool {
        self.bound.iter().any(|(n, _)| n == name)
    }

    fn variable(&mut self, v: &Decorated<hcl_edit::Ident>, ops: &[Decorated<TraversalOperator>]) -> Result<Value> {
        if let Some((_, value)) = self.bound.iter().rev().find(|(n, _)| n == v.as_str()) {
            let value = value.clone();
            return self.traverse(&value, ops);
        }
        let (r, _) =
            parse_traversal(v, ops).map_err(|e| EvalError::new(EvalErrorKind::InvalidReference, e.message, e.span))?;
        Err(EvalError::new(
            EvalErrorKind::InvalidReference,
            format!("{} must be followed by an attribute", r.reference),
            v.span(),
        ))
    }

    fn object_key(&mut self, e: &Expression) -> Result<Option<String>> {
        // `{ (var.k) = 1 }` and `{ "k" = 1 }`; a bare traversal key is a name in HCL 1 style.
        let v = self.eval(e)?;
        match v.inner() {
            Value::Unknown(_) => Ok(None),
            v => v.to_template_string().map(Some).ok_or_else(|| {
                EvalError::new(
                    EvalErrorKind::Index,
                    format!("an object key must be a string, but this is {}", describe(v)),
                    e.span(),
                )
            }),
        }
    }

    /// Applies attribute accesses, indexes and splats, borrowing along the way
    /// and cloning only the result (a reference into a large collection stays cheap).
    fn traverse(&mut self, value: &Value, ops: &[Decorated<TraversalOperator>]) -> Result<Value> {
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

    fn binary(&mut self, b: &hcl_edit::expr::BinaryOp) -> Result<Value> {
        use BinaryOperator as Op;
        let op = *b.operator.value();
        let lhs = self.eval(&b.lhs_expr)?;
        // Logical operators short-circuit on a known left side.
        if matches!(op, Op::And | Op::Or) {
            let (l, lm) = lhs.unmark_deep();
            let l = bool_operand(l, &b.lhs_expr, op.as_str())?;
            if l == Some(op == Op::Or) {
                return Ok(Value::Bool(op == Op::Or).mark_if(lm));
            }
            let (r, rm) = self.eval(&b.rhs_expr)?.unmark_deep();
            let r = bool_operand(r, &b.rhs_expr, op.as_str())?;
            return Ok(match (l, r) {
                (Some(_), Some(r)) => Value::Bool(r),
                _ => Value::Unknown(Type::Bool),
            }
            .mark_if(lm || rm));
        }
        let rhs = self.eval(&b.rhs_expr)?;
        let (l, lm) = lhs.unmark_deep();
        let (r, rm) = rhs.unmark_deep();
        let marked = lm || rm;
        if matches!(op, Op::Eq | Op::NotEq) {
            return Ok(match l.equals(&r) {
                Some(eq) => Value::Bool(eq == (op == Op::Eq)),
                None => Value::Unknown(Type::Bool),
            }
            .mark_if(marked));
        }
        let redact = |mut e: EvalError| {
            if marked {
                e.message = "a number is required (the value is hidden because it is sensitive)".into();
            }
            e
        };
        let x = number_operand(l, &b.lhs_expr).map_err(redact)?;
        let y = number_operand(r, &b.rhs_expr).map_err(redact)?;
        let comparison = matches!(op, Op::Less | Op::LessEq | Op::Greater | Op::GreaterEq);
        let (Some(x), Some(y)) = (x, y) else {
            let ty = if comparison { Type::Bool } else { Type::Number };
            return Ok(Value::Unknown(ty).mark_if(marked));
        };
        let arith = |r: std::result::Result<Number, super::number::NumberError>| {
            r.map(Value::Number)
                .map_err(|e| EvalError::new(EvalErrorKind::Operand, e.message, b.rhs_expr.span()))
        };
        let out = match op {
            Op::Plus => arith(x.add(&y))?,
            Op::Minus => arith(x.sub(&y))?,
            Op::Mul => arith(x.mul(&y))?,
            Op::Div => arith(x.div(&y))?,
            Op::Mod => arith(x.rem(&y))?,
            Op::Less => Value::Bool(x < y),
            Op::LessEq => Value::Bool(x <= y),
            Op::Greater => Value::Bool(x > y),
            Op::GreaterEq => Value::Bool(x >= y),
            Op::Eq | Op::NotEq | Op::And | Op::Or => unreachable!("handled above"),
        };
        Ok(out.mark_if(marked))
    }

    /// `cond ? a : b`: the chosen branch, converted to the type both
    /// branches have in common (`true ? 1 : "a"` is `"1"`). The other branch
    /// is evaluated only for its type; its errors do not count, so that
    /// `var.x == null ? "d" : var.x.name` works.
    fn conditional(&mut self, c: &hcl_edit::expr::Conditional) -> Result<Value> {
        let cond = self.eval(&c.cond_expr)?;
        let (cond, marked) = cond.unmark_deep();
        let chosen = match convert(cond.clone(), &Type::Bool) {
            Ok(Value::Bool(b)) => Some(b),
            Ok(Value::Unknown(_)) => None,
            Ok(Value::Null(_)) => {
                return Err(EvalError::new(
                    EvalErrorKind::Condition,
                    "the condition value is null; conditions must either be true or false",
                    c.cond_expr.span(),
                ))
            }
            _ => {
                return Err(EvalError::new(
                    EvalErrorKind::Condition,
                    format!("the condition must be a bool, but it is {}", describe(&cond)),
                    c.cond_expr.span(),
                ))
            }
        };
        let (result, other) = match chosen {
            Some(true) => (self.eval(&c.true_expr)?, self.eval(&c.false_expr).ok()),
            Some(false) => (self.eval(&c.false_expr)?, self.eval(&c.true_expr).ok()),
            None => {
                let t = self.eval(&c.true_expr)?;
                let f = self.eval(&c.false_expr)?;
                let ty = unify(&[t.ty(), f.ty()]).unwrap_or(Type::Dynamic);
                return Ok(Value::Unknown(ty).mark_if(marked));
            }
        };
        let Some(other) = other else {
            return Ok(result.mark_if(marked));
        };
        let ty = unify(&[result.ty(), other.ty()]).ok_or_else(|| {
            EvalError::new(
                EvalErrorKind::Condition,
                format!(
                    "the true and false results must have the same type: {} and {}",
                    result.friendly_type(),
                    other.friendly_type()
                ),
                c.true_expr.span(),
            )
        })?;
        let result = convert(result, &ty).map_err(|e| EvalError::new(EvalErrorKind::Condition, e.to_string(), None))?;
        Ok(result.mark_if(marked))
    }

    fn for_expr(&mut self, f: &hcl_edit::expr::ForExpr, span: Option<Range<usize>>) -> Result<Value> {
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
        for (k, v) in pairs {
            let before = self.bound.len();
            if let Some(kv) = &f.intro.key_var {
                self.bound.push((kv.as_str().to_string(), k));
            }
            self.bound.push((f.intro.value_var.as_str().to_string(), v));
            let step = self.for_step(f, &mut list, &mut map, &mut groups, &mut unknown, span.clone());
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

    fn for_step(
        &mut self,
        f: &hcl_edit::expr::ForExpr,
        list: &mut Vec<Value>,
        map: &mut Map,
        groups: &mut indexmap::IndexMap<String, Vec<Value>>,
        unknown: &mut bool,
        span: Option<Range<usize>>,
    ) -> Result<()> {
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

    fn template(&mut self, t: &Template, span: Option<Range<usize>>) -> Result<Value> {
        let mut out = String::new();
        let mut strip_next = false;
        let mut state = TemplateState::default();
        self.render(t, &mut out, &mut strip_next, &mut state)?;
        let _ = span;
        Ok(if state.unknown {
            Value::Unknown(Type::String)
        } else {
            Value::String(out)
        }
        .mark_if(state.marked))
    }

    fn render(&mut self, t: &Template, out: &mut String, strip_next: &mut bool, st: &mut TemplateState) -> Result<()> {
        for element in t.iter() {
            match element {
                Element::Literal(l) => {
                    let text = if std::mem::take(strip_next) {
                        l.value().trim_start()
                    } else {
                        l.value().as_str()
                    };
                    out.push_str(text);
                }
                Element::Interpolation(i) => {
                    if i.strip.strip_start() {
                        trim_end(out);
                    }
                    let v = self.eval(&i.expr)?;
                    self.append(v, out, &i.expr, st)?;
                    *strip_next = i.strip.strip_end();
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        if d.if_expr.strip.strip_start() {
                            trim_end(out);
                        }
                        let cond = self.eval(&d.if_expr.cond_expr)?;
                        st.marked |= cond.has_sensitive();
                        let cond = convert(cond.clone(), &Type::Bool).unwrap_or(cond);
                        let branch = match cond.inner() {
                            Value::Bool(b) => *b,
                            Value::Unknown(_) => {
                                st.unknown = true;
                                false
                            }
                            other => {
                                return Err(EvalError::new(
                                    EvalErrorKind::Condition,
                                    format!("the %{{ if }} condition must be a bool, but it is {}", describe(other)),
                                    d.if_expr.cond_expr.span(),
                                ))
                            }
                        };
                        *strip_next = d.if_expr.strip.strip_end();
                        if branch {
                            self.render(&d.if_expr.template, out, strip_next, st)?;
                            if d.else_expr.as_ref().is_some_and(|e| e.strip.strip_start()) {
                                trim_end(out);
                            }
                        } else if let Some(e) = &d.else_expr {
                            *strip_next = e.strip.strip_end();
                            self.render(&e.template, out, strip_next, st)?;
                        }
                        if d.endif_expr.strip.strip_start() {
                            trim_end(out);
                        }
                        *strip_next = d.endif_expr.strip.strip_end();
                    }
                    Directive::For(d) => {
                        let fe = &d.for_expr;
                        if fe.strip.strip_start() {
                            trim_end(out);
                        }
                        let (collection, marked) = self.eval(&fe.collection_expr)?.unmark_shallow();
                        st.marked |= marked;
                        let pairs: Vec<(Value, Value)> = match collection.into_pairs() {
                            Ok(pairs) => pairs,
                            Err(Value::Unknown(_)) => {
                                st.unknown = true;
                                Vec::new()
                            }
                            Err(other) => {
                                return Err(EvalError::new(
                                    EvalErrorKind::Iteration,
                                    format!("%{{ for }} needs a list, set or map, but this is {}", describe(&other)),
                                    fe.collection_expr.span(),
                                ))
                            }
                        };
                        for (k, v) in pairs {
                            let before = self.bound.len();
                            if let Some(kv) = &fe.key_var {
                                self.bound.push((kv.as_str().to_string(), k));
                            }
                            self.bound.push((fe.value_var.as_str().to_string(), v));
                            *strip_next = fe.strip.strip_end();
                            let r = self.render(&fe.template, out, strip_next, st);
                            self.bound.truncate(before);
                            r?;
                            if d.endfor_expr.strip.strip_start() {
                                trim_end(out);
                            }
                        }
                        *strip_next = d.endfor_expr.strip.strip_end();
                    }
                },
            }
        }
        Ok(())
    }

    fn append(&mut self, v: Value, out: &mut String, expr: &Expression, st: &mut TemplateState) -> Result<()> {
        let (v, marked) = v.unmark_deep();
        st.marked |= marked;
        match &v {
            Value::Unknown(_) => st.unknown = true,
            Value::Null(_) => {
                return Err(EvalError::new(
                    EvalErrorKind::Template,
                    "the expression's value is null, and a string template cannot include null",
                    expr.span(),
                ))
            }
            v => match v.to_template_string() {
                Some(s) => out.push_str(&s),
                None if !v.is_wholly_known() => st.unknown = true,
                None => {
                    return Err(EvalError::new(
                        EvalErrorKind::Template,
                        format!(
                            "a string template can include strings, numbers and bools, but this is {}",
                            describe(v)
                        ),
                        expr.span(),
                    )
                    .with_help("use join() for a list, or jsonencode() for any value"))
                }
            },
        }
        Ok(())
    }

    fn call(&mut self, call: &hcl_edit::expr::FuncCall, span: Option<Range<usize>>) -> Result<Value> {
        let name = call.name.name.as_str();
        let name_span = call.name.name.span();
        let core = call.name.namespace.len() == 1 && call.name.namespace[0].as_str() == "core";
        if call.name.is_namespaced() && !core {
            return Err(EvalError::new(
                EvalErrorKind::UnknownFunction,
                format!("provider-defined functions (here {name}) are not supported"),
                name_span,
            ));
        }
        let args: Vec<&Expression> = call.args.iter().collect();
        match name {
            "try" => return self.call_try(&args, span),
            "can" => return self.call_can(&args, span),
            "templatefile" => return self.call_templatefile(&args, span),
            _ => {}
        }
        if !functions::exists(name) {
            let mut e = EvalError::new(
                EvalErrorKind::UnknownFunction,
                format!("there is no function named {name:?}"),
                name_span,
            );
            if let Some(similar) = suggest(name, functions::names()) {
                e = e.with_help(format!("did you mean {similar}?"));
            }
            return Err(e);
        }
        let mut values = Vec::with_capacity(args.len());
        for (i, a) in args.iter().enumerate() {
            let v = self.eval(a)?;
            if call.args.expand_final() && i == args.len() - 1 {
                match v.inner() {
                    Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
                        values.extend(items.iter().cloned())
                    }
                    Value::Unknown(_) => return Ok(Value::unknown()),
                    other => {
                        return Err(EvalError::new(
                            EvalErrorKind::FunctionCall,
                            format!("only a list can be expanded with ..., but this is {}", describe(other)),
                            a.span(),
                        ))
                    }
                }
            } else {
                values.push(v);
            }
        }
        let expanded = call.args.expand_final();
        functions::call(name, values, self.ctx)
            .expect("function existence checked above")
            .map_err(|e| {
                // With `...` the argument positions no longer map to expressions.
                let at = e
                    .arg
                    .filter(|_| !expanded)
                    .and_then(|i| args.get(i))
                    .and_then(|a| a.span());
                let message = if e.message.starts_with(&format!("{name}(")) {
                    e.message
                } else {
                    format!("{name}(): {}", e.message)
                };
                EvalError::new(EvalErrorKind::FunctionCall, message, at.or(span))
            })
    }

    fn call_try(&mut self, args: &[&Expression], span: Option<Range<usize>>) -> Result<Value> {
        if args.is_empty() {
            return Err(EvalError::new(
                EvalErrorKind::FunctionCall,
                "try() needs at least one argument",
                span,
            ));
        }
        let mut last = None;
        for a in args {
            match self.eval(a) {
                // An unknown result might still fail once known: so the whole try is unknown.
                Ok(v) if !v.is_wholly_known() => return Ok(Value::unknown()),
                Ok(v) => return Ok(v),
                Err(e) if e.kind.is_static() => return Err(e),
                Err(e) => last = Some(e),
            }
        }
        let last = last.map(|e| e.message).unwrap_or_default();
        Err(EvalError::new(
            EvalErrorKind::FunctionCall,
            format!("try(): no argument could be evaluated; the last failed with: {last}"),
            span,
        ))
    }

    fn call_can(&mut self, args: &[&Expression], span: Option<Range<usize>>) -> Result<Value> {
        let [a] = args else {
            return Err(EvalError::new(
                EvalErrorKind::FunctionCall,
                "can() takes exactly one argument",
                span,
            ));
        };
        match self.eval(a) {
            Ok(v) if !v.is_wholly_known() => Ok(Value::Unknown(Type::Bool)),
            Ok(_) => Ok(Value::Bool(true)),
            Err(e) if e.kind.is_static() => Err(e),
            Err(_) => Ok(Value::Bool(false)),
        }
    }

    fn call_templatefile(&mut self, args: &[&Expression], span: Option<Range<usize>>) -> Result<Value> {
        let fail = |m: String, s: Option<Range<usize>>| EvalError::new(EvalErrorKind::FunctionCall, m, s);
        let [path_expr, vars_expr] = args else {
            return Err(fail("templatefile() takes a path and a map of variables".into(), span));
        };
        if self.in_templatefile {
            return Err(fail(
                "templatefile() cannot be called from inside a template".into(),
                span,
            ));
        }
        let path = self.eval(path_expr)?;
        let vars = self.eval(vars_expr)?;
        let (vars, marked) = vars.unmark_deep();
        if !path.is_known() || !vars.is_known() {
            return Ok(Value::Unknown(Type::String));
        }
        let path = path
            .as_str()
            .ok_or_else(|| fail("templatefile(): the path must be a string".into(), path_expr.span()))?
            .to_string();
        let vars = match vars {
            Value::Map(_, m) | Value::Object(m) => m,
            Value::Null(_) => Map::new(),
            other => {
                return Err(fail(
                    format!(
                        "templatefile(): the variables must be a map, but this is {}",
                        describe(&other)
                    ),
                    vars_expr.span(),
                ))
            }
        };
        let text = functions::read_template(self.ctx, &path)
            .map_err(|e| fail(format!("templatefile(): {}", e.message), path_expr.span()))?;
        let template = hcl_edit::parser::parse_template(&text).map_err(|e| {
            fail(
                format!(
                    "templatefile(): {path}:{}:{}: {}",
                    e.location().line(),
                    e.location().column(),
                    e.message()
                ),
                path_expr.span(),
            )
        })?;
        let mut inner = Evaluator::new(&EmptyScope, self.ctx);
        inner.in_templatefile = true;
        inner.bound = vars.into_iter().collect();
        let result = inner.template(&template, None).map_err(|e| {
            let at = e
                .span
                .map(|s| {
                    let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                    format!("{path}:{line}: ")
                })
                .unwrap_or_default();
            fail(format!("templatefile(): {at}{}", e.message), span.clone())
        })?;
        Ok(result.mark_if(marked))
    }
}

#[derive(Default)]
struct TemplateState {
    unknown: bool,
    marked: bool,
}

fn trim_end(out: &mut String) {
    let len = out.trim_end().len();
    out.truncate(len);
}

fn k_span(k: &ObjectKey) -> Option<Range<usize>> {
    match k {
        ObjectKey::Ident(i) => i.span(),
        ObjectKey::Expression(e) => e.span(),
    }
}

/// "a string", "null", "a list", for messages.
pub fn describe(v: &Value) -> String {
    v.friendly_type()
}

/// An operand of an arithmetic operator or comparison, converted to a
/// number as Terraform converts it; `None` when unknown.
fn number_operand(v: Value, e: &Expression) -> Result<Option<Number>> {
    let described = describe(&v);
    match convert(v, &Type::Number) {
        Ok(Value::Number(n)) => Ok(Some(n)),
        Ok(Value::Unknown(_)) => Ok(None),
        Ok(Value::Null(_)) => Err(EvalError::new(
            EvalErrorKind::Operand,
            "a number is required, but this is null",
            e.span(),
        )),
        Ok(_) => unreachable!("converted to a number"),
        Err(err) => Err(EvalError::new(
            EvalErrorKind::Operand,
            match err.message.starts_with("a number is required, and") {
                true => err.message,
                false => format!("a number is required, but this is {described}"),
            },
            e.span(),
        )),
    }
}

/// An operand of `!`, `&&` or `||`, converted to a bool; `None` when unknown.
fn bool_operand(v: Value, e: &Expression, op: &str) -> Result<Option<bool>> {
    let described = describe(&v);
    match convert(v, &Type::Bool) {
        Ok(Value::Bool(b)) => Ok(Some(b)),
        Ok(Value::Unknown(_)) => Ok(None),
        _ => Err(EvalError::new(
            EvalErrorKind::Operand,
            format!("the {op} operator needs bools, but this is {described}"),
            e.span(),
        )),
    }
}

/// A number literal, read from its text so that no digit is lost.
fn number_literal(n: &hcl_edit::Formatted<hcl_edit::Number>) -> Number {
    let from_text = n.as_repr().and_then(|r| {
        let text: String = r.chars().filter(|c| !c.is_whitespace()).collect();
        Number::parse(&text)
    });
    from_text
        .or_else(|| Number::from_f64(n.value().as_f64().unwrap_or(0.0)))
        .unwrap_or_else(Number::zero)
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

/// The closest of `candidates` to `name`, when close enough to be a likely typo.
pub fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim_distance(name, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| c)
}

fn strsim_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Evaluates a standalone expression with an empty scope (tests, `.tfvars` values).
pub fn eval_standalone(src: &str) -> Result<Value> {
    let expr = hcl_edit::parser::parse_expr(src)
        .map_err(|e| EvalError::new(EvalErrorKind::Operand, e.message().to_string(), None))?;
    Evaluator::new(&EmptyScope, &FuncContext::default()).eval(&expr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::functions::test_support::{n, ok, s, tuple};

    struct TestScope;
    impl Scope for TestScope {
        fn lookup(&self, r: &Reference) -> std::result::Result<Cow<'_, Value>, String> {
            match r {
                Reference::Var(n) if n == "secret" => Ok(Cow::Owned(Value::string("hunter2").mark())),
                Reference::Var(n) if n == "names" => Ok(Cow::Owned(Value::list(vec![s("a"), s("b")]))),
                Reference::Resource(r) if r.name == "id" => Ok(Cow::Owned(Value::Object(Map::from([
                    ("principal_id".into(), Value::unknown()),
                    ("name".into(), s("mi")),
                ])))),
                other => Err(format!("{other} is not declared")),
            }
        }
    }

    fn eval_with(src: &str) -> Result<Value> {
        let e = hcl_edit::parser::parse_expr(src).unwrap();
        Evaluator::new(&TestScope, &FuncContext::default()).eval(&e)
    }

    #[test]
    fn operators_and_conditionals() {
        assert_eq!(ok("1 + 2 * 3"), n(7.0));
        assert_eq!(ok("-7 % 3"), n(-1.0));
        assert_eq!(ok("\"5\" + 1"), n(6.0));
        assert_eq!(ok("1 == \"1\""), Value::Bool(false));
        assert_eq!(ok("!(1 < 2) || 3 >= 3"), Value::Bool(true));
        assert_eq!(ok("true ? \"a\" : \"b\""), s("a"));
        assert_eq!(ok("2 / 0").to_string(), "+Inf");
        assert_eq!(
            eval_standalone("\"x\" ? 1 : 2").unwrap_err().kind,
            EvalErrorKind::Condition
        );
    }

    #[test]
    fn templates_with_directives_and_strip_markers() {
        assert_eq!(ok(r#""a-${1 + 1}-b""#), s("a-2-b"));
        assert_eq!(ok(r#""%{ if true }yes%{ else }no%{ endif }""#), s("yes"));
        assert_eq!(ok(r#""%{ for x in ["a", "b"] }${x},%{ endfor }""#), s("a,b,"));
        assert_eq!(ok("\"%{ for x in [\"a\", \"b\"] ~}\n  ${x}\n%{~ endfor }\""), s("ab"));
        assert_eq!(ok("<<-EOT\n    hello\n      ${\"x\"}\n    EOT"), s("hello\n  x\n"));
        // A lone interpolation keeps the value's type.
        assert_eq!(ok(r#""${[1]}""#), Value::Tuple(vec![n(1.0)]));
        assert_eq!(
            eval_standalone(r#""a${null}""#).unwrap_err().kind,
            EvalErrorKind::Template
        );
    }

    #[test]
    fn for_expressions_and_splats() {
        assert_eq!(ok(r#"[for s in ["a", "b"] : upper(s)]"#), tuple(&["A", "B"]));
        assert_eq!(
            ok(r#"{for k, v in {a = 1, b = 2} : v => k if v > 1}"#),
            ok(r#"{"2" = "b"}"#)
        );
        assert_eq!(
            ok(r#"{for s in ["a", "ab", "b"] : substr(s, 0, 1) => s...}"#),
            ok(r#"{a = ["a", "ab"], b = ["b"]}"#)
        );
        let dup = eval_standalone(r#"{for s in ["a", "a"] : s => s}"#).unwrap_err();
        assert!(dup.message.contains("two elements produce the key"));
        assert_eq!(ok(r#"[{n = 1}, {n = 2}][*].n"#), Value::Tuple(vec![n(1.0), n(2.0)]));
        assert_eq!(ok(r#"[{n = [1]}][*].n[0]"#), Value::Tuple(vec![n(1.0)]));
        assert_eq!(ok(r#"null[*].n"#), Value::Tuple(vec![]));
        assert_eq!(ok(r#"tolist([{n = 1}])[*].n"#), Value::list(vec![n(1.0)]));
    }

    #[test]
    fn unknowns_propagate() {
        assert!(!eval_with("azurerm_x.id.principal_id").unwrap().is_known());
        assert_eq!(
            eval_with("\"p-${azurerm_x.id.principal_id}\"").unwrap(),
            Value::Unknown(Type::String)
        );
        assert_eq!(
            eval_with("azurerm_x.id.principal_id == \"x\" ? 1 : 2").unwrap(),
            Value::Unknown(Type::Number)
        );
        assert_eq!(
            eval_with("upper(azurerm_x.id.principal_id)").unwrap(),
            Value::Unknown(Type::String)
        );
        assert_eq!(
            eval_with("[azurerm_x.id.principal_id, \"b\"]").unwrap(),
            Value::Tuple(vec![Value::unknown(), s("b")])
        );
        assert_eq!(eval_with("azurerm_x.id.name").unwrap(), s("mi"));
        assert_eq!(
            eval_with("[for x in [azurerm_x.id.principal_id] : x]").unwrap(),
            Value::Tuple(vec![Value::unknown()])
        );
    }

    #[test]
    fn for_keeps_element_marks_on_their_elements() {
        let v = ok(r#"[for o in [{id = "a", secret = sensitive("s")}] : o.id]"#);
        assert_eq!(v, tuple(&["a"]));
        assert!(ok(r#"[for x in sensitive(["a"]) : x]"#).has_sensitive());
    }

    #[test]
    fn sensitivity_propagates() {
        assert_eq!(eval_with("upper(var.secret)").unwrap(), s("HUNTER2").mark());
        assert!(eval_with("\"x-${var.secret}\"").unwrap().has_sensitive());
        assert!(eval_with("var.secret == \"a\"").unwrap().has_sensitive());
    }

    #[test]
    fn errors_point_at_their_expression() {
        let e = eval_with("var.nope").unwrap_err();
        assert_eq!((e.kind, e.span), (EvalErrorKind::InvalidReference, Some(0..8)));
        let e = eval_with("upper(1, 2)").unwrap_err();
        assert_eq!(e.kind, EvalErrorKind::FunctionCall);
        let e = eval_with("nosuch(1)").unwrap_err();
        assert_eq!((e.kind, e.span), (EvalErrorKind::UnknownFunction, Some(0..6)));
        let e = eval_with("lenght([1])").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean length?"));
        let e = eval_with("cidrsubnet(\"10.0.0.0/16\", \"x\", 1)").unwrap_err();
        assert_eq!(e.span, Some(26..29));
        let e = eval_with("var.names[5]").unwrap_err();
        assert!(e.message.contains("out of range"));
        let e = eval_with("var.names.x").unwrap_err();
        assert_eq!(
            e.help.as_deref(),
            Some("use [*].x for every element, or [0].x for the first")
        );
    }

    #[test]
    fn try_and_can_catch_dynamic_errors_only() {
        assert_eq!(ok(r#"try({a = 1}.b, "fallback")"#), s("fallback"));
        assert_eq!(ok(r#"can([1][3])"#), Value::Bool(false));
        assert_eq!(ok(r#"can([1][0])"#), Value::Bool(true));
        assert!(eval_with("try(var.nope, 1)").is_err());
        assert!(eval_with("can(nosuch())").is_err());
        assert!(!eval_with("try(azurerm_x.id.principal_id, 1)").unwrap().is_known());
        assert!(eval_standalone("try([][0])")
            .unwrap_err()
            .message
            .contains("no argument could be evaluated"));
    }

    #[test]
    fn templatefile_renders_with_its_variables() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("t.tpl"),
            "%{ for n in names ~}\n${n}=${v}\n%{ endfor ~}\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("bad.tpl"), "${nope}").unwrap();
        let ctx = FuncContext {
            base_dir: dir.path().to_path_buf(),
            ..FuncContext::default()
        };
        let run = |src: &str| {
            let e = hcl_edit::parser::parse_expr(src).unwrap();
            Evaluator::new(&EmptyScope, &ctx).eval(&e)
        };
        assert_eq!(
            run(r#"templatefile("t.tpl", {names = ["a", "b"], v = 1})"#).unwrap(),
            s("a=1\nb=1\n")
        );
        assert!(run(r#"templatefile("bad.tpl", {})"#)
            .unwrap_err()
            .message
            .contains("bad.tpl:1"));
        assert!(run(r#"templatefile("missing.tpl", {})"#)
            .unwrap_err()
            .message
            .contains("no file exists at \"missing.tpl\""));
    }
}
