//! azurerm's automatic resource provider registration: when azurerm 4.x is
//! configured (for a plan or an apply alike) it registers, in its
//! subscription, the namespaces of a named set (`resource_provider_registrations`:
//! none, legacy, core, extended, all; "legacy" unless told otherwise) plus
//! those listed in `resource_providers_to_register`; the older
//! `skip_provider_registration = true` means none. Both settings may come
//! from the environment (`ARM_RESOURCE_PROVIDER_REGISTRATIONS`,
//! `ARM_SKIP_PROVIDER_REGISTRATION`).
//!
//! This module owns reading those settings from a `provider "azurerm"` block
//! (constant expressions only; here), the namespaces each set holds
//! ([`sets`], facts from azurerm 4.65.0), and registering the missing ones
//! through the ARM boundary ([`ensure`]). It does not decide what the rules
//! make of them (EXT006), and it never touches a namespace the settings do
//! not name.

mod ensure;
mod sets;

pub use ensure::ensure;
pub use sets::ProviderSet;

use crate::config::{Config, Provider};
use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::lang::eval::{EmptyScope, Evaluator};
use crate::lang::types::{convert, Type};
use crate::lang::Value;
use hcl_edit::Span as _;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The defaults azurerm takes from the environment, when the provider
/// block does not set them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvDefaults {
    /// `ARM_RESOURCE_PROVIDER_REGISTRATIONS`.
    pub registrations: Option<String>,
    /// `ARM_SKIP_PROVIDER_REGISTRATION`.
    pub skip: Option<String>,
}

impl EnvDefaults {
    /// Reads the two variables; an empty one is unset, as azurerm takes it.
    pub fn from_env<'e>(get: impl Fn(&str) -> Option<&'e str>) -> EnvDefaults {
        let var = |k: &str| get(k).filter(|v| !v.is_empty()).map(str::to_string);
        EnvDefaults {
            registrations: var("ARM_RESOURCE_PROVIDER_REGISTRATIONS"),
            skip: var("ARM_SKIP_PROVIDER_REGISTRATION"),
        }
    }
}

/// What azurerm registers by itself, read from one provider configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationSettings {
    pub set: ProviderSet,
    /// `resource_providers_to_register`.
    pub extra: BTreeSet<String>,
    /// Whether every setting could be read. When one is not a constant,
    /// aksplan cannot tell what azurerm would register: it registers
    /// nothing itself, and the rules do not judge registrations.
    pub known: bool,
}

impl Default for RegistrationSettings {
    /// azurerm 4.x with no settings: the legacy set.
    fn default() -> RegistrationSettings {
        RegistrationSettings {
            set: ProviderSet::Legacy,
            extra: BTreeSet::new(),
            known: true,
        }
    }
}

/// One setting as written: its value, or why it could not be read.
enum Setting {
    Unset,
    Value(Value, Span),
    NotConstant,
}

impl RegistrationSettings {
    /// The settings of the root module's `provider "azurerm"` block with
    /// this alias (`None`: the default configuration). No block is the
    /// defaults, from the environment.
    pub fn of_config(config: &Config, alias: Option<&str>, env: &EnvDefaults) -> (RegistrationSettings, Diagnostics) {
        let block = config
            .root()
            .providers
            .iter()
            .find(|p| p.name == "azurerm" && p.alias.as_deref() == alias);
        Self::read(block, env)
    }

    /// Whether the configuration uses azurerm at all (a `provider "azurerm"`
    /// block, or a resource or data source of it): Terraform configures a
    /// provider, and azurerm registers namespaces, only then.
    pub fn used_by(config: &Config) -> bool {
        let root = config.root().providers.iter().any(|p| p.name == "azurerm");
        root || config.resources().any(|(_, r)| {
            let local = match &r.provider {
                Some((p, _)) => p.split('.').next().unwrap_or(""),
                None => r.addr.type_name.split('_').next().unwrap_or(""),
            };
            local == "azurerm"
        })
    }

    /// The settings of one provider block (or of none), with the
    /// environment's defaults for what the block leaves unset.
    pub fn read(block: Option<&Provider>, env: &EnvDefaults) -> (RegistrationSettings, Diagnostics) {
        let mut diags = Diagnostics::new();
        let mut known = true;
        let mut get = |name: &str| match block.map(|b| setting(b, name, &mut diags)) {
            Some(Setting::NotConstant) => {
                known = false;
                None
            }
            Some(Setting::Value(v, span)) => Some((v, Some(span))),
            Some(Setting::Unset) | None => None,
        };
        let registrations = get("resource_provider_registrations");
        let to_register = get("resource_providers_to_register");
        let skip = get("skip_provider_registration");
        let header = block.map(|b| b.span);

        // resource_provider_registrations: the block, else the environment, else "legacy".
        let (set, explicit) = match registrations {
            Some((v, span)) => match string_of(&v).as_deref().map(ProviderSet::parse) {
                Some(Some(set)) => (Some(set), true),
                _ => {
                    diags.push(bad_value(
                        "resource_provider_registrations",
                        &v,
                        "one of \"none\", \"legacy\", \"core\", \"extended\" or \"all\"",
                        span,
                    ));
                    (None, true)
                }
            },
            None => match &env.registrations {
                Some(e) => match ProviderSet::parse(&e.to_lowercase()) {
                    Some(set) => (Some(set), true),
                    None => {
                        diags.push(
                            Diagnostic::error("Invalid ARM_RESOURCE_PROVIDER_REGISTRATIONS")
                                .with_detail(format!("unsupported value {e:?} for provider property `resource_provider_registrations`: it is one of none, legacy, core, extended or all"))
                                .with_opt_span(header),
                        );
                        (None, true)
                    }
                },
                None => (Some(ProviderSet::Legacy), false),
            },
        };

        // skip_provider_registration = true means none, and goes with no other set.
        let skip_value = match skip {
            Some((v, span)) => match convert(v.clone().unmark_deep().0, &Type::Bool) {
                Ok(Value::Bool(b)) => Some((b, span)),
                Ok(_) => None,
                Err(_) => {
                    diags.push(bad_value("skip_provider_registration", &v, "true or false", span));
                    None
                }
            },
            None => env.skip.as_deref().and_then(|s| match parse_go_bool(s) {
                Some(b) => Some((b, None)),
                None => {
                    diags.push(
                        Diagnostic::error("Invalid ARM_SKIP_PROVIDER_REGISTRATION")
                            .with_detail(format!("{s:?} is not a boolean"))
                            .with_opt_span(header),
                    );
                    None
                }
            }),
        };
        let mut set = set.unwrap_or(ProviderSet::None);
        if let Some((true, span)) = skip_value {
            if explicit && set != ProviderSet::Legacy {
                diags.push(
                    Diagnostic::error("Conflicting provider settings")
                        .with_detail("provider property `skip_provider_registration` cannot be set at the same time as `resource_provider_registrations`")
                        .with_opt_span(span.or(header))
                        .with_help("remove skip_provider_registration from the provider block (or unset ARM_SKIP_PROVIDER_REGISTRATION), and keep resource_provider_registrations"),
                );
            }
            set = ProviderSet::None;
        }

        let mut extra = BTreeSet::new();
        if let Some((v, span)) = to_register {
            match convert(v.clone().unmark_deep().0, &Type::List(Arc::new(Type::String))) {
                Ok(Value::List(_, items)) => {
                    for item in items {
                        match item.as_str() {
                            Some(ns) if !ns.is_empty() => {
                                extra.insert(ns.to_string());
                            }
                            _ => diags.push(bad_value(
                                "resource_providers_to_register",
                                &v,
                                "a list of resource provider namespaces, none of them empty",
                                span,
                            )),
                        }
                    }
                }
                Ok(_) => {}
                Err(_) => diags.push(bad_value(
                    "resource_providers_to_register",
                    &v,
                    "a list of resource provider namespaces",
                    span,
                )),
            }
        }
        (RegistrationSettings { set, extra, known }, diags)
    }

    /// The namespaces azurerm registers, as it spells them; none when the
    /// settings could not be read.
    pub fn namespaces(&self) -> BTreeSet<String> {
        if !self.known {
            return BTreeSet::new();
        }
        let mut all: BTreeSet<String> = self.set.namespaces().into_iter().map(str::to_string).collect();
        all.extend(self.extra.iter().cloned());
        all
    }

    /// Whether azurerm registers this namespace (compared without case);
    /// `None` when the settings could not be read.
    pub fn includes(&self, namespace: &str) -> Option<bool> {
        self.known
            .then(|| self.namespaces().iter().any(|n| n.eq_ignore_ascii_case(namespace)))
    }
}

/// Reads one attribute of a provider block as a constant.
fn setting(block: &Provider, name: &str, diags: &mut Diagnostics) -> Setting {
    let Some(attr) = block.body.get_attribute(name) else {
        return Setting::Unset;
    };
    let span = Span::new(block.file, attr.value.span().unwrap_or(0..0));
    match Evaluator::new(&EmptyScope, &Default::default()).eval(&attr.value) {
        Ok(v) if v.is_null() => Setting::Unset,
        Ok(v) => Setting::Value(v, span),
        Err(e) => {
            diags.push(
                Diagnostic::warning(format!("aksplan reads {name} only when it is a constant"))
                    .with_detail(format!(
                        "{}; so aksplan cannot tell which resource providers azurerm registers by itself: it registers none itself, and does not check registrations (EXT006)",
                        e.message
                    ))
                    .with_span(span)
                    .with_help(format!("write {name} as a literal value")),
            );
            Setting::NotConstant
        }
    }
}

fn string_of(v: &Value) -> Option<String> {
    match convert(v.clone().unmark_deep().0, &Type::String) {
        Ok(Value::String(s)) => Some(s),
        _ => None,
    }
}

fn bad_value(name: &str, v: &Value, wanted: &str, span: Option<Span>) -> Diagnostic {
    let shown = if v.has_sensitive() {
        "(sensitive value)".to_string()
    } else {
        v.to_string()
    };
    Diagnostic::error("Invalid provider setting")
        .with_detail(format!("{name} must be {wanted}; got {shown}"))
        .with_opt_span(span)
}

/// Go's `strconv.ParseBool`, which azurerm applies to an environment default.
fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(src: &str, env: &EnvDefaults) -> (RegistrationSettings, Vec<(String, String)>) {
        let (config, d) = crate::config::load::from_files(
            std::path::Path::new("."),
            vec![("main.tf".into(), Ok(src.as_bytes().to_vec()))],
            &crate::provider::catalog::testing::schemas(),
        );
        assert!(!d.has_errors(), "{d:?}");
        let (s, d) = RegistrationSettings::of_config(&config, None, env);
        let found = d
            .iter()
            .map(|d| {
                let at = d.span.map(|s| config.sources.text(s).to_string()).unwrap_or_default();
                (format!("{}: {}", d.summary, d.detail), at)
            })
            .collect();
        (s, found)
    }

    fn block(body: &str) -> String {
        format!("provider \"azurerm\" {{\n  features {{}}\n{body}\n}}\n")
    }

    #[test]
    fn no_block_and_no_setting_is_legacy() {
        let (s, d) = settings("", &EnvDefaults::default());
        assert_eq!(s, RegistrationSettings::default());
        assert!(d.is_empty());
        let (s, d) = settings(&block(""), &EnvDefaults::default());
        assert_eq!(s.set, ProviderSet::Legacy);
        assert!(d.is_empty());
        assert_eq!(s.includes("microsoft.keyvault"), Some(true));
        assert_eq!(s.includes("Microsoft.KubernetesConfiguration"), Some(false));
    }

    #[test]
    fn the_block_names_a_set_and_extra_namespaces() {
        let (s, d) = settings(
            &block("  resource_provider_registrations = \"core\"\n  resource_providers_to_register = [\"Microsoft.KubernetesConfiguration\", \"Microsoft.Kubernetes\"]"),
            &EnvDefaults::default(),
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.set, ProviderSet::Core);
        assert_eq!(s.namespaces().len(), 10);
        assert_eq!(s.includes("microsoft.kubernetesconfiguration"), Some(true));
        let (s, _) = settings(
            &block("  resource_provider_registrations = \"none\""),
            &EnvDefaults::default(),
        );
        assert!(s.namespaces().is_empty());
    }

    #[test]
    fn skip_provider_registration_means_none() {
        let (s, d) = settings(&block("  skip_provider_registration = true"), &EnvDefaults::default());
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.set, ProviderSet::None);
        let (s, _) = settings(&block("  skip_provider_registration = false"), &EnvDefaults::default());
        assert_eq!(s.set, ProviderSet::Legacy);
        // With "legacy" written out, azurerm lets skip win.
        let (s, d) = settings(
            &block("  skip_provider_registration = \"true\"\n  resource_provider_registrations = \"legacy\""),
            &EnvDefaults::default(),
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.set, ProviderSet::None);
        let env = EnvDefaults {
            skip: Some("1".into()),
            ..Default::default()
        };
        assert_eq!(settings("", &env).0.set, ProviderSet::None);
    }

    #[test]
    fn the_environment_is_the_default() {
        let env = EnvDefaults::from_env(|k| (k == "ARM_RESOURCE_PROVIDER_REGISTRATIONS").then_some("extended"));
        assert_eq!(settings("", &env).0.set, ProviderSet::Extended);
        // The block wins over the environment.
        let (s, _) = settings(&block("  resource_provider_registrations = \"none\""), &env);
        assert_eq!(s.set, ProviderSet::None);
        let env = EnvDefaults::from_env(|k| (k == "ARM_RESOURCE_PROVIDER_REGISTRATIONS").then_some(""));
        assert_eq!(env, EnvDefaults::default());
    }

    #[test]
    fn bad_values_are_errors_at_the_attribute() {
        let (_, d) = settings(
            &block("  resource_provider_registrations = \"Legacy\""),
            &EnvDefaults::default(),
        );
        assert_eq!(
            d,
            vec![(
                "Invalid provider setting: resource_provider_registrations must be one of \"none\", \"legacy\", \"core\", \"extended\" or \"all\"; got \"Legacy\"".into(),
                "\"Legacy\"".into()
            )]
        );
        let (_, d) = settings(
            &block("  skip_provider_registration = \"maybe\""),
            &EnvDefaults::default(),
        );
        assert_eq!(d[0].1, "\"maybe\"");
        let (_, d) = settings(
            &block("  resource_providers_to_register = [\"\"]"),
            &EnvDefaults::default(),
        );
        assert!(d[0].0.contains("none of them empty"), "{d:?}");
        let (_, d) = settings(
            &block("  skip_provider_registration = true\n  resource_provider_registrations = \"core\""),
            &EnvDefaults::default(),
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].0.starts_with("Conflicting provider settings"), "{d:?}");
        assert_eq!(d[0].1, "true");
    }

    #[test]
    fn a_setting_that_is_not_constant_leaves_registrations_unknown() {
        let src = format!(
            "variable \"skip\" {{ default = true }}\n{}",
            block("  skip_provider_registration = var.skip")
        );
        let (s, d) = settings(&src, &EnvDefaults::default());
        assert!(!s.known);
        assert!(s.namespaces().is_empty());
        assert_eq!(s.includes("Microsoft.KeyVault"), None);
        assert_eq!(d.len(), 1);
        assert!(d[0]
            .0
            .starts_with("aksplan reads skip_provider_registration only when it is a constant"));
        assert_eq!(d[0].1, "var.skip");
    }

    #[test]
    fn only_a_configuration_that_uses_azurerm_configures_it() {
        let used = |src: &str| {
            let (config, _) = crate::config::load::from_files(
                std::path::Path::new("."),
                vec![("main.tf".into(), Ok(src.as_bytes().to_vec()))],
                &crate::provider::catalog::testing::schemas(),
            );
            RegistrationSettings::used_by(&config)
        };
        assert!(!used("resource \"terraform_data\" \"x\" {}\n"));
        assert!(used(
            "resource \"azurerm_resource_group\" \"rg\" {\n  name = \"rg\"\n  location = \"westeurope\"\n}\n"
        ));
        assert!(used(&block("")));
    }

    #[test]
    fn an_aliased_block_has_its_own_settings() {
        let src = format!(
            "{}provider \"azurerm\" {{\n  alias = \"spoke\"\n  features {{}}\n  resource_provider_registrations = \"none\"\n}}\n",
            block("")
        );
        let (config, _) = crate::config::load::from_files(
            std::path::Path::new("."),
            vec![("main.tf".into(), Ok(src.into_bytes()))],
            &crate::provider::catalog::testing::schemas(),
        );
        let env = EnvDefaults::default();
        assert_eq!(
            RegistrationSettings::of_config(&config, None, &env).0.set,
            ProviderSet::Legacy
        );
        assert_eq!(
            RegistrationSettings::of_config(&config, Some("spoke"), &env).0.set,
            ProviderSet::None
        );
    }
}
