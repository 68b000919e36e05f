//! Drift: what changed in the cloud behind aksplan's back, as a report.
//!
//! Pure: it reads a plan made against freshly refreshed state (the plan's
//! `drift` is what refresh saw change or vanish; its changes are where the
//! cloud now differs from the configuration), the accepted drift of an
//! [`ignore::Ignore`] file, and each resource's `lifecycle.ignore_changes`:
//! a change there is expected (an autoscaler's `node_count`), masked out
//! with the planner's own [`ignore_changes`] so that drift and plan agree on
//! what it covers; a deletion is still drift. Values Azure never returns (write-only settings,
//! kept in state as seals) cannot be compared and are listed as
//! unverifiable, never as drift. Deposed objects (left over from a
//! create_before_destroy replacement whose delete failed) are not drift:
//! their planned destroy is not a difference from the configuration, and
//! refresh does not report them changed or gone, as Terraform does not.
//! Reading the cloud, timing and printing belong to the CLI.

pub mod diff;
pub mod ignore;

use crate::addrs::Instance;
use crate::config::{Config, IgnoreChanges};
use crate::lang::Value;
use crate::plan::engine::ignore_changes;
use crate::plan::{Action, Plan};
use crate::state::State;
use diff::Difference;
use ignore::Ignore;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Changed,
    Deleted,
}

/// A resource changed or deleted outside aksplan.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceDrift {
    pub addr: Instance,
    pub type_name: String,
    pub id: Option<String>,
    pub status: Status,
    /// Recorded (`before`) and live (`after`) values, per attribute; empty when deleted.
    pub changes: Vec<Difference>,
}

/// A resource whose live state differs from the configuration: what apply would do.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigDifference {
    pub addr: Instance,
    pub action: Action,
    pub reason: Option<String>,
    /// The attributes apply would change (empty for a create or a delete).
    pub paths: Vec<String>,
}

/// Attributes of a resource that Azure never returns, so cannot be checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Unverifiable {
    pub addr: Instance,
    pub paths: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub resources: Vec<ResourceDrift>,
    pub differences: Vec<ConfigDifference>,
    pub unverifiable: Vec<Unverifiable>,
    /// Changes left out because the ignore file accepts them.
    pub ignored: usize,
    /// Attribute changes left out because the resource's
    /// `lifecycle.ignore_changes` covers them.
    pub lifecycle_ignored: usize,
}

impl Report {
    pub fn has_drift(&self) -> bool {
        !self.resources.is_empty() || !self.differences.is_empty()
    }

    pub fn count(&self, status: Status) -> usize {
        self.resources.iter().filter(|r| r.status == status).count()
    }
}

/// Builds the report from a plan made on refreshed state, of `config`.
pub fn report(plan: &Plan, refreshed: &State, ignore: &Ignore, config: &Config) -> Report {
    let mut r = Report::default();
    for d in &plan.drift {
        let id = d.before.get("id").and_then(Value::as_str).map(str::to_string);
        let (status, all) = match &d.after {
            None => (Status::Deleted, Vec::new()),
            Some(after) => {
                let lifecycle = config.resource_of(&d.addr).map(|res| &res.lifecycle.ignore_changes);
                let all = outside_ignore_changes(&d.before, after, lifecycle.unwrap_or(&IgnoreChanges::None));
                r.lifecycle_ignored += diff::differences(&d.before, after).len().saturating_sub(all.len());
                if all.is_empty() {
                    continue;
                }
                (Status::Changed, all)
            }
        };
        if ignore.covers(&d.addr, None) {
            r.ignored += all.len().max(1);
            continue;
        }
        let total = all.len();
        let changes: Vec<Difference> = all
            .into_iter()
            .filter(|c| !ignore.covers(&d.addr, Some(&c.path)))
            .collect();
        r.ignored += total - changes.len();
        if status == Status::Deleted || !changes.is_empty() {
            r.resources.push(ResourceDrift {
                addr: d.addr.clone(),
                type_name: d.type_name.clone(),
                id,
                status,
                changes,
            });
        }
    }
    for c in &plan.changes {
        if matches!(c.action, Action::NoOp | Action::Read) || c.deposed.is_some() {
            continue;
        }
        let paths: Vec<String> = match (&c.before, &c.after, c.action) {
            (Some(b), Some(a), Action::Update) => diff::differences(b, a).into_iter().map(|d| d.path).collect(),
            _ => Vec::new(),
        };
        let accepted = ignore.covers(&c.addr, None)
            || (!paths.is_empty() && paths.iter().all(|p| ignore.covers(&c.addr, Some(p))));
        if accepted {
            r.ignored += 1;
            continue;
        }
        r.differences.push(ConfigDifference {
            addr: c.addr.clone(),
            action: c.action,
            reason: crate::plan::render::reason_text(c),
            paths,
        });
    }
    for (addr, res) in &refreshed.resources {
        let mut paths = Vec::new();
        sealed_paths(&res.value, "", &mut paths);
        if !paths.is_empty() {
            r.unverifiable.push(Unverifiable {
                addr: addr.clone(),
                paths,
            });
        }
    }
    r
}

/// The differences `ignore_changes` leaves: the live value's ignored paths
/// take the recorded values, as the planner gives a configuration the prior
/// values there; then the recorded value's take the masked live ones, so
/// that a path present on one side only (a tag removed live) is masked too.
fn outside_ignore_changes(before: &Value, after: &Value, ignored: &IgnoreChanges) -> Vec<Difference> {
    if *ignored == IgnoreChanges::None {
        return diff::differences(before, after);
    }
    let after = ignore_changes(after.clone(), before, ignored);
    let before = ignore_changes(before.clone(), &after, ignored);
    diff::differences(&before, &after)
}

/// Paths of the seals in a value: the write-only attributes that are set.
fn sealed_paths(v: &Value, path: &str, out: &mut Vec<String>) {
    use crate::provider::sealed::is_sealed;
    match v.inner() {
        x if is_sealed(x) && (x.as_map().is_some_and(|m| !m.is_empty()) || x.as_str().is_some()) => {
            out.push(path.to_string())
        }
        x => match (x.as_map(), x.as_seq()) {
            (Some(m), _) => m.iter().for_each(|(k, x)| sealed_paths(x, &diff::join(path, k), out)),
            (_, Some(items)) => items
                .iter()
                .enumerate()
                .for_each(|(i, x)| sealed_paths(x, &format!("{path}[{i}]"), out)),
            _ => {}
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Drift;
    use serde_json::json;

    fn config(lifecycle: &str) -> Config {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            "resource \"azurerm_kubernetes_cluster_node_pool\" \"user\" {{\n  name = \"user\"\n  kubernetes_cluster_id = \"/x\"\n  vm_size = \"Standard_D2s_v5\"\n  node_count = 3\n  tags = {{ env = \"dev\" }}\n  lifecycle {{\n    {lifecycle}\n  }}\n}}\n"
        );
        std::fs::write(dir.path().join("main.tf"), text).unwrap();
        let (config, diags) = crate::config::load::load_dir(dir.path(), &crate::provider::catalog::testing::schemas());
        assert!(!diags.has_errors(), "{diags:?}");
        config
    }

    fn drifted(after: Option<serde_json::Value>) -> Plan {
        let before = json!({"id": "/x/agentPools/user", "node_count": 3, "tags": {"env": "dev", "owner": "a"}});
        Plan {
            drift: vec![Drift {
                addr: "azurerm_kubernetes_cluster_node_pool.user".parse().unwrap(),
                type_name: "azurerm_kubernetes_cluster_node_pool".into(),
                before: Value::from_json(&before),
                after: after.map(|a| Value::from_json(&a)),
            }],
            ..Plan::default()
        }
    }

    fn paths(r: &Report) -> Vec<&str> {
        r.resources
            .iter()
            .flat_map(|x| x.changes.iter().map(|c| c.path.as_str()))
            .collect()
    }

    #[test]
    fn ignore_changes_paths_and_all_leave_out_what_they_cover_but_not_a_deletion() {
        // The autoscaler moved node_count, someone removed the owner tag.
        let live = json!({"id": "/x/agentPools/user", "node_count": 7, "tags": {"env": "dev"}});
        let plan = drifted(Some(live.clone()));
        let state = State::new();
        let none = report(&plan, &state, &Ignore::default(), &config(""));
        assert_eq!(paths(&none), ["node_count", "tags.owner"]);
        assert_eq!(none.lifecycle_ignored, 0);

        let node_count = report(
            &plan,
            &state,
            &Ignore::default(),
            &config("ignore_changes = [node_count]"),
        );
        assert_eq!(paths(&node_count), ["tags.owner"]);
        assert_eq!(node_count.lifecycle_ignored, 1);

        // A key removed live is covered too, from either side.
        let both = config("ignore_changes = [node_count, tags[\"owner\"]]");
        let r = report(&plan, &state, &Ignore::default(), &both);
        assert!(r.resources.is_empty() && !r.has_drift(), "{r:?}");
        assert_eq!(r.lifecycle_ignored, 2);

        let all = report(&plan, &state, &Ignore::default(), &config("ignore_changes = all"));
        assert!(all.resources.is_empty(), "{all:?}");

        let gone = report(
            &drifted(None),
            &state,
            &Ignore::default(),
            &config("ignore_changes = all"),
        );
        assert_eq!(gone.count(Status::Deleted), 1);
    }
}
