//! Fuzzing of `fmt` and of the loader (issue 16), bounded for CI.
//!
//! Three sources of HCL-ish text: the repository's example `.tf` files
//! (and the fmt fixtures) mutated at random, HCL generated from a small
//! grammar with random layout, and soups of HCL tokens. For every input:
//! - loading and evaluating it as `validate` does, and rendering the
//!   diagnostics as text and JSON, never panics (nor overflows the stack);
//!   a few mutated examples also go through the binary's `validate` and
//!   `fmt -check`;
//! - when fmt accepts it: fmt's output parses, is a fixed point
//!   (`fmt(fmt(x)) == fmt(x)`, but for `"${"${x}"}"`, which terraform
//!   unwraps one level per run), keeps the token stream (the same tokens,
//!   spacing and newlines aside, after terraform's own rewrites) and the
//!   same blocks, labels and attribute names.
//!
//! A fourth source, object literals of over 1,024 items, checks that the
//! loader's linear-time reading of them (config::big_objects) gives what
//! hcl-edit gives.
//!
//! Each test runs `AKSPLAN_FUZZ_CASES` cases (or `PROPTEST_CASES`; default
//! [`DEFAULT_CASES`]; a fortieth of that for large objects, which are parsed
//! twice, and a hundredth through the binary), from a fixed seed so that CI
//! runs the same cases each time (`AKSPLAN_FUZZ_SEED=<number>` draws
//! others): about 30 s in a debug build on two cores. A failure is shrunk by
//! proptest to a small input. A longer run, with other cases:
//! `AKSPLAN_FUZZ_CASES=50000 AKSPLAN_FUZZ_SEED=7 cargo test --release --test fuzz_fmt_load -- --nocapture`.

use aksplan::cli::args::VarArgs;
use aksplan::cli::Context;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

const DEFAULT_CASES: u32 = 2000;

fn cases() -> u32 {
    ["AKSPLAN_FUZZ_CASES", "PROPTEST_CASES"]
        .iter()
        .find_map(|v| std::env::var(v).ok()?.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

/// A runner of `cases` cases whose draws depend only on the seed
/// (`AKSPLAN_FUZZ_SEED`, 0 by default) and on the test's name.
fn runner(name: &str, cases: u32) -> TestRunner {
    use proptest::test_runner::{RngAlgorithm, TestRng};
    let seed: u64 = std::env::var("AKSPLAN_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    for (i, b) in name.bytes().enumerate() {
        bytes[8 + i % 24] ^= b;
    }
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// Pieces of HCL, for token soups and insertions.
const VOCABULARY: &[&str] = &[
    "a",
    "b_2",
    "x-y",
    "resource",
    "locals",
    "variable",
    "output",
    "module",
    "dynamic",
    "content",
    "for",
    "in",
    "if",
    "for_each",
    "count",
    "each",
    "var",
    "local",
    "self",
    "true",
    "null",
    "cafe\u{301}",
    "日本",
    "1",
    "0.5",
    "1e3",
    "\"s\"",
    "\"a\\nb\"",
    "\"\\u00e9\"",
    "\"${a}\"",
    "\"$${a}\"",
    "\"%{ if a }b%{ endif }\"",
    "\"x${ {a = 1} }\"",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ",",
    ".",
    "...",
    ":",
    "::",
    "?",
    "=",
    "=>",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "&&",
    "||",
    "!",
    "+",
    "-",
    "*",
    "/",
    "%",
    "\"",
    "${",
    "%{",
    "~}",
    "<<EOT\nline ${a}\nEOT\n",
    "<<-EOT\n  x\n  EOT\n",
    "# c\n",
    "// c\n",
    "/* c */",
    "\n",
    "\r\n",
    "\t",
    "\\",
    "'",
    "@",
    "\u{200d}",
    "\u{301}",
    "[*]",
    ".*",
    "[0]",
];
const SPACES: &[&str] = &["", " ", "  ", "\n", "\t", "\n\n  "];

/// The example configurations and the fmt fixtures: the mutations' seeds.
fn seeds() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut dirs = vec![root.join("examples"), root.join("tests/fixtures/fmt")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if p.is_dir() && !name.starts_with('.') {
                dirs.push(p);
            } else if name.ends_with(".tf") || name.ends_with(".tf.in") {
                files.push(p);
            }
        }
    }
    files.sort();
    files.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

/// The byte offset nearest a fraction of `s`, on a character boundary.
fn at(s: &str, fraction: f64) -> usize {
    let mut i = ((s.len() as f64) * fraction) as usize;
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One change to a text: what, where (a fraction of its length), how much.
#[derive(Debug, Clone)]
struct Mutation {
    kind: u8,
    pos: f64,
    len: usize,
    piece: usize,
}

fn mutate(mut s: String, m: &Mutation) -> String {
    let i = at(&s, m.pos);
    let j = at(&s, (i + m.len) as f64 / s.len().max(1) as f64).max(i);
    let piece = VOCABULARY[m.piece % VOCABULARY.len()];
    match m.kind {
        0 => s.replace_range(i..j, ""),
        1 => s.insert_str(i, piece),
        2 => {
            let copy = s[i..j].to_string();
            s.insert_str(i, &copy);
        }
        3 => s.replace_range(i..j, piece),
        4 => s.insert_str(i, SPACES[m.piece % SPACES.len()]),
        // Layout only: no indentation at all, or tabs, or CRLF line ends.
        5 => s = s.lines().map(str::trim_start).collect::<Vec<_>>().join("\n"),
        6 => s = s.replace("  ", "\t"),
        7 => s = s.replace('\n', "\r\n"),
        _ => {
            if let Some(nl) = s[i..].find('\n') {
                s.replace_range(i + nl..i + nl + 1, " ");
            }
        }
    }
    s
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (0u8..9, 0.0f64..1.0, 0usize..40, 0usize..1000).prop_map(|(kind, pos, len, piece)| Mutation {
        kind,
        pos,
        len,
        piece,
    })
}

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec((0..VOCABULARY.len(), 0..SPACES.len()), 0..60).prop_map(|parts| {
        parts
            .into_iter()
            .map(|(t, s)| format!("{}{}", VOCABULARY[t], SPACES[s]))
            .collect()
    })
}

/// Random spacing: none, a space, or several.
fn sp() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", " ", " ", "   ", "\t"])
}

/// Between the items of a tuple or the arguments of a call, newlines allowed.
fn list_sep() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        ", ",
        ",",
        ",\n",
        " ,\n    ",
        ",\n\n",
        ", # c\n",
        ", /* c */ ",
        ", // c\n",
    ])
}

fn ident() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "a",
        "bb",
        "name",
        "x_y",
        "k-1",
        "cafe\u{301}",
        "ré",
        "v",
        "tags",
        "count",
    ])
    .prop_map(str::to_string)
}

fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0u32..1000).prop_map(|n| n.to_string()),
        Just("true".to_string()),
        Just("null".to_string()),
        Just("1.5".to_string()),
        ident().prop_map(|i| format!("var.{i}")),
        (ident(), ident()).prop_map(|(a, b)| format!("local.{a}.{b}[0]")),
        (ident(), sp()).prop_map(|(a, s)| format!("\"x${{{s}var.{a}{s}}}y\"")),
        ident().prop_map(|a| format!("\"${{var.{a}}}\"")),
        Just("\"a\\tb \\\"q\\\" \\u00e9\"".to_string()),
        Just("\"$${literal} %%{also}\"".to_string()),
        Just("<<EOT\n  text ${var.a}\nEOT\n".to_string()),
        Just("<<-EOT\n    indented\n    EOT\n".to_string()),
        Just("\"%{ for x in var.l }${x},%{ endfor }\"".to_string()),
        Just("\"%{ if var.a }yes%{ else }no%{ endif }\"".to_string()),
        Just("\"%{~ if true ~} x %{~ endif ~}\"".to_string()),
        Just("\"${ \"${var.a}-${1 + 2}\" }\"".to_string()),
        Just("<<EOT\n%{ for k, v in var.m ~}\n${k} = ${v}\n%{ endfor ~}\nEOT\n".to_string()),
        Just("<<-EOT\n\t  tab ${var.a}\r\n  EOT\n".to_string()),
        Just("\"cafe\u{301} 日本 \\U0001F600\"".to_string()),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            (
                prop::collection::vec(inner.clone(), 0..4),
                sp(),
                list_sep(),
                any::<bool>()
            )
                .prop_map(|(v, s, sep, trailing)| {
                    let comma = if trailing && !v.is_empty() { "," } else { "" };
                    format!("[{s}{}{comma}{s}]", v.join(sep))
                }),
            (
                prop::collection::vec((ident(), inner.clone(), sp()), 0..4),
                any::<bool>()
            )
                .prop_map(|(v, multi)| {
                    let items: Vec<String> = v.into_iter().map(|(k, e, s)| format!("{k}{s}={s}{e}")).collect();
                    if multi {
                        format!("{{\n{}\n}}", items.join("\n"))
                    } else {
                        format!("{{{}}}", items.join(", "))
                    }
                }),
            (ident(), prop::collection::vec(inner.clone(), 0..3), list_sep())
                .prop_map(|(f, a, sep)| format!("{f}({})", a.join(sep))),
            (
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*", "==", "&&", "<="]),
                inner.clone(),
                sp()
            )
                .prop_map(|(a, op, b, s)| format!("{a}{s}{op}{s}{b}")),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, a, b)| format!("{c} ? {a} : {b}")),
            inner.clone().prop_map(|e| format!("({e})")),
            inner.clone().prop_map(|e| format!("-{e}")),
            (ident(), inner.clone()).prop_map(|(x, e)| format!("[for {x} in var.list : {e}]")),
            (inner.clone(), sp()).prop_map(|(e, s)| format!("{{for k, v in var.m :{s}k => {e}}}")),
            inner.clone().prop_map(|e| format!("{e}[*].id")),
            (ident(), inner.clone()).prop_map(|(x, e)| format!("[for i, {x} in var.l : {e} if {x} != null]")),
            (inner.clone(), sp()).prop_map(|(e, s)| format!("{{for k, v in var.m : v.g => {e}{s}...}}")),
            (ident(), inner.clone()).prop_map(|(f, e)| format!("{f}(var.l...{e})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}[{b}].x.0")),
            inner.clone().prop_map(|e| format!("\"${{{e}}}\"")),
            inner.clone().prop_map(|e| format!("\"%{{ if {e} }}a%{{ endif }}\"")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("[\n  # c\n  {a}, // d\n  /* e */ {b}\n]")),
        ]
    })
}

/// A quoted block label: escapes, combining marks, templates, nothing.
fn label() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "\"q\"",
        "\"a\\u00e9\"",
        "\"cafe\u{301}\"",
        "\"日本\"",
        "\"a\\nb\"",
        "\"a b\"",
        "\"\"",
        "\"${x}\"",
        "\"$${x}\"",
        "\"e\u{301}\u{301}\"",
    ])
    .prop_map(str::to_string)
}

/// The same text laid out otherwise: CRLF line ends, tabs, no indentation,
/// trailing blanks, a byte order mark.
fn relayout(text: &str, how: u8) -> String {
    match how {
        0 => text.replace('\n', "\r\n"),
        1 => text.replace("  ", "\t"),
        2 => text.lines().map(str::trim_start).collect::<Vec<_>>().join("\n"),
        3 => text.replace('\n', " \t\n"),
        4 => format!("\u{feff}{text}"),
        _ => text.to_string(),
    }
}

/// A body of attributes and blocks, with random layout.
fn body(depth: u32) -> BoxedStrategy<String> {
    let attr = (
        ident(),
        sp(),
        sp(),
        expr(),
        prop::sample::select(vec!["", " # note", " // note", " /* n */"]),
    )
        .prop_map(|(k, a, b, e, c)| format!("{a}{k}{b}={b}{e}{c}\n"));
    let comment = prop::sample::select(vec!["# comment\n", "\n", "/* block\n comment */\n"]).prop_map(str::to_string);
    if depth == 0 {
        return prop::collection::vec(prop_oneof![3 => attr, 1 => comment], 0..5)
            .prop_map(|v| v.concat())
            .boxed();
    }
    let block = (
        ident(),
        prop::collection::vec(prop_oneof![ident(), label()], 0..3),
        prop::sample::select(vec![" ", " ", "\t", " /* c */ ", "\n"]),
        body(depth - 1),
    )
        .prop_map(|(t, labels, sep, b)| format!("{t} {} {{\n{b}}}\n", labels.join(sep)));
    let one_line = (ident(), ident(), expr()).prop_map(|(t, k, e)| format!("{t} {{ {k} = {e} }}\n"));
    let dynamic = (ident(), expr(), body(depth - 1))
        .prop_map(|(t, e, b)| format!("dynamic \"{t}\" {{\n  for_each = {e}\n  content {{\n{b}  }}\n}}\n"));
    prop::collection::vec(
        prop_oneof![4 => attr, 2 => block, 1 => one_line, 1 => dynamic, 1 => comment],
        0..6,
    )
    .prop_map(|v| v.concat())
    .boxed()
}

/// What fmt must keep: the blocks with their labels (in composed form, as
/// terraform writes labels again) and the attribute names, in order.
fn outline(b: &hcl_edit::structure::Body, out: &mut Vec<String>) {
    use hcl_edit::structure::{BlockLabel, Structure};
    use unicode_normalization::UnicodeNormalization;
    for s in b.iter() {
        match s {
            Structure::Attribute(a) => out.push(format!("attr {}", a.key.as_str())),
            Structure::Block(bl) => {
                let labels: Vec<String> = bl
                    .labels
                    .iter()
                    .map(|l| match l {
                        BlockLabel::Ident(i) => i.as_str().nfc().collect(),
                        BlockLabel::String(s) => s.value().nfc().collect(),
                    })
                    .collect();
                out.push(format!("block {} {labels:?} {{", bl.ident.as_str()));
                outline(&bl.body, out);
                out.push("}".into());
            }
        }
    }
}

/// Whether an attribute's whole value is one interpolation, `"${x}"`:
/// terraform fmt unwraps it, and what that gives may be one again
/// (`"${"${x}"}"` takes two rounds, in terraform 1.11 as here).
fn unwraps_again(b: &hcl_edit::structure::Body) -> bool {
    use hcl_edit::structure::Structure;
    use hcl_edit::template::Element;
    b.iter().any(|s| match s {
        Structure::Attribute(a) => a
            .value
            .as_string_template()
            .is_some_and(|t| t.len() == 1 && matches!(t.iter().next(), Some(Element::Interpolation(_)))),
        Structure::Block(bl) => unwraps_again(&bl.body),
    })
}

/// Whether fmt, applied again and again, comes to a fixed point soon.
fn settles(text: &str) -> bool {
    let mut text = text.to_string();
    for _ in 0..8 {
        let next = aksplan::format::format(&text);
        if next == text {
            return true;
        }
        text = next;
    }
    false
}

/// What fmt accepts: text that parses, without quoted strings over two lines.
fn accepted(text: &str) -> Option<hcl_edit::structure::Body> {
    let body = aksplan::config::load::parse_body(0, text).ok()?;
    let mut diags = aksplan::diag::Diagnostics::new();
    aksplan::config::load::multi_line_strings(&body, 0, text, &mut diags);
    diags.is_empty().then_some(body)
}

fn fmt_properties(x: &str) -> Result<bool, String> {
    let Some(before) = accepted(x) else {
        return Ok(false);
    };
    let y = aksplan::format::format(x);
    let Some(after) = accepted(&y) else {
        return Err(format!("fmt's output does not parse:\n{y}"));
    };
    let z = aksplan::format::format(&y);
    // Unwrapped once more, its tokens are not fmt(x)'s: they are not compared.
    let again = unwraps_again(&after);
    if z != y && !(again && settles(&z)) {
        return Err(format!(
            "fmt is not a fixed point:\n--- fmt(x)\n{y}\n--- fmt(fmt(x))\n{z}"
        ));
    }
    let (kept, got) = (aksplan::format::kept_tokens(x), aksplan::format::kept_tokens(&y));
    if kept != got && !again {
        let i = kept
            .iter()
            .zip(&got)
            .position(|(a, b)| a != b)
            .unwrap_or(kept.len().min(got.len()));
        return Err(format!(
            "fmt changed the tokens at token {i}: {:?} became {:?}\n{y}",
            &kept[i..(i + 3).min(kept.len())],
            &got[i..(i + 3).min(got.len())]
        ));
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    outline(&before, &mut a);
    outline(&after, &mut b);
    if a != b {
        return Err(format!("fmt changed the blocks or attributes: {a:?} became {b:?}"));
    }
    Ok(true)
}

/// Loads and evaluates `text` as `validate` does, and renders what it finds.
fn load(ctx: &Context, text: &str) {
    std::fs::write(ctx.dir.join("main.tf"), text).unwrap();
    let (config, _, diags) = aksplan::cli::load(ctx, &VarArgs::default());
    let _ = aksplan::cli::views::diagnostics::text(&diags, &config.sources, false);
    let _ = aksplan::cli::views::diagnostics::json(&diags, &config.sources);
}

/// What one run saw, for its closing line.
#[derive(Default)]
struct Tally {
    cases: AtomicUsize,
    formatted: AtomicUsize,
}

/// Every property on one input, on a thread with the binary's stack (deep
/// nesting must give a diagnostic, not overflow): a panic is a failure.
fn check(ctx: &Context, tally: &Tally, x: &str) -> Result<(), TestCaseError> {
    let result = std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(256 * 1024 * 1024)
            .spawn_scoped(s, || {
                let formatted = fmt_properties(x)?;
                load(ctx, x);
                Ok::<bool, String>(formatted)
            })
            .unwrap()
            .join()
    });
    tally.cases.fetch_add(1, Ordering::Relaxed);
    match result {
        Ok(Ok(formatted)) => {
            if formatted {
                tally.formatted.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        }
        Ok(Err(e)) => Err(TestCaseError::fail(format!("{e}\n--- input\n{x}"))),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(TestCaseError::fail(format!("panicked: {msg}\n--- input\n{x:?}")))
        }
    }
}

fn fuzz<S: Strategy>(name: &str, strategy: S, text: impl Fn(&S::Value) -> String) {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::new(PathBuf::from(dir.path()), false, Vec::new());
    let tally = Tally::default();
    let started = std::time::Instant::now();
    let result = runner(name, cases()).run(&strategy, |v| check(&ctx, &tally, &text(&v)));
    eprintln!(
        "fuzz {name}: {} cases ({} formatted) in {:.1}s",
        tally.cases.load(Ordering::Relaxed),
        tally.formatted.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("fuzz {name} found a failing input:\n{e}");
    }
}

/// Every span the parse gives (expressions and object keys), in order:
/// the same for two parses that read the same thing at the same places.
/// Large objects' own spans are left out (see below).
fn spans(body: &hcl_edit::structure::Body) -> Vec<std::ops::Range<usize>> {
    use hcl_edit::visit::{visit_expr, visit_object_key, Visit};
    use hcl_edit::Span as _;
    struct Spans(Vec<std::ops::Range<usize>>);
    impl Visit for Spans {
        fn visit_expr(&mut self, e: &hcl_edit::expr::Expression) {
            // A large object's own span: kept in parentheses when the
            // rewrite had room for them, else lost (the unit tests of
            // config::big_objects check it); its items' spans are here.
            let large = |e: &hcl_edit::expr::Expression| e.as_object().is_some_and(|o| o.len() >= 1024);
            let wraps_large = e.as_parenthesis().is_some_and(|p| large(p.inner()));
            if !large(e) && !wraps_large {
                self.0.extend(e.span());
            }
            visit_expr(self, e);
        }
        fn visit_object_key(&mut self, k: &hcl_edit::expr::ObjectKey) {
            self.0.extend(k.span());
            visit_object_key(self, k);
        }
    }
    let mut v = Spans(Vec::new());
    v.visit_body(body);
    v.0.sort_by_key(|r| (r.start, r.end));
    v.0
}

/// An object literal of at least 1,024 items (read as a tuple, see
/// config::big_objects) reads as hcl-edit reads it: the same spans, or the
/// same error at the same place.
fn large_object(text: &str) -> Result<(), String> {
    let ours = aksplan::config::big_objects::parse_body(text);
    let theirs = hcl_edit::parser::parse_body(text);
    match (ours, theirs) {
        (Ok(a), Ok(b)) if spans(&a) == spans(&b) => Ok(()),
        (Ok(_), Ok(_)) => Err("the spans differ".into()),
        (Err(a), Err(b)) if a.message == b.message() && a.offset == b.location().offset() => Ok(()),
        (a, b) => Err(format!("ours: {:?}\ntheirs: {:?}", a.err(), b.err())),
    }
}

/// Items of a large object: a key, `=` or `:`, a value, and what ends it.
fn large_object_text() -> impl Strategy<Value = String> {
    let key = prop_oneof![Just("k"), Just("\"q"), Just("true_")];
    let sep = prop::sample::select(vec![" = ", "=", " : ", ":"]);
    let end = prop::sample::select(vec!["\n", ",\n", ", ", " # c\n", " /* c */\n", "# c\n", "\r\n", "\n\n"]);
    let item = (key, sep, expr(), end, sp());
    (
        prop::collection::vec(item, 1..6),
        0usize..40,
        prop::option::of((
            0usize..1100,
            prop::sample::select(vec!["k0 = 1\n", "= 2\n", "\"${x}\" = 1\n", "(k) = 1\n", "for = 1\n"]),
        )),
        prop::sample::select(vec!["{\n", "{", "{ "]),
        prop::sample::select(vec!["\n}", "}", "  }"]),
    )
        .prop_map(|(items, extra, inject, open, close)| {
            let n = 1024 + extra;
            let mut text = format!("locals {{\n  o = {open}");
            for i in 0..n {
                if let Some((at, what)) = inject {
                    if at == i {
                        text.push_str(what);
                    }
                }
                let (key, sep, value, end, s) = &items[i % items.len()];
                let key = match *key {
                    "\"q" => format!("\"q{i}\""),
                    other => format!("{other}{i}"),
                };
                // The last item's end is the object's.
                let end = if i + 1 == n && end.starts_with(", ") { "" } else { end };
                text.push_str(&format!("{s}{key}{sep}{value}{end}"));
            }
            text.push_str(&format!("{close}\n}}\n"));
            text
        })
}

#[test]
fn large_objects_read_as_hcl_edit_reads_them() {
    let tally = Tally::default();
    let started = std::time::Instant::now();
    let result = runner("large objects", (cases() / 40).max(10)).run(&large_object_text(), |text| {
        tally.cases.fetch_add(1, Ordering::Relaxed);
        large_object(&text).map_err(|e| TestCaseError::fail(format!("{e}\n--- input\n{text}")))
    });
    eprintln!(
        "fuzz large objects: {} cases in {:.1}s",
        tally.cases.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("fuzz large objects found a failing input:\n{e}");
    }
}

#[test]
fn mutated_examples() {
    let seeds = seeds();
    assert!(seeds.len() > 40, "{}", seeds.len());
    let n = seeds.len();
    fuzz(
        "mutated examples",
        (0..n, prop::collection::vec(mutation(), 1..6)),
        |(seed, mutations)| mutations.iter().fold(seeds[*seed].clone(), mutate),
    );
}

/// A few mutated examples through the binary: `validate` (the provider
/// checks and the AKS rules too) and `fmt -check` end with a status of
/// theirs, never a panic or an abort.
#[test]
fn the_binary_on_mutated_examples() {
    let seeds = seeds();
    let n = seeds.len();
    let dir = tempfile::tempdir().unwrap();
    let strategy = (0..n, prop::collection::vec(mutation(), 1..4));
    let result = runner("binary", (cases() / 100).max(5)).run(&strategy, |(seed, mutations)| {
        let text = mutations.iter().fold(seeds[seed].clone(), mutate);
        std::fs::write(dir.path().join("main.tf"), &text).unwrap();
        for args in [&["validate", "-no-color"][..], &["fmt", "-check", "-no-color"]] {
            let out = assert_cmd::Command::cargo_bin("aksplan")
                .unwrap()
                .args(args)
                .current_dir(dir.path())
                .env_clear()
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .timeout(std::time::Duration::from_secs(60))
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            let code = out.status.code();
            if !matches!(code, Some(0..=3)) || stderr.contains("panicked") {
                return Err(TestCaseError::fail(format!(
                    "{args:?}: {code:?}\n{stderr}\n--- input\n{text:?}"
                )));
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("fuzz binary found a failing input:\n{e}");
    }
}

#[test]
fn generated_hcl() {
    fuzz("generated HCL", (body(2), 0u8..10), |(text, how)| relayout(text, *how));
}

#[test]
fn token_soups() {
    fuzz("token soups", token_soup(), String::clone);
}
