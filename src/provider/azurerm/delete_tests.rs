//! Deleting through the `Provider` trait against the in-process simulation:
//! a resource group that still holds resources, under the provider
//! configurations that keep or lift azurerm's guard.

use super::Azurerm;
use crate::addrs::Mode;
use crate::lang::value::Map;
use crate::lang::Value;
use crate::provider::arm::{ArmRequest, Method};
use crate::provider::protocol::*;
use crate::provider::sim::{SimClient, SUBSCRIPTION};
use serde_json::json;
use std::time::SystemTime;

struct Run {
    _dir: tempfile::TempDir,
    p: Azurerm<SimClient>,
}

fn rg() -> String {
    format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-app")
}

fn vnet(name: &str) -> String {
    format!("{}/providers/Microsoft.Network/virtualNetworks/{name}", rg())
}

fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map>())
}

/// `provider "azurerm" { features { resource_group { prevent_deletion_if_contains_resources = on } } }`
fn guard(on: bool) -> ProviderConfig {
    let rg = obj(vec![("prevent_deletion_if_contains_resources", Value::Bool(on))]);
    let features = obj(vec![("resource_group", Value::list(vec![rg]))]);
    ProviderConfig {
        alias: None,
        value: obj(vec![("features", Value::list(vec![features]))]),
    }
}

impl Run {
    /// A group holding a network, made behind the provider's back.
    fn new() -> Run {
        let dir = tempfile::tempdir().unwrap();
        let client = SimClient::new(dir.path());
        let put = |id: String, body| {
            client
                .handle(&ArmRequest {
                    method: Method::Put,
                    path: id,
                    api_version: "2025-04-01".into(),
                    body: Some(body),
                })
                .unwrap()
        };
        put(rg(), json!({"location": "westeurope"}));
        let address_space = json!({"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}});
        put(
            vnet("vnet1"),
            json!({"location": "westeurope", "properties": address_space}),
        );
        let schemas = crate::provider::embedded::schemas("azurerm", Azurerm::<SimClient>::SOURCE);
        Run {
            _dir: dir,
            p: Azurerm::new(client, schemas),
        }
    }

    fn exists(&self, id: &str) -> bool {
        self.p.client.store().get(id).unwrap().is_some()
    }

    fn delete(&self, type_name: &str, id: &str, provider: &ProviderConfig) -> ApplyResponse {
        let schema = self.p.schemas().get(Mode::Managed, type_name).unwrap();
        let prior = obj(vec![("id", Value::string(id))]);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(self.p.apply(ApplyRequest {
            schema,
            provider,
            prior: Some(&prior),
            planned: None,
            now: SystemTime::UNIX_EPOCH,
        }))
    }
}

#[test]
fn a_group_that_still_holds_a_resource_is_kept_and_the_error_names_it() {
    let run = Run::new();
    for provider in [ProviderConfig::default(), guard(true)] {
        let r = run.delete("azurerm_resource_group", &rg(), &provider);
        assert_eq!(r.value.as_ref().and_then(|v| v.get("id")), Some(&Value::string(rg())));
        let d = r.diags.iter().next().expect("refused");
        assert_eq!(d.summary, "Resource group still contains resources");
        assert!(d.detail.contains(&vnet("vnet1")), "{}", d.detail);
        assert!(run.exists(&rg()) && run.exists(&vnet("vnet1")));
    }
}

#[test]
fn with_the_feature_off_the_group_goes_and_takes_its_resources_along() {
    let run = Run::new();
    let r = run.delete("azurerm_resource_group", &rg(), &guard(false));
    assert!(!r.diags.has_errors(), "{:?}", r.diags);
    assert!(r.value.is_none());
    assert!(!run.exists(&rg()) && !run.exists(&vnet("vnet1")));
}

#[test]
fn a_group_emptied_first_is_deleted() {
    let run = Run::new();
    let r = run.delete("azurerm_virtual_network", &vnet("vnet1"), &ProviderConfig::default());
    assert!(!r.diags.has_errors(), "{:?}", r.diags);
    let r = run.delete("azurerm_resource_group", &rg(), &ProviderConfig::default());
    assert!(!r.diags.has_errors(), "{:?}", r.diags);
    assert!(!run.exists(&rg()));
}
