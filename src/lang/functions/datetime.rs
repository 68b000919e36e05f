//! Date and time functions: `timestamp`, `plantimestamp`, `formatdate`,
//! `timeadd`, `timecmp`.
//!
//! Functions never read the clock: `timestamp()` is the time the core puts
//! in [`FuncContext::apply_time`] where terraform resolves it (apply, the
//! console), unknown elsewhere (a plan); `plantimestamp()` is the plan's
//! time, which the core puts in [`FuncContext::plan_timestamp`] once per
//! plan (unknown without one, as in `terraform validate`). Both are written
//! as Go's `time.RFC3339` writes a UTC time, to the second. Timestamps are read as go-cty reads RFC 3339
//! (strictly, with its error messages built from Go's `time.Parse`
//! errors), durations as Go's `time.ParseDuration`, and written as Go's
//! `time.Format` writes them.

use super::{func, param, string_arg, FnError, FnResult, FuncContext, Function};
use crate::lang::types::Type;
use crate::lang::value::Value;
use std::fmt::Write as _;

pub fn register(r: &mut Vec<Function>) {
    let two = |a: &'static str, b: &'static str| vec![param(a, Type::String), param(b, Type::String)];
    r.extend([
        func("timestamp", vec![], Type::String, timestamp),
        func("plantimestamp", vec![], Type::String, plantimestamp),
        func("formatdate", two("format", "time"), Type::String, formatdate),
        func("timeadd", two("timestamp", "duration"), Type::String, timeadd),
        func("timecmp", two("timestamp_a", "timestamp_b"), Type::Number, timecmp),
    ]);
}

/// A moment and the UTC offset it was written with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    secs: i64,
    nanos: u32,
    /// Seconds east of UTC.
    offset: i32,
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The number of days in a month of the proleptic Gregorian calendar.
pub(crate) fn days_in(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// The fields of a moment in its own offset.
struct Civil {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    /// 0 is Sunday.
    weekday: i64,
}

impl Timestamp {
    fn civil(&self) -> Civil {
        let local = self.secs + i64::from(self.offset);
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: secs / 3600,
            minute: secs / 60 % 60,
            second: secs % 60,
            weekday: (days + 4).rem_euclid(7),
        }
    }

    /// Go's `t.Format("Z07:00")`, or with `colon` false `"-0700"`.
    fn zone(&self, z_for_utc: bool, colon: bool) -> String {
        if z_for_utc && self.offset == 0 {
            return "Z".into();
        }
        let sign = if self.offset < 0 { '-' } else { '+' };
        let abs = self.offset.unsigned_abs() / 60;
        let sep = if colon { ":" } else { "" };
        format!("{sign}{:02}{sep}{:02}", abs / 60, abs % 60)
    }

    /// Go's `t.Format(time.RFC3339)`.
    fn rfc3339(&self) -> String {
        let c = self.civil();
        format!(
            "{}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
            go_year(c.year),
            c.month,
            c.day,
            c.hour,
            c.minute,
            c.second,
            self.zone(true, true)
        )
    }

    fn cmp(&self, other: &Timestamp) -> std::cmp::Ordering {
        (self.secs, self.nanos).cmp(&(other.secs, other.nanos))
    }
}

/// A year as Go writes `2006`: at least four digits, a sign when negative.
fn go_year(y: i64) -> String {
    if y < 0 {
        format!("-{:04}", -y)
    } else {
        format!("{y:04}")
    }
}

/// What Go's `time.Parse` reports: the layout element, the value left at
/// it, and an extra message.
struct ParseError {
    layout: &'static str,
    value: String,
    message: String,
}

/// Parses an RFC 3339 timestamp as go-cty does, with its messages.
pub(crate) fn parse_timestamp(s: &str) -> Result<Timestamp, String> {
    if let Some(t) = strict(s) {
        return Ok(t);
    }
    let e = match lenient(s) {
        Err(e) => e,
        Ok(t) => match post_check(s) {
            Some(e) => e,
            None => return Ok(t),
        },
    };
    Err(describe(e))
}

fn digits(s: &[u8], min: i64, max: i64) -> Option<i64> {
    let mut x = 0i64;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        x = x * 10 + i64::from(c - b'0');
    }
    (min..=max).contains(&x).then_some(x)
}

fn fraction_nanos(digits: &[u8]) -> u32 {
    let mut ns = 0u32;
    for i in 0..9 {
        ns = ns * 10 + digits.get(i).map_or(0, |d| u32::from(d - b'0'));
    }
    ns
}

fn make(year: i64, month: i64, day: i64, hms: (i64, i64, i64), nanos: u32, offset: i32) -> Timestamp {
    let local = days_from_civil(year, month, day) * 86_400 + hms.0 * 3600 + hms.1 * 60 + hms.2;
    Timestamp {
        secs: local - i64::from(offset),
        nanos,
        offset,
    }
}

/// RFC 3339 exactly (go-cty's `parseRFC3339`).
fn strict(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let year = digits(&b[0..4], 0, 9999)?;
    let month = digits(&b[5..7], 1, 12)?;
    let day = digits(&b[8..10], 1, days_in(year, month))?;
    let hour = digits(&b[11..13], 0, 23)?;
    let minute = digits(&b[14..16], 0, 59)?;
    let second = digits(&b[17..19], 0, 59)?;
    if !(b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' && b[16] == b':') {
        return None;
    }
    let mut rest = &b[19..];
    let mut nanos = 0;
    if rest.len() >= 2 && rest[0] == b'.' && rest[1].is_ascii_digit() {
        let n = 1 + rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        nanos = fraction_nanos(&rest[1..n]);
        rest = &rest[n..];
    }
    let offset = if rest == b"Z" {
        0
    } else {
        if rest.len() != 6 {
            return None;
        }
        let hh = digits(&rest[1..3], 0, 23)?;
        let mm = digits(&rest[4..6], 0, 59)?;
        if !(matches!(rest[0], b'+' | b'-') && rest[3] == b':') {
            return None;
        }
        let secs = ((hh * 60 + mm) * 60) as i32;
        if rest[0] == b'-' {
            -secs
        } else {
            secs
        }
    };
    Some(make(year, month, day, (hour, minute, second), nanos, offset))
}

/// Go's `getnum`: one or two digits (exactly two when `fixed`), and how
/// many bytes they took.
fn getnum(v: &[u8], fixed: bool) -> Option<(i64, usize)> {
    if !v.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    if !v.get(1).is_some_and(u8::is_ascii_digit) {
        if fixed {
            return None;
        }
        return Some((i64::from(v[0] - b'0'), 1));
    }
    Some((i64::from(v[0] - b'0') * 10 + i64::from(v[1] - b'0'), 2))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Go's `time.Parse(time.RFC3339, s)` general parser, for its errors (it
/// accepts a little more than RFC 3339).
fn lenient(s: &str) -> Result<Timestamp, ParseError> {
    let mut v = s.as_bytes();
    let err = |layout: &'static str, at: &[u8], message: &str| ParseError {
        layout,
        value: text(at),
        message: message.to_string(),
    };
    let literal = |v: &[u8], c: u8, layout: &'static str| -> Result<usize, ParseError> {
        if v.first() == Some(&c) {
            Ok(1)
        } else {
            Err(err(layout, v, ""))
        }
    };
    if v.len() < 4 || !v[0].is_ascii_digit() {
        return Err(err("2006", v, ""));
    }
    let year = digits(&v[..4], 0, 9999).ok_or_else(|| err("2006", v, ""))?;
    v = &v[4..];
    v = &v[literal(v, b'-', "-")?..];
    let (month, n) = getnum(v, true).ok_or_else(|| err("01", v, ""))?;
    v = &v[n..];
    if !(1..=12).contains(&month) {
        return Err(err("01", v, ": month out of range"));
    }
    v = &v[literal(v, b'-', "-")?..];
    let (day, n) = getnum(v, true).ok_or_else(|| err("02", v, ""))?;
    v = &v[n..];
    v = &v[literal(v, b'T', "T")?..];
    let (hour, n) = getnum(v, false).ok_or_else(|| err("15", v, ""))?;
    v = &v[n..];
    if hour >= 24 {
        return Err(err("15", v, ": hour out of range"));
    }
    v = &v[literal(v, b':', ":")?..];
    let (minute, n) = getnum(v, true).ok_or_else(|| err("04", v, ""))?;
    v = &v[n..];
    if minute >= 60 {
        return Err(err("04", v, ": minute out of range"));
    }
    v = &v[literal(v, b':', ":")?..];
    let (second, n) = getnum(v, true).ok_or_else(|| err("05", v, ""))?;
    v = &v[n..];
    if second >= 60 {
        return Err(err("05", v, ": second out of range"));
    }
    let mut nanos = 0;
    if v.len() >= 2 && matches!(v[0], b'.' | b',') && v[1].is_ascii_digit() {
        let n = 1 + v[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        nanos = fraction_nanos(&v[1..n]);
        v = &v[n..];
    }
    let offset = if v.first() == Some(&b'Z') {
        v = &v[1..];
        0
    } else {
        if v.len() < 6 || v[3] != b':' {
            return Err(err("Z07:00", v, ""));
        }
        let hold = v;
        let hh = getnum(&v[1..3], true).map(|x| x.0);
        let mm = getnum(&v[4..6], true).map(|x| x.0);
        v = &v[6..];
        if hh.is_some_and(|h| h > 24) {
            return Err(err("Z07:00", v, ": time zone offset hour out of range"));
        }
        if mm.is_some_and(|m| m > 60) {
            return Err(err("Z07:00", v, ": time zone offset minute out of range"));
        }
        let (Some(hh), Some(mm)) = (hh, mm) else {
            return Err(err("Z07:00", hold, ""));
        };
        let secs = ((hh * 60 + mm) * 60) as i32;
        match hold[0] {
            b'+' => secs,
            b'-' => -secs,
            _ => return Err(err("Z07:00", hold, "")),
        }
    };
    if !v.is_empty() {
        let rest = text(v);
        return Err(err("", v, &format!(": extra text: {rest:?}")));
    }
    if day < 1 || day > days_in(year, month) {
        return Err(err("", b"", ": day out of range"));
    }
    Ok(make(year, month, day, (hour, minute, second), nanos, offset))
}

/// go-cty's checks for what Go's parser lets through but RFC 3339 does not.
fn post_check(s: &str) -> Option<ParseError> {
    let b = s.as_bytes();
    let num2 = |x: &[u8]| i64::from(x[0].wrapping_sub(b'0')) * 10 + i64::from(x[1].wrapping_sub(b'0'));
    let e = |layout: &'static str, value: &[u8], message: &str| ParseError {
        layout,
        value: text(value),
        message: message.to_string(),
    };
    if b.get(12) == Some(&b':') {
        return Some(e("15", &b[11..12], ": hour must have two digits"));
    }
    if b.get(19) == Some(&b',') {
        return Some(e(".", b",", ": sub-second separator must be a period"));
    }
    if b.last() != Some(&b'Z') && b.len() >= 6 {
        let zone = &b[b.len() - 6..];
        if num2(&b[b.len() - 5..]) >= 24 {
            return Some(e("Z07:00", zone, ": timezone hour out of range"));
        }
        if num2(&b[b.len() - 2..]) >= 60 {
            return Some(e("Z07:00", zone, ": timezone minute out of range"));
        }
        return None;
    }
    Some(e("2006-01-02T15:04:05Z07:00", b, ""))
}

/// go-cty's wording of a parse error.
fn describe(e: ParseError) -> String {
    let prefix = "not a valid RFC3339 timestamp";
    let q = crate::lang::display::go_quote;
    if e.layout.is_empty() && e.value.is_empty() && !e.message.is_empty() {
        return format!("{prefix}{}", e.message);
    }
    let what = match e.layout {
        "2006" => "year",
        "01" => "month",
        "02" => "day of month",
        "15" => "hour",
        "04" => "minute",
        "05" => "second",
        "Z07:00" => "UTC offset",
        "T" => return format!("{prefix}: missing required time introducer 'T'"),
        ":" | "-" if e.value.is_empty() => return format!("{prefix}: end of string where {} is expected", q(e.layout)),
        ":" | "-" => return format!("{prefix}: found {} where {} is expected", q(&e.value), q(e.layout)),
        _ => "timestamp segment",
    };
    if e.value.is_empty() {
        format!("{prefix}: end of string before {what}")
    } else if what == "hour" && e.value.contains(':') {
        format!("{prefix}: hour must be between 0 and 23 inclusive")
    } else if what == "hour" && e.value.len() != 2 {
        format!("{prefix}: hour must have exactly two digits")
    } else if what == "minute" && e.value.len() != 2 {
        format!("{prefix}: minute must have exactly two digits")
    } else {
        format!("{prefix}: cannot use {} as {what}", q(&e.value))
    }
}

/// Go's `time` package quoting: printable ASCII as it is, other bytes as
/// `\xNN`.
fn time_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if (c as u32) < 0x20 || (c as u32) >= 0x80 {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "\\x{b:02x}");
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// Go's `time.ParseDuration`, in nanoseconds.
pub(crate) fn parse_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", time_quote(orig));
    let mut s = orig;
    let mut neg = false;
    if let Some(rest) = s.strip_prefix('-') {
        neg = true;
        s = rest;
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest;
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !s.is_empty() {
        if !s.starts_with(|c: char| c == '.' || c.is_ascii_digit()) {
            return Err(invalid());
        }
        let int_len = s.bytes().take_while(u8::is_ascii_digit).count();
        let mut v: u64 = 0;
        for d in s[..int_len].bytes() {
            v = v
                .checked_mul(10)
                .and_then(|x| x.checked_add(u64::from(d - b'0')))
                .filter(|&x| x <= 1 << 63)
                .ok_or_else(invalid)?;
        }
        s = &s[int_len..];
        let mut frac: u64 = 0;
        let mut scale = 1f64;
        let mut frac_len = 0;
        if let Some(rest) = s.strip_prefix('.') {
            s = rest;
            frac_len = s.bytes().take_while(u8::is_ascii_digit).count();
            let mut overflow = false;
            for d in s[..frac_len].bytes() {
                if overflow {
                    continue;
                }
                match frac.checked_mul(10).and_then(|x| x.checked_add(u64::from(d - b'0'))) {
                    Some(x) if x <= 1 << 63 => {
                        frac = x;
                        scale *= 10.0;
                    }
                    _ => overflow = true,
                }
            }
            s = &s[frac_len..];
        }
        if int_len == 0 && frac_len == 0 {
            return Err(invalid());
        }
        let unit_len = s
            .char_indices()
            .find(|&(_, c)| c == '.' || c.is_ascii_digit())
            .map_or(s.len(), |(i, _)| i);
        if unit_len == 0 {
            return Err(format!("time: missing unit in duration {}", time_quote(orig)));
        }
        let unit_name = &s[..unit_len];
        s = &s[unit_len..];
        let unit: u64 = match unit_name {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    time_quote(unit_name),
                    time_quote(orig)
                ))
            }
        };
        if v > (1u64 << 63) / unit {
            return Err(invalid());
        }
        v *= unit;
        if frac > 0 {
            v += (frac as f64 * (unit as f64 / scale)) as u64;
            if v > 1 << 63 {
                return Err(invalid());
            }
        }
        total = total.checked_add(v).filter(|&t| t <= 1 << 63).ok_or_else(invalid)?;
    }
    if neg {
        return Ok((total as i64).wrapping_neg());
    }
    i64::try_from(total).map_err(|_| invalid())
}

pub fn timestamp(_: &[Value], ctx: &FuncContext) -> FnResult {
    Ok(ctx.apply_time.map_or(Value::Unknown(Type::String), rfc3339_utc))
}

pub fn plantimestamp(_: &[Value], ctx: &FuncContext) -> FnResult {
    Ok(ctx.plan_timestamp.map_or(Value::Unknown(Type::String), rfc3339_utc))
}

/// A moment as `time.RFC3339` writes it in UTC: whole seconds, `Z`.
fn rfc3339_utc(at: std::time::SystemTime) -> Value {
    let secs = match at.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs_f64().ceil() as i64),
    };
    let t = Timestamp {
        secs,
        nanos: 0,
        offset: 0,
    };
    Value::String(t.rfc3339())
}

pub fn timeadd(a: &[Value], _: &FuncContext) -> FnResult {
    let t = parse_timestamp(&string_arg(a, 0)?).map_err(FnError::new)?;
    let d = parse_duration(&string_arg(a, 1)?).map_err(FnError::new)?;
    let total = i128::from(t.secs) * 1_000_000_000 + i128::from(t.nanos) + i128::from(d);
    let out = Timestamp {
        secs: total.div_euclid(1_000_000_000) as i64,
        nanos: total.rem_euclid(1_000_000_000) as u32,
        offset: t.offset,
    };
    Ok(Value::String(out.rfc3339()))
}

pub fn timecmp(a: &[Value], _: &FuncContext) -> FnResult {
    let x = parse_timestamp(&string_arg(a, 0)?).map_err(|e| FnError::arg(0, e))?;
    let y = parse_timestamp(&string_arg(a, 1)?).map_err(|e| FnError::arg(1, e))?;
    Ok(Value::int(match x.cmp(&y) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }))
}

/// The tokens of a format: quoted literals, runs of one letter, and runs
/// of other characters.
fn format_tokens(f: &str) -> Vec<&str> {
    let b = f.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        if b[i] == b'\'' {
            if b.get(i + 1) == Some(&b'\'') {
                i += 2;
            } else {
                i += 1;
                loop {
                    match b.get(i) {
                        None => break,
                        Some(b'\'') if i + 1 == b.len() => {
                            i += 1;
                            break;
                        }
                        Some(b'\'') if b[i + 1] == b'\'' => i += 2,
                        Some(b'\'') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
            }
        } else if b[i].is_ascii_alphabetic() {
            while i < b.len() && b[i] == b[start] {
                i += 1;
            }
        } else {
            i += 1;
            while i < b.len() && b[i] != b'\'' && !b[i].is_ascii_alphabetic() {
                i += 1;
            }
        }
        out.push(&f[start..i]);
    }
    out
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

pub fn formatdate(a: &[Value], _: &FuncContext) -> FnResult {
    let format = string_arg(a, 0)?;
    let t = parse_timestamp(&string_arg(a, 1)?).map_err(|e| FnError::arg(1, e))?;
    let c = t.civil();
    let mut out = String::new();
    let bad = |tok: &str, why: &str| {
        let q = crate::lang::display::go_quote(tok);
        FnError::arg(0, format!("invalid date format verb {q}{why}"))
    };
    for tok in format_tokens(&format) {
        let n = tok.len();
        let pad = |v: i64| if n == 2 { format!("{v:02}") } else { v.to_string() };
        match tok.as_bytes()[0] {
            b'\'' => {
                if n == 1 || !tok.ends_with('\'') {
                    return Err(FnError::arg(0, "unterminated literal '"));
                }
                if n == 2 {
                    out.push('\'');
                } else {
                    let mut chars = tok[1..n - 1].chars();
                    while let Some(ch) = chars.next() {
                        out.push(ch);
                        if ch == '\'' {
                            chars.next();
                        }
                    }
                }
            }
            b'Y' => match n {
                2 => out.push_str(&format!("{:02}", c.year % 100)),
                4 => out.push_str(&format!("{:04}", c.year)),
                _ => return Err(bad(tok, ": year must either be \"YY\" or \"YYYY\"")),
            },
            b'M' => match n {
                1 | 2 => out.push_str(&pad(c.month)),
                3 => out.push_str(&MONTHS[c.month as usize - 1][..3]),
                4 => out.push_str(MONTHS[c.month as usize - 1]),
                _ => return Err(bad(tok, ": month must be \"M\", \"MM\", \"MMM\", or \"MMMM\"")),
            },
            b'D' => match n {
                1 | 2 => out.push_str(&pad(c.day)),
                _ => return Err(bad(tok, ": day of month must either be \"D\" or \"DD\"")),
            },
            b'E' => match n {
                3 => out.push_str(&WEEKDAYS[c.weekday as usize][..3]),
                4 => out.push_str(WEEKDAYS[c.weekday as usize]),
                _ => return Err(bad(tok, ": day of week must either be \"EEE\" or \"EEEE\"")),
            },
            b'h' => match n {
                1 | 2 => out.push_str(&pad(c.hour)),
                _ => return Err(bad(tok, ": 24-hour must either be \"h\" or \"hh\"")),
            },
            b'H' => match n {
                1 | 2 => out.push_str(&pad(if c.hour % 12 == 0 { 12 } else { c.hour % 12 })),
                _ => return Err(bad(tok, ": 12-hour must either be \"H\" or \"HH\"")),
            },
            letter @ (b'A' | b'a') => {
                if n != 2 {
                    let l = char::from(letter);
                    return Err(bad(tok, &format!(": must be \"{l}{l}\"")));
                }
                let pm = c.hour >= 12;
                out.push_str(match (letter == b'A', pm) {
                    (true, false) => "AM",
                    (true, true) => "PM",
                    (false, false) => "am",
                    (false, true) => "pm",
                });
            }
            b'm' => match n {
                1 | 2 => out.push_str(&pad(c.minute)),
                _ => return Err(bad(tok, ": minute must either be \"m\" or \"mm\"")),
            },
            b's' => match n {
                1 | 2 => out.push_str(&pad(c.second)),
                _ => return Err(bad(tok, ": second must either be \"s\" or \"ss\"")),
            },
            b'Z' => match n {
                1 => out.push_str(&t.zone(true, true)),
                3 if t.offset == 0 => out.push_str("UTC"),
                3 | 4 => out.push_str(&t.zone(false, false)),
                5 => out.push_str(&t.zone(false, true)),
                _ => return Err(bad(tok, ": timezone must be Z, ZZZZ, or ZZZZZ")),
            },
            l if l.is_ascii_alphabetic() => return Err(bad(tok, "")),
            _ => out.push_str(tok),
        }
    }
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests;
