//! Which provider configuration each resource uses, as Terraform decides:
//! the `provider` argument, or the type's implied provider; a block in the
//! resource's module, or one its caller passes (`providers = {...}`), or,
//! for a default configuration, the one its caller uses. An alias no
//! block declares is an error.

use super::{Config, Resource};
use crate::addrs::{implied_provider, ModulePath};
use crate::diag::Diagnostic;

/// A provider configuration: `azurerm`, or `azurerm.hub`, as written in the
/// module whose block it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProviderRef {
    /// The module whose `provider` block it is.
    pub module: ModulePath,
    /// The provider's local name there.
    pub name: String,
    pub alias: Option<String>,
}

impl ProviderRef {
    /// `azurerm.hub`.
    pub fn key(&self) -> String {
        match &self.alias {
            Some(a) => format!("{}.{a}", self.name),
            None => self.name.clone(),
        }
    }
}

impl std::fmt::Display for ProviderRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.module.is_root() {
            true => write!(f, "provider.{}", self.key()),
            false => write!(f, "{}.provider.{}", self.module, self.key()),
        }
    }
}

fn split(key: &str) -> (&str, Option<&str>) {
    match key.split_once('.') {
        Some((n, a)) => (n, Some(a)),
        None => (key, None),
    }
}

/// The provider configuration a resource of module `module` uses: the
/// block's place when one is written, `None` for a default configuration no
/// block writes (an empty one), an error for an alias nobody declares.
pub fn resolve(config: &Config, module: &ModulePath, res: &Resource) -> Result<Option<ProviderRef>, Diagnostic> {
    let (key, at) = match &res.provider {
        Some((key, at)) => (key.as_str(), *at),
        None => (implied_provider(&res.addr.type_name), res.type_span),
    };
    let (name, alias) = split(key);
    find(config, module, name, alias).ok_or_else(|| {
        Diagnostic::error("Provider configuration not present")
            .with_detail(format!(
                "{} uses the provider configuration {key}, which no `provider \"{name}\"` block with alias = \"{}\" declares{}",
                res.addr,
                alias.unwrap_or(""),
                if module.is_root() { String::new() } else { format!(" in {module}, nor its caller passes") }
            ))
            .with_span(at)
            .with_help(format!(
                "add provider \"{name}\" {{ alias = \"{}\" ... }}, or pass it to the module with providers = {{ {key} = ... }}",
                alias.unwrap_or("")
            ))
    })
}

/// The default configuration of provider `name` that module `module` uses
/// (its own block, one its caller passes, or the one inherited): what an
/// object in state that the configuration no longer declares is deleted
/// under. `None` when no block is written for it.
pub fn resolve_default(config: &Config, module: &ModulePath, name: &str) -> Option<ProviderRef> {
    find(config, module, name, None).flatten()
}

fn find(config: &Config, module: &ModulePath, name: &str, alias: Option<&str>) -> Option<Option<ProviderRef>> {
    let m = config.module(module)?;
    if m.providers
        .iter()
        .any(|p| p.name == name && p.alias.as_deref() == alias)
    {
        return Some(Some(ProviderRef {
            module: module.clone(),
            name: name.to_string(),
            alias: alias.map(str::to_string),
        }));
    }
    let key = match alias {
        Some(a) => format!("{name}.{a}"),
        None => name.to_string(),
    };
    let Some((parent, call_name)) = module.parent() else {
        // The root: a default configuration needs no block.
        return alias.is_none().then_some(None);
    };
    let call = config.module(&parent)?.calls.get(call_name)?;
    if let Some(pass) = call.providers.iter().find(|p| p.child == key) {
        let (pn, pa) = split(&pass.parent);
        return find(config, &parent, pn, pa);
    }
    // Only a default configuration is inherited without being passed.
    match alias {
        None => find(config, &parent, name, None),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::load::from_files;

    fn config(files: &[(&str, &str)]) -> Config {
        let (c, d) = from_files(
            std::path::Path::new("."),
            files
                .iter()
                .map(|(n, t)| (n.to_string(), Ok(t.as_bytes().to_vec())))
                .collect(),
            &crate::provider::catalog::testing::schemas(),
        );
        assert!(!d.has_errors(), "{d:?}");
        c
    }

    fn resolved(c: &Config, name: &str) -> Result<Option<String>, String> {
        let (addr, res) = c.resources().find(|(a, _)| a.resource.name == name).unwrap();
        resolve(c, &addr.module, res)
            .map(|r| r.map(|r| r.to_string()))
            .map_err(|d| d.detail)
    }

    #[test]
    fn aliases_resolve_to_their_blocks_and_undeclared_ones_are_errors() {
        let c = config(&[(
            "main.tf",
            r#"
provider "azurerm" {
  features {}
}
provider "azurerm" {
  alias = "hub"
  features {}
}
resource "azurerm_resource_group" "default" {
  name     = "a"
  location = "westeurope"
}
resource "azurerm_resource_group" "hub" {
  provider = azurerm.hub
  name     = "b"
  location = "westeurope"
}
resource "azurerm_resource_group" "nope" {
  provider = azurerm.spoke
  name     = "c"
  location = "westeurope"
}
resource "random_pet" "p" {}
"#,
        )]);
        assert_eq!(resolved(&c, "default"), Ok(Some("provider.azurerm".into())));
        assert_eq!(resolved(&c, "hub"), Ok(Some("provider.azurerm.hub".into())));
        assert!(resolved(&c, "nope").unwrap_err().contains("azurerm.spoke"));
        assert_eq!(resolved(&c, "p"), Ok(None));
    }
}
