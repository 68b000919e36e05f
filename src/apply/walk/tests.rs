//! The order the walk starts operations in, with a provider that records
//! each create as it starts: critical path first, and a slot that an
//! operation frees going to what its completion made ready.

use crate::addrs::Mode;
use crate::apply::{apply, Options, Outcome};
use crate::config::Config;
use crate::lang::Value;
use crate::plan::engine::PlanOptions;
use crate::plan::run;
use crate::provider::protocol::{
    ApplyRequest, ApplyResponse, PlanRequest, PlanResponse, Provider, ReadRequest, ReadResponse,
};
use crate::provider::registry::Providers;
use crate::schema::{ProviderSchemas, Schema, SchemaSource, Schemas};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

const SCHEMA: &str = r#"{"format_version":"1.0","provider_schemas":{"example.com/test/azurerm":{
"provider":{"version":0,"block":{"attributes":{}}},
"resource_schemas":{
"azurerm_kubernetes_cluster":{"version":0,"block":{"attributes":{"id":{"type":"string","computed":true},"name":{"type":"string","required":true}}}},
"azurerm_public_ip":{"version":0,"block":{"attributes":{"id":{"type":"string","computed":true},"name":{"type":"string","required":true}}}}
},
"data_source_schemas":{
}}}}"#;

/// Creates take `delay`; each records its name as it starts.
struct Recorder {
    schemas: ProviderSchemas,
    delay: Duration,
    started: Mutex<Vec<String>>,
}

#[async_trait::async_trait]
impl Provider for Recorder {
    fn name(&self) -> &'static str {
        "azurerm"
    }

    fn schemas(&self) -> &ProviderSchemas {
        &self.schemas
    }

    fn plan(&self, req: PlanRequest<'_>) -> PlanResponse {
        let (planned, replace_paths) =
            crate::provider::planning::plan(&req.schema.block, req.prior, req.config, |_, _| ());
        PlanResponse {
            planned,
            replace_paths,
            diags: Default::default(),
        }
    }

    async fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let mut v = req.planned.cloned().unwrap_or_else(Value::null);
        let name = v.get("name").and_then(Value::as_str).unwrap_or("").to_string();
        self.started.lock().unwrap().push(name.clone());
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        if let Some(m) = v.as_map_mut() {
            m.insert("id".into(), Value::string(format!("/things/{name}")));
        }
        ApplyResponse {
            value: Some(v),
            diags: Default::default(),
        }
    }

    async fn read(&self, req: ReadRequest<'_>) -> ReadResponse {
        ReadResponse::found(req.prior.clone())
    }
}

struct Only(Arc<Recorder>);

impl SchemaSource for Only {
    fn schema(&self, mode: Mode, type_name: &str) -> Option<&Schema> {
        self.0.schemas().get(mode, type_name)
    }
    fn type_names(&self, mode: Mode, _: &str) -> Vec<&str> {
        self.0.schemas().names(mode)
    }
    fn providers(&self) -> Vec<&str> {
        vec!["azurerm"]
    }
}

/// Plans `main` from an empty state and applies it with `parallelism`;
/// returns the names of the objects in the order their creates started.
fn started(main: &str, parallelism: usize, delay: Duration) -> Vec<String> {
    let recorder = Arc::new(Recorder {
        schemas: ProviderSchemas::new("example.com/test/azurerm", SCHEMA, &[]),
        delay,
        started: Mutex::new(Vec::new()),
    });
    let (config, d): (Config, _) = crate::config::load::from_files(
        std::path::Path::new("."),
        vec![("main.tf".into(), Ok(main.as_bytes().to_vec()))],
        &Schemas::new(Only(recorder.clone())),
    );
    assert!(!d.has_errors(), "{d:?}");
    let providers = Providers::new(vec![recorder.clone() as Arc<dyn Provider>], "test");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = crate::state::store::StateStore::in_dir(dir.path());
    let reach = run::Reach {
        providers: &providers,
        runtime: rt.handle(),
        parallelism,
    };
    let inputs = run::Inputs {
        config: &config,
        variables: Default::default(),
        inferred: &[],
    };
    let (plan, evaluated, diags) = run::plan(inputs, store.load().unwrap(), &reach, &PlanOptions::default());
    assert!(!diags.has_errors(), "{diags:?}");
    let mut journal = store.journal(&plan.prior_state).unwrap();
    let cancel = AtomicBool::new(false);
    let result = rt.block_on(apply(
        &config,
        &evaluated.objects,
        &plan,
        &providers,
        plan.prior_state.clone(),
        &mut journal,
        Options {
            parallelism,
            cancel: &cancel,
            now: SystemTime::now(),
            progress: &crate::apply::progress::Silent,
            abandon: None,
        },
    ));
    assert!(result.diags.is_empty(), "{:?}", result.diags);
    assert!(result.outcomes.values().all(|o| *o == Outcome::Created));
    let order = recorder.started.lock().unwrap().clone();
    order
}

fn resource(type_name: &str, name: &str, after: Option<&str>) -> String {
    let name_value = match after {
        Some(a) => format!("\"{name}-${{{a}.id}}\""),
        None => format!("\"{name}\""),
    };
    format!("resource \"{type_name}\" \"{name}\" {{\n  name = {name_value}\n}}\n")
}

#[test]
fn a_chain_of_clusters_starts_before_public_ips_declared_first() {
    let mut main = String::new();
    for r in ["r0", "r1", "r2"] {
        main += &resource("azurerm_public_ip", r, None);
    }
    main += &resource("azurerm_kubernetes_cluster", "k0", None);
    main += &resource(
        "azurerm_kubernetes_cluster",
        "k1",
        Some("azurerm_kubernetes_cluster.k0"),
    );
    let order = started(&main, 1, Duration::ZERO);
    assert_eq!(order.len(), 5, "{order:?}");
    assert_eq!(order[0], "k0", "{order:?}");
    assert!(order[1].starts_with("k1-"), "{order:?}");
    let mut rest = order[2..].to_vec();
    rest.sort();
    assert_eq!(rest, vec!["r0", "r1", "r2"]);
}

#[test]
fn each_link_of_a_chain_takes_the_slot_its_predecessor_frees() {
    // Parallelism 2, operations of 50 ms: the chain's links start at 0, 50
    // and 100 ms, each as the one before it ends, while the four
    // independent public IPs share the other slot.
    let mut main = String::new();
    for r in ["r0", "r1", "r2", "r3"] {
        main += &resource("azurerm_public_ip", r, None);
    }
    main += &resource("azurerm_kubernetes_cluster", "c0", None);
    main += &resource(
        "azurerm_kubernetes_cluster",
        "c1",
        Some("azurerm_kubernetes_cluster.c0"),
    );
    main += &resource(
        "azurerm_kubernetes_cluster",
        "c2",
        Some("azurerm_kubernetes_cluster.c1"),
    );
    let order = started(&main, 2, Duration::from_millis(50));
    let at = |prefix: &str| order.iter().position(|n| n.starts_with(prefix)).unwrap();
    assert_eq!(at("c0"), 0, "{order:?}");
    assert!(at("c1") < at("r2"), "{order:?}");
    assert!(at("c2") < at("r3"), "{order:?}");
}
