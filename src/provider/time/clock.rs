//! Timestamps as hashicorp/time reads and writes them: RFC 3339 in, RFC 3339
//! out with whole seconds (Go's `time.RFC3339` layout: `Z` for a zero
//! offset, the offset otherwise), calendar arithmetic that normalises as
//! Go's `AddDate` does (31 January plus one month is 3 March, or 2 March in
//! a leap year), and the calendar attributes of a timestamp.
//!
//! It reads no clock: the instant to start from is always given.

use crate::lang::Value;
use crate::provider::standalone as sa;
use ::time::format_description::well_known::Rfc3339;
use ::time::{Date, Duration, Month, OffsetDateTime};
use std::time::SystemTime;

/// Parses an RFC 3339 timestamp, keeping its offset.
pub fn parse(s: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(|e| format!("{s:?} is not an RFC 3339 timestamp: {e}"))
}

/// A timestamp in RFC 3339, to the second.
pub fn format(t: OffsetDateTime) -> Result<String, String> {
    t.replace_nanosecond(0)
        .map_err(|e| e.to_string())
        .and_then(|t| t.format(&Rfc3339).map_err(|e| e.to_string()))
        .map_err(|e| format!("cannot write the timestamp {t} in RFC 3339: {e}"))
}

/// An instant of the system's time type, in UTC.
pub fn utc(t: SystemTime) -> OffsetDateTime {
    OffsetDateTime::from(t)
}

/// Adds years, months and days as Go's `AddDate` does: months past the
/// year's end carry into years, days past the month's end into months.
pub fn add_date(t: OffsetDateTime, years: i64, months: i64, days: i64) -> Result<OffsetDateTime, String> {
    let overflow = || format!("{t} plus {years} years, {months} months and {days} days is out of range");
    let month0 = i64::from(t.year()) * 12 + i64::from(u8::from(t.month())) - 1;
    let month0 = years
        .checked_mul(12)
        .and_then(|y| month0.checked_add(y))
        .and_then(|m| m.checked_add(months))
        .ok_or_else(overflow)?;
    let year = i32::try_from(month0.div_euclid(12)).map_err(|_| overflow())?;
    let month = Month::try_from(month0.rem_euclid(12) as u8 + 1).map_err(|_| overflow())?;
    let first = Date::from_calendar_date(year, month, 1).map_err(|_| overflow())?;
    let day_offset = i64::from(t.day()) - 1 + days;
    let date = first.checked_add(Duration::days(day_offset)).ok_or_else(overflow)?;
    Ok(t.replace_date(date))
}

/// Adds seconds.
pub fn add_seconds(t: OffsetDateTime, seconds: i64) -> Result<OffsetDateTime, String> {
    t.checked_add(Duration::seconds(seconds))
        .ok_or_else(|| format!("{t} plus {seconds} seconds is out of range"))
}

/// Sets `year`, `month`, `day`, `hour`, `minute`, `second` (in the
/// timestamp's own offset) and `unix`.
pub fn set_calendar(v: &mut Value, t: OffsetDateTime) {
    sa::set(v, "year", Value::int(i64::from(t.year())));
    sa::set(v, "month", Value::int(i64::from(u8::from(t.month()))));
    sa::set(v, "day", Value::int(i64::from(t.day())));
    sa::set(v, "hour", Value::int(i64::from(t.hour())));
    sa::set(v, "minute", Value::int(i64::from(t.minute())));
    sa::set(v, "second", Value::int(i64::from(t.second())));
    sa::set(v, "unix", Value::int(t.unix_timestamp()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> OffsetDateTime {
        parse(s).unwrap()
    }

    #[test]
    fn timestamps_are_written_to_the_second_with_their_offset() {
        assert_eq!(format(t("2020-02-12T06:36:13.75Z")).unwrap(), "2020-02-12T06:36:13Z");
        assert_eq!(
            format(t("2020-02-12T06:36:13+01:00")).unwrap(),
            "2020-02-12T06:36:13+01:00"
        );
        assert_eq!(format(t("2020-02-12T06:36:13+00:00")).unwrap(), "2020-02-12T06:36:13Z");
        assert!(parse("2020-02-12").unwrap_err().contains("RFC 3339"));
    }

    #[test]
    fn dates_normalise_as_go_add_date_does() {
        let jan31 = t("2021-01-31T10:00:00Z");
        assert_eq!(
            format(add_date(jan31, 0, 1, 0).unwrap()).unwrap(),
            "2021-03-03T10:00:00Z"
        );
        let leap = t("2024-01-31T10:00:00Z");
        assert_eq!(
            format(add_date(leap, 0, 1, 0).unwrap()).unwrap(),
            "2024-03-02T10:00:00Z"
        );
        assert_eq!(
            format(add_date(jan31, 1, 13, -31).unwrap()).unwrap(),
            "2023-01-31T10:00:00Z"
        );
        assert_eq!(
            format(add_date(jan31, 0, -2, 0).unwrap()).unwrap(),
            "2020-12-01T10:00:00Z"
        );
        assert!(add_date(jan31, i64::MAX, 0, 0).is_err());
        assert_eq!(
            format(add_seconds(jan31, -3600).unwrap()).unwrap(),
            "2021-01-31T09:00:00Z"
        );
    }

    #[test]
    fn the_calendar_is_read_in_the_timestamps_offset() {
        let mut v = Value::Object(Default::default());
        set_calendar(&mut v, t("2020-02-12T23:36:13-02:00"));
        assert_eq!(v.get("day"), Some(&Value::int(12)));
        assert_eq!(v.get("hour"), Some(&Value::int(23)));
        assert_eq!(v.get("unix"), Some(&Value::int(1_581_557_773)));
    }
}
