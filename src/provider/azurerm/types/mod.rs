//! What a type needs beyond its overlay: one file per type, each a
//! [`TypeHooks`] implementation, and the one table that names them.
//!
//! The generic mapping (overlay ARM paths, id templates, PUT/GET/DELETE)
//! does the rest. A type with operations of its own (registering a
//! resource provider, reading the client's configuration) is a [`Custom`].

mod absent;
mod aks_cluster_arm;
mod aks_maintenance;
mod aks_node_pool_arm;
mod aks_pool;
pub mod association;
mod client_config;
mod container_registry;
mod data_collection_rule;
mod diagnostic_setting;
mod extension;
mod federated_identity_credential;
mod fields;
mod flux_configuration;
mod force_new_if;
mod inference_cluster;
pub mod keep;
mod key_vault;
pub mod key_vault_access_policy;
mod key_vault_access_policy_template;
mod key_vault_policies;
mod kubernetes_cluster;
mod kubernetes_cluster_node_pool;
pub mod kubernetes_service_versions;
mod log_analytics_solution;
mod log_analytics_workspace;
mod nat_gateway;
mod network_security_group;
mod network_security_rule;
mod pointer;
mod private_dns;
mod private_endpoint;
mod public_ip;
pub mod registration;
pub mod resource_group;
mod role_assignment;
mod role_definition;
pub mod rotation;
mod route_table;
mod storage_account;
mod storage_account_endpoints;
mod subnet;
#[cfg(test)]
pub(crate) mod test_config;
#[cfg(test)]
mod testing;
mod user_assigned_identity;
mod virtual_network;
mod virtual_network_peering;

use super::extras;
use crate::addrs::Mode;
use crate::lang::Value;
use crate::schema::Schema;
use serde_json::Value as Json;
use std::borrow::Cow;

pub use role_assignment::{role_assignment_name, role_definition_id};

/// Per-type adjustments to the generic mapping; each defaults to nothing.
pub trait TypeHooks: Sync {
    /// Adjusts a configuration value before planning (names Azure derives).
    fn before_plan(&self, config: &mut Value, prior: Option<&Value>, subscription: &str) {
        let _ = (config, prior, subscription);
    }

    /// Adjusts which changes force a replacement where the type decides
    /// case by case (azurerm's `ForceNewIf`): `replace` holds the paths the
    /// overlay forces; `prior` is `None` on a create.
    fn replacements(&self, prior: Option<&Value>, planned: &Value, replace: &mut Vec<String>) {
        let _ = (prior, planned, replace);
    }

    /// Adds to an ARM body what the overlay cannot say.
    fn to_arm(&self, value: &Value, body: &mut Json) {
        let _ = (value, body);
    }

    /// Puts an answer in the one shape the overlay reads.
    fn normalize_arm<'a>(&self, doc: &'a Json, prior: Option<&Value>) -> Cow<'a, Json> {
        let _ = prior;
        Cow::Borrowed(doc)
    }

    /// Reads from an answer what the overlay cannot.
    fn read_arm(&self, doc: &Json, value: &mut Value, subscription: &str) {
        let _ = (doc, value, subscription);
    }

    /// The body of an update of an existing resource, and whether it is
    /// sent as a PATCH; `None` to PUT the full body.
    fn patch(&self, body: &Json) -> Option<Json> {
        let _ = body;
        None
    }

    /// A POST action under the resource whose answer fills attributes
    /// (an access key); one action, where [`TypeHooks::extra_reads`] may
    /// ask for several.
    fn credentials_action(&self) -> Option<&'static str> {
        None
    }

    /// Fills attributes from that action's answer.
    fn credentials(&self, answer: &Json, value: &mut Value) {
        let _ = (answer, value);
    }

    /// The api-version of that action, where the service offers it only in
    /// another version than the resource's (a workspace's `sharedKeys`).
    fn credentials_api_version(&self) -> Option<&'static str> {
        None
    }

    /// A query the create or update PUT carries besides the api-version,
    /// as azurerm sends it (a peering's `syncRemoteAddressSpace=true`).
    fn put_query(&self) -> Option<&'static str> {
        None
    }

    /// The body of a first PUT that creates the resource, before the full
    /// body is sent, for what the service accepts only on an update (a
    /// workspace's default data collection rule); `None` to create with
    /// one PUT.
    fn create_first(&self, body: &Json) -> Option<Json> {
        let _ = body;
        None
    }

    /// The id ARM knows the resource by, from the id azurerm keeps in
    /// state, where the two differ (a diagnostic setting's
    /// `{target}|{name}`).
    fn arm_id<'a>(&self, state_id: &'a str) -> Cow<'a, str> {
        Cow::Borrowed(state_id)
    }

    /// The id azurerm keeps in state for the resource ARM knows by `arm_id`.
    fn state_id(&self, arm_id: &str) -> String {
        arm_id.to_string()
    }

    /// Whether the resource as Azure answered it has credentials to ask for
    /// (a registry's admin user is enabled).
    fn credentials_wanted(&self, doc: &Json) -> bool {
        let _ = doc;
        true
    }

    /// Child resources written and read with it in calls of their own
    /// (see [`super::children`]).
    fn children(&self) -> &'static [super::children::Child] {
        &[]
    }

    /// What the provider refuses in a configuration before planning
    /// (azurerm's validation across arguments and `CustomizeDiff`).
    fn validate(&self, config: &Value) -> crate::diag::Diagnostics {
        let _ = config;
        crate::diag::Diagnostics::new()
    }

    /// Requests under the resource whose answers fill attributes, made
    /// after each read of `doc`: POST actions (`listClusterUserCredential`
    /// for a kubeconfig) and GETs of child resources its arguments write.
    fn extra_reads(&self, doc: &Json) -> Vec<extras::Read> {
        let _ = doc;
        Vec::new()
    }

    /// Fills attributes from those answers (`None`: not found).
    fn read_extra(&self, answers: &[(extras::Read, Option<Json>)], value: &mut Value) {
        let _ = (answers, value);
    }

    /// Child resources the arguments describe, written after the resource
    /// itself and compared with the prior ones (AKS maintenance
    /// configurations): each path under the id, with its body, or `None`
    /// when it must not exist. (Children carried inside the ARM body are
    /// [`Self::children`].)
    fn written_children(&self, value: &Value) -> Vec<extras::Child> {
        let _ = value;
        Vec::new()
    }

    /// What a plan of an in-place change may not do, said before anything
    /// is sent, and what it will do that the diff does not show.
    fn check_plan(&self, schema: &Schema, prior: &Value, planned: &Value) -> crate::diag::Diagnostics {
        let _ = (schema, prior, planned);
        crate::diag::Diagnostics::new()
    }

    /// The node pool an in-place update rotates (see [`rotation`]), if any.
    fn rotation(&self, schema: &Schema, prior: &Value, planned: &Value) -> Option<rotation::Rotation> {
        let _ = (schema, prior, planned);
        None
    }

    /// Why an object that exists must be replaced though its attributes
    /// match: its provisioning failed in Azure.
    fn failed(&self, doc: &Json) -> Option<String> {
        let _ = doc;
        None
    }

    /// Whether deleting it in Azure deletes every resource inside it (a
    /// resource group): it is then deleted only once nothing is left in it,
    /// unless the provider's features say otherwise.
    fn holds_resources(&self) -> bool {
        false
    }

    /// Where Azure keeps it once deleted, while it can be recovered (a key
    /// vault's `deletedVaults` id), and the feature that lets a create
    /// recover it (see `soft_delete`); `None` for types without soft delete.
    fn soft_deleted(&self, planned: &Value, subscription: &str) -> Option<super::soft_delete::SoftDeleted> {
        let _ = (planned, subscription);
        None
    }

    /// What Azure does with the resource once deleted, as its live body
    /// says (soft delete on, purge protection on); asked only of types
    /// with [`TypeHooks::soft_deleted`].
    fn kept_once_deleted(&self, live: &Json) -> super::soft_delete::Kept {
        let _ = live;
        super::soft_delete::Kept::Not
    }

    /// The ARM paths an update keeps of the resource as Azure has it,
    /// because other resources own them (see [`keep`]): a subnet's
    /// associations. Empty: the update sends the planned body alone, and
    /// nothing is read first.
    fn kept_on_update(&self, prior: &Value, planned: &Value) -> Vec<&'static str> {
        let _ = (prior, planned);
        Vec::new()
    }

    /// Whether a list of the type's collection answers each resource with
    /// the body its GET would, so that a refresh may read many at once (see
    /// `bulk`). Types whose lists answer less, or other objects too, say no
    /// and are read one GET each.
    fn listed_in_full(&self) -> bool {
        true
    }
}

struct Plain;
impl TypeHooks for Plain {}

/// The hooks of a type.
pub fn hooks(type_name: &str) -> &'static dyn TypeHooks {
    match type_name {
        "azurerm_kubernetes_cluster" => &kubernetes_cluster::Hooks,
        "azurerm_kubernetes_cluster_node_pool" => &kubernetes_cluster_node_pool::Hooks,
        "azurerm_kubernetes_cluster_extension" | "azurerm_arc_kubernetes_cluster_extension" => &extension::Hooks,
        "azurerm_machine_learning_inference_cluster" => &inference_cluster::Hooks,
        "azurerm_resource_group" => &resource_group::Hooks,
        "azurerm_role_assignment" => &role_assignment::Hooks,
        "azurerm_subnet" => &subnet::Hooks,
        "azurerm_user_assigned_identity" => &user_assigned_identity::Hooks,
        "azurerm_log_analytics_workspace" => &log_analytics_workspace::Hooks,
        "azurerm_log_analytics_solution" => &log_analytics_solution::Hooks,
        "azurerm_monitor_data_collection_rule" => &data_collection_rule::Hooks,
        "azurerm_monitor_diagnostic_setting" => &diagnostic_setting::Hooks,
        "azurerm_private_dns_zone" => &private_dns::Zone,
        "azurerm_private_dns_zone_virtual_network_link" => &private_dns::Link,
        "azurerm_private_endpoint" => &private_endpoint::Hooks,
        "azurerm_container_registry" => &container_registry::Hooks,
        "azurerm_federated_identity_credential" => &federated_identity_credential::Hooks,
        "azurerm_key_vault" => &key_vault::Hooks,
        "azurerm_storage_account" => &storage_account::Hooks,
        "azurerm_kubernetes_flux_configuration" => &flux_configuration::Hooks,
        "azurerm_virtual_network" => &virtual_network::Hooks,
        "azurerm_network_security_group" => &network_security_group::Hooks,
        "azurerm_network_security_rule" => &network_security_rule::Hooks,
        "azurerm_route_table" => &route_table::Hooks,
        "azurerm_public_ip" => &public_ip::Hooks,
        "azurerm_nat_gateway" => &nat_gateway::Hooks,
        "azurerm_virtual_network_peering" => &virtual_network_peering::Hooks,
        _ => &Plain,
    }
}

/// Types with operations of their own rather than ARM CRUD on one id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Custom {
    /// `azurerm_resource_provider_registration`: register and unregister.
    Registration,
    /// `data azurerm_client_config`: who aksplan runs as.
    ClientConfig,
    /// `data azurerm_role_definition`: a built-in role by name or id.
    RoleDefinition,
    /// `azurerm_key_vault_access_policy`: an entry of a vault's access policies.
    KeyVaultAccessPolicy,
    /// `data azurerm_key_vault_access_policy`: azurerm's permission templates.
    KeyVaultAccessPolicyTemplate,
    /// `data azurerm_kubernetes_service_versions`: the versions AKS offers.
    KubernetesServiceVersions,
    /// A reference one resource keeps to another (see [`association`]).
    Association,
}

pub fn custom(mode: Mode, type_name: &str) -> Option<Custom> {
    match (mode, type_name) {
        (Mode::Managed, "azurerm_resource_provider_registration") => Some(Custom::Registration),
        (Mode::Data, "azurerm_client_config") => Some(Custom::ClientConfig),
        (Mode::Data, "azurerm_role_definition") => Some(Custom::RoleDefinition),
        (Mode::Managed, "azurerm_key_vault_access_policy") => Some(Custom::KeyVaultAccessPolicy),
        (Mode::Data, "azurerm_key_vault_access_policy") => Some(Custom::KeyVaultAccessPolicyTemplate),
        (Mode::Data, "azurerm_kubernetes_service_versions") => Some(Custom::KubernetesServiceVersions),
        (Mode::Managed, t) if association::of(t).is_some() => Some(Custom::Association),
        _ => None,
    }
}

pub use client_config::client_config;
pub use key_vault_access_policy_template::template as key_vault_access_policy_template;
pub use role_definition::role_definition;

fn set(v: &mut Value, key: &str, value: Value) {
    if let Some(m) = v.as_map_mut() {
        m.insert(key.to_string(), value);
    }
}
