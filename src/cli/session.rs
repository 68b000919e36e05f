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
use crate::plan::engine::{self, PlanOptions};
use crate::plan::{Plan, Reason};
use crate::provider::arm::ArmClient;
use crate::provider::azure::{self, credential};
use crate::provider::azurerm::auto_registration::{self, EnvDefaults, RegistrationSettings};
use crate::provider::azurerm::Azurerm;
use crate::provider::Cloud;
use crate::state::lock::LockError;
use crate::state::store::StateStore;
use crate::state::State;
use indexmap::IndexMap;
use std::path::PathBuf;
use std::sync::Arc;

pub struct Session {
    pub provider: Azurerm<Cloud>,
    pub store: StateStore,
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
    pub fn open(ctx: &Context, cloud: &CloudArgs) -> Result<Session, Diagnostic> {
        let op_timeout = cloud.op_timeout;
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
        Ok(Session {
            provider: Azurerm::new(cloud),
            store: StateStore::in_dir(&ctx.dir),
            runtime,
            log: ctx.log.clone(),
            azurerm_env: EnvDefaults::from_env(|k| ctx.env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())),
        })
    }

    /// The first line of plan and apply output.
    pub fn banner(&self) -> String {
        format!(
            "Cloud: {}, subscription {}",
            self.provider.client.describe(),
            self.provider.client.subscription()
        )
    }

    /// Refreshes (unless told not to) and plans.
    pub fn plan(
        &self,
        config: &Config,
        variables: IndexMap<String, Value>,
        state: State,
        opts: &PlanOptions,
        parallelism: usize,
        rules: bool,
    ) -> (Plan, Evaluated, Diagnostics) {
        let (refreshed, drift, mut diags) = if opts.refresh {
            self.log.phase("refresh", || self.refresh(state, parallelism))
        } else {
            (engine::conform_state(state), Vec::new(), Diagnostics::new())
        };
        let (plan, evaluated, d) = self.log.phase("plan", || {
            self.plan_refreshed(config, variables, refreshed, drift, opts, rules)
        });
        diags.extend(d);
        (plan, evaluated, diags)
    }

    /// Reads every resource in state from the cloud: the state as it is
    /// now, and what changed outside aksplan.
    pub fn refresh(&self, state: State, parallelism: usize) -> (State, Vec<crate::plan::Drift>, Diagnostics) {
        let state = engine::conform_state(state);
        self.runtime
            .block_on(engine::refresh(&self.provider, state, parallelism))
    }

    /// Plans against state already refreshed (or taken as recorded).
    pub fn plan_refreshed(
        &self,
        config: &Config,
        variables: IndexMap<String, Value>,
        refreshed: State,
        drift: Vec<crate::plan::Drift>,
        opts: &PlanOptions,
        rules: bool,
    ) -> (Plan, Evaluated, Diagnostics) {
        let (lineage, serial) = (refreshed.lineage.clone(), refreshed.serial);
        let (registration, mut diags) = self.register_providers(config);
        let (refreshed, importing, d) = self.import_blocks(config, refreshed);
        diags.extend(d);
        let provider = &self.provider;
        let runtime = &self.runtime;
        let mut read_data = |schema: &crate::config::schema::Schema, config: &Value| {
            let r = runtime.block_on(provider.read_data(schema, config));
            (r.value, r.diags)
        };
        let (mut plan, evaluated, d) = engine::plan(config, variables, refreshed, provider, &mut read_data, opts);
        diags.extend(d);
        for dr in drift.iter().filter(|d| d.after.is_none()) {
            if let Some(c) = plan.changes.iter_mut().find(|c| c.addr == dr.addr) {
                c.reasons.push(Reason::DeletedOutside);
            }
        }
        if rules {
            // The in-process simulation would answer versions from aksplan's own table.
            let ask_versions = !matches!(self.provider.client, crate::provider::Cloud::Sim(_));
            let facts = self.runtime.block_on(super::cloud_facts::gather(
                &self.provider.client,
                &plan,
                &registration,
                ask_versions,
            ));
            diags.extend(crate::rules::check_plan(config, &plan, facts));
            diags.sort();
        }
        for c in plan.changes.iter_mut() {
            if let Some((id, value)) = importing.get(&c.addr) {
                c.importing = Some(id.clone());
                if c.action == crate::plan::Action::NoOp {
                    (c.before, c.after) = (Some(value.clone()), Some(value.clone()));
                }
            }
        }
        plan.drift = drift;
        plan.state_lineage = lineage;
        plan.state_serial = serial;
        (plan, evaluated, diags)
    }
}

impl Session {
    /// Reads the resources of `import` blocks that state does not hold yet,
    /// and adds them to the state the plan starts from, as if they had been
    /// there: the plan then shows how each differs from its configuration,
    /// and apply records it. Returns the imported ids and values by address.
    #[allow(clippy::type_complexity)]
    fn import_blocks(
        &self,
        config: &Config,
        mut state: State,
    ) -> (State, std::collections::HashMap<Instance, (String, Value)>, Diagnostics) {
        let mut imported = std::collections::HashMap::new();
        let mut diags = Diagnostics::new();
        for imp in &config.root().imports {
            if state.resources.contains_key(&imp.to) {
                continue; // Imported already: the block has done its work.
            }
            let Some(schema) = import_target(config, &imp.to) else {
                diags.push(
                    Diagnostic::error("Import to a resource that is not in the configuration")
                        .with_span(imp.span)
                        .with_detail(format!("add a resource block for {} to import into", imp.to)),
                );
                continue;
            };
            let (read, d) = self.read_for_import(schema, &imp.id);
            for d in d {
                diags.push(d.with_span(imp.span));
            }
            if let Some(r) = read {
                imported.insert(imp.to.clone(), (imp.id.clone(), r.value.clone()));
                state.resources.insert(imp.to.clone(), r);
            }
        }
        (state, imported, diags)
    }

    /// Reads the resource at `id` as `schema`'s type, as state will hold it.
    pub fn read_for_import(
        &self,
        schema: &crate::config::schema::Schema,
        id: &str,
    ) -> (Option<crate::state::ResourceState>, Diagnostics) {
        let r = self.runtime.block_on(self.provider.import(schema, id));
        let state = r.value.map(|v| crate::state::ResourceState {
            type_name: schema.name.clone(),
            value: crate::provider::azurerm::mark_sensitive(&schema.block, v),
            dependencies: Vec::new(),
            tainted: false,
        });
        (state, r.diags)
    }
}

/// The schema of the managed resource block `addr` belongs to: what an
/// import can bring a resource in as. `None` when the configuration has no
/// such block.
pub fn import_target(config: &Config, addr: &Instance) -> Option<&'static crate::config::schema::Schema> {
    let managed = addr.resource.mode == crate::addrs::Mode::Managed;
    (managed && config.resource_of(addr).is_some())
        .then(|| crate::config::schema::lookup(addr.resource.mode, &addr.resource.type_name))
        .flatten()
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

/// Opens the cloud, takes the state lock for `operation` (unless
/// `--lock=false`) and loads the state: what plan, apply and destroy all
/// start with. `Err` is the exit code, the reason already reported.
pub fn begin(
    ctx: &Context,
    cloud: &CloudArgs,
    operation: &str,
    lock: &LockArgs,
) -> Result<(Session, Option<crate::state::lock::Lock>, State), i32> {
    let session = Session::open(ctx, cloud).map_err(|d| super::fail(ctx, d))?;
    let lock = lock
        .lock
        .then(|| crate::state::lock::acquire(&ctx.dir, operation, lock.lock_timeout))
        .transpose()
        .map_err(|e| super::fail(ctx, lock_error(e)))?;
    let state = session
        .store
        .load()
        .map_err(|e| super::fail(ctx, Diagnostic::error("Cannot load the state").with_detail(e)))?;
    Ok((session, lock, state))
}

impl Session {
    /// What azurerm does when it is configured, for a plan and an apply
    /// alike: registers the resource providers its settings name (the
    /// default provider configuration's; `resource_provider_registrations`
    /// is "legacy" unless set).
    fn register_providers(&self, config: &Config) -> (RegistrationSettings, Diagnostics) {
        let (settings, mut diags) = RegistrationSettings::of_config(config, None, &self.azurerm_env);
        if !diags.has_errors() && RegistrationSettings::used_by(config) {
            let client = &self.provider.client;
            diags.extend(
                self.runtime
                    .block_on(auto_registration::ensure(client, client.subscription(), &settings)),
            );
        }
        (settings, diags)
    }
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
        LockError::Held(info) => Diagnostic::error("Error acquiring the state lock")
            .with_detail(format!("the state is locked: {info}"))
            .with_help(
                "wait for that run to end, retry with --lock-timeout 2m, or, if it is gone, run aksplan force-unlock",
            ),
        LockError::Io(e) => Diagnostic::error("Error acquiring the state lock").with_detail(e.to_string()),
    }
}
