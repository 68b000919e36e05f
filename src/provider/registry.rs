//! The providers of a run, found by the types they own.
//!
//! A resource type belongs to the provider whose local name is its first
//! word (`azurerm` for `azurerm_subnet`), as Terraform decides it when no
//! `provider` argument says otherwise. The registry is built once per run
//! and passed in; its providers' schemas are the run's catalog's
//! ([`super::catalog::Catalog`]).

use super::builtin::remote_state::StateReader;
use super::catalog::Catalog;
use super::protocol::Provider;
use crate::addrs::{implied_provider, Mode};
use crate::schema::Schema;
use std::sync::Arc;

#[derive(Clone, Default)]
pub struct Providers {
    providers: Vec<Arc<dyn Provider>>,
    /// How the cloud is named in plan and apply output.
    cloud: String,
}

impl Providers {
    pub fn new(providers: Vec<Arc<dyn Provider>>, cloud: impl Into<String>) -> Providers {
        Providers {
            providers,
            cloud: cloud.into(),
        }
    }

    /// Every provider aksplan implements, on `cloud`, with the catalog's schemas.
    /// Types mapped by convention only are written to Azure when
    /// `allow_unverified` says so; to the simulation, always.
    /// `terraform_remote_state` reads backends with `states`, when given.
    pub fn standard(
        catalog: &Catalog,
        cloud: Arc<super::Cloud>,
        allow_unverified: bool,
        states: Option<Arc<dyn StateReader>>,
    ) -> Providers {
        use super::arm::ArmClient;
        let describe = cloud.describe();
        let unverified = allow_unverified || matches!(*cloud, super::Cloud::Sim(_));
        let mut builtin = super::builtin::Builtin::new(catalog.schemas("terraform"));
        if let Some(states) = states {
            builtin = builtin.reading(states);
        }
        let providers: Vec<Arc<dyn Provider>> = vec![
            Arc::new(
                super::azurerm::Azurerm::new(cloud.clone(), catalog.schemas("azurerm")).allowing_unverified(unverified),
            ),
            Arc::new(super::azapi::Azapi::new(cloud.clone(), catalog.schemas("azapi"))),
            Arc::new(super::random::Random::new(catalog.schemas("random"))),
            Arc::new(super::time::Time::new(catalog.schemas("time"))),
            Arc::new(super::null::Null::new(catalog.schemas("null"))),
            Arc::new(super::tls::Tls::new(catalog.schemas("tls"))),
            Arc::new(super::local::Local::new(catalog.schemas("local"))),
            Arc::new(builtin),
        ];
        Providers::new(providers, describe)
    }

    /// The provider of a local name.
    pub fn get(&self, name: &str) -> Option<&dyn Provider> {
        self.providers.iter().find(|p| p.name() == name).map(|p| &**p)
    }

    /// The provider a type belongs to by its name.
    pub fn for_type(&self, type_name: &str) -> Option<&dyn Provider> {
        self.get(implied_provider(type_name))
    }

    /// A type's provider and schema.
    pub fn resolve(&self, mode: Mode, type_name: &str) -> Option<(&dyn Provider, &Schema)> {
        let p = self.for_type(type_name)?;
        Some((p, p.schemas().get(mode, type_name)?))
    }

    /// How the cloud is named in plan and apply output.
    pub fn cloud(&self) -> &str {
        &self.cloud
    }

    pub fn iter(&self) -> impl Iterator<Item = &dyn Provider> {
        self.providers.iter().map(|p| &**p)
    }
}
