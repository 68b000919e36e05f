# The extension's installation failed in Azure (fail.txt makes the
# simulation fail it after before/ is applied): the plan reinstalls it,
# saying why. The reason is part of the plan, not a diagnostic.
resource "azurerm_resource_group" "rg" {
  name     = "rg-ext"
  location = "westeurope"
}

resource "azurerm_resource_provider_registration" "kubernetes_configuration" {
  name = "Microsoft.KubernetesConfiguration"
}

resource "azurerm_kubernetes_cluster" "k" {
  name                = "aks-ext"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  dns_prefix          = "aksext"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 2
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_cluster_extension" "flux" {
  name           = "flux"
  cluster_id     = azurerm_kubernetes_cluster.k.id
  extension_type = "microsoft.flux"
}
