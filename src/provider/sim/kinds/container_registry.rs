//! Container registries (`Microsoft.ContainerRegistry/registries`) and
//! their replications. A registry has its login server (`NAME.azurecr.io`),
//! its SKU's tier, the policies and settings Azure defaults, and a
//! replication in its own region from the start; `listCredentials` answers
//! with the admin user's name and two passwords, or, with the admin user
//! disabled, UnAuthorizedForCredentialOperations. A replication is ready,
//! with its regional endpoint unless turned off. ARM's behaviour only;
//! nothing of azurerm.

use super::Kind;
use crate::provider::arm::{self, ArmError, ArmResponse};
use crate::provider::sim::{io_error, SimClient};
use base64::Engine as _;
use serde_json::{json, Value as Json};
use sha2::Digest;

pub struct Registry;
pub struct Replication;

fn now() -> String {
    humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string()
}

/// Sets `key` in `obj` to `value` unless it holds something.
fn default(obj: &mut Json, key: &str, value: Json) {
    if obj.get(key).is_none_or(Json::is_null) {
        obj[key] = value;
    }
}

/// A password that stays the same for the registry (Azure keeps its
/// passwords until they are regenerated).
fn password(id: &str, which: &str) -> String {
    let digest = sha2::Sha256::digest(format!("{}/{which}", id.to_lowercase()).as_bytes());
    base64::engine::general_purpose::STANDARD_NO_PAD
        .encode(digest)
        .replace(['+', '/'], "0")
}

impl Kind for Registry {
    fn on_put(&self, sim: &SimClient, id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
        let name = arm::name_of(id).to_ascii_lowercase();
        let location = doc.get("location").and_then(Json::as_str).unwrap_or("").to_string();
        if let Some(sku) = doc.pointer("/sku/name").cloned() {
            doc["sku"]["tier"] = sku;
        }
        match doc.pointer("/identity/type").and_then(Json::as_str) {
            Some(t) if t.contains("SystemAssigned") => {
                let kept = existing.and_then(|e| e.pointer("/identity/principalId")).cloned();
                doc["identity"]["principalId"] = kept.unwrap_or_else(|| json!(uuid::Uuid::new_v4().to_string()));
                doc["identity"]["tenantId"] = json!(crate::provider::sim::TENANT);
            }
            _ => {}
        }
        let created = existing
            .and_then(|e| e.pointer("/properties/creationDate"))
            .cloned()
            .unwrap_or_else(|| json!(now()));
        let replicas: Vec<String> = sim
            .store
            .descendants(id)
            .map_err(io_error)?
            .iter()
            .filter_map(|r| r.get("location").and_then(Json::as_str).map(arm::normalize_location))
            .filter(|l| *l != location)
            .collect();
        let p = &mut doc["properties"];
        p["loginServer"] = json!(format!("{name}.azurecr.io"));
        p["creationDate"] = created;
        default(p, "adminUserEnabled", json!(false));
        default(p, "networkRuleSet", json!({"defaultAction": "Allow", "ipRules": []}));
        default(p, "policies", json!({}));
        let policies = &mut p["policies"];
        default(policies, "quarantinePolicy", json!({}));
        default(&mut policies["quarantinePolicy"], "status", json!("disabled"));
        default(policies, "trustPolicy", json!({}));
        default(&mut policies["trustPolicy"], "type", json!("Notary"));
        default(&mut policies["trustPolicy"], "status", json!("disabled"));
        default(policies, "retentionPolicy", json!({}));
        default(&mut policies["retentionPolicy"], "days", json!(7));
        default(&mut policies["retentionPolicy"], "status", json!("disabled"));
        policies["retentionPolicy"]["lastUpdatedTime"] = json!(now());
        default(policies, "exportPolicy", json!({}));
        default(&mut policies["exportPolicy"], "status", json!("enabled"));
        default(
            policies,
            "azureADAuthenticationAsArmPolicy",
            json!({"status": "enabled"}),
        );
        default(p, "encryption", json!({"status": "disabled"}));
        default(p, "dataEndpointEnabled", json!(false));
        let data = p["dataEndpointEnabled"].as_bool() == Some(true);
        let hosts: Vec<String> = if data {
            std::iter::once(location.clone())
                .chain(replicas)
                .map(|r| format!("{name}.{r}.data.azurecr.io"))
                .collect()
        } else {
            Vec::new()
        };
        p["dataEndpointHostNames"] = json!(hosts);
        default(p, "privateEndpointConnections", json!([]));
        default(p, "publicNetworkAccess", json!("Enabled"));
        default(p, "networkRuleBypassOptions", json!("AzureServices"));
        default(p, "networkRuleBypassAllowedForTasks", json!(false));
        default(p, "zoneRedundancy", json!("Disabled"));
        default(p, "anonymousPullEnabled", json!(false));
        default(p, "roleAssignmentMode", json!("LegacyRegistryPermissions"));
        if existing.is_none() {
            // The registry's own region is its first replication.
            let home = format!("{id}/replications/{location}");
            let zones = doc.pointer("/properties/zoneRedundancy").cloned();
            let replica = json!({
                "id": home,
                "name": location,
                "type": "Microsoft.ContainerRegistry/registries/replications",
                "location": location,
                "properties": {
                    "provisioningState": "Succeeded",
                    "status": {"displayStatus": "Ready", "timestamp": now()},
                    "regionEndpointEnabled": true,
                    "zoneRedundancy": zones.unwrap_or(json!("Disabled")),
                },
            });
            sim.store.put(&home, &replica).map_err(io_error)?;
        }
        Ok(())
    }

    fn on_post(&self, id: &str, action: &str, doc: &Json) -> Option<Result<ArmResponse, ArmError>> {
        if !action.eq_ignore_ascii_case("listCredentials") {
            return None;
        }
        if doc.pointer("/properties/adminUserEnabled").and_then(Json::as_bool) != Some(true) {
            return Some(Err(ArmError::new(
                400,
                "UnAuthorizedForCredentialOperations",
                format!(
                    "Cannot perform credential operations for {id} as admin user is disabled. Kindly enable admin user as per docs: https://docs.microsoft.com/azure/container-registry/container-registry-authentication#admin-account"
                ),
            )));
        }
        Some(Ok(ArmResponse {
            status: 200,
            body: json!({
                "username": arm::name_of(id),
                "passwords": [
                    {"name": "password", "value": password(id, "password")},
                    {"name": "password2", "value": password(id, "password2")},
                ],
            }),
        }))
    }
}

impl Kind for Replication {
    fn on_put(&self, _sim: &SimClient, _id: &str, doc: &mut Json, _existing: Option<&Json>) -> Result<(), ArmError> {
        let p = &mut doc["properties"];
        default(p, "regionEndpointEnabled", json!(true));
        default(p, "zoneRedundancy", json!("Disabled"));
        p["status"] = json!({"displayStatus": "Ready", "timestamp": now()});
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::arm::{ArmRequest, Method};
    use crate::provider::sim::SUBSCRIPTION;

    fn req(method: Method, path: &str, body: Option<Json>) -> ArmRequest {
        ArmRequest {
            method,
            path: path.into(),
            api_version: "2025-11-01".into(),
            body,
        }
    }

    #[test]
    fn a_registry_has_its_login_server_its_home_replication_and_credentials_only_for_its_admin() {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path());
        let rg = format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg");
        s.handle(&req(Method::Put, &rg, Some(json!({"location": "westeurope"}))))
            .unwrap();
        let namespace = format!("/subscriptions/{SUBSCRIPTION}/providers/Microsoft.ContainerRegistry/register");
        s.handle(&req(Method::Post, &namespace, None)).unwrap();
        let id = format!("{rg}/providers/Microsoft.ContainerRegistry/registries/MyRegistry");
        let body =
            json!({"location": "West Europe", "sku": {"name": "Premium"}, "properties": {"adminUserEnabled": false}});
        let r = s.handle(&req(Method::Put, &id, Some(body))).unwrap();
        assert_eq!(r.body["properties"]["loginServer"], "myregistry.azurecr.io");
        assert_eq!(r.body["sku"]["tier"], "Premium");
        assert_eq!(r.body["properties"]["policies"]["exportPolicy"]["status"], "enabled");
        assert_eq!(r.body["properties"]["publicNetworkAccess"], "Enabled");
        let list = s
            .handle(&req(Method::Get, &format!("{id}/replications"), None))
            .unwrap();
        assert_eq!(list.body["value"][0]["location"], "westeurope");

        let e = s
            .handle(&req(Method::Post, &format!("{id}/listCredentials"), None))
            .unwrap_err();
        assert_eq!(e.code, "UnAuthorizedForCredentialOperations");
        let body =
            json!({"location": "westeurope", "sku": {"name": "Premium"}, "properties": {"adminUserEnabled": true}});
        s.handle(&req(Method::Put, &id, Some(body))).unwrap();
        let c = s
            .handle(&req(Method::Post, &format!("{id}/listCredentials"), None))
            .unwrap();
        assert_eq!(c.body["username"], "MyRegistry");
        let again = s
            .handle(&req(Method::Post, &format!("{id}/listCredentials"), None))
            .unwrap();
        assert_eq!(c.body["passwords"][0]["value"], again.body["passwords"][0]["value"]);
        assert_ne!(c.body["passwords"][0]["value"], c.body["passwords"][1]["value"]);

        let replica = format!("{id}/replications/eastus");
        let r = s
            .handle(&req(Method::Put, &replica, Some(json!({"location": "eastus"}))))
            .unwrap();
        assert_eq!(r.body["properties"]["regionEndpointEnabled"], true);
        assert_eq!(r.body["properties"]["status"]["displayStatus"], "Ready");
        s.handle(&req(Method::Delete, &id, None)).unwrap();
        assert!(s.handle(&req(Method::Get, &replica, None)).is_err());
    }
}
