//! Role assignment rules (RBAC).

use super::{finding, Context};
use crate::config::tables::builtin_roles;
use crate::diag::{Diagnostics, Severity::*};

pub fn check(cx: &Context, out: &mut Diagnostics) {
    for ra in cx.of_type("azurerm_role_assignment") {
        let Some(name) = ra.str(&["role_definition_name"]) else {
            continue;
        };
        if !ra.writes(&["role_definition_name"]) || builtin_roles().keys().any(|r| r.eq_ignore_ascii_case(name)) {
            continue;
        }
        let mut d = finding(
            "RBAC001",
            Error,
            "Unknown role",
            format!("{name:?} is not a built-in Azure role, and the configuration defines no custom role of that name"),
            ra.span(&["role_definition_name"]),
        );
        if let Some(s) = crate::lang::eval::suggest(name, builtin_roles().keys().map(String::as_str)) {
            d = d.with_help(format!("did you mean {s:?}?"));
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
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
}
