# 1.26 is no longer offered by AKS: a new cluster cannot be created on it.
resource "azurerm_resource_group" "rg" {
  name     = "rg-versions"
  location = "westeurope"
}

resource "azurerm_kubernetes_cluster" "k" {
  name                = "aks-versions"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  dns_prefix          = "aksversions"
  kubernetes_version  = "1.26" # <- AKS004

  default_node_pool {
    name    = "system"
    vm_size = "Standard_D4s_v5"
  }

  identity {
    type = "SystemAssigned"
  }
}
