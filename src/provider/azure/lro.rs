//! Long-running operations: what ARM's 201 and 202 answers mean.
//!
//! A PUT, PATCH, DELETE or POST that ARM answers with 201 or 202 and an
//! `Azure-AsyncOperation` (or `Location`) header is still running. The
//! operation URL is polled, waiting each time for Retry-After, until it is
//! terminal: `Succeeded`, or `Failed`/`Canceled` with ARM's error. With
//! `Location` alone, 202 means running and anything else is the result.

use reqwest::header::HeaderMap;
use serde_json::Value as Json;

/// How an operation is followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Poll {
    /// `Azure-AsyncOperation`: a status document at this URL.
    AsyncOperation(String),
    /// `Location`: 202 until done, then the result.
    Location(String),
}

/// The operation to follow, if the response started one.
pub fn started(status: u16, headers: &HeaderMap) -> Option<Poll> {
    if !matches!(status, 201 | 202) {
        return None;
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    header("azure-asyncoperation")
        .map(Poll::AsyncOperation)
        .or_else(|| header("location").map(Poll::Location))
}

/// The state of an operation, read from one poll.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Running,
    Succeeded(Json),
    /// ARM's error code and message.
    Failed(String, String),
}

/// Reads one poll's answer.
pub fn status(poll: &Poll, http_status: u16, body: &Json) -> Status {
    match poll {
        Poll::AsyncOperation(_) => {
            let s = body.get("status").and_then(Json::as_str).unwrap_or("InProgress");
            if s.eq_ignore_ascii_case("Succeeded") {
                Status::Succeeded(body.clone())
            } else if s.eq_ignore_ascii_case("Failed") || s.eq_ignore_ascii_case("Canceled") {
                let (code, message) = error_of(body);
                let code = code.unwrap_or_else(|| format!("Operation{s}"));
                Status::Failed(code, message.unwrap_or_else(|| format!("The operation ended {s}.")))
            } else {
                Status::Running
            }
        }
        Poll::Location(_) => match http_status {
            202 => Status::Running,
            200..=299 => Status::Succeeded(body.clone()),
            s => {
                let (code, message) = error_of(body);
                Status::Failed(
                    code.unwrap_or_else(|| format!("HttpStatus{s}")),
                    message.unwrap_or_else(|| format!("The operation ended with HTTP {s}.")),
                )
            }
        },
    }
}

/// `{"error": {"code", "message"}}`, or the two at the top level as some
/// services send them.
pub fn error_of(body: &Json) -> (Option<String>, Option<String>) {
    let e = body.get("error").filter(|e| e.is_object()).unwrap_or(body);
    let s = |k: &str| e.get(k).and_then(Json::as_str).map(str::to_string);
    (s("code"), s("message"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use serde_json::json;

    #[test]
    fn async_operation_wins_over_location() {
        let mut h = HeaderMap::new();
        assert_eq!(started(201, &h), None);
        h.insert("location", HeaderValue::from_static("https://x/l"));
        assert_eq!(started(202, &h), Some(Poll::Location("https://x/l".into())));
        h.insert("azure-asyncoperation", HeaderValue::from_static("https://x/a"));
        assert_eq!(started(201, &h), Some(Poll::AsyncOperation("https://x/a".into())));
        assert_eq!(started(200, &h), None);
    }

    #[test]
    fn async_operation_statuses() {
        let p = Poll::AsyncOperation("u".into());
        assert_eq!(status(&p, 200, &json!({"status": "InProgress"})), Status::Running);
        assert!(matches!(
            status(&p, 200, &json!({"status": "Succeeded"})),
            Status::Succeeded(_)
        ));
        assert_eq!(
            status(
                &p,
                200,
                &json!({"status": "Failed", "error": {"code": "VMExtensionProvisioningError", "message": "m"}})
            ),
            Status::Failed("VMExtensionProvisioningError".into(), "m".into())
        );
        assert_eq!(
            status(&p, 200, &json!({"status": "Canceled"})),
            Status::Failed("OperationCanceled".into(), "The operation ended Canceled.".into())
        );
    }

    #[test]
    fn location_statuses() {
        let p = Poll::Location("u".into());
        assert_eq!(status(&p, 202, &Json::Null), Status::Running);
        assert!(matches!(status(&p, 204, &Json::Null), Status::Succeeded(_)));
        assert_eq!(
            status(&p, 409, &json!({"code": "Conflict", "message": "busy"})),
            Status::Failed("Conflict".into(), "busy".into())
        );
    }
}
