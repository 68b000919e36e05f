//! `azurerm_private_dns_zone` and `azurerm_private_dns_zone_virtual_network_link`:
//! both are global resources (azurerm sends `location: "global"`, which
//! neither type has as an argument), and the zone's SOA record is the child
//! record set `SOA/@`, written and read with the zone (see [`children`]).
//! What is only read back (the record's host, serial number and name) is
//! not sent.

use super::super::children::{self, Child, Where};
use super::TypeHooks;
use crate::lang::Value;
use serde_json::{json, Value as Json};

/// The api-version of the zone's record sets (the zone's own).
const RECORD_SETS: &str = "2024-06-01";

const SOA: Child = Child {
    key: "$soa",
    api_version: RECORD_SETS,
    at: Where::Fixed("SOA/@"),
    replace_on: &[],
    skip: children::keep_all,
};

pub struct Zone;

impl TypeHooks for Zone {
    fn to_arm(&self, _value: &Value, body: &mut Json) {
        body["location"] = json!("global");
        if let Some(soa) = body.get_mut("$soa").and_then(|s| s.get_mut("properties")) {
            if let Some(p) = soa.as_object_mut() {
                p.remove("fqdn");
            }
            if let Some(record) = soa.get_mut("soaRecord").and_then(Json::as_object_mut) {
                record.remove("host");
                record.remove("serialNumber");
            }
        }
    }

    fn children(&self) -> &'static [Child] {
        &[SOA]
    }
}

pub struct Link;

impl TypeHooks for Link {
    fn to_arm(&self, _value: &Value, body: &mut Json) {
        body["location"] = json!("global");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::Mode;
    use crate::provider::azurerm::mapper;
    use crate::provider::catalog::testing::schema as lookup;

    #[test]
    fn a_zone_is_global_and_its_soa_record_is_sent_as_its_own_record_set() {
        let schema = lookup(Mode::Managed, "azurerm_private_dns_zone");
        let v = Value::from_json(&json!({
            "name": "privatelink.azurecr.io", "resource_group_name": "rg", "tags": {"a": "b"},
            "soa_record": [{"email": "admin.contoso.com", "expire_time": 2419200, "minimum_ttl": 10,
                "refresh_time": 3600, "retry_time": 300, "ttl": 3600, "tags": {"k": "v"},
                "fqdn": "privatelink.azurecr.io.", "host_name": "azureprivatedns.net", "serial_number": 1}]
        }));
        let mut body = mapper::to_arm(&schema.block, &v);
        Zone.to_arm(&v, &mut body);
        assert_eq!(body["location"], "global");
        let wanted = children::take(Zone.children(), &mut body);
        assert!(body.get("$soa").is_none(), "the zone's own body holds no SOA record");
        let soa = wanted[0].clone().unwrap();
        assert_eq!(
            soa,
            json!({"properties": {"ttl": 3600, "metadata": {"k": "v"}, "soaRecord": {
                "email": "admin.contoso.com", "expireTime": 2419200, "minimumTtl": 10,
                "refreshTime": 3600, "retryTime": 300}}})
        );
    }

    #[test]
    fn a_link_is_global() {
        let mut body = json!({"properties": {"registrationEnabled": false}});
        Link.to_arm(&Value::from_json(&json!({})), &mut body);
        assert_eq!(body["location"], "global");
    }
}
