//! The translation, word for word: Terraform's spelling in, aksplan's out.

use super::table::{self, Kind, To};
use super::*;
use clap::CommandFactory;

fn cli() -> clap::Command {
    let mut c = crate::cli::args::Cli::command();
    c.build();
    c
}

/// Splits on spaces; `·` stands for a space inside one word.
fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(|w| w.replace('·', " ")).collect()
}

fn tr(line: &str) -> Result<Vec<String>, FlagError> {
    prepare(&cli(), words(line), &[]).map(|p| p.args)
}

#[test]
fn terraform_lines_become_aksplan_lines() {
    let cases = [
        (
            "plan -var x=1 -var-file=f.tfvars -out=tfplan -input=false -lock=false -detailed-exitcode",
            "plan --var=x=1 --var-file=f.tfvars --out=tfplan --lock=false --detailed-exitcode",
        ),
        ("apply -auto-approve tfplan", "apply --auto-approve tfplan"),
        ("apply -input=false tfplan", "apply tfplan"),
        ("apply -destroy -auto-approve", "apply --destroy --auto-approve"),
        ("destroy -auto-approve -var=x=1", "destroy --auto-approve --var=x=1"),
        ("output -json", "output --json"),
        ("output -raw name", "output --raw name"),
        ("show -json tfplan", "show --json tfplan"),
        ("validate -json", "validate --format=json"),
        ("validate -no-tests -test-directory=t", "validate"),
        ("plan -json", "plan --format=json"),
        ("plan -json=false", "plan"),
        (
            "fmt -check -recursive -diff -list=false -write=false",
            "fmt --check --recursive --diff --list=false --write=false",
        ),
        ("fmt -", "fmt -"),
        (
            "plan -refresh=false -parallelism=4 -lock-timeout=1m30s -target=a.b -replace a.c",
            "plan --refresh=false --parallelism=4 --lock-timeout=90000ms --target=a.b --replace=a.c",
        ),
        (
            "plan -refresh -lock=0 -lock-timeout=0",
            "plan --refresh=true --lock=false --lock-timeout=0ms",
        ),
        ("plan -destroy=true", "plan --destroy"),
        ("plan -destroy=F", "plan"),
        ("plan -out tfplan", "plan --out=tfplan"),
        ("plan -var x=-1", "plan --var=x=-1"),
        ("plan -var tags={a·=·\"b\"}", "plan --var=tags={a·=·\"b\"}"),
        ("state rm -lock=false a.b", "state rm --lock=false a.b"),
        (
            "state mv -lock-timeout=2s a.b a.c",
            "state mv --lock-timeout=2000ms a.b a.c",
        ),
        ("state list", "state list"),
        ("force-unlock -force", "force-unlock --force"),
        ("force-unlock -force 5d2e", "force-unlock --force 5d2e"),
        (
            "import -var x=1 -input=false -lock=false a.b /x",
            "import --var=x=1 --lock=false a.b /x",
        ),
        ("version -json", "version --json"),
        // -no-color, -compact-warnings and -help mean the same anywhere.
        ("-no-color plan", "--no-color plan"),
        ("plan -no-color -compact-warnings", "plan --no-color --compact-warnings"),
        ("plan -help", "plan --help"),
        ("-help", "--help"),
        ("-h", "--help"),
        // Go reads --name as -name: Terraform's flags with two dashes.
        ("plan --json --out=p", "plan --format=json --out=p"),
        ("apply --input=false --auto-approve", "apply --auto-approve"),
        // aksplan's own spelling goes through untouched, mixed or not.
        (
            "--chdir d --cloud sim plan --var x=1 --format json --lock-timeout 30s",
            "--chdir d --cloud sim plan --var x=1 --format json --lock-timeout 30s",
        ),
        ("plan --var x=1 -var y=2", "plan --var x=1 --var=y=2"),
        ("plan --target -x", "plan --target -x"),
        ("plan --chdir d", "plan --chdir d"),
        ("plan --no-such-option", "plan --no-such-option"),
        // aksplan's own options in Go's spelling.
        (
            "plan -skip-rules -format=markdown",
            "plan --skip-rules --format=markdown",
        ),
        ("drift -parallelism=3 -ignore f", "drift --parallelism=3 --ignore=f"),
        ("-cloud=sim plan", "--cloud=sim plan"),
        ("-cloud sim plan", "--cloud=sim plan"),
        ("plan -cloud=azure", "plan --cloud=azure"),
        (
            "sim serve -addr=127.0.0.1:0 -quiet",
            "sim serve --addr=127.0.0.1:0 --quiet",
        ),
        // After --, words are arguments.
        ("state rm -- -x", "state rm -- -x"),
        // Words that are not flags.
        ("sim patch id {\"a\":1}", "sim patch id {\"a\":1}"),
        ("nosuch -x", "nosuch -x"),
    ];
    for (terraform, aksplan) in cases {
        assert_eq!(tr(terraform), Ok(words(aksplan)), "{terraform}");
    }
}

#[test]
fn version_flags_anywhere_print_the_version() {
    for line in ["-version", "-v", "--version", "plan -version", "-version plan"] {
        assert_eq!(tr(line), Ok(words("version")), "{line}");
    }
    assert_eq!(tr("-version -json"), Ok(words("version --json")));
    assert_eq!(tr("version -v"), Ok(words("version")));
}

fn not_defined(command: &str, flag: &str) -> FlagError {
    FlagError::NotDefined {
        command: command.into(),
        flag: flag.into(),
    }
}

#[test]
fn unknown_flags_are_errors_naming_them() {
    assert_eq!(tr("plan -foo"), Err(not_defined("plan", "-foo")));
    assert_eq!(tr("plan -foo=bar"), Err(not_defined("plan", "-foo")));
    assert_eq!(tr("state rm -foo a"), Err(not_defined("state rm", "-foo")));
    assert_eq!(tr("drift -auto-approve"), Err(not_defined("drift", "-auto-approve")));
    // -destroy is plan's, not output's.
    assert_eq!(tr("output -destroy"), Err(not_defined("output", "-destroy")));
    assert_eq!(
        tr("-foo plan"),
        Err(FlagError::BeforeSubcommand { flag: "-foo".into() })
    );
    let e = tr("plan -foo").unwrap_err().diagnostic();
    assert_eq!(e.summary, "Failed to parse command-line flags");
    assert_eq!(e.detail, "flag provided but not defined: -foo");
}

#[test]
fn a_flag_is_never_taken_as_a_value() {
    let needs = |flag: &str| FlagError::NeedsArgument {
        command: "plan".into(),
        flag: flag.into(),
    };
    assert_eq!(tr("plan -var -auto-approve"), Err(needs("-var")));
    assert_eq!(tr("plan -var"), Err(needs("-var")));
    assert_eq!(tr("plan -out --detailed-exitcode"), Err(needs("-out")));
    assert_eq!(tr("plan -var-file -no-color"), Err(needs("-var-file")));
}

#[test]
fn bad_values_are_errors_as_go_words_them() {
    assert_eq!(
        tr("plan -lock=maybe"),
        Err(FlagError::InvalidBool {
            command: "plan".into(),
            flag: "-lock".into(),
            value: "maybe".into()
        })
    );
    assert_eq!(
        tr("plan -lock-timeout=abc").unwrap_err().to_string(),
        "invalid value \"abc\" for flag -lock-timeout: parse error"
    );
    assert_eq!(
        tr("plan -parallelism=x").unwrap_err().to_string(),
        "invalid value \"x\" for flag -parallelism: parse error"
    );
    // A boolean never takes the next word: `false` is left as an argument.
    assert_eq!(tr("plan -lock false"), Ok(words("plan --lock=true false")));
}

#[test]
fn chdir_goes_before_the_subcommand_with_an_equals_sign() {
    let p = prepare(&cli(), words("-chdir=infra plan -out=p"), &[]).unwrap();
    assert_eq!(p.workdir.as_deref(), Some("infra"));
    assert_eq!(p.args, words("plan --out=p"));
    assert_eq!(tr("plan -chdir=infra"), Err(not_defined("plan", "-chdir")));
    assert_eq!(tr("-chdir infra plan"), Err(FlagError::ChdirSyntax));
    let d = tr("plan -chdir=infra").unwrap_err().diagnostic();
    assert!(d.help.unwrap().contains("before the subcommand"));
}

#[test]
fn unsupported_terraform_flags_are_refused_with_a_reason() {
    for (line, flag) in [
        ("plan -refresh-only", "-refresh-only"),
        ("apply -refresh-only -auto-approve", "-refresh-only"),
        ("plan -state=x.tfstate", "-state"),
        ("output -state x.tfstate", "-state"),
        ("destroy -destroy", "-destroy"),
        ("apply -json", "-json"),
        ("plan -generate-config-out=g.tf", "-generate-config-out"),
        ("plan -allow-deferral", "-allow-deferral"),
        ("state rm -dry-run a.b", "-dry-run"),
        ("graph -draw-cycles", "-draw-cycles"),
        ("import -config=d a.b /x", "-config"),
    ] {
        match tr(line) {
            Err(FlagError::Unsupported { flag: f, why, .. }) => {
                assert_eq!(f, flag, "{line}");
                assert!(!why.is_empty());
            }
            other => panic!("{line}: {other:?}"),
        }
    }
    let d = tr("plan -refresh-only").unwrap_err().diagnostic();
    assert_eq!(d.summary, "aksplan plan does not support -refresh-only");
    assert!(d.detail.contains("aksplan drift"), "{}", d.detail);
}

#[test]
fn autocomplete_installation_points_to_the_completion_command() {
    for line in ["-install-autocomplete", "-uninstall-autocomplete"] {
        let e = tr(line).unwrap_err();
        assert!(matches!(e, FlagError::Autocomplete { .. }), "{line}");
        assert!(e.diagnostic().help.unwrap().contains("aksplan completion"));
    }
}

#[test]
fn env_args_are_translated_like_the_line() {
    let env = vec![
        ("TF_CLI_ARGS".to_string(), "-no-color".to_string()),
        (
            "TF_CLI_ARGS_plan".to_string(),
            "-parallelism=4 -var 'name=a b'".to_string(),
        ),
    ];
    let p = prepare(&cli(), words("-chdir=d plan -out=p"), &env).unwrap();
    assert_eq!(p.workdir.as_deref(), Some("d"));
    assert_eq!(
        p.args,
        ["plan", "--parallelism=4", "--var=name=a b", "--no-color", "--out=p"]
    );
    // TF_CLI_ARGS land after the subcommand, where -chdir is refused, as in terraform.
    let env = vec![("TF_CLI_ARGS".to_string(), "-chdir=d".to_string())];
    assert_eq!(prepare(&cli(), words("plan"), &env), Err(not_defined("plan", "-chdir")));
}

/// The clap subcommand at `path` ("state rm").
fn leaf<'a>(cli: &'a clap::Command, path: &str) -> &'a clap::Command {
    path.split(' ')
        .try_fold(cli, |c, n| c.find_subcommand(n))
        .unwrap_or_else(|| panic!("aksplan has no command {path}"))
}

#[test]
fn every_translated_terraform_flag_exists_in_aksplan_with_its_kind() {
    let cli = cli();
    for command in table::COMMANDS {
        let leaf = leaf(&cli, command);
        for f in table::flags(command).unwrap() {
            let find = |name: &str| {
                leaf.get_arguments()
                    .find(|a| a.get_long() == Some(name))
                    .unwrap_or_else(|| panic!("{command} -{}: aksplan has no --{name}", f.name))
            };
            match f.to {
                To::Same => {
                    let arg = find(f.name);
                    if f.kind != Kind::Bool {
                        assert!(arg.get_action().takes_values(), "{command} -{} takes a value", f.name);
                    }
                }
                To::Words(ws) => {
                    for w in ws {
                        let name = w.trim_start_matches('-').split('=').next().unwrap();
                        find(name);
                    }
                }
                To::Ignored(why) | To::Refused(why) => assert!(!why.is_empty()),
            }
        }
    }
}

#[test]
fn every_command_terraform_and_aksplan_share_has_a_table() {
    // Commands Terraform lacks take aksplan's options only, in either spelling.
    const AKSPLAN_ONLY: &[&str] = &["drift", "sim", "completion", "help", "providers types"];
    let cli = cli();
    for c in cli.get_subcommands().filter(|c| !AKSPLAN_ONLY.contains(&c.get_name())) {
        let paths: Vec<String> = if c.has_subcommands() {
            let subcommands = c
                .get_subcommands()
                .filter(|s| s.get_name() != "help")
                .map(|s| format!("{} {}", c.get_name(), s.get_name()));
            // A command whose subcommand is optional is a command itself.
            let itself = (!c.is_subcommand_required_set()).then(|| c.get_name().to_string());
            itself.into_iter().chain(subcommands).collect()
        } else {
            vec![c.get_name().to_string()]
        };
        for path in paths.into_iter().filter(|p| !AKSPLAN_ONLY.contains(&p.as_str())) {
            assert!(
                table::flags(&path).is_some(),
                "{path} is a Terraform command: list Terraform's flags for it in tfsyntax/table.rs"
            );
        }
    }
}

#[test]
fn a_flag_given_twice_takes_the_last_value_and_repeatable_ones_add_up() {
    use crate::cli::args::{Cli, Command};
    use clap::Parser;
    let env = vec![(
        "TF_CLI_ARGS_plan".to_string(),
        "-parallelism=2 -no-color -var a=1".to_string(),
    )];
    let p = prepare(&cli(), words("plan -parallelism=5 -no-color -var b=2"), &env).unwrap();
    let parsed = Cli::try_parse_from(std::iter::once("aksplan".to_string()).chain(p.args)).unwrap();
    assert!(parsed.no_color);
    match parsed.command {
        Command::Plan(a) => {
            assert_eq!(a.options.parallelism, 5);
            assert_eq!(a.options.vars.vars, ["a=1", "b=2"]);
        }
        other => panic!("{other:?}"),
    }
}
