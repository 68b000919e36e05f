//! The simulation's store: one ARM JSON document per resource, laid out by id.
//!
//! `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v`
//! is kept in `<root>/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/v.json`,
//! and its children live in the directory of the same name beside it. Paths are
//! lowercase, as ARM ids compare without case; the document keeps the id as written.
//! People may read and edit these files to change the simulated cloud behind
//! aksplan's back.

use serde_json::Value as Json;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

/// Escapes a path segment: lowercase, and anything outside `[a-z0-9._-]` as `%XX`.
fn encode_segment(s: &str) -> String {
    let lower = s.to_lowercase();
    if lower == "." || lower == ".." || lower.is_empty() {
        return lower.bytes().map(|b| format!("%{b:02X}")).collect::<String>() + "%00";
    }
    let mut out = String::with_capacity(lower.len());
    for b in lower.bytes() {
        match b {
            b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-' => out.push(b as char),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The directory holding a resource's children.
    fn dir_of(&self, id: &str) -> PathBuf {
        let mut p = self.root.clone();
        for seg in id.trim_matches('/').split('/') {
            p.push(encode_segment(seg));
        }
        p
    }

    fn file_of(&self, id: &str) -> PathBuf {
        let mut p = self.dir_of(id);
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        p.set_file_name(format!("{name}.json"));
        p
    }

    pub fn get(&self, id: &str) -> io::Result<Option<Json>> {
        match std::fs::read(self.file_of(id)) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{id}: {e}"))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes a document atomically (a temporary file renamed into place).
    pub fn put(&self, id: &str, doc: &Json) -> io::Result<()> {
        let file = self.file_of(id);
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = file.with_extension(format!("json.tmp{}", std::process::id()));
        std::fs::write(&tmp, serde_json::to_vec_pretty(doc).unwrap_or_default())?;
        std::fs::rename(&tmp, &file)
    }

    /// Removes a resource and everything under it.
    pub fn delete(&self, id: &str) -> io::Result<bool> {
        let existed = match std::fs::remove_file(self.file_of(id)) {
            Ok(()) => true,
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(e),
        };
        match std::fs::remove_dir_all(self.dir_of(id)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        Ok(existed)
    }

    /// Every document under `id` (its descendants), in path order.
    pub fn descendants(&self, id: &str) -> io::Result<Vec<Json>> {
        let mut out = Vec::new();
        walk(&self.dir_of(id), &mut out)?;
        Ok(out)
    }

    /// Every document in the store.
    pub fn all(&self) -> io::Result<Vec<Json>> {
        let mut out = Vec::new();
        walk(&self.root, &mut out)?;
        Ok(out)
    }
}

fn walk(dir: &Path, out: &mut Vec<Json>) -> io::Result<()> {
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "json") {
            if let Ok(doc) = std::fs::read(&p).map(|b| serde_json::from_slice::<Json>(&b)) {
                out.extend(doc.ok());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip_case_insensitively_and_delete_children() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::new(dir.path());
        let vnet = "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/v";
        let subnet = format!("{vnet}/subnets/a b");
        s.put(vnet, &json!({"id": vnet})).unwrap();
        s.put(&subnet, &json!({"id": subnet})).unwrap();
        assert_eq!(s.get(&vnet.to_lowercase()).unwrap(), Some(json!({"id": vnet})));
        assert!(dir
            .path()
            .join("subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/v/subnets/a%20b.json")
            .exists());
        assert_eq!(s.descendants(vnet).unwrap().len(), 1);
        assert!(s.delete(vnet).unwrap());
        assert_eq!(s.get(&subnet).unwrap(), None);
        assert!(!s.delete(vnet).unwrap());
    }

    #[test]
    fn odd_segments_cannot_escape_the_root() {
        assert_eq!(encode_segment(".."), "%2E%2E%00");
        assert_eq!(encode_segment("a/b"), "a%2Fb");
    }
}
