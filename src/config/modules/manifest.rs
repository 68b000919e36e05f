//! `.terraform/modules/modules.json`: where each installed module lives.
//!
//! Owns the file format, byte for byte as terraform 1.11 writes it (compact
//! JSON, records sorted by key, `Version` only for registry modules, `Dir`
//! relative to the root module with forward slashes, no final newline), and
//! the lookup of a module's directory by its key. It decides nothing about
//! installing: that is [`super::walk`].

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The manifest's path under a root module directory.
pub const MANIFEST_PATH: &str = ".terraform/modules/modules.json";
/// Where remote modules are installed, relative to the root module directory.
pub const MODULES_DIR: &str = ".terraform/modules";

/// One installed (or, for local sources, located) module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The module path joined with dots (`aks.net`); empty for the root.
    #[serde(rename = "Key")]
    pub key: String,
    /// The normalised source address, as Terraform prints it.
    #[serde(rename = "Source")]
    pub source: String,
    /// The exact version, for registry modules only.
    #[serde(rename = "Version", default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The module's directory, relative to the root module (or absolute).
    #[serde(rename = "Dir")]
    pub dir: String,
}

#[derive(Serialize, Deserialize)]
struct File {
    #[serde(rename = "Modules", default)]
    modules: Option<Vec<Record>>,
}

/// Every record, by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub records: BTreeMap<String, Record>,
}

/// Why the manifest could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ManifestError {
    pub path: String,
    pub message: String,
}

impl Manifest {
    /// Reads the manifest of the root module at `root`; `None` when there is
    /// none (`init` never ran there).
    pub fn load(root: &Path) -> Result<Option<Manifest>, ManifestError> {
        let path = root.join(MANIFEST_PATH);
        let err = |message: String| ManifestError {
            path: path.display().to_string(),
            message,
        };
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(err(e.to_string())),
        };
        Manifest::parse(&bytes).map(Some).map_err(err)
    }

    /// Parses manifest text. An empty file is an empty manifest, as in Terraform.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, String> {
        if bytes.is_empty() {
            return Ok(Manifest::default());
        }
        let file: File =
            serde_json::from_slice(bytes).map_err(|e| format!("error reading the modules manifest: {e}"))?;
        let mut records = BTreeMap::new();
        for r in file.modules.unwrap_or_default() {
            if let Some(v) = &r.version {
                if crate::config::constraint::Version::parse(v).is_err() {
                    return Err(format!("invalid version {v:?} for module {:?}", r.key));
                }
            }
            if records.contains_key(&r.key) {
                return Err(format!("the manifest has two records for module {:?}", r.key));
            }
            records.insert(r.key.clone(), r);
        }
        Ok(Manifest { records })
    }

    /// The text Terraform writes: compact JSON, records in key order, with
    /// Go's HTML-safe escapes (`&` is `\u0026`, as in `?ref=v1\u0026depth=1`).
    pub fn to_json(&self) -> String {
        let file = File {
            modules: Some(self.records.values().cloned().collect()),
        };
        go_escapes(&serde_json::to_string(&file).unwrap_or_default())
    }

    /// Writes the manifest under `root`, creating `.terraform/modules`.
    pub fn save(&self, root: &Path) -> Result<(), ManifestError> {
        let path = root.join(MANIFEST_PATH);
        let err = |e: std::io::Error| ManifestError {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        std::fs::create_dir_all(root.join(MODULES_DIR)).map_err(err)?;
        // Write beside and rename, so a reader never sees half a manifest.
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, self.to_json()).map_err(err)?;
        std::fs::rename(&tmp, &path).map_err(err)
    }

    pub fn get(&self, key: &str) -> Option<&Record> {
        self.records.get(key)
    }

    pub fn insert(&mut self, record: Record) {
        self.records.insert(record.key.clone(), record);
    }

    /// The directory of the module at `key` (`""` for the root, `aks.net`),
    /// relative to the root module's directory as recorded; join it to the
    /// root to open it.
    pub fn dir_for(&self, key: &str) -> Option<PathBuf> {
        self.records.get(key).map(|r| PathBuf::from(&r.dir))
    }
}

/// Go's encoding/json escapes `<`, `>`, `&`, U+2028 and U+2029 in strings;
/// none of them can appear in JSON outside a string.
fn go_escapes(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written by terraform 1.11 for a root with a git, a local and a registry module.
    const TERRAFORM: &str = r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"aks","Source":"registry.terraform.io/acme/aks/azurerm","Version":"1.2.0","Dir":".terraform/modules/aks"},{"Key":"aks.net","Source":"./modules/net","Dir":".terraform/modules/aks/modules/net"},{"Key":"net","Source":"git::file:///tmp/repo//modules/net?ref=v1.0.0","Dir":".terraform/modules/net/modules/net"}]}"#;

    #[test]
    fn round_trips_byte_for_byte() {
        let m = Manifest::parse(TERRAFORM.as_bytes()).unwrap();
        assert_eq!(m.records.len(), 4);
        assert_eq!(m.get("aks").unwrap().version.as_deref(), Some("1.2.0"));
        assert_eq!(m.get("net").unwrap().version, None);
        assert_eq!(m.to_json(), TERRAFORM);
    }

    #[test]
    fn html_characters_are_escaped_as_go_does() {
        let text = r#"{"Modules":[{"Key":"a","Source":"git::https://x/r.git?depth=1\u0026ref=v1","Dir":".terraform/modules/a"}]}"#;
        let m = Manifest::parse(text.as_bytes()).unwrap();
        assert_eq!(m.get("a").unwrap().source, "git::https://x/r.git?depth=1&ref=v1");
        assert_eq!(m.to_json(), text);
    }

    #[test]
    fn records_are_written_in_key_order() {
        let mut m = Manifest::default();
        for key in ["b", "a.c", "", "a"] {
            m.insert(Record {
                key: key.into(),
                source: String::new(),
                version: None,
                dir: ".".into(),
            });
        }
        let keys: Vec<&str> = m.records.keys().map(String::as_str).collect();
        assert_eq!(keys, ["", "a", "a.c", "b"]);
        assert!(m
            .to_json()
            .starts_with(r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"a","#));
    }

    #[test]
    fn dir_for_finds_a_module_by_key() {
        let m = Manifest::parse(TERRAFORM.as_bytes()).unwrap();
        assert_eq!(
            m.dir_for("aks.net"),
            Some(PathBuf::from(".terraform/modules/aks/modules/net"))
        );
        assert_eq!(m.dir_for(""), Some(PathBuf::from(".")));
        assert_eq!(m.dir_for("nope"), None);
    }

    #[test]
    fn bad_manifests_are_refused_with_the_reason() {
        assert!(Manifest::parse(b"").unwrap().records.is_empty());
        assert!(Manifest::parse(b"{}").unwrap().records.is_empty());
        assert!(Manifest::parse(b"{").unwrap_err().contains("modules manifest"));
        let two = r#"{"Modules":[{"Key":"a","Source":"./a","Dir":"a"},{"Key":"a","Source":"./a","Dir":"a"}]}"#;
        assert!(Manifest::parse(two.as_bytes()).unwrap_err().contains("two records"));
        let bad = r#"{"Modules":[{"Key":"a","Source":"x/y/z","Version":"one","Dir":"a"}]}"#;
        assert!(Manifest::parse(bad.as_bytes()).unwrap_err().contains("invalid version"));
    }

    #[test]
    fn load_and_save_use_the_terraform_path() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Manifest::load(dir.path()).unwrap(), None);
        let m = Manifest::parse(TERRAFORM.as_bytes()).unwrap();
        m.save(dir.path()).unwrap();
        let text = std::fs::read_to_string(dir.path().join(".terraform/modules/modules.json")).unwrap();
        assert_eq!(text, TERRAFORM);
        assert_eq!(Manifest::load(dir.path()).unwrap(), Some(m));
    }
}
