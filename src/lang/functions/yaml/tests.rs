//! yamldecode and yamlencode against terraform 1.11.4's own results, kept in
//! testdata/ (made by running terraform console over each case).

use super::super::test_support::*;
use crate::lang::types::Type;
use crate::lang::value::Value;

struct Cases {
    cases: Vec<(String, String)>,
    needs_big_numbers: Vec<(String, String)>,
}

fn load(text: &str) -> Cases {
    let j: serde_json::Value = serde_json::from_str(text).expect("test data is JSON");
    let pairs = |k: &str| -> Vec<(String, String)> {
        j[k].as_array()
            .expect("a list of cases")
            .iter()
            .map(|c| (c[0].as_str().unwrap().to_string(), c[1].as_str().unwrap().to_string()))
            .collect()
    };
    Cases {
        cases: pairs("cases"),
        needs_big_numbers: pairs("needs_big_numbers"),
    }
}

fn decoded(src: &str) -> String {
    match super::decode::decode(src) {
        Ok(v) => crate::lang::display::console(&v),
        Err(e) => format!("ERR: {e}"),
    }
}

fn encoded(json: &str) -> String {
    super::emit::encode(&crate::lang::functions::json::decode(json).unwrap())
}

fn check(cases: &[(String, String)], run: fn(&str) -> String) {
    let mut failures = Vec::new();
    for (input, want) in cases {
        let got = run(input);
        if &got != want {
            failures.push(format!("{input:?}\n  want {want:?}\n  got  {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn yamldecode_as_terraform() {
    let data = load(include_str!("testdata/decode.json"));
    assert!(data.cases.len() > 150);
    check(&data.cases, decoded);
}

#[test]
fn yamlencode_as_terraform() {
    let data = load(include_str!("testdata/encode.json"));
    assert!(data.cases.len() > 150);
    check(&data.cases, encoded);
}

/// Numbers beyond f64 (`123456789012345678901`, `1e400`, `-0`): these need
/// the arbitrary-precision `Number` that replaces the placeholder.
#[test]
fn big_numbers_as_terraform() {
    check(&load(include_str!("testdata/decode.json")).needs_big_numbers, decoded);
    check(&load(include_str!("testdata/encode.json")).needs_big_numbers, encoded);
}

/// libyaml-safer panics on a block scalar that ends the input without a
/// line break; the result must be libyaml's, quietly.
#[test]
fn block_scalars_at_the_end_of_the_input() {
    // Values from terraform console: jsonencode(yamldecode(...)).
    assert_eq!(ok(r#"yamldecode("|\n x\n  y\n z")"#), s("x\n y\nz"));
    assert_eq!(ok(r#"yamldecode("a: |\n x\n  y\n z")"#), ok(r#"{a = "x\n y\nz"}"#));
    assert_eq!(ok(r#"yamldecode("a: >-\n  x\n  y")"#), ok(r#"{a = "x y"}"#));
    assert_eq!(ok(r#"yamldecode("a: |+\n  x")"#), ok(r#"{a = "x"}"#));
    assert_eq!(ok(r#"yamldecode("a: |\n  x\n")"#), ok(r#"{a = "x\n"}"#));
    assert_eq!(ok(r#"yamldecode("a: |\n  x\n   ")"#), ok(r#"{a = "x\n "}"#));
    assert_eq!(ok(r#"yamldecode("a: |\n  x\n  ")"#), ok(r#"{a = "x\n"}"#));
    // A block scalar is not quoted, so `y` is YAML 1.1's true.
    assert_eq!(ok(r#"yamldecode("- |\n  x\n- >\n  y")"#), ok(r#"["x\n", true]"#));
}

#[test]
fn results_are_typed_as_terraform_types_them() {
    let v = ok(r#"yamldecode("a: [1, x, ~, true]")"#);
    let want = Type::object([(
        "a".to_string(),
        Type::tuple(vec![Type::Number, Type::String, Type::Dynamic, Type::Bool]),
    )]);
    assert_eq!(v.ty(), want);
    assert_eq!(ok(r#"yamldecode("~")"#), Value::null());
}

#[test]
fn unknown_and_sensitive_arguments() {
    assert_eq!(ok("yamldecode(timestamp())"), Value::Unknown(Type::Dynamic));
    assert_eq!(ok("yamlencode([timestamp()])"), Value::Unknown(Type::String));
    assert_eq!(ok(r#"yamlencode(sensitive("a"))"#), s("\"a\"\n").mark());
    let e = eval(r#"yamldecode(sensitive("a: [secret"))"#).unwrap_err();
    assert!(!e.contains("secret"), "{e}");
}

/// Encodes then decodes: what yamlencode writes, yamldecode reads back.
#[test]
fn round_trips() {
    for src in [
        r#"{a = "x\ny", b = [1, 2.5, null, true], c = {}, d = [], "e f" = "  lead", g = "😀\t"}"#,
        r#"["\ufeffbom", "a\u2028b\n", "${"x"}"]"#,
    ] {
        let v = ok(src);
        let yaml = super::emit::encode(&v);
        let back = super::decode::decode(&yaml).unwrap();
        assert!(back.same_as(&v), "{src}: {yaml:?} read back as {back}");
    }
}

/// Aliases are copies here: a document that aliases its way past the size
/// limit ("a billion laughs") is refused as it is read; a few aliases are
/// fine.
#[test]
fn aliases_past_the_size_limit_are_refused() {
    let mut doc = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
    for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        doc.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 10].join(",")
        ));
    }
    let expr = format!("yamldecode({})", serde_json::to_string(&doc).unwrap());
    let e = eval(&expr).unwrap_err();
    assert!(e.starts_with("yamldecode(): on line "), "{e}");
    assert!(
        e.ends_with(
            "the result would hold more than 1000000 elements (nested ones counted), aksplan's limit for one value"
        ),
        "{e}"
    );
    assert_eq!(
        show("yamldecode(\"a: &a [1]\\nb: [*a, *a]\")[\"b\"]"),
        "[\n  [\n    1,\n  ],\n  [\n    1,\n  ],\n]"
    );
}
