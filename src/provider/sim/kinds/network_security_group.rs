//! `Microsoft.Network/networkSecurityGroups`: its rules are resources of
//! their own (`securityRules`), made inline by its PUT too; Azure adds its
//! six default rules and a GUID, lists the subnets that use it, and refuses
//! to delete it while one does.

use super::children::{self, Inline};
use super::network::{self, keep_or_new_guid, set_property};
use super::{Immutable, Kind};
use crate::provider::arm::ArmError;
use crate::provider::sim::SimClient;
use serde_json::{json, Value as Json};

pub struct SecurityGroup;

const RULES: Inline = Inline {
    property: "securityRules",
    segment: "securityRules",
};
const SUBNETS: &str = "Microsoft.Network/virtualNetworks/subnets";
const REFERENCE: &str = "properties.networkSecurityGroup";

/// Azure's default rules, in every group: name, description, source and
/// destination prefixes, access, priority, direction.
const DEFAULT_RULES: [(&str, &str, &str, &str, &str, u32, &str); 6] = [
    (
        "AllowVnetInBound",
        "Allow inbound traffic from all VMs in VNET",
        "VirtualNetwork",
        "VirtualNetwork",
        "Allow",
        65000,
        "Inbound",
    ),
    (
        "AllowAzureLoadBalancerInBound",
        "Allow inbound traffic from azure load balancer",
        "AzureLoadBalancer",
        "*",
        "Allow",
        65001,
        "Inbound",
    ),
    (
        "DenyAllInBound",
        "Deny all inbound traffic",
        "*",
        "*",
        "Deny",
        65500,
        "Inbound",
    ),
    (
        "AllowVnetOutBound",
        "Allow outbound traffic from all VMs to all VMs in VNET",
        "VirtualNetwork",
        "VirtualNetwork",
        "Allow",
        65000,
        "Outbound",
    ),
    (
        "AllowInternetOutBound",
        "Allow outbound traffic from all VMs to Internet",
        "*",
        "Internet",
        "Allow",
        65001,
        "Outbound",
    ),
    (
        "DenyAllOutBound",
        "Deny all outbound traffic",
        "*",
        "*",
        "Deny",
        65500,
        "Outbound",
    ),
];

fn default_rules(id: &str) -> Json {
    Json::Array(
        DEFAULT_RULES
            .iter()
            .map(
                |(name, description, source, destination, access, priority, direction)| {
                    json!({
                        "name": name,
                        "id": format!("{id}/defaultSecurityRules/{name}"),
                        "properties": {
                            "provisioningState": "Succeeded",
                            "description": description,
                            "protocol": "*",
                            "sourcePortRange": "*",
                            "destinationPortRange": "*",
                            "sourceAddressPrefix": source,
                            "destinationAddressPrefix": destination,
                            "access": access,
                            "priority": priority,
                            "direction": direction,
                        }
                    })
                },
            )
            .collect(),
    )
}

impl Kind for SecurityGroup {
    fn on_put(&self, sim: &SimClient, id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
        network::strip(doc, &["subnets", "networkInterfaces", "defaultSecurityRules"]);
        set_property(
            doc,
            "resourceGuid",
            keep_or_new_guid(existing, "properties.resourceGuid"),
        );
        set_property(doc, "defaultSecurityRules", default_rules(id));
        if let Some(listed) = children::take(doc, RULES)? {
            children::put(sim, id, listed, RULES)?;
        }
        Ok(())
    }

    fn on_get(&self, sim: &SimClient, id: &str, mut doc: Json) -> Result<Json, ArmError> {
        children::show(sim, id, &mut doc, RULES)?;
        network::show_holders(sim, id, &mut doc, "subnets", false, SUBNETS, REFERENCE)?;
        Ok(doc)
    }

    fn immutable(&self) -> &'static [Immutable] {
        &[("location", "InvalidResourceLocation")]
    }

    fn on_delete(&self, sim: &SimClient, id: &str, _doc: &Json) -> Result<(), ArmError> {
        network::refuse_in_use(
            sim,
            id,
            (SUBNETS, REFERENCE),
            "InUseNetworkSecurityGroupCannotBeDeleted",
            ("Network security group", "Network security group"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::network::testing::{net, Sim};
    use serde_json::json;

    fn rule(name: &str, priority: u32) -> serde_json::Value {
        json!({"name": name, "properties": {"protocol": "Tcp", "sourcePortRange": "*", "destinationPortRange": "443",
            "sourceAddressPrefix": "*", "destinationAddressPrefix": "*", "access": "Allow",
            "priority": priority, "direction": "Inbound"}})
    }

    #[test]
    fn rules_are_resources_of_their_own_and_the_group_lists_them() {
        let s = Sim::new();
        let nsg = net("networkSecurityGroups/n");
        let made = s
            .put(
                &nsg,
                json!({"location": "westeurope", "properties": {"securityRules": [rule("a", 100)]}}),
            )
            .unwrap();
        assert_eq!(made["properties"]["defaultSecurityRules"].as_array().unwrap().len(), 6);
        let guid = made["properties"]["resourceGuid"].clone();
        let a = s.get(&format!("{nsg}/securityRules/a")).unwrap();
        assert_eq!(a["properties"]["provisioningState"], "Succeeded");
        // A rule made on its own is listed too; the group's GUID stays.
        s.put(&format!("{nsg}/securityRules/b"), rule("b", 200)).unwrap();
        let got = s.get(&nsg).unwrap();
        let names: Vec<&str> = got["properties"]["securityRules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["a", "b"]);
        // A PUT listing its rules deletes those it leaves out.
        let again = s
            .put(
                &nsg,
                json!({"location": "westeurope", "properties": {"securityRules": [rule("b", 200)]}}),
            )
            .unwrap();
        assert_eq!(again["properties"]["resourceGuid"], guid);
        assert_eq!(again["properties"]["securityRules"].as_array().unwrap().len(), 1);
        assert!(s.get(&format!("{nsg}/securityRules/a")).is_err());
    }

    #[test]
    fn a_group_a_subnet_uses_is_shown_and_not_deleted() {
        let s = Sim::new();
        let nsg = net("networkSecurityGroups/n");
        s.put(&nsg, json!({"location": "westeurope"})).unwrap();
        let subnet = s.subnet(json!({"networkSecurityGroup": {"id": nsg}})).unwrap();
        let got = s.get(&nsg).unwrap();
        assert_eq!(got["properties"]["subnets"][0]["id"], subnet["id"]);
        let e = s.delete(&nsg).unwrap_err();
        assert_eq!(
            (e.status, e.code.as_str()),
            (400, "InUseNetworkSecurityGroupCannotBeDeleted")
        );
        assert!(e.message.contains(subnet["id"].as_str().unwrap()), "{}", e.message);
        s.subnet(json!({})).unwrap();
        assert!(s.get(&nsg).unwrap()["properties"].get("subnets").is_none());
        s.delete(&nsg).unwrap();
    }

    #[test]
    fn its_location_cannot_change() {
        let s = Sim::new();
        let nsg = net("networkSecurityGroups/n");
        s.put(&nsg, json!({"location": "westeurope"})).unwrap();
        let e = s.put(&nsg, json!({"location": "eastus"})).unwrap_err();
        assert_eq!(e.code, "InvalidResourceLocation");
    }
}
