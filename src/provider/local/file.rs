//! The file system side of the local provider: reading a file with bounds
//! (a regular file only, at most [`MAX_FILE_SIZE`], never blocking on a
//! FIFO), writing one as Go's `os.WriteFile` does (parent directories made
//! with their own mode, the mode applied to a new file before the umask),
//! and the checksums the provider reports. Relative paths are relative to
//! the process's working directory, as Terraform's are.

use base64::Engine as _;
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

/// The largest file aksplan reads (content, `source`, data sources).
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

#[derive(Debug, PartialEq)]
pub enum ReadError {
    NotFound,
    /// Anything else, as a message naming the path.
    Other(String),
}

/// Reads a whole regular file of at most [`MAX_FILE_SIZE`] bytes.
pub fn read_bounded(path: &str) -> Result<Vec<u8>, ReadError> {
    // Non-blocking, so that opening a FIFO returns at once; the type of
    // what was opened is then checked on the handle itself.
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => ReadError::NotFound,
            _ => ReadError::Other(format!("{path}: {e}")),
        })?;
    let meta = file.metadata().map_err(|e| ReadError::Other(format!("{path}: {e}")))?;
    if !meta.is_file() {
        return Err(ReadError::Other(format!(
            "{path} is not a regular file (a directory, a device, a FIFO or a socket): aksplan reads regular files only"
        )));
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(too_large(path, meta.len()));
    }
    let mut content = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut content)
        .map_err(|e| ReadError::Other(format!("{path}: {e}")))?;
    if content.len() as u64 > MAX_FILE_SIZE {
        return Err(too_large(path, content.len() as u64));
    }
    Ok(content)
}

fn too_large(path: &str, len: u64) -> ReadError {
    ReadError::Other(format!(
        "{path} is {len} bytes or more: aksplan reads files of at most {} MiB",
        MAX_FILE_SIZE / (1024 * 1024)
    ))
}

/// Writes `content` to `path`: missing parent directories are made with
/// `dir_mode`, a new file gets `file_mode` (both before the umask), an
/// existing file is truncated and keeps its mode. A path that exists and
/// is not a regular file is refused rather than opened.
pub fn write(path: &str, content: &[u8], file_mode: u32, dir_mode: u32) -> Result<(), String> {
    let parent = match Path::new(path).parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if fs::metadata(parent).is_err() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(dir_mode)
            .create(parent)
            .map_err(|e| format!("creating the directory {}: {e}", parent.display()))?;
    }
    if let Ok(meta) = fs::metadata(path) {
        if !meta.is_file() {
            return Err(format!("{path} exists and is not a regular file"));
        }
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(file_mode)
        .open(path)
        .map_err(|e| format!("{path}: {e}"))?;
    file.write_all(content).map_err(|e| format!("{path}: {e}"))
}

/// A permission string (`"0644"`, `"755"`): 3 or 4 octal digits, at most 0777.
pub fn parse_mode(text: &str) -> Result<u32, String> {
    if !(3..=4).contains(&text.len()) {
        return Err(format!(
            "bad mode permission: string length should be 3 or 4 digits: {text}"
        ));
    }
    match u32::from_str_radix(text, 8) {
        Ok(m) if m <= 0o777 => Ok(m),
        _ => Err(format!(
            "bad mode permission: string must be expressed in octal numeric notation: {text}"
        )),
    }
}

/// The checksums the provider reports of a content.
pub struct Checksums {
    pub md5: String,
    pub sha1: String,
    pub sha256: String,
    pub sha512: String,
    pub base64_sha256: String,
    pub base64_sha512: String,
}

impl Checksums {
    pub fn of(content: &[u8]) -> Checksums {
        use sha2::Digest;
        let b64 = base64::engine::general_purpose::STANDARD;
        let sha256 = sha2::Sha256::digest(content);
        let sha512 = sha2::Sha512::digest(content);
        Checksums {
            md5: hex(&md5::Md5::digest(content)),
            sha1: hex(&sha1::Sha1::digest(content)),
            sha256: hex(&sha256),
            sha512: hex(&sha512),
            base64_sha256: b64.encode(sha256),
            base64_sha512: b64.encode(sha512),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Text as Go code that walks a string sees it: each byte of an invalid
/// UTF-8 sequence becomes one U+FFFD.
pub fn lossy_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(std::iter::repeat_n('\u{FFFD}', chunk.invalid().len()));
    }
    out
}

/// Decodes `content_base64` as Go's `base64.StdEncoding` does: padding
/// required, line breaks ignored.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    let cleaned: String = text.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    engine.decode(cleaned).map_err(|e| format!("illegal base64 data: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn reading_refuses_what_is_not_a_regular_file_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        assert!(matches!(read_bounded(d), Err(ReadError::Other(m)) if m.contains("not a regular file")));
        assert!(matches!(read_bounded("/dev/zero"), Err(ReadError::Other(m)) if m.contains("not a regular file")));
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let r = read_bounded(fifo.to_str().unwrap());
        assert!(matches!(r, Err(ReadError::Other(m)) if m.contains("not a regular file")));
        assert_eq!(read_bounded(&format!("{d}/missing")), Err(ReadError::NotFound));
    }

    #[test]
    fn reading_refuses_a_file_over_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        let f = fs::File::create(&big).unwrap();
        f.set_len(MAX_FILE_SIZE + 1).unwrap(); // sparse: no real disk use
        let r = read_bounded(big.to_str().unwrap());
        assert!(matches!(r, Err(ReadError::Other(m)) if m.contains("at most 64 MiB")));
        f.set_len(3).unwrap();
        assert_eq!(read_bounded(big.to_str().unwrap()).unwrap(), vec![0, 0, 0]);
    }

    #[test]
    fn writing_makes_parents_and_applies_modes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/f.txt");
        write(path.to_str().unwrap(), b"hi", 0o600, 0o700).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"hi");
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let parent = fs::metadata(dir.path().join("a/b")).unwrap().permissions().mode() & 0o777;
        assert_eq!(parent, 0o700);
        assert!(write(dir.path().to_str().unwrap(), b"x", 0o600, 0o700).is_err());
    }

    #[test]
    fn modes_checksums_text_and_base64_are_the_providers() {
        assert_eq!(parse_mode("0644"), Ok(0o644));
        assert_eq!(parse_mode("755"), Ok(0o755));
        assert!(parse_mode("0999").unwrap_err().contains("octal"));
        assert!(parse_mode("77").unwrap_err().contains("3 or 4"));
        assert!(parse_mode("1777").is_err());
        let c = Checksums::of(b"abc");
        assert_eq!(c.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(c.md5, "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(c.base64_sha256, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
        assert_eq!(lossy_text(b"a\xe2\x82b"), "a\u{FFFD}\u{FFFD}b");
        assert_eq!(decode_base64("aGk=\n").unwrap(), b"hi");
        assert!(decode_base64("aGk").is_err());
    }
}
