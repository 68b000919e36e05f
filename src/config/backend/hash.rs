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

use crate::lang::display::go_quote;
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
    u64::from(crc32fast::hash(text.as_bytes()))
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
}
