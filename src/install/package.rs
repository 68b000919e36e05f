//! What a remote package address asks to fetch, as go-getter reads it.
//!
//! Owns the choice of getter (`git`, an archive over http(s) or from a file,
//! a local directory) and the options in the query string (`ref`, `depth`,
//! `archive`, `checksum`). It fetches nothing (that is [`super::fetch`]).
//! Getters aksplan does not implement (`s3`, `gcs`, `hg`, plain http
//! without an archive) are refused here, with what to do instead.

use reqwest::Url;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Package {
    /// A git repository: clone it, then check out `reference`.
    Git {
        url: String,
        reference: Option<String>,
        depth: Option<u32>,
    },
    /// A .tar.gz or .zip archive, over http(s) or from a `file://` URL.
    Archive {
        url: Url,
        format: ArchiveFormat,
        /// `checksum=sha256:HEX`: the archive's expected SHA-256.
        sha256: Option<String>,
    },
    /// An absolute path: Terraform links to it rather than copying it.
    Directory(PathBuf),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveFormat {
    TarGz,
    Zip,
}

/// Archive extensions go-getter knows, longest first; aksplan reads the first three.
const ARCHIVES: [(&str, Option<ArchiveFormat>); 10] = [
    ("tar.gz", Some(ArchiveFormat::TarGz)),
    ("tgz", Some(ArchiveFormat::TarGz)),
    ("zip", Some(ArchiveFormat::Zip)),
    ("tar.bz2", None),
    ("tar.tbz2", None),
    ("tbz2", None),
    ("tar.xz", None),
    ("txz", None),
    ("bz2", None),
    ("xz", None),
];

/// The archive format named by `archive=` or by the path's extension.
fn archive_kind(name: &str) -> Option<(&'static str, Option<ArchiveFormat>)> {
    ARCHIVES
        .iter()
        .chain(std::iter::once(&("gz", None)))
        .find(|(ext, _)| name == *ext || name.ends_with(&format!(".{ext}")))
        .map(|(e, f)| (*e, *f))
}

/// Hides the password of a URL, for messages.
pub fn redact(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("REDACTED"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

impl Package {
    /// Reads a package address (`git::https://host/repo.git?ref=v1`,
    /// `https://host/x.tar.gz`, `file:///srv/mods`), without its subdirectory.
    pub fn parse(address: &str) -> Result<Package, String> {
        let (forced, rest) = crate::config::modules::source::split_forced(address);
        let url = Url::parse(rest).map_err(|e| format!("invalid package address {:?}: {e}", redact(rest)))?;
        let getter = forced
            .map(str::to_ascii_lowercase)
            .unwrap_or_else(|| url.scheme().to_string());
        match getter.as_str() {
            "git" => git(url),
            "http" | "https" | "file" => archive_or_dir(url, &getter),
            "s3" | "gcs" | "hg" => Err(format!(
                "aksplan cannot fetch {getter}:: sources ({}); install this module with `terraform init`, whose .terraform/modules aksplan reads as it is",
                match getter.as_str() {
                    "s3" => "Amazon S3",
                    "gcs" => "Google Cloud Storage",
                    _ => "Mercurial",
                }
            )),
            other => Err(format!("download not supported for scheme {other:?}")),
        }
    }
}

fn git(mut url: Url) -> Result<Package, String> {
    // Only transports that fetch; git's `ext::` would run a command.
    if !matches!(url.scheme(), "https" | "http" | "ssh" | "git" | "file") {
        return Err(format!(
            "aksplan does not clone git repositories over {:?}",
            url.scheme()
        ));
    }
    let mut reference = None;
    let mut depth = None;
    let mut rest: Vec<(String, String)> = Vec::new();
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "ref" => reference = Some(v.into_owned()).filter(|r| !r.is_empty()),
            // go-getter ignores a depth that is not a number.
            "depth" => depth = v.parse::<u32>().ok().filter(|d| *d > 0),
            "sshkey" => {
                return Err("aksplan does not take sshkey= in git sources; load the key into ssh-agent instead".into())
            }
            _ => rest.push((k.into_owned(), v.into_owned())),
        }
    }
    if rest.is_empty() {
        url.set_query(None);
    } else {
        rest.sort();
        url.query_pairs_mut().clear().extend_pairs(rest);
    }
    if let Some(r) = &reference {
        if r.starts_with('-') {
            return Err(format!("invalid git ref {r:?}"));
        }
    }
    Ok(Package::Git {
        url: url.to_string(),
        reference,
        depth,
    })
}

fn archive_or_dir(mut url: Url, getter: &str) -> Result<Package, String> {
    let mut archive: Option<String> = None;
    let mut checksum: Option<String> = None;
    let mut rest: Vec<(String, String)> = Vec::new();
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "archive" => archive = Some(v.into_owned()),
            "checksum" => checksum = Some(v.into_owned()),
            _ => rest.push((k.into_owned(), v.into_owned())),
        }
    }
    if rest.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(rest);
    }
    let named = match archive.as_deref() {
        Some("false") | Some("0") | Some("f") | Some("F") | Some("FALSE") | Some("False") => None,
        Some(a) => Some(archive_kind(a).ok_or_else(|| format!("unknown archive format {a:?}"))?),
        None => archive_kind(url.path()),
    };
    let format = match named {
        Some((_, Some(f))) => f,
        Some((ext, None)) => {
            return Err(format!(
                "aksplan reads .tar.gz, .tgz and .zip archives, not .{ext}; install this module with `terraform init`"
            ))
        }
        None if getter == "file" => {
            let path = url.to_file_path().map_err(|_| format!("invalid file URL {url}"))?;
            return Ok(Package::Directory(path));
        }
        None => {
            return Err(format!(
                "aksplan fetches http(s) sources only as archives: give a URL ending in .tar.gz, .tgz or .zip, or add ?archive=tar.gz (got {})",
                redact(url.as_str())
            ))
        }
    };
    let sha256 = match checksum {
        None => None,
        Some(c) => match c.split_once(':') {
            Some(("sha256", hex)) if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Some(hex.to_ascii_lowercase())
            }
            _ => {
                return Err(format!(
                    "aksplan checks only checksum=sha256:HEX (64 hex digits), not {c:?}"
                ))
            }
        },
    };
    Ok(Package::Archive { url, format, sha256 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_options_come_out_of_the_url() {
        assert_eq!(
            Package::parse("git::https://example.com/net.git?ref=v1.0.0&depth=1").unwrap(),
            Package::Git {
                url: "https://example.com/net.git".into(),
                reference: Some("v1.0.0".into()),
                depth: Some(1)
            }
        );
        assert_eq!(
            Package::parse("git::ssh://git@github.com/org/repo.git").unwrap(),
            Package::Git {
                url: "ssh://git@github.com/org/repo.git".into(),
                reference: None,
                depth: None
            }
        );
        assert!(Package::parse("git::https://x/r.git?sshkey=abc")
            .unwrap_err()
            .contains("ssh-agent"));
        assert!(Package::parse("git::https://x/r.git?ref=--upload-pack=x").is_err());
        assert!(Package::parse("git::ext::sh -c touch% /tmp/pwned").is_err());
    }

    #[test]
    fn archives_are_told_by_extension_or_query() {
        let Package::Archive { url, format, sha256 } = Package::parse("https://example.com/net.tgz").unwrap() else {
            panic!()
        };
        assert_eq!(
            (url.as_str(), format, sha256),
            ("https://example.com/net.tgz", ArchiveFormat::TarGz, None)
        );
        let Package::Archive { url, format, .. } =
            Package::parse("https://example.com/download?archive=zip&token=1").unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (url.as_str(), format),
            ("https://example.com/download?token=1", ArchiveFormat::Zip)
        );
        let sum = "a".repeat(64);
        let Package::Archive { sha256, .. } =
            Package::parse(&format!("https://example.com/x.tar.gz?checksum=sha256:{sum}")).unwrap()
        else {
            panic!()
        };
        assert_eq!(sha256, Some(sum));
    }

    #[test]
    fn what_aksplan_cannot_fetch_is_refused_with_a_way_out() {
        assert!(Package::parse("https://example.com/x.tar.xz")
            .unwrap_err()
            .contains(".tar.xz"));
        assert!(Package::parse("https://example.com/module")
            .unwrap_err()
            .contains("archive"));
        assert!(Package::parse("s3::https://b.s3.amazonaws.com/x.zip")
            .unwrap_err()
            .contains("terraform init"));
        assert!(Package::parse("gcs::https://www.googleapis.com/storage/v1/b/x.zip").is_err());
        assert!(Package::parse("hg::https://example.com/repo")
            .unwrap_err()
            .contains("Mercurial"));
        assert!(Package::parse("localhost:8080/acme/net/azurerm")
            .unwrap_err()
            .contains("localhost"));
        assert!(Package::parse("https://example.com/x.zip?checksum=md5:abc").is_err());
    }

    #[test]
    fn file_urls_are_directories_unless_archives() {
        assert_eq!(
            Package::parse("file:///srv/mods").unwrap(),
            Package::Directory(PathBuf::from("/srv/mods"))
        );
        assert!(matches!(
            Package::parse("file:///srv/x.zip").unwrap(),
            Package::Archive { .. }
        ));
    }

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(redact("https://me:secret@host/x.zip"), "https://me:REDACTED@host/x.zip");
    }
}
