//! `aksplan validate`: exit 0 when the configuration is valid (warnings
//! allowed), 1 otherwise.

use super::args::{DiagFormat, ValidateArgs};
use super::{exit, load_config, views, Context};
use crate::config::vars::Missing;
use crate::core::{evaluate, EvalMode};
use crate::rules::{check_planned, PlannedValues};

pub fn run(ctx: &Context, args: &ValidateArgs) -> i32 {
    let (config, vars, mut diags) = load_config(ctx, &args.vars, Missing::Validate);
    // Variable errors do not stop evaluation: it finds more problems.
    if let Some(vars) = vars {
        // Planned against no state, purely: ids derived from names are known to the rules.
        let mut planned = PlannedValues {
            subscription: crate::provider::sim::SUBSCRIPTION.to_string(),
            values: Vec::new(),
        };
        let (_, eval_diags) = evaluate(
            &config,
            &crate::rules::ordering::edges(&config),
            vars,
            &mut planned,
            EvalMode::Validate,
        );
        diags.extend(eval_diags);
        if !args.skip_rules && !diags.has_errors() {
            diags.extend(check_planned(&config, &planned.values));
        }
        diags.sort();
    }
    match args.format {
        DiagFormat::Json => outln!("{}", views::diagnostics::json(&diags, &config.sources)),
        DiagFormat::Sarif => outln!(
            "{}",
            serde_json::to_string_pretty(&views::sarif::sarif(&diags, &config.sources, &ctx.dir)).unwrap_or_default()
        ),
        DiagFormat::Text => {
            eprint!("{}", super::diagnostics_text(ctx, &diags, &config.sources));
            if !diags.has_errors() {
                outln!(
                    "Success! The configuration is valid{}.",
                    views::diagnostics::warning_suffix(&diags)
                );
            }
        }
    }
    if diags.has_errors() {
        exit::ERROR
    } else {
        exit::OK
    }
}
