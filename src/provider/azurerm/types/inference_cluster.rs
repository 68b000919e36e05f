//! `azurerm_machine_learning_inference_cluster`: an AKS compute of a
//! workspace, which ARM knows by its compute type.

use super::TypeHooks;
use crate::lang::Value;
use serde_json::{json, Value as Json};

pub struct Hooks;

impl TypeHooks for Hooks {
    fn to_arm(&self, _value: &Value, body: &mut Json) {
        body["properties"]["computeType"] = json!("AKS");
    }
}
