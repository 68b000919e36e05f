//! `fileset(path, pattern)`: the regular files under `path` that match a
//! glob, as Terraform finds them with bmatcuk/doublestar v1.
//!
//! The glob language is doublestar v1.1.5's (the version Terraform 1.11
//! links): `*` and `?` within one path element, `**` as a whole element for
//! any number of directories, `[a-z]` and `[^a-z]` classes (`!` is no
//! negation), `{a,b}` alternatives (not nested) and `\` escapes. Its quirks
//! are kept: the pattern is joined to the path and cleaned first, leading
//! elements without glob characters are looked up directly, an alternative
//! must leave something to match (`a.txt{,.bak}` matches nothing), symbolic
//! links to directories are followed. Results are relative to `path`, with
//! forward slashes, as a set. This module only lists directories and stats
//! files.

use super::paths::{clean, join};
use super::{string_arg, FnError, FnResult, FuncContext};
use crate::lang::types::Type;
use crate::lang::value::Value;

/// How deep `**` descends, so that a cycle of symbolic links ends.
const MAX_DEPTH: usize = 64;

pub fn fileset(a: &[Value], ctx: &FuncContext) -> FnResult {
    let path = string_arg(a, 0)?;
    let pattern = string_arg(a, 1)?;
    let root = if path.starts_with('/') {
        path.clone()
    } else {
        join(&ctx.base_dir.to_string_lossy(), &path)
    };
    let pattern = join(&root, &pattern);
    let mut matches = Vec::new();
    glob(&pattern, &mut matches)
        .map_err(|_| FnError::new(format!("failed to glob pattern {pattern:?}: syntax error in pattern")))?;
    let mut found = Vec::new();
    for m in matches {
        let meta = std::fs::metadata(&m).map_err(|e| FnError::new(format!("failed to stat {m:?}: {e}")))?;
        if !meta.is_file() {
            continue;
        }
        let rel = relative(&root, &m).ok_or_else(|| FnError::new(format!("failed to trim path of match {m:?}")))?;
        found.push(Value::String(rel));
    }
    Ok(Value::set_of(Type::String, found))
}

/// A malformed pattern.
#[derive(Debug, PartialEq)]
pub(crate) struct BadPattern;

/// Go's `filepath.Rel` for two clean paths, both absolute or both relative.
fn relative(base: &str, target: &str) -> Option<String> {
    let (base, target) = (clean(base), clean(target));
    if base.starts_with('/') != target.starts_with('/') {
        return None;
    }
    let split = |p: &str| -> Vec<String> {
        p.split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .map(String::from)
            .collect()
    };
    let (b, t) = (split(&base), split(&target));
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    if b[common..].iter().any(|s| s == "..") {
        return None;
    }
    let mut parts: Vec<&str> = vec![".."; b.len() - common];
    parts.extend(t[common..].iter().map(String::as_str));
    Some(if parts.is_empty() { ".".into() } else { parts.join("/") })
}

/// doublestar's `Glob`: every path matching the pattern (directories too).
pub(crate) fn glob(pattern: &str, out: &mut Vec<String>) -> Result<(), BadPattern> {
    let components = split_unescaped(pattern, '/');
    match components.split_first() {
        Some((first, rest)) if first.is_empty() => walk("/", rest, out, 0),
        _ => walk(".", &components, out, 0),
    }
}

/// Splits on `sep` where it is not escaped by a backslash.
fn split_unescaped(s: &str, sep: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut prev = None;
    for c in s.chars() {
        if c == sep && prev != Some('\\') {
            parts.push(String::new());
        } else if let Some(last) = parts.last_mut() {
            last.push(c);
        }
        prev = Some(c);
    }
    parts
}

/// The first `}` not escaped by a backslash.
fn closing_brace(s: &str) -> Option<usize> {
    let mut prev = None;
    for (i, c) in s.char_indices() {
        if c == '}' && prev != Some('\\') {
            return Some(i);
        }
        prev = Some(c);
    }
    None
}

fn is_dir_following_links(path: &str, ty: std::fs::FileType) -> Option<bool> {
    if ty.is_symlink() {
        std::fs::metadata(path).ok().map(|m| m.is_dir())
    } else {
        Some(ty.is_dir())
    }
}

fn walk(base: &str, components: &[String], out: &mut Vec<String>, depth: usize) -> Result<(), BadPattern> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    // Leading elements without glob characters are looked up directly.
    let fixed = components
        .iter()
        .take_while(|c| !c.contains(['*', '?', '[', '{', '\\']))
        .count();
    let base = if fixed > 0 {
        join(base, &components[..fixed].join("/"))
    } else {
        base.to_string()
    };
    let Ok(meta) = std::fs::symlink_metadata(&base) else {
        return Ok(());
    };
    let mut at = fixed;
    if at >= components.len() {
        out.push(base);
        return Ok(());
    }
    let is_dir = if meta.file_type().is_symlink() {
        std::fs::metadata(&base).map(|m| m.is_dir()).unwrap_or(false)
    } else {
        meta.is_dir()
    };
    if !is_dir {
        return Ok(());
    }
    let Ok(read) = std::fs::read_dir(&base) else {
        return Ok(());
    };
    let files: Vec<(String, std::fs::FileType)> = read
        .filter_map(Result::ok)
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.file_type().ok()?)))
        .collect();
    let mut last = at + 1 >= components.len();
    if components[at] == "**" {
        // Depth first into every directory, the `**` still to match.
        for (name, ty) in &files {
            let child = join(&base, name);
            let Some(dir) = is_dir_following_links(&child, *ty) else {
                continue;
            };
            if dir {
                if last {
                    out.push(child.clone());
                }
                walk(&child, &components[at..], out, depth + 1)?;
            } else if last {
                out.push(child);
            }
        }
        if last {
            return Ok(());
        }
        // And `**` as no directory at all.
        at += 1;
        last = at + 1 >= components.len();
    }
    for (name, _) in &files {
        if match_component(&components[at], name)? {
            let child = join(&base, name);
            if last {
                out.push(child);
            } else {
                walk(&child, &components[at + 1..], out, depth + 1)?;
            }
        }
    }
    Ok(())
}

/// Whether one path element matches one pattern element.
fn match_component(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    if pattern.is_empty() {
        return Ok(name.is_empty());
    }
    if name.is_empty() && pattern != "*" {
        return Ok(false);
    }
    let (mut p, mut n) = (0, 0);
    while p < pattern.len() && n < name.len() {
        let pc = pattern[p..].chars().next().unwrap_or_default();
        let nc = name[n..].chars().next().unwrap_or_default();
        match pc {
            '\\' => {
                p += 1;
                let Some(escaped) = pattern[p..].chars().next() else {
                    return Err(BadPattern);
                };
                if escaped != nc {
                    return Ok(false);
                }
                p += escaped.len_utf8();
                n += nc.len_utf8();
            }
            '*' => {
                p += 1;
                if p >= pattern.len() {
                    return Ok(true);
                }
                // The star takes some prefix of the rest of the name.
                let mut at = n;
                while at < name.len() {
                    if match_component(&pattern[p..], &name[at..]).unwrap_or(false) {
                        return Ok(true);
                    }
                    at += name[at..].chars().next().map_or(1, char::len_utf8);
                }
                return Ok(false);
            }
            '[' => {
                p += 1;
                let end = p + index_unescaped(&pattern[p..], &[']']).ok_or(BadPattern)?;
                if !class_matches(&pattern[p..end], nc)? {
                    return Ok(false);
                }
                p = end + 1;
                n += nc.len_utf8();
            }
            '{' => {
                p += 1;
                let end = p + closing_brace(&pattern[p..]).ok_or(BadPattern)?;
                let rest = &pattern[end + 1..];
                for option in split_unescaped(&pattern[p..end], ',') {
                    if match_component(&format!("{option}{rest}"), &name[n..])? {
                        return Ok(true);
                    }
                }
                return Ok(false);
            }
            c if c == '?' || c == nc => {
                p += c.len_utf8();
                n += nc.len_utf8();
            }
            _ => return Ok(false),
        }
    }
    let rest = &pattern[p..];
    Ok((n >= name.len() && (rest.is_empty() || rest == "*")) || rest == "**")
}

/// The first index of any of `chars` not escaped by a backslash.
fn index_unescaped(s: &str, chars: &[char]) -> Option<usize> {
    let mut prev = None;
    for (i, c) in s.char_indices() {
        if chars.contains(&c) && prev != Some('\\') {
            return Some(i);
        }
        prev = Some(c);
    }
    None
}

/// A character class body (between `[` and `]`) against one character.
fn class_matches(class: &str, c: char) -> Result<bool, BadPattern> {
    let runes: Vec<char> = class.chars().collect();
    if runes.is_empty() {
        return Err(BadPattern);
    }
    let negated = runes[0] == '^';
    let mut i = usize::from(negated);
    let mut found = false;
    let take = |i: &mut usize| -> Result<char, BadPattern> {
        let mut r = runes[*i];
        *i += 1;
        if r == '\\' {
            r = *runes.get(*i).ok_or(BadPattern)?;
            *i += 1;
        }
        Ok(r)
    };
    while i < runes.len() {
        if runes[i] == '-' {
            return Err(BadPattern);
        }
        let low = take(&mut i)?;
        let mut high = low;
        if runes.get(i) == Some(&'-') {
            i += 1;
            match runes.get(i) {
                None | Some('-') => return Err(BadPattern),
                Some(_) => high = take(&mut i)?,
            }
        }
        if low <= c && c <= high {
            found = true;
        }
    }
    Ok(found != negated)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "a.txt",
            "b.md",
            ".hidden",
            "sub/c.txt",
            "sub/deep/d.txt",
            "sub/deep/e.tf",
            "x-1/f.txt",
            "x-2/g.txt",
            "br{ace}/h.txt",
        ] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, f).unwrap();
        }
        std::fs::create_dir(dir.path().join("empty")).unwrap();
        dir
    }

    fn set(items: &[&str]) -> Value {
        Value::set_of(Type::String, items.iter().map(|s| Value::string(*s)).collect())
    }

    /// Each expectation is what `terraform console` (1.11.4) printed for
    /// `fileset(".", PATTERN)` over the same tree (see `tree`).
    #[test]
    fn fileset_as_terraform() {
        let dir = tree();
        let ctx = FuncContext {
            base_dir: dir.path().to_path_buf(),
            ..FuncContext::default()
        };
        let cases: &[(&str, &str, &[&str])] = &[
            (".", "*.txt", &["a.txt"]),
            (".", "*", &[".hidden", "a.txt", "b.md"]),
            (
                ".",
                "**",
                &[
                    ".hidden",
                    "a.txt",
                    "b.md",
                    "br{ace}/h.txt",
                    "sub/c.txt",
                    "sub/deep/d.txt",
                    "sub/deep/e.tf",
                    "x-1/f.txt",
                    "x-2/g.txt",
                ],
            ),
            (
                ".",
                "**/*.txt",
                &[
                    "a.txt",
                    "br{ace}/h.txt",
                    "sub/c.txt",
                    "sub/deep/d.txt",
                    "x-1/f.txt",
                    "x-2/g.txt",
                ],
            ),
            (".", "sub/**/*.tf", &["sub/deep/e.tf"]),
            (".", "{a,b}.*", &["a.txt", "b.md"]),
            (".", "*.{txt,md}", &["a.txt", "b.md"]),
            (".", "x-[1-1]/*", &["x-1/f.txt"]),
            (".", "x-[^1]/*", &["x-2/g.txt"]),
            (".", "x-?/*.txt", &["x-1/f.txt", "x-2/g.txt"]),
            (".", "br\\{ace}/*", &["br{ace}/h.txt"]),
            ("sub", "**", &["c.txt", "deep/d.txt", "deep/e.tf"]),
            ("sub", "../*.md", &["../b.md"]),
            (".", "./sub/../a.txt", &["a.txt"]),
            (".", "nothing*", &[]),
            (".", "empty/**", &[]),
            (".", "a.txt{,.bak}", &[]),
            (".", "x-[!1]/*", &["x-1/f.txt"]),
            (".", "**/deep", &[]),
            (".", "sub/*/*.txt", &["sub/deep/d.txt"]),
            (".", "*/**/*.tf", &["sub/deep/e.tf"]),
        ];
        for (path, pattern, want) in cases {
            let got = fileset(&[Value::string(*path), Value::string(*pattern)], &ctx).unwrap();
            assert_eq!(got, set(want), "fileset({path:?}, {pattern:?})");
        }
        for bad in ["[", "x[]", "{a", "[-a]", "[a-]"] {
            let e = fileset(&[Value::string("."), Value::string(bad)], &ctx).unwrap_err();
            assert!(e.message.ends_with(": syntax error in pattern"), "{bad}: {}", e.message);
        }
    }

    #[test]
    fn relative_paths_as_go() {
        assert_eq!(relative("/a/b", "/a/b/c/d").as_deref(), Some("c/d"));
        assert_eq!(relative("/a/b", "/a/x").as_deref(), Some("../x"));
        assert_eq!(relative("/a", "/a").as_deref(), Some("."));
        assert_eq!(relative("a", "/a"), None);
    }
}
