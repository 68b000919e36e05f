//! The rewrites `terraform fmt` makes beyond spacing, on the tokens of each
//! attribute and block header:
//! - an attribute whose value is one interpolation, `"${var.x}"`, becomes
//!   `var.x` (in parentheses when it spans lines);
//! - in a `variable` block, legacy types become type constraints:
//!   `"string"` is `string`, `"list"` is `list(string)`, `map` is `map(any)`;
//! - block labels are quoted: `resource aws_x foo {` is `resource "aws_x" "foo" {`;
//!   a quoted label is written again from its value, as terraform writes
//!   labels: escapes only where needed (`"\u00e9"` is `"é"`), in Unicode's
//!   composed form (NFC).

use super::lexer::{Kind, Token};
use std::ops::Range;

/// Rewrites `toks` in place.
pub fn normalize(toks: &mut Vec<Token>) {
    let mut edits = Vec::new();
    body(toks, 0, &mut Vec::new(), &mut edits);
    edits.sort_by_key(|(r, _): &(Range<usize>, Vec<Token>)| r.start);
    for (range, with) in edits.into_iter().rev() {
        toks.splice(range, with);
    }
}

/// Reads a body from `i` to its closing brace (or the end); returns where it stopped.
fn body(toks: &[Token], mut i: usize, path: &mut Vec<String>, edits: &mut Vec<(Range<usize>, Vec<Token>)>) -> usize {
    loop {
        while i < toks.len() && matches!(toks[i].kind, Kind::Newline | Kind::Comment) {
            i += 1;
        }
        if i >= toks.len() || toks[i].kind == Kind::CBrace {
            return i;
        }
        if toks[i].kind != Kind::Ident {
            i = next_line(toks, i);
            continue;
        }
        let name = toks[i].text.clone();
        if toks.get(i + 1).map(|t| t.kind) == Some(Kind::Equal) {
            let start = i + 2;
            let end = expression_end(toks, start);
            let value = &toks[start..end];
            let rewritten = if path.len() == 1 && path[0] == "variable" && name == "type" {
                type_expr(value)
            } else {
                value_expr(value, toks.get(end).is_some_and(|t| t.kind != Kind::Newline))
            };
            if let Some(with) = rewritten {
                edits.push((start..end, with));
            }
            i = end;
            continue;
        }
        // A block: labels, then `{`.
        let mut k = i + 1;
        loop {
            match toks.get(k).map(|t| t.kind) {
                Some(Kind::Ident) => {
                    // Written again from its value too: in composed form.
                    use unicode_normalization::UnicodeNormalization;
                    let text: String = toks[k].text.nfc().collect();
                    edits.push((k..k + 1, quoted(&text)));
                    k += 1;
                }
                Some(Kind::OQuote) => {
                    let open = k;
                    while k < toks.len() && toks[k].kind != Kind::CQuote {
                        k += 1;
                    }
                    if k == open + 2 && toks[open + 1].kind == Kind::QuotedLit {
                        if let Some(text) = label_text(&toks[open + 1].text) {
                            edits.push((open + 1..open + 2, vec![Token::new(Kind::QuotedLit, &text)]));
                        }
                    }
                    k += 1;
                }
                _ => break,
            }
        }
        if toks.get(k).map(|t| t.kind) != Some(Kind::OBrace) {
            i = next_line(toks, i);
            continue;
        }
        path.push(name);
        i = body(toks, k + 1, path, edits);
        path.pop();
        if i < toks.len() {
            i += 1;
        }
    }
}

/// A quoted label's text as terraform writes it again, when that differs.
/// Its value is decoded, put in composed form (HCL normalizes every string
/// to NFC), and escaped again: `\n`, `\r`, `\t`, `\"` and `\\`, a `$` or `%`
/// before `{` doubled, and what Go does not print as `\uXXXX` or `\UXXXXXXXX`.
/// (terraform drops a label holding `$$` or `${`-like text altogether; such
/// a label is kept as it is.)
fn label_text(lit: &str) -> Option<String> {
    use std::fmt::Write;
    use unicode_normalization::UnicodeNormalization;
    if lit.contains("$$") || lit.contains("%%") {
        return None;
    }
    let hcl_edit::expr::Expression::String(value) = hcl_edit::parser::parse_expr(&format!("\"{lit}\"")).ok()? else {
        return None;
    };
    let value: String = value.value().nfc().collect();
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if crate::lang::display::go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    (out != lit).then_some(out)
}

fn next_line(toks: &[Token], mut i: usize) -> usize {
    while i < toks.len() && !toks[i].ends_line() {
        i += 1;
    }
    i + 1
}

/// Where an attribute's value ends: the end of its line, or the brace
/// closing a one-line block, outside any bracket.
fn expression_end(toks: &[Token], start: usize) -> usize {
    let mut depth = 0;
    for (i, t) in toks.iter().enumerate().skip(start) {
        if depth == 0 && (t.ends_line() || t.kind == Kind::CBrace) {
            return i;
        }
        depth += t.bracket_change();
    }
    toks.len()
}

fn quoted(text: &str) -> Vec<Token> {
    vec![
        Token::new(Kind::OQuote, "\""),
        Token::new(Kind::QuotedLit, text),
        Token::new(Kind::CQuote, "\""),
    ]
}

/// `"${x}"` as `x`, when the template is that one interpolation.
/// `followed`: more follows on the value's last line, a comment or the
/// brace of a one-line block, `a { b = "${x}" }`.
fn value_expr(value: &[Token], followed: bool) -> Option<Vec<Token>> {
    let n = value.len();
    if n < 5
        || value[0].kind != Kind::OQuote
        || value[1].kind != Kind::TemplateInterp
        || value[n - 2].kind != Kind::TemplateSeqEnd
        || value[n - 1].kind != Kind::CQuote
    {
        return None;
    }
    let inside = &value[2..n - 2];
    let mut quotes = 0;
    for t in inside {
        match t.kind {
            Kind::OQuote => quotes += 1,
            Kind::CQuote => quotes -= 1,
            Kind::TemplateInterp | Kind::TemplateSeqEnd if quotes == 0 => return None,
            _ => {}
        }
    }
    let first = inside.iter().position(|t| t.kind != Kind::Newline)?;
    let last = inside.iter().rposition(|t| t.kind != Kind::Newline)?;
    // A heredoc ending the value stays wrapped when more follows on its
    // line: terraform 1.11 writes `EOT }` or `EOT # note`, which no longer
    // parse (and `}` on a line of its own is no one-line block any more).
    if followed && inside[last].kind == Kind::CHeredoc {
        return None;
    }
    let trimmed = &inside[first..=last];
    let multi_line = trimmed.iter().any(|t| t.kind == Kind::Newline);
    let parenthesized = trimmed[0].kind == Kind::OParen && trimmed[trimmed.len() - 1].kind == Kind::CParen;
    let mut out = Vec::with_capacity(trimmed.len() + 2);
    if multi_line && !parenthesized {
        out.push(Token::new(Kind::OParen, "("));
        out.extend_from_slice(trimmed);
        out.push(Token::new(Kind::CParen, ")"));
    } else {
        out.extend_from_slice(trimmed);
    }
    Some(out)
}

/// Legacy type names in a variable's `type` as type constraints.
fn type_expr(value: &[Token]) -> Option<Vec<Token>> {
    let call = |name: &str, arg: &str| {
        vec![
            Token::new(Kind::Ident, name),
            Token::new(Kind::OParen, "("),
            Token::new(Kind::Ident, arg),
            Token::new(Kind::CParen, ")"),
        ]
    };
    match value {
        [t] if t.kind == Kind::Ident && matches!(t.text.as_str(), "list" | "map" | "set") => Some(call(&t.text, "any")),
        [o, s, c] if o.kind == Kind::OQuote && s.kind == Kind::QuotedLit && c.kind == Kind::CQuote => {
            match s.text.as_str() {
                "string" => Some(vec![Token::new(Kind::Ident, "string")]),
                "list" | "map" => Some(call(&s.text, "string")),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::label_text;

    #[test]
    fn labels_are_written_again_as_terraform_writes_them() {
        // What terraform fmt 1.11 writes for each label (checked by hand).
        assert_eq!(label_text("\\u00e9").as_deref(), Some("é"));
        assert_eq!(label_text("e\u{301}").as_deref(), Some("é"));
        assert_eq!(label_text("\\U0001F600").as_deref(), Some("😀"));
        assert_eq!(label_text("\\uE000").as_deref(), Some("\\ue000"));
        assert_eq!(label_text("\\u0024{").as_deref(), Some("$${"));
        assert_eq!(label_text("\\u0041").as_deref(), Some("A"));
        // Already as terraform writes them.
        for same in [
            "a\\tb", "\\u00a0x", "\\u0007", "a\\\"b", "\\r\\n", "$", "\\u200d", "plain",
        ] {
            assert_eq!(label_text(same), None, "{same}");
        }
        // terraform drops these labels; they are kept.
        assert_eq!(label_text("$$"), None);
        assert_eq!(label_text("a%%{b"), None);
    }
}
