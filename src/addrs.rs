//! Addresses: the names of everything a configuration declares.
//!
//! A leaf module: it imports nothing of the project. Addresses are immutable,
//! totally ordered (so plans and graphs print in a stable order) and display the
//! way Terraform writes them: `azurerm_subnet.api`, `data.azurerm_client_config.current`,
//! `azurerm_subnet.nodes["a"]`, `var.location`, `local.tags`, `output.fqdn`.

use std::fmt;
use std::str::FromStr;

/// Whether a resource block is managed (`resource`) or read (`data`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Managed,
    Data,
}

/// A resource or data block of the configuration, before count/for_each expansion.
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

    pub fn instance(&self, key: InstanceKey) -> Instance {
        Instance {
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

/// Which instance of an expanded resource: none (no count/for_each), an index, or a key.
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

/// One instance of a resource: `azurerm_subnet.nodes["a"]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Instance {
    pub resource: Resource,
    pub key: InstanceKey,
}

impl fmt::Display for Instance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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

impl FromStr for Instance {
    type Err = ParseError;

    /// Parses `TYPE.NAME`, `TYPE.NAME[0]`, `TYPE.NAME["key"]` and the `data.` forms.
    fn from_str(input: &str) -> Result<Instance, ParseError> {
        let err = |reason| ParseError {
            input: input.to_string(),
            reason,
        };
        let (head, key) = match input.find('[') {
            Some(i) => (&input[..i], Some(&input[i..])),
            None => (input, None),
        };
        let parts: Vec<&str> = head.split('.').collect();
        let resource = match parts.as_slice() {
            ["data", t, n] => Resource::data(*t, *n),
            [t, n] => Resource::managed(*t, *n),
            _ => return Err(err("expected TYPE.NAME or data.TYPE.NAME")),
        };
        if !is_identifier(&resource.type_name) || !is_identifier(&resource.name) {
            return Err(err("type and name must be identifiers"));
        }
        let key = match key {
            None => InstanceKey::None,
            Some(k) => {
                let inner = k
                    .strip_prefix('[')
                    .and_then(|k| k.strip_suffix(']'))
                    .ok_or_else(|| err("an instance key is written [0] or [\"key\"]"))?;
                if let Some(s) = inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                    InstanceKey::Str(unescape(s).ok_or_else(|| err("bad escape in key"))?)
                } else {
                    InstanceKey::Int(inner.parse().map_err(|_| err("an index must be a whole number"))?)
                }
            }
        };
        Ok(Instance { resource, key })
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

/// Every kind of object the dependency graph holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Object {
    Variable(String),
    Local(String),
    Resource(Resource),
    Output(String),
}

impl fmt::Display for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Object::Variable(n) => write!(f, "var.{n}"),
            Object::Local(n) => write!(f, "local.{n}"),
            Object::Resource(r) => write!(f, "{r}"),
            Object::Output(n) => write!(f, "output.{n}"),
        }
    }
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
    }

    #[test]
    fn parse_round_trips() {
        for s in [
            "azurerm_subnet.nodes",
            "azurerm_subnet.nodes[3]",
            r#"azurerm_subnet.nodes["west europe"]"#,
            "data.azurerm_subscription.current",
        ] {
            assert_eq!(s.parse::<Instance>().unwrap().to_string(), s);
        }
    }

    #[test]
    fn parse_rejects_bad_addresses() {
        for s in ["azurerm_subnet", "a.b.c.d", "a.b[x]", "a.b[\"x\"", "1a.b"] {
            assert!(s.parse::<Instance>().is_err(), "{s}");
        }
    }

    #[test]
    fn ordering_is_stable() {
        let mut v = [
            Object::Output("o".into()),
            Object::Variable("v".into()),
            Object::Local("l".into()),
        ];
        v.sort();
        assert_eq!(v[0], Object::Variable("v".into()));
    }
}
