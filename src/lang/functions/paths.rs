//! Lexical path operations as Go's `path/filepath` does them on Unix
//! (`Clean`, `Dir`, `Base`, `Join`) and `~` expansion as
//! mitchellh/go-homedir does it. Pure string work: nothing here touches the
//! file system.

/// Go's `filepath.Clean`: the shortest equivalent path, lexically.
pub(crate) fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            p => parts.push(p),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

/// Go's `filepath.Join`: the non-empty elements joined and cleaned.
pub(crate) fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => String::new(),
        (true, false) => clean(b),
        (false, true) => clean(a),
        (false, false) => clean(&format!("{a}/{b}")),
    }
}

/// Go's `filepath.Dir`: all but the last element, cleaned.
pub(crate) fn dir(path: &str) -> String {
    let cut = path.rfind('/').map_or(0, |i| i + 1);
    clean(&path[..cut])
}

/// Go's `filepath.Base`: the last element, trailing slashes ignored.
pub(crate) fn base(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// go-homedir's `Expand`: a leading `~` or `~/` becomes the home directory
/// (then the path is cleaned); `~user` is refused.
pub(crate) fn expand_home(path: &str) -> Result<String, String> {
    let Some(rest) = path.strip_prefix('~') else {
        return Ok(path.to_string());
    };
    if !rest.is_empty() && !rest.starts_with('/') {
        return Err("cannot expand user-specific home dir".into());
    }
    let home = std::env::var("HOME")
        .ok()
        .filter(|h| !h.is_empty())
        .ok_or("cannot find the home directory: HOME is not set")?;
    Ok(join(&home, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expectations from Go's path/filepath documentation and from
    /// `terraform console` (dirname, basename) on this machine.
    #[test]
    fn clean_dir_and_base_as_go() {
        let cleans = [
            ("", "."),
            ("a/../b", "b"),
            ("/x//y/./z/", "/x/y/z"),
            ("/..", "/"),
            ("../../a", "../../a"),
            ("a/../..", ".."),
            ("./", "."),
            ("//a", "/a"),
        ];
        for (p, want) in cleans {
            assert_eq!(clean(p), want, "clean({p:?})");
        }
        let dirs = [
            ("", "."),
            ("a", "."),
            ("/", "/"),
            ("a/b/", "a/b"),
            ("/a//b", "/a"),
            ("a/..", "a"),
        ];
        for (p, want) in dirs {
            assert_eq!(dir(p), want, "dir({p:?})");
        }
        let bases = [("", "."), ("/", "/"), ("a/b/", "b"), ("//", "/"), ("a/b.txt", "b.txt")];
        for (p, want) in bases {
            assert_eq!(base(p), want, "base({p:?})");
        }
        assert_eq!(join("/base", "../x"), "/x");
        assert_eq!(join("", "a/"), "a");
    }

    #[test]
    fn home_expansion_as_go_homedir() {
        let home = std::env::var("HOME").unwrap();
        assert_eq!(expand_home("~").unwrap(), clean(&home));
        assert_eq!(expand_home("~/x/../y").unwrap(), join(&home, "y"));
        assert_eq!(expand_home("a/~").unwrap(), "a/~");
        assert_eq!(expand_home("").unwrap(), "");
        assert_eq!(expand_home("~x").unwrap_err(), "cannot expand user-specific home dir");
    }
}
