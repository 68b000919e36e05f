//! Expectations printed by `terraform console` (1.11.4) on this machine.

use super::super::test_support::*;
use super::*;

const TS: &str = "2006-01-02T15:04:05Z";

fn fd(format: &str, ts: &str) -> Result<Value, String> {
    eval(&format!("formatdate({format:?}, {ts:?})"))
}

#[test]
fn formatdate_verbs_as_terraform() {
    let cases = [
        (
            "YY YYYY M MM MMM MMMM D DD EEE EEEE h hh H HH AA aa m mm s ss ZZZZ ZZZZZ Z ZZZ",
            TS,
            "06 2006 1 01 Jan January 2 02 Mon Monday 15 15 3 03 PM pm 4 04 5 05 +0000 +00:00 Z UTC",
        ),
        (
            "DD MMM YYYY hh:mm ZZZ",
            "2018-01-02T23:12:01-08:00",
            "02 Jan 2018 23:12 -0800",
        ),
        (
            "Z ZZZ ZZZZ ZZZZZ",
            "2018-01-02T23:12:01+05:30",
            "+05:30 +0530 +0530 +05:30",
        ),
        ("'literal' '' 'it''s' h", TS, "literal ' it's 15"),
        ("H:mm aa", "2006-01-02T00:04:05Z", "12:04 am"),
        ("H:mm AA", "2006-01-02T12:04:05Z", "12:04 PM"),
        ("-_/ 12 é", TS, "-_/ 12 é"),
        ("YYYY", "2006-01-02T15:04:05.123456789Z", "2006"),
        ("YYYY", "0000-01-01T00:00:00Z", "0000"),
        ("YY", "2005-01-01T00:00:00Z", "05"),
        ("EEEE", "2024-02-29T00:00:00Z", "Thursday"),
        ("h", "2024-02-29T23:30:00-12:00", "23"),
        ("YYYY 'abc'", TS, "2006 abc"),
        ("YYYY 'abc' ", TS, "2006 abc "),
        ("''", TS, "'"),
        ("YYYY ''", TS, "2006 '"),
        ("'ab''", TS, "ab'"),
        ("", TS, ""),
        ("hh'h'mm", TS, "15h04"),
        ("'a'''", TS, "a'"),
        ("' '", TS, " "),
    ];
    for (f, ts, want) in cases {
        assert_eq!(fd(f, ts), Ok(s(want)), "formatdate({f:?}, {ts:?})");
    }
}

#[test]
fn formatdate_format_errors_as_terraform() {
    let cases = [
        ("'unterminated", "unterminated literal '"),
        ("'", "unterminated literal '"),
        ("YYYY'", "unterminated literal '"),
        (
            "YYY",
            r#"invalid date format verb "YYY": year must either be "YY" or "YYYY""#,
        ),
        (
            "MMMMM",
            r#"invalid date format verb "MMMMM": month must be "M", "MM", "MMM", or "MMMM""#,
        ),
        (
            "DDD",
            r#"invalid date format verb "DDD": day of month must either be "D" or "DD""#,
        ),
        (
            "YYYY DDDD",
            r#"invalid date format verb "DDDD": day of month must either be "D" or "DD""#,
        ),
        (
            "EE",
            r#"invalid date format verb "EE": day of week must either be "EEE" or "EEEE""#,
        ),
        (
            "hhh",
            r#"invalid date format verb "hhh": 24-hour must either be "h" or "hh""#,
        ),
        (
            "HHH",
            r#"invalid date format verb "HHH": 12-hour must either be "H" or "HH""#,
        ),
        ("A", r#"invalid date format verb "A": must be "AA""#),
        ("a", r#"invalid date format verb "a": must be "aa""#),
        ("aaa", r#"invalid date format verb "aaa": must be "aa""#),
        (
            "mmm",
            r#"invalid date format verb "mmm": minute must either be "m" or "mm""#,
        ),
        (
            "sss",
            r#"invalid date format verb "sss": second must either be "s" or "ss""#,
        ),
        (
            "ZZ",
            r#"invalid date format verb "ZZ": timezone must be Z, ZZZZ, or ZZZZZ"#,
        ),
        ("x", r#"invalid date format verb "x""#),
        ("Q", r#"invalid date format verb "Q""#),
    ];
    for (f, want) in cases {
        assert_eq!(fd(f, TS), Err(format!("formatdate(): {want}")), "formatdate({f:?})");
    }
}

#[test]
fn timestamp_errors_as_terraform() {
    let cases = [
        ("2006-01-02", "missing required time introducer 'T'"),
        ("2006-01-02T15:04:05", "end of string before UTC offset"),
        ("2006-01-02 15:04:05Z", "missing required time introducer 'T'"),
        ("2006-01-02t15:04:05z", "missing required time introducer 'T'"),
        ("2006-1-02T15:04:05Z", r#"cannot use "1-02T15:04:05Z" as month"#),
        ("2006-13-02T15:04:05Z", r#"cannot use "-02T15:04:05Z" as month"#),
        ("2006-00-02T15:04:05Z", r#"cannot use "-02T15:04:05Z" as month"#),
        ("2006-02-30T15:04:05Z", "day out of range"),
        ("2006-01-00T15:04:05Z", "day out of range"),
        ("2006-01-32T15:04:05Z", "day out of range"),
        ("2006-01-1T15:04:05Z", r#"cannot use "1T15:04:05Z" as day of month"#),
        ("2006-01-02T25:04:05Z", "hour must be between 0 and 23 inclusive"),
        ("2006-01-02T5:04:05Z", "hour must have exactly two digits"),
        ("2006-01-02T15:60:05Z", "minute must have exactly two digits"),
        ("2006-01-02T15:4:05Z", "minute must have exactly two digits"),
        ("2006-01-02T15:04:60Z", r#"cannot use "Z" as second"#),
        ("2016-12-31T23:59:60Z", r#"cannot use "Z" as second"#),
        ("2006-01-02T15:04:5Z", r#"cannot use "5Z" as second"#),
        ("2006-01-02T15:04:05,5Z", r#"cannot use "," as timestamp segment"#),
        ("2006-01-02T15:04:05+0100", r#"cannot use "+0100" as UTC offset"#),
        ("2006-01-02T15:04:05+01:0", r#"cannot use "+01:0" as UTC offset"#),
        ("2006-01-02T15:04:05+24:00", r#"cannot use "+24:00" as UTC offset"#),
        ("2006-01-02T15:04:05+01:60", r#"cannot use "+01:60" as UTC offset"#),
        ("2006-01-02T15:04:05x01:00", r#"cannot use "x01:00" as UTC offset"#),
        ("2006-01-02T15:04:05.Z", r#"cannot use ".Z" as UTC offset"#),
        ("2006-01-02T15:04:05+01:00x", r#"cannot use "x" as timestamp segment"#),
        ("x", r#"cannot use "x" as year"#),
        ("", "end of string before year"),
        ("20a6-01-02T15:04:05Z", r#"cannot use "20a6-01-02T15:04:05Z" as year"#),
        (
            "20060-01-02T15:04:05Z",
            r#"found "0-01-02T15:04:05Z" where "-" is expected"#,
        ),
        ("2006-01-02T15:04Z", r#"found "Z" where ":" is expected"#),
        ("2006", r#"end of string where "-" is expected"#),
        ("2006-", "end of string before month"),
        ("2006-01-02T", "end of string before hour"),
        ("2006-01-02T15", r#"end of string where ":" is expected"#),
    ];
    for (ts, want) in cases {
        let e = fd("YYYY", ts).unwrap_err();
        assert_eq!(
            e,
            format!("formatdate(): not a valid RFC3339 timestamp: {want}"),
            "{ts:?}"
        );
    }
    // Non-ASCII never breaks the parser.
    assert!(fd("YYYY", "2006-01-02T15:04:05+é:00").is_err());
    assert!(fd("YYYY", "é006-01-02T15:04:05Z").is_err());
}

#[test]
fn timeadd_as_terraform() {
    let cases = [
        ("2017-11-22T00:00:00Z", "10m", "2017-11-22T00:10:00Z"),
        ("2017-11-22T00:00:00Z", "-1h30m", "2017-11-21T22:30:00Z"),
        ("2017-11-22T00:00:00+05:30", "1.5h", "2017-11-22T01:30:00+05:30"),
        ("2017-11-22T00:00:00.999Z", "1ns", "2017-11-22T00:00:00Z"),
        ("2017-11-22T00:00:00Z", "1us", "2017-11-22T00:00:00Z"),
        ("2017-11-22T00:00:00Z", "1µs", "2017-11-22T00:00:00Z"),
        ("2017-11-22T00:00:00Z", "1000ms", "2017-11-22T00:00:01Z"),
        ("2017-11-22T00:00:00Z", "0", "2017-11-22T00:00:00Z"),
        ("2017-11-22T00:00:00Z", "+2h", "2017-11-22T02:00:00Z"),
        ("2017-11-22T00:00:00Z", ".5s", "2017-11-22T00:00:00Z"),
        ("2017-11-22T00:00:00Z", "5.s", "2017-11-22T00:00:05Z"),
        ("2017-11-22T00:00:00Z", "-.5h", "2017-11-21T23:30:00Z"),
        ("9999-12-31T23:00:00Z", "2h", "10000-01-01T01:00:00Z"),
        ("0000-01-01T00:00:00Z", "-2h", "-0001-12-31T22:00:00Z"),
        ("2017-11-22T00:00:00-00:00", "1h", "2017-11-22T01:00:00Z"),
    ];
    for (ts, d, want) in cases {
        let src = format!("timeadd({ts:?}, {d:?})");
        assert_eq!(eval(&src), Ok(s(want)), "{src}");
    }
    let errors = [
        ("2017-11-22T00:00:00Z", "", r#"time: invalid duration """#),
        ("2017-11-22T00:00:00Z", "1", r#"time: missing unit in duration "1""#),
        (
            "2017-11-22T00:00:00Z",
            "1d",
            r#"time: unknown unit "d" in duration "1d""#,
        ),
        ("2017-11-22T00:00:00Z", "x", r#"time: invalid duration "x""#),
        (
            "2017-11-22T00:00:00Z",
            "1h-1m",
            r#"time: unknown unit "h-" in duration "1h-1m""#,
        ),
        (
            "2017-11-22T00:00:00Z",
            "99999999999h",
            r#"time: invalid duration "99999999999h""#,
        ),
        (
            "bad",
            "1h",
            r#"not a valid RFC3339 timestamp: cannot use "bad" as year"#,
        ),
    ];
    for (ts, d, want) in errors {
        let src = format!("timeadd({ts:?}, {d:?})");
        assert_eq!(eval(&src), Err(format!("timeadd(): {want}")), "{src}");
    }
}

#[test]
fn timecmp_as_terraform() {
    let cases = [
        ("2017-11-22T00:00:00Z", "2017-11-22T01:00:00+01:00", 0),
        ("2017-11-22T00:00:00Z", "2017-11-22T00:00:01Z", -1),
        ("2017-11-22T00:00:02Z", "2017-11-22T00:00:01Z", 1),
        ("2017-11-22T00:00:00.5Z", "2017-11-22T00:00:00Z", 1),
    ];
    for (a, b, want) in cases {
        let src = format!("timecmp({a:?}, {b:?})");
        assert_eq!(eval(&src), Ok(Value::int(want)), "{src}");
    }
    let ctx = FuncContext::default();
    let e = super::super::call("timecmp", vec![s("x"), s(TS)], &ctx)
        .unwrap()
        .unwrap_err();
    assert_eq!(e.arg, Some(0));
    assert_eq!(e.message, r#"not a valid RFC3339 timestamp: cannot use "x" as year"#);
    let e = super::super::call("timecmp", vec![s(TS), s("y")], &ctx)
        .unwrap()
        .unwrap_err();
    assert_eq!(e.arg, Some(1));
}

#[test]
fn the_clock_is_never_read() {
    assert_eq!(ok("timestamp()"), Value::Unknown(Type::String));
    assert_eq!(ok("plantimestamp()"), Value::Unknown(Type::String));
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    let ctx = FuncContext {
        plan_timestamp: Some(at),
        ..FuncContext::default()
    };
    let got = super::super::call("plantimestamp", vec![], &ctx).unwrap();
    assert_eq!(got, Ok(s("2023-11-14T22:13:20Z")));
    let before = std::time::UNIX_EPOCH - std::time::Duration::from_secs(86_400);
    let ctx = FuncContext {
        plan_timestamp: Some(before),
        ..FuncContext::default()
    };
    assert_eq!(
        super::super::call("plantimestamp", vec![], &ctx).unwrap(),
        Ok(s("1969-12-31T00:00:00Z"))
    );
    // timestamp() is the apply time the core gives, to the second.
    let ctx = FuncContext {
        apply_time: Some(at + std::time::Duration::from_millis(900)),
        ..FuncContext::default()
    };
    assert_eq!(
        super::super::call("timestamp", vec![], &ctx).unwrap(),
        Ok(s("2023-11-14T22:13:20Z"))
    );
}

#[test]
fn civil_dates_round_trip() {
    for days in [-719_528, -1, 0, 1, 11_016, 19_782, 2_932_896] {
        let (y, m, d) = civil_from_days(days);
        assert_eq!(days_from_civil(y, m, d), days);
    }
    assert_eq!(civil_from_days(0), (1970, 1, 1));
    assert_eq!(civil_from_days(19_782), (2024, 2, 29));
}
