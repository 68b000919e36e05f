//! Loads, evaluates and graphs a generated configuration of 10,000 resources
//! in a layered graph: resource groups, networks, subnets (for_each), identities
//! (count) and role assignments that reference them.
//!
//! Run: `cargo bench --bench load_graph`.

use aksplan::config::load_dir;
use aksplan::config::vars::{resolve, VarInputs};
use aksplan::core::{evaluate, ConfigOnly};
use criterion::{criterion_group, criterion_main, Criterion};
use std::fmt::Write;
use std::path::Path;

// The same allocator as the binary, so the figure is the one users see.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Writes `units` groups of 10 resources each (so 1,000 units = 10,000 resources).
pub fn generate(dir: &Path, units: usize) {
    let mut src = String::from(
        "variable \"location\" {\n  default = \"westeurope\"\n}\n\nlocals {\n  tags = { env = \"bench\" }\n  subnets = { a = 0, b = 1, c = 2 }\n}\n\n",
    );
    for u in 0..units {
        write!(
            src,
            r#"
resource "azurerm_resource_group" "rg{u}" {{
  name     = "rg-{u}"
  location = var.location
  tags     = local.tags
}}

resource "azurerm_virtual_network" "vnet{u}" {{
  name                = "vnet-{u}"
  location            = azurerm_resource_group.rg{u}.location
  resource_group_name = azurerm_resource_group.rg{u}.name
  address_space       = [cidrsubnet("10.0.0.0/8", 8, {u} % 256)]
}}

resource "azurerm_subnet" "s{u}" {{
  for_each             = local.subnets
  name                 = "snet-${{each.key}}"
  resource_group_name  = azurerm_resource_group.rg{u}.name
  virtual_network_name = azurerm_virtual_network.vnet{u}.name
  address_prefixes     = [cidrsubnet(azurerm_virtual_network.vnet{u}.address_space[0], 8, each.value)]
}}

resource "azurerm_user_assigned_identity" "id{u}" {{
  count               = 2
  name                = "id-{u}-${{count.index}}"
  location            = var.location
  resource_group_name = azurerm_resource_group.rg{u}.name
}}

resource "azurerm_role_assignment" "ra{u}" {{
  count                = 3
  scope                = values(azurerm_subnet.s{u})[count.index].id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.id{u}[count.index % 2].principal_id
}}
"#
        )
        .unwrap();
    }
    std::fs::write(dir.join("main.tf"), src).unwrap();
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), 1000);
    // Check once that the configuration is what it claims to be.
    let (mut config, d) = load_dir(dir.path());
    assert!(!d.has_errors(), "{d:?}");
    let (vars, _) = resolve(&mut config, &VarInputs::default());
    let (evaluated, d) = evaluate(&config, vars, &mut ConfigOnly);
    assert!(!d.has_errors(), "{:?}", d.iter().next());
    assert_eq!(evaluated.instances.len(), 10_000);

    let mut group = c.benchmark_group("10k resources");
    group.sample_size(10);
    group.bench_function("load + evaluate + graph", |b| {
        b.iter(|| {
            let (mut config, _) = load_dir(dir.path());
            let (vars, _) = resolve(&mut config, &VarInputs::default());
            let (evaluated, _) = evaluate(&config, vars, &mut ConfigOnly);
            evaluated.graph.graph.node_count()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
