//! Embeds every schema file under schemas/ into the binary, so that adding a
//! resource type is adding one JSON file.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    for kind in ["resources", "data", "tables"] {
        let dir = root.join(kind);
        println!("cargo:rerun-if-changed={}", dir.display());
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push((kind, path));
            }
        }
    }
    files.sort();
    let mut out = String::from("&[\n");
    for (kind, path) in files {
        let name = path.file_stem().unwrap().to_string_lossy();
        writeln!(
            out,
            "    ({kind:?}, {name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push(']');
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("schema_files.rs");
    std::fs::write(dest, out).unwrap();
}
