//! The run's [`StateReader`]: how `terraform_remote_state` reaches another
//! configuration's state, through aksplan's backends, from this working
//! directory (relative local paths are relative to it, as Terraform's are
//! to its working directory) with this environment and credentials.
//!
//! It only opens backends and loads; the data source's rules are
//! [`crate::provider::builtin::remote_state`]'s. It never takes a lock: a
//! remote state is read as it stands, as Terraform reads it.

use super::Context;
use crate::provider::builtin::remote_state::{ReadError, StateReader};
use crate::state::backend::{self, local::LocalBackend, Surroundings};
use crate::state::State;
use serde_json::{Map, Value as Json};
use std::path::PathBuf;

pub struct BackendStates {
    dir: PathBuf,
    env: Vec<(String, String)>,
}

impl BackendStates {
    pub fn new(ctx: &Context) -> BackendStates {
        BackendStates {
            dir: ctx.dir.clone(),
            env: ctx.env.clone(),
        }
    }

    fn read_here(&self, kind: &str, settings: &Map<String, Json>, workspace: &str) -> Result<Option<State>, ReadError> {
        if kind == "local" {
            // aksplan's file, else the one Terraform writes at `path`.
            let b = LocalBackend::from_settings(&self.dir, settings).map_err(ReadError::Config)?;
            return b.stored(workspace).map_err(ReadError::Load);
        }
        let at = Surroundings {
            dir: &self.dir,
            env: &self.env,
            tokens: Some(super::workdir::tokens(&self.env, settings)),
        };
        let b = backend::configure(kind, settings, at).map_err(ReadError::Config)?;
        let state = b.state(workspace).load().map_err(ReadError::Load)?;
        // A state never written (no blob, or the empty one a lock leaves)
        // is none, as Terraform finds none.
        let never_written = state.serial == 0 && state.lineage.is_empty() && state.is_empty();
        Ok((!never_written).then_some(state))
    }
}

impl StateReader for BackendStates {
    /// Reads on a thread of its own: the blob client waits on its own
    /// runtime, which must not be done from inside the run's.
    fn read(&self, kind: &str, settings: &Map<String, Json>, workspace: &str) -> Result<Option<State>, ReadError> {
        std::thread::scope(|s| {
            s.spawn(|| self.read_here(kind, settings, workspace))
                .join()
                .unwrap_or_else(|_| Err(ReadError::Load("reading the state failed (a bug in aksplan)".into())))
        })
    }
}
