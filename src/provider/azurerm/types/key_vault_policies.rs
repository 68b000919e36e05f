//! Key Vault access policy entries, the elements of a vault's
//! `properties.accessPolicies`: what azurerm sends for one (an element of
//! `azurerm_key_vault.access_policy`, or an `azurerm_key_vault_access_policy`)
//! and how it reads one back, with the permission names in the case
//! azurerm writes them whatever case Azure answers in. Shared by the vault's
//! hooks and the access policy's own operations; no I/O.

use super::absent;
use crate::lang::types::Type;
use crate::lang::Value;
use serde_json::{json, Map, Value as Json};

const CERTIFICATES: &[&str] = &[
    "Get",
    "List",
    "Update",
    "Create",
    "Import",
    "Delete",
    "Recover",
    "Backup",
    "Restore",
    "ManageContacts",
    "ManageIssuers",
    "GetIssuers",
    "ListIssuers",
    "SetIssuers",
    "DeleteIssuers",
    "Purge",
];

const KEYS: &[&str] = &[
    "Get",
    "List",
    "Update",
    "Create",
    "Import",
    "Delete",
    "Recover",
    "Backup",
    "Restore",
    "Decrypt",
    "Encrypt",
    "UnwrapKey",
    "WrapKey",
    "Verify",
    "Sign",
    "Purge",
    "Release",
    "Rotate",
    "GetRotationPolicy",
    "SetRotationPolicy",
];

const SECRETS: &[&str] = &["Get", "List", "Set", "Delete", "Recover", "Backup", "Restore", "Purge"];

const STORAGE: &[&str] = &[
    "Backup",
    "Delete",
    "DeleteSAS",
    "Get",
    "GetSAS",
    "List",
    "ListSAS",
    "Purge",
    "Recover",
    "RegenerateKey",
    "Restore",
    "Set",
    "SetSAS",
    "Update",
];

/// Each permission list: its attribute, its key under `permissions`, and
/// the names azurerm accepts.
pub const PERMISSIONS: [(&str, &str, &[&str]); 4] = [
    ("certificate_permissions", "certificates", CERTIFICATES),
    ("key_permissions", "keys", KEYS),
    ("secret_permissions", "secrets", SECRETS),
    ("storage_permissions", "storage", STORAGE),
];

/// The management permissions of azurerm's access policy templates (data
/// `azurerm_key_vault_access_policy`), for `certificates`, `keys` (with the
/// rotation policy ones) or `secrets`: not the cryptographic ones, nor purge.
pub fn management(kind: &str) -> Vec<&'static str> {
    match kind {
        "certificates" => CERTIFICATES[..15].to_vec(),
        "keys" => KEYS[..9].iter().chain(&KEYS[17..]).copied().collect(),
        "secrets" => SECRETS[..7].to_vec(),
        _ => Vec::new(),
    }
}

/// A permission as azurerm writes it (`wrapkey` → `WrapKey`); a name it
/// does not know is kept as Azure gave it.
fn canonical(names: &[&str], p: &str) -> String {
    names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(p))
        .map_or_else(|| p.to_string(), |n| n.to_string())
}

/// The type of one entry of `azurerm_key_vault.access_policy`.
pub fn entry_type() -> Type {
    let mut fields = vec![
        ("tenant_id".to_string(), Type::String),
        ("object_id".to_string(), Type::String),
        ("application_id".to_string(), Type::String),
    ];
    fields.extend(
        PERMISSIONS
            .iter()
            .map(|(attr, _, _)| (attr.to_string(), Type::list(Type::String))),
    );
    Type::object(fields)
}

fn strings(v: Option<&Value>) -> Vec<Json> {
    v.and_then(Value::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|s| s.inner().as_str().map(|s| json!(s)))
        .collect()
}

fn text<'v>(v: &'v Value, attr: &str) -> Option<&'v str> {
    v.get(attr).and_then(|s| s.inner().as_str()).filter(|s| !s.is_empty())
}

/// The ARM entry for an access policy value: every permission list is sent,
/// empty when left out, and the application only when there is one, as
/// azurerm sends them.
pub fn to_arm(v: &Value) -> Json {
    let mut permissions = Map::new();
    for (attr, key, _) in PERMISSIONS {
        permissions.insert(key.into(), Json::Array(strings(v.get(attr))));
    }
    let mut entry = json!({
        "tenantId": text(v, "tenant_id").unwrap_or(""),
        "objectId": text(v, "object_id").unwrap_or(""),
        "permissions": permissions,
    });
    if let Some(app) = text(v, "application_id") {
        entry["applicationId"] = json!(app);
    }
    entry
}

/// An ARM entry as azurerm reads it: permission names in azurerm's case,
/// and what Azure answers empty (no application, an empty list) left out
/// where the state had nothing there (see [`absent`]); `prior` is the
/// state's value for the same principal.
pub fn normalize(entry: &Json, prior: Option<&Value>) -> Json {
    let mut out = entry.as_object().cloned().unwrap_or_default();
    let mut permissions = Map::new();
    for (_, key, names) in PERMISSIONS {
        let list: Vec<Json> = entry
            .pointer(&format!("/permissions/{key}"))
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .map(|p| json!(canonical(names, p)))
            .collect();
        permissions.insert(key.into(), Json::Array(list));
    }
    let fields: Vec<(&str, &str)> = PERMISSIONS.iter().map(|(attr, key, _)| (*key, *attr)).collect();
    absent::drop_empty(&mut permissions, prior, &fields);
    out.insert("permissions".into(), Json::Object(permissions));
    out.entry("applicationId").or_insert(json!(""));
    absent::drop_empty(&mut out, prior, &[("applicationId", "application_id")]);
    Json::Object(out)
}

/// Adds the permission lists an entry leaves out, empty: azurerm sends all four.
pub fn complete(entry: &mut Json) {
    if !entry.get("permissions").is_some_and(Json::is_object) {
        entry["permissions"] = json!({});
    }
    for (_, key, _) in PERMISSIONS {
        if entry["permissions"].get(key).is_none_or(Json::is_null) {
            entry["permissions"][key] = json!([]);
        }
    }
}

/// An access policy's attributes (as JSON, by attribute name) from an ARM
/// entry, read as [`normalize`] reads it.
pub fn from_arm(entry: &Json, prior: Option<&Value>) -> Map<String, Json> {
    let entry = normalize(entry, prior);
    let s = |k: &str| entry.get(k).cloned().unwrap_or(Json::Null);
    let mut out = Map::new();
    out.insert("tenant_id".into(), s("tenantId"));
    out.insert("object_id".into(), s("objectId"));
    out.insert("application_id".into(), s("applicationId"));
    for (attr, key, _) in PERMISSIONS {
        let list = entry
            .pointer(&format!("/permissions/{key}"))
            .cloned()
            .unwrap_or(Json::Null);
        out.insert(attr.into(), list);
    }
    out
}

/// Whether an ARM entry is the policy of this object and application,
/// compared without case as azurerm finds one (no application: none).
pub fn is_for(entry: &Json, object_id: &str, application_id: &str) -> bool {
    let s = |k: &str| entry.get(k).and_then(Json::as_str).unwrap_or("");
    s("objectId").eq_ignore_ascii_case(object_id) && s("applicationId").eq_ignore_ascii_case(application_id)
}

/// The entry of `prior` (a list of access policy values) for the same
/// principal as an ARM entry.
pub fn prior_for<'p>(prior: Option<&'p Value>, entry: &Json) -> Option<&'p Value> {
    prior.and_then(Value::as_seq)?.iter().find(|p| {
        let s = |k: &str| p.get(k).and_then(|v| v.inner().as_str()).unwrap_or("").to_string();
        is_for(entry, &s("object_id"), &s("application_id"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::eval::eval_standalone;

    #[test]
    fn an_entry_round_trips_in_azurerms_case() {
        let v = eval_standalone(
            r#"{ tenant_id = "t", object_id = "o", application_id = null, key_permissions = ["Get", "WrapKey"],
                 secret_permissions = null, certificate_permissions = null, storage_permissions = null }"#,
        )
        .unwrap();
        let arm = to_arm(&v);
        assert_eq!(
            arm,
            json!({"tenantId": "t", "objectId": "o", "permissions": {
                "certificates": [], "keys": ["Get", "WrapKey"], "secrets": [], "storage": []}})
        );
        let answered = json!({"tenantId": "t", "objectId": "o", "permissions": {"keys": ["get", "wrapkey", "Custom"]}});
        let back = from_arm(&answered, Some(&v));
        assert_eq!(back["key_permissions"], json!(["Get", "WrapKey", "Custom"]));
        assert_eq!(
            back["secret_permissions"],
            Json::Null,
            "left out, and answered empty: null"
        );
        assert_eq!(back["application_id"], Json::Null);
        let written_empty = eval_standalone(r#"{ secret_permissions = [], application_id = "" }"#).unwrap();
        let back = from_arm(&answered, Some(&written_empty));
        assert_eq!(back["secret_permissions"], json!([]));
        assert_eq!(back["application_id"], json!(""));
    }

    #[test]
    fn entries_are_found_by_object_and_application_without_case() {
        let e = json!({"objectId": "ABC", "applicationId": "App"});
        assert!(is_for(&e, "abc", "app"));
        assert!(!is_for(&e, "abc", ""));
        assert!(is_for(&json!({"objectId": "abc"}), "ABC", ""));
    }
}
