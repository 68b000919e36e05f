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

# The update sends one protected setting of the two: Azure deletes the other.
resource "azurerm_kubernetes_cluster_extension" "aml" {
  name              = "azureml"
  cluster_id        = azurerm_kubernetes_cluster.k.id
  extension_type    = "Microsoft.AzureML.Kubernetes"
  release_namespace = "azureml"
  configuration_settings = {
    enableInference = "true"
  }
  configuration_protected_settings = { # <- EXT004
    sslCertPemFile = "cert"
  }
}
