//! The executor's walk of the apply graph.
//!
//! A node whose dependencies are done is ready. Nodes that call nothing (a
//! variable, a local, an output, a join, every configuration object of a
//! destroy) are done at once; the others wait in a queue ordered by
//! priority (see `schedule`). Whenever fewer than `parallelism` operations
//! run, the queue's first is started: a resource node is prepared then (its
//! instances' operations decided with the values known by then, each
//! queued at the node's priority), an operation is sent to the provider.
//! A slot an operation frees is given out only after its completion is
//! recorded, so that what it made ready competes for it.
//!
//! A failed node stops only what depends on it. Each finished resource is
//! written to the state journal (fsynced once per batch of completions).
//! After an interrupt no node starts; operations already prepared run, and
//! are recorded. When told to abandon (a second interrupt), it stops
//! waiting: the operations in flight are dropped and recorded as failed (a
//! create whose id is known stays in state, tainted), and no prepared one
//! starts. Each operation's start and end is told to the progress sink as
//! it happens. It must not build the graph or decide priorities.

use super::flight::{Flight, Flights};
use super::graph::{ApplyGraph, Node, NodeId};
use super::operation::{prepare, run_op, Failure, Kept, Op, OpResult};
use super::record::{postconditions, record};
use super::schedule::Queue;
use super::{delete, ApplyResult, Options, Outcome};
use crate::addrs::{Instance, Item};
use crate::config::Config;
use crate::core::{ObjectEval, Values};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use crate::plan::{Action, Plan, ResourceChange};
use crate::provider::protocol::ProviderConfig;
use crate::provider::registry::Providers;
use crate::state::backend::JournalSink;
use crate::state::deposed::{DeposedKey, ObjectAddr};
use crate::state::store::JournalEntry;
use crate::state::State;
use futures::future::{BoxFuture, FutureExt};
use futures::stream::{FuturesUnordered, StreamExt};
use rustc_hash::FxHashMap as HashMap;
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::time::SystemTime;

/// What waits in the queue: a node to prepare, or one of its operations.
enum Queued {
    Node(NodeId),
    Op(NodeId, Box<Work>),
}

/// One cloud operation, ready to send.
enum Work {
    Apply(Instance, Op),
    Delete(Instance, Value, ProviderConfig),
}

/// An operation done: its flight's number, its node, its result, and
/// warnings that came with a success.
type Finished = (u64, NodeId, OpResult, Diagnostics);
type Running<'p> = FuturesUnordered<BoxFuture<'p, Finished>>;

pub(super) struct Walk<'a> {
    pub config: &'a Config,
    pub plan: &'a Plan,
    pub graph: &'a ApplyGraph,
    pub changes: &'a HashMap<&'a Instance, &'a ResourceChange>,
    pub eval: ObjectEval<'a>,
    pub priority: Vec<u64>,
    pub state: State,
    pub values: Values,
    pub result: ApplyResult,
    /// Why each node did not succeed: it failed, or was not attempted.
    pub failed: Vec<Option<String>>,
    /// How many dependencies each node still waits for.
    waiting: Vec<usize>,
    ready: VecDeque<NodeId>,
    queue: Queue<Queued>,
    /// Per node: its operations still running, and the results of the others.
    outstanding: Vec<usize>,
    results: HashMap<NodeId, Vec<OpResult>>,
    kept: HashMap<NodeId, Kept>,
    /// The key each create_before_destroy replacement deposed its old object under.
    deposing: HashMap<Instance, DeposedKey>,
    journal: Vec<JournalEntry>,
    now: SystemTime,
    flights: Flights,
    /// The run stopped waiting for operations in flight.
    abandoned: bool,
}

impl<'a> Walk<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        config: &'a Config,
        plan: &'a Plan,
        graph: &'a ApplyGraph,
        changes: &'a HashMap<&'a Instance, &'a ResourceChange>,
        eval: ObjectEval<'a>,
        priority: Vec<u64>,
        state: State,
        values: Values,
        now: SystemTime,
    ) -> Walk<'a> {
        let n = graph.len();
        let waiting: Vec<usize> = (0..n).map(|id| graph.deps(id).len()).collect();
        let ready = (0..n).filter(|&id| waiting[id] == 0).collect();
        Walk {
            config,
            plan,
            graph,
            changes,
            eval,
            priority,
            state,
            values,
            result: ApplyResult::default(),
            failed: vec![None; n],
            waiting,
            ready,
            queue: Queue::default(),
            outstanding: vec![0; n],
            results: HashMap::default(),
            kept: HashMap::default(),
            deposing: HashMap::default(),
            journal: Vec::new(),
            now,
            flights: Flights::default(),
            abandoned: false,
        }
    }

    /// Walks the whole graph.
    pub async fn run<'p>(&mut self, providers: &'p Providers, journal: &mut dyn JournalSink, opts: &Options<'_>) {
        let parallelism = opts.parallelism.max(1);
        let mut running: Running<'p> = FuturesUnordered::new();
        loop {
            loop {
                while let Some(id) = self.ready.pop_front() {
                    self.triage(id, opts);
                }
                if running.len() >= parallelism {
                    break;
                }
                match self.queue.pop() {
                    Some(Queued::Node(id)) => self.start_node(id, providers, journal, opts),
                    Some(Queued::Op(id, work)) if self.abandoned => self.never_started(id, *work),
                    Some(Queued::Op(id, work)) => {
                        let n = self.take_off(id, &work, opts);
                        running.push(start(providers, n, id, *work, self.now));
                    }
                    None => break,
                }
            }
            let first = match opts.abandon {
                Some(abandon) if !running.is_empty() => {
                    tokio::select! {
                        f = running.next() => f,
                        () = abandon.notified() => {
                            // Dropping the futures drops their requests.
                            running = FuturesUnordered::new();
                            self.abandon_all(opts);
                            self.flush(journal);
                            continue;
                        }
                    }
                }
                _ => running.next().await,
            };
            let Some(first) = first else { break };
            // Take every completion already available, then journal them in one fsync.
            let mut batch = vec![first];
            while let Some(Some(more)) = running.next().now_or_never() {
                batch.push(more);
            }
            for (n, id, r, warnings) in batch {
                self.flights.end(n, &r.2, opts.progress);
                self.result.diags.extend(warnings);
                self.done(id, r);
            }
            self.flush(journal);
        }
    }

    /// One operation of a node is done; the node is, once all of them are.
    fn done(&mut self, id: NodeId, r: OpResult) {
        self.results.entry(id).or_default().push(r);
        self.outstanding[id] -= 1;
        if self.outstanding[id] == 0 {
            let results = self.results.remove(&id).unwrap_or_default();
            self.complete(id, results);
        }
    }

    /// An operation is about to be sent: it is in flight from now on, and
    /// the progress sink is told.
    fn take_off(&mut self, id: NodeId, work: &Work, opts: &Options<'_>) -> u64 {
        let addr = self.object_of(id, work);
        let (flight, prior) = match work {
            Work::Apply(_, op) => {
                let (action, read, prior, planned) = match op {
                    Op::Apply {
                        prior, planned, action, ..
                    } => (*action, false, prior.as_ref(), Some(planned)),
                    Op::ReadData(..) => (Action::Read, true, None, None),
                    Op::Keep(_) | Op::Failed(_) => (Action::NoOp, false, None, None),
                };
                (Flight::new(id, addr, action, read, prior, planned), prior)
            }
            Work::Delete(_, prior, _) => (
                Flight::new(id, addr, Action::Delete, false, Some(prior), None),
                Some(prior),
            ),
        };
        self.flights.start(flight, prior, opts.progress)
    }

    /// The object an operation changes: a delete's may be a deposed one.
    fn object_of(&self, id: NodeId, work: &Work) -> ObjectAddr {
        match work {
            Work::Apply(inst, _) => ObjectAddr::current(inst.clone()),
            Work::Delete(inst, ..) => match self.graph.node(id) {
                Node::DeleteDeposed(_, k) => ObjectAddr::deposed(inst.clone(), k.clone()),
                _ => match self.deposing.get(inst) {
                    Some(k) => ObjectAddr::deposed(inst.clone(), k.clone()),
                    None => ObjectAddr::current(inst.clone()),
                },
            },
        }
    }

    /// A second interrupt: every operation in flight is given up on and
    /// recorded (see `Flight::abandon`); what was prepared will not start.
    fn abandon_all(&mut self, opts: &Options<'_>) {
        self.abandoned = true;
        self.result.interrupted = true;
        for flight in self.flights.take_all() {
            let (id, addr) = (flight.node, flight.addr.clone());
            let r = flight.abandon(opts.progress);
            self.done(id, r);
            self.result.outcomes.insert(addr.clone(), Outcome::Abandoned);
            self.result.abandoned.push(addr);
        }
    }

    /// A prepared operation that will not start, the run having stopped waiting.
    fn never_started(&mut self, id: NodeId, work: Work) {
        let object = self.object_of(id, &work);
        let (inst, action) = match work {
            Work::Apply(inst, Op::Apply { action, .. }) => (inst, action),
            Work::Apply(inst, _) => (inst, Action::Read),
            Work::Delete(inst, ..) => (inst, Action::Delete),
        };
        self.done(id, (inst, action, Err(Failure::from(Diagnostics::new()))));
        self.result.outcomes.insert(
            object,
            Outcome::Skipped("not started: the apply was interrupted".to_string()),
        );
    }

    /// A node just became ready: done at once when it calls nothing,
    /// queued otherwise.
    fn triage(&mut self, id: NodeId, opts: &Options<'_>) {
        if let Some(why) = self.failed_dependency(id) {
            self.skip(id, why);
            return;
        }
        if self.abandoned || opts.cancel.load(Ordering::SeqCst) {
            self.interrupted(id);
            return;
        }
        match self.graph.node(id) {
            Node::Join(_) => self.release(id),
            // Destroying needs no value of the configuration.
            Node::Object(_) if self.plan.destroy => self.release(id),
            Node::Object(o) if !matches!(o.item, Item::Resource(_)) => {
                self.eval.visit_item(&mut self.values, o, &mut self.result.diags);
                self.release(id);
            }
            _ => self.queue.push(self.priority[id], false, Queued::Node(id)),
        }
    }

    /// A queued node's turn: its operations are decided and queued (or, when
    /// it needs none, it is done).
    fn start_node(&mut self, id: NodeId, providers: &Providers, journal: &mut dyn JournalSink, opts: &Options<'_>) {
        if self.abandoned || opts.cancel.load(Ordering::SeqCst) {
            self.interrupted(id);
            return;
        }
        let work = match self.graph.node(id) {
            Node::Object(o) => self.prepare_resource(id, o, providers, journal),
            Node::Delete(inst) | Node::DeleteDeposed(inst, _) => self.prepare_delete(id, inst),
            Node::Join(_) => Vec::new(),
        };
        if work.is_empty() {
            if matches!(self.graph.node(id), Node::Object(_)) {
                self.complete(id, Vec::new());
            } else {
                self.release(id);
            }
            return;
        }
        self.outstanding[id] = work.len();
        for w in work {
            self.queue.push(self.priority[id], true, Queued::Op(id, Box::new(w)));
        }
    }

    fn prepare_resource(
        &mut self,
        id: NodeId,
        o: &crate::addrs::Object,
        providers: &Providers,
        journal: &mut dyn JournalSink,
    ) -> Vec<Work> {
        let (modules, ops) = prepare(
            &self.eval,
            &self.values,
            o,
            self.changes,
            &self.state,
            self.plan,
            providers,
            &mut self.result.diags,
        );
        let mut cloud = Vec::new();
        let mut keep = Vec::new();
        for (inst, op) in ops {
            match op {
                Op::Keep(v) => keep.push((inst, v)),
                Op::Failed(d) => {
                    self.result.diags.extend(d);
                    self.result.outcomes.insert(inst.clone().into(), Outcome::Failed);
                    self.failed[id] = Some(format!("{inst} could not be planned"));
                }
                op => cloud.push((inst, op)),
            }
        }
        // The old object of a create_before_destroy replacement is deposed,
        // durably, before the new one is created: a crash from here on
        // leaves both in state.
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
            if let Some(key) = self.state.depose(inst) {
                self.journal.push(JournalEntry::Depose {
                    address: inst.to_string(),
                    deposed: key.clone(),
                });
                self.deposing.insert(inst.clone(), key);
            }
        }
        self.flush(journal);
        self.kept.insert(id, Kept { modules, values: keep });
        cloud.into_iter().map(|(inst, op)| Work::Apply(inst, op)).collect()
    }

    fn prepare_delete(&mut self, id: NodeId, inst: &Instance) -> Vec<Work> {
        let (prior, object) = match self.graph.node(id) {
            Node::DeleteDeposed(_, key) => (
                self.state.deposed.get(&(inst.clone(), key.clone())),
                ObjectAddr::deposed(inst.clone(), key.clone()),
            ),
            // A create-before-destroy replacement's new object is at the
            // address by now: what is deleted is the old one, deposed
            // before the create.
            _ => match self.changes.get(inst).map(|c| c.action) {
                Some(Action::CreateThenDelete) => (
                    self.deposing
                        .get(inst)
                        .and_then(|k| self.state.deposed.get(&(inst.clone(), k.clone()))),
                    inst.clone().into(),
                ),
                _ => (self.state.resources.get(inst), inst.clone().into()),
            },
        };
        let Some(prior) = prior.map(|r| r.value.clone()) else {
            self.result.outcomes.insert(object, Outcome::Deleted);
            return Vec::new();
        };
        let provider = self.eval.delete_provider_config(&self.plan.variables, inst);
        vec![Work::Delete(inst.clone(), prior, provider)]
    }

    /// Every operation of a node is done: its results are recorded, and
    /// what waits for it may start.
    fn complete(&mut self, id: NodeId, results: Vec<OpResult>) {
        let node = self.graph.node(id);
        let applied: Vec<(Instance, Value)> = results
            .iter()
            .filter(|(_, action, _)| *action != Action::Delete)
            .filter_map(|(inst, _, r)| Some((inst.clone(), r.as_ref().ok()?.clone())))
            .collect();
        let ok = match node {
            Node::Object(_) => record(
                node,
                results,
                self.changes,
                &mut self.state,
                &mut self.values,
                self.kept.remove(&id),
                &mut self.deposing,
                &mut self.journal,
                self.config,
                &mut self.result,
            ),
            _ => delete::record(
                node,
                results,
                &mut self.state,
                &mut self.deposing,
                &mut self.journal,
                self.config,
                &mut self.result,
            ),
        };
        let held = match node {
            Node::Object(o) => postconditions(&self.eval, &self.values, o, &applied, &mut self.result.diags),
            _ => true,
        };
        if !ok || !held {
            self.failed[id] = Some(format!("{} failed", node.name()));
        }
        self.release(id);
    }

    fn release(&mut self, id: NodeId) {
        for &d in self.graph.dependents(id) {
            self.waiting[d] -= 1;
            if self.waiting[d] == 0 {
                self.ready.push_back(d);
            }
        }
    }

    /// Why a node cannot be attempted: one of its dependencies did not
    /// succeed (through a join, what the join waited for).
    fn failed_dependency(&self, id: NodeId) -> Option<String> {
        let d = *self.graph.deps(id).iter().find(|&&d| self.failed[d].is_some())?;
        match self.graph.node(d) {
            Node::Join(_) => self.failed[d].clone(),
            other => Some(format!("not attempted: {} did not succeed", other.name())),
        }
    }

    fn interrupted(&mut self, id: NodeId) {
        self.result.interrupted = true;
        self.skip(id, "not started: the apply was interrupted".to_string());
    }

    /// A node is not attempted: each object it would have changed says why,
    /// and so does the node, for what depends on it.
    fn skip(&mut self, id: NodeId, why: String) {
        let mut mark = |o: ObjectAddr| {
            self.result
                .outcomes
                .entry(o)
                .or_insert_with(|| Outcome::Skipped(why.clone()));
        };
        match self.graph.node(id) {
            Node::Delete(i) => mark(i.clone().into()),
            Node::DeleteDeposed(i, k) => mark(ObjectAddr::deposed(i.clone(), k.clone())),
            Node::Object(o) if o.config_resource().is_some() => {
                for &ci in self.graph.changes(id) {
                    let c = &self.plan.changes[ci];
                    if !matches!(c.action, Action::NoOp | Action::Delete) {
                        mark(c.addr.clone().into());
                    }
                }
            }
            Node::Object(_) | Node::Join(_) => {}
        }
        self.failed[id] = Some(why);
        self.release(id);
    }

    fn flush(&mut self, journal: &mut dyn JournalSink) {
        if let Err(e) = journal.append(&self.journal) {
            self.result
                .diags
                .push(Diagnostic::error("Cannot write the state journal").with_detail(e.to_string()));
        }
        self.journal.clear();
    }
}

/// Sends one operation to the provider.
/// Its result comes with the warnings the provider gave with a success.
fn start<'p>(providers: &'p Providers, n: u64, id: NodeId, work: Work, now: SystemTime) -> BoxFuture<'p, Finished> {
    async move {
        let (r, warnings) = match work {
            Work::Apply(inst, op) => (run_op(providers, inst, op, now).await, Diagnostics::new()),
            Work::Delete(inst, prior, provider) => delete::run(providers, inst, prior, provider, now).await,
        };
        (n, id, r, warnings)
    }
    .boxed()
}

#[cfg(test)]
mod tests;
