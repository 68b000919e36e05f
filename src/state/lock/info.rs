//! What a lock file says: who holds the state lock, and whether that holder,
//! when it runs on this host, is still running.
//!
//! The file carries Terraform's lock fields (`ID`, `Operation`, `Info`,
//! `Who`, `Version`, `Created`, `Path`, as `terraform force-unlock` and the
//! tools around it read them) beside aksplan's own (`pid`, `pid_start`,
//! `host`, `since`, `operation`), and reads a file with either set: the old
//! aksplan format had only aksplan's fields and no id. This module owns the
//! format and the liveness check; it never creates, renames or removes a
//! lock file.

use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::SystemTime;

/// Who holds the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockInfo {
    /// Unique to one taking of the lock. `None` in a file written before
    /// locks had ids.
    pub id: Option<String>,
    /// aksplan's name of the operation: `apply`, `plan`, `state rm`.
    pub operation: String,
    /// 0 when unknown (a lock written by another tool).
    pub pid: u32,
    /// When that process started (Linux: clock ticks after boot), so that a
    /// pid reused by another process is not taken for the holder.
    pub pid_start: Option<u64>,
    pub host: String,
    /// `user@host`.
    pub who: String,
    /// RFC 3339, UTC, to the second.
    pub since: String,
    /// Terraform's `Created`: RFC 3339, UTC, to the nanosecond.
    pub created: String,
}

/// Whether the holder is running, as far as this host can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    Running,
    /// Its process is gone: the lock is stale.
    Gone,
    /// On another host, or no way to tell: treated as running.
    Unknown,
}

impl LockInfo {
    /// This process's lock for `operation`, with a fresh id.
    pub fn ours(operation: &str) -> LockInfo {
        let host = hostname();
        let user = ["USER", "LOGNAME", "USERNAME"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|u| !u.is_empty()))
            .unwrap_or_else(|| "unknown".into());
        let pid = std::process::id();
        let now = SystemTime::now();
        LockInfo {
            id: Some(uuid::Uuid::new_v4().to_string()),
            operation: operation.to_string(),
            pid,
            pid_start: start_time(pid),
            who: format!("{user}@{host}"),
            host,
            since: humantime::format_rfc3339_seconds(now).to_string(),
            created: humantime::format_rfc3339_nanos(now).to_string(),
        }
    }

    /// Whether the holder is running; only a holder on this host can be known gone.
    pub fn liveness(&self) -> Liveness {
        if self.pid == 0 || self.host != hostname() {
            return Liveness::Unknown;
        }
        process_liveness(self.pid, self.pid_start)
    }

    /// The file's bytes. `state` is the state file the lock guards.
    pub fn encode(&self, state: &Path) -> Vec<u8> {
        let f = LockFile {
            id: self.id.clone(),
            tf_operation: Some(terraform_operation(&self.operation)),
            info: Some(String::new()),
            who: Some(self.who.clone()),
            version: Some(format!("aksplan {}", env!("CARGO_PKG_VERSION"))),
            created: Some(self.created.clone()),
            path: Some(state.display().to_string()),
            operation: Some(self.operation.clone()),
            pid: Some(self.pid),
            pid_start: self.pid_start,
            host: Some(self.host.clone()),
            since: Some(self.since.clone()),
        };
        let mut bytes = serde_json::to_vec_pretty(&f).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    /// Reads a lock file's bytes, in aksplan's format (old or new) or
    /// Terraform's; `None` when they are neither.
    pub fn decode(bytes: &[u8]) -> Option<LockInfo> {
        let f: LockFile = serde_json::from_slice(bytes).ok()?;
        if f.id.is_none() && f.pid.is_none() && f.who.is_none() {
            return None;
        }
        let host = f
            .host
            .or_else(|| {
                f.who
                    .as_deref()
                    .and_then(|w| w.rsplit_once('@'))
                    .map(|(_, h)| h.to_string())
            })
            .unwrap_or_else(|| "unknown".into());
        Some(LockInfo {
            id: f.id.filter(|i| !i.is_empty()),
            operation: f
                .operation
                .or(f.tf_operation)
                .filter(|o| !o.is_empty())
                .unwrap_or_else(|| "unknown".into()),
            pid: f.pid.unwrap_or(0),
            pid_start: f.pid_start,
            who: f.who.unwrap_or_else(|| format!("unknown@{host}")),
            host,
            since: f.since.or(f.created.clone()).unwrap_or_else(|| "unknown".into()),
            created: f.created.unwrap_or_default(),
        })
    }
}

impl std::fmt::Display for LockInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.pid == 0 {
            write!(f, "{} by {} since {}", self.operation, self.who, self.since)?;
        } else {
            write!(
                f,
                "{} by pid {} on {} since {}",
                self.operation, self.pid, self.host, self.since
            )?;
        }
        if let Some(id) = &self.id {
            write!(f, " (lock ID {id})")?;
        }
        Ok(())
    }
}

/// The file as JSON: Terraform's fields, then aksplan's. All optional, so
/// that either format reads.
#[derive(Debug, Default, Serialize, Deserialize)]
struct LockFile {
    #[serde(rename = "ID", default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(rename = "Operation", default)]
    tf_operation: Option<String>,
    #[serde(rename = "Info", default)]
    info: Option<String>,
    #[serde(rename = "Who", default)]
    who: Option<String>,
    #[serde(rename = "Version", default)]
    version: Option<String>,
    #[serde(rename = "Created", default)]
    created: Option<String>,
    #[serde(rename = "Path", default)]
    path: Option<String>,
    #[serde(default)]
    operation: Option<String>,
    #[serde(default)]
    pid: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pid_start: Option<u64>,
    #[serde(default)]
    host: Option<String>,
    #[serde(default)]
    since: Option<String>,
}

/// The `Operation` Terraform writes: its operation type for plan, apply and
/// refresh (destroy is an apply), the command's own name otherwise.
fn terraform_operation(op: &str) -> String {
    match op {
        "plan" => "OperationTypePlan".into(),
        "apply" | "destroy" => "OperationTypeApply".into(),
        "refresh" => "OperationTypeRefresh".into(),
        other => other.replace(' ', "-"),
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

/// When `pid` started, in clock ticks after boot (field 22 of
/// `/proc/PID/stat`, counted after the command name, which may hold spaces
/// and parentheses).
fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, after_name) = stat.rsplit_once(')')?;
    after_name.split_whitespace().nth(19)?.parse().ok()
}

fn process_liveness(pid: u32, started: Option<u64>) -> Liveness {
    if !cfg!(target_os = "linux") || !Path::new("/proc/self/stat").exists() {
        return Liveness::Unknown;
    }
    match start_time(pid) {
        None => Liveness::Gone,
        Some(now) if started.is_some_and(|s| s != now) => Liveness::Gone,
        Some(_) => Liveness::Running,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_lock_round_trips_with_terraform_fields_beside_ours() {
        let ours = LockInfo::ours("apply");
        let bytes = ours.encode(Path::new("/x/aksplan.tfstate"));
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        for field in ["ID", "Operation", "Info", "Who", "Version", "Created", "Path"] {
            assert!(json.get(field).is_some(), "{field} in {json}");
        }
        assert_eq!(json["Operation"], "OperationTypeApply");
        assert_eq!(json["Path"], "/x/aksplan.tfstate");
        assert_eq!(json["ID"], json!(ours.id));
        assert_eq!(LockInfo::decode(&bytes), Some(ours.clone()));
        assert_eq!(ours.liveness(), Liveness::Running);
    }

    use serde_json::json;

    #[test]
    fn the_old_format_and_terraforms_read() {
        let old = br#"{"pid": 42, "host": "h", "since": "2026-01-01T00:00:00Z", "operation": "apply"}"#;
        let info = LockInfo::decode(old).unwrap();
        assert_eq!((info.id.as_deref(), info.pid, info.host.as_str()), (None, 42, "h"));
        assert_eq!(info.liveness(), Liveness::Unknown, "another host");

        let tf = br#"{"ID":"5d2e","Operation":"OperationTypeApply","Info":"","Who":"ana@build-7","Version":"1.11.4","Created":"2026-01-01T00:00:00.5Z","Path":"terraform.tfstate"}"#;
        let info = LockInfo::decode(tf).unwrap();
        assert_eq!(info.id.as_deref(), Some("5d2e"));
        assert_eq!(info.operation, "OperationTypeApply");
        assert_eq!((info.pid, info.host.as_str()), (0, "build-7"));
        assert_eq!(
            info.to_string(),
            "OperationTypeApply by ana@build-7 since 2026-01-01T00:00:00.5Z (lock ID 5d2e)"
        );
        assert_eq!(info.liveness(), Liveness::Unknown);

        assert_eq!(LockInfo::decode(b"{}"), None);
        assert_eq!(LockInfo::decode(b"{\"pi"), None);
    }

    #[test]
    fn a_gone_or_reused_pid_on_this_host_is_gone() {
        if !cfg!(target_os = "linux") {
            return;
        }
        let mut info = LockInfo::ours("plan");
        info.pid_start = info.pid_start.map(|s| s + 1);
        assert_eq!(
            info.liveness(),
            Liveness::Gone,
            "the pid now belongs to another process"
        );
        info.pid = u32::MAX - 1;
        info.pid_start = None;
        assert_eq!(info.liveness(), Liveness::Gone);
    }
}
