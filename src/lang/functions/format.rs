//! `format` and `formatlist`: go-cty's printf (`stdlib/format.go`), as
//! terraform 1.11 has it. The verbs are `%v %#v %t %b %d %o %x %X %e %E %f
//! %g %G %s %q` and `%%`; a verb is `%`, flags (`0 # - + space`), a width
//! (no leading zero), a precision (`.` and digits, maybe none) and an
//! argument index (`[n]`), in that order, then a letter. `%v` writes
//! strings and numbers plainly and everything else as JSON (`%#v` always
//! as JSON); widths count characters (grapheme clusters) and pad with `0`
//! under the `0` flag, even on the right. Numbers are written as Go's
//! `math/big` writes them (`big.Int` for the integer verbs, `big.Float`
//! for the others), through `Number::text`. Every error is cty's, word for
//! word. Must not format a number's digits itself: that is `Number`'s.

use super::strings::{grapheme_count, graphemes, string_value, text};
use super::{func, param, FnError, FnResult, FuncContext, Function};
use crate::lang::display::go_quote;
use crate::lang::number::Number;
use crate::lang::types::{convert, Type};
use crate::lang::value::Value;

pub fn register(r: &mut Vec<Function>) {
    r.extend([
        // Unknown anywhere makes the result unknown (a collection prints as
        // JSON, which needs it whole).
        func("format", vec![param("format", Type::String)], Type::String, format)
            .variadic(param("args", Type::Dynamic).null())
            .deep(),
        // Unknown elements make only their own results unknown.
        func(
            "formatlist",
            vec![param("format", Type::String)],
            Type::list(Type::String),
            formatlist,
        )
        .variadic(param("args", Type::Dynamic).null().unknown()),
    ]);
}

/// Arguments of no type at all (`null`): cty 1.16 declines to call these
/// functions and the result is unknown, as terraform prints for
/// `format("%v", null)`.
fn untyped(args: &[Value]) -> bool {
    args.iter()
        .any(|v| matches!(v, Value::Null(Type::Dynamic) | Value::Unknown(Type::Dynamic)))
}

pub fn format(a: &[Value], _: &FuncContext) -> FnResult {
    if untyped(&a[1..]) {
        return Ok(Value::Unknown(Type::Dynamic));
    }
    let spec = text(a, 0)?;
    sprintf(&spec, &a[1..]).map(string_value).map_err(|e| FnError {
        arg: e.arg,
        message: e.message,
    })
}

/// `formatlist(spec, args...)`: lists, sets and tuples are iterated in step
/// (they must have the same length), everything else repeats.
pub fn formatlist(a: &[Value], _: &FuncContext) -> FnResult {
    let args = &a[1..];
    if untyped(args) {
        return Ok(Value::Unknown(Type::Dynamic));
    }
    let spec = text(a, 0)?;
    if args.is_empty() {
        let s = sprintf(&spec, &[]).map_err(|e| FnError::new(e.message))?;
        return Ok(Value::List(Type::String, vec![string_value(s)]));
    }
    let mut len: Option<(usize, usize)> = None; // (length, which argument set it)
    let mut unknown = false;
    for (i, arg) in args.iter().enumerate() {
        let this = match arg {
            Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => items.len(),
            Value::Unknown(Type::Tuple(types)) => {
                unknown = true;
                types.len()
            }
            Value::Unknown(Type::List(_) | Type::Set(_)) => {
                unknown = true;
                continue;
            }
            _ => continue,
        };
        match len {
            None => len = Some((this, i)),
            Some((l, by)) if l != this => {
                return Err(FnError::arg(
                    i + 1,
                    format!(
                        "argument {} has length {this}, which is inconsistent with argument {} of length {l}",
                        i + 1,
                        by + 1
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    if unknown {
        return Ok(Value::Unknown(Type::list(Type::String)));
    }
    let rows = len.map_or(1, |(l, _)| l);
    let mut out = Vec::with_capacity(rows);
    for row in 0..rows {
        let row_args: Vec<Value> = args
            .iter()
            .map(|v| match v {
                Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => items[row].clone(),
                v => v.clone(),
            })
            .collect();
        if !row_args.iter().all(Value::is_wholly_known) {
            out.push(Value::Unknown(Type::String));
            continue;
        }
        let s = sprintf(&spec, &row_args)
            .map_err(|e| FnError::new(format!("error on format iteration {row}: {}", e.message)))?;
        out.push(string_value(s));
    }
    Ok(Value::List(Type::String, out))
}

/// An error of one format call; `arg` for an argument too many.
struct FmtError {
    arg: Option<usize>,
    message: String,
}

fn fail<T>(message: String) -> Result<T, FmtError> {
    Err(FmtError { arg: None, message })
}

/// One `%...` sequence.
#[derive(Default)]
struct Verb<'a> {
    /// The text of the sequence, for messages.
    raw: &'a str,
    /// Its byte offset in the format string.
    offset: usize,
    /// The argument it formats, from 1.
    arg: usize,
    mode: char,
    zero: bool,
    sharp: bool,
    plus: bool,
    minus: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

/// Widths, precisions and indexes past this are refused rather than
/// allocated (Go would try, and run out of memory).
const MAX_NUMBER: usize = 1_000_000;

/// cty's format scanner: literal text, `%%`, and verbs, each formatted as it
/// is reached (so the first error in the string is the one reported), then
/// a check that every argument was used.
fn sprintf(f: &str, args: &[Value]) -> Result<String, FmtError> {
    let b = f.as_bytes();
    let mut out = String::new();
    let mut next_arg = 1;
    let mut highest = 0;
    let mut lit = 0;
    let mut p = 0;
    while p < b.len() {
        if b[p] != b'%' {
            p += 1;
            continue;
        }
        out.push_str(&f[lit..p]);
        if b.get(p + 1) == Some(&b'%') {
            out.push('%');
            p += 2;
            lit = p;
            continue;
        }
        let start = p;
        let mut v = Verb {
            arg: next_arg,
            offset: start,
            ..Verb::default()
        };
        p += 1;
        while let Some(&c) = b.get(p) {
            match c {
                b'0' => v.zero = true,
                b'#' => v.sharp = true,
                b'-' => v.minus = true,
                b'+' => v.plus = true,
                b' ' => v.space = true,
                _ => break,
            }
            p += 1;
        }
        if matches!(b.get(p), Some(b'1'..=b'9')) {
            v.width = Some(digits(b, &mut p)?);
        }
        if b.get(p) == Some(&b'.') {
            p += 1;
            v.prec = Some(digits(b, &mut p)?);
        }
        if b.get(p) == Some(&b'[') {
            p += 1;
            match b.get(p) {
                Some(b'1'..=b'9') => v.arg = digits(b, &mut p)?,
                _ => return unexpected(f, p),
            }
            if b.get(p) != Some(&b']') {
                return unexpected(f, p);
            }
            p += 1;
        }
        match b.get(p) {
            Some(c) if c.is_ascii_alphabetic() => v.mode = *c as char,
            _ => return unexpected(f, p),
        }
        p += 1;
        v.raw = &f[start..p];
        highest = highest.max(v.arg);
        append(&v, &mut out, args)?;
        next_arg = v.arg + 1;
        lit = p;
    }
    out.push_str(&f[lit..]);
    if highest < args.len() {
        let message = if highest == 0 {
            "too many arguments; no verbs in format string".to_string()
        } else {
            format!("too many arguments; only {highest} used by format string")
        };
        return Err(FmtError {
            arg: Some(highest + 1),
            message,
        });
    }
    Ok(out)
}

/// Decimal digits at `p` (possibly none, giving 0).
fn digits(b: &[u8], p: &mut usize) -> Result<usize, FmtError> {
    let start = *p;
    let mut n: usize = 0;
    while let Some(d) = b.get(*p).filter(|d| d.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add(usize::from(d - b'0'));
        *p += 1;
    }
    if n > MAX_NUMBER {
        return fail(format!("number too large in format string at offset {start}"));
    }
    Ok(n)
}

/// The scanner met something it cannot take: a character, or the end.
fn unexpected<T>(f: &str, p: usize) -> Result<T, FmtError> {
    match f[p..].chars().next() {
        None => fail(format!("invalid format string starting at offset {p}")),
        Some(c) => fail(format!("unrecognized format character {} at offset {p}", quote_rune(c))),
    }
}

/// Go's `%q` of a rune.
fn quote_rune(c: char) -> String {
    match c {
        '\'' => r"'\''".into(),
        '\\' => r"'\\'".into(),
        '\n' => r"'\n'".into(),
        '\t' => r"'\t'".into(),
        '\r' => r"'\r'".into(),
        c if c.is_control() => format!(r"'\x{:02x}'", c as u32),
        c => format!("'{c}'"),
    }
}

fn append(v: &Verb, out: &mut String, args: &[Value]) -> Result<(), FmtError> {
    let Some(arg) = args.get(v.arg - 1) else {
        return fail(format!(
            "not enough arguments for {} at {}: need index {} but have {} total",
            go_quote(v.raw),
            v.offset,
            v.arg,
            args.len()
        ));
    };
    let unsupported = |why: &str| FmtError {
        arg: None,
        message: format!("unsupported value for {} at {}: {why}", go_quote(v.raw), v.offset),
    };
    if v.mode != 'v' && arg.is_null() {
        return Err(unsupported("null value cannot be formatted"));
    }
    match v.mode {
        'v' => {
            let plain = match arg {
                _ if v.sharp => None,
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.text('g', -1)),
                _ => None,
            };
            let s = match plain {
                Some(s) => s,
                None => json(arg).map_err(|e| unsupported(&e))?,
            };
            out.push_str(&pad(v, s));
        }
        't' => match to_bool(arg) {
            // No padding: cty writes the word as it is.
            Ok(b) => out.push_str(if b { "true" } else { "false" }),
            Err(why) => return Err(unsupported(&why)),
        },
        'b' | 'd' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'g' | 'G' => {
            let n = to_number(arg).map_err(unsupported)?;
            if matches!(v.mode, 'e' | 'E' | 'f' | 'g' | 'G') {
                out.push_str(&format_float(v, &n));
            } else if !n.is_integer() {
                return Err(unsupported("an integer is required"));
            } else {
                out.push_str(&format_int(v, &n));
            }
        }
        's' | 'q' => {
            let s = match convert(arg.clone(), &Type::String) {
                Ok(Value::String(s)) => s,
                _ => return Err(unsupported("string required")),
            };
            let s = match v.prec {
                Some(p) if p > 0 => graphemes(&s).take(p).collect(),
                _ => s,
            };
            let s = if v.mode == 'q' { json_string(&s) } else { s };
            out.push_str(&pad(v, s));
        }
        m => {
            return fail(format!(
                "unsupported format verb {} in {} at offset {}",
                quote_rune(m),
                go_quote(v.raw),
                v.offset
            ))
        }
    }
    Ok(())
}

/// cty's padding to the width, in characters: `0`s under the `0` flag,
/// on the right under `-`.
fn pad(v: &Verb, s: String) -> String {
    let Some(width) = v.width else { return s };
    let have = grapheme_count(&s);
    if have >= width {
        return s;
    }
    let fill = (if v.zero { "0" } else { " " }).repeat(width - have);
    if v.minus {
        s + &fill
    } else {
        fill + &s
    }
}

/// cty's conversion to bool, with its messages.
fn to_bool(v: &Value) -> Result<bool, String> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) => match s.as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            s => Err(match s.to_lowercase().as_str() {
                w @ ("true" | "false") => {
                    format!("a bool is required; to convert from string, use lowercase \"{w}\"")
                }
                _ => "a bool is required".to_string(),
            }),
        },
        _ => Err("bool required".to_string()),
    }
}

/// cty's conversion to number, with its messages.
fn to_number(v: &Value) -> Result<Number, &'static str> {
    match v {
        Value::Number(n) => Ok(n.clone()),
        Value::String(s) => Number::parse(s).ok_or("a number is required"),
        _ => Err("number required"),
    }
}

/// Go's `big.Float` `Format`: the digits from `Number::text`, then the sign
/// (`+` or space when asked), then padding to the width: zeros after the
/// sign under the `0` flag (which wins over `-` here), else spaces.
fn format_float(v: &Verb, n: &Number) -> String {
    let (verb, upper) = match v.mode {
        'E' => ('e', true),
        'G' => ('g', true),
        m => (m, false),
    };
    let prec = match (v.prec, verb) {
        (Some(p), _) => p as i32,
        (None, 'g') => -1,
        (None, _) => 6,
    };
    let mut text = n.text(verb, prec);
    if upper {
        text = text.replace('e', "E");
    }
    let (sign, body) = if let Some(rest) = text.strip_prefix('-') {
        ("-", rest)
    } else if let Some(rest) = text.strip_prefix('+') {
        (if v.space { " " } else { "+" }, rest)
    } else if v.plus {
        ("+", text.as_str())
    } else if v.space {
        (" ", text.as_str())
    } else {
        ("", text.as_str())
    };
    let padding = v.width.unwrap_or(0).saturating_sub(sign.len() + body.len());
    if v.zero && !n.is_infinite() {
        format!("{sign}{}{body}", "0".repeat(padding))
    } else if v.minus {
        format!("{sign}{body}{}", " ".repeat(padding))
    } else {
        format!("{}{sign}{body}", " ".repeat(padding))
    }
}

/// Go's `big.Int` `Format` for `%b %d %o %x %X`: sign, `#` prefix
/// (`0b`, `0`, `0x`, `0X`), zeros up to the precision (nothing at all for
/// zero at precision 0), then the width: spaces on the right under `-`,
/// zeros under `0` without a precision, else spaces on the left.
fn format_int(v: &Verb, n: &Number) -> String {
    let base = match v.mode {
        'b' => 2,
        'o' => 8,
        'd' => 10,
        _ => 16,
    };
    let decimal = n.text('f', 0);
    let (negative, magnitude) = match decimal.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, decimal.as_str()),
    };
    let mut digits = to_base(magnitude, base);
    if v.mode == 'X' {
        digits.make_ascii_uppercase();
    }
    let sign = if negative && digits != "0" {
        "-"
    } else if v.plus {
        "+"
    } else if v.space {
        " "
    } else {
        ""
    };
    let prefix = match (v.sharp, v.mode) {
        (true, 'b') => "0b",
        (true, 'o') => "0",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let mut zeros = 0;
    if let Some(p) = v.prec {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            return String::new();
        }
    }
    let length = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(w) = v.width.filter(|w| *w > length) {
        let d = w - length;
        if v.minus {
            right = d;
        } else if v.zero && v.prec.is_none() {
            zeros = d;
        } else {
            left = d;
        }
    }
    format!(
        "{}{sign}{prefix}{}{digits}{}",
        " ".repeat(left),
        "0".repeat(zeros),
        " ".repeat(right)
    )
}

/// A whole number written in decimal, rewritten in `base` (lowercase).
fn to_base(decimal: &str, base: u32) -> String {
    let mut num: Vec<u32> = decimal
        .trim_start_matches('0')
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|d| u32::from(d - b'0'))
        .collect();
    if num.is_empty() {
        return "0".into();
    }
    if base == 10 {
        return num.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect();
    }
    let mut out = Vec::new();
    while !num.is_empty() {
        let mut rem = 0;
        let mut quotient = Vec::with_capacity(num.len());
        for d in &num {
            let cur = rem * 10 + d;
            let q = cur / base;
            rem = cur % base;
            if !(quotient.is_empty() && q == 0) {
                quotient.push(q);
            }
        }
        out.push(char::from_digit(rem, base).unwrap_or('0'));
        num = quotient;
    }
    out.iter().rev().collect()
}

/// cty's JSON of a value (`%#v`, and `%v` of anything but a string or
/// number): numbers in full decimal, object keys sorted, strings as Go's
/// `encoding/json` writes them.
fn json(v: &Value) -> Result<String, String> {
    let mut out = String::new();
    write_json(v, &mut out)?;
    Ok(out)
}

fn write_json(v: &Value, out: &mut String) -> Result<(), String> {
    match v {
        Value::Null(_) => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_infinite() => return Err("cannot serialize infinity as JSON".into()),
        Value::Number(n) => out.push_str(&n.text('f', -1)),
        Value::String(s) => out.push_str(&json_string(s)),
        Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out)?;
            }
            out.push(']');
        }
        Value::Map(_, m) | Value::Object(m) => {
            out.push('{');
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_string(k));
                out.push(':');
                write_json(item, out)?;
            }
            out.push('}');
        }
        Value::Unknown(_) => return Err("value is not known".into()),
        Value::Sensitive(_) => return Err("value has marks, so it cannot be serialized as JSON".into()),
    }
    Ok(())
}

/// A string as Go's `json.Marshal` writes it: `\b \f \n \r \t` and
/// `\u00XX` for other control characters, and `<`, `>`, `&`, U+2028 and
/// U+2029 escaped for HTML.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::super::strings::table::check;
    use super::to_base;

    #[test]
    fn bases() {
        assert_eq!(to_base("0", 16), "0");
        assert_eq!(to_base("255", 16), "ff");
        assert_eq!(to_base("255", 2), "11111111");
        assert_eq!(to_base("18446744073709551616", 16), "10000000000000000");
        assert_eq!(
            to_base("123456789012345678901234567890", 16),
            "18ee90ff6c373e0ee4e3f0ad2"
        );
        assert_eq!(to_base("007", 10), "7");
    }

    // What `terraform console` (v1.11.4) printed for each expression on
    // this machine.

    #[test]
    fn format_as_terraform() {
        check(FORMAT);
    }

    #[test]
    fn formatlist_as_terraform() {
        check(FORMATLIST);
    }

    const FORMAT: &[(&str, &str)] = &[];
    const FORMATLIST: &[(&str, &str)] = &[];
}
