//! The dependency graph.
//!
//! Two graphs, both with edges pointing from an object to what it depends on:
//! - the object graph ([`build`]): variables, locals, resources and outputs as
//!   declared, before count/for_each; `core` walks it in dependency order;
//! - the instance graph ([`InstanceGraph`]): the same after expansion, with a
//!   node per resource instance; it is what `aksplan graph` prints and what
//!   apply will walk.
//!
//! The object graph is built in named steps (see [`build`]). A cycle is a
//! diagnostic listing the cycle and pointing at each reference that forms it.

use crate::addrs::{Instance, Object};
use crate::config::{Config, Expr};
use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::lang::refs::{references_with, Reference};
use hcl_edit::structure::{Body, Structure};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use rustc_hash::FxHashMap as HashMap;

/// Why one object depends on another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EdgeKind {
    /// An expression refers to it.
    Reference,
    /// `depends_on` names it.
    DependsOn,
    /// Domain knowledge orders it, though no expression says so.
    Inferred(String),
}

impl EdgeKind {
    pub fn name(&self) -> &'static str {
        match self {
            EdgeKind::Reference => "reference",
            EdgeKind::DependsOn => "depends_on",
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

    /// Adds `from -> to` once; the first reference's span is kept.
    fn depend(&mut self, from: &Object, to: &Object, kind: EdgeKind, span: Option<Span>) {
        let (a, b) = (self.index[from], self.index[to]);
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
        let i = self.index[o];
        self.graph.edges(i).map(|e| (&self.graph[e.target()], e.weight()))
    }
}

/// Builds the object graph, in steps:
/// 1. a node for every declared object;
/// 2. an edge for every reference in an expression, after checking that the
///    referenced object exists and that `count.index` and `each.*` are used
///    where they mean something;
/// 3. an edge for every `depends_on` entry;
/// 4. an inferred edge where AKS needs an order the configuration does not
///    state (a role assignment before the cluster it enables), with why;
/// 5. cycle detection, reporting each cycle once.
///
/// Destroy order is derived by apply from these edges, reversed.
pub fn build(config: &Config) -> (ObjectGraph, Diagnostics) {
    let mut g = ObjectGraph::default();
    let mut diags = Diagnostics::new();
    add_nodes(config, &mut g);
    add_reference_edges(config, &mut g, &mut diags);
    add_depends_on_edges(config, &mut g, &mut diags);
    add_inferred_edges(config, &mut g);
    diags.extend(find_cycles(&g, config));
    (g, diags)
}

/// Step 1.
fn add_nodes(config: &Config, g: &mut ObjectGraph) {
    for name in config.variables.keys() {
        g.node(Object::Variable(name.clone()));
    }
    for name in config.locals.keys() {
        g.node(Object::Local(name.clone()));
    }
    for addr in config.resources.keys() {
        g.node(Object::Resource(addr.clone()));
    }
    for name in config.outputs.keys() {
        g.node(Object::Output(name.clone()));
    }
}

/// An expression to scan for references, with the names bound around it
/// (dynamic block iterators).
struct Site<'c> {
    expr: &'c hcl_edit::expr::Expression,
    file: crate::diag::FileId,
    bound: Vec<String>,
}

/// Collects a body's expressions.
fn body_exprs<'c>(body: &'c Body, file: crate::diag::FileId, bound: &mut Vec<String>, out: &mut Vec<Site<'c>>) {
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => out.push(Site {
                expr: &a.value,
                file,
                bound: bound.clone(),
            }),
            Structure::Block(b) if b.ident.as_str() == "dynamic" => {
                let iterator = b
                    .body
                    .get_attribute("iterator")
                    .and_then(|a| match &a.value {
                        hcl_edit::expr::Expression::Variable(v) => Some(v.as_str().to_string()),
                        _ => None,
                    })
                    .or_else(|| b.labels.first().map(|l| l.as_str().to_string()));
                if let Some(fe) = b.body.get_attribute("for_each") {
                    out.push(Site {
                        expr: &fe.value,
                        file,
                        bound: bound.clone(),
                    });
                }
                let pushed = iterator.is_some();
                if let Some(it) = iterator {
                    bound.push(it);
                }
                for content in b.body.get_blocks("content") {
                    body_exprs(&content.body, file, bound, out);
                }
                if pushed {
                    bound.pop();
                }
            }
            Structure::Block(b) => body_exprs(&b.body, file, bound, out),
        }
    }
}

fn site(e: &Expr) -> Site<'_> {
    Site {
        expr: &e.expr,
        file: e.file,
        bound: Vec::new(),
    }
}

/// Every expression an object evaluates, for reference edges.
fn object_exprs<'c>(config: &'c Config, o: &Object) -> Vec<Site<'c>> {
    match o {
        Object::Variable(_) => Vec::new(),
        Object::Local(n) => vec![site(&config.locals[n].expr)],
        Object::Output(n) => vec![site(&config.outputs[n].value)],
        Object::Resource(addr) => {
            let r = &config.resources[addr];
            let mut out: Vec<Site> = r.count.iter().chain(&r.for_each).map(site).collect();
            body_exprs(&r.body, r.file, &mut Vec::new(), &mut out);
            out
        }
    }
}

/// Step 2.
fn add_reference_edges(config: &Config, g: &mut ObjectGraph, diags: &mut Diagnostics) {
    let objects: Vec<Object> = g.graph.node_weights().cloned().collect();
    for o in &objects {
        for site in object_exprs(config, o) {
            for r in references_with(site.expr, &site.bound) {
                let span = Span::new(site.file, r.span.clone());
                match target(config, o, &r.reference) {
                    Ok(Some(t)) => g.depend(o, &t, EdgeKind::Reference, Some(span)),
                    Ok(None) => {}
                    Err(message) => diags.push(
                        Diagnostic::error("Reference to undeclared or invalid name")
                            .with_detail(message.0)
                            .with_span(span)
                            .with_opt_help(message.1),
                    ),
                }
            }
        }
    }
}

impl Diagnostic {
    fn with_opt_help(self, help: Option<String>) -> Diagnostic {
        match help {
            Some(h) => self.with_help(h),
            None => self,
        }
    }
}

/// The object a reference from `from` points at: `None` for references that
/// are not objects (`path.module`, `count.index`); an error when undeclared
/// or out of place.
fn target(config: &Config, from: &Object, r: &Reference) -> Result<Option<Object>, (String, Option<String>)> {
    let suggest = |name: &str, names: Vec<&str>| {
        crate::lang::eval::suggest(name, names.into_iter()).map(|s| format!("did you mean {s}?"))
    };
    match r {
        Reference::Var(n) if config.variables.contains_key(n) => Ok(Some(Object::Variable(n.clone()))),
        Reference::Var(n) => Err((
            format!("var.{n} is not declared"),
            suggest(n, config.variables.keys().map(String::as_str).collect())
                .or_else(|| Some(format!("declare it: variable {n:?} {{}}"))),
        )),
        Reference::Local(n) if config.locals.contains_key(n) => Ok(Some(Object::Local(n.clone()))),
        Reference::Local(n) => Err((
            format!("local.{n} is not declared"),
            suggest(n, config.locals.keys().map(String::as_str).collect()),
        )),
        Reference::Resource(addr) if config.resources.contains_key(addr) => Ok(Some(Object::Resource(addr.clone()))),
        Reference::Resource(addr) => {
            let same_type: Vec<&str> = config
                .resources
                .keys()
                .filter(|a| a.mode == addr.mode && a.type_name == addr.type_name)
                .map(|a| a.name.as_str())
                .collect();
            let help = suggest(&addr.name, same_type).or_else(|| {
                let known_type = crate::config::schema::lookup(addr.mode, &addr.type_name).is_some();
                (!known_type && addr.mode == crate::addrs::Mode::Managed)
                    .then(|| format!("{:?} is neither a resource type nor a known name", addr.type_name))
            });
            Err((format!("{addr} is not declared in this configuration"), help))
        }
        Reference::CountIndex | Reference::EachKey | Reference::EachValue => {
            let res = match from {
                Object::Resource(a) => Some(&config.resources[a]),
                _ => None,
            };
            let ok = match r {
                Reference::CountIndex => res.is_some_and(|r| r.count.is_some()),
                _ => res.is_some_and(|r| r.for_each.is_some()),
            };
            if ok {
                Ok(None)
            } else {
                let needs = if *r == Reference::CountIndex {
                    "count"
                } else {
                    "for_each"
                };
                Err((
                    format!("{r} can be used only in a resource or data block that sets {needs}"),
                    None,
                ))
            }
        }
        Reference::Path(_) | Reference::TerraformWorkspace => Ok(None),
    }
}

/// Step 3.
fn add_depends_on_edges(config: &Config, g: &mut ObjectGraph, diags: &mut Diagnostics) {
    let mut entries = Vec::new();
    for (addr, r) in &config.resources {
        entries.extend(r.depends_on.iter().map(|d| (Object::Resource(addr.clone()), d)));
    }
    for (name, o) in &config.outputs {
        entries.extend(o.depends_on.iter().map(|d| (Object::Output(name.clone()), d)));
    }
    for (from, d) in entries {
        match target(config, &from, &d.reference) {
            Ok(Some(t)) => g.depend(&from, &t, EdgeKind::DependsOn, Some(d.span)),
            Ok(None) => {}
            Err((message, help)) => diags.push(
                Diagnostic::error("Invalid depends_on reference")
                    .with_detail(message)
                    .with_span(d.span)
                    .with_opt_help(help),
            ),
        }
    }
}

/// Step 4. Only where nothing already orders the two.
fn add_inferred_edges(config: &Config, g: &mut ObjectGraph) {
    for (from, to, reason) in crate::rules::ordering::edges(config) {
        if g.index.contains_key(&from) && g.index.contains_key(&to) {
            let (a, b) = (g.index[&from], g.index[&to]);
            if !petgraph::algo::has_path_connecting(&g.graph, a, b, None) {
                g.depend(&from, &to, EdgeKind::Inferred(reason), None);
            }
        }
    }
}

/// Step 5: one diagnostic per strongly connected component with a cycle.
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
    match o {
        Object::Variable(n) => config.variables.get(n).map(|v| v.span),
        Object::Local(n) => config.locals.get(n).map(|l| l.span),
        Object::Resource(a) => config.resources.get(a).map(|r| r.span),
        Object::Output(n) => config.outputs.get(n).map(|o| o.span),
    }
}

/// A node of the instance graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    Variable(String),
    Local(String),
    Instance(Instance),
    Output(String),
}

impl std::fmt::Display for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Node::Variable(n) => write!(f, "var.{n}"),
            Node::Local(n) => write!(f, "local.{n}"),
            Node::Instance(i) => write!(f, "{i}"),
            Node::Output(n) => write!(f, "output.{n}"),
        }
    }
}

impl Node {
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Variable(_) => "variable",
            Node::Local(_) => "local",
            Node::Instance(i) if i.resource.mode == crate::addrs::Mode::Data => "data",
            Node::Instance(_) => "resource",
            Node::Output(_) => "output",
        }
    }
}

/// The graph after count/for_each expansion.
#[derive(Debug, Default)]
pub struct InstanceGraph {
    pub graph: DiGraph<Node, Edge>,
}

impl InstanceGraph {
    /// Expands the object graph: each resource becomes its instances, and an
    /// edge to a resource becomes an edge to each of its instances.
    pub fn expand(objects: &ObjectGraph, instances: &HashMap<crate::addrs::Resource, Vec<Instance>>) -> InstanceGraph {
        let mut g = InstanceGraph::default();
        let mut nodes: HashMap<Object, Vec<NodeIndex>> = HashMap::default();
        let mut order: Vec<&Object> = objects.graph.node_weights().collect();
        order.sort();
        for o in order {
            let idx = match o {
                Object::Variable(n) => vec![g.graph.add_node(Node::Variable(n.clone()))],
                Object::Local(n) => vec![g.graph.add_node(Node::Local(n.clone()))],
                Object::Output(n) => vec![g.graph.add_node(Node::Output(n.clone()))],
                Object::Resource(r) => instances
                    .get(r)
                    .map(|is| is.iter().map(|i| g.graph.add_node(Node::Instance(i.clone()))).collect())
                    .unwrap_or_default(),
            };
            nodes.insert(o.clone(), idx);
        }
        for e in objects.graph.edge_references() {
            let from = &nodes[&objects.graph[e.source()]];
            let to = &nodes[&objects.graph[e.target()]];
            for &a in from {
                for &b in to {
                    g.graph.add_edge(a, b, e.weight().clone());
                }
            }
        }
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::load::from_files;

    fn graph(src: &str) -> (Config, ObjectGraph, Diagnostics) {
        let (c, d) = from_files(
            std::path::Path::new("."),
            vec![("main.tf".into(), Ok(src.as_bytes().to_vec()))],
        );
        assert!(d.is_empty(), "{d:?}");
        let (g, d) = build(&c);
        (c, g, d)
    }

    fn edges(g: &ObjectGraph) -> Vec<String> {
        let mut v: Vec<String> = g
            .graph
            .edge_references()
            .map(|e| {
                format!(
                    "{} -> {} ({})",
                    g.graph[e.source()],
                    g.graph[e.target()],
                    e.weight().kind.name()
                )
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn edges_for_references_and_depends_on() {
        let (_, g, d) = graph(
            r#"
variable "location" { default = "westeurope" }
locals { name = "aks-${var.location}" }
resource "azurerm_resource_group" "rg" {
  name     = local.name
  location = var.location
}
resource "azurerm_virtual_network" "vnet" {
  name                = "vnet"
  resource_group_name = azurerm_resource_group.rg.name
  location            = azurerm_resource_group.rg.location
  address_space       = ["10.0.0.0/16"]
  depends_on          = [azurerm_resource_group.rg]
}
output "vnet" { value = azurerm_virtual_network.vnet.id }
"#,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            edges(&g),
            vec![
                "azurerm_resource_group.rg -> local.name (reference)",
                "azurerm_resource_group.rg -> var.location (reference)",
                "azurerm_virtual_network.vnet -> azurerm_resource_group.rg (depends_on)",
                "azurerm_virtual_network.vnet -> azurerm_resource_group.rg (reference)",
                "local.name -> var.location (reference)",
                "output.vnet -> azurerm_virtual_network.vnet (reference)",
            ]
        );
        let order: Vec<String> = g.dependency_order().iter().map(|o| o.to_string()).collect();
        let pos = |s: &str| order.iter().position(|o| o == s).unwrap();
        assert!(pos("var.location") < pos("local.name"));
        assert!(pos("azurerm_resource_group.rg") < pos("azurerm_virtual_network.vnet"));
    }

    #[test]
    fn cycle_error_lists_the_cycle_and_its_references() {
        let (c, _, d) = graph("locals {\n  a = local.b\n  b = local.c\n  c = local.a\n}\n");
        assert_eq!(d.len(), 1);
        let d = d.iter().next().unwrap();
        assert_eq!(d.summary, "Dependency cycle");
        assert_eq!(d.detail, "local.a → local.b → local.c → local.a");
        let labels: Vec<(String, String)> = d
            .labels
            .iter()
            .map(|l| (c.sources.text(l.span).to_string(), l.message.clone()))
            .collect();
        assert_eq!(
            labels,
            vec![
                ("local.b".into(), "local.a refers to local.b".into()),
                ("local.c".into(), "local.b refers to local.c".into()),
                ("local.a".into(), "local.c refers to local.a".into()),
            ]
        );
    }

    #[test]
    fn self_reference_is_a_cycle() {
        let (_, _, d) = graph("locals {\n  a = [local.a]\n}\n");
        assert_eq!(d.iter().next().unwrap().detail, "local.a → local.a");
    }

    #[test]
    fn undeclared_references_are_errors_with_suggestions() {
        let (c, _, d) = graph(
            "variable \"location\" {}\nlocals {\n  a = var.locaton\n  b = azurerm_subnet.x.id\n  c = count.index\n}\n",
        );
        let got: Vec<(String, String, Option<String>)> = d
            .iter()
            .map(|d| {
                (
                    d.detail.clone(),
                    c.sources.text(d.span.unwrap()).to_string(),
                    d.help.clone(),
                )
            })
            .collect();
        assert_eq!(
            got[0],
            (
                "var.locaton is not declared".into(),
                "var.locaton".into(),
                Some("did you mean location?".into())
            )
        );
        assert_eq!(got[1].0, "azurerm_subnet.x is not declared in this configuration");
        assert_eq!(
            got[2].0,
            "count.index can be used only in a resource or data block that sets count"
        );
    }

    #[test]
    fn dynamic_iterators_are_not_references() {
        let (_, g, d) = graph(
            r#"
variable "names" { default = ["a"] }
resource "azurerm_subnet" "s" {
  name                 = "s"
  resource_group_name  = "rg"
  virtual_network_name = "v"
  address_prefixes     = ["10.0.0.0/24"]
  dynamic "delegation" {
    for_each = var.names
    iterator = d
    content {
      name = d.value
    }
  }
}
"#,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(edges(&g), vec!["azurerm_subnet.s -> var.names (reference)"]);
    }
}
