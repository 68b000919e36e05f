//! The diff engine: decides each instance's action.
//!
//! [`refresh`] reads every resource in state from the cloud (the only I/O,
//! done first and concurrently). [`plan`] then walks the configuration with
//! a [`Planner`] hook: each instance is planned by the provider against its
//! refreshed prior value, and the planned value (with known ids) is what its
//! dependents see. What is in state but not in the configuration is deleted.

use super::unplannable::Unplannable;
use super::{Action, Drift, OutputChange, Plan, Reason, ResourceChange};
use crate::addrs::{ConfigResource, Instance, InstanceKey, Item, Mode, Object, Target};
use crate::config::{Config, IgnoreChanges, PathStep};
use crate::core::{self, Evaluated, ResourceValues};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use crate::provider::protocol::{PlanRequest, Provider, ProviderConfig, ReadDataRequest, ReadRequest, ValidateRequest};
use crate::provider::registry::Providers;
use crate::provider::shape::settle;
use crate::schema::Schema;
use crate::state::{ResourceState, State};
use futures::StreamExt;
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

/// Gives every value in a state loaded from JSON its schema's types back.
pub fn conform_state(mut state: State, providers: &Providers) -> State {
    for (addr, r) in state.resources.iter_mut() {
        if let Some((_, s)) = providers.resolve(addr.resource.mode, &r.type_name) {
            r.value = crate::provider::shape::conform(&s.block, std::mem::take(&mut r.value));
        }
    }
    state
}

/// What a refresh found.
#[derive(Debug, Default)]
pub struct Refreshed {
    pub state: State,
    /// What changed outside aksplan.
    pub drift: Vec<Drift>,
    /// Objects that exist but failed in the cloud, and why they are replaced.
    pub failed: std::collections::HashMap<Instance, String>,
    /// Objects `moved` blocks moved: their old address by their new one.
    pub moved: std::collections::HashMap<Instance, Instance>,
    pub diags: Diagnostics,
}

/// Reads every resource in state from the cloud, `parallelism` at a time.
pub async fn refresh(
    providers: &Providers,
    mut state: State,
    parallelism: usize,
    now: std::time::SystemTime,
) -> Refreshed {
    let unconfigured = ProviderConfig::default();
    let unconfigured = &unconfigured;
    let reads = futures::stream::iter(state.resources.iter().filter(|(a, _)| a.resource.mode == Mode::Managed))
        .map(|(addr, r)| async move {
            let Some((provider, schema)) = providers.resolve(Mode::Managed, &r.type_name) else {
                return (addr.clone(), Some(r.value.clone()), Diagnostics::new(), None);
            };
            let req = ReadRequest {
                schema,
                provider: unconfigured,
                prior: &r.value,
                now,
            };
            let resp = provider.read(req).await;
            let value = resp.value.map(|v| settle(&schema.block, v));
            (addr.clone(), value, resp.diags, resp.failed)
        })
        .buffer_unordered(parallelism.max(1))
        .collect::<Vec<_>>()
        .await;
    let mut drift = Vec::new();
    let mut diags = Diagnostics::new();
    let mut failed = std::collections::HashMap::new();
    for (addr, value, d, why) in reads {
        if let Some(why) = why {
            failed.insert(addr.clone(), why);
        }
        let read_failed = d.has_errors();
        for mut diag in d {
            diag.summary = format!("{addr}: {}", diag.summary);
            diags.push(diag);
        }
        if read_failed {
            continue;
        }
        match value {
            None => {
                if let Some(before) = state.resources.remove(&addr) {
                    drift.push(Drift {
                        addr,
                        type_name: before.type_name,
                        before: before.value,
                        after: None,
                    });
                }
            }
            Some(v) => {
                if let Some(r) = state.resources.get_mut(&addr) {
                    if !v.same_as(&r.value) {
                        let before = std::mem::replace(&mut r.value, v.clone());
                        drift.push(Drift {
                            addr: addr.clone(),
                            type_name: r.type_name.clone(),
                            before,
                            after: Some(v),
                        });
                    } else {
                        r.value = v;
                    }
                }
            }
        }
    }
    drift.sort_by(|a, b| a.addr.cmp(&b.addr));
    Refreshed {
        state,
        drift,
        failed,
        diags,
        moved: Default::default(),
    }
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
        changes: Vec::new(),
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
    let mut changes = std::mem::take(&mut planner.changes);
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
        orphans.push(ResourceChange {
            addr: addr.clone(),
            type_name: r.type_name.clone(),
            action: Action::Delete,
            reasons: vec![reason],
            before: Some(r.value.clone()),
            after: None,
            replace_paths: Vec::new(),
            dependencies: r.dependencies.clone(),
            importing: None,
            moved_from: None,
            deposed: None,
            create_before_destroy: false,
        });
    }
    changes.extend(orphans);

    if opts.destroy {
        changes = refreshed
            .resources
            .iter()
            .filter(|(a, _)| a.resource.mode == Mode::Managed)
            .map(|(addr, r)| ResourceChange {
                addr: addr.clone(),
                type_name: r.type_name.clone(),
                action: Action::Delete,
                reasons: vec![Reason::Destroy],
                before: Some(r.value.clone()),
                after: None,
                replace_paths: Vec::new(),
                dependencies: r.dependencies.clone(),
                importing: None,
                moved_from: None,
                deposed: None,
                create_before_destroy: false,
            })
            .collect();
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

/// The walk's hook while planning.
struct Planner<'p> {
    config: &'p Config,
    prior: &'p State,
    with: &'p Planning<'p>,
    opts: &'p PlanOptions,
    changes: Vec<ResourceChange>,
    /// Data sources read now, to record in state.
    data: Vec<(Instance, Value)>,
    /// Types aksplan cannot plan here, with their instances.
    unplannable: Unplannable,
    diags: Diagnostics,
}

impl Planner<'_> {
    /// The address of an already planned resource that is destroyed and
    /// created again and whose id `prior`'s id lies under (or names as its
    /// target, in azurerm's TARGET|NAME id of a diagnostic setting).
    fn replaced_ancestor(&self, prior: &Value) -> Option<String> {
        let id = prior.get("id").and_then(Value::as_str)?.to_lowercase();
        self.changes
            .iter()
            .filter(|c| c.action == Action::DeleteThenCreate)
            .find(|c| {
                c.before
                    .as_ref()
                    .and_then(|b| b.get("id"))
                    .and_then(Value::as_str)
                    .map(str::to_lowercase)
                    .is_some_and(|parent| {
                        id.starts_with(&format!("{parent}/")) || id.starts_with(&format!("{parent}|"))
                    })
            })
            .map(|c| c.addr.to_string())
    }
}

impl ResourceValues for Planner<'_> {
    fn checks_conditions(&self) -> bool {
        !self.opts.destroy
    }

    fn instance_value(
        &mut self,
        inst: &Instance,
        schema: &Schema,
        provider_config: &ProviderConfig,
        config_value: Value,
    ) -> Value {
        let Some(provider) = self.with.providers.for_type(&inst.resource.type_name) else {
            return config_value;
        };
        let at = self.config.resource_of(inst).map(|r| r.type_span);
        if !self.unplannable.admits(provider, schema, inst, at) {
            return crate::core::body::unknown_computed(&schema.block, config_value);
        }
        let Some(res) = self.config.resource_of(inst) else {
            return config_value;
        };
        let checked = provider.validate(ValidateRequest {
            schema,
            config: &config_value,
        });
        let invalid = checked.has_errors();
        for mut d in checked {
            d.summary = format!("{inst}: {}", d.summary);
            d.span = d.span.or(Some(res.span));
            self.diags.push(scoped(res, d));
        }
        if invalid {
            return crate::core::body::unknown_computed(&schema.block, config_value);
        }
        if inst.resource.mode == Mode::Data {
            return self.data_source(inst, provider, schema, provider_config, config_value);
        }
        let prior = self.prior.resources.get(inst).map(|r| &r.value);
        let cfg = match prior {
            Some(p) => ignore_changes(config_value, p, &res.lifecycle.ignore_changes),
            None => config_value,
        };
        let plan = |prior: Option<&Value>| {
            provider.plan(PlanRequest {
                schema,
                provider: provider_config,
                prior,
                config: &cfg,
                now: self.opts.timestamp,
            })
        };
        let mut planned = plan(prior);
        let mut reasons = Vec::new();
        let tainted = self.prior.resources.get(inst).is_some_and(|r| r.tainted);
        let parent_replaced = prior.and_then(|p| self.replaced_ancestor(p));
        let triggered = self.triggered(inst, res);
        let action = match prior {
            None => Action::Create,
            // Azure deletes what is under a resource with it: a node pool
            // with its cluster, a role assignment with its scope.
            Some(_) if parent_replaced.is_some() => {
                reasons.push(Reason::ParentReplaced(parent_replaced.unwrap_or_default()));
                planned = plan(None);
                replace_action(res.lifecycle.create_before_destroy)
            }
            Some(_) if tainted => {
                reasons.push(Reason::Tainted);
                planned = plan(None);
                replace_action(res.lifecycle.create_before_destroy)
            }
            Some(_) if self.opts.replace.contains(inst) => {
                reasons.push(Reason::ReplaceRequested);
                planned = plan(None);
                replace_action(res.lifecycle.create_before_destroy)
            }
            Some(_) if triggered.is_some() => {
                reasons.push(Reason::ReplaceTriggered(triggered.unwrap_or_default()));
                planned = plan(None);
                replace_action(res.lifecycle.create_before_destroy)
            }
            Some(_) if self.with.failed.contains_key(inst) => {
                reasons.push(Reason::Rule(self.with.failed[inst].clone()));
                planned = plan(None);
                replace_action(res.lifecycle.create_before_destroy)
            }
            Some(_) if !planned.replace_paths.is_empty() => {
                reasons.push(Reason::CannotUpdate);
                replace_action(res.lifecycle.create_before_destroy)
            }
            Some(p) if differs(p, &planned.planned) => Action::Update,
            Some(_) => Action::NoOp,
        };
        for mut d in std::mem::take(&mut planned.diags) {
            d.span = d.span.or(Some(res.span));
            self.diags.push(d);
        }
        if action == Action::CreateThenDelete {
            let id = |v: Option<&Value>| v.and_then(|v| v.get("id")).and_then(Value::as_str).map(str::to_string);
            if let (Some(old), Some(new)) = (id(prior), id(Some(&planned.planned))) {
                if old.eq_ignore_ascii_case(&new) {
                    self.diags.push(
                        Diagnostic::error("create_before_destroy needs a new name")
                            .with_detail(format!(
                                "{inst} must be replaced, and create_before_destroy creates the new object first; \
                                 but it would have the same id, {new}, which Azure cannot hold twice"
                            ))
                            .with_span(res.span)
                            .with_help("change its name in the same change (a random suffix does it), or remove create_before_destroy"),
                    );
                }
            }
        }
        let after = planned.planned.clone();
        self.changes.push(ResourceChange {
            addr: inst.clone(),
            type_name: inst.resource.type_name.clone(),
            action,
            reasons,
            before: if action == Action::NoOp { None } else { prior.cloned() },
            after: if action == Action::NoOp {
                None
            } else {
                Some(after.clone())
            },
            replace_paths: planned.replace_paths,
            dependencies: Vec::new(),
            importing: None,
            moved_from: None,
            deposed: None,
            create_before_destroy: res.lifecycle.create_before_destroy,
        });
        if self.opts.destroy {
            return prior.cloned().unwrap_or(after);
        }
        after
    }
}

impl Planner<'_> {
    /// The first `replace_triggered_by` reference of the instance whose
    /// object this plan updates or replaces (or, naming an attribute,
    /// whose value it changes), as Terraform decides it.
    fn triggered(&self, inst: &Instance, res: &crate::config::Resource) -> Option<String> {
        use crate::config::triggers::TriggerKey;
        res.lifecycle.replace_triggered_by.iter().find_map(|t| {
            let key = match (&t.key, &inst.key) {
                (TriggerKey::All, _) => None,
                (TriggerKey::Fixed(k), _) => Some(k),
                (TriggerKey::CountIndex, k @ InstanceKey::Int(_)) | (TriggerKey::EachKey, k @ InstanceKey::Str(_)) => {
                    Some(k)
                }
                _ => return None,
            };
            let mut changes = self.changes.iter().filter(|c| {
                c.addr.module == inst.module && c.addr.resource == t.resource && key.is_none_or(|k| &c.addr.key == k)
            });
            let changing = |c: &&ResourceChange| c.action == Action::Update || c.action.is_replace();
            let fired = if t.path.is_empty() {
                changes.any(|c| changing(&c))
            } else {
                changes.next().filter(changing).is_some_and(|c| {
                    let at = |v: &Option<Value>| v.as_ref().and_then(|v| get_at(v, &t.path)).cloned();
                    match (at(&c.before), at(&c.after)) {
                        (Some(b), Some(a)) => !a.is_wholly_known() || !b.same_as(&a),
                        (b, a) => b.is_some() != a.is_some(),
                    }
                })
            };
            fired.then(|| t.text())
        })
    }

    /// Whether a data source refers to, or depends on, a managed resource of
    /// its module that this plan creates, changes or replaces.
    fn depends_on_pending(&self, inst: &Instance, res: &crate::config::Resource) -> bool {
        use crate::lang::refs::{references, Reference};
        fn walk<'b>(parts: impl Iterator<Item = &'b hcl_edit::structure::Structure>, out: &mut Vec<Reference>) {
            for s in parts {
                match s {
                    hcl_edit::structure::Structure::Attribute(a) => {
                        out.extend(references(&a.value).into_iter().map(|r| r.reference))
                    }
                    hcl_edit::structure::Structure::Block(b) => walk(b.body.iter(), out),
                }
            }
        }
        let mut refs: Vec<Reference> = res.depends_on.iter().map(|d| d.reference.clone()).collect();
        walk(res.parts().map(|(_, s)| s), &mut refs);
        let module = inst.module.path();
        refs.iter().any(|r| match r {
            Reference::Resource(addr) if addr.mode == Mode::Managed => self.changes.iter().any(|c| {
                c.addr.resource == *addr
                    && c.addr.module.path() == module
                    && !matches!(c.action, Action::NoOp | Action::Read)
            }),
            _ => false,
        })
    }

    fn data_source(
        &mut self,
        inst: &Instance,
        provider: &dyn Provider,
        schema: &Schema,
        provider_config: &ProviderConfig,
        config_value: Value,
    ) -> Value {
        let pending = self
            .config
            .resource_of(inst)
            .is_some_and(|res| self.depends_on_pending(inst, res));
        if !config_value.is_wholly_known() || pending {
            // Its arguments depend on what apply creates or changes: read it
            // then, as Terraform defers it; dependents see it unknown.
            self.changes.push(ResourceChange {
                addr: inst.clone(),
                type_name: inst.resource.type_name.clone(),
                action: Action::Read,
                reasons: if config_value.is_wholly_known() {
                    vec![Reason::DependencyPending]
                } else {
                    Vec::new()
                },
                before: None,
                after: Some(config_value.clone()),
                replace_paths: Vec::new(),
                dependencies: Vec::new(),
                importing: None,
                moved_from: None,
                deposed: None,
                create_before_destroy: false,
            });
            return crate::core::body::unknown_computed(&schema.block, config_value);
        }
        let req = ReadDataRequest {
            schema,
            provider: provider_config,
            config: &config_value,
            now: self.opts.timestamp.unwrap_or_else(std::time::SystemTime::now),
        };
        let r = self.with.runtime.block_on(provider.read_data(req));
        let (value, diags) = (r.value, r.diags);
        let failed = diags.has_errors();
        let Some(res) = self.config.resource_of(inst) else {
            return config_value;
        };
        for mut d in diags {
            d.summary = format!("{inst}: {}", d.summary);
            d.span = d.span.or(Some(res.span));
            self.diags.push(scoped(res, d));
        }
        match value {
            Some(v) if !failed => {
                let v = settle(&schema.block, v);
                self.data.push((inst.clone(), v.clone()));
                v
            }
            _ => Value::unknown(),
        }
    }
}

/// A diagnostic about a resource; about a `check` block's own data source,
/// it is a warning, as Terraform reports it: a check never stops a plan.
pub fn scoped(res: &crate::config::Resource, mut d: Diagnostic) -> Diagnostic {
    if let Some(check) = &res.check {
        d.severity = crate::diag::Severity::Warning;
        d.detail = format!("check.{check}: {}", d.detail);
    }
    d
}

fn replace_action(create_before_destroy: bool) -> Action {
    if create_before_destroy {
        Action::CreateThenDelete
    } else {
        Action::DeleteThenCreate
    }
}

/// Whether a planned value differs from the prior one (unknowns differ).
pub fn differs(prior: &Value, planned: &Value) -> bool {
    !planned.is_wholly_known() || !prior.same_as(planned)
}

/// Replaces the ignored paths of a configuration value with the prior values.
pub fn ignore_changes(mut config: Value, prior: &Value, ignore: &IgnoreChanges) -> Value {
    match ignore {
        IgnoreChanges::None => config,
        IgnoreChanges::All => {
            // Everything but what only the configuration decides at creation.
            prior.clone()
        }
        IgnoreChanges::Paths(paths) => {
            for p in paths {
                let prior_at = get_at(prior, &p.steps).cloned().unwrap_or(Value::null());
                set_at(&mut config, &p.steps, prior_at);
            }
            config
        }
    }
}

fn get_at<'v>(v: &'v Value, steps: &[PathStep]) -> Option<&'v Value> {
    steps.iter().try_fold(v, |v, s| match s {
        PathStep::Attr(k) | PathStep::Key(k) => v.get(k),
        PathStep::Index(i) => v.as_seq().and_then(|items| items.get(*i as usize)),
    })
}

fn set_at(v: &mut Value, steps: &[PathStep], new: Value) {
    let Some((first, rest)) = steps.split_first() else {
        *v = new;
        return;
    };
    let child = match (v, first) {
        (v, PathStep::Attr(k) | PathStep::Key(k)) => v.as_map_mut().and_then(|m| m.get_mut(k)),
        (v, PathStep::Index(i)) => v.as_seq_mut().and_then(|items| items.get_mut(*i as usize)),
    };
    if let Some(c) = child {
        set_at(c, rest, new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AttrPath;
    use crate::lang::eval::eval_standalone;

    #[test]
    fn ignore_changes_keeps_prior_values_at_the_paths() {
        let cfg = eval_standalone(r#"{ tags = { a = "new" }, pools = [{ count = 5 }] }"#).unwrap();
        let prior = eval_standalone(r#"{ tags = { a = "old" }, pools = [{ count = 3 }] }"#).unwrap();
        let paths = IgnoreChanges::Paths(vec![AttrPath {
            steps: vec![
                PathStep::Attr("pools".into()),
                PathStep::Index(0),
                PathStep::Attr("count".into()),
            ],
            span: crate::diag::Span::new(0, 0..0),
        }]);
        let v = ignore_changes(cfg, &prior, &paths);
        assert_eq!(
            v,
            eval_standalone(r#"{ tags = { a = "new" }, pools = [{ count = 3 }] }"#).unwrap()
        );
    }

    #[test]
    fn unknown_planned_values_differ() {
        let p = Value::string("a");
        assert!(differs(&p, &Value::unknown()));
        assert!(!differs(&p, &Value::string("a").mark()));
    }
}
