//! Modules through the real binary: addresses in plan, apply, state, graph,
//! import, targeting and the JSON plan; nested modules with count; errors
//! at the module block or in the module's own files.

mod common;

use common::{example, run, write, Run};

fn ok(r: &Run, what: &str) {
    assert_eq!(r.code, 0, "{what}:\n{}\n{}", r.stdout, r.stderr);
}

fn json(r: &Run) -> serde_json::Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

#[test]
fn the_modules_example_is_addressed_by_module_everywhere() {
    let dir = example("modules");
    let d = dir.path();
    let r = run(d, &["plan", "--format=json"]);
    ok(&r, "plan --format=json");
    let plan = json(&r);
    let dev_subnet = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == r#"module.network["dev"].azurerm_subnet.nodes"#)
        .expect("the subnet of module.network[\"dev\"] is planned");
    assert_eq!(dev_subnet["module_address"], r#"module.network["dev"]"#);
    let children = plan["planned_values"]["root_module"]["child_modules"]
        .as_array()
        .unwrap();
    let addresses: Vec<&str> = children.iter().map(|c| c["address"].as_str().unwrap()).collect();
    assert_eq!(
        addresses,
        [
            r#"module.cluster["dev"]"#,
            r#"module.cluster["prod"]"#,
            r#"module.network["dev"]"#,
            r#"module.network["prod"]"#
        ]
    );
    let calls = &plan["configuration"]["root_module"]["module_calls"];
    assert_eq!(calls["network"]["source"], "./modules/network");
    assert!(calls["cluster"]["module"]["resources"].as_array().unwrap().len() == 3);
    assert!(calls["cluster"]["for_each_expression"]["references"].is_array());

    ok(&run(d, &["apply", "-auto-approve"]), "apply");
    let r = run(d, &["state", "list"]);
    ok(&r, "state list");
    assert_eq!(r.stdout.lines().count(), 12, "{}", r.stdout);
    assert!(r
        .stdout
        .contains(r#"module.cluster["prod"].azurerm_kubernetes_cluster.this"#));
    let r = run(d, &["plan", "-detailed-exitcode"]);
    assert_eq!(r.code, 0, "a plan after apply has no changes:\n{}", r.stdout);
    let r = run(d, &["output", "-json"]);
    ok(&r, "output");
    let fqdns = &json(&r)["cluster_fqdns"]["value"];
    assert!(fqdns["prod"].as_str().unwrap().starts_with("aks-prod-"), "{fqdns}");

    let r = run(d, &["graph", "-format=json"]);
    ok(&r, "graph");
    let g = json(&r);
    let nodes: Vec<&str> = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(nodes.contains(&r#"module.network["dev"].azurerm_subnet.nodes"#));
    assert!(
        nodes.contains(&r#"module.cluster["dev"].var.node_subnet_id"#),
        "{nodes:?}"
    );
    assert!(nodes.contains(&"module.network"), "{nodes:?}");

    let r = run(d, &["destroy", "-auto-approve"]);
    ok(&r, "destroy");
    assert!(r.stdout.contains("12 destroyed"), "{}", r.stdout);
    let r = run(d, &["sim", "list"]);
    assert_eq!(r.stdout.trim(), "", "the simulation is empty after destroy");
}

#[test]
fn targets_and_replacements_name_module_instances() {
    let dir = example("modules");
    let d = dir.path();
    ok(&run(d, &["apply", "-auto-approve"]), "apply");
    let both = r#"environments={dev={address_space="10.20.0.0/16", node_count=2}, prod={address_space="10.30.0.0/16", node_count=4}}"#;
    let r = run(d, &["plan", "-var", both, "-target", r#"module.cluster["dev"]"#]);
    ok(&r, "targeted plan");
    assert!(
        r.stdout
            .contains(r#"module.cluster["dev"].azurerm_kubernetes_cluster.this will be updated"#),
        "{}",
        r.stdout
    );
    // prod is refreshed (its line says so), but not planned.
    let planned = common::without_refresh_lines(&r.stdout);
    assert!(!planned.contains(r#"module.cluster["prod"]"#), "{}", r.stdout);
    assert!(r.stderr.contains("Resource targeting is in effect"), "{}", r.stderr);
    let r = run(
        d,
        &["plan", "-replace", r#"module.network["prod"].azurerm_subnet.nodes"#],
    );
    ok(&r, "replace");
    assert!(
        r.stdout
            .contains(r#"# module.network["prod"].azurerm_subnet.nodes must be replaced"#),
        "{}",
        r.stdout
    );
    // Without prod in the configuration, its module instances go.
    let r = run(
        d,
        &["plan", "-var", r#"environments={dev={address_space="10.20.0.0/16"}}"#],
    );
    ok(&r, "plan without prod");
    assert!(
        r.stdout
            .contains(r#"(because module.network["prod"] is not in the configuration)"#),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Plan: 0 to add, 0 to change, 6 to destroy."),
        "{}",
        r.stdout
    );
}

#[test]
fn state_moves_in_and_out_of_modules_and_import_takes_module_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let rg =
        "resource \"azurerm_resource_group\" \"this\" {\n  name     = \"rg-moved\"\n  location = \"westeurope\"\n}\n";
    write(d, &[("main.tf", rg)]);
    ok(&run(d, &["apply", "-auto-approve"]), "apply");
    // The same resource group, now in a module.
    write(
        d,
        &[
            ("main.tf", "module \"base\" {\n  source = \"./base\"\n}\n"),
            ("base/main.tf", rg),
        ],
    );
    let r = run(d, &["plan"]);
    assert!(
        r.stdout.contains("1 to add, 0 to change, 1 to destroy"),
        "before the move: {}",
        r.stdout
    );
    let r = run(
        d,
        &[
            "state",
            "mv",
            "azurerm_resource_group.this",
            "module.base.azurerm_resource_group.this",
        ],
    );
    ok(&r, "state mv into a module");
    let r = run(d, &["plan", "-detailed-exitcode"]);
    assert_eq!(r.code, 0, "after the move the plan is clean: {}", r.stdout);

    // Forgotten, then imported back at its module address.
    ok(
        &run(d, &["state", "rm", "module.base.azurerm_resource_group.this"]),
        "state rm",
    );
    let id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-moved";
    let r = run(d, &["import", "module.nope.azurerm_resource_group.this", id]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("not a managed resource of this configuration"),
        "{}",
        r.stderr
    );
    let r = run(d, &["import", "module.base.azurerm_resource_group.this", id]);
    ok(&r, "import into a module");
    let r = run(d, &["plan", "-detailed-exitcode"]);
    assert_eq!(r.code, 0, "after the import the plan is clean: {}", r.stdout);

    // And out of the module again.
    write(d, &[("main.tf", rg)]);
    std::fs::remove_dir_all(d.join("base")).unwrap();
    ok(
        &run(d, &["state", "mv", "module.base", "module.gone"]),
        "a whole module instance moves",
    );
    ok(
        &run(
            d,
            &[
                "state",
                "mv",
                "module.gone.azurerm_resource_group.this",
                "azurerm_resource_group.this",
            ],
        ),
        "state mv out of a module",
    );
    let r = run(d, &["plan", "-detailed-exitcode"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

const NESTED: &[(&str, &str)] = &[
    (
        "main.tf",
        r#"
module "outer" {
  source = "./outer"
  count  = 2
  prefix = "p${count.index}"
}

output "names" {
  value = module.outer[*].names
}

output "first" {
  value = module.outer[0].names[1]
}
"#,
    ),
    (
        "outer/main.tf",
        r#"
variable "prefix" {
  type = string
}

module "inner" {
  source   = "../inner"
  for_each = toset(["a", "b"])
  name     = "${var.prefix}-${each.key}"
}

output "names" {
  value = [for k, m in module.inner : m.name]
}
"#,
    ),
    (
        "inner/main.tf",
        r#"
variable "name" {
  type = string
}

resource "terraform_data" "this" {
  input = var.name
}

output "name" {
  value = terraform_data.this.output
}
"#,
    ),
];

#[test]
fn nested_modules_with_count_and_for_each_pass_values_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), NESTED);
    let r = run(dir.path(), &["apply", "-auto-approve"]);
    ok(&r, "apply");
    assert!(
        r.stdout
            .contains(r#"module.outer[1].module.inner["b"].terraform_data.this: Creation complete"#),
        "{}",
        r.stdout
    );
    let r = run(dir.path(), &["output", "-json"]);
    let out = json(&r);
    assert_eq!(
        out["names"]["value"],
        serde_json::json!([["p0-a", "p0-b"], ["p1-a", "p1-b"]])
    );
    assert_eq!(out["first"]["value"], "p0-b");
    let r = run(dir.path(), &["plan", "-detailed-exitcode"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

fn validate(files: &[(&str, &str)]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    run(dir.path(), &["validate", "-json"])
}

/// `(summary, file, line)` of each diagnostic of `validate -json`.
fn problems(r: &Run) -> Vec<(String, String, u64)> {
    json(r)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["summary"].as_str().unwrap().to_string(),
                d["range"]["filename"].as_str().unwrap_or("").to_string(),
                d["range"]["start"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn module_calls_are_checked_against_the_modules_they_call() {
    let child = "variable \"needed\" {\n  type = string\n}\n\noutput \"out\" {\n  value = var.needed\n}\n";
    let r = validate(&[
        (
            "main.tf",
            "module \"m\" {\n  source = \"./m\"\n  typo   = 1\n}\n\noutput \"o\" {\n  value = module.m.nope\n}\n",
        ),
        ("m/main.tf", child),
    ]);
    assert_eq!(r.code, 1);
    let p = problems(&r);
    assert!(
        p.contains(&("Missing required argument".into(), "main.tf".into(), 1)),
        "{p:?}"
    );
    assert!(
        p.contains(&("Unsupported argument".into(), "main.tf".into(), 3)),
        "{p:?}"
    );
    assert!(
        p.contains(&("Reference to undeclared or invalid name".into(), "main.tf".into(), 7)),
        "{p:?}"
    );
    // An error inside the module is reported in the module's file.
    let r = validate(&[
        ("main.tf", "module \"m\" {\n  source = \"./m\"\n}\n"),
        ("m/main.tf", "locals {\n  x = var.undeclared\n}\n"),
    ]);
    assert_eq!(
        problems(&r),
        vec![("Reference to undeclared or invalid name".into(), "m/main.tf".into(), 2)]
    );
}

#[test]
fn modules_that_cannot_be_read_say_why() {
    let r = validate(&[(
        "main.tf",
        "module \"aks\" {\n  source  = \"Azure/aks/azurerm\"\n  version = \"~> 9.0\"\n}\n",
    )]);
    assert_eq!(r.code, 1);
    let d = &json(&r)["diagnostics"][0];
    assert_eq!(d["summary"], "Module not installed");
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("main.tf", "module \"aks\" {\n  source = \"Azure/aks/azurerm\"\n}\n")],
    );
    let text = run(dir.path(), &["validate"]);
    assert!(text.stderr.contains("aksplan init"), "{}", text.stderr);

    let r = validate(&[("main.tf", "module \"m\" {\n  source = \"./missing\"\n}\n")]);
    assert_eq!(json(&r)["diagnostics"][0]["summary"], "Unreadable module directory");
    let r = validate(&[
        ("main.tf", "module \"m\" {\n  source = \"./m\"\n}\n"),
        ("m/main.tf", "module \"again\" {\n  source = \"../m\"\n}\n"),
    ]);
    assert_eq!(json(&r)["diagnostics"][0]["summary"], "Module calls itself");
    let r = validate(&[
        (
            "main.tf",
            "module \"m\" {\n  source  = \"./m\"\n  version = \"1.0\"\n}\n",
        ),
        ("m/main.tf", ""),
    ]);
    assert_eq!(
        json(&r)["diagnostics"][0]["summary"],
        "Invalid registry module source address"
    );
}

#[test]
fn depends_on_a_module_orders_after_everything_in_it() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "main.tf",
                "module \"net\" {\n  source = \"./net\"\n}\n\nresource \"terraform_data\" \"after\" {\n  depends_on = [module.net, module.net.id, terraform_data.other[0]]\n}\n\nresource \"terraform_data\" \"other\" {\n  count = 1\n}\n",
            ),
            (
                "net/main.tf",
                "resource \"terraform_data\" \"a\" {}\n\noutput \"id\" {\n  value = terraform_data.a.id\n}\n",
            ),
        ],
    );
    let r = run(dir.path(), &["graph", "-format=json"]);
    ok(&r, "graph");
    let edges: Vec<(String, String)> = json(&r)["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "depends_on")
        .map(|e| (e["from"].as_str().unwrap().into(), e["to"].as_str().unwrap().into()))
        .collect();
    assert!(
        edges.contains(&("terraform_data.after".into(), "module.net.terraform_data.a".into())),
        "{edges:?}"
    );
    let r = run(dir.path(), &["apply", "-auto-approve"]);
    ok(&r, "apply");
    let order: Vec<&str> = r.stdout.lines().filter(|l| l.contains(": Creation complete")).collect();
    let pos = |s: &str| order.iter().position(|l| l.starts_with(s)).unwrap();
    assert!(
        pos("module.net.terraform_data.a") < pos("terraform_data.after"),
        "{order:?}"
    );
}

#[test]
fn providers_passed_to_modules_must_exist() {
    let child = "terraform {\n  required_providers {\n    azurerm = {\n      source                = \"hashicorp/azurerm\"\n      configuration_aliases = [azurerm.hub]\n    }\n  }\n}\n";
    let good = validate(&[
        (
            "main.tf",
            "provider \"azurerm\" {\n  features {}\n}\n\nprovider \"azurerm\" {\n  alias = \"hub\"\n  features {}\n}\n\nmodule \"m\" {\n  source    = \"./m\"\n  providers = { azurerm.hub = azurerm.hub }\n}\n",
        ),
        ("m/main.tf", child),
    ]);
    assert_eq!(good.code, 0, "{}", good.stdout);
    let r = validate(&[
        (
            "main.tf",
            "module \"m\" {\n  source    = \"./m\"\n  providers = { azurerm.hub = azurerm.spoke }\n}\n",
        ),
        ("m/main.tf", child),
    ]);
    let p = problems(&r);
    assert!(
        p.contains(&("Reference to undefined provider".into(), "main.tf".into(), 3)),
        "{p:?}"
    );
    let r = validate(&[
        ("main.tf", "module \"m\" {\n  source = \"./m\"\n}\n"),
        ("m/main.tf", child),
    ]);
    let p = problems(&r);
    assert!(
        p.contains(&("Missing required provider configuration".into(), "main.tf".into(), 1)),
        "{p:?}"
    );
}

#[test]
fn a_rule_inside_a_module_points_at_the_modules_file() {
    let dir = example("modules");
    let main = dir.path().join("modules/cluster/main.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(
        &main,
        text.replace("\"Network Contributor\"", "\"Network Contributer\""),
    )
    .unwrap();
    let r = run(dir.path(), &["validate", "-json"]);
    assert_eq!(r.code, 1);
    let d = json(&r)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "RBAC001")
        .cloned()
        .expect("RBAC001 is found in the module");
    assert_eq!(d["range"]["filename"], "modules/cluster/main.tf");
    let sarif = run(dir.path(), &["validate", "--format", "sarif"]);
    let s = json(&sarif);
    let result = &s["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "RBAC001");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "modules/cluster/main.tf"
    );
}

/// A saved plan keeps the module tree: it applies as planned even when the
/// modules on disk have changed since.
#[test]
fn a_saved_plan_applies_its_own_snapshot_of_the_modules() {
    let dir = example("modules");
    let d = dir.path();
    ok(&run(d, &["plan", "-out=tfplan"]), "plan -out");
    std::fs::remove_dir_all(d.join("modules/cluster")).unwrap();
    let r = run(d, &["show", "-json", "tfplan"]);
    ok(&r, "show -json tfplan");
    assert_eq!(json(&r)["resource_changes"].as_array().unwrap().len(), 12);
    ok(&run(d, &["apply", "tfplan"]), "apply tfplan");
    let r = run(d, &["state", "list"]);
    assert!(
        r.stdout
            .contains("module.cluster[\"prod\"].azurerm_kubernetes_cluster.this"),
        "{}",
        r.stdout
    );
}
