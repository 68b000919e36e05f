//! Plan and apply 10,000 resources on the simulation (no added latency):
//! plan from an empty state, plan from a state holding them all (refresh
//! included), and apply from empty. Then 1,000 resources applied in-process
//! and over HTTP through `sim serve` (run in this process, on loopback),
//! to show what the REST path costs. Then destroys of 1,000 and 10,000
//! resources (plan and apply, state written), and the apply graph of the
//! larger alone. Last, the scheduler over `sim serve --op-ms 200` with
//! parallelism 10, on a layered graph and on 90 independent resources
//! beside a chain of 10: each row prints its median against the lower
//! bound, the longer of the critical path and the work spread over the
//! parallelism, with each long-running operation at 200 ms and each
//! synchronous one (a resource group, an identity, a role assignment) at
//! nothing.
//!
//! Run: `cargo bench --bench plan_apply` (one group: add its name, e.g.
//! `cargo bench --bench plan_apply -- destroy`).

use aksplan::cli::args::{CloudArgs, PlanOptionArgs, VarArgs};
use aksplan::cli::session::{plan_options, Session};
use aksplan::cli::{load_config, Context};
use aksplan::graph::ObjectGraph;
use aksplan::plan::Plan;
use aksplan::state::State;
use common::generate;
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

#[path = "common/mod.rs"]
mod common;
#[path = "common/shapes.rs"]
mod shapes;

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
    serve_sim_with(data, Duration::ZERO)
}

/// The same, each long-running operation taking `op_time` (`--op-ms`).
fn serve_sim_with(data: &Path, op_time: Duration) -> String {
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
                op_time,
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
        json: false,
        lock: aksplan::cli::args::LockArgs {
            lock_timeout: Duration::ZERO,
            lock: true,
        },
        vars: VarArgs::default(),
    }
}

/// The state in `dir`, in the local backend's default workspace.
fn local_state(dir: &Path) -> Box<dyn aksplan::state::backend::StateStorage> {
    use aksplan::state::backend::Backend;
    aksplan::state::backend::local::LocalBackend::default_in(dir).state("default")
}

/// Plans the configuration in `dir` against its state; returns the action count.
fn plan(dir: &Path) -> usize {
    let ctx = context(dir);
    let (config, vars, d) = load_config(&ctx, &VarArgs::default(), aksplan::config::vars::Missing::Error);
    assert!(!d.has_errors());
    let vars = vars.unwrap();
    let session = Session::open(&ctx, &CloudArgs::sim(), local_state(dir)).unwrap();
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
    let session = Session::open(&ctx, &CloudArgs::sim(), local_state(dir)).unwrap();
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
    apply_timed(dir, cloud, State::new(), false).0
}

/// Plans (a destroy when `destroy`) against `state`, then applies with
/// parallelism 10 and writes the state. Returns the apply's duration (the
/// state written), and the whole run's (plan included) with the plan.
fn apply_timed(dir: &Path, cloud: &CloudArgs, state: State, destroy: bool) -> (Duration, Duration, Plan, ObjectGraph) {
    let whole = Instant::now();
    let ctx = context(dir);
    let (config, vars, _) = load_config(&ctx, &VarArgs::default(), aksplan::config::vars::Missing::Error);
    let vars = vars.unwrap();
    let session = Session::open(&ctx, cloud, local_state(dir)).unwrap();
    let opts = plan_options(&options(), destroy).unwrap();
    let (plan, evaluated, d) = session.plan(&config, vars, state, &opts, 10, true);
    assert!(!d.has_errors(), "{:?}", d.iter().next());
    let start = Instant::now();
    let mut journal = session.store.journal(&plan.prior_state).unwrap();
    let cancel = AtomicBool::new(false);
    let result = session.runtime.block_on(aksplan::apply::apply(
        &config,
        &evaluated.objects,
        &plan,
        &session.providers,
        plan.prior_state.clone(),
        &mut *journal,
        aksplan::apply::Options {
            parallelism: 10,
            cancel: &cancel,
            now: std::time::SystemTime::now(),
            progress: &aksplan::apply::progress::Silent,
            abandon: None,
        },
    ));
    let mut state = result.state;
    session.store.write(&mut state).unwrap();
    let took = start.elapsed();
    let expected = if destroy { 0 } else { plan.changes.len() };
    assert_eq!(state.resources.len(), expected, "{:?}", result.diags.iter().next());
    (took, whole.elapsed(), plan, evaluated.objects)
}

/// Destroys everything a copy of `template` holds (its configuration,
/// state and simulation): plan, apply and state written.
fn destroy(template: &Path) -> Duration {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(template, dir.path());
    let state = local_state(dir.path()).load().unwrap();
    apply_timed(dir.path(), &CloudArgs::sim(), state, true).1
}

/// The apply graph of a destroy of everything `dir` holds, and the time it
/// took to build.
fn destroy_graph(dir: &Path) -> (usize, usize, Duration) {
    let ctx = context(dir);
    let (config, vars, _) = load_config(&ctx, &VarArgs::default(), aksplan::config::vars::Missing::Error);
    let session = Session::open(&ctx, &CloudArgs::sim(), local_state(dir)).unwrap();
    let state = session.store.load().unwrap();
    let opts = plan_options(&options(), true).unwrap();
    let (plan, evaluated, _) = session.plan(&config, vars.unwrap(), state, &opts, 10, true);
    let start = Instant::now();
    let graph = aksplan::apply::graph::build(&evaluated.objects, &plan, &plan.prior_state).unwrap();
    (graph.len(), graph.edge_count(), start.elapsed())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Types whose operations the simulation completes at once (no `--op-ms`).
const SYNC_TYPES: &[&str] = &[
    "azurerm_resource_group",
    "azurerm_role_assignment",
    "azurerm_user_assigned_identity",
];

/// The least an apply of `plan` can take over a simulation whose
/// long-running operations take `op`, with `parallelism`: the longer of
/// its critical path and its work spread evenly.
fn lower_bound(plan: &Plan, objects: &ObjectGraph, op: Duration, parallelism: u32) -> Duration {
    let graph = aksplan::apply::graph::build(objects, plan, &plan.prior_state).unwrap();
    let long = |type_name: &str| !SYNC_TYPES.contains(&type_name);
    let mut path = vec![Duration::ZERO; graph.len()];
    for &id in graph.order() {
        let calls = graph.changes(id).iter().any(|&ci| long(&plan.changes[ci].type_name));
        let own = if calls { op } else { Duration::ZERO };
        let before = graph.deps(id).iter().map(|&d| path[d]).max().unwrap_or_default();
        path[id] = before + own;
    }
    let critical = path.into_iter().max().unwrap_or_default();
    let work = op * plan.changes.iter().filter(|c| long(&c.type_name)).count() as u32;
    critical.max(work / parallelism)
}

/// Applies the configuration `write` makes over `sim serve` with
/// `--op-ms 200`; returns the apply's duration, and prints it against the
/// lower bound.
fn scheduled(write: impl Fn(&Path), ratios: &std::cell::RefCell<Vec<f64>>) -> Duration {
    let op = Duration::from_millis(200);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path());
    let cloud = CloudArgs {
        name: serve_sim_with(&dir.path().join("served"), op),
        ..CloudArgs::sim()
    };
    let (took, _, plan, objects) = apply_timed(dir.path(), &cloud, State::new(), false);
    let bound = lower_bound(&plan, &objects, op, 10);
    ratios.borrow_mut().push(took.as_secs_f64() / bound.as_secs_f64());
    eprintln!(
        "  apply {:.3} s, lower bound {:.3} s: {:.3}x",
        took.as_secs_f64(),
        bound.as_secs_f64(),
        took.as_secs_f64() / bound.as_secs_f64()
    );
    took
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
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

    let mut group = c.benchmark_group("destroy on the simulation");
    group.sample_size(10);
    for units in [100, 1000] {
        let template = tempfile::tempdir().unwrap();
        generate(template.path(), units);
        apply(template.path(), &CloudArgs::sim());
        group.bench_function(format!("destroy {} resources", units * 10), |b| {
            b.iter_custom(|iters| (0..iters).map(|_| destroy(template.path())).sum())
        });
        if units == 1000 {
            let (nodes, edges, _) = destroy_graph(template.path());
            eprintln!("  the apply graph of the destroy: {nodes} nodes, {edges} edges");
            group.bench_function("apply graph of a destroy of 10000 resources", |b| {
                b.iter_custom(|iters| (0..iters).map(|_| destroy_graph(template.path()).2).sum())
            });
        }
    }
    group.finish();

    let mut group = c.benchmark_group("scheduling over sim serve --op-ms 200, parallelism 10");
    group.sample_size(10);
    type Shape = (&'static str, Box<dyn Fn(&Path)>);
    let shapes: [Shape; 2] = [
        ("layered graph of 200 resources", Box::new(|d: &Path| generate(d, 20))),
        (
            "90 independent resources beside a chain of 10",
            Box::new(|d: &Path| shapes::chain_beside_independent(d, 90, 10)),
        ),
    ];
    for (name, write) in &shapes {
        let ratios = std::cell::RefCell::new(Vec::new());
        group.bench_function(*name, |b| {
            b.iter_custom(|iters| (0..iters).map(|_| scheduled(write, &ratios)).sum())
        });
        let mut r = ratios.into_inner();
        eprintln!(
            "{name}: median {:.3}x the lower bound over {} runs",
            median(&mut r),
            r.len()
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
