//! Reading a whole file from disk, with bounds: what aksplan reads as
//! configuration (`.tf`, `.tf.json`, `.tfvars`) and what the file functions
//! read (`file`, `filebase64`, `templatefile`, the `file*` hashes).
//!
//! Only a regular file is read (a symbolic link to one is fine): a device
//! such as `/dev/zero` would never end, and a named pipe would block until
//! something writes to it. The type is checked before opening, the file is
//! opened without blocking, and the type is checked again on the open
//! handle, so a path swapped in between cannot block or run on either. A
//! file is read up to a cap ([`CONFIG_MAX_BYTES`], [`FUNCTION_MAX_BYTES`]),
//! never past it even if the file grows while it is read; the environment
//! variable [`MAX_BYTES_VAR`] sets both caps. This module only reads: it
//! knows nothing of diagnostics, which its callers make from [`ReadError`].

use std::fmt;
use std::io::Read as _;
use std::os::unix::fs::{FileTypeExt as _, OpenOptionsExt as _};
use std::path::Path;

/// The default cap for a configuration file.
pub const CONFIG_MAX_BYTES: u64 = 64 * 1024 * 1024;
/// The default cap for a file read by a function.
pub const FUNCTION_MAX_BYTES: u64 = 16 * 1024 * 1024;
/// The environment variable that sets both caps: a number of bytes, or of
/// KiB, MiB or GiB with that suffix (`AKSPLAN_MAX_FILE_BYTES=256MiB`).
pub const MAX_BYTES_VAR: &str = "AKSPLAN_MAX_FILE_BYTES";

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Nothing at that path.
    NotFound,
    /// Something that is not a regular file; says what it is.
    NotRegular(&'static str),
    /// Larger than the cap (`len` is at least what was seen).
    TooLarge {
        len: u64,
        cap: u64,
    },
    /// [`MAX_BYTES_VAR`] is set to something that is not a size.
    BadCap(String),
    Io(std::io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotFound => f.write_str("no such file"),
            ReadError::NotRegular(what) => write!(f, "{what}, not a regular file"),
            ReadError::TooLarge { len, cap } => write!(
                f,
                "the file is {} and aksplan reads files of at most {} (set {MAX_BYTES_VAR} to raise the limit)",
                size(*len),
                size(*cap)
            ),
            ReadError::BadCap(v) => write!(
                f,
                "{MAX_BYTES_VAR} is {v:?}, which is not a size (a number of bytes, or a number with KiB, MiB or GiB)"
            ),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// A size as people read it: bytes below 1 KiB, else the largest binary unit.
pub fn size(n: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (unit, name) in UNITS {
        if n >= unit {
            return if n % unit == 0 {
                format!("{} {name}", n / unit)
            } else {
                format!("{:.1} {name}", n as f64 / unit as f64)
            };
        }
    }
    format!("{n} bytes")
}

/// What a file is read for, which picks its default cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Config,
    Function,
}

/// The cap for `purpose`: [`MAX_BYTES_VAR`] when it is set, else the default.
pub fn cap(purpose: Purpose) -> Result<u64, ReadError> {
    match std::env::var(MAX_BYTES_VAR) {
        Ok(v) if !v.trim().is_empty() => parse_size(&v).ok_or(ReadError::BadCap(v)),
        _ => Ok(match purpose {
            Purpose::Config => CONFIG_MAX_BYTES,
            Purpose::Function => FUNCTION_MAX_BYTES,
        }),
    }
}

/// `1048576`, `512KiB`, `64MiB`, `1GiB` (also `K`, `M`, `G`, `KB`..., in any case).
fn parse_size(v: &str) -> Option<u64> {
    let v = v.trim();
    let digits = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let n: u64 = v[..digits].parse().ok()?;
    let unit = match v[digits..].trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return None,
    };
    n.checked_mul(unit)
}

/// Reads the regular file at `path` (following links), of at most `cap` bytes.
pub fn read(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(io)?;
    if let Some(what) = irregular(&meta.file_type()) {
        return Err(ReadError::NotRegular(what));
    }
    if meta.len() > cap {
        return Err(ReadError::TooLarge { len: meta.len(), cap });
    }
    // Non-blocking, so that a FIFO put in the file's place since returns
    // at once; the handle is then checked for what it really is.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if let Some(what) = irregular(&meta.file_type()) {
        return Err(ReadError::NotRegular(what));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len().min(cap)).unwrap_or(0));
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge {
            len: bytes.len() as u64,
            cap,
        });
    }
    Ok(bytes)
}

/// [`read`] with the cap for `purpose`.
pub fn read_for(path: &Path, purpose: Purpose) -> Result<Vec<u8>, ReadError> {
    read(path, cap(purpose)?)
}

fn io(e: std::io::Error) -> ReadError {
    if e.kind() == std::io::ErrorKind::NotFound {
        ReadError::NotFound
    } else {
        ReadError::Io(e)
    }
}

/// What something that is not a regular file is.
pub fn irregular(t: &std::fs::FileType) -> Option<&'static str> {
    if t.is_file() {
        None
    } else if t.is_dir() {
        Some("a directory")
    } else if t.is_block_device() || t.is_char_device() {
        Some("a device")
    } else if t.is_fifo() {
        Some("a named pipe")
    } else if t.is_socket() {
        Some("a socket")
    } else {
        Some("something else")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_and_links_to_them_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.tf");
        std::fs::write(&f, "locals {}\n").unwrap();
        std::os::unix::fs::symlink(&f, dir.path().join("link.tf")).unwrap();
        assert_eq!(read(&f, 100).unwrap(), b"locals {}\n");
        assert_eq!(read(&dir.path().join("link.tf"), 100).unwrap(), b"locals {}\n");
        assert!(matches!(read(&dir.path().join("none"), 100), Err(ReadError::NotFound)));
    }

    #[test]
    fn devices_pipes_and_directories_are_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.tf");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.tf")).unwrap();
        let e = read(&fifo, 100).unwrap_err();
        assert_eq!(e.to_string(), "a named pipe, not a regular file");
        let e = read(&dir.path().join("zero.tf"), 100).unwrap_err();
        assert_eq!(e.to_string(), "a device, not a regular file");
        assert!(matches!(
            read(dir.path(), 100),
            Err(ReadError::NotRegular("a directory"))
        ));
    }

    #[test]
    fn files_over_the_cap_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("big");
        std::fs::write(&f, vec![b'x'; 2048]).unwrap();
        assert_eq!(read(&f, 2048).unwrap().len(), 2048);
        let e = read(&f, 1024).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the file is 2 KiB and aksplan reads files of at most 1 KiB (set AKSPLAN_MAX_FILE_BYTES to raise the limit)"
        );
    }

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("1048576"), Some(1 << 20));
        assert_eq!(parse_size("512KiB"), Some(512 << 10));
        assert_eq!(parse_size(" 64 MiB "), Some(64 << 20));
        assert_eq!(parse_size("1g"), Some(1 << 30));
        assert_eq!(parse_size("1.5GiB"), None);
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size("99999999999999999999G"), None);
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(10), "10 bytes");
    }
}
