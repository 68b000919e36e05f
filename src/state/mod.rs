//! State: what aksplan created, as it was last seen.
//!
//! [`State`] is the in-memory form; [`file`] is the versioned on-disk format
//! with explicit encode and decode; [`store`] writes it atomically, keeps a
//! backup and a journal so that an apply never loses track of a resource;
//! [`lock`] keeps two runs from writing at once. An instance has at most one
//! current object (in `resources`) and any number of [`deposed`] ones: old
//! objects of a create_before_destroy replacement not yet deleted.

pub mod deposed;
pub mod file;
pub mod lock;
pub mod store;
pub mod terraform;

use crate::addrs::Instance;
use crate::lang::Value;
use deposed::DeposedKey;
use std::collections::BTreeMap;

/// One managed or data resource instance in state.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceState {
    pub type_name: String,
    /// Attribute values as last read (never unknown).
    pub value: Value,
    /// Addresses of what it depended on when last applied, to order its destroy.
    pub dependencies: Vec<String>,
    /// Its creation failed part way: it exists in the cloud, but not as
    /// configured, so the next plan replaces it.
    pub tainted: bool,
}

impl ResourceState {
    pub fn id(&self) -> Option<&str> {
        self.value.get("id").and_then(Value::as_str)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutputState {
    pub value: Value,
    pub sensitive: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct State {
    /// Incremented on every write.
    pub serial: u64,
    /// Identifies one state's history: a plan made against another lineage is refused.
    pub lineage: String,
    /// Each instance's current object.
    pub resources: BTreeMap<Instance, ResourceState>,
    /// Deposed objects, by their instance and key: the old objects of
    /// create_before_destroy replacements whose delete has not succeeded.
    pub deposed: BTreeMap<(Instance, DeposedKey), ResourceState>,
    pub outputs: BTreeMap<String, OutputState>,
    /// The cloud and default subscription its objects live in, as the
    /// last apply recorded it (`Cloud::identity`).
    pub cloud: Option<String>,
}

impl State {
    /// An empty state. Its lineage is given when it is first written, so
    /// that two runs before any write agree on it.
    pub fn new() -> State {
        State {
            serial: 0,
            lineage: String::new(),
            resources: BTreeMap::new(),
            deposed: BTreeMap::new(),
            outputs: BTreeMap::new(),
            cloud: None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.resources.is_empty() && self.deposed.is_empty() && self.outputs.is_empty()
    }

    /// Whether it holds any resource object, current or deposed.
    pub fn has_objects(&self) -> bool {
        !self.resources.is_empty() || !self.deposed.is_empty()
    }

    /// Moves `inst`'s current object aside as a deposed object under a fresh
    /// key, which it returns; `None` when it has no current object.
    pub fn depose(&mut self, inst: &Instance) -> Option<DeposedKey> {
        self.resources.get(inst)?;
        let key = DeposedKey::fresh(|k| self.deposed.contains_key(&(inst.clone(), k.clone())));
        self.depose_as(inst, key.clone()).then_some(key)
    }

    /// Moves `inst`'s current object aside under `key`. Whether there was
    /// one (a key in use is never overwritten).
    pub fn depose_as(&mut self, inst: &Instance, key: DeposedKey) -> bool {
        let at = (inst.clone(), key);
        if self.deposed.contains_key(&at) {
            return false;
        }
        let Some(r) = self.resources.remove(inst) else {
            return false;
        };
        self.deposed.insert(at, r);
        true
    }

    /// Makes a deposed object current again, as Terraform does when the
    /// create that replaces it fails; only when the instance has no current
    /// object. Whether it did.
    pub fn restore_deposed(&mut self, inst: &Instance, key: &DeposedKey) -> bool {
        if self.resources.contains_key(inst) {
            return false;
        }
        let Some(r) = self.deposed.remove(&(inst.clone(), key.clone())) else {
            return false;
        };
        self.resources.insert(inst.clone(), r);
        true
    }

    /// The deposed objects of one instance, by key.
    pub fn deposed_of<'s>(&'s self, inst: &'s Instance) -> impl Iterator<Item = (&'s DeposedKey, &'s ResourceState)> {
        self.deposed
            .iter()
            .filter(move |((i, _), _)| i == inst)
            .map(|((_, k), r)| (k, r))
    }

    /// Takes an instance out of state with its deposed objects (what
    /// `state rm` and `state mv` move, as Terraform moves whole instances).
    pub fn take_instance(&mut self, inst: &Instance) -> (Option<ResourceState>, Vec<(DeposedKey, ResourceState)>) {
        let keys: Vec<DeposedKey> = self.deposed_of(inst).map(|(k, _)| k.clone()).collect();
        let deposed = keys
            .into_iter()
            .filter_map(|k| self.deposed.remove(&(inst.clone(), k.clone())).map(|r| (k, r)))
            .collect();
        (self.resources.remove(inst), deposed)
    }

    /// Puts back what [`State::take_instance`] took, at `inst`.
    pub fn put_instance(&mut self, inst: &Instance, taken: (Option<ResourceState>, Vec<(DeposedKey, ResourceState)>)) {
        let (current, deposed) = taken;
        if let Some(r) = current {
            self.resources.insert(inst.clone(), r);
        }
        for (k, r) in deposed {
            self.deposed.insert((inst.clone(), k), r);
        }
    }

    /// Whether state holds anything for `inst`: a current or a deposed object.
    pub fn has_instance(&self, inst: &Instance) -> bool {
        self.resources.contains_key(inst) || self.deposed_of(inst).next().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::{InstanceKey, Resource};

    fn rs(id: &str) -> ResourceState {
        ResourceState {
            type_name: "azurerm_resource_group".into(),
            value: Value::Object([("id".to_string(), Value::string(id))].into()),
            dependencies: vec![],
            tainted: false,
        }
    }

    #[test]
    fn deposing_moves_the_current_object_aside_and_restoring_brings_it_back() {
        let a = Resource::managed("azurerm_resource_group", "a").instance(InstanceKey::None);
        let mut s = State::new();
        assert_eq!(s.depose(&a), None);
        s.resources.insert(a.clone(), rs("/old"));
        let k = s.depose(&a).unwrap();
        assert!(!s.resources.contains_key(&a));
        assert_eq!(s.deposed_of(&a).collect::<Vec<_>>(), vec![(&k, &rs("/old"))]);
        assert!(s.has_instance(&a));
        // Not while a new current object is there.
        s.resources.insert(a.clone(), rs("/new"));
        assert!(!s.restore_deposed(&a, &k));
        s.resources.remove(&a);
        assert!(s.restore_deposed(&a, &k));
        assert_eq!(s.resources[&a], rs("/old"));
        assert!(s.deposed.is_empty());
        // A key in use is never overwritten.
        s.depose_as(&a, k.clone());
        s.resources.insert(a.clone(), rs("/new"));
        assert!(!s.depose_as(&a, k.clone()));
        assert_eq!(s.resources[&a], rs("/new"));
    }

    #[test]
    fn an_instance_is_taken_and_put_with_its_deposed_objects() {
        let a = Resource::managed("azurerm_resource_group", "a").instance(InstanceKey::None);
        let b = Resource::managed("azurerm_resource_group", "b").instance(InstanceKey::None);
        let mut s = State::new();
        s.resources.insert(a.clone(), rs("/old"));
        s.depose(&a);
        s.resources.insert(a.clone(), rs("/new"));
        let taken = s.take_instance(&a);
        assert!(s.is_empty());
        s.put_instance(&b, taken);
        assert_eq!(s.resources[&b], rs("/new"));
        assert_eq!(s.deposed_of(&b).count(), 1);
        assert!(!s.has_instance(&a));
    }
}
