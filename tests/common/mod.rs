//! Helpers shared by the integration tests: run the real binary in a
//! directory with a clean environment, and write configuration files.
#![allow(dead_code)]

pub mod sim_serve;

use assert_cmd::Command;
use std::path::Path;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs aksplan in `dir` with a clean environment (no TF_VAR_, no colour).
pub fn aksplan(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("aksplan").unwrap();
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd
}

pub fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

pub fn run(dir: &Path, args: &[&str]) -> Run {
    run_env(dir, args, &[])
}

pub fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = aksplan(dir);
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs aksplan with `input` on standard input.
pub fn run_stdin(dir: &Path, args: &[&str], input: &str) -> Run {
    let out = aksplan(dir).args(args).write_stdin(input).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Copies an example, with its module directories, into a fresh
/// directory, so tests never share state.
pub fn example(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name),
        dir.path(),
    );
    dir
}

/// Copies the files of `from` into `to`, recursively, leaving out what runs
/// leave behind (`.aksplan`, `.terraform`, state files).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap();
        if name.to_string_lossy().starts_with('.') || name.to_string_lossy().ends_with(".tfstate") {
            continue;
        }
        if p.is_dir() {
            copy_tree(&p, &to.join(name));
        } else {
            std::fs::copy(&p, to.join(name)).unwrap();
        }
    }
}

/// Text with every run of whitespace made one space, so that a phrase
/// is found wherever the diagnostics renderer wrapped its line.
pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A text plan without Terraform's refresh lines (`X: Refreshing state...`,
/// one for every resource in state): what the plan itself says.
pub fn without_refresh_lines(stdout: &str) -> String {
    stdout
        .lines()
        .filter(|l| !l.contains(": Refreshing state..."))
        .map(|l| format!("{l}\n"))
        .collect()
}
