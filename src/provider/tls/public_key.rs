//! The `tls_public_key` data source: the public half of a private key
//! given in PEM (`private_key_pem`) or in OpenSSH's format
//! (`private_key_openssh`), with the same attributes `tls_private_key`
//! gives its own.

use super::key::PrivateKey;
use super::private_key::public_attributes;
use super::{set, string};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;

const ARGUMENTS: [&str; 2] = ["private_key_pem", "private_key_openssh"];

/// Exactly one of the two arguments (unknown ones cannot be counted yet).
pub fn validate(config: &Value) -> Diagnostics {
    let values: Vec<&Value> = ARGUMENTS.iter().filter_map(|a| config.get(a)).collect();
    if values.iter().any(|v| !v.is_known()) {
        return Diagnostics::new();
    }
    let set = values.iter().filter(|v| !v.is_null()).count();
    if set == 1 {
        return Diagnostics::new();
    }
    Diagnostic::error("Invalid Attribute Combination")
        .with_detail(format!(
            "Exactly one of these attributes must be configured: [{}]",
            ARGUMENTS.join(",")
        ))
        .into()
}

pub fn read(config: &Value) -> Result<Value, Diagnostic> {
    let fail = |e: String| Diagnostic::error("Unable to parse private key").with_detail(e);
    let key = if let Some(pem) = string(config, "private_key_pem") {
        PrivateKey::from_pem(pem).map_err(fail)?
    } else if let Some(openssh) = string(config, "private_key_openssh") {
        PrivateKey::from_openssh(openssh).map_err(fail)?
    } else {
        return Err(Diagnostic::error("Missing private key")
            .with_detail("Exactly one of private_key_pem and private_key_openssh must be set"));
    };
    let public = key
        .public_key()
        .map_err(|e| Diagnostic::error("Failed to get public key from private key").with_detail(e))?;
    let mut value = config.clone();
    set(&mut value, [("algorithm", Value::string(key.algorithm()))]);
    set(&mut value, public_attributes(&public));
    Ok(value)
}
