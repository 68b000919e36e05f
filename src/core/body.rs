//! Evaluating a resource body into an object value, guided by its schema.
//!
//! Attributes are converted to their schema type (an error points at the
//! expression), nested blocks become lists (or sets) of objects, `dynamic`
//! blocks are expanded, and what the configuration leaves out becomes its
//! default, an unknown for computed attributes, or null.

use crate::config::parts_in;
use crate::diag::{Diagnostic, Diagnostics, FileId, Span};
use crate::lang::eval::describe;
use crate::lang::types::convert;
use crate::lang::value::Map;
use crate::lang::{Evaluator, Value};
use crate::schema::{BlockSchema, NestingMode};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::Span as _;

pub struct BodyEval<'e, 'a> {
    pub ev: &'e mut Evaluator<'a>,
    pub file: FileId,
    pub diags: &'e mut Diagnostics,
}

impl BodyEval<'_, '_> {
    fn span(&self, r: Option<std::ops::Range<usize>>) -> Span {
        Span::new(self.file, r.unwrap_or(0..0))
    }

    fn eval_error(&mut self, e: crate::lang::EvalError, fallback: Option<std::ops::Range<usize>>) {
        let mut d = Diagnostic::error(e.kind.summary())
            .with_detail(e.message)
            .with_span(self.span(e.span.or(fallback)));
        if let Some(h) = e.help {
            d = d.with_help(h);
        }
        self.diags.push(d);
    }

    /// The object a body describes. Errors are reported and the attribute
    /// concerned becomes unknown, so that evaluation goes on.
    pub fn object(&mut self, body: &Body, schema: &BlockSchema, path: &str) -> Value {
        self.parts(parts_in(body, self.file), schema, path)
    }

    /// The object of a body whose parts may be written in different files
    /// (an override file's replace some of a resource's).
    pub fn parts<'b>(
        &mut self,
        parts: impl Iterator<Item = (FileId, &'b Structure)>,
        schema: &BlockSchema,
        path: &str,
    ) -> Value {
        let mut out = Map::new();
        let mut blocks: indexmap::IndexMap<&str, Vec<(Option<String>, Value)>> = indexmap::IndexMap::new();
        // Attributes of a list or set of objects written as blocks.
        let mut as_blocks: indexmap::IndexMap<&str, Vec<Value>> = indexmap::IndexMap::new();
        let mut unknown_blocks: Vec<&str> = Vec::new();
        // Where each argument is written, for conflicts between them.
        let mut written: Vec<(&str, Span)> = Vec::new();
        for (file, s) in parts {
            self.file = file;
            match s {
                Structure::Attribute(a) => {
                    let Some(attr) = schema.attributes.get(a.key.as_str()) else {
                        continue;
                    };
                    written.push((a.key.as_str(), self.span(a.key.span())));
                    let value = match self.ev.eval(&a.value) {
                        Ok(v) => v,
                        Err(e) => {
                            self.eval_error(e, a.value.span());
                            Value::unknown()
                        }
                    };
                    let value = match convert(value, &attr.ty) {
                        Ok(v) => v,
                        Err(e) => {
                            self.diags.push(
                                Diagnostic::error("Incorrect attribute value type")
                                    .with_detail(format!("{path}{}: {e}", a.key.as_str()))
                                    .with_span(self.span(a.value.span())),
                            );
                            Value::unknown()
                        }
                    };
                    if crate::lang::limits::holds_infinity(&value) {
                        self.diags.push(infinite(
                            &format!("{path}{}", a.key.as_str()),
                            self.span(a.value.span()),
                        ));
                    }
                    if let Some(bad) = attr.allowed.as_ref().and_then(|al| super::allowed::check(al, &value)) {
                        self.not_allowed(bad, &format!("{path}{}", a.key.as_str()), a.value.span(), &value);
                    }
                    out.insert(a.key.as_str().to_string(), value.mark_if(attr.sensitive));
                }
                Structure::Block(b) if b.ident.as_str() == "dynamic" => {
                    let Some(name) = b.labels.first().map(|l| l.as_str()) else {
                        continue;
                    };
                    let Some((key, nested)) = schema.block_types.get_key_value(name) else {
                        if let Some((key, fields)) = schema.attribute_as_blocks(name) {
                            match self.dynamic(b, name, &fields, &format!("{path}{name}.")) {
                                Some(items) => as_blocks.entry(key).or_default().extend(items),
                                None => unknown_blocks.push(key),
                            }
                        }
                        continue;
                    };
                    match self.dynamic(b, name, &nested.block, &format!("{path}{name}.")) {
                        Some(items) => blocks
                            .entry(key.as_str())
                            .or_default()
                            .extend(items.into_iter().map(|v| (None, v))),
                        None => unknown_blocks.push(key.as_str()),
                    }
                }
                Structure::Block(b) => {
                    let Some((key, nested)) = schema.block_types.get_key_value(b.ident.as_str()) else {
                        if let Some((key, fields)) = schema.attribute_as_blocks(b.ident.as_str()) {
                            let v = self.object(&b.body, &fields, &format!("{path}{key}."));
                            as_blocks.entry(key).or_default().push(v);
                        }
                        continue;
                    };
                    let v = self.object(&b.body, &nested.block, &format!("{path}{key}."));
                    let label = b.labels.first().map(|l| l.as_str().to_string());
                    blocks.entry(key.as_str()).or_default().push((label, v));
                }
            }
        }
        for (name, items) in as_blocks {
            let attr = &schema.attributes[name];
            let value = match convert(Value::Tuple(items), &attr.ty) {
                Ok(v) => v,
                Err(_) => Value::Unknown(attr.ty.clone()),
            };
            out.insert(name.to_string(), value.mark_if(attr.sensitive));
        }
        self.conflicts(&out, &written, schema, path);
        // What the configuration leaves out is its default, or null: the
        // provider decides what a null computed attribute becomes.
        for (name, attr) in &schema.attributes {
            if !out.contains_key(name) {
                let v = attr.default.clone().unwrap_or_else(|| Value::Null(attr.ty.clone()));
                let mark = attr.sensitive && !v.is_null();
                out.insert(name.clone(), v.mark_if(mark));
            }
        }
        for (name, nested) in &schema.block_types {
            let v = if unknown_blocks.contains(&name.as_str()) {
                Value::Unknown(nested.collection_type())
            } else {
                let items = blocks.shift_remove(name.as_str()).unwrap_or_default();
                let ty = nested.block.object_type().clone();
                let mut values = items.iter().map(|(_, v)| v.clone());
                match nested.nesting {
                    NestingMode::List => Value::List(ty, values.collect()),
                    NestingMode::Set => Value::set_of(ty, values.collect()),
                    NestingMode::Single => values.next().unwrap_or(Value::Null(ty)),
                    NestingMode::Group => values
                        .next()
                        .unwrap_or_else(|| self.parts(std::iter::empty(), &nested.block, &format!("{path}{name}."))),
                    NestingMode::Map => Value::Map(
                        ty,
                        items
                            .into_iter()
                            .map(|(label, v)| (label.unwrap_or_default(), v))
                            .collect(),
                    ),
                }
            };
            out.insert(name.clone(), v);
        }
        Value::Object(out)
    }

    /// Arguments that cannot be set together, as the azurerm provider checks
    /// them: both set to a value other than null (an unknown one may still
    /// be null, and is let through).
    fn conflicts(&mut self, out: &Map, written: &[(&str, Span)], schema: &BlockSchema, path: &str) {
        let set = |name: &str| out.get(name).is_some_and(|v| v.is_known() && !v.is_null());
        for (i, (name, at)) in written.iter().enumerate() {
            let conflicts = &schema.attributes[*name].conflicts_with;
            let other = written[..i]
                .iter()
                .find(|(n, _)| conflicts.iter().any(|c| c == n) && set(n) && set(name));
            if let Some((other, other_at)) = other {
                self.diags.push(
                    Diagnostic::error("Conflicting arguments")
                        .with_detail(format!("{path}{name} cannot be set together with {path}{other}"))
                        .with_span(*at)
                        .with_label(*other_at, format!("{other} is set here")),
                );
            }
        }
    }

    /// A value the provider does not accept, at the value; a secret is not
    /// repeated.
    fn not_allowed(
        &mut self,
        bad: super::allowed::NotAllowed,
        name: &str,
        at: Option<std::ops::Range<usize>>,
        value: &Value,
    ) {
        let shown = if value.has_sensitive() {
            "(sensitive value)".to_string()
        } else {
            format!("{:?}", bad.value)
        };
        let mut d = Diagnostic::error("Invalid value")
            .with_detail(format!("{name} must be {}, not {shown}", bad.valid))
            .with_span(self.span(at));
        if let Some(s) = bad.suggestion.filter(|_| !value.has_sensitive()) {
            d = d.with_help(format!("did you mean {s:?}?"));
        }
        self.diags.push(d);
    }

    /// Expands `dynamic "name" { for_each, iterator, content {} }`; `None` when
    /// for_each is unknown.
    fn dynamic(&mut self, b: &Block, name: &str, schema: &BlockSchema, path: &str) -> Option<Vec<Value>> {
        let for_each = b.body.get_attribute("for_each")?;
        let iterator = match b.body.get_attribute("iterator").map(|a| &a.value) {
            Some(hcl_edit::expr::Expression::Variable(v)) => v.as_str().to_string(),
            _ => name.to_string(),
        };
        let content = b.body.get_blocks("content").next()?;
        let collection = match self.ev.eval(&for_each.value) {
            Ok(v) => v,
            Err(e) => {
                self.eval_error(e, for_each.value.span());
                return None;
            }
        };
        let (collection, marked) = collection.unmark_shallow();
        let pairs: Vec<(Value, Value)> = match collection.into_pairs() {
            Ok(pairs) => pairs,
            Err(Value::Unknown(_)) => return None,
            Err(Value::Null(_)) => Vec::new(),
            Err(other) => {
                self.diags.push(
                    Diagnostic::error("Invalid dynamic for_each value")
                        .with_detail(format!(
                            "dynamic {name:?} needs a list, set or map, not {}",
                            describe(&other)
                        ))
                        .with_span(self.span(for_each.value.span())),
                );
                return Some(Vec::new());
            }
        };
        let mut out = Vec::with_capacity(pairs.len());
        for (key, value) in pairs {
            let it = Value::Object(Map::from([("key".to_string(), key), ("value".to_string(), value)])).mark_if(marked);
            self.ev.bind(iterator.clone(), it);
            let v = self.object(&content.body, schema, path);
            self.ev.unbind();
            out.push(v);
        }
        Some(out)
    }
}

/// An infinite number where a value is kept in state: Terraform fails to
/// save it ("cannot serialize infinity as JSON"), and a null in its place
/// would show a change on every plan. The value itself is not repeated (it
/// may be sensitive).
pub fn infinite(name: &str, at: Span) -> Diagnostic {
    Diagnostic::error("Number out of range")
        .with_detail(format!(
            "{name} holds an infinite number, which cannot be stored in state"
        ))
        .with_span(at)
        .with_help("an overflow gives infinity (pow(10, 400), say), and so does a division by zero")
}

/// The value a resource has before anything is planned: its configuration,
/// with every computed attribute it leaves null unknown.
pub fn unknown_computed(schema: &BlockSchema, value: Value) -> Value {
    let Value::Object(mut m) = value else { return value };
    for (name, attr) in &schema.attributes {
        if attr.computed && m.get(name).is_none_or(Value::is_null) {
            m.insert(name.clone(), Value::Unknown(attr.ty.clone()));
        }
    }
    for (name, nested) in &schema.block_types {
        if let Some(Value::List(_, items) | Value::Set(_, items)) = m.get_mut(name) {
            for item in items.iter_mut() {
                *item = unknown_computed(&nested.block, std::mem::take(item));
            }
        }
    }
    Value::Object(m)
}
