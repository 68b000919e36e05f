//! `aksplan validate`: exit 0 when the configuration is valid (warnings
//! allowed), 1 otherwise.

use super::args::{DiagFormat, ValidateArgs};
use super::{exit, load, views, Context};

pub fn run(ctx: &Context, args: &ValidateArgs) -> i32 {
    let (config, _, diags) = load(ctx, &args.vars);
    match args.format {
        DiagFormat::Json => println!("{}", views::diagnostics::json(&diags, &config.sources)),
        DiagFormat::Text => {
            eprint!("{}", views::diagnostics::text(&diags, &config.sources, ctx.color));
            if !diags.has_errors() {
                println!(
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
