//! azapi's data sources that read rather than act:
//! - `azapi_resource`: one resource by `type` and `resource_id`, or
//!   `parent_id` and `name` (a resource group's parent defaults to the
//!   subscription; a subscription needs neither);
//! - `azapi_client_config`: who aksplan acts as, with the fixed simulated
//!   object id that azurerm's `azurerm_client_config` gives.

use super::common::*;
use super::ids::{self, TypeRef};
use super::output;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::value::Map;
use crate::lang::Value;
use crate::provider::arm::{ArmClient, Method};
use crate::provider::protocol::ReadResponse;
use crate::schema::Schema;
use serde_json::Value as Json;
use std::time::Duration;

/// The object id `azurerm_client_config` also gives.
const OBJECT_ID: &str = "33333333-3333-3333-3333-333333333333";

/// `data "azapi_client_config"`.
pub fn client_config(schema: &Schema, subscription: &str, tenant: &str) -> ReadResponse {
    let s = |v: String| Value::string(v);
    let m = Map::from([
        (
            "id".to_string(),
            s(format!("clientConfigs/subscriptionId={subscription};tenantId={tenant}")),
        ),
        ("subscription_id".to_string(), s(subscription.to_string())),
        (
            "subscription_resource_id".to_string(),
            s(format!("/subscriptions/{subscription}")),
        ),
        ("tenant_id".to_string(), s(tenant.to_string())),
        ("object_id".to_string(), s(OBJECT_ID.to_string())),
    ]);
    answer(Some(finish(schema, m)), Diagnostics::new())
}

/// Checks a configuration of `data "azapi_resource"`.
pub fn validate(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    diags.extend(export_values_ok(config, "response_export_values"));
    if let Err(d) = type_ref(config) {
        diags.push(d);
    }
    if is_set(config, "name") && is_set(config, "resource_id") {
        diags.push(
            Diagnostic::error("Invalid configuration")
                .with_detail("Exactly one of the arguments \"name\" or \"resource_id\" must be set."),
        );
    }
    diags
}

/// The id to read, `Ok(None)` while it is not known.
fn target(config: &Value, t: &TypeRef, subscription: &str) -> Result<Option<String>, String> {
    if is_set(config, "resource_id") {
        let Some(rid) = string(config, "resource_id") else {
            return Ok(None);
        };
        t.check_id(rid)?;
        return Ok(Some(rid.to_string()));
    }
    if is_unknown(config, "name") || is_unknown(config, "parent_id") {
        return Ok(None);
    }
    let sub = format!("/subscriptions/{subscription}");
    let Some(name) = string(config, "name") else {
        if t.is_subscription() {
            return Ok(Some(sub));
        }
        return Err("Exactly one of the arguments \"name\" or \"resource_id\" must be set.".into());
    };
    let parent = match string(config, "parent_id") {
        Some(p) => p.to_string(),
        None if t.is_resource_group() || t.is_subscription() => sub,
        None => return Err("The argument \"parent_id\" is required with \"name\" for this type.".into()),
    };
    t.build_id(&parent, name).map(Some)
}

/// `data "azapi_resource"`.
pub async fn read_resource<C: ArmClient>(
    client: &C,
    schema: &Schema,
    config: &Value,
    subscription: &str,
) -> ReadResponse {
    let unknown = || {
        answer(
            Some(Value::Unknown(schema.block.object_type().clone())),
            Diagnostics::new(),
        )
    };
    let fail = |d: Diagnostic| answer(None, d.into());
    let t = match type_ref(config) {
        Ok(Some(t)) => t,
        Ok(None) => return unknown(),
        Err(d) => return fail(d),
    };
    if !config.get("response_export_values").is_none_or(Value::is_wholly_known) {
        return unknown();
    }
    let id = match target(config, &t, subscription) {
        Ok(Some(id)) => id,
        Ok(None) => return unknown(),
        Err(e) => return fail(Diagnostic::error("Invalid configuration").with_detail(e)),
    };
    let retry = match Retry::from_config(config) {
        Ok(r) => r,
        Err(e) => return fail(Diagnostic::error("Invalid configuration").with_detail(e)),
    };
    let timeout = timeout(config, "read", Duration::from_secs(5 * 60));
    let response = match send(client, request(Method::Get, &id, &t, None), retry.as_ref(), timeout).await {
        Ok(r) => r.body,
        Err(e) => return fail(arm_error("Failed to retrieve resource", &format!("reading {id}"), &e)),
    };
    let out = match output::build(&response, &attr(config, "response_export_values"), || {
        output::default_output(&response, None)
    }) {
        Ok(o) => o,
        Err(e) => return fail(Diagnostic::error("Failed to build output").with_detail(e)),
    };
    let (parent, name) = ids::split_id(&id);
    let mut m = copy_config(schema, config);
    m.insert("id".into(), Value::string(&id));
    m.insert("resource_id".into(), Value::string(&id));
    m.insert("name".into(), Value::string(name));
    m.insert("parent_id".into(), Value::string(parent));
    m.insert("output".into(), out);
    let get = |k: &str| response.get(k).filter(|v| !v.is_null());
    m.insert(
        "location".into(),
        get("location")
            .and_then(Json::as_str)
            .map_or_else(Value::null, Value::string),
    );
    let tags = get("tags").map_or_else(|| Value::map(Map::new()), Value::from_json);
    m.insert("tags".into(), tags);
    let identity = get("identity").and_then(flatten_identity);
    m.insert("identity".into(), Value::list(identity.into_iter().collect()));
    answer(Some(finish(schema, m)), Diagnostics::new())
}
