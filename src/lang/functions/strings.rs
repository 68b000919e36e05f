//! String functions, `format` and regular expressions.

use super::{func, int_arg, param, seq_arg, string_arg, FnError, FnResult, FuncContext, Function};
use crate::lang::number::Number;
use crate::lang::types::Type;
use crate::lang::value::{Map, Value};
use std::fmt::Write;

pub fn register(r: &mut Vec<Function>) {
    let str_ = |n| param(n, Type::String);
    let s1 = |name, f| func(name, vec![param("str", Type::String)], Type::String, f);
    let s2 = |name, b: &'static str, f| func(name, vec![param("str", Type::String), str_(b)], Type::String, f);
    let p2 = |name, b: &'static str, f| func(name, vec![param("str", Type::String), str_(b)], Type::Bool, f);
    r.extend([
        func("join", vec![str_("separator")], Type::String, join)
            .variadic(param("lists", Type::list(Type::String)))
            .deep(),
        func(
            "split",
            vec![str_("separator"), str_("str")],
            Type::list(Type::String),
            split,
        ),
        s1("lower", lower),
        s1("upper", upper),
        s1("title", title),
        s1("trimspace", trimspace),
        s2("trim", "cutset", trim),
        s2("trimprefix", "prefix", trimprefix),
        s2("trimsuffix", "suffix", trimsuffix),
        p2("startswith", "prefix", startswith),
        p2("endswith", "suffix", endswith),
        p2("strcontains", "substr", strcontains),
        func(
            "replace",
            vec![str_("str"), str_("substr"), str_("replace")],
            Type::String,
            replace,
        ),
        func(
            "substr",
            vec![
                str_("str"),
                param("offset", Type::Number),
                param("length", Type::Number),
            ],
            Type::String,
            substr,
        ),
        func("regex", vec![str_("pattern"), str_("string")], Type::Dynamic, regex),
        func(
            "regexall",
            vec![str_("pattern"), str_("string")],
            Type::Dynamic,
            regexall,
        ),
        func(
            "tostring",
            vec![param("v", Type::String).null()],
            Type::String,
            |a, _| Ok(a[0].clone()),
        ),
        func("tobool", vec![param("v", Type::Bool).null()], Type::Bool, |a, _| {
            Ok(a[0].clone())
        }),
        func("format", vec![str_("format")], Type::String, format)
            .variadic(param("args", Type::Dynamic).null())
            .deep(),
        func("formatlist", vec![str_("format")], Type::list(Type::String), formatlist)
            .variadic(param("args", Type::Dynamic).null())
            .deep(),
    ]);
}

pub fn join(a: &[Value], _: &FuncContext) -> FnResult {
    let sep = string_arg(a, 0)?;
    let mut parts = Vec::new();
    for i in 1..a.len() {
        for v in seq_arg(a, i)? {
            if v.is_null() {
                return Err(FnError::arg(i, "element is null; cannot concatenate null values"));
            }
            parts.push(v.to_template_string().unwrap_or_default());
        }
    }
    Ok(Value::String(parts.join(&sep)))
}

pub fn split(a: &[Value], _: &FuncContext) -> FnResult {
    let sep = string_arg(a, 0)?;
    let s = string_arg(a, 1)?;
    if sep.is_empty() {
        return Ok(Value::List(
            Type::String,
            s.chars().map(|c| Value::String(c.to_string())).collect(),
        ));
    }
    Ok(Value::List(
        Type::String,
        s.split(sep.as_str()).map(Value::string).collect(),
    ))
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
    let text = |m: Option<regex::Match>| m.map_or(Value::Null(Type::String), |m| Value::string(m.as_str()));
    if re.captures_len() == 1 {
        return text(caps.get(0));
    }
    if re.capture_names().flatten().next().is_some() {
        let mut m = Map::new();
        for name in re.capture_names().flatten() {
            m.insert(name.to_string(), text(caps.name(name)));
        }
        return Value::Object(m);
    }
    Value::Tuple((1..re.captures_len()).map(|i| text(caps.get(i))).collect())
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
    Ok(Value::list(
        re.captures_iter(&s).map(|c| captures_value(&re, &c)).collect(),
    ))
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
    Ok(Value::List(Type::String, out))
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
    let need_number = || -> Result<Number, FnError> {
        arg.as_number()
            .cloned()
            .or_else(|| arg.as_str().and_then(Number::parse))
            .ok_or_else(|| FnError::arg(argn, format!("%{verb} needs a number, got {}", arg.friendly_type())))
    };
    let signed = |s: String, n: &Number| if plus && !n.is_negative() { format!("+{s}") } else { s };
    Ok(match verb {
        'v' => match arg {
            Value::Null(_) => "null".to_string(),
            v if v.as_seq().is_some() || v.as_map().is_some() => arg.to_json().to_string(),
            v => v.to_template_string().unwrap_or_default(),
        },
        's' => {
            let s = arg
                .to_template_string()
                .ok_or_else(|| FnError::arg(argn, format!("%s needs a string, got {}", arg.friendly_type())))?;
            match precision {
                Some(p) => s.chars().take(p).collect(),
                None => s,
            }
        }
        'q' => {
            let s = arg
                .to_template_string()
                .ok_or_else(|| FnError::arg(argn, format!("%q needs a string, got {}", arg.friendly_type())))?;
            serde_json::to_string(&s).unwrap_or_default()
        }
        't' => match arg.as_bool() {
            Some(b) => b.to_string(),
            None => {
                return Err(FnError::arg(
                    argn,
                    format!("%t needs a bool, got {}", arg.friendly_type()),
                ))
            }
        },
        'd' => {
            let n = need_number()?;
            if !n.is_integer() {
                return Err(FnError::arg(argn, format!("%d needs a whole number, got {n}")));
            }
            signed(n.to_string(), &n)
        }
        'f' | 'F' => {
            let n = need_number()?;
            signed(n.text('f', precision.unwrap_or(6) as i32), &n)
        }
        'e' => {
            let n = need_number()?;
            signed(n.text('e', precision.unwrap_or(6) as i32), &n)
        }
        'g' => {
            let n = need_number()?;
            signed(n.text('g', precision.map_or(-1, |p| p as i32)), &n)
        }
        'x' | 'X' | 'o' | 'b' => {
            let n = need_number()?;
            let i = n
                .to_i64()
                .ok_or_else(|| FnError::arg(argn, format!("%{verb} needs a whole number")))?;
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
        assert_eq!(show(r#"split(",", "a,b")"#), "tolist([\n  \"a\",\n  \"b\",\n])");
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
        assert_eq!(ok(r#"regex("(\\d+)-(\\d+)", "10-20")"#), tuple(&["10", "20"]));
        assert_eq!(
            ok(r#"regex("(?P<a>\\d+)-(?P<b>\\d+)", "10-20")"#),
            ok(r#"{a = "10", b = "20"}"#)
        );
        assert!(eval(r#"regex("z", "abc")"#).unwrap_err().contains("did not match"));
        assert_eq!(ok(r#"regexall("\\d", "a1b2")"#), list(&["1", "2"]));
        assert_eq!(ok(r#"regexall("z", "a")"#).as_seq().map(|s| s.len()), Some(0));
    }

    #[test]
    fn tostring_and_tobool() {
        assert_eq!(ok("tostring(1.5)"), s("1.5"));
        assert_eq!(ok("tostring(true)"), s("true"));
        assert!(ok("tostring(null)").is_null());
        assert!(eval("tostring([1])").is_err());
        assert_eq!(ok(r#"tobool("true")"#), Value::Bool(true));
        assert!(eval(r#"tobool("yes")"#).is_err());
    }
}
