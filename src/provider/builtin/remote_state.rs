//! Terraform's `terraform_remote_state` data source: the root outputs of
//! another configuration's state, by backend, configuration and workspace.
//!
//! It owns the data source's rules as Terraform 1.11 has them: which
//! backend types there are, the shapes `config` and `defaults` must have,
//! how `defaults` and the state's outputs merge (the state's win), and that
//! a workspace with no stored state is an error. One rule is aksplan's: an
//! output the state marks sensitive stays sensitive (Terraform drops the
//! mark), so that a secret never shows in a plan.
//!
//! It does no I/O: a [`StateReader`], given by whoever opens the run (the
//! CLI, with its directory, environment and credentials), reads the
//! backend. It must not know where any backend keeps its files or blobs.

use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use crate::state::backend::DEFAULT_WORKSPACE;
use crate::state::State;
use serde_json::{Map, Value as Json};

/// The data source's type name.
pub const TYPE: &str = "terraform_remote_state";

/// Why a backend's state could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The backend refused the settings `config` gave it.
    #[error("{0}")]
    Config(String),
    /// The state could not be fetched or decoded.
    #[error("{0}")]
    Load(String),
}

/// Reads a workspace's state from a backend: the data source's I/O, at the
/// edge of the run.
pub trait StateReader: Send + Sync {
    /// The state of `workspace` in the backend of type `kind` configured
    /// with `settings` (`config`'s arguments); `None` when the backend has
    /// no state stored for it. It may block.
    fn read(&self, kind: &str, settings: &Map<String, Json>, workspace: &str) -> Result<Option<State>, ReadError>;
}

/// The backend types aksplan reads.
const READABLE: &[&str] = &["local", "azurerm"];

/// The other backend types Terraform 1.11 has.
const TERRAFORMS: &[&str] = &[
    "cloud",
    "consul",
    "cos",
    "gcs",
    "http",
    "inmem",
    "kubernetes",
    "oss",
    "pg",
    "remote",
    "s3",
];

/// The `local` backend's arguments, which validation can check.
const LOCAL_ARGUMENTS: &[&str] = &["path", "workspace_dir"];

/// The backend type `backend` names: `_local` is Terraform's old name for `local`.
fn kind(backend: &str) -> &str {
    if backend == "_local" {
        "local"
    } else {
        backend
    }
}

fn invalid_config(kind: &str, why: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error("Invalid backend configuration")
        .with_detail(format!(
            "The given configuration is not valid for backend {kind:?}: {why}."
        ))
        .at_attribute("config")
}

/// Checks the arguments as Terraform validates them: the backend type
/// first, then `config` (its shape, and the `local` backend's argument
/// names) when it is known, and `defaults`' shape.
pub fn validate(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let backend = config.get("backend").filter(|b| b.is_known());
    let settings = config.get("config").cloned().unwrap_or_else(Value::null);
    match backend.and_then(Value::as_str).map(kind) {
        Some(k) if READABLE.contains(&k) => {
            if settings.is_wholly_known() && !settings.is_null() {
                match settings.as_map() {
                    None => diags.push(invalid_config(k, "an object is required")),
                    Some(m) if k == "local" => {
                        if let Some(name) = m.keys().find(|n| !LOCAL_ARGUMENTS.contains(&n.as_str())) {
                            diags.push(invalid_config(k, format!("unexpected attribute {name:?}")));
                        }
                    }
                    Some(_) => {}
                }
            }
        }
        Some(k) if TERRAFORMS.contains(&k) => diags.push(
            Diagnostic::error("Unsupported backend type")
                .with_detail(format!(
                    "aksplan cannot read state from a {k:?} backend: it reads the \"local\" and \"azurerm\" backends."
                ))
                .at_attribute("backend"),
        ),
        Some(k) => diags.push(
            Diagnostic::error("Invalid backend configuration")
                .with_detail(format!("There is no backend type named {k:?}."))
                .at_attribute("backend"),
        ),
        None => {
            if settings.is_known() && !settings.is_null() && settings.as_map().is_none() {
                diags.push(
                    Diagnostic::error("Invalid backend configuration")
                        .with_detail("The configuration must be an object value.")
                        .at_attribute("config"),
                );
            }
        }
    }
    if let Some(d) = config.get("defaults") {
        if d.is_known() && !d.is_null() && d.as_map().is_none() {
            diags.push(
                Diagnostic::error("Invalid default values")
                    .with_detail("Defaults must be given in an object value.")
                    .at_attribute("defaults"),
            );
        }
    }
    diags
}

/// Reads the data source: its arguments as given (`workspace` and
/// `defaults` stay null when unset, as Terraform keeps them), with
/// `outputs`, the state's root outputs over `defaults`.
pub fn read(config: &Value, reader: &dyn StateReader) -> Result<Value, Diagnostics> {
    let checked = validate(config);
    if checked.has_errors() {
        return Err(checked);
    }
    let backend = config.get("backend").and_then(Value::as_str).unwrap_or_default();
    let kind = kind(backend);
    let settings = match config.get("config").map(Value::to_json) {
        Some(Json::Object(m)) => m,
        _ => Map::new(),
    };
    let workspace = config
        .get("workspace")
        .and_then(Value::as_str)
        .unwrap_or(DEFAULT_WORKSPACE);
    if !crate::state::backend::valid_workspace_name(workspace) {
        return Err(Diagnostic::error("Invalid workspace name")
            .with_detail(format!(
                "{workspace:?} cannot name a workspace: a name is letters, digits and -._~$&+:=@."
            ))
            .at_attribute("workspace")
            .into());
    }
    let state = match reader.read(kind, &settings, workspace) {
        Ok(Some(state)) => state,
        Ok(None) => {
            return Err(Diagnostic::error("Unable to find remote state")
                .with_detail("No stored state was found for the given workspace in the given backend.")
                .at_attribute("workspace")
                .into())
        }
        Err(ReadError::Config(why)) => return Err(invalid_config(kind, why.trim_end_matches('.')).into()),
        Err(ReadError::Load(why)) => {
            return Err(Diagnostic::error("Cannot read the remote state")
                .with_detail(why)
                .at_attribute("backend")
                .into())
        }
    };
    let mut value = config.clone();
    if let Some(m) = value.as_map_mut() {
        m.insert("outputs".into(), outputs(config.get("defaults"), &state));
    }
    Ok(value)
}

/// The object of outputs: each default, then each output of the state's
/// root module over it. An output whose value is null is absent, as
/// Terraform keeps no null output in state; a sensitive one stays marked.
fn outputs(defaults: Option<&Value>, state: &State) -> Value {
    let mut out = crate::lang::value::Map::new();
    if let Some(d) = defaults {
        let marked = matches!(d, Value::Sensitive(_));
        for (k, v) in d.as_map().into_iter().flatten() {
            out.insert(k.clone(), v.clone().mark_if(marked));
        }
    }
    for (name, o) in &state.outputs {
        if !o.value.is_null() {
            out.insert(name.clone(), o.value.clone().mark_if(o.sensitive));
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests;
