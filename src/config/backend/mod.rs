//! The `backend` block of the `terraform` block, as Terraform reads it.
//!
//! [`BackendDecl`] is the block as written (its type, its constant
//! arguments, where each is); [`schema`] lists the arguments of the
//! backends aksplan has (`local`, `azurerm`: Terraform 1.11's names and
//! types, so that a block Terraform accepts is accepted); [`decode`] turns a
//! block into settings, every argument of the schema present, unset ones
//! null. [`hash`] is Terraform's hash of a block, [`overrides`] the
//! `-backend-config` options, and [`saved`] the settings `init` remembers in
//! `.terraform/terraform.tfstate`. Nothing here opens a backend or touches
//! state.

pub mod hash;
pub mod overrides;
pub mod saved;

use crate::diag::{Diagnostic, Diagnostics, Span};
use indexmap::IndexMap;
use serde_json::{Map, Value as Json};

/// A `backend "TYPE" { ... }` block (or a `cloud { ... }` block).
#[derive(Debug, Clone)]
pub struct BackendDecl {
    /// The backend type: the block's label (`cloud` for a cloud block).
    pub kind: String,
    /// Where the type is written.
    pub kind_span: Span,
    /// The block's header.
    pub span: Span,
    /// Its arguments, by name.
    pub attrs: IndexMap<String, BackendAttr>,
    /// Nested blocks, which neither backend takes.
    pub blocks: Vec<(String, Span)>,
    /// The headers of further backend blocks in the module: an error.
    pub duplicates: Vec<Span>,
}

/// One argument of a backend block.
#[derive(Debug, Clone)]
pub struct BackendAttr {
    /// Its value; why not, when it is not a constant.
    pub value: Result<Json, String>,
    /// Where its name is written.
    pub span: Span,
}

/// The type of a backend argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgType {
    String,
    Bool,
}

use ArgType::{Bool, String as Str};

/// `local`: Terraform 1.11's arguments.
const LOCAL: &[(&str, ArgType)] = &[("path", Str), ("workspace_dir", Str)];

/// `azurerm`: Terraform 1.11's arguments (internal/backend/remote-state/azure),
/// where `endpoint` is aksplan's blob service URL (Terraform's is a
/// deprecated name for `msi_endpoint`).
const AZURERM: &[(&str, ArgType)] = &[
    ("access_key", Str),
    ("ado_pipeline_service_connection_id", Str),
    ("client_certificate", Str),
    ("client_certificate_password", Str),
    ("client_certificate_path", Str),
    ("client_id", Str),
    ("client_id_file_path", Str),
    ("client_secret", Str),
    ("client_secret_file_path", Str),
    ("container_name", Str),
    ("endpoint", Str),
    ("environment", Str),
    ("key", Str),
    ("lookup_blob_endpoint", Bool),
    ("metadata_host", Str),
    ("msi_endpoint", Str),
    ("oidc_request_token", Str),
    ("oidc_request_url", Str),
    ("oidc_token", Str),
    ("oidc_token_file_path", Str),
    ("resource_group_name", Str),
    ("sas_token", Str),
    ("snapshot", Bool),
    ("storage_account_name", Str),
    ("subscription_id", Str),
    ("tenant_id", Str),
    ("use_aks_workload_identity", Bool),
    ("use_azuread_auth", Bool),
    ("use_cli", Bool),
    ("use_msi", Bool),
    ("use_oidc", Bool),
];

/// Backends Terraform 1.11 has and aksplan does not.
const TERRAFORM_ONLY: &[&str] = &[
    "remote",
    "s3",
    "gcs",
    "consul",
    "cos",
    "http",
    "inmem",
    "kubernetes",
    "oss",
    "pg",
];

/// The arguments of backend `kind`, sorted by name; `None` for a backend
/// aksplan does not have.
pub fn schema(kind: &str) -> Option<&'static [(&'static str, ArgType)]> {
    match kind {
        "local" => Some(LOCAL),
        "azurerm" => Some(AZURERM),
        _ => None,
    }
}

/// The error for a backend type aksplan has no schema for, at `span`.
pub fn unknown_kind(kind: &str, span: Span) -> Diagnostic {
    let d = Diagnostic::error("Invalid backend type").with_span(span);
    if kind == "cloud" {
        return d
            .with_detail(
                "aksplan does not use HCP Terraform or Terraform Enterprise: a cloud block has no meaning to it.",
            )
            .with_help("keep state in a backend aksplan has: local or azurerm");
    }
    if TERRAFORM_ONLY.contains(&kind) {
        return d
            .with_detail(format!(
                "aksplan has no {kind:?} backend: it keeps state in the local and azurerm backends."
            ))
            .with_help("use backend \"azurerm\" (Azure Blob Storage) or backend \"local\"");
    }
    d.with_detail(format!("There is no backend type named {kind:?}."))
        .with_help("aksplan's backends are local and azurerm")
}

/// A block's settings: each argument of its schema, converted to its type,
/// null when not set. Errors point at the block.
pub fn decode(decl: &BackendDecl) -> Result<Map<String, Json>, Diagnostics> {
    let mut diags = Diagnostics::new();
    for dup in &decl.duplicates {
        diags.push(
            Diagnostic::error("Duplicate backend configuration")
                .with_detail("A module may have only one backend configuration.")
                .with_span(*dup)
                .with_label(decl.span, "the backend was previously configured here"),
        );
    }
    let Some(schema) = schema(&decl.kind) else {
        diags.push(unknown_kind(&decl.kind, decl.kind_span));
        return Err(diags);
    };
    for (name, span) in &decl.blocks {
        diags.push(
            Diagnostic::error("Unsupported block type")
                .with_detail(format!("Blocks of type {name:?} are not expected here."))
                .with_span(*span),
        );
    }
    let mut out: Map<String, Json> = schema.iter().map(|(n, _)| (n.to_string(), Json::Null)).collect();
    for (name, attr) in &decl.attrs {
        let Some((_, ty)) = schema.iter().find(|(n, _)| n == name) else {
            let mut d = Diagnostic::error("Unsupported argument")
                .with_detail(format!("An argument named {name:?} is not expected here."))
                .with_span(attr.span);
            if let Some(s) = crate::lang::eval::suggest(name, schema.iter().map(|(n, _)| *n)) {
                d = d.with_help(format!("did you mean {s}?"));
            }
            diags.push(d);
            continue;
        };
        let value = match &attr.value {
            Ok(v) => v,
            Err(why) => {
                diags.push(
                    Diagnostic::error("Invalid backend configuration")
                        .with_detail(format!(
                            "{why}. A backend's arguments are read before anything is evaluated: they must be constants; \
                             give other values with `aksplan init -backend-config=KEY=VALUE`."
                        ))
                        .with_span(attr.span),
                );
                continue;
            }
        };
        match convert(value, *ty) {
            Ok(v) => {
                out.insert(name.clone(), v);
            }
            Err(why) => diags.push(
                Diagnostic::error("Incorrect attribute value type")
                    .with_detail(format!("Inappropriate value for attribute {name:?}: {why}."))
                    .with_span(attr.span),
            ),
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(out)
    }
}

/// A value as an argument of type `ty`, as cty converts it: a number or
/// bool becomes a string, the strings "true" and "false" a bool.
pub fn convert(value: &Json, ty: ArgType) -> Result<Json, String> {
    match (ty, value) {
        (_, Json::Null) => Ok(Json::Null),
        (Str, Json::String(_)) => Ok(value.clone()),
        (Str, Json::Number(n)) => Ok(Json::String(n.to_string())),
        (Str, Json::Bool(b)) => Ok(Json::String(b.to_string())),
        (Bool, Json::Bool(_)) => Ok(value.clone()),
        (Bool, Json::String(s)) if s == "true" || s == "1" => Ok(Json::Bool(true)),
        (Bool, Json::String(s)) if s == "false" || s == "0" => Ok(Json::Bool(false)),
        (Bool, Json::String(_)) => Err("a bool is required".into()),
        (Str, _) => Err("string required".into()),
        (Bool, _) => Err("bool required".into()),
    }
}

/// `base` with `overrides` set over it (`-backend-config` values win).
pub fn merge(base: &Map<String, Json>, overrides: &Map<String, Json>) -> Map<String, Json> {
    let mut out = base.clone();
    for (k, v) in overrides {
        out.insert(k.clone(), v.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::FileId;

    fn span() -> Span {
        Span::new(FileId::default(), 0..0)
    }

    fn decl(kind: &str, attrs: &[(&str, Json)]) -> BackendDecl {
        BackendDecl {
            kind: kind.into(),
            kind_span: span(),
            span: span(),
            attrs: attrs
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        BackendAttr {
                            value: Ok(v.clone()),
                            span: span(),
                        },
                    )
                })
                .collect(),
            blocks: vec![],
            duplicates: vec![],
        }
    }

    #[test]
    fn every_argument_is_present_and_converted() {
        let s = decode(&decl(
            "azurerm",
            &[
                ("key", "prod.tfstate".into()),
                ("snapshot", "true".into()),
                ("use_msi", Json::Bool(false)),
            ],
        ))
        .unwrap();
        assert_eq!(s.len(), AZURERM.len());
        assert_eq!(s["key"], "prod.tfstate");
        assert_eq!(s["snapshot"], true);
        assert_eq!(s["use_msi"], false);
        assert_eq!(s["container_name"], Json::Null);
        let s = decode(&decl("local", &[("path", Json::from(5))])).unwrap();
        assert_eq!(s["path"], "5");
    }

    #[test]
    fn unknown_types_arguments_and_values_are_errors() {
        let e = decode(&decl("s3", &[])).unwrap_err();
        assert_eq!(e.iter().next().unwrap().summary, "Invalid backend type");
        let e = decode(&decl("nope", &[])).unwrap_err();
        assert!(e
            .iter()
            .next()
            .unwrap()
            .detail
            .contains("There is no backend type named \"nope\""));
        let e = decode(&decl("azurerm", &[("containr_name", "x".into())])).unwrap_err();
        let d = e.iter().next().unwrap();
        assert_eq!(d.summary, "Unsupported argument");
        assert_eq!(d.help.as_deref(), Some("did you mean container_name?"));
        let e = decode(&decl("azurerm", &[("snapshot", "yes".into())])).unwrap_err();
        assert_eq!(e.iter().next().unwrap().summary, "Incorrect attribute value type");
    }

    #[test]
    fn schemas_are_sorted_as_terraform_hashes_them() {
        for s in [LOCAL, AZURERM] {
            let names: Vec<_> = s.iter().map(|(n, _)| *n).collect();
            let mut sorted = names.clone();
            sorted.sort();
            assert_eq!(names, sorted);
        }
    }
}
