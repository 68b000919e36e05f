//! aksplan: a declarative planner for Azure Kubernetes Service infrastructure.
//!
//! The pipeline, one module per stage: `config` loads and checks HCL files,
//! `lang` evaluates expressions, `graph` orders everything the configuration
//! declares, `core` expands and evaluates it, and `cli` parses arguments and
//! renders results. Only `cli` prints or picks exit codes.

// Diagnostics are the error currency of every stage, returned on cold paths;
// boxing them would only add noise.
#![allow(clippy::result_large_err)]

/// The stack of the thread that runs a command and of those that parse for
/// it: deeply nested input must get a diagnostic, never a stack overflow.
pub const STACK_SIZE: usize = 256 * 1024 * 1024;

pub mod addrs;
pub mod apply;
pub mod cli;
pub mod config;
pub mod core;
pub mod diag;
pub mod drift;
pub mod fileread;
pub mod format;
pub mod graph;
pub mod install;
pub mod lang;
pub mod parallel;
pub mod plan;
pub mod provider;
pub mod rules;
pub mod schema;
pub mod state;
