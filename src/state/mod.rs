//! State: what aksplan created, as it was last seen.
//!
//! [`State`] is the in-memory form; [`file`] is the versioned on-disk format
//! with explicit encode and decode; [`store`] writes it atomically, keeps a
//! backup and a journal so that an apply never loses track of a resource;
//! [`lock`] keeps two runs from writing at once.

pub mod file;
pub mod lock;
pub mod store;

use crate::addrs::Instance;
use crate::lang::Value;
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
    pub resources: BTreeMap<Instance, ResourceState>,
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
            outputs: BTreeMap::new(),
            cloud: None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.resources.is_empty() && self.outputs.is_empty()
    }
}
