//! `aksplan fmt`: Terraform's canonical layout, byte for byte what
//! `terraform fmt` writes.
//!
//! The source is split into tokens ([`lexer`]); Terraform's own rewrites
//! are made ([`terraform`]: `"${x}"` becomes `x`, legacy type names,
//! quoted block labels); then only the spaces between tokens change:
//! indentation by bracket depth, one rule for the space between two tokens,
//! and `=` signs and trailing comments of consecutive lines aligned.

pub(crate) mod lexer;
mod terraform;

use lexer::{Kind, Token};

/// One line's tokens in up to three cells: what comes before an
/// attribute's `=`, the `=` and its value, and a trailing comment.
struct Line {
    lead: std::ops::Range<usize>,
    assign: Option<std::ops::Range<usize>>,
    comment: Option<usize>,
}

/// Formats HCL source. It changes only spacing, except for Terraform's
/// rewrites; text that is not valid HCL should be checked before. A
/// leading byte order mark is dropped, as terraform drops it.
pub fn format(src: &str) -> String {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut toks = lexer::tokens(src);
    terraform::normalize(&mut toks);
    let lines = lines(&toks);
    indent(&mut toks, &lines);
    spaces(&mut toks, &lines);
    align(&mut toks, &lines);
    let mut out = String::with_capacity(src.len());
    for t in &toks {
        for _ in 0..t.spaces_before {
            out.push(' ');
        }
        out.push_str(&t.text);
    }
    out
}

/// The tokens `format` keeps: those of `src` after terraform's rewrites,
/// without spaces and newlines (a line comment without its line end).
/// `format(src)` has the same ones, which the fuzz tests check.
pub fn kept_tokens(src: &str) -> Vec<String> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut toks = lexer::tokens(src);
    terraform::normalize(&mut toks);
    toks.into_iter()
        .filter(|t| t.kind != Kind::Newline)
        .map(|t| t.text.trim_end_matches(['\n', '\r']).to_string())
        .collect()
}

fn lines(toks: &[Token]) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, t) in toks.iter().enumerate() {
        if t.ends_line() {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < toks.len() {
        out.push(start..toks.len());
    }
    out.into_iter()
        .map(|mut lead| {
            let mut comment = None;
            if lead.len() > 1 && toks[lead.end - 1].kind == Kind::Comment {
                comment = Some(lead.end - 1);
                lead.end -= 1;
            }
            let mut assign = None;
            if let Some(eq) = (lead.start + 1..lead.end).find(|&i| toks[i].kind == Kind::Equal) {
                let net: i32 = toks[eq..lead.end].iter().map(Token::bracket_change).sum();
                if net == 0 {
                    assign = Some(eq..lead.end);
                    lead.end = eq;
                }
            }
            Line { lead, assign, comment }
        })
        .collect()
}

fn indent(toks: &mut [Token], lines: &[Line]) {
    let mut stack: Vec<i32> = Vec::new();
    for line in lines {
        if line.lead.is_empty() {
            continue;
        }
        let first = line.lead.start;
        if toks[first].kind == Kind::Newline {
            toks[first].spaces_before = 0;
            continue;
        }
        let mut net = 0;
        for t in &toks[line.lead.clone()] {
            net += t.bracket_change();
            if t.kind == Kind::OHeredoc {
                break;
            }
        }
        if let Some(a) = &line.assign {
            net += toks[a.clone()].iter().map(Token::bracket_change).sum::<i32>();
        }
        if net < 0 {
            let mut closed = -net;
            while closed > 0 {
                let Some(top) = stack.last_mut() else { break };
                if closed >= *top {
                    closed -= *top;
                    stack.pop();
                } else {
                    *top -= closed;
                    closed = 0;
                }
            }
        }
        toks[first].spaces_before = 2 * stack.len();
        if net > 0 {
            stack.push(net);
        }
    }
}

fn spaces(toks: &mut [Token], lines: &[Line]) {
    for line in lines {
        let cells = [Some(line.lead.clone()), line.assign.clone()];
        for (n, cell) in cells.into_iter().flatten().enumerate() {
            if n == 1 {
                toks[cell.start].spaces_before = 1;
            }
            for i in cell.clone() {
                if i + 1 >= cell.end {
                    break;
                }
                let before = if i > cell.start { Some(toks[i - 1].kind) } else { None };
                let space = space_after(&toks[i], before, &toks[i + 1]);
                toks[i + 1].spaces_before = usize::from(space);
            }
        }
    }
}

/// Whether `subject` is followed by a space, given the tokens around it.
fn space_after(subject: &Token, before: Option<Kind>, after: &Token) -> bool {
    use Kind::*;
    let (s, a) = (subject.kind, after.kind);
    let is_template_text = |k| matches!(k, QuotedLit | StringLit);
    match () {
        _ if a == Newline => false,
        _ if s == Ident && a == OParen => false,
        _ if (s == Ident && a == DoubleColon) || (s == DoubleColon && a == Ident) => false,
        _ if s == Dot || a == Dot => false,
        _ if a == Comma || a == Ellipsis => false,
        _ if s == Comma => true,
        _ if is_template_text(s)
            || s == OQuote
            || s == OHeredoc
            || is_template_text(a)
            || a == CQuote
            || a == CHeredoc =>
        {
            false
        }
        _ if s == Ident && subject.text == "in" && before == Some(Ident) => true,
        _ if a == OBrack && (s == Ident || s == Number || subject.bracket_change() < 0) => false,
        _ if s == Bang => false,
        _ if s == Minus => !matches!(
            before,
            None | Some(
                OParen
                    | OBrace
                    | OBrack
                    | Equal
                    | Colon
                    | Comma
                    | Question
                    | Plus
                    | Star
                    | Slash
                    | Percent
                    | Minus
                    | EqualOp
                    | NotEqual
                    | Gt
                    | Ge
                    | Lt
                    | Le
                    | And
                    | Or
                    | Bang
            )
        ),
        _ if s == OBrace || a == CBrace => !(s == OBrace && a == CBrace),
        _ if matches!(s, TemplateInterp | TemplateControl) && a == OBrace => true,
        _ if s == CBrace && a == TemplateSeqEnd => true,
        _ if s == TemplateSeqEnd && matches!(a, TemplateInterp | TemplateControl) => false,
        _ if subject.bracket_change() > 0 => false,
        _ if after.bracket_change() < 0 => false,
        _ => true,
    }
}

/// Aligns the `=` of consecutive attribute lines, then trailing comments.
/// Widths count grapheme clusters, as terraform does: `café` written with
/// a combining accent is four columns wide.
fn align(toks: &mut [Token], lines: &[Line]) {
    use unicode_segmentation::UnicodeSegmentation;
    let width = |toks: &[Token], r: &std::ops::Range<usize>| -> usize {
        toks[r.clone()]
            .iter()
            .map(|t| t.spaces_before + t.text.graphemes(true).count())
            .sum()
    };
    let mut chain: Vec<&Line> = Vec::new();
    let flush = |toks: &mut [Token], chain: &mut Vec<&Line>| {
        let max = chain.iter().map(|l| width(toks, &l.lead)).max().unwrap_or(0);
        for l in chain.drain(..) {
            let w = width(toks, &l.lead);
            if let Some(a) = &l.assign {
                toks[a.start].spaces_before = max - w + 1;
            }
        }
    };
    for line in lines {
        if line.assign.is_some() {
            chain.push(line);
        } else {
            flush(toks, &mut chain);
        }
    }
    flush(toks, &mut chain);

    let before_comment =
        |toks: &[Token], l: &Line| width(toks, &l.lead) + l.assign.as_ref().map_or(0, |a| width(toks, a));
    let mut chain: Vec<&Line> = Vec::new();
    let flush = |toks: &mut [Token], chain: &mut Vec<&Line>| {
        let max = chain.iter().map(|l| before_comment(toks, l)).max().unwrap_or(0);
        for l in chain.drain(..) {
            let w = before_comment(toks, l);
            if let Some(c) = l.comment {
                toks[c].spaces_before = max - w + 1;
            }
        }
    };
    for line in lines {
        if line.comment.is_some() {
            chain.push(line);
        } else {
            flush(toks, &mut chain);
        }
    }
    flush(toks, &mut chain);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_terraform_fmt_writes() {
        // terraform fmt 1.11's output for each (checked with the binary).
        for (src, want) in [
            // The byte order mark is dropped.
            ("\u{feff}a=1\r\n", "a = 1\r\n"),
            // A label written as a name is quoted, in composed form.
            ("variable cafe\u{301} {\n}\n", "variable \"caf\u{e9}\" {\n}\n"),
            // Unwrapped once: fmt is no fixed point here, in terraform neither.
            ("a = \"${\"${var.a}\"}\"\n", "a = \"${var.a}\"\n"),
            (
                "b {\n  a = \"${<<-EOT\n    x\n    EOT\n}\"\n}\n",
                "b {\n  a = <<-EOT\n    x\n    EOT\n}\n",
            ),
        ] {
            assert_eq!(format(src), want, "{src:?}");
        }
        // Where terraform 1.11 writes `    EOT }` or `    EOT # note`, which
        // do not parse, the value stays as it is (found by tests/fuzz_fmt_load.rs).
        for src in [
            "a = \"${<<-EOT\n    x\n    EOT\n}\" # note\n",
            "b { a = \"${<<-EOT\n    x\n    EOT\n}\" }\n",
            "b { a = \"${<<EOT\nx\nEOT\n}\" }\n",
        ] {
            assert_eq!(format(src), src);
        }
        assert_eq!(kept_tokens("\u{feff}a=1\r\n"), ["a", "=", "1"]);
        let label = kept_tokens("variable cafe\u{301} {\n}\n");
        assert_eq!(label, kept_tokens("variable \"caf\u{e9}\" {\n}\n"));
    }
}
