//! The `tls` provider (hashicorp/tls 4.1), natively: `tls_private_key`,
//! `tls_self_signed_cert`, `tls_cert_request`, `tls_locally_signed_cert`
//! and the `tls_public_key` data source. It touches no cloud and no file.
//!
//! Keys and certificates are made once, at create, and kept in state: every
//! argument change forces a replacement (the overlays under
//! `schemas/overlays/tls/` say which), and a certificate within
//! `early_renewal_hours` of its end is planned for replacement, as the real
//! provider does. The encodings are exactly those of the real provider
//! (Go's `crypto/x509`, `encoding/pem` and `x/crypto/ssh`).
//!
//! This module dispatches by type and holds what the types share; it does
//! no cryptography itself. Private keys never appear in diagnostics.

mod cert;
mod encoding;
mod key;
mod name;
mod private_key;
mod public;
mod public_key;
mod x509;

#[cfg(test)]
mod tests;

use super::planning;
use super::protocol::*;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use crate::schema::{BlockSchema, ProviderSchemas, Schema};

pub struct Tls {
    schemas: ProviderSchemas,
}

impl Tls {
    pub const SOURCE: &'static str = "registry.terraform.io/hashicorp/tls";

    pub fn new(schemas: ProviderSchemas) -> Tls {
        Tls { schemas }
    }
}

/// The types aksplan plans and applies.
const RESOURCES: &[&str] = &[
    "tls_private_key",
    "tls_self_signed_cert",
    "tls_cert_request",
    "tls_locally_signed_cert",
];
const DATA_SOURCES: &[&str] = &["tls_public_key"];

#[async_trait::async_trait]
impl Provider for Tls {
    fn name(&self) -> &'static str {
        "tls"
    }

    fn schemas(&self) -> &ProviderSchemas {
        &self.schemas
    }

    fn can_apply(&self, schema: &Schema) -> bool {
        match schema.mode {
            crate::addrs::Mode::Managed => RESOURCES.contains(&schema.name.as_str()),
            crate::addrs::Mode::Data => DATA_SOURCES.contains(&schema.name.as_str()),
        }
    }

    fn validate(&self, req: ValidateRequest<'_>) -> Diagnostics {
        match req.schema.name.as_str() {
            "tls_private_key" => private_key::validate(req.config),
            "tls_self_signed_cert" | "tls_locally_signed_cert" | "tls_cert_request" => cert::validate(req.config),
            "tls_public_key" => public_key::validate(req.config),
            _ => Diagnostics::new(),
        }
    }

    fn plan(&self, req: PlanRequest<'_>) -> PlanResponse {
        match req.schema.name.as_str() {
            "tls_private_key" => private_key::plan(&req),
            "tls_self_signed_cert" | "tls_locally_signed_cert" => cert::plan_certificate(&req),
            "tls_cert_request" => cert::plan_request(&req),
            other => PlanResponse {
                planned: req.config.clone(),
                diags: unsupported(other).into(),
                ..Default::default()
            },
        }
    }

    async fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let (Some(planned), None) = (req.planned, req.prior) else {
            // Deleting forgets; an update changes nothing the provider
            // made (every argument that would forces a replacement).
            return ApplyResponse {
                value: req.planned.cloned(),
                diags: Diagnostics::new(),
            };
        };
        let created = match req.schema.name.as_str() {
            "tls_private_key" => private_key::create(planned),
            "tls_self_signed_cert" => cert::create_self_signed(planned, req.now),
            "tls_locally_signed_cert" => cert::create_locally_signed(planned, req.now),
            "tls_cert_request" => cert::create_request(planned),
            other => Err(unsupported(other).into()),
        };
        match created {
            Ok((value, diags)) => ApplyResponse {
                value: Some(settle(&req.schema.block, value)),
                diags,
            },
            Err(diags) => ApplyResponse { value: None, diags },
        }
    }

    async fn read(&self, req: ReadRequest<'_>) -> ReadResponse {
        let value = match req.schema.name.as_str() {
            "tls_self_signed_cert" | "tls_locally_signed_cert" => cert::read(req.prior, req.now),
            _ => Ok(req.prior.clone()),
        };
        match value {
            Ok(v) => ReadResponse {
                value: Some(v),
                diags: Diagnostics::new(),
                failed: None,
            },
            Err(d) => ReadResponse {
                value: Some(req.prior.clone()),
                diags: d.into(),
                failed: None,
            },
        }
    }

    async fn read_data(&self, req: ReadDataRequest<'_>) -> ReadResponse {
        match req.schema.name.as_str() {
            "tls_public_key" => match public_key::read(req.config) {
                Ok(v) => ReadResponse {
                    value: Some(settle(&req.schema.block, v)),
                    diags: Diagnostics::new(),
                    failed: None,
                },
                Err(d) => ReadResponse {
                    value: None,
                    diags: d.into(),
                    failed: None,
                },
            },
            other => ReadResponse {
                value: None,
                diags: unsupported(other).into(),
                failed: None,
            },
        }
    }
}

fn unsupported(type_name: &str) -> Diagnostic {
    Diagnostic::error("Unsupported type").with_detail(format!(
        "aksplan does not implement {type_name} of the tls provider yet; it implements {} and the {} data source",
        RESOURCES.join(", "),
        DATA_SOURCES.join(", ")
    ))
}

/// A value as state keeps it: the schema's types, sensitive attributes marked.
fn settle(block: &BlockSchema, value: Value) -> Value {
    super::shape::settle(block, value)
}

/// The shared planning of a configuration with the schema's defaults in
/// place of what it leaves null (the real provider's defaults, from the
/// overlays).
fn plan_with_defaults(req: &PlanRequest<'_>, adjust: impl FnOnce(&Value, &mut Vec<String>)) -> (Value, Vec<String>) {
    let mut config = req.config.clone();
    if let Some(m) = config.as_map_mut() {
        for (name, attr) in &req.schema.block.attributes {
            if let Some(default) = &attr.default {
                if m.get(name).is_none_or(Value::is_null) {
                    m.insert(name.clone(), default.clone());
                }
            }
        }
    }
    planning::plan(&req.schema.block, req.prior, &config, adjust)
}

/// A known, non-null string attribute.
fn string<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name).and_then(Value::as_str)
}

/// A known, non-null whole-number attribute.
fn int(v: &Value, name: &str) -> Option<i64> {
    v.get(name).and_then(Value::as_i64)
}

/// A known bool attribute, false when null.
fn flag(v: &Value, name: &str) -> bool {
    v.get(name).and_then(Value::as_bool).unwrap_or(false)
}

/// The known strings of a list attribute.
fn strings(v: &Value, name: &str) -> Vec<String> {
    v.get(name)
        .and_then(Value::as_seq)
        .map(|items| items.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

/// Sets attributes of an object value.
fn set(value: &mut Value, entries: impl IntoIterator<Item = (&'static str, Value)>) {
    if let Some(m) = value.as_map_mut() {
        for (k, v) in entries {
            m.insert(k.to_string(), v);
        }
    }
}

/// An error diagnostic naming the attribute it is about.
fn attribute_error(attribute: &str, summary: &str, detail: impl Into<String>) -> Diagnostic {
    Diagnostic::error(summary).with_detail(format!("{attribute}: {}", detail.into()))
}
