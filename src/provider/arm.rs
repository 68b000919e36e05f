//! The Azure Resource Manager boundary: requests, responses, errors, ids.
//!
//! Everything between aksplan and a cloud crosses this boundary as ARM REST
//! calls: the simulation answers them in-process, and the REST client sends
//! them over HTTP. Nothing here knows azurerm attribute names.

use serde_json::Value as Json;
use std::future::Future;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Patch,
    Delete,
    Post,
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Post => "POST",
        })
    }
}

/// One ARM call: a method on a resource id (or an action under it).
#[derive(Debug, Clone)]
pub struct ArmRequest {
    pub method: Method,
    /// The path, e.g. a resource id, or `{id}/listClusterUserCredential`.
    pub path: String,
    pub api_version: String,
    pub body: Option<Json>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ArmResponse {
    pub status: u16,
    pub body: Json,
}

/// ARM's error: `{"error": {"code", "message"}}` with the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ArmError {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl ArmError {
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> ArmError {
        ArmError {
            status,
            code: code.into(),
            message: message.into(),
        }
    }

    pub fn not_found(id: &str) -> ArmError {
        ArmError::new(404, "ResourceNotFound", format!("The resource '{id}' was not found."))
    }

    pub fn is_not_found(&self) -> bool {
        self.status == 404
    }

    /// The body ARM sends with the error.
    pub fn body(&self) -> Json {
        serde_json::json!({"error": {"code": self.code, "message": self.message}})
    }
}

/// Something that answers ARM calls: the simulation, or Azure over HTTP.
pub trait ArmClient: Send + Sync {
    fn send(&self, req: ArmRequest) -> impl Future<Output = Result<ArmResponse, ArmError>> + Send;

    /// How the cloud is named in plan and apply output: `sim (.aksplan/sim)`.
    fn describe(&self) -> String;

    /// The subscription resources are created in.
    fn subscription(&self) -> &str;

    /// The tenant, for data sources such as azurerm_client_config.
    fn tenant(&self) -> &str;
}

/// ARM ids compare without regard to case.
pub fn ids_equal(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The id a resource lives under: its resource group, its parent resource,
/// or the scope an extension resource is attached to. `None` for a
/// subscription.
pub fn parent_id(id: &str) -> Option<String> {
    let segments: Vec<&str> = id.trim_matches('/').split('/').collect();
    if segments.len() <= 2 {
        return None;
    }
    let mut parent = &segments[..segments.len() - 2];
    // `.../providers/Namespace/type/name`: the parent is what precedes `providers`.
    if parent.len() >= 2 && parent[parent.len() - 2].eq_ignore_ascii_case("providers") {
        parent = &parent[..parent.len() - 2];
    }
    Some(format!("/{}", parent.join("/")))
}

/// The ARM resource type of an id: `Microsoft.Network/virtualNetworks/subnets`.
pub fn resource_type(id: &str) -> String {
    let segments: Vec<&str> = id.trim_matches('/').split('/').collect();
    match segments.iter().rposition(|s| s.eq_ignore_ascii_case("providers")) {
        Some(p) if p + 1 < segments.len() => {
            let namespace = segments[p + 1];
            let types: Vec<&str> = segments[p + 2..].iter().step_by(2).copied().collect();
            format!("{namespace}/{}", types.join("/"))
        }
        _ if segments.len() == 4 && segments[2].eq_ignore_ascii_case("resourceGroups") => {
            "Microsoft.Resources/resourceGroups".into()
        }
        _ => "Microsoft.Resources/subscriptions".into(),
    }
}

/// The last segment of an id: the resource's name.
pub fn name_of(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or("")
}

/// Location names as ARM normalises them: `West Europe` is `westeurope`.
pub fn normalize_location(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// Providers share one client.
impl<C: ArmClient> ArmClient for std::sync::Arc<C> {
    fn send(&self, req: ArmRequest) -> impl Future<Output = Result<ArmResponse, ArmError>> + Send {
        (**self).send(req)
    }

    fn describe(&self) -> String {
        (**self).describe()
    }

    fn subscription(&self) -> &str {
        (**self).subscription()
    }

    fn tenant(&self) -> &str {
        (**self).tenant()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUB: &str = "/subscriptions/0000";

    #[test]
    fn parents_follow_arm_structure() {
        let rg = format!("{SUB}/resourceGroups/rg");
        let vnet = format!("{rg}/providers/Microsoft.Network/virtualNetworks/v");
        let subnet = format!("{vnet}/subnets/s");
        let ext = format!("{rg}/providers/Microsoft.ContainerService/managedClusters/k/providers/Microsoft.KubernetesConfiguration/extensions/flux");
        assert_eq!(parent_id(&rg).as_deref(), Some(SUB));
        assert_eq!(parent_id(&vnet), Some(rg.clone()));
        assert_eq!(parent_id(&subnet), Some(vnet.clone()));
        assert_eq!(
            parent_id(&ext).as_deref(),
            Some(format!("{rg}/providers/Microsoft.ContainerService/managedClusters/k").as_str())
        );
        assert_eq!(parent_id(SUB), None);
    }

    #[test]
    fn resource_types_and_names() {
        let rg = format!("{SUB}/resourceGroups/rg");
        assert_eq!(resource_type(&rg), "Microsoft.Resources/resourceGroups");
        assert_eq!(
            resource_type(&format!("{rg}/providers/Microsoft.Network/virtualNetworks/v/subnets/s")),
            "Microsoft.Network/virtualNetworks/subnets"
        );
        assert_eq!(
            resource_type(&format!("{rg}/providers/Microsoft.ContainerService/managedClusters/k/providers/Microsoft.KubernetesConfiguration/extensions/flux")),
            "Microsoft.KubernetesConfiguration/extensions"
        );
        assert_eq!(name_of(&rg), "rg");
        assert!(ids_equal(&rg, &rg.to_uppercase()));
        assert_eq!(normalize_location("West Europe"), "westeurope");
    }
}
