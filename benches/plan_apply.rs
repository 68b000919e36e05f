//! Plan and apply 10,000 resources on the simulation (no added latency):
//! plan from an empty state, plan from a state holding them all (refresh
//! included), and apply from empty.
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
    Context {
        dir: dir.to_path_buf(),
        color: false,
        env: Vec::new(),
    }
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
        },
        vars: VarArgs::default(),
    }
}

/// Plans the configuration in `dir` against its state; returns the action count.
fn plan(dir: &Path) -> usize {
    let ctx = context(dir);
    let (config, vars, d) = load_config(&ctx, &VarArgs::default());
    assert!(!d.has_errors());
    let vars = vars.unwrap();
    let session = Session::open(&ctx, &CloudArgs::sim()).unwrap();
    let state = session.store.load().unwrap();
    let opts = plan_options(&options(), false).unwrap();
    let (plan, _, d) = session.plan(&config, vars, state, &opts, 10, true);
    assert!(!d.has_errors(), "{:?}", d.iter().next());
    plan.changes.len()
}

/// Plans and applies from an empty state; returns the apply's duration.
fn apply(dir: &Path) -> Duration {
    let ctx = context(dir);
    let (config, vars, _) = load_config(&ctx, &VarArgs::default());
    let vars = vars.unwrap();
    let session = Session::open(&ctx, &CloudArgs::sim()).unwrap();
    let opts = plan_options(&options(), false).unwrap();
    let (plan, evaluated, _) = session.plan(&config, vars, State::new(), &opts, 10, true);
    let start = Instant::now();
    let mut journal = session.store.journal(&plan.prior_state).unwrap();
    let cancel = AtomicBool::new(false);
    let result = session.runtime.block_on(aksplan::apply::apply(
        &config,
        &evaluated.objects,
        &plan,
        &session.provider,
        plan.prior_state.clone(),
        &mut journal,
        aksplan::apply::Options {
            parallelism: 10,
            cancel: &cancel,
        },
    ));
    let mut state = result.state;
    session.store.write(&mut state).unwrap();
    let took = start.elapsed();
    assert_eq!(state.resources.len(), 10_000, "{:?}", result.diags.iter().next());
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
    apply(full.path());
    group.bench_function("plan from a full state, with refresh", |b| b.iter(|| plan(full.path())));

    group.bench_function("apply from an empty state", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let dir = tempfile::tempdir().unwrap();
                    generate(dir.path(), 1000);
                    apply(dir.path())
                })
                .sum()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
