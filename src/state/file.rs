//! The state file format, version 1 (`aksplan.tfstate`):
//!
//! ```json
//! {
//!   "version": 1,
//!   "serial": 3,
//!   "lineage": "a UUID",
//!   "resources": [
//!     {
//!       "address": "module.net[\"dev\"].azurerm_subnet.this[\"nodes\"]",
//!       "module": "module.net[\"dev\"]",
//!       "mode": "managed",
//!       "type": "azurerm_subnet",
//!       "name": "this",
//!       "index_key": "nodes",
//!       "id": "/subscriptions/.../subnets/snet-nodes",
//!       "attributes": { "name": "snet-nodes", ... },
//!       "sensitive_attributes": [["configuration_protected_settings"]],
//!       "dependencies": ["azurerm_virtual_network.this"],
//!       "status": "tainted"
//!     },
//!     {
//!       "address": "azurerm_resource_group.rg",
//!       "deposed": "1a2b3c4d",
//!       ...
//!     }
//!   ],
//!   "outputs": { "cluster_id": { "value": "...", "sensitive": false } }
//! }
//! ```
//!
//! `status` is there only for a resource whose creation failed part way.
//! `deposed` is there only for a deposed object (see [`super::deposed`]):
//! the old object of a create_before_destroy replacement whose delete has
//! not succeeded, kept under its instance's address with its key (eight
//! hexadecimal digits), after that instance's current object if it has
//! one. A file without any `deposed` (as every file before it was added)
//! reads as before: every entry is a current object.
//! Sensitive attribute values are stored (the state file is a secret, mode
//! 0600), and their paths listed so that every view hides them. Journal
//! entries (see `store`) use the same resource shape.

use super::deposed::{DeposedKey, ObjectAddr};
use super::{OutputState, ResourceState, State};
use crate::addrs::{Instance, InstanceKey, Mode, Resource};
use crate::lang::Value;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::collections::BTreeMap;

pub const VERSION: u64 = 1;

#[derive(Debug, Serialize, Deserialize)]
pub struct StateFile<R = ResourceEntry> {
    pub version: u64,
    pub serial: u64,
    pub lineage: String,
    /// The cloud and subscription its objects live in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud: Option<String>,
    #[serde(default = "Vec::new")]
    pub resources: Vec<R>,
    #[serde(default)]
    pub outputs: BTreeMap<String, OutputEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResourceEntry {
    pub address: String,
    /// The module instance, as Terraform writes it: `module.net["dev"]`;
    /// absent for the root module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    pub mode: Mode,
    #[serde(rename = "type")]
    pub type_name: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_key: Option<Json>,
    #[serde(default)]
    pub id: Option<String>,
    pub attributes: Value,
    #[serde(default)]
    pub sensitive_attributes: Vec<Vec<Json>>,
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// `"tainted"` when its creation failed part way, as Terraform writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Set on a deposed object: its key. Absent on the current object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposed: Option<DeposedKey>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutputEntry {
    pub value: Json,
    #[serde(default)]
    pub sensitive: bool,
}

/// Paths of every sensitive value inside `v`.
pub fn sensitive_paths(v: &Value) -> Vec<Vec<Json>> {
    fn walk(v: &Value, path: &mut Vec<Json>, out: &mut Vec<Vec<Json>>) {
        match v {
            Value::Sensitive(_) => out.push(path.clone()),
            v => {
                if let Some(items) = v.as_seq() {
                    for (i, item) in items.iter().enumerate() {
                        path.push(Json::from(i));
                        walk(item, path, out);
                        path.pop();
                    }
                } else if let Some(m) = v.as_map() {
                    for (k, item) in m {
                        path.push(Json::from(k.as_str()));
                        walk(item, path, out);
                        path.pop();
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    // Most values hold no secret: looking costs no allocation, the paths one a key.
    if v.has_sensitive() {
        walk(v, &mut Vec::new(), &mut out);
    }
    out
}

/// Marks the values at `paths` sensitive again.
pub fn mark_paths(mut v: Value, paths: &[Vec<Json>]) -> Value {
    fn mark_at(v: &mut Value, path: &[Json]) {
        let Some((first, rest)) = path.split_first() else {
            let taken = std::mem::take(v);
            *v = taken.mark();
            return;
        };
        match (v, first) {
            (v, Json::String(k)) => {
                if let Some(child) = v.as_map_mut().and_then(|m| m.get_mut(k)) {
                    mark_at(child, rest);
                }
            }
            (v, Json::Number(n)) => {
                let Some(items) = v.as_seq_mut() else { return };
                if let Some(child) = n.as_u64().and_then(|i| items.get_mut(i as usize)) {
                    mark_at(child, rest);
                }
            }
            _ => {}
        }
    }
    for p in paths {
        mark_at(&mut v, p);
    }
    v
}

/// The entry of an instance's current object.
pub fn encode_resource(addr: &Instance, r: &ResourceState) -> ResourceEntry {
    encode_object(addr, None, r)
}

/// The entry of one object: current (`deposed` of `None`) or deposed.
pub fn encode_object(addr: &Instance, deposed: Option<&DeposedKey>, r: &ResourceState) -> ResourceEntry {
    ResourceEntry {
        address: addr.to_string(),
        module: (!addr.module.is_root()).then(|| addr.module.to_string()),
        mode: addr.resource.mode,
        type_name: addr.resource.type_name.clone(),
        name: addr.resource.name.clone(),
        index_key: match &addr.key {
            InstanceKey::None => None,
            InstanceKey::Int(i) => Some(Json::from(*i)),
            InstanceKey::Str(s) => Some(Json::from(s.as_str())),
        },
        id: r.id().map(str::to_string),
        attributes: r.value.clone(),
        sensitive_attributes: sensitive_paths(&r.value),
        dependencies: r.dependencies.clone(),
        status: r.tainted.then(|| "tainted".to_string()),
        deposed: deposed.cloned(),
    }
}

/// Reads one entry: which object it is, and the object.
pub fn decode_resource(e: ResourceEntry) -> Result<(ObjectAddr, ResourceState), String> {
    let resource = Resource {
        mode: e.mode,
        type_name: e.type_name.clone(),
        name: e.name.clone(),
    };
    let key = match &e.index_key {
        None | Some(Json::Null) => InstanceKey::None,
        Some(Json::Number(n)) => InstanceKey::Int(n.as_u64().ok_or_else(|| format!("{}: bad index_key", e.address))?),
        Some(Json::String(s)) => InstanceKey::Str(s.clone()),
        Some(other) => return Err(format!("{}: bad index_key {other}", e.address)),
    };
    let module: crate::addrs::ModuleInstance = e
        .module
        .as_deref()
        .unwrap_or("")
        .parse()
        .map_err(|err: crate::addrs::ParseError| format!("{}: bad module: {}", e.address, err.reason))?;
    let value = mark_paths(e.attributes, &e.sensitive_attributes);
    Ok((
        ObjectAddr {
            instance: Instance { module, resource, key },
            deposed: e.deposed,
        },
        ResourceState {
            type_name: e.type_name.clone(),
            value,
            dependencies: e.dependencies,
            tainted: e.status.as_deref() == Some("tainted"),
        },
    ))
}

pub fn encode(state: &State) -> StateFile {
    StateFile {
        version: VERSION,
        serial: state.serial,
        lineage: state.lineage.clone(),
        cloud: state.cloud.clone(),
        resources: encode_objects(state),
        outputs: state
            .outputs
            .iter()
            .map(|(k, o)| {
                (
                    k.clone(),
                    OutputEntry {
                        value: o.value.to_json(),
                        sensitive: o.sensitive,
                    },
                )
            })
            .collect(),
    }
}

/// Every object's entry: each instance's current object, then its deposed
/// ones by key.
fn encode_objects(state: &State) -> Vec<ResourceEntry> {
    let mut objects: Vec<(&Instance, Option<&DeposedKey>, &ResourceState)> =
        state.resources.iter().map(|(a, r)| (a, None, r)).collect();
    objects.extend(state.deposed.iter().map(|((a, k), r)| (a, Some(k), r)));
    objects.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)));
    objects.into_iter().map(|(a, k, r)| encode_object(a, k, r)).collect()
}

/// A state file's bytes that do not make a state.
#[derive(Debug)]
pub enum Unreadable {
    /// Not JSON, or not of the format's shape.
    Json(serde_json::Error),
    /// Of its shape, with a value it does not take (a version, an index key).
    Invalid(String),
}

/// A thread decodes at least this many entries of a state.
const LEAST: usize = 100;

/// A smaller state file, or one thread, is decoded directly: the outline
/// would be work on top.
const BIG: usize = 128 << 10;

/// Reads the bytes of a state file. A big state's entries are decoded on
/// several threads, from an outline that leaves each entry as its text:
/// decoding 10,000 entries one after another took an eighth of a plan. Any
/// error is the one reading the whole file on one thread gives.
pub fn read(bytes: &[u8]) -> Result<State, Unreadable> {
    let split = bytes.len() >= BIG && crate::parallel::threads() > 1;
    let outline = split.then(|| serde_json::from_slice::<StateFile<&serde_json::value::RawValue>>(bytes));
    if let Some(Ok(outline)) = outline {
        if outline.version == VERSION && outline.resources.len() >= 2 * LEAST {
            let decoded = crate::parallel::map(&outline.resources, LEAST, |raw| {
                let entry = serde_json::from_str::<ResourceEntry>(raw.get()).ok()?;
                decode_resource(entry).ok()
            });
            if let Some(objects) = decoded.into_iter().collect::<Option<Vec<_>>>() {
                return Ok(assemble(outline, objects));
            }
        }
    }
    let f: StateFile = serde_json::from_slice(bytes).map_err(Unreadable::Json)?;
    decode(f).map_err(Unreadable::Invalid)
}

pub fn decode(mut f: StateFile) -> Result<State, String> {
    if f.version != VERSION {
        return Err(format!(
            "state format version {} is not supported (this aksplan reads version {VERSION})",
            f.version
        ));
    }
    let entries = std::mem::take(&mut f.resources);
    let objects = entries
        .into_iter()
        .map(decode_resource)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(assemble(f, objects))
}

/// The state of a file's decoded entries and the rest of the file (its
/// `resources` are not looked at).
fn assemble<R>(f: StateFile<R>, objects: Vec<(ObjectAddr, ResourceState)>) -> State {
    let mut resources = BTreeMap::new();
    let mut deposed = BTreeMap::new();
    for (addr, r) in objects {
        match addr.deposed {
            None => resources.insert(addr.instance, r),
            Some(k) => deposed.insert((addr.instance, k), r),
        };
    }
    State {
        serial: f.serial,
        lineage: f.lineage,
        cloud: f.cloud,
        resources,
        deposed,
        outputs: f
            .outputs
            .into_iter()
            .map(|(k, o)| {
                let v = Value::from_json(&o.value).mark_if(o.sensitive);
                (
                    k,
                    OutputState {
                        value: v,
                        sensitive: o.sensitive,
                    },
                )
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::value::Map;

    #[test]
    fn round_trip_keeps_sensitivity_and_keys() {
        let mut s = State::new();
        s.serial = 7;
        let addr =
            Resource::managed("azurerm_kubernetes_cluster_extension", "e").instance(InstanceKey::Str("flux".into()));
        let value = Value::Object(Map::from([
            ("id".into(), Value::string("/x")),
            (
                "configuration_protected_settings".into(),
                Value::Object(Map::from([("k".into(), Value::string("secret"))])).mark(),
            ),
        ]));
        s.resources.insert(
            addr.clone(),
            ResourceState {
                type_name: "azurerm_kubernetes_cluster_extension".into(),
                value,
                dependencies: vec!["azurerm_kubernetes_cluster.k".into()],
                tainted: true,
            },
        );
        s.outputs.insert(
            "o".into(),
            OutputState {
                value: Value::string("v").mark(),
                sensitive: true,
            },
        );
        let text = serde_json::to_string(&encode(&s)).unwrap();
        let back = decode(serde_json::from_str(&text).unwrap()).unwrap();
        assert_eq!(back, s);
        let entry = &encode(&s).resources[0];
        assert_eq!(
            entry.sensitive_attributes,
            vec![vec![Json::from("configuration_protected_settings")]]
        );
        assert_eq!(entry.index_key, Some(Json::from("flux")));
    }

    /// A big state, read on several threads, is the one read on one; an
    /// entry that does not decode gives the error the whole file gives.
    #[test]
    fn a_big_state_reads_as_on_one_thread_with_the_same_errors() {
        let mut s = State::new();
        for i in 0..5000u64 {
            let value = Value::Object(Map::from([
                ("id".into(), Value::string(format!("/x/{i}"))),
                ("secret".into(), Value::string("s").mark()),
                ("note".into(), Value::string("n".repeat(200))),
            ]));
            let addr = Resource::managed("azurerm_resource_group", "g").instance(InstanceKey::Int(i));
            s.resources.insert(
                addr,
                ResourceState {
                    type_name: "azurerm_resource_group".into(),
                    value,
                    dependencies: Vec::new(),
                    tainted: i % 7 == 0,
                },
            );
        }
        let text = serde_json::to_string(&encode(&s)).unwrap();
        assert!(text.len() >= BIG && s.resources.len() >= 2 * LEAST);
        assert_eq!(read(text.as_bytes()).unwrap(), s);
        let bad_key = text.replacen("\"index_key\":4321", "\"index_key\":true", 1);
        assert_ne!(bad_key, text);
        let Err(Unreadable::Invalid(e)) = read(bad_key.as_bytes()) else {
            panic!("an index key of true is refused")
        };
        assert_eq!(e, decode(serde_json::from_str(&bad_key).unwrap()).unwrap_err());
        let at = text.match_indices("\"mode\":\"managed\"").nth(3000).unwrap().0;
        let bad_type = format!(
            "{}\"mode\":7{}",
            &text[..at],
            &text[at + "\"mode\":\"managed\"".len()..]
        );
        let Err(Unreadable::Json(e)) = read(bad_type.as_bytes()) else {
            panic!("a mode of 7 is refused")
        };
        assert_eq!(
            e.to_string(),
            serde_json::from_str::<StateFile>(&bad_type).unwrap_err().to_string()
        );
        assert!(
            e.line() == 1 && e.column() > 1000,
            "the error is placed in the whole file: {e}"
        );
    }

    fn rg(id: &str) -> ResourceState {
        ResourceState {
            type_name: "azurerm_resource_group".into(),
            value: Value::Object(Map::from([("id".into(), Value::string(id))])),
            dependencies: vec![],
            tainted: false,
        }
    }

    #[test]
    fn deposed_objects_round_trip_after_their_current_object() {
        let a = Resource::managed("azurerm_resource_group", "a").instance(InstanceKey::None);
        let b = Resource::managed("azurerm_resource_group", "b").instance(InstanceKey::None);
        let mut s = State::new();
        s.resources.insert(a.clone(), rg("/rg-a-old"));
        let k = s.depose(&a).unwrap();
        s.resources.insert(a.clone(), rg("/rg-a-new"));
        // An instance may have only deposed objects.
        s.deposed
            .insert((b.clone(), DeposedKey::parse("0000000f").unwrap()), rg("/rg-b-old"));
        let f = encode(&s);
        let shape: Vec<(&str, Option<&str>)> = f
            .resources
            .iter()
            .map(|e| (e.address.as_str(), e.deposed.as_ref().map(DeposedKey::as_str)))
            .collect();
        assert_eq!(
            shape,
            vec![
                ("azurerm_resource_group.a", None),
                ("azurerm_resource_group.a", Some(k.as_str())),
                ("azurerm_resource_group.b", Some("0000000f")),
            ]
        );
        let text = serde_json::to_string_pretty(&f).unwrap();
        assert_eq!(text.matches("\"deposed\"").count(), 2, "{text}");
        let back = decode(serde_json::from_str(&text).unwrap()).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.deposed[&(a, k)], rg("/rg-a-old"));
    }

    #[test]
    fn a_file_without_deposed_objects_reads_as_before() {
        // As aksplan wrote it before deposed objects existed.
        let text = r#"{"version": 1, "serial": 2, "lineage": "l", "resources": [
            {"address": "azurerm_resource_group.a", "mode": "managed", "type": "azurerm_resource_group",
             "name": "a", "id": "/rg", "attributes": {"id": "/rg"}}], "outputs": {}}"#;
        let s = decode(serde_json::from_str(text).unwrap()).unwrap();
        assert_eq!(s.resources.len(), 1);
        assert!(s.deposed.is_empty());
        let again = serde_json::to_string(&encode(&s)).unwrap();
        assert!(!again.contains("deposed"), "{again}");
    }

    #[test]
    fn a_malformed_deposed_key_is_an_error_that_says_so() {
        let text = r#"{"version": 1, "serial": 2, "lineage": "l", "resources": [
            {"address": "azurerm_resource_group.a", "mode": "managed", "type": "azurerm_resource_group",
             "name": "a", "attributes": {}, "deposed": "OLD"}]}"#;
        let e = serde_json::from_str::<StateFile>(text).unwrap_err().to_string();
        assert!(e.contains("eight lowercase hexadecimal digits"), "{e}");
    }

    #[test]
    fn other_versions_are_refused() {
        let f = StateFile {
            version: 99,
            serial: 0,
            lineage: String::new(),
            cloud: None,
            resources: vec![],
            outputs: BTreeMap::new(),
        };
        assert!(decode(f).unwrap_err().contains("version 99"));
    }
}
