//! The apply graph: what each step of an apply waits for.
//!
//! Nodes are the configuration's objects (a variable, a local, an output, a
//! module call, a resource block with all its instances), one node per
//! object being destroyed (an instance's current object, the old object of
//! a replacement, or a deposed object), and joins, each standing for "every
//! destroy that must come before the destroys of one resource". The graph is
//! built once per apply, for creates, updates, replacements and destroys
//! alike, in time linear in its nodes and edges: addresses are interned to
//! indices first, and no address is compared as a string while edges are
//! made.
//!
//! The destroy edges are derived as Terraform derives them (its
//! DestroyEdgeTransformer and CBDEdgeTransformer), from the dependencies
//! state recorded for each object (the configuration's for an object state
//! does not hold yet):
//! - a replacement's create waits for its delete; with create_before_destroy
//!   (and for every deposed object) the delete waits for the create;
//! - a create, update or read waits for the destroys of the resources it
//!   depended on; when such a destroy is create_before_destroy, the destroy
//!   waits for it instead (the dependent lets go of the old object first);
//! - a destroy waits for the destroys of everything that depended on it;
//! - a create or update of a resource that a destroyed object depended on
//!   waits for that destroy (reversed when the destroy is
//!   create_before_destroy);
//! - instances in two different instances of one module are never ordered
//!   by these rules: a module's recorded dependencies are within one instance.
//!
//! It must not run, evaluate or read anything: the executor walks it and the
//! scheduler weighs it. A cycle is an error naming the nodes that form it.

use crate::addrs::{Instance, Item, Mode, ModuleInstance, ModulePath, Object, Resource};
use crate::graph::ObjectGraph;
use crate::plan::{Action, Plan, ResourceChange};
use crate::state::deposed::{DeposedKey, ObjectAddr};
use crate::state::State;
use petgraph::visit::EdgeRef;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// A node's index in its graph.
pub type NodeId = usize;

/// One step of an apply.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// An object of the configuration; for a resource, the creates, updates
    /// and reads of all its instances.
    Object(Object),
    /// The destroy of an instance's current object, or of the old object of
    /// its replacement.
    Delete(Instance),
    /// The destroy of a deposed object the plan found in state.
    DeleteDeposed(Instance, DeposedKey),
    /// Nothing to do: it stands for every destroy that the destroys of one
    /// resource (named here) wait for, so that n dependents and m
    /// dependencies take n + m edges instead of n × m.
    Join(String),
}

impl Node {
    /// How the node is named in messages.
    pub fn name(&self) -> String {
        match self {
            Node::Object(o) => o.to_string(),
            Node::Delete(i) => format!("destroying {i}"),
            Node::DeleteDeposed(i, k) => format!("destroying {}", ObjectAddr::deposed(i.clone(), k.clone())),
            Node::Join(what) => format!("what must be destroyed before {what}"),
        }
    }
}

/// The apply graph, with each node's dependencies and dependents.
#[derive(Debug)]
pub struct ApplyGraph {
    nodes: Vec<Node>,
    /// What each node waits for.
    deps: Vec<Vec<NodeId>>,
    /// What waits for each node.
    dependents: Vec<Vec<NodeId>>,
    /// The plan's changes (indices into `Plan::changes`) each node carries
    /// out: a resource node's changes to its instances' current objects, a
    /// delete node's one change.
    changes: Vec<Vec<usize>>,
    /// Every node after everything it waits for.
    order: Vec<NodeId>,
    /// Each configuration object's node.
    objects: HashMap<Object, NodeId>,
}

impl ApplyGraph {
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn edge_count(&self) -> usize {
        self.deps.iter().map(Vec::len).sum()
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    pub fn deps(&self, id: NodeId) -> &[NodeId] {
        &self.deps[id]
    }

    pub fn dependents(&self, id: NodeId) -> &[NodeId] {
        &self.dependents[id]
    }

    /// The indices into `Plan::changes` that the node carries out.
    pub fn changes(&self, id: NodeId) -> &[usize] {
        &self.changes[id]
    }

    /// Every node, each after everything it waits for.
    pub fn order(&self) -> &[NodeId] {
        &self.order
    }

    /// A configuration object's node.
    pub fn object(&self, o: &Object) -> Option<NodeId> {
        self.objects.get(o).copied()
    }
}

/// The apply graph has a cycle: these nodes, each waiting for the next and
/// the last for the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle(pub Vec<Node>);

impl std::fmt::Display for Cycle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.0.iter().map(Node::name).collect();
        write!(f, "{}", names.join(" waits for "))?;
        if let Some(first) = self.0.first() {
            write!(f, ", which waits for {}", first.name())?;
        }
        Ok(())
    }
}

/// Builds the apply graph of `plan`, whose prior objects `state` holds,
/// over the configuration's object graph.
pub fn build(objects: &ObjectGraph, plan: &Plan, state: &State) -> Result<ApplyGraph, Cycle> {
    let mut b = Builder::default();

    // The configuration's objects, each waiting for what it refers to (its
    // node id is its index in the object graph).
    for o in objects.graph.node_weights() {
        b.node(Node::Object(o.clone()));
    }
    for e in objects.graph.edge_references() {
        b.wait(e.source().index(), e.target().index());
    }

    // Addresses to indices, once per change and once per recorded dependency.
    let mut names = Names::new(objects);
    let at: Vec<At> = plan.changes.iter().map(|c| names.intern(&c.addr)).collect();

    // Each resource node carries out the changes to its instances' current objects.
    for (ci, c) in plan.changes.iter().enumerate() {
        if let (None, Some(o)) = (&c.deposed, names.object[at[ci].res]) {
            b.changes[o].push(ci);
        }
    }

    // Destroyers: a node per object being destroyed. Those of
    // create_before_destroy replacements, and of deposed objects (which only
    // create_before_destroy makes), are destroyed after what replaces them.
    let mut destroyers: Vec<(NodeId, usize)> = Vec::new();
    // The change each destroyer carries out, by its id less the first's.
    let first_destroyer = b.nodes.len();
    let mut destroyed: Vec<usize> = Vec::new();
    let mut cbd: HashSet<NodeId> = HashSet::default();
    let mut by_resource: Vec<Vec<NodeId>> = vec![Vec::new(); names.resources.len()];
    let mut by_resource_in: HashMap<(u32, u32), Vec<NodeId>> = HashMap::default();
    for (ci, c) in plan.changes.iter().enumerate().filter(|(_, c)| c.action.deletes()) {
        let d = b.node(match &c.deposed {
            Some(k) => Node::DeleteDeposed(c.addr.clone(), k.clone()),
            None => Node::Delete(c.addr.clone()),
        });
        b.changes[d].push(ci);
        destroyed.push(ci);
        if c.deposed.is_some() || c.action == Action::CreateThenDelete || c.create_before_destroy {
            cbd.insert(d);
        }
        destroyers.push((d, ci));
        by_resource[at[ci].res].push(d);
        by_resource_in
            .entry((at[ci].res as u32, at[ci].module))
            .or_default()
            .push(d);
    }
    let destroyers_of = |res: usize, from: At| -> &[NodeId] {
        if names.paths_of_resources[res] == names.path_of_module[from.module as usize] {
            by_resource_in
                .get(&(res as u32, from.module))
                .map_or(&[], Vec::as_slice)
        } else {
            &by_resource[res]
        }
    };

    // Creators: the changes that create, update, replace or read an
    // instance's current object, carried out by its resource's node.
    let creates = |c: &ResourceChange| {
        c.deposed.is_none()
            && matches!(
                c.action,
                Action::Create | Action::Update | Action::Read | Action::DeleteThenCreate | Action::CreateThenDelete
            )
    };
    let mut creator_of: HashMap<&Instance, usize> = HashMap::default();
    let mut creators_in: HashSet<(u32, u32)> = HashSet::default();
    let mut created: Vec<bool> = vec![false; names.resources.len()];
    for (ci, c) in plan.changes.iter().enumerate().filter(|(_, c)| creates(c)) {
        if names.object[at[ci].res].is_some() {
            creator_of.insert(&c.addr, ci);
            creators_in.insert((at[ci].res as u32, at[ci].module));
            created[at[ci].res] = true;
        }
    }

    // A replacement's create and delete, and a deposed object's delete and
    // its instance's create or update.
    for &(d, ci) in &destroyers {
        let c = &plan.changes[ci];
        let creator = match &c.deposed {
            Some(_) => creator_of.get(&c.addr).copied(),
            None if c.action.is_replace() => Some(ci),
            None => None,
        };
        if let Some(o) = creator.and_then(|cj| names.object[at[cj].res]) {
            b.order_with_destroy(o, d, cbd.contains(&d));
        }
    }

    // A create, update or read waits for the destroys of what it depended
    // on: once per resource node, dependency and module instance.
    let mut seen: HashSet<(NodeId, usize, u32)> = HashSet::default();
    for (&c, &ci) in &creator_of {
        let here = at[ci];
        let Some(o) = names.object[here.res] else { continue };
        let change = &plan.changes[ci];
        let recorded = match c.resource.mode {
            Mode::Data => change.dependencies.as_slice(),
            Mode::Managed => recorded(change, state),
        };
        for dep in recorded {
            let Some(&res) = names.by_name.get(dep.as_str()) else {
                continue;
            };
            if !seen.insert((o, res, here.module)) {
                continue;
            }
            for &d in destroyers_of(res, here) {
                b.order_with_destroy(o, d, cbd.contains(&d));
            }
        }
    }

    // A destroy comes before the destroys of what it depended on, and before
    // the creates and updates of what it depended on.
    let mut before: Vec<(Bucket, NodeId)> = Vec::new();
    for &(d, ci) in &destroyers {
        let here = at[ci];
        for dep in recorded(&plan.changes[ci], state) {
            let Some(&res) = names.by_name.get(dep.as_str()) else {
                continue;
            };
            let same_path = names.paths_of_resources[res] == names.path_of_module[here.module as usize];
            before.push((
                Bucket {
                    res,
                    module: if same_path { Some(here.module) } else { None },
                },
                d,
            ));
            let creating = match same_path {
                true => creators_in.contains(&(res as u32, here.module)),
                false => created[res],
            };
            if let (true, Some(o)) = (creating, names.object[res]) {
                if cbd.contains(&d) {
                    b.wait(d, o);
                } else {
                    b.wait(o, d);
                }
            }
        }
    }
    before.sort_unstable();
    before.dedup();
    for group in before.chunk_by(|a, b| a.0 == b.0) {
        let bucket = group[0].0;
        let targets: &[NodeId] = match bucket.module {
            Some(m) => by_resource_in.get(&(bucket.res as u32, m)).map_or(&[], Vec::as_slice),
            None => &by_resource[bucket.res],
        };
        let firsts: Vec<NodeId> = group.iter().map(|&(_, d)| d).collect();
        // A destroy among those it must come before (a resource recorded
        // as depending on itself): no join, which would wait for itself.
        let overlap = firsts.iter().any(|d| {
            let here = at[destroyed[d - first_destroyer]];
            here.res == bucket.res && bucket.module.is_none_or(|m| m == here.module)
        });
        if targets.len() > 1 && firsts.len() > 1 && !overlap {
            let label = match (bucket.module, targets.first().map(|&t| &b.nodes[t])) {
                (Some(_), Some(Node::Delete(i) | Node::DeleteDeposed(i, _))) => i.resource_in_module(),
                _ => names.names[bucket.res].clone(),
            };
            let join = b.node(Node::Join(label));
            for &d in &firsts {
                b.wait(join, d);
            }
            for &t in targets {
                b.wait(t, join);
            }
        } else {
            for &d in &firsts {
                for &t in targets {
                    b.wait(t, d);
                }
            }
        }
    }

    let objects_index = objects.index.iter().map(|(o, i)| (o.clone(), i.index())).collect();
    b.finish(objects_index)
}

/// The dependencies recorded for the object a change destroys or changes:
/// state's, or (for an object state does not hold) the configuration's.
fn recorded<'a>(c: &'a ResourceChange, state: &'a State) -> &'a [String] {
    match &c.deposed {
        Some(_) => &c.dependencies,
        None => state
            .resources
            .get(&c.addr)
            .map_or(c.dependencies.as_slice(), |r| r.dependencies.as_slice()),
    }
}

/// The destroys of one resource: in one module instance, or in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Bucket {
    res: usize,
    module: Option<u32>,
}

/// Where a change is: its resource and module instance, interned.
#[derive(Debug, Clone, Copy)]
struct At {
    res: usize,
    module: u32,
}

/// Interned addresses.
struct Names<'a> {
    objects: &'a ObjectGraph,
    modules: HashMap<&'a ModuleInstance, u32>,
    path_of_module: Vec<u32>,
    paths: HashMap<ModulePath, u32>,
    resources: HashMap<(u32, &'a Resource), usize>,
    paths_of_resources: Vec<u32>,
    /// Each resource's node, when the configuration declares it.
    object: Vec<Option<NodeId>>,
    /// Each resource's address as state records it.
    names: Vec<String>,
    by_name: HashMap<String, usize>,
}

impl<'a> Names<'a> {
    fn new(objects: &'a ObjectGraph) -> Names<'a> {
        Names {
            objects,
            modules: HashMap::default(),
            path_of_module: Vec::new(),
            paths: HashMap::default(),
            resources: HashMap::default(),
            paths_of_resources: Vec::new(),
            object: Vec::new(),
            names: Vec::new(),
            by_name: HashMap::default(),
        }
    }

    fn intern(&mut self, inst: &'a Instance) -> At {
        let module = match self.modules.get(&inst.module) {
            Some(&m) => m,
            None => {
                let path = inst.module.path();
                let next = self.paths.len() as u32;
                let p = *self.paths.entry(path).or_insert(next);
                let m = self.path_of_module.len() as u32;
                self.path_of_module.push(p);
                self.modules.insert(&inst.module, m);
                m
            }
        };
        let path = self.path_of_module[module as usize];
        if let Some(&res) = self.resources.get(&(path, &inst.resource)) {
            return At { res, module };
        }
        let res = self.names.len();
        let object = Object::new(inst.module.path(), Item::Resource(inst.resource.clone()));
        let name = inst.config_resource().to_string();
        self.resources.insert((path, &inst.resource), res);
        self.paths_of_resources.push(path);
        self.object.push(self.objects.index.get(&object).map(|i| i.index()));
        self.by_name.insert(name.clone(), res);
        self.names.push(name);
        At { res, module }
    }
}

#[derive(Default)]
struct Builder {
    nodes: Vec<Node>,
    changes: Vec<Vec<usize>>,
    /// (waiting, waited for)
    edges: Vec<(NodeId, NodeId)>,
}

impl Builder {
    fn node(&mut self, n: Node) -> NodeId {
        self.nodes.push(n);
        self.changes.push(Vec::new());
        self.nodes.len() - 1
    }

    /// `a` waits for `b`.
    fn wait(&mut self, a: NodeId, b: NodeId) {
        if a != b {
            self.edges.push((a, b));
        }
    }

    /// A create, update or read (`o`) and a destroy (`d`) it is ordered
    /// with: the create waits, unless the destroy is create_before_destroy.
    fn order_with_destroy(&mut self, o: NodeId, d: NodeId, cbd: bool) {
        if cbd {
            self.wait(d, o);
        } else {
            self.wait(o, d);
        }
    }

    fn finish(mut self, objects: HashMap<Object, NodeId>) -> Result<ApplyGraph, Cycle> {
        let n = self.nodes.len();
        self.edges.sort_unstable();
        self.edges.dedup();
        let mut deps = vec![Vec::new(); n];
        let mut dependents = vec![Vec::new(); n];
        for &(a, b) in &self.edges {
            deps[a].push(b);
            dependents[b].push(a);
        }
        // Kahn's algorithm: what is left over waits, through a cycle, for itself.
        let mut left: Vec<usize> = deps.iter().map(Vec::len).collect();
        let mut order: Vec<NodeId> = (0..n).filter(|&i| left[i] == 0).collect();
        let mut next = 0;
        while next < order.len() {
            for &d in &dependents[order[next]] {
                left[d] -= 1;
                if left[d] == 0 {
                    order.push(d);
                }
            }
            next += 1;
        }
        if order.len() < n {
            return Err(Cycle(
                cycle(&deps, &left).into_iter().map(|i| self.nodes[i].clone()).collect(),
            ));
        }
        Ok(ApplyGraph {
            nodes: self.nodes,
            deps,
            dependents,
            changes: self.changes,
            order,
            objects,
        })
    }
}

/// A cycle among the nodes Kahn's algorithm left (`left` > 0): following
/// any such node's unfinished dependencies must come back to a node seen.
fn cycle(deps: &[Vec<NodeId>], left: &[usize]) -> Vec<NodeId> {
    let Some(start) = (0..deps.len()).find(|&i| left[i] > 0) else {
        return Vec::new();
    };
    let mut seen_at: HashMap<NodeId, usize> = HashMap::default();
    let mut path = Vec::new();
    let mut at = start;
    loop {
        if let Some(&i) = seen_at.get(&at) {
            return path.split_off(i);
        }
        seen_at.insert(at, path.len());
        path.push(at);
        match deps[at].iter().find(|&&d| left[d] > 0) {
            Some(&d) => at = d,
            None => return path,
        }
    }
}

#[cfg(test)]
mod tests;
