//! Terraform's command-line syntax, translated to aksplan's.
//!
//! A pipeline written for `terraform` runs with the word replaced by
//! `aksplan`: `-chdir=DIR` before the subcommand, Go-style flags after it
//! (`-name=value`, `-name value`, `-flag`, `-flag=false`), Terraform's flag
//! names and meanings (`plan -json`, `-lock=false`, `-input=false`), and the
//! `TF_CLI_ARGS` variables. aksplan's own spelling (`--chdir DIR`,
//! `--var NAME=VALUE`, `--format json`) keeps working: both can be mixed on
//! one line.
//!
//! This is a translation step before clap, not clap itself: clap parses
//! GNU-style options, and has no notion of a long option after a single
//! dash, of Go's `-flag=false` booleans, or of a flag (`-json`) meaning
//! different aksplan options per command. The step is a pure function from
//! words to words ([`prepare`]), tested on its own, that knows Terraform
//! 1.11's flags per command ([`table`]) and asks aksplan's clap definition
//! which options exist and whether they take a value, so the two cannot
//! drift apart silently (a unit test checks every table entry against it).
//! clap then does all the parsing, validation and help as before.
//!
//! It owns the words only: it reads no file and no process environment
//! (the variables are passed in), prints nothing, and changes no directory:
//! [`Prepared::workdir`] says where Terraform would have run.

mod envargs;
mod error;
pub mod goflag;
pub mod table;

pub use error::FlagError;
use table::{Kind, TfFlag, To};

/// A command line as aksplan's clap definition reads it.
#[derive(Debug, PartialEq, Eq)]
pub struct Prepared {
    /// The words after the program's name, in aksplan's (GNU) syntax.
    pub args: Vec<String>,
    /// `-chdir=DIR`: the directory to run in, as Terraform changes to it
    /// before anything else (so every relative path on the line is relative
    /// to it).
    pub workdir: Option<String>,
}

/// Translates a command line (without the program's name) written in
/// Terraform's syntax, aksplan's, or a mix, as `terraform` would read it:
/// `-chdir` first, then the `TF_CLI_ARGS` variables of `env`, then
/// `-version`, then each command's flags. `cli` is aksplan's clap
/// definition, built (`Command::build`) so global options are known to
/// every subcommand.
pub fn prepare(cli: &clap::Command, args: Vec<String>, env: &[(String, String)]) -> Result<Prepared, FlagError> {
    let (workdir, args) = envargs::extract_chdir(cli, args)?;
    let args = envargs::merge_env_args(cli, args, env)?;
    let args = envargs::version_alias(args);
    Ok(Prepared {
        args: translate(cli, &args)?,
        workdir,
    })
}

/// Where the subcommand is in a command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    /// The index of the subcommand's name.
    pub index: usize,
    /// Whether the next word names a subcommand of it (`state rm`).
    pub nested: bool,
}

impl Located {
    /// The subcommand's name, and its nested subcommand's.
    pub fn path<'a>(&self, args: &'a [String]) -> Vec<&'a str> {
        let end = self.index + 1 + usize::from(self.nested);
        args[self.index..end].iter().map(String::as_str).collect()
    }

    fn after(&self) -> usize {
        self.index + 1 + usize::from(self.nested)
    }
}

/// The first word that is not an option (or an option's value).
pub fn locate(cli: &clap::Command, args: &[String]) -> Option<Located> {
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            return None;
        }
        if a.starts_with('-') && a.len() > 1 {
            let name = a.trim_start_matches('-');
            if !name.contains('=') && long(cli, name).is_some_and(takes_value) {
                i += 1;
            }
            i += 1;
            continue;
        }
        let nested = cli
            .find_subcommand(a)
            .zip(args.get(i + 1))
            .is_some_and(|(sub, next)| sub.has_subcommands() && sub.find_subcommand(next).is_some());
        return Some(Located { index: i, nested });
    }
    None
}

/// aksplan's option of this long name, hidden or not.
fn long<'a>(cmd: &'a clap::Command, name: &str) -> Option<&'a clap::Arg> {
    cmd.get_arguments().find(|a| a.get_long() == Some(name))
}

fn takes_value(arg: &clap::Arg) -> bool {
    arg.get_action().takes_values()
}

/// Words that mean the same anywhere on the line.
fn anywhere(word: &str) -> Option<&'static str> {
    match word {
        "-no-color" => Some("--no-color"),
        "-compact-warnings" => Some("--compact-warnings"),
        "-help" | "-h" => Some("--help"),
        _ => None,
    }
}

/// The words of one command line, and where the translation is.
struct Words<'a> {
    args: &'a [String],
    i: usize,
    /// The command, for messages (`plan`, `state rm`).
    command: String,
    out: Vec<String>,
}

impl Words<'_> {
    /// A non-boolean flag's value: after `=`, or the next word unless that
    /// is a flag itself (`-var -auto-approve` is a missing value, not a
    /// variable named `-auto-approve`).
    fn value(&mut self, flag: &str, inline: Option<&str>) -> Result<String, FlagError> {
        if let Some(v) = inline {
            return Ok(v.to_string());
        }
        match self.args.get(self.i + 1) {
            Some(next) if !goflag::looks_like_flag(next) => {
                self.i += 1;
                Ok(next.clone())
            }
            _ => Err(FlagError::NeedsArgument {
                command: self.command.clone(),
                flag: flag.to_string(),
            }),
        }
    }

    /// Reads a flag of `kind` and returns its value as aksplan writes it.
    fn read(&mut self, flag: &str, kind: Kind, inline: Option<&str>) -> Result<String, FlagError> {
        let command = self.command.clone();
        let invalid = |value: &str| FlagError::InvalidValue {
            command: command.clone(),
            flag: flag.to_string(),
            value: value.to_string(),
        };
        match kind {
            Kind::Bool => match inline {
                None => Ok("true".into()),
                Some(v) => goflag::parse_bool(v)
                    .map(|b| b.to_string())
                    .ok_or_else(|| FlagError::InvalidBool {
                        command: self.command.clone(),
                        flag: flag.to_string(),
                        value: v.to_string(),
                    }),
            },
            Kind::Str => self.value(flag, inline),
            Kind::Int => {
                let v = self.value(flag, inline)?;
                goflag::parse_int(&v).map(|n| n.to_string()).ok_or_else(|| invalid(&v))
            }
            Kind::Duration => {
                let v = self.value(flag, inline)?;
                goflag::parse_duration(&v)
                    .map(goflag::humantime_text)
                    .ok_or_else(|| invalid(&v))
            }
        }
    }

    /// Writes aksplan's option `arg` with `value` (`true`/`false` for a
    /// boolean): `--name=value`, or `--name` alone for a switch, nothing
    /// for a switch set to false.
    fn emit(&mut self, arg: &clap::Arg, value: &str) {
        let name = arg.get_long().unwrap_or_default();
        if takes_value(arg) {
            self.out.push(format!("--{name}={value}"));
        } else if value == "true" {
            self.out.push(format!("--{name}"));
        }
    }

    fn not_defined(&self, flag: &str) -> FlagError {
        FlagError::NotDefined {
            command: self.command.clone(),
            flag: flag.to_string(),
        }
    }
}

/// Translates the words of a command line whose `-chdir` and `TF_CLI_ARGS`
/// have been dealt with.
fn translate(cli: &clap::Command, args: &[String]) -> Result<Vec<String>, FlagError> {
    let located = locate(cli, args);
    let start = located.map_or(args.len(), |l| l.index);
    let mut w = Words {
        args,
        i: 0,
        command: String::new(),
        out: Vec::with_capacity(args.len()),
    };
    // Before the subcommand: global options only.
    while w.i < start {
        global(cli, &mut w)?;
        w.i += 1;
    }
    let Some(located) = located else {
        w.out.extend(args[w.i..].iter().cloned());
        return Ok(w.out);
    };
    let path = located.path(args);
    w.command = path.join(" ");
    w.out.extend(path.iter().map(|s| s.to_string()));
    w.i = located.after();
    let Some(leaf) = path.iter().try_fold(cli, |c, name| c.find_subcommand(name)) else {
        // Not a command: clap says so, with a suggestion.
        w.out.extend(args[w.i..].iter().cloned());
        return Ok(w.out);
    };
    let terraform = table::flags(&w.command);
    while w.i < args.len() {
        let a = &args[w.i];
        if a == "--" {
            w.out.extend(args[w.i..].iter().cloned());
            break;
        }
        if w.command == "version" && !a.starts_with('-') {
            // Go stops at the first argument; `version` ignores the rest.
            break;
        }
        after_subcommand(leaf, terraform.as_deref(), &mut w)?;
        w.i += 1;
    }
    Ok(w.out)
}

/// One word before the subcommand.
fn global(cli: &clap::Command, w: &mut Words) -> Result<(), FlagError> {
    let a = w.args[w.i].clone();
    if let Some(word) = anywhere(&a) {
        w.out.push(word.to_string());
        return Ok(());
    }
    if a == "-install-autocomplete" || a == "-uninstall-autocomplete" {
        return Err(FlagError::Autocomplete { flag: a });
    }
    if a.starts_with("-chdir") {
        // What extract_chdir left: a misspelt -chdir.
        return Err(FlagError::ChdirSyntax);
    }
    if let Some(gnu) = a.strip_prefix("--") {
        pass_gnu(cli, w, gnu);
        return Ok(());
    }
    let (name, inline) = split(&a[1..]);
    match long(cli, name) {
        Some(arg) => {
            let kind = if takes_value(arg) { Kind::Str } else { Kind::Bool };
            let v = w.read(&format!("-{name}"), kind, inline)?;
            w.emit(arg, &v);
            Ok(())
        }
        None => Err(FlagError::BeforeSubcommand {
            flag: format!("-{name}"),
        }),
    }
}

/// One word after the subcommand.
fn after_subcommand(leaf: &clap::Command, terraform: Option<&[TfFlag]>, w: &mut Words) -> Result<(), FlagError> {
    let a = w.args[w.i].clone();
    if let Some(word) = anywhere(&a) {
        w.out.push(word.to_string());
        return Ok(());
    }
    // An argument: `-` alone (standard input), a negative number, a word.
    let is_gnu = a.starts_with("--");
    let bare = a.trim_start_matches('-');
    if !goflag::looks_like_flag(&a) || bare.is_empty() {
        w.out.push(a);
        return Ok(());
    }
    let (name, inline) = split(bare);
    let ours = long(leaf, name);
    let theirs = terraform.and_then(|t| t.iter().find(|f| f.name == name));
    if is_gnu {
        // aksplan's own spelling first; Go also reads `--name` as `-name`.
        match (ours, theirs) {
            (Some(_), _) | (None, None) => {
                pass_gnu(leaf, w, bare);
                return Ok(());
            }
            (None, Some(_)) => {}
        }
    }
    let flag = format!("-{name}");
    if name == "chdir" {
        return Err(w.not_defined(&flag));
    }
    if let Some(tf) = theirs {
        return terraform_flag(leaf, tf, &flag, inline, w);
    }
    match ours {
        Some(arg) => {
            let kind = if takes_value(arg) { Kind::Str } else { Kind::Bool };
            let v = w.read(&flag, kind, inline)?;
            w.emit(arg, &v);
            Ok(())
        }
        None if matches!(name, "install-autocomplete" | "uninstall-autocomplete") => {
            Err(FlagError::Autocomplete { flag })
        }
        None => Err(w.not_defined(&flag)),
    }
}

/// A Terraform flag, by what the table says it becomes.
fn terraform_flag(
    leaf: &clap::Command,
    tf: &TfFlag,
    flag: &str,
    inline: Option<&str>,
    w: &mut Words,
) -> Result<(), FlagError> {
    let value = w.read(flag, tf.kind, inline)?;
    match tf.to {
        To::Same => match long(leaf, tf.name) {
            Some(arg) => {
                w.emit(arg, &value);
                Ok(())
            }
            // The table names an option aksplan lacks: a unit test keeps this from happening.
            None => Err(w.not_defined(flag)),
        },
        To::Words(words) => {
            if value == "true" {
                w.out.extend(words.iter().map(|s| s.to_string()));
            }
            Ok(())
        }
        To::Ignored(_) => Ok(()),
        To::Refused(why) => Err(FlagError::Unsupported {
            command: w.command.clone(),
            flag: flag.to_string(),
            why: why.to_string(),
        }),
    }
}

/// `name` and the value after `=`, if any.
fn split(s: &str) -> (&str, Option<&str>) {
    match s.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (s, None),
    }
}

/// An option in aksplan's spelling (`gnu` without its dashes): kept as it
/// is, with its value when that is the next word.
fn pass_gnu(cmd: &clap::Command, w: &mut Words, gnu: &str) {
    w.out.push(w.args[w.i].clone());
    let wants_value = !gnu.contains('=') && long(cmd, gnu).is_some_and(takes_value);
    if wants_value {
        if let Some(next) = w.args.get(w.i + 1) {
            w.out.push(next.clone());
            w.i += 1;
        }
    }
}

#[cfg(test)]
mod tests;
