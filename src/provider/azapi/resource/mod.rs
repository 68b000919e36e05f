//! `azapi_resource`: any ARM resource, its body passed through.
//!
//! - Plan: the id is built from `parent_id`, `type` and `name`; changing the
//!   resource type, the parent, the name or the location (as Azure
//!   normalises it) replaces the resource, changing the api-version does
//!   not. A body equal to the one in state up to what Azure normalises
//!   keeps the state's form. `output` is unknown whenever what decides it
//!   changes.
//! - Apply: a PUT of the body with `location`, `tags` and `identity`
//!   merged in, then a GET for `output`. A create first checks that nothing
//!   exists at the id, as azapi does.
//! - Read: a GET; the body in state keeps only what the configuration sets,
//!   so drift is limited to those properties (and a property Azure does not
//!   return stays as written while `ignore_missing_property` is on).

mod apply;
mod plan;
mod read;

pub use apply::{apply, delete};
pub use plan::plan;
pub use read::{import, read};

use super::common::*;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use std::time::Duration;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// azapi's defaults for the flags left out.
const FLAGS: [(&str, bool); 4] = [
    ("ignore_casing", false),
    ("ignore_missing_property", true),
    ("ignore_null_property", false),
    ("schema_validation_enabled", true),
];

/// Checks a configuration as azapi's ValidateConfig does.
pub fn validate(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    diags.extend(body_not_string(config, "body"));
    diags.extend(export_values_ok(config, "response_export_values"));
    let t = match type_ref(config) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return diags;
        }
    };
    if !is_set(config, "parent_id") && t.as_ref().is_some_and(|t| !t.is_resource_group()) {
        diags.push(
            Diagnostic::error("Missing required argument")
                .with_detail("The argument \"parent_id\" is required, but no definition was found."),
        );
    }
    if let Some(b) = config.get("body").and_then(Value::as_map) {
        for key in ["tags", "location", "identity"] {
            let written = if key == "identity" {
                config.get(key).and_then(Value::as_seq).is_some_and(|s| !s.is_empty())
            } else {
                is_set(config, key)
            };
            if written && b.contains_key(key) {
                diags.push(Diagnostic::error("Invalid configuration").with_detail(format!(
                    "can't specify both the argument \"{key}\" and \"{key}\" in the argument \"body\""
                )));
            }
        }
    }
    if let Err(e) = Retry::from_config(config) {
        diags.push(Diagnostic::error("Invalid configuration").with_detail(e));
    }
    diags
}

/// Whether planned identity blocks say what the state's say: the same
/// type and the same identities, in any order and case.
fn same_identities(prior: &[Value], planned: &[Value]) -> bool {
    prior.len() == planned.len()
        && prior.iter().zip(planned).all(|(p, n)| {
            let ty = |v: &Value| v.get("type").and_then(Value::as_str).map(str::to_string);
            let ids = |v: &Value| {
                let mut ids: Vec<String> = v
                    .get("identity_ids")
                    .and_then(Value::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|s| s.as_str().map(str::to_ascii_lowercase))
                    .collect();
                ids.sort();
                ids
            };
            let all_known =
                n.get("identity_ids").is_none_or(Value::is_wholly_known) && n.get("type").is_none_or(Value::is_known);
            all_known && ty(p).zip(ty(n)).is_some_and(|(a, b)| same_identity_type(&a, &b)) && ids(p) == ids(n)
        })
}
