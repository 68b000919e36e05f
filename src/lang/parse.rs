//! Reading one expression written on its own (a console line), as HCL's
//! `ParseExpression` reads it: comments before and after the expression are
//! white space (`1 // two` is `1`, `/* c */ 2` is `2`).
//!
//! hcl-edit's `parse_expr` refuses comments (and even white space) around
//! an expression, though it takes them inside one. So an expression that
//! does not parse alone is read as the value of an attribute, which may
//! carry comments; when that works, the expression is read again from its
//! own text. [`expression`] says which part of the input that is: the
//! spans of the expression are relative to it. hcl-edit also takes a
//! quoted string written over several lines, which HCL refuses ("Invalid
//! multi-line string"): [`multi_line_strings`] finds them in the source.
//! Owns no evaluation.

use hcl_edit::expr::Expression;
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span as _;
use std::ops::Range;

/// Parses `src` as one expression, with comments around it allowed; also
/// returns the range of `src` the expression was read from (its spans are
/// offsets into that part).
pub fn expression(src: &str) -> Result<(Expression, Range<usize>), ParseError> {
    let first = match hcl_edit::parser::parse_expr(src) {
        Ok(e) => return checked(e, src, 0..src.len()),
        Err(e) => ParseError {
            message: e.message().to_string(),
            span: None,
        },
    };
    const NAME: &str = "__aksplan_expression";
    let prefix = format!("{NAME} = ");
    let wrapped = format!("{prefix}{src}\n");
    let Ok(body) = hcl_edit::parser::parse_body(&wrapped) else {
        return Err(first);
    };
    let value = match (body.len(), body.get_attribute(NAME)) {
        (1, Some(attr)) => &attr.value,
        _ => return Err(first),
    };
    let Some(span) = value.span() else {
        return Err(first);
    };
    let range = span.start.saturating_sub(prefix.len())..span.end.saturating_sub(prefix.len()).min(src.len());
    match src.get(range.clone()).map(hcl_edit::parser::parse_expr) {
        Some(Ok(e)) => checked(e, &src[range.clone()], range),
        _ => Err(first),
    }
}

/// HCL's detail for a quoted string written over several lines.
pub const MULTI_LINE_STRING: &str = "Quoted strings may not be split over multiple lines. To produce a multi-line \
     string, either use the \\n escape to represent a newline character or use the \"heredoc\" multi-line \
     template syntax.";

/// A line that does not read as an expression.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    /// Where, in the expression's own text, when known.
    pub span: Option<Range<usize>>,
}

impl ParseError {
    /// Terraform's summary of the error.
    pub fn summary(&self) -> &'static str {
        if self.span.is_some() {
            "Invalid multi-line string"
        } else {
            "Invalid expression"
        }
    }
}

fn checked(e: Expression, text: &str, range: Range<usize>) -> Result<(Expression, Range<usize>), ParseError> {
    match multi_line_strings(&e, text).into_iter().next() {
        Some(span) => Err(ParseError {
            message: MULTI_LINE_STRING.into(),
            span: Some(span),
        }),
        None => Ok((e, range)),
    }
}

/// The quoted strings of `e` written over several lines of `src` (the text
/// its spans point into): HCL refuses them where hcl-edit does not.
pub fn multi_line_strings(e: &Expression, src: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    find_multi_line(e, src, &mut out);
    out
}

fn raw_newline(span: Option<Range<usize>>, src: &str) -> Option<Range<usize>> {
    span.filter(|s| src.get(s.clone()).is_some_and(|t| t.contains('\n')))
}

fn find_multi_line(e: &Expression, src: &str, out: &mut Vec<Range<usize>>) {
    use hcl_edit::expr::{ObjectKey, TraversalOperator};
    let go = |e: &Expression, out: &mut Vec<Range<usize>>| find_multi_line(e, src, out);
    match e {
        Expression::String(s) => out.extend(raw_newline(s.span(), src)),
        Expression::StringTemplate(t) => {
            for el in t.iter() {
                if let Element::Literal(l) = el {
                    out.extend(raw_newline(l.span(), src));
                }
            }
            template_exprs(t, &mut |e| go(e, out));
        }
        Expression::HeredocTemplate(h) => template_exprs(&h.template, &mut |e| go(e, out)),
        Expression::Array(items) => items.iter().for_each(|i| go(i, out)),
        Expression::Object(obj) => {
            for (k, v) in obj.iter() {
                if let ObjectKey::Expression(k) = k {
                    go(k, out);
                }
                go(v.expr(), out);
            }
        }
        Expression::Parenthesis(p) => go(p.inner(), out),
        Expression::Conditional(c) => {
            go(&c.cond_expr, out);
            go(&c.true_expr, out);
            go(&c.false_expr, out);
        }
        Expression::FuncCall(f) => f.args.iter().for_each(|a| go(a, out)),
        Expression::Traversal(t) => {
            go(&t.expr, out);
            for op in &t.operators {
                if let TraversalOperator::Index(i) = op.value() {
                    go(i, out);
                }
            }
        }
        Expression::UnaryOp(u) => go(&u.expr, out),
        Expression::BinaryOp(b) => {
            go(&b.lhs_expr, out);
            go(&b.rhs_expr, out);
        }
        Expression::ForExpr(f) => {
            go(&f.intro.collection_expr, out);
            if let Some(k) = &f.key_expr {
                go(k, out);
            }
            go(&f.value_expr, out);
            if let Some(c) = &f.cond {
                go(&c.expr, out);
            }
        }
        Expression::Null(_) | Expression::Bool(_) | Expression::Number(_) | Expression::Variable(_) => {}
    }
}

/// Calls `f` on every expression inside a template's sequences.
fn template_exprs(t: &Template, f: &mut dyn FnMut(&Expression)) {
    for el in t.iter() {
        match el {
            Element::Literal(_) => {}
            Element::Interpolation(i) => f(&i.expr),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    f(&d.if_expr.cond_expr);
                    template_exprs(&d.if_expr.template, f);
                    if let Some(e) = &d.else_expr {
                        template_exprs(&e.template, f);
                    }
                }
                Directive::For(d) => {
                    f(&d.for_expr.collection_expr);
                    template_exprs(&d.for_expr.template, f);
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_around_an_expression_are_white_space() {
        // terraform console: `1 // 2` is 1, `/* c */ 2` is 2.
        for (src, at) in [
            ("1 // trailing comment", 0..1),
            ("1 # hash comment", 0..1),
            ("/* only a comment */ 2", 21..22),
            ("[1, /* inside */ 2] // after", 0..19),
        ] {
            let (_, range) = expression(src).unwrap_or_else(|e| panic!("{src}: {}", e.message));
            assert_eq!(range, at, "{src}");
        }
        assert!(expression("1 ** 2").is_err());
        // terraform: "Invalid multi-line string".
        let e = expression("\"not allowed\nacross lines\"").unwrap_err();
        assert_eq!(e.summary(), "Invalid multi-line string");
        assert!(expression("\"escaped\\nnewline\"").is_ok());
        assert!(expression("<<EOT\na\nb\nEOT").is_ok());
        assert!(expression("[\"a\",\n\"b\"]").is_ok());
        assert!(expression("// nothing").is_err());
    }
}
