//! Terraform's built-in provider (`terraform.io/builtin/terraform`): the
//! `terraform_data` resource, which keeps a value through plan and apply
//! and touches no cloud.
//!
//! Planning is the shared planning of its schema (`triggers_replace`
//! forces a replacement, `input` changes in place), with one rule of its
//! own: `output` is unknown until apply whenever `input` changes. Applying
//! gives a new instance a UUID and copies `input` to `output`; reading and
//! deleting have nothing to ask of anyone. Its one data source,
//! `terraform_remote_state`, is [`remote_state`]'s; it reads backends
//! through the [`remote_state::StateReader`] the provider is given.

pub mod remote_state;

use super::planning;
use super::protocol::*;
use crate::addrs::Mode;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::types::Type;
use crate::lang::Value;
use crate::schema::{ProviderSchemas, Schema};
use remote_state::StateReader;
use std::sync::Arc;

pub struct Builtin {
    schemas: ProviderSchemas,
    /// How `terraform_remote_state` reads backends; `None` where nothing
    /// may be read (validation).
    states: Option<Arc<dyn StateReader>>,
}

impl Builtin {
    pub const SOURCE: &'static str = "terraform.io/builtin/terraform";

    pub fn new(schemas: ProviderSchemas) -> Builtin {
        Builtin { schemas, states: None }
    }

    /// The provider, reading remote states with `states`.
    pub fn reading(mut self, states: Arc<dyn StateReader>) -> Builtin {
        self.states = Some(states);
        self
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
        schema.name == "terraform_data" || schema.name == remote_state::TYPE
    }

    fn validate(&self, req: ValidateRequest<'_>) -> Diagnostics {
        match (req.schema.mode, req.schema.name.as_str()) {
            (Mode::Data, remote_state::TYPE) => remote_state::validate(req.config),
            _ => Diagnostics::new(),
        }
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
        if req.schema.name != remote_state::TYPE {
            let detail = format!("the terraform provider has no data source {}", req.schema.name);
            return ReadResponse::error(Diagnostic::error("Unsupported data source").with_detail(detail));
        }
        let Some(states) = &self.states else {
            let detail = "remote states are read by plan and apply, not here";
            return ReadResponse::error(Diagnostic::error("Cannot read remote state").with_detail(detail));
        };
        match remote_state::read(req.config, &**states) {
            Ok(value) => ReadResponse::found(value),
            Err(diags) => ReadResponse::error(diags),
        }
    }
}
