//! The shape of a block: attributes, nested block types, and what aksplan
//! knows of each beyond Terraform's facts (ARM paths, replacement, defaults).

use crate::lang::types::Type;
use crate::lang::Value;
use indexmap::IndexMap;
use serde::Deserialize;
use std::sync::OnceLock;

/// The ARM resource type behind a resource type.
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

/// The values an attribute may take, as the provider validates them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allowed {
    /// One of these strings (for a list or set, each element).
    Values { values: Vec<String>, ignore_case: bool },
    /// A VM size Azure offers (the VM size table).
    VmSize,
}

/// How an attribute's value is shaped in ARM JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArmShape {
    #[default]
    Value,
    /// A set of strings kept as the keys of an object (`userAssignedIdentities`).
    Keys,
    /// A bool sent as `"Enabled"` or `"Disabled"` (`public_network_access_enabled`
    /// as `publicNetworkAccess`).
    EnabledDisabled,
    /// A bool sent inverted (`public_ip_enabled` as `serverlessComputeNoPublicIP`).
    Not,
}

#[derive(Debug, Clone, Default)]
pub struct BlockSchema {
    pub attributes: IndexMap<String, AttrSchema>,
    pub block_types: IndexMap<String, NestedBlock>,
    /// The object type of a body of this block, computed once.
    pub(super) ty: OnceLock<Type>,
}

impl BlockSchema {
    pub fn new(attributes: IndexMap<String, AttrSchema>, block_types: IndexMap<String, NestedBlock>) -> BlockSchema {
        BlockSchema {
            attributes,
            block_types,
            ty: OnceLock::new(),
        }
    }

    /// An attribute of a list or set of objects that a body may write as
    /// blocks (`subnet { ... }` in a virtual network, `security_rule` in a
    /// network security group), as Terraform allows for providers'
    /// attributes in block mode: its name, and its fields as optional
    /// attributes.
    pub fn attribute_as_blocks(&self, name: &str) -> Option<(&str, BlockSchema)> {
        let (key, attr) = self.attributes.get_key_value(name)?;
        let (Type::List(element) | Type::Set(element)) = &attr.ty else {
            return None;
        };
        let Type::Object(fields) = &**element else {
            return None;
        };
        let attributes = fields
            .iter()
            .map(|(k, field)| (k.clone(), AttrSchema::optional(field.ty.clone())))
            .collect();
        Some((key.as_str(), BlockSchema::new(attributes, IndexMap::new())))
    }

    /// The object type a body of this block evaluates to: its attributes'
    /// types, and for each nested block type the value its blocks make.
    pub fn object_type(&self) -> &Type {
        self.ty.get_or_init(|| {
            let attrs = self.attributes.iter().map(|(k, a)| (k.clone(), a.ty.clone()));
            let blocks = self.block_types.iter().map(|(k, b)| (k.clone(), b.collection_type()));
            Type::object(attrs.chain(blocks))
        })
    }
}

/// How the blocks of one type make a value (Terraform's nesting modes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NestingMode {
    /// A list of objects, in the order written.
    List,
    /// A set of objects.
    Set,
    /// At most one block: an object, or null when absent (`timeouts`).
    Single,
    /// Exactly one block, which may be left out: an object, never null.
    Group,
    /// Labelled blocks: a map of objects by label.
    Map,
}

impl NestingMode {
    /// Whether the value of the blocks is a list or a set of objects.
    pub fn is_sequence(self) -> bool {
        matches!(self, NestingMode::List | NestingMode::Set)
    }
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
    /// Why the block is deliberately not sent to the cloud, if it is not.
    pub unmapped: Option<String>,
    /// Sent and read by the type's code (another ARM resource, say), not
    /// by an ARM path.
    pub by_code: bool,
    pub block: BlockSchema,
}

impl NestedBlock {
    /// The type of the value of all the blocks of this type in a body.
    pub fn collection_type(&self) -> Type {
        let object = self.block.object_type().clone();
        match self.nesting {
            NestingMode::List => Type::list(object),
            NestingMode::Set => Type::set(object),
            NestingMode::Single | NestingMode::Group => object,
            NestingMode::Map => Type::map(object),
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
    /// Terraform's write-only attributes: never stored.
    pub ephemeral: bool,
    pub default: Option<Value>,
    pub conflicts_with: Vec<String>,
    pub description: String,
    /// Set for a deprecated name; says what to use instead.
    pub deprecated: Option<String>,
    /// Where the attribute lives in the ARM body, if it is sent or read there.
    pub arm: Option<ArmPath>,
    pub arm_shape: ArmShape,
    /// What it reads as when ARM's answer leaves its property out; `None`: null.
    pub arm_absent: Option<Value>,
    pub compare: Compare,
    /// Sent to Azure but never returned by it (secrets): kept from state.
    pub write_only: bool,
    /// Handled by the type's own code rather than an ARM path (a value
    /// derived from others, or one read from another call).
    pub by_code: bool,
    /// The values it may take; `None`: any of its type.
    pub allowed: Option<Allowed>,
    /// Why the attribute is deliberately not sent to the cloud, if it is not.
    pub unmapped: Option<String>,
}

impl AttrSchema {
    /// An optional attribute of a type, with nothing else said of it.
    pub fn optional(ty: Type) -> AttrSchema {
        AttrSchema {
            ty,
            required: false,
            optional: true,
            computed: false,
            force_new: false,
            sensitive: false,
            ephemeral: false,
            default: None,
            conflicts_with: Vec::new(),
            description: String::new(),
            deprecated: None,
            arm: None,
            arm_shape: ArmShape::Value,
            arm_absent: None,
            compare: Compare::Exact,
            write_only: false,
            by_code: false,
            allowed: None,
            unmapped: None,
        }
    }

    /// Computed and not settable: Azure sets it, the configuration cannot.
    pub fn is_read_only(&self) -> bool {
        self.computed && !self.optional && !self.required
    }

    /// Whether a configuration may set it.
    pub fn is_settable(&self) -> bool {
        self.required || self.optional
    }
}
