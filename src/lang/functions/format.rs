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

use super::ctyjson::{json, json_string};
use super::format_number::{format_float, format_int};
use super::strings::{grapheme_count, graphemes, string_value, text};
use super::{func, param, FnError, FnResult, FuncContext, Function};
use crate::lang::display::go_quote;
use crate::lang::limits::{LimitError, MAX_TEXT};
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
    let mut total = 0usize;
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
        total = total.saturating_add(s.len());
        if total > MAX_TEXT {
            return Err(FnError::new(LimitError::Text.to_string()));
        }
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
pub(super) struct Verb<'a> {
    /// The text of the sequence, for messages.
    pub(super) raw: &'a str,
    /// Its byte offset in the format string.
    pub(super) offset: usize,
    /// The argument it formats, from 1.
    pub(super) arg: usize,
    pub(super) mode: char,
    pub(super) zero: bool,
    pub(super) sharp: bool,
    pub(super) plus: bool,
    pub(super) minus: bool,
    pub(super) space: bool,
    pub(super) width: Option<usize>,
    pub(super) prec: Option<usize>,
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
        if out.len() > MAX_TEXT {
            return fail(LimitError::Text.to_string());
        }
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

#[cfg(test)]
mod tests {
    use super::super::strings::table::check;

    /// A format string that repeats wide verbs, and formatlist's rows,
    /// stop at the text limit (a width past 1000000 is refused at once).
    #[test]
    fn results_past_the_text_limit_are_refused() {
        use crate::lang::functions::test_support::{eval, ok};
        let too_long = "the result would hold more than 64 MiB of text, aksplan's limit for one value";
        let wide = "%1000000d".repeat(70);
        let args = vec!["1"; 70].join(", ");
        assert_eq!(
            eval(&format!("format(\"{wide}\", {args})")).unwrap_err(),
            format!("format(): {too_long}")
        );
        assert_eq!(
            eval(r#"formatlist("%1000000d", range(100))"#).unwrap_err(),
            format!("formatlist(): {too_long}")
        );
        assert_eq!(ok(r#"length(formatlist("%1000000d", range(3)))"#), ok("3"));
        assert!(eval(r#"format("%999999999d", 1)"#)
            .unwrap_err()
            .contains("number too large in format string"));
    }

    /// Unknown arguments, which the console cannot show: as go-cty's
    /// format.go handles them.
    #[test]
    fn unknowns() {
        use super::super::{call, FuncContext};
        use crate::lang::types::Type;
        use crate::lang::value::Value;
        let ctx = FuncContext::default();
        let f = |name: &str, args: Vec<Value>| call(name, args, &ctx).unwrap();
        let s = Value::string;
        let unknown = || Value::Unknown(Type::String);
        let list = |items: Vec<Value>| Value::List(Type::String, items);

        // format: unknown anywhere, even unused or deep inside, gives unknown.
        assert_eq!(f("format", vec![s("%s"), unknown()]), Ok(unknown()));
        assert_eq!(f("format", vec![s("%v"), Value::Tuple(vec![unknown()])]), Ok(unknown()));
        assert_eq!(f("format", vec![s("%y"), unknown()]), Ok(unknown()));
        // An argument of no type (null) gives an unknown of no type.
        assert_eq!(f("format", vec![s("%v"), Value::null()]), Ok(Value::unknown()));

        // formatlist: only the rows with unknown arguments are unknown.
        assert_eq!(
            f("formatlist", vec![s("%s-%s"), list(vec![s("a"), unknown()]), s("x")]),
            Ok(list(vec![s("a-x"), unknown()]))
        );
        assert_eq!(
            f("formatlist", vec![s("%s-%s"), list(vec![s("a"), s("b")]), unknown()]),
            Ok(list(vec![unknown(), unknown()]))
        );
        // An unknown list has no length yet: the whole result is unknown.
        assert_eq!(
            f("formatlist", vec![s("%s"), Value::Unknown(Type::list(Type::String))]),
            Ok(Value::Unknown(Type::list(Type::String)))
        );
        // An unknown tuple's length is known, and checked.
        let pair = Value::Unknown(Type::tuple(vec![Type::String, Type::String]));
        let e = f("formatlist", vec![s("%s%s"), pair, list(vec![s("a")])]).unwrap_err();
        assert_eq!(e.arg, Some(2));
        assert!(e
            .message
            .contains("argument 2 has length 1, which is inconsistent with argument 1 of length 2"));
        assert_eq!(f("formatlist", vec![s("%v"), Value::null()]), Ok(Value::unknown()));
    }

    #[test]
    fn sensitive_arguments_mark_the_result() {
        use super::super::{call, FuncContext};
        use crate::lang::value::Value;
        let ctx = FuncContext::default();
        let r = call("format", vec![Value::string("%s!"), Value::string("pw").mark()], &ctx).unwrap();
        assert_eq!(r, Ok(Value::string("pw!").mark()));
        let e = call(
            "format",
            vec![Value::string("%d"), Value::string("hunter2").mark()],
            &ctx,
        )
        .unwrap()
        .unwrap_err();
        assert!(!e.message.contains("hunter2"), "{}", e.message);
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

    /// Terraform's numbers are 512-bit big.Floats: these need the
    /// arbitrary-precision `Number` (`text('g', -1)`, `text('f', -1)` and
    /// exact digits); the f64 placeholder gets them wrong.
    #[test]
    fn format_with_big_numbers_as_terraform() {
        check(FORMAT_REAL_NUMBER);
    }

    #[rustfmt::skip]
    const FORMAT: &[(&str, &str)] = &[
        // Plain text, %% and argument counts.
        (r#"format("hello")"#, r#""hello""#),
        (r#"format("%%")"#, r#""%""#),
        (r#"format("100%%")"#, r#""100%""#),
        (r#"format("%% %s", "a")"#, r#""% a""#),
        (r#"format("%s-%03d", "pool", 7)"#, r#""pool-007""#),
        (r#"format("%s")"#, r#"error: not enough arguments for "%s" at 0: need index 1 but have 0 total"#),
        (r#"format("%s %s", "a")"#, r#"error: not enough arguments for "%s" at 3: need index 2 but have 1 total"#),
        (r#"format("%s%s", "a")"#, r#"error: not enough arguments for "%s" at 2: need index 2 but have 1 total"#),
        (r#"format("%s", "a", "b")"#, r#"error: too many arguments; only 1 used by format string"#),
        (r#"format("abc", "a")"#, r#"error: too many arguments; no verbs in format string"#),
        (r#"format(1, 2)"#, r#"error: too many arguments; no verbs in format string"#),
        (r#"format(["a"])"#, r#"error~ string [terraform: string required]"#),
        (r#"format(null)"#, r#"error~ must not be null [terraform: argument must not be null]"#),
        (r#"format(tostring(null))"#, r#"error~ must not be null [terraform: argument must not be null]"#),
        // Explicit argument indexes.
        (r#"format("%[2]s %[1]s", "a", "b")"#, r#""b a""#),
        (r#"format("%[2]s %s", "a", "b", "c")"#, r#""b c""#),
        (r#"format("%[1]s %[1]s", "a")"#, r#""a a""#),
        (r#"format("%[2]s", "a", "b")"#, r#""b""#),
        (r#"format("%[2]s %[1]s %s", "a", "b")"#, r#""b a b""#),
        (r#"format("%[1]s %s %s", "a", "b")"#, r#"error: not enough arguments for "%s" at 9: need index 3 but have 2 total"#),
        (r#"format("%[3]s", "a", "b")"#, r#"error: not enough arguments for "%[3]s" at 0: need index 3 but have 2 total"#),
        (r#"format("%[2]d", 1)"#, r#"error: not enough arguments for "%[2]d" at 0: need index 2 but have 1 total"#),
        (r#"format("%[10]s", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)"#, r#""10""#),
        (r#"format("%5[1]d", 42)"#, r#""   42""#),
        (r#"format("%-5.1[2]s|", "a", "bcd")"#, r#""b    |""#),
        (r#"format("%[1]*d", 1, 2)"#, r#"error: unrecognized format character '*' at offset 4"#),
        (r#"format("%[1]5d", 42)"#, r#"error: unrecognized format character '5' at offset 4"#),
        (r#"format("%[0]d", 42)"#, r#"error: unrecognized format character '0' at offset 2"#),
        (r#"format("%[01]s", "a")"#, r#"error: unrecognized format character '0' at offset 2"#),
        (r#"format("%[1", "a")"#, r#"error: invalid format string starting at offset 3"#),
        // Bad verbs and sequences.
        (r#"format("%y", 1)"#, r#"error: unsupported format verb 'y' in "%y" at offset 0"#),
        (r#"format("%c", 65)"#, r#"error: unsupported format verb 'c' in "%c" at offset 0"#),
        (r#"format("%U", 65)"#, r#"error: unsupported format verb 'U' in "%U" at offset 0"#),
        (r#"format("%F", 1.5)"#, r#"error: unsupported format verb 'F' in "%F" at offset 0"#),
        (r#"format("%O", 8)"#, r#"error: unsupported format verb 'O' in "%O" at offset 0"#),
        (r#"format("%3c", 1)"#, r#"error: unsupported format verb 'c' in "%3c" at offset 0"#),
        (r#"format("%", 1)"#, r#"error: invalid format string starting at offset 1"#),
        (r#"format("abc%")"#, r#"error: invalid format string starting at offset 4"#),
        (r#"format("%-")"#, r#"error: invalid format string starting at offset 2"#),
        (r#"format("%5%")"#, r#"error: unrecognized format character '%' at offset 2"#),
        (r#"format("%5-d", 1)"#, r#"error: unrecognized format character '-' at offset 2"#),
        (r#"format("%s ü %é", "a")"#, r#"error: unrecognized format character 'é' at offset 7"#),
        (r#"format("%*d", 1, 2)"#, r#"error: unrecognized format character '*' at offset 1"#),
        // %v and %#v.
        (r#"format("%v", "a<b>")"#, r#""a<b>""#),
        (r#"format("%v", true)"#, r#""true""#),
        (r#"format("%#v", true)"#, r#""true""#),
        (r#"format("%v", 0)"#, r#""0""#),
        (r#"format("%v", -1)"#, r#""-1""#),
        (r#"format("%v", 123456)"#, r#""123456""#),
        (r#"format("%v", 0.1)"#, r#""0.1""#),
        (r#"format("%v %v", 1.0, 2.50)"#, r#""1 2.5""#),
        (r#"format("%v", -0.000123)"#, r#""-0.000123""#),
        (r#"format("%v", [1, "a"])"#, r#""[1,\"a\"]""#),
        (r#"format("%v", tolist(["a"]))"#, r#""[\"a\"]""#),
        (r#"format("%v", toset(["b", "a"]))"#, r#""[\"a\",\"b\"]""#),
        (r#"format("%v", tomap({a = 1}))"#, r#""{\"a\":1}""#),
        (r#"format("%v", {a = {b = [1, {c = "d"}]}})"#, r#""{\"a\":{\"b\":[1,{\"c\":\"d\"}]}}""#),
        (r#"format("%#v", {b = 1, a = [true, null]})"#, r#""{\"a\":[true,null],\"b\":1}""#),
        (r#"format("%#v", "a<b>&\u2028")"#, r#""\"a\\u003cb\\u003e\\u0026\\u2028\"""#),
        (r#"format("%#v", "\u0008\u000c\u0001\u007f\"\\/")"#, r#""\"\\b\\f\\u0001\x7f\\\"\\\\/\"""#),
        (r#"format("%#v", 1e20)"#, r#""100000000000000000000""#),
        (r#"format("%#v", 0.1)"#, r#""0.1""#),
        (r#"format("%#v", [1e-7, 1e21, -0.5, 1.5e300])"#, r#""[0.0000001,1000000000000000000000,-0.5,1500000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000]""#),
        (r#"format("%v|%v", [tostring(null)], {a = null})"#, r#""[null]|{\"a\":null}""#),
        (r#"format("%v", tostring(null))"#, r#""null""#),
        (r#"format("%#v", tonumber(null))"#, r#""null""#),
        (r#"format("%v", null)"#, r#"(known after apply)"#),
        (r#"format("%#v", null)"#, r#"(known after apply)"#),
        (r#"format("%s", null)"#, r#"(known after apply)"#),
        (r#"format("%.3v", 3.14159)"#, r#""3.14159""#),
        (r#"format("%.3v", "abcdef")"#, r#""abcdef""#),
        (r#"format("%5.1v", [1,2])"#, r#""[1,2]""#),
        (r#"format("%10v|%-10v|%010v", 3.5, [1], "a")"#, r#""       3.5|[1]       |000000000a""#),
        (r#"format("%05v|%-05v|%05v", -1, -1, true)"#, r#""000-1|-1000|0true""#),
        (r#"format("%06v", {a = 1})"#, r#""{\"a\":1}""#),
        (r#"format("%+v|% v", 5, 5)"#, r#""5|5""#),
        (r#"format("%v", sensitive("x"))"#, r#"(sensitive value)"#),
        // %t.
        (r#"format("%t", true)"#, r#""true""#),
        (r#"format("%t", "true")"#, r#""true""#),
        (r#"format("%t", "false")"#, r#""false""#),
        (r#"format("%t", "1")"#, r#""true""#),
        (r#"format("%t", "0")"#, r#""false""#),
        (r#"format("%t", "yes")"#, r#"error: unsupported value for "%t" at 0: a bool is required"#),
        (r#"format("%t", "True")"#, r#"error: unsupported value for "%t" at 0: a bool is required; to convert from string, use lowercase "true""#),
        (r#"format("%t", 1)"#, r#"error: unsupported value for "%t" at 0: bool required"#),
        (r#"format("%t", [true])"#, r#"error: unsupported value for "%t" at 0: bool required"#),
        (r#"format("%t", tobool(null))"#, r#"error: unsupported value for "%t" at 0: null value cannot be formatted"#),
        (r#"format("%5t|%-6v|", true, false)"#, r#""true|false |""#),
        // Integers.
        (r#"format("%d", 42)"#, r#""42""#),
        (r#"format("%d", "12")"#, r#""12""#),
        (r#"format("%d", -0)"#, r#""0""#),
        (r#"format("%d", 1.5)"#, r#"error: unsupported value for "%d" at 0: an integer is required"#),
        (r#"format("%d", "abc")"#, r#"error: unsupported value for "%d" at 0: a number is required"#),
        (r#"format("%d", true)"#, r#"error: unsupported value for "%d" at 0: number required"#),
        (r#"format("%d", [1])"#, r#"error: unsupported value for "%d" at 0: number required"#),
        (r#"format("%d", tonumber(null))"#, r#"error: unsupported value for "%d" at 0: null value cannot be formatted"#),
        (r#"format("%d", 1e20)"#, r#""100000000000000000000""#),
        (r#"format("%x", 255.0)"#, r#""ff""#),
        (r#"format("%#x|%#X|%#o|%#b", 255, 255, 8, 5)"#, r#""0xff|0XFF|010|0b101""#),
        (r#"format("%x|%X|%o|%b", -255, -255, -8, -5)"#, r#""-ff|-FF|-10|-101""#),
        (r#"format("%x|%X", 3.0e10, 48879)"#, r#""6fc23ac00|BEEF""#),
        (r#"format("%x", 18446744073709551616)"#, r#""10000000000000000""#),
        (r#"format("%b", 1e20)"#, r#""1010110101111000111010111100010110101100011000100000000000000000000""#),
        (r#"format("%b", 1.5)"#, r#"error: unsupported value for "%b" at 0: an integer is required"#),
        (r#"format("%x", "ff")"#, r#"error: unsupported value for "%x" at 0: a number is required"#),
        (r#"format("%+d|% d|%+d|% d", 5, 5, -5, -5)"#, r#""+5| 5|-5|-5""#),
        (r#"format("% +d", 5)"#, r#""+5""#),
        (r#"format("%-+5d|", 5)"#, r#""+5   |""#),
        (r#"format("%08.3d|%.3d|%.0d|%-8d|%08d|%-08d", 7, 7, 0, 7, -7, 7)"#, r#""     007|007||7       |-0000007|7       ""#),
        (r#"format("%5.0d|", 0)"#, r#""|""#),
        (r#"format("%.3x", 5)"#, r#""005""#),
        (r#"format("%#.3o", 5)"#, r#""0005""#),
        (r#"format("%+08x|% x", 255, 255)"#, r#""+00000ff| ff""#),
        (r#"format("%00005d", 42)"#, r#""00042""#),
        (r#"format("%-0-5d|", 42)"#, r#""42   |""#),
        (r#"format("%#5x|%-#5x|%#05x", 255, 255, 255)"#, r#"" 0xff|0xff |0x0ff""#),
        (r#"format("%#08b", 5)"#, r#""0b000101""#),
        (r#"format("%+05d|%+05d", 42, -42)"#, r#""+0042|-0042""#),
        (r#"format("% 05d|% 5d", 42, 42)"#, r#"" 0042|   42""#),
        (r#"format("%5d|%-5s|%05.2f|%q|%v|%t|%x|%%|%e", 42, "ab", 3.14159, "q\"s", [1, "a"], true, 255, 12345.678)"#, r#""   42|ab   |03.14|\"q\\\"s\"|[1,\"a\"]|true|ff|%|1.234568e+04""#),
        // Floats.
        (r#"format("%f|%.2f|%.0f|%8.3f|%-8.3f|%08.3f|%+.1f|% .1f", 3.14159, 3.14159, 2.5, 3.14159, 3.14159, -3.14159, 3.14159, 3.14159)"#, r#""3.141590|3.14|2|   3.142|3.142   |-003.142|+3.1| 3.1""#),
        (r#"format("%e|%E|%.2e|%12.3E|%e", 12345.678, 12345.678, 0.000123, 1e100, 0)"#, r#""1.234568e+04|1.234568E+04|1.23e-04|  1.000E+100|0.000000e+00""#),
        (r#"format("%e", -12.5)"#, r#""-1.250000e+01""#),
        (r#"format("%8.2e|%-12e|%012.4e", 1234.5, 1, -1234.5)"#, r#""1.23e+03|1.000000e+00|-01.2345e+03""#),
        (r#"format("%+e|% e", 1.5, 1.5)"#, r#""+1.500000e+00| 1.500000e+00""#),
        (r#"format("%010.3f|%-010.3f|", 3.14159, 3.14159)"#, r#""000003.142|000003.142|""#),
        (r#"format("%010e", 1234.5)"#, r#""1.234500e+03""#),
        (r#"format("%.0f|%.0f|%.0f", 0.5, 1.5, 2.5)"#, r#""0|2|2""#),
        (r#"format("%f", 1e20)"#, r#""100000000000000000000.000000""#),
        (r#"format("%e", 1e300)"#, r#""1.000000e+300""#),
        (r#"format("%5.2f", "3.14159")"#, r#"" 3.14""#),
        (r#"format("%f", "x")"#, r#"error: unsupported value for "%f" at 0: a number is required"#),
        (r#"format("%e", false)"#, r#"error: unsupported value for "%e" at 0: number required"#),
        // Strings.
        (r#"format("%s", "a")"#, r#""a""#),
        (r#"format("%s", 12.5)"#, r#""12.5""#),
        (r#"format("%s", -1.5)"#, r#""-1.5""#),
        (r#"format("%s", 1e20)"#, r#""100000000000000000000""#),
        (r#"format("%s", true)"#, r#""true""#),
        (r#"format("%s", [1])"#, r#"error: unsupported value for "%s" at 0: string required"#),
        (r#"format("%s", {a = "b"})"#, r#"error: unsupported value for "%s" at 0: string required"#),
        (r#"format("%5s|%-5s|%.2s|%5.1s|%05s|%-05s|", "ab", "ab", "abc", "xyz", "ab", "ab")"#, r#""   ab|ab   |ab|    x|000ab|ab000|""#),
        (r#"format("%.0s|%.0q|%.s", "abc", "abc", "abc")"#, r#""abc|\"abc\"|abc""#),
        (r#"format("%.3s|%3s|", "e\u0301e\u0301e\u0301e\u0301", "😀")"#, r#""ééé|  😀|""#),
        (r#"format("%-6s|", "é")"#, r#""é     |""#),
        (r#"format("%3s|", "👍🏽")"#, r#""  👍🏽|""#),
        (r#"format("%+s", "a")"#, r#""a""#),
        (r#"format("%s%s", "e", "\u0301")"#, r#""é""#),
        (r#"format("%q", "a\"b\n")"#, r#""\"a\\\"b\\n\"""#),
        (r#"format("%q|%q|%5q|%.1q", "a\"b\n", 12, "x", "xyz")"#, r#""\"a\\\"b\\n\"|\"12\"|  \"x\"|\"x\"""#),
        (r#"format("%q", "\u0008\u000c\u0001<>&\u007f\u2029\t\r\u0085\ufeff")"#, r#""\"\\b\\f\\u0001\\u003c\\u003e\\u0026\x7f\\u2029\\t\\r\u0085\ufeff\"""#),
        (r#"format("%q", "😀é")"#, r#""\"😀é\"""#),
        (r#"format("%+q", "é")"#, r#""\"é\"""#),
        (r#"format("%#q", "a")"#, r#""\"a\"""#),
    ];

    #[rustfmt::skip]
    const FORMATLIST: &[(&str, &str)] = &[
        (r#"formatlist("%s-%d", ["a", "b"], 1)"#, r#"tolist([
  "a-1",
  "b-1",
])"#),
        (r#"formatlist("%s=%s", ["a", "b"], ["1", "2"])"#, r#"tolist([
  "a=1",
  "b=2",
])"#),
        (r#"formatlist("%[2]s-%[1]s", ["a", "b"], ["c", "d"])"#, r#"tolist([
  "c-a",
  "d-b",
])"#),
        (r#"formatlist("%s", toset(["b", "a"]))"#, r#"tolist([
  "a",
  "b",
])"#),
        (r#"formatlist("%s", [])"#, r#"tolist([])"#),
        (r#"formatlist("%s", tolist([]))"#, r#"tolist([])"#),
        (r#"formatlist("%s %s", [], "x")"#, r#"tolist([])"#),
        (r#"formatlist("hello")"#, r#"tolist([
  "hello",
])"#),
        (r#"formatlist("%s", "a")"#, r#"tolist([
  "a",
])"#),
        (r#"formatlist("%v", ["a", null])"#, r#"tolist([
  "a",
  "null",
])"#),
        (r#"formatlist("%v", [["a"], ["b"]])"#, r#"tolist([
  "[\"a\"]",
  "[\"b\"]",
])"#),
        (r#"formatlist("%v", tolist(null))"#, r#"tolist([
  "null",
])"#),
        (r#"formatlist("%v", tostring(null))"#, r#"tolist([
  "null",
])"#),
        (r#"formatlist("%v", null)"#, r#"(known after apply)"#),
        (r#"formatlist("%d%%", [1, 2])"#, r#"tolist([
  "1%",
  "2%",
])"#),
        (r#"formatlist("%s", ["e"], ["x"])"#, r#"error: error on format iteration 0: too many arguments; only 1 used by format string"#),
        (r#"formatlist("%s%s", ["a"], ["b", "c"])"#, r#"error: argument 2 has length 2, which is inconsistent with argument 1 of length 1"#),
        (r#"formatlist("%s %s", ["a", "b"], ["c"])"#, r#"error: argument 2 has length 1, which is inconsistent with argument 1 of length 2"#),
        (r#"formatlist("%s %s %s", ["a"], "x", ["b", "c"])"#, r#"error: argument 3 has length 2, which is inconsistent with argument 1 of length 1"#),
        (r#"formatlist("%s=%s", {a = 1}, "x")"#, r#"error: error on format iteration 0: unsupported value for "%s" at 0: string required"#),
        (r#"formatlist("%s", ["a", null])"#, r#"error: error on format iteration 1: unsupported value for "%s" at 0: null value cannot be formatted"#),
        (r#"formatlist("%s", [["a"], ["b"]])"#, r#"error: error on format iteration 0: unsupported value for "%s" at 0: string required"#),
        (r#"formatlist("%s", ["a"], "b")"#, r#"error: error on format iteration 0: too many arguments; only 1 used by format string"#),
        (r#"formatlist("%d", ["a"])"#, r#"error: error on format iteration 0: unsupported value for "%d" at 0: a number is required"#),
        (r#"formatlist("%s", "a", "b")"#, r#"error: error on format iteration 0: too many arguments; only 1 used by format string"#),
        (r#"formatlist("%s")"#, r#"error: not enough arguments for "%s" at 0: need index 1 but have 0 total"#),
        (r#"formatlist("%y", ["a"])"#, r#"error: error on format iteration 0: unsupported format verb 'y' in "%y" at offset 0"#),
        (r#"formatlist(null, ["a"])"#, r#"error~ must not be null [terraform: argument must not be null]"#),
    ];

    #[rustfmt::skip]
    const FORMAT_REAL_NUMBER: &[(&str, &str)] = &[
        // Shortest and big.Float forms that need the arbitrary-precision Number.
        (r#"format("%v", 1000000)"#, r#""1e+06""#),
        (r#"format("%v", 1234567)"#, r#""1.234567e+06""#),
        (r#"format("%v", 123456789)"#, r#""1.23456789e+08""#),
        (r#"format("%v", 1e-5)"#, r#""1e-05""#),
        (r#"format("%v", 1e-7)"#, r#""1e-07""#),
        (r#"format("%v", 1.5e300)"#, r#""1.5e+300""#),
        (r#"format("%v", 1e+21)"#, r#""1e+21""#),
        (r#"format("%v", 5e-324)"#, r#""5e-324""#),
        (r#"format("%v", -0.0)"#, r#""-0""#),
        (r#"format("%v", 1/3)"#, r#""0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335""#),
        (r#"format("%#v", 1/3)"#, r#""0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335""#),
        (r#"format("%s", 1/3)"#, r#""0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335""#),
        (r#"format("%q", 1/3)"#, r#""\"0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335\"""#),
        (r#"format("%v", 123456789012345678901234567890)"#, r#""1.2345678901234567890123456789e+29""#),
        (r#"format("%#v", 123456789012345678901234567890)"#, r#""123456789012345678901234567890""#),
        (r#"format("%d|%x", 123456789012345678901234567890, 123456789012345678901234567890)"#, r#""123456789012345678901234567890|18ee90ff6c373e0ee4e3f0ad2""#),
        (r#"format("%f", 123456789012345678901234567890)"#, r#""123456789012345678901234567890.000000""#),
        (r#"format("%e", 123456789012345678901234567890)"#, r#""1.234568e+29""#),
        (r#"format("%g", 123456789012345678901234567890)"#, r#""1.2345678901234567890123456789e+29""#),
        (r#"format("%g|%G|%.3g|%g|%g|%g|%.10g", 12345.678, 1e-7, 3.14159, 1e21, 100000, 1000000, 1/3)"#, r#""12345.678|1E-07|3.14|1e+21|100000|1e+06|0.3333333333""#),
        (r#"format("%g|%g|%g|%.2g|%G", 0.0001, 0.00001, 1e6, 123456, 1.5e-10)"#, r#""0.0001|1e-05|1e+06|1.2e+05|1.5E-10""#),
        (r#"format("%.f|%.e|%.g", 2.5, 2.5, 2.5)"#, r#""2|2e+00|2""#),
        (r#"format("%+g|% g", 1.5, 1.5)"#, r#""+1.5| 1.5""#),
        (r#"format("%g", 0.1)"#, r#""0.1""#),
        (r#"format("%G", 1e-20)"#, r#""1E-20""#),
        (r#"format("%.30g", 0.1)"#, r#""0.1""#),
        (r#"format("%.1g", 0.15)"#, r#""0.2""#),
        (r#"format("%.3f", 0.0005)"#, r#""0.000""#),
        (r#"format("%.3f", 0.0015)"#, r#""0.002""#),
        (r#"format("%10.4g|%-10g|%010g", 3.14159, 2.5, -2.5)"#, r#""     3.142|2.5       |-0000002.5""#),
        (r#"format("%.20f", 0.1)"#, r#""0.10000000000000000000""#),
    ];
}
