//! `aksplan plan`: refresh, diff, print the plan, optionally save it.

use super::args::{CloudArgs, PlanArgs, ReportFormat};
use super::progress::Ui;
use super::session::{begin, checked_options};
use super::views::{plan_json, plan_markdown, ui_json};
use super::{exit, fail, load_config, report, Context};
use crate::diag::Diagnostic;
use crate::plan::{file, render};

pub fn run(ctx: &Context, args: &PlanArgs, cloud: &CloudArgs) -> i32 {
    // Terraform's machine-readable UI, not the JSON plan of --format=json.
    let ui_json = args.options.json;
    if ui_json {
        outln!("{}", ui_json::version());
    }
    let (config, vars, mut diags) = load_config(ctx, &args.options.vars, crate::config::vars::Missing::Error);
    if !args.destroy {
        diags.extend(super::no_configuration(&config, "Plan"));
    }
    let failed = report(ctx, &diags, &config.sources);
    let Some(vars) = vars.filter(|_| !failed) else {
        return exit::ERROR;
    };
    let opts = match checked_options(ctx, &args.options, args.destroy, &config) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let (session, state) = match begin(ctx, &config, cloud, "plan", &args.options.lock) {
        Ok(b) => b,
        Err(code) => return code,
    };
    if args.format == ReportFormat::Text && !ui_json {
        outln!("{}\n", session.banner());
    }
    let (plan, _, diags) = session.plan_telling(
        &config,
        vars,
        state,
        &opts,
        args.options.parallelism,
        !args.options.skip_rules,
        &super::progress::RefreshLines::new(if ui_json { Ui::Json } else { Ui::Text }),
    );
    let failed = report(ctx, &diags, &config.sources);
    match args.format {
        _ if ui_json && failed => {}
        _ if ui_json => super::apply::print_planned(&plan),
        // A pull request's comment shows why the plan failed, too.
        ReportFormat::Markdown => out!(
            "{}",
            plan_markdown::markdown(&plan, &*config.schemas, &diags, &config.sources)
        ),
        _ if failed => {}
        ReportFormat::Text => out!("{}", render::plan(&plan, ctx.style())),
        ReportFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&plan_json::plan_json(&plan, &config, &diags, &config.sources))
                .unwrap_or_default()
        ),
    }
    if failed {
        return exit::ERROR;
    }
    if let Some(out) = &args.out {
        let tf_files: Vec<String> = config
            .sources
            .iter()
            .map(|(_, f)| f.name.clone())
            .filter(|n| n.ends_with(".tf") || crate::config::json::is_json(n))
            .collect();
        // The configuration was loaded with it a moment ago.
        let manifest = crate::config::modules::manifest::Manifest::load(&ctx.dir)
            .ok()
            .flatten();
        let saved = file::encode(
            &plan,
            &config.sources,
            &tf_files,
            file::SavedOptions {
                targets: args.options.targets.clone(),
                replace: args.options.replace.clone(),
                manifest: manifest.as_ref(),
            },
        );
        if let Err(e) = file::write(out, &saved) {
            return fail(
                ctx,
                Diagnostic::error("Cannot save the plan").with_detail(format!("{}: {e}", out.display())),
            );
        }
        if ui_json {
            return exit_code(args, &plan);
        }
        outln!(
            "\nSaved the plan to {}. Apply exactly it with: aksplan apply {}",
            out.display(),
            out.display()
        );
    }
    exit_code(args, &plan)
}

fn exit_code(args: &PlanArgs, plan: &crate::plan::Plan) -> i32 {
    if args.detailed_exitcode && plan.has_changes() {
        exit::CHANGES
    } else {
        exit::OK
    }
}
