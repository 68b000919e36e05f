//! `aksplan sim serve` with several subscriptions, over HTTP only: a fixed
//! list (`--subscription`, repeatable) answers for exactly its
//! subscriptions; without the flag any subscription is created when first
//! addressed, so `ARM_SUBSCRIPTION_ID` set to a real-looking id plans and
//! applies.

mod common;

use common::{example, Run};
use serde_json::Value as Json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Stdio;

const A: &str = "3f2b8c1e-7d4a-4e5b-9c61-0a1b2c3d4e5f";
const B: &str = "9e8d7c6b-5a49-4382-a716-f5e4d3c2b1a0";
const C: &str = "c0ffee00-1234-4abc-8def-001122334455";
const TOKEN: &str = "test-token-5d1e";

/// A running `aksplan sim serve`, stopped when dropped.
struct Served {
    _server: common::sim_serve::SimServe,
    host: String,
    banner: String,
    _dir: tempfile::TempDir,
}

impl Served {
    fn start(args: &[&str]) -> Served {
        let dir = tempfile::tempdir().unwrap();
        let mut all = vec!["--quiet"];
        all.extend(args);
        let server = common::sim_serve::SimServe::start(dir.path(), &dir.path().join("store"), &all, Stdio::null());
        Served {
            host: server.host().to_string(),
            banner: server.banner.clone(),
            _server: server,
            _dir: dir,
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.host)
    }

    /// A plain GET; the status and the JSON body.
    fn get(&self, path: &str) -> (u16, Json) {
        let mut s = TcpStream::connect(&self.host).unwrap();
        write!(
            s,
            "GET {path}?api-version=2022-12-01 HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n",
            self.host
        )
        .unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        let status = answer
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        (status, serde_json::from_str(body).unwrap_or(Json::Null))
    }

    fn subscriptions(&self) -> Vec<String> {
        let (status, body) = self.get("/subscriptions");
        assert_eq!(status, 200, "{body}");
        body["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["subscriptionId"].as_str().unwrap().to_string())
            .collect()
    }

    /// Runs aksplan against this server in subscription `sub`.
    fn run(&self, dir: &Path, sub: &str, args: &[&str]) -> Run {
        let url = self.url();
        let mut all = args.to_vec();
        all.extend(["--cloud", &url]);
        common::run_env(dir, &all, &[("ARM_ACCESS_TOKEN", TOKEN), ("ARM_SUBSCRIPTION_ID", sub)])
    }
}

fn ok(r: &Run, what: &str) {
    assert_eq!(r.code, 0, "{what}:\n{}\n{}", r.stdout, r.stderr);
}

#[test]
fn a_fixed_list_answers_for_its_subscriptions_and_no_other() {
    let served = Served::start(&["--subscription", A, "--subscription", &B.to_uppercase()]);
    assert!(
        served.banner.contains(&format!("(subscriptions {A}, {B})")),
        "{}",
        served.banner
    );
    assert_eq!(served.subscriptions(), [A, B]);
    for sub in [A, B] {
        let (status, body) = served.get(&format!("/subscriptions/{sub}"));
        assert_eq!((status, body["subscriptionId"].as_str()), (200, Some(sub)), "{body}");
        let (status, body) = served.get(&format!("/subscriptions/{sub}/resourcegroups"));
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["value"], serde_json::json!([]));
    }
    for path in [
        format!("/subscriptions/{C}"),
        format!("/subscriptions/{C}/resourcegroups"),
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg".to_string(),
    ] {
        let (status, body) = served.get(&path);
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (404, Some("SubscriptionNotFound")),
            "{path}"
        );
    }
    let (status, body) = served.get("/subscriptions/not-a-guid/resourcegroups");
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("InvalidSubscriptionId"))
    );
    assert_eq!(served.subscriptions(), [A, B], "nothing was created");

    // aksplan in a subscription the server does not host is told so at once.
    let dir = example("aks-basic");
    let r = served.run(dir.path(), C, &["plan"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("SubscriptionNotFound"), "{}", r.stderr);

    // The same configuration applied in each: two groups of the same name,
    // each listed only in its own subscription, and each state plans clean.
    let dirs = [(A, example("aks-basic")), (B, example("aks-basic"))];
    for (sub, dir) in &dirs {
        ok(&served.run(dir.path(), sub, &["apply", "--auto-approve"]), sub);
    }
    for (sub, dir) in &dirs {
        let (_, body) = served.get(&format!("/subscriptions/{sub}/resourcegroups"));
        let groups: Vec<&str> = body["value"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|g| g["id"].as_str())
            .collect();
        assert_eq!(groups.len(), 1, "{body}");
        assert!(groups[0].starts_with(&format!("/subscriptions/{sub}/")), "{body}");
        let r = served.run(dir.path(), sub, &["plan", "--detailed-exitcode"]);
        assert_eq!(r.code, 0, "{sub}:\n{}\n{}", r.stdout, r.stderr);
    }
}

#[test]
fn a_bad_subscription_flag_is_refused_before_serving() {
    let dir = tempfile::tempdir().unwrap();
    let r = common::run(
        dir.path(),
        &["sim", "serve", "--addr", "127.0.0.1:0", "--subscription", "prod"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("invalid value 'prod' for '--subscription <ID>'"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("malformed or invalid"), "{}", r.stderr);
    assert_eq!(r.stdout, "", "nothing was served");
}

#[test]
fn without_flags_arm_subscription_id_plans_and_applies_in_that_subscription() {
    let served = Served::start(&[]);
    assert!(served.banner.contains("(any subscription"), "{}", served.banner);
    let dir = example("aks-basic");
    ok(&served.run(dir.path(), A, &["apply", "--auto-approve"]), "apply in A");
    assert_eq!(served.subscriptions(), ["00000000-0000-0000-0000-000000000000", A]);
    let show = served.run(dir.path(), A, &["show", "--json"]);
    ok(&show, "show");
    let state: Json = serde_json::from_str(&show.stdout).unwrap();
    let ids: Vec<&str> = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["mode"] == "managed" && r["type"] != "azurerm_resource_provider_registration")
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(!ids.is_empty());
    for id in &ids {
        assert!(id.to_lowercase().starts_with(&format!("/subscriptions/{A}/")), "{id}");
        assert_eq!(served.get(id).0, 200, "{id} is served");
    }
    let r = served.run(dir.path(), A, &["plan", "--detailed-exitcode"]);
    assert_eq!(r.code, 0, "a clean plan after apply:\n{}\n{}", r.stdout, r.stderr);
    // Another subscription sees none of it.
    let (_, body) = served.get(&format!("/subscriptions/{B}/resourcegroups"));
    assert_eq!(body["value"], serde_json::json!([]));
    // With two subscriptions to choose from, aksplan asks which, as with Azure.
    let url = served.url();
    let r = common::run_env(dir.path(), &["plan", "--cloud", &url], &[("ARM_ACCESS_TOKEN", TOKEN)]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("SubscriptionNotChosen"), "{}", r.stderr);
    assert!(r.stderr.contains("sees 3 subscriptions"), "{}", r.stderr);
    ok(
        &served.run(dir.path(), A, &["destroy", "--auto-approve"]),
        "destroy in A",
    );
    let (_, body) = served.get(&format!("/subscriptions/{A}/resourcegroups"));
    assert_eq!(body["value"], serde_json::json!([]));
}
