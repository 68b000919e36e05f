//! TEMPORARY: the embedded schemas as a global, while callers move to a
//! registry passed in. Removed before issue 11 closes.

use super::{ProviderSchemas, Schema};
use crate::addrs::Mode;
use std::sync::OnceLock;

fn all() -> &'static [ProviderSchemas] {
    static ALL: OnceLock<Vec<ProviderSchemas>> = OnceLock::new();
    ALL.get_or_init(|| {
        vec![
            crate::provider::embedded::schemas("azurerm", "registry.terraform.io/hashicorp/azurerm"),
            crate::provider::embedded::schemas("terraform", "terraform.io/builtin/terraform"),
        ]
    })
}

pub fn lookup(mode: Mode, type_name: &str) -> Option<&'static Schema> {
    all().iter().find_map(|p| p.get(mode, type_name))
}

pub fn names(mode: Mode) -> Vec<&'static str> {
    let mut v: Vec<&str> = all().iter().flat_map(|p| p.names(mode)).collect();
    v.sort_unstable();
    v
}
