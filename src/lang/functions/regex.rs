//! `regex`, `regexall` and the `/re/` form of `replace`, with the results of
//! Go's `regexp` as terraform 1.11 gives them: patterns in Go's syntax
//! (translated by re2.rs), the result shaped by the capture groups (a
//! string, a tuple, or an object by group name), Go's way of finding all
//! matches (no empty match right after a match) and of replacing them, and
//! Go's `$1`/`${name}` expansion. Must not parse patterns itself.

use super::re2::{self, SyntaxError};
use super::strings::{string_value, text};
use super::{func, param, FnError, FnResult, FuncContext, Function};
use crate::lang::types::Type;
use crate::lang::value::{Map, Value};
use regex::Captures;
use std::sync::OnceLock;

pub fn register(r: &mut Vec<Function>) {
    // An unknown string still lets the pattern be checked and the type of
    // the result be known.
    let params = || vec![param("pattern", Type::String), param("string", Type::String).unknown()];
    r.extend([
        func("regex", params(), Type::Dynamic, regex),
        func("regexall", params(), Type::list(Type::Dynamic), regexall),
    ]);
}

/// A compiled pattern and the Go names of its capture groups.
struct Pattern {
    re: regex::Regex,
    groups: Vec<Option<String>>,
}

fn compile(pattern: &str) -> Result<Pattern, SyntaxError> {
    let t = re2::translate(pattern)?;
    let re = regex::RegexBuilder::new(&t.pattern)
        // Go allows 1000 levels of nesting; the translation adds a group
        // around each repeat.
        .nest_limit(2100)
        .build()
        .map_err(|e| SyntaxError {
            code: match e {
                regex::Error::CompiledTooBig(_) => "expression too large",
                // The translation is meant to make this impossible.
                _ => "expression not supported",
            },
            expr: pattern.to_string(),
        })?;
    Ok(Pattern { re, groups: t.groups })
}

/// The pattern argument, with cty's message for a bad one.
fn pattern_arg(a: &[Value]) -> Result<Pattern, FnError> {
    compile(&text(a, 0)?).map_err(|e| FnError::arg(0, format!("invalid regexp pattern: {} in {}", e.code, e.expr)))
}

impl Pattern {
    /// What a match gives: the matched string when there are no groups, a
    /// tuple of the groups, or an object of the named groups.
    fn result_type(&self) -> Result<Type, FnError> {
        let named = self.groups.iter().filter(|g| g.is_some()).count();
        let unnamed = self.groups.len() - named;
        match (unnamed, named) {
            (0, 0) => Ok(Type::String),
            (_, 0) => Ok(Type::tuple(vec![Type::String; unnamed])),
            (0, _) => Ok(Type::object(
                self.groups.iter().flatten().map(|n| (n.clone(), Type::String)),
            )),
            _ => Err(FnError::arg(
                0,
                "invalid regexp pattern: cannot mix both named and unnamed capture groups",
            )),
        }
    }

    fn result(&self, caps: &Captures, ty: &Type) -> Value {
        let group = |i: usize| {
            caps.get(i)
                .map_or(Value::Null(Type::String), |m| string_value(m.as_str().to_string()))
        };
        match ty {
            Type::String => group(0),
            Type::Tuple(_) => Value::Tuple((1..=self.groups.len()).map(group).collect()),
            _ => {
                // A name used twice takes the last group's value, matched or not.
                let mut m = Map::new();
                for (i, name) in self.groups.iter().enumerate() {
                    if let Some(name) = name {
                        m.insert(name.clone(), group(i + 1));
                    }
                }
                Value::Object(m)
            }
        }
    }
}

/// `regex(pattern, string)`: the first match.
pub fn regex(a: &[Value], _: &FuncContext) -> FnResult {
    let p = pattern_arg(a)?;
    let ty = p.result_type()?;
    if !a[1].is_known() {
        return Ok(Value::Unknown(ty));
    }
    let s = text(a, 1)?;
    let caps =
        p.re.captures(&s)
            .ok_or_else(|| FnError::new("pattern did not match any part of the given string"))?;
    Ok(p.result(&caps, &ty))
}

/// `regexall(pattern, string)`: every match, as a list.
pub fn regexall(a: &[Value], _: &FuncContext) -> FnResult {
    let p = pattern_arg(a)?;
    let ty = p.result_type()?;
    if !a[1].is_known() {
        return Ok(Value::Unknown(Type::list(ty)));
    }
    let s = text(a, 1)?;
    let mut items = Vec::new();
    all_matches(&p.re, &s, |caps| items.push(p.result(caps, &ty)));
    Ok(Value::List(ty, items))
}

/// Go's `FindAll`: successive matches, skipping an empty match that
/// starts where the previous match ended.
fn all_matches(re: &regex::Regex, s: &str, mut deliver: impl FnMut(&Captures)) {
    let mut pos = 0;
    let mut prev_end = None;
    while pos <= s.len() {
        let Some(caps) = re.captures_at(s, pos) else {
            break;
        };
        let m = caps.get(0).expect("group 0 is the match");
        let accept = !(m.end() == pos && Some(m.start()) == prev_end);
        pos = if m.end() == pos { next_char(s, pos) } else { m.end() };
        prev_end = Some(m.end());
        if accept {
            deliver(&caps);
        }
    }
}

/// The position after the character at `pos` (past the end at the end).
fn next_char(s: &str, pos: usize) -> usize {
    pos + s[pos..].chars().next().map_or(1, char::len_utf8)
}

/// `replace` with a `/pattern/`: Go's `ReplaceAllString`.
pub fn replace_all(s: &str, pattern: &str, template: &str) -> Result<String, FnError> {
    let p = compile(pattern).map_err(|e| FnError::new(e.to_string()))?;
    let mut out = String::with_capacity(s.len());
    let mut last_end = 0;
    let mut search = 0;
    while search <= s.len() {
        let Some(caps) = p.re.captures_at(s, search) else {
            break;
        };
        let m = caps.get(0).expect("group 0 is the match");
        out.push_str(&s[last_end..m.start()]);
        // No replacement for an empty match right after a match.
        if m.end() > last_end || m.start() == 0 {
            expand(&p, &caps, template, &mut out);
        }
        if out.len() > crate::lang::limits::MAX_TEXT {
            return Err(FnError::new(crate::lang::limits::LimitError::Text.to_string()));
        }
        last_end = m.end();
        let next = next_char(s, search);
        search = if next > m.end() { next } else { m.end() };
    }
    out.push_str(&s[last_end..]);
    Ok(out)
}

/// Go's `Regexp.Expand`: `$$` is `$`; `$name` and `${name}` are the group
/// of that number or name (empty when there is none or it did not match;
/// a name runs as far as letters, digits and `_` go); any other `$` is
/// itself.
fn expand(p: &Pattern, caps: &Captures, template: &str, out: &mut String) {
    static NAME: OnceLock<regex::Regex> = OnceLock::new();
    let name_re = NAME.get_or_init(|| regex::Regex::new(r"\A[\p{L}\p{Nd}_]+").expect("a valid pattern"));
    let mut rest = template;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let (braced, body) = match rest.strip_prefix('{') {
            Some(b) => (true, b),
            None => (false, rest),
        };
        let Some(name) = name_re.find(body).map(|m| m.as_str()) else {
            out.push('$');
            continue;
        };
        let after = &body[name.len()..];
        let after = if braced {
            match after.strip_prefix('}') {
                Some(a) => a,
                None => {
                    out.push('$');
                    continue;
                }
            }
        } else {
            after
        };
        rest = after;
        let group = match group_number(name) {
            Some(n) => caps.get(n),
            None => p
                .groups
                .iter()
                .enumerate()
                .filter(|(_, g)| g.as_deref() == Some(name))
                .find_map(|(i, _)| caps.get(i + 1)),
        };
        if let Some(m) = group {
            out.push_str(m.as_str());
        }
    }
    out.push_str(rest);
}

/// The group number a `$name` stands for, as Go reads it: ASCII digits
/// without a leading zero (but `0`), at most nine of them.
fn group_number(name: &str) -> Option<usize> {
    if name.len() > 1 && name.starts_with('0') {
        return None;
    }
    let mut n: usize = 0;
    for b in name.bytes() {
        if !b.is_ascii_digit() || n >= 100_000_000 {
            return None;
        }
        n = n * 10 + usize::from(b - b'0');
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::super::strings::table::check;

    // What `terraform console` (v1.11.4) printed for each expression on
    // this machine. Regex arguments are HCL strings, so `\\d` is `\d`.

    #[test]
    fn regex_matches_as_terraform() {
        check(REGEX);
    }

    #[test]
    fn regexall_matches_as_terraform() {
        check(REGEXALL);
    }

    #[test]
    fn replace_with_patterns_as_terraform() {
        check(REPLACE_RE);
    }

    #[test]
    fn unknown_strings_still_give_typed_results() {
        use super::super::{call, FuncContext};
        use crate::lang::types::Type;
        use crate::lang::value::Value;
        let ctx = FuncContext::default();
        let call2 = |f: &str, p: &str| call(f, vec![Value::string(p), Value::Unknown(Type::String)], &ctx).unwrap();
        assert_eq!(call2("regex", "a"), Ok(Value::Unknown(Type::String)));
        assert_eq!(
            call2("regex", "(a)(b)"),
            Ok(Value::Unknown(Type::tuple(vec![Type::String, Type::String])))
        );
        assert_eq!(
            call2("regexall", "(?P<x>a)"),
            Ok(Value::Unknown(Type::list(Type::object([(
                "x".to_string(),
                Type::String
            )]))))
        );
        // A bad pattern is an error even so.
        assert!(call2("regex", "(").is_err());
        let unknown_pattern = call("regexall", vec![Value::Unknown(Type::String), Value::string("a")], &ctx);
        assert_eq!(unknown_pattern.unwrap(), Ok(Value::Unknown(Type::list(Type::Dynamic))));
    }

    #[rustfmt::skip]
    const REGEX: &[(&str, &str)] = &[
        // Result shapes.
        (r#"regex("[a-z]+", "123abc")"#, r#""abc""#),
        (r#"regex("(\\d+)-(\\d+)", "10-20")"#, r#"[
  "10",
  "20",
]"#),
        (r#"regex("(?P<a>\\d+)-(?<b>\\d+)", "10-20")"#, r#"{
  "a" = "10"
  "b" = "20"
}"#),
        (r#"regex("(?:a)(b)", "ab")"#, r#"[
  "b",
]"#),
        (r#"regex("(a)|(b)", "b")"#, r#"[
  tostring(null),
  "b",
]"#),
        (r#"regex("(?P<a>a)|(?P<b>b)", "b")"#, r#"{
  "a" = tostring(null)
  "b" = "b"
}"#),
        (r#"regex("(?P<a>x)(?P<a>y)", "xy")"#, r#"{
  "a" = "y"
}"#),
        (r#"regex("(?P<a>x)|(?P<a>y)", "y")"#, r#"{
  "a" = "y"
}"#),
        (r#"regex("(?P<a>x)|(?P<a>y)", "x")"#, r#"{
  "a" = tostring(null)
}"#),
        (r#"regex("(?P<1a>x)", "x")"#, r#"{
  "1a" = "x"
}"#),
        (r#"regex("()", "a")"#, r#"[
  "",
]"#),
        (r#"regex("(|a)", "a")"#, r#"[
  "",
]"#),
        (r#"regex("a|", "b")"#, r#""""#),
        (r#"regex("(a){0}", "b")"#, r#"[
  tostring(null),
]"#),
        (r#"regex("(?P<a>x)(y)", "xy")"#, r#"error: invalid regexp pattern: cannot mix both named and unnamed capture groups"#),
        (r#"regex("z", "abc")"#, r#"error: pattern did not match any part of the given string"#),
        (r#"regex("^b", "ab")"#, r#"error: pattern did not match any part of the given string"#),
        (r#"regex("x", "")"#, r#"error: pattern did not match any part of the given string"#),
        (r#"regex("", "")"#, r#""""#),
        // Go's ASCII classes and boundaries, on non-ASCII text.
        (r#"regex("\\w+", "héllo")"#, r#""h""#),
        (r#"regex("\\W+", "héllo")"#, r#""é""#),
        (r#"regex("\\d+", "٣4")"#, r#""4""#),
        (r#"regex("\\D+", "٣4")"#, r#""٣""#),
        (r#"regex("\\s+", "\u00a0\u2003 \t\nx")"#, "<<EOT
 \u{9}

EOT"),
        (r#"regex("\\S+", "\u00a0a\u2003")"#, r#""\u00a0a\u2003""#),
        (r#"regex("\\bé", "é")"#, r#"error: pattern did not match any part of the given string"#),
        (r#"regex("a\\b", "aé")"#, r#""a""#),
        (r#"regex("[[:alpha:]]+", "héllo")"#, r#""h""#),
        (r#"regex("[[:^alpha:]]+", "éa")"#, r#""é""#),
        (r#"regex("[[:word:]]+", "ab_é")"#, r#""ab_""#),
        (r#"regex("[\\d\\s]+", "1 2a")"#, r#""1 2""#),
        (r#"regex("[^\\d]+", "ab1")"#, r#""ab""#),
        (r#"regex("[\\D]+", "ab1")"#, r#""ab""#),
        (r#"regex("(?i)[[:upper:]]+", "abC")"#, r#""abC""#),
        // Unicode classes, Go's names only.
        (r#"regex("\\pL+", "héllo1")"#, r#""héllo""#),
        (r#"regex("\\PL+", "12a")"#, r#""12""#),
        (r#"regex("\\p{Greek}+", "αβγd")"#, r#""αβγ""#),
        (r#"regex("\\p{^Greek}+", "abc")"#, r#""abc""#),
        (r#"regex("\\P{^L}", "1a")"#, r#""a""#),
        (r#"regex("[\\P{L}]+", "12a")"#, r#""12""#),
        (r#"regex("[^\\P{L}]+", "12a")"#, r#""a""#),
        (r#"regex("[\\p{^L}a]+", "12a")"#, r#""12a""#),
        (r#"regex("\\p{Lu}", "aB")"#, r#""B""#),
        (r#"regex("\\p{Latin}", "a")"#, r#""a""#),
        (r#"regex("\\pZ", "a b")"#, r#"" ""#),
        (r#"regex("\\p{Any}+", "ab")"#, r#""ab""#),
        (r#"regex("\\p{Co}", "a")"#, r#"error: pattern did not match any part of the given string"#),
        (r#"regex("\\p{C}", "\u0378")"#, r#"error: pattern did not match any part of the given string"#),
        (r#"regex("\\p{greek}+", "αβγd")"#, r#"error: invalid regexp pattern: invalid character class range in \p{greek}"#),
        (r#"regex("\\p{Latn}", "a")"#, r#"error: invalid regexp pattern: invalid character class range in \p{Latn}"#),
        (r#"regex("\\p{Alphabetic}", "a")"#, r#"error: invalid regexp pattern: invalid character class range in \p{Alphabetic}"#),
        (r#"regex("\\p{L&}", "a")"#, r#"error: invalid regexp pattern: invalid character class range in \p{L&}"#),
        (r#"regex("\\p{LC}", "a")"#, r#"error: invalid regexp pattern: invalid character class range in \p{LC}"#),
        (r#"regex("\\p{Cn}", "a")"#, r#"error: invalid regexp pattern: invalid character class range in \p{Cn}"#),
        (r#"regex("\\p{Letter}", "a")"#, r#"error: invalid regexp pattern: invalid character class range in \p{Letter}"#),
        (r#"regex("\\p", "a")"#, r#"error: invalid regexp pattern: invalid character class range in \p"#),
        (r#"regex("\\p{", "a")"#, r#"error: invalid regexp pattern: invalid character class range in \p{"#),
        (r#"regex("\\pX", "a")"#, r#"error: invalid regexp pattern: invalid character class range in \pX"#),
        // Case folding and flags.
        (r#"regex("(?i)straße", "STRASSE")"#, r#"error: pattern did not match any part of the given string"#),
        (r#"regex("(?i)k", "\u212a")"#, r#""K""#),
        (r#"regex("(?i)Σ", "ς")"#, r#""ς""#),
        (r#"regex("(?i)ǅ", "ǆ")"#, r#""ǆ""#),
        (r#"regex("(?i)[^a]", "A")"#, r#"error: pattern did not match any part of the given string"#),
        (r#"regex("(?i)a|b", "B")"#, r#""B""#),
        (r#"regex("(?i:a)b", "Ab")"#, r#""Ab""#),
        (r#"regex("(?i-i:A)", "a")"#, r#"error: pattern did not match any part of the given string"#),
        (r#"regex("(?s).", "\n")"#, r#"<<EOT


EOT"#),
        (r#"regex("(?s:.)+", "a\nb")"#, r#"<<EOT
a
b
EOT"#),
        (r#"regex("(?im-s:a.)", "A\n")"#, r#"error: pattern did not match any part of the given string"#),
        (r#"regex("(?U)a+", "aaa")"#, r#""a""#),
        (r#"regex("(?U)(a+)(a+?)", "aaaa")"#, r#"[
  "a",
  "aaa",
]"#),
        (r#"regex("(?m)^b$", "a\nb\nc")"#, r#""b""#),
        (r#"regex("(?m)$", "a\nb")"#, r#""""#),
        (r#"regex("a$", "a\n")"#, r#"error: pattern did not match any part of the given string"#),
        (r#"regex("(?)a", "a")"#, r#""a""#),
        (r#"regex("(?x) a b", "ab")"#, r#"error: invalid regexp pattern: invalid or unsupported Perl syntax in (?x"#),
        (r#"regex("(?u)a", "a")"#, r#"error: invalid regexp pattern: invalid or unsupported Perl syntax in (?u"#),
        (r#"regex("(?i-)a", "A")"#, r#"error: invalid regexp pattern: invalid or unsupported Perl syntax in (?i-)"#),
        (r#"regex("(?-)a", "a")"#, r#"error: invalid regexp pattern: invalid or unsupported Perl syntax in (?-)"#),
        // Literals Go reads differently from Rust's regex crate.
        (r#"regex("\\<a\\>", "<a>")"#, r#""<a>""#),
        (r#"regex("x{,5}", "x{,5}")"#, r#""x{,5}""#),
        (r#"regex("x{a}", "x{a}")"#, r#""x{a}""#),
        (r#"regex("a{,}", "a{,}")"#, r#""a{,}""#),
        (r#"regex("a{01}", "a{01}")"#, r#""a{01}""#),
        (r#"regex("a{2", "a{2")"#, r#""a{2""#),
        (r#"regex("\\Q.*\\E+", ".*.*")"#, r#"".*""#),
        (r#"regex("\\Qab", "ab")"#, r#""ab""#),
        (r#"regex("a\\Q\\E*", "aa")"#, r#""aa""#),
        (r#"regex("\\101\\0", "A\u0000")"#, r#""A\x00""#),
        (r#"regex("\\x41\\x{42}", "AB")"#, r#""AB""#),
        (r#"regex("[\\x{61}-\\x{63}]+", "abcd")"#, r#""abc""#),
        (r#"regex("[\\141]", "a")"#, r#""a""#),
        (r#"regex("\\a\\f\\t\\v", "\u0007\u000c\t\u000b")"#, r#""\a\f\t\v""#),
        (r#"regex("[a-z&&b]+", "a&&b")"#, r#""a&&b""#),
        (r#"regex("[a-b-c]+", "a-c")"#, r#""a-c""#),
        (r#"regex("[a-]+", "a-")"#, r#""a-""#),
        (r#"regex("[-a]+", "-a")"#, r#""-a""#),
        (r#"regex("[^-]+", "a-")"#, r#""a""#),
        (r#"regex("[a\\-z]+", "-")"#, r#""-""#),
        (r#"regex("[]a]+", "]a")"#, r#""]a""#),
        (r#"regex("[^]a]+", "b]")"#, r#""b""#),
        (r#"regex("[\\]]", "]")"#, r#""]""#),
        (r#"regex("[[]", "[")"#, r#""[""#),
        (r#"regex("[a[:digit:]]+", "a1")"#, r#""a1""#),
        (r##"regex("#a", "#a")"##, r##""#a""##),
        (r#"regex("&&", "&&")"#, r#""&&""#),
        (r#"regex("~", "~")"#, r#""~""#),
        (r#"regex(" a ", " a ")"#, r#"" a ""#),
        (r#"regex("\\ ", " ")"#, r#"" ""#),
        (r#"regex("\\_", "_")"#, r#""_""#),
        (r#"regex("\\-\\!\\#", "-!#")"#, r#""-!#""#),
        (r#"regex(".", "\u00e9")"#, r#""é""#),
        // Repeats.
        (r#"regex("a*?", "a")"#, r#""""#),
        (r#"regex("a{2}?", "aa")"#, r#""aa""#),
        (r#"regex("a{1,}", "aaa")"#, r#""aaa""#),
        (r#"regex("a{0}", "b")"#, r#""""#),
        (r#"regex("(?:a{500}){0}", "b")"#, r#""""#),
        (r#"regex("a{1000}", "a")"#, r#"error: pattern did not match any part of the given string"#),
        (r#"regex("(x{2}){3}", "xxxxxx")"#, r#"[
  "xx",
]"#),
        (r#"regex("a(?i)*", "aa")"#, r#""aa""#),
        (r#"regex("^*", "a")"#, r#""""#),
        (r#"regex("$+", "a")"#, r#""""#),
        (r#"regex("\\b+", "a")"#, r#""""#),
        // Submatches as a backtracker picks them.
        (r#"regex("(a*)*", "b")"#, r#"[
  "",
]"#),
        (r#"regex("(a*)*", "aa")"#, r#"[
  "aa",
]"#),
        (r#"regex("(a*)+", "b")"#, r#"[
  "",
]"#),
        (r#"regex("(a|b)*", "ab")"#, r#"[
  "b",
]"#),
        (r#"regex("(a?)*", "aa")"#, r#"[
  "a",
]"#),
        (r#"regex("(a*?)*", "aa")"#, r#"[
  "",
]"#),
        (r#"regex("(a|)*", "aa")"#, r#"[
  "a",
]"#),
        (r#"regex("(|a)*", "aa")"#, r#"[
  "",
]"#),
        (r#"regex("(a*)*?", "aa")"#, r#"[
  tostring(null),
]"#),
        (r#"regex("((a)|b)*", "ab")"#, r#"[
  "b",
  "a",
]"#),
        (r#"regex("(a)*", "b")"#, r#"[
  tostring(null),
]"#),
        (r#"regex("(a+|b+)*c", "aabbc")"#, r#"[
  "bb",
]"#),
        (r#"regex("(a*)(a*)", "aaa")"#, r#"[
  "aaa",
  "",
]"#),
        (r#"regex("(a*?)(a*)", "aaa")"#, r#"[
  "",
  "aaa",
]"#),
        (r#"regex("(?:(a)|(b))+", "ab")"#, r#"[
  "a",
  "b",
]"#),
        (r#"regex("(?:(a)|b)*", "ba")"#, r#"[
  "a",
]"#),
        (r#"regex("(x{0,2})*y", "xxxy")"#, r#"[
  "x",
]"#),
        // Syntax errors, with Go's codes.
        (r#"regex("(", "abc")"#, r#"error: invalid regexp pattern: missing closing ) in ("#),
        (r#"regex("a)", "a")"#, r#"error: invalid regexp pattern: unexpected ) in a)"#),
        (r#"regex("[]", "a")"#, r#"error: invalid regexp pattern: missing closing ] in []"#),
        (r#"regex("[[:alpha:]", "a")"#, r#"error: invalid regexp pattern: missing closing ] in [[:alpha:]"#),
        (r#"regex("[[:foo:]]", "a")"#, r#"error: invalid regexp pattern: invalid character class range in [:foo:]"#),
        (r#"regex("[z-a]", "a")"#, r#"error: invalid regexp pattern: invalid character class range in z-a"#),
        (r#"regex("[a--]+", "a-")"#, r#"error: invalid regexp pattern: invalid character class range in a--"#),
        (r#"regex("[a-\\d]", "a")"#, r#"error: invalid regexp pattern: invalid escape sequence in \d"#),
        (r#"regex("a{1001}", "a")"#, r#"error: invalid regexp pattern: invalid repeat count in {1001}"#),
        (r#"regex("a{2,1}", "a")"#, r#"error: invalid regexp pattern: invalid repeat count in {2,1}"#),
        (r#"regex("(a{500}){3}", "a")"#, r#"error: invalid regexp pattern: invalid repeat count in {3}"#),
        (r#"regex("a**", "a")"#, r#"error: invalid regexp pattern: invalid nested repetition operator in **"#),
        (r#"regex("a++", "a")"#, r#"error: invalid regexp pattern: invalid nested repetition operator in ++"#),
        (r#"regex("x*+", "x")"#, r#"error: invalid regexp pattern: invalid nested repetition operator in *+"#),
        (r#"regex("x{2}{3}", "xxxxxx")"#, r#"error: invalid regexp pattern: invalid nested repetition operator in {2}{3}"#),
        (r#"regex("a{1,2}{3}", "a")"#, r#"error: invalid regexp pattern: invalid nested repetition operator in {1,2}{3}"#),
        (r#"regex("*a", "a")"#, r#"error: invalid regexp pattern: missing argument to repetition operator in *"#),
        (r#"regex("a|*", "a")"#, r#"error: invalid regexp pattern: missing argument to repetition operator in *"#),
        (r#"regex("(*a)", "a")"#, r#"error: invalid regexp pattern: missing argument to repetition operator in *"#),
        (r#"regex("{2}", "{2}")"#, r#"error: invalid regexp pattern: missing argument to repetition operator in {2}"#),
        (r#"regex("(?i)(?i)*", "a")"#, r#"error: invalid regexp pattern: missing argument to repetition operator in *"#),
        (r#"regex("\\Q\\E*", "a")"#, r#"error: invalid regexp pattern: missing argument to repetition operator in *"#),
        (r#"regex("\\1", "a")"#, r#"error: invalid regexp pattern: invalid escape sequence in \1"#),
        (r#"regex("\\8", "a")"#, r#"error: invalid regexp pattern: invalid escape sequence in \8"#),
        (r#"regex("\\Z", "a")"#, r#"error: invalid regexp pattern: invalid escape sequence in \Z"#),
        (r#"regex("\\C", "a")"#, r#"error: invalid regexp pattern: invalid escape sequence in \C"#),
        (r#"regex("\\e", "a")"#, r#"error: invalid regexp pattern: invalid escape sequence in \e"#),
        (r#"regex("\\X", "a")"#, r#"error: invalid regexp pattern: invalid escape sequence in \X"#),
        (r#"regex("\\R", "a")"#, r#"error: invalid regexp pattern: invalid escape sequence in \R"#),
        (r#"regex("\\h", "a")"#, r#"error: invalid regexp pattern: invalid escape sequence in \h"#),
        (r#"regex("\\é", "é")"#, r#"error: invalid regexp pattern: invalid escape sequence in \é"#),
        (r#"regex("\\", "a")"#, r#"error: invalid regexp pattern: trailing backslash at end of expression in "#),
        (r#"regex("\\x{110000}", "a")"#, r#"error: invalid regexp pattern: invalid escape sequence in \x{110000"#),
        (r#"regex("\\x{}", "a")"#, r#"error: invalid regexp pattern: invalid escape sequence in \x{}"#),
        (r#"regex("\\xZ1", "a")"#, r#"error: invalid regexp pattern: invalid escape sequence in \xZ1"#),
        (r#"regex("\\x4", "a")"#, r#"error: invalid regexp pattern: invalid escape sequence in \x4"#),
        (r#"regex("(?P=a)", "a")"#, r#"error: invalid regexp pattern: invalid or unsupported Perl syntax in (?P"#),
        (r#"regex("(?P<a>x)(?P=a)", "xx")"#, r#"error: invalid regexp pattern: invalid or unsupported Perl syntax in (?P"#),
        (r#"regex("(?<=a)b", "ab")"#, r#"error: invalid regexp pattern: invalid named capture in (?<=a)b"#),
        (r#"regex("(?!a)b", "b")"#, r#"error: invalid regexp pattern: invalid or unsupported Perl syntax in (?!"#),
        (r#"regex("(?P<a-b>x)", "x")"#, r#"error: invalid regexp pattern: invalid named capture in (?P<a-b>"#),
        (r#"regex("(?P<>x)", "x")"#, r#"error: invalid regexp pattern: invalid named capture in (?P<>"#),
        (r#"regex("(?P<a", "x")"#, r#"error: invalid regexp pattern: invalid named capture in (?P<a"#),
        (r#"regex(null, "a")"#, r#"error~ must not be null [terraform: argument must not be null]"#),
    ];

    #[rustfmt::skip]
    const REGEXALL: &[(&str, &str)] = &[
        (r#"regexall("\\d", "a1b2")"#, r#"tolist([
  "1",
  "2",
])"#),
        (r#"regexall("z", "a")"#, r#"tolist([])"#),
        (r#"regexall("(\\d)(\\w)", "1a2b")"#, r#"tolist([
  [
    "1",
    "a",
  ],
  [
    "2",
    "b",
  ],
])"#),
        (r#"regexall("(?P<k>\\w+)=(?P<v>\\w*)", "a=1 b= c=3")"#, r#"tolist([
  {
    "k" = "a"
    "v" = "1"
  },
  {
    "k" = "b"
    "v" = ""
  },
  {
    "k" = "c"
    "v" = "3"
  },
])"#),
        (r#"regexall("(?P<a>a)|(?P<b>b)", "ab")"#, r#"tolist([
  {
    "a" = "a"
    "b" = tostring(null)
  },
  {
    "a" = tostring(null)
    "b" = "b"
  },
])"#),
        (r#"regexall("", "ab")"#, r#"tolist([
  "",
  "",
  "",
])"#),
        (r#"regexall("", "é")"#, r#"tolist([
  "",
  "",
])"#),
        (r#"regexall("", "")"#, r#"tolist([
  "",
])"#),
        (r#"regexall("a*", "baaab")"#, r#"tolist([
  "",
  "aaa",
  "",
])"#),
        (r#"regexall("x*", "éxé")"#, r#"tolist([
  "",
  "x",
  "",
])"#),
        (r#"regexall("a|", "ab")"#, r#"tolist([
  "a",
  "",
])"#),
        (r#"regexall("\\B", "é")"#, r#"tolist([
  "",
  "",
])"#),
        (r#"regexall("\\B", "éa")"#, r#"tolist([
  "",
])"#),
        (r#"regexall("\\b", "ab")"#, r#"tolist([
  "",
  "",
])"#),
        (r#"regexall("\\bx", "éx x")"#, r#"tolist([
  "x",
  "x",
])"#),
        (r#"regexall("\\s", "a\u00a0b c\u2003d\u000be")"#, r#"tolist([
  " ",
])"#),
        (r#"regexall("(?m)^.", "ab\ncd")"#, r#"tolist([
  "a",
  "c",
])"#),
        (r#"regexall("(a)|b", "ab")"#, r#"tolist([
  [
    "a",
  ],
  [
    tostring(null),
  ],
])"#),
        (r#"regexall("[[:punct:]]", "a.b,c!")"#, r#"tolist([
  ".",
  ",",
  "!",
])"#),
        (r#"regexall("\\p{Han}", "日本語abc")"#, r#"tolist([
  "日",
  "本",
  "語",
])"#),
        (r#"regexall("(", "a")"#, r#"error: invalid regexp pattern: missing closing ) in ("#),
    ];

    #[rustfmt::skip]
    const REPLACE_RE: &[(&str, &str)] = &[
        (r#"replace("hello world", "/o(.)/", "0$1")"#, r#""hell0 w0rld""#),
        (r#"replace("2024-01-02", "/(\\d+)-(\\d+)-(\\d+)/", "$3/$2/$1")"#, r#""02/01/2024""#),
        (r#"replace("hello", "/l/", "$$")"#, r#""he$$o""#),
        (r#"replace("hello", "/l/", "$0")"#, r#""hello""#),
        (r#"replace("abc", "/(?i)B/", "$0$0")"#, r#""abbc""#),
        (r#"replace("hello", "/(?P<x>l)/", "[$x]")"#, r#""he[l][l]o""#),
        (r#"replace("hello", "/(?P<x>l)/", "[$${x}]")"#, r#""he[l][l]o""#),
        (r#"replace("hello", "/(?P<x>l)/", "$${x}$x-$1")"#, r#""hell-lll-lo""#),
        (r#"replace("hello", "/(l)/", "$1x")"#, r#""heo""#),
        (r#"replace("hello", "/(l)/", "$${1}x")"#, r#""helxlxo""#),
        (r#"replace("hello", "/(l)/", "$2")"#, r#""heo""#),
        (r#"replace("hello", "/(l)/", "$")"#, r#""he$$o""#),
        (r#"replace("hello", "/(l)/", "$${")"#, r#""he${${o""#),
        (r#"replace("hello", "/(l)/", "$${1")"#, r#""he${1${1o""#),
        (r#"replace("hello", "/(l)/", "$${}")"#, r#""he${}${}o""#),
        (r#"replace("hello", "/(l)/", "$${x y}")"#, r#""he${x y}${x y}o""#),
        (r#"replace("hello", "/(l)/", "$01")"#, r#""heo""#),
        (r#"replace("hello", "/(l)/", "$é")"#, r#""heo""#),
        (r#"replace("hello", "/(l)/", "$1$$1")"#, r#""hel$1l$1o""#),
        (r#"replace("abc", "/(b)(c)?/", "[$2]")"#, r#""a[c]""#),
        (r#"replace("xyz", "/(?P<a>x)|(?P<a>y)/", "[$a]")"#, r#""[x][y]z""#),
        (r#"replace("abc", "/x*/", "-")"#, r#""-a-b-c-""#),
        (r#"replace("abc", "//", "-")"#, r#""-a-b-c-""#),
        (r#"replace("aaa", "/a*/", "-")"#, r#""-""#),
        (r#"replace("baaac", "/a*/", "-")"#, r#""-b-c-""#),
        (r#"replace("éxé", "/x*/", "-")"#, r#""-é-é-""#),
        (r#"replace("abc", "/$/", "!")"#, r#""abc!""#),
        (r#"replace("abc", "/^/", "!")"#, r#""!abc""#),
        (r#"replace("a\nb", "/(?m)^/", "> ")"#, r#"<<EOT
> a
> b
EOT"#),
        (r#"replace("héllo", "/\\w/", "_")"#, r#""_é___""#),
        (r#"replace("a b\u00a0c", "/\\s/", "_")"#, r#""a_b\u00a0c""#),
        (r#"replace("a.b.c", "/\\./", "-")"#, r#""a-b-c""#),
        (r#"replace("Hello World", "/(?i)WORLD/", "There")"#, r#""Hello There""#),
        (r#"replace("abc", "/(/", "-")"#, r#"error: error parsing regexp: missing closing ): `(`"#),
        (r#"replace("abc", "/a{1001}/", "-")"#, r#"error: error parsing regexp: invalid repeat count: `{1001}`"#),
        (r#"replace("abc", "/\\/", "-")"#, r#"error: error parsing regexp: trailing backslash at end of expression: ``"#),
        (r#"replace("abc", "/(?P<a/", "-")"#, r#"error: error parsing regexp: invalid named capture: `(?P<a`"#),
    ];
}
