//! What can be wrong with a Terraform state file, each at its place: the
//! line and column of malformed JSON, the address of the instance whose
//! metadata or attributes aksplan cannot take.

use std::fmt;

/// One problem of a Terraform state file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// Not JSON, or JSON not in the shape of a state file.
    #[error("line {line}, column {column}: {message}")]
    Malformed {
        line: usize,
        column: usize,
        message: String,
    },
    /// A state format other than version 4.
    #[error(
        "Terraform state format version {version} is not supported: aksplan reads version 4, which \
         Terraform 0.12 and later write (Terraform 0.12 or later rewrites it on its next apply or refresh)"
    )]
    UnsupportedVersion { version: u64 },
    /// aksplan's own format where Terraform's was expected.
    #[error("this is aksplan's state format (version 1), not Terraform's")]
    AksplanFormat,
    /// Resources of a provider aksplan does not implement.
    #[error(
        "{provider} is not a provider aksplan implements, and the state has resources of it: {}; \
         take them out of Terraform's state first (`terraform state rm`), or keep this configuration on Terraform",
        .addresses.join(", ")
    )]
    UnknownProvider { provider: String, addresses: Vec<String> },
    /// A provider address that is not `provider["SOURCE"]` (with an alias, or in a module).
    #[error("{address}: invalid provider address {provider:?}")]
    InvalidProvider { address: String, provider: String },
    /// A resource type the provider's schema (as aksplan has it) lacks.
    #[error("{address}: {provider} has no resource type {type_name} in the version aksplan implements")]
    UnknownType {
        address: String,
        provider: String,
        type_name: String,
    },
    /// A `schema_version` aksplan cannot bring to the one it knows.
    #[error("{address}: {message}")]
    SchemaVersion { address: String, message: String },
    /// Metadata Terraform would refuse too: a bad mode, module address,
    /// index key, status or deposed key, or an object twice.
    #[error("{address}: {message}")]
    Invalid { address: String, message: String },
    /// An output whose type or value cannot be read.
    #[error("output {name:?}: {message}")]
    InvalidOutput { name: String, message: String },
}

impl Problem {
    /// A serde error as a problem at its line and column.
    pub fn malformed(e: &serde_json::Error) -> Problem {
        // serde's message ends with " at line L column C": the place is its own field.
        let text = e.to_string();
        let message = match text.rfind(" at line ") {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        Problem::Malformed {
            line: e.line(),
            column: e.column(),
            message,
        }
    }
}

/// Every problem found in one state file (reading goes on past the first,
/// so that one run shows them all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub problems: Vec<Problem>,
}

impl From<Problem> for ReadError {
    fn from(p: Problem) -> ReadError {
        ReadError { problems: vec![p] }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ReadError {}
