//! One cloud operation of an apply: deciding, with the values known when a
//! resource's turn comes, what each of its instances needs (nothing, a
//! read, or a create, update or replacement planned again with those
//! values), and carrying it out with the provider. It must not decide when
//! an operation runs (the executor does) nor record results (see
//! `record`).

use crate::addrs::{Instance, Mode, ModuleInstance, Object};
use crate::core::{ObjectEval, Values};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use crate::plan::{Action, Plan, ResourceChange};
use crate::provider::protocol::{ApplyRequest, PlanRequest, ProviderConfig, ReadDataRequest};
use crate::provider::registry::Providers;
use crate::provider::sealed;
use crate::provider::shape::settle;
use crate::state::State;
use rustc_hash::FxHashMap as HashMap;
use std::time::SystemTime;

/// One cloud operation of a resource node, prepared synchronously.
pub(super) enum Op {
    /// Nothing to do: this is the instance's value.
    Keep(Value),
    Apply {
        prior: Option<Value>,
        planned: Value,
        action: Action,
        provider: ProviderConfig,
    },
    ReadData(Value, ProviderConfig),
    Failed(Diagnostics),
}

pub(super) type OpResult = (Instance, Action, Result<Value, Failure>);

/// Why an operation failed, and what a failed create left in the cloud (to
/// be kept in state, tainted, so that it is never lost track of).
pub(super) struct Failure {
    pub diags: Diagnostics,
    pub left: Option<Value>,
}

impl From<Diagnostics> for Failure {
    fn from(diags: Diagnostics) -> Failure {
        Failure { diags, left: None }
    }
}

/// What a resource node has in hand before its cloud calls: the module
/// instances it is evaluated in, and the instance values that need no call.
pub(super) struct Kept {
    pub modules: Vec<ModuleInstance>,
    pub values: Vec<(Instance, Value)>,
}

/// Decides, with the values known now, what each instance of a resource
/// needs, in every instance of its module (which it returns too).
#[allow(clippy::too_many_arguments)]
pub(super) fn prepare(
    eval: &ObjectEval,
    values: &Values,
    object: &Object,
    changes: &HashMap<&Instance, &ResourceChange>,
    state: &State,
    plan: &Plan,
    providers: &Providers,
    diags: &mut Diagnostics,
) -> (Vec<ModuleInstance>, Vec<(Instance, Op)>) {
    let modules = values.instances_of(&object.module);
    let Some(addr) = object.config_resource() else {
        return (modules, Vec::new());
    };
    let (Some(res), Some((provider, schema))) = (
        eval.config.resource(&addr),
        providers.resolve(addr.resource.mode, &addr.resource.type_name),
    ) else {
        return (modules, Vec::new());
    };
    let mut ops = Vec::new();
    let mut d = Diagnostics::new();
    for mi in &modules {
        let Some(reps) = eval.repetitions(values, mi, res, &mut d) else {
            continue;
        };
        let provider_config = eval.provider_config(values, mi, &addr.module, res);
        for rep in reps {
            let inst = Instance {
                module: mi.clone(),
                resource: addr.resource.clone(),
                key: rep.key.clone(),
            };
            let prior = state.resources.get(&inst).map(|r| r.value.clone());
            let op = match changes.get(&inst).map(|c| c.action) {
                Some(Action::NoOp) | None if addr.resource.mode == Mode::Data => {
                    match plan.prior_state.resources.get(&inst) {
                        // A check's own data source is read again, for the
                        // check to see what apply made, as Terraform does.
                        Some(r) if res.check.is_none() => Op::Keep(r.value.clone()),
                        _ => Op::ReadData(
                            eval.instance(values, mi, res, schema, &rep, &mut d),
                            provider_config.clone(),
                        ),
                    }
                }
                Some(Action::NoOp) | None => {
                    Op::Keep(prior.unwrap_or_else(|| eval.instance(values, mi, res, schema, &rep, &mut d)))
                }
                Some(Action::Delete) => continue,
                Some(Action::Read) => Op::ReadData(
                    eval.instance(values, mi, res, schema, &rep, &mut d),
                    provider_config.clone(),
                ),
                Some(action) => {
                    let mut cd = Diagnostics::new();
                    let config_value = eval.instance(values, mi, res, schema, &rep, &mut cd);
                    let prior = if action.is_replace() { None } else { prior };
                    let cfg = match &prior {
                        Some(p) => crate::plan::engine::ignore_changes(config_value, p, &res.lifecycle.ignore_changes),
                        None => config_value,
                    };
                    let planned = provider.plan(PlanRequest {
                        schema,
                        provider: &provider_config,
                        prior: prior.as_ref(),
                        config: &cfg,
                        now: plan.timestamp,
                    });
                    cd.extend(planned.diags);
                    if action == Action::Update && !planned.replace_paths.is_empty() {
                        cd.push(Diagnostic::error("Inconsistent plan").with_detail(format!(
                            "{inst} was planned as an update, but with the values known now {} forces a replacement; plan again",
                            planned.replace_paths.join(", ")
                        )));
                    }
                    if cd.has_errors() {
                        Op::Failed(cd)
                    } else {
                        Op::Apply {
                            prior,
                            // What is sent carries the secrets themselves, not their seals.
                            planned: sealed::with_secrets_from(&schema.block, planned.planned, &cfg),
                            action,
                            provider: provider_config.clone(),
                        }
                    }
                }
            };
            ops.push((inst, op));
        }
    }
    diags.extend(d);
    (modules, ops)
}

pub(super) async fn run_op(providers: &Providers, inst: Instance, op: Op, now: SystemTime) -> OpResult {
    let Some((provider, schema)) = providers.resolve(inst.resource.mode, &inst.resource.type_name) else {
        return (inst, Action::NoOp, Err(Diagnostics::new().into()));
    };
    match op {
        Op::Apply {
            prior,
            planned,
            action,
            provider: provider_config,
        } => {
            let r = provider
                .apply(ApplyRequest {
                    schema,
                    provider: &provider_config,
                    prior: prior.as_ref(),
                    planned: Some(&planned),
                    now,
                })
                .await;
            // State keeps seals of write-only values, never the values.
            let kept = |v| sealed::seal(&schema.block, keep_marks(settle(&schema.block, v), &planned));
            let res = match r.value {
                Some(v) if !r.diags.has_errors() => Ok(kept(v)),
                left => Err(Failure {
                    diags: r.diags,
                    left: if prior.is_none() { left.map(kept) } else { None },
                }),
            };
            (inst, action, res)
        }
        Op::ReadData(config, provider_config) => {
            let r = provider
                .read_data(ReadDataRequest {
                    schema,
                    provider: &provider_config,
                    config: &config,
                    now,
                })
                .await;
            let res = match r.value {
                Some(v) if !r.diags.has_errors() => Ok(settle(&schema.block, v)),
                _ => Err(r.diags.into()),
            };
            (inst, Action::Read, res)
        }
        Op::Keep(v) => (inst, Action::NoOp, Ok(v)),
        Op::Failed(d) => (inst, Action::NoOp, Err(d.into())),
    }
}

/// Keeps the planned sensitivity marks on what Azure returned.
pub(super) fn keep_marks(v: Value, planned: &Value) -> Value {
    match (v, planned.as_map()) {
        (mut v, Some(p)) if v.as_map().is_some() => {
            let m = v.as_map_mut().expect("checked above");
            for (k, pv) in p {
                if pv.has_sensitive() {
                    if let Some(x) = m.remove(k) {
                        let marked = if matches!(x, Value::Sensitive(_)) || x.is_null() {
                            x
                        } else if x.same_as(pv) {
                            // As planned: the marks stay where they were (a
                            // secret inside an object, not the whole object).
                            crate::state::file::mark_paths(x, &crate::state::file::sensitive_paths(pv))
                        } else {
                            x.mark()
                        };
                        m.insert(k.clone(), marked);
                    }
                }
            }
            v
        }
        (v, _) => v,
    }
}
