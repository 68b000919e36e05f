//! `yamldecode`: one YAML document to a value, as go-cty-yaml v1.1.0 reads
//! it.
//!
//! The events come from libyaml-safer, a port of libyaml, the parser that
//! go-yaml (and so go-cty-yaml) is itself ported from: the same grammar
//! (YAML 1.1), the same error messages and positions. On top of it this
//! module builds values: sequences become tuples, mappings objects (keys
//! converted to strings, later keys winning), anchors and aliases are
//! followed (but not into themselves), `<<` merges a mapping, scalars are
//! resolved by [`super::resolve`]. Errors carry go-cty-yaml's positions.
//! An alias is a copy of its anchor's value here (go-cty shares it), so
//! the copies are counted: a document that aliases its way past the size
//! limits ("a billion laughs") is refused as it is read.
//!
//! libyaml-safer 0.3 panics where libyaml reads a block scalar's last line
//! up to the end of the input (no line break after it). That one case is
//! caught: the input is read again with a line break added, and the break
//! that this adds to the block scalar is taken off again, which is what
//! libyaml itself yields. The panic's report is kept quiet.

use super::resolve::{resolve, Scalar, MAP_TAG, SEQ_TAG};
use crate::lang::limits::{Budget, Size};
use crate::lang::value::{Map, Value};
use libyaml_safer::{ErrorKind, Event, EventData, Mark, Parser, ScalarStyle};
use std::collections::HashMap;

/// Every event of the input, up to the end of the stream or the first
/// error; `None` if the parser panicked.
fn events(src: &[u8]) -> Option<Vec<Result<Event, String>>> {
    quiet_known_panic();
    std::panic::catch_unwind(|| {
        let mut parser = Parser::new();
        parser.set_input(src);
        let mut all = Vec::new();
        loop {
            match parser.parse() {
                Ok(e) => {
                    let end = matches!(e.data, EventData::StreamEnd);
                    all.push(Ok(e));
                    if end {
                        return all;
                    }
                }
                Err(e) => {
                    all.push(Err(parser_error(&e)));
                    return all;
                }
            }
        }
    })
    .ok()
}

/// The panic libyaml-safer raises at a block scalar that ends the input.
const KNOWN_PANIC: &str = "unexpected end of input";

/// Keeps the known libyaml-safer panic (which [`events`] catches) off
/// standard error; every other panic is reported as before.
fn quiet_known_panic() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let known = info.payload().downcast_ref::<&str>() == Some(&KNOWN_PANIC)
                && info.location().is_some_and(|l| l.file().contains("libyaml-safer"));
            if !known {
                previous(info);
            }
        }));
    });
}

/// The events of `src` as libyaml gives them (see the module comment).
fn all_events(src: &str) -> Vec<Result<Event, String>> {
    let bytes = if src.is_empty() {
        b"\n".as_slice()
    } else {
        src.as_bytes()
    };
    if let Some(all) = events(bytes) {
        return all;
    }
    let mut padded = bytes.to_vec();
    padded.push(b'\n');
    let mut all = events(&padded).unwrap_or_else(|| vec![Err("invalid YAML syntax".into())]);
    let last_block = all.iter_mut().rev().find_map(|e| match e {
        Ok(Event {
            data:
                EventData::Scalar {
                    value,
                    style: ScalarStyle::Literal | ScalarStyle::Folded,
                    ..
                },
            ..
        }) => Some(value),
        _ => None,
    });
    if let Some(value) = last_block {
        if value.ends_with('\n') {
            value.pop();
        }
    }
    all
}

/// Decodes the single document in `src`.
pub(crate) fn decode(src: &str) -> Result<Value, String> {
    let mut d = Decoder {
        events: all_events(src).into_iter(),
        pending: HashMap::new(),
        anchors: HashMap::new(),
        copies: Budget::new(),
    };
    let e = d.next()?;
    if !matches!(e.data, EventData::StreamStart { .. }) {
        return Err(at(&e, "missing stream start token"));
    }
    let e = d.next()?;
    let EventData::DocumentStart { version_directive, .. } = &e.data else {
        return Err(at(&e, "missing start of document"));
    };
    // go-yaml knows YAML 1.1 only.
    if version_directive.is_some_and(|v| (v.major, v.minor) != (1, 1)) {
        return Err(at(&e, "found incompatible YAML document"));
    }
    let v = d.node()?;
    let e = d.next()?;
    match e.data {
        EventData::DocumentEnd { .. } => {}
        EventData::DocumentStart { .. } => return Err(at(&e, "only a single document is allowed")),
        _ => return Err(at(&e, &format!("unexpected extra content ({}) after value", name(&e)))),
    }
    let e = d.next()?;
    if !matches!(e.data, EventData::StreamEnd) {
        return Err(at(&e, "unexpected extra content after value"));
    }
    Ok(v)
}

fn name(e: &Event) -> &'static str {
    match e.data {
        EventData::StreamStart { .. } => "STREAM-START",
        EventData::StreamEnd => "STREAM-END",
        EventData::DocumentStart { .. } => "DOCUMENT-START",
        EventData::DocumentEnd { .. } => "DOCUMENT-END",
        EventData::Alias { .. } => "ALIAS",
        EventData::Scalar { .. } => "SCALAR",
        EventData::SequenceStart { .. } => "SEQUENCE-START",
        EventData::SequenceEnd => "SEQUENCE-END",
        EventData::MappingStart { .. } => "MAPPING-START",
        EventData::MappingEnd => "MAPPING-END",
    }
}

/// A message placed as go-cty-yaml places event errors: at the event's
/// line and column, unless it is on the first line (go-yaml counts lines
/// from zero and go-cty-yaml prints that count as it is).
fn at(e: &Event, message: &str) -> String {
    at_mark(e.start_mark, message)
}

fn at_mark(m: Mark, message: &str) -> String {
    if m.line == 0 {
        message.to_string()
    } else {
        format!("on line {}, column {}: {message}", m.line, m.column + 1)
    }
}

/// A parser error placed as go-cty-yaml places them.
fn parser_error(e: &libyaml_safer::Error) -> String {
    let problem = e.problem();
    match (e.problem_mark(), e.context_mark()) {
        (Some(m), _) if m.line != 0 => {
            if e.kind() == ErrorKind::Scanner {
                format!("on line {}, column 1: {problem}", m.line + 1)
            } else {
                format!("on line {}, column {}: {problem}", m.line, m.column + 1)
            }
        }
        (_, Some(c)) if c.line != 0 => format!("on line {}, column {}: {problem}", c.line, c.column + 1),
        _ => problem.to_string(),
    }
}

struct Decoder {
    events: std::vec::IntoIter<Result<Event, String>>,
    /// Anchors being defined (so not yet usable), with how many times.
    pending: HashMap<String, usize>,
    /// Anchors' values with their sizes.
    anchors: HashMap<String, (Value, Size)>,
    /// What the aliases read so far copied.
    copies: Budget,
}

impl Decoder {
    fn next(&mut self) -> Result<Event, String> {
        self.events
            .next()
            .unwrap_or_else(|| Err("unexpected end of the YAML events".into()))
    }

    fn begin(&mut self, anchor: &Option<String>) {
        if let Some(a) = anchor {
            *self.pending.entry(a.clone()).or_default() += 1;
        }
    }

    fn complete(&mut self, anchor: &Option<String>, v: &Value) {
        if let Some(a) = anchor {
            if let Some(n) = self.pending.get_mut(a) {
                *n -= 1;
                if *n == 0 {
                    self.pending.remove(a);
                }
            }
            self.anchors.insert(a.clone(), (v.clone(), Size::of(v)));
        }
    }

    fn node(&mut self) -> Result<Value, String> {
        let e = self.next()?;
        self.node_from(e)
    }

    fn node_from(&mut self, e: Event) -> Result<Value, String> {
        match &e.data {
            EventData::Scalar {
                anchor,
                tag,
                value,
                style,
                ..
            } => {
                self.begin(anchor);
                let v = match resolve(tag.as_deref(), value, *style).map_err(|m| at(&e, &m))? {
                    Scalar::Value(v) => v,
                    // Anywhere but a mapping key, `<<` is a string.
                    Scalar::Merge => Value::string("<<"),
                };
                self.complete(anchor, &v);
                Ok(v)
            }
            EventData::Alias { anchor } => {
                if self.pending.contains_key(anchor) {
                    return Err(at(
                        &e,
                        &format!("cannot refer to anchor {anchor:?} from inside its own definition"),
                    ));
                }
                let (v, size) = self
                    .anchors
                    .get(anchor)
                    .ok_or_else(|| at(&e, &format!("reference to undefined anchor {anchor:?}")))?;
                self.copies.repeat(1, *size).map_err(|l| at(&e, &l.to_string()))?;
                Ok(v.clone())
            }
            EventData::SequenceStart { anchor, tag, .. } => {
                if let Some(t) = tag.as_deref().filter(|t| *t != SEQ_TAG) {
                    return Err(at(&e, &format!("can't interpret sequence as {t}")));
                }
                let anchor = anchor.clone();
                self.begin(&anchor);
                let mut items = Vec::new();
                loop {
                    let next = self.next()?;
                    if matches!(next.data, EventData::SequenceEnd) {
                        break;
                    }
                    items.push(self.node_from(next)?);
                }
                let v = Value::Tuple(items);
                self.complete(&anchor, &v);
                Ok(v)
            }
            EventData::MappingStart { anchor, tag, .. } => {
                if let Some(t) = tag.as_deref().filter(|t| *t != MAP_TAG) {
                    return Err(at(&e, &format!("can't interpret mapping as {t}")));
                }
                let anchor = anchor.clone();
                self.begin(&anchor);
                let v = Value::Object(self.mapping()?);
                self.complete(&anchor, &v);
                Ok(v)
            }
            EventData::DocumentStart { .. } => Err(at(&e, "only a single document is allowed")),
            EventData::StreamEnd => Err(at(&e, "expecting value but found end of stream")),
            _ => Err(at(&e, &format!("unexpected parser event {}", name(&e)))),
        }
    }

    /// The entries of a mapping, after its start event.
    fn mapping(&mut self) -> Result<Map, String> {
        let mut m = Map::new();
        loop {
            let key = self.next()?;
            let EventData::Scalar { tag, value, style, .. } = &key.data else {
                if matches!(key.data, EventData::MappingEnd) {
                    return Ok(m);
                }
                return Err(at(&key, "only strings are allowed as mapping keys"));
            };
            // A key's own resolution errors have no position.
            let k = match resolve(tag.as_deref(), value, *style)? {
                Scalar::Merge => {
                    let v = self.node()?;
                    match v {
                        Value::Object(entries) => m.extend(entries),
                        other => return Err(at(&key, &format!("cannot merge {} into mapping", friendly(&other)))),
                    }
                    continue;
                }
                Scalar::Value(Value::Null(_)) => return Err(at(&key, "mapping key cannot be null")),
                Scalar::Value(v) => v
                    .to_template_string()
                    .ok_or_else(|| at(&key, "only strings are allowed as mapping keys"))?,
            };
            let v = self.node()?;
            m.insert(k, v);
        }
    }
}

/// cty's friendly name of a value's type, as the merge error says it.
fn friendly(v: &Value) -> &'static str {
    match v {
        Value::Null(_) => "dynamic",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Tuple(_) => "tuple",
        _ => "object",
    }
}
