//! Azurite, the Azure Storage emulator, for the azurerm backend's tests:
//! found on the PATH or in tools/azurite/node_modules/.bin (`npm ci` in
//! tools/azurite installs it; .ci/run does), started in memory on a free
//! loopback port. [`Azurite::shared`] starts one for the whole test binary
//! (each test works in a container of its own), which dies with the
//! process. Without it, it says how to install it and returns `None`, and
//! the test returns.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Azurite's well-known development account and key (public, documented).
pub const ACCOUNT: &str = "devstoreaccount1";
pub const KEY: &str = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

pub struct Azurite {
    child: Child,
    /// The blob service's URL: `http://127.0.0.1:PORT/devstoreaccount1`.
    pub endpoint: String,
    _dir: tempfile::TempDir,
}

/// `azurite-blob`, where the tests look for it.
fn find() -> Option<PathBuf> {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/azurite/node_modules/.bin/azurite-blob");
    if local.exists() {
        return Some(local);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("azurite-blob"))
            .find(|p| p.exists())
    })
}

impl Azurite {
    /// The test binary's Azurite, started on first use; `None`, the reason
    /// said, when it is not installed.
    pub fn shared() -> Option<&'static Azurite> {
        static SHARED: std::sync::OnceLock<Option<Azurite>> = std::sync::OnceLock::new();
        SHARED
            .get_or_init(|| {
                // Started from a thread that lives as long as the process:
                // Azurite is killed when its parent thread ends (below).
                let (tx, rx) = std::sync::mpsc::channel();
                std::thread::spawn(move || {
                    let _ = tx.send(Azurite::start());
                    loop {
                        std::thread::park();
                    }
                });
                rx.recv().ok().flatten()
            })
            .as_ref()
    }

    /// Starts Azurite, or says why not and returns `None`.
    pub fn start() -> Option<Azurite> {
        let Some(bin) = find() else {
            eprintln!(
                "azurite is not installed: this test of the azurerm backend is skipped. \
                 Install it with `npm ci --prefix tools/azurite` (or `npm install -g azurite`), then run the test again."
            );
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let mut command = Command::new(bin);
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::process::CommandExt;
            // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
            unsafe {
                command.pre_exec(|| {
                    // Killed with the thread that started it, whatever ends the tests.
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                    Ok(())
                });
            }
        }
        let mut child = command
            .args([
                "--inMemoryPersistence",
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                "0",
                "--disableTelemetry",
            ])
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("azurite-blob is there but does not start");
        // It says where it listens: "... successfully listens on http://127.0.0.1:PORT".
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let started = Instant::now();
        let mut line = String::new();
        let url = loop {
            line.clear();
            if out.read_line(&mut line).unwrap_or(0) == 0 || started.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                panic!("azurite-blob did not say where it listens");
            }
            if let Some(u) = line.split_whitespace().find(|w| w.starts_with("http://")) {
                break u.trim_end_matches('/').to_string();
            }
        };
        // Keep reading its output, so that it never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while out.read_line(&mut sink).unwrap_or(0) > 0 {
                sink.clear();
            }
        });
        Some(Azurite {
            child,
            endpoint: format!("{url}/{ACCOUNT}"),
            _dir: dir,
        })
    }
}

impl Drop for Azurite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
