//! `data azurerm_key_vault_access_policy`: azurerm's templates of access
//! policy permissions ("Key Management", "Secret & Certificate
//! Management", ...), computed without calling Azure. The name says which
//! of keys, secrets and certificates the template manages.

use super::key_vault_policies::management;
use crate::lang::value::Map;
use crate::lang::Value;

/// The template a name asks for; unknown until the name is known.
pub fn template(config: &Value) -> Value {
    let Some(name) = config.get("name").and_then(|n| n.inner().as_str()) else {
        return Value::unknown();
    };
    let list = |word: &str, kind: &str| {
        let names = if name.contains(word) {
            management(kind)
        } else {
            Vec::new()
        };
        Value::List(
            crate::lang::types::Type::String,
            names.into_iter().map(Value::string).collect(),
        )
    };
    Value::Object(Map::from([
        ("id".to_string(), Value::string(name)),
        ("name".to_string(), Value::string(name)),
        ("key_permissions".to_string(), list("Key", "keys")),
        ("secret_permissions".to_string(), list("Secret", "secrets")),
        (
            "certificate_permissions".to_string(),
            list("Certificate", "certificates"),
        ),
        (
            "timeouts".to_string(),
            config.get("timeouts").cloned().unwrap_or_default(),
        ),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::eval::eval_standalone;

    #[test]
    fn a_template_manages_what_its_name_says() {
        let v = template(&eval_standalone(r#"{ name = "Key & Secret Management" }"#).unwrap());
        let n = |k: &str| v.get(k).and_then(Value::as_seq).map(<[Value]>::len);
        assert_eq!(
            (
                n("key_permissions"),
                n("secret_permissions"),
                n("certificate_permissions")
            ),
            (Some(12), Some(7), Some(0))
        );
        assert_eq!(
            v.get("key_permissions").unwrap().as_seq().unwrap().last(),
            Some(&Value::string("SetRotationPolicy"))
        );
        assert_eq!(v.get("id"), Some(&Value::string("Key & Secret Management")));
        assert!(!template(&eval_standalone("{ name = null }").unwrap()).is_known());
    }
}
