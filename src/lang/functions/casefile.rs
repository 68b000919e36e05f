//! Test support: runs the function cases of `testdata/*.cases`, whose
//! expectations `testdata/regenerate.py` wrote from terraform 1.11's console.
//!
//! A case is written as
//!
//! ```text
//! === EXPRESSION
//! ~~~ notes (optional, written by hand)
//! <what terraform console printed for EXPRESSION>
//! ::: type
//! <what it printed for type(EXPRESSION)>
//! ```
//!
//! or, when terraform reported an error, `!!! Summary: detail`. The value and
//! its type must match terraform's output exactly. An error must be an error
//! here too, with the same message once terraform's framing (`Invalid value
//! for "x" parameter: `, `Call to function "f" failed: `, the final period)
//! and ours (`f(): `) are taken off. Notes say where aksplan differs on
//! purpose:
//!
//! - `~~~ ours: MESSAGE`: our message is MESSAGE instead (the shared
//!   dispatcher words arity and parameter errors its own way; aksplan never
//!   quotes a sensitive argument, and fails cleanly where terraform panics).
//! - `~~~ skip: REASON`: not compared, for a difference that is not the
//!   functions' (how the console shows a value, say).
//! - `~~~ real-number`: the case depends on the arbitrary-precision `Number`
//!   (precision, signed zero, which strings are numbers); it runs once
//!   `Number` is exact (today's is an f64 placeholder).
//!
//! Expressions may name unknown values of known types (`local.us` ...), as
//! regenerate.py declares them.

use crate::lang::display::{console, type_string};
use crate::lang::eval::{Evaluator, Scope};
use crate::lang::functions::FuncContext;
use crate::lang::number::Number;
use crate::lang::refs::Reference;
use crate::lang::types::Type;
use crate::lang::value::Value;
use std::borrow::Cow;

struct Unknowns;

impl Scope for Unknowns {
    fn lookup(&self, r: &Reference) -> Result<Cow<'_, Value>, String> {
        let ty = match r {
            Reference::Local(name) => match name.as_str() {
                "us" => Type::String,
                "un" => Type::Number,
                "ub" => Type::Bool,
                "ul" => Type::list(Type::String),
                "uln" => Type::list(Type::Number),
                "uset" => Type::set(Type::String),
                "um" => Type::map(Type::String),
                "uo" => Type::object([("a".to_string(), Type::Number)]),
                "ut" => Type::tuple(vec![Type::Number, Type::String]),
                "ud" => Type::Dynamic,
                other => return Err(format!("local.{other} is not one of the case files' unknowns")),
            },
            other => return Err(format!("{other} cannot be used in a function case")),
        };
        Ok(Cow::Owned(Value::Unknown(ty)))
    }
}

fn eval(src: &str) -> Result<Value, String> {
    let expr = hcl_edit::parser::parse_expr(src).map_err(|e| format!("does not parse: {}", e.message()))?;
    Evaluator::new(&Unknowns, &FuncContext::default())
        .eval(&expr)
        .map_err(|e| e.message)
}

/// Whether `Number` keeps every digit (the arbitrary-precision one does).
fn numbers_are_exact() -> bool {
    let exact = |s: &str| Number::parse(s).map(|n| n.to_string()).as_deref() == Some(s);
    exact("9007199254740993") && exact("-0") && exact("0.1")
}

#[derive(Debug, Default)]
struct Case {
    expr: String,
    notes: Vec<String>,
    value: Vec<String>,
    ty: Vec<String>,
    error: Option<String>,
}

fn parse(text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    let mut in_type = false;
    for line in text.lines() {
        if let Some(expr) = line.strip_prefix("=== ") {
            cases.push(Case {
                expr: expr.to_string(),
                ..Case::default()
            });
            in_type = false;
            continue;
        }
        let Some(case) = cases.last_mut() else { continue };
        if let Some(note) = line.strip_prefix("~~~ ") {
            case.notes.push(note.trim().to_string());
        } else if let Some(e) = line.strip_prefix("!!! ") {
            if in_type {
                // type() of a value that type() cannot take: not compared.
                case.ty.clear();
            } else {
                case.error = Some(e.to_string());
            }
        } else if line == "::: type" {
            in_type = true;
        } else if line.starts_with('#') {
            // A comment between cases.
        } else if in_type {
            case.ty.push(line.to_string());
        } else {
            case.value.push(line.to_string());
        }
    }
    for case in &mut cases {
        for block in [&mut case.value, &mut case.ty] {
            while block.last().is_some_and(|l| l.is_empty()) {
                block.pop();
            }
        }
    }
    cases
}

fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Terraform's error detail without its framing.
fn terraform_message(error: &str) -> String {
    let detail = error.split_once(": ").map_or(error, |(_, d)| d);
    let detail = if let Some(rest) = detail.strip_prefix("Invalid value for \"") {
        rest.split_once("\" parameter: ").map_or(detail, |(_, m)| m)
    } else if let Some(rest) = detail.strip_prefix("Call to function \"") {
        rest.split_once("\" failed: ").map_or(detail, |(_, m)| m)
    } else {
        detail
    };
    words(detail.strip_suffix('.').unwrap_or(detail))
}

/// Our error message without the `name(): ` the evaluator puts first.
fn our_message(message: &str) -> String {
    let m = match message.split_once("(): ") {
        Some((name, rest)) if name.chars().all(|c| c.is_ascii_alphanumeric() || c == ':') => rest,
        _ => message,
    };
    words(m)
}

/// The dispatcher refuses nulls with the parameter's name in the message.
fn same_null_message(ours: &str, theirs: &str) -> bool {
    theirs == "argument must not be null" && ours.starts_with("argument \"") && ours.ends_with("\" must not be null")
}

fn check(case: &Case, exact_numbers: bool) -> Result<bool, String> {
    if case.notes.iter().any(|n| n.starts_with("skip: ")) {
        return Ok(false);
    }
    if case.notes.iter().any(|n| n == "real-number") && !exact_numbers {
        return Ok(false);
    }
    let got = eval(&case.expr);
    let ours_note = case.notes.iter().find_map(|n| n.strip_prefix("ours: "));
    match (&case.error, got) {
        (Some(theirs), Err(ours)) => {
            let (ours, theirs) = (our_message(&ours), terraform_message(theirs));
            let expected = ours_note.map(words).unwrap_or_else(|| theirs.clone());
            if ours == expected || (ours_note.is_none() && same_null_message(&ours, &theirs)) {
                Ok(true)
            } else {
                Err(format!("error message\n   ours: {ours}\n  wants: {expected}"))
            }
        }
        (Some(theirs), Ok(v)) => Err(format!("terraform fails ({theirs}) but we give {}", console(&v))),
        (None, Err(ours)) => Err(format!(
            "we fail ({ours}) but terraform gives {}",
            case.value.join("\n")
        )),
        (None, Ok(v)) => {
            let shown = console(&v);
            let want = case.value.join("\n");
            if shown != want {
                return Err(format!("value\n   ours: {shown}\n  wants: {want}"));
            }
            let ty = type_string(&v.ty());
            let want_ty = case.ty.join("\n");
            if !case.ty.is_empty() && ty != want_ty {
                return Err(format!("type\n   ours: {ty}\n  wants: {want_ty}"));
            }
            Ok(true)
        }
    }
}

/// Runs every case of a case file, failing with all mismatches at once.
pub fn run(text: &str) {
    let exact_numbers = numbers_are_exact();
    let cases = parse(text);
    assert!(!cases.is_empty(), "no cases");
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in &cases {
        match check(case, exact_numbers) {
            Ok(true) => checked += 1,
            Ok(false) => {}
            Err(e) => failures.push(format!("{}\n  {e}", case.expr)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from terraform:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
    eprintln!("{checked} of {} cases checked against terraform's output", cases.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cases_values_types_and_errors() {
        let cases = parse(
            "# comment\n=== f(1)\n~~~ ours: x\n[\n  1,\n]\n::: type\ntuple([\n    number,\n])\n\n=== g()\n!!! Error in function call: Call to function \"g\" failed: no.\n",
        );
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].notes, ["ours: x"]);
        assert_eq!(cases[0].value, ["[", "  1,", "]"]);
        assert_eq!(cases[0].ty, ["tuple([", "    number,", "])"]);
        assert_eq!(terraform_message(cases[1].error.as_deref().unwrap()), "no");
    }

    #[test]
    fn messages_lose_their_framing() {
        assert_eq!(
            terraform_message("Invalid function argument: Invalid value for \"v\" parameter: cannot convert\n  tuple."),
            "cannot convert tuple"
        );
        assert_eq!(our_message("core::element(): index  out"), "index out");
    }
}
