//! Making a plan, from the configuration, the prior state and the
//! providers: refresh, `import` blocks, the walk, and what the refresh
//! found. The command line only opens the cloud and the state, and shows
//! the result; the domain rules run after, on the plan this makes.

use super::engine::{self, PlanOptions, Planning, Refreshed};
use super::refresh::{Quiet, RefreshProgress};
use super::scope::ReadScope;
use super::{Plan, Reason};
use crate::addrs::{Instance, Mode};
use crate::config::Config;
use crate::core::Evaluated;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use crate::provider::protocol::{ImportRequest, ProviderConfig};
use crate::provider::registry::Providers;
use crate::schema::Schema;
use crate::state::{ResourceState, State};
use indexmap::IndexMap;
use std::collections::HashMap;
use tokio::runtime::Handle;

/// How a plan reaches the cloud.
pub struct Reach<'a> {
    pub providers: &'a Providers,
    /// The runtime the providers' calls run on; planning blocks on it, so
    /// it must not be called from one of its threads.
    pub runtime: &'a Handle,
    /// At most this many reads at once.
    pub parallelism: usize,
}

/// What a plan is made of beside the state: the configuration, the root
/// variables' values, and the orderings the domain rules infer.
pub struct Inputs<'a> {
    pub config: &'a Config,
    pub variables: IndexMap<String, Value>,
    pub inferred: &'a [crate::graph::Inferred],
}

/// Refreshes the state unless `opts` says not to, and plans.
pub fn plan(inputs: Inputs<'_>, state: State, reach: &Reach<'_>, opts: &PlanOptions) -> (Plan, Evaluated, Diagnostics) {
    let scope = ReadScope::of(inputs.config, inputs.inferred, opts);
    let refreshed = prepare_telling(inputs.config, state, reach, opts.refresh.then_some(&scope), &Quiet);
    plan_refreshed(inputs, refreshed, reach, opts)
}

/// The state a plan starts from: the configuration's `moved` blocks
/// applied first (nothing is read at an old address), then every object
/// read from the cloud, or, without `refresh`, taken as recorded.
pub fn prepare(config: &Config, state: State, reach: &Reach<'_>, refresh_it: bool) -> Refreshed {
    prepare_telling(config, state, reach, refresh_it.then_some(&ReadScope::all()), &Quiet)
}

/// [`prepare`], reading what `refresh` says (nothing when `None`), telling
/// `progress` of each read as it goes.
pub fn prepare_telling(
    config: &Config,
    mut state: State,
    reach: &Reach<'_>,
    refresh: Option<&ReadScope>,
    progress: &dyn RefreshProgress,
) -> Refreshed {
    let (moved, moved_diags) = super::moves::apply(&crate::config::moved::statements(config), &mut state);
    let mut refreshed = if let Some(scope) = refresh {
        refresh_scoped(reach, state, scope, progress)
    } else {
        let mut state = engine::conform_state(state, reach.providers);
        super::deposed::conform(&mut state, reach.providers);
        Refreshed {
            state,
            ..Refreshed::default()
        }
    };
    refreshed.moved = moved;
    refreshed.diags.extend(moved_diags);
    refreshed
}

/// Takes out of the state what `removed` blocks with `destroy = false`
/// name: they are not refreshed, planned or destroyed, and the plan shows
/// each as forgotten (with their deposed objects, as Terraform forgets them).
fn forget(config: &Config, state: &mut State) -> Vec<super::ResourceChange> {
    let targets = crate::config::moved::forgotten(config);
    let mut gone: Vec<Instance> = state
        .resources
        .keys()
        .chain(state.deposed.keys().map(|(i, _)| i))
        .filter(|i| targets.iter().any(|t| t.contains(i)))
        .cloned()
        .collect();
    gone.sort();
    gone.dedup();
    let mut out = Vec::new();
    for addr in gone {
        let (current, deposed) = state.take_instance(&addr);
        let objects = current
            .map(|r| (None, r))
            .into_iter()
            .chain(deposed.into_iter().map(|(k, r)| (Some(k), r)));
        for (key, r) in objects {
            out.push(super::ResourceChange {
                addr: addr.clone(),
                type_name: r.type_name,
                action: super::Action::Forget,
                reasons: Vec::new(),
                before: Some(r.value),
                after: None,
                replace_paths: Vec::new(),
                dependencies: r.dependencies,
                create_before_destroy: false,
                importing: None,
                moved_from: None,
                deposed: key,
            });
        }
    }
    out
}

/// Reads every resource in state from the cloud.
pub fn refresh(reach: &Reach<'_>, state: State) -> Refreshed {
    refresh_telling(reach, state, &Quiet)
}

/// [`refresh`], telling `progress` of each managed object's read as it
/// goes, deposed objects' too.
pub fn refresh_telling(reach: &Reach<'_>, state: State, progress: &dyn RefreshProgress) -> Refreshed {
    let mut state = engine::conform_state(state, reach.providers);
    super::deposed::conform(&mut state, reach.providers);
    let now = std::time::SystemTime::now();
    let mut refreshed = reach.runtime.block_on(engine::refresh(
        reach.providers,
        state,
        reach.parallelism,
        now,
        progress,
    ));
    let d = reach.runtime.block_on(super::deposed::refresh(
        reach.providers,
        &mut refreshed.state,
        reach.parallelism,
        now,
        progress,
    ));
    refreshed.diags.extend(d);
    refreshed
}

/// [`refresh_telling`] of the objects `scope` reads; the others are kept
/// as recorded.
fn refresh_scoped(reach: &Reach<'_>, mut state: State, scope: &ReadScope, progress: &dyn RefreshProgress) -> Refreshed {
    if scope.reads_all() {
        return refresh_telling(reach, state, progress);
    }
    let mut kept: Vec<Instance> = state
        .resources
        .keys()
        .chain(state.deposed.keys().map(|(i, _)| i))
        .filter(|i| !scope.reads(i))
        .cloned()
        .collect();
    kept.sort();
    kept.dedup();
    let kept: Vec<_> = kept.into_iter().map(|i| (state.take_instance(&i), i)).collect();
    let mut refreshed = refresh_telling(reach, state, progress);
    let mut left = State::new();
    for (taken, inst) in kept {
        left.put_instance(&inst, taken);
    }
    let mut left = engine::conform_state(left, reach.providers);
    super::deposed::conform(&mut left, reach.providers);
    refreshed.state.resources.append(&mut left.resources);
    refreshed.state.deposed.append(&mut left.deposed);
    refreshed
}

/// Plans against state already refreshed (or taken as recorded).
pub fn plan_refreshed(
    inputs: Inputs<'_>,
    refreshed: Refreshed,
    reach: &Reach<'_>,
    opts: &PlanOptions,
) -> (Plan, Evaluated, Diagnostics) {
    plan_refreshed_telling(inputs, refreshed, reach, opts, &Quiet)
}

/// [`plan_refreshed`], telling `progress` of each data source read as it goes.
pub fn plan_refreshed_telling(
    inputs: Inputs<'_>,
    refreshed: Refreshed,
    reach: &Reach<'_>,
    opts: &PlanOptions,
    progress: &dyn RefreshProgress,
) -> (Plan, Evaluated, Diagnostics) {
    let config = inputs.config;
    let Refreshed {
        state,
        drift,
        failed,
        moved,
        mut diags,
    } = refreshed;
    let (lineage, serial) = (state.lineage.clone(), state.serial);
    let mut state = state;
    let forgotten = forget(config, &mut state);
    let (state, importing, d) = import_blocks(config, state, reach);
    diags.extend(d);
    let with = Planning {
        providers: reach.providers,
        runtime: reach.runtime,
        failed: &failed,
        inferred: inputs.inferred,
        progress,
    };
    let (mut plan, evaluated, d) = engine::plan(config, inputs.variables, state, &with, opts);
    diags.extend(d);
    for imp in &config.root().imports {
        // A block whose resource has no such instance (a for_each key or
        // count index the configuration lacks) would import only to destroy.
        if importing.contains_key(&imp.to) && !evaluated.instances.contains_key(&imp.to) {
            diags.push(
                Diagnostic::error("Configuration for import target does not exist")
                    .with_span(imp.span)
                    .with_detail(format!(
                        "the configuration has no instance {}: every import target must have a configuration",
                        imp.to
                    ))
                    .with_help("import to an instance the configuration declares, or change its count or for_each"),
            );
        }
    }
    for dr in drift.iter().filter(|d| d.after.is_none()) {
        if let Some(c) = plan
            .changes
            .iter_mut()
            .find(|c| c.addr == dr.addr && c.deposed.is_none())
        {
            c.reasons.push(Reason::DeletedOutside);
        }
    }
    // What moved and what is imported are current objects.
    for c in plan.changes.iter_mut().filter(|c| c.deposed.is_none()) {
        c.moved_from = moved.get(&c.addr).cloned();
        if let Some((id, value)) = importing.get(&c.addr) {
            c.importing = Some(id.clone());
            if c.action == super::Action::NoOp {
                (c.before, c.after) = (Some(value.clone()), Some(value.clone()));
            }
        }
    }
    plan.changes.extend(forgotten);
    plan.changes.sort_by(|a, b| a.addr.cmp(&b.addr));
    plan.drift = drift;
    plan.state_lineage = lineage;
    plan.state_serial = serial;
    diags.sort();
    (plan, evaluated, diags)
}

/// Reads the resources of `import` blocks that state does not hold yet,
/// and adds them to the state the plan starts from, as if they had been
/// there: the plan then shows how each differs from its configuration, and
/// apply records it. Returns the imported ids and values by address.
#[allow(clippy::type_complexity)]
fn import_blocks(
    config: &Config,
    mut state: State,
    reach: &Reach<'_>,
) -> (State, HashMap<Instance, (String, Value)>, Diagnostics) {
    let mut imported = HashMap::new();
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
        let (read, d) = read_for_import(reach, schema, &imp.id);
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
pub fn read_for_import(reach: &Reach<'_>, schema: &Schema, id: &str) -> (Option<ResourceState>, Diagnostics) {
    let Some(provider) = reach.providers.for_type(&schema.name) else {
        return (None, Diagnostics::new());
    };
    let unconfigured = ProviderConfig::default();
    let req = ImportRequest {
        schema,
        provider: &unconfigured,
        id,
    };
    let r = reach.runtime.block_on(provider.import(req));
    let state = r.value.map(|v| ResourceState {
        type_name: schema.name.clone(),
        value: crate::provider::shape::settle(&schema.block, v),
        dependencies: Vec::new(),
        tainted: false,
    });
    (state, r.diags)
}

/// The schema of the managed resource block `addr` belongs to: what an
/// import can bring a resource in as. `None` when the configuration has no
/// such block.
pub fn import_target<'c>(config: &'c Config, addr: &Instance) -> Option<&'c Schema> {
    let managed = addr.resource.mode == Mode::Managed;
    (managed && config.resource_of(addr).is_some())
        .then(|| config.schema(addr.resource.mode, &addr.resource.type_name))
        .flatten()
}
