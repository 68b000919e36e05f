//! `random_password`: a `random_string` whose `result` is sensitive, with
//! a bcrypt hash of it (`$2a$`, cost 10, of the first 72 bytes, as Go's
//! bcrypt makes it for hashicorp/random) and the fixed id `none`.

use super::rng::Rng;
use super::string;
use crate::lang::Value;
use crate::provider::standalone as sa;

/// Go's `bcrypt.DefaultCost`, which hashicorp/random uses.
const COST: u32 = 10;

/// The bcrypt hash of a password; bcrypt reads 72 bytes at most.
pub fn hash(password: &str) -> Result<String, String> {
    let bytes = password.as_bytes();
    let bytes = &bytes[..bytes.len().min(72)];
    bcrypt::hash_with_result(bytes, COST)
        .map(|parts| parts.format_for_version(bcrypt::Version::TwoA))
        .map_err(|e| format!("bcrypt: {e}"))
}

pub fn create(planned: &Value) -> Result<Value, String> {
    let s = string::generate(planned, &mut Rng::new(None))?;
    let bcrypt = hash(&s)?;
    let mut v = planned.clone();
    sa::set(&mut v, "result", Value::string(s));
    sa::set(&mut v, "bcrypt_hash", Value::string(bcrypt));
    sa::set(&mut v, "id", Value::string("none"));
    Ok(v)
}

/// `terraform import random_password.x VALUE`: the value is the password.
pub fn import(id: &str) -> Result<Value, String> {
    if id.is_empty() {
        return Err("the id to import is the password itself, and it is empty".into());
    }
    let mut v = string::imported_arguments(id);
    sa::set(&mut v, "result", Value::string(id));
    sa::set(&mut v, "bcrypt_hash", Value::string(hash(id)?));
    sa::set(&mut v, "id", Value::string("none"));
    Ok(v)
}
