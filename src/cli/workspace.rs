//! `aksplan workspace list|new|select|show|delete`: several states of one
//! configuration, in the same backend, as Terraform 1.11 manages them (its
//! flags, messages and exit codes, with "aksplan" for "terraform"). The
//! selected workspace is remembered in `.terraform/environment`;
//! `TF_WORKSPACE` overrides it, and `select` refuses to change it then.
//! `delete` refuses a workspace that still tracks resources unless
//! `--force`, and never deletes the selected one.

use super::args::{LockArgs, WorkspaceCommand};
use super::session::lock_error;
use super::workdir::{self, Workspace};
use super::{exit, fail, Context};
use crate::diag::Diagnostic;
use crate::state::backend::{valid_workspace_name, Backend};
use crate::state::State;
use std::path::Path;

pub fn run(ctx: &Context, cmd: &WorkspaceCommand) -> i32 {
    match cmd {
        WorkspaceCommand::Show => match workdir::workspace(ctx) {
            Ok(w) => {
                outln!("{}", w.name);
                exit::OK
            }
            Err(d) => fail(ctx, d),
        },
        WorkspaceCommand::List => list(ctx),
        WorkspaceCommand::New { name, state, lock } => new(ctx, name, state.as_deref(), lock),
        WorkspaceCommand::Select { name, or_create } => select(ctx, name, *or_create),
        WorkspaceCommand::Delete { name, force, lock } => delete(ctx, name, *force, lock),
    }
}

/// Terraform's plain error lines, on stderr, and exit 1.
fn error(text: &str) -> i32 {
    eprintln!("{text}");
    exit::ERROR
}

/// `select` prints it after a blank line, `delete` without (as Terraform does).
fn does_not_exist(name: &str, blank_first: bool) -> i32 {
    error(&format!(
        "{}Workspace {name:?} doesn't exist.\n\n\
         You can create this workspace with the \"new\" subcommand \n\
         or include the \"-or-create\" flag with the \"select\" subcommand.",
        if blank_first { "\n" } else { "" }
    ))
}

fn invalid_name(name: &str) -> i32 {
    error(&format!(
        "\nThe workspace name {name:?} is not allowed. The name must contain only URL safe\n\
         characters, and no path separators.\n"
    ))
}

fn created(name: &str) {
    outln!(
        "Created and switched to workspace {name:?}!\n\n\
         You're now on a new, empty workspace. Workspaces isolate their state,\n\
         so if you run \"aksplan plan\" aksplan will not see any existing state\n\
         for this configuration."
    );
}

fn selected(ctx: &Context) -> Result<Workspace, i32> {
    workdir::workspace(ctx).map_err(|d| fail(ctx, d))
}

fn workspaces(ctx: &Context, backend: &dyn Backend) -> Result<Vec<String>, i32> {
    backend.workspaces().map_err(|e| {
        fail(
            ctx,
            Diagnostic::error("Failed to get configured named states").with_detail(e),
        )
    })
}

fn list(ctx: &Context) -> i32 {
    let Ok(current) = selected(ctx) else {
        return exit::ERROR;
    };
    let backend = match workdir::open_backend(ctx, None) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let Ok(all) = workspaces(ctx, &*backend) else {
        return exit::ERROR;
    };
    let mut out = String::new();
    for w in &all {
        out.push_str(if *w == current.name { "* " } else { "  " });
        out.push_str(w);
        out.push('\n');
    }
    outln!("{out}");
    if current.overridden {
        outln!("\n\nThe active workspace is being overridden using the TF_WORKSPACE environment\nvariable.\n");
    }
    exit::OK
}

fn new(ctx: &Context, name: &str, from: Option<&Path>, lock: &LockArgs) -> i32 {
    if !valid_workspace_name(name) {
        return invalid_name(name);
    }
    let Ok(current) = selected(ctx) else {
        return exit::ERROR;
    };
    if current.overridden && current.name != name {
        return error(
            "\nThe workspace is currently overridden using the TF_WORKSPACE environment\n\
             variable. You cannot create a new workspace when using this setting.\n\n\
             To create a new workspace, either unset this environment variable or update it\n\
             to match the workspace name you are trying to create, and then run this command\n\
             again.\n",
        );
    }
    let backend = match workdir::open_backend(ctx, None) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let Ok(all) = workspaces(ctx, &*backend) else {
        return exit::ERROR;
    };
    if all.iter().any(|w| w == name) {
        return error(&format!("Workspace {name:?} already exists"));
    }
    if let Err(e) = backend.create_workspace(name) {
        return fail(ctx, Diagnostic::error("Cannot create the workspace").with_detail(e));
    }
    if let Err(e) = workdir::select_workspace(ctx, name) {
        return error(&format!("Error selecting new workspace: {e}"));
    }
    created(name);
    let Some(path) = from else {
        return exit::OK;
    };
    // -state=PATH: that state, in the new workspace.
    let mut state = match read_state_file(path) {
        Ok(s) => s,
        Err(e) => return error(&e),
    };
    let store = backend.state(name);
    let _held = match lock
        .lock
        .then(|| store.lock("workspace-new", lock.lock_timeout))
        .transpose()
    {
        Ok(l) => l,
        Err(e) => return fail(ctx, lock_error(e)),
    };
    match store.write(&mut state) {
        Ok(()) => exit::OK,
        Err(e) => fail(ctx, Diagnostic::error("Cannot write the state").with_detail(e)),
    }
}

fn read_state_file(path: &Path) -> Result<State, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("open {}: {e}", path.display()))?;
    crate::state::store::parse(&bytes, &path.display().to_string())
}

fn select(ctx: &Context, name: &str, or_create: bool) -> i32 {
    let Ok(current) = selected(ctx) else {
        return exit::ERROR;
    };
    if current.overridden {
        return error(
            "\nThe selected workspace is currently overridden using the TF_WORKSPACE\n\
             environment variable.\n\n\
             To select a new workspace, either update this environment variable or unset\n\
             it and then run this command again.\n",
        );
    }
    let backend = match workdir::open_backend(ctx, None) {
        Ok(b) => b,
        Err(code) => return code,
    };
    if !valid_workspace_name(name) {
        return invalid_name(name);
    }
    let Ok(all) = workspaces(ctx, &*backend) else {
        return exit::ERROR;
    };
    if name == current.name {
        // Already there.
        return exit::OK;
    }
    let exists = all.iter().any(|w| w == name);
    if !exists {
        if !or_create {
            return does_not_exist(name, true);
        }
        if let Err(e) = backend.create_workspace(name) {
            return fail(ctx, Diagnostic::error("Cannot create the workspace").with_detail(e));
        }
    }
    if let Err(e) = workdir::select_workspace(ctx, name) {
        return error(&e);
    }
    if exists {
        outln!("Switched to workspace {name:?}.");
    } else {
        created(name);
    }
    exit::OK
}

fn delete(ctx: &Context, name: &str, force: bool, lock: &LockArgs) -> i32 {
    let backend = match workdir::open_backend(ctx, None) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let Ok(all) = workspaces(ctx, &*backend) else {
        return exit::ERROR;
    };
    if !all.iter().any(|w| w == name) {
        return does_not_exist(name, false);
    }
    let Ok(current) = selected(ctx) else {
        return exit::ERROR;
    };
    if current.name == name {
        return error(&format!(
            "Workspace {name:?} is your active workspace.\n\n\
             You cannot delete the currently active workspace. Please switch\n\
             to another workspace and try again."
        ));
    }
    let store = backend.state(name);
    let held = match lock
        .lock
        .then(|| store.lock("workspace-delete", lock.lock_timeout))
        .transpose()
    {
        Ok(l) => l,
        Err(e) => return fail(ctx, lock_error(e)),
    };
    let state = match store.load() {
        Ok(s) => s,
        Err(e) => return fail(ctx, Diagnostic::error("Cannot load the state").with_detail(e)),
    };
    let tracked = managed_objects(&state);
    if !tracked.is_empty() && !force {
        return fail(
            ctx,
            Diagnostic::error("Workspace is not empty").with_detail(format!(
                "Workspace {name:?} is currently tracking the following resource instances:{}\n\n\
                 Deleting this workspace would cause aksplan to lose track of any associated remote objects, which \
                 would then require you to delete them manually outside of aksplan. You should destroy these objects \
                 with aksplan before deleting the workspace.\n\n\
                 If you want to delete this workspace anyway, and have aksplan forget about these managed objects, \
                 use the -force option to disable this safety check.",
                tracked.iter().map(|t| format!("\n  - {t}")).collect::<String>()
            )),
        );
    }
    // Released before deleting, as Terraform does: a held lock can keep the
    // state from being removed.
    drop(held);
    if let Err(e) = backend.delete_workspace(name) {
        return error(&e);
    }
    outln!("Deleted workspace {name:?}!");
    if !tracked.is_empty() {
        outln!(
            "WARNING: {name:?} was non-empty.\n\
             The resources managed by the deleted workspace may still exist,\n\
             but are no longer manageable by aksplan since the state has\n\
             been deleted.\n"
        );
    }
    exit::OK
}

/// The managed resource objects a state tracks, as Terraform lists them.
fn managed_objects(state: &State) -> Vec<String> {
    use crate::addrs::Mode;
    let mut out: Vec<String> = state
        .resources
        .keys()
        .filter(|i| i.resource.mode == Mode::Managed)
        .map(|i| i.to_string())
        .collect();
    out.extend(
        state
            .deposed
            .keys()
            .filter(|(i, _)| i.resource.mode == Mode::Managed)
            .map(|(i, k)| format!("{i} (deposed object {k})")),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::{InstanceKey, Resource};
    use crate::lang::Value;
    use crate::state::ResourceState;

    #[test]
    fn only_managed_objects_make_a_workspace_non_empty() {
        let r = |t: &str| ResourceState {
            type_name: t.into(),
            value: Value::Object(Default::default()),
            dependencies: vec![],
            tainted: false,
        };
        let mut s = State::new();
        s.resources.insert(
            Resource::data("azurerm_client_config", "c").instance(InstanceKey::None),
            r("azurerm_client_config"),
        );
        assert!(managed_objects(&s).is_empty());
        let rg = Resource::managed("azurerm_resource_group", "rg").instance(InstanceKey::None);
        s.resources.insert(rg.clone(), r("azurerm_resource_group"));
        s.depose(&rg);
        s.resources.insert(rg, r("azurerm_resource_group"));
        let listed = managed_objects(&s);
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0], "azurerm_resource_group.rg");
        assert!(listed[1].starts_with("azurerm_resource_group.rg (deposed object "));
    }
}
