//! Deposed objects: what a create_before_destroy replacement leaves in state
//! while the old object still exists.
//!
//! A replacement with create_before_destroy first deposes the instance's
//! current object (it moves aside under a fresh [`DeposedKey`]), then
//! creates the new object as current, then deletes the deposed one. If the
//! delete fails, or the run stops before it, the old object stays in state,
//! deposed, and the next plan destroys it, as Terraform does. This module
//! owns the key and the address of one object ([`ObjectAddr`]); it must not
//! decide what is planned or applied.

use crate::addrs::Instance;
use std::fmt;

/// Which deposed object of an instance: eight lowercase hexadecimal digits,
/// random, as Terraform makes them (`1a2b3c4d`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DeposedKey(String);

impl DeposedKey {
    /// A fresh random key that `taken` does not hold.
    pub fn fresh(taken: impl Fn(&DeposedKey) -> bool) -> DeposedKey {
        use rand_core::{OsRng, RngCore};
        loop {
            let key = DeposedKey(format!("{:08x}", OsRng.next_u32()));
            if !taken(&key) {
                return key;
            }
        }
    }

    /// Reads a key as the state file and plans write it.
    pub fn parse(s: &str) -> Result<DeposedKey, String> {
        let ok = s.len() == 8 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if ok {
            Ok(DeposedKey(s.to_string()))
        } else {
            Err(format!(
                "invalid deposed key {s:?}: a deposed key is eight lowercase hexadecimal digits"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DeposedKey {
    type Error = String;
    fn try_from(s: String) -> Result<DeposedKey, String> {
        DeposedKey::parse(&s)
    }
}

impl From<DeposedKey> for String {
    fn from(k: DeposedKey) -> String {
        k.0
    }
}

impl fmt::Display for DeposedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One object in state: an instance's current object, or one of its deposed
/// ones. Displays as Terraform names it: `azurerm_x.y` or
/// `azurerm_x.y (deposed object 1a2b3c4d)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectAddr {
    pub instance: Instance,
    /// `None`: the current object.
    pub deposed: Option<DeposedKey>,
}

impl ObjectAddr {
    pub fn current(instance: Instance) -> ObjectAddr {
        ObjectAddr {
            instance,
            deposed: None,
        }
    }

    pub fn deposed(instance: Instance, key: DeposedKey) -> ObjectAddr {
        ObjectAddr {
            instance,
            deposed: Some(key),
        }
    }
}

impl From<Instance> for ObjectAddr {
    fn from(instance: Instance) -> ObjectAddr {
        ObjectAddr::current(instance)
    }
}

impl fmt::Display for ObjectAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.deposed {
            None => write!(f, "{}", self.instance),
            Some(k) => write!(f, "{} (deposed object {k})", self.instance),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::{InstanceKey, Resource};

    #[test]
    fn keys_are_eight_lowercase_hex_digits() {
        assert!(DeposedKey::parse("1a2b3c4d").is_ok());
        for bad in ["1A2B3C4D", "1a2b3c4", "1a2b3c4d5", "1a2b3c4g", ""] {
            let e = DeposedKey::parse(bad).unwrap_err();
            assert!(e.contains("eight lowercase hexadecimal digits"), "{bad}: {e}");
        }
        let k = DeposedKey::fresh(|_| false);
        assert_eq!(DeposedKey::parse(k.as_str()), Ok(k));
    }

    #[test]
    fn a_fresh_key_is_not_one_taken() {
        let first = DeposedKey::fresh(|_| false);
        let second = DeposedKey::fresh(|k| k == &first);
        assert_ne!(first, second);
    }

    #[test]
    fn objects_display_as_terraform_names_them() {
        let i = Resource::managed("azurerm_resource_group", "rg").instance(InstanceKey::Str("a".into()));
        assert_eq!(
            ObjectAddr::current(i.clone()).to_string(),
            "azurerm_resource_group.rg[\"a\"]"
        );
        assert_eq!(
            ObjectAddr::deposed(i, DeposedKey::parse("00c0ffee").unwrap()).to_string(),
            "azurerm_resource_group.rg[\"a\"] (deposed object 00c0ffee)"
        );
    }
}
