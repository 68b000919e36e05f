//! The curated network types through the real binary on the simulation: an
//! AKS cluster whose node subnet has a network security group and a route
//! table associated, as real stacks have it, beside a NAT gateway with its
//! public address on a second subnet. It applies, plans clean, keeps the
//! associations through the subnet's own update, reports drift, imports
//! associations by azurerm's ids, and destroys cleanly.

mod common;

use common::{run, write};
use std::path::Path;

const NET: &str =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network";

const MAIN: &str = r#"
provider "azurerm" {
  features {}
}

resource "azurerm_resource_group" "this" {
  name     = "rg-net"
  location = "westeurope"
}

resource "azurerm_virtual_network" "this" {
  name                = "vnet-net"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  address_space       = ["10.40.0.0/16"]
}

resource "azurerm_subnet" "nodes" {
  name                 = "snet-nodes"
  resource_group_name  = azurerm_resource_group.this.name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = ["10.40.1.0/24"]
  service_endpoints    = ["Microsoft.Storage"]
}

resource "azurerm_subnet" "egress" {
  name                 = "snet-egress"
  resource_group_name  = azurerm_resource_group.this.name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = ["10.40.2.0/24"]
}

resource "azurerm_network_security_group" "nodes" {
  name                = "nsg-nodes"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name

  security_rule {
    name                       = "allow-https"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_group" "egress" {
  name                = "nsg-egress"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
}

resource "azurerm_network_security_rule" "deny_remote" {
  name                        = "deny-remote"
  resource_group_name         = azurerm_resource_group.this.name
  network_security_group_name = azurerm_network_security_group.egress.name
  priority                    = 200
  direction                   = "Inbound"
  access                      = "Deny"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_ranges     = ["22", "3389"]
  source_address_prefix       = "*"
  destination_address_prefix  = "VirtualNetwork"
}

resource "azurerm_route_table" "nodes" {
  name                = "rt-nodes"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name

  route {
    name                   = "to-firewall"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.40.0.4"
  }
}

resource "azurerm_route_table" "spoke" {
  name                          = "rt-spoke"
  location                      = azurerm_resource_group.this.location
  resource_group_name           = azurerm_resource_group.this.name
  bgp_route_propagation_enabled = false
}

resource "azurerm_route" "onprem" {
  name                = "onprem"
  resource_group_name = azurerm_resource_group.this.name
  route_table_name    = azurerm_route_table.spoke.name
  address_prefix      = "192.168.0.0/16"
  next_hop_type       = "VirtualNetworkGateway"
}

resource "azurerm_subnet_network_security_group_association" "nodes" {
  subnet_id                 = azurerm_subnet.nodes.id
  network_security_group_id = azurerm_network_security_group.nodes.id
}

resource "azurerm_subnet_route_table_association" "nodes" {
  subnet_id      = azurerm_subnet.nodes.id
  route_table_id = azurerm_route_table.nodes.id
}

resource "azurerm_subnet_network_security_group_association" "egress" {
  subnet_id                 = azurerm_subnet.egress.id
  network_security_group_id = azurerm_network_security_group.egress.id
}

resource "azurerm_public_ip" "nat" {
  name                = "pip-nat"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  allocation_method   = "Static"
  zones               = ["1"]
}

resource "azurerm_nat_gateway" "this" {
  name                    = "ng-net"
  location                = azurerm_resource_group.this.location
  resource_group_name     = azurerm_resource_group.this.name
  idle_timeout_in_minutes = 10
  zones                   = ["1"]
}

resource "azurerm_nat_gateway_public_ip_association" "this" {
  nat_gateway_id       = azurerm_nat_gateway.this.id
  public_ip_address_id = azurerm_public_ip.nat.id
}

resource "azurerm_subnet_nat_gateway_association" "egress" {
  subnet_id      = azurerm_subnet.egress.id
  nat_gateway_id = azurerm_nat_gateway.this.id
}

resource "azurerm_kubernetes_cluster" "this" {
  name                = "aks-net"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  dns_prefix          = "aksnet"

  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D4s_v5"
    node_count     = 2
    vnet_subnet_id = azurerm_subnet.nodes.id
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin = "azure"
    service_cidr   = "10.41.0.0/16"
    dns_service_ip = "10.41.0.10"
  }

  # The node subnet is ready once its security group and routes are set.
  depends_on = [
    azurerm_subnet_network_security_group_association.nodes,
    azurerm_subnet_route_table_association.nodes,
  ]
}

output "nat_ip" {
  value = azurerm_public_ip.nat.ip_address
}

output "node_routes" {
  value = azurerm_route_table.nodes.route
}
"#;

/// Data sources of the network types, beside [`MAIN`].
const DATA: &str = r#"
data "azurerm_subnet" "nodes" {
  name                 = azurerm_subnet.nodes.name
  virtual_network_name = azurerm_virtual_network.this.name
  resource_group_name  = azurerm_resource_group.this.name
  depends_on           = [azurerm_subnet_network_security_group_association.nodes, azurerm_subnet_route_table_association.nodes]
}
data "azurerm_nat_gateway" "this" {
  name                = azurerm_nat_gateway.this.name
  resource_group_name = azurerm_resource_group.this.name
  depends_on          = [azurerm_nat_gateway_public_ip_association.this]
}
data "azurerm_public_ip" "nat" {
  name                = azurerm_public_ip.nat.name
  resource_group_name = azurerm_resource_group.this.name
}
data "azurerm_network_security_group" "nodes" {
  name                = azurerm_network_security_group.nodes.name
  resource_group_name = azurerm_resource_group.this.name
}
data "azurerm_route_table" "nodes" {
  name                = azurerm_route_table.nodes.name
  resource_group_name = azurerm_resource_group.this.name
  depends_on          = [azurerm_subnet_route_table_association.nodes]
}
output "node_nsg" {
  value = data.azurerm_subnet.nodes.network_security_group_id
}
output "node_route_table" {
  value = data.azurerm_subnet.nodes.route_table_id
}
output "gateway_addresses" {
  value = data.azurerm_nat_gateway.this.public_ip_address_ids
}
output "data_nat_ip" {
  value = data.azurerm_public_ip.nat.ip_address
}
output "nsg_rules" {
  value = [for r in data.azurerm_network_security_group.nodes.security_rule : r.name]
}
output "routed_subnets" {
  value = data.azurerm_route_table.nodes.subnets
}
"#;

fn sim_json(dir: &Path, id: &str) -> serde_json::Value {
    let r = run(dir, &["sim", "show", id]);
    assert_eq!(r.code, 0, "{id}: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let r = run(dir, args);
    assert_eq!(r.code, 0, "{args:?}:\n{}{}", r.stdout, r.stderr);
    r.stdout
}

/// `plan --detailed-exitcode` says nothing is to change.
fn plans_clean(dir: &Path, when: &str) {
    let r = run(dir, &["plan", "--detailed-exitcode"]);
    assert_eq!(r.code, 0, "{when}:\n{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("No changes."), "{when}:\n{}", r.stdout);
}

#[test]
fn a_cluster_on_a_subnet_with_a_security_group_and_routes_applies_plans_clean_drifts_and_destroys() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, &[("main.tf", MAIN)]);
    ok(d, &["validate"]);
    let applied = ok(d, &["apply", "--auto-approve"]);
    assert!(
        applied.contains("Resources: 18 added, 0 changed, 0 destroyed"),
        "{applied}"
    );
    plans_clean(d, "right after apply");

    // The node subnet holds its security group and route table; the cluster's nodes use it.
    let nodes = format!("{NET}/virtualNetworks/vnet-net/subnets/snet-nodes");
    let subnet = sim_json(d, &nodes);
    assert_eq!(
        subnet["properties"]["networkSecurityGroup"]["id"],
        format!("{NET}/networkSecurityGroups/nsg-nodes")
    );
    assert_eq!(
        subnet["properties"]["routeTable"]["id"],
        format!("{NET}/routeTables/rt-nodes")
    );
    let pool = sim_json(
        d,
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.ContainerService/managedClusters/aks-net/agentPools/system",
    );
    assert!(pool["properties"]["vnetSubnetID"]
        .as_str()
        .unwrap()
        .eq_ignore_ascii_case(&nodes));
    let egress = sim_json(d, &format!("{NET}/virtualNetworks/vnet-net/subnets/snet-egress"));
    assert_eq!(
        egress["properties"]["natGateway"]["id"],
        format!("{NET}/natGateways/ng-net")
    );
    let gateway = sim_json(d, &format!("{NET}/natGateways/ng-net"));
    assert_eq!(
        gateway["properties"]["publicIpAddresses"][0]["id"],
        format!("{NET}/publicIPAddresses/pip-nat")
    );
    // A Static address is known after apply, and read back.
    let ip = ok(d, &["output", "-raw", "nat_ip"]);
    assert!(ip.trim().parse::<std::net::Ipv4Addr>().is_ok(), "{ip}");

    // The subnet's own update keeps what the associations set, as azurerm's does.
    write(
        d,
        &[(
            "main.tf",
            &MAIN.replace(
                r#"service_endpoints    = ["Microsoft.Storage"]"#,
                r#"service_endpoints    = ["Microsoft.Storage", "Microsoft.KeyVault"]"#,
            ),
        )],
    );
    let updated = ok(d, &["apply", "--auto-approve"]);
    assert!(
        updated.contains("Resources: 0 added, 1 changed, 0 destroyed"),
        "{updated}"
    );
    let subnet = sim_json(d, &nodes);
    assert_eq!(subnet["properties"]["serviceEndpoints"].as_array().unwrap().len(), 2);
    assert!(
        subnet["properties"]["networkSecurityGroup"]["id"].is_string(),
        "{subnet}"
    );
    assert!(subnet["properties"]["routeTable"]["id"].is_string(), "{subnet}");
    plans_clean(d, "after the subnet's update");

    // What the subnet's update, the associations and the child resources did
    // to their holders was recorded by the applies themselves: nothing has
    // drifted.
    let r = run(d, &["drift"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    // Out-of-band changes: an address's timeout, and a subnet's NAT gateway taken away.
    ok(
        d,
        &[
            "sim",
            "patch",
            &format!("{NET}/publicIPAddresses/pip-nat"),
            r#"{"properties": {"idleTimeoutInMinutes": 15}}"#,
        ],
    );
    ok(
        d,
        &[
            "sim",
            "patch",
            &format!("{NET}/virtualNetworks/vnet-net/subnets/snet-egress"),
            r#"{"properties": {"natGateway": null}}"#,
        ],
    );
    let r = run(d, &["drift"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("idle_timeout_in_minutes: 4 -> 15"), "{}", r.stdout);
    assert!(
        r.stdout.contains("azurerm_subnet_nat_gateway_association.egress"),
        "the association is gone: {}",
        r.stdout
    );
    let repaired = ok(d, &["apply", "--auto-approve"]);
    assert!(
        repaired.contains("Resources: 1 added, 1 changed, 0 destroyed"),
        "{repaired}"
    );
    plans_clean(d, "after the repair");

    // Data sources read what the associations and the gateway hold.
    write(d, &[("data.tf", DATA)]);
    ok(d, &["apply", "--auto-approve"]);
    let outputs: serde_json::Value = serde_json::from_str(&ok(d, &["output", "-json"])).unwrap();
    assert_eq!(
        outputs["node_nsg"]["value"],
        format!("{NET}/networkSecurityGroups/nsg-nodes")
    );
    assert_eq!(
        outputs["node_route_table"]["value"],
        format!("{NET}/routeTables/rt-nodes")
    );
    assert_eq!(
        outputs["gateway_addresses"]["value"],
        serde_json::json!([format!("{NET}/publicIPAddresses/pip-nat")])
    );
    assert_eq!(outputs["data_nat_ip"]["value"], outputs["nat_ip"]["value"]);
    assert_eq!(outputs["nsg_rules"]["value"], serde_json::json!(["allow-https"]));
    assert_eq!(outputs["routed_subnets"]["value"], serde_json::json!([nodes]));
    std::fs::remove_file(d.join("data.tf")).unwrap();

    let destroyed = ok(d, &["destroy", "--auto-approve"]);
    assert!(
        destroyed.contains("Resources: 0 added, 0 changed, 18 destroyed"),
        "{destroyed}"
    );
    let left = ok(d, &["sim", "list"]);
    assert!(!left.contains("rg-net"), "{left}");
}

#[test]
fn associations_are_imported_by_azurerms_ids_and_refused_when_taken() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, &[("main.tf", MAIN)]);
    ok(d, &["apply", "--auto-approve"]);
    ok(
        d,
        &[
            "state",
            "rm",
            "azurerm_subnet_route_table_association.nodes",
            "azurerm_nat_gateway_public_ip_association.this",
        ],
    );
    // What exists is not taken over: the subnet already holds a route table.
    let r = run(d, &["apply", "--auto-approve"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("A resource with this ID already exists"),
        "{}",
        r.stderr
    );
    let subnet = format!("{NET}/virtualNetworks/vnet-net/subnets/snet-nodes");
    ok(d, &["import", "azurerm_subnet_route_table_association.nodes", &subnet]);
    let composite = format!("{NET}/natGateways/ng-net|{NET}/publicIPAddresses/pip-nat");
    ok(
        d,
        &["import", "azurerm_nat_gateway_public_ip_association.this", &composite],
    );
    plans_clean(d, "after the imports");
    let shown = ok(d, &["state", "show", "azurerm_nat_gateway_public_ip_association.this"]);
    assert!(shown.contains(&composite), "{shown}");
    // An id of another type is no subnet to import an association from.
    ok(d, &["state", "rm", "azurerm_subnet_route_table_association.nodes"]);
    let r = run(
        d,
        &[
            "import",
            "azurerm_subnet_route_table_association.nodes",
            &format!("{NET}/routeTables/rt-nodes"),
        ],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("is set on a Microsoft.Network/virtualNetworks/subnets"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_network_with_inline_subnets_makes_them_subnets_and_plans_clean() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let main = r#"
provider "azurerm" {
  features {}
}
resource "azurerm_resource_group" "this" {
  name     = "rg-inline"
  location = "westeurope"
}
resource "azurerm_network_security_group" "this" {
  name                = "nsg"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
}
resource "azurerm_virtual_network" "this" {
  name                = "vnet"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  address_space       = ["10.50.0.0/16"]
  tags                = { env = "a" }

  subnet {
    name             = "nodes"
    address_prefixes = ["10.50.1.0/24"]
    security_group   = azurerm_network_security_group.this.id
  }
  subnet {
    name              = "aci"
    address_prefixes  = ["10.50.2.0/24"]
    service_endpoints = ["Microsoft.Sql"]
    delegation {
      name = "aci"
      service_delegation {
        name    = "Microsoft.ContainerInstance/containerGroups"
        actions = ["Microsoft.Network/virtualNetworks/subnets/action"]
      }
    }
  }
}
output "subnet_ids" {
  value = sort([for s in azurerm_virtual_network.this.subnet : s.id])
}
"#;
    write(d, &[("main.tf", main)]);
    ok(d, &["apply", "--auto-approve"]);
    plans_clean(d, "right after apply");
    let ids = ok(d, &["output", "-json", "subnet_ids"]);
    let vnet = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-inline/providers/Microsoft.Network/virtualNetworks/vnet";
    assert!(ids.contains(&format!("{vnet}/subnets/nodes")), "{ids}");
    let nodes = sim_json(d, &format!("{vnet}/subnets/nodes"));
    assert!(nodes["properties"]["networkSecurityGroup"]["id"]
        .as_str()
        .unwrap()
        .ends_with("/networkSecurityGroups/nsg"));
    // A change elsewhere keeps the subnets; taking one out of the list deletes it.
    write(d, &[("main.tf", &main.replace(r#"env = "a""#, r#"env = "b""#))]);
    ok(d, &["apply", "--auto-approve"]);
    plans_clean(d, "after a tag change");
    let one = main.replace(r#"env = "a""#, r#"env = "b""#);
    let start = one.find("  subnet {\n    name              = \"aci\"").unwrap();
    let end = one.find("\n}\noutput").unwrap();
    write(d, &[("main.tf", &format!("{}{}", &one[..start], &one[end + 1..]))]);
    ok(d, &["apply", "--auto-approve"]);
    plans_clean(d, "after a subnet left the list");
    assert_eq!(run(d, &["sim", "show", &format!("{vnet}/subnets/aci")]).code, 1);
    ok(d, &["destroy", "--auto-approve"]);
}

#[test]
fn allowed_values_are_refused_at_validate_naming_the_valid_ones() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        &[(
            "main.tf",
            r#"
resource "azurerm_public_ip" "p" {
  name                = "p"
  location            = "westeurope"
  resource_group_name = "rg"
  allocation_method   = "static"
}
resource "azurerm_network_security_rule" "r" {
  name                        = "r"
  resource_group_name         = "rg"
  network_security_group_name = "nsg"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "TCP"
  source_port_range           = "*"
  destination_port_range      = "443"
  source_address_prefix       = "*"
  destination_address_prefix  = "*"
}
resource "azurerm_route" "r" {
  name                = "r"
  resource_group_name = "rg"
  route_table_name    = "t"
  address_prefix      = "0.0.0.0/0"
  next_hop_type       = "Appliance"
}
"#,
        )],
    );
    let r = run(d, &["validate"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let said = r.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        r#"allocation_method must be "Static" or "Dynamic", not "static""#,
        r#"protocol must be "Tcp", "Udp", "Icmp", "Esp", "*" or "Ah", not "TCP""#,
        r#"next_hop_type must be "VirtualNetworkGateway", "VnetLocal", "Internet", "VirtualAppliance" or "None", not "Appliance""#,
    ] {
        assert!(said.contains(expected), "{expected}\n{}", r.stderr);
    }
}
