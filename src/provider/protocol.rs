//! The provider boundary, as Terraform's plugin protocol draws it: one
//! request and one response type per operation, and every response carries
//! diagnostics.
//!
//! A [`Provider`] owns its types' schemas and knows how to plan, apply and
//! read them. Planning is pure; reading and applying may talk to a cloud.
//! The planner and the executor see providers only through this trait and
//! the [`super::registry::Providers`] that holds them: no type name is
//! matched outside the provider that owns the type.

use crate::diag::Diagnostics;
use crate::lang::Value;
use crate::schema::{ProviderSchemas, Schema};
use std::time::SystemTime;

/// The evaluated `provider` block a request runs under: `provider
/// "azurerm" { alias = "hub" subscription_id = "..." }`, or the default
/// configuration when none is written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProviderConfig {
    /// `hub` in `azurerm.hub`; `None` for the default configuration.
    pub alias: Option<String>,
    /// The block's attributes as an object; null when no block is written.
    pub value: Value,
}

impl ProviderConfig {
    /// A top-level string attribute of the block, when set and known.
    pub fn string(&self, name: &str) -> Option<&str> {
        self.value.get(name).and_then(Value::as_str).filter(|s| !s.is_empty())
    }
}

pub struct ValidateRequest<'a> {
    pub schema: &'a Schema,
    /// The configuration; unknown values where validation cannot know them.
    pub config: &'a Value,
}

pub struct PlanRequest<'a> {
    pub schema: &'a Schema,
    pub provider: &'a ProviderConfig,
    /// The refreshed prior value; `None` for a new instance.
    pub prior: Option<&'a Value>,
    pub config: &'a Value,
    /// When the plan is made, if known (`plantimestamp()`).
    pub now: Option<SystemTime>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanResponse {
    /// What the instance will look like after apply; unknown where only
    /// apply can tell.
    pub planned: Value,
    /// Attribute paths (`default_node_pool.0.name`) whose change forces a
    /// replacement.
    pub replace_paths: Vec<String>,
    pub diags: Diagnostics,
}

pub struct ApplyRequest<'a> {
    pub schema: &'a Schema,
    pub provider: &'a ProviderConfig,
    /// The value in state; `None` to create.
    pub prior: Option<&'a Value>,
    /// The planned value; `None` to delete.
    pub planned: Option<&'a Value>,
    /// When the apply runs (`timestamp()`, `time_static`).
    pub now: SystemTime,
}

#[derive(Debug, Default)]
pub struct ApplyResponse {
    /// The new value; `None` once deleted, or when a create left nothing.
    pub value: Option<Value>,
    pub diags: Diagnostics,
}

pub struct ReadRequest<'a> {
    pub schema: &'a Schema,
    pub provider: &'a ProviderConfig,
    /// The value in state.
    pub prior: &'a Value,
    pub now: SystemTime,
}

#[derive(Debug, Default)]
pub struct ReadResponse {
    /// The current value; `None` when the object no longer exists.
    pub value: Option<Value>,
    pub diags: Diagnostics,
    /// Set when the object exists but is broken in the cloud (its
    /// provisioning failed): the plan replaces it, for this reason.
    pub failed: Option<String>,
}

impl ReadResponse {
    /// A read that failed with these diagnostics.
    pub fn error(diags: impl Into<Diagnostics>) -> ReadResponse {
        ReadResponse {
            diags: diags.into(),
            ..ReadResponse::default()
        }
    }

    /// A read that found this value.
    pub fn found(value: Value) -> ReadResponse {
        ReadResponse {
            value: Some(value),
            ..ReadResponse::default()
        }
    }
}

pub struct ReadDataRequest<'a> {
    pub schema: &'a Schema,
    pub provider: &'a ProviderConfig,
    pub config: &'a Value,
    pub now: SystemTime,
}

pub struct ImportRequest<'a> {
    pub schema: &'a Schema,
    pub provider: &'a ProviderConfig,
    /// The id an `import` block or command gives.
    pub id: &'a str,
}

/// Where one read of [`Provider::read_many_seen`] is.
#[derive(Debug, Clone, Copy)]
pub enum ReadStep<'r> {
    /// Its request (or the list that answers it) was sent.
    Sent,
    /// Its answer is in.
    Answered(&'r ReadResponse),
}

/// Told of each read of [`Provider::read_many_seen`] as it goes, by its
/// index in the requests. Called from the reads' tasks: it must return
/// quickly.
pub type ReadSeen<'s> = &'s (dyn Fn(usize, ReadStep<'_>) + Sync);

/// One provider: its schemas and its operations.
#[async_trait::async_trait]
pub trait Provider: Send + Sync {
    /// The local name its types start with: `azurerm` for `azurerm_subnet`.
    fn name(&self) -> &'static str;

    /// Its schemas, parsed lazily.
    fn schemas(&self) -> &ProviderSchemas;

    /// Whether aksplan can plan and apply the type, rather than only validate it.
    fn can_apply(&self, schema: &Schema) -> bool {
        let _ = schema;
        true
    }

    /// Whether the type is mapped only by a convention not checked against
    /// the cloud, which this provider will not write without leave.
    fn unverified(&self, schema: &Schema) -> bool {
        let _ = schema;
        false
    }

    /// Checks a configuration beyond its schema (values, combinations).
    fn validate(&self, req: ValidateRequest<'_>) -> Diagnostics {
        let _ = req;
        Diagnostics::new()
    }

    /// Plans one resource instance. Pure: no I/O.
    fn plan(&self, req: PlanRequest<'_>) -> PlanResponse;

    /// Creates, updates (both with `planned`) or deletes (`planned` is `None`).
    async fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse;

    /// Reads the object a state entry points at.
    async fn read(&self, req: ReadRequest<'_>) -> ReadResponse;

    /// Reads many state entries, at most `parallelism` requests at a time,
    /// answering in the order asked. A provider may read them in bulk (one
    /// list of a collection for many objects), but keeps nothing between
    /// calls: each answer is as fresh as a [`Provider::read`] made now.
    async fn read_many(&self, reqs: Vec<ReadRequest<'_>>, parallelism: usize) -> Vec<ReadResponse> {
        self.read_many_seen(reqs, parallelism, &|_, _| {}).await
    }

    /// [`Provider::read_many`], telling `seen` of each read as it goes:
    /// when it is sent and when it is answered, by its index in `reqs`. A
    /// read answered by a list is sent when the list is. By default, one
    /// read each.
    async fn read_many_seen(
        &self,
        reqs: Vec<ReadRequest<'_>>,
        parallelism: usize,
        seen: ReadSeen<'_>,
    ) -> Vec<ReadResponse> {
        use futures::{FutureExt, StreamExt};
        // The futures are made before the stream, so that it holds no closure.
        let reads: Vec<_> = reqs
            .into_iter()
            .enumerate()
            .map(|(i, req)| {
                async move {
                    seen(i, ReadStep::Sent);
                    let r = self.read(req).await;
                    seen(i, ReadStep::Answered(&r));
                    r
                }
                .boxed()
            })
            .collect();
        futures::stream::iter(reads)
            .buffered(parallelism.max(1))
            .collect()
            .await
    }

    /// Reads a data source; a provider with none refuses every one.
    async fn read_data(&self, req: ReadDataRequest<'_>) -> ReadResponse {
        let detail = format!("the {} provider has no data source {}", self.name(), req.schema.name);
        ReadResponse::error(crate::diag::Diagnostic::error("Unsupported data source").with_detail(detail))
    }

    /// Reads an existing object by id, to bring it under management.
    async fn import(&self, req: ImportRequest<'_>) -> ReadResponse {
        let detail = format!("{} does not support import", req.schema.name);
        ReadResponse::error(crate::diag::Diagnostic::error("Cannot import").with_detail(detail))
    }
}
