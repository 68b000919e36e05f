//! What an apply did: each object's outcome, in the order they finished,
//! with the state it leaves and its diagnostics. It must not decide
//! anything: the executor fills it in and the command line renders it.

use crate::diag::Diagnostics;
use crate::state::deposed::ObjectAddr;
use crate::state::State;
use std::collections::BTreeMap;

/// What happened to one instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Created,
    /// Brought under management by an `import` block, unchanged.
    Imported,
    Updated,
    Replaced,
    Deleted,
    Read,
    Failed,
    /// In flight when the run stopped waiting (a second interrupt): its
    /// result is not known. A create whose id was known is in state, tainted.
    Abandoned,
    /// Not attempted: something it depends on failed, or the run was interrupted.
    Skipped(String),
}

#[derive(Debug, Default)]
pub struct ApplyResult {
    pub state: State,
    /// By object: an instance's current object, or a deposed one.
    pub outcomes: BTreeMap<ObjectAddr, Outcome>,
    /// Objects in the order their operation finished.
    pub order: Vec<ObjectAddr>,
    pub diags: Diagnostics,
    pub interrupted: bool,
    /// The operations the run stopped waiting for, in the order they started.
    pub abandoned: Vec<ObjectAddr>,
}

impl ApplyResult {
    /// Records an object's outcome; a replacement's create overrides its
    /// delete, and the object is listed once.
    pub(super) fn finish(&mut self, object: impl Into<ObjectAddr>, outcome: Outcome) {
        let object = object.into();
        if self.outcomes.insert(object.clone(), outcome).is_none() {
            self.order.push(object);
        }
    }

    pub fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.outcomes.values().filter(|o| f(o)).count()
    }
}
