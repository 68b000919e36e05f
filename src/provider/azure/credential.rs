//! Credentials, found the way the azurerm provider finds them.
//!
//! In order: `ARM_ACCESS_TOKEN` (a ready bearer token, for tests and CI);
//! a service principal's secret (`ARM_CLIENT_ID`, `ARM_CLIENT_SECRET`,
//! `ARM_TENANT_ID`); workload identity federation (`ARM_OIDC_TOKEN_FILE_PATH`
//! or `AZURE_FEDERATED_TOKEN_FILE`); a managed identity (`ARM_USE_MSI=true`);
//! and otherwise the Azure CLI's login. Tokens are obtained through the
//! azure_identity crate, which caches and refreshes them. A token is a
//! [`Token`], whose Debug and Display never show it.

use azure_core::credentials::{Secret, TokenCredential};
use std::sync::Arc;

/// ARM's token audience.
const SCOPE: &str = "https://management.azure.com/.default";

/// A bearer token: printed as `***`, whatever prints it.
#[derive(Clone)]
pub struct Token(String);

impl From<&str> for Token {
    fn from(s: &str) -> Token {
        Token(s.to_string())
    }
}

impl Token {
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(***)")
    }
}

pub enum Credential {
    Static(Token),
    Azure(Arc<dyn TokenCredential>),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Static(_) => f.write_str("Credential::Static(***)"),
            Credential::Azure(c) => write!(f, "Credential::Azure({c:?})"),
        }
    }
}

/// How the credential was found, for the banner: never the secret itself.
pub fn describe(env: &Env) -> &'static str {
    if env.get("ARM_ACCESS_TOKEN").is_some() {
        "ARM_ACCESS_TOKEN"
    } else if env.get("ARM_CLIENT_SECRET").is_some() {
        "client secret"
    } else if oidc_token_file(env).is_some() {
        "workload identity"
    } else if env.flag("ARM_USE_MSI") {
        "managed identity"
    } else {
        "Azure CLI"
    }
}

/// The environment variables credentials are read from.
pub struct Env<'a>(pub &'a [(String, String)]);

impl Env<'_> {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    fn flag(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
    }

    fn first(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|n| self.get(n)).map(str::to_string)
    }
}

fn oidc_token_file(env: &Env) -> Option<String> {
    env.first(&["ARM_OIDC_TOKEN_FILE_PATH", "AZURE_FEDERATED_TOKEN_FILE"])
}

/// The credential the environment describes. `Err` says what is missing.
pub fn from_env(env: &Env) -> Result<Credential, String> {
    if let Some(t) = env.get("ARM_ACCESS_TOKEN") {
        return Ok(Credential::Static(Token(t.to_string())));
    }
    let tenant = env.first(&["ARM_TENANT_ID", "AZURE_TENANT_ID"]);
    let client = env.first(&["ARM_CLIENT_ID", "AZURE_CLIENT_ID"]);
    let need = |v: Option<String>, what: &str| v.ok_or_else(|| format!("{what} is not set"));
    let built: azure_core::Result<Arc<dyn TokenCredential>> = if let Some(secret) = env.get("ARM_CLIENT_SECRET") {
        let tenant = need(tenant, "ARM_TENANT_ID")?;
        let client = need(client, "ARM_CLIENT_ID")?;
        azure_identity::ClientSecretCredential::new(&tenant, client, Secret::new(secret.to_string()), None)
            .map(|c| c as Arc<dyn TokenCredential>)
    } else if let Some(file) = oidc_token_file(env) {
        let options = azure_identity::WorkloadIdentityCredentialOptions {
            tenant_id: Some(need(tenant, "ARM_TENANT_ID")?),
            client_id: Some(need(client, "ARM_CLIENT_ID")?),
            token_file_path: Some(file.into()),
            ..Default::default()
        };
        azure_identity::WorkloadIdentityCredential::new(Some(options)).map(|c| c as Arc<dyn TokenCredential>)
    } else if env.flag("ARM_USE_MSI") {
        let options = azure_identity::ManagedIdentityCredentialOptions {
            user_assigned_id: client.map(azure_identity::UserAssignedId::ClientId),
            ..Default::default()
        };
        azure_identity::ManagedIdentityCredential::new(Some(options)).map(|c| c as Arc<dyn TokenCredential>)
    } else {
        azure_identity::AzureCliCredential::new(None).map(|c| c as Arc<dyn TokenCredential>)
    };
    built.map(Credential::Azure).map_err(|e| e.to_string())
}

impl Credential {
    /// A token for ARM. The error says why none could be had, without secrets.
    pub async fn token(&self) -> Result<Token, String> {
        self.token_for(SCOPE).await
    }

    /// A token for `scope` (ARM's, or Blob Storage's for the azurerm backend).
    pub async fn token_for(&self, scope: &str) -> Result<Token, String> {
        match self {
            Credential::Static(t) => Ok(t.clone()),
            Credential::Azure(c) => c
                .get_token(&[scope], None)
                .await
                .map(|t| Token(t.token.secret().to_string()))
                .map_err(|e| e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[tokio::test]
    async fn a_ready_token_comes_first_and_is_never_shown() {
        let e = env(&[("ARM_ACCESS_TOKEN", "s3cr3t"), ("ARM_CLIENT_SECRET", "x")]);
        let c = from_env(&Env(&e)).unwrap();
        assert_eq!(describe(&Env(&e)), "ARM_ACCESS_TOKEN");
        let t = c.token().await.unwrap();
        assert_eq!(t.secret(), "s3cr3t");
        assert!(!format!("{t:?} {c:?}").contains("s3cr3t"));
    }

    #[test]
    fn a_client_secret_needs_its_tenant_and_client() {
        let e = env(&[("ARM_CLIENT_SECRET", "x"), ("ARM_CLIENT_ID", "c")]);
        assert_eq!(from_env(&Env(&e)).unwrap_err(), "ARM_TENANT_ID is not set");
        let e = env(&[("ARM_OIDC_TOKEN_FILE_PATH", "/t"), ("ARM_TENANT_ID", "t")]);
        assert_eq!(from_env(&Env(&e)).unwrap_err(), "ARM_CLIENT_ID is not set");
    }

    #[test]
    fn each_source_is_recognised() {
        let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        let dir = tempfile::tempdir().unwrap();
        let token_file = dir.path().join("token");
        std::fs::write(&token_file, "federated").unwrap();
        let token_file = token_file.to_str().unwrap();
        let cases = [
            (
                env(&[
                    ("ARM_CLIENT_SECRET", "x"),
                    ("ARM_CLIENT_ID", "c"),
                    ("ARM_TENANT_ID", tenant),
                ]),
                "client secret",
            ),
            (
                env(&[
                    ("AZURE_FEDERATED_TOKEN_FILE", token_file),
                    ("ARM_CLIENT_ID", "c"),
                    ("ARM_TENANT_ID", tenant),
                ]),
                "workload identity",
            ),
            (env(&[("ARM_USE_MSI", "true")]), "managed identity"),
            (env(&[]), "Azure CLI"),
        ];
        for (e, what) in cases {
            assert_eq!(describe(&Env(&e)), what);
            let c = from_env(&Env(&e));
            assert!(matches!(c, Ok(Credential::Azure(_))), "{what}: {:?}", c.err());
        }
    }
}
