//! `data azurerm_role_definition`: a built-in role by name or GUID.

use crate::config::tables::builtin_roles;
use crate::diag::Diagnostic;
use crate::lang::value::Map;
use crate::lang::Value;

pub fn role_definition(config: &Value, subscription: &str) -> Result<Value, Diagnostic> {
    let roles = builtin_roles();
    let wanted_name = config.get("name").and_then(Value::as_str);
    let wanted_id = config.get("role_definition_id").and_then(Value::as_str);
    let found = roles.iter().find(|(n, g)| {
        wanted_name.is_some_and(|w| w.eq_ignore_ascii_case(n) || w.eq_ignore_ascii_case(g))
            || wanted_id.is_some_and(|w| w.eq_ignore_ascii_case(g))
    });
    let Some((name, guid)) = found else {
        let what = wanted_name.or(wanted_id).unwrap_or("");
        return Err(Diagnostic::error("Role definition not found")
            .with_detail(format!("no built-in role is named or identified by {what:?}")));
    };
    let scope = config
        .get("scope")
        .and_then(Value::as_str)
        .map_or_else(|| format!("/subscriptions/{subscription}"), str::to_string);
    let s = |v: &str| Value::string(v);
    Ok(Value::Object(Map::from([
        (
            "id".into(),
            s(&format!(
                "{scope}/providers/Microsoft.Authorization/roleDefinitions/{guid}"
            )),
        ),
        ("name".into(), s(name)),
        ("role_definition_id".into(), s(guid)),
        ("scope".into(), s(&scope)),
        ("description".into(), s(&format!("The built-in role {name}."))),
        ("type".into(), s("BuiltInRole")),
        ("assignable_scopes".into(), Value::list(vec![s("/")])),
    ])))
}
