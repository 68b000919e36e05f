//! `aksplan init`: install the modules the configuration calls, printing
//! what terraform prints, and take over the directory's local Terraform
//! state (see [`super::state_transfer::takeover`]). Exit 0 when every
//! module is installed and the state (if any) taken over, 1 otherwise.

use super::args::InitArgs;
use super::{exit, report, Context};
use crate::diag::Sources;
use crate::install::{self, Options};

pub fn run(ctx: &Context, args: &InitArgs) -> i32 {
    let mut sources = Sources::default();
    if args.get {
        let options = Options {
            upgrade: args.upgrade,
            env: ctx.env.clone(),
        };
        let mut progress = |e: &install::Event| outln!("{e}");
        match install::run(&ctx.dir, &options, &mut sources, &mut progress) {
            Ok(r) => {
                report(ctx, &r.warnings, &sources);
            }
            Err(diags) => {
                report(ctx, &diags, &sources);
                return exit::ERROR;
            }
        }
    }
    if args.backend {
        if let Err(code) = super::state_transfer::takeover(ctx) {
            return code;
        }
    }
    outln!("\naksplan has been successfully initialized!");
    exit::OK
}
