//! The drift report as text, JSON (format version 1, schema in
//! `docs/drift-report.schema.json`) and Markdown. Sensitive values are
//! never shown: they print as `(sensitive value)` and are null in JSON.

use crate::drift::diff::Difference;
use crate::drift::{Report, Status};
use crate::lang::Value;
use crate::plan::Action;
use serde_json::{json, Value as Json};
use std::fmt::Write;
use std::time::Duration;

pub const FORMAT_VERSION: &str = "1.0";

/// What the report was made against, and how long each phase took.
pub struct Meta {
    pub cloud: String,
    pub subscription: String,
    pub ignore_file: Option<String>,
    pub phases: Vec<(&'static str, Duration)>,
}

fn shown(v: &Option<Value>) -> String {
    match v {
        None => "(absent)".into(),
        Some(Value::Sensitive(_)) => "(sensitive value)".into(),
        Some(v) => crate::plan::render::inline(v),
    }
}

fn json_value(v: &Option<Value>) -> Json {
    match v {
        Some(Value::Sensitive(_)) | None => Json::Null,
        Some(v) => v.to_json(),
    }
}

fn sensitive(d: &Difference) -> bool {
    matches!(d.before, Some(Value::Sensitive(_))) || matches!(d.after, Some(Value::Sensitive(_)))
}

fn verb(a: Action) -> &'static str {
    match a {
        Action::Create => "create",
        Action::Update => "update in place",
        Action::DeleteThenCreate | Action::CreateThenDelete => "replace",
        Action::Forget => "forget",
        Action::Delete => "destroy",
        Action::Read => "read",
        Action::NoOp => "nothing",
    }
}

fn summary_line(r: &Report) -> String {
    if !r.has_drift() {
        return "No drift: the cloud matches the state and the configuration.".into();
    }
    format!(
        "Drift: {} changed and {} deleted outside aksplan; {} to change to match the configuration.",
        plural(r.count(Status::Changed), "resource"),
        r.count(Status::Deleted),
        r.differences.len()
    )
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn phases(m: &Meta) -> String {
    m.phases
        .iter()
        .map(|(name, d)| format!("{name} {} ms", d.as_millis()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn text(r: &Report, m: &Meta) -> String {
    let mut out = format!(
        "Cloud: {}, subscription {}\n\n{}\n",
        m.cloud,
        m.subscription,
        summary_line(r)
    );
    let section = |out: &mut String, title: &str, status: Status| {
        let items: Vec<_> = r.resources.iter().filter(|x| x.status == status).collect();
        if items.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{title}:");
        for x in items {
            let _ = writeln!(out, "  {} ({})", x.addr, x.id.as_deref().unwrap_or("no id"));
            for c in &x.changes {
                let _ = writeln!(out, "    {}: {} -> {}", c.path, shown(&c.before), shown(&c.after));
            }
        }
    };
    section(&mut out, "Changed outside aksplan (recorded -> live)", Status::Changed);
    section(&mut out, "Deleted outside aksplan", Status::Deleted);
    if !r.differences.is_empty() {
        out.push_str("\nDiffers from the configuration (what apply would do):\n");
        for d in &r.differences {
            let _ = write!(out, "  {}: {}", d.addr, verb(d.action));
            if !d.paths.is_empty() {
                let _ = write!(out, " ({})", d.paths.join(", "));
            }
            if let Some(reason) = &d.reason {
                let _ = write!(out, " {reason}");
            }
            out.push('\n');
        }
    }
    if !r.unverifiable.is_empty() {
        out.push_str("\nUnverifiable (Azure never returns these values):\n");
        for u in &r.unverifiable {
            let _ = writeln!(out, "  {}: {}", u.addr, u.paths.join(", "));
        }
    }
    if r.ignored > 0 {
        let file = m.ignore_file.as_deref().unwrap_or("the ignore file");
        let _ = writeln!(out, "\nAccepted in {file}: {}.", plural(r.ignored, "change"));
    }
    let _ = writeln!(out, "\nTook: {}.", phases(m));
    out
}

pub fn json(r: &Report, m: &Meta) -> Json {
    let resources: Vec<Json> = r
        .resources
        .iter()
        .map(|x| {
            json!({
                "address": x.addr.to_string(),
                "type": x.type_name,
                "id": x.id,
                "status": match x.status { Status::Changed => "changed", Status::Deleted => "deleted" },
                "changes": x.changes.iter().map(|c| json!({
                    "path": c.path,
                    "recorded": json_value(&c.before),
                    "live": json_value(&c.after),
                    "sensitive": sensitive(c),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let differences: Vec<Json> = r
        .differences
        .iter()
        .map(|d| {
            json!({
                "address": d.addr.to_string(),
                "actions": d.action.terraform_names(),
                "reason": d.reason,
                "paths": d.paths,
            })
        })
        .collect();
    let unverifiable: Vec<Json> = r
        .unverifiable
        .iter()
        .map(|u| json!({"address": u.addr.to_string(), "paths": u.paths}))
        .collect();
    let mut timings = serde_json::Map::new();
    for (name, d) in &m.phases {
        timings.insert(name.to_string(), json!(d.as_millis() as u64));
    }
    json!({
        "format_version": FORMAT_VERSION,
        "aksplan_version": env!("CARGO_PKG_VERSION"),
        "cloud": m.cloud,
        "subscription": m.subscription,
        "drift": r.has_drift(),
        "summary": {
            "changed": r.count(Status::Changed),
            "deleted": r.count(Status::Deleted),
            "differences": r.differences.len(),
            "unverifiable": r.unverifiable.len(),
            "ignored": r.ignored,
        },
        "resources": resources,
        "differences": differences,
        "unverifiable": unverifiable,
        "timings_ms": timings,
    })
}

/// Escapes text for a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn markdown(r: &Report, m: &Meta) -> String {
    let mark = if r.has_drift() { "⚠️" } else { "✅" };
    let mut out = format!("## {mark} aksplan drift\n\n{}\n", summary_line(r));
    if !r.resources.is_empty() {
        out.push_str(
            "\n### Changed outside aksplan\n\n| Resource | Attribute | Recorded | Live |\n|---|---|---|---|\n",
        );
        for x in &r.resources {
            if x.status == Status::Deleted {
                let _ = writeln!(out, "| `{}` | *(deleted)* | | |", x.addr);
            }
            for c in &x.changes {
                let _ = writeln!(
                    out,
                    "| `{}` | `{}` | `{}` | `{}` |",
                    x.addr,
                    cell(&c.path),
                    cell(&shown(&c.before)),
                    cell(&shown(&c.after))
                );
            }
        }
    }
    if !r.differences.is_empty() {
        out.push_str(
            "\n### Differs from the configuration\n\n| Resource | Apply would | Attributes |\n|---|---|---|\n",
        );
        for d in &r.differences {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                d.addr,
                verb(d.action),
                cell(&d.paths.join(", "))
            );
        }
    }
    if !r.unverifiable.is_empty() {
        out.push_str("\n<details><summary>Unverifiable: Azure never returns these values</summary>\n\n");
        for u in &r.unverifiable {
            let _ = writeln!(out, "- `{}`: {}", u.addr, u.paths.join(", "));
        }
        out.push_str("\n</details>\n");
    }
    if r.ignored > 0 {
        let _ = writeln!(out, "\n{} accepted in the ignore file.", plural(r.ignored, "change"));
    }
    let _ = writeln!(out, "\n<sub>{} · {} · {}</sub>", m.cloud, m.subscription, phases(m));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::{ConfigDifference, ResourceDrift, Unverifiable};

    fn report() -> Report {
        let addr = |s: &str| s.parse().unwrap();
        Report {
            resources: vec![
                ResourceDrift {
                    addr: addr("azurerm_resource_group.this"),
                    type_name: "azurerm_resource_group".into(),
                    id: Some("/subscriptions/s/resourceGroups/rg".into()),
                    status: Status::Changed,
                    changes: vec![
                        Difference {
                            path: "tags.owner".into(),
                            before: None,
                            after: Some(Value::string("someone")),
                        },
                        Difference {
                            path: "secret".into(),
                            before: Some(Value::string("a").mark()),
                            after: Some(Value::string("b").mark()),
                        },
                    ],
                },
                ResourceDrift {
                    addr: addr("azurerm_subnet.s[\"pods\"]"),
                    type_name: "azurerm_subnet".into(),
                    id: Some("/subscriptions/s/.../subnets/pods".into()),
                    status: Status::Deleted,
                    changes: vec![],
                },
            ],
            differences: vec![ConfigDifference {
                addr: addr("azurerm_subnet.s[\"pods\"]"),
                action: Action::Create,
                reason: Some("(because it was deleted outside aksplan)".into()),
                paths: vec![],
            }],
            unverifiable: vec![Unverifiable {
                addr: addr("azurerm_kubernetes_cluster_extension.aml"),
                paths: vec!["configuration_protected_settings".into()],
            }],
            ignored: 1,
        }
    }

    fn meta() -> Meta {
        Meta {
            cloud: "sim (.aksplan/sim)".into(),
            subscription: "s".into(),
            ignore_file: Some("aksplan.driftignore".into()),
            phases: vec![
                ("refresh", Duration::from_millis(12)),
                ("total", Duration::from_millis(20)),
            ],
        }
    }

    #[test]
    fn text_report() {
        insta::assert_snapshot!(text(&report(), &meta()));
    }

    #[test]
    fn markdown_report() {
        insta::assert_snapshot!(markdown(&report(), &meta()));
    }

    #[test]
    fn json_report_hides_sensitive_values() {
        let j = json(&report(), &meta());
        let secret = &j["resources"][0]["changes"][1];
        assert_eq!(secret["sensitive"], true);
        assert_eq!(
            (secret["recorded"].clone(), secret["live"].clone()),
            (Json::Null, Json::Null)
        );
        assert_eq!(j["differences"][0]["actions"], json!(["create"]));
        assert_eq!(j["timings_ms"]["refresh"], 12);
    }
}
