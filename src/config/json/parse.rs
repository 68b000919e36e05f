//! JSON text to a tree that keeps every byte range, duplicate keys and key
//! order, as HCL's JSON syntax requires (serde_json keeps neither ranges nor
//! duplicates).
//!
//! Strings keep their decoded value and where each escape sequence was
//! written, so a place inside a decoded string leads back to its bytes in the
//! file. A syntax error is one [`SyntaxError`] at the offending token; its
//! summary and detail are the ones terraform gives for the same mistake.
//! This module knows nothing of HCL.

use std::ops::Range;

/// How deep objects and arrays may nest, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    /// The whole value, brackets and quotes included.
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Object(Vec<Member>),
    Array(Vec<Node>),
    String(Str),
    /// The number as written (valid JSON number syntax, which HCL reads alike).
    Number(String),
    Bool(bool),
    Null,
}

/// One `"key": value` of an object, in written order.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: Str,
    pub value: Node,
}

/// A decoded string and where its characters were written.
#[derive(Debug, Clone, PartialEq)]
pub struct Str {
    pub value: String,
    /// The string with its quotes.
    pub range: Range<usize>,
    escapes: Vec<Escape>,
}

/// One escape sequence: the decoded bytes it became, and the written bytes.
#[derive(Debug, Clone, PartialEq)]
struct Escape {
    decoded: Range<usize>,
    written: Range<usize>,
}

/// A stretch of a decoded string and the written bytes it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub decoded: Range<usize>,
    pub written: Range<usize>,
}

impl Str {
    /// The written bytes of the string's content, without quotes.
    pub fn content(&self) -> Range<usize> {
        self.range.start + 1..self.range.end.saturating_sub(1).max(self.range.start + 1)
    }

    /// Where decoded byte `at` was written: exact outside escapes, the start
    /// of the escape inside one.
    pub fn written_at(&self, at: usize) -> usize {
        let content = self.content().start;
        let i = self.escapes.partition_point(|e| e.decoded.end <= at);
        match self.escapes.get(i) {
            Some(e) if e.decoded.start <= at => e.written.start,
            _ => match i.checked_sub(1).map(|j| &self.escapes[j]) {
                Some(e) => e.written.end + (at - e.decoded.end),
                None => content + at,
            },
        }
    }

    /// Splits a decoded range into pieces that are each either written
    /// byte for byte or exactly one escape sequence.
    pub fn pieces(&self, range: Range<usize>) -> Vec<Piece> {
        let mut out = Vec::new();
        let mut at = range.start;
        let first = self.escapes.partition_point(|e| e.decoded.end <= at);
        for e in &self.escapes[first..] {
            if at >= range.end || e.decoded.start >= range.end {
                break;
            }
            if e.decoded.start > at {
                out.push(self.plain(at..e.decoded.start));
            }
            out.push(Piece {
                decoded: e.decoded.clone(),
                written: e.written.clone(),
            });
            at = e.decoded.end;
        }
        if at < range.end {
            out.push(self.plain(at..range.end));
        }
        out
    }

    fn plain(&self, decoded: Range<usize>) -> Piece {
        let start = self.written_at(decoded.start);
        Piece {
            written: start..start + decoded.len(),
            decoded,
        }
    }
}

/// A syntax error, with terraform's summary and detail for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub summary: &'static str,
    pub detail: String,
    pub range: Range<usize>,
}

fn error(summary: &'static str, detail: impl Into<String>, range: Range<usize>) -> SyntaxError {
    SyntaxError {
        summary,
        detail: detail.into(),
        range,
    }
}

/// Parses one JSON document.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
    };
    let node = p.value()?;
    let next = p.peek()?;
    if next.kind != Tok::Eof {
        return Err(error(
            "Extraneous data after value",
            "Extra characters appear after the JSON value.",
            next.range,
        ));
    }
    Ok(node)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    BraceOpen,
    BraceClose,
    BracketOpen,
    BracketClose,
    Comma,
    Colon,
    /// `=`, read only to say that JSON uses colons.
    Equals,
    String,
    Number,
    Keyword,
    Invalid,
    Eof,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Tok,
    range: Range<usize>,
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// The next token, without consuming it. Strings and numbers are
    /// scanned to their end here; their content is checked when read.
    fn peek(&mut self) -> Result<Token, SyntaxError> {
        self.skip_space();
        let start = self.at;
        let Some(&b) = self.bytes.get(start) else {
            return Ok(Token {
                kind: Tok::Eof,
                range: start..start,
            });
        };
        let single = |kind| {
            Ok(Token {
                kind,
                range: start..start + 1,
            })
        };
        match b {
            b'{' => single(Tok::BraceOpen),
            b'}' => single(Tok::BraceClose),
            b'[' => single(Tok::BracketOpen),
            b']' => single(Tok::BracketClose),
            b',' => single(Tok::Comma),
            b':' => single(Tok::Colon),
            b'=' => single(Tok::Equals),
            b'"' => Ok(Token {
                kind: Tok::String,
                range: start..self.string_end(start),
            }),
            b'-' | b'+' | b'.' | b'0'..=b'9' => {
                let len = self.bytes[start..]
                    .iter()
                    .take_while(|c| matches!(c, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                    .count();
                Ok(Token {
                    kind: Tok::Number,
                    range: start..start + len,
                })
            }
            b'a'..=b'z' | b'A'..=b'Z' => {
                let len = self.bytes[start..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphabetic() || **c == b'_')
                    .count();
                Ok(Token {
                    kind: Tok::Keyword,
                    range: start..start + len,
                })
            }
            _ => {
                let len = self.text[start..].chars().next().map_or(1, char::len_utf8);
                Ok(Token {
                    kind: Tok::Invalid,
                    range: start..start + len,
                })
            }
        }
    }

    /// Where a string starting at `start` ends: after its closing quote, or
    /// at the raw control character or end of text that cuts it short.
    fn string_end(&self, start: usize) -> usize {
        let mut i = start + 1;
        let mut escaping = false;
        while let Some(&b) = self.bytes.get(i) {
            match b {
                b'\\' => escaping = !escaping,
                b'"' if !escaping => return i + 1,
                0..=0x1f => return i,
                _ => escaping = false,
            }
            i += 1;
        }
        i
    }

    fn next(&mut self) -> Result<Token, SyntaxError> {
        let t = self.peek()?;
        self.at = t.range.end;
        Ok(t)
    }

    fn value(&mut self) -> Result<Node, SyntaxError> {
        let t = self.peek()?;
        let not_a_value = "A JSON value must start with a brace, a bracket, a number, a string, or a keyword.";
        match t.kind {
            Tok::BraceOpen | Tok::BracketOpen => {
                if self.depth >= MAX_DEPTH {
                    return Err(error(
                        "JSON nesting too deep",
                        format!("Objects and arrays can nest at most {MAX_DEPTH} levels deep in a configuration."),
                        t.range,
                    ));
                }
                self.depth += 1;
                let node = if t.kind == Tok::BraceOpen {
                    self.object()
                } else {
                    self.array()
                };
                self.depth -= 1;
                node
            }
            Tok::String => {
                self.at = t.range.end;
                let s = self.string(t.range.clone())?;
                Ok(Node {
                    value: Value::String(s),
                    range: t.range,
                })
            }
            Tok::Number => {
                self.at = t.range.end;
                let text = &self.text[t.range.clone()];
                if !is_json_number(text) {
                    return Err(error(
                        "Invalid JSON number",
                        "There is a syntax error in the given JSON number.",
                        t.range,
                    ));
                }
                Ok(Node {
                    value: Value::Number(text.to_string()),
                    range: t.range,
                })
            }
            Tok::Keyword => {
                self.at = t.range.end;
                let word = &self.text[t.range.clone()];
                let value = match word {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "null" => Value::Null,
                    "undefined" | "NaN" | "Infinity" => {
                        return Err(error(
                            "Invalid JSON keyword",
                            format!("The JavaScript identifier {word:?} cannot be used in JSON."),
                            t.range,
                        ))
                    }
                    _ => {
                        let hint = crate::lang::eval::suggest(word, ["true", "false", "null"].into_iter())
                            .map(|s| format!(" Did you mean {s:?}?"))
                            .unwrap_or_default();
                        return Err(error(
                            "Invalid JSON keyword",
                            format!("{word:?} is not a valid JSON keyword.{hint}"),
                            t.range,
                        ));
                    }
                };
                Ok(Node { value, range: t.range })
            }
            Tok::BraceClose => Err(error("Missing JSON value", not_a_value, t.range)),
            Tok::BracketClose => Err(error("Missing array element value", not_a_value, t.range)),
            Tok::Eof => Err(error("Missing value", "The JSON data ends prematurely.", t.range)),
            _ => Err(error("Invalid start of value", not_a_value, t.range)),
        }
    }

    fn object(&mut self) -> Result<Node, SyntaxError> {
        let open = self.next()?.range;
        let mut members = Vec::new();
        loop {
            if self.peek()?.kind == Tok::BraceClose {
                break;
            }
            let key = self.value()?;
            let Value::String(key) = key.value else {
                return Err(error(
                    "Invalid object property name",
                    "A JSON object property name must be a string",
                    key.range,
                ));
            };
            let colon = self.next()?;
            match colon.kind {
                Tok::Colon => {}
                Tok::BraceClose | Tok::Comma => {
                    return Err(error(
                        "Missing object value",
                        "A JSON object attribute must have a value, introduced by a colon.",
                        colon.range,
                    ))
                }
                Tok::Equals => {
                    return Err(error(
                        "Missing property value colon",
                        "JSON uses a colon as its name/value delimiter, not an equals sign.",
                        colon.range,
                    ))
                }
                _ => {
                    return Err(error(
                        "Missing property value colon",
                        "A colon must appear between an object property's name and its value.",
                        colon.range,
                    ))
                }
            }
            let value = self.value()?;
            members.push(Member { key, value });
            let t = self.peek()?;
            match t.kind {
                Tok::Comma => {
                    self.at = t.range.end;
                    if self.peek()?.kind == Tok::BraceClose {
                        return Err(error(
                            "Trailing comma in object",
                            "JSON does not permit a trailing comma after the final property in an object.",
                            t.range,
                        ));
                    }
                }
                Tok::BraceClose => break,
                Tok::Eof => {
                    return Err(error(
                        "Unclosed object",
                        "No closing brace was found for this JSON object.",
                        open,
                    ))
                }
                Tok::BracketClose => {
                    return Err(error(
                        "Mismatched braces",
                        "A JSON object must be closed with a brace, not a bracket.",
                        t.range,
                    ))
                }
                _ => {
                    return Err(error(
                        "Missing attribute seperator comma",
                        "A comma must appear between each property definition in an object.",
                        t.range,
                    ))
                }
            }
        }
        let close = self.next()?.range;
        Ok(Node {
            value: Value::Object(members),
            range: open.start..close.end,
        })
    }

    fn array(&mut self) -> Result<Node, SyntaxError> {
        let open = self.next()?.range;
        let mut values = Vec::new();
        loop {
            if self.peek()?.kind == Tok::BracketClose {
                break;
            }
            values.push(self.value()?);
            let t = self.peek()?;
            match t.kind {
                Tok::Comma => {
                    self.at = t.range.end;
                    if self.peek()?.kind == Tok::BracketClose {
                        return Err(error(
                            "Trailing comma in array",
                            "JSON does not permit a trailing comma after the final value in an array.",
                            t.range,
                        ));
                    }
                }
                Tok::BracketClose => break,
                Tok::Colon => {
                    return Err(error(
                        "Invalid array value",
                        "A colon is not used to introduce values in a JSON array.",
                        t.range,
                    ))
                }
                Tok::Eof => {
                    return Err(error(
                        "Unclosed object",
                        "No closing bracket was found for this JSON array.",
                        open,
                    ))
                }
                Tok::BraceClose => {
                    return Err(error(
                        "Mismatched brackets",
                        "A JSON array must be closed with a bracket, not a brace.",
                        t.range,
                    ))
                }
                _ => {
                    return Err(error(
                        "Missing attribute seperator comma",
                        "A comma must appear between each value in an array.",
                        t.range,
                    ))
                }
            }
        }
        let close = self.next()?.range;
        Ok(Node {
            value: Value::Array(values),
            range: open.start..close.end,
        })
    }

    /// Decodes the string token at `range`, recording each escape.
    fn string(&self, range: Range<usize>) -> Result<Str, SyntaxError> {
        let invalid = |at: Range<usize>| {
            error(
                "Invalid JSON string",
                "There is a syntax error in the given JSON string.",
                at,
            )
        };
        let raw = &self.text[range.clone()];
        if raw.len() < 2 || !raw.ends_with('"') {
            // Cut short by a raw control character or the end of the text.
            let at = range.end;
            let len = self.text[at..].chars().next().map_or(0, char::len_utf8);
            return Err(invalid(at..at + len));
        }
        let mut value = String::with_capacity(raw.len() - 2);
        let mut escapes = Vec::new();
        let base = range.start + 1;
        let body = &raw[1..raw.len() - 1];
        let mut i = 0;
        while let Some(rel) = body[i..].find('\\') {
            value.push_str(&body[i..i + rel]);
            let start = i + rel;
            let (decoded, len) = escape(&body[start..]).ok_or_else(|| {
                let end = (start + 2).min(body.len());
                invalid(base + start..base + end)
            })?;
            let from = value.len();
            value.push(decoded);
            escapes.push(Escape {
                decoded: from..value.len(),
                written: base + start..base + start + len,
            });
            i = start + len;
        }
        value.push_str(&body[i..]);
        Ok(Str { value, range, escapes })
    }
}

/// Decodes the escape sequence at the start of `s` (which starts with a
/// backslash): the character, and how many bytes were written for it.
fn escape(s: &str) -> Option<(char, usize)> {
    let c = match s.as_bytes().get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let first = hex4(s.get(2..6)?)?;
            if (0xD800..0xDC00).contains(&first) {
                // A surrogate pair is one character written as two escapes.
                if let Some(second) = s.get(6..8).filter(|p| *p == "\\u").and_then(|_| hex4(s.get(8..12)?)) {
                    if (0xDC00..0xE000).contains(&second) {
                        let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                        return Some((char::from_u32(c)?, 12));
                    }
                }
            }
            // A lone surrogate decodes to the replacement character, as Go's JSON does.
            return Some((char::from_u32(first).unwrap_or('\u{FFFD}'), 6));
        }
        _ => return None,
    };
    Some((c, 2))
}

fn hex4(s: &str) -> Option<u32> {
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        u32::from_str_radix(s, 16).ok()
    } else {
        None
    }
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> (&'static str, String) {
        let e = parse(text).unwrap_err();
        (e.summary, text[e.range].to_string())
    }

    #[test]
    fn keeps_order_duplicates_and_ranges() {
        let text = r#"{"b": 1, "a": [true, null], "b": "x"}"#;
        let n = parse(text).unwrap();
        let Value::Object(m) = &n.value else { panic!() };
        let keys: Vec<&str> = m.iter().map(|m| m.key.value.as_str()).collect();
        assert_eq!(keys, ["b", "a", "b"]);
        assert_eq!(&text[m[1].value.range.clone()], "[true, null]");
        assert_eq!(&text[m[2].key.range.clone()], "\"b\"");
        assert_eq!(n.range, 0..text.len());
    }

    #[test]
    fn escapes_decode_and_lead_back_to_their_bytes() {
        let text = r#"["a\"b\u00e9\ud83d\ude00c"]"#;
        let n = parse(text).unwrap();
        let Value::Array(v) = &n.value else { panic!() };
        let Value::String(s) = &v[0].value else { panic!() };
        assert_eq!(s.value, "a\"bé😀c");
        // `b` is decoded byte 2, written after `\"`.
        assert_eq!(&text[s.written_at(2)..s.written_at(2) + 1], "b");
        // Inside the two-byte é: the start of its escape.
        assert_eq!(s.written_at(4), text.find("\\u00e9").unwrap());
        let c = s.value.find('c').unwrap();
        assert_eq!(&text[s.written_at(c)..s.written_at(c) + 1], "c");
        let pieces: Vec<&str> = s
            .pieces(0..s.value.len())
            .iter()
            .map(|p| &text[p.written.clone()])
            .collect();
        assert_eq!(pieces, ["a", "\\\"", "b", "\\u00e9", "\\ud83d\\ude00", "c"]);
        assert_eq!(s.pieces(3..5).len(), 1);
    }

    #[test]
    fn numbers_follow_json_syntax() {
        for ok in ["0", "-1", "1.5", "1e3", "-0.5E-2", "12"] {
            assert!(is_json_number(ok), "{ok}");
        }
        for bad in ["01", "+1", ".5", "1.", "1e", "--1", "1.2.3", "-"] {
            assert!(!is_json_number(bad), "{bad}");
        }
    }

    #[test]
    fn syntax_errors_name_the_mistake_at_its_token() {
        assert_eq!(err(r#"{"a": 1,}"#), ("Trailing comma in object", ",".into()));
        assert_eq!(err(r#"[1,]"#), ("Trailing comma in array", ",".into()));
        assert_eq!(err(r#"{"a" 1}"#), ("Missing property value colon", "1".into()));
        assert_eq!(err(r#"{"a" = 1}"#), ("Missing property value colon", "=".into()));
        assert_eq!(err(r#"{"a"}"#), ("Missing object value", "}".into()));
        assert_eq!(err(r#"{"a": 1"#), ("Unclosed object", "{".into()));
        assert_eq!(err(r#"[1"#), ("Unclosed object", "[".into()));
        assert_eq!(err(r#"{"a": 1]"#), ("Mismatched braces", "]".into()));
        assert_eq!(err(r#"[1}"#), ("Mismatched brackets", "}".into()));
        assert_eq!(err(r#"[1 2]"#), ("Missing attribute seperator comma", "2".into()));
        assert_eq!(
            err(r#"{"a": 1 "b": 2}"#),
            ("Missing attribute seperator comma", "\"b\"".into())
        );
        assert_eq!(err(r#"[1: 2]"#), ("Invalid array value", ":".into()));
        assert_eq!(err(r#"{1: 2}"#), ("Invalid object property name", "1".into()));
        assert_eq!(err(r#"{"a": tru}"#), ("Invalid JSON keyword", "tru".into()));
        assert_eq!(err(r#"NaN"#), ("Invalid JSON keyword", "NaN".into()));
        assert_eq!(err(r#"{"a": 01}"#), ("Invalid JSON number", "01".into()));
        assert_eq!(err(r#"{"a": "x\q"}"#), ("Invalid JSON string", "\\q".into()));
        assert_eq!(err(r#"{"a": "x\u12"}"#), ("Invalid JSON string", "\\u".into()));
        assert_eq!(err("{\"a\": \"x\ny\"}"), ("Invalid JSON string", "\n".into()));
        assert_eq!(err("{\"a\": \"x"), ("Invalid JSON string", "".into()));
        assert_eq!(err(r#"{"a": 1} x"#), ("Extraneous data after value", "x".into()));
        assert_eq!(err(r#"{"a": @}"#), ("Invalid start of value", "@".into()));
        assert_eq!(err(""), ("Missing value", "".into()));
        assert_eq!(err("[}"), ("Missing JSON value", "}".into()));
        let e = parse(r#"{"a": tru}"#).unwrap_err();
        assert_eq!(e.detail, "\"tru\" is not a valid JSON keyword. Did you mean \"true\"?");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert_eq!(parse(&text).unwrap_err().summary, "JSON nesting too deep");
    }
}
