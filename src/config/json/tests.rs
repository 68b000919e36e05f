//! The conversion as the loader sees it: JSON in, the configuration and the
//! diagnostics (with the JSON text they point at) out.

use super::*;
use crate::config::load::from_files;
use crate::config::{Config, IgnoreChanges};
use std::path::Path;

/// The HCL a JSON file becomes, and what converting it reported.
fn hcl(json: &str) -> (String, Vec<(String, String)>) {
    let mut sources = Sources::default();
    let file = sources.add("main.tf.json", json);
    let (_, diags) = to_hcl(file, &mut sources, &*crate::provider::catalog::testing::schemas());
    let found = diags
        .iter()
        .map(|d| {
            (
                d.summary.clone(),
                d.span.map(|s| sources.text(s).to_string()).unwrap_or_default(),
            )
        })
        .collect();
    (sources.get(file).parsed().to_string(), found)
}

fn load(files: &[(&str, &str)]) -> (Config, Diagnostics) {
    from_files(
        Path::new("."),
        files
            .iter()
            .map(|(n, t)| (n.to_string(), Ok(t.as_bytes().to_vec())))
            .collect(),
        &crate::provider::catalog::testing::schemas(),
    )
}

/// Summaries, each with the JSON text its span covers.
fn errors(json: &str) -> Vec<(String, String)> {
    let (c, d) = load(&[("main.tf.json", json)]);
    d.iter()
        .map(|d| {
            (
                d.summary.clone(),
                d.span.map(|s| c.sources.text(s).to_string()).unwrap_or_default(),
            )
        })
        .collect()
}

fn pair(summary: &str, text: &str) -> (String, String) {
    (summary.to_string(), text.to_string())
}

#[test]
fn blocks_labels_and_arguments() {
    let (out, found) = hcl(r#"{
  "//": "a comment",
  "variable": {"x": {"type": "map(string)", "default": {"a": "${b}"}}},
  "locals": {"//": "also a comment", "y": "${var.x}", "z": {"//": 1, "k": [1, true, null, -2.5e1]}},
  "output": {"o": {"value": "${local.y}", "description": "cost: ${x}"}}
}"#);
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(
        out,
        r#"variable "x" {
  type = map(string)
  default = {"a" = "$${b}"}
}
locals {
  y = "${var.x}"
  z = {"//" = 1, "k" = [1, true, null, -2.5e1]}
}
output "o" {
  value = "${local.y}"
  description = "cost: $${x}"
}
"#
    );
}

#[test]
fn resource_keys_are_arguments_or_blocks_by_the_schema() {
    let (out, found) = hcl(r#"{"resource": {"azurerm_kubernetes_cluster": {"k": {
  "count": 2,
  "name": "aks-${count.index}",
  "tags": {"env": "dev"},
  "default_node_pool": {"name": "system", "vm_size": "Standard_D2s_v5"},
  "identity": [{"type": "SystemAssigned"}],
  "dynamic": {"network_profile": {"for_each": "${local.net}", "iterator": "n", "content": {"network_plugin": "${n.value}"}}},
  "provider": "azurerm.west",
  "depends_on": ["azurerm_resource_group.rg"],
  "lifecycle": {"ignore_changes": "all", "prevent_destroy": "true", "replace_triggered_by": ["azurerm_resource_group.rg.id"]}
}}}}"#);
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(
        out,
        r#"resource "azurerm_kubernetes_cluster" "k" {
  count = 2
  name = "aks-${count.index}"
  tags = {"env" = "dev"}
  default_node_pool {
    name = "system"
    vm_size = "Standard_D2s_v5"
  }
  identity {
    type = "SystemAssigned"
  }
  dynamic "network_profile" {
    for_each = "${local.net}"
    iterator = n
    content {
      network_plugin = "${n.value}"
    }
  }
  provider = azurerm.west
  depends_on = [azurerm_resource_group.rg]
  lifecycle {
    ignore_changes = all
    prevent_destroy = true
    replace_triggered_by = [azurerm_resource_group.rg.id]
  }
}
"#
    );
}

#[test]
fn label_levels_and_arrays_give_several_blocks() {
    let (out, found) = hcl(
        r#"{"resource": [{"azurerm_resource_group": {"a": {"name": "a"}, "b": [{"name": "b"}]}}],
            "variable": {"v": null}, "output": [], "locals": [{"x": 1}, {"y": 2}, null]}"#,
    );
    // A label level needs at least one label; a null block is none, but a
    // null body in an array is a body of the wrong type (as in terraform).
    assert_eq!(
        found,
        [
            pair("Missing block label", "["),
            pair("Incorrect JSON value type", "null")
        ]
    );
    let headers: Vec<&str> = out.lines().filter(|l| l.ends_with('{')).collect();
    assert_eq!(
        headers,
        [
            r#"resource "azurerm_resource_group" "a" {"#,
            r#"resource "azurerm_resource_group" "b" {"#,
            "locals {",
            "locals {",
            "locals {"
        ]
    );
}

#[test]
fn unknown_types_and_provider_settings_keep_every_key() {
    let (out, found) = hcl(r#"{
  "resource": {"nope_thing": {"x": {"anything": {"a": 1}, "depends_on": []}}},
  "provider": {"azurerm": {"features": {"resource_group": {"prevent_deletion_if_contains_resources": false}}, "subscription_id": "s"}},
  "terraform": {"required_providers": {"azurerm": {"source": "hashicorp/azurerm", "configuration_aliases": ["azurerm.west"]}}, "backend": {"azurerm": {"key": "${x}"}}}
}"#);
    assert!(found.is_empty(), "{found:?}");
    assert!(out.contains("  anything = {\"a\" = 1}\n"), "{out}");
    assert!(
        out.contains("  features {\n    resource_group {\n      prevent_deletion_if_contains_resources = false\n"),
        "{out}"
    );
    assert!(out.contains("  subscription_id = \"s\"\n"), "{out}");
    assert!(
        out.contains(r#"azurerm = {"source" = "hashicorp/azurerm", "configuration_aliases" = [azurerm.west]}"#),
        "{out}"
    );
    assert!(out.contains("backend \"azurerm\" {\n    key = \"$${x}\"\n"), "{out}");
}

#[test]
fn what_terraform_rejects_in_the_structure_is_reported_at_its_key() {
    let (_, found) = hcl(r#"{"resurce": {}, "variable": {"v": {"type": "string", "tpye": 1}},
        "resource": {"azurerm_resource_group": {"rg": {"nmae": "x", "name": "a", "name": "b"}}}}"#);
    assert_eq!(
        found,
        [
            pair("Extraneous JSON object property", "\"resurce\""),
            pair("Extraneous JSON object property", "\"tpye\""),
            pair("Extraneous JSON object property", "\"nmae\""),
            pair("Duplicate argument", "\"name\""),
        ]
    );
    let mut sources = Sources::default();
    let json = "{\"resource\": {\"azurerm_resource_group\": {\"rg\": {\n  \"name\": \"a\",\n  \"name\": \"b\", \"nmae\": 1}}}}";
    let f = sources.add("main.tf.json", json);
    let (_, d) = to_hcl(f, &mut sources, &*crate::provider::catalog::testing::schemas());
    let details: Vec<&str> = d.iter().map(|d| d.detail.as_str()).collect();
    assert_eq!(
        details,
        [
            "The argument \"name\" was already set at main.tf.json:2,3-14.",
            "No argument or block type is named \"nmae\".",
        ]
    );
    let dup = d.iter().next().unwrap();
    assert_eq!(sources.text(dup.labels[0].span), "\"name\"");
}

#[test]
fn wrong_json_types_are_reported_as_terraform_does() {
    let (_, found) = hcl(
        r#"{"resource": {"azurerm_resource_group": "x"}, "locals": [1], "variable": {"v": 1},
        "data": {}, "output": {"o": [2]}}"#,
    );
    let summaries: Vec<&str> = found.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        summaries,
        [
            "Incorrect JSON value type",
            "Missing block label",
            "Incorrect JSON value type",
            "Incorrect JSON value type",
            "Missing block label",
            "Incorrect JSON value type",
        ]
    );
    let places: Vec<&str> = found.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(places, ["\"x\"", "\"x\"", "1", "1", "{", "2"]);
    let (_, found) = hcl("\"x\"");
    assert_eq!(found, [pair("Root value must be object", "\"x\"")]);
}

#[test]
fn invalid_names_are_reported_not_written() {
    let (out, found) = hcl(r#"{"locals": {"a b": 1, "ok": 2}, "module": {"m": {"source": "./m", "9x": 1}}}"#);
    assert_eq!(
        found,
        [
            pair("Invalid local value name", "\"a b\""),
            pair("Invalid argument name", "\"9x\"")
        ]
    );
    assert!(out.contains("  ok = 2\n"), "{out}");
}

#[test]
fn a_broken_template_is_reported_inside_its_string_and_the_rest_loads() {
    let (c, d) = load(&[(
        "main.tf.json",
        r#"{"locals": {"a": "x ${var.y", "b": "fine", "c": "\"${var.}\""}, "variable": {"y": {}}}"#,
    )]);
    let e: Vec<(&str, &str)> = d
        .iter()
        .map(|d| (d.summary.as_str(), c.sources.text(d.span.unwrap())))
        .collect();
    assert_eq!(
        e,
        [
            ("Unclosed template interpolation sequence", "${"),
            ("Syntax error", "}")
        ]
    );
    assert!(c.root().locals.contains_key("b") && c.root().variables.contains_key("y"));
}

#[test]
fn errors_at_the_end_of_the_text_still_point_at_something() {
    assert_eq!(errors("{\"locals\": {\"a\": \"x"), [pair("Invalid JSON string", "x")]);
    let (_, d) = load(&[("main.tf.json", "")]);
    let d = d.iter().next().unwrap();
    assert_eq!((d.summary.as_str(), d.span), ("Missing value", None));
}

#[test]
fn json_syntax_errors_point_into_the_json() {
    let e = errors("{\n  \"locals\": {\n    \"a\": 1,\n  }\n}\n");
    assert_eq!(e, [pair("Trailing comma in object", ",")]);
    let (c, d) = load(&[("main.tf.json", "{\n  \"locals\": {\"a\": tru}\n}\n")]);
    let d = d.iter().next().unwrap();
    let p = c.sources.get(0).position(d.span.unwrap().start);
    assert_eq!((p.line, p.column), (2, 19));
}

#[test]
fn loads_like_the_same_configuration_in_hcl() {
    let (c, d) = load(&[(
        "main.tf.json",
        r#"{
  "variable": {"pools": {"type": "map(object({ vm_size = string }))", "default": {}, "sensitive": true}},
  "locals": {"name": "aks"},
  "resource": {"azurerm_resource_group": {"rg": {
    "count": 2,
    "name": "rg-${count.index}",
    "location": "westeurope",
    "lifecycle": {"prevent_destroy": true, "ignore_changes": ["tags", "tags[\"owner\"]"]},
    "depends_on": ["azurerm_resource_group.other"]
  }}},
  "output": {"id": {"value": "${azurerm_resource_group.rg[0].id}", "sensitive": true, "depends_on": ["local.name"]}}
}"#,
    )]);
    assert!(d.is_empty(), "{d:?}");
    assert!(c.root().variables["pools"].sensitive && c.root().variables["pools"].ty.is_some());
    let rg = &c.root().resources[&crate::addrs::Resource::managed("azurerm_resource_group", "rg")];
    assert!(rg.count.is_some() && rg.lifecycle.prevent_destroy);
    let IgnoreChanges::Paths(p) = &rg.lifecycle.ignore_changes else {
        panic!()
    };
    assert_eq!(
        p.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        ["tags", "tags[\"owner\"]"]
    );
    // Spans lead back into the JSON: the header to the resource's name, the path into its string.
    assert_eq!(c.sources.text(rg.span), "\"rg\"");
    assert_eq!(c.sources.text(rg.type_span), "\"azurerm_resource_group\"");
    assert_eq!(c.sources.text(p[1].span), "\"tags[\\\"owner\\\"]\"");
    assert_eq!(
        c.sources.text(rg.depends_on[0].span),
        "\"azurerm_resource_group.other\""
    );
    assert_eq!(c.root().outputs["id"].depends_on.len(), 1);
}

#[test]
fn references_that_are_not_references_are_rejected_by_the_loader() {
    let e = errors(
        r#"{"resource": {"azurerm_resource_group": {"rg": {"name": "a", "location": "b", "depends_on": ["foo bar", "${azurerm_resource_group.x}"]}}}}"#,
    );
    assert_eq!(
        e,
        [
            pair("Invalid depends_on reference", "\"foo bar\""),
            pair("Invalid depends_on reference", "\"${azurerm_resource_group.x}\"")
        ]
    );
}

#[test]
fn constants_are_verbatim_and_templates_are_not() {
    let (c, d) = load(&[(
        "main.tf.json",
        r#"{"variable": {"v": {"default": "a${b}", "description": "${c}"}}, "locals": {"l": "$${d}"}}"#,
    )]);
    assert!(d.is_empty(), "{d:?}");
    let v = &c.root().variables["v"];
    assert_eq!(v.description.as_deref(), Some("${c}"));
    let eval = |e: &crate::config::Expr| {
        crate::lang::eval::Evaluator::new(&crate::lang::eval::EmptyScope, &Default::default()).eval(&e.expr)
    };
    assert_eq!(
        eval(v.default.as_ref().unwrap()).unwrap(),
        crate::lang::Value::String("a${b}".into())
    );
    assert_eq!(
        eval(&c.root().locals["l"].expr).unwrap(),
        crate::lang::Value::String("${d}".into())
    );
}
