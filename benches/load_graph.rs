//! Loads, evaluates and graphs a generated configuration of 10,000 resources
//! in a layered graph: resource groups, networks, subnets (for_each), identities
//! (count) and role assignments that reference them.
//!
//! Run: `cargo bench --bench load_graph`.

use aksplan::config::load_dir;
use aksplan::config::vars::{resolve, VarInputs};
use aksplan::core::{evaluate, ConfigOnly};
use common::generate;
use criterion::{criterion_group, criterion_main, Criterion};

#[path = "common/mod.rs"]
mod common;

// The same allocator as the binary, so the figure is the one users see.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let schemas = aksplan::schema::Schemas::new(aksplan::provider::catalog::Catalog::embedded());
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), 1000);
    // Check once that the configuration is what it claims to be.
    let (mut config, d) = load_dir(dir.path(), &schemas);
    assert!(!d.has_errors(), "{d:?}");
    let (vars, _) = resolve(&mut config, &VarInputs::default(), Default::default());
    let (evaluated, d) = evaluate(&config, &[], vars, &mut ConfigOnly, Default::default());
    assert!(!d.has_errors(), "{:?}", d.iter().next());
    assert_eq!(evaluated.instances.len(), 10_000);

    let mut group = c.benchmark_group("10k resources");
    group.sample_size(10);
    group.bench_function("load + evaluate + graph", |b| {
        b.iter(|| {
            let (mut config, _) = load_dir(dir.path(), &schemas);
            let (vars, _) = resolve(&mut config, &VarInputs::default(), Default::default());
            let (evaluated, _) = evaluate(&config, &[], vars, &mut ConfigOnly, Default::default());
            evaluated.graph.graph.node_count()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
