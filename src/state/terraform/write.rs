//! aksplan's [`State`] as Terraform's state format version 4, for going
//! back to Terraform (`aksplan state pull -format=terraform`).
//!
//! Each object is written as Terraform 1.11 writes it: grouped by
//! resource, under the default configuration of the provider its type
//! implies, with the `schema_version` of the type's schema, `dynamic`
//! attributes wrapped with their types, and sensitive paths in cty's form.
//! Values stay aksplan's (nulls where azurerm's legacy SDK writes `""` or
//! `false`): azurerm reads both alike, and its first refresh writes its
//! own. The file says it was written by aksplan ([`super::v4::WRITER_KEY`],
//! a key Terraform ignores and drops on its next write), so that reading
//! it back into aksplan changes nothing.
//!
//! Not written, because aksplan's state does not keep them: provider
//! aliases (Terraform takes each resource's provider from the
//! configuration), `create_before_destroy`, providers' private data.

use super::providers::default_address;
use super::v4::{InstanceV4, OutputV4, ResourceV4, StateV4};
use super::{paths, values};
use crate::addrs::{implied_provider, Instance, InstanceKey, Mode};
use crate::schema::SchemaSource;
use crate::state::deposed::DeposedKey;
use crate::state::{file, ResourceState, State};
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// Why a state cannot be written in Terraform's format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{address}: {message}")]
pub struct WriteError {
    pub address: String,
    pub message: String,
}

/// The state as Terraform's version 4 JSON, indented as Terraform indents
/// it, with a final newline.
pub fn write(state: &State, schemas: &dyn SchemaSource, terraform_version: &str) -> Result<Vec<u8>, WriteError> {
    let f = encode(state, schemas, terraform_version)?;
    let mut text = serde_json::to_vec_pretty(&f).map_err(|e| WriteError {
        address: "state".into(),
        message: e.to_string(),
    })?;
    text.push(b'\n');
    Ok(text)
}

/// The version 4 file of a state.
pub fn encode(state: &State, schemas: &dyn SchemaSource, terraform_version: &str) -> Result<StateV4, WriteError> {
    // Objects by resource, in Terraform's order: module, mode, type, name;
    // then by key, the current object before the deposed ones.
    type Objects<'s> = Vec<(&'s Instance, Option<&'s DeposedKey>, &'s ResourceState)>;
    let mut by_resource: BTreeMap<(String, &str, String, String), Objects<'_>> = BTreeMap::new();
    let objects = state
        .resources
        .iter()
        .map(|(a, r)| (a, None, r))
        .chain(state.deposed.iter().map(|((a, k), r)| (a, Some(k), r)));
    for (addr, key, r) in objects {
        let group = (
            module_string(addr),
            mode_name(addr.resource.mode),
            addr.resource.type_name.clone(),
            addr.resource.name.clone(),
        );
        by_resource.entry(group).or_default().push((addr, key, r));
    }
    let mut resources = Vec::new();
    for ((module, mode, type_name, name), mut objects) in by_resource {
        objects.sort_by(|x, y| (&x.0.key, x.1).cmp(&(&y.0.key, y.1)));
        let kind = implied_provider(&type_name);
        let address = objects[0].0.to_string();
        let provider = default_address(kind).ok_or_else(|| WriteError {
            address: address.clone(),
            message: format!("{kind} is not a provider aksplan implements"),
        })?;
        let mode = if mode == "data" { Mode::Data } else { Mode::Managed };
        let schema = schemas.schema(mode, &type_name).ok_or_else(|| WriteError {
            address: address.clone(),
            message: format!("aksplan's {kind} provider has no schema for {type_name}"),
        })?;
        let instances = objects
            .into_iter()
            .map(|(addr, deposed, r)| InstanceV4 {
                index_key: match &addr.key {
                    InstanceKey::None => None,
                    InstanceKey::Int(i) => Some(Json::from(*i)),
                    InstanceKey::Str(s) => Some(Json::from(s.as_str())),
                },
                status: if r.tainted { "tainted".into() } else { String::new() },
                deposed: deposed.map(|k| k.as_str().to_string()).unwrap_or_default(),
                schema_version: schema.version,
                attributes: Some(values::encode_block(&schema.block, &r.value)),
                attributes_flat: None,
                sensitive_attributes: Some(paths::write(&r.value, &file::sensitive_paths(&r.value))),
                private: None,
                dependencies: r.dependencies.clone(),
                create_before_destroy: false,
            })
            .collect();
        resources.push(ResourceV4 {
            module,
            mode: mode_name(mode).into(),
            type_name,
            name,
            each: String::new(),
            provider,
            instances,
        });
    }
    // Terraform keeps no output whose value is null.
    let outputs = state
        .outputs
        .iter()
        .filter(|(_, o)| !o.value.is_null())
        .map(|(name, o)| {
            let (value, _) = o.value.clone().unmark_deep();
            (
                name.clone(),
                OutputV4 {
                    value: value.to_json(),
                    ty: value.ty().to_json(),
                    sensitive: o.sensitive,
                },
            )
        })
        .collect();
    Ok(StateV4 {
        version: 4,
        terraform_version: terraform_version.to_string(),
        serial: state.serial,
        lineage: state.lineage.clone(),
        outputs,
        resources,
        check_results: None,
        aksplan_writer: Some(format!("aksplan {}", env!("CARGO_PKG_VERSION"))),
    })
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Managed => "managed",
        Mode::Data => "data",
    }
}

fn module_string(addr: &Instance) -> String {
    if addr.module.is_root() {
        String::new()
    } else {
        addr.module.to_string()
    }
}
