//! Backends: where state is stored, and how it is locked, as Terraform's
//! `backend` block chooses it.
//!
//! A [`Backend`] is the boundary for state storage, as a provider is for
//! the cloud: it lists, creates and deletes workspaces, and gives each
//! workspace's [`StateStorage`], which loads state, writes it atomically,
//! keeps the write-ahead journal an apply appends to after each resource,
//! and takes the lock with its holder's description. [`local`] keeps files
//! (`aksplan.tfstate`, `terraform.tfstate.d/NAME/aksplan.tfstate`);
//! [`azurerm`] keeps blobs in Azure Blob Storage, locked by a lease.
//!
//! It owns storage only: it does not read the configuration (the CLI turns
//! the `backend` block into settings), print, or decide what a command does
//! with a held lock.

pub mod azurerm;
pub mod local;

use super::store::JournalEntry;
use super::State;
use serde_json::{Map, Value as Json};
use std::io;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

/// The workspace every backend has, which cannot be deleted.
pub const DEFAULT_WORKSPACE: &str = "default";

/// Who holds a lock, as much as is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// One line: the operation, who runs it, where, since when.
    pub description: String,
    /// The lock's id, where the backend has one (a blob lease's).
    pub id: Option<String>,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.description)?;
        if let Some(id) = &self.id {
            write!(f, " (lock ID {id})")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("the state is locked: {0}")]
    Held(Holder),
    /// A lock is there, but not one aksplan or Terraform wrote.
    #[error("{0}")]
    Unreadable(String),
    #[error("cannot lock the state: {0}")]
    Failed(String),
}

/// Why `force-unlock` removed nothing.
#[derive(Debug, thiserror::Error)]
pub enum UnlockError {
    #[error("the lock is held by a run still alive on this host: {0}")]
    Alive(Holder),
    #[error("the lock's ID is {}, not {asked}", held.as_ref().and_then(|h| h.id.as_deref()).unwrap_or("not given"))]
    OtherId { held: Option<Holder>, asked: String },
    #[error("{0}")]
    Failed(String),
}

/// A lock seen without taking it (`drift` reads state without the lock,
/// and says when a run holds it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    Held {
        info: crate::state::lock::LockInfo,
        /// Its run is gone from this host: a run that did not end.
        stale: bool,
    },
    /// A lock is there, but what it says cannot be read.
    Unreadable,
}

/// A held lock: dropping it releases it, unless it was lost (a lock no
/// longer held is never released: that would release the next holder's).
pub trait StateLock: Send {
    /// Why the lock is no longer held (broken, expired), if it is not.
    fn lost(&self) -> Option<String>;
    /// Sets `flag` as soon as the lock is found lost, so that a run stops
    /// starting work it could not record.
    fn on_lost(&self, flag: Arc<AtomicBool>);
}

/// Where an apply records each result as it happens; each `append` is
/// durable when it returns.
pub trait JournalSink: Send {
    fn append(&mut self, entries: &[JournalEntry]) -> io::Result<()>;
}

/// One workspace's state in a backend.
pub trait StateStorage: Send + Sync {
    /// Where it is, for messages: a file's path, a blob's URL.
    fn location(&self) -> String;
    /// The state (empty if there is none yet), with any journal left by an
    /// interrupted apply replayed, and what the user should be told of the
    /// replay (a last line cut short by a crash, ignored).
    fn load_noting(&self) -> Result<(State, Vec<String>), String>;
    /// [`StateStorage::load_noting`] without the notes.
    fn load(&self) -> Result<State, String> {
        self.load_noting().map(|(state, _)| state)
    }
    /// Where the state is read from while it is not yet aksplan's own: a
    /// Terraform state kept where aksplan reads it until its first write
    /// (`None`: aksplan's own, or none).
    fn adopted_from(&self) -> Result<Option<String>, String> {
        Ok(None)
    }
    /// Writes the whole state atomically, folding the journal in, and
    /// increments its serial (giving it a lineage if it has none).
    fn write(&self, state: &mut State) -> Result<(), String>;
    /// Starts a journal that continues `state`.
    fn journal(&self, state: &State) -> Result<Box<dyn JournalSink>, String>;
    /// Where the journal is, for messages.
    fn journal_location(&self) -> String;
    /// Takes the lock for `operation`, waiting up to `timeout` for it.
    fn lock(&self, operation: &str, timeout: Duration) -> Result<Box<dyn StateLock>, LockError>;
    /// The lock, as it is now, without taking it (`None`: not locked).
    fn seen_lock(&self) -> Result<Option<Seen>, String>;
    /// Removes the lock, returning who held it (`None`: nobody). Refused
    /// when `id` is given and the lock has another, and, unless `force`,
    /// when its holder is an aksplan run still alive on this host.
    fn force_unlock(&self, id: Option<&str>, force: bool) -> Result<Option<Holder>, UnlockError>;
}

/// Where state lives: its workspaces.
pub trait Backend: Send + Sync {
    /// The backend type, as the `backend` block names it.
    fn kind(&self) -> &'static str;
    /// Every workspace: `default` first, then the others by name.
    fn workspaces(&self) -> Result<Vec<String>, String>;
    /// Makes `name` exist (so that it is listed), with an empty state.
    fn create_workspace(&self, name: &str) -> Result<(), String>;
    /// Deletes a workspace's state; `default` cannot be deleted.
    fn delete_workspace(&self, name: &str) -> Result<(), String>;
    /// A workspace's state.
    fn state(&self, workspace: &str) -> Box<dyn StateStorage>;
    /// The file Terraform keeps a workspace's state in, for a backend whose
    /// Terraform state is a file aksplan keeps its own beside (`None`: the
    /// storage reads Terraform's in place, see
    /// [`StateStorage::adopted_from`]).
    fn terraform_file(&self, _workspace: &str) -> Option<std::path::PathBuf> {
        None
    }
}

/// What a backend needs from its surroundings: the working directory
/// (local paths are relative to it), the environment (`ARM_*` defaults),
/// and, for Entra ID, a way to get tokens.
pub struct Surroundings<'a> {
    pub dir: &'a Path,
    pub env: &'a [(String, String)],
    /// Entra ID tokens (the ARM client's credential chain), where available.
    pub tokens: Option<azurerm::auth::TokenSource>,
}

/// The backend of type `kind` with these settings (a `backend` block's
/// arguments with `-backend-config` merged in, unset ones null).
pub fn configure(kind: &str, settings: &Map<String, Json>, at: Surroundings) -> Result<Box<dyn Backend>, String> {
    match kind {
        "local" => Ok(Box::new(local::LocalBackend::from_settings(at.dir, settings)?)),
        "azurerm" => Ok(Box::new(azurerm::AzureBackend::from_settings(settings, at)?)),
        other => Err(format!("aksplan has no backend of type {other:?}")),
    }
}

/// Whether `name` can name a workspace, as Terraform checks it: it must be
/// unchanged by URL path escaping (letters, digits, `-._~$&+:=@`), and not
/// empty.
pub fn valid_workspace_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~$&+:=@".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_names_are_what_url_path_escaping_leaves_alone() {
        for ok in ["dev", "prod-eu_1", "a.b~c", "x:y@z", "$&+="] {
            assert!(valid_workspace_name(ok), "{ok}");
        }
        for bad in ["", "a/b", "a b", "a;b", "a,b", "a?b", "é", "a%b", "a#b"] {
            assert!(!valid_workspace_name(bad), "{bad}");
        }
    }

    #[test]
    fn a_holder_shows_its_lock_id() {
        let h = Holder {
            description: "apply by ana@host since 2026-01-01T00:00:00Z".into(),
            id: Some("abc".into()),
        };
        assert_eq!(
            h.to_string(),
            "apply by ana@host since 2026-01-01T00:00:00Z (lock ID abc)"
        );
    }
}
