//! When to try an ARM request again, and how long to wait first.
//!
//! Throttling (429), server errors (500, 502, 503, 504), 408 and failures of
//! the connection itself (reset, refused, timed out) are transient: the same
//! request is sent again after an exponential backoff with full jitter, or
//! after the Retry-After ARM gave. Everything else is ARM's answer and is
//! returned at once. A request is sent at most `1 + retries` times, and
//! every operation has a deadline; past either, the last error is returned.

use reqwest::header::HeaderMap;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Policy {
    /// The first backoff; it doubles on each attempt.
    pub base: Duration,
    /// No single wait is longer than this (Retry-After included).
    pub cap: Duration,
    /// How long one operation may take, retries and polling included.
    pub timeout: Duration,
    /// How long one HTTP request may take.
    pub request_timeout: Duration,
    /// How many times one request is sent again after a transient failure.
    pub retries: u32,
    /// How many of those may be for a connection that could not be made at
    /// all (refused, no route): few while connecting, so a wrong endpoint
    /// fails at once.
    pub connect_retries: u32,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            base: Duration::from_millis(200),
            cap: Duration::from_secs(60),
            timeout: Duration::from_secs(60 * 60),
            request_timeout: Duration::from_secs(100),
            retries: 10,
            connect_retries: 10,
        }
    }
}

/// Whether an HTTP status is worth sending the request again for.
pub fn transient_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// Whether a failure to get a response at all is worth retrying: the
/// connection was refused, reset or timed out, or the response was cut off.
pub fn transient_error(e: &reqwest::Error) -> bool {
    e.is_connect() || e.is_timeout() || e.is_request() || e.is_body() || e.is_decode()
}

/// The wait ARM asked for: `retry-after-ms` / `x-ms-retry-after-ms` in
/// milliseconds, else `Retry-After` in seconds or as an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
        if let Some(ms) = text(name).and_then(|v| v.parse::<u64>().ok()) {
            return Some(Duration::from_millis(ms));
        }
    }
    let v = text("retry-after")?;
    if let Ok(s) = v.parse::<u64>() {
        return Some(Duration::from_secs(s));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

impl Policy {
    /// The wait before attempt `attempt + 1` (counted from 0): Retry-After
    /// when ARM gave one, else a random wait up to `base * 2^attempt`.
    pub fn backoff(&self, attempt: u32, asked: Option<Duration>) -> Duration {
        if let Some(d) = asked {
            return d.min(self.cap);
        }
        let ceiling = self.base.saturating_mul(1u32 << attempt.min(16)).min(self.cap);
        ceiling.mul_f64(fastrand::f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn transient_statuses() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(transient_status(s), "{s}");
        }
        for s in [200, 201, 400, 401, 403, 404, 409, 501] {
            assert!(!transient_status(s), "{s}");
        }
    }

    #[test]
    fn retry_after_prefers_milliseconds() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert("retry-after-ms", HeaderValue::from_static("40"));
        assert_eq!(retry_after(&h), Some(Duration::from_millis(40)));
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
    }

    #[test]
    fn backoff_grows_within_the_cap_and_honours_retry_after() {
        let p = Policy {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
            ..Policy::default()
        };
        for attempt in 0..20 {
            let d = p.backoff(attempt, None);
            assert!(d <= p.base.saturating_mul(1 << attempt.min(16)).min(p.cap));
        }
        assert_eq!(
            p.backoff(0, Some(Duration::from_millis(700))),
            Duration::from_millis(700)
        );
        assert_eq!(p.backoff(0, Some(Duration::from_secs(30))), p.cap);
    }
}
