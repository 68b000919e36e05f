//! azurerm's automatic resource provider registration, through the real
//! binary on the simulation: what the provider block asks azurerm to
//! register is registered when a plan or an apply configures it, and EXT006
//! fires only when nothing registers what an extension needs.

mod common;

use common::{example, run, run_env};
use std::path::Path;

const PROVIDERS: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/providers";

/// examples/broken/EXT006 (a cluster and a flux extension) under a
/// provider block with these settings.
fn extension_with(settings: &str) -> tempfile::TempDir {
    let dir = example("broken/EXT006");
    let main = dir.path().join("main.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    let block = format!("provider \"azurerm\" {{\n  features {{}}\n{settings}\n}}\n\n");
    std::fs::write(&main, block + &text).unwrap();
    dir
}

/// The registration state the simulation holds for a namespace.
fn state(dir: &Path, namespace: &str) -> String {
    let r = run(dir, &["sim", "show", &format!("{PROVIDERS}/{namespace}")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    doc["registrationState"].as_str().unwrap().to_string()
}

#[test]
fn ext006_fires_when_neither_the_subscription_nor_azurerm_registers_the_namespace() {
    for settings in [
        "  resource_provider_registrations = \"none\"",
        "  skip_provider_registration = true",
        // azurerm 4.x's default set ("legacy") does not hold it either.
        "",
        "  resource_provider_registrations = \"all\"",
    ] {
        let dir = extension_with(settings);
        let r = run(dir.path(), &["plan"]);
        assert_eq!(r.code, 1, "{settings}: {}", r.stdout);
        assert!(r.stderr.contains("EXT006"), "{settings}: {}", r.stderr);
        assert!(
            r.stderr.contains("resource_providers_to_register"),
            "{settings}: the help names the provider setting too:\n{}",
            r.stderr
        );
    }
}

#[test]
fn a_namespace_azurerm_is_told_to_register_is_registered_by_apply_itself() {
    let dir = extension_with("  resource_providers_to_register = [\"Microsoft.KubernetesConfiguration\"]");
    assert_eq!(state(dir.path(), "Microsoft.KubernetesConfiguration"), "NotRegistered");
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("EXT006"), "{}", r.stderr);
    assert!(r.stdout.contains("Apply complete! Resources: 3 added"), "{}", r.stdout);
    assert_eq!(state(dir.path(), "Microsoft.KubernetesConfiguration"), "Registered");
    // Only what the settings name: Arc's namespace stays as it was.
    assert_eq!(state(dir.path(), "Microsoft.Kubernetes"), "NotRegistered");
}

#[test]
fn with_the_default_settings_apply_registers_the_legacy_set_by_itself() {
    let default = example("aks-basic");
    let none = example("aks-basic");
    let main = none.path().join("main.tf");
    let text = std::fs::read_to_string(&main).unwrap().replace(
        "provider \"azurerm\" {\n  features {}\n}",
        "provider \"azurerm\" {\n  features {}\n  resource_provider_registrations = \"none\"\n}",
    );
    assert!(
        text.contains("resource_provider_registrations"),
        "aks-basic has a provider block"
    );
    std::fs::write(&main, text).unwrap();
    for dir in [&default, &none] {
        let r = run(dir.path(), &["apply", "--auto-approve"]);
        assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    }
    // Log Analytics, Key Vault and Azure Monitor are in the legacy set and
    // start unregistered in the simulation.
    for ns in [
        "Microsoft.OperationalInsights",
        "Microsoft.KeyVault",
        "microsoft.insights",
    ] {
        assert_eq!(state(default.path(), ns), "Registered", "{ns}");
        assert_eq!(state(none.path(), ns), "NotRegistered", "{ns}");
    }
    // Registrations are not resources: `sim list` leaves them out.
    let listed = run(default.path(), &["sim", "list"]).stdout;
    assert!(!listed.contains(&format!("{PROVIDERS}/")), "{listed}");
}

#[test]
fn the_environment_sets_what_the_block_does_not() {
    let dir = extension_with("");
    let r = run_env(
        dir.path(),
        &["plan"],
        &[("ARM_RESOURCE_PROVIDER_REGISTRATIONS", "none")],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("EXT006"), "{}", r.stderr);
    assert_eq!(state(dir.path(), "Microsoft.OperationalInsights"), "NotRegistered");
}

#[test]
fn bad_settings_are_reported_at_the_attribute() {
    let dir = extension_with("  resource_provider_registrations = \"everything\"");
    let r = run(dir.path(), &["plan"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("Invalid provider setting"), "{}", r.stderr);
    assert!(
        common::flat(&r.stderr)
            .contains("resource_provider_registrations must be one of \"none\", \"legacy\", \"core\", \"extended\" or \"all\"; got \"everything\""),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "  on main.tf line 3, in provider \"azurerm\":\n   3:   resource_provider_registrations = \"everything\"\n"
        ),
        "at the attribute's line:\n{}",
        r.stderr
    );
    let dir = extension_with("  skip_provider_registration = true\n  resource_provider_registrations = \"core\"");
    let r = run(dir.path(), &["plan"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("Conflicting provider settings"), "{}", r.stderr);
}

#[test]
fn each_aliased_configuration_registers_in_its_own_subscription() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        &[(
            "main.tf",
            r#"
provider "azurerm" {
  features {}
  resource_provider_registrations = "none"
}
provider "azurerm" {
  alias           = "hub"
  subscription_id = "aaaaaaaa-0000-0000-0000-000000000002"
  features {}
}
resource "azurerm_resource_group" "hub" {
  provider = azurerm.hub
  name     = "rg-hub"
  location = "westeurope"
}
"#,
        )],
    );
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let hub = |ns: &str| {
        let r = run(
            dir.path(),
            &[
                "sim",
                "show",
                &format!("/subscriptions/aaaaaaaa-0000-0000-0000-000000000002/providers/{ns}"),
            ],
        );
        let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        doc["registrationState"].as_str().unwrap().to_string()
    };
    assert_eq!(
        hub("Microsoft.KeyVault"),
        "Registered",
        "the hub's default settings register the legacy set"
    );
    assert_eq!(
        state(dir.path(), "Microsoft.KeyVault"),
        "NotRegistered",
        "the default configuration says none"
    );
}
