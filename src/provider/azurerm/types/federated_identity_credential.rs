//! `azurerm_federated_identity_credential`: azurerm 4.x names the identity
//! either `user_assigned_identity_id` or, deprecated, `parent_id` (exactly
//! one of them), and reads both back, with the deprecated
//! `resource_group_name`, from the credential's id. One audience at most,
//! as azurerm's schema allows.

use super::{set, TypeHooks};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use serde_json::Value as Json;

pub struct Hooks;

const IDENTITY: &str = "user_assigned_identity_id";
const PARENT: &str = "parent_id";

/// The resource group segment of an ARM id.
fn resource_group(id: &str) -> Option<&str> {
    let segments: Vec<&str> = id.split('/').collect();
    let at = segments.iter().position(|s| s.eq_ignore_ascii_case("resourceGroups"))?;
    segments.get(at + 1).copied().filter(|s| !s.is_empty())
}

fn given(config: &Value, name: &str) -> Option<Value> {
    config.get(name).filter(|v| !v.is_null()).cloned()
}

impl TypeHooks for Hooks {
    /// Each name of the identity stands for the other, so the id is known
    /// from either; the resource group follows from it.
    fn before_plan(&self, config: &mut Value, _prior: Option<&Value>, _subscription: &str) {
        let identity = given(config, IDENTITY).or_else(|| given(config, PARENT));
        let Some(identity) = identity else { return };
        set(config, IDENTITY, identity.clone());
        set(config, PARENT, identity.clone());
        if given(config, "resource_group_name").is_none() {
            if let Some(rg) = identity.as_str().and_then(resource_group) {
                set(config, "resource_group_name", Value::string(rg));
            }
        }
    }

    fn read_arm(&self, doc: &Json, value: &mut Value, _subscription: &str) {
        let Some(identity) = value.get(IDENTITY).and_then(Value::as_str).map(str::to_string) else {
            return;
        };
        let _ = doc;
        if let Some(rg) = resource_group(&identity) {
            set(value, "resource_group_name", Value::string(rg));
        }
        set(value, PARENT, Value::String(identity));
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let unknown = [IDENTITY, PARENT]
            .iter()
            .any(|a| config.get(a).is_some_and(|v| !v.is_known()));
        if !unknown && given(config, IDENTITY).is_none() && given(config, PARENT).is_none() {
            diags.push(
                Diagnostic::error("Missing argument in azurerm_federated_identity_credential")
                    .with_detail(format!("exactly one of {IDENTITY} and {PARENT} must be set")),
            );
        }
        if let Some(n) = config.get("audience").and_then(Value::as_seq).map(<[Value]>::len) {
            if n > 1 {
                diags.push(
                    Diagnostic::error("Too many list items").with_detail(format!(
                        "audience of azurerm_federated_identity_credential supports 1 item maximum, but config has {n} declared"
                    )),
                );
            }
        }
        diags
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const MI: &str =
        "/subscriptions/s/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi";

    #[test]
    fn either_name_of_the_identity_gives_both_and_the_resource_group() {
        for name in [IDENTITY, PARENT] {
            let mut config = Value::from_json(&json!({name: MI, "name": "fic"}));
            Hooks.before_plan(&mut config, None, "s");
            assert_eq!(config.get(IDENTITY).and_then(Value::as_str), Some(MI), "{name}");
            assert_eq!(config.get(PARENT).and_then(Value::as_str), Some(MI), "{name}");
            assert_eq!(config.get("resource_group_name").and_then(Value::as_str), Some("rg-id"));
        }
        // Unknown until the identity exists: both are.
        let mut config = Value::from_json(&json!({"name": "fic"}));
        set(&mut config, IDENTITY, Value::unknown());
        Hooks.before_plan(&mut config, None, "s");
        assert!(!config.get(PARENT).unwrap().is_known());
    }

    #[test]
    fn exactly_one_name_and_one_audience_are_required() {
        let none = Value::from_json(&json!({"name": "fic", "audience": ["a"]}));
        let d = Hooks.validate(&none);
        assert!(d.has_errors());
        assert!(d.iter().any(|d| d.detail.contains("exactly one of")));
        let two = Value::from_json(&json!({IDENTITY: MI, "audience": ["a", "b"]}));
        let d = Hooks.validate(&two);
        assert_eq!(d.error_count(), 1);
        let ok = Value::from_json(&json!({PARENT: MI, "audience": ["a"]}));
        assert!(!Hooks.validate(&ok).has_errors());
    }

    #[test]
    fn the_deprecated_names_are_read_back_from_the_id() {
        let mut value = Value::from_json(&json!({IDENTITY: MI, PARENT: null, "resource_group_name": null}));
        Hooks.read_arm(&json!({}), &mut value, "s");
        assert_eq!(value.get(PARENT).and_then(Value::as_str), Some(MI));
        assert_eq!(value.get("resource_group_name").and_then(Value::as_str), Some("rg-id"));
    }
}
