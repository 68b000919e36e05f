//! The core walk: evaluates a configuration in dependency order.
//!
//! Given a loaded configuration and its root variables' values, it builds
//! the object graph, expands module calls and resources (`count`,
//! `for_each`), evaluates every variable, local, resource instance and
//! output in every module instance, and returns the values with the
//! instance graph. It reads no files itself and asks a [`ResourceValues`]
//! for what a resource instance's value is, so that planning can supply
//! known values from state while validation leaves them unknown. Errors are
//! collected and the walk goes on; a failed object's value is unknown for
//! its dependents.

pub mod allowed;
pub mod body;
pub mod console;
pub mod ephemeral;
pub mod expand;
pub mod objects;
pub mod scope;
pub mod values;

use crate::addrs::{Instance, Item, ModuleInstance, Object};
use crate::config::{validate, Config};
use crate::diag::Diagnostics;
use crate::graph::{self, Expansion, InstanceGraph, ObjectGraph};
use crate::lang::Value;
use crate::provider::protocol::ProviderConfig;
use crate::schema::Schema;
use indexmap::IndexMap;
pub use objects::{push_eval_error, EvalMode, ObjectEval, Times};
pub use values::{resource_value, Values};

/// Decides the value other objects see for a resource instance, given what
/// its configuration evaluates to.
pub trait ResourceValues {
    fn instance_value(
        &mut self,
        instance: &Instance,
        schema: &Schema,
        provider: &ProviderConfig,
        config_value: Value,
    ) -> Value;

    /// Whether conditions are checked: not while planning a destroy, which
    /// a false condition must not block.
    fn checks_conditions(&self) -> bool {
        true
    }
}

/// Before plan: a resource is its configuration, with the computed
/// attributes it leaves out unknown.
pub struct ConfigOnly;

impl ResourceValues for ConfigOnly {
    fn instance_value(&mut self, _: &Instance, schema: &Schema, _: &ProviderConfig, config_value: Value) -> Value {
        body::unknown_computed(&schema.block, config_value)
    }
}

/// One evaluated resource instance.
#[derive(Debug, Clone)]
pub struct InstanceEval {
    pub addr: Instance,
    /// `each.value`, for planners that need it.
    pub each_value: Option<Value>,
}

/// The result of the walk.
#[derive(Debug, Default)]
pub struct Evaluated {
    /// The root module's variables.
    pub variables: IndexMap<String, Value>,
    pub instances: IndexMap<Instance, InstanceEval>,
    /// The root module's outputs.
    pub outputs: IndexMap<String, Value>,
    pub objects: ObjectGraph,
    pub expansion: Expansion,
    pub graph: InstanceGraph,
    /// Every object's value in every module instance, as the walk left them.
    pub values: Values,
}

/// Walks the configuration. Static checks run first; evaluation happens
/// only on an acyclic graph.
pub fn evaluate(
    config: &Config,
    inferred: &[graph::Inferred],
    variables: IndexMap<String, Value>,
    hook: &mut dyn ResourceValues,
    mode: EvalMode,
) -> (Evaluated, Diagnostics) {
    let mut diags = validate::check_config(config);
    diags.extend(ephemeral::check(config));
    let (objects, graph_diags) = graph::build(config, inferred);
    let cyclic = graph_diags.iter().any(|d| d.summary == "Dependency cycle");
    diags.extend(graph_diags);
    let eval = ObjectEval::new(config, mode);
    let mut values = Values::default();
    for (name, v) in &variables {
        values.set(ModuleInstance::root(), Item::Variable(name.clone()), v.clone());
    }
    let mut out = Evaluated {
        variables,
        ..Evaluated::default()
    };
    if !cyclic {
        for object in objects.dependency_order() {
            match &object.item {
                Item::Resource(_) => visit_resource(&eval, &mut values, &object, hook, &mut out, &mut diags),
                _ => eval.visit_item(&mut values, &object, &mut diags),
            }
        }
    }
    for (path, m) in &config.modules {
        out.expansion.modules.insert(path.clone(), values.instances_of(path));
        if !cyclic && !m.checks.is_empty() {
            for mi in values.instances_of(path) {
                eval.checks(&values, &mi, &m.checks, &mut diags);
            }
        }
    }
    out.outputs = values
        .root_named(|i| match i {
            Item::Output(n) => Some(n),
            _ => None,
        })
        .into_iter()
        .collect();
    out.graph = InstanceGraph::expand(&objects, &out.expansion);
    out.objects = objects;
    out.values = values;
    diags.sort();
    (out, diags)
}

/// Evaluates every instance of a resource block in every instance of its
/// module, asking the hook for each instance's value.
fn visit_resource(
    eval: &ObjectEval,
    values: &mut Values,
    object: &Object,
    hook: &mut dyn ResourceValues,
    out: &mut Evaluated,
    diags: &mut Diagnostics,
) {
    let (Some(m), Some(cr)) = (eval.module(object), object.config_resource()) else {
        return;
    };
    let Some(res) = m.resources.get(&cr.resource) else {
        return;
    };
    let schema = eval.config.schema(cr.resource.mode, &cr.resource.type_name);
    let mut all = Vec::new();
    for mi in values.instances_of(&object.module) {
        let Some(schema) = schema else {
            // No provider knows the type: its instances are counted, for
            // the planner to name, and their values are unknown.
            for rep in eval.repetitions(values, &mi, res, diags).unwrap_or_default() {
                let addr = Instance {
                    module: mi.clone(),
                    resource: cr.resource.clone(),
                    key: rep.key.clone(),
                };
                out.instances
                    .insert(addr.clone(), InstanceEval { addr, each_value: None });
            }
            values.set(mi, object.item.clone(), Value::unknown());
            continue;
        };
        let Some(reps) = eval.repetitions(values, &mi, res, diags) else {
            values.set(mi, object.item.clone(), Value::unknown());
            continue;
        };
        let unknown = values.is_unknown_instance(&mi) || reps.iter().any(|r| r.unknown);
        let provider = eval.provider_config(values, &mi, &object.module, res);
        let mut collected = Vec::with_capacity(reps.len());
        for rep in reps {
            let instance = Instance {
                module: mi.clone(),
                resource: cr.resource.clone(),
                key: rep.key.clone(),
            };
            let checked = hook.checks_conditions();
            if checked {
                eval.preconditions(values, &mi, res, &rep, &instance, diags);
            }
            let config_value = eval.instance(values, &mi, res, schema, &rep, diags);
            let value = hook.instance_value(&instance, schema, &provider, config_value);
            if checked && matches!(eval.mode, EvalMode::Plan(_)) {
                eval.postconditions(values, &mi, res, &rep, &instance, &value, diags);
            }
            collected.push((rep.key.clone(), value));
            out.instances.insert(
                instance.clone(),
                InstanceEval {
                    addr: instance.clone(),
                    each_value: rep.each_value,
                },
            );
            all.push(instance);
        }
        let value = if unknown {
            Value::unknown()
        } else {
            resource_value(res, collected)
        };
        values.set(mi, object.item.clone(), value);
    }
    out.expansion.resources.insert(cr, all);
}
