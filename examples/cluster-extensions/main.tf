# An AKS cluster with cluster extensions: Flux for GitOps, and the Azure
# Machine Learning extension with settings and protected settings. The
# Microsoft.KubernetesConfiguration provider is registered first.

terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
  }
}

provider "azurerm" {
  features {}
}

variable "name" {
  type    = string
  default = "aksext"
}

variable "location" {
  type    = string
  default = "eastus"
}

variable "aml_ssl_key" {
  type        = string
  description = "Private key of the inference endpoint certificate."
  sensitive   = true
  default     = "-----BEGIN PRIVATE KEY-----\nplaceholder\n-----END PRIVATE KEY-----"
}

variable "extensions" {
  description = "Extensions to install, by name."
  type = map(object({
    type              = string
    release_train     = optional(string, "Stable")
    release_namespace = optional(string)
    settings          = optional(map(string), {})
  }))
  default = {
    flux = {
      type              = "microsoft.flux"
      release_namespace = "flux-system"
      settings = {
        "multiTenancy.enforce" = "false"
      }
    }
    azureml = {
      type              = "Microsoft.AzureML.Kubernetes"
      release_namespace = "azureml"
      settings = {
        enableTraining             = "true"
        enableInference            = "true"
        inferenceRouterServiceType = "LoadBalancer"
        allowInsecureConnections   = "false"
      }
    }
  }
}

locals {
  tags = {
    scenario = "cluster-extensions"
  }
  protected = {
    azureml = {
      "sslKeyPemFile" = var.aml_ssl_key
    }
  }
}

resource "azurerm_resource_group" "this" {
  name     = "rg-${var.name}"
  location = var.location
  tags     = local.tags
}

resource "azurerm_kubernetes_cluster" "this" {
  name                = "aks-${var.name}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  dns_prefix          = var.name

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D8s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin    = "azure"
    load_balancer_sku = "standard"
  }

  tags = local.tags
}

# Cluster extensions are managed by the Microsoft.KubernetesConfiguration
# resource provider, which a subscription must register first.
resource "azurerm_resource_provider_registration" "kubernetes_configuration" {
  name = "Microsoft.KubernetesConfiguration"
}

resource "azurerm_kubernetes_cluster_extension" "this" {
  for_each = var.extensions

  name                             = each.key
  cluster_id                       = azurerm_kubernetes_cluster.this.id
  extension_type                   = each.value.type
  release_train                    = each.value.release_train
  release_namespace                = each.value.release_namespace
  configuration_settings           = each.value.settings
  configuration_protected_settings = lookup(local.protected, each.key, {})
}

output "extension_ids" {
  value = { for name, ext in azurerm_kubernetes_cluster_extension.this : name => ext.id }
}
