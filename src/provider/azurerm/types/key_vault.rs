//! `azurerm_key_vault` and its data source: what the overlay cannot say.
//!
//! The inline access policies (`access_policy`, an attribute written as
//! blocks) go to `properties.accessPolicies` (see [`key_vault_policies`]);
//! network ACLs' IP rules and subnets are objects in ARM and strings in
//! azurerm; `public_network_access_enabled` is `Enabled`/`Disabled`. As
//! azurerm 4.65 does, a create always sends soft delete on and the
//! `default` create mode, purge protection only when on, a retention only
//! when not the 90 days Azure assumes, and the SKU family `A`; access
//! policies decide access unless RBAC is asked for (always sent: from
//! api-version 2026-02-01, RBAC is the default of a new vault; aksplan
//! speaks 2023-02-01, as azurerm does). An update is a PATCH, as azurerm's.
//! Purge protection cannot be turned off and a retention cannot change: a plan that tries is refused, as azurerm refuses
//! the update. A soft-deleted vault of the same name is recovered on create,
//! and a destroyed vault is purged unless purge protection keeps it (see
//! `soft_delete`). What Azure leaves out reads as azurerm reads it.

use super::{absent, key_vault_policies as policies, TypeHooks};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::types::Type;
use crate::lang::Value;
use crate::provider::arm::normalize_location;
use crate::provider::azurerm::mapper::json_to_value;
use crate::provider::azurerm::soft_delete::{Kept, SoftDeleted};
use crate::schema::Schema;
use serde_json::{json, Value as Json};
use std::borrow::Cow;

pub struct Hooks;

/// Azure's retention when none is set.
const DEFAULT_RETENTION: i64 = 90;

/// Booleans azurerm reads as false when Azure leaves them out.
const FALSE_WHEN_ABSENT: [&str; 6] = [
    "enabled_for_deployment",
    "enabled_for_disk_encryption",
    "enabled_for_template_deployment",
    "purge_protection_enabled",
    "rbac_authorization_enabled",
    "enable_rbac_authorization",
];

const SKUS: [&str; 2] = ["standard", "premium"];

fn set(value: &mut Value, key: &str, v: Value) {
    super::set(value, key, v)
}

/// The strings of a list of single-field objects (`[{"value": "1.2.3.4"}]`).
fn flatten(list: Option<&Json>, field: &str) -> Option<Json> {
    let items = list?.as_array()?;
    Some(Json::Array(
        items
            .iter()
            .filter_map(|i| i.get(field).cloned().or_else(|| i.as_str().map(|s| json!(s))))
            .collect(),
    ))
}

/// Single-field objects from a list of strings.
fn objects(list: Option<&Json>, field: &str) -> Option<Json> {
    let items = list?.as_array()?;
    Some(Json::Array(
        items
            .iter()
            .map(|s| if s.is_string() { json!({ field: s }) } else { s.clone() })
            .collect(),
    ))
}

impl TypeHooks for Hooks {
    fn to_arm(&self, value: &Value, body: &mut Json) {
        if !body.get("properties").is_some_and(Json::is_object) {
            body["properties"] = json!({});
        }
        let p = &mut body["properties"];
        p["sku"]["family"] = json!("A");
        let policies: Vec<Json> = value
            .get("access_policy")
            .filter(|v| v.is_wholly_known())
            .and_then(Value::as_seq)
            .unwrap_or(&[])
            .iter()
            .map(policies::to_arm)
            .collect();
        p["accessPolicies"] = Json::Array(policies);
        let public = value
            .get("public_network_access_enabled")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        p["publicNetworkAccess"] = json!(if public { "Enabled" } else { "Disabled" });
        let Some(props) = p.as_object_mut() else { return };
        // Azure refuses `false`: purge protection can only be turned on.
        if props.get("enablePurgeProtection") == Some(&json!(false)) {
            props.remove("enablePurgeProtection");
        }
        if props.get("softDeleteRetentionInDays").and_then(Json::as_i64) == Some(DEFAULT_RETENTION) {
            props.remove("softDeleteRetentionInDays");
        }
        props.entry("enableRbacAuthorization").or_insert(json!(false));
        props.insert("enableSoftDelete".into(), json!(true));
        props.insert("createMode".into(), json!("default"));
        if let Some(acls) = props.get_mut("networkAcls").and_then(Json::as_object_mut) {
            if let Some(rules) = objects(acls.get("ipRules"), "value") {
                acls.insert("ipRules".into(), rules);
            }
            if let Some(rules) = objects(acls.get("virtualNetworkRules"), "id") {
                acls.insert("virtualNetworkRules".into(), rules);
            }
        }
    }

    /// azurerm updates a vault with a PATCH of its properties and tags;
    /// tags left out are sent empty, so that removing them removes them.
    fn patch(&self, body: &Json) -> Option<Json> {
        let mut props = body.get("properties").cloned().unwrap_or(json!({}));
        if let Some(p) = props.as_object_mut() {
            p.remove("createMode");
        }
        let tags = body.get("tags").cloned().unwrap_or(json!({}));
        Some(json!({"properties": props, "tags": tags}))
    }

    fn normalize_arm<'a>(&self, doc: &'a Json, prior: Option<&Value>) -> Cow<'a, Json> {
        let mut doc = doc.clone();
        if !doc.get("properties").is_some_and(Json::is_object) {
            doc["properties"] = json!({});
        }
        let p = &mut doc["properties"];
        if let Some(name) = p.pointer("/sku/name").and_then(Json::as_str) {
            if let Some(known) = SKUS.iter().find(|s| s.eq_ignore_ascii_case(name)) {
                p["sku"]["name"] = json!(known);
            }
        }
        // azurerm reads a vault without network ACLs as allowing all.
        if !p.get("networkAcls").is_some_and(Json::is_object) {
            p["networkAcls"] = json!({"bypass": "AzureServices", "defaultAction": "Allow"});
        }
        let acls = p["networkAcls"].as_object_mut().expect("just made an object");
        let ip = flatten(acls.get("ipRules"), "value").unwrap_or(json!([]));
        let subnets = flatten(acls.get("virtualNetworkRules"), "id").unwrap_or(json!([]));
        acls.insert("ipRules".into(), ip);
        acls.insert("virtualNetworkRules".into(), subnets);
        let prior_acls = prior
            .and_then(|p| p.get("network_acls"))
            .and_then(Value::as_seq)
            .and_then(<[Value]>::first);
        absent::drop_empty(
            acls,
            prior_acls,
            &[
                ("ipRules", "ip_rules"),
                ("virtualNetworkRules", "virtual_network_subnet_ids"),
            ],
        );
        Cow::Owned(doc)
    }

    fn read_arm(&self, doc: &Json, value: &mut Value, _subscription: &str) {
        let props = doc.get("properties").cloned().unwrap_or(json!({}));
        let prior = value.get("access_policy").cloned();
        let entries: Vec<Json> = props
            .get("accessPolicies")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .map(|e| Json::Object(policies::from_arm(e, policies::prior_for(prior.as_ref(), e))))
            .collect();
        let ty = Type::list(policies::entry_type());
        set(value, "access_policy", json_to_value(&Json::Array(entries), &ty));
        let public = props
            .get("publicNetworkAccess")
            .and_then(Json::as_str)
            .is_none_or(|s| s.eq_ignore_ascii_case("Enabled"));
        set(value, "public_network_access_enabled", Value::Bool(public));
        let retention = props
            .get("softDeleteRetentionInDays")
            .and_then(Json::as_i64)
            .filter(|d| *d != 0)
            .unwrap_or(DEFAULT_RETENTION);
        set(value, "soft_delete_retention_days", Value::int(retention));
        for attr in FALSE_WHEN_ABSENT {
            if value.get(attr).is_some_and(Value::is_null) {
                set(value, attr, Value::Bool(false));
            }
        }
        // The data source has `network_acls` as an attribute, not blocks.
        if let Some(ty) = value.get("network_acls").filter(|v| v.is_null()).map(Value::ty) {
            let acls = props.get("networkAcls").cloned().unwrap_or(json!({}));
            let read = json!([{
                "bypass": acls.get("bypass"),
                "default_action": acls.get("defaultAction"),
                "ip_rules": acls.get("ipRules").cloned().unwrap_or(json!([])),
                "virtual_network_subnet_ids": acls.get("virtualNetworkRules").cloned().unwrap_or(json!([])),
            }]);
            set(value, "network_acls", json_to_value(&read, &ty));
        }
    }

    /// A vault deleted with soft delete is kept at its location's
    /// `deletedVaults`; azurerm recovers it on create unless
    /// `features { key_vault { recover_soft_deleted_key_vaults = false } }`,
    /// and purges it after a destroy unless
    /// `features { key_vault { purge_soft_delete_on_destroy = false } }`.
    fn soft_deleted(&self, planned: &Value, subscription: &str) -> Option<SoftDeleted> {
        let text = |k: &str| planned.get(k).and_then(|v| v.inner().as_str());
        let (name, location) = (text("name")?, text("location")?);
        Some(SoftDeleted {
            id: format!(
                "/subscriptions/{subscription}/providers/Microsoft.KeyVault/locations/{}/deletedVaults/{name}",
                normalize_location(location)
            ),
            feature: ("key_vault", "recover_soft_deleted_key_vaults"),
            purge: Some(("key_vault", "purge_soft_delete_on_destroy")),
        })
    }

    /// As azurerm reads the vault before deleting it: kept when soft delete
    /// is on, and not purgeable while purge protection is.
    fn kept_once_deleted(&self, live: &Json) -> Kept {
        let on = |k: &str| live.pointer(&format!("/properties/{k}")) == Some(&json!(true));
        match (on("enableSoftDelete"), on("enablePurgeProtection")) {
            (false, _) => Kept::Not,
            (true, true) => Kept::Protected,
            (true, false) => Kept::Purgeable,
        }
    }

    fn check_plan(&self, _schema: &Schema, prior: &Value, planned: &Value) -> Diagnostics {
        let mut out = Diagnostics::new();
        let purge = |v: &Value| v.get("purge_protection_enabled").and_then(Value::as_bool);
        if purge(prior) == Some(true) && purge(planned) == Some(false) {
            out.push(
                Diagnostic::error("Purge protection cannot be turned off").with_detail(
                    "once purge protection has been enabled on a key vault it cannot be disabled; Azure refuses the change, and azurerm refuses it before sending it",
                ),
            );
        }
        let days = |v: &Value| v.get("soft_delete_retention_days").and_then(Value::as_i64);
        if let (Some(before), Some(after)) = (days(prior), days(planned)) {
            if before != after {
                out.push(
                    Diagnostic::error("The soft delete retention cannot change").with_detail(format!(
                        "soft_delete_retention_days is {before} on this key vault; once set it cannot be modified (Azure: the property \"softDeleteRetentionInDays\" has been set already and it can't be modified)"
                    )),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::Mode;
    use crate::provider::azurerm::{mapper, plan_resource};
    use crate::provider::catalog::testing::schema as lookup;

    const CONFIG: &str = r#"{
      name = "kv1", resource_group_name = "rg1", location = "West Europe", sku_name = "standard", tenant_id = "t",
      access_policy = [{ tenant_id = "t", object_id = "o1", key_permissions = ["Get"], application_id = null,
        certificate_permissions = null, secret_permissions = null, storage_permissions = null }],
      network_acls = [{ bypass = "AzureServices", default_action = "Deny", ip_rules = ["1.2.3.4"],
        virtual_network_subnet_ids = null }],
    }"#;

    fn planned() -> (&'static Schema, Value) {
        let (schema, _, planned) = super::super::testing::planned("azurerm_key_vault", CONFIG);
        (schema, planned)
    }

    fn body() -> Json {
        let (schema, planned) = planned();
        super::super::testing::body(schema, &planned)
    }

    #[test]
    fn a_create_sends_what_azurerm_sends() {
        let p = body()["properties"].clone();
        assert_eq!(p["sku"], json!({"name": "standard", "family": "A"}));
        assert_eq!(
            p["accessPolicies"],
            json!([{"tenantId": "t", "objectId": "o1", "permissions": {"certificates": [], "keys": ["Get"], "secrets": [], "storage": []}}])
        );
        assert_eq!(p["publicNetworkAccess"], "Enabled");
        assert_eq!(
            p["enableRbacAuthorization"], false,
            "access policies unless RBAC is asked for"
        );
        assert_eq!(p["enableSoftDelete"], true);
        assert_eq!(p["createMode"], "default");
        assert_eq!(p.get("enablePurgeProtection"), None, "false is never sent");
        assert_eq!(p.get("softDeleteRetentionInDays"), None, "90 is Azure's own");
        assert_eq!(p["networkAcls"]["ipRules"], json!([{"value": "1.2.3.4"}]));
        assert_eq!(
            p["networkAcls"]["virtualNetworkRules"],
            Json::Null,
            "left out, not sent"
        );
        let patch = Hooks.patch(&body()).unwrap();
        assert_eq!(
            patch["tags"],
            json!({}),
            "no tags: sent empty, so that they are removed"
        );
        assert_eq!(patch["properties"].get("createMode"), None);
        assert_eq!(patch.get("location"), None);
    }

    #[test]
    fn an_answer_reads_back_as_the_configuration_wrote_it() {
        let (schema, planned) = planned();
        let mut answer = body();
        answer["id"] = json!("/subscriptions/sub/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv1");
        answer["location"] = json!("westeurope");
        answer["properties"]["sku"]["name"] = json!("Standard");
        answer["properties"]["accessPolicies"][0]["permissions"]["keys"] = json!(["get"]);
        answer["properties"]["networkAcls"]["virtualNetworkRules"] = json!([]);
        answer["properties"]["vaultUri"] = json!("https://kv1.vault.azure.net/");
        let doc = Hooks.normalize_arm(&answer, Some(&planned));
        let mut value = mapper::from_arm(&schema.block, &doc, Some(&planned));
        Hooks.read_arm(&doc, &mut value, "sub");
        let again = plan_resource(schema, Some(&value), &planned, "sub");
        assert!(again.replace_paths.is_empty(), "{:?}", again.replace_paths);
        for attr in [
            "access_policy",
            "network_acls",
            "sku_name",
            "purge_protection_enabled",
            "public_network_access_enabled",
        ] {
            assert!(
                again.value.get(attr).unwrap().same_as(value.get(attr).unwrap()),
                "{attr}: {:?} vs {:?}",
                again.value.get(attr),
                value.get(attr)
            );
        }
        assert_eq!(value.get("soft_delete_retention_days"), Some(&Value::int(90)));
        assert_eq!(
            value.get("vault_uri"),
            Some(&Value::string("https://kv1.vault.azure.net/"))
        );
        let acls = &value.get("network_acls").unwrap().as_seq().unwrap()[0];
        assert!(
            acls.get("virtual_network_subnet_ids").unwrap().is_null(),
            "answered empty, left out"
        );
    }

    #[test]
    fn a_vault_without_acls_reads_as_azurerm_reads_it_and_the_data_source_gets_them_too() {
        let data = lookup(Mode::Data, "azurerm_key_vault");
        let answer = json!({"properties": {"tenantId": "t", "sku": {"name": "premium"}, "accessPolicies": []}});
        let doc = Hooks.normalize_arm(&answer, None);
        let mut value = mapper::from_arm(&data.block, &doc, None);
        Hooks.read_arm(&doc, &mut value, "sub");
        let acls = value.get("network_acls").unwrap().as_seq().unwrap()[0].clone();
        assert_eq!(acls.get("bypass"), Some(&Value::string("AzureServices")));
        assert_eq!(acls.get("default_action"), Some(&Value::string("Allow")));
        assert_eq!(value.get("sku_name"), Some(&Value::string("premium")));
        assert_eq!(value.get("enabled_for_deployment"), Some(&Value::Bool(false)));
        assert_eq!(
            value.get("access_policy").and_then(Value::as_seq).map(<[Value]>::len),
            Some(0)
        );
    }

    #[test]
    fn a_deleted_vault_is_looked_for_at_its_locations_deleted_vaults() {
        let (_, planned) = planned();
        let d = Hooks.soft_deleted(&planned, "sub").unwrap();
        assert_eq!(
            d.id,
            "/subscriptions/sub/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv1"
        );
        assert_eq!(d.feature, ("key_vault", "recover_soft_deleted_key_vaults"));
        assert_eq!(d.purge, Some(("key_vault", "purge_soft_delete_on_destroy")));
    }

    #[test]
    fn a_live_vault_says_what_a_delete_leaves() {
        let live = |p: Json| json!({"properties": p});
        assert_eq!(
            Hooks.kept_once_deleted(&live(json!({"enableSoftDelete": true}))),
            Kept::Purgeable
        );
        assert_eq!(
            Hooks.kept_once_deleted(&live(json!({"enableSoftDelete": true, "enablePurgeProtection": true}))),
            Kept::Protected
        );
        assert_eq!(
            Hooks.kept_once_deleted(&live(json!({"enableSoftDelete": false}))),
            Kept::Not,
            "azurerm purges only what soft delete kept"
        );
        assert_eq!(Hooks.kept_once_deleted(&json!({})), Kept::Not);
    }

    #[test]
    fn turning_purge_protection_off_or_changing_the_retention_is_refused_at_plan() {
        let (schema, planned) = planned();
        let mut before = planned.clone();
        set(&mut before, "purge_protection_enabled", Value::Bool(true));
        set(&mut before, "soft_delete_retention_days", Value::int(7));
        let d = Hooks.check_plan(schema, &before, &planned);
        assert_eq!(d.error_count(), 2, "{d:?}");
        assert!(Hooks.check_plan(schema, &planned, &planned).is_empty());
    }
}
