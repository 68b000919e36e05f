//! What a type needs beyond its overlay: one file per type, each a
//! [`TypeHooks`] implementation, and the one table that names them.
//!
//! The generic mapping (overlay ARM paths, id templates, PUT/GET/DELETE)
//! does the rest. A type with operations of its own (registering a
//! resource provider, reading the client's configuration) is a [`Custom`].

pub mod association;
mod client_config;
mod extension;
mod fields;
mod force_new_if;
mod inference_cluster;
pub mod keep;
mod kubernetes_cluster;
mod kubernetes_cluster_node_pool;
mod nat_gateway;
mod network_security_group;
mod network_security_rule;
mod public_ip;
pub mod registration;
pub mod resource_group;
mod role_assignment;
mod role_definition;
pub mod rotation;
mod route_table;
mod subnet;
mod virtual_network;

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

    /// The ARM paths an update keeps of the resource as Azure has it,
    /// because other resources own them (see [`keep`]): a subnet's
    /// associations. Empty: the update sends the planned body alone, and
    /// nothing is read first.
    fn kept_on_update(&self, prior: &Value, planned: &Value) -> Vec<&'static str> {
        let _ = (prior, planned);
        Vec::new()
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
        "azurerm_virtual_network" => &virtual_network::Hooks,
        "azurerm_network_security_group" => &network_security_group::Hooks,
        "azurerm_network_security_rule" => &network_security_rule::Hooks,
        "azurerm_route_table" => &route_table::Hooks,
        "azurerm_public_ip" => &public_ip::Hooks,
        "azurerm_nat_gateway" => &nat_gateway::Hooks,
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
    /// A reference one resource keeps to another (see [`association`]).
    Association,
}

pub fn custom(mode: Mode, type_name: &str) -> Option<Custom> {
    match (mode, type_name) {
        (Mode::Managed, "azurerm_resource_provider_registration") => Some(Custom::Registration),
        (Mode::Data, "azurerm_client_config") => Some(Custom::ClientConfig),
        (Mode::Data, "azurerm_role_definition") => Some(Custom::RoleDefinition),
        (Mode::Managed, t) if association::of(t).is_some() => Some(Custom::Association),
        _ => None,
    }
}

pub use client_config::client_config;
pub use role_definition::role_definition;

fn set(v: &mut Value, key: &str, value: Value) {
    if let Some(m) = v.as_map_mut() {
        m.insert(key.to_string(), value);
    }
}
