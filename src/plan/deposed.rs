//! What a plan does with deposed objects (see [`crate::state::deposed`]),
//! as Terraform does: each is read from the cloud like any object (one
//! deleted outside aksplan leaves state with nothing planned, and is not
//! reported as drift), then planned for destroy whatever the configuration
//! says: it is the left-over of a replacement already decided, so neither
//! `prevent_destroy` nor the configuration is consulted. Current objects are
//! not this module's concern.

use super::refresh::{shown_id, RefreshEvent, RefreshProgress};
use super::ResourceChange;
use crate::addrs::Mode;
use crate::diag::Diagnostics;
use crate::provider::protocol::{ProviderConfig, ReadRequest};
use crate::provider::registry::Providers;
use crate::provider::shape::{conform as conform_value, settle};
use crate::state::deposed::ObjectAddr;
use crate::state::State;
use futures::StreamExt;

/// Gives the values of deposed objects loaded from JSON their schema's types.
pub fn conform(state: &mut State, providers: &Providers) {
    for ((addr, _), r) in state.deposed.iter_mut() {
        if let Some((_, s)) = providers.resolve(addr.resource.mode, &r.type_name) {
            r.value = conform_value(&s.block, std::mem::take(&mut r.value));
        }
    }
}

/// Reads every deposed object from the cloud, `parallelism` at a time:
/// one that is gone leaves state; one that could not be read stays as it
/// was, with the error.
pub async fn refresh(
    providers: &Providers,
    state: &mut State,
    parallelism: usize,
    now: std::time::SystemTime,
    progress: &dyn RefreshProgress,
) -> Diagnostics {
    let unconfigured = ProviderConfig::default();
    let unconfigured = &unconfigured;
    let reads = futures::stream::iter(state.deposed.iter())
        .map(|((addr, key), r)| async move {
            let object = ObjectAddr::deposed(addr.clone(), key.clone());
            let Some((provider, schema)) = providers.resolve(Mode::Managed, &r.type_name) else {
                return (object, Some(r.value.clone()), Diagnostics::new());
            };
            progress.refresh(RefreshEvent::Reading {
                addr,
                deposed: Some(key),
                id: shown_id(&r.value, &r.value),
            });
            let resp = provider
                .read(ReadRequest {
                    schema,
                    provider: unconfigured,
                    prior: &r.value,
                    now,
                })
                .await;
            if !resp.diags.has_errors() {
                progress.refresh(RefreshEvent::Read {
                    addr,
                    deposed: Some(key),
                    id: resp.value.as_ref().and_then(|v| shown_id(v, &r.value)),
                });
            }
            let value = resp
                .value
                .map(|v| super::refresh::keep_marks(&r.value, settle(&schema.block, v)));
            (object, value, resp.diags)
        })
        .buffer_unordered(parallelism.max(1))
        .collect::<Vec<_>>()
        .await;
    let mut diags = Diagnostics::new();
    for (object, value, d) in reads {
        let failed = d.has_errors();
        for mut diag in d {
            diag.summary = format!("{object}: {}", diag.summary);
            diags.push(diag);
        }
        let at = (object.instance, object.deposed.expect("a deposed object's address"));
        match value {
            _ if failed => {}
            None => {
                state.deposed.remove(&at);
            }
            Some(v) => {
                if let Some(r) = state.deposed.get_mut(&at) {
                    r.value = v;
                }
            }
        }
    }
    diags
}

/// A destroy for every deposed object of managed resources in `state`, in
/// address then key order.
pub fn changes(state: &State) -> Vec<ResourceChange> {
    state
        .deposed
        .iter()
        .filter(|((addr, _), _)| addr.resource.mode == Mode::Managed)
        .map(|((addr, key), r)| ResourceChange {
            deposed: Some(key.clone()),
            ..ResourceChange::delete(addr, r, Vec::new())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::{InstanceKey, Resource};
    use crate::lang::Value;
    use crate::plan::Action;
    use crate::state::deposed::DeposedKey;
    use crate::state::ResourceState;

    fn deposed_state() -> (State, DeposedKey) {
        let a = Resource::managed("azurerm_resource_group", "a").instance(InstanceKey::None);
        let mut s = State::new();
        s.resources.insert(
            a.clone(),
            ResourceState {
                type_name: "azurerm_resource_group".into(),
                value: Value::Object([("id".to_string(), Value::string("/rg-old"))].into()),
                dependencies: vec![],
                tainted: false,
            },
        );
        let k = s.depose(&a).unwrap();
        (s, k)
    }

    /// As terraform 1.11 prints it (tests/fixtures/deposed/terraform_plan.txt
    /// holds its output for a terraform_data instance).
    #[test]
    fn a_deposed_destroy_is_rendered_and_counted_as_terraform_does() {
        let (s, k) = deposed_state();
        let plan = super::super::Plan {
            changes: changes(&s),
            ..Default::default()
        };
        assert_eq!(plan.counts().destroy, 1);
        assert!(plan.has_changes());
        let text = super::super::render::plan(
            &plan,
            super::super::render::Style {
                color: false,
                schemas: &crate::schema::NoSchemas,
            },
        );
        let expected = format!(
            "  # azurerm_resource_group.a (deposed object {k}) will be destroyed\n  \
             # (left over from a partially-failed replacement of this instance)\n  \
             - resource \"azurerm_resource_group\" \"a\" {{\n"
        );
        assert!(text.contains(&expected), "{text}");
        assert!(text.contains("Plan: 0 to add, 0 to change, 1 to destroy."), "{text}");
    }

    #[test]
    fn every_deposed_object_is_destroyed_with_its_key() {
        let a = Resource::managed("azurerm_resource_group", "a").instance(InstanceKey::None);
        let mut s = State::new();
        let old = ResourceState {
            type_name: "azurerm_resource_group".into(),
            value: Value::Object([("id".to_string(), Value::string("/rg-old"))].into()),
            dependencies: vec!["azurerm_x.y".into()],
            tainted: false,
        };
        s.resources.insert(a.clone(), old.clone());
        let k = s.depose(&a).unwrap();
        let k2 = DeposedKey::parse("00000001").unwrap();
        s.deposed.insert((a.clone(), k2.clone()), old.clone());
        let cs = changes(&s);
        assert_eq!(cs.len(), 2);
        let mut keys: Vec<&DeposedKey> = vec![&k, &k2];
        keys.sort();
        for (c, key) in cs.iter().zip(keys) {
            assert_eq!((c.action, &c.addr, c.deposed.as_ref()), (Action::Delete, &a, Some(key)));
            assert_eq!(c.before.as_ref(), Some(&old.value));
            assert_eq!(c.dependencies, old.dependencies);
            assert!(c.reasons.is_empty());
        }
    }
}
