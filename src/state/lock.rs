//! The state lock: one run writes state at a time.
//!
//! The lock is a file beside the state ([`LOCK_FILE`]) saying who took it
//! ([`info`]), each taking with its own id. A second run fails at once
//! naming the holder, or waits up to a timeout. Three rules keep it safe:
//!
//! - It is created only where none exists, whole: written to a file of its
//!   own, then hard-linked into place (`link(2)` fails if the name exists),
//!   so that no reader ever sees half a lock.
//! - It is removed only after checking that it is the one meant: a run
//!   releases only the lock holding its own id (a force-unlocked run never
//!   deletes the next run's lock), a stale lock is taken over only if the
//!   file still holds exactly what was judged stale, and `force-unlock`
//!   removes what it showed. Each check and removal happens under the
//!   directory's [`guard`], so no two of them interleave: of three runs
//!   racing over one stale lock, one removes it and one creates the next.
//! - A lock whose process is gone on this host (its pid no longer runs, or
//!   runs another program) is stale; `force-unlock` refuses to remove the
//!   lock of a run that is still alive on this host unless forced.
//!
//! This module decides who holds the lock; it never reads or writes state.

mod guard;
pub mod info;

pub use info::{hostname, Liveness, LockInfo};

use super::store::STATE_FILE;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const LOCK_FILE: &str = ".aksplan.tfstate.lock.json";

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("the state is locked: {0}")]
    Held(LockInfo),
    #[error("the lock file {} cannot be read: it is not a lock aksplan or Terraform wrote", .0.display())]
    Unreadable(PathBuf),
    #[error("cannot lock the state: {0}")]
    Io(#[from] io::Error),
}

/// A held lock; dropping it releases it, if it is still ours.
#[derive(Debug)]
pub struct Lock {
    dir: PathBuf,
    path: PathBuf,
    id: String,
}

/// What releasing found.
#[derive(Debug, PartialEq, Eq)]
pub enum Released {
    Released,
    /// The file no longer held our lock (it was force-unlocked, and maybe
    /// taken since): it was left alone.
    Lost(Option<LockInfo>),
}

impl Lock {
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Releases the lock if the file still holds it.
    pub fn release(mut self) -> io::Result<Released> {
        let r = self.release_once();
        self.id.clear();
        r
    }

    fn release_once(&self) -> io::Result<Released> {
        if self.id.is_empty() {
            return Ok(Released::Released);
        }
        let _g = guard::take(&self.dir);
        let ours = |bytes: &[u8]| LockInfo::decode(bytes).and_then(|i| i.id).as_deref() == Some(self.id.as_str());
        match read(&self.path)? {
            None => Ok(Released::Lost(None)),
            Some(bytes) if !ours(&bytes) => Ok(Released::Lost(LockInfo::decode(&bytes))),
            Some(_) => match remove_checked(&self.path, ours)? {
                true => Ok(Released::Released),
                false => Ok(Released::Lost(None)),
            },
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.release_once();
    }
}

/// Takes the lock in `dir` for `operation`, waiting up to `timeout`.
pub fn acquire(dir: &Path, operation: &str, timeout: Duration) -> Result<Lock, LockError> {
    let path = dir.join(LOCK_FILE);
    let state = dir.join(STATE_FILE);
    let deadline = Instant::now() + timeout;
    // A lock file read empty is being written by a run without hard links.
    let mut empty_reads = 0;
    loop {
        let info = LockInfo::ours(operation);
        if create(&path, &info.encode(&state))? {
            return Ok(Lock {
                dir: dir.to_path_buf(),
                path,
                id: info.id.unwrap_or_default(),
            });
        }
        let Some(bytes) = read(&path)? else {
            continue; // released since
        };
        let expired = Instant::now() >= deadline;
        match LockInfo::decode(&bytes) {
            Some(h) if h.liveness() == Liveness::Gone => {
                // Stale: remove exactly that file, then race to create as any run does.
                let _g = guard::take(dir);
                if read(&path)?.as_deref() == Some(&bytes[..]) {
                    remove_checked(&path, |b| b == bytes)?;
                }
                continue;
            }
            Some(h) if expired => return Err(LockError::Held(h)),
            None if bytes.is_empty() && empty_reads < 100 => {
                empty_reads += 1;
                std::thread::sleep(Duration::from_millis(5));
                continue;
            }
            None if expired => return Err(LockError::Unreadable(path)),
            _ => std::thread::sleep(Duration::from_millis(100).min(deadline.saturating_duration_since(Instant::now()))),
        }
    }
}

/// What `force-unlock` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Unlocked {
    NotLocked,
    /// Removed the lock of this holder (`None`: an unreadable lock file).
    Removed(Option<LockInfo>),
}

#[derive(Debug, thiserror::Error)]
pub enum UnlockError {
    #[error("the lock is held by a run still alive on this host: {0}")]
    Alive(LockInfo),
    #[error("the lock's ID is {}, not {asked}", held.as_ref().and_then(|h| h.id.as_deref()).unwrap_or("not given"))]
    OtherId { held: Option<LockInfo>, asked: String },
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// Removes the lock in `dir`, returning who held it. Refuses when `id` is
/// given and the lock has another, and when its holder is alive on this
/// host unless `force`.
pub fn force_unlock(dir: &Path, id: Option<&str>, force: bool) -> Result<Unlocked, UnlockError> {
    let path = dir.join(LOCK_FILE);
    let _g = guard::take(dir);
    let Some(bytes) = read(&path)? else {
        return Ok(Unlocked::NotLocked);
    };
    let holder = LockInfo::decode(&bytes);
    if let Some(asked) = id {
        if holder.as_ref().and_then(|h| h.id.as_deref()) != Some(asked) {
            return Err(UnlockError::OtherId {
                held: holder,
                asked: asked.to_string(),
            });
        }
    }
    if let Some(h) = &holder {
        let here = h.pid != 0 && h.host == hostname() && h.liveness() != Liveness::Gone;
        if here && !force {
            return Err(UnlockError::Alive(h.clone()));
        }
    }
    match remove_checked(&path, |b| b == bytes)? {
        true => Ok(Unlocked::Removed(holder)),
        false => Ok(Unlocked::NotLocked),
    }
}

/// Who holds the lock in `dir`, without taking it (`None`: nobody).
pub fn holder(dir: &Path) -> io::Result<Option<Result<LockInfo, PathBuf>>> {
    let path = dir.join(LOCK_FILE);
    Ok(read(&path)?.map(|b| LockInfo::decode(&b).ok_or(path)))
}

fn read(path: &Path) -> io::Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// A name beside `path` no other run uses.
fn unique_beside(path: &Path, what: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(format!(".{}.{what}", uuid::Uuid::new_v4().simple()));
    PathBuf::from(p)
}

/// Creates the lock file holding `bytes` if none exists; whether it did.
fn create(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    let tmp = unique_beside(path, "new");
    let written = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    let linked = written.and_then(|()| std::fs::hard_link(&tmp, path));
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        // No hard links here (some network file systems): create and write
        // in place; a reader may then briefly see an empty file.
        Err(_) => match std::fs::OpenOptions::new().write(true).create_new(true).open(path) {
            Ok(mut f) => {
                f.write_all(bytes)?;
                f.sync_all()?;
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e),
        },
    }
}

/// Removes the lock file if `meant` accepts what it holds; whether it did.
/// Called under the guard, after the caller has read and checked the file.
///
/// Under the guard the file cannot change between that check and this
/// removal: only guarded code removes a lock file, and a new one is only
/// created where none exists. Without the guard (no `flock` here) a lock
/// could be swapped between the check and the removal, so the file is first
/// renamed aside, which is atomic, and what was renamed is checked again:
/// if it is not the one meant, it is linked back into place. The window
/// that remains, only without the guard, is between that rename and the
/// link back: a run creating a lock just then makes two holders.
fn remove_checked(path: &Path, meant: impl Fn(&[u8]) -> bool) -> io::Result<bool> {
    let aside = unique_beside(path, "removing");
    match std::fs::rename(path, &aside) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    }
    let moved = std::fs::read(&aside)?;
    if meant(&moved) {
        std::fs::remove_file(&aside)?;
        return Ok(true);
    }
    let _ = std::fs::hard_link(&aside, path);
    let _ = std::fs::remove_file(&aside);
    Ok(false)
}

#[cfg(test)]
mod tests;
