//! The expressions each object evaluates, and where: the module whose names
//! they see and whether `count.index` and `each.*` mean something there.
//! A module call's arguments are evaluated in the calling module, for the
//! child module's variables.

use super::Scope;
use crate::addrs::{Item, ModulePath, Object};
use crate::config::{parts_in, Config, Expr};
use crate::diag::FileId;
use hcl_edit::expr::Expression;
use hcl_edit::structure::Structure;

/// An expression to scan for references, with the names bound around it
/// (dynamic block iterators).
pub struct Site<'c> {
    pub expr: &'c Expression,
    pub file: FileId,
    pub bound: Vec<String>,
    /// The module the expression is evaluated in.
    pub module: ModulePath,
    pub count: bool,
    pub each: bool,
    /// In a postcondition, where `self` is the object.
    pub with_self: bool,
}

impl Site<'_> {
    pub fn scope(&self) -> Scope<'_> {
        Scope {
            module: &self.module,
            count: self.count,
            each: self.each,
            with_self: self.with_self,
        }
    }
}

/// Every expression an object evaluates, for reference edges.
pub fn object_sites<'c>(config: &'c Config, o: &Object) -> Vec<Site<'c>> {
    let Some(m) = config.module(&o.module) else {
        return Vec::new();
    };
    let plain = |e: &'c Expr| site(e, &o.module, false, false);
    match &o.item {
        Item::Variable(n) => {
            let mut out = Vec::new();
            // Its value: the argument of the call that makes the module.
            if let Some((parent, call)) = o.module.parent() {
                if let Some(call) = config.module(&parent).and_then(|p| p.calls.get(call)) {
                    if let Some(arg) = call.args.get(n) {
                        out.push(site(arg, &parent, call.count.is_some(), call.for_each.is_some()));
                    }
                }
            }
            if let Some(v) = m.variables.get(n) {
                for val in &v.validations {
                    out.push(plain(&val.condition));
                    out.push(plain(&val.error_message));
                }
            }
            out
        }
        Item::Local(n) => m.locals.get(n).map(|l| plain(&l.expr)).into_iter().collect(),
        Item::Output(n) => m
            .outputs
            .get(n)
            .map(|x| {
                let conditions = x.preconditions.iter().flat_map(|v| [&v.condition, &v.error_message]);
                std::iter::once(&x.value).chain(conditions).map(plain).collect()
            })
            .unwrap_or_default(),
        Item::ModuleCall(n) => m
            .calls
            .get(n)
            .map(|c| c.count.iter().chain(&c.for_each).map(plain).collect())
            .unwrap_or_default(),
        Item::Provider(key) => {
            let mut out = Vec::new();
            if let Some(p) = m.providers.iter().find(|p| &p.key() == key) {
                body_sites(
                    parts_in(&p.body, p.file),
                    &o.module,
                    false,
                    false,
                    &mut Vec::new(),
                    &mut out,
                );
            }
            out
        }
        Item::Resource(addr) => {
            let Some(r) = m.resources.get(addr) else {
                return Vec::new();
            };
            let mut out: Vec<Site> = r.count.iter().chain(&r.for_each).map(plain).collect();
            let (count, each) = (r.count.is_some(), r.for_each.is_some());
            body_sites(r.parts(), &o.module, count, each, &mut Vec::new(), &mut out);
            let lc = &r.lifecycle;
            let pre = lc.preconditions.iter().flat_map(|v| [&v.condition, &v.error_message]);
            let triggers = lc.replace_triggered_by.iter().map(|t| &t.expr);
            out.extend(pre.chain(triggers).map(|e| site(e, &o.module, count, each)));
            for v in &lc.postconditions {
                for e in [&v.condition, &v.error_message] {
                    out.push(Site {
                        with_self: true,
                        ..site(e, &o.module, count, each)
                    });
                }
            }
            out
        }
    }
}

fn site<'c>(e: &'c Expr, module: &ModulePath, count: bool, each: bool) -> Site<'c> {
    Site {
        expr: &e.expr,
        file: e.file,
        bound: Vec::new(),
        module: module.clone(),
        count,
        each,
        with_self: false,
    }
}

/// Collects a body's expressions.
fn body_sites<'c>(
    parts: impl Iterator<Item = (FileId, &'c Structure)>,
    module: &ModulePath,
    count: bool,
    each: bool,
    bound: &mut Vec<String>,
    out: &mut Vec<Site<'c>>,
) {
    for (file, s) in parts {
        let push = |expr: &'c Expression, bound: &Vec<String>, out: &mut Vec<Site<'c>>| {
            out.push(Site {
                expr,
                file,
                bound: bound.clone(),
                module: module.clone(),
                count,
                each,
                with_self: false,
            })
        };
        match s {
            Structure::Attribute(a) => push(&a.value, bound, out),
            Structure::Block(b) if b.ident.as_str() == "dynamic" => {
                let iterator = b
                    .body
                    .get_attribute("iterator")
                    .and_then(|a| match &a.value {
                        Expression::Variable(v) => Some(v.as_str().to_string()),
                        _ => None,
                    })
                    .or_else(|| b.labels.first().map(|l| l.as_str().to_string()));
                if let Some(fe) = b.body.get_attribute("for_each") {
                    push(&fe.value, bound, out);
                }
                let pushed = iterator.is_some();
                if let Some(it) = iterator {
                    bound.push(it);
                }
                for content in b.body.get_blocks("content") {
                    body_sites(parts_in(&content.body, file), module, count, each, bound, out);
                }
                if pushed {
                    bound.pop();
                }
            }
            Structure::Block(b) => body_sites(parts_in(&b.body, file), module, count, each, bound, out),
        }
    }
}
