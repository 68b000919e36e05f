//! Terraform's command line, on the real binary: a pipeline written for
//! `terraform` gives, step by step, the same output and exit code as the
//! same pipeline in aksplan's own spelling; TF_CLI_ARGS, TF_LOG, version,
//! completion, and the errors Terraform's flag parsing gives.
//!
//! Terraform's spelling runs where the configuration is the `infra`
//! subdirectory, with `-chdir=infra` (which changes to it, as terraform
//! does); aksplan's runs in `infra` itself, so relative paths (`tfplan`,
//! `f.tfvars`) mean the same in both. Each spelling has its own copy of the
//! configuration and its own simulated cloud.

mod common;

use common::{run_env, write, Run};
use std::path::Path;

const MAIN_TF: &str = r#"variable "x" {
  type    = string
  default = "0"
}

variable "location" {
  type    = string
  default = "westeurope"
}

variable "note" {
  type    = string
  default = ""
}

resource "azurerm_resource_group" "rg" {
  name     = "rg-${var.x}"
  location = var.location
  tags = {
    note = var.note
  }
}

output "rg_name" {
  value = azurerm_resource_group.rg.name
}
"#;

/// A fresh directory holding the configuration in `infra/`, with a var
/// file and an unformatted file in a subdirectory.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("infra/main.tf", MAIN_TF),
            ("infra/f.tfvars", "location = \"northeurope\"\n"),
            ("infra/modules/net/main.tf", "locals {\n  a=1\n}\n"),
        ],
    );
    dir
}

fn words(line: &str) -> Vec<String> {
    shlex::split(line).unwrap_or_else(|| panic!("bad test line {line}"))
}

fn run_line(dir: &Path, line: &str, env: &[(&str, &str)]) -> Run {
    let w = words(line);
    let args: Vec<&str> = w.iter().map(String::as_str).collect();
    run_env(dir, &args, env)
}

/// Output that differs between two runs for reasons other than the
/// spelling: the time a JSON plan was made.
fn normalized(stdout: &str) -> String {
    let re = regex::Regex::new(r#""(@?timestamp)": ?"[^"]*""#).unwrap();
    re.replace_all(stdout, r#""$1": "T""#).into_owned()
}

struct Step {
    terraform: &'static str,
    aksplan: &'static str,
    code: i32,
    /// Something the output must show, so that two equal failures do not pass.
    shows: &'static str,
}

const PIPELINE: &[Step] = &[
    Step {
        terraform: "-chdir=infra plan -var x=1 -var-file=f.tfvars -out=tfplan -input=false -lock=false -detailed-exitcode",
        aksplan: "plan --var x=1 --var-file f.tfvars --out tfplan --lock=false --detailed-exitcode",
        code: 2,
        shows: "Plan: 1 to add, 0 to change, 0 to destroy.",
    },
    Step {
        terraform: "-chdir=infra show -json tfplan",
        aksplan: "show --json tfplan",
        code: 0,
        shows: r#""address": "azurerm_resource_group.rg""#,
    },
    Step {
        terraform: "-chdir=infra apply -auto-approve -input=false tfplan",
        aksplan: "apply --auto-approve tfplan",
        code: 0,
        shows: "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.",
    },
    Step {
        terraform: "-chdir=infra output -json",
        aksplan: "output --json",
        code: 0,
        shows: r#""value": "rg-1""#,
    },
    Step {
        terraform: "-chdir=infra output -raw rg_name",
        aksplan: "output --raw rg_name",
        code: 0,
        shows: "rg-1",
    },
    Step {
        terraform: "-chdir=infra plan -var=x=1 -var-file f.tfvars -refresh=false -parallelism=2 -lock-timeout=1s -detailed-exitcode -no-color -compact-warnings",
        aksplan: "plan --var x=1 --var-file f.tfvars --refresh=false --parallelism 2 --lock-timeout 1s --detailed-exitcode --no-color --compact-warnings",
        code: 0,
        shows: "No changes.",
    },
    Step {
        terraform: "-chdir=infra plan -json -var x=1 -var-file=f.tfvars -target=azurerm_resource_group.rg",
        aksplan: "plan --json --var x=1 --var-file f.tfvars --target azurerm_resource_group.rg",
        code: 0,
        shows: r#""type":"change_summary""#,
    },
    Step {
        terraform: "-chdir=infra plan -var x=1 -var-file=f.tfvars -replace=azurerm_resource_group.rg",
        aksplan: "plan --var x=1 --var-file f.tfvars --replace azurerm_resource_group.rg",
        code: 0,
        shows: "Plan: 1 to add, 0 to change, 1 to destroy.",
    },
    Step {
        terraform: "-chdir=infra validate -json",
        aksplan: "validate --format json",
        code: 0,
        shows: r#""valid": true"#,
    },
    Step {
        terraform: "-chdir=infra fmt -check -recursive",
        aksplan: "fmt --check --recursive",
        code: 3,
        shows: "modules/net/main.tf",
    },
    Step {
        terraform: "-chdir=infra fmt -recursive -write=false",
        aksplan: "fmt --recursive --write=false",
        code: 0,
        shows: "modules/net/main.tf",
    },
    Step {
        terraform: "-chdir=infra fmt -recursive -list=false -write=false",
        aksplan: "fmt --recursive --list=false --write=false",
        code: 0,
        shows: "  a = 1",
    },
    Step {
        terraform: "-chdir=infra fmt -recursive -diff",
        aksplan: "fmt --recursive --diff",
        code: 0,
        shows: "+  a = 1",
    },
    Step {
        terraform: "-chdir=infra fmt -check -recursive",
        aksplan: "fmt --check --recursive",
        code: 0,
        shows: "",
    },
    Step {
        terraform: "-chdir=infra state list",
        aksplan: "state list",
        code: 0,
        shows: "azurerm_resource_group.rg",
    },
    Step {
        terraform: "-chdir=infra apply -destroy -auto-approve -var x=1 -var-file=f.tfvars",
        aksplan: "destroy --auto-approve --var x=1 --var-file f.tfvars",
        code: 0,
        shows: "Destroy complete! Resources: 0 added, 0 changed, 1 destroyed.",
    },
    Step {
        terraform: "-chdir=infra destroy -auto-approve -lock=false",
        aksplan: "destroy --auto-approve --lock=false",
        code: 0,
        shows: "Destroy complete!",
    },
];

#[test]
fn a_terraform_pipeline_gives_what_aksplan_spelling_gives() {
    let tf = project();
    let gnu = project();
    for step in PIPELINE {
        let a = run_line(tf.path(), step.terraform, &[]);
        let b = run_line(&gnu.path().join("infra"), step.aksplan, &[]);
        assert_eq!(a.code, step.code, "{}\n{}{}", step.terraform, a.stdout, a.stderr);
        assert_eq!(b.code, step.code, "{}\n{}{}", step.aksplan, b.stdout, b.stderr);
        assert!(a.stdout.contains(step.shows), "{}\n{}", step.terraform, a.stdout);
        assert_eq!(normalized(&a.stdout), normalized(&b.stdout), "{}", step.terraform);
    }
    // -chdir worked in infra: nothing was written where terraform ran.
    assert!(tf.path().join("infra/tfplan").exists());
    assert!(!tf.path().join("tfplan").exists());
}

#[test]
fn tf_cli_args_go_after_the_subcommand() {
    let tf = project();
    let gnu = project();
    let a = run_line(
        tf.path(),
        "-chdir=infra plan",
        &[
            ("TF_CLI_ARGS", "-detailed-exitcode -no-color"),
            ("TF_CLI_ARGS_plan", "-var x=1 -var 'note=a b' -var-file=f.tfvars"),
            // For another command: not used.
            ("TF_CLI_ARGS_apply", "-auto-approve"),
        ],
    );
    let b = run_line(
        &gnu.path().join("infra"),
        "plan --var x=1 --var 'note=a b' --var-file f.tfvars --detailed-exitcode",
        &[],
    );
    assert_eq!((a.code, b.code), (2, 2), "{}{}", a.stdout, a.stderr);
    assert!(a.stdout.contains(r#""note" = "a b""#), "{}", a.stdout);
    assert!(a.stdout.contains(r#"location = "northeurope""#), "{}", a.stdout);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn a_flag_on_the_line_wins_over_tf_cli_args() {
    let tf = project();
    let r = run_line(
        tf.path(),
        "-chdir=infra plan -var x=2 -lock-timeout=1s",
        &[("TF_CLI_ARGS_plan", "-lock-timeout=abc -var x=1")],
    );
    // Go reads -lock-timeout=abc first and fails, as terraform would.
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(r#"invalid value "abc" for flag -lock-timeout"#),
        "{}",
        r.stderr
    );
    let r = run_line(
        tf.path(),
        "-chdir=infra plan -var x=2 -lock-timeout=2s",
        &[("TF_CLI_ARGS_plan", "-lock-timeout=1s -var x=1")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(r#"+ name     = "rg-2""#), "{}", r.stdout);
}

#[test]
fn bad_flags_are_errors_naming_the_flag() {
    let tf = project();
    for (line, says) in [
        ("-chdir=infra plan -foo", "flag provided but not defined: -foo"),
        ("-chdir=infra plan -var -auto-approve", "flag needs an argument: -var"),
        (
            "-chdir=infra plan -lock=maybe",
            r#"invalid boolean value "maybe" for -lock"#,
        ),
        (
            "-chdir=infra plan -parallelism=x",
            r#"invalid value "x" for flag -parallelism"#,
        ),
        (
            "-chdir=infra apply -auto-approve -foo=1",
            "flag provided but not defined: -foo",
        ),
        (
            "-chdir=infra output -destroy",
            "flag provided but not defined: -destroy",
        ),
        ("-foo -chdir=infra plan", "Invalid flags before the subcommand"),
        (
            "-chdir=infra plan -refresh-only",
            "aksplan plan does not support -refresh-only",
        ),
        (
            "-chdir=infra plan -state=other.tfstate",
            "aksplan plan does not support -state",
        ),
        (
            "-chdir=infra destroy -destroy",
            "aksplan destroy does not support -destroy",
        ),
        ("-chdir=missing plan", "Error handling -chdir option"),
    ] {
        let r = run_line(tf.path(), line, &[]);
        assert_eq!(r.code, 1, "{line}");
        assert!(r.stderr.contains(says), "{line}: {}", r.stderr);
        assert_eq!(r.stdout, "", "{line}");
    }
}

#[test]
fn chdir_after_the_subcommand_is_refused_as_terraform_refuses_it() {
    let tf = project();
    let r = run_line(tf.path(), "plan -chdir=infra", &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("flag provided but not defined: -chdir"),
        "{}",
        r.stderr
    );
    assert!(
        common::flat(&r.stderr).contains("aksplan -chdir=DIR plan"),
        "{}",
        r.stderr
    );
    let r = run_line(tf.path(), "-chdir infra plan", &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("must include an equals sign followed by a directory path, like -chdir=example"),
        "{}",
        r.stderr
    );
    // aksplan's own --chdir may come anywhere, as before.
    let r = run_line(tf.path(), "plan --chdir infra", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn lock_false_plans_while_another_run_holds_the_lock() {
    let tf = project();
    let lock = tf.path().join("infra/.aksplan.tfstate.lock.json");
    let held = r#"{"pid": 1, "host": "another-host", "since": "2026-01-01T00:00:00Z", "operation": "apply"}"#;
    std::fs::write(&lock, held).unwrap();
    let r = run_line(tf.path(), "-chdir=infra plan", &[]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Error acquiring the state lock"), "{}", r.stderr);
    let r = run_line(tf.path(), "-chdir=infra plan -lock=false", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.to_lowercase().contains("lock"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&lock).unwrap(), held);
}

#[test]
fn input_false_does_not_approve_an_apply() {
    // As in terraform, -input=false (or TF_INPUT=0) concerns variables;
    // approval is still needed, and there is no terminal to ask on.
    let tf = project();
    for (line, env) in [
        ("-chdir=infra apply -input=false", vec![]),
        ("-chdir=infra apply", vec![("TF_INPUT", "0"), ("TF_IN_AUTOMATION", "1")]),
    ] {
        let r = run_line(tf.path(), line, &env);
        assert_eq!(r.code, 1, "{line}");
        assert!(r.stderr.contains("No terminal to confirm on"), "{}", r.stderr);
        assert!(!r.stdout.contains("Apply complete"), "{}", r.stdout);
    }
    let r = run_line(tf.path(), "-chdir=infra state list", &[]);
    assert_eq!(r.stdout, "");
}

#[test]
fn tf_input_and_tf_in_automation_change_nothing_else() {
    let tf = project();
    let plain = run_line(tf.path(), "-chdir=infra plan -var x=1", &[]);
    let automated = run_line(
        tf.path(),
        "-chdir=infra plan -var x=1",
        &[("TF_INPUT", "0"), ("TF_IN_AUTOMATION", "true")],
    );
    assert_eq!(plain.code, 0);
    assert_eq!((plain.code, plain.stdout), (automated.code, automated.stdout));
}

#[test]
fn compact_warnings_show_each_warning_s_summary_and_place() {
    let tf = project();
    write(
        tf.path(),
        &[(
            "infra/post.tf",
            "\n\nresource \"kubernetes_namespace\" \"n\" {\n  metadata {\n    name = \"x\"\n  }\n}\n",
        )],
    );
    let r = run_line(tf.path(), "-chdir=infra validate -compact-warnings", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "\nWarnings:\n\n- Provider not supported by aksplan\n  on post.tf line 3\n\nTo see the full warning notes, run aksplan without -compact-warnings.\n"
    );
    let full = run_line(tf.path(), "-chdir=infra validate", &[]);
    assert!(
        full.stderr
            .contains("aksplan does not implement the kubernetes provider"),
        "{}",
        full.stderr
    );
    // With an error, warnings are shown in full, as in terraform.
    let r = run_line(tf.path(), "-chdir=infra validate -compact-warnings -var x", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stderr.contains("Warnings:"), "{}", r.stderr);
    assert!(
        r.stderr.contains("aksplan does not implement the kubernetes provider"),
        "{}",
        r.stderr
    );
}

#[test]
fn version_prints_aksplan_s_version_and_platform() {
    let dir = tempfile::tempdir().unwrap();
    let r = run_line(dir.path(), "version", &[]);
    assert_eq!(r.code, 0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], format!("aksplan v{}", env!("CARGO_PKG_VERSION")));
    assert!(lines[1].starts_with("on ") && lines[1].contains('_'), "{}", r.stdout);
    assert_eq!(lines.last().unwrap(), &"implements the language of Terraform v1.11.0");
    for alias in ["-version", "-v", "--version", "plan -version"] {
        assert_eq!(run_line(dir.path(), alias, &[]).stdout, r.stdout, "{alias}");
    }

    let j = run_line(dir.path(), "version -json", &[]);
    assert_eq!(j.code, 0);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "terraform_version",
            "platform",
            "provider_selections",
            "terraform_outdated",
            "aksplan_version"
        ]
    );
    assert_eq!(v["terraform_version"], "1.11.0");
    assert_eq!(format!("on {}", v["platform"].as_str().unwrap()), lines[1]);
    assert_eq!(v["provider_selections"], serde_json::json!({}));
    assert_eq!(v["terraform_outdated"], false);
    assert_eq!(run_line(dir.path(), "-version -json", &[]).stdout, j.stdout);
    assert_eq!(run_line(dir.path(), "version --json", &[]).stdout, j.stdout);
}

#[test]
fn version_lists_the_providers_of_the_lock_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "infra/.terraform.lock.hcl",
            "provider \"registry.terraform.io/hashicorp/azurerm\" {\n  version     = \"4.14.0\"\n  constraints = \"~> 4.0\"\n}\n",
        )],
    );
    let r = run_line(dir.path(), "-chdir=infra version", &[]);
    assert!(
        r.stdout
            .contains("\n+ provider registry.terraform.io/hashicorp/azurerm v4.14.0\n"),
        "{}",
        r.stdout
    );
    let j: serde_json::Value =
        serde_json::from_str(&run_line(dir.path(), "-chdir=infra version -json", &[]).stdout).unwrap();
    assert_eq!(
        j["provider_selections"],
        serde_json::json!({"registry.terraform.io/hashicorp/azurerm": "4.14.0"})
    );
}

#[test]
fn completion_scripts_are_printed_for_each_shell() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let r = run_line(dir.path(), &format!("completion {shell}"), &[]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(r.stdout.contains("aksplan"), "{shell}");
        assert!(r.stdout.contains("destroy"), "{shell}: subcommands are completed");
        assert!(r.stdout.contains("auto-approve"), "{shell}: options are completed");
    }
    let r = run_line(dir.path(), "completion tcsh", &[]);
    assert_eq!(r.code, 1);
    for flag in ["-install-autocomplete", "-uninstall-autocomplete"] {
        let r = run_line(dir.path(), flag, &[]);
        assert_eq!(r.code, 1, "{flag}");
        assert!(
            common::flat(&r.stderr).contains("aksplan completion bash|zsh|fish|powershell"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn tf_log_debug_logs_phases_to_tf_log_path_and_no_values() {
    let tf = project();
    let r = run_line(
        tf.path(),
        "-chdir=infra plan",
        &[
            ("TF_LOG", "debug"),
            ("TF_LOG_PATH", "aksplan.log"),
            ("TF_VAR_note", "note-value-9d1f"),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("[DEBUG]"), "{}", r.stderr);
    // Opened before -chdir, where aksplan was run, as terraform does.
    let log = std::fs::read_to_string(tf.path().join("aksplan.log")).unwrap();
    for phase in [
        "[INFO] aksplan v",
        "[INFO] command: plan",
        "[DEBUG] phase load: ",
        "[DEBUG] phase refresh: ",
        "[DEBUG] phase plan: ",
    ] {
        assert!(log.contains(phase), "{phase}: {log}");
    }
    assert!(!log.contains("note-value-9d1f"), "{log}");
    // Appended, never truncated.
    run_line(
        tf.path(),
        "-chdir=infra plan",
        &[("TF_LOG", "DEBUG"), ("TF_LOG_PATH", "aksplan.log")],
    );
    let again = std::fs::read_to_string(tf.path().join("aksplan.log")).unwrap();
    assert!(again.starts_with(&log) && again.len() > log.len());

    // INFO leaves the phases out; JSON is TRACE as JSON lines, on stderr.
    let r = run_line(tf.path(), "-chdir=infra plan", &[("TF_LOG", "INFO")]);
    assert!(
        r.stderr.contains("[INFO] command: plan") && !r.stderr.contains("phase"),
        "{}",
        r.stderr
    );
    let r = run_line(tf.path(), "-chdir=infra plan", &[("TF_LOG", "JSON")]);
    let lines: Vec<serde_json::Value> = r
        .stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(lines
        .iter()
        .any(|l| l["@level"] == "debug" && l["@message"].as_str().unwrap().starts_with("phase plan")));
    // Unset: nothing.
    let r = run_line(tf.path(), "-chdir=infra plan", &[]);
    assert_eq!(r.stderr, "");
}

/// Serves the simulated Azure over HTTP on a free port; returns the child and its URL.
fn serve(data: &Path) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("aksplan"))
        .env_clear()
        .args(["sim", "serve", "--quiet", "--addr", "127.0.0.1:0", "--data"])
        .arg(data)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    (child, url)
}

#[test]
fn tf_log_debug_logs_each_http_request_and_never_the_token() {
    let tf = project();
    let (mut server, url) = serve(&tf.path().join("store"));
    let token = "token-5be0c2a9";
    let r = run_line(
        tf.path(),
        &format!("-chdir=infra plan -cloud={url}"),
        &[("TF_LOG", "DEBUG"), ("ARM_ACCESS_TOKEN", token)],
    );
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("[DEBUG] http GET /subscriptions?api-version="),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(" -> 200 in "), "{}", r.stderr);
    assert!(!r.stderr.contains(token), "{}", r.stderr);
    assert!(
        !r.stderr.contains("Authorization") && !r.stderr.contains("Bearer"),
        "{}",
        r.stderr
    );
}
