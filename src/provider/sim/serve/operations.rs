//! Long-running operations of the served simulation.
//!
//! The change itself is made in the store when the request arrives; what
//! takes `--op-ms` is the operation: until then its status is `InProgress`
//! and the resource reads as `Creating`, `Updating` or `Deleting`. Then it
//! is `Succeeded`, or `Failed` with an ARM error for a resource named by
//! `--fault fail=ID`.

use crate::provider::arm::ArmError;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a finished operation can still be polled.
const KEPT: Duration = Duration::from_secs(600);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Create,
    Update,
    Delete,
}

impl Kind {
    /// The provisioning state a resource shows while this runs.
    pub fn provisioning_state(self) -> &'static str {
        match self {
            Kind::Create => "Creating",
            Kind::Update => "Updating",
            Kind::Delete => "Deleting",
        }
    }
}

struct Operation {
    resource: String,
    kind: Kind,
    started: Instant,
    ends: Instant,
    outcome: Result<(), ArmError>,
}

/// Where an operation stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    Running { left: Duration },
    Succeeded,
    Failed(ArmError),
}

#[derive(Default)]
pub struct Operations {
    ops: Mutex<HashMap<String, Operation>>,
}

impl Operations {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Operation>> {
        self.ops.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts an operation on `resource`; returns its id.
    pub fn start(&self, resource: &str, kind: Kind, takes: Duration, outcome: Result<(), ArmError>) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        let now = Instant::now();
        let mut ops = self.lock();
        ops.retain(|_, o| o.ends + KEPT > now);
        ops.insert(
            id.clone(),
            Operation {
                resource: resource.to_lowercase(),
                kind,
                started: now,
                ends: now + takes,
                outcome,
            },
        );
        id
    }

    pub fn progress(&self, id: &str) -> Option<Progress> {
        let ops = self.lock();
        let op = ops.get(id)?;
        let now = Instant::now();
        Some(if now < op.ends {
            Progress::Running { left: op.ends - now }
        } else {
            match &op.outcome {
                Ok(()) => Progress::Succeeded,
                Err(e) => Progress::Failed(e.clone()),
            }
        })
    }

    /// The state a resource shows while the latest operation on it runs.
    pub fn running_on(&self, resource: &str) -> Option<Kind> {
        let resource = resource.to_lowercase();
        let now = Instant::now();
        self.lock()
            .values()
            .filter(|o| o.resource == resource && now < o.ends)
            .max_by_key(|o| o.started)
            .map(|o| o.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operation_runs_then_ends_as_told() {
        let ops = Operations::default();
        let ok = ops.start("/R", Kind::Create, Duration::from_secs(60), Ok(()));
        assert!(matches!(ops.progress(&ok), Some(Progress::Running { .. })));
        assert_eq!(ops.running_on("/r"), Some(Kind::Create));
        let failed = ops.start("/f", Kind::Update, Duration::ZERO, Err(ArmError::new(0, "X", "y")));
        assert_eq!(
            ops.progress(&failed),
            Some(Progress::Failed(ArmError::new(0, "X", "y")))
        );
        assert_eq!(ops.running_on("/f"), None);
        assert_eq!(ops.progress("nope"), None);
    }
}
