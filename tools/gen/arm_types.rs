//! The ARM resource type, api-version and scope of each azurerm resource
//! type, from `../shared/data/azurerm-arm-types.json`: facts only. A type
//! is listed when the data gives both its ARM type and an api-version; the
//! scope is where its id starts (`/subscriptions/resourceGroups`, `any`
//! for an extension resource, ...). These are the data's best guesses, so
//! the convention layer that reads them marks its types unverified.

use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;
use std::path::Path;

pub const FILE: &str = "azurerm-arm-types.json";

pub fn render(data: &Path) -> Result<String, String> {
    let doc = super::read_json(&data.join(FILE))?;
    let resources = doc
        .get("resources")
        .and_then(Json::as_object)
        .ok_or_else(|| format!("{FILE}: no \"resources\" object"))?;
    let mut rows: BTreeMap<String, Json> = BTreeMap::new();
    for (name, r) in resources {
        let field = |k: &str| r.get(k).and_then(Json::as_str);
        let (Some(arm_type), Some(api_version)) = (field("arm_type"), field("api_version")) else {
            continue;
        };
        if !arm_type.contains('/') || !is_api_version(api_version) {
            return Err(format!(
                "{FILE}: {name}: {arm_type:?} at {api_version:?} is not an ARM type and version"
            ));
        }
        let scopes: Vec<&str> = r
            .get("scopes")
            .and_then(Json::as_array)
            .map(|s| s.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        let mut row = Map::new();
        row.insert("api_version".into(), json!(api_version));
        row.insert("scope".into(), json!(scopes.first().copied().unwrap_or("")));
        row.insert("type".into(), json!(arm_type));
        rows.insert(name.clone(), Json::Object(row));
    }
    let head = [
        ("generated_by", json!(super::tables::generated_by(FILE, &doc))),
        (
            "description",
            json!("azurerm resource type to ARM resource type, api-version and scope (the data's best guess; unverified)."),
        ),
        ("count", json!(rows.len())),
    ];
    super::tables::document(&head, "types", rows.into_iter().collect())
}

/// `2023-09-01` or `2021-05-01-preview`.
fn is_api_version(v: &str) -> bool {
    let date = v.split('-').take(3).collect::<Vec<_>>();
    date.len() == 3 && date.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_types_aks_stacks_use_are_listed_with_their_scope() {
        let data = super::super::test_data_dir(FILE);
        let doc: Json = serde_json::from_str(&render(&data).unwrap()).unwrap();
        let law = &doc["types"]["azurerm_log_analytics_workspace"];
        assert_eq!(law["type"], "Microsoft.OperationalInsights/workspaces");
        assert_eq!(law["scope"], "/subscriptions/resourceGroups");
        assert_eq!(doc["types"]["azurerm_monitor_diagnostic_setting"]["scope"], "any");
        assert!(doc["count"].as_u64().unwrap() > 1000);
    }

    #[test]
    fn a_version_that_is_not_one_is_refused_with_the_type_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE),
            r#"{"resources": {"azurerm_x": {"arm_type": "Microsoft.X/ys", "api_version": "latest"}}}"#,
        )
        .unwrap();
        let e = render(dir.path()).unwrap_err();
        assert!(e.contains("azurerm_x"), "{e}");
    }
}
