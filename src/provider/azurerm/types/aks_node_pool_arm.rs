//! What `azurerm_kubernetes_cluster_node_pool`'s overlay cannot say about
//! its ARM body (an agentPools resource), as azurerm 4.65 expands and
//! flattens it (kubernetes_cluster_node_pool_resource.go): the pool
//! settings it shares with a cluster's default pool ([`super::aks_pool`]),
//! Windows outbound NAT sent inverted, and the data source's
//! `upgrade_settings` list.
//!
//! Pure: values in, JSON out, and back.

use super::aks_pool::{self, first};
use crate::lang::types::Type;
use crate::lang::value::Map;
use crate::lang::Value;
use serde_json::{json, Value as Json};

pub fn to_arm(value: &Value, body: &mut Json) {
    if let Some(props) = body.get_mut("properties") {
        aks_pool::to_arm(value, props);
    }
    if let Some(windows) = first(value, "windows_profile") {
        let nat = windows
            .get("outbound_nat_enabled")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        body["properties"]["windowsProfile"]["disableOutboundNat"] = json!(!nat);
    }
}

pub fn read(doc: &Json, value: &mut Value) {
    if let Some(props) = doc.get("properties") {
        aks_pool::read(props, value);
    }
    let windows = doc.pointer("/properties/windowsProfile").filter(|w| w.is_object());
    let Some(m) = value.as_map_mut() else { return };
    if let Some(Value::List(_, items)) = m.get_mut("windows_profile") {
        let disabled = windows
            .and_then(|w| w.get("disableOutboundNat"))
            .and_then(Json::as_bool);
        *items = match windows {
            Some(_) => vec![Value::Object(Map::from([(
                "outbound_nat_enabled".to_string(),
                Value::Bool(!disabled.unwrap_or(false)),
            )]))],
            None => Vec::new(),
        };
    }
    // The data source has upgrade_settings as a list attribute.
    if m.get("upgrade_settings").is_some_and(Value::is_null) {
        let u = doc.pointer("/properties/upgradeSettings");
        let num = |k: &str| match u.and_then(|u| u.get(k)).and_then(Json::as_i64) {
            Some(n) => Value::int(n),
            None => Value::Null(Type::Number),
        };
        let items = match u.filter(|u| u.is_object()) {
            Some(u) => vec![Value::Object(Map::from([
                ("drain_timeout_in_minutes".to_string(), num("drainTimeoutInMinutes")),
                (
                    "node_soak_duration_in_minutes".to_string(),
                    num("nodeSoakDurationInMinutes"),
                ),
                (
                    "max_surge".to_string(),
                    Value::string(u.get("maxSurge").and_then(Json::as_str).unwrap_or("")),
                ),
            ]))],
            None => Vec::new(),
        };
        m.insert("upgrade_settings".into(), Value::list(items));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::eval::eval_standalone;

    #[test]
    fn outbound_nat_is_sent_inverted_and_read_back() {
        let v = eval_standalone(r#"{ windows_profile = [{ outbound_nat_enabled = false }] }"#).unwrap();
        let mut body = json!({"properties": {"windowsProfile": {}}});
        to_arm(&v, &mut body);
        assert_eq!(body["properties"]["windowsProfile"]["disableOutboundNat"], true);
        let mut back = Value::Object(Map::from([(
            "windows_profile".to_string(),
            Value::List(Type::Dynamic, Vec::new()),
        )]));
        read(&body, &mut back);
        let w = first(&back, "windows_profile").unwrap();
        assert_eq!(w.get("outbound_nat_enabled"), Some(&Value::Bool(false)));
    }
}
