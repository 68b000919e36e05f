# Attach an existing AKS cluster to an existing Azure Machine Learning
# workspace, both read through data sources, as an inference cluster.
# The cluster needs a standard load balancer and, for production, at least
# 12 vCPUs (aksplan checks both at plan time). Create what it reads with
# the configuration in ./existing first.

variable "resource_group_name" {
  type    = string
  default = "rg-ml"
}

variable "cluster_name" {
  type    = string
  default = "aks-ml"
}

variable "workspace_name" {
  type    = string
  default = "mlw-inference"
}

variable "purpose" {
  type    = string
  default = "FastProd"

  validation {
    condition     = contains(["DevTest", "FastProd", "DenseProd"], var.purpose)
    error_message = "The purpose is DevTest, FastProd or DenseProd."
  }
}

data "azurerm_kubernetes_cluster" "existing" {
  name                = var.cluster_name
  resource_group_name = var.resource_group_name
}

data "azurerm_machine_learning_workspace" "existing" {
  name                = var.workspace_name
  resource_group_name = var.resource_group_name
}

resource "azurerm_machine_learning_inference_cluster" "attach" {
  name                          = "aks-inference"
  location                      = data.azurerm_machine_learning_workspace.existing.location
  machine_learning_workspace_id = data.azurerm_machine_learning_workspace.existing.id
  kubernetes_cluster_id         = data.azurerm_kubernetes_cluster.existing.id
  cluster_purpose               = var.purpose
  description                   = "Scoring endpoints on ${var.cluster_name}"

  ssl {
    leaf_domain_label         = "mlinference"
    overwrite_existing_domain = true
  }

  tags = {
    scenario = "ml-inference-attach"
  }
}

output "inference_cluster_id" {
  value = azurerm_machine_learning_inference_cluster.attach.id
}
