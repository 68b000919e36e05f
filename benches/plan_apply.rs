//! Plan and apply 10,000 resources on the simulation (no added latency):
//! plan from an empty state, plan from a state holding them all (refresh
//! included), and apply from empty. Then 1,000 resources applied in-process
//! and over HTTP through `sim serve` (run in this process, on loopback),
//! to show what the REST path costs.
//!
//! Run: `cargo bench --bench plan_apply`.

use aksplan::cli::args::{CloudArgs, PlanOptionArgs, VarArgs};
use aksplan::cli::session::{plan_options, Session};
use aksplan::cli::{load_config, Context};
use aksplan::state::State;
use common::generate;
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

#[path = "common/mod.rs"]
mod common;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn context(dir: &Path) -> Context {
    Context::new(
        dir.to_path_buf(),
        false,
        vec![("ARM_ACCESS_TOKEN".into(), "bench".into())],
    )
}

/// Serves a fresh simulation on a free loopback port; returns its URL.
fn serve_sim(data: &Path) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    listener.set_nonblocking(true).unwrap();
    let sim = aksplan::provider::sim::SimClient::new(data);
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let options = aksplan::provider::sim::serve::Options {
                quiet: true,
                ..Default::default()
            };
            aksplan::provider::sim::serve::serve(sim, listener, options).await
        })
    });
    url
}

fn options() -> PlanOptionArgs {
    PlanOptionArgs {
        targets: vec![],
        replace: vec![],
        refresh: true,
        parallelism: 10,
        skip_rules: false,
        lock: aksplan::cli::args::LockArgs {
            lock_timeout: Duration::ZERO,
            lock: true,
        },
        vars: VarArgs::default(),
    }
}

/// Plans the configuration in `dir` against its state; returns the action count.
fn plan(dir: &Path) -> usize {
    let ctx = context(dir);
    let (config, vars, d) = load_config(&ctx, &VarArgs::default(), aksplan::config::vars::Missing::Error);
    assert!(!d.has_errors());
    let vars = vars.unwrap();
    let session = Session::open(&ctx, &CloudArgs::sim()).unwrap();
    let state = session.store.load().unwrap();
    let opts = plan_options(&options(), false).unwrap();
    let (plan, _, d) = session.plan(&config, vars, state, &opts, 10, true);
    assert!(!d.has_errors(), "{:?}", d.iter().next());
    plan.changes.len()
}

/// What `aksplan drift` does: refresh, plan against the refreshed state,
/// and the report; returns how many resources it read.
fn drift(dir: &Path) -> usize {
    let ctx = context(dir);
    let (config, vars, _) = load_config(&ctx, &VarArgs::default(), aksplan::config::vars::Missing::Error);
    let session = Session::open(&ctx, &CloudArgs::sim()).unwrap();
    let state = session.store.load().unwrap();
    let reach = session.reach(10);
    let refreshed = aksplan::plan::run::refresh(&reach, state);
    assert!(!refreshed.diags.has_errors());
    let current = refreshed.state.clone();
    let opts = plan_options(
        &PlanOptionArgs {
            refresh: false,
            ..options()
        },
        false,
    )
    .unwrap();
    let inputs = aksplan::plan::run::Inputs {
        config: &config,
        variables: vars.unwrap(),
        inferred: &[],
    };
    let (plan, _, _) = aksplan::plan::run::plan_refreshed(inputs, refreshed, &reach, &opts);
    let report = aksplan::drift::report(&plan, &current, &Default::default(), &config);
    assert!(!report.has_drift());
    current.resources.len()
}

/// Plans and applies from an empty state; returns the apply's duration.
fn apply(dir: &Path, cloud: &CloudArgs) -> Duration {
    let ctx = context(dir);
    let (config, vars, _) = load_config(&ctx, &VarArgs::default(), aksplan::config::vars::Missing::Error);
    let vars = vars.unwrap();
    let session = Session::open(&ctx, cloud).unwrap();
    let opts = plan_options(&options(), false).unwrap();
    let (plan, evaluated, _) = session.plan(&config, vars, State::new(), &opts, 10, true);
    let start = Instant::now();
    let mut journal = session.store.journal(&plan.prior_state).unwrap();
    let cancel = AtomicBool::new(false);
    let result = session.runtime.block_on(aksplan::apply::apply(
        &config,
        &evaluated.objects,
        &plan,
        &session.providers,
        plan.prior_state.clone(),
        &mut journal,
        aksplan::apply::Options {
            parallelism: 10,
            cancel: &cancel,
            now: std::time::SystemTime::now(),
        },
    ));
    let mut state = result.state;
    session.store.write(&mut state).unwrap();
    let took = start.elapsed();
    assert_eq!(
        state.resources.len(),
        plan.changes.len(),
        "{:?}",
        result.diags.iter().next()
    );
    took
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("10k resources on the simulation");
    group.sample_size(10);

    let empty = tempfile::tempdir().unwrap();
    generate(empty.path(), 1000);
    assert_eq!(plan(empty.path()), 10_000);
    group.bench_function("plan from an empty state", |b| b.iter(|| plan(empty.path())));

    let full = tempfile::tempdir().unwrap();
    generate(full.path(), 1000);
    apply(full.path(), &CloudArgs::sim());
    group.bench_function("plan from a full state, with refresh", |b| b.iter(|| plan(full.path())));
    group.bench_function("drift of a full state", |b| b.iter(|| drift(full.path())));

    group.bench_function("apply from an empty state", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let dir = tempfile::tempdir().unwrap();
                    generate(dir.path(), 1000);
                    apply(dir.path(), &CloudArgs::sim())
                })
                .sum()
        })
    });
    group.finish();

    let mut group = c.benchmark_group("1k resources, in-process and over HTTP");
    group.sample_size(10);
    group.bench_function("apply in-process", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let dir = tempfile::tempdir().unwrap();
                    generate(dir.path(), 100);
                    apply(dir.path(), &CloudArgs::sim())
                })
                .sum()
        })
    });
    group.bench_function("apply over HTTP (sim serve)", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let dir = tempfile::tempdir().unwrap();
                    generate(dir.path(), 100);
                    let cloud = CloudArgs {
                        name: serve_sim(&dir.path().join("served")),
                        ..CloudArgs::sim()
                    };
                    apply(dir.path(), &cloud)
                })
                .sum()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
