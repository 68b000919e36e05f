//! `aksplan sim serve` started for a test: on a free loopback port, its
//! address read from the first line it prints, killed when dropped.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};

pub struct SimServe {
    pub child: Child,
    /// Where it answers: `http://127.0.0.1:PORT`.
    pub url: String,
    /// The first line it printed.
    pub banner: String,
    /// Kept open for as long as the server runs, unless drained.
    stdout: Option<BufReader<ChildStdout>>,
}

impl SimServe {
    /// Starts `aksplan sim serve --addr 127.0.0.1:0 --data DATA ARGS...` in
    /// `cwd` with a clean environment, its standard error to `stderr`.
    pub fn start(cwd: &Path, data: &Path, args: &[&str], stderr: Stdio) -> SimServe {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("aksplan"))
            .current_dir(cwd)
            .env_clear()
            .args(["sim", "serve", "--addr", "127.0.0.1:0", "--data"])
            .arg(data)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut banner = String::new();
        stdout.read_line(&mut banner).unwrap();
        let url = banner
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {banner:?}"))
            .trim_end_matches('/')
            .to_string();
        SimServe {
            child,
            url,
            banner,
            stdout: Some(stdout),
        }
    }

    /// `host:port`, without the scheme.
    pub fn host(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    /// Reads what it prints from now on in the background, so that a busy
    /// server never blocks on a full pipe.
    pub fn drain(&mut self) {
        if let Some(mut out) = self.stdout.take() {
            std::thread::spawn(move || {
                let mut sink = String::new();
                while out.read_line(&mut sink).unwrap_or(0) > 0 {
                    sink.clear();
                }
            });
        }
    }

    /// Stops it (again is fine).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SimServe {
    fn drop(&mut self) {
        self.stop();
    }
}
