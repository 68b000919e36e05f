//! Refresh: reads every resource in state from the cloud, concurrently,
//! and says what changed outside aksplan. It is the planning stage's only
//! I/O besides data sources, done first.

use super::Drift;
use crate::addrs::{Instance, Mode};
use crate::diag::Diagnostics;
use crate::lang::Value;
use crate::provider::protocol::{Provider, ProviderConfig, ReadRequest, ReadResponse};
use crate::provider::registry::Providers;
use crate::provider::shape::settle;
use crate::schema::Schema;
use crate::state::State;

/// Gives every value in a state loaded from JSON its schema's types back.
pub fn conform_state(mut state: State, providers: &Providers) -> State {
    for (addr, r) in state.resources.iter_mut() {
        if let Some((_, s)) = providers.resolve(addr.resource.mode, &r.type_name) {
            r.value = crate::provider::shape::conform(&s.block, std::mem::take(&mut r.value));
        }
    }
    state
}

/// `read` with the sensitivity marks `prior` has, at the same paths.
pub fn keep_marks(prior: &crate::lang::Value, read: crate::lang::Value) -> crate::lang::Value {
    use crate::state::file::{mark_paths, sensitive_paths};
    mark_paths(read, &sensitive_paths(prior))
}

/// What a refresh found.
#[derive(Debug, Default)]
pub struct Refreshed {
    pub state: State,
    /// What changed outside aksplan.
    pub drift: Vec<Drift>,
    /// Objects that exist but failed in the cloud, and why they are replaced.
    pub failed: std::collections::HashMap<Instance, String>,
    /// Objects `moved` blocks moved: their old address by their new one.
    pub moved: std::collections::HashMap<Instance, Instance>,
    pub diags: Diagnostics,
}

/// A state entry a provider reads: its address, schema and recorded value.
type Entry<'a> = (&'a Instance, &'a Schema, &'a Value);

/// Reads every resource in state from the cloud, `parallelism` at a time.
pub async fn refresh(
    providers: &Providers,
    mut state: State,
    parallelism: usize,
    now: std::time::SystemTime,
) -> Refreshed {
    let unconfigured = ProviderConfig::default();
    // Each provider reads its own resources in one call, so that it can
    // read them in bulk where its cloud allows (a list of a collection).
    // Providers are asked one after another: each call keeps within
    // `parallelism`, and all but the cloud's answer at once.
    let mut by_provider: Vec<(&dyn Provider, Vec<Entry>)> = Vec::new();
    let mut reads = Vec::new();
    for (addr, r) in state.resources.iter().filter(|(a, _)| a.resource.mode == Mode::Managed) {
        let Some((provider, schema)) = providers.resolve(Mode::Managed, &r.type_name) else {
            reads.push((addr.clone(), Some(r.value.clone()), Diagnostics::new(), None));
            continue;
        };
        match by_provider.iter_mut().find(|(p, _)| p.name() == provider.name()) {
            Some((_, list)) => list.push((addr, schema, &r.value)),
            None => by_provider.push((provider, vec![(addr, schema, &r.value)])),
        }
    }
    for (provider, list) in by_provider {
        let reqs = list
            .iter()
            .map(|(_, schema, prior)| ReadRequest {
                schema,
                provider: &unconfigured,
                prior,
                now,
            })
            .collect();
        let answers = provider.read_many(reqs, parallelism.max(1)).await;
        let mut answers = answers.into_iter();
        for (addr, schema, prior) in list {
            // A provider that answers fewer reads than asked has a bug:
            // the entries left unanswered are not taken as gone.
            let resp = answers.next().unwrap_or_else(|| {
                ReadResponse::error(
                    crate::diag::Diagnostic::error("The provider did not answer this read").with_detail(format!(
                        "{} answered fewer reads than it was asked; this is a bug in aksplan",
                        provider.name()
                    )),
                )
            });
            // What the cloud answers carries no marks of its own beyond the
            // schema's: the marks state recorded (a sensitive variable in a
            // tag, say) stay on it, as Terraform keeps them over a read.
            let value = resp.value.map(|v| keep_marks(prior, settle(&schema.block, v)));
            reads.push((addr.clone(), value, resp.diags, resp.failed));
        }
    }
    let mut drift = Vec::new();
    let mut diags = Diagnostics::new();
    let mut failed = std::collections::HashMap::new();
    for (addr, value, d, why) in reads {
        if let Some(why) = why {
            failed.insert(addr.clone(), why);
        }
        let read_failed = d.has_errors();
        for mut diag in d {
            diag.summary = format!("{addr}: {}", diag.summary);
            diags.push(diag);
        }
        if read_failed {
            continue;
        }
        match value {
            None => {
                if let Some(before) = state.resources.remove(&addr) {
                    drift.push(Drift {
                        addr,
                        type_name: before.type_name,
                        before: before.value,
                        after: None,
                    });
                }
            }
            Some(v) => {
                if let Some(r) = state.resources.get_mut(&addr) {
                    if !v.same_as(&r.value) {
                        let before = std::mem::replace(&mut r.value, v.clone());
                        drift.push(Drift {
                            addr: addr.clone(),
                            type_name: r.type_name.clone(),
                            before,
                            after: Some(v),
                        });
                    } else {
                        r.value = v;
                    }
                }
            }
        }
    }
    drift.sort_by(|a, b| a.addr.cmp(&b.addr));
    Refreshed {
        state,
        drift,
        failed,
        diags,
        moved: Default::default(),
    }
}
