# A basic AKS cluster in its own resource group: a system pool for cluster
# add-ons, a user pool for applications, and a Spot GPU pool.

terraform {
  required_version = ">= 1.5"
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
  type        = string
  description = "Base name of every resource."
  default     = "aksbasic"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{2,15}$", var.name))
    error_message = "The name must be 3 to 16 lowercase letters and digits, starting with a letter."
  }
}

variable "location" {
  type    = string
  default = "West Europe"
}

variable "system_pool" {
  type = object({
    vm_size    = string
    node_count = optional(number, 3)
    zones      = optional(list(string), ["1", "2", "3"])
  })
  default = {
    vm_size = "Standard_D4s_v5"
  }
}

variable "user_pools" {
  description = "Node pools for workloads, by name."
  type = map(object({
    vm_size    = string
    node_count = optional(number, 1)
    priority   = optional(string, "Regular")
    taints     = optional(list(string), [])
  }))
  default = {
    apps = {
      vm_size    = "Standard_D4s_v5"
      node_count = 2
    }
    gpu = {
      vm_size  = "Standard_NC6s_v3"
      priority = "Spot"
      taints   = ["sku=gpu:NoSchedule"]
    }
  }
}

variable "tags" {
  type    = map(string)
  default = {}
}

locals {
  tags = merge({
    environment = "dev"
    managed_by  = "aksplan"
  }, var.tags)
  dns_prefix = lower(replace(var.name, "/[^a-z0-9]/", ""))
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
  dns_prefix          = local.dns_prefix
  kubernetes_version  = "1.30"
  sku_tier            = "Standard"

  default_node_pool {
    name                         = "system"
    vm_size                      = var.system_pool.vm_size
    node_count                   = var.system_pool.node_count
    zones                        = var.system_pool.zones
    only_critical_addons_enabled = true

    upgrade_settings {
      max_surge = "33%"
    }
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    pod_cidr            = "192.168.0.0/16"
  }

  tags = local.tags
}

resource "azurerm_kubernetes_cluster_node_pool" "user" {
  for_each = var.user_pools

  name                  = each.key
  kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
  vm_size               = each.value.vm_size
  node_count            = each.value.node_count
  priority              = each.value.priority
  eviction_policy       = each.value.priority == "Spot" ? "Delete" : null
  node_taints           = each.value.taints
  node_labels = {
    pool = each.key
  }
  tags = local.tags
}

output "cluster_id" {
  value = azurerm_kubernetes_cluster.this.id
}

output "kube_config" {
  value     = azurerm_kubernetes_cluster.this.kube_config_raw
  sensitive = true
}
