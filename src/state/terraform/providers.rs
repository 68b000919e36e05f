//! The provider address of a resource in Terraform's state
//! (`provider["registry.terraform.io/hashicorp/azurerm"]`, with an alias
//! after it, or a module before it) and the aksplan provider it means.
//!
//! aksplan's state keeps no provider per resource: a plan takes it from the
//! configuration, as Terraform does for every resource the configuration
//! still has. What is checked here is that the provider is one aksplan
//! implements, and the one the resource type implies.

use crate::provider::catalog::KINDS;

/// A provider configuration address, as Terraform writes it in state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderAddr {
    /// `registry.terraform.io/hashicorp/azurerm`, or a legacy local name
    /// (`azurerm`) from `provider.azurerm`.
    pub source: String,
    pub alias: Option<String>,
}

impl ProviderAddr {
    /// Reads `[module.M...]provider["SOURCE"][.ALIAS]` or the legacy
    /// `[module.M...]provider.NAME[.ALIAS]`.
    pub fn parse(s: &str) -> Option<ProviderAddr> {
        // Provider configurations belong to modules, not their instances:
        // only names come before, never keys.
        let mut s = s;
        while let Some(rest) = s.strip_prefix("module.") {
            let (name, after) = rest.split_once('.')?;
            if !is_name(name) {
                return None;
            }
            s = after;
        }
        let rest = s.strip_prefix("provider")?;
        if let Some(quoted) = rest.strip_prefix("[\"") {
            let end = quoted.find("\"]")?;
            let source = &quoted[..end];
            let after = &quoted[end + 2..];
            let alias = match after {
                "" => None,
                a => Some(a.strip_prefix('.').filter(|a| is_name(a))?.to_string()),
            };
            (!source.is_empty()).then(|| ProviderAddr {
                source: source.to_string(),
                alias,
            })
        } else {
            let mut parts = rest.strip_prefix('.')?.split('.');
            let name = parts.next().filter(|n| is_name(n))?;
            let alias = parts.next().map(str::to_string);
            if parts.next().is_some() || alias.as_deref().is_some_and(|a| !is_name(a)) {
                return None;
            }
            Some(ProviderAddr {
                source: name.to_string(),
                alias,
            })
        }
    }

    /// The local name aksplan gives the provider (`azurerm`), when it
    /// implements it.
    pub fn kind(&self) -> Option<&'static str> {
        let wanted = normalize_source(&self.source);
        KINDS
            .iter()
            .find(|(name, source)| normalize_source(source) == wanted || *name == self.source)
            .map(|(name, _)| *name)
    }

    /// The full source for messages: `registry.terraform.io/hashicorp/azurerm`.
    pub fn display_source(&self) -> String {
        normalize_source(&self.source)
    }
}

/// The address Terraform writes for the default configuration of an
/// aksplan provider: `provider["registry.terraform.io/hashicorp/azurerm"]`.
pub fn default_address(kind: &str) -> Option<String> {
    KINDS
        .iter()
        .find(|(name, _)| *name == kind)
        .map(|(_, source)| format!("provider[\"{source}\"]"))
}

/// `hashicorp/azurerm` and `Registry.Terraform.io/HashiCorp/AzureRM` both as
/// `registry.terraform.io/hashicorp/azurerm` (host and namespace are
/// compared without case, and the host is implied when left out).
fn normalize_source(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    match lower.matches('/').count() {
        1 => format!("registry.terraform.io/{lower}"),
        _ => lower,
    }
}

fn is_name(s: &str) -> bool {
    crate::addrs::is_identifier(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_form_terraform_writes() {
        let p = ProviderAddr::parse(r#"provider["registry.terraform.io/hashicorp/azurerm"]"#).unwrap();
        assert_eq!(p.kind(), Some("azurerm"));
        assert_eq!(p.alias, None);
        let p = ProviderAddr::parse(r#"provider["registry.terraform.io/hashicorp/azurerm"].hub"#).unwrap();
        assert_eq!((p.kind(), p.alias.as_deref()), (Some("azurerm"), Some("hub")));
        let p = ProviderAddr::parse(r#"module.net.provider["registry.terraform.io/Azure/azapi"]"#).unwrap();
        assert_eq!(p.kind(), Some("azapi"));
        let p = ProviderAddr::parse(r#"provider["terraform.io/builtin/terraform"]"#).unwrap();
        assert_eq!(p.kind(), Some("terraform"));
        // Terraform 0.12's legacy form.
        let p = ProviderAddr::parse("provider.random.second").unwrap();
        assert_eq!((p.kind(), p.alias.as_deref()), (Some("random"), Some("second")));
    }

    #[test]
    fn other_providers_are_not_aksplan_s() {
        let p = ProviderAddr::parse(r#"provider["registry.terraform.io/hashicorp/kubernetes"]"#).unwrap();
        assert_eq!(p.kind(), None);
        assert_eq!(p.display_source(), "registry.terraform.io/hashicorp/kubernetes");
        // A fork under another namespace is another provider.
        let p = ProviderAddr::parse(r#"provider["registry.terraform.io/myorg/azurerm"]"#).unwrap();
        assert_eq!(p.kind(), None);
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "azurerm",
            r#"provider["registry.terraform.io/hashicorp/azurerm""#,
            r#"provider[""]"#,
            r#"provider["x/y"].a.b"#,
            r#"nonsense.provider["x/y"]"#,
            "provider.",
        ] {
            assert_eq!(ProviderAddr::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn default_addresses_are_terraform_s() {
        assert_eq!(
            default_address("azurerm").unwrap(),
            r#"provider["registry.terraform.io/hashicorp/azurerm"]"#
        );
        assert_eq!(
            default_address("terraform").unwrap(),
            r#"provider["terraform.io/builtin/terraform"]"#
        );
        assert_eq!(default_address("kubernetes"), None);
    }
}
