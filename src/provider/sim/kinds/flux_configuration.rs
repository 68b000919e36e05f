//! Microsoft.KubernetesConfiguration/fluxConfigurations, an extension
//! resource of a cluster, as Azure answers for it (api-version 2025-04-01):
//! the source kind must come with its source (ValidationFailed, Azure's
//! message); the scope and namespace are set at create (spec: read and
//! create only); each kustomization carries its name, and what the spec
//! defaults is filled in; protected settings and the blob source's secrets
//! are kept, never returned. The cluster must exist (the generic parent
//! check). Whether the microsoft.flux extension is installed is not
//! checked: Microsoft's documentation says it must be, but neither the
//! spec nor the examples say how Azure refuses a configuration without it.

use super::super::SimClient;
use super::Kind;
use crate::provider::arm::ArmError;
use serde_json::{json, Value as Json};

pub struct FluxConfigurations;

/// Source kinds and the property that carries each.
const SOURCES: [(&str, &str); 4] = [
    ("GitRepository", "gitRepository"),
    ("Bucket", "bucket"),
    ("AzureBlob", "azureBlob"),
    ("OCIRepository", "ociRepository"),
];

fn fill(obj: &mut Json, defaults: &[(&str, Json)]) {
    for (k, v) in defaults {
        if obj.get(*k).is_none_or(Json::is_null) {
            obj[*k] = v.clone();
        }
    }
}

impl Kind for FluxConfigurations {
    fn on_put(&self, _sim: &SimClient, _id: &str, doc: &mut Json, _existing: Option<&Json>) -> Result<(), ArmError> {
        if !doc.get("properties").is_some_and(Json::is_object) {
            doc["properties"] = json!({});
        }
        let p = &mut doc["properties"];
        fill(
            p,
            &[
                ("scope", json!("cluster")),
                ("namespace", json!("default")),
                ("sourceKind", json!("GitRepository")),
                ("suspend", json!(false)),
            ],
        );
        let kind = p["sourceKind"].as_str().unwrap_or("").to_string();
        let carrier = SOURCES
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&kind))
            .map(|(_, c)| *c);
        if carrier.is_none_or(|c| !p.get(c).is_some_and(Json::is_object)) {
            return Err(ArmError::new(
                400,
                "ValidationFailed",
                format!("Invalid source kind match. Config with specified source kind '{kind}' must contain corresponding body specified in the properties."),
            ));
        }
        for (_, source) in SOURCES {
            if let Some(s) = p.get_mut(source).filter(|s| s.is_object()) {
                fill(
                    s,
                    &[("timeoutInSeconds", json!(600)), ("syncIntervalInSeconds", json!(600))],
                );
            }
        }
        if let Some(blob) = p.get_mut("azureBlob").and_then(Json::as_object_mut) {
            blob.remove("accountKey");
            blob.remove("sasToken");
            if let Some(sp) = blob.get_mut("servicePrincipal").and_then(Json::as_object_mut) {
                for secret in ["clientSecret", "clientCertificate", "clientCertificatePassword"] {
                    sp.remove(secret);
                }
            }
        }
        if let Some(ks) = p.get_mut("kustomizations").and_then(Json::as_object_mut) {
            for (name, k) in ks.iter_mut() {
                k["name"] = json!(name);
                fill(
                    k,
                    &[
                        ("timeoutInSeconds", json!(600)),
                        ("syncIntervalInSeconds", json!(600)),
                        ("prune", json!(false)),
                        ("force", json!(false)),
                        ("wait", json!(true)),
                    ],
                );
            }
        }
        let obj = p.as_object_mut().expect("just made an object");
        obj.remove("configurationProtectedSettings");
        let suspended = obj.get("suspend") == Some(&json!(true));
        obj.insert(
            "complianceState".into(),
            json!(if suspended { "Suspended" } else { "Compliant" }),
        );
        obj.insert(
            "statusUpdatedAt".into(),
            json!(humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()),
        );
        Ok(())
    }

    fn immutable(&self) -> &'static [super::Immutable] {
        &[
            ("properties.scope", "PropertyChangeNotAllowed"),
            ("properties.namespace", "PropertyChangeNotAllowed"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::{SimClient, SUBSCRIPTION};
    use crate::provider::arm::{ArmRequest, Method};
    use serde_json::{json, Value as Json};

    fn req(method: Method, path: &str, body: Option<Json>) -> ArmRequest {
        ArmRequest {
            method,
            path: path.into(),
            api_version: "2025-04-01".into(),
            body,
        }
    }

    #[test]
    fn a_configuration_needs_its_cluster_and_its_source() {
        let dir = tempfile::tempdir().unwrap();
        let s = SimClient::new(dir.path());
        let rg = format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg1");
        s.handle(&req(Method::Put, &rg, Some(json!({"location": "westeurope"}))))
            .unwrap();
        s.handle(&req(
            Method::Post,
            &format!("/subscriptions/{SUBSCRIPTION}/providers/Microsoft.KubernetesConfiguration/register"),
            None,
        ))
        .unwrap();
        let cluster = format!("{rg}/providers/Microsoft.ContainerService/managedClusters/aks1");
        let flux = format!("{cluster}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/f1");
        let body = json!({"properties": {"namespace": "flux", "scope": "namespace", "sourceKind": "GitRepository",
            "gitRepository": {"url": "https://example.com/repo", "repositoryRef": {"branch": "main"}},
            "configurationProtectedSettings": {"httpsKey": "c2VjcmV0"},
            "kustomizations": {"apps": {"path": "./apps"}}}});
        let e = s.handle(&req(Method::Put, &flux, Some(body.clone()))).unwrap_err();
        assert_eq!(e.code, "ParentResourceNotFound");
        s.handle(&req(
            Method::Put,
            &cluster,
            Some(json!({"location": "westeurope", "properties": {"dnsPrefix": "aks1",
                "agentPoolProfiles": [{"name": "system", "mode": "System", "vmSize": "Standard_D4s_v5", "count": 1}]}})),
        ))
        .unwrap();
        let r = s.handle(&req(Method::Put, &flux, Some(body.clone()))).unwrap().body;
        let p = &r["properties"];
        assert_eq!(p["kustomizations"]["apps"]["name"], "apps");
        assert_eq!(p["kustomizations"]["apps"]["wait"], true);
        assert_eq!(p["gitRepository"]["syncIntervalInSeconds"], 600);
        assert_eq!(p.get("configurationProtectedSettings"), None, "never returned");
        assert_eq!(p["complianceState"], "Compliant");
        let mut moved = body.clone();
        moved["properties"]["namespace"] = json!("other");
        let e = s.handle(&req(Method::Put, &flux, Some(moved))).unwrap_err();
        assert_eq!(e.status, 400);
        let mut mismatched = body;
        mismatched["properties"]["sourceKind"] = json!("Bucket");
        let e = s.handle(&req(Method::Put, &flux, Some(mismatched))).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "ValidationFailed"));
        assert!(e.message.contains("'Bucket'"), "{}", e.message);
    }
}
