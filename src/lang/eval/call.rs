//! Function calls, as HCL's `FunctionCallExpr` makes them: the name looked
//! up in the function table (`core::` prefixed or not), the final argument
//! expanded with `...`, the count of arguments checked, every argument
//! evaluated, then the call. A failure names the argument at fault
//! ("Invalid function argument") or not ("Error in function call"). `try`
//! and `can`, which catch errors of expressions, are here too; the
//! template functions are in `template_fn.rs`.

use super::{describe, suggest, EvalError, EvalErrorKind, Evaluator, Result};
use crate::lang::functions;
use crate::lang::limits;
use crate::lang::types::Type;
use crate::lang::value::Value;
use hcl_edit::expr::{Expression, FuncCall};
use hcl_edit::Span as _;
use std::ops::Range;

impl Evaluator<'_> {
    pub(super) fn call(&mut self, call: &FuncCall, span: Option<Range<usize>>) -> Result<Value> {
        let name = call.name.name.as_str();
        let name_span = call.name.name.span();
        let core = call.name.namespace.len() == 1 && call.name.namespace[0].as_str() == "core";
        if call.name.is_namespaced() && !core {
            return Err(EvalError::new(
                EvalErrorKind::UnknownNamespace,
                format!("provider-defined functions (here {name}) are not supported"),
                name_span,
            ));
        }
        let args: Vec<&Expression> = call.args.iter().collect();
        if let Some(e) = self.refused_here(name, name_span.clone()) {
            return Err(e);
        }
        match name {
            "try" => return self.call_try(&args, span),
            "can" => return self.call_can(&args, span),
            "templatefile" => return self.call_templatefile(&args, span),
            "templatestring" => return self.call_templatestring(&args, span),
            _ => {}
        }
        if !functions::exists(name, self.ctx) {
            return Err(unknown_function(name, core, name_span, self.ctx));
        }
        let expanded = call.args.expand_final();
        let mut values = Vec::with_capacity(args.len());
        let mut pending = None;
        // The arguments are copies: together they stay within the size
        // limits of one value (`concat(local.big, local.big, ...)`).
        let mut budget = limits::Budget::new();
        for (i, a) in args.iter().enumerate() {
            let v = self.eval(a);
            if expanded && i == args.len() - 1 {
                let v = v?;
                match v.inner() {
                    Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
                        let marked = matches!(v, Value::Sensitive(_));
                        values.extend(items.iter().map(|x| x.clone().mark_if(marked)))
                    }
                    Value::Unknown(_) => return Ok(Value::unknown()),
                    Value::Null(_) => {
                        return Err(EvalError::new(
                            EvalErrorKind::FunctionCall,
                            "The expanding argument (indicated by ...) must not be null.",
                            a.span(),
                        ))
                    }
                    other => {
                        return Err(EvalError::new(
                            EvalErrorKind::FunctionCall,
                            format!(
                                "The expanding argument (indicated by ...) must be of a tuple, list, or set type, \
                                 but this is {}.",
                                describe(other)
                            ),
                            a.span(),
                        ))
                    }
                }
            } else {
                match v {
                    Ok(v) => {
                        if let Err(l) = budget.value(&v) {
                            return Err(EvalError::new(
                                EvalErrorKind::TooLarge,
                                format!(
                                    "the arguments of {name}() would hold {} together, past aksplan's limit for one \
                                     value",
                                    l.what()
                                ),
                                a.span(),
                            ));
                        }
                        values.push(v)
                    }
                    Err(e) => {
                        pending.get_or_insert(e);
                        values.push(Value::unknown());
                    }
                }
            }
        }
        if let Some(e) = functions::check_arity(name, values.len()) {
            let kind = if e.too_many {
                EvalErrorKind::TooManyArguments
            } else {
                EvalErrorKind::NotEnoughArguments
            };
            return Err(EvalError::new(kind, e.message, span));
        }
        if let Some(e) = pending {
            return Err(e);
        }
        let result = functions::call(name, values, self.ctx).expect("function existence checked above");
        // Every result within the size limits, whatever made it (a file's
        // content is bounded by the file size limit instead).
        let result = result.and_then(|v| match limits::check(&v) {
            Err(l) if !matches!(name, "file" | "filebase64") => Err(functions::FnError::new(l.to_string())),
            _ => Ok(v),
        });
        result.map_err(|e| {
            // With `...` the argument positions no longer map to expressions.
            let at = e
                .arg
                .filter(|_| !expanded)
                .and_then(|i| args.get(i))
                .and_then(|a| a.span());
            let kind = if e.arg.is_some() {
                EvalErrorKind::FunctionCall
            } else {
                EvalErrorKind::FunctionFailed
            };
            let message = if e.message.starts_with(&format!("{name}(")) {
                e.message
            } else {
                format!("{name}(): {}", e.message)
            };
            EvalError::new(kind, message, at.or(span))
        })
    }

    /// `try(a, b, ...)`: the first argument that evaluates without error.
    /// An argument that refers to unknown values makes the result unknown,
    /// since it might still fail once they are known (HCL's tryfunc).
    fn call_try(&mut self, args: &[&Expression], span: Option<Range<usize>>) -> Result<Value> {
        if args.is_empty() {
            return Err(EvalError::new(
                EvalErrorKind::FunctionFailed,
                "try(): at least one argument is required",
                span,
            ));
        }
        let mut last = None;
        for a in args {
            match self.eval(a) {
                Ok(v) if !v.is_wholly_known() => return Ok(Value::unknown()),
                Ok(v) => return Ok(v),
                Err(e) if e.kind.is_static() => return Err(e),
                Err(e) => last = Some(e),
            }
        }
        let last = last.map(|e| e.message).unwrap_or_default();
        Err(EvalError::new(
            EvalErrorKind::FunctionFailed,
            format!("try(): no expression succeeded; the last failed with: {last}"),
            span,
        ))
    }

    /// `can(expr)`: whether `expr` evaluates without error (unknown while
    /// it refers to unknown values).
    fn call_can(&mut self, args: &[&Expression], span: Option<Range<usize>>) -> Result<Value> {
        let [a] = args else {
            let kind = if args.is_empty() {
                EvalErrorKind::NotEnoughArguments
            } else {
                EvalErrorKind::TooManyArguments
            };
            return Err(EvalError::new(kind, "can() takes exactly one argument", span));
        };
        match self.eval(a) {
            Ok(v) if !v.is_wholly_known() => Ok(Value::Unknown(Type::Bool)),
            Ok(_) => Ok(Value::Bool(true)),
            Err(e) if e.kind.is_static() => Err(e),
            Err(_) => Ok(Value::Bool(false)),
        }
    }
}

/// "There is no function named ...", with a suggestion when one is close.
fn unknown_function(name: &str, core: bool, span: Option<Range<usize>>, ctx: &functions::FuncContext) -> EvalError {
    if core && functions::exists(name, &functions::FuncContext::default()) {
        // A built-in this function table does not have (`plantimestamp` in
        // the console): terraform then finds no `core::` function of that
        // name and says the namespace is not valid.
        return EvalError::new(
            EvalErrorKind::UnknownNamespace,
            "The function namespace \"core\" is not valid. Provider function calls must use the \"provider::\" \
             namespace prefix.",
            span,
        );
    }
    let mut e = EvalError::new(
        EvalErrorKind::UnknownFunction,
        format!("there is no function named {name:?}"),
        span,
    );
    let names = functions::names().filter(|n| functions::exists(n, ctx));
    if let Some(similar) = suggest(name, names) {
        e = e.with_help(format!("did you mean {similar}?"));
    }
    e
}
