//! Terraform's JSON syntax (`*.tf.json`), through the real binary.
//!
//! A configuration half in HCL and half in JSON must validate, plan and
//! apply exactly like the same configuration all in HCL; diagnostics in a
//! JSON file must point where `terraform validate -json` points (its output
//! for each case under `fixtures/json/terraform/` is committed beside the
//! case, made by `regenerate.sh`).

mod common;

use common::{run, write, Run};
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/json")
}

/// A fresh directory holding the given fixture files (paths under `fixtures/json`).
fn dir_of(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in files {
        let src = fixtures().join(f);
        std::fs::copy(&src, dir.path().join(src.file_name().unwrap())).unwrap();
    }
    dir
}

/// The configuration all in HCL, and with its cluster half in JSON.
fn twins() -> (tempfile::TempDir, tempfile::TempDir) {
    (
        dir_of(&["equivalent/main.tf", "equivalent/cluster.tf"]),
        dir_of(&["equivalent/main.tf", "equivalent/cluster.tf.json"]),
    )
}

fn ok(r: Run) -> Run {
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    r
}

fn json(r: &Run) -> Json {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

#[test]
fn half_json_validates_and_plans_exactly_like_all_hcl() {
    let (hcl, mixed) = twins();
    for dir in [&hcl, &mixed] {
        let r = ok(run(dir.path(), &["validate"]));
        assert_eq!(r.stdout, "Success! The configuration is valid.\n");
    }
    let a = ok(run(hcl.path(), &["plan"]));
    let b = ok(run(mixed.path(), &["plan"]));
    assert!(
        a.stdout.contains("Plan: 10 to add, 0 to change, 0 to destroy."),
        "{}",
        a.stdout
    );
    assert_eq!(a.stdout, b.stdout);

    // The JSON plan too, but for the configuration section, where an
    // expression written as a `"${...}"` template is never a constant.
    let (a, b) = (
        json(&ok(run(hcl.path(), &["plan", "--format", "json"]))),
        json(&ok(run(mixed.path(), &["plan", "--format", "json"]))),
    );
    for key in [
        "planned_values",
        "resource_changes",
        "output_changes",
        "relevant_attributes",
        "diagnostics",
    ] {
        assert_eq!(a[key], b[key], "{key}");
    }
    let addresses = |p: &Json| -> Vec<String> {
        p["configuration"]["root_module"]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["address"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(addresses(&a).len(), 7);
    assert_eq!(addresses(&a), addresses(&b));
}

#[test]
fn half_json_applies_then_plans_clean_with_the_same_outputs() {
    let (hcl, mixed) = twins();
    for dir in [&hcl, &mixed] {
        let r = ok(run(dir.path(), &["apply", "--auto-approve"]));
        assert!(r.stdout.contains("Apply complete! Resources: 10 added"), "{}", r.stdout);
        let r = ok(run(dir.path(), &["plan", "--detailed-exitcode"]));
        assert!(r.stdout.contains("No changes."), "{}", r.stdout);
    }
    let outputs = |d: &Path| ok(run(d, &["output"])).stdout;
    assert_eq!(outputs(hcl.path()), outputs(mixed.path()));
    assert!(outputs(mixed.path()).contains("api_server_subnet = \"10.10.0.0/28\""));
}

#[test]
fn a_saved_plan_keeps_the_json_files() {
    let (_, mixed) = twins();
    ok(run(mixed.path(), &["plan", "--out", "saved.plan"]));
    // The configuration is taken from the saved plan, not from the directory.
    std::fs::remove_file(mixed.path().join("cluster.tf.json")).unwrap();
    let r = ok(run(mixed.path(), &["apply", "saved.plan"]));
    assert!(r.stdout.contains("Resources: 10 added"), "{}", r.stdout);
}

#[test]
fn a_resource_written_in_json_is_not_planned_for_destruction() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "main.tf",
                "resource \"azurerm_resource_group\" \"a\" {\n  name     = \"rg-a\"\n  location = \"westeurope\"\n}\n",
            ),
            (
                "b.tf.json",
                r#"{"resource": {"azurerm_resource_group": {"b": {"name": "rg-b", "location": "${azurerm_resource_group.a.location}"}}}}"#,
            ),
        ],
    );
    ok(run(dir.path(), &["apply", "--auto-approve"]));
    let r = run(dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let state = ok(run(dir.path(), &["state", "list"]));
    assert_eq!(state.stdout, "azurerm_resource_group.a\nazurerm_resource_group.b\n");
}

/// How much of terraform's diagnostic aksplan reproduces.
#[derive(Clone, Copy, Debug)]
enum Same {
    /// Summary, detail and place: errors about the JSON itself.
    Words,
    /// The place only: language errors, which aksplan words its own way.
    Place,
}

/// Per case, the diagnostics of terraform's list (by index) that aksplan
/// reports, and how closely. Terraform's follow-up errors after a JSON
/// syntax error (the broken value then has the wrong type) are left out.
const CASES: &[(&str, &[(usize, Same)])] = &[
    ("bool_strings", &[(0, Same::Place)]),
    ("depends_on_not_a_reference", &[(0, Same::Place)]),
    (
        "duplicate_argument",
        &[(0, Same::Words), (1, Same::Words), (2, Same::Words)],
    ),
    ("extraneous_in_variable", &[(0, Same::Words), (1, Same::Words)]),
    ("extraneous_top_level", &[(0, Same::Words)]),
    ("invalid_type", &[(0, Same::Place)]),
    ("missing_label", &[(0, Same::Words), (1, Same::Words)]),
    ("root_not_object", &[(0, Same::Words)]),
    ("syntax_equals", &[(0, Same::Words)]),
    ("syntax_keyword", &[(0, Same::Words)]),
    ("syntax_number", &[(0, Same::Words)]),
    ("syntax_trailing_comma", &[(0, Same::Words)]),
    ("syntax_unclosed", &[(0, Same::Words)]),
    ("template_syntax", &[(0, Same::Words)]),
    ("undeclared_reference", &[(0, Same::Place), (1, Same::Place)]),
    (
        "wrong_value_types",
        &[(0, Same::Words), (1, Same::Words), (2, Same::Words)],
    ),
];

#[test]
fn diagnostics_in_json_files_are_where_terraform_puts_them() {
    let root = fixtures().join("terraform");
    let listed: Vec<&str> = CASES.iter().map(|(c, _)| *c).collect();
    let mut on_disk: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    on_disk.sort();
    assert_eq!(on_disk, listed, "every case directory is in CASES");

    for (case, expected) in CASES {
        let dir = dir_of(&[&format!("terraform/{case}/main.tf.json")]);
        let r = run(dir.path(), &["validate", "--format", "json"]);
        assert_eq!(r.code, 1, "{case}: {}", r.stderr);
        let ours = json(&r)["diagnostics"].as_array().unwrap().clone();
        let theirs: Json =
            serde_json::from_str(&std::fs::read_to_string(root.join(case).join("terraform.json")).unwrap()).unwrap();
        let theirs = theirs["diagnostics"].as_array().unwrap();
        assert_eq!(ours.len(), expected.len(), "{case}: {ours:#?}");
        for (i, same) in expected.iter() {
            let t = &theirs[*i];
            let found = ours.iter().find(|o| {
                o["range"]["start"] == t["range"]["start"]
                    && o["range"]["end"] == t["range"]["end"]
                    && o["range"]["filename"] == t["range"]["filename"]
            });
            let Some(o) = found else {
                panic!("{case}: nothing at terraform's place for {t:#}\naksplan: {ours:#?}")
            };
            if let Same::Words = same {
                assert_eq!((&o["summary"], &o["detail"]), (&t["summary"], &t["detail"]), "{case}");
            }
        }
    }
}

#[test]
fn a_json_diagnostic_shows_the_json_line() {
    let dir = dir_of(&["terraform/undeclared_reference/main.tf.json"]);
    let r = run(dir.path(), &["validate"]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("json_undeclared_reference", r.stderr);
}

#[test]
fn sarif_regions_point_into_the_json() {
    let dir = dir_of(&["terraform/extraneous_in_variable/main.tf.json"]);
    let r = run(dir.path(), &["validate", "--format", "sarif"]);
    let sarif = json(&r);
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (&region["startLine"], &region["startColumn"], &region["endColumn"]),
        (&Json::from(5), &Json::from(7), &Json::from(13)),
        "{sarif:#}"
    );
}

#[test]
fn values_read_from_json_are_the_values_terraform_computes() {
    let dir = dir_of(&["values/main.tf.json"]);
    ok(run(dir.path(), &["apply", "--auto-approve"]));
    let ours = json(&ok(run(dir.path(), &["output", "--json"])));
    let theirs: Json =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("values/terraform.json")).unwrap()).unwrap();
    let theirs = theirs.as_object().unwrap();
    assert_eq!(theirs.len(), 10);
    assert_eq!(ours.as_object().unwrap().len(), theirs.len(), "{ours:#}");
    for (name, t) in theirs {
        let o = &ours[name];
        assert_eq!(o["sensitive"], t["sensitive"], "{name}");
        // aksplan does not print a sensitive value, even as JSON.
        if t["sensitive"] == Json::Bool(false) {
            assert_eq!(o["value"], t["value"], "{name}");
        }
    }
}

#[test]
fn a_rule_finding_in_a_json_file_points_at_the_json() {
    // VNET001's broken example, with the offending subnet moved to JSON.
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/broken/VNET001/main.tf");
    let hcl = std::fs::read_to_string(example).unwrap();
    let start = hcl.find("resource \"azurerm_subnet\" \"api\"").unwrap();
    let end = start + hcl[start..].find("\n}\n").unwrap() + 3;
    let api = r#"{
  "resource": {
    "azurerm_subnet": {
      "api": {
        "name": "apiserver",
        "resource_group_name": "${azurerm_resource_group.rg.name}",
        "virtual_network_name": "${azurerm_virtual_network.vnet.name}",
        "address_prefixes": ["10.20.0.0/28"]
      }
    }
  }
}
"#;
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("main.tf", &format!("{}{}", &hcl[..start], &hcl[end..])),
            ("api.tf.json", api),
        ],
    );
    let r = run(dir.path(), &["validate", "--format", "sarif"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let sarif = json(&r);
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["ruleId"] == "VNET001")
        .unwrap_or_else(|| panic!("no VNET001: {sarif:#}"));
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "api.tf.json");
    assert_eq!(location["region"]["startLine"], 4, "{location:#}");
    let r = run(dir.path(), &["validate"]);
    assert!(
        r.stderr
            .contains("  on api.tf.json line 4, in resource.azurerm_subnet:\n   4:       \"api\": {\n"),
        "{}",
        r.stderr
    );
}
