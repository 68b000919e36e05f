use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Barrier;

fn id_in(dir: &Path) -> Option<String> {
    LockInfo::decode(&std::fs::read(dir.join(LOCK_FILE)).ok()?)?.id
}

/// A lock left by a process that is gone, in the format of this version.
fn stale(dir: &Path) -> LockInfo {
    let mut info = LockInfo::ours("apply");
    info.pid = u32::MAX - 1;
    info.pid_start = None;
    std::fs::write(dir.join(LOCK_FILE), info.encode(&dir.join(STATE_FILE))).unwrap();
    info
}

#[test]
fn a_second_holder_is_refused_with_the_first_named() {
    let dir = tempfile::tempdir().unwrap();
    let first = acquire(dir.path(), "apply", Duration::ZERO).unwrap();
    let Err(LockError::Held(h)) = acquire(dir.path(), "plan", Duration::ZERO) else {
        panic!()
    };
    assert_eq!((h.pid, h.operation.as_str()), (std::process::id(), "apply"));
    assert_eq!(h.id.as_deref(), Some(first.id()));
    drop(first);
    assert!(!dir.path().join(LOCK_FILE).exists());
    assert!(acquire(dir.path(), "plan", Duration::ZERO).is_ok());
}

#[test]
fn a_stale_lock_is_taken_over_in_either_format() {
    let dir = tempfile::tempdir().unwrap();
    let old = stale(dir.path());
    let l = acquire(dir.path(), "plan", Duration::ZERO).unwrap();
    assert_ne!(Some(l.id().to_string()), old.id);
    drop(l);
    let before_ids = format!(
        r#"{{"pid": {}, "host": "{}", "since": "x", "operation": "apply"}}"#,
        u32::MAX - 1,
        hostname()
    );
    std::fs::write(dir.path().join(LOCK_FILE), before_ids).unwrap();
    assert!(acquire(dir.path(), "plan", Duration::ZERO).is_ok());
}

#[test]
fn an_unreadable_lock_is_never_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(LOCK_FILE), "{ not a lock").unwrap();
    assert!(matches!(
        acquire(dir.path(), "plan", Duration::ZERO),
        Err(LockError::Unreadable(_))
    ));
    assert_eq!(force_unlock(dir.path(), None, false).unwrap(), Unlocked::Removed(None));
}

#[test]
fn waiting_gives_up_at_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let _held = acquire(dir.path(), "apply", Duration::ZERO).unwrap();
    let start = Instant::now();
    assert!(acquire(dir.path(), "plan", Duration::from_millis(300)).is_err());
    assert!(start.elapsed() >= Duration::from_millis(300));
}

#[test]
fn force_unlock_refuses_a_live_holder_here_unless_forced_and_checks_the_id() {
    let dir = tempfile::tempdir().unwrap();
    let held = acquire(dir.path(), "apply", Duration::ZERO).unwrap();
    let Err(UnlockError::Alive(h)) = force_unlock(dir.path(), None, false) else {
        panic!()
    };
    assert_eq!(h.id.as_deref(), Some(held.id()));
    let Err(UnlockError::OtherId { asked, .. }) = force_unlock(dir.path(), Some("nope"), true) else {
        panic!()
    };
    assert_eq!(asked, "nope");
    assert!(dir.path().join(LOCK_FILE).exists());
    let id = held.id().to_string();
    let Ok(Unlocked::Removed(Some(h))) = force_unlock(dir.path(), Some(&id), true) else {
        panic!()
    };
    assert_eq!(h.operation, "apply");
    assert_eq!(force_unlock(dir.path(), None, false).unwrap(), Unlocked::NotLocked);
    // A stale holder needs no force.
    stale(dir.path());
    assert!(matches!(
        force_unlock(dir.path(), None, false),
        Ok(Unlocked::Removed(Some(_)))
    ));
}

#[test]
fn a_run_whose_lock_was_forced_leaves_the_next_runs_lock_alone() {
    let dir = tempfile::tempdir().unwrap();
    let first = acquire(dir.path(), "apply", Duration::ZERO).unwrap();
    force_unlock(dir.path(), None, true).unwrap();
    let second = acquire(dir.path(), "apply", Duration::ZERO).unwrap();
    let Ok(Released::Lost(Some(now))) = first.release() else {
        panic!()
    };
    assert_eq!(now.id.as_deref(), Some(second.id()));
    assert_eq!(id_in(dir.path()).as_deref(), Some(second.id()));
    // And by dropping, as a run ends.
    force_unlock(dir.path(), None, true).unwrap();
    let third = acquire(dir.path(), "plan", Duration::ZERO).unwrap();
    drop(second);
    assert_eq!(id_in(dir.path()).as_deref(), Some(third.id()));
    drop(third);
    assert_eq!(id_in(dir.path()), None, "the third released its own lock");
}

/// Three runs race over one stale lock, 300 times: each time exactly one
/// takes it, the others find it held by the winner.
#[test]
fn of_three_runs_racing_over_a_stale_lock_exactly_one_wins() {
    let dir = tempfile::tempdir().unwrap();
    let (rounds, racers) = (300, 3);
    let start = Barrier::new(racers);
    let end = Barrier::new(racers);
    let wins = AtomicUsize::new(0);
    let winner_ids = std::sync::Mutex::new(Vec::new());
    let started = Instant::now();
    std::thread::scope(|s| {
        for n in 0..racers {
            let (start, end, wins, winner_ids, dir) = (&start, &end, &wins, &winner_ids, dir.path());
            s.spawn(move || {
                for round in 0..rounds {
                    if n == 0 {
                        stale(dir);
                    }
                    start.wait();
                    let got = acquire(dir, "apply", Duration::ZERO);
                    match &got {
                        Ok(l) => {
                            wins.fetch_add(1, Ordering::SeqCst);
                            winner_ids.lock().unwrap().push((round, l.id().to_string()));
                        }
                        Err(LockError::Held(h)) => assert_ne!(h.pid, u32::MAX - 1, "a loser saw the stale lock"),
                        Err(e) => panic!("round {round}: {e}"),
                    }
                    // Everyone has tried while the winner still holds it.
                    end.wait();
                    drop(got);
                    end.wait();
                }
            });
        }
    });
    let ids = winner_ids.into_inner().unwrap();
    let mut per_round = vec![0; rounds];
    for (round, _) in &ids {
        per_round[*round] += 1;
    }
    let bad: Vec<(usize, usize)> = per_round.iter().copied().enumerate().filter(|(_, n)| *n != 1).collect();
    assert!(
        bad.is_empty(),
        "rounds without exactly one winner (round, winners): {bad:?}"
    );
    assert_eq!(wins.load(Ordering::SeqCst), rounds);
    assert!(
        !dir.path().join(LOCK_FILE).exists(),
        "every winner released its own lock"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(leftovers.is_empty(), "no temporary files left: {leftovers:?}");
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
}
