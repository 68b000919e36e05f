//! What azapi's types share: reading their configuration values, the
//! checks azapi makes on every body, ARM errors as diagnostics, and the
//! identity block as ARM's `identity` object.
//!
//! No resource type is named here.

use super::ids::TypeRef;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::value::Map;
use crate::lang::Value;
use crate::provider::arm::ArmError;
use crate::provider::protocol::ReadResponse;
use crate::schema::Schema;
use serde_json::Value as Json;

pub use super::transport::*;

/// A known, non-null string attribute.
pub fn string<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name).filter(|x| x.is_known()).and_then(Value::as_str)
}

/// Whether an attribute is set (neither null nor absent); unknown counts as set.
pub fn is_set(v: &Value, name: &str) -> bool {
    v.get(name).is_some_and(|x| !x.is_null())
}

/// Whether an attribute is unknown.
pub fn is_unknown(v: &Value, name: &str) -> bool {
    v.get(name).is_some_and(|x| !x.is_known())
}

/// A boolean attribute, or its default when left out.
pub fn flag(v: &Value, name: &str, default: bool) -> bool {
    v.get(name).and_then(Value::as_bool).unwrap_or(default)
}

/// The attribute, or null.
pub fn attr(v: &Value, name: &str) -> Value {
    v.get(name).cloned().unwrap_or_else(Value::null)
}

/// A read's answer. Built from the default, so that fields the provider
/// boundary adds to `ReadResponse` (main has since added `failed`) keep
/// their defaults here.
#[allow(clippy::field_reassign_with_default)]
/// The id and type a state entry's resource is read by; an error answer,
/// keeping the entry, when the state lacks either.
pub fn read_target(prior: &Value) -> Result<(&str, TypeRef), ReadResponse> {
    match (
        string(prior, "id"),
        string(prior, "type").and_then(|t| TypeRef::parse(t).ok()),
    ) {
        (Some(id), Some(t)) => Ok((id, t)),
        _ => Err(answer(
            Some(prior.clone()),
            Diagnostic::error("Cannot read the resource")
                .with_detail("the state has no id or type to read the resource by")
                .into(),
        )),
    }
}

/// A read's answer: what was found, and what was said about it.
pub fn answer(value: Option<Value>, diags: Diagnostics) -> ReadResponse {
    ReadResponse {
        value,
        diags,
        failed: None,
    }
}

/// A value of the schema's object type: absent attributes typed nulls.
pub fn finish(schema: &Schema, m: Map) -> Value {
    crate::lang::types::conform(Value::Object(m), schema.block.object_type())
}

/// The configuration's attributes, as the start of a planned value.
pub fn copy_config(schema: &Schema, config: &Value) -> Map {
    let mut m = Map::new();
    for name in schema.block.attributes.keys().chain(schema.block.block_types.keys()) {
        m.insert(name.clone(), attr(config, name));
    }
    m
}

/// The `type` argument parsed; `Ok(None)` while it is unknown.
pub fn type_ref(config: &Value) -> Result<Option<TypeRef>, Diagnostic> {
    if is_unknown(config, "type") {
        return Ok(None);
    }
    let Some(t) = string(config, "type") else {
        return Err(Diagnostic::error("Missing required argument")
            .with_detail("The argument \"type\" is required, but no definition was found."));
    };
    TypeRef::parse(t).map(Some).map_err(|e| {
        Diagnostic::error("Invalid configuration").with_detail(format!("The argument \"type\" is invalid: {e}"))
    })
}

/// azapi 2.x takes a body as an object: a string (a 1.x `jsonencode(...)`)
/// is refused, as azapi refuses it.
pub fn body_not_string(config: &Value, attribute: &str) -> Option<Diagnostic> {
    let v = config.get(attribute)?;
    v.as_str().map(|_| {
        Diagnostic::error("Invalid Type")
            .with_detail(format!(
                "The value of \"{attribute}\" must not be a string: azapi 2.x takes it as an HCL object."
            ))
            .with_help(format!(
                "Write {attribute} = {{ properties = {{ ... }} }} instead of {attribute} = jsonencode({{ ... }}), as azapi's 2.0 upgrade guide says."
            ))
    })
}

/// azapi's write-only `sensitive_body` cannot reach apply: the provider
/// boundary gives apply the planned value, where write-only values are
/// never kept.
pub fn sensitive_body_unsupported() -> Diagnostic {
    Diagnostic::error("sensitive_body is not supported yet").with_detail(
        "aksplan cannot send azapi's write-only sensitive_body: its apply gets the planned value, which never holds write-only values. Move those properties into body (with sensitive values) for now.",
    )
}

/// `response_export_values` (or the sensitive one) in a form azapi takes.
pub fn export_values_ok(config: &Value, attribute: &str) -> Option<Diagnostic> {
    super::output::check(&attr(config, attribute), attribute)
        .map(|problem| Diagnostic::error("Invalid configuration").with_detail(problem))
}

/// An ARM error as a diagnostic, keeping Azure's code and message.
pub fn arm_error(summary: &str, what: &str, e: &ArmError) -> Diagnostic {
    Diagnostic::error(summary.to_string()).with_detail(format!("{what}: {}: {}", e.code, e.message))
}

/// The value of a wholly known JSON-able attribute.
pub fn json_of(v: &Value, name: &str) -> Option<Json> {
    v.get(name).and_then(super::body::to_json)
}
/// The identity block (`type`, `identity_ids`) as ARM's `identity` object.
pub fn expand_identity(identity: &Value) -> Option<Json> {
    let ty = identity.get("type").and_then(Value::as_str)?;
    let mut out = serde_json::Map::new();
    out.insert("type".into(), Json::String(ty.to_string()));
    let ids: Vec<&str> = identity
        .get("identity_ids")
        .and_then(Value::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if !ids.is_empty() {
        let m = ids.iter().map(|id| (id.to_string(), Json::Object(Default::default())));
        out.insert("userAssignedIdentities".into(), Json::Object(m.collect()));
    }
    Some(Json::Object(out))
}

/// ARM's `identity` object as an identity block's value.
pub fn flatten_identity(identity: &Json) -> Option<Value> {
    let ty = identity.get("type").and_then(Json::as_str)?;
    let ids: Vec<Value> = identity
        .get("userAssignedIdentities")
        .and_then(Json::as_object)
        .map(|m| m.keys().map(|k| Value::string(k.as_str())).collect())
        .unwrap_or_default();
    let s = |k: &str| {
        identity
            .get(k)
            .and_then(Json::as_str)
            .map_or_else(|| Value::Null(crate::lang::types::Type::String), Value::string)
    };
    Some(Value::Object(Map::from([
        ("type".to_string(), Value::string(ty)),
        ("identity_ids".to_string(), Value::list(ids)),
        ("principal_id".to_string(), s("principalId")),
        ("tenant_id".to_string(), s("tenantId")),
    ])))
}

/// Whether two identity types are the same (`SystemAssigned, UserAssigned`
/// is also written without the space).
pub fn same_identity_type(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.replace(' ', "").to_ascii_lowercase();
    norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_round_trip() {
        let block = crate::lang::eval::eval_standalone(
            r#"{ type = "SystemAssigned, UserAssigned", identity_ids = ["/subscriptions/s/x"] }"#,
        )
        .unwrap();
        let arm = expand_identity(&block).unwrap();
        assert_eq!(
            arm,
            serde_json::json!({"type": "SystemAssigned, UserAssigned", "userAssignedIdentities": {"/subscriptions/s/x": {}}})
        );
        let back = flatten_identity(
            &serde_json::json!({"type": "SystemAssigned,UserAssigned", "principalId": "p",
            "userAssignedIdentities": {"/subscriptions/s/x": {"clientId": "c"}}}),
        )
        .unwrap();
        assert_eq!(back.get("principal_id").and_then(Value::as_str), Some("p"));
        assert!(same_identity_type(
            "SystemAssigned, UserAssigned",
            "systemassigned,userassigned"
        ));
    }
}
