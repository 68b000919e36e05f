//! `aksplan plan`: refresh, diff, print the plan, optionally save it.

use super::args::{CloudArgs, PlanArgs, ReportFormat};
use super::progress::{RefreshLines, Ui};
use super::session::{begin, checked_options};
use super::views::plan_markdown::{self, finding, Ran};
use super::views::{plan_json, ui_json};
use super::{exit, fail, load_config, report, Context};
use crate::diag::Diagnostic;
use crate::plan::{file, render};
use std::path::{Component, Path, PathBuf};

pub fn run(ctx: &Context, args: &PlanArgs, cloud: &CloudArgs) -> i32 {
    if !markdown(args) {
        return plan(ctx, args, cloud);
    }
    // A pull request's comment says why a plan failed, too: whatever is
    // reported on the way (loading, the backend, the lock, the cloud, the
    // rules, saving) is kept for it, and still goes to standard error.
    ctx.keep_reports();
    let code = plan(ctx, args, cloud);
    let reports = ctx.take_reports();
    if code == exit::ERROR {
        let (dir, workspace) = ran_in(ctx);
        let ran = Ran {
            dir: &dir,
            workspace: &workspace,
        };
        out!("{}", plan_markdown::failure(&ran, &finding::all(&reports)));
    }
    code
}

/// `--format markdown`, unless `--json` asks for Terraform's machine-readable UI.
fn markdown(args: &PlanArgs) -> bool {
    args.format == ReportFormat::Markdown && !args.options.json
}

/// The directory and workspace a comment names.
fn ran_in(ctx: &Context) -> (String, String) {
    let workspace = super::workdir::workspace(ctx).map_or_else(|_| "(invalid)".to_string(), |w| w.name);
    (shown_dir(ctx.terraform_chdir.as_deref(), &ctx.dir), workspace)
}

/// The configuration's directory as the user named it: `--chdir`, under
/// Terraform's `-chdir`, and `.` for where aksplan was started.
fn shown_dir(terraform_chdir: Option<&str>, dir: &Path) -> String {
    let given = match terraform_chdir {
        Some(base) if dir.is_relative() => Path::new(base).join(dir),
        _ => dir.to_path_buf(),
    };
    let tidy: PathBuf = given.components().filter(|c| *c != Component::CurDir).collect();
    if tidy.as_os_str().is_empty() {
        ".".to_string()
    } else {
        tidy.display().to_string()
    }
}

fn plan(ctx: &Context, args: &PlanArgs, cloud: &CloudArgs) -> i32 {
    // Terraform's machine-readable UI, not the JSON plan of --format=json.
    let ui_json = args.options.json;
    if ui_json {
        outln!("{}", ui_json::version());
    }
    let (config, vars, mut diags) = load_config(ctx, &args.options.vars, crate::config::vars::Missing::Error);
    let config = super::keep_to_exit(config);
    if !args.destroy {
        diags.extend(super::no_configuration(config, "Plan"));
    }
    let failed = report(ctx, &diags, &config.sources);
    let Some(vars) = vars.filter(|_| !failed) else {
        return exit::ERROR;
    };
    let opts = match checked_options(ctx, &args.options, args.destroy, config) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let (session, state) = match begin(ctx, config, cloud, "plan", &args.options.lock) {
        Ok(b) => b,
        Err(code) => return code,
    };
    if args.format == ReportFormat::Text && !ui_json {
        outln!("{}\n", session.banner());
    }
    // Terraform's refresh lines, where standard output is the text plan.
    let refresh_lines = match args.format {
        _ if ui_json => RefreshLines::new(Ui::Json),
        ReportFormat::Text => RefreshLines::new(Ui::Text),
        _ => RefreshLines::quiet(),
    };
    let (plan, evaluated, diags) = session.plan_telling(
        config,
        vars,
        state,
        &opts,
        args.options.parallelism,
        !args.options.skip_rules,
        &refresh_lines,
    );
    refresh_lines.end();
    super::keep_to_exit(evaluated);
    let plan = super::keep_to_exit(plan);
    let failed = report(ctx, &diags, &config.sources);
    match args.format {
        _ if ui_json && failed => {}
        _ if ui_json => super::apply::print_planned(plan),
        // Once the plan is saved, or as [`run`] says why it failed.
        ReportFormat::Markdown => {}
        _ if failed => {}
        ReportFormat::Text => out!("{}", render::plan(plan, ctx.style())),
        ReportFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&plan_json::plan_json(plan, config, &diags, &config.sources))
                .unwrap_or_default()
        ),
    }
    if failed {
        return exit::ERROR;
    }
    let comment = || {
        let (dir, workspace) = ran_in(ctx);
        let reports = ctx.take_reports();
        let ran = Ran {
            dir: &dir,
            workspace: &workspace,
        };
        plan_markdown::markdown(plan, &*config.schemas, &ran, &finding::all(&reports))
    };
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
            plan,
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
            return exit_code(args, plan);
        }
        if markdown(args) {
            out!("{}", comment());
        }
        outln!(
            "\nSaved the plan to {}. Apply exactly it with: aksplan apply {}",
            out.display(),
            out.display()
        );
    } else if markdown(args) {
        out!("{}", comment());
    }
    exit_code(args, plan)
}

fn exit_code(args: &PlanArgs, plan: &crate::plan::Plan) -> i32 {
    if args.detailed_exitcode && plan.has_changes() {
        exit::CHANGES
    } else {
        exit::OK
    }
}

#[cfg(test)]
mod tests {
    use super::shown_dir;
    use std::path::Path;

    #[test]
    fn the_directory_is_named_as_given() {
        assert_eq!(shown_dir(None, Path::new(".")), ".");
        assert_eq!(shown_dir(None, Path::new("./infra/prod/")), "infra/prod");
        assert_eq!(shown_dir(Some("infra"), Path::new(".")), "infra");
        assert_eq!(shown_dir(Some("infra"), Path::new("prod")), "infra/prod");
        assert_eq!(shown_dir(Some("infra"), Path::new("/srv/prod")), "/srv/prod");
        assert_eq!(shown_dir(Some("./"), Path::new(".")), ".");
    }
}
