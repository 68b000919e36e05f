//! The simulation's store: every resource as an ARM JSON document, kept in
//! one append-only log, `resources.jsonl`, in the store's directory.
//!
//! Each line records a PUT (the whole document) or a DELETE (an id, and
//! everything under it). The store keeps an index in memory keyed by the
//! lowercase id (ARM ids compare without case) and, before every operation,
//! reads whatever other processes appended since, so several runs and `sim
//! serve` can share one directory. When most lines are dead the log is
//! compacted into a new file. One file instead of one per resource keeps a
//! 10,000-resource apply from spending its time creating inodes.
//!
//! Use `aksplan sim list|show|put|delete` to look at or change it by hand.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub const LOG: &str = "resources.jsonl";

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Record {
    Put(Box<RawValue>),
    Delete(String),
}

/// The id of a raw document, read without building the whole tree.
#[derive(Deserialize)]
struct IdOnly {
    #[serde(default)]
    id: String,
}

#[derive(Debug, Default)]
struct Index {
    /// Each document as its JSON text: far smaller than parsed trees.
    docs: BTreeMap<String, Box<RawValue>>,
    /// The keys of each resource type (lowercase), so that the rules that
    /// look for one type (locks, clusters, network interfaces) do not parse
    /// the whole store on every request.
    by_type: HashMap<String, BTreeSet<String>>,
    /// How far the log has been read, and which file that was.
    offset: u64,
    inode: u64,
    lines: usize,
    /// The log opened for appending, kept while it is the same file: one
    /// open (and directory check) per run instead of one per operation.
    appender: Option<File>,
}

#[derive(Debug)]
pub struct Store {
    root: PathBuf,
    index: Mutex<Index>,
    /// While one request runs ([`Store::request`]): whether the log was
    /// already read since it began. One request looks things up many times
    /// (the resource, its parent, locks, what refers to it); the log is
    /// read once for it, as ARM answers a request from one view.
    request: Mutex<Option<bool>>,
}

/// A request in progress; the next one reads the log again.
pub struct Request<'s>(&'s Store);

impl Drop for Request<'_> {
    fn drop(&mut self) {
        *self.0.request.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

fn key(id: &str) -> String {
    id.trim_end_matches('/').to_lowercase()
}

fn type_of(key: &str) -> String {
    crate::provider::arm::resource_type(key).to_lowercase()
}

#[cfg(unix)]
fn inode(m: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    m.ino()
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> u64 {
    0
}

impl Index {
    fn apply(&mut self, r: Record) {
        match r {
            Record::Put(doc) => {
                let id = serde_json::from_str::<IdOnly>(doc.get())
                    .map(|d| key(&d.id))
                    .unwrap_or_default();
                self.by_type.entry(type_of(&id)).or_default().insert(id.clone());
                self.docs.insert(id, doc);
            }
            Record::Delete(id) => {
                let k = key(&id);
                let prefix = format!("{k}/");
                let gone: Vec<String> = self
                    .docs
                    .range(k.clone()..)
                    .take_while(|(d, _)| **d == k || d.starts_with(&prefix))
                    .map(|(d, _)| d.clone())
                    .collect();
                for d in gone {
                    if let Some(keys) = self.by_type.get_mut(&type_of(&d)) {
                        keys.remove(&d);
                    }
                    self.docs.remove(&d);
                }
            }
        }
    }
}

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store {
            root: root.into(),
            index: Mutex::new(Index::default()),
            request: Mutex::new(None),
        }
    }

    /// Starts a request: until the returned guard is dropped, the log is
    /// read at the first lookup only. The caller serialises requests (the
    /// simulation answers one at a time).
    pub fn request(&self) -> Request<'_> {
        *self.request.lock().unwrap_or_else(|e| e.into_inner()) = Some(false);
        Request(self)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn log(&self) -> PathBuf {
        self.root.join(LOG)
    }

    /// Brings the index up to date with the log (once per request, see
    /// [`Store::request`]), and returns it locked.
    fn synced(&self) -> io::Result<std::sync::MutexGuard<'_, Index>> {
        {
            let mut request = self.request.lock().unwrap_or_else(|e| e.into_inner());
            match *request {
                Some(true) => return Ok(self.index.lock().unwrap_or_else(|e| e.into_inner())),
                Some(false) => *request = Some(true),
                None => {}
            }
        }
        self.synced_now()
    }

    /// [`Store::synced`] even within a request: a write must first read
    /// everything appended before it, or its own offset would skip it.
    fn synced_now(&self) -> io::Result<std::sync::MutexGuard<'_, Index>> {
        let mut idx = self.index.lock().unwrap_or_else(|e| e.into_inner());
        let meta = match std::fs::metadata(self.log()) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                *idx = Index::default();
                return Ok(idx);
            }
            Err(e) => return Err(e),
        };
        if inode(&meta) != idx.inode || meta.len() < idx.offset {
            // Compacted or replaced by another process: read it all again.
            *idx = Index {
                inode: inode(&meta),
                ..Index::default()
            };
        }
        if meta.len() > idx.offset {
            let mut f = File::open(self.log())?;
            f.seek(SeekFrom::Start(idx.offset))?;
            let mut buf = Vec::with_capacity((meta.len() - idx.offset) as usize);
            f.read_to_end(&mut buf)?;
            // Only whole lines: a writer may be in the middle of one.
            let end = buf.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            for line in buf[..end].split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                let r: Record = serde_json::from_slice(line).map_err(|e| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("{}: a line is not a store record: {e}", self.log().display()),
                    )
                })?;
                idx.apply(r);
                idx.lines += 1;
            }
            idx.offset += end as u64;
        }
        Ok(idx)
    }

    fn append(&self, idx: &mut Index, r: Record) -> io::Result<()> {
        let mut line = serde_json::to_vec(&r).map_err(io::Error::other)?;
        line.push(b'\n');
        let f = match &mut idx.appender {
            Some(f) => f,
            empty => {
                std::fs::create_dir_all(&self.root)?;
                empty.insert(OpenOptions::new().create(true).append(true).open(self.log())?)
            }
        };
        f.write_all(&line)?;
        let meta = f.metadata()?;
        if idx.inode != inode(&meta) {
            idx.inode = inode(&meta);
        }
        idx.offset = meta.len();
        idx.lines += 1;
        idx.apply(r);
        if idx.lines > 1000 && idx.lines > 4 * idx.docs.len() {
            self.compact(idx)?;
        }
        Ok(())
    }

    /// Rewrites the log with only the live documents.
    fn compact(&self, idx: &mut Index) -> io::Result<()> {
        let tmp = self.root.join(format!("{LOG}.tmp{}", std::process::id()));
        let mut out = Vec::new();
        for doc in idx.docs.values() {
            out.extend_from_slice(b"{\"put\":");
            out.extend_from_slice(doc.get().as_bytes());
            out.extend_from_slice(b"}\n");
        }
        std::fs::write(&tmp, &out)?;
        std::fs::rename(&tmp, self.log())?;
        idx.appender = None;
        let meta = std::fs::metadata(self.log())?;
        idx.inode = inode(&meta);
        idx.offset = meta.len();
        idx.lines = idx.docs.len();
        Ok(())
    }

    pub fn get(&self, id: &str) -> io::Result<Option<Json>> {
        self.synced()?.docs.get(&key(id)).map(|d| parse(d)).transpose()
    }

    pub fn put(&self, id: &str, doc: &Json) -> io::Result<()> {
        let mut idx = self.synced_now()?;
        let mut doc = doc.clone();
        if doc.get("id").and_then(Json::as_str).is_none_or(|d| key(d) != key(id)) {
            doc["id"] = Json::String(id.to_string());
        }
        let raw = serde_json::value::to_raw_value(&doc).map_err(io::Error::other)?;
        self.append(&mut idx, Record::Put(raw))
    }

    /// Removes a resource and everything under it; says whether it existed.
    pub fn delete(&self, id: &str) -> io::Result<bool> {
        let mut idx = self.synced_now()?;
        let existed = idx.docs.contains_key(&key(id));
        let prefix = format!("{}/", key(id));
        let children = idx
            .docs
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix));
        if existed || children {
            self.append(&mut idx, Record::Delete(id.to_string()))?;
        }
        Ok(existed)
    }

    /// Every document under `id` (its descendants), in id order.
    pub fn descendants(&self, id: &str) -> io::Result<Vec<Json>> {
        let idx = self.synced()?;
        let prefix = format!("{}/", key(id));
        idx.docs
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(_, d)| parse(d))
            .collect()
    }

    /// Every id in the store, in lowercase and in order, without reading a
    /// document.
    pub fn ids(&self) -> io::Result<Vec<String>> {
        Ok(self.synced()?.docs.keys().cloned().collect())
    }

    /// Every document of one ARM resource type (`Microsoft.Network/networkInterfaces`,
    /// compared without case), in id order, without reading the others.
    pub fn of_type(&self, resource_type: &str) -> io::Result<Vec<Json>> {
        let idx = self.synced()?;
        let Some(keys) = idx.by_type.get(&resource_type.to_lowercase()) else {
            return Ok(Vec::new());
        };
        keys.iter().filter_map(|k| idx.docs.get(k)).map(|d| parse(d)).collect()
    }

    /// The ids (in lowercase, in order) of one ARM resource type's
    /// documents that start with `prefix` (lowercase), without reading a
    /// document or looking at the type's other ids.
    pub fn ids_of_type(&self, resource_type: &str, prefix: &str) -> io::Result<Vec<String>> {
        let idx = self.synced()?;
        Ok(idx
            .by_type
            .get(&resource_type.to_lowercase())
            .map(|keys| {
                keys.range::<str, _>((std::ops::Bound::Included(prefix), std::ops::Bound::Unbounded))
                    .take_while(|k| k.starts_with(prefix))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default())
    }

    /// The ids (in lowercase, in order) of everything under `id`, without
    /// reading a document.
    pub fn descendant_ids(&self, id: &str) -> io::Result<Vec<String>> {
        let idx = self.synced()?;
        let prefix = format!("{}/", key(id));
        Ok(idx
            .docs
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, _)| k.clone())
            .collect())
    }

    /// Every document in the store, in id order.
    pub fn all(&self) -> io::Result<Vec<Json>> {
        self.synced()?.docs.values().map(|d| parse(d)).collect()
    }
}

fn parse(doc: &RawValue) -> io::Result<Json> {
    serde_json::from_str(doc.get()).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
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
        assert_eq!(s.descendants(vnet).unwrap().len(), 1);
        assert_eq!(s.ids().unwrap(), [vnet.to_lowercase(), subnet.to_lowercase()]);
        assert!(s.delete(vnet).unwrap());
        assert_eq!(s.get(&subnet).unwrap(), None);
        assert!(!s.delete(vnet).unwrap());
    }

    #[test]
    fn documents_of_a_type_follow_puts_and_deletes_of_their_parents() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::new(dir.path());
        let vnet = "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/v";
        for name in ["a", "b"] {
            let id = format!("{vnet}/subnets/{name}");
            s.put(&id, &json!({"id": id})).unwrap();
        }
        s.put(vnet, &json!({"id": vnet})).unwrap();
        let subnets = |s: &Store| s.of_type("microsoft.network/VIRTUALNETWORKS/subnets").unwrap().len();
        assert_eq!(subnets(&s), 2);
        assert_eq!(
            s.of_type("Microsoft.Network/virtualNetworks").unwrap(),
            [json!({"id": vnet})]
        );
        // Another process reading the same log sees the same.
        assert_eq!(subnets(&Store::new(dir.path())), 2);
        s.delete(vnet).unwrap();
        assert_eq!(subnets(&s), 0);
        assert!(s.of_type("Microsoft.Network/virtualNetworks").unwrap().is_empty());
    }

    #[test]
    fn another_process_sees_appended_changes_and_compaction() {
        let dir = tempfile::tempdir().unwrap();
        let a = Store::new(dir.path());
        let b = Store::new(dir.path());
        a.put("/s/x", &json!({"id": "/s/x", "v": 1})).unwrap();
        assert_eq!(b.get("/s/x").unwrap().unwrap()["v"], 1);
        b.put("/s/x", &json!({"id": "/s/x", "v": 2})).unwrap();
        assert_eq!(a.get("/s/x").unwrap().unwrap()["v"], 2);
        for i in 0..1200 {
            a.put("/s/y", &json!({"id": "/s/y", "v": i})).unwrap();
        }
        let lines = std::fs::read_to_string(dir.path().join(LOG)).unwrap().lines().count();
        assert!(lines < 1200, "the log was compacted ({lines} lines)");
        assert_eq!(b.get("/s/y").unwrap().unwrap()["v"], 1199);
        assert_eq!(b.all().unwrap().len(), 2);
    }

    #[test]
    fn a_request_reads_the_log_once_and_the_next_one_sees_what_others_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let a = Store::new(dir.path());
        let b = Store::new(dir.path());
        a.put("/s/x", &json!({"id": "/s/x", "v": 1})).unwrap();
        {
            let _request = a.request();
            assert_eq!(a.get("/s/x").unwrap().unwrap()["v"], 1);
            b.put("/s/x", &json!({"id": "/s/x", "v": 2})).unwrap();
            // The request's lookups answer from the view it began with ...
            assert_eq!(a.get("/s/x").unwrap().unwrap()["v"], 1);
            // ... but a write reads the log first, so it loses nothing.
            a.put("/s/own", &json!({"id": "/s/own"})).unwrap();
            assert!(a.get("/s/own").unwrap().is_some());
            assert_eq!(a.get("/s/x").unwrap().unwrap()["v"], 2);
            b.put("/s/x", &json!({"id": "/s/x", "v": 3})).unwrap();
        }
        assert_eq!(a.get("/s/x").unwrap().unwrap()["v"], 3);
    }

    #[test]
    fn a_torn_last_line_waits_for_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::new(dir.path());
        s.put("/s/x", &json!({"id": "/s/x"})).unwrap();
        let mut f = OpenOptions::new().append(true).open(dir.path().join(LOG)).unwrap();
        f.write_all(b"{\"put\":{\"id\":\"/s/z\"").unwrap();
        assert_eq!(s.get("/s/z").unwrap(), None);
        f.write_all(b"}}\n").unwrap();
        assert!(s.get("/s/z").unwrap().is_some());
    }
}
