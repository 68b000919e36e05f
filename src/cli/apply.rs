//! `aksplan apply [PLANFILE]` and `aksplan destroy`.
//!
//! Without a plan file: plan, show it, ask for `yes` on a terminal (refuse
//! without one unless --auto-approve), apply. With a plan file: apply exactly
//! what it holds, after checking that the state has not changed since.
//! Each operation is shown as it starts and ends (see `progress`), as text
//! or, with `--json`, as Terraform's machine-readable UI. A first interrupt
//! stops new operations; a second one stops waiting for running ones.

use super::args::{ApplyArgs, CloudArgs, DestroyArgs, PlanOptionArgs};
use super::progress::{self, Printer, Ui};
use super::recovery::{self, GuardedJournal};
use super::session::{begin, checked_options, Session};
use super::views::ui_json;
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
    if args.options.json {
        outln!("{}", ui_json::version());
    }
    match &args.plan_file {
        Some(path) => apply_saved(ctx, path, &args.options, cloud),
        // Terraform's `apply -destroy`; a saved plan says what it does, so there it is ignored, as in terraform.
        None => plan_and_apply(ctx, &args.options, args.destroy, args.auto_approve, cloud),
    }
}

pub fn run_destroy(ctx: &Context, args: &DestroyArgs, cloud: &CloudArgs) -> i32 {
    if args.options.json {
        outln!("{}", ui_json::version());
    }
    plan_and_apply(ctx, &args.options, true, args.auto_approve, cloud)
}

fn plan_and_apply(
    ctx: &Context,
    options: &PlanOptionArgs,
    destroy: bool,
    auto_approve: bool,
    cloud: &CloudArgs,
) -> i32 {
    let ui = if options.json { Ui::Json } else { Ui::Text };
    if ui == Ui::Json && !auto_approve {
        return fail(
            ctx,
            Diagnostic::error("Plan file or auto-approve required").with_detail(
                "aksplan cannot ask for interactive approval when -json is set. You can either apply a saved plan file, or enable the -auto-approve option.",
            ),
        );
    }
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
    let (session, state) = match begin(ctx, &config, cloud, operation, &options.lock) {
        Ok(b) => b,
        Err(code) => return code,
    };
    if ui == Ui::Text {
        outln!("{}\n", session.banner());
    }
    let refresh_lines = progress::RefreshLines::new(ui);
    let (plan, evaluated, diags) = session.plan_telling(
        &config,
        vars,
        state,
        &opts,
        options.parallelism,
        !options.skip_rules,
        &refresh_lines,
    );
    refresh_lines.end();
    if report(ctx, &diags, &config.sources) {
        return exit::ERROR;
    }
    match ui {
        Ui::Text => out!("{}", render::plan(&plan, ctx.style())),
        Ui::Json => print_planned(&plan),
    }
    if plan.has_changes() && !auto_approve {
        if let Some(code) = confirm(ctx, destroy) {
            return code;
        }
    }
    // Apply starts from the refreshed state: what is in the cloud now. With
    // nothing to change, refreshed data and outputs are still recorded.
    let start = plan.prior_state.clone();
    execute(
        ctx,
        &session,
        &config,
        &evaluated,
        &plan,
        start,
        options.parallelism,
        ui,
    )
}

/// A plan as Terraform's JSON UI shows it: the drift, each change, the counts, the outputs.
pub(super) fn print_planned(plan: &Plan) {
    for line in ui_json::planned(plan) {
        outln!("{line}");
    }
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
    let (mut config, diags) = match file::snapshot(&saved) {
        Ok(snapshot) => crate::config::load::load_from(&ctx.dir, &snapshot, &ctx.schemas()),
        Err(e) => return fail(ctx, Diagnostic::error("Cannot read the saved plan").with_detail(e)),
    };
    if report(ctx, &diags, &config.sources) {
        return exit::ERROR;
    }
    if let Ok(w) = super::workdir::workspace(ctx) {
        config.workspace = w.name;
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
    let (session, state) = match begin(ctx, &config, cloud, "apply", &options.lock) {
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
    let ui = if options.json { Ui::Json } else { Ui::Text };
    if ui == Ui::Text {
        outln!("{}\n", session.banner());
    }
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
    execute(
        ctx,
        &session,
        &config,
        &evaluated,
        &plan,
        start,
        options.parallelism,
        ui,
    )
}

/// The saved refreshed state, under the current file's lineage and serial.
fn prior_with_state(mut prior: State, state: &State) -> State {
    prior.lineage = state.lineage.clone();
    prior.serial = state.serial;
    prior
}

#[allow(clippy::too_many_arguments)]
fn execute(
    ctx: &Context,
    session: &Session,
    config: &Config,
    evaluated: &Evaluated,
    plan: &Plan,
    state: State,
    parallelism: usize,
    ui: Ui,
) -> i32 {
    let lock = session.lock.as_deref();
    let journal = match session.store.journal(&state) {
        Ok(j) => j,
        Err(e) => return fail(ctx, Diagnostic::error("Cannot write the state journal").with_detail(e)),
    };
    let cancel = Arc::new(AtomicBool::new(false));
    if let Some(l) = lock {
        // A lock found lost stops the run as an interrupt does.
        l.on_lost(cancel.clone());
    }
    let mut journal = GuardedJournal::new(journal, cancel.clone());
    if plan.has_changes() && ui == Ui::Text {
        outln!();
    }
    let printer = Printer::new(ui, &ctx.env, ctx.color_out, plan);
    let teller = printer.teller();
    let abandon = Arc::new(tokio::sync::Notify::new());
    let (flag, stop) = (cancel.clone(), abandon.clone());
    session.runtime.spawn(async move {
        if !super::signals::stop_requested().await {
            return;
        }
        // What an interrupt does, never inside the live area.
        teller.say(
            "Interrupt received: no new operation starts; waiting for running ones to finish. \
             Interrupt again to stop waiting.",
        );
        flag.store(true, Ordering::SeqCst);
        if !super::signals::stop_requested().await {
            return;
        }
        teller.say(
            "Second interrupt: no longer waiting for the running operations. What they create is \
             recorded in state as tainted where its id is known.",
        );
        stop.notify_one();
        while super::signals::stop_requested().await {
            teller.say("Already stopping: saving the state.");
        }
    });
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
                progress: &printer,
                abandon: Some(&abandon),
            },
        ))
    });
    drop(printer);
    if let Some(d) = abandoned_warning(&result) {
        result.diags.push(d);
    }
    let journal_failed = journal.failed.take();
    drop(journal);
    let mut state = std::mem::take(&mut result.state);
    state.cloud = Some(session.cloud.identity());
    let unrecorded = match lock.and_then(|l| l.lost()) {
        // Another run may hold the lock by now: writing would overwrite its state.
        Some(why) => Some(Diagnostic::error("The state lock was lost").with_detail(format!(
            "{why}. Another run may hold the lock now, so this run did not write the state, and started no \
             operation after the loss was seen. What was recorded before it is in the backend's journal ({})",
            session.store.journal_location()
        ))),
        None => match session.store.write(&mut state) {
            Err(e) => Some(Diagnostic::error("Cannot write the state").with_detail(format!(
                "{e}; the results recorded so far are kept in {}",
                session.store.journal_location()
            ))),
            Ok(()) => None,
        },
    };
    if let Some(d) = unrecorded {
        report(ctx, &d.into(), &config.sources);
        // Everything this run knows, where nothing can overwrite it.
        match recovery::save_errored(&ctx.dir, &state) {
            Ok(path) => eprintln!(
                "\nEverything this run did is saved in {}. When no other run uses this state, make it the \
                 state with `aksplan state push {}`, after checking it against what the backend holds.",
                path.display(),
                recovery::ERRORED_STATE
            ),
            Err(e) => eprintln!("\nCannot save {}: {e}", recovery::ERRORED_STATE),
        }
        if ui == Ui::Text {
            print_outcomes(&result);
        }
        report(ctx, &result.diags, &config.sources);
        print_skipped(&result);
        return exit::ERROR;
    }
    if let Some(why) = journal_failed {
        // The state was written after all: nothing is lost, but say what happened.
        result.diags.push(
            Diagnostic::warning("The state journal could not be written").with_detail(format!(
                "{why}; the run stopped starting operations, and the state was written at its end"
            )),
        );
    }
    if ui == Ui::Text {
        print_outcomes(&result);
    }
    let failed = report(ctx, &result.diags, &config.sources);
    let skipped = print_skipped(&result);
    let added = result.count(|o| matches!(o, Outcome::Created | Outcome::Replaced));
    let changed = result.count(|o| matches!(o, Outcome::Updated));
    let destroyed = result.count(|o| matches!(o, Outcome::Deleted | Outcome::Replaced));
    let n_failed = result.count(|o| matches!(o, Outcome::Failed | Outcome::Abandoned));
    if failed || n_failed > 0 || result.interrupted {
        if ui == Ui::Json {
            return exit::ERROR;
        }
        outln!(
            "\nApply incomplete: {added} added, {changed} changed, {destroyed} destroyed; {n_failed} failed, {} not attempted. State is saved: plan again to see what is left.",
            skipped
        );
        return exit::ERROR;
    }
    let verb = if plan.destroy { "Destroy" } else { "Apply" };
    let imported = plan.changes.iter().filter(|c| c.importing.is_some()).count();
    if ui == Ui::Json {
        let summary = ui_json::Summary {
            add: added,
            change: changed,
            import: imported,
            remove: destroyed,
        };
        outln!("{}", ui_json::change_summary(summary, &verb.to_lowercase()));
        if !plan.destroy {
            outln!("{}", ui_json::applied_outputs(state.outputs.iter()));
        }
        return exit::OK;
    }
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

/// What a second interrupt left: the operations given up on, and which of
/// them are in state, tainted, for the next plan to replace.
fn abandoned_warning(result: &apply::ApplyResult) -> Option<Diagnostic> {
    if result.abandoned.is_empty() {
        return None;
    }
    let mut detail = String::from("The run stopped waiting for these operations; their outcome is not known:");
    for a in &result.abandoned {
        let tainted = a.deposed.is_none() && result.state.resources.get(&a.instance).is_some_and(|r| r.tainted);
        let note = if tainted {
            " (recorded in state as tainted: the next plan replaces it)"
        } else {
            ""
        };
        detail.push_str(&format!("\n  - {a}{note}"));
    }
    Some(
        Diagnostic::warning("Operations abandoned")
            .with_detail(detail)
            .with_help(
                "plan again: it reads what Azure holds now; an object it does not know of may need `aksplan import`",
            ),
    )
}

/// The resources brought under management unchanged: they made no cloud
/// call, so no progress line said so (Terraform says "Import complete").
fn print_outcomes(result: &apply::ApplyResult) {
    for addr in &result.order {
        if result.outcomes[addr] == Outcome::Imported {
            outln!("{addr}: Import complete");
        }
    }
}

/// What was not attempted, and why, on stderr; returns how many.
fn print_skipped(result: &apply::ApplyResult) -> usize {
    let mut n = 0;
    for (a, o) in &result.outcomes {
        if let Outcome::Skipped(why) = o {
            eprintln!("{a}: {why}");
            n += 1;
        }
    }
    n
}
