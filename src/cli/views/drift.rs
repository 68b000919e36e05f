//! The drift report as text, JSON (format version 1, schema in
//! `docs/drift-report.schema.json`), Markdown and SARIF. Sensitive values
//! are never shown: they print as `(sensitive value)` and are null in JSON.

use crate::addrs::Instance;
use crate::diag::{Diagnostic, Diagnostics, Sources, Span};
use crate::drift::diff::Difference;
use crate::drift::{Report, Status};
use crate::lang::Value;
use crate::plan::Action;
use crate::state::lock::LockInfo;
use serde_json::{json, Value as Json};
use std::fmt::Write;
use std::time::Duration;

/// 1.1 added `lock` and `summary.lifecycle_ignored`.
pub const FORMAT_VERSION: &str = "1.1";

/// What the report was made against, and how long each phase took.
pub struct Meta {
    pub cloud: String,
    pub subscription: String,
    pub ignore_file: Option<String>,
    pub phases: Vec<(&'static str, Duration)>,
    /// The state lock, when a run held it while the report was made.
    pub locked: Option<Locked>,
}

/// A state lock seen while the report was made (drift never takes it).
pub struct Locked {
    /// `None`: a lock file that cannot be read.
    pub holder: Option<LockInfo>,
    /// Its process is gone from this host: a run that did not end.
    pub stale: bool,
}

impl Locked {
    fn sentence(&self) -> String {
        match (&self.holder, self.stale) {
            (Some(h), false) => format!(
                "While this report was made, the state was locked: {h}. A run may have been changing the cloud and the state: this report may show a change half done."
            ),
            (Some(h), true) => format!(
                "The state lock was left by a run that did not end: {h}. What it recorded before it stopped is in this report; check, then run aksplan force-unlock."
            ),
            (None, _) => "The state lock file cannot be read: a run may hold the state, and this report may show a change half done.".to_string(),
        }
    }
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
    let mut out = format!("Cloud: {}, subscription {}\n", m.cloud, m.subscription);
    if let Some(l) = &m.locked {
        let _ = writeln!(out, "\nWarning: {}", l.sentence());
    }
    let _ = writeln!(out, "\n{}", summary_line(r));
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
    if r.lifecycle_ignored > 0 {
        let _ = writeln!(
            out,
            "\nIgnored by lifecycle.ignore_changes: {}.",
            plural(r.lifecycle_ignored, "change")
        );
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
            "lifecycle_ignored": r.lifecycle_ignored,
        },
        "lock": m.locked.as_ref().map(|l| {
            let h = l.holder.as_ref();
            json!({
                "stale": l.stale,
                "id": h.and_then(|h| h.id.clone()),
                "operation": h.map(|h| h.operation.clone()),
                "who": h.map(|h| h.who.clone()),
                "pid": h.map(|h| h.pid).filter(|p| *p != 0),
                "host": h.map(|h| h.host.clone()),
                "since": h.map(|h| h.since.clone()),
            })
        }),
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
    let mut out = format!("## {mark} aksplan drift\n\n");
    if let Some(l) = &m.locked {
        let _ = writeln!(out, "> [!WARNING]\n> {}\n", l.sentence());
    }
    let _ = writeln!(out, "{}", summary_line(r));
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
    if r.lifecycle_ignored > 0 {
        let _ = writeln!(
            out,
            "\n{} ignored by `lifecycle.ignore_changes`.",
            plural(r.lifecycle_ignored, "change")
        );
    }
    let _ = writeln!(out, "\n<sub>{} · {} · {}</sub>", m.cloud, m.subscription, phases(m));
    out
}

/// The report as SARIF, through the diagnostics renderer: one warning per
/// resource changed or deleted outside aksplan and per difference from the
/// configuration, at its resource block (`block_of`), and one for a lock
/// held while the report was made. `dir` is as for [`super::sarif::sarif`].
pub fn sarif(
    r: &Report,
    m: &Meta,
    block_of: &dyn Fn(&Instance) -> Option<Span>,
    sources: &Sources,
    dir: &std::path::Path,
) -> Json {
    let mut diags = Diagnostics::new();
    if let Some(l) = &m.locked {
        diags.push(
            Diagnostic::warning("The state was locked while the drift report was made")
                .with_code("DRIFT000")
                .with_detail(l.sentence()),
        );
    }
    for x in &r.resources {
        let (code, summary, detail) = match x.status {
            Status::Changed => (
                "DRIFT001",
                "Changed outside aksplan",
                x.changes
                    .iter()
                    .map(|c| format!("{}: {} -> {}", c.path, shown(&c.before), shown(&c.after)))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Status::Deleted => (
                "DRIFT002",
                "Deleted outside aksplan",
                x.id.clone().unwrap_or_else(|| "no id".into()),
            ),
        };
        diags.push(
            Diagnostic::warning(summary)
                .with_code(code)
                .with_detail(format!("{} ({detail})", x.addr))
                .with_opt_span(block_of(&x.addr)),
        );
    }
    for d in &r.differences {
        let mut detail = format!("{}: apply would {}", d.addr, verb(d.action));
        if !d.paths.is_empty() {
            let _ = write!(detail, " ({})", d.paths.join(", "));
        }
        if let Some(reason) = &d.reason {
            let _ = write!(detail, " {reason}");
        }
        diags.push(
            Diagnostic::warning("Differs from the configuration")
                .with_code("DRIFT003")
                .with_detail(detail)
                .with_opt_span(block_of(&d.addr)),
        );
    }
    super::sarif::sarif(&diags, sources, dir)
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
            lifecycle_ignored: 1,
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
            locked: Some(Locked {
                holder: Some(LockInfo {
                    id: Some("5d2e".into()),
                    operation: "apply".into(),
                    pid: 4242,
                    pid_start: None,
                    host: "build-7".into(),
                    who: "ana@build-7".into(),
                    since: "2026-12-01T06:17:00Z".into(),
                    created: String::new(),
                }),
                stale: false,
            }),
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
        assert_eq!(
            j["lock"],
            json!({"stale": false, "id": "5d2e", "operation": "apply", "who": "ana@build-7",
                   "pid": 4242, "host": "build-7", "since": "2026-12-01T06:17:00Z"})
        );
        assert_eq!(j["summary"]["lifecycle_ignored"], 1);
        let unlocked = Meta { locked: None, ..meta() };
        assert_eq!(json(&report(), &unlocked)["lock"], Json::Null);
        assert!(!text(&report(), &unlocked).contains("Warning"));
    }

    #[test]
    fn sarif_report_has_a_result_per_finding_at_its_block() {
        let mut sources = Sources::default();
        let f = sources.add("main.tf", "resource \"azurerm_resource_group\" \"this\" {\n}\n");
        let block_of = |a: &Instance| (a.to_string() == "azurerm_resource_group.this").then(|| Span::new(f, 0..41));
        let s = sarif(&report(), &meta(), &block_of, &sources, std::path::Path::new("infra"));
        let results = s["runs"][0]["results"].as_array().unwrap();
        let rules: Vec<&str> = results.iter().map(|r| r["ruleId"].as_str().unwrap()).collect();
        assert_eq!(rules, ["DRIFT000", "DRIFT001", "DRIFT002", "DRIFT003"]);
        let changed = &results[1];
        assert_eq!(
            changed["message"]["text"],
            "Changed outside aksplan: azurerm_resource_group.this (tags.owner: (absent) -> \"someone\"; secret: (sensitive value) -> (sensitive value))"
        );
        let at = &changed["locations"][0]["physicalLocation"];
        assert_eq!(at["artifactLocation"]["uri"], "infra/main.tf");
        assert_eq!(at["region"]["startLine"], 1);
        assert_eq!(results[2]["locations"], json!([]), "no block for the subnet here");
        assert!(results[0]["message"]["text"].as_str().unwrap().contains("pid 4242"));
    }
}
