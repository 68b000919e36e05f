//! State interchange with Terraform: Terraform's state file format
//! (version 4, as Terraform 1.11 writes `terraform.tfstate`) to and from
//! aksplan's [`State`].
//!
//! - [`read`] turns the bytes of a Terraform state into aksplan's state:
//!   the one function a backend calls, whether the bytes come from a local
//!   file or a blob. [`decode_any`] reads either format, for loading.
//! - [`write()`] gives aksplan's state in Terraform's format.
//! - [`takeover`] adopts the local Terraform state of a configuration
//!   directory at `aksplan init`.
//!
//! aksplan keeps its own format as the state it writes
//! (`aksplan.tfstate`), and writes Terraform's only when asked
//! (`aksplan state pull -format=terraform`): one state, one truth. Writing
//! both on every apply would leave two files that disagree the moment one
//! tool writes without the other (Terraform's serial and lineage checks
//! would not catch it, since each file would be right by itself), and
//! Terraform's format has no place for what aksplan records beside the
//! objects (the cloud they live in, the journal of an apply in progress).
//! Going back to Terraform is one command: pull in Terraform's format into
//! `terraform.tfstate` (or `terraform state push` it to a backend), then
//! run terraform.
//!
//! This module owns the format and the conversion. It must not read
//! configuration, talk to a cloud, or print: where a value aksplan would
//! keep cannot be known without the cloud, the first refresh reads it.

pub mod error;
mod legacy;
pub mod paths;
pub mod providers;
pub mod read;
pub mod takeover;
mod upgrade;
pub mod v4;
mod values;
pub mod write;

pub use error::{Problem, ReadError};
pub use read::Imported;
pub use write::{write, WriteError};

use crate::schema::SchemaSource;
use crate::state::{file, State};

/// The state format version aksplan reads and writes for Terraform.
pub const VERSION: u64 = 4;

/// Which format state bytes are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// aksplan's own (`aksplan.tfstate`, version 1).
    Aksplan,
    /// Terraform's, of this version.
    Terraform(u64),
}

/// The format of state bytes, from their `version` (and, for version 1,
/// which both aksplan and Terraform 0.6 used, the shape).
pub fn detect(bytes: &[u8]) -> Result<Format, Problem> {
    #[derive(serde::Deserialize)]
    struct Peek {
        version: u64,
        #[serde(default)]
        modules: Option<serde::de::IgnoredAny>,
    }
    let peek: Peek = serde_json::from_slice(bytes).map_err(|e| Problem::malformed(&e))?;
    Ok(match (peek.version, peek.modules) {
        (file::VERSION, None) => Format::Aksplan,
        (v, _) => Format::Terraform(v),
    })
}

/// Reads the bytes of a Terraform state (format version 4) into aksplan's
/// state, with the schemas of aksplan's providers.
pub fn read(bytes: &[u8], schemas: &dyn SchemaSource) -> Result<Imported, ReadError> {
    match detect(bytes)? {
        Format::Terraform(VERSION) => {}
        Format::Terraform(version) => return Err(Problem::UnsupportedVersion { version }.into()),
        Format::Aksplan => return Err(Problem::AksplanFormat.into()),
    }
    let f: v4::StateV4 = serde_json::from_slice(bytes).map_err(|e| Problem::malformed(&e))?;
    read::read_v4(f, schemas)
}

/// Reads state bytes in either format: aksplan's, or Terraform's version 4.
pub fn decode_any(bytes: &[u8], schemas: &dyn SchemaSource) -> Result<(State, Format), String> {
    match detect(bytes).map_err(|p| p.to_string())? {
        Format::Aksplan => {
            let state = file::read(bytes).map_err(|e| match e {
                file::Unreadable::Json(e) => e.to_string(),
                file::Unreadable::Invalid(e) => e,
            })?;
            Ok((state, Format::Aksplan))
        }
        Format::Terraform(v) => {
            let imported = read(bytes, schemas).map_err(|e| e.to_string())?;
            Ok((imported.state, Format::Terraform(v)))
        }
    }
}

#[cfg(test)]
mod tests;
