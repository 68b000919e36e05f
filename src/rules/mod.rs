//! AKS domain rules: what Azure would refuse, or do unexpectedly, found at
//! plan time and reported at the attribute that is wrong.
//!
//! A rule sees every resource instance as a [`Subject`]: its planned value
//! (ids are known: planning is pure), its prior value when there is state,
//! and its configuration block, for spans. Rules that need only the
//! configuration run in `validate` and `plan`; rules that compare with prior
//! values find none in `validate` and stay silent there. Rules do no I/O.

mod aml;
mod arc;
mod cluster;
mod extensions;
mod landing;
mod network;
pub mod ordering;
mod rbac;

use crate::addrs::{Instance, Mode};
use crate::config::tables::KubernetesMinor;
use crate::config::{parts_in, Config, Resource};
use crate::core::ResourceValues;
use crate::diag::{Diagnostic, Diagnostics, FileId, Span};
use crate::lang::Value;
use crate::plan::Plan;
use crate::schema::Schema;
use hcl_edit::structure::Structure;
use hcl_edit::Span as _;
use std::collections::{BTreeSet, HashMap, HashSet};

/// One resource instance as the rules see it.
pub struct Subject<'a> {
    pub addr: &'a Instance,
    /// Its block in the configuration; `None` for one removed from it.
    pub resource: Option<&'a Resource>,
    /// What it will be after apply (unknowns where Azure decides).
    pub value: &'a Value,
    /// What it is now, when planning against state.
    pub prior: Option<&'a Value>,
    /// The plan destroys it (and does not create it again).
    pub destroying: bool,
}

impl Subject<'_> {
    pub fn type_name(&self) -> &str {
        &self.addr.resource.type_name
    }

    /// A value by path; blocks are followed into their first element.
    pub fn get(&self, path: &[&str]) -> Option<&Value> {
        get(self.value, path)
    }

    pub fn prior_get(&self, path: &[&str]) -> Option<&Value> {
        self.prior.and_then(|p| get(p, path))
    }

    pub fn str(&self, path: &[&str]) -> Option<&str> {
        self.get(path).and_then(Value::as_str)
    }

    pub fn bool(&self, path: &[&str]) -> Option<bool> {
        self.get(path).and_then(Value::as_bool)
    }

    /// Where the attribute or block at `path` is written; the resource's
    /// header when the configuration does not write it; nowhere for a
    /// resource removed from the configuration.
    pub fn span(&self, path: &[&str]) -> Option<Span> {
        let r = self.resource?;
        Some(find_span(r.parts(), path).unwrap_or(r.span))
    }

    /// The resource block's header, if it is in the configuration.
    pub fn header(&self) -> Option<Span> {
        self.resource.map(|r| r.span)
    }

    /// Whether the configuration writes the attribute at `path`.
    pub fn writes(&self, path: &[&str]) -> bool {
        self.resource.is_some_and(|r| find_span(r.parts(), path).is_some())
    }
}

/// A value by path; a list (a block) is followed into its first element.
pub fn get<'v>(v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    let mut cur = v;
    for step in path {
        if let Some(items) = cur.as_seq() {
            cur = items.first()?;
        }
        cur = cur.get(step)?;
    }
    Some(cur).filter(|v| !v.is_null())
}

fn find_span<'b>(parts: impl Iterator<Item = (FileId, &'b Structure)>, path: &[&str]) -> Option<Span> {
    let (first, rest) = path.split_first()?;
    for (file, s) in parts {
        match s {
            Structure::Attribute(a) if rest.is_empty() && a.key.as_str() == *first => {
                return a.value.span().map(|r| Span::new(file, r));
            }
            Structure::Block(b) if b.ident.as_str() == *first => {
                if rest.is_empty() {
                    return b.ident.span().map(|r| Span::new(file, r));
                }
                if let Some(s) = find_span(parts_in(&b.body, file), rest) {
                    return Some(s);
                }
            }
            Structure::Block(b)
                if b.ident.as_str() == "dynamic" && b.labels.first().is_some_and(|l| l.as_str() == *first) =>
            {
                for content in b.body.get_blocks("content") {
                    if rest.is_empty() {
                        return b.ident.span().map(|r| Span::new(file, r));
                    }
                    if let Some(s) = find_span(parts_in(&content.body, file), rest) {
                        return Some(s);
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// What the cloud and the provider's configuration say, gathered before
/// the rules run at plan time; empty in validate.
#[derive(Debug, Clone)]
pub struct CloudFacts {
    /// Namespace (lowercase) to whether the subscription has registered it.
    pub registered: HashMap<String, bool>,
    /// The namespaces (lowercase) azurerm registers by itself when it is
    /// configured (its `resource_provider_registrations` and
    /// `resource_providers_to_register`); `None` when aksplan could not read
    /// those settings, and then cannot tell what azurerm registers.
    pub auto_registered: Option<BTreeSet<String>>,
    /// The Kubernetes versions the service offers, by location (as ARM
    /// normalises it: `westeurope`). A location not here is judged by
    /// aksplan's table.
    pub kubernetes_versions: HashMap<String, Vec<KubernetesMinor>>,
}

impl Default for CloudFacts {
    fn default() -> CloudFacts {
        CloudFacts {
            registered: HashMap::new(),
            auto_registered: Some(BTreeSet::new()),
            kubernetes_versions: HashMap::new(),
        }
    }
}

/// Everything the rules look at.
pub struct Context<'a> {
    pub config: &'a Config,
    pub subjects: Vec<Subject<'a>>,
    by_id: HashMap<String, usize>,
    /// What the cloud says, at plan time.
    pub facts: CloudFacts,
}

impl<'a> Context<'a> {
    pub fn new(config: &'a Config, subjects: Vec<Subject<'a>>) -> Context<'a> {
        let by_id = subjects
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((s.str(&["id"])?.to_lowercase(), i)))
            .collect();
        Context {
            config,
            subjects,
            by_id,
            facts: CloudFacts::default(),
        }
    }

    /// The Kubernetes versions AKS offers in a location: what the service
    /// said, or else aksplan's table. The flag says whether the service said it.
    pub fn kubernetes_versions(&self, location: Option<&str>) -> (&[KubernetesMinor], bool) {
        location
            .map(crate::provider::arm::normalize_location)
            .and_then(|l| self.facts.kubernetes_versions.get(&l))
            .map_or((crate::config::tables::kubernetes_versions(), false), |v| (v, true))
    }

    /// The managed instances of one type.
    /// The instances of a managed type the plan keeps: the rules guard
    /// what is created and changed, so what is destroyed is left out.
    pub fn of_type<'s>(&'s self, type_name: &'s str) -> impl Iterator<Item = &'s Subject<'a>> + 's {
        self.all_of_type(type_name).filter(|s| !s.destroying)
    }

    /// The instances of a managed type the plan destroys.
    pub fn destroyed<'s>(&'s self, type_name: &'s str) -> impl Iterator<Item = &'s Subject<'a>> + 's {
        self.all_of_type(type_name).filter(|s| s.destroying)
    }

    fn all_of_type<'s>(&'s self, type_name: &'s str) -> impl Iterator<Item = &'s Subject<'a>> + 's {
        self.subjects
            .iter()
            .filter(move |s| s.addr.resource.mode == Mode::Managed && s.type_name() == type_name)
    }

    /// The instance whose id is `id` (ids compare without case).
    pub fn by_id(&self, id: &str) -> Option<&Subject<'a>> {
        self.by_id.get(&id.to_lowercase()).map(|&i| &self.subjects[i])
    }

    /// The user-assigned identity a cluster runs as, when the configuration
    /// manages it.
    pub fn cluster_identity(&self, cluster: &Subject) -> Option<&Subject<'a>> {
        let ids = cluster.get(&["identity", "identity_ids"]).and_then(|v| v.as_seq())?;
        ids.iter().filter_map(|i| i.as_str()).find_map(|i| self.by_id(i))
    }
}

/// A finding with its stable code, at its place when it has one.
pub fn finding(
    code: &'static str,
    severity: crate::diag::Severity,
    summary: &str,
    detail: String,
    at: Option<Span>,
) -> Diagnostic {
    let d = match severity {
        crate::diag::Severity::Error => Diagnostic::error(summary),
        crate::diag::Severity::Warning => Diagnostic::warning(summary),
    };
    d.with_code(code).with_detail(detail).with_opt_span(at)
}

/// Runs every rule.
pub fn check(cx: &Context) -> Diagnostics {
    let mut out = Diagnostics::new();
    extensions::check(cx, &mut out);
    network::check(cx, &mut out);
    cluster::check(cx, &mut out);
    rbac::check(cx, &mut out);
    aml::check(cx, &mut out);
    arc::check(cx, &mut out);
    landing::check(cx, &mut out);
    out.sort();
    out
}

/// The walk's hook for validation: each instance planned (purely) against
/// no state, so that ids derived from names are known to the rules.
pub struct PlannedValues {
    pub subscription: String,
    pub values: Vec<(Instance, Value)>,
}

impl ResourceValues for PlannedValues {
    fn instance_value(
        &mut self,
        instance: &Instance,
        schema: &Schema,
        provider: &crate::provider::protocol::ProviderConfig,
        config_value: Value,
    ) -> Value {
        let subscription = provider.string("subscription_id").unwrap_or(&self.subscription);
        // Ids matter to the rules: the types with an ARM mapping get theirs.
        let value = if instance.resource.mode == Mode::Managed && schema.arm.is_some() {
            crate::provider::azurerm::plan_resource(schema, None, &config_value, subscription).value
        } else {
            crate::core::body::unknown_computed(&schema.block, config_value)
        };
        if reads(&instance.resource.type_name) {
            self.values.push((instance.clone(), value.clone()));
        }
        value
    }
}

/// Whether the rules can read an instance of this type: they ask for
/// azurerm types by name, and find the others they follow by ARM id (an
/// azapi_resource's private DNS zone). A terraform_data or a random_string
/// is never a subject, and copying 10,000 of them into the rules' context
/// was most of the time the rules took.
fn reads(type_name: &str) -> bool {
    type_name.starts_with("azurerm_") || type_name.starts_with("azapi_")
}

/// Runs the rules on what validation planned.
pub fn check_planned(config: &Config, values: &[(Instance, Value)]) -> Diagnostics {
    check(&Context::new(config, planned_subjects(config, values)))
}

/// Planned values with no prior state, as subjects.
fn planned_subjects<'a>(config: &'a Config, values: &'a [(Instance, Value)]) -> Vec<Subject<'a>> {
    values
        .iter()
        .filter_map(|(addr, value)| {
            Some(Subject {
                addr,
                resource: Some(config.resource_of(addr)?),
                value,
                prior: None,
                destroying: false,
            })
        })
        .collect()
}

/// Runs the rules on a plan: planned values, prior ones from its state, and
/// what the cloud says (`facts`).
pub fn check_plan(config: &Config, plan: &Plan, facts: CloudFacts) -> Diagnostics {
    let mut subjects: Vec<Subject> = plan
        .changes
        .iter()
        // A deposed object's destroy was decided with its replacement.
        .filter(|c| c.deposed.is_none() && reads(&c.addr.resource.type_name))
        .filter_map(|c| {
            let prior = plan.prior_state.resources.get(&c.addr).map(|r| &r.value);
            let value = c.after.as_ref().or(prior)?;
            Some(Subject {
                addr: &c.addr,
                resource: config.resource_of(&c.addr),
                value,
                prior,
                destroying: c.action == crate::plan::Action::Delete,
            })
        })
        .collect();
    // Data sources read while planning are in the prior state, not in the changes.
    let changed: HashSet<&Instance> = plan.changes.iter().map(|c| &c.addr).collect();
    for (addr, r) in &plan.prior_state.resources {
        if addr.resource.mode == Mode::Data && reads(&addr.resource.type_name) && !changed.contains(addr) {
            if let Some(resource) = config.resource_of(addr) {
                subjects.push(Subject {
                    addr,
                    resource: Some(resource),
                    value: &r.value,
                    prior: None,
                    destroying: false,
                });
            }
        }
    }
    let mut cx = Context::new(config, subjects);
    cx.facts = facts;
    check(&cx)
}

/// Namespaces whose registration the rules need to know at plan time.
pub const WATCHED_NAMESPACES: [&str; 2] = ["Microsoft.KubernetesConfiguration", "Microsoft.Kubernetes"];

#[cfg(test)]
pub(crate) mod test_support {
    use crate::diag::Diagnostics;

    /// Validates a configuration through the real pipeline; returns (code, text at span) of rule findings.
    pub fn findings(src: &str) -> Vec<(String, String)> {
        findings_with(src, super::CloudFacts::default())
    }

    /// As [`findings`], with what the cloud says.
    pub fn findings_with(src: &str, facts: super::CloudFacts) -> Vec<(String, String)> {
        let (config, out) = diagnostics_with(src, facts);
        out.iter()
            .map(|d| {
                (
                    d.code.unwrap_or("").to_string(),
                    config.sources.text(d.span.unwrap()).to_string(),
                )
            })
            .collect()
    }

    /// The rules' diagnostics on a configuration planned against no state,
    /// with what the cloud says.
    pub fn diagnostics_with(src: &str, facts: super::CloudFacts) -> (crate::config::Config, Diagnostics) {
        let (mut config, d) = crate::config::load::from_files(
            std::path::Path::new("."),
            vec![("main.tf".into(), Ok(src.as_bytes().to_vec()))],
            &crate::provider::catalog::testing::schemas(),
        );
        assert!(!d.has_errors(), "{d:?}");
        let (vars, _) = crate::config::vars::resolve(&mut config, &Default::default(), Default::default());
        let mut hook = super::PlannedValues {
            subscription: "sub".into(),
            values: Vec::new(),
        };
        let (_, d) = crate::core::evaluate(
            &config,
            &super::ordering::edges(&config),
            vars,
            &mut hook,
            crate::core::EvalMode::default(),
        );
        assert!(!d.has_errors(), "{:?}", d.iter().next());
        let out = {
            let mut cx = super::Context::new(&config, super::planned_subjects(&config, &hook.values));
            cx.facts = facts;
            super::check(&cx)
        };
        (config, out)
    }
}
