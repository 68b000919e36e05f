//! One provider's schemas, parsed type by type on first use.
//!
//! The text is a `terraform providers schema -json` document. Opening it
//! only indexes where each type's JSON lies (the whole text is scanned once,
//! without building values); a type is converted, and its overlay laid over
//! it, the first time it is looked up.

use super::overlay::{self, Fit, Overlay};
use super::{tfjson, BlockSchema, Schema};
use crate::addrs::Mode;
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::sync::OnceLock;

/// An overlay file compiled in: (mode, type name, JSON text).
pub type OverlayFile = (Mode, &'static str, &'static str);

/// Cheap to clone: the catalog and the provider share one.
#[derive(Clone)]
pub struct ProviderSchemas(std::sync::Arc<Inner>);

/// A provider's convention: the overlay it gives a type (mode, name, its
/// schema before any overlay) that no overlay file describes, if it can.
pub type Convention = fn(Mode, &str, &BlockSchema) -> Option<serde_json::Value>;

struct Inner {
    /// `registry.terraform.io/hashicorp/azurerm`.
    source: String,
    text: &'static str,
    overlays: &'static [OverlayFile],
    /// How the provider maps a type no overlay describes.
    convention: Option<Convention>,
    index: OnceLock<Index>,
    /// The provider block's schema, parsed on first use.
    config: OnceLock<Option<BlockSchema>>,
}

#[derive(Default)]
struct Index {
    provider: Option<&'static str>,
    resources: IndexMap<String, Slot>,
    data: IndexMap<String, Slot>,
}

struct Slot {
    /// The type's JSON: `{"version": 1, "block": {...}}`.
    raw: &'static str,
    parsed: OnceLock<Option<Schema>>,
}

impl Slot {
    fn new(raw: &'static str) -> Slot {
        Slot {
            raw,
            parsed: OnceLock::new(),
        }
    }
}

/// Indexes a document in the layout `aksplan-gen` writes (one type per
/// line) by its lines alone, without parsing JSON: a plan that uses one
/// azurerm type then pays for that type, not for the 2 MB document.
/// `None` for any other layout, which the JSON parser indexes instead.
fn line_index(text: &'static str, source: &str) -> Option<Index> {
    let mut lines = text.lines();
    let head = format!(
        "{{\"format_version\":\"1.0\",\"provider_schemas\":{{{}:{{",
        serde_json::to_string(source).ok()?
    );
    if lines.next()? != head {
        return None;
    }
    let mut index = Index::default();
    let mut section: Option<Mode> = None;
    for line in lines {
        match (line, section) {
            ("\"resource_schemas\":{", None) => section = Some(Mode::Managed),
            ("\"data_source_schemas\":{", None) => section = Some(Mode::Data),
            ("}," | "}}}}", Some(_)) => section = None,
            (l, None) if l.starts_with("\"provider\":") => {
                index.provider = Some(l.strip_prefix("\"provider\":")?.strip_suffix(',')?);
            }
            (l, Some(mode)) => {
                let rest = l.strip_prefix('"')?;
                let end = rest.find("\":")?;
                let (name, value) = (&rest[..end], &rest[end + 2..]);
                if name.contains(['\\', '"']) || !value.starts_with('{') {
                    return None;
                }
                let value = value.strip_suffix(',').unwrap_or(value);
                let slots = match mode {
                    Mode::Managed => &mut index.resources,
                    Mode::Data => &mut index.data,
                };
                slots.insert(name.to_string(), Slot::new(value));
            }
            _ => return None,
        }
    }
    Some(index)
}

#[derive(Deserialize)]
struct Document<'a> {
    #[serde(borrow, default)]
    provider_schemas: IndexMap<String, &'a RawValue>,
}

#[derive(Deserialize)]
struct ProviderJson<'a> {
    #[serde(borrow, default)]
    provider: Option<&'a RawValue>,
    #[serde(borrow, default)]
    resource_schemas: IndexMap<String, &'a RawValue>,
    #[serde(borrow, default)]
    data_source_schemas: IndexMap<String, &'a RawValue>,
}

impl ProviderSchemas {
    /// The schemas of the provider `source` in a `providers schema -json`
    /// document, with the overlays aksplan has for its types.
    pub fn new(source: &str, text: &'static str, overlays: &'static [OverlayFile]) -> ProviderSchemas {
        ProviderSchemas(std::sync::Arc::new(Inner {
            source: source.to_string(),
            text,
            overlays,
            convention: None,
            index: OnceLock::new(),
            config: OnceLock::new(),
        }))
    }

    /// The same schemas, with types no overlay describes mapped by the
    /// provider's convention where it can.
    pub fn with_convention(self, convention: Convention) -> ProviderSchemas {
        let inner = Inner {
            source: self.0.source.clone(),
            text: self.0.text,
            overlays: self.0.overlays,
            convention: Some(convention),
            index: OnceLock::new(),
            config: OnceLock::new(),
        };
        ProviderSchemas(std::sync::Arc::new(inner))
    }

    /// The provider source addresses a document holds schemas for.
    pub fn sources_in(text: &str) -> Result<Vec<String>, String> {
        let doc: Document = serde_json::from_str(text).map_err(|e| e.to_string())?;
        Ok(doc.provider_schemas.keys().cloned().collect())
    }

    /// Parses every type now: for a document a user supplies, whose errors
    /// should show before any plan starts.
    pub fn check(&self) -> Result<usize, String> {
        let index = self.index();
        let mut n = 0;
        for (mode, slots) in [(Mode::Managed, &index.resources), (Mode::Data, &index.data)] {
            for (name, slot) in slots {
                self.convert(mode, name, slot.raw)?;
                n += 1;
            }
        }
        Ok(n)
    }

    pub fn source(&self) -> &str {
        &self.0.source
    }

    fn index(&self) -> &Index {
        let me = &*self.0;
        me.index.get_or_init(|| {
            if let Some(index) = line_index(me.text, &me.source) {
                return index;
            }
            // The embedded documents are checked by tests, and a user's is
            // checked by `check` before use: an unreadable one has no types.
            let Ok(doc) = serde_json::from_str::<Document<'static>>(me.text) else {
                return Index::default();
            };
            let Some(p) = doc
                .provider_schemas
                .get(&me.source)
                .and_then(|raw| serde_json::from_str::<ProviderJson<'static>>(raw.get()).ok())
            else {
                return Index::default();
            };
            let slots = |m: IndexMap<String, &'static RawValue>| {
                m.into_iter().map(|(k, raw)| (k, Slot::new(raw.get()))).collect()
            };
            Index {
                provider: p.provider.map(RawValue::get),
                resources: slots(p.resource_schemas),
                data: slots(p.data_source_schemas),
            }
        })
    }

    /// A type's schema, if the provider has it.
    pub fn get(&self, mode: Mode, name: &str) -> Option<&Schema> {
        let index = self.index();
        let slots = match mode {
            Mode::Managed => &index.resources,
            Mode::Data => &index.data,
        };
        let slot = slots.get(name)?;
        slot.parsed
            .get_or_init(|| self.convert(mode, name, slot.raw).ok())
            .as_ref()
    }

    /// The schema of the provider's own configuration block, when the
    /// document has one.
    pub fn config(&self) -> Option<&BlockSchema> {
        self.0
            .config
            .get_or_init(|| {
                let raw = self.index().provider?;
                let t: tfjson::TypeJson = serde_json::from_str(raw).ok()?;
                tfjson::block(t.block, "provider").ok()
            })
            .as_ref()
    }

    /// Every type name of one mode, sorted.
    pub fn names(&self, mode: Mode) -> Vec<&str> {
        let index = self.index();
        let slots = match mode {
            Mode::Managed => &index.resources,
            Mode::Data => &index.data,
        };
        let mut v: Vec<&str> = slots.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    fn overlay(&self, mode: Mode, name: &str) -> Option<&'static str> {
        self.0
            .overlays
            .iter()
            .find(|(m, n, _)| *m == mode && *n == name)
            .map(|(_, _, text)| *text)
    }

    fn convert(&self, mode: Mode, name: &str, raw: &str) -> Result<Schema, String> {
        let t: tfjson::TypeJson = serde_json::from_str(raw).map_err(|e| format!("{name}: {e}"))?;
        let mut block = tfjson::block(t.block, name)?;
        // A data source without an overlay of its own reads what the
        // resource of the same name reads, where its attributes match.
        let (text, fit) = match (self.overlay(mode, name), mode) {
            (Some(text), _) => (Some(text), Fit::Exact),
            (None, Mode::Data) => (self.overlay(Mode::Managed, name), Fit::Lenient),
            (None, Mode::Managed) => (None, Fit::Exact),
        };
        let mut schema = Schema {
            name: name.to_string(),
            mode,
            description: String::new(),
            arm: None,
            block: Default::default(),
            mapping: super::Mapping::None,
            version: t.version,
        };
        if let Some(text) = text {
            let o: Overlay = serde_json::from_str(text).map_err(|e| format!("overlay of {name}: {e}"))?;
            if o.name != name {
                return Err(format!("the overlay of {name} is named {}", o.name));
            }
            overlay::apply(&mut block, &o.block, fit, name)?;
            schema.description = o.description;
            schema.arm = o.arm;
            schema.mapping = super::Mapping::Curated;
        } else if let Some(json) = self.0.convention.and_then(|c| c(mode, name, &block)) {
            // A convention that does not fit leaves the type to validation.
            let mut mapped = block.clone();
            let fit = if mode == Mode::Data { Fit::Lenient } else { Fit::Exact };
            if let Ok(o) = Overlay::deserialize(json) {
                if overlay::apply(&mut mapped, &o.block, fit, name).is_ok() {
                    block = mapped;
                    schema.description = o.description;
                    schema.arm = o.arm;
                    schema.mapping = super::Mapping::Convention;
                }
            }
        }
        schema.block = block;
        Ok(schema)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"format_version": "1.0", "provider_schemas": {"example.com/x/demo": {
        "resource_schemas": {"demo_thing": {"version": 0, "block": {"attributes": {
            "id": {"type": "string", "computed": true},
            "name": {"type": "string", "required": true}}}}},
        "data_source_schemas": {"demo_thing": {"version": 0, "block": {"attributes": {
            "id": {"type": "string", "computed": true},
            "name": {"type": "string", "required": true},
            "extra": {"type": "string", "computed": true}}}}}}}}"#;
    const OVERLAYS: &[OverlayFile] = &[(
        Mode::Managed,
        "demo_thing",
        r#"{"name": "demo_thing", "block": {"attributes": {"name": {"force_new": true, "arm": "name"}}}}"#,
    )];

    #[test]
    fn types_are_found_by_mode_with_their_overlays() {
        let s = ProviderSchemas::new("example.com/x/demo", DOC, OVERLAYS);
        let r = s.get(Mode::Managed, "demo_thing").unwrap();
        assert!(r.curated() && r.block.attributes["name"].force_new);
        let d = s.get(Mode::Data, "demo_thing").unwrap();
        assert!(d.curated() && d.block.attributes["name"].arm.is_some());
        assert!(d.block.attributes.contains_key("extra"));
        assert!(s.get(Mode::Managed, "demo_other").is_none());
        assert_eq!(s.names(Mode::Data), vec!["demo_thing"]);
        assert_eq!(s.check(), Ok(2));
        assert_eq!(ProviderSchemas::sources_in(DOC).unwrap(), vec!["example.com/x/demo"]);
    }

    /// The line layout's index must hold what the JSON parser finds: every
    /// embedded document is read both ways.
    #[test]
    fn every_embedded_document_indexes_by_lines_as_by_json() {
        for (name, text, _) in crate::provider::embedded::PROVIDERS {
            let source = ProviderSchemas::sources_in(text).unwrap().remove(0);
            let by_lines = line_index(text, &source).unwrap_or_else(|| panic!("{name} is not in the line layout"));
            let doc: serde_json::Value = serde_json::from_str(text).unwrap();
            let p = &doc["provider_schemas"][&source];
            for (key, slots) in [
                ("resource_schemas", &by_lines.resources),
                ("data_source_schemas", &by_lines.data),
            ] {
                let json = p[key].as_object().map(|m| m.len()).unwrap_or(0);
                assert_eq!(slots.len(), json, "{name} {key}");
                for (type_name, slot) in slots {
                    let raw: serde_json::Value = serde_json::from_str(slot.raw).unwrap();
                    assert_eq!(raw, p[key][type_name], "{name} {type_name}");
                }
            }
            assert_eq!(
                by_lines.provider.is_some(),
                p.get("provider").is_some(),
                "{name} provider block"
            );
        }
        assert!(
            line_index(DOC, "example.com/x/demo").is_none(),
            "another layout is parsed as JSON"
        );
    }

    #[test]
    fn another_source_in_the_document_has_no_types() {
        let s = ProviderSchemas::new("example.com/x/other", DOC, &[]);
        assert!(s.get(Mode::Managed, "demo_thing").is_none());
    }
}
