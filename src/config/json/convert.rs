//! A parsed `.tf.json` document to HCL native syntax, the way terraform reads
//! the JSON: bodies by the schema of their block ([`kinds`]), labels as
//! nested objects, strings as templates, verbatim text or references
//! depending on where they stand.
//!
//! Problems terraform reports while reading the JSON structure (a key that
//! is no argument or block, a value of the wrong JSON type, a duplicate
//! argument) are reported here with terraform's words, at a comment line
//! that stands for their place in the JSON. Everything HCL would report
//! itself is left to the loader, which sees the converted text.

use super::kinds::{self, Block, Body, Member, Mode, Rest, Target};
use super::parse::{self, Node, Str, Value};
use super::template::{parts, Part};
use super::writer::{StrMode, Writer};
use crate::diag::{Diagnostic, FileId, Span};
use std::ops::Range;

/// A problem found inside a value, reported once its argument is written.
struct Pending {
    summary: &'static str,
    detail: String,
    at: Range<usize>,
}

struct Converter<'a> {
    json: &'a str,
    schemas: &'a dyn crate::schema::SchemaSource,
    name: &'a str,
    file: FileId,
    depth: usize,
    diags: Vec<Diagnostic>,
}

/// Converts a parsed `.tf.json` document; `name` is the file's display
/// name, for details that cite a place.
pub fn convert(
    json: &str,
    name: &str,
    file: FileId,
    root: &Node,
    schemas: &dyn crate::schema::SchemaSource,
) -> (Writer, Vec<Diagnostic>) {
    let mut c = Converter {
        json,
        schemas,
        name,
        file,
        depth: 0,
        diags: Vec::new(),
    };
    let mut w = Writer::default();
    match root.value {
        Value::Object(_) | Value::Array(_) => c.body(&mut w, Body::Table(&kinds::FILE), root),
        _ => {
            c.report(
                &mut w,
                "Root value must be object",
                "The root value in a JSON-based configuration must be either a JSON object or a JSON array of objects.",
                first_token(root),
            );
        }
    }
    (w, c.diags)
}

/// The first token of a value: where terraform points at a value of the wrong type.
fn first_token(node: &Node) -> Range<usize> {
    match node.value {
        Value::Object(_) | Value::Array(_) => node.range.start..node.range.start + 1,
        _ => node.range.clone(),
    }
}

impl<'a> Converter<'a> {
    fn indent(&self, w: &mut Writer) {
        w.text(&"  ".repeat(self.depth));
    }

    /// Reports an error at `at` in the JSON, through a comment line written now.
    fn report(
        &mut self,
        w: &mut Writer,
        summary: &str,
        detail: impl Into<String>,
        at: Range<usize>,
    ) -> &mut Diagnostic {
        self.indent(w);
        let range = w.anchor(self.json, at);
        let span = Span::new(self.file, range);
        self.diags
            .push(Diagnostic::error(summary).with_detail(detail).with_span(span));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    /// `name:line,column-column`, as terraform cites a place in a detail.
    fn cite(&self, r: Range<usize>) -> String {
        let pos = |at: usize| {
            let before = &self.json[..at.min(self.json.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (line, column)
        };
        let ((l1, c1), (l2, c2)) = (pos(r.start), pos(r.end));
        if l1 == l2 {
            format!("{}:{l1},{c1}-{c2}", self.name)
        } else {
            format!("{}:{l1},{c1}-{l2},{c2}", self.name)
        }
    }

    /// The properties of a body or of a label level: one object, or an
    /// array of objects read one after the other.
    fn members<'n>(&mut self, w: &mut Writer, node: &'n Node, label: Option<&str>) -> Vec<&'n parse::Member> {
        let what = match label {
            Some(l) => format!("to specify {l} labels for this block"),
            None => "to define arguments and child blocks".to_string(),
        };
        match &node.value {
            Value::Null => Vec::new(),
            Value::Object(ms) => ms.iter().collect(),
            Value::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match &item.value {
                        Value::Object(ms) => out.extend(ms.iter()),
                        _ => {
                            self.report(
                                w,
                                "Incorrect JSON value type",
                                format!("A JSON object is required here, {what}."),
                                first_token(item),
                            );
                        }
                    }
                }
                out
            }
            _ => {
                self.report(
                    w,
                    "Incorrect JSON value type",
                    format!("Either a JSON object or JSON array of objects is required here, {what}."),
                    first_token(node),
                );
                Vec::new()
            }
        }
    }

    fn body(&mut self, w: &mut Writer, kind: Body<'a>, node: &Node) {
        let just = matches!(kind, Body::Table(t) if t.just_attributes);
        let members = if just {
            match &node.value {
                Value::Object(ms) => ms.iter().collect(),
                _ => {
                    self.report(
                        w,
                        "Incorrect JSON value type",
                        "A JSON object is required here, setting the arguments for this block.",
                        first_token(node),
                    );
                    Vec::new()
                }
            }
        } else {
            self.members(w, node, None)
        };
        // Arguments set so far: name, its JSON range, where its key was written.
        let mut set: Vec<(&str, Range<usize>, Span)> = Vec::new();
        for m in members {
            let key = m.key.value.as_str();
            // `"//"` is a comment wherever an object is a body.
            if key == "//" {
                continue;
            }
            let listed = kind.member(key);
            let member = listed.or(match kind.rest() {
                Rest::Extraneous => None,
                Rest::Attrs(mode) => Some(Member::Attr(mode)),
                Rest::BlocksOrAttrs => Some(match m.value.value {
                    Value::Object(_) | Value::Array(_) => Member::Block(Block {
                        labels: &[],
                        body: Target::Fixed(Body::Table(&kinds::SETTINGS)),
                    }),
                    _ => Member::Attr(Mode::Expr),
                }),
            });
            match member {
                None => {
                    let names: Vec<&str> = set.iter().map(|(n, _, _)| *n).collect();
                    let hint = crate::lang::eval::suggest(key, kind.names(&names).into_iter())
                        .map(|s| format!(" Did you mean {s:?}?"))
                        .unwrap_or_default();
                    self.report(
                        w,
                        "Extraneous JSON object property",
                        format!("No argument or block type is named {key:?}.{hint}"),
                        m.key.range.clone(),
                    );
                }
                Some(Member::Block(b)) => self.block(w, &m.key, b, &m.value),
                Some(Member::Attr(mode)) => {
                    if let Some((_, first, first_key)) = set.iter().find(|(n, _, _)| *n == key) {
                        let summary = if just {
                            "Duplicate attribute definition"
                        } else {
                            "Duplicate argument"
                        };
                        let detail = format!("The argument {key:?} was already set at {}.", self.cite(first.clone()));
                        let first_key = *first_key;
                        self.report(w, summary, detail, m.key.range.clone())
                            .labels
                            .push(crate::diag::Label {
                                span: first_key,
                                message: "first set here".into(),
                            });
                        continue;
                    }
                    if listed.is_none() && hcl_edit::Ident::try_new(key).is_err() {
                        let summary = if matches!(kind, Body::Table(t) if std::ptr::eq(t, &kinds::LOCALS)) {
                            "Invalid local value name"
                        } else {
                            "Invalid argument name"
                        };
                        self.report(
                            w,
                            summary,
                            "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.",
                            m.key.range.clone(),
                        );
                        continue;
                    }
                    let key_span = self.attribute(w, m, mode);
                    set.push((key, m.key.range.start..m.value.range.end, key_span));
                }
            }
        }
    }

    /// Writes `key = value` and returns where the key was written.
    fn attribute(&mut self, w: &mut Writer, m: &parse::Member, mode: Mode) -> Span {
        let mut value = Writer::default();
        let mut pending = Vec::new();
        self.expr(&mut value, &m.value, mode, &mut pending);
        for p in pending {
            self.report(w, p.summary, p.detail, p.at);
        }
        self.indent(w);
        let start = w.pos();
        w.mapped(&m.key.value, m.key.range.clone());
        let key = Span::new(self.file, start..w.pos());
        w.text(" = ");
        w.append(value);
        w.text("\n");
        key
    }

    fn block(&mut self, w: &mut Writer, key: &Str, b: Block<'a>, node: &Node) {
        let mut labels = Vec::new();
        self.labelled(w, key, b, node, &mut labels);
    }

    /// Peels one label level per nesting of objects, then writes the block
    /// (or the blocks, for an array) found under the labels.
    fn labelled<'n>(&mut self, w: &mut Writer, key: &Str, b: Block<'a>, node: &'n Node, labels: &mut Vec<&'n Str>) {
        if let Some(label) = b.labels.get(labels.len()) {
            let members = self.members(w, node, Some(label));
            if members.is_empty() {
                self.report(
                    w,
                    "Missing block label",
                    format!(
                        "At least one object property is required, whose name represents the {} block's {label}.",
                        key.value
                    ),
                    first_token(node),
                );
            }
            for m in members {
                labels.push(&m.key);
                self.labelled(w, key, b, &m.value, labels);
                labels.pop();
            }
            return;
        }
        match &node.value {
            Value::Null => {}
            Value::Object(_) => self.one_block(w, key, b, labels, node),
            Value::Array(items) => {
                for item in items {
                    self.one_block(w, key, b, labels, item);
                }
            }
            _ => {
                self.report(
                    w,
                    "Incorrect JSON value type",
                    format!(
                        "Either a JSON object or a JSON array is required, representing the contents of one or more {:?} blocks.",
                        key.value
                    ),
                    first_token(node),
                );
            }
        }
    }

    fn one_block(&mut self, w: &mut Writer, key: &Str, b: Block<'a>, labels: &[&Str], node: &Node) {
        let values: Vec<String> = labels.iter().map(|l| l.value.clone()).collect();
        let body = b.body.body(&values, self.schemas);
        self.indent(w);
        // A labelled block's header stands on its last label, which names it
        // and usually shares its line; an unlabelled one on its type.
        let header = labels.last().map_or(key.range.clone(), |l| l.range.clone());
        w.mapped(&key.value, header);
        for l in labels {
            w.text(" ");
            w.string(l, StrMode::Verbatim);
        }
        w.text(" ");
        w.mapped("{", node.range.start..node.range.start + 1);
        w.text("\n");
        self.depth += 1;
        self.body(w, body, node);
        self.depth -= 1;
        self.indent(w);
        w.mapped("}", node.range.end.saturating_sub(1)..node.range.end);
        w.text("\n");
    }

    /// Writes a value as an HCL expression, read the way `mode` says.
    fn expr(&self, w: &mut Writer, node: &Node, mode: Mode, pending: &mut Vec<Pending>) {
        match (mode, &node.value) {
            (Mode::Raw | Mode::RawList, Value::String(s)) => raw(w, s),
            (Mode::RawList, Value::Array(items)) => self.array(w, node, items, Mode::Raw, pending),
            (Mode::RawMap, Value::Object(ms)) => self.object(w, node, ms, Mode::Raw, pending),
            (Mode::RequiredProvider, Value::Object(ms)) => self.object(w, node, ms, Mode::RequiredProvider, pending),
            (Mode::Bool, Value::String(s)) if s.value == "true" || s.value == "false" => {
                w.mapped(&s.value, s.range.clone())
            }
            (Mode::Literal | Mode::Bool | Mode::RequiredProvider, _) => self.plain(w, node, Mode::Literal, pending),
            _ => self.plain(w, node, Mode::Expr, pending),
        }
    }

    /// A value whose strings are all templates (`Expr`) or all verbatim (`Literal`).
    fn plain(&self, w: &mut Writer, node: &Node, mode: Mode, pending: &mut Vec<Pending>) {
        match &node.value {
            Value::String(s) if mode == Mode::Literal => w.string(s, StrMode::Verbatim),
            Value::String(s) => template(self.json, w, s, pending),
            Value::Number(n) => w.mapped(n, node.range.clone()),
            Value::Bool(b) => w.mapped(if *b { "true" } else { "false" }, node.range.clone()),
            Value::Null => w.mapped("null", node.range.clone()),
            Value::Array(items) => self.array(w, node, items, mode, pending),
            Value::Object(ms) => self.object(w, node, ms, mode, pending),
        }
    }

    fn array(&self, w: &mut Writer, node: &Node, items: &[Node], mode: Mode, pending: &mut Vec<Pending>) {
        w.mapped("[", node.range.start..node.range.start + 1);
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                w.text(", ");
            }
            self.expr(w, item, mode, pending);
        }
        w.mapped("]", node.range.end - 1..node.range.end);
    }

    /// An object expression. In `Raw` mode keys and values are references
    /// (a module's `providers`); a `RequiredProvider` object is verbatim but
    /// for its `configuration_aliases`.
    fn object(&self, w: &mut Writer, node: &Node, ms: &[parse::Member], mode: Mode, pending: &mut Vec<Pending>) {
        w.mapped("{", node.range.start..node.range.start + 1);
        for (i, m) in ms.iter().enumerate() {
            if i > 0 {
                w.text(", ");
            }
            let value_mode = match mode {
                Mode::Expr => {
                    template(self.json, w, &m.key, pending);
                    Mode::Expr
                }
                Mode::Raw => {
                    raw(w, &m.key);
                    Mode::Raw
                }
                Mode::RequiredProvider => {
                    w.string(&m.key, StrMode::Verbatim);
                    if m.key.value == "configuration_aliases" {
                        Mode::RawList
                    } else {
                        Mode::Literal
                    }
                }
                _ => {
                    w.string(&m.key, StrMode::Verbatim);
                    Mode::Literal
                }
            };
            w.text(" = ");
            self.expr(w, &m.value, value_mode, pending);
        }
        w.mapped("}", node.range.end - 1..node.range.end);
    }
}

/// A string read as a template. One that HCL cannot parse is reported and
/// written verbatim instead, so the rest of the file still loads.
fn template(json: &str, w: &mut Writer, s: &Str, pending: &mut Vec<Pending>) {
    let start = w.pos();
    let parts = parts(&s.value);
    w.string(s, StrMode::Template);
    let unclosed = parts.iter().find_map(|p| match p {
        Part::Unclosed(r) if s.value[r.clone()].starts_with('$') => Some(r.start),
        _ => None,
    });
    if let Some(at) = unclosed {
        // Where terraform reports it: at the `${` that is never closed.
        pending.push(Pending {
            summary: "Unclosed template interpolation sequence",
            detail: "There is no closing brace for this interpolation sequence before the end of the file. This might be caused by incorrect nesting inside the given expression.".into(),
            at: s.written_at(at)..s.written_at(at + 1) + 1,
        });
    } else if parts.iter().any(|p| !matches!(p, Part::Literal(_))) {
        let Err(e) = hcl_edit::parser::parse_expr(&w.out[start..]) else {
            return;
        };
        let origin = w.origin(start + e.location().offset()).unwrap_or(s.range.end - 1);
        let len = json[origin..].chars().next().map_or(0, char::len_utf8);
        pending.push(Pending {
            summary: "Syntax error",
            detail: format!("in this template: {}", e.message()),
            at: origin..origin + len,
        });
    } else {
        return;
    }
    w.truncate(start);
    w.string(s, StrMode::Verbatim);
}

/// A string holding HCL source (a reference, a type, a keyword), written as
/// that source. What is not one expression on its own is written as a
/// verbatim string, for the loader to reject where it expects a reference.
fn raw(w: &mut Writer, s: &Str) {
    let c = &s.value;
    let ok =
        !c.trim().is_empty() && !c.contains(['\n', '\r']) && !has_comment(c) && hcl_edit::parser::parse_expr(c).is_ok();
    if ok {
        w.raw(s);
    } else {
        w.string(s, StrMode::Verbatim);
    }
}

/// Whether HCL source has a comment outside its quoted strings (which would
/// swallow the syntax written after it).
fn has_comment(src: &str) -> bool {
    let mut in_string = false;
    let mut chars = src.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_string => {
                chars.next();
            }
            '"' => in_string = !in_string,
            '#' if !in_string => return true,
            '/' if !in_string && matches!(chars.peek(), Some('/' | '*')) => return true,
            _ => {}
        }
    }
    false
}
