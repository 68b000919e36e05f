//! How long one operation of each resource type is expected to take in
//! Azure: what the scheduler weighs the paths of an apply with. One table,
//! with a default for every type it does not name.
//!
//! The figures are typical wall times of a create (deletes and updates are
//! of the same order), rounded; only their proportions matter, since they
//! decide which ready operation starts first and never how long anything
//! waits. It must not be used to time out or to report anything.

use crate::addrs::Mode;

/// Milliseconds, for a type the table does not name.
const DEFAULT_MS: u64 = 10_000;

/// Milliseconds, for a data source: one read.
const READ_MS: u64 = 1_000;

/// Milliseconds, for a type of a provider that does not call Azure
/// (`random`, `tls`, `time`, `terraform_data`...).
const LOCAL_MS: u64 = 0;

/// Typical milliseconds per operation, by resource type.
const TABLE: &[(&str, u64)] = &[
    // Minutes.
    ("azurerm_api_management", 2_700_000),
    ("azurerm_virtual_network_gateway", 1_800_000),
    ("azurerm_redis_cache", 1_200_000),
    ("azurerm_kubernetes_cluster", 600_000),
    ("azurerm_firewall", 600_000),
    ("azurerm_application_gateway", 600_000),
    ("azurerm_bastion_host", 600_000),
    ("azurerm_postgresql_flexible_server", 600_000),
    ("azurerm_mssql_managed_instance", 3_600_000),
    ("azurerm_cosmosdb_account", 600_000),
    ("azurerm_kubernetes_cluster_node_pool", 300_000),
    ("azurerm_virtual_network_gateway_connection", 120_000),
    ("azurerm_express_route_gateway", 1_800_000),
    ("azurerm_virtual_hub", 900_000),
    ("azurerm_kubernetes_cluster_extension", 180_000),
    ("azurerm_kubernetes_flux_configuration", 120_000),
    ("azurerm_private_endpoint", 60_000),
    ("azurerm_private_dns_zone", 60_000),
    ("azurerm_private_dns_zone_virtual_network_link", 60_000),
    ("azurerm_container_registry", 30_000),
    ("azurerm_key_vault", 30_000),
    ("azurerm_log_analytics_workspace", 30_000),
    ("azurerm_storage_account", 30_000),
    ("azurerm_nat_gateway", 20_000),
    ("azurerm_virtual_network_peering", 20_000),
    // Seconds.
    ("azurerm_virtual_network", 10_000),
    ("azurerm_subnet", 10_000),
    ("azurerm_network_security_group", 5_000),
    ("azurerm_network_security_rule", 5_000),
    ("azurerm_public_ip", 5_000),
    ("azurerm_route_table", 5_000),
    ("azurerm_resource_group", 2_000),
    ("azurerm_user_assigned_identity", 2_000),
    ("azurerm_federated_identity_credential", 2_000),
    ("azurerm_role_assignment", 3_000),
    ("azurerm_key_vault_secret", 2_000),
    ("azurerm_management_lock", 2_000),
];

/// The expected duration of one operation on an object of `type_name`.
pub fn expected_ms(mode: Mode, type_name: &str) -> u64 {
    if mode == Mode::Data {
        return READ_MS;
    }
    if let Some(&(_, ms)) = TABLE.iter().find(|(t, _)| *t == type_name) {
        return ms;
    }
    match type_name.split('_').next() {
        Some("azurerm" | "azapi" | "azuread") => DEFAULT_MS,
        _ => LOCAL_MS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cluster_outweighs_a_node_pool_which_outweighs_a_role_assignment() {
        let ms = |t| expected_ms(Mode::Managed, t);
        assert!(ms("azurerm_kubernetes_cluster") > ms("azurerm_kubernetes_cluster_node_pool"));
        assert!(ms("azurerm_kubernetes_cluster_node_pool") > ms("azurerm_role_assignment"));
        assert_eq!(ms("azurerm_something_new"), DEFAULT_MS);
        assert_eq!(ms("random_string"), LOCAL_MS);
        assert_eq!(expected_ms(Mode::Data, "azurerm_kubernetes_cluster"), READ_MS);
    }

    #[test]
    fn each_type_is_named_once() {
        let mut names: Vec<&str> = TABLE.iter().map(|(t, _)| *t).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before);
    }
}
