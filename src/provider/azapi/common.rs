//! What azapi's types share: reading their configuration values, the
//! checks azapi makes on every body, ARM errors as diagnostics, and
//! sending a request under the type's `retry` and `timeouts`.
//!
//! No resource type is named here.

use super::ids::TypeRef;
use crate::diag::Diagnostic;
use crate::lang::value::Map;
use crate::lang::Value;
use crate::provider::arm::{ArmClient, ArmError, ArmRequest, ArmResponse, Method};
use crate::schema::Schema;
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A known, non-null string attribute.
pub fn string<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name).filter(|x| x.is_known()).and_then(Value::as_str)
}

/// Whether an attribute is set (neither null nor absent); unknown counts as set.
pub fn is_set(v: &Value, name: &str) -> bool {
    v.get(name).is_some_and(|x| !x.is_null())
}

/// Whether an attribute is unknown.
pub fn is_unknown(v: &Value, name: &str) -> bool {
    v.get(name).is_some_and(|x| !x.is_known())
}

/// A boolean attribute, or its default when left out.
pub fn flag(v: &Value, name: &str, default: bool) -> bool {
    v.get(name).and_then(Value::as_bool).unwrap_or(default)
}

/// The attribute, or null.
pub fn attr(v: &Value, name: &str) -> Value {
    v.get(name).cloned().unwrap_or_else(Value::null)
}

/// A value of the schema's object type: absent attributes typed nulls.
pub fn finish(schema: &Schema, m: Map) -> Value {
    crate::lang::types::conform(Value::Object(m), schema.block.object_type())
}

/// The configuration's attributes, as the start of a planned value.
pub fn copy_config(schema: &Schema, config: &Value) -> Map {
    let mut m = Map::new();
    for name in schema.block.attributes.keys().chain(schema.block.block_types.keys()) {
        m.insert(name.clone(), attr(config, name));
    }
    m
}

/// The `type` argument parsed; `Ok(None)` while it is unknown.
pub fn type_ref(config: &Value) -> Result<Option<TypeRef>, Diagnostic> {
    if is_unknown(config, "type") {
        return Ok(None);
    }
    let Some(t) = string(config, "type") else {
        return Err(Diagnostic::error("Missing required argument")
            .with_detail("The argument \"type\" is required, but no definition was found."));
    };
    TypeRef::parse(t).map(Some).map_err(|e| {
        Diagnostic::error("Invalid configuration").with_detail(format!("The argument \"type\" is invalid: {e}"))
    })
}

/// azapi 2.x takes a body as an object: a string (a 1.x `jsonencode(...)`)
/// is refused, as azapi refuses it.
pub fn body_not_string(config: &Value, attribute: &str) -> Option<Diagnostic> {
    let v = config.get(attribute)?;
    v.as_str().map(|_| {
        Diagnostic::error("Invalid Type")
            .with_detail(format!(
                "The value of \"{attribute}\" must not be a string: azapi 2.x takes it as an HCL object."
            ))
            .with_help(format!(
                "Write {attribute} = {{ properties = {{ ... }} }} instead of {attribute} = jsonencode({{ ... }}), as azapi's 2.0 upgrade guide says."
            ))
    })
}

/// azapi's write-only `sensitive_body` cannot reach apply: the provider
/// boundary gives apply the planned value, where write-only values are
/// never kept.
pub fn sensitive_body_unsupported() -> Diagnostic {
    Diagnostic::error("sensitive_body is not supported yet").with_detail(
        "aksplan cannot send azapi's write-only sensitive_body: its apply gets the planned value, which never holds write-only values. Move those properties into body (with sensitive values) for now.",
    )
}

/// `response_export_values` (or the sensitive one) in a form azapi takes.
pub fn export_values_ok(config: &Value, attribute: &str) -> Option<Diagnostic> {
    super::output::check(&attr(config, attribute), attribute)
        .map(|problem| Diagnostic::error("Invalid configuration").with_detail(problem))
}

/// An ARM error as a diagnostic, keeping Azure's code and message.
pub fn arm_error(summary: &str, what: &str, e: &ArmError) -> Diagnostic {
    Diagnostic::error(summary.to_string()).with_detail(format!("{what}: {}: {}", e.code, e.message))
}

/// The value of a wholly known JSON-able attribute.
pub fn json_of(v: &Value, name: &str) -> Option<Json> {
    v.get(name).and_then(super::body::to_json)
}

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

/// The identity block (`type`, `identity_ids`) as ARM's `identity` object.
pub fn expand_identity(identity: &Value) -> Option<Json> {
    let ty = identity.get("type").and_then(Value::as_str)?;
    let mut out = serde_json::Map::new();
    out.insert("type".into(), Json::String(ty.to_string()));
    let ids: Vec<&str> = identity
        .get("identity_ids")
        .and_then(Value::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if !ids.is_empty() {
        let m = ids.iter().map(|id| (id.to_string(), Json::Object(Default::default())));
        out.insert("userAssignedIdentities".into(), Json::Object(m.collect()));
    }
    Some(Json::Object(out))
}

/// ARM's `identity` object as an identity block's value.
pub fn flatten_identity(identity: &Json) -> Option<Value> {
    let ty = identity.get("type").and_then(Json::as_str)?;
    let ids: Vec<Value> = identity
        .get("userAssignedIdentities")
        .and_then(Json::as_object)
        .map(|m| m.keys().map(|k| Value::string(k.as_str())).collect())
        .unwrap_or_default();
    let s = |k: &str| {
        identity
            .get(k)
            .and_then(Json::as_str)
            .map_or_else(|| Value::Null(crate::lang::types::Type::String), Value::string)
    };
    Some(Value::Object(Map::from([
        ("type".to_string(), Value::string(ty)),
        ("identity_ids".to_string(), Value::list(ids)),
        ("principal_id".to_string(), s("principalId")),
        ("tenant_id".to_string(), s("tenantId")),
    ])))
}

/// Whether two identity types are the same (`SystemAssigned, UserAssigned`
/// is also written without the space).
pub fn same_identity_type(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.replace(' ', "").to_ascii_lowercase();
    norm(a) == norm(b)
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

    #[test]
    fn identities_round_trip() {
        let block = crate::lang::eval::eval_standalone(
            r#"{ type = "SystemAssigned, UserAssigned", identity_ids = ["/subscriptions/s/x"] }"#,
        )
        .unwrap();
        let arm = expand_identity(&block).unwrap();
        assert_eq!(
            arm,
            serde_json::json!({"type": "SystemAssigned, UserAssigned", "userAssignedIdentities": {"/subscriptions/s/x": {}}})
        );
        let back = flatten_identity(
            &serde_json::json!({"type": "SystemAssigned,UserAssigned", "principalId": "p",
            "userAssignedIdentities": {"/subscriptions/s/x": {"clientId": "c"}}}),
        )
        .unwrap();
        assert_eq!(back.get("principal_id").and_then(Value::as_str), Some("p"));
        assert!(same_identity_type(
            "SystemAssigned, UserAssigned",
            "systemassigned,userassigned"
        ));
    }
}
