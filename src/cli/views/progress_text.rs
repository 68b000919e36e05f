//! Apply progress as text, one line per event, in Terraform's words
//! (`Creating...`, `Still creating... [10s elapsed]`, `Creation complete
//! after 5m2s [id=...]`; learnt from its `internal/command/views/hook_ui.go`
//! of v1.11). A failure gets a line too (`Creation errored after 3s`, as
//! Terraform's JSON UI words it); its error stays in the final
//! diagnostics. Refresh's reads get Terraform's lines too. It formats; it
//! does not print nor keep time.

use crate::apply::progress::{Event, ShownId, Verb};
use crate::plan::refresh::{RefreshEvent, ShownId as RefreshId};
use crate::state::deposed::ObjectAddr;
use std::time::Duration;

/// Longest id shown by a "Still ..." line, as Terraform cuts it.
const MAX_ID: usize = 80;

/// Whole seconds, rounded, as Terraform rounds its clock readings.
pub fn seconds(d: Duration) -> u64 {
    (d.as_millis() as u64).saturating_add(500) / 1000
}

/// Go's spelling of a whole number of seconds: `0s`, `42s`, `5m2s`, `1h0m3s`.
pub fn go_duration(d: Duration) -> String {
    let s = seconds(d);
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

fn words(verb: Verb) -> (&'static str, &'static str, &'static str) {
    // (starting, still, noun)
    match verb {
        Verb::Create => ("Creating...", "Still creating...", "Creation"),
        Verb::Update => ("Modifying...", "Still modifying...", "Modifications"),
        Verb::Delete => ("Destroying...", "Still destroying...", "Destruction"),
        Verb::Read => ("Reading...", "Still reading...", "Read"),
    }
}

fn suffix(id: &Option<ShownId>) -> String {
    id.as_ref()
        .map_or_else(String::new, |i| format!(" [{}={}]", i.key, i.value))
}

/// The line for one event.
pub fn event(e: &Event) -> String {
    match e {
        Event::Started { addr, verb, id } => format!("{addr}: {}{}", words(*verb).0, suffix(id)),
        Event::Completed {
            addr,
            verb,
            id,
            elapsed,
        } => format!(
            "{addr}: {} complete after {}{}",
            words(*verb).2,
            go_duration(*elapsed),
            suffix(id)
        ),
        Event::Failed { addr, verb, elapsed } => {
            format!("{addr}: {} errored after {}", words(*verb).2, go_duration(*elapsed))
        }
        Event::Abandoned {
            addr,
            verb,
            id,
            elapsed,
        } => format!(
            "{addr}: {} abandoned after {}{}",
            words(*verb).2,
            go_duration(*elapsed),
            suffix(id)
        ),
    }
}

/// The line for a refresh event, as Terraform's text UI prints it: a
/// resource's `Refreshing state... [id=...]` when its read is sent (its
/// answer gets none), a data source's `Reading...` and `Read complete after
/// 0s [id=...]`.
pub fn refresh(e: &RefreshEvent<'_>, elapsed: Duration) -> Option<String> {
    let shown = |id: &Option<RefreshId>| id.map_or_else(String::new, |i| format!(" [{}={}]", i.key, i.value));
    match e {
        RefreshEvent::Reading { addr, deposed, id } => {
            let object = deposed.map_or_else(String::new, |k| format!(" (deposed object {k})"));
            Some(format!("{addr}{object}: Refreshing state...{}", shown(id)))
        }
        RefreshEvent::Read { .. } => None,
        RefreshEvent::DataReading { addr } => Some(format!("{addr}: Reading...")),
        RefreshEvent::DataRead { addr, id } => Some(format!(
            "{addr}: Read complete after {}{}",
            go_duration(elapsed),
            shown(id)
        )),
    }
}

/// The line for an operation still running after `elapsed`; `id` is the
/// one its start showed.
pub fn still(addr: &ObjectAddr, verb: Verb, id: &Option<ShownId>, elapsed: Duration) -> String {
    let id = id
        .as_ref()
        .map_or_else(String::new, |i| format!("{}={}, ", i.key, truncate(&i.value, MAX_ID)));
    format!("{addr}: {} [{id}{} elapsed]", words(verb).1, go_duration(elapsed))
}

/// An id cut in the middle to at most `max` characters, as Terraform cuts it.
fn truncate(id: &str, max: usize) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= max {
        return id.to_string();
    }
    let half = max / 2;
    let left: String = chars[..half - 1].iter().collect();
    let mut right_start = chars.len() - half - 1;
    let overlap = max as isize - (half as isize * 2 + 3);
    if overlap < 0 {
        right_start = (right_start as isize - overlap) as usize;
    }
    let right: String = chars[right_start..].iter().collect();
    format!("{left}...{right}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_spelt_as_go_spells_them() {
        let s = |n| go_duration(Duration::from_secs(n));
        assert_eq!(s(0), "0s");
        assert_eq!(s(10), "10s");
        assert_eq!(s(302), "5m2s");
        assert_eq!(s(3603), "1h0m3s");
        assert_eq!(go_duration(Duration::from_millis(10_499)), "10s");
        assert_eq!(go_duration(Duration::from_millis(10_500)), "11s");
    }

    #[test]
    fn long_ids_are_cut_in_the_middle() {
        let id: String = "a".repeat(50) + &"b".repeat(50);
        let t = truncate(&id, MAX_ID);
        assert!(t.chars().count() <= MAX_ID + 1, "{t}");
        assert!(t.starts_with("aaa") && t.ends_with("bbb") && t.contains("..."), "{t}");
        assert_eq!(truncate("short", MAX_ID), "short");
    }

    #[test]
    fn refresh_lines_are_terraforms_and_an_answer_gets_none() {
        let addr: crate::addrs::Instance = "terraform_data.x[\"a\"]".parse().unwrap();
        let data: crate::addrs::Instance = "data.terraform_remote_state.r".parse().unwrap();
        let id = Some(RefreshId {
            key: "id",
            value: "abc",
        });
        let line = |e: RefreshEvent, secs| refresh(&e, Duration::from_secs(secs));
        assert_eq!(
            line(
                RefreshEvent::Reading {
                    addr: &addr,
                    deposed: None,
                    id
                },
                0
            )
            .as_deref(),
            Some("terraform_data.x[\"a\"]: Refreshing state... [id=abc]")
        );
        assert_eq!(
            line(
                RefreshEvent::Reading {
                    addr: &addr,
                    deposed: None,
                    id: None
                },
                0
            )
            .as_deref(),
            Some("terraform_data.x[\"a\"]: Refreshing state...")
        );
        let key = crate::state::deposed::DeposedKey::parse("1a2b3c4d").unwrap();
        assert_eq!(
            line(
                RefreshEvent::Reading {
                    addr: &addr,
                    deposed: Some(&key),
                    id
                },
                0
            )
            .as_deref(),
            Some("terraform_data.x[\"a\"] (deposed object 1a2b3c4d): Refreshing state... [id=abc]")
        );
        let read = RefreshEvent::Read {
            addr: &addr,
            deposed: None,
            id,
        };
        assert_eq!(line(read, 0), None);
        assert_eq!(
            line(RefreshEvent::DataReading { addr: &data }, 0).as_deref(),
            Some("data.terraform_remote_state.r: Reading...")
        );
        assert_eq!(
            line(RefreshEvent::DataRead { addr: &data, id }, 2).as_deref(),
            Some("data.terraform_remote_state.r: Read complete after 2s [id=abc]")
        );
    }
}
