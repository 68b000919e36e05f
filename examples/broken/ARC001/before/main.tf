# A Kubernetes cluster running outside Azure, connected to Azure Arc, with
# the Flux extension installed on it. Arc-enabled Kubernetes needs the
# Microsoft.Kubernetes and Microsoft.KubernetesConfiguration providers
# registered in the subscription first.
#
# The connected cluster resource is what `az connectedk8s connect` creates;
# the agents themselves are installed in the cluster by that command.

variable "name" {
  type    = string
  default = "arc-edge"
}

variable "location" {
  type    = string
  default = "eastus"
}

variable "agent_public_key_certificate" {
  type        = string
  description = "The base64 public key certificate the cluster's Arc agents present."
  default     = "MIICYzCCAcygAwIBAgIBADANBgkqhkiG9w0BAQUFADAuMQswCQYDVQQGEwJVUzEMMAoGA1UEChMDSUJN"
}

locals {
  providers = toset(["Microsoft.Kubernetes", "Microsoft.KubernetesConfiguration"])
  tags = {
    scenario = "arc-connected-cluster"
  }
}

resource "azurerm_resource_provider_registration" "arc" {
  for_each = toset(["Microsoft.Kubernetes", "Microsoft.KubernetesConfiguration"])
  name     = each.value
}

resource "azurerm_resource_group" "arc" {
  name     = "rg-${var.name}"
  location = var.location
  tags     = local.tags
}

resource "azurerm_arc_kubernetes_cluster" "edge" {
  name                         = var.name
  resource_group_name          = azurerm_resource_group.arc.name
  location                     = azurerm_resource_group.arc.location
  agent_public_key_certificate = var.agent_public_key_certificate

  identity {
    type = "SystemAssigned"
  }

  tags = local.tags
}



output "providers" {
  value = sort(tolist(local.providers))
}
