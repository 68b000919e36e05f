//! What AKS computes for a managed cluster beyond what `rules.rs` fills
//! (versions, FQDNs, the node resource group, network defaults): the
//! kubelet identity a cluster is given or names, the identities of its
//! add-ons and of application routing, the Application Gateway the
//! ingress add-on uses, and the OIDC issuer URL. Each is kept across
//! updates, as Azure keeps them. And what AKS refuses of a cluster's
//! POST actions: static admin credentials once local accounts are off.
//! ARM behaviour only: it knows nothing of azurerm.

use crate::provider::arm::{self, ArmError};
use crate::provider::sim::{SimClient, TENANT};
use serde_json::{json, Value as Json};

/// Add-ons that run under an identity of their own: the profile key, and
/// the identity's name before the cluster's.
const ADDONS: [(&str, &str); 4] = [
    ("omsagent", "omsagent"),
    ("azureKeyvaultSecretsProvider", "azurekeyvaultsecretsprovider"),
    ("ingressApplicationGateway", "ingressapplicationgateway"),
    ("aciConnectorLinux", "aciconnectorlinux"),
];

fn guid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A managed identity in the node resource group, or the one `existing` had.
fn identity(existing: Option<&Json>, sub: &str, node_rg: &str, name: &str) -> Json {
    existing.filter(|e| e.get("objectId").is_some()).cloned().unwrap_or_else(|| {
        json!({
            "resourceId": format!("/subscriptions/{sub}/resourcegroups/{node_rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}"),
            "clientId": guid(),
            "objectId": guid(),
        })
    })
}

/// The kubelet identity a PUT names (`identityProfile.kubeletidentity`
/// with a `resourceId`) other than the one the cluster has (`kept`),
/// filled from that identity; `None` when the PUT leaves it to AKS or
/// names the one it has. A named identity that does not exist is refused.
pub fn named_kubelet_identity(sim: &SimClient, doc: &Json, kept: Option<&Json>) -> Result<Option<Json>, ArmError> {
    let Some(rid) = doc
        .pointer("/properties/identityProfile/kubeletidentity/resourceId")
        .and_then(Json::as_str)
        .filter(|r| !r.is_empty())
    else {
        return Ok(None);
    };
    let current = kept.and_then(|k| k.get("resourceId")).and_then(Json::as_str);
    if current.is_some_and(|c| arm::ids_equal(c, rid)) {
        return Ok(None);
    }
    let Some(found) = sim.store.get(rid).map_err(crate::provider::sim::io_error)? else {
        return Err(ArmError::new(
            400,
            "InvalidUserAssignedIdentity",
            format!("The user assigned identity '{rid}' could not be found."),
        ));
    };
    let field = |k: &str| {
        found
            .pointer(&format!("/properties/{k}"))
            .cloned()
            .unwrap_or(Json::Null)
    };
    Ok(Some(
        json!({"resourceId": rid, "clientId": field("clientId"), "objectId": field("principalId")}),
    ))
}

/// Fills what AKS computes for the cluster `id` into `doc` (after the
/// common fill of `rules.rs`, which set `nodeResourceGroup`).
pub fn fill(id: &str, doc: &mut Json, existing: Option<&Json>) {
    let name = arm::name_of(id).to_string();
    let sub = crate::provider::sim::subscriptions::segment(id)
        .unwrap_or(crate::provider::sim::SUBSCRIPTION)
        .to_string();
    let node_rg = doc
        .pointer("/properties/nodeResourceGroup")
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_string();
    let location = doc
        .get("location")
        .and_then(Json::as_str)
        .unwrap_or("eastus")
        .to_string();
    let before = |path: &str| existing.and_then(|e| e.pointer(path));
    // AKS answers with the support plan it applies.
    if doc.pointer("/properties/supportPlan").is_none_or(Json::is_null) {
        doc["properties"]["supportPlan"] = json!("KubernetesOfficial");
    }
    for (key, prefix) in ADDONS {
        let Some(addon) = doc.pointer_mut(&format!("/properties/addonProfiles/{key}")) else {
            continue;
        };
        if addon.get("enabled").and_then(Json::as_bool) != Some(true) {
            addon.as_object_mut().map(|a| a.remove("identity"));
            continue;
        }
        let kept = before(&format!("/properties/addonProfiles/{key}/identity"));
        addon["identity"] = identity(kept, &sub, &node_rg, &format!("{prefix}-{name}"));
        if key == "ingressApplicationGateway" {
            let given = addon
                .pointer("/config/applicationGatewayId")
                .and_then(Json::as_str)
                .map(str::to_string);
            let gateway = addon
                .pointer("/config/applicationGatewayName")
                .and_then(Json::as_str)
                .unwrap_or("ingress-appgateway")
                .to_string();
            let effective = given.unwrap_or_else(|| {
                format!("/subscriptions/{sub}/resourceGroups/{node_rg}/providers/Microsoft.Network/applicationGateways/{gateway}")
            });
            addon["config"]["effectiveApplicationGatewayId"] = json!(effective);
        }
    }
    if let Some(routing) = doc.pointer_mut("/properties/ingressProfile/webAppRouting") {
        if routing.get("enabled").and_then(Json::as_bool) == Some(true) {
            let kept = before("/properties/ingressProfile/webAppRouting/identity");
            routing["identity"] = identity(kept, &sub, &node_rg, &format!("webapprouting-{name}"));
        }
    }
    if let Some(oidc) = doc.pointer_mut("/properties/oidcIssuerProfile") {
        if oidc.get("enabled").and_then(Json::as_bool) == Some(true) {
            let url = before("/properties/oidcIssuerProfile/issuerURL")
                .cloned()
                .unwrap_or_else(|| {
                    json!(format!(
                        "https://{location}.oic.prod-aks.azure.com/{TENANT}/{}/",
                        guid()
                    ))
                });
            oidc["issuerURL"] = url;
        } else if let Some(o) = oidc.as_object_mut() {
            o.remove("issuerURL");
        }
    }
}

/// Refuses what AKS refuses of a cluster's POST action.
pub fn check_action(action: &str, doc: &Json) -> Result<(), ArmError> {
    let local_off = doc.pointer("/properties/disableLocalAccounts").and_then(Json::as_bool) == Some(true);
    if action == "listClusterAdminCredential" && local_off {
        return Err(ArmError::new(
            400,
            "BadRequest",
            "Getting static credential is not allowed because this cluster is set to disable local accounts.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks";

    #[test]
    fn addon_identities_and_the_issuer_are_computed_once_and_kept() {
        let mut doc = json!({"location": "westeurope", "properties": {"nodeResourceGroup": "MC_rg_aks",
            "addonProfiles": {"omsagent": {"enabled": true}, "azurepolicy": {"enabled": true},
                "ingressApplicationGateway": {"enabled": true, "config": {"applicationGatewayName": "gw"}}},
            "ingressProfile": {"webAppRouting": {"enabled": true}},
            "oidcIssuerProfile": {"enabled": true}}});
        fill(ID, &mut doc, None);
        let oms = &doc["properties"]["addonProfiles"]["omsagent"]["identity"];
        assert!(oms["resourceId"]
            .as_str()
            .unwrap()
            .ends_with("/userAssignedIdentities/omsagent-aks"));
        assert!(uuid::Uuid::parse_str(oms["objectId"].as_str().unwrap()).is_ok());
        assert!(doc.pointer("/properties/addonProfiles/azurepolicy/identity").is_none());
        assert!(
            doc["properties"]["addonProfiles"]["ingressApplicationGateway"]["config"]["effectiveApplicationGatewayId"]
                .as_str()
                .unwrap()
                .ends_with("/applicationGateways/gw")
        );
        let url = doc["properties"]["oidcIssuerProfile"]["issuerURL"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(url.starts_with("https://westeurope.oic.prod-aks.azure.com/"), "{url}");

        let existing = doc.clone();
        let mut again = json!({"location": "westeurope", "properties": {"nodeResourceGroup": "MC_rg_aks",
            "addonProfiles": {"omsagent": {"enabled": true}},
            "ingressProfile": {"webAppRouting": {"enabled": true}},
            "oidcIssuerProfile": {"enabled": true}}});
        fill(ID, &mut again, Some(&existing));
        assert_eq!(again["properties"]["addonProfiles"]["omsagent"]["identity"], *oms);
        assert_eq!(again["properties"]["oidcIssuerProfile"]["issuerURL"], json!(url));
        assert_eq!(
            again["properties"]["ingressProfile"]["webAppRouting"]["identity"],
            existing["properties"]["ingressProfile"]["webAppRouting"]["identity"]
        );
    }

    #[test]
    fn admin_credentials_are_refused_once_local_accounts_are_off() {
        let off = json!({"properties": {"disableLocalAccounts": true}});
        let e = check_action("listClusterAdminCredential", &off).unwrap_err();
        assert_eq!(e.code, "BadRequest");
        check_action("listClusterUserCredential", &off).unwrap();
        check_action("listClusterAdminCredential", &json!({"properties": {}})).unwrap();
    }

    #[test]
    fn a_named_kubelet_identity_must_exist_and_is_read_from_it() {
        let dir = tempfile::tempdir().unwrap();
        let sim = SimClient::new(dir.path());
        let uid =
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kubelet";
        let body = json!({"properties": {"identityProfile": {"kubeletidentity": {"resourceId": uid}}}});
        let e = named_kubelet_identity(&sim, &body, None).unwrap_err();
        assert_eq!(e.code, "InvalidUserAssignedIdentity");
        sim.store
            .put(
                uid,
                &json!({"id": uid, "properties": {"clientId": "c", "principalId": "p"}}),
            )
            .unwrap();
        let got = named_kubelet_identity(&sim, &body, None).unwrap().unwrap();
        assert_eq!(got, json!({"resourceId": uid, "clientId": "c", "objectId": "p"}));
        // The one the cluster has already is kept as it is.
        let kept = json!({"resourceId": uid.to_uppercase(), "clientId": "c", "objectId": "p"});
        assert_eq!(named_kubelet_identity(&sim, &body, Some(&kept)).unwrap(), None);
    }
}
