//! `time_rotating`: a base timestamp (`rfc3339`, or the apply's `now` at
//! create) and the time it rotates at (`rotation_rfc3339`, or the base
//! plus one of the `rotation_*` periods). The calendar attributes are the
//! rotation's; `id` and `rfc3339` the base's.
//!
//! Once `now` passes the rotation, reading removes the instance from state,
//! so that the plan creates it again: that is the rotation. A change of the
//! rotation arguments changes in place, the rotation computed again from
//! the same base; a configured `rotation_rfc3339` that changes after the
//! old one has passed replaces the instance.

use super::clock;
use crate::diag::Diagnostics;
use crate::lang::Value;
use crate::provider::standalone::{self as sa, int, string};
use ::time::OffsetDateTime;
use std::time::SystemTime;

/// The periods, in the order hashicorp/time looks at them: the last one set
/// (with `rotation_rfc3339` between months and years) decides.
const PERIODS: [&str; 5] = [
    "rotation_days",
    "rotation_hours",
    "rotation_minutes",
    "rotation_months",
    "rotation_years",
];

const ARGUMENTS: [&str; 6] = [
    "rotation_days",
    "rotation_hours",
    "rotation_minutes",
    "rotation_months",
    "rotation_rfc3339",
    "rotation_years",
];

pub fn validate(config: &Value, diags: &mut Diagnostics) {
    sa::at_least_one_of(diags, "time_rotating", config, &ARGUMENTS);
    for name in PERIODS {
        sa::at_least(diags, "time_rotating", config, name, 1);
    }
    for name in ["rfc3339", "rotation_rfc3339"] {
        if let Some(s) = string(config, name) {
            if let Err(e) = clock::parse(s) {
                diags.push(sa::invalid("time_rotating", name, e));
            }
        }
    }
}

/// When an instance with these arguments, based at `base`, rotates.
/// `rotation_rfc3339` counts only when the configuration sets it.
fn rotation(args: &Value, configured_rotation: Option<&str>, base: OffsetDateTime) -> Result<OffsetDateTime, String> {
    let mut at = None;
    for name in ARGUMENTS {
        if name == "rotation_rfc3339" {
            if let Some(s) = configured_rotation {
                at = Some(clock::parse(s)?);
            }
            continue;
        }
        let n = int(args, name).unwrap_or(0);
        if n == 0 {
            continue;
        }
        at = Some(match name {
            "rotation_days" => clock::add_date(base, 0, 0, n)?,
            "rotation_hours" => clock::add_seconds(base, n.checked_mul(3600).ok_or("rotation_hours is out of range")?)?,
            "rotation_minutes" => {
                clock::add_seconds(base, n.checked_mul(60).ok_or("rotation_minutes is out of range")?)?
            }
            "rotation_months" => clock::add_date(base, 0, n, 0)?,
            _ => clock::add_date(base, n, 0, 0)?,
        });
    }
    at.ok_or_else(|| "at least one of the rotation_ arguments must be set".to_string())
}

/// Fills the computed attributes: the base (`written` in its form, or
/// `base`) and the rotation.
fn fill(v: &mut Value, written: Option<&str>, base: OffsetDateTime, at: OffsetDateTime) -> Result<(), String> {
    let formatted = clock::format(base)?;
    sa::set(v, "rfc3339", Value::string(written.unwrap_or(&formatted)));
    sa::set(v, "id", Value::string(formatted));
    sa::set(v, "rotation_rfc3339", Value::string(clock::format(at)?));
    clock::set_calendar(v, at);
    Ok(())
}

/// Whether the rotation arguments differ between state and configuration
/// (`rotation_rfc3339` only when configured).
pub fn rotation_changed(prior: &Value, config: &Value) -> bool {
    ARGUMENTS.iter().any(|name| {
        let c = config.get(name).filter(|c| !c.is_null());
        if *name == "rotation_rfc3339" && c.is_none() {
            return false;
        }
        match (prior.get(name), c) {
            (Some(p), Some(c)) => !p.same_as(c),
            (Some(p), None) => !p.is_null(),
            (None, c) => c.is_some(),
        }
    })
}

/// Whether a configured `rotation_rfc3339` that changed replaces the
/// instance: when the rotation in state has passed by `now`.
pub fn replaces(prior: &Value, config: &Value, now: Option<SystemTime>) -> bool {
    let Some(configured) = config.get("rotation_rfc3339").filter(|c| !c.is_null()) else {
        return false;
    };
    let Some(old) = prior.get("rotation_rfc3339") else {
        return false;
    };
    if old.same_as(configured) {
        return false;
    }
    match (old.as_str().map(clock::parse), now) {
        (Some(Ok(old)), Some(now)) => clock::utc(now) > old,
        _ => false,
    }
}

/// The planned value of an in-place update: the rotation computed again
/// from the base in state.
pub fn plan_update(planned: &mut Value, config: &Value) -> Result<(), String> {
    let base = string(planned, "id").ok_or("the base timestamp (id) is not known")?;
    let base = clock::parse(base)?;
    let written = string(planned, "rfc3339").map(str::to_string);
    let at = rotation(planned, string(config, "rotation_rfc3339"), base)?;
    fill(planned, written.as_deref(), base, at)
}

pub fn create(planned: &Value, now: SystemTime) -> Result<Value, String> {
    let written = string(planned, "rfc3339");
    let base = match written {
        Some(s) => clock::parse(s)?,
        None => clock::utc(now),
    };
    let at = rotation(planned, string(planned, "rotation_rfc3339"), base)?;
    let mut v = planned.clone();
    fill(&mut v, written, base, at)?;
    Ok(v)
}

/// Whether the instance in state has rotated by `now`.
pub fn rotated(state: &Value, now: SystemTime) -> Result<bool, String> {
    match string(state, "rotation_rfc3339").filter(|s| !s.is_empty()) {
        Some(s) => Ok(clock::utc(now) > clock::parse(s)?),
        None => Ok(false),
    }
}

/// `BASE,ROTATION` (two timestamps) or `BASE,YEARS,MONTHS,DAYS,HOURS,MINUTES`.
pub fn import(id: &str) -> Result<Value, String> {
    let parts: Vec<&str> = id.split(',').collect();
    let mut v = Value::Object(Default::default());
    let base = match parts[..] {
        [base, at] if !base.is_empty() && !at.is_empty() => {
            let base = clock::parse(base)?;
            let at = clock::parse(at)?;
            fill(&mut v, None, base, at)?;
            return Ok(v);
        }
        [base, ..] if parts.len() == 6 && !base.is_empty() && parts[1..].iter().any(|p| !p.is_empty()) => {
            clock::parse(base)?
        }
        _ => {
            return Err(format!(
                "{id:?} is not BASE_RFC3339,ROTATION_RFC3339 or BASE_RFC3339,YEARS,MONTHS,DAYS,HOURS,MINUTES with at least one period"
            ))
        }
    };
    let names = [
        "rotation_years",
        "rotation_months",
        "rotation_days",
        "rotation_hours",
        "rotation_minutes",
    ];
    for (name, part) in names.into_iter().zip(&parts[1..]) {
        if !part.is_empty() {
            let n: i64 = part
                .parse()
                .map_err(|_| format!("{name} ({part:?}) is not a whole number"))?;
            sa::set(&mut v, name, Value::int(n));
        }
    }
    let at = rotation(&v, None, base)?;
    fill(&mut v, None, base, at)?;
    Ok(v)
}
