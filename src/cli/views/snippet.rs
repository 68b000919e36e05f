//! The source text a diagnostic shows, with very long lines cut short.
//!
//! miette draws a line's underline with a formatting width as large as the
//! column, and Rust refuses widths past 65,535: a diagnostic at the end of
//! a 70,000-character line would panic. A line longer than [`LONG_LINE`]
//! characters is shown as windows of [`CONTEXT`] characters around the
//! places the diagnostic points at and its start, joined by `…`; the line numbers and
//! the column in the header stay those of the file. Owns no rendering
//! decisions beyond what text miette is given.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::ops::Range;
use std::sync::Arc;

/// Lines longer than this many characters are cut.
pub const LONG_LINE: usize = 240;
/// How many characters are kept each side of a place on a cut line.
pub const CONTEXT: usize = 60;
const GAP: &str = "…";

/// A file's text as miette shows it, and where its pieces come from.
#[derive(Debug)]
pub struct Snippet {
    name: String,
    written: Arc<str>,
    shown: Arc<str>,
    /// Kept pieces of the written text, in order: `(shown start, written range)`.
    pieces: Vec<(usize, Range<usize>)>,
}

impl Snippet {
    /// The text of `written` to show for a diagnostic pointing at `spans`
    /// (byte ranges of `written`).
    pub fn new(name: String, written: Arc<str>, spans: &[Range<usize>]) -> Snippet {
        let mut pieces = Vec::new();
        let mut shown = String::new();
        let mut kept_from = 0;
        let mut cut = false;
        let mut line_start = 0;
        for line in written.split_inclusive('\n') {
            let body = line_start..line_start + line.trim_end_matches(['\n', '\r']).len();
            if body.len() > LONG_LINE && written[body.clone()].chars().nth(LONG_LINE).is_some() {
                let kept = windows(&written, body.clone(), spans);
                push(&mut pieces, &mut shown, &written, kept_from..body.start);
                for (i, w) in kept.iter().enumerate() {
                    if w.start > body.start && (i == 0 || kept[i - 1].end < w.start) {
                        shown.push_str(GAP);
                    }
                    push(&mut pieces, &mut shown, &written, w.clone());
                }
                if kept.last().is_some_and(|w| w.end < body.end) {
                    shown.push_str(GAP);
                }
                kept_from = body.end;
                cut = true;
            }
            line_start += line.len();
        }
        if !cut {
            return Snippet {
                name,
                shown: written.clone(),
                pieces: vec![(0, 0..written.len())],
                written,
            };
        }
        push(&mut pieces, &mut shown, &written, kept_from..written.len());
        Snippet {
            name,
            written,
            shown: shown.into(),
            pieces,
        }
    }

    /// Where a byte range of the written text is in the shown text.
    pub fn map(&self, range: Range<usize>) -> Range<usize> {
        let start = self.shown_at(range.start, false);
        start..self.shown_at(range.end, true).max(start)
    }

    /// The shown offset of written offset `at`; one in a cut part goes to
    /// the `…` that stands for it (after it when `end`).
    fn shown_at(&self, at: usize, end: bool) -> usize {
        let i = self.pieces.partition_point(|(_, w)| w.end < at);
        match self.pieces.get(i) {
            Some((s, w)) if w.start <= at => s + (at - w.start),
            Some((s, _)) => s.saturating_sub(if end { 0 } else { GAP.len() }),
            None => self.shown.len(),
        }
    }

    /// The written offset of shown offset `at` (the next kept byte when `at` is in a `…`).
    fn written_at(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|(s, w)| s + w.len() < at);
        match self.pieces.get(i) {
            Some((s, w)) => w.start + at.saturating_sub(*s),
            None => self.written.len(),
        }
    }
}

/// The parts of a long line to keep: its start, and around each place a
/// span starts or ends on it.
fn windows(text: &str, line: Range<usize>, spans: &[Range<usize>]) -> Vec<Range<usize>> {
    // The line's start is kept too, for what the line is about.
    let mut points: Vec<usize> = spans
        .iter()
        .flat_map(|s| [s.start, s.end])
        .filter(|p| line.contains(p) || *p == line.end)
        .chain([line.start])
        .map(|mut p| {
            while !text.is_char_boundary(p) {
                p -= 1;
            }
            p
        })
        .collect();
    points.sort_unstable();
    let mut out: Vec<Range<usize>> = Vec::new();
    for p in points {
        let from = back(text, p, CONTEXT).max(line.start);
        let to = ahead(text, p, CONTEXT).min(line.end);
        match out.last_mut() {
            // Windows that touch, or nearly, are one.
            Some(last) if from <= ahead(text, last.end, 3) => last.end = last.end.max(to),
            _ => out.push(from..to),
        }
    }
    out
}

/// The byte offset `n` characters before `at`.
fn back(text: &str, at: usize, n: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

/// The byte offset `n` characters after `at`.
fn ahead(text: &str, at: usize, n: usize) -> usize {
    let at = at.min(text.len());
    text[at..].char_indices().nth(n).map_or(text.len(), |(i, _)| at + i)
}

fn push(pieces: &mut Vec<(usize, Range<usize>)>, shown: &mut String, written: &str, range: Range<usize>) {
    if range.is_empty() {
        return;
    }
    pieces.push((shown.len(), range.clone()));
    shown.push_str(&written[range]);
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.shown.as_bytes().read_span(span, before, after)?;
        // miette counts the column in bytes from the start of the line it
        // reads; on a cut line that is not the file's, so count it in the file.
        let column = if before == 0 {
            let at = self.written_at(span.offset());
            let line_start = self.written[..at].rfind('\n').map_or(0, |i| i + 1);
            at - line_start
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
// Snippets take a list of spans; most tests point at one.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    fn snippet(text: &str, spans: &[Range<usize>]) -> Snippet {
        Snippet::new("a.tf".into(), text.into(), spans)
    }

    #[test]
    fn short_lines_are_shown_as_written() {
        let s = snippet("a = 1\nb = 2\n", &[4..5]);
        assert_eq!(&*s.shown, "a = 1\nb = 2\n");
        assert_eq!(s.map(4..5), 4..5);
    }

    #[test]
    fn a_long_line_keeps_windows_around_the_span_and_the_lines_stay() {
        let long = format!("a = \"{}\" + nope\n", "x".repeat(70_000));
        let text = format!("locals {{\n{long}}}\n");
        let at = text.find("nope").unwrap();
        let s = snippet(&text, &[at..at + 4]);
        assert_eq!(s.shown.lines().count(), 3, "{}", s.shown);
        let line = s.shown.lines().nth(1).unwrap();
        assert!(line.starts_with("a = \"xxx"), "{line}");
        assert!(line.contains("x…x"), "{line}");
        assert!(line.ends_with("\" + nope"), "{line}");
        assert!(line.chars().count() < 2 * LONG_LINE, "{}", line.chars().count());
        let m = s.map(at..at + 4);
        assert_eq!(&s.shown[m.clone()], "nope");
        // The header's column is the file's, as miette counts it (0-based).
        let c = s.read_span(&(m.start, 4).into(), 0, 0).unwrap();
        assert_eq!(c.column(), at - "locals {\n".len());
        assert_eq!(c.line(), 1);
    }

    #[test]
    fn a_long_span_is_cut_in_its_middle() {
        let text = format!("a = \"{}\"\n", "é".repeat(5_000));
        let s = snippet(&text, &[4..text.len() - 1]);
        let m = s.map(4..text.len() - 1);
        let shown = &s.shown[m];
        assert!(
            shown.starts_with("\"éé") && shown.ends_with("éé\"") && shown.contains('…'),
            "{shown}"
        );
        assert!(shown.chars().count() <= 2 * CONTEXT + 2, "{}", shown.chars().count());
    }

    #[test]
    fn a_place_in_a_cut_part_goes_to_its_gap() {
        let text = format!("{}\n", "y".repeat(1_000));
        let s = snippet(&text, &[10..11]);
        let m = s.map(500..600);
        assert!(m.start <= m.end && m.end <= s.shown.len());
        assert!(s.shown[m.start..].starts_with('…'), "{:?}", &s.shown[m.start..]);
    }
}
