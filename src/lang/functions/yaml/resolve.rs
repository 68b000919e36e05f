//! What a YAML scalar means, as zclconf/go-cty-yaml v1.1.0 (Terraform
//! 1.11's) resolves it: YAML 1.1's booleans (`yes`, `on`, `y`, ...) and
//! nulls (`~`), YAML 1.2's integer and float patterns, `.inf`, timestamps
//! (which become RFC 3339 strings), and the explicit tags `!!str`,
//! `!!int`, `!!float`, `!!bool`, `!!null`, `!!timestamp` and `!!binary`.
//! Quoted scalars are strings whatever their tag. Pure functions.

use crate::lang::number::Number;
use crate::lang::value::Value;
use libyaml_safer::ScalarStyle;

pub(crate) const STR_TAG: &str = "tag:yaml.org,2002:str";
pub(crate) const MAP_TAG: &str = "tag:yaml.org,2002:map";
pub(crate) const SEQ_TAG: &str = "tag:yaml.org,2002:seq";
const INT_TAG: &str = "tag:yaml.org,2002:int";
const FLOAT_TAG: &str = "tag:yaml.org,2002:float";
const BOOL_TAG: &str = "tag:yaml.org,2002:bool";
const NULL_TAG: &str = "tag:yaml.org,2002:null";
const TIMESTAMP_TAG: &str = "tag:yaml.org,2002:timestamp";
const BINARY_TAG: &str = "tag:yaml.org,2002:binary";

/// A resolved scalar: a value, or the `<<` merge key.
#[derive(Debug, PartialEq)]
pub(crate) enum Scalar {
    Value(Value),
    Merge,
}

/// The scalars that mean something by themselves, and the tag they have.
fn known(src: &str) -> Option<(Value, &'static str)> {
    Some(match src {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            (Value::Bool(true), BOOL_TAG)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            (Value::Bool(false), BOOL_TAG)
        }
        "" | "~" | "null" | "Null" | "NULL" => (Value::null(), NULL_TAG),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => (Value::Number(Number::infinity(false)), FLOAT_TAG),
        "-.inf" | "-.Inf" | "-.INF" => (Value::Number(Number::infinity(true)), FLOAT_TAG),
        _ => return None,
    })
}

/// YAML 1.2's integer pattern: decimal with an optional sign, `0o` octal,
/// `0x` hexadecimal.
fn is_int(s: &str) -> bool {
    let digits = |d: &str, radix: u32| !d.is_empty() && d.chars().all(|c| c.is_digit(radix));
    if let Some(h) = s.strip_prefix("0x") {
        return digits(h, 16);
    }
    if let Some(o) = s.strip_prefix("0o") {
        return digits(o, 8);
    }
    digits(s.strip_prefix(['-', '+']).unwrap_or(s), 10)
}

/// YAML 1.2's float pattern (without the special values).
fn is_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let all_digits = |d: &str| d.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => !frac.is_empty() && all_digits(frac),
        Some((int, frac)) => all_digits(int) && all_digits(frac),
        None => !mantissa.is_empty() && all_digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok
}

/// A number as cty's `ParseNumberVal` reads it (decimal only), falling
/// back to Go's `strconv.ParseInt`/`ParseUint` with base prefixes.
fn parse_number(src: &str, tag: &str) -> Result<Value, String> {
    let plain = src.replace('_', "");
    if let Some(n) = decimal(&plain) {
        return Ok(Value::Number(n));
    }
    let (negative, body) = match plain.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, plain.strip_prefix('+').unwrap_or(&plain)),
    };
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
        (8, d)
    } else if let Some(d) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        (2, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    let parsed = u64::from_str_radix(digits, radix)
        .ok()
        .filter(|_| !digits.starts_with(['+', '-']))
        .and_then(|u| match (negative, i64::try_from(u)) {
            (false, _) => Some(Number::from_u64(u)),
            (true, Ok(i)) => Some(Number::from_i64(-i)),
            (true, Err(_)) if u == 1 << 63 => Some(Number::from_i64(i64::MIN)),
            (true, Err(_)) => None,
        });
    parsed
        .map(Value::Number)
        .ok_or_else(|| format!("cannot parse {src:?} as {tag}"))
}

/// A decimal number with an optional sign, fraction and exponent.
fn decimal(s: &str) -> Option<Number> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let starts_ok = body.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    // A `+` sign is accepted, and means nothing.
    (starts_ok && is_float(s))
        .then(|| Number::parse(s.strip_prefix('+').unwrap_or(s)))
        .flatten()
}

/// `yamldecode`'s reading of one scalar, `tag` being its explicit tag in
/// long form. The error messages are go-cty-yaml's.
pub(crate) fn resolve(tag: Option<&str>, src: &str, style: ScalarStyle) -> Result<Scalar, String> {
    let tag = tag.unwrap_or("");
    let resolvable = matches!(
        tag,
        "" | STR_TAG | BOOL_TAG | INT_TAG | FLOAT_TAG | NULL_TAG | TIMESTAMP_TAG | BINARY_TAG
    );
    if !resolvable {
        return Err(format!("unsupported tag {tag:?}"));
    }
    let mut tag = tag;
    // The first character hints at what the scalar may be.
    let hint = match src.chars().next() {
        None => Some('N'),
        Some('+' | '-') => Some('S'),
        Some('0'..='9') => Some('D'),
        Some('y' | 'Y' | 'n' | 'N' | 't' | 'T' | 'f' | 'F' | 'o' | 'O' | '~') => Some('M'),
        Some('.') => Some('.'),
        Some(_) => None,
    };
    if let Some(hint) = hint.filter(|_| tag != STR_TAG && tag != BINARY_TAG) {
        if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) {
            return Ok(Scalar::Value(Value::string(src)));
        }
        if let Some((v, _)) = known(src) {
            return Ok(Scalar::Value(v));
        }
        if tag.is_empty() && matches!(src, ".nan" | ".NaN" | ".NAN") {
            return Err("floating point NaN is not supported".into());
        }
        match hint {
            '.' => {
                if let Some(n) = decimal(src) {
                    return Ok(Scalar::Value(Value::Number(n)));
                }
            }
            'D' | 'S' => {
                if tag.is_empty() || tag == TIMESTAMP_TAG {
                    if let Some(t) = timestamp(src) {
                        return Ok(Scalar::Value(Value::String(t)));
                    }
                }
                if is_int(src) {
                    tag = INT_TAG;
                } else if is_float(src) {
                    tag = FLOAT_TAG;
                }
            }
            _ => {}
        }
    }
    if tag.is_empty() && src == "<<" {
        return Ok(Scalar::Merge);
    }
    let value = match tag {
        STR_TAG => Value::string(src),
        BINARY_TAG => {
            if super::super::encoding::go_base64_decode(src).is_none() {
                return Err(format!("cannot parse {src:?} as {tag}: not valid base64"));
            }
            Value::string(src)
        }
        BOOL_TAG => match known(src) {
            Some((v, BOOL_TAG)) => v,
            _ => return Err(format!("cannot parse {src:?} as {tag}")),
        },
        INT_TAG | FLOAT_TAG => parse_number(src, tag)?,
        TIMESTAMP_TAG => match timestamp(src) {
            Some(t) => Value::String(t),
            None => return Err(format!("cannot parse {src:?} as {tag}")),
        },
        NULL_TAG => Value::null(),
        _ => Value::string(src),
    };
    Ok(Scalar::Value(value))
}

/// A YAML timestamp in one of the forms go-cty-yaml accepts (Go layouts
/// `2006-1-2T15:4:5.999999999Z07:00`, the same with `t`,
/// `2006-1-2 15:4:5.999999999` and `2006-1-2`), as RFC 3339 in seconds.
fn timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let mut p = Cursor { s: b, at: 5 };
    let year: i64 = s[..4].parse().ok()?;
    let month = p.number(1, 2)?;
    p.expect(b'-')?;
    let day = p.number(1, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if p.done() {
        return Some(format!("{year:04}-{month:02}-{day:02}T00:00:00Z"));
    }
    let sep = p.next()?;
    let zoned = match sep {
        b'T' | b't' => true,
        b' ' => false,
        _ => return None,
    };
    let hour = p.number(1, 2)?;
    p.expect(b':')?;
    let minute = p.number(1, 2)?;
    p.expect(b':')?;
    let second = p.number(1, 2)?;
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    if p.peek() == Some(b'.') {
        p.at += 1;
        let start = p.at;
        while p.peek().is_some_and(|c| c.is_ascii_digit()) {
            p.at += 1;
        }
        if p.at == start {
            return None;
        }
    }
    let zone = if zoned {
        match p.next()? {
            b'Z' => "Z".to_string(),
            sign @ (b'+' | b'-') => {
                let hh = p.fixed2()?;
                p.expect(b':')?;
                let mm = p.fixed2()?;
                if hh > 24 || mm > 59 {
                    return None;
                }
                if hh == 0 && mm == 0 {
                    "Z".to_string()
                } else {
                    format!("{}{hh:02}:{mm:02}", char::from(sign))
                }
            }
            _ => return None,
        }
    } else {
        "Z".to_string()
    };
    p.done()
        .then(|| format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{zone}"))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    crate::lang::functions::datetime::days_in(year, month)
}

struct Cursor<'a> {
    s: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }
    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }
    fn done(&self) -> bool {
        self.at == self.s.len()
    }
    fn expect(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }
    /// One or two digits (Go's non-padded layout elements).
    fn number(&mut self, min: usize, max: usize) -> Option<i64> {
        let start = self.at;
        while self.at - start < max && self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        if self.at - start < min {
            return None;
        }
        std::str::from_utf8(&self.s[start..self.at]).ok()?.parse().ok()
    }
    fn fixed2(&mut self) -> Option<i64> {
        self.number(2, 2)
    }
}
