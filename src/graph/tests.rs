//! Tests of the object graph: edges, module edges, cycles, references.

use super::*;
use crate::config::load::from_files;

fn graph(src: &str) -> (Config, ObjectGraph, Diagnostics) {
    let (c, d) = from_files(
        std::path::Path::new("."),
        vec![("main.tf".into(), Ok(src.as_bytes().to_vec()))],
        &crate::provider::catalog::testing::schemas(),
    );
    assert!(d.is_empty(), "{d:?}");
    let (g, d) = build(&c, &[]);
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
        "count.index can be used only in a resource, data or module block that sets count"
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
