//! The schema files compiled into the binary (see build.rs): each
//! provider's `providers schema -json` document and its overlays.

use crate::addrs::Mode;
use crate::schema::registry::OverlayFile;

include!(concat!(env!("OUT_DIR"), "/schema_files.rs"));

/// The embedded schemas of a provider, by the name of its file.
pub fn schemas(name: &str, source: &str) -> crate::schema::ProviderSchemas {
    let text = PROVIDERS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map_or("{}", |(_, t, _)| *t);
    crate::schema::ProviderSchemas::new(source, text, overlays(name))
}

/// The overlays aksplan has for a provider's types.
pub fn overlays(name: &str) -> &'static [OverlayFile] {
    PROVIDERS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map_or(&[], |(_, _, o)| *o)
}

/// Whether a provider's schema file is embedded.
pub fn exists(name: &str) -> bool {
    PROVIDERS.iter().any(|(n, _, _)| *n == name)
}
