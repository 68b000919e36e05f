//! Putting a remote package into `.terraform/modules/<key>`.
//!
//! Owns the dispatch from a [`Package`] to git, an archive download or a
//! link, the clean-up of a failed install, and the reuse of a package already
//! fetched in this run (copied, as terraform does, instead of downloaded
//! twice). Where the package goes, and what is recorded, is [`super::walk`]'s.

use super::archive::{self, Limits};
use super::git;
use super::http::Http;
use super::package::{redact, Package};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The largest archive download.
const MAX_ARCHIVE_BYTES: usize = 512 * 1024 * 1024;
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(10 * 60);

pub struct Fetcher<'h> {
    http: &'h Http,
    /// Package address to where it was fetched in this run.
    done: HashMap<String, PathBuf>,
    pub limits: Limits,
}

impl<'h> Fetcher<'h> {
    pub fn new(http: &'h Http) -> Fetcher<'h> {
        Fetcher {
            http,
            done: HashMap::new(),
            limits: Limits::default(),
        }
    }

    /// Fetches the package `address` into `dest`, replacing what is there.
    pub fn fetch(&mut self, address: &str, dest: &Path) -> Result<(), String> {
        remove(dest)?;
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let result = match self.done.get(address) {
            Some(previous) if previous.exists() => copy_dir(previous, dest),
            _ => Package::parse(address).and_then(|p| self.get(&p, dest)),
        };
        match result {
            Ok(()) => {
                self.done.insert(address.to_string(), dest.to_path_buf());
                Ok(())
            }
            Err(e) => {
                let _ = remove(dest);
                Err(e)
            }
        }
    }

    fn get(&self, package: &Package, dest: &Path) -> Result<(), String> {
        match package {
            Package::Git { url, reference, depth } => git::clone(url, reference.as_deref(), *depth, dest),
            Package::Archive { url, format, sha256 } => {
                let bytes = if url.scheme() == "file" {
                    let path = url.to_file_path().map_err(|_| format!("invalid file URL {url}"))?;
                    std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?
                } else {
                    let r = self.http.get(url, None, DOWNLOAD_TIMEOUT, MAX_ARCHIVE_BYTES)?;
                    if !r.status.is_success() {
                        return Err(format!("GET {}: {}", redact(url.as_str()), r.status));
                    }
                    r.body
                };
                if let Some(want) = sha256 {
                    let got = hex(&Sha256::digest(&bytes));
                    if &got != want {
                        return Err(format!(
                            "the archive's SHA-256 is {got}, not {want} as the checksum says"
                        ));
                    }
                }
                archive::extract(&bytes, *format, dest, self.limits)
                    .map_err(|e| format!("cannot unpack {}: {e}", redact(url.as_str())))
            }
            Package::Directory(path) => {
                if !path.is_dir() {
                    return Err(format!("{} is not a directory", path.display()));
                }
                link_dir(path, dest)
            }
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Removes a file, link or directory tree, if there is one.
fn remove(path: &Path) -> Result<(), String> {
    match std::fs::symlink_metadata(path) {
        Err(_) => Ok(()),
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
    }
    .map_err(|e| format!("cannot remove the old copy at {}: {e}", path.display()))
}

#[cfg(unix)]
fn link_dir(target: &Path, link: &Path) -> Result<(), String> {
    std::os::unix::fs::symlink(target, link).map_err(|e| format!("cannot link {}: {e}", link.display()))
}

#[cfg(not(unix))]
fn link_dir(target: &Path, link: &Path) -> Result<(), String> {
    copy_dir(target, link)
}

/// Copies a directory tree, links as links.
fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    let err = |p: &Path, e: std::io::Error| format!("cannot copy {}: {e}", p.display());
    let meta = std::fs::symlink_metadata(from).map_err(|e| err(from, e))?;
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(from).map_err(|e| err(from, e))?;
        #[cfg(unix)]
        return std::os::unix::fs::symlink(&target, to).map_err(|e| err(to, e));
        #[cfg(not(unix))]
        return copy_dir(&from.parent().unwrap_or(from).join(target), to);
    }
    if meta.is_dir() {
        std::fs::create_dir_all(to).map_err(|e| err(to, e))?;
        for entry in std::fs::read_dir(from).map_err(|e| err(from, e))? {
            let entry = entry.map_err(|e| err(from, e))?;
            copy_dir(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        std::fs::copy(from, to).map(|_| ()).map_err(|e| err(from, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_keep_links_and_contents() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::fs::create_dir_all(a.join("sub")).unwrap();
        std::fs::write(a.join("sub/main.tf"), "x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("sub/main.tf", a.join("link.tf")).unwrap();
        copy_dir(&a, &dir.path().join("b")).unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("b/sub/main.tf")).unwrap(), "x");
        #[cfg(unix)]
        assert_eq!(
            std::fs::read_link(dir.path().join("b/link.tf")).unwrap(),
            PathBuf::from("sub/main.tf")
        );
    }

    #[test]
    fn local_archives_are_checked_against_their_checksum() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        w.start_file("main.tf", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, b"locals {}\n").unwrap();
        let bytes = w.finish().unwrap().into_inner();
        let zip = dir.path().join("m.zip");
        std::fs::write(&zip, &bytes).unwrap();
        let http = Http::new().unwrap();
        let mut f = Fetcher::new(&http);
        let url = format!("file://{}", zip.display());
        let good = format!("{url}?checksum=sha256:{}", hex(&Sha256::digest(&bytes)));
        f.fetch(&good, &dir.path().join("ok")).unwrap();
        assert!(dir.path().join("ok/main.tf").is_file());
        let bad = format!("{url}?checksum=sha256:{}", "0".repeat(64));
        let e = f.fetch(&bad, &dir.path().join("bad")).unwrap_err();
        assert!(e.contains("SHA-256"), "{e}");
        assert!(!dir.path().join("bad").exists());
        // The same address again is copied from the first install.
        std::fs::remove_file(&zip).unwrap();
        f.fetch(&good, &dir.path().join("again")).unwrap();
        assert!(dir.path().join("again/main.tf").is_file());
    }
}
