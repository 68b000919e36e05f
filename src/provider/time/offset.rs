//! `time_offset`: a timestamp offset from a base (`base_rfc3339`, or the
//! apply's `now` at create). `rfc3339` and the calendar attributes are the
//! offset timestamp; `id` and `base_rfc3339` the base. A change of the
//! offsets or the base changes in place, and the plan shows the new
//! values; `triggers` replace the instance, taking a new base.

use super::clock;
use crate::diag::Diagnostics;
use crate::lang::Value;
use crate::provider::standalone::{self as sa, int, string};
use ::time::OffsetDateTime;
use std::time::SystemTime;

/// In the order hashicorp/time adds them (which matters where a month's
/// length does).
const OFFSETS: [&str; 6] = [
    "offset_days",
    "offset_hours",
    "offset_minutes",
    "offset_months",
    "offset_seconds",
    "offset_years",
];

pub fn validate(config: &Value, diags: &mut Diagnostics) {
    sa::at_least_one_of(diags, "time_offset", config, &OFFSETS);
    if let Some(s) = string(config, "base_rfc3339") {
        if let Err(e) = clock::parse(s) {
            diags.push(sa::invalid("time_offset", "base_rfc3339", e));
        }
    }
}

/// The base plus the offsets of `v`.
fn offset(v: &Value, base: OffsetDateTime) -> Result<OffsetDateTime, String> {
    let mut t = base;
    for name in OFFSETS {
        let n = int(v, name).unwrap_or(0);
        if n == 0 {
            continue;
        }
        t = match name {
            "offset_days" => clock::add_date(t, 0, 0, n)?,
            "offset_hours" => clock::add_seconds(t, n.checked_mul(3600).ok_or("offset_hours is out of range")?)?,
            "offset_minutes" => clock::add_seconds(t, n.checked_mul(60).ok_or("offset_minutes is out of range")?)?,
            "offset_months" => clock::add_date(t, 0, n, 0)?,
            "offset_seconds" => clock::add_seconds(t, n)?,
            _ => clock::add_date(t, n, 0, 0)?,
        };
    }
    Ok(t)
}

/// Fills the computed attributes of `v` from its base (`written`, kept in
/// its form, or `base`) and its offsets.
fn fill(v: &mut Value, written: Option<&str>, base: OffsetDateTime) -> Result<(), String> {
    let t = offset(v, base)?;
    let formatted = clock::format(base)?;
    sa::set(v, "base_rfc3339", Value::string(written.unwrap_or(&formatted)));
    sa::set(v, "id", Value::string(formatted));
    sa::set(v, "rfc3339", Value::string(clock::format(t)?));
    clock::set_calendar(v, t);
    Ok(())
}

/// Whether an update changes what the timestamp is computed from.
pub fn recompute(prior: &Value, planned: &Value) -> bool {
    OFFSETS
        .iter()
        .chain(&["base_rfc3339"])
        .any(|name| match (prior.get(name), planned.get(name)) {
            (Some(a), Some(b)) => !a.same_as(b),
            (a, b) => a.is_some() != b.is_some(),
        })
}

/// Computes the planned values of an update in place (the base is known).
pub fn plan_update(planned: &mut Value) -> Result<(), String> {
    let written = string(planned, "base_rfc3339").ok_or("base_rfc3339 is not known")?;
    let written = written.to_string();
    fill(planned, Some(&written), clock::parse(&written)?)
}

pub fn create(planned: &Value, now: SystemTime) -> Result<Value, String> {
    let written = string(planned, "base_rfc3339");
    let base = match written {
        Some(s) => clock::parse(s)?,
        None => clock::utc(now),
    };
    let mut v = planned.clone();
    fill(&mut v, written, base)?;
    Ok(v)
}

/// `BASE,YEARS,MONTHS,DAYS,HOURS,MINUTES,SECONDS`, at least one offset set.
pub fn import(id: &str) -> Result<Value, String> {
    let parts: Vec<&str> = id.split(',').collect();
    let expected = "BASE_RFC3339,YEARS,MONTHS,DAYS,HOURS,MINUTES,SECONDS";
    if parts.len() != 7 || parts[0].is_empty() || parts[1..].iter().all(|p| p.is_empty()) {
        return Err(format!("{id:?} is not {expected} with at least one offset"));
    }
    let names = [
        "offset_years",
        "offset_months",
        "offset_days",
        "offset_hours",
        "offset_minutes",
        "offset_seconds",
    ];
    let mut v = Value::Object(Default::default());
    for (name, part) in names.into_iter().zip(&parts[1..]) {
        if !part.is_empty() {
            let n: i64 = part
                .parse()
                .map_err(|_| format!("{name} ({part:?}) is not a whole number"))?;
            sa::set(&mut v, name, Value::int(n));
        }
    }
    let base = clock::parse(parts[0])?;
    fill(&mut v, None, base)?;
    Ok(v)
}
