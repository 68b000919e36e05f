//! Ephemeral values: where they may go.
//!
//! A variable declared `ephemeral = true`, and a child module's output
//! declared so, hold values that must never be persisted. As Terraform
//! 1.11 does, they may reach locals, other ephemeral variables, ephemeral
//! outputs of child modules, write-only arguments, provider blocks and
//! conditions; a resource or data source argument, `count`, `for_each`, a
//! module input not declared ephemeral, or an output not declared
//! ephemeral (and any root module output) is an error at its place, with
//! Terraform's words, before anything is planned or written.
//!
//! The check follows references, as HCL propagates marks: whatever an
//! expression refers to reaches its result (both arms of a conditional
//! included), except through `can()` and `ephemeralasnull()` (see
//! [`crate::lang::refs::value_references`]). It evaluates nothing.

use crate::addrs::ModulePath;
use crate::config::{Config, Expr, Module, Resource};
use crate::diag::{Diagnostic, Diagnostics, FileId, Span};
use crate::lang::refs::value_references;
use crate::lang::Reference;
use crate::schema::BlockSchema;
use hcl_edit::structure::{Body, Structure};
use hcl_edit::Span as _;
use std::collections::HashSet;

/// Every use of an ephemeral value where it would be persisted.
pub fn check(config: &Config) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for (path, m) in &config.modules {
        let flow = Flow::new(config, path, m);
        for r in m.resources.values() {
            flow.resource(r, &mut diags);
        }
        for call in m.calls.values() {
            flow.call(call, &mut diags);
        }
        flow.outputs(&mut diags);
    }
    diags
}

/// What is ephemeral in one module.
struct Flow<'c> {
    config: &'c Config,
    path: &'c ModulePath,
    module: &'c Module,
    /// Locals whose value derives from an ephemeral one.
    locals: HashSet<&'c str>,
    /// Whether anything here is ephemeral at all (a variable, or an output
    /// of a module it calls): most modules have nothing to follow.
    sources: bool,
}

impl<'c> Flow<'c> {
    fn new(config: &'c Config, path: &'c ModulePath, module: &'c Module) -> Flow<'c> {
        let mut flow = Flow {
            config,
            path,
            module,
            locals: HashSet::new(),
            sources: false,
        };
        flow.sources = module.variables.values().any(|v| v.ephemeral)
            || module.calls.keys().any(|name| {
                config
                    .module(&path.child(name))
                    .is_some_and(|child| child.outputs.values().any(|o| o.ephemeral))
            });
        // Locals refer to locals: grow the set until nothing joins it.
        while flow.sources {
            let joining: Vec<&str> = module
                .locals
                .iter()
                .filter(|(name, l)| !flow.locals.contains(name.as_str()) && flow.derives(&l.expr.expr, &[]))
                .map(|(name, _)| name.as_str())
                .collect();
            if joining.is_empty() {
                break;
            }
            flow.locals.extend(joining);
        }
        flow
    }

    /// Whether a reference's value is ephemeral.
    fn is_ephemeral(&self, r: &Reference) -> bool {
        match r {
            Reference::Var(n) => self.module.variables.get(n).is_some_and(|v| v.ephemeral),
            Reference::Local(n) => self.locals.contains(n.as_str()),
            Reference::Module { name, output } => {
                let Some(child) = self.config.module(&self.path.child(name)) else {
                    return false;
                };
                match output {
                    Some(o) => child.outputs.get(o).is_some_and(|o| o.ephemeral),
                    None => child.outputs.values().any(|o| o.ephemeral),
                }
            }
            _ => false,
        }
    }

    /// Whether the expression's value derives from an ephemeral value;
    /// `bound` are names a dynamic block binds around it.
    fn derives(&self, expr: &hcl_edit::expr::Expression, bound: &[String]) -> bool {
        self.sources
            && value_references(expr, bound)
                .iter()
                .any(|r| self.is_ephemeral(&r.reference))
    }

    fn resource(&self, r: &Resource, diags: &mut Diagnostics) {
        self.repetition(r.count.as_ref(), r.for_each.as_ref(), "resource", diags);
        let schema = self.config.schema(r.addr.mode, &r.addr.type_name).map(|s| &s.block);
        for (file, s) in r.parts() {
            self.structure(file, s, schema, &[], diags);
        }
    }

    /// One argument or nested block of a resource body.
    fn structure(
        &self,
        file: FileId,
        s: &Structure,
        schema: Option<&BlockSchema>,
        bound: &[String],
        diags: &mut Diagnostics,
    ) {
        match s {
            Structure::Attribute(a) => {
                let name = a.key.as_str();
                let write_only = schema
                    .and_then(|b| b.attributes.get(name))
                    .is_some_and(|attr| attr.ephemeral);
                if !write_only && self.derives(&a.value, bound) {
                    diags.push(not_persistable(name, Span::new(file, a.value.span().unwrap_or(0..0))));
                }
            }
            Structure::Block(b) if b.ident.as_str() == "dynamic" => {
                let Some(name) = b.labels.first().map(|l| l.as_str().to_string()) else {
                    return;
                };
                if let Some(f) = b.body.get_attribute("for_each") {
                    if self.derives(&f.value, bound) {
                        diags.push(not_persistable(&name, Span::new(file, f.value.span().unwrap_or(0..0))));
                    }
                }
                let iterator = match b.body.get_attribute("iterator").map(|a| &a.value) {
                    Some(hcl_edit::expr::Expression::Variable(v)) => v.as_str().to_string(),
                    _ => name.clone(),
                };
                let mut inner = bound.to_vec();
                inner.push(iterator);
                let nested = schema.and_then(|s| s.block_types.get(&name)).map(|n| &n.block);
                for content in b.body.get_blocks("content") {
                    self.body(file, &content.body, nested, &inner, diags);
                }
            }
            Structure::Block(b) => {
                let nested = schema
                    .and_then(|s| s.block_types.get(b.ident.as_str()))
                    .map(|n| &n.block);
                self.body(file, &b.body, nested, bound, diags);
            }
        }
    }

    fn body(&self, file: FileId, body: &Body, schema: Option<&BlockSchema>, bound: &[String], diags: &mut Diagnostics) {
        for s in body.iter() {
            self.structure(file, s, schema, bound, diags);
        }
    }

    /// `count` and `for_each`, which decide instance keys kept in state.
    fn repetition(&self, count: Option<&Expr>, for_each: Option<&Expr>, what: &str, diags: &mut Diagnostics) {
        if let Some(c) = count.filter(|c| self.derives(&c.expr, &[])) {
            diags.push(
                Diagnostic::error("Invalid count argument")
                    .with_detail(format!(
                        "The given \"count\" is derived from an ephemeral value, which means that aksplan cannot \
                         persist it between plan/apply rounds. Use only non-ephemeral values to specify the number \
                         of {what} instances."
                    ))
                    .with_span(c.span()),
            );
        }
        if let Some(f) = for_each.filter(|f| self.derives(&f.expr, &[])) {
            diags.push(
                Diagnostic::error("Invalid for_each argument")
                    .with_detail(format!(
                        "The given \"for_each\" value is derived from an ephemeral value, which means that aksplan \
                         cannot persist it between plan/apply rounds. Use only non-ephemeral values to specify a \
                         {what}'s instance keys."
                    ))
                    .with_span(f.span()),
            );
        }
    }

    /// A module call: its repetition, and each input given to a variable
    /// that is not declared ephemeral.
    fn call(&self, call: &crate::config::ModuleCall, diags: &mut Diagnostics) {
        self.repetition(call.count.as_ref(), call.for_each.as_ref(), "module", diags);
        let child = self.config.module(&self.path.child(&call.name));
        for (name, arg) in &call.args {
            let accepts = child.and_then(|c| c.variables.get(name)).is_some_and(|v| v.ephemeral);
            if !accepts && self.derives(&arg.expr, &[]) {
                diags.push(
                    Diagnostic::error("Ephemeral value not allowed")
                        .with_detail(
                            "This input variable is not declared as accepting a ephemeral values, so it cannot be \
                             set to a result derived from an ephemeral value.",
                        )
                        .with_span(arg.span()),
                );
            }
        }
    }

    /// Outputs: the root module's are kept in state, so none is ephemeral;
    /// a child's must say it passes an ephemeral value on.
    fn outputs(&self, diags: &mut Diagnostics) {
        for out in self.module.outputs.values() {
            if out.ephemeral && self.path.is_root() {
                diags.push(
                    Diagnostic::error("Ephemeral output not allowed")
                        .with_detail("Ephemeral outputs are not allowed in context of a root module")
                        .with_span(out.span),
                );
            } else if !out.ephemeral && self.derives(&out.value.expr, &[]) {
                diags.push(
                    Diagnostic::error("Ephemeral value not allowed")
                        .with_detail(
                            "This output value is not declared as returning an ephemeral value, so it cannot be \
                             set to a result derived from an ephemeral value.",
                        )
                        .with_span(out.value.span()),
                );
            }
        }
    }
}

/// Terraform's error for an ephemeral value in an argument kept in state.
fn not_persistable(name: &str, at: Span) -> Diagnostic {
    Diagnostic::error("Invalid use of ephemeral value")
        .with_detail(format!(
            "Ephemeral values are not valid for {name:?}, because it is not a write-only attribute and must be \
             persisted to state."
        ))
        .with_span(at)
}
