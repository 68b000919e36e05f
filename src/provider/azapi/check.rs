//! Checks an azapi body against what aksplan knows of its ARM type.
//!
//! The azurerm overlays map, for the types aksplan curates, attributes to
//! ARM paths (`properties.kubernetesVersion`). Where an azapi resource's
//! type is one of those ARM types, each property its body sets is looked up
//! among those paths: a near miss (`kubernetesVersoin`) gets a warning
//! naming the nearest known property; the others aksplan does not know are
//! named in one warning. The singular or plural of a known name
//! (`addressPrefix` beside `addressPrefixes`) counts as known: ARM has
//! both forms of many. Only warnings: Azure knows many more properties
//! than the overlays map.
//!
//! The known paths are read once from the embedded azurerm schemas.

use crate::addrs::Mode;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Value;
use crate::schema::{ArmPath, ArmStep, BlockSchema};
use std::collections::{BTreeMap, HashMap};

/// Top-level fields every ARM resource body may have.
const ENVELOPE: &[&str] = &[
    "properties",
    "location",
    "tags",
    "identity",
    "sku",
    "kind",
    "zones",
    "plan",
    "extendedLocation",
    "managedBy",
    "etag",
    "name",
    "type",
    "id",
];

/// The property paths known for an ARM type, as a tree: array items share
/// their array's node.
#[derive(Debug, Default)]
struct Node {
    children: BTreeMap<String, Node>,
    /// An attribute's value lives here: anything beneath it is its own (a map of tags).
    leaf: bool,
}

impl Node {
    fn insert(&mut self, steps: &[ArmStep]) {
        let mut node = self;
        for step in steps {
            if let ArmStep::Key(k) = step {
                node = node.children.entry(k.clone()).or_default();
            }
        }
        node.leaf = true;
    }

    fn child(&self, key: &str) -> Option<&Node> {
        self.children.get(key).or_else(|| {
            self.children
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, n)| n)
        })
    }
}

/// Known properties by ARM type (lower case), and the azurerm types they come from.
#[derive(Debug, Default)]
pub struct KnownProperties {
    types: HashMap<String, (Node, Vec<String>)>,
}

impl KnownProperties {
    /// The ARM paths of the azurerm types aksplan curates (those with an overlay).
    pub fn load() -> KnownProperties {
        let schemas = crate::provider::embedded::schemas("azurerm", "registry.terraform.io/hashicorp/azurerm");
        let curated = crate::provider::embedded::PROVIDERS
            .iter()
            .filter(|(name, _, _)| *name == "azurerm")
            .flat_map(|(_, _, overlays)| overlays.iter().map(|(mode, name, _)| (*mode, *name)));
        let mut known = KnownProperties::default();
        for (mode, name) in curated {
            let Some(schema) = schemas.get(mode, name).filter(|s| s.curated()) else {
                continue;
            };
            let Some(arm) = &schema.arm else { continue };
            let mut node = Node::default();
            collect(&schema.block, &[], &mut node);
            if node.children.is_empty() {
                continue;
            }
            let entry = known
                .types
                .entry(arm.resource_type.to_ascii_lowercase())
                .or_insert_with(|| (Node::default(), Vec::new()));
            merge(&mut entry.0, node);
            if mode == Mode::Managed && !entry.1.iter().any(|n| n == name) {
                entry.1.push(name.to_string());
            }
        }
        known
    }

    /// Whether aksplan knows properties of an ARM type.
    #[cfg(test)]
    pub fn knows(&self, resource_type: &str) -> bool {
        self.types.contains_key(&resource_type.to_ascii_lowercase())
    }

    /// Warnings for the properties of `body` that the known paths of
    /// `resource_type` lack; none for a type aksplan does not know.
    pub fn check(&self, resource_type: &str, body: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let Some((root, sources)) = self.types.get(&resource_type.to_ascii_lowercase()) else {
            return diags;
        };
        let mut unknown = Vec::new();
        walk(root, body, "", true, &mut unknown);
        let mut others = Vec::new();
        for (path, nearest) in unknown {
            match nearest {
                Some(n) => diags.push(
                    Diagnostic::warning(format!("Unknown property {path} in the body of {resource_type}")).with_detail(
                        format!("aksplan's schema of {resource_type} has no property {path}: did you mean {n}?"),
                    ),
                ),
                None => others.push(path),
            }
        }
        if !others.is_empty() {
            diags.push(
                Diagnostic::warning(format!("Properties not known to aksplan in the body of {resource_type}"))
                    .with_detail(format!(
                        "aksplan knows only the properties of {resource_type} that {} maps, so it cannot check {}. Azure may well accept them: check their spelling against the API reference.",
                        sources.join(" and "),
                        others.join(", ")
                    )),
            );
        }
        diags
    }
}

/// Adds the ARM paths of a block's attributes and nested blocks under `prefix`.
fn collect(block: &BlockSchema, prefix: &[ArmStep], into: &mut Node) {
    for attr in block.attributes.values() {
        if let Some(ArmPath(steps)) = &attr.arm {
            into.insert(&[prefix, steps].concat());
        }
    }
    for nested in block.block_types.values() {
        let steps = nested.arm.as_ref().map(|p| p.0.clone()).unwrap_or_default();
        let here = [prefix, &steps].concat();
        // Fields the block always sends (`mode: System`) are known too.
        for key in nested.arm_const.keys() {
            into.insert(&[&here[..], &[ArmStep::Key(key.clone())]].concat());
        }
        collect(&nested.block, &here, into);
    }
}

fn merge(into: &mut Node, from: Node) {
    into.leaf |= from.leaf;
    for (k, child) in from.children {
        merge(into.children.entry(k).or_default(), child);
    }
}

/// Collects `(path, nearest known path)` for each property of `value` under
/// `node` that the node does not know.
fn walk(node: &Node, value: &Value, path: &str, top: bool, unknown: &mut Vec<(String, Option<String>)>) {
    if let Some(items) = value.as_seq() {
        for item in items {
            walk(node, item, path, top, unknown);
        }
        return;
    }
    let Some(m) = value.as_map() else { return };
    for (k, v) in m {
        let here = if path.is_empty() {
            k.clone()
        } else {
            format!("{path}.{k}")
        };
        match node.child(k) {
            Some(child) if child.leaf => {}
            Some(child) => walk(child, v, &here, false, unknown),
            None if top && ENVELOPE.iter().any(|e| e.eq_ignore_ascii_case(k)) => {}
            // ARM has both forms of many names (`addressPrefix` and
            // `addressPrefixes`): the other form of a known one is real.
            None if node.children.keys().any(|c| plural_of(k, c) || plural_of(c, k)) => {}
            None => {
                let nearest = crate::lang::eval::suggest(k, node.children.keys().map(String::as_str)).map(|n| {
                    if path.is_empty() {
                        n.to_string()
                    } else {
                        format!("{path}.{n}")
                    }
                });
                unknown.push((here, nearest));
            }
        }
    }
}

/// Whether `a` is the plural of `b`, in any case.
fn plural_of(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    a == format!("{b}s") || a == format!("{b}es")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::eval::eval_standalone;

    fn known() -> &'static KnownProperties {
        static K: std::sync::OnceLock<KnownProperties> = std::sync::OnceLock::new();
        K.get_or_init(KnownProperties::load)
    }

    const AKS: &str = "Microsoft.ContainerService/managedClusters";

    #[test]
    fn the_curated_arm_types_are_known() {
        for t in [
            AKS,
            "Microsoft.Network/virtualNetworks",
            "Microsoft.Network/virtualNetworks/subnets",
            "microsoft.resources/resourcegroups",
        ] {
            assert!(known().knows(t), "{t}");
        }
        assert!(!known().knows("Microsoft.Web/sites"));
    }

    #[test]
    fn a_misspelt_property_gets_the_nearest_known_one() {
        let body = eval_standalone(
            r#"{ properties = { kubernetesVersoin = "1.31", dnsPrefix = "k", safeguardsProfile = { level = "Warning" },
                agentPoolProfiles = [{ name = "sys", vmSize = "Standard_D2s_v5", mode = "System" }] } }"#,
        )
        .unwrap();
        let diags: Vec<_> = known().check(AKS, &body).into_iter().collect();
        let typo = diags
            .iter()
            .find(|d| d.summary.contains("properties.kubernetesVersoin"))
            .expect("a warning for the typo");
        assert!(!typo.is_error());
        assert!(
            typo.detail.contains("did you mean properties.kubernetesVersion?"),
            "{}",
            typo.detail
        );
        // `mode` is what the default node pool block always sends: known.
        // `safeguardsProfile` is real ARM that no overlay maps: named, not taken for a typo.
        let other = diags
            .iter()
            .find(|d| d.summary.starts_with("Properties not known"))
            .unwrap();
        assert!(
            other.detail.contains("properties.safeguardsProfile"),
            "{}",
            other.detail
        );
        assert!(!other.detail.contains("mode"), "{}", other.detail);
        assert!(other.detail.contains("azurerm_kubernetes_cluster"), "{}", other.detail);
        assert_eq!(diags.len(), 2, "{diags:?}");
    }

    #[test]
    fn known_properties_and_unknown_types_are_quiet() {
        let body = eval_standalone(
            r#"{ properties = { addressSpace = { addressPrefixes = ["10.0.0.0/16"] } }, tags = { a = "b" } }"#,
        )
        .unwrap();
        assert!(known().check("Microsoft.Network/virtualNetworks", &body).is_empty());
        let anything = eval_standalone(r#"{ properties = { whatever = 1 } }"#).unwrap();
        assert!(known().check("Microsoft.Web/sites", &anything).is_empty());
    }

    #[test]
    fn the_singular_of_a_known_plural_is_known() {
        let body = eval_standalone(r#"{ properties = { addressPrefix = "10.0.1.0/24" } }"#).unwrap();
        assert!(known()
            .check("Microsoft.Network/virtualNetworks/subnets", &body)
            .is_empty());
        // A near miss of neither form is still a typo.
        let body = eval_standalone(r#"{ properties = { adressPrefixes = ["10.0.1.0/24"] } }"#).unwrap();
        let diags: Vec<_> = known()
            .check("Microsoft.Network/virtualNetworks/subnets", &body)
            .into_iter()
            .collect();
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0].detail.contains("did you mean properties.addressPrefixes?"),
            "{:?}",
            diags[0]
        );
    }
}
