//! The apply executor: carries out a plan in dependency order.
//!
//! Nodes are the configuration's objects (evaluated when what they depend on
//! is done, so values known only after apply flow into their dependents) and
//! one delete node per object being destroyed. Deletes run in reverse
//! dependency order; a replacement deletes before it creates unless the
//! resource says create_before_destroy. With create_before_destroy the old
//! object is deposed (journaled before the create starts), the new one
//! created, then the deposed one deleted: a failed or never-run delete
//! leaves it in state, deposed, for the next plan to destroy; a failed
//! create that left nothing makes it current again. Deposed objects the
//! plan destroys are delete nodes of their own. Independent nodes run
//! concurrently, with at most `parallelism` cloud operations at once. A
//! failed node stops only what depends on it. Each finished resource is
//! written to the state journal (fsynced once per batch of completions), and
//! the whole state is written at the end. After an interrupt no new node
//! starts; running ones finish and are recorded.

use crate::addrs::{Instance, InstanceKey, Item, Mode, ModuleInstance, Object};
use crate::config::Config;
use crate::core::{resource_value, EvalMode, ObjectEval, Values};
use crate::diag::{Diagnostic, Diagnostics};
use crate::graph::ObjectGraph;
use crate::lang::Value;
use crate::plan::{Action, Plan, ResourceChange};
use crate::provider::protocol::{ApplyRequest, PlanRequest, ProviderConfig, ReadDataRequest};
use crate::provider::registry::Providers;
use crate::provider::sealed;
use crate::provider::shape::settle;
use crate::state::deposed::{DeposedKey, ObjectAddr};
use crate::state::file::encode_resource;
use crate::state::store::{Journal, JournalEntry};
use crate::state::{OutputState, ResourceState, State};
use futures::future::{join_all, BoxFuture, FutureExt};
use futures::stream::{FuturesUnordered, StreamExt};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;
use tokio::sync::Semaphore;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Node {
    Object(Object),
    /// The destroy of an instance's current object, or of the old object of
    /// its create_before_destroy replacement.
    Delete(Instance),
    /// The destroy of a deposed object the plan found in state.
    DeleteDeposed(Instance, DeposedKey),
}

/// What happened to one instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Created,
    /// Brought under management by an `import` block, unchanged.
    Imported,
    Updated,
    Replaced,
    Deleted,
    Read,
    Failed,
    /// Not attempted: something it depends on failed, or the run was interrupted.
    Skipped(String),
}

#[derive(Debug, Default)]
pub struct ApplyResult {
    pub state: State,
    /// By object: an instance's current object, or a deposed one.
    pub outcomes: BTreeMap<ObjectAddr, Outcome>,
    /// Objects in the order their operation finished.
    pub order: Vec<ObjectAddr>,
    pub diags: Diagnostics,
    pub interrupted: bool,
}

impl ApplyResult {
    /// Records an object's outcome; a replacement's create overrides its
    /// delete, and the object is listed once.
    fn finish(&mut self, object: impl Into<ObjectAddr>, outcome: Outcome) {
        let object = object.into();
        if self.outcomes.insert(object.clone(), outcome).is_none() {
            self.order.push(object);
        }
    }

    pub fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.outcomes.values().filter(|o| f(o)).count()
    }
}

pub struct Options<'a> {
    pub parallelism: usize,
    pub cancel: &'a AtomicBool,
    /// What `timestamp()` gives during this apply (the caller reads the clock).
    pub now: std::time::SystemTime,
}

/// One cloud operation of a resource node, prepared synchronously.
enum Op {
    /// Nothing to do: this is the instance's value.
    Keep(Value),
    Apply {
        prior: Option<Value>,
        planned: Value,
        action: Action,
        provider: ProviderConfig,
    },
    ReadData(Value, ProviderConfig),
    Failed(Diagnostics),
}

type OpResult = (Instance, Action, Result<Value, Failure>);

/// Why an operation failed, and what a failed create left in the cloud (to
/// be kept in state, tainted, so that it is never lost track of).
struct Failure {
    diags: Diagnostics,
    left: Option<Value>,
}

impl From<Diagnostics> for Failure {
    fn from(diags: Diagnostics) -> Failure {
        Failure { diags, left: None }
    }
}

/// Applies `plan` to `state`, journaling each result. `objects` is the
/// object graph of the configuration the plan was made from.
pub async fn apply(
    config: &Config,
    objects: &ObjectGraph,
    plan: &Plan,
    provider: &Providers,
    mut state: State,
    journal: &mut Journal,
    opts: Options<'_>,
) -> ApplyResult {
    // Changes to current objects; those to deposed ones are their own nodes.
    let changes: HashMap<&Instance, &ResourceChange> = plan
        .changes
        .iter()
        .filter(|c| c.deposed.is_none())
        .map(|c| (&c.addr, c))
        .collect();
    let (deps, dependents) = build_graph(objects, plan, &state);
    let mut waiting: HashMap<Node, usize> = deps.iter().map(|(n, d)| (n.clone(), d.len())).collect();
    let mut ready: Vec<Node> = waiting
        .iter()
        .filter(|(_, &c)| c == 0)
        .map(|(n, _)| n.clone())
        .collect();
    ready.sort();
    let mut failed_nodes: HashMap<Node, String> = HashMap::default();
    let mut result = ApplyResult::default();
    let mut values = Values::default();
    for (k, v) in &plan.variables {
        values.set(ModuleInstance::root(), Item::Variable(k.clone()), v.clone());
    }
    let eval = ObjectEval::new(
        config,
        EvalMode::Plan(crate::core::Times {
            plan: plan.timestamp,
            apply: Some(opts.now),
        }),
    );
    let now = opts.now;
    let semaphore = Semaphore::new(opts.parallelism.max(1));
    // Each node's results, and the warnings its provider gave with what succeeded.
    let mut running: FuturesUnordered<BoxFuture<'_, (Node, Vec<OpResult>, Diagnostics)>> = FuturesUnordered::new();
    let mut pending_journal: Vec<JournalEntry> = Vec::new();
    // Per resource node: its module instances, and the instance values
    // already known without a cloud call.
    let mut kept: HashMap<Object, Kept> = HashMap::default();
    // The key each create_before_destroy replacement deposed its old object under.
    let mut deposing: HashMap<Instance, DeposedKey> = HashMap::default();

    loop {
        while let Some(node) = ready.pop() {
            if let Some(why) = failed_dependency(&node, &deps, &failed_nodes) {
                skip(&node, &why, &changes, &mut result);
                failed_nodes.insert(node.clone(), why);
                release(&node, &dependents, &mut waiting, &mut ready);
                continue;
            }
            if opts.cancel.load(Ordering::SeqCst) {
                result.interrupted = true;
                let why = "not started: the apply was interrupted".to_string();
                skip(&node, &why, &changes, &mut result);
                failed_nodes.insert(node.clone(), why);
                release(&node, &dependents, &mut waiting, &mut ready);
                continue;
            }
            match &node {
                // Destroying needs no value of the configuration.
                Node::Object(_) if plan.destroy => release(&node, &dependents, &mut waiting, &mut ready),
                Node::Object(o) if !matches!(o.item, Item::Resource(_)) => {
                    eval.visit_item(&mut values, o, &mut result.diags);
                    release(&node, &dependents, &mut waiting, &mut ready);
                }
                Node::Object(o) => {
                    let (modules, ops) =
                        prepare(&eval, &values, o, &changes, &state, plan, provider, &mut result.diags);
                    let mut cloud = Vec::new();
                    let mut keep = Vec::new();
                    for (inst, op) in ops {
                        match op {
                            Op::Keep(v) => keep.push((inst, v)),
                            Op::Failed(d) => {
                                result.diags.extend(d);
                                result.outcomes.insert(inst.clone().into(), Outcome::Failed);
                                failed_nodes.insert(node.clone(), format!("{inst} could not be planned"));
                            }
                            op => cloud.push((inst, op)),
                        }
                    }
                    // The old object of a create_before_destroy replacement
                    // is deposed, durably, before the new one is created: a
                    // crash from here on leaves both in state.
                    for (inst, op) in &cloud {
                        if !matches!(
                            op,
                            Op::Apply {
                                action: Action::CreateThenDelete,
                                ..
                            }
                        ) {
                            continue;
                        }
                        if let Some(key) = state.depose(inst) {
                            pending_journal.push(JournalEntry::Depose {
                                address: inst.to_string(),
                                deposed: key.clone(),
                            });
                            deposing.insert(inst.clone(), key);
                        }
                    }
                    if let Err(e) = journal.append(&pending_journal) {
                        result
                            .diags
                            .push(Diagnostic::error("Cannot write the state journal").with_detail(e.to_string()));
                    }
                    pending_journal.clear();
                    kept.insert(o.clone(), Kept { modules, values: keep });
                    let sem = &semaphore;
                    let node2 = node.clone();
                    running.push(
                        async move {
                            let results =
                                join_all(cloud.into_iter().map(|(inst, op)| run_op(provider, sem, inst, op, now)))
                                    .await;
                            (node2, results, Diagnostics::new())
                        }
                        .boxed(),
                    );
                }
                Node::Delete(inst) | Node::DeleteDeposed(inst, _) => {
                    let (prior, object) = match &node {
                        Node::DeleteDeposed(_, key) => (
                            state.deposed.get(&(inst.clone(), key.clone())),
                            ObjectAddr::deposed(inst.clone(), key.clone()),
                        ),
                        // A create-before-destroy replacement's new object is
                        // at the address by now: what is deleted is the old
                        // one, deposed before the create.
                        _ => match changes.get(inst).map(|c| c.action) {
                            Some(Action::CreateThenDelete) => (
                                deposing
                                    .get(inst)
                                    .and_then(|k| state.deposed.get(&(inst.clone(), k.clone()))),
                                inst.clone().into(),
                            ),
                            _ => (state.resources.get(inst), inst.clone().into()),
                        },
                    };
                    let Some(prior) = prior.map(|r| r.value.clone()) else {
                        result.outcomes.insert(object, Outcome::Deleted);
                        release(&node, &dependents, &mut waiting, &mut ready);
                        continue;
                    };
                    running.push(delete::run(
                        provider,
                        &semaphore,
                        node.clone(),
                        inst.clone(),
                        prior,
                        eval.delete_provider_config(&plan.variables, inst),
                        now,
                    ));
                }
            }
        }
        let Some(first) = running.next().await else { break };
        // Take every completion already available, then journal them in one fsync.
        let mut batch = vec![first];
        while let Some(Some(more)) = running.next().now_or_never() {
            batch.push(more);
        }
        for (node, results, warnings) in batch {
            result.diags.extend(warnings);
            let applied: Vec<(Instance, Value)> = results
                .iter()
                .filter(|(_, action, _)| *action != Action::Delete)
                .filter_map(|(inst, _, r)| Some((inst.clone(), r.as_ref().ok()?.clone())))
                .collect();
            let ok = match &node {
                Node::Object(_) => record(
                    &node,
                    results,
                    &changes,
                    &mut state,
                    &mut values,
                    &mut kept,
                    &mut deposing,
                    &mut pending_journal,
                    config,
                    &mut result,
                ),
                _ => delete::record(
                    &node,
                    results,
                    &mut state,
                    &mut deposing,
                    &mut pending_journal,
                    config,
                    &mut result,
                ),
            };
            let held = match &node {
                Node::Object(o) => postconditions(&eval, &values, o, &applied, &mut result.diags),
                _ => true,
            };
            if !ok || !held {
                failed_nodes.insert(node.clone(), format!("{} failed", node_name(&node)));
            }
            release(&node, &dependents, &mut waiting, &mut ready);
        }
        if let Err(e) = journal.append(&pending_journal) {
            result
                .diags
                .push(Diagnostic::error("Cannot write the state journal").with_detail(e.to_string()));
        }
        pending_journal.clear();
    }

    // What later changes of this apply did to the objects they depend on.
    if !plan.destroy {
        let parents = reread::parents_of_later_changes(&result, &changes);
        reread::reread(provider, parents, &mut state, &mut pending_journal, now).await;
        if let Err(e) = journal.append(&pending_journal) {
            result
                .diags
                .push(Diagnostic::error("Cannot write the state journal").with_detail(e.to_string()));
        }
        pending_journal.clear();
    }

    // check blocks, against what Azure now holds: false ones are warnings.
    if !plan.destroy {
        for (path, m) in &config.modules {
            for mi in values.instances_of(path) {
                eval.checks(&values, &mi, &m.checks, &mut result.diags);
            }
        }
    }

    // The root module's outputs, with every value now known.
    let root = config.root();
    for (name, output) in &root.outputs {
        let node = Node::Object(Object::root(Item::Output(name.clone())));
        if plan.destroy {
            state.outputs.remove(name);
        } else if !failed_nodes.contains_key(&node) {
            let item = Item::Output(name.clone());
            if let Some(v) = values
                .get(&ModuleInstance::root(), &item)
                .filter(|v| v.is_wholly_known())
            {
                state.outputs.insert(
                    name.clone(),
                    OutputState {
                        value: v.clone(),
                        sensitive: output.sensitive,
                    },
                );
            }
        }
    }
    state.outputs.retain(|k, _| root.outputs.contains_key(k));
    if plan.destroy {
        state.resources.retain(|a, _| a.resource.mode == Mode::Managed);
    }
    result.state = state;
    result
}

fn node_name(n: &Node) -> String {
    match n {
        Node::Object(o) => o.to_string(),
        Node::Delete(i) => format!("destroying {i}"),
        Node::DeleteDeposed(i, k) => format!("destroying {}", ObjectAddr::deposed(i.clone(), k.clone())),
    }
}

fn failed_dependency(node: &Node, deps: &HashMap<Node, Vec<Node>>, failed: &HashMap<Node, String>) -> Option<String> {
    deps.get(node)?
        .iter()
        .find(|d| failed.contains_key(*d))
        .map(|d| format!("not attempted: {} did not succeed", node_name(d)))
}

fn skip(node: &Node, why: &str, changes: &HashMap<&Instance, &ResourceChange>, result: &mut ApplyResult) {
    let mut mark = |o: ObjectAddr| {
        result
            .outcomes
            .entry(o)
            .or_insert_with(|| Outcome::Skipped(why.to_string()));
    };
    match node {
        Node::Delete(i) => mark(i.clone().into()),
        Node::DeleteDeposed(i, k) => mark(ObjectAddr::deposed(i.clone(), k.clone())),
        Node::Object(o) => {
            let Some(r) = o.config_resource() else { return };
            for (i, c) in changes {
                if i.config_resource() == r && !matches!(c.action, Action::NoOp | Action::Delete) {
                    mark((*i).clone().into());
                }
            }
        }
    }
}

fn release(
    node: &Node,
    dependents: &HashMap<Node, Vec<Node>>,
    waiting: &mut HashMap<Node, usize>,
    ready: &mut Vec<Node>,
) {
    for d in dependents.get(node).into_iter().flatten() {
        if let Some(c) = waiting.get_mut(d) {
            *c -= 1;
            if *c == 0 {
                ready.push(d.clone());
            }
        }
    }
}

/// The apply graph: each node's dependencies, and the reverse.
fn build_graph(
    objects: &ObjectGraph,
    plan: &Plan,
    state: &State,
) -> (HashMap<Node, Vec<Node>>, HashMap<Node, Vec<Node>>) {
    let mut deps: HashMap<Node, Vec<Node>> = HashMap::default();
    for o in objects.graph.node_weights() {
        let d: Vec<Node> = objects.dependencies(o).map(|(t, _)| Node::Object(t.clone())).collect();
        deps.insert(Node::Object(o.clone()), d);
    }
    let deleting: Vec<&ResourceChange> = plan.changes.iter().filter(|c| c.action.deletes()).collect();
    let delete_node = |c: &ResourceChange| match &c.deposed {
        Some(k) => Node::DeleteDeposed(c.addr.clone(), k.clone()),
        None => Node::Delete(c.addr.clone()),
    };
    for c in &deleting {
        deps.entry(delete_node(c)).or_default();
    }
    let resource_node = |i: &Instance| Node::Object(Object::new(i.module.path(), Item::Resource(i.resource.clone())));
    for c in &deleting {
        let del = delete_node(c);
        let this = c.addr.config_resource().to_string();
        // Destroy what depends on it first.
        for other in &deleting {
            let theirs = match other.deposed {
                Some(_) => &other.dependencies,
                None => state
                    .resources
                    .get(&other.addr)
                    .map(|r| &r.dependencies)
                    .unwrap_or(&other.dependencies),
            };
            if other.addr != c.addr && theirs.contains(&this) {
                deps.entry(del.clone()).or_default().push(delete_node(other));
            }
        }
        // Update what depended on it (so it lets go) before destroying it.
        for (addr, r) in &state.resources {
            let updating = plan
                .changes
                .iter()
                .any(|u| &u.addr == addr && matches!(u.action, Action::Update));
            if updating && r.dependencies.contains(&this) && deps.contains_key(&resource_node(addr)) {
                deps.entry(del.clone()).or_default().push(resource_node(addr));
            }
        }
        let own = resource_node(&c.addr);
        match c.action {
            // A deposed object goes after its instance's current object is
            // created or changed, as the delete of a create_before_destroy
            // replacement does.
            Action::Delete if c.deposed.is_some() && deps.contains_key(&own) => deps.entry(del).or_default().push(own),
            Action::DeleteThenCreate if deps.contains_key(&own) => deps.entry(own).or_default().push(del),
            Action::CreateThenDelete if deps.contains_key(&own) => deps.entry(del).or_default().push(own),
            _ => {}
        }
    }
    let mut dependents: HashMap<Node, Vec<Node>> = HashMap::default();
    for (n, ds) in deps.iter_mut() {
        ds.sort();
        ds.dedup();
        for d in ds.iter() {
            dependents.entry(d.clone()).or_default().push(n.clone());
        }
    }
    (deps, dependents)
}

/// What a resource node has in hand before its cloud calls: the module
/// instances it is evaluated in, and the instance values that need no call.
struct Kept {
    modules: Vec<ModuleInstance>,
    values: Vec<(Instance, Value)>,
}

/// Decides, with the values known now, what each instance of a resource
/// needs, in every instance of its module (which it returns too).
#[allow(clippy::too_many_arguments)]
fn prepare(
    eval: &ObjectEval,
    values: &Values,
    object: &Object,
    changes: &HashMap<&Instance, &ResourceChange>,
    state: &State,
    plan: &Plan,
    providers: &Providers,
    diags: &mut Diagnostics,
) -> (Vec<ModuleInstance>, Vec<(Instance, Op)>) {
    let modules = values.instances_of(&object.module);
    let Some(addr) = object.config_resource() else {
        return (modules, Vec::new());
    };
    let (Some(res), Some((provider, schema))) = (
        eval.config.resource(&addr),
        providers.resolve(addr.resource.mode, &addr.resource.type_name),
    ) else {
        return (modules, Vec::new());
    };
    let mut ops = Vec::new();
    let mut d = Diagnostics::new();
    for mi in &modules {
        let Some(reps) = eval.repetitions(values, mi, res, &mut d) else {
            continue;
        };
        let provider_config = eval.provider_config(values, mi, &addr.module, res);
        for rep in reps {
            let inst = Instance {
                module: mi.clone(),
                resource: addr.resource.clone(),
                key: rep.key.clone(),
            };
            let prior = state.resources.get(&inst).map(|r| r.value.clone());
            let op = match changes.get(&inst).map(|c| c.action) {
                Some(Action::NoOp) | None if addr.resource.mode == Mode::Data => {
                    match plan.prior_state.resources.get(&inst) {
                        // A check's own data source is read again, for the
                        // check to see what apply made, as Terraform does.
                        Some(r) if res.check.is_none() => Op::Keep(r.value.clone()),
                        _ => Op::ReadData(
                            eval.instance(values, mi, res, schema, &rep, &mut d),
                            provider_config.clone(),
                        ),
                    }
                }
                Some(Action::NoOp) | None => {
                    Op::Keep(prior.unwrap_or_else(|| eval.instance(values, mi, res, schema, &rep, &mut d)))
                }
                Some(Action::Delete) => continue,
                Some(Action::Read) => Op::ReadData(
                    eval.instance(values, mi, res, schema, &rep, &mut d),
                    provider_config.clone(),
                ),
                Some(action) => {
                    let mut cd = Diagnostics::new();
                    let config_value = eval.instance(values, mi, res, schema, &rep, &mut cd);
                    let prior = if action.is_replace() { None } else { prior };
                    let cfg = match &prior {
                        Some(p) => crate::plan::engine::ignore_changes(config_value, p, &res.lifecycle.ignore_changes),
                        None => config_value,
                    };
                    let planned = provider.plan(PlanRequest {
                        schema,
                        provider: &provider_config,
                        prior: prior.as_ref(),
                        config: &cfg,
                        now: plan.timestamp,
                    });
                    cd.extend(planned.diags);
                    if action == Action::Update && !planned.replace_paths.is_empty() {
                        cd.push(Diagnostic::error("Inconsistent plan").with_detail(format!(
                            "{inst} was planned as an update, but with the values known now {} forces a replacement; plan again",
                            planned.replace_paths.join(", ")
                        )));
                    }
                    if cd.has_errors() {
                        Op::Failed(cd)
                    } else {
                        Op::Apply {
                            prior,
                            // What is sent carries the secrets themselves, not their seals.
                            planned: sealed::with_secrets_from(&schema.block, planned.planned, &cfg),
                            action,
                            provider: provider_config.clone(),
                        }
                    }
                }
            };
            ops.push((inst, op));
        }
    }
    diags.extend(d);
    (modules, ops)
}

async fn run_op(providers: &Providers, sem: &Semaphore, inst: Instance, op: Op, now: SystemTime) -> OpResult {
    let _permit = sem.acquire().await;
    let Some((provider, schema)) = providers.resolve(inst.resource.mode, &inst.resource.type_name) else {
        return (inst, Action::NoOp, Err(Diagnostics::new().into()));
    };
    match op {
        Op::Apply {
            prior,
            planned,
            action,
            provider: provider_config,
        } => {
            let r = provider
                .apply(ApplyRequest {
                    schema,
                    provider: &provider_config,
                    prior: prior.as_ref(),
                    planned: Some(&planned),
                    now,
                })
                .await;
            // State keeps seals of write-only values, never the values.
            let kept = |v| sealed::seal(&schema.block, keep_marks(settle(&schema.block, v), &planned));
            let res = match r.value {
                Some(v) if !r.diags.has_errors() => Ok(kept(v)),
                left => Err(Failure {
                    diags: r.diags,
                    left: if prior.is_none() { left.map(kept) } else { None },
                }),
            };
            (inst, action, res)
        }
        Op::ReadData(config, provider_config) => {
            let r = provider
                .read_data(ReadDataRequest {
                    schema,
                    provider: &provider_config,
                    config: &config,
                    now,
                })
                .await;
            let res = match r.value {
                Some(v) if !r.diags.has_errors() => Ok(settle(&schema.block, v)),
                _ => Err(r.diags.into()),
            };
            (inst, Action::Read, res)
        }
        Op::Keep(v) => (inst, Action::NoOp, Ok(v)),
        Op::Failed(d) => (inst, Action::NoOp, Err(d.into())),
    }
}

/// Keeps the planned sensitivity marks on what Azure returned.
fn keep_marks(v: Value, planned: &Value) -> Value {
    match (v, planned.as_map()) {
        (mut v, Some(p)) if v.as_map().is_some() => {
            let m = v.as_map_mut().expect("checked above");
            for (k, pv) in p {
                if pv.has_sensitive() {
                    if let Some(x) = m.remove(k) {
                        let marked = if matches!(x, Value::Sensitive(_)) || x.is_null() {
                            x
                        } else if x.same_as(pv) {
                            // As planned: the marks stay where they were (a
                            // secret inside an object, not the whole object).
                            crate::state::file::mark_paths(x, &crate::state::file::sensitive_paths(pv))
                        } else {
                            x.mark()
                        };
                        m.insert(k.clone(), marked);
                    }
                }
            }
            v
        }
        (v, _) => v,
    }
}

/// Checks the postconditions of the instances just applied against their
/// new values. A false one is an error and stops what depends on the
/// resource; the object stays in state, as it is in Azure.
fn postconditions(
    eval: &ObjectEval,
    values: &Values,
    object: &Object,
    applied: &[(Instance, Value)],
    diags: &mut Diagnostics,
) -> bool {
    let Some(res) = object.config_resource().and_then(|r| eval.config.resource(&r)) else {
        return true;
    };
    if res.lifecycle.postconditions.is_empty() {
        return true;
    }
    let mut held = true;
    for (inst, value) in applied {
        let reps = eval.repetitions(values, &inst.module, res, &mut Diagnostics::new());
        let Some(rep) = reps.unwrap_or_default().into_iter().find(|r| r.key == inst.key) else {
            continue;
        };
        held &= eval.postconditions(values, &inst.module, res, &rep, inst, value, diags);
    }
    held
}

/// Records one resource node's results in values, state and the journal
/// batch. Returns whether everything succeeded.
#[allow(clippy::too_many_arguments)]
fn record(
    node: &Node,
    results: Vec<OpResult>,
    changes: &HashMap<&Instance, &ResourceChange>,
    state: &mut State,
    values: &mut Values,
    kept: &mut HashMap<Object, Kept>,
    deposing: &mut HashMap<Instance, DeposedKey>,
    journal: &mut Vec<JournalEntry>,
    config: &Config,
    result: &mut ApplyResult,
) -> bool {
    let mut ok = true;
    let (modules, mut collected) = match node {
        Node::Object(o) => kept
            .remove(o)
            .map_or_else(|| (Vec::new(), Vec::new()), |k| (k.modules, k.values)),
        _ => (Vec::new(), Vec::new()),
    };
    for (inst, action, res) in results {
        match res {
            Ok(v) => {
                let dependencies = changes.get(&inst).map(|c| c.dependencies.clone()).unwrap_or_default();
                let rs = ResourceState {
                    type_name: inst.resource.type_name.clone(),
                    value: v.clone(),
                    dependencies,
                    tainted: false,
                };
                journal.push(JournalEntry::Set(Box::new(encode_resource(&inst, &rs))));
                state.resources.insert(inst.clone(), rs);
                collected.push((inst.clone(), v));
                let imported = changes.get(&inst).is_some_and(|c| c.importing.is_some());
                let outcome = match action {
                    Action::NoOp if imported => Outcome::Imported,
                    Action::Create => Outcome::Created,
                    Action::Update => Outcome::Updated,
                    Action::Read => Outcome::Read,
                    a if a.is_replace() => Outcome::Replaced,
                    _ => continue,
                };
                result.finish(inst, outcome);
            }
            Err(Failure { diags, left }) => {
                if let Some(res) = config.resource_of(&inst).filter(|r| r.check.is_some()) {
                    // A check's own data source: its failure is a warning.
                    for mut diag in diags {
                        diag.summary = format!("{inst}: {}", diag.summary);
                        diag.span = diag.span.or(Some(res.span));
                        result.diags.push(crate::plan::engine::scoped(res, diag));
                    }
                    collected.push((inst.clone(), Value::unknown()));
                    continue;
                }
                ok = false;
                let left_something = left.is_some();
                if let Some(v) = left {
                    let dependencies = changes.get(&inst).map(|c| c.dependencies.clone()).unwrap_or_default();
                    let rs = ResourceState {
                        type_name: inst.resource.type_name.clone(),
                        value: v,
                        dependencies,
                        tainted: true,
                    };
                    journal.push(JournalEntry::Set(Box::new(encode_resource(&inst, &rs))));
                    state.resources.insert(inst.clone(), rs);
                }
                // A create_before_destroy replacement whose create left
                // nothing: the old object is current again, as if nothing
                // had been tried. When the create left a (tainted) object,
                // the old one stays deposed, as Terraform keeps it.
                if action == Action::CreateThenDelete && !left_something {
                    if let Some(key) = deposing.remove(&inst) {
                        if state.restore_deposed(&inst, &key) {
                            journal.push(JournalEntry::Restore {
                                address: inst.to_string(),
                                deposed: key,
                            });
                        }
                    }
                }
                for mut diag in diags {
                    diag.summary = format!("{inst}: {}", diag.summary);
                    if let Some(res) = config.resource_of(&inst) {
                        diag.span = diag.span.or(Some(res.span));
                    }
                    result.diags.push(diag);
                }
                collected.push((inst.clone(), Value::unknown()));
                result.finish(inst, Outcome::Failed);
            }
        }
    }
    if let Node::Object(o) = node {
        if let Some(res) = o.config_resource().and_then(|r| config.resource(&r)) {
            collected.sort_by(|a, b| a.0.cmp(&b.0));
            for mi in modules {
                let mine: Vec<(InstanceKey, Value)> = collected
                    .iter()
                    .filter(|(i, _)| i.module == mi)
                    .map(|(i, v)| (i.key.clone(), v.clone()))
                    .collect();
                values.set(mi, o.item.clone(), resource_value(res, mine));
            }
        }
    }
    ok
}

mod delete;
mod reread;
#[cfg(test)]
mod tests;
