//! Diagnostics as SARIF 2.1.0, for code-scanning annotations: each result
//! carries its rule code, message and region in the .tf file.

use crate::diag::{Diagnostics, Severity, Sources};
use serde_json::{json, Value as Json};

/// Language errors (syntax, references, types) have no rule code of their own.
const LANGUAGE_RULE: &str = "configuration";

/// `dir` is where the configuration is, relative to where aksplan runs
/// (the repository root in CI), so that each `uri` points at the file.
pub fn sarif(diags: &Diagnostics, sources: &Sources, dir: &std::path::Path) -> Json {
    let mut rules: Vec<Json> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let results: Vec<Json> = diags
        .iter()
        .map(|d| {
            let rule = d.code.unwrap_or(LANGUAGE_RULE);
            if !seen.contains(&rule) {
                seen.push(rule);
                let description = if d.code.is_some() {
                    d.summary.clone()
                } else {
                    "The configuration is not valid Terraform for aksplan".to_string()
                };
                rules.push(json!({
                    "id": rule,
                    "shortDescription": {"text": description},
                    "helpUri": "https://github.com/aksplan/aksplan#aks-rules",
                }));
            }
            let mut message = d.summary.clone();
            if !d.detail.is_empty() {
                message = format!("{message}: {}", d.detail);
            }
            if let Some(h) = &d.help {
                message = format!("{message} ({h})");
            }
            let locations: Vec<Json> = d
                .span
                .map(|s| {
                    let f = sources.get(s.file);
                    let (start, end) = (f.position(s.start), f.end_position(s.end));
                    json!({"physicalLocation": {
                        "artifactLocation": {"uri": uri(dir, &f.name), "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": start.line,
                            "startColumn": start.column,
                            "endLine": end.line,
                            "endColumn": end.column,
                        },
                    }})
                })
                .into_iter()
                .collect();
            json!({
                "ruleId": rule,
                "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": {"text": message},
                "locations": locations,
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "aksplan",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/aksplan/aksplan",
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

/// A file's path as a URI relative to where aksplan runs.
fn uri(dir: &std::path::Path, name: &str) -> String {
    let path = dir.join(name);
    let path = path.strip_prefix(".").unwrap_or(&path);
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Diagnostic, Span};

    #[test]
    fn results_carry_rule_message_and_region() {
        let mut sources = Sources::default();
        let f = sources.add(
            "main.tf",
            "resource \"x\" \"y\" {\n  kubernetes_version = \"1.20\"\n}\n",
        );
        let mut diags = Diagnostics::new();
        diags.push(
            Diagnostic::error("Kubernetes version not offered")
                .with_code("AKS004")
                .with_span(Span::new(f, 21..47))
                .with_detail("1.20 is not supported"),
        );
        diags.push(Diagnostic::warning("Unused variable"));
        let s = sarif(&diags, &sources, std::path::Path::new("."));
        assert_eq!(s["version"], "2.1.0");
        let r = &s["runs"][0]["results"][0];
        assert_eq!(r["ruleId"], "AKS004");
        assert_eq!(r["level"], "error");
        assert_eq!(
            r["message"]["text"],
            "Kubernetes version not offered: 1.20 is not supported"
        );
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (region["startLine"].clone(), region["startColumn"].clone()),
            (json!(2), json!(3))
        );
        assert_eq!(
            (region["endLine"].clone(), region["endColumn"].clone()),
            (json!(2), json!(29))
        );
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "main.tf"
        );
        let warning = &s["runs"][0]["results"][1];
        assert_eq!(
            (warning["ruleId"].clone(), warning["level"].clone()),
            (json!("configuration"), json!("warning"))
        );
        assert_eq!(warning["locations"], json!([]));
        let rules = s["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(uri(std::path::Path::new("infra/aks"), "main.tf"), "infra/aks/main.tf");
    }
}
