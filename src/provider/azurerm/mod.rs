//! The azurerm provider: resource operations expressed as ARM calls.
//!
//! Planning is pure ([`plan::plan`]); reading, creating, updating and
//! deleting go through an [`ArmClient`], the same code for the simulation
//! and for Azure. Each response carries diagnostics; an ARM error keeps
//! Azure's code and message.

pub mod auto_registration;
pub mod mapper;
pub mod plan;
mod registration;
pub mod sealed;
pub mod types;

use super::arm::{ArmClient, ArmError, ArmRequest, Method};
use crate::config::schema::Schema;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::value::Map;
use crate::lang::Value;
use serde_json::Value as Json;

/// How long a role assignment waits for a new identity to replicate.
const REPLICATION_WAIT: std::time::Duration = std::time::Duration::from_secs(180);

pub struct Azurerm<C> {
    pub client: C,
}

/// The result of a read: `None` when the resource no longer exists.
#[derive(Debug, Default)]
pub struct ReadResponse {
    pub value: Option<Value>,
    pub diags: Diagnostics,
}

/// The result of a create, update or delete: the new value (`None` once deleted).
#[derive(Debug, Default)]
pub struct ApplyResponse {
    pub value: Option<Value>,
    pub diags: Diagnostics,
}

/// Plans one resource in `subscription`: pure, so validation can know ids
/// without a cloud.
pub fn plan_resource(schema: &Schema, prior: Option<&Value>, config: &Value, subscription: &str) -> plan::Planned {
    let mut config = config.clone();
    types::before_plan(&schema.name, &mut config, prior, subscription);
    let mut planned = plan::plan(schema, prior, &config, subscription);
    if super::builtin::is_builtin(&schema.name) {
        super::builtin::after_plan(&mut planned.value, prior);
    }
    planned
}

/// An ARM error as a diagnostic, keeping Azure's code.
pub fn arm_diagnostic(e: &ArmError) -> Diagnostic {
    Diagnostic::error(format!("Azure refused the request: {}", e.code)).with_detail(e.message.clone())
}

impl<C: ArmClient> Azurerm<C> {
    pub fn new(client: C) -> Azurerm<C> {
        Azurerm { client }
    }

    /// Plans one resource (pure).
    pub fn plan(&self, schema: &Schema, prior: Option<&Value>, config: &Value) -> plan::Planned {
        plan_resource(schema, prior, config, self.client.subscription())
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
    async fn decode(&self, schema: &Schema, doc: &Json, prior: Option<&Value>) -> (Value, Diagnostics) {
        let doc = &*types::normalize_arm(&schema.name, doc, prior);
        let mut value = mapper::from_arm(&schema.block, doc, prior);
        let id = doc.get("id").and_then(Json::as_str).unwrap_or("");
        if let Some(m) = value.as_map_mut() {
            for (k, v) in mapper::id_attributes(schema, id) {
                if schema.block.attributes.contains_key(&k) {
                    m.insert(k, Value::String(v));
                }
            }
        }
        types::from_arm(&schema.name, doc, &mut value, self.client.subscription());
        let mut diags = Diagnostics::new();
        if schema.name == "azurerm_kubernetes_cluster" {
            let req = Self::request(schema, Method::Post, format!("{id}/listClusterUserCredential"), None);
            match self.client.send(req).await {
                Ok(r) => {
                    if let (Some((raw, parsed)), Some(m)) = (types::kube_config(&r.body), value.as_map_mut()) {
                        m.insert("kube_config_raw".into(), Value::String(raw));
                        m.insert("kube_config".into(), parsed);
                    }
                }
                Err(e) => diags.push(arm_diagnostic(&e)),
            }
        }
        (value, diags)
    }

    /// Reads the resource a state entry points at.
    pub async fn read(&self, schema: &Schema, prior: &Value) -> ReadResponse {
        if super::builtin::is_builtin(&schema.name) {
            return ReadResponse {
                value: Some(prior.clone()),
                diags: Diagnostics::new(),
            };
        }
        if schema.name == registration::TYPE {
            return registration::read(&self.client, schema, prior).await;
        }
        let Some(id) = prior.get("id").and_then(Value::as_str) else {
            return ReadResponse::default();
        };
        let req = Self::request(schema, Method::Get, id.to_string(), None);
        match self.client.send(req).await {
            Ok(r) => {
                let (value, diags) = self.decode(schema, &r.body, Some(prior)).await;
                ReadResponse {
                    value: Some(value),
                    diags,
                }
            }
            Err(e) if e.is_not_found() => ReadResponse::default(),
            Err(e) => ReadResponse {
                value: None,
                diags: arm_diagnostic(&e).into(),
            },
        }
    }

    /// Reads an existing resource by its id to bring it under management:
    /// an id of another type, or one that does not exist, is an error.
    pub async fn import(&self, schema: &Schema, id: &str) -> ReadResponse {
        let fail = |summary: &str, detail: String| ReadResponse {
            value: None,
            diags: Diagnostic::error(summary).with_detail(detail).into(),
        };
        if let Some(arm) = &schema.arm {
            let got = super::arm::resource_type(id);
            if schema.name != registration::TYPE && !got.eq_ignore_ascii_case(&arm.resource_type) {
                return fail(
                    "Cannot import: the id is of another type",
                    format!("{id} is a {got}, but {} manages {}", schema.name, arm.resource_type),
                );
            }
        }
        let prior = Value::Object(Map::from([("id".to_string(), Value::string(id))]));
        let r = self.read(schema, &prior).await;
        if r.value.is_none() && !r.diags.has_errors() {
            return fail("Cannot import: no such resource", format!("nothing exists at {id}"));
        }
        r
    }

    /// Creates or updates a resource to its planned value (a PUT; extensions
    /// are updated with PATCH, as the service requires).
    pub async fn apply(&self, schema: &Schema, prior: Option<&Value>, planned: &Value) -> ApplyResponse {
        if super::builtin::is_builtin(&schema.name) {
            return super::builtin::apply(prior, planned);
        }
        if schema.name == registration::TYPE {
            return registration::apply(&self.client, schema, planned).await;
        }
        let Some(id) = planned.get("id").and_then(Value::as_str).map(str::to_string) else {
            return ApplyResponse {
                value: None,
                diags: Diagnostic::error("Cannot apply: the resource id is not known").into(),
            };
        };
        let mut body = mapper::to_arm(&schema.block, planned);
        types::to_arm(&schema.name, planned, &mut body);
        let patch = prior.is_some() && schema.name.ends_with("_cluster_extension");
        let (method, body) = if patch {
            (Method::Patch, types::extension_patch(body))
        } else {
            (Method::Put, body)
        };
        let req = Self::request(schema, method, id, Some(body));
        match self.send_waiting_for_replication(req).await {
            Ok(r) => {
                let (value, diags) = self.decode(schema, &r.body, Some(planned)).await;
                ApplyResponse {
                    value: Some(value),
                    diags,
                }
            }
            Err(e) => {
                // A create whose outcome is not a plain refusal (the
                // operation failed, or no answer came) may have left the
                // resource behind: read it, so that it is kept track of.
                let value = match prior {
                    Some(p) => Some(p.clone()),
                    None if e.status == 0 || e.status >= 500 => self.read(schema, planned).await.value,
                    None => None,
                };
                ApplyResponse {
                    value,
                    diags: arm_diagnostic(&e).into(),
                }
            }
        }
    }

    /// Sends a request, retrying while Azure AD has not yet replicated a new
    /// identity (`PrincipalNotFound`: 15 to 120 seconds in practice), with
    /// exponential backoff for a bounded time. Nothing else is retried here.
    async fn send_waiting_for_replication(
        &self,
        req: ArmRequest,
    ) -> Result<crate::provider::arm::ArmResponse, ArmError> {
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

    pub async fn delete(&self, schema: &Schema, prior: &Value) -> ApplyResponse {
        if super::builtin::is_builtin(&schema.name) {
            return ApplyResponse::default();
        }
        if schema.name == registration::TYPE {
            return registration::delete(&self.client, schema, prior).await;
        }
        let Some(id) = prior.get("id").and_then(Value::as_str) else {
            return ApplyResponse::default();
        };
        let req = Self::request(schema, Method::Delete, id.to_string(), None);
        match self.client.send(req).await {
            Ok(_) => ApplyResponse::default(),
            Err(e) if e.is_not_found() => ApplyResponse::default(),
            Err(e) => ApplyResponse {
                value: Some(prior.clone()),
                diags: arm_diagnostic(&e).into(),
            },
        }
    }

    /// Reads a data source from its configuration.
    pub async fn read_data(&self, schema: &Schema, config: &Value) -> ReadResponse {
        let sub = self.client.subscription().to_string();
        if schema.name == "azurerm_client_config" {
            let s = |v: &str| Value::string(v);
            return ReadResponse {
                value: Some(Value::Object(Map::from([
                    ("id".into(), s(&format!("clientConfigs/{sub}"))),
                    ("subscription_id".into(), s(&sub)),
                    ("tenant_id".into(), s(self.client.tenant())),
                    ("client_id".into(), s("22222222-2222-2222-2222-222222222222")),
                    ("object_id".into(), s("33333333-3333-3333-3333-333333333333")),
                ]))),
                diags: Diagnostics::new(),
            };
        }
        if schema.name == "azurerm_role_definition" {
            return role_definition(config, &sub);
        }
        let Some(id) = schema.arm.as_ref().and_then(|a| mapper::build_id(&a.id, config, &sub)) else {
            return ReadResponse {
                value: Some(Value::Unknown(schema.block.object_type().clone())),
                diags: Diagnostics::new(),
            };
        };
        let req = Self::request(schema, Method::Get, id.clone(), None);
        match self.client.send(req).await {
            Ok(r) => {
                let (mut value, diags) = self.decode(schema, &r.body, Some(config)).await;
                if let Some(m) = value.as_map_mut() {
                    m.insert("id".into(), Value::String(id));
                }
                ReadResponse {
                    value: Some(value),
                    diags,
                }
            }
            Err(e) => ReadResponse {
                value: None,
                diags: arm_diagnostic(&e).into(),
            },
        }
    }
}

/// Marks the attributes a schema calls sensitive, however the value was
/// obtained (ARM responses carry no marks).
pub fn mark_sensitive(block: &crate::config::schema::BlockSchema, mut value: Value) -> Value {
    let Some(m) = value.as_map_mut() else {
        return value;
    };
    for (name, attr) in &block.attributes {
        if attr.sensitive {
            if let Some(v) = m.remove(name) {
                let marked = if v.is_null() { v } else { v.mark() };
                m.insert(name.clone(), marked);
            }
        }
    }
    for (name, nested) in &block.block_types {
        if let Some(items) = m.get_mut(name).and_then(Value::as_seq_mut) {
            for item in items.iter_mut() {
                *item = mark_sensitive(&nested.block, std::mem::take(item));
            }
        }
    }
    value
}

/// Gives a value read from JSON (state, a saved plan) its schema's types
/// back: sets are sets, numbers are numbers, absent attributes typed nulls.
pub fn conform(block: &crate::config::schema::BlockSchema, value: Value) -> Value {
    crate::lang::types::conform(value, block.object_type())
}

/// `data "azurerm_role_definition"`: a built-in role by name or GUID.
fn role_definition(config: &Value, subscription: &str) -> ReadResponse {
    let roles = types::builtin_roles();
    let wanted_name = config.get("name").and_then(Value::as_str);
    let wanted_id = config.get("role_definition_id").and_then(Value::as_str);
    let found = roles.iter().find(|(n, g)| {
        wanted_name.is_some_and(|w| w.eq_ignore_ascii_case(n) || w.eq_ignore_ascii_case(g))
            || wanted_id.is_some_and(|w| w.eq_ignore_ascii_case(g))
    });
    let Some((name, guid)) = found else {
        let what = wanted_name.or(wanted_id).unwrap_or("");
        return ReadResponse {
            value: None,
            diags: Diagnostic::error("Role definition not found")
                .with_detail(format!("no built-in role is named or identified by {what:?}"))
                .into(),
        };
    };
    let scope = config
        .get("scope")
        .and_then(Value::as_str)
        .map_or_else(|| format!("/subscriptions/{subscription}"), str::to_string);
    let s = |v: &str| Value::string(v);
    ReadResponse {
        value: Some(Value::Object(Map::from([
            (
                "id".into(),
                s(&format!(
                    "{scope}/providers/Microsoft.Authorization/roleDefinitions/{guid}"
                )),
            ),
            ("name".into(), s(name)),
            ("role_definition_id".into(), s(guid)),
            ("scope".into(), s(&scope)),
            ("description".into(), s(&format!("The built-in role {name}."))),
            ("type".into(), s("BuiltInRole")),
            ("assignable_scopes".into(), Value::list(vec![s("/")])),
        ]))),
        diags: Diagnostics::new(),
    }
}
