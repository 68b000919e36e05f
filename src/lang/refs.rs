//! References: what an expression names (`var.x`, `local.y`, `azurerm_subnet.a`, `count.index`).
//!
//! [`parse_traversal`] reads the reference at the head of a traversal; it is
//! shared by the evaluator (to look values up) and by [`references`], which
//! lists every reference of an expression for the dependency graph. Names bound
//! by `for` expressions and template `for` directives are not references.

use crate::addrs;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::{Decorated, Ident, Span as _};
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reference {
    Var(String),
    Local(String),
    Resource(addrs::Resource),
    /// `module.NAME`, and the output named after it when there is one
    /// (`module.net.subnet_ids`, `module.net["a"].subnet_ids`): the value is
    /// the whole call's, the output says which part the reference needs.
    Module {
        name: String,
        output: Option<String>,
    },
    CountIndex,
    EachKey,
    EachValue,
    /// `path.module`, `path.root`, `path.cwd`.
    Path(String),
    TerraformWorkspace,
    /// `self`: the object a `postcondition` is about.
    SelfObject,
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reference::Var(n) => write!(f, "var.{n}"),
            Reference::Local(n) => write!(f, "local.{n}"),
            Reference::Resource(r) => write!(f, "{r}"),
            Reference::Module { name, output: None } => write!(f, "module.{name}"),
            Reference::Module { name, output: Some(o) } => write!(f, "module.{name}.{o}"),
            Reference::CountIndex => f.write_str("count.index"),
            Reference::EachKey => f.write_str("each.key"),
            Reference::EachValue => f.write_str("each.value"),
            Reference::Path(p) => write!(f, "path.{p}"),
            Reference::TerraformWorkspace => f.write_str("terraform.workspace"),
            Reference::SelfObject => f.write_str("self"),
        }
    }
}

/// A reference and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpannedRef {
    pub reference: Reference,
    pub span: Range<usize>,
}

/// A reference that cannot be valid, whatever the configuration declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefError {
    pub message: String,
    pub span: Option<Range<usize>>,
}

/// Reads the reference at the head of `root.op1.op2...`; returns it and how many
/// operators it used. `root` is the traversal's root identifier.
pub fn parse_traversal(
    root: &hcl_edit::Decorated<hcl_edit::Ident>,
    ops: &[hcl_edit::Decorated<TraversalOperator>],
) -> Result<(SpannedRef, usize), RefError> {
    let name = root.as_str();
    let attr = |i: usize| -> Option<&str> {
        match ops.get(i).map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        }
    };
    let span_to = |n: usize| -> Range<usize> {
        let start = root.span().map_or(0, |s| s.start);
        let end = ops
            .get(n.saturating_sub(1))
            .filter(|_| n > 0)
            .and_then(|o| o.span())
            .or_else(|| root.span())
            .map_or(start, |s| s.end);
        start..end
    };
    let need_attr = |what: &str| RefError {
        message: format!("the {name:?} object cannot be used directly: write {name}.{what}"),
        span: root.span(),
    };
    let (reference, used) = match name {
        "var" => (Reference::Var(attr(0).ok_or_else(|| need_attr("NAME"))?.to_string()), 1),
        "local" => (
            Reference::Local(attr(0).ok_or_else(|| need_attr("NAME"))?.to_string()),
            1,
        ),
        "count" => match attr(0) {
            Some("index") => (Reference::CountIndex, 1),
            _ => {
                return Err(RefError {
                    message: "the \"count\" object has only the attribute \"index\"".into(),
                    span: Some(span_to(1)),
                })
            }
        },
        "each" => match attr(0) {
            Some("key") => (Reference::EachKey, 1),
            Some("value") => (Reference::EachValue, 1),
            _ => {
                return Err(RefError {
                    message: "the \"each\" object has only the attributes \"key\" and \"value\"".into(),
                    span: Some(span_to(1)),
                })
            }
        },
        "path" => match attr(0) {
            Some(p @ ("module" | "root" | "cwd")) => (Reference::Path(p.to_string()), 1),
            _ => {
                return Err(RefError {
                    message: "the \"path\" object has the attributes \"module\", \"root\" and \"cwd\"".into(),
                    span: Some(span_to(1)),
                })
            }
        },
        "terraform" => match attr(0) {
            Some("workspace") => (Reference::TerraformWorkspace, 1),
            _ => {
                return Err(RefError {
                    message: "the \"terraform\" object has only the attribute \"workspace\"".into(),
                    span: Some(span_to(1)),
                })
            }
        },
        "data" => match (attr(0), attr(1)) {
            (Some(t), Some(n)) => (Reference::Resource(addrs::Resource::data(t, n)), 2),
            _ => return Err(need_attr("TYPE.NAME")),
        },
        "module" => {
            let name = attr(0).ok_or_else(|| need_attr("NAME"))?.to_string();
            let output = match (ops.get(1).map(|o| o.value()), attr(1), attr(2)) {
                (_, Some(out), _) => Some(out.to_string()),
                (Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_)), None, Some(out)) => {
                    Some(out.to_string())
                }
                _ => None,
            };
            (Reference::Module { name, output }, 1)
        }
        "self" => (Reference::SelfObject, 0),
        type_name => match attr(0) {
            Some(n) => (Reference::Resource(addrs::Resource::managed(type_name, n)), 1),
            None => {
                return Err(RefError {
                    message: format!(
                    "{type_name:?} is not a known name; a resource is referred to as TYPE.NAME, a variable as var.NAME"
                ),
                    span: root.span(),
                })
            }
        },
    };
    Ok((
        SpannedRef {
            reference,
            span: span_to(used),
        },
        used,
    ))
}

/// Every reference in an expression, in source order. Invalid references are
/// skipped here: the evaluator reports them with their span.
pub fn references(expr: &Expression) -> Vec<SpannedRef> {
    references_with(expr, &[])
}

/// Like [`references`], with names already bound around the expression
/// (a dynamic block's iterator, say).
pub fn references_with(expr: &Expression, bound: &[String]) -> Vec<SpannedRef> {
    let mut out = Vec::new();
    let mut bound = bound.to_vec();
    walk(expr, &mut bound, &[], &mut |root, ops| {
        // A bare name (`x`) refers to nothing of the configuration.
        if !ops.is_empty() {
            if let Ok((r, _)) = parse_traversal(root, ops) {
                out.push(r);
            }
        }
    });
    out
}

/// The root names a template refers to (`name` of `${name.first}`), with
/// where each is written, in source order; names bound by its `for`
/// directives and expressions are not included. `templatefile` checks them
/// against its variables.
pub fn template_roots(t: &Template) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    walk_template(t, &mut Vec::new(), &[], &mut |root, _| {
        out.push((root.as_str().to_string(), root.span().unwrap_or(0..0)));
    });
    out
}

/// What [`walk`] reports: the root of a variable reference not bound by an
/// enclosing `for`, and the traversal steps after it (none for a bare name).
type Visit<'v> = dyn FnMut(&Decorated<Ident>, &[Decorated<TraversalOperator>]) + 'v;

/// Functions whose result carries nothing of their arguments' values nor
/// marks: `can` gives a bool of its own, `ephemeralasnull` a null in place
/// of an ephemeral value.
const OPAQUE_CALLS: &[&str] = &["can", "ephemeralasnull"];

/// The references whose values (and so whose marks, sensitive or
/// ephemeral) can reach the expression's result: every reference but those
/// inside the arguments of [`OPAQUE_CALLS`]. A conditional's arms both
/// count, as HCL gives its result the marks of both.
pub fn value_references(expr: &Expression, bound: &[String]) -> Vec<SpannedRef> {
    let mut out = Vec::new();
    let mut bound = bound.to_vec();
    walk(expr, &mut bound, OPAQUE_CALLS, &mut |root, ops| {
        if !ops.is_empty() {
            if let Ok((r, _)) = parse_traversal(root, ops) {
                out.push(r);
            }
        }
    });
    out
}

fn walk(expr: &Expression, bound: &mut Vec<String>, opaque: &[&str], visit: &mut Visit<'_>) {
    match expr {
        Expression::Null(_) | Expression::Bool(_) | Expression::Number(_) | Expression::String(_) => {}
        Expression::Array(items) => items.iter().for_each(|e| walk(e, bound, opaque, visit)),
        Expression::Object(obj) => {
            for (k, v) in obj.iter() {
                if let ObjectKey::Expression(k) = k {
                    // A bare name as a key is the key itself, not a reference.
                    if !matches!(k, Expression::Variable(_)) {
                        walk(k, bound, opaque, visit);
                    }
                }
                walk(v.expr(), bound, opaque, visit);
            }
        }
        Expression::StringTemplate(t) => walk_template(t, bound, opaque, visit),
        Expression::HeredocTemplate(h) => walk_template(&h.template, bound, opaque, visit),
        Expression::Parenthesis(p) => walk(p.inner(), bound, opaque, visit),
        Expression::Variable(v) => {
            if !bound.iter().any(|b| b == v.as_str()) {
                visit(v, &[]);
            }
        }
        Expression::Conditional(c) => {
            walk(&c.cond_expr, bound, opaque, visit);
            walk(&c.true_expr, bound, opaque, visit);
            walk(&c.false_expr, bound, opaque, visit);
        }
        Expression::FuncCall(f) => {
            let name = f.name.name.as_str();
            let core = f.name.namespace.len() == 1 && f.name.namespace[0].as_str() == "core";
            let opaque_call = (!f.name.is_namespaced() || core) && opaque.contains(&name);
            if !opaque_call {
                f.args.iter().for_each(|e| walk(e, bound, opaque, visit));
            }
        }
        Expression::Traversal(t) => {
            match &t.expr {
                Expression::Variable(root) => {
                    if !bound.iter().any(|b| b == root.as_str()) {
                        visit(root, &t.operators);
                    }
                }
                e => walk(e, bound, opaque, visit),
            }
            for op in &t.operators {
                if let TraversalOperator::Index(i) = op.value() {
                    walk(i, bound, opaque, visit);
                }
            }
        }
        Expression::UnaryOp(u) => walk(&u.expr, bound, opaque, visit),
        Expression::BinaryOp(b) => {
            walk(&b.lhs_expr, bound, opaque, visit);
            walk(&b.rhs_expr, bound, opaque, visit);
        }
        Expression::ForExpr(f) => {
            walk(&f.intro.collection_expr, bound, opaque, visit);
            let before = bound.len();
            if let Some(k) = &f.intro.key_var {
                bound.push(k.as_str().to_string());
            }
            bound.push(f.intro.value_var.as_str().to_string());
            if let Some(k) = &f.key_expr {
                walk(k, bound, opaque, visit);
            }
            walk(&f.value_expr, bound, opaque, visit);
            if let Some(c) = &f.cond {
                walk(&c.expr, bound, opaque, visit);
            }
            bound.truncate(before);
        }
    }
}

fn walk_template(t: &Template, bound: &mut Vec<String>, opaque: &[&str], visit: &mut Visit<'_>) {
    for element in t.iter() {
        match element {
            Element::Literal(_) => {}
            Element::Interpolation(i) => walk(&i.expr, bound, opaque, visit),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    walk(&d.if_expr.cond_expr, bound, opaque, visit);
                    walk_template(&d.if_expr.template, bound, opaque, visit);
                    if let Some(e) = &d.else_expr {
                        walk_template(&e.template, bound, opaque, visit);
                    }
                }
                Directive::For(d) => {
                    walk(&d.for_expr.collection_expr, bound, opaque, visit);
                    let before = bound.len();
                    if let Some(k) = &d.for_expr.key_var {
                        bound.push(k.as_str().to_string());
                    }
                    bound.push(d.for_expr.value_var.as_str().to_string());
                    walk_template(&d.for_expr.template, bound, opaque, visit);
                    bound.truncate(before);
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcl_edit::parser::parse_expr;

    fn refs(src: &str) -> Vec<String> {
        references(&parse_expr(src).unwrap())
            .into_iter()
            .map(|r| format!("{} @{}..{}", r.reference, r.span.start, r.span.end))
            .collect()
    }

    #[test]
    fn finds_every_kind_of_reference_with_its_span() {
        assert_eq!(
            refs("var.a + local.b[0] + azurerm_subnet.s.id + data.azurerm_client_config.c.tenant_id"),
            vec![
                "var.a @0..5",
                "local.b @8..15",
                "azurerm_subnet.s @21..37",
                "data.azurerm_client_config.c @43..71",
            ]
        );
    }

    #[test]
    fn names_bound_by_for_are_not_references() {
        assert_eq!(
            refs("[for s in var.subnets : s.id if s.enabled]"),
            vec!["var.subnets @10..21"]
        );
        assert_eq!(
            refs("\"%{ for k, v in local.m }${k}=${v}%{ endfor }\""),
            vec!["local.m @16..23"]
        );
    }

    #[test]
    fn references_inside_templates_indexes_and_calls() {
        assert_eq!(
            refs("\"${var.prefix}-${each.key}\""),
            vec!["var.prefix @3..13", "each.key @17..25"]
        );
        assert_eq!(refs("lookup(local.m, var.k)[count.index]").len(), 3);
    }

    #[test]
    fn invalid_heads_are_errors() {
        let e = parse_expr("var").unwrap();
        assert!(references(&e).is_empty());
        let t = parse_expr("count.foo").unwrap();
        let Expression::Traversal(t) = t else { panic!() };
        let Expression::Variable(root) = &t.expr else { panic!() };
        let err = parse_traversal(root, &t.operators).unwrap_err();
        assert!(err.message.contains("only the attribute \"index\""));
    }
}
