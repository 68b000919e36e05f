//! The managed identity block of a resource that may have one, as ARM
//! answers it: a system-assigned identity gets a principal in the
//! simulated tenant, kept across updates; each user-assigned identity the
//! store holds shows its principal and client ids.

use crate::provider::arm::ArmError;
use crate::provider::sim::{SimClient, TENANT};
use serde_json::{json, Value as Json};

fn io(e: std::io::Error) -> ArmError {
    ArmError::new(
        500,
        "InternalServerError",
        format!("the simulation's store failed: {e}"),
    )
}

/// Fills in `identity` on a PUT of `doc` (`existing` is what was there).
pub fn fill(sim: &SimClient, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
    let Some(kind) = doc.pointer("/identity/type").and_then(Json::as_str).map(str::to_string) else {
        return Ok(());
    };
    if kind.to_ascii_lowercase().contains("systemassigned") {
        let principal = existing
            .and_then(|e| e.pointer("/identity/principalId"))
            .filter(|p| p.is_string())
            .cloned()
            .unwrap_or_else(|| json!(uuid::Uuid::new_v4().to_string()));
        doc["identity"]["principalId"] = principal;
        doc["identity"]["tenantId"] = json!(TENANT);
    }
    if let Some(ids) = doc
        .pointer("/identity/userAssignedIdentities")
        .and_then(Json::as_object)
        .cloned()
    {
        let mut filled = serde_json::Map::new();
        for uid in ids.keys() {
            let found = sim.store().get(uid).map_err(io)?;
            let field = |k: &str| {
                found
                    .as_ref()
                    .and_then(|f| f.pointer(&format!("/properties/{k}")))
                    .cloned()
            };
            filled.insert(
                uid.clone(),
                json!({"principalId": field("principalId"), "clientId": field("clientId")}),
            );
        }
        doc["identity"]["userAssignedIdentities"] = Json::Object(filled);
    }
    Ok(())
}

/// A value that stays what it was, or becomes `fresh()` on create.
pub fn keep_or(existing: Option<&Json>, pointer: &str, fresh: impl FnOnce() -> Json) -> Json {
    existing
        .and_then(|e| e.pointer(pointer))
        .filter(|v| !v.is_null())
        .cloned()
        .unwrap_or_else(fresh)
}

/// Hex digits of a hash of an id (lowercase: ARM ids ignore case).
pub fn hash_hex(id: &str, salt: &str, len: usize) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(format!("{}{salt}", id.to_lowercase()).as_bytes());
    h.iter().map(|b| format!("{b:02x}")).collect::<String>()[..len.min(64)].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_system_identity_keeps_its_principal_and_a_user_identity_shows_its_ids() {
        let dir = tempfile::tempdir().unwrap();
        let sim = SimClient::new(dir.path());
        let uid = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi";
        sim.store()
            .put(
                uid,
                &json!({"id": uid, "properties": {"principalId": "p1", "clientId": "c1"}}),
            )
            .unwrap();
        let mut doc =
            json!({"identity": {"type": "SystemAssigned, UserAssigned", "userAssignedIdentities": {uid: {}}}});
        fill(&sim, &mut doc, None).unwrap();
        let principal = doc["identity"]["principalId"].clone();
        assert!(principal.is_string());
        assert_eq!(doc["identity"]["tenantId"], TENANT);
        assert_eq!(
            doc["identity"]["userAssignedIdentities"][uid],
            json!({"principalId": "p1", "clientId": "c1"})
        );
        let mut again = json!({"identity": {"type": "SystemAssigned"}});
        fill(&sim, &mut again, Some(&doc)).unwrap();
        assert_eq!(again["identity"]["principalId"], principal);
        assert_eq!(hash_hex("/A", "x", 8), hash_hex("/a", "x", 8));
    }
}
