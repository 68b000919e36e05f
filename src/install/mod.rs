//! Installing modules: what `aksplan init` does, as `terraform init` does it.
//!
//! Owns walking the module tree from the root module, resolving each call's
//! source (local directory, registry version, git or archive package),
//! fetching remote packages into `.terraform/modules/<key>`, and the
//! manifest `.terraform/modules/modules.json`, in terraform's format, so a
//! directory initialised by either tool works with both. It reads each
//! module with the configuration loader but evaluates nothing (the loader
//! asks the manifest where a module is), and prints nothing: progress goes to a callback, errors come back as
//! diagnostics for `cli` to render.
//!
//! The API for the rest of aksplan:
//! - [`run`] installs, given the root module's directory and [`Options`];
//!   `aksplan init` calls it.
//! - [`crate::config::modules::manifest::Manifest::load`]`(root)` reads the manifest (`None` when
//!   init never ran) and [`crate::config::modules::manifest::Manifest::dir_for`]`(key)` gives an
//!   installed module's directory by its key (`net`, `aks.net`), relative to
//!   the root module's directory. Local sources are recorded too, so a loader
//!   may look every module up there, or resolve `./x` itself.
//!
//! Pieces, in the order of a run: [`cliconfig`] (registry hosts and tokens),
//! [`calls`] (each module's calls, from the loader), source parsing (`config::modules::source`), [`walk`], [`registry`], [`package`], [`fetch`]
//! ([`git`], [`archive`], over [`http`]), and the manifest (`config::modules::manifest`).

pub mod archive;
pub mod calls;
pub mod cliconfig;
pub mod fetch;
pub mod git;
pub mod http;
pub mod package;
pub mod registry;
pub mod symlinks;
pub mod walk;

use crate::diag::{Diagnostics, Sources};
use std::fmt;
use std::path::Path;

/// How to install.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Resolve every module again (`init -upgrade`): newest matching
    /// versions, fresh clones; otherwise modules already installed from the
    /// same source, at a version still allowed, are kept.
    pub upgrade: bool,
    /// The process environment (`TF_CLI_CONFIG_FILE`, `TF_TOKEN_*`, `HOME`).
    pub env: Vec<(String, String)>,
}

/// One step of progress, printed by `init` as terraform prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Installing starts (only when the root module calls modules).
    Begin { upgrade: bool },
    /// A remote package is being fetched for the module at `key`.
    Downloading {
        key: String,
        package: String,
        version: Option<String>,
    },
    /// The module at `key` is in `dir` (relative to the root module).
    Installed { key: String, dir: String },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Begin { upgrade: true } => f.write_str("Upgrading modules..."),
            Event::Begin { upgrade: false } => f.write_str("Initializing modules..."),
            Event::Downloading {
                key,
                package,
                version: Some(v),
            } => write!(f, "Downloading {package} {v} for {key}..."),
            Event::Downloading { key, package, .. } => write!(f, "Downloading {package} for {key}..."),
            Event::Installed { key, dir } => write!(f, "- {key} in {dir}"),
        }
    }
}

/// What a successful run did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub events: Vec<Event>,
    /// The manifest as written.
    pub manifest: crate::config::modules::manifest::Manifest,
    /// Problems that did not stop the install (a bad CLI configuration file).
    pub warnings: Diagnostics,
}

/// Installs the modules the root module at `root` calls, and their
/// descendants, and writes the manifest. Files read are added to `sources`
/// for the diagnostics to point into. `progress` sees each step as it
/// happens. On failure, the diagnostics hold the errors and any warnings;
/// modules installed before the failure stay recorded, as with terraform.
///
/// It blocks (HTTP runs on a small runtime of its own, git as a child
/// process), so call it outside any async runtime.
pub fn run(
    root: &Path,
    options: &Options,
    sources: &mut Sources,
    progress: &mut dyn FnMut(&Event),
) -> Result<Report, Diagnostics> {
    walk::install(root, options, sources, progress)
}
