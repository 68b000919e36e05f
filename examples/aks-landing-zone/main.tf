# An AKS landing zone: a hub and a spoke in two subscriptions.
#
# The hub holds what every spoke shares: the hub network, a Log Analytics
# workspace, a container registry and the private DNS zone of private AKS
# clusters. The spoke holds a private cluster on a node subnet with a network
# security group and a route table, its identities and role assignments,
# diagnostic settings into the hub's workspace, and a Flux configuration.
# The hub and spoke networks are peered both ways.

terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}

variable "hub_subscription_id" {
  type    = string
  default = "11111111-0000-0000-0000-000000000001"
}

variable "spoke_subscription_id" {
  type    = string
  default = "22222222-0000-0000-0000-000000000002"
}

variable "location" {
  type    = string
  default = "westeurope"
}

variable "gitops_url" {
  type    = string
  default = "https://github.com/Azure/gitops-flux2-kustomize-helm-mt"
}

provider "azurerm" {
  features {}
  subscription_id = var.spoke_subscription_id
}

provider "azurerm" {
  alias = "hub"
  features {}
  subscription_id = var.hub_subscription_id
}

resource "random_string" "suffix" {
  length  = 6
  special = false
  upper   = false
}

locals {
  suffix = random_string.suffix.result
  tags = {
    scenario = "aks-landing-zone"
  }
}
