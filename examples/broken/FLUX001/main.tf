# A Flux configuration on a cluster without the microsoft.flux extension.
resource "azurerm_resource_group" "rg" {
  name     = "rg-flux"
  location = "westeurope"
}

resource "azurerm_kubernetes_cluster" "k" {
  name                = "aks-flux"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  dns_prefix          = "aks-flux"
  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 1
  }
  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_flux_configuration" "apps" {
  name       = "apps"
  cluster_id = azurerm_kubernetes_cluster.k.id # <- FLUX001
  namespace  = "flux-system"

  git_repository {
    url             = "https://github.com/Azure/gitops-flux2-kustomize-helm-mt"
    reference_type  = "branch"
    reference_value = "main"
  }

  kustomizations {
    name = "apps"
  }
}
