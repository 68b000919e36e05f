//! Reading the blocks of one module's files into a [`Module`]: terraform
//! settings, providers, variables, locals, resources and data sources,
//! outputs, module calls and import blocks, each checked for what can be
//! checked without evaluating anything. Every problem becomes a diagnostic
//! at its place, and reading goes on to find the next one.

use super::*;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::eval::{EmptyScope, Evaluator};
use crate::lang::functions::FuncContext;
use crate::lang::refs::{parse_traversal, Reference};
use crate::lang::types::{parse_type, TypeExprError};
use crate::lang::Value;
use hcl_edit::expr::TraversalOperator;
use hcl_edit::structure::{Attribute, Block, BlockLabel, Structure};

/// Reads the blocks of one module's files into a [`Module`].
pub struct ModuleReader<'a> {
    pub module: Module,
    pub sources: &'a mut Sources,
    pub diags: &'a mut Diagnostics,
    /// The root module's directory, for the functions constants may call.
    pub root_dir: PathBuf,
    /// Every declared name, with where it was declared, to report duplicates.
    seen: IndexMap<String, Span>,
    /// Reading an override file, whose blocks need not be complete: what
    /// they leave out, the primary files' blocks give.
    pub overriding: bool,
}

impl<'a> ModuleReader<'a> {
    pub fn new(module: Module, sources: &'a mut Sources, diags: &'a mut Diagnostics, root_dir: PathBuf) -> Self {
        ModuleReader {
            module,
            sources,
            diags,
            root_dir,
            seen: IndexMap::new(),
            overriding: false,
        }
    }

    fn span(&self, file: FileId, range: Option<std::ops::Range<usize>>) -> Span {
        Span::new(file, range.unwrap_or(0..0))
    }

    fn header_span(&self, file: FileId, block: &Block) -> Span {
        header_span(file, block)
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

    /// Reads one file's blocks.
    pub fn body(&mut self, file: FileId, body: Body) {
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
            "module" => self.module_call(file, block),
            "import" => self.import(file, &block),
            "moved" => self.moved(file, &block),
            "removed" => self.removed(file, &block),
            "check" => self.check(file, &block),
            other => {
                let known = [
                    "terraform",
                    "provider",
                    "variable",
                    "locals",
                    "resource",
                    "data",
                    "output",
                    "module",
                    "import",
                    "moved",
                    "removed",
                    "check",
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
        let ctx = FuncContext::new(self.root_dir.clone());
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

    /// A constant string; a number or bool becomes one, as in Terraform.
    fn literal_string(&mut self, file: FileId, attr: &Attribute) -> Option<String> {
        let value = self.literal(file, &attr.value)?;
        match crate::lang::types::convert(value.clone(), &crate::lang::types::Type::String) {
            Ok(Value::String(s)) => Some(s),
            _ => {
                let other = value;
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
        let settings = &mut self.module.terraform.clone();
        for s in block.body.iter() {
            match s {
                Structure::Attribute(a) if a.key.as_str() == "required_version" => {
                    settings.required_version = self
                        .literal_string(file, a)
                        .map(|v| (v, self.span(file, a.value.span())));
                }
                Structure::Attribute(a) if a.key.as_str() == "experiments" => {}
                Structure::Attribute(a) => self.unexpected_attr(file, "terraform", a, &["required_version"]),
                Structure::Block(b) if b.ident.as_str() == "required_providers" => {
                    for p in b.body.attributes() {
                        let required = self.required_provider(file, &p.value);
                        settings.required_providers.insert(p.key.as_str().to_string(), required);
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
        self.module.terraform = settings.clone();
    }

    /// `NAME = { source = "...", version = "...", configuration_aliases = [NAME.ALIAS] }`,
    /// or the legacy `NAME = "VERSION"`.
    fn required_provider(&mut self, file: FileId, expr: &Expression) -> RequiredProvider {
        let Expression::Object(obj) = expr else {
            return match self.literal(file, expr) {
                Some(Value::String(v)) => RequiredProvider {
                    version: Some(v),
                    ..RequiredProvider::default()
                },
                _ => RequiredProvider::default(),
            };
        };
        let mut out = RequiredProvider::default();
        for (k, v) in obj.iter() {
            let key = match k {
                hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                hcl_edit::expr::ObjectKey::Expression(e) => e.as_str().unwrap_or_default().to_string(),
            };
            match key.as_str() {
                "configuration_aliases" => {
                    let Expression::Array(items) = v.expr() else {
                        self.error(
                            "Invalid configuration_aliases",
                            "configuration_aliases takes a list of provider references: [azurerm.hub]",
                            self.span(file, v.expr().span()),
                        );
                        continue;
                    };
                    for item in items.iter() {
                        match attr_path(item).as_deref() {
                            Some([PathStep::Attr(_), PathStep::Attr(alias)]) => {
                                out.configuration_aliases.push(alias.clone())
                            }
                            _ => self.error(
                                "Invalid configuration_aliases",
                                "each entry is a provider name and alias: azurerm.hub",
                                self.span(file, item.span()),
                            ),
                        }
                    }
                }
                "source" | "version" => {
                    let text = match self.literal(file, v.expr()) {
                        Some(Value::String(s)) => Some(s),
                        _ => None,
                    };
                    if key == "source" {
                        out.source = text;
                    } else {
                        out.version = text;
                    }
                }
                _ => {}
            }
        }
        out
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
        let key = format!(
            "provider.{name}{}",
            alias.as_ref().map(|a| format!(".{a}")).unwrap_or_default()
        );
        let span = self.header_span(file, block);
        if self.declare(key, "provider configuration", span) {
            self.module.providers.push(Provider {
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
            ephemeral: false,
            validations: Vec::new(),
            span,
        };
        let allowed = ["type", "default", "description", "sensitive", "nullable", "ephemeral"];
        for s in block.body.iter() {
            match s {
                Structure::Attribute(a) => match a.key.as_str() {
                    "type" => {
                        let dir = self.root_dir.clone();
                        let parsed = parse_type(&a.value, &mut |e| {
                            let ctx = FuncContext::new(dir.clone());
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
                    "ephemeral" => var.ephemeral = self.literal_bool(file, a).unwrap_or(false),
                    _ => self.unexpected_attr(file, "variable", a, &allowed),
                },
                Structure::Block(b) if b.ident.as_str() == "validation" => {
                    if let Some(v) = self.condition_block(file, b) {
                        var.validations.push(v);
                    }
                }
                Structure::Block(b) => self.unexpected_block(file, "variable", b),
            }
        }
        if self.declare(format!("var.{name}"), "variable", span) {
            self.module.variables.insert(name, var);
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
                        self.module.locals.insert(
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

    /// `depends_on = [...]`: whole objects. As terraform accepts, a
    /// resource may carry an instance key and a module an instance key and
    /// an output name; both only say which object is meant.
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
                        .filter(|(r, used)| whole_object(&r.reference, &t.operators[*used..])),
                    _ => None,
                },
                _ => None,
            };
            match parsed.map(|(r, _)| r) {
                Some(r) => out.push(DependsOn {
                    reference: r.reference,
                    span: Span::new(file, r.span),
                }),
                None => self.error(
                    "Invalid depends_on reference",
                    "References in depends_on must be to a whole object (resource, module, variable or local), not to an attribute of an object: azurerm_subnet.api",
                    self.span(file, item.span()),
                ),
            }
        }
        out
    }

    /// `module "NAME" { source = "...", version, count, for_each, depends_on, providers, INPUT = ... }`.
    fn module_call(&mut self, file: FileId, block: Block) {
        let Some(labels) = self.labels(file, &block, 1, "\"NAME\"") else {
            return;
        };
        let name = labels[0].clone();
        let span = self.header_span(file, &block);
        let mut call = ModuleCall {
            name: name.clone(),
            source: String::new(),
            version: None,
            count: None,
            for_each: None,
            depends_on: Vec::new(),
            providers: Vec::new(),
            args: IndexMap::new(),
            file,
            span,
            source_span: span,
            version_span: None,
        };
        let mut has_source = false;
        for s in block.body {
            match s {
                Structure::Attribute(a) => match a.key.as_str() {
                    "source" => {
                        call.source_span = self.span(file, a.value.span());
                        has_source = true;
                        match self.literal(file, &a.value) {
                            Some(Value::String(s)) => call.source = s,
                            Some(_) => self.error(
                                "Invalid module source address",
                                "the module source must be a string: source = \"./modules/net\"",
                                call.source_span,
                            ),
                            None => {}
                        }
                    }
                    // `version = null` is no constraint.
                    "version" if matches!(a.value, Expression::Null(_)) => {}
                    "version" => {
                        call.version = self.literal_string(file, &a);
                        call.version_span = Some(self.span(file, a.value.span()));
                    }
                    "count" => call.count = Some(Expr { file, expr: a.value }),
                    "for_each" => call.for_each = Some(Expr { file, expr: a.value }),
                    "depends_on" => call.depends_on = self.depends_on(file, &a),
                    "providers" => call.providers = self.provider_passes(file, &a.value),
                    _ => {
                        let key = a.key.as_str().to_string();
                        call.args.insert(key, Expr { file, expr: a.value });
                    }
                },
                Structure::Block(b) if b.ident.as_str() == "lifecycle" => self.error(
                    "Reserved block type name in module block",
                    "the block type \"lifecycle\" is reserved for use by Terraform in a future version",
                    self.header_span(file, &b),
                ),
                Structure::Block(b) => self.unexpected_block(file, "module", &b),
            }
        }
        if !has_source && !self.overriding {
            self.error(
                "Missing required argument",
                "the argument \"source\" is required, but no definition was found",
                span,
            );
            return;
        }
        if call.count.is_some() && call.for_each.is_some() {
            let at = call.for_each.as_ref().map(Expr::span).unwrap_or(span);
            self.error(
                "Invalid combination of count and for_each",
                "a module call can use count or for_each, not both",
                at,
            );
        }
        if self.declare(format!("module.{name}"), "module call", span) {
            self.module.calls.insert(name, call);
        }
    }

    /// `providers = { azurerm = azurerm.hub, azurerm.spoke = azurerm }`.
    fn provider_passes(&mut self, file: FileId, expr: &Expression) -> Vec<ProviderPass> {
        let Expression::Object(obj) = expr else {
            self.error(
                "Invalid providers argument",
                "providers takes a map of provider configurations: providers = { azurerm = azurerm.hub }",
                self.span(file, expr.span()),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in obj.iter() {
            let child = match k {
                hcl_edit::expr::ObjectKey::Ident(i) => Some(i.as_str().to_string()),
                hcl_edit::expr::ObjectKey::Expression(e) => provider_ref(e),
            };
            let parent = provider_ref(v.expr());
            match (child, parent) {
                (Some(child), Some(parent)) => out.push(ProviderPass {
                    child,
                    parent,
                    span: self.span(file, v.expr().span()),
                }),
                _ => self.error(
                    "Invalid providers argument",
                    "each entry maps a provider configuration of the module to one of this module: azurerm = azurerm.hub",
                    self.span(file, v.expr().span()),
                ),
            }
        }
        out
    }

    /// A `validation`, `precondition` or `postcondition` block: a
    /// condition and the message when it fails.
    fn condition_block(&mut self, file: FileId, b: &Block) -> Option<Validation> {
        let cond = b.body.get_attribute("condition");
        let msg = b.body.get_attribute("error_message");
        match (cond, msg) {
            (Some(c), Some(m)) => Some(Validation {
                condition: Expr {
                    file,
                    expr: c.value.clone(),
                },
                error_message: Expr {
                    file,
                    expr: m.value.clone(),
                },
            }),
            _ => {
                self.error(
                    &format!("Incomplete {} block", b.ident.as_str()),
                    format!("a {} block needs both condition and error_message", b.ident.as_str()),
                    self.header_span(file, b),
                );
                None
            }
        }
    }

    /// A resource's `lifecycle` block; a data source's takes only conditions.
    fn lifecycle(&mut self, file: FileId, block: &Block, mode: crate::addrs::Mode) -> Lifecycle {
        let mut lc = Lifecycle::default();
        let managed = mode == crate::addrs::Mode::Managed;
        for s in block.body.iter() {
            match s {
                Structure::Attribute(a) if !managed => self.unexpected_attr(file, "data source lifecycle", a, &[]),
                Structure::Attribute(a) => match a.key.as_str() {
                    "prevent_destroy" => lc.prevent_destroy = self.literal_bool(file, a).unwrap_or(false),
                    "create_before_destroy" => lc.create_before_destroy = self.literal_bool(file, a).unwrap_or(false),
                    "ignore_changes" => lc.ignore_changes = self.ignore_changes(file, &a.value),
                    "replace_triggered_by" => lc.replace_triggered_by = self.replace_triggered_by(file, &a.value),
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
                Structure::Block(b) if b.ident.as_str() == "precondition" => {
                    if let Some(v) = self.condition_block(file, b) {
                        lc.preconditions.push(v);
                    }
                }
                Structure::Block(b) if b.ident.as_str() == "postcondition" => {
                    if let Some(v) = self.condition_block(file, b) {
                        lc.postconditions.push(v);
                    }
                }
                Structure::Block(b) => self.unexpected_block(file, "lifecycle", b),
            }
        }
        lc
    }

    fn replace_triggered_by(&mut self, file: FileId, expr: &Expression) -> Vec<super::triggers::Trigger> {
        let Expression::Array(items) = expr else {
            self.error(
                "Invalid replace_triggered_by",
                "replace_triggered_by takes a list of references: [azurerm_user_assigned_identity.this.id]",
                self.span(file, expr.span()),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            let written = Expr {
                file,
                expr: item.clone(),
            };
            match super::triggers::parse(written) {
                Ok(t) => out.push(t),
                Err(why) => self.error(
                    "Invalid replace_triggered_by expression",
                    why,
                    self.span(file, item.span()),
                ),
            }
        }
        out
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
            origins: Vec::new(),
            span,
            type_span,
            check: None,
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
                            let at = Span::new(file, a.value.span().unwrap_or(0..0));
                            res.provider = attr_path(&a.value).map(|steps| {
                                let name = AttrPath { steps, span: at }.to_string();
                                (name, at)
                            })
                        }
                        _ => body.push(a),
                    }
                }
                Structure::Block(b) if b.ident.as_str() == "lifecycle" => {
                    res.lifecycle = self.lifecycle(file, &b, mode)
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
            self.module.resources.insert(addr, res);
        }
    }

    fn moved(&mut self, file: FileId, block: &Block) {
        if self.labels(file, block, 0, "").is_none() {
            return;
        }
        let (mut from, mut to) = (None, None);
        for s in block.body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let span = self.span(file, a.value.span());
                    let parsed = a.value.to_string().trim().parse::<crate::addrs::Target>();
                    let slot = match a.key.as_str() {
                        "from" => &mut from,
                        "to" => &mut to,
                        _ => {
                            self.unexpected_attr(file, "moved", a, &["from", "to"]);
                            continue;
                        }
                    };
                    match parsed {
                        Ok(t)
                            if t.resource
                                .as_ref()
                                .is_none_or(|r| r.mode == crate::addrs::Mode::Managed) =>
                        {
                            *slot = Some((t, span))
                        }
                        Ok(_) => self.error("Invalid move address", "data sources cannot be moved", span),
                        Err(e) => self.error("Invalid move address", e.to_string(), span),
                    }
                }
                Structure::Block(b) => self.unexpected_block(file, "moved", b),
            }
        }
        let span = self.header_span(file, block);
        match (from, to) {
            (Some((from, from_span)), Some((to, to_span))) => self.module.moved.push(crate::config::Moved {
                from,
                to,
                span,
                from_span,
                to_span,
            }),
            (None, _) => self.error("Missing required argument", "a moved block needs from", span),
            (_, None) => self.error("Missing required argument", "a moved block needs to", span),
        }
    }

    fn check(&mut self, file: FileId, block: &Block) {
        let Some(labels) = self.labels(file, block, 1, "\"NAME\"") else {
            return;
        };
        let span = self.header_span(file, block);
        let mut check = crate::config::Check {
            name: labels[0].clone(),
            asserts: Vec::new(),
            span,
        };
        for s in block.body.iter() {
            match s {
                Structure::Block(b) if b.ident.as_str() == "assert" => {
                    if let Some(v) = self.condition_block(file, b) {
                        check.asserts.push(v);
                    }
                }
                Structure::Block(b) if b.ident.as_str() == "data" => {
                    let addr = match b.labels.as_slice() {
                        [t, n] => crate::addrs::Resource::data(t.as_str(), n.as_str()),
                        _ => crate::addrs::Resource::data("", ""),
                    };
                    self.resource(file, b.clone(), crate::addrs::Mode::Data);
                    if let Some(r) = self.module.resources.get_mut(&addr) {
                        r.check = Some(check.name.clone());
                    }
                }
                Structure::Attribute(a) => self.unexpected_attr(file, "check", a, &[]),
                Structure::Block(b) => self.unexpected_block(file, "check", b),
            }
        }
        if check.asserts.is_empty() {
            self.error(
                "Missing assert block",
                "a check block needs at least one assert block",
                span,
            );
        }
        self.module.checks.push(check);
    }

    fn removed(&mut self, file: FileId, block: &Block) {
        if self.labels(file, block, 0, "").is_none() {
            return;
        }
        let (mut from, mut destroy) = (None, true);
        for s in block.body.iter() {
            match s {
                Structure::Attribute(a) if a.key.as_str() == "from" => {
                    let span = self.span(file, a.value.span());
                    match a.value.to_string().trim().parse::<crate::addrs::Target>() {
                        Ok(t) if t.key.is_none() => from = Some((t, span)),
                        Ok(_) => self.error(
                            "Invalid removed address",
                            "a removed block names a whole resource or module, not one instance",
                            span,
                        ),
                        Err(e) => self.error("Invalid removed address", e.to_string(), span),
                    }
                }
                Structure::Attribute(a) => self.unexpected_attr(file, "removed", a, &["from"]),
                Structure::Block(b) if b.ident.as_str() == "lifecycle" => {
                    for inner in b.body.iter() {
                        match inner {
                            Structure::Attribute(a) if a.key.as_str() == "destroy" => match a.value.as_bool() {
                                Some(v) => destroy = v,
                                None => self.error(
                                    "Invalid destroy value",
                                    "destroy takes true or false",
                                    self.span(file, a.value.span()),
                                ),
                            },
                            Structure::Attribute(a) => self.unexpected_attr(file, "lifecycle", a, &["destroy"]),
                            Structure::Block(b) => self.unexpected_block(file, "lifecycle", b),
                        }
                    }
                }
                Structure::Block(b) => self.unexpected_block(file, "removed", b),
            }
        }
        let span = self.header_span(file, block);
        match from {
            Some((from, from_span)) => self.module.removed.push(crate::config::Removed {
                from,
                destroy,
                span,
                from_span,
            }),
            None => self.error("Missing required argument", "a removed block needs from", span),
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
            (Some((to, span)), Some(id)) => self.module.imports.push(crate::config::Import { to, id, span }),
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
            ephemeral: false,
            depends_on: Vec::new(),
            preconditions: Vec::new(),
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
                    "ephemeral" => out.ephemeral = self.literal_bool(file, a).unwrap_or(false),
                    _ => self.unexpected_attr(file, "output", a, &["value", "description", "sensitive", "depends_on"]),
                },
                Structure::Block(b) if b.ident.as_str() == "precondition" => {
                    if let Some(v) = self.condition_block(file, b) {
                        out.preconditions.push(v);
                    }
                }
                Structure::Block(b) => self.unexpected_block(file, "output", b),
            }
        }
        match value {
            Some(v) => out.value = v,
            None if self.overriding => {}
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
            self.module.outputs.insert(name, out);
        }
    }
}

/// A block's header: its type and labels.
pub fn header_span(file: FileId, block: &Block) -> Span {
    let start = block.ident.span().map_or(0, |s| s.start);
    let end = block
        .labels
        .last()
        .and_then(label_span)
        .or_else(|| block.ident.span())
        .map_or(start, |s| s.end);
    Span::new(file, start..end)
}

/// Whether a `depends_on` reference names a whole object: what is left
/// after the reference may be an instance key of a resource or module, and
/// an output name of a module, nothing else.
fn whole_object(r: &Reference, rest: &[hcl_edit::Decorated<TraversalOperator>]) -> bool {
    let is_key = |o: &hcl_edit::Decorated<TraversalOperator>| {
        matches!(
            o.value(),
            TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_)
        )
    };
    let is_attr = |o: &hcl_edit::Decorated<TraversalOperator>| matches!(o.value(), TraversalOperator::GetAttr(_));
    match r {
        Reference::Var(_) | Reference::Local(_) => rest.is_empty(),
        Reference::Resource(_) => rest.is_empty() || (rest.len() == 1 && is_key(&rest[0])),
        Reference::Module { .. } => match rest {
            [] => true,
            [a] => is_key(a) || is_attr(a),
            [a, b] => is_key(a) && is_attr(b),
            _ => false,
        },
        _ => false,
    }
}

/// `azurerm` or `azurerm.hub`, as a provider configuration is referred to.
fn provider_ref(e: &Expression) -> Option<String> {
    match attr_path(e)?.as_slice() {
        [PathStep::Attr(name)] => Some(name.clone()),
        [PathStep::Attr(name), PathStep::Attr(alias)] => Some(format!("{name}.{alias}")),
        _ => None,
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
    use crate::config::load::from_files;
    use std::path::Path;

    fn load(files: &[(&str, &str)]) -> (Config, Diagnostics) {
        from_files(
            Path::new("."),
            files
                .iter()
                .map(|(n, t)| (n.to_string(), Ok(t.as_bytes().to_vec())))
                .collect(),
            &crate::provider::catalog::testing::schemas(),
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
        assert_eq!(
            c.terraform().required_version.as_ref().map(|v| v.0.as_str()),
            Some(">= 1.5")
        );
        assert_eq!(c.terraform().backend.as_ref().unwrap().0, "azurerm");
        assert_eq!(c.root().providers.len(), 1);
        assert_eq!(c.root().variables["pools"].validations.len(), 1);
        let rg = &c.root().resources[&crate::addrs::Resource::managed("azurerm_resource_group", "rg")];
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
        assert!(c.root().outputs["id"].sensitive);
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
            &crate::provider::catalog::testing::schemas(),
        );
        let d = d.iter().next().unwrap();
        assert_eq!(d.summary, "Invalid UTF-8");
        assert_eq!(c.sources.get(0).position(d.span.unwrap().start).line, 2);
    }

    #[test]
    fn unreadable_files_are_named() {
        let (_, d) = from_files(
            Path::new("."),
            vec![("a.tf".into(), Err("permission denied".into()))],
            &crate::provider::catalog::testing::schemas(),
        );
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
