//! azapi's `type` argument (`Microsoft.Network/virtualNetworks/subnets@2024-01-01`)
//! and the ARM ids it builds from a parent id and a name, as azapi builds
//! them: under a resource group, a subscription, the tenant, a management
//! group or any resource (extension scope) for a top-level type, and under
//! its parent resource for a child type.
//!
//! Pure string work: it knows ARM's id grammar, not which types exist.

use crate::provider::arm;

/// A parsed `type`: the ARM resource type and the api-version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeRef {
    /// `Microsoft.Network/virtualNetworks/subnets`.
    pub resource_type: String,
    pub api_version: String,
}

const RESOURCE_GROUPS: &str = "Microsoft.Resources/resourceGroups";
const SUBSCRIPTIONS: &str = "Microsoft.Resources/subscriptions";
const TENANTS: &str = "Microsoft.Resources/tenants";
const PROVIDERS: &str = "Microsoft.Resources/providers";

impl TypeRef {
    /// Parses `<resource-type>@<api-version>`.
    pub fn parse(s: &str) -> Result<TypeRef, String> {
        let Some((rtype, version)) = s.split_once('@') else {
            return Err(format!(
                "{s:?} is not in the format <resource-type>@<api-version>, e.g. Microsoft.Network/virtualNetworks@2024-01-01"
            ));
        };
        let rtype = rtype.trim_matches('/');
        if rtype.is_empty() || version.is_empty() || version.contains('@') {
            return Err(format!(
                "{s:?} is not in the format <resource-type>@<api-version>, e.g. Microsoft.Network/virtualNetworks@2024-01-01"
            ));
        }
        if rtype.split('/').any(str::is_empty) {
            return Err(format!("{s:?} has an empty segment in its resource type"));
        }
        Ok(TypeRef {
            resource_type: rtype.to_string(),
            api_version: version.to_string(),
        })
    }

    pub fn is(&self, rtype: &str) -> bool {
        self.resource_type.eq_ignore_ascii_case(rtype)
    }

    pub fn is_resource_group(&self) -> bool {
        self.is(RESOURCE_GROUPS)
    }

    pub fn is_subscription(&self) -> bool {
        self.is(SUBSCRIPTIONS)
    }

    /// The same resource type, whatever the api-version.
    pub fn same_type(&self, other: &TypeRef) -> bool {
        self.is(&other.resource_type)
    }

    /// `Namespace/type` (one slash), rather than a child `Namespace/type/child`.
    fn is_top_level(&self) -> bool {
        self.resource_type.matches('/').count() == 1
    }

    /// The ARM id of the resource `name` under `parent_id`.
    pub fn build_id(&self, parent_id: &str, name: &str) -> Result<String, String> {
        // The tenant scope is `/`: avoid a double slash.
        let scope = if parent_id == "/" {
            ""
        } else {
            parent_id.trim_end_matches('/')
        };
        if !self.resource_type.contains('/') {
            // A resource provider namespace: `{scope}/providers/Microsoft.Foo`.
            return Ok(format!("{scope}/providers/{name}"));
        }
        if self.is_top_level() {
            return Ok(match () {
                _ if self.is_resource_group() => format!("{scope}/resourceGroups/{name}"),
                _ if self.is_subscription() => format!("/subscriptions/{name}"),
                _ if self.is(TENANTS) => "/".to_string(),
                _ if self.is(PROVIDERS) => format!("{scope}/providers/{name}"),
                _ => format!("{scope}/providers/{}/{name}", self.resource_type),
            });
        }
        // A child type: the parent must be a resource of the parent type.
        let (parent_type, last) = self.resource_type.rsplit_once('/').unwrap_or(("", ""));
        let got = arm::resource_type(parent_id);
        if !got.eq_ignore_ascii_case(parent_type) {
            return Err(format!(
                "`parent_id` is invalid: expect the ID of a `{parent_type}`, got the ID of a `{got}` ({parent_id})"
            ));
        }
        Ok(format!("{scope}/{last}/{name}"))
    }

    /// Checks that `id` is of this type, as azapi does for `resource_id`.
    pub fn check_id(&self, id: &str) -> Result<(), String> {
        let got = id_type(id);
        if got.eq_ignore_ascii_case(PROVIDERS) {
            if self.resource_type.contains('/') && !self.is(PROVIDERS) {
                return Err(format!(
                    "`resource_id` and `type` are not matched: expect `type` to be a provider type, got {}",
                    self.resource_type
                ));
            }
            return Ok(());
        }
        if !self.is(&got) {
            return Err(format!(
                "`resource_id` and `type` are not matched: expect `type` to be {got}, got {}",
                self.resource_type
            ));
        }
        Ok(())
    }
}

/// The resource type of an id, with the tenant (`/`) and provider
/// namespaces (`/subscriptions/s/providers/Microsoft.Foo`) told apart.
pub fn id_type(id: &str) -> String {
    let segments: Vec<&str> = id.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    if segments.is_empty() {
        return TENANTS.to_string();
    }
    if segments.len() % 2 == 0 && segments[segments.len() - 2].eq_ignore_ascii_case("providers") {
        return PROVIDERS.to_string();
    }
    arm::resource_type(id)
}

/// The parent id and the name of an id, as azapi splits `resource_id`.
pub fn split_id(id: &str) -> (String, String) {
    let name = arm::name_of(id).to_string();
    let parent = arm::parent_id(id).unwrap_or_else(|| "/".to_string());
    (parent, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUB: &str = "/subscriptions/00000000-0000-0000-0000-000000000000";

    fn t(s: &str) -> TypeRef {
        TypeRef::parse(s).unwrap()
    }

    #[test]
    fn types_parse_and_refuse_what_is_not_a_type() {
        let r = t("Microsoft.Network/virtualNetworks@2024-01-01");
        assert_eq!(r.resource_type, "Microsoft.Network/virtualNetworks");
        assert_eq!(r.api_version, "2024-01-01");
        for bad in [
            "Microsoft.Network/virtualNetworks",
            "@2024-01-01",
            "Microsoft.Network//x@1",
            "a@",
        ] {
            assert!(TypeRef::parse(bad).is_err(), "{bad}");
        }
        assert!(t("Microsoft.Resources/resourceGroups@2021-04-01").is_resource_group());
    }

    #[test]
    fn ids_are_built_for_each_scope() {
        let rg = format!("{SUB}/resourceGroups/rg");
        assert_eq!(
            t("Microsoft.Resources/resourceGroups@2021-04-01")
                .build_id(SUB, "rg")
                .unwrap(),
            rg
        );
        let vnet = t("Microsoft.Network/virtualNetworks@2024-01-01")
            .build_id(&rg, "v")
            .unwrap();
        assert_eq!(vnet, format!("{rg}/providers/Microsoft.Network/virtualNetworks/v"));
        assert_eq!(
            t("Microsoft.Network/virtualNetworks/subnets@2024-01-01")
                .build_id(&vnet, "s")
                .unwrap(),
            format!("{vnet}/subnets/s")
        );
        // Subscription, tenant and extension scopes.
        assert_eq!(
            t("Microsoft.Authorization/policyDefinitions@2021-06-01")
                .build_id(SUB, "p")
                .unwrap(),
            format!("{SUB}/providers/Microsoft.Authorization/policyDefinitions/p")
        );
        assert_eq!(
            t("Microsoft.Management/managementGroups@2021-04-01")
                .build_id("/", "mg")
                .unwrap(),
            "/providers/Microsoft.Management/managementGroups/mg"
        );
        let cluster = format!("{rg}/providers/Microsoft.ContainerService/managedClusters/k");
        assert_eq!(
            t("Microsoft.KubernetesConfiguration/extensions@2023-05-01")
                .build_id(&cluster, "flux")
                .unwrap(),
            format!("{cluster}/providers/Microsoft.KubernetesConfiguration/extensions/flux")
        );
        assert_eq!(
            t("Microsoft.ContainerService/managedClusters/agentPools@2024-05-01")
                .build_id(&cluster, "user")
                .unwrap(),
            format!("{cluster}/agentPools/user")
        );
    }

    #[test]
    fn a_child_under_the_wrong_parent_is_refused() {
        let rg = format!("{SUB}/resourceGroups/rg");
        let e = t("Microsoft.Network/virtualNetworks/subnets@2024-01-01")
            .build_id(&rg, "s")
            .unwrap_err();
        assert!(e.contains("Microsoft.Network/virtualNetworks"), "{e}");
    }

    #[test]
    fn resource_ids_are_checked_against_the_type() {
        let vnet = format!("{SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v");
        assert!(t("microsoft.network/virtualnetworks@2024-01-01")
            .check_id(&vnet)
            .is_ok());
        assert!(t("Microsoft.Network/virtualNetworks/subnets@2024-01-01")
            .check_id(&vnet)
            .is_err());
        assert!(t("Microsoft.Resources/resourceGroups@2021-04-01")
            .check_id(&format!("{SUB}/resourceGroups/rg"))
            .is_ok());
        assert_eq!(split_id(&vnet), (format!("{SUB}/resourceGroups/rg"), "v".to_string()));
    }
}
