//! The state journal left by an interrupted apply, read through the real
//! binary: a last line cut short by a crash is ignored with a warning; an
//! unreadable line before it is an error naming the file and line, and
//! nothing is written.

mod common;

use common::{run, write};
use serde_json::{json, Value as Json};
use std::path::Path;

const CONFIG: &str = r#"
resource "azurerm_resource_group" "a" {
  name     = "rg-journal-a"
  location = "westeurope"
}

resource "azurerm_resource_group" "b" {
  name     = "rg-journal-b"
  location = "westeurope"
}
"#;

/// An applied configuration, and its state's lineage and serial.
fn applied() -> (tempfile::TempDir, Json) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", CONFIG)]);
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let state: Json = serde_json::from_slice(&std::fs::read(dir.path().join("aksplan.tfstate")).unwrap()).unwrap();
    let base = json!({"base": {"lineage": state["lineage"], "serial": state["serial"]}});
    (dir, base)
}

fn journal(dir: &Path, text: &str) {
    std::fs::write(dir.join("aksplan.tfstate.journal"), text).unwrap();
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

const REMOVE_B: &str = r#"{"remove":{"address":"azurerm_resource_group.b"}}"#;

#[test]
fn a_torn_last_line_is_a_warning_and_the_lines_before_it_count() {
    let (dir, base) = applied();
    // An apply destroying b recorded that, then was killed mid-line.
    let b = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-journal-b";
    let r = run(dir.path(), &["sim", "delete", b]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    journal(
        dir.path(),
        &format!("{base}\n{REMOVE_B}\n{{\"set\":{{\"address\":\"azurerm_res"),
    );
    let r = run(dir.path(), &["state", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout, "azurerm_resource_group.a\n",
        "the removal on line 2 is replayed"
    );
    let said = flat(&r.stderr);
    assert!(said.contains("Torn state journal line ignored"), "{said}");
    assert!(
        said.contains("aksplan.tfstate.journal:3: the journal's last line was cut short"),
        "{said}"
    );

    // An apply continues from there: it drops the torn line, records b
    // again, and folds the journal into the state.
    let r = run(dir.path(), &["apply", "--auto-approve"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!dir.path().join("aksplan.tfstate.journal").exists());
    let r = run(dir.path(), &["state", "list"]);
    assert_eq!(r.stdout, "azurerm_resource_group.a\nazurerm_resource_group.b\n");
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn an_unreadable_line_before_the_last_is_an_error_and_nothing_is_written() {
    let (dir, base) = applied();
    let text = format!("{base}\n{{\"remove\":\n{REMOVE_B}\n");
    journal(dir.path(), &text);
    let state = std::fs::read(dir.path().join("aksplan.tfstate")).unwrap();
    for args in [
        &["state", "list"][..],
        &["plan"],
        &["apply", "--auto-approve"],
        &["state", "rm", "azurerm_resource_group.a"],
        &["drift"],
    ] {
        let r = run(dir.path(), args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stdout);
        let said = flat(&r.stderr);
        assert!(said.contains("Cannot load the state"), "{args:?}: {said}");
        assert!(
            said.contains("aksplan.tfstate.journal:2: the state journal's line 2 cannot be read"),
            "{args:?}: {said}"
        );
        assert!(said.contains("move the journal aside"), "{args:?}: {said}");
        assert_eq!(
            std::fs::read(dir.path().join("aksplan.tfstate")).unwrap(),
            state,
            "{args:?}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("aksplan.tfstate.journal")).unwrap(),
            text,
            "{args:?}"
        );
        assert!(!dir.path().join(".aksplan.tfstate.lock.json").exists(), "{args:?}");
    }
}
