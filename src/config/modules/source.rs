//! Module source addresses, read as Terraform reads a `source` argument.
//!
//! Owns the three kinds of address (local path, registry, remote package),
//! their normalised text (what the manifest records) and Terraform's
//! shorthands (`github.com/org/repo`, `git@host:org/repo.git`, absolute
//! paths). It does not fetch anything and does not decide whether a remote
//! package can be fetched: that is [`super::package`].
//!
//! Terraform's rules (internal/getmodules/moduleaddrs, terraform-registry-address):
//! a source starting with `./` or `../` is local; otherwise it is a registry
//! address if it parses as one (`NAMESPACE/NAME/SYSTEM` or
//! `HOST/NAMESPACE/NAME/SYSTEM`, with an optional `//subdir`); anything else
//! is a remote package for go-getter, after its shorthands are expanded.

use std::fmt;

/// The public registry, the host of a three-part registry address.
pub const DEFAULT_REGISTRY_HOST: &str = "registry.terraform.io";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleSource {
    /// A directory of the calling module's package: `./net`, `../shared`.
    Local(String),
    Registry(RegistrySource),
    Remote(RemoteSource),
}

/// `HOST/NAMESPACE/NAME/SYSTEM//subdir`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegistrySource {
    /// Lower case, with a port only when it is not 443.
    pub host: String,
    pub namespace: String,
    pub name: String,
    pub system: String,
    /// Cleaned, without `./`; empty for the package's root.
    pub subdir: String,
}

/// A go-getter package address (`git::https://...?ref=v1`) and a subdirectory in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteSource {
    pub package: String,
    pub subdir: String,
}

impl RegistrySource {
    /// `NAMESPACE/NAME/SYSTEM`, as the registry protocol's paths take it.
    pub fn protocol_path(&self) -> String {
        format!("{}/{}/{}", self.namespace, self.name, self.system)
    }

    /// The package without subdirectory, host included: what Terraform prints
    /// when it downloads it.
    pub fn package(&self) -> String {
        format!("{}/{}", self.host, self.protocol_path())
    }
}

/// Terraform's `String()`: the form recorded in modules.json.
impl fmt::Display for ModuleSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModuleSource::Local(p) => f.write_str(p),
            ModuleSource::Registry(r) => {
                f.write_str(&r.package())?;
                if !r.subdir.is_empty() {
                    write!(f, "//{}", r.subdir)?;
                }
                Ok(())
            }
            ModuleSource::Remote(r) => f.write_str(&with_subdir(&r.package, &r.subdir)),
        }
    }
}

/// A package address with `//subdir` put before its query string.
pub fn with_subdir(package: &str, subdir: &str) -> String {
    if subdir.is_empty() {
        return package.to_string();
    }
    match package.split_once('?') {
        Some((base, query)) => format!("{base}//{subdir}?{query}"),
        None => format!("{package}//{subdir}"),
    }
}

impl ModuleSource {
    /// Parses a `source` argument. Errors are whole sentences about the address.
    pub fn parse(raw: &str) -> Result<ModuleSource, String> {
        if is_local(raw) {
            return Ok(ModuleSource::Local(clean_local(raw)));
        }
        // Whether an address is a registry address is decided only by whether
        // it parses as one; every other address is a remote package.
        if let Ok(r) = parse_registry(raw) {
            return Ok(ModuleSource::Registry(r));
        }
        parse_remote(raw).map(ModuleSource::Remote)
    }
}

fn is_local(raw: &str) -> bool {
    ["./", "../", ".\\", "..\\"].iter().any(|p| raw.starts_with(p))
}

/// `./x/../y//z` → `./y/z`; a path not going up keeps a leading `./`.
fn clean_local(raw: &str) -> String {
    let clean = clean_path(&raw.replace('\\', "/"));
    if clean.starts_with("../") || clean == ".." {
        clean
    } else {
        format!("./{clean}")
    }
}

/// Go's `path.Clean`: one slash between names, no `.`, `..` resolved where it can be.
pub fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            name => out.push(name),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Splits `pkg//sub?query` into `pkg?query` and `sub` (cleaned), ignoring the
/// `//` of a URL scheme and anything in the query string.
pub fn split_subdir(src: &str) -> (String, String) {
    let stop = src.find('?').unwrap_or(src.len());
    let offset = src[..stop].find("://").map_or(0, |i| i + 3);
    let Some(i) = src[offset..stop].find("//") else {
        return (src.to_string(), String::new());
    };
    let i = i + offset;
    let mut package = src[..i].to_string();
    let mut subdir = &src[i + 2..];
    if let Some(q) = subdir.find('?') {
        package.push_str(&subdir[q..]);
        subdir = &subdir[..q];
    }
    let subdir = if subdir.is_empty() {
        String::new()
    } else {
        clean_path(subdir)
    };
    (package, subdir)
}

fn check_subdir(subdir: &str) -> Result<(), String> {
    if subdir.starts_with("../") || subdir == ".." {
        return Err(format!(
            "subdirectory path {subdir:?} leads outside of the module package"
        ));
    }
    Ok(())
}

fn valid_registry_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
}

fn valid_target_system(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
}

/// A registry host as Terraform compares it: lower case, port kept unless 443.
/// Only ASCII hostnames are accepted.
pub fn normalize_host(given: &str) -> Result<String, String> {
    let (name, port) = match given.split_once(':') {
        Some((n, p)) => (n, Some(p)),
        None => (given, None),
    };
    let port = match port {
        None => String::new(),
        Some(p) => match p.parse::<u32>() {
            Ok(443) => String::new(),
            Ok(n) if n <= 65535 && p.bytes().all(|c| c.is_ascii_digit()) => format!(":{n}"),
            _ => return Err(format!("invalid port number in hostname {given:?}")),
        },
    };
    if name.is_empty() {
        return Err("empty string is not a valid hostname".into());
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err(format!("hostname {given:?} contains an empty label"));
        }
        if label.to_ascii_lowercase().starts_with("xn--") {
            return Err(format!("hostname {given:?} is in punycode; write it in unicode"));
        }
        if !label.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-') {
            return Err(format!("invalid hostname {given:?}"));
        }
    }
    Ok(format!("{}{port}", name.to_ascii_lowercase()))
}

/// Parses a registry address; the error says why it is not one.
pub fn parse_registry(raw: &str) -> Result<RegistrySource, String> {
    if is_local(raw) {
        return Err(format!(
            "can't use local directory {raw:?} as a module registry address"
        ));
    }
    let (raw, subdir) = split_subdir(raw);
    check_subdir(&subdir)?;
    let mut parts: Vec<&str> = raw.split('/').collect();
    if parts.len() != 3 && parts.len() != 4 {
        return Err(
            "a module registry source address must have either three or four slash-separated components".into(),
        );
    }
    let mut host = DEFAULT_REGISTRY_HOST.to_string();
    if parts.len() == 4 {
        host = normalize_host(parts[0]).map_err(|e| format!("invalid module registry hostname: {e}"))?;
        if !host.contains('.') {
            return Err("invalid module registry hostname: must contain at least one dot".into());
        }
        parts.remove(0);
    }
    if host == "github.com" || host == "bitbucket.org" {
        return Err(format!(
            "can't use {host:?} as a module registry host, because it's reserved for installing directly from version control repositories"
        ));
    }
    if !valid_registry_name(parts[0]) {
        return Err(format!("invalid namespace {:?}", parts[0]));
    }
    if !valid_registry_name(parts[1]) {
        return Err(format!("invalid module name {:?}", parts[1]));
    }
    if !valid_target_system(parts[2]) {
        return Err(format!("invalid target system {:?}", parts[2]));
    }
    Ok(RegistrySource {
        host,
        namespace: parts[0].to_string(),
        name: parts[1].to_string(),
        system: parts[2].to_string(),
        subdir,
    })
}

/// `git::rest` → (`git`, `rest`).
pub fn split_forced(src: &str) -> (Option<&str>, &str) {
    if let Some((f, rest)) = src.split_once("::") {
        if !f.is_empty() && f.bytes().all(|c| c.is_ascii_alphanumeric()) && !rest.is_empty() {
            return (Some(f), rest);
        }
    }
    (None, src)
}

/// Whether Go's `url.Parse` would find a scheme: letters first, then a colon,
/// and no colon in the first path segment otherwise.
fn has_url_scheme(s: &str) -> bool {
    let Some(colon) = s.find(':') else { return false };
    let scheme = &s[..colon];
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
}

/// A remote package address, its shorthands expanded as go-getter's detectors do.
pub fn parse_remote(raw: &str) -> Result<RemoteSource, String> {
    let (raw, subdir) = split_subdir(raw);
    check_subdir(&subdir)?;
    let (package, more) = split_subdir(&detect(&raw)?);
    let subdir = match (more.is_empty(), subdir.is_empty()) {
        (true, _) => subdir,
        (false, true) => clean_path(&more),
        (false, false) => clean_path(&format!("{more}/{subdir}")),
    };
    check_subdir(&subdir)?;
    Ok(RemoteSource { package, subdir })
}

/// go-getter's detection: URLs stay as written; shorthands become URLs with a
/// forced getter.
fn detect(src: &str) -> Result<String, String> {
    let (forced, rest) = split_forced(src);
    let (rest, subdir) = split_subdir(rest);
    if has_url_scheme(&rest) {
        return Ok(src.to_string());
    }
    let detected = if let Some(path) = rest.strip_prefix("github.com/") {
        github(path)?
    } else if let Some(url) = scp_like_git(&rest) {
        url
    } else if let Some(path) = rest.strip_prefix("bitbucket.org/") {
        let (path, query) = path.split_once('?').map_or((path, None), |(p, q)| (p, Some(q)));
        let path = if path.ends_with(".git") {
            path.to_string()
        } else {
            format!("{path}.git")
        };
        format!(
            "git::https://bitbucket.org/{path}{}",
            query.map_or(String::new(), |q| format!("?{q}"))
        )
    } else if rest.contains(".amazonaws.com/") {
        format!("s3::https://{rest}")
    } else if rest.contains("googleapis.com/") {
        format!("gcs::https://{rest}")
    } else if rest.starts_with('/') {
        format!("file://{rest}")
    } else {
        return Err(format!(
            "Terraform cannot detect a supported external module source type for {src}; \
             if you meant a path relative to the calling module, write \"./{src}\""
        ));
    };
    let (detect_forced, detected) = split_forced(&detected);
    let (detected, detect_subdir) = split_subdir(detected);
    let subdir = match (detect_subdir.is_empty(), subdir.is_empty()) {
        (true, _) => subdir,
        (false, true) => detect_subdir,
        (false, false) => clean_path(&format!("{detect_subdir}/{subdir}")),
    };
    let with = with_subdir(&detected, &subdir);
    Ok(match forced.or(detect_forced) {
        Some(f) => format!("{f}::{with}"),
        None => with,
    })
}

/// `github.com/org/repo/sub?ref=x` → `git::https://github.com/org/repo.git//sub?ref=x`.
fn github(path: &str) -> Result<String, String> {
    let (path, query) = path.split_once('?').map_or((path, None), |(p, q)| (p, Some(q)));
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() < 2 || parts[0].is_empty() || parts[1].is_empty() {
        return Err("GitHub URLs should be github.com/username/repo".into());
    }
    let repo = if parts[1].ends_with(".git") {
        parts[1].to_string()
    } else {
        format!("{}.git", parts[1])
    };
    let mut url = format!("git::https://github.com/{}/{repo}", parts[0]);
    if parts.len() > 2 {
        url.push_str("//");
        url.push_str(&parts[2..].join("/"));
    }
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    Ok(url)
}

/// `git@host:org/repo.git?ref=x` → `git::ssh://git@host/org/repo.git?ref=x`
/// (only for the user `git`, as go-getter; its query is re-encoded in key order).
fn scp_like_git(src: &str) -> Option<String> {
    let (user, rest) = src.split_once('@')?;
    if user != "git" || user.contains(':') {
        return None;
    }
    let (host, path) = rest.split_once(':')?;
    if host.is_empty() || host.contains('/') {
        return None;
    }
    let path = path.strip_prefix('/').unwrap_or(path);
    if path.is_empty() {
        return None;
    }
    let (path, query) = path.split_once('?').map_or((path, None), |(p, q)| (p, Some(q)));
    let mut url = format!("git::ssh://git@{host}/{path}");
    if let Some(q) = query {
        let mut pairs: Vec<&str> = q.split('&').filter(|p| !p.is_empty()).collect();
        pairs.sort_by_key(|p| p.split('=').next().unwrap_or(""));
        url.push('?');
        url.push_str(&pairs.join("&"));
    }
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(s: &str) -> String {
        ModuleSource::parse(s).unwrap().to_string()
    }

    #[test]
    fn local_paths_are_cleaned_and_keep_their_prefix() {
        assert_eq!(parsed("./modules/net"), "./modules/net");
        assert_eq!(parsed("./modules//net/"), "./modules/net");
        assert_eq!(parsed("./a/../b"), "./b");
        assert_eq!(parsed("../shared"), "../shared");
        assert_eq!(parsed("./../x"), "../x");
        assert_eq!(parsed(".\\win\\dir"), "./win/dir");
        assert!(matches!(ModuleSource::parse("./x").unwrap(), ModuleSource::Local(_)));
    }

    #[test]
    fn registry_addresses_take_the_default_host() {
        let ModuleSource::Registry(r) = ModuleSource::parse("Azure/aks/azurerm").unwrap() else {
            panic!("not a registry address")
        };
        assert_eq!(r.host, "registry.terraform.io");
        assert_eq!(r.protocol_path(), "Azure/aks/azurerm");
        assert_eq!(parsed("Azure/aks/azurerm"), "registry.terraform.io/Azure/aks/azurerm");
        assert_eq!(
            parsed("App.Terraform.io:443/acme/net/azurerm//modules/sub/"),
            "app.terraform.io/acme/net/azurerm//modules/sub"
        );
        assert_eq!(
            parsed("127.0.0.1:8080/acme/net/azurerm"),
            "127.0.0.1:8080/acme/net/azurerm"
        );
    }

    #[test]
    fn near_registry_addresses_fall_through_to_remote_as_in_terraform() {
        // Upper-case target system, four parts without a dot, a query string: not registry.
        assert!(matches!(
            ModuleSource::parse("acme/net/AzureRM"),
            Err(e) if e.contains("cannot detect")
        ));
        // Go reads `localhost:` as a URL scheme: a remote package no getter takes.
        assert!(matches!(
            ModuleSource::parse("localhost:8080/acme/net/azurerm"),
            Ok(ModuleSource::Remote(_))
        ));
        assert_eq!(
            parsed("github.com/acme/net/azurerm"),
            "git::https://github.com/acme/net.git//azurerm"
        );
        assert!(parse_registry("github.com/acme/net/azurerm")
            .unwrap_err()
            .contains("reserved"));
        assert!(parse_registry("acme/-net/azurerm").unwrap_err().contains("module name"));
    }

    #[test]
    fn git_addresses_keep_their_query_after_the_subdir() {
        let s = ModuleSource::parse("git::https://example.com/net.git//modules/vnet?ref=v1.2.0").unwrap();
        assert_eq!(
            s,
            ModuleSource::Remote(RemoteSource {
                package: "git::https://example.com/net.git?ref=v1.2.0".into(),
                subdir: "modules/vnet".into()
            })
        );
        assert_eq!(
            s.to_string(),
            "git::https://example.com/net.git//modules/vnet?ref=v1.2.0"
        );
        assert_eq!(
            parsed("git::file:///tmp/repo//modules/net?ref=v1.0.0&depth=1"),
            "git::file:///tmp/repo//modules/net?ref=v1.0.0&depth=1"
        );
    }

    #[test]
    fn shorthands_expand_as_go_getter_does() {
        assert_eq!(
            parsed("github.com/org/repo//sub?ref=v1"),
            "git::https://github.com/org/repo.git//sub?ref=v1"
        );
        assert_eq!(
            parsed("github.com/org/repo.git"),
            "git::https://github.com/org/repo.git"
        );
        assert_eq!(
            parsed("git@github.com:org/repo.git?ref=v1&depth=1"),
            "git::ssh://git@github.com/org/repo.git?depth=1&ref=v1"
        );
        assert_eq!(
            parsed("git::git@github.com:org/repo.git//sub"),
            "git::ssh://git@github.com/org/repo.git//sub"
        );
        assert_eq!(
            parsed("bitbucket.org/org/repo"),
            "git::https://bitbucket.org/org/repo.git"
        );
        assert_eq!(parsed("/srv/modules/net"), "file:///srv/modules/net");
        assert_eq!(
            parsed("bucket.s3.amazonaws.com/mods/net.zip"),
            "s3::https://bucket.s3.amazonaws.com/mods/net.zip"
        );
        assert_eq!(
            parsed("https://example.com/net.tar.gz"),
            "https://example.com/net.tar.gz"
        );
        assert_eq!(
            parsed("https://example.com/net.zip//sub?archive=zip"),
            "https://example.com/net.zip//sub?archive=zip"
        );
    }

    #[test]
    fn subdirs_may_not_leave_the_package() {
        assert!(ModuleSource::parse("git::https://example.com/r.git//../x")
            .unwrap_err()
            .contains("outside"));
        assert!(ModuleSource::parse("github.com/org").is_err());
        assert!(ModuleSource::parse("modules/net")
            .unwrap_err()
            .contains("./modules/net"));
    }

    #[test]
    fn clean_path_matches_go() {
        assert_eq!(clean_path("a//b/./c/.."), "a/b");
        assert_eq!(clean_path("../../a"), "../../a");
        assert_eq!(clean_path("/../a"), "/a");
        assert_eq!(clean_path("./"), ".");
        assert_eq!(clean_path(""), ".");
    }
}
