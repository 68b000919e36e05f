//! Encoding functions: JSON, YAML, base64, hashes and UUIDv5.

use super::{func, param, string_arg, FnError, FnResult, FuncContext, Function};
use crate::lang::number::Number;
use crate::lang::types::Type;
use crate::lang::value::{Map, Value};
use base64::Engine as _;

pub fn register(r: &mut Vec<Function>) {
    let s1 = |name, f| func(name, vec![param("str", Type::String)], Type::String, f);
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
        func(
            "yamlencode",
            vec![param("value", Type::Dynamic).null()],
            Type::String,
            yamlencode,
        )
        .deep(),
        func(
            "yamldecode",
            vec![param("src", Type::String)],
            Type::Dynamic,
            yamldecode,
        ),
        s1("base64encode", base64encode),
        s1("base64decode", base64decode),
        s1("sha256", sha256),
        s1("md5", md5),
        func(
            "uuidv5",
            vec![param("namespace", Type::String), param("name", Type::String)],
            Type::String,
            uuidv5,
        ),
    ]);
}

/// `jsonencode`: keys sorted, `<`, `>` and `&` escaped as Terraform (Go) does,
/// numbers written with all their digits.
pub fn jsonencode(a: &[Value], _: &FuncContext) -> FnResult {
    let mut out = String::new();
    write_json(&a[0], &mut out);
    Ok(Value::String(out))
}

fn write_json(v: &Value, out: &mut String) {
    match v.inner() {
        Value::Null(_) | Value::Unknown(_) => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_json_string(s, out),
        v => {
            if let Some(items) = v.as_seq() {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json(item, out);
                }
                out.push(']');
            } else if let Some(m) = v.as_map() {
                out.push('{');
                for (i, (k, item)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json_string(k, out);
                    out.push(':');
                    write_json(item, out);
                }
                out.push('}');
            }
        }
    }
}

/// A JSON string as Go's encoding/json writes it (HTML characters escaped).
fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

pub fn jsondecode(a: &[Value], _: &FuncContext) -> FnResult {
    let s = string_arg(a, 0)?;
    let j: serde_json::Value = serde_json::from_str(&s).map_err(|e| FnError::arg(0, format!("invalid JSON: {e}")))?;
    Ok(Value::from_json(&j))
}

/// `yamlencode`: block style with quoted strings, the output Terraform produces.
pub fn yamlencode(a: &[Value], _: &FuncContext) -> FnResult {
    let mut out = String::new();
    let v = a[0].inner();
    match (v.as_map(), v.as_seq()) {
        (Some(m), _) if !m.is_empty() => yaml_map(m, 0, &mut out),
        (_, Some(items)) if !items.is_empty() => yaml_list(items, 0, &mut out),
        _ => {
            out.push_str(&yaml_scalar(v, 0));
            out.push('\n');
        }
    }
    Ok(Value::String(out))
}

fn yaml_scalar(v: &Value, indent: usize) -> String {
    match v {
        Value::Null(_) | Value::Unknown(_) => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.contains('\n') && !s.trim_end_matches('\n').contains('\n') && s.ends_with('\n') => {
            yaml_quoted(s)
        }
        Value::String(s) if s.contains('\n') => {
            let (indicator, body) = match s.strip_suffix('\n') {
                Some(b) if !b.ends_with('\n') => ("|", b),
                _ => ("|-", s.as_str()),
            };
            let pad = " ".repeat(indent + 2);
            let lines: Vec<String> = body
                .split('\n')
                .map(|l| {
                    if l.is_empty() {
                        String::new()
                    } else {
                        format!("{pad}{l}")
                    }
                })
                .collect();
            format!("{indicator}\n{}", lines.join("\n"))
        }
        Value::String(s) => yaml_quoted(s),
        Value::List(..) | Value::Set(..) | Value::Tuple(_) => "[]".into(),
        Value::Map(..) | Value::Object(_) => "{}".into(),
        Value::Sensitive(v) => yaml_scalar(v, indent),
    }
}

fn yaml_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_block(v: &Value) -> bool {
    v.as_map().is_some_and(|m| !m.is_empty()) || v.as_seq().is_some_and(|s| !s.is_empty())
}

fn yaml_map(m: &Map, indent: usize, out: &mut String) {
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 || !out.ends_with("- ") {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&yaml_quoted(k));
        out.push(':');
        yaml_value_after_key(v.inner(), indent, out);
    }
}

fn yaml_value_after_key(v: &Value, indent: usize, out: &mut String) {
    match (v.as_map(), v.as_seq()) {
        (Some(m), _) if is_block(v) => {
            out.push('\n');
            yaml_map(m, indent + 2, out);
        }
        (_, Some(items)) if is_block(v) => {
            out.push('\n');
            yaml_list(items, indent, out);
        }
        _ => {
            out.push(' ');
            out.push_str(&yaml_scalar(v, indent));
            out.push('\n');
        }
    }
}

fn yaml_list(items: &[Value], indent: usize, out: &mut String) {
    for v in items {
        if !out.ends_with("- ") {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str("- ");
        let v = v.inner();
        match (v.as_map(), v.as_seq()) {
            (Some(m), _) if !m.is_empty() => yaml_map(m, indent + 2, out),
            (_, Some(inner)) if !inner.is_empty() => yaml_list(inner, indent + 2, out),
            _ => {
                out.push_str(&yaml_scalar(v, indent));
                out.push('\n');
            }
        }
    }
}

pub fn yamldecode(a: &[Value], _: &FuncContext) -> FnResult {
    let s = string_arg(a, 0)?;
    let y: serde_yaml::Value = serde_yaml::from_str(&s).map_err(|e| FnError::arg(0, format!("invalid YAML: {e}")))?;
    from_yaml(y).map_err(|m| FnError::arg(0, m))
}

fn from_yaml(y: serde_yaml::Value) -> Result<Value, String> {
    use serde_yaml::Value as Y;
    Ok(match y {
        Y::Null => Value::null(),
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => Value::Number(Number::parse(&n.to_string()).unwrap_or_else(Number::zero)),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Tuple(items.into_iter().map(from_yaml).collect::<Result<_, _>>()?),
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => return Err(format!("map keys must be strings, found {other:?}")),
                };
                out.insert(key, from_yaml(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => from_yaml(t.value)?,
    })
}

pub fn base64encode(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::String(
        base64::engine::general_purpose::STANDARD.encode(string_arg(a, 0)?),
    ))
}

pub fn base64decode(a: &[Value], _: &FuncContext) -> FnResult {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(string_arg(a, 0)?)
        .map_err(|e| FnError::arg(0, format!("invalid base64: {e}")))?;
    String::from_utf8(bytes)
        .map(Value::String)
        .map_err(|_| FnError::arg(0, "the decoded bytes are not valid UTF-8"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256(a: &[Value], _: &FuncContext) -> FnResult {
    use sha2::Digest;
    Ok(Value::String(hex(&sha2::Sha256::digest(string_arg(a, 0)?.as_bytes()))))
}

pub fn md5(a: &[Value], _: &FuncContext) -> FnResult {
    use md5::Digest;
    Ok(Value::String(hex(&md5::Md5::digest(string_arg(a, 0)?.as_bytes()))))
}

/// `uuidv5(namespace, name)`: namespace `dns`, `url`, `oid`, `x500` or a UUID.
pub fn uuidv5(a: &[Value], _: &FuncContext) -> FnResult {
    let ns = string_arg(a, 0)?;
    let namespace = match ns.as_str() {
        "dns" => uuid::Uuid::NAMESPACE_DNS,
        "url" => uuid::Uuid::NAMESPACE_URL,
        "oid" => uuid::Uuid::NAMESPACE_OID,
        "x500" => uuid::Uuid::NAMESPACE_X500,
        other => uuid::Uuid::parse_str(other)
            .map_err(|_| FnError::arg(0, "the namespace must be dns, url, oid, x500 or a UUID"))?,
    };
    Ok(Value::String(
        uuid::Uuid::new_v5(&namespace, string_arg(a, 1)?.as_bytes()).to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::lang::value::Value;

    #[test]
    fn jsonencode_sorts_keys_and_escapes_html() {
        assert_eq!(
            ok(r#"jsonencode({b = "<x&y>", a = [1, 2.5, null, true]})"#),
            s(r#"{"a":[1,2.5,null,true],"b":"\u003cx\u0026y\u003e"}"#)
        );
    }

    #[test]
    fn jsondecode_round_trips() {
        assert_eq!(ok(r#"jsondecode("{\"a\": [1, \"x\"]}")"#), ok(r#"{a = [1, "x"]}"#));
        assert!(eval(r#"jsondecode("{")"#).unwrap_err().contains("invalid JSON"));
    }

    #[test]
    fn yamlencode_matches_terraform_output() {
        let got = ok(
            r#"yamlencode({a = "b", c = [1, 2.5, "x"], d = {e = true, f = null}, "g h" = "multi\nline", i = [], j = {}, k = [{x = 1, y = [2]}], l = "123", n = ""})"#,
        );
        let want = "\"a\": \"b\"\n\"c\":\n- 1\n- 2.5\n- \"x\"\n\"d\":\n  \"e\": true\n  \"f\": null\n\"g h\": |-\n  multi\n  line\n\"i\": []\n\"j\": {}\n\"k\":\n- \"x\": 1\n  \"y\":\n  - 2\n\"l\": \"123\"\n\"n\": \"\"\n";
        assert_eq!(got, s(want));
        assert_eq!(ok(r#"yamlencode("a")"#), s("\"a\"\n"));
    }

    #[test]
    fn yamldecode_reads_documents() {
        assert_eq!(
            ok(r#"yamldecode("a: 1\nb: [x, 'y']\nc: {d: null}")"#),
            ok(r#"{a = 1, b = ["x", "y"], c = {d = null}}"#)
        );
        assert!(eval(r#"yamldecode("a: [")"#).unwrap_err().contains("invalid YAML"));
    }

    #[test]
    fn base64_round_trip_and_utf8_check() {
        assert_eq!(ok(r#"base64encode("héllo")"#), s("aMOpbGxv"));
        assert_eq!(ok(r#"base64decode("aMOpbGxv")"#), s("héllo"));
        assert!(eval(r#"base64decode("//8=")"#).unwrap_err().contains("UTF-8"));
        assert!(eval(r#"base64decode("!!")"#).unwrap_err().contains("invalid base64"));
    }

    #[test]
    fn hashes_and_uuids() {
        assert_eq!(ok(r#"md5("hi")"#), s("49f68a5c8493ec2c0bf489821c21fc3b"));
        assert_eq!(
            ok(r#"sha256("hello world")"#),
            s("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")
        );
        assert_eq!(
            ok(r#"uuidv5("dns", "www.terraform.io")"#),
            s("a5008fae-b28c-5ba5-96cd-82b4c53552d6")
        );
        assert!(eval(r#"uuidv5("nope", "x")"#).is_err());
        assert!(matches!(
            ok(r#"uuidv5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "x")"#),
            Value::String(_)
        ));
    }
}
