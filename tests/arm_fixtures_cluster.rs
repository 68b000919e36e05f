//! Requests and responses true to Azure for the AKS types with every
//! group of arguments set: the cluster's body (add-ons, security, storage,
//! mesh, proxies, autoscaler, networking, the default pool's tuning), a
//! node pool's, and the maintenance configurations azurerm writes beside
//! the cluster, checked against the official ARM examples, or, where no
//! example has a property, against the managedClusters spec
//! (Azure/azure-rest-api-specs, specification/containerservice/
//! resource-manager/Microsoft.ContainerService/aks/stable/2025-10-01/
//! managedClusters.json, the version azurerm 4.65 uses), cited by its
//! definition. See `arm_support`.

#![recursion_limit = "512"]

mod arm_support;

use aksplan::addrs::Mode;
use aksplan::lang::Value;
use aksplan::provider::arm::Method;
use aksplan::provider::azurerm::{plan_resource, Azurerm};
use aksplan::provider::catalog::Catalog;
use aksplan::provider::protocol::{ApplyRequest, Provider, ProviderConfig};
use aksplan::schema::SchemaSource;
use arm_support::*;
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;
use std::sync::Mutex;

const RG_ID: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1";

const CLUSTER_EXAMPLES: &[&str] = &[
    "Microsoft.ContainerService/2026-07-01/ManagedClustersCreate_Update.json",
    "Microsoft.ContainerService/2026-08-01/ManagedClustersGet.json",
    "Microsoft.ContainerService/2026-08-01/ManagedClustersCreate_ManagedNATGateway.json",
    "Microsoft.ContainerService/2026-08-01/ManagedClustersCreate_AzureKeyvaultSecretsProvider.json",
    "Microsoft.ContainerService/2026-07-01/ManagedClustersCreate_PrivateClusterFQDNSubdomain.json",
    "Microsoft.ContainerService/2026-07-01/ManagedClustersCreate_UserAssignedNATGateway.json",
    "Microsoft.ContainerService/2026-05-01/ManagedClustersCreate_PrivateClusterPublicFQDN.json",
];

fn cluster_config() -> Json {
    let law = format!("{RG_ID}/providers/Microsoft.OperationalInsights/workspaces/law");
    json!({"name": "clustername1", "resource_group_name": "rg1", "location": "location1",
        "dns_prefix": "dnsprefix1", "kubernetes_version": "1.31.2", "sku_tier": "Standard",
        "support_plan": "KubernetesOfficial", "run_command_enabled": false,
        "ai_toolchain_operator_enabled": true, "open_service_mesh_enabled": false,
        "custom_ca_trust_certificates_base64": ["Y2E="],
        "disk_encryption_set_id": format!("{RG_ID}/providers/Microsoft.Compute/diskEncryptionSets/des"),
        "edge_zone": "losangeles",
        "automatic_upgrade_channel": "stable", "node_os_upgrade_channel": "SecurityPatch",
        "oidc_issuer_enabled": true, "workload_identity_enabled": true,
        "default_node_pool": [{"name": "nodepool1", "vm_size": "Standard_DS1_v2", "node_count": 3,
            "scale_down_mode": "Deallocate", "ultra_ssd_enabled": true, "workload_runtime": "OCIContainer",
            "gpu_instance": "MIG1g", "gpu_driver": "Install",
            "capacity_reservation_group_id": format!("{RG_ID}/providers/Microsoft.Compute/capacityReservationGroups/crg"),
            "host_group_id": format!("{RG_ID}/providers/Microsoft.Compute/hostGroups/hg"),
            "proximity_placement_group_id": format!("{RG_ID}/providers/Microsoft.Compute/proximityPlacementGroups/ppg"),
            "node_public_ip_enabled": true,
            "node_public_ip_prefix_id": format!("{RG_ID}/providers/Microsoft.Network/publicIPPrefixes/pfx"),
            "snapshot_id": format!("{RG_ID}/providers/Microsoft.ContainerService/snapshots/snap"),
            "fips_enabled": true, "host_encryption_enabled": true, "kubelet_disk_type": "OS",
            "upgrade_settings": [{"max_surge": "33%", "drain_timeout_in_minutes": 30, "node_soak_duration_in_minutes": 5,
                "undrainable_node_behavior": "Cordon"}],
            "kubelet_config": [{"cpu_manager_policy": "static", "cpu_cfs_quota_enabled": true, "cpu_cfs_quota_period": "100ms",
                "image_gc_high_threshold": 90, "image_gc_low_threshold": 70, "topology_manager_policy": "best-effort",
                "allowed_unsafe_sysctls": ["kernel.msg*"], "container_log_max_size_mb": 50, "container_log_max_line": 5,
                "pod_max_pid": 100}],
            "linux_os_config": [{"transparent_huge_page": "madvise", "transparent_huge_page_defrag": "defer",
                "swap_file_size_mb": 1500,
                "sysctl_config": [{"net_core_somaxconn": 16384, "net_ipv4_tcp_keepalive_intvl": 30, "vm_swappiness": 10,
                    "fs_file_max": 12000, "net_ipv4_tcp_tw_reuse": true,
                    "net_ipv4_ip_local_port_range_min": 32000, "net_ipv4_ip_local_port_range_max": 60000}]}],
            "node_network_profile": [{"application_security_group_ids": [format!("{RG_ID}/providers/Microsoft.Network/applicationSecurityGroups/asg")],
                "node_public_ip_tags": {"RoutingPreference": "Internet"},
                "allowed_host_ports": [{"port_start": 8000, "port_end": 8001, "protocol": "TCP"}]}]}],
        "identity": [{"type": "SystemAssigned"}],
        "network_profile": [{"network_plugin": "azure", "network_mode": "transparent", "network_policy": "cilium",
            "network_data_plane": "cilium", "network_plugin_mode": "overlay",
            "load_balancer_sku": "standard", "outbound_type": "loadBalancer",
            "load_balancer_profile": [{"managed_outbound_ip_count": 2, "managed_outbound_ipv6_count": 1, "backend_pool_type": "NodeIP",
                "outbound_ip_prefix_ids": [format!("{RG_ID}/providers/Microsoft.Network/publicIPPrefixes/out")]}],
            "advanced_networking": [{"observability_enabled": true, "security_enabled": false}]}],
        "auto_scaler_profile": [{"balance_similar_node_groups": true, "expander": "priority", "max_unready_nodes": 4,
            "max_unready_percentage": 50, "daemonset_eviction_for_empty_nodes_enabled": true,
            "ignore_daemonsets_utilization_enabled": true, "max_node_provisioning_time": "15m",
            "scale_down_delay_after_delete": "10s", "scale_down_delay_after_failure": "3m", "scale_down_unready": "20m",
            "scale_down_utilization_threshold": "0.5", "empty_bulk_delete_max": "10", "new_pod_scale_up_delay": "1m",
            "skip_nodes_with_local_storage": true, "skip_nodes_with_system_pods": false}],
        "oms_agent": [{"log_analytics_workspace_id": law, "msi_auth_for_monitoring_enabled": true}],
        "key_vault_secrets_provider": [{"secret_rotation_enabled": true, "secret_rotation_interval": "2m"}],
        "ingress_application_gateway": [{"gateway_name": "agw", "subnet_cidr": "10.225.0.0/16"}],
        "aci_connector_linux": [{"subnet_name": "aci"}],
        "confidential_computing": [{"sgx_quote_helper_enabled": true}],
        "microsoft_defender": [{"log_analytics_workspace_id": law}],
        "key_management_service": [{"key_vault_key_id": "https://kv.vault.azure.net/keys/k/1", "key_vault_network_access": "Public"}],
        "monitor_metrics": [{"annotations_allowed": "pods=[a]", "labels_allowed": "pods=[b]"}],
        "storage_profile": [{"blob_driver_enabled": true, "disk_driver_enabled": true, "file_driver_enabled": false,
            "snapshot_controller_enabled": true}],
        "service_mesh_profile": [{"mode": "Istio", "revisions": ["asm-1-24"], "internal_ingress_gateway_enabled": true,
            "external_ingress_gateway_enabled": false,
            "certificate_authority": [{"key_vault_id": format!("{RG_ID}/providers/Microsoft.KeyVault/vaults/kv"),
                "root_cert_object_name": "root", "cert_chain_object_name": "chain", "cert_object_name": "cert",
                "key_object_name": "key"}]}],
        "http_proxy_config": [{"http_proxy": "http://proxy:3128/", "https_proxy": "https://proxy:3129/",
            "no_proxy": ["localhost"], "trusted_ca": "Y2E="}],
        "workload_autoscaler_profile": [{"keda_enabled": true, "vertical_pod_autoscaler_enabled": true}],
        "web_app_routing": [{"dns_zone_ids": [format!("{RG_ID}/providers/Microsoft.Network/dnszones/example.com")],
            "default_nginx_controller": "Internal"}],
        "bootstrap_profile": [{"artifact_source": "Cache",
            "container_registry_id": format!("{RG_ID}/providers/Microsoft.ContainerRegistry/registries/acr")}],
        "node_provisioning_profile": [{"mode": "Auto", "default_node_pools": "None"}],
        "upgrade_override": [{"force_upgrade_enabled": false, "effective_until": "2022-11-01T13:00:00Z"}],
        "maintenance_window": [{"allowed": [{"day": "Sunday", "hours": [1, 2]}],
            "not_allowed": [{"start": "2026-12-24T00:00:00Z", "end": "2026-12-26T00:00:00Z"}]}],
        "maintenance_window_auto_upgrade": [{"frequency": "RelativeMonthly", "interval": 1, "day_of_week": "Sunday",
            "week_index": "First", "duration": 4, "start_time": "02:00", "utc_offset": "+01:00",
            "not_allowed": [{"start": "2026-12-24T00:00:00Z", "end": "2026-12-26T00:00:00Z"}]}],
        "maintenance_window_node_os": [{"frequency": "Weekly", "interval": 1, "day_of_week": "Saturday", "duration": 4}],
        "tags": {"tier": "production"}})
}

#[test]
fn kubernetes_cluster_with_every_group() {
    check(&Case {
        type_name: "azurerm_kubernetes_cluster",
        config: cluster_config(),
        examples: CLUSTER_EXAMPLES,
        reads: &[
            ("name", "clustername1"),
            ("default_node_pool.0.scale_down_mode", "Deallocate"),
            ("auto_scaler_profile.0.scan_interval", "20s"),
            ("auto_scaler_profile.0.scale_down_delay_after_add", "15m"),
            ("run_command_enabled", "true"),
            (
                "disk_encryption_set_id",
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Compute/diskEncryptionSets/des",
            ),
            ("network_profile.0.load_balancer_profile.0.managed_outbound_ip_count", "2"),
            (
                "network_profile.0.load_balancer_profile.0.effective_outbound_ips",
                r#"["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/MC_rg1/providers/Microsoft.Network/publicIPAddresses/mgdoutboundip1","/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/MC_rg1/providers/Microsoft.Network/publicIPAddresses/mgdoutboundip2"]"#,
            ),
        ],
        spec: CLUSTER_SPEC,
    });
}

/// What no example of managedClusters shows: path, and where the spec
/// (managedClusters.json of 2025-10-01, see above) defines it.
const CLUSTER_SPEC: &[(&str, &str)] = &[
    ("extendedLocation.name", "ManagedCluster.extendedLocation.name"),
    ("extendedLocation.type", "ManagedCluster.extendedLocation.type"),
    (
        "properties.addonProfiles.ACCSGXDevicePlugin.config.ACCSGXQuoteHelperEnabled",
        "ManagedClusterProperties.addonProfiles.ACCSGXDevicePlugin.config.ACCSGXQuoteHelperEnabled",
    ),
    (
        "properties.addonProfiles.ACCSGXDevicePlugin.enabled",
        "ManagedClusterProperties.addonProfiles.ACCSGXDevicePlugin.enabled",
    ),
    (
        "properties.addonProfiles.aciConnectorLinux.config.SubnetName",
        "ManagedClusterProperties.addonProfiles.aciConnectorLinux.config.SubnetName",
    ),
    (
        "properties.addonProfiles.aciConnectorLinux.enabled",
        "ManagedClusterProperties.addonProfiles.aciConnectorLinux.enabled",
    ),
    (
        "properties.addonProfiles.ingressApplicationGateway.config.applicationGatewayName",
        "ManagedClusterProperties.addonProfiles.ingressApplicationGateway.config.applicationGatewayName",
    ),
    (
        "properties.addonProfiles.ingressApplicationGateway.config.subnetCIDR",
        "ManagedClusterProperties.addonProfiles.ingressApplicationGateway.config.subnetCIDR",
    ),
    (
        "properties.addonProfiles.ingressApplicationGateway.enabled",
        "ManagedClusterProperties.addonProfiles.ingressApplicationGateway.enabled",
    ),
    (
        "properties.addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID",
        "ManagedClusterProperties.addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID",
    ),
    (
        "properties.addonProfiles.omsagent.config.useAADAuth",
        "ManagedClusterProperties.addonProfiles.omsagent.config.useAADAuth",
    ),
    (
        "properties.addonProfiles.omsagent.enabled",
        "ManagedClusterProperties.addonProfiles.omsagent.enabled",
    ),
    (
        "properties.addonProfiles.openServiceMesh.enabled",
        "ManagedClusterProperties.addonProfiles.openServiceMesh.enabled",
    ),
    (
        "properties.agentPoolProfiles[].capacityReservationGroupID",
        "ManagedClusterAgentPoolProfileProperties.capacityReservationGroupID",
    ),
    (
        "properties.agentPoolProfiles[].creationData.sourceResourceId",
        "ManagedClusterAgentPoolProfileProperties.creationData.sourceResourceId",
    ),
    (
        "properties.agentPoolProfiles[].enableFIPS",
        "ManagedClusterAgentPoolProfileProperties.enableFIPS",
    ),
    (
        "properties.agentPoolProfiles[].enableUltraSSD",
        "ManagedClusterAgentPoolProfileProperties.enableUltraSSD",
    ),
    (
        "properties.agentPoolProfiles[].gpuInstanceProfile",
        "ManagedClusterAgentPoolProfileProperties.gpuInstanceProfile",
    ),
    (
        "properties.agentPoolProfiles[].gpuProfile.driver",
        "ManagedClusterAgentPoolProfileProperties.gpuProfile.driver",
    ),
    (
        "properties.agentPoolProfiles[].hostGroupID",
        "ManagedClusterAgentPoolProfileProperties.hostGroupID",
    ),
    (
        "properties.agentPoolProfiles[].kubeletConfig.allowedUnsafeSysctls[]",
        "ManagedClusterAgentPoolProfileProperties.kubeletConfig.allowedUnsafeSysctls",
    ),
    (
        "properties.agentPoolProfiles[].kubeletConfig.containerLogMaxFiles",
        "ManagedClusterAgentPoolProfileProperties.kubeletConfig.containerLogMaxFiles",
    ),
    (
        "properties.agentPoolProfiles[].kubeletConfig.containerLogMaxSizeMB",
        "ManagedClusterAgentPoolProfileProperties.kubeletConfig.containerLogMaxSizeMB",
    ),
    (
        "properties.agentPoolProfiles[].kubeletConfig.cpuCfsQuota",
        "ManagedClusterAgentPoolProfileProperties.kubeletConfig.cpuCfsQuota",
    ),
    (
        "properties.agentPoolProfiles[].kubeletConfig.cpuCfsQuotaPeriod",
        "ManagedClusterAgentPoolProfileProperties.kubeletConfig.cpuCfsQuotaPeriod",
    ),
    (
        "properties.agentPoolProfiles[].kubeletConfig.cpuManagerPolicy",
        "ManagedClusterAgentPoolProfileProperties.kubeletConfig.cpuManagerPolicy",
    ),
    (
        "properties.agentPoolProfiles[].kubeletConfig.failSwapOn",
        "ManagedClusterAgentPoolProfileProperties.kubeletConfig.failSwapOn",
    ),
    (
        "properties.agentPoolProfiles[].kubeletConfig.imageGcHighThreshold",
        "ManagedClusterAgentPoolProfileProperties.kubeletConfig.imageGcHighThreshold",
    ),
    (
        "properties.agentPoolProfiles[].kubeletConfig.imageGcLowThreshold",
        "ManagedClusterAgentPoolProfileProperties.kubeletConfig.imageGcLowThreshold",
    ),
    (
        "properties.agentPoolProfiles[].kubeletConfig.podMaxPids",
        "ManagedClusterAgentPoolProfileProperties.kubeletConfig.podMaxPids",
    ),
    (
        "properties.agentPoolProfiles[].kubeletConfig.topologyManagerPolicy",
        "ManagedClusterAgentPoolProfileProperties.kubeletConfig.topologyManagerPolicy",
    ),
    (
        "properties.agentPoolProfiles[].kubeletDiskType",
        "ManagedClusterAgentPoolProfileProperties.kubeletDiskType",
    ),
    (
        "properties.agentPoolProfiles[].linuxOSConfig.swapFileSizeMB",
        "ManagedClusterAgentPoolProfileProperties.linuxOSConfig.swapFileSizeMB",
    ),
    (
        "properties.agentPoolProfiles[].linuxOSConfig.sysctls.fsFileMax",
        "ManagedClusterAgentPoolProfileProperties.linuxOSConfig.sysctls.fsFileMax",
    ),
    (
        "properties.agentPoolProfiles[].linuxOSConfig.sysctls.netCoreSomaxconn",
        "ManagedClusterAgentPoolProfileProperties.linuxOSConfig.sysctls.netCoreSomaxconn",
    ),
    (
        "properties.agentPoolProfiles[].linuxOSConfig.sysctls.netIpv4IpLocalPortRange",
        "ManagedClusterAgentPoolProfileProperties.linuxOSConfig.sysctls.netIpv4IpLocalPortRange",
    ),
    (
        "properties.agentPoolProfiles[].linuxOSConfig.sysctls.netIpv4TcpTwReuse",
        "ManagedClusterAgentPoolProfileProperties.linuxOSConfig.sysctls.netIpv4TcpTwReuse",
    ),
    (
        "properties.agentPoolProfiles[].linuxOSConfig.sysctls.netIpv4TcpkeepaliveIntvl",
        "ManagedClusterAgentPoolProfileProperties.linuxOSConfig.sysctls.netIpv4TcpkeepaliveIntvl",
    ),
    (
        "properties.agentPoolProfiles[].linuxOSConfig.sysctls.vmSwappiness",
        "ManagedClusterAgentPoolProfileProperties.linuxOSConfig.sysctls.vmSwappiness",
    ),
    (
        "properties.agentPoolProfiles[].linuxOSConfig.transparentHugePageDefrag",
        "ManagedClusterAgentPoolProfileProperties.linuxOSConfig.transparentHugePageDefrag",
    ),
    (
        "properties.agentPoolProfiles[].linuxOSConfig.transparentHugePageEnabled",
        "ManagedClusterAgentPoolProfileProperties.linuxOSConfig.transparentHugePageEnabled",
    ),
    (
        "properties.agentPoolProfiles[].networkProfile.allowedHostPorts[].portEnd",
        "ManagedClusterAgentPoolProfileProperties.networkProfile.allowedHostPorts.portEnd",
    ),
    (
        "properties.agentPoolProfiles[].networkProfile.allowedHostPorts[].portStart",
        "ManagedClusterAgentPoolProfileProperties.networkProfile.allowedHostPorts.portStart",
    ),
    (
        "properties.agentPoolProfiles[].networkProfile.allowedHostPorts[].protocol",
        "ManagedClusterAgentPoolProfileProperties.networkProfile.allowedHostPorts.protocol",
    ),
    (
        "properties.agentPoolProfiles[].networkProfile.applicationSecurityGroups[]",
        "ManagedClusterAgentPoolProfileProperties.networkProfile.applicationSecurityGroups",
    ),
    (
        "properties.agentPoolProfiles[].networkProfile.nodePublicIPTags[].ipTagType",
        "ManagedClusterAgentPoolProfileProperties.networkProfile.nodePublicIPTags.ipTagType",
    ),
    (
        "properties.agentPoolProfiles[].networkProfile.nodePublicIPTags[].tag",
        "ManagedClusterAgentPoolProfileProperties.networkProfile.nodePublicIPTags.tag",
    ),
    (
        "properties.agentPoolProfiles[].nodePublicIPPrefixID",
        "ManagedClusterAgentPoolProfileProperties.nodePublicIPPrefixID",
    ),
    (
        "properties.agentPoolProfiles[].proximityPlacementGroupID",
        "ManagedClusterAgentPoolProfileProperties.proximityPlacementGroupID",
    ),
    (
        "properties.agentPoolProfiles[].upgradeSettings.drainTimeoutInMinutes",
        "ManagedClusterAgentPoolProfileProperties.upgradeSettings.drainTimeoutInMinutes",
    ),
    (
        "properties.agentPoolProfiles[].upgradeSettings.nodeSoakDurationInMinutes",
        "ManagedClusterAgentPoolProfileProperties.upgradeSettings.nodeSoakDurationInMinutes",
    ),
    (
        "properties.agentPoolProfiles[].upgradeSettings.undrainableNodeBehavior",
        "ManagedClusterAgentPoolProfileProperties.upgradeSettings.undrainableNodeBehavior",
    ),
    (
        "properties.agentPoolProfiles[].workloadRuntime",
        "ManagedClusterAgentPoolProfileProperties.workloadRuntime",
    ),
    (
        "properties.aiToolchainOperatorProfile.enabled",
        "ManagedClusterProperties.aiToolchainOperatorProfile.enabled",
    ),
    (
        "properties.apiServerAccessProfile.disableRunCommand",
        "ManagedClusterProperties.apiServerAccessProfile.disableRunCommand",
    ),
    (
        "properties.autoUpgradeProfile.nodeOSUpgradeChannel",
        "ManagedClusterProperties.autoUpgradeProfile.nodeOSUpgradeChannel",
    ),
    (
        "properties.autoUpgradeProfile.upgradeChannel",
        "ManagedClusterProperties.autoUpgradeProfile.upgradeChannel",
    ),
    (
        "properties.azureMonitorProfile.metrics.enabled",
        "ManagedClusterProperties.azureMonitorProfile.metrics.enabled",
    ),
    (
        "properties.azureMonitorProfile.metrics.kubeStateMetrics.metricAnnotationsAllowList",
        "ManagedClusterProperties.azureMonitorProfile.metrics.kubeStateMetrics.metricAnnotationsAllowList",
    ),
    (
        "properties.azureMonitorProfile.metrics.kubeStateMetrics.metricLabelsAllowlist",
        "ManagedClusterProperties.azureMonitorProfile.metrics.kubeStateMetrics.metricLabelsAllowlist",
    ),
    (
        "properties.bootstrapProfile.artifactSource",
        "ManagedClusterProperties.bootstrapProfile.artifactSource",
    ),
    (
        "properties.bootstrapProfile.containerRegistryId",
        "ManagedClusterProperties.bootstrapProfile.containerRegistryId",
    ),
    (
        "properties.httpProxyConfig.httpProxy",
        "ManagedClusterProperties.httpProxyConfig.httpProxy",
    ),
    (
        "properties.httpProxyConfig.httpsProxy",
        "ManagedClusterProperties.httpProxyConfig.httpsProxy",
    ),
    (
        "properties.httpProxyConfig.noProxy[]",
        "ManagedClusterProperties.httpProxyConfig.noProxy",
    ),
    (
        "properties.httpProxyConfig.trustedCa",
        "ManagedClusterProperties.httpProxyConfig.trustedCa",
    ),
    (
        "properties.ingressProfile.webAppRouting.dnsZoneResourceIds[]",
        "ManagedClusterProperties.ingressProfile.webAppRouting.dnsZoneResourceIds",
    ),
    (
        "properties.ingressProfile.webAppRouting.enabled",
        "ManagedClusterProperties.ingressProfile.webAppRouting.enabled",
    ),
    (
        "properties.ingressProfile.webAppRouting.nginx.defaultIngressControllerType",
        "ManagedClusterProperties.ingressProfile.webAppRouting.nginx.defaultIngressControllerType",
    ),
    (
        "properties.networkProfile.advancedNetworking.enabled",
        "ManagedClusterProperties.networkProfile.advancedNetworking.enabled",
    ),
    (
        "properties.networkProfile.advancedNetworking.observability.enabled",
        "ManagedClusterProperties.networkProfile.advancedNetworking.observability.enabled",
    ),
    (
        "properties.networkProfile.advancedNetworking.security.enabled",
        "ManagedClusterProperties.networkProfile.advancedNetworking.security.enabled",
    ),
    (
        "properties.networkProfile.loadBalancerProfile.backendPoolType",
        "ManagedClusterProperties.networkProfile.loadBalancerProfile.backendPoolType",
    ),
    (
        "properties.networkProfile.loadBalancerProfile.managedOutboundIPs.countIPv6",
        "ManagedClusterProperties.networkProfile.loadBalancerProfile.managedOutboundIPs.countIPv6",
    ),
    (
        "properties.networkProfile.loadBalancerProfile.outboundIPPrefixes.publicIPPrefixes[].id",
        "ManagedClusterProperties.networkProfile.loadBalancerProfile.outboundIPPrefixes.publicIPPrefixes.id",
    ),
    (
        "properties.networkProfile.networkDataplane",
        "ManagedClusterProperties.networkProfile.networkDataplane",
    ),
    (
        "properties.networkProfile.networkMode",
        "ManagedClusterProperties.networkProfile.networkMode",
    ),
    (
        "properties.networkProfile.networkPluginMode",
        "ManagedClusterProperties.networkProfile.networkPluginMode",
    ),
    (
        "properties.networkProfile.networkPolicy",
        "ManagedClusterProperties.networkProfile.networkPolicy",
    ),
    (
        "properties.nodeProvisioningProfile.defaultNodePools",
        "ManagedClusterProperties.nodeProvisioningProfile.defaultNodePools",
    ),
    (
        "properties.nodeProvisioningProfile.mode",
        "ManagedClusterProperties.nodeProvisioningProfile.mode",
    ),
    (
        "properties.oidcIssuerProfile.enabled",
        "ManagedClusterProperties.oidcIssuerProfile.enabled",
    ),
    (
        "properties.securityProfile.azureKeyVaultKms.enabled",
        "ManagedClusterProperties.securityProfile.azureKeyVaultKms.enabled",
    ),
    (
        "properties.securityProfile.azureKeyVaultKms.keyId",
        "ManagedClusterProperties.securityProfile.azureKeyVaultKms.keyId",
    ),
    (
        "properties.securityProfile.azureKeyVaultKms.keyVaultNetworkAccess",
        "ManagedClusterProperties.securityProfile.azureKeyVaultKms.keyVaultNetworkAccess",
    ),
    (
        "properties.securityProfile.customCATrustCertificates[]",
        "ManagedClusterProperties.securityProfile.customCATrustCertificates",
    ),
    (
        "properties.securityProfile.defender.logAnalyticsWorkspaceResourceId",
        "ManagedClusterProperties.securityProfile.defender.logAnalyticsWorkspaceResourceId",
    ),
    (
        "properties.securityProfile.defender.securityMonitoring.enabled",
        "ManagedClusterProperties.securityProfile.defender.securityMonitoring.enabled",
    ),
    (
        "properties.securityProfile.workloadIdentity.enabled",
        "ManagedClusterProperties.securityProfile.workloadIdentity.enabled",
    ),
    (
        "properties.serviceMeshProfile.istio.certificateAuthority.plugin.certChainObjectName",
        "ManagedClusterProperties.serviceMeshProfile.istio.certificateAuthority.plugin.certChainObjectName",
    ),
    (
        "properties.serviceMeshProfile.istio.certificateAuthority.plugin.certObjectName",
        "ManagedClusterProperties.serviceMeshProfile.istio.certificateAuthority.plugin.certObjectName",
    ),
    (
        "properties.serviceMeshProfile.istio.certificateAuthority.plugin.keyObjectName",
        "ManagedClusterProperties.serviceMeshProfile.istio.certificateAuthority.plugin.keyObjectName",
    ),
    (
        "properties.serviceMeshProfile.istio.certificateAuthority.plugin.keyVaultId",
        "ManagedClusterProperties.serviceMeshProfile.istio.certificateAuthority.plugin.keyVaultId",
    ),
    (
        "properties.serviceMeshProfile.istio.certificateAuthority.plugin.rootCertObjectName",
        "ManagedClusterProperties.serviceMeshProfile.istio.certificateAuthority.plugin.rootCertObjectName",
    ),
    (
        "properties.serviceMeshProfile.istio.components.ingressGateways[].enabled",
        "ManagedClusterProperties.serviceMeshProfile.istio.components.ingressGateways.enabled",
    ),
    (
        "properties.serviceMeshProfile.istio.components.ingressGateways[].mode",
        "ManagedClusterProperties.serviceMeshProfile.istio.components.ingressGateways.mode",
    ),
    (
        "properties.serviceMeshProfile.istio.revisions[]",
        "ManagedClusterProperties.serviceMeshProfile.istio.revisions",
    ),
    (
        "properties.serviceMeshProfile.mode",
        "ManagedClusterProperties.serviceMeshProfile.mode",
    ),
    (
        "properties.storageProfile.blobCSIDriver.enabled",
        "ManagedClusterProperties.storageProfile.blobCSIDriver.enabled",
    ),
    (
        "properties.storageProfile.diskCSIDriver.enabled",
        "ManagedClusterProperties.storageProfile.diskCSIDriver.enabled",
    ),
    (
        "properties.storageProfile.fileCSIDriver.enabled",
        "ManagedClusterProperties.storageProfile.fileCSIDriver.enabled",
    ),
    (
        "properties.storageProfile.snapshotController.enabled",
        "ManagedClusterProperties.storageProfile.snapshotController.enabled",
    ),
    ("properties.supportPlan", "ManagedClusterProperties.supportPlan"),
    (
        "properties.workloadAutoScalerProfile.keda.enabled",
        "ManagedClusterProperties.workloadAutoScalerProfile.keda.enabled",
    ),
    (
        "properties.workloadAutoScalerProfile.verticalPodAutoscaler.enabled",
        "ManagedClusterProperties.workloadAutoScalerProfile.verticalPodAutoscaler.enabled",
    ),
];

#[test]
fn kubernetes_cluster_node_pool_with_every_group() {
    let cluster = format!("{RG_ID}/providers/Microsoft.ContainerService/managedClusters/clustername1");
    check(&Case {
        type_name: "azurerm_kubernetes_cluster_node_pool",
        config: json!({"name": "agentpool1", "kubernetes_cluster_id": cluster,
            "vm_size": "Standard_DS1_v2", "node_count": 3, "orchestrator_version": "1.31.2", "os_type": "Windows",
            "os_sku": "Windows2022", "priority": "Spot", "eviction_policy": "Delete",
            "scale_down_mode": "Delete", "ultra_ssd_enabled": false, "workload_runtime": "OCIContainer",
            "gpu_instance": "MIG2g", "gpu_driver": "None", "fips_enabled": true, "host_encryption_enabled": true,
            "kubelet_disk_type": "Temporary", "node_public_ip_enabled": true,
            "node_public_ip_prefix_id": format!("{RG_ID}/providers/Microsoft.Network/publicIPPrefixes/pfx"),
            "proximity_placement_group_id": format!("{RG_ID}/providers/Microsoft.Compute/proximityPlacementGroups/ppg"),
            "host_group_id": format!("{RG_ID}/providers/Microsoft.Compute/hostGroups/hg"),
            "capacity_reservation_group_id": format!("{RG_ID}/providers/Microsoft.Compute/capacityReservationGroups/crg"),
            "snapshot_id": format!("{RG_ID}/providers/Microsoft.ContainerService/snapshots/snap"),
            "upgrade_settings": [{"max_surge": "1", "max_unavailable": "0", "drain_timeout_in_minutes": 30,
                "node_soak_duration_in_minutes": 5, "undrainable_node_behavior": "Schedule"}],
            "kubelet_config": [{"cpu_manager_policy": "none", "pod_max_pid": 100}],
            "linux_os_config": [{"transparent_huge_page_enabled": "never", "sysctl_config": [{"vm_max_map_count": 262144}]}],
            "node_network_profile": [{"allowed_host_ports": [{"port_start": 80, "port_end": 80, "protocol": "UDP"}]}],
            "windows_profile": [{"outbound_nat_enabled": false}],
            "node_labels": {"key1": "val1"}, "node_taints": ["sku=gpu:NoSchedule"], "tags": {"name1": "val1"}}),
        examples: &[
            "Microsoft.ContainerService/2026-08-01/AgentPoolsCreate_Update.json",
            "Microsoft.ContainerService/2026-08-01/AgentPoolsGet.json",
        ],
        reads: &[
            ("name", "agentpool1"),
            ("vm_size", "Standard_DS1_v2"),
            ("node_count", "3"),
        ],
        spec: NODE_POOL_SPEC,
    });
}

/// What no example of agentPools shows: path, and where the spec
/// (managedClusters.json of 2025-10-01) defines it.
const NODE_POOL_SPEC: &[(&str, &str)] = &[
    (
        "properties.capacityReservationGroupID",
        "ManagedClusterAgentPoolProfileProperties.capacityReservationGroupID",
    ),
    (
        "properties.creationData.sourceResourceId",
        "ManagedClusterAgentPoolProfileProperties.creationData.sourceResourceId",
    ),
    (
        "properties.enableEncryptionAtHost",
        "ManagedClusterAgentPoolProfileProperties.enableEncryptionAtHost",
    ),
    (
        "properties.enableFIPS",
        "ManagedClusterAgentPoolProfileProperties.enableFIPS",
    ),
    (
        "properties.enableNodePublicIP",
        "ManagedClusterAgentPoolProfileProperties.enableNodePublicIP",
    ),
    (
        "properties.enableUltraSSD",
        "ManagedClusterAgentPoolProfileProperties.enableUltraSSD",
    ),
    (
        "properties.gpuInstanceProfile",
        "ManagedClusterAgentPoolProfileProperties.gpuInstanceProfile",
    ),
    (
        "properties.gpuProfile.driver",
        "ManagedClusterAgentPoolProfileProperties.gpuProfile.driver",
    ),
    (
        "properties.hostGroupID",
        "ManagedClusterAgentPoolProfileProperties.hostGroupID",
    ),
    ("properties.kubeletConfig.cpuCfsQuota", "KubeletConfig.cpuCfsQuota"),
    (
        "properties.kubeletConfig.cpuManagerPolicy",
        "KubeletConfig.cpuManagerPolicy",
    ),
    ("properties.kubeletConfig.failSwapOn", "KubeletConfig.failSwapOn"),
    ("properties.kubeletConfig.podMaxPids", "KubeletConfig.podMaxPids"),
    (
        "properties.kubeletDiskType",
        "ManagedClusterAgentPoolProfileProperties.kubeletDiskType",
    ),
    (
        "properties.linuxOSConfig.sysctls.netIpv4TcpTwReuse",
        "SysctlConfig.netIpv4TcpTwReuse",
    ),
    (
        "properties.linuxOSConfig.sysctls.vmMaxMapCount",
        "SysctlConfig.vmMaxMapCount",
    ),
    (
        "properties.linuxOSConfig.transparentHugePageEnabled",
        "LinuxOSConfig.transparentHugePageEnabled",
    ),
    (
        "properties.networkProfile.allowedHostPorts[].portEnd",
        "PortRange.portEnd",
    ),
    (
        "properties.networkProfile.allowedHostPorts[].portStart",
        "PortRange.portStart",
    ),
    (
        "properties.networkProfile.allowedHostPorts[].protocol",
        "PortRange.protocol",
    ),
    (
        "properties.nodePublicIPPrefixID",
        "ManagedClusterAgentPoolProfileProperties.nodePublicIPPrefixID",
    ),
    ("properties.osSKU", "ManagedClusterAgentPoolProfileProperties.osSKU"),
    (
        "properties.osDiskType",
        "ManagedClusterAgentPoolProfileProperties.osDiskType",
    ),
    (
        "properties.proximityPlacementGroupID",
        "ManagedClusterAgentPoolProfileProperties.proximityPlacementGroupID",
    ),
    (
        "properties.scaleDownMode",
        "ManagedClusterAgentPoolProfileProperties.scaleDownMode",
    ),
    (
        "properties.spotMaxPrice",
        "ManagedClusterAgentPoolProfileProperties.spotMaxPrice",
    ),
    (
        "properties.upgradeSettings.drainTimeoutInMinutes",
        "AgentPoolUpgradeSettings.drainTimeoutInMinutes",
    ),
    (
        "properties.upgradeSettings.maxUnavailable",
        "AgentPoolUpgradeSettings.maxUnavailable",
    ),
    (
        "properties.upgradeSettings.nodeSoakDurationInMinutes",
        "AgentPoolUpgradeSettings.nodeSoakDurationInMinutes",
    ),
    (
        "properties.upgradeSettings.undrainableNodeBehavior",
        "AgentPoolUpgradeSettings.undrainableNodeBehavior",
    ),
    (
        "properties.windowsProfile.disableOutboundNat",
        "AgentPoolWindowsProfile.disableOutboundNat",
    ),
    (
        "properties.workloadRuntime",
        "ManagedClusterAgentPoolProfileProperties.workloadRuntime",
    ),
];

/// Where the spec defines what the maintenance configurations azurerm
/// writes beside a cluster hold (no example of them is in the shared
/// material): path, definition.
const MAINTENANCE_SPEC: &[(&str, &str)] = &[
    ("properties.timeInWeek[].day", "TimeInWeek.day"),
    ("properties.timeInWeek[].hourSlots[]", "TimeInWeek.hourSlots"),
    ("properties.notAllowedTime[].start", "TimeSpan.start"),
    ("properties.notAllowedTime[].end", "TimeSpan.end"),
    (
        "properties.maintenanceWindow.durationHours",
        "MaintenanceWindow.durationHours",
    ),
    ("properties.maintenanceWindow.startTime", "MaintenanceWindow.startTime"),
    ("properties.maintenanceWindow.utcOffset", "MaintenanceWindow.utcOffset"),
    (
        "properties.maintenanceWindow.notAllowedDates",
        "MaintenanceWindow.notAllowedDates (empty)",
    ),
    (
        "properties.notAllowedTime",
        "MaintenanceConfigurationProperties.notAllowedTime (empty)",
    ),
    ("properties.maintenanceWindow.notAllowedDates[].start", "DateSpan.start"),
    ("properties.maintenanceWindow.notAllowedDates[].end", "DateSpan.end"),
    (
        "properties.maintenanceWindow.schedule.weekly.intervalWeeks",
        "WeeklySchedule.intervalWeeks",
    ),
    (
        "properties.maintenanceWindow.schedule.weekly.dayOfWeek",
        "WeeklySchedule.dayOfWeek",
    ),
    (
        "properties.maintenanceWindow.schedule.relativeMonthly.intervalMonths",
        "RelativeMonthlySchedule.intervalMonths",
    ),
    (
        "properties.maintenanceWindow.schedule.relativeMonthly.dayOfWeek",
        "RelativeMonthlySchedule.dayOfWeek",
    ),
    (
        "properties.maintenanceWindow.schedule.relativeMonthly.weekIndex",
        "RelativeMonthlySchedule.weekIndex",
    ),
];

/// Applies the cluster against replayed answers; the requests sent.
fn applied_requests(config: &Json) -> Vec<aksplan::provider::arm::ArmRequest> {
    let catalog = Catalog::embedded();
    let schema = catalog.schema(Mode::Managed, "azurerm_kubernetes_cluster").unwrap();
    let created = fixture(CLUSTER_EXAMPLES[0])["responses"]["200"]["body"].clone();
    let planned = plan_resource(schema, None, &Value::from_json(config), SUB).value;
    let provider = Azurerm::new(
        Replay {
            created,
            sent: Mutex::new(Vec::new()),
        },
        catalog.schemas("azurerm"),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let answer = rt.block_on(provider.apply(ApplyRequest {
        schema,
        provider: &ProviderConfig::default(),
        prior: None,
        planned: Some(&planned),
        now: std::time::SystemTime::now(),
    }));
    assert!(!answer.diags.has_errors(), "{:?}", answer.diags);
    let sent = provider.client.sent.lock().unwrap().clone();
    sent
}

#[test]
fn maintenance_windows_are_written_as_the_clusters_maintenance_configurations() {
    let sent = applied_requests(&cluster_config());
    let cluster_put = sent.iter().position(|r| r.method == Method::Put).unwrap();
    let children: Vec<_> = sent
        .iter()
        .enumerate()
        .filter(|(_, r)| r.method == Method::Put && r.path.contains("/maintenanceConfigurations/"))
        .collect();
    let names: Vec<&str> = children
        .iter()
        .map(|(_, r)| r.path.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "default",
            "aksManagedAutoUpgradeSchedule",
            "aksManagedNodeOSUpgradeSchedule"
        ]
    );
    // After their cluster, which they need.
    assert!(children.iter().all(|(i, _)| *i > cluster_put));
    let allowed: BTreeSet<&str> = MAINTENANCE_SPEC.iter().map(|(p, _)| *p).collect();
    for (_, r) in &children {
        let mut sent_paths = BTreeSet::new();
        paths(r.body.as_ref().unwrap(), "", &mut sent_paths);
        let unknown: Vec<&String> = sent_paths.iter().filter(|p| !allowed.contains(p.as_str())).collect();
        assert!(unknown.is_empty(), "{}: {unknown:?}", r.path);
    }
    let auto = children[1].1.body.as_ref().unwrap();
    assert_eq!(
        auto["properties"]["maintenanceWindow"]["notAllowedDates"][0],
        json!({"start": "2026-12-24", "end": "2026-12-26"})
    );
    // The maintenance configurations are read back with the cluster.
    assert!(sent
        .iter()
        .any(|r| r.method == Method::Get && r.path.ends_with("/maintenanceConfigurations/default")));
}

#[test]
fn the_update_example_reads_back_string_settings_and_the_upgrade_override() {
    let catalog = Catalog::embedded();
    let schema = catalog.schema(Mode::Managed, "azurerm_kubernetes_cluster").unwrap();
    let doc = fixture(CLUSTER_EXAMPLES[0])["responses"]["200"]["body"].clone();
    let mut value = aksplan::provider::azurerm::mapper::from_arm(&schema.block, &doc, None);
    aksplan::provider::azurerm::types::hooks(&schema.name).read_arm(&doc, &mut value, SUB);
    let at = |path: &str| {
        path.split('.')
            .try_fold(&value, |v, k| match k.parse::<usize>() {
                Ok(i) => v.as_seq().and_then(|s| s.get(i)),
                Err(_) => v.get(k),
            })
            .map(Value::to_json)
    };
    // ARM's strings read as azurerm's booleans.
    assert_eq!(
        at("auto_scaler_profile.0.balance_similar_node_groups"),
        Some(json!(true))
    );
    assert_eq!(
        at("auto_scaler_profile.0.skip_nodes_with_system_pods"),
        Some(json!(false))
    );
    assert_eq!(
        at("auto_scaler_profile.0.max_node_provisioning_time"),
        Some(json!("15m"))
    );
    assert_eq!(at("upgrade_override.0.force_upgrade_enabled"), Some(json!(false)));
    assert_eq!(
        at("upgrade_override.0.effective_until"),
        Some(json!("2022-11-01T13:00:00Z"))
    );
}
