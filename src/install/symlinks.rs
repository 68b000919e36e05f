//! Resolving links in a module directory's path, as terraform does for
//! local sources (Go's `filepath.EvalSymlinks`), so the manifest records the
//! same `Dir`. Reads link targets; changes nothing.

use crate::config::modules::source::clean_path;
use std::path::Path;

/// Go's `filepath.EvalSymlinks` for a path relative to `root` (or absolute):
/// the path with every link replaced by its target, relative when no link
/// led to an absolute path; an error when a part is missing.
pub fn eval_symlinks(root: &Path, path: &str) -> Result<String, String> {
    let mut current = if path.starts_with('/') {
        "/".to_string()
    } else {
        String::new()
    };
    let mut todo: Vec<String> = path.split('/').rev().map(str::to_string).collect();
    let mut hops = 0;
    while let Some(part) = todo.pop() {
        match part.as_str() {
            "" | "." => continue,
            ".." => {
                current = clean_path(&format!("{}/..", if current.is_empty() { "." } else { &current }));
                if current == "." {
                    current.clear();
                }
                continue;
            }
            _ => {}
        }
        let next = if current.is_empty() {
            part.clone()
        } else if current == "/" {
            format!("/{part}")
        } else {
            format!("{current}/{part}")
        };
        let on_disk = root.join(&next);
        let meta = std::fs::symlink_metadata(&on_disk).map_err(|e| format!("lstat {next}: {e}"))?;
        if !meta.file_type().is_symlink() {
            current = next;
            continue;
        }
        hops += 1;
        if hops > 255 {
            return Err(format!("{path}: too many links"));
        }
        let target = std::fs::read_link(&on_disk).map_err(|e| format!("readlink {next}: {e}"))?;
        let target = target.to_string_lossy().to_string();
        if target.starts_with('/') {
            current = "/".into();
        }
        todo.extend(target.split('/').rev().map(str::to_string));
    }
    Ok(if current.is_empty() { ".".into() } else { current })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eval_symlinks_keeps_plain_paths_relative_and_follows_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        assert_eq!(eval_symlinks(root, "a/b").unwrap(), "a/b");
        assert_eq!(eval_symlinks(root, "a/../a/b").unwrap(), "a/b");
        assert_eq!(eval_symlinks(root, ".").unwrap(), ".");
        assert!(eval_symlinks(root, "a/missing").unwrap_err().contains("a/missing"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("a/b", root.join("rel")).unwrap();
            assert_eq!(eval_symlinks(root, "rel").unwrap(), "a/b");
            let outside = tempfile::tempdir().unwrap();
            std::fs::create_dir_all(outside.path().join("sub")).unwrap();
            std::os::unix::fs::symlink(outside.path(), root.join("abs")).unwrap();
            let real = std::fs::canonicalize(outside.path()).unwrap();
            let got = eval_symlinks(root, "abs/sub").unwrap();
            assert_eq!(std::fs::canonicalize(&got).unwrap(), real.join("sub"));
            assert!(got.starts_with('/'));
        }
    }
}
