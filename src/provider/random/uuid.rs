//! `random_uuid`: a random version 4 UUID, lowercase and hyphenated, as
//! `result` and `id`. Import takes any UUID and keeps it in that form.

use crate::lang::Value;
use crate::provider::standalone as sa;

pub fn create(planned: &Value) -> Result<Value, String> {
    let mut bytes = [0; 16];
    super::rng::Rng::new(None).fill(&mut bytes)?;
    let u = uuid::Builder::from_random_bytes(bytes).into_uuid().to_string();
    let mut v = planned.clone();
    sa::set(&mut v, "result", Value::string(u.clone()));
    sa::set(&mut v, "id", Value::string(u));
    Ok(v)
}

pub fn import(id: &str) -> Result<Value, String> {
    let u = uuid::Uuid::try_parse(id).map_err(|e| format!("{id:?} is not a UUID: {e}"))?;
    let u = u.hyphenated().to_string();
    let mut v = Value::Object(Default::default());
    sa::set(&mut v, "result", Value::string(u.clone()));
    sa::set(&mut v, "id", Value::string(u));
    Ok(v)
}
