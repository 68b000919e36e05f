//! The working directory's backend: where the state of the selected
//! workspace is kept, as `aksplan init` configured it.

use super::Context;
use crate::config::Config;
use crate::state::backend::local::LocalBackend;
use crate::state::backend::{Backend, StateStorage, DEFAULT_WORKSPACE};

/// The selected workspace's state. `Err` is the exit code, the reason
/// already reported.
pub fn open_state(ctx: &Context, _config: Option<&Config>) -> Result<Box<dyn StateStorage>, i32> {
    Ok(LocalBackend::default_in(&ctx.dir).state(DEFAULT_WORKSPACE))
}
