//! Modules as the configuration names them: source addresses
//! ([`source`]) and the manifest of installed modules ([`manifest`]),
//! which tell the loader where each module's files are. Fetching modules is
//! `install`'s; this part only reads.

pub mod manifest;
pub mod source;
