//! Terraform's machine-readable UI (`-json` on plan, apply and destroy):
//! one JSON object per line, with `@level`, `@message`, `@module`
//! (`terraform.ui`), `@timestamp` and `type`, in the shapes Terraform 1.11
//! prints (learnt from its `internal/command/views/json` and from captured
//! output, kept in tests/fixtures/ui_json). It builds the lines; writing
//! them, and when, is the caller's. Values of outputs marked sensitive are
//! never written, and no attribute value of a resource is.

mod diagnostic;

use super::plan_json::action_reason;
use crate::addrs::{Instance, InstanceKey};
use crate::apply::progress::{Event, ShownId, Verb};
use crate::diag::{Diagnostic, Severity, Sources};
use crate::lang::Value;
use crate::plan::refresh::RefreshEvent;
use crate::plan::{Action, Drift, OutputChange, Plan, ResourceChange};
use crate::state::OutputState;
use serde_json::{json, Map, Value as Json};
use std::time::Duration;

/// The version of the UI's messages, as Terraform 1.11 gives it.
const UI_VERSION: &str = "1.2";

/// One message: the common fields, then `fields`.
pub fn line(level: &str, message: &str, kind: &str, fields: Map<String, Json>) -> String {
    let mut m = Map::new();
    m.insert("@level".into(), json!(level));
    m.insert("@message".into(), json!(message));
    m.insert("@module".into(), json!("terraform.ui"));
    m.insert("@timestamp".into(), json!(timestamp()));
    m.extend(fields);
    m.insert("type".into(), json!(kind));
    // Terraform's logger writes the top-level keys in sorted order.
    m.sort_keys();
    Json::Object(m).to_string()
}

fn info(message: &str, kind: &str, fields: Map<String, Json>) -> String {
    line("info", message, kind, fields)
}

fn fields(pairs: Vec<(&str, Json)>) -> Map<String, Json> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Now, as Terraform writes it: RFC 3339 in UTC, with microseconds.
fn timestamp() -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    time::OffsetDateTime::now_utc().format(&format).unwrap_or_default()
}

/// `log`: something the run says that is no event of its own (an
/// interrupt received).
pub fn log(message: &str) -> String {
    info(message, "log", Map::new())
}

/// The first line: which program, and which Terraform it speaks for.
pub fn version() -> String {
    let tf = crate::lang::TERRAFORM_VERSION;
    info(
        &format!("aksplan {} (Terraform {tf})", env!("CARGO_PKG_VERSION")),
        "version",
        fields(vec![
            ("aksplan", json!(env!("CARGO_PKG_VERSION"))),
            ("terraform", json!(tf)),
            ("ui", json!(UI_VERSION)),
        ]),
    )
}

/// A resource instance's address, taken apart.
fn resource(addr: &Instance) -> Json {
    let module = addr.module.to_string();
    let full = addr.to_string();
    let within = match module.as_str() {
        "" => full.clone(),
        m => full.strip_prefix(&format!("{m}.")).unwrap_or(&full).to_string(),
    };
    let key = match &addr.key {
        InstanceKey::None => Json::Null,
        InstanceKey::Int(i) => json!(i),
        InstanceKey::Str(s) => json!(s),
    };
    let type_name = &addr.resource.type_name;
    let provider = type_name.split('_').next().unwrap_or(type_name);
    json!({
        "addr": full,
        "module": module,
        "resource": within,
        "implied_provider": provider,
        "resource_type": type_name,
        "resource_name": addr.resource.name,
        "resource_key": key,
    })
}

/// The action Terraform names a planned change with.
fn change_action(c: &ResourceChange) -> Option<&'static str> {
    Some(match c.action {
        Action::NoOp if c.importing.is_some() => "import",
        Action::NoOp if c.moved_from.is_some() => "move",
        Action::NoOp => return None,
        Action::Create => "create",
        Action::Read => "read",
        Action::Update => "update",
        Action::DeleteThenCreate | Action::CreateThenDelete => "replace",
        Action::Delete => "delete",
        Action::Forget => "remove",
    })
}

/// What a plan shows, as Terraform does after planning: `resource_drift`
/// for what changed outside aksplan (not when destroying), `planned_change`
/// for each change, the `change_summary`, and the outputs' actions when
/// there are outputs.
pub fn planned(plan: &Plan) -> Vec<String> {
    let mut out = if plan.destroy { Vec::new() } else { drifted(plan) };
    out.extend(planned_changes(plan));
    out.push(change_summary(Summary::of_plan(plan), "plan"));
    if !plan.outputs.is_empty() {
        out.push(planned_outputs(&plan.outputs));
    }
    out
}

/// `resource_drift` for each object changed ("update") or deleted
/// ("delete") outside aksplan, by address; with `previous_resource` when
/// a `moved` block moved it.
pub fn drifted(plan: &Plan) -> Vec<String> {
    plan.drift.iter().map(|d| drift(plan, d)).collect()
}

fn drift(plan: &Plan, d: &Drift) -> String {
    let action = if d.after.is_some() { "update" } else { "delete" };
    let mut change = Map::new();
    change.insert("resource".into(), resource(&d.addr));
    let moved = plan
        .changes
        .iter()
        .find(|c| c.addr == d.addr && c.deposed.is_none())
        .and_then(|c| c.moved_from.as_ref());
    if let Some(from) = moved {
        change.insert("previous_resource".into(), resource(from));
    }
    change.insert("action".into(), json!(action));
    info(
        &format!("{}: Drift detected ({action})", d.addr),
        "resource_drift",
        fields(vec![("change", Json::Object(change))]),
    )
}

/// `planned_change` for each change of the plan, in its order.
pub fn planned_changes(plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    for c in &plan.changes {
        let Some(action) = change_action(c) else { continue };
        // A deposed object's destroy: its instance is what Terraform names.
        let mut change = Map::new();
        change.insert("resource".into(), resource(&c.addr));
        if let Some(from) = &c.moved_from {
            change.insert("previous_resource".into(), resource(from));
        }
        change.insert("action".into(), json!(action));
        if let Some(r) = action_reason(c) {
            change.insert("reason".into(), json!(r));
        }
        if let Some(id) = &c.importing {
            change.insert("importing".into(), json!({ "id": id }));
        }
        out.push(info(
            &format!("{}: Plan to {action}", c.addr),
            "planned_change",
            fields(vec![("change", Json::Object(change))]),
        ));
    }
    out
}

/// The counts a `change_summary` carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub add: usize,
    pub change: usize,
    pub import: usize,
    pub remove: usize,
}

impl Summary {
    pub fn of_plan(plan: &Plan) -> Summary {
        let c = plan.counts();
        Summary {
            add: c.add,
            change: c.change,
            import: plan.changes.iter().filter(|c| c.importing.is_some()).count(),
            remove: c.destroy,
        }
    }
}

/// `change_summary` after a plan (`operation` "plan"), an apply ("apply")
/// or a destroy ("destroy"), with Terraform's sentence.
pub fn change_summary(s: Summary, operation: &str) -> String {
    let import = |tense: &str| {
        if s.import > 0 {
            format!("{} {tense}, ", s.import)
        } else {
            String::new()
        }
    };
    let message = match operation {
        "plan" => format!(
            "Plan: {}{} to add, {} to change, {} to destroy.",
            import("to import"),
            s.add,
            s.change,
            s.remove
        ),
        "destroy" => format!("Destroy complete! Resources: {} destroyed.", s.remove),
        _ => format!(
            "Apply complete! Resources: {}{} added, {} changed, {} destroyed.",
            import("imported"),
            s.add,
            s.change,
            s.remove
        ),
    };
    info(
        &message,
        "change_summary",
        fields(vec![(
            "changes",
            json!({
                "add": s.add,
                "change": s.change,
                "import": s.import,
                "remove": s.remove,
                "operation": operation,
            }),
        )]),
    )
}

/// `outputs` of a plan: each output's action; never a value.
pub fn planned_outputs(outputs: &[OutputChange]) -> String {
    let mut m = Map::new();
    for o in outputs {
        let action = match (&o.before, &o.after) {
            (None, Some(_)) => "create",
            (Some(_), None) => "delete",
            (Some(b), Some(a)) if b.same_as(a) => "noop",
            _ => "update",
        };
        m.insert(o.name.clone(), json!({ "sensitive": o.sensitive, "action": action }));
    }
    info(
        &format!("Outputs: {}", m.len()),
        "outputs",
        fields(vec![("outputs", Json::Object(m))]),
    )
}

/// `outputs` after an apply: type and value, the value left out when the
/// output is sensitive (or holds a sensitive value).
pub fn applied_outputs<'a>(outputs: impl Iterator<Item = (&'a String, &'a OutputState)>) -> String {
    let mut m = Map::new();
    for (name, o) in outputs {
        let mut entry = Map::new();
        let secret = o.sensitive || o.value.has_sensitive();
        entry.insert("sensitive".into(), json!(secret));
        entry.insert("type".into(), o.value.ty().to_json());
        if !secret {
            entry.insert("value".into(), plain_json(&o.value));
        }
        m.insert(name.clone(), Json::Object(entry));
    }
    info(
        &format!("Outputs: {}", m.len()),
        "outputs",
        fields(vec![("outputs", Json::Object(m))]),
    )
}

fn plain_json(v: &Value) -> Json {
    v.to_json()
}

/// A diagnostic, as Terraform's `diagnostic` message (see [`diagnostic`]).
pub fn diagnostic(d: &Diagnostic, sources: &Sources) -> String {
    let body = self::diagnostic::body(d, sources);
    let (level, word) = match d.severity {
        Severity::Error => ("error", "Error"),
        Severity::Warning => ("warn", "Warning"),
    };
    let summary = body["summary"].as_str().unwrap_or_default().to_string();
    line(
        level,
        &format!("{word}: {summary}"),
        "diagnostic",
        fields(vec![("diagnostic", Json::Object(body))]),
    )
}

fn verb_words(verb: Verb) -> (&'static str, &'static str, &'static str, &'static str) {
    // (action, starting, still, noun), as Terraform's JSON hooks word them.
    match verb {
        Verb::Create => ("create", "Creating", "creating", "Creation"),
        Verb::Update => ("update", "Modifying", "modifying", "Modifications"),
        Verb::Delete => ("delete", "Destroying", "destroying", "Destruction"),
        Verb::Read => ("read", "Refreshing", "refreshing", "Refresh"),
    }
}

fn id_suffix(id: &Option<ShownId>) -> String {
    id.as_ref()
        .map_or_else(String::new, |i| format!(" [{}={}]", i.key, i.value))
}

fn hook(addr: &Instance, action: &str, id: &Option<ShownId>, elapsed: Option<Duration>) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert("resource".into(), resource(addr));
    m.insert("action".into(), json!(action));
    if let Some(i) = id {
        m.insert("id_key".into(), json!(i.key));
        m.insert("id_value".into(), json!(i.value));
    }
    if let Some(e) = elapsed {
        m.insert("elapsed_seconds".into(), json!(super::progress_text::seconds(e)));
    }
    m
}

/// The line for one progress event.
pub fn event(e: &Event) -> String {
    let one = |message: String, kind: &str, h: Map<String, Json>| {
        info(&message, kind, fields(vec![("hook", Json::Object(h))]))
    };
    let go = super::progress_text::go_duration;
    match e {
        Event::Started { addr, verb, id } => {
            let (action, starting, _, _) = verb_words(*verb);
            one(
                format!("{addr}: {starting}...{}", id_suffix(id)),
                "apply_start",
                hook(&addr.instance, action, id, None),
            )
        }
        Event::Completed {
            addr,
            verb,
            id,
            elapsed,
        } => {
            let (action, _, _, noun) = verb_words(*verb);
            one(
                format!("{addr}: {noun} complete after {}{}", go(*elapsed), id_suffix(id)),
                "apply_complete",
                hook(&addr.instance, action, id, Some(*elapsed)),
            )
        }
        Event::Failed { addr, verb, elapsed } => {
            let (action, _, _, noun) = verb_words(*verb);
            one(
                format!("{addr}: {noun} errored after {}", go(*elapsed)),
                "apply_errored",
                hook(&addr.instance, action, &None, Some(*elapsed)),
            )
        }
        // Terraform has no message for this: an error is the nearest.
        Event::Abandoned {
            addr, verb, elapsed, ..
        } => {
            let (action, _, _, noun) = verb_words(*verb);
            one(
                format!("{addr}: {noun} abandoned after {}", go(*elapsed)),
                "apply_errored",
                hook(&addr.instance, action, &None, Some(*elapsed)),
            )
        }
    }
}

/// `refresh_start` or `refresh_complete`: a resource's read during refresh,
/// with the id of the object as recorded, or as read (none when gone). A
/// data source's read while planning is an `apply_start` and an
/// `apply_complete` (after `elapsed`) of a read, as Terraform shows it.
pub fn refresh(e: &RefreshEvent<'_>, elapsed: Duration) -> String {
    let data = |addr: &Instance| crate::state::deposed::ObjectAddr {
        instance: addr.clone(),
        deposed: None,
    };
    let (addr, id, kind, words) = match e {
        // Terraform's JSON hooks name a deposed object by its instance only.
        RefreshEvent::Reading { addr, id, .. } => (addr, id, "refresh_start", "Refreshing state..."),
        RefreshEvent::Read { addr, id, .. } => (addr, id, "refresh_complete", "Refresh complete"),
        RefreshEvent::DataReading { addr } => {
            return event(&Event::Started {
                addr: data(addr),
                verb: Verb::Read,
                id: None,
            })
        }
        RefreshEvent::DataRead { addr, id } => {
            return event(&Event::Completed {
                addr: data(addr),
                verb: Verb::Read,
                id: id.map(|i| ShownId {
                    key: i.key,
                    value: i.value.to_string(),
                }),
                elapsed,
            })
        }
    };
    let mut h = Map::new();
    h.insert("resource".into(), resource(addr));
    let mut message = format!("{addr}: {words}");
    if let Some(i) = id {
        h.insert("id_key".into(), json!(i.key));
        h.insert("id_value".into(), json!(i.value));
        message.push_str(&format!(" [{}={}]", i.key, i.value));
    }
    info(&message, kind, fields(vec![("hook", Json::Object(h))]))
}

/// `apply_progress`: an operation still running after `elapsed`.
pub fn still(addr: &crate::state::deposed::ObjectAddr, verb: Verb, elapsed: Duration) -> String {
    let (action, _, still, _) = verb_words(verb);
    info(
        &format!(
            "{addr}: Still {still}... [{} elapsed]",
            super::progress_text::go_duration(elapsed)
        ),
        "apply_progress",
        fields(vec![(
            "hook",
            Json::Object(hook(&addr.instance, action, &None, Some(elapsed))),
        )]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resource_address_is_taken_apart_as_terraform_does() {
        let a: Instance = "module.net.azurerm_subnet.s[\"a\"]".parse().unwrap();
        let r = resource(&a);
        assert_eq!(r["module"], "module.net");
        assert_eq!(r["resource"], "azurerm_subnet.s[\"a\"]");
        assert_eq!(r["resource_key"], "a");
        assert_eq!(r["implied_provider"], "azurerm");
        let d: Instance = "data.azurerm_client_config.c".parse().unwrap();
        let r = resource(&d);
        assert_eq!(
            (r["resource_type"].as_str(), r["resource_name"].as_str()),
            (Some("azurerm_client_config"), Some("c"))
        );
        assert_eq!(r["resource_key"], Json::Null);
        assert_eq!(r["module"], "");
    }

    #[test]
    fn a_sensitive_output_has_no_value() {
        let outs = [
            (
                "a".to_string(),
                OutputState {
                    value: Value::string("shown"),
                    sensitive: false,
                },
            ),
            (
                "b".to_string(),
                OutputState {
                    value: Value::string("s3cr3t"),
                    sensitive: true,
                },
            ),
            (
                "c".to_string(),
                OutputState {
                    value: Value::string("marked").mark(),
                    sensitive: false,
                },
            ),
        ];
        let l = applied_outputs(outs.iter().map(|(k, v)| (k, v)));
        assert!(!l.contains("s3cr3t") && !l.contains("marked"), "{l}");
        let v: Json = serde_json::from_str(&l).unwrap();
        assert_eq!(v["outputs"]["a"]["value"], "shown");
        assert_eq!(v["outputs"]["b"], json!({"sensitive": true, "type": "string"}));
        assert_eq!(v["outputs"]["c"]["sensitive"], true);
    }

    #[test]
    fn summaries_use_terraform_sentences() {
        let s = Summary {
            add: 2,
            change: 0,
            import: 0,
            remove: 1,
        };
        let v: Json = serde_json::from_str(&change_summary(s, "plan")).unwrap();
        assert_eq!(v["@message"], "Plan: 2 to add, 0 to change, 1 to destroy.");
        let v: Json = serde_json::from_str(&change_summary(s, "destroy")).unwrap();
        assert_eq!(v["@message"], "Destroy complete! Resources: 1 destroyed.");
        let v: Json = serde_json::from_str(&change_summary(Summary { import: 1, ..s }, "apply")).unwrap();
        assert_eq!(
            v["@message"],
            "Apply complete! Resources: 1 imported, 2 added, 0 changed, 1 destroyed."
        );
    }
}
