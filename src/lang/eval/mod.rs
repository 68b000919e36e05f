//! The expression evaluator, over hcl-edit's syntax tree, as HCL's
//! `hclsyntax` evaluates each kind of expression.
//!
//! It knows unknowns and sensitivity (see [`super::value`]), asks a [`Scope`]
//! for the value of each reference, and reports errors with the byte span of
//! the offending expression and the summary terraform gives. It does no I/O
//! of its own except through the functions `file`, `fileexists` and
//! `templatefile`. Strings it makes (literals, template results, object
//! keys) are in Unicode NFC, as go-cty's are.

mod call;
mod forexpr;
mod object;
mod ops;
mod template;
mod template_fn;
mod traverse;

use super::functions::FuncContext;
use super::limits::{Budget, LimitError};
use super::nfc;
use super::number::Number;
use super::refs::{parse_traversal, Reference};
use super::value::Value;
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::{Decorated, Span as _};
use std::borrow::Cow;
use std::ops::Range;

/// What kind of error, named after terraform's summary of it; `try()` and
/// `can()` catch only the dynamic kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalErrorKind {
    /// A name the configuration does not declare, or a malformed reference.
    InvalidReference,
    UnknownFunction,
    /// A function's namespace that does not exist (`core::plantimestamp`
    /// where the function is not available, `provider::...`).
    UnknownNamespace,
    /// An argument that does not fit its parameter, or that the function
    /// refused (go-cty's `ArgError`).
    FunctionCall,
    /// A function that failed for a reason not tied to one argument.
    FunctionFailed,
    NotEnoughArguments,
    TooManyArguments,
    /// An operand that does not convert to the operator's type.
    Operand,
    /// An operator that failed on converted operands (a null, `0 / 0`).
    Operation,
    /// A missing attribute, an index out of range, a key not in a map.
    Index,
    /// A null or collection value where a template needs a string.
    Template,
    /// A `for` expression over a non-collection, or with duplicate keys.
    Iteration,
    /// A condition that is not a bool.
    Condition,
    /// A condition that is null.
    NullCondition,
    /// Arms of a conditional with no type in common.
    ConditionalTypes,
    /// `{a.b = 1}`: a key that could be a reference or a name.
    AmbiguousKey,
    /// A key that is null or not a string.
    ObjectKey,
    /// A quoted string written over several lines.
    MultiLineString,
    /// A reference where only literal values are allowed (tfvars, a module
    /// source, a variable's default).
    VariablesNotAllowed,
    TooDeep,
    /// A value past one of aksplan's size limits (see [`crate::lang::limits`]).
    TooLarge,
}

impl EvalErrorKind {
    /// Static errors are mistakes in the configuration that `try()` must not
    /// hide: terraform finds them before evaluating (references are checked
    /// when the configuration is loaded).
    pub(super) fn is_static(self) -> bool {
        matches!(
            self,
            EvalErrorKind::InvalidReference | EvalErrorKind::MultiLineString | EvalErrorKind::VariablesNotAllowed
        )
    }

    pub fn summary(self) -> &'static str {
        match self {
            EvalErrorKind::InvalidReference => "Reference to undeclared or invalid name",
            EvalErrorKind::UnknownFunction => "Call to unknown function",
            EvalErrorKind::UnknownNamespace => "Unknown provider function",
            EvalErrorKind::FunctionCall => "Invalid function argument",
            EvalErrorKind::FunctionFailed => "Error in function call",
            EvalErrorKind::NotEnoughArguments => "Not enough function arguments",
            EvalErrorKind::TooManyArguments => "Too many function arguments",
            EvalErrorKind::Operand => "Invalid operand",
            EvalErrorKind::Operation => "Operation failed",
            EvalErrorKind::Index => "Invalid index or attribute",
            EvalErrorKind::Template => "Invalid template interpolation value",
            EvalErrorKind::Iteration => "Invalid for expression",
            EvalErrorKind::Condition => "Incorrect condition type",
            EvalErrorKind::NullCondition => "Null condition",
            EvalErrorKind::ConditionalTypes => "Inconsistent conditional result types",
            EvalErrorKind::AmbiguousKey => "Ambiguous attribute key",
            EvalErrorKind::ObjectKey => "Incorrect key type",
            EvalErrorKind::MultiLineString => "Invalid multi-line string",
            EvalErrorKind::VariablesNotAllowed => "Variables not allowed",
            EvalErrorKind::TooDeep => "Expression too deeply nested",
            EvalErrorKind::TooLarge => "Value too large",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EvalError {
    pub kind: EvalErrorKind,
    pub message: String,
    pub span: Option<Range<usize>>,
    pub help: Option<String>,
}

impl EvalError {
    pub fn new(kind: EvalErrorKind, message: impl Into<String>, span: Option<Range<usize>>) -> EvalError {
        EvalError {
            kind,
            message: message.into(),
            span,
            help: None,
        }
    }

    fn with_help(mut self, help: impl Into<String>) -> EvalError {
        self.help = Some(help.into());
        self
    }
}

type Result<T> = std::result::Result<T, EvalError>;

/// Answers references with values. The message of an `Err` says what is wrong
/// (undeclared, not available here); the evaluator adds the span.
pub trait Scope {
    fn lookup(&self, reference: &Reference) -> std::result::Result<Cow<'_, Value>, String>;

    /// Whether references may be used at all (not in a literal-only context).
    fn allows_references(&self) -> bool {
        true
    }
}

/// A scope with nothing in it: for literal-only contexts such as `.tfvars` files.
pub struct EmptyScope;

impl Scope for EmptyScope {
    fn lookup(&self, reference: &Reference) -> std::result::Result<Cow<'_, Value>, String> {
        Err(format!(
            "{reference} cannot be used here: only literal values are allowed"
        ))
    }

    fn allows_references(&self) -> bool {
        false
    }
}

const MAX_DEPTH: usize = 256;

pub struct Evaluator<'a> {
    scope: &'a dyn Scope,
    ctx: &'a FuncContext,
    /// Names bound by `for` expressions, innermost last.
    bound: Vec<(String, Value)>,
    depth: usize,
    /// Set while rendering a template function's template.
    in_template: Option<template_fn::InTemplate>,
}

impl<'a> Evaluator<'a> {
    pub fn new(scope: &'a dyn Scope, ctx: &'a FuncContext) -> Evaluator<'a> {
        Evaluator {
            scope,
            ctx,
            bound: Vec::new(),
            depth: 0,
            in_template: None,
        }
    }

    pub fn eval(&mut self, expr: &Expression) -> Result<Value> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return Err(EvalError::new(
                EvalErrorKind::TooDeep,
                format!("expressions may nest at most {MAX_DEPTH} levels"),
                expr.span(),
            ));
        }
        let result = self.eval_inner(expr);
        self.depth -= 1;
        result
    }

    fn eval_inner(&mut self, expr: &Expression) -> Result<Value> {
        match expr {
            Expression::Null(_) => Ok(Value::null()),
            Expression::Bool(b) => Ok(Value::Bool(*b.value())),
            Expression::Number(n) => Ok(Value::Number(number_literal(n))),
            Expression::String(s) => Ok(Value::String(nfc::nfc(s.value().clone()))),
            Expression::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut budget = Budget::new();
                for e in items.iter() {
                    let v = self.eval(e)?;
                    budget.element(&v).map_err(|l| too_large(l, expr.span()))?;
                    out.push(v);
                }
                Ok(Value::Tuple(out))
            }
            Expression::Object(obj) => self.object(obj),
            Expression::StringTemplate(t) => self.string_template(t, expr.span()),
            Expression::HeredocTemplate(h) => self.heredoc(h),
            Expression::Parenthesis(p) => self.eval(p.inner()),
            Expression::Variable(v) => self.variable(v, &[]),
            Expression::Traversal(t) => match &t.expr {
                Expression::Variable(v) if !self.is_bound(v.as_str()) => {
                    let (r, used) = parse_traversal(v, &t.operators)
                        .map_err(|e| EvalError::new(EvalErrorKind::InvalidReference, e.message, e.span))?;
                    let scope = self.scope;
                    let kind = if scope.allows_references() {
                        EvalErrorKind::InvalidReference
                    } else {
                        EvalErrorKind::VariablesNotAllowed
                    };
                    let value = scope
                        .lookup(&r.reference)
                        .map_err(|m| EvalError::new(kind, m, Some(r.span.clone())))?;
                    self.traverse(&value, &t.operators[used..])
                }
                e => {
                    let value = self.eval(e)?;
                    self.traverse(&value, &t.operators)
                }
            },
            Expression::Conditional(c) => self.conditional(c),
            Expression::FuncCall(call) => self.call(call, expr.span()),
            Expression::UnaryOp(u) => self.unary(u),
            Expression::BinaryOp(b) => self.binary(b),
            Expression::ForExpr(f) => self.for_expr(f, expr.span()),
        }
    }

    /// Binds a name for the expressions evaluated until [`Evaluator::unbind`]
    /// (a dynamic block's iterator, say).
    pub fn bind(&mut self, name: impl Into<String>, value: Value) {
        self.bound.push((name.into(), value));
    }

    pub fn unbind(&mut self) {
        self.bound.pop();
    }

    fn is_bound(&self, name: &str) -> bool {
        self.bound.iter().any(|(n, _)| n == name)
    }

    fn variable(&mut self, v: &Decorated<hcl_edit::Ident>, ops: &[Decorated<TraversalOperator>]) -> Result<Value> {
        if let Some((_, value)) = self.bound.iter().rev().find(|(n, _)| n == v.as_str()) {
            let value = value.clone();
            return self.traverse(&value, ops);
        }
        let (r, _) =
            parse_traversal(v, ops).map_err(|e| EvalError::new(EvalErrorKind::InvalidReference, e.message, e.span))?;
        Err(EvalError::new(
            EvalErrorKind::InvalidReference,
            format!("{} must be followed by an attribute", r.reference),
            v.span(),
        ))
    }
}

/// The error for a value past one of the size limits, at `span`.
fn too_large(l: LimitError, span: Option<Range<usize>>) -> EvalError {
    EvalError::new(EvalErrorKind::TooLarge, l.to_string(), span).with_help(
        "aksplan refuses values this large rather than exhaust memory; if the configuration really needs one, \
         split it into several",
    )
}

/// "a string", "null", "a list", for messages.
pub fn describe(v: &Value) -> String {
    v.friendly_type()
}

/// A number literal, read from its text so that no digit is lost.
fn number_literal(n: &hcl_edit::Formatted<hcl_edit::Number>) -> Number {
    let from_text = n.as_repr().and_then(|r| {
        let text: String = r.chars().filter(|c| !c.is_whitespace()).collect();
        Number::parse(&text)
    });
    from_text
        .or_else(|| Number::from_f64(n.value().as_f64().unwrap_or(0.0)))
        .unwrap_or_else(Number::zero)
}

/// The closest of `candidates` to `name`, when close enough to be a likely typo.
pub fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim_distance(name, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| c)
}

fn strsim_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Evaluates a standalone expression with an empty scope (tests, `.tfvars` values).
pub fn eval_standalone(src: &str) -> Result<Value> {
    let expr = hcl_edit::parser::parse_expr(src)
        .map_err(|e| EvalError::new(EvalErrorKind::Operand, e.message().to_string(), None))?;
    Evaluator::new(&EmptyScope, &FuncContext::default()).eval(&expr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::functions::test_support::{n, ok, s, tuple};
    use crate::lang::types::Type;
    use crate::lang::value::Map;

    struct TestScope;
    impl Scope for TestScope {
        fn lookup(&self, r: &Reference) -> std::result::Result<Cow<'_, Value>, String> {
            match r {
                Reference::Var(n) if n == "secret" => Ok(Cow::Owned(Value::string("hunter2").mark())),
                Reference::Var(n) if n == "names" => Ok(Cow::Owned(Value::list(vec![s("a"), s("b")]))),
                Reference::Resource(r) if r.name == "id" => Ok(Cow::Owned(Value::Object(Map::from([
                    ("principal_id".into(), Value::unknown()),
                    ("name".into(), s("mi")),
                ])))),
                other => Err(format!("{other} is not declared")),
            }
        }
    }

    fn eval_with(src: &str) -> Result<Value> {
        let e = hcl_edit::parser::parse_expr(src).unwrap();
        Evaluator::new(&TestScope, &FuncContext::default()).eval(&e)
    }

    #[test]
    fn operators_and_conditionals() {
        assert_eq!(ok("1 + 2 * 3"), n(7.0));
        assert_eq!(ok("-7 % 3"), n(-1.0));
        assert_eq!(ok("\"5\" + 1"), n(6.0));
        assert_eq!(ok("1 == \"1\""), Value::Bool(false));
        assert_eq!(ok("!(1 < 2) || 3 >= 3"), Value::Bool(true));
        assert_eq!(ok("true ? \"a\" : \"b\""), s("a"));
        assert_eq!(ok("2 / 0").to_string(), "+Inf");
        assert_eq!(
            eval_standalone("\"x\" ? 1 : 2").unwrap_err().kind,
            EvalErrorKind::Condition
        );
    }

    #[test]
    fn templates_with_directives_and_strip_markers() {
        assert_eq!(ok(r#""a-${1 + 1}-b""#), s("a-2-b"));
        assert_eq!(ok(r#""%{ if true }yes%{ else }no%{ endif }""#), s("yes"));
        assert_eq!(ok(r#""%{ for x in ["a", "b"] }${x},%{ endfor }""#), s("a,b,"));
        assert_eq!(ok("\"%{ for x in [\"a\", \"b\"] ~}\n  ${x}\n%{~ endfor }\""), s("ab"));
        assert_eq!(ok("<<-EOT\n    hello\n      ${\"x\"}\n    EOT"), s("hello\n  x\n"));
        // A lone interpolation keeps the value's type.
        assert_eq!(ok(r#""${[1]}""#), Value::Tuple(vec![n(1.0)]));
        assert_eq!(
            eval_standalone(r#""a${null}""#).unwrap_err().kind,
            EvalErrorKind::Template
        );
    }

    #[test]
    fn for_expressions_and_splats() {
        assert_eq!(ok(r#"[for s in ["a", "b"] : upper(s)]"#), tuple(&["A", "B"]));
        assert_eq!(
            ok(r#"{for k, v in {a = 1, b = 2} : v => k if v > 1}"#),
            ok(r#"{"2" = "b"}"#)
        );
        assert_eq!(
            ok(r#"{for s in ["a", "ab", "b"] : substr(s, 0, 1) => s...}"#),
            ok(r#"{a = ["a", "ab"], b = ["b"]}"#)
        );
        let dup = eval_standalone(r#"{for s in ["a", "a"] : s => s}"#).unwrap_err();
        assert!(dup.message.contains("two elements produce the key"));
        assert_eq!(ok(r#"[{n = 1}, {n = 2}][*].n"#), Value::Tuple(vec![n(1.0), n(2.0)]));
        assert_eq!(ok(r#"[{n = [1]}][*].n[0]"#), Value::Tuple(vec![n(1.0)]));
        assert_eq!(ok(r#"null[*].n"#), Value::Tuple(vec![]));
        assert_eq!(ok(r#"tolist([{n = 1}])[*].n"#), Value::list(vec![n(1.0)]));
    }

    #[test]
    fn unknowns_propagate() {
        assert!(!eval_with("azurerm_x.id.principal_id").unwrap().is_known());
        assert_eq!(
            eval_with("\"p-${azurerm_x.id.principal_id}\"").unwrap(),
            Value::Unknown(Type::String)
        );
        assert_eq!(
            eval_with("azurerm_x.id.principal_id == \"x\" ? 1 : 2").unwrap(),
            Value::Unknown(Type::Number)
        );
        assert_eq!(
            eval_with("upper(azurerm_x.id.principal_id)").unwrap(),
            Value::Unknown(Type::String)
        );
        assert_eq!(
            eval_with("[azurerm_x.id.principal_id, \"b\"]").unwrap(),
            Value::Tuple(vec![Value::unknown(), s("b")])
        );
        assert_eq!(eval_with("azurerm_x.id.name").unwrap(), s("mi"));
        assert_eq!(
            eval_with("[for x in [azurerm_x.id.principal_id] : x]").unwrap(),
            Value::Tuple(vec![Value::unknown()])
        );
    }

    #[test]
    fn for_keeps_element_marks_on_their_elements() {
        let v = ok(r#"[for o in [{id = "a", secret = sensitive("s")}] : o.id]"#);
        assert_eq!(v, tuple(&["a"]));
        assert!(ok(r#"[for x in sensitive(["a"]) : x]"#).has_sensitive());
    }

    #[test]
    fn sensitivity_propagates() {
        assert_eq!(eval_with("upper(var.secret)").unwrap(), s("HUNTER2").mark());
        assert!(eval_with("\"x-${var.secret}\"").unwrap().has_sensitive());
        assert!(eval_with("var.secret == \"a\"").unwrap().has_sensitive());
    }

    #[test]
    fn errors_point_at_their_expression() {
        let e = eval_with("var.nope").unwrap_err();
        assert_eq!((e.kind, e.span), (EvalErrorKind::InvalidReference, Some(0..8)));
        let e = eval_with("upper(1, 2)").unwrap_err();
        assert_eq!(e.kind, EvalErrorKind::TooManyArguments);
        let e = eval_with("upper()").unwrap_err();
        assert_eq!(e.kind, EvalErrorKind::NotEnoughArguments);
        // An argument at fault is "Invalid function argument", a failure
        // of the whole call "Error in function call".
        let e = eval_with("jsondecode(\"{\")").unwrap_err();
        assert_eq!(e.kind, EvalErrorKind::FunctionFailed);
        assert_eq!(e.kind.summary(), "Error in function call");
        let e = eval_with("nosuch(1)").unwrap_err();
        assert_eq!((e.kind, e.span), (EvalErrorKind::UnknownFunction, Some(0..6)));
        let e = eval_with("lenght([1])").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean length?"));
        let e = eval_with("cidrsubnet(\"10.0.0.0/16\", \"x\", 1)").unwrap_err();
        assert_eq!(e.span, Some(26..29));
        let e = eval_with("var.names[5]").unwrap_err();
        assert!(e.message.contains("out of range"));
        let e = eval_with("var.names.x").unwrap_err();
        assert_eq!(
            e.help.as_deref(),
            Some("use [*].x for every element, or [0].x for the first")
        );
    }

    /// Builders that multiply their input stop at the size limits, with
    /// the error at the builder (see `lang::limits`).
    #[test]
    fn builders_stop_at_the_size_limits() {
        let too_many =
            "the result would hold more than 1000000 elements (nested ones counted), aksplan's limit for one value";
        let too_long = "the result would hold more than 64 MiB of text, aksplan's limit for one value";
        let cases = [
            // 10^8 elements asked for; the outer `for` stops at 10^6.
            (
                "[for a in range(1000) : [for b in range(1000) : [for c in range(100) : c]]]",
                too_many,
                Some(0..75),
            ),
            // A map of long keys.
            (
                r#"{for i in range(100) : format("%1000000d", i) => i}"#,
                too_long,
                Some(0..51),
            ),
            // Two elements of 600,000 each in one tuple, and in one object.
            (
                "[flatten([for i in range(600) : range(1000)]), flatten([for i in range(600) : range(1000)])]",
                too_many,
                Some(0..92),
            ),
            (
                "{a = flatten([for i in range(600) : range(1000)]), b = flatten([for i in range(600) : range(1000)])}",
                too_many,
                Some(55..99),
            ),
            // A template loop.
            (
                r#""%{ for i in range(100) }${format("%1000000d", i)}%{ endfor }""#,
                too_long,
                Some(27..49),
            ),
        ];
        for (src, message, span) in cases {
            let e = eval_standalone(src).unwrap_err();
            assert_eq!(
                (e.kind, e.message.as_str(), e.span),
                (EvalErrorKind::TooLarge, message, span),
                "{src}"
            );
            assert_eq!(e.kind.summary(), "Value too large");
        }
        // A call's arguments, copies each, together.
        let half = "flatten([for i in range(600) : range(1000)])";
        let e = eval_standalone(&format!("concat({half}, {half})")).unwrap_err();
        assert_eq!(e.kind, EvalErrorKind::TooLarge);
        assert_eq!(
            e.message,
            "the arguments of concat() would hold more than 1000000 elements (nested ones counted) together, past \
             aksplan's limit for one value"
        );
        assert_eq!(e.span, Some(53..97));
        // Just within the limit.
        assert_eq!(
            ok("length(flatten([for a in range(1000) : [for b in range(998) : b]]))"),
            n(998_000.0)
        );
    }

    #[test]
    fn try_and_can_catch_dynamic_errors_only() {
        assert_eq!(ok(r#"try({a = 1}.b, "fallback")"#), s("fallback"));
        assert_eq!(ok(r#"can([1][3])"#), Value::Bool(false));
        assert_eq!(ok(r#"can([1][0])"#), Value::Bool(true));
        assert!(eval_with("try(var.nope, 1)").is_err());
        // An unknown function is an error of evaluation in terraform: caught
        // (terraform 1.11: `can(nonexistent())` is false).
        assert_eq!(eval_with("can(nosuch())").unwrap(), Value::Bool(false));
        assert!(!eval_with("try(azurerm_x.id.principal_id, 1)").unwrap().is_known());
        assert!(eval_standalone("try([][0])")
            .unwrap_err()
            .message
            .contains("no expression succeeded"));
    }

    #[test]
    fn templatefile_renders_with_its_variables() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("t.tpl"),
            "%{ for n in names ~}\n${n}=${v}\n%{ endfor ~}\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("bad.tpl"), "${nope}").unwrap();
        let ctx = FuncContext {
            base_dir: dir.path().to_path_buf(),
            ..FuncContext::default()
        };
        let run = |src: &str| {
            let e = hcl_edit::parser::parse_expr(src).unwrap();
            Evaluator::new(&EmptyScope, &ctx).eval(&e)
        };
        assert_eq!(
            run(r#"templatefile("t.tpl", {names = ["a", "b"], v = 1})"#).unwrap(),
            s("a=1\nb=1\n")
        );
        assert!(run(r#"templatefile("bad.tpl", {})"#)
            .unwrap_err()
            .message
            .contains("bad.tpl:1"));
        assert!(run(r#"templatefile("missing.tpl", {})"#)
            .unwrap_err()
            .message
            .contains("no file exists at \"missing.tpl\""));
    }
}
