//! Addresses: the names of everything a configuration declares.
//!
//! A leaf module: it imports nothing of the project. Addresses are immutable,
//! totally ordered (so plans and graphs print in a stable order) and display the
//! way Terraform writes them: `azurerm_subnet.api`, `data.azurerm_client_config.current`,
//! `azurerm_subnet.nodes["a"]`, `module.net["hub"].azurerm_subnet.this[0]`,
//! `var.location`, `module.aks.local.tags`, `output.fqdn`.
//!
//! Two kinds of module address: a [`ModulePath`] names a module of the
//! configuration (`module.net.module.subnets`), a [`ModuleInstance`] one of
//! its instances once `count` and `for_each` are expanded
//! (`module.net["hub"].module.subnets[0]`). The root module is the empty one.

use std::fmt;
use std::str::FromStr;

/// Whether a resource block is managed (`resource`) or read (`data`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Managed,
    Data,
}

/// A resource or data block of a module, before count/for_each expansion.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Resource {
    pub mode: Mode,
    pub type_name: String,
    pub name: String,
}

impl Resource {
    pub fn managed(type_name: impl Into<String>, name: impl Into<String>) -> Resource {
        Resource {
            mode: Mode::Managed,
            type_name: type_name.into(),
            name: name.into(),
        }
    }

    pub fn data(type_name: impl Into<String>, name: impl Into<String>) -> Resource {
        Resource {
            mode: Mode::Data,
            type_name: type_name.into(),
            name: name.into(),
        }
    }

    /// An instance of this resource in the root module.
    pub fn instance(&self, key: InstanceKey) -> Instance {
        Instance {
            module: ModuleInstance::root(),
            resource: self.clone(),
            key,
        }
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mode == Mode::Data {
            f.write_str("data.")?;
        }
        write!(f, "{}.{}", self.type_name, self.name)
    }
}

/// Which instance of an expanded resource or module: none (no
/// count/for_each), an index, or a key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstanceKey {
    None,
    Int(u64),
    Str(String),
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::None => Ok(()),
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::Str(s) => {
                f.write_str("[")?;
                write_quoted(f, s)?;
                f.write_str("]")
            }
        }
    }
}

/// Writes a string the way HCL quotes it.
fn write_quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            '\r' => f.write_str("\\r")?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

/// A module of the configuration: the names of the module calls leading to
/// it from the root. Displays as `module.net.module.subnets`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ModulePath(pub Vec<String>);

impl ModulePath {
    pub fn root() -> ModulePath {
        ModulePath(Vec::new())
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    pub fn child(&self, name: &str) -> ModulePath {
        let mut v = self.0.clone();
        v.push(name.to_string());
        ModulePath(v)
    }

    /// The module that calls this one, and the call's name; `None` for the root.
    pub fn parent(&self) -> Option<(ModulePath, &str)> {
        let (last, rest) = self.0.split_last()?;
        Some((ModulePath(rest.to_vec()), last))
    }

    /// Whether `self` is `other` or a module below it.
    pub fn starts_with(&self, other: &ModulePath) -> bool {
        self.0.starts_with(&other.0)
    }

    /// Terraform's key for the module in `modules.json`: `net.subnets`.
    pub fn manifest_key(&self) -> String {
        self.0.join(".")
    }
}

impl fmt::Display for ModulePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{name}")?;
        }
        Ok(())
    }
}

/// One step of a module instance: a module call and the instance's key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleStep {
    pub name: String,
    pub key: InstanceKey,
}

/// An instance of a module: `module.net["hub"].module.subnets[0]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ModuleInstance(pub Vec<ModuleStep>);

impl ModuleInstance {
    pub fn root() -> ModuleInstance {
        ModuleInstance(Vec::new())
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    pub fn child(&self, name: &str, key: InstanceKey) -> ModuleInstance {
        let mut v = self.0.clone();
        v.push(ModuleStep {
            name: name.to_string(),
            key,
        });
        ModuleInstance(v)
    }

    /// The module this is an instance of.
    pub fn path(&self) -> ModulePath {
        ModulePath(self.0.iter().map(|s| s.name.clone()).collect())
    }

    /// The instance that called this one; `None` for the root.
    pub fn parent(&self) -> Option<ModuleInstance> {
        let (_, rest) = self.0.split_last()?;
        Some(ModuleInstance(rest.to_vec()))
    }

    /// The last step: the call and key that made this instance.
    pub fn last(&self) -> Option<&ModuleStep> {
        self.0.last()
    }

    /// Whether `self` is `other` or an instance below it.
    pub fn starts_with(&self, other: &ModuleInstance) -> bool {
        self.0.starts_with(&other.0)
    }
}

impl fmt::Display for ModuleInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{}{}", step.name, step.key)?;
        }
        Ok(())
    }
}

/// A resource block of a given module: `module.net.azurerm_subnet.this`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConfigResource {
    pub module: ModulePath,
    pub resource: Resource,
}

impl fmt::Display for ConfigResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            write!(f, "{}.", self.module)?;
        }
        write!(f, "{}", self.resource)
    }
}

/// One instance of a resource, in one instance of its module:
/// `module.net["hub"].azurerm_subnet.nodes["a"]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Instance {
    pub module: ModuleInstance,
    pub resource: Resource,
    pub key: InstanceKey,
}

impl Instance {
    /// The resource block this is an instance of.
    pub fn config_resource(&self) -> ConfigResource {
        ConfigResource {
            module: self.module.path(),
            resource: self.resource.clone(),
        }
    }

    /// The address of all the instances of its resource in its module
    /// instance: `module.net["hub"].azurerm_subnet.nodes`.
    pub fn resource_in_module(&self) -> String {
        if self.module.is_root() {
            self.resource.to_string()
        } else {
            format!("{}.{}", self.module, self.resource)
        }
    }
}

impl fmt::Display for Instance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            write!(f, "{}.", self.module)?;
        }
        write!(f, "{}{}", self.resource, self.key)
    }
}

/// Why an address could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid resource address {input:?}: {reason}")]
pub struct ParseError {
    pub input: String,
    pub reason: &'static str,
}

/// An address split into its steps: names and instance keys.
struct Steps<'a> {
    input: &'a str,
    rest: &'a str,
}

impl<'a> Steps<'a> {
    fn err(&self, reason: &'static str) -> ParseError {
        ParseError {
            input: self.input.to_string(),
            reason,
        }
    }

    /// The next name, up to a `.` or `[`; consumes a following `.`.
    fn name(&mut self) -> Option<&'a str> {
        let end = self.rest.find(['.', '[']).unwrap_or(self.rest.len());
        let (name, rest) = self.rest.split_at(end);
        self.rest = rest.strip_prefix('.').unwrap_or(rest);
        (!name.is_empty()).then_some(name)
    }

    /// An instance key `[0]` or `["a"]` if one is next; consumes a following `.`.
    fn key(&mut self) -> Result<InstanceKey, ParseError> {
        let Some(r) = self.rest.strip_prefix('[') else {
            return Ok(InstanceKey::None);
        };
        let (inner, rest) = if let Some(quoted) = r.strip_prefix('"') {
            let end = closing_quote(quoted).ok_or_else(|| self.err("an instance key is written [0] or [\"key\"]"))?;
            let after = quoted[end + 1..]
                .strip_prefix(']')
                .ok_or_else(|| self.err("an instance key is written [0] or [\"key\"]"))?;
            let key = unescape(&quoted[..end]).ok_or_else(|| self.err("bad escape in key"))?;
            (InstanceKey::Str(key), after)
        } else {
            let end = r
                .find(']')
                .ok_or_else(|| self.err("an instance key is written [0] or [\"key\"]"))?;
            let n = r[..end]
                .parse()
                .map_err(|_| self.err("an index must be a whole number"))?;
            (InstanceKey::Int(n), &r[end + 1..])
        };
        if !(rest.is_empty() || rest.starts_with('.')) {
            return Err(self.err("an instance key ends an address or is followed by ."));
        }
        self.rest = rest.strip_prefix('.').unwrap_or(rest);
        Ok(inner)
    }

    /// `module.NAME[KEY].` steps at the start.
    fn modules(&mut self) -> Result<ModuleInstance, ParseError> {
        let mut steps = Vec::new();
        while self.rest.starts_with("module.") {
            self.rest = &self.rest["module.".len()..];
            let name = self
                .name()
                .ok_or_else(|| self.err("module. must be followed by a module name"))?;
            if !is_identifier(name) {
                return Err(self.err("module names are identifiers"));
            }
            let key = self.key()?;
            steps.push(ModuleStep {
                name: name.to_string(),
                key,
            });
        }
        Ok(ModuleInstance(steps))
    }
}

/// The index of the quote that closes a string starting after an opening quote.
fn closing_quote(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

impl FromStr for Instance {
    type Err = ParseError;

    /// Parses `TYPE.NAME`, `TYPE.NAME[0]`, `TYPE.NAME["key"]`, the `data.`
    /// forms, each after any number of `module.NAME[KEY].` steps.
    fn from_str(input: &str) -> Result<Instance, ParseError> {
        let mut s = Steps { input, rest: input };
        let module = s.modules()?;
        let first = s.name().ok_or_else(|| s.err("expected TYPE.NAME or data.TYPE.NAME"))?;
        let resource = if first == "data" {
            let t = s.name().ok_or_else(|| s.err("expected data.TYPE.NAME"))?;
            let n = s.name().ok_or_else(|| s.err("expected data.TYPE.NAME"))?;
            Resource::data(t, n)
        } else {
            let n = s.name().ok_or_else(|| s.err("expected TYPE.NAME or data.TYPE.NAME"))?;
            Resource::managed(first, n)
        };
        if !is_identifier(&resource.type_name) || !is_identifier(&resource.name) {
            return Err(s.err("type and name must be identifiers"));
        }
        let key = s.key()?;
        if !s.rest.is_empty() {
            return Err(s.err("expected TYPE.NAME or data.TYPE.NAME"));
        }
        Ok(Instance { module, resource, key })
    }
}

impl FromStr for ModuleInstance {
    type Err = ParseError;

    /// Parses `module.net["a"].module.subnets`; the empty string is the root.
    fn from_str(input: &str) -> Result<ModuleInstance, ParseError> {
        let with_dot = format!("{input}.");
        let text = if input.is_empty() { "" } else { with_dot.as_str() };
        let mut s = Steps { input, rest: text };
        let m = s.modules()?;
        if !s.rest.is_empty() {
            return Err(s.err("expected module.NAME steps"));
        }
        Ok(m)
    }
}

/// What `--target` and `-replace`-like options name: a module instance or
/// all instances of a module (`module.net`, `module.net["a"]`), a resource
/// in one (`module.net.azurerm_subnet.this`) or one resource instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Target {
    /// The module steps; a step with `InstanceKey::None` on a module that
    /// has count or for_each means every instance.
    pub module: ModuleInstance,
    pub resource: Option<Resource>,
    /// `None`: every instance of the resource.
    pub key: Option<InstanceKey>,
}

impl Target {
    /// Whether the instance is (or is inside) what this target names.
    pub fn contains(&self, inst: &Instance) -> bool {
        if inst.module.0.len() < self.module.0.len() {
            return false;
        }
        let modules_match = self
            .module
            .0
            .iter()
            .zip(&inst.module.0)
            .all(|(t, i)| t.name == i.name && (t.key == InstanceKey::None || t.key == i.key));
        if !modules_match {
            return false;
        }
        match &self.resource {
            None => true,
            Some(r) => {
                inst.module.0.len() == self.module.0.len()
                    && &inst.resource == r
                    && self.key.as_ref().is_none_or(|k| *k == inst.key)
            }
        }
    }

    /// Whether some instance of `r` may be (or be inside) what this names:
    /// [`Target::contains`] without instance keys.
    pub fn may_contain(&self, r: &ConfigResource) -> bool {
        let modules_match = r.module.0.len() >= self.module.0.len()
            && self.module.0.iter().zip(&r.module.0).all(|(t, name)| &t.name == name);
        modules_match
            && self
                .resource
                .as_ref()
                .is_none_or(|res| r.module.0.len() == self.module.0.len() && &r.resource == res)
    }

    /// The one instance this names, when it names exactly one.
    pub fn instance(&self) -> Option<Instance> {
        Some(Instance {
            module: self.module.clone(),
            resource: self.resource.clone()?,
            key: self.key.clone().unwrap_or(InstanceKey::None),
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.module)?;
        if let Some(r) = &self.resource {
            if !self.module.is_root() {
                f.write_str(".")?;
            }
            write!(f, "{r}")?;
            if let Some(k) = &self.key {
                write!(f, "{k}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for Target {
    type Err = ParseError;

    fn from_str(input: &str) -> Result<Target, ParseError> {
        let mut s = Steps { input, rest: input };
        let module = s.modules()?;
        if s.rest.is_empty() {
            if module.is_root() {
                return Err(s.err("expected a resource or module address"));
            }
            return Ok(Target {
                module,
                resource: None,
                key: None,
            });
        }
        let rest = s.rest;
        let key_given = rest.ends_with(']');
        let inst: Instance = if module.is_root() {
            input.parse()?
        } else {
            let mut i: Instance = rest.parse().map_err(|e: ParseError| ParseError {
                input: input.to_string(),
                reason: e.reason,
            })?;
            i.module = module;
            i
        };
        Ok(Target {
            module: inst.module,
            resource: Some(inst.resource),
            key: key_given.then_some(inst.key),
        })
    }
}

fn unescape(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            c @ ('"' | '\\') => c,
            _ => return None,
        });
    }
    Some(out)
}

/// Whether `s` is an HCL identifier.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// What a node of the dependency graph is, inside its module.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Item {
    Variable(String),
    Local(String),
    Resource(Resource),
    Output(String),
    /// A `module` block: the expansion of its count or for_each.
    ModuleCall(String),
    /// A `provider` block: `azurerm`, or `azurerm.hub` for an alias.
    Provider(String),
}

/// An object the dependency graph holds: an item of one module.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Object {
    pub module: ModulePath,
    pub item: Item,
}

impl Object {
    pub fn new(module: ModulePath, item: Item) -> Object {
        Object { module, item }
    }

    /// An object of the root module.
    pub fn root(item: Item) -> Object {
        Object {
            module: ModulePath::root(),
            item,
        }
    }

    /// The resource block, when this is one.
    pub fn config_resource(&self) -> Option<ConfigResource> {
        match &self.item {
            Item::Resource(r) => Some(ConfigResource {
                module: self.module.clone(),
                resource: r.clone(),
            }),
            _ => None,
        }
    }
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Item::Variable(n) => write!(f, "var.{n}"),
            Item::Local(n) => write!(f, "local.{n}"),
            Item::Resource(r) => write!(f, "{r}"),
            Item::Output(n) => write!(f, "output.{n}"),
            Item::ModuleCall(n) => write!(f, "module.{n}"),
            Item::Provider(n) => write!(f, "provider.{n}"),
        }
    }
}

impl fmt::Display for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            write!(f, "{}.", self.module)?;
        }
        write!(f, "{}", self.item)
    }
}

/// The provider local name a resource type implies when no `provider`
/// argument says otherwise: its first word (`azurerm` for `azurerm_subnet`).
pub fn implied_provider(type_name: &str) -> &str {
    type_name.split('_').next().unwrap_or(type_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_matches_terraform() {
        let r = Resource::managed("azurerm_subnet", "nodes");
        assert_eq!(r.to_string(), "azurerm_subnet.nodes");
        assert_eq!(
            r.instance(InstanceKey::Str("a\"b".into())).to_string(),
            r#"azurerm_subnet.nodes["a\"b"]"#
        );
        assert_eq!(
            Resource::data("azurerm_client_config", "c")
                .instance(InstanceKey::Int(2))
                .to_string(),
            "data.azurerm_client_config.c[2]"
        );
        let m = ModuleInstance::root()
            .child("net", InstanceKey::Str("hub".into()))
            .child("subnets", InstanceKey::Int(0));
        assert_eq!(m.to_string(), r#"module.net["hub"].module.subnets[0]"#);
        assert_eq!(m.path().to_string(), "module.net.module.subnets");
        let i = Instance {
            module: m,
            resource: r,
            key: InstanceKey::None,
        };
        assert_eq!(
            i.to_string(),
            r#"module.net["hub"].module.subnets[0].azurerm_subnet.nodes"#
        );
        assert_eq!(
            i.config_resource().to_string(),
            "module.net.module.subnets.azurerm_subnet.nodes"
        );
        assert_eq!(
            Object::new(ModulePath::root().child("aks"), Item::Local("tags".into())).to_string(),
            "module.aks.local.tags"
        );
    }

    #[test]
    fn parse_round_trips() {
        for s in [
            "azurerm_subnet.nodes",
            "azurerm_subnet.nodes[3]",
            r#"azurerm_subnet.nodes["west europe"]"#,
            "data.azurerm_subscription.current",
            "module.net.azurerm_subnet.this",
            r#"module.net["a.b"].module.x[2].data.azurerm_subnet.this["k"]"#,
        ] {
            assert_eq!(s.parse::<Instance>().unwrap().to_string(), s);
        }
    }

    #[test]
    fn parse_rejects_bad_addresses() {
        for s in [
            "azurerm_subnet",
            "a.b.c.d",
            "a.b[x]",
            "a.b[\"x\"",
            "1a.b",
            "module.x",
            "module..a.b",
            "a.b[0]c",
        ] {
            assert!(s.parse::<Instance>().is_err(), "{s}");
        }
    }

    #[test]
    fn targets_name_modules_resources_and_instances() {
        let t: Target = "module.net".parse().unwrap();
        let inside: Instance = r#"module.net["a"].azurerm_subnet.s[0]"#.parse().unwrap();
        let other: Instance = "module.aks.azurerm_subnet.s".parse().unwrap();
        assert!(t.contains(&inside) && !t.contains(&other));
        let t: Target = r#"module.net["b"]"#.parse().unwrap();
        assert!(!t.contains(&inside));
        let t: Target = r#"module.net["a"].azurerm_subnet.s"#.parse().unwrap();
        assert!(t.contains(&inside));
        let t: Target = r#"module.net["a"].azurerm_subnet.s[1]"#.parse().unwrap();
        assert!(!t.contains(&inside));
        assert_eq!(t.to_string(), r#"module.net["a"].azurerm_subnet.s[1]"#);
        let t: Target = "azurerm_subnet.s".parse().unwrap();
        assert!(t.contains(&"azurerm_subnet.s[\"x\"]".parse().unwrap()));
        assert!(!t.contains(&inside));
        assert!("module".parse::<Target>().is_err());
    }

    #[test]
    fn ordering_is_stable() {
        let mut v = [
            Object::root(Item::Output("o".into())),
            Object::root(Item::Variable("v".into())),
            Object::root(Item::Local("l".into())),
        ];
        v.sort();
        assert_eq!(v[0], Object::root(Item::Variable("v".into())));
    }
}
