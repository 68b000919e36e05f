//! Reading one expression written on its own (a console line), as HCL's
//! `ParseExpression` reads it: comments before and after the expression are
//! white space (`1 // two` is `1`, `/* c */ 2` is `2`).
//!
//! hcl-edit's `parse_expr` refuses comments (and even white space) around
//! an expression, though it takes them inside one. So an expression that
//! does not parse alone is read as the value of an attribute, which may
//! carry comments; when that works, the expression is read again from its
//! own text. [`expression`] says which part of the input that is: the
//! spans of the expression are relative to it. Owns no evaluation.

use hcl_edit::expr::Expression;
use hcl_edit::Span as _;
use std::ops::Range;

/// Parses `src` as one expression, with comments around it allowed; also
/// returns the range of `src` the expression was read from (its spans are
/// offsets into that part).
pub fn expression(src: &str) -> Result<(Expression, Range<usize>), hcl_edit::parser::Error> {
    let first = match hcl_edit::parser::parse_expr(src) {
        Ok(e) => return Ok((e, 0..src.len())),
        Err(e) => e,
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
        Some(Ok(e)) => Ok((e, range)),
        _ => Err(first),
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
            let (_, range) = expression(src).unwrap_or_else(|e| panic!("{src}: {}", e.message()));
            assert_eq!(range, at, "{src}");
        }
        assert!(expression("1 ** 2").is_err());
        assert!(expression("// nothing").is_err());
    }
}
