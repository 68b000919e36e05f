//! String templates and heredocs: interpolations, `%{ if }` and `%{ for }`
//! directives, strip markers.

use super::{describe, EvalError, EvalErrorKind, Evaluator, Result};
use crate::lang::nfc;
use crate::lang::types::{convert, Type};
use crate::lang::value::Value;
use hcl_edit::expr::Expression;
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span as _;
use std::ops::Range;

impl Evaluator<'_> {
    /// A quoted template: one that is a single interpolation yields the
    /// value itself (`"${[1]}"` is a tuple), as HCL's `TemplateWrapExpr`.
    pub(super) fn string_template(
        &mut self,
        t: &hcl_edit::template::StringTemplate,
        span: Option<Range<usize>>,
    ) -> Result<Value> {
        if let [Element::Interpolation(i)] = t.iter().collect::<Vec<_>>().as_slice() {
            return self.eval(&i.expr);
        }
        self.template(t, span)
    }

    pub(super) fn template(&mut self, t: &Template, span: Option<Range<usize>>) -> Result<Value> {
        let mut out = String::new();
        let mut strip_next = false;
        let mut state = TemplateState::default();
        self.render(t, &mut out, &mut strip_next, &mut state)?;
        let _ = span;
        Ok(if state.unknown {
            Value::Unknown(Type::String)
        } else {
            Value::String(nfc::nfc(out))
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
