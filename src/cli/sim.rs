//! `aksplan sim`: the simulated Azure, by hand. Changes go through the
//! simulated ARM API, so they are validated as Azure would validate them.

use super::args::SimCommand;
use super::session::sim_dir;
use super::{exit, fail, Context};
use crate::diag::Diagnostic;
use crate::provider::arm::{ArmError, ArmRequest, Method};
use crate::provider::sim::SimClient;

fn arm_failure(ctx: &Context, e: ArmError) -> i32 {
    fail(
        ctx,
        Diagnostic::error(format!("Azure refused the request: {}", e.code)).with_detail(e.message),
    )
}

pub fn run(ctx: &Context, cmd: &SimCommand) -> i32 {
    let sim = SimClient::new(sim_dir(ctx));
    let request = |method, id: &str, body| ArmRequest {
        method,
        path: id.to_string(),
        api_version: "sim".into(),
        body,
    };
    match cmd {
        SimCommand::List => match sim.store().all() {
            Ok(docs) => {
                for d in docs {
                    println!("{}", d.get("id").and_then(|i| i.as_str()).unwrap_or("?"));
                }
                exit::OK
            }
            Err(e) => fail(
                ctx,
                Diagnostic::error("Cannot read the simulation's store").with_detail(e.to_string()),
            ),
        },
        SimCommand::Show { id } => match sim.handle(&request(Method::Get, id, None)) {
            Ok(r) => {
                println!("{}", serde_json::to_string_pretty(&r.body).unwrap_or_default());
                exit::OK
            }
            Err(e) => arm_failure(ctx, e),
        },
        SimCommand::Patch { id, patch } => {
            let body: serde_json::Value = match serde_json::from_str(patch) {
                Ok(b) => b,
                Err(e) => return fail(ctx, Diagnostic::error("Invalid JSON patch").with_detail(e.to_string())),
            };
            match sim.handle(&request(Method::Patch, id, Some(body))) {
                Ok(_) => exit::OK,
                Err(e) => arm_failure(ctx, e),
            }
        }
        SimCommand::Delete { id } => match sim.handle(&request(Method::Delete, id, None)) {
            Ok(_) => exit::OK,
            Err(e) => arm_failure(ctx, e),
        },
        SimCommand::Fail { id } => match sim.fail(id) {
            Ok(()) => exit::OK,
            Err(e) => arm_failure(ctx, e),
        },
    }
}
