//! Taking over the local Terraform state of a configuration directory, as
//! `aksplan init` does: Terraform's file is read ([`super::read`]) and
//! written as aksplan's state, and left as it was.
//!
//! Which file: the `path` of a `backend "local"` block, else
//! `terraform.tfstate` (the default workspace). With another backend,
//! there is no local state to take over here.
//!
//! Whether to take it over ([`decide`]), against aksplan's state:
//!
//! - aksplan's state is empty: take it over (a fresh directory, or one
//!   whose objects are all destroyed);
//! - it holds what Terraform's holds, or continues its lineage with a
//!   higher serial (aksplan has written it since): taken over already,
//!   nothing to do, so a second `init` never takes it over twice;
//! - otherwise the two differ (another lineage, or Terraform has written
//!   its file since the takeover): refused, saying which, since either
//!   choice could lose track of objects. `aksplan state push` takes a
//!   chosen file over on purpose.
//!
//! The caller holds the state lock. This module prints nothing.

use super::{read, Imported, ReadError, FILE};
use crate::schema::SchemaSource;
use crate::state::State;
use indexmap::IndexMap;
use std::path::{Path, PathBuf};

/// Where the local Terraform state of `dir` is, given the configuration's
/// backend (type and literal settings); `None` with a remote backend.
pub fn local_state_path(
    dir: &Path,
    backend: Option<&(String, IndexMap<String, serde_json::Value>)>,
) -> Option<PathBuf> {
    match backend {
        None => Some(dir.join(FILE)),
        Some((kind, settings)) if kind == "local" => {
            let path = settings.get("path").and_then(|p| p.as_str()).unwrap_or(FILE);
            Some(dir.join(path))
        }
        Some(_) => None,
    }
}

/// What to do with a Terraform state, given aksplan's.
#[derive(Debug)]
pub enum Decision {
    /// Take it over: write this state as aksplan's.
    Adopt(Box<Imported>),
    /// Terraform's state holds nothing to take over.
    Empty,
    /// Taken over before: aksplan's state continues it.
    AlreadyAdopted,
    /// aksplan's state differs: refused, for this reason.
    Conflict(String),
}

/// Why a takeover could not be decided.
#[derive(Debug, thiserror::Error)]
pub enum TakeoverError {
    #[error("cannot read {}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{error}")]
    Read { path: PathBuf, error: ReadError },
}

/// Reads the Terraform state at `path` (named `name` in messages), if
/// there is one, and decides against aksplan's `current` state.
/// `Ok(None)`: no file.
pub fn examine(
    path: &Path,
    name: &str,
    current: &State,
    schemas: &dyn SchemaSource,
) -> Result<Option<Decision>, TakeoverError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(TakeoverError::Io {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    // Terraform leaves an empty file behind after migrating to a backend.
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Some(Decision::Empty));
    }
    let imported = read(&bytes, schemas).map_err(|error| TakeoverError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    Ok(Some(decide(imported, current, name)))
}

/// Decides as the module documentation says; `name` names Terraform's file.
pub fn decide(imported: Imported, current: &State, name: &str) -> Decision {
    let theirs = &imported.state;
    if theirs.is_empty() {
        return Decision::Empty;
    }
    if current.is_empty() {
        return Decision::Adopt(Box::new(imported));
    }
    let same_objects = objects_json(current) == objects_json(theirs);
    if current.lineage == theirs.lineage {
        if same_objects || current.serial > theirs.serial {
            return Decision::AlreadyAdopted;
        }
        return Decision::Conflict(format!(
            "{name} (serial {}) has changed since aksplan took it over (aksplan's state is at serial {}): \
             Terraform has written it since. Run `aksplan state push {name}` to take the newer state over, \
             or move {name} away to keep aksplan's",
            theirs.serial, current.serial
        ));
    }
    Decision::Conflict(format!(
        "aksplan's state already holds another state (lineage {}, {} resources), and {name} is lineage {} \
         ({} resources): aksplan does not overwrite one with the other. Run `aksplan state push -force {name}` \
         to replace aksplan's state with Terraform's, or move {name} away to keep aksplan's",
        current.lineage,
        current.resources.len(),
        theirs.lineage,
        theirs.resources.len()
    ))
}

/// The objects and outputs of a state as its file holds them (values
/// read from a file and values typed by a schema compare alike there).
fn objects_json(s: &State) -> (serde_json::Value, serde_json::Value) {
    let f = crate::state::file::encode(s);
    (
        serde_json::to_value(&f.resources).unwrap_or_default(),
        serde_json::to_value(&f.outputs).unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::catalog::testing::catalog;

    const STATE: &str = include_str!("../../../tests/fixtures/tfstate/terraform_data/terraform.tfstate.json");

    fn imported() -> Imported {
        read(STATE.as_bytes(), catalog()).unwrap()
    }

    fn name(d: &Decision) -> String {
        match d {
            Decision::Adopt(_) => "adopt".into(),
            Decision::Empty => "empty".into(),
            Decision::AlreadyAdopted => "already".into(),
            Decision::Conflict(why) => format!("conflict: {why}"),
        }
    }

    #[test]
    fn the_file_is_the_local_backend_s_path_or_terraform_s_default() {
        let dir = Path::new("/work");
        assert_eq!(local_state_path(dir, None), Some(dir.join("terraform.tfstate")));
        let local = (
            "local".to_string(),
            IndexMap::from([("path".to_string(), "s/x.tfstate".into())]),
        );
        assert_eq!(local_state_path(dir, Some(&local)), Some(dir.join("s/x.tfstate")));
        let bare = ("local".to_string(), IndexMap::new());
        assert_eq!(local_state_path(dir, Some(&bare)), Some(dir.join("terraform.tfstate")));
        let remote = ("azurerm".to_string(), IndexMap::new());
        assert_eq!(local_state_path(dir, Some(&remote)), None);
    }

    #[test]
    fn an_empty_aksplan_state_takes_terraform_s_over() {
        assert_eq!(name(&decide(imported(), &State::new(), "terraform.tfstate")), "adopt");
        let mut nothing = imported();
        nothing.state = State::new();
        assert_eq!(name(&decide(nothing, &State::new(), "terraform.tfstate")), "empty");
    }

    #[test]
    fn a_state_taken_over_is_not_taken_over_twice() {
        // Just taken over: aksplan's state is Terraform's, one write later.
        let mut ours = imported().state;
        ours.serial += 1;
        assert_eq!(name(&decide(imported(), &ours, "terraform.tfstate")), "already");
        // aksplan has applied since: it has moved on from Terraform's file.
        ours.resources.clear();
        assert_eq!(name(&decide(imported(), &ours.clone(), "terraform.tfstate")), "already");
        // The same objects at the same serial (read back from aksplan's file).
        let same = crate::state::file::decode(crate::state::file::encode(&imported().state)).unwrap();
        assert_eq!(name(&decide(imported(), &same, "terraform.tfstate")), "already");
    }

    #[test]
    fn a_state_that_differs_is_refused_saying_how_to_choose() {
        let mut ours = imported().state;
        ours.resources.pop_first();
        let d = name(&decide(imported(), &ours, "tf/main.tfstate"));
        assert!(
            d.starts_with("conflict: tf/main.tfstate (serial 21) has changed since aksplan took it over"),
            "{d}"
        );
        assert!(d.contains("aksplan state push tf/main.tfstate"), "{d}");
        ours.lineage = "another".into();
        ours.serial = 99;
        let d = name(&decide(imported(), &ours, "terraform.tfstate"));
        assert!(
            d.starts_with("conflict: aksplan's state already holds another state (lineage another"),
            "{d}"
        );
        assert!(d.contains("aksplan state push -force terraform.tfstate"), "{d}");
    }

    #[test]
    fn files_are_examined_with_their_problems_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("terraform.tfstate");
        assert!(examine(&path, "terraform.tfstate", &State::new(), catalog())
            .unwrap()
            .is_none());
        std::fs::write(&path, "\n").unwrap();
        let d = examine(&path, "terraform.tfstate", &State::new(), catalog())
            .unwrap()
            .unwrap();
        assert_eq!(name(&d), "empty");
        std::fs::write(&path, "{\"version\": 4,").unwrap();
        match examine(&path, "terraform.tfstate", &State::new(), catalog()) {
            Err(TakeoverError::Read { error, .. }) => {
                assert!(matches!(
                    error.problems[..],
                    [crate::state::terraform::Problem::Malformed { line: 1, .. }]
                ))
            }
            other => panic!("{other:?}"),
        }
    }
}
