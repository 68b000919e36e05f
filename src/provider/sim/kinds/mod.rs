//! What the simulation does for a resource type beyond storing what it is
//! sent: one file per type (or family of types), each a [`Kind`], and the
//! one table that names them. ARM's own behaviour only: computed
//! properties, properties that cannot change in place, refusals with ARM's
//! codes, POST actions. It knows nothing of azurerm. The types the
//! simulation had first are still in `rules.rs`.

mod agent_pool_settings;
mod children;
mod container_registry;
mod data_collection;
mod flux_configuration;
mod grafana;
mod identity;
mod key_vault;
mod key_vault_access_policies;
mod log_analytics;
mod maintenance_configurations;
pub mod managed_cluster;
mod monitor_account;
mod nat_gateway;
mod network;
mod network_security_group;
mod private_dns;
mod private_endpoint;
mod public_ip;
mod route_table;
mod storage_account;
mod subnet;
mod trusted_access;
mod virtual_network;
mod virtual_network_peering;

use super::SimClient;
use crate::provider::arm::{ArmError, ArmResponse};
use serde_json::Value as Json;

/// A property that cannot change in place: its path in the body (dots
/// between keys) and the error code Azure refuses a change of it with.
pub type Immutable = (&'static str, &'static str);

/// One resource type's behaviour; each part defaults to nothing.
pub trait Kind: Sync {
    /// Fills in what Azure computes on a PUT, or refuses the body.
    fn on_put(&self, sim: &SimClient, id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
        let _ = (sim, id, doc, existing);
        Ok(())
    }

    /// What a GET shows beyond the stored document: children a parent
    /// lists, references other resources keep to it.
    fn on_get(&self, sim: &SimClient, id: &str, doc: Json) -> Result<Json, ArmError> {
        let _ = (sim, id);
        Ok(doc)
    }

    /// Properties that cannot change once created.
    fn immutable(&self) -> &'static [Immutable] {
        &[]
    }

    /// Refuses a DELETE Azure would refuse.
    fn on_delete(&self, sim: &SimClient, id: &str, doc: &Json) -> Result<(), ArmError> {
        let _ = (sim, id, doc);
        Ok(())
    }

    /// Answers a POST action on the resource (`listKeys`), if it has it.
    fn on_post(&self, id: &str, action: &str, doc: &Json) -> Option<Result<ArmResponse, ArmError>> {
        let _ = (id, action, doc);
        None
    }

    /// Answers a POST action that changes what the simulation holds (a
    /// deleted vault's `purge`); the others as [`Kind::on_post`] does.
    fn on_action(&self, sim: &SimClient, id: &str, action: &str, doc: &Json) -> Option<Result<ArmResponse, ArmError>> {
        let _ = sim;
        self.on_post(id, action, doc)
    }
}

/// The behaviour of an ARM resource type (compared without case).
pub fn kind(resource_type: &str) -> Option<&'static dyn Kind> {
    match resource_type.to_ascii_lowercase().as_str() {
        "microsoft.operationalinsights/workspaces" => Some(&log_analytics::Workspace),
        "microsoft.monitor/accounts" => Some(&monitor_account::Account),
        "microsoft.insights/datacollectionrules" => Some(&data_collection::Rule),
        "microsoft.dashboard/grafana" => Some(&grafana::Grafana),
        "microsoft.network/privatednszones" => Some(&private_dns::Zone),
        "microsoft.network/privatednszones/virtualnetworklinks" => Some(&private_dns::Link),
        t if private_dns::is_record_type(t) => Some(&private_dns::RecordSet),
        "microsoft.network/privateendpoints" => Some(&private_endpoint::Endpoint),
        "microsoft.network/privateendpoints/privatednszonegroups" => Some(&private_endpoint::ZoneGroup),
        "microsoft.containerregistry/registries" => Some(&container_registry::Registry),
        "microsoft.containerregistry/registries/replications" => Some(&container_registry::Replication),
        "microsoft.containerservice/managedclusters/trustedaccessrolebindings" => Some(&trusted_access::RoleBinding),
        "microsoft.containerservice/managedclusters/agentpools" => Some(&agent_pool_settings::AgentPoolSettings),
        "microsoft.containerservice/managedclusters/maintenanceconfigurations" => {
            Some(&maintenance_configurations::MaintenanceConfigurations)
        }
        "microsoft.keyvault/vaults" => Some(&key_vault::Vaults),
        "microsoft.keyvault/locations/deletedvaults" => Some(&key_vault::DeletedVaults),
        "microsoft.keyvault/vaults/accesspolicies" => Some(&key_vault_access_policies::AccessPolicies),
        "microsoft.storage/storageaccounts" => Some(&storage_account::Accounts),
        "microsoft.kubernetesconfiguration/fluxconfigurations" => Some(&flux_configuration::FluxConfigurations),
        "microsoft.network/publicipaddresses" => Some(&public_ip::PublicIp),
        "microsoft.network/networksecuritygroups" => Some(&network_security_group::SecurityGroup),
        "microsoft.network/routetables" => Some(&route_table::RouteTable),
        "microsoft.network/natgateways" => Some(&nat_gateway::NatGateway),
        "microsoft.network/virtualnetworks" => Some(&virtual_network::VirtualNetwork),
        "microsoft.network/virtualnetworks/subnets" => Some(&subnet::Subnet),
        "microsoft.network/virtualnetworks/virtualnetworkpeerings" => Some(&virtual_network_peering::Peering),
        _ => None,
    }
}
