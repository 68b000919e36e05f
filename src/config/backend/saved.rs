//! `.terraform/terraform.tfstate`: the backend `init` configured, kept as
//! Terraform keeps it (a "version 3" file that is not a state: only its
//! `backend` part is used), so that aksplan and terraform read each
//! other's. Its `config` holds every argument of the backend's schema, with
//! the `-backend-config` values merged in; its `hash` is the block's, as
//! written, without them (see [`super::hash`]). The file may hold secrets
//! given with `-backend-config` (an access key), as Terraform's does, so it
//! is written with mode 0600.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use std::io;
use std::path::{Path, PathBuf};

/// Where the file is, in the configuration directory.
pub fn path(dir: &Path) -> PathBuf {
    dir.join(".terraform").join("terraform.tfstate")
}

/// The file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    pub version: u64,
    pub terraform_version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<SavedBackend>,
}

/// The backend `init` configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedBackend {
    #[serde(rename = "type")]
    pub kind: String,
    pub config: Map<String, Json>,
    pub hash: u64,
}

impl Saved {
    /// A file recording `backend`.
    pub fn new(backend: SavedBackend) -> Saved {
        Saved {
            version: 3,
            terraform_version: crate::lang::TERRAFORM_VERSION.to_string(),
            backend: Some(backend),
        }
    }
}

/// Reads the file in `dir`; `None` when there is none, or it records no backend.
pub fn read(dir: &Path) -> Result<Option<SavedBackend>, String> {
    let p = path(dir);
    let bytes = match std::fs::read(&p) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", p.display())),
    };
    let saved: Saved = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{} is not a backend configuration aksplan can read: {e}", p.display()))?;
    Ok(saved.backend.filter(|b| !b.kind.is_empty()))
}

/// Writes `backend` to the file in `dir`, as Terraform lays it out; `None`
/// removes the file.
pub fn write(dir: &Path, backend: Option<SavedBackend>) -> Result<(), String> {
    let p = path(dir);
    let Some(backend) = backend else {
        return match std::fs::remove_file(&p) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(format!("cannot remove {}: {e}", p.display())),
            _ => Ok(()),
        };
    };
    let text = serde_json::to_string_pretty(&Saved::new(backend)).map_err(|e| e.to_string())?;
    let fail = |e: io::Error| format!("cannot write {}: {e}", p.display());
    std::fs::create_dir_all(p.parent().unwrap_or(dir)).map_err(fail)?;
    let tmp = p.with_extension("tfstate.tmp");
    {
        use std::io::Write;
        let mut o = std::fs::OpenOptions::new();
        o.create(true).write(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        let mut f = o.open(&tmp).map_err(fail)?;
        f.write_all(text.as_bytes()).map_err(fail)?;
        f.sync_all().map_err(fail)?;
    }
    std::fs::rename(&tmp, &p).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/backend/terraform")
                .join(name),
        )
        .unwrap()
    }

    /// aksplan writes, byte for byte, the file terraform wrote for the same
    /// block, but for the Terraform version it names (its own).
    #[test]
    fn the_file_is_terraforms() {
        for name in ["local_path", "local_both", "local_empty"] {
            let theirs = fixture(&format!("{name}.terraform.tfstate")).replace(
                "\"terraform_version\": \"1.11.4\"",
                &format!("\"terraform_version\": \"{}\"", crate::lang::TERRAFORM_VERSION),
            );
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir_all(dir.path().join(".terraform")).unwrap();
            std::fs::write(path(dir.path()), &theirs).unwrap();
            let read = read(dir.path()).unwrap().unwrap();
            assert_eq!(read.kind, "local");
            write(dir.path(), Some(read)).unwrap();
            assert_eq!(std::fs::read_to_string(path(dir.path())).unwrap(), theirs, "{name}");
        }
    }

    #[test]
    fn none_removes_the_file_and_a_missing_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()).unwrap(), None);
        write(
            dir.path(),
            Some(SavedBackend {
                kind: "local".into(),
                config: Map::new(),
                hash: 1,
            }),
        )
        .unwrap();
        assert!(read(dir.path()).unwrap().is_some());
        write(dir.path(), None).unwrap();
        assert_eq!(read(dir.path()).unwrap(), None);
        std::fs::write(path(dir.path()), "{").unwrap();
        assert!(read(dir.path()).unwrap_err().contains("not a backend configuration"));
    }
}
