//! Rotations against the simulation: the requests in azurerm's order, what
//! AKS ends up with, and failures part way that the next apply finishes.

use super::super::Azurerm;
use crate::addrs::Mode;
use crate::lang::eval::eval_standalone;
use crate::lang::Value;
use crate::provider::arm::{ArmClient, ArmError, ArmRequest, ArmResponse, Method};
use crate::provider::catalog::testing::{catalog, schema};
use crate::provider::protocol::{ApplyRequest, PlanRequest, PlanResponse, Provider, ProviderConfig, ReadRequest};
use crate::provider::sim::{SimClient, SUBSCRIPTION};
use crate::schema::BlockSchema;
use serde_json::{json, Value as Json};
use std::sync::Mutex;

const CLUSTER: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/k";

/// The simulation, recording each request, and failing the one it is told
/// to fail as ARM fails an operation.
struct Recorder {
    sim: SimClient,
    sent: Mutex<Vec<String>>,
    fail: Mutex<Option<String>>,
}

impl ArmClient for Recorder {
    async fn send(&self, req: ArmRequest) -> Result<ArmResponse, ArmError> {
        let call = format!("{} {}", req.method, req.path.strip_prefix(CLUSTER).unwrap_or(&req.path));
        self.sent.lock().unwrap().push(call.clone());
        let mut fail = self.fail.lock().unwrap();
        if fail.as_deref() == Some(call.as_str()) {
            *fail = None;
            return Err(ArmError::new(
                0,
                "ResourceOperationFailure",
                "The resource operation completed with terminal provisioning state 'Failed'.",
            ));
        }
        drop(fail);
        self.sim.handle(&req)
    }

    fn describe(&self) -> String {
        "recorder".into()
    }

    fn subscription(&self) -> &str {
        SUBSCRIPTION
    }

    fn tenant(&self) -> &str {
        crate::provider::sim::TENANT
    }
}

struct World {
    _dir: tempfile::TempDir,
    provider: Azurerm<Recorder>,
    rt: tokio::runtime::Runtime,
}

impl World {
    /// A simulation with resource group `rg`.
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let sim = SimClient::new(dir.path());
        let rg = format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg");
        sim.handle(&ArmRequest {
            method: Method::Put,
            path: rg,
            api_version: "2025-04-01".into(),
            body: Some(json!({"location": "westeurope"})),
        })
        .unwrap();
        let client = Recorder {
            sim,
            sent: Mutex::new(Vec::new()),
            fail: Mutex::new(None),
        };
        World {
            _dir: dir,
            provider: Azurerm::new(client, catalog().schemas("azurerm")),
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
        }
    }

    fn plan(&self, type_name: &str, prior: Option<&Value>, config: &str) -> PlanResponse {
        let schema = schema(Mode::Managed, type_name);
        self.provider.plan(PlanRequest {
            schema,
            provider: &ProviderConfig::default(),
            prior,
            config: &with_defaults(&schema.block, eval_standalone(config).unwrap()),
            now: None,
        })
    }

    /// Plans and applies; returns the plan and what apply answered.
    fn apply(&self, type_name: &str, prior: Option<&Value>, config: &str) -> (PlanResponse, Value, Vec<String>) {
        let planned = self.plan(type_name, prior, config);
        assert!(!planned.diags.has_errors(), "{:?}", planned.diags);
        self.provider.client.sent.lock().unwrap().clear();
        let answer = self.rt.block_on(self.provider.apply(ApplyRequest {
            schema: schema(Mode::Managed, type_name),
            provider: &ProviderConfig::default(),
            prior,
            planned: Some(&planned.planned),
            now: std::time::SystemTime::now(),
        }));
        let errors = answer
            .diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{}\n{}", d.summary, d.detail));
        let errors: Vec<String> = errors.collect();
        (planned, answer.value.unwrap(), errors)
    }

    fn read(&self, type_name: &str, prior: &Value) -> Value {
        let r = self.rt.block_on(self.provider.read(ReadRequest {
            schema: schema(Mode::Managed, type_name),
            provider: &ProviderConfig::default(),
            prior,
            now: std::time::SystemTime::now(),
        }));
        r.value.unwrap()
    }

    /// The agentPools requests of the last apply, in order.
    fn pool_requests(&self) -> Vec<String> {
        let sent = self.provider.client.sent.lock().unwrap();
        sent.iter().filter(|c| c.contains("/agentPools/")).cloned().collect()
    }

    fn fail(&self, call: &str) {
        *self.provider.client.fail.lock().unwrap() = Some(call.to_string());
    }

    /// The cluster's pools as AKS lists them: name and VM size.
    fn pools(&self) -> Vec<(String, String)> {
        let c = self.provider.client.sim.handle(&get(CLUSTER)).unwrap();
        let mut out: Vec<(String, String)> = c.body["properties"]["agentPoolProfiles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["name"].as_str().unwrap().into(), p["vmSize"].as_str().unwrap().into()))
            .collect();
        out.sort();
        out
    }
}

/// A configuration as the core evaluates it: what it leaves out is its default.
fn with_defaults(block: &BlockSchema, mut v: Value) -> Value {
    let Some(m) = v.as_map_mut() else { return v };
    for (name, attr) in &block.attributes {
        if let Some(d) = attr.default.as_ref().filter(|_| m.get(name).is_none_or(Value::is_null)) {
            m.insert(name.clone(), d.clone());
        }
    }
    for (name, nested) in &block.block_types {
        if let Some(items) = m.get_mut(name).and_then(Value::as_seq_mut) {
            for item in items.iter_mut() {
                *item = with_defaults(&nested.block, item.clone());
            }
        }
    }
    v
}

fn get(path: &str) -> ArmRequest {
    ArmRequest {
        method: Method::Get,
        path: path.into(),
        api_version: "2025-10-01".into(),
        body: None,
    }
}

fn cluster(name: &str, vm_size: &str, count: u32, temporary: &str) -> String {
    format!(
        r#"{{
          name = "k", location = "westeurope", resource_group_name = "rg", dns_prefix = "k",
          default_node_pool = [{{ name = "{name}", vm_size = "{vm_size}", node_count = {count}, temporary_name_for_rotation = {temporary} }}],
          identity = [{{ type = "SystemAssigned" }}],
        }}"#
    )
}

fn said(p: &PlanResponse) -> String {
    p.diags
        .iter()
        .map(|d| format!("{}: {}\n", d.summary, d.detail))
        .collect()
}

fn pool_of(v: &Value) -> &Value {
    &v.get("default_node_pool").and_then(Value::as_seq).unwrap()[0]
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

const ROTATION: [&str; 6] = [
    "GET /agentPools/tmp",
    "GET /agentPools/system",
    "PUT /agentPools/tmp",
    "DELETE /agentPools/system",
    "PUT /agentPools/system",
    "DELETE /agentPools/tmp",
];

#[test]
fn a_vm_size_change_updates_the_cluster_and_rotates_its_default_pool_through_the_temporary_one() {
    let w = World::new();
    let (_, created, errors) = w.apply(
        "azurerm_kubernetes_cluster",
        None,
        &cluster("system", "Standard_D4s_v5", 3, "\"tmp\""),
    );
    assert!(errors.is_empty(), "{errors:?}");
    // Only the node count changes: in place, no rotation.
    let (plan, scaled, errors) = w.apply(
        "azurerm_kubernetes_cluster",
        Some(&created),
        &cluster("system", "Standard_D4s_v5", 4, "\"tmp\""),
    );
    assert!(
        errors.is_empty() && plan.replace_paths.is_empty() && plan.diags.is_empty(),
        "{errors:?} {:?} {}",
        plan.replace_paths,
        said(&plan)
    );
    assert!(w.pool_requests().is_empty(), "{:?}", w.pool_requests());
    assert_eq!(pool_of(&scaled).get("node_count"), Some(&Value::from(4.0)));

    let bigger = cluster("system", "Standard_D8s_v5", 4, "\"tmp\"");
    let (plan, rotated, errors) = w.apply("azurerm_kubernetes_cluster", Some(&scaled), &bigger);
    assert!(
        plan.replace_paths.is_empty(),
        "an update in place: {:?}",
        plan.replace_paths
    );
    assert!(
        said(&plan).contains("The default node pool will be rotated"),
        "{}",
        said(&plan)
    );
    assert!(said(&plan).contains("default_node_pool.vm_size"), "{}", said(&plan));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(w.pool_requests(), ROTATION);
    // The cluster was updated first, with its pool as it was.
    let sent = w.provider.client.sent.lock().unwrap().clone();
    assert_eq!(sent[..2], ["GET ".to_string(), "PUT ".to_string()]);
    assert_eq!(
        pool_of(&rotated).get("vm_size"),
        Some(&Value::string("Standard_D8s_v5"))
    );
    assert_eq!(pool_of(&rotated).get("name"), Some(&Value::string("system")));
    assert_eq!(w.pools(), pairs(&[("system", "Standard_D8s_v5")]));
    // Nothing is left to do.
    let again = w.plan("azurerm_kubernetes_cluster", Some(&rotated), &bigger);
    assert!(
        again.planned.same_as(&rotated) && again.diags.is_empty(),
        "{}",
        said(&again)
    );
}

#[test]
fn a_rotation_that_fails_creating_the_new_pool_leaves_the_temporary_pool_and_the_next_apply_finishes_it() {
    let w = World::new();
    let (_, created, _) = w.apply(
        "azurerm_kubernetes_cluster",
        None,
        &cluster("system", "Standard_D4s_v5", 3, "\"tmp\""),
    );
    let bigger = cluster("system", "Standard_D8s_v5", 3, "\"tmp\"");
    w.fail("PUT /agentPools/system");
    let (_, kept, errors) = w.apply("azurerm_kubernetes_cluster", Some(&created), &bigger);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("Rotating the node pool \"system\" stopped: ResourceOperationFailure"),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].contains("Creating the node pool \"system\" with the new settings"),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].contains("The temporary node pool \"tmp\" is left in the cluster"),
        "{}",
        errors[0]
    );
    assert!(
        kept.same_as(&created),
        "a failed update keeps the state it started from"
    );
    // The cluster runs on the temporary pool, which a refresh reads as its default pool.
    assert_eq!(w.pools(), pairs(&[("tmp", "Standard_D8s_v5")]));
    let refreshed = w.read("azurerm_kubernetes_cluster", &created);
    assert_eq!(pool_of(&refreshed).get("name"), Some(&Value::string("tmp")));

    // Its name back is not a new cluster: the rotation goes on where it stopped.
    let (plan, finished, errors) = w.apply("azurerm_kubernetes_cluster", Some(&refreshed), &bigger);
    assert!(plan.replace_paths.is_empty(), "{:?}", plan.replace_paths);
    assert!(said(&plan).contains("default_node_pool.name"), "{}", said(&plan));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        w.pool_requests(),
        [
            "GET /agentPools/tmp",
            "GET /agentPools/system",
            "PUT /agentPools/system",
            "DELETE /agentPools/tmp"
        ]
    );
    assert_eq!(pool_of(&finished).get("name"), Some(&Value::string("system")));
    assert_eq!(w.pools(), pairs(&[("system", "Standard_D8s_v5")]));
}

#[test]
fn a_rotation_that_fails_deleting_the_old_pool_is_taken_up_without_a_second_temporary_pool() {
    let w = World::new();
    let (_, created, _) = w.apply(
        "azurerm_kubernetes_cluster",
        None,
        &cluster("system", "Standard_D4s_v5", 3, "\"tmp\""),
    );
    let bigger = cluster("system", "Standard_D8s_v5", 3, "\"tmp\"");
    w.fail("DELETE /agentPools/system");
    let (_, _, errors) = w.apply("azurerm_kubernetes_cluster", Some(&created), &bigger);
    assert!(errors[0].contains("Deleting the node pool \"system\""), "{errors:?}");
    assert!(errors[0].contains("\"tmp\" is left"), "{errors:?}");
    assert_eq!(
        w.pools(),
        pairs(&[("system", "Standard_D4s_v5"), ("tmp", "Standard_D8s_v5")])
    );
    let refreshed = w.read("azurerm_kubernetes_cluster", &created);
    let (_, _, errors) = w.apply("azurerm_kubernetes_cluster", Some(&refreshed), &bigger);
    assert!(errors.is_empty(), "{errors:?}");
    let mut expected = ROTATION.to_vec();
    expected.retain(|c| *c != "PUT /agentPools/tmp");
    assert_eq!(w.pool_requests(), expected);
    assert_eq!(w.pools(), pairs(&[("system", "Standard_D8s_v5")]));
}

#[test]
fn without_a_temporary_name_the_plan_refuses_and_nothing_is_sent() {
    let w = World::new();
    let (_, created, _) = w.apply(
        "azurerm_kubernetes_cluster",
        None,
        &cluster("system", "Standard_D4s_v5", 3, "null"),
    );
    let plan = w.plan(
        "azurerm_kubernetes_cluster",
        Some(&created),
        &cluster("system", "Standard_D8s_v5", 3, "null"),
    );
    assert!(plan.diags.has_errors());
    assert!(
        said(&plan).contains("temporary_name_for_rotation must be specified"),
        "{}",
        said(&plan)
    );
    assert!(plan.replace_paths.is_empty(), "{:?}", plan.replace_paths);
}

fn node_pool(vm_size: &str, count: u32) -> String {
    format!(
        r#"{{ name = "apps", kubernetes_cluster_id = "{CLUSTER}", vm_size = "{vm_size}", node_count = {count}, temporary_name_for_rotation = "tmpapps" }}"#
    )
}

#[test]
fn a_node_pool_is_rotated_the_same_way_and_the_default_pool_is_left_alone() {
    let w = World::new();
    w.apply(
        "azurerm_kubernetes_cluster",
        None,
        &cluster("system", "Standard_D4s_v5", 3, "\"tmp\""),
    );
    let (_, created, errors) = w.apply(
        "azurerm_kubernetes_cluster_node_pool",
        None,
        &node_pool("Standard_D2s_v5", 2),
    );
    assert!(errors.is_empty(), "{errors:?}");
    let (plan, scaled, _) = w.apply(
        "azurerm_kubernetes_cluster_node_pool",
        Some(&created),
        &node_pool("Standard_D2s_v5", 3),
    );
    assert!(
        plan.diags.is_empty() && plan.replace_paths.is_empty(),
        "{}",
        said(&plan)
    );
    assert_eq!(w.pool_requests(), ["PUT /agentPools/apps"]);
    let (plan, rotated, errors) = w.apply(
        "azurerm_kubernetes_cluster_node_pool",
        Some(&scaled),
        &node_pool("Standard_D4s_v5", 3),
    );
    assert!(
        plan.replace_paths.is_empty(),
        "vm_size is rotated, not replaced: {:?}",
        plan.replace_paths
    );
    assert!(said(&plan).contains("The node pool will be rotated"), "{}", said(&plan));
    assert!(errors.is_empty(), "{errors:?}");
    let mut expected: Vec<String> = ROTATION
        .iter()
        .map(|c| c.replace("/tmp", "/tmpapps").replace("/system", "/apps"))
        .collect();
    expected.push("GET /agentPools/apps".into());
    assert_eq!(w.pool_requests(), expected);
    assert_eq!(rotated.get("vm_size"), Some(&Value::string("Standard_D4s_v5")));
    assert_eq!(rotated.get("node_count"), Some(&Value::from(3.0)));
    assert_eq!(
        w.pools(),
        pairs(&[("apps", "Standard_D4s_v5"), ("system", "Standard_D4s_v5")])
    );
}

#[test]
fn the_requests_say_what_azurerm_sends() {
    // The temporary pool is a copy of the new pool: a System pool for a
    // default pool, without the node image AKS picks.
    let profile = json!({"name": "system", "mode": "System", "vmSize": "Standard_D8s_v5", "nodeImageVersion": "x"});
    let body: Json = super::pool_body(profile);
    assert_eq!(
        body,
        json!({"properties": {"mode": "System", "vmSize": "Standard_D8s_v5"}})
    );
}
