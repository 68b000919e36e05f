//! What a type needs beyond its overlay: one file per type, each a
//! [`TypeHooks`] implementation, and the one table that names them.
//!
//! The generic mapping (overlay ARM paths, id templates, PUT/GET/DELETE)
//! does the rest. A type with operations of its own (registering a
//! resource provider, reading the client's configuration) is a [`Custom`].

mod absent;
mod client_config;
mod extension;
mod flux_configuration;
mod force_new_if;
mod inference_cluster;
mod key_vault;
pub mod key_vault_access_policy;
mod key_vault_access_policy_template;
mod key_vault_policies;
mod kubernetes_cluster;
mod kubernetes_cluster_node_pool;
pub mod kubernetes_service_versions;
pub mod registration;
pub mod resource_group;
mod role_assignment;
mod role_definition;
pub mod rotation;
mod storage_account;
mod storage_account_endpoints;
mod subnet;
#[cfg(test)]
mod testing;

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
    /// (`listClusterUserCredential` for a kubeconfig).
    fn credentials_action(&self) -> Option<&'static str> {
        None
    }

    /// Fills attributes from that action's answer.
    fn credentials(&self, answer: &Json, value: &mut Value) {
        let _ = (answer, value);
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
        "azurerm_key_vault" => &key_vault::Hooks,
        "azurerm_storage_account" => &storage_account::Hooks,
        "azurerm_kubernetes_flux_configuration" => &flux_configuration::Hooks,
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
}

pub fn custom(mode: Mode, type_name: &str) -> Option<Custom> {
    match (mode, type_name) {
        (Mode::Managed, "azurerm_resource_provider_registration") => Some(Custom::Registration),
        (Mode::Data, "azurerm_client_config") => Some(Custom::ClientConfig),
        (Mode::Data, "azurerm_role_definition") => Some(Custom::RoleDefinition),
        (Mode::Managed, "azurerm_key_vault_access_policy") => Some(Custom::KeyVaultAccessPolicy),
        (Mode::Data, "azurerm_key_vault_access_policy") => Some(Custom::KeyVaultAccessPolicyTemplate),
        (Mode::Data, "azurerm_kubernetes_service_versions") => Some(Custom::KubernetesServiceVersions),
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
