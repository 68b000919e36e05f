# The spoke subscription: the cluster and what it runs on.

resource "azurerm_resource_group" "spoke" {
  name     = "rg-spoke"
  location = var.location
  tags     = local.tags
}

resource "azurerm_virtual_network" "spoke" {
  name                = "vnet-spoke"
  location            = azurerm_resource_group.spoke.location
  resource_group_name = azurerm_resource_group.spoke.name
  address_space       = ["10.1.0.0/16"]
  tags                = local.tags
}

resource "azurerm_subnet" "nodes" {
  name                 = "snet-nodes"
  resource_group_name  = azurerm_resource_group.spoke.name
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.1.0.0/22"]
}

resource "azurerm_virtual_network_peering" "spoke_to_hub" {
  name                      = "spoke-to-hub"
  resource_group_name       = azurerm_resource_group.spoke.name
  virtual_network_name      = azurerm_virtual_network.spoke.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
  allow_forwarded_traffic   = true
}

resource "azurerm_network_security_group" "nodes" {
  name                = "nsg-nodes"
  location            = azurerm_resource_group.spoke.location
  resource_group_name = azurerm_resource_group.spoke.name
  tags                = local.tags

  security_rule {
    name                       = "deny-internet-inbound"
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "nodes" {
  subnet_id                 = azurerm_subnet.nodes.id
  network_security_group_id = azurerm_network_security_group.nodes.id
}

resource "azurerm_route_table" "nodes" {
  name                = "rt-nodes"
  location            = azurerm_resource_group.spoke.location
  resource_group_name = azurerm_resource_group.spoke.name
  tags                = local.tags

  route {
    name           = "to-on-premises"
    address_prefix = "192.168.0.0/16"
    next_hop_type  = "VirtualNetworkGateway"
  }
}

resource "azurerm_subnet_route_table_association" "nodes" {
  subnet_id      = azurerm_subnet.nodes.id
  route_table_id = azurerm_route_table.nodes.id
}

resource "azurerm_user_assigned_identity" "cluster" {
  name                = "id-aks-spoke"
  location            = azurerm_resource_group.spoke.location
  resource_group_name = azurerm_resource_group.spoke.name
  tags                = local.tags
}

# A private cluster with its own identity needs to write its API server's
# record into the zone, and to join its nodes to the subnet.
resource "azurerm_role_assignment" "dns" {
  scope                = azurerm_private_dns_zone.aks.id
  role_definition_name = "Private DNS Zone Contributor"
  principal_id         = azurerm_user_assigned_identity.cluster.principal_id
}

resource "azurerm_role_assignment" "network" {
  scope                = azurerm_virtual_network.spoke.id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.cluster.principal_id
}

resource "azurerm_kubernetes_cluster" "spoke" {
  name                       = "aks-spoke-${local.suffix}"
  location                   = azurerm_resource_group.spoke.location
  resource_group_name        = azurerm_resource_group.spoke.name
  dns_prefix_private_cluster = "aks-spoke"
  private_cluster_enabled    = true
  private_dns_zone_id        = azurerm_private_dns_zone.aks.id
  sku_tier                   = "Standard"
  tags                       = local.tags

  default_node_pool {
    name                        = "system"
    vm_size                     = "Standard_D4s_v5"
    node_count                  = 3
    vnet_subnet_id              = azurerm_subnet.nodes.id
    temporary_name_for_rotation = "systemtmp"
    zones                       = ["1", "2", "3"]
  }

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.cluster.id]
  }

  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    outbound_type       = "loadBalancer"
    load_balancer_sku   = "standard"
  }

  oms_agent {
    log_analytics_workspace_id = azurerm_log_analytics_workspace.hub.id
  }

  depends_on = [
    azurerm_subnet_network_security_group_association.nodes,
    azurerm_subnet_route_table_association.nodes,
  ]
}

resource "azurerm_role_assignment" "acr_pull" {
  scope                = azurerm_container_registry.hub.id
  role_definition_name = "AcrPull"
  principal_id         = azurerm_kubernetes_cluster.spoke.kubelet_identity[0].object_id
}

resource "azurerm_monitor_diagnostic_setting" "cluster" {
  name                       = "diag-aks-spoke"
  target_resource_id         = azurerm_kubernetes_cluster.spoke.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.hub.id

  enabled_log {
    category = "kube-audit-admin"
  }
  enabled_log {
    category = "guard"
  }
  enabled_metric {
    category = "AllMetrics"
  }
}

resource "azurerm_resource_provider_registration" "kubernetes_configuration" {
  name = "Microsoft.KubernetesConfiguration"
}

resource "azurerm_kubernetes_cluster_extension" "flux" {
  name              = "flux"
  cluster_id        = azurerm_kubernetes_cluster.spoke.id
  extension_type    = "microsoft.flux"
  release_namespace = "flux-system"
  depends_on        = [azurerm_resource_provider_registration.kubernetes_configuration]
}

resource "azurerm_kubernetes_flux_configuration" "apps" {
  name       = "apps"
  cluster_id = azurerm_kubernetes_cluster.spoke.id
  namespace  = "flux-system"
  scope      = "cluster"

  git_repository {
    url             = var.gitops_url
    reference_type  = "branch"
    reference_value = "main"
  }

  kustomizations {
    name = "infra"
    path = "./infrastructure"
  }
  kustomizations {
    name       = "apps"
    path       = "./apps/staging"
    depends_on = ["infra"]
  }

  depends_on = [azurerm_kubernetes_cluster_extension.flux]
}

output "cluster_id" {
  value = azurerm_kubernetes_cluster.spoke.id
}

output "registry_login_server" {
  value = azurerm_container_registry.hub.login_server
}

output "log_analytics_workspace_id" {
  value = azurerm_log_analytics_workspace.hub.workspace_id
}
