//! The state lock through the real binary: force-unlock of a live run, a
//! run that lost its lock, and processes racing over a stale lock.
//!
//! A run is held with the lock taken by making its state file a named pipe:
//! `aksplan plan` takes the lock, then waits to read the state until the
//! test writes it, so every step is ordered without sleeping.
#![cfg(target_os = "linux")]

mod common;

use common::{run, write};
use serde_json::Value as Json;
use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const LOCK: &str = ".aksplan.tfstate.lock.json";

/// A configuration with a valid state, returned as the bytes to feed.
fn configured() -> (tempfile::TempDir, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", "output \"n\" {\n  value = 1\n}\n")]);
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let state = std::fs::read(dir.path().join("aksplan.tfstate")).unwrap();
    (dir, state)
}

/// Replaces the state file by a named pipe.
fn pipe_state(dir: &Path) -> PathBuf {
    let p = dir.join("aksplan.tfstate");
    let _ = std::fs::remove_file(&p);
    let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    // SAFETY: a NUL-terminated path that lives across the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    p
}

/// Gives the state to the run waiting to read it.
fn feed(pipe: &Path, state: &[u8]) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut f = loop {
        // Non-blocking: fails until a reader has the pipe open.
        match std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(pipe)
        {
            Ok(f) => break f,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("no run reads the state: {e}"),
        }
    };
    f.write_all(state).unwrap();
}

/// Children killed if the test fails, so that none is left waiting on the pipe.
struct Runs(Vec<Child>);

impl Drop for Runs {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn spawn_plan(dir: &Path) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("aksplan"))
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .args(["plan", "--no-color"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn lock_json(dir: &Path) -> Option<Json> {
    serde_json::from_slice(&std::fs::read(dir.join(LOCK)).ok()?).ok()
}

/// Waits until the lock file names `pid`.
fn locked_by(dir: &Path, pid: u32) -> Json {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(j) = lock_json(dir).filter(|j| j["pid"] == pid) {
            return j;
        }
        assert!(Instant::now() < deadline, "the run never took the lock");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_string()
}

/// Messages as one line: the renderer wraps them to its width, also after
/// the hyphens of an ID.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace("- ", "-")
}

fn output(c: Child) -> (i32, String) {
    let out = c.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        flat(&String::from_utf8_lossy(&out.stderr)),
    )
}

fn run_flat(dir: &Path, args: &[&str]) -> common::Run {
    let mut r = run(dir, args);
    r.stderr = flat(&r.stderr);
    r
}

#[test]
fn force_unlock_refuses_a_live_run_and_that_run_leaves_the_next_lock_alone() {
    let (dir, state) = configured();
    let pipe = pipe_state(dir.path());
    let mut runs = Runs(vec![spawn_plan(dir.path())]);
    let pid = runs.0[0].id();
    let lock = locked_by(dir.path(), pid);
    for field in ["ID", "Operation", "Who", "Version", "Created", "Path"] {
        assert!(lock[field].is_string(), "{field}: {lock:#}");
    }
    assert_eq!(lock["Operation"], "OperationTypePlan");
    let id = lock["ID"].as_str().unwrap().to_string();

    // A second run is refused, naming the holder and its lock ID.
    let r = run_flat(dir.path(), &["plan"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains(&format!("plan by pid {pid} on")), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("aksplan force-unlock {id}")), "{}", r.stderr);

    let r = run_flat(dir.path(), &["force-unlock"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains("Refusing to remove the lock of a running aksplan"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(&format!("pid {pid}")), "{}", r.stderr);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert!(dir.path().join(LOCK).exists());

    let r = run_flat(dir.path(), &["force-unlock", "--force", &id]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!("Removed the state lock (plan by pid {pid}")),
        "{}",
        r.stdout
    );

    // The next run's lock, held by a live process (this test) on this host.
    let next = serde_json::json!({
        "ID": "next-run", "Operation": "OperationTypeApply", "Info": "", "Who": "ci@here",
        "Version": "aksplan", "Created": "2026-01-01T00:00:00Z", "Path": "aksplan.tfstate",
        "operation": "apply", "pid": std::process::id(), "host": hostname(), "since": "2026-01-01T00:00:00Z"
    });
    std::fs::write(dir.path().join(LOCK), next.to_string()).unwrap();

    // The force-unlocked run ends, and keeps its hands off that lock.
    feed(&pipe, &state);
    let (code, stderr) = output(runs.0.remove(0));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lock_json(dir.path()).unwrap()["ID"], "next-run");

    // force-unlock with the ID a user saw removes nothing once the lock is another's.
    let r = run_flat(dir.path(), &["force-unlock", "--force", &id]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(&format!("the lock's ID is next-run, not {id}")),
        "{}",
        r.stderr
    );
    // Terraform's spelling works too.
    let r = run_flat(dir.path(), &["force-unlock", "-force", "next-run"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!dir.path().join(LOCK).exists());
}

/// Rounds of three processes started together over a stale lock: in each,
/// one takes the lock (and waits on the state pipe), and the two others
/// are refused, naming it, never the stale holder.
#[test]
fn of_three_processes_racing_over_a_stale_lock_one_wins() {
    let (dir, state) = configured();
    let pipe = pipe_state(dir.path());
    let stale = serde_json::json!({
        "pid": u32::MAX - 1, "host": hostname(), "since": "2026-01-01T00:00:00Z", "operation": "apply"
    })
    .to_string();
    let started = Instant::now();
    let rounds = 20;
    for round in 0..rounds {
        std::fs::write(dir.path().join(LOCK), &stale).unwrap();
        let mut runs = Runs((0..3).map(|_| spawn_plan(dir.path())).collect());
        let pids: Vec<u32> = runs.0.iter().map(|c| c.id()).collect();
        // Wait for the two that must lose.
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut lost = Vec::new();
        while lost.len() < 2 {
            assert!(Instant::now() < deadline, "round {round}: {} refused, of 3", lost.len());
            let mut i = 0;
            while i < runs.0.len() {
                if runs.0[i].try_wait().unwrap().is_some() {
                    lost.push(output(runs.0.remove(i)));
                } else {
                    i += 1;
                }
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        assert_eq!(runs.0.len(), 1, "round {round}: a run is left");
        let winner = runs.0[0].id();
        for (code, stderr) in &lost {
            assert_eq!(*code, 1, "round {round}: {stderr}");
            assert!(
                stderr.contains(&format!("by pid {winner} on")),
                "round {round}: the refusal names the winner {winner} (of {pids:?}): {stderr}"
            );
        }
        feed(&pipe, &state);
        let (code, stderr) = output(runs.0.remove(0));
        assert_eq!(code, 0, "round {round}: {stderr}");
        assert!(!dir.path().join(LOCK).exists(), "round {round}: the winner released");
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(LOCK))
        .collect();
    assert!(names.is_empty(), "temporary lock files left: {names:?}");
    eprintln!("{rounds} rounds of 3 processes in {:?}", started.elapsed());
}
