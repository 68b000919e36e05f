//! `aksplan fmt`: rewrites .tf and .tfvars files in Terraform's canonical
//! layout (the same bytes `terraform fmt` writes). `--check` only says which
//! files would change (exit 3); `--diff` shows how; `--list=false` and
//! `--write=false` leave out the names and the writing, as terraform's
//! flags do. A file that is not valid HCL is reported at its place and left
//! alone.

use super::args::FmtArgs;
use super::{exit, report, Context};
use crate::diag::{Diagnostic, Diagnostics, Sources};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// `--check` found files that are not formatted.
pub const NOT_FORMATTED: i32 = 3;

pub fn run(ctx: &Context, args: &FmtArgs) -> i32 {
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        vec![ctx.dir.clone()]
    } else {
        args.paths
            .iter()
            .map(|p| {
                if p.as_os_str() == "-" {
                    p.clone()
                } else {
                    ctx.dir.join(p)
                }
            })
            .collect()
    };
    let mut sources = Sources::default();
    let mut diags = Diagnostics::new();
    let mut unformatted = false;
    for path in paths {
        if path.as_os_str() == "-" {
            let mut text = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                diags.push(Diagnostic::error("Cannot read standard input").with_detail(e.to_string()));
                continue;
            }
            match checked(&mut sources, "<stdin>", &text) {
                Ok(formatted) => {
                    unformatted |= formatted != text;
                    if !args.check {
                        out!("{formatted}");
                    }
                }
                Err(d) => diags.push(d),
            }
            continue;
        }
        let files = match files(&path, args.recursive) {
            Ok(f) => f,
            Err(e) => {
                diags.push(Diagnostic::error("Cannot read the path").with_detail(format!("{}: {e}", path.display())));
                continue;
            }
        };
        for file in files {
            let name = shown(ctx, &file);
            let text = match crate::config::load::read_file(&file)
                .and_then(|b| String::from_utf8(b).map_err(|_| "the file is not valid UTF-8".to_string()))
            {
                Ok(t) => t,
                Err(e) => {
                    diags.push(Diagnostic::error("Cannot read the file").with_detail(format!("{name}: {e}")));
                    continue;
                }
            };
            let formatted = match checked(&mut sources, &name, &text) {
                Ok(f) => f,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            // Terraform's -list=false -write=false (without -diff) prints every file's formatted text.
            if !args.list && !args.write && !args.diff && !args.check {
                out!("{formatted}");
            }
            if formatted == text {
                continue;
            }
            unformatted = true;
            if args.list {
                outln!("{name}");
            }
            if args.diff {
                out!("{}", unified_diff(&name, &text, &formatted));
            }
            if !args.check && args.write {
                if let Err(e) = write(&file, &formatted) {
                    diags.push(Diagnostic::error("Cannot write the file").with_detail(format!("{name}: {e}")));
                }
            }
        }
    }
    let _ = std::io::stdout().flush();
    if report(ctx, &diags, &sources) {
        exit::ERROR
    } else if args.check && unformatted {
        NOT_FORMATTED
    } else {
        exit::OK
    }
}

/// Formats text that parses; a syntax error is a diagnostic at its place.
fn checked(sources: &mut Sources, name: &str, text: &str) -> Result<String, Diagnostic> {
    let file = sources.add(name, text);
    let body = crate::config::load::parse_body(file, text)?;
    let mut diags = Diagnostics::new();
    crate::config::load::multi_line_strings(&body, file, text, &mut diags);
    if let Some(d) = diags.into_iter().next() {
        return Err(d);
    }
    Ok(crate::format::format(text))
}

/// The .tf and .tfvars files of `path` (a file is taken as given).
fn files(path: &Path, recursive: bool) -> std::io::Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            if recursive && !name.starts_with('.') {
                out.extend(files(&p, true)?);
            }
        } else if name.ends_with(".tf") || name.ends_with(".tfvars") {
            out.push(p);
        }
    }
    Ok(out)
}

/// A path as the user would write it: relative to the configuration directory.
fn shown(ctx: &Context, file: &Path) -> String {
    file.strip_prefix(&ctx.dir).unwrap_or(file).display().to_string()
}

/// Writes through a temporary file and a rename, keeping the file's mode.
fn write(file: &Path, text: &str) -> std::io::Result<()> {
    let tmp = file.with_extension("aksplan-fmt.tmp");
    std::fs::write(&tmp, text)?;
    if let Ok(meta) = std::fs::metadata(file) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, file)
}

fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("old/{name}"), &format!("new/{name}"))
        .to_string()
}
