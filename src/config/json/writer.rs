//! The HCL text a `.tf.json` file becomes, written piece by piece with where
//! each piece came from in the JSON.
//!
//! Owns the spelling of HCL: quoted strings (escapes, template or verbatim),
//! raw native expressions, and comment lines that give a place to
//! diagnostics about JSON that has no HCL counterpart. It decides nothing
//! about what a JSON value means; the converter does.

use super::parse::Str;
use super::template::{parts, Part};
use crate::diag::SpanMap;
use std::ops::Range;

#[derive(Debug, Default)]
pub struct Writer {
    pub out: String,
    /// (written HCL range, JSON range), in output order.
    pieces: Vec<(Range<usize>, Range<usize>)>,
}

/// How a JSON string is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrMode {
    /// A template: `${ ... }` and `%{ ... }` are HCL.
    Template,
    /// The characters as they are, sequences included.
    Verbatim,
}

impl Writer {
    pub fn pos(&self) -> usize {
        self.out.len()
    }

    /// HCL syntax the conversion adds: comes from nowhere in the JSON.
    pub fn text(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Text converted from `from` in the JSON.
    pub fn mapped(&mut self, s: &str, from: Range<usize>) {
        let start = self.out.len();
        self.out.push_str(s);
        if !s.is_empty() {
            self.pieces.push((start..self.out.len(), from));
        }
    }

    /// A comment line standing for `from` in the JSON (whose text is `json`),
    /// so a diagnostic about JSON that became no HCL still has a place. Must
    /// be written where a line may start.
    pub fn anchor(&mut self, json: &str, from: Range<usize>) -> Range<usize> {
        self.text("# ");
        let start = self.pos();
        let filler: String = json
            .get(from.clone())
            .unwrap_or("")
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        // An empty place still needs a byte to stand on.
        let filler = if filler.is_empty() { " ".to_string() } else { filler };
        self.mapped(&filler, from);
        let range = start..self.pos();
        self.text("\n");
        range
    }

    /// Appends what another writer wrote.
    pub fn append(&mut self, other: Writer) {
        let shift = self.out.len();
        self.out.push_str(&other.out);
        self.pieces.extend(
            other
                .pieces
                .into_iter()
                .map(|(p, w)| (p.start + shift..p.end + shift, w)),
        );
    }

    /// Forgets everything written from `at` on.
    pub fn truncate(&mut self, at: usize) {
        self.out.truncate(at);
        self.pieces.retain(|(p, _)| p.start < at);
    }

    /// Where output byte `at` came from in the JSON, if it came from anywhere.
    pub fn origin(&self, at: usize) -> Option<usize> {
        let i = self.pieces.partition_point(|(p, _)| p.end <= at);
        let (p, w) = self.pieces.get(i)?;
        (p.start <= at).then(|| {
            if p.len() == w.len() {
                w.start + (at - p.start)
            } else {
                w.start
            }
        })
    }

    /// A JSON string as a quoted HCL string.
    pub fn string(&mut self, s: &Str, mode: StrMode) {
        let (open, close) = (s.range.start..s.range.start + 1, s.range.end - 1..s.range.end);
        self.mapped("\"", open);
        match mode {
            StrMode::Verbatim => self.literal(s, 0..s.value.len(), true),
            StrMode::Template => {
                for part in parts(&s.value) {
                    match part {
                        Part::Literal(r) => self.literal(s, r, false),
                        Part::Sequence(r) | Part::Unclosed(r) => self.raw_range(s, r),
                    }
                }
            }
        }
        self.mapped("\"", close);
    }

    /// The content of a JSON string as HCL source, unchanged: a reference,
    /// a type, a keyword. Its first and last characters stand for the quotes
    /// too, so the expression as a whole is the JSON string as a whole, as
    /// terraform reports it.
    pub fn raw(&mut self, s: &Str) {
        let first = self.pieces.len();
        let len = s.value.len();
        let head = s.value.chars().next().map_or(0, char::len_utf8);
        let tail = s.value.chars().next_back().map_or(0, char::len_utf8);
        if len > head + tail {
            self.raw_range(s, 0..head);
            self.raw_range(s, head..len - tail);
            self.raw_range(s, len - tail..len);
        } else {
            self.raw_range(s, 0..len);
        }
        let last = self.pieces.len().saturating_sub(1);
        if let Some((_, w)) = self.pieces.get_mut(first) {
            w.start = s.range.start;
        }
        if let Some((_, w)) = self.pieces.get_mut(last).filter(|_| last >= first) {
            w.end = s.range.end;
        }
    }

    fn raw_range(&mut self, s: &Str, range: Range<usize>) {
        for piece in s.pieces(range) {
            self.mapped(&s.value[piece.decoded], piece.written);
        }
    }

    /// Literal text of a string, escaped for a quoted HCL string; with
    /// `sequences`, `${` and `%{` are escaped too, so they stay text.
    fn literal(&mut self, s: &Str, range: Range<usize>, sequences: bool) {
        for piece in s.pieces(range) {
            let text = &s.value[piece.decoded.clone()];
            let exact = text.len() == piece.written.len();
            let mut run = 0;
            for (i, c) in text.char_indices() {
                let next_is_brace = s.value[piece.decoded.start + i + c.len_utf8()..].starts_with('{');
                let Some(escaped) = escape(c, sequences && next_is_brace) else {
                    continue;
                };
                let from = |r: Range<usize>| {
                    if exact {
                        piece.written.start + r.start..piece.written.start + r.end
                    } else {
                        piece.written.clone()
                    }
                };
                self.mapped(&text[run..i], from(run..i));
                self.mapped(&escaped, from(i..i + c.len_utf8()));
                run = i + c.len_utf8();
            }
            let end = text.len();
            let from = if exact {
                piece.written.start + run..piece.written.end
            } else {
                piece.written.clone()
            };
            self.mapped(&text[run..end], from);
        }
    }

    /// The HCL text and the map back to the JSON.
    pub fn finish(self) -> (String, SpanMap) {
        let mut map = SpanMap::default();
        for (p, w) in self.pieces {
            map.push(p, w);
        }
        (self.out, map)
    }
}

/// How a character is written inside a quoted HCL string, if not as itself.
fn escape(c: char, before_brace: bool) -> Option<String> {
    Some(match c {
        '"' => "\\\"".into(),
        '\\' => "\\\\".into(),
        '\n' => "\\n".into(),
        '\r' => "\\r".into(),
        '\t' => "\\t".into(),
        '$' | '%' if before_brace => format!("{c}{c}"),
        c if (c as u32) < 0x20 => format!("\\u{:04x}", c as u32),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::parse::{parse, Value};
    use super::*;

    fn string(json: &str) -> Str {
        match parse(json).unwrap().value {
            Value::String(s) => s,
            _ => panic!(),
        }
    }

    fn written(json: &str, mode: StrMode) -> (String, Vec<String>) {
        let s = string(json);
        let mut w = Writer::default();
        w.string(&s, mode);
        let pieces = w
            .pieces
            .iter()
            .map(|(p, j)| format!("{}<{}", &w.out[p.clone()], &json[j.clone()]))
            .collect();
        (w.out, pieces)
    }

    #[test]
    fn templates_escape_their_text_and_keep_their_sequences() {
        let (out, _) = written(r#""say \"${upper(\"hi\")}\"\n""#, StrMode::Template);
        assert_eq!(out, r#""say \"${upper("hi")}\"\n""#);
        let (out, _) = written(r#""${replace(x, \"a\", \"b\")} $${no}""#, StrMode::Template);
        assert_eq!(out, r#""${replace(x, "a", "b")} $${no}""#);
    }

    #[test]
    fn verbatim_strings_keep_sequences_as_text() {
        let (out, _) = written(r#""a${b}c%{d}$${e}$x""#, StrMode::Verbatim);
        assert_eq!(out, r#""a$${b}c%%{d}$$${e}$x""#);
        let (out, _) = written(r#""tab\there\u0001""#, StrMode::Verbatim);
        assert_eq!(out, r#""tab\there\u0001""#);
    }

    #[test]
    fn every_piece_leads_back_to_its_json() {
        let (_, pieces) = written(r#""a\u00e9\"${x}""#, StrMode::Template);
        assert_eq!(pieces, ["\"<\"", "a<a", "é<\\u00e9", "\\\"<\\\"", "${x}<${x}", "\"<\""]);
    }

    #[test]
    fn raw_content_and_anchors() {
        let json = r#""aws_x.y[\"k\"]""#;
        let s = string(json);
        let mut w = Writer::default();
        w.raw(&s);
        assert_eq!(w.out, r#"aws_x.y["k"]"#);
        let k = w.out.find('k').unwrap();
        assert_eq!(&json[w.origin(k).unwrap()..][..1], "k");
        let (text, map) = w.finish();
        assert_eq!(text, r#"aws_x.y["k"]"#);
        // The whole expression is the whole string; a part of it is that part.
        assert_eq!((map.start(0), map.end(text.len())), (0, json.len()));
        assert_eq!((map.start(2), map.end(5)), (3, 6));
        let mut w = Writer::default();
        let r = w.anchor("{\n\"x\"}", 0..5);
        assert_eq!(w.out, "# { \"x\"\n");
        assert_eq!(w.origin(r.start), Some(0));
    }
}
