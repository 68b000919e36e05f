//! The saved plan (`aksplan plan --out FILE`), format version 1.
//!
//! It holds everything needed to apply exactly what was planned: a snapshot
//! of the configuration files, the variable values, the refreshed prior
//! state, the options, and the planned changes (for display, and to check
//! that the apply does the same). A value is `{"type": T, "value": V}`: its
//! type in Terraform's JSON type notation, and JSON with two tags, unknown as
//! `{"$unknown": true}` and sensitive as `{"$sensitive": VALUE}`. Like the
//! state file, it holds secrets and is written with mode 0600.
//!
//! Its `checksum` is the SHA-256 of everything else in it (configuration
//! snapshot included), so that a plan edited after it was made (its
//! configuration, its changes) is refused rather than applied as edited.
//! It guards against mistakes and tampering with the file alone, not
//! against someone who recomputes it: it is not a signature.

use super::{Action, Plan, Reason, ResourceChange};
use crate::addrs::Instance;
use crate::lang::Value;
use crate::state::file::{self as statefile, StateFile};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};

/// Version 3 added the checksum; older plans are refused by version.
pub const VERSION: u64 = 3;

/// The member of the file's JSON object that holds the checksum.
const CHECKSUM: &str = "checksum";

#[derive(Debug, Serialize, Deserialize)]
pub struct PlanFile {
    pub format_version: u64,
    pub cloud: String,
    /// The state file the plan was made against.
    pub state_lineage: String,
    pub state_serial: u64,
    pub destroy: bool,
    /// When the plan was made (RFC 3339), so that applying it gives
    /// `plantimestamp()` the same value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    #[serde(default)]
    pub targets: Vec<String>,
    #[serde(default)]
    pub replace: Vec<String>,
    pub configuration: Vec<SourceFile>,
    /// The module manifest the configuration was loaded with, as
    /// `.terraform/modules/modules.json` holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modules: Option<String>,
    pub variables: serde_json::Map<String, Json>,
    pub prior_state: StateFile,
    pub changes: Vec<ChangeEntry>,
    #[serde(default)]
    pub outputs: Vec<OutputEntry>,
}

/// One root output's change.
#[derive(Debug, Serialize, Deserialize)]
pub struct OutputEntry {
    pub name: String,
    pub before: Option<Json>,
    pub after: Option<Json>,
    pub sensitive: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ChangeEntry {
    pub address: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub action: Action,
    pub reasons: Vec<Reason>,
    pub before: Option<Json>,
    pub after: Option<Json>,
    pub replace_paths: Vec<String>,
    pub dependencies: Vec<String>,
    pub create_before_destroy: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub importing: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<String>,
    /// Set on the destroy of a deposed object: its key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposed: Option<crate::state::deposed::DeposedKey>,
}

/// A value with its type, as the plan file keeps it.
pub fn encode_value(v: &Value) -> Json {
    json!({"type": v.ty().to_json(), "value": encode_tagged(v)})
}

fn encode_tagged(v: &Value) -> Json {
    match v {
        Value::Unknown(_) => json!({"$unknown": true}),
        Value::Sensitive(inner) => json!({"$sensitive": encode_tagged(inner)}),
        v => match (v.as_seq(), v.as_map()) {
            (Some(items), _) => Json::Array(items.iter().map(encode_tagged).collect()),
            (_, Some(m)) => Json::Object(m.iter().map(|(k, v)| (k.clone(), encode_tagged(v))).collect()),
            _ => v.to_json(),
        },
    }
}

/// Reads a value [`encode_value`] wrote.
pub fn decode_value(j: &Json) -> Value {
    let ty = j
        .get("type")
        .and_then(|t| crate::lang::types::Type::from_json(t).ok())
        .unwrap_or(crate::lang::types::Type::Dynamic);
    let value = decode_tagged(j.get("value").unwrap_or(&Json::Null));
    crate::lang::types::conform(value, &ty)
}

fn decode_tagged(j: &Json) -> Value {
    match j {
        Json::Object(o) if o.len() == 1 && o.get("$unknown") == Some(&Json::Bool(true)) => Value::unknown(),
        Json::Object(o) if o.len() == 1 && o.contains_key("$sensitive") => decode_tagged(&o["$sensitive"]).mark(),
        Json::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), decode_tagged(v))).collect()),
        Json::Array(a) => Value::Tuple(a.iter().map(decode_tagged).collect()),
        j => Value::from_json(j),
    }
}

pub struct SavedOptions<'a> {
    pub targets: Vec<String>,
    pub replace: Vec<String>,
    /// The module manifest the configuration was loaded with.
    pub manifest: Option<&'a crate::config::modules::manifest::Manifest>,
}

pub fn encode(plan: &Plan, sources: &crate::diag::Sources, tf_files: &[String], opts: SavedOptions) -> PlanFile {
    PlanFile {
        format_version: VERSION,
        cloud: plan.cloud.clone(),
        state_lineage: plan.state_lineage.clone(),
        state_serial: plan.state_serial,
        destroy: plan.destroy,
        timestamp: plan.timestamp.map(|t| humantime::format_rfc3339_nanos(t).to_string()),
        targets: opts.targets,
        replace: opts.replace,
        configuration: sources
            .iter()
            .filter(|(_, f)| tf_files.contains(&f.name))
            .map(|(_, f)| SourceFile {
                name: f.name.clone(),
                text: f.text.to_string(),
            })
            .collect(),
        modules: opts.manifest.map(|m| m.to_json()),
        variables: plan
            .variables
            .iter()
            .map(|(k, v)| (k.clone(), encode_value(v)))
            .collect(),
        prior_state: statefile::encode(&plan.prior_state),
        outputs: plan
            .outputs
            .iter()
            .map(|o| OutputEntry {
                name: o.name.clone(),
                before: o.before.as_ref().map(encode_value),
                after: o.after.as_ref().map(encode_value),
                sensitive: o.sensitive,
            })
            .collect(),
        changes: plan
            .changes
            .iter()
            .map(|c| ChangeEntry {
                address: c.addr.to_string(),
                type_name: c.type_name.clone(),
                action: c.action,
                reasons: c.reasons.clone(),
                before: c.before.as_ref().map(encode_value),
                after: c.after.as_ref().map(encode_value),
                replace_paths: c.replace_paths.clone(),
                dependencies: c.dependencies.clone(),
                create_before_destroy: c.create_before_destroy,
                importing: c.importing.clone(),
                moved_from: c.moved_from.as_ref().map(ToString::to_string),
                deposed: c.deposed.clone(),
            })
            .collect(),
    }
}

/// The output changes of a saved plan.
pub fn decode_outputs(f: &PlanFile) -> Vec<crate::plan::OutputChange> {
    f.outputs
        .iter()
        .map(|o| crate::plan::OutputChange {
            name: o.name.clone(),
            before: o.before.as_ref().map(decode_value),
            after: o.after.as_ref().map(decode_value),
            sensitive: o.sensitive,
        })
        .collect()
}

/// When the saved plan was made.
pub fn timestamp(f: &PlanFile) -> Result<Option<std::time::SystemTime>, String> {
    f.timestamp
        .as_deref()
        .map(|t| humantime::parse_rfc3339(t).map_err(|e| format!("invalid timestamp {t:?}: {e}")))
        .transpose()
}

/// The configuration snapshot, with its modules, for `config::load::load_from`.
pub fn snapshot(f: &PlanFile) -> Result<crate::config::load::Snapshot, String> {
    let manifest = match &f.modules {
        Some(text) => Some(crate::config::modules::manifest::Manifest::parse(text.as_bytes())?),
        None => None,
    };
    Ok(crate::config::load::Snapshot {
        files: f
            .configuration
            .iter()
            .map(|s| (s.name.clone(), s.text.clone()))
            .collect(),
        manifest,
    })
}

/// The changes of a saved plan, for display and comparison.
pub fn decode_changes(f: &PlanFile) -> Result<Vec<ResourceChange>, String> {
    f.changes
        .iter()
        .map(|c| {
            Ok(ResourceChange {
                addr: c.address.parse::<Instance>().map_err(|e| e.to_string())?,
                type_name: c.type_name.clone(),
                action: c.action,
                reasons: c.reasons.clone(),
                before: c.before.as_ref().map(decode_value),
                after: c.after.as_ref().map(decode_value),
                replace_paths: c.replace_paths.clone(),
                dependencies: c.dependencies.clone(),
                create_before_destroy: c.create_before_destroy,
                importing: c.importing.clone(),
                moved_from: c
                    .moved_from
                    .as_deref()
                    .map(str::parse::<Instance>)
                    .transpose()
                    .map_err(|e| e.to_string())?,
                deposed: c.deposed.clone(),
            })
        })
        .collect()
}

/// The checksum of a plan file's JSON object without its checksum: the
/// SHA-256, in hex, of its compact serialization (members in file order).
fn checksum_of(object: &serde_json::Map<String, Json>) -> String {
    use sha2::{Digest, Sha256};
    let bytes = serde_json::to_vec(object).unwrap_or_default();
    Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
}

pub fn read(path: &std::path::Path) -> Result<PlanFile, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the plan file {}: {e}", path.display()))?;
    let not_a_plan = |e: &dyn std::fmt::Display| format!("{} is not an aksplan plan file: {e}", path.display());
    let mut object = match serde_json::from_slice::<Json>(&bytes).map_err(|e| not_a_plan(&e))? {
        Json::Object(o) => o,
        _ => return Err(not_a_plan(&"it is not a JSON object")),
    };
    let version = object.get("format_version").and_then(Json::as_u64);
    if version.is_some_and(|v| v != VERSION) {
        return Err(format!(
            "{} is a plan of format version {}; this aksplan reads version {VERSION}",
            path.display(),
            version.unwrap_or_default()
        ));
    }
    let recorded = match object.remove(CHECKSUM) {
        Some(Json::String(c)) => c,
        _ => {
            return Err(format!(
                "{} has no checksum, so aksplan cannot tell whether it was changed",
                path.display()
            ))
        }
    };
    if recorded != checksum_of(&object) {
        return Err(format!(
            "{} was changed after it was made: its content no longer matches its checksum; make a new plan",
            path.display()
        ));
    }
    let f: PlanFile = serde_json::from_value(Json::Object(object)).map_err(|e| not_a_plan(&e))?;
    if f.format_version != VERSION {
        return Err(format!(
            "{} is a plan of format version {}; this aksplan reads version {VERSION}",
            path.display(),
            f.format_version
        ));
    }
    Ok(f)
}

pub fn write(path: &std::path::Path, f: &PlanFile) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.create(true).write(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut object = match serde_json::to_value(f).map_err(std::io::Error::other)? {
        Json::Object(o) => o,
        _ => return Err(std::io::Error::other("a plan serializes to a JSON object")),
    };
    let sum = checksum_of(&object);
    object.insert(CHECKSUM.to_string(), Json::String(sum));
    let mut file = o.open(path)?;
    file.write_all(&serde_json::to_vec_pretty(&object).map_err(std::io::Error::other)?)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::value::Map;

    #[test]
    fn tagged_values_round_trip() {
        let v = Value::Object(Map::from([
            ("a".into(), Value::unknown()),
            ("b".into(), Value::string("s").mark()),
            ("c".into(), Value::set(vec![Value::from(1.0)])),
            ("d".into(), Value::list(vec![Value::null(), Value::Bool(true)])),
        ]));
        assert_eq!(decode_value(&encode_value(&v)), v);
    }
}
