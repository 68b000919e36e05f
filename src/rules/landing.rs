//! Rules for what surrounds a cluster in a landing zone (PRIV, DIAG, FLUX).
//!
//! From the AKS documentation on private clusters: a custom private DNS zone
//! must be named `privatelink.<region>.azmk8s.io` (or a subzone of it) for
//! the cluster's region, needs a user-assigned cluster identity, and that
//! identity needs Private DNS Zone Contributor on the zone. From Azure
//! Monitor: a resource takes at most five diagnostic settings. From the
//! GitOps documentation: a Flux configuration needs the `microsoft.flux`
//! extension on its cluster.

use super::{finding, Context, Subject};
use crate::diag::{Diagnostics, Severity::*};
use crate::provider::arm;

const CLUSTER: &str = "azurerm_kubernetes_cluster";
const ZONE: [&str; 1] = ["private_dns_zone_id"];
const DNS_ROLES: [&str; 3] = ["Private DNS Zone Contributor", "Contributor", "Owner"];

pub fn check(cx: &Context, out: &mut Diagnostics) {
    for c in cx.of_type(CLUSTER) {
        if let Some(zone) = c.str(&ZONE).filter(|z| z.starts_with('/')) {
            priv001(c, zone, out);
            priv002_003(cx, c, zone, out);
        }
    }
    diag001(cx, out);
    flux001(cx, out);
}

/// PRIV001: the zone's name does not fit the cluster's region.
fn priv001(c: &Subject, zone: &str, out: &mut Diagnostics) {
    let Some(location) = c.str(&["location"]) else { return };
    let region = arm::normalize_location(location);
    let name = arm::name_of(zone).to_lowercase();
    let wanted = format!("privatelink.{region}.azmk8s.io");
    if name == wanted || name.ends_with(&format!(".{wanted}")) {
        return;
    }
    out.push(
        finding(
            "PRIV001",
            Error,
            "The private DNS zone does not fit the cluster's region",
            format!("a private cluster in {region} needs a zone named {wanted} (or a subzone of it), not {name}"),
            c.span(&ZONE),
        )
        .with_help(format!(
            "name the zone {wanted}, or set private_dns_zone_id = \"System\""
        )),
    );
}

/// PRIV002: a custom zone with a system-assigned identity; PRIV003: the
/// identity holds no role on the zone.
fn priv002_003(cx: &Context, c: &Subject, zone: &str, out: &mut Diagnostics) {
    let kind = c.str(&["identity", "type"]).unwrap_or("");
    if !kind.contains("UserAssigned") {
        out.push(
            finding(
                "PRIV002",
                Error,
                "A custom private DNS zone needs a user-assigned identity",
                "AKS writes the API server's record into the zone with the cluster identity, which must hold a role \
                 on the zone when the cluster is created; a system-assigned identity does not exist until then"
                    .into(),
                c.span(&["identity", "type"]),
            )
            .with_opt_label(c.span(&ZONE), "the custom zone")
            .with_help("use a user-assigned identity and grant it Private DNS Zone Contributor on the zone"),
        );
        return;
    }
    // Only a zone this configuration manages can be checked for its grants.
    if cx.by_id(zone).is_none() {
        return;
    }
    let Some(identity) = cx.cluster_identity(c) else {
        return;
    };
    if cx
        .of_type("azurerm_role_assignment")
        .any(|ra| super::rbac::grants(ra, zone, identity, &DNS_ROLES))
    {
        return;
    }
    out.push(
        finding(
            "PRIV003",
            Warning,
            "The cluster identity has no role on its private DNS zone",
            format!(
                "{} needs Private DNS Zone Contributor on {}, and no role assignment in the configuration grants it; \
                 creating the cluster fails unless it is granted outside",
                identity.addr,
                arm::name_of(zone)
            ),
            c.span(&ZONE),
        )
        .with_help(format!(
            "add: resource \"azurerm_role_assignment\" \"...\" {{ scope = <the zone>.id, role_definition_name = \"Private DNS Zone Contributor\", principal_id = {}.principal_id }}",
            identity.addr
        )),
    );
}

/// DIAG001: more than five diagnostic settings on one resource.
fn diag001(cx: &Context, out: &mut Diagnostics) {
    let mut by_target: std::collections::BTreeMap<String, Vec<&Subject>> = Default::default();
    for d in cx.of_type("azurerm_monitor_diagnostic_setting") {
        if let Some(t) = d.str(&["target_resource_id"]) {
            by_target.entry(t.to_lowercase()).or_default().push(d);
        }
    }
    for settings in by_target.values().filter(|s| s.len() > 5) {
        let names: Vec<String> = settings.iter().map(|s| s.addr.to_string()).collect();
        out.push(
            finding(
                "DIAG001",
                Error,
                "More than five diagnostic settings on one resource",
                format!(
                    "Azure allows five diagnostic settings per resource; {} target the same one",
                    names.join(", ")
                ),
                settings[5].span(&["target_resource_id"]),
            )
            .with_help("send several log categories through one setting"),
        );
    }
}

/// FLUX001: a Flux configuration on a cluster without the Flux extension.
fn flux001(cx: &Context, out: &mut Diagnostics) {
    for f in cx.of_type("azurerm_kubernetes_flux_configuration") {
        let Some(cluster) = f.str(&["cluster_id"]) else {
            continue;
        };
        // Only a cluster this configuration manages is known to lack it.
        if cx.by_id(cluster).is_none() {
            continue;
        }
        let has_flux = cx.of_type("azurerm_kubernetes_cluster_extension").any(|e| {
            e.str(&["cluster_id"]).is_some_and(|c| arm::ids_equal(c, cluster))
                && e.str(&["extension_type"])
                    .is_some_and(|t| t.eq_ignore_ascii_case("microsoft.flux"))
        });
        if has_flux {
            continue;
        }
        out.push(
            finding(
                "FLUX001",
                Warning,
                "A Flux configuration needs the Flux extension on its cluster",
                format!(
                    "{} configures Flux on {}, but no microsoft.flux extension is declared there; Azure refuses the \
                     configuration unless the extension was installed outside",
                    f.addr,
                    arm::name_of(cluster)
                ),
                f.span(&["cluster_id"]),
            )
            .with_help(
                "add resource \"azurerm_kubernetes_cluster_extension\" with extension_type = \"microsoft.flux\" on the cluster, and depends_on it",
            ),
        );
    }
}
