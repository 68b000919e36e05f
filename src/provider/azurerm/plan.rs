//! Planning an azurerm resource: the shared schema-driven planning, the
//! exceptions a type allows in place, and the ARM id, derived from the
//! names in it when they are known. Pure: no I/O, no clock.

use super::mapper::build_id;
use crate::lang::Value;
use crate::provider::planning;
use crate::schema::Schema;

/// The planned value and the paths (`default_node_pool.0.name`) that force replacement.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub value: Value,
    pub replace_paths: Vec<String>,
}

pub fn plan(schema: &Schema, prior: Option<&Value>, config: &Value, subscription: &str) -> Planned {
    let hooks = super::types::hooks(&schema.name);
    let mut config = config.clone();
    hooks.before_plan(&mut config, prior, subscription);
    let (mut value, replace) = planning::plan(&schema.block, prior, &config, |v, replace| {
        hooks.replacements(prior, v, replace)
    });
    let keep_prior_id = prior.is_some() && replace.is_empty();
    let id = match (keep_prior_id, prior.and_then(|p| p.get("id"))) {
        (true, Some(id)) if !id.is_null() => id.clone(),
        _ => schema
            .arm
            .as_ref()
            .and_then(|arm| build_id(&arm.id, &value, subscription))
            .map(|id| Value::String(hooks.state_id(&id)))
            .unwrap_or(Value::Unknown(crate::lang::types::Type::String)),
    };
    if let Some(m) = value.as_map_mut() {
        if schema.block.attributes.contains_key("id") {
            m.insert("id".into(), id);
        }
    }
    Planned {
        value,
        replace_paths: replace,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::Mode;
    use crate::lang::eval::eval_standalone;
    use crate::provider::catalog::testing::schema as lookup;

    fn rg() -> &'static Schema {
        lookup(Mode::Managed, "azurerm_resource_group")
    }

    #[test]
    fn create_derives_the_id_from_names() {
        let cfg =
            eval_standalone(r#"{ name = "rg1", location = "West Europe", tags = null, managed_by = null, id = null }"#)
                .unwrap();
        let p = plan(rg(), None, &cfg, "sub");
        assert_eq!(
            p.value.get("id"),
            Some(&Value::string("/subscriptions/sub/resourceGroups/rg1"))
        );
        assert!(p.replace_paths.is_empty());
    }

    #[test]
    fn normalised_values_make_no_diff_and_force_new_changes_replace() {
        let prior = eval_standalone(r#"{ id = "/subscriptions/sub/resourceGroups/rg1", name = "rg1", location = "westeurope", tags = null, managed_by = null, timeouts = null }"#).unwrap();
        let same =
            eval_standalone(r#"{ name = "rg1", location = "West Europe", tags = null, managed_by = null, id = null }"#)
                .unwrap();
        let p = plan(rg(), Some(&prior), &same, "sub");
        assert!(p.value.same_as(&prior), "{:?}", p.value);
        assert!(p.replace_paths.is_empty());
        let moved =
            eval_standalone(r#"{ name = "rg1", location = "eastus", tags = null, managed_by = null, id = null }"#)
                .unwrap();
        let p = plan(rg(), Some(&prior), &moved, "sub");
        assert_eq!(p.replace_paths, vec!["location"]);
    }

    #[test]
    fn omitted_optional_computed_attributes_keep_prior_values() {
        let schema = lookup(Mode::Managed, "azurerm_user_assigned_identity");
        let prior = eval_standalone(r#"{ id = "/x", name = "i", resource_group_name = "rg", location = "westeurope", tags = null, principal_id = "p", client_id = "c", tenant_id = "t" }"#).unwrap();
        let cfg = eval_standalone(
            r#"{ name = "i", resource_group_name = "rg", location = "westeurope", tags = { a = "b" } }"#,
        )
        .unwrap();
        let p = plan(schema, Some(&prior), &cfg, "sub");
        assert_eq!(p.value.get("principal_id"), Some(&Value::string("p")));
        assert_eq!(p.value.get("id"), Some(&Value::string("/x")));
        assert!(p.replace_paths.is_empty());
    }
}
