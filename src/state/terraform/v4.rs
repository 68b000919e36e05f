//! Terraform's state file format version 4, as Terraform 1.11 reads and
//! writes it (`internal/states/statefile/version4.go` in
//! hashicorp/terraform): the serialized form only, with no meaning given
//! to it here. Fields a newer Terraform adds (`identity`, say) are ignored
//! when read, as Terraform's own reader ignores what it does not know.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// The top-level key aksplan adds to the files it writes, which Terraform
/// ignores: it says the attribute values are aksplan's (nulls where a
/// legacy SDK provider writes empty values), so that reading the file
/// back changes nothing.
pub const WRITER_KEY: &str = "aksplan_writer";

#[derive(Debug, Serialize, Deserialize)]
pub struct StateV4 {
    pub version: u64,
    #[serde(default)]
    pub terraform_version: String,
    #[serde(default)]
    pub serial: u64,
    #[serde(default)]
    pub lineage: String,
    #[serde(default)]
    pub outputs: BTreeMap<String, OutputV4>,
    #[serde(default)]
    pub resources: Vec<ResourceV4>,
    /// Check results of the last run: Terraform recomputes them on every
    /// plan, and aksplan keeps none.
    #[serde(default)]
    pub check_results: Option<Json>,
    #[serde(rename = "aksplan_writer", default, skip_serializing_if = "Option::is_none")]
    pub aksplan_writer: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct OutputV4 {
    pub value: Json,
    #[serde(rename = "type")]
    pub ty: Json,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ResourceV4 {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub module: String,
    pub mode: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub name: String,
    /// `list` or `map` in files Terraform 0.12 wrote; unused since.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub each: String,
    pub provider: String,
    #[serde(default)]
    pub instances: Vec<InstanceV4>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct InstanceV4 {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_key: Option<Json>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub deposed: String,
    #[serde(default)]
    pub schema_version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Json>,
    /// The flat map of Terraform 0.11, kept by 0.12's upgrade until the
    /// provider rewrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes_flat: Option<BTreeMap<String, String>>,
    /// Paths of sensitive values, each a list of steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive_attributes: Option<Json>,
    /// The provider's private data (base64): timeouts and its own schema
    /// version for SDK providers. aksplan's providers keep none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub create_before_destroy: bool,
}
