//! The walk's hook while planning: each resource instance planned by its
//! provider against its refreshed prior value, and each data source read
//! now or deferred to apply. What it decides (changes, data read) the
//! engine collects; it knows nothing of orphans, targeting or outputs.

use super::engine::{PlanOptions, Planning};
use super::refresh::RefreshEvent;
use super::unplannable::Unplannable;
use super::{Action, Reason, ResourceChange};
use crate::addrs::{Instance, InstanceKey, Mode, ModuleInstance, Resource};
use crate::config::{Config, IgnoreChanges, PathStep};
use crate::core::ResourceValues;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use crate::provider::protocol::{PlanRequest, Provider, ProviderConfig, ReadDataRequest, ValidateRequest};
use crate::provider::shape::settle;
use crate::schema::Schema;
use crate::state::State;
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::{Hash, Hasher};

/// The walk's hook while planning.
pub(super) struct Planner<'p> {
    pub config: &'p Config,
    pub prior: &'p State,
    pub with: &'p Planning<'p>,
    pub opts: &'p PlanOptions,
    pub changes: PlannedChanges,
    /// Data sources read now, to record in state.
    pub data: Vec<(Instance, Value)>,
    /// Types aksplan cannot plan here, with their instances.
    pub unplannable: Unplannable,
    pub diags: Diagnostics,
}

/// The changes planned so far, indexed for the lookups the walk makes of
/// them for each instance: a scan of every change per instance made a plan
/// of 10,000 resources spend a tenth of its time comparing addresses.
#[derive(Default)]
pub(super) struct PlannedChanges {
    list: Vec<ResourceChange>,
    /// Each resource block's changes (of every instance of its module), in
    /// order, under the hash of [`block_key`]: lookups compare addresses.
    by_block: FxHashMap<u64, Vec<usize>>,
    /// The changes that destroy an object and create it again.
    replaced: Vec<usize>,
}

/// The hash of a resource block's address: its module's path (the calls,
/// not their keys) and the resource.
fn block_key(module: &ModuleInstance, resource: &Resource) -> u64 {
    let mut h = FxHasher::default();
    for step in &module.0 {
        step.name.hash(&mut h);
    }
    resource.hash(&mut h);
    h.finish()
}

impl PlannedChanges {
    fn push(&mut self, change: ResourceChange) {
        let at = self.list.len();
        let key = block_key(&change.addr.module, &change.addr.resource);
        self.by_block.entry(key).or_default().push(at);
        if change.action == Action::DeleteThenCreate {
            self.replaced.push(at);
        }
        self.list.push(change);
    }

    /// The changes of one resource block in every instance of `module`'s module.
    fn of<'s>(
        &'s self,
        module: &'s ModuleInstance,
        resource: &'s Resource,
    ) -> impl Iterator<Item = &'s ResourceChange> {
        let names = |m: &'s ModuleInstance| m.0.iter().map(|s| &s.name);
        let at = self.by_block.get(&block_key(module, resource));
        at.into_iter()
            .flatten()
            .map(|&i| &self.list[i])
            .filter(move |c| c.addr.resource == *resource && names(&c.addr.module).eq(names(module)))
    }

    fn replaced(&self) -> impl Iterator<Item = &ResourceChange> {
        self.replaced.iter().map(|&i| &self.list[i])
    }

    pub fn into_vec(self) -> Vec<ResourceChange> {
        self.list
    }
}

impl Planner<'_> {
    /// The address of an already planned resource that is destroyed and
    /// created again and whose id `prior`'s id lies under (or names as its
    /// target, in azurerm's TARGET|NAME id of a diagnostic setting).
    fn replaced_ancestor(&self, prior: &Value) -> Option<String> {
        let id = prior.get("id").and_then(Value::as_str)?.to_lowercase();
        self.changes
            .replaced()
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
            d.span = d.span.or_else(|| Some(res.span_for(&d)));
            self.diags.push(scoped(res, d));
        }
        if invalid {
            return crate::core::body::unknown_computed(&schema.block, config_value);
        }
        if inst.resource.mode == Mode::Data {
            return self.data_source(inst, provider, schema, provider_config, config_value);
        }
        let prior = self.prior.resources.get(inst).map(|r| &r.value);
        if self.opts.destroy {
            // A destroy plan deletes what the state holds (the engine makes
            // those changes from the refreshed state), so nothing is planned
            // here: what is evaluated after this instance refers to the
            // object as it is, or, when there is none, to the configuration.
            return prior
                .cloned()
                .unwrap_or_else(|| crate::core::body::unknown_computed(&schema.block, config_value));
        }
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
            d.span = d.span.or_else(|| Some(res.span_for(&d)));
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
        // The schema's sensitive attributes are marked even while unknown
        // (a cluster's kube_config before it exists), as Terraform marks
        // the planned value: an output that shows one is refused now, not
        // after apply has stored it.
        let after = crate::provider::shape::mark_sensitive(&schema.block, planned.planned);
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
            let mut changes = self
                .changes
                .of(&inst.module, &t.resource)
                .filter(|c| c.addr.module == inst.module && key.is_none_or(|k| &c.addr.key == k));
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
        refs.iter().any(|r| match r {
            Reference::Resource(addr) if addr.mode == Mode::Managed => self
                .changes
                .of(&inst.module, addr)
                .any(|c| !matches!(c.action, Action::NoOp | Action::Read)),
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
        self.with.progress.refresh(RefreshEvent::DataReading { addr: inst });
        let r = self.with.runtime.block_on(provider.read_data(req));
        let (value, diags) = (r.value, r.diags);
        let failed = diags.has_errors();
        let Some(res) = self.config.resource_of(inst) else {
            return config_value;
        };
        for mut d in diags {
            d.summary = format!("{inst}: {}", d.summary);
            d.span = d.span.or_else(|| Some(res.span_for(&d)));
            self.diags.push(scoped(res, d));
        }
        match value {
            Some(v) if !failed => {
                let v = settle(&schema.block, v);
                let id = super::refresh::shown_id(&v, &v);
                self.with.progress.refresh(RefreshEvent::DataRead { addr: inst, id });
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
    // A key the configuration leaves out keeps its prior value too, as in
    // Terraform: `ignore_changes = [tags["owner"]]` keeps an owner tag set
    // outside the configuration.
    if let (PathStep::Attr(k) | PathStep::Key(k), true, false) = (first, rest.is_empty(), new.is_null()) {
        if let Some(m) = v.as_map_mut().filter(|m| !m.contains_key(k)) {
            m.insert(k.clone(), new);
            return;
        }
    }
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

    /// As terraform 1.11 plans `terraform_data` with `input = { env = "dev" }`
    /// and `ignore_changes = [input["owner"]]` over a prior input that has
    /// an owner: "No changes".
    #[test]
    fn an_ignored_key_the_configuration_leaves_out_keeps_its_prior_value() {
        let cfg = eval_standalone(r#"{ tags = { env = "dev" } }"#).unwrap();
        let prior = eval_standalone(r#"{ tags = { env = "dev", owner = "x" } }"#).unwrap();
        let owner = |step: PathStep| {
            IgnoreChanges::Paths(vec![AttrPath {
                steps: vec![PathStep::Attr("tags".into()), step],
                span: crate::diag::Span::new(0, 0..0),
            }])
        };
        for step in [PathStep::Key("owner".into()), PathStep::Attr("owner".into())] {
            assert_eq!(ignore_changes(cfg.clone(), &prior, &owner(step)), prior);
        }
        // Nor is a key added where the prior has none.
        let none = eval_standalone(r#"{ tags = { env = "dev" } }"#).unwrap();
        assert_eq!(
            ignore_changes(cfg.clone(), &none, &owner(PathStep::Key("owner".into()))),
            cfg
        );
    }

    #[test]
    fn unknown_planned_values_differ() {
        let p = Value::string("a");
        assert!(differs(&p, &Value::unknown()));
        assert!(!differs(&p, &Value::string("a").mark()));
    }
}
