//! The `local` backend: state in files beside the configuration.
//!
//! The default workspace's state is `path` (default `aksplan.tfstate`,
//! relative to the configuration directory); another workspace's is
//! `WORKSPACE_DIR/NAME/aksplan.tfstate`, with `workspace_dir` defaulting to
//! `terraform.tfstate.d`, as Terraform lays them out (with aksplan's file
//! name). Each file is written, backed up and journaled by
//! [`crate::state::store`], and locked by [`crate::state::lock`] in its
//! directory. It must not know about blobs or the configuration.

use super::{Backend, Holder, JournalSink, LockError, Seen, StateLock, StateStorage, UnlockError, DEFAULT_WORKSPACE};
use crate::state::store::{Journal, JournalEntry, StateStore, STATE_FILE};
use crate::state::{lock, State};
use serde_json::{Map, Value as Json};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

/// aksplan's state file for a local backend whose `path` is Terraform's:
/// beside it, with `.aksplan` before the extension (`state/prod.tfstate`
/// is `state/prod.aksplan.tfstate`), so that aksplan never writes into the
/// file Terraform keeps, and `init` can take that one over.
fn aksplan_file(path: &str) -> String {
    if Path::new(path)
        .file_name()
        .is_some_and(|n| n == STATE_FILE || n.to_string_lossy().ends_with(".aksplan.tfstate"))
    {
        return path.to_string();
    }
    match path.strip_suffix(".tfstate") {
        Some(stem) if !stem.is_empty() && !stem.ends_with('/') => format!("{stem}.aksplan.tfstate"),
        _ => format!("{path}.aksplan.tfstate"),
    }
}

/// Where workspaces other than `default` live, unless `workspace_dir` says.
pub const WORKSPACE_DIR: &str = "terraform.tfstate.d";

/// The name of Terraform's own state file for a workspace.
pub const TERRAFORM_FILE: &str = "terraform.tfstate";

#[derive(Debug, Clone)]
pub struct LocalBackend {
    /// The default workspace's state file.
    path: PathBuf,
    /// The directory holding one directory per other workspace.
    workspace_dir: PathBuf,
    /// Terraform's file for the default workspace (`path` itself).
    terraform_path: PathBuf,
}

impl LocalBackend {
    /// The backend used when the configuration has no `backend` block.
    pub fn default_in(dir: &Path) -> LocalBackend {
        LocalBackend {
            path: dir.join(STATE_FILE),
            workspace_dir: dir.join(WORKSPACE_DIR),
            terraform_path: dir.join(TERRAFORM_FILE),
        }
    }

    /// From a `backend "local"` block's settings: `path` and
    /// `workspace_dir`, relative to `dir`.
    pub fn from_settings(dir: &Path, settings: &Map<String, Json>) -> Result<LocalBackend, String> {
        let mut b = LocalBackend::default_in(dir);
        for (name, value) in settings {
            let text = match value {
                Json::Null => continue,
                Json::String(s) if s.is_empty() => continue,
                Json::String(s) => s,
                other => return Err(format!("{name} must be a string, not {other}")),
            };
            match name.as_str() {
                "path" => {
                    b.path = dir.join(aksplan_file(text));
                    b.terraform_path = dir.join(text);
                }
                "workspace_dir" => b.workspace_dir = dir.join(text),
                other => return Err(format!("the local backend has no argument {other:?}")),
            }
        }
        Ok(b)
    }

    /// The state file of `workspace`.
    pub fn path_of(&self, workspace: &str) -> PathBuf {
        if workspace == DEFAULT_WORKSPACE {
            self.path.clone()
        } else {
            self.workspace_dir.join(workspace).join(STATE_FILE)
        }
    }

    /// The file Terraform keeps `workspace`'s state in, with these settings.
    pub fn terraform_path_of(&self, workspace: &str) -> PathBuf {
        if workspace == DEFAULT_WORKSPACE {
            self.terraform_path.clone()
        } else {
            self.workspace_dir.join(workspace).join(TERRAFORM_FILE)
        }
    }

    /// `workspace`'s state as another configuration reads it
    /// (`terraform_remote_state`): aksplan's file when there is one, else
    /// the file Terraform writes, so that a state Terraform still keeps is
    /// read too; `None` when neither holds a state. A `path` naming
    /// `DIR/terraform.tfstate` also finds `DIR/aksplan.tfstate`, the state
    /// of a configuration with no `backend` block, which is what that path
    /// names in Terraform.
    pub fn stored(&self, workspace: &str) -> Result<Option<State>, String> {
        let path = self.terraform_path_of(workspace);
        let mut ours = vec![self.path_of(workspace)];
        if workspace == DEFAULT_WORKSPACE && path.file_name().is_some_and(|n| n == TERRAFORM_FILE) {
            ours.push(path.with_file_name(STATE_FILE));
        }
        if let Some(file) = ours.into_iter().find(|p| p.exists()) {
            return StateStore::at(file).load().map(Some);
        }
        match std::fs::read(&path) {
            // An empty file is no state, as Terraform reads one.
            Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => Ok(None),
            Ok(bytes) => crate::state::store::parse(&bytes, &path.display().to_string()).map(Some),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// The file store of `workspace`.
    pub fn store(&self, workspace: &str) -> LocalState {
        LocalState {
            store: StateStore::at(self.path_of(workspace)),
        }
    }

    /// Whether any workspace of `other` keeps its state in one of this
    /// backend's files: then moving state between them would copy a file
    /// onto itself.
    pub fn shares_files_with(&self, other: &LocalBackend) -> bool {
        self.path == other.path || self.workspace_dir == other.workspace_dir
    }
}

impl Backend for LocalBackend {
    fn kind(&self) -> &'static str {
        "local"
    }

    fn workspaces(&self) -> Result<Vec<String>, String> {
        let mut names = Vec::new();
        match std::fs::read_dir(&self.workspace_dir) {
            Ok(entries) => {
                for e in entries {
                    let e = e.map_err(|e| format!("cannot read {}: {e}", self.workspace_dir.display()))?;
                    if e.file_type().is_ok_and(|t| t.is_dir()) {
                        names.push(e.file_name().to_string_lossy().into_owned());
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot read {}: {e}", self.workspace_dir.display())),
        }
        names.retain(|n| n != DEFAULT_WORKSPACE);
        names.sort();
        names.insert(0, DEFAULT_WORKSPACE.to_string());
        Ok(names)
    }

    fn create_workspace(&self, name: &str) -> Result<(), String> {
        if name == DEFAULT_WORKSPACE {
            return Ok(());
        }
        let dir = self.workspace_dir.join(name);
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
    }

    fn delete_workspace(&self, name: &str) -> Result<(), String> {
        if name == DEFAULT_WORKSPACE {
            return Err("cannot delete default state".into());
        }
        let dir = self.workspace_dir.join(name);
        match std::fs::remove_dir_all(&dir) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(format!("cannot delete {}: {e}", dir.display())),
            _ => Ok(()),
        }
    }

    fn state(&self, workspace: &str) -> Box<dyn StateStorage> {
        Box::new(self.store(workspace))
    }

    fn terraform_file(&self, workspace: &str) -> Option<PathBuf> {
        Some(self.terraform_path_of(workspace))
    }
}

/// One workspace's file.
#[derive(Debug, Clone)]
pub struct LocalState {
    store: StateStore,
}

impl LocalState {
    /// The directory the lock file goes in: the state file's.
    fn lock_dir(&self) -> PathBuf {
        match self.store.path().parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }
}

impl StateStorage for LocalState {
    fn location(&self) -> String {
        self.store.path().display().to_string()
    }

    fn load_noting(&self) -> Result<(State, Vec<String>), String> {
        self.store.load_noting()
    }

    fn write(&self, state: &mut State) -> Result<(), String> {
        if let Some(dir) = self.store.path().parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        self.store.write(state).map_err(|e| e.to_string())
    }

    fn journal(&self, state: &State) -> Result<Box<dyn JournalSink>, String> {
        if let Some(dir) = self.store.path().parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let j = self.store.journal(state).map_err(|e| e.to_string())?;
        Ok(Box::new(j))
    }

    fn journal_location(&self) -> String {
        self.store.journal_path().display().to_string()
    }

    fn lock(&self, operation: &str, timeout: Duration) -> Result<Box<dyn StateLock>, LockError> {
        let dir = self.lock_dir();
        if !dir.exists() {
            std::fs::create_dir_all(&dir).map_err(|e| LockError::Failed(format!("{}: {e}", dir.display())))?;
        }
        match lock::acquire(&dir, operation, timeout) {
            Ok(l) => Ok(Box::new(LocalLock { held: l })),
            Err(lock::LockError::Held(info)) => Err(LockError::Held(holder(info))),
            Err(e @ lock::LockError::Unreadable(_)) => Err(LockError::Unreadable(e.to_string())),
            Err(lock::LockError::Io(e)) => Err(LockError::Failed(e.to_string())),
        }
    }

    fn seen_lock(&self) -> Result<Option<Seen>, String> {
        Ok(match lock::holder(&self.lock_dir()).map_err(|e| e.to_string())? {
            None => None,
            Some(Ok(info)) => Some(Seen::Held {
                stale: info.liveness() == lock::Liveness::Gone,
                info,
            }),
            Some(Err(_)) => Some(Seen::Unreadable),
        })
    }

    fn force_unlock(&self, id: Option<&str>, force: bool) -> Result<Option<Holder>, UnlockError> {
        match lock::force_unlock(&self.lock_dir(), id, force) {
            Ok(lock::Unlocked::NotLocked) => Ok(None),
            Ok(lock::Unlocked::Removed(info)) => Ok(Some(info.map(holder).unwrap_or_else(|| Holder {
                description: "an unreadable lock file".into(),
                id: None,
            }))),
            Err(lock::UnlockError::Alive(info)) => Err(UnlockError::Alive(holder(info))),
            Err(lock::UnlockError::OtherId { held, asked }) => Err(UnlockError::OtherId {
                held: held.map(holder),
                asked,
            }),
            Err(lock::UnlockError::Io(e)) => Err(UnlockError::Failed(e.to_string())),
        }
    }
}

/// The lock file's holder, as every backend names one.
fn holder(info: lock::LockInfo) -> Holder {
    let id = info.id.clone();
    Holder {
        description: lock::LockInfo { id: None, ..info }.to_string(),
        id,
    }
}

impl JournalSink for Journal {
    fn append(&mut self, entries: &[JournalEntry]) -> io::Result<()> {
        Journal::append(self, entries)
    }
}

/// The lock file, held until dropped. It is lost when `force-unlock
/// --force` removed it.
struct LocalLock {
    held: lock::Lock,
}

impl StateLock for LocalLock {
    fn lost(&self) -> Option<String> {
        (!self.held.held()).then(|| "the lock file no longer holds this run's lock (force-unlock removed it)".into())
    }

    fn on_lost(&self, _flag: Arc<AtomicBool>) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, Json)]) -> Map<String, Json> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn paths_are_terraforms_with_aksplans_file_name() {
        let dir = Path::new("/cfg");
        let b = LocalBackend::from_settings(dir, &settings(&[("path", Json::Null), ("workspace_dir", Json::Null)]))
            .unwrap();
        assert_eq!(b.path_of("default"), Path::new("/cfg/aksplan.tfstate"));
        assert_eq!(
            b.path_of("dev"),
            Path::new("/cfg/terraform.tfstate.d/dev/aksplan.tfstate")
        );
        let b = LocalBackend::from_settings(
            dir,
            &settings(&[("path", "state/prod.tfstate".into()), ("workspace_dir", "envs".into())]),
        )
        .unwrap();
        assert_eq!(b.path_of("default"), Path::new("/cfg/state/prod.aksplan.tfstate"));
        // `path` is the default workspace's only, as in Terraform.
        assert_eq!(b.path_of("dev"), Path::new("/cfg/envs/dev/aksplan.tfstate"));
        assert!(LocalBackend::from_settings(dir, &settings(&[("bucket", "x".into())])).is_err());
        for (path, ours) in [
            ("terraform.tfstate", "terraform.aksplan.tfstate"),
            ("aksplan.tfstate", "aksplan.tfstate"),
            ("a/b.aksplan.tfstate", "a/b.aksplan.tfstate"),
            ("state.json", "state.json.aksplan.tfstate"),
            ("d/.tfstate", "d/.tfstate.aksplan.tfstate"),
        ] {
            assert_eq!(aksplan_file(path), ours, "{path}");
        }
        assert!(LocalBackend::from_settings(dir, &settings(&[("path", Json::Bool(true))])).is_err());
    }

    #[test]
    fn a_stored_state_is_aksplans_file_else_terraforms() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::from_settings(dir.path(), &settings(&[("path", "s/prod.tfstate".into())])).unwrap();
        assert_eq!(b.terraform_path_of("default"), dir.path().join("s/prod.tfstate"));
        assert_eq!(
            b.terraform_path_of("dev"),
            dir.path().join("terraform.tfstate.d/dev/terraform.tfstate")
        );
        assert_eq!(b.stored("default").unwrap(), None);
        std::fs::create_dir_all(dir.path().join("s")).unwrap();
        std::fs::write(dir.path().join("s/prod.tfstate"), "\n").unwrap();
        assert_eq!(b.stored("default").unwrap(), None, "an empty file is no state");
        let theirs = br#"{"version": 4, "terraform_version": "1.11.4", "serial": 2, "lineage": "t",
            "outputs": {"name": {"value": "theirs", "type": "string"}}, "resources": []}"#;
        std::fs::write(dir.path().join("s/prod.tfstate"), theirs).unwrap();
        let read = b.stored("default").unwrap().unwrap();
        assert_eq!(read.outputs["name"].value, crate::lang::Value::string("theirs"));
        let mut ours = State::new();
        b.state("default").write(&mut ours).unwrap();
        assert!(dir.path().join("s/prod.aksplan.tfstate").exists());
        let read = b.stored("default").unwrap().unwrap();
        assert!(read.outputs.is_empty(), "aksplan's file is read when it is there");
        // `terraform.tfstate` finds a default backend's `aksplan.tfstate`.
        let beside =
            LocalBackend::from_settings(dir.path(), &settings(&[("path", "d/terraform.tfstate".into())])).unwrap();
        assert_eq!(beside.stored("default").unwrap(), None);
        LocalBackend::default_in(&dir.path().join("d"))
            .state("default")
            .write(&mut State::new())
            .unwrap();
        assert!(beside.stored("default").unwrap().is_some());
        std::fs::write(dir.path().join("s/prod.tfstate"), "{").unwrap();
        std::fs::remove_file(dir.path().join("s/prod.aksplan.tfstate")).unwrap();
        assert!(b.stored("default").unwrap_err().contains("prod.tfstate"));
    }

    #[test]
    fn workspaces_are_the_directories_default_first() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::default_in(dir.path());
        assert_eq!(b.workspaces().unwrap(), vec!["default"]);
        b.create_workspace("prod").unwrap();
        b.create_workspace("dev").unwrap();
        std::fs::write(dir.path().join(WORKSPACE_DIR).join("stray-file"), "").unwrap();
        assert_eq!(b.workspaces().unwrap(), vec!["default", "dev", "prod"]);
        let mut s = State::new();
        b.state("dev").write(&mut s).unwrap();
        assert!(dir.path().join("terraform.tfstate.d/dev/aksplan.tfstate").exists());
        b.delete_workspace("dev").unwrap();
        assert_eq!(b.workspaces().unwrap(), vec!["default", "prod"]);
        assert_eq!(
            b.delete_workspace("default").unwrap_err(),
            "cannot delete default state"
        );
    }

    #[test]
    fn each_workspace_is_locked_on_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::default_in(dir.path());
        b.create_workspace("dev").unwrap();
        let _default = b.state("default").lock("apply", Duration::ZERO).unwrap();
        let dev = b.state("dev").lock("apply", Duration::ZERO).unwrap();
        assert!(dev.lost().is_none());
        let Err(LockError::Held(h)) = b.state("dev").lock("plan", Duration::ZERO) else {
            panic!("a second lock of dev was taken")
        };
        assert!(h.description.starts_with("apply by pid"), "{h}");
        drop(dev);
        assert!(b.state("dev").force_unlock(None, false).unwrap().is_none());
    }
}
