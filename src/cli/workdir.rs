//! The working directory's backend and workspace, as Terraform keeps them.
//!
//! `init` remembers the backend it configured in `.terraform/terraform.tfstate`
//! (see [`crate::config::backend::saved`]); every other command uses that
//! backend, after checking that the configuration's `backend` block is the
//! one `init` saw: a block added, removed or changed since is an error that
//! says to run `aksplan init`, as Terraform says it. The selected workspace
//! is `TF_WORKSPACE`, else the name in `.terraform/environment`, else
//! `default`. Only reading and checking live here; `init` and `workspace`
//! change them.

use super::Context;
use crate::config::backend::{self, saved, BackendDecl};
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Sources};
use crate::state::backend::azurerm::auth::{credential_env, TokenSource};
use crate::state::backend::local::LocalBackend;
use crate::state::backend::{valid_workspace_name, Backend, StateStorage, Surroundings, DEFAULT_WORKSPACE};
use serde_json::{Map, Value as Json};
use std::path::PathBuf;

/// The variable that overrides the selected workspace.
pub const WORKSPACE_ENV: &str = "TF_WORKSPACE";

/// The selected workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub name: String,
    /// Whether `TF_WORKSPACE` chose it.
    pub overridden: bool,
}

/// Where `workspace select` remembers the selected workspace.
pub fn environment_file(ctx: &Context) -> PathBuf {
    ctx.dir.join(".terraform").join("environment")
}

/// The selected workspace: `TF_WORKSPACE` (which must be a valid name),
/// else `.terraform/environment`, else `default`.
pub fn workspace(ctx: &Context) -> Result<Workspace, Diagnostic> {
    if let Some((_, v)) = ctx.env.iter().find(|(k, v)| k == WORKSPACE_ENV && !v.is_empty()) {
        if !valid_workspace_name(v) {
            return Err(
                Diagnostic::error(format!("Invalid workspace name set using {WORKSPACE_ENV}")).with_detail(format!(
                    "{v:?} is not a workspace name: a name holds only URL-safe characters, and no path separators"
                )),
            );
        }
        return Ok(Workspace {
            name: v.clone(),
            overridden: true,
        });
    }
    let name = std::fs::read_to_string(environment_file(ctx))
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    Ok(Workspace {
        name: if name.is_empty() {
            DEFAULT_WORKSPACE.to_string()
        } else {
            name
        },
        overridden: false,
    })
}

/// Remembers `name` as the selected workspace.
pub fn select_workspace(ctx: &Context, name: &str) -> Result<(), String> {
    let p = environment_file(ctx);
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", p.display());
    std::fs::create_dir_all(p.parent().unwrap_or(&ctx.dir)).map_err(fail)?;
    std::fs::write(&p, name).map_err(fail)
}

/// The root module's `backend` block, read on its own (modules need not be
/// installed), with the sources to report its errors against.
pub fn root_backend(ctx: &Context) -> (Option<BackendDecl>, Sources, Diagnostics) {
    let files = match crate::config::load::read_dir_files(&ctx.dir, &["tf", "tf.json"]) {
        Ok(f) => f,
        Err(d) => return (None, Sources::default(), d.into()),
    };
    let (config, diags) = crate::config::load::from_files(&ctx.dir, files, &ctx.schemas());
    let decl = config.terraform().backend.clone();
    (decl, config.sources, diags)
}

/// The backend of type `kind` with `settings`, in this working directory.
pub fn build(ctx: &Context, kind: &str, settings: &Map<String, Json>) -> Result<Box<dyn Backend>, Diagnostic> {
    crate::state::backend::configure(kind, settings, surroundings(ctx, settings))
        .map_err(|e| Diagnostic::error(format!("Cannot configure the {kind:?} backend")).with_detail(e))
}

/// What backends get from the working directory and the environment: for
/// Entra ID, the ARM client's credential chain, with the backend's own
/// credential settings over the environment's.
pub fn surroundings<'c>(ctx: &'c Context, settings: &Map<String, Json>) -> Surroundings<'c> {
    Surroundings {
        dir: &ctx.dir,
        env: &ctx.env,
        tokens: Some(tokens(&ctx.env, settings)),
    }
}

/// Tokens from the credential chain, made when first asked for. A ready
/// `ARM_ACCESS_TOKEN` is an ARM token: it is used for ARM only, never for
/// Blob Storage.
pub fn tokens(env: &[(String, String)], settings: &Map<String, Json>) -> TokenSource {
    use crate::provider::azure::credential::{self, Credential};
    use std::sync::{Arc, OnceLock};
    let own: Vec<(&str, Option<String>)> = [
        "use_msi",
        "use_oidc",
        "client_id",
        "tenant_id",
        "client_secret",
        "oidc_token_file_path",
    ]
    .into_iter()
    .map(|n| {
        let v = match settings.get(n) {
            Some(Json::String(s)) => Some(s.clone()),
            Some(Json::Bool(b)) => Some(b.to_string()),
            _ => None,
        };
        (n, v)
    })
    .collect();
    let env = credential_env(&own, env);
    let storage_env: Vec<(String, String)> = env.iter().filter(|(k, _)| k != "ARM_ACCESS_TOKEN").cloned().collect();
    type Cell = OnceLock<Result<Arc<Credential>, String>>;
    let (arm, storage): (Arc<Cell>, Arc<Cell>) = (Arc::default(), Arc::default());
    Arc::new(move |scope: &'static str| {
        let (cell, env) = if scope.starts_with("https://storage.") {
            (storage.clone(), storage_env.clone())
        } else {
            (arm.clone(), env.clone())
        };
        Box::pin(async move {
            let credential = cell
                .get_or_init(|| credential::from_env(&credential::Env(&env)).map(Arc::new))
                .clone()?;
            credential.token_for(scope).await.map(|t| t.secret().to_string())
        })
    })
}

/// The backend this working directory uses: the one `init` saved, if the
/// configuration's block (`decl`) is still the one it saw.
pub fn backend_for(ctx: &Context, decl: Option<&BackendDecl>) -> Result<Box<dyn Backend>, Diagnostics> {
    let saved = saved::read(&ctx.dir)
        .map_err(|e| Diagnostics::from(Diagnostic::error("Cannot read the backend configuration").with_detail(e)))?;
    match (decl, saved) {
        (None, None) => Ok(Box::new(LocalBackend::default_in(&ctx.dir))),
        (None, Some(s)) => {
            Err(init_required(",", &format!("Unsetting the previously set backend {:?}", s.kind)).into())
        }
        (Some(d), None) => {
            // An unknown type is reported as itself, where it is written.
            backend::decode(d)?;
            Err(init_required(
                ",",
                &format!("Initial configuration of the requested backend {:?}", d.kind),
            )
            .into())
        }
        (Some(d), Some(s)) => {
            let settings = backend::decode(d)?;
            let unchanged =
                d.kind == s.kind && (backend::hash::hash(&d.kind, &settings) == s.hash || settings == s.config);
            if !unchanged {
                let reason = if d.kind != s.kind {
                    format!("Backend type changed from {:?} to {:?}", s.kind, d.kind)
                } else {
                    "Backend configuration block has changed".to_string()
                };
                return Err(init_required(":", &reason).into());
            }
            build(ctx, &s.kind, &s.config).map_err(Diagnostics::from)
        }
    }
}

/// Terraform's "Backend initialization required" error, with its two
/// spellings of the summary (`, please run` and `: please run`: `sep`).
fn init_required(sep: &str, reason: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "Backend initialization required{sep} please run \"aksplan init\""
    ))
    .with_detail(format!(
        "Reason: {reason}\n\n\
         The \"backend\" is the interface that aksplan uses to store state, perform operations, etc. If this \
         message is showing up, it means that the configuration you're using is using a custom configuration for \
         the backend.\n\n\
         Changes to backend configurations require reinitialization. This allows aksplan to set up the new \
         configuration, copy existing state, etc. Please run \"aksplan init\" with either the \"-reconfigure\" or \
         \"-migrate-state\" flags to use the current configuration.\n\n\
         If the change reason above is incorrect, please verify your configuration hasn't changed and try again. \
         At this point, no changes to your existing configuration or state have been made."
    ))
}

/// The backend for a command: with the loaded `config`'s block, or the root
/// module's read on its own. Errors are reported; `Err` is the exit code.
pub fn open_backend(ctx: &Context, config: Option<&Config>) -> Result<Box<dyn Backend>, i32> {
    let (decl, sources) = match config {
        Some(c) => (c.terraform().backend.clone(), c.sources.clone()),
        None => {
            let (decl, sources, diags) = root_backend(ctx);
            if super::report(ctx, &diags, &sources) {
                return Err(super::exit::ERROR);
            }
            (decl, sources)
        }
    };
    backend_for(ctx, decl.as_ref()).map_err(|d| {
        super::report(ctx, &d, &sources);
        super::exit::ERROR
    })
}

/// The selected workspace's state, in the working directory's backend.
/// Errors are reported; `Err` is the exit code.
pub fn open_state(ctx: &Context, config: Option<&Config>) -> Result<Box<dyn StateStorage>, i32> {
    let ws = workspace(ctx).map_err(|d| super::fail(ctx, d))?;
    let backend = open_backend(ctx, config)?;
    Ok(backend.state(&ws.name))
}
