//! The azurerm provider: resource operations expressed as ARM calls.
//!
//! Planning is pure ([`plan::plan`]); reading, creating, updating and
//! deleting go through an [`ArmClient`], the same code for the simulation
//! and for Azure. A type is planned and applied through its overlay (ARM
//! paths, id template) and the hooks of its own file under [`types`];
//! types without an overlay are known to validation only. Each response
//! carries diagnostics; an ARM error keeps Azure's code and message.
//!
//! Resources go to the subscription of their provider configuration
//! (`subscription_id`), or the client's. The configuration's `features`
//! change what some operations do ([`features`]).

pub mod auto_registration;
mod bulk;
pub mod children;
pub mod convention;
#[cfg(test)]
mod coverage;
mod deleting;
pub mod extras;
pub mod features;
pub mod mapper;
mod paging;
pub mod plan;
mod rotate;
mod soft_delete;
pub mod types;

use super::arm::{ArmClient, ArmError, ArmRequest, Method};
use super::protocol::*;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::value::Map;
use crate::lang::Value;
use crate::schema::{Mapping, ProviderSchemas, Schema};
use serde_json::Value as Json;
use types::Custom;

/// How long a role assignment waits for a new identity to replicate.
const REPLICATION_WAIT: std::time::Duration = std::time::Duration::from_secs(180);

pub struct Azurerm<C> {
    pub client: C,
    schemas: ProviderSchemas,
    /// Whether types mapped by convention only may be written.
    unverified: bool,
    /// What this run has asked Azure to delete.
    deleting: deleting::Deleting,
    /// How long a resource group's delete waits for those to leave its list.
    settle: types::resource_group::Settle,
}

/// Plans one resource in `subscription`: pure, so validation can know ids
/// without a cloud.
pub fn plan_resource(schema: &Schema, prior: Option<&Value>, config: &Value, subscription: &str) -> plan::Planned {
    plan::plan(schema, prior, config, subscription)
}

/// An ARM error as a diagnostic, keeping Azure's code.
pub fn arm_diagnostic(e: &ArmError) -> Diagnostic {
    Diagnostic::error(format!("Azure refused the request: {}", e.code)).with_detail(e.message.clone())
}

impl<C: ArmClient> Azurerm<C> {
    pub const SOURCE: &'static str = "registry.terraform.io/hashicorp/azurerm";

    pub fn new(client: C, schemas: ProviderSchemas) -> Azurerm<C> {
        Azurerm {
            client,
            schemas,
            unverified: false,
            deleting: Default::default(),
            settle: Default::default(),
        }
    }

    /// Whether types mapped by convention only may be written.
    pub fn allowing_unverified(mut self, allowed: bool) -> Azurerm<C> {
        self.unverified = allowed;
        self
    }

    /// Changes how long a resource group's delete waits for what this run
    /// deleted to leave its list (tests wait for nothing).
    pub fn with_settle(mut self, settle: types::resource_group::Settle) -> Azurerm<C> {
        self.settle = settle;
        self
    }

    /// The subscription a provider configuration targets.
    pub fn subscription<'a>(&'a self, provider: &'a ProviderConfig) -> &'a str {
        provider.string("subscription_id").unwrap_or(self.client.subscription())
    }

    /// A call on `path` with the api-version of the schema's ARM type.
    fn request(schema: &Schema, method: Method, path: impl Into<String>, body: Option<Json>) -> ArmRequest {
        ArmRequest {
            method,
            path: path.into(),
            api_version: schema.arm.as_ref().map(|a| a.api_version.clone()).unwrap_or_default(),
            body,
        }
    }

    /// Turns an ARM document into the resource's value, keeping from `prior`
    /// what Azure never returns.
    async fn decode(&self, schema: &Schema, doc: &Json, prior: Option<&Value>, sub: &str) -> (Value, Diagnostics) {
        let hooks = types::hooks(&schema.name);
        let mut diags = Diagnostics::new();
        let with_children = match hooks.children() {
            [] => std::borrow::Cow::Borrowed(doc),
            children => match children::read(&self.client, children, doc).await {
                Ok(full) => std::borrow::Cow::Owned(full),
                Err(e) => {
                    diags.push(arm_diagnostic(&e));
                    std::borrow::Cow::Borrowed(doc)
                }
            },
        };
        let doc = &*hooks.normalize_arm(&with_children, prior);
        let mut value = mapper::from_arm(&schema.block, doc, prior);
        let id = doc.get("id").and_then(Json::as_str).unwrap_or("");
        if let Some(m) = value.as_map_mut() {
            for (k, v) in mapper::id_attributes(schema, id) {
                if schema.block.attributes.contains_key(&k) {
                    m.insert(k, Value::String(v));
                }
            }
            if schema.block.attributes.contains_key("id") && !id.is_empty() {
                m.insert("id".into(), Value::String(hooks.state_id(id)));
            }
        }
        hooks.read_arm(doc, &mut value, sub);
        let (answers, extra_diags) = self.read_extras(schema, id, doc).await;
        diags.extend(extra_diags);
        hooks.read_extra(&answers, &mut value);
        if let Some(action) = hooks.credentials_action().filter(|_| hooks.credentials_wanted(doc)) {
            let mut req = Self::request(schema, Method::Post, format!("{id}/{action}"), None);
            if let Some(version) = hooks.credentials_api_version() {
                req.api_version = version.to_string();
            }
            match self.client.send(req).await {
                Ok(r) => hooks.credentials(&r.body, &mut value),
                Err(e) => diags.push(arm_diagnostic(&e)),
            }
        }
        (value, diags)
    }

    /// Reads the resource a state entry points at.
    async fn get(&self, schema: &Schema, prior: &Value, sub: &str) -> ReadResponse {
        match types::custom(schema.mode, &schema.name) {
            Some(Custom::Registration) => return types::registration::read(&self.client, sub, schema, prior).await,
            Some(Custom::Association) => return types::association::read(&self.client, schema, prior).await,
            _ => {}
        }
        if types::custom(schema.mode, &schema.name) == Some(Custom::KeyVaultAccessPolicy) {
            return types::key_vault_access_policy::read(&self.client, schema, prior).await;
        }
        let Some(id) = prior.get("id").and_then(Value::as_str) else {
            return ReadResponse::default();
        };
        let id = types::hooks(&schema.name).arm_id(id);
        let req = Self::request(schema, Method::Get, id.into_owned(), None);
        match self.client.send(req).await {
            Ok(r) => self.found(schema, &r.body, prior, sub).await,
            Err(e) if e.is_not_found() => ReadResponse::default(),
            Err(e) => ReadResponse::error(arm_diagnostic(&e)),
        }
    }

    /// A read's answer from the resource's ARM body, as a GET or a list
    /// (see [`bulk`]) gave it.
    async fn found(&self, schema: &Schema, body: &Json, prior: &Value, sub: &str) -> ReadResponse {
        let (value, diags) = self.decode(schema, body, Some(prior), sub).await;
        ReadResponse {
            value: Some(value),
            diags,
            failed: types::hooks(&schema.name).failed(body),
        }
    }

    /// Creates or updates a resource to its planned value: a PUT, or the
    /// PATCH a type's service requires for an update.
    async fn put(
        &self,
        schema: &Schema,
        prior: Option<&Value>,
        planned: &Value,
        sub: &str,
        provider: &ProviderConfig,
    ) -> ApplyResponse {
        match types::custom(schema.mode, &schema.name) {
            Some(Custom::Registration) => return types::registration::apply(&self.client, sub, schema, planned).await,
            Some(Custom::Association) => return types::association::apply(&self.client, schema, planned).await,
            Some(Custom::KeyVaultAccessPolicy) => {
                return types::key_vault_access_policy::apply(&self.client, schema, prior, planned).await
            }
            _ => {}
        }
        let Some(id) = planned.get("id").and_then(Value::as_str).map(str::to_string) else {
            return ApplyResponse {
                value: None,
                diags: Diagnostic::error("Cannot apply: the resource id is not known").into(),
            };
        };
        let hooks = types::hooks(&schema.name);
        let arm_id = hooks.arm_id(&id).into_owned();
        if prior.is_none() {
            if let Some(refusal) = self.already_exists(schema, &arm_id, &id).await {
                return refusal;
            }
        }
        let mut body = mapper::to_arm(&schema.block, planned);
        hooks.to_arm(planned, &mut body);
        if prior.is_none() {
            if let Err(refusal) = self
                .recover_soft_deleted(schema, planned, sub, provider, &mut body)
                .await
            {
                return refusal;
            }
        }
        // What other resources own is kept as Azure has it (see types::keep).
        let kept = prior.map_or_else(Vec::new, |p| hooks.kept_on_update(p, planned));
        let api_version = Self::request(schema, Method::Get, "", None).api_version;
        let _held = match types::keep::existing(&self.client, &arm_id, &api_version, &kept, &mut body).await {
            Ok(held) => held,
            Err(e) => {
                return ApplyResponse {
                    value: prior.cloned(),
                    diags: arm_diagnostic(&e).into(),
                }
            }
        };
        let children = children::take(hooks.children(), &mut body);
        if let Some((prior, rotation)) = prior.and_then(|p| Some((p, hooks.rotation(schema, p, planned)?))) {
            return self.put_rotating(schema, prior, planned, body, &rotation, sub).await;
        }
        // Children no longer wanted go before the parent changes (a
        // registry's replications before it leaves Premium).
        if prior.is_some() {
            if let Err(e) = children::prune(&self.client, &arm_id, hooks.children(), &children, &body).await {
                return ApplyResponse {
                    value: prior.cloned(),
                    diags: arm_diagnostic(&e).into(),
                };
            }
        }
        // What the service takes only on an update is sent once it exists.
        let first = prior.is_none().then(|| hooks.create_first(&body)).flatten();
        let created = match &first {
            Some(first) => {
                let req = Self::request(schema, Method::Put, arm_id.clone(), Some(first.clone()));
                self.send_waiting_for_replication(req).await.map(|_| ())
            }
            None => Ok(()),
        };
        let exists_already = first.is_some() && created.is_ok();
        let (method, body) = match prior.and(hooks.patch(&body)) {
            Some(patch) => (Method::Patch, patch),
            None => (Method::Put, body),
        };
        let path = match (method, hooks.put_query()) {
            (Method::Put, Some(query)) => format!("{arm_id}?{query}"),
            _ => arm_id.clone(),
        };
        let req = Self::request(schema, method, path, Some(body));
        let sent = match created {
            Ok(()) => self.send_waiting_for_replication(req).await,
            Err(e) => Err(e),
        };
        match sent {
            Ok(r) => {
                let written = children::write(&self.client, &arm_id, hooks.children(), children, &r.body).await;
                let (value, mut diags) = self.decode(schema, &r.body, Some(planned), sub).await;
                if let Err(e) = written {
                    diags.push(arm_diagnostic(&e));
                }
                ApplyResponse {
                    value: Some(value),
                    diags,
                }
            }
            Err(e) => {
                // A create whose outcome is not a plain refusal (the
                // operation failed, or no answer came, or only its first
                // request was taken) may have left the resource behind:
                // read it, so that it is kept track of.
                let value = match prior {
                    Some(p) => Some(p.clone()),
                    None if e.status == 0 || e.status >= 500 || exists_already => {
                        self.get(schema, planned, sub).await.value
                    }
                    None => None,
                };
                ApplyResponse {
                    value,
                    diags: arm_diagnostic(&e).into(),
                }
            }
        }
    }

    /// azurerm's check before a create: a resource that already exists is
    /// not taken over (its settings overwritten) but refused, with how to
    /// import it. `None` when nothing is there, or the check cannot tell.
    async fn already_exists(&self, schema: &Schema, id: &str, state_id: &str) -> Option<ApplyResponse> {
        let req = Self::request(schema, Method::Get, id.to_string(), None);
        let found = self.client.send(req).await.ok()?;
        let state = found
            .body
            .pointer("/properties/provisioningState")
            .and_then(Json::as_str);
        if state.is_some_and(|s| s.eq_ignore_ascii_case("Deleting")) {
            return None;
        }
        let diag = Diagnostic::error("A resource with this ID already exists")
            .with_detail(format!(
                "{id} already exists. To be managed by aksplan it needs to be imported into the state; \
                 aksplan does not take over what it did not create."
            ))
            .with_help(format!(
                "add an import block, then plan again:\n  import {{\n    to = <this resource's address>\n    id = \"{state_id}\"\n  }}"
            ));
        Some(ApplyResponse {
            value: None,
            diags: diag.into(),
        })
    }

    /// Sends a request, retrying while Azure AD has not yet replicated a new
    /// identity (`PrincipalNotFound`: 15 to 120 seconds in practice), with
    /// exponential backoff for a bounded time. Nothing else is retried here.
    async fn send_waiting_for_replication(&self, req: ArmRequest) -> Result<super::arm::ArmResponse, ArmError> {
        let deadline = std::time::Instant::now() + REPLICATION_WAIT;
        let mut wait = std::time::Duration::from_millis(100);
        loop {
            match self.client.send(req.clone()).await {
                Err(e) if e.code == "PrincipalNotFound" && std::time::Instant::now() + wait < deadline => {
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(std::time::Duration::from_secs(10));
                }
                other => return other,
            }
        }
    }

    async fn delete(&self, schema: &Schema, prior: &Value, provider: &ProviderConfig) -> ApplyResponse {
        match types::custom(schema.mode, &schema.name) {
            Some(Custom::Registration) => {
                return types::registration::delete(&self.client, self.subscription(provider), schema, prior).await
            }
            Some(Custom::Association) => return types::association::delete(&self.client, schema, prior).await,
            _ => {}
        }
        if types::custom(schema.mode, &schema.name) == Some(Custom::KeyVaultAccessPolicy) {
            return types::key_vault_access_policy::delete(&self.client, schema, prior).await;
        }
        let Some(id) = prior.get("id").and_then(Value::as_str) else {
            return ApplyResponse::default();
        };
        let id = &*types::hooks(&schema.name).arm_id(id);
        if let Some(refusal) = self.refuse_if_not_empty(schema, id, provider).await {
            return ApplyResponse {
                value: Some(prior.clone()),
                diags: refusal.into(),
            };
        }
        // What Azure keeps once deleted (a key vault) is purged after, as
        // azurerm does (see soft_delete).
        let purge = self
            .before_destroy(schema, prior, id, self.subscription(provider), provider)
            .await;
        self.deleting.start(id);
        let req = Self::request(schema, Method::Delete, id.to_string(), None);
        match self.client.send(req).await {
            Ok(_) => ApplyResponse {
                value: None,
                diags: self.after_destroy(schema, purge).await,
            },
            Err(e) if e.is_not_found() => ApplyResponse::default(),
            Err(e) => {
                self.deleting.failed(id);
                ApplyResponse {
                    value: Some(prior.clone()),
                    diags: arm_diagnostic(&e).into(),
                }
            }
        }
    }

    /// azurerm's check before deleting what holds resources (a resource
    /// group): refused while ARM lists anything in it, unless
    /// `prevent_deletion_if_contains_resources = false`.
    async fn refuse_if_not_empty(&self, schema: &Schema, id: &str, provider: &ProviderConfig) -> Option<Diagnostic> {
        if !types::hooks(&schema.name).holds_resources() {
            return None;
        }
        let flag = features::prevent_deletion_if_contains_resources(provider);
        if !flag.on {
            return None;
        }
        let api_version = Self::request(schema, Method::Get, "", None).api_version;
        let going = |listed: &str| self.deleting.covers(listed);
        types::resource_group::refuse_if_not_empty(&self.client, id, &api_version, flag, &going, self.settle).await
    }
}

#[async_trait::async_trait]
impl<C: ArmClient + 'static> Provider for Azurerm<C> {
    fn name(&self) -> &'static str {
        "azurerm"
    }

    fn schemas(&self) -> &ProviderSchemas {
        &self.schemas
    }

    fn can_apply(&self, schema: &Schema) -> bool {
        schema.mapping != Mapping::None
    }

    fn unverified(&self, schema: &Schema) -> bool {
        schema.mapping == Mapping::Convention && !self.unverified
    }

    /// A resource's checks across arguments (a data source of the same
    /// name has arguments of its own).
    fn validate(&self, req: ValidateRequest<'_>) -> Diagnostics {
        match req.schema.mode {
            crate::addrs::Mode::Managed => types::hooks(&req.schema.name).validate(req.config),
            crate::addrs::Mode::Data => Diagnostics::new(),
        }
    }

    fn plan(&self, req: PlanRequest<'_>) -> PlanResponse {
        let planned = plan::plan(req.schema, req.prior, req.config, self.subscription(req.provider));
        let mut diags = match req.prior {
            Some(prior) if planned.replace_paths.is_empty() => {
                types::hooks(&req.schema.name).check_plan(req.schema, prior, &planned.value)
            }
            _ => Diagnostics::new(),
        };
        let unsent = mapper::unsent(req.schema, req.config);
        if !unsent.is_empty() {
            diags.push(Diagnostic::warning("Arguments not sent to Azure").with_detail(format!(
                "aksplan does not yet map these arguments of {} to Azure; they are kept in state but not applied, and drift in them is not seen: {}",
                req.schema.name,
                unsent.join(", ")
            )));
        }
        PlanResponse {
            planned: planned.value,
            replace_paths: planned.replace_paths,
            diags,
        }
    }

    async fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let sub = self.subscription(req.provider);
        match (req.planned, req.prior) {
            (Some(planned), prior) => {
                let mut r = self.put(req.schema, prior, planned, sub, req.provider).await;
                // Child resources the arguments describe follow their parent.
                let id = r
                    .value
                    .as_ref()
                    .and_then(|v| v.get("id"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                if let (Some(id), false) = (id, r.diags.has_errors()) {
                    match self.write_children(req.schema, prior, planned, &id).await {
                        Ok(true) => {
                            let read = self.get(req.schema, r.value.as_ref().unwrap_or(planned), sub).await;
                            r.diags.extend(read.diags);
                            if read.value.is_some() {
                                r.value = read.value;
                            }
                        }
                        Ok(false) => {}
                        Err(d) => r.diags.push(d),
                    }
                }
                r
            }
            (None, Some(prior)) => self.delete(req.schema, prior, req.provider).await,
            (None, None) => ApplyResponse::default(),
        }
    }

    async fn read(&self, req: ReadRequest<'_>) -> ReadResponse {
        self.get(req.schema, req.prior, self.subscription(req.provider)).await
    }

    /// Reads many resources, listing a collection once for those that
    /// share it (see [`bulk`]).
    async fn read_many_seen(
        &self,
        reqs: Vec<ReadRequest<'_>>,
        parallelism: usize,
        seen: ReadSeen<'_>,
    ) -> Vec<ReadResponse> {
        bulk::read_many(self, reqs, parallelism, seen).await
    }

    /// Reads an existing resource by its id to bring it under management:
    /// an id of another type, or one that does not exist, is an error.
    async fn import(&self, req: ImportRequest<'_>) -> ReadResponse {
        let (schema, id) = (req.schema, req.id);
        let fail = |summary: &str, detail: String| ReadResponse::error(Diagnostic::error(summary).with_detail(detail));
        if let Some(arm) = &schema.arm {
            let got = super::arm::resource_type(&types::hooks(&schema.name).arm_id(id));
            let custom = types::custom(schema.mode, &schema.name).is_some();
            if !custom && !got.eq_ignore_ascii_case(&arm.resource_type) {
                return fail(
                    "Cannot import: the id is of another type",
                    format!("{id} is a {got}, but {} manages {}", schema.name, arm.resource_type),
                );
            }
        }
        let prior = Value::Object(Map::from([("id".to_string(), Value::string(id))]));
        let r = self.get(schema, &prior, self.subscription(req.provider)).await;
        if r.value.is_none() && !r.diags.has_errors() {
            return fail("Cannot import: no such resource", format!("nothing exists at {id}"));
        }
        r
    }

    /// Reads a data source from its configuration.
    async fn read_data(&self, req: ReadDataRequest<'_>) -> ReadResponse {
        let (schema, config) = (req.schema, req.config);
        let sub = self.subscription(req.provider).to_string();
        match types::custom(schema.mode, &schema.name) {
            Some(Custom::ClientConfig) => {
                return ReadResponse::found(types::client_config(&sub, self.client.tenant()));
            }
            Some(Custom::RoleDefinition) => {
                return match types::role_definition(config, &sub) {
                    Ok(v) => ReadResponse::found(v),
                    Err(d) => ReadResponse::error(d),
                };
            }
            Some(Custom::KeyVaultAccessPolicyTemplate) => {
                return ReadResponse::found(types::key_vault_access_policy_template(config));
            }
            Some(Custom::KubernetesServiceVersions) => {
                return types::kubernetes_service_versions::read(&self.client, config, &sub).await;
            }
            _ => {}
        }
        let Some(id) = schema.arm.as_ref().and_then(|a| mapper::build_id(&a.id, config, &sub)) else {
            return ReadResponse::found(Value::Unknown(schema.block.object_type().clone()));
        };
        let req = Self::request(schema, Method::Get, id.clone(), None);
        match self.client.send(req).await {
            Ok(r) => {
                let (mut value, diags) = self.decode(schema, &r.body, Some(config), &sub).await;
                if let Some(m) = value.as_map_mut() {
                    m.insert("id".into(), Value::String(id));
                }
                ReadResponse {
                    value: Some(value),
                    diags,
                    failed: None,
                }
            }
            Err(e) => ReadResponse::error(arm_diagnostic(&e)),
        }
    }
}

#[cfg(test)]
mod delete_tests;

#[cfg(test)]
mod bulk_tests;
