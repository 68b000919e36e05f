//! `yamldecode` and `yamlencode`, as Terraform 1.11 has them (through
//! zclconf/go-cty-yaml v1.1.0).
//!
//! Why not serde_yaml (deprecated) or another YAML 1.2 library: Terraform's
//! YAML is go-yaml's, a port of libyaml, with YAML 1.1 scalars (`yes`,
//! `on`, `~`), go-cty-yaml's own tag resolution, and go-yaml's emitter
//! choices down to where long strings fold. So decoding runs on
//! libyaml-safer (libyaml's parser in safe Rust: the same grammar, messages
//! and positions) with go-cty-yaml's resolution in [`resolve`]; encoding is
//! an emitter of its own ([`emit`]) for the few styles go-cty-yaml asks for,
//! because libyaml's emitter differs from go-yaml's in details that show
//! (`...` markers, characters outside the BMP).

mod decode;
mod emit;
mod resolve;

use super::{func, param, string_arg, FnError, FnResult, FuncContext, Function};
use crate::lang::types::Type;
use crate::lang::value::Value;

pub fn register(r: &mut Vec<Function>) {
    r.extend([
        func(
            "yamlencode",
            vec![param("value", Type::Dynamic).null()],
            Type::String,
            yamlencode,
        )
        .deep(),
        func(
            "yamldecode",
            vec![param("src", Type::String)],
            Type::Dynamic,
            yamldecode,
        ),
    ]);
}

pub fn yamlencode(a: &[Value], _: &FuncContext) -> FnResult {
    Ok(Value::String(emit::encode(&a[0])))
}

pub fn yamldecode(a: &[Value], _: &FuncContext) -> FnResult {
    decode::decode(&string_arg(a, 0)?).map_err(FnError::new)
}

#[cfg(test)]
mod tests;
