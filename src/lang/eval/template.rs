//! String templates and heredocs: interpolations, `%{ if }` and `%{ for }`
//! directives, strip markers.
//!
//! Strip markers (`${~ x ~}`, `%{~ if ~}`) work as HCL's parser applies
//! them, before evaluation: a `~` trims the white space of the literal text
//! next to it in the source, never of an interpolation's result. In a
//! heredoc or a template file, literal text is one piece per line, so a
//! marker trims at most to the end or start of its own line.

use super::{describe, too_large, EvalError, EvalErrorKind, Evaluator, Result};
use crate::lang::limits::{LimitError, MAX_TEXT};
use crate::lang::nfc;
use crate::lang::types::{convert, Type};
use crate::lang::value::Value;
use hcl_edit::expr::Expression;
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span as _;
use std::collections::HashMap;
use std::ops::Range;

/// The literal texts of a template after its strip markers, by the address
/// of their element (the template is borrowed for the whole rendering).
type Trimmed = HashMap<*const String, String>;

impl Evaluator<'_> {
    /// A quoted template: one that is a single interpolation yields the
    /// value itself (`"${[1]}"` is a tuple), as HCL's `TemplateWrapExpr`.
    pub(super) fn string_template(
        &mut self,
        t: &hcl_edit::template::StringTemplate,
        span: Option<Range<usize>>,
    ) -> Result<Value> {
        if let [Element::Interpolation(i)] = t.iter().collect::<Vec<_>>().as_slice() {
            return self.eval(&i.expr);
        }
        self.template(t, span)
    }

    pub(super) fn heredoc(&mut self, h: &hcl_edit::template::HeredocTemplate) -> Result<Value> {
        self.render_template(&h.template, true)
    }

    /// A template read from a file or a string (`templatefile`,
    /// `templatestring`): its literal text is scanned line by line, as a
    /// heredoc's.
    pub(super) fn bare_template(&mut self, t: &Template) -> Result<Value> {
        self.render_template(t, true)
    }

    pub(super) fn template(&mut self, t: &Template, _span: Option<Range<usize>>) -> Result<Value> {
        self.render_template(t, false)
    }

    fn render_template(&mut self, t: &Template, heredoc: bool) -> Result<Value> {
        let mut out = String::new();
        let mut state = TemplateState::default();
        let mut trimmed = Trimmed::new();
        strip(t, heredoc, &mut Strip::default(), &mut trimmed);
        self.render(t, &trimmed, &mut out, &mut state)?;
        Ok(if state.unknown {
            Value::Unknown(Type::String)
        } else {
            Value::String(nfc::nfc(out))
        }
        .mark_if(state.marked))
    }

    fn render(&mut self, t: &Template, trimmed: &Trimmed, out: &mut String, st: &mut TemplateState) -> Result<()> {
        for element in t.iter() {
            match element {
                Element::Literal(l) => {
                    let key: *const String = l.value();
                    out.push_str(trimmed.get(&key).map_or(l.value().as_str(), String::as_str));
                    // Literal text repeated by a `for` directive: the error
                    // falls back to the template's place.
                    limit(out, None)?;
                }
                Element::Interpolation(i) => {
                    let v = self.eval(&i.expr)?;
                    self.append(v, out, &i.expr, st)?;
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        let cond = self.eval(&d.if_expr.cond_expr)?;
                        st.marked |= cond.has_sensitive();
                        let cond = convert(cond.clone(), &Type::Bool).unwrap_or(cond);
                        let branch = match cond.inner() {
                            Value::Bool(b) => *b,
                            Value::Unknown(_) => {
                                st.unknown = true;
                                false
                            }
                            other => {
                                return Err(EvalError::new(
                                    EvalErrorKind::Condition,
                                    format!("the %{{ if }} condition must be a bool, but it is {}", describe(other)),
                                    d.if_expr.cond_expr.span(),
                                ))
                            }
                        };
                        if branch {
                            self.render(&d.if_expr.template, trimmed, out, st)?;
                        } else if let Some(e) = &d.else_expr {
                            self.render(&e.template, trimmed, out, st)?;
                        }
                    }
                    Directive::For(d) => {
                        let fe = &d.for_expr;
                        let (collection, marked) = self.eval(&fe.collection_expr)?.unmark_shallow();
                        st.marked |= marked;
                        let pairs: Vec<(Value, Value)> = match collection.into_pairs() {
                            Ok(pairs) => pairs,
                            Err(Value::Unknown(_)) => {
                                st.unknown = true;
                                Vec::new()
                            }
                            Err(other) => {
                                return Err(EvalError::new(
                                    EvalErrorKind::Iteration,
                                    format!("%{{ for }} needs a list, set or map, but this is {}", describe(&other)),
                                    fe.collection_expr.span(),
                                ))
                            }
                        };
                        for (k, v) in pairs {
                            let before = self.bound.len();
                            if let Some(kv) = &fe.key_var {
                                self.bound.push((kv.as_str().to_string(), k));
                            }
                            self.bound.push((fe.value_var.as_str().to_string(), v));
                            let r = self.render(&fe.template, trimmed, out, st);
                            self.bound.truncate(before);
                            r?;
                        }
                    }
                },
            }
        }
        Ok(())
    }

    fn append(&mut self, v: Value, out: &mut String, expr: &Expression, st: &mut TemplateState) -> Result<()> {
        let (v, marked) = v.unmark_deep();
        st.marked |= marked;
        match &v {
            Value::Unknown(_) => st.unknown = true,
            Value::Null(_) => {
                return Err(EvalError::new(
                    EvalErrorKind::Template,
                    "the expression's value is null, and a string template cannot include null",
                    expr.span(),
                ))
            }
            v => match v.to_template_string() {
                Some(s) => {
                    out.push_str(&s);
                    limit(out, expr.span())?;
                }
                None if !v.is_wholly_known() => st.unknown = true,
                None => {
                    return Err(EvalError::new(
                        EvalErrorKind::Template,
                        format!(
                            "a string template can include strings, numbers and bools, but this is {}",
                            describe(v)
                        ),
                        expr.span(),
                    )
                    .with_help("use join() for a list, or jsonencode() for any value"))
                }
            },
        }
        Ok(())
    }
}

/// The template's text so far must stay within [`MAX_TEXT`].
fn limit(out: &str, span: Option<Range<usize>>) -> Result<()> {
    if out.len() > MAX_TEXT {
        return Err(too_large(LimitError::Text, span));
    }
    Ok(())
}

#[derive(Default)]
struct TemplateState {
    unknown: bool,
    marked: bool,
}

/// Where the source-order walk of [`strip`] stands.
#[derive(Default)]
struct Strip<'t> {
    /// The literal just before, when the previous part was a literal.
    prev: Option<&'t String>,
    /// Whether the next literal's leading white space goes (`~}` before it).
    trim_next: bool,
}

/// Applies the strip markers of `t` to its literals, in source order, as
/// HCL's parser does: `~` before a sequence trims the end of the literal
/// part just before it, `~` after it the start of the literal part after
/// it. A heredoc's literal parts are single lines.
fn strip<'t>(t: &'t Template, heredoc: bool, at: &mut Strip<'t>, trimmed: &mut Trimmed) {
    for element in t.iter() {
        match element {
            Element::Literal(l) => {
                let key: *const String = l.value();
                if std::mem::take(&mut at.trim_next) {
                    let text = trimmed.get(&key).cloned().unwrap_or_else(|| l.value().clone());
                    trimmed.insert(key, trim_first_part(&text, heredoc));
                }
                at.prev = Some(l.value());
            }
            Element::Interpolation(i) => sequence(i.strip.strip_start(), i.strip.strip_end(), heredoc, at, trimmed),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    let s = &d.if_expr.strip;
                    sequence(s.strip_start(), s.strip_end(), heredoc, at, trimmed);
                    strip(&d.if_expr.template, heredoc, at, trimmed);
                    if let Some(e) = &d.else_expr {
                        sequence(e.strip.strip_start(), e.strip.strip_end(), heredoc, at, trimmed);
                        strip(&e.template, heredoc, at, trimmed);
                    }
                    let s = &d.endif_expr.strip;
                    sequence(s.strip_start(), s.strip_end(), heredoc, at, trimmed);
                }
                Directive::For(d) => {
                    let s = &d.for_expr.strip;
                    sequence(s.strip_start(), s.strip_end(), heredoc, at, trimmed);
                    strip(&d.for_expr.template, heredoc, at, trimmed);
                    let s = &d.endfor_expr.strip;
                    sequence(s.strip_start(), s.strip_end(), heredoc, at, trimmed);
                }
            },
        }
    }
}

/// An interpolation or directive sequence with its strip markers.
fn sequence(trim_before: bool, trim_after: bool, heredoc: bool, at: &mut Strip<'_>, trimmed: &mut Trimmed) {
    if let (true, Some(prev)) = (trim_before, at.prev) {
        let key: *const String = prev;
        let text = trimmed.get(&key).cloned().unwrap_or_else(|| prev.clone());
        trimmed.insert(key, trim_last_part(&text, heredoc));
    }
    at.prev = None;
    at.trim_next = trim_after;
}

/// White space trimmed from the start of the first part of a literal: the
/// whole literal, or in a heredoc its first line (newline included).
fn trim_first_part(text: &str, heredoc: bool) -> String {
    let end = if heredoc {
        text.find('\n').map_or(text.len(), |i| i + 1)
    } else {
        text.len()
    };
    let (first, rest) = text.split_at(end);
    format!("{}{rest}", first.trim_start())
}

/// White space trimmed from the end of the last part of a literal: the
/// whole literal, or in a heredoc its last line (with its newline when
/// the literal ends one).
fn trim_last_part(text: &str, heredoc: bool) -> String {
    let start = if heredoc {
        let body = text.strip_suffix('\n').unwrap_or(text);
        body.rfind('\n').map_or(0, |i| i + 1)
    } else {
        0
    };
    let (rest, last) = text.split_at(start);
    format!("{rest}{}", last.trim_end())
}

#[cfg(test)]
mod tests {
    use crate::lang::functions::test_support::{ok, s};

    // Expected values are terraform 1.11's console output.
    #[test]
    fn strip_markers_trim_literals_only() {
        assert_eq!(ok(r#""${"a "}${~ "b"}""#), s("a b"));
        assert_eq!(ok(r#""x  ${~ "b" ~}  y""#), s("xby"));
        assert_eq!(ok(r#""%{ if true ~}  a  %{~ endif }|""#), s("a|"));
    }

    #[test]
    fn strip_markers_in_heredocs_stop_at_their_line() {
        assert_eq!(ok("<<EOT\na  \n  ${~ \"b\" ~}  \n  c\nEOT"), s("a  \nb  c\n"));
        assert_eq!(
            ok("<<-EOT\n  %{~ for x in [1, 2] ~}\n    item ${x}\n  %{~ endfor ~}\n  EOT"),
            s("    item 1\n    item 2\n")
        );
    }
}
