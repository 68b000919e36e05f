//! `aksplan-gen`: turns the reference data in `../shared/data` into
//! aksplan's own files under `schemas/`, keeping facts (names, types,
//! flags, ids, numbers) and leaving out descriptions and code.
//!
//! ```text
//! cargo run --bin aksplan-gen -- schemas [DATA_DIR]   # provider schemas
//! cargo run --bin aksplan-gen -- tables [DATA_DIR]    # roles, VM sizes, Kubernetes versions, ARM types
//! cargo run --bin aksplan-gen -- all [DATA_DIR]
//! ```
//!
//! `DATA_DIR` defaults to `../shared/data`. Each generator writes its files
//! deterministically, so running it again on the same data changes nothing;
//! the tests of each generator (`cargo test --bin aksplan-gen`, part of
//! `cargo test`) check that the committed files are what it writes.

mod arm_types;
mod schemas;
mod tables;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let what = args.first().map(String::as_str).unwrap_or("");
    let data = PathBuf::from(args.get(1).map(String::as_str).unwrap_or("../shared/data"));
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let result = match what {
        "schemas" => schemas::generate(&data, &out),
        "tables" => tables::generate(&data, &out),
        "all" => schemas::generate(&data, &out).and_then(|()| tables::generate(&data, &out)),
        _ => Err("usage: aksplan-gen schemas|tables|all [DATA_DIR]".to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("aksplan-gen: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Reads a JSON file, with its path in the error.
fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The shared data for tests: `AKSPLAN_GEN_DATA`, or `../shared/data`
/// beside the repository, which must hold `file`.
#[cfg(test)]
fn test_data_dir(file: &str) -> PathBuf {
    let dir = std::env::var_os("AKSPLAN_GEN_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    assert!(
        dir.join(file).is_file(),
        "the generator's tests read {}, which is absent: check out the shared data beside \
         this repository, or set AKSPLAN_GEN_DATA",
        dir.join(file).display()
    );
    dir
}

/// Writes a file only when its content changes.
fn write(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
