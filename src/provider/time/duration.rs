//! The durations `time_sleep` takes: a number immediately followed by `ms`,
//! `s`, `m` or `h` (`30s`, `1.5m`), as the provider's validator accepts
//! them, read as Go's `time.ParseDuration` reads them (a fraction is
//! truncated to the nanosecond). Go accepts more (`1h30m`, `µs`); the
//! provider's validator does not, and neither does this.

use std::time::Duration;

/// Go's largest duration, about 292 years.
const MAX_NANOS: u128 = i64::MAX as u128;

pub fn parse(s: &str) -> Result<Duration, String> {
    let bad = || {
        format!(
            "{s:?} must be a number immediately followed by ms (milliseconds), s (seconds), m (minutes) or h (hours), for example \"30s\""
        )
    };
    let split = s.find(|c: char| !c.is_ascii_digit() && c != '.').ok_or_else(bad)?;
    let (number, unit) = s.split_at(split);
    let unit_nanos: u128 = match unit {
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => return Err(bad()),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (number.contains('.') && !digits(fraction)) {
        return Err(bad());
    }
    let too_long = || format!("{s:?} is longer than the longest duration (about 292 years)");
    let whole: u128 = whole.parse().map_err(|_| too_long())?;
    let mut nanos = whole.checked_mul(unit_nanos).ok_or_else(too_long)?;
    // The fraction, to as many digits as can count: beyond 20 digits
    // nothing is left at the nanosecond, even of an hour.
    let fraction = &fraction[..fraction.len().min(20)];
    if !fraction.is_empty() {
        let scale = 10u128.pow(fraction.len() as u32);
        let f: u128 = fraction.parse().map_err(|_| bad())?;
        nanos += f * unit_nanos / scale;
    }
    if nanos > MAX_NANOS {
        return Err(too_long());
    }
    Ok(Duration::from_nanos(nanos as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_the_provider_reads_them() {
        assert_eq!(parse("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse("5m").unwrap(), Duration::from_secs(300));
        assert_eq!(parse("1.5h").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse("0s").unwrap(), Duration::ZERO);
        assert_eq!(parse("0.000000001s").unwrap(), Duration::from_nanos(1));
        assert_eq!(parse("0.0000000019s").unwrap(), Duration::from_nanos(1), "truncated");
        for bad in ["", "30", "s", "1h30m", "-1s", "1.s", ".5s", "30 s", "1d", "1.2.3s"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert!(parse("3000000h").unwrap_err().contains("longest"));
        assert_eq!(
            parse("1.0000000000000000000000000001h").unwrap(),
            Duration::from_secs(3600)
        );
    }
}
