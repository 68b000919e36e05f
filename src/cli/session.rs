//! What plan, apply and destroy share: the cloud, the state store, the
//! async runtime, and making a plan.

use super::args::{CloudArgs, LockArgs, PlanOptionArgs};
use super::log::Log;
use super::Context;
use crate::addrs::Instance;
use crate::config::Config;
use crate::core::Evaluated;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use crate::plan::engine::PlanOptions;
use crate::plan::refresh::{Quiet, RefreshProgress};
use crate::plan::{run, Plan};
use crate::provider::arm::ArmClient;
use crate::provider::azure::{self, credential};
use crate::provider::azurerm::auto_registration::{self, EnvDefaults, RegistrationSettings};
use crate::provider::registry::Providers;
use crate::provider::Cloud;
use crate::state::backend::{LockError, StateLock, StateStorage};
use crate::state::State;
use indexmap::IndexMap;
use std::path::PathBuf;
use std::sync::Arc;

pub struct Session {
    /// The cloud the run targets, which the providers share.
    pub cloud: Arc<Cloud>,
    pub providers: Providers,
    /// The selected workspace's state, in the configured backend.
    pub store: Box<dyn StateStorage>,
    /// The state lock, while the session holds it.
    pub lock: Option<Box<dyn StateLock>>,
    pub runtime: tokio::runtime::Runtime,
    /// Where phase timings go (TF_LOG).
    pub log: Arc<Log>,
    /// azurerm's registration settings from the environment.
    azurerm_env: EnvDefaults,
}

/// Where the simulation keeps its store: `AKSPLAN_SIM_DIR`, or `.aksplan/sim`
/// in the configuration directory.
pub fn sim_dir(ctx: &Context) -> PathBuf {
    ctx.env
        .iter()
        .find(|(k, v)| k == "AKSPLAN_SIM_DIR" && !v.is_empty())
        .map(|(_, v)| PathBuf::from(v))
        .unwrap_or_else(|| ctx.dir.join(".aksplan").join("sim"))
}

/// `AKSPLAN_SIM_REPLICATION_MS`: how long the simulation's new identities
/// take to replicate (default 0).
pub fn replication_delay(ctx: &Context) -> std::time::Duration {
    ctx.env
        .iter()
        .find(|(k, _)| k == "AKSPLAN_SIM_REPLICATION_MS")
        .and_then(|(_, v)| v.parse().ok())
        .map_or(std::time::Duration::ZERO, std::time::Duration::from_millis)
}

impl Session {
    /// Opens the cloud, with the state in `store`.
    pub fn open(ctx: &Context, cloud: &CloudArgs, store: Box<dyn StateStorage>) -> Result<Session, Diagnostic> {
        let op_timeout = cloud.op_timeout;
        let allow_unverified = cloud.allow_unverified_types;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| Diagnostic::error("Cannot start the async runtime").with_detail(e.to_string()))?;
        let cloud = match cloud.name.as_str() {
            "sim" => Cloud::sim(sim_dir(ctx), replication_delay(ctx)),
            "azure" => runtime.block_on(connect(ctx, azure::PUBLIC_ENDPOINT, op_timeout))?,
            url if url.starts_with("http://") || url.starts_with("https://") => {
                runtime.block_on(connect(ctx, url, op_timeout))?
            }
            other => {
                return Err(Diagnostic::error("Unknown cloud")
                    .with_detail(format!("{other:?} is not a cloud aksplan knows"))
                    .with_help("use --cloud sim (the simulated Azure), azure, or the URL of an ARM endpoint"))
            }
        };
        let cloud = Arc::new(cloud);
        Ok(Session {
            providers: Providers::standard(
                &ctx.catalog,
                cloud.clone(),
                allow_unverified,
                Some(Arc::new(super::remote_state::BackendStates::new(ctx))),
            ),
            cloud,
            store,
            lock: None,
            runtime,
            log: ctx.log.clone(),
            azurerm_env: EnvDefaults::from_env(|k| ctx.env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())),
        })
    }

    /// The first line of plan and apply output.
    pub fn banner(&self) -> String {
        format!(
            "Cloud: {}, subscription {}",
            self.cloud.describe(),
            self.cloud.subscription()
        )
    }

    /// How plans reach the cloud.
    pub fn reach(&self, parallelism: usize) -> run::Reach<'_> {
        run::Reach {
            providers: &self.providers,
            runtime: self.runtime.handle(),
            parallelism,
        }
    }

    /// Refreshes (unless told not to) and plans, then checks the rules.
    pub fn plan(
        &self,
        config: &Config,
        variables: IndexMap<String, Value>,
        state: State,
        opts: &PlanOptions,
        parallelism: usize,
        rules: bool,
    ) -> (Plan, Evaluated, Diagnostics) {
        self.plan_telling(config, variables, state, opts, parallelism, rules, &Quiet)
    }

    /// [`Session::plan`], telling `refresh` of each read (of a resource in
    /// state, of a data source) as it goes.
    #[allow(clippy::too_many_arguments)]
    pub fn plan_telling(
        &self,
        config: &Config,
        variables: IndexMap<String, Value>,
        state: State,
        opts: &PlanOptions,
        parallelism: usize,
        rules: bool,
        refresh: &dyn RefreshProgress,
    ) -> (Plan, Evaluated, Diagnostics) {
        let reach = self.reach(parallelism);
        let (registration, registration_diags) = self.register_providers(config, &variables);
        let inferred = crate::rules::ordering::edges(config);
        let scope = crate::plan::scope::ReadScope::of(config, &inferred, opts);
        let refreshed = self.log.phase("refresh", || {
            run::prepare_telling(config, state, &reach, opts.refresh.then_some(&scope), refresh)
        });
        let inputs = run::Inputs {
            config,
            variables,
            inferred: &inferred,
        };
        let (plan, evaluated, mut diags) = self.log.phase("plan", || {
            run::plan_refreshed_telling(inputs, refreshed, &reach, opts, refresh)
        });
        diags.extend(registration_diags);
        if rules {
            // The in-process simulation would answer versions from aksplan's own table.
            let ask_versions = !matches!(*self.cloud, Cloud::Sim(_));
            let facts = self.runtime.block_on(super::cloud_facts::gather(
                &*self.cloud,
                &plan,
                &registration,
                ask_versions,
            ));
            diags.extend(crate::rules::check_plan(config, &plan, facts));
        }
        diags.sort();
        (plan, evaluated, diags)
    }
}

/// Connects to ARM at `endpoint` with the credentials the environment holds.
async fn connect(ctx: &Context, endpoint: &str, op_timeout: std::time::Duration) -> Result<Cloud, Diagnostic> {
    let env = credential::Env(&ctx.env);
    const HOW: &str = "set ARM_ACCESS_TOKEN, or ARM_CLIENT_ID with ARM_CLIENT_SECRET or ARM_OIDC_TOKEN_FILE_PATH, or ARM_USE_MSI=true, or log in with `az login`";
    let credential = credential::from_env(&env).map_err(|e| {
        Diagnostic::error("No credentials for Azure")
            .with_detail(e)
            .with_help(HOW)
    })?;
    let source = credential::describe(&env);
    let settings = azure::Settings {
        endpoint: endpoint.to_string(),
        credential,
        subscription: env.get("ARM_SUBSCRIPTION_ID").map(str::to_string),
        tenant: env.get("ARM_TENANT_ID").map(str::to_string),
        policy: azure::retry::Policy {
            timeout: op_timeout,
            ..Default::default()
        },
        log: http_log(ctx, &env),
    };
    azure::AzureClient::connect(settings)
        .await
        .map(Cloud::Azure)
        .map_err(|e| {
            let d = Diagnostic::error(format!("Cannot connect to {endpoint}: {}", e.code))
                .with_detail(format!("{} (credentials from {source})", e.message));
            match e.code.as_str() {
                "CredentialUnavailable" | "AuthenticationFailed" | "InvalidAuthenticationToken" => d.with_help(HOW),
                _ => d,
            }
        })
}

/// Where the HTTP client logs each request (method, path and query,
/// status, time; never a header or a body): stderr with `AKSPLAN_LOG=http`,
/// aksplan's log at DEBUG with `TF_LOG`.
fn http_log(ctx: &Context, env: &credential::Env) -> Option<azure::LogFn> {
    let to_stderr = env
        .get("AKSPLAN_LOG")
        .is_some_and(|v| v.split(',').any(|p| p == "http"));
    let to_log = ctx.log.enabled(super::log::Level::Debug).then(|| ctx.log.clone());
    if !to_stderr && to_log.is_none() {
        return None;
    }
    Some(azure::RequestLog::new(move |line: &str| {
        if to_stderr {
            eprintln!("aksplan: {line}");
        }
        if let Some(log) = &to_log {
            log.debug(line);
        }
    }))
}

/// Opens the backend the working directory is initialized with (checking
/// it against `config`'s `backend` block) and the cloud, takes the state
/// lock for `operation` (unless `--lock=false`) and loads the selected
/// workspace's state: what plan, apply and destroy all start with. `Err` is
/// the exit code, the reason already reported.
pub fn begin(
    ctx: &Context,
    config: &Config,
    cloud: &CloudArgs,
    operation: &str,
    lock: &LockArgs,
) -> Result<(Session, State), i32> {
    let store = super::workdir::open_state(ctx, Some(config))?;
    let mut session = Session::open(ctx, cloud, store).map_err(|d| super::fail(ctx, d))?;
    session.lock = lock
        .lock
        .then(|| session.store.lock(operation, lock.lock_timeout))
        .transpose()
        .map_err(|e| super::fail(ctx, lock_error(e)))?;
    let state = load_state(ctx, session.store.as_ref())?;
    same_cloud(&session, &state, cloud).map_err(|d| super::fail(ctx, d))?;
    Ok((session, state))
}

/// Loads the state, warning of what loading ignored (a journal's last line
/// cut short by a crash). `Err` is the exit code, the reason reported.
pub fn load_state(ctx: &Context, store: &dyn StateStorage) -> Result<State, i32> {
    let (state, notes) = store
        .load_noting()
        .map_err(|e| super::fail(ctx, Diagnostic::error("Cannot load the state").with_detail(e)))?;
    let notes: Diagnostics = notes
        .into_iter()
        .map(|n| Diagnostic::warning("Torn state journal line ignored").with_detail(n))
        .collect();
    super::report(ctx, &notes, &crate::diag::Sources::default());
    Ok(state)
}

/// A state's objects live in the cloud it records: planning it against
/// another would see them all gone and plan to create them again.
pub fn same_cloud(session: &Session, state: &State, cloud: &CloudArgs) -> Result<(), Diagnostic> {
    let here = session.cloud.identity();
    match &state.cloud {
        // Deposed objects count: they exist too, and are destroyed by the next apply.
        Some(recorded) if recorded != &here && state.has_objects() && !cloud.allow_cloud_change => Err(
            Diagnostic::error("The state belongs to another cloud")
                .with_detail(format!(
                    "the state's {} objects live in {recorded}, but aksplan is pointed at {here}",
                    state.resources.len() + state.deposed.len()
                ))
                .with_help("point aksplan at that cloud (--cloud, ARM_SUBSCRIPTION_ID), or pass --allow-cloud-change if the move is deliberate"),
        ),
        _ => Ok(()),
    }
}

impl Session {
    /// What azurerm does when it is configured, for a plan and an apply
    /// alike: registers the resource providers its settings name
    /// (`resource_provider_registrations` is "legacy" unless set), in the
    /// subscription of each root `provider "azurerm"` block that sets
    /// them, and in the client's for the default configuration. Returns
    /// the default configuration's settings, which the rules judge by.
    fn register_providers(
        &self,
        config: &Config,
        variables: &IndexMap<String, Value>,
    ) -> (RegistrationSettings, Diagnostics) {
        let (settings, mut diags) = RegistrationSettings::of_config(config, None, &self.azurerm_env);
        if diags.has_errors() || !RegistrationSettings::used_by(config) {
            return (settings, diags);
        }
        let cloud = &*self.cloud;
        let mut done = std::collections::BTreeSet::new();
        let aliases = config
            .root()
            .providers
            .iter()
            .filter(|p| p.name == "azurerm")
            .map(|p| p.alias.as_deref());
        for alias in std::iter::once(None).chain(aliases) {
            let (these, d) = RegistrationSettings::of_config(config, alias, &self.azurerm_env);
            diags.extend(d);
            let subscription =
                configured_subscription(config, alias, variables).unwrap_or_else(|| cloud.subscription().to_string());
            if done.insert(subscription.to_lowercase()) {
                diags.extend(
                    self.runtime
                        .block_on(auto_registration::ensure(cloud, &subscription, &these)),
                );
            }
        }
        (settings, diags)
    }
}

/// The `subscription_id` a root `provider "azurerm"` block sets, from
/// constants and root variables (`var.hub_subscription_id`), if it does.
fn configured_subscription(
    config: &Config,
    alias: Option<&str>,
    variables: &IndexMap<String, Value>,
) -> Option<String> {
    use crate::addrs::{Item, ModuleInstance};
    let block = config
        .root()
        .providers
        .iter()
        .find(|p| p.name == "azurerm" && p.alias.as_deref() == alias)?;
    let attr = block.body.get_attribute("subscription_id")?;
    let root = ModuleInstance::root();
    let mut values = crate::core::Values::default();
    for (name, v) in variables {
        values.set(root.clone(), Item::Variable(name.clone()), v.clone());
    }
    let scope = crate::core::scope::WalkScope {
        values: &values,
        module: &root,
        module_dir: ".",
        repeat: None,
        self_value: None,
        workspace: &config.workspace,
    };
    let ctx = crate::lang::functions::FuncContext::new(config.dir.clone());
    let v = crate::lang::Evaluator::new(&scope, &ctx).eval(&attr.value).ok()?;
    v.inner().as_str().map(str::to_string).filter(|s| !s.is_empty())
}

/// Parses `--target` and `--replace` addresses, reporting bad ones.
pub fn checked_options(
    ctx: &Context,
    args: &PlanOptionArgs,
    destroy: bool,
    config: &Config,
) -> Result<PlanOptions, i32> {
    plan_options(args, destroy).map_err(|d| {
        super::report(ctx, &d, &config.sources);
        super::exit::ERROR
    })
}

/// Parses `--target` and `--replace` addresses.
pub fn plan_options(args: &PlanOptionArgs, destroy: bool) -> Result<PlanOptions, Diagnostics> {
    let mut diags = Diagnostics::new();
    let targets = parse_all::<crate::addrs::Target>(&args.targets, "--target", &mut diags);
    let replace = parse_all::<Instance>(&args.replace, "--replace", &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(PlanOptions {
        destroy,
        replace,
        targets,
        refresh: args.refresh,
        timestamp: Some(std::time::SystemTime::now()),
    })
}

/// Parses every address of an option, reporting those that are not valid.
fn parse_all<T: std::str::FromStr<Err = crate::addrs::ParseError>>(
    list: &[String],
    what: &str,
    diags: &mut Diagnostics,
) -> Vec<T> {
    list.iter()
        .filter_map(|a| match a.parse::<T>() {
            Ok(i) => Some(i),
            Err(e) => {
                diags.push(Diagnostic::error(format!("Invalid {what} address")).with_detail(e.to_string()));
                None
            }
        })
        .collect()
}

/// Why the state lock could not be taken.
pub fn lock_error(e: LockError) -> Diagnostic {
    match e {
        LockError::Held(holder) => Diagnostic::error("Error acquiring the state lock")
            .with_detail(format!("the state is locked: {holder}"))
            .with_help(match &holder.id {
                Some(id) => format!("wait for that run to end, retry with --lock-timeout 2m, or, if it is gone, run aksplan force-unlock {id}"),
                None => "wait for that run to end, retry with --lock-timeout 2m, or, if it is gone, run aksplan force-unlock".into(),
            }),
        LockError::Unreadable(e) => Diagnostic::error("Error acquiring the state lock")
            .with_detail(e)
            .with_help("if no run is using the state, remove it with aksplan force-unlock"),
        LockError::Failed(e) => Diagnostic::error("Error acquiring the state lock").with_detail(e),
    }
}
