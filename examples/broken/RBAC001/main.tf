# A misspelt role name.
resource "azurerm_resource_group" "rg" {
  name     = "rg-rbac"
  location = "westeurope"
}

resource "azurerm_user_assigned_identity" "app" {
  name                = "id-app"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
}

resource "azurerm_role_assignment" "app" {
  scope                = azurerm_resource_group.rg.id
  role_definition_name = "Network Contributer" # <- RBAC001
  principal_id         = azurerm_user_assigned_identity.app.principal_id
}
