//! `random_bytes`: `length` random bytes, sensitive, as `base64` (padded)
//! and `hex`. It has no `id`. Import takes the base64 form.

use super::rng::Rng;
use crate::diag::Diagnostics;
use crate::lang::Value;
use crate::provider::standalone::{self as sa, int};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

pub fn validate(config: &Value, diags: &mut Diagnostics) {
    sa::at_least(diags, "random_bytes", config, "length", 1);
}

fn encode(v: &mut Value, bytes: &[u8]) {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    sa::set(v, "base64", Value::string(STANDARD.encode(bytes)));
    sa::set(v, "hex", Value::string(hex));
}

pub fn create(planned: &Value) -> Result<Value, String> {
    let n = int(planned, "length").ok_or("length is not known")?;
    let n = usize::try_from(n)
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| format!("length must be at least 1, got {n}"))?;
    let bytes = Rng::new(None).bytes(n)?;
    let mut v = planned.clone();
    encode(&mut v, &bytes);
    Ok(v)
}

pub fn import(id: &str) -> Result<Value, String> {
    let bytes = STANDARD
        .decode(id)
        .map_err(|_| "the id to import is the bytes in base64, and it is not base64".to_string())?;
    let mut v = Value::Object(Default::default());
    sa::set(&mut v, "length", Value::int(bytes.len() as i64));
    encode(&mut v, &bytes);
    Ok(v)
}
