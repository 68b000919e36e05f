//! `aksplan drift`: reads every resource in state from the cloud and reports
//! what changed outside aksplan and where the cloud differs from the
//! configuration. Read-only: it takes no lock and writes neither state nor
//! cloud, so it can run on a schedule beside everything else; when another
//! run holds the lock (before the state is read, or by the end of the
//! refresh) the report says so, since it may catch a change half done. The
//! cloud is read once for every format asked for (`--format` on stdout,
//! `--out-*` to files).

use super::args::{CloudArgs, DriftArgs, ReportFormat};
use super::session::Session;
use super::views::drift as view;
use super::{exit, fail, load_config, report, Context};
use crate::diag::{Diagnostic, Sources};
use crate::drift::{self, ignore::Ignore};
use crate::plan::engine::PlanOptions;
use crate::provider::arm::ArmClient;
use crate::state::lock;
use std::path::PathBuf;
use std::time::Instant;

/// The ignore file read when `--ignore` is not given, if it exists.
pub const DEFAULT_IGNORE: &str = "aksplan.driftignore";

pub fn run(ctx: &Context, args: &DriftArgs, cloud: &CloudArgs) -> i32 {
    let started = Instant::now();
    let (config, vars, diags) = load_config(ctx, &args.vars, crate::config::vars::Missing::Error);
    let failed = report(ctx, &diags, &config.sources);
    let Some(vars) = vars.filter(|_| !failed) else {
        return exit::ERROR;
    };
    let (ignore, ignore_file) = match read_ignore(ctx, args) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let loaded = started.elapsed();

    let session = match Session::open(ctx, cloud) {
        Ok(s) => s,
        Err(d) => return fail(ctx, d),
    };
    let mut locked = lock_seen(ctx);
    let state = match super::session::load_state(ctx, &session.store) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if let Err(d) = super::session::same_cloud(&session, &state, cloud) {
        return fail(ctx, d);
    }
    let t = Instant::now();
    let reach = session.reach(args.parallelism);
    let mut refreshed = crate::plan::run::prepare(&config, state, &reach, true);
    if report(ctx, &std::mem::take(&mut refreshed.diags), &config.sources) {
        return exit::ERROR;
    }
    let current = refreshed.state.clone();
    let refresh_took = t.elapsed();
    locked = locked.or_else(|| lock_seen(ctx));

    let t = Instant::now();
    let opts = PlanOptions {
        destroy: false,
        replace: Vec::new(),
        targets: Vec::new(),
        refresh: false,
        timestamp: Some(std::time::SystemTime::now()),
    };
    let inferred = crate::rules::ordering::edges(&config);
    let inputs = crate::plan::run::Inputs {
        config: &config,
        variables: vars,
        inferred: &inferred,
    };
    let (plan, _, diags) = crate::plan::run::plan_refreshed(inputs, refreshed, &reach, &opts);
    if report(ctx, &diags, &config.sources) {
        return exit::ERROR;
    }
    let planned = t.elapsed();

    let r = drift::report(&plan, &current, &ignore, &config);
    let meta = view::Meta {
        cloud: session.cloud.describe(),
        subscription: session.cloud.subscription().to_string(),
        ignore_file,
        phases: vec![
            ("load", loaded),
            ("refresh", refresh_took),
            ("plan", planned),
            ("total", started.elapsed()),
        ],
        locked,
    };
    let json = || serde_json::to_string_pretty(&view::json(&r, &meta)).unwrap_or_default() + "\n";
    let files: [(&Option<PathBuf>, &dyn Fn() -> String); 4] = [
        (&args.out_text, &|| view::text(&r, &meta)),
        (&args.out_json, &json),
        (&args.out_markdown, &|| view::markdown(&r, &meta)),
        (&args.out_sarif, &|| {
            let block_of = |a: &crate::addrs::Instance| config.resource_of(a).map(|res| res.span);
            let sarif = view::sarif(&r, &meta, &block_of, &config.sources, &ctx.dir);
            serde_json::to_string_pretty(&sarif).unwrap_or_default() + "\n"
        }),
    ];
    for (path, render) in files {
        if let Some(path) = path {
            let at = ctx.dir.join(path);
            if let Err(e) = std::fs::write(&at, render()) {
                return fail(
                    ctx,
                    Diagnostic::error("Cannot write the drift report").with_detail(format!("{}: {e}", at.display())),
                );
            }
        }
    }
    match args.format {
        ReportFormat::Text => out!("{}", view::text(&r, &meta)),
        ReportFormat::Json => out!("{}", json()),
        ReportFormat::Markdown => out!("{}", view::markdown(&r, &meta)),
    }
    if r.has_drift() {
        exit::CHANGES
    } else {
        exit::OK
    }
}

/// The state lock, if a run holds it now (drift reads without taking it).
fn lock_seen(ctx: &Context) -> Option<view::Locked> {
    match lock::holder(&ctx.dir) {
        Ok(Some(Ok(h))) => Some(view::Locked {
            stale: h.liveness() == lock::Liveness::Gone,
            holder: Some(h),
        }),
        Ok(Some(Err(_))) => Some(view::Locked {
            holder: None,
            stale: false,
        }),
        // A lock that cannot even be looked at does not stop a report.
        Ok(None) | Err(_) => None,
    }
}

/// The accepted drift: `--ignore FILE`, else the default file if present.
fn read_ignore(ctx: &Context, args: &DriftArgs) -> Result<(Ignore, Option<String>), i32> {
    let path = match &args.ignore {
        Some(p) => ctx.dir.join(p),
        None => {
            let p = ctx.dir.join(DEFAULT_IGNORE);
            if !p.exists() {
                return Ok((Ignore::default(), None));
            }
            p
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        fail(
            ctx,
            Diagnostic::error("Cannot read the ignore file").with_detail(format!("{}: {e}", path.display())),
        )
    })?;
    let name = path.display().to_string();
    let mut sources = Sources::default();
    let file = sources.add(name.clone(), text.as_str());
    let (ignore, diags) = Ignore::parse(&text, file);
    if report(ctx, &diags, &sources) {
        return Err(exit::ERROR);
    }
    Ok((ignore, Some(name)))
}
