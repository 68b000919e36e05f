//! `terraform_remote_state` through the binary: a consumer reads the root
//! outputs a producer applied with aksplan (default local backend, a
//! workspace, a blob in Azurite), a state terraform wrote (the fixture in
//! tests/fixtures/remote_state, with terraform's own plan of the same
//! consumer to compare with), `defaults`, a missing state, and errors at
//! the argument they are about.

#[path = "common/azurite.rs"]
mod azurite;
mod common;

use common::{run, run_env, write, Run};
use serde_json::{json, Value as Json};
use std::path::Path;

const PRODUCER: &str = r#"
resource "terraform_data" "cluster" {
  input = "aks-${terraform.workspace}"
}
output "cluster_name" {
  value = terraform_data.cluster.output
}
output "tags" {
  value = { env = terraform.workspace, team = "platform" }
}
output "kube_admin" {
  value     = "secret-${terraform.workspace}"
  sensitive = true
}
"#;

/// A consumer of the state `remote` (the data source's arguments) names.
fn consumer(remote: &str) -> String {
    format!(
        r#"
data "terraform_remote_state" "platform" {{
{remote}
  defaults = {{
    cluster_name = "unused"
    region       = "westeurope"
  }}
}}
output "cluster_name" {{
  value = data.terraform_remote_state.platform.outputs.cluster_name
}}
output "region" {{
  value = data.terraform_remote_state.platform.outputs.region
}}
output "team" {{
  value = data.terraform_remote_state.platform.outputs.tags["team"]
}}
output "kube_admin" {{
  value     = data.terraform_remote_state.platform.outputs.kube_admin
  sensitive = true
}}
"#
    )
}

fn ok(r: Run, what: &str) -> String {
    assert_eq!(r.code, 0, "{what}\n{}\n{}", r.stdout, r.stderr);
    r.stdout
}

/// `producer/` applied (in `workspace`, when given) and `consumer/` written,
/// side by side.
fn producer_and_consumer(remote: &str, workspace: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let producer = dir.path().join("producer");
    write(
        dir.path(),
        &[("producer/main.tf", PRODUCER), ("consumer/main.tf", &consumer(remote))],
    );
    if let Some(ws) = workspace {
        ok(run(&producer, &["workspace", "new", ws]), "workspace new");
    }
    ok(run(&producer, &["apply", "--auto-approve"]), "producer apply");
    dir
}

fn plan_json(dir: &Path) -> Json {
    let out = ok(run(dir, &["plan", "--format", "json"]), "plan --format json");
    serde_json::from_str(&out).unwrap()
}

fn data_resource(plan: &Json) -> &Json {
    plan["prior_state"]["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "data.terraform_remote_state.platform")
        .expect("the data source in prior_state")
}

#[test]
fn a_consumer_reads_what_an_aksplan_producer_applied() {
    // The path terraform's producer would write, `terraform.tfstate`, finds
    // the state of aksplan's producer with no backend block.
    let remote = r#"  backend = "local"
  config = { path = "../producer/terraform.tfstate" }"#;
    let dir = producer_and_consumer(remote, None);
    let consumer = dir.path().join("consumer");
    let out = ok(run(&consumer, &["plan", "-no-color"]), "plan");
    assert!(out.contains("+ cluster_name = \"aks-default\""), "{out}");
    assert!(out.contains("+ region       = \"westeurope\""), "a default: {out}");
    assert!(out.contains("+ team         = \"platform\""), "{out}");
    assert!(out.contains("+ kube_admin   = (sensitive value)"), "{out}");
    assert!(!out.contains("secret-default"), "{out}");

    let plan = plan_json(&consumer);
    assert!(
        plan["resource_changes"].as_array().unwrap().is_empty(),
        "read at plan time"
    );
    let data = data_resource(&plan);
    assert_eq!(data["provider_name"], "terraform.io/builtin/terraform");
    assert_eq!(data["values"]["backend"], "local");
    assert_eq!(data["values"]["workspace"], Json::Null);
    assert_eq!(
        data["values"]["outputs"],
        json!({"cluster_name": "aks-default", "region": "westeurope", "kube_admin": null,
               "tags": {"env": "default", "team": "platform"}})
    );
    assert_eq!(data["sensitive_values"]["outputs"]["kube_admin"], true);
    assert!(!plan.to_string().contains("secret-default"));

    // Applied, the outputs are the remote ones.
    let out = ok(run(&consumer, &["apply", "--auto-approve", "-no-color"]), "apply");
    assert!(out.contains("cluster_name = \"aks-default\""), "{out}");
    assert!(
        out.contains("kube_admin = (sensitive value)") && !out.contains("secret-default"),
        "{out}"
    );
}

#[test]
fn a_remote_sensitive_output_stays_sensitive() {
    // Terraform 1.11 drops the mark; aksplan keeps it, so an output showing
    // it must say sensitive = true.
    let dir = producer_and_consumer(
        "  backend = \"local\"\n  config = { path = \"../producer/aksplan.tfstate\" }",
        None,
    );
    let consumer = dir.path().join("consumer");
    let text = r#"data "terraform_remote_state" "platform" {
  backend = "local"
  config  = { path = "../producer/aksplan.tfstate" }
}
output "shown" {
  value = data.terraform_remote_state.platform.outputs.kube_admin
}
"#;
    write(&consumer, &[("main.tf", text)]);
    let r = run(&consumer, &["plan", "-no-color"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("Output refers to sensitive values"), "{}", r.stderr);
    assert!(!format!("{}{}", r.stdout, r.stderr).contains("secret-default"));
}

#[test]
fn a_workspace_is_read_from_the_workspace_directory() {
    let remote = r#"  backend   = "local"
  workspace = "dev"
  config    = { workspace_dir = "../producer/terraform.tfstate.d" }"#;
    let dir = producer_and_consumer(remote, Some("dev"));
    assert!(dir
        .path()
        .join("producer/terraform.tfstate.d/dev/aksplan.tfstate")
        .exists());
    let out = ok(run(&dir.path().join("consumer"), &["plan", "-no-color"]), "plan");
    assert!(out.contains("+ cluster_name = \"aks-dev\""), "{out}");
}

/// stderr with the renderer's wrapping taken out.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_missing_state_is_an_error_at_the_workspace_or_the_block() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"data "terraform_remote_state" "none" {
  backend  = "local"
  config   = { path = "../nowhere/terraform.tfstate" }
  defaults = { a = "b" }
}
data "terraform_remote_state" "ws" {
  backend   = "local"
  workspace = "staging"
}
output "a" {
  value = data.terraform_remote_state.none.outputs.a
}
"#;
    write(dir.path(), &[("main.tf", text)]);
    let r = run(dir.path(), &["plan", "-no-color"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let err = flat(&r.stderr);
    assert!(
        err.contains(
            "data.terraform_remote_state.none: Unable to find remote state on main.tf line 1: 1: data \"terraform_remote_state\" \"none\" {"
        ),
        "{}",
        r.stderr
    );
    assert!(
        err.contains(
            "data.terraform_remote_state.ws: Unable to find remote state on main.tf line 8, in data \"terraform_remote_state\" \"ws\": 8: workspace = \"staging\""
        ),
        "{}",
        r.stderr
    );
    assert!(err.contains("No stored state was found for the given workspace in the given backend."));
}

#[test]
fn an_unknown_backend_is_an_error_at_the_backend_argument() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"data "terraform_remote_state" "p" {
  config  = { path = "x" }
  backend = "nosuch"
}
data "terraform_remote_state" "s3" {
  backend = "s3"
  config  = { bucket = "b", key = "k" }
}
data "terraform_remote_state" "local" {
  backend = "local"
  config  = { bucket = "b" }
}
"#;
    write(dir.path(), &[("main.tf", text)]);
    for cmd in ["plan", "validate"] {
        let r = run(dir.path(), &[cmd, "-no-color"]);
        assert_eq!(r.code, 1, "{cmd}: {}", r.stdout);
        let err = flat(&r.stderr);
        for said in [
            "data.terraform_remote_state.p: Invalid backend configuration on main.tf line 3, in data \"terraform_remote_state\" \"p\": 3: backend = \"nosuch\"",
            "There is no backend type named \"nosuch\".",
            "data.terraform_remote_state.s3: Unsupported backend type on main.tf line 6, in data \"terraform_remote_state\" \"s3\": 6: backend = \"s3\"",
            "data.terraform_remote_state.local: Invalid backend configuration on main.tf line 11, in data \"terraform_remote_state\" \"local\": 11: config = { bucket = \"b\" }",
            "not valid for backend \"local\": unexpected attribute \"bucket\".",
        ] {
            assert!(err.contains(said), "{cmd}: {said:?} not in\n{}", r.stderr);
        }
    }
}

/// The fixture's directories, copied: `terraform/` (terraform's state) and
/// `consumer/` (terraform's plan of it in plan.json).
fn terraform_fixture() -> tempfile::TempDir {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/remote_state");
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "terraform/main.tf",
        "terraform/terraform.tfstate",
        "consumer/main.tf",
        "consumer/plan.json",
    ] {
        let to = dir.path().join(f);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from.join(f), to).unwrap();
    }
    dir
}

#[test]
fn a_state_terraform_wrote_is_read_as_terraform_reads_it() {
    let dir = terraform_fixture();
    let consumer = dir.path().join("consumer");
    let theirs: Json = serde_json::from_str(&std::fs::read_to_string(consumer.join("plan.json")).unwrap()).unwrap();
    std::fs::remove_file(consumer.join("plan.json")).unwrap();
    let ours = plan_json(&consumer);
    let (o, t) = (data_resource(&ours), data_resource(&theirs));
    for k in ["address", "mode", "type", "name", "provider_name"] {
        assert_eq!(o[k], t[k], "{k}");
    }
    // The values are terraform's, but for the sensitive output: null and
    // marked in aksplan's plan (terraform drops the mark and shows it).
    let mut expected = t["values"].clone();
    assert_eq!(expected["outputs"]["kube_admin"], "tf-secret-value");
    expected["outputs"]["kube_admin"] = Json::Null;
    assert_eq!(o["values"], expected);
    assert_eq!(o["sensitive_values"]["outputs"]["kube_admin"], true);
    assert!(!ours.to_string().contains("tf-secret-value"));
    for name in ["cluster_name", "region", "tags", "first_zone"] {
        assert_eq!(
            ours["output_changes"][name]["after"], theirs["output_changes"][name]["after"],
            "{name}"
        );
    }
    // The state file itself is left as terraform wrote it.
    let kept = std::fs::read(dir.path().join("terraform/terraform.tfstate")).unwrap();
    let fixture = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/remote_state/terraform/terraform.tfstate"),
    )
    .unwrap();
    assert_eq!(kept, fixture);
}

mod blob {
    use super::*;
    use azurite::{Azurite, ACCOUNT, KEY};

    fn aks(dir: &Path, args: &[&str]) -> Run {
        run_env(dir, args, &[("ARM_ACCESS_KEY", KEY)])
    }

    #[test]
    fn a_consumer_reads_a_producers_blob_and_its_workspaces() {
        let Some(az) = Azurite::shared() else { return };
        let container = "remote-state";
        let backend = |key: &str| {
            format!(
                r#"  storage_account_name = "{ACCOUNT}"
  container_name       = "{container}"
  key                  = "{key}"
  endpoint             = "{}""#,
                az.endpoint
            )
        };
        let dir = tempfile::tempdir().unwrap();
        let producer = dir.path().join("producer");
        let block = format!(
            "terraform {{\n  backend \"azurerm\" {{\n{}\n  }}\n}}\n",
            backend("platform.tfstate")
        );
        write(&producer, &[("main.tf", &format!("{block}{PRODUCER}"))]);
        use aksplan::state::backend::azurerm::{auth, blob::BlobClient, sign};
        let key = auth::Secret::new(sign::decode_key(KEY).unwrap());
        BlobClient::new(&az.endpoint, ACCOUNT, container, auth::Auth::SharedKey { key })
            .unwrap()
            .create_container()
            .unwrap();
        ok(aks(&producer, &["init"]), "init");
        ok(aks(&producer, &["apply", "--auto-approve"]), "apply default");
        ok(aks(&producer, &["workspace", "new", "dev"]), "workspace new");
        ok(aks(&producer, &["apply", "--auto-approve"]), "apply dev");

        let consumer = dir.path().join("consumer");
        let remote = |ws: &str| {
            format!(
                "  backend   = \"azurerm\"\n  workspace = \"{ws}\"\n  config = {{\n{}\n  }}",
                backend("platform.tfstate")
            )
        };
        for ws in ["default", "dev"] {
            write(&consumer, &[("main.tf", &consumer_text(&remote(ws)))]);
            let out = ok(aks(&consumer, &["plan", "-no-color"]), ws);
            assert!(out.contains(&format!("+ cluster_name = \"aks-{ws}\"")), "{ws}: {out}");
            assert!(out.contains("+ kube_admin   = (sensitive value)"), "{out}");
        }
        // A workspace with no blob is no state.
        write(&consumer, &[("main.tf", &consumer_text(&remote("prod")))]);
        let r = aks(&consumer, &["plan", "-no-color"]);
        assert_eq!(r.code, 1, "{}", r.stdout);
        assert!(
            flat(&r.stderr).contains(
                "Unable to find remote state on main.tf line 4, in data \"terraform_remote_state\" \"platform\":"
            ),
            "{}",
            r.stderr
        );
        // Without credentials, the backend says so at `config`.
        write(&consumer, &[("main.tf", &consumer_text(&remote("dev")))]);
        let r = run(&consumer, &["plan", "-no-color"]);
        assert_eq!(r.code, 1, "{}", r.stdout);
        assert!(
            flat(&r.stderr).contains(
                "Invalid backend configuration on main.tf line 5, in data \"terraform_remote_state\" \"platform\":"
            ),
            "{}",
            r.stderr
        );
    }

    fn consumer_text(remote: &str) -> String {
        super::consumer(remote)
    }
}
