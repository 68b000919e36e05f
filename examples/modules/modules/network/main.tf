# A resource group and a virtual network with one subnet for AKS nodes.

variable "name" {
  type = string
}

variable "location" {
  type = string
}

variable "address_space" {
  type = string

  validation {
    condition     = can(cidrhost(var.address_space, 0))
    error_message = "The address space must be a CIDR block, such as 10.20.0.0/16."
  }
}

locals {
  tags = {
    environment = var.name
    module      = "network"
  }
}

resource "azurerm_resource_group" "this" {
  name     = "rg-${var.name}"
  location = var.location
  tags     = local.tags
}

resource "azurerm_virtual_network" "this" {
  name                = "vnet-${var.name}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  address_space       = [var.address_space]
  tags                = local.tags
}

resource "azurerm_subnet" "nodes" {
  name                 = "snet-nodes"
  resource_group_name  = azurerm_resource_group.this.name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = [cidrsubnet(var.address_space, 8, 1)]
}

output "resource_group_name" {
  value = azurerm_resource_group.this.name
}

output "node_subnet_id" {
  value = azurerm_subnet.nodes.id
}
