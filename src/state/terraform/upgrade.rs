//! An instance's `schema_version` against the version of the type's schema
//! aksplan has, and the upgrades aksplan does itself.
//!
//! A provider upgrades the state of its older versions when Terraform next
//! refreshes it (`UpgradeResourceState`); aksplan's providers have no such
//! upgraders, so the few upgrades an estate is likely to need are done
//! here, on Terraform's JSON before it is read:
//!
//! - azapi 1.x (schema versions 0 and 1) kept `body` and `output` as JSON
//!   strings; azapi 2.x (version 2, which aksplan implements) keeps them as
//!   dynamic values. The strings are parsed.
//! - random 3.4 added `numeric` (random_string version 2, random_password
//!   version 3) as the new name of `number`: an older instance gets
//!   `numeric` from `number`.
//!
//! Any other older version is refused, naming what to run with Terraform
//! first; a newer version (a provider newer than aksplan's schemas) is
//! refused too, as Terraform refuses state written by a newer provider.

use crate::lang::Value;
use serde_json::{json, Value as Json};

/// Brings `attrs` from schema version `found` to `current`, or says why not.
pub fn upgrade(provider: &str, type_name: &str, found: u64, current: u64, attrs: &mut Json) -> Result<(), String> {
    if found == current {
        return Ok(());
    }
    if found > current {
        return Err(format!(
            "schema version {found} of {type_name} is newer than the version aksplan implements ({current}): \
             the state was written by a newer {provider} provider than aksplan's"
        ));
    }
    match type_name {
        "azapi_resource" | "azapi_update_resource" | "azapi_data_plane_resource" | "azapi_resource_action" => {
            parse_json_strings(attrs, &["body", "output", "sensitive_body"])
        }
        "random_string" | "random_password" => {
            if let Some(o) = attrs.as_object_mut() {
                if o.get("numeric").is_none_or(Json::is_null) {
                    let number = o.get("number").cloned().unwrap_or(Json::Bool(true));
                    o.insert("numeric".into(), number);
                }
            }
            Ok(())
        }
        _ => Err(format!(
            "schema version {found} of {type_name} is older than the version aksplan implements ({current}); \
             the {provider} provider upgrades it when Terraform next refreshes it: run `terraform apply \
             -refresh-only` with a current {provider} provider first"
        )),
    }
}

/// azapi 1.x's JSON strings as the dynamic values azapi 2.x keeps.
fn parse_json_strings(attrs: &mut Json, names: &[&str]) -> Result<(), String> {
    let Some(o) = attrs.as_object_mut() else {
        return Ok(());
    };
    for name in names {
        let Some(Json::String(text)) = o.get(*name) else {
            continue;
        };
        let parsed = if text.is_empty() {
            Json::Null
        } else {
            let j: Json = serde_json::from_str(text).map_err(|e| format!("{name} is not JSON: {e}"))?;
            let ty = Value::from_json(&j).ty().to_json();
            json!({"value": j, "type": ty})
        };
        o.insert((*name).to_string(), parsed);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn azapi_1_json_strings_become_values() {
        let mut attrs = json!({"body": "{\"properties\":{\"a\":1}}", "output": "", "name": "x"});
        upgrade("azapi", "azapi_resource", 0, 2, &mut attrs).unwrap();
        assert_eq!(
            attrs["body"],
            json!({"value": {"properties": {"a": 1}}, "type": ["object", {"properties": ["object", {"a": "number"}]}]})
        );
        assert_eq!(attrs["output"], Json::Null);
        let mut bad = json!({"body": "{nope"});
        let e = upgrade("azapi", "azapi_resource", 1, 2, &mut bad).unwrap_err();
        assert!(e.starts_with("body is not JSON"), "{e}");
    }

    #[test]
    fn random_before_3_4_gets_numeric_from_number() {
        let mut attrs = json!({"number": false, "length": 8});
        upgrade("random", "random_string", 1, 2, &mut attrs).unwrap();
        assert_eq!(attrs["numeric"], json!(false));
        let mut attrs = json!({"number": true, "numeric": false});
        upgrade("random", "random_password", 2, 3, &mut attrs).unwrap();
        assert_eq!(attrs["numeric"], json!(false));
    }

    #[test]
    fn same_version_is_untouched_and_others_are_refused() {
        let mut attrs = json!({"body": "{}"});
        upgrade("azapi", "azapi_resource", 2, 2, &mut attrs).unwrap();
        assert_eq!(attrs["body"], json!("{}"));
        let e = upgrade("azurerm", "azurerm_kubernetes_cluster", 1, 2, &mut json!({})).unwrap_err();
        assert!(e.contains("older than the version aksplan implements (2)"), "{e}");
        assert!(e.contains("terraform apply -refresh-only"), "{e}");
        let e = upgrade("azurerm", "azurerm_kubernetes_cluster", 3, 2, &mut json!({})).unwrap_err();
        assert!(e.contains("newer than the version aksplan implements (2)"), "{e}");
    }
}
