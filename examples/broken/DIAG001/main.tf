# Six diagnostic settings on one workspace; Azure allows five per resource.
resource "azurerm_resource_group" "rg" {
  name     = "rg-diag"
  location = "westeurope"
}

resource "azurerm_log_analytics_workspace" "law" {
  name                = "law-diag"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  sku                 = "PerGB2018"
}

resource "azurerm_log_analytics_workspace" "sink" {
  name                = "law-sink"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  sku                 = "PerGB2018"
}

resource "azurerm_monitor_diagnostic_setting" "many" {
  for_each                   = toset(["a", "b", "c", "d", "e", "f"])
  name                       = "diag-${each.key}"
  target_resource_id         = azurerm_log_analytics_workspace.law.id # <- DIAG001
  log_analytics_workspace_id = azurerm_log_analytics_workspace.sink.id

  enabled_log {
    category = "Audit"
  }
}
