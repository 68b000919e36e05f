//! Terraform's built-in functions that AKS configurations use.
//!
//! Each function is a plain Rust fn over already-evaluated arguments. The
//! dispatcher ([`call`]) handles what is common to all of them: arity, unknown
//! arguments (the result is unknown) and sensitivity (marks are removed before
//! the call and put on the result). `try`, `can` and `templatefile` need the
//! evaluator and live there. Functions never touch the clock: `timestamp()` is
//! unknown at plan time.

mod collections;
mod encoding;
mod filesystem;
mod network;
mod numeric;
mod strings;

use super::value::{Map, Value};
use std::path::PathBuf;

/// What a function may know of the world: the directory `file()` reads from.
#[derive(Debug, Clone, Default)]
pub struct FuncContext {
    pub base_dir: PathBuf,
}

/// A function call that failed, with the argument at fault when there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct FnError {
    pub arg: Option<usize>,
    pub message: String,
}

impl FnError {
    pub fn new(message: impl Into<String>) -> FnError {
        FnError {
            arg: None,
            message: message.into(),
        }
    }

    pub fn arg(arg: usize, message: impl Into<String>) -> FnError {
        FnError {
            arg: Some(arg),
            message: message.into(),
        }
    }
}

pub type FnResult = Result<Value, FnError>;
type Impl = fn(&[Value], &FuncContext) -> FnResult;

/// How a function treats unknown values inside its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unknowns {
    /// Unknown only when an argument is wholly unknown (it can work around parts).
    TopLevel,
    /// Unknown when anything inside an argument is unknown.
    Deep,
}

struct Function {
    name: &'static str,
    min: usize,
    /// `None`: variadic.
    max: Option<usize>,
    unknowns: Unknowns,
    f: Impl,
}

const fn func(name: &'static str, min: usize, max: Option<usize>, unknowns: Unknowns, f: Impl) -> Function {
    Function {
        name,
        min,
        max,
        unknowns,
        f,
    }
}

use Unknowns::{Deep, TopLevel};

#[rustfmt::skip]
static FUNCTIONS: &[Function] = &[
    func("abs", 1, Some(1), TopLevel, numeric::abs),
    func("ceil", 1, Some(1), TopLevel, numeric::ceil),
    func("floor", 1, Some(1), TopLevel, numeric::floor),
    func("min", 1, None, TopLevel, numeric::min),
    func("max", 1, None, TopLevel, numeric::max),
    func("sum", 1, Some(1), Deep, numeric::sum),
    func("range", 1, Some(3), TopLevel, numeric::range),
    func("pow", 2, Some(2), TopLevel, numeric::pow),
    func("signum", 1, Some(1), TopLevel, numeric::signum),
    func("parseint", 2, Some(2), TopLevel, numeric::parseint),
    func("length", 1, Some(1), TopLevel, collections::length),
    func("lookup", 2, Some(3), TopLevel, collections::lookup),
    func("merge", 0, None, TopLevel, collections::merge),
    func("concat", 0, None, TopLevel, collections::concat),
    func("contains", 2, Some(2), Deep, collections::contains),
    func("keys", 1, Some(1), TopLevel, collections::keys),
    func("values", 1, Some(1), TopLevel, collections::values),
    func("element", 2, Some(2), TopLevel, collections::element),
    func("index", 2, Some(2), Deep, collections::index),
    func("flatten", 1, Some(1), TopLevel, collections::flatten),
    func("distinct", 1, Some(1), Deep, collections::distinct),
    func("coalesce", 1, None, TopLevel, collections::coalesce),
    func("coalescelist", 1, None, TopLevel, collections::coalescelist),
    func("compact", 1, Some(1), Deep, collections::compact),
    func("one", 1, Some(1), TopLevel, collections::one),
    func("zipmap", 2, Some(2), TopLevel, collections::zipmap),
    func("setproduct", 1, None, TopLevel, collections::setproduct),
    func("slice", 3, Some(3), TopLevel, collections::slice),
    func("reverse", 1, Some(1), TopLevel, collections::reverse),
    func("sort", 1, Some(1), Deep, collections::sort),
    func("alltrue", 1, Some(1), Deep, collections::alltrue),
    func("anytrue", 1, Some(1), Deep, collections::anytrue),
    func("tolist", 1, Some(1), TopLevel, collections::tolist),
    func("toset", 1, Some(1), Deep, collections::toset),
    func("tomap", 1, Some(1), TopLevel, collections::tomap),
    func("format", 1, None, Deep, strings::format),
    func("formatlist", 1, None, Deep, strings::formatlist),
    func("join", 2, Some(2), Deep, strings::join),
    func("split", 2, Some(2), TopLevel, strings::split),
    func("lower", 1, Some(1), TopLevel, strings::lower),
    func("upper", 1, Some(1), TopLevel, strings::upper),
    func("title", 1, Some(1), TopLevel, strings::title),
    func("replace", 3, Some(3), TopLevel, strings::replace),
    func("substr", 3, Some(3), TopLevel, strings::substr),
    func("trim", 2, Some(2), TopLevel, strings::trim),
    func("trimspace", 1, Some(1), TopLevel, strings::trimspace),
    func("trimprefix", 2, Some(2), TopLevel, strings::trimprefix),
    func("trimsuffix", 2, Some(2), TopLevel, strings::trimsuffix),
    func("startswith", 2, Some(2), TopLevel, strings::startswith),
    func("endswith", 2, Some(2), TopLevel, strings::endswith),
    func("strcontains", 2, Some(2), TopLevel, strings::strcontains),
    func("regex", 2, Some(2), TopLevel, strings::regex),
    func("regexall", 2, Some(2), TopLevel, strings::regexall),
    func("tostring", 1, Some(1), TopLevel, strings::tostring),
    func("tonumber", 1, Some(1), TopLevel, numeric::tonumber),
    func("tobool", 1, Some(1), TopLevel, strings::tobool),
    func("jsonencode", 1, Some(1), Deep, encoding::jsonencode),
    func("jsondecode", 1, Some(1), TopLevel, encoding::jsondecode),
    func("yamlencode", 1, Some(1), Deep, encoding::yamlencode),
    func("yamldecode", 1, Some(1), TopLevel, encoding::yamldecode),
    func("base64encode", 1, Some(1), TopLevel, encoding::base64encode),
    func("base64decode", 1, Some(1), TopLevel, encoding::base64decode),
    func("sha256", 1, Some(1), TopLevel, encoding::sha256),
    func("md5", 1, Some(1), TopLevel, encoding::md5),
    func("uuidv5", 2, Some(2), TopLevel, encoding::uuidv5),
    func("file", 1, Some(1), TopLevel, filesystem::file),
    func("fileexists", 1, Some(1), TopLevel, filesystem::fileexists),
    func("cidrsubnet", 3, Some(3), TopLevel, network::cidrsubnet),
    func("cidrsubnets", 1, None, TopLevel, network::cidrsubnets),
    func("cidrhost", 2, Some(2), TopLevel, network::cidrhost),
    func("cidrnetmask", 1, Some(1), TopLevel, network::cidrnetmask),
    func("timestamp", 0, Some(0), TopLevel, |_, _| Ok(Value::Unknown)),
    func("sensitive", 1, Some(1), TopLevel, |a, _| Ok(a[0].clone().mark())),
    func("nonsensitive", 1, Some(1), TopLevel, |a, _| Ok(a[0].clone())),
];

/// Functions the evaluator implements itself, because they take expressions or
/// evaluate templates: listed so that they count as known names.
pub const EVALUATOR_FUNCTIONS: &[&str] = &["try", "can", "templatefile"];

/// Whether a function of this name exists.
pub fn exists(name: &str) -> bool {
    EVALUATOR_FUNCTIONS.contains(&name) || FUNCTIONS.iter().any(|f| f.name == name)
}

/// Every function name, for suggestions.
pub fn names() -> impl Iterator<Item = &'static str> {
    FUNCTIONS
        .iter()
        .map(|f| f.name)
        .chain(EVALUATOR_FUNCTIONS.iter().copied())
}

/// Calls a built-in function. `None` when no such function exists.
pub fn call(name: &str, args: Vec<Value>, ctx: &FuncContext) -> Option<FnResult> {
    let function = FUNCTIONS.iter().find(|f| f.name == name)?;
    Some(dispatch(function, args, ctx))
}

fn dispatch(function: &Function, args: Vec<Value>, ctx: &FuncContext) -> FnResult {
    let n = args.len();
    if n < function.min || function.max.is_some_and(|max| n > max) {
        let expected = match function.max {
            Some(max) if max == function.min => format!("{max}"),
            Some(max) => format!("{} to {max}", function.min),
            None => format!("at least {}", function.min),
        };
        let plural = if expected.ends_with(" 1") || expected == "1" {
            ""
        } else {
            "s"
        };
        return Err(FnError::new(format!(
            "{}() takes {expected} argument{plural}, but {n} {} given",
            function.name,
            if n == 1 { "was" } else { "were" }
        )));
    }
    // `nonsensitive` is the one function whose point is to remove a mark.
    if function.name == "nonsensitive" {
        return (function.f)(&[args[0].clone().unmark_deep().0], ctx);
    }
    let mut marked = false;
    let args: Vec<Value> = args
        .into_iter()
        .map(|a| {
            let (a, m) = a.unmark_deep();
            marked |= m;
            a
        })
        .collect();
    let unknown = match function.unknowns {
        TopLevel => args.iter().any(|a| !a.is_known()),
        Deep => args.iter().any(|a| !a.is_wholly_known()),
    };
    if unknown {
        return Ok(Value::Unknown.mark_if(marked));
    }
    match (function.f)(&args, ctx) {
        Ok(v) => Ok(v.mark_if(marked)),
        // A message may quote an argument: never one that is sensitive.
        Err(e) if marked => Err(FnError {
            arg: e.arg,
            message: "an argument is not valid (details hidden because an argument is sensitive)".into(),
        }),
        Err(e) => Err(e),
    }
}

// Argument helpers shared by the implementations.

pub(crate) fn string_arg(args: &[Value], i: usize) -> Result<String, FnError> {
    match &args[i] {
        Value::Null => Err(FnError::arg(i, "a string is required, got null")),
        v => v
            .to_template_string()
            .ok_or_else(|| FnError::arg(i, format!("a string is required, got {}", v.type_name()))),
    }
}

pub(crate) fn number_arg(args: &[Value], i: usize) -> Result<f64, FnError> {
    match &args[i] {
        Value::Number(n) => Ok(*n),
        Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| FnError::arg(i, format!("a number is required, and {s:?} is not one"))),
        v => Err(FnError::arg(i, format!("a number is required, got {}", v.type_name()))),
    }
}

pub(crate) fn int_arg(args: &[Value], i: usize) -> Result<i64, FnError> {
    let n = number_arg(args, i)?;
    if n.fract() != 0.0 || n.abs() > 9.0e15 {
        return Err(FnError::arg(i, format!("a whole number is required, got {n}")));
    }
    Ok(n as i64)
}

pub(crate) fn seq_arg(args: &[Value], i: usize) -> Result<&[Value], FnError> {
    args[i]
        .as_seq()
        .ok_or_else(|| FnError::arg(i, format!("a list or set is required, got {}", args[i].type_name())))
}

pub(crate) fn map_arg(args: &[Value], i: usize) -> Result<&Map, FnError> {
    args[i]
        .as_map()
        .ok_or_else(|| FnError::arg(i, format!("a map or object is required, got {}", args[i].type_name())))
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// Evaluates `name(args...)` where args are HCL literals, through the real evaluator.
    pub fn eval(src: &str) -> Result<Value, String> {
        crate::lang::eval::eval_standalone(src).map_err(|e| e.message)
    }

    pub fn ok(src: &str) -> Value {
        eval(src).unwrap_or_else(|e| panic!("{src}: {e}"))
    }

    pub fn s(v: &str) -> Value {
        Value::string(v)
    }

    pub fn n(v: f64) -> Value {
        Value::Number(v)
    }

    pub fn list(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| Value::string(*s)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn unknown_arguments_give_unknown_results() {
        assert_eq!(
            call("upper", vec![Value::Unknown], &FuncContext::default()),
            Some(Ok(Value::Unknown))
        );
        // Deep functions look inside collections.
        let args = vec![s(","), Value::List(vec![s("a"), Value::Unknown])];
        assert_eq!(call("join", args, &FuncContext::default()), Some(Ok(Value::Unknown)));
        // Others work around unknown elements.
        assert_eq!(ok("length([1, timestamp()])"), n(2.0));
    }

    #[test]
    fn sensitive_arguments_give_sensitive_results() {
        let r = call("upper", vec![s("x").mark()], &FuncContext::default())
            .unwrap()
            .unwrap();
        assert_eq!(r, s("X").mark());
        assert_eq!(ok("nonsensitive(sensitive(\"a\"))"), s("a"));
    }

    #[test]
    fn errors_about_sensitive_arguments_do_not_quote_them() {
        let e = call("cidrhost", vec![s("hunter2").mark(), n(1.0)], &FuncContext::default())
            .unwrap()
            .unwrap_err();
        assert!(!e.message.contains("hunter2"), "{}", e.message);
        assert_eq!(e.arg, Some(0));
    }

    #[test]
    fn arity_errors_say_what_was_expected() {
        assert_eq!(
            eval("upper()").unwrap_err(),
            "upper() takes 1 argument, but 0 were given"
        );
        assert_eq!(
            eval("lookup(1)").unwrap_err(),
            "lookup() takes 2 to 3 arguments, but 1 was given"
        );
        assert_eq!(
            eval("coalesce()").unwrap_err(),
            "coalesce() takes at least 1 argument, but 0 were given"
        );
    }

    #[test]
    fn timestamp_is_unknown_at_plan_time() {
        assert_eq!(ok("timestamp()"), Value::Unknown);
    }

    #[test]
    fn unknown_function_is_refused() {
        assert!(!exists("nosuch"));
        assert!(exists("try") && exists("cidrsubnet"));
    }
}

/// Reads a template file for `templatefile()`, relative to the configuration directory.
pub fn read_template(ctx: &FuncContext, path: &str) -> Result<String, FnError> {
    filesystem::read_text(ctx, path, 0)
}
