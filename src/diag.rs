//! Diagnostics: what every stage reports, and the source text they point into.
//!
//! A diagnostic is a severity, an optional stable code, a summary, a detail and
//! a byte span in one source file. Line and column are computed only when a
//! renderer asks for them, from a line index ([`SourceFile::position`]).
//! This module renders nothing: the views in `cli` do.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// Index of a file in [`Sources`].
pub type FileId = usize;

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, range: Range<usize>) -> Span {
        Span {
            file,
            start: range.start,
            end: range.end,
        }
    }

    /// The span from the start of `self` to the end of `other` (same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// One loaded source file: its display name, its text and a line index.
///
/// A file converted before parsing (a `.tf.json` file becomes HCL native
/// syntax) keeps both texts: spans index the converted text, and the file's
/// [`SpanMap`] leads every position back to what its author wrote, so
/// renderers show the written line and column.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    /// The text as written in the file.
    pub text: Arc<str>,
    line_starts: Vec<usize>,
    converted: Option<Arc<Converted>>,
}

/// The text a file was converted into, and where each piece of it came from.
#[derive(Debug)]
struct Converted {
    text: Arc<str>,
    map: SpanMap,
}

/// A position in a file: one-based line and column (in characters), zero-based byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub byte: usize,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            name: name.into(),
            text,
            line_starts,
            converted: None,
        }
    }

    /// The text that was parsed, which spans index: the converted text if
    /// the file was converted, else the text as written.
    pub fn parsed(&self) -> &Arc<str> {
        self.converted.as_ref().map_or(&self.text, |c| &c.text)
    }

    /// The written text a span of the parsed text comes from (on character boundaries).
    pub fn written(&self, range: Range<usize>) -> Range<usize> {
        let Some(c) = &self.converted else {
            return range;
        };
        let start = floor_char(&self.text, c.map.start(range.start));
        let end = ceil_char(&self.text, c.map.end(range.end)).max(start);
        start..end
    }

    /// Where a span starting at `byte` (of the parsed text) starts in the written text.
    pub fn position(&self, byte: usize) -> Position {
        let start = match &self.converted {
            Some(c) => floor_char(&self.text, c.map.start(byte)),
            None => byte,
        };
        self.written_position(start)
    }

    /// Where a span ending at `byte` (of the parsed text) ends in the written text.
    pub fn end_position(&self, byte: usize) -> Position {
        let end = match &self.converted {
            Some(c) => ceil_char(&self.text, c.map.end(byte)),
            None => byte,
        };
        self.written_position(end)
    }

    /// The line and column of a byte offset of the written text (clamped to the text).
    fn written_position(&self, byte: usize) -> Position {
        let byte = byte.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= byte) - 1;
        let start = self.line_starts[line];
        let column = self.text.get(start..byte).map_or(byte - start, |s| s.chars().count()) + 1;
        Position {
            line: line + 1,
            column,
            byte,
        }
    }
}

fn floor_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Where the pieces of a converted text come from in the written text.
///
/// Pieces are recorded in the order of the converted text. A piece as long
/// as its origin maps byte for byte; any other maps its ends to the ends of
/// its origin. Text between pieces (syntax the conversion added) maps to the
/// nearest piece: a span starting there starts at the next piece, a span
/// ending there ends with the previous one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpanMap {
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Piece {
    parsed: Range<usize>,
    written: Range<usize>,
}

impl Piece {
    fn exact(&self) -> bool {
        self.parsed.len() == self.written.len()
    }

    fn inside(&self, at: usize) -> usize {
        let offset = at.saturating_sub(self.parsed.start);
        if at >= self.parsed.end {
            self.written.end
        } else if self.exact() {
            self.written.start + offset
        } else {
            (self.written.start + offset).min(self.written.end)
        }
    }
}

impl SpanMap {
    /// Records that `parsed`, which follows every piece recorded so far,
    /// was converted from `written`.
    pub fn push(&mut self, parsed: Range<usize>, written: Range<usize>) {
        if parsed.is_empty() {
            return;
        }
        if let Some(last) = self.pieces.last_mut() {
            let follows = last.parsed.end == parsed.start && last.written.end == written.start;
            if follows && last.exact() && parsed.len() == written.len() {
                last.parsed.end = parsed.end;
                last.written.end = written.end;
                return;
            }
        }
        self.pieces.push(Piece { parsed, written });
    }

    /// Where a span starting at `at` of the converted text starts in the written text.
    pub fn start(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.parsed.end <= at);
        match self.pieces.get(i) {
            Some(p) if p.parsed.start <= at => p.inside(at),
            Some(p) => p.written.start,
            None => self.pieces.last().map_or(0, |p| p.written.end),
        }
    }

    /// Where a span ending at `at` of the converted text ends in the written text.
    pub fn end(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.parsed.start < at);
        match i.checked_sub(1).map(|i| &self.pieces[i]) {
            Some(p) if at <= p.parsed.end => p.inside(at),
            Some(p) => p.written.end,
            None => self.pieces.first().map_or(0, |p| p.written.start),
        }
    }
}

/// Every source text a run has read, so diagnostics can be rendered with their lines.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        self.files.push(SourceFile::new(name, text));
        self.files.len() - 1
    }

    /// Records that file `id` was converted into `text` before parsing: from
    /// now on its spans index `text`, and `map` leads them back to the file.
    pub fn convert(&mut self, id: FileId, text: impl Into<Arc<str>>, map: SpanMap) {
        self.files[id].converted = Some(Arc::new(Converted { text: text.into(), map }));
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate()
    }

    /// The written text under a span.
    pub fn text(&self, span: Span) -> &str {
        let f = &self.files[span.file];
        f.text.get(f.written(span.start..span.end)).unwrap_or("")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// A secondary place a diagnostic points at, with what is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One finding of any stage: a syntax error, a type error, a rule violation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable code for rule findings (`EXT001`), `None` for language errors.
    pub code: Option<&'static str>,
    pub summary: String,
    pub detail: String,
    pub span: Option<Span>,
    /// Further places, for example the references that form a cycle.
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// The argument of a block the diagnostic is about (`backend`), when
    /// its maker knows the argument but not the configuration: a provider,
    /// as Terraform's diagnostics carry an attribute path. The stage that
    /// holds the configuration turns it into a span.
    pub attribute: Option<String>,
}

impl Diagnostic {
    pub fn error(summary: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: None,
            summary: summary.into(),
            detail: String::new(),
            span: None,
            labels: Vec::new(),
            help: None,
            attribute: None,
        }
    }

    pub fn warning(summary: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(summary)
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Diagnostic {
        self.detail = detail.into();
        self
    }

    pub fn with_span(mut self, span: Span) -> Diagnostic {
        self.span = Some(span);
        self
    }

    pub fn with_opt_span(mut self, span: Option<Span>) -> Diagnostic {
        self.span = span;
        self
    }

    pub fn with_code(mut self, code: &'static str) -> Diagnostic {
        self.code = Some(code);
        self
    }

    /// About the block's argument `name` (see [`Diagnostic::attribute`]).
    pub fn at_attribute(mut self, name: impl Into<String>) -> Diagnostic {
        self.attribute = Some(name.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// A label, when there is a place to put it.
    pub fn with_opt_label(self, span: Option<Span>, message: impl Into<String>) -> Diagnostic {
        match span {
            Some(s) => self.with_label(s, message),
            None => self,
        }
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// An ordered collection of diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics(Vec::new())
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Orders diagnostics by file and position, errors before warnings at one place,
    /// and drops exact duplicates (the same finding reached twice).
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            let key = |d: &Diagnostic| (d.span.map(|s| (s.file, s.start)), d.severity);
            key(a).cmp(&key(b))
        });
        self.0.dedup();
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Diagnostics {
        Diagnostics(vec![d])
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Diagnostics {
        Diagnostics(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let f = SourceFile::new("a.tf", "ab\nçd = 1\n");
        assert_eq!(
            f.position(0),
            Position {
                line: 1,
                column: 1,
                byte: 0
            }
        );
        // "çd": ç is two bytes; `d` is the second character of line 2.
        assert_eq!(f.position(5).line, 2);
        assert_eq!(f.position(5).column, 2);
        assert_eq!(f.position(1000).line, 3);
    }

    /// `{"a": "x\u00e9"}` converted to `a = "xé"`.
    fn converted() -> Sources {
        let mut sources = Sources::default();
        let f = sources.add("a.tf.json", "{\"a\": \"x\\u00e9\"}\n");
        let mut map = SpanMap::default();
        map.push(0..1, 2..3); // a
        map.push(4..6, 6..8); // "x
        map.push(6..8, 8..14); // é from \u00e9
        map.push(8..9, 14..15); // "
        sources.convert(f, "a = \"xé\"\n", map);
        sources
    }

    #[test]
    fn converted_spans_map_back_to_the_written_text() {
        let s = converted();
        let f = s.get(0);
        assert_eq!(&**f.parsed(), "a = \"xé\"\n");
        // The key, the whole string, and the character written as an escape.
        assert_eq!(s.text(Span::new(0, 0..1)), "a");
        assert_eq!(s.text(Span::new(0, 4..9)), "\"x\\u00e9\"");
        assert_eq!(s.text(Span::new(0, 6..8)), "\\u00e9");
        // Added syntax (` = `) belongs to no piece: a span ending there ends
        // with the previous piece, one starting there starts at the next.
        assert_eq!(s.text(Span::new(0, 0..3)), "a");
        assert_eq!(s.text(Span::new(0, 2..6)), "\"x");
        assert_eq!(s.text(Span::new(0, 0..9)), "a\": \"x\\u00e9\"");
        assert_eq!(f.position(4).column, 7);
        assert_eq!(f.end_position(9).column, 16);
        assert_eq!(f.position(4).byte, 6);
        // Past the end, and an empty span in added syntax, stay in the text and in order.
        assert_eq!(f.position(100).byte, 15);
        let r = f.written(2..2);
        assert!(r.start <= r.end, "{r:?}");
    }

    #[test]
    fn exact_pieces_that_follow_each_other_merge() {
        let mut m = SpanMap::default();
        m.push(0..2, 10..12);
        m.push(2..4, 12..14);
        m.push(4..5, 20..26);
        assert_eq!(m.pieces.len(), 2);
        assert_eq!((m.start(3), m.end(3)), (13, 13));
        assert_eq!((m.start(4), m.end(5)), (20, 26));
    }

    #[test]
    fn sort_orders_by_place_and_drops_duplicates() {
        let a = Diagnostic::error("b").with_span(Span::new(0, 10..11));
        let b = Diagnostic::error("a").with_span(Span::new(0, 2..3));
        let mut d: Diagnostics = vec![a.clone(), b.clone(), a.clone()].into_iter().collect();
        d.sort();
        assert_eq!(d.iter().cloned().collect::<Vec<_>>(), vec![b, a]);
    }
}
