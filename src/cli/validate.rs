//! `aksplan validate`: exit 0 when the configuration is valid (warnings
//! allowed), 1 otherwise.

use super::args::{DiagFormat, ValidateArgs};
use super::{exit, load_config, views, Context};
use crate::addrs::Instance;
use crate::config::vars::Missing;
use crate::config::Config;
use crate::core::ResourceValues;
use crate::core::{evaluate, EvalMode};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::lang::Value;
use crate::plan::unplannable::Unplannable;
use crate::provider::protocol::{ProviderConfig, ValidateRequest};
use crate::provider::registry::Providers;
use crate::provider::Cloud;
use crate::rules::{check_planned, PlannedValues};
use crate::schema::Schema;
use std::sync::Arc;

/// Asks each resource's provider to check its values (an unknown tls
/// algorithm, a random_string of length 0), then plans it purely for the
/// rules.
struct ProviderChecks<'c> {
    config: &'c Config,
    providers: Providers,
    planned: PlannedValues,
    diags: Diagnostics,
    /// Types aksplan knows only the schema of, with their instances.
    validate_only: Unplannable,
}

impl ResourceValues for ProviderChecks<'_> {
    fn instance_value(&mut self, inst: &Instance, schema: &Schema, provider: &ProviderConfig, config: Value) -> Value {
        if let Some(p) = self.providers.for_type(&schema.name) {
            if !p.can_apply(schema) {
                self.validate_only
                    .note_validate_only(inst, self.config.resource_of(inst).map(|r| r.type_span));
            }
            let res = self.config.resource_of(inst);
            for mut d in p.validate(ValidateRequest {
                schema,
                config: &config,
            }) {
                d.summary = format!("{inst}: {}", d.summary);
                d.span = d.span.or_else(|| res.map(|r| r.span_for(&d)));
                self.diags.push(d);
            }
        }
        self.planned.instance_value(inst, schema, provider, config)
    }
}

pub fn run(ctx: &Context, args: &ValidateArgs) -> i32 {
    let (config, vars, mut diags) = load_config(ctx, &args.vars, Missing::Validate);
    let config = super::keep_to_exit(config);
    // Variable errors do not stop evaluation: it finds more problems.
    if let Some(vars) = vars {
        // Planned against no state, purely: ids derived from names are known to the rules.
        let mut hook = ProviderChecks {
            config,
            // Validation asks providers about values, never the cloud.
            providers: Providers::standard(
                &ctx.catalog,
                Arc::new(Cloud::sim(super::session::sim_dir(ctx), Default::default())),
                true,
                // Nor does it read remote states.
                None,
            ),
            planned: PlannedValues {
                subscription: crate::provider::sim::SUBSCRIPTION.to_string(),
                values: Vec::new(),
            },
            diags: Diagnostics::new(),
            validate_only: Default::default(),
        };
        let (evaluated, eval_diags) = evaluate(
            config,
            &crate::rules::ordering::edges(config),
            vars,
            &mut hook,
            EvalMode::Validate,
        );
        super::keep_to_exit(evaluated);
        diags.extend(eval_diags);
        diags.extend(hook.diags);
        if let Some(d) = hook.validate_only.validate_only() {
            // Valid, but a plan would stop here: said once, as a warning.
            diags.push(Diagnostic {
                severity: Severity::Warning,
                ..d
            });
        }
        let planned = super::keep_to_exit(hook.planned);
        if !args.skip_rules && !diags.has_errors() {
            diags.extend(check_planned(config, &planned.values));
        }
        diags.sort();
    }
    match args.format {
        DiagFormat::Json => outln!("{}", views::diagnostics::json(&diags, &config.sources)),
        DiagFormat::Sarif => outln!(
            "{}",
            serde_json::to_string_pretty(&views::sarif::sarif(&diags, &config.sources, &ctx.dir)).unwrap_or_default()
        ),
        DiagFormat::Text => {
            eprint!("{}", super::diagnostics_text(ctx, &diags, &config.sources));
            if !diags.has_errors() {
                outln!(
                    "Success! The configuration is valid{}.",
                    views::diagnostics::warning_suffix(&diags)
                );
            }
        }
    }
    if diags.has_errors() {
        exit::ERROR
    } else {
        exit::OK
    }
}
