//! Role assignment rules (RBAC): a role named by `role_definition_name`
//! must be one of Azure's built-in roles (schemas/tables/builtin_roles.json,
//! every one of them), compared without case as Azure does, or a custom
//! role the configuration defines; for a typo, the nearest built-in role is
//! suggested.

use super::{finding, Context, Subject};
use crate::config::tables::{builtin_role, builtin_roles};
use crate::diag::{Diagnostics, Severity::*};
use crate::lang::refs::{references, Reference};
use hcl_edit::structure::Structure;
use std::sync::OnceLock;

pub fn check(cx: &Context, out: &mut Diagnostics) {
    for ra in cx.of_type("azurerm_role_assignment") {
        let Some(name) = ra.str(&["role_definition_name"]) else {
            continue;
        };
        if !ra.writes(&["role_definition_name"]) || builtin_role(name).is_some() {
            continue;
        }
        let mut d = finding(
            "RBAC001",
            Error,
            "Unknown role",
            format!("{name:?} is not a built-in Azure role, and the configuration defines no custom role of that name"),
            ra.span(&["role_definition_name"]),
        );
        if let Some(s) = nearest_role(name) {
            d = d.with_help(format!("did you mean {s:?}?"));
        }
        out.push(d);
    }
}

/// Lowercase, with runs of white space as one space: what a typo of a role
/// name is measured on.
fn folded(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The built-in role nearest to a misspelt name: fewest edits (an adjacent
/// transposition is one), case and spacing aside, and no more than a quarter
/// of the role's name (at least 2); among equals, the first by name.
fn nearest_role(name: &str) -> Option<&'static str> {
    static FOLDED: OnceLock<Vec<(String, usize, &'static str)>> = OnceLock::new();
    let roles = FOLDED.get_or_init(|| {
        builtin_roles()
            .keys()
            .map(|r| {
                let f = folded(r);
                let len = f.chars().count();
                (f, len, r.as_str())
            })
            .collect()
    });
    let typed = folded(name);
    let typed_len = typed.chars().count();
    roles
        .iter()
        .filter_map(|(f, len, role)| {
            let limit = (len / 4).max(2);
            // Each edit changes the length by one at most.
            if typed_len.abs_diff(*len) > limit {
                return None;
            }
            let d = strsim::osa_distance(&typed, f);
            (d <= limit).then_some((d, *role))
        })
        .min()
        .map(|(_, role)| role)
}

/// Whether a role assignment grants `principal` one of `roles` on `target`
/// (or on a scope above it), by role name or built-in role id.
pub fn grants(ra: &Subject, target: &str, principal: &Subject, roles: &[&str]) -> bool {
    let Some(scope) = ra.str(&["scope"]) else { return false };
    let scope = scope.trim_end_matches('/').to_lowercase();
    let target = target.to_lowercase();
    if target != scope && !target.starts_with(&format!("{scope}/")) {
        return false;
    }
    let by_name = ra
        .str(&["role_definition_name"])
        .is_some_and(|n| roles.iter().any(|r| r.eq_ignore_ascii_case(n)));
    let by_id = ra.str(&["role_definition_id"]).is_some_and(|id| {
        let guid = id.rsplit('/').next().unwrap_or("");
        roles.iter().any(|r| {
            crate::config::tables::builtin_roles()
                .get(*r)
                .is_some_and(|g| g.eq_ignore_ascii_case(guid))
        })
    });
    if !(by_name || by_id) {
        return false;
    }
    match (ra.str(&["principal_id"]), principal.str(&["principal_id"])) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        // Known only after apply: the configuration says whose it is.
        _ => principal_expr_refers_to(ra, principal),
    }
}

fn principal_expr_refers_to(ra: &Subject, identity: &Subject) -> bool {
    let Some(r) = ra.resource else { return false };
    r.body.iter().any(|s| match s {
        Structure::Attribute(a) if a.key.as_str() == "principal_id" => references(&a.value)
            .iter()
            .any(|r| r.reference == Reference::Resource(identity.addr.resource.clone())),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::findings;

    fn ra(role: &str) -> String {
        format!(
            "resource \"azurerm_role_assignment\" \"r\" {{\n  scope = \"/subscriptions/s\"\n  role_definition_name = \"{role}\"\n  principal_id = \"p\"\n}}\n"
        )
    }

    #[test]
    fn rbac001_unknown_role_name() {
        assert_eq!(
            findings(&ra("Network Contributer")),
            vec![("RBAC001".into(), "\"Network Contributer\"".into())]
        );
        assert!(findings(&ra("Network Contributor")).is_empty());
        assert!(findings(&ra("network contributor")).is_empty());
    }

    #[test]
    fn rbac001_accepts_every_built_in_role_in_any_case() {
        let roles = builtin_roles();
        assert_eq!(roles.len(), 928);
        // One configuration with every role, as written and in upper case.
        let mut src = String::new();
        for (i, role) in roles.keys().enumerate() {
            src.push_str(&ra(role).replace("\"r\"", &format!("\"r{i}\"")));
            src.push_str(&ra(&role.to_uppercase()).replace("\"r\"", &format!("\"u{i}\"")));
        }
        assert_eq!(findings(&src), Vec::<(String, String)>::new());
        for role in [
            "Key Vault Administrator",
            "Storage Account Contributor",
            "Monitoring Reader",
            "Grafana Admin",
            "Azure Kubernetes Service RBAC Cluster Admin",
        ] {
            assert!(roles.contains_key(role), "{role}");
        }
    }

    #[test]
    fn rbac001_suggests_the_nearest_role() {
        for (typo, meant) in [
            ("Key Vault Administrater", "Key Vault Administrator"),
            ("Storage Acount Contributor", "Storage Account Contributor"),
            ("monitoring  reder", "Monitoring Reader"),
            ("Grafana Amdin", "Grafana Admin"),
            ("storage blob data contibutor", "Storage Blob Data Contributor"),
            ("AcrPul", "AcrPull"),
        ] {
            assert_eq!(nearest_role(typo), Some(meant), "{typo}");
        }
        assert_eq!(nearest_role("Chief Everything Officer"), None);
    }

    /// Every role, with two neighbouring letters swapped in the middle and
    /// in lower case, is suggested back.
    #[test]
    fn rbac001_a_typo_of_any_role_suggests_that_role() {
        let mut wrong = Vec::new();
        for role in builtin_roles().keys() {
            let mut chars: Vec<char> = role.to_lowercase().chars().collect();
            let i = chars.len() / 2;
            if chars[i - 1] == chars[i] {
                continue;
            }
            chars.swap(i - 1, i);
            let typo: String = chars.into_iter().collect();
            let got = nearest_role(&typo);
            if got != Some(role.as_str()) {
                wrong.push((typo, got));
            }
        }
        assert_eq!(wrong, Vec::new());
    }
}
