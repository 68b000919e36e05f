//! `azurerm_log_analytics_solution`: Azure names a solution, and its plan,
//! SOLUTION(WORKSPACE). Only its tags change in place: azurerm sends them
//! in a PATCH; here the whole body is PUT again, which sets the same, and
//! also takes tags away (a PATCH, applied as a JSON merge patch, keeps the
//! tags it does not name).

use super::TypeHooks;
use crate::lang::Value;
use serde_json::{json, Value as Json};
use std::borrow::Cow;

pub struct Hooks;

/// `ContainerInsights(law)`, from the attributes that make it.
fn arm_name(value: &Value) -> Option<String> {
    let part = |k: &str| value.get(k).and_then(Value::as_str);
    Some(format!("{}({})", part("solution_name")?, part("workspace_name")?))
}

impl TypeHooks for Hooks {
    fn to_arm(&self, value: &Value, body: &mut Json) {
        if let (Some(name), Some(plan)) = (arm_name(value), body.get_mut("plan")) {
            plan["name"] = json!(name);
        }
    }

    /// azurerm sends an empty promotion code, which Azure keeps: unset.
    fn normalize_arm<'a>(&self, doc: &'a Json, _prior: Option<&Value>) -> Cow<'a, Json> {
        if doc.pointer("/plan/promotionCode").and_then(Json::as_str) != Some("") {
            return Cow::Borrowed(doc);
        }
        let mut doc = doc.clone();
        if let Some(plan) = doc.get_mut("plan").and_then(Json::as_object_mut) {
            plan.remove("promotionCode");
        }
        Cow::Owned(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_config::config;
    use super::*;
    use crate::addrs::Mode;
    use crate::provider::azurerm::{mapper, plan_resource};
    use crate::provider::catalog::testing::schema;

    #[test]
    fn the_solution_and_its_plan_are_named_after_the_workspace() {
        let schema = schema(Mode::Managed, "azurerm_log_analytics_solution");
        let config = config(
            "azurerm_log_analytics_solution",
            r#"{ solution_name = "ContainerInsights", workspace_name = "law", resource_group_name = "rg",
                 location = "westeurope", workspace_resource_id = "/w",
                 plan = [{ publisher = "Microsoft", product = "OMSGallery/ContainerInsights" }] }"#,
        );
        let p = plan_resource(schema, None, &config, "s");
        assert_eq!(
            p.value.get("id").and_then(Value::as_str),
            Some("/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationsManagement/solutions/ContainerInsights(law)")
        );
        let mut body = mapper::to_arm(&schema.block, &p.value);
        Hooks.to_arm(&p.value, &mut body);
        assert_eq!(body["plan"]["name"], "ContainerInsights(law)");
        assert_eq!(body["plan"]["product"], "OMSGallery/ContainerInsights");
        assert_eq!(Hooks.patch(&body), None, "an update is a PUT");
        let parsed = mapper::parse_id(
            &schema.arm.as_ref().unwrap().id,
            p.value.get("id").unwrap().as_str().unwrap(),
        );
        assert!(parsed
            .unwrap()
            .contains(&("workspace_name".to_string(), "law".to_string())));
        let doc = json!({"plan": {"promotionCode": "", "name": "x"}});
        assert!(Hooks.normalize_arm(&doc, None).pointer("/plan/promotionCode").is_none());
    }
}
