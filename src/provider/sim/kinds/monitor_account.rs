//! Microsoft.Monitor/accounts (an Azure Monitor workspace): its account id
//! and Prometheus query endpoint, kept for its life, and the data
//! collection endpoint and rule Azure makes for it in the managed resource
//! group MA_{name}_{location}_managed. The managed group and what is in it
//! are named, not simulated.

use super::identity::{hash_hex, keep_or};
use super::Kind;
use crate::provider::arm::{self, ArmError};
use crate::provider::sim::SimClient;
use serde_json::{json, Value as Json};

pub struct Account;

impl Kind for Account {
    fn on_put(&self, _sim: &SimClient, id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
        let name = arm::name_of(id).to_string();
        let location = doc
            .get("location")
            .and_then(Json::as_str)
            .unwrap_or("eastus")
            .to_string();
        let sub = id.split('/').nth(2).unwrap_or_default().to_string();
        let account = keep_or(existing, "/properties/accountId", || {
            json!(uuid::Uuid::new_v4().to_string())
        });
        let endpoint = keep_or(existing, "/properties/metrics/prometheusQueryEndpoint", || {
            json!(format!(
                "https://{name}-{}.{location}.prometheus.monitor.azure.com",
                hash_hex(id, "prometheus", 4)
            ))
        });
        let managed =
            format!("/subscriptions/{sub}/resourceGroups/MA_{name}_{location}_managed/providers/Microsoft.Insights");
        if !doc.get("properties").is_some_and(Json::is_object) {
            doc["properties"] = json!({});
        }
        let p = &mut doc["properties"];
        p["metrics"] = json!({
            "prometheusQueryEndpoint": endpoint,
            "internalId": format!("mac_{}", account.as_str().unwrap_or_default()),
        });
        p["accountId"] = account;
        p["defaultIngestionSettings"] = json!({
            "dataCollectionEndpointResourceId": format!("{managed}/dataCollectionEndpoints/{name}"),
            "dataCollectionRuleResourceId": format!("{managed}/dataCollectionRules/{name}"),
        });
        if p.get("publicNetworkAccess").is_none_or(Json::is_null) {
            p["publicNetworkAccess"] = json!("Enabled");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_gets_its_endpoint_and_default_ingestion_once() {
        let dir = tempfile::tempdir().unwrap();
        let sim = SimClient::new(dir.path());
        let id = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Monitor/accounts/amw";
        let mut doc = json!({"location": "eastus"});
        Account.on_put(&sim, id, &mut doc, None).unwrap();
        let p = &doc["properties"];
        let endpoint = p["metrics"]["prometheusQueryEndpoint"].as_str().unwrap().to_string();
        assert!(endpoint.starts_with("https://amw-") && endpoint.ends_with(".eastus.prometheus.monitor.azure.com"));
        assert_eq!(
            p["defaultIngestionSettings"]["dataCollectionRuleResourceId"],
            "/subscriptions/s1/resourceGroups/MA_amw_eastus_managed/providers/Microsoft.Insights/dataCollectionRules/amw"
        );
        assert_eq!(p["publicNetworkAccess"], "Enabled");
        let mut again = json!({"location": "eastus", "properties": {"publicNetworkAccess": "Disabled"}});
        Account.on_put(&sim, id, &mut again, Some(&doc)).unwrap();
        assert_eq!(again["properties"]["accountId"], doc["properties"]["accountId"]);
        assert_eq!(
            again["properties"]["metrics"]["prometheusQueryEndpoint"],
            json!(endpoint)
        );
        assert_eq!(again["properties"]["publicNetworkAccess"], "Disabled");
    }
}
