//! `azurerm_storage_account` (and its data source): what the overlay
//! cannot say.
//!
//! The SKU is built from `account_tier`, `provisioned_billing_model_version`
//! and `account_replication_type` (`Standard_LRS`, `StandardV2_ZRS`), and
//! read back from it. As azurerm 4.65 sends a create: network rules always
//! (allow all when left out), IP rules and subnets as objects with action
//! Allow, the bypass as one comma-separated string, Azure Files
//! authentication `None` when left out, the access tier `Hot` for the kinds
//! that have one, large file shares only when on, encryption by
//! Microsoft.Storage unless a customer-managed key is given (then by Key
//! Vault, with the key's vault URI, name and version). What Azure leaves
//! out reads as azurerm reads it. Changes azurerm cannot make in place
//! replace the account: a kind other than an upgrade to StorageV2, a
//! replication between zone-redundant and not, large file shares turned
//! off. Endpoints, hosts, keys and connection strings are in
//! [`storage_account_endpoints`].

use super::{storage_account_endpoints as endpoints, TypeHooks};
use crate::lang::types::Type;
use crate::lang::value::Map;
use crate::lang::Value;
use serde_json::{json, Value as Json};
use std::borrow::Cow;

pub struct Hooks;

/// Kinds that have an access tier (Hot when left out).
const TIERED: [&str; 3] = ["BlobStorage", "FileStorage", "StorageV2"];
const ZONE_REDUNDANT: [&str; 3] = ["ZRS", "GZRS", "RAGZRS"];

/// What azurerm reads when Azure leaves a property out.
const READ_DEFAULTS: [(&str, Defaulted); 14] = [
    ("allow_nested_items_to_be_public", Defaulted::Bool(true)),
    ("default_to_oauth_authentication", Defaulted::Bool(false)),
    ("dns_endpoint_type", Defaulted::Str("Standard")),
    ("local_user_enabled", Defaulted::Bool(true)),
    ("min_tls_version", Defaulted::Str("TLS1_0")),
    ("shared_access_key_enabled", Defaulted::Bool(true)),
    ("infrastructure_encryption_enabled", Defaulted::Bool(false)),
    ("queue_encryption_key_type", Defaulted::Str("Service")),
    ("table_encryption_key_type", Defaulted::Str("Service")),
    ("cross_tenant_replication_enabled", Defaulted::Bool(false)),
    ("https_traffic_only_enabled", Defaulted::Bool(false)),
    ("is_hns_enabled", Defaulted::Bool(false)),
    ("nfsv3_enabled", Defaulted::Bool(false)),
    ("sftp_enabled", Defaulted::Bool(false)),
];

#[derive(Clone, Copy)]
enum Defaulted {
    Bool(bool),
    Str(&'static str),
}

fn text<'v>(v: &'v Value, k: &str) -> Option<&'v str> {
    v.get(k).and_then(|s| s.inner().as_str())
}

fn first<'v>(v: &'v Value, block: &str) -> Option<&'v Value> {
    v.get(block).and_then(Value::as_seq).and_then(<[Value]>::first)
}

/// `https://{vault}.vault.azure.net/keys/{name}[/{version}]`: the vault
/// URI (with its slash), the key's name and version.
pub fn split_key_id(id: &str) -> Option<(String, String, String)> {
    let rest = id.strip_prefix("https://")?;
    let (host, path) = rest.split_once('/')?;
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    match parts.as_slice() {
        ["keys", name] => Some((format!("https://{host}/"), name.to_string(), String::new())),
        ["keys", name, version] => Some((format!("https://{host}/"), name.to_string(), version.to_string())),
        _ => None,
    }
}

/// The encryption azurerm sends with a customer-managed key.
fn key_vault_encryption(cmk: &Value, encryption: &mut Json) {
    let key = text(cmk, "key_vault_key_id").or_else(|| text(cmk, "managed_hsm_key_id"));
    let Some((uri, name, version)) = key.and_then(split_key_id) else {
        return;
    };
    encryption["keySource"] = json!("Microsoft.Keyvault");
    encryption["keyvaultproperties"] = json!({"keyvaulturi": uri, "keyname": name, "keyversion": version});
    if let Some(identity) = text(cmk, "user_assigned_identity_id") {
        encryption["identity"] = json!({"userAssignedIdentity": identity});
    }
    for service in ["blob", "file"] {
        encryption["services"][service] = json!({"enabled": true, "keyType": "Account"});
    }
}

/// Objects with `field` and action Allow, from a list of strings.
fn allow_rules(list: Option<&Json>, field: &str) -> Json {
    Json::Array(
        list.and_then(Json::as_array)
            .into_iter()
            .flatten()
            .map(|s| {
                if s.is_string() {
                    json!({ field: s, "action": "Allow" })
                } else {
                    s.clone()
                }
            })
            .collect(),
    )
}

/// The strings of a list of rule objects.
fn rule_strings(list: Option<&Json>, field: &str) -> Json {
    Json::Array(
        list.and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| r.get(field).cloned().or_else(|| r.is_string().then(|| r.clone())))
            .collect(),
    )
}

impl TypeHooks for Hooks {
    fn replacements(&self, prior: Option<&Value>, planned: &Value, replace: &mut Vec<String>) {
        let Some(prior) = prior else { return };
        let changed = |k: &str| text(prior, k).zip(text(planned, k)).filter(|(a, b)| a != b);
        if let Some((old, new)) = changed("account_kind") {
            if old != "Storage" && new != "StorageV2" {
                replace.push("account_kind".into());
            }
        }
        if let Some((old, new)) = changed("account_replication_type") {
            let zonal = |r: &str| ZONE_REDUNDANT.contains(&r.to_ascii_uppercase().as_str());
            if zonal(old) != zonal(new) {
                replace.push("account_replication_type".into());
            }
        }
        let large = |v: &Value| v.get("large_file_share_enabled").and_then(Value::as_bool);
        if large(prior) == Some(true) && large(planned) == Some(false) {
            replace.push("large_file_share_enabled".into());
        }
    }

    fn to_arm(&self, value: &Value, body: &mut Json) {
        let tier = text(value, "account_tier").unwrap_or("");
        let billing = text(value, "provisioned_billing_model_version").unwrap_or("");
        let replication = text(value, "account_replication_type").unwrap_or("");
        body["sku"]["name"] = json!(format!("{tier}{billing}_{replication}"));
        if !body.get("properties").is_some_and(Json::is_object) {
            body["properties"] = json!({});
        }
        let kind = body
            .get("kind")
            .and_then(Json::as_str)
            .unwrap_or("StorageV2")
            .to_string();
        let p = &mut body["properties"];
        let public = value
            .get("public_network_access_enabled")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        p["publicNetworkAccess"] = json!(if public { "Enabled" } else { "Disabled" });
        if TIERED.contains(&kind.as_str()) && p.get("accessTier").is_none() {
            p["accessTier"] = json!("Hot");
        }
        // Azure refuses `Disabled`: large file shares can only be turned on.
        if value.get("large_file_share_enabled").and_then(Value::as_bool) == Some(true) {
            p["largeFileSharesState"] = json!("Enabled");
        }
        if !p.get("networkAcls").is_some_and(Json::is_object) {
            p["networkAcls"] = json!({"bypass": "AzureServices", "defaultAction": "Allow"});
        }
        let acls = &mut p["networkAcls"];
        if let Some(bypass) = acls.get("bypass").and_then(Json::as_array) {
            let joined: Vec<&str> = bypass.iter().filter_map(Json::as_str).collect();
            acls["bypass"] = json!(joined.join(", "));
        }
        acls["ipRules"] = allow_rules(acls.get("ipRules"), "value");
        acls["virtualNetworkRules"] = allow_rules(acls.get("virtualNetworkRules"), "id");
        if acls.get("resourceAccessRules").is_none() {
            acls["resourceAccessRules"] = json!([]);
        }
        if p.get("azureFilesIdentityBasedAuthentication").is_none() {
            p["azureFilesIdentityBasedAuthentication"] = json!({"directoryServiceOptions": "None"});
        }
        if !p.get("encryption").is_some_and(Json::is_object) {
            p["encryption"] = json!({});
        }
        let encryption = &mut p["encryption"];
        encryption["keySource"] = json!("Microsoft.Storage");
        if encryption.get("requireInfrastructureEncryption") == Some(&json!(false)) {
            encryption
                .as_object_mut()
                .map(|e| e.remove("requireInfrastructureEncryption"));
        }
        if let Some(cmk) = first(value, "customer_managed_key") {
            key_vault_encryption(cmk, encryption);
        }
        if let Some(zone) = body.get_mut("extendedLocation").filter(|e| e.is_object()) {
            zone["type"] = json!("EdgeZone");
        }
    }

    fn normalize_arm<'a>(&self, doc: &'a Json, _prior: Option<&Value>) -> Cow<'a, Json> {
        let mut doc = doc.clone();
        let Some(p) = doc.get_mut("properties").and_then(Json::as_object_mut) else {
            return Cow::Owned(doc);
        };
        if let Some(acls) = p.get_mut("networkAcls").filter(|a| a.is_object()) {
            let bypass: Vec<Json> = acls
                .get("bypass")
                .and_then(Json::as_str)
                .map(|b| b.split(',').map(|s| json!(s.trim())).filter(|s| s != "").collect())
                .unwrap_or_default();
            acls["bypass"] = Json::Array(bypass);
            acls["ipRules"] = rule_strings(acls.get("ipRules"), "value");
            acls["virtualNetworkRules"] = rule_strings(acls.get("virtualNetworkRules"), "id");
            // azurerm reads rules that allow everything as no rules.
            let empty = |k: &str| acls.get(k).and_then(Json::as_array).is_none_or(Vec::is_empty);
            let defaults =
                acls.get("defaultAction") == Some(&json!("Allow")) && acls["bypass"] == json!(["AzureServices"]);
            if defaults && empty("ipRules") && empty("virtualNetworkRules") && empty("resourceAccessRules") {
                p.remove("networkAcls");
            }
        }
        let no_directory = p
            .get("azureFilesIdentityBasedAuthentication")
            .and_then(|a| a.get("directoryServiceOptions"))
            .and_then(Json::as_str)
            .is_none_or(|d| d == "None");
        if no_directory {
            p.remove("azureFilesIdentityBasedAuthentication");
        }
        if p.get("immutableStorageWithVersioning")
            .is_some_and(|i| i.get("immutabilityPolicy").is_none())
        {
            p.remove("immutableStorageWithVersioning");
        }
        Cow::Owned(doc)
    }

    fn read_arm(&self, doc: &Json, value: &mut Value, _subscription: &str) {
        let sku = doc.pointer("/sku/name").and_then(Json::as_str).unwrap_or("");
        let tier = doc.pointer("/sku/tier").and_then(Json::as_str).unwrap_or("");
        if let Some((tier_billing, replication)) = sku.split_once('_') {
            super::set(value, "account_replication_type", Value::string(replication));
            let billing = tier_billing.strip_prefix(tier).unwrap_or("");
            let billing = if billing.is_empty() {
                Value::Null(Type::String)
            } else {
                Value::string(billing)
            };
            super::set(value, "provisioned_billing_model_version", billing);
        }
        let prop = |k: &str| doc.pointer(&format!("/properties/{k}")).and_then(Json::as_str);
        let large = prop("largeFileSharesState") == Some("Enabled");
        super::set(value, "large_file_share_enabled", Value::Bool(large));
        let public = prop("publicNetworkAccess") != Some("Disabled");
        super::set(value, "public_network_access_enabled", Value::Bool(public));
        for (attr, default) in READ_DEFAULTS {
            if value.get(attr).is_some_and(Value::is_null) {
                let v = match default {
                    Defaulted::Bool(b) => Value::Bool(b),
                    Defaulted::Str(s) => Value::string(s),
                };
                super::set(value, attr, v);
            }
        }
        let cmk = customer_managed_key(doc);
        if let Some(ty) = value.get("customer_managed_key").map(Value::ty) {
            let read = crate::provider::azurerm::mapper::json_to_value(&Json::Array(cmk.into_iter().collect()), &ty);
            super::set(value, "customer_managed_key", read);
        }
        endpoints::read(doc, value);
    }

    fn credentials_action(&self) -> Option<&'static str> {
        Some("listKeys")
    }

    /// The access keys, and the connection strings made of them.
    fn credentials(&self, answer: &Json, value: &mut Value) {
        endpoints::keys(answer, value);
    }
}

/// `customer_managed_key`, as azurerm reads it: only with a Key Vault key source.
fn customer_managed_key(doc: &Json) -> Option<Json> {
    let e = doc.pointer("/properties/encryption")?;
    if !e
        .get("keySource")
        .and_then(Json::as_str)?
        .eq_ignore_ascii_case("Microsoft.Keyvault")
    {
        return None;
    }
    let kv = e.get("keyvaultproperties")?;
    let s = |k: &str| kv.get(k).and_then(Json::as_str).unwrap_or("");
    let mut id = format!("{}/keys/{}", s("keyvaulturi").trim_end_matches('/'), s("keyname"));
    if !s("keyversion").is_empty() {
        id = format!("{id}/{}", s("keyversion"));
    }
    let hsm = s("keyvaulturi").contains(".managedhsm.");
    let mut out = Map::new();
    out.insert("key_vault_key_id".into(), Value::string(&id));
    out.insert(
        "managed_hsm_key_id".into(),
        if hsm {
            Value::string(&id)
        } else {
            Value::Null(Type::String)
        },
    );
    out.insert(
        "user_assigned_identity_id".into(),
        e.pointer("/identity/userAssignedIdentity")
            .and_then(Json::as_str)
            .map_or(Value::Null(Type::String), Value::string),
    );
    Some(Value::Object(out).to_json())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{body, planned, plans_clean, read};
    use super::*;
    use crate::provider::arm::{ArmRequest, Method};
    use crate::provider::sim::{SimClient, SUBSCRIPTION};

    const CONFIG: &str = r#"{
      name = "sa1", resource_group_name = "rg1", location = "West Europe",
      account_tier = "Standard", account_replication_type = "RAGRS",
      network_rules = [{ default_action = "Deny", bypass = ["AzureServices", "Logging"], ip_rules = ["1.2.3.4"] }],
      customer_managed_key = [{ key_vault_key_id = "https://kv1.vault.azure.net/keys/k1/v1", user_assigned_identity_id = "/x/id1" }],
      tags = { env = "dev" },
    }"#;

    #[test]
    fn a_create_sends_what_azurerm_sends() {
        let (schema, _, planned) = planned("azurerm_storage_account", CONFIG);
        let b = body(schema, &planned);
        assert_eq!(b["sku"], json!({"name": "Standard_RAGRS", "tier": "Standard"}));
        assert_eq!(b["kind"], "StorageV2");
        let p = &b["properties"];
        assert_eq!(p["accessTier"], "Hot");
        assert_eq!(p["publicNetworkAccess"], "Enabled");
        assert_eq!(p.get("largeFileSharesState"), None, "only ever sent on");
        assert_eq!(p["networkAcls"]["bypass"], "AzureServices, Logging");
        assert_eq!(
            p["networkAcls"]["ipRules"],
            json!([{"value": "1.2.3.4", "action": "Allow"}])
        );
        assert_eq!(p["networkAcls"]["virtualNetworkRules"], json!([]));
        assert_eq!(
            p["azureFilesIdentityBasedAuthentication"],
            json!({"directoryServiceOptions": "None"})
        );
        assert_eq!(p["minimumTlsVersion"], "TLS1_2");
        let e = &p["encryption"];
        assert_eq!(e["keySource"], "Microsoft.Keyvault");
        assert_eq!(
            e["keyvaultproperties"],
            json!({"keyvaulturi": "https://kv1.vault.azure.net/", "keyname": "k1", "keyversion": "v1"})
        );
        assert_eq!(e["identity"]["userAssignedIdentity"], "/x/id1");
        assert_eq!(e["services"]["queue"]["keyType"], "Service");
        assert_eq!(e.get("requireInfrastructureEncryption"), None, "false is not sent");
    }

    #[test]
    fn what_the_simulation_answers_reads_back_without_a_change() {
        let (schema, config, planned) = planned("azurerm_storage_account", CONFIG);
        let dir = tempfile::tempdir().unwrap();
        let sim = SimClient::new(dir.path());
        let send = |method, path: String, body| {
            sim.handle(&ArmRequest {
                method,
                path,
                api_version: "2023-05-01".into(),
                body,
            })
            .unwrap()
            .body
        };
        let rg = format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg1");
        send(Method::Put, rg.clone(), Some(json!({"location": "westeurope"})));
        send(
            Method::Post,
            format!("/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Storage/register"),
            None,
        );
        let id = format!("{rg}/providers/Microsoft.Storage/storageAccounts/sa1");
        let answer = send(Method::Put, id.clone(), Some(body(schema, &planned)));
        let mut state = read(schema, &answer, &planned);
        Hooks.credentials(&send(Method::Post, format!("{id}/listKeys"), None), &mut state);
        plans_clean(schema, &state, &config).unwrap();
        let text = |k: &str| state.get(k).and_then(Value::as_str).unwrap_or("?").to_string();
        assert_eq!(text("account_replication_type"), "RAGRS");
        assert!(state.get("provisioned_billing_model_version").unwrap().is_null());
        assert_eq!(text("primary_blob_host"), "sa1.blob.core.windows.net");
        assert_eq!(
            text("secondary_blob_endpoint"),
            "https://sa1-secondary.blob.core.windows.net/"
        );
        assert_eq!(text("primary_blob_internet_endpoint"), "", "not published");
        assert_eq!(text("secondary_location"), "northeurope");
        assert!(
            text("primary_connection_string").starts_with("DefaultEndpointsProtocol=https;AccountName=sa1;AccountKey=")
        );
        let cmk = &state.get("customer_managed_key").unwrap().as_seq().unwrap()[0];
        assert_eq!(
            cmk.get("key_vault_key_id"),
            Some(&Value::string("https://kv1.vault.azure.net/keys/k1/v1"))
        );
    }

    #[test]
    fn what_azurerm_cannot_change_in_place_replaces_the_account() {
        let (schema, _, prior) = planned("azurerm_storage_account", CONFIG);
        let with = |k: &str, v: &str| {
            let mut p = prior.clone();
            super::super::set(&mut p, k, Value::string(v));
            p
        };
        let replaced = |before: &Value, after: &Value| {
            let mut r = Vec::new();
            Hooks.replacements(Some(before), after, &mut r);
            r
        };
        let storage = with("account_kind", "Storage");
        assert!(replaced(&storage, &prior).is_empty(), "Storage upgrades to StorageV2");
        assert_eq!(replaced(&prior, &with("account_kind", "BlobStorage")), ["account_kind"]);
        assert_eq!(
            replaced(&prior, &with("account_replication_type", "GZRS")),
            ["account_replication_type"]
        );
        assert!(replaced(&prior, &with("account_replication_type", "LRS")).is_empty());
        let mut large = prior.clone();
        super::super::set(&mut large, "large_file_share_enabled", Value::Bool(true));
        let mut off = prior.clone();
        super::super::set(&mut off, "large_file_share_enabled", Value::Bool(false));
        assert_eq!(replaced(&large, &off), ["large_file_share_enabled"]);
        let _ = schema;
    }

    #[test]
    fn key_ids_split_into_vault_name_and_version() {
        assert_eq!(
            split_key_id("https://kv.vault.azure.net/keys/k"),
            Some(("https://kv.vault.azure.net/".into(), "k".into(), String::new()))
        );
        assert_eq!(split_key_id("https://kv.vault.azure.net/secrets/k"), None);
        assert_eq!(split_key_id("kv/keys/k"), None);
    }
}
