//! Evaluation limits (issue 16), through the real binary: expressions that
//! ask for more than memory or patience allows (10^8 elements, gigabyte
//! strings, a billion YAML laughs, a million instances) end with an error
//! at the expression and exit code 1, and an infinite number is refused
//! where it would be stored rather than saved as null. Terraform's own
//! console answers for infinity are kept in
//! tests/fixtures/hardening/terraform_console.tsv (see its regen.sh).

mod common;

use common::{run, run_stdin, write};

/// Each line of input to `aksplan console`, and what its error says.
const HOSTILE: &[(&str, &str)] = &[
    (
        "length([for a in range(1000) : [for b in range(1000) : [for c in range(100) : c]]])",
        "more than 1000000 elements",
    ),
    (
        "length(setproduct(range(1000), range(1000), range(100)))",
        "setproduct(): the result would hold more than 1000000 elements",
    ),
    (
        r#"length(format("%999999999d", 1))"#,
        "format(): number too large in format string at offset 1",
    ),
    (
        r#"length(formatlist("%1000000d", range(1000)))"#,
        "formatlist(): the result would hold more than 64 MiB of text",
    ),
    (
        r#"length(join(format("%1000000s", ""), range(1000)))"#,
        "join(): the result would hold more than 64 MiB of text",
    ),
    (
        r#"length(indent(1000000000, "a\nb"))"#,
        "indent(): the result would hold more than 64 MiB of text",
    ),
    (
        r#"length("%{ for i in range(1000) }${format("%1000000s", "")}%{ endfor }")"#,
        "more than 64 MiB of text",
    ),
    (
        r#"length(yamldecode("a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"))"#,
        "yamldecode(): on line 5, column 29: the result would hold more than 1000000 elements",
    ),
];

#[test]
fn hostile_expressions_end_in_an_error_at_the_expression() {
    let dir = tempfile::tempdir().unwrap();
    let input: String = HOSTILE.iter().map(|(e, _)| format!("{e}\n")).collect();
    let r = run_stdin(dir.path(), &["console"], &input);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.stdout, "", "no line answers");
    // One error per line, in order, each with its reason.
    let stderr = common::flat(&r.stderr);
    let mut rest = stderr.as_str();
    for (expr, why) in HOSTILE {
        let at = rest
            .find(why)
            .unwrap_or_else(|| panic!("{expr}: no {why:?} in what is left of stderr:\n{rest}"));
        rest = &rest[at + why.len()..];
    }
    assert_eq!(
        r.stderr.matches("  on <console-input> line 1:\n").count(),
        HOSTILE.len(),
        "{}",
        r.stderr
    );
}

#[test]
fn the_console_answers_for_infinity_as_terraform_does() {
    let cases = include_str!("fixtures/hardening/terraform_console.tsv");
    let (exprs, expected): (Vec<&str>, Vec<String>) = cases
        .lines()
        .map(|l| {
            let (e, out) = l.split_once('\t').unwrap();
            (e, out.replace("\\n", "\n"))
        })
        .unzip();
    let dir = tempfile::tempdir().unwrap();
    let input: String = exprs.iter().map(|e| format!("{e}\n")).collect();
    let r = run_stdin(dir.path(), &["console"], &input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, expected.concat());
}

#[test]
fn an_infinite_number_is_refused_where_it_would_be_stored() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "resource \"terraform_data\" \"d\" {\n  input = { n = pow(10, 400) }\n}\n\
             output \"o\" {\n  value = [1 / 0]\n}\n\
             output \"fine\" {\n  value = tostring(pow(10, 400))\n}\n",
        )],
    );
    for args in [&["plan"][..], &["apply", "--auto-approve"]] {
        let r = run(dir.path(), args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stdout);
        assert_eq!(r.stderr.matches("Number out of range").count(), 2, "{}", r.stderr);
        assert!(
            r.stderr.contains(
                "  on main.tf line 2, in resource \"terraform_data\" \"d\":\n   2:   input = { n = pow(10, 400) }\n"
            ),
            "at the argument: {}",
            r.stderr
        );
        assert!(r.stderr.contains("input holds an infinite number"), "{}", r.stderr);
        assert!(
            r.stderr
                .contains("  on main.tf line 5, in output \"o\":\n   5:   value = [1 / 0]\n"),
            "at the output: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("output \"o\" holds an infinite number"),
            "{}",
            r.stderr
        );
    }
    assert!(!dir.path().join("aksplan.tfstate").exists(), "nothing was applied");
}

#[test]
fn for_each_is_capped_as_count_is() {
    let dir = tempfile::tempdir().unwrap();
    let keys = "toset(formatlist(\"k%d\", flatten([for i in range(101) : [for j in range(1000) : i * 1000 + j]])))";
    write(
        dir.path(),
        &[
            (
                "main.tf",
                &format!(
                    "resource \"terraform_data\" \"d\" {{\n  for_each = {keys}\n}}\n\
                 resource \"terraform_data\" \"c\" {{\n  count = 100001\n}}\n\
                 module \"m\" {{\n  source   = \"./m\"\n  for_each = {keys}\n}}\n"
                ),
            ),
            ("m/main.tf", ""),
        ],
    );
    let r = run(dir.path(), &["plan"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let detail = "for_each has 101000 elements; aksplan plans at most 100000 instances of one resource";
    assert_eq!(
        common::flat(&r.stderr).matches(detail).count(),
        2,
        "the resource's and the module's: {}",
        r.stderr
    );
    assert!(
        common::flat(&r.stderr).contains("count is 100001; aksplan plans at most 100000 instances of one resource"),
        "{}",
        r.stderr
    );
}
