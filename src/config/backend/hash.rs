//! Terraform's hash of a backend block: how `plan` knows that the block
//! changed since `init`.
//!
//! Terraform hashes the tuple (type, settings) with cty's `Value.Hash`: the
//! CRC-32 (IEEE) of a text form in which a tuple or object is `<` each
//! element (an object's attributes sorted by name) followed by `;` `>`, a
//! string is Go's `%q` quoting, a bool `T` or `F`, and null `~`. Only the
//! block as written is hashed, not `-backend-config` values. Computing the
//! same number lets aksplan and Terraform share `.terraform/`: learnt from
//! hashicorp/terraform (internal/configs/backend.go) and zclconf/go-cty
//! (cty/set_internals.go), and checked against terraform 1.11's own files.

use serde_json::{Map, Value as Json};

/// The hash Terraform records for a block of type `kind` with `settings`
/// (every argument of its schema, null when unset).
pub fn hash(kind: &str, settings: &Map<String, Json>) -> u64 {
    let mut text = String::from("<");
    text.push_str(&go_quote(kind));
    text.push(';');
    text.push('<');
    let mut names: Vec<&String> = settings.keys().collect();
    names.sort();
    for name in names {
        value(&settings[name], &mut text);
        text.push(';');
    }
    text.push_str(">;>");
    u64::from(crc32(text.as_bytes()))
}

fn value(v: &Json, out: &mut String) {
    match v {
        Json::Null => out.push('~'),
        Json::Bool(true) => out.push('T'),
        Json::Bool(false) => out.push('F'),
        Json::String(s) => out.push_str(&go_quote(s)),
        // Backends' arguments are strings and bools; a number prints as Go's big.Float does for integers.
        Json::Number(n) => out.push_str(&n.to_string()),
        Json::Array(items) => {
            out.push('<');
            for i in items {
                value(i, out);
                out.push(';');
            }
            out.push('>');
        }
        Json::Object(m) => {
            out.push('<');
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            for k in keys {
                value(&m[k], out);
                out.push(';');
            }
            out.push('>');
        }
    }
}

/// Go's `strconv.Quote`: printable characters as they are, `"` and `\`
/// escaped, control and other unprintable characters as Go escapes them.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if printable(c) => out.push(c),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Go's `unicode.IsPrint`, closely enough for backend settings: not a
/// control or format character, and no space but U+0020.
fn printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    !(c.is_control()
        || c.is_whitespace()
        || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
        || ('\u{e000}'..='\u{f8ff}').contains(&c))
}

/// CRC-32 with the IEEE polynomial, as Go's `crc32.ChecksumIEEE`.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, Json)]) -> Map<String, Json> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn the_hash_of_settings() {
        let h = |path: &str, dir: Json| hash("local", &settings(&[("path", path.into()), ("workspace_dir", dir)]));
        assert_eq!(h("foo.tfstate", Json::Null), 2456408028);
        assert_eq!(h("bar.tfstate", Json::Null), 931699851);
    }

    /// Each block of tests/fixtures/backend/terraform, read and decoded as
    /// aksplan reads it, hashes to what terraform 1.11.4 gave it.
    #[test]
    fn the_hash_of_each_block_is_terraforms() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/backend/terraform");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.extension().and_then(|e| e.to_str()) != Some("tf") {
                continue;
            }
            let work = tempfile::tempdir().unwrap();
            std::fs::copy(&p, work.path().join("main.tf")).unwrap();
            let (config, diags) = crate::config::load::load_dir(work.path(), &crate::schema::Schemas::default());
            assert!(!diags.has_errors(), "{}: {diags:?}", p.display());
            let decl = config.terraform().backend.clone().unwrap();
            let settings = super::super::decode(&decl).unwrap();
            let expected: u64 = std::fs::read_to_string(p.with_extension("hash"))
                .unwrap()
                .trim()
                .parse()
                .unwrap();
            assert_eq!(hash(&decl.kind, &settings), expected, "{}", p.display());
            seen += 1;
        }
        assert_eq!(seen, 6);
    }

    #[test]
    fn strings_are_quoted_as_go_quotes_them() {
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("tab\there\n"), r#""tab\there\n""#);
        assert_eq!(go_quote("\u{1}\u{7f}"), r#""\x01\x7f""#);
        assert_eq!(go_quote("é ü"), "\"é ü\"");
        assert_eq!(go_quote("\u{a0}"), r#""\u00a0""#);
    }

    #[test]
    fn crc32_is_ieee() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
