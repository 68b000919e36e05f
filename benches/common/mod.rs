//! The configuration the benchmarks run on: a layered graph of resource
//! groups, networks, subnets (for_each), identities (count) and role
//! assignments that reference them.

use std::fmt::Write;
use std::path::Path;

/// Writes `units` groups of 10 resources each (so 1,000 units = 10,000 resources).
pub fn generate(dir: &Path, units: usize) {
    let mut src = String::from(
        "variable \"location\" {\n  default = \"westeurope\"\n}\n\nlocals {\n  tags = { env = \"bench\" }\n  subnets = { a = 0, b = 1, c = 2 }\n}\n\n",
    );
    for u in 0..units {
        write!(
            src,
            r#"
resource "azurerm_resource_group" "rg{u}" {{
  name     = "rg-{u}"
  location = var.location
  tags     = local.tags
}}

resource "azurerm_virtual_network" "vnet{u}" {{
  name                = "vnet-{u}"
  location            = azurerm_resource_group.rg{u}.location
  resource_group_name = azurerm_resource_group.rg{u}.name
  address_space       = [cidrsubnet("10.0.0.0/8", 8, {u} % 256)]
}}

resource "azurerm_subnet" "s{u}" {{
  for_each             = local.subnets
  name                 = "snet-${{each.key}}"
  resource_group_name  = azurerm_resource_group.rg{u}.name
  virtual_network_name = azurerm_virtual_network.vnet{u}.name
  address_prefixes     = [cidrsubnet(tolist(azurerm_virtual_network.vnet{u}.address_space)[0], 8, each.value)]
}}

resource "azurerm_user_assigned_identity" "id{u}" {{
  count               = 2
  name                = "id-{u}-${{count.index}}"
  location            = var.location
  resource_group_name = azurerm_resource_group.rg{u}.name
}}

resource "azurerm_role_assignment" "ra{u}" {{
  count                = 3
  scope                = values(azurerm_subnet.s{u})[count.index].id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.id{u}[count.index % 2].principal_id
}}
"#
        )
        .unwrap();
    }
    std::fs::write(dir.join("main.tf"), src).unwrap();
}
