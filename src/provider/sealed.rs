//! Write-only values (an extension's protected settings, a password) as
//! state keeps them: a salted SHA-256 per value, never the value. Azure never
//! returns them, so the seal is how a later plan knows whether they changed.
//! What is sent to Azure always comes from the configuration.

use crate::lang::value::Map;
use crate::lang::Value;
use crate::schema::BlockSchema;
use sha2::Digest;

const PREFIX: &str = "$aksplan-sealed$";

fn digest(salt: &str, secret: &str) -> String {
    let d = sha2::Sha256::digest(format!("{salt}{secret}").as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

fn seal_str(secret: &str) -> String {
    let salt: String = uuid::Uuid::new_v4().simple().to_string()[..16].to_string();
    format!("{PREFIX}{salt}${}", digest(&salt, secret))
}

fn opens(sealed: &str, secret: &str) -> bool {
    let Some(rest) = sealed.strip_prefix(PREFIX) else {
        return false;
    };
    let Some((salt, hash)) = rest.split_once('$') else {
        return false;
    };
    digest(salt, secret) == hash
}

fn seal_value(v: Value) -> Value {
    let (v, marked) = v.unmark_shallow();
    let sealed = match v {
        Value::String(s) if s.starts_with(PREFIX) => Value::String(s),
        Value::String(s) => Value::String(seal_str(&s)),
        Value::Map(t, m) => Value::Map(t, m.into_iter().map(|(k, v)| (k, seal_value(v))).collect::<Map>()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, seal_value(v))).collect::<Map>()),
        other => other,
    };
    sealed.mark_if(marked)
}

/// Whether a value is (or holds) seals.
pub fn is_sealed(v: &Value) -> bool {
    match v.inner() {
        Value::String(s) => s.starts_with(PREFIX),
        v => v.as_map().is_some_and(|m| !m.is_empty() && m.values().all(is_sealed)),
    }
}

/// Whether `config` holds exactly the secrets `sealed` was made from.
pub fn matches(config: &Value, sealed: &Value) -> bool {
    match (config.inner(), sealed.inner()) {
        (Value::String(c), Value::String(s)) => opens(s, c),
        (c, s) => match (c.as_map(), s.as_map()) {
            (Some(c), Some(s)) => {
                c.len() == s.len() && c.iter().all(|(k, v)| s.get(k).is_some_and(|sv| matches(v, sv)))
            }
            _ => false,
        },
    }
}

/// Replaces the block's write-only attributes by seals, for state.
pub fn seal(block: &BlockSchema, value: Value) -> Value {
    let mut value = value;
    let Some(m) = value.as_map_mut() else {
        return value;
    };
    for (name, attr) in &block.attributes {
        if attr.write_only {
            if let Some(v) = m.remove(name) {
                m.insert(name.clone(), seal_value(v));
            }
        }
    }
    for (name, nested) in &block.block_types {
        if let Some(items) = m.get_mut(name).and_then(Value::as_seq_mut) {
            for item in items.iter_mut() {
                *item = seal(&nested.block, std::mem::take(item));
            }
        }
    }
    value
}

/// The value to send to Azure: the planned value with write-only attributes
/// taken from the configuration (a plan may hold their seals).
pub fn with_secrets_from(block: &BlockSchema, planned: Value, config: &Value) -> Value {
    let mut planned = planned;
    let Some(m) = planned.as_map_mut() else { return planned };
    for (name, attr) in &block.attributes {
        if attr.write_only {
            if let Some(v) = config.get(name) {
                m.insert(name.clone(), v.clone());
            }
        }
    }
    for (name, nested) in &block.block_types {
        let from: &[Value] = config.get(name).and_then(Value::as_seq).unwrap_or(&[]);
        if let Some(Value::List(_, items)) = m.get_mut(name) {
            for (i, item) in items.iter_mut().enumerate() {
                if let Some(c) = from.get(i) {
                    *item = with_secrets_from(&nested.block, std::mem::take(item), c);
                }
            }
        }
    }
    planned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_hide_the_secret_and_recognise_it() {
        let secret = Value::Object(Map::from([("key".into(), Value::string("hunter2"))]));
        let sealed = seal_value(secret.clone());
        let text = format!("{:?}", sealed);
        assert!(!text.contains("hunter2"), "{text}");
        assert!(is_sealed(&sealed));
        assert!(matches(&secret, &sealed));
        let other = Value::Object(Map::from([("key".into(), Value::string("hunter3"))]));
        assert!(!matches(&other, &sealed));
        // Two seals of one secret differ (salted), and both open with it.
        let again = seal_value(secret.clone());
        assert_ne!(again, sealed);
        assert!(matches(&secret, &again));
        // Sealing twice keeps the seal.
        assert_eq!(seal_value(sealed.clone()), sealed);
    }
}
