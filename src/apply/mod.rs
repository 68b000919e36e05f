//! The apply executor: carries out a plan in dependency order.
//!
//! One graph, built once from the plan, the configuration's object graph
//! and state's recorded dependencies, orders every step of an apply:
//! creates, updates, reads, replacements and destroys (see `graph`). The
//! configuration's objects are evaluated when what they depend on is done,
//! so values known only after apply flow into their dependents. A
//! replacement deletes before it creates unless the resource says
//! create_before_destroy. With create_before_destroy the old object is
//! deposed (journaled before the create starts), the new one created, then
//! the deposed one deleted: a failed or never-run delete leaves it in state,
//! deposed, for the next plan to destroy; a failed create that left nothing
//! makes it current again. Deposed objects the plan destroys are delete
//! nodes of their own.
//!
//! Independent steps run concurrently, with at most `parallelism` cloud
//! operations at once, the ready step on the longest path of expected work
//! first (see `schedule` and `durations`); the walk itself is `walk`. A
//! failed step stops only what depends on it. Each finished resource is
//! written to the state journal, and the whole state is returned at the end.
//! After an interrupt no new step starts; running ones finish and are
//! recorded. After a second one (`Options::abandon`), the run stops waiting
//! for them: a create whose id is known is recorded tainted (see `flight`).
//! Each operation's start and end goes to `Options::progress` as it
//! happens (see `progress`). Rendering the result is the command line's.

mod delete;
pub mod durations;
mod flight;
pub mod graph;
mod operation;
mod outcome;
pub mod progress;
mod record;
mod reread;
pub mod schedule;
mod walk;

pub use outcome::{ApplyResult, Outcome};

use crate::addrs::{Instance, Item, Mode, ModuleInstance, Object};
use crate::config::Config;
use crate::core::{EvalMode, ObjectEval, Values};
use crate::diag::Diagnostic;
use crate::graph::ObjectGraph;
use crate::plan::{Action, Plan, ResourceChange};
use crate::provider::registry::Providers;
use crate::state::backend::JournalSink;
use crate::state::file::encode_resource;
use crate::state::{OutputState, State};
use graph::Node;
use operation::{Failure, OpResult};
use rustc_hash::FxHashMap as HashMap;
use std::sync::atomic::AtomicBool;

// What the executor's tests take from here.
#[cfg(test)]
use {
    crate::addrs::InstanceKey,
    crate::diag::Diagnostics,
    crate::lang::Value,
    crate::provider::protocol::{ApplyRequest, PlanRequest},
    crate::state::deposed::{DeposedKey, ObjectAddr},
    crate::state::ResourceState,
    std::sync::atomic::Ordering,
    std::time::SystemTime,
};

pub struct Options<'a> {
    pub parallelism: usize,
    pub cancel: &'a AtomicBool,
    /// What `timestamp()` gives during this apply (the caller reads the clock).
    pub now: std::time::SystemTime,
    /// Told of each operation as it starts and ends.
    pub progress: &'a dyn progress::Progress,
    /// Notified to stop waiting for the operations in flight.
    pub abandon: Option<&'a tokio::sync::Notify>,
}

/// Applies `plan` to `state`, journaling each result. `objects` is the
/// object graph of the configuration the plan was made from.
pub async fn apply(
    config: &Config,
    objects: &ObjectGraph,
    plan: &Plan,
    provider: &Providers,
    state: State,
    journal: &mut dyn JournalSink,
    opts: Options<'_>,
) -> ApplyResult {
    // Changes to current objects; those to deposed ones are their own nodes.
    let changes: HashMap<&Instance, &ResourceChange> = plan
        .changes
        .iter()
        .filter(|c| c.deposed.is_none())
        .map(|c| (&c.addr, c))
        .collect();
    let graph = match graph::build(objects, plan, &state) {
        Ok(g) => g,
        Err(cycle) => return refused(plan, state, &cycle),
    };
    let priority = schedule::priorities(&graph, &schedule::weights(&graph, plan));
    let mut values = Values::default();
    for (k, v) in &plan.variables {
        values.set(ModuleInstance::root(), Item::Variable(k.clone()), v.clone());
    }
    let eval = ObjectEval::new(
        config,
        EvalMode::Plan(crate::core::Times {
            plan: plan.timestamp,
            apply: Some(opts.now),
        }),
    );
    let now = opts.now;
    let mut walk = walk::Walk::new(config, plan, &graph, &changes, eval, priority, state, values, now);
    walk.run(provider, journal, &opts).await;
    let walk::Walk {
        eval,
        mut state,
        values,
        mut result,
        failed,
        ..
    } = walk;

    // What later changes of this apply did to the objects they depend on.
    if !plan.destroy {
        let parents = reread::parents_of_later_changes(&result, &changes);
        let mut pending = Vec::new();
        reread::reread(provider, parents, &mut state, &mut pending, now).await;
        if let Err(e) = journal.append(&pending) {
            result
                .diags
                .push(Diagnostic::error("Cannot write the state journal").with_detail(e.to_string()));
        }
    }

    // check blocks, against what Azure now holds: false ones are warnings.
    if !plan.destroy {
        for (path, m) in &config.modules {
            for mi in values.instances_of(path) {
                eval.checks(&values, &mi, &m.checks, &mut result.diags);
            }
        }
    }

    // The root module's outputs, with every value now known.
    let root = config.root();
    for (name, output) in &root.outputs {
        let node = graph.object(&Object::root(Item::Output(name.clone())));
        if plan.destroy {
            state.outputs.remove(name);
        } else if node.is_none_or(|id| failed[id].is_none()) {
            let item = Item::Output(name.clone());
            if let Some(v) = values
                .get(&ModuleInstance::root(), &item)
                .filter(|v| v.is_wholly_known())
            {
                state.outputs.insert(
                    name.clone(),
                    OutputState {
                        value: v.clone(),
                        sensitive: output.sensitive,
                    },
                );
            }
        }
    }
    state.outputs.retain(|k, _| root.outputs.contains_key(k));
    if plan.destroy {
        state.resources.retain(|a, _| a.resource.mode == Mode::Managed);
    }
    result.state = state;
    result
}

/// The plan cannot be carried out in any order: nothing is attempted.
fn refused(plan: &Plan, state: State, cycle: &graph::Cycle) -> ApplyResult {
    let mut result = ApplyResult {
        state,
        ..Default::default()
    };
    result.diags.push(
        Diagnostic::error("Cycle in the apply graph")
            .with_detail(format!("{cycle}. Nothing was changed."))
            .with_help(
                "a create_before_destroy resource that depends on one replaced without it forms such a cycle: \
                 give both create_before_destroy, or apply the changes in two steps",
            ),
    );
    for c in plan.changes.iter().filter(|c| c.action != Action::NoOp) {
        result.outcomes.insert(
            c.object(),
            Outcome::Skipped("not attempted: the apply graph has a cycle".into()),
        );
    }
    result
}

#[cfg(test)]
mod tests;
