//! After an apply: the objects it changed that later changes of the same
//! apply depend on are read again, so that state records what those later
//! changes did to them (a network lists the subnets made after it, a route
//! table the subnets associated with it, a zone the records a zone group
//! wrote). Without it the next refresh reports aksplan's own work as drift.

use super::{ApplyResult, Outcome};
use crate::addrs::Instance;
use crate::plan::ResourceChange;
use crate::provider::protocol::{ProviderConfig, ReadRequest};
use crate::provider::registry::Providers;
use crate::provider::shape::settle;
use crate::state::store::JournalEntry;
use crate::state::State;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;
use std::time::SystemTime;

/// The changed objects that another changed object depends on.
pub(super) fn parents_of_later_changes(
    result: &ApplyResult,
    changes: &HashMap<&Instance, &ResourceChange>,
) -> Vec<Instance> {
    let changed: Vec<&Instance> = result
        .outcomes
        .iter()
        .filter(|(o, out)| {
            o.deposed.is_none() && matches!(out, Outcome::Created | Outcome::Updated | Outcome::Replaced)
        })
        .map(|(o, _)| &o.instance)
        .collect();
    let depended: BTreeSet<String> = changed
        .iter()
        .filter_map(|i| changes.get(*i))
        .flat_map(|c| c.dependencies.iter().cloned())
        .collect();
    changed
        .into_iter()
        .filter(|i| depended.contains(&i.to_string()) || depended.contains(&i.config_resource().to_string()))
        .cloned()
        .collect()
}

/// Reads those objects again and records what Azure now holds.
pub(super) async fn reread(
    providers: &Providers,
    instances: Vec<Instance>,
    state: &mut State,
    journal: &mut Vec<JournalEntry>,
    now: SystemTime,
) {
    let unconfigured = ProviderConfig::default();
    for inst in instances {
        let Some(current) = state.resources.get(&inst) else {
            continue;
        };
        let Some((provider, schema)) = providers.resolve(inst.resource.mode, &current.type_name) else {
            continue;
        };
        let read = provider
            .read(ReadRequest {
                schema,
                provider: &unconfigured,
                prior: &current.value,
                now,
            })
            .await;
        // A read that fails or finds nothing changes nothing here: the next
        // refresh says so.
        let Some(value) = read.value.filter(|_| !read.diags.has_errors()) else {
            continue;
        };
        // State's sensitivity marks stay on what the cloud now holds.
        let value = crate::plan::refresh::keep_marks(&current.value, settle(&schema.block, value));
        if let Some(r) = state.resources.get_mut(&inst) {
            if !value.same_as(&r.value) {
                r.value = value;
                journal.push(JournalEntry::Set(Box::new(super::encode_resource(&inst, r))));
            }
        }
    }
}
