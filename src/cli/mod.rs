//! The command line: argument parsing, one file per command, and views.
//!
//! The only module that prints, reads the process environment, and picks
//! exit codes. Commands load the configuration through [`load`], call the
//! pure stages, and hand results to a view. [`run`] first translates
//! Terraform's spelling of the command line ([`tfsyntax`]), and changes to
//! the directory of Terraform's `-chdir=DIR`, as terraform does.

/// `println!` for the command line's output: a closed standard output
/// (`aksplan show -json | head`) ends the printing, not the run, so an apply
/// being printed still finishes and is recorded.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `print!`, as [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

mod apply;
pub mod args;
mod cloud_facts;
mod completion;
mod console;
mod drift;
mod fmt;
mod graph;
mod import;
mod init;
mod init_backend;
pub mod log;
mod plan;
mod progress;
mod provider_types;
mod providers;
mod recovery;
mod remote_state;
pub mod session;
mod signals;
mod sim;
mod state;
mod state_transfer;
pub mod tfsyntax;
mod validate;
mod version;
pub mod views;
mod workdir;
mod workspace;

use crate::config::vars::{resolve, Missing, VarInputs};
use crate::config::Config;
use crate::core::{evaluate, ConfigOnly, EvalMode, Evaluated};
use crate::diag::Diagnostics;
use args::{Cli, Command, VarArgs};
use clap::{CommandFactory, FromArgMatches};
use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

/// Exit codes shared by every command.
pub mod exit {
    pub const OK: i32 = 0;
    pub const ERROR: i32 = 1;
    /// `plan --detailed-exitcode` when there are changes.
    pub const CHANGES: i32 = 2;
}

/// Prints diagnostics to stderr; returns whether there were errors.
pub fn report(ctx: &Context, diags: &Diagnostics, sources: &crate::diag::Sources) -> bool {
    ctx.keep(diags, sources);
    if ctx.json_ui {
        // Terraform's `-json`: each diagnostic is a line of the stream.
        for d in diags {
            outln!("{}", views::ui_json::diagnostic(d, sources));
        }
        return diags.has_errors();
    }
    if !diags.is_empty() {
        eprint!("{}", diagnostics_text(ctx, diags, sources));
    }
    diags.has_errors()
}

/// Diagnostics as text: in full, or only warnings' summaries with
/// `--compact-warnings` when there is no error.
pub fn diagnostics_text(ctx: &Context, diags: &Diagnostics, sources: &crate::diag::Sources) -> String {
    if ctx.compact_warnings && !diags.is_empty() && !diags.has_errors() {
        views::compact_warnings::text(diags, sources, ctx.color)
    } else {
        views::diagnostics::text(diags, sources, ctx.color)
    }
}

/// Prints one diagnostic that has no source to point at, and returns exit 1.
pub fn fail(ctx: &Context, d: crate::diag::Diagnostic) -> i32 {
    report(ctx, &d.into(), &crate::diag::Sources::default());
    exit::ERROR
}

/// What every command knows about how it was run.
pub struct Context {
    pub dir: PathBuf,
    /// Colour in diagnostics: allowed, and standard error is a terminal.
    pub color: bool,
    /// Colour in what goes to standard output (the plan, apply's lines):
    /// allowed, and standard output is a terminal, so that `plan > file`
    /// writes no escape codes into the file.
    pub color_out: bool,
    pub env: Vec<(String, String)>,
    /// `--compact-warnings`.
    pub compact_warnings: bool,
    /// `--json` on plan, apply or destroy: diagnostics are lines of
    /// Terraform's machine-readable UI, on standard output.
    pub json_ui: bool,
    /// The diagnostic log `TF_LOG` asks for (off by default).
    pub log: Arc<log::Log>,
    /// The providers' schemas (`AKSPLAN_PROVIDER_SCHEMAS` may replace the
    /// embedded ones), and why the file it names could not be used.
    pub catalog: crate::provider::catalog::Catalog,
    pub catalog_error: Option<crate::diag::Diagnostic>,
    /// Terraform's `-chdir=DIR` as given: where the process moved before
    /// anything else (`dir` is then relative to it).
    pub terraform_chdir: Option<String>,
    /// What [`report`] printed, with the sources it points into, while a
    /// view must show it again (`plan --format markdown`); `None`: not kept.
    reports: std::sync::Mutex<Option<Reports>>,
}

/// Diagnostics as [`report`] printed them, each batch with its sources.
pub type Reports = Vec<(Diagnostics, crate::diag::Sources)>;

impl Context {
    /// A context for the configuration in `dir`, with no log and full warnings.
    pub fn new(dir: PathBuf, color: bool, env: Vec<(String, String)>) -> Context {
        use crate::provider::catalog::Catalog;
        let (catalog, catalog_error) = match Catalog::from_env(&env) {
            Ok(c) => (c, None),
            Err(d) => (Catalog::embedded(), Some(d)),
        };
        Context {
            dir,
            color,
            color_out: color,
            env,
            compact_warnings: false,
            json_ui: false,
            log: Arc::new(log::Log::off()),
            catalog,
            catalog_error,
            terraform_chdir: None,
            reports: std::sync::Mutex::new(None),
        }
    }

    /// From now on, keeps what [`report`] prints, for [`Context::take_reports`].
    pub fn keep_reports(&self) {
        *self.reports.lock().unwrap_or_else(|e| e.into_inner()) = Some(Vec::new());
    }

    /// What [`report`] printed since [`Context::keep_reports`]; keeping stops.
    pub fn take_reports(&self) -> Reports {
        self.reports
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .unwrap_or_default()
    }

    fn keep(&self, diags: &Diagnostics, sources: &crate::diag::Sources) {
        if diags.is_empty() {
            return;
        }
        if let Some(kept) = self.reports.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            kept.push((diags.clone(), sources.clone()));
        }
    }

    /// How plans are rendered on this terminal.
    pub fn style(&self) -> crate::plan::render::Style<'_> {
        crate::plan::render::Style {
            color: self.color_out,
            schemas: &self.catalog,
        }
    }

    /// The schemas a configuration is read with.
    pub fn schemas(&self) -> crate::schema::Schemas {
        crate::schema::Schemas::new(self.catalog.clone())
    }

    /// Loads the configuration in the working directory, with the
    /// providers' schemas and the selected workspace; a schema file that
    /// could not be used is an error.
    pub fn load_dir(&self) -> (Config, Diagnostics) {
        let (mut config, mut diags) = crate::config::load::load_dir(&self.dir, &self.schemas());
        if let Some(d) = &self.catalog_error {
            diags.push(d.clone());
        }
        match workdir::workspace(self) {
            Ok(w) => config.workspace = w.name,
            Err(d) => diags.push(d),
        }
        (config, diags)
    }
}

/// Runs aksplan with these arguments (the program's name first) and
/// returns the exit code.
pub fn run(args: Vec<OsString>) -> i32 {
    let env: Vec<(String, String)> = std::env::vars().collect();
    let no_color_env = env.iter().any(|(k, v)| k == "NO_COLOR" && !v.is_empty());
    let mut words = Vec::with_capacity(args.len());
    for a in args.into_iter().skip(1) {
        match a.into_string() {
            Ok(w) => words.push(w),
            Err(a) => {
                return early_fail(
                    !no_color_env,
                    crate::diag::Diagnostic::error("Invalid argument")
                        .with_detail(format!("{} is not valid UTF-8", a.to_string_lossy())),
                )
            }
        }
    }
    let color = !no_color_env && !words.iter().any(|w| w == "-no-color" || w == "--no-color");
    // Opened before -chdir, so a relative TF_LOG_PATH is where it was run, as in terraform.
    let log = Arc::new(log::Log::from_env(&env));
    let mut definition = Cli::command();
    definition.build();
    let prepared = match tfsyntax::prepare(&definition, words, &env) {
        Ok(p) => p,
        Err(e) => return early_fail(color, e.diagnostic()),
    };
    if let Some(dir) = &prepared.workdir {
        if let Err(e) = std::env::set_current_dir(dir) {
            return early_fail(
                color,
                crate::diag::Diagnostic::error("Error handling -chdir option").with_detail(format!("chdir {dir}: {e}")),
            );
        }
    }
    let command = tfsyntax::locate(&definition, &prepared.args).map(|l| l.path(&prepared.args).join(" "));
    // Parsed with the definition already built for `prepare`: building clap's
    // command tree again would be a fifth of `aksplan --version`.
    let parsed = definition
        .try_get_matches_from_mut(std::iter::once("aksplan".to_string()).chain(prepared.args))
        .and_then(|mut matches| Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut definition)));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => exit::OK,
                _ => exit::ERROR,
            };
        }
    };
    log.info(&format!(
        "aksplan v{} on {}, Terraform language v{}",
        env!("CARGO_PKG_VERSION"),
        version::platform(),
        version::TERRAFORM_VERSION
    ));
    log.info(&format!("command: {}", command.unwrap_or_default()));
    let color = !cli.no_color && !no_color_env;
    let mut ctx = Context::new(
        cli.chdir.clone().unwrap_or_else(|| PathBuf::from(".")),
        color && std::io::stderr().is_terminal(),
        env,
    );
    ctx.color_out = color && std::io::stdout().is_terminal();
    ctx.compact_warnings = cli.compact_warnings;
    ctx.terraform_chdir = prepared.workdir;
    ctx.json_ui = match &cli.command {
        Command::Plan(a) => a.options.json,
        Command::Apply(a) => a.options.json,
        Command::Destroy(a) => a.options.json,
        _ => false,
    };
    ctx.log = log;
    match cli.command {
        Command::Init(a) => init::run(&ctx, &a),
        Command::Console(a) => console::run(&ctx, &a, &cli.cloud),
        Command::Providers(a) => match &a.command {
            Some(args::ProvidersCommand::Types(t)) => provider_types::run(&ctx, t),
            None => providers::run(&ctx, &a),
        },
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
        Command::ForceUnlock(args) => state::force_unlock(&ctx, &args),
        Command::Workspace(c) => workspace::run(&ctx, &c),
        Command::Sim(c) => sim::run(&ctx, &c),
        Command::Version(a) => version::run(&ctx, &a),
        Command::Completion(a) => completion::run(&a),
    }
}

/// Reports an error found before the command line is understood.
fn early_fail(color: bool, d: crate::diag::Diagnostic) -> i32 {
    let color = color && std::io::stderr().is_terminal();
    eprint!(
        "{}",
        views::diagnostics::text(&d.into(), &crate::diag::Sources::default(), color)
    );
    exit::ERROR
}

/// Terraform's refusal to plan without configuration: a plan of nothing
/// would destroy everything in state. `destroy` needs none.
pub fn no_configuration(config: &Config, what: &str) -> Option<crate::diag::Diagnostic> {
    config.sources.iter().next().is_none().then(|| {
        crate::diag::Diagnostic::error("No configuration files")
            .with_detail(format!(
                "{what} requires configuration to be present, and {} holds no .tf or .tf.json file. Planning \
                 without a configuration would mark everything for destruction, which is normally not what is wanted.",
                config.dir.display()
            ))
            .with_help("to destroy everything, use `aksplan destroy` (or plan with --destroy); otherwise check --chdir")
    })
}

/// Keeps a large value to the end of the process instead of freeing it.
/// A command ends soon after its configuration, evaluation and plan are
/// done with, and `main` ends the process with `_exit`: freeing those of
/// 10,000 resources piece by piece took 5–8% of a plan or a validate. Only
/// for plain data, whose drop does nothing but free memory.
pub(crate) fn keep_to_exit<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

/// Loads the configuration and its variable values, without evaluating it.
/// The values are `None` when the files themselves could not be loaded.
/// `missing` says what a root variable without a value is.
pub fn load_config(
    ctx: &Context,
    vars: &VarArgs,
    missing: Missing,
) -> (
    Config,
    Option<indexmap::IndexMap<String, crate::lang::Value>>,
    Diagnostics,
) {
    ctx.log.phase("load", || {
        let (mut config, mut diags) = ctx.load_dir();
        if diags.has_errors() {
            return (config, None, diags);
        }
        let (values, var_diags) = resolve(&mut config, &var_inputs(ctx, vars), missing);
        diags.extend(var_diags);
        (config, Some(values), diags)
    })
}

fn var_inputs(ctx: &Context, vars: &VarArgs) -> VarInputs {
    VarInputs {
        env: ctx.env.clone(),
        var_files: vars.var_files.clone(),
        vars: vars.vars.clone(),
    }
}

/// Loads and evaluates the configuration as `validate` does (unset
/// variables unknown): files, variables, graph, values. Diagnostics of every
/// stage are collected; evaluation is skipped when loading failed, since its
/// errors would only repeat the first ones.
pub fn load(ctx: &Context, vars: &VarArgs) -> (Config, Option<Evaluated>, Diagnostics) {
    let (mut config, mut diags) = ctx.load_dir();
    if diags.has_errors() {
        diags.sort();
        return (config, None, diags);
    }
    let (values, var_diags) = resolve(&mut config, &var_inputs(ctx, vars), Missing::Unknown);
    diags.extend(var_diags);
    let (evaluated, eval_diags) = evaluate(
        &config,
        &crate::rules::ordering::edges(&config),
        values,
        &mut ConfigOnly,
        EvalMode::Validate,
    );
    diags.extend(eval_diags);
    diags.sort();
    (config, Some(evaluated), diags)
}
