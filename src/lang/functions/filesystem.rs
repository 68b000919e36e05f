//! The file and path functions: `file`, `filebase64`, `fileexists`,
//! `fileset`, `abspath`, `dirname`, `basename`, `pathexpand`.
//!
//! Relative paths are resolved against [`FuncContext::base_dir`] after `~`
//! expansion, as Terraform resolves them against the module directory.
//! Reads are bounded ([`crate::fileread`]): only regular files up to
//! [`crate::fileread::FUNCTION_MAX_BYTES`] (or what `AKSPLAN_MAX_FILE_BYTES` says) are read, so
//! that `file("/dev/zero")` or a named pipe fails at once instead of reading
//! forever (Terraform would hang there). Functions here read files; they
//! never write, and never look at the clock.

use super::paths::{base, clean, dir, expand_home, join};
use super::{func, param, string_arg, FnError, FnResult, FuncContext, Function};
use crate::lang::types::Type;
use crate::lang::value::Value;
use base64::Engine as _;
use std::path::PathBuf;

pub fn register(r: &mut Vec<Function>) {
    let path_fn = |name, ret, imp| func(name, vec![param("path", Type::String)], ret, imp);
    r.extend([
        path_fn("file", Type::String, file),
        path_fn("filebase64", Type::String, filebase64),
        path_fn("fileexists", Type::Bool, fileexists),
        func(
            "fileset",
            vec![param("path", Type::String), param("pattern", Type::String)],
            Type::set(Type::String),
            super::fileset::fileset,
        ),
        path_fn("abspath", Type::String, abspath),
        path_fn("dirname", Type::String, |a, _| {
            Ok(Value::String(dir(&string_arg(a, 0)?)))
        }),
        path_fn("basename", Type::String, |a, _| {
            Ok(Value::String(base(&string_arg(a, 0)?)))
        }),
        path_fn("pathexpand", Type::String, |a, _| {
            expand_home(&string_arg(a, 0)?).map(Value::String).map_err(FnError::new)
        }),
    ]);
}

/// The path a file function opens: `~` expanded, joined to the base
/// directory when relative, cleaned.
pub(crate) fn resolve(ctx: &FuncContext, path: &str) -> Result<PathBuf, String> {
    let expanded = expand_home(path).map_err(|e| format!("failed to expand ~: {e}"))?;
    if expanded.starts_with('/') {
        return Ok(PathBuf::from(clean(&expanded)));
    }
    Ok(ctx.base_dir.join(clean(&expanded)))
}

/// How a file that exists is not a regular file, in Terraform's words.
fn irregular(meta: &std::fs::Metadata) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt as _;
    let t = meta.file_type();
    if t.is_file() {
        None
    } else if t.is_dir() {
        Some("is a directory, not a file")
    } else if t.is_block_device() || t.is_char_device() {
        Some("is a device node, not a regular file")
    } else if t.is_fifo() {
        Some("is a named pipe, not a regular file")
    } else if t.is_socket() {
        Some("is a unix domain socket, not a regular file")
    } else {
        Some("is not a regular file")
    }
}

/// What went wrong opening or reading a file.
pub(crate) enum ReadError {
    /// No file at that path.
    Missing,
    /// Anything else, said in full.
    Other(String),
}

/// Reads a regular file of at most the functions' cap (16 MiB, or what the
/// environment sets), never blocking on a pipe or reading a device.
pub(crate) fn read_bytes(ctx: &FuncContext, path: &str) -> Result<Vec<u8>, ReadError> {
    use crate::fileread::{self, Purpose, ReadError as E};
    let full = resolve(ctx, path).map_err(ReadError::Other)?;
    // Terraform's words for what is not a regular file, before anything is opened.
    match std::fs::metadata(&full) {
        Ok(meta) => {
            if let Some(what) = irregular(&meta) {
                return Err(ReadError::Other(format!("{path:?} {what}")));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadError::Missing),
        Err(e) => return Err(ReadError::Other(format!("cannot open {path:?}: {e}"))),
    }
    fileread::read_for(&full, Purpose::Function).map_err(|e| match e {
        E::NotFound => ReadError::Missing,
        E::NotRegular(what) => ReadError::Other(format!("{path:?} is {what}, not a regular file")),
        E::TooLarge { cap, .. } => ReadError::Other(format!(
            "{path:?} is larger than the {} that functions read (set {} to raise the limit)",
            fileread::size(cap),
            fileread::MAX_BYTES_VAR
        )),
        E::BadCap(_) => ReadError::Other(e.to_string()),
        E::Io(e) => ReadError::Other(format!("failed to read {path:?}: {e}")),
    })
}

/// `read_bytes` for `file` and `filebase64`, with Terraform's hint for a
/// missing file.
fn read_config_file(ctx: &FuncContext, path: &str) -> Result<Vec<u8>, FnError> {
    read_bytes(ctx, path).map_err(|e| match e {
        ReadError::Missing => FnError::arg(
            0,
            format!(
                "no file exists at {path:?}; this function works only with files that are distributed as part of \
                 the configuration source code, so if this file will be created by a resource in this \
                 configuration you must instead obtain this result from an attribute of that resource"
            ),
        ),
        ReadError::Other(m) => FnError::arg(0, m),
    })
}

/// Reads a UTF-8 file, as `file()` and `templatefile()` do.
pub(crate) fn read_text(ctx: &FuncContext, path: &str, _arg: usize) -> Result<String, FnError> {
    let bytes = read_config_file(ctx, path)?;
    String::from_utf8(bytes).map_err(|_| {
        FnError::new(format!(
            "contents of {path:?} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded \
             contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead"
        ))
    })
}

pub fn file(a: &[Value], ctx: &FuncContext) -> FnResult {
    read_text(ctx, &string_arg(a, 0)?, 0).map(Value::String)
}

pub fn filebase64(a: &[Value], ctx: &FuncContext) -> FnResult {
    let bytes = read_config_file(ctx, &string_arg(a, 0)?)?;
    Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)))
}

pub fn fileexists(a: &[Value], ctx: &FuncContext) -> FnResult {
    let path = string_arg(a, 0)?;
    let full = resolve(ctx, &path).map_err(FnError::new)?;
    match std::fs::metadata(full) {
        Ok(m) => match irregular(&m) {
            None => Ok(Value::Bool(true)),
            Some(what) => Err(FnError::new(format!("{path:?} {what}"))),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Value::Bool(false)),
        Err(_) => Err(FnError::new(format!("failed to stat {path:?}"))),
    }
}

/// `abspath`: relative to the working directory, as Terraform's is.
pub fn abspath(a: &[Value], _: &FuncContext) -> FnResult {
    let path = string_arg(a, 0)?;
    if path.starts_with('/') {
        return Ok(Value::String(clean(&path)));
    }
    let cwd = std::env::current_dir().map_err(|e| FnError::new(format!("cannot find the working directory: {e}")))?;
    Ok(Value::String(join(&cwd.to_string_lossy(), &path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(dir: &std::path::Path) -> FuncContext {
        FuncContext {
            base_dir: dir.to_path_buf(),
            ..FuncContext::default()
        }
    }

    fn call(name: &str, args: &[&str], c: &FuncContext) -> FnResult {
        let args = args.iter().map(|s| Value::string(*s)).collect();
        super::super::call(name, args, c).unwrap()
    }

    /// Messages and values as `terraform console` (1.11.4) prints them for
    /// the same files.
    #[test]
    fn reads_files_relative_to_the_configuration() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "hello").unwrap();
        std::fs::write(dir.path().join("bin.dat"), b"hi\xff").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let c = ctx(dir.path());
        assert_eq!(call("file", &["a.txt"], &c), Ok(Value::string("hello")));
        assert_eq!(call("file", &["sub/../a.txt"], &c), Ok(Value::string("hello")));
        assert_eq!(call("filebase64", &["bin.dat"], &c), Ok(Value::string("aGn/")));
        let e = call("file", &["missing.txt"], &c).unwrap_err();
        assert!(e.message.starts_with("no file exists at \"missing.txt\"; this function works only with files that are distributed as part of the configuration source code"), "{}", e.message);
        assert_eq!(e.arg, Some(0));
        let e = call("file", &["bin.dat"], &c).unwrap_err();
        assert!(e
            .message
            .starts_with("contents of \"bin.dat\" are not valid UTF-8; use the filebase64 function"));
        assert_eq!(
            call("file", &["sub"], &c).unwrap_err().message,
            "\"sub\" is a directory, not a file"
        );
        assert_eq!(call("fileexists", &["a.txt"], &c), Ok(Value::Bool(true)));
        assert_eq!(call("fileexists", &["nope"], &c), Ok(Value::Bool(false)));
        assert_eq!(call("fileexists", &["~/surely/not/there"], &c), Ok(Value::Bool(false)));
        assert_eq!(
            call("fileexists", &["sub"], &c).unwrap_err().message,
            "\"sub\" is a directory, not a file"
        );
        assert_eq!(
            call("fileexists", &["/dev/null"], &c).unwrap_err().message,
            "\"/dev/null\" is a device node, not a regular file"
        );
    }

    #[test]
    fn devices_and_pipes_are_refused_without_reading() {
        let c = FuncContext::default();
        let e = call("file", &["/dev/zero"], &c).unwrap_err();
        assert_eq!(e.message, "\"/dev/zero\" is a device node, not a regular file");
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        let e = call("filebase64", &[fifo.to_str().unwrap()], &c).unwrap_err();
        assert!(
            e.message.ends_with("is a named pipe, not a regular file"),
            "{}",
            e.message
        );
        assert!(call("fileexists", &[fifo.to_str().unwrap()], &c)
            .unwrap_err()
            .message
            .ends_with("is a named pipe, not a regular file"));
    }

    #[test]
    fn files_over_the_limit_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let big = std::fs::File::create(dir.path().join("big")).unwrap();
        big.set_len(crate::fileread::FUNCTION_MAX_BYTES + 1).unwrap();
        let e = call("filebase64", &["big"], &ctx(dir.path())).unwrap_err();
        assert_eq!(
            e.message,
            "\"big\" is larger than the 16 MiB that functions read (set AKSPLAN_MAX_FILE_BYTES to raise the limit)"
        );
    }

    /// `terraform console` (1.11.4) run in /tmp/tfc printed these.
    #[test]
    fn path_functions_as_terraform() {
        let c = FuncContext::default();
        let cases = [
            ("dirname", "", "."),
            ("dirname", "a", "."),
            ("dirname", "/", "/"),
            ("dirname", "a/b/", "a/b"),
            ("dirname", "/a//b", "/a"),
            ("dirname", "a/..", "a"),
            ("basename", "", "."),
            ("basename", "/", "/"),
            ("basename", "a/b/", "b"),
            ("basename", "//", "/"),
            ("basename", "a/b.txt", "b.txt"),
            ("abspath", "/x//y/./z/", "/x/y/z"),
            ("pathexpand", "a/~", "a/~"),
            ("pathexpand", "", ""),
        ];
        for (f, arg, want) in cases {
            assert_eq!(call(f, &[arg], &c), Ok(Value::string(want)), "{f}({arg:?})");
        }
        let cwd = std::env::current_dir().unwrap();
        let cwd = cwd.to_str().unwrap();
        assert_eq!(call("abspath", &["a/../b"], &c), Ok(Value::string(format!("{cwd}/b"))));
        assert_eq!(call("abspath", &[""], &c), Ok(Value::string(cwd)));
        let home = std::env::var("HOME").unwrap();
        assert_eq!(call("pathexpand", &["~/x"], &c), Ok(Value::string(format!("{home}/x"))));
        assert_eq!(
            call("pathexpand", &["~x"], &c).unwrap_err().message,
            "cannot expand user-specific home dir"
        );
    }
}
