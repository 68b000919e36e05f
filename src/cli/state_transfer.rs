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
use crate::state::store::StateStore;
use crate::state::terraform::{self, takeover, Format};
use crate::state::{file, lock, State};
use std::io::Read;
use std::path::Path;

pub fn pull(ctx: &Context, format: StateFormat) -> i32 {
    let state = match StateStore::in_dir(&ctx.dir).load() {
        Ok(s) => s,
        Err(e) => return fail(ctx, Diagnostic::error("Cannot load the state").with_detail(e)),
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
    let _lock = match lock_args
        .lock
        .then(|| lock::acquire(&ctx.dir, "state push", lock_args.lock_timeout))
        .transpose()
    {
        Ok(l) => l,
        Err(e) => return fail(ctx, lock_error(e)),
    };
    let store = StateStore::in_dir(&ctx.dir);
    let current = match store.load() {
        Ok(s) => s,
        Err(e) => return fail(ctx, Diagnostic::error("Cannot load the state").with_detail(e)),
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
        return fail(
            ctx,
            Diagnostic::error("Cannot write the state").with_detail(e.to_string()),
        );
    }
    let from = match format {
        Format::Aksplan => "aksplan's state format".to_string(),
        Format::Terraform(v) => format!("Terraform's state format version {v}"),
    };
    outln!(
        "Pushed {} from {shown} ({from}) to {}.",
        count(state.resources.len(), "resource"),
        crate::state::store::STATE_FILE
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

/// At `aksplan init`: takes over the directory's local Terraform state,
/// if it has one aksplan has not taken over yet. `Err` is the exit code
/// of a failure, already reported.
pub fn takeover(ctx: &Context) -> Result<(), i32> {
    let (config, _) = ctx.load_dir();
    let Some(path) = takeover::local_state_path(&ctx.dir, config.terraform().backend.as_ref()) else {
        return Ok(());
    };
    if !path.exists() {
        return Ok(());
    }
    let name = path.strip_prefix(&ctx.dir).unwrap_or(&path).display().to_string();
    let failed = |detail: String| {
        fail(
            ctx,
            Diagnostic::error("Cannot take over Terraform's state").with_detail(detail),
        )
    };
    let _lock = lock::acquire(
        &ctx.dir,
        "init (taking over Terraform's state)",
        std::time::Duration::ZERO,
    )
    .map_err(|e| fail(ctx, lock_error(e)))?;
    let store = StateStore::in_dir(&ctx.dir);
    let current = store.load().map_err(&failed)?;
    let decision = match takeover::examine(&path, &name, &current, &ctx.catalog) {
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
                .map_err(|e| failed(format!("cannot write {}: {e}", store.path().display())))?;
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
                "\nTook over Terraform's state: {}{also} from {name}, written by Terraform {}, serial {}.",
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
                crate::state::store::STATE_FILE
            );
            for note in &imported.notes {
                outln!("  note: {note}");
            }
            Ok(())
        }
        takeover::Decision::AlreadyAdopted => {
            outln!(
                "\n{name} was taken over earlier: aksplan's state is {}.",
                crate::state::store::STATE_FILE
            );
            Ok(())
        }
        takeover::Decision::Empty => Ok(()),
        takeover::Decision::Conflict(why) => Err(failed(why)),
    }
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
