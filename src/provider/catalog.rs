//! The provider kinds aksplan implements, with their schemas: the schema
//! half of the registry, which a configuration is read with before any
//! cloud is chosen. [`super::registry::Providers`] takes each provider's
//! schemas from here, so that both see one set.
//!
//! The schemas are the embedded ones, unless `AKSPLAN_PROVIDER_SCHEMAS`
//! names a `terraform providers schema -json` output: the providers that
//! file describes take their schemas from it (a newer azurerm, say), the
//! others keep the embedded ones. aksplan's overlays still apply.

use super::embedded;
use crate::addrs::implied_provider;
use crate::addrs::Mode;
use crate::diag::Diagnostic;
use crate::schema::{ProviderSchemas, Schema, SchemaSource};

/// The environment variable naming a user's schema file.
pub const SCHEMAS_ENV: &str = "AKSPLAN_PROVIDER_SCHEMAS";

/// (local name, source address) of every provider aksplan implements.
pub const KINDS: &[(&str, &str)] = &[
    ("azurerm", "registry.terraform.io/hashicorp/azurerm"),
    ("azapi", "registry.terraform.io/azure/azapi"),
    ("random", "registry.terraform.io/hashicorp/random"),
    ("time", "registry.terraform.io/hashicorp/time"),
    ("null", "registry.terraform.io/hashicorp/null"),
    ("tls", "registry.terraform.io/hashicorp/tls"),
    ("local", "registry.terraform.io/hashicorp/local"),
    ("terraform", "terraform.io/builtin/terraform"),
];

/// Providers AKS configurations use that aksplan does not implement: a
/// resource of theirs gets one clear error naming the provider.
pub const UNIMPLEMENTED: &[(&str, &str)] = &[
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

/// A provider's schemas, with the convention it maps undescribed types by.
fn with_convention(name: &str, schemas: ProviderSchemas) -> ProviderSchemas {
    match name {
        "azurerm" => schemas.with_convention(super::azurerm::convention::overlay),
        _ => schemas,
    }
}

#[derive(Clone)]
pub struct Catalog {
    kinds: Vec<(&'static str, ProviderSchemas)>,
}

impl Catalog {
    /// The embedded schemas of every provider.
    pub fn embedded() -> Catalog {
        Catalog {
            kinds: KINDS
                .iter()
                .map(|(n, s)| (*n, with_convention(n, embedded::schemas(n, s))))
                .collect(),
        }
    }

    /// The embedded schemas, replaced by those of the file `env` names in
    /// [`SCHEMAS_ENV`], if any. The file is read and checked in full now,
    /// so that its errors show before anything is planned.
    pub fn from_env(env: &[(String, String)]) -> Result<Catalog, Diagnostic> {
        let mut catalog = Catalog::embedded();
        let Some((_, path)) = env.iter().find(|(k, v)| k == SCHEMAS_ENV && !v.is_empty()) else {
            return Ok(catalog);
        };
        let fail = |detail: String| {
            Diagnostic::error("Cannot read the provider schemas")
                .with_detail(format!("{SCHEMAS_ENV}={path}: {detail}"))
                .with_help("give the output of `terraform providers schema -json`")
        };
        let text = crate::config::load::read_file(std::path::Path::new(path)).map_err(fail)?;
        let text = String::from_utf8(text).map_err(|_| fail("not UTF-8".into()))?;
        // Kept for the whole run, as the embedded texts are.
        let text: &'static str = Box::leak(text.into_boxed_str());
        let sources = ProviderSchemas::sources_in(text).map_err(fail)?;
        let mut used = 0;
        for (name, schemas) in catalog.kinds.iter_mut() {
            let source = KINDS.iter().find(|(n, _)| n == name).map_or("", |(_, s)| s);
            if sources.iter().any(|s| s.eq_ignore_ascii_case(source)) {
                let overlays = embedded::overlays(name);
                let replaced = with_convention(name, ProviderSchemas::new(source, text, overlays));
                replaced.check().map_err(fail)?;
                *schemas = replaced;
                used += 1;
            }
        }
        if used == 0 {
            return Err(fail(format!(
                "it describes none of the providers aksplan implements (it has {})",
                sources.join(", ")
            )));
        }
        Ok(catalog)
    }

    /// A provider's schemas.
    pub fn schemas(&self, name: &str) -> ProviderSchemas {
        self.kinds
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| ProviderSchemas::new(name, "{}", &[]))
    }

    fn get(&self, name: &str) -> Option<&ProviderSchemas> {
        self.kinds.iter().find(|(n, _)| *n == name).map(|(_, s)| s)
    }
}

impl SchemaSource for Catalog {
    fn schema(&self, mode: Mode, type_name: &str) -> Option<&Schema> {
        self.get(implied_provider(type_name))?.get(mode, type_name)
    }

    fn type_names(&self, mode: Mode, provider: &str) -> Vec<&str> {
        self.get(provider).map(|s| s.names(mode)).unwrap_or_default()
    }

    fn provider_config(&self, provider: &str) -> Option<&crate::schema::BlockSchema> {
        self.get(provider)?.config()
    }

    fn providers(&self) -> Vec<&str> {
        self.kinds.iter().map(|(n, _)| *n).collect()
    }

    fn unimplemented(&self, provider: &str) -> Option<&'static str> {
        UNIMPLEMENTED.iter().find(|(n, _)| *n == provider).map(|(_, s)| *s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_type_parses_with_its_overlay() {
        let catalog = Catalog::embedded();
        for (name, schemas) in &catalog.kinds {
            if embedded::exists(name) {
                let n = schemas.check().unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(n > 0, "{name} has no types");
            }
        }
        let azurerm = catalog.schemas("azurerm");
        assert_eq!(azurerm.names(Mode::Managed).len(), 1124);
        assert_eq!(azurerm.names(Mode::Data).len(), 393);
        let aks = catalog.schema(Mode::Managed, "azurerm_kubernetes_cluster").unwrap();
        assert!(aks.curated() && aks.arm.is_some());
        // An association is curated, and no ARM resource of its own.
        let assoc = "azurerm_subnet_network_security_group_association";
        let assoc = catalog.schema(Mode::Managed, assoc).unwrap();
        assert!(assoc.curated() && assoc.arm.is_none());
        let mut by_mapping = std::collections::BTreeMap::new();
        for name in azurerm.names(Mode::Managed) {
            let s = catalog.schema(Mode::Managed, name).unwrap();
            *by_mapping.entry(format!("{:?}", s.mapping)).or_insert(0) += 1;
        }
        // Most types are curated or mapped by the convention; the rest
        // validate only.
        assert!(by_mapping["Convention"] + by_mapping["Curated"] > 770, "{by_mapping:?}");
    }

    #[test]
    fn a_user_schema_file_replaces_the_providers_it_describes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("schemas.json");
        std::fs::write(
            &path,
            r#"{"format_version":"1.0","provider_schemas":{"registry.terraform.io/hashicorp/random":{"resource_schemas":{"random_thing":{"block":{"attributes":{"id":{"type":"string","computed":true}}}}}}}}"#,
        )
        .unwrap();
        let env = vec![(SCHEMAS_ENV.to_string(), path.display().to_string())];
        let c = Catalog::from_env(&env).unwrap();
        assert!(c.schema(Mode::Managed, "random_thing").is_some());
        assert!(c.schema(Mode::Managed, "random_string").is_none());
        assert!(c.schema(Mode::Managed, "azurerm_subnet").is_some());
        std::fs::write(&path, "{").unwrap();
        let e = Catalog::from_env(&env).err().unwrap();
        assert!(e.detail.contains(SCHEMAS_ENV), "{e:?}");
        std::fs::write(
            &path,
            r#"{"format_version":"1.0","provider_schemas":{"example.com/x/y":{}}}"#,
        )
        .unwrap();
        let e = Catalog::from_env(&env).err().unwrap();
        assert!(e.detail.contains("none of the providers"), "{e:?}");
    }
}

/// The embedded catalog for unit tests, made once.
#[cfg(test)]
pub mod testing {
    use super::Catalog;
    use crate::addrs::Mode;
    use crate::schema::{Schema, SchemaSource, Schemas};
    use std::sync::OnceLock;

    pub fn catalog() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(Catalog::embedded)
    }

    /// The schemas a test configuration is read with.
    pub fn schemas() -> Schemas {
        Schemas::new(catalog().clone())
    }

    /// A type's schema, which the test expects to exist.
    pub fn schema(mode: Mode, type_name: &str) -> &'static Schema {
        catalog()
            .schema(mode, type_name)
            .unwrap_or_else(|| panic!("no schema for {type_name}"))
    }
}
