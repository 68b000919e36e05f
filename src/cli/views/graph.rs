//! The instance graph as Graphviz DOT or as JSON (nodes and edges).

use crate::addrs::Item;
use crate::graph::{EdgeKind, InstanceGraph, Node};
use petgraph::visit::EdgeRef;
use serde_json::json;
use std::fmt::Write;

fn dot_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Nodes by module instance, then variables, locals, resources, module
/// calls and outputs, then by address.
fn sorted_nodes(g: &InstanceGraph) -> Vec<&Node> {
    let mut nodes: Vec<&Node> = g.graph.node_weights().collect();
    nodes.sort_by_cached_key(|n| {
        let (module, rank) = match n {
            Node::Item(m, Item::Variable(_)) => (m, 0),
            Node::Item(m, Item::Local(_)) => (m, 1),
            Node::Instance(i) => (&i.module, 2),
            Node::Item(m, Item::Resource(_)) => (m, 2),
            Node::Item(m, Item::Provider(_)) => (m, 3),
            Node::Item(m, Item::ModuleCall(_)) => (m, 3),
            Node::Item(m, Item::Output(_)) => (m, 4),
        };
        (module.clone(), rank, (*n).clone())
    });
    nodes
}

fn sorted_edges(g: &InstanceGraph) -> Vec<(String, String, &EdgeKind)> {
    let mut edges: Vec<(String, String, &EdgeKind)> = g
        .graph
        .edge_references()
        .map(|e| {
            (
                g.graph[e.source()].to_string(),
                g.graph[e.target()].to_string(),
                &e.weight().kind,
            )
        })
        .collect();
    edges.sort_by(|a, b| (&a.0, &a.1, a.2.name()).cmp(&(&b.0, &b.1, b.2.name())));
    edges
}

/// DOT: an edge points from an object to what it depends on.
pub fn dot(g: &InstanceGraph) -> String {
    let mut out = String::from("digraph aksplan {\n  compound = \"true\"\n  newrank = \"true\"\n  rankdir = \"RL\"\n");
    for n in sorted_nodes(g) {
        let shape = match n {
            Node::Instance(_) => "box",
            Node::Item(_, Item::Variable(_) | Item::Local(_)) => "note",
            Node::Item(_, Item::ModuleCall(_)) => "component",
            Node::Item(..) => "oval",
        };
        let _ = writeln!(out, "  {} [shape = \"{shape}\"]", dot_quote(&n.to_string()));
    }
    for (from, to, kind) in sorted_edges(g) {
        let attrs = match kind {
            EdgeKind::Reference => String::new(),
            EdgeKind::DependsOn => " [style = \"dashed\", label = \"depends_on\"]".into(),
            EdgeKind::InModule => " [style = \"dotted\"]".into(),
            EdgeKind::Inferred(reason) => format!(" [style = \"dotted\", label = {}]", dot_quote(reason)),
        };
        let _ = writeln!(out, "  {} -> {}{attrs}", dot_quote(&from), dot_quote(&to));
    }
    out.push_str("}\n");
    out
}

pub fn json(g: &InstanceGraph) -> String {
    let nodes: Vec<serde_json::Value> = sorted_nodes(g)
        .into_iter()
        .map(|n| {
            let mut v = json!({"id": n.to_string(), "kind": n.kind()});
            if let Node::Instance(i) = n {
                v["type"] = json!(i.resource.type_name);
                v["name"] = json!(i.resource.name);
                v["resource"] = json!(i.resource_in_module());
            }
            let module = match n {
                Node::Instance(i) => &i.module,
                Node::Item(m, _) => m,
            };
            if !module.is_root() {
                v["module"] = json!(module.to_string());
            }
            v
        })
        .collect();
    let edges: Vec<serde_json::Value> = sorted_edges(g)
        .into_iter()
        .map(|(from, to, kind)| {
            let mut v = json!({"from": from, "to": to, "kind": kind.name()});
            if let EdgeKind::Inferred(reason) = kind {
                v["reason"] = json!(reason);
            }
            v
        })
        .collect();
    serde_json::to_string_pretty(&json!({"nodes": nodes, "edges": edges})).unwrap_or_default()
}
