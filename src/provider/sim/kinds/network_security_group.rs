//! `Microsoft.Network/networkSecurityGroups`: its rules are resources of
//! their own (`securityRules`), made inline by its PUT too; Azure adds its
//! six default rules and a GUID, lists the subnets that use it, and refuses
//! to delete it while one does.

use super::children::{self, Inline};
use super::network::{self, keep_or_new_guid, set_property};
use super::{Immutable, Kind};
use crate::provider::sim::SimClient;
use crate::provider::arm::ArmError;
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
    ("AllowVnetInBound", "Allow inbound traffic from all VMs in VNET", "VirtualNetwork", "VirtualNetwork", "Allow", 65000, "Inbound"),
    ("AllowAzureLoadBalancerInBound", "Allow inbound traffic from azure load balancer", "AzureLoadBalancer", "*", "Allow", 65001, "Inbound"),
    ("DenyAllInBound", "Deny all inbound traffic", "*", "*", "Deny", 65500, "Inbound"),
    ("AllowVnetOutBound", "Allow outbound traffic from all VMs to all VMs in VNET", "VirtualNetwork", "VirtualNetwork", "Allow", 65000, "Outbound"),
    ("AllowInternetOutBound", "Allow outbound traffic from all VMs to Internet", "*", "Internet", "Allow", 65001, "Outbound"),
    ("DenyAllOutBound", "Deny all outbound traffic", "*", "*", "Deny", 65500, "Outbound"),
];

fn default_rules(id: &str) -> Json {
    Json::Array(
        DEFAULT_RULES
            .iter()
            .map(|(name, description, source, destination, access, priority, direction)| {
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
            })
            .collect(),
    )
}

impl Kind for SecurityGroup {
    fn on_put(&self, sim: &SimClient, id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
        network::strip(doc, &["subnets", "networkInterfaces", "defaultSecurityRules"]);
        set_property(doc, "resourceGuid", keep_or_new_guid(existing, "properties.resourceGuid"));
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
        let users = network::holders(sim, id, SUBNETS, REFERENCE)?;
        if users.is_empty() {
            return Ok(());
        }
        Err(ArmError::new(
            400,
            "InUseNetworkSecurityGroupCannotBeDeleted",
            format!(
                "Network security group {id} cannot be deleted because it is in use by the following resources: {}. In order to delete the Network security group, remove the association with the resource(s).",
                users.join(", ")
            ),
        ))
    }
}
