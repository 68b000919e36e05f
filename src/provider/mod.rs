//! Providers: how aksplan talks to a cloud.
//!
//! `arm` is the boundary (ARM requests and responses); behind it, `azure`
//! speaks ARM's REST protocol over HTTP and `sim` is a simulated Azure
//! (which can also be served over HTTP). `azurerm` maps azurerm resource
//! types onto ARM calls; `builtin` is terraform's own `terraform_data`,
//! which needs no cloud. Plans and applies use [`Cloud`], which picks the
//! target.

pub mod arm;
pub mod azapi;
pub mod azure;
pub mod azurerm;
pub mod builtin;
pub mod catalog;
pub mod embedded;
pub mod local;
pub mod mock;
pub mod null;
pub mod planning;
pub mod protocol;
pub mod random;
pub mod registry;
pub mod sealed;
pub mod shape;
pub mod sim;
pub mod standalone;
pub mod time;
pub mod tls;

use arm::{ArmClient, ArmError, ArmRequest, ArmResponse};
use std::path::PathBuf;

/// The cloud a run targets.
pub enum Cloud {
    Sim(sim::SimClient),
    Azure(azure::AzureClient),
}

impl Cloud {
    /// The simulation with its store under `dir`, where new identities take
    /// `replication` to be usable in role assignments.
    pub fn sim(dir: impl Into<PathBuf>, replication: std::time::Duration) -> Cloud {
        Cloud::Sim(sim::SimClient::new(dir).with_replication_delay(replication))
    }
}

impl Cloud {
    /// Which cloud, and which default subscription, a state belongs to:
    /// `sim` for the in-process simulation (its store lives beside the
    /// configuration), the ARM endpoint otherwise.
    pub fn identity(&self) -> String {
        let cloud = match self {
            Cloud::Sim(_) => "sim".to_string(),
            Cloud::Azure(a) => a.describe(),
        };
        format!("{cloud}, subscription {}", self.subscription())
    }
}

impl ArmClient for Cloud {
    async fn send(&self, req: ArmRequest) -> Result<ArmResponse, ArmError> {
        match self {
            Cloud::Sim(s) => s.send(req).await,
            Cloud::Azure(a) => a.send(req).await,
        }
    }

    fn describe(&self) -> String {
        match self {
            Cloud::Sim(s) => s.describe(),
            Cloud::Azure(a) => a.describe(),
        }
    }

    fn subscription(&self) -> &str {
        match self {
            Cloud::Sim(s) => s.subscription(),
            Cloud::Azure(a) => a.subscription(),
        }
    }

    fn tenant(&self) -> &str {
        match self {
            Cloud::Sim(s) => s.tenant(),
            Cloud::Azure(a) => a.tenant(),
        }
    }
}
