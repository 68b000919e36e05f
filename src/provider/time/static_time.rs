//! `time_static`: a timestamp taken at create (the apply's `now`), or
//! `rfc3339` when set, with its calendar attributes. It never changes:
//! `rfc3339` and `triggers` replace it.

use super::clock;
use crate::diag::Diagnostics;
use crate::lang::Value;
use crate::provider::standalone::{self as sa, string};
use std::time::SystemTime;

pub fn validate(config: &Value, diags: &mut Diagnostics) {
    if let Some(s) = string(config, "rfc3339") {
        if let Err(e) = clock::parse(s) {
            diags.push(sa::invalid("time_static", "rfc3339", e));
        }
    }
}

/// The value of a timestamp: `rfc3339` as written when written (the
/// provider compares timestamps by their instant, so a configuration's
/// form is kept), `id` and the calendar from the timestamp.
fn fill(v: &mut Value, written: Option<&str>, t: ::time::OffsetDateTime) -> Result<(), String> {
    let formatted = clock::format(t)?;
    sa::set(v, "rfc3339", Value::string(written.unwrap_or(&formatted)));
    sa::set(v, "id", Value::string(formatted));
    clock::set_calendar(v, t);
    Ok(())
}

pub fn create(planned: &Value, now: SystemTime) -> Result<Value, String> {
    let written = string(planned, "rfc3339");
    let t = match written {
        Some(s) => clock::parse(s)?,
        None => clock::utc(now),
    };
    let mut v = planned.clone();
    fill(&mut v, written, t)?;
    Ok(v)
}

/// The timestamp itself.
pub fn import(id: &str) -> Result<Value, String> {
    let t = clock::parse(id)?;
    let mut v = Value::Object(Default::default());
    fill(&mut v, None, t)?;
    Ok(v)
}
