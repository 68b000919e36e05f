//! The azapi provider (Azure/azapi 2.x): ARM bodies passed through, so
//! that any Azure type can be written with it.
//!
//! - `azapi_resource` ([`resource`]): PUT, GET and DELETE of any type;
//! - `azapi_update_resource` ([`update`]): a body merged into a resource
//!   managed elsewhere;
//! - `azapi_resource_action` ([`action`]): one call on a resource
//!   (`listKeys`), as a resource and as a data source;
//! - data `azapi_resource` and `azapi_client_config` ([`data`]).
//!
//! Everything goes through an [`ArmClient`]: the simulation or Azure.
//! Planning is pure; where the body's type is one aksplan curates for
//! azurerm, plan warns of properties its schema does not know ([`check`]).
//! The provider's configuration block gives the subscription
//! (`subscription_id`), else the client's default one.
//!
//! Not here: `azapi_data_plane_resource` and the data sources
//! `azapi_resource_id` and `azapi_resource_list` are known to validation
//! only; azapi's write-only `sensitive_body` is refused at plan (apply gets
//! no configuration to take it from).

mod action;
mod body;
mod check;
mod common;
mod data;
mod ids;
mod output;
mod resource;
mod transport;
mod update;

#[cfg(test)]
mod tests;

use crate::addrs::Mode;
use crate::diag::{Diagnostic, Diagnostics};
use crate::provider::arm::ArmClient;
use crate::provider::protocol::*;
use crate::schema::{ProviderSchemas, Schema};
use common::answer;
use std::sync::OnceLock;

/// The provider's source address, as `embedded::schemas` takes it.
pub const SOURCE: &str = "registry.terraform.io/azure/azapi";

pub struct Azapi<C> {
    client: C,
    schemas: ProviderSchemas,
    /// The ARM properties aksplan's azurerm overlays know, read on first use.
    known: OnceLock<check::KnownProperties>,
    /// The `locks` operations hold while they run.
    locks: common::Locks,
}

const RESOURCES: [&str; 3] = ["azapi_resource", "azapi_update_resource", "azapi_resource_action"];
const DATA: [&str; 3] = ["azapi_resource", "azapi_client_config", "azapi_resource_action"];

impl<C: ArmClient> Azapi<C> {
    /// The provider's source address.
    pub const SOURCE: &'static str = SOURCE;

    pub fn new(client: C, schemas: ProviderSchemas) -> Azapi<C> {
        Azapi {
            client,
            schemas,
            known: OnceLock::new(),
            locks: common::Locks::default(),
        }
    }

    fn known(&self) -> &check::KnownProperties {
        self.known.get_or_init(check::KnownProperties::load)
    }

    /// The subscription a request runs in: the provider block's, else the client's.
    fn subscription(&self, provider: &ProviderConfig) -> String {
        provider
            .string("subscription_id")
            .unwrap_or_else(|| self.client.subscription())
            .to_string()
    }
}

fn unsupported(schema: &Schema) -> Diagnostic {
    Diagnostic::error(format!("{} is not supported yet", schema.name)).with_detail(format!(
        "aksplan validates {} but cannot plan, apply or read it yet",
        schema.name
    ))
}

#[async_trait::async_trait]
impl<C: ArmClient + 'static> Provider for Azapi<C> {
    fn name(&self) -> &'static str {
        "azapi"
    }

    fn schemas(&self) -> &ProviderSchemas {
        &self.schemas
    }

    fn can_apply(&self, schema: &Schema) -> bool {
        let names: &[&str] = match schema.mode {
            Mode::Managed => &RESOURCES,
            Mode::Data => &DATA,
        };
        names.contains(&schema.name.as_str())
    }

    fn validate(&self, req: ValidateRequest<'_>) -> Diagnostics {
        match (req.schema.mode, req.schema.name.as_str()) {
            (Mode::Managed, "azapi_resource") => resource::validate(req.config),
            (Mode::Managed, "azapi_update_resource") => update::validate(req.config),
            (_, "azapi_resource_action") => action::validate(req.config),
            (Mode::Data, "azapi_resource") => data::validate(req.config),
            _ => Diagnostics::new(),
        }
    }

    fn plan(&self, req: PlanRequest<'_>) -> PlanResponse {
        match req.schema.name.as_str() {
            "azapi_resource" => resource::plan(
                req.schema,
                req.prior,
                req.config,
                &self.subscription(req.provider),
                self.known(),
            ),
            "azapi_update_resource" => update::plan(req.schema, req.prior, req.config),
            "azapi_resource_action" => action::plan(req.schema, req.prior, req.config),
            _ => PlanResponse {
                planned: crate::lang::Value::Unknown(req.schema.block.object_type().clone()),
                replace_paths: Vec::new(),
                diags: unsupported(req.schema).into(),
            },
        }
    }

    async fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let c = &self.client;
        let Some(v) = req.planned.or(req.prior) else {
            return ApplyResponse::default();
        };
        let _held = self.locks.acquire(v).await;
        match (req.schema.name.as_str(), req.planned) {
            ("azapi_resource", Some(p)) => resource::apply(c, req.schema, req.prior, p).await,
            ("azapi_resource", None) => match req.prior {
                Some(prior) => resource::delete(c, prior).await,
                None => ApplyResponse::default(),
            },
            ("azapi_update_resource", Some(p)) => update::apply(c, req.schema, req.prior, p).await,
            // Destroying forgets the update; the resource stays as it is.
            ("azapi_update_resource", None) => ApplyResponse::default(),
            ("azapi_resource_action", Some(p)) => action::apply(c, req.schema, req.prior, p).await,
            ("azapi_resource_action", None) => match req.prior {
                Some(prior) => action::delete(c, prior).await,
                None => ApplyResponse::default(),
            },
            _ => ApplyResponse {
                value: req.prior.cloned(),
                diags: unsupported(req.schema).into(),
            },
        }
    }

    async fn read(&self, req: ReadRequest<'_>) -> ReadResponse {
        match req.schema.name.as_str() {
            "azapi_resource" => resource::read(&self.client, req.schema, req.prior).await,
            "azapi_update_resource" => update::read(&self.client, req.schema, req.prior).await,
            "azapi_resource_action" => action::read(req.prior),
            _ => answer(Some(req.prior.clone()), unsupported(req.schema).into()),
        }
    }

    async fn read_data(&self, req: ReadDataRequest<'_>) -> ReadResponse {
        let sub = self.subscription(req.provider);
        match req.schema.name.as_str() {
            "azapi_client_config" => data::client_config(req.schema, &sub, self.client.tenant()),
            "azapi_resource" => data::read_resource(&self.client, req.schema, req.config, &sub).await,
            "azapi_resource_action" => action::read_data(&self.client, req.schema, req.config).await,
            _ => answer(None, unsupported(req.schema).into()),
        }
    }

    async fn import(&self, req: ImportRequest<'_>) -> ReadResponse {
        match req.schema.name.as_str() {
            "azapi_resource" => resource::import(&self.client, req.schema, req.id).await,
            _ => answer(
                None,
                Diagnostic::error("Cannot import")
                    .with_detail(format!("{} does not support import", req.schema.name))
                    .into(),
            ),
        }
    }
}
