//! Storing state on disk without ever losing it.
//!
//! - A full write goes to a temporary file that is fsynced and renamed over
//!   `aksplan.tfstate`; the previous file is kept as `aksplan.tfstate.backup`;
//!   both have mode 0600.
//! - During an apply, each finished resource is appended to a journal
//!   (`aksplan.tfstate.journal`, one JSON line per change, fsynced in
//!   batches), so saving after every resource costs O(1), not a rewrite of
//!   the whole state. Loading replays a journal left by an interrupted run;
//!   the next full write removes it.
//! - A create_before_destroy replacement journals `depose` (the current
//!   object moves aside as deposed) before its create starts, so that a
//!   crash at any point leaves both the old and the new object in state;
//!   `restore` undoes it when the create fails and leaves nothing. Each is
//!   one line, so it is replayed whole or not at all.

use super::deposed::DeposedKey;
use super::file::{self, ResourceEntry};
use super::State;
use crate::addrs::Instance;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

pub const STATE_FILE: &str = "aksplan.tfstate";

#[derive(Debug, Clone)]
pub struct StateStore {
    path: PathBuf,
}

/// One journal line.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JournalEntry {
    /// The state the journal continues: its lineage and serial.
    Base { lineage: String, serial: u64 },
    /// An object as it is now (current, or deposed when the entry says so).
    Set(Box<ResourceEntry>),
    /// An object is gone: the current one, or the deposed one with this key.
    Remove {
        address: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deposed: Option<DeposedKey>,
    },
    /// The current object at `address` moved aside as deposed object `deposed`.
    Depose { address: String, deposed: DeposedKey },
    /// Deposed object `deposed` is current again (its replacement failed).
    Restore { address: String, deposed: DeposedKey },
}

impl StateStore {
    pub fn in_dir(dir: &Path) -> StateStore {
        StateStore::at(dir.join(STATE_FILE))
    }

    /// The state kept in the file at `path` (a local backend's `path`, or
    /// a workspace's file under `terraform.tfstate.d`).
    pub fn at(path: PathBuf) -> StateStore {
        StateStore { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sibling(&self, suffix: &str) -> PathBuf {
        let mut p = self.path.clone().into_os_string();
        p.push(suffix);
        PathBuf::from(p)
    }

    pub fn journal_path(&self) -> PathBuf {
        self.sibling(".journal")
    }

    pub fn backup_path(&self) -> PathBuf {
        self.sibling(".backup")
    }

    /// The current state: the file (or an empty state), with any journal replayed.
    pub fn load(&self) -> Result<State, String> {
        let mut state = match std::fs::read(&self.path) {
            Ok(bytes) => parse(&bytes, &self.path.display().to_string())?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => State::new(),
            Err(e) => return Err(format!("cannot read {}: {e}", self.path.display())),
        };
        self.replay(&mut state)?;
        Ok(state)
    }

    fn replay(&self, state: &mut State) -> Result<(), String> {
        let f = match File::open(self.journal_path()) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(format!("cannot read the state journal: {e}")),
        };
        StateStore::replay_from(state, io::BufReader::new(f))
    }

    /// Replays a journal read from `reader` onto `state` (the entries after
    /// a `Base` naming its lineage and serial): a remote backend's journal
    /// is replayed as the file's is.
    pub fn replay_from(state: &mut State, reader: impl BufRead) -> Result<(), String> {
        let mut replayed = false;
        for line in reader.lines() {
            let line = line.map_err(|e| format!("cannot read the state journal: {e}"))?;
            // A line cut short by a crash ends the journal.
            let Ok(entry) = serde_json::from_str::<JournalEntry>(&line) else {
                break;
            };
            match entry {
                JournalEntry::Base { lineage, serial } => {
                    if lineage != state.lineage || serial != state.serial {
                        // A journal of another state: already folded in, or not ours.
                        return Ok(());
                    }
                }
                JournalEntry::Set(e) => {
                    let (addr, r) = file::decode_resource(*e)?;
                    match addr.deposed {
                        None => state.resources.insert(addr.instance, r),
                        Some(k) => state.deposed.insert((addr.instance, k), r),
                    };
                    replayed = true;
                }
                JournalEntry::Remove { address, deposed } => {
                    if let Ok(addr) = address.parse::<Instance>() {
                        match deposed {
                            None => state.resources.remove(&addr),
                            Some(k) => state.deposed.remove(&(addr, k)),
                        };
                        replayed = true;
                    }
                }
                JournalEntry::Depose { address, deposed } => {
                    if let Ok(addr) = address.parse::<Instance>() {
                        state.depose_as(&addr, deposed);
                        replayed = true;
                    }
                }
                JournalEntry::Restore { address, deposed } => {
                    if let Ok(addr) = address.parse::<Instance>() {
                        state.restore_deposed(&addr, &deposed);
                        replayed = true;
                    }
                }
            }
        }
        if replayed {
            state.serial += 1;
        }
        Ok(())
    }

    /// Writes the whole state atomically, keeping the previous file as a
    /// backup, and folds the journal in. Increments the serial.
    pub fn write(&self, state: &mut State) -> io::Result<()> {
        if state.lineage.is_empty() {
            state.lineage = uuid::Uuid::new_v4().to_string();
        }
        state.serial += 1;
        let text = encode_bytes(state)?;
        let tmp = self.sibling(&format!(".tmp{}", std::process::id()));
        {
            let mut f = private_file(&tmp, true)?;
            f.write_all(&text)?;
            f.sync_all()?;
        }
        if self.path.exists() {
            std::fs::copy(&self.path, self.backup_path())?;
            set_private(&self.backup_path())?;
        }
        std::fs::rename(&tmp, &self.path)?;
        sync_dir(&self.path);
        match std::fs::remove_file(self.journal_path()) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        Ok(())
    }

    /// Starts a journal continuing `state`.
    pub fn journal(&self, state: &State) -> io::Result<Journal> {
        let mut j = Journal {
            file: private_file(&self.journal_path(), false)?,
        };
        j.append(&[JournalEntry::Base {
            lineage: state.lineage.clone(),
            serial: state.serial,
        }])?;
        Ok(j)
    }
}

/// A state file's bytes, decoded; `name` says where they come from in errors.
pub fn parse(bytes: &[u8], name: &str) -> Result<State, String> {
    let f: file::StateFile =
        serde_json::from_slice(bytes).map_err(|e| format!("{name} is not a valid state file: {e}"))?;
    file::decode(f).map_err(|e| format!("{name}: {e}"))
}

/// A state as the bytes of its file: what [`StateStore::write`] writes.
pub fn encode_bytes(state: &State) -> io::Result<Vec<u8>> {
    let mut text = serde_json::to_vec_pretty(&file::encode(state)).map_err(io::Error::other)?;
    text.push(b'\n');
    Ok(text)
}

/// An open journal; each `append` is durable when it returns.
pub struct Journal {
    file: File,
}

impl Journal {
    pub fn append(&mut self, entries: &[JournalEntry]) -> io::Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut buf = Vec::new();
        for e in entries {
            serde_json::to_writer(&mut buf, e).map_err(io::Error::other)?;
            buf.push(b'\n');
        }
        self.file.write_all(&buf)?;
        self.file.sync_data()
    }
}

fn private_file(path: &Path, truncate: bool) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.create(true).write(true);
    if truncate {
        o.truncate(true);
    } else {
        o.append(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

fn set_private(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

fn sync_dir(file: &Path) {
    if let Some(dir) = file.parent() {
        if let Ok(d) = File::open(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        }) {
            let _ = d.sync_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addrs::Resource;
    use crate::lang::Value;
    use crate::state::ResourceState;

    fn rs(id: &str) -> ResourceState {
        ResourceState {
            type_name: "azurerm_resource_group".into(),
            value: Value::Object([("id".to_string(), Value::string(id))].into()),
            dependencies: vec![],
            tainted: false,
        }
    }

    #[test]
    fn write_is_private_keeps_a_backup_and_bumps_the_serial() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
        let mut s = store.load().unwrap();
        assert_eq!(s.serial, 0);
        store.write(&mut s).unwrap();
        s.resources.insert(
            Resource::managed("azurerm_resource_group", "a").instance(crate::addrs::InstanceKey::None),
            rs("/a"),
        );
        store.write(&mut s).unwrap();
        assert_eq!(store.load().unwrap(), s);
        assert_eq!(s.serial, 2);
        let backup: file::StateFile = serde_json::from_slice(&std::fs::read(store.backup_path()).unwrap()).unwrap();
        assert_eq!(backup.serial, 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(store.path()).unwrap().permissions().mode() & 0o777,
                0o600
            );
            assert_eq!(
                std::fs::metadata(store.backup_path()).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }

    #[test]
    fn journal_is_replayed_after_an_interrupted_apply_and_folded_by_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
        let mut s = store.load().unwrap();
        store.write(&mut s).unwrap();
        let a = Resource::managed("azurerm_resource_group", "a").instance(crate::addrs::InstanceKey::None);
        let mut j = store.journal(&s).unwrap();
        j.append(&[JournalEntry::Set(Box::new(file::encode_resource(&a, &rs("/a"))))])
            .unwrap();
        drop(j);
        // A torn last line is ignored.
        std::fs::OpenOptions::new()
            .append(true)
            .open(store.journal_path())
            .unwrap()
            .write_all(b"{\"set\":")
            .unwrap();
        let mut loaded = store.load().unwrap();
        assert!(loaded.resources.contains_key(&a));
        store.write(&mut loaded).unwrap();
        assert!(!store.journal_path().exists());
        assert_eq!(store.load().unwrap(), loaded);
        // A journal whose base is another state is not applied twice.
        let mut j = store.journal(&s).unwrap();
        j.append(&[JournalEntry::Remove {
            address: a.to_string(),
            deposed: None,
        }])
        .unwrap();
        assert!(store.load().unwrap().resources.contains_key(&a));
    }

    /// The journal lines of a create_before_destroy replacement, as apply
    /// writes them: wherever a crash cuts the journal, the state loaded
    /// holds the old object (current or deposed) and, once its create is
    /// recorded, the new one.
    #[test]
    fn a_replacement_cut_short_anywhere_keeps_both_objects() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
        let a = Resource::managed("azurerm_resource_group", "a").instance(crate::addrs::InstanceKey::None);
        let mut s = State::new();
        s.resources.insert(a.clone(), rs("/old"));
        store.write(&mut s).unwrap();
        let k = DeposedKey::parse("1a2b3c4d").unwrap();
        let lines = [
            JournalEntry::Depose {
                address: a.to_string(),
                deposed: k.clone(),
            },
            JournalEntry::Set(Box::new(file::encode_resource(&a, &rs("/new")))),
            JournalEntry::Remove {
                address: a.to_string(),
                deposed: Some(k.clone()),
            },
        ];
        let ids = |s: &State| {
            let mut ids: Vec<String> = s.resources.values().map(|r| r.id().unwrap_or("").to_string()).collect();
            ids.extend(s.deposed.values().map(|r| format!("deposed {}", r.id().unwrap_or(""))));
            ids
        };
        let mut seen = Vec::new();
        for n in 0..=lines.len() {
            let mut j = store.journal(&s).unwrap();
            for line in lines.iter().take(n) {
                j.append(std::slice::from_ref(line)).unwrap();
            }
            drop(j);
            seen.push(ids(&store.load().unwrap()));
            std::fs::remove_file(store.journal_path()).unwrap();
        }
        assert_eq!(
            seen,
            vec![
                vec!["/old".to_string()],
                vec!["deposed /old".to_string()],
                vec!["/new".to_string(), "deposed /old".to_string()],
                vec!["/new".to_string()],
            ]
        );
        // A create that failed and left nothing puts the old object back.
        let mut j = store.journal(&s).unwrap();
        j.append(&[
            JournalEntry::Depose {
                address: a.to_string(),
                deposed: k.clone(),
            },
            JournalEntry::Restore {
                address: a.to_string(),
                deposed: k,
            },
        ])
        .unwrap();
        drop(j);
        assert_eq!(ids(&store.load().unwrap()), vec!["/old".to_string()]);
    }

    #[test]
    fn a_corrupt_state_file_is_an_error_not_an_empty_state() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(STATE_FILE), "{ nope").unwrap();
        assert!(StateStore::in_dir(dir.path())
            .load()
            .unwrap_err()
            .contains("not a valid state file"));
    }
}
