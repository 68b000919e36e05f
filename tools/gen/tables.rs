//! Reference tables: built-in roles, VM sizes, Kubernetes versions, and
//! (in [`super::arm_types`]) the ARM types of azurerm resources.
//!
//! Reads three files of `../shared/data` and writes
//! `schemas/tables/{builtin_roles,vm_sizes,kubernetes_versions}.json`:
//! facts only (names, GUIDs, numbers, flags), never descriptions or
//! permissions. Object keys are sorted, each entry of a long table sits on
//! one line so that a change in the data is a one-line diff, and every file
//! ends with a newline. It must not depend on where the data directory is:
//! the files name the data by its path beside the repository.

use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;
use std::path::Path;

const COMMAND: &str = "cargo run --bin aksplan-gen -- tables";

pub fn generate(data: &Path, out: &Path) -> Result<(), String> {
    for (name, text) in render(data)? {
        super::write(&out.join("tables").join(name), &text)?;
    }
    Ok(())
}

/// Every table file: its name and its text.
fn render(data: &Path) -> Result<Vec<(&'static str, String)>, String> {
    Ok(vec![
        ("builtin_roles.json", roles(data)?),
        ("vm_sizes.json", vm_sizes(data)?),
        ("kubernetes_versions.json", kubernetes_versions(data)?),
        ("arm_types.json", super::arm_types::render(data)?),
    ])
}

/// Where a file came from: the command, the data file, and the upstream
/// source its `_meta.source` names.
pub fn generated_by(file: &str, doc: &Json) -> String {
    let source = &doc["_meta"]["source"];
    let upstream = match (
        source["repo"].as_str(),
        source["path"].as_str(),
        source["commit"].as_str(),
    ) {
        (Some(repo), Some(path), Some(commit)) => format!(" ({repo} {path} @ {commit})"),
        _ => String::new(),
    };
    format!("{COMMAND}, from ../shared/data/{file}{upstream}")
}

/// A JSON document whose small fields are pretty-printed and whose one big
/// table (`table_key`) has an entry per line.
pub fn document(head: &[(&str, Json)], table_key: &str, rows: Vec<(String, Json)>) -> Result<String, String> {
    let compact = |v: &Json| serde_json::to_string(v).map_err(|e| e.to_string());
    let mut out = String::from("{\n");
    for (k, v) in head {
        out.push_str(&format!("  {}: {},\n", compact(&json!(k))?, compact(v)?));
    }
    out.push_str(&format!("  {}: {{\n", compact(&json!(table_key))?));
    let last = rows.len().saturating_sub(1);
    for (i, (k, v)) in rows.iter().enumerate() {
        let comma = if i == last { "" } else { "," };
        out.push_str(&format!("    {}: {}{comma}\n", compact(&json!(k))?, compact(v)?));
    }
    out.push_str("  }\n}\n");
    Ok(out)
}

fn str_field<'j>(v: &'j Json, key: &str, what: &str) -> Result<&'j str, String> {
    v.get(key)
        .and_then(Json::as_str)
        .ok_or_else(|| format!("{what}: no string {key:?} in {v}"))
}

fn u64_field(v: &Json, key: &str, what: &str) -> Result<u64, String> {
    v.get(key)
        .and_then(Json::as_u64)
        .ok_or_else(|| format!("{what}: no number {key:?} in {v}"))
}

fn array<'j>(doc: &'j Json, key: &str, file: &str) -> Result<&'j Vec<Json>, String> {
    doc.get(key)
        .and_then(Json::as_array)
        .ok_or_else(|| format!("{file}: no {key:?} array"))
}

/// Role name to role definition GUID, for every built-in role.
fn roles(data: &Path) -> Result<String, String> {
    const FILE: &str = "azure-builtin-roles.json";
    let doc = super::read_json(&data.join(FILE))?;
    let mut names: BTreeMap<String, Json> = BTreeMap::new();
    let mut folded = BTreeMap::new();
    for role in array(&doc, "roles", FILE)? {
        let name = str_field(role, "roleName", FILE)?;
        let guid = str_field(role, "name", FILE)?;
        if uuid::Uuid::parse_str(guid).is_err() {
            return Err(format!("{FILE}: role {name:?} has no GUID ({guid:?})"));
        }
        // RBAC001 compares names without case: two that differ only in case would be one.
        if let Some(other) = folded.insert(name.to_lowercase(), name.to_string()) {
            return Err(format!("{FILE}: roles {other:?} and {name:?} differ only in case"));
        }
        names.insert(name.to_string(), json!(guid.to_lowercase()));
    }
    let head = [
        ("generated_by", json!(generated_by(FILE, &doc))),
        (
            "description",
            json!("Every Azure built-in role (RBAC, not Entra ID directory roles): name to role definition GUID."),
        ),
        ("count", json!(names.len())),
    ];
    document(&head, "roles", names.into_iter().collect())
}

/// Every VM size with its vCPUs, memory, GPUs, CPU architecture and quota family.
fn vm_sizes(data: &Path) -> Result<String, String> {
    const FILE: &str = "azure-vm-sizes.json";
    let doc = super::read_json(&data.join(FILE))?;
    let mut sizes: BTreeMap<String, Json> = BTreeMap::new();
    let mut folded = BTreeMap::new();
    for s in array(&doc, "vm_sizes", FILE)? {
        let name = str_field(s, "name", FILE)?;
        let architecture = str_field(s, "architecture", FILE)?;
        if !matches!(architecture, "amd64" | "arm64") {
            return Err(format!("{FILE}: {name} has architecture {architecture:?}"));
        }
        let mut row = Map::new();
        row.insert("architecture".into(), json!(architecture));
        row.insert("family".into(), json!(str_field(s, "sku_family", FILE)?));
        row.insert("gpus".into(), json!(u64_field(s, "gpus", FILE)?));
        row.insert("memory_mb".into(), json!(u64_field(s, "memory_mb", FILE)?));
        row.insert("vcpus".into(), json!(u64_field(s, "vcpus", FILE)?));
        if let Some(other) = folded.insert(name.to_lowercase(), name.to_string()) {
            return Err(format!("{FILE}: sizes {other:?} and {name:?} differ only in case"));
        }
        sizes.insert(name.to_string(), Json::Object(row));
    }
    let head = [
        ("generated_by", json!(generated_by(FILE, &doc))),
        (
            "description",
            json!("Azure VM sizes: vCPUs, memory (MiB), GPUs, CPU architecture and quota family. Not per region."),
        ),
        ("count", json!(sizes.len())),
    ];
    document(&head, "sizes", sizes.into_iter().collect())
}

/// `1.30.101` as numbers, for ordering.
fn numeric(v: &str) -> Result<Vec<u64>, String> {
    v.split('.')
        .map(|p| p.parse::<u64>().map_err(|_| format!("{v:?} is not a version")))
        .collect()
}

/// The minors AKS offers, each with its patches and latest patch, and
/// whether AKS offers it only with long-term support.
fn kubernetes_versions(data: &Path) -> Result<String, String> {
    const FILE: &str = "aks-kubernetes-versions.json";
    let doc = super::read_json(&data.join(FILE))?;
    let mut minors: Vec<(Vec<u64>, String, Json)> = Vec::new();
    for m in array(&doc, "minors", FILE)? {
        let minor = str_field(m, "minor", FILE)?;
        let key = numeric(minor)?;
        if key.len() != 2 {
            return Err(format!("{FILE}: {minor:?} is not a minor version"));
        }
        let mut patches: Vec<(Vec<u64>, String)> = array(m, "cached_patch_versions", FILE)?
            .iter()
            .map(|p| {
                let p = p
                    .as_str()
                    .ok_or_else(|| format!("{FILE}: {minor}: a patch is not a string"))?;
                let n = numeric(p)?;
                if n.len() != 3 || n[..2] != key[..] {
                    return Err(format!("{FILE}: {p:?} is not a patch of {minor}"));
                }
                Ok((n, p.to_string()))
            })
            .collect::<Result<_, String>>()?;
        patches.sort();
        patches.dedup();
        let latest = str_field(m, "latest_cached_patch", FILE)?;
        if patches.last().map(|(_, p)| p.as_str()) != Some(latest) {
            return Err(format!(
                "{FILE}: {minor}: the latest patch {latest:?} is not the newest cached one"
            ));
        }
        let lts_only = m
            .get("aks_lts_build")
            .and_then(Json::as_bool)
            .ok_or_else(|| format!("{FILE}: {minor}: no aks_lts_build"))?;
        let row = json!({
            "latest_patch": latest,
            "lts_only": lts_only,
            "patches": patches.into_iter().map(|(_, p)| p).collect::<Vec<_>>(),
        });
        minors.push((key, minor.to_string(), row));
    }
    minors.sort_by(|a, b| a.0.cmp(&b.0));
    if minors.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(format!("{FILE}: a minor is listed twice"));
    }
    let head = [
        ("generated_by", json!(generated_by(FILE, &doc))),
        (
            "description",
            json!("Kubernetes minors AKS offers, oldest first, with the patches AKS node images carry (latest_patch is the newest). lts_only: AKS offers the minor only with long-term support (patch numbers from 100). Not per region: with --cloud azure aksplan asks the service."),
        ),
    ];
    document(&head, "minors", minors.into_iter().map(|(_, k, v)| (k, v)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn data_dir() -> PathBuf {
        super::super::test_data_dir("azure-builtin-roles.json")
    }

    #[test]
    fn the_committed_tables_are_what_the_generator_writes() {
        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/tables");
        for (name, text) in render(&data_dir()).unwrap() {
            let on_disk = std::fs::read_to_string(committed.join(name)).unwrap();
            assert!(
                on_disk == text,
                "schemas/tables/{name} is not what `{COMMAND}` writes: run it and commit the result"
            );
        }
    }

    #[test]
    fn tables_hold_every_entry_of_the_data() {
        let tables: Vec<Json> = render(&data_dir())
            .unwrap()
            .iter()
            .map(|(_, t)| serde_json::from_str(t).unwrap())
            .collect();
        assert_eq!(tables[0]["roles"].as_object().unwrap().len(), 928);
        assert_eq!(
            tables[0]["roles"]["Key Vault Administrator"],
            "00482a5a-887f-4fb3-b363-3b7fe8e74483"
        );
        assert_eq!(tables[1]["sizes"].as_object().unwrap().len(), 1370);
        assert_eq!(
            tables[1]["sizes"]["Standard_NC24ads_A100_v4"],
            json!({"architecture": "amd64", "family": "StandardNCADSA100v4Family", "gpus": 1, "memory_mb": 225280, "vcpus": 24})
        );
        let minors: Vec<&String> = tables[2]["minors"].as_object().unwrap().keys().collect();
        assert_eq!(
            minors,
            ["1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36"]
        );
        assert_eq!(tables[2]["minors"]["1.30"]["lts_only"], true);
        assert_eq!(tables[2]["minors"]["1.31"]["lts_only"], false);
        assert_eq!(tables[2]["minors"]["1.34"]["latest_patch"], "1.34.10");
    }

    #[test]
    fn bad_data_is_refused_with_the_file_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("aks-kubernetes-versions.json"),
            r#"{"minors": [{"minor": "1.31", "cached_patch_versions": ["1.31.2", "1.32.1"], "latest_cached_patch": "1.32.1", "aks_lts_build": false}]}"#,
        )
        .unwrap();
        let e = kubernetes_versions(dir.path()).unwrap_err();
        assert!(
            e.contains("aks-kubernetes-versions.json") && e.contains("not a patch of 1.31"),
            "{e}"
        );
        std::fs::write(
            dir.path().join("azure-builtin-roles.json"),
            r#"{"roles": [{"roleName": "Reader", "name": "acdd72a7-3385-48ef-bd42-f606fba81ae7"}, {"roleName": "reader", "name": "acdd72a7-3385-48ef-bd42-f606fba81ae8"}]}"#,
        )
        .unwrap();
        let e = roles(dir.path()).unwrap_err();
        assert!(e.contains("differ only in case"), "{e}");
    }
}
