//! String functions, `format` and regular expressions.

use super::{int_arg, seq_arg, string_arg, FnError, FnResult, FuncContext};
use crate::lang::value::{format_number, Map, Value};
use std::fmt::Write;

pub fn join(a: &[Value], _: &FuncContext) -> FnResult {
    let sep = string_arg(a, 0)?;
    let parts = seq_arg(a, 1)?
        .iter()
        .map(|v| {
            v.to_template_string()
                .ok_or_else(|| FnError::arg(1, format!("join() takes a list of strings, found {}", v.type_name())))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Value::String(parts.join(&sep)))
}

pub fn split(a: &[Value], _: &FuncContext) -> FnResult {
    let sep = string_arg(a, 0)?;
    let s = string_arg(a, 1)?;
    if sep.is_empty() {
        return Ok(Value::List(s.chars().map(|c| Value::String(c.to_string())).collect()));
    }
    Ok(Value::List(s.split(sep.as_str()).map(Value::string).collect()))
}

fn map_str(a: &[Value], f: impl Fn(&str) -> String) -> FnResult {
    Ok(Value::String(f(&string_arg(a, 0)?)))
}

pub fn lower(a: &[Value], _: &FuncContext) -> FnResult {
    map_str(a, str::to_lowercase)
}

pub fn upper(a: &[Value], _: &FuncContext) -> FnResult {
    map_str(a, str::to_uppercase)
}

/// Upper-cases the first letter of each word; letters, digits and `_` make up words.
pub fn title(a: &[Value], _: &FuncContext) -> FnResult {
    map_str(a, |s| {
        let mut out = String::with_capacity(s.len());
        let mut at_word_start = true;
        for c in s.chars() {
            if at_word_start {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            at_word_start = !(c.is_alphanumeric() || c == '_');
        }
        out
    })
}

pub fn trimspace(a: &[Value], _: &FuncContext) -> FnResult {
    map_str(a, |s| s.trim().to_string())
}

pub fn trim(a: &[Value], _: &FuncContext) -> FnResult {
    let cutset: Vec<char> = string_arg(a, 1)?.chars().collect();
    map_str(a, |s| s.trim_matches(|c| cutset.contains(&c)).to_string())
}

pub fn trimprefix(a: &[Value], _: &FuncContext) -> FnResult {
    let p = string_arg(a, 1)?;
    map_str(a, |s| s.strip_prefix(p.as_str()).unwrap_or(s).to_string())
}

pub fn trimsuffix(a: &[Value], _: &FuncContext) -> FnResult {
    let p = string_arg(a, 1)?;
    map_str(a, |s| s.strip_suffix(p.as_str()).unwrap_or(s).to_string())
}

pub fn startswith(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::Bool(string_arg(a, 0)?.starts_with(&string_arg(a, 1)?)))
}

pub fn endswith(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::Bool(string_arg(a, 0)?.ends_with(&string_arg(a, 1)?)))
}

pub fn strcontains(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::Bool(string_arg(a, 0)?.contains(&string_arg(a, 1)?)))
}

/// `replace(s, sub, rep)`; a `sub` written `/re/` is a regular expression and `rep` may use `$1`.
pub fn replace(a: &[Value], _: &FuncContext) -> FnResult {
    let s = string_arg(a, 0)?;
    let sub = string_arg(a, 1)?;
    let rep = string_arg(a, 2)?;
    if sub.len() >= 2 && sub.starts_with('/') && sub.ends_with('/') {
        let re = compile(&sub[1..sub.len() - 1], 1)?;
        return Ok(Value::String(re.replace_all(&s, rep.as_str()).into_owned()));
    }
    Ok(Value::String(s.replace(&sub, &rep)))
}

/// `substr(s, offset, length)` in characters; a negative offset counts from the end,
/// a length of -1 takes the rest.
pub fn substr(a: &[Value], _: &FuncContext) -> FnResult {
    let chars: Vec<char> = string_arg(a, 0)?.chars().collect();
    let len = chars.len() as i64;
    let mut offset = int_arg(a, 1)?;
    let length = int_arg(a, 2)?;
    if offset < 0 {
        offset += len;
    }
    if offset < 0 || offset > len {
        return Err(FnError::arg(
            1,
            format!("offset {} is outside a string of {len} characters", int_arg(a, 1)?),
        ));
    }
    let end = if length < 0 { len } else { (offset + length).min(len) };
    Ok(Value::String(chars[offset as usize..end as usize].iter().collect()))
}

fn compile(pattern: &str, arg: usize) -> Result<regex::Regex, FnError> {
    regex::Regex::new(pattern).map_err(|e| FnError::arg(arg, format!("invalid regular expression: {e}")))
}

fn captures_value(re: &regex::Regex, caps: &regex::Captures) -> Value {
    let text = |m: Option<regex::Match>| m.map_or(Value::Null, |m| Value::string(m.as_str()));
    if re.captures_len() == 1 {
        return text(caps.get(0));
    }
    if re.capture_names().flatten().next().is_some() {
        let mut m = Map::new();
        for name in re.capture_names().flatten() {
            m.insert(name.to_string(), text(caps.name(name)));
        }
        return Value::Map(m);
    }
    Value::List((1..re.captures_len()).map(|i| text(caps.get(i))).collect())
}

pub fn regex(a: &[Value], _: &FuncContext) -> FnResult {
    let re = compile(&string_arg(a, 0)?, 0)?;
    let s = string_arg(a, 1)?;
    re.captures(&s)
        .map(|caps| captures_value(&re, &caps))
        .ok_or_else(|| FnError::arg(1, "the pattern did not match the string"))
}

pub fn regexall(a: &[Value], _: &FuncContext) -> FnResult {
    let re = compile(&string_arg(a, 0)?, 0)?;
    let s = string_arg(a, 1)?;
    Ok(Value::List(
        re.captures_iter(&s).map(|c| captures_value(&re, &c)).collect(),
    ))
}

pub fn tostring(a: &[Value], _: &FuncContext) -> FnResult {
    match &a[0] {
        Value::Null => Ok(Value::Null),
        v => v
            .to_template_string()
            .map(Value::String)
            .ok_or_else(|| FnError::arg(0, format!("cannot convert {} to string", v.type_name()))),
    }
}

pub fn tobool(a: &[Value], _: &FuncContext) -> FnResult {
    match &a[0] {
        Value::Null => Ok(Value::Null),
        Value::Bool(b) => Ok(Value::Bool(*b)),
        Value::String(s) if s == "true" => Ok(Value::Bool(true)),
        Value::String(s) if s == "false" => Ok(Value::Bool(false)),
        v => Err(FnError::arg(0, format!("cannot convert {v} to bool"))),
    }
}

pub fn format(a: &[Value], _: &FuncContext) -> FnResult {
    let spec = string_arg(a, 0)?;
    Ok(Value::String(sprintf(&spec, &a[1..])?))
}

/// `formatlist(spec, ...)`: lists are iterated in step, other arguments repeat.
pub fn formatlist(a: &[Value], _: &FuncContext) -> FnResult {
    let spec = string_arg(a, 0)?;
    let mut len: Option<usize> = None;
    for (i, v) in a.iter().enumerate().skip(1) {
        if let Some(items) = v.as_seq() {
            match len {
                Some(l) if l != items.len() => {
                    return Err(FnError::arg(
                        i,
                        format!("all lists must have the same length: {l} and {}", items.len()),
                    ))
                }
                _ => len = Some(items.len()),
            }
        }
    }
    let n = len.unwrap_or(1);
    let mut out = Vec::with_capacity(n);
    for row in 0..n {
        let args: Vec<Value> = a[1..]
            .iter()
            .map(|v| v.as_seq().map_or_else(|| v.clone(), |items| items[row].clone()))
            .collect();
        out.push(Value::String(sprintf(&spec, &args)?));
    }
    Ok(Value::List(out))
}

/// Go-style formatting: `%[flags][width][.precision]verb` with verbs v s q d f e g t x X o b.
fn sprintf(spec: &str, args: &[Value]) -> Result<String, FnError> {
    let mut out = String::new();
    let mut chars = spec.chars().peekable();
    let mut next_arg = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if "-+ 0#".contains(f) {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            precision = Some(p.parse().unwrap_or(0));
        }
        let verb = chars
            .next()
            .ok_or_else(|| FnError::arg(0, "the format ends in the middle of a % sequence"))?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let arg = args
            .get(next_arg)
            .ok_or_else(|| FnError::arg(0, format!("the format needs more than {} argument(s)", args.len())))?;
        next_arg += 1;
        let argn = next_arg; // position of this argument in the call
        let body = format_verb(verb, arg, precision, flags.contains('+'), argn)?;
        let width: usize = width.parse().unwrap_or(0);
        let pad = width.saturating_sub(body.chars().count());
        if flags.contains('-') {
            out.push_str(&body);
            out.extend(std::iter::repeat_n(' ', pad));
        } else if flags.contains('0') && matches!(verb, 'd' | 'f' | 'e' | 'g' | 'x' | 'X' | 'o' | 'b') {
            let (sign, digits) = match body.strip_prefix('-') {
                Some(rest) => ("-", rest),
                None => ("", body.as_str()),
            };
            out.push_str(sign);
            out.extend(std::iter::repeat_n('0', pad));
            out.push_str(digits);
        } else {
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(&body);
        }
    }
    if next_arg < args.len() {
        return Err(FnError::new(format!(
            "too many arguments: the format uses {next_arg} but {} were given",
            args.len()
        )));
    }
    Ok(out)
}

fn format_verb(verb: char, arg: &Value, precision: Option<usize>, plus: bool, argn: usize) -> Result<String, FnError> {
    let need_number = || {
        arg.as_number()
            .or_else(|| arg.as_str().and_then(|s| s.parse().ok()))
            .ok_or_else(|| FnError::arg(argn, format!("%{verb} needs a number, got {}", arg.type_name())))
    };
    let signed = |s: String, n: f64| if plus && n >= 0.0 { format!("+{s}") } else { s };
    Ok(match verb {
        'v' => match arg {
            Value::List(_) | Value::Set(_) | Value::Map(_) => arg.to_json().to_string(),
            Value::Null => "null".to_string(),
            v => v.to_template_string().unwrap_or_default(),
        },
        's' => {
            let s = arg
                .to_template_string()
                .ok_or_else(|| FnError::arg(argn, format!("%s needs a string, got {}", arg.type_name())))?;
            match precision {
                Some(p) => s.chars().take(p).collect(),
                None => s,
            }
        }
        'q' => {
            let s = arg
                .to_template_string()
                .ok_or_else(|| FnError::arg(argn, format!("%q needs a string, got {}", arg.type_name())))?;
            serde_json::to_string(&s).unwrap_or_default()
        }
        't' => match arg.as_bool() {
            Some(b) => b.to_string(),
            None => return Err(FnError::arg(argn, format!("%t needs a bool, got {}", arg.type_name()))),
        },
        'd' => {
            let n = need_number()?;
            if n.fract() != 0.0 {
                return Err(FnError::arg(
                    argn,
                    format!("%d needs a whole number, got {}", format_number(n)),
                ));
            }
            signed(format!("{}", n as i64), n)
        }
        'f' | 'F' => {
            let n = need_number()?;
            signed(format!("{:.*}", precision.unwrap_or(6), n), n)
        }
        'e' => {
            let n = need_number()?;
            signed(go_exp(n, precision.unwrap_or(6)), n)
        }
        'g' => {
            let n = need_number()?;
            signed(format_number(n), n)
        }
        'x' | 'X' | 'o' | 'b' => {
            let n = need_number()?;
            if n.fract() != 0.0 {
                return Err(FnError::arg(argn, format!("%{verb} needs a whole number")));
            }
            let i = n as i64;
            let (sign, u) = if i < 0 { ("-", i.unsigned_abs()) } else { ("", i as u64) };
            let mut s = String::from(sign);
            let _ = match verb {
                'x' => write!(s, "{u:x}"),
                'X' => write!(s, "{u:X}"),
                'o' => write!(s, "{u:o}"),
                _ => write!(s, "{u:b}"),
            };
            s
        }
        other => return Err(FnError::arg(0, format!("unsupported format verb %{other}"))),
    })
}

/// Go's `%e`: mantissa with `precision` digits and a signed exponent of at least two digits.
fn go_exp(n: f64, precision: usize) -> String {
    let s = format!("{n:.precision$e}");
    match s.split_once('e') {
        Some((m, e)) => {
            let (sign, digits) = match e.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', e),
            };
            format!("{m}e{sign}{digits:0>2}")
        }
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::lang::value::Value;

    #[test]
    fn format_verbs_match_terraform() {
        assert_eq!(
            ok(
                r#"format("%5d|%-5s|%05.2f|%q|%v|%t|%x|%%|%e", 42, "ab", 3.14159, "q\"s", [1, "a"], true, 255, 12345.678)"#
            ),
            s(r#"   42|ab   |03.14|"q\"s"|[1,"a"]|true|ff|%|1.234568e+04"#)
        );
        assert_eq!(ok(r#"format("%s-%03d", "pool", 7)"#), s("pool-007"));
        assert!(eval(r#"format("%d", "x")"#).unwrap_err().contains("%d needs a number"));
        assert!(eval(r#"format("%s %s", "a")"#).unwrap_err().contains("more than 1"));
        assert!(eval(r#"format("%s", "a", "b")"#).unwrap_err().contains("too many"));
    }

    #[test]
    fn formatlist_iterates_lists_in_step() {
        assert_eq!(ok(r#"formatlist("%s-%d", ["a", "b"], 1)"#), list(&["a-1", "b-1"]));
        assert!(eval(r#"formatlist("%s%s", ["a"], ["b", "c"])"#).is_err());
    }

    #[test]
    fn join_and_split() {
        assert_eq!(ok(r#"join(", ", ["a", "b"])"#), s("a, b"));
        assert_eq!(ok(r#"split(",", "a,b")"#), list(&["a", "b"]));
        assert_eq!(ok(r#"split(",", "")"#), list(&[""]));
        assert!(eval(r#"join(",", [[1]])"#).is_err());
    }

    #[test]
    fn case_functions() {
        assert_eq!(ok(r#"lower("AbC")"#), s("abc"));
        assert_eq!(ok(r#"upper("AbC")"#), s("ABC"));
        assert_eq!(ok(r#"title("hello wORLD-foo bar_baz")"#), s("Hello WORLD-Foo Bar_baz"));
    }

    #[test]
    fn replace_plain_and_regex() {
        assert_eq!(ok(r#"replace("a-b-c", "-", "_")"#), s("a_b_c"));
        assert_eq!(ok(r#"replace("hello world", "/o(.)/", "0$1")"#), s("hell0 w0rld"));
        assert!(eval(r#"replace("a", "/(/", "")"#)
            .unwrap_err()
            .contains("invalid regular expression"));
    }

    #[test]
    fn substr_counts_characters() {
        assert_eq!(ok(r#"substr("hello world", 1, 4)"#), s("ello"));
        assert_eq!(ok(r#"substr("hello world", -5, 3)"#), s("wor"));
        assert_eq!(ok(r#"substr("héllo", 1, -1)"#), s("éllo"));
        assert!(eval(r#"substr("abc", 10, 1)"#).is_err());
    }

    #[test]
    fn trims_and_tests() {
        assert_eq!(ok(r#"trim("?!hello?!", "!?")"#), s("hello"));
        assert_eq!(ok(r#"trimspace("  a \n")"#), s("a"));
        assert_eq!(ok(r#"trimprefix("aks-prod", "aks-")"#), s("prod"));
        assert_eq!(ok(r#"trimsuffix("aks-prod", "-prod")"#), s("aks"));
        assert_eq!(ok(r#"startswith("aks-prod", "aks")"#), Value::Bool(true));
        assert_eq!(ok(r#"endswith("aks-prod", "aks")"#), Value::Bool(false));
        assert_eq!(ok(r#"strcontains("aks-prod", "s-p")"#), Value::Bool(true));
    }

    #[test]
    fn regex_shapes_follow_the_pattern() {
        assert_eq!(ok(r#"regex("[a-z]+", "123abc")"#), s("abc"));
        assert_eq!(ok(r#"regex("(\\d+)-(\\d+)", "10-20")"#), list(&["10", "20"]));
        assert_eq!(
            ok(r#"regex("(?P<a>\\d+)-(?P<b>\\d+)", "10-20")"#),
            ok(r#"{a = "10", b = "20"}"#)
        );
        assert!(eval(r#"regex("z", "abc")"#).unwrap_err().contains("did not match"));
        assert_eq!(ok(r#"regexall("\\d", "a1b2")"#), list(&["1", "2"]));
        assert_eq!(ok(r#"regexall("z", "a")"#), Value::List(vec![]));
    }

    #[test]
    fn tostring_and_tobool() {
        assert_eq!(ok("tostring(1.5)"), s("1.5"));
        assert_eq!(ok("tostring(true)"), s("true"));
        assert_eq!(ok("tostring(null)"), Value::Null);
        assert!(eval("tostring([1])").is_err());
        assert_eq!(ok(r#"tobool("true")"#), Value::Bool(true));
        assert!(eval(r#"tobool("yes")"#).is_err());
    }
}
