# Private access on a cluster without API server VNet integration: a replacement.
resource "azurerm_resource_group" "rg" {
  name     = "rg-private"
  location = "westeurope"
}

resource "azurerm_kubernetes_cluster" "k" {
  name                    = "aks-private"
  location                = azurerm_resource_group.rg.location
  resource_group_name     = azurerm_resource_group.rg.name
  dns_prefix              = "aksprivate"
  private_cluster_enabled = true # <- VNET010

  default_node_pool {
    name    = "system"
    vm_size = "Standard_D4s_v5"
  }

  identity {
    type = "SystemAssigned"
  }
}
