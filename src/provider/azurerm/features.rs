//! The provider block's `features` settings that change what an operation
//! does, read from the evaluated block a request runs under, with azurerm's
//! defaults for what the block leaves out.
//!
//! Only the settings aksplan acts on are read; it does not validate the
//! block (the schema does).

use crate::lang::Value;
use crate::provider::protocol::ProviderConfig;

/// Where a setting's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The block sets it.
    Written,
    /// The block leaves it out (or null): azurerm's default.
    Default,
    /// The block sets it to what could not be known: the default applies.
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    pub on: bool,
    pub origin: Origin,
}

/// `features { resource_group { prevent_deletion_if_contains_resources } }`:
/// whether a resource group that still holds resources is refused deletion.
/// On unless the block turns it off.
pub fn prevent_deletion_if_contains_resources(provider: &ProviderConfig) -> Flag {
    flag(
        &provider.value,
        &["features", "resource_group"],
        "prevent_deletion_if_contains_resources",
        true,
    )
}

/// `features { <block> { <name> } }`: a flag on unless the block turns it
/// off (`key_vault { recover_soft_deleted_key_vaults }`, `key_vault {
/// purge_soft_delete_on_destroy }`).
pub fn on_unless_off(provider: &ProviderConfig, block: &str, name: &str) -> Flag {
    flag(&provider.value, &["features", block], name, true)
}

/// A boolean in nested blocks (each a list of at most one object, as the
/// schema nests them), or `default`.
fn flag(block: &Value, path: &[&str], name: &str, default: bool) -> Flag {
    let mut at = block;
    for step in path {
        let Some(next) = at.get(step) else {
            return unset(at, default);
        };
        at = match next.as_seq() {
            Some([first, ..]) => first,
            Some([]) => return unset(next, default),
            None => next,
        };
    }
    match at.get(name) {
        Some(v) => match v.as_bool() {
            Some(on) => Flag {
                on,
                origin: Origin::Written,
            },
            None => unset(v, default),
        },
        None => unset(at, default),
    }
}

/// The default, said to be a stand-in for an unknown value when it is one.
fn unset(v: &Value, default: bool) -> Flag {
    Flag {
        on: default,
        origin: if v.is_known() { Origin::Default } else { Origin::Unknown },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::value::Map;

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map>())
    }

    fn config(resource_group: Value) -> ProviderConfig {
        ProviderConfig {
            alias: None,
            value: obj(vec![(
                "features",
                Value::list(vec![obj(vec![("resource_group", resource_group)])]),
            )]),
        }
    }

    fn setting(v: Value) -> Value {
        Value::list(vec![obj(vec![("prevent_deletion_if_contains_resources", v)])])
    }

    #[test]
    fn the_guard_is_on_unless_the_block_turns_it_off() {
        let read = |c: &ProviderConfig| prevent_deletion_if_contains_resources(c);
        let default = Flag {
            on: true,
            origin: Origin::Default,
        };
        assert_eq!(read(&ProviderConfig::default()), default, "no provider block");
        assert_eq!(read(&config(Value::list(vec![]))), default, "features {{}}");
        assert_eq!(read(&config(setting(Value::null()))), default, "resource_group {{}}");
        assert_eq!(
            read(&config(setting(Value::Bool(false)))),
            Flag {
                on: false,
                origin: Origin::Written
            }
        );
        assert_eq!(
            read(&config(setting(Value::Bool(true)))),
            Flag {
                on: true,
                origin: Origin::Written
            }
        );
        assert_eq!(
            read(&config(setting(Value::unknown()))),
            Flag {
                on: true,
                origin: Origin::Unknown
            },
            "a value that cannot be known keeps the guard on"
        );
        assert_eq!(read(&config(Value::unknown())).origin, Origin::Unknown);
    }

    #[test]
    fn key_vault_features_are_on_unless_turned_off_each_on_its_own() {
        let key_vault = |pairs: Vec<(&str, Value)>| ProviderConfig {
            alias: None,
            value: obj(vec![(
                "features",
                Value::list(vec![obj(vec![("key_vault", Value::list(vec![obj(pairs)]))])]),
            )]),
        };
        let purge = |c: &ProviderConfig| on_unless_off(c, "key_vault", "purge_soft_delete_on_destroy");
        let recover = |c: &ProviderConfig| on_unless_off(c, "key_vault", "recover_soft_deleted_key_vaults");
        for c in [ProviderConfig::default(), key_vault(vec![])] {
            assert_eq!(
                (purge(&c), recover(&c)),
                (
                    Flag {
                        on: true,
                        origin: Origin::Default
                    },
                    Flag {
                        on: true,
                        origin: Origin::Default
                    }
                )
            );
        }
        let off = key_vault(vec![("purge_soft_delete_on_destroy", Value::Bool(false))]);
        assert!(!purge(&off).on);
        assert!(recover(&off).on, "the other stays on");
        let off = key_vault(vec![("recover_soft_deleted_key_vaults", Value::Bool(false))]);
        assert!(purge(&off).on);
        assert_eq!(
            recover(&off),
            Flag {
                on: false,
                origin: Origin::Written
            }
        );
    }
}
