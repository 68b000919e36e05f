//! Cluster extension rules (EXT).
//!
//! From the cluster extensions document: a pinned `version` cannot
//! auto-upgrade, `release_train` needs auto-upgrade, an extension is
//! installed at cluster scope (`release_namespace`) or at namespace scope
//! (`target_namespace`), and an update that leaves out protected settings
//! deletes them.

use super::{finding, Context, Subject};
use crate::diag::{Diagnostics, Severity::*};
use crate::lang::Value;

const TYPES: [&str; 2] = [
    "azurerm_kubernetes_cluster_extension",
    "azurerm_arc_kubernetes_cluster_extension",
];

pub fn check(cx: &Context, out: &mut Diagnostics) {
    ext006(cx, out);
    for ty in TYPES {
        for ext in cx.of_type(ty) {
            ext001(ext, out);
            ext003(ext, out);
            ext004(ext, out);
        }
    }
}

/// EXT001: a pinned version with a release train. azurerm turns
/// auto-upgrade off exactly when a version is pinned, and a release train
/// needs auto-upgrade: Azure refuses the pair. (EXT002, a release train
/// with auto-upgrade off, was this same mistake in azurerm 3.x's
/// `auto_upgrade_minor_version`, which 4.x no longer has.)
fn ext001(ext: &Subject, out: &mut Diagnostics) {
    let Some(version) = ext.str(&["version"]) else { return };
    if !ext.writes(&["release_train"]) {
        return;
    }
    let Some(train) = ext.str(&["release_train"]) else {
        return;
    };
    out.push(
        finding(
            "EXT001",
            Error,
            "A pinned extension version cannot follow a release train",
            format!(
                "version {version:?} pins the extension, which turns its auto-upgrade off, but release_train {train:?} needs auto-upgrade; Azure refuses the combination"
            ),
            ext.span(&["version"]),
        )
        .with_opt_label(ext.span(&["release_train"]), "the release train is set here")
        .with_help("either remove version, and let the release train upgrade the extension, or keep version and remove release_train"),
    );
}

/// EXT003: both cluster and namespace scope.
fn ext003(ext: &Subject, out: &mut Diagnostics) {
    if !(ext.writes(&["release_namespace"]) && ext.writes(&["target_namespace"])) {
        return;
    }
    if ext.get(&["release_namespace"]).is_none() || ext.get(&["target_namespace"]).is_none() {
        return;
    }
    out.push(
        finding(
            "EXT003",
            Error,
            "An extension has one scope",
            "release_namespace installs the extension at cluster scope, target_namespace at namespace scope: set one"
                .into(),
            ext.span(&["target_namespace"]),
        )
        .with_opt_label(ext.span(&["release_namespace"]), "cluster scope set here"),
    );
}

/// EXT006: extensions and Arc clusters whose namespace nothing registers:
/// the subscription has not registered it, azurerm's own registration
/// (`resource_provider_registrations`, `resource_providers_to_register`)
/// does not include it, and no azurerm_resource_provider_registration in
/// the configuration registers it. When aksplan could not read azurerm's
/// settings, or the cloud's registrations, it cannot tell, and says nothing.
fn ext006(cx: &Context, out: &mut Diagnostics) {
    let Some(auto) = &cx.facts.auto_registered else {
        return;
    };
    if cx.facts.registered.is_empty() {
        return;
    }
    let registers: Vec<String> = cx
        .config
        .resources()
        .filter(|(a, _)| a.resource.type_name == "azurerm_resource_provider_registration")
        .flat_map(|(_, r)| crate::rules::ordering::registered_namespaces(r))
        .map(|n| n.to_lowercase())
        .collect();
    let types = TYPES.iter().copied().chain(["azurerm_arc_kubernetes_cluster"]);
    for ty in types {
        let needed: Vec<String> = if ty.starts_with("azurerm_arc_") {
            vec![
                "Microsoft.Kubernetes".into(),
                "Microsoft.KubernetesConfiguration".into(),
            ]
        } else {
            vec!["Microsoft.KubernetesConfiguration".into()]
        };
        for s in cx.of_type(ty).filter(|s| s.prior.is_none()) {
            for ns in &needed {
                let key = ns.to_lowercase();
                if cx.facts.registered.get(&key) == Some(&false) && !registers.contains(&key) && !auto.contains(&key) {
                    out.push(
                        finding(
                            "EXT006",
                            Error,
                            "The resource provider is not registered",
                            format!(
                                "{} needs {ns}, which is not registered in the subscription; azurerm's settings do not register it (no resource_provider_registrations set includes it)",
                                s.addr
                            ),
                            s.header(),
                        )
                        .with_help(format!(
                            "add: resource \"azurerm_resource_provider_registration\" \"...\" {{ name = \"{ns}\" }}, or list it in the provider's resource_providers_to_register"
                        )),
                    );
                }
            }
        }
    }
}

/// EXT004: an update leaving out protected settings keys; the service deletes them.
fn ext004(ext: &Subject, out: &mut Diagnostics) {
    let keys = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_map)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let Some(prior) = ext.prior else { return };
    let before = keys(crate::rules::get(prior, &["configuration_protected_settings"]));
    let after = keys(ext.get(&["configuration_protected_settings"]));
    let dropped: Vec<&String> = before.iter().filter(|k| !after.contains(k)).collect();
    if dropped.is_empty() {
        return;
    }
    let names: Vec<String> = dropped.iter().map(|k| format!("{k:?}")).collect();
    out.push(
        finding(
            "EXT004",
            Warning,
            "Protected settings left out of an update are deleted",
            format!(
                "the extension had the protected setting(s) {} and this update leaves them out; the service deletes protected settings an update does not send",
                names.join(", ")
            ),
            ext.span(&["configuration_protected_settings"]),
        )
        .with_help("send every protected setting the extension needs with each update"),
    );
}

#[cfg(test)]
mod tests {
    use crate::provider::azurerm::auto_registration::{EnvDefaults, RegistrationSettings};
    use crate::rules::test_support::{findings, findings_with};
    use crate::rules::CloudFacts;

    fn ext(body: &str) -> String {
        format!(
            r#"
resource "azurerm_kubernetes_cluster_extension" "e" {{
  name           = "flux"
  cluster_id     = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/k"
  extension_type = "microsoft.flux"
{body}
}}
"#
        )
    }

    #[test]
    fn ext001_pinned_version_with_a_release_train() {
        let f = findings(&ext("  version = \"1.2.3\"\n  release_train = \"Stable\"\n"));
        assert_eq!(f, vec![("EXT001".into(), "\"1.2.3\"".into())]);
        assert!(findings(&ext("  version = \"1.2.3\"\n")).is_empty());
        assert!(findings(&ext("  release_train = \"Stable\"\n")).is_empty());
    }

    #[test]
    fn ext003_both_scopes() {
        let f = findings(&ext(
            "  release_namespace = \"flux-system\"\n  target_namespace = \"apps\"\n",
        ));
        assert_eq!(f, vec![("EXT003".into(), "\"apps\"".into())]);
        assert!(findings(&ext("  target_namespace = \"apps\"\n")).is_empty());
    }

    /// What plan gives the rules: the subscription's registrations, and
    /// what the configuration's azurerm settings register.
    fn facts(src: &str, registered: &[(&str, bool)]) -> CloudFacts {
        let (config, _) = crate::config::load::from_files(
            std::path::Path::new("."),
            vec![("main.tf".into(), Ok(src.as_bytes().to_vec()))],
            &crate::provider::catalog::testing::schemas(),
        );
        let (settings, _) = RegistrationSettings::of_config(&config, None, &EnvDefaults::default());
        CloudFacts {
            registered: registered.iter().map(|(n, r)| (n.to_lowercase(), *r)).collect(),
            auto_registered: settings
                .known
                .then(|| settings.namespaces().iter().map(|n| n.to_lowercase()).collect()),
            ..Default::default()
        }
    }

    fn ext006(provider: &str, registered: bool) -> Vec<(String, String)> {
        let src = format!(
            "variable \"skip\" {{ default = true }}\nprovider \"azurerm\" {{\n  features {{}}\n{provider}\n}}\n{}",
            ext("")
        );
        let f = facts(&src, &[("Microsoft.KubernetesConfiguration", registered)]);
        findings_with(&src, f)
    }

    #[test]
    fn ext006_fires_when_nothing_registers_the_namespace() {
        let fired = vec![(
            "EXT006".to_string(),
            "resource \"azurerm_kubernetes_cluster_extension\" \"e\"".to_string(),
        )];
        assert_eq!(ext006("  resource_provider_registrations = \"none\"", false), fired);
        assert_eq!(ext006("  skip_provider_registration = true", false), fired);
        // azurerm 4.x's default set (legacy) does not include it either.
        assert_eq!(ext006("", false), fired);
        assert_eq!(ext006("  resource_provider_registrations = \"all\"", false), fired);
    }

    #[test]
    fn ext006_is_silent_when_something_registers_it() {
        // The subscription has it.
        assert!(ext006("  resource_provider_registrations = \"none\"", true).is_empty());
        // azurerm registers it when configured.
        assert!(ext006(
            "  resource_provider_registrations = \"none\"\n  resource_providers_to_register = [\"Microsoft.KubernetesConfiguration\"]",
            false
        )
        .is_empty());
        // aksplan cannot tell what azurerm registers.
        assert!(ext006("  skip_provider_registration = var.skip", false).is_empty());
        // A registration resource in the configuration.
        let src = format!(
            "{}resource \"azurerm_resource_provider_registration\" \"kc\" {{\n  name = \"Microsoft.KubernetesConfiguration\"\n}}\n",
            ext("")
        );
        let f = facts(&src, &[("Microsoft.KubernetesConfiguration", false)]);
        assert!(findings_with(&src, f).is_empty());
        // Validate knows nothing of the cloud.
        assert!(findings(&ext("")).is_empty());
    }
}
