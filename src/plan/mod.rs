//! Plans: what an apply will do, and why.
//!
//! This module owns the plan's in-memory types ([`Plan`], [`ResourceChange`],
//! [`Action`]), the diff engine that decides each instance's action
//! ([`engine`]), what is planned for deposed objects ([`deposed`]), the
//! saved plan file ([`file`]) and the text renderer ([`render`]). The engine is pure: it takes the configuration's values,
//! the refreshed state and a provider's planning function.

pub mod deposed;
pub mod engine;
pub mod file;
pub mod moves;
mod planner;
pub mod refresh;
pub mod render;
pub mod run;
pub mod scope;
pub mod unplannable;

use crate::addrs::Instance;
use crate::lang::Value;
use crate::state::deposed::DeposedKey;
use crate::state::State;
use indexmap::IndexMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    NoOp,
    Create,
    /// A data source read during apply, because its arguments are not known yet.
    Read,
    Update,
    DeleteThenCreate,
    CreateThenDelete,
    Delete,
    /// A `removed` block with `destroy = false`: the object leaves state and
    /// stays in the cloud.
    Forget,
}

impl Action {
    /// Terraform's names for the action, as its JSON plan writes them.
    pub fn terraform_names(self) -> &'static [&'static str] {
        match self {
            Action::NoOp => &["no-op"],
            Action::Create => &["create"],
            Action::Read => &["read"],
            Action::Update => &["update"],
            Action::DeleteThenCreate => &["delete", "create"],
            Action::CreateThenDelete => &["create", "delete"],
            Action::Delete => &["delete"],
            Action::Forget => &["forget"],
        }
    }

    pub fn is_replace(self) -> bool {
        matches!(self, Action::DeleteThenCreate | Action::CreateThenDelete)
    }

    pub fn creates(self) -> bool {
        matches!(self, Action::Create) || self.is_replace()
    }

    pub fn deletes(self) -> bool {
        matches!(self, Action::Delete) || self.is_replace()
    }
}

/// Why an action was chosen, beyond the attribute diff.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum Reason {
    /// The resource is in state but not in the configuration.
    NotInConfiguration,
    /// The module instance it is in is no longer in the configuration (the
    /// module call is gone, or its count index or for_each key).
    NoModule,
    /// The instance's count index is past the new count.
    CountIndex,
    /// The instance's for_each key is gone.
    EachKey,
    /// `--replace` asked for it.
    ReplaceRequested,
    /// An attribute that cannot change in place changed.
    CannotUpdate,
    /// The resource was deleted outside aksplan.
    DeletedOutside,
    /// `--destroy` or `aksplan destroy`.
    Destroy,
    /// Its creation failed part way (state says tainted).
    Tainted,
    /// The resource it lives under (this address) is destroyed and created
    /// again, and Azure deletes it with it.
    ParentReplaced(String),
    /// A rule (with its code) decided the action.
    Rule(String),
    /// A `replace_triggered_by` reference (as written) changes.
    ReplaceTriggered(String),
    /// A data source is read during apply because what it refers to or
    /// depends on has changes pending (its arguments may all be known).
    DependencyPending,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResourceChange {
    pub addr: Instance,
    pub type_name: String,
    pub action: Action,
    pub reasons: Vec<Reason>,
    /// The refreshed prior value; `None` for a create.
    ///
    /// A no-op holds neither value: both are its value in `Plan::prior_state`
    /// (kept once, so that plans of large states stay small).
    pub before: Option<Value>,
    /// The planned value (`None` for a delete); may hold unknowns.
    pub after: Option<Value>,
    /// Attribute paths that force the replacement.
    pub replace_paths: Vec<String>,
    /// What it depends on, recorded in state for destroy ordering.
    pub dependencies: Vec<String>,
    pub create_before_destroy: bool,
    /// The Azure id it is imported from (an `import` block).
    pub importing: Option<String>,
    /// The address it had in state, when a `moved` block moved it.
    pub moved_from: Option<Instance>,
    /// Set when the change is to one of the instance's deposed objects (a
    /// destroy), not to its current object.
    pub deposed: Option<DeposedKey>,
}

impl ResourceChange {
    /// The destroy of the object `r` recorded at `addr`, for `reasons`.
    pub fn delete(addr: &Instance, r: &crate::state::ResourceState, reasons: Vec<Reason>) -> ResourceChange {
        ResourceChange {
            addr: addr.clone(),
            type_name: r.type_name.clone(),
            action: Action::Delete,
            reasons,
            before: Some(r.value.clone()),
            after: None,
            replace_paths: Vec::new(),
            dependencies: r.dependencies.clone(),
            importing: None,
            moved_from: None,
            deposed: None,
            create_before_destroy: false,
        }
    }

    /// Which object the change is to: the instance's current object, or,
    /// for the destroy of a deposed one, that one.
    pub fn object(&self) -> crate::state::deposed::ObjectAddr {
        crate::state::deposed::ObjectAddr {
            instance: self.addr.clone(),
            deposed: self.deposed.clone(),
        }
    }
}

/// A resource changed or deleted outside aksplan, seen by refresh.
#[derive(Debug, Clone, PartialEq)]
pub struct Drift {
    pub addr: Instance,
    pub type_name: String,
    pub before: Value,
    /// `None`: deleted.
    pub after: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutputChange {
    pub name: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub sensitive: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The cloud it was made against, as shown to people.
    pub cloud: String,
    pub changes: Vec<ResourceChange>,
    pub drift: Vec<Drift>,
    pub outputs: Vec<OutputChange>,
    /// The refreshed state the plan starts from.
    pub prior_state: State,
    /// The lineage and serial of the state file the plan was made against.
    pub state_lineage: String,
    pub state_serial: u64,
    pub variables: IndexMap<String, Value>,
    pub destroy: bool,
    /// When it was made: what `plantimestamp()` gave, and its JSON form's
    /// `timestamp`.
    pub timestamp: Option<std::time::SystemTime>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub add: usize,
    pub change: usize,
    pub destroy: usize,
}

impl Plan {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for ch in &self.changes {
            match ch.action {
                Action::Create => c.add += 1,
                Action::Update => c.change += 1,
                Action::Delete => c.destroy += 1,
                a if a.is_replace() => {
                    c.add += 1;
                    c.destroy += 1
                }
                _ => {}
            }
        }
        c
    }

    /// Whether applying would change anything (resources or outputs).
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| {
            !matches!(c.action, Action::NoOp | Action::Read) || c.importing.is_some() || c.moved_from.is_some()
        }) || self
            .outputs
            .iter()
            .any(|o| !outputs_equal(o.before.as_ref(), o.after.as_ref()))
    }
}

pub fn outputs_equal(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.same_as(b),
        (None, None) => true,
        _ => false,
    }
}
