//! `azurerm_kubernetes_flux_configuration`: what the overlay cannot say.
//!
//! ARM keeps kustomizations as a map by name (the overlay's list is turned
//! into it and back); the Git reference is `repositoryRef.{branch|commit|
//! semver|tag}`; `continuous_reconciliation_enabled` and `tls_enabled` are
//! the opposites of `suspend` and `insecure`; a blob container is named by
//! its data plane id in azurerm and by the account URL and container name
//! in ARM. The source kind follows the source block given. Secrets (an
//! HTTPS key, an SSH key, a bucket's secret key) go in
//! `configurationProtectedSettings`, which Azure never returns. As azurerm
//! sends them: every kustomization's `dependsOn` (empty when left out).

use super::{absent, TypeHooks};
use crate::lang::Value;
use serde_json::{json, Map, Value as Json};
use std::borrow::Cow;

pub struct Hooks;

const REFERENCES: [&str; 4] = ["branch", "commit", "semver", "tag"];

fn first<'v>(v: &'v Value, block: &str) -> Option<&'v Value> {
    v.get(block).and_then(Value::as_seq).and_then(<[Value]>::first)
}

fn text<'v>(v: &'v Value, k: &str) -> Option<&'v str> {
    v.get(k).and_then(|s| s.inner().as_str()).filter(|s| !s.is_empty())
}

/// `https://{account}.blob.core.windows.net/{container}`: the account URL and the container.
pub fn split_container_id(id: &str) -> Option<(String, String)> {
    let (scheme, rest) = id.split_once("://")?;
    let (host, container) = rest.trim_end_matches('/').split_once('/')?;
    (!container.is_empty() && !container.contains('/')).then(|| (format!("{scheme}://{host}"), container.to_string()))
}

/// Sets an attribute of the first block of a list of blocks.
fn set_in_first(value: &mut Value, block: &str, key: &str, v: Value) {
    if let Some(item) = value
        .as_map_mut()
        .and_then(|m| m.get_mut(block))
        .and_then(Value::as_seq_mut)
        .and_then(|items| items.first_mut())
    {
        super::set(item, key, v);
    }
}

impl TypeHooks for Hooks {
    fn to_arm(&self, value: &Value, body: &mut Json) {
        if !body.get("properties").is_some_and(Json::is_object) {
            body["properties"] = json!({});
        }
        let p = &mut body["properties"];
        let reconcile = value
            .get("continuous_reconciliation_enabled")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        p["suspend"] = json!(!reconcile);
        let mut protected = Map::new();
        if let Some(git) = first(value, "git_repository") {
            p["sourceKind"] = json!("GitRepository");
            if let (Some(kind), Some(reference)) = (text(git, "reference_type"), text(git, "reference_value")) {
                p["gitRepository"]["repositoryRef"] = json!({ kind: reference });
            }
            for (attr, setting) in [
                ("https_key_base64", "httpsKey"),
                ("ssh_private_key_base64", "sshPrivateKey"),
            ] {
                if let Some(secret) = text(git, attr) {
                    protected.insert(setting.into(), json!(secret));
                }
            }
        } else if let Some(bucket) = first(value, "bucket") {
            p["sourceKind"] = json!("Bucket");
            let tls = bucket.get("tls_enabled").and_then(Value::as_bool).unwrap_or(true);
            p["bucket"]["insecure"] = json!(!tls);
            if let Some(secret) = text(bucket, "secret_key_base64") {
                protected.insert("bucketSecretKey".into(), json!(secret));
            }
        } else if let Some(blob) = first(value, "blob_storage") {
            p["sourceKind"] = json!("AzureBlob");
            if let Some((url, container)) = text(blob, "container_id").and_then(split_container_id) {
                p["azureBlob"]["url"] = json!(url);
                p["azureBlob"]["containerName"] = json!(container);
            }
        }
        if !protected.is_empty() {
            p["configurationProtectedSettings"] = Json::Object(protected);
        }
        if let Some(list) = p.get("kustomizations").and_then(Json::as_array).cloned() {
            let by_name: Map<String, Json> = list
                .into_iter()
                .map(|mut k| {
                    k.as_object_mut().map(|o| o.entry("dependsOn").or_insert(json!([])));
                    let name = k.get("name").and_then(Json::as_str).unwrap_or("").to_string();
                    (name, k)
                })
                .collect();
            p["kustomizations"] = Json::Object(by_name);
        }
    }

    fn normalize_arm<'a>(&self, doc: &'a Json, prior: Option<&Value>) -> Cow<'a, Json> {
        let Some(map) = doc.pointer("/properties/kustomizations").and_then(Json::as_object) else {
            return Cow::Borrowed(doc);
        };
        let priors = prior
            .and_then(|p| p.get("kustomizations"))
            .and_then(Value::as_seq)
            .unwrap_or(&[]);
        let list: Vec<Json> = map
            .iter()
            .map(|(name, k)| {
                let mut k = k.as_object().cloned().unwrap_or_default();
                k.insert("name".into(), json!(name));
                let before = priors.iter().find(|p| text(p, "name") == Some(name.as_str()));
                absent::drop_empty(&mut k, before, &[("dependsOn", "depends_on"), ("path", "path")]);
                Json::Object(k)
            })
            .collect();
        let mut doc = doc.clone();
        doc["properties"]["kustomizations"] = Json::Array(list);
        Cow::Owned(doc)
    }

    fn read_arm(&self, doc: &Json, value: &mut Value, _subscription: &str) {
        let p = doc.get("properties").cloned().unwrap_or(json!({}));
        let suspended = p.get("suspend").and_then(Json::as_bool).unwrap_or(false);
        super::set(value, "continuous_reconciliation_enabled", Value::Bool(!suspended));
        if let Some(reference) = p.pointer("/gitRepository/repositoryRef") {
            if let Some((kind, v)) = REFERENCES
                .iter()
                .find_map(|k| reference.get(*k).and_then(Json::as_str).map(|v| (*k, v)))
            {
                set_in_first(value, "git_repository", "reference_type", Value::string(kind));
                set_in_first(value, "git_repository", "reference_value", Value::string(v));
            }
        }
        if let Some(insecure) = p.pointer("/bucket/insecure").and_then(Json::as_bool) {
            set_in_first(value, "bucket", "tls_enabled", Value::Bool(!insecure));
        }
        if let Some(blob) = p.get("azureBlob") {
            let s = |k: &str| blob.get(k).and_then(Json::as_str).unwrap_or("");
            if !s("url").is_empty() {
                let id = format!("{}/{}", s("url").trim_end_matches('/'), s("containerName"));
                set_in_first(value, "blob_storage", "container_id", Value::string(id));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{body, planned, plans_clean, read};
    use super::*;

    const CONFIG: &str = r#"{
      name = "flux1", namespace = "flux",
      cluster_id = "/subscriptions/sub/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks1",
      git_repository = [{ url = "https://github.com/Azure/arc-k8s-demo", reference_type = "branch", reference_value = "main",
                          https_user = "me", https_key_base64 = "c2VjcmV0" }],
      kustomizations = [
        { name = "infra", path = "./infrastructure" },
        { name = "apps", path = "./apps", depends_on = ["infra"],
          post_build = [{ substitute = { env = "prod" }, substitute_from = [{ kind = "ConfigMap", name = "vars" }] }] },
      ],
    }"#;

    #[test]
    fn a_create_sends_kustomizations_by_name_the_reference_and_the_secrets_apart() {
        let (schema, _, planned) = planned("azurerm_kubernetes_flux_configuration", CONFIG);
        let p = body(schema, &planned)["properties"].clone();
        assert_eq!(p["sourceKind"], "GitRepository");
        assert_eq!(p["suspend"], false);
        assert_eq!(p["scope"], "namespace");
        assert_eq!(p["gitRepository"]["repositoryRef"], json!({"branch": "main"}));
        assert_eq!(p["gitRepository"]["httpsUser"], "me");
        assert_eq!(p["gitRepository"].get("httpsKey"), None);
        assert_eq!(p["configurationProtectedSettings"], json!({"httpsKey": "c2VjcmV0"}));
        assert_eq!(p["kustomizations"]["infra"]["dependsOn"], json!([]));
        assert_eq!(p["kustomizations"]["apps"]["dependsOn"], json!(["infra"]));
        assert_eq!(
            p["kustomizations"]["apps"]["postBuild"]["substitute"],
            json!({"env": "prod"})
        );
        assert_eq!(
            p["kustomizations"]["apps"]["postBuild"]["substituteFrom"][0]["optional"],
            false
        );
        assert_eq!(p["kustomizations"]["infra"]["prune"], false);
    }

    #[test]
    fn an_answer_reads_back_without_a_change() {
        let (schema, config, planned) = planned("azurerm_kubernetes_flux_configuration", CONFIG);
        let mut answer = body(schema, &planned);
        answer["id"] = json!(format!(
            "{}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/flux1",
            "/subscriptions/sub/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks1"
        ));
        let p = answer["properties"].as_object_mut().unwrap();
        // Azure keeps the protected settings, and answers every reference kind.
        p.remove("configurationProtectedSettings");
        p.insert("gitRepository".into(), {
            let mut g = p["gitRepository"].clone();
            g["repositoryRef"] = json!({"branch": "main", "tag": null, "semver": null, "commit": null});
            g
        });
        let state = read(schema, &answer, &planned);
        plans_clean(schema, &state, &config).unwrap();
        let git = &state.get("git_repository").unwrap().as_seq().unwrap()[0];
        assert_eq!(git.get("reference_value"), Some(&Value::string("main")));
        assert_eq!(
            git.get("https_key_base64"),
            Some(&Value::string("c2VjcmV0")),
            "kept from what was sent"
        );
    }

    #[test]
    fn a_blob_source_is_an_account_url_and_a_container() {
        assert_eq!(
            split_container_id("https://sa1.blob.core.windows.net/config"),
            Some(("https://sa1.blob.core.windows.net".into(), "config".into()))
        );
        assert_eq!(split_container_id("https://sa1.blob.core.windows.net/"), None);
        assert_eq!(split_container_id("sa1/config"), None);
    }
}
