//! Terraform's terminal look (issue 15, item 7): the plan's legend and
//! colours, and diagnostics without box drawing when not on a terminal,
//! compared with terraform 1.11.4's own output kept in
//! tests/data/terminal_look (see its README for how it was captured).

mod common;

use aksplan::diag::{Diagnostic, Diagnostics, Sources, Span};
use common::{copy_tree, run};
use std::path::{Path, PathBuf};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/terminal_look")
        .join(rel)
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A copy of a data directory, to run aksplan in, with its terraform state.
/// The `plan` fixture copied and initialised.
fn initialised_plan() -> tempfile::TempDir {
    let dir = copy("plan");
    let r = run(dir.path(), &["init"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    dir
}

fn copy(rel: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&data(rel), dir.path());
    let state = data(rel).join("terraform.tfstate");
    if state.exists() {
        std::fs::copy(state, dir.path().join("terraform.tfstate")).unwrap();
    }
    dir
}

/// Each diagnostic of a plain capture, sorted: the text from the blank
/// line before an `Error:` or `Warning:` line to the next such blank line.
fn chunks(text: &str) -> Vec<String> {
    let starts: Vec<usize> = text
        .match_indices('\n')
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || text.as_bytes()[i - 1] == b'\n')
        .filter(|&i| text[i + 1..].starts_with("Error: ") || text[i + 1..].starts_with("Warning: "))
        .collect();
    let mut out: Vec<String> = starts
        .iter()
        .zip(starts.iter().skip(1).copied().chain([text.len()]))
        .map(|(&a, b)| text[a..b].to_string())
        .collect();
    out.sort();
    out
}

const BOX: [char; 8] = ['╷', '│', '╵', '╭', '╰', '─', '×', '┬'];

/// Terraform's diagnostics (from `terraform validate -json`: summary,
/// detail and range) rendered by aksplan's plain renderer are terraform's
/// `-no-color` text, byte for byte: layout, context, line numbers, wrapping.
#[test]
fn plain_diagnostics_are_laid_out_as_terraform_lays_them_out() {
    let mut compared = 0;
    for case in ["native", "json", "duplicate", "warning"] {
        let dir = data(&format!("diagnostics/{case}"));
        let json: serde_json::Value = serde_json::from_str(&read(&dir.join("terraform-validate.json"))).unwrap();
        let mut sources = Sources::default();
        let mut files = std::collections::HashMap::new();
        let mut diags = Diagnostics::new();
        for d in json["diagnostics"].as_array().unwrap() {
            let summary = d["summary"].as_str().unwrap();
            let mut diag = match d["severity"].as_str().unwrap() {
                "error" => Diagnostic::error(summary),
                _ => Diagnostic::warning(summary),
            }
            .with_detail(d["detail"].as_str().unwrap());
            let range = &d["range"];
            let name = range["filename"].as_str().unwrap().to_string();
            let file = *files
                .entry(name.clone())
                .or_insert_with(|| sources.add(name.clone(), read(&dir.join(&name))));
            let byte = |at: &str| range[at]["byte"].as_u64().unwrap() as usize;
            diag = diag.with_span(Span::new(file, byte("start")..byte("end")));
            diags.push(diag);
        }
        let ours = aksplan::cli::views::diagnostics::text(&diags, &sources, false);
        let captured = read(&dir.join("terraform-validate.txt"));
        let theirs = captured.split("Success!").next().unwrap();
        assert_eq!(chunks(&ours), chunks(theirs), "{case}:\n{ours}");
        compared += diags.len();
    }
    assert_eq!(compared, 7);
}

/// With standard error piped, as in CI, diagnostics are plain text in
/// terraform's layout, with aksplan's code and help: no box drawing.
#[test]
fn errors_piped_have_no_box_drawing() {
    let dir = copy("diagnostics/native");
    for args in [&["validate"][..], &["validate", "--no-color"], &["plan"]] {
        let r = run(dir.path(), args);
        assert_eq!(r.code, 1, "{args:?}\n{}{}", r.stdout, r.stderr);
        assert!(!r.stderr.contains(BOX), "{args:?}\n{}", r.stderr);
        assert!(!r.stderr.contains('\x1b'), "{args:?}\n{}", r.stderr);
        assert!(
            r.stderr.contains("\nError: Reference to undeclared or invalid name\n\n  on main.tf line 2, in locals:\n   2:   a = var.nope\n\n"),
            "{args:?}\n{}",
            r.stderr
        );
        assert!(
            r.stderr.contains("\nHelp: declare it: variable \"nope\" {}\n"),
            "{args:?}\n{}",
            r.stderr
        );
    }
}

/// `plan` on terraform's state: the legend lists the symbols the plan uses
/// as terraform's does, with aksplan for Terraform.
#[test]
fn the_legend_is_terraforms_for_the_same_plan() {
    let dir = initialised_plan();
    let r = run(dir.path(), &["plan"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains('\x1b'), "{}", r.stdout);
    let ours = legend(&r.stdout, "aksplan used");
    let theirs = legend(&read(&data("plan/terraform-plan.txt")), "Terraform used");
    // The same symbols, in the same order, said alike.
    assert_eq!(ours.1, theirs.1);
    assert_eq!(ours.1.len(), 6, "{:?}", ours.1);
    // The same sentence, each wrapped at 78 columns.
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(words(&ours.0), words(&theirs.0).replace("Terraform", "aksplan"));
    assert!(ours.0.lines().all(|l| l.len() <= 78), "{}", ours.0);
    // Then what aksplan will do.
    assert!(
        r.stdout.contains(&format!(
            "{}\naksplan will perform the following actions:\n\n",
            ours.1.join("")
        )),
        "{}",
        r.stdout
    );
}

/// The legend in a plan's text: its sentence (up to "symbols:") and its
/// symbol lines.
fn legend(text: &str, start: &str) -> (String, Vec<String>) {
    let from = text.find(start).unwrap_or_else(|| panic!("no legend in\n{text}"));
    let rest = &text[from..];
    let end = rest.find("symbols:\n").unwrap() + "symbols:\n".len();
    let symbols = rest[end..]
        .split_inclusive('\n')
        .take_while(|l| *l != "\n")
        .map(str::to_string)
        .collect();
    (rest[..end].to_string(), symbols)
}

/// `plan` with standard error on a terminal (a pseudo-terminal here):
/// every line of the coloured plan that reads as a line of terraform's plan
/// is coloured as terraform colours it (symbols, replacement symbols,
/// headings, `-> null`, hidden counts, arrows), terraform's redundant
/// resets aside.
#[test]
fn a_coloured_plan_line_is_coloured_as_terraform_colours_it() {
    let dir = initialised_plan();
    let (ours, _) = on_a_terminal(dir.path(), &["plan"], true);
    assert!(ours.contains('\x1b'), "no colour:\n{ours}");
    let theirs = read(&data("plan/terraform-plan.color.txt"));
    let mut coloured: std::collections::HashMap<String, Vec<String>> = Default::default();
    for line in theirs.lines() {
        let line = without_redundant_resets(line);
        coloured.entry(plain(&line)).or_default().push(line);
    }
    let mut compared = 0;
    for line in ours.lines() {
        let line = without_redundant_resets(line);
        let Some(theirs) = coloured.get(&plain(&line)) else {
            continue;
        };
        assert!(theirs.contains(&line), "{line:?}\nterraform: {theirs:?}");
        if line.contains('\x1b') {
            compared += 1;
        }
    }
    // The six legend lines, five headings, the replacement symbols, `-> null`...
    assert!(compared >= 20, "only {compared} coloured lines in common:\n{ours}");
}

/// A line without its escape sequences.
fn plain(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find('\x1b') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        rest = &rest[rest.find('m').map_or(rest.len(), |m| m + 1)..];
    }
    out.push_str(rest);
    out
}

/// A coloured line without the resets that reset nothing: terraform's
/// colour library ends every coloured string with one, wherever it is.
fn without_redundant_resets(line: &str) -> String {
    let mut out = String::new();
    let mut styled = false;
    let mut rest = line;
    while let Some(i) = rest.find('\x1b') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find('m').map_or(rest.len(), |m| m + 1);
        let seq = &rest[..end];
        if seq == "\x1b[0m" {
            if styled {
                out.push_str(seq);
            }
            styled = false;
        } else {
            out.push_str(seq);
            styled = true;
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `plan > file` with diagnostics on a terminal: the file holds the plan
/// without a colour code (terraform writes them, and every CI log and
/// review comment made of such a file shows them as noise).
#[test]
fn a_plan_written_to_a_file_is_not_coloured() {
    let dir = initialised_plan();
    let (_, piped) = on_a_terminal(dir.path(), &["plan"], false);
    assert!(piped.contains("Plan:"), "{piped}");
    assert!(!piped.contains('\x1b'), "colour in a file:\n{piped}");
}

/// Runs aksplan with standard error, and standard output when
/// `stdout_too`, on a new pseudo-terminal (so colour is on): what the
/// terminal showed (line ends as `\n`), and standard output when it is piped.
fn on_a_terminal(dir: &Path, args: &[&str], stdout_too: bool) -> (String, String) {
    use std::io::Read;
    use std::os::fd::FromRawFd;
    // SAFETY: plain libc calls on a descriptor this function owns; the
    // terminal's name is copied out of the buffer ptsname_r fills.
    let (master, slave) = unsafe {
        let fd = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(fd >= 0, "no pseudo-terminal: {}", std::io::Error::last_os_error());
        assert_eq!(libc::grantpt(fd), 0);
        assert_eq!(libc::unlockpt(fd), 0);
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(fd, name.as_mut_ptr(), name.len()), 0);
        let name = std::ffi::CStr::from_ptr(name.as_ptr()).to_str().unwrap().to_string();
        (std::fs::File::from_raw_fd(fd), name)
    };
    let slave = std::fs::OpenOptions::new().read(true).write(true).open(slave).unwrap();
    // What aksplan writes to the terminal is read, so it never blocks on a full one.
    let mut terminal = master;
    let drain = std::thread::spawn(move || {
        let mut seen = Vec::new();
        // The read ends with EIO once aksplan has closed the terminal.
        let _ = terminal.read_to_end(&mut seen);
        seen
    });
    let out = {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("aksplan"));
        cmd.current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .args(args)
            .stdin(std::process::Stdio::null());
        if stdout_too {
            cmd.stdout(slave.try_clone().unwrap());
        }
        cmd.stderr(slave);
        cmd.output().unwrap()
    };
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let shown = String::from_utf8(drain.join().unwrap()).unwrap().replace("\r\n", "\n");
    (shown, String::from_utf8(out.stdout).unwrap())
}
