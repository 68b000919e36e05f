//! Configuration: the `.tf` and `.tf.json` files of one directory, parsed and checked.
//!
//! Owns reading and parsing files ([`load`]), the model of the blocks they
//! declare (this file), variable values and their sources ([`vars`]), resource
//! schemas ([`schema`]) and the static checks against them ([`validate`]).
//! It evaluates only what must be constant (defaults, lifecycle, tfvars); the
//! rest is evaluated by `core`, in dependency order.

pub mod backend;
pub mod big_objects;
pub mod blocks;
pub mod calls;
pub mod constraint;
pub mod json;
pub mod load;
pub mod modules;
pub mod moved;
pub mod overrides;
pub mod pieces;
pub mod providers;
pub mod tables;
pub mod triggers;
pub mod validate;
pub mod vars;

use crate::addrs;
use crate::diag::{FileId, Sources, Span};
use crate::lang::types::Type;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Body, Structure};
use hcl_edit::Span as _;
use indexmap::IndexMap;
use std::path::PathBuf;

pub use load::load_dir;

/// An expression and the file it was written in.
#[derive(Debug, Clone)]
pub struct Expr {
    pub file: FileId,
    pub expr: Expression,
}

impl Expr {
    /// Where the expression is written (the start of the file if unknown).
    pub fn span(&self) -> Span {
        Span::new(self.file, self.expr.span().unwrap_or(0..0))
    }

    /// The span of a byte range inside this expression's file.
    pub fn span_of(&self, range: Option<std::ops::Range<usize>>) -> Span {
        range.map_or_else(|| self.span(), |r| Span::new(self.file, r))
    }
}

/// A whole configuration: the root module and every module it calls,
/// however deep, each read from its own directory.
#[derive(Debug, Default)]
pub struct Config {
    /// The root module's directory.
    pub dir: PathBuf,
    pub sources: Sources,
    /// Every module, the root first, then each module after the one that
    /// calls it.
    pub modules: IndexMap<addrs::ModulePath, Module>,
    /// The providers' schemas the configuration was read with, and is
    /// evaluated and validated with.
    pub schemas: crate::schema::Schemas,
    /// `terraform.workspace`: the selected workspace (empty reads as `default`).
    pub workspace: String,
}

impl Config {
    /// The schema of a resource type or data source, if a provider has it.
    pub fn schema(&self, mode: addrs::Mode, type_name: &str) -> Option<&crate::schema::Schema> {
        self.schemas.schema(mode, type_name)
    }

    /// The root module.
    pub fn root(&self) -> &Module {
        &self.modules[0]
    }

    pub fn module(&self, path: &addrs::ModulePath) -> Option<&Module> {
        self.modules.get(path)
    }

    /// The resource block of a module.
    pub fn resource(&self, r: &addrs::ConfigResource) -> Option<&Resource> {
        self.modules.get(&r.module)?.resources.get(&r.resource)
    }

    /// The resource block an instance belongs to.
    pub fn resource_of(&self, i: &addrs::Instance) -> Option<&Resource> {
        self.modules.get(&i.module.path())?.resources.get(&i.resource)
    }

    /// Every resource block of every module.
    pub fn resources(&self) -> impl Iterator<Item = (addrs::ConfigResource, &Resource)> {
        self.modules.iter().flat_map(|(path, m)| {
            m.resources.iter().map(move |(r, res)| {
                (
                    addrs::ConfigResource {
                        module: path.clone(),
                        resource: r.clone(),
                    },
                    res,
                )
            })
        })
    }

    /// The root module's `terraform` block.
    pub fn terraform(&self) -> &TerraformSettings {
        &self.root().terraform
    }
}

/// One module: what the `.tf` and `.tf.json` files of one directory declare.
#[derive(Debug, Default)]
pub struct Module {
    pub path: addrs::ModulePath,
    /// Its directory, relative to the root module's (`.` for the root),
    /// which `path.module` gives.
    pub dir: PathBuf,
    pub terraform: TerraformSettings,
    pub providers: Vec<Provider>,
    pub variables: IndexMap<String, Variable>,
    pub locals: IndexMap<String, Local>,
    pub resources: IndexMap<addrs::Resource, Resource>,
    pub outputs: IndexMap<String, Output>,
    /// `module` blocks, by name.
    pub calls: IndexMap<String, ModuleCall>,
    /// `import` blocks: existing cloud resources to bring under management
    /// (root module only).
    pub imports: Vec<Import>,
    /// `moved` blocks: state addresses renamed before planning.
    pub moved: Vec<Moved>,
    /// `removed` blocks: what leaves the configuration, and whether it is
    /// destroyed or only forgotten.
    pub removed: Vec<Removed>,
    /// `check` blocks: assertions reported as warnings, never blocking.
    pub checks: Vec<Check>,
}

/// `check "NAME" { assert { condition, error_message } }`.
#[derive(Debug, Clone)]
pub struct Check {
    pub name: String,
    pub asserts: Vec<Validation>,
    pub span: Span,
}

/// `removed { from = ADDR  lifecycle { destroy = false } }`.
#[derive(Debug, Clone)]
pub struct Removed {
    pub from: addrs::Target,
    /// `lifecycle { destroy }`: true (the default) destroys as usual; false
    /// only takes the objects out of state.
    pub destroy: bool,
    pub span: Span,
    pub from_span: Span,
}

/// `moved { from = ADDR, to = ADDR }`: a resource, one of its instances, or
/// a module call or instance, relative to the module the block is in.
#[derive(Debug, Clone)]
pub struct Moved {
    pub from: addrs::Target,
    pub to: addrs::Target,
    /// The block header.
    pub span: Span,
    pub from_span: Span,
    pub to_span: Span,
}

/// A `module "NAME" { source = ... }` block.
#[derive(Debug, Clone)]
pub struct ModuleCall {
    pub name: String,
    pub source: String,
    pub version: Option<String>,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    pub depends_on: Vec<DependsOn>,
    /// `providers = { azurerm = azurerm.hub }`: the child's provider
    /// configuration name, and the parent's it is given.
    pub providers: Vec<ProviderPass>,
    /// The module's input variables, by name.
    pub args: IndexMap<String, Expr>,
    pub file: FileId,
    /// The block header: `module "NAME"`.
    pub span: Span,
    /// The `source` expression.
    pub source_span: Span,
    /// The `version` expression, if written.
    pub version_span: Option<Span>,
}

/// One entry of a module call's `providers` map.
#[derive(Debug, Clone)]
pub struct ProviderPass {
    /// In the child: `azurerm` or `azurerm.spoke`.
    pub child: String,
    /// In the caller: `azurerm.hub`.
    pub parent: String,
    pub span: Span,
}

/// `import { to = ADDR, id = "..." }`.
#[derive(Debug, Clone)]
pub struct Import {
    pub to: addrs::Instance,
    pub id: String,
    /// The `to` expression.
    pub span: Span,
}

/// The `terraform` block.
#[derive(Debug, Default, Clone)]
pub struct TerraformSettings {
    /// The Terraform version constraint, and where it is written.
    pub required_version: Option<(String, Span)>,
    pub required_providers: IndexMap<String, RequiredProvider>,
    /// The `backend` (or `cloud`) block, as written.
    pub backend: Option<backend::BackendDecl>,
}

/// One entry of `required_providers`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RequiredProvider {
    pub source: Option<String>,
    pub version: Option<String>,
    /// `configuration_aliases = [azurerm.hub]`: alias names a caller must pass.
    pub configuration_aliases: Vec<String>,
}

/// A `provider` block.
#[derive(Debug, Clone)]
pub struct Provider {
    pub name: String,
    pub alias: Option<String>,
    pub body: Body,
    pub file: FileId,
    pub span: Span,
}

impl Provider {
    /// `azurerm`, or `azurerm.hub` for an alias.
    pub fn key(&self) -> String {
        match &self.alias {
            Some(a) => format!("{}.{a}", self.name),
            None => self.name.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    pub ty: Option<Type>,
    pub default: Option<Expr>,
    pub description: Option<String>,
    pub sensitive: bool,
    pub nullable: bool,
    /// `ephemeral = true`: its value may reach only what is never
    /// persisted (write-only arguments, ephemeral outputs, locals).
    pub ephemeral: bool,
    pub validations: Vec<Validation>,
    /// The block's header: `variable "name"`.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Validation {
    pub condition: Expr,
    pub error_message: Expr,
}

#[derive(Debug, Clone)]
pub struct Local {
    pub name: String,
    pub expr: Expr,
    /// The whole `name = value` attribute.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Output {
    pub name: String,
    pub value: Expr,
    pub description: Option<String>,
    pub sensitive: bool,
    /// `ephemeral = true`: a child module's output that may carry
    /// ephemeral values (refused in the root module).
    pub ephemeral: bool,
    pub depends_on: Vec<DependsOn>,
    /// `precondition` blocks: checked before the value is.
    pub preconditions: Vec<Validation>,
    pub span: Span,
}

/// One entry of `depends_on`: the object named, and where.
#[derive(Debug, Clone)]
pub struct DependsOn {
    pub reference: crate::lang::Reference,
    pub span: Span,
}

/// A `resource` or `data` block.
#[derive(Debug, Clone)]
pub struct Resource {
    pub addr: addrs::Resource,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    pub depends_on: Vec<DependsOn>,
    pub lifecycle: Lifecycle,
    /// `provider = azurerm.hub`: the configuration's name, and where.
    pub provider: Option<(String, Span)>,
    /// The block body without meta-arguments.
    pub body: Body,
    pub file: FileId,
    /// The file of each of the body's top-level structures, when an
    /// override file replaced some of them; empty when `file` holds all.
    pub origins: Vec<FileId>,
    /// The block header: `resource "TYPE" "NAME"`.
    pub span: Span,
    /// The type label, for errors about the type.
    pub type_span: Span,
    /// The `check` block a scoped data source is declared in: its failures
    /// are warnings, as the check's are.
    pub check: Option<String>,
}

impl Resource {
    /// The body's top-level arguments and blocks, each with the file it is
    /// written in.
    pub fn parts(&self) -> impl Iterator<Item = (FileId, &Structure)> {
        self.body
            .iter()
            .enumerate()
            .map(|(i, s)| (self.origins.get(i).copied().unwrap_or(self.file), s))
    }

    /// Where a diagnostic about this block belongs: the argument it names
    /// ([`crate::diag::Diagnostic::attribute`]) where that is written,
    /// the block header otherwise (as Terraform points at an absent one).
    pub fn span_for(&self, d: &crate::diag::Diagnostic) -> Span {
        let written = d.attribute.as_deref().and_then(|name| {
            self.parts().find_map(|(file, s)| match s {
                Structure::Attribute(a) if a.key.as_str() == name => Some(Span::new(file, a.span()?)),
                _ => None,
            })
        });
        written.unwrap_or(self.span)
    }
}

/// A body's structures, all written in `file`.
pub fn parts_in(body: &Body, file: FileId) -> impl Iterator<Item = (FileId, &Structure)> {
    body.iter().map(move |s| (file, s))
}

/// `lifecycle { ... }`, carried for the planner.
#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    pub prevent_destroy: bool,
    pub create_before_destroy: bool,
    pub ignore_changes: IgnoreChanges,
    /// `precondition` blocks: checked before the resource is planned.
    pub preconditions: Vec<Validation>,
    /// `postcondition` blocks: checked against the planned object, and
    /// against the new object after apply; `self` is the object.
    pub postconditions: Vec<Validation>,
    /// `replace_triggered_by`: changes that replace the resource.
    pub replace_triggered_by: Vec<triggers::Trigger>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub enum IgnoreChanges {
    #[default]
    None,
    /// `ignore_changes = all`.
    All,
    /// Attribute paths such as `tags` or `default_node_pool[0].node_count`.
    Paths(Vec<AttrPath>),
}

/// A path into a resource's attributes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AttrPath {
    pub steps: Vec<PathStep>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathStep {
    Attr(String),
    Key(String),
    Index(u64),
}

impl std::fmt::Display for AttrPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, s) in self.steps.iter().enumerate() {
            match s {
                PathStep::Attr(a) if i == 0 => write!(f, "{a}")?,
                PathStep::Attr(a) => write!(f, ".{a}")?,
                PathStep::Key(k) => write!(f, "[{}]", crate::lang::value::quote(k))?,
                PathStep::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}
