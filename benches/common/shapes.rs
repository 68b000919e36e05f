//! The scheduling shapes: independent resources beside a chain, whose
//! chain is the critical path. (The layered shape is `generate`.) Every
//! resource here is a network security group: one long-running operation
//! each in the simulation.

use std::fmt::Write;
use std::path::Path;

/// Writes a resource group, `independent` security groups that need only
/// it, and a chain of `chain` security groups, each naming the previous.
pub fn chain_beside_independent(dir: &Path, independent: usize, chain: usize) {
    let mut src = String::from(
        "resource \"azurerm_resource_group\" \"rg\" {\n  name     = \"rg-shape\"\n  location = \"westeurope\"\n}\n",
    );
    let nsg = |src: &mut String, name: &str, after: Option<String>| {
        let tags = after
            .map(|a| format!("\n  tags                = {{ after = {a}.id }}"))
            .unwrap_or_default();
        write!(
            src,
            "\nresource \"azurerm_network_security_group\" \"{name}\" {{\n  name                = \"nsg-{name}\"\n  location            = azurerm_resource_group.rg.location\n  resource_group_name = azurerm_resource_group.rg.name{tags}\n}}\n"
        )
        .unwrap();
    };
    for i in 0..independent {
        nsg(&mut src, &format!("i{i}"), None);
    }
    for i in 0..chain {
        let after = (i > 0).then(|| format!("azurerm_network_security_group.c{}", i - 1));
        nsg(&mut src, &format!("c{i}"), after);
    }
    std::fs::write(dir.join("main.tf"), src).unwrap();
}
