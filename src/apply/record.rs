//! Recording what an apply's operations did: a resource node's results in
//! the values later nodes are evaluated with, in state and in the journal
//! batch, and its postconditions checked against them. Deletes are recorded
//! by `delete`. It must not call the cloud.

use super::operation::{Failure, Kept, OpResult};
use super::{ApplyResult, Node, Outcome};
use crate::addrs::{Instance, InstanceKey, Object};
use crate::config::Config;
use crate::core::{resource_value, ObjectEval, Values};
use crate::diag::Diagnostics;
use crate::lang::Value;
use crate::plan::{Action, ResourceChange};
use crate::state::deposed::DeposedKey;
use crate::state::file::encode_resource;
use crate::state::store::JournalEntry;
use crate::state::{ResourceState, State};
use rustc_hash::FxHashMap as HashMap;

/// Checks the postconditions of the instances just applied against their
/// new values. A false one is an error and stops what depends on the
/// resource; the object stays in state, as it is in Azure.
pub(super) fn postconditions(
    eval: &ObjectEval,
    values: &Values,
    object: &Object,
    applied: &[(Instance, Value)],
    diags: &mut Diagnostics,
) -> bool {
    let Some(res) = object.config_resource().and_then(|r| eval.config.resource(&r)) else {
        return true;
    };
    if res.lifecycle.postconditions.is_empty() {
        return true;
    }
    let mut held = true;
    for (inst, value) in applied {
        let reps = eval.repetitions(values, &inst.module, res, &mut Diagnostics::new());
        let Some(rep) = reps.unwrap_or_default().into_iter().find(|r| r.key == inst.key) else {
            continue;
        };
        held &= eval.postconditions(values, &inst.module, res, &rep, inst, value, diags);
    }
    held
}

/// Records one resource node's results in values, state and the journal
/// batch. Returns whether everything succeeded.
#[allow(clippy::too_many_arguments)]
pub(super) fn record(
    node: &Node,
    results: Vec<OpResult>,
    changes: &HashMap<&Instance, &ResourceChange>,
    state: &mut State,
    values: &mut Values,
    kept: Option<Kept>,
    deposing: &mut HashMap<Instance, DeposedKey>,
    journal: &mut Vec<JournalEntry>,
    config: &Config,
    result: &mut ApplyResult,
) -> bool {
    let mut ok = true;
    let (modules, mut collected) = kept.map_or_else(|| (Vec::new(), Vec::new()), |k| (k.modules, k.values));
    for (inst, action, res) in results {
        match res {
            Ok(v) => {
                let dependencies = changes.get(&inst).map(|c| c.dependencies.clone()).unwrap_or_default();
                let rs = ResourceState {
                    type_name: inst.resource.type_name.clone(),
                    value: v.clone(),
                    dependencies,
                    tainted: false,
                };
                journal.push(JournalEntry::Set(Box::new(encode_resource(&inst, &rs))));
                state.resources.insert(inst.clone(), rs);
                collected.push((inst.clone(), v));
                let imported = changes.get(&inst).is_some_and(|c| c.importing.is_some());
                let outcome = match action {
                    Action::NoOp if imported => Outcome::Imported,
                    Action::Create => Outcome::Created,
                    Action::Update => Outcome::Updated,
                    Action::Read => Outcome::Read,
                    a if a.is_replace() => Outcome::Replaced,
                    _ => continue,
                };
                result.finish(inst, outcome);
            }
            Err(Failure { diags, left }) => {
                if let Some(res) = config.resource_of(&inst).filter(|r| r.check.is_some()) {
                    // A check's own data source: its failure is a warning.
                    for mut diag in diags {
                        diag.summary = format!("{inst}: {}", diag.summary);
                        diag.span = diag.span.or_else(|| Some(res.span_for(&diag)));
                        result.diags.push(crate::plan::engine::scoped(res, diag));
                    }
                    collected.push((inst.clone(), Value::unknown()));
                    continue;
                }
                ok = false;
                let left_something = left.is_some();
                if let Some(v) = left {
                    let dependencies = changes.get(&inst).map(|c| c.dependencies.clone()).unwrap_or_default();
                    let rs = ResourceState {
                        type_name: inst.resource.type_name.clone(),
                        value: v,
                        dependencies,
                        tainted: true,
                    };
                    journal.push(JournalEntry::Set(Box::new(encode_resource(&inst, &rs))));
                    state.resources.insert(inst.clone(), rs);
                }
                // A create_before_destroy replacement whose create left
                // nothing: the old object is current again, as if nothing
                // had been tried. When the create left a (tainted) object,
                // the old one stays deposed, as Terraform keeps it.
                if action == Action::CreateThenDelete && !left_something {
                    if let Some(key) = deposing.remove(&inst) {
                        if state.restore_deposed(&inst, &key) {
                            journal.push(JournalEntry::Restore {
                                address: inst.to_string(),
                                deposed: key,
                            });
                        }
                    }
                }
                for mut diag in diags {
                    diag.summary = format!("{inst}: {}", diag.summary);
                    if let Some(res) = config.resource_of(&inst) {
                        diag.span = diag.span.or_else(|| Some(res.span_for(&diag)));
                    }
                    result.diags.push(diag);
                }
                collected.push((inst.clone(), Value::unknown()));
                result.finish(inst, Outcome::Failed);
            }
        }
    }
    if let Node::Object(o) = node {
        if let Some(res) = o.config_resource().and_then(|r| config.resource(&r)) {
            collected.sort_by(|a, b| a.0.cmp(&b.0));
            for mi in modules {
                let mine: Vec<(InstanceKey, Value)> = collected
                    .iter()
                    .filter(|(i, _)| i.module == mi)
                    .map(|(i, v)| (i.key.clone(), v.clone()))
                    .collect();
                values.set(mi, o.item.clone(), resource_value(res, mine));
            }
        }
    }
    ok
}
