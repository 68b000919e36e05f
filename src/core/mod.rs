//! The core walk: evaluates a configuration in dependency order.
//!
//! Given a loaded configuration and its variable values, it builds the
//! object graph, expands `count` and `for_each`, evaluates every local,
//! resource instance and output, and returns the values with the instance
//! graph. It reads no files itself and asks a [`ResourceValues`] for what a
//! resource instance's value is, so that planning can supply known values
//! from state while validation leaves them unknown. Errors are collected and
//! the walk goes on; a failed object's value is unknown for its dependents.

pub mod body;
pub mod expand;

use crate::addrs::{Instance, InstanceKey, Object, Resource};
use crate::config::{schema, validate, Config};
use crate::diag::{Diagnostic, Diagnostics};
use crate::graph::{self, InstanceGraph, ObjectGraph};
use crate::lang::functions::FuncContext;
use crate::lang::value::Map;
use crate::lang::{Evaluator, Reference, Scope, Value};
use expand::Repetition;
use indexmap::IndexMap;
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

/// Decides the value other objects see for a resource instance, given what
/// its configuration evaluates to.
pub trait ResourceValues {
    fn instance_value(&mut self, instance: &Instance, config_value: Value) -> Value;
}

/// Before plan: a resource is its configuration, with the computed
/// attributes it leaves out unknown.
pub struct ConfigOnly;

impl ResourceValues for ConfigOnly {
    fn instance_value(&mut self, instance: &Instance, config_value: Value) -> Value {
        match schema::lookup(instance.resource.mode, &instance.resource.type_name) {
            Some(s) => body::unknown_computed(&s.block, config_value),
            None => config_value,
        }
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
    pub variables: IndexMap<String, Value>,
    pub locals: IndexMap<String, Value>,
    pub instances: IndexMap<Instance, InstanceEval>,
    pub outputs: IndexMap<String, Value>,
    pub objects: ObjectGraph,
    pub graph: InstanceGraph,
}

/// Walks the configuration. Static schema checks run first; evaluation
/// happens only on an acyclic graph.
pub fn evaluate(
    config: &Config,
    variables: IndexMap<String, Value>,
    hook: &mut dyn ResourceValues,
) -> (Evaluated, Diagnostics) {
    let mut diags = Diagnostics::new();
    for r in config.resources.values() {
        validate::check_resource(r, &mut diags);
    }
    let (objects, graph_diags) = graph::build(config);
    let cyclic = graph_diags.iter().any(|d| d.summary == "Dependency cycle");
    diags.extend(graph_diags);
    let mut walk = Walk {
        config,
        values: HashMap::default(),
        ctx: FuncContext {
            base_dir: config.dir.clone(),
            ..FuncContext::default()
        },
        out: Evaluated {
            variables: variables.clone(),
            ..Evaluated::default()
        },
        expansions: HashMap::default(),
        diags: &mut diags,
    };
    for (name, v) in variables {
        walk.values.insert(Object::Variable(name), v);
    }
    if !cyclic {
        for object in objects.dependency_order() {
            walk.visit(&object, hook);
        }
    }
    let expansions = std::mem::take(&mut walk.expansions);
    let mut out = walk.out;
    out.graph = InstanceGraph::expand(&objects, &expansions);
    out.objects = objects;
    diags.sort();
    (out, diags)
}

/// The value of each object as references see it.
pub type Values = HashMap<Object, Value>;

struct Walk<'c, 'd> {
    config: &'c Config,
    values: Values,
    ctx: FuncContext,
    out: Evaluated,
    expansions: HashMap<Resource, Vec<Instance>>,
    diags: &'d mut Diagnostics,
}

/// What `count.index` and `each.*` are while evaluating one instance.
#[derive(Default)]
struct Repeat<'r> {
    count_index: Option<u64>,
    each: Option<(&'r str, &'r Value)>,
}

struct WalkScope<'w> {
    values: &'w Values,
    repeat: Repeat<'w>,
}

impl Scope for WalkScope<'_> {
    fn lookup(&self, r: &Reference) -> Result<Cow<'_, Value>, String> {
        let object = match r {
            Reference::Var(n) => Object::Variable(n.clone()),
            Reference::Local(n) => Object::Local(n.clone()),
            Reference::Resource(a) => Object::Resource(a.clone()),
            Reference::CountIndex => {
                return self
                    .repeat
                    .count_index
                    .map(|i| Cow::Owned(Value::int(i as i64)))
                    .ok_or_else(|| "count.index can be used only where count is set".to_string())
            }
            Reference::EachKey => {
                return self
                    .repeat
                    .each
                    .map(|(k, _)| Cow::Owned(Value::string(k)))
                    .ok_or_else(|| "each.key can be used only where for_each is set".to_string())
            }
            Reference::EachValue => {
                return self
                    .repeat
                    .each
                    .map(|(_, v)| Cow::Borrowed(v))
                    .ok_or_else(|| "each.value can be used only where for_each is set".to_string())
            }
            Reference::Path(p) if p == "cwd" => {
                return Ok(Cow::Owned(Value::string(
                    std::env::current_dir().unwrap_or_default().display().to_string(),
                )))
            }
            Reference::Path(_) => return Ok(Cow::Owned(Value::string("."))),
            Reference::TerraformWorkspace => return Ok(Cow::Owned(Value::string("default"))),
        };
        // Declared objects whose evaluation failed read as unknown, so one
        // error does not cascade into its dependents.
        Ok(self
            .values
            .get(&object)
            .map_or(Cow::Owned(Value::unknown()), Cow::Borrowed))
    }
}

/// Evaluates one object at a time, given the values of what it depends on.
/// The plan walk and the apply walk both use it.
pub struct ObjectEval<'c> {
    pub config: &'c Config,
    ctx: FuncContext,
}

impl<'c> ObjectEval<'c> {
    pub fn new(config: &'c Config) -> ObjectEval<'c> {
        ObjectEval {
            config,
            ctx: FuncContext {
                base_dir: config.dir.clone(),
                ..FuncContext::default()
            },
        }
    }

    fn expr(&self, values: &Values, expr: &crate::config::Expr, diags: &mut Diagnostics) -> Value {
        let scope = WalkScope {
            values,
            repeat: Repeat::default(),
        };
        match Evaluator::new(&scope, &self.ctx).eval(&expr.expr) {
            Ok(v) => v,
            Err(e) => {
                push_eval_error(diags, expr, e);
                Value::unknown()
            }
        }
    }

    pub fn local(&self, values: &Values, name: &str, diags: &mut Diagnostics) -> Value {
        self.expr(values, &self.config.locals[name].expr, diags)
    }

    pub fn output(&self, values: &Values, name: &str, diags: &mut Diagnostics) -> Value {
        let output = &self.config.outputs[name];
        let v = self.expr(values, &output.value, diags);
        if v.has_sensitive() && !output.sensitive {
            diags.push(
                Diagnostic::error("Output refers to sensitive values")
                    .with_detail(format!("output {name:?} would show a sensitive value"))
                    .with_span(output.value.span())
                    .with_help("add sensitive = true to the output block"),
            );
        }
        v.mark_if(output.sensitive)
    }

    /// The instances of a resource block, or `None` after reporting why not.
    pub fn repetitions(
        &self,
        values: &Values,
        res: &crate::config::Resource,
        diags: &mut Diagnostics,
    ) -> Option<Vec<Repetition>> {
        let (expr, is_count) = match (&res.count, &res.for_each) {
            (Some(c), _) => (c, true),
            (None, Some(f)) => (f, false),
            (None, None) => {
                return Some(vec![Repetition {
                    key: InstanceKey::None,
                    each_value: None,
                }])
            }
        };
        let scope = WalkScope {
            values,
            repeat: Repeat::default(),
        };
        let value = match Evaluator::new(&scope, &self.ctx).eval(&expr.expr) {
            Ok(v) => v,
            Err(e) => {
                push_eval_error(diags, expr, e);
                return None;
            }
        };
        let result = if is_count {
            expand::from_count(&value, expr)
        } else {
            expand::from_for_each(&value, expr)
        };
        result.map_err(|d| diags.push(d)).ok()
    }

    /// The object one instance's body describes.
    pub fn instance(
        &self,
        values: &Values,
        res: &crate::config::Resource,
        schema: &crate::config::schema::Schema,
        rep: &Repetition,
        diags: &mut Diagnostics,
    ) -> Value {
        let each_key = match &rep.key {
            InstanceKey::Str(k) => Some(k.as_str()),
            _ => None,
        };
        let scope = WalkScope {
            values,
            repeat: Repeat {
                count_index: match rep.key {
                    InstanceKey::Int(i) => Some(i),
                    _ => None,
                },
                each: each_key.zip(rep.each_value.as_ref()),
            },
        };
        let mut ev = Evaluator::new(&scope, &self.ctx);
        let mut be = body::BodyEval {
            ev: &mut ev,
            file: res.file,
            diags,
        };
        be.object(&res.body, &schema.block, "")
    }
}

/// The value a whole resource block has for references: one object, a list
/// (count) or a map (for_each) of its instances' values.
pub fn resource_value(res: &crate::config::Resource, mut instances: Vec<(InstanceKey, Value)>) -> Value {
    match (&res.count, &res.for_each) {
        (Some(_), _) => Value::Tuple(instances.into_iter().map(|(_, v)| v).collect()),
        (None, Some(_)) => Value::Object(
            instances
                .into_iter()
                .filter_map(|(k, v)| match k {
                    InstanceKey::Str(s) => Some((s, v)),
                    _ => None,
                })
                .collect::<Map>(),
        ),
        (None, None) => instances.pop().map(|(_, v)| v).unwrap_or(Value::unknown()),
    }
}

impl Walk<'_, '_> {
    fn visit(&mut self, object: &Object, hook: &mut dyn ResourceValues) {
        let eval = ObjectEval {
            config: self.config,
            ctx: self.ctx.clone(),
        };
        match object {
            Object::Variable(_) => {}
            Object::Local(name) => {
                let v = eval.local(&self.values, name, self.diags);
                self.out.locals.insert(name.clone(), v.clone());
                self.values.insert(object.clone(), v);
            }
            Object::Output(name) => {
                let v = eval.output(&self.values, name, self.diags);
                self.out.outputs.insert(name.clone(), v);
            }
            Object::Resource(addr) => self.visit_resource(&eval, addr, hook),
        }
    }

    fn visit_resource(&mut self, eval: &ObjectEval, addr: &Resource, hook: &mut dyn ResourceValues) {
        let res = &self.config.resources[addr];
        let object = Object::Resource(addr.clone());
        let Some(schema) = schema::lookup(addr.mode, &addr.type_name) else {
            self.values.insert(object, Value::unknown());
            return;
        };
        let Some(reps) = eval.repetitions(&self.values, res, self.diags) else {
            self.values.insert(object, Value::unknown());
            return;
        };
        let mut instances = Vec::with_capacity(reps.len());
        let mut collected: Vec<(InstanceKey, Value)> = Vec::with_capacity(reps.len());
        for rep in reps {
            let instance = addr.instance(rep.key.clone());
            let config_value = eval.instance(&self.values, res, schema, &rep, self.diags);
            let value = hook.instance_value(&instance, config_value);
            collected.push((rep.key.clone(), value));
            self.out.instances.insert(
                instance.clone(),
                InstanceEval {
                    addr: instance.clone(),
                    each_value: rep.each_value,
                },
            );
            instances.push(instance);
        }
        self.values.insert(object, resource_value(res, collected));
        self.expansions.insert(addr.clone(), instances);
    }
}

fn push_eval_error(diags: &mut Diagnostics, expr: &crate::config::Expr, e: crate::lang::EvalError) {
    let mut d = Diagnostic::error(e.kind.summary())
        .with_detail(e.message)
        .with_span(expr.span_of(e.span));
    if let Some(h) = e.help {
        d = d.with_help(h);
    }
    diags.push(d);
}
