//! `azurerm_monitor_diagnostic_setting`: azurerm's id is TARGET|NAME, not
//! ARM's TARGET/providers/Microsoft.Insights/diagnosticSettings/NAME, and
//! is kept so, so that Terraform's states import as they are; calls use
//! ARM's. Azure lists every category, enabled or not: `enabled_log` and
//! `enabled_metric` read the enabled ones, the deprecated `metric` all of
//! them. Whichever of the two metric blocks the configuration changes is
//! what is sent; the other is known after apply. Empty ids Azure answers
//! with are unset.

use super::pointer;
use super::TypeHooks;
use crate::lang::Value;
use serde_json::Value as Json;
use std::borrow::Cow;

pub struct Hooks;

const SEGMENT: &str = "/providers/Microsoft.Insights/diagnosticSettings/";

/// Where the deprecated `metric` blocks are kept between the overlay's
/// mapping and the body: not an ARM property.
const ALL_METRICS: &str = "/properties/allMetrics";

/// Properties Azure answers with "" when they are unset.
const MAYBE_EMPTY: [&str; 6] = [
    "workspaceId",
    "storageAccountId",
    "eventHubAuthorizationRuleId",
    "eventHubName",
    "marketplacePartnerId",
    "logAnalyticsDestinationType",
];

/// The categories a configuration or a prior value gives a metric block,
/// with their flags (`enabled_metric`'s are all on).
fn categories(v: Option<&Value>) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = v
        .and_then(Value::as_seq)
        .unwrap_or(&[])
        .iter()
        .map(|m| {
            let category = m.get("category").and_then(Value::as_str).unwrap_or("").to_string();
            (category, m.get("enabled").and_then(Value::as_bool).unwrap_or(true))
        })
        .collect();
    out.sort();
    out
}

fn configured(v: &Value, block: &str) -> bool {
    v.get(block).and_then(Value::as_seq).is_some_and(|s| !s.is_empty())
}

/// Keeps the entries Azure has enabled.
fn enabled_only(list: &mut Json) {
    if let Some(items) = list.as_array_mut() {
        items.retain(|i| i.get("enabled").and_then(Json::as_bool) != Some(false));
    }
}

/// Removes string fields Azure answers with "" for unset.
fn drop_empty(o: &mut Json, keys: &[&str]) {
    if let Some(m) = o.as_object_mut() {
        for k in keys {
            if m.get(*k).and_then(Json::as_str) == Some("") {
                m.remove(*k);
            }
        }
    }
}

impl TypeHooks for Hooks {
    fn arm_id<'a>(&self, state_id: &'a str) -> Cow<'a, str> {
        match state_id.rsplit_once('|') {
            Some((target, name)) => Cow::Owned(format!("{target}{SEGMENT}{name}")),
            None => Cow::Borrowed(state_id),
        }
    }

    fn state_id(&self, arm_id: &str) -> String {
        match arm_id.to_ascii_lowercase().rfind(&SEGMENT.to_ascii_lowercase()) {
            Some(at) => format!("{}|{}", &arm_id[..at], &arm_id[at + SEGMENT.len()..]),
            None => arm_id.to_string(),
        }
    }

    /// Of `enabled_metric` and `metric`, both kept from Azure when left
    /// out, the one the configuration changes is sent: the other is
    /// planned unknown, as it reads back after apply.
    fn before_plan(&self, config: &mut Value, prior: Option<&Value>, _subscription: &str) {
        let (mine, other) = match (configured(config, "enabled_metric"), configured(config, "metric")) {
            (true, false) => ("enabled_metric", "metric"),
            (false, true) => ("metric", "enabled_metric"),
            _ => return,
        };
        let unchanged = prior.is_some_and(|p| categories(config.get(mine)) == categories(p.get(mine)));
        if let Some(m) = config.as_map_mut().filter(|_| !unchanged) {
            m.insert(other.to_string(), Value::unknown());
        }
    }

    /// The deprecated blocks, where given, are what is sent.
    fn to_arm(&self, _value: &Value, body: &mut Json) {
        if let Some(all) = pointer::remove_pointer(body, ALL_METRICS) {
            body["properties"]["metrics"] = all;
        }
    }

    fn normalize_arm<'a>(&self, doc: &'a Json, _prior: Option<&Value>) -> Cow<'a, Json> {
        let mut doc = doc.clone();
        let Some(props) = doc.get_mut("properties").filter(|p| p.is_object()) else {
            return Cow::Owned(doc);
        };
        drop_empty(props, &MAYBE_EMPTY);
        if let Some(metrics) = props.get("metrics").cloned() {
            props["allMetrics"] = metrics;
        }
        for list in ["metrics", "logs"] {
            if let Some(l) = props.get_mut(list) {
                enabled_only(l);
                for item in l.as_array_mut().into_iter().flatten() {
                    drop_empty(item, &["category", "categoryGroup"]);
                }
            }
        }
        Cow::Owned(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_config::config as complete;
    use super::*;
    use crate::addrs::Mode;
    use crate::provider::azurerm::{mapper, plan_resource};
    use crate::provider::catalog::testing::schema;
    use serde_json::json;

    const AKS: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks";

    fn config(metrics: &str) -> Value {
        complete(
            "azurerm_monitor_diagnostic_setting",
            &format!(
                r#"{{ name = "diag", target_resource_id = "{AKS}", log_analytics_workspace_id = "/w",
                     enabled_log = [{{ category = "kube-audit" }}], {metrics} }}"#
            ),
        )
    }

    fn body(v: &Value) -> Json {
        let schema = schema(Mode::Managed, "azurerm_monitor_diagnostic_setting");
        let mut body = mapper::to_arm(&schema.block, v);
        Hooks.to_arm(v, &mut body);
        body
    }

    #[test]
    fn azurerm_keeps_target_bar_name_and_arm_is_called_by_its_own_id() {
        let schema = schema(Mode::Managed, "azurerm_monitor_diagnostic_setting");
        let p = plan_resource(schema, None, &config(""), "s");
        let id = p.value.get("id").and_then(Value::as_str).unwrap();
        assert_eq!(id, format!("{AKS}|diag"));
        let arm = format!("{AKS}/providers/Microsoft.Insights/diagnosticSettings/diag");
        assert_eq!(Hooks.arm_id(id), arm);
        assert_eq!(
            Hooks.state_id(&arm.to_lowercase()),
            format!("{}|diag", AKS.to_lowercase())
        );
        assert_eq!(Hooks.arm_id(&arm), arm, "an ARM id stays as it is");
    }

    #[test]
    fn logs_and_metrics_are_sent_enabled_and_the_changed_metric_block_is_what_is_sent() {
        let schema = schema(Mode::Managed, "azurerm_monitor_diagnostic_setting");
        let p = plan_resource(
            schema,
            None,
            &config(r#"enabled_metric = [{ category = "AllMetrics" }]"#),
            "s",
        );
        assert!(
            !p.value.get("metric").unwrap().is_known(),
            "the other block is known after apply"
        );
        let b = body(&p.value);
        assert_eq!(
            b["properties"]["logs"],
            json!([{"category": "kube-audit", "enabled": true}])
        );
        assert_eq!(
            b["properties"]["metrics"],
            json!([{"category": "AllMetrics", "enabled": true}])
        );
        assert!(b.pointer(ALL_METRICS).is_none());

        // Azure's answer lists the disabled categories too.
        let mut answer = b.clone();
        answer["id"] = json!(format!("{AKS}/providers/microsoft.insights/diagnosticSettings/diag"));
        answer["properties"]["logs"]
            .as_array_mut()
            .unwrap()
            .push(json!({"category": "guard", "enabled": false, "categoryGroup": ""}));
        answer["properties"]["metrics"]
            .as_array_mut()
            .unwrap()
            .push(json!({"category": "Other", "enabled": false}));
        answer["properties"]["storageAccountId"] = json!("");
        let doc = Hooks.normalize_arm(&answer, None);
        let read = mapper::from_arm(&schema.block, &doc, Some(&p.value));
        assert_eq!(
            read.get("enabled_log").and_then(Value::as_seq).map(<[Value]>::len),
            Some(1)
        );
        assert_eq!(
            read.get("enabled_metric").and_then(Value::as_seq).map(<[Value]>::len),
            Some(1)
        );
        assert_eq!(read.get("metric").and_then(Value::as_seq).map(<[Value]>::len), Some(2));
        assert!(read.get("storage_account_id").unwrap().is_null());

        // Unchanged, the other block keeps what was read; sent, the
        // deprecated block is Azure's whole list.
        let mut prior = read.clone();
        pointer::set_known(&mut prior, "id", Value::string(format!("{AKS}|diag")));
        let again = plan_resource(
            schema,
            Some(&prior),
            &config(r#"enabled_metric = [{ category = "AllMetrics" }]"#),
            "s",
        );
        assert!(again.value.get("metric").unwrap().same_as(prior.get("metric").unwrap()));
        assert_eq!(
            body(&again.value)["properties"]["metrics"].as_array().map(Vec::len),
            Some(2)
        );
        let changed = plan_resource(
            schema,
            Some(&prior),
            &config(r#"enabled_metric = [{ category = "Other" }]"#),
            "s",
        );
        assert_eq!(
            body(&changed.value)["properties"]["metrics"],
            json!([{"category": "Other", "enabled": true}])
        );
        let deprecated = plan_resource(
            schema,
            Some(&prior),
            &config(r#"metric = [{ category = "AllMetrics", enabled = false }]"#),
            "s",
        );
        assert!(!deprecated.value.get("enabled_metric").unwrap().is_known());
        assert_eq!(
            body(&deprecated.value)["properties"]["metrics"],
            json!([{"category": "AllMetrics", "enabled": false}])
        );
    }
}
