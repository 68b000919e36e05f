//! What the executor tells as it goes: an operation started, completed,
//! failed, or was abandoned, as each happens. It owns the events and the
//! sink they are given to; it must not render them (the command line does,
//! as text or as Terraform's JSON UI) nor keep time beyond an operation's
//! elapsed wall time. Events carry addresses and ids only, never attribute
//! values: an id is shown only when it is a known string not marked
//! sensitive.

use crate::lang::Value;
use crate::state::deposed::ObjectAddr;
use std::time::Duration;

/// What one operation does, as progress names it (a replacement's create
/// and delete are two operations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Create,
    Update,
    Delete,
    Read,
}

/// An object's identifier for display: Terraform's `id`, or `name` when
/// the type has no `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownId {
    pub key: &'static str,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// An operation was sent to the provider; `id` is the prior object's.
    Started {
        addr: ObjectAddr,
        verb: Verb,
        id: Option<ShownId>,
    },
    /// It succeeded; `id` is the new object's (none after a delete).
    Completed {
        addr: ObjectAddr,
        verb: Verb,
        id: Option<ShownId>,
        elapsed: Duration,
    },
    /// It failed; the error itself is in the apply's diagnostics.
    Failed {
        addr: ObjectAddr,
        verb: Verb,
        elapsed: Duration,
    },
    /// The run stopped waiting for it (a second interrupt); `id` is the
    /// object it may have left, recorded in state as tainted.
    Abandoned {
        addr: ObjectAddr,
        verb: Verb,
        id: Option<ShownId>,
        elapsed: Duration,
    },
}

/// Where events go. Called from the walk, in order, as each happens: an
/// implementation must return quickly (print a line, send on a channel).
pub trait Progress: Sync {
    fn event(&self, event: Event);
}

/// Tells nobody.
pub struct Silent;

impl Progress for Silent {
    fn event(&self, _: Event) {}
}

/// The identifier Terraform shows for an object: `id` when it is a known
/// string not marked sensitive, else `name` on the same terms.
/// `id_only` gives `id` alone, as a completion shows it.
pub fn shown_id(value: Option<&Value>, id_only: bool) -> Option<ShownId> {
    let value = value?;
    let keys: &[&'static str] = if id_only { &["id"] } else { &["id", "name"] };
    keys.iter().find_map(|&key| match value.get(key) {
        // A sensitive value is wrapped, so never matches here.
        Some(Value::String(s)) if !s.is_empty() => Some(ShownId { key, value: s.clone() }),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::value::Map;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<Map>())
    }

    #[test]
    fn the_id_is_shown_when_known_and_not_sensitive() {
        let v = obj(&[
            ("id", Value::string("/subscriptions/s/resourceGroups/rg")),
            ("name", Value::string("rg")),
        ]);
        assert_eq!(
            shown_id(Some(&v), false).unwrap().value,
            "/subscriptions/s/resourceGroups/rg"
        );
        let secret = obj(&[("id", Value::string("x").mark())]);
        assert_eq!(shown_id(Some(&secret), false), None);
        let unknown = obj(&[("id", Value::unknown()), ("name", Value::string("rg"))]);
        assert_eq!(shown_id(Some(&unknown), true), None);
        assert_eq!(shown_id(Some(&unknown), false).unwrap().key, "name");
        assert_eq!(shown_id(None, false), None);
    }

    #[test]
    fn the_name_stands_in_for_a_missing_id_when_starting_only() {
        let v = obj(&[("name", Value::string("rg"))]);
        let shown = shown_id(Some(&v), false).unwrap();
        assert_eq!((shown.key, shown.value.as_str()), ("name", "rg"));
        assert_eq!(shown_id(Some(&v), true), None);
        let secret_name = obj(&[("name", Value::string("rg").mark())]);
        assert_eq!(shown_id(Some(&secret_name), false), None);
    }
}
