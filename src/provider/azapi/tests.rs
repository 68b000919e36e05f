//! The azapi provider against the in-process simulation, through the
//! `Provider` trait: plan, apply, read and plan again, as a run does.

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
        let schemas = crate::provider::embedded::schemas("azapi", Azapi::<SimClient>::SOURCE);
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
        let back = Value::from_json(&v.to_json());
        crate::provider::azurerm::settle(&self.schema(Mode::Managed, name).block, back)
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

#[tokio::test]
async fn a_resource_group_and_a_vnet_with_a_subnet_round_trip() {
    let r = Run::new();
    let rg_cfg = r.config(Mode::Managed, "azapi_resource", RG);
    let planned = r.plan("azapi_resource", None, &rg_cfg);
    // The parent defaults to the subscription, and the id is known at plan.
    assert_eq!(s(&planned.planned, "id"), Some(rg_id("rg1").as_str()));
    assert_eq!(
        s(&planned.planned, "parent_id"),
        Some(format!("/subscriptions/{SUBSCRIPTION}").as_str())
    );
    assert!(!planned.planned.get("output").unwrap().is_known());
    let rg = r.create("azapi_resource", &rg_cfg).await;
    assert_eq!(s(&rg, "location"), Some("West Europe"));
    r.assert_clean("azapi_resource", &rg, &rg_cfg);
    // `westeurope` is the same region: no change, and no replacement.
    let lower = r.config(
        Mode::Managed,
        "azapi_resource",
        &RG.replace("West Europe", "westeurope"),
    );
    r.assert_clean("azapi_resource", &rg, &lower);

    let vnet_cfg = r.config(Mode::Managed, "azapi_resource", &vnet(r#"["10.0.0.0/16"]"#));
    let v = r.create("azapi_resource", &vnet_cfg).await;
    let vnet_id = s(&v, "id").unwrap().to_string();
    assert_eq!(
        vnet_id,
        format!("{}/providers/Microsoft.Network/virtualNetworks/vnet1", rg_id("rg1"))
    );
    let stored = r.arm(Method::Get, &vnet_id, None).await;
    assert_eq!(
        stored["properties"]["addressSpace"]["addressPrefixes"],
        json!(["10.0.0.0/16"])
    );
    assert_eq!(stored["location"], "westeurope");
    // The output holds what response_export_values asks for.
    let guid = s(&v, "output.properties.resourceGuid").expect("the exported GUID");
    assert_eq!(Some(guid), stored["properties"]["resourceGuid"].as_str());
    r.assert_clean("azapi_resource", &v, &vnet_cfg);

    let sub_cfg = r.config(Mode::Managed, "azapi_resource", &subnet(&vnet_id));
    let sn = r.create("azapi_resource", &sub_cfg).await;
    assert_eq!(s(&sn, "id"), Some(format!("{vnet_id}/subnets/nodes").as_str()));
    assert!(sn.get("location").unwrap().is_null());
    r.assert_clean("azapi_resource", &sn, &sub_cfg);
    // The parent's id in another case is the same parent.
    let upper = r.config(Mode::Managed, "azapi_resource", &subnet(&vnet_id.replace("rg1", "RG1")));
    r.assert_clean("azapi_resource", &sn, &upper);

    // Destroying deletes, child first.
    for (state, id) in [(&sn, format!("{vnet_id}/subnets/nodes")), (&v, vnet_id.clone())] {
        let d = r.apply("azapi_resource", Some(state), None).await;
        assert_no_errors(&d.diags);
        assert!(d.value.is_none());
        let e =
            r.p.client
                .send(ArmRequest {
                    method: Method::Get,
                    path: id,
                    api_version: "2024-01-01".into(),
                    body: None,
                })
                .await
                .unwrap_err();
        assert!(e.is_not_found());
    }
}

#[tokio::test]
async fn a_body_change_updates_in_place_and_a_new_name_replaces() {
    let r = Run::new();
    r.create("azapi_resource", &r.config(Mode::Managed, "azapi_resource", RG))
        .await;
    let v = r
        .create(
            "azapi_resource",
            &r.config(Mode::Managed, "azapi_resource", &vnet(r#"["10.0.0.0/16"]"#)),
        )
        .await;

    let wider = r.config(
        Mode::Managed,
        "azapi_resource",
        &vnet(r#"["10.0.0.0/16", "10.1.0.0/16"]"#),
    );
    let p = r.plan("azapi_resource", Some(&v), &wider);
    assert!(p.replace_paths.is_empty(), "{:?}", p.replace_paths);
    assert!(differs(&v, &p.planned));
    assert_eq!(s(&p.planned, "id"), s(&v, "id"));
    assert!(!p.planned.get("output").unwrap().is_known());
    let applied = r.apply("azapi_resource", Some(&v), Some(&p.planned)).await;
    assert_no_errors(&applied.diags);
    let after = r.stored("azapi_resource", &applied.value.unwrap());
    let stored = r.arm(Method::Get, s(&v, "id").unwrap(), None).await;
    assert_eq!(
        stored["properties"]["addressSpace"]["addressPrefixes"],
        json!(["10.0.0.0/16", "10.1.0.0/16"])
    );
    let refreshed = r.stored("azapi_resource", &r.read("azapi_resource", &after).await.value.unwrap());
    r.assert_clean("azapi_resource", &refreshed, &wider);

    // A new api-version updates; a new name, parent or resource type replaces.
    let newer = r.config(
        Mode::Managed,
        "azapi_resource",
        &vnet(r#"["10.0.0.0/16", "10.1.0.0/16"]"#).replace("2024-01-01", "2024-05-01"),
    );
    let p = r.plan("azapi_resource", Some(&refreshed), &newer);
    assert!(p.replace_paths.is_empty());
    assert!(differs(&refreshed, &p.planned));
    let renamed = r.config(
        Mode::Managed,
        "azapi_resource",
        &vnet(r#"["10.0.0.0/16", "10.1.0.0/16"]"#).replace("vnet1", "vnet2"),
    );
    let p = r.plan("azapi_resource", Some(&refreshed), &renamed);
    assert_eq!(p.replace_paths, vec!["name".to_string()]);
    assert!(s(&p.planned, "id").unwrap().ends_with("/vnet2"));
    let moved = r.config(
        Mode::Managed,
        "azapi_resource",
        &vnet(r#"["10.0.0.0/16", "10.1.0.0/16"]"#).replace("West Europe", "North Europe"),
    );
    assert_eq!(
        r.plan("azapi_resource", Some(&refreshed), &moved).replace_paths,
        vec!["location".to_string()]
    );
}

#[tokio::test]
async fn drift_is_limited_to_what_the_body_sets() {
    let r = Run::new();
    r.create("azapi_resource", &r.config(Mode::Managed, "azapi_resource", RG))
        .await;
    let cfg = r.config(Mode::Managed, "azapi_resource", &vnet(r#"["10.0.0.0/16"]"#));
    let v = r.create("azapi_resource", &cfg).await;
    let id = s(&v, "id").unwrap().to_string();
    // Someone adds DNS servers, which the body does not set: no drift.
    let mut doc = r.arm(Method::Get, &id, None).await;
    doc["properties"]["dhcpOptions"] = json!({"dnsServers": ["10.0.0.4"]});
    r.arm(Method::Put, &id, Some(doc.clone())).await;
    let read = r.stored("azapi_resource", &r.read("azapi_resource", &v).await.value.unwrap());
    r.assert_clean("azapi_resource", &read, &cfg);
    // Someone changes the address space, which it sets: an update puts it back.
    doc["properties"]["addressSpace"]["addressPrefixes"] = json!(["10.9.0.0/16"]);
    r.arm(Method::Put, &id, Some(doc)).await;
    let read = r.stored("azapi_resource", &r.read("azapi_resource", &v).await.value.unwrap());
    assert_eq!(
        read.get("body").unwrap().to_json()["properties"]["addressSpace"]["addressPrefixes"],
        json!(["10.9.0.0/16"])
    );
    let p = r.plan("azapi_resource", Some(&read), &cfg);
    assert!(p.replace_paths.is_empty());
    assert!(differs(&read, &p.planned));
    // A resource deleted behind aksplan's back reads as gone.
    r.arm(Method::Delete, &id, None).await;
    assert!(r.read("azapi_resource", &v).await.value.is_none());
}

#[tokio::test]
async fn creating_over_an_existing_resource_is_refused() {
    let r = Run::new();
    r.arm(Method::Put, &rg_id("rg1"), Some(json!({"location": "westeurope"})))
        .await;
    let cfg = r.config(Mode::Managed, "azapi_resource", RG);
    let p = r.plan("azapi_resource", None, &cfg);
    let a = r.apply("azapi_resource", None, Some(&p.planned)).await;
    assert!(a.value.is_none());
    let d = a.diags.iter().next().unwrap();
    assert_eq!(d.summary, "Resource already exists");
    assert!(d.detail.contains("imported"), "{}", d.detail);
}

#[tokio::test]
async fn an_update_resource_patches_the_tags_of_a_resource_group() {
    let r = Run::new();
    r.arm(
        Method::Put,
        &rg_id("rg1"),
        Some(json!({"location": "westeurope", "tags": {"owner": "team"}})),
    )
    .await;
    let cfg = r.config(
        Mode::Managed,
        "azapi_update_resource",
        &format!(
            r#"{{
  type = "Microsoft.Resources/resourceGroups@2021-04-01"
  resource_id = "{}"
  body = {{ tags = {{ owner = "team", env = "prod" }} }}
  response_export_values = ["location"]
}}"#,
            rg_id("rg1")
        ),
    );
    let p = r.plan("azapi_update_resource", None, &cfg);
    assert_eq!(s(&p.planned, "name"), Some("rg1"));
    assert_eq!(
        s(&p.planned, "parent_id"),
        Some(format!("/subscriptions/{SUBSCRIPTION}").as_str())
    );
    let state = r.create("azapi_update_resource", &cfg).await;
    let doc = r.arm(Method::Get, &rg_id("rg1"), None).await;
    assert_eq!(doc["tags"], json!({"owner": "team", "env": "prod"}));
    assert_eq!(doc["location"], "westeurope");
    assert_eq!(s(&state, "output.location"), Some("westeurope"));
    r.assert_clean("azapi_update_resource", &state, &cfg);

    // Destroying forgets: the tags stay.
    let d = r.apply("azapi_update_resource", Some(&state), None).await;
    assert!(d.value.is_none() && d.diags.is_empty());
    assert_eq!(r.arm(Method::Get, &rg_id("rg1"), None).await["tags"]["env"], "prod");

    // A target that does not exist is an error at apply.
    let missing = r.config(
        Mode::Managed,
        "azapi_update_resource",
        &format!(
            r#"{{
  type = "Microsoft.Resources/resourceGroups@2021-04-01"
  name = "nope"
  parent_id = "/subscriptions/{SUBSCRIPTION}"
  body = {{ tags = {{ a = "b" }} }}
}}"#
        ),
    );
    let p = r.plan("azapi_update_resource", None, &missing);
    let a = r.apply("azapi_update_resource", None, Some(&p.planned)).await;
    assert!(a.diags.has_errors());
    assert!(a.diags.iter().next().unwrap().detail.contains("does not exist"));
}

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

#[tokio::test]
async fn a_resource_action_lists_cluster_credentials() {
    let r = Run::new();
    r.arm(Method::Put, &rg_id("rg1"), Some(json!({"location": "westeurope"})))
        .await;
    let cluster_cfg = r.config(
        Mode::Managed,
        "azapi_resource",
        &CLUSTER
            .replace("PARENT", &rg_id("rg1"))
            .replace("identity {", "identity = [{")
            .replace("SystemAssigned\"\n  }", "SystemAssigned\"\n  }]"),
    );
    let cluster = r.create("azapi_resource", &cluster_cfg).await;
    let principal = cluster.get("identity").and_then(Value::as_seq).unwrap()[0]
        .get("principal_id")
        .and_then(Value::as_str)
        .map(str::to_string);
    assert!(principal.is_some_and(|p| !p.is_empty()));
    r.assert_clean("azapi_resource", &cluster, &cluster_cfg);
    let cluster_id = s(&cluster, "id").unwrap().to_string();

    let action = |when: &str| {
        r.config(
            Mode::Managed,
            "azapi_resource_action",
            &format!(
                r#"{{
  type = "Microsoft.ContainerService/managedClusters@2024-05-01"
  resource_id = "{cluster_id}"
  action = "listClusterUserCredential"
  when = "{when}"
  response_export_values = ["kubeconfigs"]
  sensitive_response_export_values = {{ config = "kubeconfigs[0].value" }}
}}"#
            ),
        )
    };
    let cfg = action("apply");
    let p = r.plan("azapi_resource_action", None, &cfg);
    assert_eq!(s(&p.planned, "method"), Some("POST"));
    assert_eq!(
        s(&p.planned, "id"),
        Some(format!("{cluster_id}/listClusterUserCredential").as_str())
    );
    let state = r.create("azapi_resource_action", &cfg).await;
    let out = state.get("output").unwrap().to_json();
    assert_eq!(out["kubeconfigs"][0]["name"], "clusterUser");
    let sensitive = state.get("sensitive_output").unwrap();
    assert!(sensitive.has_sensitive(), "{sensitive:?}");
    assert!(sensitive
        .get("config")
        .and_then(Value::as_str)
        .is_some_and(|c| !c.is_empty()));
    r.assert_clean("azapi_resource_action", &state, &cfg);

    // `when = "destroy"`: nothing at create, the call at destroy.
    let later = action("destroy");
    let p = r.plan("azapi_resource_action", None, &later);
    let a = r.apply("azapi_resource_action", None, Some(&p.planned)).await;
    assert_no_errors(&a.diags);
    assert!(a.value.as_ref().unwrap().get("output").unwrap().is_null());
    let d = r.apply("azapi_resource_action", a.value.as_ref(), None).await;
    assert_no_errors(&d.diags);

    // An action the resource does not have is Azure's error.
    let bad = r.config(
        Mode::Managed,
        "azapi_resource_action",
        &format!(
            r#"{{
  type = "Microsoft.ContainerService/managedClusters@2024-05-01"
  resource_id = "{cluster_id}"
  action = "noSuchAction"
}}"#
        ),
    );
    let p = r.plan("azapi_resource_action", None, &bad);
    let a = r.apply("azapi_resource_action", None, Some(&p.planned)).await;
    assert!(a.diags.has_errors());

    // The data source calls at read.
    let data = r.config(
        Mode::Data,
        "azapi_resource_action",
        &format!(
            r#"{{
  type = "Microsoft.ContainerService/managedClusters@2024-05-01"
  resource_id = "{cluster_id}"
  action = "listClusterAdminCredential"
  response_export_values = {{ user = "kubeconfigs[0].name" }}
}}"#
        ),
    );
    let d = r.read_data("azapi_resource_action", &data).await;
    assert_no_errors(&d.diags);
    assert_eq!(s(&d.value.unwrap(), "output.user"), Some("clusterAdmin"));
}

#[tokio::test]
async fn the_data_source_reads_properties_by_export_values() {
    let r = Run::new();
    r.create("azapi_resource", &r.config(Mode::Managed, "azapi_resource", RG))
        .await;
    r.create(
        "azapi_resource",
        &r.config(Mode::Managed, "azapi_resource", &vnet(r#"["10.0.0.0/16"]"#)),
    )
    .await;
    let by_name = r.config(
        Mode::Data,
        "azapi_resource",
        &format!(
            r#"{{
  type = "Microsoft.Network/virtualNetworks@2024-01-01"
  name = "vnet1"
  parent_id = "{}"
  response_export_values = {{ prefixes = "properties.addressSpace.addressPrefixes" }}
}}"#,
            rg_id("rg1")
        ),
    );
    let d = r.read_data("azapi_resource", &by_name).await;
    assert_no_errors(&d.diags);
    let v = d.value.unwrap();
    assert_eq!(v.get("output").unwrap().to_json(), json!({"prefixes": ["10.0.0.0/16"]}));
    assert_eq!(s(&v, "location"), Some("westeurope"));
    let id = s(&v, "id").unwrap().to_string();

    let by_id = r.config(
        Mode::Data,
        "azapi_resource",
        &format!(
            r#"{{
  type = "Microsoft.Network/virtualNetworks@2024-01-01"
  resource_id = "{id}"
  response_export_values = ["properties.addressSpace", "name"]
}}"#
        ),
    );
    let v = r.read_data("azapi_resource", &by_id).await.value.unwrap();
    assert_eq!(
        v.get("output").unwrap().to_json(),
        json!({"name": "vnet1", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}})
    );
    assert_eq!(s(&v, "name"), Some("vnet1"));

    // A resource group by name alone, in the provider's subscription.
    let rg = r.config(
        Mode::Data,
        "azapi_resource",
        r#"{ type = "Microsoft.Resources/resourceGroups@2021-04-01", name = "rg1", response_export_values = ["*"] }"#,
    );
    let v = r.read_data("azapi_resource", &rg).await.value.unwrap();
    assert_eq!(s(&v, "output.name"), Some("rg1"));

    // Unknown inputs: unknown until apply. A missing resource: an error.
    let unknown = crate::lang::types::conform(
        Value::Object(crate::lang::value::Map::from([
            (
                "type".to_string(),
                Value::string("Microsoft.Network/virtualNetworks@2024-01-01"),
            ),
            ("resource_id".to_string(), Value::unknown()),
        ])),
        r.schema(Mode::Data, "azapi_resource").block.object_type(),
    );
    assert!(!r.read_data("azapi_resource", &unknown).await.value.unwrap().is_known());
    let missing = r.config(
        Mode::Data,
        "azapi_resource",
        r#"{ type = "Microsoft.Resources/resourceGroups@2021-04-01", name = "nope" }"#,
    );
    assert!(r.read_data("azapi_resource", &missing).await.diags.has_errors());
}

#[tokio::test]
async fn client_config_names_the_subscription_and_tenant() {
    let mut r = Run::new();
    let cfg = r.config(Mode::Data, "azapi_client_config", "{}");
    let v = r.read_data("azapi_client_config", &cfg).await.value.unwrap();
    assert_eq!(s(&v, "subscription_id"), Some(SUBSCRIPTION));
    assert_eq!(s(&v, "tenant_id"), Some(TENANT));
    assert_eq!(s(&v, "object_id"), Some("33333333-3333-3333-3333-333333333333"));
    assert_eq!(
        s(&v, "subscription_resource_id"),
        Some(format!("/subscriptions/{SUBSCRIPTION}").as_str())
    );
    // The provider block's subscription wins.
    let other = "22222222-0000-0000-0000-000000000000";
    r.provider = ProviderConfig {
        alias: None,
        value: eval_standalone(&format!(r#"{{ subscription_id = "{other}" }}"#)).unwrap(),
    };
    let v = r.read_data("azapi_client_config", &cfg).await.value.unwrap();
    assert_eq!(s(&v, "subscription_id"), Some(other));
    let rg = r.plan("azapi_resource", None, &r.config(Mode::Managed, "azapi_resource", RG));
    assert_eq!(
        s(&rg.planned, "id"),
        Some(format!("/subscriptions/{other}/resourceGroups/rg1").as_str())
    );
}

#[test]
fn a_misspelt_property_of_a_cluster_body_warns_at_plan() {
    let r = Run::new();
    let cfg = r.config(
        Mode::Managed,
        "azapi_resource",
        &CLUSTER
            .replace("PARENT", &rg_id("rg1"))
            .replace("identity {\n    type = \"SystemAssigned\"\n  }", "")
            .replace("kubernetesVersion", "kubernetesVersoin"),
    );
    let p = r.plan("azapi_resource", None, &cfg);
    assert_no_errors(&p.diags);
    let typo = p
        .diags
        .iter()
        .find(|d| d.summary.contains("kubernetesVersoin"))
        .expect("a warning for the misspelt property");
    assert!(
        typo.detail.contains("did you mean properties.kubernetesVersion?"),
        "{}",
        typo.detail
    );
    // schema_validation_enabled = false turns the check off.
    let off = r.config(
        Mode::Managed,
        "azapi_resource",
        &CLUSTER
            .replace("PARENT", &rg_id("rg1"))
            .replace(
                "identity {\n    type = \"SystemAssigned\"\n  }",
                "schema_validation_enabled = false",
            )
            .replace("kubernetesVersion", "kubernetesVersoin"),
    );
    assert!(r.plan("azapi_resource", None, &off).diags.is_empty());
}

#[test]
fn configurations_azapi_refuses_are_refused() {
    let r = Run::new();
    let schema = r.schema(Mode::Managed, "azapi_resource");
    let validate = |hcl: &str| {
        let config = r.config(Mode::Managed, "azapi_resource", hcl);
        r.p.validate(ValidateRequest {
            schema,
            config: &config,
        })
    };
    // A 1.x body written with jsonencode.
    let d = validate(&format!(
        r#"{{ type = "Microsoft.Network/virtualNetworks@2024-01-01", name = "v", parent_id = "{}",
            body = jsonencode({{ properties = {{}} }}) }}"#,
        rg_id("rg1")
    ));
    assert_eq!(d.iter().next().map(|d| d.summary.as_str()), Some("Invalid Type"));
    // No parent for a type that needs one; a type without an api-version.
    let d = validate(r#"{ type = "Microsoft.Network/virtualNetworks@2024-01-01", name = "v" }"#);
    assert!(
        d.iter().any(|d| d.detail.contains("\"parent_id\" is required")),
        "{d:?}"
    );
    let d = validate(r#"{ type = "Microsoft.Network/virtualNetworks", name = "v", parent_id = "/subscriptions/x" }"#);
    assert!(
        d.iter().any(|d| d.detail.contains("<resource-type>@<api-version>")),
        "{d:?}"
    );
    // Tags both as an argument and in the body.
    let d = validate(&format!(
        r#"{{ type = "Microsoft.Network/virtualNetworks@2024-01-01", name = "v", parent_id = "{}",
            tags = {{ a = "b" }}, body = {{ tags = {{ a = "b" }} }} }}"#,
        rg_id("rg1")
    ));
    assert!(d.iter().any(|d| d.detail.contains("\"tags\"")), "{d:?}");
    // A subnet under a resource group is no subnet.
    let cfg = r.config(Mode::Managed, "azapi_resource", &subnet(&rg_id("rg1")));
    assert!(r.plan("azapi_resource", None, &cfg).diags.has_errors());
    // azapi_update_resource needs one target.
    let u = r.config(
        Mode::Managed,
        "azapi_update_resource",
        r#"{ type = "Microsoft.Resources/resourceGroups@2021-04-01", body = {} }"#,
    );
    let d = r.p.validate(ValidateRequest {
        schema: r.schema(Mode::Managed, "azapi_update_resource"),
        config: &u,
    });
    assert!(
        d.iter().any(|d| d.detail.contains("\"name\" or \"resource_id\"")),
        "{d:?}"
    );
}

#[tokio::test]
async fn an_existing_resource_imports_by_id_and_api_version() {
    let r = Run::new();
    r.arm(
        Method::Put,
        &rg_id("rg1"),
        Some(json!({"location": "westeurope", "tags": {"a": "b"}})),
    )
    .await;
    let missing_version = r.import(&rg_id("rg1")).await;
    assert!(missing_version.diags.has_errors());
    let v = r
        .import(&format!("{}?api-version=2021-04-01", rg_id("rg1")))
        .await
        .value
        .unwrap();
    assert_eq!(s(&v, "type"), Some("Microsoft.Resources/resourceGroups@2021-04-01"));
    assert_eq!(s(&v, "name"), Some("rg1"));
    assert_eq!(s(&v, "location"), Some("westeurope"));
    assert_eq!(s(&v, "tags.a"), Some("b"));
    let cfg = r.config(
        Mode::Managed,
        "azapi_resource",
        r#"{ type = "Microsoft.Resources/resourceGroups@2021-04-01", name = "rg1", location = "westeurope", tags = { a = "b" }, body = {} }"#,
    );
    let state = r.stored("azapi_resource", &v);
    let p = r.plan("azapi_resource", Some(&state), &cfg);
    assert!(p.replace_paths.is_empty(), "{:?}", p.replace_paths);
}

#[tokio::test]
async fn a_type_the_simulation_has_no_rules_for_passes_through() {
    let r = Run::new();
    r.arm(Method::Put, &rg_id("rg1"), Some(json!({"location": "westeurope"})))
        .await;
    let zone = r.config(
        Mode::Managed,
        "azapi_resource",
        &format!(
            r#"{{
  type = "Microsoft.Network/privateDnsZones@2024-06-01"
  name = "privatelink.westeurope.azmk8s.io"
  parent_id = "{}"
  location = "global"
  tags = {{ purpose = "aks" }}
}}"#,
            rg_id("rg1")
        ),
    );
    let z = r.create("azapi_resource", &zone).await;
    let doc = r.arm(Method::Get, s(&z, "id").unwrap(), None).await;
    assert_eq!(doc["tags"]["purpose"], "aks");
    assert_eq!(doc["location"], "global");
    r.assert_clean("azapi_resource", &z, &zone);

    // A namespace the subscription has not registered is Azure's refusal.
    let registry = r.config(
        Mode::Managed,
        "azapi_resource",
        &format!(
            r#"{{
  type = "Microsoft.ContainerRegistry/registries@2023-07-01"
  name = "acr1"
  parent_id = "{}"
  location = "westeurope"
  body = {{ sku = {{ name = "Basic" }} }}
}}"#,
            rg_id("rg1")
        ),
    );
    let p = r.plan("azapi_resource", None, &registry);
    let a = r.apply("azapi_resource", None, Some(&p.planned)).await;
    assert!(a.value.is_none());
    let d = a.diags.iter().next().unwrap();
    assert!(d.detail.contains("MissingSubscriptionRegistration"), "{}", d.detail);
}
