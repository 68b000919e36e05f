//! Reading a request's body as ARM does, without trusting it: at most
//! [`LIMIT`] bytes (a longer `Content-Length` is refused before a byte of
//! the body is read; a chunked body is read up to the limit and no
//! further), sent as JSON (`Content-Type`), and parsed as JSON.
//!
//! The refusals are ARM's: 413 `RequestContentTooLarge` ("The request
//! content size exceeds the maximum size of 4 MB.", as ARM words it in
//! Azure/Azure-Landing-Zones#2644 and
//! Azure/azure-api-management-devops-resource-kit#594), 415
//! `UnsupportedMediaType` (azure-cli#10143), 400 `InvalidRequestContent`
//! for content that is not JSON. What the JSON must hold is the
//! simulation's to judge (`bodies.rs`), in process as over HTTP.

use crate::provider::arm::ArmError;
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::HeaderMap;
use serde_json::Value as Json;

/// ARM's limit on a request's content: 4 MB (taken as MiB, 4,194,304 bytes).
pub const LIMIT: usize = 4 * 1024 * 1024;

/// Why a body was not read.
#[derive(Debug)]
pub enum Refused {
    /// Answered with ARM's error; the rest of the body is left unread.
    Arm(ArmError),
    /// The connection broke while the body was being read.
    Broken,
}

pub fn too_large() -> ArmError {
    ArmError::new(
        413,
        "RequestContentTooLarge",
        "The request content size exceeds the maximum size of 4 MB.",
    )
}

/// Refuses, from the headers alone, a body that says it is over the limit.
pub fn check_length(headers: &HeaderMap) -> Result<(), ArmError> {
    let Some(value) = headers.get(hyper::header::CONTENT_LENGTH) else {
        return Ok(());
    };
    // hyper has already refused a Content-Length that is not a number.
    match value.to_str().ok().and_then(|v| v.trim().parse::<u64>().ok()) {
        Some(n) if n > LIMIT as u64 => Err(too_large()),
        _ => Ok(()),
    }
}

/// Reads the body, stopping at the limit: no more than [`LIMIT`] bytes
/// (plus what one read brings) are ever held.
pub async fn read<B>(body: B) -> Result<Bytes, Refused>
where
    B: hyper::body::Body<Data = Bytes>,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    match Limited::new(body, LIMIT).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => Err(Refused::Arm(too_large())),
        Err(_) => Err(Refused::Broken),
    }
}

/// Refuses content that is not sent as JSON. ARM takes `application/json`
/// (with parameters such as `charset`) and JSON's structured suffix
/// (`application/merge-patch+json`); an empty body needs no type.
pub fn check_media_type(headers: &HeaderMap, body: &[u8]) -> Result<(), ArmError> {
    if body.is_empty() {
        return Ok(());
    }
    let given = headers
        .get(hyper::header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let essence = given
        .as_deref()
        .map(|t| t.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    let json = essence
        .as_deref()
        .is_some_and(|e| e == "application/json" || (e.starts_with("application/") && e.ends_with("+json")));
    if json {
        return Ok(());
    }
    let shown: String = given.as_deref().unwrap_or("<null>").chars().take(100).collect();
    Err(ArmError::new(
        415,
        "UnsupportedMediaType",
        format!("The content media type '{shown}' is not supported. Only 'application/json' is supported."),
    ))
}

/// Parses the content: none for an empty body, ARM's error for one that is
/// not JSON (invalid UTF-8, a syntax error, nesting deeper than 128, a
/// number out of range).
pub fn parse(body: &[u8]) -> Result<Option<Json>, ArmError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(body).map(Some).map_err(|e| {
        ArmError::new(
            400,
            "InvalidRequestContent",
            format!("The request content was invalid and could not be deserialized: '{e}'."),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;
    use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};

    fn headers(pairs: &[(hyper::header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn a_length_over_4_mb_is_refused_from_the_headers() {
        assert!(check_length(&headers(&[])).is_ok());
        assert!(check_length(&headers(&[(CONTENT_LENGTH, "4194304")])).is_ok());
        let e = check_length(&headers(&[(CONTENT_LENGTH, "4194305")])).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (413, "RequestContentTooLarge"));
        let e = check_length(&headers(&[(CONTENT_LENGTH, "1073741824")])).unwrap_err();
        assert_eq!(e.status, 413);
        assert_eq!(
            check_length(&headers(&[(CONTENT_LENGTH, "99999999999999999999999")])).map_err(|e| e.status),
            Ok(()),
            "hyper refuses a length it cannot hold before this is asked"
        );
    }

    #[tokio::test]
    async fn a_body_is_read_up_to_the_limit_and_no_further() {
        let at_limit = http_body_util::Full::new(Bytes::from(vec![b' '; LIMIT]));
        assert_eq!(read(at_limit).await.unwrap().len(), LIMIT);
        let over = http_body_util::Full::new(Bytes::from(vec![b' '; LIMIT + 1]));
        match read(over).await {
            Err(Refused::Arm(e)) => assert_eq!((e.status, e.code.as_str()), (413, "RequestContentTooLarge")),
            other => panic!("{other:?}"),
        }
        // A stream of frames stops being read once it passes the limit.
        let polled = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = polled.clone();
        let frames = futures::stream::iter(0..10_000).map(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok::<_, std::io::Error>(hyper::body::Frame::data(Bytes::from(vec![b'x'; 64 * 1024])))
        });
        let endless = http_body_util::StreamBody::new(frames);
        assert!(matches!(read(endless).await, Err(Refused::Arm(_))));
        let frames_read = polled.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(
            frames_read,
            LIMIT / (64 * 1024) + 1,
            "read stops at the first frame past 4 MiB"
        );
    }

    #[test]
    fn content_is_sent_as_json() {
        let body = b"{}";
        for ok in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON",
            "application/merge-patch+json",
        ] {
            assert!(check_media_type(&headers(&[(CONTENT_TYPE, ok)]), body).is_ok(), "{ok}");
        }
        let e = check_media_type(&headers(&[]), body).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (415, "UnsupportedMediaType"));
        assert_eq!(
            e.message,
            "The content media type '<null>' is not supported. Only 'application/json' is supported."
        );
        for no in [
            "text/plain",
            "application/xml",
            "multipart/form-data; boundary=x",
            "json",
        ] {
            let e = check_media_type(&headers(&[(CONTENT_TYPE, no)]), body).unwrap_err();
            assert_eq!(e.code, "UnsupportedMediaType", "{no}");
        }
        assert!(check_media_type(&headers(&[]), b"").is_ok(), "no body, no type needed");
    }

    #[test]
    fn content_that_is_not_json_is_refused() {
        assert_eq!(parse(b"").unwrap(), None);
        assert_eq!(parse(b" \r\n").unwrap(), None);
        assert_eq!(parse(b"[1]").unwrap(), Some(serde_json::json!([1])));
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        for bad in [
            &b"{"[..],
            b"{\"a\": }",
            b"\xff\xfe{}",
            b"{\"a\": \"\xc3\x28\"}",
            b"1e999999",
            b"{} {}",
            b"nul",
            deep.as_bytes(),
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(
                (e.status, e.code.as_str()),
                (400, "InvalidRequestContent"),
                "{}",
                String::from_utf8_lossy(bad)
            );
            assert!(e
                .message
                .starts_with("The request content was invalid and could not be deserialized: '"));
        }
    }
}
