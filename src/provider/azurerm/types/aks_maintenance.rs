//! `azurerm_kubernetes_cluster`'s maintenance windows, which AKS keeps as
//! child resources of the cluster, not in its body: `maintenance_window`
//! is `maintenanceConfigurations/default`, `maintenance_window_auto_upgrade`
//! `aksManagedAutoUpgradeSchedule`, and `maintenance_window_node_os`
//! `aksManagedNodeOSUpgradeSchedule`, written after the cluster and read
//! with it, as azurerm 4.65 does (its expand and flatten
//! `KubernetesClusterMaintenanceConfiguration*`).
//!
//! Pure: values to bodies and back; [`super::super::extras`] sends them.

use super::aks_pool::first;
use super::extras::{Child, Read};
use crate::lang::types::Type;
use crate::lang::value::Map;
use crate::lang::Value;
use serde_json::{json, Value as Json};

/// The block, and the configuration's name under `maintenanceConfigurations/`.
pub const WINDOWS: [(&str, &str); 3] = [
    ("maintenance_window", "default"),
    ("maintenance_window_auto_upgrade", "aksManagedAutoUpgradeSchedule"),
    ("maintenance_window_node_os", "aksManagedNodeOSUpgradeSchedule"),
];

fn path(name: &str) -> String {
    format!("maintenanceConfigurations/{name}")
}

fn known<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.get(key).filter(|v| !v.is_null() && v.is_wholly_known())
}

fn text<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    known(v, key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn int(v: &Value, key: &str) -> Option<i64> {
    known(v, key).and_then(Value::as_i64)
}

fn items(v: &Value, key: &str) -> Vec<Value> {
    v.get(key)
        .and_then(Value::as_seq)
        .map(<[Value]>::to_vec)
        .unwrap_or_default()
}

/// A date ARM takes (`2026-01-31`) from an RFC 3339 time.
fn date(s: &str) -> String {
    s.get(..10).unwrap_or(s).to_string()
}

/// The children the value describes: a body for each window set, `None`
/// for each left out; nothing for a window not yet known at all. What is
/// known only after apply (a start date Azure picks) is left to Azure.
pub fn children(value: &Value) -> Vec<Child> {
    WINDOWS
        .iter()
        .filter(|(block, _)| value.get(block).is_some_and(Value::is_known))
        .map(|(block, name)| Child {
            path: path(name),
            body: first(value, block).map(|w| {
                if *name == "default" {
                    default_body(w)
                } else {
                    schedule_body(w)
                }
            }),
        })
        .collect()
}

fn default_body(w: &Value) -> Json {
    let allowed: Vec<Json> = items(w, "allowed")
        .iter()
        .map(|a| {
            let hours: Vec<i64> = items(a, "hours").iter().filter_map(Value::as_i64).collect();
            json!({"day": text(a, "day"), "hourSlots": hours})
        })
        .collect();
    let not_allowed: Vec<Json> = items(w, "not_allowed")
        .iter()
        .map(|s| json!({"start": text(s, "start"), "end": text(s, "end")}))
        .collect();
    json!({"properties": {"timeInWeek": allowed, "notAllowedTime": not_allowed}})
}

fn schedule_body(w: &Value) -> Json {
    let interval = int(w, "interval").unwrap_or(0);
    let schedule = match text(w, "frequency").unwrap_or("") {
        "Daily" => json!({"daily": {"intervalDays": interval}}),
        "Weekly" => json!({"weekly": {"intervalWeeks": interval, "dayOfWeek": text(w, "day_of_week")}}),
        "AbsoluteMonthly" => {
            json!({"absoluteMonthly": {"intervalMonths": interval, "dayOfMonth": int(w, "day_of_month")}})
        }
        "RelativeMonthly" => json!({"relativeMonthly": {"intervalMonths": interval,
            "dayOfWeek": text(w, "day_of_week"), "weekIndex": text(w, "week_index")}}),
        _ => json!({}),
    };
    let not_allowed: Vec<Json> = items(w, "not_allowed")
        .iter()
        .map(|s| json!({"start": date(text(s, "start").unwrap_or("")), "end": date(text(s, "end").unwrap_or(""))}))
        .collect();
    let mut window = json!({"schedule": schedule, "notAllowedDates": not_allowed});
    for (key, arm) in [("start_time", "startTime"), ("utc_offset", "utcOffset")] {
        if let Some(s) = text(w, key) {
            window[arm] = json!(s);
        }
    }
    if let Some(s) = text(w, "start_date") {
        window["startDate"] = json!(date(s));
    }
    if let Some(d) = int(w, "duration").filter(|d| *d != 0) {
        window["durationHours"] = json!(d);
    }
    json!({"properties": {"maintenanceWindow": window}})
}

/// The GETs that read the windows back.
pub fn reads() -> Vec<Read> {
    WINDOWS.iter().map(|(_, name)| Read::get(&path(name))).collect()
}

/// Fills each window block from its configuration, or empties it when
/// the configuration does not exist.
pub fn read(answers: &[(Read, Option<Json>)], value: &mut Value) {
    let Some(m) = value.as_map_mut() else { return };
    for (block, name) in WINDOWS {
        let Some(current) = m.get(block) else { continue };
        let object = match current.ty() {
            Type::List(t) => Some(t.as_ref().clone()),
            _ => None,
        };
        let answer = answers
            .iter()
            .find(|(r, _)| r.path == path(name))
            .and_then(|(_, a)| a.as_ref());
        let props = answer.and_then(|a| a.get("properties"));
        let item = match (name, props) {
            ("default", Some(p)) if p.get("timeInWeek").is_some() || p.get("notAllowedTime").is_some() => {
                Some(default_value(p))
            }
            (_, Some(p)) => p.get("maintenanceWindow").map(schedule_value),
            _ => None,
        };
        let items = item.map(|i| vec![i]).unwrap_or_default();
        let list = match object {
            Some(t) => Value::List(t, items),
            None => Value::list(items),
        };
        m.insert(block.into(), list);
    }
}

fn s(j: Option<&Json>) -> Value {
    match j.and_then(Json::as_str).filter(|s| !s.is_empty()) {
        Some(s) => Value::string(s),
        None => Value::Null(Type::String),
    }
}

fn n(j: Option<&Json>) -> Value {
    match j.and_then(Json::as_i64).filter(|n| *n != 0) {
        Some(n) => Value::int(n),
        None => Value::Null(Type::Number),
    }
}

fn spans(list: Option<&Json>, as_date: bool) -> Value {
    let items: Vec<Value> = list
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .map(|x| {
                    let t = |k: &str| {
                        let v = x.get(k).and_then(Json::as_str).unwrap_or("");
                        Value::string(if as_date {
                            format!("{v}T00:00:00Z")
                        } else {
                            v.to_string()
                        })
                    };
                    Value::Object(Map::from([
                        ("start".to_string(), t("start")),
                        ("end".to_string(), t("end")),
                    ]))
                })
                .collect()
        })
        .unwrap_or_default();
    let ty = Type::object([("start".to_string(), Type::String), ("end".to_string(), Type::String)]);
    Value::set_of(ty, items)
}

fn default_value(p: &Json) -> Value {
    let allowed: Vec<Value> = p
        .get("timeInWeek")
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .map(|t| {
                    let hours = t
                        .get("hourSlots")
                        .and_then(Json::as_array)
                        .map(|h| h.iter().filter_map(Json::as_i64).map(Value::int).collect())
                        .unwrap_or_default();
                    Value::Object(Map::from([
                        ("day".to_string(), s(t.get("day"))),
                        ("hours".to_string(), Value::set_of(Type::Number, hours)),
                    ]))
                })
                .collect()
        })
        .unwrap_or_default();
    let allowed_ty = Type::object([
        ("day".to_string(), Type::String),
        ("hours".to_string(), Type::set(Type::Number)),
    ]);
    Value::Object(Map::from([
        ("allowed".to_string(), Value::set_of(allowed_ty, allowed)),
        ("not_allowed".to_string(), spans(p.get("notAllowedTime"), false)),
    ]))
}

fn schedule_value(w: &Json) -> Value {
    let sched = w.get("schedule").cloned().unwrap_or(Json::Null);
    let (frequency, interval, day_of_week, day_of_month, week_index) = if let Some(d) = sched.get("daily") {
        ("Daily", d.get("intervalDays"), None, None, None)
    } else if let Some(d) = sched.get("weekly") {
        ("Weekly", d.get("intervalWeeks"), d.get("dayOfWeek"), None, None)
    } else if let Some(d) = sched.get("absoluteMonthly") {
        (
            "AbsoluteMonthly",
            d.get("intervalMonths"),
            None,
            d.get("dayOfMonth"),
            None,
        )
    } else if let Some(d) = sched.get("relativeMonthly") {
        (
            "RelativeMonthly",
            d.get("intervalMonths"),
            d.get("dayOfWeek"),
            None,
            d.get("weekIndex"),
        )
    } else {
        ("", None, None, None, None)
    };
    let start_date = match w.get("startDate").and_then(Json::as_str) {
        Some(d) => Value::string(format!("{d}T00:00:00Z")),
        None => Value::Null(Type::String),
    };
    Value::Object(Map::from([
        ("frequency".to_string(), s(Some(&json!(frequency)))),
        (
            "interval".to_string(),
            Value::int(interval.and_then(Json::as_i64).unwrap_or(0)),
        ),
        ("day_of_week".to_string(), s(day_of_week)),
        ("day_of_month".to_string(), n(day_of_month)),
        ("week_index".to_string(), s(week_index)),
        (
            "duration".to_string(),
            Value::int(w.get("durationHours").and_then(Json::as_i64).unwrap_or(0)),
        ),
        ("start_date".to_string(), start_date),
        ("start_time".to_string(), s(w.get("startTime"))),
        ("utc_offset".to_string(), s(w.get("utcOffset"))),
        ("not_allowed".to_string(), spans(w.get("notAllowedDates"), true)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::eval::eval_standalone;

    #[test]
    fn windows_become_maintenance_configurations_and_read_back() {
        let v = eval_standalone(
            r#"{
              maintenance_window = [{ allowed = [{ day = "Sunday", hours = [1, 2] }], not_allowed = [] }],
              maintenance_window_auto_upgrade = [{ frequency = "Weekly", interval = 1, day_of_week = "Sunday",
                duration = 4, utc_offset = "+00:00", start_time = "02:00", start_date = null,
                day_of_month = null, week_index = null,
                not_allowed = [{ start = "2026-12-24T00:00:00Z", end = "2026-12-26T00:00:00Z" }] }],
              maintenance_window_node_os = [],
            }"#,
        )
        .unwrap();
        let children = children(&v);
        assert_eq!(children.len(), 3);
        let default = children[0].body.as_ref().unwrap();
        assert_eq!(default["properties"]["timeInWeek"][0]["hourSlots"], json!([1, 2]));
        let auto = children[1].body.as_ref().unwrap();
        let w = &auto["properties"]["maintenanceWindow"];
        assert_eq!(
            w["schedule"],
            json!({"weekly": {"intervalWeeks": 1, "dayOfWeek": "Sunday"}})
        );
        assert_eq!(w["notAllowedDates"][0]["start"], "2026-12-24");
        assert_eq!(w["durationHours"], 4);
        assert_eq!(children[2].body, None);

        let mut answered = json!({"properties": {"maintenanceWindow": w.clone()}});
        answered["properties"]["maintenanceWindow"]["startDate"] = json!("2026-01-01");
        let answers = vec![
            (Read::get("maintenanceConfigurations/default"), children[0].body.clone()),
            (
                Read::get("maintenanceConfigurations/aksManagedAutoUpgradeSchedule"),
                Some(answered),
            ),
            (
                Read::get("maintenanceConfigurations/aksManagedNodeOSUpgradeSchedule"),
                None,
            ),
        ];
        let mut back = v.clone();
        read(&answers, &mut back);
        let auto = first(&back, "maintenance_window_auto_upgrade").unwrap();
        assert_eq!(auto.get("start_date"), Some(&Value::string("2026-01-01T00:00:00Z")));
        assert!(auto.get("day_of_month").unwrap().is_null());
        let before = first(&v, "maintenance_window_auto_upgrade").unwrap();
        assert_eq!(
            auto.get("not_allowed").unwrap().to_json(),
            before.get("not_allowed").unwrap().to_json()
        );
        let default = first(&back, "maintenance_window").unwrap();
        assert_eq!(
            default.get("allowed").unwrap().to_json(),
            first(&v, "maintenance_window")
                .unwrap()
                .get("allowed")
                .unwrap()
                .to_json()
        );
        assert_eq!(
            back.get("maintenance_window_node_os")
                .and_then(Value::as_seq)
                .map(<[Value]>::len),
            Some(0)
        );
    }
}
