//! `templatefile(path, vars)` and `templatestring(ref, vars)`: templates
//! read at evaluation time and rendered with their own variables, as
//! terraform's `MakeTemplateFileFunc` and `MakeTemplateStringFunc` do.
//!
//! The variables must be a map or an object whose keys are identifiers,
//! and must name every root the template refers to (checked before
//! rendering). A template that is one interpolation gives its value as it
//! is (`${items}` can be a list) for `templatefile`; `templatestring`
//! converts its result to a string. Inside a template neither function can
//! be called, and a `templatestring` template cannot read files.
//! `templatestring` takes only a reference to a string defined elsewhere
//! (`local.t`, `var.t`, `local.m["k"]`), never a literal template.

use super::{EmptyScope, EvalError, EvalErrorKind, Evaluator, Result};
use crate::lang::functions;
use crate::lang::refs::template_roots;
use crate::lang::types::{convert, Type};
use crate::lang::value::{Map, Value};
use hcl_edit::expr::Expression;
use hcl_edit::template::{Element, Template};
use hcl_edit::Span as _;
use std::ops::Range;

/// Functions that read files: a `templatestring` template cannot call them.
const FILESYSTEM_FUNCTIONS: &[&str] = &[
    "file",
    "fileexists",
    "fileset",
    "filebase64",
    "filebase64sha256",
    "filebase64sha512",
    "filemd5",
    "filesha1",
    "filesha256",
    "filesha512",
    "templatefile",
];

/// What rendering inside a template function may not do.
#[derive(Debug, Clone, Copy)]
pub(super) struct InTemplate {
    /// The template function being rendered, which neither it nor the
    /// other may call again.
    function: &'static str,
    /// Whether the file functions are refused (`templatestring`).
    no_files: bool,
}

impl Evaluator<'_> {
    /// The error of calling `name` where the template being rendered
    /// forbids it.
    pub(super) fn refused_here(&self, name: &str, span: Option<Range<usize>>) -> Option<EvalError> {
        let inside = self.in_template?;
        let plain = name.strip_prefix("core::").unwrap_or(name);
        let message = if matches!(plain, "templatefile" | "templatestring") {
            format!(
                "{plain}(): cannot recursively call {plain} from inside another template function (rendering {})",
                inside.function
            )
        } else if inside.no_files && FILESYSTEM_FUNCTIONS.contains(&plain) {
            format!(
                "{plain}(): cannot use filesystem access functions like {plain} in templatestring templates; \
                 consider passing the function result as a template variable instead"
            )
        } else {
            return None;
        };
        Some(EvalError::new(EvalErrorKind::FunctionFailed, message, span))
    }

    pub(super) fn call_templatefile(&mut self, args: &[&Expression], span: Option<Range<usize>>) -> Result<Value> {
        let [path_expr, vars_expr] = two_args("templatefile", args, span.clone())?;
        let arg = |m: String, s: Option<Range<usize>>| EvalError::new(EvalErrorKind::FunctionCall, m, s);
        let path = self.eval(path_expr);
        let vars = self.eval(vars_expr);
        let (path, path_marked) = path?.unmark_shallow();
        let (vars, vars_marked) = vars?.unmark_deep();
        let marked = path_marked || vars_marked;
        if path.is_null() {
            return Err(arg(
                "templatefile(): argument \"path\" must not be null".into(),
                path_expr.span(),
            ));
        }
        if vars.is_null() {
            return Err(arg(
                "templatefile(): argument \"vars\" must not be null".into(),
                vars_expr.span(),
            ));
        }
        let path = convert(path, &Type::String).map_err(|e| arg(format!("templatefile(): {e}"), path_expr.span()))?;
        let (Value::String(path), true) = (path, vars.is_known()) else {
            return Ok(Value::unknown().mark_if(marked));
        };
        let text = functions::read_template(self.ctx, &path).map_err(|e| {
            let kind = if e.arg.is_some() {
                EvalErrorKind::FunctionCall
            } else {
                EvalErrorKind::FunctionFailed
            };
            EvalError::new(kind, format!("templatefile(): {}", e.message), path_expr.span())
        })?;
        let template = parse(&text, &path).map_err(|m| {
            EvalError::new(
                EvalErrorKind::FunctionFailed,
                format!("templatefile(): {m}"),
                span.clone(),
            )
        })?;
        let inside = InTemplate {
            function: "templatefile",
            no_files: false,
        };
        let result = self.render_dynamic(&template, &text, &path, vars, inside, vars_expr, span)?;
        Ok(result.mark_if(marked))
    }

    pub(super) fn call_templatestring(&mut self, args: &[&Expression], span: Option<Range<usize>>) -> Result<Value> {
        let [template_expr, vars_expr] = two_args("templatestring", args, span.clone())?;
        let arg0 = |m: &str| {
            EvalError::new(
                EvalErrorKind::FunctionCall,
                format!("templatestring(): {m}"),
                template_expr.span(),
            )
        };
        if let Some(why) = not_a_reference(template_expr) {
            return Err(arg0(why));
        }
        let template = self.eval(template_expr).map_err(|e| match e.kind {
            k if k.is_static() => e,
            _ => arg0(&format!("invalid template expression: {}", e.message)),
        })?;
        let vars = self.eval(vars_expr)?;
        if vars.is_null() {
            return Err(EvalError::new(
                EvalErrorKind::FunctionCall,
                "templatestring(): argument \"vars\" must not be null",
                vars_expr.span(),
            ));
        }
        let (vars, vars_marked) = vars.unmark_deep();
        if !vars.is_known() || !template.is_known() {
            return Ok(Value::Unknown(Type::String).mark_if(vars_marked));
        }
        let (template, template_marked) = template.unmark_shallow();
        let Value::String(text) = template else {
            return Err(arg0("invalid template value: a string is required"));
        };
        let source = "<templatestring argument>";
        let parsed = parse(&text, source).map_err(|m| arg0(&format!("invalid template: {m}")))?;
        let inside = InTemplate {
            function: "templatestring",
            no_files: true,
        };
        let result = self.render_dynamic(&parsed, &text, source, vars, inside, vars_expr, span.clone())?;
        let result = match convert(result, &Type::String) {
            Ok(v) => v,
            Err(e) => {
                return Err(EvalError::new(
                    EvalErrorKind::FunctionFailed,
                    format!("templatestring(): invalid template result: {e}"),
                    span,
                ))
            }
        };
        Ok(result.mark_if(vars_marked || template_marked))
    }

    /// Renders a template read at evaluation time with `vars` as its only
    /// names. A template that is a single interpolation gives its value
    /// unconverted.
    #[allow(clippy::too_many_arguments)]
    fn render_dynamic(
        &mut self,
        template: &Template,
        text: &str,
        source: &str,
        vars: Value,
        inside: InTemplate,
        vars_expr: &Expression,
        span: Option<Range<usize>>,
    ) -> Result<Value> {
        let name = inside.function;
        let bad_vars =
            |m: String| EvalError::new(EvalErrorKind::FunctionCall, format!("{name}(): {m}"), vars_expr.span());
        let vars: Map = match vars {
            Value::Map(_, m) | Value::Object(m) => m,
            _ => return Err(bad_vars("invalid vars value: must be a map".into())),
        };
        if let Some(k) = vars.keys().find(|k| !crate::addrs::is_identifier(k)) {
            return Err(bad_vars(format!(
                "invalid template variable name {k:?}: must start with a letter, followed by zero or more \
                 letters, digits, and underscores"
            )));
        }
        if let Some((root, at)) = template_roots(template)
            .into_iter()
            .find(|(r, _)| !vars.contains_key(r))
        {
            return Err(bad_vars(format!(
                "vars map does not contain key {root:?}, referenced at {}",
                position(text, source, &at)
            )));
        }
        let mut inner = Evaluator::new(&EmptyScope, self.ctx);
        inner.in_template = Some(inside);
        inner.bound = vars.into_iter().collect();
        let elements: Vec<&Element> = template.iter().collect();
        let rendered = match elements.as_slice() {
            [Element::Interpolation(i)] => inner.eval(&i.expr),
            _ => inner.bare_template(template),
        };
        let failed = |e: EvalError| {
            let at = e
                .span
                .as_ref()
                .map(|s| format!("{}: ", position(text, source, s)))
                .unwrap_or_default();
            EvalError::new(
                EvalErrorKind::FunctionFailed,
                format!("{name}(): {at}{}: {}", e.kind.summary(), e.message),
                span.clone(),
            )
        };
        let value = rendered.map_err(failed)?;
        if value.is_null() {
            return Err(EvalError::new(
                EvalErrorKind::FunctionFailed,
                format!(
                    "{name}(): {}: Template result is null: the result of the template is null, which is not a \
                     valid result for a {name} call",
                    source
                ),
                span,
            ));
        }
        Ok(value)
    }
}

/// The two arguments of a template function, or its arity error.
fn two_args<'e>(name: &str, args: &[&'e Expression], span: Option<Range<usize>>) -> Result<[&'e Expression; 2]> {
    match args {
        [a, b] => Ok([a, b]),
        _ => {
            let e = functions::arity(name, 2, false, args.len()).expect("not two arguments");
            let kind = if e.too_many {
                EvalErrorKind::TooManyArguments
            } else {
                EvalErrorKind::NotEnoughArguments
            };
            Err(EvalError::new(kind, e.message, span))
        }
    }
}

/// Why `templatestring` refuses its first argument's expression: it must be
/// a reference to a string from elsewhere, not a template written in place.
fn not_a_reference(e: &Expression) -> Option<&'static str> {
    const WRAP: &str = "invalid template expression: templatestring is only for rendering templates retrieved \
                        dynamically from elsewhere; to treat the inner expression as template syntax, write the \
                        reference expression directly without any template interpolation syntax";
    const LITERAL: &str = "invalid template expression: templatestring is only for rendering templates retrieved \
                           dynamically from elsewhere, and so does not support providing a literal template; \
                           consider using a template string expression instead";
    const INLINE: &str = "invalid template expression: templatestring is only for rendering templates retrieved \
                          dynamically from elsewhere; to render an inline template, consider using a plain \
                          template string expression";
    const NOT_REF: &str = "invalid template expression: must be a direct reference to a single string from \
                           elsewhere, containing valid Terraform template syntax";
    let only_literal = |t: &Template| matches!(t.iter().collect::<Vec<_>>().as_slice(), [Element::Literal(_)]);
    match e {
        Expression::String(_) => Some(LITERAL),
        Expression::StringTemplate(t) => match t.iter().collect::<Vec<_>>().as_slice() {
            [Element::Interpolation(_)] => Some(WRAP),
            _ => Some(INLINE),
        },
        Expression::HeredocTemplate(h) if only_literal(&h.template) => Some(LITERAL),
        Expression::HeredocTemplate(_) => Some(INLINE),
        Expression::Variable(_) => None,
        Expression::Traversal(t) => not_a_reference(&t.expr).map(|_| NOT_REF),
        _ => Some(NOT_REF),
    }
}

/// Parses a template read at evaluation time; the error says where.
fn parse(text: &str, source: &str) -> std::result::Result<Template, String> {
    hcl_edit::parser::parse_template(text).map_err(|e| {
        format!(
            "{source}:{},{}: {}",
            e.location().line(),
            e.location().column(),
            e.message()
        )
    })
}

/// `source:line,column` of a byte span of the template's text.
fn position(text: &str, source: &str, span: &Range<usize>) -> String {
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{source}:{line},{column}")
}
