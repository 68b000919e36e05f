//! `tls_private_key`: a key made once, at create, and kept in state with
//! its encodings and its public half. `algorithm`, `rsa_bits` and
//! `ecdsa_curve` force a replacement (overlay); `rsa_bits` defaults to
//! 2048 and `ecdsa_curve` to `P224` whatever the algorithm, as in the
//! real provider's state.

use super::key::{PrivateKey, ALGORITHMS, CURVES, P224_UNSUPPORTED};
use super::public::PublicKey;
use super::{attribute_error, int, plan_with_defaults, set, string};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use crate::provider::protocol::{PlanRequest, PlanResponse};

pub fn validate(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if let Some(a) = string(config, "algorithm").filter(|a| !ALGORITHMS.contains(a)) {
        diags.push(one_of("algorithm", ALGORITHMS, a));
    }
    if let Some(c) = string(config, "ecdsa_curve").filter(|c| !CURVES.contains(c)) {
        diags.push(one_of("ecdsa_curve", CURVES, c));
    }
    diags
}

fn one_of(attribute: &str, allowed: &[&str], got: &str) -> Diagnostic {
    let allowed: Vec<String> = allowed.iter().map(|a| format!("{a:?}")).collect();
    attribute_error(
        attribute,
        "Invalid Attribute Value Match",
        format!("value must be one of: [{}], got: {got:?}", allowed.join(" ")),
    )
}

pub fn plan(req: &PlanRequest<'_>) -> PlanResponse {
    let (planned, replace_paths) = plan_with_defaults(req, |_, _| ());
    let mut diags = Diagnostics::new();
    let creating = req.prior.is_none() || !replace_paths.is_empty();
    let ecdsa = string(&planned, "algorithm") == Some("ECDSA");
    if creating && ecdsa && string(&planned, "ecdsa_curve") == Some("P224") {
        diags.push(attribute_error(
            "ecdsa_curve",
            "Unsupported ECDSA curve",
            P224_UNSUPPORTED,
        ));
    }
    PlanResponse {
        planned,
        replace_paths,
        diags,
    }
}

/// Makes the key; the planned value with every computed attribute set.
pub fn create(planned: &Value) -> Result<(Value, Diagnostics), Diagnostics> {
    let algorithm = string(planned, "algorithm").unwrap_or_default();
    let bits = int(planned, "rsa_bits").unwrap_or(2048);
    let curve = string(planned, "ecdsa_curve").unwrap_or("P224");
    let key = PrivateKey::generate(algorithm, bits, curve)
        .map_err(|e| Diagnostic::error("Unable to generate Key from configuration").with_detail(e))?;
    let encode = |e: String| Diagnostic::error("Unable to encode private key").with_detail(e);
    let pem = key.to_pem().map_err(encode)?;
    let pkcs8 = key.to_pkcs8_pem().map_err(encode)?;
    let openssh = key.to_openssh_pem().map_err(encode)?;
    let public = key
        .public_key()
        .map_err(|e| Diagnostic::error("Failed to get public key from private key").with_detail(e))?;
    let mut value = planned.clone();
    set(
        &mut value,
        [
            ("private_key_pem", Value::string(pem).mark()),
            ("private_key_pem_pkcs8", Value::string(pkcs8).mark()),
            ("private_key_openssh", Value::string(openssh).mark()),
        ],
    );
    set(&mut value, public_attributes(&public));
    Ok((value, Diagnostics::new()))
}

/// `id`, `public_key_pem`, `public_key_openssh` and the fingerprints,
/// shared with the `tls_public_key` data source.
pub fn public_attributes(public: &PublicKey) -> [(&'static str, Value); 5] {
    let (openssh, md5, sha256) = public.openssh();
    [
        ("id", Value::string(public.id())),
        ("public_key_pem", Value::string(public.pem())),
        ("public_key_openssh", Value::string(openssh)),
        ("public_key_fingerprint_md5", Value::string(md5)),
        ("public_key_fingerprint_sha256", Value::string(sha256)),
    ]
}
