//! State in and out of aksplan: `state pull`, `state push`, and taking
//! over a directory's Terraform state at `init`. The conversions are
//! [`crate::state::terraform`]'s; this file opens files, takes the lock,
//! and says what happened.
//!
//! `state pull` prints the state whole, secrets included, as
//! `terraform state pull` does: it is the state, to be kept as safely.
//! It reads without the lock (every write replaces the file at once).
//! `state push` and the takeover write under the lock.

use super::args::{LockArgs, StateFormat};
use super::session::lock_error;
use super::{exit, fail, Context};
use crate::diag::Diagnostic;
use crate::state::backend::StateStorage;
use crate::state::terraform::{self, takeover, Format};
use crate::state::{file, State};
use std::io::Read;
use std::path::Path;

pub fn pull(ctx: &Context, format: StateFormat) -> i32 {
    let state = match super::workdir::open_state(ctx, None).and_then(|s| super::session::load_state(ctx, s.as_ref())) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let text = match format {
        StateFormat::Aksplan => serde_json::to_vec_pretty(&file::encode(&state)).map_err(|e| e.to_string()),
        StateFormat::Terraform => {
            terraform::write(&state, &ctx.catalog, crate::lang::TERRAFORM_VERSION).map_err(|e| e.to_string())
        }
    };
    match text {
        Ok(t) => {
            outln!("{}", String::from_utf8_lossy(&t).trim_end());
            exit::OK
        }
        Err(e) => fail(
            ctx,
            Diagnostic::error("Cannot write the state in Terraform's format").with_detail(e),
        ),
    }
}

pub fn push(ctx: &Context, path: &Path, force: bool, lock_args: &LockArgs) -> i32 {
    let shown = path.display().to_string();
    let bytes = if shown == "-" {
        let mut b = Vec::new();
        std::io::stdin().read_to_end(&mut b).map(|_| b)
    } else {
        std::fs::read(ctx.dir.join(path))
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            return fail(
                ctx,
                Diagnostic::error("Cannot read the state to push").with_detail(format!("{shown}: {e}")),
            )
        }
    };
    let (pushed, format) = match terraform::decode_any(&bytes, &ctx.catalog) {
        Ok(x) => x,
        Err(e) => {
            return fail(
                ctx,
                Diagnostic::error("Cannot read the state to push").with_detail(format!("{shown}: {e}")),
            )
        }
    };
    let store = match super::workdir::open_state(ctx, None) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let _lock = match lock_args
        .lock
        .then(|| store.lock("state push", lock_args.lock_timeout))
        .transpose()
    {
        Ok(l) => l,
        Err(e) => return fail(ctx, lock_error(e)),
    };
    let current = match super::session::load_state(ctx, store.as_ref()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if !force {
        if let Err(e) = check_valid_import(&pushed, &current) {
            return fail(
                ctx,
                Diagnostic::error("Failed to write state")
                    .with_detail(e)
                    .with_help("push it anyway with --force, if this is the state you mean to keep"),
            );
        }
    }
    let mut state = pushed;
    if let Err(e) = store.write(&mut state) {
        return fail(ctx, Diagnostic::error("Cannot write the state").with_detail(e));
    }
    let from = match format {
        Format::Aksplan => "aksplan's state format".to_string(),
        Format::Terraform(v) => format!("Terraform's state format version {v}"),
    };
    outln!(
        "Pushed {} from {shown} ({from}) to {}.",
        count(state.resources.len(), "resource"),
        shown_location(ctx, store.as_ref())
    );
    exit::OK
}

/// Terraform's rule for replacing a state: an empty state takes anything;
/// otherwise the lineage must match and the serial must not go back.
fn check_valid_import(pushed: &State, current: &State) -> Result<(), String> {
    if current.is_empty() {
        return Ok(());
    }
    if pushed.lineage != current.lineage {
        return Err(format!(
            "cannot import state with lineage {:?} over unrelated state with lineage {:?}",
            pushed.lineage, current.lineage
        ));
    }
    if pushed.serial < current.serial {
        return Err(format!(
            "cannot import state with serial {} over newer state with serial {}",
            pushed.serial, current.serial
        ));
    }
    Ok(())
}

/// At `aksplan init`: takes over the Terraform state of every workspace of
/// the configured backend that aksplan has not taken over yet. `Err` is
/// the exit code of a failure, already reported.
pub fn takeover(ctx: &Context) -> Result<(), i32> {
    let (config, _) = ctx.load_dir();
    let backend = super::workdir::open_backend(ctx, Some(&config))?;
    let workspaces = backend.workspaces().map_err(|e| {
        fail(
            ctx,
            Diagnostic::error("Cannot take over Terraform's state").with_detail(e),
        )
    })?;
    for ws in &workspaces {
        let store = backend.state(ws);
        match backend.terraform_file(ws) {
            Some(path) => takeover_file(ctx, ws, &path, store.as_ref())?,
            None => takeover_in_place(ctx, ws, store.as_ref())?,
        }
    }
    Ok(())
}

/// " of workspace NAME" but for the default workspace.
fn of_workspace(ws: &str) -> String {
    match ws {
        crate::state::backend::DEFAULT_WORKSPACE => String::new(),
        _ => format!(" of workspace {ws:?}"),
    }
}

/// Takes over the Terraform state file at `path` into `store`, when
/// Terraform wrote it and aksplan has not taken it over yet.
fn takeover_file(ctx: &Context, ws: &str, path: &Path, store: &dyn StateStorage) -> Result<(), i32> {
    if !path.exists() || Path::new(&store.location()) == path {
        return Ok(());
    }
    let name = path.strip_prefix(&ctx.dir).unwrap_or(path).display().to_string();
    let failed = |detail: String| {
        fail(
            ctx,
            Diagnostic::error("Cannot take over Terraform's state").with_detail(detail),
        )
    };
    let _lock = store
        .lock("init (taking over Terraform's state)", std::time::Duration::ZERO)
        .map_err(|e| fail(ctx, lock_error(e)))?;
    let current = store.load().map_err(&failed)?;
    let decision = match takeover::examine(path, &name, &current, &ctx.catalog) {
        Ok(Some(d)) => d,
        Ok(None) => return Ok(()),
        Err(takeover::TakeoverError::Read { error, .. }) => {
            let lines: Vec<String> = error.problems.iter().map(|p| format!("{name}: {p}")).collect();
            return Err(failed(lines.join("\n")));
        }
        Err(e) => return Err(failed(e.to_string())),
    };
    match decision {
        takeover::Decision::Adopt(imported) => {
            let imported = *imported;
            let mut state = imported.state;
            let (instances, deposed, outputs) = (state.resources.len(), state.deposed.len(), state.outputs.len());
            let serial = state.serial;
            store
                .write(&mut state)
                .map_err(|e| failed(format!("cannot write {}: {e}", store.location())))?;
            let mut also = Vec::new();
            if deposed > 0 {
                also.push(count(deposed, "deposed object"));
            }
            if outputs > 0 {
                also.push(count(outputs, "output"));
            }
            let also = if also.is_empty() {
                String::new()
            } else {
                format!(" (and {})", also.join(", "))
            };
            outln!(
                "\nTook over Terraform's state{}: {}{also} from {name}, written by Terraform {}, serial {}.",
                of_workspace(ws),
                count(instances, "resource"),
                if imported.terraform_version.is_empty() {
                    "?"
                } else {
                    &imported.terraform_version
                },
                serial,
            );
            outln!(
                "aksplan keeps them in {} from now on; {name} is left as it was.",
                shown_location(ctx, store)
            );
            for note in &imported.notes {
                outln!("  note: {note}");
            }
            Ok(())
        }
        takeover::Decision::AlreadyAdopted => {
            outln!(
                "\n{name} was taken over earlier: aksplan's state is {}.",
                shown_location(ctx, store)
            );
            Ok(())
        }
        takeover::Decision::Empty => Ok(()),
        takeover::Decision::Conflict(why) => Err(failed(why)),
    }
}

/// With a remote backend: a Terraform state aksplan reads where Terraform
/// keeps it, not yet written as aksplan's, is written as aksplan's now,
/// under the lock, and Terraform's is left as it is.
fn takeover_in_place(ctx: &Context, ws: &str, store: &dyn StateStorage) -> Result<(), i32> {
    let failed = |detail: String| {
        fail(
            ctx,
            Diagnostic::error("Cannot take over Terraform's state").with_detail(detail),
        )
    };
    let Some(from) = store.adopted_from().map_err(&failed)? else {
        return Ok(());
    };
    let _lock = store
        .lock("init (taking over Terraform's state)", std::time::Duration::ZERO)
        .map_err(|e| fail(ctx, lock_error(e)))?;
    let mut state = store.load().map_err(&failed)?;
    let (instances, serial) = (state.resources.len(), state.serial);
    store.write(&mut state).map_err(&failed)?;
    outln!(
        "\nTook over Terraform's state{}: {} from {from}, serial {serial}.",
        of_workspace(ws),
        count(instances, "resource")
    );
    outln!(
        "aksplan keeps them in {} from now on; {from} is left as it was.",
        store.location()
    );
    Ok(())
}

/// Where a state is, relative to the working directory when it is a file in it.
fn shown_location(ctx: &Context, store: &dyn StateStorage) -> String {
    let at = store.location();
    match Path::new(&at).strip_prefix(&ctx.dir) {
        Ok(rel) => rel.display().to_string(),
        Err(_) => at,
    }
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
