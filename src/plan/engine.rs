//! The diff engine: decides each instance's action.
//!
//! After [`super::refresh`] has read the state's objects from the cloud,
//! [`plan`] walks the configuration with a [`Planner`] hook: each instance
//! is planned by the provider against its refreshed prior value, and the
//! planned value (with known ids) is what its dependents see. What is in
//! state but not in the configuration is deleted.

use super::planner::Planner;
pub use super::planner::{differs, ignore_changes, scoped};
pub use super::refresh::{conform_state, refresh, Refreshed};
use super::unplannable::Unplannable;
use super::{Action, OutputChange, Plan, Reason, ResourceChange};
use crate::addrs::{ConfigResource, Instance, InstanceKey, Item, Mode, Object, Target};
use crate::config::Config;
use crate::core::{self, Evaluated};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use crate::provider::registry::Providers;
use crate::state::{ResourceState, State};
use indexmap::IndexMap;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    pub destroy: bool,
    pub replace: Vec<Instance>,
    pub targets: Vec<Target>,
    pub refresh: bool,
    /// When the plan is made, which `plantimestamp()` gives; the caller
    /// reads the clock. Unknown when `None`.
    pub timestamp: Option<std::time::SystemTime>,
}

/// What planning needs beside the configuration: the providers, and the
/// runtime their reads of data sources run on.
pub struct Planning<'a> {
    pub providers: &'a Providers,
    pub runtime: &'a tokio::runtime::Handle,
    /// Objects a refresh found failed in the cloud, and why they are replaced.
    pub failed: &'a std::collections::HashMap<Instance, String>,
    /// Orderings the domain rules require (see [`crate::graph::Inferred`]).
    pub inferred: &'a [crate::graph::Inferred],
    /// Told of each data source read as it goes.
    pub progress: &'a dyn super::refresh::RefreshProgress,
}

/// Plans the configuration against the refreshed state.
pub fn plan(
    config: &Config,
    variables: IndexMap<String, Value>,
    refreshed_state: State,
    with: &Planning<'_>,
    opts: &PlanOptions,
) -> (Plan, Evaluated, Diagnostics) {
    let refreshed = &refreshed_state;
    let mut planner = Planner {
        config,
        prior: refreshed,
        with,
        opts,
        changes: Default::default(),
        data: Vec::new(),
        unplannable: Unplannable::default(),
        diags: Diagnostics::new(),
    };
    let (evaluated, mut diags) = core::evaluate(
        config,
        with.inferred,
        variables.clone(),
        &mut planner,
        core::EvalMode::Plan(core::Times {
            plan: opts.timestamp,
            apply: None,
        }),
    );
    let mut changes = std::mem::take(&mut planner.changes).into_vec();
    diags.extend(std::mem::take(&mut planner.diags));
    diags.extend(planner.unplannable.diagnostics());
    diags.extend(unimplemented(config, &evaluated));
    diags.extend(same_ids(config, &changes));
    let data = std::mem::take(&mut planner.data);
    drop(planner);
    let mut new_data = Vec::new();
    for (addr, value) in data {
        new_data.push((
            addr.clone(),
            ResourceState {
                type_name: addr.resource.type_name.clone(),
                value,
                dependencies: Vec::new(),
                tainted: false,
            },
        ));
    }
    let dependencies = |addr: &Instance| -> Vec<String> {
        let o = Object::new(addr.module.path(), Item::Resource(addr.resource.clone()));
        evaluated
            .objects
            .resource_dependencies(&o)
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    for c in &mut changes {
        c.dependencies = dependencies(&c.addr);
    }

    if opts.destroy {
        changes = refreshed
            .resources
            .iter()
            .filter(|(a, _)| a.resource.mode == Mode::Managed)
            .map(|(addr, r)| ResourceChange::delete(addr, r, vec![Reason::Destroy]))
            .collect();
    } else {
        // Instances in state that the configuration no longer has.
        let planned: BTreeSet<&Instance> = changes.iter().map(|c| &c.addr).collect();
        let mut orphans = Vec::new();
        for (addr, r) in &refreshed.resources {
            if addr.resource.mode != Mode::Managed || planned.contains(addr) {
                continue;
            }
            let module_exists = evaluated
                .expansion
                .modules
                .get(&addr.module.path())
                .is_some_and(|is| is.contains(&addr.module));
            let reason = match (config.resource_of(addr), &addr.key) {
                _ if !module_exists => Reason::NoModule,
                (None, _) => Reason::NotInConfiguration,
                (Some(_), InstanceKey::Int(_)) => Reason::CountIndex,
                (Some(_), InstanceKey::Str(_)) => Reason::EachKey,
                (Some(_), InstanceKey::None) => Reason::NotInConfiguration,
            };
            orphans.push(ResourceChange::delete(addr, r, vec![reason]));
        }
        changes.extend(orphans);
    }
    // Deposed objects are destroyed in every plan.
    changes.extend(super::deposed::changes(refreshed));

    if !opts.targets.is_empty() {
        let targeted_by = |c: &ResourceChange| opts.targets.iter().any(|t| t.contains(&c.addr));
        if opts.destroy {
            // What depends on a destroyed target is destroyed with it, as
            // Terraform destroys it: a node pool with its cluster.
            let targeted = with_dependents(&changes, |c| targeted_by(c));
            changes.retain(|c| targeted.contains(&c.addr));
        } else {
            // What the targets depend on is planned too, but not destroyed:
            // an instance gone from the configuration is destroyed only
            // when a target names it.
            let needed = dependencies_of_targets(&evaluated, &changes, &opts.targets);
            changes.retain(|c| {
                targeted_by(c) || (c.action != Action::Delete && needed.contains(&c.addr.config_resource()))
            });
        }
        diags.push(Diagnostic::warning("Resource targeting is in effect").with_detail(
            "You are creating a plan with --target, which may not represent all of the changes requested by \
                     the current configuration. Use it only to recover from errors or mistakes, or when Azure asks \
                     for it in an error message.",
        ));
    }
    for t in &opts.replace {
        if !changes.iter().any(|c| &c.addr == t) && !refreshed.resources.contains_key(t) {
            diags.push(Diagnostic::warning("Nothing to replace").with_detail(format!("{t} is not in state")));
        }
    }

    for c in &changes {
        if !c.action.deletes() || c.deposed.is_some() {
            continue;
        }
        let Some(res) = config.resource_of(&c.addr) else {
            continue;
        };
        if res.lifecycle.prevent_destroy {
            diags.push(
                Diagnostic::error("Instance cannot be destroyed")
                    .with_detail(format!(
                        "{} has lifecycle.prevent_destroy set, but the plan would {}",
                        c.addr,
                        if c.action.is_replace() {
                            "replace it"
                        } else {
                            "destroy it"
                        }
                    ))
                    .with_span(res.span)
                    .with_help(
                        "remove prevent_destroy if the destroy is intended, or change the plan so it is not needed",
                    ),
            );
        }
    }
    changes.sort_by(|a, b| a.addr.cmp(&b.addr));

    let outputs = output_changes(config, &evaluated, refreshed, opts.destroy);
    diags.sort();
    let (state_lineage, state_serial) = (refreshed.lineage.clone(), refreshed.serial);
    let mut prior_state = refreshed_state;
    prior_state.resources.extend(new_data);
    let plan = Plan {
        cloud: with.providers.cloud().to_string(),
        changes,
        drift: Vec::new(),
        outputs,
        prior_state,
        state_lineage,
        state_serial,
        variables,
        destroy: opts.destroy,
        timestamp: opts.timestamp,
    };
    (plan, evaluated, diags)
}

/// The instances `chosen` picks, and every instance that depends on one of
/// them, however indirectly, by the dependencies state recorded.
fn with_dependents(changes: &[ResourceChange], chosen: impl Fn(&ResourceChange) -> bool) -> BTreeSet<Instance> {
    let mut set: BTreeSet<Instance> = changes.iter().filter(|c| chosen(c)).map(|c| c.addr.clone()).collect();
    loop {
        let names: BTreeSet<String> = set
            .iter()
            .flat_map(|i| [i.to_string(), i.config_resource().to_string()])
            .collect();
        let before = set.len();
        for c in changes {
            if !set.contains(&c.addr) && c.dependencies.iter().any(|d| names.contains(d)) {
                set.insert(c.addr.clone());
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

/// The resources targeted instances need: what the targeted resources
/// depend on, however indirectly. Those are planned too (all their
/// instances), so the targets get the values they refer to.
fn dependencies_of_targets(
    evaluated: &Evaluated,
    changes: &[ResourceChange],
    targets: &[Target],
) -> BTreeSet<ConfigResource> {
    let mut keep = BTreeSet::new();
    let mut stack: Vec<Object> = changes
        .iter()
        .filter(|c| targets.iter().any(|t| t.contains(&c.addr)))
        .map(|c| Object::new(c.addr.module.path(), Item::Resource(c.addr.resource.clone())))
        .collect();
    let mut seen = BTreeSet::new();
    while let Some(o) = stack.pop() {
        if !seen.insert(o.clone()) {
            continue;
        }
        for (d, _) in evaluated.objects.dependencies(&o) {
            if let Some(r) = d.config_resource() {
                keep.insert(r);
            }
            stack.push(d.clone());
        }
    }
    keep
}

fn output_changes(config: &Config, evaluated: &Evaluated, prior: &State, destroy: bool) -> Vec<OutputChange> {
    let mut out = Vec::new();
    for (name, o) in &config.root().outputs {
        let after = if destroy {
            None
        } else {
            evaluated.outputs.get(name).cloned()
        };
        out.push(OutputChange {
            name: name.clone(),
            before: prior.outputs.get(name).map(|o| o.value.clone()),
            after,
            sensitive: o.sensitive,
        });
    }
    for (name, o) in &prior.outputs {
        if !config.root().outputs.contains_key(name) {
            out.push(OutputChange {
                name: name.clone(),
                before: Some(o.value.clone()),
                after: None,
                sensitive: o.sensitive,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Two addresses that would manage one cloud object: the second would
/// overwrite the first, and destroying either deletes both. Types that map
/// to an ARM resource of their own are compared (an `azapi_update_resource`
/// shares its target's id on purpose).
fn same_ids(config: &Config, changes: &[ResourceChange]) -> Vec<Diagnostic> {
    let mut by_id: std::collections::BTreeMap<String, Vec<&ResourceChange>> = Default::default();
    let owns_its_id = |c: &ResourceChange| {
        config
            .schema(c.addr.resource.mode, &c.type_name)
            .is_some_and(|s| s.arm.is_some())
    };
    for c in changes
        .iter()
        .filter(|c| c.addr.resource.mode == Mode::Managed && !c.action.deletes() && owns_its_id(c))
    {
        if let Some(id) = c.after.as_ref().and_then(|v| v.get("id")).and_then(Value::as_str) {
            if id.starts_with('/') {
                by_id.entry(id.to_lowercase()).or_default().push(c);
            }
        }
    }
    by_id
        .into_values()
        .filter(|cs| cs.len() > 1)
        .map(|cs| {
            let names: Vec<String> = cs.iter().map(|c| c.addr.to_string()).collect();
            let id = cs[0]
                .after
                .as_ref()
                .and_then(|v| v.get("id"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let mut d = Diagnostic::error("Two resources with one id")
                .with_detail(format!("{} would all manage {id}", names.join(" and ")))
                .with_help("give each a name of its own");
            if let Some(res) = config.resource_of(&cs[1].addr) {
                d = d.with_span(res.span);
            }
            d
        })
        .collect()
}

/// One error per provider aksplan does not implement whose resources have
/// instances to plan, naming them.
fn unimplemented(config: &Config, evaluated: &Evaluated) -> Vec<Diagnostic> {
    let mut by_provider: std::collections::BTreeMap<&str, Vec<String>> = std::collections::BTreeMap::new();
    for inst in evaluated.instances.keys() {
        let type_name = &inst.resource.type_name;
        if config.schema(inst.resource.mode, type_name).is_some() {
            continue;
        }
        let provider = crate::addrs::implied_provider(type_name);
        by_provider.entry(provider).or_default().push(inst.to_string());
    }
    by_provider
        .into_iter()
        .map(|(provider, instances)| {
            let source = config.schemas.unimplemented(provider).unwrap_or(provider);
            Diagnostic::error("Provider not supported by aksplan")
                .with_detail(format!(
                    "aksplan does not implement the {provider} provider ({source}), and cannot plan {}",
                    instances.join(", ")
                ))
                .with_help(format!(
                    "plan the {provider} resources with terraform, or leave them without instances (count = 0)"
                ))
        })
        .collect()
}
