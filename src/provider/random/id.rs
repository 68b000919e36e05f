//! `random_id`: `byte_length` random bytes, as an identifier. `id` is the
//! bytes in unpadded base64url; `b64_url`, `b64_std` (padded base64), `hex`
//! and `dec` (the bytes as a big-endian unsigned number) carry `prefix` in
//! front. Import takes `B64URL` or `PREFIX,B64URL`.

use super::rng::Rng;
use crate::diag::Diagnostics;
use crate::lang::Value;
use crate::provider::standalone::{self as sa, int, string};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;

pub fn validate(config: &Value, diags: &mut Diagnostics) {
    sa::at_least(diags, "random_id", config, "byte_length", 1);
}

/// The attributes made from the bytes and the prefix.
fn encode(v: &mut Value, bytes: &[u8], prefix: &str) {
    let id = URL_SAFE_NO_PAD.encode(bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let dec = num_bigint::BigUint::from_bytes_be(bytes).to_string();
    sa::set(v, "b64_url", Value::string(format!("{prefix}{id}")));
    sa::set(
        v,
        "b64_std",
        Value::string(format!("{prefix}{}", STANDARD.encode(bytes))),
    );
    sa::set(v, "hex", Value::string(format!("{prefix}{hex}")));
    sa::set(v, "dec", Value::string(format!("{prefix}{dec}")));
    sa::set(v, "id", Value::string(id));
}

pub fn create(planned: &Value) -> Result<Value, String> {
    let n = int(planned, "byte_length").ok_or("byte_length is not known")?;
    let n = usize::try_from(n)
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| format!("byte_length must be at least 1, got {n}"))?;
    let bytes = Rng::new(None).bytes(n)?;
    let mut v = planned.clone();
    encode(&mut v, &bytes, string(planned, "prefix").unwrap_or(""));
    Ok(v)
}

pub fn import(id: &str) -> Result<Value, String> {
    let (prefix, b64) = id.rsplit_once(',').unwrap_or(("", id));
    let bytes = URL_SAFE_NO_PAD
        .decode(b64)
        .map_err(|e| format!("{b64:?} is not unpadded base64url: {e}"))?;
    let mut v = Value::Object(Default::default());
    sa::set(&mut v, "byte_length", Value::int(bytes.len() as i64));
    if !prefix.is_empty() {
        sa::set(&mut v, "prefix", Value::string(prefix));
    }
    encode(&mut v, &bytes, prefix);
    Ok(v)
}
