//! Azure Resource Manager over HTTP: the only place that speaks HTTP to a
//! cloud, holds credentials, retries and polls long-running operations.
//!
//! [`AzureClient`] answers the same [`ArmClient`] calls as the in-process
//! simulation, against https://management.azure.com or any ARM-compatible
//! endpoint (`aksplan sim serve`). One call to [`ArmClient::send`] is one
//! whole operation: transient failures are retried ([`retry`]), a 201/202
//! is followed to its end ([`lro`]) and, for a PUT or PATCH, the resource is
//! read back, so callers see only final results or ARM's error. Concurrency
//! adapts to throttling ([`throttle`]). Nothing here knows azurerm.

pub mod credential;
mod lro;
pub mod retry;
mod throttle;

use super::arm::{ArmClient, ArmError, ArmRequest, ArmResponse, Method};
use credential::Credential;
use reqwest::header::HeaderMap;
use retry::Policy;
use serde_json::Value as Json;
use std::time::{Duration, Instant};

/// Azure's public cloud.
pub const PUBLIC_ENDPOINT: &str = "https://management.azure.com";
/// The api-version of subscription reads.
const SUBSCRIPTIONS_API: &str = "2022-12-01";
/// How long to wait between polls when ARM does not say.
const DEFAULT_POLL: Duration = Duration::from_secs(10);
/// Requests in flight at once before any throttling.
const MAX_IN_FLIGHT: usize = 32;

pub struct AzureClient {
    http: reqwest::Client,
    /// `https://management.azure.com`, without a trailing slash.
    endpoint: reqwest::Url,
    credential: Credential,
    subscription: String,
    tenant: String,
    policy: Policy,
    limiter: throttle::Limiter,
    /// Where one line per HTTP request goes (method, path, status, time).
    log: Option<LogFn>,
}

/// Takes one log line about a request: method, path and query, status and
/// time, never a header or a body. The caller decides where it goes.
pub type LogFn = std::sync::Arc<RequestLog>;

/// A log callback behind a thin pointer (the client stays small).
pub struct RequestLog(Box<dyn Fn(&str) + Send + Sync>);

impl RequestLog {
    pub fn new(f: impl Fn(&str) + Send + Sync + 'static) -> LogFn {
        std::sync::Arc::new(RequestLog(Box::new(f)))
    }
}

/// One HTTP answer, before it is judged.
struct Reply {
    status: u16,
    headers: HeaderMap,
    body: Json,
}

/// What [`AzureClient::connect`] needs.
pub struct Settings {
    pub endpoint: String,
    pub credential: Credential,
    /// `ARM_SUBSCRIPTION_ID`; found from the credential when it sees only one.
    pub subscription: Option<String>,
    /// `ARM_TENANT_ID`; read from the subscription when not given.
    pub tenant: Option<String>,
    pub policy: Policy,
    pub log: Option<LogFn>,
}

impl AzureClient {
    /// Opens a client and settles the subscription and tenant.
    pub async fn connect(s: Settings) -> Result<AzureClient, ArmError> {
        let endpoint = reqwest::Url::parse(s.endpoint.trim_end_matches('/'))
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| {
                ArmError::new(
                    0,
                    "InvalidEndpoint",
                    format!("{:?} is not an http:// or https:// URL", s.endpoint),
                )
            })?;
        let http = reqwest::Client::builder()
            .user_agent(concat!("aksplan/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| ArmError::new(0, "ClientError", e.to_string()))?;
        let mut client = AzureClient {
            http,
            endpoint,
            credential: s.credential,
            subscription: s.subscription.unwrap_or_default(),
            tenant: s.tenant.unwrap_or_default(),
            policy: s.policy,
            limiter: throttle::Limiter::new(MAX_IN_FLIGHT),
            log: s.log,
        };
        // A wrong endpoint shows at once, not after minutes of retries; a
        // throttled or failing one is still waited for.
        let connecting = Policy {
            connect_retries: 2,
            ..client.policy.clone()
        };
        let policy = std::mem::replace(&mut client.policy, connecting);
        if client.subscription.is_empty() {
            client.subscription = client.only_subscription().await?;
        }
        if client.tenant.is_empty() {
            let path = format!("/subscriptions/{}", client.subscription);
            let r = client.send(get(path, SUBSCRIPTIONS_API)).await?;
            client.tenant = r.body.get("tenantId").and_then(Json::as_str).unwrap_or("").to_string();
        }
        client.policy = policy;
        Ok(client)
    }

    /// The one subscription the credential can see.
    async fn only_subscription(&self) -> Result<String, ArmError> {
        let r = self.send(get("/subscriptions".into(), SUBSCRIPTIONS_API)).await?;
        let ids: Vec<&str> = r
            .body
            .get("value")
            .and_then(Json::as_array)
            .map(|v| v.iter().filter_map(|s| s.get("subscriptionId")?.as_str()).collect())
            .unwrap_or_default();
        match ids.as_slice() {
            [one] => Ok(one.to_string()),
            _ => Err(ArmError::new(
                0,
                "SubscriptionNotChosen",
                format!(
                    "ARM_SUBSCRIPTION_ID is not set and the credential sees {} subscriptions; set ARM_SUBSCRIPTION_ID",
                    ids.len()
                ),
            )),
        }
    }

    fn url(&self, path: &str, api_version: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!(
            "{}{path}{sep}api-version={api_version}",
            self.endpoint.as_str().trim_end_matches('/')
        )
    }

    /// Whether `url` is on the endpoint's origin: the token is sent nowhere else.
    fn same_origin(&self, url: &reqwest::Url) -> bool {
        url.scheme() == self.endpoint.scheme()
            && url.host() == self.endpoint.host()
            && url.port_or_known_default() == self.endpoint.port_or_known_default()
    }

    /// Sends one request until it gets an answer that is not transient, or
    /// the deadline passes. An answer of 400 or more is ARM's error.
    async fn call(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<&Json>,
        deadline: Instant,
    ) -> Result<Reply, ArmError> {
        let parsed = reqwest::Url::parse(url)
            .ok()
            .filter(|u| self.same_origin(u))
            .ok_or_else(|| {
                ArmError::new(
                    0,
                    "UnexpectedOperationUrl",
                    format!(
                        "ARM pointed at {url}, which is not on {}; not sending credentials there",
                        self.endpoint
                    ),
                )
            })?;
        let body = body.map(|b| serde_json::to_vec(b).unwrap_or_default());
        let mut attempt = 0u32;
        loop {
            let token = self
                .credential
                .token()
                .await
                .map_err(|m| ArmError::new(401, "CredentialUnavailable", m))?;
            let remaining = deadline.saturating_duration_since(Instant::now());
            let mut rb = self
                .http
                .request(method.clone(), parsed.clone())
                .bearer_auth(token.secret())
                .timeout(self.policy.request_timeout.min(remaining.max(Duration::from_millis(1))));
            if let Some(b) = &body {
                rb = rb
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(b.clone());
            }
            let started = Instant::now();
            let permit = self.limiter.acquire().await;
            let outcome = match rb.send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let headers = resp.headers().clone();
                    resp.bytes().await.map(|bytes| Reply {
                        status,
                        headers,
                        body: serde_json::from_slice(&bytes).unwrap_or(Json::Null),
                    })
                }
                Err(e) => Err(e),
            };
            drop(permit);
            let (error, asked) = match outcome {
                Ok(reply) => {
                    self.trace(&method, &parsed, &reply.status.to_string(), started);
                    if !retry::transient_status(reply.status) {
                        self.limiter.succeeded();
                        return if reply.status >= 400 {
                            Err(arm_error(&reply))
                        } else {
                            Ok(reply)
                        };
                    }
                    let asked = retry::retry_after(&reply.headers);
                    if reply.status == 429 {
                        self.limiter.throttled(self.policy.backoff(attempt, asked));
                    }
                    (arm_error(&reply), asked)
                }
                Err(e) => {
                    self.trace(&method, &parsed, "no response", started);
                    let error = ArmError::new(0, "ConnectionFailed", error_chain(&e));
                    if !retry::transient_error(&e) || (e.is_connect() && attempt >= self.policy.connect_retries) {
                        return Err(ArmError {
                            message: format!("{} (gave up after {} attempts)", error.message, attempt + 1),
                            ..error
                        });
                    }
                    (error, None)
                }
            };
            let wait = self.policy.backoff(attempt, asked);
            if attempt >= self.policy.retries || Instant::now() + wait >= deadline {
                return Err(ArmError {
                    message: format!("{} (gave up after {} attempts)", error.message, attempt + 1),
                    ..error
                });
            }
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// Polls a long-running operation to its end.
    async fn follow(&self, poll: lro::Poll, first_wait: Option<Duration>, deadline: Instant) -> Result<Json, ArmError> {
        let url = match &poll {
            lro::Poll::AsyncOperation(u) | lro::Poll::Location(u) => u.clone(),
        };
        let mut wait = first_wait.unwrap_or(DEFAULT_POLL).min(self.policy.cap);
        loop {
            if Instant::now() + wait >= deadline {
                return Err(ArmError::new(
                    0,
                    "OperationTimedOut",
                    format!(
                        "the operation was still running after {:.0?}; it may yet finish in Azure, so plan again to see where it stands",
                        self.policy.timeout
                    ),
                ));
            }
            tokio::time::sleep(wait).await;
            let reply = self.call(reqwest::Method::GET, &url, None, deadline).await?;
            match lro::status(&poll, reply.status, &reply.body) {
                lro::Status::Running => {
                    wait = retry::retry_after(&reply.headers)
                        .unwrap_or(DEFAULT_POLL)
                        .min(self.policy.cap)
                }
                lro::Status::Succeeded(body) => return Ok(body),
                lro::Status::Failed(code, message) => return Err(ArmError::new(0, code, message)),
            }
        }
    }

    fn trace(&self, method: &reqwest::Method, url: &reqwest::Url, status: &str, started: Instant) {
        if let Some(log) = &self.log {
            let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
            (log.0)(&format!(
                "http {method} {}{query} -> {status} in {} ms",
                url.path(),
                started.elapsed().as_millis()
            ));
        }
    }
}

fn get(path: String, api_version: &str) -> ArmRequest {
    ArmRequest {
        method: Method::Get,
        path,
        api_version: api_version.to_string(),
        body: None,
    }
}

fn arm_error(reply: &Reply) -> ArmError {
    let (code, message) = lro::error_of(&reply.body);
    let reason = reqwest::StatusCode::from_u16(reply.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("error");
    ArmError::new(
        reply.status,
        code.unwrap_or_else(|| reason.replace(' ', "")),
        message.unwrap_or_else(|| format!("HTTP {} {reason}", reply.status)),
    )
}

/// An error with its causes: reqwest's own message is only the outer one.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}

impl ArmClient for AzureClient {
    async fn send(&self, req: ArmRequest) -> Result<ArmResponse, ArmError> {
        let deadline = Instant::now() + self.policy.timeout;
        let url = self.url(&req.path, &req.api_version);
        let method = match req.method {
            Method::Get => reqwest::Method::GET,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
            Method::Post => reqwest::Method::POST,
        };
        let first = self.call(method, &url, req.body.as_ref(), deadline).await?;
        let Some(poll) = lro::started(first.status, &first.headers) else {
            return Ok(ArmResponse {
                status: first.status,
                body: first.body,
            });
        };
        let result = self.follow(poll, retry::retry_after(&first.headers), deadline).await?;
        match req.method {
            // The operation's result is not the resource: read it back.
            Method::Put | Method::Patch => {
                let r = self.call(reqwest::Method::GET, &url, None, deadline).await?;
                Ok(ArmResponse {
                    status: first.status,
                    body: r.body,
                })
            }
            Method::Delete => Ok(ArmResponse {
                status: 200,
                body: Json::Null,
            }),
            Method::Get | Method::Post => Ok(ArmResponse {
                status: 200,
                body: result,
            }),
        }
    }

    fn describe(&self) -> String {
        format!(
            "Azure Resource Manager at {}",
            self.endpoint.as_str().trim_end_matches('/')
        )
    }

    fn subscription(&self) -> &str {
        &self.subscription
    }

    fn tenant(&self) -> &str {
        &self.tenant
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn client(endpoint: &str) -> AzureClient {
        AzureClient::connect(Settings {
            endpoint: endpoint.into(),
            credential: credential::from_env(&credential::Env(&[("ARM_ACCESS_TOKEN".into(), "t".into())])).unwrap(),
            subscription: Some("s".into()),
            tenant: Some("t".into()),
            policy: Policy::default(),
            log: None,
        })
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn urls_carry_the_api_version() {
        let c = client("https://management.azure.com/").await;
        assert_eq!(
            c.url("/subscriptions/s/resourceGroups/rg", "2025-04-01"),
            "https://management.azure.com/subscriptions/s/resourceGroups/rg?api-version=2025-04-01"
        );
        assert_eq!(c.url("/x?a=1", "v"), "https://management.azure.com/x?a=1&api-version=v");
    }

    #[tokio::test]
    async fn the_token_goes_to_the_endpoint_only() {
        let c = client("https://management.azure.com").await;
        let deadline = Instant::now() + Duration::from_secs(5);
        for elsewhere in [
            "https://attacker.example/op",
            "http://management.azure.com/op",
            "https://management.azure.com:8443/op",
        ] {
            let e = c
                .call(reqwest::Method::GET, elsewhere, None, deadline)
                .await
                .err()
                .unwrap();
            assert_eq!(e.code, "UnexpectedOperationUrl", "{elsewhere}");
        }
    }

    #[tokio::test]
    async fn endpoints_must_be_http_urls() {
        for bad in ["management.azure.com", "ftp://x", "http://"] {
            let e = AzureClient::connect(Settings {
                endpoint: bad.into(),
                credential: Credential::Static(credential::Token::from("t")),
                subscription: Some("s".into()),
                tenant: Some("t".into()),
                policy: Policy::default(),
                log: None,
            })
            .await
            .err()
            .unwrap();
            assert_eq!(e.code, "InvalidEndpoint", "{bad}");
        }
    }

    #[test]
    fn arm_errors_keep_the_code_or_name_the_status() {
        let reply = |status, body| Reply {
            status,
            headers: HeaderMap::new(),
            body,
        };
        let e = arm_error(&reply(
            409,
            serde_json::json!({"error": {"code": "Conflict", "message": "busy"}}),
        ));
        assert_eq!(
            (e.status, e.code.as_str(), e.message.as_str()),
            (409, "Conflict", "busy")
        );
        let e = arm_error(&reply(503, Json::Null));
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("ServiceUnavailable", "HTTP 503 Service Unavailable")
        );
    }
}
