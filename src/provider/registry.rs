//! The providers of a run, found by the types they own.
//!
//! A resource type belongs to the provider whose local name is its first
//! word (`azurerm` for `azurerm_subnet`), as Terraform decides it when no
//! `provider` argument says otherwise. The registry is built once per run
//! and passed in: it is the run's [`SchemaSource`].

use super::protocol::Provider;
use crate::addrs::Mode;
use crate::schema::{Schema, SchemaSource};
use std::sync::Arc;

/// Providers AKS configurations use that aksplan does not implement: a
/// resource of theirs gets one clear error naming the provider.
pub const UNSUPPORTED: &[(&str, &str)] = &[
    ("kubernetes", "hashicorp/kubernetes"),
    ("helm", "hashicorp/helm"),
    ("azuread", "hashicorp/azuread"),
    ("kubectl", "gavinbunney/kubectl"),
    ("http", "hashicorp/http"),
    ("external", "hashicorp/external"),
    ("archive", "hashicorp/archive"),
    ("github", "integrations/github"),
    ("azuredevops", "microsoft/azuredevops"),
    ("modtm", "azure/modtm"),
];

#[derive(Clone, Default)]
pub struct Providers {
    providers: Vec<Arc<dyn Provider>>,
}

impl Providers {
    pub fn new(providers: Vec<Arc<dyn Provider>>) -> Providers {
        Providers { providers }
    }

    /// The provider of a local name.
    pub fn get(&self, name: &str) -> Option<&dyn Provider> {
        self.providers.iter().find(|p| p.name() == name).map(|p| &**p)
    }

    /// The provider a type belongs to by its name.
    pub fn for_type(&self, type_name: &str) -> Option<&dyn Provider> {
        self.get(local_name(type_name))
    }

    pub fn iter(&self) -> impl Iterator<Item = &dyn Provider> {
        self.providers.iter().map(|p| &**p)
    }
}

/// The provider local name a type implies: its first word.
pub fn local_name(type_name: &str) -> &str {
    type_name.split('_').next().unwrap_or(type_name)
}

/// The source of a provider aksplan knows of but does not implement.
pub fn unsupported(name: &str) -> Option<&'static str> {
    UNSUPPORTED.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

impl SchemaSource for Providers {
    fn schema(&self, mode: Mode, type_name: &str) -> Option<&Schema> {
        self.for_type(type_name)?.schemas().get(mode, type_name)
    }

    fn type_names(&self, mode: Mode, provider: &str) -> Vec<&str> {
        self.get(provider).map(|p| p.schemas().names(mode)).unwrap_or_default()
    }
}
