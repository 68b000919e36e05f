//! Terraform's state (format version 4) into aksplan's [`State`]: module
//! addresses, index keys, current and deposed objects, `tainted`,
//! dependencies, and root outputs with their sensitivity, each checked as
//! Terraform checks it when it reads the file. Attribute values are read
//! by their schema ([`super::values`]), upgraded where aksplan knows how
//! ([`super::upgrade`]), and made what aksplan's providers keep
//! ([`super::legacy`]).
//!
//! What aksplan's state has no place for is left out: the provider
//! configuration of each resource (the configuration names it),
//! `create_before_destroy` (the configuration says it), each provider's
//! private data (azurerm's timeouts, which aksplan takes from the
//! configuration), and check results (recomputed by every plan).

use super::error::{Problem, ReadError};
use super::providers::ProviderAddr;
use super::v4::{InstanceV4, ResourceV4, StateV4};
use super::{legacy, paths, upgrade, values};
use crate::addrs::{Instance, InstanceKey, Mode, ModuleInstance, Resource};
use crate::lang::types::{conform, Type};
use crate::lang::Value;
use crate::schema::{Schema, SchemaSource};
use crate::state::deposed::DeposedKey;
use crate::state::{file, OutputState, ResourceState, State};
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// A Terraform state read into aksplan's.
#[derive(Debug)]
pub struct Imported {
    pub state: State,
    /// The Terraform version that wrote it.
    pub terraform_version: String,
    /// What was left out that someone may want to know: attributes the
    /// schemas aksplan has do not know.
    pub notes: Vec<String>,
}

/// Reads a parsed version 4 file.
pub fn read_v4(f: StateV4, schemas: &dyn SchemaSource) -> Result<Imported, ReadError> {
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let mut state = State::new();
    state.serial = f.serial;
    state.lineage = f.lineage;
    // A file aksplan wrote has aksplan's values already.
    let aksplan_values = f.aksplan_writer.is_some();
    let mut unknown: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in f.resources {
        let Some(resource) = resource_of(&r, &mut problems) else {
            continue;
        };
        let module = match r.module.parse::<ModuleInstance>() {
            Ok(m) => m,
            Err(e) => {
                problems.push(Problem::Invalid {
                    address: format!("{}.{resource}", r.module),
                    message: format!("invalid module address {:?}: {}", r.module, e.reason),
                });
                continue;
            }
        };
        let address = Instance {
            module: module.clone(),
            resource: resource.clone(),
            key: InstanceKey::None,
        }
        .to_string();
        let Some(provider) = ProviderAddr::parse(&r.provider) else {
            problems.push(Problem::InvalidProvider {
                address,
                provider: r.provider.clone(),
            });
            continue;
        };
        let Some(kind) = provider.kind() else {
            unknown.entry(provider.display_source()).or_default().push(address);
            continue;
        };
        let implied = crate::addrs::implied_provider(&resource.type_name);
        if implied != kind {
            problems.push(Problem::Invalid {
                address,
                message: format!(
                    "its provider is {}, but aksplan gives {} resources to its {implied} provider",
                    provider.display_source(),
                    resource.type_name
                ),
            });
            continue;
        }
        let Some(schema) = schemas.schema(resource.mode, &resource.type_name) else {
            problems.push(Problem::UnknownType {
                address,
                provider: provider.display_source(),
                type_name: resource.type_name.clone(),
            });
            continue;
        };
        let legacy = !aksplan_values && legacy::is_legacy(kind);
        for inst in r.instances {
            let object = Object {
                module: &module,
                resource: &resource,
                kind,
                schema,
                legacy,
            };
            match object.read(inst, &mut notes) {
                Ok((addr, deposed, r)) => {
                    let duplicate = match deposed {
                        None => state.resources.insert(addr.clone(), r).is_some(),
                        Some(k) => state.deposed.insert((addr.clone(), k.clone()), r).is_some(),
                    };
                    if duplicate {
                        problems.push(Problem::Invalid {
                            address: addr.to_string(),
                            message: "the state has this object more than once".into(),
                        });
                    }
                }
                Err(p) => problems.push(p),
            }
        }
    }
    for (provider, addresses) in unknown {
        problems.push(Problem::UnknownProvider { provider, addresses });
    }
    for (name, o) in f.outputs {
        match output(&o.value, &o.ty) {
            Ok(value) => {
                state.outputs.insert(
                    name,
                    OutputState {
                        value: value.mark_if(o.sensitive),
                        sensitive: o.sensitive,
                    },
                );
            }
            Err(message) => problems.push(Problem::InvalidOutput { name, message }),
        }
    }
    if !problems.is_empty() {
        return Err(ReadError { problems });
    }
    Ok(Imported {
        state,
        terraform_version: f.terraform_version,
        notes,
    })
}

fn resource_of(r: &ResourceV4, problems: &mut Vec<Problem>) -> Option<Resource> {
    let mode = match r.mode.as_str() {
        "managed" => Mode::Managed,
        "data" => Mode::Data,
        other => {
            problems.push(Problem::Invalid {
                address: format!("{}.{}", r.type_name, r.name),
                message: format!("invalid resource mode {other:?} (Terraform writes \"managed\" or \"data\")"),
            });
            return None;
        }
    };
    Some(Resource {
        mode,
        type_name: r.type_name.clone(),
        name: r.name.clone(),
    })
}

/// One resource's context for reading its objects.
struct Object<'a> {
    module: &'a ModuleInstance,
    resource: &'a Resource,
    kind: &'static str,
    schema: &'a Schema,
    legacy: bool,
}

impl Object<'_> {
    fn read(
        &self,
        inst: InstanceV4,
        notes: &mut Vec<String>,
    ) -> Result<(Instance, Option<DeposedKey>, ResourceState), Problem> {
        let base = Instance {
            module: self.module.clone(),
            resource: self.resource.clone(),
            key: InstanceKey::None,
        };
        let invalid = |address: &Instance, message: String| Problem::Invalid {
            address: address.to_string(),
            message,
        };
        let key = match &inst.index_key {
            None | Some(Json::Null) => InstanceKey::None,
            Some(Json::String(s)) => InstanceKey::Str(s.clone()),
            Some(Json::Number(n)) => match n.as_u64() {
                Some(i) => InstanceKey::Int(i),
                None => return Err(invalid(&base, format!("invalid instance key {n}"))),
            },
            Some(other) => return Err(invalid(&base, format!("invalid instance key {other}"))),
        };
        let addr = Instance { key, ..base };
        let tainted = match inst.status.as_str() {
            "" => false,
            "tainted" => true,
            other => return Err(invalid(&addr, format!("invalid status {other:?}"))),
        };
        let deposed = match inst.deposed.as_str() {
            "" => None,
            k => Some(DeposedKey::parse(k).map_err(|e| invalid(&addr, e))?),
        };
        if inst.attributes_flat.is_some() && inst.attributes.is_none() {
            return Err(invalid(
                &addr,
                "its attributes are in Terraform 0.11's flat form (`attributes_flat`), which aksplan does not \
                 read: run `terraform apply -refresh-only` with Terraform 0.12 or later first"
                    .into(),
            ));
        }
        let mut attrs = inst.attributes.unwrap_or_else(|| Json::Object(Default::default()));
        upgrade::upgrade(
            self.kind,
            &self.resource.type_name,
            inst.schema_version,
            self.schema.version,
            &mut attrs,
        )
        .map_err(|message| Problem::SchemaVersion {
            address: addr.to_string(),
            message,
        })?;
        let mut dropped = Vec::new();
        let mut value =
            values::decode_block(&self.schema.block, &attrs, "", &mut dropped).map_err(|e| invalid(&addr, e))?;
        if !dropped.is_empty() {
            notes.push(format!(
                "{addr}: left out {}, which aksplan's {} schema does not have",
                dropped.join(", "),
                self.kind
            ));
        }
        if self.legacy {
            legacy::nulls_for_empties(&self.schema.block, &mut value);
        }
        let sensitive = paths::read(inst.sensitive_attributes.as_ref()).map_err(|e| invalid(&addr, e))?;
        let value = file::mark_paths(value, &sensitive);
        let value = crate::provider::shape::mark_sensitive(&self.schema.block, unmark_nulls(value));
        Ok((
            addr,
            deposed,
            ResourceState {
                type_name: self.resource.type_name.clone(),
                value,
                dependencies: inst.dependencies,
                tainted,
            },
        ))
    }
}

/// A null is nothing to hide: a path Terraform marked on a value that is
/// null here (an empty value the legacy SDK wrote) is not kept marked, as
/// aksplan's providers never mark a null.
fn unmark_nulls(v: Value) -> Value {
    match v {
        Value::Sensitive(inner) if inner.is_null() => *inner,
        Value::Sensitive(inner) => unmark_nulls(*inner).mark(),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, unmark_nulls(v))).collect()),
        Value::Map(t, m) => Value::Map(t, m.into_iter().map(|(k, v)| (k, unmark_nulls(v))).collect()),
        Value::List(t, items) => Value::List(t, items.into_iter().map(unmark_nulls).collect()),
        Value::Tuple(items) => Value::Tuple(items.into_iter().map(unmark_nulls).collect()),
        v => v,
    }
}

/// A root output's value, typed by its `type`.
fn output(value: &Json, ty: &Json) -> Result<Value, String> {
    let ty = Type::from_json(ty).map_err(|e| format!("invalid type: {e}"))?;
    Ok(conform(Value::from_json(value), &ty))
}
