//! `aksplan import ADDR ID`: brings an existing Azure resource under
//! management at an address of the configuration. It reads the resource and
//! records it in state; the next plan shows how it differs from its
//! configuration. (`import` blocks do the same as part of plan and apply.)

use super::args::{CloudArgs, ImportArgs};
use super::session::begin;
use super::{exit, fail, load_config, report, Context};
use crate::addrs::Instance;
use crate::diag::Diagnostic;
use crate::plan::run::{import_target, read_for_import};

pub fn run(ctx: &Context, args: &ImportArgs, cloud: &CloudArgs) -> i32 {
    let (config, vars, diags) = load_config(ctx, &args.vars, crate::config::vars::Missing::Error);
    if report(ctx, &diags, &config.sources) {
        return exit::ERROR;
    }
    let addr: Instance = match args.address.parse() {
        Ok(a) => a,
        Err(e) => {
            return fail(
                ctx,
                Diagnostic::error("Invalid resource address").with_detail(e.to_string()),
            )
        }
    };
    let Some(schema) = import_target(&config, &addr) else {
        return fail(
            ctx,
            Diagnostic::error("Import to a resource that is not in the configuration")
                .with_detail(format!(
                    "{} is not a managed resource of this configuration",
                    addr.resource
                ))
                .with_help(format!(
                    "add a resource \"{}\" \"{}\" block to import into",
                    addr.resource.type_name, addr.resource.name
                )),
        );
    };
    if let Some(d) = missing_instance(&config, vars.unwrap_or_default(), &addr) {
        return fail(ctx, d);
    }
    let (session, mut state) = match begin(ctx, &config, cloud, "import", &args.lock) {
        Ok(b) => b,
        Err(code) => return code,
    };
    if let Some(existing) = state.resources.get(&addr) {
        return fail(
            ctx,
            Diagnostic::error("Resource already managed")
                .with_detail(format!(
                    "{addr} is already in state, as {}",
                    existing.id().unwrap_or("a resource without an id")
                ))
                .with_help(format!(
                    "to manage another resource there, first run: aksplan state rm '{addr}'"
                )),
        );
    }
    let (read, diags) = read_for_import(&session.reach(1), schema, &args.id);
    if report(ctx, &diags, &config.sources) {
        return exit::ERROR;
    }
    let Some(read) = read else {
        return exit::ERROR;
    };
    state.resources.insert(addr.clone(), read);
    state.cloud = Some(session.cloud.identity());
    if let Err(e) = session.store.write(&mut state) {
        return fail(ctx, Diagnostic::error("Cannot write the state").with_detail(e));
    }
    outln!("{addr}: imported from {}", args.id);
    outln!(
        "\nImport successful! aksplan now manages it; run `aksplan plan` to see how it differs from its configuration."
    );
    exit::OK
}

/// Why the configuration has no instance at `addr` (its module instance or
/// its key is not there), when it can tell.
fn missing_instance(
    config: &crate::config::Config,
    vars: indexmap::IndexMap<String, crate::lang::Value>,
    addr: &Instance,
) -> Option<Diagnostic> {
    use crate::core::{evaluate, ConfigOnly, EvalMode};
    let (evaluated, _) = evaluate(
        config,
        &crate::rules::ordering::edges(config),
        vars,
        &mut ConfigOnly,
        EvalMode::Validate,
    );
    if evaluated.instances.contains_key(addr) {
        return None;
    }
    let known = evaluated.expansion.resources.get(&addr.config_resource())?;
    let repeated = config
        .resource_of(addr)
        .is_some_and(|r| r.count.is_some() || r.for_each.is_some());
    // Instances not known yet (count from a resource attribute): cannot tell.
    if repeated && known.iter().any(|i| i.key == crate::addrs::InstanceKey::None) {
        return None;
    }
    let list: Vec<String> = known.iter().map(ToString::to_string).collect();
    Some(
        Diagnostic::error("Configuration for import target does not exist")
            .with_detail(format!(
                "the configuration has no instance {addr}; its instances are: {}",
                if list.is_empty() {
                    "none".to_string()
                } else {
                    list.join(", ")
                }
            ))
            .with_help("import to one of those addresses, or change the configuration first"),
    )
}
