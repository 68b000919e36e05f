//! Providers: how aksplan talks to a cloud.
//!
//! `arm` is the boundary (ARM requests and responses), `sim` a simulated
//! Azure behind it, and `azurerm` the mapping of azurerm resource types onto
//! ARM calls. Plans and applies use [`Cloud`], which picks the target.

pub mod arm;
pub mod azurerm;
pub mod sim;

use arm::{ArmClient, ArmError, ArmRequest, ArmResponse};
use std::path::PathBuf;

/// The cloud a run targets.
pub enum Cloud {
    Sim(sim::SimClient),
}

impl Cloud {
    /// The simulation with its store under `dir`, where new identities take
    /// `replication` to be usable in role assignments.
    pub fn sim(dir: impl Into<PathBuf>, replication: std::time::Duration) -> Cloud {
        Cloud::Sim(sim::SimClient::new(dir).with_replication_delay(replication))
    }
}

impl ArmClient for Cloud {
    async fn send(&self, req: ArmRequest) -> Result<ArmResponse, ArmError> {
        match self {
            Cloud::Sim(s) => s.send(req).await,
        }
    }

    fn describe(&self) -> String {
        match self {
            Cloud::Sim(s) => s.describe(),
        }
    }

    fn subscription(&self) -> &str {
        match self {
            Cloud::Sim(s) => s.subscription(),
        }
    }

    fn tenant(&self) -> &str {
        match self {
            Cloud::Sim(s) => s.tenant(),
        }
    }
}
