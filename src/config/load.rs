//! Reading a configuration directory into a [`Config`].
//!
//! File access is confined to [`read_dir_files`]; [`from_files`] is pure, so
//! tests give it text directly. Every problem becomes a diagnostic at its
//! place, and loading goes on to find the next one.

use super::*;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::eval::{EmptyScope, Evaluator};
use crate::lang::functions::FuncContext;
use crate::lang::refs::{parse_traversal, Reference};
use crate::lang::types::{parse_type, TypeExprError};
use crate::lang::Value;
use hcl_edit::expr::TraversalOperator;
use hcl_edit::structure::{Attribute, Block, BlockLabel, Structure};
use std::path::Path;

/// Files larger than this are refused rather than parsed.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// Loads every `*.tf` file of `dir`, in name order.
pub fn load_dir(dir: &Path) -> (Config, Diagnostics) {
    let mut diags = Diagnostics::new();
    let files = match read_dir_files(dir, "tf") {
        Ok(files) => files,
        Err(d) => {
            diags.push(d);
            Vec::new()
        }
    };
    let (config, more) = from_files(dir, files);
    diags.extend(more);
    (config, diags)
}

/// A file's display name and its content, or why it could not be read.
pub type FileContent = (String, Result<Vec<u8>, String>);

/// The files of `dir` ending in `.{ext}`, sorted by name.
pub fn read_dir_files(dir: &Path, ext: &str) -> Result<Vec<FileContent>, Diagnostic> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Diagnostic::error("Cannot read the configuration directory").with_detail(format!("{}: {e}", dir.display()))
    })?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        // Not `is_file()`: a dangling link must be reported, not skipped.
        .filter(|e| !e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(&format!(".{ext}")) && !n.starts_with('.'))
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

/// Reads one file, refusing one too large to be a configuration.
pub fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() as usize > MAX_FILE_BYTES {
        return Err(format!(
            "the file is {} MiB; configuration files are limited to {} MiB",
            meta.len() / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    std::fs::read(path).map_err(|e| e.to_string())
}

/// Parses file contents into a configuration.
pub fn from_files(dir: &Path, files: Vec<FileContent>) -> (Config, Diagnostics) {
    let mut loader = Loader {
        config: Config {
            dir: dir.to_path_buf(),
            ..Config::default()
        },
        diags: Diagnostics::new(),
        seen: IndexMap::new(),
    };
    for (name, content) in files {
        if let Some((file, body)) = loader.parse_file(&name, content) {
            loader.body(file, body);
        }
    }
    (loader.config, loader.diags)
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
pub fn parse_body(file: FileId, text: &str) -> Result<Body, Diagnostic> {
    hcl_edit::parser::parse_body(text).map_err(|e| {
        let at = e.location().offset().min(text.len());
        let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
        Diagnostic::error("Syntax error")
            .with_detail(e.message().to_string())
            .with_span(Span::new(file, at..end))
    })
}

struct Loader {
    config: Config,
    diags: Diagnostics,
    /// Every declared name, with where it was declared, to report duplicates.
    seen: IndexMap<String, Span>,
}

impl Loader {
    fn parse_file(&mut self, name: &str, content: Result<Vec<u8>, String>) -> Option<(FileId, Body)> {
        let bytes = match content {
            Ok(b) => b,
            Err(e) => {
                self.diags
                    .push(Diagnostic::error("Cannot read configuration file").with_detail(format!("{name}: {e}")));
                return None;
            }
        };
        let file = match decode(name, bytes, &mut self.config.sources) {
            Ok(f) => f,
            Err(d) => {
                self.diags.push(d);
                return None;
            }
        };
        let text = self.config.sources.get(file).text.clone();
        match parse_body(file, &text) {
            Ok(body) => Some((file, body)),
            Err(d) => {
                self.diags.push(d);
                None
            }
        }
    }

    fn span(&self, file: FileId, range: Option<std::ops::Range<usize>>) -> Span {
        Span::new(file, range.unwrap_or(0..0))
    }

    fn header_span(&self, file: FileId, block: &Block) -> Span {
        let start = block.ident.span().map_or(0, |s| s.start);
        let end = block
            .labels
            .last()
            .and_then(label_span)
            .or_else(|| block.ident.span())
            .map_or(start, |s| s.end);
        Span::new(file, start..end)
    }

    fn error(&mut self, summary: &str, detail: impl Into<String>, span: Span) {
        self.diags
            .push(Diagnostic::error(summary).with_detail(detail).with_span(span));
    }

    fn declare(&mut self, key: String, what: &str, span: Span) -> bool {
        if let Some(prev) = self.seen.get(&key) {
            let prev = *prev;
            self.diags.push(
                Diagnostic::error(format!("Duplicate {what}"))
                    .with_detail(format!("{key} is declared twice"))
                    .with_span(span)
                    .with_label(prev, "first declared here"),
            );
            return false;
        }
        self.seen.insert(key, span);
        true
    }

    fn body(&mut self, file: FileId, body: Body) {
        for structure in body {
            match structure {
                Structure::Attribute(a) => self.error(
                    "Unexpected attribute",
                    format!(
                        "{:?} cannot be set at the top level of a configuration file; it holds only blocks",
                        a.key.as_str()
                    ),
                    self.span(file, a.span()),
                ),
                Structure::Block(b) => self.block(file, b),
            }
        }
    }

    fn labels(&mut self, file: FileId, block: &Block, n: usize, names: &str) -> Option<Vec<String>> {
        if block.labels.len() != n {
            self.error(
                "Wrong number of block labels",
                format!(
                    "a {} block takes {n} label(s): {} {names}",
                    block.ident.as_str(),
                    block.ident.as_str()
                ),
                self.header_span(file, block),
            );
            return None;
        }
        let labels: Vec<String> = block.labels.iter().map(|l| l.as_str().to_string()).collect();
        for (l, label) in labels.iter().zip(&block.labels) {
            if !crate::addrs::is_identifier(l) {
                self.error(
                    "Invalid name",
                    format!("{l:?} is not a valid name: names start with a letter or underscore and contain letters, digits, underscores and dashes"),
                    self.span(file, label_span(label)),
                );
                return None;
            }
        }
        Some(labels)
    }

    fn block(&mut self, file: FileId, block: Block) {
        match block.ident.as_str() {
            "terraform" => self.terraform(file, &block),
            "provider" => self.provider(file, &block),
            "variable" => self.variable(file, &block),
            "locals" => self.locals(file, &block),
            "resource" => self.resource(file, block, crate::addrs::Mode::Managed),
            "data" => self.resource(file, block, crate::addrs::Mode::Data),
            "output" => self.output(file, &block),
            "module" => self.error(
                "Modules are not supported",
                "aksplan reads a single configuration directory; move the module's resources into it",
                self.header_span(file, &block),
            ),
            "import" => self.import(file, &block),
            other @ ("moved" | "removed" | "check") => self.diags.push(
                Diagnostic::warning(format!("{other} blocks are ignored"))
                    .with_detail(format!("aksplan does not act on {other} blocks yet"))
                    .with_span(self.header_span(file, &block)),
            ),
            other => {
                let known = [
                    "terraform",
                    "provider",
                    "variable",
                    "locals",
                    "resource",
                    "data",
                    "output",
                ];
                let mut d = Diagnostic::error("Unsupported block type")
                    .with_detail(format!("blocks of type {other:?} are not expected here"))
                    .with_span(self.span(file, block.ident.span()));
                if let Some(s) = crate::lang::eval::suggest(other, known.iter().copied()) {
                    d = d.with_help(format!("did you mean {s}?"));
                }
                self.diags.push(d);
            }
        }
    }

    /// Evaluates an expression that must be constant.
    fn literal(&mut self, file: FileId, expr: &Expression) -> Option<Value> {
        let ctx = FuncContext {
            base_dir: self.config.dir.clone(),
            ..FuncContext::default()
        };
        match Evaluator::new(&EmptyScope, &ctx).eval(expr) {
            Ok(v) => Some(v),
            Err(e) => {
                let mut d = Diagnostic::error(e.kind.summary())
                    .with_detail(e.message)
                    .with_span(Span::new(file, e.span.or(expr.span()).unwrap_or(0..0)));
                if let Some(h) = e.help {
                    d = d.with_help(h);
                }
                self.diags.push(d);
                None
            }
        }
    }

    fn literal_string(&mut self, file: FileId, attr: &Attribute) -> Option<String> {
        match self.literal(file, &attr.value)? {
            Value::String(s) => Some(s),
            other => {
                self.error(
                    "Incorrect attribute value type",
                    format!(
                        "{} must be a string, but this is {}",
                        attr.key.as_str(),
                        crate::lang::eval::describe(&other)
                    ),
                    self.span(file, attr.value.span()),
                );
                None
            }
        }
    }

    fn literal_bool(&mut self, file: FileId, attr: &Attribute) -> Option<bool> {
        match self.literal(file, &attr.value)? {
            Value::Bool(b) => Some(b),
            other => {
                self.error(
                    "Incorrect attribute value type",
                    format!(
                        "{} must be true or false, but this is {}",
                        attr.key.as_str(),
                        crate::lang::eval::describe(&other)
                    ),
                    self.span(file, attr.value.span()),
                );
                None
            }
        }
    }

    fn unexpected_attr(&mut self, file: FileId, block: &str, attr: &Attribute, allowed: &[&str]) {
        let mut d = Diagnostic::error("Unsupported argument")
            .with_detail(format!("a {block} block has no argument named {:?}", attr.key.as_str()))
            .with_span(self.span(file, attr.key.span()));
        if let Some(s) = crate::lang::eval::suggest(attr.key.as_str(), allowed.iter().copied()) {
            d = d.with_help(format!("did you mean {s}?"));
        }
        self.diags.push(d);
    }

    fn unexpected_block(&mut self, file: FileId, parent: &str, block: &Block) {
        self.error(
            "Unsupported block type",
            format!("a {parent} block cannot contain a {:?} block", block.ident.as_str()),
            self.span(file, block.ident.span()),
        );
    }

    fn terraform(&mut self, file: FileId, block: &Block) {
        let settings = &mut self.config.terraform.clone();
        for s in block.body.iter() {
            match s {
                Structure::Attribute(a) if a.key.as_str() == "required_version" => {
                    settings.required_version = self.literal_string(file, a);
                }
                Structure::Attribute(a) if a.key.as_str() == "experiments" => {}
                Structure::Attribute(a) => self.unexpected_attr(file, "terraform", a, &["required_version"]),
                Structure::Block(b) if b.ident.as_str() == "required_providers" => {
                    for p in b.body.attributes() {
                        let (source, version) = match self.literal(file, &p.value) {
                            Some(v @ (Value::Map(..) | Value::Object(_))) => (
                                v.get("source").and_then(|v| v.as_str()).map(str::to_string),
                                v.get("version").and_then(|v| v.as_str()).map(str::to_string),
                            ),
                            Some(Value::String(v)) => (None, Some(v)),
                            _ => (None, None),
                        };
                        settings
                            .required_providers
                            .insert(p.key.as_str().to_string(), (source, version));
                    }
                }
                Structure::Block(b) if b.ident.as_str() == "backend" || b.ident.as_str() == "cloud" => {
                    let kind = b
                        .labels
                        .first()
                        .map_or_else(|| b.ident.as_str().to_string(), |l| l.as_str().to_string());
                    let mut attrs = IndexMap::new();
                    for a in b.body.attributes() {
                        if let Some(v) = self.literal(file, &a.value) {
                            attrs.insert(a.key.as_str().to_string(), v.to_json());
                        }
                    }
                    settings.backend = Some((kind, attrs));
                }
                Structure::Block(b) if b.ident.as_str() == "provider_meta" => {}
                Structure::Block(b) => self.unexpected_block(file, "terraform", b),
            }
        }
        self.config.terraform = settings.clone();
    }

    fn provider(&mut self, file: FileId, block: &Block) {
        let Some(labels) = self.labels(file, block, 1, "\"NAME\"") else {
            return;
        };
        let alias = block
            .body
            .get_attribute("alias")
            .and_then(|a| a.value.as_str().map(str::to_string));
        let name = &labels[0];
        if name != "azurerm" && name != "azapi" {
            self.diags.push(
                Diagnostic::warning("Provider not managed by aksplan")
                    .with_detail(format!(
                        "aksplan plans azurerm resources; the {name:?} provider's settings are ignored"
                    ))
                    .with_span(self.header_span(file, block)),
            );
        }
        let key = format!(
            "provider.{name}{}",
            alias.as_ref().map(|a| format!(".{a}")).unwrap_or_default()
        );
        let span = self.header_span(file, block);
        if self.declare(key, "provider configuration", span) {
            self.config.providers.push(Provider {
                name: name.clone(),
                alias,
                body: block.body.clone(),
                file,
                span,
            });
        }
    }

    fn variable(&mut self, file: FileId, block: &Block) {
        let Some(labels) = self.labels(file, block, 1, "\"NAME\"") else {
            return;
        };
        let name = labels[0].clone();
        let span = self.header_span(file, block);
        if matches!(
            name.as_str(),
            "source" | "version" | "providers" | "count" | "for_each" | "lifecycle" | "depends_on" | "locals"
        ) {
            self.error(
                "Invalid variable name",
                format!("{name:?} is reserved and cannot name a variable"),
                span,
            );
            return;
        }
        let mut var = Variable {
            name: name.clone(),
            ty: None,
            default: None,
            description: None,
            sensitive: false,
            nullable: true,
            validations: Vec::new(),
            span,
        };
        let allowed = ["type", "default", "description", "sensitive", "nullable", "ephemeral"];
        for s in block.body.iter() {
            match s {
                Structure::Attribute(a) => match a.key.as_str() {
                    "type" => {
                        let dir = self.config.dir.clone();
                        let parsed = parse_type(&a.value, &mut |e| {
                            let ctx = FuncContext {
                                base_dir: dir.clone(),
                                ..FuncContext::default()
                            };
                            Evaluator::new(&EmptyScope, &ctx).eval(e).map_err(|err| TypeExprError {
                                message: err.message,
                                span: err.span,
                            })
                        });
                        match parsed {
                            Ok(t) => var.ty = Some(t),
                            Err(e) => self.error(
                                "Invalid type constraint",
                                e.message,
                                self.span(file, e.span.or(a.value.span())),
                            ),
                        }
                    }
                    "default" => {
                        var.default = Some(Expr {
                            file,
                            expr: a.value.clone(),
                        })
                    }
                    "description" => var.description = self.literal_string(file, a),
                    "sensitive" => var.sensitive = self.literal_bool(file, a).unwrap_or(false),
                    "nullable" => var.nullable = self.literal_bool(file, a).unwrap_or(true),
                    "ephemeral" => {}
                    _ => self.unexpected_attr(file, "variable", a, &allowed),
                },
                Structure::Block(b) if b.ident.as_str() == "validation" => {
                    let cond = b.body.get_attribute("condition");
                    let msg = b.body.get_attribute("error_message");
                    match (cond, msg) {
                        (Some(c), Some(m)) => var.validations.push(Validation {
                            condition: Expr {
                                file,
                                expr: c.value.clone(),
                            },
                            error_message: Expr {
                                file,
                                expr: m.value.clone(),
                            },
                        }),
                        _ => self.error(
                            "Incomplete validation block",
                            "a validation block needs both condition and error_message",
                            self.header_span(file, b),
                        ),
                    }
                }
                Structure::Block(b) => self.unexpected_block(file, "variable", b),
            }
        }
        if self.declare(format!("var.{name}"), "variable", span) {
            self.config.variables.insert(name, var);
        }
    }

    fn locals(&mut self, file: FileId, block: &Block) {
        if !block.labels.is_empty() {
            self.error(
                "Unexpected label",
                "a locals block takes no labels",
                self.header_span(file, block),
            );
        }
        for s in block.body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let name = a.key.as_str().to_string();
                    let span = self.span(file, a.span());
                    if self.declare(format!("local.{name}"), "local value", span) {
                        self.config.locals.insert(
                            name.clone(),
                            Local {
                                name,
                                expr: Expr {
                                    file,
                                    expr: a.value.clone(),
                                },
                                span,
                            },
                        );
                    }
                }
                Structure::Block(b) => self.unexpected_block(file, "locals", b),
            }
        }
    }

    fn depends_on(&mut self, file: FileId, attr: &Attribute) -> Vec<DependsOn> {
        let Expression::Array(items) = &attr.value else {
            self.error(
                "Invalid depends_on",
                "depends_on takes a list of references: depends_on = [azurerm_role_assignment.network]",
                self.span(file, attr.value.span()),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            let parsed = match item {
                Expression::Traversal(t) => match &t.expr {
                    Expression::Variable(root) => parse_traversal(root, &t.operators)
                        .ok()
                        .filter(|(_, used)| *used == t.operators.len()),
                    _ => None,
                },
                _ => None,
            };
            match parsed.map(|(r, _)| r) {
                Some(r) if matches!(r.reference, Reference::Resource(_) | Reference::Var(_) | Reference::Local(_)) => {
                    out.push(DependsOn {
                        reference: r.reference,
                        span: Span::new(file, r.span),
                    })
                }
                _ => self.error(
                    "Invalid depends_on reference",
                    "each entry names a resource, data source, variable or local, without attributes or an index: azurerm_subnet.api",
                    self.span(file, item.span()),
                ),
            }
        }
        out
    }

    fn lifecycle(&mut self, file: FileId, block: &Block) -> Lifecycle {
        let mut lc = Lifecycle::default();
        for s in block.body.iter() {
            match s {
                Structure::Attribute(a) => match a.key.as_str() {
                    "prevent_destroy" => lc.prevent_destroy = self.literal_bool(file, a).unwrap_or(false),
                    "create_before_destroy" => lc.create_before_destroy = self.literal_bool(file, a).unwrap_or(false),
                    "ignore_changes" => lc.ignore_changes = self.ignore_changes(file, &a.value),
                    "replace_triggered_by" => {}
                    _ => self.unexpected_attr(
                        file,
                        "lifecycle",
                        a,
                        &[
                            "prevent_destroy",
                            "create_before_destroy",
                            "ignore_changes",
                            "replace_triggered_by",
                        ],
                    ),
                },
                Structure::Block(b) if matches!(b.ident.as_str(), "precondition" | "postcondition") => {}
                Structure::Block(b) => self.unexpected_block(file, "lifecycle", b),
            }
        }
        lc
    }

    fn ignore_changes(&mut self, file: FileId, expr: &Expression) -> IgnoreChanges {
        if let Expression::Variable(v) = expr {
            if v.as_str() == "all" {
                return IgnoreChanges::All;
            }
        }
        let Expression::Array(items) = expr else {
            self.error(
                "Invalid ignore_changes",
                "ignore_changes takes `all` or a list of attribute paths: [tags, default_node_pool[0].node_count]",
                self.span(file, expr.span()),
            );
            return IgnoreChanges::None;
        };
        let mut paths = Vec::new();
        for item in items.iter() {
            match attr_path(item) {
                Some(steps) => paths.push(AttrPath {
                    steps,
                    span: self.span(file, item.span()),
                }),
                None => self.error(
                    "Invalid ignore_changes path",
                    "write an attribute path such as tags or tags[\"owner\"]",
                    self.span(file, item.span()),
                ),
            }
        }
        IgnoreChanges::Paths(paths)
    }

    /// Takes the block by value: resource bodies are the bulk of a
    /// configuration, and are moved into the model rather than copied.
    fn resource(&mut self, file: FileId, block: Block, mode: crate::addrs::Mode) {
        let Some(labels) = self.labels(file, &block, 2, "\"TYPE\" \"NAME\"") else {
            return;
        };
        let addr = crate::addrs::Resource {
            mode,
            type_name: labels[0].clone(),
            name: labels[1].clone(),
        };
        let span = self.header_span(file, &block);
        let type_span = self.span(file, block.labels.first().and_then(label_span));
        let mut body = Body::new();
        let mut res = Resource {
            addr: addr.clone(),
            count: None,
            for_each: None,
            depends_on: Vec::new(),
            lifecycle: Lifecycle::default(),
            provider: None,
            body: Body::new(),
            file,
            span,
            type_span,
        };
        for s in block.body {
            match s {
                Structure::Attribute(a) => {
                    let key = a.key.as_str().to_owned();
                    match key.as_str() {
                        "count" => res.count = Some(Expr { file, expr: a.value }),
                        "for_each" => res.for_each = Some(Expr { file, expr: a.value }),
                        "depends_on" => res.depends_on = self.depends_on(file, &a),
                        "provider" => {
                            res.provider = attr_path(&a.value).map(|steps| {
                                AttrPath {
                                    steps,
                                    span: Span::new(file, 0..0),
                                }
                                .to_string()
                            })
                        }
                        _ => body.push(a),
                    }
                }
                Structure::Block(b) if b.ident.as_str() == "lifecycle" && mode == crate::addrs::Mode::Managed => {
                    res.lifecycle = self.lifecycle(file, &b)
                }
                Structure::Block(b) if matches!(b.ident.as_str(), "provisioner" | "connection") => self.error(
                    "Provisioners are not supported",
                    "aksplan manages Azure resources only; run scripts in your pipeline instead",
                    self.header_span(file, &b),
                ),
                Structure::Block(b) => body.push(b),
            }
        }
        if res.count.is_some() && res.for_each.is_some() {
            let at = res.for_each.as_ref().map(Expr::span).unwrap_or(span);
            self.error(
                "Invalid combination of count and for_each",
                "a resource can use count or for_each, not both",
                at,
            );
        }
        res.body = body;
        let kind = if mode == crate::addrs::Mode::Data {
            "data source"
        } else {
            "resource"
        };
        if self.declare(addr.to_string(), kind, span) {
            self.config.resources.insert(addr, res);
        }
    }

    fn import(&mut self, file: FileId, block: &Block) {
        if self.labels(file, block, 0, "").is_none() {
            return;
        }
        let (mut to, mut id, mut given) = (None, None, false);
        for s in block.body.iter() {
            match s {
                Structure::Attribute(a) => match a.key.as_str() {
                    "to" => {
                        let span = self.span(file, a.value.span());
                        let text = a.value.to_string();
                        match text.trim().parse::<crate::addrs::Instance>() {
                            Ok(addr) if addr.resource.mode == crate::addrs::Mode::Managed => to = Some((addr, span)),
                            Ok(_) => {
                                self.error("Invalid import address", "only managed resources can be imported", span)
                            }
                            Err(e) => self.error("Invalid import address", e.to_string(), span),
                        }
                    }
                    "id" => {
                        given = true;
                        id = self.literal_string(file, a);
                    }
                    "provider" => {}
                    _ => self.unexpected_attr(file, "import", a, &["to", "id", "provider"]),
                },
                Structure::Block(b) => self.unexpected_block(file, "import", b),
            }
        }
        match (to, id) {
            (Some((to, span)), Some(id)) => self.config.imports.push(crate::config::Import { to, id, span }),
            (None, _) => self.error(
                "Missing required argument",
                "an import block needs to: the address the resource is managed at",
                self.header_span(file, block),
            ),
            (_, None) if !given => self.error(
                "Missing required argument",
                "an import block needs id: the resource's Azure id",
                self.header_span(file, block),
            ),
            // The id's own error is already reported.
            _ => {}
        }
    }

    fn output(&mut self, file: FileId, block: &Block) {
        let Some(labels) = self.labels(file, block, 1, "\"NAME\"") else {
            return;
        };
        let name = labels[0].clone();
        let span = self.header_span(file, block);
        let mut value = None;
        let mut out = Output {
            name: name.clone(),
            value: Expr {
                file,
                expr: Expression::null(),
            },
            description: None,
            sensitive: false,
            depends_on: Vec::new(),
            span,
        };
        for s in block.body.iter() {
            match s {
                Structure::Attribute(a) => match a.key.as_str() {
                    "value" => {
                        value = Some(Expr {
                            file,
                            expr: a.value.clone(),
                        })
                    }
                    "description" => out.description = self.literal_string(file, a),
                    "sensitive" => out.sensitive = self.literal_bool(file, a).unwrap_or(false),
                    "depends_on" => out.depends_on = self.depends_on(file, a),
                    "ephemeral" => {}
                    _ => self.unexpected_attr(file, "output", a, &["value", "description", "sensitive", "depends_on"]),
                },
                Structure::Block(b) if b.ident.as_str() == "precondition" => {}
                Structure::Block(b) => self.unexpected_block(file, "output", b),
            }
        }
        match value {
            Some(v) => out.value = v,
            None => {
                self.error(
                    "Missing required argument",
                    format!("output {name:?} needs a value"),
                    span,
                );
                return;
            }
        }
        if self.declare(format!("output.{name}"), "output", span) {
            self.config.outputs.insert(name, out);
        }
    }
}

fn label_span(l: &BlockLabel) -> Option<std::ops::Range<usize>> {
    match l {
        BlockLabel::Ident(i) => i.span(),
        BlockLabel::String(s) => s.span(),
    }
}

/// Reads `a.b[0]["k"]` as a path; `None` for anything else.
pub fn attr_path(expr: &Expression) -> Option<Vec<PathStep>> {
    match expr {
        Expression::Variable(v) => Some(vec![PathStep::Attr(v.as_str().to_string())]),
        Expression::Traversal(t) => {
            let Expression::Variable(root) = &t.expr else {
                return None;
            };
            let mut steps = vec![PathStep::Attr(root.as_str().to_string())];
            for op in &t.operators {
                steps.push(match op.value() {
                    TraversalOperator::GetAttr(a) => PathStep::Attr(a.as_str().to_string()),
                    TraversalOperator::LegacyIndex(n) => PathStep::Index(*n.value()),
                    TraversalOperator::Index(Expression::Number(n)) => PathStep::Index(n.as_u64()?),
                    TraversalOperator::Index(Expression::String(s)) => PathStep::Key(s.value().clone()),
                    _ => return None,
                });
            }
            Some(steps)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(files: &[(&str, &str)]) -> (Config, Diagnostics) {
        from_files(
            Path::new("."),
            files
                .iter()
                .map(|(n, t)| (n.to_string(), Ok(t.as_bytes().to_vec())))
                .collect(),
        )
    }

    fn errors(files: &[(&str, &str)]) -> Vec<(String, String)> {
        let (c, d) = load(files);
        d.iter()
            .map(|d| {
                (
                    d.summary.clone(),
                    d.span.map(|s| c.sources.text(s).to_string()).unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn reads_every_block_kind() {
        let (c, d) = load(&[(
            "main.tf",
            r#"
terraform {
  required_version = ">= 1.5"
  required_providers {
    azurerm = { source = "hashicorp/azurerm", version = "~> 4.0" }
  }
  backend "azurerm" {
    key = "aks.tfstate"
  }
}
provider "azurerm" {
  features {}
}
variable "pools" {
  type = map(object({ vm_size = string, count = optional(number, 1) }))
  default = {}
  sensitive = false
  validation {
    condition     = length(var.pools) < 10
    error_message = "Too many pools."
  }
}
locals { name = "aks" }
resource "azurerm_resource_group" "rg" {
  count    = 2
  name     = "rg-${count.index}"
  location = "westeurope"
  lifecycle {
    prevent_destroy = true
    ignore_changes  = [tags, tags["owner"], default_node_pool[0].node_count]
  }
  depends_on = [azurerm_resource_group.other]
}
data "azurerm_client_config" "current" {}
output "id" {
  value     = azurerm_resource_group.rg[0].id
  sensitive = true
}
"#,
        )]);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.terraform.required_version.as_deref(), Some(">= 1.5"));
        assert_eq!(c.terraform.backend.as_ref().unwrap().0, "azurerm");
        assert_eq!(c.providers.len(), 1);
        assert_eq!(c.variables["pools"].validations.len(), 1);
        let rg = &c.resources[&crate::addrs::Resource::managed("azurerm_resource_group", "rg")];
        assert!(rg.count.is_some() && rg.lifecycle.prevent_destroy);
        assert!(!rg.body.has_attribute("count"));
        let IgnoreChanges::Paths(p) = &rg.lifecycle.ignore_changes else {
            panic!()
        };
        assert_eq!(
            p.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
            vec!["tags", "tags[\"owner\"]", "default_node_pool[0].node_count"]
        );
        assert_eq!(rg.depends_on.len(), 1);
        assert!(c.outputs["id"].sensitive);
    }

    #[test]
    fn syntax_errors_point_at_their_place() {
        let e = errors(&[("a.tf", "resource \"x\" \"y\" {\n  a = \n}\n")]);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].0, "Syntax error");
    }

    #[test]
    fn invalid_utf8_is_reported_at_the_byte() {
        let (c, d) = from_files(
            Path::new("."),
            vec![("a.tf".into(), Ok(b"locals {\n  a = \"\xff\"\n}\n".to_vec()))],
        );
        let d = d.iter().next().unwrap();
        assert_eq!(d.summary, "Invalid UTF-8");
        assert_eq!(c.sources.get(0).position(d.span.unwrap().start).line, 2);
    }

    #[test]
    fn unreadable_files_are_named() {
        let (_, d) = from_files(Path::new("."), vec![("a.tf".into(), Err("permission denied".into()))]);
        assert_eq!(d.iter().next().unwrap().detail, "a.tf: permission denied");
    }

    #[test]
    fn duplicates_point_at_both_declarations() {
        let (c, d) = load(&[("a.tf", "locals { a = 1 }\n"), ("b.tf", "locals { a = 2 }\n")]);
        let d = d.iter().next().unwrap();
        assert_eq!(d.summary, "Duplicate local value");
        assert_eq!(c.sources.get(d.span.unwrap().file).name, "b.tf");
        assert_eq!(c.sources.get(d.labels[0].span.file).name, "a.tf");
    }

    #[test]
    fn misplaced_things_are_errors_with_suggestions() {
        let e = errors(&[(
            "a.tf",
            "resorce \"a\" \"b\" {}\nx = 1\nvariable \"v\" { tpye = string }\n",
        )]);
        let summaries: Vec<&str> = e.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            summaries,
            vec!["Unsupported block type", "Unexpected attribute", "Unsupported argument"]
        );
        let (_, d) = load(&[("a.tf", "resorce \"a\" \"b\" {}\n")]);
        assert_eq!(d.iter().next().unwrap().help.as_deref(), Some("did you mean resource?"));
    }

    #[test]
    fn count_and_for_each_together_are_refused() {
        let e = errors(&[("a.tf", "resource \"a\" \"b\" {\n  count = 1\n  for_each = {}\n}\n")]);
        assert_eq!(e[0].0, "Invalid combination of count and for_each");
        assert_eq!(e[0].1, "{}");
    }

    #[test]
    fn wrong_labels_and_quoted_types() {
        let e = errors(&[("a.tf", "resource \"a\" {}\nvariable \"v\" { type = \"string\" }\n")]);
        assert_eq!(e[0].0, "Wrong number of block labels");
        assert_eq!(e[1], ("Invalid type constraint".into(), "\"string\"".into()));
    }

    #[test]
    fn depends_on_takes_plain_references() {
        let e = errors(&[("a.tf", "resource \"a\" \"b\" {\n  depends_on = [a.c.id, \"x\"]\n}\n")]);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].1, "a.c.id");
    }
}
