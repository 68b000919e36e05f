//! Shared Key authorization for Blob Storage requests: the string to sign
//! (the verb, the standard headers, the `x-ms-` headers and the resource, in
//! Azure's canonical forms) and its HMAC-SHA256 under the account key. Pure:
//! it sends nothing and never shows the key.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What of a request is signed.
pub struct Signed<'a> {
    pub method: &'a str,
    /// Header names (any case) and values.
    pub headers: &'a [(String, String)],
    /// The URL's path, as sent (percent-encoded).
    pub path: &'a str,
    /// Query parameters, decoded.
    pub query: &'a [(String, String)],
    pub content_length: usize,
}

/// Azure's string to sign for the Blob service (version 2015-02-21 and later).
pub fn string_to_sign(account: &str, r: &Signed) -> String {
    let header = |name: &str| {
        r.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| v.as_str())
    };
    let length = if r.content_length == 0 {
        String::new()
    } else {
        r.content_length.to_string()
    };
    let mut s = String::new();
    for part in [
        r.method,
        header("content-encoding"),
        header("content-language"),
        &length,
        header("content-md5"),
        header("content-type"),
        // Empty: x-ms-date is sent instead.
        "",
        header("if-modified-since"),
        header("if-match"),
        header("if-none-match"),
        header("if-unmodified-since"),
        header("range"),
    ] {
        s.push_str(part);
        s.push('\n');
    }
    let mut ms: Vec<(String, String)> = r
        .headers
        .iter()
        .filter(|(k, _)| k.to_ascii_lowercase().starts_with("x-ms-"))
        .map(|(k, v)| {
            (
                k.to_ascii_lowercase(),
                v.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
        .collect();
    ms.sort();
    for (k, v) in ms {
        s.push_str(&format!("{k}:{v}\n"));
    }
    s.push('/');
    s.push_str(account);
    s.push_str(r.path);
    let mut params: Vec<(String, Vec<&str>)> = Vec::new();
    for (k, v) in r.query {
        let k = k.to_ascii_lowercase();
        match params.iter_mut().find(|(n, _)| *n == k) {
            Some((_, vs)) => vs.push(v),
            None => params.push((k, vec![v])),
        }
    }
    params.sort();
    for (k, mut vs) in params {
        vs.sort();
        s.push_str(&format!("\n{k}:{}", vs.join(",")));
    }
    s
}

/// The `Authorization` header's value for `r`, signed with the base64 `key`.
pub fn authorization(account: &str, key: &[u8], r: &Signed) -> Result<String, String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| "the access key is not usable".to_string())?;
    mac.update(string_to_sign(account, r).as_bytes());
    let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    Ok(format!("SharedKey {account}:{sig}"))
}

/// An access key as given (base64), decoded.
pub fn decode_key(key: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::STANDARD
        .decode(key.trim())
        .map_err(|_| "the access key is not valid base64".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Azurite's well-known development account and key.
    const ACCOUNT: &str = "devstoreaccount1";
    const KEY: &str = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    #[test]
    fn the_string_to_sign_is_azures() {
        let headers = vec![
            ("x-ms-version".to_string(), "2023-11-03".to_string()),
            ("x-ms-date".to_string(), "Mon, 01 Dec 2026 10:00:00 GMT".to_string()),
            ("Content-Type".to_string(), "application/json".to_string()),
            ("x-ms-meta-Terraformlockid".to_string(), "  a   b ".to_string()),
            ("If-Match".to_string(), "\"0x1\"".to_string()),
        ];
        let query = vec![
            ("restype".to_string(), "container".to_string()),
            ("comp".to_string(), "list".to_string()),
            ("include".to_string(), "snapshots".to_string()),
            ("include".to_string(), "metadata".to_string()),
        ];
        let s = string_to_sign(
            ACCOUNT,
            &Signed {
                method: "GET",
                headers: &headers,
                path: "/devstoreaccount1/tfstate",
                query: &query,
                content_length: 0,
            },
        );
        assert_eq!(
            s,
            "GET\n\n\n\n\napplication/json\n\n\n\"0x1\"\n\n\n\n\
             x-ms-date:Mon, 01 Dec 2026 10:00:00 GMT\nx-ms-meta-terraformlockid:a b\nx-ms-version:2023-11-03\n\
             /devstoreaccount1/devstoreaccount1/tfstate\ncomp:list\ninclude:metadata,snapshots\nrestype:container"
        );
        let auth = authorization(
            ACCOUNT,
            &decode_key(KEY).unwrap(),
            &Signed {
                method: "GET",
                headers: &headers,
                path: "/devstoreaccount1/tfstate",
                query: &query,
                content_length: 0,
            },
        )
        .unwrap();
        assert!(auth.starts_with("SharedKey devstoreaccount1:"));
        assert!(!auth.contains(KEY));
        assert!(decode_key("not base64!").is_err());
    }
}
