# An AKS cluster with API server VNet integration on its own virtual network:
# the API server is projected into a delegated /28 subnet, the nodes use a
# second subnet, and a user-assigned identity is granted Network Contributor
# on both subnets before the cluster is created.

terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
  }
}

provider "azurerm" {
  features {}
}

variable "name" {
  type    = string
  default = "apivnet"
}

variable "location" {
  type    = string
  default = "westeurope"
}

variable "address_space" {
  type    = string
  default = "10.10.0.0/16"
}

variable "private_cluster" {
  type    = bool
  default = true
}

locals {
  # The API server subnet must be at least a /28 and delegated to AKS.
  subnets = {
    apiserver = {
      prefix     = cidrsubnet(var.address_space, 12, 0) # a /28
      delegation = "Microsoft.ContainerService/managedClusters"
    }
    nodes = {
      prefix     = cidrsubnet(var.address_space, 8, 1) # a /24
      delegation = null
    }
  }
  tags = {
    scenario = "apiserver-vnet-integration"
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

resource "azurerm_subnet" "this" {
  for_each = local.subnets

  name                 = "snet-${each.key}"
  resource_group_name  = azurerm_resource_group.this.name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = [each.value.prefix]

  dynamic "delegation" {
    for_each = each.value.delegation == null ? [] : [each.value.delegation]
    content {
      name = "aks-delegation"
      service_delegation {
        name    = delegation.value
        actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
      }
    }
  }
}

resource "azurerm_user_assigned_identity" "cluster" {
  name                = "id-${var.name}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags
}

# The cluster identity needs Network Contributor on both subnets.
resource "azurerm_role_assignment" "network" {
  for_each = azurerm_subnet.this

  scope                = each.value.id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.cluster.principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_kubernetes_cluster" "this" {
  name                    = "aks-${var.name}"
  location                = azurerm_resource_group.this.location
  resource_group_name     = azurerm_resource_group.this.name
  dns_prefix              = var.name
  private_cluster_enabled = var.private_cluster

  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D4s_v5"
    node_count     = 2
    vnet_subnet_id = azurerm_subnet.this["nodes"].id
  }

  api_server_access_profile {
    virtual_network_integration_enabled = true
    subnet_id                           = azurerm_subnet.this["apiserver"].id
  }

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.cluster.id]
  }

  network_profile {
    network_plugin = "azure"
    service_cidr   = "10.20.0.0/16"
    dns_service_ip = cidrhost("10.20.0.0/16", 10)
  }

  tags = local.tags

  depends_on = [azurerm_role_assignment.network]
}

output "api_server_subnet" {
  value = azurerm_subnet.this["apiserver"].address_prefixes[0]
}

output "cluster_fqdn" {
  value = var.private_cluster ? azurerm_kubernetes_cluster.this.private_fqdn : azurerm_kubernetes_cluster.this.fqdn
}
