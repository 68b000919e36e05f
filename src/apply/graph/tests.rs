//! The apply graph's edges, pinned for each shape of change: creates,
//! updates, replacements with and without create_before_destroy, deposed
//! objects, orphans and whole destroys, across module instances; its joins,
//! its size at scale, its cycles; and the priorities the scheduler derives.

use super::*;
use crate::apply::schedule::{priorities, weights};
use crate::graph::{Edge, EdgeKind};
use crate::state::ResourceState;

/// The object graph of resources, each with the resources it refers to
/// (`module.m.TYPE.NAME` for one in module `m`).
fn objects(decl: &[(&str, &[&str])]) -> ObjectGraph {
    let mut g = ObjectGraph::default();
    let object = |s: &str| -> Object {
        let i: Instance = s.parse().unwrap();
        let path = i.module.path();
        Object::new(path, Item::Resource(i.resource))
    };
    for (name, _) in decl {
        let o = object(name);
        let i = g.graph.add_node(o.clone());
        g.index.insert(o, i);
    }
    for (name, deps) in decl {
        for d in *deps {
            let (a, b) = (g.index[&object(name)], g.index[&object(d)]);
            g.graph.add_edge(
                a,
                b,
                Edge {
                    kind: EdgeKind::Reference,
                    span: None,
                },
            );
        }
    }
    g
}

fn change(addr: &str, action: Action, deps: &[&str]) -> ResourceChange {
    let addr: Instance = addr.parse().unwrap();
    ResourceChange {
        type_name: addr.resource.type_name.clone(),
        addr,
        action,
        reasons: vec![],
        before: None,
        after: None,
        replace_paths: vec![],
        dependencies: deps.iter().map(|d| d.to_string()).collect(),
        create_before_destroy: action == Action::CreateThenDelete,
        importing: None,
        moved_from: None,
        deposed: None,
    }
}

fn deposed(addr: &str, key: &str, deps: &[&str]) -> ResourceChange {
    ResourceChange {
        deposed: Some(DeposedKey::try_from(key.to_string()).unwrap()),
        ..change(addr, Action::Delete, deps)
    }
}

/// A state holding these objects, each with the dependencies it recorded.
fn state(objects: &[(&str, &[&str])]) -> State {
    let mut s = State::new();
    for (addr, deps) in objects {
        let i: Instance = addr.parse().unwrap();
        s.resources.insert(
            i.clone(),
            ResourceState {
                type_name: i.resource.type_name.clone(),
                value: crate::lang::Value::null(),
                dependencies: deps.iter().map(|d| d.to_string()).collect(),
                tainted: false,
            },
        );
    }
    s
}

fn plan(changes: Vec<ResourceChange>, destroy: bool) -> Plan {
    Plan {
        changes,
        destroy,
        ..Default::default()
    }
}

fn short(n: &Node) -> String {
    match n {
        Node::Object(o) => o.to_string(),
        Node::Delete(i) => format!("{i} (destroy)"),
        Node::DeleteDeposed(i, k) => format!("{i} (destroy deposed {k})"),
        Node::Join(what) => format!("join({what})"),
    }
}

/// Every edge, as `WAITING -> WAITED FOR`, sorted.
fn edges(g: &ApplyGraph) -> Vec<String> {
    let mut out: Vec<String> = (0..g.len())
        .flat_map(|a| g.deps(a).iter().map(move |&b| (a, b)))
        .map(|(a, b)| format!("{} -> {}", short(g.node(a)), short(g.node(b))))
        .collect();
    out.sort();
    out
}

/// The graph has exactly these edges (in any order).
fn assert_edges(g: &ApplyGraph, want: &[&str]) {
    let mut want: Vec<String> = want.iter().map(|w| w.to_string()).collect();
    want.sort();
    assert_eq!(edges(g), want);
}

fn built(objects: &ObjectGraph, plan: &Plan, state: &State) -> ApplyGraph {
    build(objects, plan, state).unwrap_or_else(|c| panic!("cycle: {c}"))
}

const RG: &str = "azurerm_resource_group.rg";
const VNET: &str = "azurerm_virtual_network.v";
const SUBNET: &str = "azurerm_subnet.s";

/// A resource group, a network in it, and a subnet of the network.
fn network() -> ObjectGraph {
    objects(&[(RG, &[]), (VNET, &[RG]), (SUBNET, &[VNET, RG])])
}

#[test]
fn creates_wait_for_what_they_refer_to_and_nothing_else() {
    let p = plan(
        vec![
            change(RG, Action::Create, &[]),
            change(VNET, Action::Create, &[RG]),
            change(SUBNET, Action::Create, &[RG, VNET]),
        ],
        false,
    );
    let g = built(&network(), &p, &State::new());
    assert_edges(
        &g,
        &[
            "azurerm_subnet.s -> azurerm_resource_group.rg",
            "azurerm_subnet.s -> azurerm_virtual_network.v",
            "azurerm_virtual_network.v -> azurerm_resource_group.rg",
        ],
    );
    assert_eq!(g.len(), 3);
}

#[test]
fn updates_add_no_edges() {
    let s = state(&[(RG, &[]), (VNET, &[RG]), (SUBNET, &[RG, VNET])]);
    let p = plan(
        vec![
            change(RG, Action::Update, &[]),
            change(VNET, Action::Update, &[RG]),
            change(SUBNET, Action::NoOp, &[RG, VNET]),
        ],
        false,
    );
    assert_eq!(edges(&built(&network(), &p, &s)).len(), 3);
}

#[test]
fn a_replacement_creates_after_its_delete_and_its_updated_dependents_wait_for_the_delete() {
    let s = state(&[(RG, &[]), (VNET, &[RG]), (SUBNET, &[RG, VNET])]);
    let p = plan(
        vec![
            change(RG, Action::NoOp, &[]),
            change(VNET, Action::DeleteThenCreate, &[RG]),
            change(SUBNET, Action::Update, &[RG, VNET]),
        ],
        false,
    );
    assert_edges(
        &built(&network(), &p, &s),
        &[
            "azurerm_subnet.s -> azurerm_resource_group.rg",
            "azurerm_subnet.s -> azurerm_virtual_network.v",
            "azurerm_subnet.s -> azurerm_virtual_network.v (destroy)",
            "azurerm_virtual_network.v -> azurerm_resource_group.rg",
            "azurerm_virtual_network.v -> azurerm_virtual_network.v (destroy)",
        ],
    );
}

#[test]
fn create_before_destroy_deletes_the_old_object_after_the_create_and_after_its_dependents_let_go() {
    let s = state(&[(RG, &[]), (VNET, &[RG]), (SUBNET, &[RG, VNET])]);
    let p = plan(
        vec![
            change(RG, Action::NoOp, &[]),
            change(VNET, Action::CreateThenDelete, &[RG]),
            change(SUBNET, Action::Update, &[RG, VNET]),
        ],
        false,
    );
    assert_edges(
        &built(&network(), &p, &s),
        &[
            "azurerm_subnet.s -> azurerm_resource_group.rg",
            "azurerm_subnet.s -> azurerm_virtual_network.v",
            "azurerm_virtual_network.v -> azurerm_resource_group.rg",
            "azurerm_virtual_network.v (destroy) -> azurerm_subnet.s",
            "azurerm_virtual_network.v (destroy) -> azurerm_virtual_network.v",
        ],
    );
}

#[test]
fn a_replaced_dependent_is_destroyed_before_what_it_depended_on_is_replaced() {
    let s = state(&[(RG, &[]), (VNET, &[RG]), (SUBNET, &[RG, VNET])]);
    let p = plan(
        vec![
            change(RG, Action::NoOp, &[]),
            change(VNET, Action::DeleteThenCreate, &[RG]),
            change(SUBNET, Action::DeleteThenCreate, &[RG, VNET]),
        ],
        false,
    );
    assert_edges(
        &built(&network(), &p, &s),
        &[
            "azurerm_subnet.s -> azurerm_resource_group.rg",
            "azurerm_subnet.s -> azurerm_virtual_network.v",
            "azurerm_virtual_network.v -> azurerm_resource_group.rg",
            // Each create after its own delete.
            "azurerm_subnet.s -> azurerm_subnet.s (destroy)",
            "azurerm_virtual_network.v -> azurerm_virtual_network.v (destroy)",
            // The subnet goes before the network it is in...
            "azurerm_virtual_network.v (destroy) -> azurerm_subnet.s (destroy)",
            // ...and the network is made again only once it is gone;
            "azurerm_virtual_network.v -> azurerm_subnet.s (destroy)",
            // the new subnet waits for the old network's delete.
            "azurerm_subnet.s -> azurerm_virtual_network.v (destroy)",
        ],
    );
}

#[test]
fn a_deposed_object_is_destroyed_after_its_instance_is_created_or_changed_and_only_then() {
    let key = "1a2b3c4d";
    let s = state(&[(RG, &[]), (VNET, &[RG])]);
    let g = objects(&[(RG, &[]), (VNET, &[RG])]);
    let changed = plan(
        vec![
            change(RG, Action::NoOp, &[]),
            change(VNET, Action::Update, &[RG]),
            deposed(VNET, key, &[RG]),
        ],
        false,
    );
    assert_edges(
        &built(&g, &changed, &s),
        &[
            "azurerm_virtual_network.v -> azurerm_resource_group.rg",
            "azurerm_virtual_network.v (destroy deposed 1a2b3c4d) -> azurerm_virtual_network.v",
        ],
    );
    // Nothing to wait for when the current object stays as it is.
    let unchanged = plan(
        vec![
            change(RG, Action::NoOp, &[]),
            change(VNET, Action::NoOp, &[RG]),
            deposed(VNET, key, &[RG]),
        ],
        false,
    );
    assert_edges(
        &built(&g, &unchanged, &s),
        &["azurerm_virtual_network.v -> azurerm_resource_group.rg"],
    );
}

#[test]
fn a_destroy_deletes_dependents_first_from_the_dependencies_state_recorded() {
    // State records what each depended on when applied; the configuration
    // (here: nothing refers to anything) does not count.
    let s = state(&[(RG, &[]), (VNET, &[RG]), (SUBNET, &[RG, VNET])]);
    let unrelated = objects(&[(RG, &[]), (VNET, &[]), (SUBNET, &[])]);
    let p = plan(
        vec![
            change(RG, Action::Delete, &[]),
            change(VNET, Action::Delete, &[RG]),
            change(SUBNET, Action::Delete, &[RG, VNET]),
        ],
        true,
    );
    assert_edges(
        &built(&unrelated, &p, &s),
        &[
            "azurerm_resource_group.rg (destroy) -> azurerm_subnet.s (destroy)",
            "azurerm_resource_group.rg (destroy) -> azurerm_virtual_network.v (destroy)",
            "azurerm_virtual_network.v (destroy) -> azurerm_subnet.s (destroy)",
        ],
    );
}

#[test]
fn an_update_of_what_depended_on_a_removed_resource_waits_for_its_destroy_as_in_terraform() {
    // `a` referred to `b`; the configuration drops `b` and the reference.
    let s = state(&[("terraform_data.b", &[]), ("terraform_data.a", &["terraform_data.b"])]);
    let g = objects(&[("terraform_data.a", &[])]);
    let p = plan(
        vec![
            change("terraform_data.a", Action::Update, &[]),
            change("terraform_data.b", Action::Delete, &[]),
        ],
        false,
    );
    assert_edges(&built(&g, &p, &s), &["terraform_data.a -> terraform_data.b (destroy)"]);
    // Unless the removed object was create_before_destroy: then the
    // dependent lets go of it first.
    let mut p = p;
    p.changes[1].create_before_destroy = true;
    assert_edges(&built(&g, &p, &s), &["terraform_data.b (destroy) -> terraform_data.a"]);
}

#[test]
fn what_a_destroyed_object_depended_on_is_changed_after_it_is_gone() {
    let s = state(&[(RG, &[]), (VNET, &[RG])]);
    let g = objects(&[(RG, &[])]);
    let p = plan(
        vec![change(RG, Action::Update, &[]), change(VNET, Action::Delete, &[RG])],
        false,
    );
    assert_edges(
        &built(&g, &p, &s),
        &["azurerm_resource_group.rg -> azurerm_virtual_network.v (destroy)"],
    );
}

#[test]
fn instances_in_different_instances_of_a_module_are_not_ordered() {
    let a = |k: &str| format!("module.m[\"{k}\"].azurerm_subnet.a");
    let b = |k: &str| format!("module.m[\"{k}\"].azurerm_virtual_network.b");
    let (ax, ay, bx, by) = (a("x"), a("y"), b("x"), b("y"));
    let recorded: &[&str] = &["module.m.azurerm_virtual_network.b"];
    let s = state(&[(&ax, recorded), (&ay, recorded), (&bx, &[]), (&by, &[])]);
    let g = objects(&[
        ("module.m.azurerm_subnet.a", &["module.m.azurerm_virtual_network.b"]),
        ("module.m.azurerm_virtual_network.b", &[]),
    ]);
    let p = plan(
        vec![
            change(&ax, Action::Delete, recorded),
            change(&ay, Action::Delete, recorded),
            change(&bx, Action::Delete, &[]),
            change(&by, Action::Delete, &[]),
        ],
        true,
    );
    assert_edges(
        &built(&g, &p, &s),
        &[
            "module.m.azurerm_subnet.a -> module.m.azurerm_virtual_network.b",
            "module.m[\"x\"].azurerm_virtual_network.b (destroy) -> module.m[\"x\"].azurerm_subnet.a (destroy)",
            "module.m[\"y\"].azurerm_virtual_network.b (destroy) -> module.m[\"y\"].azurerm_subnet.a (destroy)",
        ],
    );
}

#[test]
fn what_depends_on_a_module_from_outside_waits_in_every_instance() {
    let outside = "azurerm_role_assignment.r";
    let recorded: &[&str] = &["module.m.azurerm_virtual_network.b"];
    let (bx, by) = (
        "module.m[\"x\"].azurerm_virtual_network.b",
        "module.m[\"y\"].azurerm_virtual_network.b",
    );
    let s = state(&[(outside, recorded), (bx, &[]), (by, &[])]);
    let g = objects(&[]);
    let p = plan(
        vec![
            change(outside, Action::Delete, recorded),
            change(bx, Action::Delete, &[]),
            change(by, Action::Delete, &[]),
        ],
        true,
    );
    assert_edges(
        &built(&g, &p, &s),
        &[
            "module.m[\"x\"].azurerm_virtual_network.b (destroy) -> azurerm_role_assignment.r (destroy)",
            "module.m[\"y\"].azurerm_virtual_network.b (destroy) -> azurerm_role_assignment.r (destroy)",
        ],
    );
}

#[test]
fn many_dependents_of_many_instances_meet_at_one_join() {
    let n = 3;
    let a = |i: usize| format!("azurerm_role_assignment.a[{i}]");
    let b = |i: usize| format!("azurerm_subnet.b[{i}]");
    let recorded: &[&str] = &["azurerm_subnet.b"];
    let mut objects_in_state: Vec<(String, &[&str])> = Vec::new();
    let mut changes = Vec::new();
    for i in 0..n {
        objects_in_state.push((a(i), recorded));
        objects_in_state.push((b(i), &[]));
        changes.push(change(&a(i), Action::Delete, recorded));
        changes.push(change(&b(i), Action::Delete, &[]));
    }
    let held: Vec<(&str, &[&str])> = objects_in_state.iter().map(|(s, d)| (s.as_str(), *d)).collect();
    let g = built(&objects(&[]), &plan(changes, true), &state(&held));
    let e = edges(&g);
    assert_eq!(e.len(), 2 * n, "{e:#?}");
    for i in 0..n {
        assert!(
            e.contains(&format!("join(azurerm_subnet.b) -> {} (destroy)", a(i))),
            "{e:#?}"
        );
        assert!(
            e.contains(&format!("{} (destroy) -> join(azurerm_subnet.b)", b(i))),
            "{e:#?}"
        );
    }
}

#[test]
fn ten_thousand_destroys_take_a_number_of_edges_linear_in_them() {
    // 1,000 units of 10 (one resource with 10 instances depending on
    // another's 10), and 1,000 of a chain of 10: every instance of a
    // resource waits for all the instances that depended on it.
    let mut held: Vec<(String, Vec<String>)> = Vec::new();
    for u in 0..1000 {
        for i in 0..10 {
            held.push((format!("azurerm_subnet.s{u}[{i}]"), vec![]));
            held.push((
                format!("azurerm_role_assignment.r{u}[{i}]"),
                vec![format!("azurerm_subnet.s{u}")],
            ));
        }
        for i in 0..10 {
            let deps = if i == 0 {
                vec![]
            } else {
                vec![format!("azurerm_public_ip.c{u}_{}", i - 1)]
            };
            held.push((format!("azurerm_public_ip.c{u}_{i}"), deps));
        }
    }
    let mut s = State::new();
    let mut changes = Vec::new();
    for (addr, deps) in &held {
        let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
        changes.push(change(addr, Action::Delete, &deps));
        s.resources.extend(state(&[(addr.as_str(), &deps)]).resources);
    }
    let g = built(&objects(&[]), &plan(changes, true), &s);
    // 30,000 destroys and a join per unit; per unit, 10 + 10 edges through
    // the join and 9 along the chain (instead of 100 + 9 without joins).
    assert_eq!(g.len(), 30_000 + 1000);
    assert_eq!(g.edge_count(), 1000 * (20 + 9));
}

#[test]
fn a_create_before_destroy_resource_depending_on_one_replaced_without_it_is_a_cycle() {
    let s = state(&[(VNET, &[]), (SUBNET, &[VNET])]);
    let g = objects(&[(VNET, &[]), (SUBNET, &[VNET])]);
    let p = plan(
        vec![
            change(VNET, Action::DeleteThenCreate, &[]),
            change(SUBNET, Action::CreateThenDelete, &[VNET]),
        ],
        false,
    );
    let cycle = build(&g, &p, &s).unwrap_err();
    let mut names: Vec<String> = cycle.0.iter().map(short).collect();
    names.sort();
    // The old subnet is deleted after the new network is made (it depended
    // on the network, and is create_before_destroy); the new network after
    // the old one is deleted; the old network after the old subnet.
    assert_eq!(
        names,
        vec![
            "azurerm_subnet.s (destroy)",
            "azurerm_virtual_network.v",
            "azurerm_virtual_network.v (destroy)",
        ]
    );
    assert!(cycle.to_string().contains(" waits for "), "{cycle}");
}

#[test]
fn the_head_of_a_chain_of_slow_operations_outranks_independent_ones() {
    let decl: Vec<(String, Vec<String>)> = (0..3)
        .map(|i| {
            let deps = if i == 0 {
                vec![]
            } else {
                vec![format!("azurerm_subnet.c{}", i - 1)]
            };
            (format!("azurerm_subnet.c{i}"), deps)
        })
        .chain([("azurerm_subnet.alone".to_string(), vec![])])
        .collect();
    let decl_refs: Vec<(&str, Vec<&str>)> = decl
        .iter()
        .map(|(a, d)| (a.as_str(), d.iter().map(String::as_str).collect()))
        .collect();
    let decl_slices: Vec<(&str, &[&str])> = decl_refs.iter().map(|(a, d)| (*a, d.as_slice())).collect();
    let g = objects(&decl_slices);
    let p = plan(
        decl_refs.iter().map(|(a, d)| change(a, Action::Create, d)).collect(),
        false,
    );
    let graph = built(&g, &p, &State::new());
    let prio = priorities(&graph, &weights(&graph, &p));
    let of = |name: &str| {
        let o = Object::root(Item::Resource(Resource::managed("azurerm_subnet", name)));
        prio[graph.object(&o).unwrap()]
    };
    let one = crate::apply::durations::expected_ms(Mode::Managed, "azurerm_subnet");
    assert_eq!(of("c0"), 3 * one);
    assert_eq!(of("c1"), 2 * one);
    assert_eq!(of("c2"), one);
    assert_eq!(of("alone"), one);
}

#[test]
fn a_cluster_path_outranks_a_role_assignment_path_and_deletes_weigh_their_type() {
    let g = objects(&[
        ("azurerm_resource_group.rg", &[]),
        ("azurerm_kubernetes_cluster.k", &["azurerm_resource_group.rg"]),
        ("azurerm_role_assignment.r", &["azurerm_resource_group.rg"]),
    ]);
    let s = state(&[("azurerm_kubernetes_cluster.old", &[])]);
    let p = plan(
        vec![
            change("azurerm_resource_group.rg", Action::Create, &[]),
            change(
                "azurerm_kubernetes_cluster.k",
                Action::Create,
                &["azurerm_resource_group.rg"],
            ),
            change(
                "azurerm_role_assignment.r",
                Action::Create,
                &["azurerm_resource_group.rg"],
            ),
            change("azurerm_kubernetes_cluster.old", Action::Delete, &[]),
        ],
        false,
    );
    let graph = built(&g, &p, &s);
    let w = weights(&graph, &p);
    let prio = priorities(&graph, &w);
    let id = |t: &str, n: &str| {
        graph
            .object(&Object::root(Item::Resource(Resource::managed(t, n))))
            .unwrap()
    };
    let ms = |t| crate::apply::durations::expected_ms(Mode::Managed, t);
    assert!(prio[id("azurerm_kubernetes_cluster", "k")] > prio[id("azurerm_role_assignment", "r")]);
    assert_eq!(
        prio[id("azurerm_resource_group", "rg")],
        ms("azurerm_resource_group") + ms("azurerm_kubernetes_cluster")
    );
    let delete = (0..graph.len())
        .find(|&i| matches!(graph.node(i), Node::Delete(_)))
        .unwrap();
    assert_eq!(w[delete], ms("azurerm_kubernetes_cluster"));
}
