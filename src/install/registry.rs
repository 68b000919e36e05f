//! The module registry protocol (`modules.v1`), as terraform speaks it.
//!
//! Owns service discovery (`/.well-known/terraform.json`, or a CLI
//! configuration `host` block instead), listing a module's versions, choosing
//! the newest that meets a constraint, and asking where a version is
//! downloaded from (`X-Terraform-Get`). Answers are cached for the run.
//! Bearer tokens go only to the module's registry, and never into a message.
//!
//! aksplan extension: discovery of a loopback host (`127.0.0.1:PORT`,
//! `localhost`, `[::1]`) is made over plain http, for tests and local
//! mirrors; every other host is asked over https, as terraform does.

use super::cliconfig::CliConfig;
use super::http::Http;
use super::package::redact;
use crate::config::constraint::{Constraints, Version};
use crate::config::modules::source::RegistrySource;
use reqwest::Url;
use std::collections::HashMap;
use std::time::Duration;

/// terraform's registry request timeout.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The largest discovery document terraform reads.
const MAX_DISCOVERY_BYTES: usize = 1024 * 1024;
/// The largest version list read.
const MAX_VERSIONS_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryError {
    /// The registry does not know the module (404 on its versions).
    NotFound {
        url: String,
    },
    Other(String),
}

impl std::fmt::Display for RegistryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RegistryError::NotFound { url } => write!(f, "GET {url}: 404 Not Found"),
            RegistryError::Other(m) => f.write_str(m),
        }
    }
}

pub struct Registry<'a> {
    http: &'a Http,
    config: &'a CliConfig,
    services: HashMap<String, Result<Url, String>>,
    versions: HashMap<String, Result<Vec<String>, RegistryError>>,
    locations: HashMap<(String, String), Result<String, String>>,
}

/// Whether a host (with its port) is this machine.
pub fn is_loopback(host: &str) -> bool {
    let name = if host.starts_with('[') {
        host.split(']').next().map(|h| format!("{h}]")).unwrap_or_default()
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h).to_string()
    };
    name == "localhost" || name == "[::1]" || name.starts_with("127.") && name.split('.').count() == 4
}

impl<'a> Registry<'a> {
    pub fn new(http: &'a Http, config: &'a CliConfig) -> Registry<'a> {
        Registry {
            http,
            config,
            services: HashMap::new(),
            versions: HashMap::new(),
            locations: HashMap::new(),
        }
    }

    /// The base URL of a host's `modules.v1` service, ending in `/`.
    fn modules_service(&mut self, host: &str) -> Result<Url, String> {
        if let Some(found) = self.services.get(host) {
            return found.clone();
        }
        let found = self.discover(host);
        self.services.insert(host.to_string(), found.clone());
        found
    }

    fn discover(&self, host: &str) -> Result<Url, String> {
        let scheme = if is_loopback(host) { "http" } else { "https" };
        let disco = Url::parse(&format!("{scheme}://{host}/.well-known/terraform.json"))
            .map_err(|e| format!("invalid registry host {host:?}: {e}"))?;
        let (service, base) = if let Some(services) = self.config.services(host) {
            // A `host` block replaces discovery entirely.
            (services.get("modules.v1").cloned(), disco)
        } else {
            let r = self
                .http
                .get(&disco, self.config.token(host), TIMEOUT, MAX_DISCOVERY_BYTES)?;
            if r.status == reqwest::StatusCode::NOT_FOUND {
                (None, r.url)
            } else if r.status != reqwest::StatusCode::OK {
                return Err(format!(
                    "failed to request discovery document: GET {disco}: {}",
                    r.status
                ));
            } else {
                let media = r
                    .headers
                    .get(reqwest::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                if media != "application/json" {
                    return Err(format!(
                        "discovery URL {disco} returned an unsupported Content-Type {media:?}"
                    ));
                }
                let doc: serde_json::Value = serde_json::from_slice(&r.body)
                    .map_err(|e| format!("the discovery document at {disco} is not a JSON object: {e}"))?;
                (
                    doc.get("modules.v1").and_then(|v| v.as_str()).map(str::to_string),
                    r.url,
                )
            }
        };
        let service = service.ok_or_else(|| format!("host {host} does not provide a module registry (modules.v1)"))?;
        let mut url = base
            .join(&service)
            .map_err(|e| format!("host {host} gives an invalid modules.v1 URL {service:?}: {e}"))?;
        if url.scheme() != "https" && url.scheme() != "http" {
            return Err(format!(
                "host {host} gives a modules.v1 URL with unsupported scheme {}",
                url.scheme()
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!(
                "host {host} gives a modules.v1 URL with a user name or password, which is not permitted"
            ));
        }
        url.set_fragment(None);
        if !url.path().ends_with('/') {
            let p = format!("{}/", url.path());
            url.set_path(&p);
        }
        Ok(url)
    }

    fn endpoint(&mut self, module: &RegistrySource, tail: &str) -> Result<Url, String> {
        let base = self.modules_service(&module.host)?;
        base.join(&format!("{}/{tail}", module.protocol_path()))
            .map_err(|e| format!("invalid registry URL for {}: {e}", module.package()))
    }

    /// The versions the registry lists for a module, as written there.
    pub fn versions(&mut self, module: &RegistrySource) -> Result<Vec<String>, RegistryError> {
        let key = module.package();
        if let Some(v) = self.versions.get(&key) {
            return v.clone();
        }
        let result = self.fetch_versions(module);
        self.versions.insert(key, result.clone());
        result
    }

    fn fetch_versions(&mut self, module: &RegistrySource) -> Result<Vec<String>, RegistryError> {
        let url = self.endpoint(module, "versions").map_err(RegistryError::Other)?;
        let shown = redact(url.as_str());
        let r = self
            .http
            .get(&url, self.config.token(&module.host), TIMEOUT, MAX_VERSIONS_BYTES)
            .map_err(RegistryError::Other)?;
        match r.status.as_u16() {
            200 => {}
            404 => return Err(RegistryError::NotFound { url: shown }),
            _ => return Err(RegistryError::Other(format!("GET {shown}: {}", r.status))),
        }
        let invalid = |why: String| RegistryError::Other(format!("GET {shown}: invalid response: {why}"));
        let doc: serde_json::Value = serde_json::from_slice(&r.body).map_err(|e| invalid(e.to_string()))?;
        let first = doc
            .get("modules")
            .and_then(|m| m.as_array())
            .and_then(|m| m.first())
            .ok_or_else(|| invalid("no modules listed".into()))?;
        Ok(first
            .get("versions")
            .and_then(|v| v.as_array())
            .map(|vs| {
                vs.iter()
                    .filter_map(|v| v.get("version").and_then(|s| s.as_str()).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Where a version is downloaded from: the `X-Terraform-Get` address,
    /// relative URLs resolved against the download URL.
    pub fn location(&mut self, module: &RegistrySource, version: &str) -> Result<String, String> {
        let key = (module.package(), version.to_string());
        if let Some(l) = self.locations.get(&key) {
            return l.clone();
        }
        let result = self.fetch_location(module, version);
        self.locations.insert(key, result.clone());
        result
    }

    fn fetch_location(&mut self, module: &RegistrySource, version: &str) -> Result<String, String> {
        let url = self.endpoint(module, &format!("{version}/download"))?;
        let shown = redact(url.as_str());
        let r = self
            .http
            .get(&url, self.config.token(&module.host), TIMEOUT, MAX_DISCOVERY_BYTES)?;
        match r.status.as_u16() {
            200 | 204 => {}
            404 => {
                return Err(format!(
                    "GET {shown}: 404 Not Found: module version {version} not found"
                ))
            }
            _ => return Err(format!("GET {shown}: {}", r.status)),
        }
        let location = r
            .headers
            .get("x-terraform-get")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("GET {shown}: {} without an X-Terraform-Get header", r.status))?;
        if location.starts_with('/') || location.starts_with("./") || location.starts_with("../") {
            return url
                .join(location)
                .map(|u| u.to_string())
                .map_err(|e| format!("GET {shown}: invalid relative X-Terraform-Get {location:?}: {e}"));
        }
        Ok(location.to_string())
    }
}

/// What the version list offers for a constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The newest version meeting the constraint.
    pub chosen: Option<Version>,
    /// The newest version that could be chosen at all.
    pub newest: Option<Version>,
    /// Versions listed that do not parse.
    pub invalid: Vec<String>,
}

/// Terraform's choice: the newest version meeting the constraint, pre-releases
/// only when asked for exactly ([`Constraints::selects_prerelease`]).
pub fn choose(listed: &[String], constraints: &Constraints) -> Choice {
    let mut choice = Choice {
        chosen: None,
        newest: None,
        invalid: Vec::new(),
    };
    for text in listed {
        let Ok(v) = Version::parse(text) else {
            choice.invalid.push(text.clone());
            continue;
        };
        if !constraints.selects_prerelease(&v) {
            continue;
        }
        if choice.newest.as_ref().is_none_or(|n| v > *n) {
            choice.newest = Some(v.clone());
        }
        if constraints.check(&v) && choice.chosen.as_ref().is_none_or(|c| v > *c) {
            choice.chosen = Some(v);
        }
    }
    choice
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(listed: &[&str], c: &str) -> (Option<String>, Option<String>) {
        let listed: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
        let cs = if c.is_empty() {
            Constraints::default()
        } else {
            Constraints::parse(c).unwrap()
        };
        let ch = choose(&listed, &cs);
        (ch.chosen.map(|v| v.to_string()), ch.newest.map(|v| v.to_string()))
    }

    #[test]
    fn the_newest_matching_version_is_chosen() {
        let l = ["1.0.0", "1.2.0", "2.0.0", "1.10.1", "2.1.0-beta"];
        assert_eq!(pick(&l, ""), (Some("2.0.0".into()), Some("2.0.0".into())));
        assert_eq!(pick(&l, "~> 1.0"), (Some("1.10.1".into()), Some("2.0.0".into())));
        assert_eq!(pick(&l, "< 1.0"), (None, Some("2.0.0".into())));
        assert_eq!(
            pick(&l, "2.1.0-beta"),
            (Some("2.1.0-beta".into()), Some("2.1.0-beta".into()))
        );
        assert_eq!(pick(&l, "= 2.1.0-beta"), (None, Some("2.0.0".into())));
        assert_eq!(pick(&l, ">= 2.1.0-alpha"), (None, Some("2.0.0".into())));
    }

    #[test]
    fn unparsable_versions_are_set_aside() {
        let listed = vec!["one".to_string(), "1.0.0".to_string()];
        let ch = choose(&listed, &Constraints::default());
        assert_eq!(ch.invalid, ["one"]);
        assert_eq!(ch.chosen.unwrap().to_string(), "1.0.0");
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        for h in ["127.0.0.1:8080", "127.0.0.1", "localhost:1", "[::1]:9"] {
            assert!(is_loopback(h), "{h}");
        }
        for h in [
            "registry.terraform.io",
            "127.example.com",
            "10.0.0.1:80",
            "localhost.example.com",
        ] {
            assert!(!is_loopback(h), "{h}");
        }
    }
}
