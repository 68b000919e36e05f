//! `aksplan sim`: the simulated Azure, by hand. Changes go through the
//! simulated ARM API, so they are validated as Azure would validate them.

use super::args::{ServeArgs, SimCommand};
use super::session::{replication_delay, sim_dir};
use super::{exit, fail, Context};
use crate::diag::Diagnostic;
use crate::provider::arm::{ArmError, ArmRequest, Method};
use crate::provider::sim::serve::{self, faults::Faults};
use crate::provider::sim::SimClient;
use std::io::Write;
use std::time::Duration;

fn arm_failure(ctx: &Context, e: ArmError) -> i32 {
    fail(
        ctx,
        Diagnostic::error(format!("Azure refused the request: {}", e.code)).with_detail(e.message),
    )
}

pub fn run(ctx: &Context, cmd: &SimCommand) -> i32 {
    if let SimCommand::Serve(args) = cmd {
        return serve(ctx, args);
    }
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
                // Resources only: registrations are `sim show`n by id.
                for d in docs {
                    let id = d.get("id").and_then(|i| i.as_str()).unwrap_or("?");
                    if !sim.is_registration(id) {
                        outln!("{id}");
                    }
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
                outln!("{}", serde_json::to_string_pretty(&r.body).unwrap_or_default());
                exit::OK
            }
            Err(e) => arm_failure(ctx, e),
        },
        SimCommand::Put { id, body } => {
            let body: serde_json::Value = match serde_json::from_str(body) {
                Ok(b) => b,
                Err(e) => return fail(ctx, Diagnostic::error("Invalid JSON body").with_detail(e.to_string())),
            };
            match sim.handle(&request(Method::Put, id, Some(body))) {
                Ok(_) => exit::OK,
                Err(e) => arm_failure(ctx, e),
            }
        }
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
        SimCommand::Serve(_) => unreachable!("handled above"),
    }
}

/// `aksplan sim serve`: prints the address, then serves until interrupted.
fn serve(ctx: &Context, args: &ServeArgs) -> i32 {
    let faults = match Faults::new(&args.faults) {
        Ok(f) => f,
        Err(e) => return fail(ctx, Diagnostic::error("Invalid --fault").with_detail(e)),
    };
    let dir = args.data.clone().unwrap_or_else(|| sim_dir(ctx));
    let sim = match SimClient::new(&dir)
        .with_replication_delay(replication_delay(ctx))
        .with_subscriptions(args.subscriptions.clone())
    {
        Ok(s) => s,
        Err(e) => return fail(ctx, Diagnostic::error("Invalid --subscription").with_detail(e.message)),
    };
    let hosting = match args.subscriptions.as_slice() {
        [] => "any subscription, created when first addressed".to_string(),
        list => format!("subscriptions {}", list.join(", ")),
    };
    let options = serve::Options {
        token: args.token.clone(),
        op_time: Duration::from_millis(args.op_ms),
        latency: Duration::from_millis(args.latency_ms),
        faults,
        seed: args.seed,
        quiet: args.quiet,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            return fail(
                ctx,
                Diagnostic::error("Cannot start the async runtime").with_detail(e.to_string()),
            )
        }
    };
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind(args.addr).await {
            Ok(l) => l,
            Err(e) => {
                return fail(
                    ctx,
                    Diagnostic::error(format!("Cannot listen on {}", args.addr))
                        .with_detail(e.to_string())
                        .with_help("pick another port with --addr, or 127.0.0.1:0 for any free one"),
                )
            }
        };
        let addr = listener.local_addr().map_or_else(|_| args.addr.to_string(), |a| a.to_string());
        if !args.addr.ip().is_loopback() && args.token.is_none() {
            eprintln!("aksplan sim: warning: serving beyond this machine without --token; anyone who reaches {addr} can change the simulation");
        }
        // One line, and a closed stdout must not stop the server.
        let mut out = std::io::stdout();
        let _ = writeln!(
            out,
            "Serving the simulated Azure from {} at http://{addr} ({hosting})",
            dir.display()
        );
        let _ = out.flush();
        tokio::select! {
            r = serve::serve(sim, listener, options) => match r {
                Ok(()) => exit::OK,
                Err(e) => fail(ctx, Diagnostic::error("The simulation's server stopped").with_detail(e.to_string())),
            },
            _ = super::signals::stop_requested() => exit::OK,
        }
    })
}
