//! `aksplan apply [PLANFILE]` and `aksplan destroy`.
//!
//! Without a plan file: plan, show it, ask for `yes` on a terminal (refuse
//! without one unless --auto-approve), apply. With a plan file: apply exactly
//! what it holds, after checking that the state has not changed since.

use super::args::{ApplyArgs, CloudArgs, DestroyArgs, PlanOptionArgs};
use super::session::{begin, checked_options, Session};
use super::{exit, fail, load_config, report, Context};
use crate::apply::{self, Outcome};
use crate::config::Config;
use crate::core::Evaluated;
use crate::diag::Diagnostic;
use crate::plan::{file, render, Plan};
use crate::provider::arm::ArmClient;
use crate::state::{file as statefile, State};
use std::io::{BufRead, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub fn run_apply(ctx: &Context, args: &ApplyArgs, cloud: &CloudArgs) -> i32 {
    match &args.plan_file {
        Some(path) => apply_saved(ctx, path, &args.options, cloud),
        // Terraform's `apply -destroy`; a saved plan says what it does, so there it is ignored, as in terraform.
        None => plan_and_apply(ctx, &args.options, args.destroy, args.auto_approve, cloud),
    }
}

pub fn run_destroy(ctx: &Context, args: &DestroyArgs, cloud: &CloudArgs) -> i32 {
    plan_and_apply(ctx, &args.options, true, args.auto_approve, cloud)
}

fn plan_and_apply(
    ctx: &Context,
    options: &PlanOptionArgs,
    destroy: bool,
    auto_approve: bool,
    cloud: &CloudArgs,
) -> i32 {
    let (config, vars, mut diags) = load_config(ctx, &options.vars, crate::config::vars::Missing::Error);
    if !destroy {
        diags.extend(super::no_configuration(&config, "Apply"));
    }
    let failed = report(ctx, &diags, &config.sources);
    let Some(vars) = vars.filter(|_| !failed) else {
        return exit::ERROR;
    };
    let opts = match checked_options(ctx, options, destroy, &config) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let operation = if destroy { "destroy" } else { "apply" };
    let (session, _lock, state) = match begin(ctx, cloud, operation, &options.lock) {
        Ok(b) => b,
        Err(code) => return code,
    };
    outln!("{}\n", session.banner());
    let (plan, evaluated, diags) = session.plan(&config, vars, state, &opts, options.parallelism, !options.skip_rules);
    if report(ctx, &diags, &config.sources) {
        return exit::ERROR;
    }
    out!("{}", render::plan(&plan, ctx.style()));
    if plan.has_changes() && !auto_approve {
        if let Some(code) = confirm(ctx, destroy) {
            return code;
        }
    }
    // Apply starts from the refreshed state: what is in the cloud now. With
    // nothing to change, refreshed data and outputs are still recorded.
    let start = plan.prior_state.clone();
    execute(ctx, &session, &config, &evaluated, &plan, start, options.parallelism)
}

/// Asks for `yes`; `Some(exit code)` when the answer is anything else.
fn confirm(ctx: &Context, destroy: bool) -> Option<i32> {
    if !std::io::stdin().is_terminal() {
        return Some(fail(
            ctx,
            Diagnostic::error("No terminal to confirm on")
                .with_detail("apply asks for confirmation, and there is no terminal to ask on")
                .with_help("review the plan above, then run again with --auto-approve, or apply a saved plan"),
        ));
    }
    let what = if destroy {
        "destroy all these resources"
    } else {
        "perform these actions"
    };
    out!("\nDo you want to {what}? Only 'yes' will be accepted.\n  Enter a value: ");
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    if answer.trim() != "yes" {
        outln!("\nApply cancelled.");
        return Some(exit::ERROR);
    }
    None
}

fn apply_saved(ctx: &Context, path: &std::path::Path, options: &PlanOptionArgs, cloud: &CloudArgs) -> i32 {
    // A saved plan was made with its values: others would not be what it
    // shows, so they are refused, as Terraform refuses them.
    if !options.vars.vars.is_empty() || !options.vars.var_files.is_empty() {
        return fail(
            ctx,
            Diagnostic::error("Can't set variables when applying a saved plan")
                .with_detail("The plan file records the variable values it was made with; --var and --var-file cannot change them.")
                .with_help("plan again with the new values, then apply that plan"),
        );
    }
    let saved = match file::read(path) {
        Ok(f) => f,
        Err(e) => return fail(ctx, Diagnostic::error("Cannot read the saved plan").with_detail(e)),
    };
    let saved_changes = match file::decode_changes(&saved) {
        Ok(c) => c,
        Err(e) => return fail(ctx, Diagnostic::error("Cannot read the saved plan").with_detail(e)),
    };
    let (config, diags) = match file::snapshot(&saved) {
        Ok(snapshot) => crate::config::load::load_from(&ctx.dir, &snapshot, &ctx.schemas()),
        Err(e) => return fail(ctx, Diagnostic::error("Cannot read the saved plan").with_detail(e)),
    };
    if report(ctx, &diags, &config.sources) {
        return exit::ERROR;
    }
    let vars = saved
        .variables
        .iter()
        .map(|(k, v)| (k.clone(), file::decode_value(v)))
        .collect();
    // plantimestamp() gives what it gave when the plan was made.
    let planned_at = match file::timestamp(&saved) {
        Ok(t) => t,
        Err(e) => return fail(ctx, Diagnostic::error("Cannot read the saved plan").with_detail(e)),
    };
    let prior = match statefile::decode(saved.prior_state) {
        Ok(s) => s,
        Err(e) => return fail(ctx, Diagnostic::error("Cannot read the saved plan").with_detail(e)),
    };
    let args = PlanOptionArgs {
        targets: saved.targets.clone(),
        replace: saved.replace.clone(),
        refresh: false,
        ..options.clone()
    };
    let mut opts = match checked_options(ctx, &args, saved.destroy, &config) {
        Ok(o) => o,
        Err(code) => return code,
    };
    opts.timestamp = planned_at;
    let (session, _lock, state) = match begin(ctx, cloud, "apply", &options.lock) {
        Ok(b) => b,
        Err(code) => return code,
    };
    if state.lineage != saved.state_lineage || state.serial != saved.state_serial {
        return fail(
            ctx,
            Diagnostic::error("Saved plan is stale")
                .with_detail(format!(
                    "the state changed since the plan was made (serial {} then, {} now)",
                    saved.state_serial, state.serial
                ))
                .with_help("make a new plan and apply that"),
        );
    }
    let target = session.cloud.describe();
    if saved.cloud != target {
        return fail(
            ctx,
            Diagnostic::error("Saved plan is for another cloud").with_detail(format!(
                "it was made against {}, and this run targets {target}",
                saved.cloud
            )),
        );
    }
    outln!("{}\n", session.banner());
    let start = prior_with_state(prior.clone(), &state);
    let (mut plan, evaluated, diags) =
        session.plan(&config, vars, prior, &opts, options.parallelism, !options.skip_rules);
    if report(ctx, &diags, &config.sources) {
        return exit::ERROR;
    }
    let now: Vec<_> = plan.changes.iter().map(|c| (&c.addr, c.action)).collect();
    let then: Vec<_> = saved_changes.iter().map(|c| (&c.addr, c.action)).collect();
    if now != then {
        return fail(
            ctx,
            Diagnostic::error("Saved plan does not match")
                .with_detail("planning the saved configuration again gives other actions than the saved plan")
                .with_help("make a new plan and apply that"),
        );
    }
    plan.state_serial = state.serial;
    execute(ctx, &session, &config, &evaluated, &plan, start, options.parallelism)
}

/// The saved refreshed state, under the current file's lineage and serial.
fn prior_with_state(mut prior: State, state: &State) -> State {
    prior.lineage = state.lineage.clone();
    prior.serial = state.serial;
    prior
}

fn execute(
    ctx: &Context,
    session: &Session,
    config: &Config,
    evaluated: &Evaluated,
    plan: &Plan,
    state: State,
    parallelism: usize,
) -> i32 {
    let mut journal = match session.store.journal(&state) {
        Ok(j) => j,
        Err(e) => {
            return fail(
                ctx,
                Diagnostic::error("Cannot write the state journal").with_detail(e.to_string()),
            )
        }
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    session.runtime.spawn(async move {
        if !super::signals::stop_requested().await {
            return;
        }
        eprintln!("\nInterrupt received: no new operation starts; waiting for running ones to finish...");
        flag.store(true, Ordering::SeqCst);
        while super::signals::stop_requested().await {
            eprintln!(
                "\nAlready stopping: waiting for the running operations, whose results must reach state. \
                 Kill the process (SIGKILL) only if you accept importing what they create."
            );
        }
    });
    if plan.has_changes() {
        outln!();
    }
    let mut result = session.log.phase("apply", || {
        session.runtime.block_on(apply::apply(
            config,
            &evaluated.objects,
            plan,
            &session.providers,
            state,
            &mut journal,
            apply::Options {
                parallelism,
                cancel: &cancel,
                now: std::time::SystemTime::now(),
            },
        ))
    });
    drop(journal);
    let mut state = std::mem::take(&mut result.state);
    state.cloud = Some(session.cloud.identity());
    if let Err(e) = session.store.write(&mut state) {
        // The journal still holds every result: the next run replays it.
        return fail(
            ctx,
            Diagnostic::error("Cannot write the state").with_detail(format!(
                "{e}; the results are kept in {}",
                session.store.journal_path().display()
            )),
        );
    }
    for addr in &result.order {
        let line = match &result.outcomes[addr] {
            Outcome::Created => "created",
            Outcome::Imported => "imported",
            Outcome::Updated => "updated",
            Outcome::Replaced => "replaced",
            Outcome::Deleted => "destroyed",
            Outcome::Read => "read",
            Outcome::Failed => "FAILED",
            Outcome::Skipped(_) => continue,
        };
        outln!("{addr}: {line}");
    }
    let failed = report(ctx, &result.diags, &config.sources);
    let skipped: Vec<_> = result
        .outcomes
        .iter()
        .filter_map(|(a, o)| match o {
            Outcome::Skipped(why) => Some((a, why)),
            _ => None,
        })
        .collect();
    for (a, why) in &skipped {
        eprintln!("{a}: {why}");
    }
    let added = result.count(|o| matches!(o, Outcome::Created | Outcome::Replaced));
    let changed = result.count(|o| matches!(o, Outcome::Updated));
    let destroyed = result.count(|o| matches!(o, Outcome::Deleted | Outcome::Replaced));
    let n_failed = result.count(|o| matches!(o, Outcome::Failed));
    if failed || n_failed > 0 || result.interrupted {
        outln!(
            "\nApply incomplete: {added} added, {changed} changed, {destroyed} destroyed; {n_failed} failed, {} not attempted. State is saved: plan again to see what is left.",
            skipped.len()
        );
        return exit::ERROR;
    }
    let verb = if plan.destroy { "Destroy" } else { "Apply" };
    let imported = plan.changes.iter().filter(|c| c.importing.is_some()).count();
    let imported = if imported > 0 {
        format!("{imported} imported, ")
    } else {
        String::new()
    };
    outln!("\n{verb} complete! Resources: {imported}{added} added, {changed} changed, {destroyed} destroyed.");
    if !state.outputs.is_empty() && !plan.destroy {
        outln!("\nOutputs:\n");
        for (name, o) in &state.outputs {
            outln!("{name} = {}", render::inline(&o.value));
        }
    }
    exit::OK
}
