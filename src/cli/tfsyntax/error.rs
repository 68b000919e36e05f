//! Why a command line in Terraform's spelling cannot be translated, and
//! how aksplan reports it.

use crate::diag::Diagnostic;

/// Why a command line cannot be translated. The messages follow Go's flag
/// package and Terraform's `main.go` where they have one.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum FlagError {
    #[error("flag provided but not defined: {flag}")]
    NotDefined { command: String, flag: String },
    #[error("flag needs an argument: {flag}")]
    NeedsArgument { command: String, flag: String },
    #[error("invalid boolean value {value:?} for {flag}: parse error")]
    InvalidBool {
        command: String,
        flag: String,
        value: String,
    },
    #[error("invalid value {value:?} for flag {flag}: parse error")]
    InvalidValue {
        command: String,
        flag: String,
        value: String,
    },
    #[error("must include an equals sign followed by a directory path, like -chdir=example")]
    ChdirSyntax,
    #[error("{flag} is given before the subcommand; if it is for the subcommand, put it after the subcommand")]
    BeforeSubcommand { flag: String },
    #[error("{why}")]
    Unsupported { command: String, flag: String, why: String },
    #[error("{flag}: aksplan does not edit shell startup files")]
    Autocomplete { flag: String },
    #[error("Error parsing extra CLI args from {var}: {detail}")]
    EnvArgs { var: String, detail: String },
}

impl FlagError {
    /// The error as aksplan reports it.
    pub fn diagnostic(&self) -> Diagnostic {
        let more = |command: &str| format!("for more help on using this command, run: aksplan {command} -help");
        match self {
            FlagError::NotDefined { command, flag } if flag == "-chdir" => {
                Diagnostic::error("Failed to parse command-line flags")
                    .with_detail(self.to_string())
                    .with_help(format!(
                        "-chdir is a global option: put it before the subcommand, as in `aksplan -chdir=DIR {command}`"
                    ))
            }
            FlagError::NotDefined { command, .. }
            | FlagError::NeedsArgument { command, .. }
            | FlagError::InvalidBool { command, .. }
            | FlagError::InvalidValue { command, .. } => Diagnostic::error("Failed to parse command-line flags")
                .with_detail(self.to_string())
                .with_help(more(command)),
            FlagError::ChdirSyntax => Diagnostic::error("Invalid -chdir option").with_detail(self.to_string()),
            FlagError::BeforeSubcommand { .. } => {
                Diagnostic::error("Invalid flags before the subcommand").with_detail(self.to_string())
            }
            FlagError::Unsupported { command, flag, .. } => {
                Diagnostic::error(format!("aksplan {command} does not support {flag}")).with_detail(self.to_string())
            }
            FlagError::Autocomplete { .. } => Diagnostic::error("Shell completion is not installed by aksplan")
                .with_detail(self.to_string())
                .with_help(
                    "print a completion script with `aksplan completion bash|zsh|fish|powershell` and install it as your shell expects (see the README)",
                ),
            FlagError::EnvArgs { .. } => Diagnostic::error("Invalid extra arguments").with_detail(self.to_string()),
        }
    }
}
