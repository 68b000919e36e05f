//! The azapi provider against the in-process simulation, through the
//! `Provider` trait: plan, apply, read and plan again, as a run does.
//! [`resource`] tests azapi_resource; [`others`] the other types.

mod others;
mod resource;

use super::Azapi;
use crate::addrs::Mode;
use crate::diag::Diagnostics;
use crate::lang::eval::eval_standalone;
use crate::lang::Value;
use crate::provider::arm::{ArmClient, ArmRequest, Method};
use crate::provider::protocol::*;
use crate::provider::sim::{SimClient, SUBSCRIPTION, TENANT};
use crate::schema::Schema;
use serde_json::{json, Value as Json};
use std::time::SystemTime;

struct Run {
    _dir: tempfile::TempDir,
    p: Azapi<SimClient>,
    provider: ProviderConfig,
}

fn rg_id(name: &str) -> String {
    format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/{name}")
}

impl Run {
    fn new() -> Run {
        let dir = tempfile::tempdir().unwrap();
        let client = SimClient::new(dir.path());
        let schemas = crate::provider::embedded::schemas("azapi", super::SOURCE);
        Run {
            _dir: dir,
            p: Azapi::new(client, schemas),
            provider: ProviderConfig::default(),
        }
    }

    fn schema(&self, mode: Mode, name: &str) -> &Schema {
        self.p.schemas().get(mode, name).unwrap()
    }

    /// A configuration of `name` from HCL, typed as the schema types it.
    fn config(&self, mode: Mode, name: &str, hcl: &str) -> Value {
        let v = eval_standalone(hcl).unwrap_or_else(|e| panic!("{hcl}: {e:?}"));
        crate::lang::types::conform(v, self.schema(mode, name).block.object_type())
    }

    fn plan(&self, name: &str, prior: Option<&Value>, config: &Value) -> PlanResponse {
        self.p.plan(PlanRequest {
            schema: self.schema(Mode::Managed, name),
            provider: &self.provider,
            prior,
            config,
            now: None,
        })
    }

    async fn apply(&self, name: &str, prior: Option<&Value>, planned: Option<&Value>) -> ApplyResponse {
        self.p
            .apply(ApplyRequest {
                schema: self.schema(Mode::Managed, name),
                provider: &self.provider,
                prior,
                planned,
                now: SystemTime::now(),
            })
            .await
    }

    async fn read(&self, name: &str, prior: &Value) -> ReadResponse {
        self.p
            .read(ReadRequest {
                schema: self.schema(Mode::Managed, name),
                provider: &self.provider,
                prior,
                now: SystemTime::now(),
            })
            .await
    }

    async fn read_data(&self, name: &str, config: &Value) -> ReadResponse {
        self.p
            .read_data(ReadDataRequest {
                schema: self.schema(Mode::Data, name),
                provider: &self.provider,
                config,
                now: SystemTime::now(),
            })
            .await
    }

    async fn import(&self, id: &str) -> ReadResponse {
        self.p
            .import(ImportRequest {
                schema: self.schema(Mode::Managed, "azapi_resource"),
                provider: &self.provider,
                id,
            })
            .await
    }

    /// The state as a state file keeps it: JSON, typed back and marked by the schema.
    fn stored(&self, name: &str, v: &Value) -> Value {
        let block = &self.schema(Mode::Managed, name).block;
        let mut back = crate::lang::types::conform(Value::from_json(&v.to_json()), block.object_type());
        if let Some(m) = back.as_map_mut() {
            for (k, attr) in &block.attributes {
                if let Some(x) = m.get_mut(k).filter(|x| attr.sensitive && !x.is_null()) {
                    *x = std::mem::take(x).mark();
                }
            }
        }
        back
    }

    /// Plans, applies and refreshes a new instance; the refreshed state.
    async fn create(&self, name: &str, config: &Value) -> Value {
        let planned = self.plan(name, None, config);
        assert_no_errors(&planned.diags);
        let applied = self.apply(name, None, Some(&planned.planned)).await;
        assert_no_errors(&applied.diags);
        let state = self.stored(name, &applied.value.expect("a created instance"));
        let read = self.read(name, &state).await;
        assert_no_errors(&read.diags);
        self.stored(name, &read.value.expect("the instance exists"))
    }

    /// Asserts that planning `config` over `state` changes nothing.
    fn assert_clean(&self, name: &str, state: &Value, config: &Value) {
        let p = self.plan(name, Some(state), config);
        assert_no_errors(&p.diags);
        assert!(p.replace_paths.is_empty(), "{:?}", p.replace_paths);
        assert!(
            !differs(state, &p.planned),
            "{name} changes:\n{state}\n->\n{}",
            p.planned
        );
    }

    async fn arm(&self, method: Method, path: &str, body: Option<Json>) -> Json {
        let req = ArmRequest {
            method,
            path: path.into(),
            api_version: "2024-01-01".into(),
            body,
        };
        self.p.client.send(req).await.unwrap().body
    }
}

/// Whether a planned value is a change, as the planner decides it: an
/// unknown, or anything not the same as before.
fn differs(prior: &Value, planned: &Value) -> bool {
    !planned.is_wholly_known() || !prior.same_as(planned)
}

fn assert_no_errors(diags: &Diagnostics) {
    assert!(!diags.has_errors(), "{diags:?}");
}

fn s<'a>(v: &'a Value, path: &str) -> Option<&'a str> {
    path.split('.').try_fold(v, |v, k| v.get(k)).and_then(Value::as_str)
}

const RG: &str = r#"{
  type = "Microsoft.Resources/resourceGroups@2021-04-01"
  name = "rg1"
  location = "West Europe"
}"#;

fn vnet(prefixes: &str) -> String {
    format!(
        r#"{{
  type = "Microsoft.Network/virtualNetworks@2024-01-01"
  name = "vnet1"
  parent_id = "{}"
  location = "West Europe"
  body = {{ properties = {{ addressSpace = {{ addressPrefixes = {prefixes} }} }} }}
  response_export_values = ["properties.resourceGuid"]
}}"#,
        rg_id("rg1")
    )
}

fn subnet(vnet_id: &str) -> String {
    format!(
        r#"{{
  type = "Microsoft.Network/virtualNetworks/subnets@2024-01-01"
  name = "nodes"
  parent_id = "{vnet_id}"
  body = {{ properties = {{ addressPrefix = "10.0.1.0/24" }} }}
}}"#
    )
}

/// A cluster under PARENT. Its `identity { }` block is block syntax, which
/// configurations given as expressions cannot hold: each test rewrites it.
const CLUSTER: &str = r#"{
  type = "Microsoft.ContainerService/managedClusters@2024-05-01"
  name = "aks1"
  parent_id = "PARENT"
  location = "westeurope"
  identity {
    type = "SystemAssigned"
  }
  body = {
    properties = {
      kubernetesVersion = "1.31"
      dnsPrefix = "aks1"
      agentPoolProfiles = [{ name = "system", mode = "System", vmSize = "Standard_D2s_v5", count = 1 }]
    }
  }
}"#;

#[test]
fn the_provider_is_held_as_the_registry_holds_providers() {
    // As `Providers` holds it: behind `Arc<dyn Provider>`, on a shared client.
    let dir = tempfile::tempdir().unwrap();
    let client = std::sync::Arc::new(SimClient::new(dir.path()));
    let p: std::sync::Arc<dyn Provider> = std::sync::Arc::new(Azapi::new(
        client,
        crate::provider::embedded::schemas("azapi", super::SOURCE),
    ));
    assert_eq!(p.name(), "azapi");
    let schema = |mode, name| p.schemas().get(mode, name).unwrap();
    assert!(p.can_apply(schema(Mode::Managed, "azapi_resource")));
    assert!(p.can_apply(schema(Mode::Managed, "azapi_update_resource")));
    assert!(!p.can_apply(schema(Mode::Managed, "azapi_data_plane_resource")));
    assert!(p.can_apply(schema(Mode::Data, "azapi_client_config")));
    assert!(!p.can_apply(schema(Mode::Data, "azapi_resource_list")));
}
