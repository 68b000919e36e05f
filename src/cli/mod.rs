//! The command line: argument parsing, one file per command, and views.
//!
//! The only module that prints, reads the process environment, and picks
//! exit codes. Commands load the configuration through [`load`], call the
//! pure stages, and hand results to a view.

mod apply;
pub mod args;
mod drift;
mod fmt;
mod graph;
mod import;
mod init;
mod plan;
pub mod session;
mod sim;
mod state;
mod validate;
pub mod views;

use crate::config::vars::{resolve, VarInputs};
use crate::config::{load_dir, Config};
use crate::core::{evaluate, ConfigOnly, Evaluated};
use crate::diag::Diagnostics;
use args::{Cli, Command, VarArgs};
use clap::Parser;
use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Exit codes shared by every command.
pub mod exit {
    pub const OK: i32 = 0;
    pub const ERROR: i32 = 1;
    /// `plan --detailed-exitcode` when there are changes.
    pub const CHANGES: i32 = 2;
}

/// Prints diagnostics to stderr; returns whether there were errors.
pub fn report(ctx: &Context, diags: &Diagnostics, sources: &crate::diag::Sources) -> bool {
    if !diags.is_empty() {
        eprint!("{}", views::diagnostics::text(diags, sources, ctx.color));
    }
    diags.has_errors()
}

/// Prints one diagnostic that has no source to point at, and returns exit 1.
pub fn fail(ctx: &Context, d: crate::diag::Diagnostic) -> i32 {
    report(ctx, &d.into(), &crate::diag::Sources::default());
    exit::ERROR
}

/// What every command knows about how it was run.
pub struct Context {
    pub dir: PathBuf,
    pub color: bool,
    pub env: Vec<(String, String)>,
}

/// Runs aksplan with these arguments and returns the exit code.
pub fn run(args: Vec<OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => exit::OK,
                _ => exit::ERROR,
            };
        }
    };
    let env: Vec<(String, String)> = std::env::vars().collect();
    let no_color_env = env.iter().any(|(k, v)| k == "NO_COLOR" && !v.is_empty());
    let ctx = Context {
        dir: cli.chdir.clone().unwrap_or_else(|| PathBuf::from(".")),
        color: !cli.no_color && !no_color_env && std::io::stderr().is_terminal(),
        env,
    };
    match cli.command {
        Command::Init(a) => init::run(&ctx, &a),
        Command::Validate(a) => validate::run(&ctx, &a),
        Command::Graph(a) => graph::run(&ctx, &a),
        Command::Plan(a) => plan::run(&ctx, &a, &cli.cloud),
        Command::Apply(a) => apply::run_apply(&ctx, &a, &cli.cloud),
        Command::Destroy(a) => apply::run_destroy(&ctx, &a, &cli.cloud),
        Command::Drift(a) => drift::run(&ctx, &a, &cli.cloud),
        Command::Fmt(a) => fmt::run(&ctx, &a),
        Command::Import(a) => import::run(&ctx, &a, &cli.cloud),
        Command::Output(a) => state::output(&ctx, &a),
        Command::Show(a) => state::show(&ctx, &a),
        Command::State(c) => state::run(&ctx, &c),
        Command::ForceUnlock => state::force_unlock(&ctx),
        Command::Sim(c) => sim::run(&ctx, &c),
    }
}

/// Loads the configuration and its variable values, without evaluating it.
/// The values are `None` when the files themselves could not be loaded.
pub fn load_config(
    ctx: &Context,
    vars: &VarArgs,
) -> (
    Config,
    Option<indexmap::IndexMap<String, crate::lang::Value>>,
    Diagnostics,
) {
    let (mut config, mut diags) = load_dir(&ctx.dir);
    if diags.has_errors() {
        return (config, None, diags);
    }
    let (values, var_diags) = resolve(&mut config, &var_inputs(ctx, vars));
    diags.extend(var_diags);
    (config, Some(values), diags)
}

fn var_inputs(ctx: &Context, vars: &VarArgs) -> VarInputs {
    VarInputs {
        env: ctx.env.clone(),
        var_files: vars.var_files.clone(),
        vars: vars.vars.clone(),
    }
}

/// Loads and evaluates the configuration: files, variables, graph, values.
/// Diagnostics of every stage are collected; evaluation is skipped when
/// loading failed, since its errors would only repeat the first ones.
pub fn load(ctx: &Context, vars: &VarArgs) -> (Config, Option<Evaluated>, Diagnostics) {
    let (mut config, mut diags) = load_dir(&ctx.dir);
    if diags.has_errors() {
        diags.sort();
        return (config, None, diags);
    }
    let (values, var_diags) = resolve(&mut config, &var_inputs(ctx, vars));
    diags.extend(var_diags);
    let (evaluated, eval_diags) = evaluate(&config, values, &mut ConfigOnly);
    diags.extend(eval_diags);
    diags.sort();
    (config, Some(evaluated), diags)
}
