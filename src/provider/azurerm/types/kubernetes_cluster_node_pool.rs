//! `azurerm_kubernetes_cluster_node_pool`: its rotation when a setting AKS
//! builds a pool with changes (see [`rotation`]), and the OS SKU changes
//! AKS makes in place.

use super::{aks_node_pool_arm, force_new_if, rotation, TypeHooks};
use crate::lang::Value;
use crate::schema::Schema;
use serde_json::Value as Json;

pub struct Hooks;

impl TypeHooks for Hooks {
    /// A change AKS cannot make to a pool in place is refused without
    /// `temporary_name_for_rotation`, as azurerm refuses it, and said to
    /// rotate the pool with it.
    fn check_plan(&self, schema: &Schema, prior: &Value, planned: &Value) -> crate::diag::Diagnostics {
        rotation::check(&rotation::NODE_POOL, &schema.block, prior, planned)
    }

    fn rotation(&self, schema: &Schema, prior: &Value, planned: &Value) -> Option<rotation::Rotation> {
        rotation::needed(&rotation::NODE_POOL, &schema.block, prior, planned)
    }

    fn to_arm(&self, value: &Value, body: &mut Json) {
        aks_node_pool_arm::to_arm(value, body);
    }

    fn read_arm(&self, doc: &Json, value: &mut Value, subscription: &str) {
        let _ = subscription;
        aks_node_pool_arm::read(doc, value);
    }

    fn replacements(&self, prior: Option<&Value>, planned: &Value, replace: &mut Vec<String>) {
        if let Some(prior) = prior {
            force_new_if::node_pool(prior, planned, replace);
        }
    }
}
