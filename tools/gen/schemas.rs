//! Provider schemas: the facts of `terraform providers schema -json`
//! output, without descriptions, one type per line.
//!
//! Writes `schemas/providers/<name>.json` for each provider whose schema
//! the data holds. The files keep Terraform's format, so that aksplan
//! reads them, and a user's own `providers schema -json` output
//! (`AKSPLAN_PROVIDER_SCHEMAS`), with one reader.

use serde_json::{Map, Value};
use std::path::Path;

/// (data file, provider source address, output name).
const PROVIDERS: &[(&str, &str, &str)] = &[
    (
        "azurerm-provider-schema.json",
        "registry.terraform.io/hashicorp/azurerm",
        "azurerm",
    ),
    (
        "azapi-provider-schema.json",
        "registry.terraform.io/azure/azapi",
        "azapi",
    ),
    (
        "random-provider-schema.json",
        "registry.terraform.io/hashicorp/random",
        "random",
    ),
    ("tls-provider-schema.json", "registry.terraform.io/hashicorp/tls", "tls"),
];

/// What a schema says beyond facts.
const LEFT_OUT: &[&str] = &["description", "description_kind"];

pub fn generate(data: &Path, out: &Path) -> Result<(), String> {
    for (name, text) in render_all(data)? {
        super::write(&out.join("providers").join(format!("{name}.json")), &text)?;
    }
    Ok(())
}

/// Every generated provider file: its name and its text.
fn render_all(data: &Path) -> Result<Vec<(&'static str, String)>, String> {
    let mut out = Vec::new();
    for (file, source, name) in PROVIDERS {
        let path = data.join(file);
        let doc = super::read_json(&path)?;
        let provider = doc
            .pointer(&format!("/provider_schemas/{}", source.replace('/', "~1")))
            .ok_or_else(|| format!("{}: no schema for {source}", path.display()))?;
        out.push((*name, render(source, provider)?));
    }
    Ok(out)
}

/// The document for one provider: its configuration block and each type on
/// a line of its own, so that a new provider version diffs type by type.
fn render(source: &str, provider: &Value) -> Result<String, String> {
    let mut s = String::from("{\"format_version\":\"1.0\",\"provider_schemas\":{");
    s.push_str(&json(&Value::from(source)));
    s.push_str(":{\n");
    if let Some(p) = provider.get("provider") {
        s.push_str(&format!("\"provider\":{},\n", json(&strip(p))));
    }
    for (i, key) in ["resource_schemas", "data_source_schemas"].iter().enumerate() {
        s.push_str(&format!("\"{key}\":{{"));
        let types = provider
            .get(*key)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut names: Vec<&String> = types.keys().collect();
        names.sort();
        for (j, name) in names.iter().enumerate() {
            let sep = if j + 1 < names.len() { "," } else { "" };
            s.push_str(&format!(
                "\n{}:{}{sep}",
                json(&Value::from(name.as_str())),
                json(&strip(&types[*name]))
            ));
        }
        s.push_str(if i == 0 { "\n},\n" } else { "\n}" });
    }
    s.push_str("}}}\n");
    Ok(s)
}

fn json(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The value without descriptions, at any depth. Under `attributes` and
/// `block_types` the keys are names (an attribute may be named
/// `description`), so only their values are stripped.
fn strip(v: &Value) -> Value {
    strip_in(v, false)
}

fn strip_in(v: &Value, names: bool) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| names || !LEFT_OUT.contains(&k.as_str()))
                .map(|(k, v)| {
                    let holds_names = !names && (k == "attributes" || k == "block_types");
                    (k.clone(), strip_in(v, holds_names))
                })
                .collect::<Map<_, _>>(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|x| strip_in(x, false)).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn data_dir() -> PathBuf {
        super::super::test_data_dir("azurerm-provider-schema.json")
    }

    #[test]
    fn the_committed_schemas_are_what_the_generator_writes() {
        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/providers");
        let files = render_all(&data_dir()).unwrap();
        assert_eq!(files.len(), PROVIDERS.len());
        for (name, text) in files {
            let on_disk = std::fs::read_to_string(committed.join(format!("{name}.json"))).unwrap();
            assert!(
                on_disk == text,
                "schemas/providers/{name}.json is not what `cargo run --bin aksplan-gen -- schemas` writes: \
                 run it and commit the result"
            );
            assert!(!text.contains("\"description\":\""), "{name}: a description was kept");
        }
    }

    #[test]
    fn facts_are_kept_and_attributes_named_description_too() {
        let provider = serde_json::json!({"resource_schemas": {"x_thing": {"version": 1, "block": {
            "attributes": {
                "description": {"type": "string", "optional": true, "description": "text", "description_kind": "plain"},
                "secret": {"type": "string", "computed": true, "sensitive": true}
            },
            "block_types": {"pool": {"nesting_mode": "list", "min_items": 1, "max_items": 1, "block": {}}},
            "description": "a thing"
        }}}});
        let text = render("example.com/x/x", &provider).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        let t = &doc["provider_schemas"]["example.com/x/x"]["resource_schemas"]["x_thing"];
        assert_eq!(
            t["block"]["attributes"]["description"],
            serde_json::json!({"type": "string", "optional": true})
        );
        assert_eq!(t["block"]["attributes"]["secret"]["sensitive"], serde_json::json!(true));
        assert_eq!(t["block"]["block_types"]["pool"]["max_items"], serde_json::json!(1));
        assert!(t["block"].get("description").is_none());
    }
}
