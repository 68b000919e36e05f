//! Go's regular expression syntax (RE2, as Go's `regexp` parses it, which
//! is what Terraform's `regex`, `regexall` and `replace` take), rewritten
//! for Rust's `regex` crate so that a pattern means there what it means in
//! terraform.
//!
//! The two dialects mostly agree, and where they do not this parser
//! follows Go's `regexp/syntax` rules and writes the Rust form explicitly:
//! `\d`, `\s`, `\w`, `\b` and `\B` are ASCII-only; `\pN`, `\p{Greek}` take
//! only Go's category and script names; `\Q...\E`, octal escapes and `{`
//! that does not start a repeat are literals; `\<`, `&&` and `~` mean
//! nothing special; `(?x)`, look-around and back-references are errors,
//! as are stacked repeats (`a**`), counts over 1000 and missing closing
//! brackets, with Go's error codes. Capture groups keep Go's numbering, and
//! their names (which Go lets repeat) are kept here rather than given to
//! Rust. The `U` flag is applied here, so each repeat says whether it is
//! lazy. Matching itself (leftmost-first, submatches as a backtracker would
//! pick them) is the same in both engines.
//! Owns the translation of the pattern's structure (groups, alternatives,
//! repeats, flags); characters and classes are re2_class.rs's, compiling
//! and matching regex.rs's.

use super::re2_class::{self, literal, parse_escape, perl_class, unicode_class, NOTHING};
use std::fmt;

/// A Go pattern in Rust's syntax, with the names of its capture groups.
#[derive(Debug, Clone, PartialEq)]
pub struct Translated {
    pub pattern: String,
    /// The Go name of each capture group, in order from group 1 (`None`
    /// for an unnamed group).
    pub groups: Vec<Option<String>>,
}

/// A syntax error as Go reports it: an error code and the offending text.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub code: &'static str,
    pub expr: String,
}

impl fmt::Display for SyntaxError {
    /// Go's `regexp.Compile` error text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error parsing regexp: {}: `{}`", self.code, self.expr)
    }
}

const MISSING_PAREN: &str = "missing closing )";
const UNEXPECTED_PAREN: &str = "unexpected )";
pub(super) const MISSING_BRACKET: &str = "missing closing ]";
pub(super) const BAD_RANGE: &str = "invalid character class range";
pub(super) const BAD_ESCAPE: &str = "invalid escape sequence";
const BAD_NAMED_CAPTURE: &str = "invalid named capture";
const BAD_PERL_OP: &str = "invalid or unsupported Perl syntax";
const BAD_REPEAT_OP: &str = "invalid nested repetition operator";
const BAD_REPEAT_SIZE: &str = "invalid repeat count";
const MISSING_REPEAT_ARG: &str = "missing argument to repetition operator";
pub(super) const TRAILING_BACKSLASH: &str = "trailing backslash at end of expression";

pub(super) fn err(code: &'static str, expr: &str) -> SyntaxError {
    SyntaxError {
        code,
        expr: expr.to_string(),
    }
}

/// Translates a Go pattern.
pub fn translate(pattern: &str) -> Result<Translated, SyntaxError> {
    let mut p = Parser {
        whole: pattern,
        flags: Flags::default(),
        frames: vec![Frame {
            open: String::new(),
            alts: vec![Vec::new()],
            saved: Flags::default(),
        }],
        groups: Vec::new(),
    };
    p.parse()?;
    let Parser { mut frames, groups, .. } = p;
    if frames.len() != 1 {
        return Err(err(MISSING_PAREN, pattern));
    }
    let top = frames.pop().expect("one frame");
    let mut out = String::new();
    render_alts(&top.alts, &mut out);
    Ok(Translated { pattern: out, groups })
}

/// Go's flags that matter here: `i`, `m` and `s` are written out for Rust
/// at each change; `U` is applied to the repeats.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Flags {
    fold: bool,
    multi_line: bool,
    dot_nl: bool,
    non_greedy: bool,
}

impl Flags {
    /// The flags in Rust's syntax, all of them, so that nothing depends on
    /// what was in force before.
    fn rust(&self) -> String {
        let (mut on, mut off) = (String::new(), String::new());
        for (set, c) in [(self.fold, 'i'), (self.multi_line, 'm'), (self.dot_nl, 's')] {
            if set {
                on.push(c)
            } else {
                off.push(c)
            }
        }
        if off.is_empty() {
            format!("?{on}")
        } else {
            format!("?{on}-{off}")
        }
    }
}

#[derive(Debug)]
enum Node {
    /// Something matched as one unit, already in Rust's syntax.
    Atom(String),
    /// A flag change for the rest of the group: not something to repeat.
    Flags(String),
    Group {
        open: String,
        alts: Vec<Vec<Node>>,
    },
    Repeat {
        sub: Box<Node>,
        min: u32,
        /// `None` for no upper bound.
        max: Option<u32>,
        /// Written with `{}` (Go's OpRepeat, which the count limits apply to).
        counted: bool,
        lazy: bool,
    },
}

struct Frame {
    /// How the group opens in Rust (`(`, `(?:`, `(?i-ms:`); empty for the
    /// whole pattern.
    open: String,
    alts: Vec<Vec<Node>>,
    /// The flags in force before the group, restored at its end.
    saved: Flags,
}

struct Parser<'a> {
    whole: &'a str,
    flags: Flags,
    frames: Vec<Frame>,
    groups: Vec<Option<String>>,
}

impl<'a> Parser<'a> {
    fn push(&mut self, n: Node) {
        let frame = self.frames.last_mut().expect("the whole pattern's frame");
        frame.alts.last_mut().expect("an alternative").push(n);
    }

    fn atom(&mut self, s: String) {
        self.push(Node::Atom(s));
    }

    fn parse(&mut self) -> Result<(), SyntaxError> {
        let mut t: &'a str = self.whole;
        // Where the previous token began, when it was a repeat: Go refuses
        // to repeat a repeat (`a**`).
        let mut last_repeat: Option<&'a str> = None;
        while let Some(c) = t.chars().next() {
            let mut repeat = None;
            match c {
                '(' => {
                    if t.starts_with("(?") {
                        t = self.perl_flags(t)?;
                    } else {
                        self.groups.push(None);
                        self.open("(".into());
                        t = &t[1..];
                    }
                }
                '|' => {
                    self.frames.last_mut().expect("frame").alts.push(Vec::new());
                    t = &t[1..];
                }
                ')' => {
                    self.close()?;
                    t = &t[1..];
                }
                '^' | '$' | '.' => {
                    self.atom(c.to_string());
                    t = &t[1..];
                }
                '[' => {
                    let (class, rest) = re2_class::bracket(t)?;
                    self.atom(class);
                    t = rest;
                }
                '*' | '+' | '?' => {
                    let (min, max) = match c {
                        '*' => (0, None),
                        '+' => (1, None),
                        _ => (0, Some(1)),
                    };
                    let before = t;
                    t = self.repeat(min, max, false, before, &t[1..], last_repeat)?;
                    repeat = Some(before);
                }
                '{' => match parse_repeat(t) {
                    Some((min, max, after)) => {
                        let before = t;
                        let text = &before[..before.len() - after.len()];
                        if min > 1000 || max.is_some_and(|m| m > 1000 || min > m) {
                            return Err(err(BAD_REPEAT_SIZE, text));
                        }
                        t = self.repeat(min, max, true, before, after, last_repeat)?;
                        repeat = Some(before);
                    }
                    // Not a repeat: a literal brace.
                    None => {
                        self.atom(r"\{".into());
                        t = &t[1..];
                    }
                },
                '\\' => t = self.escape(t)?,
                c => {
                    self.atom(literal(c));
                    t = &t[c.len_utf8()..];
                }
            }
            last_repeat = repeat;
        }
        Ok(())
    }

    fn open(&mut self, open: String) {
        self.frames.push(Frame {
            open,
            alts: vec![Vec::new()],
            saved: self.flags,
        });
    }

    fn close(&mut self) -> Result<(), SyntaxError> {
        if self.frames.len() < 2 {
            return Err(err(UNEXPECTED_PAREN, self.whole));
        }
        let frame = self.frames.pop().expect("checked");
        self.flags = frame.saved;
        self.push(Node::Group {
            open: frame.open,
            alts: frame.alts,
        });
        Ok(())
    }

    /// `(?P<name>`, `(?<name>`, `(?flags)`, `(?flags:`; anything else
    /// after `(?` is an error (look-around, `(?P=name)`, `(?x)`).
    fn perl_flags(&mut self, s: &'a str) -> Result<&'a str, SyntaxError> {
        let named = if s.len() > 4 && s[2..].starts_with("P<") {
            Some(4)
        } else if s.len() > 3 && s[2..].starts_with('<') {
            Some(3)
        } else {
            None
        };
        if let Some(start) = named {
            let Some(end) = s.find('>') else {
                return Err(err(BAD_NAMED_CAPTURE, s));
            };
            let name = &s[start..end];
            if name.is_empty() || !name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric()) {
                return Err(err(BAD_NAMED_CAPTURE, &s[..=end]));
            }
            self.groups.push(Some(name.to_string()));
            self.open("(".into());
            return Ok(&s[end + 1..]);
        }
        let mut flags = self.flags;
        let mut negate = false;
        let mut saw_flag = false;
        let mut t = &s[2..];
        while let Some(c) = t.chars().next() {
            t = &t[c.len_utf8()..];
            let value = !negate;
            match c {
                'i' => flags.fold = value,
                'm' => flags.multi_line = value,
                's' => flags.dot_nl = value,
                'U' => flags.non_greedy = value,
                '-' if !negate => {
                    negate = true;
                    saw_flag = false;
                    continue;
                }
                ':' | ')' if !negate || saw_flag => {
                    // U is applied here: only i, m and s are Rust's to know.
                    let changed = flags.rust() != self.flags.rust();
                    if c == ':' {
                        self.open(if changed {
                            format!("({}:", flags.rust())
                        } else {
                            "(?:".into()
                        });
                    } else if changed {
                        self.push(Node::Flags(format!("({})", flags.rust())));
                    }
                    self.flags = flags;
                    return Ok(t);
                }
                _ => break,
            }
            saw_flag = true;
        }
        Err(err(BAD_PERL_OP, &s[..s.len() - t.len()]))
    }

    /// Applies a repeat to the last thing parsed (Go's `parser.repeat`).
    fn repeat(
        &mut self,
        min: u32,
        max: Option<u32>,
        counted: bool,
        before: &'a str,
        after: &'a str,
        last_repeat: Option<&'a str>,
    ) -> Result<&'a str, SyntaxError> {
        let (lazy_mark, after) = match after.strip_prefix('?') {
            Some(rest) => (true, rest),
            None => (false, after),
        };
        if let Some(last) = last_repeat {
            return Err(err(BAD_REPEAT_OP, &last[..last.len() - after.len()]));
        }
        let text = &before[..before.len() - after.len()];
        let lazy = self.flags.non_greedy != lazy_mark;
        let alt = self
            .frames
            .last_mut()
            .expect("frame")
            .alts
            .last_mut()
            .expect("alternative");
        // A flag change in between is passed over, as Go does (it leaves
        // nothing on its stack).
        let Some(at) = alt.iter().rposition(|n| !matches!(n, Node::Flags(_))) else {
            return Err(err(MISSING_REPEAT_ARG, text));
        };
        let sub = alt.remove(at);
        let node = Node::Repeat {
            sub: Box::new(sub),
            min,
            max,
            counted,
            lazy,
        };
        if counted && (min >= 2 || max.is_some_and(|m| m >= 2)) && !repeat_is_valid(&node, 1000) {
            return Err(err(BAD_REPEAT_SIZE, text));
        }
        alt.insert(at, node);
        Ok(after)
    }

    /// A backslash outside a class.
    fn escape(&mut self, t: &'a str) -> Result<&'a str, SyntaxError> {
        match t[1..].chars().next() {
            Some('A') => {
                self.atom(r"\A".into());
                return Ok(&t[2..]);
            }
            Some('z') => {
                self.atom(r"\z".into());
                return Ok(&t[2..]);
            }
            Some('b') => {
                self.atom(r"(?-u:\b)".into());
                return Ok(&t[2..]);
            }
            Some('B') => {
                self.atom(r"(?-u:\B)".into());
                return Ok(&t[2..]);
            }
            Some('C') => return Err(err(BAD_ESCAPE, &t[..2])),
            Some('Q') => {
                let rest = &t[2..];
                let (lit, after) = match rest.find(r"\E") {
                    Some(i) => (&rest[..i], &rest[i + 2..]),
                    None => (rest, ""),
                };
                for c in lit.chars() {
                    self.atom(literal(c));
                }
                return Ok(after);
            }
            _ => {}
        }
        if let Some((class, rest)) = unicode_class(t)? {
            self.atom(class.standalone());
            return Ok(rest);
        }
        if let Some((class, rest)) = perl_class(t) {
            self.atom(class.standalone());
            return Ok(rest);
        }
        let (c, rest) = parse_escape(t)?;
        self.atom(match char::from_u32(c) {
            Some(c) => literal(c),
            // A surrogate code point: no text holds one.
            None => NOTHING.into(),
        });
        Ok(rest)
    }
}

/// `{n}`, `{n,}` or `{n,m}` (Go's `parseRepeat`): `(min, max, rest)`, or
/// `None` when the brace is a literal. Numbers with leading zeros are not
/// counts; numbers too big come back as more than 1000.
fn parse_repeat(s: &str) -> Option<(u32, Option<u32>, &str)> {
    let s = s.strip_prefix('{')?;
    let (min, s) = parse_int(s)?;
    let (max, s) = match s.strip_prefix(',') {
        None => (Some(min), s),
        Some(rest) if rest.starts_with('}') => (None, rest),
        Some(rest) => {
            let (max, rest) = parse_int(rest)?;
            (Some(max), rest)
        }
    };
    Some((min, max, s.strip_prefix('}')?))
}

fn parse_int(s: &str) -> Option<(u32, &str)> {
    let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || (digits >= 2 && s.starts_with('0')) {
        return None;
    }
    let n = s[..digits].parse::<u32>().unwrap_or(u32::MAX).min(100_000_000);
    Some((n, &s[digits..]))
}

/// Go's `repeatIsValid`: nested counted repeats may not ask for more than
/// `n` copies of what is innermost.
fn repeat_is_valid(node: &Node, n: u32) -> bool {
    match node {
        Node::Repeat {
            sub, min, max, counted, ..
        } => {
            let mut n = n;
            if *counted {
                let m = match max {
                    Some(0) => return true,
                    Some(m) => *m,
                    None => *min,
                };
                if m > n {
                    return false;
                }
                n = n.checked_div(m).unwrap_or(n);
            }
            repeat_is_valid(sub, n)
        }
        Node::Group { alts, .. } => alts.iter().flatten().all(|n2| repeat_is_valid(n2, n)),
        Node::Atom(_) | Node::Flags(_) => true,
    }
}

fn render_alts(alts: &[Vec<Node>], out: &mut String) {
    for (i, alt) in alts.iter().enumerate() {
        if i > 0 {
            out.push('|');
        }
        for n in alt {
            render(n, out);
        }
    }
}

fn render(node: &Node, out: &mut String) {
    match node {
        Node::Atom(s) | Node::Flags(s) => out.push_str(s),
        Node::Group { open, alts } => {
            out.push_str(open);
            render_alts(alts, out);
            out.push(')');
        }
        Node::Repeat {
            sub, min, max, lazy, ..
        } => {
            out.push_str("(?:");
            render(sub, out);
            out.push(')');
            match (min, max) {
                (0, None) => out.push('*'),
                (1, None) => out.push('+'),
                (0, Some(1)) => out.push('?'),
                (m, None) => out.push_str(&format!("{{{m},}}")),
                (m, Some(x)) if m == x => out.push_str(&format!("{{{m}}}")),
                (m, Some(x)) => out.push_str(&format!("{{{m},{x}}}")),
            }
            if *lazy {
                out.push('?');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rust(p: &str) -> String {
        translate(p).unwrap_or_else(|e| panic!("{p}: {e}")).pattern
    }

    fn error(p: &str) -> String {
        translate(p).expect_err(p).to_string()
    }

    #[test]
    fn ascii_perl_classes_and_boundaries() {
        assert_eq!(rust(r"\d\W"), r"[0-9][^0-9A-Za-z_]");
        assert_eq!(rust(r"[\s\D]"), r"[\t\n\x0C\r [^0-9]]");
        assert_eq!(rust(r"\bx\B"), r"(?-u:\b)x(?-u:\B)");
    }

    #[test]
    fn literals_that_rust_reads_otherwise() {
        assert_eq!(rust(r"\<a\>"), r"<a>");
        assert_eq!(rust("a{,5}&&~#"), r"a\{,5\}\&\&\~\#");
        assert_eq!(rust(r"\Q.*\E+"), r"\.(?:\*)+");
        assert_eq!(rust(r"\101\0"), r"A\x{0}");
        assert_eq!(rust(r"[a-z&&b]"), r"[\x{61}-\x{7A}\x{26}\x{26}\x{62}]");
    }

    #[test]
    fn flags_are_written_out_and_u_is_applied() {
        assert_eq!(rust("(?i)a"), "(?i-ms)a");
        assert_eq!(rust("(?i)a(?-i:b)"), "(?i-ms)a(?-ims:b)");
        assert_eq!(rust("(?ims)."), "(?ims).");
        assert_eq!(rust("(?i-i:a)(?)b"), "(?:a)b");
        // U leaves Rust's flags alone: each repeat says whether it is lazy.
        assert_eq!(rust("(?U)a+b+?"), "(?:a)+?(?:b)+");
    }

    #[test]
    fn groups_keep_go_names_and_numbers() {
        let t = translate("(?P<a>x)(?:y)(?<b>z)()").unwrap();
        assert_eq!(t.pattern, "(x)(?:y)(z)()");
        assert_eq!(t.groups, vec![Some("a".into()), Some("b".into()), None]);
        assert_eq!(translate("(?P<a>x)(?P<a>y)").unwrap().groups.len(), 2);
    }

    #[test]
    fn unicode_classes_take_go_names_only() {
        assert_eq!(rust(r"\pL\p{^Greek}"), r"[\p{gc=L}][^\p{sc=Greek}]");
        assert_eq!(
            error(r"\p{greek}"),
            r"error parsing regexp: invalid character class range: `\p{greek}`"
        );
        assert_eq!(
            error(r"\p{Latn}"),
            r"error parsing regexp: invalid character class range: `\p{Latn}`"
        );
    }

    #[test]
    fn errors_say_what_go_says() {
        // Go's messages, as terraform's replace() printed them (the code
        // and text also appear in regex() errors, checked in regex.rs).
        let cases = [
            ("(", "missing closing ): `(`"),
            ("a)", "unexpected ): `a)`"),
            ("[]", "missing closing ]: `[]`"),
            ("a**", "invalid nested repetition operator: `**`"),
            ("x{2}{3}", "invalid nested repetition operator: `{2}{3}`"),
            ("a{1001}", "invalid repeat count: `{1001}`"),
            ("(a{500}){3}", "invalid repeat count: `{3}`"),
            ("*a", "missing argument to repetition operator: `*`"),
            ("(?i)*", "missing argument to repetition operator: `*`"),
            (r"\1", r"invalid escape sequence: `\1`"),
            (r"\x{110000}", r"invalid escape sequence: `\x{110000`"),
            ("(?x)", "invalid or unsupported Perl syntax: `(?x`"),
            ("(?i-)", "invalid or unsupported Perl syntax: `(?i-)`"),
            ("(?<=a)b", "invalid named capture: `(?<=a)b`"),
            ("(?P<a-b>x)", "invalid named capture: `(?P<a-b>`"),
            ("[z-a]", "invalid character class range: `z-a`"),
            ("[[:foo:]]", "invalid character class range: `[:foo:]`"),
            ("\\", "trailing backslash at end of expression: ``"),
        ];
        for (p, want) in cases {
            assert_eq!(error(p), format!("error parsing regexp: {want}"), "{p}");
        }
    }

    #[test]
    fn every_translation_compiles() {
        for p in [
            r"^*",
            r"a(?i)*",
            r"(a*)*?",
            r"[\x{D800}-\x{E000}]",
            r"\x{D800}",
            r"\p{Cs}\P{C}[\pC\p{Any}]",
            r"[^\P{L}[:^digit:]]",
            r"(?s:.)+(?m)^$",
        ] {
            let t = rust(p);
            assert!(regex::Regex::new(&t).is_ok(), "{p} -> {t}");
        }
    }
}
