//! What an apply does when it cannot record its results in the backend.
//!
//! [`GuardedJournal`] passes each batch of results to the backend's journal;
//! the first that cannot be written (a blob lease lost, a disk full) stops
//! the run from starting anything more, since what it did next could not
//! be recorded. [`save_errored`] then writes everything the run knows to
//! `errored.tfstate` in the working directory, as Terraform does when it
//! cannot persist state, so that nothing done in the cloud is forgotten.
//! It prints nothing: the caller reports.

use crate::state::backend::JournalSink;
use crate::state::store::{encode_bytes, JournalEntry};
use crate::state::State;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The file the state goes to when the backend cannot take it.
pub const ERRORED_STATE: &str = "errored.tfstate";

/// The backend's journal, which cancels the run at its first failure.
pub struct GuardedJournal {
    inner: Box<dyn JournalSink>,
    cancel: Arc<AtomicBool>,
    /// The first failure, if any.
    pub failed: Option<String>,
}

impl GuardedJournal {
    pub fn new(inner: Box<dyn JournalSink>, cancel: Arc<AtomicBool>) -> GuardedJournal {
        GuardedJournal {
            inner,
            cancel,
            failed: None,
        }
    }
}

impl JournalSink for GuardedJournal {
    fn append(&mut self, entries: &[JournalEntry]) -> io::Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let r = self.inner.append(entries);
        if let Err(e) = &r {
            self.cancel.store(true, Ordering::SeqCst);
            self.failed.get_or_insert_with(|| e.to_string());
        }
        r
    }
}

/// Writes `state` to `errored.tfstate` in `dir` (mode 0600: it holds
/// secrets), as a new file or over an earlier one, and returns its path.
pub fn save_errored(dir: &Path, state: &State) -> io::Result<PathBuf> {
    let path = dir.join(ERRORED_STATE);
    let mut state = state.clone();
    if state.lineage.is_empty() {
        state.lineage = uuid::Uuid::new_v4().to_string();
    }
    let bytes = encode_bytes(&state)?;
    let mut o = std::fs::OpenOptions::new();
    o.create(true).write(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(&path)?;
    f.write_all(&bytes)?;
    f.sync_all()?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Failing;
    impl JournalSink for Failing {
        fn append(&mut self, _: &[JournalEntry]) -> io::Result<()> {
            Err(io::Error::other("the state lock was lost"))
        }
    }

    #[test]
    fn a_journal_failure_cancels_the_run_and_is_kept() {
        let cancel = Arc::new(AtomicBool::new(false));
        let mut j = GuardedJournal::new(Box::new(Failing), cancel.clone());
        j.append(&[]).unwrap();
        assert!(!cancel.load(Ordering::SeqCst), "nothing to write is no failure");
        let entry = JournalEntry::Base {
            lineage: "l".into(),
            serial: 1,
        };
        assert!(j.append(std::slice::from_ref(&entry)).is_err());
        assert!(cancel.load(Ordering::SeqCst));
        assert_eq!(j.failed.as_deref(), Some("the state lock was lost"));
    }

    #[test]
    fn the_errored_state_is_private_and_readable() {
        let dir = tempfile::tempdir().unwrap();
        let p = save_errored(dir.path(), &State::new()).unwrap();
        let back = crate::state::store::parse(&std::fs::read(&p).unwrap(), "errored.tfstate").unwrap();
        assert!(!back.lineage.is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}
