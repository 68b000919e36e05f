//! `azurerm_log_analytics_workspace`, and its data source: local
//! authentication (azurerm 4.x keeps a flag and its
//! deprecated opposite), PerGB2018 when no tier is given, the tier changes
//! azurerm makes in place, the default data collection rule Azure takes
//! only once the workspace exists, and the shared keys azurerm reads with
//! the `sharedKeys` action of api-version 2020-08-01 (2022-10-01 has none).

use super::pointer;
use super::TypeHooks;
use crate::lang::Value;
use serde_json::{json, Value as Json};
use std::borrow::Cow;

pub struct Hooks;

const ENABLED: &str = "local_authentication_enabled";
const DISABLED: &str = "local_authentication_disabled";
const DEFAULT_RULE: &str = "/properties/defaultDataCollectionRuleResourceId";

fn flag(v: &Value, key: &str) -> Option<bool> {
    v.get(key).and_then(Value::as_bool)
}

fn text<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Whether azurerm changes the tier in place rather than replace the
/// workspace: from LACluster (a linked cluster sets it) or from nothing,
/// and between PerGB2018 and CapacityReservation (Azure refuses the change
/// within 31 days of the last, which azurerm leaves to Azure).
fn tier_changes_in_place(old: &str, new: &str) -> bool {
    let is = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    old.is_empty()
        || is(old, "LACluster")
        || (is(old, "CapacityReservation") && is(new, "PerGB2018"))
        || (is(old, "PerGB2018") && is(new, "CapacityReservation"))
}

impl TypeHooks for Hooks {
    /// Whichever of the two local authentication flags is set decides the
    /// other, which azurerm reads back from the same property.
    fn before_plan(&self, config: &mut Value, _prior: Option<&Value>, _subscription: &str) {
        let unset = |v: &Value, key: &str| v.get(key).is_some_and(Value::is_null);
        let (other, on) = match (flag(config, ENABLED), flag(config, DISABLED)) {
            (Some(enabled), None) if unset(config, DISABLED) => (DISABLED, !enabled),
            (None, Some(disabled)) if unset(config, ENABLED) => (ENABLED, !disabled),
            _ => return,
        };
        pointer::set_known(config, other, Value::Bool(on));
    }

    fn replacements(&self, prior: Option<&Value>, planned: &Value, replace: &mut Vec<String>) {
        if let Some(prior) = prior {
            if tier_changes_in_place(text(prior, "sku"), text(planned, "sku")) {
                replace.retain(|p| p != "sku");
            }
        }
    }

    fn to_arm(&self, value: &Value, body: &mut Json) {
        let disable = match (flag(value, DISABLED), flag(value, ENABLED)) {
            (Some(disabled), _) => disabled,
            (None, Some(enabled)) => !enabled,
            (None, None) => false,
        };
        pointer::set_pointer(body, "/properties/features/disableLocalAuth", json!(disable));
        if body.pointer("/properties/sku/name").is_none() {
            pointer::set_pointer(body, "/properties/sku/name", json!("PerGB2018"));
        }
    }

    /// Azure refuses a default data collection rule on a create
    /// ("Default dcr is not applicable on workspace creation"): azurerm
    /// creates the workspace, then sends it all again.
    fn create_first(&self, body: &Json) -> Option<Json> {
        let mut first = body.clone();
        pointer::remove_pointer(&mut first, DEFAULT_RULE);
        Some(first)
    }

    /// No cap is -1, as azurerm reads it.
    fn normalize_arm<'a>(&self, doc: &'a Json, _prior: Option<&Value>) -> Cow<'a, Json> {
        if doc
            .pointer("/properties/workspaceCapping/dailyQuotaGb")
            .is_some_and(|q| !q.is_null())
        {
            return Cow::Borrowed(doc);
        }
        let mut doc = doc.clone();
        pointer::set_pointer(&mut doc, "/properties/workspaceCapping/dailyQuotaGb", json!(-1));
        Cow::Owned(doc)
    }

    fn read_arm(&self, doc: &Json, value: &mut Value, _subscription: &str) {
        if let Some(disabled) = doc
            .pointer("/properties/features/disableLocalAuth")
            .and_then(Json::as_bool)
        {
            pointer::set_known(value, ENABLED, Value::Bool(!disabled));
            pointer::set_known(value, DISABLED, Value::Bool(disabled));
        }
    }

    fn credentials_action(&self) -> Option<&'static str> {
        Some("sharedKeys")
    }

    fn credentials_api_version(&self) -> Option<&'static str> {
        Some("2020-08-01")
    }

    fn credentials(&self, answer: &Json, value: &mut Value) {
        for (attribute, key) in [
            ("primary_shared_key", "primarySharedKey"),
            ("secondary_shared_key", "secondarySharedKey"),
        ] {
            if let Some(k) = answer.get(key).and_then(Json::as_str) {
                pointer::set_known(value, attribute, Value::string(k));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_config::config;
    use super::*;
    use crate::addrs::Mode;
    use crate::provider::azurerm::{mapper, plan_resource};
    use crate::provider::catalog::testing::schema;

    const CONFIG: &str = r#"{ name = "law", resource_group_name = "rg", location = "westeurope",
        retention_in_days = 30, data_collection_rule_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/dataCollectionRules/d" }"#;

    const TYPE: &str = "azurerm_log_analytics_workspace";

    fn planned(text: &str, prior: Option<&Value>) -> crate::provider::azurerm::plan::Planned {
        let schema = schema(Mode::Managed, "azurerm_log_analytics_workspace");
        plan_resource(schema, prior, &config(TYPE, text), "s")
    }

    fn body(v: &Value) -> Json {
        let schema = schema(Mode::Managed, "azurerm_log_analytics_workspace");
        let mut body = mapper::to_arm(&schema.block, v);
        Hooks.to_arm(v, &mut body);
        body
    }

    #[test]
    fn a_new_workspace_is_per_gb_public_with_local_auth_and_its_rule_comes_second() {
        let p = planned(CONFIG, None);
        let b = body(&p.value);
        assert_eq!(b["properties"]["sku"]["name"], "PerGB2018");
        assert_eq!(b["properties"]["publicNetworkAccessForIngestion"], "Enabled");
        assert_eq!(b["properties"]["publicNetworkAccessForQuery"], "Enabled");
        assert_eq!(b["properties"]["features"]["disableLocalAuth"], false);
        assert_eq!(
            b["properties"]["features"]["enableLogAccessUsingOnlyResourcePermissions"],
            true
        );
        assert_eq!(b["properties"]["workspaceCapping"]["dailyQuotaGb"], -1);
        let first = Hooks.create_first(&b).unwrap();
        assert!(first.pointer(DEFAULT_RULE).is_none());
        assert!(b.pointer(DEFAULT_RULE).is_some());
    }

    #[test]
    fn one_local_auth_flag_decides_the_other() {
        let p = planned(
            &CONFIG.replace("retention_in_days = 30", "local_authentication_enabled = false"),
            None,
        );
        assert_eq!(p.value.get(DISABLED), Some(&Value::Bool(true)));
        assert_eq!(body(&p.value)["properties"]["features"]["disableLocalAuth"], true);
        let p = planned(
            &CONFIG.replace("retention_in_days = 30", "local_authentication_disabled = false"),
            None,
        );
        assert_eq!(p.value.get(ENABLED), Some(&Value::Bool(true)));
        assert_eq!(body(&p.value)["properties"]["features"]["disableLocalAuth"], false);
    }

    #[test]
    fn tier_changes_replace_the_workspace_except_those_azurerm_makes_in_place() {
        let prior = |sku: &str| {
            let mut p = planned(
                &CONFIG.replace("retention_in_days = 30", &format!("sku = {sku:?}")),
                None,
            )
            .value;
            pointer::set_known(&mut p, "id", Value::string("/x"));
            p
        };
        let with = |sku: &str| CONFIG.replace("retention_in_days = 30", &format!("sku = {sku:?}"));
        let replaced = |from: &str, to: &str| !planned(&with(to), Some(&prior(from))).replace_paths.is_empty();
        assert!(replaced("PerGB2018", "Standalone"));
        assert!(!replaced("PerGB2018", "CapacityReservation"));
        assert!(!replaced("CapacityReservation", "PerGB2018"));
        assert!(!replaced("LACluster", "PerGB2018"));
    }

    #[test]
    fn an_answer_reads_back_switches_local_auth_keys_and_no_cap() {
        let schema = schema(Mode::Managed, "azurerm_log_analytics_workspace");
        let doc = json!({"properties": {"publicNetworkAccessForQuery": "Disabled",
            "features": {"disableLocalAuth": true}, "customerId": "c"}});
        let doc = Hooks.normalize_arm(&doc, None);
        let mut v = mapper::from_arm(&schema.block, &doc, None);
        Hooks.read_arm(&doc, &mut v, "s");
        Hooks.credentials(&json!({"primarySharedKey": "p", "secondarySharedKey": "q"}), &mut v);
        assert_eq!(v.get("internet_query_enabled"), Some(&Value::Bool(false)));
        assert_eq!(v.get("internet_ingestion_enabled"), Some(&Value::Bool(true)));
        assert_eq!(v.get(ENABLED), Some(&Value::Bool(false)));
        assert_eq!(v.get("daily_quota_gb"), Some(&Value::from(-1.0)));
        assert_eq!(v.get("workspace_id"), Some(&Value::string("c")));
        assert_eq!(v.get("primary_shared_key"), Some(&Value::string("p")));
    }
}
