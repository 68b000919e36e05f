# One network and one AKS cluster per environment, from two local modules
# called with for_each: module.network["dev"], module.cluster["prod"], and
# so on. The cluster module takes its subnet from the network module's
# outputs, so each cluster waits for its own network only.

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

variable "location" {
  type    = string
  default = "westeurope"
}

variable "environments" {
  description = "Each environment's address space and system pool size."
  type = map(object({
    address_space = string
    node_count    = optional(number, 1)
  }))
  default = {
    dev = {
      address_space = "10.20.0.0/16"
    }
    prod = {
      address_space = "10.30.0.0/16"
      node_count    = 3
    }
  }
}

module "network" {
  source   = "./modules/network"
  for_each = var.environments

  name          = each.key
  location      = var.location
  address_space = each.value.address_space
}

module "cluster" {
  source   = "./modules/cluster"
  for_each = var.environments

  name                = each.key
  location            = var.location
  resource_group_name = module.network[each.key].resource_group_name
  node_subnet_id      = module.network[each.key].node_subnet_id
  node_count          = each.value.node_count
}

output "cluster_fqdns" {
  value = { for env, c in module.cluster : env => c.fqdn }
}

output "node_subnets" {
  value = { for env, n in module.network : env => n.node_subnet_id }
}
