//! What the providers that need no cloud share (`random`, `time`, `null`):
//! planning over the shared schema-driven planning with their schema
//! defaults filled in, maps whose replacement ignores null values (random's
//! `keepers`, null's `triggers`), reading arguments out of a value, and
//! settling a value as state keeps it.
//!
//! It knows no type name and makes no value of its own: each provider
//! decides what its types compute.

use super::planning;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::value::Map;
use crate::lang::Value;
use crate::schema::{BlockSchema, Schema};

/// The configuration with what it leaves null set to the schema's defaults
/// (the framework's `Default`), as the planner fills them; done again here
/// so that the provider plans the same whoever calls it.
pub fn with_defaults(block: &BlockSchema, config: &Value) -> Value {
    let mut out = config.clone();
    if let Some(m) = out.as_map_mut() {
        for (name, attr) in &block.attributes {
            let Some(default) = &attr.default else { continue };
            let unset = m.get(name).is_none_or(Value::is_null);
            if unset {
                m.insert(name.clone(), default.clone());
            }
        }
    }
    out
}

/// Plans one instance: defaults filled, the shared planning, maps named in
/// `lenient_maps` that changed only by null values taken back from the
/// replacements, then `adjust` (which may add replacements of its own). A
/// replaced instance is planned from its configuration as new, so that
/// optional and computed attributes the configuration leaves out are
/// unknown again, as Terraform plans a replacement.
pub fn plan(
    schema: &Schema,
    prior: Option<&Value>,
    config: &Value,
    lenient_maps: &[&str],
    adjust: impl FnOnce(&Value, &mut Vec<String>),
) -> (Value, Vec<String>) {
    let config = with_defaults(&schema.block, config);
    let (planned, replace) = planning::plan(&schema.block, prior, &config, |planned, replace| {
        replace.retain(|path| {
            !lenient_maps.contains(&path.as_str())
                || map_needs_replace(prior.and_then(|p| p.get(path)), config.get(path))
        });
        adjust(planned, replace);
    });
    let planned = if replace.is_empty() {
        planned
    } else {
        planning::plan(&schema.block, None, &config, |_, _| ()).0
    };
    (mark(&schema.block, planned), replace)
}

/// Whether a map that replaces its instance when it changes (`keepers`,
/// `triggers`) changed by more than null values. Maps in older states left
/// out keys whose value was null: a key null in the configuration and
/// absent from state, or a null map where the configuration holds only
/// null values, is no change.
pub fn map_needs_replace(prior: Option<&Value>, config: Option<&Value>) -> bool {
    let null = Value::null();
    let (prior, config) = (prior.unwrap_or(&null), config.unwrap_or(&null));
    if !config.is_wholly_known() {
        return true;
    }
    if prior.same_as(config) {
        return false;
    }
    let empty = Map::new();
    let config_entries = config.as_map().unwrap_or(&empty);
    if prior.is_null() {
        return config_entries.values().any(|v| !v.is_null());
    }
    let prior_entries = prior.as_map().unwrap_or(&empty);
    let new_or_changed = config_entries.iter().any(|(k, v)| match prior_entries.get(k) {
        Some(p) => !p.same_as(v),
        None => !v.is_null(),
    });
    let removed = prior_entries.keys().any(|k| !config_entries.contains_key(k));
    new_or_changed || removed
}

/// A value as state keeps it: the schema's types, absent attributes typed
/// nulls, and sensitive attributes marked.
pub fn settle(block: &BlockSchema, value: Value) -> Value {
    super::shape::settle(block, value)
}

/// Marks the attributes the schema calls sensitive (a planned result that
/// is unknown is as secret as its value will be).
pub fn mark(block: &BlockSchema, value: Value) -> Value {
    super::shape::mark_sensitive(block, value)
}

/// A known string argument; `None` when null, unknown or not a string.
pub fn string<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name).and_then(Value::as_str)
}

/// A known whole-number argument.
pub fn int(v: &Value, name: &str) -> Option<i64> {
    v.get(name).and_then(Value::as_i64)
}

/// A known bool argument.
pub fn bool(v: &Value, name: &str) -> Option<bool> {
    v.get(name).and_then(Value::as_bool)
}

/// Whether an argument is set to a known value (neither null nor unknown).
pub fn is_set(v: &Value, name: &str) -> bool {
    v.get(name).is_some_and(|a| a.is_known() && !a.is_null())
}

/// Sets an attribute of an object value.
pub fn set(v: &mut Value, name: &str, to: Value) {
    if let Some(m) = v.as_map_mut() {
        m.insert(name.to_string(), to);
    }
}

/// An error about one argument of a type.
pub fn invalid(type_name: &str, attr: &str, detail: impl Into<String>) -> Diagnostic {
    Diagnostic::error(format!("Invalid value for {attr} in {type_name}")).with_detail(detail)
}

/// A whole-number argument that must be at least `min`, when known.
pub fn at_least(diags: &mut Diagnostics, type_name: &str, config: &Value, attr: &str, min: i64) {
    let Some(v) = config.get(attr).filter(|v| v.is_known() && !v.is_null()) else {
        return;
    };
    match v.as_i64() {
        Some(n) if n >= min => {}
        Some(n) => diags.push(invalid(
            type_name,
            attr,
            format!("{attr} must be at least {min}, got {n}"),
        )),
        None => diags.push(invalid(
            type_name,
            attr,
            format!("{attr} must be a whole number, got {v}"),
        )),
    }
}

/// At least one of `attrs` must be set, when the configuration is known
/// enough to tell.
pub fn at_least_one_of(diags: &mut Diagnostics, type_name: &str, config: &Value, attrs: &[&str]) {
    let unknown = attrs.iter().any(|a| config.get(a).is_some_and(|v| !v.is_known()));
    if unknown || attrs.iter().any(|a| is_set(config, a)) {
        return;
    }
    let names = attrs.join(", ");
    diags.push(
        Diagnostic::error(format!("Missing argument in {type_name}"))
            .with_detail(format!("at least one of {names} must be set")),
    );
}

/// One error, as diagnostics.
pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostics {
    Diagnostic::error(summary).with_detail(detail).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, Option<&str>)]) -> Value {
        let m = entries
            .iter()
            .map(|(k, v)| {
                let v = v.map_or(Value::Null(crate::lang::types::Type::String), Value::string);
                (k.to_string(), v)
            })
            .collect();
        Value::Map(crate::lang::types::Type::String, m)
    }

    #[test]
    fn maps_replace_only_when_a_value_that_is_not_null_changes() {
        let a = map(&[("a", Some("1"))]);
        assert!(!map_needs_replace(Some(&a), Some(&a)));
        assert!(map_needs_replace(Some(&a), Some(&map(&[("a", Some("2"))]))));
        assert!(map_needs_replace(Some(&a), Some(&map(&[]))));
        assert!(map_needs_replace(Some(&a), None));
        assert!(!map_needs_replace(Some(&map(&[])), None));
        assert!(!map_needs_replace(
            Some(&a),
            Some(&map(&[("a", Some("1")), ("b", None)]))
        ));
        assert!(!map_needs_replace(None, Some(&map(&[("b", None)]))));
        assert!(map_needs_replace(None, Some(&map(&[("b", Some("x"))]))));
        assert!(!map_needs_replace(None, None));
        assert!(map_needs_replace(Some(&a), Some(&Value::unknown())));
    }
}

/// What the tests of these providers share: configurations from JSON, and
/// the plan, apply and plan-again cycle through the trait.
#[cfg(test)]
pub mod testing {
    use super::super::protocol::*;
    use crate::addrs::Mode;
    use crate::lang::Value;
    use crate::schema::Schema;
    use std::time::SystemTime;

    /// A resource type's schema from a provider.
    pub fn schema<'a>(p: &'a dyn Provider, name: &str) -> &'a Schema {
        p.schemas()
            .get(Mode::Managed, name)
            .unwrap_or_else(|| panic!("no schema for {name}"))
    }

    /// A configuration as the planner gives it: the schema's types, what
    /// is left out null.
    pub fn config(schema: &Schema, json: serde_json::Value) -> Value {
        crate::lang::types::conform(Value::from_json(&json), schema.block.object_type())
    }

    pub fn plan(p: &dyn Provider, schema: &Schema, prior: Option<&Value>, config: &Value) -> PlanResponse {
        p.plan(PlanRequest {
            schema,
            provider: &ProviderConfig::default(),
            prior,
            config,
            now: None,
        })
    }

    pub async fn apply(
        p: &dyn Provider,
        schema: &Schema,
        prior: Option<&Value>,
        planned: Option<&Value>,
        now: SystemTime,
    ) -> ApplyResponse {
        p.apply(ApplyRequest {
            schema,
            provider: &ProviderConfig::default(),
            prior,
            planned,
            now,
        })
        .await
    }

    /// Plans and applies a new instance, checking that both succeed.
    pub async fn create(p: &dyn Provider, schema: &Schema, config: &Value, now: SystemTime) -> Value {
        let planned = plan(p, schema, None, config);
        assert!(!planned.diags.has_errors(), "{:?}", planned.diags);
        let applied = apply(p, schema, None, Some(&planned.planned), now).await;
        assert!(!applied.diags.has_errors(), "{:?}", applied.diags);
        applied.value.expect("a created value")
    }

    /// Plans an instance again with the same configuration: nothing to
    /// replace and the same values.
    pub fn assert_stable(p: &dyn Provider, schema: &Schema, state: &Value, config: &Value) {
        let again = plan(p, schema, Some(state), config);
        assert!(again.replace_paths.is_empty(), "{:?}", again.replace_paths);
        assert!(!again.diags.has_errors(), "{:?}", again.diags);
        assert!(again.planned.same_as(state), "planned {} from {}", again.planned, state);
    }

    pub fn str<'a>(v: &'a Value, name: &str) -> &'a str {
        v.get(name)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{name} is not a string in {v}"))
    }

    /// An RFC 3339 instant.
    pub fn at(rfc3339: &str) -> SystemTime {
        let t = ::time::OffsetDateTime::parse(rfc3339, &::time::format_description::well_known::Rfc3339).unwrap();
        SystemTime::from(t)
    }
}
