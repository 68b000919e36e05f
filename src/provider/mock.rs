//! A provider for tests of what sits above the boundary: its types are
//! whatever schema document it is given, it plans by the shared schema
//! planning, "applies" by filling what is unknown with placeholders, and
//! records every request it receives, with the provider configuration it
//! came under.

use super::planning;
use super::protocol::*;
use crate::lang::Value;
use crate::schema::{ProviderSchemas, Schema};
use std::sync::Mutex;

pub struct Mock {
    name: &'static str,
    schemas: ProviderSchemas,
    /// `plan azurerm_x (alias hub)`, in the order received.
    pub calls: Mutex<Vec<String>>,
}

impl Mock {
    /// A provider named `name` whose types are in `schema_json` (a
    /// `providers schema -json` document for `source`).
    pub fn new(name: &'static str, source: &str, schema_json: &'static str) -> Mock {
        Mock {
            name,
            schemas: ProviderSchemas::new(source, schema_json, &[]),
            calls: Mutex::new(Vec::new()),
        }
    }

    fn record(&self, op: &str, schema: &Schema, provider: &ProviderConfig) {
        let alias = provider.alias.as_deref().unwrap_or("default");
        let line = format!("{op} {} ({alias})", schema.name);
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).push(line);
    }

    /// What it was asked, in order.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// A value with every unknown replaced by a placeholder of its type.
fn known(v: &Value) -> Value {
    match v {
        Value::Unknown(crate::lang::types::Type::String) => Value::string("mock"),
        Value::Unknown(_) => Value::null(),
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), known(v))).collect()),
        other => other.clone(),
    }
}

#[async_trait::async_trait]
impl Provider for Mock {
    fn name(&self) -> &'static str {
        self.name
    }

    fn schemas(&self) -> &ProviderSchemas {
        &self.schemas
    }

    fn plan(&self, req: PlanRequest<'_>) -> PlanResponse {
        self.record("plan", req.schema, req.provider);
        let (planned, replace_paths) = planning::plan(&req.schema.block, req.prior, req.config, |_, _| ());
        PlanResponse {
            planned,
            replace_paths,
            diags: Default::default(),
        }
    }

    async fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        self.record(
            if req.planned.is_some() { "apply" } else { "delete" },
            req.schema,
            req.provider,
        );
        ApplyResponse {
            value: req.planned.map(known),
            diags: Default::default(),
        }
    }

    async fn read(&self, req: ReadRequest<'_>) -> ReadResponse {
        self.record("read", req.schema, req.provider);
        ReadResponse::found(req.prior.clone())
    }

    async fn read_data(&self, req: ReadDataRequest<'_>) -> ReadResponse {
        self.record("read_data", req.schema, req.provider);
        ReadResponse::found(known(req.config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::Mode;
    use crate::plan::engine::PlanOptions;
    use crate::plan::run;
    use crate::provider::registry::Providers;
    use crate::schema::{SchemaSource, Schemas};
    use std::sync::Arc;

    const SCHEMA: &str = r#"{"format_version":"1.0","provider_schemas":{"example.com/test/mock":{
"provider":{"version":0,"block":{"attributes":{"region":{"type":"string","optional":true}}}},
"resource_schemas":{"mock_thing":{"version":0,"block":{"attributes":{"id":{"type":"string","computed":true},"name":{"type":"string","required":true}}}}},
"data_source_schemas":{}}}}"#;

    /// The mock's types as the schemas a configuration is read with.
    struct Only(Arc<Mock>);

    impl SchemaSource for Only {
        fn schema(&self, mode: Mode, type_name: &str) -> Option<&Schema> {
            self.0.schemas().get(mode, type_name)
        }
        fn type_names(&self, mode: Mode, _: &str) -> Vec<&str> {
            self.0.schemas().names(mode)
        }
        fn provider_config(&self, _: &str) -> Option<&crate::schema::BlockSchema> {
            self.0.schemas().config()
        }
        fn providers(&self) -> Vec<&str> {
            vec![self.0.name]
        }
    }

    #[test]
    fn planning_reaches_providers_only_through_the_trait_with_each_resources_configuration() {
        let mock = Arc::new(Mock::new("mock", "example.com/test/mock", SCHEMA));
        let src = r#"
provider "mock" {
  alias  = "eu"
  region = "westeurope"
}
resource "mock_thing" "a" {
  name = "a"
}
resource "mock_thing" "b" {
  provider = mock.eu
  name     = mock_thing.a.id
}
"#;
        let (config, d) = crate::config::load::from_files(
            std::path::Path::new("."),
            vec![("main.tf".into(), Ok(src.as_bytes().to_vec()))],
            &Schemas::new(Only(mock.clone())),
        );
        assert!(!d.has_errors(), "{d:?}");
        let providers = Providers::new(vec![mock.clone()], "mock");
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let cloud = run::Reach {
            providers: &providers,
            runtime: rt.handle(),
            parallelism: 1,
        };
        let inputs = run::Inputs {
            config: &config,
            variables: Default::default(),
            inferred: &[],
        };
        let opts = PlanOptions {
            refresh: true,
            ..Default::default()
        };
        let (plan, _, diags) = run::plan(inputs, crate::state::State::new(), &cloud, &opts);
        assert!(!diags.has_errors(), "{diags:?}");
        assert_eq!(plan.changes.len(), 2);
        assert_eq!(plan.cloud, "mock");
        assert_eq!(mock.calls(), vec!["plan mock_thing (default)", "plan mock_thing (eu)"]);
    }
}
