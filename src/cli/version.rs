//! `aksplan version` (also `-version`, `-v`, `--version` anywhere): what
//! `terraform version` prints, for aksplan. Text: `aksplan vX.Y.Z`, `on
//! OS_ARCH`, the providers the dependency lock file selects, and the
//! Terraform language version aksplan implements. JSON: the shape of
//! `terraform version -json`, where `terraform_version` is that language
//! version (what a tool comparing it with `required_version` needs), plus
//! `aksplan_version`. It never goes online: `terraform_outdated` is false.

use super::args::VersionArgs;
use super::{exit, Context};
use std::collections::BTreeMap;
use std::path::Path;

/// The Terraform release whose language and behaviour aksplan implements
/// (the `terraform_version` of its JSON plans, too).
pub use crate::lang::TERRAFORM_VERSION;

/// Go's `GOOS_GOARCH` for this build, as Terraform names platforms.
pub fn platform() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64",
        other => other,
    };
    format!("{os}_{arch}")
}

pub fn run(ctx: &Context, args: &VersionArgs) -> i32 {
    let providers = provider_selections(&ctx.dir);
    if args.json {
        let doc = serde_json::json!({
            "terraform_version": TERRAFORM_VERSION,
            "platform": platform(),
            "provider_selections": providers,
            "terraform_outdated": false,
            "aksplan_version": env!("CARGO_PKG_VERSION"),
        });
        outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        out!("{}", text(&providers));
    }
    exit::OK
}

fn text(providers: &BTreeMap<String, String>) -> String {
    let mut out = format!("aksplan v{}\non {}\n", env!("CARGO_PKG_VERSION"), platform());
    for (addr, version) in providers {
        if version == "0.0.0" {
            out.push_str(&format!("+ provider {addr} (unversioned)\n"));
        } else {
            out.push_str(&format!("+ provider {addr} v{version}\n"));
        }
    }
    out.push_str(&format!("implements the language of Terraform v{TERRAFORM_VERSION}\n"));
    out
}

/// The providers `.terraform.lock.hcl` selects, by address, as
/// `terraform version` lists them; none when there is no readable lock file.
fn provider_selections(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(dir.join(".terraform.lock.hcl"))
        .ok()
        .map(|text| locked_providers(&text))
        .unwrap_or_default()
}

/// `provider "ADDR" { version = "X" }` blocks of a dependency lock file.
fn locked_providers(text: &str) -> BTreeMap<String, String> {
    use hcl_edit::expr::Expression;
    use hcl_edit::structure::Structure;
    let Ok(body) = hcl_edit::parser::parse_body(text) else {
        return BTreeMap::new();
    };
    body.iter()
        .filter_map(|s| match s {
            Structure::Block(b) if b.ident.as_str() == "provider" && b.labels.len() == 1 => {
                let version = b.body.iter().find_map(|s| match s {
                    Structure::Attribute(a) if a.key.as_str() == "version" => match &a.value {
                        Expression::String(v) => Some(v.value().to_string()),
                        _ => None,
                    },
                    _ => None,
                })?;
                Some((b.labels[0].as_str().to_string(), version))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_platform_is_named_as_go_names_it() {
        let p = platform();
        assert!(!p.contains("x86_64") && !p.contains("macos") && p.contains('_'), "{p}");
        #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
        assert_eq!(p, "linux_amd64");
    }

    #[test]
    fn providers_come_from_the_lock_file() {
        let lock = r#"
# This file is maintained automatically by "terraform init".
provider "registry.terraform.io/hashicorp/azurerm" {
  version     = "4.14.0"
  constraints = "~> 4.0"
  hashes = [
    "h1:abc=",
  ]
}

provider "registry.terraform.io/azure/azapi" {
  version = "2.1.0"
}
"#;
        let p = locked_providers(lock);
        assert_eq!(p.len(), 2);
        assert_eq!(p["registry.terraform.io/hashicorp/azurerm"], "4.14.0");
        let t = text(&p);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[2], "+ provider registry.terraform.io/azure/azapi v2.1.0");
        assert_eq!(lines[3], "+ provider registry.terraform.io/hashicorp/azurerm v4.14.0");
        assert_eq!(lines[4], "implements the language of Terraform v1.11.0");
    }

    #[test]
    fn a_broken_lock_file_selects_nothing() {
        assert!(locked_providers("provider {").is_empty());
    }
}
