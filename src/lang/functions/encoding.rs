//! Byte encodings of strings: `base64encode`, `base64decode`,
//! `base64gzip`, `urlencode` (the text encodings and CSV have their own
//! files).
//!
//! Strings are encoded as their UTF-8 bytes. Base64 is decoded as Go's
//! `base64.StdEncoding` decodes it (line breaks skipped, padding required,
//! stray trailing bits accepted), `urlencode` is Go's `url.QueryEscape`.

use super::{func, param, string_arg, FnError, FnResult, FuncContext, Function};
use crate::lang::types::Type;
use crate::lang::value::Value;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;

pub fn register(r: &mut Vec<Function>) {
    let s1 = |name, f| func(name, vec![param("str", Type::String)], Type::String, f);
    r.extend([
        s1("base64encode", base64encode),
        s1("base64decode", base64decode),
        s1("base64gzip", base64gzip),
        s1("urlencode", urlencode),
    ]);
}

/// Go's `base64.StdEncoding` as a decoder.
const GO_STD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// Decodes base64 as Go's `base64.StdEncoding.DecodeString` does.
pub(crate) fn go_base64_decode(s: &str) -> Option<Vec<u8>> {
    let cleaned: String = s.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    GO_STD.decode(cleaned).ok()
}

pub fn base64encode(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::String(GO_STD.encode(string_arg(a, 0)?)))
}

pub fn base64decode(a: &[Value], _: &FuncContext) -> FnResult {
    let s = string_arg(a, 0)?;
    let bytes = go_base64_decode(&s).ok_or_else(|| FnError::new(format!("failed to decode base64 data {s:?}")))?;
    String::from_utf8(bytes)
        .map(Value::String)
        .map_err(|_| FnError::new("the result of decoding the provided string is not valid UTF-8"))
}

/// `base64gzip`: gzip as Go's `compress/gzip` writes it at the default
/// level (see [`super::gzip`]), then base64.
pub fn base64gzip(a: &[Value], _: &FuncContext) -> FnResult {
    let s = string_arg(a, 0)?;
    Ok(Value::String(GO_STD.encode(super::gzip::gzip(s.as_bytes()))))
}

/// Go's `url.QueryEscape`: unreserved characters stay, a space is `+`,
/// every other byte is `%XX`.
pub fn urlencode(a: &[Value], _: &FuncContext) -> FnResult {
    let s = string_arg(a, 0)?;
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(char::from(b)),
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;

    /// Expectations printed by `terraform console` (1.11.4) on this machine.
    #[test]
    fn base64_as_terraform() {
        let cases = [
            (r#"base64encode("héllo")"#, "aMOpbGxv"),
            (r#"base64encode("")"#, ""),
            (r#"base64decode("aMOpbGxv")"#, "héllo"),
            (r#"base64decode("aGk=\n")"#, "hi"),
            (r#"base64decode("aG\r\nk=")"#, "hi"),
            (r#"base64decode("aGl=")"#, "hi"),
            (r#"base64decode("")"#, ""),
        ];
        for (src, want) in cases {
            assert_eq!(ok(src), s(want), "{src}");
        }
        let errors = [
            (r#"base64decode("aGk")"#, r#"failed to decode base64 data "aGk""#),
            (r#"base64decode("!!")"#, r#"failed to decode base64 data "!!""#),
            (r#"base64decode("aGk= ")"#, r#"failed to decode base64 data "aGk= ""#),
            (r#"base64decode("aGk==")"#, r#"failed to decode base64 data "aGk==""#),
            (
                r#"base64decode("/w==")"#,
                "the result of decoding the provided string is not valid UTF-8",
            ),
        ];
        for (src, want) in errors {
            assert_eq!(eval(src).unwrap_err(), format!("base64decode(): {want}"), "{src}");
        }
        // A sensitive argument is not quoted.
        let e = eval(r#"base64decode(sensitive("!!"))"#).unwrap_err();
        assert!(!e.contains("!!"), "{e}");
    }

    /// Expectations printed by `terraform console` (1.11.4) on this machine
    /// (more, and longer, inputs in `gzip`'s tests).
    #[test]
    fn base64gzip_as_terraform() {
        let cases = [
            (r#"base64gzip("")"#, "H4sIAAAAAAAA/wAAAP//AQAA//8AAAAAAAAAAA=="),
            (r#"base64gzip("a")"#, "H4sIAAAAAAAA/0oEAAAA//8BAAD//0O+t+gBAAAA"),
            (
                r#"base64gzip("hello world")"#,
                "H4sIAAAAAAAA/8pIzcnJVyjPL8pJAQAAAP//AQAA//+FEUoNCwAAAA==",
            ),
            (
                r#"base64gzip("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")"#,
                "H4sIAAAAAAAA/0okEgAAAAD//wEAAP//JYpbySgAAAA=",
            ),
        ];
        for (src, want) in cases {
            assert_eq!(ok(src), s(want), "{src}");
        }
    }

    /// Expectations printed by `terraform console` (1.11.4) on this machine.
    #[test]
    fn urlencode_as_terraform() {
        assert_eq!(
            ok(r#"urlencode("a b+c/d?e=f&g~h*i(j)k!l@m#n$o%p^q[r]s{t}u|v\\w:x;y<z>,.-_é")"#),
            s("a+b%2Bc%2Fd%3Fe%3Df%26g~h%2Ai%28j%29k%21l%40m%23n%24o%25p%5Eq%5Br%5Ds%7Bt%7Du%7Cv%5Cw%3Ax%3By%3Cz%3E%2C.-_%C3%A9")
        );
        assert_eq!(ok(r#"urlencode("")"#), s(""));
    }
}
