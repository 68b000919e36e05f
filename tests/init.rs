//! `aksplan init` installs modules as `terraform init` does, offline: a module
//! registry served by this test on a loopback port (discovery, versions,
//! download with X-Terraform-Get, tar.gz archives built here) and a git
//! repository made here, cloned both as `git::file://` and over `git daemon`.
//!
//! tests/fixtures/init/terraform/ holds what terraform 1.11 wrote and printed
//! for tests/fixtures/init/tree against the same registry and repository,
//! with ports and paths replaced by REGISTRY, GIT and GITDIR. Regenerate it
//! with `cargo test --test init -- --ignored regenerate` (needs terraform).

mod common;

use common::{aksplan, Run};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------- registry

/// One request the registry saw: its path and its Authorization header.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    auth: Option<String>,
}

#[derive(Default)]
struct State {
    /// `ns/name/system` to its versions.
    versions: BTreeMap<String, Vec<String>>,
    /// `ns/name/system/version` to its X-Terraform-Get.
    locations: BTreeMap<String, String>,
    /// Any other path to its body.
    files: BTreeMap<String, Vec<u8>>,
    seen: Vec<Seen>,
}

/// A module registry on a loopback port, answering one request per connection.
struct Registry {
    port: u16,
    state: Arc<Mutex<State>>,
}

impl Registry {
    fn start() -> Registry {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || serve(conn, &state));
            }
        });
        Registry { port, state }
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn module(&self, package: &str, version: &str, location: &str) {
        let mut s = self.state.lock().unwrap();
        s.versions.entry(package.into()).or_default().push(version.into());
        s.locations.insert(format!("{package}/{version}"), location.into());
    }

    fn file(&self, path: &str, body: Vec<u8>) {
        self.state.lock().unwrap().files.insert(path.into(), body);
    }

    fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }
}

fn serve(conn: TcpStream, state: &Mutex<State>) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let path = target.split('?').next().unwrap_or("/").to_string();
    let mut auth = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("authorization") {
                auth = Some(v.trim().to_string());
            }
        }
    }
    let mut s = state.lock().unwrap();
    s.seen.push(Seen {
        path: path.clone(),
        auth,
    });
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (status, headers, body): (u16, Vec<(String, String)>, Vec<u8>) = match parts.as_slice() {
        [".well-known", "terraform.json"] => (
            200,
            vec![("Content-Type".into(), "application/json".into())],
            br#"{"modules.v1": "/v1/modules/"}"#.to_vec(),
        ),
        ["v1", "modules", ns, name, sys, "versions"] => match s.versions.get(&format!("{ns}/{name}/{sys}")) {
            Some(vs) => {
                let list: Vec<String> = vs.iter().map(|v| format!(r#"{{"version":"{v}"}}"#)).collect();
                let json = format!(
                    r#"{{"modules":[{{"source":"{ns}/{name}/{sys}","versions":[{}]}}]}}"#,
                    list.join(",")
                );
                (
                    200,
                    vec![("Content-Type".into(), "application/json".into())],
                    json.into_bytes(),
                )
            }
            None => (404, vec![], b"not found".to_vec()),
        },
        ["v1", "modules", ns, name, sys, version, "download"] => {
            match s.locations.get(&format!("{ns}/{name}/{sys}/{version}")) {
                Some(l) => (204, vec![("X-Terraform-Get".into(), l.clone())], vec![]),
                None => (404, vec![], vec![]),
            }
        }
        _ => match s.files.get(&path) {
            Some(b) => (
                200,
                vec![("Content-Type".into(), "application/octet-stream".into())],
                b.clone(),
            ),
            None => (404, vec![], b"not found".to_vec()),
        },
    };
    drop(s);
    let reason = match status {
        200 => "OK",
        204 => "No Content",
        _ => "Not Found",
    };
    let mut out = format!("HTTP/1.1 {status} {reason}\r\nConnection: close\r\n");
    if status != 204 {
        out.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut conn = conn;
    let _ = conn.write_all(out.as_bytes());
    let _ = conn.write_all(&body);
}

/// A .tar.gz of (path, content) files.
fn tar_gz(files: &[(&str, &str)]) -> Vec<u8> {
    let mut b = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
    for (path, text) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(text.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, path, text.as_bytes()).unwrap();
    }
    b.into_inner().unwrap().finish().unwrap()
}

// --------------------------------------------------------------------- git

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=aksplan",
            "-c",
            "user.email=aksplan@example.com",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `BASE/net.git`, a bare repository with tags v1.0.0 and v1.1.0 of a
/// module in modules/vnet that calls a local submodule.
fn make_repo(base: &Path) -> PathBuf {
    let work = base.join("work");
    std::fs::create_dir_all(work.join("modules/vnet/subnets")).unwrap();
    git(&work, &["init", "-q"]);
    std::fs::write(work.join("main.tf"), "# the repository root\n").unwrap();
    std::fs::write(
        work.join("modules/vnet/main.tf"),
        "variable \"release\" {\n  default = \"1.0.0\"\n}\n\nmodule \"subnets\" {\n  source = \"./subnets\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        work.join("modules/vnet/subnets/main.tf"),
        "output \"n\" {\n  value = 2\n}\n",
    )
    .unwrap();
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-qm", "first"]);
    git(&work, &["tag", "v1.0.0"]);
    std::fs::write(
        work.join("modules/vnet/main.tf"),
        "variable \"release\" {\n  default = \"1.1.0\"\n}\n\nmodule \"subnets\" {\n  source = \"./subnets\"\n}\n",
    )
    .unwrap();
    git(&work, &["commit", "-qam", "second"]);
    git(&work, &["tag", "v1.1.0"]);
    git(base, &["clone", "-q", "--bare", "work", "net.git"]);
    base.join("net.git")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `git daemon` serving `base` on a loopback port; stopped when dropped.
struct GitDaemon {
    child: Child,
    port: u16,
}

impl GitDaemon {
    fn start(base: &Path) -> GitDaemon {
        let port = free_port();
        let child = Command::new("git")
            .args([
                "daemon",
                "--listen=127.0.0.1",
                &format!("--port={port}"),
                "--export-all",
                "--reuseaddr",
                &format!("--base-path={}", base.display()),
            ])
            .arg(base)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("git daemon");
        // Ready when it accepts a connection.
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed() < Duration::from_secs(10), "git daemon did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        GitDaemon { child, port }
    }
}

impl Drop for GitDaemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ------------------------------------------------------------------- world

/// A registry, a repository served by git daemon, and a CLI configuration
/// that points registry.terraform.io at the registry.
struct World {
    registry: Registry,
    daemon: GitDaemon,
    repo: PathBuf,
    home: tempfile::TempDir,
    rc: PathBuf,
}

impl World {
    fn new() -> World {
        let registry = Registry::start();
        let home = tempfile::tempdir().unwrap();
        let base = home.path().join("git");
        std::fs::create_dir_all(&base).unwrap();
        let repo = make_repo(&base);
        let daemon = GitDaemon::start(&base);
        let rc = home.path().join("cli.tfrc");
        std::fs::write(
            &rc,
            format!(
                "host \"registry.terraform.io\" {{\n  services = {{\n    \"modules.v1\" = \"http://{}/v1/modules/\"\n  }}\n}}\n",
                registry.host()
            ),
        )
        .unwrap();
        let w = World {
            registry,
            daemon,
            repo,
            home,
            rc,
        };
        w.publish();
        w
    }

    /// The registry's modules: acme/aks/azurerm (which calls a local
    /// submodule and acme/tags/azurerm), acme/tags/azurerm, and
    /// acme/gitmod/azurerm whose download is a git address with a subdir.
    fn publish(&self) {
        let r = &self.registry;
        for v in ["1.0.0", "1.2.0", "2.0.0", "2.1.0-beta"] {
            r.file(
                &format!("/archives/aks-{v}.tar.gz"),
                tar_gz(&[
                    (
                        "main.tf",
                        &format!(
                            "# aks {v}\nmodule \"net\" {{\n  source = \"./modules/net\"\n}}\n\nmodule \"tags\" {{\n  source  = \"acme/tags/azurerm\"\n  version = \"~> 0.1\"\n}}\n"
                        ),
                    ),
                    ("modules/net/main.tf", "variable \"cidr\" {\n  default = \"10.0.0.0/16\"\n}\n"),
                ]),
            );
            r.module("acme/aks/azurerm", v, &format!("/archives/aks-{v}.tar.gz"));
        }
        r.file(
            "/v1/modules/acme/tags/azurerm/0.1.0/tags.tar.gz",
            tar_gz(&[("main.tf", "variable \"tags\" {\n  default = {}\n}\n")]),
        );
        r.module("acme/tags/azurerm", "0.1.0", "./tags.tar.gz");
        r.module(
            "acme/gitmod/azurerm",
            "1.0.0",
            &format!(
                "git::git://127.0.0.1:{}/net.git//modules/vnet?ref=v1.1.0",
                self.daemon.port
            ),
        );
    }

    fn substitute(&self, text: &str) -> String {
        text.replace("REGISTRY", &self.registry.host())
            .replace("127.0.0.1:GIT", &format!("127.0.0.1:{}", self.daemon.port))
            .replace("GITDIR", &self.repo.parent().unwrap().display().to_string())
    }

    fn placeholders(&self, text: &str) -> String {
        text.replace(&self.registry.host(), "REGISTRY")
            .replace(&format!("127.0.0.1:{}", self.daemon.port), "127.0.0.1:GIT")
            .replace(&self.repo.parent().unwrap().display().to_string(), "GITDIR")
    }

    /// A configuration directory with these files, placeholders filled in.
    fn config(&self, files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, self.substitute(text)).unwrap();
        }
        dir
    }

    fn env(&self) -> Vec<(String, String)> {
        vec![
            ("TF_CLI_CONFIG_FILE".into(), self.rc.display().to_string()),
            ("HOME".into(), self.home.path().display().to_string()),
        ]
    }

    fn init(&self, dir: &Path, args: &[&str]) -> Run {
        self.init_env(dir, args, &[])
    }

    fn init_env(&self, dir: &Path, args: &[&str], extra: &[(&str, &str)]) -> Run {
        let mut cmd = aksplan(dir);
        cmd.arg("init").args(args);
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/init")
}

/// The files of a fixture directory, as (relative path, text).
fn tree_files() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let base = fixtures().join("tree");
    let mut todo = vec![base.clone()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let rel = p.strip_prefix(&base).unwrap().display().to_string();
                out.push((rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn tree_config(w: &World) -> tempfile::TempDir {
    let files = tree_files();
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    w.config(&refs)
}

/// Every path under .terraform/modules, sorted; the insides of .git left
/// out, links shown with their targets.
fn listing(root: &Path) -> String {
    let base = root.join(".terraform/modules");
    let mut out = Vec::new();
    let mut todo = vec![base.clone()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(&base).unwrap().display().to_string();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.file_type().is_symlink() {
                out.push(format!("{rel} -> {}", std::fs::read_link(&p).unwrap().display()));
            } else if meta.is_dir() {
                out.push(format!("{rel}/"));
                if p.file_name().unwrap() != ".git" {
                    todo.push(p);
                }
            } else {
                out.push(rel);
            }
        }
    }
    out.sort();
    out.join("\n") + "\n"
}

fn manifest(root: &Path) -> String {
    std::fs::read_to_string(root.join(".terraform/modules/modules.json")).unwrap()
}

/// The progress lines of an init's stdout: from "Initializing modules..." to the first blank line.
fn progress(stdout: &str) -> String {
    let clean = strip_ansi(stdout);
    let lines: Vec<&str> = clean
        .lines()
        .skip_while(|l| !l.ends_with("modules..."))
        .take_while(|l| !l.trim().is_empty() && !l.starts_with("Initializing provider"))
        .collect();
    lines.join("\n") + "\n"
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixtures().join("terraform").join(name)).unwrap()
}

// ------------------------------------------------------------------- tests

#[test]
fn installs_the_tree_as_terraform_does() {
    let w = World::new();
    let dir = tree_config(&w);
    let r = w.init(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(w.placeholders(&progress(&r.stdout)), fixture("stdout.txt"));
    assert!(
        r.stdout.ends_with("\naksplan has been successfully initialized!\n"),
        "{}",
        r.stdout
    );
    assert_eq!(w.placeholders(&manifest(dir.path())), fixture("modules.json"));
    assert_eq!(w.placeholders(&listing(dir.path())), fixture("listing.txt"));
    // The installed modules are the versions asked for.
    let vnet = std::fs::read_to_string(dir.path().join(".terraform/modules/net/modules/vnet/main.tf")).unwrap();
    assert!(vnet.contains("1.0.0"), "{vnet}");
    let gitmod = std::fs::read_to_string(dir.path().join(".terraform/modules/gitmod/modules/vnet/main.tf")).unwrap();
    assert!(gitmod.contains("1.1.0"), "{gitmod}");
    assert!(
        std::fs::read_to_string(dir.path().join(".terraform/modules/aks/main.tf"))
            .unwrap()
            .starts_with("# aks 1.2.0")
    );
    // The rest of aksplan reads the modules where init put them.
    let r = common::run(dir.path(), &["validate"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let r = common::run(dir.path(), &["plan", "-detailed-exitcode"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

#[test]
fn a_module_not_installed_asks_for_init() {
    let w = World::new();
    let dir = tree_config(&w);
    let r = common::run(dir.path(), &["validate"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Module not installed"), "{}", r.stderr);
    assert!(r.stderr.contains("aksplan init"), "{}", r.stderr);
}

#[test]
fn a_directory_terraform_initialised_is_kept_as_it_is() {
    let w = World::new();
    let dir = tree_config(&w);
    assert_eq!(w.init(dir.path(), &[]).code, 0);
    // Put terraform's own manifest in place: aksplan reads it, keeps every
    // module, downloads nothing, and writes it back unchanged.
    let theirs = w.substitute(&fixture("modules.json"));
    std::fs::write(dir.path().join(".terraform/modules/modules.json"), &theirs).unwrap();
    let before = w.registry.seen().len();
    let r = w.init(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(progress(&r.stdout), "Initializing modules...\n");
    assert_eq!(w.registry.seen().len(), before, "nothing is asked of the registry");
    assert_eq!(manifest(dir.path()), theirs);
    // And the configuration loads from terraform's manifest.
    let r = common::run(dir.path(), &["validate"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

#[test]
fn upgrade_and_changed_constraints_reinstall_and_dropped_calls_leave_the_manifest() {
    let w = World::new();
    let dir = w.config(&[(
        "main.tf",
        "module \"aks\" {\n  source  = \"acme/aks/azurerm\"\n  version = \"~> 1.0\"\n}\nmodule \"tags\" {\n  source = \"acme/tags/azurerm\"\n}\n",
    )]);
    assert_eq!(w.init(dir.path(), &[]).code, 0);
    assert!(manifest(dir.path())
        .contains(r#""Key":"aks","Source":"registry.terraform.io/acme/aks/azurerm","Version":"1.2.0""#));

    // A newer 1.x appears: init keeps 1.2.0, init --upgrade takes it.
    w.registry
        .module("acme/aks/azurerm", "1.3.0", "/archives/aks-1.2.0.tar.gz");
    let r = w.init(dir.path(), &[]);
    assert!(!r.stdout.contains("Downloading"), "{}", r.stdout);
    let r = w.init(dir.path(), &["--upgrade"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("Upgrading modules...\n"), "{}", r.stdout);
    assert!(r
        .stdout
        .contains("Downloading registry.terraform.io/acme/aks/azurerm 1.3.0 for aks..."));
    assert!(manifest(dir.path()).contains(r#""Version":"1.3.0""#));

    // A constraint the installed version no longer meets reinstalls it.
    std::fs::write(
        dir.path().join("main.tf"),
        "module \"aks\" {\n  source  = \"acme/aks/azurerm\"\n  version = \"2.0.0\"\n}\n",
    )
    .unwrap();
    let r = w.init(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stdout
        .contains("Downloading registry.terraform.io/acme/aks/azurerm 2.0.0 for aks..."));
    let m = manifest(dir.path());
    assert!(m.contains(r#""Version":"2.0.0""#), "{m}");
    assert!(
        !m.contains(r#""Key":"tags""#),
        "a module no longer called is dropped: {m}"
    );
    assert!(m.contains(r#""Key":"aks.tags""#), "{m}");
}

#[test]
fn discovery_tokens_and_prereleases() {
    let w = World::new();
    // A registry named by its own loopback host is discovered over http.
    let host = w.registry.host();
    let dir = w.config(&[(
        "main.tf",
        &format!("module \"tags\" {{\n  source = \"{host}/acme/tags/azurerm\"\n}}\nmodule \"beta\" {{\n  source  = \"acme/aks/azurerm\"\n  version = \"2.1.0-beta\"\n}}\n"),
    )]);
    std::fs::write(
        &w.rc,
        format!(
            "{}\ncredentials \"registry.terraform.io\" {{\n  token = \"file-token\"\n}}\n",
            std::fs::read_to_string(&w.rc).unwrap()
        ),
    )
    .unwrap();
    let r = w.init_env(dir.path(), &[], &[("TF_TOKEN_registry_terraform_io", "env-token")]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r
        .stdout
        .contains(&format!("Downloading {host}/acme/tags/azurerm 0.1.0 for tags...")));
    assert!(r
        .stdout
        .contains("Downloading registry.terraform.io/acme/aks/azurerm 2.1.0-beta for beta..."));
    let seen = w.registry.seen();
    // beta.tags asks registry.terraform.io (overridden, no discovery) first,
    // then tags asks the loopback host, discovered first.
    let at = |p: &str| seen.iter().rposition(|s| s.path == p);
    assert!(at("/.well-known/terraform.json").unwrap() < at("/v1/modules/acme/tags/azurerm/versions").unwrap());
    assert_eq!(
        seen.iter().filter(|s| s.path == "/.well-known/terraform.json").count(),
        1
    );
    let auth = |p: &str| seen.iter().find(|s| s.path == p).and_then(|s| s.auth.clone());
    // TF_TOKEN_ wins over the file; the archive download gets no token.
    assert_eq!(
        auth("/v1/modules/acme/aks/azurerm/versions").as_deref(),
        Some("Bearer env-token")
    );
    assert_eq!(
        auth("/v1/modules/acme/aks/azurerm/2.1.0-beta/download").as_deref(),
        Some("Bearer env-token")
    );
    assert_eq!(auth("/archives/aks-2.1.0-beta.tar.gz"), None);
    assert!(!r.stdout.contains("token") && !r.stderr.contains("token"));
}

/// Runs init on one main.tf and returns the result, which must fail.
fn fails(w: &World, main: &str) -> Run {
    let dir = w.config(&[("main.tf", main)]);
    let r = w.init(dir.path(), &[]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("successfully"), "{}", r.stdout);
    r
}

#[test]
fn errors_name_the_module_the_url_and_the_place() {
    let w = World::new();
    let host = w.registry.host();

    let r = fails(&w, "\nmodule \"nope\" {\n  source = \"acme/nope/azurerm\"\n}\n");
    assert!(common::flat(&r.stderr).contains("Module not found"), "{}", r.stderr);
    assert!(
        common::flat(&r.stderr).contains(&format!("GET http://{host}/v1/modules/acme/nope/azurerm/versions: 404")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("  on main.tf line 3, in module \"nope\":\n"),
        "{}",
        r.stderr
    );

    let r = fails(
        &w,
        "module \"aks\" {\n  source  = \"acme/aks/azurerm\"\n  version = \"~> 3.0\"\n}\n",
    );
    assert!(
        common::flat(&r.stderr).contains("Unresolvable module version constraint"),
        "{}",
        r.stderr
    );
    assert!(
        common::flat(&r.stderr).contains("The newest available version is 2.0.0"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("  on main.tf line 3, in module \"aks\":\n"),
        "{}",
        r.stderr
    );

    // Terraform does not offer a pre-release for "= 2.1.0-beta" (with a space).
    let r = fails(
        &w,
        "module \"aks\" {\n  source  = \"acme/aks/azurerm\"\n  version = \"= 2.1.0-beta\"\n}\n",
    );
    assert!(
        common::flat(&r.stderr).contains("Unresolvable module version constraint"),
        "{}",
        r.stderr
    );

    let r = fails(
        &w,
        "module \"aks\" {\n  source  = \"acme/aks/azurerm\"\n  version = \">= 1.0, ~>\"\n}\n",
    );
    assert!(
        common::flat(&r.stderr).contains("Invalid version constraint"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("  on main.tf line 3, in module \"aks\":\n   3:   version = \">= 1.0, ~>\"\n"),
        "the error is at the constraint: {}",
        r.stderr
    );

    w.registry
        .module("acme/gone/azurerm", "1.0.0", "/archives/missing.tar.gz");
    let r = fails(&w, "module \"gone\" {\n  source = \"acme/gone/azurerm\"\n}\n");
    assert!(
        common::flat(&r.stderr).contains("Failed to download module"),
        "{}",
        r.stderr
    );
    assert!(
        common::flat(&r.stderr).contains(&format!("GET http://{host}/archives/missing.tar.gz: 404 Not Found")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("  on main.tf line 2, in module \"gone\":\n"),
        "{}",
        r.stderr
    );

    w.registry
        .file("/archives/bad.tar.gz", b"<html>this is not an archive</html>".to_vec());
    w.registry.module("acme/bad/azurerm", "1.0.0", "/archives/bad.tar.gz");
    let r = fails(&w, "module \"bad\" {\n  source = \"acme/bad/azurerm\"\n}\n");
    assert!(common::flat(&r.stderr).contains("not a gzip archive"), "{}", r.stderr);

    let r = fails(
        &w,
        "module \"net\" {\n  source = \"git::file://GITDIR/net.git//modules/vnet?ref=v9.9.9\"\n}\n",
    );
    assert!(
        common::flat(&r.stderr).contains("Failed to download module"),
        "{}",
        r.stderr
    );
    assert!(common::flat(&r.stderr).contains("v9.9.9"), "{}", r.stderr);

    let r = fails(
        &w,
        "module \"net\" {\n  source  = \"git::git://127.0.0.1:GIT/net.git?ref=v1.0.0\"\n  version = \"1.0.0\"\n}\n",
    );
    assert!(
        common::flat(&r.stderr).contains("Invalid version constraint"),
        "{}",
        r.stderr
    );
    assert!(
        common::flat(&r.stderr).contains("doesn't come from a module registry"),
        "{}",
        r.stderr
    );

    let r = fails(
        &w,
        "module \"net\" {\n  source = \"git::file://GITDIR/net.git//modules/nowhere?ref=v1.0.0\"\n}\n",
    );
    assert!(
        common::flat(&r.stderr).contains("Unreadable module subdirectory"),
        "{}",
        r.stderr
    );

    // A local source inside a remote module stays inside that module's package.
    w.registry.file(
        "/archives/escape.tar.gz",
        tar_gz(&[("main.tf", "module \"up\" {\n  source = \"../outside\"\n}\n")]),
    );
    w.registry
        .module("acme/escape/azurerm", "1.0.0", "/archives/escape.tar.gz");
    let r = fails(&w, "module \"esc\" {\n  source = \"acme/escape/azurerm\"\n}\n");
    assert!(
        common::flat(&r.stderr).contains("Local module path escapes module package"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("  on .terraform/modules/esc/main.tf line 2, in module \"up\":\n"),
        "{}",
        r.stderr
    );

    let r = fails(
        &w,
        "module \"s3\" {\n  source = \"s3::https://b.s3.amazonaws.com/m.zip\"\n}\n",
    );
    assert!(common::flat(&r.stderr).contains("terraform init"), "{}", r.stderr);
}

#[test]
fn a_module_that_includes_itself_is_an_error_not_a_loop() {
    let w = World::new();
    let r = fails(&w, "module \"me\" {\n  source = \"./\"\n}\n");
    assert!(r.stderr.contains("Module includes itself"), "{}", r.stderr);
    let dir = w.config(&[
        ("main.tf", "module \"a\" {\n  source = \"./a\"\n}\n"),
        ("a/main.tf", "module \"b\" {\n  source = \"../b\"\n}\n"),
        ("b/main.tf", "module \"a\" {\n  source = \"../a\"\n}\n"),
    ]);
    let r = w.init(dir.path(), &[]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("Module includes itself"), "{}", r.stderr);
    assert!(r.stderr.contains("a.b.a"), "{}", r.stderr);
}

#[test]
fn no_modules_no_manifest_and_get_false_installs_nothing() {
    let w = World::new();
    let dir = w.config(&[("main.tf", "locals {\n  a = 1\n}\n")]);
    let r = w.init(dir.path(), &[]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "\naksplan has been successfully initialized!\n")
    );
    assert!(!dir.path().join(".terraform").exists());
    let dir = w.config(&[("main.tf", "module \"a\" {\n  source = \"acme/aks/azurerm\"\n}\n")]);
    let r = w.init(dir.path(), &["--get=false", "--backend=false", "--input=false"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!dir.path().join(".terraform").exists());
    assert!(w.registry.seen().is_empty());
}

/// Writes tests/fixtures/init/terraform from a real `terraform init`.
#[test]
#[ignore = "needs terraform; regenerates the committed fixtures"]
fn regenerate_terraform_fixtures() {
    let w = World::new();
    let dir = tree_config(&w);
    let out = Command::new("terraform")
        .args(["init", "-backend=false", "-input=false", "-no-color"])
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap())
        .env("HOME", w.home.path())
        .env("TF_CLI_CONFIG_FILE", &w.rc)
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let target = fixtures().join("terraform");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("stdout.txt"), w.placeholders(&progress(&stdout))).unwrap();
    std::fs::write(target.join("modules.json"), w.placeholders(&manifest(dir.path()))).unwrap();
    std::fs::write(target.join("listing.txt"), w.placeholders(&listing(dir.path()))).unwrap();

    // The pre-release rule pinned in errors_name_the_module_the_url_and_the_place
    // and discovery_tokens_and_prereleases is terraform's.
    for (constraint, ok) in [("2.1.0-beta", true), ("= 2.1.0-beta", false), (">= 2.1.0-alpha", false)] {
        let dir = w.config(&[(
            "main.tf",
            &format!("module \"aks\" {{\n  source  = \"acme/aks/azurerm\"\n  version = \"{constraint}\"\n}}\n"),
        )]);
        let out = Command::new("terraform")
            .args(["init", "-backend=false", "-input=false", "-no-color"])
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap())
            .env("HOME", w.home.path())
            .env("TF_CLI_CONFIG_FILE", &w.rc)
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.success(), ok, "{constraint}: {stderr}");
        assert_eq!(
            stderr.contains("Unresolvable module version constraint"),
            !ok,
            "{constraint}: {stderr}"
        );
        assert_eq!(w.init(dir.path(), &[]).code == 0, ok, "aksplan agrees on {constraint}");
    }
}
