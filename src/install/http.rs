//! The HTTP client of the installer: one blocking GET at a time.
//!
//! Owns the reqwest client and the small runtime it runs on, the timeouts,
//! the size limit of a response body, and error messages that name the URL
//! (its password hidden). It sends a bearer token only when the caller gives
//! one, and never prints it.

use super::package::redact;
use reqwest::header::HeaderMap;
use reqwest::Url;
use std::time::Duration;

/// How long to wait for a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Http {
    runtime: tokio::runtime::Runtime,
    client: reqwest::Client,
}

/// A response read to its end.
pub struct Response {
    pub status: reqwest::StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The URL answered, after redirects.
    pub url: Url,
}

/// An error and its causes, on one line (reqwest's own message names the URL
/// unredacted, so it is left out).
fn describe(e: &reqwest::Error) -> String {
    let mut out = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else if e.is_redirect() {
        "too many redirects".to_string()
    } else {
        "request failed".to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

impl Http {
    pub fn new() -> Result<Http, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the HTTP client: {e}"))?;
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("aksplan/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot start the HTTP client: {e}"))?;
        Ok(Http { runtime, client })
    }

    /// GETs `url`, reading at most `max_bytes` of body within `timeout`.
    pub fn get(&self, url: &Url, token: Option<&str>, timeout: Duration, max_bytes: usize) -> Result<Response, String> {
        let shown = redact(url.as_str());
        let mut request = self.client.get(url.clone()).timeout(timeout);
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        self.runtime.block_on(async {
            let mut response = request
                .send()
                .await
                .map_err(|e| format!("GET {shown}: {}", describe(&e)))?;
            let status = response.status();
            let headers = response.headers().clone();
            let final_url = response.url().clone();
            let mut body = Vec::new();
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|e| format!("GET {shown}: {}", describe(&e)))?
            {
                if body.len() + chunk.len() > max_bytes {
                    return Err(format!(
                        "GET {shown}: the response is larger than {} MiB",
                        max_bytes / (1024 * 1024)
                    ));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(Response {
                status,
                headers,
                body,
                url: final_url,
            })
        })
    }
}
