//! How the azurerm backend is authorized, chosen as Terraform's azurerm
//! backend chooses: an access key (`access_key`, `ARM_ACCESS_KEY`), else a
//! SAS token (`sas_token`, `ARM_SAS_TOKEN`), else Entra ID tokens for Blob
//! Storage (`use_azuread_auth`, `ARM_USE_AZUREAD`), else the account's key
//! looked up through Azure Resource Manager with an Entra ID token (which
//! needs `resource_group_name` and a subscription).
//!
//! Tokens come from a [`TokenSource`] the caller gives: the CLI's is the
//! ARM client's credential chain, with the backend's `use_msi`, `use_oidc`,
//! `client_id`, `tenant_id`, `client_secret` and `oidc_token_file_path`
//! laid over the environment ([`credential_env`]). Secrets are wrapped so
//! that no Debug or Display shows them.

use futures::future::BoxFuture;
use std::sync::Arc;

/// Gives a bearer token for a scope (`https://storage.azure.com/.default`).
pub type TokenSource = Arc<dyn Fn(&'static str) -> BoxFuture<'static, Result<String, String>> + Send + Sync>;

/// A secret: shown as `***`.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(bytes: Vec<u8>) -> Secret {
        Secret(bytes)
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    pub fn expose_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// How requests are authorized.
#[derive(Clone)]
pub enum Auth {
    /// Shared Key, with the decoded account key.
    SharedKey { key: Secret },
    /// A SAS token's query string.
    Sas(Secret),
    /// Entra ID bearer tokens.
    Bearer(TokenSource),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Auth::SharedKey { .. } => "Auth::SharedKey(***)",
            Auth::Sas(_) => "Auth::Sas(***)",
            Auth::Bearer(_) => "Auth::Bearer",
        })
    }
}

/// What the settings choose, before any key is looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    AccessKey(String),
    Sas(String),
    AzureAd,
    /// Look the key up in ARM: the subscription, resource group and account.
    LookupKey {
        subscription: String,
        resource_group: String,
    },
}

/// The settings that choose, each from the backend block or else its
/// `ARM_*` variable.
pub struct Given<'a> {
    pub access_key: Option<&'a str>,
    pub sas_token: Option<&'a str>,
    pub use_azuread_auth: bool,
    pub resource_group_name: Option<&'a str>,
    pub subscription_id: Option<&'a str>,
}

/// Terraform's order of choice.
pub fn choose(g: &Given) -> Result<Choice, String> {
    if let Some(k) = g.access_key {
        return Ok(Choice::AccessKey(k.to_string()));
    }
    if let Some(t) = g.sas_token {
        if t.trim().trim_start_matches('?').is_empty() {
            return Err("sas_token cannot be empty".into());
        }
        return Ok(Choice::Sas(t.trim().to_string()));
    }
    if g.use_azuread_auth {
        return Ok(Choice::AzureAd);
    }
    let resource_group = g.resource_group_name.ok_or(
        "no access_key, sas_token or use_azuread_auth is set, so the account key would be looked up in Azure \
         Resource Manager, which needs resource_group_name",
    )?;
    let subscription = g.subscription_id.ok_or(
        "no access_key, sas_token or use_azuread_auth is set, so the account key would be looked up in Azure \
         Resource Manager, which needs subscription_id (or ARM_SUBSCRIPTION_ID)",
    )?;
    Ok(Choice::LookupKey {
        subscription: subscription.to_string(),
        resource_group: resource_group.to_string(),
    })
}

/// The environment the credential chain reads, with the backend's own
/// settings over it (`use_msi = true` is `ARM_USE_MSI=true`, and so on).
pub fn credential_env(settings: &[(&str, Option<String>)], env: &[(String, String)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = env.to_vec();
    let mut set = |k: &str, v: &str| {
        out.retain(|(n, _)| n != k);
        out.push((k.to_string(), v.to_string()));
    };
    for (name, value) in settings {
        let Some(v) = value.as_deref().filter(|v| !v.is_empty()) else {
            continue;
        };
        match *name {
            "use_msi" if v == "true" => set("ARM_USE_MSI", "true"),
            "use_oidc" if v == "true" => set("ARM_USE_OIDC", "true"),
            "client_id" => set("ARM_CLIENT_ID", v),
            "tenant_id" => set("ARM_TENANT_ID", v),
            "client_secret" => set("ARM_CLIENT_SECRET", v),
            "oidc_token_file_path" => set("ARM_OIDC_TOKEN_FILE_PATH", v),
            _ => {}
        }
    }
    out
}

/// Looks the account's first key up through ARM (`listKeys`), with an ARM
/// token from `tokens`.
pub async fn lookup_key(
    tokens: &TokenSource,
    arm: &str,
    subscription: &str,
    resource_group: &str,
    account: &str,
) -> Result<String, String> {
    let token = tokens("https://management.azure.com/.default").await?;
    let url = format!(
        "{}/subscriptions/{subscription}/resourceGroups/{resource_group}/providers/Microsoft.Storage/storageAccounts/{account}/listKeys?api-version=2023-01-01",
        arm.trim_end_matches('/')
    );
    let resp = reqwest::Client::new()
        .post(&url)
        .bearer_auth(token)
        .header("Content-Length", "0")
        .send()
        .await
        .map_err(|e| format!("cannot reach Azure Resource Manager: {}", e.without_url()))?;
    let status = resp.status();
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| format!("listing the keys of storage account {account:?}: {}", e.without_url()))?;
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    if !status.is_success() {
        let code = body.pointer("/error/code").and_then(|c| c.as_str()).unwrap_or("Error");
        let message = body.pointer("/error/message").and_then(|c| c.as_str()).unwrap_or("");
        return Err(format!(
            "listing the keys of storage account {account:?} in resource group {resource_group:?}: {code}: {message}"
        ));
    }
    body.pointer("/keys/0/value")
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .ok_or_else(|| format!("storage account {account:?} has no key to list"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given<'a>(key: Option<&'a str>, sas: Option<&'a str>, ad: bool, rg: Option<&'a str>) -> Given<'a> {
        Given {
            access_key: key,
            sas_token: sas,
            use_azuread_auth: ad,
            resource_group_name: rg,
            subscription_id: Some("sub"),
        }
    }

    #[test]
    fn the_choice_is_terraforms_order() {
        assert_eq!(
            choose(&given(Some("k"), Some("s"), true, None)).unwrap(),
            Choice::AccessKey("k".into())
        );
        assert_eq!(
            choose(&given(None, Some("?sv=1"), true, None)).unwrap(),
            Choice::Sas("?sv=1".into())
        );
        assert_eq!(choose(&given(None, None, true, None)).unwrap(), Choice::AzureAd);
        assert_eq!(
            choose(&given(None, None, false, Some("rg"))).unwrap(),
            Choice::LookupKey {
                subscription: "sub".into(),
                resource_group: "rg".into()
            }
        );
        assert!(choose(&given(None, None, false, None))
            .unwrap_err()
            .contains("resource_group_name"));
        assert!(choose(&given(None, Some(" ? "), false, None)).is_err());
    }

    #[test]
    fn the_backends_settings_lie_over_the_environment() {
        let env = vec![("ARM_CLIENT_ID".to_string(), "from-env".to_string())];
        let out = credential_env(
            &[
                ("use_msi", Some("true".into())),
                ("client_id", Some("from-block".into())),
                ("use_oidc", Some("false".into())),
                ("tenant_id", None),
            ],
            &env,
        );
        let get = |k: &str| out.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("ARM_USE_MSI"), Some("true"));
        assert_eq!(get("ARM_CLIENT_ID"), Some("from-block"));
        assert_eq!(get("ARM_USE_OIDC"), None);
        assert_eq!(get("ARM_TENANT_ID"), None);
    }

    #[test]
    fn secrets_do_not_show() {
        let a = Auth::SharedKey {
            key: Secret::new(b"s3cr3t".to_vec()),
        };
        assert!(!format!("{a:?}").contains("s3cr3t"));
        assert_eq!(format!("{:?}", Secret::new(b"x".to_vec())), "***");
    }
}
