//! Function calls, and the functions that need the evaluator itself:
//! `try` and `can` (which catch errors of expressions), `templatefile`.

use super::{describe, suggest, EmptyScope, EvalError, EvalErrorKind, Evaluator, Result};
use crate::lang::functions;
use crate::lang::types::Type;
use crate::lang::value::{Map, Value};
use hcl_edit::expr::Expression;
use hcl_edit::Span as _;
use std::ops::Range;

impl Evaluator<'_> {
    pub(super) fn call(&mut self, call: &hcl_edit::expr::FuncCall, span: Option<Range<usize>>) -> Result<Value> {
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
