//! Test only: every settable argument of a curated azurerm type is mapped
//! to ARM, handled by the type's code, part of its id, or exempted with a
//! reason (`unmapped` in its overlay), so that nothing is silently dropped.
//! What is not yet is listed, exactly, in
//! `schemas/overlays/azurerm/pending.txt`, which may only shrink.

use super::mapper::gaps;
use crate::addrs::Mode;
use crate::provider::catalog::testing;
use crate::schema::SchemaSource;

const PENDING: &str = include_str!("../../../schemas/overlays/azurerm/pending.txt");

/// `TYPE ARGUMENT` for every gap of every curated resource and data source.
fn all_gaps() -> Vec<String> {
    let catalog = testing::catalog();
    let schemas = catalog.schemas("azurerm");
    let mut out = Vec::new();
    for (mode, kind) in [(Mode::Managed, "resource"), (Mode::Data, "data")] {
        for name in schemas.names(mode) {
            let Some(schema) = catalog.schema(mode, name).filter(|s| s.curated()) else {
                continue;
            };
            out.extend(gaps(schema).into_iter().map(|g| format!("{kind} {name} {g}")));
        }
    }
    out
}

#[test]
fn every_argument_of_a_curated_type_is_mapped_or_exempted_with_a_reason() {
    let pending: Vec<&str> = PENDING
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let gaps = all_gaps();
    let new: Vec<&String> = gaps.iter().filter(|g| !pending.contains(&g.as_str())).collect();
    assert!(
        new.is_empty(),
        "arguments neither mapped nor exempted (map them in the overlay, or give \"unmapped\": \"why\"):\n{}",
        new.iter().map(|g| format!("  {g}")).collect::<Vec<_>>().join("\n")
    );
    let done: Vec<&&str> = pending.iter().filter(|p| !gaps.iter().any(|g| g == **p)).collect();
    assert!(
        done.is_empty(),
        "mapped now: remove from schemas/overlays/azurerm/pending.txt:\n{}",
        done.iter().map(|g| format!("  {g}")).collect::<Vec<_>>().join("\n")
    );
}
