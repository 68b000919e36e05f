//! `count` and `for_each`: which instances a resource block has.

use crate::addrs::InstanceKey;
use crate::config::Expr;
use crate::diag::Diagnostic;
use crate::lang::eval::describe;
use crate::lang::Value;

/// Instances of one resource (or module call) that `count` or `for_each`
/// may make: planning more takes minutes and makes a plan no one reads.
pub const MAX_INSTANCES: u64 = 100_000;

/// One instance's key and the values `count.index` or `each.*` take in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Repetition {
    pub key: InstanceKey,
    /// `each.value` for for_each instances.
    pub each_value: Option<Value>,
    /// Stands for instances not known yet (while validating): `count.index`
    /// and `each.*` are unknown in it.
    pub unknown: bool,
}

impl Repetition {
    /// The one instance of a block without count or for_each.
    pub fn single() -> Repetition {
        Repetition {
            key: InstanceKey::None,
            each_value: None,
            unknown: false,
        }
    }

    /// An instance standing for instances not known yet.
    pub fn unknown() -> Repetition {
        Repetition {
            key: InstanceKey::None,
            each_value: None,
            unknown: true,
        }
    }
}

/// The instances for a `count` value.
pub fn from_count(value: &Value, expr: &Expr) -> Result<Vec<Repetition>, Diagnostic> {
    let invalid = |detail: String| {
        Diagnostic::error("Invalid count argument")
            .with_detail(detail)
            .with_span(expr.span())
    };
    if value.has_sensitive() {
        return Err(invalid(
            "count cannot be a sensitive value: it would reveal it in instance addresses".into(),
        ));
    }
    let n = match value.inner() {
        Value::Unknown(_) => {
            return Err(invalid(
                "count depends on values known only after apply, so aksplan cannot tell how many instances to plan"
                    .into(),
            )
            .with_help("base count on variables, locals or data known at plan time"))
        }
        Value::Null(_) => return Err(invalid("count must be a whole number, not null".into())),
        Value::Number(n) => n.clone(),
        Value::String(s) => crate::lang::number::Number::parse(s)
            .ok_or_else(|| invalid(format!("count must be a whole number, not {s:?}")))?,
        other => {
            return Err(invalid(format!(
                "count must be a whole number, not {}",
                describe(other)
            )))
        }
    };
    let Some(n) = n.to_u64().filter(|_| n.is_integer()) else {
        return Err(invalid(format!("count must be a whole number of at least 0, not {n}")));
    };
    if n > MAX_INSTANCES {
        return Err(invalid(format!(
            "count is {n}; aksplan plans at most {MAX_INSTANCES} instances of one resource"
        )));
    }
    Ok((0..n)
        .map(|i| Repetition {
            key: InstanceKey::Int(i),
            each_value: None,
            unknown: false,
        })
        .collect())
}

/// The instances for a `for_each` value: a map, or a set of strings.
pub fn from_for_each(value: &Value, expr: &Expr) -> Result<Vec<Repetition>, Diagnostic> {
    let invalid = |detail: String| {
        Diagnostic::error("Invalid for_each argument")
            .with_detail(detail)
            .with_span(expr.span())
    };
    let unknown_keys = || {
        invalid(
            "for_each's keys depend on values known only after apply, so aksplan cannot tell which instances to plan"
                .into(),
        )
        .with_help(
            "use keys known at plan time (names from variables, say), with values that may be known only after apply",
        )
    };
    if matches!(value, Value::Sensitive(_)) {
        return Err(invalid(
            "for_each cannot be a sensitive value: its keys would be shown in instance addresses".into(),
        )
        .with_help("use nonsensitive() on a value whose keys are not secret"));
    }
    let keys = match value {
        Value::Map(_, m) | Value::Object(m) => m.len(),
        Value::Set(_, items) => items.len(),
        _ => 0,
    };
    if keys as u64 > MAX_INSTANCES {
        return Err(invalid(format!(
            "for_each has {keys} elements; aksplan plans at most {MAX_INSTANCES} instances of one resource"
        )));
    }
    match value {
        Value::Unknown(_) => Err(unknown_keys()),
        Value::Null(_) => Err(invalid("for_each cannot be null; use {} or [] for no instances".into())),
        Value::Map(_, m) | Value::Object(m) => Ok(m
            .iter()
            .map(|(k, v)| Repetition {
                key: InstanceKey::Str(k.clone()),
                each_value: Some(v.clone()),
                unknown: false,
            })
            .collect()),
        Value::Set(_, items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) => out.push(Repetition {
                        key: InstanceKey::Str(s.clone()),
                        each_value: Some(item.clone()),
                        unknown: false,
                    }),
                    Value::Unknown(_) => return Err(unknown_keys()),
                    Value::Sensitive(_) => return Err(invalid("for_each's set contains sensitive values".into())),
                    other => {
                        return Err(invalid(format!(
                            "for_each over a set needs strings, but it contains {}",
                            describe(other)
                        )))
                    }
                }
            }
            Ok(out)
        }
        Value::List(..) | Value::Tuple(_) => {
            Err(invalid("for_each takes a map or a set of strings, not a list".into())
                .with_help("convert the list with toset(...)"))
        }
        other => Err(invalid(format!(
            "for_each takes a map or a set of strings, not {}",
            describe(other)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr() -> Expr {
        Expr {
            file: 0,
            expr: hcl_edit::expr::Expression::null(),
        }
    }

    #[test]
    fn count_gives_indexes() {
        let r = from_count(&Value::from(2.0), &expr()).unwrap();
        assert_eq!(
            r.iter().map(|r| r.key.clone()).collect::<Vec<_>>(),
            vec![InstanceKey::Int(0), InstanceKey::Int(1)]
        );
        assert!(from_count(&Value::unknown(), &expr())
            .unwrap_err()
            .detail
            .contains("known only after apply"));
        assert!(from_count(&Value::from(-1.0), &expr()).is_err());
        assert!(from_count(&Value::from(1.5), &expr()).is_err());
    }

    #[test]
    fn for_each_takes_maps_and_sets_of_strings() {
        let m = Value::Object([("b".to_string(), Value::from(1.0))].into());
        assert_eq!(from_for_each(&m, &expr()).unwrap()[0].key, InstanceKey::Str("b".into()));
        let s = Value::set(vec![Value::string("x")]);
        assert_eq!(
            from_for_each(&s, &expr()).unwrap()[0].each_value,
            Some(Value::string("x"))
        );
        let list = Value::list(vec![Value::string("x")]);
        assert_eq!(
            from_for_each(&list, &expr()).unwrap_err().help.as_deref(),
            Some("convert the list with toset(...)")
        );
        let unknown_keys = Value::set(vec![Value::unknown()]);
        assert!(from_for_each(&unknown_keys, &expr()).is_err());
        // Unknown values under known keys are fine.
        let m = Value::Object([("a".to_string(), Value::unknown())].into());
        assert!(from_for_each(&m, &expr()).is_ok());
        assert!(from_for_each(&Value::unknown(), &expr()).is_err());
        assert!(from_for_each(&Value::string("x").mark(), &expr()).is_err());
    }

    #[test]
    fn for_each_is_capped_as_count_is() {
        let keys = |n: u64| Value::set((0..n).map(|i| Value::string(i.to_string())).collect());
        assert_eq!(from_for_each(&keys(MAX_INSTANCES), &expr()).unwrap().len(), 100_000);
        let e = from_for_each(&keys(MAX_INSTANCES + 1), &expr()).unwrap_err();
        assert_eq!(e.summary, "Invalid for_each argument");
        assert_eq!(
            e.detail,
            "for_each has 100001 elements; aksplan plans at most 100000 instances of one resource"
        );
        let e = from_count(&Value::int(100_001), &expr()).unwrap_err();
        assert_eq!(
            e.detail,
            "count is 100001; aksplan plans at most 100000 instances of one resource"
        );
    }
}
