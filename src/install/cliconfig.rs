//! What Terraform's CLI configuration says about registries.
//!
//! Owns reading `TF_CLI_CONFIG_FILE` (or `~/.terraformrc`), its `host` blocks
//! (a host's services, which skip service discovery) and `credentials`
//! blocks, `~/.terraform.d/credentials.tfrc.json` (what `terraform login`
//! writes), and `TF_TOKEN_<host>` variables, which win over files, as in
//! Terraform. Tokens are never printed: the `Debug` form hides them.
//! It reads no process environment itself: the caller passes it in.

use crate::config::load::parse_body;
use crate::config::modules::source::normalize_host;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::eval::{EmptyScope, Evaluator};
use crate::lang::functions::FuncContext;
use crate::lang::Value;
use hcl_edit::structure::Structure;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Default, Clone)]
pub struct CliConfig {
    /// Host (normalised) to its services (`modules.v1` to a URL).
    pub hosts: BTreeMap<String, BTreeMap<String, String>>,
    /// Host (normalised) to a token, from files.
    file_tokens: BTreeMap<String, String>,
    /// Host (normalised) to a token, from `TF_TOKEN_*`.
    env_tokens: BTreeMap<String, String>,
}

impl std::fmt::Debug for CliConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hosts_with_tokens: Vec<&String> = self.file_tokens.keys().chain(self.env_tokens.keys()).collect();
        f.debug_struct("CliConfig")
            .field("hosts", &self.hosts)
            .field("tokens_for", &hosts_with_tokens)
            .finish()
    }
}

fn env_get<'a>(env: &'a [(String, String)], key: &str) -> Option<&'a str> {
    env.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

impl CliConfig {
    /// Reads the CLI configuration the way terraform finds it. Problems in the
    /// files are warnings, as in terraform: the run goes on without them.
    pub fn load(env: &[(String, String)]) -> (CliConfig, Diagnostics) {
        let mut config = CliConfig::default();
        let mut diags = Diagnostics::new();
        let home = env_get(env, "HOME").map(PathBuf::from);
        let file = match env_get(env, "TF_CLI_CONFIG_FILE") {
            Some(f) if !f.is_empty() => Some((PathBuf::from(f), true)),
            _ => home.as_ref().map(|h| (h.join(".terraformrc"), false)),
        };
        if let Some((path, explicit)) = file {
            match std::fs::read_to_string(&path) {
                Ok(text) => config.read_file(&path, &text, &mut diags),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {}
                Err(e) => diags.push(
                    Diagnostic::warning("Unable to open CLI configuration file").with_detail(format!(
                        "The CLI configuration file at {:?}: {e}.",
                        path.display().to_string()
                    )),
                ),
            }
        }
        if let Some(h) = &home {
            let path = h.join(".terraform.d/credentials.tfrc.json");
            if let Ok(text) = std::fs::read_to_string(&path) {
                config.read_json(&path, &text, &mut diags);
            }
        }
        for (k, v) in env {
            if let Some(raw) = k.strip_prefix("TF_TOKEN_") {
                // `__` stands for `-`, `_` for `.`: hostnames have no underscores.
                let host = raw.replace("__", "-").replace('_', ".");
                if let Ok(h) = normalize_host(&host) {
                    config.env_tokens.insert(h, v.clone());
                }
            }
        }
        (config, diags)
    }

    /// The services configured for a host, which replace its discovery document.
    pub fn services(&self, host: &str) -> Option<&BTreeMap<String, String>> {
        self.hosts.get(host)
    }

    /// The bearer token for a host: `TF_TOKEN_*` first, then the files.
    pub fn token(&self, host: &str) -> Option<&str> {
        self.env_tokens
            .get(host)
            .or_else(|| self.file_tokens.get(host))
            .map(String::as_str)
    }

    fn problem(diags: &mut Diagnostics, path: &Path, detail: String) {
        diags.push(
            Diagnostic::warning("Invalid CLI configuration")
                .with_detail(format!("{}: {detail}; this part is ignored.", path.display())),
        );
    }

    fn read_file(&mut self, path: &Path, text: &str, diags: &mut Diagnostics) {
        if path.extension().is_some_and(|e| e == "json") {
            return self.read_json(path, text, diags);
        }
        let body = match parse_body(0, text) {
            Ok(b) => b,
            Err(d) => return Self::problem(diags, path, format!("syntax error: {}", d.detail)),
        };
        let ctx = FuncContext::new(PathBuf::from("."));
        let mut eval = Evaluator::new(&EmptyScope, &ctx);
        for s in body.iter() {
            let Structure::Block(b) = s else { continue };
            let kind = b.ident.as_str();
            if kind != "host" && kind != "credentials" {
                continue;
            }
            let [label] = b.labels.as_slice() else {
                Self::problem(diags, path, format!("a {kind} block needs one label, the hostname"));
                continue;
            };
            let host = match normalize_host(label.as_str()) {
                Ok(h) => h,
                Err(e) => {
                    Self::problem(diags, path, format!("{kind} {:?}: {e}", label.as_str()));
                    continue;
                }
            };
            let (attr, want) = if kind == "host" {
                ("services", "an object")
            } else {
                ("token", "a string")
            };
            let value = b.body.get_attribute(attr).map(|a| eval.eval(&a.value));
            match (kind, value) {
                ("host", Some(Ok(Value::Map(_, m) | Value::Object(m)))) => {
                    let services = m
                        .into_iter()
                        .filter_map(|(k, v)| match v {
                            Value::String(s) => Some((k, s)),
                            _ => None,
                        })
                        .collect();
                    self.hosts.insert(host, services);
                }
                ("credentials", Some(Ok(Value::String(t)))) => {
                    self.file_tokens.insert(host, t);
                }
                _ => Self::problem(
                    diags,
                    path,
                    format!("{kind} {:?} needs {attr} = {want}", label.as_str()),
                ),
            }
        }
    }

    fn read_json(&mut self, path: &Path, text: &str, diags: &mut Diagnostics) {
        let doc: serde_json::Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => return Self::problem(diags, path, format!("invalid JSON: {e}")),
        };
        let entries = |key: &str| {
            doc.get(key)
                .and_then(|v| v.as_object())
                .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>())
                .unwrap_or_default()
        };
        for (host, v) in entries("host") {
            let (Ok(h), Some(services)) = (normalize_host(&host), v.get("services").and_then(|s| s.as_object())) else {
                Self::problem(diags, path, format!("host {host:?} needs a services object"));
                continue;
            };
            let services = services
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect();
            self.hosts.insert(h, services);
        }
        for (host, v) in entries("credentials") {
            let (Ok(h), Some(token)) = (normalize_host(&host), v.get("token").and_then(|t| t.as_str())) else {
                Self::problem(diags, path, format!("credentials {host:?} needs a token string"));
                continue;
            };
            self.file_tokens.insert(h, token.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn host_blocks_and_credentials_are_read_and_env_tokens_win() {
        let dir = tempfile::tempdir().unwrap();
        let rc = dir.path().join("rc.tfrc");
        std::fs::write(
            &rc,
            r#"
host "registry.terraform.io" {
  services = {
    "modules.v1" = "http://127.0.0.1:9999/v1/modules/"
  }
}
credentials "App.Example.com" {
  token = "from-file"
}
credentials "other.example.com" {
  token = "other"
}
plugin_cache_dir = "/tmp"
"#,
        )
        .unwrap();
        let (c, diags) = CliConfig::load(&env(&[
            ("TF_CLI_CONFIG_FILE", rc.to_str().unwrap()),
            ("TF_TOKEN_app_example_com", "from-env"),
            ("TF_TOKEN_my__reg_example_com", "dash"),
            ("HOME", dir.path().to_str().unwrap()),
        ]));
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            c.services("registry.terraform.io").unwrap()["modules.v1"],
            "http://127.0.0.1:9999/v1/modules/"
        );
        assert_eq!(c.token("app.example.com"), Some("from-env"));
        assert_eq!(c.token("other.example.com"), Some("other"));
        assert_eq!(c.token("my-reg.example.com"), Some("dash"));
        assert_eq!(c.token("nobody.example.com"), None);
        let shown = format!("{c:?}");
        assert!(!shown.contains("from-env") && !shown.contains("from-file") && !shown.contains("other\""));
    }

    #[test]
    fn login_credentials_and_json_config_are_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".terraform.d")).unwrap();
        std::fs::write(
            dir.path().join(".terraform.d/credentials.tfrc.json"),
            r#"{"credentials": {"app.terraform.io": {"token": "t1"}}}"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join(".terraformrc"),
            "host \"example.com\" {\n  services = { \"modules.v1\" = \"/m/\" }\n}\n",
        )
        .unwrap();
        let (c, diags) = CliConfig::load(&env(&[("HOME", dir.path().to_str().unwrap())]));
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(c.token("app.terraform.io"), Some("t1"));
        assert_eq!(c.services("example.com").unwrap()["modules.v1"], "/m/");
    }

    #[test]
    fn a_bad_or_missing_file_is_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let rc = dir.path().join("bad.tfrc");
        std::fs::write(&rc, "host \"x.com\" {\n  services = 3\n}\ncredentials {}\n").unwrap();
        let (c, diags) = CliConfig::load(&env(&[("TF_CLI_CONFIG_FILE", rc.to_str().unwrap())]));
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(diags.iter().all(|d| !d.is_error()));
        assert!(c.hosts.is_empty());
        let (_, diags) = CliConfig::load(&env(&[("TF_CLI_CONFIG_FILE", "/nonexistent/rc")]));
        assert_eq!(
            diags.iter().next().unwrap().summary,
            "Unable to open CLI configuration file"
        );
        let (_, diags) = CliConfig::load(&env(&[("HOME", dir.path().to_str().unwrap())]));
        assert!(diags.is_empty());
    }
}
