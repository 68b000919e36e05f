//! Storing state on disk without ever losing it.
//!
//! - A full write goes to a temporary file that is fsynced and renamed over
//!   `aksplan.tfstate`; the previous file is kept as `aksplan.tfstate.backup`;
//!   both have mode 0600.
//! - During an apply, each finished resource is appended to a journal
//!   (`aksplan.tfstate.journal`, one JSON line per change, fsynced in
//!   batches), so saving after every resource costs O(1), not a rewrite of
//!   the whole state. Loading replays a journal left by an interrupted run;
//!   the next full write removes it. Every journal line must read, except a
//!   last line without its newline (a write a crash cut short), which is
//!   ignored with a note and dropped before the journal is appended to
//!   again; any other unreadable line is an error naming file and line, and
//!   nothing is written. A run that continues a journal (its own crash
//!   followed one) starts with a `base` line of its own, replayed in turn.
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
use std::io::{self, Write};
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
        self.load_noting().map(|(state, _)| state)
    }

    /// [`StateStore::load`], with what the caller should tell the user: a
    /// journal's last line cut short by a crash, ignored.
    pub fn load_noting(&self) -> Result<(State, Vec<String>), String> {
        let mut state = match std::fs::read(&self.path) {
            Ok(bytes) => parse(&bytes, &self.path.display().to_string())?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => State::new(),
            Err(e) => return Err(format!("cannot read {}: {e}", self.path.display())),
        };
        let notes = self.replay(&mut state)?;
        Ok((state, notes))
    }

    /// Replays the journal file onto `state` (see [`replay`]).
    fn replay(&self, state: &mut State) -> Result<Vec<String>, String> {
        let path = self.journal_path();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(format!("cannot read the state journal {}: {e}", path.display())),
        };
        replay(
            state,
            &bytes,
            &path.display().to_string(),
            &self.path.display().to_string(),
        )
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
        let file = private_file(&self.journal_path(), false)?;
        // A journal a crash cut short ends in a torn line, ignored when it
        // was loaded: drop it, so that what follows starts a line of its own.
        drop_torn_tail(&file)?;
        let mut j = Journal { file };
        j.append(&[JournalEntry::Base {
            lineage: state.lineage.clone(),
            serial: state.serial,
        }])?;
        Ok(j)
    }
}

/// Replays a journal's bytes onto `state` (the entries after a `Base`
/// naming its lineage and serial), for the file's journal and a remote
/// backend's alike; `journal` and `state_name` say where they are in
/// messages. Every line must read, except the last when it has no newline:
/// a write cut short by a crash, ignored with a note. A line that cannot be
/// read anywhere else is an error naming it, never the silent end of the
/// journal: what follows it would be lost.
pub fn replay(state: &mut State, bytes: &[u8], journal: &str, state_name: &str) -> Result<Vec<String>, String> {
    let at = |n: usize| format!("{journal}:{n}");
    let mut notes = Vec::new();
    let mut replayed = false;
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    let tail = lines.len() - 1; // after the last newline: empty, or a torn write
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        if i == tail && line.is_empty() {
            break;
        }
        let entry = std::str::from_utf8(line)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str::<JournalEntry>(t).map_err(|e| e.to_string()));
        let entry = match entry {
            Ok(e) => e,
            Err(e) if i == tail => {
                notes.push(format!(
                    "{}: the journal's last line was cut short by a crash while it was written, and is ignored ({e})",
                    at(n)
                ));
                break;
            }
            Err(e) => {
                return Err(format!(
                    "{}: the state journal's line {n} cannot be read: {e}. The journal holds what an interrupted \
                     apply did since {} was written, and its later lines cannot be trusted past this one. Repair \
                     the line, or move the journal aside to continue from the state file alone (the objects its \
                     lines record are then missing from state, and a plan would create them again)",
                    at(n),
                    state_name
                ))
            }
        };
        match entry {
            JournalEntry::Base { lineage, serial } => {
                // A later Base continues the journal: a run that loaded
                // this state, replayed so far, and was cut short in turn.
                let expected = state.serial + u64::from(i > 0 && replayed);
                if lineage != state.lineage || serial != expected {
                    if i == 0 {
                        // A journal of another state: already folded in, or not ours.
                        return Ok(notes);
                    }
                    return Err(format!(
                        "{}: the state journal continues another state (lineage {lineage}, serial {serial}) than \
                         its earlier lines (lineage {}, serial {expected})",
                        at(n),
                        state.lineage
                    ));
                }
            }
            other => {
                apply_entry(state, other).map_err(|e| format!("{}: {e}", at(n)))?;
                replayed = true;
            }
        }
    }
    if replayed {
        state.serial += 1;
    }
    Ok(notes)
}

/// A state file's bytes, decoded: aksplan's format, or Terraform's (a
/// terraform.tfstate copied or pushed here); `name` says where they come
/// from in errors.
pub fn parse(bytes: &[u8], name: &str) -> Result<State, String> {
    if let Ok(super::terraform::Format::Terraform(_)) = super::terraform::detect(bytes) {
        let catalog = crate::provider::catalog::Catalog::embedded();
        return super::terraform::decode_any(bytes, &catalog)
            .map(|(state, _)| state)
            .map_err(|e| format!("{name}: {e}"));
    }
    file::read(bytes).map_err(|e| match e {
        file::Unreadable::Json(e) => format!("{name} is not a valid state file: {e}"),
        file::Unreadable::Invalid(e) => format!("{name}: {e}"),
    })
}

/// A state as the bytes of its file: what [`StateStore::write`] writes.
pub fn encode_bytes(state: &State) -> io::Result<Vec<u8>> {
    let mut text = serde_json::to_vec_pretty(&file::encode(state)).map_err(io::Error::other)?;
    text.push(b'\n');
    Ok(text)
}

/// An open journal. An `append` that records what only Azure knows (an
/// object created or changed, moved aside or back) is durable when it
/// returns. One that only records removals is written but not synced: a
/// removal lost to a crash leaves an object in state that is gone from
/// Azure, which the next refresh sees and drops; waiting for the disk there
/// made a 10,000-resource destroy spend most of its time in fdatasync. A
/// later synced append, or the state written at the end, makes it durable.
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
        if entries.iter().all(|e| matches!(e, JournalEntry::Remove { .. })) {
            return Ok(());
        }
        self.file.sync_data()
    }
}

/// Applies one journal entry other than `Base`.
fn apply_entry(state: &mut State, entry: JournalEntry) -> Result<(), String> {
    let addr = |a: &str| a.parse::<Instance>().map_err(|e| format!("invalid address {a:?}: {e}"));
    match entry {
        JournalEntry::Base { .. } => {}
        JournalEntry::Set(e) => {
            let (addr, r) = file::decode_resource(*e)?;
            match addr.deposed {
                None => state.resources.insert(addr.instance, r),
                Some(k) => state.deposed.insert((addr.instance, k), r),
            };
        }
        JournalEntry::Remove { address, deposed } => {
            let a = addr(&address)?;
            match deposed {
                None => state.resources.remove(&a),
                Some(k) => state.deposed.remove(&(a, k)),
            };
        }
        JournalEntry::Depose { address, deposed } => {
            state.depose_as(&addr(&address)?, deposed);
        }
        JournalEntry::Restore { address, deposed } => {
            state.restore_deposed(&addr(&address)?, &deposed);
        }
    }
    Ok(())
}

/// Truncates `file` after its last newline.
fn drop_torn_tail(file: &File) -> io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let len = file.metadata()?.len();
    let mut end = len;
    let mut buf = vec![0u8; 64 * 1024];
    let mut f = file;
    while end > 0 {
        let start = end.saturating_sub(buf.len() as u64);
        let chunk = &mut buf[..(end - start) as usize];
        f.seek(SeekFrom::Start(start))?;
        f.read_exact(chunk)?;
        if let Some(p) = chunk.iter().rposition(|b| *b == b'\n') {
            end = start + p as u64 + 1;
            break;
        }
        end = start;
    }
    if end != len {
        file.set_len(end)?;
        file.sync_data()?;
    }
    Ok(())
}

fn private_file(path: &Path, truncate: bool) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.create(true).write(true);
    if truncate {
        o.truncate(true);
    } else {
        o.read(true).append(true);
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

    fn a() -> Instance {
        Resource::managed("azurerm_resource_group", "a").instance(crate::addrs::InstanceKey::None)
    }

    fn b() -> Instance {
        Resource::managed("azurerm_resource_group", "b").instance(crate::addrs::InstanceKey::None)
    }

    fn set(i: &Instance, id: &str) -> JournalEntry {
        JournalEntry::Set(Box::new(file::encode_resource(i, &rs(id))))
    }

    /// A written state and its store, with the journal's lines as given
    /// (each followed by a newline, then `tail` as is).
    fn journaled(lines: &[&str], tail: &str) -> (tempfile::TempDir, StateStore, State) {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
        let mut s = State::new();
        store.write(&mut s).unwrap();
        let mut j = store.journal(&s).unwrap();
        j.append(&[set(&a(), "/a")]).unwrap();
        drop(j);
        let mut f = OpenOptions::new().append(true).open(store.journal_path()).unwrap();
        for l in lines {
            writeln!(f, "{l}").unwrap();
        }
        f.write_all(tail.as_bytes()).unwrap();
        (dir, store, s)
    }

    fn line(e: &JournalEntry) -> String {
        serde_json::to_string(e).unwrap()
    }

    #[test]
    fn a_torn_last_line_is_ignored_with_a_note_naming_it() {
        let (_d, store, s) = journaled(&[&line(&set(&b(), "/b"))], "{\"set\":{\"mode\":\"man");
        let (loaded, notes) = store.load_noting().unwrap();
        assert!(loaded.resources.contains_key(&a()) && loaded.resources.contains_key(&b()));
        assert_eq!(loaded.serial, s.serial + 1);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].contains("aksplan.tfstate.journal:4: the journal's last line was cut short"),
            "{}",
            notes[0]
        );
        // A last line complete but for its newline is replayed.
        let (_d, store, _) = journaled(&[], &line(&set(&b(), "/b")));
        let (loaded, notes) = store.load_noting().unwrap();
        assert!(loaded.resources.contains_key(&b()) && notes.is_empty());
    }

    #[test]
    fn a_bad_line_before_the_last_is_an_error_naming_file_and_line() {
        let bad_address = line(&JournalEntry::Remove {
            address: "not an address".into(),
            deposed: None,
        });
        for (lines, why) in [
            (vec!["{\"set\":", &line(&set(&b(), "/b"))], "cannot be read"),
            (vec!["", &line(&set(&b(), "/b"))], "cannot be read"),
            (vec!["\u{fffd}nope"], "cannot be read"),
            (vec![&bad_address[..]], "invalid address"),
        ] {
            let (_d, store, _) = journaled(&lines, "");
            let e = store.load().unwrap_err();
            assert!(e.contains("aksplan.tfstate.journal:3: "), "{e}");
            assert!(e.contains(why), "{e}");
        }
        // Nothing past a bad line counts: the whole load fails.
        let (_d, store, _) = journaled(&["{\"set\":"], &line(&set(&b(), "/b")));
        assert!(store.load().is_err());
    }

    /// An apply cut short twice: the second continues the first's journal,
    /// after its torn line, and nothing either recorded is lost.
    #[test]
    fn a_journal_continued_after_a_second_crash_loses_nothing() {
        let (_d, store, s) = journaled(&[], "{\"set\":{\"mo");
        let (first, notes) = store.load_noting().unwrap();
        assert_eq!((first.serial, notes.len()), (s.serial + 1, 1));
        let mut j = store.journal(&first).unwrap();
        j.append(&[set(&b(), "/b")]).unwrap();
        drop(j);
        let text = std::fs::read_to_string(store.journal_path()).unwrap();
        assert!(!text.contains("{\"set\":{\"mo"), "the torn line is dropped: {text}");
        let (second, notes) = store.load_noting().unwrap();
        assert!(notes.is_empty(), "{notes:?}");
        assert!(second.resources.contains_key(&a()) && second.resources.contains_key(&b()));
        assert_eq!(second.serial, s.serial + 1);
        // A third run, cut short before any change, continues it the same way.
        drop(store.journal(&second).unwrap());
        assert_eq!(store.load().unwrap(), second);
        // A later base of another state is an error, not a silent stop.
        let mut j = store.journal(&State::new()).unwrap();
        j.append(&[set(&b(), "/b2")]).unwrap();
        let e = store.load().unwrap_err();
        assert!(e.contains("continues another state"), "{e}");
    }

    #[test]
    fn a_terraform_state_in_place_of_aksplan_s_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let text = include_str!("../../tests/fixtures/tfstate/terraform_data/terraform.tfstate.json");
        std::fs::write(dir.path().join(STATE_FILE), text).unwrap();
        let store = StateStore::in_dir(dir.path());
        let mut s = store.load().unwrap();
        assert_eq!((s.resources.len(), s.deposed.len(), s.serial), (15, 1, 21));
        // Written back in aksplan's format.
        store.write(&mut s).unwrap();
        let f: file::StateFile = serde_json::from_slice(&std::fs::read(store.path()).unwrap()).unwrap();
        assert_eq!((f.version, f.serial), (file::VERSION, 22));
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
