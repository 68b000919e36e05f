//! `Microsoft.ContainerService/managedClusters/maintenanceConfigurations`:
//! a cluster's planned maintenance windows. AKS knows three by name:
//! `default` (weekly allowed hours and blocked times), and the schedules
//! `aksManagedAutoUpgradeSchedule` and `aksManagedNodeOSUpgradeSchedule`
//! (a `maintenanceWindow`, whose start date AKS sets to the day of the
//! PUT when it is left out). Other names, or a body of the wrong shape
//! for its name, are refused with AKS's code. ARM behaviour only.

use super::Kind;
use crate::provider::arm::{self, ArmError};
use crate::provider::sim::SimClient;
use serde_json::{json, Value as Json};

pub struct MaintenanceConfigurations;

const SCHEDULES: [&str; 2] = ["aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"];

fn invalid(message: String) -> ArmError {
    ArmError::new(400, "InvalidParameter", message)
}

impl Kind for MaintenanceConfigurations {
    fn on_put(&self, sim: &SimClient, id: &str, doc: &mut Json, existing: Option<&Json>) -> Result<(), ArmError> {
        let _ = sim;
        let name = arm::name_of(id).to_string();
        let window = doc
            .pointer("/properties/maintenanceWindow")
            .filter(|w| w.is_object())
            .is_some();
        match name.as_str() {
            "default" if window => {
                return Err(invalid(
                    "maintenanceWindow is not supported in the default maintenance configuration; use timeInWeek and notAllowedTime.".into(),
                ))
            }
            "default" => return Ok(()),
            n if SCHEDULES.contains(&n) && !window => {
                return Err(invalid(format!("maintenanceWindow is required in maintenance configuration '{n}'.")))
            }
            n if SCHEDULES.contains(&n) => {}
            n => {
                return Err(invalid(format!(
                    "Maintenance configuration name '{n}' is not supported: it must be default, {}.",
                    SCHEDULES.join(" or ")
                )))
            }
        }
        let w = &mut doc["properties"]["maintenanceWindow"];
        let schedules = ["daily", "weekly", "absoluteMonthly", "relativeMonthly"];
        let set = schedules
            .iter()
            .filter(|s| w.pointer(&format!("/schedule/{s}")).is_some_and(Json::is_object))
            .count();
        if set != 1 {
            return Err(invalid(
                "Exactly one of daily, weekly, absoluteMonthly and relativeMonthly must be set in schedule.".into(),
            ));
        }
        if w.get("startDate").and_then(Json::as_str).is_none_or(str::is_empty) {
            let kept = existing
                .and_then(|e| e.pointer("/properties/maintenanceWindow/startDate"))
                .cloned()
                .unwrap_or_else(|| json!(humantime::format_rfc3339(std::time::SystemTime::now()).to_string()[..10]));
            w["startDate"] = kept;
        }
        if w.get("utcOffset").and_then(Json::as_str).is_none_or(str::is_empty) {
            w["utcOffset"] = json!("+00:00");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim() -> (tempfile::TempDir, SimClient) {
        let dir = tempfile::tempdir().unwrap();
        let sim = SimClient::new(dir.path());
        (dir, sim)
    }

    const CLUSTER: &str =
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c/maintenanceConfigurations";

    #[test]
    fn a_schedule_gets_its_start_date_and_a_wrong_name_or_shape_is_refused() {
        let (_d, sim) = sim();
        let mut doc = json!({"properties": {"maintenanceWindow": {"schedule": {"weekly": {"intervalWeeks": 1, "dayOfWeek": "Sunday"}},
            "durationHours": 4, "startTime": "00:00"}}});
        let id = format!("{CLUSTER}/aksManagedAutoUpgradeSchedule");
        MaintenanceConfigurations.on_put(&sim, &id, &mut doc, None).unwrap();
        let start = doc["properties"]["maintenanceWindow"]["startDate"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(start.len(), 10, "{start}");
        assert_eq!(doc["properties"]["maintenanceWindow"]["utcOffset"], "+00:00");
        // Kept across updates.
        let mut again = json!({"properties": {"maintenanceWindow": {"schedule": {"daily": {"intervalDays": 1}}, "durationHours": 4}}});
        let existing = json!({"properties": {"maintenanceWindow": {"startDate": "2020-01-01"}}});
        MaintenanceConfigurations
            .on_put(&sim, &id, &mut again, Some(&existing))
            .unwrap();
        assert_eq!(again["properties"]["maintenanceWindow"]["startDate"], "2020-01-01");

        let e = MaintenanceConfigurations
            .on_put(&sim, &format!("{CLUSTER}/nightly"), &mut json!({}), None)
            .unwrap_err();
        assert_eq!(e.code, "InvalidParameter");
        let e = MaintenanceConfigurations
            .on_put(&sim, &format!("{CLUSTER}/default"), &mut doc.clone(), None)
            .unwrap_err();
        assert!(e.message.contains("timeInWeek"), "{}", e.message);
        let mut two = json!({"properties": {"maintenanceWindow": {"schedule": {"daily": {}, "weekly": {}}}}});
        assert!(MaintenanceConfigurations.on_put(&sim, &id, &mut two, None).is_err());
    }
}
