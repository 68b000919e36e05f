//! Reading a configuration into a [`Config`]: the root module's directory,
//! and the directory of every module it calls.
//!
//! File access is confined to this file ([`read_dir_files`], [`read_file`]);
//! [`from_files`] reads one module from text, so tests give it text directly.
//! A module called with a local source (`./net`) is read from its directory;
//! one from a registry or a remote package from where `init` installed it, as
//! `.terraform/modules/modules.json` says (terraform's manifest, so a
//! directory initialised by terraform works too). Every problem becomes a
//! diagnostic at its place, and loading goes on to find the next one.

use super::blocks::ModuleReader;
use super::modules::manifest::Manifest;
use super::modules::source::{clean_path, ModuleSource};
use super::overrides::{self, is_override};
use super::*;
use crate::addrs::ModulePath;
use crate::diag::{Diagnostic, Diagnostics};
use crate::schema::{SchemaSource, Schemas};
use hcl_edit::structure::Structure;
use std::path::Path;

/// How deep module calls may nest: a guard against a module that calls
/// itself through a path the loader cannot see is the same.
const MAX_MODULE_DEPTH: usize = 64;

/// Where the loader reads a configuration from: the disk, or a saved
/// plan's snapshot of it. Directories are relative to the root module's.
pub trait Files {
    /// The `.tf` and `.tf.json` files directly in `dir`, sorted by name,
    /// each named by its file name.
    fn config_files(&self, dir: &Path) -> Result<Vec<FileContent>, Diagnostic>;
    fn is_dir(&self, dir: &Path) -> bool;
    /// The module manifest; `None` when `init` never ran.
    fn manifest(&self) -> Result<Option<Manifest>, String>;
}

/// The files under a root module's directory on disk.
pub struct Disk<'a>(pub &'a Path);

impl Files for Disk<'_> {
    fn config_files(&self, dir: &Path) -> Result<Vec<FileContent>, Diagnostic> {
        read_dir_files(&self.0.join(dir), &["tf", "tf.json"])
    }

    fn is_dir(&self, dir: &Path) -> bool {
        self.0.join(dir).is_dir()
    }

    fn manifest(&self) -> Result<Option<Manifest>, String> {
        Manifest::load(self.0).map_err(|e| e.to_string())
    }
}

/// A configuration as a saved plan keeps it: each file's text by its name
/// relative to the root module (`modules/net/main.tf`), and the manifest.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub files: Vec<(String, String)>,
    pub manifest: Option<Manifest>,
}

impl Snapshot {
    /// The directory of a file named relative to the root module.
    fn parent(name: &str) -> &str {
        name.rsplit_once('/').map_or(".", |(dir, _)| dir)
    }
}

impl Files for Snapshot {
    fn config_files(&self, dir: &Path) -> Result<Vec<FileContent>, Diagnostic> {
        let dir = slashed(dir);
        let mut out: Vec<FileContent> = self
            .files
            .iter()
            .filter(|(name, _)| Snapshot::parent(name) == dir)
            .map(|(name, text)| {
                let file = name.rsplit_once('/').map_or(name.as_str(), |(_, f)| f);
                (file.to_string(), Ok(text.clone().into_bytes()))
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    fn is_dir(&self, dir: &Path) -> bool {
        let dir = slashed(dir);
        self.files.iter().any(|(name, _)| {
            let parent = Snapshot::parent(name);
            parent == dir || parent.starts_with(&format!("{dir}/"))
        })
    }

    fn manifest(&self) -> Result<Option<Manifest>, String> {
        Ok(self.manifest.clone())
    }
}

/// Loads the root module in `dir` and every module it calls.
pub fn load_dir(dir: &Path, schemas: &Schemas) -> (Config, Diagnostics) {
    load_from(dir, &Disk(dir), schemas)
}

/// Loads a configuration from `files`, as if its root module were in `dir`.
pub fn load_from(dir: &Path, files: &dyn Files, schemas: &Schemas) -> (Config, Diagnostics) {
    let mut config = Config {
        dir: dir.to_path_buf(),
        schemas: schemas.clone(),
        ..Config::default()
    };
    let mut diags = Diagnostics::new();
    let manifest = match files.manifest() {
        Ok(m) => m,
        Err(e) => {
            diags.push(
                Diagnostic::error("Failed to read the module manifest")
                    .with_detail(e)
                    .with_help("run `aksplan init` to install the modules again"),
            );
            None
        }
    };
    let mut tree = Tree {
        config: &mut config,
        diags: &mut diags,
        manifest: manifest.as_ref(),
        files,
    };
    tree.load(ModulePath::root(), PathBuf::from("."), None, &mut Vec::new());
    (config, diags)
}

/// Reads one module from file contents: the root module of a configuration
/// without module calls (tests, saved plans).
pub fn from_files(dir: &Path, files: Vec<FileContent>, schemas: &Schemas) -> (Config, Diagnostics) {
    let mut config = Config {
        dir: dir.to_path_buf(),
        schemas: schemas.clone(),
        ..Config::default()
    };
    let mut diags = Diagnostics::new();
    let module = read_module(
        ModulePath::root(),
        PathBuf::from("."),
        files,
        &mut config.sources,
        &mut diags,
        dir,
        &*config.schemas,
    );
    config.modules.insert(ModulePath::root(), module);
    (config, diags)
}

/// Reads the module in `dir` on its own, without the modules it calls. Its
/// files are named relative to the root module (in `root`) in diagnostics.
pub fn module_dir(
    files: &dyn Files,
    root: &Path,
    path: ModulePath,
    dir: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
    schemas: &dyn SchemaSource,
) -> Module {
    let files = match files.config_files(dir) {
        Ok(files) => files
            .into_iter()
            .map(|(name, content)| (display_name(dir, &name), content))
            .collect(),
        Err(d) => {
            diags.push(d);
            Vec::new()
        }
    };
    read_module(path, dir.to_path_buf(), files, sources, diags, root, schemas)
}

/// Reads one module's parsed files into its model.
fn read_module(
    path: ModulePath,
    dir: PathBuf,
    files: Vec<FileContent>,
    sources: &mut Sources,
    diags: &mut Diagnostics,
    root_dir: &Path,
    schemas: &dyn SchemaSource,
) -> Module {
    let module = Module {
        path,
        dir,
        ..Module::default()
    };
    let (overrides, primaries): (Vec<_>, Vec<_>) = files.into_iter().partition(|(name, _)| is_override(name));
    let parsed = parse_files(primaries, sources, diags, schemas);
    let mut reader = ModuleReader::new(module, sources, diags, root_dir.to_path_buf());
    for (file, body) in parsed {
        reader.body(file, body);
    }
    let mut module = reader.module;
    for (name, content) in overrides {
        let Some((file, body)) = parse_file(&name, content, sources, diags, schemas) else {
            continue;
        };
        let empty = Module {
            path: module.path.clone(),
            dir: module.dir.clone(),
            ..Module::default()
        };
        let mut reader = ModuleReader::new(empty, sources, diags, root_dir.to_path_buf());
        reader.overriding = true;
        reader.body(file, body.clone());
        let overlay = reader.module;
        overrides::merge(&mut module, overlay, &body, file, diags);
    }
    module
}

/// Walks the module tree from the root, loading each module once per call.
struct Tree<'a> {
    config: &'a mut Config,
    diags: &'a mut Diagnostics,
    manifest: Option<&'a Manifest>,
    files: &'a dyn Files,
}

impl Tree<'_> {
    /// Loads the module at `path` from `dir` (relative to the root
    /// module's), then the modules it calls. `package` is the directory of
    /// the remote package the module came in, if any: a local source may not
    /// leave it. `chain` holds the directories of the calling modules.
    fn load(&mut self, path: ModulePath, dir: PathBuf, package: Option<PathBuf>, chain: &mut Vec<PathBuf>) {
        let root = self.config.dir.clone();
        let module = module_dir(
            self.files,
            &root,
            path.clone(),
            &dir,
            &mut self.config.sources,
            self.diags,
            &*self.config.schemas,
        );
        if !path.is_root() {
            for imp in &module.imports {
                self.diags.push(
                    Diagnostic::error("Invalid import block")
                        .with_detail("import blocks are allowed only in the root module")
                        .with_span(imp.span),
                );
            }
        }
        let calls: Vec<ModuleCall> = module.calls.values().cloned().collect();
        self.config.modules.insert(path.clone(), module);
        chain.push(dir.clone());
        for call in calls {
            let child = path.child(&call.name);
            if chain.len() >= MAX_MODULE_DEPTH {
                self.diags.push(
                    Diagnostic::error("Module nesting too deep")
                        .with_detail(format!(
                            "{child} is nested {MAX_MODULE_DEPTH} modules deep; aksplan reads at most that many"
                        ))
                        .with_span(call.span),
                );
                continue;
            }
            let Some((child_dir, child_package)) = self.locate(&path, &dir, package.as_deref(), &call) else {
                continue;
            };
            if chain.contains(&child_dir) {
                self.diags.push(
                    Diagnostic::error("Module calls itself")
                        .with_detail(format!(
                            "{child} is read from {}, which is also the directory of a module that calls it",
                            child_dir.display()
                        ))
                        .with_span(call.source_span),
                );
                continue;
            }
            self.load(child, child_dir, child_package, chain);
        }
        chain.pop();
    }

    /// Where a module call's files are (relative to the root module), and the
    /// remote package they belong to.
    fn locate(
        &mut self,
        parent: &ModulePath,
        parent_dir: &Path,
        package: Option<&Path>,
        call: &ModuleCall,
    ) -> Option<(PathBuf, Option<PathBuf>)> {
        let key = parent.child(&call.name).manifest_key();
        let source = match ModuleSource::parse(&call.source) {
            Ok(s) => s,
            Err(e) => {
                self.diags.push(
                    Diagnostic::error("Invalid module source address")
                        .with_detail(e)
                        .with_span(call.source_span),
                );
                return None;
            }
        };
        if let ModuleSource::Local(rel) = &source {
            if call.version.is_some() {
                self.diags.push(
                    Diagnostic::error("Invalid registry module source address")
                        .with_detail("a version constraint is allowed only for a module from a registry")
                        .with_span(call.source_span),
                );
            }
            let joined = PathBuf::from(clean_path(&format!("{}/{rel}", slashed(parent_dir))));
            if let Some(pkg) = package {
                if !joined.starts_with(pkg) {
                    self.diags.push(
                        Diagnostic::error("Local module path escapes module package")
                            .with_detail(format!(
                                "{:?} leads out of the package module {} was installed from",
                                call.source,
                                parent.child(&call.name)
                            ))
                            .with_span(call.source_span),
                    );
                    return None;
                }
            }
            if !self.files.is_dir(&joined) {
                self.diags.push(
                    Diagnostic::error("Unreadable module directory")
                        .with_detail(format!(
                            "the directory {} does not exist or cannot be read",
                            joined.display()
                        ))
                        .with_span(call.source_span),
                );
                return None;
            }
            return Some((joined, package.map(Path::to_path_buf)));
        }
        let not_installed = |detail: String| {
            Diagnostic::error("Module not installed")
                .with_detail(detail)
                .with_span(call.source_span)
                .with_help("run `aksplan init` to install all modules required by this configuration")
        };
        let Some(record) = self.manifest.and_then(|m| m.get(&key)) else {
            self.diags.push(not_installed(format!(
                "this module ({}) is not yet installed",
                parent.child(&call.name)
            )));
            return None;
        };
        if record.source != source.to_string() {
            self.diags.push(
                Diagnostic::error("Module source has changed")
                    .with_detail(format!(
                        "the source of {} is now {}, but {} was installed",
                        parent.child(&call.name),
                        source,
                        record.source
                    ))
                    .with_span(call.source_span)
                    .with_help("run `aksplan init` to install the module from its new source"),
            );
            return None;
        }
        if let (Some(want), Some(have)) = (&call.version, &record.version) {
            let ok = match (
                super::constraint::Constraints::parse(want),
                super::constraint::Version::parse(have),
            ) {
                (Ok(c), Ok(v)) => c.check(&v),
                _ => false,
            };
            if !ok {
                self.diags.push(
                    Diagnostic::error("Module version requirements have changed")
                        .with_detail(format!(
                            "version {have} of {} is installed, which does not match {want:?}",
                            parent.child(&call.name)
                        ))
                        .with_span(call.source_span)
                        .with_help("run `aksplan init -upgrade` to install a version that matches"),
                );
                return None;
            }
        }
        let dir = PathBuf::from(&record.dir);
        if !self.files.is_dir(&dir) {
            self.diags.push(not_installed(format!(
                "the manifest puts {} in {}, which does not exist",
                parent.child(&call.name),
                record.dir
            )));
            return None;
        }
        // The package is the installed directory without its `//subdir`.
        let package = PathBuf::from(super::modules::manifest::MODULES_DIR).join(&key);
        let package = if dir.starts_with(&package) {
            package
        } else {
            dir.clone()
        };
        Some((dir, Some(package)))
    }
}

/// A directory with forward slashes, as module directories are written.
fn slashed(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// A file's name as diagnostics show it: relative to the root module.
fn display_name(dir: &Path, name: &str) -> String {
    if dir == Path::new(".") {
        name.to_string()
    } else {
        format!("{}/{name}", slashed(dir))
    }
}

/// A file's display name and its content, or why it could not be read.
pub type FileContent = (String, Result<Vec<u8>, String>);

/// The files of `dir` ending in `.{ext}` for one of `exts`, sorted by name.
pub fn read_dir_files(dir: &Path, exts: &[&str]) -> Result<Vec<FileContent>, Diagnostic> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Diagnostic::error("Cannot read the configuration directory").with_detail(format!("{}: {e}", dir.display()))
    })?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        // Not `is_file()`: a dangling link must be reported, not skipped.
        .filter(|e| !e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| exts.iter().any(|ext| n.ends_with(&format!(".{ext}"))) && !n.starts_with('.'))
        .collect();
    names.sort();
    Ok(names
        .into_iter()
        .map(|n| {
            let content = read_file(&dir.join(&n));
            (n, content)
        })
        .collect())
}

/// Reads one configuration file: a regular file (or a link to one) of at
/// most the configuration cap ([`crate::fileread`]); a device, a pipe or a
/// file too large is refused at once, never read.
pub fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    crate::fileread::read_for(path, crate::fileread::Purpose::Config).map_err(|e| e.to_string())
}

/// Decodes a file and parses it, HCL or Terraform's JSON syntax by its name.
pub fn parse_file(
    name: &str,
    content: Result<Vec<u8>, String>,
    sources: &mut Sources,
    diags: &mut Diagnostics,
    schemas: &dyn SchemaSource,
) -> Option<(FileId, Body)> {
    match decode_file(name, content, sources, diags, schemas)? {
        Read::Json(file, body) => body.map(|b| (file, b)),
        Read::Hcl(file) => {
            let text = sources.get(file).text.clone();
            parsed_hcl(file, &text, parse_body(file, &text), diags)
        }
    }
}

/// A module's files parsed, in order: each decoded into `sources`, and the
/// HCL ones parsed on several threads when there is much of them.
fn parse_files(
    files: Vec<FileContent>,
    sources: &mut Sources,
    diags: &mut Diagnostics,
    schemas: &dyn SchemaSource,
) -> Vec<(FileId, Body)> {
    /// Less text than this is parsed on this thread.
    const MUCH: usize = 16 * 1024;
    // Each file's diagnostics are said in the order of the files.
    let read: Vec<(Option<Read>, Diagnostics)> = files
        .into_iter()
        .map(|(name, content)| {
            let mut said = Diagnostics::new();
            (decode_file(&name, content, sources, &mut said, schemas), said)
        })
        .collect();
    let hcl: Vec<(FileId, std::sync::Arc<str>)> = read
        .iter()
        .filter_map(|(r, _)| match r {
            Some(Read::Hcl(file)) => Some((*file, sources.get(*file).text.clone())),
            _ => None,
        })
        .collect();
    let much = hcl.len() > 1 && hcl.iter().map(|(_, t)| t.len()).sum::<usize>() >= MUCH;
    let least = if much { 1 } else { usize::MAX };
    let mut bodies = crate::parallel::map(&hcl, least, |(file, text)| parse_body(*file, text)).into_iter();
    let mut texts = hcl.into_iter();
    let mut out = Vec::new();
    for (r, said) in read {
        diags.extend(said);
        match r {
            None => {}
            Some(Read::Json(file, body)) => out.extend(body.map(|b| (file, b))),
            Some(Read::Hcl(file)) => {
                let (Some(parsed), Some((_, text))) = (bodies.next(), texts.next()) else {
                    continue;
                };
                out.extend(parsed_hcl(file, &text, parsed, diags));
            }
        }
    }
    out
}

/// A file decoded into `sources`: HCL to parse, or JSON already converted.
enum Read {
    Hcl(FileId),
    Json(FileId, Option<Body>),
}

fn decode_file(
    name: &str,
    content: Result<Vec<u8>, String>,
    sources: &mut Sources,
    diags: &mut Diagnostics,
    schemas: &dyn SchemaSource,
) -> Option<Read> {
    let bytes = match content {
        Ok(b) => b,
        Err(e) => {
            diags.push(Diagnostic::error("Cannot read configuration file").with_detail(format!("{name}: {e}")));
            return None;
        }
    };
    let file = match decode(name, bytes, sources) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    if super::json::is_json(name) {
        let (body, more) = super::json::to_hcl(file, sources, schemas);
        diags.extend(more);
        return Some(Read::Json(file, body));
    }
    Some(Read::Hcl(file))
}

/// A parsed HCL file, once its multi-line strings are refused.
fn parsed_hcl(
    file: FileId,
    text: &str,
    parsed: Result<Body, Diagnostic>,
    diags: &mut Diagnostics,
) -> Option<(FileId, Body)> {
    match parsed {
        Ok(body) => {
            multi_line_strings(&body, file, text, diags);
            Some((file, body))
        }
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// HCL refuses a quoted string written over several lines, which hcl-edit
/// reads: in a value or a block label, each is an error at the string.
pub fn multi_line_strings(body: &Body, file: FileId, text: &str, diags: &mut Diagnostics) {
    let error = |at: std::ops::Range<usize>| {
        Diagnostic::error("Invalid multi-line string")
            .with_detail(crate::lang::parse::MULTI_LINE_STRING)
            .with_span(Span::new(file, at))
    };
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                for at in crate::lang::parse::multi_line_strings(&a.value, text) {
                    diags.push(error(at));
                }
            }
            Structure::Block(b) => {
                for label in &b.labels {
                    let at =
                        hcl_edit::Span::span(label).filter(|at| text.get(at.clone()).is_some_and(|t| t.contains('\n')));
                    diags.extend(at.map(error));
                }
                multi_line_strings(&b.body, file, text, diags)
            }
        }
    }
}

/// Decodes UTF-8, or says where the first invalid byte is.
pub fn decode(name: &str, bytes: Vec<u8>, sources: &mut Sources) -> Result<FileId, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(sources.add(name, text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            // The lossy text has the same prefix, so the offset still points at the bad byte.
            let file = sources.add(name, lossy);
            Err(Diagnostic::error("Invalid UTF-8")
                .with_detail(format!(
                    "{name} is not valid UTF-8 text: the byte at offset {at} is not part of a UTF-8 character"
                ))
                .with_span(Span::new(file, at..at + 1))
                .with_help("configuration files must be saved as UTF-8"))
        }
    }
}

/// Parses HCL text, turning a syntax error into a diagnostic at its position.
/// Object literals of many items are read in linear time ([`super::big_objects`]).
/// A carriage return not followed by a line feed is refused outside
/// comments and kept inside them, and a leading byte order mark is skipped,
/// as terraform does (hcl-edit reads such a carriage return as a space in an
/// expression, ends a line comment at it, and refuses the mark).
pub fn parse_body(file: FileId, text: &str) -> Result<Body, Diagnostic> {
    let mut blanked = match lone_carriage_returns(text) {
        Err(at) => {
            return Err(Diagnostic::error("Invalid character")
                .with_detail("This character is not used within the language.")
                .with_span(Span::new(file, at..at + 1)))
        }
        Ok(blanked) => blanked,
    };
    if text.starts_with('\u{feff}') {
        // Three spaces for its three bytes: every offset stays.
        blanked
            .get_or_insert_with(|| text.to_string())
            .replace_range(..3, "   ");
    }
    let body = super::big_objects::parse_body(blanked.as_deref().unwrap_or(text)).map_err(|e| {
        // hcl-edit may point inside a character (a combining mark ending
        // a name at the end of the file): the error starts with that character.
        let mut at = e.offset.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
        Diagnostic::error("Syntax error")
            .with_detail(e.message)
            .with_span(Span::new(file, at..end))
    })?;
    match bare_for(&body, text) {
        Some(at) => Err(Diagnostic::error("Invalid 'for' expression")
            .with_detail("For expression requires variable name after 'for'.")
            .with_span(Span::new(file, at..at + 3))),
        None => Ok(body),
    }
}

/// Where a tuple or an object starts with the name `for` that is not a
/// `for` expression (`[for == x]`, `{for = 1}`): terraform reads any `for`
/// there as one and refuses it; hcl-edit takes it for a name.
fn bare_for(body: &Body, text: &str) -> Option<usize> {
    use hcl_edit::visit::{visit_array, visit_object, Visit};
    use hcl_edit::Span as _;
    struct Find<'a>(&'a str, Option<usize>);
    impl Find<'_> {
        fn check(&mut self, at: Option<std::ops::Range<usize>>) {
            let rest = at.and_then(|at| self.0.get(at.start..).map(|r| (at.start, r)));
            if let Some((at, rest)) = rest {
                let word = rest.strip_prefix("for").is_some_and(|r| {
                    !r.chars()
                        .next()
                        .is_some_and(|c| c == '_' || c == '-' || unicode_ident::is_xid_continue(c))
                });
                if word && self.1.is_none() {
                    self.1 = Some(at);
                }
            }
        }
    }
    impl Visit for Find<'_> {
        fn visit_array(&mut self, node: &hcl_edit::expr::Array) {
            self.check(node.iter().next().and_then(|e| e.span()));
            visit_array(self, node);
        }
        fn visit_object(&mut self, node: &hcl_edit::expr::Object) {
            self.check(node.iter().next().and_then(|(k, _)| k.span()));
            visit_object(self, node);
        }
    }
    let mut find = Find(text, None);
    find.visit_body(body);
    find.1
}

/// Where the first carriage return that does not end a line is, outside
/// comments; else, when line comments hold some, the text with those made
/// spaces (the same length, so every offset stays).
fn lone_carriage_returns(text: &str) -> Result<Option<String>, usize> {
    use crate::format::lexer::{tokens, Kind};
    let lone = |bytes: &[u8]| {
        (0..bytes.len())
            .filter(|&i| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
            .collect::<Vec<_>>()
    };
    if lone(text.as_bytes()).is_empty() {
        return Ok(None);
    }
    let mut bytes = text.as_bytes().to_vec();
    let mut at = 0;
    for t in tokens(text) {
        at += t.spaces_before;
        let crs = lone(t.text.as_bytes());
        if t.kind != Kind::Comment {
            if let Some(i) = crs.first() {
                return Err(at + i);
            }
        } else if !t.text.starts_with("/*") {
            for i in crs {
                bytes[at + i] = b' ';
            }
        }
        at += t.text.len();
    }
    // Only ASCII bytes were replaced by ASCII bytes.
    Ok(String::from_utf8(bytes).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files parsed together on several threads give what each parsed in
    /// turn gives: the same bodies for the same files, the same
    /// diagnostics in the same order.
    #[test]
    fn files_parsed_together_are_parsed_as_one_by_one() {
        let block = |i: usize| format!("resource \"terraform_data\" \"r{i}\" {{\n  input = \"x\"\n}}\n");
        let long: String = (0..1500).map(block).collect();
        let files = || -> Vec<FileContent> {
            vec![
                ("a.tf".into(), Ok(long.clone().into_bytes())),
                ("b.tf".into(), Ok(b"locals {\n  x = \"one\ntwo\"\n}\n".to_vec())),
                ("c.tf.json".into(), Ok(br#"{"locals": {"y": 1}}"#.to_vec())),
                ("d.tf".into(), Ok(b"locals {\n  z = [\n}\n".to_vec())),
                ("e.tf".into(), Ok(vec![0xff, 0xfe])),
                ("f.tf".into(), Ok(long.replace("\"r", "\"s").into_bytes())),
                ("g.tf".into(), Err("permission denied".into())),
            ]
        };
        let (mut sources, mut diags) = (Sources::default(), Diagnostics::new());
        let together = parse_files(files(), &mut sources, &mut diags, &crate::schema::NoSchemas);
        let (mut one_sources, mut one_diags) = (Sources::default(), Diagnostics::new());
        let one_by_one: Vec<(FileId, Body)> = files()
            .into_iter()
            .filter_map(|(name, content)| {
                parse_file(
                    &name,
                    content,
                    &mut one_sources,
                    &mut one_diags,
                    &crate::schema::NoSchemas,
                )
            })
            .collect();
        let shown = |bodies: &[(FileId, Body)]| -> Vec<(FileId, String)> {
            bodies.iter().map(|(f, b)| (*f, b.to_string())).collect()
        };
        assert_eq!(shown(&together), shown(&one_by_one));
        assert_eq!(together.iter().map(|(f, _)| *f).collect::<Vec<_>>(), [0, 1, 2, 5]);
        let said = |d: &Diagnostics| {
            d.iter()
                .map(|d| format!("{} {:?}", d.summary, d.span))
                .collect::<Vec<_>>()
        };
        assert_eq!(said(&diags), said(&one_diags));
        assert_eq!(diags.len(), 4, "{:?}", said(&diags));
    }

    #[test]
    fn a_lone_carriage_return_is_refused_outside_comments() {
        let e = parse_body(0, "a = [1,\r 2]\n").unwrap_err();
        assert_eq!(e.summary, "Invalid character");
        assert_eq!(e.span.map(|s| s.start..s.end), Some(7..8));
        assert!(parse_body(0, "a = 1\r\nb = \"x\ry\"\n").is_err());
        assert!(parse_body(0, "a = 1\r\n/* a\rb */\nb = 2\r\n").is_ok());
    }

    #[test]
    fn a_lone_carriage_return_in_a_line_comment_is_kept() {
        // terraform reads `# x\ry` to the line end; hcl-edit ended the comment at `\r`.
        for text in ["a = 1 # x\ry\nb = 2\n", "a = 1 // x\ry\r\n", "# \r\na = 1\n"] {
            assert!(parse_body(0, text).is_ok(), "{text:?}");
        }
        let e = parse_body(0, "a = 1 # x\ry\nb = \"\r\"\n").unwrap_err();
        assert_eq!(e.span.map(|s| s.start..s.end), Some(17..18));
    }

    #[test]
    fn a_tuple_or_object_starting_with_for_is_a_for_expression() {
        // terraform refuses each; hcl-edit read `for` as a name (found by
        // tests/fuzz_fmt_load.rs: fmt's `[for == x]` then no longer parsed).
        for (text, at) in [
            ("a = [for== x]\n", 5),
            ("a = {for= 1}\n", 5),
            ("a = [1, [for(x)]]\n", 9),
        ] {
            let e = parse_body(0, text).unwrap_err();
            assert_eq!(e.summary, "Invalid 'for' expression", "{text:?}");
            assert_eq!(e.span.map(|s| s.start..s.end), Some(at..at + 3), "{text:?}");
        }
        for text in [
            "a = [for_x, forx]\n",
            "a = [(for)]\n",
            "a = {\"for\" = 1}\n",
            "a = [x, for]\n",
        ] {
            assert!(parse_body(0, text).is_ok(), "{text:?}");
        }
    }

    #[test]
    fn a_leading_byte_order_mark_is_skipped() {
        // terraform validates such a file; fmt drops the mark.
        let body = parse_body(0, "\u{feff}a = 1\r\nb = 2 # \r\n").unwrap();
        assert_eq!(body.get_attribute("a").and_then(|a| a.key.span()), Some(3..4));
        let e = parse_body(0, "a = 1\n\u{feff}b = 2\n").unwrap_err();
        assert_eq!(e.span.map(|s| s.start..s.end), Some(6..9));
    }

    #[test]
    fn a_syntax_error_inside_a_character_points_at_its_start() {
        // Found by tests/fuzz_fmt_load.rs: a file cut short after a name
        // that ends with a combining mark; hcl-edit's offset is inside it.
        for text in ["b {\n  type = cafe\u{301}", "b {\n  a = x\u{301}\u{301}"] {
            let inside = super::super::big_objects::parse_body(text).unwrap_err().offset;
            assert!(!text.is_char_boundary(inside), "{text:?}");
            let span = parse_body(0, text).unwrap_err().span.unwrap();
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "{text:?}"
            );
            assert_eq!(span.start..span.end, inside - 1..text.len(), "{text:?}");
        }
    }
}
