//! Requests and responses true to Azure for the network types: each type's
//! request checked against the official ARM examples (or, where no example
//! shows a property, the spec that defines it) and an example response read
//! back (see `arm_support`). The examples are 2026-01-01's; aksplan sends
//! azurerm 4.65's 2025-01-01, whose shapes for these types are the same.
//!
//! Associations are no ARM resources: their request is a write of the
//! holder (a subnet, a NAT gateway) read first, checked the same way; and a
//! holder's own update keeps what they set.

mod arm_support;

use aksplan::addrs::Mode;
use aksplan::lang::Value;
use aksplan::provider::arm::{ArmClient, ArmError, ArmRequest, ArmResponse, Method};
use aksplan::provider::azurerm::{plan_resource, Azurerm};
use aksplan::provider::catalog::Catalog;
use aksplan::provider::protocol::{ApplyRequest, Provider, ProviderConfig, ReadRequest};
use aksplan::schema::SchemaSource;
use arm_support::*;
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;
use std::sync::Mutex;

const RG_ID: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1";
const NET: &str = "Microsoft.Network/2026-01-01";

#[test]
fn public_ip() {
    check(&Case {
        type_name: "azurerm_public_ip",
        config: json!({"name": "test-ip", "resource_group_name": "rg1", "location": "eastus",
            "allocation_method": "Static", "sku": "Standard", "sku_tier": "Global", "zones": ["1"],
            "idle_timeout_in_minutes": 10, "domain_name_label": "testdns",
            "ip_tags": {"FirstPartyUsage": "SQL"}}),
        examples: &[
            "Microsoft.Network/2026-01-01/PublicIpAddressCreateCustomizedValues.json",
            "Microsoft.Network/2026-01-01/PublicIpAddressCreateDefaults.json",
            "Microsoft.Network/2026-01-01/PublicIpAddressGet.json",
        ],
        reads: &[
            ("allocation_method", "Static"),
            ("sku", "Standard"),
            ("sku_tier", "Global"),
            ("idle_timeout_in_minutes", "10"),
            ("zones", r#"["1"]"#),
            ("ddos_protection_mode", "VirtualNetworkInherited"),
        ],
        spec: &[(
            "properties.dnsSettings.domainNameLabel",
            "publicIpAddress.json 2025-01-01, PublicIPAddressDnsSettings.domainNameLabel",
        )],
    });
}

#[test]
fn network_security_group_with_inline_rules() {
    check(&Case {
        type_name: "azurerm_network_security_group",
        config: json!({"name": "testnsg", "resource_group_name": "rg1", "location": "westus",
            "security_rule": [{"name": "rule1", "protocol": "*", "source_port_range": "*",
                "destination_port_range": "80", "source_address_prefix": "*", "destination_address_prefix": "*",
                "access": "Allow", "priority": 130, "direction": "Inbound"}]}),
        // The answer replayed is the group as a GET shows it, with its rule.
        examples: &[
            "Microsoft.Network/2026-01-01/NetworkSecurityGroupGet.json",
            "Microsoft.Network/2026-01-01/NetworkSecurityGroupCreate.json",
        ],
        reads: &[
            ("name", "testnsg"),
            ("security_rule.0.name", "rule1"),
            ("security_rule.0.destination_port_range", r#""80""#),
            ("security_rule.0.priority", "130"),
        ],
        spec: &[],
    });
}

#[test]
fn network_security_rule() {
    check(&Case {
        type_name: "azurerm_network_security_rule",
        config: json!({"name": "rule1", "resource_group_name": "rg1", "network_security_group_name": "testnsg",
            "protocol": "*", "source_address_prefix": "10.0.0.0/8",
            "destination_application_security_group_ids": [format!("{RG_ID}/providers/Microsoft.Network/applicationSecurityGroups/web")],
            "access": "Deny", "destination_port_range": "8080", "source_port_range": "*", "priority": 100,
            "direction": "Outbound", "description": "deny to web"}),
        examples: &[
            "Microsoft.Network/2026-01-01/NetworkSecurityGroupRuleCreate.json",
            "Microsoft.Network/2026-01-01/NetworkSecurityGroupRuleGet.json",
        ],
        reads: &[
            ("name", "rule1"),
            ("network_security_group_name", "testnsg"),
            ("access", "Deny"),
            ("priority", "100"),
            ("destination_port_range", r#""8080""#),
            ("source_address_prefix", "10.0.0.0/8"),
        ],
        spec: &[
            (
                "properties.description",
                "networkSecurityGroup.json 2025-01-01, SecurityRulePropertiesFormat.description",
            ),
            (
                "properties.destinationApplicationSecurityGroups[].id",
                "networkSecurityGroup.json 2025-01-01, SecurityRulePropertiesFormat.destinationApplicationSecurityGroups",
            ),
        ],
    });
}

#[test]
fn route_table_with_inline_routes() {
    check(&Case {
        type_name: "azurerm_route_table",
        config: json!({"name": "testrt", "resource_group_name": "rg1", "location": "westus",
            "route": [{"name": "route1", "address_prefix": "10.0.3.0/24", "next_hop_type": "VirtualNetworkGateway"},
                {"name": "firewall", "address_prefix": "0.0.0.0/0", "next_hop_type": "VirtualAppliance",
                 "next_hop_in_ip_address": "10.0.1.4"}]}),
        examples: &[
            "Microsoft.Network/2026-01-01/RouteTableGet.json",
            "Microsoft.Network/2026-01-01/RouteTableCreate.json",
        ],
        reads: &[
            ("route.0.name", "route1"),
            ("route.0.next_hop_type", "VirtualNetworkGateway"),
            ("bgp_route_propagation_enabled", "true"),
            ("subnets", "[]"),
        ],
        spec: &[(
            "properties.routes[].properties.nextHopIpAddress",
            "routeTable.json 2025-01-01, RoutePropertiesFormat.nextHopIpAddress",
        )],
    });
}

#[test]
fn route() {
    check(&Case {
        type_name: "azurerm_route",
        config: json!({"name": "route1", "resource_group_name": "rg1", "route_table_name": "testrt",
            "address_prefix": "10.0.3.0/24", "next_hop_type": "VirtualNetworkGateway"}),
        examples: &[
            "Microsoft.Network/2026-01-01/RouteTableRouteCreate.json",
            "Microsoft.Network/2026-01-01/RouteTableRouteGet.json",
        ],
        reads: &[
            ("name", "route1"),
            ("route_table_name", "testrt"),
            ("address_prefix", "10.0.3.0/24"),
            ("next_hop_type", "VirtualNetworkGateway"),
        ],
        spec: &[],
    });
}

#[test]
fn nat_gateway() {
    check(&Case {
        type_name: "azurerm_nat_gateway",
        config: json!({"name": "test-natGateway", "resource_group_name": "rg1", "location": "westus",
            "idle_timeout_in_minutes": 5, "zones": ["1"]}),
        examples: &[
            "Microsoft.Network/2026-01-01/NatGatewayCreateOrUpdate.json",
            "Microsoft.Network/2026-01-01/NatGatewayGet.json",
        ],
        reads: &[
            ("name", "test-natGateway"),
            ("sku_name", "Standard"),
            ("idle_timeout_in_minutes", "5"),
        ],
        spec: &[("zones[]", "natGateway.json 2025-01-01, NatGateway.zones")],
    });
}

#[test]
fn subnet_with_service_endpoints() {
    check(&Case {
        type_name: "azurerm_subnet",
        config: json!({"name": "subnet1", "resource_group_name": "subnet-test", "virtual_network_name": "vnetname",
            "address_prefixes": ["10.0.0.0/16"], "service_endpoints": ["Microsoft.Storage"],
            "private_link_service_network_policies_enabled": false}),
        examples: &[
            "Microsoft.Network/2026-01-01/SubnetCreate.json",
            "Microsoft.Network/2026-01-01/SubnetGet.json",
        ],
        reads: &[("name", "subnet1"), ("address_prefixes", r#"["10.0.0.0/16"]"#)],
        spec: &[
            (
                "properties.addressPrefixes[]",
                "virtualNetwork.json 2025-01-01, SubnetPropertiesFormat.addressPrefixes",
            ),
            (
                "properties.serviceEndpoints[].service",
                "virtualNetwork.json 2025-01-01, ServiceEndpointPropertiesFormat.service",
            ),
            (
                "properties.privateLinkServiceNetworkPolicies",
                "virtualNetwork.json 2025-01-01, SubnetPropertiesFormat.privateLinkServiceNetworkPolicies",
            ),
            (
                "properties.privateEndpointNetworkPolicies",
                "virtualNetwork.json 2025-01-01, SubnetPropertiesFormat.privateEndpointNetworkPolicies",
            ),
            (
                "properties.defaultOutboundAccess",
                "virtualNetwork.json 2025-01-01, SubnetPropertiesFormat.defaultOutboundAccess",
            ),
        ],
    });
}

#[test]
fn virtual_network_with_inline_subnets() {
    check(&Case {
        type_name: "azurerm_virtual_network",
        config: json!({"name": "test-vnet", "resource_group_name": "rg1", "location": "westcentralus",
            "address_space": ["10.0.0.0/16"],
            "subnet": [{"name": "test-1", "address_prefixes": ["10.0.0.0/24"],
                "delegation": [{"name": "myDelegation",
                    "service_delegation": [{"name": "Microsoft.Sql/managedInstances"}]}]}]}),
        examples: &[
            "Microsoft.Network/2026-01-01/VirtualNetworkCreateSubnetWithDelegation.json",
            "Microsoft.Network/2026-01-01/VirtualNetworkGet.json",
        ],
        reads: &[
            ("subnet.0.name", "test-1"),
            ("subnet.0.address_prefixes", r#"["10.0.0.0/24"]"#),
            (
                "subnet.0.delegation.0.service_delegation.0.name",
                "Microsoft.Sql/managedInstances",
            ),
        ],
        spec: &[
            (
                "properties.subnets[].properties.addressPrefixes[]",
                "virtualNetwork.json 2025-01-01, SubnetPropertiesFormat.addressPrefixes",
            ),
            (
                "properties.subnets[].properties.defaultOutboundAccess",
                "virtualNetwork.json 2025-01-01, SubnetPropertiesFormat.defaultOutboundAccess",
            ),
            (
                "properties.subnets[].properties.privateEndpointNetworkPolicies",
                "virtualNetwork.json 2025-01-01, SubnetPropertiesFormat.privateEndpointNetworkPolicies",
            ),
            (
                "properties.subnets[].properties.privateLinkServiceNetworkPolicies",
                "virtualNetwork.json 2025-01-01, SubnetPropertiesFormat.privateLinkServiceNetworkPolicies",
            ),
            (
                "properties.privateEndpointVNetPolicies",
                "virtualNetwork.json 2025-01-01, VirtualNetworkPropertiesFormat.privateEndpointVNetPolicies",
            ),
        ],
    });
}

/// A holder as Azure has it: reads answer it, writes replace it and answer
/// what was written; every request is kept.
struct Holder {
    doc: Mutex<Json>,
    sent: Mutex<Vec<ArmRequest>>,
}

impl Holder {
    fn new(doc: Json) -> Holder {
        Holder {
            doc: Mutex::new(doc),
            sent: Mutex::new(Vec::new()),
        }
    }
}

impl ArmClient for Holder {
    async fn send(&self, req: ArmRequest) -> Result<ArmResponse, ArmError> {
        self.sent.lock().unwrap().push(req.clone());
        let mut doc = self.doc.lock().unwrap();
        if req.method == Method::Put {
            *doc = req.body.clone().unwrap_or(Json::Null);
        }
        Ok(ArmResponse {
            status: 200,
            body: doc.clone(),
        })
    }

    fn describe(&self) -> String {
        "holder".into()
    }

    fn subscription(&self) -> &str {
        SUB
    }

    fn tenant(&self) -> &str {
        "11111111-1111-1111-1111-111111111111"
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The property paths the examples of one holder type allow, with spec
/// citations for the rest.
fn allowed(examples: &[&str], spec: &[&str]) -> BTreeSet<String> {
    let mut allowed: BTreeSet<String> = spec.iter().map(|s| s.to_string()).collect();
    for e in examples {
        let ex = fixture(e);
        paths(&request_body(&ex), "", &mut allowed);
        for body in response_bodies(&ex) {
            paths(&body, "", &mut allowed);
        }
    }
    allowed
}

/// Creates, reads and deletes an association against its holder: the
/// holder is written with the reference set and with it taken away, and
/// nothing else of the holder changes.
fn association(type_name: &str, holder: Json, config: Json, examples: &[&str], spec: &[&str], reference: &str) {
    let catalog = Catalog::embedded();
    let schema = catalog.schema(Mode::Managed, type_name).unwrap();
    assert!(schema.arm.is_none(), "an association is no ARM resource of its own");
    let provider = Azurerm::new(Holder::new(holder.clone()), catalog.schemas("azurerm"));
    let planned = plan_resource(schema, None, &Value::from_json(&config), SUB).value;
    let rt = runtime();
    let created = rt.block_on(provider.apply(ApplyRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: None,
        planned: Some(&planned),
        now: std::time::SystemTime::now(),
    }));
    assert!(!created.diags.has_errors(), "{type_name}: {:?}", created.diags);
    let value = created.value.unwrap();
    {
        let sent = provider.client.sent.lock().unwrap();
        assert_eq!(sent[0].method, Method::Get, "{type_name}: the holder is read first");
        let put = sent.iter().find(|r| r.method == Method::Put).unwrap();
        assert_eq!(put.api_version, "2025-01-01");
        let mut sent_paths = BTreeSet::new();
        paths(put.body.as_ref().unwrap(), "", &mut sent_paths);
        let allowed = allowed(examples, spec);
        let unknown: Vec<&String> = sent_paths.difference(&allowed).collect();
        assert!(
            unknown.is_empty(),
            "{type_name}: properties no example or spec of the holder has: {unknown:?}"
        );
        let body = put.body.as_ref().unwrap();
        let referent = config[reference].as_str().unwrap();
        assert!(body.to_string().contains(referent), "{type_name}: {body}");
        // The rest of the holder is written back as it was.
        for (k, v) in holder["properties"].as_object().unwrap() {
            assert_eq!(&body["properties"][k], v, "{type_name}: {k}");
        }
    }
    assert_eq!(value.get(reference).and_then(Value::as_str), config[reference].as_str());
    let read = rt.block_on(provider.read(ReadRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: &value,
        now: std::time::SystemTime::now(),
    }));
    assert!(
        read.value.unwrap().same_as(&value),
        "{type_name}: a read finds what was made"
    );
    let deleted = rt.block_on(provider.apply(ApplyRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: Some(&value),
        planned: None,
        now: std::time::SystemTime::now(),
    }));
    assert!(!deleted.diags.has_errors(), "{type_name}: {:?}", deleted.diags);
    let left = provider.client.doc.lock().unwrap().clone();
    assert!(
        !left.to_string().contains(config[reference].as_str().unwrap()),
        "{left}"
    );
    assert_eq!(
        left["properties"]["addressPrefix"],
        holder["properties"]["addressPrefix"]
    );
    // Gone from the holder, the association reads as gone.
    let gone = rt.block_on(provider.read(ReadRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: &value,
        now: std::time::SystemTime::now(),
    }));
    assert!(gone.value.is_none() && !gone.diags.has_errors(), "{type_name}");
}

fn subnet_example() -> Json {
    fixture(&format!("{NET}/SubnetGet.json"))["responses"]["200"]["body"].clone()
}

const SUBNET_EXAMPLES: &[&str] = &[
    "Microsoft.Network/2026-01-01/SubnetGet.json",
    "Microsoft.Network/2026-01-01/SubnetCreate.json",
];

#[test]
fn subnet_associations_set_and_clear_a_reference_on_the_subnet() {
    let subnet = subnet_example();
    let subnet_id = subnet["id"].as_str().unwrap().to_string();
    for (type_name, attr, target, spec) in [
        (
            "azurerm_subnet_network_security_group_association",
            "network_security_group_id",
            "networkSecurityGroups/nsg1",
            "properties.networkSecurityGroup.id",
        ),
        (
            "azurerm_subnet_route_table_association",
            "route_table_id",
            "routeTables/rt1",
            "properties.routeTable.id",
        ),
        (
            "azurerm_subnet_nat_gateway_association",
            "nat_gateway_id",
            "natGateways/ng1",
            "properties.natGateway.id",
        ),
    ] {
        // virtualNetwork.json 2025-01-01, SubnetPropertiesFormat: networkSecurityGroup, routeTable, natGateway.
        let config = json!({"subnet_id": subnet_id, attr: format!("{RG_ID}/providers/Microsoft.Network/{target}")});
        association(type_name, subnet.clone(), config, SUBNET_EXAMPLES, &[spec], attr);
    }
}

#[test]
fn a_nat_gateway_public_ip_association_adds_one_address_among_several() {
    let gateway = fixture(&format!("{NET}/NatGatewayGet.json"))["responses"]["200"]["body"].clone();
    let pip = format!("{RG_ID}/providers/Microsoft.Network/publicIPAddresses/pip2");
    let config = json!({"nat_gateway_id": gateway["id"], "public_ip_address_id": pip});
    let examples = [
        "Microsoft.Network/2026-01-01/NatGatewayGet.json",
        "Microsoft.Network/2026-01-01/NatGatewayCreateOrUpdate.json",
    ];
    let catalog = Catalog::embedded();
    let schema = catalog
        .schema(Mode::Managed, "azurerm_nat_gateway_public_ip_association")
        .unwrap();
    let provider = Azurerm::new(Holder::new(gateway.clone()), catalog.schemas("azurerm"));
    let planned = plan_resource(schema, None, &Value::from_json(&config), SUB).value;
    let rt = runtime();
    let made = rt.block_on(provider.apply(ApplyRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: None,
        planned: Some(&planned),
        now: std::time::SystemTime::now(),
    }));
    assert!(!made.diags.has_errors(), "{:?}", made.diags);
    let value = made.value.unwrap();
    assert_eq!(
        value.get("id").and_then(Value::as_str),
        Some(format!("{}|{pip}", gateway["id"].as_str().unwrap()).as_str())
    );
    let written = provider.client.doc.lock().unwrap().clone();
    let mut sent_paths = BTreeSet::new();
    paths(&written, "", &mut sent_paths);
    let allowed = allowed(&examples, &[]);
    let unknown: Vec<&String> = sent_paths.difference(&allowed).collect();
    assert!(unknown.is_empty(), "{unknown:?}");
    // The gateway's own address stays; the new one is added.
    assert_eq!(written["properties"]["publicIpAddresses"].as_array().unwrap().len(), 2);
    let deleted = rt.block_on(provider.apply(ApplyRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: Some(&value),
        planned: None,
        now: std::time::SystemTime::now(),
    }));
    assert!(!deleted.diags.has_errors());
    let left = provider.client.doc.lock().unwrap().clone();
    assert_eq!(
        left["properties"]["publicIpAddresses"],
        gateway["properties"]["publicIpAddresses"]
    );
}

#[test]
fn an_association_refuses_a_holder_that_already_holds_a_reference() {
    let mut subnet = subnet_example();
    subnet["properties"]["networkSecurityGroup"] =
        json!({"id": format!("{RG_ID}/providers/Microsoft.Network/networkSecurityGroups/other")});
    let catalog = Catalog::embedded();
    let schema = catalog
        .schema(Mode::Managed, "azurerm_subnet_network_security_group_association")
        .unwrap();
    let provider = Azurerm::new(Holder::new(subnet.clone()), catalog.schemas("azurerm"));
    let config = json!({"subnet_id": subnet["id"],
        "network_security_group_id": format!("{RG_ID}/providers/Microsoft.Network/networkSecurityGroups/nsg1")});
    let planned = plan_resource(schema, None, &Value::from_json(&config), SUB).value;
    let r = runtime().block_on(provider.apply(ApplyRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: None,
        planned: Some(&planned),
        now: std::time::SystemTime::now(),
    }));
    assert!(r.diags.has_errors() && r.value.is_none());
    assert!(format!("{:?}", r.diags).contains("import"), "{:?}", r.diags);
    assert!(!provider
        .client
        .sent
        .lock()
        .unwrap()
        .iter()
        .any(|q| q.method == Method::Put));
}

/// Updates a resource Azure has as `existing`, made from `config`, to
/// `changed`, as a plan after a refresh would: the body written.
fn update(type_name: &str, existing: Json, config: Json, changed: Json) -> Json {
    let catalog = Catalog::embedded();
    let schema = catalog.schema(Mode::Managed, type_name).unwrap();
    let provider = Azurerm::new(Holder::new(existing), catalog.schemas("azurerm"));
    let rt = runtime();
    let made = plan_resource(schema, None, &Value::from_json(&config), SUB).value;
    let prior = rt
        .block_on(provider.read(ReadRequest {
            schema,
            provider: &ProviderConfig::default(),
            prior: &made,
            now: std::time::SystemTime::now(),
        }))
        .value
        .unwrap();
    let planned = plan_resource(schema, Some(&prior), &Value::from_json(&changed), SUB).value;
    let r = rt.block_on(provider.apply(ApplyRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: Some(&prior),
        planned: Some(&planned),
        now: std::time::SystemTime::now(),
    }));
    assert!(!r.diags.has_errors(), "{:?}", r.diags);
    let sent = provider.client.sent.lock().unwrap();
    sent.iter()
        .find(|q| q.method == Method::Put)
        .unwrap()
        .body
        .clone()
        .unwrap()
}

#[test]
fn a_subnet_update_keeps_what_its_associations_set() {
    let nsg = format!("{RG_ID}/providers/Microsoft.Network/networkSecurityGroups/nsg1");
    let rt = format!("{RG_ID}/providers/Microsoft.Network/routeTables/rt1");
    let mut existing = subnet_example();
    existing["properties"]["networkSecurityGroup"] = json!({"id": nsg});
    existing["properties"]["routeTable"] = json!({"id": rt});
    let config = json!({"name": "subnet1", "resource_group_name": "subnet-test", "virtual_network_name": "vnetname",
        "address_prefixes": ["10.0.0.0/16"]});
    let mut changed = config.clone();
    changed["service_endpoints"] = json!(["Microsoft.Storage"]);
    let body = update("azurerm_subnet", existing, config, changed);
    assert_eq!(body["properties"]["networkSecurityGroup"]["id"], nsg);
    assert_eq!(body["properties"]["routeTable"]["id"], rt);
    assert_eq!(
        body["properties"]["serviceEndpoints"],
        json!([{"service": "Microsoft.Storage"}])
    );
    assert!(
        body["properties"].get("natGateway").is_none(),
        "what Azure does not have is not invented"
    );
}

#[test]
fn an_update_of_a_network_keeps_the_subnets_its_configuration_leaves_out() {
    let existing = fixture(&format!("{NET}/VirtualNetworkGet.json"))["responses"]["200"]["body"].clone();
    let config = json!({"name": "test-vnet", "resource_group_name": "rg1", "location": "westus",
        "address_space": ["10.0.0.0/16"], "tags": {"a": "1"}});
    let mut changed = config.clone();
    changed["tags"] = json!({"a": "2"});
    let body = update("azurerm_virtual_network", existing.clone(), config, changed);
    assert_eq!(body["tags"]["a"], "2");
    assert_eq!(body["properties"]["subnets"], existing["properties"]["subnets"]);
}

#[test]
fn a_nat_gateway_update_keeps_its_addresses() {
    let existing = fixture(&format!("{NET}/NatGatewayGet.json"))["responses"]["200"]["body"].clone();
    let config = json!({"name": "test-natGateway", "resource_group_name": "rg1", "location": "westus"});
    let mut changed = config.clone();
    changed["idle_timeout_in_minutes"] = json!(10);
    let body = update("azurerm_nat_gateway", existing.clone(), config, changed);
    assert_eq!(body["properties"]["idleTimeoutInMinutes"], 10);
    assert_eq!(
        body["properties"]["publicIpAddresses"],
        existing["properties"]["publicIpAddresses"]
    );
    assert_eq!(
        body["properties"]["publicIpPrefixes"],
        existing["properties"]["publicIpPrefixes"]
    );
}
