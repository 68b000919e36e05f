//! `console`: expressions evaluated in the root module, as `terraform
//! console` evaluates them, against the configuration's values and the
//! resources recorded in state.
//!
//! Pure: the caller loads the configuration and state, and renders.

use super::body::unknown_computed;
use super::objects::push_eval_error;
use super::scope::WalkScope;
use super::{evaluate, EvalMode, ResourceValues, Values};
use crate::addrs::{Instance, ModuleInstance};
use crate::config::{Config, Expr};
use crate::diag::{Diagnostic, Diagnostics, FileId};
use crate::lang::functions::FuncContext;
use crate::lang::types::Type;
use crate::lang::{Evaluator, Value};
use crate::provider::protocol::ProviderConfig;
use crate::schema::Schema;
use crate::state::State;
use hcl_edit::expr::Expression;
use indexmap::IndexMap;
use std::time::SystemTime;

/// What one input gives.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    Value(Value),
    /// `type(EXPR)`, the console's own function: the value's type.
    Type(Type),
}

/// The values of a configuration, ready to answer expressions.
pub struct Console<'c> {
    config: &'c Config,
    values: Values,
    ctx: FuncContext,
}

/// A resource's value for the console: what state recorded, or, for one
/// not applied yet, its configuration with what Azure computes unknown.
struct FromState<'s>(&'s State);

impl ResourceValues for FromState<'_> {
    fn instance_value(
        &mut self,
        instance: &Instance,
        schema: &Schema,
        _: &ProviderConfig,
        config_value: Value,
    ) -> Value {
        match self.0.resources.get(instance) {
            Some(r) => r.value.clone(),
            None => unknown_computed(&schema.block, config_value),
        }
    }
}

impl<'c> Console<'c> {
    /// Evaluates the configuration with these root variable values and
    /// state; the diagnostics are the configuration's own. `now` is what
    /// `timestamp()` gives: the console runs impure functions, as
    /// terraform console does.
    pub fn new(
        config: &'c Config,
        variables: IndexMap<String, Value>,
        state: &State,
        now: SystemTime,
    ) -> (Console<'c>, Diagnostics) {
        let (evaluated, diags) = evaluate(config, &[], variables, &mut FromState(state), EvalMode::Validate);
        (Console::from_values(config, evaluated.values, now), diags)
    }

    /// Answers from values a walk has already made: a plan's, for
    /// `console -plan`.
    pub fn from_values(config: &'c Config, values: Values, now: SystemTime) -> Console<'c> {
        Console {
            config,
            values,
            // The console's function table: no plantimestamp().
            ctx: FuncContext {
                apply_time: Some(now),
                console: true,
                ..FuncContext::new(config.dir.clone())
            },
        }
    }

    /// Evaluates one expression written in `file`.
    pub fn eval(&self, expr: &Expression, file: FileId) -> Result<Output, Diagnostics> {
        let root = ModuleInstance::root();
        let scope = WalkScope {
            values: &self.values,
            module: &root,
            module_dir: ".",
            repeat: None,
            self_value: None,
            workspace: &self.config.workspace,
        };
        let (expr, is_type) = match expr {
            Expression::FuncCall(f) if f.name.name.as_str() == "type" && !f.name.is_namespaced() => {
                let args: Vec<&Expression> = f.args.iter().collect();
                match args.as_slice() {
                    [a] => (*a, true),
                    _ => {
                        let span = crate::diag::Span::new(file, hcl_edit::Span::span(expr).unwrap_or(0..0));
                        return Err(Diagnostic::error("Invalid function argument")
                            .with_detail("type() takes exactly one argument")
                            .with_span(span)
                            .into());
                    }
                }
            }
            e => (e, false),
        };
        let checked = crate::graph::check_expression(self.config, &crate::addrs::ModulePath::root(), expr, file);
        if checked.has_errors() {
            return Err(checked);
        }
        let wrapped = Expr {
            file,
            expr: expr.clone(),
        };
        match Evaluator::new(&scope, &self.ctx).eval(expr) {
            Ok(v) if is_type => Ok(Output::Type(v.ty())),
            Ok(v) => Ok(Output::Value(v)),
            Err(e) => {
                let mut diags = Diagnostics::new();
                push_eval_error(&mut diags, &wrapped, e);
                Err(diags)
            }
        }
    }
}
