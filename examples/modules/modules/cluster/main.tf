# An AKS cluster on an existing subnet, with a user-assigned identity that
# holds Network Contributor on that subnet before the cluster is created.

variable "name" {
  type = string
}

variable "location" {
  type = string
}

variable "resource_group_name" {
  type = string
}

variable "node_subnet_id" {
  type = string
}

variable "node_count" {
  type    = number
  default = 1
}

resource "azurerm_user_assigned_identity" "cluster" {
  name                = "id-aks-${var.name}"
  location            = var.location
  resource_group_name = var.resource_group_name
}

resource "azurerm_role_assignment" "network" {
  scope                = var.node_subnet_id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.cluster.principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_kubernetes_cluster" "this" {
  name                = "aks-${var.name}"
  location            = var.location
  resource_group_name = var.resource_group_name
  dns_prefix          = "aks-${var.name}"

  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D4s_v5"
    node_count     = var.node_count
    vnet_subnet_id = var.node_subnet_id
  }

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.cluster.id]
  }

  network_profile {
    network_plugin = "azure"
  }

  depends_on = [azurerm_role_assignment.network]
}

output "id" {
  value = azurerm_kubernetes_cluster.this.id
}

output "fqdn" {
  value = azurerm_kubernetes_cluster.this.fqdn
}
