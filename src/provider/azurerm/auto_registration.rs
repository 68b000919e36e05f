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
//! (constant expressions only), the namespaces each set holds (facts from
//! azurerm 4.65.0's `internal/resourceproviders/required.go`), and
//! registering the missing ones through the ARM boundary. It does not decide
//! what the rules make of them (EXT006), and it never touches a namespace
//! the settings do not name.

use crate::config::{Config, Provider};
use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::lang::eval::{EmptyScope, Evaluator};
use crate::lang::types::{convert, Type};
use crate::lang::Value;
use crate::provider::arm::{ArmClient, ArmError, ArmRequest, Method};
use hcl_edit::Span as _;
use serde_json::Value as Json;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

/// The resource providers API version for reads and `register`.
const API_VERSION: &str = "2025-04-01";
/// How often, and how long, a namespace that is still registering is polled.
const POLL_EVERY: Duration = Duration::from_secs(10);
const POLL_FOR: Duration = Duration::from_secs(20 * 60);

const CORE: [&str; 8] = [
    "Microsoft.Authorization",
    "Microsoft.Compute",
    "Microsoft.CostManagement",
    "Microsoft.ManagedIdentity",
    "Microsoft.MarketplaceOrdering",
    "Microsoft.Network",
    "Microsoft.Resources",
    "Microsoft.Storage",
];

/// Extended is Core and these.
const EXTENDED: [&str; 42] = [
    "Microsoft.ApiManagement",
    "Microsoft.AppConfiguration",
    "Microsoft.AppPlatform",
    "Microsoft.Automation",
    "Microsoft.Cache",
    "Microsoft.Cdn",
    "Microsoft.ContainerInstance",
    "Microsoft.ContainerRegistry",
    "Microsoft.ContainerService",
    "Microsoft.DBforMySQL",
    "Microsoft.DBforPostgreSQL",
    "Microsoft.DataFactory",
    "Microsoft.DataLakeAnalytics",
    "Microsoft.DataLakeStore",
    "Microsoft.DataMigration",
    "Microsoft.DataProtection",
    "Microsoft.Databricks",
    "Microsoft.DevTestLab",
    "Microsoft.Devices",
    "Microsoft.DocumentDB",
    "Microsoft.EventGrid",
    "Microsoft.EventHub",
    "Microsoft.HDInsight",
    "microsoft.insights",
    "Microsoft.KeyVault",
    "Microsoft.Kusto",
    "Microsoft.Logic",
    "Microsoft.Maintenance",
    "Microsoft.Management",
    "Microsoft.NotificationHubs",
    "Microsoft.OperationalInsights",
    "Microsoft.OperationsManagement",
    "Microsoft.PowerBIDedicated",
    "Microsoft.Relay",
    "Microsoft.Security",
    "Microsoft.SecurityInsights",
    "Microsoft.ServiceBus",
    "Microsoft.ServiceFabric",
    "Microsoft.SignalRService",
    "Microsoft.Sql",
    "Microsoft.StreamAnalytics",
    "Microsoft.Web",
];

/// All is Extended and these.
const ALL: [&str; 20] = [
    "Github.Network",
    "Microsoft.AVS",
    "Microsoft.AlertsManagement",
    "Microsoft.Blueprint",
    "Microsoft.BotService",
    "Microsoft.CognitiveServices",
    "Microsoft.CustomProviders",
    "Microsoft.Dashboard",
    "Microsoft.DesktopVirtualization",
    "Microsoft.GuestConfiguration",
    "Microsoft.HealthcareApis",
    "Microsoft.IoTCentral",
    "Microsoft.MachineLearningServices",
    "Microsoft.ManagedServices",
    "Microsoft.Maps",
    "Microsoft.MixedReality",
    "Microsoft.Monitor",
    "Microsoft.PolicyInsights",
    "Microsoft.RecoveryServices",
    "Microsoft.Search",
];

/// What azurerm registered by itself before the sets existed (the 4.x default).
const LEGACY: [&str; 66] = [
    "Microsoft.AVS",
    "Microsoft.ApiManagement",
    "Microsoft.AppConfiguration",
    "Microsoft.AppPlatform",
    "Microsoft.Authorization",
    "Microsoft.Automation",
    "Microsoft.Blueprint",
    "Microsoft.BotService",
    "Microsoft.Cache",
    "Microsoft.Cdn",
    "Microsoft.CognitiveServices",
    "Microsoft.Compute",
    "Microsoft.ContainerInstance",
    "Microsoft.ContainerRegistry",
    "Microsoft.ContainerService",
    "Microsoft.CostManagement",
    "Microsoft.CustomProviders",
    "Microsoft.DBforMariaDB",
    "Microsoft.DBforMySQL",
    "Microsoft.DBforPostgreSQL",
    "Microsoft.DataFactory",
    "Microsoft.DataLakeAnalytics",
    "Microsoft.DataLakeStore",
    "Microsoft.DataMigration",
    "Microsoft.DataProtection",
    "Microsoft.Databricks",
    "Microsoft.DesktopVirtualization",
    "Microsoft.DevTestLab",
    "Microsoft.Devices",
    "Microsoft.DocumentDB",
    "Microsoft.EventGrid",
    "Microsoft.EventHub",
    "Microsoft.GuestConfiguration",
    "Microsoft.HDInsight",
    "Microsoft.HealthcareApis",
    "Microsoft.KeyVault",
    "Microsoft.Kusto",
    "Microsoft.Logic",
    "Microsoft.MachineLearningServices",
    "Microsoft.Maintenance",
    "Microsoft.ManagedIdentity",
    "Microsoft.ManagedServices",
    "Microsoft.Management",
    "Microsoft.Maps",
    "Microsoft.MarketplaceOrdering",
    "Microsoft.MixedReality",
    "Microsoft.Network",
    "Microsoft.NotificationHubs",
    "Microsoft.OperationalInsights",
    "Microsoft.OperationsManagement",
    "Microsoft.PolicyInsights",
    "Microsoft.PowerBIDedicated",
    "Microsoft.RecoveryServices",
    "Microsoft.Relay",
    "Microsoft.Resources",
    "Microsoft.Search",
    "Microsoft.Security",
    "Microsoft.SecurityInsights",
    "Microsoft.ServiceBus",
    "Microsoft.ServiceFabric",
    "Microsoft.SignalRService",
    "Microsoft.Sql",
    "Microsoft.Storage",
    "Microsoft.StreamAnalytics",
    "Microsoft.Web",
    "microsoft.insights",
];

/// A named set of `resource_provider_registrations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderSet {
    None,
    Legacy,
    Core,
    Extended,
    All,
}

impl ProviderSet {
    const NAMES: [(&'static str, ProviderSet); 5] = [
        ("none", ProviderSet::None),
        ("legacy", ProviderSet::Legacy),
        ("core", ProviderSet::Core),
        ("extended", ProviderSet::Extended),
        ("all", ProviderSet::All),
    ];

    /// The set a value names, exactly as azurerm's validation accepts it.
    pub fn parse(s: &str) -> Option<ProviderSet> {
        Self::NAMES.iter().find(|(n, _)| *n == s).map(|(_, set)| *set)
    }

    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|(_, s)| *s == self).map_or("", |(n, _)| n)
    }

    /// The namespaces of the set, as azurerm spells them.
    pub fn namespaces(self) -> Vec<&'static str> {
        match self {
            ProviderSet::None => Vec::new(),
            ProviderSet::Legacy => LEGACY.to_vec(),
            ProviderSet::Core => CORE.to_vec(),
            ProviderSet::Extended => [&CORE[..], &EXTENDED[..]].concat(),
            ProviderSet::All => [&CORE[..], &EXTENDED[..], &ALL[..]].concat(),
        }
    }
}

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
                Some(p) => p.split('.').next().unwrap_or(""),
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

fn provider_path(subscription: &str, namespace: &str) -> String {
    format!("/subscriptions/{subscription}/providers/{namespace}")
}

fn registration_state(body: &Json) -> String {
    body.get("registrationState")
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_string()
}

/// Every namespace the subscription offers (lowercase) with its
/// registration state: one list call, as azurerm makes.
async fn offered<C: ArmClient>(client: &C, subscription: &str) -> Result<HashMap<String, String>, ArmError> {
    let req = ArmRequest {
        method: Method::Get,
        path: format!("/subscriptions/{subscription}/providers"),
        api_version: API_VERSION.into(),
        body: None,
    };
    let body = client.send(req).await?.body;
    Ok(body
        .get("value")
        .and_then(Json::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|p| Some((p.get("namespace")?.as_str()?.to_lowercase(), registration_state(p))))
                .collect()
        })
        .unwrap_or_default())
}

/// Registers one namespace and waits until Azure says it is registered.
async fn register<C: ArmClient>(client: &C, subscription: &str, ns: &str) -> Result<(), ArmError> {
    let request = |method, path| ArmRequest {
        method,
        path,
        api_version: API_VERSION.into(),
        body: None,
    };
    let path = provider_path(subscription, ns);
    let answer = client.send(request(Method::Post, format!("{path}/register"))).await?;
    let mut state = registration_state(&answer.body);
    let started = std::time::Instant::now();
    while !state.eq_ignore_ascii_case("Registered") {
        if started.elapsed() > POLL_FOR {
            return Err(ArmError::new(
                408,
                "RegistrationTimeout",
                format!("{ns} was still {state:?} after {} minutes", POLL_FOR.as_secs() / 60),
            ));
        }
        tokio::time::sleep(POLL_EVERY).await;
        state = registration_state(&client.send(request(Method::Get, path.clone())).await?.body);
    }
    Ok(())
}

/// Registers, in `subscription`, the namespaces the settings name that are
/// not registered yet, as azurerm does when it is configured: it lists the
/// subscription's namespaces once, skips those the cloud does not offer,
/// and registers the rest. Every failure is reported, in one error.
pub async fn ensure<C: ArmClient>(client: &C, subscription: &str, settings: &RegistrationSettings) -> Diagnostics {
    let wanted = settings.namespaces();
    let mut diags = Diagnostics::new();
    if wanted.is_empty() {
        return diags;
    }
    let way_out = "to manage registrations yourself, set resource_provider_registrations = \"none\" in the provider \"azurerm\" block";
    let offered = match offered(client, subscription).await {
        Ok(o) => o,
        Err(e) => {
            diags.push(
                Diagnostic::error("Cannot list the subscription's resource providers")
                    .with_detail(format!(
                        "azurerm lists them to register those its settings name (resource_provider_registrations = {:?}): {e}",
                        settings.set.name()
                    ))
                    .with_help(way_out),
            );
            return diags;
        }
    };
    let missing: Vec<&String> = wanted
        .iter()
        .filter(|ns| {
            offered
                .get(&ns.to_lowercase())
                .is_some_and(|state| !state.eq_ignore_ascii_case("Registered"))
        })
        .collect();
    let results = futures::future::join_all(missing.iter().map(|ns| register(client, subscription, ns))).await;
    let mut failures = Vec::new();
    let mut forbidden = false;
    for (ns, r) in missing.iter().zip(results) {
        if let Err(e) = r {
            forbidden |= e.status == 403;
            failures.push(format!("registering {ns}: {e}"));
        }
    }
    if !failures.is_empty() {
        let summary = if forbidden {
            "No permission to register resource providers"
        } else {
            "Cannot register resource providers"
        };
        diags.push(
            Diagnostic::error(summary)
                .with_detail(format!(
                    "azurerm registers the resource providers its settings name (resource_provider_registrations = {:?}) when it is configured:\n{}",
                    settings.set.name(),
                    failures.join("\n")
                ))
                .with_help(way_out),
        );
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::sim::SimClient;

    fn settings(src: &str, env: &EnvDefaults) -> (RegistrationSettings, Vec<(String, String)>) {
        let (config, d) = crate::config::load::from_files(
            std::path::Path::new("."),
            vec![("main.tf".into(), Ok(src.as_bytes().to_vec()))],
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
    fn the_sets_hold_azurerms_namespaces() {
        assert_eq!(ProviderSet::Core.namespaces().len(), 8);
        assert_eq!(ProviderSet::Extended.namespaces().len(), 50);
        assert_eq!(ProviderSet::All.namespaces().len(), 70);
        assert_eq!(ProviderSet::Legacy.namespaces().len(), 66);
        for set in [
            ProviderSet::Core,
            ProviderSet::Extended,
            ProviderSet::All,
            ProviderSet::Legacy,
        ] {
            let ns = set.namespaces();
            let unique: BTreeSet<_> = ns.iter().collect();
            assert_eq!(unique.len(), ns.len(), "{set:?} lists a namespace twice");
            // No set registers what cluster extensions and Arc need (azurerm
            // 3.65.0 did; 3.66.0 took them out again).
            assert!(!ns.iter().any(|n| n.starts_with("Microsoft.Kubernetes")), "{set:?}");
        }
        assert!(ProviderSet::Legacy.namespaces().contains(&"Microsoft.KeyVault"));
        assert!(!ProviderSet::Core.namespaces().contains(&"Microsoft.ContainerService"));
        assert!(ProviderSet::Extended
            .namespaces()
            .contains(&"Microsoft.ContainerService"));
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

    fn state(sim: &SimClient, ns: &str) -> String {
        let req = ArmRequest {
            method: Method::Get,
            path: provider_path(crate::provider::sim::SUBSCRIPTION, ns),
            api_version: API_VERSION.into(),
            body: None,
        };
        registration_state(&sim.handle(&req).unwrap().body)
    }

    #[test]
    fn ensure_registers_what_is_missing_and_offered_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let sim = SimClient::new(dir.path());
        let sub = crate::provider::sim::SUBSCRIPTION;
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let none = RegistrationSettings {
            set: ProviderSet::None,
            ..Default::default()
        };
        assert!(rt.block_on(ensure(&sim, sub, &none)).is_empty());
        assert_eq!(state(&sim, "Microsoft.KeyVault"), "NotRegistered");
        let mut s = RegistrationSettings::default();
        assert!(rt.block_on(ensure(&sim, sub, &s)).is_empty());
        assert_eq!(state(&sim, "Microsoft.KeyVault"), "Registered");
        assert_eq!(state(&sim, "microsoft.insights"), "Registered");
        // The simulation does not offer Microsoft.Sql: skipped.
        assert_eq!(state(&sim, "Microsoft.Sql"), "NotRegistered");
        // No set holds what extensions need.
        assert_eq!(state(&sim, "Microsoft.KubernetesConfiguration"), "NotRegistered");
        s.extra.insert("Microsoft.KubernetesConfiguration".into());
        assert!(rt.block_on(ensure(&sim, sub, &s)).is_empty());
        assert_eq!(state(&sim, "Microsoft.KubernetesConfiguration"), "Registered");
        assert_eq!(state(&sim, "Microsoft.Kubernetes"), "NotRegistered");
        // Unknown settings register nothing.
        let unknown = RegistrationSettings {
            known: false,
            extra: ["Microsoft.Kubernetes".to_string()].into(),
            ..Default::default()
        };
        assert!(rt.block_on(ensure(&sim, sub, &unknown)).is_empty());
        assert_eq!(state(&sim, "Microsoft.Kubernetes"), "NotRegistered");
    }

    /// A cloud that answers with a function.
    struct Mock<F>(F);

    impl<F> ArmClient for Mock<F>
    where
        F: Fn(&ArmRequest) -> Result<crate::provider::arm::ArmResponse, ArmError> + Send + Sync,
    {
        async fn send(&self, req: ArmRequest) -> Result<crate::provider::arm::ArmResponse, ArmError> {
            (self.0)(&req)
        }
        fn describe(&self) -> String {
            "mock".into()
        }
        fn subscription(&self) -> &str {
            "s"
        }
        fn tenant(&self) -> &str {
            "t"
        }
    }

    #[test]
    fn a_subscription_that_cannot_be_listed_is_an_error() {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let broken = Mock(|_: &ArmRequest| {
            Err(ArmError::new(
                404,
                "SubscriptionNotFound",
                "The subscription 's' could not be found.",
            ))
        });
        let d = rt.block_on(ensure(&broken, "s", &Default::default()));
        assert_eq!(d.len(), 1);
        let d = d.iter().next().unwrap();
        assert_eq!(d.summary, "Cannot list the subscription's resource providers");
        assert!(d.detail.contains("SubscriptionNotFound"), "{}", d.detail);
    }

    /// A cloud that offers every namespace of the legacy set but
    /// Microsoft.Blueprint, none of them registered, and refuses to register.
    fn forbidding(req: &ArmRequest) -> Result<crate::provider::arm::ArmResponse, ArmError> {
        match req.method {
            Method::Get if req.path == "/subscriptions/s/providers" => {
                let value: Vec<Json> = ProviderSet::Legacy
                    .namespaces()
                    .into_iter()
                    .filter(|n| *n != "Microsoft.Blueprint")
                    .map(|n| serde_json::json!({"namespace": n.to_uppercase(), "registrationState": "NotRegistered"}))
                    .collect();
                Ok(crate::provider::arm::ArmResponse {
                    status: 200,
                    body: serde_json::json!({ "value": value }),
                })
            }
            _ => Err(ArmError::new(
                403,
                "AuthorizationFailed",
                "The client does not have authorization to perform action 'Microsoft.Resources/register/action'.",
            )),
        }
    }

    #[test]
    fn a_refused_registration_is_one_error_naming_the_way_out() {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let d = rt.block_on(ensure(&Mock(forbidding), "s", &Default::default()));
        assert_eq!(d.len(), 1);
        let d = d.iter().next().unwrap();
        assert_eq!(d.summary, "No permission to register resource providers");
        assert!(
            d.detail.contains("registering Microsoft.KeyVault: AuthorizationFailed"),
            "{}",
            d.detail
        );
        // A namespace this cloud does not have is skipped, as azurerm does.
        assert!(!d.detail.contains("Microsoft.Blueprint"), "{}", d.detail);
        assert_eq!(d.detail.lines().count(), 1 + 65);
        assert!(d
            .help
            .as_deref()
            .unwrap()
            .contains("resource_provider_registrations = \"none\""));
    }
}
