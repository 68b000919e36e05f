//! The configuration language: values with unknowns, type constraints,
//! references, built-in functions and the expression evaluator.
//!
//! Pure: it reads no configuration files and knows nothing of resources
//! beyond what a [`eval::Scope`] answers.

pub mod display;
pub mod eval;
pub mod functions;
pub mod limits;
pub mod nfc;
pub mod number;
pub mod parse;
pub mod refs;
pub mod types;
pub mod value;

pub use eval::{EvalError, EvalErrorKind, Evaluator, Scope};
pub use refs::Reference;
pub use value::Value;

/// The version of Terraform whose language aksplan implements: what
/// `required_version` constraints are checked against, and what JSON plans
/// and `version` report.
pub const TERRAFORM_VERSION: &str = "1.11.0";
