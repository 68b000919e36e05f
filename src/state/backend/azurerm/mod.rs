//! The `azurerm` backend: state in a block blob of an Azure Storage
//! container, locked with a blob lease, as Terraform's azurerm backend keeps
//! it.
//!
//! Terraform keeps the default workspace's state in the blob `key`, and
//! another workspace's in `KEYenv:NAME`; aksplan locks those blobs as
//! Terraform does (a lease renewed in the background, [`lease`]), so that
//! the two tools exclude each other, but keeps its own state beside them,
//! in `BLOB.aksplan/state`, as the local backend keeps its file beside
//! Terraform's: aksplan never writes Terraform's state. Until aksplan's blob
//! exists, Terraform's is read (the takeover: `init` writes it as aksplan's
//! at once). Every write replaces aksplan's blob whole (after a snapshot of
//! the previous version when `snapshot = true`), after checking the lease;
//! the journal an apply appends to is on the blob storage too
//! ([`journal`]). Requests go
//! through [`blob`], signed by [`sign`] or authorized as [`auth`] chooses.
//! The arguments are Terraform 1.11's, plus aksplan's `endpoint` (the blob
//! service URL: Azurite, a private endpoint). It must not know about the
//! configuration or print.

pub mod auth;
pub mod blob;
pub mod journal;
pub mod lease;
pub mod listing;
pub mod sign;

use super::{
    Backend, Holder, JournalSink, LockError, Seen, StateLock, StateStorage, Surroundings, UnlockError,
    DEFAULT_WORKSPACE,
};
use crate::state::store::{encode_bytes, parse};
use crate::state::State;
use auth::{Auth, Choice, Given, Secret};
use blob::BlobClient;
use lease::Held;
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What separates the key from a workspace's name, as in Terraform.
pub const ENV_PREFIX: &str = "env:";

/// Arguments Terraform has that aksplan does not use: an error when set.
const UNSUPPORTED: &[(&str, &str)] = &[
    (
        "client_certificate",
        "use a client secret, workload identity or a managed identity",
    ),
    (
        "client_certificate_password",
        "use a client secret, workload identity or a managed identity",
    ),
    (
        "client_certificate_path",
        "use a client secret, workload identity or a managed identity",
    ),
    ("client_id_file_path", "set client_id, or ARM_CLIENT_ID"),
    ("client_secret_file_path", "set client_secret, or ARM_CLIENT_SECRET"),
    (
        "ado_pipeline_service_connection_id",
        "use oidc_token_file_path, or ARM_OIDC_TOKEN_FILE_PATH",
    ),
    (
        "oidc_request_token",
        "use oidc_token_file_path, or ARM_OIDC_TOKEN_FILE_PATH",
    ),
    (
        "oidc_request_url",
        "use oidc_token_file_path, or ARM_OIDC_TOKEN_FILE_PATH",
    ),
    ("oidc_token", "use oidc_token_file_path, or ARM_OIDC_TOKEN_FILE_PATH"),
    ("metadata_host", "set endpoint to the blob service's URL"),
    ("msi_endpoint", "aksplan finds the managed identity endpoint itself"),
];

/// The backend.
pub struct AzureBackend {
    client: BlobClient,
    key: String,
    container: String,
    snapshot: bool,
}

impl std::fmt::Debug for AzureBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AzureBackend({})", self.client.url_of(&self.key))
    }
}

/// A setting: the block's (with `-backend-config`), else the variable's.
fn setting(settings: &Map<String, Json>, env: &[(String, String)], name: &str, var: &str) -> Option<String> {
    match settings.get(name) {
        Some(Json::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Json::Bool(b)) => Some(b.to_string()),
        _ => env
            .iter()
            .find(|(k, v)| k == var && !v.is_empty())
            .map(|(_, v)| v.clone()),
    }
}

fn flag(value: Option<String>) -> bool {
    value.is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

impl AzureBackend {
    /// From the backend block's settings, the environment's `ARM_*`
    /// defaults, and the token source for Entra ID.
    pub fn from_settings(settings: &Map<String, Json>, at: Surroundings) -> Result<AzureBackend, String> {
        let get = |name: &str| setting(settings, &[], name, "");
        let env_or = |name: &str, var: &str| setting(settings, at.env, name, var);
        for (name, instead) in UNSUPPORTED {
            if get(name).is_some() {
                return Err(format!("aksplan's azurerm backend does not support {name}: {instead}"));
            }
        }
        if flag(get("lookup_blob_endpoint")) {
            return Err(
                "aksplan's azurerm backend does not look the blob endpoint up: set endpoint to the blob service's URL"
                    .into(),
            );
        }
        let required =
            |name: &str| get(name).ok_or_else(|| format!("The argument {name:?} is required, but was not set."));
        let account = required("storage_account_name")?;
        let container = required("container_name")?;
        let key = required("key")?;
        let endpoint = match get("endpoint") {
            Some(e) => e,
            None => {
                let suffix = match env_or("environment", "ARM_ENVIRONMENT").as_deref().unwrap_or("public") {
                    "public" => "core.windows.net",
                    "usgovernment" => "core.usgovcloudapi.net",
                    "china" => "core.chinacloudapi.cn",
                    other => return Err(format!("unknown environment {other:?}: public, usgovernment or china")),
                };
                format!("https://{account}.blob.{suffix}")
            }
        };
        let choice = auth::choose(&Given {
            access_key: env_or("access_key", "ARM_ACCESS_KEY").as_deref(),
            sas_token: env_or("sas_token", "ARM_SAS_TOKEN").as_deref(),
            use_azuread_auth: flag(env_or("use_azuread_auth", "ARM_USE_AZUREAD")),
            resource_group_name: get("resource_group_name").as_deref(),
            subscription_id: env_or("subscription_id", "ARM_SUBSCRIPTION_ID").as_deref(),
        })?;
        let no_tokens = || "no Entra ID credentials are available to aksplan here".to_string();
        let auth = match choice {
            Choice::AccessKey(k) => Auth::SharedKey {
                key: Secret::new(sign::decode_key(&k)?),
            },
            Choice::Sas(t) => Auth::Sas(Secret::new(t.into_bytes())),
            Choice::AzureAd => Auth::Bearer(at.tokens.ok_or_else(no_tokens)?),
            Choice::LookupKey {
                subscription,
                resource_group,
            } => {
                let tokens = at.tokens.ok_or_else(no_tokens)?;
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| e.to_string())?;
                let arm = "https://management.azure.com";
                let k = rt.block_on(auth::lookup_key(&tokens, arm, &subscription, &resource_group, &account))?;
                Auth::SharedKey {
                    key: Secret::new(sign::decode_key(&k)?),
                }
            }
        };
        Ok(AzureBackend {
            client: BlobClient::new(&endpoint, &account, &container, auth)?,
            key,
            container,
            snapshot: flag(env_or("snapshot", "ARM_SNAPSHOT")),
        })
    }

    /// The blob client, for tests and tools.
    pub fn client(&self) -> &BlobClient {
        &self.client
    }

    /// The blob of `workspace`.
    pub fn blob_of(&self, workspace: &str) -> String {
        if workspace == DEFAULT_WORKSPACE {
            self.key.clone()
        } else {
            format!("{}{ENV_PREFIX}{workspace}", self.key)
        }
    }

    fn storage(&self, workspace: &str) -> AzureState {
        AzureState {
            client: self.client.clone(),
            state_blob: state_blob(&self.blob_of(workspace)),
            blob: self.blob_of(workspace),
            path: format!("{}/{}", self.container, self.blob_of(workspace)),
            snapshot: self.snapshot,
            held: Arc::new(Mutex::new(None)),
        }
    }
}

impl Backend for AzureBackend {
    fn kind(&self) -> &'static str {
        "azurerm"
    }

    fn workspaces(&self) -> Result<Vec<String>, String> {
        let prefix = format!("{}{ENV_PREFIX}", self.key);
        let listed = self
            .client
            .list(&prefix, false)
            .map_err(|e| format!("listing blobs: {e}"))?;
        let mut names: Vec<String> = listed
            .into_iter()
            .filter_map(|b| b.name.strip_prefix(&prefix).map(str::to_string))
            // A state is a blob, not a directory (journals are under KEY.aksplan/).
            .filter(|n| !n.contains('/') && !n.is_empty())
            .collect();
        names.sort();
        names.dedup();
        names.retain(|n| n != DEFAULT_WORKSPACE);
        names.insert(0, DEFAULT_WORKSPACE.to_string());
        Ok(names)
    }

    fn create_workspace(&self, name: &str) -> Result<(), String> {
        if name == DEFAULT_WORKSPACE {
            return Ok(());
        }
        // An empty blob, so that both tools list the workspace; never over one.
        let blob = self.blob_of(name);
        match self.client.put(&blob, Vec::new(), &BTreeMap::new(), None, true) {
            Err(e) if e.status != 409 && e.status != 412 => Err(format!("{}: {e}", self.client.url_of(&blob))),
            _ => Ok(()),
        }
    }

    fn delete_workspace(&self, name: &str) -> Result<(), String> {
        if name == DEFAULT_WORKSPACE || name.is_empty() {
            return Err("can't delete default state".into());
        }
        let blob = self.blob_of(name);
        self.client.delete(&blob).map_err(|e| {
            if e.status == 409 || e.status == 412 {
                format!("the state of workspace {name:?} is locked: {e}")
            } else {
                format!("{}: {e}", self.client.url_of(&blob))
            }
        })?;
        let ours = format!("{blob}.aksplan/");
        let listed = self
            .client
            .list(&ours, false)
            .map_err(|e| format!("{}: {e}", self.client.url_of(&ours)))?;
        for b in listed {
            self.client
                .delete(&b.name)
                .map_err(|e| format!("{}: {e}", self.client.url_of(&b.name)))?;
        }
        Ok(())
    }

    fn state(&self, workspace: &str) -> Box<dyn StateStorage> {
        Box::new(self.storage(workspace))
    }
}

/// aksplan's state blob beside Terraform's `blob`.
pub fn state_blob(blob: &str) -> String {
    format!("{blob}.aksplan/state")
}

/// One workspace's blobs.
pub struct AzureState {
    client: BlobClient,
    /// Terraform's state blob: the one leased.
    blob: String,
    /// aksplan's state blob.
    state_blob: String,
    /// `container/blob`, as Terraform names it in lock info.
    path: String,
    snapshot: bool,
    /// The lease this run holds on the blob, while it holds it.
    held: Arc<Mutex<Option<Arc<Held>>>>,
}

impl AzureState {
    fn held(&self) -> Option<Arc<Held>> {
        self.held.lock().ok().and_then(|h| h.clone())
    }

    /// The state in `blob`, in either format; `None` when there is none (no
    /// blob, or the empty one a lock or a new workspace makes).
    fn read(&self, blob: &str) -> Result<Option<State>, String> {
        let url = self.client.url_of(blob);
        match self.client.get(blob).map_err(|e| format!("cannot read {url}: {e}"))? {
            Some((bytes, _)) if !bytes.iter().all(u8::is_ascii_whitespace) => parse(&bytes, &url).map(Some),
            _ => Ok(None),
        }
    }
}

impl StateStorage for AzureState {
    fn location(&self) -> String {
        self.client.url_of(&self.state_blob)
    }

    fn load_noting(&self) -> Result<(State, Vec<String>), String> {
        let mut state = match self.read(&self.state_blob)? {
            Some(state) => state,
            // Not aksplan's yet: Terraform's, if it has one.
            None => self.read(&self.blob)?.unwrap_or_default(),
        };
        let notes = journal::replay(&self.client, &self.blob, &mut state)?;
        Ok((state, notes))
    }

    fn adopted_from(&self) -> Result<Option<String>, String> {
        let url = self.client.url_of(&self.state_blob);
        if self
            .client
            .properties(&self.state_blob)
            .map_err(|e| format!("{url}: {e}"))?
            .is_some()
        {
            return Ok(None);
        }
        Ok(self
            .read(&self.blob)?
            .filter(|s| !s.is_empty())
            .map(|_| self.client.url_of(&self.blob)))
    }

    fn write(&self, state: &mut State) -> Result<(), String> {
        let url = self.location();
        let held = self.held();
        if let Some(why) = held.as_ref().and_then(|h| h.lost()) {
            return Err(format!("the state lock was lost: {why}"));
        }
        if state.lineage.is_empty() {
            state.lineage = uuid::Uuid::new_v4().to_string();
        }
        state.serial += 1;
        let bytes = encode_bytes(state).map_err(|e| e.to_string())?;
        // The lease is on Terraform's blob: it is renewed, which fails if it
        // was lost, right before aksplan's blob is written.
        if let Some(h) = &held {
            h.check(&self.client, &self.blob, Duration::ZERO)
                .map_err(|why| format!("the state lock was lost: {why}"))?;
        }
        let existing = self
            .client
            .properties(&self.state_blob)
            .map_err(|e| format!("{url}: {e}"))?;
        if self.snapshot && existing.as_ref().is_some_and(|p| p.length > 0) {
            self.client
                .snapshot(&self.state_blob, None)
                .map_err(|e| format!("cannot snapshot {url} before writing it: {e}"))?;
        }
        let meta = existing.map(|p| p.metadata).unwrap_or_default();
        if let Err(e) = self.client.put(&self.state_blob, bytes, &meta, None, false) {
            return Err(format!("cannot write {url}: {e}"));
        }
        journal::fold(&self.client, &self.blob, state.serial)
    }

    fn journal(&self, state: &State) -> Result<Box<dyn JournalSink>, String> {
        Ok(Box::new(journal::BlobJournal::start(
            &self.client,
            &self.blob,
            state,
            self.held(),
        )?))
    }

    fn journal_location(&self) -> String {
        self.client.url_of(&format!("{}.aksplan/", self.blob))
    }

    fn lock(&self, operation: &str, timeout: Duration) -> Result<Box<dyn StateLock>, LockError> {
        let l = lease::acquire(
            &self.client,
            &self.blob,
            &self.path,
            operation,
            timeout,
            self.held.clone(),
        )?;
        Ok(Box::new(l))
    }

    fn seen_lock(&self) -> Result<Option<Seen>, String> {
        lease::seen(&self.client, &self.blob)
    }

    fn force_unlock(&self, id: Option<&str>, force: bool) -> Result<Option<Holder>, UnlockError> {
        lease::force_unlock(&self.client, &self.blob, id, force)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Map<String, Json> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Json::String(v.to_string())))
            .collect()
    }

    fn at(env: &[(String, String)]) -> Surroundings<'_> {
        Surroundings {
            dir: std::path::Path::new("."),
            env,
            tokens: None,
        }
    }

    const KEY: &str = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    #[test]
    fn keys_are_terraforms() {
        let b = AzureBackend::from_settings(
            &settings(&[
                ("storage_account_name", "st"),
                ("container_name", "tfstate"),
                ("key", "prod.tfstate"),
                ("access_key", KEY),
            ]),
            at(&[]),
        )
        .unwrap();
        assert_eq!(b.blob_of("default"), "prod.tfstate");
        assert_eq!(b.blob_of("dev"), "prod.tfstateenv:dev");
        // aksplan's state is beside Terraform's, never in it.
        assert_eq!(
            b.state("dev").location(),
            "https://st.blob.core.windows.net/tfstate/prod.tfstateenv:dev.aksplan/state"
        );
    }

    #[test]
    fn missing_and_unsupported_arguments_are_errors() {
        let e = AzureBackend::from_settings(&settings(&[("storage_account_name", "st")]), at(&[])).unwrap_err();
        assert_eq!(e, "The argument \"container_name\" is required, but was not set.");
        let full = [
            ("storage_account_name", "st"),
            ("container_name", "c"),
            ("key", "k"),
            ("access_key", KEY),
        ];
        let mut s = settings(&full);
        s.insert("client_certificate_path".into(), "x.pfx".into());
        assert!(AzureBackend::from_settings(&s, at(&[]))
            .unwrap_err()
            .contains("client_certificate_path"));
        // Entra ID needs a token source; without a key, the lookup needs a resource group.
        let s = settings(&[("storage_account_name", "st"), ("container_name", "c"), ("key", "k")]);
        assert!(AzureBackend::from_settings(&s, at(&[]))
            .unwrap_err()
            .contains("resource_group_name"));
        let env = vec![("ARM_USE_AZUREAD".to_string(), "true".to_string())];
        assert!(AzureBackend::from_settings(&s, at(&env))
            .unwrap_err()
            .contains("Entra ID"));
        // ARM_ACCESS_KEY stands in for access_key.
        let env = vec![("ARM_ACCESS_KEY".to_string(), KEY.to_string())];
        assert!(AzureBackend::from_settings(&s, at(&env)).is_ok());
    }
}
