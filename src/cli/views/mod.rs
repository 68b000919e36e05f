//! Views: one renderer per output format. They format; they decide nothing.

pub mod compact_warnings;
pub mod diagnostics;
pub mod diagnostics_plain;
pub mod drift;
pub mod graph;
pub mod plan_json;
pub mod plan_markdown;
pub mod progress_live;
pub mod progress_text;
pub mod sarif;
pub mod snippet;
pub mod source_context;
pub mod ui_json;
