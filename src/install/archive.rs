//! Unpacking a module archive (.tar.gz or .zip) into a directory, safely.
//!
//! Owns checking that the bytes are the archive they claim to be, and
//! refusing what could write outside the target: absolute paths, `..`,
//! links that point out of it, hard links, devices; and archives that expand
//! past the size or file-count limits. It does not download (that is
//! [`super::fetch`]).

use super::package::ArchiveFormat;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// How much an archive may expand to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: u64,
    pub max_files: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 1024 * 1024 * 1024,
            max_files: 100_000,
        }
    }
}

/// Unpacks `bytes` into `dest` (created if needed).
pub fn extract(bytes: &[u8], format: ArchiveFormat, dest: &Path, limits: Limits) -> Result<(), String> {
    std::fs::create_dir_all(dest).map_err(|e| format!("cannot create {}: {e}", dest.display()))?;
    match format {
        ArchiveFormat::TarGz => {
            if !bytes.starts_with(&[0x1f, 0x8b]) {
                return Err("the download is not a gzip archive (.tar.gz)".into());
            }
            extract_tar(bytes, dest, limits)
        }
        ArchiveFormat::Zip => {
            if !(bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")) {
                return Err("the download is not a zip archive".into());
            }
            extract_zip(bytes, dest, limits)
        }
    }
}

/// The relative path of an entry, refusing anything that leaves the target.
fn safe_relative(name: &Path) -> Result<PathBuf, String> {
    let mut out = PathBuf::new();
    for c in name.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => {
                return Err(format!(
                    "the archive entry {:?} points outside the module directory",
                    name.display()
                ))
            }
        }
    }
    Ok(out)
}

/// Whether a link at `entry` (relative) to `target` stays inside the target directory.
fn link_stays_inside(entry: &Path, target: &Path) -> bool {
    if target.is_absolute() {
        return false;
    }
    let mut depth: i64 = entry.components().count() as i64 - 1;
    for c in target.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            _ => return false,
        }
        if depth < 0 {
            return false;
        }
    }
    true
}

struct Budget {
    limits: Limits,
    bytes: u64,
    files: usize,
}

impl Budget {
    fn file(&mut self, size: u64) -> Result<(), String> {
        self.files += 1;
        self.bytes = self.bytes.saturating_add(size);
        if self.files > self.limits.max_files {
            return Err(format!("the archive holds more than {} files", self.limits.max_files));
        }
        if self.bytes > self.limits.max_bytes {
            return Err(format!(
                "the archive expands to more than {} bytes",
                self.limits.max_bytes
            ));
        }
        Ok(())
    }
}

/// Copies at most `size` bytes (the declared size) to a new file.
fn write_file(dest: &Path, rel: &Path, reader: &mut dyn Read, size: u64, executable: bool) -> Result<(), String> {
    let path = dest.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    // A link unpacked earlier must not be written through.
    if std::fs::symlink_metadata(&path).is_ok() {
        return Err(format!("the archive has {} twice", rel.display()));
    }
    let mut file = std::fs::File::create(&path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let copied = std::io::copy(&mut reader.take(size), &mut file)
        .map_err(|e| format!("cannot unpack {}: {e}", rel.display()))?;
    if copied != size {
        return Err(format!("the archive entry {} is truncated", rel.display()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if executable { 0o755 } else { 0o644 };
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = executable;
    Ok(())
}

fn make_link(dest: &Path, rel: &Path, target: &Path) -> Result<(), String> {
    if !link_stays_inside(rel, target) {
        return Err(format!(
            "the archive's link {} -> {} points outside the module directory",
            rel.display(),
            target.display()
        ));
    }
    let path = dest.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(target, &path).map_err(|e| format!("cannot create link {}: {e}", rel.display()))
    }
    #[cfg(not(unix))]
    {
        Err(format!(
            "the archive has a link ({}), which aksplan unpacks only on Unix",
            rel.display()
        ))
    }
}

fn extract_tar(bytes: &[u8], dest: &Path, limits: Limits) -> Result<(), String> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let mut budget = Budget {
        limits,
        bytes: 0,
        files: 0,
    };
    let bad = |e: std::io::Error| format!("the archive is damaged: {e}");
    for entry in archive.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        let name = entry.path().map_err(bad)?.into_owned();
        let rel = safe_relative(&name)?;
        let kind = entry.header().entry_type();
        if rel.as_os_str().is_empty() {
            continue;
        }
        if kind.is_dir() {
            budget.file(0)?;
            let path = dest.join(&rel);
            std::fs::create_dir_all(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        } else if kind.is_file() || kind == tar::EntryType::Continuous {
            let size = entry.header().size().map_err(bad)?;
            budget.file(size)?;
            let exec = entry.header().mode().is_ok_and(|m| m & 0o111 != 0);
            write_file(dest, &rel, &mut entry, size, exec)?;
        } else if kind.is_symlink() {
            budget.file(0)?;
            let target = entry
                .link_name()
                .map_err(bad)?
                .ok_or("a link in the archive has no target")?;
            make_link(dest, &rel, &target)?;
        } else if kind.is_pax_global_extensions() || kind.is_pax_local_extensions() || kind.is_gnu_longname() {
            continue;
        } else {
            return Err(format!(
                "the archive entry {} is a {:?}, which a module archive may not hold",
                rel.display(),
                kind
            ));
        }
    }
    Ok(())
}

fn extract_zip(bytes: &[u8], dest: &Path, limits: Limits) -> Result<(), String> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| format!("the archive is damaged: {e}"))?;
    let mut budget = Budget {
        limits,
        bytes: 0,
        files: 0,
    };
    for i in 0..archive.len() {
        let mut file = archive
            .by_index(i)
            .map_err(|e| format!("the archive is damaged: {e}"))?;
        let rel = safe_relative(Path::new(file.name()))?;
        if rel.as_os_str().is_empty() {
            continue;
        }
        let mode = file.unix_mode().unwrap_or(0);
        if file.is_dir() {
            budget.file(0)?;
            let path = dest.join(&rel);
            std::fs::create_dir_all(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        } else if mode & 0o170000 == 0o120000 {
            budget.file(0)?;
            let mut target = String::new();
            file.by_ref()
                .take(4096)
                .read_to_string(&mut target)
                .map_err(|e| format!("the archive is damaged: {e}"))?;
            make_link(dest, &rel, Path::new(&target))?;
        } else {
            let size = file.size();
            budget.file(size)?;
            write_file(dest, &rel, &mut file, size, mode & 0o111 != 0)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A tar.gz with the given entries: (path, kind, content or link target).
    fn tar_gz(entries: &[(&str, tar::EntryType, &str)]) -> Vec<u8> {
        let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
        for (path, kind, data) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(*kind);
            h.set_mode(0o644);
            // Written raw, so that unsafe names reach the reader as they would from an attacker.
            let name = h.as_old_mut().name.as_mut();
            name[..path.len()].copy_from_slice(path.as_bytes());
            if kind.is_symlink() {
                h.set_link_name(data).unwrap();
                h.set_size(0);
                h.set_cksum();
                builder.append(&h, std::io::empty()).unwrap();
            } else {
                h.set_size(data.len() as u64);
                h.set_cksum();
                builder.append(&h, data.as_bytes()).unwrap();
            }
        }
        builder.into_inner().unwrap().finish().unwrap()
    }

    fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, data) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(data.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    use tar::EntryType as T;

    #[test]
    fn unpacks_files_directories_and_inner_links() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = tar_gz(&[
            ("mod/", T::Directory, ""),
            ("mod/main.tf", T::Regular, "variable \"x\" {}\n"),
            ("mod/sub/vars.tf", T::Regular, "# sub\n"),
            ("mod/link.tf", T::Symlink, "sub/vars.tf"),
        ]);
        extract(&bytes, ArchiveFormat::TarGz, dir.path(), Limits::default()).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("mod/main.tf")).unwrap(),
            "variable \"x\" {}\n"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("mod/link.tf")).unwrap(),
            "# sub\n"
        );
        let zip = zip_of(&[("a/main.tf", "locals {}\n")]);
        let dir2 = tempfile::tempdir().unwrap();
        extract(&zip, ArchiveFormat::Zip, dir2.path(), Limits::default()).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir2.path().join("a/main.tf")).unwrap(),
            "locals {}\n"
        );
    }

    #[test]
    fn refuses_paths_and_links_that_leave_the_directory() {
        let outside = tempfile::tempdir().unwrap();
        for entries in [
            vec![("../evil.tf", T::Regular, "x")],
            vec![("/abs.tf", T::Regular, "x")],
            vec![("a/../../evil.tf", T::Regular, "x")],
            vec![("up", T::Symlink, "../..")],
            vec![("abs", T::Symlink, "/etc")],
            // A link inside, then a file written through it.
            vec![("d", T::Symlink, "."), ("d", T::Regular, "x")],
            vec![("hard", T::Link, "main.tf")],
        ] {
            let dir = tempfile::tempdir().unwrap();
            let target = dir.path().join("t");
            let err = extract(&tar_gz(&entries), ArchiveFormat::TarGz, &target, Limits::default()).unwrap_err();
            assert!(
                err.contains("outside") || err.contains("twice") || err.contains("may not hold"),
                "{entries:?}: {err}"
            );
            assert!(!dir.path().join("evil.tf").exists());
        }
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
        let err = extract(
            &zip_of(&[("../evil.tf", "x")]),
            ArchiveFormat::Zip,
            outside.path(),
            Limits::default(),
        );
        assert!(err.unwrap_err().contains("outside"));
    }

    #[test]
    fn refuses_what_is_not_the_archive_it_claims_to_be() {
        let dir = tempfile::tempdir().unwrap();
        let html = b"<html>not found</html>";
        assert!(extract(html, ArchiveFormat::TarGz, dir.path(), Limits::default())
            .unwrap_err()
            .contains("not a gzip"));
        assert!(extract(html, ArchiveFormat::Zip, dir.path(), Limits::default())
            .unwrap_err()
            .contains("not a zip"));
        let mut cut = tar_gz(&[("main.tf", T::Regular, &"x".repeat(5000))]);
        cut.truncate(cut.len() / 2);
        assert!(extract(&cut, ArchiveFormat::TarGz, dir.path(), Limits::default()).is_err());
    }

    #[test]
    fn stops_at_the_size_and_count_limits() {
        let dir = tempfile::tempdir().unwrap();
        let small = Limits {
            max_bytes: 100,
            max_files: 2,
        };
        let big = tar_gz(&[("a.tf", T::Regular, &"x".repeat(101))]);
        assert!(extract(&big, ArchiveFormat::TarGz, dir.path(), small)
            .unwrap_err()
            .contains("more than 100 bytes"));
        let many = tar_gz(&[("a", T::Regular, ""), ("b", T::Regular, ""), ("c", T::Regular, "")]);
        assert!(extract(&many, ArchiveFormat::TarGz, &dir.path().join("m"), small)
            .unwrap_err()
            .contains("more than 2 files"));
    }
}
