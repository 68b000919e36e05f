//! Refresh: reads every resource in state from the cloud, concurrently,
//! and says what changed outside aksplan. It is the planning stage's only
//! I/O besides data sources, done first. As each read is sent and
//! answered it tells a [`RefreshProgress`], which the caller gives (the
//! command line shows it); it renders nothing itself.

use super::Drift;
use crate::addrs::{Instance, Mode};
use crate::diag::Diagnostics;
use crate::lang::Value;
use crate::provider::protocol::{Provider, ProviderConfig, ReadRequest, ReadResponse, ReadStep};
use crate::provider::registry::Providers;
use crate::provider::shape::settle;
use crate::schema::Schema;
use crate::state::deposed::DeposedKey;
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

/// One read of what a plan reads, as it tells it: a managed resource's
/// refresh, or a data source read while planning. Addresses and the
/// identifier shown for the object, never an attribute value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshEvent<'a> {
    /// A managed resource's read was sent (or the list that answers it);
    /// `id` is the recorded object's. `deposed`: the key of the deposed
    /// object read (a create_before_destroy's old object not yet deleted).
    Reading {
        addr: &'a Instance,
        deposed: Option<&'a DeposedKey>,
        id: Option<ShownId<'a>>,
    },
    /// Its read was answered; `id` is the object read, `None` when it is
    /// gone. A read that failed is not answered: its error is a diagnostic.
    Read {
        addr: &'a Instance,
        deposed: Option<&'a DeposedKey>,
        id: Option<ShownId<'a>>,
    },
    /// A data source's read was sent, while planning.
    DataReading { addr: &'a Instance },
    /// It was answered; one that failed is not (its error is a diagnostic).
    DataRead {
        addr: &'a Instance,
        id: Option<ShownId<'a>>,
    },
}

/// The identifier shown for an object, as Terraform picks it: `id` when
/// the object has one, else `name`; only a known string, never one marked
/// sensitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShownId<'a> {
    pub key: &'static str,
    pub value: &'a str,
}

/// Where refresh tells its reads, as each happens, from the reads' tasks:
/// an implementation must return quickly (print a line).
pub trait RefreshProgress: Sync {
    fn refresh(&self, event: RefreshEvent<'_>);
}

/// Tells nobody.
pub struct Quiet;

impl RefreshProgress for Quiet {
    fn refresh(&self, _: RefreshEvent<'_>) {}
}

/// The identifier of `value` to show, if any: its `id`, or its `name` when
/// it has no `id`, when that is a known, non-empty string that neither
/// `value` nor `prior` marks sensitive (what the cloud answers carries no
/// marks; those state recorded stay on it).
pub fn shown_id<'v>(value: &'v Value, prior: &Value) -> Option<ShownId<'v>> {
    let key = ["id", "name"].into_iter().find(|k| value.get(k).is_some())?;
    let marked = prior.get(key).is_some_and(Value::has_sensitive);
    match value.get(key) {
        // A sensitive value is wrapped, so never matches here.
        Some(Value::String(s)) if !s.is_empty() && !marked => Some(ShownId { key, value: s }),
        _ => None,
    }
}

/// A state entry a provider reads: its address, schema and recorded value.
type Entry<'a> = (&'a Instance, &'a Schema, &'a Value);

/// Reads every resource in state from the cloud, `parallelism` at a time,
/// telling `progress` of each read.
pub async fn refresh(
    providers: &Providers,
    mut state: State,
    parallelism: usize,
    now: std::time::SystemTime,
    progress: &dyn RefreshProgress,
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
        let seen = |i: usize, step: ReadStep<'_>| {
            let Some(&(addr, _, prior)) = list.get(i) else { return };
            progress.refresh(match step {
                ReadStep::Sent => RefreshEvent::Reading {
                    addr,
                    deposed: None,
                    id: shown_id(prior, prior),
                },
                ReadStep::Answered(r) if r.diags.has_errors() => return,
                ReadStep::Answered(r) => RefreshEvent::Read {
                    addr,
                    deposed: None,
                    id: r.value.as_ref().and_then(|v| shown_id(v, prior)),
                },
            });
        };
        let answers = provider.read_many_seen(reqs, parallelism.max(1), &seen).await;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    #[test]
    fn the_id_shown_is_terraform_s_pick_and_never_a_secret() {
        let v = obj(&[("id", Value::string("/x/rg")), ("name", Value::string("rg"))]);
        assert_eq!(
            shown_id(&v, &v),
            Some(ShownId {
                key: "id",
                value: "/x/rg"
            })
        );
        // With an `id`, a null one shows nothing rather than the name.
        let null_id = obj(&[("id", Value::null()), ("name", Value::string("rg"))]);
        assert_eq!(shown_id(&null_id, &null_id), None);
        let named = obj(&[("name", Value::string("rg"))]);
        assert_eq!(shown_id(&named, &named).map(|i| i.key), Some("name"));
        // What the cloud answers is unmarked: the recorded mark still hides it.
        let secret = obj(&[("id", Value::string("s3cr3t").mark())]);
        let read = obj(&[("id", Value::string("s3cr3t"))]);
        assert_eq!(shown_id(&read, &secret), None);
        assert_eq!(shown_id(&secret, &secret), None);
        assert_eq!(shown_id(&obj(&[("id", Value::unknown())]), &read), None);
    }
}
