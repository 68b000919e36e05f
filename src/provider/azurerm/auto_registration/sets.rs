//! The namespaces in each of azurerm's named registration sets (facts from
//! azurerm 4.65.0, `internal/resourceproviders/required.go`; the sets are
//! frozen upstream). Nothing here reads a configuration or calls a cloud.

const CORE: [&str; 8] = [
    "Microsoft.Authorization",
    "Microsoft.Compute",
    "Microsoft.CostManagement",
    "Microsoft.ManagedIdentity",
    "Microsoft.MarketplaceOrdering",
    "Microsoft.Network",
    "Microsoft.Resources",
    "Microsoft.Storage",
];

/// Extended is Core and these.
const EXTENDED: [&str; 42] = [
    "Microsoft.ApiManagement",
    "Microsoft.AppConfiguration",
    "Microsoft.AppPlatform",
    "Microsoft.Automation",
    "Microsoft.Cache",
    "Microsoft.Cdn",
    "Microsoft.ContainerInstance",
    "Microsoft.ContainerRegistry",
    "Microsoft.ContainerService",
    "Microsoft.DBforMySQL",
    "Microsoft.DBforPostgreSQL",
    "Microsoft.DataFactory",
    "Microsoft.DataLakeAnalytics",
    "Microsoft.DataLakeStore",
    "Microsoft.DataMigration",
    "Microsoft.DataProtection",
    "Microsoft.Databricks",
    "Microsoft.DevTestLab",
    "Microsoft.Devices",
    "Microsoft.DocumentDB",
    "Microsoft.EventGrid",
    "Microsoft.EventHub",
    "Microsoft.HDInsight",
    "microsoft.insights",
    "Microsoft.KeyVault",
    "Microsoft.Kusto",
    "Microsoft.Logic",
    "Microsoft.Maintenance",
    "Microsoft.Management",
    "Microsoft.NotificationHubs",
    "Microsoft.OperationalInsights",
    "Microsoft.OperationsManagement",
    "Microsoft.PowerBIDedicated",
    "Microsoft.Relay",
    "Microsoft.Security",
    "Microsoft.SecurityInsights",
    "Microsoft.ServiceBus",
    "Microsoft.ServiceFabric",
    "Microsoft.SignalRService",
    "Microsoft.Sql",
    "Microsoft.StreamAnalytics",
    "Microsoft.Web",
];

/// All is Extended and these.
const ALL: [&str; 20] = [
    "Github.Network",
    "Microsoft.AVS",
    "Microsoft.AlertsManagement",
    "Microsoft.Blueprint",
    "Microsoft.BotService",
    "Microsoft.CognitiveServices",
    "Microsoft.CustomProviders",
    "Microsoft.Dashboard",
    "Microsoft.DesktopVirtualization",
    "Microsoft.GuestConfiguration",
    "Microsoft.HealthcareApis",
    "Microsoft.IoTCentral",
    "Microsoft.MachineLearningServices",
    "Microsoft.ManagedServices",
    "Microsoft.Maps",
    "Microsoft.MixedReality",
    "Microsoft.Monitor",
    "Microsoft.PolicyInsights",
    "Microsoft.RecoveryServices",
    "Microsoft.Search",
];

/// What azurerm registered by itself before the sets existed (the 4.x default).
const LEGACY: [&str; 66] = [
    "Microsoft.AVS",
    "Microsoft.ApiManagement",
    "Microsoft.AppConfiguration",
    "Microsoft.AppPlatform",
    "Microsoft.Authorization",
    "Microsoft.Automation",
    "Microsoft.Blueprint",
    "Microsoft.BotService",
    "Microsoft.Cache",
    "Microsoft.Cdn",
    "Microsoft.CognitiveServices",
    "Microsoft.Compute",
    "Microsoft.ContainerInstance",
    "Microsoft.ContainerRegistry",
    "Microsoft.ContainerService",
    "Microsoft.CostManagement",
    "Microsoft.CustomProviders",
    "Microsoft.DBforMariaDB",
    "Microsoft.DBforMySQL",
    "Microsoft.DBforPostgreSQL",
    "Microsoft.DataFactory",
    "Microsoft.DataLakeAnalytics",
    "Microsoft.DataLakeStore",
    "Microsoft.DataMigration",
    "Microsoft.DataProtection",
    "Microsoft.Databricks",
    "Microsoft.DesktopVirtualization",
    "Microsoft.DevTestLab",
    "Microsoft.Devices",
    "Microsoft.DocumentDB",
    "Microsoft.EventGrid",
    "Microsoft.EventHub",
    "Microsoft.GuestConfiguration",
    "Microsoft.HDInsight",
    "Microsoft.HealthcareApis",
    "Microsoft.KeyVault",
    "Microsoft.Kusto",
    "Microsoft.Logic",
    "Microsoft.MachineLearningServices",
    "Microsoft.Maintenance",
    "Microsoft.ManagedIdentity",
    "Microsoft.ManagedServices",
    "Microsoft.Management",
    "Microsoft.Maps",
    "Microsoft.MarketplaceOrdering",
    "Microsoft.MixedReality",
    "Microsoft.Network",
    "Microsoft.NotificationHubs",
    "Microsoft.OperationalInsights",
    "Microsoft.OperationsManagement",
    "Microsoft.PolicyInsights",
    "Microsoft.PowerBIDedicated",
    "Microsoft.RecoveryServices",
    "Microsoft.Relay",
    "Microsoft.Resources",
    "Microsoft.Search",
    "Microsoft.Security",
    "Microsoft.SecurityInsights",
    "Microsoft.ServiceBus",
    "Microsoft.ServiceFabric",
    "Microsoft.SignalRService",
    "Microsoft.Sql",
    "Microsoft.Storage",
    "Microsoft.StreamAnalytics",
    "Microsoft.Web",
    "microsoft.insights",
];

/// A named set of `resource_provider_registrations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderSet {
    None,
    Legacy,
    Core,
    Extended,
    All,
}

impl ProviderSet {
    const NAMES: [(&'static str, ProviderSet); 5] = [
        ("none", ProviderSet::None),
        ("legacy", ProviderSet::Legacy),
        ("core", ProviderSet::Core),
        ("extended", ProviderSet::Extended),
        ("all", ProviderSet::All),
    ];

    /// The set a value names, exactly as azurerm's validation accepts it.
    pub fn parse(s: &str) -> Option<ProviderSet> {
        Self::NAMES.iter().find(|(n, _)| *n == s).map(|(_, set)| *set)
    }

    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|(_, s)| *s == self).map_or("", |(n, _)| n)
    }

    /// The namespaces of the set, as azurerm spells them.
    pub fn namespaces(self) -> Vec<&'static str> {
        match self {
            ProviderSet::None => Vec::new(),
            ProviderSet::Legacy => LEGACY.to_vec(),
            ProviderSet::Core => CORE.to_vec(),
            ProviderSet::Extended => [&CORE[..], &EXTENDED[..]].concat(),
            ProviderSet::All => [&CORE[..], &EXTENDED[..], &ALL[..]].concat(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_sets_hold_azurerms_namespaces() {
        assert_eq!(ProviderSet::Core.namespaces().len(), 8);
        assert_eq!(ProviderSet::Extended.namespaces().len(), 50);
        assert_eq!(ProviderSet::All.namespaces().len(), 70);
        assert_eq!(ProviderSet::Legacy.namespaces().len(), 66);
        for set in [
            ProviderSet::Core,
            ProviderSet::Extended,
            ProviderSet::All,
            ProviderSet::Legacy,
        ] {
            let ns = set.namespaces();
            let unique: BTreeSet<_> = ns.iter().collect();
            assert_eq!(unique.len(), ns.len(), "{set:?} lists a namespace twice");
            // No set registers what cluster extensions and Arc need (azurerm
            // 3.65.0 did; 3.66.0 took them out again).
            assert!(!ns.iter().any(|n| n.starts_with("Microsoft.Kubernetes")), "{set:?}");
        }
        assert!(ProviderSet::Legacy.namespaces().contains(&"Microsoft.KeyVault"));
        assert!(!ProviderSet::Core.namespaces().contains(&"Microsoft.ContainerService"));
        assert!(ProviderSet::Extended
            .namespaces()
            .contains(&"Microsoft.ContainerService"));
    }
}
