//! Static checks that need the whole module tree: each module call against
//! the variables of the module it calls, the providers it passes, and the
//! Terraform version each module requires.

use super::{Config, Module, ModuleCall};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::eval::suggest;

/// Checks every module call and every `required_version`.
pub fn check(config: &Config, diags: &mut Diagnostics) {
    for m in config.modules.values() {
        check_required_version(m, diags);
        for call in m.calls.values() {
            if let Some(child) = config.module(&m.path.child(&call.name)) {
                check_call(m, call, child, diags);
            }
        }
    }
}

/// Arguments the called module declares no variable for, and variables
/// without a default that the call does not set.
fn check_call(caller: &Module, call: &ModuleCall, child: &Module, diags: &mut Diagnostics) {
    for (name, arg) in &call.args {
        if !child.variables.contains_key(name) {
            let mut d = Diagnostic::error("Unsupported argument")
                .with_detail(format!(
                    "an argument named {name:?} is not expected here: {} declares no variable {name:?}",
                    child.path
                ))
                .with_span(arg.span());
            if let Some(s) = suggest(name, child.variables.keys().map(String::as_str)) {
                d = d.with_help(format!("did you mean {s}?"));
            }
            diags.push(d);
        }
    }
    for (name, var) in &child.variables {
        if var.default.is_none() && !call.args.contains_key(name) {
            diags.push(
                Diagnostic::error("Missing required argument")
                    .with_detail(format!(
                        "the argument {name:?} is required by {}, but no definition was found",
                        child.path
                    ))
                    .with_span(call.span)
                    .with_label(var.span, "declared here without a default"),
            );
        }
    }
    check_providers(caller, call, child, diags);
}

/// `providers = { ... }`: each entry names a provider configuration the
/// caller has, and gives it to one the child can take; every alias the
/// child declares in `configuration_aliases` must be given.
fn check_providers(caller: &Module, call: &ModuleCall, child: &Module, diags: &mut Diagnostics) {
    let caller_has = |name: &str| {
        let (provider, alias) = name.split_once('.').unwrap_or((name, ""));
        if alias.is_empty() {
            return true; // A default configuration always exists, even empty.
        }
        caller
            .providers
            .iter()
            .any(|p| p.name == provider && p.alias.as_deref() == Some(alias))
            || caller
                .terraform
                .required_providers
                .get(provider)
                .is_some_and(|r| r.configuration_aliases.iter().any(|a| a == alias))
    };
    for pass in &call.providers {
        if !caller_has(&pass.parent) {
            diags.push(
                Diagnostic::error("Reference to undefined provider")
                    .with_detail(format!(
                        "there is no provider configuration {} in {}",
                        pass.parent,
                        if caller.path.is_root() {
                            "the root module".to_string()
                        } else {
                            caller.path.to_string()
                        }
                    ))
                    .with_span(pass.span)
                    .with_help(format!(
                        "declare it: provider {:?} {{ alias = {:?} }}",
                        pass.parent.split('.').next().unwrap_or(""),
                        pass.parent.split('.').nth(1).unwrap_or("")
                    )),
            );
        }
    }
    for (provider, req) in &child.terraform.required_providers {
        for alias in &req.configuration_aliases {
            let wanted = format!("{provider}.{alias}");
            if !call.providers.iter().any(|p| p.child == wanted) {
                diags.push(
                    Diagnostic::error("Missing required provider configuration")
                        .with_detail(format!(
                            "{} requires the provider configuration {wanted} (configuration_aliases), but the call does not pass it",
                            child.path
                        ))
                        .with_span(call.span)
                        .with_help(format!("pass it: providers = {{ {wanted} = {provider}.SOME_ALIAS }}")),
                );
            }
        }
    }
}

/// `terraform { required_version = "..." }` against the Terraform version
/// whose language aksplan implements.
fn check_required_version(m: &Module, diags: &mut Diagnostics) {
    let Some((text, span)) = &m.terraform.required_version else {
        return;
    };
    let implemented = super::constraint::Version::parse(crate::lang::TERRAFORM_VERSION).ok();
    match (super::constraint::Constraints::parse(text), implemented) {
        (Ok(c), Some(v)) if !c.check(&v) => diags.push(
            Diagnostic::error("Unsupported Terraform Core version")
                .with_detail(format!(
                    "this module requires Terraform {text}, and aksplan implements the language of Terraform {}",
                    crate::lang::TERRAFORM_VERSION
                ))
                .with_span(*span),
        ),
        (Err(e), _) => diags.push(
            Diagnostic::error("Invalid required_version constraint")
                .with_detail(e.to_string())
                .with_span(*span),
        ),
        _ => {}
    }
}
