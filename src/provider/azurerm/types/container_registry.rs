//! `azurerm_container_registry` (and its data source, which shares these
//! hooks and reads only what it has): azurerm's booleans are ARM's
//! `Enabled`/`Disabled` and policy statuses, the SKU is sent as name and
//! tier and read from its tier, geo-replications are the child
//! `replications/REGION` (the registry's own region left out, as azurerm
//! does), and the admin credentials come from `listCredentials` only when
//! the admin user is enabled. azurerm's checks of what only Premium allows
//! (its `CustomizeDiff`) are made at validation.

use super::super::children::{Child, Where};
use super::TypeHooks;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use crate::provider::arm::normalize_location;
use serde_json::{json, Value as Json};
use std::borrow::Cow;

pub struct Hooks;

/// The replication in the registry's own region, which Azure keeps.
fn home(parent: &Json, child: &Json) -> bool {
    let loc = |d: &Json| d.get("location").and_then(Json::as_str).map(normalize_location);
    loc(parent).is_some() && loc(parent) == loc(child)
}

const REPLICAS: Child = Child {
    key: "$replicas",
    api_version: "2025-11-01",
    at: Where::Each("replications"),
    replace_on: &["properties.zoneRedundancy"],
    skip: home,
};

fn flag(value: &Value, key: &str) -> Option<bool> {
    value.get(key).and_then(Value::as_bool)
}

fn enabled(on: bool) -> &'static str {
    if on {
        "Enabled"
    } else {
        "Disabled"
    }
}

/// Policy statuses are lower case in this API.
fn status(on: bool) -> &'static str {
    if on {
        "enabled"
    } else {
        "disabled"
    }
}

fn is_on(j: Option<&Json>) -> bool {
    j.and_then(Json::as_str)
        .is_some_and(|s| s.eq_ignore_ascii_case("enabled"))
}

fn seq(value: &Value, key: &str) -> Vec<Value> {
    value
        .get(key)
        .and_then(Value::as_seq)
        .map(<[Value]>::to_vec)
        .unwrap_or_default()
}

/// Sets an attribute the value has (the data source has fewer).
fn set_known(value: &mut Value, key: &str, v: Value) {
    if let Some(m) = value.as_map_mut() {
        if let Some(slot) = m.get_mut(key) {
            let ty = slot.ty();
            *slot = crate::lang::types::convert(v.clone(), &ty).unwrap_or(v);
        }
    }
}

impl TypeHooks for Hooks {
    fn to_arm(&self, value: &Value, body: &mut Json) {
        if let Some(sku) = body.pointer("/sku/name").cloned() {
            body["sku"]["tier"] = sku;
        }
        if !body.get("identity").is_some_and(Json::is_object) {
            body["identity"] = json!({"type": "None"});
        }
        let p = &mut body["properties"];
        p["publicNetworkAccess"] = json!(enabled(flag(value, "public_network_access_enabled").unwrap_or(true)));
        p["zoneRedundancy"] = json!(enabled(flag(value, "zone_redundancy_enabled").unwrap_or(false)));
        let days = value
            .get("retention_policy_in_days")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let retention = if days > 0 {
            json!({"days": days, "status": "enabled"})
        } else {
            json!({})
        };
        let trust = if flag(value, "trust_policy_enabled") == Some(true) {
            json!({"status": "enabled"})
        } else {
            json!({})
        };
        p["policies"] = json!({
            "quarantinePolicy": {"status": status(flag(value, "quarantine_policy_enabled") == Some(true))},
            "retentionPolicy": retention,
            "trustPolicy": trust,
            "exportPolicy": {"status": status(flag(value, "export_policy_enabled").unwrap_or(true))},
        });
        if let Some(e) = seq(value, "encryption").first() {
            p["encryption"] = json!({
                "status": "enabled",
                "keyVaultProperties": {
                    "identity": e.get("identity_client_id").map(Value::to_json),
                    "keyIdentifier": e.get("key_vault_key_id").map(Value::to_json),
                },
            });
        }
        if let Some(rules) = seq(value, "network_rule_set").first() {
            let ip_rules: Vec<Json> = seq(rules, "ip_rule")
                .iter()
                .map(|r| json!({"action": r.get("action").map(Value::to_json), "value": r.get("ip_range").map(Value::to_json)}))
                .collect();
            p["networkRuleSet"] = json!({
                "defaultAction": rules.get("default_action").and_then(Value::as_str).unwrap_or("Allow"),
                "ipRules": ip_rules,
            });
        }
        let wanted = seq(value, "georeplications");
        if let Some(items) = body.get_mut("$replicas").and_then(Json::as_array_mut) {
            for (item, v) in items.iter_mut().zip(&wanted) {
                let location = v.get("location").and_then(Value::as_str).map(normalize_location);
                if let Some(location) = location {
                    item["location"] = json!(location);
                    item["name"] = json!(location);
                }
                let zones = flag(v, "zone_redundancy_enabled") == Some(true);
                item["properties"]["zoneRedundancy"] = json!(enabled(zones));
            }
        }
    }

    /// The SKU is its tier, and an identity of type None is no identity.
    fn normalize_arm<'a>(&self, doc: &'a Json, _prior: Option<&Value>) -> Cow<'a, Json> {
        let tier = doc
            .pointer("/sku/tier")
            .filter(|t| Some(*t) != doc.pointer("/sku/name"));
        let none = doc
            .pointer("/identity/type")
            .and_then(Json::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("None"));
        if tier.is_none() && !none {
            return Cow::Borrowed(doc);
        }
        let mut doc = doc.clone();
        if let Some(tier) = tier.cloned() {
            doc["sku"]["name"] = tier;
        }
        if none {
            if let Some(m) = doc.as_object_mut() {
                m.remove("identity");
            }
        }
        Cow::Owned(doc)
    }

    fn read_arm(&self, doc: &Json, value: &mut Value, _subscription: &str) {
        let p = |path: &str| doc.pointer(&format!("/properties/{path}"));
        let resource = value.get("export_policy_enabled").is_some();
        if !resource {
            return;
        }
        let word = |path: &str, on: &str| {
            p(path)
                .and_then(Json::as_str)
                .is_some_and(|s| s.eq_ignore_ascii_case(on))
        };
        set_known(
            value,
            "public_network_access_enabled",
            Value::Bool(word("publicNetworkAccess", "Enabled")),
        );
        set_known(
            value,
            "zone_redundancy_enabled",
            Value::Bool(word("zoneRedundancy", "Enabled")),
        );
        let retention = match p("policies/retentionPolicy") {
            Some(r) if is_on(r.get("status")) => r.get("days").and_then(Json::as_i64).unwrap_or(0),
            _ => 0,
        };
        set_known(value, "retention_policy_in_days", Value::int(retention));
        if let Some(s) = p("policies/trustPolicy/status") {
            set_known(value, "trust_policy_enabled", Value::Bool(is_on(Some(s))));
        }
        set_known(
            value,
            "quarantine_policy_enabled",
            Value::Bool(is_on(p("policies/quarantinePolicy/status"))),
        );
        set_known(
            value,
            "export_policy_enabled",
            Value::Bool(is_on(p("policies/exportPolicy/status"))),
        );
        let encryption = match p("encryption") {
            Some(e) if is_on(e.get("status")) && e.get("keyVaultProperties").is_some() => json!([{
                "key_vault_key_id": e.pointer("/keyVaultProperties/keyIdentifier").cloned().unwrap_or(json!("")),
                "identity_client_id": e.pointer("/keyVaultProperties/identity").cloned().unwrap_or(json!("")),
            }]),
            _ => json!([]),
        };
        set_known(value, "encryption", Value::from_json(&encryption));
        let rules = match p("networkRuleSet") {
            Some(r) => {
                let ip_rules: Vec<Json> = r
                    .get("ipRules")
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten()
                    .map(|rule| {
                        let range = rule.get("value").and_then(Json::as_str).unwrap_or("");
                        // Azure drops a /32; azurerm puts it back.
                        let range = if range.contains('/') {
                            range.to_string()
                        } else {
                            format!("{range}/32")
                        };
                        json!({"action": rule.get("action").cloned().unwrap_or(json!("Allow")), "ip_range": range})
                    })
                    .collect();
                json!([{"default_action": r.get("defaultAction").cloned().unwrap_or(json!("Allow")), "ip_rule": ip_rules}])
            }
            None => json!([]),
        };
        set_known(value, "network_rule_set", Value::from_json(&rules));
        let replicas: Vec<&Json> = doc
            .get("$replicas")
            .and_then(Json::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        if let Some(items) = value
            .as_map_mut()
            .and_then(|m| m.get_mut("georeplications"))
            .and_then(Value::as_seq_mut)
        {
            for (item, doc) in items.iter_mut().zip(replicas) {
                let zones = doc
                    .pointer("/properties/zoneRedundancy")
                    .and_then(Json::as_str)
                    .is_some_and(|z| z.eq_ignore_ascii_case("Enabled"));
                if let Some(m) = item.as_map_mut() {
                    m.insert("zone_redundancy_enabled".into(), Value::Bool(zones));
                }
            }
        }
        // azurerm empties the credentials of a registry whose admin user is off.
        if !self.credentials_wanted(doc) {
            set_known(value, "admin_username", Value::string(""));
            set_known(value, "admin_password", Value::string(""));
        }
    }

    fn credentials_action(&self) -> Option<&'static str> {
        Some("listCredentials")
    }

    fn credentials_wanted(&self, doc: &Json) -> bool {
        doc.pointer("/properties/adminUserEnabled").and_then(Json::as_bool) == Some(true)
    }

    /// The admin user's name and first password.
    fn credentials(&self, answer: &Json, value: &mut Value) {
        let user = answer.get("username").and_then(Json::as_str);
        let password = answer.pointer("/passwords/0/value").and_then(Json::as_str);
        if let (Some(user), Some(password)) = (user, password) {
            set_known(value, "admin_username", Value::string(user));
            set_known(value, "admin_password", Value::string(password));
        }
    }

    fn children(&self) -> &'static [Child] {
        &[REPLICAS]
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        if let Some(name) = config.get("name").and_then(Value::as_str) {
            name_errors(name, &mut diags);
        }
        // What the SKU allows is known only with the SKU.
        let Some(sku) = config.get("sku").and_then(Value::as_str) else {
            return diags;
        };
        for message in premium_errors(config, sku) {
            diags.push(Diagnostic::error("Invalid azurerm_container_registry").with_detail(message));
        }
        diags
    }
}

/// azurerm's check of a registry's name: 5 to 50 letters and digits.
fn name_errors(name: &str, diags: &mut Diagnostics) {
    let mut bad = |detail: String| diags.push(Diagnostic::error("Invalid registry name").with_detail(detail));
    if !name.chars().all(|c| c.is_ascii_alphanumeric()) || name.is_empty() {
        bad(format!(
            "alpha numeric characters only are allowed in \"name\": {name:?}"
        ));
    }
    if name.len() < 5 {
        bad(format!("\"name\" cannot be less than 5 characters: {name:?}"));
    }
    if name.len() > 50 {
        bad(format!(
            "\"name\" cannot be longer than 50 characters: {name:?} {}",
            name.len()
        ));
    }
}

/// What azurerm refuses for a registry of this SKU (its `CustomizeDiff`
/// and create checks), in its words. Unknown values are let through.
fn premium_errors(config: &Value, sku: &str) -> Vec<String> {
    let premium = sku.eq_ignore_ascii_case("Premium");
    let standard = sku.eq_ignore_ascii_case("Standard");
    let on = |k: &str| flag(config, k) == Some(true);
    let off = |k: &str| flag(config, k) == Some(false);
    let replicas = seq(config, "georeplications");
    let mut out = Vec::new();
    if !replicas.is_empty() && !premium {
        out.push("an ACR geo-replication can only be applied when using the Premium Sku".to_string());
    }
    let home = config.get("location").and_then(Value::as_str).map(normalize_location);
    let same = replicas.iter().any(|r| {
        let loc = r.get("location").and_then(Value::as_str).map(normalize_location);
        loc.is_some() && loc == home
    });
    if same {
        out.push("the `georeplications` list cannot contain the location where the Container Registry exists".into());
    }
    if on("quarantine_policy_enabled") && !premium {
        out.push("an ACR quarantine policy can only be applied when using the Premium Sku. If you are downgrading from a Premium SKU please unset quarantine_policy_enabled".into());
    }
    let days = config
        .get("retention_policy_in_days")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if days > 0 && !premium {
        out.push("an ACR retention policy can only be applied when using the Premium Sku. If you are downgrading from a Premium SKU please unset `retention_policy_in_days`".into());
    }
    if on("trust_policy_enabled") && !premium {
        out.push("an ACR trust policy can only be applied when using the Premium Sku. If you are downgrading from a Premium SKU please unset `trust_policy_enabled` or set `trust_policy_enabled = false`".into());
    }
    if off("export_policy_enabled") {
        if !premium {
            out.push("an ACR export policy can only be disabled when using the Premium Sku. If you are downgrading from a Premium SKU please unset `export_policy_enabled` or set `export_policy_enabled = true`".into());
        } else if on("public_network_access_enabled") {
            out.push("to disable export of artifacts, `public_network_access_enabled` must also be `false`".into());
        }
    }
    if !seq(config, "encryption").is_empty() && !premium {
        out.push("an ACR encryption can only be applied when using the Premium Sku".into());
    }
    let zonal_replica = replicas
        .iter()
        .any(|r| flag(r, "zone_redundancy_enabled") == Some(true));
    if (on("zone_redundancy_enabled") || zonal_replica) && !premium {
        out.push("ACR zone redundancy can only be applied when using the Premium Sku".into());
    }
    if on("anonymous_pull_enabled") && !premium && !standard {
        out.push("`anonymous_pull_enabled` can only be applied when using the Standard/Premium Sku".into());
    }
    if on("data_endpoint_enabled") && !premium {
        out.push("`data_endpoint_enabled` can only be applied when using the Premium Sku".into());
    }
    if !seq(config, "network_rule_set").is_empty() && !premium {
        out.push("`network_rule_set_set` can only be specified for a Premium Sku. If you are reverting from a Premium to Basic SKU please set network_rule_set = []".into());
    }
    if off("public_network_access_enabled") && !premium {
        out.push("`public_network_access_enabled` can only be disabled for a Premium Sku".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::Mode;
    use crate::provider::azurerm::mapper;
    use crate::provider::catalog::testing::schema as lookup;

    fn config(extra: Json) -> Value {
        let mut c =
            json!({"name": "myregistry1", "resource_group_name": "rg", "location": "westeurope", "sku": "Premium"});
        c.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        Value::from_json(&c)
    }

    #[test]
    fn booleans_are_sent_as_azures_words_and_read_back() {
        let schema = lookup(Mode::Managed, "azurerm_container_registry");
        let v = config(
            json!({"public_network_access_enabled": false, "zone_redundancy_enabled": true,
            "quarantine_policy_enabled": true, "export_policy_enabled": false, "retention_policy_in_days": 0}),
        );
        let mut body = mapper::to_arm(&schema.block, &v);
        Hooks.to_arm(&v, &mut body);
        assert_eq!(body["properties"]["publicNetworkAccess"], "Disabled");
        assert_eq!(body["properties"]["zoneRedundancy"], "Enabled");
        assert_eq!(body["properties"]["policies"]["quarantinePolicy"]["status"], "enabled");
        assert_eq!(body["properties"]["policies"]["exportPolicy"]["status"], "disabled");
        assert_eq!(body["properties"]["policies"]["retentionPolicy"], json!({}));
        assert_eq!(body["identity"], json!({"type": "None"}));

        let answer = json!({"sku": {"name": "Premium", "tier": "Premium"}, "identity": {"type": "None"}, "properties": {
            "publicNetworkAccess": "Disabled", "zoneRedundancy": "Enabled", "adminUserEnabled": false,
            "networkRuleSet": {"defaultAction": "Deny", "ipRules": [{"action": "Allow", "value": "1.2.3.4"}]},
            "policies": {"quarantinePolicy": {"status": "enabled"}, "exportPolicy": {"status": "disabled"},
                "retentionPolicy": {"days": 7, "status": "disabled"}, "trustPolicy": {"status": "disabled"}}}});
        let doc = Hooks.normalize_arm(&answer, None);
        assert!(doc.get("identity").is_none(), "type None is no identity");
        let mut value = mapper::from_arm(&schema.block, &doc, Some(&v));
        Hooks.read_arm(&doc, &mut value, "s");
        let b = |k: &str| value.get(k).and_then(Value::as_bool);
        assert_eq!(b("public_network_access_enabled"), Some(false));
        assert_eq!(b("zone_redundancy_enabled"), Some(true));
        assert_eq!(b("quarantine_policy_enabled"), Some(true));
        assert_eq!(b("export_policy_enabled"), Some(false));
        assert_eq!(value.get("retention_policy_in_days").and_then(Value::as_i64), Some(0));
        let rule = &value.get("network_rule_set").unwrap().as_seq().unwrap()[0];
        let ip = &rule.get("ip_rule").unwrap().as_seq().unwrap()[0];
        assert_eq!(
            ip.get("ip_range").and_then(Value::as_str),
            Some("1.2.3.4/32"),
            "azurerm puts the /32 back"
        );
        assert_eq!(value.get("admin_username").and_then(Value::as_str), Some(""));
        assert!(!Hooks.credentials_wanted(&doc));
    }

    #[test]
    fn what_only_premium_allows_is_refused_for_other_skus() {
        let standard = |extra: Json| {
            let mut v = config(extra);
            super::super::set(&mut v, "sku", Value::string("Standard"));
            Hooks.validate(&v)
        };
        assert!(!standard(json!({})).has_errors());
        for extra in [
            json!({"georeplications": [{"location": "eastus"}]}),
            json!({"retention_policy_in_days": 7}),
            json!({"public_network_access_enabled": false}),
            json!({"export_policy_enabled": false}),
            json!({"data_endpoint_enabled": true}),
            json!({"zone_redundancy_enabled": true}),
        ] {
            assert_eq!(standard(extra.clone()).error_count(), 1, "{extra}");
        }
        assert!(!standard(json!({"anonymous_pull_enabled": true})).has_errors());
        let home = Hooks.validate(&config(json!({"georeplications": [{"location": "West Europe"}]})));
        assert_eq!(home.error_count(), 1);
        let export = Hooks.validate(&config(
            json!({"export_policy_enabled": false, "public_network_access_enabled": true}),
        ));
        assert_eq!(export.error_count(), 1);
        let named = Hooks.validate(&Value::from_json(&json!({"name": "a-b"})));
        assert_eq!(named.error_count(), 2, "not alphanumeric, and too short");
    }
}
