//! Microsoft.OperationalInsights/workspaces: a workspace's customer id,
//! kept for its life; what Azure fills in when the body leaves it out (the
//! PerGB2018 tier, 30 days of retention, no daily cap, public access,
//! resource-context access); its shared keys, answered by the `sharedKeys`
//! action; and the refusal of a default data collection rule on a create,
//! which Azure takes only on an update.

use super::identity::{self, keep_or};
use super::Kind;
use crate::provider::arm::{ArmError, ArmResponse};
use crate::provider::sim::SimClient;
use base64::Engine as _;
use serde_json::{json, Value as Json};
use sha2::Digest;

pub struct Workspace;

fn now() -> Json {
    json!(humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string())
}

/// A key as Azure gives them: 64 bytes, base64; the same for the same id.
fn shared_key(id: &str, which: &str) -> String {
    let digest = sha2::Sha512::digest(format!("{}/{which}", id.to_lowercase()).as_bytes());
    base64::engine::general_purpose::STANDARD.encode(digest)
}

impl Kind for Workspace {
    fn on_put(&self, sim: &SimClient, _id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
        let rule = doc
            .pointer("/properties/defaultDataCollectionRuleResourceId")
            .and_then(Json::as_str)
            .is_some_and(|r| !r.is_empty());
        if existing.is_none() && rule {
            // The message azurerm quotes; the code is ARM's generic one.
            return Err(ArmError::new(
                400,
                "BadRequest",
                "Default dcr is not applicable on workspace creation, please provide it on update.",
            ));
        }
        identity::fill(sim, doc, existing)?;
        let customer = keep_or(existing, "/properties/customerId", || {
            json!(uuid::Uuid::new_v4().to_string())
        });
        let created = keep_or(existing, "/properties/createdDate", now);
        if !doc.get("properties").is_some_and(Json::is_object) {
            doc["properties"] = json!({});
        }
        let p = &mut doc["properties"];
        p["customerId"] = customer;
        p["createdDate"] = created;
        p["modifiedDate"] = now();
        if p.pointer("/sku/name").is_none_or(Json::is_null) {
            p["sku"]["name"] = json!("PerGB2018");
        }
        let same_tier = existing.and_then(|e| e.pointer("/properties/sku/name")) == p.pointer("/sku/name");
        p["sku"]["lastSkuUpdate"] = match existing.and_then(|e| e.pointer("/properties/sku/lastSkuUpdate")) {
            Some(last) if same_tier => last.clone(),
            _ => now(),
        };
        let defaults = [
            ("retentionInDays", json!(30)),
            ("publicNetworkAccessForIngestion", json!("Enabled")),
            ("publicNetworkAccessForQuery", json!("Enabled")),
        ];
        for (k, v) in defaults {
            if p.get(k).is_none_or(Json::is_null) {
                p[k] = v;
            }
        }
        if p.pointer("/workspaceCapping/dailyQuotaGb").is_none_or(Json::is_null) {
            p["workspaceCapping"]["dailyQuotaGb"] = json!(-1);
        }
        p["workspaceCapping"]["dataIngestionStatus"] = json!("RespectQuota");
        if p.pointer("/features/enableLogAccessUsingOnlyResourcePermissions")
            .is_none_or(Json::is_null)
        {
            p["features"]["enableLogAccessUsingOnlyResourcePermissions"] = json!(true);
        }
        Ok(())
    }

    fn on_post(&self, id: &str, action: &str, _doc: &Json) -> Option<Result<ArmResponse, ArmError>> {
        (action == "sharedKeys").then(|| {
            Ok(ArmResponse {
                status: 200,
                body: json!({
                    "primarySharedKey": shared_key(id, "primary"),
                    "secondarySharedKey": shared_key(id, "secondary"),
                }),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::arm::{ArmRequest, Method};

    const RG: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg";

    fn send(sim: &SimClient, method: Method, path: &str, body: Option<Json>) -> Result<ArmResponse, ArmError> {
        sim.handle(&ArmRequest {
            method,
            path: path.into(),
            api_version: "2022-10-01".into(),
            body,
        })
    }

    #[test]
    fn a_workspace_gets_its_ids_defaults_and_keys_and_its_rule_only_on_an_update() {
        let dir = tempfile::tempdir().unwrap();
        let sim = SimClient::new(dir.path());
        send(&sim, Method::Put, RG, Some(json!({"location": "westeurope"}))).unwrap();
        let namespace = "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.OperationalInsights";
        send(&sim, Method::Post, &format!("{namespace}/register"), None).unwrap();
        let id = format!("{RG}/providers/Microsoft.OperationalInsights/workspaces/law1");
        let rule = json!({"location": "westeurope", "properties": {"defaultDataCollectionRuleResourceId": "/d"}});
        let e = send(&sim, Method::Put, &id, Some(rule.clone())).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "BadRequest"));
        assert!(
            e.message.contains("not applicable on workspace creation"),
            "{}",
            e.message
        );

        let created = send(&sim, Method::Put, &id, Some(json!({"location": "westeurope"})))
            .unwrap()
            .body;
        let p = &created["properties"];
        assert_eq!(p["sku"]["name"], "PerGB2018");
        assert_eq!(p["retentionInDays"], 30);
        assert_eq!(p["workspaceCapping"]["dailyQuotaGb"], -1);
        assert_eq!(p["publicNetworkAccessForQuery"], "Enabled");
        assert_eq!(p["provisioningState"], "Succeeded");
        let customer = p["customerId"].clone();
        assert!(uuid::Uuid::parse_str(customer.as_str().unwrap()).is_ok());

        let updated = send(&sim, Method::Put, &id, Some(rule)).unwrap().body;
        assert_eq!(
            updated["properties"]["customerId"], customer,
            "kept for the workspace's life"
        );
        assert_eq!(updated["properties"]["defaultDataCollectionRuleResourceId"], "/d");

        let keys = send(&sim, Method::Post, &format!("{id}/sharedKeys"), None)
            .unwrap()
            .body;
        let primary = keys["primarySharedKey"].as_str().unwrap();
        assert_eq!(
            base64::engine::general_purpose::STANDARD.decode(primary).unwrap().len(),
            64
        );
        assert_ne!(keys["primarySharedKey"], keys["secondarySharedKey"]);
        let e = send(&sim, Method::Post, &format!("{id}/listKeys"), None).unwrap_err();
        assert_eq!(e.status, 404);
    }
}
