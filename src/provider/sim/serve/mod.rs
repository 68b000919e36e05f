//! `aksplan sim serve`: the simulation over HTTP, as an ARM-compatible API.
//!
//! Requests are answered the way Azure Resource Manager answers them: a
//! bearer token is required (any, unless one is configured), so is
//! `api-version`; errors are `{"error": {"code", "message"}}` with ARM's
//! status codes; creates, updates and deletes of the types Azure runs as
//! long-running operations answer 201/202 with `Azure-AsyncOperation` or
//! `Location` and `Retry-After`, and are polled ([`operations`]). Faults can
//! be injected ([`faults`]). The store is the in-process simulation's, so a
//! served directory can be planned with `--cloud sim` and the other way
//! round. Every request is logged to stderr as one line: method, path and
//! query, status, and the fault injected; never a header or a body.

mod body;
pub mod faults;
mod operations;

use super::SimClient;
use crate::provider::arm::{self, ArmError, ArmRequest, Method};
use bytes::Bytes;
use faults::{Faults, Injected};
use http_body_util::Full;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Request, Response, StatusCode};
use operations::{Kind, Operations, Progress};
use serde_json::{json, Value as Json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the server behaves.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// The bearer token to require; any token when `None`.
    pub token: Option<String>,
    /// How long each long-running operation stays in progress.
    pub op_time: Duration,
    /// Added to every request.
    pub latency: Duration,
    pub faults: Faults,
    /// Seed of the fault draws, for a run that can be repeated.
    pub seed: Option<u64>,
    /// Do not log requests.
    pub quiet: bool,
}

/// How ARM runs an operation of a type: at once, or in the background
/// followed through one header or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Sync,
    AsyncOperation,
    Location,
    Both,
}

/// As the REST API specs describe each type (see tests/arm_fixtures.rs).
fn style(id: &str, method: Method) -> Style {
    let rtype = arm::resource_type(id).to_lowercase();
    match (rtype.as_str(), method) {
        (_, Method::Get | Method::Post) => Style::Sync,
        ("microsoft.authorization/roleassignments" | "microsoft.managedidentity/userassignedidentities", _) => {
            Style::Sync
        }
        ("microsoft.resources/resourcegroups", Method::Delete) => Style::Location,
        ("microsoft.resources/resourcegroups", _) => Style::Sync,
        ("microsoft.machinelearningservices/workspaces", Method::Put | Method::Patch) => Style::Location,
        (_, Method::Delete) => Style::Both,
        _ => Style::AsyncOperation,
    }
}

/// The connection is dropped without an answer.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for Dropped {}

struct Server {
    sim: Arc<SimClient>,
    options: Options,
    ops: Operations,
    rng: Mutex<fastrand::Rng>,
    /// `http://127.0.0.1:PORT`, for operation URLs.
    base: String,
}

type Answer = Response<Full<Bytes>>;

/// Serves `sim` on `listener` until the process ends.
pub async fn serve(sim: SimClient, listener: tokio::net::TcpListener, options: Options) -> std::io::Result<()> {
    let base = format!("http://{}", listener.local_addr()?);
    let rng = options.seed.map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
    let server = Arc::new(Server {
        sim: Arc::new(sim),
        options,
        ops: Operations::default(),
        rng: Mutex::new(rng),
        base,
    });
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(c) => c,
            // Out of file descriptors and the like: wait and go on serving.
            Err(e) => {
                eprintln!("aksplan sim: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let server = server.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let server = server.clone();
                async move { server.answer(req).await }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

fn error(e: &ArmError) -> Answer {
    let status = if e.status == 0 { 500 } else { e.status };
    json_answer(status, &e.body())
}

fn json_answer(status: u16, body: &Json) -> Answer {
    let bytes = if body.is_null() {
        Bytes::new()
    } else {
        Bytes::from(serde_json::to_vec(body).unwrap_or_default())
    };
    let mut r = Response::new(Full::new(bytes));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    set(&mut r, "content-type", "application/json; charset=utf-8");
    set(&mut r, "x-ms-request-id", &uuid::Uuid::new_v4().to_string());
    r
}

fn set(r: &mut Answer, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        r.headers_mut().insert(HeaderName::from_static(name), v);
    }
}

/// Tells the client when to look again: seconds for every client, and
/// milliseconds for those that read `retry-after-ms`.
fn retry_after(r: &mut Answer, wait: Duration) {
    set(r, "retry-after", &wait.as_secs_f64().ceil().to_string());
    set(r, "retry-after-ms", &wait.as_millis().to_string());
}

fn valid_api_version(v: &str) -> bool {
    let date = v.strip_suffix("-preview").unwrap_or(v);
    let b = date.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

impl Server {
    async fn answer(self: Arc<Self>, req: Request<hyper::body::Incoming>) -> Result<Answer, Dropped> {
        if !self.options.latency.is_zero() {
            tokio::time::sleep(self.options.latency).await;
        }
        let (parts, incoming) = req.into_parts();
        let method = parts.method.clone();
        let path = decoded_path(parts.uri.path().trim_end_matches('/'));
        let query = parts.uri.query().unwrap_or("").to_string();
        let auth = parts
            .headers
            .get(hyper::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let quiet = self.options.quiet;
        let log = |status: &str, note: &str| {
            if !quiet {
                eprintln!("aksplan sim: {method} {path}?{query} -> {status}{note}")
            }
        };
        // A body over ARM's limit is refused unread when its length says so,
        // and its reading stopped at the limit when it is chunked.
        let read = match body::check_length(&parts.headers) {
            Ok(()) => body::read(incoming).await,
            Err(e) => Err(body::Refused::Arm(e)),
        };
        let body = match read {
            Ok(b) => b,
            Err(body::Refused::Arm(e)) => {
                let mut r = error(&e);
                set(&mut r, "connection", "close");
                log(r.status().as_str(), " (the rest of the body is left unread)");
                return Ok(r);
            }
            Err(body::Refused::Broken) => return Err(Dropped),
        };
        let fault = self.options.faults.roll(&mut self.rng());
        if fault == Some(Injected::ResetBefore) {
            log("dropped", " (fault: reset before)");
            return Err(Dropped);
        }
        let answer = match fault {
            Some(Injected::Throttle) => {
                let mut r = error(&ArmError::new(
                    429,
                    "TooManyRequests",
                    "The request is being throttled as the limit has been reached for operation type. Please try again later.",
                ));
                retry_after(&mut r, Duration::from_millis(20 + self.rng().u64(0..40)));
                r
            }
            Some(Injected::Error500) => error(&ArmError::new(
                500,
                "InternalServerError",
                "Encountered internal server error. Diagnostic information: timestamp 'simulated'.",
            )),
            _ => {
                self.route(&method, &path, &query, auth.as_deref(), &parts.headers, &body)
                    .await
            }
        };
        let note = match fault {
            Some(Injected::Throttle) => " (fault: throttle)",
            Some(Injected::Error500) => " (fault: error500)",
            Some(Injected::ResetAfter) => " (fault: reset after; the answer is dropped)",
            _ => "",
        };
        log(answer.status().as_str(), note);
        if fault == Some(Injected::ResetAfter) {
            return Err(Dropped);
        }
        Ok(answer)
    }

    fn rng(&self) -> std::sync::MutexGuard<'_, fastrand::Rng> {
        self.rng.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Authenticates, checks the api-version, and answers.
    async fn route(
        &self,
        method: &hyper::Method,
        path: &str,
        query: &str,
        auth: Option<&str>,
        headers: &hyper::HeaderMap,
        body: &Bytes,
    ) -> Answer {
        let token = auth.and_then(|a| a.strip_prefix("Bearer ")).map(str::trim);
        match (token, &self.options.token) {
            (None, _) => {
                return error(&ArmError::new(
                    401,
                    "AuthenticationFailed",
                    "Authentication failed. The 'Authorization' header is missing or is not a bearer token.",
                ))
            }
            (Some(t), Some(want)) if t != want => {
                return error(&ArmError::new(
                    401,
                    "InvalidAuthenticationToken",
                    "The access token is invalid.",
                ))
            }
            _ => {}
        }
        let api_version = url_query(query, "api-version");
        let Some(api_version) = api_version.filter(|v| !v.is_empty()) else {
            return error(&ArmError::new(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            ));
        };
        if !valid_api_version(&api_version) {
            return error(&ArmError::new(
                400,
                "InvalidApiVersionParameter",
                format!("The api-version '{api_version}' is invalid. The supported versions are dates such as '2025-04-01'."),
            ));
        }
        let segs: Vec<&str> = path.split('/').collect();
        if segs.len() >= 4 && segs[segs.len() - 4].eq_ignore_ascii_case("locations") {
            match segs[segs.len() - 2].to_lowercase().as_str() {
                "operationstatuses" => return self.operation(segs[segs.len() - 1], false),
                "operationresults" => return self.operation(segs[segs.len() - 1], true),
                _ => {}
            }
        }
        let method = match *method {
            hyper::Method::GET | hyper::Method::HEAD => Method::Get,
            hyper::Method::PUT => Method::Put,
            hyper::Method::PATCH => Method::Patch,
            hyper::Method::DELETE => Method::Delete,
            hyper::Method::POST => Method::Post,
            _ => {
                return error(&ArmError::new(
                    405,
                    "MethodNotAllowed",
                    format!("The method '{method}' is not supported."),
                ))
            }
        };
        let parsed = body::check_media_type(headers, body).and_then(|()| body::parse(body));
        let body = match parsed {
            Ok(b) => b,
            Err(e) => return error(&e),
        };
        // A list's next page is asked by its `$skiptoken` (see `lists`).
        let path = match url_query(query, "$skiptoken") {
            Some(token) if method == Method::Get => format!("{path}?$skiptoken={token}"),
            _ => path.to_string(),
        };
        let req = ArmRequest {
            method,
            path,
            api_version,
            body,
        };
        self.resource(req).await
    }

    /// A call on a resource (or a collection, or an action).
    async fn resource(&self, req: ArmRequest) -> Answer {
        let (id, method, api_version) = (req.path.clone(), req.method, req.api_version.clone());
        let fails = matches!(method, Method::Put | Method::Patch | Method::Delete) && self.options.faults.fails(&id);
        // A failure is reported through an operation, whatever the type.
        let style = match style(&id, method) {
            Style::Sync if fails => Style::AsyncOperation,
            s => s,
        };
        let sim = self.sim.clone();
        let result = tokio::task::spawn_blocking(move || {
            if fails && method == Method::Delete {
                // A delete that fails leaves the resource where it was.
                return sim.handle(&ArmRequest {
                    method: Method::Get,
                    body: None,
                    ..req
                });
            }
            let r = sim.handle(&req);
            if fails && r.is_ok() {
                sim.fail(&req.path)?;
            }
            r
        })
        .await
        .unwrap_or_else(|e| Err(ArmError::new(500, "InternalServerError", e.to_string())));
        let mut response = match result {
            Ok(r) => r,
            Err(e) => return error(&e),
        };
        if method == Method::Get {
            super::lists::rebase(&mut response.body, &self.base);
            // A resource under an operation says so, whether got or listed.
            let running = |doc: &mut Json, id: &str| {
                if let Some(running) = self.ops.running_on(id) {
                    if let Some(p) = doc.get_mut("properties").and_then(Json::as_object_mut) {
                        p.insert("provisioningState".into(), json!(running.provisioning_state()));
                    }
                }
            };
            let path = id.split('?').next().unwrap_or_default();
            match response.body.get_mut("value").and_then(Json::as_array_mut) {
                Some(listed) if super::lists::collection(path).is_some() => {
                    for doc in listed {
                        let id = doc.get("id").and_then(Json::as_str).unwrap_or_default().to_string();
                        running(doc, &id);
                    }
                }
                _ => running(&mut response.body, &id),
            }
            return json_answer(response.status, &response.body);
        }
        if style == Style::Sync || response.status == 204 {
            return json_answer(response.status, &response.body);
        }
        let kind = match (method, response.status) {
            (Method::Delete, _) => Kind::Delete,
            (_, 201) => Kind::Create,
            _ => Kind::Update,
        };
        let outcome = if fails {
            Err(ArmError::new(
                0,
                "ResourceOperationFailure",
                format!(
                    "The resource operation completed with terminal provisioning state 'Failed'. (fault injected for {id})"
                ),
            ))
        } else {
            Ok(())
        };
        let op = self.ops.start(&id, kind, self.options.op_time, outcome);
        let location = response
            .body
            .get("location")
            .and_then(Json::as_str)
            .unwrap_or("global")
            .to_string();
        let namespace = arm::resource_type(&id).split('/').next().unwrap_or("").to_string();
        // The operation is the resource's subscription's, as in ARM.
        let subscription = super::subscriptions::segment(&id).unwrap_or(&self.sim.subscription);
        let op_url = |what: &str| {
            format!(
                "{}/subscriptions/{subscription}/providers/{namespace}/locations/{}/{what}/{op}?api-version={api_version}",
                self.base,
                arm::normalize_location(&location)
            )
        };
        let status = match (kind, style) {
            (Kind::Delete, _) | (_, Style::Location) => 202,
            _ => response.status,
        };
        if kind != Kind::Delete {
            if let Some(p) = response.body.get_mut("properties").and_then(Json::as_object_mut) {
                p.insert("provisioningState".into(), json!(kind.provisioning_state()));
            }
        }
        let body = if kind == Kind::Delete || style == Style::Location {
            Json::Null
        } else {
            response.body
        };
        let mut r = json_answer(status, &body);
        if matches!(style, Style::AsyncOperation | Style::Both) {
            set(&mut r, "azure-asyncoperation", &op_url("operationStatuses"));
        }
        if matches!(style, Style::Location | Style::Both) {
            set(&mut r, "location", &op_url("operationResults"));
        }
        retry_after(&mut r, self.options.op_time);
        r
    }

    /// A poll of an operation: its status document, or (Location) 202
    /// while it runs and its result after.
    fn operation(&self, op: &str, location: bool) -> Answer {
        let Some(progress) = self.ops.progress(op) else {
            return error(&ArmError::new(
                404,
                "OperationNotFound",
                format!("The operation '{op}' could not be found."),
            ));
        };
        match (progress, location) {
            (Progress::Running { left }, true) => {
                let mut r = json_answer(202, &Json::Null);
                retry_after(&mut r, left);
                r
            }
            (Progress::Running { left }, false) => {
                let mut r = json_answer(200, &json!({"name": op, "status": "InProgress"}));
                retry_after(&mut r, left);
                r
            }
            (Progress::Succeeded, true) => json_answer(204, &Json::Null),
            (Progress::Succeeded, false) => json_answer(200, &json!({"name": op, "status": "Succeeded"})),
            (Progress::Failed(e), true) => error(&ArmError { status: 400, ..e }),
            (Progress::Failed(e), false) => json_answer(
                200,
                &json!({"name": op, "status": "Failed", "error": {"code": e.code, "message": e.message}}),
            ),
        }
    }
}

/// The path as ARM reads it: each segment percent-decoded (a name such as
/// `rg-ä` arrives as `rg-%C3%A4`). A segment that would decode to a slash
/// or to bytes that are not UTF-8 is left as it came.
fn decoded_path(raw: &str) -> String {
    raw.split('/')
        .map(|seg| match percent_encoding::percent_decode_str(seg).decode_utf8() {
            Ok(d) if !d.contains('/') => d.into_owned(),
            _ => seg.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// One query parameter, percent-decoded.
fn url_query(query: &str, name: &str) -> Option<String> {
    reqwest::Url::parse(&format!("http://x/?{query}"))
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_percent_decoded_segment_by_segment() {
        assert_eq!(
            decoded_path("/subscriptions/s/resourceGroups/rg-%C3%A4"),
            "/subscriptions/s/resourceGroups/rg-ä"
        );
        assert_eq!(decoded_path("/a/b%20c"), "/a/b c");
        assert_eq!(decoded_path("/a/b%2Fc"), "/a/b%2Fc");
        assert_eq!(decoded_path("/a/%FF"), "/a/%FF");
        assert_eq!(decoded_path("/a/%"), "/a/%");
    }

    #[test]
    fn api_versions_are_dates() {
        assert!(valid_api_version("2025-04-01"));
        assert!(valid_api_version("2024-09-02-preview"));
        assert!(!valid_api_version("latest"));
        assert!(!valid_api_version("2025-4-1"));
    }

    #[test]
    fn styles_follow_the_specs() {
        let rg = "/subscriptions/s/resourceGroups/rg";
        assert_eq!(style(rg, Method::Put), Style::Sync);
        assert_eq!(style(rg, Method::Delete), Style::Location);
        let k = format!("{rg}/providers/Microsoft.ContainerService/managedClusters/k");
        assert_eq!(style(&k, Method::Put), Style::AsyncOperation);
        assert_eq!(style(&k, Method::Delete), Style::Both);
        assert_eq!(style(&k, Method::Get), Style::Sync);
        let ra = format!("{k}/providers/Microsoft.Authorization/roleAssignments/x");
        assert_eq!(style(&ra, Method::Put), Style::Sync);
        let ws = format!("{rg}/providers/Microsoft.MachineLearningServices/workspaces/w");
        assert_eq!(style(&ws, Method::Put), Style::Location);
    }
}
