//! What Terraform's `main.go` does to the command line before a command
//! sees it: take out `-chdir=DIR`, insert `TF_CLI_ARGS` and
//! `TF_CLI_ARGS_<command>` after the subcommand, and turn `-v`, `-version`
//! or `--version` anywhere into the `version` command. Pure functions of the
//! words and the environment given.

use super::{locate, FlagError};

/// Takes `-chdir=DIR` out of the words before the subcommand, as Terraform
/// does (the last one wins). `-chdir DIR` and `-chdir=` are errors, as in
/// Terraform; a `-chdir` after the subcommand is left for the command to
/// refuse.
pub fn extract_chdir(cli: &clap::Command, args: Vec<String>) -> Result<(Option<String>, Vec<String>), FlagError> {
    let end = locate(cli, &args).map_or(args.len(), |at| at.index);
    let mut dir = None;
    let mut rest = Vec::with_capacity(args.len());
    for (i, a) in args.into_iter().enumerate() {
        if i < end {
            if a == "-chdir" || a == "-chdir=" {
                return Err(FlagError::ChdirSyntax);
            }
            if let Some(d) = a.strip_prefix("-chdir=") {
                dir = Some(d.to_string());
                continue;
            }
        }
        rest.push(a);
    }
    Ok((dir, rest))
}

/// Inserts the words of `TF_CLI_ARGS`, then of `TF_CLI_ARGS_<command>`
/// (`TF_CLI_ARGS_plan`, `TF_CLI_ARGS_state_list`, `TF_CLI_ARGS_force_unlock`),
/// right after the subcommand's name, split as a POSIX shell splits words.
/// Flags given on the line come after them, so they win where a flag can
/// be given once.
pub fn merge_env_args(
    cli: &clap::Command,
    args: Vec<String>,
    env: &[(String, String)],
) -> Result<Vec<String>, FlagError> {
    let path: Vec<String> = locate(cli, &args)
        .map(|at| at.path(&args).into_iter().map(str::to_string).collect())
        .unwrap_or_default();
    let last = path.last().map(String::as_str);
    let args = merge(args, "TF_CLI_ARGS", last, env)?;
    if path.is_empty() {
        return Ok(args);
    }
    let var = format!("TF_CLI_ARGS_{}", path.join("_").replace('-', "_"));
    merge(args, &var, last, env)
}

fn merge(
    args: Vec<String>,
    var: &str,
    after: Option<&str>,
    env: &[(String, String)],
) -> Result<Vec<String>, FlagError> {
    let Some(value) = env.iter().find(|(k, v)| k == var && !v.is_empty()).map(|(_, v)| v) else {
        return Ok(args);
    };
    let extra = shlex::split(value).ok_or_else(|| FlagError::EnvArgs {
        var: var.to_string(),
        detail: "a quote is not closed, or a backslash ends the value".into(),
    })?;
    // After the first word that is the (last part of the) subcommand's
    // name; at the front when there is none.
    let at = after
        .and_then(|name| args.iter().position(|a| a == name))
        .map_or(0, |p| p + 1);
    let mut out = args;
    out.splice(at..at, extra);
    Ok(out)
}

/// `-v`, `-version` or `--version` anywhere runs `version`, with the other
/// words after it, as Terraform's `main.go` does.
pub fn version_alias(args: Vec<String>) -> Vec<String> {
    if args
        .iter()
        .any(|a| matches!(a.as_str(), "-v" | "-version" | "--version"))
    {
        std::iter::once("version".to_string()).chain(args).collect()
    } else {
        args
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn cli() -> clap::Command {
        let mut c = crate::cli::args::Cli::command();
        c.build();
        c
    }

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn chdir_is_taken_from_before_the_subcommand_only() {
        let (dir, rest) = extract_chdir(&cli(), words("-chdir=infra plan -out=p")).unwrap();
        assert_eq!((dir.as_deref(), rest), (Some("infra"), words("plan -out=p")));
        let (dir, rest) = extract_chdir(&cli(), words("plan -chdir=infra")).unwrap();
        assert_eq!((dir, rest), (None, words("plan -chdir=infra")));
        let (dir, _) = extract_chdir(&cli(), words("-chdir=a -chdir=b plan")).unwrap();
        assert_eq!(dir.as_deref(), Some("b"));
        assert_eq!(
            extract_chdir(&cli(), words("-chdir infra plan")),
            Err(FlagError::ChdirSyntax)
        );
        assert_eq!(
            extract_chdir(&cli(), words("-chdir= plan")),
            Err(FlagError::ChdirSyntax)
        );
    }

    #[test]
    fn env_args_go_after_the_subcommand_general_first() {
        let e = env(&[
            ("TF_CLI_ARGS", "-no-color"),
            ("TF_CLI_ARGS_plan", "-parallelism=4 -var 'name=a b'"),
            ("TF_CLI_ARGS_apply", "-auto-approve"),
        ]);
        let out = merge_env_args(&cli(), words("--cloud sim plan -out=p"), &e).unwrap();
        assert_eq!(
            out,
            [
                "--cloud",
                "sim",
                "plan",
                "-parallelism=4",
                "-var",
                "name=a b",
                "-no-color",
                "-out=p"
            ]
        );
    }

    #[test]
    fn env_args_of_a_nested_command_use_both_names() {
        let e = env(&[("TF_CLI_ARGS_state_rm", "-lock=false"), ("TF_CLI_ARGS_state", "-x")]);
        let out = merge_env_args(&cli(), words("state rm a.b"), &e).unwrap();
        assert_eq!(out, words("state rm -lock=false a.b"));
        let e = env(&[("TF_CLI_ARGS_force_unlock", "-force")]);
        assert_eq!(
            merge_env_args(&cli(), words("force-unlock"), &e).unwrap(),
            words("force-unlock -force")
        );
    }

    #[test]
    fn env_args_without_a_subcommand_go_first() {
        let e = env(&[("TF_CLI_ARGS", "-help")]);
        assert_eq!(merge_env_args(&cli(), vec![], &e).unwrap(), words("-help"));
    }

    #[test]
    fn an_unclosed_quote_in_env_args_is_an_error_naming_the_variable() {
        let e = env(&[("TF_CLI_ARGS_plan", "-var 'x=1")]);
        match merge_env_args(&cli(), words("plan"), &e) {
            Err(FlagError::EnvArgs { var, .. }) => assert_eq!(var, "TF_CLI_ARGS_plan"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn version_flags_anywhere_run_version() {
        assert_eq!(version_alias(words("-version")), words("version -version"));
        assert_eq!(version_alias(words("plan -v")), words("version plan -v"));
        assert_eq!(version_alias(words("--version")), words("version --version"));
        assert_eq!(version_alias(words("plan -var v=1")), words("plan -var v=1"));
    }
}
