# 2 nodes of 4 vCPUs: too small for production (12 vCPUs).

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
    node_count = 2
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

resource "azurerm_machine_learning_inference_cluster" "attach" {
  name                          = "aks-inference"
  location                      = azurerm_resource_group.ml.location
  machine_learning_workspace_id = azurerm_machine_learning_workspace.ml.id
  kubernetes_cluster_id         = azurerm_kubernetes_cluster.ml.id
  cluster_purpose               = "FastProd" # <- AML002

  ssl {
    leaf_domain_label         = "mlinference"
    overwrite_existing_domain = true
  }
}
