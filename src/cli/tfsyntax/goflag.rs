//! The value syntax of Go's `flag` package, which Terraform's command line
//! uses: booleans as `strconv.ParseBool` reads them, integers, and
//! `time.ParseDuration` durations. Pure functions over strings; nothing here
//! knows a flag's meaning.

use std::time::Duration;

/// `strconv.ParseBool`: `1 t T TRUE true True` and `0 f F FALSE false False`.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// A decimal integer, optionally signed (what `-parallelism=N` takes).
pub fn parse_int(s: &str) -> Option<i64> {
    s.parse().ok()
}

/// `time.ParseDuration`: a possibly signed sequence of decimal numbers,
/// each with an optional fraction and a unit (`ns`, `us`, `µs`, `ms`, `s`,
/// `m`, `h`), such as `300ms`, `1.5h` or `2h45m`; `0` alone is zero. A
/// negative duration is returned as zero: every duration aksplan takes is a
/// time to wait.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let (negative, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(Duration::ZERO);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_len];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return None;
        }
        let value: f64 = number.parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let nanos_per_unit = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += value * nanos_per_unit;
    }
    // Go refuses what does not fit in an int64 of nanoseconds.
    if total > i64::MAX as f64 {
        return None;
    }
    Some(if negative {
        Duration::ZERO
    } else {
        Duration::from_nanos(total.round() as u64)
    })
}

/// A duration written so that aksplan's own `--lock-timeout` parser
/// (humantime) reads it back exactly.
pub fn humantime_text(d: Duration) -> String {
    let nanos = d.as_nanos();
    if nanos % 1_000_000 == 0 {
        format!("{}ms", nanos / 1_000_000)
    } else {
        format!("{nanos}ns")
    }
}

/// Whether a command-line word is a flag rather than a value: a dash
/// followed by a letter or a second dash. `-` alone (standard input) and
/// negative numbers are values.
pub fn looks_like_flag(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next() == Some('-') && chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_are_read_as_go_reads_them() {
        for t in ["1", "t", "T", "TRUE", "true", "True"] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for f in ["0", "f", "F", "FALSE", "false", "False"] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
        }
        for bad in ["yes", "no", "", "tRUE", "2"] {
            assert_eq!(parse_bool(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations_are_read_as_go_reads_them() {
        let ms = Duration::from_millis;
        assert_eq!(parse_duration("0"), Some(Duration::ZERO));
        assert_eq!(parse_duration("0s"), Some(Duration::ZERO));
        assert_eq!(parse_duration("30s"), Some(ms(30_000)));
        assert_eq!(parse_duration("300ms"), Some(ms(300)));
        assert_eq!(parse_duration("1.5h"), Some(ms(5_400_000)));
        assert_eq!(parse_duration("2h45m"), Some(ms(9_900_000)));
        assert_eq!(parse_duration("1m30.5s"), Some(ms(90_500)));
        assert_eq!(parse_duration("+10s"), Some(ms(10_000)));
        assert_eq!(parse_duration("-10s"), Some(Duration::ZERO));
        assert_eq!(parse_duration("5us"), Some(Duration::from_micros(5)));
        assert_eq!(parse_duration("5µs"), Some(Duration::from_micros(5)));
        for bad in ["", "10", "abc", "10x", "1..5s", ".s", "s", "1d", "-"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations_round_trip_through_humantime() {
        for text in ["0", "30s", "1.5h", "2h45m", "250ms", "3ns", "1m0.000000001s"] {
            let d = parse_duration(text).unwrap();
            assert_eq!(humantime::parse_duration(&humantime_text(d)).unwrap(), d, "{text}");
        }
    }

    #[test]
    fn flags_are_told_from_values() {
        for flag in ["-auto-approve", "--var", "-x", "-no-color"] {
            assert!(looks_like_flag(flag), "{flag}");
        }
        for value in ["-", "-1", "-0.5", "x=-1", "tfplan", "", "-=x"] {
            assert!(!looks_like_flag(value), "{value}");
        }
    }
}
