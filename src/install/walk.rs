//! The install walk: the module tree, depth first, as terraform walks it.
//!
//! Owns the order (calls sorted by name, children before the next sibling),
//! the keys (`aks.net`), where each module goes and what the manifest says
//! about it, whether an installed module can be kept, the version choice,
//! and the errors, each at the `source` (or `version`) of its module block.
//! Fetching and the registry protocol are delegated.
//!
//! Terraform's rules kept here: a local source is a directory of the calling
//! module's package (so `./x` inside a remote module is inside its install
//! directory, and may not climb out of it); a module already recorded with
//! the same source, at a version the constraint still allows, whose
//! directory exists, is kept unless upgrading; replacing a module drops the
//! records below it. One difference, asked for by aksplan: records of
//! modules no longer called are dropped (terraform keeps them).

use super::calls::{calls_in, ModuleCall};
use super::cliconfig::CliConfig;
use super::fetch::Fetcher;
use super::http::Http;
use super::registry::{choose, Registry, RegistryError};
use super::symlinks::eval_symlinks;
use super::{Event, Options, Report};
use crate::config::constraint::Constraints;
use crate::config::modules::manifest::{Manifest, Record, MODULES_DIR};
use crate::config::modules::source::{clean_path, ModuleSource, RegistrySource, RemoteSource};
use crate::diag::{Diagnostic, Diagnostics, Sources};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// How deep module calls may nest.
pub const MAX_DEPTH: usize = 32;

/// A module reached by the walk.
#[derive(Debug, Clone)]
struct Node {
    path: Vec<String>,
    /// Its directory as the manifest records it.
    dir: String,
    /// The install directory of the remote package it belongs to; `None` for
    /// the root module's own package.
    package: Option<String>,
    /// The modules from the root to here: key, real directory, source.
    chain: Vec<(String, PathBuf, String)>,
}

struct Walker<'a, 'r> {
    root: &'a Path,
    upgrade: bool,
    manifest: Manifest,
    visited: BTreeSet<String>,
    registry: Registry<'r>,
    fetcher: Fetcher<'r>,
    sources: &'a mut Sources,
    diags: Diagnostics,
    events: Vec<Event>,
    progress: &'a mut dyn FnMut(&Event),
}

pub fn install(
    root: &Path,
    options: &Options,
    sources: &mut Sources,
    progress: &mut dyn FnMut(&Event),
) -> Result<Report, Diagnostics> {
    // As terraform: nothing to do, and nothing written, without module calls.
    let (calls, mut diags) = calls_in(root, Path::new("."), sources);
    if calls.is_empty() {
        return if diags.has_errors() {
            Err(diags)
        } else {
            Ok(Report::default())
        };
    }
    let (cli, cli_diags) = CliConfig::load(&options.env);
    diags.extend(cli_diags);
    let manifest = match Manifest::load(root) {
        Ok(m) => m.unwrap_or_default(),
        Err(e) => {
            diags.push(
                Diagnostic::error("Failed to read modules manifest file")
                    .with_detail(format!("{e}. Remove .terraform/modules and run init again.")),
            );
            return Err(diags);
        }
    };
    let http = match Http::new() {
        Ok(h) => h,
        Err(e) => {
            diags.push(Diagnostic::error("Cannot install modules").with_detail(e));
            return Err(diags);
        }
    };
    let mut w = Walker {
        root,
        upgrade: options.upgrade,
        manifest,
        visited: BTreeSet::new(),
        registry: Registry::new(&http, &cli),
        fetcher: Fetcher::new(&http),
        sources,
        diags,
        events: Vec::new(),
        progress,
    };
    w.manifest.insert(Record {
        key: String::new(),
        source: String::new(),
        version: None,
        dir: ".".into(),
    });
    w.visited.insert(String::new());
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    w.emit(Event::Begin {
        upgrade: options.upgrade,
    });
    let node = Node {
        path: Vec::new(),
        dir: ".".into(),
        package: None,
        chain: vec![(String::new(), real_root, String::new())],
    };
    w.walk_calls(node, calls);
    let Walker {
        mut manifest,
        visited,
        mut diags,
        events,
        ..
    } = w;
    manifest.records.retain(|k, _| visited.contains(k));
    if let Err(e) = manifest.save(root) {
        diags.push(
            Diagnostic::error("Failed to update module manifest")
                .with_detail(format!("Unable to write the module manifest file: {e}")),
        );
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Report {
        events,
        manifest,
        warnings: diags,
    })
}

impl Walker<'_, '_> {
    fn emit(&mut self, event: Event) {
        (self.progress)(&event);
        self.events.push(event);
    }

    fn fs(&self, dir: &str) -> PathBuf {
        self.root.join(dir)
    }

    fn walk(&mut self, node: Node) {
        let (calls, d) = calls_in(self.root, Path::new(&node.dir), self.sources);
        self.diags.extend(d);
        self.walk_calls(node, calls);
    }

    fn walk_calls(&mut self, node: Node, calls: Vec<ModuleCall>) {
        for call in calls {
            if let Some(child) = self.call(&node, &call) {
                self.walk(child);
            }
        }
    }

    /// Installs or keeps one called module; the child to walk, if it is there.
    fn call(&mut self, parent: &Node, call: &ModuleCall) -> Option<Node> {
        let mut path = parent.path.clone();
        path.push(call.name.clone());
        let key = path.join(".");
        self.visited.insert(key.clone());
        let source = match ModuleSource::parse(&call.source.value) {
            Ok(s) => s,
            Err(e) => {
                self.diags.push(
                    Diagnostic::error("Invalid module source address")
                        .with_detail(format!("Failed to parse module source address: {e}"))
                        .with_span(call.source.span),
                );
                return None;
            }
        };
        let constraints = match &call.version {
            None => Constraints::default(),
            Some(v) => match Constraints::parse(&v.value) {
                Ok(c) => c,
                Err(e) => {
                    self.diags.push(
                        Diagnostic::error("Invalid version constraint")
                            .with_detail(format!(
                                "This string does not use correct version constraint syntax: {e}."
                            ))
                            .with_span(v.span_of(e.range.clone())),
                    );
                    return None;
                }
            },
        };
        if parent.path.len() + 1 > MAX_DEPTH {
            self.diags.push(
                Diagnostic::error("Module tree too deep")
                    .with_detail(format!(
                        "Module {key} is nested {} levels deep; aksplan stops at {MAX_DEPTH}. Does a module call itself through a remote source?",
                        parent.path.len() + 1
                    ))
                    .with_span(call.source.span),
            );
            return None;
        }
        let source_text = source.to_string();
        if !matches!(source, ModuleSource::Local(_)) {
            if let Some((k, _, _)) = parent.chain.iter().find(|(_, _, s)| *s == source_text) {
                self.cycle(&key, k, call);
                return None;
            }
        }
        if !constraints.is_empty() && !matches!(source, ModuleSource::Registry(_)) {
            let why = match source {
                ModuleSource::Local(_) => "it has a relative local path",
                _ => "it doesn't come from a module registry",
            };
            self.diags.push(
                Diagnostic::error("Invalid version constraint")
                    .with_detail(format!(
                        "Cannot apply a version constraint to module {:?} because {why}.",
                        call.name
                    ))
                    .with_opt_span(call.version.as_ref().map(|v| v.span)),
            );
            if !matches!(source, ModuleSource::Local(_)) {
                return None;
            }
        }
        let child = if let Some(kept) = self.keep(&key, &source_text, &constraints) {
            let package = match source {
                ModuleSource::Local(_) => parent.package.clone(),
                _ => Some(format!("{MODULES_DIR}/{key}")),
            };
            Some((kept, package))
        } else {
            match &source {
                ModuleSource::Local(rel) => self.local(parent, call, &key, rel),
                ModuleSource::Registry(r) => self.registry(call, &key, r, &constraints),
                ModuleSource::Remote(r) => self.remote(call, &key, r),
            }
        };
        let (dir, package) = child?;
        let real = std::fs::canonicalize(self.fs(&dir)).unwrap_or_else(|_| self.fs(&dir));
        if let Some((k, _, _)) = parent.chain.iter().find(|(_, d, _)| *d == real) {
            self.cycle(&key, k, call);
            return None;
        }
        let mut chain = parent.chain.clone();
        chain.push((key, real, source_text));
        Some(Node {
            path,
            dir,
            package,
            chain,
        })
    }

    fn cycle(&mut self, key: &str, ancestor: &str, call: &ModuleCall) {
        let ancestor = if ancestor.is_empty() {
            "the root module"
        } else {
            ancestor
        };
        self.diags.push(
            Diagnostic::error("Module includes itself")
                .with_detail(format!(
                    "Module {key} calls the same module as {ancestor}, which contains it, so the module tree would never end."
                ))
                .with_span(call.source.span),
        );
    }

    /// The recorded directory of a module that need not be installed again.
    fn keep(&mut self, key: &str, source: &str, constraints: &Constraints) -> Option<String> {
        let replace = self.upgrade
            || match self.manifest.get(key) {
                None => true,
                Some(r) => {
                    // Older terraform recorded sources unnormalised; compare normalised.
                    let recorded = ModuleSource::parse(&r.source).map_or(r.source.clone(), |s| s.to_string());
                    recorded != source
                        || r.version.as_ref().is_some_and(|v| {
                            crate::config::constraint::Version::parse(v).map_or(true, |v| !constraints.check(&v))
                        })
                }
            };
        if replace {
            let below = format!("{key}.");
            self.manifest.records.retain(|k, _| k != key && !k.starts_with(&below));
            return None;
        }
        let dir = self.manifest.get(key)?.dir.clone();
        self.fs(&dir).is_dir().then_some(dir)
    }

    fn local(&mut self, parent: &Node, call: &ModuleCall, key: &str, rel: &str) -> Option<(String, Option<String>)> {
        let joined = clean_path(&format!("{}/{rel}", parent.dir));
        if let Some(pkg) = &parent.package {
            if joined != *pkg && !joined.starts_with(&format!("{pkg}/")) {
                self.diags.push(
                    Diagnostic::error("Local module path escapes module package")
                        .with_detail(format!(
                            "The given source directory for {key} would be outside of its containing package. Local source addresses starting with \"../\" must stay within the same package that the calling module belongs to."
                        ))
                        .with_span(call.source.span),
                );
                return None;
            }
        }
        let dir = match eval_symlinks(self.root, &joined) {
            Ok(d) => d,
            Err(e) => {
                self.diags.push(
                    Diagnostic::error("Unreadable module directory")
                        .with_detail(format!(
                            "The directory {joined} could not be read for module {:?}: {e}.",
                            call.name
                        ))
                        .with_span(call.source.span),
                );
                return None;
            }
        };
        self.manifest.insert(Record {
            key: key.into(),
            source: format!("{}", ModuleSource::Local(rel.into())),
            version: None,
            dir: dir.clone(),
        });
        self.emit(Event::Installed {
            key: key.into(),
            dir: dir.clone(),
        });
        Some((dir, parent.package.clone()))
    }

    fn registry(
        &mut self,
        call: &ModuleCall,
        key: &str,
        module: &RegistrySource,
        constraints: &Constraints,
    ) -> Option<(String, Option<String>)> {
        let addr = ModuleSource::Registry(module.clone()).to_string();
        let at = call.source.span;
        let listed = match self.registry.versions(module) {
            Ok(l) => l,
            Err(RegistryError::NotFound { url }) => {
                self.diags.push(
                    Diagnostic::error("Module not found")
                        .with_detail(format!(
                            "Module {:?} cannot be found in the module registry at {} (GET {url}: 404 Not Found).",
                            call.name, module.host
                        ))
                        .with_span(at),
                );
                return None;
            }
            Err(RegistryError::Other(e)) => {
                self.diags.push(
                    Diagnostic::error("Error accessing remote module registry")
                        .with_detail(format!(
                            "Failed to retrieve available versions for module {:?} from {}: {e}.",
                            call.name, module.host
                        ))
                        .with_span(at),
                );
                return None;
            }
        };
        let choice = choose(&listed, constraints);
        for bad in &choice.invalid {
            self.diags.push(
                Diagnostic::warning("Invalid response from remote module registry")
                    .with_detail(format!(
                        "The registry at {} returned an invalid version string {bad:?} for module {:?}, which aksplan ignored.",
                        module.host, call.name
                    ))
                    .with_span(at),
            );
        }
        let Some(newest) = choice.newest else {
            self.diags.push(
                Diagnostic::error("Module has no versions")
                    .with_detail(format!("Module {addr:?} has no versions available on {}.", module.host))
                    .with_span(at),
            );
            return None;
        };
        let Some(version) = choice.chosen else {
            self.diags.push(
                Diagnostic::error("Unresolvable module version constraint")
                    .with_detail(format!(
                        "There is no available version of module {addr:?} which matches the given version constraint. The newest available version is {newest}."
                    ))
                    .with_opt_span(call.version.as_ref().map(|v| v.span).or(Some(at))),
            );
            return None;
        };
        let version = version.to_string();
        self.emit(Event::Downloading {
            key: key.into(),
            package: module.package(),
            version: Some(version.clone()),
        });
        let location = match self.registry.location(module, &version) {
            Ok(l) => l,
            Err(e) => {
                self.diags.push(
                    Diagnostic::error("Error accessing remote module registry")
                        .with_detail(format!(
                            "Failed to retrieve a download URL for {addr} {version} from {}: {e}.",
                            module.host
                        ))
                        .with_span(at),
                );
                return None;
            }
        };
        let remote = match ModuleSource::parse(&location) {
            Ok(ModuleSource::Remote(r)) => r,
            Ok(_) | Err(_) => {
                self.diags.push(
                    Diagnostic::error("Invalid package location from module registry")
                        .with_detail(format!(
                            "Module registry {} returned invalid source location {:?} for {addr} {version}: must be a direct remote package address.",
                            module.host,
                            super::package::redact(&location)
                        ))
                        .with_span(at),
                );
                return None;
            }
        };
        let inst = format!("{MODULES_DIR}/{key}");
        if let Err(e) = self.fetcher.fetch(&remote.package, &self.fs(&inst)) {
            self.download_failed(call, &remote.package, &e);
            return None;
        }
        let subdir = match (remote.subdir.is_empty(), module.subdir.is_empty()) {
            (true, _) => module.subdir.clone(),
            (false, true) => remote.subdir.clone(),
            (false, false) => clean_path(&format!("{}/{}", remote.subdir, module.subdir)),
        };
        let dir = self.subdir(call, &inst, &subdir)?;
        self.manifest.insert(Record {
            key: key.into(),
            source: addr,
            version: Some(version),
            dir: dir.clone(),
        });
        self.emit(Event::Installed {
            key: key.into(),
            dir: dir.clone(),
        });
        Some((dir, Some(inst)))
    }

    fn remote(&mut self, call: &ModuleCall, key: &str, remote: &RemoteSource) -> Option<(String, Option<String>)> {
        self.emit(Event::Downloading {
            key: key.into(),
            package: remote.package.clone(),
            version: None,
        });
        let inst = format!("{MODULES_DIR}/{key}");
        if let Err(e) = self.fetcher.fetch(&remote.package, &self.fs(&inst)) {
            self.download_failed(call, &remote.package, &e);
            return None;
        }
        let dir = self.subdir(call, &inst, &remote.subdir)?;
        self.manifest.insert(Record {
            key: key.into(),
            source: ModuleSource::Remote(remote.clone()).to_string(),
            version: None,
            dir: dir.clone(),
        });
        self.emit(Event::Installed {
            key: key.into(),
            dir: dir.clone(),
        });
        Some((dir, Some(inst)))
    }

    fn download_failed(&mut self, call: &ModuleCall, package: &str, error: &str) {
        self.diags.push(
            Diagnostic::error("Failed to download module")
                .with_detail(format!(
                    "Could not download module {:?} source code from {:?}: {error}.",
                    call.name,
                    super::package::redact(package)
                ))
                .with_span(call.source.span),
        );
    }

    /// The module's directory inside its package, which must exist.
    fn subdir(&mut self, call: &ModuleCall, inst: &str, subdir: &str) -> Option<String> {
        if subdir.is_empty() {
            return Some(inst.to_string());
        }
        if subdir.contains(['*', '?', '[']) {
            self.diags.push(
                Diagnostic::error("Unsupported module subdirectory")
                    .with_detail(format!(
                        "aksplan does not expand wildcards in //{subdir}; name the directory."
                    ))
                    .with_span(call.source.span),
            );
            return None;
        }
        let dir = format!("{inst}/{subdir}");
        if !self.fs(&dir).is_dir() {
            self.diags.push(
                Diagnostic::error("Unreadable module subdirectory")
                    .with_detail(format!(
                        "The directory {dir} does not exist. The target submodule {subdir} does not exist within the target module."
                    ))
                    .with_span(call.source.span),
            );
            return None;
        }
        Some(dir)
    }
}
