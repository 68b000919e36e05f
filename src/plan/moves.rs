//! Applies `moved` statements to the prior state before anything is read
//! or planned, as Terraform does: an object recorded at a statement's
//! `from` is now at its `to` (following chains), so a rename plans no
//! destroy and create. An object whose new address is already taken stays
//! where it is, with a warning.

use crate::addrs::Instance;
use crate::config::moved::Move;
use crate::diag::{Diagnostic, Diagnostics};
use crate::state::State;
use std::collections::HashMap;

/// Moves the state's objects; returns each moved object's old address by
/// its new one.
pub fn apply(moves: &[Move], state: &mut State) -> (HashMap<Instance, Instance>, Diagnostics) {
    let mut moved = HashMap::new();
    let mut diags = Diagnostics::new();
    if moves.is_empty() {
        return (moved, diags);
    }
    let mut renames = Vec::new();
    for addr in state.resources.keys() {
        let mut at = addr.clone();
        let mut by = None;
        // A chain of statements is followed to its end; the statements were
        // checked to hold no cycle, and a step per statement bounds it anyway.
        for _ in 0..moves.len() {
            match moves.iter().find_map(|m| m.relocate(&at).map(|to| (to, m))) {
                Some((to, m)) => {
                    at = to;
                    by = Some(m);
                }
                None => break,
            }
        }
        if let Some(m) = by {
            renames.push((addr.clone(), at, m.span));
        }
    }
    for (from, to, span) in renames {
        if state.resources.contains_key(&to) {
            diags.push(
                Diagnostic::warning("Moved object still exists")
                    .with_detail(format!(
                        "{from} was not moved to {to}, because state already holds an object there; \
                         the moved block does nothing until one of them is gone"
                    ))
                    .with_span(span),
            );
            continue;
        }
        // The instance moves whole: its deposed objects with it.
        let taken = state.take_instance(&from);
        if taken.0.is_some() {
            state.put_instance(&to, taken);
            moved.insert(to, from);
        }
    }
    (moved, diags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::{ModulePath, Target};
    use crate::state::ResourceState;

    fn mv(from: &str, to: &str) -> Move {
        Move {
            within: ModulePath::root(),
            from: from.parse::<Target>().unwrap(),
            to: to.parse::<Target>().unwrap(),
            span: crate::diag::Span::new(0, 0..0),
        }
    }

    fn state(addrs: &[&str]) -> State {
        let mut s = State::new();
        for a in addrs {
            let inst: Instance = a.parse().unwrap();
            s.resources.insert(
                inst.clone(),
                ResourceState {
                    type_name: inst.resource.type_name.clone(),
                    value: crate::lang::Value::null(),
                    dependencies: Vec::new(),
                    tainted: false,
                },
            );
        }
        s
    }

    fn addrs(s: &State) -> Vec<String> {
        s.resources.keys().map(ToString::to_string).collect()
    }

    #[test]
    fn resources_instances_and_modules_move_and_chains_are_followed() {
        let moves = [
            mv("azurerm_resource_group.old", "azurerm_resource_group.mid"),
            mv("azurerm_resource_group.mid", "azurerm_resource_group.new"),
            mv("azurerm_subnet.one", "azurerm_subnet.many[\"a\"]"),
            mv("module.net", "module.network"),
        ];
        let mut s = state(&[
            "azurerm_resource_group.old",
            "azurerm_subnet.one",
            "module.net.azurerm_virtual_network.v",
            "module.net[\"x\"].azurerm_virtual_network.v",
            "azurerm_user_assigned_identity.stays",
        ]);
        let (moved, d) = apply(&moves, &mut s);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            addrs(&s),
            vec![
                "azurerm_resource_group.new",
                "azurerm_subnet.many[\"a\"]",
                "azurerm_user_assigned_identity.stays",
                "module.network.azurerm_virtual_network.v",
                "module.network[\"x\"].azurerm_virtual_network.v",
            ]
        );
        let new: Instance = "azurerm_resource_group.new".parse().unwrap();
        assert_eq!(moved[&new].to_string(), "azurerm_resource_group.old");
    }

    #[test]
    fn deposed_objects_move_with_their_instance() {
        let moves = [mv("azurerm_resource_group.a", "azurerm_resource_group.b")];
        let mut s = state(&["azurerm_resource_group.a"]);
        let a: Instance = "azurerm_resource_group.a".parse().unwrap();
        let key = s.depose(&a).unwrap();
        s.resources
            .insert(a.clone(), s.deposed[&(a.clone(), key.clone())].clone());
        apply(&moves, &mut s);
        let b: Instance = "azurerm_resource_group.b".parse().unwrap();
        assert_eq!(addrs(&s), vec!["azurerm_resource_group.b"]);
        assert!(s.deposed.contains_key(&(b, key)), "{:?}", s.deposed.keys());
    }

    #[test]
    fn an_occupied_destination_keeps_the_object_where_it_is() {
        let moves = [mv("azurerm_resource_group.a", "azurerm_resource_group.b")];
        let mut s = state(&["azurerm_resource_group.a", "azurerm_resource_group.b"]);
        let (moved, d) = apply(&moves, &mut s);
        assert!(moved.is_empty());
        assert_eq!(d.iter().next().unwrap().summary, "Moved object still exists");
        assert_eq!(addrs(&s).len(), 2);
    }
}
