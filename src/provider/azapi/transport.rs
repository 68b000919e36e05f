//! Sending ARM requests the way an azapi type's arguments ask: `retry`
//! (errors to retry, and how long to wait), `timeouts` (Go durations) and
//! `locks` (ids whose operations run one at a time).

use super::ids::TypeRef;
use crate::lang::Value;
use crate::provider::arm::{ArmClient, ArmError, ArmRequest, ArmResponse, Method};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A `timeouts` entry (`create = "30m"`, Go's duration syntax), or `default`.
pub fn timeout(v: &Value, operation: &str, default: Duration) -> Duration {
    v.get("timeouts")
        .and_then(|t| t.get(operation))
        .and_then(Value::as_str)
        .and_then(go_duration)
        .unwrap_or(default)
}

/// Parses Go's duration syntax: `300ms`, `1.5h`, `2h45m`.
pub fn go_duration(s: &str) -> Option<Duration> {
    let mut rest = s.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0f64;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds = match &rest[..u] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += number * seconds;
        rest = &rest[u..];
    }
    Some(Duration::from_secs_f64(total))
}

/// The `retry` argument: errors whose message matches one of the patterns
/// are retried, waiting `interval` and then longer, up to `max_interval`.
#[derive(Debug, Clone)]
pub struct Retry {
    patterns: Vec<regex::Regex>,
    pub interval: Duration,
    pub max_interval: Duration,
    pub multiplier: f64,
}

impl Retry {
    /// Reads `retry`; `Ok(None)` when it is not set.
    pub fn from_config(v: &Value) -> Result<Option<Retry>, String> {
        let Some(r) = v.get("retry").filter(|r| !r.is_null()) else {
            return Ok(None);
        };
        let mut patterns = Vec::new();
        for p in r.get("error_message_regex").and_then(Value::as_seq).unwrap_or(&[]) {
            let p = p.as_str().unwrap_or_default();
            patterns.push(regex::Regex::new(p).map_err(|e| format!("retry.error_message_regex {p:?}: {e}"))?);
        }
        let seconds = |name: &str, default: f64| r.get(name).and_then(Value::as_number).map_or(default, |n| n.to_f64());
        Ok(Some(Retry {
            patterns,
            interval: Duration::from_secs_f64(seconds("interval_seconds", 10.0).max(0.0)),
            max_interval: Duration::from_secs_f64(seconds("max_interval_seconds", 180.0).max(0.0)),
            multiplier: seconds("multiplier", 1.5).max(1.0),
        }))
    }

    pub fn matches(&self, e: &ArmError) -> bool {
        let text = format!("{}: {}", e.code, e.message);
        self.patterns.iter().any(|p| p.is_match(&text))
    }
}

/// azapi's `locks`: operations naming the same id (a virtual network its
/// subnets are created in) run one at a time, as Azure wants them.
#[derive(Debug, Default)]
pub struct Locks(std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>);

impl Locks {
    /// Waits for the `locks` of `v` (ids, in any case), taken in one order
    /// so that two operations never wait for each other.
    pub async fn acquire(&self, v: &Value) -> Vec<tokio::sync::OwnedMutexGuard<()>> {
        let mut ids: Vec<String> = v
            .get("locks")
            .and_then(Value::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|id| id.as_str().map(str::to_ascii_lowercase))
            .collect();
        ids.sort();
        ids.dedup();
        let mutexes: Vec<_> = {
            let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
            ids.into_iter().map(|id| map.entry(id).or_default().clone()).collect()
        };
        let mut guards = Vec::with_capacity(mutexes.len());
        for m in mutexes {
            guards.push(m.lock_owned().await);
        }
        guards
    }
}

/// Sends a request, retrying the errors `retry` names until `timeout`.
pub async fn send<C: ArmClient>(
    client: &C,
    req: ArmRequest,
    retry: Option<&Retry>,
    timeout: Duration,
) -> Result<ArmResponse, ArmError> {
    let deadline = Instant::now() + timeout;
    let mut wait = retry.map_or(Duration::ZERO, |r| r.interval);
    loop {
        match client.send(req.clone()).await {
            Err(e) if retry.is_some_and(|r| r.matches(&e)) && Instant::now() + wait < deadline => {
                tokio::time::sleep(wait).await;
                let r = retry.expect("checked above");
                wait = wait.mul_f64(r.multiplier).min(r.max_interval);
            }
            other => return other,
        }
    }
}

/// A request.
pub fn request(method: Method, path: impl Into<String>, t: &TypeRef, body: Option<Json>) -> ArmRequest {
    ArmRequest {
        method,
        path: path.into(),
        api_version: t.api_version.clone(),
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn operations_naming_the_same_lock_wait_for_each_other() {
        let locks = Locks::default();
        let a = crate::lang::eval::eval_standalone(r#"{ locks = ["/subscriptions/s/x", "/b"] }"#).unwrap();
        let b = crate::lang::eval::eval_standalone(r#"{ locks = ["/SUBSCRIPTIONS/S/X"] }"#).unwrap();
        let other = crate::lang::eval::eval_standalone(r#"{ locks = ["/c"] }"#).unwrap();
        let held = locks.acquire(&a).await;
        assert_eq!(held.len(), 2);
        let short = Duration::from_millis(20);
        assert!(tokio::time::timeout(short, locks.acquire(&b)).await.is_err());
        assert!(tokio::time::timeout(short, locks.acquire(&other)).await.is_ok());
        drop(held);
        assert!(tokio::time::timeout(short, locks.acquire(&b)).await.is_ok());
    }

    /// Fails with PrincipalNotFound until its third call.
    struct Flaky(std::sync::atomic::AtomicUsize);

    impl ArmClient for Flaky {
        fn send(&self, _: ArmRequest) -> impl std::future::Future<Output = Result<ArmResponse, ArmError>> + Send {
            let n = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async move {
                if n < 2 {
                    Err(ArmError::new(
                        400,
                        "PrincipalNotFound",
                        "Principal p does not exist in the directory.",
                    ))
                } else {
                    Ok(ArmResponse {
                        status: 200,
                        body: Json::Null,
                    })
                }
            }
        }
        fn describe(&self) -> String {
            "flaky".into()
        }
        fn subscription(&self) -> &str {
            "s"
        }
        fn tenant(&self) -> &str {
            "t"
        }
    }

    #[tokio::test]
    async fn matching_errors_are_retried_until_the_timeout() {
        let t = TypeRef::parse("Microsoft.Authorization/roleAssignments@2022-04-01").unwrap();
        let req = request(Method::Put, "/x", &t, None);
        let cfg = crate::lang::eval::eval_standalone(r#"{ retry = { error_message_regex = ["PrincipalNotFound"] } }"#)
            .unwrap();
        let mut retry = Retry::from_config(&cfg).unwrap().unwrap();
        retry.interval = Duration::from_millis(1);
        let flaky = Flaky(Default::default());
        let minute = Duration::from_secs(60);
        assert!(send(&flaky, req.clone(), Some(&retry), minute).await.is_ok());
        assert_eq!(flaky.0.load(std::sync::atomic::Ordering::SeqCst), 3);
        // Without retry, or past the timeout, the first error stands.
        let flaky = Flaky(Default::default());
        assert!(send(&flaky, req.clone(), None, minute).await.is_err());
        let flaky = Flaky(Default::default());
        assert!(send(&flaky, req, Some(&retry), Duration::ZERO).await.is_err());
        assert_eq!(flaky.0.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn go_durations_parse() {
        assert_eq!(go_duration("30m"), Some(Duration::from_secs(1800)));
        assert_eq!(go_duration("2h45m"), Some(Duration::from_secs(9900)));
        assert_eq!(go_duration("1.5h"), Some(Duration::from_secs(5400)));
        assert_eq!(go_duration("300ms"), Some(Duration::from_millis(300)));
        assert_eq!(go_duration("5 minutes"), None);
        assert_eq!(go_duration(""), None);
    }

    #[test]
    fn retry_matches_code_or_message() {
        let cfg = crate::lang::eval::eval_standalone(
            r#"{ retry = { error_message_regex = ["PrincipalNotFound", "does not exist"] } }"#,
        )
        .unwrap();
        let r = Retry::from_config(&cfg).unwrap().unwrap();
        assert!(r.matches(&ArmError::new(400, "PrincipalNotFound", "x")));
        assert!(r.matches(&ArmError::new(400, "Other", "the principal does not exist")));
        assert!(!r.matches(&ArmError::new(400, "Conflict", "busy")));
        assert_eq!(r.interval, Duration::from_secs(10));
        let bad = crate::lang::eval::eval_standalone(r#"{ retry = { error_message_regex = ["("] } }"#).unwrap();
        assert!(Retry::from_config(&bad).is_err());
    }
}
