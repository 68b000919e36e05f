//! The `local` provider (hashicorp/local 2.5), natively: the `local_file`
//! and `local_sensitive_file` resources and data sources. Paths are
//! relative to the process's working directory, as Terraform's are (with
//! Terraform's `-chdir=DIR`, aksplan changes to DIR as Terraform does).
//!
//! Every argument of the resources forces a replacement (overlays under
//! `schemas/overlays/local/`). Reading a resource removes it from state
//! when its file is gone or its content no longer hashes to its id, so
//! that the next plan writes it again, as the real provider does. File
//! access is bounded ([`file`]): regular files only, at most 64 MiB.
//!
//! This module knows no cloud; only [`file`] touches the file system.

mod file;

#[cfg(test)]
mod tests;

use super::planning;
use super::protocol::*;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use crate::schema::{BlockSchema, ProviderSchemas, Schema};
use file::{Checksums, ReadError};

pub use file::MAX_FILE_SIZE;

pub struct Local {
    schemas: ProviderSchemas,
}

impl Local {
    pub const SOURCE: &'static str = "registry.terraform.io/hashicorp/local";

    pub fn new(schemas: ProviderSchemas) -> Local {
        Local { schemas }
    }
}

const TYPES: &[&str] = &["local_file", "local_sensitive_file"];

/// The arguments of which exactly one gives a resource's content.
fn content_arguments(type_name: &str) -> &'static [&'static str] {
    match type_name {
        "local_file" => &["content", "sensitive_content", "content_base64", "source"],
        _ => &["content", "content_base64", "source"],
    }
}

#[async_trait::async_trait]
impl Provider for Local {
    fn name(&self) -> &'static str {
        "local"
    }

    fn schemas(&self) -> &ProviderSchemas {
        &self.schemas
    }

    fn can_apply(&self, schema: &Schema) -> bool {
        TYPES.contains(&schema.name.as_str())
    }

    fn validate(&self, req: ValidateRequest<'_>) -> Diagnostics {
        let mut diags = Diagnostics::new();
        if req.schema.mode != crate::addrs::Mode::Managed || !TYPES.contains(&req.schema.name.as_str()) {
            return diags;
        }
        let names = content_arguments(&req.schema.name);
        let values: Vec<&Value> = names.iter().filter_map(|n| req.config.get(n)).collect();
        let all_known = values.iter().all(|v| v.is_known());
        if all_known && values.iter().filter(|v| !v.is_null()).count() != 1 {
            diags.push(Diagnostic::error("Invalid Attribute Combination").with_detail(format!(
                "Exactly one of these attributes must be configured: [{}]",
                names.join(",")
            )));
        }
        for name in ["file_permission", "directory_permission"] {
            if let Some(Err(e)) = req.config.get(name).and_then(Value::as_str).map(file::parse_mode) {
                diags.push(
                    Diagnostic::error("Invalid File Permission String Value").with_detail(format!("{name}: {e}")),
                );
            }
        }
        diags
    }

    fn plan(&self, req: PlanRequest<'_>) -> PlanResponse {
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
        let (planned, replace_paths) = planning::plan(&req.schema.block, req.prior, &config, |_, _| ());
        PlanResponse {
            planned,
            replace_paths,
            diags: Diagnostics::new(),
        }
    }

    async fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        match (req.prior, req.planned) {
            (Some(prior), None) => {
                // As the real provider: a file already gone is no error.
                if let Some(name) = prior.get("filename").and_then(Value::as_str) {
                    let _ = std::fs::remove_file(name);
                }
                ApplyResponse::default()
            }
            (None, Some(planned)) => match create(&req.schema.name, planned) {
                Ok(v) => ApplyResponse {
                    value: Some(settle(&req.schema.block, v)),
                    diags: Diagnostics::new(),
                },
                Err(e) => ApplyResponse {
                    value: None,
                    diags: Diagnostic::error("Create local file error").with_detail(e).into(),
                },
            },
            // Every argument forces a replacement: nothing to change in place.
            (_, planned) => ApplyResponse {
                value: planned.cloned(),
                diags: Diagnostics::new(),
            },
        }
    }

    async fn read(&self, req: ReadRequest<'_>) -> ReadResponse {
        let filename = req.prior.get("filename").and_then(Value::as_str).unwrap_or_default();
        let id = req.prior.get("id").and_then(Value::as_str).unwrap_or_default();
        match file::read_bounded(filename) {
            Ok(content) if Checksums::of(&content).sha1 == id => ReadResponse {
                value: Some(req.prior.clone()),
                diags: Diagnostics::new(),
                failed: None,
            },
            // Changed or deleted outside: gone from state, written again.
            Ok(_) | Err(ReadError::NotFound) => ReadResponse::default(),
            Err(ReadError::Other(e)) => ReadResponse {
                value: Some(req.prior.clone()),
                diags: Diagnostic::error("Read local file error").with_detail(e).into(),
                failed: None,
            },
        }
    }

    async fn read_data(&self, req: ReadDataRequest<'_>) -> ReadResponse {
        if !TYPES.contains(&req.schema.name.as_str()) {
            return ReadResponse {
                value: None,
                diags: Diagnostic::error("Unsupported data source")
                    .with_detail(format!("the local provider has no data source {}", req.schema.name))
                    .into(),
                failed: None,
            };
        }
        let filename = req.config.get("filename").and_then(Value::as_str).unwrap_or_default();
        let content = match file::read_bounded(filename) {
            Ok(c) => c,
            Err(e) => {
                let detail = match e {
                    ReadError::NotFound => format!("{filename}: no such file"),
                    ReadError::Other(m) => m,
                };
                return ReadResponse {
                    value: None,
                    diags: Diagnostic::error("Read local file data source error")
                        .with_detail(detail)
                        .into(),
                    failed: None,
                };
            }
        };
        let b64 = {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(&content)
        };
        let mut value = req.config.clone();
        set(&mut value, &Checksums::of(&content));
        if let Some(m) = value.as_map_mut() {
            m.insert("content".into(), Value::string(file::lossy_text(&content)));
            m.insert("content_base64".into(), Value::string(b64));
        }
        ReadResponse {
            value: Some(settle(&req.schema.block, value)),
            diags: Diagnostics::new(),
            failed: None,
        }
    }
}

/// Writes a resource's file; the planned value with its checksums.
fn create(type_name: &str, planned: &Value) -> Result<Value, String> {
    let text = |name: &str| planned.get(name).filter(|v| !v.is_null()).and_then(Value::as_str);
    let content = if let Some(c) = text("sensitive_content") {
        c.as_bytes().to_vec()
    } else if let Some(c) = text("content_base64") {
        file::decode_base64(c)?
    } else if let Some(source) = text("source") {
        match file::read_bounded(source) {
            Ok(c) => c,
            Err(ReadError::NotFound) => return Err(format!("{source}: no such file")),
            Err(ReadError::Other(e)) => return Err(e),
        }
    } else if let Some(c) = text("content") {
        c.as_bytes().to_vec()
    } else {
        return Err(format!(
            "no content: exactly one of {} must be set",
            content_arguments(type_name).join(", ")
        ));
    };
    let filename = text("filename").ok_or("filename is not set")?;
    let defaults = if type_name == "local_file" { "0777" } else { "0700" };
    let file_mode = file::parse_mode(text("file_permission").unwrap_or(defaults))?;
    let dir_mode = file::parse_mode(text("directory_permission").unwrap_or(defaults))?;
    file::write(filename, &content, file_mode, dir_mode)?;
    let mut value = planned.clone();
    set(&mut value, &Checksums::of(&content));
    Ok(value)
}

/// Sets `id` and the checksum attributes.
fn set(value: &mut Value, c: &Checksums) {
    let Some(m) = value.as_map_mut() else { return };
    for (k, v) in [
        ("id", &c.sha1),
        ("content_md5", &c.md5),
        ("content_sha1", &c.sha1),
        ("content_sha256", &c.sha256),
        ("content_sha512", &c.sha512),
        ("content_base64sha256", &c.base64_sha256),
        ("content_base64sha512", &c.base64_sha512),
    ] {
        m.insert(k.to_string(), Value::string(v.as_str()));
    }
}

/// A value as state keeps it: the schema's types, sensitive attributes marked.
fn settle(block: &BlockSchema, value: Value) -> Value {
    super::shape::settle(block, value)
}
