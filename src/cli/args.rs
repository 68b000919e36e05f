//! Command-line arguments (clap), in aksplan's own GNU-style spelling.
//! Only parsing lives here; each command's behaviour is in its own file.
//! Terraform's spelling (`-chdir=DIR plan -var x=1 -json`) is translated to
//! this one first, by [`super::tfsyntax`].

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "aksplan",
    about = "Plan and apply Azure Kubernetes Service infrastructure written in Terraform's language",
    // As with Go's flags: an option given twice takes the last value (the
    // line's after TF_CLI_ARGS'); repeatable ones (--var) accumulate.
    args_override_self = true,
    after_help = "Terraform's spelling works too: aksplan -chdir=DIR plan -var 'x=1' -out=tfplan. \
                  -version (or --version) prints the version."
)]
pub struct Cli {
    /// Read the configuration from DIR instead of the current directory
    /// (other relative paths stay relative to the current directory;
    /// Terraform's `-chdir=DIR`, before the subcommand, changes to DIR).
    #[arg(long, global = true, value_name = "DIR")]
    pub chdir: Option<PathBuf>,

    /// Never colour output (colour is used only on a terminal, and never with NO_COLOR set).
    #[arg(long, global = true)]
    pub no_color: bool,

    /// When there are warnings and no errors, show only each warning's
    /// summary and place.
    #[arg(long, global = true)]
    pub compact_warnings: bool,

    #[command(flatten)]
    pub cloud: CloudArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Which cloud plan, apply and destroy talk to, and how patiently.
#[derive(Debug, Args, Clone)]
pub struct CloudArgs {
    /// The cloud to target: `sim` (the simulated Azure, in-process; default),
    /// `azure` (https://management.azure.com), or the URL of an ARM-compatible
    /// endpoint such as `aksplan sim serve`'s.
    #[arg(
        global = true,
        id = "cloud",
        long = "cloud",
        env = "AKSPLAN_CLOUD",
        default_value = "sim",
        value_name = "CLOUD"
    )]
    pub name: String,

    /// How long one cloud operation may take, retries of throttled or failed
    /// requests and polling of long-running operations included.
    #[arg(
        long,
        global = true,
        env = "AKSPLAN_OP_TIMEOUT",
        default_value = "60m",
        value_name = "DURATION",
        value_parser = parse_duration
    )]
    pub op_timeout: std::time::Duration,

    /// Plan and apply against a state that records another cloud (a state
    /// moved on purpose, say from `sim serve` to Azure).
    #[arg(long, global = true)]
    pub allow_cloud_change: bool,

    /// Write to Azure the types aksplan maps by convention only, not checked
    /// against their API (on the simulation they always apply).
    #[arg(long, global = true)]
    pub allow_unverified_types: bool,
}

impl CloudArgs {
    /// The in-process simulation, with the default timeout.
    pub fn sim() -> CloudArgs {
        CloudArgs {
            name: "sim".into(),
            op_timeout: std::time::Duration::from_secs(60 * 60),
            allow_cloud_change: false,
            allow_unverified_types: false,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Install the modules the configuration calls into .terraform/modules, as terraform init does.
    Init(InitArgs),
    /// Evaluate expressions against the configuration and state, one per line of standard input.
    Console(ConsoleArgs),
    /// Show the providers the configuration's modules and the state require.
    Providers(ProvidersArgs),
    /// Check the configuration: syntax, references, types, schemas, cycles.
    Validate(ValidateArgs),
    /// Print the dependency graph of the configuration's objects and instances.
    Graph(GraphArgs),
    /// Show what apply would change: refresh, diff and plan.
    Plan(PlanArgs),
    /// Apply the changes of a plan (made now, or saved with plan --out).
    Apply(ApplyArgs),
    /// Destroy everything aksplan manages in this configuration.
    Destroy(DestroyArgs),
    /// Report what changed in the cloud outside aksplan, and where it differs
    /// from the configuration. Read-only. Exit 0 no drift, 2 drift, 1 error.
    Drift(DriftArgs),
    /// Rewrite .tf and .tfvars files in Terraform's canonical layout.
    Fmt(FmtArgs),
    /// Bring an existing Azure resource under management at an address of the configuration.
    Import(ImportArgs),
    /// Show the outputs recorded in state.
    Output(OutputArgs),
    /// Show the state, or a saved plan.
    Show(ShowArgs),
    /// Inspect and edit the state.
    #[command(subcommand)]
    State(StateCommand),
    /// Remove the state lock left by a run that did not end.
    ForceUnlock(ForceUnlockArgs),
    /// Look at or change the simulated Azure, as someone in the portal would.
    #[command(subcommand)]
    Sim(SimCommand),
    /// Print aksplan's version, platform and the Terraform language version it implements.
    Version(VersionArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completion(CompletionArgs),
}

#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Print JSON, in the shape of `terraform version -json`.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to complete in.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// List the ids of every simulated resource.
    List,
    /// Print one resource's ARM JSON.
    Show { id: String },
    /// Create or replace a resource with an ARM PUT of a JSON body, e.g. a
    /// management lock: RG_ID/providers/Microsoft.Authorization/locks/keep
    /// '{"properties": {"level": "CanNotDelete"}}'.
    Put { id: String, body: String },
    /// Change a resource with an ARM PATCH (a JSON merge patch), e.g. '{"tags": {"env": "prod"}}'.
    Patch { id: String, patch: String },
    /// Delete a resource (and what is under it) with an ARM DELETE.
    Delete { id: String },
    /// Make a resource's provisioning state Failed, as a failed operation leaves it.
    Fail { id: String },
    /// Serve the simulated Azure over HTTP as an ARM-compatible API.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free one). Loopback unless told otherwise.
    #[arg(long, default_value = "127.0.0.1:7500", value_name = "HOST:PORT")]
    pub addr: std::net::SocketAddr,

    /// The store to serve (default: AKSPLAN_SIM_DIR, or .aksplan/sim).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,

    /// Accept only this bearer token (default: any).
    #[arg(long, env = "AKSPLAN_SIM_TOKEN", value_name = "TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// How long each long-running operation stays in progress, in milliseconds.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub op_ms: u64,

    /// Delay added to every request, in milliseconds.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub latency_ms: u64,

    /// Inject a fault (repeatable): throttle=P (429), error500=P, reset=P
    /// (connection dropped), with P the share of requests from 0 to 1; or
    /// fail=RESOURCE_ID (that resource's operations end Failed).
    #[arg(long = "fault", value_name = "KIND=VALUE")]
    pub faults: Vec<crate::provider::sim::serve::faults::Fault>,

    /// Seed for the fault draws, to repeat a run exactly.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Do not log each request to stderr.
    #[arg(long)]
    pub quiet: bool,

    /// Host exactly this subscription (repeatable; a GUID); the first is the
    /// default. Without it, any subscription is created when first addressed.
    #[arg(long = "subscription", value_name = "ID", value_parser = parse_subscription)]
    pub subscriptions: Vec<String>,
}

/// The state lock: whether to take it, and how long to wait for it.
#[derive(Debug, Args, Clone)]
pub struct LockArgs {
    /// How long to wait for the state lock: `0s` (default: fail at once), `30s`, `2m`.
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = parse_duration)]
    pub lock_timeout: std::time::Duration,

    /// Take the state lock (default true). `--lock=false` runs without it,
    /// which is unsafe when another run may use the same state.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub lock: bool,
}

fn parse_subscription(s: &str) -> Result<String, String> {
    crate::provider::sim::subscriptions::parse(s).map_err(|e| e.message)
}

fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    humantime::parse_duration(s).map_err(|e| format!("{e}: write a duration such as 30s or 2m"))
}

#[derive(Debug, Args, Clone)]
pub struct PlanOptionArgs {
    /// Plan only this resource (and what it depends on); repeatable.
    #[arg(long = "target", value_name = "ADDR")]
    pub targets: Vec<String>,

    /// Plan to replace this resource instance even if nothing forces it; repeatable.
    #[arg(long = "replace", value_name = "ADDR")]
    pub replace: Vec<String>,

    /// Read every resource in state from the cloud first (default true).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub refresh: bool,

    /// Operations on the cloud at once, for refresh and apply.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub parallelism: usize,

    /// Do not check the AKS rules (to see what Azure itself says at apply).
    #[arg(long)]
    pub skip_rules: bool,

    #[command(flatten)]
    pub lock: LockArgs,

    #[command(flatten)]
    pub vars: VarArgs,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Output format: text; Terraform's JSON plan representation; or Markdown
    /// for a pull-request comment.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,

    /// Plan to destroy everything in state.
    #[arg(long)]
    pub destroy: bool,

    /// Exit 0 when there are no changes, 2 when there are, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,

    /// Save the plan to FILE, for `aksplan apply FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub options: PlanOptionArgs,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// A plan saved with `plan --out`: applied exactly, if the state has not changed since.
    pub plan_file: Option<PathBuf>,

    /// Apply without asking for confirmation.
    #[arg(long)]
    pub auto_approve: bool,

    /// Destroy everything in state, as `aksplan destroy` does (ignored with
    /// a plan file, which says what it does).
    #[arg(long)]
    pub destroy: bool,

    #[command(flatten)]
    pub options: PlanOptionArgs,
}

#[derive(Debug, Args)]
pub struct DestroyArgs {
    /// Destroy without asking for confirmation.
    #[arg(long)]
    pub auto_approve: bool,

    #[command(flatten)]
    pub options: PlanOptionArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct DriftArgs {
    /// Output format: text, JSON (format version 1, see the README), or
    /// Markdown (for an issue or a chat message).
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,

    /// Accepted drift: address and attribute path per line (default:
    /// aksplan.driftignore in the configuration directory, if present).
    #[arg(long, value_name = "FILE")]
    pub ignore: Option<PathBuf>,

    /// Resources read from the cloud at once.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub parallelism: usize,

    /// Also write the report as text to FILE (the cloud is read once for
    /// every format asked for).
    #[arg(long, value_name = "FILE")]
    pub out_text: Option<PathBuf>,

    /// Also write the report as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub out_json: Option<PathBuf>,

    /// Also write the report as Markdown to FILE.
    #[arg(long, value_name = "FILE")]
    pub out_markdown: Option<PathBuf>,

    /// Also write the report as SARIF 2.1.0 to FILE: one result per drifted
    /// resource, at its block in the configuration (for code scanning).
    #[arg(long, value_name = "FILE")]
    pub out_sarif: Option<PathBuf>,

    #[command(flatten)]
    pub vars: VarArgs,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The address it is managed at: a resource block of the configuration,
    /// with its key if it has count or for_each (`azurerm_subnet.this["pods"]`).
    pub address: String,

    /// The resource's Azure id.
    pub id: String,

    #[command(flatten)]
    pub lock: LockArgs,

    #[command(flatten)]
    pub vars: VarArgs,
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Files or directories to format (default: the configuration
    /// directory); `-` reads standard input and writes standard output.
    pub paths: Vec<PathBuf>,

    /// Write nothing; exit 3 if a file is not formatted.
    #[arg(long)]
    pub check: bool,

    /// Show the changes as a unified diff.
    #[arg(long)]
    pub diff: bool,

    /// Also format the directories below.
    #[arg(long)]
    pub recursive: bool,

    /// List the files whose formatting changes (default true).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub list: bool,

    /// Write the formatted files (default true; never with --check). With
    /// --list=false --write=false and no --diff, print the formatted text.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub write: bool,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// One output's name; all outputs when left out.
    pub name: Option<String>,

    /// Print JSON.
    #[arg(long)]
    pub json: bool,

    /// Print a string output's value without quotes (one named output).
    #[arg(long, conflicts_with = "json")]
    pub raw: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A saved plan to show instead of the state.
    pub plan_file: Option<PathBuf>,

    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// List the resource instances in state.
    List,
    /// Show one resource instance in state.
    Show { address: String },
    /// Forget resource instances: they stay in the cloud, aksplan stops managing them.
    Rm {
        #[arg(required = true)]
        addresses: Vec<String>,
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Rename a resource instance in state (after renaming it in the configuration).
    Mv {
        source: String,
        destination: String,
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Print the whole state as JSON (secrets included): aksplan's format,
    /// or Terraform's (version 4) to go back to Terraform.
    Pull {
        /// The format to print.
        #[arg(long, value_enum, default_value_t = StateFormat::Aksplan)]
        format: StateFormat,
    },
    /// Replace the state with a file (aksplan's format or Terraform's
    /// version 4; `-` reads standard input). Refused when the file is of
    /// another lineage or an older serial, unless --force.
    Push {
        file: PathBuf,
        /// Push even over another lineage or a newer serial.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        lock: LockArgs,
    },
}

/// A state file format.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum StateFormat {
    /// aksplan's own (`aksplan.tfstate`, version 1).
    Aksplan,
    /// Terraform's state format version 4 (`terraform.tfstate`).
    Terraform,
}

/// Where variable values come from, besides the environment and *.tfvars files.
#[derive(Debug, Args, Clone, Default)]
pub struct VarArgs {
    /// Set a variable: NAME=VALUE (repeatable; applied after --var-file).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,

    /// Read variable values from a .tfvars file (repeatable, in order).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum DiagFormat {
    Text,
    Json,
    /// SARIF 2.1.0, for code-scanning annotations.
    Sarif,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiagFormat::Text)]
    pub format: DiagFormat,

    /// Do not check the AKS rules.
    #[arg(long)]
    pub skip_rules: bool,

    #[command(flatten)]
    pub vars: VarArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum GraphFormat {
    Dot,
    Json,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Output format: DOT for Graphviz, or JSON with nodes and edges.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,

    #[command(flatten)]
    pub vars: VarArgs,
}

/// terraform's boolean options: `--upgrade`, `--upgrade=true`, `--get=false`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Resolve every module again: the newest versions allowed, fresh copies.
    #[arg(long, default_value_t = false, num_args = 0..=1, require_equals = true, default_missing_value = "true", action = clap::ArgAction::Set, value_name = "BOOL")]
    pub upgrade: bool,

    /// Install modules (default true); --get=false leaves .terraform/modules as it is.
    #[arg(long, default_value_t = true, num_args = 0..=1, require_equals = true, default_missing_value = "true", action = clap::ArgAction::Set, value_name = "BOOL")]
    pub get: bool,

    /// Ask for input when needed (default true); init asks for nothing yet.
    #[arg(long, default_value_t = true, num_args = 0..=1, require_equals = true, default_missing_value = "true", action = clap::ArgAction::Set, value_name = "BOOL")]
    pub input: bool,

    /// Accepted for terraform's scripts (--backend=false).
    #[arg(long, default_value_t = true, num_args = 0..=1, require_equals = true, default_missing_value = "true", action = clap::ArgAction::Set, value_name = "BOOL")]
    pub backend: bool,
}

#[derive(Debug, Args)]
pub struct ForceUnlockArgs {
    /// The lock's ID, as the refusal to lock printed it: nothing is
    /// removed if the lock now has another (a run that took it since).
    pub lock_id: Option<String>,

    /// Remove it even though the run holding it is still alive on this host.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// Evaluate against a new plan's values (refreshed, as `plan` makes it)
    /// instead of the state's.
    #[arg(long)]
    pub plan: bool,

    #[command(flatten)]
    pub vars: VarArgs,
}

#[derive(Debug, Args)]
pub struct ProvidersArgs {
    #[command(subcommand)]
    pub command: Option<ProvidersCommand>,
}

#[derive(Debug, Subcommand)]
pub enum ProvidersCommand {
    /// List the resource types and data sources aksplan knows, and how each
    /// maps to the cloud: curated, by convention (unverified), validate only.
    Types(TypesArgs),
}

#[derive(Debug, Args)]
pub struct TypesArgs {
    /// Only this provider's types (a local name: azurerm, random, ...).
    pub provider: Option<String>,
    /// Only types with this mapping: curated, convention or validate-only.
    #[arg(long, value_parser = ["curated", "convention", "validate-only", "native"])]
    pub mapping: Option<String>,
}
