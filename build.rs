//! Embeds the schema files under schemas/ into the binary:
//! - `providers/<name>.json`: each provider's schemas, in Terraform's format;
//! - `overlays/<provider>/{resources,data}/<type>.json`: what aksplan adds;
//! - `tables/<name>.json`: reference tables.
//!
//! Adding a curated type is adding one overlay file.
//!
//! It also links the `aksplan` binary as a position-dependent executable on
//! Linux, as Go links terraform's: a position-independent one spends a third
//! of a short command's start (2 ms of `aksplan --version`) applying 38,000
//! relative relocations, each a write to a page that must first be copied.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn json_files(dir: &Path) -> Vec<PathBuf> {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    files
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bin=aksplan=-no-pie");
    }
    // Read at run time: a build script compiled in one checkout may run for another.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("schemas");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut out = String::from("pub static PROVIDERS: &[(&str, &str, &[OverlayFile])] = &[\n");
    for path in json_files(&root.join("providers")) {
        let name = stem(&path);
        writeln!(out, "    ({name:?}, include_str!({:?}), &[", path.display().to_string()).unwrap();
        for (dir, mode) in [("resources", "Managed"), ("data", "Data")] {
            for overlay in json_files(&root.join("overlays").join(&name).join(dir)) {
                let ty = stem(&overlay);
                let file = overlay.display().to_string();
                writeln!(out, "        (Mode::{mode}, {ty:?}, include_str!({file:?})),").unwrap();
            }
        }
        out.push_str("    ]),\n");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("schema_files.rs");
    std::fs::write(dest, out).unwrap();
}
