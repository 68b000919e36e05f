//! What the overlays of the AKS pool types cannot say, for both a
//! cluster's `default_node_pool` (an `agentPoolProfiles` entry) and an
//! `azurerm_kubernetes_cluster_node_pool` (an agentPools resource's
//! `properties`), as azurerm 4.65 expands and flattens them
//! (kubernetes_nodepool.go): the sysctl port range as one "MIN MAX"
//! string, public IP tags as a list of `{ipTagType, tag}`, and the
//! deprecated `transparent_huge_page_enabled` alias.
//!
//! Pure: values in, JSON out, and back. It knows nothing of requests.

use crate::lang::types::Type;
use crate::lang::value::Map;
use crate::lang::Value;
use serde_json::{json, Value as Json};

/// The first object of a block (`linux_os_config[0]`).
pub fn first<'v>(value: &'v Value, block: &str) -> Option<&'v Value> {
    value.get(block).and_then(Value::as_seq).and_then(<[Value]>::first)
}

/// The first object of a block, to change in place.
pub fn first_mut<'v>(value: &'v mut Value, block: &str) -> Option<&'v mut Map> {
    value
        .as_map_mut()?
        .get_mut(block)?
        .as_seq_mut()?
        .first_mut()?
        .as_map_mut()
}

fn known<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    value.get(key).filter(|v| !v.is_null() && v.is_wholly_known())
}

fn number(value: &Value, key: &str) -> Option<i64> {
    known(value, key).and_then(Value::as_i64)
}

/// Adds to a pool's ARM object (`profile`) what the overlay cannot say.
pub fn to_arm(pool: &Value, profile: &mut Json) {
    if let Some(os) = first(pool, "linux_os_config") {
        let thp = known(os, "transparent_huge_page").or_else(|| known(os, "transparent_huge_page_enabled"));
        if let Some(t) = thp.and_then(Value::as_str) {
            profile["linuxOSConfig"]["transparentHugePageEnabled"] = json!(t);
        }
        if let Some(sysctl) = first(os, "sysctl_config") {
            let range = (
                number(sysctl, "net_ipv4_ip_local_port_range_min"),
                number(sysctl, "net_ipv4_ip_local_port_range_max"),
            );
            if let (Some(min), Some(max)) = range {
                profile["linuxOSConfig"]["sysctls"]["netIpv4IpLocalPortRange"] = json!(format!("{min} {max}"));
            }
        }
    }
    if let Some(net) = first(pool, "node_network_profile") {
        let tags: Vec<Json> = known(net, "node_public_ip_tags")
            .and_then(Value::as_map)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some(json!({"ipTagType": k, "tag": v.as_str()?})))
                    .collect()
            })
            .unwrap_or_default();
        if !tags.is_empty() {
            profile["networkProfile"]["nodePublicIPTags"] = Json::Array(tags);
        }
    }
}

/// Reads back into a pool's value what [`to_arm`] wrote, and what azurerm
/// reads when Azure leaves a setting out (no UltraSSD, nodes deleted on
/// scale-down), so that a pool read from Azure matches its defaults.
pub fn read(profile: &Json, pool: &mut Value) {
    if let Some(m) = pool.as_map_mut() {
        let absent = [
            ("ultra_ssd_enabled", Value::Bool(false)),
            ("scale_down_mode", Value::string("Delete")),
        ];
        for (key, default) in absent {
            if m.get(key).is_some_and(Value::is_null) {
                m.insert(key.into(), default);
            }
        }
    }
    if let Some(os) = first_mut(pool, "linux_os_config") {
        let thp = profile
            .pointer("/linuxOSConfig/transparentHugePageEnabled")
            .and_then(Json::as_str);
        // Both names read what Azure has, as azurerm 4.x sets both.
        for key in ["transparent_huge_page", "transparent_huge_page_enabled"] {
            os.insert(key.into(), thp.map_or(Value::Null(Type::String), Value::string));
        }
        let range = profile
            .pointer("/linuxOSConfig/sysctls/netIpv4IpLocalPortRange")
            .and_then(Json::as_str)
            .and_then(|r| r.split_once(' '))
            .and_then(|(a, b)| Some((a.trim().parse::<i64>().ok()?, b.trim().parse::<i64>().ok()?)));
        if let Some(sysctl) = os
            .get_mut("sysctl_config")
            .and_then(Value::as_seq_mut)
            .and_then(|s| s.first_mut())
            .and_then(Value::as_map_mut)
        {
            let (min, max) = match range {
                Some((a, b)) => (Value::int(a), Value::int(b)),
                None => (Value::Null(Type::Number), Value::Null(Type::Number)),
            };
            sysctl.insert("net_ipv4_ip_local_port_range_min".into(), min);
            sysctl.insert("net_ipv4_ip_local_port_range_max".into(), max);
        }
    }
    if let Some(net) = first_mut(pool, "node_network_profile") {
        let tags: Map = profile
            .pointer("/networkProfile/nodePublicIPTags")
            .and_then(Json::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|t| {
                        let k = t.get("ipTagType")?.as_str()?;
                        Some((k.to_string(), Value::string(t.get("tag")?.as_str()?)))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let v = if tags.is_empty() {
            Value::Null(Type::map(Type::String))
        } else {
            Value::Map(Type::String, tags)
        };
        net.insert("node_public_ip_tags".into(), v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_range_and_ip_tags_go_as_arm_has_them_and_come_back() {
        let pool = crate::lang::eval::eval_standalone(
            r#"{
              linux_os_config = [{ transparent_huge_page = "madvise",
                sysctl_config = [{ net_ipv4_ip_local_port_range_min = 32000, net_ipv4_ip_local_port_range_max = 60000 }] }],
              node_network_profile = [{ node_public_ip_tags = { RoutingPreference = "Internet" }, allowed_host_ports = [] }],
            }"#,
        )
        .unwrap();
        let mut profile = json!({});
        to_arm(&pool, &mut profile);
        assert_eq!(
            profile["linuxOSConfig"]["sysctls"]["netIpv4IpLocalPortRange"],
            "32000 60000"
        );
        assert_eq!(profile["linuxOSConfig"]["transparentHugePageEnabled"], "madvise");
        assert_eq!(
            profile["networkProfile"]["nodePublicIPTags"],
            json!([{"ipTagType": "RoutingPreference", "tag": "Internet"}])
        );
        let mut back = pool.clone();
        read(&profile, &mut back);
        let os = first(&back, "linux_os_config").unwrap();
        assert_eq!(os.get("transparent_huge_page_enabled"), Some(&Value::string("madvise")));
        let sysctl = first(os, "sysctl_config").unwrap();
        assert_eq!(sysctl.get("net_ipv4_ip_local_port_range_max"), Some(&Value::int(60000)));
        let net = first(&back, "node_network_profile").unwrap();
        assert!(net.get("node_public_ip_tags").unwrap().same_as(
            first(&pool, "node_network_profile")
                .unwrap()
                .get("node_public_ip_tags")
                .unwrap()
        ));
    }

    #[test]
    fn settings_azure_leaves_out_read_as_azurerms_defaults() {
        let mut pool =
            crate::lang::eval::eval_standalone(r#"{ ultra_ssd_enabled = null, scale_down_mode = null }"#).unwrap();
        read(&json!({}), &mut pool);
        assert_eq!(pool.get("ultra_ssd_enabled"), Some(&Value::Bool(false)));
        assert_eq!(pool.get("scale_down_mode"), Some(&Value::string("Delete")));
        let mut set = crate::lang::eval::eval_standalone(r#"{ scale_down_mode = "Deallocate" }"#).unwrap();
        read(&json!({}), &mut set);
        assert_eq!(set.get("scale_down_mode"), Some(&Value::string("Deallocate")));
    }
}
