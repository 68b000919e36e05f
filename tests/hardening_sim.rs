//! `aksplan sim serve` under hostile requests, sent over a raw TcpStream:
//! bodies that are not JSON objects, names Azure refuses, a missing
//! location, content that is not sent as JSON, and bodies over ARM's 4 MB
//! limit (a 1 GiB one streamed, by length and chunked). Each is answered
//! with ARM's status and code, and the server answers afterwards.

mod common;

use serde_json::Value as Json;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::Stdio;
use std::time::Duration;

const SUB: &str = "/subscriptions/00000000-0000-0000-0000-000000000000";
const GIB: u64 = 1024 * 1024 * 1024;

/// A running `aksplan sim serve`, stopped when dropped.
struct Served {
    _server: common::sim_serve::SimServe,
    addr: String,
    _dir: tempfile::TempDir,
}

impl Served {
    fn start() -> Served {
        let dir = tempfile::tempdir().unwrap();
        let server =
            common::sim_serve::SimServe::start(dir.path(), &dir.path().join("store"), &["--quiet"], Stdio::null());
        Served {
            addr: server.host().to_string(),
            _server: server,
            _dir: dir,
        }
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        s
    }

    /// The head of a request on `path`, with a token and an api-version.
    fn head(&self, method: &str, path: &str, headers: &[(&str, String)]) -> String {
        let mut h = format!(
            "{method} {path}?api-version=2025-04-01 HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer t\r\nConnection: close\r\n",
            self.addr
        );
        for (k, v) in headers {
            h.push_str(&format!("{k}: {v}\r\n"));
        }
        h.push_str("\r\n");
        h
    }

    /// Sends a whole request and reads the answer.
    fn send(&self, method: &str, path: &str, content_type: Option<&str>, body: &[u8]) -> Answer {
        let mut headers = vec![("Content-Length", body.len().to_string())];
        if let Some(t) = content_type {
            headers.push(("Content-Type", t.to_string()));
        }
        let mut s = self.connect();
        s.write_all(self.head(method, path, &headers).as_bytes()).unwrap();
        s.write_all(body).unwrap();
        read_answer(&mut s)
    }

    fn json(&self, method: &str, path: &str, body: &str) -> Answer {
        self.send(method, path, Some("application/json"), body.as_bytes())
    }

    /// The server still answers: the subscription is there.
    fn still_answers(&self) {
        let a = self.send("GET", SUB, None, b"");
        assert_eq!(a.status, 200, "{:?}", a.body);
    }
}

#[derive(Debug)]
struct Answer {
    status: u16,
    body: Json,
}

impl Answer {
    fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

/// Reads one HTTP answer: its status, and its body as JSON (`null` when
/// empty). Reads up to the end of the body the headers announce.
fn read_answer(s: &mut TcpStream) -> Answer {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => panic!(
                "the connection ended before an answer: {:?}",
                String::from_utf8_lossy(&buf)
            ),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let body = &buf[head_end..buf.len().min(head_end + length)];
    Answer {
        status,
        body: serde_json::from_slice(body).unwrap_or(Json::Null),
    }
}

fn rg(name: &str) -> String {
    format!("{SUB}/resourceGroups/{name}")
}

#[test]
fn bodies_that_are_not_json_objects_are_refused_with_arms_errors() {
    let s = Served::start();
    let group = rg("rg-hostile");
    assert_eq!(s.json("PUT", &group, r#"{"location": "westeurope"}"#).status, 201);
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let not_objects = [
        "[]",
        r#"[{"tags": {"a": "b"}}]"#,
        "1",
        "-1e308",
        "123456789012345678901234567890",
        r#""a string""#,
        "null",
        "true",
        &deep,
    ];
    for method in ["PATCH", "PUT"] {
        for body in not_objects {
            let a = s.json(method, &group, body);
            assert_eq!(
                (a.status, a.code()),
                (400, "InvalidRequestContent"),
                "{method} {}",
                &body[..body.len().min(40)]
            );
        }
    }
    // Not JSON at all: a syntax error, a number out of range, bytes that are not UTF-8.
    for body in [
        &b"{"[..],
        b"{\"location\": }",
        b"1e999999",
        b"{\"a\": \"\xff\xfe\"}",
        b"\xef\xbb\xbf\xff",
    ] {
        let a = s.send("PATCH", &group, Some("application/json"), body);
        assert_eq!(
            (a.status, a.code()),
            (400, "InvalidRequestContent"),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    // Envelope properties of the wrong type.
    for body in [
        r#"{"tags": [1]}"#,
        r#"{"tags": {"a": {"b": 1}}}"#,
        r#"{"location": 5}"#,
        r#"{"properties": "x"}"#,
    ] {
        let a = s.json("PATCH", &group, body);
        assert_eq!((a.status, a.code()), (400, "InvalidRequestContent"), "{body}");
    }
    // Content that is not sent as JSON.
    let a = s.send("PATCH", &group, None, br#"{"tags": {}}"#);
    assert_eq!((a.status, a.code()), (415, "UnsupportedMediaType"));
    assert_eq!(
        a.body["error"]["message"],
        "The content media type '<null>' is not supported. Only 'application/json' is supported."
    );
    let a = s.send("PUT", &group, Some("text/plain"), br#"{"location": "westeurope"}"#);
    assert_eq!((a.status, a.code()), (415, "UnsupportedMediaType"));
    // The group is as it was, and the server answers.
    let a = s.send("GET", &group, None, b"");
    assert_eq!(a.status, 200);
    assert_eq!(a.body["location"], "westeurope");
    s.still_answers();
}

#[test]
fn names_and_locations_are_checked_as_azure_checks_them() {
    let s = Served::start();
    // A resource group: a location is required, and a name of 1 to 90 letters,
    // digits and -._() not ending in a period.
    let a = s.json("PUT", &rg("rg-nowhere"), "{}");
    assert_eq!((a.status, a.code()), (400, "LocationRequired"));
    assert_eq!(
        a.body["error"]["message"],
        "The location property is required for this definition."
    );
    assert_eq!(
        s.send("GET", &rg("rg-nowhere"), None, b"").status,
        404,
        "nothing is kept"
    );
    for name in [
        "r".repeat(2000),
        "r".repeat(91),
        "rg.".into(),
        "rg!".into(),
        "rg%20x".into(),
    ] {
        let a = s.json("PUT", &rg(&name), r#"{"location": "westeurope"}"#);
        assert_eq!(
            (a.status, a.code()),
            (400, "InvalidResourceGroup"),
            "{}",
            &name[..name.len().min(20)]
        );
    }
    // Unicode letters are letters (percent-encoded in the path, as clients send them).
    let a = s.json("PUT", &rg("rg-%C3%A4%28prod%29"), r#"{"location": "westeurope"}"#);
    assert_eq!(a.status, 201, "{:?}", a.body);
    assert_eq!(a.body["name"], "rg-ä(prod)");
    assert_eq!(
        s.json("PUT", &rg(&"r".repeat(90)), r#"{"location": "westeurope"}"#)
            .status,
        201
    );

    let group = rg("rg1");
    assert_eq!(s.json("PUT", &group, r#"{"location": "westeurope"}"#).status, 201);
    for ns in [
        "Microsoft.Network",
        "Microsoft.Storage",
        "Microsoft.KeyVault",
        "Microsoft.ContainerService",
        "Microsoft.ManagedIdentity",
    ] {
        let a = s.send("POST", &format!("{SUB}/providers/{ns}/register"), None, b"");
        assert_eq!(a.status, 200, "{ns}: {:?}", a.body);
    }
    let under = |rest: &str| format!("{group}/providers/{rest}");
    let vnet_body =
        r#"{"location": "westeurope", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}"#;
    let cases: Vec<(String, String, u16, &str)> = vec![
        (under("Microsoft.Network/virtualNetworks/v"), vnet_body.into(), 400, "InvalidResourceName"),
        (under("Microsoft.Network/virtualNetworks/vnet-"), vnet_body.into(), 400, "InvalidResourceName"),
        (
            under("Microsoft.Network/virtualNetworks/vnet1"),
            r#"{"properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}"#.into(),
            400,
            "LocationRequired",
        ),
        (under("Microsoft.Storage/storageAccounts/Bad_Name"), r#"{"location": "westeurope", "sku": {"name": "Standard_LRS"}}"#.into(), 400, "AccountNameInvalid"),
        (
            under("Microsoft.KeyVault/vaults/1kv"),
            r#"{"location": "westeurope", "properties": {"tenantId": "t", "sku": {"family": "A", "name": "standard"}}}"#.into(),
            400,
            "VaultNameNotValid",
        ),
        (
            under("Microsoft.ContainerService/managedClusters/aks1"),
            r#"{"location": "westeurope", "properties": {"dnsPrefix": "aks1", "agentPoolProfiles": [{"name": "System-Pool", "mode": "System"}]}}"#.into(),
            400,
            "InvalidParameter",
        ),
        (
            under("Microsoft.ContainerService/managedClusters/aks1"),
            r#"{"location": "westeurope", "properties": {"dnsPrefix": "aks1", "agentPoolProfiles": {"name": "system"}}}"#.into(),
            400,
            "InvalidRequestContent",
        ),
        (under("Microsoft.ManagedIdentity/userAssignedIdentities/id"), r#"{"location": "westeurope"}"#.into(), 400, "InvalidResourceName"),
        (under("Microsoft.Authorization/roleAssignments/not-a-guid"), r#"{"properties": {}}"#.into(), 400, "InvalidRoleAssignmentId"),
    ];
    for (id, body, status, code) in &cases {
        let a = s.json("PUT", id, body);
        assert_eq!((a.status, a.code()), (*status, *code), "PUT {id}: {:?}", a.body);
    }
    // Valid names are taken.
    let a = s.json("PUT", &under("Microsoft.Network/virtualNetworks/vnet1"), vnet_body);
    assert!(a.status == 201 || a.status == 200, "{:?}", a.body);
    s.still_answers();
}

/// Streams `total` bytes of body on `s` from another thread, in 64 KiB
/// writes (as chunks when `chunked`), until done or the server stops
/// taking them; returns how many bytes were written.
fn stream_body(s: &TcpStream, total: u64, chunked: bool) -> std::thread::JoinHandle<u64> {
    let mut w = s.try_clone().unwrap();
    std::thread::spawn(move || {
        let piece = vec![b' '; 64 * 1024];
        let mut framed = Vec::new();
        if chunked {
            framed.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        }
        framed.extend_from_slice(&piece);
        if chunked {
            framed.extend_from_slice(b"\r\n");
        }
        let mut written = 0u64;
        while written < total {
            if w.write_all(&framed).is_err() {
                break;
            }
            written += piece.len() as u64;
        }
        written
    })
}

#[test]
fn a_body_over_4_mb_is_refused_without_being_read() {
    let s = Served::start();
    let group = rg("rg-big");
    assert_eq!(s.json("PUT", &group, r#"{"location": "westeurope"}"#).status, 201);
    // A body under the limit is read whole.
    let big_tag = format!(r#"{{"tags": {{"blob": "{}"}}}}"#, "a".repeat(3 * 1024 * 1024));
    let a = s.json("PATCH", &group, &big_tag);
    assert_eq!(a.status, 200, "{:?}", a.code());

    for chunked in [false, true] {
        let mut c = s.connect();
        let framing = if chunked {
            ("Transfer-Encoding", "chunked".to_string())
        } else {
            ("Content-Length", GIB.to_string())
        };
        let head = s.head("PATCH", &group, &[("Content-Type", "application/json".into()), framing]);
        c.write_all(head.as_bytes()).unwrap();
        let writer = stream_body(&c, GIB, chunked);
        let a = read_answer(&mut c);
        assert_eq!(
            (a.status, a.code()),
            (413, "RequestContentTooLarge"),
            "chunked: {chunked}"
        );
        assert_eq!(
            a.body["error"]["message"],
            "The request content size exceeds the maximum size of 4 MB."
        );
        let _ = c.shutdown(Shutdown::Both);
        let written = writer.join().unwrap();
        eprintln!("chunked: {chunked}: {written} bytes of 1 GiB written before the server stopped taking them");
        assert!(
            written < GIB / 4,
            "the server stopped reading at the limit (chunked: {chunked}), yet {written} bytes were taken"
        );
        s.still_answers();
    }
    // A length over the limit is refused from the headers, before any body.
    let mut c = s.connect();
    let head = s.head(
        "PUT",
        &rg("rg-huge"),
        &[
            ("Content-Type", "application/json".into()),
            ("Content-Length", (4 * 1024 * 1024 + 1).to_string()),
        ],
    );
    c.write_all(head.as_bytes()).unwrap();
    let a = read_answer(&mut c);
    assert_eq!((a.status, a.code()), (413, "RequestContentTooLarge"));
    assert_eq!(s.send("GET", &rg("rg-huge"), None, b"").status, 404);
    // The group is as the last accepted PATCH left it.
    let a = s.send("GET", &group, None, b"");
    assert_eq!(a.body["tags"]["blob"].as_str().map(str::len), Some(3 * 1024 * 1024));
    s.still_answers();
}

#[test]
fn bytes_that_are_not_http_leave_the_server_answering() {
    let s = Served::start();
    for garbage in [
        &b"GARBAGE\r\n\r\n"[..],
        b"\x00\x01\x02\xff\r\n\r\n",
        b"PUT / HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
    ] {
        let mut c = s.connect();
        let _ = c.write_all(garbage);
        let mut out = Vec::new();
        let _ = c.read_to_end(&mut out);
        let status = String::from_utf8_lossy(&out)
            .split_whitespace()
            .nth(1)
            .map(str::to_string);
        assert!(matches!(status.as_deref(), None | Some("400")), "{status:?}");
        s.still_answers();
    }
}
