//! The live view of an apply on a terminal, through the real binary under a
//! pseudo-terminal (`script`): the permanent lines are the plain ones less
//! "Still ...", the live area is drawn and then cleared before the summary;
//! with standard output piped, even on a terminal, the lines are plain,
//! byte for byte those of a run without a terminal.

mod common;

use common::write;
use std::path::Path;
use std::process::{Command, Stdio};

const SUB: &str = "00000000-0000-0000-0000-000000000000";

const CONFIG: &str = r#"
provider "azurerm" {
  features {}
}
resource "azurerm_resource_group" "rg" {
  name     = "rg-live"
  location = "westeurope"
}
resource "azurerm_virtual_network" "net" {
  name                = "vnet-live"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.9.0.0/16"]
}
"#;

/// A simulated cloud with 300 ms operations, and a configuration beside it.
fn served() -> (common::sim_serve::SimServe, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut server = common::sim_serve::SimServe::start(
        dir.path(),
        &dir.path().join("store"),
        &["--quiet", "--op-ms", "300"],
        Stdio::null(),
    );
    server.drain();
    write(&dir.path().join("w"), &[("main.tf", CONFIG)]);
    (server, dir)
}

/// `aksplan ARGS` in `dir` with a clean environment; "Still ..." lines
/// every 50 ms, so a plain run has some.
fn aksplan(dir: &Path, program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TERM", "xterm")
        .env("ARM_ACCESS_TOKEN", "test-token-live")
        .env("ARM_SUBSCRIPTION_ID", SUB)
        .env("AKSPLAN_PROGRESS_INTERVAL_MS", "50")
        .args(args)
        .stdin(Stdio::null());
    c
}

/// `aksplan apply` under a pseudo-terminal; `tail` is appended to the shell
/// command (`| cat` pipes standard output). Returns the exit code and what
/// the terminal received.
fn apply_on_terminal(server: &common::sim_serve::SimServe, dir: &Path, tail: &str) -> (i32, String) {
    let bin = assert_cmd::cargo::cargo_bin("aksplan");
    let line = format!(
        "'{}' apply -auto-approve -no-color --cloud {}{tail}",
        bin.display(),
        server.url
    );
    let out = aksplan(dir, "script", &["-qec", &line, "/dev/null"]).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Terminal output as text: escape sequences out, `\r\n` as `\n`.
fn text(raw: &str) -> String {
    let csi = regex::Regex::new(r"\x1b\[[0-9;?]*[A-Za-z]").unwrap();
    csi.replace_all(raw, "").replace("\r\n", "\n")
}

fn script_exists() -> bool {
    Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn on_a_terminal_the_operations_are_shown_live_and_the_record_stays() {
    if !script_exists() {
        eprintln!("skipped: no `script` to make a pseudo-terminal");
        return;
    }
    let (server, dir) = served();
    let (code, raw) = apply_on_terminal(&server, &dir.path().join("w"), "");
    let shown = text(&raw);
    assert_eq!(code, 0, "{shown}");
    // The live area was drawn: an operation in flight and the summary.
    assert!(raw.contains("azurerm_virtual_network.net  creating"), "{raw:?}");
    assert!(raw.contains("/2 done, 1 running"), "{raw:?}");
    // The permanent lines, in order; no "Still ..." ones. (The live area's
    // lines end at the terminal's edge rather than with a new line, so
    // they are found by their words.)
    let permanent = regex::Regex::new(r"azurerm_[a-z_]+\.[a-z]+: (Creating\.\.\.|Creation complete after)").unwrap();
    assert_eq!(
        permanent.find_iter(&shown).map(|m| m.as_str()).collect::<Vec<_>>(),
        [
            "azurerm_resource_group.rg: Creating...",
            "azurerm_resource_group.rg: Creation complete after",
            "azurerm_virtual_network.net: Creating...",
            "azurerm_virtual_network.net: Creation complete after",
        ],
        "{shown}"
    );
    assert!(!shown.contains("Still creating"), "{shown}");
    // The live area is cleared before the last words: between its last
    // drawing and them, only erasing and new lines.
    let end = raw.find("Apply complete!").expect("the apply's last words");
    let last = raw[..end].rfind(" running, ").expect("a live summary");
    let between = &raw[last..end];
    let after_summary = &between[between.find(|c: char| c.is_whitespace() && c != ' ').unwrap_or(0)..];
    assert!(between.contains("\x1b[2K"), "{between:?}");
    assert!(text(after_summary).trim().is_empty(), "{between:?}");
    assert!(!text(&raw[end..]).contains(" done, "), "{raw:?}");
}

#[test]
fn piped_the_output_is_the_plain_lines_even_on_a_terminal() {
    if !script_exists() {
        eprintln!("skipped: no `script` to make a pseudo-terminal");
        return;
    }
    // On a terminal, standard output into a pipe.
    let (server, dir) = served();
    let (code, raw) = apply_on_terminal(&server, &dir.path().join("w"), " | cat");
    assert_eq!(code, 0, "{raw}");
    let on_terminal = raw.replace("\r\n", "\n");
    assert!(!on_terminal.contains('\x1b'), "{on_terminal:?}");
    assert!(
        on_terminal.contains("azurerm_virtual_network.net: Still creating... ["),
        "{on_terminal}"
    );
    // Without a terminal at all: the same bytes, "Still ..." lines aside
    // (their number depends on timing).
    let (server2, dir2) = served();
    let bin = assert_cmd::cargo::cargo_bin("aksplan");
    let url = server2.url.clone();
    let out = aksplan(
        &dir2.path().join("w"),
        bin.to_str().unwrap(),
        &["apply", "-auto-approve", "-no-color", "--cloud", &url],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let plain = String::from_utf8(out.stdout).unwrap();
    let steady = |s: &str, url: &str| {
        s.lines()
            .filter(|l| !l.contains(": Still creating..."))
            .map(|l| l.replace(url, "URL"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(steady(&on_terminal, &server.url), steady(&plain, &url));
}
