//! Terraform's built-in provider (`terraform.io/builtin/terraform`): the
//! `terraform_data` resource, which keeps a value through plan and apply
//! and touches no cloud.
//!
//! Planning is the shared planning of its schema (`triggers_replace`
//! forces a replacement, `input` changes in place), with one rule of its
//! own: `output` is unknown until apply whenever `input` changes. Applying
//! gives a new instance a UUID and copies `input` to `output`; reading and
//! deleting have nothing to ask of anyone. `terraform_remote_state` is
//! known to validation; reading it needs the backends aksplan does not
//! have yet.

use super::planning;
use super::protocol::*;
use crate::diag::Diagnostic;
use crate::lang::types::Type;
use crate::lang::Value;
use crate::schema::{ProviderSchemas, Schema};

pub struct Builtin {
    schemas: ProviderSchemas,
}

impl Builtin {
    pub const SOURCE: &'static str = "terraform.io/builtin/terraform";

    pub fn new(schemas: ProviderSchemas) -> Builtin {
        Builtin { schemas }
    }
}

#[async_trait::async_trait]
impl Provider for Builtin {
    fn name(&self) -> &'static str {
        "terraform"
    }

    fn schemas(&self) -> &ProviderSchemas {
        &self.schemas
    }

    fn can_apply(&self, schema: &Schema) -> bool {
        schema.name == "terraform_data"
    }

    fn plan(&self, req: PlanRequest<'_>) -> PlanResponse {
        let (mut planned, replace_paths) = planning::plan(&req.schema.block, req.prior, req.config, |_, _| ());
        let prior = req.prior.filter(|_| replace_paths.is_empty());
        let changed = match (prior.and_then(|p| p.get("input")), planned.get("input")) {
            (Some(before), Some(after)) => !before.same_as(after),
            _ => true,
        };
        if let Some(m) = planned.as_map_mut() {
            if changed {
                m.insert("output".into(), Value::Unknown(Type::Dynamic));
            }
            let id = prior.and_then(|p| p.get("id")).cloned();
            m.insert("id".into(), id.unwrap_or(Value::Unknown(Type::String)));
        }
        PlanResponse {
            planned,
            replace_paths,
            diags: Default::default(),
        }
    }

    /// Creates or updates: the prior UUID or a new one, and `output` = `input`.
    async fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let Some(planned) = req.planned else {
            return ApplyResponse::default();
        };
        let mut value = planned.clone();
        let id = req
            .prior
            .and_then(|p| p.get("id"))
            .filter(|id| id.is_known() && !id.is_null())
            .cloned()
            .unwrap_or_else(|| Value::string(uuid::Uuid::new_v4().to_string()));
        let input = planned.get("input").cloned().unwrap_or_else(Value::null);
        if let Some(m) = value.as_map_mut() {
            m.insert("id".into(), id);
            m.insert("output".into(), input);
        }
        ApplyResponse {
            value: Some(value),
            diags: Default::default(),
        }
    }

    async fn read(&self, req: ReadRequest<'_>) -> ReadResponse {
        ReadResponse::found(req.prior.clone())
    }

    async fn read_data(&self, req: ReadDataRequest<'_>) -> ReadResponse {
        let detail = format!(
            "aksplan cannot read {} yet: it needs state backends, which aksplan does not have",
            req.schema.name
        );
        ReadResponse::error(Diagnostic::error("Unsupported data source").with_detail(detail))
    }
}
