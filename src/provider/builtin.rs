//! Terraform's built-in provider (`terraform.io/builtin/terraform`): the
//! `terraform_data` resource, which keeps a value through plan and apply
//! and touches no cloud.
//!
//! Planning is the generic planning of its schema (`triggers_replace`
//! forces a replacement, `input` changes in place), with one rule of its
//! own: `output` is unknown until apply whenever `input` changes. Applying
//! gives a new instance a UUID and copies `input` to `output`; reading and
//! deleting have nothing to ask of anyone.

use super::azurerm::ApplyResponse;
use crate::lang::types::Type;
use crate::lang::Value;

pub const TERRAFORM_DATA: &str = "terraform_data";

/// Whether a resource type is the built-in provider's.
pub fn is_builtin(type_name: &str) -> bool {
    type_name == TERRAFORM_DATA
}

/// `output` is unknown in a plan that changes `input`.
pub fn after_plan(planned: &mut Value, prior: Option<&Value>) {
    let changed = match (prior.and_then(|p| p.get("input")), planned.get("input")) {
        (Some(before), Some(after)) => !before.same_as(after),
        _ => true,
    };
    if changed {
        if let Some(m) = planned.as_map_mut() {
            m.insert("output".into(), Value::Unknown(Type::Dynamic));
        }
    }
}

/// Creates or updates: the prior UUID or a new one, and `output` = `input`.
pub fn apply(prior: Option<&Value>, planned: &Value) -> ApplyResponse {
    let mut value = planned.clone();
    let id = prior
        .and_then(|p| p.get("id"))
        .filter(|id| id.is_known() && !id.is_null())
        .cloned()
        .unwrap_or_else(|| Value::string(uuid::Uuid::new_v4().to_string()));
    let input = planned.get("input").cloned().unwrap_or_else(Value::null);
    if let Some(m) = value.as_map_mut() {
        m.insert("id".into(), id);
        m.insert("output".into(), input);
    }
    ApplyResponse {
        value: Some(value),
        diags: Default::default(),
    }
}
