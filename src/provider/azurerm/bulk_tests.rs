//! Bulk reads through the `Provider` trait against the in-process
//! simulation: what is listed instead of read, and that a listed body
//! reads as its GET does.

use super::Azurerm;
use crate::addrs::Mode;
use crate::lang::value::Map;
use crate::lang::Value;
use crate::provider::arm::{ArmClient, ArmError, ArmRequest, ArmResponse, Method};
use crate::provider::protocol::*;
use crate::provider::sim::{SimClient, SUBSCRIPTION};
use serde_json::json;
use std::sync::Mutex;
use std::time::SystemTime;

/// The simulation, recording each request's method and path.
struct Counting {
    sim: SimClient,
    asked: Mutex<Vec<String>>,
    /// Lists of this path fail, as a service that refuses them would.
    refuse: Option<String>,
}

impl ArmClient for Counting {
    async fn send(&self, req: ArmRequest) -> Result<ArmResponse, ArmError> {
        self.asked
            .lock()
            .unwrap()
            .push(format!("{:?} {}", req.method, req.path));
        if self.refuse.as_deref() == Some(req.path.as_str()) {
            return Err(ArmError::new(403, "AuthorizationFailed", "no list for you"));
        }
        self.sim.send(req).await
    }
    fn describe(&self) -> String {
        "counting".into()
    }
    fn subscription(&self) -> &str {
        SUBSCRIPTION
    }
    fn tenant(&self) -> &str {
        "t"
    }
}

fn rg(name: &str) -> String {
    format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/{name}")
}

fn vnet(name: &str) -> String {
    format!("{}/providers/Microsoft.Network/virtualNetworks/{name}", rg("rg-app"))
}

fn identity(name: &str) -> String {
    format!(
        "{}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}",
        rg("rg-app")
    )
}

fn with_id(id: &str) -> Value {
    Value::Object(Map::from([("id".to_string(), Value::string(id))]))
}

/// A group with networks `aa`, `bb`, `cc` and identity `id-i`, made behind the
/// provider's back.
fn provider(dir: &std::path::Path, refuse: Option<String>) -> Azurerm<Counting> {
    let sim = SimClient::new(dir);
    let put = |id: String, body| {
        sim.handle(&ArmRequest {
            method: Method::Put,
            path: id,
            api_version: "2025-04-01".into(),
            body: Some(body),
        })
        .unwrap()
    };
    put(rg("rg-app"), json!({"location": "westeurope"}));
    for name in ["aa", "bb", "cc"] {
        let space = json!({"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}});
        put(vnet(name), json!({"location": "westeurope", "properties": space}));
    }
    put(identity("id-i"), json!({"location": "westeurope"}));
    let schemas = crate::provider::embedded::schemas("azurerm", Azurerm::<SimClient>::SOURCE);
    let client = Counting {
        sim,
        asked: Mutex::new(Vec::new()),
        refuse,
    };
    Azurerm::new(client, schemas)
}

/// Reads `(type, id)` each with `read`, then all with `read_many`; returns
/// both answers' values and the requests `read_many` made.
fn both(p: &Azurerm<Counting>, entries: &[(&str, String)]) -> (Vec<Option<Value>>, Vec<Option<Value>>, Vec<String>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let config = ProviderConfig::default();
    let priors: Vec<Value> = entries.iter().map(|(_, id)| with_id(id)).collect();
    let reqs = || {
        entries
            .iter()
            .zip(&priors)
            .map(|((t, _), prior)| ReadRequest {
                schema: p.schemas().get(Mode::Managed, t).unwrap(),
                provider: &config,
                prior,
                now: SystemTime::UNIX_EPOCH,
            })
            .collect::<Vec<_>>()
    };
    let one_by_one: Vec<Option<Value>> = reqs()
        .into_iter()
        .map(|r| {
            let r = rt.block_on(p.read(r));
            assert!(!r.diags.has_errors(), "{:?}", r.diags);
            r.value
        })
        .collect();
    p.client.asked.lock().unwrap().clear();
    let many = rt.block_on(p.read_many(reqs(), 4));
    assert!(many.iter().all(|r| !r.diags.has_errors()));
    let asked = std::mem::take(&mut *p.client.asked.lock().unwrap());
    (one_by_one, many.into_iter().map(|r| r.value).collect(), asked)
}

const VNET: &str = "azurerm_virtual_network";

#[test]
fn a_collection_is_listed_once_and_reads_as_its_gets_do() {
    let dir = tempfile::tempdir().unwrap();
    let p = provider(dir.path(), None);
    let entries = [
        (VNET, vnet("aa")),
        ("azurerm_user_assigned_identity", identity("id-i")),
        (VNET, vnet("bb")),
        // Gone: absent from the listing, as a GET's 404 would say.
        (VNET, vnet("gone")),
        (VNET, vnet("cc")),
        ("azurerm_resource_group", rg("rg-app")),
    ];
    let (one_by_one, many, asked) = both(&p, &entries);
    assert_eq!(many, one_by_one);
    assert!(many[0].is_some() && many[3].is_none());
    let lists: Vec<&String> = asked.iter().filter(|a| a.ends_with("/virtualNetworks")).collect();
    assert_eq!(lists.len(), 1, "{asked:?}");
    // Nothing of a listed collection is read by GET; singles are.
    assert!(!asked.iter().any(|a| a.contains("/virtualNetworks/")), "{asked:?}");
    assert!(asked.contains(&format!("Get {}", identity("id-i"))), "{asked:?}");
    assert!(asked.contains(&format!("Get {}", rg("rg-app"))), "{asked:?}");
}

#[test]
fn a_list_that_fails_leaves_its_collection_to_gets() {
    let dir = tempfile::tempdir().unwrap();
    let collection = vnet("x").trim_end_matches("/x").to_string();
    let p = provider(dir.path(), Some(collection));
    let entries = [(VNET, vnet("aa")), (VNET, vnet("gone")), (VNET, vnet("bb"))];
    let (one_by_one, many, asked) = both(&p, &entries);
    assert_eq!(many, one_by_one);
    assert!(many[0].is_some() && many[1].is_none() && many[2].is_some());
    for name in ["aa", "gone", "bb"] {
        assert!(asked.contains(&format!("Get {}", vnet(name))), "{asked:?}");
    }
}

/// The requests `read_many_seen` made, with what it told of each read
/// (`sent 0`, `answered 0`) in the order it happened.
fn told(p: &Azurerm<Counting>, entries: &[(&str, String)]) -> Vec<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let config = ProviderConfig::default();
    let priors: Vec<Value> = entries.iter().map(|(_, id)| with_id(id)).collect();
    let reqs = entries
        .iter()
        .zip(&priors)
        .map(|((t, _), prior)| ReadRequest {
            schema: p.schemas().get(Mode::Managed, t).unwrap(),
            provider: &config,
            prior,
            now: SystemTime::UNIX_EPOCH,
        })
        .collect();
    p.client.asked.lock().unwrap().clear();
    let seen = |i: usize, step: ReadStep<'_>| {
        let word = match step {
            ReadStep::Sent => "sent",
            ReadStep::Answered(_) => "answered",
        };
        p.client.asked.lock().unwrap().push(format!("{word} {i}"));
    };
    rt.block_on(p.read_many_seen(reqs, 4, &seen));
    std::mem::take(&mut *p.client.asked.lock().unwrap())
}

fn at(log: &[String], line: &str) -> usize {
    let found: Vec<usize> = (0..log.len()).filter(|&i| log[i] == line).collect();
    assert_eq!(found.len(), 1, "{line:?} once in {log:?}");
    found[0]
}

#[test]
fn each_read_is_told_when_its_list_or_get_is_sent_and_when_it_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let p = provider(dir.path(), None);
    let entries = [
        (VNET, vnet("aa")),
        ("azurerm_user_assigned_identity", identity("id-i")),
        (VNET, vnet("bb")),
    ];
    let log = told(&p, &entries);
    let list = format!("Get {}", vnet("x").trim_end_matches("/x"));
    for i in [0, 2] {
        assert!(at(&log, &format!("sent {i}")) < at(&log, &list), "{log:?}");
        assert!(at(&log, &list) < at(&log, &format!("answered {i}")), "{log:?}");
    }
    let get = at(&log, &format!("Get {}", identity("id-i")));
    assert!(at(&log, "sent 1") < get && get < at(&log, "answered 1"), "{log:?}");

    // A list that fails: its reads are sent once, with the list, then read by GET.
    let dir = tempfile::tempdir().unwrap();
    let p = provider(dir.path(), Some(vnet("x").trim_end_matches("/x").to_string()));
    let log = told(&p, &[(VNET, vnet("aa")), (VNET, vnet("bb"))]);
    for (i, name) in ["aa", "bb"].iter().enumerate() {
        let get = at(&log, &format!("Get {}", vnet(name)));
        assert!(at(&log, &format!("sent {i}")) < get, "{log:?}");
        assert!(get < at(&log, &format!("answered {i}")), "{log:?}");
    }
}
