//! Microsoft.Insights/dataCollectionRules: a rule's immutable id (dcr- and
//! 32 hex digits), kept for its life, its managed identity, and, as Azure
//! answers, the customer id of each Log Analytics destination and the
//! account id of each Azure Monitor workspace destination that exists.
//! Associations and diagnostic settings, extension resources on their
//! target, need nothing beyond the generic store (a missing target is
//! ParentResourceNotFound).

use super::identity::{self, keep_or};
use super::Kind;
use crate::provider::arm::ArmError;
use crate::provider::sim::SimClient;
use serde_json::{json, Value as Json};

pub struct Rule;

/// A property of the resource an id names, if the store has it.
fn property_of(sim: &SimClient, id: &str, pointer: &str) -> Option<Json> {
    sim.store().get(id).ok().flatten()?.pointer(pointer).cloned()
}

impl Kind for Rule {
    fn on_put(&self, sim: &SimClient, _id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
        identity::fill(sim, doc, existing)?;
        let immutable = keep_or(existing, "/properties/immutableId", || {
            json!(format!("dcr-{}", uuid::Uuid::new_v4().simple()))
        });
        if !doc.get("properties").is_some_and(Json::is_object) {
            doc["properties"] = json!({});
        }
        doc["properties"]["immutableId"] = immutable;
        let destinations = [
            (
                "logAnalytics",
                "workspaceResourceId",
                "workspaceId",
                "/properties/customerId",
            ),
            (
                "monitoringAccounts",
                "accountResourceId",
                "accountId",
                "/properties/accountId",
            ),
        ];
        for (list, by, field, pointer) in destinations {
            let Some(items) = doc
                .pointer_mut(&format!("/properties/destinations/{list}"))
                .and_then(Json::as_array_mut)
            else {
                continue;
            };
            for item in items {
                let target = item.get(by).and_then(Json::as_str).unwrap_or_default().to_string();
                if let Some(v) = property_of(sim, &target, pointer) {
                    item[field] = v;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_gets_its_immutable_id_and_its_destinations_ids() {
        let dir = tempfile::tempdir().unwrap();
        let sim = SimClient::new(dir.path());
        let law = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law";
        sim.store()
            .put(law, &json!({"id": law, "properties": {"customerId": "c-1"}}))
            .unwrap();
        let mut doc = json!({"properties": {"destinations": {"logAnalytics": [
            {"name": "a", "workspaceResourceId": law},
            {"name": "b", "workspaceResourceId": "/nowhere"}]}}});
        Rule.on_put(&sim, "/x", &mut doc, None).unwrap();
        let immutable = doc["properties"]["immutableId"].as_str().unwrap().to_string();
        assert!(immutable.starts_with("dcr-") && immutable.len() == 36, "{immutable}");
        assert_eq!(
            doc["properties"]["destinations"]["logAnalytics"][0]["workspaceId"],
            "c-1"
        );
        assert!(doc["properties"]["destinations"]["logAnalytics"][1]
            .get("workspaceId")
            .is_none());
        let mut again = json!({});
        Rule.on_put(&sim, "/x", &mut again, Some(&doc)).unwrap();
        assert_eq!(again["properties"]["immutableId"], json!(immutable));
    }
}
