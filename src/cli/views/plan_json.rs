//! A plan in Terraform's JSON plan representation (format version 1.2, as
//! `terraform show -json PLANFILE` prints it), so tools that read Terraform
//! plans (checkov, OPA/conftest, Infracost, tfcmt) read aksplan's. Rule
//! findings travel in an extra top-level `diagnostics` array.
//!
//! One difference on purpose: sensitive values are null, never the value
//! (Terraform prints them), and marked in `before_sensitive` and
//! `after_sensitive`. Unknown values are null and marked in `after_unknown`.

use crate::addrs::{Instance, InstanceKey, Mode, ModuleInstance};
use crate::config::{Config, Module};
use crate::diag::{Diagnostics, Sources};
use crate::lang::Value;
use crate::plan::{Action, Plan, Reason, ResourceChange};
use crate::schema::SchemaSource;
use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;

pub const FORMAT_VERSION: &str = "1.2";
const PROVIDER: &str = "registry.terraform.io/hashicorp/azurerm";

/// A value split the way the JSON plan wants it: the value with unknowns
/// and secrets as null, where it is unknown, and where it is sensitive.
struct Split {
    value: Json,
    unknown: Json,
    sensitive: Json,
}

/// Splits a resource's value, with the attributes its schema calls
/// sensitive marked even while unknown.
fn split_resource(schemas: &dyn SchemaSource, addr: &Instance, v: &Value) -> Split {
    match schemas.schema(addr.resource.mode, &addr.resource.type_name) {
        Some(schema) => split(&crate::provider::shape::mark_sensitive(&schema.block, v.clone())),
        None => split(v),
    }
}

fn split(v: &Value) -> Split {
    match v {
        Value::Unknown(_) => Split {
            value: Json::Null,
            unknown: Json::Bool(true),
            sensitive: Json::Bool(false),
        },
        Value::Sensitive(inner) => Split {
            value: Json::Null,
            unknown: split(inner).unknown,
            sensitive: Json::Bool(true),
        },
        Value::Map(_, m) | Value::Object(m) => {
            let (mut value, mut unknown, mut sensitive) = (Map::new(), Map::new(), Map::new());
            for (k, x) in m {
                let s = split(x);
                value.insert(k.clone(), s.value);
                if s.unknown != Json::Bool(false) {
                    unknown.insert(k.clone(), s.unknown);
                }
                if s.sensitive != Json::Bool(false) {
                    sensitive.insert(k.clone(), s.sensitive);
                }
            }
            Split {
                value: Json::Object(value),
                unknown: Json::Object(unknown),
                sensitive: Json::Object(sensitive),
            }
        }
        Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
            let parts: Vec<Split> = items.iter().map(split).collect();
            Split {
                value: Json::Array(parts.iter().map(|p| p.value.clone()).collect()),
                unknown: Json::Array(parts.iter().map(|p| p.unknown.clone()).collect()),
                sensitive: Json::Array(parts.iter().map(|p| p.sensitive.clone()).collect()),
            }
        }
        other => Split {
            value: other.to_json(),
            unknown: Json::Bool(false),
            sensitive: Json::Bool(false),
        },
    }
}

/// Known values only: `planned_values` leaves unknown attributes out.
fn known(v: &Json, unknown: &Json) -> Json {
    match (v, unknown) {
        (Json::Object(m), Json::Object(u)) => Json::Object(
            m.iter()
                .filter(|(k, _)| u.get(*k) != Some(&Json::Bool(true)))
                .map(|(k, x)| (k.clone(), known(x, u.get(k).unwrap_or(&Json::Bool(false)))))
                .collect(),
        ),
        _ => v.clone(),
    }
}

pub(crate) fn action_reason(c: &ResourceChange) -> Option<&'static str> {
    c.reasons
        .iter()
        .find_map(|r| match r {
            Reason::CannotUpdate => Some("replace_because_cannot_update"),
            Reason::ReplaceRequested => Some("replace_by_request"),
            Reason::ReplaceTriggered(_) => Some("replace_by_triggers"),
            Reason::DependencyPending => Some("read_because_dependency_pending"),
            Reason::Tainted => Some("replace_because_tainted"),
            Reason::NotInConfiguration => Some("delete_because_no_resource_config"),
            Reason::NoModule => Some("delete_because_no_module"),
            Reason::CountIndex => Some("delete_because_count_index"),
            Reason::EachKey => Some("delete_because_each_key"),
            Reason::Rule(_) if c.action.is_replace() => Some("replace_because_cannot_update"),
            _ => None,
        })
        .or_else(|| (c.action == Action::Read).then_some("read_because_config_unknown"))
}

/// `network_profile.0.network_plugin` as `["network_profile", 0, "network_plugin"]`.
fn path_steps(path: &str) -> Json {
    Json::Array(
        path.split('.')
            .map(|s| s.parse::<u64>().map_or_else(|_| json!(s), |i| json!(i)))
            .collect(),
    )
}

fn identity(addr: &Instance) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert("address".into(), json!(addr.to_string()));
    if !addr.module.is_root() {
        m.insert("module_address".into(), json!(addr.module.to_string()));
    }
    // Mode serializes as Terraform writes it: "managed" or "data".
    m.insert("mode".into(), json!(addr.resource.mode));
    m.insert("type".into(), json!(addr.resource.type_name));
    m.insert("name".into(), json!(addr.resource.name));
    match &addr.key {
        InstanceKey::None => {}
        InstanceKey::Int(i) => {
            m.insert("index".into(), json!(i));
        }
        InstanceKey::Str(s) => {
            m.insert("index".into(), json!(s));
        }
    }
    m.insert("provider_name".into(), json!(provider_name(&addr.resource.type_name)));
    m
}

/// The source address of the provider a type's name implies
/// (`terraform.io/builtin/terraform` for `terraform_remote_state`).
fn provider_name(type_name: &str) -> String {
    let local = crate::addrs::implied_provider(type_name);
    crate::provider::catalog::KINDS
        .iter()
        .find(|(name, _)| *name == local)
        .map_or_else(
            || format!("registry.terraform.io/hashicorp/{local}"),
            |(_, source)| source.to_string(),
        )
}

fn resource_values(schemas: &dyn SchemaSource, addr: &Instance, value: &Value) -> Json {
    let s = split_resource(schemas, addr, value);
    let mut m = identity(addr);
    m.insert("schema_version".into(), json!(0));
    m.insert("values".into(), known(&s.value, &s.unknown));
    m.insert("sensitive_values".into(), s.sensitive);
    Json::Object(m)
}

fn change(schemas: &dyn SchemaSource, c: &ResourceChange, prior: Option<&Value>) -> Json {
    // A no-op keeps its value once, in the prior state.
    let (before, after) = match c.action {
        Action::NoOp => (prior, prior),
        _ => (c.before.as_ref(), c.after.as_ref()),
    };
    let b = before.map(|v| split_resource(schemas, &c.addr, v));
    let a = after.map(|v| split_resource(schemas, &c.addr, v));
    let none = || Split {
        value: Json::Null,
        unknown: Json::Bool(false),
        sensitive: Json::Bool(false),
    };
    let (b, a) = (b.unwrap_or_else(none), a.unwrap_or_else(none));
    let mut change = Map::new();
    change.insert("actions".into(), json!(c.action.terraform_names()));
    change.insert("before".into(), b.value);
    change.insert("after".into(), a.value);
    change.insert("after_unknown".into(), a.unknown);
    change.insert("before_sensitive".into(), b.sensitive);
    change.insert("after_sensitive".into(), a.sensitive);
    if let Some(id) = &c.importing {
        change.insert("importing".into(), json!({"id": id}));
    }
    if !c.replace_paths.is_empty() {
        change.insert(
            "replace_paths".into(),
            Json::Array(c.replace_paths.iter().map(|p| path_steps(p)).collect()),
        );
    }
    let mut m = identity(&c.addr);
    if let Some(from) = &c.moved_from {
        m.insert("previous_address".into(), json!(from.to_string()));
    }
    // The destroy of a deposed object names its key, as Terraform's does.
    if let Some(k) = &c.deposed {
        m.insert("deposed".into(), json!(k.as_str()));
    }
    m.insert("change".into(), Json::Object(change));
    if let Some(r) = action_reason(c) {
        m.insert("action_reason".into(), json!(r));
    }
    Json::Object(m)
}

/// An expression as the configuration section gives it: a constant when it
/// is a literal, else the references it makes.
fn expression(e: &Expression) -> Json {
    fn constant(e: &Expression) -> Option<Json> {
        Some(match e {
            Expression::Null(_) => Json::Null,
            Expression::Bool(b) => json!(*b.value()),
            Expression::Number(n) => Value::Number(crate::lang::number::Number::from_f64(n.as_f64()?)?).to_json(),
            Expression::String(s) => json!(s.value().as_str()),
            Expression::Array(a) => Json::Array(a.iter().map(constant).collect::<Option<_>>()?),
            Expression::Object(o) => {
                let mut m = Map::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                        hcl_edit::expr::ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                        _ => return None,
                    };
                    m.insert(key, constant(v.expr())?);
                }
                Json::Object(m)
            }
            _ => return None,
        })
    }
    match constant(e) {
        Some(c) => json!({"constant_value": c}),
        None => {
            let mut refs: Vec<String> = Vec::new();
            for r in crate::lang::refs::references(e) {
                let s = r.reference.to_string();
                if !refs.contains(&s) {
                    refs.push(s);
                }
            }
            json!({"references": refs})
        }
    }
}

fn expressions(body: &Body) -> Json {
    let mut m = Map::new();
    for a in body.attributes() {
        m.insert(a.key.as_str().to_string(), expression(&a.value));
    }
    for b in body.blocks() {
        let entry = m.entry(b.ident.as_str().to_string()).or_insert_with(|| json!([]));
        if let Json::Array(list) = entry {
            list.push(expressions(&b.body));
        }
    }
    Json::Object(m)
}

/// The configuration section: the root module and, under `module_calls`,
/// every module it calls.
fn configuration(config: &Config) -> Json {
    json!({
        "provider_config": {"azurerm": {"name": "azurerm", "full_name": PROVIDER}},
        "root_module": module_configuration(config, config.root()),
    })
}

fn module_configuration(config: &Config, module: &Module) -> Json {
    let resources: Vec<Json> = module
        .resources
        .values()
        .map(|r| {
            let mut m = Map::new();
            m.insert("address".into(), json!(r.addr.to_string()));
            m.insert("mode".into(), json!(r.addr.mode));
            m.insert("type".into(), json!(r.addr.type_name));
            m.insert("name".into(), json!(r.addr.name));
            m.insert("provider_config_key".into(), json!("azurerm"));
            m.insert("expressions".into(), expressions(&r.body));
            m.insert("schema_version".into(), json!(0));
            if let Some(c) = &r.count {
                m.insert("count_expression".into(), expression(&c.expr));
            }
            if let Some(f) = &r.for_each {
                m.insert("for_each_expression".into(), expression(&f.expr));
            }
            Json::Object(m)
        })
        .collect();
    let variables: Map<String, Json> = module
        .variables
        .iter()
        .map(|(name, v)| {
            let mut m = Map::new();
            if let Some(d) = &v.description {
                m.insert("description".into(), json!(d));
            }
            if v.sensitive {
                m.insert("sensitive".into(), json!(true));
            }
            (name.clone(), Json::Object(m))
        })
        .collect();
    let outputs: Map<String, Json> = module
        .outputs
        .iter()
        .map(|(name, o)| {
            (
                name.clone(),
                json!({"expression": expression(&o.value.expr), "sensitive": o.sensitive}),
            )
        })
        .collect();
    let calls: Map<String, Json> = module
        .calls
        .iter()
        .map(|(name, c)| {
            let mut m = Map::new();
            m.insert("source".into(), json!(c.source));
            let args: Map<String, Json> = c.args.iter().map(|(k, e)| (k.clone(), expression(&e.expr))).collect();
            m.insert("expressions".into(), Json::Object(args));
            if let Some(v) = &c.version {
                m.insert("version_constraint".into(), json!(v));
            }
            if let Some(e) = &c.count {
                m.insert("count_expression".into(), expression(&e.expr));
            }
            if let Some(e) = &c.for_each {
                m.insert("for_each_expression".into(), expression(&e.expr));
            }
            if !c.depends_on.is_empty() {
                let deps: Vec<String> = c.depends_on.iter().map(|d| d.reference.to_string()).collect();
                m.insert("depends_on".into(), json!(deps));
            }
            if let Some(child) = config.module(&module.path.child(name)) {
                m.insert("module".into(), module_configuration(config, child));
            }
            (name.clone(), Json::Object(m))
        })
        .collect();
    let mut out = json!({"resources": resources, "variables": variables, "outputs": outputs});
    if !calls.is_empty() {
        out["module_calls"] = Json::Object(calls);
    }
    out
}

/// Resource values nested as Terraform nests them: the root module's
/// resources, and each module instance under `child_modules`, inside the
/// instance that calls it.
fn module_values(resources: Vec<(&Instance, Json)>) -> Json {
    let mut by_module: BTreeMap<&ModuleInstance, Vec<Json>> = BTreeMap::new();
    for (addr, v) in resources {
        by_module.entry(&addr.module).or_default().push(v);
    }
    let root = ModuleInstance::root();
    module_node(&root, &mut by_module)
}

fn module_node(at: &ModuleInstance, by_module: &mut BTreeMap<&ModuleInstance, Vec<Json>>) -> Json {
    let resources = by_module.remove(at).unwrap_or_default();
    // Direct children: instances one step below `at` that hold resources, or
    // whose descendants do.
    let mut children: Vec<ModuleInstance> = by_module
        .keys()
        .filter(|m| m.0.len() > at.0.len() && m.starts_with(at))
        .map(|m| ModuleInstance(m.0[..at.0.len() + 1].to_vec()))
        .collect();
    children.sort();
    children.dedup();
    let mut out = json!({"resources": resources});
    if !at.is_root() {
        out["address"] = json!(at.to_string());
    }
    if !children.is_empty() {
        out["child_modules"] = Json::Array(children.iter().map(|c| module_node(c, by_module)).collect());
    }
    out
}

/// The whole document.
pub fn plan_json(plan: &Plan, config: &Config, diags: &Diagnostics, sources: &Sources) -> Json {
    let prior = |a: &Instance| plan.prior_state.resources.get(a).map(|r| &r.value);
    let resource_changes: Vec<Json> = plan
        .changes
        .iter()
        .filter(|c| c.addr.resource.mode == Mode::Managed || c.action == Action::Read)
        .map(|c| change(&*config.schemas, c, prior(&c.addr)))
        .collect();
    let planned: Vec<(&Instance, Json)> = plan
        .changes
        .iter()
        .filter_map(|c| {
            let after = match c.action {
                Action::NoOp => prior(&c.addr),
                Action::Delete => None,
                _ => c.after.as_ref(),
            }?;
            Some((&c.addr, resource_values(&*config.schemas, &c.addr, after)))
        })
        .collect();
    let mut prior_resources: Vec<(&Instance, Json)> = plan
        .prior_state
        .resources
        .iter()
        .map(|(a, r)| (a, resource_values(&*config.schemas, a, &r.value)))
        .collect();
    // Deposed objects follow their instance's current object, with their key.
    for ((a, k), r) in &plan.prior_state.deposed {
        let mut v = resource_values(&*config.schemas, a, &r.value);
        v["deposed_key"] = json!(k.as_str());
        let at = prior_resources.partition_point(|(b, _)| *b <= a);
        prior_resources.insert(at, (a, v));
    }
    let mut output_changes = Map::new();
    let mut planned_outputs = Map::new();
    for o in &plan.outputs {
        let mark = |v: &Option<Value>| v.clone().map(|v| if o.sensitive { v.mark() } else { v });
        let (before, after) = (mark(&o.before), mark(&o.after));
        let action = match (&before, &after) {
            (None, Some(_)) => "create",
            (Some(_), None) => "delete",
            (Some(b), Some(a)) if b.same_as(a) => "no-op",
            _ => "update",
        };
        let b = before.as_ref().map(split);
        let a = after.as_ref().map(split);
        let part = |s: &Option<Split>, f: fn(&Split) -> &Json, empty: Json| s.as_ref().map_or(empty, |s| f(s).clone());
        output_changes.insert(
            o.name.clone(),
            json!({
                "actions": [action],
                "before": part(&b, |s| &s.value, Json::Null),
                "after": part(&a, |s| &s.value, Json::Null),
                "after_unknown": part(&a, |s| &s.unknown, json!(false)),
                "before_sensitive": part(&b, |s| &s.sensitive, json!(false)),
                "after_sensitive": part(&a, |s| &s.sensitive, json!(false)),
            }),
        );
        if let Some(a) = &a {
            planned_outputs.insert(o.name.clone(), json!({"sensitive": o.sensitive, "value": a.value}));
        }
    }
    json!({
        "format_version": FORMAT_VERSION,
        "terraform_version": crate::lang::TERRAFORM_VERSION,
        "aksplan_version": env!("CARGO_PKG_VERSION"),
        "planned_values": {"outputs": planned_outputs, "root_module": module_values(planned)},
        "resource_changes": resource_changes,
        "output_changes": output_changes,
        "prior_state": {
            "format_version": "1.0",
            "terraform_version": crate::lang::TERRAFORM_VERSION,
            "values": {"outputs": {}, "root_module": module_values(prior_resources)},
        },
        "configuration": configuration(config),
        "relevant_attributes": [],
        "timestamp": humantime::format_rfc3339_seconds(plan.timestamp.unwrap_or_else(std::time::SystemTime::now)).to_string(),
        "applyable": plan.has_changes(),
        "complete": true,
        "errored": diags.has_errors(),
        "diagnostics": diags.iter().map(|d| super::diagnostics::diagnostic_json(d, sources)).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_sensitive_values_are_null_and_marked() {
        let v = Value::Object(
            [
                ("name".to_string(), Value::string("k")),
                ("fqdn".to_string(), Value::unknown()),
                ("kube_config_raw".to_string(), Value::string("secret").mark()),
                (
                    "pool".to_string(),
                    Value::list(vec![Value::Object([("id".to_string(), Value::unknown())].into())]),
                ),
            ]
            .into(),
        );
        let s = split(&v);
        assert_eq!(s.value["name"], "k");
        assert_eq!(s.value["fqdn"], Json::Null);
        assert_eq!(s.value["kube_config_raw"], Json::Null);
        assert_eq!(s.unknown, json!({"fqdn": true, "pool": [{"id": true}]}));
        assert_eq!(s.sensitive, json!({"kube_config_raw": true, "pool": [{}]}));
        assert!(!serde_json::to_string(&s.value).unwrap().contains("secret"));
        assert_eq!(
            known(&s.value, &s.unknown),
            json!({"name": "k", "kube_config_raw": null, "pool": [{"id": null}]})
        );
    }

    #[test]
    fn replace_paths_are_steps() {
        assert_eq!(
            path_steps("network_profile.0.network_plugin"),
            json!(["network_profile", 0, "network_plugin"])
        );
    }
}
