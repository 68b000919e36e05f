//! `time_sleep`: waits `create_duration` when created and
//! `destroy_duration` when destroyed. A change of either alone changes in
//! place without waiting; `triggers` replace the instance, so that it
//! waits again. The `id` is the instant the creation wait ended.

use super::{clock, duration};
use crate::diag::Diagnostics;
use crate::lang::Value;
use crate::provider::standalone::{self as sa, string};
use std::time::{Duration, SystemTime};

const DURATIONS: [&str; 2] = ["create_duration", "destroy_duration"];

pub fn validate(config: &Value, diags: &mut Diagnostics) {
    sa::at_least_one_of(diags, "time_sleep", config, &DURATIONS);
    for name in DURATIONS {
        if let Some(s) = string(config, name) {
            if let Err(e) = duration::parse(s) {
                diags.push(sa::invalid("time_sleep", name, e));
            }
        }
    }
}

/// How long an instance waits: `create_duration` of a planned value when
/// created, `destroy_duration` of the value in state when destroyed.
pub fn wait(value: &Value, which: &str) -> Result<Duration, String> {
    match string(value, which).filter(|s| !s.is_empty()) {
        Some(s) => duration::parse(s).map_err(|e| format!("{which}: {e}")),
        None => Ok(Duration::ZERO),
    }
}

/// The created value, once `waited` has passed since `now`.
pub fn created(planned: &Value, now: SystemTime, waited: Duration) -> Result<Value, String> {
    let mut v = planned.clone();
    sa::set(&mut v, "id", Value::string(clock::format(clock::utc(now + waited))?));
    Ok(v)
}

/// `CREATE,DESTROY` with at least one of the two.
pub fn import(id: &str, now: SystemTime) -> Result<Value, String> {
    let parts: Vec<&str> = id.split(',').collect();
    let [create, destroy] = parts[..] else {
        return Err(format!("{id:?} is not CREATE_DURATION,DESTROY_DURATION"));
    };
    if create.is_empty() && destroy.is_empty() {
        return Err(format!(
            "{id:?} is not CREATE_DURATION,DESTROY_DURATION with at least one of the two"
        ));
    }
    let mut v = Value::Object(Default::default());
    for (name, d) in DURATIONS.into_iter().zip([create, destroy]) {
        if !d.is_empty() {
            duration::parse(d).map_err(|e| format!("{name}: {e}"))?;
            sa::set(&mut v, name, Value::string(d));
        }
    }
    sa::set(&mut v, "id", Value::string(clock::format(clock::utc(now))?));
    Ok(v)
}
