//! Values as cty's `json.Marshal` writes them, which `format`'s `%#v` (and
//! `%v` of anything but a string or number) prints: numbers in full decimal
//! (`Number::text('f', -1)`), object and map keys in byte order, strings
//! as Go's `encoding/json` escapes them (`<`, `>`, `&`, U+2028 and U+2029
//! included). Unknown and marked values have no JSON. Must not read JSON.

use crate::lang::value::Value;

/// cty's JSON of a value (`%#v`, and `%v` of anything but a string or
/// number): numbers in full decimal, object keys sorted, strings as Go's
/// `encoding/json` writes them.
pub fn json(v: &Value) -> Result<String, String> {
    let mut out = String::new();
    write_json(v, &mut out)?;
    Ok(out)
}

fn write_json(v: &Value, out: &mut String) -> Result<(), String> {
    match v {
        Value::Null(_) => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_infinite() => return Err("cannot serialize infinity as JSON".into()),
        Value::Number(n) => out.push_str(&n.text('f', -1)),
        Value::String(s) => out.push_str(&json_string(s)),
        Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out)?;
            }
            out.push(']');
        }
        Value::Map(_, m) | Value::Object(m) => {
            out.push('{');
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_string(k));
                out.push(':');
                write_json(item, out)?;
            }
            out.push('}');
        }
        Value::Unknown(_) => return Err("value is not known".into()),
        Value::Sensitive(_) => return Err("value has marks, so it cannot be serialized as JSON".into()),
    }
    Ok(())
}

/// A string as Go's `json.Marshal` writes it: `\b \f \n \r \t` and
/// `\u00XX` for other control characters, and `<`, `>`, `&`, U+2028 and
/// U+2029 escaped for HTML.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
