# A Windows node pool name longer than 6 characters.
resource "azurerm_resource_group" "rg" {
  name     = "rg-win"
  location = "westeurope"
}

resource "azurerm_kubernetes_cluster" "k" {
  name                = "aks-win"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  dns_prefix          = "akswin"

  default_node_pool {
    name    = "system"
    vm_size = "Standard_D4s_v5"
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin = "azure"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "windows" {
  name                  = "windows1" # <- AKS003
  kubernetes_cluster_id = azurerm_kubernetes_cluster.k.id
  vm_size               = "Standard_D4s_v5"
  os_type               = "Windows"
}
