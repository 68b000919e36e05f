//! Reading and editing state: `output`, `show`, `state list|show|rm|mv`,
//! `force-unlock`. Sensitive values are never printed, except one output
//! asked for by name with --raw or --json. Deposed objects (see
//! [`crate::state::deposed`]) are shown as Terraform shows them: `show`
//! prints each as `# addr: (deposed object KEY)`, `state list` lists their
//! instance once, `state show` shows only current objects, and `state rm`
//! and `state mv` take an instance whole, deposed objects with it.
//! `state pull` and `state push` are in [`super::state_transfer`].

use super::args::{ForceUnlockArgs, LockArgs, OutputArgs, ShowArgs, StateCommand};
use super::session::lock_error;
use super::{exit, fail, Context};
use crate::addrs::{Instance, InstanceKey, ModuleInstance, Target};
use crate::diag::Diagnostic;
use crate::plan::{file, render};
use crate::state::store::StateStore;
use crate::state::{file as statefile, lock, State};

fn load(ctx: &Context) -> Result<State, i32> {
    super::session::load_state(ctx, &StateStore::in_dir(&ctx.dir))
}

/// Values in JSON with every sensitive value replaced by null.
fn masked_json(v: &crate::lang::Value) -> serde_json::Value {
    use crate::lang::Value;
    match v {
        Value::Sensitive(_) => serde_json::Value::Null,
        v => match (v.as_seq(), v.as_map()) {
            (Some(items), _) => serde_json::Value::Array(items.iter().map(masked_json).collect()),
            (_, Some(m)) => serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), masked_json(v))).collect()),
            _ => v.to_json(),
        },
    }
}

pub fn output(ctx: &Context, args: &OutputArgs) -> i32 {
    let state = match load(ctx) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match &args.name {
        Some(name) => {
            let Some(o) = state.outputs.get(name) else {
                return fail(
                    ctx,
                    Diagnostic::error("Output not found")
                        .with_detail(format!("the state has no output named {name:?}")),
                );
            };
            // Asked for by name in a machine format: the value itself.
            let (value, _) = o.value.clone().unmark_deep();
            if args.json {
                outln!("{}", serde_json::to_string_pretty(&value.to_json()).unwrap_or_default());
            } else if args.raw {
                match value.to_template_string() {
                    Some(s) => out!("{s}"),
                    None => {
                        return fail(
                            ctx,
                            Diagnostic::error("Not a primitive value")
                                .with_detail("--raw prints strings, numbers and bools; use --json"),
                        )
                    }
                }
            } else {
                outln!("{}", render::inline(&o.value));
            }
        }
        None if args.json => {
            let all: serde_json::Map<String, serde_json::Value> = state
                .outputs
                .iter()
                .map(|(k, o)| {
                    (
                        k.clone(),
                        serde_json::json!({
                            "sensitive": o.sensitive,
                            "type": o.value.ty().to_json(),
                            "value": masked_json(&o.value),
                        }),
                    )
                })
                .collect();
            outln!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
        }
        None => {
            for (name, o) in &state.outputs {
                outln!("{name} = {}", render::inline(&o.value));
            }
        }
    }
    exit::OK
}

pub fn show(ctx: &Context, args: &ShowArgs) -> i32 {
    if let Some(path) = &args.plan_file {
        let saved = match file::read(path) {
            Ok(f) => f,
            Err(e) => return fail(ctx, Diagnostic::error("Cannot read the saved plan").with_detail(e)),
        };
        let changes = match file::decode_changes(&saved) {
            Ok(c) => c,
            Err(e) => return fail(ctx, Diagnostic::error("Cannot read the saved plan").with_detail(e)),
        };
        let plan = crate::plan::Plan {
            cloud: saved.cloud.clone(),
            changes,
            destroy: saved.destroy,
            timestamp: file::timestamp(&saved).ok().flatten(),
            outputs: file::decode_outputs(&saved),
            ..Default::default()
        };
        if args.json {
            // Terraform's JSON plan representation, as `plan --format json` prints it.
            let (config, diags) = match file::snapshot(&saved) {
                Ok(snapshot) => crate::config::load::load_from(&ctx.dir, &snapshot, &ctx.schemas()),
                Err(e) => return fail(ctx, Diagnostic::error("Cannot read the saved plan").with_detail(e)),
            };
            let prior_state = match statefile::decode(saved.prior_state) {
                Ok(s) => s,
                Err(e) => return fail(ctx, Diagnostic::error("Cannot read the saved plan").with_detail(e)),
            };
            let plan = crate::plan::Plan { prior_state, ..plan };
            let doc = super::views::plan_json::plan_json(&plan, &config, &diags, &config.sources);
            outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
            return exit::OK;
        }
        outln!("Saved plan against {}\n", saved.cloud);
        out!("{}", render::plan(&plan, ctx.style()));
        return exit::OK;
    }
    let state = match load(ctx) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if args.json {
        let mut f = statefile::encode(&state);
        for r in &mut f.resources {
            let decoded = statefile::decode_resource(r.clone()).map(|(_, s)| s.value);
            if let Ok(v) = decoded {
                r.attributes = crate::lang::Value::from_json(&masked_json(&v));
            }
        }
        for o in f.outputs.values_mut() {
            if o.sensitive {
                o.value = serde_json::Value::Null;
            }
        }
        outln!("{}", serde_json::to_string_pretty(&f).unwrap_or_default());
        return exit::OK;
    }
    if state.is_empty() {
        outln!("The state is empty. Nothing is managed yet.");
        return exit::OK;
    }
    let mut objects: Vec<_> = state.resources.iter().map(|(a, r)| (a, None, r)).collect();
    objects.extend(state.deposed.iter().map(|((a, k), r)| (a, Some(k), r)));
    objects.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)));
    for (addr, key, r) in objects {
        outln!(
            "{}",
            render::resource_state(&ctx.catalog, addr, key, &r.type_name, &r.value)
        );
    }
    if !state.outputs.is_empty() {
        outln!("Outputs:\n");
        for (name, o) in &state.outputs {
            outln!("{name} = {}", render::inline(&o.value));
        }
    }
    exit::OK
}

fn parse(ctx: &Context, a: &str) -> Result<Instance, i32> {
    a.parse::<Instance>()
        .map_err(|e| fail(ctx, Diagnostic::error("Invalid address").with_detail(e.to_string())))
}

/// Runs `edit` on the state under the lock (unless `--lock=false`) and writes it.
fn edit(ctx: &Context, lock: &LockArgs, what: &str, edit: impl FnOnce(&mut State) -> Result<(), Diagnostic>) -> i32 {
    let _lock = match lock
        .lock
        .then(|| lock::acquire(&ctx.dir, what, lock.lock_timeout))
        .transpose()
    {
        Ok(l) => l,
        Err(e) => return fail(ctx, lock_error(e)),
    };
    let store = StateStore::in_dir(&ctx.dir);
    let mut state = match super::session::load_state(ctx, &store) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if let Err(d) = edit(&mut state) {
        return fail(ctx, d);
    }
    match store.write(&mut state) {
        Ok(()) => exit::OK,
        Err(e) => fail(
            ctx,
            Diagnostic::error("Cannot write the state").with_detail(e.to_string()),
        ),
    }
}

pub fn run(ctx: &Context, cmd: &StateCommand) -> i32 {
    match cmd {
        StateCommand::Pull { format } => super::state_transfer::pull(ctx, *format),
        StateCommand::Push { file, force, lock } => super::state_transfer::push(ctx, file, *force, lock),
        StateCommand::List => {
            let state = match load(ctx) {
                Ok(s) => s,
                Err(code) => return code,
            };
            // Each instance once, whether it has a current object, deposed ones, or both.
            let instances: std::collections::BTreeSet<&Instance> = state
                .resources
                .keys()
                .chain(state.deposed.keys().map(|(i, _)| i))
                .collect();
            for addr in instances {
                outln!("{addr}");
            }
            exit::OK
        }
        StateCommand::Show { address } => {
            let addr = match parse(ctx, address) {
                Ok(a) => a,
                Err(code) => return code,
            };
            let state = match load(ctx) {
                Ok(s) => s,
                Err(code) => return code,
            };
            match state.resources.get(&addr) {
                Some(r) => {
                    out!(
                        "{}",
                        render::resource_state(&ctx.catalog, &addr, None, &r.type_name, &r.value)
                    );
                    exit::OK
                }
                None if state.has_instance(&addr) => fail(
                    ctx,
                    Diagnostic::error("No current object").with_detail(format!(
                        "{addr} has only deposed objects, left over from a partially-failed replacement; \
                         `aksplan show` shows them, and the next plan destroys them"
                    )),
                ),
                None => fail(
                    ctx,
                    Diagnostic::error("No such resource instance").with_detail(format!("{addr} is not in the state")),
                ),
            }
        }
        StateCommand::Rm { addresses, lock } => {
            let mut addrs = Vec::new();
            for a in addresses {
                match parse(ctx, a) {
                    Ok(x) => addrs.push(x),
                    Err(code) => return code,
                }
            }
            edit(ctx, lock, "state rm", |state| {
                for a in &addrs {
                    // The instance goes whole: its deposed objects with it.
                    if let (None, deposed) = state.take_instance(a) {
                        if deposed.is_empty() {
                            return Err(Diagnostic::error("No such resource instance")
                                .with_detail(format!("{a} is not in the state")));
                        }
                    }
                    outln!("Removed {a} from the state; it still exists in the cloud.");
                }
                Ok(())
            })
        }
        StateCommand::Mv {
            source,
            destination,
            lock,
        } => {
            let parse_target = |a: &str| {
                a.parse::<Target>()
                    .map_err(|e| fail(ctx, Diagnostic::error("Invalid address").with_detail(e.to_string())))
            };
            let (src, dst) = match (parse_target(source), parse_target(destination)) {
                (Ok(s), Ok(d)) => (s, d),
                (Err(code), _) | (_, Err(code)) => return code,
            };
            edit(ctx, lock, "state mv", |state| {
                let moves = moves(state, &src, &dst)?;
                for (_, to) in &moves {
                    if state.has_instance(to) && !moves.iter().any(|(f, _)| f == to) {
                        return Err(Diagnostic::error("Destination exists")
                            .with_detail(format!("{to} is already in the state")));
                    }
                }
                // Instances move whole: their deposed objects with them.
                let taken: Vec<_> = moves
                    .iter()
                    .map(|(from, to)| (from, to, state.take_instance(from)))
                    .filter(|(_, _, t)| t.0.is_some() || !t.1.is_empty())
                    .collect();
                for (from, to, t) in taken {
                    outln!("Moved {from} to {to}.");
                    state.put_instance(to, t);
                }
                Ok(())
            })
        }
    }
}

/// What `state mv SRC DST` moves, as Terraform reads the two addresses: a
/// resource instance, every instance of a resource, or every resource of
/// a module instance, into or out of modules.
fn moves(state: &State, src: &Target, dst: &Target) -> Result<Vec<(Instance, Instance)>, Diagnostic> {
    let not_found = || Diagnostic::error("No such resource instance").with_detail(format!("{src} is not in the state"));
    let out: Vec<(Instance, Instance)> = match (&src.resource, &dst.resource) {
        // A whole module instance, to another module instance.
        (None, None) => state
            .resources
            .keys()
            .filter(|i| i.module.0.len() >= src.module.0.len() && i.module.0[..src.module.0.len()] == src.module.0[..])
            .map(|i| {
                let mut steps = dst.module.0.clone();
                steps.extend_from_slice(&i.module.0[src.module.0.len()..]);
                let to = Instance {
                    module: ModuleInstance(steps),
                    ..i.clone()
                };
                (i.clone(), to)
            })
            .collect(),
        (Some(sr), Some(dr)) => {
            if sr.type_name != dr.type_name || sr.mode != dr.mode {
                return Err(Diagnostic::error("Cannot move between resource types")
                    .with_detail(format!("{src} and {dst} are not of the same type")));
            }
            let keyed = state
                .resources
                .keys()
                .any(|i| i.module == src.module && &i.resource == sr && i.key != InstanceKey::None);
            if src.key.is_some() || dst.key.is_some() || !keyed {
                // One instance.
                let from = Instance {
                    module: src.module.clone(),
                    resource: sr.clone(),
                    key: src.key.clone().unwrap_or(InstanceKey::None),
                };
                let to = Instance {
                    module: dst.module.clone(),
                    resource: dr.clone(),
                    key: dst.key.clone().unwrap_or(InstanceKey::None),
                };
                if state.resources.contains_key(&from) {
                    vec![(from, to)]
                } else {
                    Vec::new()
                }
            } else {
                // Every instance of the resource, keeping their keys.
                state
                    .resources
                    .keys()
                    .filter(|i| i.module == src.module && &i.resource == sr)
                    .map(|i| {
                        let to = Instance {
                            module: dst.module.clone(),
                            resource: dr.clone(),
                            key: i.key.clone(),
                        };
                        (i.clone(), to)
                    })
                    .collect()
            }
        }
        _ => {
            return Err(Diagnostic::error("Invalid state move")
                .with_detail(format!("{src} and {dst} must both be modules or both be resources")))
        }
    };
    if out.is_empty() {
        return Err(not_found());
    }
    Ok(out)
}

pub fn force_unlock(ctx: &Context, args: &ForceUnlockArgs) -> i32 {
    match lock::force_unlock(&ctx.dir, args.lock_id.as_deref(), args.force) {
        Ok(lock::Unlocked::Removed(Some(info))) => {
            outln!("Removed the state lock ({info}).");
            exit::OK
        }
        Ok(lock::Unlocked::Removed(None)) => {
            outln!("Removed an unreadable state lock file.");
            exit::OK
        }
        Ok(lock::Unlocked::NotLocked) => {
            outln!("The state is not locked.");
            exit::OK
        }
        Err(e @ lock::UnlockError::Alive(_)) => fail(
            ctx,
            Diagnostic::error("Refusing to remove the lock of a running aksplan")
                .with_detail(e.to_string())
                .with_help("the run may still write state: wait for it to end, or, if you are sure it must not, run aksplan force-unlock --force"),
        ),
        Err(e @ lock::UnlockError::OtherId { .. }) => fail(
            ctx,
            Diagnostic::error("The state lock has another ID")
                .with_detail(format!("{e}: the run it named has ended and another has taken the lock since. Nothing was removed")),
        ),
        Err(e) => fail(
            ctx,
            Diagnostic::error("Cannot remove the state lock").with_detail(e.to_string()),
        ),
    }
}
