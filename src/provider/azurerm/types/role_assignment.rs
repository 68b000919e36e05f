//! `azurerm_role_assignment`: a role named rather than given by id, and an
//! assignment name derived from what it grants.

use super::{set, TypeHooks};
use crate::config::tables::builtin_roles;
use crate::lang::Value;
use serde_json::Value as Json;

pub struct Hooks;

/// The full role definition id of a built-in role name.
pub fn role_definition_id(name: &str, subscription: &str) -> Option<String> {
    builtin_roles()
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, guid)| {
            format!("/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{guid}")
        })
}

/// A role assignment's name, derived from what it grants: the same grant
/// always gets the same GUID, so a lost state cannot create a duplicate.
pub fn role_assignment_name(scope: &str, role_id: &str, principal: &str) -> String {
    let key = format!(
        "{}|{}|{}",
        scope.to_lowercase(),
        role_id.to_lowercase(),
        principal.to_lowercase()
    );
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, key.as_bytes()).to_string()
}

impl TypeHooks for Hooks {
    /// ARM lists role assignments at a scope with those inherited from
    /// above it (RoleAssignments_ListForScope; only `$filter=atScope()`
    /// narrows it, and then to those at or above), so a list is not the
    /// collection of one parent: each is read by its own GET.
    fn listed_in_full(&self) -> bool {
        false
    }

    fn before_plan(&self, config: &mut Value, prior: Option<&Value>, subscription: &str) {
        if config.get("role_definition_id").is_none_or(Value::is_null) {
            let id = match config.get("role_definition_name") {
                Some(Value::String(n)) => role_definition_id(n, subscription).map(Value::String),
                Some(Value::Unknown(_)) => Some(Value::Unknown(crate::lang::types::Type::String)),
                _ => None,
            };
            if let Some(id) = id {
                set(config, "role_definition_id", id);
            }
        }
        if config.get("name").is_none_or(Value::is_null) {
            let name = match prior.and_then(|p| p.get("name")) {
                Some(n) if !n.is_null() => Some(n.clone()),
                _ => match (
                    config.get("scope"),
                    config.get("role_definition_id"),
                    config.get("principal_id"),
                ) {
                    (Some(Value::String(s)), Some(Value::String(r)), Some(Value::String(p))) => {
                        Some(Value::String(role_assignment_name(s, r, p)))
                    }
                    _ => None,
                },
            };
            if let Some(n) = name {
                set(config, "name", n);
            }
        }
    }

    fn read_arm(&self, doc: &Json, value: &mut Value, _subscription: &str) {
        if !value.get("role_definition_name").is_none_or(Value::is_null) {
            return;
        }
        let role_id = doc
            .pointer("/properties/roleDefinitionId")
            .and_then(Json::as_str)
            .unwrap_or("");
        let guid = role_id.rsplit('/').next().unwrap_or("");
        if let Some((name, _)) = builtin_roles().iter().find(|(_, g)| g.eq_ignore_ascii_case(guid)) {
            set(value, "role_definition_name", Value::string(name.as_str()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_resolve_and_assignment_names_are_deterministic() {
        assert_eq!(
            role_definition_id("network contributor", "s").unwrap(),
            "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7"
        );
        let a = role_assignment_name("/S/x", "/r", "p");
        assert_eq!(a, role_assignment_name("/s/X", "/R", "p"));
        assert_ne!(a, role_assignment_name("/s/x", "/r", "q"));
    }
}
