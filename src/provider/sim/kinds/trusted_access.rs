//! AKS trusted access role bindings
//! (`Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings`):
//! under their cluster (the generic parent check), their roles may change
//! and the resource they bind may not. ARM's behaviour only; nothing of
//! azurerm.

use super::{Immutable, Kind};

pub struct RoleBinding;

impl Kind for RoleBinding {
    fn immutable(&self) -> &'static [Immutable] {
        &[("properties.sourceResourceId", "PropertyChangeNotAllowed")]
    }
}

#[cfg(test)]
mod tests {
    use crate::provider::arm::{ArmRequest, Method};
    use crate::provider::sim::{SimClient, SUBSCRIPTION};
    use serde_json::json;

    fn req(method: Method, path: &str, body: Option<serde_json::Value>) -> ArmRequest {
        ArmRequest {
            method,
            path: path.into(),
            api_version: "2025-10-01".into(),
            body,
        }
    }

    #[test]
    fn a_binding_needs_its_cluster_and_keeps_its_source() {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path());
        let rg = format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg");
        s.handle(&req(Method::Put, &rg, Some(json!({"location": "westeurope"}))))
            .unwrap();
        let cluster = format!("{rg}/providers/Microsoft.ContainerService/managedClusters/k");
        let binding = format!("{cluster}/trustedAccessRoleBindings/b");
        let body = |source: &str, roles: &[&str]| json!({"properties": {"sourceResourceId": source, "roles": roles}});
        let e = s
            .handle(&req(Method::Put, &binding, Some(body("/w1", &["r1"]))))
            .unwrap_err();
        assert_eq!(e.code, "ParentResourceNotFound");
        let pool = json!([{"name": "system", "mode": "System", "vmSize": "Standard_D2s_v5", "count": 1}]);
        s.handle(&req(
            Method::Put,
            &cluster,
            Some(json!({"location": "westeurope", "properties": {"dnsPrefix": "k", "agentPoolProfiles": pool}})),
        ))
        .unwrap();
        s.handle(&req(Method::Put, &binding, Some(body("/w1", &["r1"]))))
            .unwrap();
        let r = s
            .handle(&req(Method::Put, &binding, Some(body("/w1", &["r1", "r2"]))))
            .unwrap();
        assert_eq!(r.body["properties"]["roles"], json!(["r1", "r2"]));
        let e = s
            .handle(&req(Method::Put, &binding, Some(body("/w2", &["r1"]))))
            .unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "PropertyChangeNotAllowed"));
    }
}
