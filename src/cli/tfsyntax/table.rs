//! Terraform 1.11's flags, per command, and what each becomes in aksplan.
//!
//! Learnt from hashicorp/terraform v1.11.4 (`internal/command/arguments/*.go`
//! and the flag sets of `fmt`, `import`, `state *`, `force-unlock`, `graph`,
//! `version` in `internal/command/*.go`) and `terraform <cmd> -help`. Every
//! flag Terraform defines for a command aksplan has is listed, so a flag
//! Terraform knows is never reported as unknown: it is translated, accepted
//! without effect (saying why, in the README), or refused with a reason.
//! `-no-color` and `-compact-warnings` are not here: they are taken anywhere
//! on the line (see the parent module). Data only; no parsing.

/// How Go's flag package reads a flag's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `-flag`, `-flag=true|false`; never takes the next word.
    Bool,
    /// `-flag=value` or `-flag value`.
    Str,
    Int,
    Duration,
}

/// What a Terraform flag becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum To {
    /// aksplan's flag of the same name (`-out=F` → `--out=F`).
    Same,
    /// These aksplan words when the (boolean) flag is true, none when false.
    Words(&'static [&'static str]),
    /// Accepted, with no effect in aksplan, for this reason.
    Ignored(&'static str),
    /// Refused, for this reason.
    Refused(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub struct TfFlag {
    pub name: &'static str,
    pub kind: Kind,
    pub to: To,
}

const fn flag(name: &'static str, kind: Kind, to: To) -> TfFlag {
    TfFlag { name, kind, to }
}

use Kind::{Bool, Duration, Int, Str};
use To::{Ignored, Refused, Same, Words};

const STATE_PATH: &str =
    "aksplan keeps state in aksplan.tfstate in the working directory (with aksplan.tfstate.backup beside it); it takes no other path";
const NO_PROMPTS: &str =
    "aksplan never prompts for variable values: a variable without a value is an error. Approval is asked for on a terminal either way, as in Terraform";
const NO_REMOTE: &str = "aksplan has no remote backend";
const NO_BACKEND: &str =
    "aksplan keeps state in aksplan.tfstate beside the configuration and does not configure backends yet";
const NO_PROVIDERS: &str = "aksplan implements its providers itself and installs no provider plugins";
const REFRESH_ONLY: &str =
    "aksplan has no refresh-only mode. `aksplan drift` reports what changed outside aksplan, without changing state or cloud";
const DEFERRAL: &str = "deferred actions are experimental in Terraform and not supported by aksplan";
const GENERATE: &str =
    "aksplan does not generate configuration for import blocks: write the resource block, and the plan shows how it differs";
const GRAPH: &str =
    "aksplan graph prints the configuration's dependency graph of resources, variables, locals and outputs (-format=dot|json), not Terraform's operation graphs";

/// The Go flag set `extendedFlagSet` gives commands that lock state.
const STATE: [TfFlag; 5] = [
    flag("lock", Bool, Same),
    flag("lock-timeout", Duration, Same),
    flag("state", Str, Refused(STATE_PATH)),
    flag("state-out", Str, Refused(STATE_PATH)),
    flag("backup", Str, Refused(STATE_PATH)),
];

/// ... commands that plan.
const OPERATION: [TfFlag; 7] = [
    flag("parallelism", Int, Same),
    flag("allow-deferral", Bool, Refused(DEFERRAL)),
    flag("refresh", Bool, Same),
    flag("destroy", Bool, Same),
    flag("refresh-only", Bool, Refused(REFRESH_ONLY)),
    flag("target", Str, Same),
    flag("replace", Str, Same),
];

/// ... commands that take variables.
const VARS: [TfFlag; 2] = [flag("var", Str, Same), flag("var-file", Str, Same)];

/// Terraform's flags of `command` (`"state rm"` for a nested one); `None`
/// for a command Terraform does not have (`drift`, `sim`, `completion`) or
/// that this table does not cover yet.
pub fn flags(command: &str) -> Option<Vec<TfFlag>> {
    let operation = || [&STATE[..], &OPERATION[..], &VARS[..]].concat();
    let own: Vec<TfFlag> = match command {
        "plan" => [
            operation(),
            vec![
                flag("detailed-exitcode", Bool, Same),
                flag("input", Bool, Ignored(NO_PROMPTS)),
                flag("out", Str, Same),
                flag("generate-config-out", Str, Refused(GENERATE)),
                flag("json", Bool, Words(&["--format=json"])),
            ],
        ]
        .concat(),
        "apply" | "destroy" => {
            let mut v = [
                operation(),
                vec![
                    flag("auto-approve", Bool, Same),
                    flag("input", Bool, Ignored(NO_PROMPTS)),
                    flag(
                        "json",
                        Bool,
                        Refused("aksplan apply prints text only. For machine-readable output, save the plan with plan -out=FILE, read it with show -json FILE, then apply FILE"),
                    ),
                ],
            ]
            .concat();
            if command == "destroy" {
                for f in v.iter_mut().filter(|f| f.name == "destroy") {
                    f.to = Refused("the -destroy option is not valid for destroy, because this command always runs in destroy mode");
                }
            }
            v
        }
        "validate" => vec![
            flag("json", Bool, Words(&["--format=json"])),
            flag("no-tests", Bool, Ignored("aksplan does not validate .tftest.hcl files")),
            flag(
                "test-directory",
                Str,
                Ignored("aksplan does not validate .tftest.hcl files"),
            ),
        ],
        "output" => vec![
            flag("json", Bool, Same),
            flag("raw", Bool, Same),
            flag("state", Str, Refused(STATE_PATH)),
        ],
        "show" => vec![flag("json", Bool, Same)],
        "fmt" => vec![
            flag("list", Bool, Same),
            flag("write", Bool, Same),
            flag("diff", Bool, Same),
            flag("check", Bool, Same),
            flag("recursive", Bool, Same),
        ],
        "import" => [
            &STATE[..],
            &VARS[..],
            &[
                flag("input", Bool, Ignored(NO_PROMPTS)),
                flag("target", Str, Ignored("-target has no effect on import, in Terraform either")),
                flag("parallelism", Int, Ignored("import reads one resource")),
                flag("ignore-remote-version", Bool, Ignored(NO_REMOTE)),
                flag(
                    "config",
                    Str,
                    Refused("aksplan reads the configuration from the working directory: put -chdir=DIR before the subcommand"),
                ),
            ][..],
        ]
        .concat(),
        "state list" => vec![
            flag("state", Str, Refused(STATE_PATH)),
            flag("id", Str, Refused("aksplan state list does not filter by id")),
        ],
        "state show" => vec![flag("state", Str, Refused(STATE_PATH))],
        "state rm" | "state mv" => {
            let mut v = vec![
                flag("lock", Bool, Same),
                flag("lock-timeout", Duration, Same),
                flag("state", Str, Refused(STATE_PATH)),
                flag("backup", Str, Refused(STATE_PATH)),
                flag("ignore-remote-version", Bool, Ignored(NO_REMOTE)),
                flag(
                    "dry-run",
                    Bool,
                    Refused("aksplan has no dry run of state edits: aksplan state list shows what state holds"),
                ),
            ];
            if command == "state mv" {
                v.push(flag("state-out", Str, Refused(STATE_PATH)));
                v.push(flag("backup-out", Str, Refused(STATE_PATH)));
            }
            v
        }
        "force-unlock" => vec![flag("force", Bool, Same)],
        "state pull" => vec![],
        "state push" => vec![
            flag("force", Bool, Same),
            flag("lock", Bool, Same),
            flag("lock-timeout", Duration, Same),
            flag("ignore-remote-version", Bool, Ignored(NO_REMOTE)),
        ],
        "graph" => vec![
            flag("type", Str, Refused(GRAPH)),
            flag("plan", Str, Refused(GRAPH)),
            flag("draw-cycles", Bool, Refused(GRAPH)),
            flag("module-depth", Int, Refused(GRAPH)),
            flag("verbose", Bool, Refused(GRAPH)),
        ],
        "init" => vec![
            flag("upgrade", Bool, Same),
            flag("get", Bool, Same),
            flag("input", Bool, Same),
            flag("backend", Bool, Same),
            flag("backend-config", Str, Refused(NO_BACKEND)),
            flag("reconfigure", Bool, Refused(NO_BACKEND)),
            flag("migrate-state", Bool, Refused(NO_BACKEND)),
            flag("force-copy", Bool, Refused(NO_BACKEND)),
            flag("cloud", Bool, Ignored("-cloud is terraform's other name for -backend, and aksplan has no backend to initialise")),
            flag("from-module", Str, Refused("aksplan init does not copy a module into an empty directory: clone it yourself")),
            flag("lock", Bool, Ignored("aksplan init touches no state, so it takes no lock")),
            flag("lock-timeout", Duration, Ignored("aksplan init touches no state, so it takes no lock")),
            flag("lockfile", Str, Ignored(NO_PROVIDERS)),
            flag("plugin-dir", Str, Ignored(NO_PROVIDERS)),
            flag("ignore-remote-version", Bool, Ignored(NO_REMOTE)),
            flag("test-directory", Str, Ignored("aksplan does not run .tftest.hcl files")),
            flag("json", Bool, Refused("aksplan init prints text only")),
        ],
        "console" => [
            &VARS[..],
            &[
                flag("plan", Bool, Same),
                flag("state", Str, Refused(STATE_PATH)),
                flag("input", Bool, Ignored(NO_PROMPTS)),
                flag(
                    "target",
                    Str,
                    Ignored("aksplan console evaluates every object; -target narrows nothing"),
                ),
            ][..],
        ]
        .concat(),
        "providers" => vec![flag(
            "test-directory",
            Str,
            Ignored("aksplan does not read .tftest.hcl files"),
        )],
        "version" => vec![
            flag("json", Bool, Same),
            // main.go routes -v, -version and --version here; version accepts and ignores them.
            flag("v", Bool, Ignored("the version command itself")),
            flag("version", Bool, Ignored("the version command itself")),
        ],
        _ => return None,
    };
    Some(own)
}

/// Every command the table covers, for tests.
pub const COMMANDS: &[&str] = &[
    "init",
    "plan",
    "apply",
    "destroy",
    "validate",
    "output",
    "show",
    "fmt",
    "import",
    "state list",
    "state show",
    "state rm",
    "state mv",
    "state pull",
    "state push",
    "force-unlock",
    "graph",
    "console",
    "providers",
    "version",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_command_lists_a_flag_twice() {
        for c in COMMANDS {
            let mut names: Vec<&str> = flags(c).unwrap().iter().map(|f| f.name).collect();
            let n = names.len();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), n, "{c}");
        }
    }

    #[test]
    fn words_belong_to_booleans() {
        for c in COMMANDS {
            for f in flags(c).unwrap() {
                if matches!(f.to, Words(_)) {
                    assert_eq!(f.kind, Bool, "{c} -{}", f.name);
                }
            }
        }
    }

    #[test]
    fn destroy_refuses_its_own_mode_flag_and_apply_takes_it() {
        let find = |c: &str| flags(c).unwrap().into_iter().find(|f| f.name == "destroy").unwrap().to;
        assert!(matches!(find("destroy"), Refused(_)));
        assert_eq!(find("apply"), Same);
        assert_eq!(find("plan"), Same);
    }

    #[test]
    fn commands_terraform_lacks_have_no_table() {
        for c in ["drift", "sim", "completion", "sim serve"] {
            assert!(flags(c).is_none(), "{c}");
        }
    }
}
