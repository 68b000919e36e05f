//! Values and types written the way `terraform console` writes them.
//!
//! [`console`] is the value form: typed collections as `tolist([...])`,
//! `toset([...])` and `tomap({...})`, typed nulls as `tostring(null)`,
//! multi-line strings as heredocs, object keys always quoted, two spaces of
//! indentation. [`type_string`] is what the console's `type()` prints.
//! Sensitive values show as `(sensitive value)`, unknown ones as
//! `(known after apply)`. Pure: used by `aksplan console` and the
//! conformance tests.

mod go_printable;

use super::types::Type;
use super::value::Value;
use std::fmt::Write;

/// A value as `terraform console` prints it.
pub fn console(v: &Value) -> String {
    let mut out = String::new();
    value(v, 0, &mut out);
    out
}

fn value(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Unknown(_) => out.push_str("(known after apply)"),
        // An unknown value shows as unknown even when it is sensitive.
        Value::Sensitive(inner) if !inner.is_known() => out.push_str("(known after apply)"),
        Value::Sensitive(_) => out.push_str("(sensitive value)"),
        Value::Null(t) => out.push_str(&typed_null(t)),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => string(s, indent, out),
        Value::Tuple(items) => sequence(items, indent, out),
        Value::List(_, items) => {
            out.push_str("tolist(");
            sequence(items, indent, out);
            out.push(')');
        }
        Value::Set(_, items) => {
            out.push_str("toset(");
            sequence(items, indent, out);
            out.push(')');
        }
        Value::Object(m) => mapping(m, indent, out),
        Value::Map(_, m) => {
            out.push_str("tomap(");
            mapping(m, indent, out);
            out.push(')');
        }
    }
}

fn typed_null(t: &Type) -> String {
    match t {
        Type::Dynamic => "null".into(),
        Type::String => "tostring(null)".into(),
        Type::Number => "tonumber(null)".into(),
        Type::Bool => "tobool(null)".into(),
        Type::List(e) => format!("tolist(null) /* of {} */", friendly_name(e)),
        Type::Set(e) => format!("toset(null) /* of {} */", friendly_name(e)),
        Type::Map(e) => format!("tomap(null) /* of {} */", friendly_name(e)),
        t => format!("null /* {} */", friendly_name(t)),
    }
}

/// go-cty's short name of a type: `list of string`, `object`, `tuple`.
fn friendly_name(t: &Type) -> String {
    match t {
        Type::Dynamic => "dynamic".into(),
        Type::String => "string".into(),
        Type::Number => "number".into(),
        Type::Bool => "bool".into(),
        Type::List(e) => format!("list of {}", friendly_name(e)),
        Type::Set(e) => format!("set of {}", friendly_name(e)),
        Type::Map(e) => format!("map of {}", friendly_name(e)),
        Type::Tuple(_) => "tuple".into(),
        Type::Object(_) => "object".into(),
    }
}

fn string(s: &str, indent: usize, out: &mut String) {
    let lines: Vec<&str> = s.split('\n').collect();
    if lines.len() < 2 {
        out.push_str(&go_quote(s));
        return;
    }
    let mut delimiter = String::from("EOT");
    while lines.iter().any(|l| l.trim() == delimiter) {
        delimiter.push('_');
    }
    out.push_str(if indent > 0 { "<<-" } else { "<<" });
    out.push_str(&delimiter);
    let pad = " ".repeat(indent);
    for line in lines {
        out.push('\n');
        out.push_str(&pad);
        out.push_str(line);
    }
    out.push('\n');
    out.push_str(&pad);
    out.push_str(&delimiter);
}

fn sequence(items: &[Value], indent: usize, out: &mut String) {
    out.push('[');
    let pad = " ".repeat(indent + 2);
    for item in items {
        out.push('\n');
        out.push_str(&pad);
        value(item, indent + 2, out);
        out.push(',');
    }
    if !items.is_empty() {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
    }
    out.push(']');
}

fn mapping(m: &super::value::Map, indent: usize, out: &mut String) {
    out.push('{');
    let pad = " ".repeat(indent + 2);
    for (k, item) in m {
        out.push('\n');
        out.push_str(&pad);
        string(k, indent + 2, out);
        out.push_str(" = ");
        value(item, indent + 2, out);
    }
    if !m.is_empty() {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
    }
    out.push('}');
}

/// A string quoted as Go's `strconv.Quote` quotes it: printable characters
/// as they are, the others escaped.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x80 && (c.is_ascii_control()) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if !go_printable(c) => {
                if (c as u32) < 0x10000 {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                } else {
                    let _ = write!(out, "\\U{:08x}", c as u32);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `strconv.IsPrint` (Go 1.23, Unicode 15.0): ASCII from the space to
/// `~`, and above ASCII the letters, marks, numbers, punctuation and
/// symbols; a character added to Unicode later (U+A7CD) is escaped.
pub(crate) fn go_printable(c: char) -> bool {
    let c = c as u32;
    if c < 0x80 {
        return (0x20..0x7f).contains(&c);
    }
    go_printable::PRINTABLE
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// A type as the console's `type()` function prints it: collections of
/// collections on one line, objects and tuples one attribute or element a
/// line, four spaces deep.
pub fn type_string(t: &Type) -> String {
    let mut out = String::new();
    write_type(t, 0, &mut out);
    out
}

fn is_structural(t: &Type) -> bool {
    match t {
        Type::Tuple(_) | Type::Object(_) => true,
        Type::List(e) | Type::Set(e) | Type::Map(e) => is_structural(e),
        _ => false,
    }
}

fn write_type(t: &Type, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent + 4);
    match t {
        Type::Dynamic => out.push_str("dynamic"),
        Type::String => out.push_str("string"),
        Type::Number => out.push_str("number"),
        Type::Bool => out.push_str("bool"),
        Type::List(e) | Type::Set(e) | Type::Map(e) => {
            let name = match t {
                Type::List(_) => "list",
                Type::Set(_) => "set",
                _ => "map",
            };
            out.push_str(name);
            out.push('(');
            if is_structural(e) {
                out.push('\n');
                out.push_str(&pad);
                write_type(e, indent + 4, out);
                out.push_str(",\n");
                out.push_str(&" ".repeat(indent));
            } else {
                write_type(e, indent, out);
            }
            out.push(')');
        }
        Type::Tuple(ts) => {
            out.push_str("tuple([");
            for e in ts.iter() {
                out.push('\n');
                out.push_str(&pad);
                write_type(e, indent + 4, out);
                out.push(',');
            }
            if !ts.is_empty() {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
            }
            out.push_str("])");
        }
        Type::Object(attrs) => {
            out.push_str("object({");
            for (k, a) in attrs.iter() {
                out.push('\n');
                out.push_str(&pad);
                out.push_str(k);
                out.push_str(": ");
                write_type(&a.ty, indent + 4, out);
                out.push(',');
            }
            if !attrs.is_empty() {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
            }
            out.push_str("})");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::eval::eval_standalone;

    fn show(src: &str) -> String {
        console(&eval_standalone(src).unwrap())
    }

    fn ty(src: &str) -> String {
        type_string(&eval_standalone(src).unwrap().ty())
    }

    // Expected texts are terraform 1.11's `terraform console` output.

    #[test]
    fn structures_as_the_console_prints_them() {
        assert_eq!(
            show(r#"{a=1, "b c"=[1,2], d={}, e=[], f=null, g="x\ny"}"#),
            "{\n  \"a\" = 1\n  \"b c\" = [\n    1,\n    2,\n  ]\n  \"d\" = {}\n  \"e\" = []\n  \"f\" = null\n  \"g\" = <<-EOT\n  x\n  y\n  EOT\n}"
        );
        assert_eq!(show(r#"tolist(["a","b"])"#), "tolist([\n  \"a\",\n  \"b\",\n])");
        assert_eq!(show(r#"tomap({b=1,a=2})"#), "tomap({\n  \"a\" = 2\n  \"b\" = 1\n})");
        assert_eq!(show("[tolist([]), {}]"), "[\n  tolist([]),\n  {},\n]");
        assert_eq!(show("\"multi\\nline\\n\""), "<<EOT\nmulti\nline\n\nEOT");
        assert_eq!(show(r#"{a=sensitive("x")}"#), "{\n  \"a\" = (sensitive value)\n}");
    }

    #[test]
    fn typed_nulls_say_their_type() {
        assert_eq!(show("tostring(null)"), "tostring(null)");
        assert_eq!(show("tolist(null)"), "tolist(null) /* of dynamic */");
        assert_eq!(show("true ? null : tolist([1])"), "tolist(null) /* of number */");
        assert_eq!(show("true ? null : {a=1}"), "null /* object */");
    }

    #[test]
    fn heredoc_delimiters_avoid_the_content() {
        assert_eq!(
            show(r#"{"EOT" = "EOT\nEOT_"}"#),
            "{\n  \"EOT\" = <<-EOT__\n  EOT\n  EOT_\n  EOT__\n}"
        );
    }

    #[test]
    fn strings_quote_as_go_does() {
        assert_eq!(go_quote("é\u{0}\u{7f}😀\u{200b}"), r#""é\x00\x7f😀\u200b""#);
        assert_eq!(go_quote("a\"b\\c\td"), r#""a\"b\\c\td""#);
        // Go 1.23 knows Unicode 15.0: later characters are escaped.
        assert_eq!(go_quote("\u{a7cd}\u{a0}\u{ad}\u{1f600}"), r#""\ua7cd\u00a0\u00ad😀""#);
    }

    #[test]
    fn types_as_type_prints_them() {
        assert_eq!(ty(r#"tolist(["a"])"#), "list(string)");
        assert_eq!(ty("tomap({a=tolist([1])})"), "map(list(number))");
        assert_eq!(ty("[]"), "tuple([])");
        assert_eq!(ty("{}"), "object({})");
        assert_eq!(ty("null"), "dynamic");
        assert_eq!(
            ty("{a={b=1}}"),
            "object({\n    a: object({\n        b: number,\n    }),\n})"
        );
        assert_eq!(ty("tomap({a=[1]})"), "map(\n    tuple([\n        number,\n    ]),\n)");
        assert_eq!(
            ty("[tolist([]), {a=tomap({x=1})}]"),
            "tuple([\n    list(dynamic),\n    object({\n        a: map(number),\n    }),\n])"
        );
    }
}
