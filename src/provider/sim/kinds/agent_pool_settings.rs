//! `Microsoft.ContainerService/managedClusters/agentPools`: the settings a
//! pool is built with beyond those `rules.rs` already holds immutable (VM
//! size, subnets, disks): placement, GPU partitioning, kubelet and OS
//! tuning, FIPS and host encryption. AKS refuses a change of any of them
//! in place (a new pool is made instead; azurerm rotates one). The pool's
//! computed properties and delete rules stay in `agent_pools.rs`.

use super::{Immutable, Kind};

pub struct AgentPoolSettings;

impl Kind for AgentPoolSettings {
    fn immutable(&self) -> &'static [Immutable] {
        &[
            ("properties.capacityReservationGroupID", "PropertyChangeNotAllowed"),
            ("properties.gpuInstanceProfile", "PropertyChangeNotAllowed"),
            ("properties.gpuProfile.driver", "PropertyChangeNotAllowed"),
            ("properties.hostGroupID", "PropertyChangeNotAllowed"),
            ("properties.nodePublicIPPrefixID", "PropertyChangeNotAllowed"),
            ("properties.proximityPlacementGroupID", "PropertyChangeNotAllowed"),
            ("properties.enableUltraSSD", "PropertyChangeNotAllowed"),
            ("properties.enableFIPS", "PropertyChangeNotAllowed"),
            ("properties.enableEncryptionAtHost", "PropertyChangeNotAllowed"),
            ("properties.enableNodePublicIP", "PropertyChangeNotAllowed"),
            ("properties.kubeletDiskType", "PropertyChangeNotAllowed"),
            ("properties.creationData.sourceResourceId", "PropertyChangeNotAllowed"),
            ("properties.kubeletConfig", "PropertyChangeNotAllowed"),
            ("properties.linuxOSConfig", "PropertyChangeNotAllowed"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::sim::rules::refuse_immutable_change;
    use serde_json::json;

    #[test]
    fn a_pool_built_with_settings_refuses_to_change_them() {
        let id =
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c/agentPools/p";
        let before =
            json!({"properties": {"kubeletConfig": {"cpuManagerPolicy": "none"}, "gpuInstanceProfile": "MIG1g"}});
        let after =
            json!({"properties": {"kubeletConfig": {"cpuManagerPolicy": "static"}, "gpuInstanceProfile": "MIG1g"}});
        let e = refuse_immutable_change(id, &before, &after).unwrap_err();
        assert_eq!(e.code, "PropertyChangeNotAllowed");
        assert!(e.message.contains("kubeletConfig"), "{}", e.message);
        refuse_immutable_change(id, &before, &before).unwrap();
        assert!(!AgentPoolSettings.immutable().is_empty());
    }
}
