//! Where the template sequences of a decoded JSON string are.
//!
//! In HCL's JSON syntax a string in an expression is a template: literal
//! text with `${ ... }` interpolations and `%{ ... }` directives. Converting
//! it to a quoted HCL string escapes the literal text (quotes, backslashes,
//! line breaks) but must copy the sequences untouched, since they hold HCL
//! expressions with their own strings. This module only finds the sequences;
//! whether their content is valid is left to the HCL parser.

use std::ops::Range;

/// One part of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Literal text, including the escapes `$${` and `%%{`, which HCL's
    /// quoted strings read the same way.
    Literal(Range<usize>),
    /// `${ ... }` or `%{ ... }`, markers included.
    Sequence(Range<usize>),
    /// A sequence whose closing brace never comes: it runs to the end of the text.
    Unclosed(Range<usize>),
}

/// Splits a template into literal text and sequences.
pub fn parts(t: &str) -> Vec<Part> {
    let b = t.as_bytes();
    let mut out = Vec::new();
    let mut literal = 0;
    let mut i = 0;
    while i < b.len() {
        let opens = b.get(i + 1) == Some(&b'{') && matches!(b[i], b'$' | b'%');
        if opens && i > 0 && b[i - 1] == b[i] {
            // `$${` and `%%{` are literal, whatever precedes them: HCL reads
            // a marker not followed by a brace as literal text on its own.
            i += 2;
        } else if opens {
            if literal < i {
                out.push(Part::Literal(literal..i));
            }
            match sequence_end(b, i + 2) {
                Some(end) => {
                    out.push(Part::Sequence(i..end));
                    i = end;
                }
                None => {
                    out.push(Part::Unclosed(i..b.len()));
                    i = b.len();
                }
            }
            literal = i;
        } else {
            i += 1;
        }
    }
    if literal < b.len() {
        out.push(Part::Literal(literal..b.len()));
    }
    out
}

/// The end of a sequence whose content starts at `i`: just after the brace
/// that closes it; `None` if the text ends first.
fn sequence_end(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    while i < b.len() {
        match b[i] {
            b'"' => i = string_end(b, i + 1)?,
            b'{' => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some(i + 1),
            b'}' => {
                depth -= 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

/// The end of a quoted string inside a sequence, whose content starts at
/// `i`: a template itself, with backslash escapes and nested sequences.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            b'$' | b'%' if b.get(i + 1) == Some(&b'{') => i = sequence_end(b, i + 2)?,
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(t: &str) -> Vec<String> {
        parts(t)
            .into_iter()
            .map(|p| match p {
                Part::Literal(r) => format!("L:{}", &t[r]),
                Part::Sequence(r) => format!("S:{}", &t[r]),
                Part::Unclosed(r) => format!("U:{}", &t[r]),
            })
            .collect()
    }

    #[test]
    fn literals_and_sequences() {
        assert_eq!(show("plain \"text\""), ["L:plain \"text\""]);
        assert_eq!(show("a${var.x}b"), ["L:a", "S:${var.x}", "L:b"]);
        assert_eq!(show("%{ if x }y%{ endif }"), ["S:%{ if x }", "L:y", "S:%{ endif }"]);
        assert_eq!(show(""), Vec::<String>::new());
    }

    #[test]
    fn escaped_markers_stay_literal() {
        assert_eq!(show("$${x} %%{y}"), ["L:$${x} %%{y}"]);
        // A lone `$` then the escape `$${`.
        assert_eq!(show("$$${x}"), ["L:$$${x}"]);
        assert_eq!(show("%${x}"), ["L:%", "S:${x}"]);
        assert_eq!(show("$${a}${b}"), ["L:$${a}", "S:${b}"]);
    }

    #[test]
    fn braces_and_strings_inside_sequences() {
        assert_eq!(show(r#"${ {a = "}"}.a }!"#), [r#"S:${ {a = "}"}.a }"#, "L:!"]);
        assert_eq!(
            show(r#"${replace(x, "\"}", "${y}")}z"#),
            [r#"S:${replace(x, "\"}", "${y}")}"#, "L:z"]
        );
    }

    #[test]
    fn an_unclosed_sequence_runs_to_the_end() {
        assert_eq!(show("a${var.x"), ["L:a", "U:${var.x"]);
        assert_eq!(show(r#"${f("}")"#), [r#"U:${f("}")"#]);
        assert_eq!(show(r#"${"a}"#), [r#"U:${"a}"#]);
    }
}
