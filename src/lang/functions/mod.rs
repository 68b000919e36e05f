//! Terraform's built-in functions.
//!
//! Each function is declared as go-cty declares it: its parameters with
//! their types, whether each takes null, unknown or sensitive values, a
//! variadic parameter, and the type of its result. The dispatcher ([`call`])
//! does what is common to all of them, as Terraform does: arity, converting
//! each argument to its parameter's type (`upper(1)` is `"1"`), refusing
//! nulls, returning an unknown result for unknown arguments, and taking
//! sensitivity marks off the arguments and putting them on the result. The
//! implementations are plain Rust fns over arguments already checked.
//! `try`, `can`, `templatefile` and `templatestring` need the evaluator
//! and live there. Functions never touch the clock: `timestamp()` and
//! `plantimestamp()` return the times in [`FuncContext`].

#[cfg(test)]
mod casefile;
mod casing;
mod collections;
mod conversion;
mod csv;
mod cty;
mod ctyjson;
pub(crate) mod datetime;
mod encoding;
mod fileset;
mod filesystem;
mod format;
mod format_number;
mod gzip;
mod hashing;
pub(crate) mod json;
mod maps;
mod marks;
mod network;
mod numeric;
mod paths;
mod re2;
mod re2_class;
mod regex;
mod sequences;
mod sets;
mod strings;
mod textencoding;
mod yaml;

use super::types::{convert, Type};
use super::value::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

/// What a function may know of the world: the directory `file()` reads
/// from, the times the core decided, and whether this is the console.
#[derive(Debug, Clone, Default)]
pub struct FuncContext {
    pub base_dir: PathBuf,
    /// The plan's timestamp, which `plantimestamp()` returns. The core sets
    /// it once per plan (from its injected clock, so tests stay
    /// deterministic); `None` where there is no plan, and then
    /// `plantimestamp()` is unknown.
    pub plan_timestamp: Option<std::time::SystemTime>,
    /// The time `timestamp()` returns. Terraform resolves `timestamp()`
    /// only where it runs impure functions (apply, and the console); the
    /// core sets this there, from its clock. `None` (a plan, a validation)
    /// makes `timestamp()` unknown.
    pub apply_time: Option<std::time::SystemTime>,
    /// The console's function table, as terraform console has it: `type()`
    /// exists there and `plantimestamp()` does not.
    pub console: bool,
}

impl FuncContext {
    /// Functions reading files relative to `base_dir`, outside a plan.
    pub fn new(base_dir: impl Into<PathBuf>) -> FuncContext {
        FuncContext {
            base_dir: base_dir.into(),
            ..FuncContext::default()
        }
    }
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

/// One parameter: its name, its type (`any` takes every type) and what it
/// accepts beyond a known, non-null, unmarked value.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: &'static str,
    pub ty: Type,
    pub allow_null: bool,
    /// A wholly unknown argument reaches the implementation (otherwise the
    /// result is unknown without calling it).
    pub allow_unknown: bool,
    /// Sensitive marks reach the implementation (otherwise they are taken
    /// off and put on the result).
    pub allow_marked: bool,
}

pub fn param(name: &'static str, ty: Type) -> Param {
    Param {
        name,
        ty,
        allow_null: false,
        allow_unknown: false,
        allow_marked: false,
    }
}

impl Param {
    pub fn null(mut self) -> Param {
        self.allow_null = true;
        self
    }
    pub fn unknown(mut self) -> Param {
        self.allow_unknown = true;
        self
    }
    pub fn marked(mut self) -> Param {
        self.allow_marked = true;
        self
    }
}

/// A function's declaration and implementation.
pub struct Function {
    pub name: &'static str,
    pub params: Vec<Param>,
    pub variadic: Option<Param>,
    /// The type of the result, where it does not depend on the arguments
    /// (the type of an unknown result).
    pub ret: Type,
    /// An unknown value anywhere inside an argument makes the result unknown.
    pub deep_unknown: bool,
    pub imp: Impl,
}

/// Declares a function of fixed parameters.
pub fn func(name: &'static str, params: Vec<Param>, ret: Type, imp: Impl) -> Function {
    Function {
        name,
        params,
        variadic: None,
        ret,
        deep_unknown: false,
        imp,
    }
}

impl Function {
    pub fn variadic(mut self, p: Param) -> Function {
        self.variadic = Some(p);
        self
    }
    /// Unknown values inside collections make the result unknown.
    pub fn deep(mut self) -> Function {
        self.deep_unknown = true;
        self
    }
}

/// Functions the evaluator implements itself, because they take expressions or
/// evaluate templates: listed so that they count as known names.
pub const EVALUATOR_FUNCTIONS: &[&str] = &["try", "can", "templatefile", "templatestring"];

fn registry() -> &'static HashMap<&'static str, Function> {
    static REGISTRY: OnceLock<HashMap<&'static str, Function>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut all = Vec::new();
        collections::register(&mut all);
        conversion::register(&mut all);
        csv::register(&mut all);
        datetime::register(&mut all);
        encoding::register(&mut all);
        filesystem::register(&mut all);
        hashing::register(&mut all);
        json::register(&mut all);
        maps::register(&mut all);
        marks::register(&mut all);
        network::register(&mut all);
        numeric::register(&mut all);
        sequences::register(&mut all);
        sets::register(&mut all);
        strings::register(&mut all);
        textencoding::register(&mut all);
        yaml::register(&mut all);
        format::register(&mut all);
        regex::register(&mut all);
        all.into_iter().map(|f| (f.name, f)).collect()
    })
}

/// The name without Terraform's `core::` namespace.
fn base_name(name: &str) -> &str {
    name.strip_prefix("core::").unwrap_or(name)
}

/// Whether a function of this name exists (`core::` prefixed or not) in
/// the function table of `ctx`: terraform console has no `plantimestamp`.
pub fn exists(name: &str, ctx: &FuncContext) -> bool {
    let name = base_name(name);
    if ctx.console && name == "plantimestamp" {
        return false;
    }
    EVALUATOR_FUNCTIONS.contains(&name) || registry().contains_key(name)
}

/// Every function name, for suggestions.
pub fn names() -> impl Iterator<Item = &'static str> {
    registry().keys().copied().chain(EVALUATOR_FUNCTIONS.iter().copied())
}

/// Calls a built-in function. `None` when no such function exists.
pub fn call(name: &str, args: Vec<Value>, ctx: &FuncContext) -> Option<FnResult> {
    let function = registry().get(base_name(name))?;
    Some(dispatch(function, args, ctx))
}

/// Why `n` arguments do not fit a function's parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct ArityError {
    /// More arguments than parameters (otherwise fewer).
    pub too_many: bool,
    pub message: String,
}

/// Checks the number of arguments of a registered function (`None` for an
/// unknown name or a right count), as HCL checks it before evaluating them.
pub fn check_arity(name: &str, n: usize) -> Option<ArityError> {
    let f = registry().get(base_name(name))?;
    arity(f.name, f.params.len(), f.variadic.is_some(), n)
}

/// The arity error of a function of `min` parameters (and more when
/// `variadic`) called with `n` arguments.
pub fn arity(name: &str, min: usize, variadic: bool, n: usize) -> Option<ArityError> {
    if n >= min && (variadic || n == min) {
        return None;
    }
    let expected = if variadic {
        format!("at least {min}")
    } else {
        format!("{min}")
    };
    let plural = if min == 1 { "" } else { "s" };
    Some(ArityError {
        too_many: n > min,
        message: format!(
            "{name}() takes {expected} argument{plural}, but {n} {} given",
            if n == 1 { "was" } else { "were" }
        ),
    })
}

fn dispatch(function: &Function, args: Vec<Value>, ctx: &FuncContext) -> FnResult {
    let n = args.len();
    if let Some(e) = arity(function.name, function.params.len(), function.variadic.is_some(), n) {
        return Err(FnError::new(e.message));
    }
    let mut marked = false;
    let mut unknown = false;
    let mut checked = Vec::with_capacity(n);
    for (i, arg) in args.into_iter().enumerate() {
        let p = function
            .params
            .get(i)
            .or(function.variadic.as_ref())
            .expect("arity checked above");
        let arg = if p.allow_marked {
            arg
        } else {
            let (a, m) = arg.unmark_deep();
            marked |= m;
            a
        };
        if arg.is_null() && !p.allow_null {
            return Err(FnError::arg(i, format!("argument {:?} must not be null", p.name)));
        }
        let arg = convert(arg, &p.ty).map_err(|e| {
            if marked {
                FnError::arg(i, "an argument is not valid (details hidden because it is sensitive)")
            } else {
                FnError::arg(i, e.to_string())
            }
        })?;
        if !arg.is_known() && !p.allow_unknown {
            unknown = true;
        }
        if function.deep_unknown && !arg.is_wholly_known() {
            unknown = true;
        }
        checked.push(arg);
    }
    if unknown {
        return Ok(Value::Unknown(function.ret.clone()).mark_if(marked));
    }
    match (function.imp)(&checked, ctx) {
        Ok(mut v) => {
            // Every string a function makes is normalized, as go-cty's StringVal does.
            super::nfc::normalize(&mut v);
            Ok(v.mark_if(marked))
        }
        // A message may quote an argument: never one that is sensitive.
        Err(e) if marked => Err(FnError {
            arg: e.arg,
            message: "an argument is not valid (details hidden because an argument is sensitive)".into(),
        }),
        Err(e) => Err(e),
    }
}

// Argument helpers shared by the implementations. Arguments have been
// converted to their parameter's type, so these only unwrap.

pub(crate) fn string_arg(args: &[Value], i: usize) -> Result<String, FnError> {
    match &args[i] {
        Value::Null(_) => Err(FnError::arg(i, "a string is required, got null")),
        v => v
            .to_template_string()
            .ok_or_else(|| FnError::arg(i, format!("a string is required, got {}", v.friendly_type()))),
    }
}

pub(crate) fn number_arg(args: &[Value], i: usize) -> Result<super::number::Number, FnError> {
    match &args[i] {
        Value::Number(n) => Ok(n.clone()),
        Value::String(s) => super::number::Number::parse(s)
            .ok_or_else(|| FnError::arg(i, format!("a number is required, and {s:?} is not one"))),
        v => Err(FnError::arg(
            i,
            format!("a number is required, got {}", v.friendly_type()),
        )),
    }
}

pub(crate) fn int_arg(args: &[Value], i: usize) -> Result<i64, FnError> {
    let n = number_arg(args, i)?;
    n.to_i64()
        .ok_or_else(|| FnError::arg(i, format!("a whole number is required, got {n}")))
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

    /// The result as `terraform console` prints it, to compare with
    /// terraform's own output.
    pub fn show(src: &str) -> String {
        crate::lang::display::console(&ok(src))
    }

    pub fn s(v: &str) -> Value {
        Value::string(v)
    }

    pub fn n(v: f64) -> Value {
        Value::Number(super::super::number::Number::from_f64(v).unwrap())
    }

    pub fn list(items: &[&str]) -> Value {
        Value::List(Type::String, items.iter().map(|s| Value::string(*s)).collect())
    }

    pub fn tuple(items: &[&str]) -> Value {
        Value::Tuple(items.iter().map(|s| Value::string(*s)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn unknown_arguments_give_unknown_results() {
        assert_eq!(
            call("upper", vec![Value::unknown()], &FuncContext::default()),
            Some(Ok(Value::Unknown(Type::String)))
        );
        // Deep functions look inside collections.
        let args = vec![s(","), Value::Tuple(vec![s("a"), Value::unknown()])];
        assert_eq!(
            call("join", args, &FuncContext::default()),
            Some(Ok(Value::Unknown(Type::String)))
        );
        // Others work around unknown elements.
        assert_eq!(ok("length([1, timestamp()])"), Value::int(2));
    }

    #[test]
    fn arguments_are_converted_to_their_parameter_types() {
        assert_eq!(ok("upper(true)"), s("TRUE"));
        assert!(eval("upper(null)").unwrap_err().contains("must not be null"));
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
            eval("cidrsubnet(1)").unwrap_err(),
            "cidrsubnet() takes 3 arguments, but 1 was given"
        );
    }

    #[test]
    fn timestamp_is_unknown_at_plan_time() {
        assert_eq!(ok("timestamp()"), Value::Unknown(Type::String));
    }

    #[test]
    fn names_with_the_core_namespace() {
        let ctx = FuncContext::default();
        assert!(!exists("nosuch", &ctx));
        assert!(exists("try", &ctx) && exists("cidrsubnet", &ctx) && exists("core::upper", &ctx));
        let console = FuncContext {
            console: true,
            ..FuncContext::default()
        };
        assert!(exists("plantimestamp", &ctx) && !exists("plantimestamp", &console));
        assert_eq!(ok("core::upper(\"a\")"), s("A"));
    }
}

/// Reads a template file for `templatefile()`, relative to the configuration directory.
pub fn read_template(ctx: &FuncContext, path: &str) -> Result<String, FnError> {
    filesystem::read_text(ctx, path, 0)
}
