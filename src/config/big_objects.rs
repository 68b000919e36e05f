//! Object literals of many items, parsed in time linear in their size.
//!
//! hcl-edit keeps an object's items in a vector and checks each new key
//! against every key before it, so an object of n items takes n²/2 key
//! comparisons to parse: 100,000 keys took over a minute. A tuple has no
//! such check. So before parsing, every object literal of at least
//! [`MANY`] items is rewritten, byte for byte, into a tuple of its keys and
//! values: `{\n a = 1\n b = 2\n}` is read as `([ a , 1, b , 2\n])`, in
//! parentheses when there is a space or a newline inside each brace to
//! hold a bracket. The tuple is then made an object again, its keys checked
//! for duplicates with a hash set, and hcl-edit's own error given for one.
//! Only single bytes of syntax change, so every span is still the file's;
//! the parentheses keep the object's own span (an object hcl-edit did not
//! parse has none), and an object without room for them is left without.
//!
//! The rewrite is checked by the parse: anything it did not foresee (a
//! syntax error inside a rewritten object, a key it does not know, an item
//! count that differs) makes the text be parsed as written, as before.
//! Owns no evaluation and no diagnostics.

use crate::format::lexer::{self, Kind, Token};
use hcl_edit::expr::{Array, Expression, Object, ObjectKey, ObjectValue, ObjectValueAssignment, ObjectValueTerminator};
use hcl_edit::structure::Body;
use hcl_edit::visit_mut::{self, VisitMut};
use hcl_edit::{Decorate as _, Span as _};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// Objects of at least this many items are parsed as tuples. Below it,
/// hcl-edit's check costs at most half a million key comparisons.
pub const MANY: usize = 1024;

/// hcl-edit's message for a key given twice.
const DUPLICATE: &str = "invalid object item; expected unique object key; found redefined object key";

/// A syntax error: hcl-edit's message and the byte offset it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub offset: usize,
}

/// Parses `text` as `hcl_edit::parser::parse_body` does, in time linear in
/// the size of its object literals.
pub fn parse_body(text: &str) -> Result<Body, SyntaxError> {
    rewritten(text).unwrap_or_else(|| plain(text))
}

/// The parse of the rewritten text; `None` when there is nothing to rewrite
/// or the text must be parsed as written.
fn rewritten(text: &str) -> Option<Result<Body, SyntaxError>> {
    let plan = Plan::new(text)?;
    match hcl_edit::parser::parse_body(&plan.text) {
        Ok(mut body) => {
            let mut back = Back {
                objects: &plan.objects,
                done: 0,
                duplicate: None,
            };
            back.visit_body_mut(&mut body);
            if let Some(offset) = back.duplicate {
                return Some(Err(SyntaxError {
                    message: DUPLICATE.into(),
                    offset,
                }));
            }
            (back.done == plan.objects.len()).then_some(Ok(body))
        }
        // Outside the rewritten objects the text is the file's: so is the error.
        Err(e) if !plan.inside(e.location().offset()) => Some(Err(SyntaxError {
            message: e.message().to_string(),
            offset: e.location().offset(),
        })),
        Err(_) => None,
    }
}

/// The text as written: in pieces on several threads when it is long
/// ([`super::pieces`]), else, or when it cannot be cut, whole.
fn plain(text: &str) -> Result<Body, SyntaxError> {
    if let Some(body) = super::pieces::parse(text) {
        return Ok(body);
    }
    hcl_edit::parser::parse_body(text).map_err(|e| SyntaxError {
        message: e.message().to_string(),
        offset: e.location().offset(),
    })
}

/// What an object was rewritten into, by the offset of its `{`.
#[derive(Debug)]
struct Shape {
    /// In parentheses (the tuple starts one byte later).
    parenthesized: bool,
    /// Each item's `=` or `:`, and what ended it.
    items: Vec<(ObjectValueAssignment, ObjectValueTerminator)>,
}

/// The text to parse, and the objects rewritten in it.
struct Plan {
    text: String,
    objects: HashMap<usize, Shape>,
    regions: Vec<Range<usize>>,
}

/// Whether some pair of braces may hold [`MANY`] items, each of which has
/// a `=` or a `:` directly inside its braces: a scan of the bytes, much
/// cheaper than the lexer (which took 6% of validating 10,000 resources
/// that held no such object). Strings, comments and heredocs are not told
/// apart: braces in them that do not pair up send the text to the lexer;
/// braces in them that pair up across items can only make the object be
/// parsed as written, which is slower, not different.
fn braces_may_hold_many(text: &str) -> bool {
    // The separators directly inside each open brace.
    let mut open: Vec<usize> = Vec::new();
    for b in text.bytes() {
        match b {
            b'{' => open.push(0),
            b'}' => match open.pop() {
                Some(n) if n < MANY => {}
                _ => return true,
            },
            b'=' | b':' => {
                if let Some(n) = open.last_mut() {
                    *n += 1;
                }
            }
            _ => {}
        }
    }
    !open.is_empty()
}

impl Plan {
    /// `None` when no object has [`MANY`] items (or none could be rewritten).
    fn new(text: &str) -> Option<Plan> {
        // Each item has a `=` or a `:`: fewer, and there is nothing to do.
        if !braces_may_hold_many(text) {
            return None;
        }
        let toks = lexer::tokens(text);
        let mut at = Vec::with_capacity(toks.len());
        let mut offset = 0;
        for t in &toks {
            offset += t.spaces_before;
            at.push(offset);
            offset += t.text.len();
        }
        let mut stack: Vec<Frame> = Vec::new();
        let mut rewrites = Vec::new();
        let mut prev: Option<Kind> = None;
        for (i, t) in toks.iter().enumerate() {
            let change = t.bracket_change();
            if change < 0 {
                if let Some(frame) = stack.pop() {
                    if let Some(r) = frame.finish(&toks, &at, i) {
                        rewrites.push(r);
                    }
                }
                if let Some(parent) = stack.last_mut() {
                    parent.content();
                }
            } else if change > 0 {
                if let Some(parent) = stack.last_mut() {
                    parent.content();
                }
                let object = t.kind == Kind::OBrace && prev.is_some_and(before_object);
                stack.push(Frame::new(i, object));
            } else if let Some(top) = stack.last_mut() {
                top.token(t, at[i]);
            }
            if !matches!(t.kind, Kind::Newline | Kind::Comment) {
                prev = Some(t.kind);
            }
        }
        if rewrites.is_empty() {
            return None;
        }
        let mut bytes = text.as_bytes().to_vec();
        let mut objects = HashMap::new();
        let mut regions = Vec::new();
        for r in rewrites {
            for (at, byte) in &r.edits {
                bytes[*at] = *byte;
            }
            regions.push(r.region);
            objects.insert(r.open, r.shape);
        }
        regions.sort_by_key(|r| r.start);
        // Only ASCII bytes of syntax were replaced by ASCII bytes.
        let text = String::from_utf8(bytes).ok()?;
        Some(Plan { text, objects, regions })
    }

    /// Whether `offset` is inside a rewritten object.
    fn inside(&self, offset: usize) -> bool {
        self.regions.iter().any(|r| r.contains(&offset))
    }
}

/// Whether a `{` after a token of this kind opens an object (an
/// expression), rather than a block's body.
fn before_object(k: Kind) -> bool {
    use Kind::*;
    matches!(
        k,
        Equal
            | Colon
            | Comma
            | OParen
            | OBrack
            | Question
            | TemplateInterp
            | FatArrow
            | EqualOp
            | NotEqual
            | Lt
            | Le
            | Gt
            | Ge
            | And
            | Or
            | Bang
            | Plus
            | Minus
            | Star
            | Slash
            | Percent
    )
}

/// Where an object's items are being read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Key,
    KeyString,
    AfterKey,
    Value { content: bool, heredoc: bool },
}

/// One open bracket; for an object, what its items are so far and the
/// bytes to change.
struct Frame {
    open: usize,
    /// An object whose items are still all of the known shape.
    ok: bool,
    state: State,
    items: Vec<(ObjectValueAssignment, ObjectValueTerminator)>,
    assign: ObjectValueAssignment,
    edits: Vec<(usize, u8)>,
    /// The last item ended with a newline that cannot hold its comma.
    need_comma: bool,
}

struct Rewrite {
    open: usize,
    region: Range<usize>,
    edits: Vec<(usize, u8)>,
    shape: Shape,
}

impl Frame {
    fn new(open: usize, object: bool) -> Frame {
        Frame {
            open,
            ok: object,
            state: State::Key,
            items: Vec::new(),
            assign: ObjectValueAssignment::Equals,
            edits: Vec::new(),
            need_comma: false,
        }
    }

    /// A nested bracket opens or closes inside this one.
    fn content(&mut self) {
        match self.state {
            State::Value { .. } => {
                self.state = State::Value {
                    content: true,
                    heredoc: false,
                }
            }
            // A `${` in a quoted key, or a key that is not a name or a string.
            _ => self.ok = false,
        }
    }

    /// A token directly inside this bracket.
    fn token(&mut self, t: &Token, at: usize) {
        if !self.ok {
            return;
        }
        match (self.state, t.kind) {
            (State::Key, Kind::Newline | Kind::Comment) => {}
            (State::Key, Kind::Ident | Kind::OQuote) => {
                // `{for ...}` is a for expression.
                if self.items.is_empty() && t.kind == Kind::Ident && t.text == "for" {
                    self.ok = false;
                    return;
                }
                if self.need_comma {
                    if t.spaces_before == 0 {
                        self.ok = false;
                        return;
                    }
                    self.edits.push((at - 1, b','));
                    self.need_comma = false;
                }
                self.state = if t.kind == Kind::OQuote {
                    State::KeyString
                } else {
                    State::AfterKey
                };
            }
            (State::KeyString, Kind::QuotedLit) => {}
            (State::KeyString, Kind::CQuote) => self.state = State::AfterKey,
            (State::AfterKey, Kind::Equal | Kind::Colon) => {
                self.assign = if t.kind == Kind::Equal {
                    ObjectValueAssignment::Equals
                } else {
                    ObjectValueAssignment::Colon
                };
                self.edits.push((at, b','));
                self.state = State::Value {
                    content: false,
                    heredoc: false,
                };
            }
            (State::Value { content: true, heredoc }, Kind::Newline) => {
                // The newline that ends a heredoc must stay.
                if heredoc {
                    self.need_comma = true;
                } else {
                    self.edits.push((at, b','));
                }
                self.item(ObjectValueTerminator::Newline);
            }
            (State::Value { content: true, .. }, Kind::Comma) => self.item(ObjectValueTerminator::Comma),
            (State::Value { content: true, .. }, Kind::Comment) if t.text.ends_with('\n') => {
                if t.spaces_before > 0 {
                    self.edits.push((at - 1, b','));
                } else {
                    self.need_comma = true;
                }
                self.item(ObjectValueTerminator::Newline);
            }
            (State::Value { .. }, Kind::Comment) => {}
            (State::Value { .. }, Kind::Newline | Kind::Comma | Kind::Equal) => self.ok = false,
            (State::Value { .. }, kind) => {
                self.state = State::Value {
                    content: true,
                    heredoc: kind == Kind::CHeredoc,
                }
            }
            _ => self.ok = false,
        }
    }

    fn item(&mut self, end: ObjectValueTerminator) {
        self.items.push((self.assign, end));
        self.state = State::Key;
    }

    /// The bracket closes at token `close`: the rewrite, for an object of
    /// [`MANY`] items or more.
    fn finish(mut self, toks: &[Token], at: &[usize], close: usize) -> Option<Rewrite> {
        if !self.ok || toks[close].kind != Kind::CBrace {
            return None;
        }
        match self.state {
            State::Key => {}
            State::Value { content: true, .. } => self.item(ObjectValueTerminator::None),
            _ => return None,
        }
        if self.items.len() < MANY {
            return None;
        }
        let (open, end) = (at[self.open], at[close]);
        // A space or a newline just inside each brace holds a bracket.
        let after_open = match toks.get(self.open + 1) {
            Some(t) if t.spaces_before > 0 => Some(open + 1),
            Some(t) if t.kind == Kind::Newline => Some(at[self.open + 1]),
            _ => None,
        };
        let before_close = if toks[close].spaces_before > 0 {
            Some(end - 1)
        } else if toks[close - 1].kind == Kind::Newline && toks[close - 2].kind != Kind::CHeredoc {
            let nl = at[close - 1];
            // The last item's optional comma gives way to the bracket.
            self.edits.retain(|(a, _)| *a != nl);
            Some(nl)
        } else {
            None
        };
        let parenthesized = match (after_open, before_close) {
            (Some(a), Some(b)) if a < b => {
                self.edits.extend([(open, b'('), (a, b'['), (b, b']'), (end, b')')]);
                true
            }
            _ => {
                self.edits.extend([(open, b'['), (end, b']')]);
                false
            }
        };
        Some(Rewrite {
            open,
            region: open..end + 1,
            edits: self.edits,
            shape: Shape {
                parenthesized,
                items: self.items,
            },
        })
    }
}

/// Makes the parsed tuples objects again.
struct Back<'a> {
    objects: &'a HashMap<usize, Shape>,
    done: usize,
    /// The first key given twice.
    duplicate: Option<usize>,
}

impl VisitMut for Back<'_> {
    fn visit_expr_mut(&mut self, node: &mut Expression) {
        visit_mut::visit_expr_mut(self, node);
        let Some(start) = node.span().map(|s| s.start) else {
            return;
        };
        let Some(shape) = self.objects.get(&start) else {
            return;
        };
        let object = match (shape.parenthesized, &mut *node) {
            (true, Expression::Parenthesis(p)) => match p.inner_mut() {
                Expression::Array(a) => self.object(a, shape).map(|o| (Some(p), o)),
                _ => None,
            },
            (false, Expression::Array(a)) => self.object(a, shape).map(|o| (None, o)),
            _ => None,
        };
        match object {
            Some((Some(p), o)) => *p.inner_mut() = Expression::Object(o),
            Some((None, o)) => *node = Expression::Object(o),
            None => return,
        }
        self.done += 1;
    }
}

/// A key as hcl-edit compares keys: names with names, strings with strings.
#[derive(Hash, PartialEq, Eq)]
enum KeyId {
    Name(String),
    String(String),
    Bool(bool),
    Null,
}

impl Back<'_> {
    /// The object of a tuple of keys and values; `None` (the tuple left as
    /// it is) when the tuple is not what the rewrite made.
    fn object(&mut self, tuple: &mut Array, shape: &Shape) -> Option<Object> {
        if tuple.len() != 2 * shape.items.len() {
            return None;
        }
        let mut seen = HashSet::with_capacity(shape.items.len());
        for key in tuple.iter().step_by(2) {
            let id = match key {
                Expression::Variable(name) => KeyId::Name(name.as_str().to_string()),
                Expression::String(s) => KeyId::String(s.value().clone()),
                Expression::Bool(b) => KeyId::Bool(*b.value()),
                Expression::Null(_) => KeyId::Null,
                _ => return None,
            };
            if !seen.insert(id) {
                let at = key.span().map_or(0, |s| s.start);
                self.duplicate = Some(self.duplicate.map_or(at, |d| d.min(at)));
                return None;
            }
        }
        let (decor, trailing) = (tuple.decor().clone(), tuple.trailing().clone());
        let mut values = std::mem::take(tuple).into_iter();
        let mut pairs = Vec::with_capacity(shape.items.len());
        for &(assign, end) in &shape.items {
            let (key, value) = (values.next()?, values.next()?);
            let key = match key {
                Expression::Variable(name) => ObjectKey::Ident(name),
                other => ObjectKey::Expression(other),
            };
            let mut value = ObjectValue::new(value);
            value.set_assignment(assign);
            value.set_terminator(end);
            pairs.push((key, value));
        }
        // SAFETY: the keys were checked above to be distinct, as hcl-edit
        // compares them; that is all `from_vec_unchecked` asks.
        let items = unsafe { vecmap::VecMap::from_vec_unchecked(pairs) };
        let mut object = Object::from(items);
        *object.decor_mut() = decor;
        object.set_trailing(trailing);
        Some(object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_braces_that_may_hold_many_items_send_the_text_to_the_lexer() {
        // Many separators, but each pair of braces holds few of them.
        let blocks: String = (0..2 * MANY)
            .map(|i| format!("locals {{\n  a{i} = {{ k = 1 }}\n}}\n"))
            .collect();
        assert!(!braces_may_hold_many(&blocks));
        assert!(Plan::new(&blocks).is_none());
        assert!(braces_may_hold_many(&object_text(MANY, |i| format!(
            "    k{i} = {i}\n"
        ))));
        // A brace in a string that pairs with nothing: the lexer decides.
        assert!(braces_may_hold_many("locals {\n  a = \"}\"\n}\n"));
        assert!(braces_may_hold_many("locals {\n  a = \"{\"\n}\n"));
    }

    fn object_text(n: usize, item: impl Fn(usize) -> String) -> String {
        let items: String = (0..n).map(item).collect();
        format!("locals {{\n  o = {{\n{items}  }}\n}}\n")
    }

    /// Each item as hcl-edit gives it: its key (a name, or an expression)
    /// and where the key and the value are.
    type Item = (Option<String>, Option<Range<usize>>, Option<Range<usize>>);

    fn items(body: &Body) -> Vec<Item> {
        let attr = body
            .get_blocks("locals")
            .next()
            .unwrap()
            .body
            .get_attribute("o")
            .unwrap();
        let obj = match &attr.value {
            Expression::Parenthesis(p) => p.inner().as_object().unwrap(),
            other => other.as_object().unwrap(),
        };
        obj.iter()
            .map(|(k, v)| (k.as_ident().map(|i| i.to_string()), k.span(), v.expr().span()))
            .collect()
    }

    fn same(ours: &[Item], theirs: &[Item]) {
        assert_eq!(ours.len(), theirs.len());
        for (a, b) in ours.iter().zip(theirs) {
            assert_eq!(a, b);
        }
    }

    #[test]
    fn a_large_object_reads_as_hcl_edit_reads_it() {
        let text = object_text(MANY + 5, |i| match i % 5 {
            0 => format!("    k{i} = {i}\n"),
            1 => format!("    \"q{i}\" : \"v${{{i}}}\" # note\n"),
            2 => format!("    k{i} = [1,\n      2], k{i}b = {{ a = 1 }}\n"),
            3 => format!("    k{i} = <<EOT\n  x\nEOT\n"),
            _ => format!("    k{i} = x ? 1 : 2 /* c */\n"),
        });
        assert!(Plan::new(&text).is_some());
        let ours = rewritten(&text).unwrap().unwrap();
        let theirs = hcl_edit::parser::parse_body(&text).unwrap();
        same(&items(&ours), &items(&theirs));
        assert!(items(&ours).iter().all(|(_, k, v)| k.is_some() && v.is_some()));
        // The object keeps its place, in parentheses.
        let value = &ours
            .get_blocks("locals")
            .next()
            .unwrap()
            .body
            .get_attribute("o")
            .unwrap()
            .value;
        let start = text.find("o = {").unwrap() + 4;
        assert_eq!(value.span().map(|s| s.start), Some(start));
        assert!(value.is_parenthesis());
    }

    #[test]
    fn an_object_without_room_for_parentheses_is_still_read() {
        let items: String = (0..MANY).map(|i| format!("k{i}=1,")).collect();
        let text = format!("locals {{\n  o = {{{items}}}\n}}\n");
        let body = rewritten(&text).unwrap().unwrap();
        let value = &body
            .get_blocks("locals")
            .next()
            .unwrap()
            .body
            .get_attribute("o")
            .unwrap()
            .value;
        assert_eq!(value.as_object().map(Object::len), Some(MANY));
    }

    #[test]
    fn small_objects_blocks_and_for_expressions_are_left_alone() {
        let text = object_text(10, |i| format!("    k{i} = 1\n"));
        assert!(Plan::new(&text).is_none());
        let attrs: String = (0..MANY + 1)
            .map(|i| format!("  k{i} = {{ for x in y : x => x }}\n"))
            .collect();
        assert!(Plan::new(&format!("locals {{\n{attrs}}}\n")).is_none());
    }

    #[test]
    fn a_duplicate_key_is_hcl_edit_s_error_at_the_key() {
        let text = object_text(MANY + 1, |i| format!("    k{} = 1\n", i.min(MANY - 1)));
        // Found without parsing the text as written.
        let e = rewritten(&text).unwrap().unwrap_err();
        let theirs = hcl_edit::parser::parse_body(&text).unwrap_err();
        assert_eq!(e.message, theirs.message());
        assert_eq!(e.offset, theirs.location().offset());
    }

    #[test]
    fn a_syntax_error_inside_or_after_is_hcl_edit_s() {
        let mut text = object_text(MANY, |i| format!("    k{i} = 1\n"));
        for broken in ["    k = 1 +\n  }", "  }\n  p = \n"] {
            let t = text.replacen("  }", broken, 1);
            let e = parse_body(&t).unwrap_err();
            let theirs = hcl_edit::parser::parse_body(&t).unwrap_err();
            assert_eq!(
                (e.message.as_str(), e.offset),
                (theirs.message(), theirs.location().offset()),
                "{broken}"
            );
        }
        // After the object, without parsing the text as written.
        text.push_str("oops\n");
        let e = rewritten(&text).unwrap().unwrap_err();
        let theirs = hcl_edit::parser::parse_body(&text).unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.offset),
            (theirs.message(), theirs.location().offset())
        );
    }

    /// 100,000 keys: parsed as written this takes minutes in a debug build.
    #[test]
    fn a_hundred_thousand_keys_parse_in_linear_time() {
        let n = 100_000;
        let text = object_text(n, |i| format!("    key_{i} = \"value {i}\"\n"));
        let body = parse_body(&text).unwrap();
        let got = items(&body);
        assert_eq!(got.len(), n);
        let (key, key_at, value_at) = &got[n - 1];
        assert_eq!(key.as_deref(), Some(format!("key_{}", n - 1).as_str()));
        let at = text.find(&format!("key_{} ", n - 1)).unwrap();
        assert_eq!(key_at.as_ref().map(|s| s.start), Some(at));
        assert_eq!(&text[value_at.clone().unwrap()], format!("\"value {}\"", n - 1));
    }
}
