//! The operations in flight: what each one sent to the provider is, for
//! the progress events of its start and end, and for what the run records
//! when it stops waiting for it (a second interrupt). It owns that
//! bookkeeping only: it must not call the provider nor write state.

use super::operation::{Failure, OpResult};
use super::progress::{shown_id, Event, Progress, ShownId, Verb};
use crate::diag::Diagnostics;
use crate::lang::Value;
use crate::plan::Action;
use crate::state::deposed::ObjectAddr;
use std::collections::BTreeMap;
use std::time::Instant;

/// One operation sent to the provider.
pub(super) struct Flight {
    pub node: usize,
    pub addr: ObjectAddr,
    pub action: Action,
    verb: Option<Verb>,
    /// What a create leaves in the cloud if abandoned: the planned object,
    /// when its id is known before the call (ARM builds it from the
    /// planned names, and the PUT goes to it).
    left: Option<Value>,
    started: Instant,
}

impl Flight {
    /// An operation about to start. `prior` is the object it changes or
    /// deletes; `planned` what a create or update sends.
    pub fn new(
        node: usize,
        addr: ObjectAddr,
        action: Action,
        read: bool,
        prior: Option<&Value>,
        planned: Option<&Value>,
    ) -> Flight {
        let verb = match action {
            _ if read => Some(Verb::Read),
            Action::Delete => Some(Verb::Delete),
            Action::Forget | Action::NoOp => None,
            _ if prior.is_none() => Some(Verb::Create),
            _ => Some(Verb::Update),
        };
        let left = match (verb, planned) {
            (Some(Verb::Create), Some(p)) if shown_id(Some(p), true).is_some() => Some(known_or_null(p.clone())),
            _ => None,
        };
        Flight {
            node,
            addr,
            action,
            verb,
            left,
            started: Instant::now(),
        }
    }

    pub fn started(&self, prior: Option<&Value>) -> Option<Event> {
        Some(Event::Started {
            addr: self.addr.clone(),
            verb: self.verb?,
            id: shown_id(prior, false),
        })
    }

    /// The event for its result.
    pub fn finished(&self, result: &Result<Value, Failure>) -> Option<Event> {
        let verb = self.verb?;
        let elapsed = self.started.elapsed();
        Some(match result {
            Ok(v) => Event::Completed {
                addr: self.addr.clone(),
                verb,
                id: if verb == Verb::Delete {
                    None
                } else {
                    shown_id(Some(v), true)
                },
                elapsed,
            },
            Err(_) => Event::Failed {
                addr: self.addr.clone(),
                verb,
                elapsed,
            },
        })
    }

    /// The run stops waiting: the result recorded for it (a create that may
    /// have begun leaves its planned object, to be tainted), told to `progress`.
    pub fn abandon(self, progress: &dyn Progress) -> OpResult {
        if let Some(verb) = self.verb {
            progress.event(Event::Abandoned {
                addr: self.addr.clone(),
                verb,
                id: self.left_id(),
                elapsed: self.started.elapsed(),
            });
        }
        let failure = Failure {
            diags: Diagnostics::new(),
            left: self.left,
        };
        (self.addr.instance, self.action, Err(failure))
    }

    pub fn left_id(&self) -> Option<ShownId> {
        shown_id(self.left.as_ref(), true)
    }
}

/// The operations in flight, by the number each was started with.
#[derive(Default)]
pub(super) struct Flights {
    next: u64,
    running: BTreeMap<u64, Flight>,
}

impl Flights {
    /// Records a start, telling `progress`; returns its number.
    pub fn start(&mut self, flight: Flight, prior: Option<&Value>, progress: &dyn Progress) -> u64 {
        if let Some(e) = flight.started(prior) {
            progress.event(e);
        }
        let n = self.next;
        self.next += 1;
        self.running.insert(n, flight);
        n
    }

    /// Records an end, telling `progress`.
    pub fn end(&mut self, n: u64, result: &Result<Value, Failure>, progress: &dyn Progress) {
        if let Some(e) = self.running.remove(&n).and_then(|f| f.finished(result)) {
            progress.event(e);
        }
    }

    /// Every operation still in flight, in the order they started.
    pub fn take_all(&mut self) -> Vec<Flight> {
        std::mem::take(&mut self.running).into_values().collect()
    }
}

/// A planned object as state can hold it: what is known after apply is null.
fn known_or_null(v: Value) -> Value {
    match v {
        Value::Unknown(t) => Value::Null(t),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, known_or_null(v))).collect()),
        Value::Map(t, m) => Value::Map(t, m.into_iter().map(|(k, v)| (k, known_or_null(v))).collect()),
        Value::List(t, items) => Value::List(t, items.into_iter().map(known_or_null).collect()),
        Value::Set(t, items) => Value::Set(t, items.into_iter().map(known_or_null).collect()),
        Value::Tuple(items) => Value::Tuple(items.into_iter().map(known_or_null).collect()),
        Value::Sensitive(inner) => Value::Sensitive(Box::new(known_or_null(*inner))),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::Instance;
    use crate::lang::value::Map;

    fn inst() -> Instance {
        "azurerm_resource_group.rg".parse().unwrap()
    }

    #[test]
    fn an_abandoned_create_leaves_its_planned_object_with_unknowns_null() {
        let planned = Value::Object(Map::from([
            ("id".to_string(), Value::string("/subscriptions/s/resourceGroups/rg")),
            ("tags".to_string(), Value::unknown()),
        ]));
        let f = Flight::new(0, inst().into(), Action::Create, false, None, Some(&planned));
        assert_eq!(f.left_id().unwrap().value, "/subscriptions/s/resourceGroups/rg");
        let (_, action, r) = f.abandon(&super::super::progress::Silent);
        assert_eq!(action, Action::Create);
        let left = r.err().unwrap().left.unwrap();
        assert!(left.get("tags").unwrap().is_null());
    }

    #[test]
    fn an_abandoned_create_whose_id_is_unknown_leaves_nothing() {
        let planned = Value::Object(Map::from([("id".to_string(), Value::unknown())]));
        let f = Flight::new(0, inst().into(), Action::Create, false, None, Some(&planned));
        assert!(f
            .abandon(&super::super::progress::Silent)
            .2
            .err()
            .unwrap()
            .left
            .is_none());
        // An update's object is already in state: nothing new is left.
        let prior = Value::Object(Map::from([("id".to_string(), Value::string("/x"))]));
        let f = Flight::new(0, inst().into(), Action::Update, false, Some(&prior), Some(&prior));
        assert!(f
            .abandon(&super::super::progress::Silent)
            .2
            .err()
            .unwrap()
            .left
            .is_none());
    }
}
