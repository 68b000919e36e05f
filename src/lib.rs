//! aksplan: a declarative planner for Azure Kubernetes Service infrastructure.
//!
//! The pipeline, one module per stage: `config` loads and checks HCL files,
//! `lang` evaluates expressions, `graph` orders everything the configuration
//! declares, `core` expands and evaluates it, and `cli` renders results.

pub mod addrs;
pub mod diag;
pub mod lang;
