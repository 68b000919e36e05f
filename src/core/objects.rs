//! Evaluating one object of the configuration, in every instance of its
//! module, given the values of what it depends on. The plan walk and the
//! apply walk both use it.

use super::body::BodyEval;
use super::expand::{self, Repetition};
use super::scope::WalkScope;
use super::values::{CallKind, Instances, Values};
use crate::addrs::{Item, ModuleInstance, Object};
use crate::config::vars::{assign, AssignError};
use crate::config::{Config, Expr, Module, Variable};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::functions::FuncContext;
use crate::lang::types::Type;
use crate::lang::{Evaluator, Value};
use std::time::SystemTime;

/// Whether values not known yet may decide how many instances there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalMode {
    /// Planning (or applying): `count` and `for_each` must be known.
    Plan(Times),
    /// Validating, as `terraform validate`: unset variables are unknown, and
    /// so may `count` and `for_each` be; each block is then checked once.
    Validate,
}

impl Default for EvalMode {
    fn default() -> EvalMode {
        EvalMode::Plan(Times::default())
    }
}

/// The times the impure functions give, chosen by the caller (the core
/// reads no clock): `plantimestamp()` gives `plan`, `timestamp()` gives
/// `apply`; each is unknown when `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Times {
    pub plan: Option<SystemTime>,
    pub apply: Option<SystemTime>,
}

pub struct ObjectEval<'c> {
    pub config: &'c Config,
    pub mode: EvalMode,
    ctx: FuncContext,
}

impl<'c> ObjectEval<'c> {
    pub fn new(config: &'c Config, mode: EvalMode) -> ObjectEval<'c> {
        let times = match mode {
            EvalMode::Plan(t) => t,
            EvalMode::Validate => Times::default(),
        };
        ObjectEval {
            config,
            mode,
            ctx: FuncContext {
                plan_timestamp: times.plan,
                apply_time: times.apply,
                ..FuncContext::new(config.dir.clone())
            },
        }
    }

    /// The module an object is in.
    pub fn module(&self, o: &Object) -> Option<&'c Module> {
        self.config.module(&o.module)
    }

    fn scope<'w>(
        &'w self,
        values: &'w Values,
        mi: &'w ModuleInstance,
        repeat: Option<&'w Repetition>,
        self_value: Option<&'w Value>,
    ) -> WalkScope<'w> {
        let dir = self
            .config
            .module(&mi.path())
            .map_or(".", |m| m.dir.to_str().unwrap_or("."));
        WalkScope {
            values,
            module: mi,
            module_dir: dir,
            repeat,
            self_value,
            workspace: &self.config.workspace,
        }
    }

    /// Evaluates an expression in a module instance; an error is reported
    /// and the value is unknown.
    fn eval(
        &self,
        values: &Values,
        mi: &ModuleInstance,
        repeat: Option<&Repetition>,
        expr: &Expr,
        diags: &mut Diagnostics,
    ) -> Value {
        self.eval_about(values, mi, repeat, None, expr, diags)
    }

    /// [`Self::eval`], with `self` meaning `self_value`.
    fn eval_about(
        &self,
        values: &Values,
        mi: &ModuleInstance,
        repeat: Option<&Repetition>,
        self_value: Option<&Value>,
        expr: &Expr,
        diags: &mut Diagnostics,
    ) -> Value {
        let scope = self.scope(values, mi, repeat, self_value);
        match Evaluator::new(&scope, &self.ctx).eval(&expr.expr) {
            Ok(v) => v,
            Err(e) => {
                push_eval_error(diags, expr, e);
                Value::unknown()
            }
        }
    }

    /// Evaluates a variable, local, output or module call in every instance
    /// of its module, and records the values.
    pub fn visit_item(&self, values: &mut Values, o: &Object, diags: &mut Diagnostics) {
        let Some(m) = self.module(o) else { return };
        for mi in values.instances_of(&o.module) {
            match &o.item {
                Item::Variable(name) => {
                    if let Some(var) = m.variables.get(name) {
                        self.variable(values, &mi, var, diags);
                    }
                }
                Item::Local(name) => {
                    if let Some(l) = m.locals.get(name) {
                        let v = self.eval(values, &mi, None, &l.expr, diags);
                        values.set(mi, o.item.clone(), v);
                    }
                }
                Item::Output(name) => {
                    if let Some(out) = m.outputs.get(name) {
                        for v in &out.preconditions {
                            if let Some(message) = self.failed_condition(values, &mi, None, None, v, diags) {
                                let at = if mi.is_root() { String::new() } else { format!("{mi}.") };
                                diags.push(
                                    Diagnostic::error("Module output value precondition failed")
                                        .with_detail(format!("{at}output.{name}: {message}"))
                                        .with_span(v.condition.span()),
                                );
                            }
                        }
                        let v = self.eval(values, &mi, None, &out.value, diags);
                        if crate::lang::limits::holds_infinity(&v) {
                            diags.push(super::body::infinite(&format!("output {name:?}"), out.value.span()));
                        }
                        if v.has_sensitive() && !out.sensitive {
                            diags.push(
                                Diagnostic::error("Output refers to sensitive values")
                                    .with_detail(format!("output {name:?} would show a sensitive value"))
                                    .with_span(out.value.span())
                                    .with_help("add sensitive = true to the output block"),
                            );
                        }
                        values.set_output(&mi, name, v.mark_if(out.sensitive));
                    }
                }
                Item::ModuleCall(name) => self.module_call(values, &mi, m, name, diags),
                Item::Provider(key) => {
                    if let Some(p) = m.providers.iter().find(|p| &p.key() == key) {
                        let v = self.provider_block(values, &mi, p, diags);
                        values.set(mi, o.item.clone(), v);
                    }
                }
                Item::Resource(_) => {}
            }
        }
    }

    /// A variable's value in one module instance: the root's as given; a
    /// child's from its call's argument. Then its validation conditions.
    fn variable(&self, values: &mut Values, mi: &ModuleInstance, var: &Variable, diags: &mut Diagnostics) {
        let item = Item::Variable(var.name.clone());
        if let (Some(caller), Some(step)) = (mi.parent(), mi.last()) {
            let call = self.config.module(&caller.path()).and_then(|m| m.calls.get(&step.name));
            let arg = call.and_then(|c| c.args.get(&var.name));
            let unknown_rep = Repetition::unknown();
            let repeat = match values.repetition(mi) {
                Some(r) => Some(r.clone()),
                None if values.is_unknown_instance(mi) => Some(unknown_rep),
                None => None,
            };
            let given = arg.map(|a| self.eval(values, &caller, repeat.as_ref(), a, diags));
            let ty = var.ty.clone().unwrap_or(Type::Dynamic);
            let value = match assign(var, given, &self.ctx) {
                Ok(v) => v,
                // Reported once for the call, by the static checks.
                Err(AssignError::Missing) => Value::Unknown(ty),
                Err(e) => {
                    let at = arg.map_or(var.span, Expr::span);
                    let why = match e {
                        AssignError::Type(e) if !var.sensitive => format!(": {e}"),
                        AssignError::Null => ": the module's variable is not nullable, and has no default".into(),
                        AssignError::Default(e) => format!(": its default is invalid: {}", e.message),
                        _ => String::new(),
                    };
                    diags.push(
                        Diagnostic::error("Invalid value for input variable")
                            .with_detail(format!(
                                "the value given to {mi} for var.{} does not fit its type {}{why}",
                                var.name,
                                var.ty.as_ref().unwrap_or(&Type::Dynamic)
                            ))
                            .with_span(at),
                    );
                    Value::Unknown(ty)
                }
            };
            values.set(mi.clone(), item, value);
        }
        self.validations(values, mi, var, diags);
    }

    /// Checks a variable's validation blocks against its value; conditions
    /// may refer to other objects of the module (Terraform 1.9).
    fn validations(&self, values: &Values, mi: &ModuleInstance, var: &Variable, diags: &mut Diagnostics) {
        for v in &var.validations {
            let Some(message) = self.failed_condition(values, mi, None, None, v, diags) else {
                continue;
            };
            let at = if mi.is_root() {
                format!("var.{}", var.name)
            } else {
                format!("{mi}.var.{}", var.name)
            };
            let mut d = Diagnostic::error("Invalid value for variable")
                .with_detail(format!("{at}: {message}"))
                .with_span(var.span);
            if !var.sensitive {
                d = d.with_label(v.condition.span(), "this validation failed");
            }
            diags.push(d);
        }
    }

    /// The error message of a condition that is false, evaluated in `mi`
    /// (and a resource instance's repetition); `None` when it holds, is not
    /// known yet, or is no bool (that is reported).
    fn failed_condition(
        &self,
        values: &Values,
        mi: &ModuleInstance,
        rep: Option<&Repetition>,
        self_value: Option<&Value>,
        v: &crate::config::Validation,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        let cond = self.eval_about(values, mi, rep, self_value, &v.condition, diags);
        let cond = crate::lang::types::convert(cond.clone(), &Type::Bool).unwrap_or(cond);
        match cond.inner() {
            Value::Bool(true) | Value::Unknown(_) => return None,
            Value::Bool(false) => {}
            other => {
                diags.push(
                    Diagnostic::error("Invalid condition")
                        .with_detail(format!(
                            "the condition must be a bool, but it is {}",
                            crate::lang::eval::describe(other)
                        ))
                        .with_span(v.condition.span()),
                );
                return None;
            }
        }
        let message = self.eval_about(values, mi, rep, self_value, &v.error_message, &mut Diagnostics::new());
        let message = if message.has_sensitive() {
            None
        } else {
            message.as_str().map(str::to_string)
        };
        Some(message.unwrap_or_else(|| "the condition failed".into()))
    }

    /// A module instance's `check` blocks, after everything is evaluated:
    /// each false assertion is a warning, as Terraform reports it.
    pub fn checks(
        &self,
        values: &Values,
        mi: &ModuleInstance,
        checks: &[crate::config::Check],
        diags: &mut Diagnostics,
    ) {
        for check in checks {
            for v in &check.asserts {
                if let Some(message) = self.failed_condition(values, mi, None, None, v, diags) {
                    let at = if mi.is_root() { String::new() } else { format!("{mi}.") };
                    diags.push(
                        Diagnostic::warning("Check block assertion failed")
                            .with_detail(format!("{at}check.{}: {message}", check.name))
                            .with_span(v.condition.span()),
                    );
                }
            }
        }
    }

    /// A resource instance's preconditions, checked before it is planned.
    pub fn preconditions(
        &self,
        values: &Values,
        mi: &ModuleInstance,
        res: &crate::config::Resource,
        rep: &Repetition,
        at: &crate::addrs::Instance,
        diags: &mut Diagnostics,
    ) {
        for v in &res.lifecycle.preconditions {
            if let Some(message) = self.failed_condition(values, mi, Some(rep), None, v, diags) {
                diags.push(
                    Diagnostic::error("Resource precondition failed")
                        .with_detail(format!("{at}: {message}"))
                        .with_span(v.condition.span()),
                );
            }
        }
    }

    /// A resource instance's postconditions, with `self` its planned or
    /// new value: an error for each that is false. One that is not known
    /// yet waits for apply, as Terraform's do.
    #[allow(clippy::too_many_arguments)]
    pub fn postconditions(
        &self,
        values: &Values,
        mi: &ModuleInstance,
        res: &crate::config::Resource,
        rep: &Repetition,
        at: &crate::addrs::Instance,
        value: &Value,
        diags: &mut Diagnostics,
    ) -> bool {
        let mut held = true;
        for v in &res.lifecycle.postconditions {
            if let Some(message) = self.failed_condition(values, mi, Some(rep), Some(value), v, diags) {
                held = false;
                diags.push(
                    Diagnostic::error("Resource postcondition failed")
                        .with_detail(format!("{at}: {message}"))
                        .with_span(v.condition.span()),
                );
            }
        }
        held
    }

    /// A module call's instances in the caller instance `mi`.
    fn module_call(&self, values: &mut Values, mi: &ModuleInstance, m: &Module, name: &str, diags: &mut Diagnostics) {
        let Some(call) = m.calls.get(name) else { return };
        let Some(child) = self.config.module(&m.path.child(name)) else {
            return;
        };
        let instances = match self.expand(values, mi, call.count.as_ref(), call.for_each.as_ref(), diags) {
            Some(Some(reps)) => Instances::Known(reps),
            Some(None) => Instances::Unknown,
            None => Instances::Known(Vec::new()),
        };
        let kind = CallKind::of(call.count.is_some(), call.for_each.is_some());
        values.set_call(mi.clone(), name, child, kind, instances);
    }

    /// The instances `count` or `for_each` make in module instance `mi`:
    /// `None` after reporting why there are none, `Some(None)` when they are
    /// not known yet and the mode allows that.
    fn expand(
        &self,
        values: &Values,
        mi: &ModuleInstance,
        count: Option<&Expr>,
        for_each: Option<&Expr>,
        diags: &mut Diagnostics,
    ) -> Option<Option<Vec<Repetition>>> {
        let (expr, is_count) = match (count, for_each) {
            (Some(c), _) => (c, true),
            (None, Some(f)) => (f, false),
            (None, None) => return Some(Some(vec![Repetition::single()])),
        };
        let scope = self.scope(values, mi, None, None);
        let value = match Evaluator::new(&scope, &self.ctx).eval(&expr.expr) {
            Ok(v) => v,
            Err(e) => {
                push_eval_error(diags, expr, e);
                return None;
            }
        };
        // While validating, instances whose number or keys are not known yet
        // are checked once, as one unknown instance.
        let keys_unknown = match value.inner() {
            Value::Unknown(_) => true,
            Value::Set(_, items) | Value::List(_, items) | Value::Tuple(items) if !is_count => {
                items.iter().any(|i| !i.is_known())
            }
            _ => false,
        };
        if self.mode == EvalMode::Validate && keys_unknown {
            return Some(None);
        }
        let result = if is_count {
            expand::from_count(&value, expr)
        } else {
            expand::from_for_each(&value, expr)
        };
        result.map(Some).map_err(|d| diags.push(d)).ok()
    }

    /// The instances of a resource block in module instance `mi`, or `None`
    /// after reporting why not. While validating, instances not known yet
    /// are one unknown repetition.
    pub fn repetitions(
        &self,
        values: &Values,
        mi: &ModuleInstance,
        res: &crate::config::Resource,
        diags: &mut Diagnostics,
    ) -> Option<Vec<Repetition>> {
        match self.expand(values, mi, res.count.as_ref(), res.for_each.as_ref(), diags)? {
            Some(reps) => Some(reps),
            None => Some(vec![Repetition::unknown()]),
        }
    }

    /// The object one instance's body describes.
    pub fn instance(
        &self,
        values: &Values,
        mi: &ModuleInstance,
        res: &crate::config::Resource,
        schema: &crate::schema::Schema,
        rep: &Repetition,
        diags: &mut Diagnostics,
    ) -> Value {
        let scope = self.scope(values, mi, Some(rep), None);
        let mut ev = Evaluator::new(&scope, &self.ctx);
        let mut be = BodyEval {
            ev: &mut ev,
            file: res.file,
            diags,
        };
        be.parts(res.parts(), &schema.block, "")
    }
}

impl ObjectEval<'_> {
    /// A `provider` block's settings, by its provider's schema; a provider
    /// without one takes whatever attributes the block writes.
    fn provider_block(
        &self,
        values: &Values,
        mi: &ModuleInstance,
        p: &crate::config::Provider,
        diags: &mut Diagnostics,
    ) -> Value {
        let scope = self.scope(values, mi, None, None);
        let mut ev = Evaluator::new(&scope, &self.ctx);
        let loose;
        let schema = match self.config.schemas.provider_config(&p.name) {
            Some(s) => s,
            None => {
                loose = any_attributes(&p.body);
                &loose
            }
        };
        let mut be = BodyEval {
            ev: &mut ev,
            file: p.file,
            diags,
        };
        be.object(&p.body, schema, "")
    }

    /// The provider configuration an instance of `res` in `mi` uses: the
    /// evaluated block, or an empty one when no block is written.
    pub fn provider_config(
        &self,
        values: &Values,
        mi: &ModuleInstance,
        module: &crate::addrs::ModulePath,
        res: &crate::config::Resource,
    ) -> crate::provider::protocol::ProviderConfig {
        let Ok(Some(p)) = crate::config::providers::resolve(self.config, module, res) else {
            return Default::default();
        };
        let mut at = mi.clone();
        while at.path() != p.module {
            match at.parent() {
                Some(parent) => at = parent,
                None => break,
            }
        }
        let value = values
            .get(&at, &Item::Provider(p.key()))
            .cloned()
            .unwrap_or_else(Value::null);
        crate::provider::protocol::ProviderConfig { alias: p.alias, value }
    }

    /// The provider configuration a delete of `inst` runs under: the block
    /// its resource uses (for an object the configuration no longer
    /// declares, its provider's default configuration where its module is),
    /// evaluated from literals and the root module's `variables` alone. A
    /// delete may run before the walk has evaluated anything else (a destroy
    /// evaluates nothing else), so whatever else the block refers to is
    /// unknown, always, rather than known or not by timing. Errors are the
    /// plan's to report; here they leave a value unknown.
    pub fn delete_provider_config(
        &self,
        variables: &indexmap::IndexMap<String, Value>,
        inst: &crate::addrs::Instance,
    ) -> crate::provider::protocol::ProviderConfig {
        use crate::config::providers;
        let mut path = inst.module.path();
        while self.config.module(&path).is_none() {
            match path.parent() {
                Some((parent, _)) => path = parent,
                None => return Default::default(),
            }
        }
        let found = match self.config.resource_of(inst) {
            Some(res) => providers::resolve(self.config, &path, res).ok().flatten(),
            None => providers::resolve_default(
                self.config,
                &path,
                crate::addrs::implied_provider(&inst.resource.type_name),
            ),
        };
        let Some(p) = found else {
            return Default::default();
        };
        let Some(block) = self
            .config
            .module(&p.module)
            .and_then(|m| m.providers.iter().find(|b| b.key() == p.key()))
        else {
            return Default::default();
        };
        let mut at = inst.module.clone();
        while at.path() != p.module {
            match at.parent() {
                Some(parent) => at = parent,
                None => break,
            }
        }
        let mut given = Values::default();
        for (name, v) in variables {
            given.set(ModuleInstance::root(), Item::Variable(name.clone()), v.clone());
        }
        let value = self.provider_block(&given, &at, block, &mut Diagnostics::new());
        crate::provider::protocol::ProviderConfig { alias: p.alias, value }
    }
}

/// A schema that takes every attribute a body writes, of any type.
fn any_attributes(body: &hcl_edit::structure::Body) -> crate::schema::BlockSchema {
    let attributes = body
        .iter()
        .filter_map(|s| s.as_attribute())
        .filter(|a| a.key.as_str() != "alias")
        .map(|a| {
            (
                a.key.to_string(),
                crate::schema::AttrSchema::optional(crate::lang::types::Type::Dynamic),
            )
        })
        .collect();
    crate::schema::BlockSchema::new(attributes, Default::default())
}

pub fn push_eval_error(diags: &mut Diagnostics, expr: &Expr, e: crate::lang::EvalError) {
    let mut d = Diagnostic::error(e.kind.summary())
        .with_detail(e.message)
        .with_span(expr.span_of(e.span));
    if let Some(h) = e.help {
        d = d.with_help(h);
    }
    diags.push(d);
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"
variable "protect" {
  default = true
}
locals {
  off = false
}
provider "azurerm" {
  features {
    resource_group {
      prevent_deletion_if_contains_resources = var.protect
    }
  }
}
provider "azurerm" {
  alias = "hub"
  features {
    resource_group {
      prevent_deletion_if_contains_resources = local.off
    }
  }
}
resource "azurerm_resource_group" "a" {
  name     = "a"
  location = "westeurope"
}
resource "azurerm_resource_group" "h" {
  provider = azurerm.hub
  name     = "h"
  location = "westeurope"
}
"#;

    /// The flag in the configuration a delete of `addr` runs under, and its alias.
    fn flag_of(config: &Config, addr: &str) -> (Option<String>, Option<Value>) {
        let eval = ObjectEval::new(config, EvalMode::default());
        let variables = indexmap::IndexMap::from([("protect".to_string(), Value::Bool(false))]);
        let p = eval.delete_provider_config(&variables, &addr.parse().unwrap());
        let flag = p
            .value
            .get("features")
            .and_then(|f| {
                f.as_seq()?
                    .first()?
                    .get("resource_group")?
                    .as_seq()?
                    .first()?
                    .get("prevent_deletion_if_contains_resources")
            })
            .cloned();
        (p.alias, flag)
    }

    #[test]
    fn a_delete_runs_under_its_provider_block_evaluated_from_literals_and_root_variables() {
        let (config, d) = crate::config::load::from_files(
            std::path::Path::new("."),
            vec![("main.tf".into(), Ok(SRC.as_bytes().to_vec()))],
            &crate::provider::catalog::testing::schemas(),
        );
        assert!(!d.has_errors(), "{d:?}");
        let off = Some(Value::Bool(false));
        assert_eq!(flag_of(&config, "azurerm_resource_group.a"), (None, off.clone()));
        // Locals are not evaluated for a delete: the value is unknown.
        let (alias, flag) = flag_of(&config, "azurerm_resource_group.h");
        assert_eq!(alias.as_deref(), Some("hub"));
        assert!(flag.is_some_and(|f| !f.is_known()));
        // What the configuration no longer declares, even in a module it no
        // longer calls, goes under the default configuration.
        assert_eq!(flag_of(&config, "azurerm_resource_group.gone"), (None, off.clone()));
        assert_eq!(flag_of(&config, "module.old.azurerm_resource_group.x"), (None, off));
        // A provider without a block runs unconfigured.
        assert_eq!(flag_of(&config, "random_pet.p"), (None, None));
    }
}
