//! The pull-request comment of a plan that failed, in the spirit of
//! Atlantis' "Plan Error": it leads with the failure, names the directory
//! and the workspace, then gives each error in full (message, `file:line`,
//! the source line, help) and the warnings with their help. It never shows
//! counts: there is no plan to apply, even when one was computed and a rule
//! refused it. Renders what it is given; the command decides that the run
//! failed.

use super::finding::{self, Found};
use super::{Budget, Ran, GITHUB_LIMIT};
use std::fmt::Write;

/// The comment of a failed plan; `found` is what the run reported.
pub fn failure(ran: &Ran, found: &[Found]) -> String {
    failure_within(ran, found, GITHUB_LIMIT)
}

/// `n` `what`s, in words.
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Renders the comment in at most `limit` characters.
pub fn failure_within(ran: &Ran, found: &[Found], limit: usize) -> String {
    let (errors, warnings): (Vec<Found>, Vec<Found>) = found.iter().partition(|f| f.diagnostic.is_error());
    let mut out = format!("## ❌ aksplan plan failed\n\n{}\n", ran.line());
    let what = match (errors.len(), warnings.len()) {
        (0, _) => "aksplan stopped with an error; the run's standard error says why.".to_string(),
        (e, 0) => format!("{}. There is no plan to apply.", count(e, "error")),
        (e, w) => format!(
            "{} and {}. There is no plan to apply.",
            count(e, "error"),
            count(w, "warning")
        ),
    };
    let _ = writeln!(out, "**Plan Error:** {what}");

    // Errors first, then warnings, each while it fits.
    let mut budget = Budget::after(limit, &out);
    let mut left_out = 0;
    for f in &errors {
        let section = finding::section(*f);
        if budget.take(&section) {
            out.push_str(&section);
        } else {
            left_out += 1;
        }
    }
    if !warnings.is_empty() {
        let title = "\n### ⚠️ Warnings\n\n";
        budget.take(title);
        out.push_str(title);
        for f in &warnings {
            let item = finding::item(*f);
            if budget.take(&item) {
                out.push_str(&item);
            } else {
                left_out += 1;
            }
        }
    }
    if left_out > 0 {
        let _ = writeln!(
            out,
            "\n_{} left out to stay under GitHub's {limit}-character limit; the run's standard error has them all._",
            if left_out == 1 {
                "1 error or warning is".to_string()
            } else {
                format!("{left_out} errors and warnings are")
            }
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Diagnostic, Diagnostics, Sources, Span};

    const RAN: Ran = Ran {
        dir: "infra/prod",
        workspace: "default",
    };

    fn comment(diags: Vec<Diagnostic>, sources: Sources) -> String {
        let reports = vec![(Diagnostics::from_iter(diags), sources)];
        failure(&RAN, &finding::all(&reports))
    }

    #[test]
    fn a_syntax_error() {
        let mut sources = Sources::default();
        let text = "resource \"azurerm_resource_group\" \"rg\" {\n  name     = \"rg\"\n  location = \n}\n";
        let f = sources.add("main.tf", text);
        let at = text.find(" \n}").unwrap() + 1;
        let d = Diagnostic::error("Syntax error")
            .with_detail("invalid expression; expected `\"`, `[`, `{`, letter or digit")
            .with_span(Span::new(f, at..at));
        insta::assert_snapshot!(comment(vec![d], sources));
    }

    #[test]
    fn a_validation_error_with_help() {
        let mut sources = Sources::default();
        let text = "variable \"node_count\" {\n  type    = number\n  default = \"three\"\n}\n";
        let f = sources.add("variables.tf", text);
        let at = text.find("\"three\"").unwrap();
        let d = Diagnostic::error("Invalid default value")
            .with_detail("the default of variable \"node_count\" is not a number: a number is required")
            .with_span(Span::new(f, at..at + 7))
            .with_help("write the default as a number: default = 3");
        insta::assert_snapshot!(comment(vec![d], sources));
    }

    #[test]
    fn an_aks_rule_error_with_code_and_help() {
        let mut sources = Sources::default();
        let text = "resource \"azurerm_subnet\" \"api\" {\n  name = \"apiserver\"\n}\n\nresource \"azurerm_kubernetes_cluster\" \"k\" {\n  api_server_access_profile {\n    subnet_id = azurerm_subnet.api.id\n  }\n}\n";
        let f = sources.add("main.tf", text);
        let subnet = text.find("azurerm_subnet.api.id").unwrap();
        let d = Diagnostic::error("The API server subnet is not delegated to AKS")
            .with_code("VNET001")
            .with_detail("azurerm_subnet.api is the API server subnet of azurerm_kubernetes_cluster.k, but is not delegated to Microsoft.ContainerService/managedClusters")
            .with_span(Span::new(f, 0..33))
            .with_label(Span::new(f, subnet..subnet + 21), "used for API server VNet integration here")
            .with_help("add to the subnet: delegation { name = \"aks\" service_delegation { name = \"Microsoft.ContainerService/managedClusters\" } }");
        insta::assert_snapshot!(comment(vec![d], sources));
    }

    #[test]
    fn several_errors_and_a_warning() {
        let mut sources = Sources::default();
        let text = "locals {\n  a = var.nope\n  b = upper(1, 2)\n}\n";
        let f = sources.add("main.tf", text);
        let (nope, upper) = (text.find("var.nope").unwrap(), text.find("upper").unwrap());
        let diags = vec![
            Diagnostic::error("Reference to undeclared input variable")
                .with_detail("An input variable with the name \"nope\" has not been declared.")
                .with_span(Span::new(f, nope..nope + 8))
                .with_help("declare it with a variable \"nope\" block"),
            Diagnostic::error("Invalid function argument")
                .with_detail("upper takes 1 argument, but 2 are given")
                .with_span(Span::new(f, upper..upper + 11)),
            Diagnostic::warning("Value for undeclared variable")
                .with_detail("a value is given for \"extra\", but the configuration declares no such variable")
                .with_help("remove it from terraform.tfvars"),
        ];
        let lock = Diagnostic::error("Error acquiring the state lock")
            .with_detail("the state is locked: ID 1234, by alice@ci, for plan")
            .with_help("wait for that run to end, retry with --lock-timeout 2m, or, if it is gone, run aksplan force-unlock 1234");
        let reports = vec![
            (Diagnostics::from_iter(diags), sources),
            (Diagnostics::from(lock), Sources::default()),
        ];
        let c = failure(&RAN, &finding::all(&reports));
        assert!(!c.contains("to add"), "{c}");
        insta::assert_snapshot!(c);
    }

    #[test]
    fn nothing_reported_still_says_the_plan_failed() {
        let c = failure(&RAN, &[]);
        assert_eq!(
            c,
            "## ❌ aksplan plan failed\n\nRan Plan for dir: `infra/prod` workspace: `default`\n\n**Plan Error:** aksplan stopped with an error; the run's standard error says why.\n"
        );
    }

    #[test]
    fn the_comment_stays_under_the_limit_and_says_what_it_left_out() {
        let diags: Vec<Diagnostic> = (0..200)
            .map(|i| Diagnostic::error(format!("Error number {i}")).with_detail("d".repeat(3_000)))
            .collect();
        let reports = vec![(Diagnostics::from_iter(diags), Sources::default())];
        let c = failure_within(&RAN, &finding::all(&reports), 20_000);
        assert!(c.chars().count() <= 20_000, "{}", c.chars().count());
        assert!(c.contains("Error number 0"), "the first error leads");
        assert!(c.contains("errors and warnings are left out to stay under GitHub's 20000-character limit"));
    }
}
