//! String functions: everything of Terraform's string family except
//! `format`/`formatlist` (format.rs) and the regular expressions (regex.rs),
//! with the helpers they share: strings in NFC, as cty keeps every string
//! value, and characters counted as grapheme clusters, as cty counts them.
//! Results are those of terraform 1.11 (go-cty 1.16, Go 1.23); the tests
//! hold terraform's own output. Must not format numbers itself: that is
//! `Number`'s.

use super::{casing, func, number_arg, param, regex, string_arg, FnError, FnResult, FuncContext, Function};
use crate::lang::limits::{LimitError, MAX_ELEMENTS, MAX_TEXT};
use crate::lang::types::{convert, Type};
use crate::lang::value::Value;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

pub fn register(r: &mut Vec<Function>) {
    let s = |name| param(name, Type::String);
    let s1 = |name, f| func(name, vec![s("str")], Type::String, f);
    let s2 = |name, b, f| func(name, vec![s("str"), s(b)], Type::String, f);
    let test = |name, b, f| func(name, vec![s("str"), s(b)], Type::Bool, f);
    r.extend([
        s1("chomp", chomp),
        test("endswith", "suffix", endswith),
        func(
            "indent",
            vec![param("spaces", Type::Number), s("str")],
            Type::String,
            indent,
        ),
        func("join", vec![s("separator")], Type::String, join)
            .variadic(param("lists", Type::list(Type::String)))
            .deep(),
        s1("lower", lower),
        func(
            "replace",
            vec![s("str"), s("substr"), s("replace")],
            Type::String,
            replace,
        ),
        func("split", vec![s("separator"), s("str")], Type::list(Type::String), split),
        // An unknown string still starts with "".
        func(
            "startswith",
            vec![s("str").unknown(), s("prefix")],
            Type::Bool,
            startswith,
        ),
        test("strcontains", "substr", strcontains),
        s1("strrev", strrev),
        func(
            "substr",
            vec![s("str"), param("offset", Type::Number), param("length", Type::Number)],
            Type::String,
            substr,
        ),
        s1("title", title),
        s2("trim", "cutset", trim),
        s2("trimprefix", "prefix", trimprefix),
        s1("trimspace", trimspace),
        s2("trimsuffix", "suffix", trimsuffix),
        s1("upper", upper),
        func("tostring", vec![any("v")], Type::String, tostring),
        func("tobool", vec![any("v")], Type::Bool, tobool),
    ]);
}

/// A parameter that takes every value as it is, as the `to*` functions do.
fn any(name: &'static str) -> super::Param {
    param(name, Type::Dynamic).null().unknown().marked()
}

// Shared helpers.

/// `s` in Unicode normalization form C, as every cty string is.
pub(super) fn nfc(s: String) -> String {
    if unicode_normalization::is_nfc(&s) {
        s
    } else {
        s.nfc().collect()
    }
}

/// A string result: normalized, as cty's `StringVal` normalizes.
pub(super) fn string_value(s: String) -> Value {
    Value::String(nfc(s))
}

/// Argument `i` as a string in NFC.
pub(super) fn text(a: &[Value], i: usize) -> Result<String, FnError> {
    string_arg(a, i).map(nfc)
}

/// The user-perceived characters of `s` (extended grapheme clusters of
/// Unicode 15.0, as go-textseg splits them): what `substr`, `strrev`,
/// `length` and format widths count.
pub(crate) fn graphemes(s: &str) -> impl DoubleEndedIterator<Item = &str> {
    s.graphemes(true)
}

pub(crate) fn grapheme_count(s: &str) -> usize {
    graphemes(s).count()
}

/// Argument `i` as a Go `int`, with cty's message for anything else.
pub(super) fn whole(a: &[Value], i: usize) -> Result<i64, FnError> {
    number_arg(a, i)?.to_i64().ok_or_else(|| {
        FnError::new("value must be a whole number, between -9223372036854775808 and 9223372036854775807")
    })
}

fn map_text(a: &[Value], f: impl FnOnce(&str) -> String) -> FnResult {
    Ok(string_value(f(&text(a, 0)?)))
}

fn test_text(a: &[Value], f: impl FnOnce(&str, &str) -> bool) -> FnResult {
    Ok(Value::Bool(f(&text(a, 0)?, &text(a, 1)?)))
}

// The functions.

/// Removes every newline (`\n`, `\r\n` or `\r`) at the end.
pub fn chomp(a: &[Value], _: &FuncContext) -> FnResult {
    map_text(a, |s| s.trim_end_matches(['\r', '\n']).to_string())
}

pub fn endswith(a: &[Value], _: &FuncContext) -> FnResult {
    test_text(a, |s, suffix| s.ends_with(suffix))
}

/// Adds `spaces` spaces after every newline: all lines but the first,
/// empty ones included.
pub fn indent(a: &[Value], _: &FuncContext) -> FnResult {
    let spaces = whole(a, 0)?;
    // terraform panics here (strings.Repeat of a negative count).
    let spaces = usize::try_from(spaces)
        .map_err(|_| FnError::arg(0, format!("the number of spaces must not be negative, got {spaces}")))?;
    let s = text(a, 1)?;
    let lines = s.matches('\n').count();
    let grown = lines.checked_mul(spaces).and_then(|n| n.checked_add(s.len()));
    if grown.is_none_or(|n| n > MAX_TEXT) {
        return Err(too_large(LimitError::Text));
    }
    let pad = format!("\n{}", " ".repeat(spaces));
    Ok(string_value(s.replace('\n', &pad)))
}

/// Joins the elements of every list with the separator.
pub fn join(a: &[Value], _: &FuncContext) -> FnResult {
    let sep = text(a, 0)?;
    if a.len() < 2 {
        return Err(FnError::new("at least one list is required"));
    }
    let lists = a.len() - 1;
    let mut parts = Vec::new();
    for (i, list) in a.iter().enumerate().skip(1) {
        for (e, v) in list.as_seq().unwrap_or_default().iter().enumerate() {
            let Some(s) = v.as_str() else {
                let which = if lists > 1 {
                    format!("element {e} of list {i}")
                } else {
                    format!("element {e}")
                };
                return Err(FnError::arg(
                    i,
                    format!("{which} is null; cannot concatenate null values"),
                ));
            };
            parts.push(s);
        }
    }
    let seps = parts.len().saturating_sub(1).saturating_mul(sep.len());
    let total = parts.iter().fold(seps, |n, p| n.saturating_add(p.len()));
    if total > MAX_TEXT {
        return Err(too_large(LimitError::Text));
    }
    Ok(string_value(parts.join(&sep)))
}

pub fn lower(a: &[Value], _: &FuncContext) -> FnResult {
    map_text(a, |s| s.chars().map(casing::to_lower).collect())
}

/// `replace(str, substr, replacement)`: every occurrence of `substr`, or of
/// the regular expression when `substr` is written `/re/`; an empty
/// `substr` matches between every two characters.
pub fn replace(a: &[Value], _: &FuncContext) -> FnResult {
    let s = text(a, 0)?;
    let sub = text(a, 1)?;
    let rep = text(a, 2)?;
    if let Some(pattern) = sub.strip_prefix('/').and_then(|p| p.strip_suffix('/')) {
        return Ok(string_value(regex::replace_all(&s, pattern, &rep)?));
    }
    if !sub.is_empty() && rep.len() > sub.len() {
        let grown = s.matches(sub.as_str()).count().saturating_mul(rep.len() - sub.len());
        if grown.saturating_add(s.len()) > MAX_TEXT {
            return Err(too_large(LimitError::Text));
        }
    } else if sub.is_empty() && s.chars().count().saturating_add(1).saturating_mul(rep.len()) > MAX_TEXT {
        return Err(too_large(LimitError::Text));
    }
    Ok(string_value(s.replace(&sub, &rep)))
}

/// The error for a result past a size limit, refused before it is built.
pub(super) fn too_large(l: LimitError) -> FnError {
    FnError::new(l.to_string())
}

/// Splits at every separator; an empty separator splits every character
/// (Unicode scalar value, as Go's `strings.Split`), and an empty string
/// then gives an empty list.
pub fn split(a: &[Value], _: &FuncContext) -> FnResult {
    let sep = text(a, 0)?;
    let s = text(a, 1)?;
    let count = if sep.is_empty() {
        s.chars().count()
    } else {
        s.matches(sep.as_str()).count() + 1
    };
    if count > MAX_ELEMENTS {
        return Err(too_large(LimitError::Elements));
    }
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars().map(|c| string_value(c.to_string())).collect()
    } else {
        s.split(sep.as_str()).map(|p| string_value(p.to_string())).collect()
    };
    Ok(Value::List(Type::String, parts))
}

pub fn startswith(a: &[Value], _: &FuncContext) -> FnResult {
    let prefix = text(a, 1)?;
    if !a[0].is_known() {
        // Terraform knows this much of an unknown string (and more, from
        // refinements aksplan does not track).
        return Ok(if prefix.is_empty() {
            Value::Bool(true)
        } else {
            Value::Unknown(Type::Bool)
        });
    }
    test_text(a, |s, prefix| s.starts_with(prefix))
}

pub fn strcontains(a: &[Value], _: &FuncContext) -> FnResult {
    test_text(a, |s, sub| s.contains(sub))
}

/// The characters (grapheme clusters) in reverse order.
pub fn strrev(a: &[Value], _: &FuncContext) -> FnResult {
    map_text(a, |s| graphemes(s).rev().collect())
}

/// `substr(str, offset, length)` in characters (grapheme clusters), with
/// cty's edges: a negative offset counts from the end (and one before the
/// start starts at the start), a negative length takes the rest, an offset
/// at or past the end gives "", and a length of 0 after a negative offset
/// takes the rest.
pub fn substr(a: &[Value], _: &FuncContext) -> FnResult {
    let s = text(a, 0)?;
    let mut offset = whole(a, 1)?;
    let length = whole(a, 2)?;
    if offset < 0 {
        offset += grapheme_count(&s) as i64;
    } else if length == 0 {
        return Ok(Value::string(""));
    }
    let mut rest = s.as_str();
    if offset > 0 {
        let Some((start, _)) = rest.grapheme_indices(true).nth(offset as usize) else {
            return Ok(Value::string(""));
        };
        rest = &rest[start..];
    }
    if length < 0 {
        return Ok(string_value(rest.to_string()));
    }
    // A length of 0 here (after a negative offset) never stops the count.
    let end = match usize::try_from(length) {
        Ok(n) if n > 0 => rest.grapheme_indices(true).nth(n).map_or(rest.len(), |(i, _)| i),
        _ => rest.len(),
    };
    Ok(string_value(rest[..end].to_string()))
}

/// Go's `strings.Title`: the first letter of each word to title case, where
/// words are separated by anything but ASCII letters, digits and `_`, and,
/// beyond ASCII, only by white space.
pub fn title(a: &[Value], _: &FuncContext) -> FnResult {
    let separates = |c: char| {
        if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || c == '_')
        } else {
            c.is_whitespace()
        }
    };
    map_text(a, |s| {
        let mut prev = ' ';
        s.chars()
            .map(|c| {
                let out = if separates(prev) { casing::to_title(c) } else { c };
                prev = c;
                out
            })
            .collect()
    })
}

/// Removes every character of the cutset from both ends.
pub fn trim(a: &[Value], _: &FuncContext) -> FnResult {
    let cutset: Vec<char> = text(a, 1)?.chars().collect();
    map_text(a, |s| s.trim_matches(|c| cutset.contains(&c)).to_string())
}

pub fn trimprefix(a: &[Value], _: &FuncContext) -> FnResult {
    let prefix = text(a, 1)?;
    map_text(a, |s| s.strip_prefix(prefix.as_str()).unwrap_or(s).to_string())
}

/// Removes Unicode white space from both ends (Go's `unicode.IsSpace` is
/// the White_Space property, as Rust's `trim`).
pub fn trimspace(a: &[Value], _: &FuncContext) -> FnResult {
    map_text(a, |s| s.trim().to_string())
}

pub fn trimsuffix(a: &[Value], _: &FuncContext) -> FnResult {
    let suffix = text(a, 1)?;
    map_text(a, |s| s.strip_suffix(suffix.as_str()).unwrap_or(s).to_string())
}

pub fn upper(a: &[Value], _: &FuncContext) -> FnResult {
    map_text(a, |s| s.chars().map(casing::to_upper).collect())
}

/// cty's friendly name of a type, as the conversion errors say it.
pub(super) fn type_name(t: &Type) -> String {
    match t {
        Type::Dynamic => "dynamic".into(),
        Type::String => "string".into(),
        Type::Number => "number".into(),
        Type::Bool => "bool".into(),
        Type::List(e) => format!("list of {}", type_name(e)),
        Type::Set(e) => format!("set of {}", type_name(e)),
        Type::Map(e) => format!("map of {}", type_name(e)),
        Type::Tuple(_) => "tuple".into(),
        Type::Object(_) => "object".into(),
    }
}

/// `tostring(v)`: strings, numbers and bools (and their nulls and unknowns)
/// become strings; anything else is an error, even when unknown.
pub fn tostring(a: &[Value], _: &FuncContext) -> FnResult {
    let (v, marked) = a[0].clone().unmark_deep();
    let ty = v.ty();
    if !matches!(ty, Type::String | Type::Number | Type::Bool | Type::Dynamic) {
        return Err(FnError::arg(0, format!("cannot convert {} to string", type_name(&ty))));
    }
    let out = convert(v, &Type::String).map_err(|e| FnError::arg(0, e.to_string()))?;
    Ok(out.mark_if(marked))
}

/// `tobool(v)`: bools, and the strings "true", "false", "1" and "0" (cty's
/// string conversion), with their nulls and unknowns.
pub fn tobool(a: &[Value], _: &FuncContext) -> FnResult {
    let (v, marked) = a[0].clone().unmark_deep();
    let out = match v {
        Value::Bool(b) => Value::Bool(b),
        Value::String(s) => match s.as_str() {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ if marked => return Err(FnError::arg(0, "cannot convert this sensitive string to bool")),
            _ => {
                return Err(FnError::arg(
                    0,
                    format!(
                        "cannot convert {} to bool; only the strings \"true\" or \"false\" are allowed",
                        crate::lang::display::go_quote(&s)
                    ),
                ))
            }
        },
        Value::Null(Type::String | Type::Bool | Type::Dynamic) => Value::Null(Type::Bool),
        Value::Unknown(Type::String | Type::Bool | Type::Dynamic) => Value::Unknown(Type::Bool),
        other => {
            return Err(FnError::arg(
                0,
                format!("cannot convert {} to bool", type_name(&other.ty())),
            ))
        }
    };
    Ok(out.mark_if(marked))
}

#[cfg(test)]
pub(super) mod table {
    //! Tables of expressions and what terraform 1.11 printed for them.
    use super::super::test_support::{eval, show};

    /// Checks each `(expression, terraform's output)`. An output starting
    /// with `error: ` is terraform's error message (after "Call to function
    /// ... failed:" or "Invalid value for ... parameter:"), which aksplan's
    /// message must contain; `error~ PHRASE [terraform: MESSAGE]` marks an
    /// error aksplan words differently (or terraform's framework reports),
    /// where aksplan's message must contain PHRASE.
    pub fn check(cases: &[(&str, &str)]) {
        let mut failures = Vec::new();
        for (expr, want) in cases {
            let got = match eval(expr) {
                Ok(_) => show(expr),
                Err(e) => format!("error: {e}"),
            };
            let pass = if let Some(msg) = want.strip_prefix("error: ") {
                got.starts_with("error: ") && got.contains(msg)
            } else if let Some(rest) = want.strip_prefix("error~ ") {
                let phrase = rest.split(" [terraform: ").next().unwrap_or(rest);
                got.starts_with("error: ") && got.contains(phrase)
            } else {
                got == *want
            };
            if !pass {
                failures.push(format!("{expr}\n   want: {want}\n    got: {got}"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} cases differ from terraform:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::table::check;

    /// Results past the text or element limits are refused before they
    /// are built; just within them they are made.
    #[test]
    fn results_past_the_size_limits_are_refused_before_they_are_built() {
        use super::super::test_support::{eval, ok};
        let text = "the result would hold more than 64 MiB of text, aksplan's limit for one value";
        let elements =
            "the result would hold more than 1000000 elements (nested ones counted), aksplan's limit for one value";
        let mib = r#"format("%1000000s", "")"#;
        let xs = r#"join("", [for i in range(100) : "x"])"#;
        for (expr, why) in [
            (format!("join({mib}, range(100))"), text),
            (
                r#"indent(1000000000, "a
b")"#
                    .to_string(),
                text,
            ),
            (format!(r#"replace(format("%1000s", ""), "", {mib})"#), text),
            (format!(r#"replace({xs}, "x", {mib})"#), text),
            (format!(r#"replace({xs}, "/x/", {mib})"#), text),
            (format!(r#"split("", "${{{mib}}}x")"#), elements),
        ] {
            let name = &expr[..expr.find('(').unwrap()];
            assert_eq!(eval(&expr).unwrap_err(), format!("{name}(): {why}"), "{expr}");
        }
        assert_eq!(ok(&format!("length(join({mib}, range(60)))")), ok("59000110"));
        assert_eq!(ok(&format!(r#"length(split("", {mib}))"#)), ok("1000000"));
        assert_eq!(
            ok(r#"indent(2, "a
b")"#),
            ok(r#""a
  b""#)
        );
    }

    /// Unknown and sensitive arguments (which the console cannot show), as
    /// the go-cty and terraform sources handle them.
    #[test]
    fn unknown_and_sensitive_arguments() {
        use super::super::{call, FuncContext};
        use crate::lang::types::Type;
        use crate::lang::value::Value;
        let ctx = FuncContext::default();
        let f = |name: &str, args: Vec<Value>| call(name, args, &ctx).unwrap();
        let s = Value::string;
        // Every string starts with "", known or not.
        assert_eq!(
            f("startswith", vec![Value::Unknown(Type::String), s("")]),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            f("startswith", vec![Value::Unknown(Type::String), s("a")]),
            Ok(Value::Unknown(Type::Bool))
        );
        assert_eq!(
            f("endswith", vec![Value::Unknown(Type::String), s("")]),
            Ok(Value::Unknown(Type::Bool))
        );
        // The to* functions give typed unknowns, and still check the type.
        assert_eq!(f("tostring", vec![Value::unknown()]), Ok(Value::Unknown(Type::String)));
        assert_eq!(
            f("tobool", vec![Value::Unknown(Type::String)]),
            Ok(Value::Unknown(Type::Bool))
        );
        assert!(f("tostring", vec![Value::Unknown(Type::list(Type::String))]).is_err());
        // Marks stay on the converted value.
        assert_eq!(f("tostring", vec![Value::int(1).mark()]), Ok(s("1").mark()));
        assert_eq!(f("tobool", vec![s("0").mark()]), Ok(Value::Bool(false).mark()));
        // join looks inside its lists for unknowns.
        let list = Value::List(Type::String, vec![s("a"), Value::Unknown(Type::String)]);
        assert_eq!(f("join", vec![s(","), list]), Ok(Value::Unknown(Type::String)));
        assert_eq!(f("upper", vec![s("pw").mark()]), Ok(s("PW").mark()));
    }

    #[test]
    fn results_are_in_nfc() {
        use super::super::test_support::ok;
        // "e" and a combining acute accent, joined: one character, as in terraform.
        assert_eq!(ok(r#"join("", ["e", "\u0301"])"#), ok(r#""\u00e9""#));
        assert_eq!(ok(r#"strrev("e\u0301x")"#), ok(r#""x\u00e9""#));
    }

    // Every expectation below is what `terraform console` (v1.11.4) printed
    // for the expression on this machine.

    #[test]
    fn chomp_as_terraform() {
        check(CHOMP);
    }

    #[test]
    fn endswith_as_terraform() {
        check(ENDSWITH);
    }

    #[test]
    fn indent_as_terraform() {
        check(INDENT);
    }

    #[test]
    fn join_as_terraform() {
        check(JOIN);
    }

    #[test]
    fn upper_lower_and_title_as_terraform() {
        check(CASE);
    }

    #[test]
    fn replace_plain_as_terraform() {
        check(REPLACE);
    }

    #[test]
    fn split_as_terraform() {
        check(SPLIT);
    }

    #[test]
    fn startswith_as_terraform() {
        check(STARTSWITH);
    }

    #[test]
    fn strcontains_as_terraform() {
        check(STRCONTAINS);
    }

    #[test]
    fn strrev_as_terraform() {
        check(STRREV);
    }

    #[test]
    fn substr_as_terraform() {
        check(SUBSTR);
    }

    #[test]
    fn trim_trimprefix_trimsuffix_trimspace_as_terraform() {
        check(TRIM);
    }

    #[test]
    fn tostring_and_tobool_as_terraform() {
        check(CONVERSIONS);
    }

    #[rustfmt::skip]
    const CHOMP: &[(&str, &str)] = &[
        (r#"chomp("a\n")"#, r#""a""#),
        (r#"chomp("a\r\n")"#, r#""a""#),
        (r#"chomp("a\n\n\r\n")"#, r#""a""#),
        (r#"chomp("a\r")"#, r#""a""#),
        (r#"chomp("a\r\r")"#, r#""a""#),
        (r#"chomp("a\n\r")"#, r#""a""#),
        (r#"chomp("a\nb\n")"#, r#"<<EOT
a
b
EOT"#),
        (r#"chomp("")"#, r#""""#),
        (r#"chomp("\n")"#, r#""""#),
        (r#"chomp("\r\n\r\n")"#, r#""""#),
        (r#"chomp("a \n ")"#, r#"<<EOT
a 
 
EOT"#),
        (r#"chomp("a\t")"#, r#""a\t""#),
        (r#"chomp(12)"#, r#""12""#),
        (r#"chomp(null)"#, r#"error~ must not be null [terraform: argument must not be null]"#),
    ];

    #[rustfmt::skip]
    const ENDSWITH: &[(&str, &str)] = &[
        (r#"endswith("", "")"#, r#"true"#),
        (r#"endswith("abc", "")"#, r#"true"#),
        (r#"endswith("abc", "bc")"#, r#"true"#),
        (r#"endswith("abc", "abc")"#, r#"true"#),
        (r#"endswith("abc", "abcd")"#, r#"false"#),
        (r#"endswith("a.tf", ".tf")"#, r#"true"#),
        (r#"endswith("abc", "B")"#, r#"false"#),
        (r#"endswith("é", "e")"#, r#"false"#),
        (r#"endswith("e\u0301", "\u00e9")"#, r#"true"#),
        (r#"endswith(12, 2)"#, r#"true"#),
        (r#"endswith(true, "e")"#, r#"true"#),
        (r#"endswith("a", null)"#, r#"error~ must not be null [terraform: argument must not be null]"#),
    ];

    #[rustfmt::skip]
    const INDENT: &[(&str, &str)] = &[
        (r#"indent(2, "a\nb")"#, r#"<<EOT
a
  b
EOT"#),
        (r#"indent(2, "a\n\nb\n")"#, r#"<<EOT
a
  
  b
  
EOT"#),
        (r#"indent(0, "a\nb")"#, r#"<<EOT
a
b
EOT"#),
        (r#"indent(4, "")"#, r#""""#),
        (r#"indent(2, "\n")"#, r#"<<EOT

  
EOT"#),
        (r#"indent(2, "a\r\nb")"#, "<<EOT
a\u{d}
  b
EOT"),
        (r#"indent(1, "no newline")"#, r#""no newline""#),
        (r#"indent("3", "a\nb")"#, r#"<<EOT
a
   b
EOT"#),
        (r#"indent(2, 5)"#, r#""5""#),
        (r#"indent(1.5, "a\nb")"#, r#"error: value must be a whole number, between -9223372036854775808 and 9223372036854775807"#),
        (r#"indent(-1, "a\nb")"#, r#"error~ must not be negative [terraform: panic in function implementation: strings: negative Repeat count goroutine 1 [running]: runtime/debug.Stack() runtime/debug/stack.go:26 +0x5e github.com/zclconf/go-cty/cty/function.errorForPanic(...) github.com/zclconf/go-cty@v1.16.0/cty/function/error.go:44 github.com/zclconf/go-cty/cty/function.Function.Call.func2() github.com/zclconf/go-cty@v1.16.0/cty/function/function.go:349 +0x9b panic({0x308f040?, 0x3e3aa70?}) runtime/panic.go:785 +0x132 strings.Repeat({0x3e394e0?, 0xc000119a6f?}, 0x308f040?) strings/strings.go:569 +0x56b github.com/zclconf/go-cty/cty/function/stdlib.init.func98({0xc000662900, 0x2, 0x308f040?}, {{0xc0002282a0?, 0x0?}}) github.com/zclconf/go-cty@v1.16.0/cty/function/stdlib/string.go:406 +0xdb github.com/zclconf/go-cty/cty/function.Function.Call({0x3e832e8?}, {0xc000662900, 0x2, 0x2}) github.com/zclconf/go-cty@v1.16.0/cty/function/function.go:353 +0x6bf github.com/hashicorp/hcl/v2/hclsyntax.(*FunctionCallExpr).Value(0xc0005a85a0, 0xc00077a600) github.com/hashicorp/hcl/v2@v2.23.0/hclsyntax/expression.go:528 +0x1acf github.com/hashicorp/terraform/internal/lang.(*Scope).EvalExpr(0xc0005aa7e0, {0x3e83c68, 0xc0005a85a0}, {{0x3e83d58?, 0x5a98a60?}}) github.com/hashicorp/terraform/internal/lang/eval.go:179 +0x1a5 github.com/hashicorp/terraform/internal/repl.(*Session).handleEval(0xc00098f8e8, {0xc00098f6d8?, 0xc00098f6d8?}) github.com/hashicorp/terraform/internal/repl/session.go:58 +0x14e github.com/hashicorp/terraform/internal/repl.(*Session).Handle(0xc00098f8e8, {0xc00098f6d8, 0x12}) github.com/hashicorp/terraform/internal/repl/session.go:43 +0xbc github.com/hashicorp/terraform/internal/command.(*ConsoleCommand).modePiped(0xc000976380, 0xc00098f8e8, {0x3e8bb90, 0xc000826e40}) github.com/hashicorp/terraform/internal/command/console.go:191 +0xee github.com/hashicorp/terraform/internal/command.(*ConsoleCommand).Run(0xc000976380, {0xc00010c230?, 0x0?, 0x0?}) github.com/hashicorp/terraform/internal/command/console.go:181 +0x1073 github.com/hashicorp/cli.(*CLI).Run(0xc000262640) github.com/hashicorp/cli@v1.1.7/cli.go:265 +0x55f main.realMain() github.com/hashicorp/terraform/main.go:339 +0x1deb main.main() github.com/hashicorp/terraform/main.go:64 +0x13 ]"#),
        (r#"indent("x", "a")"#, r#"error~ a number is required [terraform: a number is required]"#),
        (r#"indent(null, "a")"#, r#"error~ must not be null [terraform: argument must not be null]"#),
    ];

    #[rustfmt::skip]
    const JOIN: &[(&str, &str)] = &[
        (r#"join(", ", ["a", "b"])"#, r#""a, b""#),
        (r#"join(",", [])"#, r#""""#),
        (r#"join(",", [], [])"#, r#""""#),
        (r#"join(",", ["a"])"#, r#""a""#),
        (r#"join(",", ["a"], ["b", "c"])"#, r#""a,b,c""#),
        (r#"join("", ["a", "b", "c"])"#, r#""abc""#),
        (r#"join(",", [1, true, "x"])"#, r#""1,true,x""#),
        (r#"join(",", toset(["b", "a", "b"]))"#, r#""a,b""#),
        (r#"join(",", tolist([]))"#, r#""""#),
        (r#"join("-", ["e", "\u0301"])"#, r#""e-́""#),
        (r#"join(",", ["a", null])"#, r#"error: element 1 is null; cannot concatenate null values"#),
        (r#"join(",", [null])"#, r#"error: element 0 is null; cannot concatenate null values"#),
        (r#"join(",", ["a"], ["b", null])"#, r#"error: element 1 of list 2 is null; cannot concatenate null values"#),
        (r#"join(",", [[1]])"#, r#"error~ string [terraform: element 0: string required]"#),
        (r#"join("-", "abc")"#, r#"error~ list of string [terraform: list of string required]"#),
        (r#"join(",", null)"#, r#"error~ must not be null [terraform: argument must not be null]"#),
        (r#"join(null, ["a"])"#, r#"error~ must not be null [terraform: argument must not be null]"#),
        (r#"join(",")"#, r#"error: at least one list is required"#),
    ];

    #[rustfmt::skip]
    const CASE: &[(&str, &str)] = &[
        (r#"upper("hello")"#, r#""HELLO""#),
        (r#"upper("")"#, r#""""#),
        (r#"upper("àéî")"#, r#""ÀÉÎ""#),
        (r#"upper("straße")"#, r#""STRAßE""#),
        (r#"upper("ǰ")"#, r#""ǰ""#),
        (r#"upper("ŉ")"#, r#""ŉ""#),
        (r#"upper("ﬀ")"#, r#""ﬀ""#),
        (r#"upper("ᾀ")"#, r#""ᾈ""#),
        (r#"upper("ᾳ")"#, r#""ᾼ""#),
        (r#"upper("ǆ")"#, r#""Ǆ""#),
        (r#"upper("ı")"#, r#""I""#),
        (r#"upper("ſ")"#, r#""S""#),
        (r#"upper("ა")"#, r#""Ა""#),
        (r#"upper("ᲀ")"#, r#""В""#),
        (r#"upper("\ua7cd") == "\ua7cd""#, r#"true"#),
        (r#"upper("e\u0301")"#, r#""É""#),
        (r#"upper(1.5)"#, r#""1.5""#),
        (r#"upper(true)"#, r#""TRUE""#),
        (r#"lower("HELLO")"#, r#""hello""#),
        (r#"lower("")"#, r#""""#),
        (r#"lower("ÀÉÎ")"#, r#""àéî""#),
        (r#"lower("İ")"#, r#""i""#),
        (r#"lower("ẞ")"#, r#""ß""#),
        (r#"lower("Σ")"#, r#""σ""#),
        (r#"lower("ΑΣ")"#, r#""ασ""#),
        (r#"lower("ǅ")"#, r#""ǆ""#),
        (r#"lower("Ǆ")"#, r#""ǆ""#),
        (r#"lower("K")"#, r#""k""#),
        (r#"lower("ᾈ")"#, r#""ᾀ""#),
        (r#"lower("\u1c90")"#, r#""ა""#),
        (r#"lower("Ꭰ")"#, r#""ꭰ""#),
        (r#"title("hello world")"#, r#""Hello World""#),
        (r#"title("hello wORLD-foo bar_baz")"#, r#""Hello WORLD-Foo Bar_baz""#),
        (r#"title("abc_def ghi-jkl m.n o'p")"#, r#""Abc_def Ghi-Jkl M.N O'P""#),
        (r#"title("")"#, r#""""#),
        (r#"title("ǆa ǳb")"#, r#""ǅa ǲb""#),
        (r#"title("ǅ")"#, r#""ǅ""#),
        (r#"title("ß")"#, r#""ß""#),
        (r#"title("ﬀ")"#, r#""ﬀ""#),
        (r#"title("ა")"#, r#""ა""#),
        (r#"title("ᾀ")"#, r#""ᾈ""#),
        (r#"title("élan 1st x2y _a")"#, r#""Élan 1st X2y _a""#),
        (r#"title("a—b c\u00a0d e\u2003f")"#, r#""A—b C\u00a0D E\u2003F""#),
        (r#"title("a\u3000b")"#, r#""A\u3000B""#),
        (r#"title("a\u200bb")"#, r#""A\u200bb""#),
        (r#"title("a\u00adb")"#, r#""A\u00adb""#),
        (r#"title("a\u0085b")"#, r#""A\u0085B""#),
        (r#"title("a·b")"#, r#""A·b""#),
        (r#"title("a٣b")"#, r#""A٣b""#),
        (r#"title("a²b")"#, r#""A²b""#),
        (r#"title("aⅣb")"#, r#""AⅣb""#),
        (r#"title("hello\u0301world")"#, r#""Hellóworld""#),
        (r#"title("1a 2b")"#, r#""1a 2b""#),
        (r#"title("a.b,c;d'e")"#, r#""A.B,C;D'E""#),
    ];

    #[rustfmt::skip]
    const REPLACE: &[(&str, &str)] = &[
        (r#"replace("a-b-c", "-", "_")"#, r#""a_b_c""#),
        (r#"replace("abc", "", "-")"#, r#""-a-b-c-""#),
        (r#"replace("", "", "-")"#, r#""-""#),
        (r#"replace("", "a", "-")"#, r#""""#),
        (r#"replace("aaa", "a", "")"#, r#""""#),
        (r#"replace("aaa", "aa", "b")"#, r#""ba""#),
        (r#"replace("abc", "x", "y")"#, r#""abc""#),
        (r#"replace("a.b", ".", "/")"#, r#""a/b""#),
        (r#"replace("abc", "/", "-")"#, r#""abc""#),
        (r#"replace("a/b/", "/", "-")"#, r#""a-b-""#),
        (r#"replace("abc", "/b", "-")"#, r#""abc""#),
        (r#"replace("éé", "é", "e")"#, r#""ee""#),
        (r#"replace("e\u0301", "e", "x")"#, r#""é""#),
        (r#"replace(1, 1, 2)"#, r#""2""#),
        (r#"replace("a", null, "b")"#, r#"error~ must not be null [terraform: argument must not be null]"#),
    ];

    #[rustfmt::skip]
    const SPLIT: &[(&str, &str)] = &[
        (r#"split(",", "a,b")"#, r#"tolist([
  "a",
  "b",
])"#),
        (r#"split(",", "")"#, r#"tolist([
  "",
])"#),
        (r#"split(",", "a,,b,")"#, r#"tolist([
  "a",
  "",
  "b",
  "",
])"#),
        (r#"split(",", ",")"#, r#"tolist([
  "",
  "",
])"#),
        (r#"split("ab", "xabyabz")"#, r#"tolist([
  "x",
  "y",
  "z",
])"#),
        (r#"split("", "abc")"#, r#"tolist([
  "a",
  "b",
  "c",
])"#),
        (r#"split("", "")"#, r#"tolist([])"#),
        (r#"split("", "e\u0301x😀")"#, r#"tolist([
  "é",
  "x",
  "😀",
])"#),
        (r#"split("", "🇺🇸")"#, r#"tolist([
  "🇺",
  "🇸",
])"#),
        (r#"split(" ", 12)"#, r#"tolist([
  "12",
])"#),
        (r#"split(",", "no separators")"#, r#"tolist([
  "no separators",
])"#),
        (r#"split(", ", "a, b,c")"#, r#"tolist([
  "a",
  "b,c",
])"#),
        (r#"split(null, "a")"#, r#"error~ must not be null [terraform: argument must not be null]"#),
    ];

    #[rustfmt::skip]
    const STARTSWITH: &[(&str, &str)] = &[
        (r#"startswith("", "")"#, r#"true"#),
        (r#"startswith("abc", "")"#, r#"true"#),
        (r#"startswith("", "a")"#, r#"false"#),
        (r#"startswith("abc", "ab")"#, r#"true"#),
        (r#"startswith("abc", "abc")"#, r#"true"#),
        (r#"startswith("abc", "abcd")"#, r#"false"#),
        (r#"startswith("abc", "ABC")"#, r#"false"#),
        (r#"startswith("é", "e")"#, r#"false"#),
        (r#"startswith("e\u0301", "\u00e9")"#, r#"true"#),
        (r#"startswith(1, "1")"#, r#"true"#),
        (r#"startswith("abc", null)"#, r#"error~ must not be null [terraform: argument must not be null]"#),
        (r#"startswith(null, "a")"#, r#"error~ must not be null [terraform: argument must not be null]"#),
    ];

    #[rustfmt::skip]
    const STRCONTAINS: &[(&str, &str)] = &[
        (r#"strcontains("abc", "")"#, r#"true"#),
        (r#"strcontains("", "")"#, r#"true"#),
        (r#"strcontains("", "a")"#, r#"false"#),
        (r#"strcontains("abc", "b")"#, r#"true"#),
        (r#"strcontains("abc", "bd")"#, r#"false"#),
        (r#"strcontains("héllo", "é")"#, r#"true"#),
        (r#"strcontains("hello", "L")"#, r#"false"#),
        (r#"strcontains("e\u0301", "e")"#, r#"false"#),
        (r#"strcontains(123, 2)"#, r#"true"#),
        (r#"strcontains("a", null)"#, r#"error~ must not be null [terraform: argument must not be null]"#),
    ];

    #[rustfmt::skip]
    const STRREV: &[(&str, &str)] = &[
        (r#"strrev("abc")"#, r#""cba""#),
        (r#"strrev("")"#, r#""""#),
        (r#"strrev("a")"#, r#""a""#),
        (r#"strrev("e\u0301x")"#, r#""xé""#),
        (r#"strrev("🇺🇸🇫🇷")"#, r#""🇫🇷🇺🇸""#),
        (r#"strrev("👨‍👩‍👧x")"#, r#""x👨\u200d👩\u200d👧""#),
        (r#"strrev("👍🏽!")"#, r#""!👍🏽""#),
        (r#"strrev("a\r\nb")"#, "<<EOT
b\u{d}
a
EOT"),
        (r#"strrev("क्षि")"#, r#""षिक्""#),
        (r#"strrev("e\u0301\u0302")"#, r#""é̂""#),
        (r#"strrev(123)"#, r#""321""#),
        (r#"strrev(null)"#, r#"error~ must not be null [terraform: argument must not be null]"#),
    ];

    #[rustfmt::skip]
    const SUBSTR: &[(&str, &str)] = &[
        (r#"substr("hello world", 1, 4)"#, r#""ello""#),
        (r#"substr("hello world", -5, 3)"#, r#""wor""#),
        (r#"substr("hello world", 0, -1)"#, r#""hello world""#),
        (r#"substr("héllo", 1, -1)"#, r#""éllo""#),
        (r#"substr("abc", -10, 2)"#, r#""ab""#),
        (r#"substr("abc", -1, 0)"#, r#""c""#),
        (r#"substr("abc", -2, 0)"#, r#""bc""#),
        (r#"substr("abc", 1, 0)"#, r#""""#),
        (r#"substr("abc", 0, 0)"#, r#""""#),
        (r#"substr("abc", 3, 1)"#, r#""""#),
        (r#"substr("abc", 4, 1)"#, r#""""#),
        (r#"substr("abc", 1, -5)"#, r#""bc""#),
        (r#"substr("abc", 1, 100)"#, r#""bc""#),
        (r#"substr("", 0, 1)"#, r#""""#),
        (r#"substr("", 1, 1)"#, r#""""#),
        (r#"substr("", -1, 1)"#, r#""""#),
        (r#"substr("e\u0301x", 0, 1)"#, r#""é""#),
        (r#"substr("🇺🇸🇫🇷x", 1, 1)"#, r#""🇫🇷""#),
        (r#"substr("क्षि", 0, 1)"#, r#""क्""#),
        (r#"substr("👨‍👩‍👧x", 0, 1)"#, r#""👨\u200d👩\u200d👧""#),
        (r#"substr("a\r\nb", 1, 1)"#, "<<EOT
\u{d}

EOT"),
        (r#"substr(12345, 1, 2)"#, r#""23""#),
        (r#"substr("abc", "1", "1")"#, r#""b""#),
        (r#"substr("abc", 1.5, 1)"#, r#"error: value must be a whole number, between -9223372036854775808 and 9223372036854775807"#),
        (r#"substr("abc", 0, 1.5)"#, r#"error: value must be a whole number, between -9223372036854775808 and 9223372036854775807"#),
        (r#"substr("abc", 9223372036854775808, 1)"#, r#"error: value must be a whole number, between -9223372036854775808 and 9223372036854775807"#),
        (r#"substr(null, 0, 1)"#, r#"error~ must not be null [terraform: argument must not be null]"#),
    ];

    #[rustfmt::skip]
    const TRIM: &[(&str, &str)] = &[
        (r#"trim("?!hello?!", "!?")"#, r#""hello""#),
        (r#"trim("abcba", "ab")"#, r#""c""#),
        (r#"trim("aaa", "a")"#, r#""""#),
        (r#"trim("abc", "")"#, r#""abc""#),
        (r#"trim("", "a")"#, r#""""#),
        (r#"trim("  x  ", " ")"#, r#""x""#),
        (r#"trim("éxé", "é")"#, r#""x""#),
        (r#"trim("xyzzyx", "zyx")"#, r#""""#),
        (r#"trim("a b a", "a ")"#, r#""b""#),
        (r#"trim("12321", 1)"#, r#""232""#),
        (r#"trimprefix("aks-prod", "aks-")"#, r#""prod""#),
        (r#"trimprefix("aaab", "a")"#, r#""aab""#),
        (r#"trimprefix("ab", "")"#, r#""ab""#),
        (r#"trimprefix("ab", "ab")"#, r#""""#),
        (r#"trimprefix("", "a")"#, r#""""#),
        (r#"trimprefix("ab", "b")"#, r#""ab""#),
        (r#"trimprefix("éa", "e")"#, r#""éa""#),
        (r#"trimsuffix("aks-prod", "-prod")"#, r#""aks""#),
        (r#"trimsuffix("abbb", "b")"#, r#""abb""#),
        (r#"trimsuffix("ab", "")"#, r#""ab""#),
        (r#"trimsuffix("a.tf", ".tf")"#, r#""a""#),
        (r#"trimsuffix("", "a")"#, r#""""#),
        (r#"trimsuffix("ab", "a")"#, r#""ab""#),
        (r#"trimspace("  a \n")"#, r#""a""#),
        (r#"trimspace("\u00a0\u2003a\u3000\u0085")"#, r#""a""#),
        (r#"trimspace("\u200ba\u200b")"#, r#""\u200ba\u200b""#),
        (r#"trimspace("\ufeffa")"#, r#""\ufeffa""#),
        (r#"trimspace("\u000b\u000ca\u001c")"#, r#""a\x1c""#),
        (r#"trimspace("\u180ea")"#, r#""\u180ea""#),
        (r#"trimspace("")"#, r#""""#),
        (r#"trimspace("\t\r\n ")"#, r#""""#),
        (r#"trimspace(" a b ")"#, r#""a b""#),
    ];

    #[rustfmt::skip]
    const CONVERSIONS: &[(&str, &str)] = &[
        (r#"tostring("x")"#, r#""x""#),
        (r#"tostring(1.5)"#, r#""1.5""#),
        (r#"tostring(true)"#, r#""true""#),
        (r#"tostring(1e20)"#, r#""100000000000000000000""#),
        (r#"tostring(-0.25)"#, r#""-0.25""#),
        (r#"tostring(null)"#, r#"tostring(null)"#),
        (r#"tostring(tostring(null))"#, r#"tostring(null)"#),
        (r#"tostring(tonumber(null))"#, r#"tostring(null)"#),
        (r#"tostring(tobool(null))"#, r#"tostring(null)"#),
        (r#"tostring(sensitive(true))"#, r#"(sensitive value)"#),
        (r#"tostring(["a"])"#, r#"error: cannot convert tuple to string"#),
        (r#"tostring(tolist(["a"]))"#, r#"error: cannot convert list of string to string"#),
        (r#"tostring(toset([1]))"#, r#"error: cannot convert set of number to string"#),
        (r#"tostring({a = 1})"#, r#"error: cannot convert object to string"#),
        (r#"tostring(tomap({a = 1}))"#, r#"error: cannot convert map of number to string"#),
        (r#"tostring(sensitive(["a"]))"#, r#"error: cannot convert tuple to string"#),
        (r#"tobool(true)"#, r#"true"#),
        (r#"tobool(false)"#, r#"false"#),
        (r#"tobool("true")"#, r#"true"#),
        (r#"tobool("false")"#, r#"false"#),
        (r#"tobool("1")"#, r#"true"#),
        (r#"tobool("0")"#, r#"false"#),
        (r#"tobool(null)"#, r#"tobool(null)"#),
        (r#"tobool(tobool(null))"#, r#"tobool(null)"#),
        (r#"tobool(tostring(null))"#, r#"tobool(null)"#),
        (r#"tobool(sensitive("true"))"#, r#"(sensitive value)"#),
        (r#"tobool("True")"#, r#"error: cannot convert "True" to bool; only the strings "true" or "false" are allowed"#),
        (r#"tobool("yes")"#, r#"error: cannot convert "yes" to bool; only the strings "true" or "false" are allowed"#),
        (r#"tobool("")"#, r#"error: cannot convert "" to bool; only the strings "true" or "false" are allowed"#),
        (r#"tobool(1)"#, r#"error: cannot convert number to bool"#),
        (r#"tobool([true])"#, r#"error: cannot convert tuple to bool"#),
        (r#"tobool(sensitive("yes"))"#, r#"error: cannot convert this sensitive string to bool"#),
        (r#"tobool(sensitive(1))"#, r#"error: cannot convert number to bool"#),
    ];
}
