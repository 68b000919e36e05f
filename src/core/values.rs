//! What the walk knows so far: the value of each object in each module
//! instance, and the instances of each module call.
//!
//! A module call's value, as `module.NAME` references see it, is kept up to
//! date as the outputs of its instances are evaluated: an object of outputs,
//! a tuple of them for `count`, an object of them by key for `for_each`.

use super::expand::Repetition;
use crate::addrs::{InstanceKey, Item, ModuleInstance, ModulePath};
use crate::config::{Module, Resource};
use crate::lang::value::Map;
use crate::lang::Value;
use rustc_hash::FxHashMap as HashMap;

/// How many instances a module call has in one instance of its caller.
#[derive(Debug, Clone, PartialEq)]
pub enum Instances {
    Known(Vec<Repetition>),
    /// Not known yet (only while validating): the module is checked once,
    /// as an instance of unknown key.
    Unknown,
}

#[derive(Debug, Default)]
pub struct Values {
    modules: HashMap<ModuleInstance, HashMap<Item, Value>>,
    /// The instances of each module call, by the instance of its caller.
    calls: HashMap<(ModuleInstance, String), Instances>,
}

impl Values {
    /// The value of an item in a module instance, if evaluated.
    pub fn get(&self, module: &ModuleInstance, item: &Item) -> Option<&Value> {
        self.modules.get(module)?.get(item)
    }

    pub fn set(&mut self, module: ModuleInstance, item: Item, value: Value) {
        self.modules.entry(module).or_default().insert(item, value);
    }

    /// The root module's values of one kind: its variables' or outputs'.
    pub fn root_named(&self, kind: fn(&Item) -> Option<&String>) -> Vec<(String, Value)> {
        let mut out: Vec<(String, Value)> = self
            .modules
            .get(&ModuleInstance::root())
            .into_iter()
            .flatten()
            .filter_map(|(item, v)| kind(item).map(|n| (n.clone(), v.clone())))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// Records the instances of the call `name` in `caller`, and sets the
    /// call's value to what it will be once its outputs are known: every
    /// output unknown.
    pub fn set_call(
        &mut self,
        caller: ModuleInstance,
        name: &str,
        module: &Module,
        call_kind: CallKind,
        instances: Instances,
    ) {
        let outputs = || Value::Object(module.outputs.keys().map(|o| (o.clone(), Value::unknown())).collect());
        let value = match (&instances, call_kind) {
            (Instances::Unknown, _) => Value::unknown(),
            (Instances::Known(reps), CallKind::Count) => Value::Tuple(reps.iter().map(|_| outputs()).collect()),
            (Instances::Known(reps), CallKind::ForEach) => Value::Object(
                reps.iter()
                    .filter_map(|r| match &r.key {
                        InstanceKey::Str(k) => Some((k.clone(), outputs())),
                        _ => None,
                    })
                    .collect(),
            ),
            (Instances::Known(_), CallKind::Single) => outputs(),
        };
        self.set(caller.clone(), Item::ModuleCall(name.to_string()), value);
        self.calls.insert((caller, name.to_string()), instances);
    }

    /// Sets output `name` of module instance `module`, in the value its
    /// call has for its caller too.
    pub fn set_output(&mut self, module: &ModuleInstance, name: &str, value: Value) {
        if let (Some(caller), Some(step)) = (module.parent(), module.last()) {
            let call = Item::ModuleCall(step.name.clone());
            let slot = self
                .modules
                .get_mut(&caller)
                .and_then(|m| m.get_mut(&call))
                .and_then(|v| match (&step.key, v) {
                    (InstanceKey::None, v @ Value::Object(_)) => Some(v),
                    (InstanceKey::Int(i), Value::Tuple(items)) => items.get_mut(*i as usize),
                    (InstanceKey::Str(k), Value::Object(m)) => m.get_mut(k),
                    _ => None,
                });
            if let Some(Value::Object(outputs)) = slot {
                outputs.insert(name.to_string(), value.clone());
            }
        }
        self.set(module.clone(), Item::Output(name.to_string()), value);
    }

    /// The repetition that made `module` (its `count.index` or `each.*`),
    /// `None` for the root or an unknown instance.
    pub fn repetition(&self, module: &ModuleInstance) -> Option<&Repetition> {
        let caller = module.parent()?;
        let step = module.last()?;
        match self.calls.get(&(caller, step.name.clone()))? {
            Instances::Known(reps) => reps.iter().find(|r| r.key == step.key),
            Instances::Unknown => None,
        }
    }

    /// Whether `module` stands for instances not known yet.
    pub fn is_unknown_instance(&self, module: &ModuleInstance) -> bool {
        let mut m = module.clone();
        while let (Some(caller), Some(step)) = (m.parent(), m.last().cloned()) {
            if matches!(self.calls.get(&(caller.clone(), step.name)), Some(Instances::Unknown)) {
                return true;
            }
            m = caller;
        }
        false
    }

    /// Every instance of the module at `path`, in order; the root has one.
    /// A module whose call has not been expanded has none.
    pub fn instances_of(&self, path: &ModulePath) -> Vec<ModuleInstance> {
        let Some((parent, name)) = path.parent() else {
            return vec![ModuleInstance::root()];
        };
        let mut out = Vec::new();
        for caller in self.instances_of(&parent) {
            match self.calls.get(&(caller.clone(), name.to_string())) {
                Some(Instances::Known(reps)) => {
                    out.extend(reps.iter().map(|r| caller.child(name, r.key.clone())));
                }
                Some(Instances::Unknown) => out.push(caller.child(name, InstanceKey::None)),
                None => {}
            }
        }
        out
    }
}

/// How a module call or resource is repeated, which decides the shape of its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    Single,
    Count,
    ForEach,
}

impl CallKind {
    pub fn of(count: bool, for_each: bool) -> CallKind {
        match (count, for_each) {
            (true, _) => CallKind::Count,
            (_, true) => CallKind::ForEach,
            _ => CallKind::Single,
        }
    }
}

/// The value a whole resource block has for references: one object, a
/// tuple (count) or an object by key (for_each) of its instances' values.
pub fn resource_value(res: &Resource, mut instances: Vec<(InstanceKey, Value)>) -> Value {
    match CallKind::of(res.count.is_some(), res.for_each.is_some()) {
        CallKind::Count => Value::Tuple(instances.into_iter().map(|(_, v)| v).collect()),
        CallKind::ForEach => Value::Object(
            instances
                .into_iter()
                .filter_map(|(k, v)| match k {
                    InstanceKey::Str(s) => Some((s, v)),
                    _ => None,
                })
                .collect::<Map>(),
        ),
        CallKind::Single => instances.pop().map(|(_, v)| v).unwrap_or_else(Value::unknown),
    }
}
