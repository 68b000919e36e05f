//! Rotating a node pool, as azurerm 4.x does when a setting AKS builds a
//! pool with changes: what triggers it, and what a plan says of it.
//!
//! AKS cannot change a pool's VM size, zones, disks, subnets and the like
//! in place. azurerm changes them by rotating the pool through the one
//! `temporary_name_for_rotation` names: a pool with the new settings is
//! created under that name, the pool is deleted and created again with
//! them, and the temporary pool is deleted. The resource is updated in
//! place. Without the name azurerm refuses the change, and aksplan refuses
//! it at plan. The ARM requests are `azurerm::rotate`'s.
//!
//! Pure: no I/O, no ARM bodies.

use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use crate::schema::BlockSchema;

/// Which pool a type rotates, and the settings azurerm rotates it for.
pub struct Cycled {
    /// The pool, as messages name it.
    pub what: &'static str,
    /// Where its settings are in the configuration, for messages.
    pub prefix: &'static str,
    /// azurerm's `cycleNodePoolProperties` for it.
    pub properties: &'static [&'static str],
    /// Whether an `os_sku` change rotates it (the default pool), rather
    /// than replacing the resource (a node pool), unless it is between
    /// Ubuntu and AzureLinux, which AKS does in place.
    pub os_sku: bool,
    /// Whether the pool may come back from its temporary name: a rotation
    /// that failed part way leaves the cluster on the temporary pool, and
    /// azurerm then reads that as the default pool (the default pool).
    pub renamed: bool,
}

/// `azurerm_kubernetes_cluster`'s `default_node_pool` (azurerm 4.65,
/// kubernetes_cluster_resource.go).
pub const DEFAULT_POOL: Cycled = Cycled {
    what: "default node pool",
    prefix: "default_node_pool.",
    properties: &[
        "host_encryption_enabled",
        "node_public_ip_enabled",
        "fips_enabled",
        "kubelet_config",
        "kubelet_disk_type",
        "linux_os_config",
        "max_pods",
        "only_critical_addons_enabled",
        "os_disk_size_gb",
        "os_disk_type",
        "pod_subnet_id",
        "snapshot_id",
        "ultra_ssd_enabled",
        "vnet_subnet_id",
        "vm_size",
        "zones",
    ],
    os_sku: true,
    renamed: true,
};

/// `azurerm_kubernetes_cluster_node_pool` (azurerm 4.65,
/// kubernetes_cluster_node_pool_resource.go).
pub const NODE_POOL: Cycled = Cycled {
    what: "node pool",
    prefix: "",
    properties: &[
        "fips_enabled",
        "host_encryption_enabled",
        "kubelet_config",
        "kubelet_disk_type",
        "linux_os_config",
        "max_pods",
        "node_public_ip_enabled",
        "os_disk_size_gb",
        "os_disk_type",
        "pod_subnet_id",
        "snapshot_id",
        "ultra_ssd_enabled",
        "vm_size",
        "vnet_subnet_id",
        "zones",
    ],
    os_sku: false,
    renamed: false,
};

/// Whether AKS changes an OS SKU in place: between Ubuntu and AzureLinux
/// (any version of either).
pub fn os_sku_in_place(before: &str, after: &str) -> bool {
    let linux = |s: &str| s.starts_with("Ubuntu") || s.starts_with("AzureLinux");
    linux(before) && linux(after)
}

/// A value as azurerm's SDK reads it: unset is the type's zero.
fn zero(v: &Value) -> bool {
    match v.inner() {
        Value::Null(_) => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::Number(n) => n.is_zero(),
        Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => items.is_empty(),
        Value::Map(_, m) => m.is_empty(),
        _ => false,
    }
}

fn differs(before: &Value, after: &Value) -> bool {
    after.is_wholly_known() && !before.same_as(after) && !(zero(before) && zero(after))
}

fn string<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The name the configuration gives the temporary pool.
pub fn temporary(pool: &Value) -> Option<&str> {
    string(pool, "temporary_name_for_rotation")
}

/// Whether a pool's name changes back from its temporary name: what a
/// rotation that failed part way left is taken up again, not replaced.
pub fn returning(before: &Value, after: &Value) -> bool {
    let (Some(old), Some(new)) = (string(before, "name"), string(after, "name")) else {
        return false;
    };
    old != new && temporary(after) == Some(old)
}

/// The settings that changed and need the pool rotated.
pub fn changed(c: &Cycled, before: &Value, after: &Value) -> Vec<&'static str> {
    let differ = |k: &str| match (before.get(k), after.get(k)) {
        (Some(b), Some(a)) => differs(b, a),
        _ => false,
    };
    let mut out: Vec<&'static str> = c.properties.iter().copied().filter(|k| differ(k)).collect();
    if c.os_sku && differ("os_sku") {
        let (b, a) = (
            string(before, "os_sku").unwrap_or(""),
            string(after, "os_sku").unwrap_or(""),
        );
        if !os_sku_in_place(b, a) {
            out.push("os_sku");
        }
    }
    if c.renamed && returning(before, after) {
        out.push("name");
    }
    out
}

/// Whether aksplan sends a setting to Azure: a change to one it does not
/// is kept in state only (the plan warns of those), and rotates nothing.
fn sent(pool: &BlockSchema, name: &str) -> bool {
    pool.attributes.get(name).is_some_and(|a| a.arm.is_some() || a.by_code)
        || pool.block_types.get(name).is_some_and(|b| b.arm.is_some())
}

/// A rotation an update makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    /// The pool's name in Azure now: its temporary name, when a rotation
    /// failed part way.
    pub from: String,
    /// Its name after.
    pub to: String,
    pub temporary: String,
    /// The settings that changed, as the configuration names them.
    pub changed: Vec<String>,
}

/// The rotation an update of `before` to `after` makes: `None` when no
/// setting that needs it changed, or when there is no temporary name (the
/// plan refused that).
pub fn needed(c: &Cycled, pool: &BlockSchema, before: &Value, after: &Value) -> Option<Rotation> {
    let changed: Vec<String> = changed(c, before, after)
        .into_iter()
        .filter(|k| sent(pool, k))
        .map(|k| format!("{}{k}", c.prefix))
        .collect();
    if changed.is_empty() {
        return None;
    }
    Some(Rotation {
        from: string(before, "name")?.to_string(),
        to: string(after, "name")?.to_string(),
        temporary: temporary(after)?.to_string(),
        changed,
    })
}

/// What a plan says of such a change: azurerm's refusal without a
/// temporary name; with one, that the pool is rotated.
pub fn check(c: &Cycled, pool: &BlockSchema, before: &Value, after: &Value) -> Diagnostics {
    let all = changed(c, before, after);
    if all.is_empty() {
        return Diagnostics::new();
    }
    let Some(tmp) = temporary(after) else {
        let list = all
            .iter()
            .map(|k| format!("{}{k}", c.prefix))
            .collect::<Vec<_>>()
            .join(", ");
        return Diagnostic::error("temporary_name_for_rotation must be specified")
            .with_detail(format!(
                "AKS cannot change {list} of an existing {} in place: azurerm rotates the pool through a \
                 temporary one, named by {}temporary_name_for_rotation",
                c.what, c.prefix
            ))
            .with_help(format!(
                "set temporary_name_for_rotation = \"tmp\" (any unused pool name) in {}",
                match c.prefix {
                    "" => "the resource",
                    block => block.trim_end_matches('.'),
                }
            ))
            .into();
    };
    let Some(r) = needed(c, pool, before, after) else {
        return Diagnostics::new();
    };
    Diagnostic::warning(format!("The {} will be rotated", c.what))
        .with_detail(format!(
            "AKS cannot change {} of a pool in place. As azurerm does, apply updates the resource in place by \
             rotating the pool: a temporary pool \"{tmp}\" is created with the new settings, the pool \"{}\" is \
             deleted, \"{}\" is created with the new settings, then \"{tmp}\" is deleted. Pods on the pool are \
             rescheduled without cordon and drain.",
            r.changed.join(", "),
            r.from,
            r.to,
        ))
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::Mode;
    use crate::lang::eval::eval_standalone;
    use crate::provider::catalog::testing::schema;

    fn default_pool() -> &'static BlockSchema {
        &schema(Mode::Managed, "azurerm_kubernetes_cluster").block.block_types["default_node_pool"].block
    }

    fn pool(text: &str) -> Value {
        eval_standalone(text).unwrap()
    }

    #[test]
    fn what_needs_a_rotation_is_azurerms_list_and_os_sku_unless_between_ubuntu_and_azurelinux() {
        let before = pool(
            r#"{ name = "system", vm_size = "Standard_D4s_v5", os_sku = "Ubuntu", node_count = 3, max_pods = 30, node_public_ip_enabled = null }"#,
        );
        let after = pool(
            r#"{ name = "system", vm_size = "Standard_D8s_v5", os_sku = "AzureLinux", node_count = 5, max_pods = 30, node_public_ip_enabled = false }"#,
        );
        // Ubuntu to AzureLinux and the node count change in place; unset is false.
        assert_eq!(changed(&DEFAULT_POOL, &before, &after), ["vm_size"]);
        let windows = pool(r#"{ name = "system", vm_size = "Standard_D4s_v5", os_sku = "Windows2022" }"#);
        assert_eq!(changed(&DEFAULT_POOL, &before, &windows), ["os_sku"]);
        // A node pool's os_sku change is a replacement instead.
        assert!(changed(&NODE_POOL, &before, &windows).is_empty());
    }

    #[test]
    fn a_pool_left_on_its_temporary_name_comes_back_through_a_rotation() {
        let before = pool(r#"{ name = "tmp", vm_size = "Standard_D8s_v5", temporary_name_for_rotation = "tmp" }"#);
        let after = pool(r#"{ name = "system", vm_size = "Standard_D8s_v5", temporary_name_for_rotation = "tmp" }"#);
        assert_eq!(changed(&DEFAULT_POOL, &before, &after), ["name"]);
        let r = needed(&DEFAULT_POOL, default_pool(), &before, &after).unwrap();
        assert_eq!(
            (r.from.as_str(), r.to.as_str(), r.temporary.as_str()),
            ("tmp", "system", "tmp")
        );
        // Another rename is no rotation: it replaces the cluster.
        let renamed = pool(r#"{ name = "other", vm_size = "Standard_D8s_v5", temporary_name_for_rotation = "tmp" }"#);
        let from_system = pool(r#"{ name = "system", vm_size = "Standard_D8s_v5" }"#);
        assert!(changed(&DEFAULT_POOL, &from_system, &renamed).is_empty());
    }

    #[test]
    fn without_a_temporary_name_the_change_is_refused_and_with_one_the_plan_says_it_rotates() {
        let before = pool(r#"{ name = "system", vm_size = "Standard_D4s_v5", zones = ["1"] }"#);
        let after = pool(r#"{ name = "system", vm_size = "Standard_D8s_v5", zones = ["1", "2"] }"#);
        let said = |d: &Diagnostics| {
            d.iter()
                .map(|d| format!("{}: {}", d.summary, d.detail))
                .collect::<String>()
        };
        let d = check(&DEFAULT_POOL, default_pool(), &before, &after);
        assert!(d.has_errors());
        assert!(
            said(&d).contains("temporary_name_for_rotation must be specified"),
            "{}",
            said(&d)
        );
        assert!(
            said(&d).contains("default_node_pool.vm_size, default_node_pool.zones"),
            "{}",
            said(&d)
        );
        let after = pool(
            r#"{ name = "system", vm_size = "Standard_D8s_v5", zones = ["1", "2"], temporary_name_for_rotation = "tmp" }"#,
        );
        let d = check(&DEFAULT_POOL, default_pool(), &before, &after);
        assert!(!d.has_errors() && d.len() == 1);
        assert!(
            said(&d).starts_with("The default node pool will be rotated: "),
            "{}",
            said(&d)
        );
        assert!(
            said(&d).contains(r#"a temporary pool "tmp" is created"#),
            "{}",
            said(&d)
        );
    }

    #[test]
    fn a_pool_setting_sent_by_code_or_overlay_rotates_like_the_rest() {
        let before = pool(r#"{ name = "system", ultra_ssd_enabled = false, temporary_name_for_rotation = "tmp" }"#);
        let after = pool(r#"{ name = "system", ultra_ssd_enabled = true, temporary_name_for_rotation = "tmp" }"#);
        assert_eq!(changed(&DEFAULT_POOL, &before, &after), ["ultra_ssd_enabled"]);
        let r = needed(&DEFAULT_POOL, default_pool(), &before, &after).unwrap();
        assert_eq!(r.changed, ["default_node_pool.ultra_ssd_enabled"]);
        assert!(!check(&DEFAULT_POOL, default_pool(), &before, &after).has_errors());
    }
}
