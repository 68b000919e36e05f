//! What azurerm keeps in Terraform's state that aksplan keeps otherwise:
//! empty values for what Azure did not say.
//!
//! azurerm is built on Terraform's legacy plugin SDK (v2), whose resources
//! set every attribute they read, and whose type system cannot tell an
//! empty value from none: an attribute Azure left out is written as `""`,
//! `0`, `false`, `{}` or `[]` (a real cluster's state has
//! `"capacity_reservation_group_id": ""`, `"max_count": 0`,
//! `"node_labels": {}`, `"zones": []`). aksplan's azurerm reads what Azure
//! left out as null, and what it plans from a configuration that leaves an
//! argument out is null too. So that the first plan after a takeover sees
//! what aksplan would have recorded, such empty values become null, unless
//! the attribute is required, or has a default (the provider sent the
//! default, so Azure holds it and says so: `private_cluster_enabled =
//! false`, `sku_tier = "Free"`).
//!
//! Lists and sets of objects stay empty rather than null (aksplan keeps
//! `kube_admin_config = []`, `subnet = []`), and so do nested blocks, which
//! are lists in both. Inside nested blocks the same holds, attribute by
//! attribute.
//!
//! What this cannot know: an argument a configuration set to the empty
//! value itself (`local_account_disabled = false`). For an argument Azure
//! returns, the first refresh reads it back (and reports the difference as
//! a change outside aksplan); for one Azure never returns, the first plan
//! shows `null -> false` as an update in place, which changes nothing in
//! Azure.
//!
//! Only azurerm is legacy here: azapi, random, time, tls and terraform_data
//! are on Terraform's plugin framework, which writes null for what is unset,
//! as aksplan does.

use crate::lang::types::Type;
use crate::lang::Value;
use crate::schema::BlockSchema;

/// The providers whose state is written by the legacy SDK.
pub fn is_legacy(kind: &str) -> bool {
    kind == "azurerm"
}

/// Turns the legacy SDK's empty values into nulls, as described above.
pub fn nulls_for_empties(block: &BlockSchema, value: &mut Value) {
    let Some(m) = value.as_map_mut() else { return };
    for (name, attr) in &block.attributes {
        if attr.required || attr.default.is_some() {
            continue;
        }
        if let Some(v) = m.get_mut(name) {
            if is_legacy_empty(v, &attr.ty) {
                *v = Value::Null(attr.ty.clone());
            }
        }
    }
    for (name, nested) in &block.block_types {
        let Some(v) = m.get_mut(name) else { continue };
        if let Value::Object(_) = v {
            nulls_for_empties(&nested.block, v);
            continue;
        }
        if let Some(items) = v.as_seq_mut() {
            for item in items.iter_mut() {
                nulls_for_empties(&nested.block, item);
            }
        }
        if let Value::Set(t, items) = v {
            // Elements changed: keep the set in go-cty's order.
            let (t, items) = (t.clone(), std::mem::take(items));
            *v = Value::set_of(t, items);
        }
    }
}

/// `""`, `0`, `false`, `{}`, or an empty list or set of primitives.
fn is_legacy_empty(v: &Value, ty: &Type) -> bool {
    match v.inner() {
        Value::String(s) => s.is_empty(),
        Value::Number(n) => n.to_f64() == 0.0,
        Value::Bool(b) => !b,
        Value::Map(_, m) | Value::Object(m) => m.is_empty() && matches!(ty, Type::Map(_)),
        Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
            items.is_empty() && ty.element().is_some_and(Type::is_primitive)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::Mode;
    use crate::provider::catalog::testing::schema;
    use crate::state::terraform::values::decode_block;
    use serde_json::json;

    fn decode(type_name: &str, j: serde_json::Value) -> Value {
        let block = &schema(Mode::Managed, type_name).block;
        let mut v = decode_block(block, &j, "", &mut Vec::new()).unwrap();
        nulls_for_empties(block, &mut v);
        v
    }

    #[test]
    fn empty_strings_numbers_bools_maps_and_primitive_lists_become_null() {
        let v = decode(
            "azurerm_kubernetes_cluster_node_pool",
            json!({
                "capacity_reservation_group_id": "",
                "max_count": 0,
                "fips_enabled": false,
                "node_labels": {},
                "zones": [],
                "node_taints": [],
                "kubelet_config": [],
                "upgrade_settings": [{"drain_timeout_in_minutes": 0, "max_surge": "10%", "node_soak_duration_in_minutes": 0, "undrainable_node_behavior": ""}],
                "node_count": 2,
                "os_disk_size_gb": 128,
                "vm_size": "Standard_D4s_v5",
            }),
        );
        for name in [
            "capacity_reservation_group_id",
            "max_count",
            "fips_enabled",
            "node_labels",
            "zones",
            "node_taints",
        ] {
            assert!(v.get(name).unwrap().is_null(), "{name}: {:?}", v.get(name));
        }
        // Nested blocks stay lists; their attributes follow the same rule.
        let upgrade = &v.get("upgrade_settings").unwrap().as_seq().unwrap()[0];
        assert!(upgrade.get("drain_timeout_in_minutes").unwrap().is_null());
        assert!(upgrade.get("undrainable_node_behavior").unwrap().is_null());
        assert_eq!(upgrade.get("max_surge"), Some(&Value::string("10%")));
        assert_eq!(
            v.get("kubelet_config").and_then(Value::as_seq).map(<[Value]>::len),
            Some(0)
        );
        assert_eq!(v.get("node_count"), Some(&Value::int(2)));
        assert_eq!(v.get("vm_size"), Some(&Value::string("Standard_D4s_v5")));
    }

    #[test]
    fn required_attributes_and_defaults_keep_their_empty_values() {
        let v = decode(
            "azurerm_kubernetes_cluster",
            json!({
                "private_cluster_enabled": false,
                "workload_identity_enabled": false,
                "local_account_disabled": false,
                "kube_admin_config": [],
                "kube_admin_config_raw": "",
                "name": "",
            }),
        );
        // Defaults (azurerm sent them; Azure holds them).
        assert_eq!(v.get("private_cluster_enabled"), Some(&Value::Bool(false)));
        assert_eq!(v.get("workload_identity_enabled"), Some(&Value::Bool(false)));
        // Required.
        assert_eq!(v.get("name"), Some(&Value::string("")));
        // No default: Azure left it out.
        assert!(v.get("local_account_disabled").unwrap().is_null());
        assert!(v.get("kube_admin_config_raw").unwrap().is_null());
        // A list of objects stays empty.
        assert_eq!(
            v.get("kube_admin_config").and_then(Value::as_seq).map(<[Value]>::len),
            Some(0)
        );
    }
}
