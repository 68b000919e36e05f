//! Microsoft.KeyVault/vaults, as Azure answers for it (api-version
//! 2026-02-01): a vault's name is unique across Azure (VaultAlreadyExists),
//! its URI is `https://{name}.vault.azure.net/`, soft delete is on with a
//! 90-day retention, and a new vault authorizes with Azure RBAC unless it
//! says otherwise (the default of 2026-02-01). Purge protection cannot be
//! set to false, and a retention once set cannot change (BadRequest, with
//! Azure's messages).
//!
//! Soft delete: a deleted vault is kept at
//! `/subscriptions/{s}/providers/Microsoft.KeyVault/locations/{location}/deletedVaults/{name}`
//! (GET answers it), and its name stays taken (ConflictError) until a
//! create with `createMode: recover` brings it back or a POST of `purge` on
//! the deleted vault removes it for good; under purge protection that POST
//! is refused (MethodNotAllowed), and only the end of the retention would
//! free the name (`aksplan sim delete` the deleted vault to play that
//! out). A vault deleted with its resource group is not kept.

use super::super::{io_error, SimClient};
use super::Kind;
use crate::provider::arm::{self, ArmError, ArmResponse};
use serde_json::{json, Value as Json};

pub struct Vaults;

const RETENTION_DAYS: i64 = 90;

fn bad_request(message: impl Into<String>) -> ArmError {
    ArmError::new(400, "BadRequest", message)
}

/// The id Azure keeps a deleted vault at.
pub fn deleted_id(subscription: &str, location: &str, name: &str) -> String {
    format!(
        "/subscriptions/{subscription}/providers/Microsoft.KeyVault/locations/{}/deletedVaults/{name}",
        arm::normalize_location(location)
    )
}

fn is_vault(id: &str) -> bool {
    arm::resource_type(id).eq_ignore_ascii_case("Microsoft.KeyVault/vaults")
}

fn is_deleted_vault(id: &str) -> bool {
    arm::resource_type(id).eq_ignore_ascii_case("Microsoft.KeyVault/locations/deletedVaults")
}

/// Another live vault of this name, anywhere, or a deleted one.
fn taken(sim: &SimClient, id: &str, name: &str) -> Result<(Option<String>, Option<String>), ArmError> {
    let (mut live, mut deleted) = (None, None);
    for other in sim.store.ids().map_err(io_error)? {
        if !arm::name_of(&other).eq_ignore_ascii_case(name) {
            continue;
        }
        if is_vault(&other) && !arm::ids_equal(&other, id) {
            live = Some(other);
        } else if is_deleted_vault(&other) {
            deleted = Some(other);
        }
    }
    Ok((live, deleted))
}

impl Kind for Vaults {
    fn on_put(&self, sim: &SimClient, id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
        let name = arm::name_of(id).to_string();
        if doc.pointer("/properties/enablePurgeProtection") == Some(&json!(false)) {
            return Err(bad_request(
                "The property \"enablePurgeProtection\" cannot be set to false. Enabling the purge protection for a vault is an irreversible action.",
            ));
        }
        if let Some(before) = existing
            .and_then(|e| e.pointer("/properties/softDeleteRetentionInDays"))
            .and_then(Json::as_i64)
        {
            let after = doc
                .pointer("/properties/softDeleteRetentionInDays")
                .and_then(Json::as_i64);
            if after.is_some_and(|a| a != before) {
                return Err(bad_request(
                    "The property \"softDeleteRetentionInDays\" has been set already and it can't be modified.",
                ));
            }
        }
        for (field, what) in [
            ("/properties/tenantId", "tenantId"),
            ("/properties/sku/name", "sku.name"),
        ] {
            if doc.pointer(field).and_then(Json::as_str).is_none_or(str::is_empty) {
                return Err(bad_request(format!("The parameter {what} is required.")));
            }
        }
        let recover = doc
            .pointer("/properties/createMode")
            .and_then(Json::as_str)
            .is_some_and(|m| m.eq_ignore_ascii_case("recover"));
        if existing.is_none() {
            let (live, deleted) = taken(sim, id, &name)?;
            if live.is_some() {
                return Err(ArmError::new(
                    409,
                    "VaultAlreadyExists",
                    format!("The vault name '{name}' is already in use. Vault names are globally unique so it is possible that the name is already taken."),
                ));
            }
            match (deleted, recover) {
                (Some(_), false) => {
                    return Err(ArmError::new(
                        409,
                        "ConflictError",
                        "A vault with the same name already exists in deleted state. You need to either recover or purge existing key vault. Follow this link https://go.microsoft.com/fwlink/?linkid=2149745 for more information on soft delete.",
                    ))
                }
                (Some(deleted), true) => {
                    sim.store.delete(&deleted).map_err(io_error)?;
                }
                (None, _) => {}
            }
        }
        let p = doc["properties"].as_object_mut().expect("checked above");
        // The create mode is an instruction, not a property Azure keeps.
        p.remove("createMode");
        let kept = |path: &str| existing.and_then(|e| e.pointer(path)).cloned();
        p.insert("vaultUri".into(), json!(format!("https://{name}.vault.azure.net/")));
        p.entry("enableSoftDelete").or_insert(json!(true));
        let retention = kept("/properties/softDeleteRetentionInDays").unwrap_or(json!(RETENTION_DAYS));
        p.entry("softDeleteRetentionInDays").or_insert(retention);
        let rbac = kept("/properties/enableRbacAuthorization").unwrap_or(json!(true));
        p.entry("enableRbacAuthorization").or_insert(rbac);
        p.entry("accessPolicies").or_insert(json!([]));
        p.entry("publicNetworkAccess").or_insert(json!("Enabled"));
        if let Some(protected) = kept("/properties/enablePurgeProtection") {
            p.entry("enablePurgeProtection").or_insert(protected);
        }
        Ok(())
    }

    fn immutable(&self) -> &'static [super::Immutable] {
        &[("location", "InvalidResourceLocation")]
    }

    /// Keeps the vault as deleted (soft delete), its name taken.
    fn on_delete(&self, sim: &SimClient, id: &str, doc: &Json) -> Result<(), ArmError> {
        if doc.pointer("/properties/enableSoftDelete") == Some(&json!(false)) {
            return Ok(());
        }
        let sub = super::super::subscriptions::segment(id).unwrap_or(super::super::SUBSCRIPTION);
        let location = doc.get("location").and_then(Json::as_str).unwrap_or("");
        let name = arm::name_of(id);
        let days = doc
            .pointer("/properties/softDeleteRetentionInDays")
            .and_then(Json::as_i64)
            .unwrap_or(RETENTION_DAYS);
        let now = std::time::SystemTime::now();
        let purge = now + std::time::Duration::from_secs(days.max(0) as u64 * 86_400);
        let at = |t| humantime::format_rfc3339_seconds(t).to_string();
        let deleted = deleted_id(sub, location, name);
        let record = json!({
            "id": deleted,
            "name": name,
            "type": "Microsoft.KeyVault/deletedVaults",
            "properties": {
                "vaultId": id,
                "location": arm::normalize_location(location),
                "deletionDate": at(now),
                "scheduledPurgeDate": at(purge),
                "tags": doc.get("tags").cloned().unwrap_or(json!({})),
                "purgeProtectionEnabled": doc.pointer("/properties/enablePurgeProtection").cloned().unwrap_or(json!(false)),
            },
        });
        sim.store.put(&deleted, &record).map_err(io_error)
    }
}

/// `Microsoft.KeyVault/locations/deletedVaults`: what a vault's delete
/// keeps, and its `purge`.
pub struct DeletedVaults;

impl Kind for DeletedVaults {
    fn on_action(&self, sim: &SimClient, id: &str, action: &str, doc: &Json) -> Option<Result<ArmResponse, ArmError>> {
        if !action.eq_ignore_ascii_case("purge") {
            return None;
        }
        if doc.pointer("/properties/purgeProtectionEnabled") == Some(&json!(true)) {
            return Some(Err(ArmError::new(
                405,
                "MethodNotAllowed",
                "Operation 'DeletedVaultPurge' is not allowed.",
            )));
        }
        Some(sim.store.delete(id).map_err(io_error).map(|_| ArmResponse {
            status: 200,
            body: Json::Null,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::{SimClient, SUBSCRIPTION};
    use crate::provider::arm::{ArmRequest, Method};
    use serde_json::{json, Value as Json};

    fn req(method: Method, path: &str, body: Option<Json>) -> ArmRequest {
        ArmRequest {
            method,
            path: path.into(),
            api_version: "2026-02-01".into(),
            body,
        }
    }

    fn vault(rg: &str, name: &str) -> String {
        format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{name}")
    }

    fn body() -> Json {
        json!({"location": "westeurope", "properties": {"tenantId": "t", "sku": {"family": "A", "name": "standard"}}})
    }

    fn sim() -> (tempfile::TempDir, SimClient) {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path());
        for rg in ["rg1", "rg2"] {
            let id = format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/{rg}");
            s.handle(&req(Method::Put, &id, Some(json!({"location": "westeurope"}))))
                .unwrap();
        }
        s.handle(&req(
            Method::Post,
            &format!("/subscriptions/{SUBSCRIPTION}/providers/Microsoft.KeyVault/register"),
            None,
        ))
        .unwrap();
        (dir, s)
    }

    #[test]
    fn a_vault_gets_its_uri_and_azures_defaults() {
        let (_d, s) = sim();
        let r = s.handle(&req(Method::Put, &vault("rg1", "kv1"), Some(body()))).unwrap();
        let p = &r.body["properties"];
        assert_eq!(p["vaultUri"], "https://kv1.vault.azure.net/");
        assert_eq!(p["enableSoftDelete"], true);
        assert_eq!(p["softDeleteRetentionInDays"], 90);
        assert_eq!(
            p["enableRbacAuthorization"], true,
            "2026-02-01: RBAC unless said otherwise"
        );
        assert_eq!(p["provisioningState"], "Succeeded");
        let mut without_tenant = body();
        without_tenant["properties"]["tenantId"] = Json::Null;
        let e = s
            .handle(&req(Method::Put, &vault("rg1", "kv2"), Some(without_tenant)))
            .unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "BadRequest"));
    }

    #[test]
    fn names_are_global_and_purge_protection_and_retention_only_go_one_way() {
        let (_d, s) = sim();
        s.handle(&req(Method::Put, &vault("rg1", "kv1"), Some(body()))).unwrap();
        let e = s
            .handle(&req(Method::Put, &vault("rg2", "KV1"), Some(body())))
            .unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (409, "VaultAlreadyExists"));
        let mut off = body();
        off["properties"]["enablePurgeProtection"] = json!(false);
        let e = s
            .handle(&req(Method::Put, &vault("rg1", "kv1"), Some(off)))
            .unwrap_err();
        assert_eq!(e.code, "BadRequest");
        assert!(e.message.contains("enablePurgeProtection"), "{}", e.message);
        let mut shorter = body();
        shorter["properties"]["softDeleteRetentionInDays"] = json!(7);
        let e = s
            .handle(&req(Method::Put, &vault("rg1", "kv1"), Some(shorter)))
            .unwrap_err();
        assert!(e.message.contains("softDeleteRetentionInDays"), "{}", e.message);
        let mut moved = body();
        moved["location"] = json!("eastus");
        let e = s
            .handle(&req(Method::Put, &vault("rg1", "kv1"), Some(moved)))
            .unwrap_err();
        assert_eq!(e.code, "InvalidResourceLocation");
    }

    #[test]
    fn a_deleted_vault_keeps_its_name_until_recovered() {
        let (_d, s) = sim();
        let id = vault("rg1", "kv1");
        s.handle(&req(Method::Put, &id, Some(body()))).unwrap();
        assert_eq!(s.handle(&req(Method::Delete, &id, None)).unwrap().status, 200);
        let deleted = super::deleted_id(SUBSCRIPTION, "West Europe", "kv1");
        let r = s.handle(&req(Method::Get, &deleted, None)).unwrap();
        assert_eq!(r.body["properties"]["vaultId"], json!(id));
        assert!(r.body["properties"]["scheduledPurgeDate"].is_string());
        for rg in ["rg1", "rg2"] {
            let e = s
                .handle(&req(Method::Put, &vault(rg, "kv1"), Some(body())))
                .unwrap_err();
            assert_eq!((e.status, e.code.as_str()), (409, "ConflictError"), "{rg}");
        }
        let mut recover = body();
        recover["properties"]["createMode"] = json!("recover");
        let r = s.handle(&req(Method::Put, &id, Some(recover))).unwrap();
        assert_eq!(r.status, 201);
        assert_eq!(r.body["properties"].get("createMode"), None);
        assert!(
            s.handle(&req(Method::Get, &deleted, None)).is_err(),
            "no longer deleted"
        );
    }

    #[test]
    fn a_purge_frees_the_name_unless_purge_protection_keeps_it() {
        let (_d, s) = sim();
        let id = vault("rg1", "kv1");
        let deleted = super::deleted_id(SUBSCRIPTION, "westeurope", "kv1");
        let purge = format!("{deleted}/purge");
        let e = s.handle(&req(Method::Post, &purge, None)).unwrap_err();
        assert_eq!(e.status, 404, "nothing deleted yet");
        s.handle(&req(Method::Put, &id, Some(body()))).unwrap();
        s.handle(&req(Method::Delete, &id, None)).unwrap();
        assert_eq!(s.handle(&req(Method::Post, &purge, None)).unwrap().status, 200);
        assert!(s.handle(&req(Method::Get, &deleted, None)).is_err(), "purged");
        assert_eq!(
            s.handle(&req(Method::Put, &id, Some(body()))).unwrap().status,
            201,
            "the name is free: a plain create"
        );
        // Under purge protection, Azure refuses the purge.
        let mut protected = body();
        protected["properties"]["enablePurgeProtection"] = json!(true);
        s.handle(&req(Method::Put, &id, Some(protected))).unwrap();
        s.handle(&req(Method::Delete, &id, None)).unwrap();
        let e = s.handle(&req(Method::Post, &purge, None)).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (405, "MethodNotAllowed"));
        assert_eq!(
            s.handle(&req(Method::Get, &deleted, None)).unwrap().body["properties"]["purgeProtectionEnabled"],
            true
        );
        let e = s
            .handle(&req(Method::Post, &format!("{deleted}/recover"), None))
            .unwrap_err();
        assert_eq!(e.status, 404, "no other action");
    }
}
