//! The time provider through the trait, on a clock the tests set: values
//! kept across plans, triggers replacing, rotation, waits recorded instead
//! of slept, import and validation.

use super::*;
use crate::provider::embedded;
use crate::provider::standalone::testing::*;
use serde_json::json;
use std::sync::Mutex;

fn time() -> Time {
    Time::new(embedded::schemas("time", Time::SOURCE))
}

/// A provider whose waits are recorded, not slept.
fn recording() -> (Time, Arc<Mutex<Vec<Duration>>>) {
    let waits = Arc::new(Mutex::new(Vec::new()));
    let seen = waits.clone();
    let sleep: Sleep = Arc::new(move |d| {
        seen.lock().unwrap().push(d);
        Box::pin(async {})
    });
    (time().with_sleep(sleep), waits)
}

fn int(v: &Value, name: &str) -> i64 {
    v.get(name)
        .and_then(Value::as_i64)
        .unwrap_or_else(|| panic!("{name} in {v}"))
}

async fn read(p: &Time, s: &Schema, state: &Value, now: SystemTime) -> ReadResponse {
    p.read(ReadRequest {
        schema: s,
        provider: &ProviderConfig::default(),
        prior: state,
        now,
    })
    .await
}

async fn import(p: &Time, name: &str, id: &str) -> ReadResponse {
    p.import(ImportRequest {
        schema: schema(p, name),
        provider: &ProviderConfig::default(),
        id,
    })
    .await
}

#[tokio::test]
async fn a_sleep_waits_at_create_and_destroy_and_only_then() {
    let (p, waits) = recording();
    let s = schema(&p, "time_sleep");
    let cfg = config(
        s,
        json!({"create_duration": "30s", "destroy_duration": "1.5m", "triggers": {"role": "a"}}),
    );
    let state = create(&p, s, &cfg, at("2026-03-01T10:00:00Z")).await;
    assert_eq!(str(&state, "id"), "2026-03-01T10:00:30Z", "the instant the wait ended");
    assert_eq!(*waits.lock().unwrap(), [Duration::from_secs(30)]);
    assert_stable(&p, s, &state, &cfg);

    // A duration alone changes in place, without waiting.
    let longer = config(
        s,
        json!({"create_duration": "60s", "destroy_duration": "1.5m", "triggers": {"role": "a"}}),
    );
    let update = plan(&p, s, Some(&state), &longer);
    assert!(update.replace_paths.is_empty());
    let updated = apply(&p, s, Some(&state), Some(&update.planned), at("2026-03-02T00:00:00Z")).await;
    let updated = updated.value.unwrap();
    assert_eq!(str(&updated, "create_duration"), "60s");
    assert_eq!(str(&updated, "id"), "2026-03-01T10:00:30Z");
    assert_eq!(waits.lock().unwrap().len(), 1);

    let retrigger = config(
        s,
        json!({"create_duration": "30s", "destroy_duration": "1.5m", "triggers": {"role": "b"}}),
    );
    let replace = plan(&p, s, Some(&state), &retrigger);
    assert_eq!(replace.replace_paths, vec!["triggers"]);
    assert!(!replace.planned.get("id").unwrap().is_known());

    let deleted = apply(&p, s, Some(&state), None, at("2026-03-01T11:00:00Z")).await;
    assert!(deleted.value.is_none() && !deleted.diags.has_errors());
    assert_eq!(waits.lock().unwrap()[1], Duration::from_secs(90));
}

#[tokio::test]
async fn a_real_zero_sleep_returns() {
    let p = time();
    let s = schema(&p, "time_sleep");
    let state = create(
        &p,
        s,
        &config(s, json!({"create_duration": "0s"})),
        at("2026-03-01T10:00:00Z"),
    )
    .await;
    assert_eq!(str(&state, "id"), "2026-03-01T10:00:00Z");
}

#[tokio::test]
async fn a_static_time_is_taken_from_the_apply_and_kept() {
    let p = time();
    let s = schema(&p, "time_static");
    let cfg = config(s, json!({"triggers": {"v": "1"}}));
    let planned = plan(&p, s, None, &cfg);
    assert!(!planned.planned.get("rfc3339").unwrap().is_known());
    let state = create(&p, s, &cfg, at("2026-03-01T10:20:30Z")).await;
    assert_eq!(str(&state, "rfc3339"), "2026-03-01T10:20:30Z");
    assert_eq!(str(&state, "id"), "2026-03-01T10:20:30Z");
    assert_eq!(
        ["year", "month", "day", "hour", "minute", "second"].map(|n| int(&state, n)),
        [2026, 3, 1, 10, 20, 30]
    );
    assert_eq!(int(&state, "unix"), 1_772_360_430);
    assert_stable(&p, s, &state, &cfg);
    let replace = plan(&p, s, Some(&state), &config(s, json!({"triggers": {"v": "2"}})));
    assert_eq!(replace.replace_paths, vec!["triggers"]);
    assert!(
        !replace.planned.get("rfc3339").unwrap().is_known(),
        "a new instance takes a new time"
    );

    // A written timestamp is kept as written.
    let cfg = config(s, json!({"rfc3339": "2020-02-12T06:36:13.5+01:00"}));
    let state = create(&p, s, &cfg, at("2026-03-01T10:20:30Z")).await;
    assert_eq!(str(&state, "rfc3339"), "2020-02-12T06:36:13.5+01:00");
    assert_eq!(str(&state, "id"), "2020-02-12T06:36:13+01:00");
    assert_eq!(int(&state, "hour"), 6);
    assert_stable(&p, s, &state, &cfg);
}

#[tokio::test]
async fn an_offset_updates_in_place_and_plans_its_new_values() {
    let p = time();
    let s = schema(&p, "time_offset");
    let cfg = config(s, json!({"offset_days": 7, "offset_hours": 1}));
    let state = create(&p, s, &cfg, at("2026-01-31T10:00:00Z")).await;
    assert_eq!(str(&state, "base_rfc3339"), "2026-01-31T10:00:00Z");
    assert_eq!(str(&state, "id"), "2026-01-31T10:00:00Z");
    assert_eq!(str(&state, "rfc3339"), "2026-02-07T11:00:00Z");
    assert_eq!(int(&state, "day"), 7);
    assert_stable(&p, s, &state, &cfg);

    let months = config(s, json!({"offset_months": 1}));
    let update = plan(&p, s, Some(&state), &months);
    assert!(update.replace_paths.is_empty());
    assert_eq!(
        str(&update.planned, "rfc3339"),
        "2026-03-03T10:00:00Z",
        "as Go's AddDate"
    );
    assert_eq!(int(&update.planned, "month"), 3);
    let applied = apply(&p, s, Some(&state), Some(&update.planned), at("2030-01-01T00:00:00Z")).await;
    let applied = applied.value.unwrap();
    assert_eq!(str(&applied, "rfc3339"), "2026-03-03T10:00:00Z", "the same base");
    assert_stable(&p, s, &applied, &months);

    let replace = plan(
        &p,
        s,
        Some(&state),
        &config(s, json!({"offset_days": 7, "offset_hours": 1, "triggers": {"a": "b"}})),
    );
    assert_eq!(replace.replace_paths, vec!["triggers"]);
    assert!(!replace.planned.get("base_rfc3339").unwrap().is_known());
}

#[tokio::test]
async fn a_rotating_time_is_removed_from_state_once_it_has_passed() {
    let p = time();
    let s = schema(&p, "time_rotating");
    let cfg = config(s, json!({"rotation_days": 30}));
    let state = create(&p, s, &cfg, at("2026-03-01T10:00:00Z")).await;
    assert_eq!(str(&state, "rfc3339"), "2026-03-01T10:00:00Z");
    assert_eq!(str(&state, "rotation_rfc3339"), "2026-03-31T10:00:00Z");
    assert_eq!(
        [int(&state, "month"), int(&state, "day")],
        [3, 31],
        "the calendar of the rotation"
    );
    assert_stable(&p, s, &state, &cfg);

    let before = read(&p, s, &state, at("2026-03-31T10:00:00Z")).await;
    assert!(before.value.is_some(), "not yet past at the very instant");
    let after = read(&p, s, &state, at("2026-03-31T10:00:01Z")).await;
    assert!(after.value.is_none() && !after.diags.has_errors());

    // A new period changes in place, from the same base.
    let hours = config(s, json!({"rotation_hours": 12}));
    let update = plan(&p, s, Some(&state), &hours);
    assert!(update.replace_paths.is_empty());
    assert_eq!(str(&update.planned, "rotation_rfc3339"), "2026-03-01T22:00:00Z");
    assert_eq!(int(&update.planned, "hour"), 22);

    // The last period set decides, years over a written rotation.
    let both = config(
        s,
        json!({"rotation_years": 1, "rotation_rfc3339": "2026-05-01T00:00:00Z"}),
    );
    let state2 = create(&p, s, &both, at("2026-03-01T10:00:00Z")).await;
    assert_eq!(str(&state2, "rotation_rfc3339"), "2027-03-01T10:00:00Z");
}

#[tokio::test]
async fn a_written_rotation_that_changes_after_it_passed_replaces() {
    let p = time();
    let s = schema(&p, "time_rotating");
    let cfg = config(s, json!({"rotation_rfc3339": "2026-04-01T00:00:00Z"}));
    let state = create(&p, s, &cfg, at("2026-03-01T10:00:00Z")).await;
    let next = config(s, json!({"rotation_rfc3339": "2026-05-01T00:00:00Z"}));
    let plan_at = |now: &str| {
        p.plan(PlanRequest {
            schema: s,
            provider: &ProviderConfig::default(),
            prior: Some(&state),
            config: &next,
            now: Some(at(now)),
        })
    };
    assert!(plan_at("2026-03-15T00:00:00Z").replace_paths.is_empty());
    let passed = plan_at("2026-04-02T00:00:00Z");
    assert_eq!(passed.replace_paths, vec!["rotation_rfc3339"]);
    assert!(!passed.planned.get("rfc3339").unwrap().is_known());
}

#[tokio::test]
async fn imports_take_the_provider_forms() {
    let p = time().with_clock(|| at("2026-03-01T10:00:00Z"));
    let v = import(&p, "time_sleep", "30s,").await.value.unwrap();
    assert_eq!(str(&v, "create_duration"), "30s");
    assert!(v.get("destroy_duration").unwrap().is_null());
    assert_eq!(str(&v, "id"), "2026-03-01T10:00:00Z");
    assert!(import(&p, "time_sleep", ",").await.diags.has_errors());
    assert!(import(&p, "time_sleep", "30x,").await.diags.has_errors());

    let v = import(&p, "time_static", "2020-02-12T06:36:13Z").await.value.unwrap();
    assert_eq!(int(&v, "unix"), 1_581_489_373);

    let v = import(&p, "time_offset", "2020-02-12T06:36:13Z,0,0,7,0,0,0")
        .await
        .value
        .unwrap();
    assert_eq!(str(&v, "rfc3339"), "2020-02-19T06:36:13Z");
    assert_eq!(v.get("offset_days"), Some(&Value::int(7)));
    assert!(import(&p, "time_offset", "2020-02-12T06:36:13Z,,,,,,")
        .await
        .diags
        .has_errors());

    let v = import(&p, "time_rotating", "2020-02-12T06:36:13Z,0,0,30,0,0")
        .await
        .value
        .unwrap();
    assert_eq!(str(&v, "rotation_rfc3339"), "2020-03-13T06:36:13Z");
    let v = import(&p, "time_rotating", "2020-02-12T06:36:13Z,2020-02-13T06:36:13Z")
        .await
        .value
        .unwrap();
    assert_eq!(int(&v, "day"), 13);
    assert!(import(&p, "time_rotating", "2020-02-12T06:36:13Z")
        .await
        .diags
        .has_errors());
}

#[test]
fn bad_values_are_diagnosed() {
    let p = time();
    let errors = |name: &str, cfg| {
        let s = schema(&p, name);
        p.validate(ValidateRequest {
            schema: s,
            config: &config(s, cfg),
        })
        .iter()
        .map(|d| d.detail.clone())
        .collect::<Vec<_>>()
    };
    assert!(errors("time_sleep", json!({"create_duration": "30"}))[0].contains("immediately followed by"));
    assert!(errors("time_sleep", json!({}))[0].contains("at least one of create_duration, destroy_duration"));
    assert!(errors("time_static", json!({"rfc3339": "yesterday"}))[0].contains("RFC 3339"));
    assert!(errors("time_offset", json!({}))[0].contains("at least one of offset_days"));
    assert!(errors("time_rotating", json!({"rotation_days": 0}))[0].contains("at least 1"));
    assert!(errors("time_rotating", json!({"rotation_rfc3339": "soon"}))[0].contains("RFC 3339"));
    assert!(errors("time_sleep", json!({"destroy_duration": "5m"})).is_empty());
    // An unknown duration is not judged, nor missing.
    let s = schema(&p, "time_sleep");
    let mut cfg = config(s, json!({}));
    sa::set(&mut cfg, "create_duration", Value::unknown());
    assert!(p
        .validate(ValidateRequest {
            schema: s,
            config: &cfg
        })
        .is_empty());
}

#[test]
fn every_time_type_is_applied() {
    let p = time();
    assert_eq!(p.schemas().check(), Ok(4), "the schemas and overlays parse");
    for name in p.schemas().names(crate::addrs::Mode::Managed) {
        assert!(p.can_apply(schema(&p, name)), "{name}");
    }
}
