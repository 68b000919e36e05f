//! `aksplan init`'s backend step, as `terraform init` does it: configures
//! the backend the `backend` block (with `-backend-config` merged in)
//! describes, remembers it in `.terraform/terraform.tfstate`, and when it
//! changed, either copies every workspace's state from the old backend to
//! the new one (`-migrate-state`) or forgets the old one (`-reconfigure`).
//! aksplan never prompts: where terraform would ask whether to copy state,
//! it needs `-migrate-state` (`-force-copy` also overwrites a different state
//! already in the new backend).

use super::args::InitArgs;
use super::workdir;
use super::{report, Context};
use crate::config::backend::{self, hash::hash, overrides, saved, saved::SavedBackend};
use crate::diag::{Diagnostic, Diagnostics};
use crate::state::backend::local::LocalBackend;
use crate::state::backend::{Backend, DEFAULT_WORKSPACE};
use serde_json::{Map, Value as Json};

/// The backend the configuration asks for.
struct Target {
    kind: String,
    /// The block's settings with `-backend-config` merged in.
    settings: Map<String, Json>,
    /// The block's hash, as written.
    hash: u64,
    /// Whether `-backend-config` was given.
    overridden: bool,
}

/// Runs the backend step. `Err` is the exit code, the reason reported.
pub fn run(ctx: &Context, args: &InitArgs) -> Result<(), i32> {
    let (decl, mut sources, _) = workdir::root_backend(ctx);
    let fail = |d: Diagnostics, sources: &crate::diag::Sources| {
        report(ctx, &d, sources);
        super::exit::ERROR
    };
    let saved = saved::read(&ctx.dir).map_err(|e| {
        fail(
            Diagnostic::error("Cannot read the backend configuration")
                .with_detail(e)
                .into(),
            &sources,
        )
    })?;
    if decl.is_none() && saved.is_none() {
        if !args.backend_config.is_empty() {
            report(
                ctx,
                &Diagnostic::warning("Missing backend configuration")
                    .with_detail(
                        "-backend-config was used without a \"backend\" block in the configuration; it has no effect.",
                    )
                    .into(),
                &sources,
            );
        }
        return Ok(());
    }
    outln!("Initializing the backend...");
    let target = match &decl {
        None => None,
        Some(d) => {
            let settings = backend::decode(d).map_err(|e| fail(e, &sources))?;
            let (given, diags) = overrides::parse(&args.backend_config, &d.kind, &mut sources);
            if report(ctx, &diags, &sources) {
                return Err(super::exit::ERROR);
            }
            Some(Target {
                kind: d.kind.clone(),
                hash: hash(&d.kind, &settings),
                settings: backend::merge(&settings, &given.values),
                overridden: given.given,
            })
        }
    };
    let done = |d: Diagnostic| fail(d.into(), &sources);
    match (target, saved) {
        (None, None) => Ok(()),
        (None, Some(old)) => {
            if !args.reconfigure {
                if !args.migrate_state && !args.force_copy {
                    return Err(done(migrate_or_reconfigure()));
                }
                let from = workdir::build(ctx, &old.kind, &old.config).map_err(done)?;
                migrate(args, &*from, &LocalBackend::default_in(&ctx.dir)).map_err(done)?;
            }
            saved::write(&ctx.dir, None)
                .map_err(|e| done(Diagnostic::error("Cannot save the backend configuration").with_detail(e)))?;
            outln!(
                "\nSuccessfully unset the backend {:?}. aksplan will now operate locally.",
                old.kind
            );
            check_workspace(ctx, &LocalBackend::default_in(&ctx.dir)).map_err(done)
        }
        (Some(t), old) => {
            let record = SavedBackend {
                kind: t.kind.clone(),
                config: t.settings.clone(),
                hash: t.hash,
            };
            let old = old.filter(|_| !args.reconfigure);
            if let Some(old) = &old {
                if old.kind == t.kind && (old.hash == t.hash && !t.overridden || old.config == t.settings) {
                    // Unchanged: only the hash may need catching up with the block.
                    let kept = workdir::build(ctx, &old.kind, &old.config).map_err(done)?;
                    if old.hash != t.hash {
                        let record = SavedBackend {
                            hash: t.hash,
                            ..old.clone()
                        };
                        saved::write(&ctx.dir, Some(record)).map_err(|e| done(save_error(e)))?;
                    }
                    return check_workspace(ctx, &*kept).map_err(done);
                }
            }
            let to = workdir::build(ctx, &t.kind, &t.settings).map_err(done)?;
            if !args.reconfigure {
                let from: Box<dyn Backend> = match &old {
                    Some(old) => workdir::build(ctx, &old.kind, &old.config).map_err(done)?,
                    None => Box::new(LocalBackend::default_in(&ctx.dir)),
                };
                let pending = has_state_to_copy(&*from, &*to).map_err(done)?;
                if old.is_some() || pending {
                    if !args.migrate_state && !args.force_copy {
                        return Err(done(if old.is_some() {
                            migrate_or_reconfigure()
                        } else {
                            local_state_found(&t.kind)
                        }));
                    }
                    migrate(args, &*from, &*to).map_err(done)?;
                }
            }
            saved::write(&ctx.dir, Some(record)).map_err(|e| done(save_error(e)))?;
            outln!(
                "\nSuccessfully configured the backend {:?}! aksplan will automatically\n\
                 use this backend unless the backend configuration changes.",
                t.kind
            );
            check_workspace(ctx, &*to).map_err(done)
        }
    }
}

fn save_error(e: String) -> Diagnostic {
    Diagnostic::error("Cannot save the backend configuration").with_detail(e)
}

/// Terraform's refusal to change backends without being told what to do with state.
fn migrate_or_reconfigure() -> Diagnostic {
    Diagnostic::error("Backend configuration changed").with_detail(
        "A change in the backend configuration has been detected, which may require migrating existing state.\n\n\
         If you wish to attempt automatic migration of the state, use \"aksplan init -migrate-state\".\n\
         If you wish to store the current configuration with no changes to the state, use \"aksplan init -reconfigure\".",
    )
}

/// Where terraform would ask whether to copy the local state to a new backend.
fn local_state_found(kind: &str) -> Diagnostic {
    Diagnostic::error("Existing state found").with_detail(format!(
        "There is state in the local backend (aksplan.tfstate, terraform.tfstate.d) and the newly configured {kind:?} \
         backend does not have it yet.\n\n\
         If you wish to copy it to the new backend, use \"aksplan init -migrate-state\".\n\
         If you wish to use the new backend without it, use \"aksplan init -reconfigure\"."
    ))
}

/// Whether `from` has a workspace with state that `to` keeps elsewhere.
fn has_state_to_copy(from: &dyn Backend, to: &dyn Backend) -> Result<bool, Diagnostic> {
    let read = |e: String| Diagnostic::error("Cannot read the previous backend's state").with_detail(e);
    for ws in from.workspaces().map_err(read)? {
        let src = from.state(&ws);
        if src.location() == to.state(&ws).location() {
            continue;
        }
        let s = src.load().map_err(read)?;
        if !s.is_empty() || ws != DEFAULT_WORKSPACE {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Copies every workspace of `from` into `to`, each under both backends'
/// locks (unless `-lock=false`). A workspace whose state in `to` is another
/// state (another lineage, not empty) is overwritten only with `-force-copy`.
fn migrate(args: &InitArgs, from: &dyn Backend, to: &dyn Backend) -> Result<(), Diagnostic> {
    let read = |e: String| Diagnostic::error("Cannot read the previous backend's state").with_detail(e);
    let write = |e: String| Diagnostic::error("Cannot write the state to the new backend").with_detail(e);
    let lock = |s: &dyn crate::state::backend::StateStorage| {
        args.lock
            .lock
            .then(|| s.lock("migration", args.lock.lock_timeout))
            .transpose()
            .map_err(super::session::lock_error)
    };
    for ws in from.workspaces().map_err(read)? {
        let (src, dst) = (from.state(&ws), to.state(&ws));
        if src.location() == dst.location() {
            continue;
        }
        let _src_lock = lock(&*src)?;
        let state = src.load().map_err(read)?;
        if state.is_empty() && state.serial == 0 {
            to.create_workspace(&ws).map_err(write)?;
            continue;
        }
        let _dst_lock = lock(&*dst)?;
        let existing = dst.load().map_err(write)?;
        if !existing.is_empty() && existing.lineage != state.lineage && !args.force_copy {
            return Err(Diagnostic::error("Another state is in the new backend")
                .with_detail(format!(
                    "The {ws:?} workspace already has a state in the new backend ({}), with other resources than \
                     the one being copied: copying would overwrite it.",
                    dst.location()
                ))
                .with_help("check which one is right; use -force-copy to overwrite it with the copy"));
        }
        let mut copy = state.clone();
        copy.serial = copy.serial.max(existing.serial);
        dst.write(&mut copy).map_err(write)?;
        let n = state.resources.len();
        outln!(
            "Copied the state of workspace {ws:?} ({n} resource{}) from {} to {}.",
            if n == 1 { "" } else { "s" },
            src.location(),
            dst.location()
        );
    }
    Ok(())
}

/// The selected workspace must exist in the backend: when the backend has
/// only `default`, it is selected; otherwise it is an error, as Terraform
/// says it when it cannot ask.
fn check_workspace(ctx: &Context, backend: &dyn Backend) -> Result<(), Diagnostic> {
    let ws = workdir::workspace(ctx)?;
    let all = backend
        .workspaces()
        .map_err(|e| Diagnostic::error("Failed to get existing workspaces").with_detail(e))?;
    if all.contains(&ws.name) {
        return Ok(());
    }
    if all.len() == 1 && !ws.overridden {
        return workdir::select_workspace(ctx, &all[0])
            .map_err(|e| Diagnostic::error("Cannot select the workspace").with_detail(e));
    }
    Err(
        Diagnostic::error(format!("Currently selected workspace {:?} does not exist", ws.name))
            .with_help("select one that does: aksplan workspace list, then aksplan workspace select NAME"),
    )
}
