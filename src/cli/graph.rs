//! `aksplan graph`: the dependency graph as DOT or JSON. An invalid
//! configuration prints its diagnostics instead, and exits 1.

use super::args::{GraphArgs, GraphFormat};
use super::{exit, load, views, Context};

pub fn run(ctx: &Context, args: &GraphArgs) -> i32 {
    let (config, evaluated, diags) = load(ctx, &args.vars);
    eprint!("{}", views::diagnostics::text(&diags, &config.sources, ctx.color));
    let Some(evaluated) = evaluated.filter(|_| !diags.has_errors()) else {
        return exit::ERROR;
    };
    match args.format {
        GraphFormat::Dot => out!("{}", views::graph::dot(&evaluated.graph)),
        GraphFormat::Json => outln!("{}", views::graph::json(&evaluated.graph)),
    }
    exit::OK
}
