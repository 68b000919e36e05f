//! A short exclusive guard over the lock file's directory, held while a
//! lock file is checked and then removed (release, stale takeover,
//! force-unlock), so that no two runs interleave those two steps.
//!
//! It is an advisory `flock(2)` on the directory itself: no extra file, and
//! the kernel drops it when its holder dies, so the guard never goes stale
//! the way a lock file does. Taking the lock needs no guard (a lock file is
//! only ever created where none exists). Where `flock` is not available
//! (another OS, a file system without it) the guard is empty and the
//! callers' rename-and-verify is all the protection there is. This module
//! never reads or writes lock files.

use std::path::Path;

/// Held until dropped.
pub struct Guard {
    #[cfg(unix)]
    _dir: Option<std::fs::File>,
}

/// Waits for the guard of `dir`. Others hold it only for the few system
/// calls of a check and a removal.
pub fn take(dir: &Path) -> Guard {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let dir = std::fs::File::open(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        })
        .ok()
        .filter(|d| loop {
            // SAFETY: flock on a descriptor this function owns, open until the guard drops.
            if unsafe { libc::flock(d.as_raw_fd(), libc::LOCK_EX) } == 0 {
                break true;
            }
            if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
                break false;
            }
        });
        Guard { _dir: dir }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Guard {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[cfg(unix)]
    #[test]
    fn one_holder_at_a_time_across_threads() {
        let dir = tempfile::tempdir().unwrap();
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        std::thread::scope(|s| {
            for _ in 0..4 {
                let (inside, most, dir) = (inside.clone(), most.clone(), dir.path());
                s.spawn(move || {
                    for _ in 0..200 {
                        let _g = take(dir);
                        let n = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(n, Ordering::SeqCst);
                        std::thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                });
            }
        });
        assert_eq!(most.load(Ordering::SeqCst), 1);
    }
}
