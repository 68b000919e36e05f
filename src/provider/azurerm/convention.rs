//! The convention: how an azurerm type with no curated overlay maps to
//! Azure Resource Manager, so that it plans and applies (on the simulation,
//! or against Azure when the user accepts unverified types).
//!
//! The ARM type, api-version and scope come from the generated table
//! `schemas/tables/arm_types.json`; the id is built from the scope, the
//! resource group and parent names (or a parent's id) and `name`. Each
//! attribute goes where most ARM types keep it: `location`, `tags`,
//! `zones`, `sku_name` (as `sku.name`) and the `identity` block at the
//! top, `public_network_access_enabled` as `publicNetworkAccess`
//! (`Enabled`/`Disabled`), everything else under `properties`, in
//! camelCase, blocks as
//! objects (one) or arrays (several). What the convention cannot place,
//! it leaves the type to validation only. It produces an overlay, so the
//! one mapper serves curated and convention types alike; it never
//! overrides a curated overlay.

use crate::addrs::Mode;
use crate::schema::BlockSchema;
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../../schemas/tables/arm_types.json");

/// One type's row of the table.
struct Row {
    arm_type: String,
    api_version: String,
    scope: String,
}

fn table() -> &'static BTreeMap<String, Row> {
    static ROWS: OnceLock<BTreeMap<String, Row>> = OnceLock::new();
    ROWS.get_or_init(|| {
        let doc: Json = serde_json::from_str(TABLE).unwrap_or(Json::Null);
        let Some(types) = doc.get("types").and_then(Json::as_object) else {
            return BTreeMap::new();
        };
        types
            .iter()
            .filter_map(|(name, r)| {
                let s = |k: &str| r.get(k).and_then(Json::as_str).map(str::to_string);
                Some((
                    name.clone(),
                    Row {
                        arm_type: s("type")?,
                        api_version: s("api_version")?,
                        scope: s("scope")?,
                    },
                ))
            })
            .collect()
    })
}

/// The overlay the convention gives a type, as an overlay file would hold
/// it; `None` when the table lacks the type or its id cannot be built.
/// A data source takes its resource's mapping.
pub fn overlay(_mode: Mode, name: &str, block: &BlockSchema) -> Option<Json> {
    let row = table().get(name)?;
    let id = id_template(row, block)?;
    let in_id = placeholders(&id);
    let mut attributes = Map::new();
    for (attr, a) in &block.attributes {
        let entry = if in_id.iter().any(|p| p == attr) {
            json!({"force_new": true, "compare": "case_insensitive"})
        } else {
            match attr.as_str() {
                "id" => json!({"compare": "case_insensitive"}),
                "location" => json!({"force_new": true, "arm": "location", "compare": "location"}),
                "tags" | "zones" => json!({ "arm": attr }),
                "sku_name" => json!({"arm": "sku.name"}),
                // ARM's common `publicNetworkAccess: Enabled|Disabled`.
                "public_network_access_enabled" => {
                    json!({"arm": "properties.publicNetworkAccess", "arm_shape": "enabled_disabled"})
                }
                _ => {
                    let mut e = json!({ "arm": format!("properties.{}", camel(attr)) });
                    // Azure does not return secrets: keep what was sent.
                    if a.sensitive && a.is_settable() {
                        e["write_only"] = json!(true);
                    }
                    e
                }
            }
        };
        attributes.insert(attr.clone(), entry);
    }
    let mut block_types = Map::new();
    for (b, nested) in &block.block_types {
        let entry = match b.as_str() {
            "timeouts" => continue,
            "identity" => identity(&nested.block),
            "sku" => json!({"arm": "sku", "block": nested_block(&nested.block)}),
            _ => json!({"arm": format!("properties.{}", camel(b)), "block": nested_block(&nested.block)}),
        };
        block_types.insert(b.clone(), entry);
    }
    Some(json!({
        "name": name,
        "description": format!("{} (mapped by convention, unverified)", row.arm_type),
        "arm": {"type": row.arm_type, "api_version": row.api_version, "id": id},
        "block": {"attributes": attributes, "block_types": block_types},
    }))
}

/// The `{...}` names of an id template.
fn placeholders(template: &str) -> Vec<String> {
    template
        .split('{')
        .skip(1)
        .filter_map(|s| s.split('}').next())
        .map(str::to_string)
        .collect()
}

/// A block inside the body: each attribute and block by its camelCase name.
fn nested_block(block: &BlockSchema) -> Json {
    let attributes: Map<String, Json> = block
        .attributes
        .iter()
        .map(|(n, a)| {
            let mut e = json!({ "arm": camel(n) });
            if a.sensitive && a.is_settable() {
                e["write_only"] = json!(true);
            }
            (n.clone(), e)
        })
        .collect();
    let block_types: Map<String, Json> = block
        .block_types
        .iter()
        .filter(|(_, nb)| nb.nesting.is_sequence())
        .map(|(n, nb)| (n.clone(), json!({"arm": camel(n), "block": nested_block(&nb.block)})))
        .collect();
    json!({"attributes": attributes, "block_types": block_types})
}

/// azurerm's `identity` block, as every ARM type that has one writes it.
fn identity(block: &BlockSchema) -> Json {
    let mut attributes = Map::new();
    for n in block.attributes.keys() {
        let e = match n.as_str() {
            "type" => json!({"arm": "type"}),
            "identity_ids" => json!({"arm": "userAssignedIdentities", "arm_shape": "keys"}),
            "principal_id" => json!({"arm": "principalId"}),
            "tenant_id" => json!({"arm": "tenantId"}),
            other => json!({ "arm": camel(other) }),
        };
        attributes.insert(n.clone(), e);
    }
    json!({"arm": "identity", "block": {"attributes": attributes}})
}

/// The id template of a type, from its scope and ARM type.
fn id_template(row: &Row, block: &BlockSchema) -> Option<String> {
    let has = |n: &str| block.attributes.get(n).is_some_and(|a| a.required);
    if !has("name") {
        return None;
    }
    let (provider, types) = row.arm_type.split_once('/')?;
    let segments: Vec<&str> = types.split('/').collect();
    let (last, parents) = segments.split_last()?;
    let required_ids: Vec<&String> = block
        .attributes
        .iter()
        .filter(|(n, a)| a.required && n.ends_with("_id"))
        .map(|(n, _)| n)
        .collect();
    // A child of another resource named by its id (`server_id`), or an
    // extension resource of any scope (`target_resource_id`).
    let parent_by_id = |ids: &[&String]| -> Option<String> {
        for preferred in ["target_resource_id", "scope", "resource_id", "parent_id"] {
            if has(preferred) {
                return Some(preferred.to_string());
            }
        }
        match ids {
            [one] => Some((*one).clone()),
            _ => parents.last().and_then(|p| pick(p, block, "_id", |_| true)),
        }
    };
    let base = match row.scope.as_str() {
        "/subscriptions/resourceGroups" if parents.is_empty() && has("resource_group_name") => {
            format!("/subscriptions/{{subscription}}/resourceGroups/{{resource_group_name}}/providers/{provider}/{last}/{{name}}")
        }
        "/subscriptions/resourceGroups" if has("resource_group_name") => {
            let mut path =
                format!("/subscriptions/{{subscription}}/resourceGroups/{{resource_group_name}}/providers/{provider}");
            let mut used = Vec::new();
            for (i, p) in parents.iter().enumerate() {
                // The top parent is often named after the service:
                // `api_management_name` for Microsoft.ApiManagement/service.
                let service = (i == 0).then(|| snake(provider.trim_start_matches("Microsoft.")));
                match parent_name_attr(p, service.as_deref(), block, &used) {
                    Some(attr) => {
                        path.push_str(&format!("/{p}/{{{attr}}}"));
                        used.push(attr);
                    }
                    // Named by its id instead (`workspace_id`).
                    None => {
                        let parent = parent_by_id(&required_ids)?;
                        return Some(format!("{{{parent}}}/{last}/{{name}}"));
                    }
                }
            }
            format!("{path}/{last}/{{name}}")
        }
        "/subscriptions/resourceGroups" if !parents.is_empty() => {
            let parent = parent_by_id(&required_ids)?;
            format!("{{{parent}}}/{last}/{{name}}")
        }
        "/subscriptions" if parents.is_empty() => {
            format!("/subscriptions/{{subscription}}/providers/{provider}/{last}/{{name}}")
        }
        "any" | "/" if parents.is_empty() => {
            let parent = parent_by_id(&required_ids)?;
            format!("{{{parent}}}/providers/{provider}/{last}/{{name}}")
        }
        scope if scope.starts_with("/subscriptions/resourceGroups/") && parents.is_empty() => {
            let parent = parent_by_id(&required_ids)?;
            format!("{{{parent}}}/providers/{provider}/{last}/{{name}}")
        }
        _ => return None,
    };
    Some(base)
}

/// The attribute naming a parent of ARM type segment `segment`
/// (`virtualNetworks` → `virtual_network_name`, `databaseAccounts` →
/// `account_name`, `service` of Microsoft.ApiManagement →
/// `api_management_name`).
fn parent_name_attr(segment: &str, service: Option<&str>, block: &BlockSchema, used: &[String]) -> Option<String> {
    let free = |n: &str| !matches!(n, "name" | "resource_group_name") && !used.iter().any(|u| u == n);
    if let Some(s) = service.map(|s| format!("{s}_name")) {
        if block.attributes.get(&s).is_some_and(|a| a.required) && free(&s) {
            return Some(s);
        }
    }
    pick(segment, block, "_name", free)
}

/// The one required attribute ending in `suffix` (`_name`, `_id`) whose
/// stem names ARM type segment `segment`: the same words, or one ending in
/// the other's (`vault` for `backupVaults`, `data_factory` for `factories`).
fn pick(segment: &str, block: &BlockSchema, suffix: &str, free: impl Fn(&str) -> bool) -> Option<String> {
    let singular = singular(&snake(segment));
    let names = |stem: &str| {
        stem == singular || singular.ends_with(&format!("_{stem}")) || stem.ends_with(&format!("_{singular}"))
    };
    let found: Vec<&String> = block
        .attributes
        .iter()
        .filter(|(n, a)| a.required && free(n))
        .filter(|(n, _)| n.strip_suffix(suffix).is_some_and(names))
        .map(|(n, _)| n)
        .collect();
    match found.as_slice() {
        [one] => Some((*one).clone()),
        _ => None,
    }
}

/// `virtual_networks` → `virtual_network`, `registries` → `registry`.
fn singular(snake: &str) -> String {
    snake
        .strip_suffix("ies")
        .map(|s| format!("{s}y"))
        .or_else(|| snake.strip_suffix('s').map(str::to_string))
        .unwrap_or_else(|| snake.to_string())
}

/// `public_network_access_enabled` → `publicNetworkAccessEnabled`.
fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `virtualNetworks` → `virtual_networks`.
fn snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, c) in camel.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::catalog::testing;

    #[test]
    fn names_turn_into_arm_names() {
        assert_eq!(camel("public_network_access_enabled"), "publicNetworkAccessEnabled");
        assert_eq!(snake("virtualNetworks"), "virtual_networks");
    }

    fn raw(name: &str) -> BlockSchema {
        // The schema without any overlay: what the convention starts from.
        testing::schema(Mode::Managed, name).block.clone()
    }

    #[test]
    fn a_resource_group_resource_is_placed_under_its_group() {
        let o = overlay(
            Mode::Managed,
            "azurerm_log_analytics_workspace",
            &raw("azurerm_log_analytics_workspace"),
        )
        .unwrap();
        assert_eq!(o["arm"]["type"], "Microsoft.OperationalInsights/workspaces");
        assert_eq!(
            o["arm"]["id"],
            "/subscriptions/{subscription}/resourceGroups/{resource_group_name}/providers/Microsoft.OperationalInsights/workspaces/{name}"
        );
        let attrs = &o["block"]["attributes"];
        assert_eq!(attrs["retention_in_days"]["arm"], "properties.retentionInDays");
        assert_eq!(attrs["location"]["arm"], "location");
        assert_eq!(
            attrs["primary_shared_key"]["write_only"],
            Json::Null,
            "computed secrets are read"
        );
    }

    #[test]
    fn a_child_is_placed_under_its_parent_by_name_or_by_id() {
        let o = overlay(
            Mode::Managed,
            "azurerm_private_dns_a_record",
            &raw("azurerm_private_dns_a_record"),
        )
        .unwrap();
        assert_eq!(
            o["arm"]["id"],
            "/subscriptions/{subscription}/resourceGroups/{resource_group_name}/providers/Microsoft.Network/privateDnsZones/{zone_name}/A/{name}"
        );
        let o = overlay(
            Mode::Managed,
            "azurerm_monitor_diagnostic_setting",
            &raw("azurerm_monitor_diagnostic_setting"),
        )
        .unwrap();
        assert_eq!(
            o["arm"]["id"],
            "{target_resource_id}/providers/Microsoft.Insights/diagnosticSettings/{name}"
        );
    }

    #[test]
    fn a_type_without_a_name_or_a_table_row_has_no_convention() {
        let assoc = "azurerm_subnet_network_security_group_association";
        assert!(overlay(Mode::Managed, assoc, &raw(assoc)).is_none());
        assert!(overlay(Mode::Managed, "azurerm_nope", &BlockSchema::default()).is_none());
    }
}
