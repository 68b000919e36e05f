//! A small Blob Storage client: the REST operations the azurerm backend
//! needs (get, put, properties, metadata, lease, snapshot, delete, append
//! blobs, list), over reqwest, authorized by Shared Key, a SAS token or an
//! Entra ID bearer token.
//!
//! Its methods block: each request runs on the client's own small tokio
//! runtime and the caller waits for the answer, so that the backend can be
//! called from anywhere, an apply's async code included. Transient failures
//! (a dropped connection, 500, 503, 429) are retried a few times. Errors
//! carry the service's status and error code, never a key or token.

use super::auth::{Auth, TokenSource};
use super::sign::{authorization, Signed};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// The service version requests are made with (as Terraform's client).
pub const VERSION: &str = "2023-11-03";

/// Entra ID's audience for Blob Storage.
pub const STORAGE_SCOPE: &str = "https://storage.azure.com/.default";

/// A failed request: the HTTP status (0 when no answer came) and the
/// service's error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobError {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for BlobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.status {
            0 => write!(f, "{}: {}", self.code, self.message),
            s => write!(f, "{} (HTTP {s}): {}", self.code, self.message),
        }
    }
}

impl BlobError {
    fn local(code: &str, message: impl Into<String>) -> BlobError {
        BlobError {
            status: 0,
            code: code.into(),
            message: message.into(),
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status == 404
    }

    fn transient(&self) -> bool {
        matches!(self.status, 0 | 429 | 500 | 502 | 503 | 504) && self.code != "Unauthorized"
    }
}

/// A blob's properties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Properties {
    pub etag: String,
    /// `available`, `leased`, `expired`, `breaking` or `broken`.
    pub lease_state: String,
    /// Its metadata, names in lower case.
    pub metadata: BTreeMap<String, String>,
    pub length: u64,
}

/// One blob of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub name: String,
    /// Set for a snapshot: its time.
    pub snapshot: Option<String>,
}

/// What to do with a blob's lease.
#[derive(Debug, Clone)]
pub enum LeaseAction<'a> {
    Acquire { seconds: u32, proposed: &'a str },
    Renew(&'a str),
    Release(&'a str),
    Break,
}

/// The container the backend uses.
#[derive(Clone)]
pub struct BlobClient {
    inner: Arc<Inner>,
}

struct Inner {
    /// The blob service's URL, without a trailing slash.
    endpoint: reqwest::Url,
    account: String,
    container: String,
    auth: Auth,
    http: reqwest::Client,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Dropped where blocking is not allowed (never expected), a runtime
        // would panic on a plain drop.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// One request, before it is authorized.
#[derive(Debug, Clone, Default)]
struct Request {
    method: &'static str,
    /// The blob's name, or none for the container.
    blob: Option<String>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// An answer.
struct Answer {
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl BlobClient {
    /// A client for `container` in the storage account `account`, at the
    /// service URL `endpoint`.
    pub fn new(endpoint: &str, account: &str, container: &str, auth: Auth) -> Result<BlobClient, String> {
        let endpoint = reqwest::Url::parse(endpoint.trim_end_matches('/'))
            .map_err(|e| format!("the blob endpoint {endpoint:?} is not a URL: {e}"))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("aksplan-blob")
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the blob client: {e}"))?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(30))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| format!("cannot start the blob client: {e}"))?;
        Ok(BlobClient {
            inner: Arc::new(Inner {
                endpoint,
                account: account.to_string(),
                container: container.to_string(),
                auth,
                http,
                runtime: Some(runtime),
            }),
        })
    }

    /// `https://account.blob.core.windows.net/container/name`, for messages.
    pub fn url_of(&self, name: &str) -> String {
        format!(
            "{}/{}/{}",
            self.inner.endpoint.as_str().trim_end_matches('/'),
            self.inner.container,
            name
        )
    }

    /// Runs `f` on the client's runtime and waits for it.
    fn block<T: Send + 'static>(
        &self,
        f: impl Future<Output = Result<T, BlobError>> + Send + 'static,
    ) -> Result<T, BlobError> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let Some(rt) = self.inner.runtime.as_ref() else {
            return Err(BlobError::local("Closed", "the blob client is closed"));
        };
        rt.spawn(async move {
            let _ = tx.send(f.await);
        });
        rx.recv().unwrap_or_else(|_| {
            Err(BlobError::local(
                "Internal",
                "the request was abandoned (a bug in aksplan)",
            ))
        })
    }

    /// Sends `r`, retrying transient failures, and returns the answer when
    /// its status is a success.
    fn send(&self, r: Request) -> Result<Answer, BlobError> {
        let inner = self.inner.clone();
        self.block(async move {
            let mut delay = Duration::from_millis(200);
            let mut attempt = 0;
            loop {
                attempt += 1;
                match inner.send_once(&r).await {
                    Err(e) if e.transient() && attempt < 4 => {
                        tokio::time::sleep(delay).await;
                        delay *= 3;
                    }
                    other => return other,
                }
            }
        })
    }

    /// A blob's content and properties; `None` when it does not exist.
    pub fn get(&self, name: &str) -> Result<Option<(Vec<u8>, Properties)>, BlobError> {
        match self.send(Request::blob("GET", name)) {
            Ok(a) => {
                let p = properties(&a);
                Ok(Some((a.body, p)))
            }
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A snapshot's content; `None` when it does not exist.
    pub fn get_snapshot(&self, name: &str, snapshot: &str) -> Result<Option<Vec<u8>>, BlobError> {
        match self.send(Request::blob("GET", name).query("snapshot", snapshot)) {
            Ok(a) => Ok(Some(a.body)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A blob's properties; `None` when it does not exist.
    pub fn properties(&self, name: &str) -> Result<Option<Properties>, BlobError> {
        match self.send(Request::blob("HEAD", name)) {
            Ok(a) => Ok(Some(properties(&a))),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes a block blob whole. `lease` is the blob's lease when it has
    /// one; `only_new` fails (409) when the blob exists.
    pub fn put(
        &self,
        name: &str,
        body: Vec<u8>,
        metadata: &BTreeMap<String, String>,
        lease: Option<&str>,
        only_new: bool,
    ) -> Result<(), BlobError> {
        let mut r = Request::blob("PUT", name)
            .header("x-ms-blob-type", "BlockBlob")
            .header("Content-Type", "application/json");
        r = with_metadata(r, metadata);
        r = with_lease(r, lease);
        if only_new {
            r = r.header("If-None-Match", "*");
        }
        r.body = body;
        self.send(r).map(|_| ())
    }

    /// Replaces a blob's metadata.
    pub fn set_metadata(
        &self,
        name: &str,
        metadata: &BTreeMap<String, String>,
        lease: Option<&str>,
    ) -> Result<(), BlobError> {
        let r = with_lease(
            with_metadata(Request::blob("PUT", name).query("comp", "metadata"), metadata),
            lease,
        );
        self.send(r).map(|_| ())
    }

    /// Acquires, renews, releases or breaks (at once) a blob's lease;
    /// returns the lease id Azure answers with. `if_match` makes it
    /// conditional on the blob's ETag.
    pub fn lease(&self, name: &str, action: LeaseAction, if_match: Option<&str>) -> Result<String, BlobError> {
        let mut r = Request::blob("PUT", name).query("comp", "lease");
        r = match action {
            LeaseAction::Acquire { seconds, proposed } => r
                .header("x-ms-lease-action", "acquire")
                .header("x-ms-lease-duration", &seconds.to_string())
                .header("x-ms-proposed-lease-id", proposed),
            LeaseAction::Renew(id) => r.header("x-ms-lease-action", "renew").header("x-ms-lease-id", id),
            LeaseAction::Release(id) => r.header("x-ms-lease-action", "release").header("x-ms-lease-id", id),
            LeaseAction::Break => r
                .header("x-ms-lease-action", "break")
                .header("x-ms-lease-break-period", "0"),
        };
        if let Some(etag) = if_match {
            r = r.header("If-Match", etag);
        }
        let a = self.send(r)?;
        Ok(a.header("x-ms-lease-id").unwrap_or_default().to_string())
    }

    /// Takes a read-only snapshot of a blob: an earlier version kept.
    pub fn snapshot(&self, name: &str, lease: Option<&str>) -> Result<String, BlobError> {
        let a = self.send(with_lease(Request::blob("PUT", name).query("comp", "snapshot"), lease))?;
        Ok(a.header("x-ms-snapshot").unwrap_or_default().to_string())
    }

    /// Deletes a blob with its snapshots; a missing blob is not an error.
    pub fn delete(&self, name: &str) -> Result<(), BlobError> {
        match self.send(Request::blob("DELETE", name).header("x-ms-delete-snapshots", "include")) {
            Err(e) if !e.is_not_found() => Err(e),
            _ => Ok(()),
        }
    }

    /// Creates an empty append blob, replacing any blob of that name.
    pub fn create_append(&self, name: &str) -> Result<(), BlobError> {
        let r = Request::blob("PUT", name)
            .header("x-ms-blob-type", "AppendBlob")
            .header("Content-Type", "application/x-ndjson");
        self.send(r).map(|_| ())
    }

    /// Appends one block (at most 4 MiB) to an append blob: all of it, or
    /// none of it.
    pub fn append(&self, name: &str, block: Vec<u8>) -> Result<(), BlobError> {
        let mut r = Request::blob("PUT", name).query("comp", "appendblock");
        r.body = block;
        self.send(r).map(|_| ())
    }

    /// The blobs whose names start with `prefix`, with their snapshots when asked.
    pub fn list(&self, prefix: &str, snapshots: bool) -> Result<Vec<Listed>, BlobError> {
        let mut out = Vec::new();
        let mut marker = String::new();
        loop {
            let mut r = Request::container("GET")
                .query("restype", "container")
                .query("comp", "list")
                .query("prefix", prefix);
            if snapshots {
                r = r.query("include", "snapshots");
            }
            if !marker.is_empty() {
                r = r.query("marker", &marker);
            }
            let a = self.send(r)?;
            let text = String::from_utf8_lossy(&a.body).into_owned();
            out.extend(super::listing::blobs(&text));
            marker = super::listing::next_marker(&text);
            if marker.is_empty() {
                return Ok(out);
            }
        }
    }

    /// Creates the container (for tests and first use against an emulator);
    /// an existing one is not an error.
    pub fn create_container(&self) -> Result<(), BlobError> {
        match self.send(Request::container("PUT").query("restype", "container")) {
            Err(e) if e.status != 409 => Err(e),
            _ => Ok(()),
        }
    }
}

impl Request {
    fn blob(method: &'static str, name: &str) -> Request {
        Request {
            method,
            blob: Some(name.to_string()),
            ..Request::default()
        }
    }

    fn container(method: &'static str) -> Request {
        Request {
            method,
            ..Request::default()
        }
    }

    fn header(mut self, k: &str, v: &str) -> Request {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }

    fn query(mut self, k: &str, v: &str) -> Request {
        self.query.push((k.to_string(), v.to_string()));
        self
    }
}

fn with_lease(r: Request, lease: Option<&str>) -> Request {
    match lease {
        Some(id) => r.header("x-ms-lease-id", id),
        None => r,
    }
}

fn with_metadata(mut r: Request, metadata: &BTreeMap<String, String>) -> Request {
    for (k, v) in metadata {
        r = r.header(&format!("x-ms-meta-{k}"), v);
    }
    r
}

fn properties(a: &Answer) -> Properties {
    let mut metadata = BTreeMap::new();
    for (k, v) in &a.headers {
        if let Some(name) = k.as_str().strip_prefix("x-ms-meta-") {
            metadata.insert(name.to_ascii_lowercase(), v.to_str().unwrap_or_default().to_string());
        }
    }
    Properties {
        etag: a.header("etag").unwrap_or_default().to_string(),
        lease_state: a.header("x-ms-lease-state").unwrap_or_default().to_string(),
        metadata,
        length: a
            .header("content-length")
            .and_then(|l| l.parse().ok())
            .unwrap_or_default(),
    }
}

/// A blob name as a URL path: every byte but the unreserved ones and `/`
/// percent-encoded.
fn encode_path(name: &str) -> String {
    encode(name, true)
}

/// A query parameter's name or value, percent-encoded.
fn encode_query(s: &str) -> String {
    encode(s, false)
}

fn encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl Inner {
    async fn send_once(&self, r: &Request) -> Result<Answer, BlobError> {
        let mut path = format!(
            "{}/{}",
            self.endpoint.path().trim_end_matches('/'),
            encode_path(&self.container)
        );
        if let Some(b) = &r.blob {
            path.push('/');
            path.push_str(&encode_path(b));
        }
        let mut url = self.endpoint.clone();
        url.set_path(&path);
        let mut headers = r.headers.clone();
        headers.push(("x-ms-version".into(), VERSION.into()));
        headers.push((
            "x-ms-date".into(),
            httpdate::fmt_http_date(std::time::SystemTime::now()),
        ));
        let mut query: Vec<String> = r
            .query
            .iter()
            .map(|(k, v)| format!("{}={}", encode_query(k), encode_query(v)))
            .collect();
        match &self.auth {
            Auth::SharedKey { key } => {
                let signed = Signed {
                    method: r.method,
                    headers: &headers,
                    path: &path,
                    query: &r.query,
                    content_length: r.body.len(),
                };
                let value = authorization(&self.account, key.expose(), &signed)
                    .map_err(|e| BlobError::local("AuthenticationFailed", e))?;
                headers.push(("Authorization".into(), value));
            }
            // A SAS token is already encoded: it goes on the query as given.
            Auth::Sas(token) => query.push(token.expose_str().trim_start_matches('?').to_string()),
            Auth::Bearer(tokens) => {
                let token = bearer(tokens).await?;
                headers.push(("Authorization".into(), format!("Bearer {token}")));
            }
        }
        let query = query.join("&");
        url.set_query((!query.is_empty()).then_some(query.as_str()));
        let method = reqwest::Method::from_bytes(r.method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut req = self.http.request(method, url);
        for (k, v) in &headers {
            req = req.header(k, v);
        }
        if r.method == "PUT" || !r.body.is_empty() {
            // An empty body is sent with its length said: the service requires it.
            req = req
                .header(reqwest::header::CONTENT_LENGTH, r.body.len())
                .body(r.body.clone());
        }
        let resp = req.send().await.map_err(|e| {
            BlobError::local(
                "ConnectionFailed",
                format!("cannot reach {}: {}", self.endpoint, without_url(&e)),
            )
        })?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp
            .bytes()
            .await
            .map_err(|e| BlobError::local("ConnectionFailed", without_url(&e)))?
            .to_vec();
        let answer = Answer { headers, body };
        if (200..300).contains(&status) {
            return Ok(answer);
        }
        let code = answer.header("x-ms-error-code").unwrap_or("").to_string();
        let text = String::from_utf8_lossy(&answer.body);
        let message = super::listing::element(&text, "Message").unwrap_or_else(|| {
            reqwest::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("")
                .to_string()
        });
        Err(BlobError {
            status,
            code: if code.is_empty() { "Error".into() } else { code },
            message: message.lines().next().unwrap_or_default().to_string(),
        })
    }
}

async fn bearer(tokens: &TokenSource) -> Result<String, BlobError> {
    tokens(STORAGE_SCOPE).await.map_err(|e| {
        BlobError::local(
            "AuthenticationFailed",
            format!("no Entra ID token for Blob Storage: {e}"),
        )
    })
}

/// A reqwest error's text without its URL, which may hold a SAS token.
fn without_url(e: &reqwest::Error) -> String {
    let mut e = e.to_string();
    if let Some(i) = e.find(" for url (") {
        e.truncate(i);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_encoded_as_paths() {
        assert_eq!(encode_path("envs/prod.tfstateenv:dev"), "envs/prod.tfstateenv%3Adev");
        assert_eq!(encode_path("a b+c"), "a%20b%2Bc");
    }

    #[test]
    fn transient_failures_are_the_retried_ones() {
        let e = |status, code: &str| BlobError {
            status,
            code: code.into(),
            message: String::new(),
        };
        assert!(e(503, "ServerBusy").transient());
        assert!(e(0, "ConnectionFailed").transient());
        assert!(!e(409, "LeaseAlreadyPresent").transient());
        assert!(!e(412, "LeaseIdMismatchWithBlobOperation").transient());
        assert_eq!(e(404, "BlobNotFound").to_string(), "BlobNotFound (HTTP 404): ");
    }
}
