//! What aksplan refuses rather than do what Terraform would not: through
//! the real binary, each test named after the behaviour.

mod common;

use common::{run, write};

#[test]
fn a_saved_plan_refuses_variables_it_was_not_made_with() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "variable \"v\" {\n  default = \"a\"\n}\nresource \"terraform_data\" \"d\" {\n  input = var.v\n}\n",
        )],
    );
    let plan = run(dir.path(), &["plan", "--out", "tfplan"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    for extra in [&["--var", "v=b"][..], &["--var-file", "x.tfvars"][..]] {
        let mut args = vec!["apply"];
        args.extend_from_slice(extra);
        args.push("tfplan");
        let r = run(dir.path(), &args);
        assert_eq!(r.code, 1, "{args:?}");
        assert!(
            r.stderr.contains("Can't set variables when applying a saved plan"),
            "{}",
            r.stderr
        );
    }
    let r = run(dir.path(), &["apply", "tfplan"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_directory_without_configuration_refuses_to_plan_and_apply_but_destroys() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("main.tf", "resource \"terraform_data\" \"d\" {\n  input = 1\n}\n")],
    );
    assert_eq!(run(dir.path(), &["apply", "--auto-approve"]).code, 0);
    std::fs::remove_file(dir.path().join("main.tf")).unwrap();
    for args in [&["plan"][..], &["apply", "--auto-approve"][..]] {
        let r = run(dir.path(), args);
        assert_eq!(r.code, 1, "{args:?}");
        assert!(r.stderr.contains("No configuration files"), "{}", r.stderr);
    }
    let state = std::fs::read_to_string(dir.path().join("aksplan.tfstate")).unwrap_or_default();
    assert!(state.contains("terraform_data"), "nothing was destroyed");
    let r = run(dir.path(), &["destroy", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("1 destroyed"), "{}", r.stdout);
}
