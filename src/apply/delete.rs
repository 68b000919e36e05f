//! Destroying one object: the provider call, and what its result does to
//! state and the journal. The object is an instance's current object, a
//! deposed one the plan destroys, or the old object a create_before_destroy
//! replacement deposed; one whose delete fails stays in state (deposed
//! objects stay deposed) and is never lost track of. Choosing what to
//! destroy, and when, is the plan's and the executor's.

use super::{ApplyResult, Failure, Node, OpResult, Outcome};
use crate::addrs::{Instance, Mode};
use crate::config::Config;
use crate::diag::Diagnostics;
use crate::lang::Value;
use crate::plan::Action;
use crate::provider::protocol::{ApplyRequest, ProviderConfig};
use crate::provider::registry::Providers;
use crate::state::deposed::{DeposedKey, ObjectAddr};
use crate::state::store::JournalEntry;
use crate::state::State;
use rustc_hash::FxHashMap as HashMap;
use std::time::SystemTime;

/// Deletes one object, whose value is `prior`, with its type's provider
/// under the configuration `provider` (its `features`); a delete that
/// succeeds may come with warnings (a key vault kept, not purged).
pub(super) async fn run(
    providers: &Providers,
    inst: Instance,
    prior: Value,
    provider: ProviderConfig,
    now: SystemTime,
) -> (OpResult, Diagnostics) {
    let r = match providers.resolve(Mode::Managed, &inst.resource.type_name) {
        Some((p, schema)) => {
            p.apply(ApplyRequest {
                schema,
                provider: &provider,
                prior: Some(&prior),
                planned: None,
                now,
            })
            .await
        }
        None => Default::default(),
    };
    let (res, warnings) = if r.diags.has_errors() {
        (Err(r.diags.into()), Diagnostics::new())
    } else {
        let mut warnings = Diagnostics::new();
        for mut diag in r.diags {
            diag.summary = format!("{inst}: {}", diag.summary);
            warnings.push(diag);
        }
        (Ok(Value::null()), warnings)
    };
    ((inst, Action::Delete, res), warnings)
}

/// Records a delete node's result: the object leaves state, or, when the
/// delete failed, stays (a deposed object stays deposed, and the next plan
/// destroys it). Returns whether it succeeded.
pub(super) fn record(
    node: &Node,
    results: Vec<OpResult>,
    state: &mut State,
    deposing: &mut HashMap<Instance, DeposedKey>,
    journal: &mut Vec<JournalEntry>,
    config: &Config,
    result: &mut ApplyResult,
) -> bool {
    let mut ok = true;
    for (inst, _, res) in results {
        // Which object was deleted: the current one, a deposed one the plan
        // found, or the one a create_before_destroy replacement deposed (the
        // new object stays current, and the replacement is done).
        let (object, replacing) = match node {
            Node::DeleteDeposed(_, k) => (ObjectAddr::deposed(inst.clone(), k.clone()), false),
            _ => match deposing.get(&inst) {
                Some(k) => (ObjectAddr::deposed(inst.clone(), k.clone()), true),
                None => (ObjectAddr::current(inst.clone()), false),
            },
        };
        match res {
            Ok(_) => {
                match &object.deposed {
                    Some(k) => state.deposed.remove(&(inst.clone(), k.clone())),
                    None => state.resources.remove(&inst),
                };
                journal.push(JournalEntry::Remove {
                    address: inst.to_string(),
                    deposed: object.deposed.clone(),
                });
                if replacing {
                    deposing.remove(&inst);
                } else {
                    result.finish(object, Outcome::Deleted);
                }
            }
            Err(Failure { diags, .. }) => {
                ok = false;
                let kept = object.deposed.as_ref().map(|_| {
                    format!("{object} stays in state, deposed: the next plan destroys it (`aksplan show` shows it)")
                });
                for mut diag in diags {
                    diag.summary = format!("{object}: {}", diag.summary);
                    if let Some(kept) = &kept {
                        match &diag.help {
                            None => diag.help = Some(kept.clone()),
                            Some(_) => diag.detail = format!("{}\n{kept}", diag.detail).trim_start().to_string(),
                        }
                    }
                    if let Some(res) = config.resource_of(&inst) {
                        diag.span = diag.span.or_else(|| Some(res.span_for(&diag)));
                    }
                    result.diags.push(diag);
                }
                if replacing {
                    // The new object was created; only the old one's delete failed.
                    result
                        .outcomes
                        .insert(ObjectAddr::current(inst.clone()), Outcome::Created);
                }
                result.finish(object, Outcome::Failed);
            }
        }
    }
    ok
}
