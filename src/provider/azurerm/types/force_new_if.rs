//! Replacements azurerm 4.x decides case by case (its `ForceNewIf` and
//! `ForceNewIfChange` rules) for the AKS types, on the attributes the
//! overlays map: the overlay marks what always forces a replacement, these
//! add the conditional ones and take back the exceptions.
//!
//! Pure: a function of the prior and planned values and the paths
//! (`network_profile.0.network_policy`) the overlay forces.

use super::rotation;
use crate::lang::Value;

/// The value at a planned path (`a.0.b`): keys, and indexes into blocks.
fn at<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |v, step| match step.parse::<usize>() {
        Ok(i) => v.as_seq()?.get(i),
        Err(_) => v.get(step),
    })
}

/// A string as azurerm's SDK reads it: unset is empty.
fn text<'v>(v: &'v Value, path: &str) -> &'v str {
    at(v, path).and_then(Value::as_str).unwrap_or("")
}

/// A change azurerm sees: the planned value is known and differs.
fn changes(prior: &Value, planned: &Value, path: &str) -> bool {
    let after = at(planned, path).filter(|v| !v.is_null());
    let before = at(prior, path).filter(|v| !v.is_null());
    match (before, after) {
        (Some(b), Some(a)) => a.is_wholly_known() && !b.same_as(a),
        (None, Some(a)) => a.is_wholly_known(),
        (Some(_), None) => true,
        (None, None) => false,
    }
}

fn force(replace: &mut Vec<String>, path: &str) {
    if !replace.iter().any(|p| p == path) {
        replace.push(path.to_string());
    }
}

/// `azurerm_kubernetes_cluster` (kubernetes_cluster_resource.go, CustomizeDiff).
pub fn cluster(prior: &Value, planned: &Value, replace: &mut Vec<String>) {
    // The default pool coming back from its temporary name is rotated, not replaced.
    let pool = |v: &Value| at(v, "default_node_pool.0").cloned().unwrap_or(Value::null());
    if rotation::returning(&pool(prior), &pool(planned)) {
        replace.retain(|p| p != "default_node_pool.0.name");
    }
    let changed = |path: &str| changes(prior, planned, path);
    let old = |path: &str| text(prior, path);
    let new = |path: &str| text(planned, path);

    let plugin_mode = "network_profile.0.network_plugin_mode";
    if changed(plugin_mode) && !new(plugin_mode).eq_ignore_ascii_case("overlay") {
        force(replace, plugin_mode);
    }
    // AKS moves a policy to Cilium in place; anything else is a new cluster.
    let policy = "network_profile.0.network_policy";
    if changed(policy)
        && !old(policy).is_empty()
        && !matches!((old(policy), new(policy)), ("azure" | "calico", "cilium"))
    {
        force(replace, policy);
    }
    let data_plane = "network_profile.0.network_data_plane";
    if changed(data_plane) && !old(data_plane).is_empty() && (old(data_plane), new(data_plane)) != ("azure", "cilium") {
        force(replace, data_plane);
    }
    // Removing API server VNet integration's subnet.
    let subnet = "api_server_access_profile.0.subnet_id";
    if changed(subnet) && !old(subnet).is_empty() && new(subnet).is_empty() {
        force(replace, subnet);
    }
    // From a managed identity to a service principal (not the other way).
    let client = "service_principal.0.client_id";
    if changed(client) && matches!(old(client), "" | "msi") {
        force(replace, client);
    }
    // Removing the drain timeout (the API cannot unset it).
    let drain = "default_node_pool.0.upgrade_settings.0.drain_timeout_in_minutes";
    let set = |v: &Value| at(v, drain).and_then(Value::as_i64).is_some_and(|n| n != 0);
    if changed(drain) && set(prior) && !set(planned) {
        force(replace, drain);
    }
    // Emptying what the API cannot unset: the undrainable-node behaviour, gMSA.
    for path in [
        "default_node_pool.0.upgrade_settings.0.undrainable_node_behavior",
        "windows_profile.0.gmsa.0.dns_server",
        "windows_profile.0.gmsa.0.root_domain",
    ] {
        if changed(path) && !old(path).is_empty() && new(path).is_empty() {
            force(replace, path);
        }
    }
    let gmsa = |v: &Value| {
        at(v, "windows_profile.0.gmsa")
            .and_then(Value::as_seq)
            .map_or(0, <[Value]>::len)
    };
    if gmsa(prior) != 0 && gmsa(planned) == 0 && at(planned, "windows_profile.0.gmsa").is_some_and(Value::is_known) {
        force(replace, "windows_profile.0.gmsa");
    }
}

/// `azurerm_kubernetes_cluster_node_pool` (kubernetes_cluster_node_pool_resource.go,
/// CustomizeDiff): an OS SKU change between Ubuntu and AzureLinux is made
/// in place.
pub fn node_pool(prior: &Value, planned: &Value, replace: &mut Vec<String>) {
    if rotation::os_sku_in_place(text(prior, "os_sku"), text(planned, "os_sku")) {
        replace.retain(|p| p != "os_sku");
    }
    // Removing what the API cannot unset.
    let drain = "upgrade_settings.0.drain_timeout_in_minutes";
    let set = |v: &Value| at(v, drain).and_then(Value::as_i64).is_some_and(|n| n != 0);
    if changes(prior, planned, drain) && set(prior) && !set(planned) {
        force(replace, drain);
    }
    let behaviour = "upgrade_settings.0.undrainable_node_behavior";
    if changes(prior, planned, behaviour) && !text(prior, behaviour).is_empty() && text(planned, behaviour).is_empty() {
        force(replace, behaviour);
    }
}

/// What replaces a resource and what changes it in place, as azurerm 4.65
/// decides it, one category at a time.
#[cfg(test)]
mod tests {
    use crate::addrs::Mode;
    use crate::lang::eval::eval_standalone;
    use crate::provider::azurerm::plan_resource;
    use crate::provider::catalog::testing::schema;

    const CLUSTER: &str = r#"{
      name = "k", location = "westeurope", resource_group_name = "rg", dns_prefix = "k",
      kubernetes_version = "1.30", sku_tier = "Free", role_based_access_control_enabled = true,
      default_node_pool = [{
        name = "system", vm_size = "Standard_D4s_v5", node_count = 3, type = "VirtualMachineScaleSets",
        temporary_name_for_rotation = "tmp",
        upgrade_settings = [{ max_surge = "10%", drain_timeout_in_minutes = 30 }],
      }],
      network_profile = [{ network_plugin = "azure", network_plugin_mode = "overlay", network_policy = "azure", network_data_plane = "azure" }],
      linux_profile = [{ admin_username = "azureuser", ssh_key = [{ key_data = "ssh-rsa AAAA1" }] }],
      api_server_access_profile = [{ subnet_id = "/subnets/api", virtual_network_integration_enabled = true }],
      tags = { env = "dev" },
    }"#;

    const NODE_POOL: &str = r#"{
      name = "apps", kubernetes_cluster_id = "/k", vm_size = "Standard_D4s_v5", node_count = 2,
      os_type = "Linux", os_sku = "Ubuntu", priority = "Regular", zones = ["1"], max_pods = 30,
      temporary_name_for_rotation = "tmpapps",
    }"#;

    /// The paths that force a replacement when `base` is changed by `edits`.
    fn replaced(type_name: &str, base: &str, edits: &[(&str, &str)]) -> Vec<String> {
        let config = edits.iter().fold(base.to_string(), |text, (from, to)| {
            assert!(text.contains(from), "{from} is not in the configuration");
            text.replacen(from, to, 1)
        });
        let prior = eval_standalone(base).unwrap();
        let config = eval_standalone(&config).unwrap();
        plan_resource(schema(Mode::Managed, type_name), Some(&prior), &config, "sub").replace_paths
    }

    fn cluster(edits: &[(&str, &str)]) -> Vec<String> {
        replaced("azurerm_kubernetes_cluster", CLUSTER, edits)
    }

    fn node_pool(edits: &[(&str, &str)]) -> Vec<String> {
        replaced("azurerm_kubernetes_cluster_node_pool", NODE_POOL, edits)
    }

    #[test]
    fn cluster_attributes_azurerm_marks_force_new_replace_it() {
        for (from, to, path) in [
            (r#"dns_prefix = "k""#, r#"dns_prefix = "k2""#, "dns_prefix"),
            (
                "role_based_access_control_enabled = true",
                "role_based_access_control_enabled = false",
                "role_based_access_control_enabled",
            ),
            (
                r#""ssh-rsa AAAA1""#,
                r#""ssh-rsa AAAA2""#,
                "linux_profile.0.ssh_key.0.key_data",
            ),
            (
                r#"type = "VirtualMachineScaleSets""#,
                r#"type = "AvailabilitySet""#,
                "default_node_pool.0.type",
            ),
        ] {
            assert_eq!(cluster(&[(from, to)]), [path]);
        }
    }

    #[test]
    fn cluster_attributes_azurerm_updates_change_in_place() {
        for (from, to) in [
            (r#"kubernetes_version = "1.30""#, r#"kubernetes_version = "1.31""#),
            (r#"sku_tier = "Free""#, r#"sku_tier = "Standard""#),
            (r#"env = "dev""#, r#"env = "prod""#),
            ("node_count = 3", "node_count = 5"),
            (r#"max_surge = "10%""#, r#"max_surge = "33%""#),
        ] {
            assert!(cluster(&[(from, to)]).is_empty(), "{to}");
        }
    }

    #[test]
    fn default_pool_settings_aks_builds_a_pool_with_rotate_it_in_place() {
        for (from, to) in [
            (r#"vm_size = "Standard_D4s_v5""#, r#"vm_size = "Standard_D8s_v5""#),
            ("node_count = 3", "node_count = 3, zones = [\"1\", \"2\"]"),
            ("node_count = 3", "node_count = 3, max_pods = 50"),
        ] {
            assert!(cluster(&[(from, to)]).is_empty(), "{to}");
        }
    }

    #[test]
    fn emptying_what_the_api_cannot_unset_replaces() {
        let with_behaviour = |v: &str| {
            replaced(
                "azurerm_kubernetes_cluster",
                &CLUSTER.replace(
                    "drain_timeout_in_minutes = 30",
                    "drain_timeout_in_minutes = 30, undrainable_node_behavior = \"Cordon\"",
                ),
                &[(r#"undrainable_node_behavior = "Cordon""#, v)],
            )
        };
        assert!(with_behaviour(r#"undrainable_node_behavior = "Schedule""#).is_empty());
        assert_eq!(
            with_behaviour("undrainable_node_behavior = null"),
            ["default_node_pool.0.upgrade_settings.0.undrainable_node_behavior"]
        );
        let pool = NODE_POOL.replace(
            "max_pods = 30,",
            "max_pods = 30, upgrade_settings = [{ max_surge = \"1\", drain_timeout_in_minutes = 20 }],",
        );
        let drain = |to: &str| {
            replaced(
                "azurerm_kubernetes_cluster_node_pool",
                &pool,
                &[("drain_timeout_in_minutes = 20", to)],
            )
        };
        assert!(drain("drain_timeout_in_minutes = 25").is_empty());
        assert_eq!(
            drain("drain_timeout_in_minutes = null"),
            ["upgrade_settings.0.drain_timeout_in_minutes"]
        );
    }

    #[test]
    fn cluster_changes_azurerm_decides_case_by_case() {
        let policy = |to: &str| cluster(&[(r#"network_policy = "azure""#, to)]);
        assert!(policy(r#"network_policy = "cilium""#).is_empty());
        assert_eq!(
            policy(r#"network_policy = "calico""#),
            ["network_profile.0.network_policy"]
        );
        let plane = |from: &str, to: &str| {
            let base = CLUSTER.replacen(r#"network_data_plane = "azure""#, from, 1);
            replaced("azurerm_kubernetes_cluster", &base, &[(from, to)])
        };
        assert!(plane(r#"network_data_plane = "azure""#, r#"network_data_plane = "cilium""#).is_empty());
        assert_eq!(
            plane(r#"network_data_plane = "cilium""#, r#"network_data_plane = "azure""#),
            ["network_profile.0.network_data_plane"]
        );
        // Overlay is taken on in place, and given up only with a new cluster.
        assert_eq!(
            cluster(&[(r#"network_plugin_mode = "overlay", "#, "")]),
            ["network_profile.0.network_plugin_mode"]
        );
        let base = CLUSTER.replacen(r#"network_plugin_mode = "overlay", "#, "", 1);
        let to_overlay = replaced(
            "azurerm_kubernetes_cluster",
            &base,
            &[(
                r#"network_plugin = "azure", "#,
                r#"network_plugin = "azure", network_plugin_mode = "overlay", "#,
            )],
        );
        assert!(to_overlay.is_empty(), "{to_overlay:?}");
        assert_eq!(
            cluster(&[(r#"subnet_id = "/subnets/api", "#, "")]),
            ["api_server_access_profile.0.subnet_id"]
        );
        assert_eq!(
            cluster(&[(", drain_timeout_in_minutes = 30", "")]),
            ["default_node_pool.0.upgrade_settings.0.drain_timeout_in_minutes"]
        );
        assert!(cluster(&[("drain_timeout_in_minutes = 30", "drain_timeout_in_minutes = 45")]).is_empty());
        // A new default pool name is a new cluster, but its name back from
        // the temporary one (a rotation that failed part way) is not.
        assert_eq!(
            cluster(&[(r#"name = "system""#, r#"name = "other""#)]),
            ["default_node_pool.0.name"]
        );
        let on_temporary = CLUSTER.replacen(r#"name = "system""#, r#"name = "tmp""#, 1);
        let back = replaced(
            "azurerm_kubernetes_cluster",
            &on_temporary,
            &[(r#"name = "tmp""#, r#"name = "system""#)],
        );
        assert!(back.is_empty(), "{back:?}");
    }

    #[test]
    fn node_pool_attributes_azurerm_marks_force_new_replace_it() {
        assert_eq!(
            node_pool(&[(r#"os_type = "Linux""#, r#"os_type = "Windows""#)]),
            ["os_type"]
        );
        assert_eq!(
            node_pool(&[(r#"priority = "Regular""#, r#"priority = "Spot""#)]),
            ["priority"]
        );
        assert_eq!(node_pool(&[(r#"name = "apps""#, r#"name = "web""#)]), ["name"]);
    }

    #[test]
    fn node_pool_updates_in_place_and_what_aks_builds_it_with_rotates_it() {
        for (from, to) in [
            ("node_count = 2", "node_count = 4"),
            (r#"vm_size = "Standard_D4s_v5""#, r#"vm_size = "Standard_D8s_v5""#),
            (r#"zones = ["1"]"#, r#"zones = ["1", "2"]"#),
            ("max_pods = 30", "max_pods = 60"),
        ] {
            assert!(node_pool(&[(from, to)]).is_empty(), "{to}");
        }
    }

    #[test]
    fn a_node_pool_os_sku_change_is_in_place_only_between_ubuntu_and_azurelinux() {
        assert!(node_pool(&[(r#"os_sku = "Ubuntu""#, r#"os_sku = "AzureLinux""#)]).is_empty());
        assert_eq!(
            node_pool(&[(r#"os_sku = "Ubuntu""#, r#"os_sku = "Windows2022""#)]),
            ["os_sku"]
        );
    }
}
