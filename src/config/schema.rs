//! Resource and data source schemas, one JSON file per type under `schemas/`.
//!
//! The format follows `terraform providers schema -json` (a `block` with
//! `attributes` and `block_types`, types in Terraform's JSON notation), plus
//! what the planner needs: `force_new`, `default` and `conflicts_with`.
//! The files are embedded at build time and parsed once, on first use.

use crate::addrs::Mode;
use crate::lang::types::Type;
use crate::lang::Value;
use indexmap::IndexMap;
use serde::Deserialize;

use std::sync::OnceLock;

#[derive(Debug, Clone)]
pub struct Schema {
    pub name: String,
    pub mode: Mode,
    pub description: String,
    /// How the type maps to Azure Resource Manager; `None` for types that
    /// have no ARM resource (`azurerm_client_config`).
    pub arm: Option<ArmType>,
    pub block: BlockSchema,
}

/// The ARM resource type behind an azurerm type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmType {
    /// `Microsoft.Network/virtualNetworks/subnets`.
    #[serde(rename = "type")]
    pub resource_type: String,
    pub api_version: String,
    /// The id, with `{attribute}` placeholders and `{subscription}`.
    pub id: String,
}

/// A path into an ARM JSON document: `properties.agentPoolProfiles[0].vmSize`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArmPath(pub Vec<ArmStep>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArmStep {
    Key(String),
    Index(usize),
}

impl ArmPath {
    pub fn parse(s: &str) -> Result<ArmPath, String> {
        let mut steps = Vec::new();
        for part in s.split('.') {
            let (key, rest) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if key.is_empty() {
                return Err(format!("empty key in ARM path {s:?}"));
            }
            steps.push(ArmStep::Key(key.to_string()));
            let mut rest = rest;
            while let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']').ok_or_else(|| format!("unclosed [ in ARM path {s:?}"))?;
                let n = r[..end].parse().map_err(|_| format!("bad index in ARM path {s:?}"))?;
                steps.push(ArmStep::Index(n));
                rest = &r[end + 1..];
            }
        }
        Ok(ArmPath(steps))
    }
}

/// How a planned value is compared with what Azure returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compare {
    #[default]
    Exact,
    /// Resource ids and names: ARM does not keep their case.
    CaseInsensitive,
    /// `West Europe` and `westeurope` are one region.
    Location,
}

/// How an attribute's value is shaped in ARM JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArmShape {
    #[default]
    Value,
    /// A set of strings kept as the keys of an object (`userAssignedIdentities`).
    Keys,
}

#[derive(Debug, Clone, Default)]
pub struct BlockSchema {
    pub attributes: IndexMap<String, AttrSchema>,
    pub block_types: IndexMap<String, NestedBlock>,
    /// The object type of a body of this block, computed once.
    ty: OnceLock<Type>,
}

impl BlockSchema {
    /// The object type a body of this block evaluates to: its attributes'
    /// types, and a list or set of objects for each nested block type.
    pub fn object_type(&self) -> &Type {
        self.ty.get_or_init(|| {
            let attrs = self.attributes.iter().map(|(k, a)| (k.clone(), a.ty.clone()));
            let blocks = self.block_types.iter().map(|(k, b)| (k.clone(), b.collection_type()));
            Type::object(attrs.chain(blocks))
        })
    }
}

impl NestedBlock {
    /// The type of the value of all the blocks of this type in a body.
    pub fn collection_type(&self) -> Type {
        let object = self.block.object_type().clone();
        match self.nesting {
            NestingMode::List => Type::list(object),
            NestingMode::Set => Type::set(object),
        }
    }
}

#[derive(Debug, Clone)]
pub struct AttrSchema {
    pub ty: Type,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub force_new: bool,
    pub sensitive: bool,
    pub default: Option<Value>,
    pub conflicts_with: Vec<String>,
    pub description: String,
    /// Set for a deprecated name; says what to use instead.
    pub deprecated: Option<String>,
    /// Where the attribute lives in the ARM body, if it is sent or read there.
    pub arm: Option<ArmPath>,
    pub arm_shape: ArmShape,
    pub compare: Compare,
    /// Sent to Azure but never returned by it (secrets): kept from state.
    pub write_only: bool,
}

impl AttrSchema {
    /// Computed and not settable: Azure sets it, the configuration cannot.
    pub fn is_read_only(&self) -> bool {
        self.computed && !self.optional && !self.required
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NestingMode {
    List,
    Set,
}

#[derive(Debug, Clone)]
pub struct NestedBlock {
    pub nesting: NestingMode,
    /// Optional and computed: left out, Azure decides its content.
    pub computed: bool,
    pub min_items: usize,
    pub max_items: Option<usize>,
    pub force_new: bool,
    pub description: String,
    /// Where the block lives in the ARM body: an object for a block of at
    /// most one, an array otherwise.
    pub arm: Option<ArmPath>,
    /// Fields ARM needs in the block's object that have no attribute (`mode: System`).
    pub arm_const: serde_json::Map<String, serde_json::Value>,
    pub block: BlockSchema,
}

// The file format, converted into the types above after parsing.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchema {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    arm: Option<ArmType>,
    block: RawBlock,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawBlock {
    #[serde(default)]
    attributes: IndexMap<String, RawAttr>,
    #[serde(default)]
    block_types: IndexMap<String, RawNested>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttr {
    #[serde(rename = "type")]
    ty: serde_json::Value,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    computed: bool,
    #[serde(default)]
    force_new: bool,
    #[serde(default)]
    sensitive: bool,
    #[serde(default)]
    default: Option<serde_json::Value>,
    #[serde(default)]
    conflicts_with: Vec<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    deprecated: Option<String>,
    #[serde(default)]
    arm: Option<String>,
    #[serde(default)]
    arm_shape: ArmShape,
    #[serde(default)]
    compare: Compare,
    #[serde(default)]
    write_only: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNested {
    nesting_mode: NestingMode,
    #[serde(default)]
    min_items: usize,
    #[serde(default)]
    max_items: Option<usize>,
    #[serde(default)]
    force_new: bool,
    #[serde(default)]
    computed: bool,
    #[serde(default)]
    description: String,
    #[serde(default)]
    arm: Option<String>,
    #[serde(default)]
    arm_const: serde_json::Map<String, serde_json::Value>,
    block: RawBlock,
}

/// Reads Terraform's JSON type notation (see [`Type::from_json`]).
pub fn type_from_json(j: &serde_json::Value) -> Result<Type, String> {
    Type::from_json(j)
}

fn convert_block(raw: RawBlock, at: &str) -> Result<BlockSchema, String> {
    let mut attributes = IndexMap::new();
    for (name, a) in raw.attributes {
        let ty = type_from_json(&a.ty).map_err(|e| format!("{at}.{name}: {e}"))?;
        let arm = a
            .arm
            .as_deref()
            .map(ArmPath::parse)
            .transpose()
            .map_err(|e| format!("{at}.{name}: {e}"))?;
        let default = a
            .default
            .as_ref()
            .map(|d| crate::lang::types::convert(Value::from_json(d), &ty))
            .transpose()
            .map_err(|e| format!("{at}.{name}: default: {e}"))?;
        if a.required == a.optional && !a.computed {
            return Err(format!(
                "{at}.{name}: exactly one of required and optional must be set (or computed)"
            ));
        }
        attributes.insert(
            name,
            AttrSchema {
                ty,
                required: a.required,
                optional: a.optional,
                computed: a.computed,
                force_new: a.force_new,
                sensitive: a.sensitive,
                default,
                conflicts_with: a.conflicts_with,
                description: a.description,
                deprecated: a.deprecated,
                arm,
                arm_shape: a.arm_shape,
                compare: a.compare,
                write_only: a.write_only,
            },
        );
    }
    let mut block_types = IndexMap::new();
    for (name, b) in raw.block_types {
        block_types.insert(
            name.clone(),
            NestedBlock {
                nesting: b.nesting_mode,
                computed: b.computed,
                min_items: b.min_items,
                max_items: b.max_items,
                force_new: b.force_new,
                description: b.description,
                arm: b
                    .arm
                    .as_deref()
                    .map(ArmPath::parse)
                    .transpose()
                    .map_err(|e| format!("{at}.{name}: {e}"))?,
                arm_const: b.arm_const,
                block: convert_block(b.block, &format!("{at}.{name}"))?,
            },
        );
    }
    Ok(BlockSchema {
        attributes,
        block_types,
        ty: Default::default(),
    })
}

/// The schema files compiled into the binary: (folder, type name, JSON text).
static FILES: &[(&str, &str, &str)] = include!(concat!(env!("OUT_DIR"), "/schema_files.rs"));

struct Registry {
    schemas: IndexMap<(Mode, String), Schema>,
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut schemas = IndexMap::new();
        for (folder, name, text) in FILES {
            let mode = match *folder {
                "resources" => Mode::Managed,
                "data" => Mode::Data,
                _ => continue,
            };
            // A malformed embedded schema is a build defect; the schema tests catch it.
            let schema = parse_schema(text, mode).unwrap_or_else(|e| panic!("bug: schema {folder}/{name}.json: {e}"));
            schemas.insert((mode, schema.name.clone()), schema);
        }
        Registry { schemas }
    })
}

fn parse_schema(text: &str, mode: Mode) -> Result<Schema, String> {
    let raw: RawSchema = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let block = convert_block(raw.block, &raw.name)?;
    Ok(Schema {
        name: raw.name,
        mode,
        description: raw.description,
        arm: raw.arm,
        block,
    })
}

/// The schema of a resource type or data source, if aksplan supports it.
pub fn lookup(mode: Mode, type_name: &str) -> Option<&'static Schema> {
    registry().schemas.get(&(mode, type_name.to_string()))
}

/// Every supported type of one mode, sorted.
pub fn names(mode: Mode) -> Vec<&'static str> {
    let mut v: Vec<&str> = registry()
        .schemas
        .values()
        .filter(|s| s.mode == mode)
        .map(|s| s.name.as_str())
        .collect();
    v.sort();
    v
}

/// A data table under `schemas/tables/` (VM sizes, role ids, Kubernetes versions).
pub fn table(name: &str) -> Option<&'static str> {
    FILES
        .iter()
        .find(|(folder, n, _)| *folder == "tables" && *n == name)
        .map(|(_, _, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_parses_and_is_named_after_its_file() {
        for (folder, name, text) in FILES {
            let mode = match *folder {
                "resources" => Mode::Managed,
                "data" => Mode::Data,
                _ => {
                    serde_json::from_str::<serde_json::Value>(text).unwrap_or_else(|e| panic!("{name}: {e}"));
                    continue;
                }
            };
            let s = parse_schema(text, mode).unwrap_or_else(|e| panic!("{folder}/{name}: {e}"));
            assert_eq!(&s.name, name);
        }
    }

    #[test]
    fn the_issue_types_are_present() {
        for t in [
            "azurerm_resource_group",
            "azurerm_virtual_network",
            "azurerm_subnet",
            "azurerm_user_assigned_identity",
            "azurerm_role_assignment",
            "azurerm_kubernetes_cluster",
            "azurerm_kubernetes_cluster_extension",
        ] {
            assert!(lookup(Mode::Managed, t).is_some(), "{t}");
        }
    }

    #[test]
    fn arm_paths() {
        use ArmStep::*;
        assert_eq!(
            ArmPath::parse("properties.agentPoolProfiles[0].vmSize").unwrap().0,
            vec![
                Key("properties".into()),
                Key("agentPoolProfiles".into()),
                Index(0),
                Key("vmSize".into())
            ]
        );
        assert!(ArmPath::parse("a..b").is_err());
        assert!(ArmPath::parse("a[x]").is_err());
    }

    #[test]
    fn type_notation() {
        assert_eq!(
            type_from_json(&serde_json::json!(["map", ["list", "string"]])).unwrap(),
            Type::map(Type::list(Type::String))
        );
        assert!(type_from_json(&serde_json::json!("str")).is_err());
    }

    #[test]
    fn schema_files_are_checked() {
        let bad = r#"{"name": "x", "block": {"attributes": {"a": {"type": "string"}}}}"#;
        assert!(parse_schema(bad, Mode::Managed)
            .unwrap_err()
            .contains("exactly one of required and optional"));
        let unknown_field = r#"{"name": "x", "block": {"attributes": {"a": {"type": "string", "optinal": true}}}}"#;
        assert!(parse_schema(unknown_field, Mode::Managed).is_err());
    }
}
