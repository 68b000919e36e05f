//! azurerm's guard on deleting a resource group that still holds resources
//! (`features { resource_group { prevent_deletion_if_contains_resources } }`,
//! on unless turned off), through the real binary against the simulation:
//! in process, and over HTTP (`sim serve`). Each test is named after the
//! behaviour.

mod common;

use common::{run, run_env, write, Run};
use std::io::BufRead;
use std::path::Path;

const GROUP: &str = r#"
resource "azurerm_resource_group" "rg" {
  name     = "rg-app"
  location = "westeurope"
}
"#;

const VNET: &str = r#"
resource "azurerm_virtual_network" "v" {
  name                = "vnet"
  location            = "westeurope"
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.0.0.0/16"]
}
"#;

/// Forgets the network without destroying it: it stays in the group.
const FORGET_VNET: &str = r#"
removed {
  from = azurerm_virtual_network.v
  lifecycle {
    destroy = false
  }
}
"#;

const VNET_ID: &str =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/vnet";

fn provider(prevent: &str) -> String {
    format!(
        "provider \"azurerm\" {{\n  features {{\n    resource_group {{\n      prevent_deletion_if_contains_resources = {prevent}\n    }}\n  }}\n}}\n"
    )
}

/// The resource ids the simulation in `sim` (a store directory) holds, lower case.
fn stored(sim: &Path) -> Vec<String> {
    let r = run_env(
        Path::new("."),
        &["sim", "list"],
        &[("AKSPLAN_SIM_DIR", sim.to_str().unwrap())],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut ids: Vec<String> = r
        .stdout
        .lines()
        .filter(|id| id.contains("/resourceGroups/"))
        .map(str::to_lowercase)
        .collect();
    ids.sort();
    ids
}

fn listed(r: &Run) -> Vec<&str> {
    r.stdout.lines().collect()
}

fn assert_refused(r: &Run) {
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("azurerm_resource_group.rg: Resource group still contains resources"),
        "{}",
        r.stderr
    );
    // The renderer may wrap a long id (an error without a place in the files).
    let unwrapped: String = r.stderr.split_whitespace().collect();
    assert!(
        unwrapped.contains(VNET_ID),
        "the error names what is left: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains("prevent_deletion_if_contains_resources = false"),
        "the error says how to let the group go: {}",
        r.stderr
    );
}

#[test]
fn a_group_still_holding_a_resource_the_configuration_forgot_is_not_destroyed_until_the_feature_is_off() {
    let dir = tempfile::tempdir().unwrap();
    let sim = dir.path().join(".aksplan/sim");
    write(dir.path(), &[("main.tf", &format!("{GROUP}{VNET}"))]);
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    write(dir.path(), &[("main.tf", &format!("{GROUP}{FORGET_VNET}"))]);
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        listed(&run(dir.path(), &["state", "list"])),
        ["azurerm_resource_group.rg"]
    );

    // Terraform says nothing at plan; the delete itself is refused.
    let r = run(dir.path(), &["destroy", "--auto-approve"]);
    assert_refused(&r);
    assert_eq!(
        listed(&run(dir.path(), &["state", "list"])),
        ["azurerm_resource_group.rg"]
    );
    assert_eq!(stored(&sim).len(), 2, "the group and the network are both still there");

    // Written as true, it is the same.
    write(dir.path(), &[("provider.tf", &provider("true"))]);
    assert_refused(&run(dir.path(), &["destroy", "--auto-approve"]));

    write(dir.path(), &[("provider.tf", &provider("false"))]);
    let r = run(dir.path(), &["destroy", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("1 destroyed"), "{}", r.stdout);
    assert!(listed(&run(dir.path(), &["state", "list"])).is_empty());
    assert!(
        stored(&sim).is_empty(),
        "the group took the network along: {:?}",
        stored(&sim)
    );
}

#[test]
fn a_group_whose_resources_are_destroyed_in_the_same_run_is_destroyed() {
    let dir = tempfile::tempdir().unwrap();
    let subnet = r#"
resource "azurerm_subnet" "s" {
  name                 = "s"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.v.name
  address_prefixes     = ["10.0.1.0/24"]
}
"#;
    write(dir.path(), &[("main.tf", &format!("{GROUP}{VNET}{subnet}"))]);
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    let r = run(dir.path(), &["destroy", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("3 destroyed"), "{}", r.stdout);
    assert!(stored(&dir.path().join(".aksplan/sim")).is_empty());
}

#[test]
fn a_resource_another_configuration_made_in_the_group_keeps_the_group_until_the_feature_is_off() {
    let owner = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let sim = owner.path().join(".aksplan/sim");
    let shared = [("AKSPLAN_SIM_DIR", sim.to_str().unwrap())];
    write(owner.path(), &[("main.tf", GROUP)]);
    assert_eq!(run_env(owner.path(), &["apply", "--auto-approve"], &shared).code, 0);
    // Another configuration, with its own state, puts a network in the group.
    let theirs = VNET.replace("azurerm_resource_group.rg.name", "\"rg-app\"");
    write(other.path(), &[("main.tf", &theirs)]);
    let r = run_env(other.path(), &["apply", "--auto-approve"], &shared);
    assert_eq!(r.code, 0, "{}", r.stderr);

    assert_refused(&run_env(owner.path(), &["destroy", "--auto-approve"], &shared));

    // Taken out of the configuration, the group is deleted alike, under the
    // provider block's setting: here from a variable.
    let variable = "variable \"protect\" {\n  default = true\n}\n";
    write(
        owner.path(),
        &[("main.tf", variable), ("provider.tf", &provider("var.protect"))],
    );
    assert_refused(&run_env(owner.path(), &["apply", "--auto-approve"], &shared));
    let r = run_env(
        owner.path(),
        &["apply", "--auto-approve", "--var", "protect=false"],
        &shared,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("1 destroyed"), "{}", r.stdout);
    assert!(stored(&sim).is_empty(), "{:?}", stored(&sim));
}

#[test]
fn over_http_a_group_still_holding_a_resource_is_refused_and_the_feature_lets_it_go() {
    let served = tempfile::tempdir().unwrap();
    let store = served.path().join("store");
    let mut server = Server(
        std::process::Command::new(assert_cmd::cargo::cargo_bin("aksplan"))
            .current_dir(served.path())
            .env_clear()
            .args(["sim", "serve", "--addr", "127.0.0.1:0", "--quiet", "--data"])
            .arg(&store)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut out = std::io::BufReader::new(server.0.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let aksplan = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--cloud", &url]);
        run_env(dir.path(), &all, &[("ARM_ACCESS_TOKEN", "t")])
    };
    write(dir.path(), &[("main.tf", &format!("{GROUP}{VNET}"))]);
    let r = aksplan(&["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    write(dir.path(), &[("main.tf", &format!("{GROUP}{FORGET_VNET}"))]);
    assert_eq!(aksplan(&["apply", "--auto-approve"]).code, 0);

    assert_refused(&aksplan(&["destroy", "--auto-approve"]));
    assert_eq!(stored(&store).len(), 2);

    write(dir.path(), &[("provider.tf", &provider("false"))]);
    let r = aksplan(&["destroy", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(stored(&store).is_empty(), "{:?}", stored(&store));
}

/// A running `aksplan sim serve`, stopped when dropped (a failed assertion too).
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
