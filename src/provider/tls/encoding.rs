//! The text forms the tls provider shares with the Go libraries the real
//! provider is built on: PEM as Go's `encoding/pem` writes it (LF, lines
//! of 64), ids as the provider hashes them (SHA-1 of Go's
//! `strings.TrimSpace`), and times as Go's `time.MarshalText` writes them
//! (RFC 3339 with trimmed nanoseconds). Knows no key and no certificate.

use sha1::{Digest, Sha1};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A PEM block: `-----BEGIN <label>-----`, base64 in lines of 64, the
/// end line, each line ending in `\n`.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    let config = pem::EncodeConfig::new()
        .set_line_ending(pem::LineEnding::LF)
        .set_line_wrap(64);
    pem::encode_config(&pem::Pem::new(label, der), config)
}

/// The first PEM block of a text, text around it ignored (as Go's
/// `pem.Decode`). The error never quotes the text: it may be a secret.
pub fn pem_decode(text: &str) -> Result<pem::Pem, String> {
    pem::parse(text.as_bytes())
        .map_err(|_| format!("failed to decode PEM block: decoded bytes 0, undecoded {}", text.len()))
}

/// The provider's ids: the hex SHA-1 of a value with surrounding white
/// space trimmed, or empty for an empty value.
pub fn hash_for_state(value: &[u8]) -> String {
    if value.is_empty() {
        return String::new();
    }
    hex(&Sha1::digest(go_trim_space(value)))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Go's `strings.TrimSpace` over bytes that need not be UTF-8: ASCII white
/// space, and the Unicode spaces when validly encoded at either end.
pub fn go_trim_space(mut b: &[u8]) -> &[u8] {
    loop {
        let n = leading_space(b);
        if n == 0 {
            break;
        }
        b = &b[n..];
    }
    loop {
        let n = trailing_space(b);
        if n == 0 {
            break;
        }
        b = &b[..b.len() - n];
    }
    b
}

fn is_unicode_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{85}' | '\u{A0}' | '\u{1680}'
    ) || ('\u{2000}'..='\u{200A}').contains(&c)
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}')
}

/// Whether `b` is exactly one white-space character.
fn is_one_space(b: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(b) else { return false };
    let mut chars = s.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if is_unicode_space(c))
}

/// The length of a white-space character at the start of `b`, or 0.
fn leading_space(b: &[u8]) -> usize {
    (1..=b.len().min(4)).find(|n| is_one_space(&b[..*n])).unwrap_or(0)
}

/// The length of a white-space character at the end of `b`, or 0.
fn trailing_space(b: &[u8]) -> usize {
    (1..=b.len().min(4))
        .find(|n| is_one_space(&b[b.len() - n..]))
        .unwrap_or(0)
}

/// A time as Go's `MarshalText` writes a UTC time: RFC 3339 with the
/// nanoseconds trailing zeros trimmed (`2026-12-01T17:15:33.12Z`).
pub fn format_time(t: SystemTime) -> String {
    let full = humantime::format_rfc3339_nanos(t).to_string();
    // `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`
    let Some((head, frac)) = full.trim_end_matches('Z').split_once('.') else {
        return full;
    };
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        format!("{head}Z")
    } else {
        format!("{head}.{frac}Z")
    }
}

/// Parses an RFC 3339 time with `Z` or a `±hh:mm` offset (what other
/// machines' providers may have written to state).
pub fn parse_time(s: &str) -> Result<SystemTime, String> {
    let bad = || format!("{s:?} is not an RFC 3339 time");
    let (utc_text, offset_secs) = match s.strip_suffix('Z').or_else(|| s.strip_suffix('z')) {
        Some(rest) => (format!("{rest}Z"), 0i64),
        None => {
            let at = s.len().checked_sub(6).ok_or_else(bad)?;
            let (rest, off) = s.split_at(at);
            let sign = match off.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return Err(bad()),
            };
            let (h, m) = off[1..].split_once(':').ok_or_else(bad)?;
            let h: i64 = h.parse().map_err(|_| bad())?;
            let m: i64 = m.parse().map_err(|_| bad())?;
            (format!("{rest}Z"), sign * (h * 3600 + m * 60))
        }
    };
    let local = humantime::parse_rfc3339(&utc_text).map_err(|_| bad())?;
    let shifted = if offset_secs >= 0 {
        local.checked_sub(Duration::from_secs(offset_secs as u64))
    } else {
        local.checked_add(Duration::from_secs(offset_secs.unsigned_abs()))
    };
    shifted.filter(|t| *t >= UNIX_EPOCH).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_is_written_as_go_writes_it() {
        let text = pem_encode("TEST", &[0u8; 60]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "-----BEGIN TEST-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines[2].len(), 16);
        assert_eq!(lines[3], "-----END TEST-----");
        assert!(text.ends_with("-----\n"));
        let back = pem_decode(&format!("junk before\n{text}junk after")).unwrap();
        assert_eq!((back.tag(), back.contents()), ("TEST", &[0u8; 60][..]));
    }

    #[test]
    fn a_bad_pem_error_does_not_quote_the_text() {
        let e = pem_decode("secret-material").unwrap_err();
        assert!(!e.contains("secret"), "{e}");
        assert!(e.contains("undecoded 15"), "{e}");
    }

    #[test]
    fn trim_space_is_gos() {
        assert_eq!(go_trim_space(b" \t\nab c\r\n"), b"ab c");
        assert_eq!(go_trim_space("\u{a0}x\u{3000}".as_bytes()), b"x");
        // An invalid UTF-8 byte is not space, even 0x85 or 0xa0 alone.
        assert_eq!(go_trim_space(b"\x85x\xa0"), b"\x85x\xa0");
        assert_eq!(hash_for_state(b""), "");
        assert_eq!(hash_for_state(b"abc\n"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    #[test]
    fn times_are_written_and_read_as_go_does() {
        let t = UNIX_EPOCH + Duration::new(1_764_609_333, 120_000_000);
        assert_eq!(format_time(t), "2025-12-01T17:15:33.12Z");
        assert_eq!(
            format_time(UNIX_EPOCH + Duration::from_secs(60)),
            "1970-01-01T00:01:00Z"
        );
        assert_eq!(parse_time("2025-12-01T17:15:33.12Z").unwrap(), t);
        assert_eq!(parse_time("2025-12-01T19:15:33.12+02:00").unwrap(), t);
        assert_eq!(parse_time("2025-12-01T16:45:33.12-00:30").unwrap(), t);
        assert!(parse_time("yesterday").is_err());
    }
}
