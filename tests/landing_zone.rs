//! `examples/aks-landing-zone` through the real binary: a hub and a spoke in
//! two subscriptions applies, plans clean, shows drift for a change made
//! behind its back, and destroys. (`tests/serve.rs` runs it over HTTP.)

mod common;

use common::{example, run};

const SPOKE: &str = "/subscriptions/22222222-0000-0000-0000-000000000002/resourceGroups/rg-spoke";
const HUB: &str = "/subscriptions/11111111-0000-0000-0000-000000000001/resourceGroups/rg-hub";

#[test]
fn the_landing_zone_applies_plans_clean_sees_drift_and_destroys() {
    let dir = example("aks-landing-zone");
    let d = dir.path();
    let apply = run(d, &["apply", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{}\n{}", apply.stdout, apply.stderr);
    assert!(apply.stdout.contains("Apply complete!"), "{}", apply.stdout);

    let plan = run(d, &["plan", "--detailed-exitcode"]);
    assert_eq!(
        plan.code, 0,
        "a plan right after apply changes nothing:\n{}",
        plan.stdout
    );
    // What later changes did to earlier objects (a network's subnets, a
    // route table's associated subnet, a zone's records) is recorded by the
    // apply itself: nothing has drifted.
    let quiet = run(d, &["drift"]);
    assert_eq!(quiet.code, 0, "no drift after apply:\n{}", quiet.stdout);

    // Resources landed in the subscription of their provider configuration.
    let list = run(d, &["sim", "list"]).stdout.to_lowercase();
    for id in [
        format!("{HUB}/providers/Microsoft.Network/privateDnsZones/privatelink.westeurope.azmk8s.io"),
        format!("{HUB}/providers/Microsoft.Network/virtualNetworks/vnet-hub/virtualNetworkPeerings/hub-to-spoke"),
        format!("{SPOKE}/providers/Microsoft.Network/networkSecurityGroups/nsg-nodes"),
    ] {
        assert!(list.contains(&id.to_lowercase()), "{id} not in:\n{list}");
    }

    // Someone opens the NSG in the portal.
    let nsg = format!("{SPOKE}/providers/Microsoft.Network/networkSecurityGroups/nsg-nodes");
    let patched = run(d, &["sim", "patch", &nsg, r#"{"tags": {"owner": "portal"}}"#]);
    assert_eq!(patched.code, 0, "{}", patched.stderr);
    let drift = run(d, &["drift"]);
    assert_eq!(drift.code, 2, "{}", drift.stdout);
    assert!(
        drift.stdout.contains("azurerm_network_security_group.nodes"),
        "{}",
        drift.stdout
    );
    assert!(drift.stdout.contains("owner"), "{}", drift.stdout);

    let destroy = run(d, &["destroy", "--auto-approve"]);
    assert_eq!(destroy.code, 0, "{}\n{}", destroy.stdout, destroy.stderr);
    assert_eq!(run(d, &["state", "list"]).stdout.trim(), "", "state is empty");
}
