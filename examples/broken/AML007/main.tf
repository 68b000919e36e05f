# The attachment is removed from the configuration: destroying it detaches
# the cluster, and the AKS cluster stays. The finding has no place in the
# configuration (the block is gone), so it marks no line.

resource "azurerm_resource_group" "ml" {
  name     = "rg-ml"
  location = "eastus"
}

resource "azurerm_kubernetes_cluster" "ml" {
  name                = "aks-ml"
  location            = azurerm_resource_group.ml.location
  resource_group_name = azurerm_resource_group.ml.name
  dns_prefix          = "aksml"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin    = "azure"
    load_balancer_sku = "standard"
  }
}

resource "azurerm_machine_learning_workspace" "ml" {
  name                    = "mlw-inference"
  location                = azurerm_resource_group.ml.location
  resource_group_name     = azurerm_resource_group.ml.name
  application_insights_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml/providers/Microsoft.Insights/components/appi-ml"
  key_vault_id            = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml/providers/Microsoft.KeyVault/vaults/kv-ml"
  storage_account_id      = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/stml"

  identity {
    type = "SystemAssigned"
  }
}
