//! A long file parsed in pieces, one a thread.
//!
//! hcl-edit reads some 20 MB a second: a fifth of validating 10,000
//! resources went to parsing their one file. A body is a sequence of
//! structures, each ended by a newline, so the file is cut at newlines that
//! seem to end a top-level block, and each piece is parsed on its own
//! thread, in a copy of the file where everything before the piece is
//! spaces (so every span is still the file's). The pieces' structures, in
//! order, are the file's.
//!
//! A cut is checked by the parse itself: a piece that does not end where a
//! structure ends (inside a block, a heredoc, a comment, a bracket) does not
//! parse, and then the file is parsed whole, on one thread, as before, so
//! any error is the one hcl-edit gives for the whole file. The same when two
//! pieces define one top-level attribute, which the whole parse would keep
//! once. Owns no diagnostics.

use hcl_edit::structure::{Body, Structure};
use hcl_edit::{Decorate as _, Span as _};

/// Files shorter than this are parsed whole: a thread costs more than it saves.
const SHORTEST_PIECE: usize = 16 * 1024;

/// The pieces' structures, in order, when the file could be cut and every
/// piece parsed; `None` when the file must be parsed whole.
pub fn parse(text: &str) -> Option<Body> {
    parse_in(text, crate::parallel::threads().min(text.len() / SHORTEST_PIECE))
}

fn parse_in(text: &str, pieces: usize) -> Option<Body> {
    let cuts = cuts(text, pieces);
    if cuts.is_empty() {
        return None;
    }
    let mut bounds = vec![0];
    bounds.extend(&cuts);
    bounds.push(text.len());
    let ranges: Vec<(usize, usize)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
    let parsed = crate::parallel::map(&ranges, 1, |&(start, end)| piece(text, start, end));
    let mut pieces: Vec<Body> = parsed.into_iter().collect::<Option<_>>()?;
    // The last piece's body spans the file and holds its trailing decor.
    let mut body = pieces.pop()?;
    let mut last: Vec<Structure> = std::iter::from_fn(|| body.pop()).collect();
    last.reverse();
    let all = pieces
        .into_iter()
        .map(|p| p.into_iter().collect::<Vec<_>>())
        .chain(std::iter::once(last));
    for (k, structures) in all.enumerate() {
        for (i, mut structure) in structures.into_iter().enumerate() {
            if k > 0 && i == 0 {
                // Its prefix holds spaces that stood for the pieces before:
                // it is what follows the line of the structure before it.
                let prev = body
                    .iter()
                    .last()
                    .and_then(|s| s.span())
                    .map_or(0, |s| line_end(text, s.end));
                let ws = text.get(prev..structure.span()?.start)?;
                structure.decor_mut().set_prefix(ws);
            }
            if let Structure::Attribute(a) = structure {
                body.try_push(a).ok()?;
            } else {
                body.push(structure);
            }
        }
    }
    Some(body)
}

/// The offset just after the line ending at or after `at`.
fn line_end(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| at + i + 1)
}

/// One piece, `text[start..end]`, parsed where it stands in the file.
fn piece(text: &str, start: usize, end: usize) -> Option<Body> {
    let mut padded = String::with_capacity(end);
    padded.extend(std::iter::repeat_n(' ', start));
    padded.push_str(&text[start..end]);
    hcl_edit::parser::parse_body(&padded).ok()
}

/// Up to `pieces - 1` offsets that cut the text into pieces of about the
/// same length, each just after a newline outside every brace (strings and
/// comments are not told apart: the parse checks each cut) and before a name.
fn cuts(text: &str, pieces: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut cuts = Vec::new();
    if pieces < 2 {
        return cuts;
    }
    let mut depth = 0i64;
    let mut next = text.len() / pieces;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b'\n' if depth == 0 && i + 1 >= next && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) => {
                cuts.push(i + 1);
                if cuts.len() + 1 == pieces {
                    break;
                }
                next = text.len() * (cuts.len() + 1) / pieces;
            }
            _ => {}
        }
    }
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(n: usize) -> String {
        (0..n)
            .map(|i| format!("resource \"terraform_data\" \"r{i}\" {{\n  input = {{ a = \"x-${{{i}}}\" }}\n}}\n\n"))
            .collect()
    }

    /// The structures, their spans and the spans inside them are the
    /// whole parse's.
    #[test]
    fn the_pieces_make_the_whole_parse() {
        let text = format!("# head\n{}", blocks(3000));
        assert!(cuts(&text, 2).len() == 1);
        let ours = parse_in(&text, 2).expect("the file is long enough to cut");
        let whole = hcl_edit::parser::parse_body(&text).unwrap();
        assert_eq!(ours.len(), whole.len());
        for (a, b) in ours.iter().zip(whole.iter()) {
            assert_eq!(a.span(), b.span());
            let (a, b) = (a.as_block().unwrap(), b.as_block().unwrap());
            assert_eq!(
                a.body.iter().next().map(|s| s.span()),
                b.body.iter().next().map(|s| s.span())
            );
            assert_eq!(
                a.decor().prefix().map(|p| p.to_string()),
                b.decor().prefix().map(|p| p.to_string())
            );
        }
        assert_eq!(ours.to_string(), text);
    }

    /// A cut inside a heredoc leaves a piece that does not parse: the
    /// file is parsed whole.
    #[test]
    fn a_cut_inside_a_construct_gives_the_file_to_the_whole_parse() {
        let heredoc = format!("locals {{\n  doc = <<EOT\n}}\n{}EOT\n}}\n", blocks(3000));
        let cut = cuts(&heredoc, 2)[0];
        assert!(cut > heredoc.find("<<EOT").unwrap() && cut < heredoc.rfind("EOT").unwrap());
        assert!(parse_in(&heredoc, 2).is_none());
        assert!(hcl_edit::parser::parse_body(&heredoc).is_ok());
    }

    /// A top-level attribute defined in two pieces is kept once by the
    /// whole parse: the file is parsed whole.
    #[test]
    fn an_attribute_in_two_pieces_gives_the_file_to_the_whole_parse() {
        let text = format!("a = 1\n{}a = 2\n", blocks(3000));
        assert!(parse_in(&text, 2).is_none());
    }

    #[test]
    fn short_files_are_not_cut() {
        assert!(parse(&blocks(10)).is_none());
        assert!(parse_in(&blocks(10), 1).is_none());
    }
}
