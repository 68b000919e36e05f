//! `azurerm_virtual_network_peering` and its data source: what the overlay
//! cannot say.
//!
//! As azurerm 4.65 builds the request, only-IPv6 peering is sent only when
//! on, and the subnet lists only when not empty. As it reads the answer,
//! what Azure leaves out reads as false (azurerm's `pointer.From`), subnet
//! lists answered empty read as the state had them (see [`absent`]), and
//! the remote network's id is written the way azurerm parses and prints it
//! (`resourceGroups`, `providers/Microsoft.Network/virtualNetworks`), its
//! names kept as Azure answers them. The peering's state (Initiated,
//! Connected, Disconnected) is no attribute in azurerm 4.65: it is not read.
//!
//! Every PUT asks Azure to sync the peering with the remote network's
//! address space (`?syncRemoteAddressSpace=true`), as azurerm's do.
//! `triggers` is azurerm's own and never sent: a change of it plans an
//! update in place, whose PUT is what syncs a peering with an address space
//! added to the remote network.

use super::{absent, TypeHooks};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use serde_json::{json, Value as Json};
use std::borrow::Cow;

pub struct Hooks;

/// Booleans azurerm reads as false when Azure leaves them out.
const FALSE_WHEN_ABSENT: [&str; 6] = [
    "allow_virtual_network_access",
    "allow_forwarded_traffic",
    "allow_gateway_transit",
    "use_remote_gateways",
    "peer_complete_virtual_networks_enabled",
    "only_ipv6_peering_enabled",
];

/// Whether `id` is a virtual network id as azurerm's validation (a parse
/// that minds case) accepts it.
fn is_network_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('/').collect();
    parts.len() == 9
        && parts[0].is_empty()
        && [
            (1, "subscriptions"),
            (3, "resourceGroups"),
            (5, "providers"),
            (6, "Microsoft.Network"),
            (7, "virtualNetworks"),
        ]
        .iter()
        .all(|(i, s)| parts[*i] == *s)
        && [2, 4, 8].iter().all(|i| !parts[*i].is_empty())
}

/// A virtual network id as azurerm prints it after parsing it without
/// regard to case; anything else is left as it is.
pub fn canonical_network_id(id: &str) -> String {
    let parts: Vec<&str> = id.trim_matches('/').split('/').collect();
    let fixed = [
        (0, "subscriptions"),
        (2, "resourceGroups"),
        (4, "providers"),
        (5, "Microsoft.Network"),
        (6, "virtualNetworks"),
    ];
    let matches = parts.len() == 8
        && fixed.iter().all(|(i, s)| parts[*i].eq_ignore_ascii_case(s))
        && [1, 3, 7].iter().all(|i| !parts[*i].is_empty());
    if !matches {
        return id.to_string();
    }
    format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/virtualNetworks/{}",
        parts[1], parts[3], parts[7]
    )
}

impl TypeHooks for Hooks {
    fn put_query(&self) -> Option<&'static str> {
        Some("syncRemoteAddressSpace=true")
    }

    /// azurerm's checks of single arguments the overlay cannot state: the
    /// remote network is a virtual network id, subnet names are not empty.
    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        if let Some(id) = config.get("remote_virtual_network_id").and_then(Value::as_str) {
            if !is_network_id(id) {
                diags.push(
                    Diagnostic::error("Invalid remote_virtual_network_id").with_detail(format!(
                        "expected a virtual network id, /subscriptions/{{subscriptionId}}/resourceGroups/{{resourceGroupName}}/providers/Microsoft.Network/virtualNetworks/{{virtualNetworkName}} (these words in this case), got {id:?}"
                    )),
                );
            }
        }
        for attr in ["local_subnet_names", "remote_subnet_names"] {
            let names = config.get(attr).and_then(Value::as_seq).unwrap_or(&[]);
            for (i, name) in names.iter().enumerate() {
                if name.as_str() == Some("") {
                    diags.push(
                        Diagnostic::error(format!("Invalid {attr}"))
                            .with_detail(format!("expected \"{attr}.{i}\" to not be an empty string")),
                    );
                }
            }
        }
        diags
    }

    fn to_arm(&self, _value: &Value, body: &mut Json) {
        let Some(p) = body.get_mut("properties").and_then(Json::as_object_mut) else {
            return;
        };
        if p.get("enableOnlyIPv6Peering") == Some(&json!(false)) {
            p.remove("enableOnlyIPv6Peering");
        }
        for key in ["localSubnetNames", "remoteSubnetNames"] {
            if p.get(key).is_some_and(absent::is_empty) {
                p.remove(key);
            }
        }
    }

    fn normalize_arm<'a>(&self, doc: &'a Json, prior: Option<&Value>) -> Cow<'a, Json> {
        let Some(p) = doc.get("properties").and_then(Json::as_object) else {
            return Cow::Borrowed(doc);
        };
        let mut p = p.clone();
        absent::drop_empty(
            &mut p,
            prior,
            &[
                ("localSubnetNames", "local_subnet_names"),
                ("remoteSubnetNames", "remote_subnet_names"),
            ],
        );
        let remote = p
            .get("remoteVirtualNetwork")
            .and_then(|r| r.get("id"))
            .and_then(Json::as_str)
            .map(canonical_network_id);
        if let Some(remote) = remote {
            p.insert("remoteVirtualNetwork".into(), json!({ "id": remote }));
        }
        let mut doc = doc.clone();
        doc["properties"] = Json::Object(p);
        Cow::Owned(doc)
    }

    fn read_arm(&self, _doc: &Json, value: &mut Value, _subscription: &str) {
        for attr in FALSE_WHEN_ABSENT {
            if value.get(attr).is_some_and(Value::is_null) {
                super::set(value, attr, Value::Bool(false));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing;
    use super::*;
    use crate::addrs::Mode;
    use crate::provider::azurerm::mapper;
    use crate::provider::catalog::testing::schema as lookup;

    const REMOTE: &str = "/subscriptions/s2/resourceGroups/rg2/providers/Microsoft.Network/virtualNetworks/vnet2";

    fn config(extra: &str) -> String {
        format!(
            r#"{{ name = "p1", resource_group_name = "rg1", virtual_network_name = "vnet1",
                remote_virtual_network_id = "{REMOTE}" {extra} }}"#
        )
    }

    #[test]
    fn a_create_sends_what_azurerm_sends() {
        let (schema, _, planned) = testing::planned("azurerm_virtual_network_peering", &config(""));
        assert_eq!(
            planned.get("id").and_then(Value::as_str),
            Some("/subscriptions/sub/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet1/virtualNetworkPeerings/p1")
        );
        let body = testing::body(schema, &planned);
        assert_eq!(
            body,
            json!({"properties": {
                "remoteVirtualNetwork": {"id": REMOTE},
                "allowVirtualNetworkAccess": true,
                "allowForwardedTraffic": false,
                "allowGatewayTransit": false,
                "useRemoteGateways": false,
                "peerCompleteVnets": true,
            }}),
            "only-IPv6 left out while false, no subnet lists"
        );
        let (schema, _, planned) = testing::planned(
            "azurerm_virtual_network_peering",
            &config(
                r#", peer_complete_virtual_networks_enabled = false, only_ipv6_peering_enabled = true,
                   local_subnet_names = ["a"], remote_subnet_names = [], triggers = { v = "1" }"#,
            ),
        );
        let p = testing::body(schema, &planned)["properties"].clone();
        assert_eq!(p["peerCompleteVnets"], false);
        assert_eq!(p["enableOnlyIPv6Peering"], true);
        assert_eq!(p["localSubnetNames"], json!(["a"]));
        assert_eq!(p.get("remoteSubnetNames"), None, "an empty list is not sent");
        assert!(
            !p.to_string().contains("triggers") && !p.to_string().contains("\"v\""),
            "triggers stay azurerm's"
        );
    }

    #[test]
    fn an_answer_reads_back_as_azurerm_reads_it_and_plans_clean() {
        let (schema, config, planned) = testing::planned("azurerm_virtual_network_peering", &config(""));
        let mut answer = testing::body(schema, &planned);
        answer["id"] = json!(planned.get("id").unwrap().as_str().unwrap());
        let p = &mut answer["properties"];
        p["remoteVirtualNetwork"]["id"] = json!(REMOTE
            .replace("resourceGroups", "resourcegroups")
            .replace("Microsoft.Network", "microsoft.network"));
        p["localSubnetNames"] = json!([]);
        p["remoteSubnetNames"] = json!([]);
        p["peeringState"] = json!("Connected");
        let value = testing::read(schema, &answer, &planned);
        assert_eq!(
            value.get("remote_virtual_network_id").and_then(Value::as_str),
            Some(REMOTE)
        );
        assert!(
            value.get("local_subnet_names").unwrap().is_null(),
            "answered empty, left out"
        );
        assert_eq!(value.get("only_ipv6_peering_enabled"), Some(&Value::Bool(false)));
        testing::plans_clean(schema, &value, &config).unwrap();
    }

    #[test]
    fn what_azure_leaves_out_reads_as_false_and_changes_that_replace_are_azurerms() {
        let (schema, config, planned) = testing::planned("azurerm_virtual_network_peering", &config(""));
        let answer = json!({"id": planned.get("id").unwrap().as_str().unwrap(),
            "properties": {"remoteVirtualNetwork": {"id": REMOTE}, "allowVirtualNetworkAccess": true}});
        let value = testing::read(schema, &answer, &planned);
        assert_eq!(
            value.get("peer_complete_virtual_networks_enabled"),
            Some(&Value::Bool(false))
        );
        assert_eq!(value.get("allow_forwarded_traffic"), Some(&Value::Bool(false)));
        // Absent, the whole-network peering reads as false: azurerm then replaces it.
        let again = crate::provider::azurerm::plan_resource(schema, Some(&value), &config, "sub");
        assert_eq!(again.replace_paths, ["peer_complete_virtual_networks_enabled"]);
        // A remote network named in another case is the same network.
        let mut moved = config.clone();
        super::super::set(
            &mut moved,
            "remote_virtual_network_id",
            Value::string(REMOTE.to_uppercase()),
        );
        let mut read = value.clone();
        super::super::set(&mut read, "peer_complete_virtual_networks_enabled", Value::Bool(true));
        let again = crate::provider::azurerm::plan_resource(schema, Some(&read), &moved, "sub");
        assert!(again.replace_paths.is_empty(), "{:?}", again.replace_paths);
        let mut other = config.clone();
        super::super::set(
            &mut other,
            "remote_virtual_network_id",
            Value::string(REMOTE.replace("vnet2", "vnet3")),
        );
        let again = crate::provider::azurerm::plan_resource(schema, Some(&read), &other, "sub");
        assert_eq!(again.replace_paths, ["remote_virtual_network_id"]);
    }

    #[test]
    fn network_ids_are_written_as_azurerm_writes_them() {
        assert_eq!(
            canonical_network_id(
                "/SUBSCRIPTIONS/s2/RESOURCEGROUPS/Rg2/PROVIDERS/microsoft.network/VIRTUALNETWORKS/Vnet2"
            ),
            "/subscriptions/s2/resourceGroups/Rg2/providers/Microsoft.Network/virtualNetworks/Vnet2"
        );
        for other in [
            "",
            "/subscriptions/s",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables/r",
        ] {
            assert_eq!(canonical_network_id(other), other);
        }
    }

    #[test]
    fn a_remote_that_is_no_network_id_or_an_empty_subnet_name_is_refused() {
        let check = |extra: &str| {
            let (_, config, _) = testing::planned("azurerm_virtual_network_peering", &config(extra));
            Hooks.validate(&config)
        };
        assert!(check("").is_empty());
        assert!(check(r#", local_subnet_names = ["a"]"#).is_empty());
        let d = check(r#", local_subnet_names = ["a", ""]"#);
        assert_eq!(d.error_count(), 1);
        assert!(format!("{d:?}").contains("local_subnet_names.1"), "{d:?}");
        for bad in [
            REMOTE.replace("resourceGroups", "resourcegroups"),
            REMOTE.replace("virtualNetworks", "networkSecurityGroups"),
            format!("{REMOTE}/subnets/a"),
            "vnet2".to_string(),
        ] {
            let mut config = testing::planned("azurerm_virtual_network_peering", &config("")).1;
            super::super::set(&mut config, "remote_virtual_network_id", Value::string(bad.clone()));
            let d = Hooks.validate(&config);
            assert_eq!(d.error_count(), 1, "{bad}");
        }
        let mut unknown = testing::planned("azurerm_virtual_network_peering", &config("")).1;
        super::super::set(&mut unknown, "remote_virtual_network_id", Value::unknown());
        assert!(Hooks.validate(&unknown).is_empty(), "not known yet: not judged");
    }

    #[test]
    fn the_data_source_finds_the_peering_under_its_network() {
        let data = lookup(Mode::Data, "azurerm_virtual_network_peering");
        let vnet = "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet1";
        let config = Value::from_json(&json!({"name": "p1", "virtual_network_id": vnet}));
        let id = mapper::build_id(&data.arm.as_ref().unwrap().id, &config, "sub").unwrap();
        assert_eq!(id, format!("{vnet}/virtualNetworkPeerings/p1"));
        let answer = json!({"id": id, "properties": {"remoteVirtualNetwork": {"id": REMOTE.to_lowercase()},
            "allowVirtualNetworkAccess": true, "peerCompleteVnets": true}});
        let doc = Hooks.normalize_arm(&answer, Some(&config));
        let mut value = mapper::from_arm(&data.block, &doc, Some(&config));
        Hooks.read_arm(&doc, &mut value, "sub");
        assert_eq!(value.get("allow_virtual_network_access"), Some(&Value::Bool(true)));
        assert_eq!(value.get("use_remote_gateways"), Some(&Value::Bool(false)));
        assert_eq!(
            value.get("remote_virtual_network_id").and_then(Value::as_str),
            Some("/subscriptions/s2/resourceGroups/rg2/providers/Microsoft.Network/virtualNetworks/vnet2")
        );
        assert!(
            value.get("local_subnet_names").is_none(),
            "no attribute the data source lacks"
        );
    }
}
