//! The dependency graph.
//!
//! Two graphs, both with edges pointing from an object to what it depends on:
//! - the object graph ([`build`]): the variables, locals, resources, outputs
//!   and module calls of every module, as declared, before count/for_each;
//!   `core` walks it in dependency order;
//! - the instance graph ([`InstanceGraph`]): the same after expansion, with a
//!   node per module instance and resource instance; it is what `aksplan
//!   graph` prints.
//!
//! The object graph is built in named steps (see [`build`]). A cycle is a
//! diagnostic listing the cycle and pointing at each reference that forms it.

mod sites;

use crate::addrs::{ConfigResource, Instance, Item, ModuleInstance, ModulePath, Object};
use crate::config::{Config, Module};
use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::lang::refs::{references_with, Reference};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use rustc_hash::FxHashMap as HashMap;
use sites::object_sites;

/// Why one object depends on another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EdgeKind {
    /// An expression refers to it.
    Reference,
    /// `depends_on` names it.
    DependsOn,
    /// It is in the module a module call makes: the call's `count` or
    /// `for_each` says how many instances of it there are.
    InModule,
    /// Domain knowledge orders it, though no expression says so.
    Inferred(String),
}

impl EdgeKind {
    pub fn name(&self) -> &'static str {
        match self {
            EdgeKind::Reference => "reference",
            EdgeKind::DependsOn => "depends_on",
            EdgeKind::InModule => "module",
            EdgeKind::Inferred(_) => "inferred",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Edge {
    pub kind: EdgeKind,
    /// Where the dependency is written (the first place, when several).
    pub span: Option<Span>,
}

/// The graph of declared objects.
#[derive(Debug, Default)]
pub struct ObjectGraph {
    pub graph: DiGraph<Object, Edge>,
    pub index: HashMap<Object, NodeIndex>,
}

impl ObjectGraph {
    fn node(&mut self, o: Object) -> NodeIndex {
        if let Some(&i) = self.index.get(&o) {
            return i;
        }
        let i = self.graph.add_node(o.clone());
        self.index.insert(o, i);
        i
    }

    /// Adds `from -> to` once per kind; the first reference's span is kept.
    fn depend(&mut self, from: &Object, to: &Object, kind: EdgeKind, span: Option<Span>) {
        let (Some(&a), Some(&b)) = (self.index.get(from), self.index.get(to)) else {
            return;
        };
        if self
            .graph
            .edges_connecting(a, b)
            .any(|e| e.weight().kind.name() == kind.name())
        {
            return;
        }
        self.graph.add_edge(a, b, Edge { kind, span });
    }

    /// Objects in an order where each comes after everything it depends on.
    /// Only valid for an acyclic graph (see [`build`]).
    pub fn dependency_order(&self) -> Vec<Object> {
        match petgraph::algo::toposort(&self.graph, None) {
            Ok(order) => order.into_iter().rev().map(|i| self.graph[i].clone()).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// What `o` depends on directly.
    pub fn dependencies(&self, o: &Object) -> impl Iterator<Item = (&Object, &Edge)> {
        let i = self.index.get(o).copied();
        i.into_iter()
            .flat_map(move |i| self.graph.edges(i).map(|e| (&self.graph[e.target()], e.weight())))
    }

    /// The resources `o` depends on, directly or through variables, locals,
    /// outputs and module calls (not through other resources): what state
    /// records for ordering destroys, as Terraform records it.
    pub fn resource_dependencies(&self, o: &Object) -> Vec<ConfigResource> {
        let Some(&start) = self.index.get(o) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut seen = rustc_hash::FxHashSet::default();
        let mut stack = vec![start];
        while let Some(n) = stack.pop() {
            for e in self.graph.edges(n) {
                let t = e.target();
                if !seen.insert(t) {
                    continue;
                }
                match self.graph[t].config_resource() {
                    Some(r) if r.resource.mode == crate::addrs::Mode::Managed => out.push(r),
                    Some(_) => {}
                    None => stack.push(t),
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// Builds the object graph, in steps:
/// 1. a node for every declared object of every module;
/// 2. an edge for every reference in an expression, resolved in the module
///    the expression is evaluated in (a module call's arguments in the
///    caller), after checking that the referenced object exists and that
///    `count.index` and `each.*` are used where they mean something;
/// 3. an edge from every object of a called module to its call, whose
///    `count` or `for_each` says how many instances of the module there are;
/// 4. an edge for every `depends_on` entry (one on a module, to everything
///    in it; one on a module call, from everything in the module, through 3);
/// 5. an inferred edge where AKS needs an order the configuration does not
///    state (a role assignment before the cluster it enables), with why;
/// 6. cycle detection, reporting each cycle once.
///
/// Destroy order is derived by apply from these edges, reversed.
/// An ordering the domain requires though no reference says it: `from`
/// must come after `to`, for the reason given (a namespace registered
/// before its resources). The rules find them; the graph takes them.
pub type Inferred = (Object, Object, String);

pub fn build(config: &Config, inferred: &[Inferred]) -> (ObjectGraph, Diagnostics) {
    let mut g = ObjectGraph::default();
    let mut diags = Diagnostics::new();
    add_nodes(config, &mut g);
    add_reference_edges(config, &mut g, &mut diags);
    add_module_edges(config, &mut g);
    add_depends_on_edges(config, &mut g, &mut diags);
    add_provider_edges(config, &mut g, &mut diags);
    add_inferred_edges(inferred, &mut g);
    diags.extend(find_cycles(&g, config));
    (g, diags)
}

/// The objects a module declares.
fn module_objects(m: &Module) -> impl Iterator<Item = Object> + '_ {
    let o = move |item| Object::new(m.path.clone(), item);
    m.variables
        .keys()
        .map(move |n| o(Item::Variable(n.clone())))
        .chain(m.locals.keys().map(move |n| o(Item::Local(n.clone()))))
        .chain(m.resources.keys().map(move |r| o(Item::Resource(r.clone()))))
        .chain(m.outputs.keys().map(move |n| o(Item::Output(n.clone()))))
        .chain(m.calls.keys().map(move |n| o(Item::ModuleCall(n.clone()))))
        .chain(m.providers.iter().map(move |p| o(Item::Provider(p.key()))))
}

/// Step 1.
fn add_nodes(config: &Config, g: &mut ObjectGraph) {
    for m in config.modules.values() {
        for o in module_objects(m) {
            g.node(o);
        }
    }
}

/// Step 2.
fn add_reference_edges(config: &Config, g: &mut ObjectGraph, diags: &mut Diagnostics) {
    let objects: Vec<Object> = g.graph.node_weights().cloned().collect();
    for o in &objects {
        for site in object_sites(config, o) {
            for r in references_with(site.expr, &site.bound) {
                let span = Span::new(site.file, r.span.clone());
                match target(config, &site.scope(), &r.reference) {
                    Ok(targets) => {
                        // A variable's validation refers to the variable itself.
                        let validation_of_itself = |t: &Object| t == o && matches!(o.item, Item::Variable(_));
                        for t in targets.into_iter().filter(|t| !validation_of_itself(t)) {
                            g.depend(o, &t, EdgeKind::Reference, Some(span));
                        }
                    }
                    Err((message, help)) => diags.push(
                        Diagnostic::error("Reference to undeclared or invalid name")
                            .with_detail(message)
                            .with_span(span)
                            .with_opt_help(help),
                    ),
                }
            }
        }
    }
}

/// Checks the references of an expression evaluated in `module` that is not
/// part of the configuration (what `console` is given).
pub fn check_expression(
    config: &Config,
    module: &ModulePath,
    expr: &hcl_edit::expr::Expression,
    file: crate::diag::FileId,
) -> Diagnostics {
    let scope = Scope {
        module,
        count: false,
        each: false,
        with_self: false,
    };
    let mut diags = Diagnostics::new();
    for r in crate::lang::refs::references(expr) {
        if let Err((message, help)) = target(config, &scope, &r.reference) {
            diags.push(
                Diagnostic::error("Reference to undeclared or invalid name")
                    .with_detail(message)
                    .with_span(Span::new(file, r.span.clone()))
                    .with_opt_help(help),
            );
        }
    }
    diags
}

impl Diagnostic {
    fn with_opt_help(self, help: Option<String>) -> Diagnostic {
        match help {
            Some(h) => self.with_help(h),
            None => self,
        }
    }
}

type TargetError = (String, Option<String>);

fn suggest(name: &str, names: Vec<&str>) -> Option<String> {
    crate::lang::eval::suggest(name, names.into_iter()).map(|s| format!("did you mean {s}?"))
}

/// Where an expression is evaluated: its module, and whether `count.index`
/// and `each.*` mean something there.
pub struct Scope<'a> {
    pub module: &'a ModulePath,
    pub count: bool,
    pub each: bool,
    /// Whether `self` means something: in a postcondition.
    pub with_self: bool,
}

/// What a reference made in `at` points at: nothing for references that
/// are not objects (`path.module`, `count.index`); the outputs it needs for
/// a module; an error when undeclared or out of place.
fn target(config: &Config, at: &Scope, r: &Reference) -> Result<Vec<Object>, TargetError> {
    let scope = at.module;
    let Some(m) = config.module(scope) else {
        return Ok(Vec::new());
    };
    let here = |item| vec![Object::new(scope.clone(), item)];
    let in_module = if scope.is_root() {
        String::new()
    } else {
        format!(" in {scope}")
    };
    match r {
        Reference::Var(n) if m.variables.contains_key(n) => Ok(here(Item::Variable(n.clone()))),
        Reference::Var(n) => Err((
            format!("var.{n} is not declared{in_module}"),
            suggest(n, m.variables.keys().map(String::as_str).collect())
                .or_else(|| Some(format!("declare it: variable {n:?} {{}}"))),
        )),
        Reference::Local(n) if m.locals.contains_key(n) => Ok(here(Item::Local(n.clone()))),
        Reference::Local(n) => Err((
            format!("local.{n} is not declared{in_module}"),
            suggest(n, m.locals.keys().map(String::as_str).collect()),
        )),
        Reference::Resource(addr) if m.resources.contains_key(addr) => Ok(here(Item::Resource(addr.clone()))),
        Reference::Resource(addr) => {
            let same_type: Vec<&str> = m
                .resources
                .keys()
                .filter(|a| a.mode == addr.mode && a.type_name == addr.type_name)
                .map(|a| a.name.as_str())
                .collect();
            let help = suggest(&addr.name, same_type).or_else(|| {
                let known_type = config.schema(addr.mode, &addr.type_name).is_some();
                (!known_type && addr.mode == crate::addrs::Mode::Managed)
                    .then(|| format!("{:?} is neither a resource type nor a known name", addr.type_name))
            });
            let place = if scope.is_root() {
                "this configuration".to_string()
            } else {
                scope.to_string()
            };
            Err((format!("{addr} is not declared in {place}"), help))
        }
        Reference::Module { name, output } => {
            let Some(child) = config.module(&scope.child(name)) else {
                if m.calls.contains_key(name) {
                    // The call is there but its module could not be loaded: that error is reported.
                    return Ok(Vec::new());
                }
                return Err((
                    format!("no module call named {name:?} is declared{in_module}"),
                    suggest(name, m.calls.keys().map(String::as_str).collect()),
                ));
            };
            let outputs = |names: Vec<String>| -> Vec<Object> {
                names
                    .into_iter()
                    .map(|o| Object::new(child.path.clone(), Item::Output(o)))
                    .chain(std::iter::once(Object::new(
                        scope.clone(),
                        Item::ModuleCall(name.clone()),
                    )))
                    .collect()
            };
            match output {
                Some(o) if child.outputs.contains_key(o) => Ok(outputs(vec![o.clone()])),
                Some(o) => Err((
                    format!("module.{name} has no output named {o:?}"),
                    suggest(o, child.outputs.keys().map(String::as_str).collect())
                        .or_else(|| Some(format!("declare it in {}: output {o:?} {{ value = ... }}", child.path))),
                )),
                None => Ok(outputs(child.outputs.keys().cloned().collect())),
            }
        }
        Reference::CountIndex | Reference::EachKey | Reference::EachValue => {
            let ok = match r {
                Reference::CountIndex => at.count,
                _ => at.each,
            };
            if ok {
                Ok(Vec::new())
            } else {
                let needs = if *r == Reference::CountIndex {
                    "count"
                } else {
                    "for_each"
                };
                Err((
                    format!("{r} can be used only in a resource, data or module block that sets {needs}"),
                    None,
                ))
            }
        }
        Reference::Path(_) | Reference::TerraformWorkspace => Ok(Vec::new()),
        Reference::SelfObject if at.with_self => Ok(Vec::new()),
        Reference::SelfObject => Err((
            "\"self\" can be used only in a resource's or data source's postcondition, for the object itself".into(),
            None,
        )),
    }
}

/// Step 3.
fn add_module_edges(config: &Config, g: &mut ObjectGraph) {
    for m in config.modules.values() {
        let Some((parent, call)) = m.path.parent() else {
            continue;
        };
        let call = Object::new(parent, Item::ModuleCall(call.to_string()));
        for o in module_objects(m) {
            g.depend(&o, &call, EdgeKind::InModule, None);
        }
    }
}

/// Step 4.
fn add_depends_on_edges(config: &Config, g: &mut ObjectGraph, diags: &mut Diagnostics) {
    let mut entries = Vec::new();
    for m in config.modules.values() {
        let o = |item| Object::new(m.path.clone(), item);
        for (addr, r) in &m.resources {
            entries.extend(r.depends_on.iter().map(|d| (o(Item::Resource(addr.clone())), d)));
        }
        for (name, out) in &m.outputs {
            entries.extend(out.depends_on.iter().map(|d| (o(Item::Output(name.clone())), d)));
        }
        for (name, c) in &m.calls {
            entries.extend(c.depends_on.iter().map(|d| (o(Item::ModuleCall(name.clone())), d)));
        }
    }
    for (from, d) in entries {
        let scope = Scope {
            module: &from.module,
            count: false,
            each: false,
            with_self: false,
        };
        let targets = match &d.reference {
            // On a module: on everything in it, however deep.
            Reference::Module { name, .. } => {
                let path = from.module.child(name);
                if config.module(&path).is_none()
                    && !config.module(&from.module).is_some_and(|m| m.calls.contains_key(name))
                {
                    Err((format!("no module call named {name:?} is declared"), None))
                } else {
                    Ok(config
                        .modules
                        .values()
                        .filter(|m| m.path.starts_with(&path))
                        .flat_map(module_objects)
                        .filter(|o| matches!(o.item, Item::Resource(_) | Item::Output(_)))
                        .collect())
                }
            }
            other => target(config, &scope, other),
        };
        match targets {
            Ok(ts) => {
                for t in ts {
                    g.depend(&from, &t, EdgeKind::DependsOn, Some(d.span));
                }
            }
            Err((message, help)) => diags.push(
                Diagnostic::error("Invalid depends_on reference")
                    .with_detail(message)
                    .with_span(d.span)
                    .with_opt_help(help),
            ),
        }
    }
}

/// Each resource depends on the provider configuration it uses, where a
/// block writes one; an alias nobody declares is an error.
fn add_provider_edges(config: &Config, g: &mut ObjectGraph, diags: &mut Diagnostics) {
    for (addr, res) in config.resources() {
        match crate::config::providers::resolve(config, &addr.module, res) {
            Ok(Some(p)) => {
                let from = Object::new(addr.module.clone(), Item::Resource(addr.resource.clone()));
                g.depend(
                    &from,
                    &Object::new(p.module.clone(), Item::Provider(p.key())),
                    EdgeKind::Reference,
                    None,
                );
            }
            Ok(None) => {}
            Err(d) => diags.push(d),
        }
    }
}

/// Step 5. Only where nothing already orders the two, either way: an
/// inferred order never closes a cycle the configuration did not write.
fn add_inferred_edges(inferred: &[Inferred], g: &mut ObjectGraph) {
    for (from, to, reason) in inferred {
        if let (Some(&a), Some(&b)) = (g.index.get(from), g.index.get(to)) {
            let ordered = |x, y| petgraph::algo::has_path_connecting(&g.graph, x, y, None);
            if !ordered(a, b) && !ordered(b, a) {
                g.depend(from, to, EdgeKind::Inferred(reason.clone()), None);
            }
        }
    }
}

/// Step 6: one diagnostic per strongly connected component with a cycle.
fn find_cycles(g: &ObjectGraph, config: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for scc in petgraph::algo::tarjan_scc(&g.graph) {
        let self_loop = scc.len() == 1 && g.graph.contains_edge(scc[0], scc[0]);
        if scc.len() < 2 && !self_loop {
            continue;
        }
        let cycle = cycle_in(g, &scc);
        let names: Vec<String> = cycle.iter().map(|&i| g.graph[i].to_string()).collect();
        let mut text = names.join(" → ");
        text.push_str(" → ");
        text.push_str(&names[0]);
        let mut d = Diagnostic::error("Dependency cycle").with_detail(text);
        for (k, &from) in cycle.iter().enumerate() {
            let to = cycle[(k + 1) % cycle.len()];
            if let Some(e) = g.graph.edges_connecting(from, to).next() {
                if let Some(span) = e.weight().span {
                    let msg = format!("{} refers to {}", g.graph[from], g.graph[to]);
                    if d.span.is_none() {
                        d = d.with_span(span);
                    }
                    d = d.with_label(span, msg);
                }
            }
        }
        if d.span.is_none() {
            d = d.with_opt_span(first_decl(config, &g.graph[cycle[0]]));
        }
        out.push(d.with_help("break the cycle: one of these values must not depend on the others"));
    }
    out
}

/// A simple cycle through the component's smallest node, following edges inside it.
fn cycle_in(g: &ObjectGraph, scc: &[NodeIndex]) -> Vec<NodeIndex> {
    let start = *scc.iter().min_by_key(|&&i| &g.graph[i]).unwrap_or(&scc[0]);
    let inside = |i: NodeIndex| scc.contains(&i);
    // Breadth-first search for the shortest way back to `start`.
    let mut prev: HashMap<NodeIndex, NodeIndex> = HashMap::default();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        let mut next: Vec<NodeIndex> = g.graph.neighbors(n).filter(|&m| inside(m)).collect();
        next.sort_by_key(|&m| &g.graph[m]);
        for m in next {
            if m == start {
                let mut path = vec![n];
                let mut cur = n;
                while cur != start {
                    cur = prev[&cur];
                    path.push(cur);
                }
                path.reverse();
                path.dedup();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = prev.entry(m) {
                e.insert(n);
                queue.push_back(m);
            }
        }
    }
    vec![start]
}

fn first_decl(config: &Config, o: &Object) -> Option<Span> {
    let m = config.module(&o.module)?;
    match &o.item {
        Item::Variable(n) => m.variables.get(n).map(|v| v.span),
        Item::Local(n) => m.locals.get(n).map(|l| l.span),
        Item::Resource(a) => m.resources.get(a).map(|r| r.span),
        Item::Output(n) => m.outputs.get(n).map(|o| o.span),
        Item::ModuleCall(n) => m.calls.get(n).map(|c| c.span),
        Item::Provider(k) => m.providers.iter().find(|p| &p.key() == k).map(|p| p.span),
    }
}

/// A node of the instance graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// A variable, local, output or module call of one module instance.
    Item(ModuleInstance, Item),
    Instance(Instance),
}

impl std::fmt::Display for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Node::Item(m, item) if m.is_root() => write!(f, "{item}"),
            Node::Item(m, item) => write!(f, "{m}.{item}"),
            Node::Instance(i) => write!(f, "{i}"),
        }
    }
}

impl Node {
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Item(_, Item::Variable(_)) => "variable",
            Node::Item(_, Item::Local(_)) => "local",
            Node::Item(_, Item::Output(_)) => "output",
            Node::Item(_, Item::ModuleCall(_)) => "module",
            Node::Item(_, Item::Provider(_)) => "provider",
            Node::Item(_, Item::Resource(_)) => "resource",
            Node::Instance(i) if i.resource.mode == crate::addrs::Mode::Data => "data",
            Node::Instance(_) => "resource",
        }
    }
}

/// What count and for_each expanded to: module instances and resource instances.
#[derive(Debug, Default)]
pub struct Expansion {
    pub modules: HashMap<ModulePath, Vec<ModuleInstance>>,
    pub resources: HashMap<ConfigResource, Vec<Instance>>,
}

/// The graph after count/for_each expansion.
#[derive(Debug, Default)]
pub struct InstanceGraph {
    pub graph: DiGraph<Node, Edge>,
}

impl InstanceGraph {
    /// Expands the object graph: each object becomes one node per instance
    /// of its module (a resource, one per instance of it), and an edge
    /// between two objects joins their nodes in the same module instance,
    /// or every pair when the two are in different modules.
    pub fn expand(objects: &ObjectGraph, expansion: &Expansion) -> InstanceGraph {
        let mut g = InstanceGraph::default();
        let mut nodes: HashMap<&Object, Vec<(ModuleInstance, NodeIndex)>> = HashMap::default();
        let mut order: Vec<&Object> = objects.graph.node_weights().collect();
        order.sort();
        let no_instances = Vec::new();
        for o in order {
            let instances = expansion.modules.get(&o.module).unwrap_or(&no_instances);
            let idx: Vec<(ModuleInstance, NodeIndex)> = match &o.item {
                Item::Resource(_) => o
                    .config_resource()
                    .and_then(|r| expansion.resources.get(&r))
                    .map(|is| {
                        is.iter()
                            .map(|i| (i.module.clone(), g.graph.add_node(Node::Instance(i.clone()))))
                            .collect()
                    })
                    .unwrap_or_default(),
                item => instances
                    .iter()
                    .map(|mi| (mi.clone(), g.graph.add_node(Node::Item(mi.clone(), item.clone()))))
                    .collect(),
            };
            nodes.insert(o, idx);
        }
        for e in objects.graph.edge_references() {
            let (a, b) = (&objects.graph[e.source()], &objects.graph[e.target()]);
            let same_module = a.module == b.module;
            for (ma, na) in &nodes[a] {
                for (mb, nb) in &nodes[b] {
                    if !same_module || ma == mb {
                        g.graph.add_edge(*na, *nb, e.weight().clone());
                    }
                }
            }
        }
        g
    }
}

#[cfg(test)]
mod tests;
