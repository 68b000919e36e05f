//! The schema files compiled into the binary (see build.rs): each
//! provider's `providers schema -json` document and its overlays.

use crate::addrs::Mode;
use crate::schema::registry::OverlayFile;

include!(concat!(env!("OUT_DIR"), "/schema_files.rs"));

/// The embedded schemas of a provider, by the name of its file.
pub fn schemas(name: &str, source: &str) -> crate::schema::ProviderSchemas {
    let (text, overlays) = PROVIDERS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, text, overlays)| (*text, *overlays))
        .unwrap_or(("{}", &[]));
    crate::schema::ProviderSchemas::new(source, text, overlays)
}
