//! The azurerm backend's lock: a lease on the state blob, held for the whole
//! run, with who holds it in the blob's metadata.
//!
//! The lease lasts 60 seconds and a background thread renews it every 15,
//! so that a run that dies leaves a lock that expires by itself; a run
//! that dies on this host is seen as gone (its pid no longer lives) and
//! its lease broken at once. The holder goes in the `terraformlockid`
//! metadata as Terraform's azurerm backend writes it (base64 of its
//! LockInfo JSON: ID, Operation, Info, Who, Version, Created, Path), so
//! that terraform and aksplan each name the other's runs.
//!
//! A lease can be lost: broken by `force-unlock` or in the portal, or
//! expired after renewals failed for its whole duration. Then [`Held`]
//! says why, sets the flags given to it (so an apply stops starting
//! operations), and the lock is never released: the next holder's lease
//! is not ours to release.

use super::blob::{BlobClient, BlobError, LeaseAction};
use crate::state::backend::{Holder, LockError, Seen, StateLock, UnlockError};
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// The metadata name Terraform keeps the lock info under.
pub const LOCK_META: &str = "terraformlockid";
/// How long a lease lasts unless renewed.
pub const LEASE_SECONDS: u32 = 60;
const RENEW_EVERY: Duration = Duration::from_secs(15);

/// Terraform's `statemgr.LockInfo`, as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(rename = "Operation")]
    pub operation: String,
    #[serde(rename = "Info")]
    pub info: String,
    #[serde(rename = "Who")]
    pub who: String,
    #[serde(rename = "Version")]
    pub version: String,
    #[serde(rename = "Created")]
    pub created: String,
    #[serde(rename = "Path")]
    pub path: String,
}

impl LockInfo {
    /// This run's lock info: `operation` as Terraform names its operations
    /// (`OperationTypeApply`), aksplan's pid in `Info`.
    pub fn ours(operation: &str, path: &str, id: &str) -> LockInfo {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_default();
        LockInfo {
            id: id.to_string(),
            operation: match operation {
                "plan" => "OperationTypePlan".into(),
                "apply" | "destroy" => "OperationTypeApply".into(),
                other => other.to_string(),
            },
            info: format!("aksplan pid {} {operation}", std::process::id()),
            who: format!("{user}@{}", crate::state::lock::hostname()),
            version: format!("aksplan {}", env!("CARGO_PKG_VERSION")),
            created: humantime::format_rfc3339_nanos(SystemTime::now()).to_string(),
            path: path.to_string(),
        }
    }

    /// As the metadata value: base64 of the JSON.
    pub fn encode(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    pub fn decode(value: &str) -> Option<LockInfo> {
        let bytes = base64::engine::general_purpose::STANDARD.decode(value.trim()).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// The aksplan run's pid and operation, when aksplan took it.
    fn aksplan_run(&self) -> Option<(u32, &str)> {
        let rest = self.info.strip_prefix("aksplan pid ")?;
        let (pid, op) = rest.split_once(' ').unwrap_or((rest, ""));
        Some((pid.parse().ok()?, op))
    }

    fn host(&self) -> &str {
        self.who.rsplit_once('@').map_or("", |(_, h)| h)
    }

    /// Who holds it, in words.
    pub fn holder(&self) -> Holder {
        let since = self.since();
        let description = match self.aksplan_run() {
            Some((pid, op)) => format!("{op} by pid {pid} on {} since {since}", self.host()),
            None => format!(
                "{} by {} ({}) since {since}",
                self.operation_word(),
                self.who,
                self.version
            ),
        };
        Holder {
            description,
            id: Some(self.id.clone()),
        }
    }

    /// As the local lock's info, which `drift` shows.
    pub fn as_lock_info(&self) -> crate::state::lock::LockInfo {
        let (pid, operation) = match self.aksplan_run() {
            Some((pid, op)) => (pid, op.to_string()),
            None => (0, self.operation_word().to_string()),
        };
        crate::state::lock::LockInfo {
            id: Some(self.id.clone()),
            operation,
            pid,
            pid_start: None,
            host: self.host().to_string(),
            who: self.who.clone(),
            since: self.since(),
            created: self.created.clone(),
        }
    }

    /// Terraform's operation, as aksplan names it.
    fn operation_word(&self) -> &str {
        match self.operation.as_str() {
            "OperationTypeApply" => "apply",
            "OperationTypePlan" => "plan",
            "OperationTypeRefresh" => "refresh",
            other => other,
        }
    }

    /// `Created`, to the second.
    fn since(&self) -> String {
        self.created.get(..19).map_or(self.created.clone(), |s| format!("{s}Z"))
    }

    /// Whether the run holding it is an aksplan run on this host that is gone.
    fn is_stale(&self) -> bool {
        match self.aksplan_run() {
            Some((pid, _)) => self.host() == crate::state::lock::hostname() && !alive(pid),
            None => false,
        }
    }

    /// Whether the run holding it is an aksplan run on this host still alive.
    fn is_alive_here(&self) -> bool {
        match self.aksplan_run() {
            Some((pid, _)) => self.host() == crate::state::lock::hostname() && alive(pid),
            None => false,
        }
    }
}

fn alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

/// A lease this run holds, shared by the lock and the state it guards.
#[derive(Debug)]
pub struct Held {
    pub id: String,
    /// The `terraformlockid` value this run wrote.
    pub meta: String,
    lost: Mutex<Option<String>>,
    flags: Mutex<Vec<Arc<AtomicBool>>>,
    renewed: Mutex<Instant>,
}

impl Held {
    /// Why the lease is no longer held, if it is not.
    pub fn lost(&self) -> Option<String> {
        self.lost.lock().ok().and_then(|l| l.clone())
    }

    /// Records that the lease is lost, and why, and raises the flags.
    pub fn mark_lost(&self, why: String) {
        if let Ok(mut l) = self.lost.lock() {
            if l.is_none() {
                *l = Some(why);
            }
        }
        if let Ok(flags) = self.flags.lock() {
            for f in flags.iter() {
                f.store(true, Ordering::SeqCst);
            }
        }
    }

    /// Renews the lease now unless it was renewed less than `fresh` ago;
    /// an error says why it is lost.
    pub fn check(&self, client: &BlobClient, blob: &str, fresh: Duration) -> Result<(), String> {
        if let Some(why) = self.lost() {
            return Err(why);
        }
        let last = self.renewed.lock().map(|t| *t).unwrap_or_else(|_| Instant::now());
        if last.elapsed() < fresh {
            return Ok(());
        }
        self.renew(client, blob)
    }

    fn renew(&self, client: &BlobClient, blob: &str) -> Result<(), String> {
        match client.lease(blob, LeaseAction::Renew(&self.id), None) {
            Ok(_) => {
                if let Ok(mut t) = self.renewed.lock() {
                    *t = Instant::now();
                }
                Ok(())
            }
            Err(e) if matches!(e.status, 404 | 409 | 412) => {
                let why = lost_reason(&e);
                self.mark_lost(why.clone());
                Err(why)
            }
            Err(e) => {
                let since = self.renewed.lock().map(|t| t.elapsed()).unwrap_or_default();
                if since >= Duration::from_secs(u64::from(LEASE_SECONDS)) {
                    let why = format!("the blob's lease expired: it could not be renewed for {LEASE_SECONDS} s ({e})");
                    self.mark_lost(why.clone());
                    return Err(why);
                }
                Ok(())
            }
        }
    }
}

/// Why a lease operation says the lease is gone.
pub fn lost_reason(e: &BlobError) -> String {
    match e.code.as_str() {
        "LeaseIsBrokenAndCannotBeRenewed" | "LeaseIsBreakingAndCannotBeAcquired" => {
            "the blob's lease was broken (by force-unlock, or in the portal)".into()
        }
        "LeaseIdMismatchWithLeaseOperation" | "LeaseIdMismatchWithBlobOperation" => {
            "the blob's lease is another run's now".into()
        }
        "LeaseNotPresentWithLeaseOperation" | "LeaseNotPresentWithBlobOperation" | "LeaseLost" => {
            "the blob's lease is gone (broken, or expired)".into()
        }
        "BlobNotFound" => "the state blob was deleted".into(),
        _ => format!("the blob's lease could not be renewed: {e}"),
    }
}

/// A held lease; dropping it releases it, unless it was lost.
pub struct LeaseLock {
    held: Arc<Held>,
    client: BlobClient,
    blob: String,
    /// Where the guarded state looks for the lease; emptied on release.
    slot: Arc<Mutex<Option<Arc<Held>>>>,
    stop: Option<mpsc::Sender<()>>,
    renewer: Option<std::thread::JoinHandle<()>>,
}

impl StateLock for LeaseLock {
    fn lost(&self) -> Option<String> {
        self.held.lost()
    }

    fn on_lost(&self, flag: Arc<AtomicBool>) {
        if self.held.lost().is_some() {
            flag.store(true, Ordering::SeqCst);
        }
        if let Ok(mut f) = self.held.flags.lock() {
            f.push(flag);
        }
    }
}

impl Drop for LeaseLock {
    fn drop(&mut self) {
        self.stop.take();
        if let Some(t) = self.renewer.take() {
            let _ = t.join();
        }
        if let Ok(mut s) = self.slot.lock() {
            *s = None;
        }
        if self.held.lost().is_some() {
            return;
        }
        // The lock info goes first, while the lease still guards the blob.
        if let Ok(Some(p)) = self.client.properties(&self.blob) {
            let mut meta = p.metadata;
            if meta.get(LOCK_META) == Some(&self.held.meta) {
                meta.remove(LOCK_META);
                let _ = self.client.set_metadata(&self.blob, &meta, Some(&self.held.id));
            }
        }
        let _ = self.client.lease(&self.blob, LeaseAction::Release(&self.held.id), None);
    }
}

/// Takes the lease of `blob` for `operation`, waiting up to `timeout`. The
/// blob is created (empty) if it does not exist, as Terraform does, so that
/// there is something to lease.
pub fn acquire(
    client: &BlobClient,
    blob: &str,
    path: &str,
    operation: &str,
    timeout: Duration,
    slot: Arc<Mutex<Option<Arc<Held>>>>,
) -> Result<LeaseLock, LockError> {
    let failed = |e: BlobError| LockError::Failed(format!("{}: {e}", client.url_of(blob)));
    let deadline = Instant::now() + timeout;
    loop {
        let Some(props) = client.properties(blob).map_err(failed)? else {
            match client.put(blob, Vec::new(), &BTreeMap::new(), None, true) {
                Err(e) if e.status != 409 && e.status != 412 => return Err(failed(e)),
                _ => continue,
            }
        };
        let proposed = uuid::Uuid::new_v4().to_string();
        let acquired = client.lease(
            blob,
            LeaseAction::Acquire {
                seconds: LEASE_SECONDS,
                proposed: &proposed,
            },
            None,
        );
        match acquired {
            Ok(id) => {
                let id = if id.is_empty() { proposed } else { id };
                let info = LockInfo::ours(operation, path, &id);
                let mut meta = props.metadata;
                meta.insert(LOCK_META.into(), info.encode());
                if let Err(e) = client.set_metadata(blob, &meta, Some(&id)) {
                    let _ = client.lease(blob, LeaseAction::Release(&id), None);
                    return Err(failed(e));
                }
                return Ok(start(client, blob, id, info.encode(), slot));
            }
            Err(e) if e.status == 409 => {
                let now = client.properties(blob).map_err(failed)?.unwrap_or_default();
                let info = now.metadata.get(LOCK_META).and_then(|v| LockInfo::decode(v));
                if info.as_ref().is_some_and(LockInfo::is_stale) {
                    // Its run is gone: break the lease, unless the blob changed since.
                    let _ = client.lease(blob, LeaseAction::Break, Some(&now.etag));
                    continue;
                }
                if Instant::now() >= deadline {
                    return Err(LockError::Held(info.map_or_else(
                        || Holder {
                            description: "a lease on the state blob without lock info (being taken, or not by aksplan or terraform)"
                                .into(),
                            id: None,
                        },
                        |i| i.holder(),
                    )));
                }
                std::thread::sleep(Duration::from_millis(500).min(deadline.saturating_duration_since(Instant::now())));
            }
            Err(e) => return Err(failed(e)),
        }
    }
}

/// The lock, with its renewing thread started.
fn start(client: &BlobClient, blob: &str, id: String, meta: String, slot: Arc<Mutex<Option<Arc<Held>>>>) -> LeaseLock {
    let held = Arc::new(Held {
        id,
        meta,
        lost: Mutex::new(None),
        flags: Mutex::new(Vec::new()),
        renewed: Mutex::new(Instant::now()),
    });
    if let Ok(mut s) = slot.lock() {
        *s = Some(held.clone());
    }
    let (stop, stopped) = mpsc::channel::<()>();
    let renewer = {
        let (held, client, blob) = (held.clone(), client.clone(), blob.to_string());
        std::thread::Builder::new()
            .name("aksplan-lease".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(RENEW_EVERY) {
                    if held.lost().is_some() {
                        return;
                    }
                    let _ = held.renew(&client, &blob);
                }
            })
            .ok()
    };
    LeaseLock {
        held,
        client: client.clone(),
        blob: blob.to_string(),
        slot,
        stop: Some(stop),
        renewer,
    }
}

/// The lease on `blob` as it is now, with its holder, without taking it.
pub fn seen(client: &BlobClient, blob: &str) -> Result<Option<Seen>, String> {
    let url = client.url_of(blob);
    let Some(p) = client.properties(blob).map_err(|e| format!("{url}: {e}"))? else {
        return Ok(None);
    };
    if p.lease_state != "leased" {
        return Ok(None);
    }
    Ok(Some(
        match p.metadata.get(LOCK_META).and_then(|v| LockInfo::decode(v)) {
            Some(i) => Seen::Held {
                stale: i.is_stale(),
                info: i.as_lock_info(),
            },
            None => Seen::Unreadable,
        },
    ))
}

/// Breaks the lease of `blob` and removes the lock info; returns who held
/// it, or `None` if nobody did. Refused when `id` is given and the lock has
/// another, and, unless `force`, when an aksplan run on this host still
/// holds it.
pub fn force_unlock(
    client: &BlobClient,
    blob: &str,
    id: Option<&str>,
    force: bool,
) -> Result<Option<Holder>, UnlockError> {
    let url = client.url_of(blob);
    let Some(p) = client
        .properties(blob)
        .map_err(|e| UnlockError::Failed(format!("{url}: {e}")))?
    else {
        return Ok(None);
    };
    if p.lease_state != "leased" && p.lease_state != "breaking" {
        return Ok(None);
    }
    let info = p.metadata.get(LOCK_META).and_then(|v| LockInfo::decode(v));
    let holder = info.as_ref().map_or_else(
        || Holder {
            description: "a lease without lock info".into(),
            id: None,
        },
        LockInfo::holder,
    );
    if let Some(asked) = id {
        if holder.id.as_deref() != Some(asked) {
            return Err(UnlockError::OtherId {
                held: Some(holder),
                asked: asked.to_string(),
            });
        }
    }
    if !force && info.as_ref().is_some_and(LockInfo::is_alive_here) {
        return Err(UnlockError::Alive(holder));
    }
    client
        .lease(blob, LeaseAction::Break, Some(&p.etag))
        .map_err(|e| UnlockError::Failed(format!("cannot break the lease of {url}: {e}")))?;
    let mut meta = p.metadata;
    if meta.remove(LOCK_META).is_some() {
        client.set_metadata(blob, &meta, None).map_err(|e| {
            UnlockError::Failed(format!(
                "the lease of {url} is broken, but its lock info could not be removed: {e}"
            ))
        })?;
    }
    Ok(Some(holder))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_info_is_terraforms_json_in_base64() {
        let i = LockInfo::ours("apply", "tfstate/prod.tfstate", "lease-1");
        let json: serde_json::Value =
            serde_json::from_slice(&base64::engine::general_purpose::STANDARD.decode(i.encode()).unwrap()).unwrap();
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            vec!["ID", "Operation", "Info", "Who", "Version", "Created", "Path"]
        );
        assert_eq!(json["Operation"], "OperationTypeApply");
        assert_eq!(json["Path"], "tfstate/prod.tfstate");
        assert_eq!(LockInfo::decode(&i.encode()), Some(i.clone()));
        let h = i.holder();
        assert!(
            h.description
                .starts_with(&format!("apply by pid {} on ", std::process::id())),
            "{}",
            h.description
        );
        assert_eq!(h.id.as_deref(), Some("lease-1"));
        // A live run on this host is not stale; a gone one is.
        assert!(!i.is_stale());
        let gone = LockInfo {
            info: format!("aksplan pid {} apply", u32::MAX - 1),
            ..i
        };
        assert!(gone.is_stale());
    }

    #[test]
    fn terraforms_lock_info_is_named_too() {
        // As terraform 1.11's azurerm backend writes it.
        let theirs = r#"{"ID":"7f1e","Operation":"OperationTypePlan","Info":"","Who":"ana@laptop","Version":"1.11.4","Created":"2026-12-01T10:00:00.123456789Z","Path":"tfstate/prod.tfstate"}"#;
        let i = LockInfo::decode(&base64::engine::general_purpose::STANDARD.encode(theirs)).unwrap();
        assert_eq!(
            i.holder().to_string(),
            "plan by ana@laptop (1.11.4) since 2026-12-01T10:00:00Z (lock ID 7f1e)"
        );
        assert!(!i.is_stale());
    }
}
