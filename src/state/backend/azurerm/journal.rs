//! The write-ahead journal on Blob Storage: the results an apply records
//! after each resource, kept beside the state blob so that a run killed on
//! any machine loses nothing.
//!
//! Each apply appends to an append blob of its own,
//! `KEY.aksplan/journal.SERIAL` (`SERIAL` being that of the state it
//! continues, zero-padded): one Append Block per batch, which Azure writes
//! whole or not at all. The names hold a `/`, so that neither aksplan nor
//! terraform lists them as workspaces. Loading replays, in order, the
//! journals of the state blob's serial and later (one run's journal
//! continues the state a crashed run's journal left); a full write deletes
//! those it folded in. After each append the lease is renewed, so that a
//! run that lost its lock learns it before it starts anything more, stops
//! starting operations, and says why.

use super::blob::BlobClient;
use super::lease::Held;
use crate::state::backend::JournalSink;
use crate::state::store::{self, JournalEntry};
use crate::state::State;
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// Azure's limit for one Append Block.
const MAX_BLOCK: usize = 4 * 1024 * 1024;

/// The prefix of a state blob's journals.
pub fn prefix(blob: &str) -> String {
    format!("{blob}.aksplan/journal.")
}

/// The journal that continues `serial`.
pub fn name(blob: &str, serial: u64) -> String {
    format!("{}{serial:020}", prefix(blob))
}

/// The journals of `blob`, by the serial each continues, oldest first.
pub fn list(client: &BlobClient, blob: &str) -> Result<Vec<(u64, String)>, String> {
    let p = prefix(blob);
    let mut out: Vec<(u64, String)> = client
        .list(&p, false)
        .map_err(|e| format!("cannot list the state journals of {}: {e}", client.url_of(blob)))?
        .into_iter()
        .filter_map(|l| Some((l.name.strip_prefix(&p)?.parse().ok()?, l.name)))
        .collect();
    out.sort();
    Ok(out)
}

/// Replays onto `state` the journals that continue it; returns what the
/// user should be told (a torn last line, ignored).
pub fn replay(client: &BlobClient, blob: &str, state: &mut State) -> Result<Vec<String>, String> {
    let mut notes = Vec::new();
    for (serial, name) in list(client, blob)? {
        if serial < state.serial {
            // Folded in by a write whose journal cleanup did not finish.
            continue;
        }
        let Some((bytes, _)) = client
            .get(&name)
            .map_err(|e| format!("cannot read the state journal {}: {e}", client.url_of(&name)))?
        else {
            continue;
        };
        let url = client.url_of(&name);
        notes.extend(store::replay(state, &bytes, &url, &client.url_of(blob))?);
    }
    Ok(notes)
}

/// Deletes the journals folded into a state written with `serial`.
pub fn fold(client: &BlobClient, blob: &str, serial: u64) -> Result<(), String> {
    for (s, name) in list(client, blob)? {
        if s < serial {
            client
                .delete(&name)
                .map_err(|e| format!("cannot delete the state journal {}: {e}", client.url_of(&name)))?;
        }
    }
    Ok(())
}

/// An apply's journal on the blob.
pub struct BlobJournal {
    client: BlobClient,
    name: String,
    /// The state blob, whose lease guards the journal.
    blob: String,
    held: Option<Arc<Held>>,
}

impl BlobJournal {
    /// Creates the journal continuing `state` (replacing one left for the
    /// same serial by a run that recorded nothing), starting with its base.
    pub fn start(
        client: &BlobClient,
        blob: &str,
        state: &State,
        held: Option<Arc<Held>>,
    ) -> Result<BlobJournal, String> {
        let name = name(blob, state.serial);
        if let Some(h) = &held {
            h.check(client, blob, Duration::ZERO)
                .map_err(|why| format!("the state lock was lost: {why}"))?;
        }
        client
            .create_append(&name)
            .map_err(|e| format!("cannot create the state journal {}: {e}", client.url_of(&name)))?;
        let mut j = BlobJournal {
            client: client.clone(),
            name,
            blob: blob.to_string(),
            held,
        };
        j.append(&[JournalEntry::Base {
            lineage: state.lineage.clone(),
            serial: state.serial,
        }])
        .map_err(|e| e.to_string())?;
        Ok(j)
    }
}

impl JournalSink for BlobJournal {
    fn append(&mut self, entries: &[JournalEntry]) -> io::Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        // Recorded first, whatever happened to the lease: what was done in
        // the cloud is true either way, and a journal older than the state
        // a later holder writes is never replayed.
        let mut block = Vec::new();
        for e in entries {
            let mut line = serde_json::to_vec(e).map_err(io::Error::other)?;
            line.push(b'\n');
            if !block.is_empty() && block.len() + line.len() > MAX_BLOCK {
                self.send(std::mem::take(&mut block))?;
            }
            block.extend(line);
        }
        self.send(block)?;
        // Renewed every time: what starts next must not start on a lost lease.
        match &self.held {
            Some(h) => h
                .check(&self.client, &self.blob, Duration::ZERO)
                .map_err(|why| io::Error::other(format!("the state lock was lost: {why}"))),
            None => Ok(()),
        }
    }
}

impl BlobJournal {
    fn send(&self, block: Vec<u8>) -> io::Result<()> {
        self.client.append(&self.name, block).map_err(|e| {
            io::Error::other(format!(
                "cannot append to the state journal {}: {e}",
                self.client.url_of(&self.name)
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journals_are_named_after_their_state_and_never_listed_as_workspaces() {
        assert_eq!(
            name("prod.tfstateenv:dev", 7),
            "prod.tfstateenv:dev.aksplan/journal.00000000000000000007"
        );
        // Workspaces are the names after "KEYenv:" without a slash.
        let after = name("prod.tfstateenv:dev", 7)["prod.tfstateenv:".len()..].to_string();
        assert!(after.contains('/'));
        // Zero-padding sorts them by serial.
        assert!(name("k", 9) < name("k", 10));
    }
}
