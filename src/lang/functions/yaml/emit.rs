//! `yamlencode`'s writer: a value as go-cty-yaml writes it through go-yaml's
//! emitter (a port of libyaml's), byte for byte.
//!
//! go-cty-yaml asks for block collections, double-quoted strings (literal
//! `|` blocks when they hold a newline) and plain numbers, booleans and
//! nulls; the emitter then decides the rest. This module is that emitter
//! for those requests only: empty collections in flow style (`[]`, `{}`),
//! sequences in a mapping not indented, keys longer than 128 bytes or with
//! line breaks written as `? key` entries, literal blocks with indentation
//! and chomping indicators, double-quoted strings folded at 80 columns with
//! go-yaml's escapes (characters outside the Basic Multilingual Plane
//! escaped, everything escaped when the string starts with a byte order
//! mark), and `...` after a document that is a plain scalar.

use crate::lang::value::Value;

const BEST_INDENT: i32 = 2;
const BEST_WIDTH: usize = 80;

/// The YAML document for a wholly known value.
pub(crate) fn encode(v: &Value) -> String {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
        indent: -1,
        indents: Vec::new(),
        whitespace: true,
        indention: true,
        open_ended: false,
    };
    e.node(v, Context::ROOT);
    // The implicit end of the document.
    e.write_indent();
    if e.open_ended {
        e.write_indicator("...", true, false, false);
        e.write_indent();
    }
    e.out
}

/// Where a node is written.
#[derive(Clone, Copy)]
struct Context {
    root: bool,
    mapping: bool,
    simple_key: bool,
}

impl Context {
    const ROOT: Context = Context {
        root: true,
        mapping: false,
        simple_key: false,
    };
    const SEQUENCE: Context = Context {
        root: false,
        mapping: false,
        simple_key: false,
    };
    const VALUE: Context = Context {
        root: false,
        mapping: true,
        simple_key: false,
    };
    const SIMPLE_KEY: Context = Context {
        root: false,
        mapping: true,
        simple_key: true,
    };
}

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Plain,
    DoubleQuoted,
    Literal,
}

/// go-yaml's "printable": what may appear in a scalar unescaped.
fn printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}') && c != '\u{FEFF}'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// What the emitter learns of a scalar before choosing its style.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    block_allowed: bool,
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            block_allowed: false,
        };
    }
    let mut indicators = s.starts_with("---") || s.starts_with("...");
    let (mut breaks, mut special) = (false, false);
    let (mut leading, mut trailing_space, mut trailing_break) = (false, false, false);
    let (mut space_break, mut break_space) = (false, false);
    let (mut prev_space, mut prev_break) = (false, false);
    let mut preceded_by_blank = true;
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let followed_by_blank = next.is_none_or(|n| n == ' ' || n == '\t');
        let last = next.is_none();
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`' => {
                    indicators = true
                }
                '?' | ':' | '-' if followed_by_blank => indicators = true,
                _ => {}
            }
        } else if (c == ':' && followed_by_blank) || (c == '#' && preceded_by_blank) {
            indicators = true;
        }
        special |= !printable(c);
        if c == ' ' {
            leading |= i == 0;
            trailing_space |= last;
            break_space |= prev_break;
            (prev_space, prev_break) = (true, false);
        } else if is_break(c) {
            breaks = true;
            leading |= i == 0;
            trailing_break |= last;
            space_break |= prev_space;
            (prev_space, prev_break) = (false, true);
        } else {
            (prev_space, prev_break) = (false, false);
        }
        preceded_by_blank = matches!(c, ' ' | '\t' | '\0') || is_break(c);
    }
    Analysis {
        multiline: breaks,
        block_plain_allowed: !(leading
            || trailing_space
            || trailing_break
            || break_space
            || space_break
            || special
            || breaks
            || indicators),
        block_allowed: !(trailing_space || space_break || special),
    }
}

struct Emitter {
    out: String,
    /// Characters written on the current line.
    column: usize,
    indent: i32,
    indents: Vec<i32>,
    /// The last character written was white space.
    whitespace: bool,
    /// Only indentation has been written on the current line.
    indention: bool,
    /// The document needs an explicit end (`...`).
    open_ended: bool,
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, indicator: &str, need_whitespace: bool, is_whitespace: bool, is_indention: bool) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in indicator.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
        self.open_ended = false;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn node(&mut self, v: &Value, ctx: Context) {
        match v.inner() {
            Value::Null(_) | Value::Unknown(_) => self.scalar("null", Style::Plain, ctx),
            Value::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain, ctx),
            Value::Number(n) => self.scalar(&n.to_string(), Style::Plain, ctx),
            Value::String(s) => {
                let style = if s.contains('\n') {
                    Style::Literal
                } else {
                    Style::DoubleQuoted
                };
                self.scalar(s, style, ctx)
            }
            Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
                if items.is_empty() {
                    self.empty_flow("[", "]");
                } else {
                    self.sequence(items, ctx);
                }
            }
            Value::Map(_, m) | Value::Object(m) => {
                if m.is_empty() {
                    self.empty_flow("{", "}");
                } else {
                    self.mapping(m);
                }
            }
            Value::Sensitive(_) => unreachable!("inner() removes marks"),
        }
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn sequence(&mut self, items: &[Value], ctx: Context) {
        self.increase_indent(false, ctx.mapping && !self.indention);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, Context::SEQUENCE);
        }
        self.pop_indent();
    }

    fn mapping(&mut self, m: &crate::lang::value::Map) {
        self.increase_indent(false, false);
        for (k, v) in m {
            self.write_indent();
            let simple = !analyze(k).multiline && k.len() <= 128;
            if simple {
                self.node(&Value::string(k.as_str()), Context::SIMPLE_KEY);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.node(&Value::string(k.as_str()), Context::VALUE);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.node(v, Context::VALUE);
        }
        self.pop_indent();
    }

    fn scalar(&mut self, s: &str, requested: Style, ctx: Context) {
        let a = analyze(s);
        let mut style = requested;
        if ctx.simple_key && a.multiline {
            style = Style::DoubleQuoted;
        }
        // Numbers, booleans and null are always plain-safe, but keep the
        // emitter's rule.
        if style == Style::Plain && (!a.block_plain_allowed || (s.is_empty() && ctx.simple_key)) {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal && (!a.block_allowed || ctx.simple_key) {
            style = Style::DoubleQuoted;
        }
        self.increase_indent(true, false);
        match style {
            Style::Plain => self.plain(s, ctx),
            Style::DoubleQuoted => self.double_quoted(s, !ctx.simple_key),
            Style::Literal => self.literal(s),
        }
        self.pop_indent();
    }

    fn plain(&mut self, s: &str, ctx: Context) {
        if !self.whitespace {
            self.put(' ');
        }
        for c in s.chars() {
            self.put(c);
        }
        self.whitespace = false;
        self.indention = false;
        if ctx.root {
            self.open_ended = true;
        }
    }

    fn double_quoted(&mut self, s: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        // go-yaml's byte order mark test looks at the start of the string,
        // whichever character it is at: so all of it gets escaped.
        let bom = s.starts_with('\u{FEFF}');
        let mut spaces = false;
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if bom || !printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                let short = match c {
                    '\0' => Some('0'),
                    '\u{7}' => Some('a'),
                    '\u{8}' => Some('b'),
                    '\t' => Some('t'),
                    '\n' => Some('n'),
                    '\u{b}' => Some('v'),
                    '\u{c}' => Some('f'),
                    '\r' => Some('r'),
                    '\u{1b}' => Some('e'),
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    '\u{85}' => Some('N'),
                    '\u{a0}' => Some('_'),
                    '\u{2028}' => Some('L'),
                    '\u{2029}' => Some('P'),
                    _ => None,
                };
                match short {
                    Some(e) => self.put(e),
                    None => {
                        let code = u32::from(c);
                        let escaped = if code <= 0xff {
                            format!("x{code:02X}")
                        } else if code <= 0xffff {
                            format!("u{code:04X}")
                        } else {
                            format!("U{code:08X}")
                        };
                        for e in escaped.chars() {
                            self.put(e);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                let last = i == s.len() - 1;
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && !last {
                    self.write_indent();
                    if chars.peek().is_some_and(|&(_, n)| n == ' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn literal(&mut self, s: &str) {
        self.write_indicator("|", true, false, false);
        let first = s.chars().next();
        if first.is_some_and(|c| c == ' ' || is_break(c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        let mut rev = s.chars().rev();
        let chomp = match (rev.next(), rev.next()) {
            (None, _) => Some("-"),
            (Some(last), _) if !is_break(last) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(before)) if is_break(before) => Some("+"),
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in s.chars() {
            if is_break(c) {
                if c == '\n' {
                    self.put_break();
                } else {
                    self.out.push(c);
                    self.column = 0;
                }
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}
