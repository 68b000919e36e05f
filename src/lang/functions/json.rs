//! `jsonencode` and `jsondecode`, as go-cty's stdlib has them.
//!
//! Encoding is cty's JSON, shared with `format`'s `%#v` (`ctyjson.rs`):
//! what Go's encoding/json writes (keys sorted, `<`, `>`, `&`, U+2028 and
//! U+2029 escaped, numbers with all their digits, no infinities). Decoding
//! reads JSON token by token the way Go's `json.Decoder` does, so that
//! numbers keep every digit, a repeated key keeps its last value, and errors
//! say what Go says ("invalid character 'x' looking for beginning of value",
//! "unexpected EOF"). This module must not touch anything but the text it is
//! given.

use super::{func, param, string_arg, FnError, FnResult, FuncContext, Function};
use crate::lang::number::Number;
use crate::lang::types::Type;
use crate::lang::value::{Map, Value};

pub fn register(r: &mut Vec<Function>) {
    r.extend([
        func(
            "jsonencode",
            vec![param("val", Type::Dynamic).null()],
            Type::String,
            jsonencode,
        )
        .deep(),
        func(
            "jsondecode",
            vec![param("str", Type::String)],
            Type::Dynamic,
            jsondecode,
        ),
    ]);
}

/// cty's JSON of the value (`ctyjson`): an infinity is an error.
pub fn jsonencode(a: &[Value], _: &FuncContext) -> FnResult {
    super::ctyjson::json(&a[0]).map(Value::String).map_err(FnError::new)
}

pub fn jsondecode(a: &[Value], _: &FuncContext) -> FnResult {
    let s = string_arg(a, 0)?;
    decode(&s).map_err(FnError::new)
}

/// Decodes one JSON value: arrays become tuples and objects objects, as
/// cty's implied types make them.
pub(crate) fn decode(src: &str) -> Result<Value, String> {
    let mut d = Decoder {
        src: src.as_bytes(),
        pos: 0,
    };
    let v = d.value(State::Top)?;
    // Go's Decoder.More(): anything but `]` or `}` left over is extraneous.
    match d.peek() {
        Some(b']' | b'}') | None => Ok(v),
        Some(_) => Err("extraneous data after JSON object".into()),
    }
}

/// Where the decoder is, for the wording of Go's token errors.
#[derive(Clone, Copy, PartialEq)]
enum State {
    Top,
    ArrayStart,
    ArrayValue,
    ArrayComma,
    ObjectStart,
    ObjectKey,
    ObjectColon,
    ObjectValue,
    ObjectComma,
}

struct Decoder<'a> {
    src: &'a [u8],
    pos: usize,
}

/// A byte as Go's encoding/json quotes it in messages.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".into(),
        b'"' => "'\"'".into(),
        _ => {
            let q = crate::lang::display::go_quote(&char::from(c).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

fn invalid(c: u8, context: &str) -> String {
    format!("invalid character {}{context}", quote_char(c))
}

fn token_error(c: u8, state: State) -> String {
    let context = match state {
        State::Top | State::ArrayStart | State::ArrayValue | State::ObjectValue => " looking for beginning of value",
        State::ArrayComma => " after array element",
        State::ObjectKey => " looking for beginning of object key string",
        State::ObjectColon => " after object key",
        State::ObjectComma => " after object key:value pair",
        State::ObjectStart => "",
    };
    invalid(c, context)
}

const EOF: &str = "EOF";
const UNEXPECTED_EOF: &str = "unexpected EOF";

impl Decoder<'_> {
    /// The next byte that is not white space, without taking it.
    fn peek(&mut self) -> Option<u8> {
        while let Some(&c) = self.src.get(self.pos) {
            if matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
                self.pos += 1;
            } else {
                return Some(c);
            }
        }
        None
    }

    /// The next byte, which must exist and which the token state must allow
    /// (`expect` names a delimiter that is also allowed).
    fn next_token(&mut self, state: State, expect: Option<u8>) -> Result<u8, String> {
        let c = self.peek().ok_or(EOF)?;
        if Some(c) == expect {
            self.pos += 1;
            return Ok(c);
        }
        let value_allowed = matches!(
            state,
            State::Top | State::ArrayStart | State::ArrayValue | State::ObjectValue
        );
        let ok = match c {
            b']' | b'}' | b':' | b',' => false,
            b'"' if matches!(state, State::ObjectStart | State::ObjectKey) => true,
            _ => value_allowed,
        };
        if ok {
            Ok(c)
        } else {
            Err(token_error(c, state))
        }
    }

    fn value(&mut self, state: State) -> Result<Value, String> {
        let c = self.next_token(state, None)?;
        match c {
            b'[' => {
                self.pos += 1;
                self.array()
            }
            b'{' => {
                self.pos += 1;
                self.object()
            }
            _ => self.scalar(),
        }
    }

    fn array(&mut self) -> Result<Value, String> {
        let mut items = Vec::new();
        let mut state = State::ArrayStart;
        loop {
            // Go's Decoder.More() then Token(): `]` ends the array where one
            // may come; a comma moves on to the next element.
            match self.peek() {
                Some(b']') if matches!(state, State::ArrayStart | State::ArrayComma) => {
                    self.pos += 1;
                    return Ok(Value::Tuple(items));
                }
                Some(b',') if state == State::ArrayComma => {
                    self.pos += 1;
                    state = State::ArrayValue;
                    continue;
                }
                _ => {}
            }
            items.push(self.value(state)?);
            state = State::ArrayComma;
        }
    }

    fn object(&mut self) -> Result<Value, String> {
        let mut m = Map::new();
        let mut state = State::ObjectStart;
        loop {
            match self.peek() {
                Some(b'}') if matches!(state, State::ObjectStart | State::ObjectComma) => {
                    self.pos += 1;
                    return Ok(Value::Object(m));
                }
                Some(b',') if state == State::ObjectComma => {
                    self.pos += 1;
                    state = State::ObjectKey;
                    continue;
                }
                _ => {}
            }
            self.next_token(state, None)?;
            let key = self.string()?;
            self.next_token(State::ObjectColon, Some(b':'))?;
            let v = self.value(State::ObjectValue)?;
            m.insert(key, v);
            state = State::ObjectComma;
        }
    }

    fn scalar(&mut self) -> Result<Value, String> {
        let c = self.src[self.pos];
        match c {
            b'"' => self.string().map(Value::String),
            b't' => self.literal("true").map(|_| Value::Bool(true)),
            b'f' => self.literal("false").map(|_| Value::Bool(false)),
            b'n' => self.literal("null").map(|_| Value::null()),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(invalid(c, " looking for beginning of value")),
        }
    }

    fn literal(&mut self, word: &str) -> Result<(), String> {
        for (i, want) in word.bytes().enumerate() {
            match self.src.get(self.pos + i) {
                None => return Err(UNEXPECTED_EOF.into()),
                Some(&c) if c != want => {
                    return Err(invalid(
                        c,
                        &format!(" in literal {word} (expecting {})", quote_char(want)),
                    ))
                }
                Some(_) => {}
            }
        }
        self.pos += word.len();
        Ok(())
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.pos;
        let at = |p: usize| self.src.get(p).copied();
        let mut p = self.pos;
        if at(p) == Some(b'-') {
            p += 1;
        }
        match at(p) {
            Some(b'0') => p += 1,
            Some(b'1'..=b'9') => {
                while matches!(at(p), Some(b'0'..=b'9')) {
                    p += 1;
                }
            }
            Some(c) => return Err(invalid(c, " in numeric literal")),
            None => return Err(UNEXPECTED_EOF.into()),
        }
        if at(p) == Some(b'.') {
            p += 1;
            match at(p) {
                Some(b'0'..=b'9') => {}
                Some(c) => return Err(invalid(c, " after decimal point in numeric literal")),
                None => return Err(UNEXPECTED_EOF.into()),
            }
            while matches!(at(p), Some(b'0'..=b'9')) {
                p += 1;
            }
        }
        if matches!(at(p), Some(b'e' | b'E')) {
            p += 1;
            if matches!(at(p), Some(b'+' | b'-')) {
                p += 1;
            }
            match at(p) {
                Some(b'0'..=b'9') => {}
                Some(c) => return Err(invalid(c, " in exponent of numeric literal")),
                None => return Err(UNEXPECTED_EOF.into()),
            }
            while matches!(at(p), Some(b'0'..=b'9')) {
                p += 1;
            }
        }
        self.pos = p;
        let text = std::str::from_utf8(&self.src[start..p]).unwrap_or("0");
        Number::parse(text)
            .map(Value::Number)
            .ok_or_else(|| format!("cannot represent the number {text}"))
    }

    /// A string starting at the opening quote.
    fn string(&mut self) -> Result<String, String> {
        let mut out = String::new();
        let mut p = self.pos + 1;
        loop {
            let rest = &self.src[p..];
            // Copy a run of plain characters at once (the input is UTF-8).
            let run = rest
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .ok_or(UNEXPECTED_EOF)?;
            out.push_str(std::str::from_utf8(&rest[..run]).unwrap_or_default());
            p += run;
            match self.src[p] {
                b'"' => {
                    self.pos = p + 1;
                    return Ok(out);
                }
                b'\\' => {
                    p += 1;
                    let e = *self.src.get(p).ok_or(UNEXPECTED_EOF)?;
                    p += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4(p)?;
                            p += 4;
                            let c = if (0xD800..0xDC00).contains(&hi)
                                && self.src.get(p) == Some(&b'\\')
                                && self.src.get(p + 1) == Some(&b'u')
                            {
                                match self.hex4(p + 2) {
                                    Ok(lo) if (0xDC00..0xE000).contains(&lo) => {
                                        p += 6;
                                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                    }
                                    _ => None,
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            out.push(c.unwrap_or('\u{FFFD}'));
                        }
                        c => return Err(invalid(c, " in string escape code")),
                    }
                }
                c => return Err(invalid(c, " in string literal")),
            }
        }
    }

    fn hex4(&self, p: usize) -> Result<u32, String> {
        let mut v = 0;
        for i in 0..4 {
            let c = *self.src.get(p + i).ok_or(UNEXPECTED_EOF)?;
            let d = char::from(c)
                .to_digit(16)
                .ok_or_else(|| invalid(c, " in \\u hexadecimal character escape"))?;
            v = v * 16 + d;
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;

    /// Expectations printed by `terraform console` (1.11.4) on this machine.
    #[test]
    fn jsonencode_as_terraform() {
        let cases = [
            (r#"jsonencode({b = "<x&y>", a = [1, 2.5, null, true]})"#, r#""{\"a\":[1,2.5,null,true],\"b\":\"\\u003cx\\u0026y\\u003e\"}""#),
            ("jsonencode(1e30)", r#""1000000000000000000000000000000""#),
            ("jsonencode(0.1)", r#""0.1""#),
            (r#"jsonencode(toset(["b","a"]))"#, r#""[\"a\",\"b\"]""#),
            ("jsonencode({b=1,a=[null]})", r#""{\"a\":[null],\"b\":1}""#),
            ("jsonencode(null)", r#""null""#),
            ("jsonencode(tolist([]))", r#""[]""#),
            ("jsonencode({})", r#""{}""#),
            (
                r#"jsonencode(jsondecode("\"\\b\\f\\u0001\\u007f<>&\\u2028\\u2029é\\t\\r\\n\\\\\\\"/\\u0000\""))"#,
                "\"\\\"\\\\b\\\\f\\\\u0001\\x7f\\\\u003c\\\\u003e\\\\u0026\\\\u2028\\\\u2029é\\\\t\\\\r\\\\n\\\\\\\\\\\\\\\"/\\\\u0000\\\"\"",
            ),
        ];
        for (src, want) in cases {
            assert_eq!(show(src), want, "{src}");
        }
    }

    #[test]
    fn jsonencode_of_unknown_parts_is_unknown() {
        assert_eq!(
            ok("jsonencode([1, timestamp()])"),
            crate::lang::value::Value::Unknown(crate::lang::types::Type::String)
        );
    }

    /// Expectations printed by `terraform console` (1.11.4) on this machine.
    #[test]
    fn jsondecode_as_terraform() {
        let cases = [
            (r#"jsondecode("{\"a\":1,\"a\":\"x\"}")"#, "{\n  \"a\" = \"x\"\n}"),
            (r#"jsondecode("\"\\ud800\"")"#, "\"\u{FFFD}\""),
            (r#"jsondecode("\"\\ud83d\\ude00\"")"#, "\"😀\""),
            (
                r#"jsondecode("[1, \"a\", null, true, {}]")"#,
                "[\n  1,\n  \"a\",\n  null,\n  true,\n  {},\n]",
            ),
            (r#"jsondecode("  null ")"#, "null"),
            (r#"jsondecode("1.0")"#, "1"),
            (r#"jsondecode("1E2")"#, "100"),
            (r#"jsondecode("[1]]")"#, "[\n  1,\n]"),
            (r#"jsondecode("{\"a\":1}}")"#, "{\n  \"a\" = 1\n}"),
            (r#"jsondecode("1 ")"#, "1"),
            (
                r#"jsondecode("{\"a\":[1,{\"b\":2}]}")"#,
                "{\n  \"a\" = [\n    1,\n    {\n      \"b\" = 2\n    },\n  ]\n}",
            ),
        ];
        for (src, want) in cases {
            assert_eq!(show(src), want, "{src}");
        }
    }

    /// `type(jsondecode("[1, \"a\", null, true, {}]"))` is
    /// `tuple([number, string, dynamic, bool, object({})])` in terraform.
    #[test]
    fn jsondecode_types_as_terraform() {
        use crate::lang::types::Type;
        let t = ok(r#"jsondecode("[1, \"a\", null, true, {}]")"#).ty();
        let want = Type::tuple(vec![
            Type::Number,
            Type::String,
            Type::Dynamic,
            Type::Bool,
            Type::object([]),
        ]);
        assert_eq!(t, want);
        // type(jsondecode("null")) is dynamic.
        assert_eq!(ok(r#"jsondecode("null")"#).ty(), Type::Dynamic);
    }

    /// Numbers keep every digit: the whole literal goes to `Number::parse`.
    #[test]
    fn jsondecode_numbers_keep_their_digits() {
        use crate::lang::number::Number;
        for text in ["123456789012345678901234567890.123456789", "1e400", "-0", "1.0"] {
            let got = super::decode(text).unwrap();
            assert_eq!(
                got,
                crate::lang::value::Value::Number(Number::parse(text).unwrap()),
                "{text}"
            );
        }
    }

    /// terraform console prints `jsondecode("123456789012345678901234567890.123456789")`
    /// with all its digits; this needs the arbitrary-precision `Number` that
    /// replaces the f64 placeholder.
    #[test]
    fn jsondecode_big_numbers_print_as_terraform() {
        assert_eq!(
            show(r#"jsondecode("123456789012345678901234567890.123456789")"#),
            "123456789012345678901234567890.123456789"
        );
    }

    /// Error texts printed by `terraform console` (1.11.4) on this machine.
    #[test]
    fn jsondecode_errors_as_terraform() {
        let cases = [
            (r#"jsondecode("{")"#, "EOF"),
            (r#"jsondecode("")"#, "EOF"),
            (r#"jsondecode("[1")"#, "EOF"),
            (r#"jsondecode("1 2")"#, "extraneous data after JSON object"),
            (r#"jsondecode("01")"#, "extraneous data after JSON object"),
            (r#"jsondecode("[1] x")"#, "extraneous data after JSON object"),
            (
                r#"jsondecode("[1,]")"#,
                "invalid character ']' looking for beginning of value",
            ),
            (r#"jsondecode("nul")"#, "unexpected EOF"),
            (r#"jsondecode("tru")"#, "unexpected EOF"),
            (r#"jsondecode("\"abc")"#, "unexpected EOF"),
            (r#"jsondecode("1.")"#, "unexpected EOF"),
            (r#"jsondecode("-")"#, "unexpected EOF"),
            (r#"jsondecode("{\"a\" 1}")"#, "invalid character '1' after object key"),
            (r#"jsondecode("{1:2}")"#, "invalid character '1'"),
            (r#"jsondecode("{,}")"#, "invalid character ','"),
            (r#"jsondecode("[01]")"#, "invalid character '1' after array element"),
            (r#"jsondecode("[1 2]")"#, "invalid character '2' after array element"),
            (
                r#"jsondecode("{\"a\":1 \"b\":2}")"#,
                "invalid character '\"' after object key:value pair",
            ),
            (
                r#"jsondecode("trux")"#,
                "invalid character 'x' in literal true (expecting 'e')",
            ),
            (
                r#"jsondecode("1.x")"#,
                "invalid character 'x' after decimal point in numeric literal",
            ),
            (
                r#"jsondecode("1ex")"#,
                "invalid character 'x' in exponent of numeric literal",
            ),
            (r#"jsondecode("-x")"#, "invalid character 'x' in numeric literal"),
            (
                r#"jsondecode("\"\\x\"")"#,
                "invalid character 'x' in string escape code",
            ),
            (
                r#"jsondecode("\"\\u12x4\"")"#,
                "invalid character 'x' in \\u hexadecimal character escape",
            ),
            (
                r#"jsondecode("\"\\u00\"")"#,
                "invalid character '\"' in \\u hexadecimal character escape",
            ),
            (r#"jsondecode("\"a\tb\"")"#, "invalid character '\\t' in string literal"),
            (
                r#"jsondecode("\"é\u0001\"")"#,
                "invalid character '\\x01' in string literal",
            ),
            (
                r#"jsondecode("x")"#,
                "invalid character 'x' looking for beginning of value",
            ),
            (
                r#"jsondecode("{\"a\":}")"#,
                "invalid character '}' looking for beginning of value",
            ),
            (
                r#"jsondecode("[,]")"#,
                "invalid character ',' looking for beginning of value",
            ),
            (
                r#"jsondecode(":")"#,
                "invalid character ':' looking for beginning of value",
            ),
            (
                r#"jsondecode("]")"#,
                "invalid character ']' looking for beginning of value",
            ),
            (
                r#"jsondecode("\ufeff1")"#,
                "invalid character 'ï' looking for beginning of value",
            ),
        ];
        for (src, want) in cases {
            assert_eq!(eval(src).unwrap_err(), format!("jsondecode(): {want}"), "{src}");
        }
    }
}
