//! Cloning a git package with the `git` binary, as go-getter does.
//!
//! Owns the commands: `git clone` (shallow with `--branch` when a depth is
//! given), `git checkout REF` for a tag, branch or commit, and submodules;
//! never a prompt (`GIT_TERMINAL_PROMPT=0`), never longer than a timeout,
//! and errors with git's own words, URL passwords hidden. The whole
//! repository stays in the target, `.git` included, as with terraform.

use super::package::redact;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one git command may run.
const TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// Clones `url` into `dest` (which must not exist) and checks out `reference`.
pub fn clone(url: &str, reference: Option<&str>, depth: Option<u32>, dest: &Path) -> Result<(), String> {
    let shown = redact(url);
    let mut args: Vec<String> = vec!["clone".into()];
    if let Some(d) = depth {
        // A shallow clone needs the branch or tag to clone; without a ref, the remote's default.
        let branch = match reference {
            Some(r) => r.to_string(),
            None => default_branch(url).unwrap_or_else(|| "master".into()),
        };
        args.extend(["--depth".into(), d.to_string(), "--branch".into(), branch]);
    }
    args.extend(["--".into(), url.into(), dest.display().to_string()]);
    if let Err(e) = run(&args, None) {
        let mut msg = format!("git clone of {shown} failed: {e}");
        if depth.is_some() && reference.is_some_and(looks_like_commit) {
            msg.push_str(" (note that setting 'depth' requires 'ref' to be a branch or tag name)");
        }
        return Err(msg);
    }
    if let (None, Some(r)) = (depth, reference) {
        run(&["checkout".into(), r.into()], Some(dest))
            .map_err(|e| format!("git checkout of {r:?} in {shown} failed: {e}"))?;
    }
    let mut sub: Vec<String> = ["submodule", "update", "--init", "--recursive"]
        .map(String::from)
        .to_vec();
    if let Some(d) = depth {
        sub.extend(["--depth".into(), d.to_string()]);
    }
    run(&sub, Some(dest))
        .map(|_| ())
        .map_err(|e| format!("git submodule update in {shown} failed: {e}"))
}

fn looks_like_commit(r: &str) -> bool {
    (7..=40).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The remote's default branch, from `git ls-remote --symref URL HEAD`.
fn default_branch(url: &str) -> Option<String> {
    let out = run(
        &["ls-remote".into(), "--symref".into(), url.into(), "HEAD".into()],
        None,
    )
    .ok()?;
    out.lines()
        .find_map(|l| l.strip_prefix("ref: refs/heads/"))
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_string)
}

/// Runs git with no prompt and no terminal, returning its stdout, or its
/// stderr as the error.
fn run(args: &[String], dir: Option<&Path>) -> Result<String, String> {
    let mut cmd = Command::new("git");
    cmd.args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let mut child = cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "git must be available and on the PATH".to_string(),
        _ => format!("cannot run git: {e}"),
    })?;
    // Read the pipes on threads, so a chatty git cannot fill them and stall.
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(o) = stdout.as_mut() {
            let _ = std::io::Read::read_to_string(o, &mut s);
        }
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(e) = stderr.as_mut() {
            let _ = std::io::Read::read_to_string(e, &mut s);
        }
        s
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "git {} took longer than {} minutes",
                    args[0],
                    TIMEOUT.as_secs() / 60
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("cannot wait for git: {e}")),
        }
    };
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    if status.success() {
        Ok(out)
    } else {
        let text = err
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with("Cloning into"))
            .collect::<Vec<_>>()
            .join("; ");
        Err(if text.is_empty() {
            format!("git exited with {status}")
        } else {
            redact_all(&text)
        })
    }
}

/// Hides passwords of URLs that git repeats in its messages.
fn redact_all(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            if w.contains("://") {
                redact(w.trim_matches('\''))
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
