//! `file` and `fileexists`: paths are relative to the configuration directory.

use super::{func, param, string_arg, FnError, FnResult, FuncContext, Function};
use crate::lang::types::Type;
use crate::lang::value::Value;
use std::path::PathBuf;

pub fn register(r: &mut Vec<Function>) {
    r.extend([
        func("file", vec![param("path", Type::String)], Type::String, file),
        func("fileexists", vec![param("path", Type::String)], Type::Bool, fileexists),
    ]);
}

pub(crate) fn resolve(ctx: &FuncContext, path: &str) -> PathBuf {
    let p = PathBuf::from(path);
    if p.is_absolute() {
        p
    } else {
        ctx.base_dir.join(p)
    }
}

/// Reads a UTF-8 file, as `file()` and `templatefile()` do.
pub(crate) fn read_text(ctx: &FuncContext, path: &str, arg: usize) -> Result<String, FnError> {
    let full = resolve(ctx, path);
    let bytes = std::fs::read(&full).map_err(|e| FnError::arg(arg, format!("cannot read {path:?}: {e}")))?;
    String::from_utf8(bytes).map_err(|_| FnError::arg(arg, format!("{path:?} is not valid UTF-8 text")))
}

pub fn file(a: &[Value], ctx: &FuncContext) -> FnResult {
    read_text(ctx, &string_arg(a, 0)?, 0).map(Value::String)
}

pub fn fileexists(a: &[Value], ctx: &FuncContext) -> FnResult {
    let path = string_arg(a, 0)?;
    match std::fs::metadata(resolve(ctx, &path)) {
        Ok(m) if m.is_dir() => Err(FnError::arg(0, format!("{path:?} is a directory, not a file"))),
        Ok(_) => Ok(Value::Bool(true)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Value::Bool(false)),
        Err(e) => Err(FnError::arg(0, format!("cannot stat {path:?}: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(dir: &std::path::Path) -> FuncContext {
        FuncContext {
            base_dir: dir.to_path_buf(),
        }
    }

    #[test]
    fn reads_files_relative_to_the_configuration() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "hello").unwrap();
        std::fs::write(dir.path().join("bin"), [0xff, 0xfe]).unwrap();
        let c = ctx(dir.path());
        assert_eq!(file(&[Value::string("a.txt")], &c), Ok(Value::string("hello")));
        assert!(file(&[Value::string("missing")], &c)
            .unwrap_err()
            .message
            .contains("cannot read"));
        assert!(file(&[Value::string("bin")], &c).unwrap_err().message.contains("UTF-8"));
        assert_eq!(fileexists(&[Value::string("a.txt")], &c), Ok(Value::Bool(true)));
        assert_eq!(fileexists(&[Value::string("nope")], &c), Ok(Value::Bool(false)));
        assert!(fileexists(&[Value::string(".")], &c).is_err());
    }
}
