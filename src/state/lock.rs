//! The state lock: one run writes state at a time.
//!
//! The lock is a file beside the state, created exclusively, holding who
//! took it (pid, host, since when, for what). A second run fails at once
//! naming the holder, or waits up to a timeout. A lock whose process is gone
//! on this host is stale and taken over. `force-unlock` removes it.

use serde::{Deserialize, Serialize};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

pub const LOCK_FILE: &str = ".aksplan.tfstate.lock.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    pub pid: u32,
    pub host: String,
    /// RFC 3339, UTC.
    pub since: String,
    pub operation: String,
}

impl std::fmt::Display for LockInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} by pid {} on {} since {}",
            self.operation, self.pid, self.host, self.since
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("the state is locked: {0}")]
    Held(LockInfo),
    #[error("cannot lock the state: {0}")]
    Io(#[from] io::Error),
}

/// A held lock; dropping it releases it.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

fn alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

fn read_info(path: &Path) -> Option<LockInfo> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// Takes the lock in `dir` for `operation`, waiting up to `timeout`.
pub fn acquire(dir: &Path, operation: &str, timeout: Duration) -> Result<Lock, LockError> {
    let path = dir.join(LOCK_FILE);
    let deadline = Instant::now() + timeout;
    let host = hostname();
    loop {
        let info = LockInfo {
            pid: std::process::id(),
            host: host.clone(),
            since: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            operation: operation.to_string(),
        };
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                f.write_all(&serde_json::to_vec_pretty(&info).unwrap_or_default())?;
                f.sync_all()?;
                return Ok(Lock { path });
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let holder = read_info(&path);
                match holder {
                    Some(h) if h.host == host && !alive(h.pid) => {
                        // Stale: its process is gone. Take it over.
                        let _ = std::fs::remove_file(&path);
                        continue;
                    }
                    Some(h) if Instant::now() >= deadline => return Err(LockError::Held(h)),
                    None if Instant::now() >= deadline => {
                        return Err(LockError::Held(LockInfo {
                            pid: 0,
                            host: "unknown".into(),
                            since: "unknown".into(),
                            operation: "an unreadable lock file".into(),
                        }))
                    }
                    _ => std::thread::sleep(Duration::from_millis(100)),
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Removes the lock in `dir`, returning who held it.
pub fn force_unlock(dir: &Path) -> io::Result<Option<LockInfo>> {
    let path = dir.join(LOCK_FILE);
    let info = read_info(&path);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(info.or(Some(LockInfo {
            pid: 0,
            host: "unknown".into(),
            since: "unknown".into(),
            operation: "unknown".into(),
        }))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_with_the_first_named() {
        let dir = tempfile::tempdir().unwrap();
        let first = acquire(dir.path(), "apply", Duration::ZERO).unwrap();
        let Err(LockError::Held(h)) = acquire(dir.path(), "plan", Duration::ZERO) else {
            panic!()
        };
        assert_eq!((h.pid, h.operation.as_str()), (std::process::id(), "apply"));
        drop(first);
        assert!(acquire(dir.path(), "plan", Duration::ZERO).is_ok());
    }

    #[test]
    fn a_stale_lock_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let stale = LockInfo {
            pid: u32::MAX - 1,
            host: hostname(),
            since: "x".into(),
            operation: "apply".into(),
        };
        std::fs::write(dir.path().join(LOCK_FILE), serde_json::to_vec(&stale).unwrap()).unwrap();
        assert!(acquire(dir.path(), "plan", Duration::ZERO).is_ok());
    }

    #[test]
    fn waiting_gives_up_at_the_timeout_and_force_unlock_frees() {
        let dir = tempfile::tempdir().unwrap();
        let _held = acquire(dir.path(), "apply", Duration::ZERO).unwrap();
        let start = Instant::now();
        assert!(acquire(dir.path(), "plan", Duration::from_millis(300)).is_err());
        assert!(start.elapsed() >= Duration::from_millis(300));
        assert_eq!(force_unlock(dir.path()).unwrap().unwrap().operation, "apply");
        assert_eq!(force_unlock(dir.path()).unwrap(), None);
    }
}
