//! The types a plan cannot carry: those aksplan only validates (it knows
//! their schema, not how they map to Azure), and those it maps by
//! convention only, which it does not write to Azure without
//! `--allow-unverified-types`. Each kind is said in one diagnostic naming
//! every type and instance, at the first such block.

use crate::addrs::Instance;
use crate::diag::{Diagnostic, Span};
use crate::provider::protocol::Provider;
use crate::schema::Schema;
use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct Unplannable {
    validate_only: Listed,
    unverified: Listed,
}

/// Instances by type name, with where each block is.
#[derive(Debug, Default)]
struct Listed(BTreeMap<String, Vec<(String, Option<Span>)>>);

impl Unplannable {
    /// Whether an instance can be planned; if not, it is noted.
    pub fn admits(&mut self, provider: &dyn Provider, schema: &Schema, inst: &Instance, at: Option<Span>) -> bool {
        let listed = if !provider.can_apply(schema) {
            &mut self.validate_only
        } else if provider.unverified(schema) {
            &mut self.unverified
        } else {
            return true;
        };
        listed.note(inst, at);
        false
    }

    /// One error per kind found.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let unverified = self.unverified.diagnostic(
            Diagnostic::error("Resource types mapped by convention only").with_help(
                "pass --allow-unverified-types to write them as the convention maps them, or plan them on the simulation",
            ),
            "aksplan maps these types to Azure by its convention (camelCase properties at the api-version \
             azurerm uses), which has not been checked against their API, so it does not write them to Azure",
        );
        self.validate_only().into_iter().chain(unverified).collect()
    }

    /// The instances of types aksplan only validates, noted by validation.
    pub fn note_validate_only(&mut self, inst: &Instance, at: Option<Span>) {
        self.validate_only.note(inst, at);
    }

    /// The error for the types aksplan only validates, if there are any.
    pub fn validate_only(&self) -> Option<Diagnostic> {
        self.validate_only.diagnostic(
            Diagnostic::error("Resource types aksplan can validate but not yet plan").with_help(
                "`aksplan validate` checks them; plan and apply them with terraform until aksplan maps them",
            ),
            "aksplan knows these types' arguments from the provider's schema, but not yet how they map to \
             Azure, so it cannot plan or apply them",
        )
    }
}

impl Listed {
    fn note(&mut self, inst: &Instance, at: Option<Span>) {
        self.0
            .entry(inst.resource.type_name.clone())
            .or_default()
            .push((inst.to_string(), at));
    }

    /// `base`, with the detail naming every type and instance, at the first
    /// block of the first type (labels on the others would show the whole
    /// file between).
    fn diagnostic(&self, base: Diagnostic, why: &str) -> Option<Diagnostic> {
        if self.0.is_empty() {
            return None;
        }
        let listed: Vec<String> = self
            .0
            .iter()
            .map(|(t, insts)| {
                let names: Vec<&str> = insts.iter().map(|(a, _)| a.as_str()).collect();
                format!("{t} ({})", names.join(", "))
            })
            .collect();
        let mut d = base.with_detail(format!("{why}: {}", listed.join("; ")));
        if let Some(at) = self.0.values().find_map(|insts| insts.first()?.1) {
            d = d.with_span(at);
        }
        Some(d)
    }
}
